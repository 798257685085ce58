/* SPDX-License-Identifier: MIT
 * fuzz_http.c: arbitrary bytes as the query string of GET /search (and as
 * the listen address): percent-decoding, UTF-8 checks, every parameter's
 * parsing and limits.  An accepted request must respect the caps.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "longq.h"
#include "qparse.h"
#include "server.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *qs = malloc(size + 1);
    if (!qs)
        return 0;
    memcpy(qs, data, size);
    qs[size] = '\0'; /* MHD hands NUL-terminated strings */
    frs_api_search_t req;
    frs_api_error_t err;
    memset(&req, 0, sizeof req);
    memset(&err, 0, sizeof err);
    frs_status_t rc = frs_api_parse_search(qs, &req, &err);
    if (rc == FRS_OK) {
        if (!req.q || !frs_utf8_valid(req.q, req.qlen) ||
            req.qlen > FRS_QUERY_MAX_TEXT || req.limit > FRS_API_MAX_LIMIT ||
            req.offset > FRS_API_MAX_OFFSET || !req.pre_tag ||
            !req.pre_tag[0] || !req.post_tag || !req.post_tag[0] ||
            strlen(req.pre_tag) > FRS_API_MAX_TAG_BYTES ||
            req.snippet_length > FRS_API_MAX_SNIPPET)
            abort();
    } else {
        if (err.status < 400 || err.status > 599 || !err.code)
            abort();
        json_t *j = frs_api_error_json(&err);
        if (!j)
            abort();
        json_decref(j);
    }
    frs_api_search_clear(&req);
    char *dec = NULL;
    size_t dlen = 0;
    if (frs_api_decode(qs, size, &dec, &dlen) == FRS_OK && dlen > size)
        abort();
    free(dec);
    struct sockaddr_storage ss;
    socklen_t sl;
    frs_server_parse_listen(qs, &ss, &sl);
    free(qs);
    return 0;
}
