/* SPDX-License-Identifier: MIT
 * server.h: `query --serve`, the site-search HTTP JSON API and its search
 * page, on libmicrohttpd.  The request-level pieces (strict query-string
 * decoding, parameter validation, the JSON bodies) are plain functions so
 * they can be tested without a socket; frs_server_run() ties them to the
 * daemon, search workers with a searcher each (a Xapian reader and an
 * analyzer are not thread-safe; workq.h), reopening on new commits,
 * deadlines for slow clients (watchdog.h), the shard monitor and breaker
 * (health.h), the access log and a clean stop on SIGTERM/SIGINT.  The API
 * is described in docs/api.md.
 *
 * Ownership: frs_api_search_t owns its strings (frs_api_search_clear);
 * json_t results are new references the caller decrefs; char * outputs are
 * malloc'd and owned by the caller.
 */
#ifndef FRS_SERVER_H
#define FRS_SERVER_H

#include <jansson.h>
#include <stdio.h>
#include <sys/socket.h>

#include "search.h"

#define FRS_SERVER_DEFAULT_LISTEN "127.0.0.1:8080"

/* Caps on a /search request (each answered 400 when exceeded). */
#define FRS_API_MAX_LIMIT 100
#define FRS_API_MAX_OFFSET 10000
#define FRS_API_DEFAULT_LIMIT 10
#define FRS_API_MIN_SNIPPET 20
#define FRS_API_MAX_SNIPPET 2000
#define FRS_API_MAX_TAG_BYTES 64
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

/* An API error: HTTP status, a stable code and a readable message. */
typedef struct {
    unsigned status;       /* 400, 404, 405, 500, 503 */
    const char *code;      /* static: "invalid_parameter", ... */
    const char *parameter; /* static, or NULL */
    char message[256];
    char shard[128];       /* the shard at fault, or "" */
} frs_api_error_t;

/* A validated /search request. */
typedef struct {
    char *q;               /* decoded, valid UTF-8, NUL-terminated */
    size_t qlen;
    unsigned limit, offset;
    int articles;          /* one hit per article */
    int facet_months;      /* facets=month */
    char from[11], to[11]; /* "YYYY-MM-DD", or "" when absent */
    char *pre_tag, *post_tag; /* highlight markers, never empty */
    unsigned snippet_length;  /* bytes */
} frs_api_search_t;

/* Percent-decode in[0..len) as a query-string component ('+' is a space).
 * *out (malloc'd, NUL-terminated; *outlen bytes, may hold NUL bytes) on
 * FRS_OK; FRS_EINVAL for a '%' not followed by two hex digits; FRS_ENOMEM.
 * *out = NULL on failure. */
frs_status_t frs_api_decode(const char *in, size_t len, char **out,
                            size_t *outlen);

/* Parse and validate the query string of a /search request (the part after
 * '?', NULL or "" when none) into *req, with defaults for what is absent.
 * FRS_OK; FRS_EINVAL with *err filled (status 400) for malformed
 * percent-encoding, invalid UTF-8 or a NUL byte, an unknown or repeated
 * parameter, a missing or empty q, q over FRS_QUERY_MAX_BYTES, or any value
 * out of range; FRS_ENOMEM.  On failure *req holds nothing to free. */
frs_status_t frs_api_parse_search(const char *query_string,
                                  frs_api_search_t *req,
                                  frs_api_error_t *err);
void frs_api_search_clear(frs_api_search_t *req);

/* Fill *err (message printf-style; shard emptied). */
void frs_api_error_set(frs_api_error_t *err, unsigned status,
                       const char *code, const char *parameter,
                       const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* {"error": {"code", "message", "parameter"?, "shard"?}} */
json_t *frs_api_error_json(const frs_api_error_t *err);

/* Run a validated request on s, whose reader is up to date: the response
 * object {query, hits[], estimated_total, offset, limit, took_ms,
 * suggestion, facets}.  defaults gives the BM25 and parser settings (NULL:
 * built-in defaults).  FRS_OK with *out; FRS_EINVAL with *err (400
 * "invalid_query") when the query cannot be parsed; FRS_ENOMEM; a database
 * status otherwise (*err: 503 "unavailable").  *out = NULL on failure. */
frs_status_t frs_api_search(frs_searcher_t *s,
                            const frs_search_params_t *defaults,
                            const frs_api_search_t *req, json_t **out,
                            frs_api_error_t *err);

/* Parse a listen address: "HOST:PORT" with HOST a numeric IPv4 address,
 * "[IPV6]:PORT", or "PORT" alone (loopback).  Port 0 picks a free port.
 * FRS_OK or FRS_EINVAL. */
frs_status_t frs_server_parse_listen(const char *s,
                                     struct sockaddr_storage *out,
                                     socklen_t *len);

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
} frs_server_opts_t;

/* Every field at its default (db NULL: to be set). */
void frs_server_opts_init(frs_server_opts_t *o);

/* Serve until SIGTERM or SIGINT, then finish the requests in flight (up to
 * a few seconds, and as long as a remote shard's timeout) and stop; on
 * SIGHUP reopen the access log.  Writes "query: serving DBDIR at
 * http://HOST:PORT/ (N threads)" on err once listening, and problems.
 * Returns the exit status: 0 after a clean stop, 2 for a bad listen address
 * or thread count, 3 for an incompatible database, 4 for a missing or
 * unreadable database or access log, 5 when the address cannot be bound. */
int frs_server_run(const frs_server_opts_t *o, FILE *err);

#endif
