/* SPDX-License-Identifier: MIT
 * http.h: HTTP details of `query --serve` that need no socket: content
 * negotiation for gzip (RFC 9110 Accept-Encoding with q-values), gzip
 * compression with zlib, and the CORS decision for a request's Origin
 * against the --cors-origin allow-list.
 *
 * Ownership: compressed bodies are malloc'd and owned by the caller; the
 * strings returned by frs_http_cors are borrowed from its arguments.
 */
#ifndef FRS_HTTP_H
#define FRS_HTTP_H

#include <stddef.h>

#include "frs.h"

/* Bodies shorter than this are sent as they are (gzip would not pay). */
#define FRS_HTTP_GZIP_MIN 512
/* The longest --cors-origin list, in bytes. */
#define FRS_HTTP_MAX_CORS 4096

/* Non-zero when the Accept-Encoding header value (NULL: absent) accepts
 * gzip: "gzip" (or "x-gzip", or "*" when gzip is not named) with a q-value
 * above 0. */
int frs_http_accepts_gzip(const char *accept_encoding);

/* in[0..len) as a gzip stream (RFC 1952) in *out (malloc'd), *outlen.
 * FRS_OK, FRS_ENOMEM or FRS_EINTERNAL (zlib failed).  *out NULL on
 * failure. */
frs_status_t frs_http_gzip(const void *in, size_t len, char **out,
                           size_t *outlen);

/* Check a --cors-origin value: "*", "none", or a comma-separated list of
 * origins ("https://exemple.fr", scheme://host[:port], no path).  NULL when
 * valid, else what is wrong (static). */
const char *frs_http_cors_check(const char *allow);

/* The Access-Control-Allow-Origin value for a request from origin (NULL:
 * no Origin header) under allow (as checked above): "*" for "*", origin
 * itself when it is listed (compared exactly, as browsers send it), NULL
 * when no CORS header is to be sent.  *vary is set to 1 when the answer
 * depends on the Origin (a list), so responses must say Vary: Origin. */
const char *frs_http_cors(const char *allow, const char *origin, int *vary);

#endif
