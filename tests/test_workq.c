/* SPDX-License-Identifier: MIT
 * test_workq.c: worker threads: every job runs once, on a thread with its
 * own context, jobs run side by side, a blocked job holds one worker only,
 * and stopping runs what was queued and refuses what comes later.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "workq.h"

typedef struct {
    atomic_int runs;
    atomic_int seen[3];  /* jobs run per context */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int release;         /* blocked jobs may go on */
} shared_t;

static shared_t sh;

static void count(void *arg, void *context)
{
    (void)arg;
    atomic_fetch_add(&sh.runs, 1);
    atomic_fetch_add(&sh.seen[(intptr_t)context], 1);
}

static void block(void *arg, void *context)
{
    (void)arg;
    (void)context;
    pthread_mutex_lock(&sh.mu);
    while (!sh.release)
        pthread_cond_wait(&sh.cv, &sh.mu);
    pthread_mutex_unlock(&sh.mu);
    atomic_fetch_add(&sh.runs, 1);
}

static void reset(void)
{
    atomic_store(&sh.runs, 0);
    for (int i = 0; i < 3; i++)
        atomic_store(&sh.seen[i], 0);
    sh.release = 0;
}

static void test_workq_runs_every_job_once(void **state)
{
    (void)state;
    reset();
    void *ctx[3] = {(void *)0, (void *)1, (void *)2};
    frs_workq_t *q;
    assert_int_equal(frs_workq_new(ctx, 3, &q), FRS_OK);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(frs_workq_submit(q, count, NULL), FRS_OK);
    frs_workq_free(q); /* runs what is queued first */
    assert_int_equal(atomic_load(&sh.runs), 1000);
    assert_int_equal(atomic_load(&sh.seen[0]) + atomic_load(&sh.seen[1]) +
                         atomic_load(&sh.seen[2]),
                     1000);
}

static void test_workq_blocked_job_holds_one_worker(void **state)
{
    (void)state;
    reset();
    void *ctx[2] = {(void *)0, (void *)1};
    frs_workq_t *q;
    assert_int_equal(frs_workq_new(ctx, 2, &q), FRS_OK);
    assert_int_equal(frs_workq_submit(q, block, NULL), FRS_OK);
    /* the other worker goes on serving */
    for (int i = 0; i < 50; i++)
        assert_int_equal(frs_workq_submit(q, count, NULL), FRS_OK);
    for (int i = 0; i < 500 && atomic_load(&sh.runs) < 50; i++)
        usleep(10000);
    assert_int_equal(atomic_load(&sh.runs), 50);
    assert_int_equal(frs_workq_pending(q), 1);
    pthread_mutex_lock(&sh.mu);
    sh.release = 1;
    pthread_cond_broadcast(&sh.cv);
    pthread_mutex_unlock(&sh.mu);
    frs_workq_free(q);
    assert_int_equal(atomic_load(&sh.runs), 51);
}

static void test_workq_stop_refuses_later_jobs(void **state)
{
    (void)state;
    reset();
    frs_workq_t *q;
    assert_int_equal(frs_workq_new(NULL, 1, &q), FRS_OK);
    assert_int_equal(frs_workq_submit(q, count, NULL), FRS_OK);
    frs_workq_stop(q);
    assert_int_equal(atomic_load(&sh.runs), 1);
    assert_int_equal(frs_workq_submit(q, count, NULL), FRS_EINVAL);
    frs_workq_stop(q);
    frs_workq_free(q);
    assert_int_equal(atomic_load(&sh.runs), 1);
}

static void test_workq_arguments(void **state)
{
    (void)state;
    frs_workq_t *q = (frs_workq_t *)1;
    assert_int_equal(frs_workq_new(NULL, 0, &q), FRS_EINVAL);
    assert_null(q);
    frs_workq_free(NULL);
}

int main(void)
{
    pthread_mutex_init(&sh.mu, NULL);
    pthread_cond_init(&sh.cv, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workq_runs_every_job_once),
        cmocka_unit_test(test_workq_blocked_job_holds_one_worker),
        cmocka_unit_test(test_workq_stop_refuses_later_jobs),
        cmocka_unit_test(test_workq_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
