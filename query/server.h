/* SPDX-License-Identifier: MIT
 * server.h: `query --serve`, the daemon: the site-search HTTP APIs and
 * the search page on libmicrohttpd.  The layers below it are plain
 * functions tested without a socket: the request layer of frs's /search
 * (api.h), the Meilisearch API (meili.h, filter.h), HTTP details such as
 * gzip and CORS (http.h) and the listen address (listen.h).
 * frs_server_run() ties them to the daemon: search workers with a
 * searcher each (a Xapian reader and an analyzer are not thread-safe;
 * workq.h), reopening on new commits, deadlines for slow clients
 * (watchdog.h), the shard monitor and breaker (health.h), the access log
 * and a clean stop on SIGTERM/SIGINT.  The APIs are described in
 * docs/api.md.
 */
#ifndef FRS_SERVER_H
#define FRS_SERVER_H

#include <stdio.h>
#include <sys/socket.h>

#include "api.h"
#include "listen.h"
#include "search.h"

#define FRS_SERVER_DEFAULT_LISTEN "127.0.0.1:8080"

/* The memory of one connection (libmicrohttpd's: request line, headers,
 * parameters), and its silence timeout (libmicrohttpd's, when nothing
 * moves at all). */
#define FRS_SERVER_CONN_MEMORY (32 * 1024)
#define FRS_SERVER_TIMEOUT_S 30
#define FRS_SERVER_MAX_THREADS 64
/* A longer request target, or one with more parameters, is answered 400
 * before libmicrohttpd parses its parameters. */
#define FRS_SERVER_MAX_URI 8192
#define FRS_API_MAX_PARAMS 64
/* Defaults of frs_server_opts_t (frs_server_opts_init). */
#define FRS_SERVER_HEADER_TIMEOUT_MS 10000
#define FRS_SERVER_BODY_TIMEOUT_MS 30000
#define FRS_SERVER_MAX_CONNECTIONS 4096
#define FRS_SERVER_MAX_PER_ADDRESS 64

typedef struct {
    const char *db;           /* database directory (required) */
    const char *listen;       /* NULL: FRS_SERVER_DEFAULT_LISTEN */
    unsigned threads;         /* search workers; 0: one per processor */
    const char *access_log;   /* append one line per request; NULL: none */
    const frs_search_params_t *defaults; /* NULL: built-in defaults */
    /* a request's headers are due this long after its connection opened
     * or the previous response ended, its body this long after them;
     * later, the connection is dropped (watchdog.h) */
    unsigned header_timeout_ms, body_timeout_ms;
    unsigned max_connections; /* at once (fewer if file limits say so) */
    unsigned max_per_address; /* at once from one client address; 0: any */
    /* the shard monitor (health.h) */
    unsigned probe_interval_ms, stall_ms, cooldown_ms;
    /* the Meilisearch API: the index's uid (NULL: from the database
     * directory's name, frs_server_default_uid) */
    const char *index_uid;
    /* CORS: "*" (the default: any origin), "none", or a comma-separated
     * list of origins (http.h) */
    const char *cors_origin;
    /* the program's name, which messages start with (NULL: "query") */
    const char *prog;
} frs_server_opts_t;

/* A Meilisearch index uid is 1 to 400 bytes of [A-Za-z0-9_-]. */
#define FRS_SERVER_MAX_UID 400
int frs_server_uid_valid(const char *uid);

/* The default uid for the database at db: its directory's name (without
 * a trailing slash), every byte outside [A-Za-z0-9_-] made '-' ("news.db"
 * -> "news-db"; "/" -> "index").  Malloc'd; NULL when out of memory. */
char *frs_server_default_uid(const char *db);

/* Every field at its default (db NULL: to be set). */
void frs_server_opts_init(frs_server_opts_t *o);

/* Serve until SIGTERM or SIGINT, then finish the requests in flight (up to
 * a few seconds, and as long as a remote shard's timeout) and stop; on
 * SIGHUP reopen the access log.  Writes "PROG: serving DBDIR at
 * http://HOST:PORT/ (N threads)" on err once listening, and problems (PROG:
 * o->prog, "query" by default).  Returns the exit status (exitcodes.h):
 * QUERY_EXIT_OK after a clean stop, _USAGE for a bad listen address or
 * thread count, _SCHEMA for an incompatible database, _FAIL for a missing
 * or unreadable database or access log, _BUSY when the address cannot be
 * bound. */
int frs_server_run(const frs_server_opts_t *o, FILE *err);

/* Check the value of --cors-origin (http.h); NULL when valid, else what
 * is wrong. */
const char *frs_server_cors_check(const char *allow);

#endif
