/* SPDX-License-Identifier: MIT
 * test_notify.c: the readiness notification reaches a real datagram socket
 * named by NOTIFY_SOCKET (a path, or '@' for the abstract namespace), is a
 * no-op without it, and reports a socket it cannot reach.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "fixture.h"
#include "notify.h"

typedef struct {
    char *dir;
    char path[128];
    int fd;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    if (!(f->dir = frs_test_tmpdir("notify"))) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/notify", f->dir);
    f->fd = -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    if (f->fd >= 0)
        close(f->fd);
    frs_test_rmtree(f->dir);
    free(f->dir);
    free(f);
    unsetenv("NOTIFY_SOCKET");
    return 0;
}

/* A datagram socket bound to name (a leading '@' means abstract), with a
 * receive timeout so that a missing message fails instead of hanging. */
static int listen_dgram(const char *name)
{
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    size_t n = strlen(name);
    assert_true(n < sizeof sa.sun_path);
    memcpy(sa.sun_path, name, n);
    if (name[0] == '@')
        sa.sun_path[0] = '\0';
    assert_int_equal(bind(fd, (struct sockaddr *)&sa,
                          (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)),
                     0);
    struct timeval tv = {.tv_sec = 5};
    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
    return fd;
}

static void expect_ready(int fd)
{
    char buf[256];
    ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
    assert_true(n > 0);
    buf[n] = '\0';
    assert_string_equal(buf, "READY=1");
}

static void test_notify_sends_ready_to_a_path_socket(void **state)
{
    fixture_t *f = *state;
    f->fd = listen_dgram(f->path);
    assert_int_equal(setenv("NOTIFY_SOCKET", f->path, 1), 0);
    assert_int_equal(frs_notify_ready(), FRS_OK);
    expect_ready(f->fd);
    /* the variable is left for later notifications */
    assert_string_equal(getenv("NOTIFY_SOCKET"), f->path);
}

static void test_notify_sends_ready_to_an_abstract_socket(void **state)
{
    fixture_t *f = *state;
    char name[64];
    snprintf(name, sizeof name, "@frs-notify-test-%ld", (long)getpid());
    f->fd = listen_dgram(name);
    assert_int_equal(setenv("NOTIFY_SOCKET", name, 1), 0);
    assert_int_equal(frs_notify_ready(), FRS_OK);
    expect_ready(f->fd);
}

static void test_notify_without_socket_does_nothing(void **state)
{
    (void)state;
    unsetenv("NOTIFY_SOCKET");
    assert_int_equal(frs_notify_ready(), FRS_OK);
}

static void test_notify_unreachable_socket_is_an_error(void **state)
{
    fixture_t *f = *state;
    /* nothing bound at that path */
    assert_int_equal(setenv("NOTIFY_SOCKET", f->path, 1), 0);
    assert_int_equal(frs_notify_ready(), FRS_EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_notify_sends_ready_to_a_path_socket,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_notify_sends_ready_to_an_abstract_socket, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notify_without_socket_does_nothing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_notify_unreachable_socket_is_an_error, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
