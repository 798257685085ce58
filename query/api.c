/* SPDX-License-Identifier: MIT
 * api.c: the request layer of frs's own API (GET /search): strict
 * query-string decoding, parameter validation, the JSON response and
 * error bodies (api.h).  No socket here: server.c calls it.
 */
#include "api.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "highlight.h"
#include "longq.h"
#include "output.h"
#include "suggest.h"
#include "utf8.h"

void frs_api_error_vset(frs_api_error_t *err, unsigned status,
                        const char *code, const char *parameter,
                        const char *fmt, va_list ap)
{
    err->status = status;
    err->code = code;
    err->parameter = parameter;
    err->shard[0] = '\0';
    vsnprintf(err->message, sizeof err->message, fmt, ap);
}

void frs_api_error_set(frs_api_error_t *err, unsigned status,
                       const char *code, const char *parameter,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    frs_api_error_vset(err, status, code, parameter, fmt, ap);
    va_end(ap);
}

json_t *frs_api_error_json(const frs_api_error_t *err)
{
    json_t *e = json_object();
    json_object_set_new(e, "code", json_string(err->code ? err->code
                                                         : "internal"));
    /* messages are ASCII, but never trust a format: jansson checks */
    json_t *m = json_string(err->message);
    json_object_set_new(e, "message", m ? m : json_string("error"));
    if (err->parameter)
        json_object_set_new(e, "parameter", json_string(err->parameter));
    json_t *sh = err->shard[0] ? json_string(err->shard) : NULL;
    if (sh)
        json_object_set_new(e, "shard", sh);
    json_t *root = json_object();
    json_object_set_new(root, "error", e);
    return root;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

frs_status_t frs_api_decode(const char *in, size_t len, char **out,
                            size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    char *d = malloc(len + 1);
    if (!d)
        return FRS_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (in[i] == '+') {
            d[n++] = ' ';
        } else if (in[i] == '%') {
            int hi = i + 1 < len ? hexval(in[i + 1]) : -1;
            int lo = i + 2 < len ? hexval(in[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                free(d);
                return FRS_EINVAL;
            }
            d[n++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            d[n++] = in[i];
        }
    }
    d[n] = '\0';
    *out = d;
    *outlen = n;
    return FRS_OK;
}

enum { P_Q, P_LIMIT, P_OFFSET, P_ARTICLES, P_FROM, P_TO, P_PRE, P_POST,
       P_SNIPPET, P_FACETS, P_COUNT };
static const char *const param_names[P_COUNT] = {
    "q", "limit", "offset", "articles", "from", "to", "highlight_pre_tag",
    "highlight_post_tag", "snippet_length", "facets"};

/* A decimal number from 0 to max, digits only. */
static int parse_count(const char *v, unsigned max, unsigned *out)
{
    size_t n = strlen(v);
    if (n == 0 || n > 9)
        return 0;
    unsigned long x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return 0;
        x = x * 10 + (unsigned long)(v[i] - '0');
    }
    if (x > max)
        return 0;
    *out = (unsigned)x;
    return 1;
}

static int parse_bool(const char *v, int *out)
{
    if (!strcmp(v, "1") || !strcmp(v, "true")) {
        *out = 1;
        return 1;
    }
    if (!strcmp(v, "0") || !strcmp(v, "false") || !*v) {
        *out = 0;
        return 1;
    }
    return 0;
}

/* A calendar date "YYYY-MM-DD" (date.h, the check of the shell and the
 * indexer too) into out. */
static int parse_date(const char *v, char out[11])
{
    if (!frs_date_valid(v))
        return 0;
    memcpy(out, v, 11);
    return 1;
}

void frs_api_search_clear(frs_api_search_t *req)
{
    free(req->q);
    free(req->pre_tag);
    free(req->post_tag);
    memset(req, 0, sizeof *req);
}

/* Check one decoded name or value: valid UTF-8, no NUL byte. */
static int check_text(const char *s, size_t n, const char *what,
                      const char *param, frs_api_error_t *err)
{
    if (memchr(s, '\0', n)) {
        frs_api_error_set(err, 400, "invalid_parameter", param,
                          "%s holds a NUL byte", what);
        return 0;
    }
    if (!frs_utf8_valid(s, n)) {
        frs_api_error_set(err, 400, "invalid_utf8", param,
                          "%s is not valid UTF-8", what);
        return 0;
    }
    return 1;
}

/* Validate the raw values of every parameter into req. */
static frs_status_t validate(char *vals[P_COUNT], const size_t lens[P_COUNT],
                             frs_api_search_t *req, frs_api_error_t *err)
{
    const char *const *nm = param_names;
    if (!vals[P_Q] || lens[P_Q] == 0) {
        frs_api_error_set(err, 400, "missing_parameter", nm[P_Q],
                          "q (the query) is required");
        return FRS_EINVAL;
    }
    if (lens[P_Q] > FRS_QUERY_MAX_TEXT) {
        frs_api_error_set(err, 400, "query_too_long", nm[P_Q],
                          "q is %zu bytes long; the limit is %d",
                          lens[P_Q], FRS_QUERY_MAX_TEXT);
        return FRS_EINVAL;
    }
    if (vals[P_LIMIT] &&
        !parse_count(vals[P_LIMIT], FRS_API_MAX_LIMIT, &req->limit)) {
        frs_api_error_set(err, 400, "invalid_parameter", nm[P_LIMIT],
                          "limit must be an integer from 0 to %d",
                          FRS_API_MAX_LIMIT);
        return FRS_EINVAL;
    }
    if (vals[P_OFFSET] &&
        !parse_count(vals[P_OFFSET], FRS_API_MAX_OFFSET, &req->offset)) {
        frs_api_error_set(err, 400, "invalid_parameter", nm[P_OFFSET],
                          "offset must be an integer from 0 to %d",
                          FRS_API_MAX_OFFSET);
        return FRS_EINVAL;
    }
    if (vals[P_ARTICLES] && !parse_bool(vals[P_ARTICLES], &req->articles)) {
        frs_api_error_set(err, 400, "invalid_parameter", nm[P_ARTICLES],
                          "articles must be 1, 0, true or false");
        return FRS_EINVAL;
    }
    for (int k = P_FROM; k <= P_TO; k++) {
        char *dst = k == P_FROM ? req->from : req->to;
        if (vals[k] && vals[k][0] && !parse_date(vals[k], dst)) {
            frs_api_error_set(err, 400, "invalid_parameter", nm[k],
                              "%s must be a calendar date written YYYY-MM-DD",
                              nm[k]);
            return FRS_EINVAL;
        }
    }
    if (req->from[0] && req->to[0] && strcmp(req->from, req->to) > 0) {
        frs_api_error_set(err, 400, "invalid_parameter", nm[P_FROM],
                          "from (%s) is after to (%s)", req->from, req->to);
        return FRS_EINVAL;
    }
    for (int k = P_PRE; k <= P_POST; k++) {
        if (vals[k] && (lens[k] == 0 || lens[k] > FRS_API_MAX_TAG_BYTES)) {
            frs_api_error_set(err, 400, "invalid_parameter", nm[k],
                              "%s must be 1 to %d bytes long", nm[k],
                              FRS_API_MAX_TAG_BYTES);
            return FRS_EINVAL;
        }
    }
    if (vals[P_SNIPPET] &&
        (!parse_count(vals[P_SNIPPET], FRS_API_MAX_SNIPPET,
                      &req->snippet_length) ||
         req->snippet_length < FRS_API_MIN_SNIPPET)) {
        frs_api_error_set(err, 400, "invalid_parameter", nm[P_SNIPPET],
                          "snippet_length must be an integer from %d to %d "
                          "(bytes)", FRS_API_MIN_SNIPPET,
                          FRS_API_MAX_SNIPPET);
        return FRS_EINVAL;
    }
    if (vals[P_FACETS] && lens[P_FACETS] > 0) {
        if (strcmp(vals[P_FACETS], "month") != 0) {
            frs_api_error_set(err, 400, "invalid_parameter", nm[P_FACETS],
                              "facets must be \"month\" (or empty)");
            return FRS_EINVAL;
        }
        req->facet_months = 1;
    }
    req->q = vals[P_Q];
    req->qlen = lens[P_Q];
    vals[P_Q] = NULL;
    req->pre_tag = vals[P_PRE] ? vals[P_PRE] : strdup("<mark>");
    vals[P_PRE] = NULL;
    req->post_tag = vals[P_POST] ? vals[P_POST] : strdup("</mark>");
    vals[P_POST] = NULL;
    if (!req->pre_tag || !req->post_tag)
        return FRS_ENOMEM;
    return FRS_OK;
}

/* One "name=value" segment of a query string into vals/lens. */
static frs_status_t parse_param(const char *p, size_t seg, char *vals[P_COUNT],
                                size_t lens[P_COUNT], frs_api_error_t *err)
{
    const char *eq = memchr(p, '=', seg);
    size_t klen = eq ? (size_t)(eq - p) : seg;
    char *key = NULL, *val = NULL;
    size_t kn = 0, vn = 0;
    frs_status_t rc = frs_api_decode(p, klen, &key, &kn);
    if (rc == FRS_OK && eq)
        rc = frs_api_decode(eq + 1, seg - klen - 1, &val, &vn);
    else if (rc == FRS_OK && !(val = strdup("")))
        rc = FRS_ENOMEM;
    if (rc == FRS_EINVAL)
        frs_api_error_set(err, 400, "bad_encoding", NULL,
                          "malformed percent-encoding: '%%' must be "
                          "followed by two hex digits");
    int k = P_COUNT;
    if (rc == FRS_OK && !check_text(key, kn, "a parameter name", NULL, err))
        rc = FRS_EINVAL;
    if (rc == FRS_OK) {
        for (k = 0; k < P_COUNT; k++)
            if (!strcmp(key, param_names[k]))
                break;
        if (k == P_COUNT) {
            frs_api_error_set(err, 400, "unknown_parameter", NULL,
                              "unknown parameter '%.64s'", key);
            rc = FRS_EINVAL;
        } else if (vals[k]) {
            frs_api_error_set(err, 400, "invalid_parameter", param_names[k],
                              "%s is given more than once", param_names[k]);
            rc = FRS_EINVAL;
        } else if (!check_text(val, vn, param_names[k], param_names[k],
                               err)) {
            rc = FRS_EINVAL;
        }
    }
    if (rc == FRS_OK) {
        vals[k] = val;
        lens[k] = vn;
        val = NULL;
    }
    free(key);
    free(val);
    return rc;
}

frs_status_t frs_api_parse_search(const char *qs, frs_api_search_t *req,
                                  frs_api_error_t *err)
{
    memset(req, 0, sizeof *req);
    req->limit = FRS_API_DEFAULT_LIMIT;
    req->snippet_length = FRS_HL_DEFAULT_BYTES;
    char *vals[P_COUNT] = {0};
    size_t lens[P_COUNT] = {0};
    frs_status_t rc = FRS_OK;
    /* stops at the first error: a long query string costs no more than
     * its length */
    for (const char *p = qs ? qs : ""; rc == FRS_OK && *p;) {
        const char *end = strchr(p, '&');
        size_t seg = end ? (size_t)(end - p) : strlen(p);
        if (seg > 0)
            rc = parse_param(p, seg, vals, lens, err);
        p += seg + (end ? 1 : 0);
    }
    if (rc == FRS_OK)
        rc = validate(vals, lens, req, err);
    for (int k = 0; k < P_COUNT; k++)
        free(vals[k]);
    if (rc != FRS_OK)
        frs_api_search_clear(req);
    return rc;
}

double frs_api_ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
           (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

frs_status_t frs_api_search(frs_searcher_t *s,
                            const frs_search_params_t *defaults,
                            const frs_api_search_t *req, json_t **out,
                            frs_api_error_t *err)
{
    *out = NULL;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    frs_search_params_t p;
    if (defaults)
        p = *defaults;
    else
        frs_search_params_init(&p);
    p.offset = req->offset;
    p.limit = req->limit;
    p.passages = !req->articles;
    p.from = req->from[0] ? req->from : NULL;
    p.to = req->to[0] ? req->to : NULL;
    p.explain = 0;
    p.facet_months = req->facet_months;
    frs_results_t *r = NULL;
    char *msg = NULL;
    frs_status_t rc = frs_searcher_run(s, req->q, req->qlen, &p, &r, &msg);
    if (rc == FRS_EINVAL) {
        frs_api_error_set(err, 400, "invalid_query", "q", "%s",
                          msg ? msg : "invalid query");
        free(msg);
        return rc;
    }
    free(msg);
    char *suggestion = NULL;
    if (rc == FRS_OK)
        rc = frs_suggest(s, req->q, req->qlen, &p, &suggestion);
    if (rc != FRS_OK) {
        frs_results_free(r);
        if (rc == FRS_ENOMEM)
            frs_api_error_set(err, 500, "internal", NULL, "out of memory");
        else
            frs_api_error_set(err, 503, "unavailable", NULL,
                              "the index cannot be read right now");
        return rc;
    }
    frs_out_opts_t o = {0, 0, req->snippet_length, req->pre_tag,
                        req->post_tag};
    json_t *j = frs_results_json(s, req->q, &p, r, &o);
    json_t *sj = suggestion ? json_string(suggestion) : NULL;
    json_object_set_new(j, "suggestion", sj ? sj : json_null());
    /* Xapian has no spelling data over the remote backend: say so rather
     * than fail or stay silent (docs/scaling.md) */
    if (!suggestion && frs_xr_has_remote(frs_searcher_reader(s)))
        json_object_set_new(j, "suggestion_note",
                            json_string("spelling suggestions are not "
                                        "available over remote shards"));
    free(suggestion);
    json_t *facets = json_object();
    if (req->facet_months) {
        json_t *m = json_object();
        for (size_t i = 0; i < r->nmonths; i++)
            json_object_set_new(m, r->months[i].value,
                                json_integer((json_int_t)r->months[i].count));
        json_object_set_new(facets, "month", m);
    }
    json_object_set_new(j, "facets", facets);
    /* fewer hits than asked for: the total is known exactly (Xapian's
     * estimate can be high after collapsing to one hit per article) */
    if (r->n < p.limit && (r->n > 0 || p.offset == 0))
        json_object_set_new(j, "estimated_total",
                            json_integer((json_int_t)p.offset + (json_int_t)r->n));
    json_object_set_new(j, "took_ms",
                        json_real(round(frs_api_ms_since(&t0) * 1000) / 1000));
    frs_results_free(r);
    *out = j;
    return FRS_OK;
}

