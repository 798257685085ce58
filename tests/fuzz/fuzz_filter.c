/* SPDX-License-Identifier: MIT
 * fuzz_filter.c: arbitrary bytes as a Meilisearch filter expression
 * (filter.h), as the query string of GET /indexes/{uid}/search, and as a
 * POST body (meili.h).  An accepted filter is a tree whose date bounds are
 * 8 digits (or "0"); a refused one says why; nothing leaks or crashes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "meili.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every range bound is "0" or 8 digits; terms are Y+4 or M+6 digits. */
static void check_tree(const frs_qnode_t *q)
{
    if (q->op == FRS_Q_VALUE_RANGE) {
        const char *b[2] = {q->lo, q->hi};
        for (int k = 0; k < 2; k++)
            if (b[k] && strcmp(b[k], "0") != 0 &&
                (strlen(b[k]) != 8 || strspn(b[k], "0123456789") != 8))
                abort();
    }
    if (q->op == FRS_Q_TERM &&
        !((q->term[0] == 'Y' && q->term_len == 5) ||
          (q->term[0] == 'M' && q->term_len == 7)))
        abort();
    for (size_t i = 0; i < q->nkids; i++)
        check_tree(q->kids[i]);
}

static void check_error(const frs_api_error_t *err)
{
    if (err->status < 400 || err->status > 599 || !err->code ||
        !err->message[0])
        abort();
    json_t *j = frs_meili_error_json(err);
    if (!j)
        abort();
    json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    frs_qnode_t *q = NULL;
    char msg[256];
    frs_status_t rc = frs_filter_parse((const char *)data, size, &q, msg,
                                       sizeof msg);
    if (rc == FRS_OK && q) {
        check_tree(q);
        char *d = frs_qnode_describe(q);
        if (!d)
            abort();
        free(d);
    } else if (rc == FRS_EINVAL && !msg[0]) {
        abort();
    }
    frs_qnode_free(q);

    char *qs = malloc(size + 1);
    if (!qs)
        return 0;
    memcpy(qs, data, size);
    qs[size] = '\0';
    frs_api_error_t err = {0};
    json_t *body = NULL;
    rc = frs_meili_query_string(qs, &body, &err);
    if (rc == FRS_EINVAL)
        check_error(&err);
    free(qs);
    if (!body)
        body = json_loadb((const char *)data, size, 0, NULL);
    if (body) {
        frs_meili_req_t req;
        memset(&err, 0, sizeof err);
        rc = frs_meili_parse(body, "news", 0, &req, &err);
        if (rc == FRS_OK) {
            if (!req.q || !req.pre_tag || !req.post_tag || !req.crop_marker)
                abort();
            frs_meili_req_clear(&req);
        } else if (rc == FRS_EINVAL) {
            check_error(&err);
        }
        frs_meili_req_t *reqs = NULL;
        size_t n = 0;
        memset(&err, 0, sizeof err);
        if (frs_meili_parse_multi(body, "news", &reqs, &n, &err) == FRS_EINVAL)
            check_error(&err);
        frs_meili_reqs_free(reqs, n);
        json_decref(body);
    }
    return 0;
}
