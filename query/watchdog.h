/* SPDX-License-Identifier: MIT
 * watchdog.h: deadlines for the requests of every connection of the
 * server.  A client that has not sent a request's headers within header_ms
 * of its connection opening (or of the end of its previous response), or
 * its body within body_ms of its headers, has its socket shut down, however
 * slowly it trickles bytes: libmicrohttpd's own timeout only counts
 * silence.  A request being answered has no deadline.
 *
 * A thread sweeps the connections every FRS_WATCHDOG_TICK_MS.  It only ever
 * calls shutdown(), never close(): the descriptor's owner (libmicrohttpd)
 * sees the end of the stream and closes the connection itself, after
 * frs_watchdog_remove(), so a descriptor is never shut down once reused.
 * Every function is thread-safe.
 *
 * Ownership: the watchdog owns its connection records; a
 * frs_watchdog_conn_t * is valid from frs_watchdog_add() to
 * frs_watchdog_remove().
 */
#ifndef FRS_WATCHDOG_H
#define FRS_WATCHDOG_H

#include "frs.h"

#define FRS_WATCHDOG_TICK_MS 100

typedef struct frs_watchdog frs_watchdog_t;
typedef struct frs_watchdog_conn frs_watchdog_conn_t;

/* A watchdog with these deadlines (milliseconds, > 0); with thread, its
 * sweeping thread runs until frs_watchdog_free().  FRS_OK, FRS_EINVAL,
 * FRS_ENOMEM, or FRS_EIO when the thread cannot start. */
frs_status_t frs_watchdog_new(unsigned header_ms, unsigned body_ms,
                              int thread, frs_watchdog_t **out);
/* Stop the thread and free every record (their sockets are left alone).
 * NULL ok. */
void frs_watchdog_free(frs_watchdog_t *w);

/* Watch the connection on socket fd from now: its request headers are due
 * within header_ms.  NULL when out of memory (the connection is then not
 * watched). */
frs_watchdog_conn_t *frs_watchdog_add(frs_watchdog_t *w, int fd);
/* The request's headers are complete: its body is due within body_ms. */
void frs_watchdog_headers_done(frs_watchdog_t *w, frs_watchdog_conn_t *c);
/* The request is complete: no deadline while it is answered. */
void frs_watchdog_body_done(frs_watchdog_t *w, frs_watchdog_conn_t *c);
/* The response is sent: the next request's headers are due within
 * header_ms. */
void frs_watchdog_response_done(frs_watchdog_t *w, frs_watchdog_conn_t *c);
/* Stop watching (before the socket is closed).  NULL c ok. */
void frs_watchdog_remove(frs_watchdog_t *w, frs_watchdog_conn_t *c);

/* Shut down the socket of every connection past its deadline at now_ms
 * (frs_watchdog_now_ms's clock); returns how many.  The thread calls it
 * every tick; tests call it with chosen times. */
unsigned frs_watchdog_sweep(frs_watchdog_t *w, long long now_ms);
/* Connections shut down since the start; connections watched now. */
unsigned long long frs_watchdog_dropped(frs_watchdog_t *w);
unsigned frs_watchdog_count(frs_watchdog_t *w);

/* CLOCK_MONOTONIC, in milliseconds. */
long long frs_watchdog_now_ms(void);

#endif
