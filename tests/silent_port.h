/* SPDX-License-Identifier: MIT
 * silent_port.h (tests): a loopback TCP port that accepts connections (the
 * kernel's backlog completes them) but never answers, like a
 * xapian-tcpsrv stopped by SIGSTOP.  Header-only, for the unit tests.
 */
#ifndef FRS_TEST_SILENT_PORT_H
#define FRS_TEST_SILENT_PORT_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* Listen on a free loopback port; *fd to close; returns the port. */
static int silent_port(int *fd)
{
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    *fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(*fd >= 0);
    assert_int_equal(bind(*fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(*fd, 16), 0);
    socklen_t n = sizeof a;
    assert_int_equal(getsockname(*fd, (struct sockaddr *)&a, &n), 0);
    return ntohs(a.sin_port);
}

#endif
