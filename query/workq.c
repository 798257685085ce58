/* SPDX-License-Identifier: MIT
 * workq.c: worker threads over one FIFO of jobs (workq.h).
 */
#include "workq.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct job {
    struct job *next;
    frs_work_fn fn;
    void *arg;
} job_t;

typedef struct {
    frs_workq_t *q;
    void *context;
    pthread_t thread;
} worker_t;

struct frs_workq {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    job_t *head, *tail;
    unsigned pending; /* queued or running */
    int stop;
    worker_t *workers;
    unsigned n;       /* threads started */
};

static void *run(void *arg)
{
    worker_t *wk = arg;
    frs_workq_t *q = wk->q;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (!q->head && !q->stop)
            pthread_cond_wait(&q->cv, &q->mu);
        job_t *j = q->head;
        if (!j)
            break; /* stopping, and nothing left */
        q->head = j->next;
        if (!q->head)
            q->tail = NULL;
        pthread_mutex_unlock(&q->mu);
        j->fn(j->arg, wk->context);
        free(j);
        pthread_mutex_lock(&q->mu);
        q->pending--;
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

frs_status_t frs_workq_new(void *const *contexts, unsigned n,
                           frs_workq_t **out)
{
    *out = NULL;
    if (n == 0)
        return FRS_EINVAL;
    frs_workq_t *q = calloc(1, sizeof *q);
    if (!q)
        return FRS_ENOMEM;
    q->workers = calloc(n, sizeof *q->workers);
    if (!q->workers) {
        free(q);
        return FRS_ENOMEM;
    }
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    for (unsigned i = 0; i < n; i++) {
        q->workers[i].q = q;
        q->workers[i].context = contexts ? contexts[i] : NULL;
        if (pthread_create(&q->workers[i].thread, NULL, run,
                           &q->workers[i]) != 0) {
            frs_workq_free(q);
            return FRS_EIO;
        }
        q->n = i + 1;
    }
    *out = q;
    return FRS_OK;
}

frs_status_t frs_workq_submit(frs_workq_t *q, frs_work_fn fn, void *arg)
{
    job_t *j = malloc(sizeof *j);
    if (!j)
        return FRS_ENOMEM;
    j->next = NULL;
    j->fn = fn;
    j->arg = arg;
    pthread_mutex_lock(&q->mu);
    if (q->stop) {
        pthread_mutex_unlock(&q->mu);
        free(j);
        return FRS_EINVAL;
    }
    if (q->tail)
        q->tail->next = j;
    else
        q->head = j;
    q->tail = j;
    q->pending++;
    pthread_cond_signal(&q->cv);
    pthread_mutex_unlock(&q->mu);
    return FRS_OK;
}

unsigned frs_workq_pending(frs_workq_t *q)
{
    pthread_mutex_lock(&q->mu);
    unsigned n = q->pending;
    pthread_mutex_unlock(&q->mu);
    return n;
}

void frs_workq_stop(frs_workq_t *q)
{
    pthread_mutex_lock(&q->mu);
    q->stop = 1;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
    for (unsigned i = 0; i < q->n; i++)
        pthread_join(q->workers[i].thread, NULL);
    q->n = 0;
}

void frs_workq_free(frs_workq_t *q)
{
    if (!q)
        return;
    frs_workq_stop(q);
    pthread_cond_destroy(&q->cv);
    pthread_mutex_destroy(&q->mu);
    free(q->workers);
    free(q);
}
