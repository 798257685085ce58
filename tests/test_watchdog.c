/* SPDX-License-Identifier: MIT
 * test_watchdog.c: connection deadlines on real sockets (socket pairs): a
 * connection past its headers' or its body's deadline is shut down (its
 * peer reads the end of the stream), one being answered never is, the
 * deadline starts again after each response, and the thread does it alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "watchdog.h"

/* The watched end is sv[0]; the client's end sv[1]. */
static void pair(int sv[2])
{
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
}

/* Non-zero if the client's end reads the end of the stream within ms. */
static int ended(int fd, int ms)
{
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, ms) != 1)
        return 0;
    char c;
    return read(fd, &c, 1) == 0;
}

static void test_watchdog_headers_deadline(void **state)
{
    (void)state;
    frs_watchdog_t *w;
    assert_int_equal(frs_watchdog_new(1000, 5000, 0, &w), FRS_OK);
    int sv[2];
    pair(sv);
    long long t0 = frs_watchdog_now_ms();
    frs_watchdog_conn_t *c = frs_watchdog_add(w, sv[0]);
    assert_non_null(c);
    assert_int_equal(frs_watchdog_count(w), 1);
    assert_int_equal(frs_watchdog_sweep(w, t0 + 900), 0);
    assert_false(ended(sv[1], 0));
    /* trickled bytes change nothing: only the deadline counts */
    assert_int_equal(write(sv[1], "GET / HTTP/1.1\r\n", 16), 16);
    assert_int_equal(frs_watchdog_sweep(w, t0 + 2000), 1);
    assert_true(ended(sv[1], 1000));
    assert_int_equal(frs_watchdog_dropped(w), 1);
    /* shut once is enough */
    assert_int_equal(frs_watchdog_sweep(w, t0 + 3000), 0);
    frs_watchdog_remove(w, c);
    assert_int_equal(frs_watchdog_count(w), 0);
    close(sv[0]);
    close(sv[1]);
    frs_watchdog_free(w);
}

static void test_watchdog_body_and_answer(void **state)
{
    (void)state;
    frs_watchdog_t *w;
    assert_int_equal(frs_watchdog_new(1000, 5000, 0, &w), FRS_OK);
    int a[2], b[2];
    pair(a);
    pair(b);
    long long t0 = frs_watchdog_now_ms();
    frs_watchdog_conn_t *ca = frs_watchdog_add(w, a[0]);
    frs_watchdog_conn_t *cb = frs_watchdog_add(w, b[0]);
    /* a sent its headers: its body has 5 s; b is being answered */
    frs_watchdog_headers_done(w, ca);
    frs_watchdog_headers_done(w, cb);
    frs_watchdog_body_done(w, cb);
    assert_int_equal(frs_watchdog_sweep(w, t0 + 4000), 0);
    assert_int_equal(frs_watchdog_sweep(w, t0 + 60000), 1);
    assert_true(ended(a[1], 1000));
    assert_false(ended(b[1], 0));
    /* b's response is sent: its next request's headers are due in 1 s */
    frs_watchdog_response_done(w, cb);
    long long t1 = frs_watchdog_now_ms();
    assert_int_equal(frs_watchdog_sweep(w, t1 + 500), 0);
    assert_int_equal(frs_watchdog_sweep(w, t1 + 1500), 1);
    assert_true(ended(b[1], 1000));
    frs_watchdog_remove(w, ca);
    frs_watchdog_remove(w, cb);
    for (int i = 0; i < 2; i++) {
        close(a[i]);
        close(b[i]);
    }
    frs_watchdog_free(w);
}

static void test_watchdog_removed_is_left_alone(void **state)
{
    (void)state;
    frs_watchdog_t *w;
    assert_int_equal(frs_watchdog_new(1000, 1000, 0, &w), FRS_OK);
    int sv[2];
    pair(sv);
    long long t0 = frs_watchdog_now_ms();
    frs_watchdog_conn_t *c = frs_watchdog_add(w, sv[0]);
    frs_watchdog_remove(w, c);
    frs_watchdog_remove(w, NULL);
    assert_int_equal(frs_watchdog_sweep(w, t0 + 60000), 0);
    assert_false(ended(sv[1], 0));
    close(sv[0]);
    close(sv[1]);
    frs_watchdog_free(w);
    assert_int_equal(frs_watchdog_new(0, 1000, 0, &w), FRS_EINVAL);
    assert_null(w);
}

static void test_watchdog_thread_drops_slow_client(void **state)
{
    (void)state;
    frs_watchdog_t *w;
    assert_int_equal(frs_watchdog_new(200, 200, 1, &w), FRS_OK);
    int slow[2], fast[2];
    pair(slow);
    pair(fast);
    frs_watchdog_conn_t *cs = frs_watchdog_add(w, slow[0]);
    frs_watchdog_conn_t *cf = frs_watchdog_add(w, fast[0]);
    frs_watchdog_headers_done(w, cf);
    frs_watchdog_body_done(w, cf);
    /* the slow one trickles a byte every 50 ms: dropped all the same */
    int dropped = 0;
    for (int i = 0; i < 100 && !dropped; i++) {
        (void)write(slow[1], "x", 1);
        dropped = ended(slow[1], 50);
    }
    assert_true(dropped);
    assert_false(ended(fast[1], 0));
    frs_watchdog_remove(w, cs);
    frs_watchdog_remove(w, cf);
    /* records still watched at the end are freed */
    frs_watchdog_add(w, fast[0]);
    frs_watchdog_free(w);
    for (int i = 0; i < 2; i++) {
        close(slow[i]);
        close(fast[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_watchdog_headers_deadline),
        cmocka_unit_test(test_watchdog_body_and_answer),
        cmocka_unit_test(test_watchdog_removed_is_left_alone),
        cmocka_unit_test(test_watchdog_thread_drops_slow_client),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
