/* SPDX-License-Identifier: MIT
 * api.h: the request layer of frs's own search API, GET /search
 * (docs/api.md): strict query-string decoding, parameter validation, the
 * JSON bodies of responses and errors.  Plain functions, tested without a
 * socket (tests/test_server.c); the Meilisearch API (meili.h) shares the
 * error record and the decoder.
 *
 * Ownership: frs_api_search_t owns its strings (frs_api_search_clear);
 * json_t results are new references the caller decrefs; char * outputs are
 * malloc'd and owned by the caller.
 */
#ifndef FRS_API_H
#define FRS_API_H

#include <jansson.h>
#include <stdarg.h>
#include <time.h>

#include "search.h"

/* Caps on a /search request (each answered 400 when exceeded). */
#define FRS_API_MAX_LIMIT 100
#define FRS_API_MAX_OFFSET 10000
#define FRS_API_DEFAULT_LIMIT 10
#define FRS_API_MIN_SNIPPET 20
#define FRS_API_MAX_SNIPPET 2000
#define FRS_API_MAX_TAG_BYTES 64
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

/* The same with a va_list. */
void frs_api_error_vset(frs_api_error_t *err, unsigned status,
                        const char *code, const char *parameter,
                        const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

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

/* Milliseconds since t0 (CLOCK_MONOTONIC). */
double frs_api_ms_since(const struct timespec *t0);

#endif
