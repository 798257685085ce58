/* SPDX-License-Identifier: MIT
 * listen.h: parsing the listen address of `query --serve`.
 */
#ifndef FRS_LISTEN_H
#define FRS_LISTEN_H

#include <sys/socket.h>

#include "frs.h"

/* Parse a listen address: "HOST:PORT" with HOST a numeric IPv4 address,
 * "[IPV6]:PORT", or "PORT" alone (loopback).  Port 0 picks a free port.
 * FRS_OK or FRS_EINVAL. */
frs_status_t frs_server_parse_listen(const char *s,
                                     struct sockaddr_storage *out,
                                     socklen_t *len);

#endif
