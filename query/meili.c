/* SPDX-License-Identifier: MIT
 * meili.c: the Meilisearch search API's request and response mapping
 * (meili.h): errors, the GET query string, validation of every search
 * parameter, and the response with highlighted and cropped attributes.
 */
#include "meili.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "filter.h"
#include "highlight.h"
#include "longq.h"
#include "suggest.h"
#include "utf8.h"
#include "xdb.h"

/* ---- errors ---- */

void frs_meili_error(frs_api_error_t *err, unsigned status, const char *code,
                     const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    frs_api_error_vset(err, status, code, NULL, fmt, ap);
    va_end(ap);
}

json_t *frs_meili_error_json(const frs_api_error_t *err)
{
    const char *code = err->code ? err->code : "internal";
    char link[160];
    snprintf(link, sizeof link, FRS_MEILI_DOCS "%s", code);
    json_t *m = json_string(err->message);
    json_t *e = json_pack("{s:o, s:s, s:s, s:s}", "message",
                          m ? m : json_string("error"), "code", code, "type",
                          err->status == 503   ? "system"
                          : err->status >= 500 && err->status != 501
                              ? "internal"
                              : "invalid_request",
                          "link", link);
    json_t *sh = err->shard[0] ? json_string(err->shard) : NULL;
    if (e && sh)
        json_object_set_new(e, "shard", sh);
    return e;
}

/* ---- the GET query string ---- */

typedef enum { K_STR, K_UINT, K_BOOL, K_LIST, K_NUM } kind_t;

typedef struct {
    const char *name;
    kind_t kind;
    const char *code; /* the error code of a bad value */
} param_t;

/* Every parameter of Meilisearch's search route, supported or not (the
 * unsupported ones are refused by frs_meili_parse, saying so). */
static const param_t params[] = {
    {"q", K_STR, "invalid_search_q"},
    {"offset", K_UINT, "invalid_search_offset"},
    {"limit", K_UINT, "invalid_search_limit"},
    {"page", K_UINT, "invalid_search_page"},
    {"hitsPerPage", K_UINT, "invalid_search_hits_per_page"},
    {"filter", K_STR, "invalid_search_filter"},
    {"sort", K_LIST, "invalid_search_sort"},
    {"facets", K_LIST, "invalid_search_facets"},
    {"distinct", K_STR, "invalid_search_distinct"},
    {"attributesToRetrieve", K_LIST, "invalid_search_attributes_to_retrieve"},
    {"attributesToHighlight", K_LIST,
     "invalid_search_attributes_to_highlight"},
    {"highlightPreTag", K_STR, "invalid_search_highlight_pre_tag"},
    {"highlightPostTag", K_STR, "invalid_search_highlight_post_tag"},
    {"attributesToCrop", K_LIST, "invalid_search_attributes_to_crop"},
    {"cropLength", K_UINT, "invalid_search_crop_length"},
    {"cropMarker", K_STR, "invalid_search_crop_marker"},
    {"showRankingScore", K_BOOL, "invalid_search_show_ranking_score"},
    {"showRankingScoreDetails", K_BOOL,
     "invalid_search_show_ranking_score_details"},
    {"showMatchesPosition", K_BOOL, "invalid_search_show_matches_position"},
    {"matchingStrategy", K_STR, "invalid_search_matching_strategy"},
    {"attributesToSearchOn", K_LIST, "invalid_search_attributes_to_search_on"},
    {"rankingScoreThreshold", K_NUM,
     "invalid_search_ranking_score_threshold"},
    {"locales", K_LIST, "invalid_search_locales"},
    {"retrieveVectors", K_BOOL, "invalid_search_retrieve_vectors"},
    {"vector", K_LIST, "invalid_search_vector"},
    {"hybrid", K_STR, "invalid_search_hybrid_query"},
    {"media", K_STR, "invalid_search_media"},
    {"indexUid", K_STR, "invalid_index_uid"},
    {"federationOptions", K_STR, "invalid_multi_search_federation_options"},
};
#define NPARAMS (sizeof params / sizeof params[0])

static const param_t *find_param(const char *name)
{
    for (size_t i = 0; i < NPARAMS; i++)
        if (!strcmp(params[i].name, name))
            return &params[i];
    return NULL;
}

/* The number written by the n digits at s (validated by the caller). */
static int digits_n(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static int all_digits(const char *v)
{
    if (!*v || strlen(v) > 18)
        return 0;
    for (const char *c = v; *c; c++)
        if (*c < '0' || *c > '9')
            return 0;
    return 1;
}

/* A comma list, each item trimmed of spaces. */
static json_t *split_list(const char *v)
{
    json_t *a = json_array();
    for (const char *p = v; a && *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        size_t s = 0;
        while (s < n && p[s] == ' ')
            s++;
        while (n > s && p[n - 1] == ' ')
            n--;
        if (n > s)
            json_array_append_new(a, json_stringn(p + s, n - s));
        p += (end ? (size_t)(end - p) + 1 : strlen(p));
    }
    return a;
}

/* The typed JSON of one GET value, or NULL with *err. */
static json_t *typed(const param_t *pm, const char *v, frs_api_error_t *err)
{
    switch (pm->kind) {
    case K_UINT:
        if (all_digits(v))
            return json_integer(strtoll(v, NULL, 10));
        frs_meili_error(err, 400, pm->code, "Invalid value in parameter `%s`: "
                        "could not parse `%.40s` as a positive integer",
                        pm->name, v);
        return NULL;
    case K_BOOL:
        if (!strcmp(v, "true") || !strcmp(v, "false"))
            return json_boolean(!strcmp(v, "true"));
        frs_meili_error(err, 400, pm->code, "Invalid value in parameter `%s`: "
                        "could not parse `%.40s` as a boolean, expected "
                        "either `true` or `false`", pm->name, v);
        return NULL;
    case K_NUM: {
        char *end;
        double d = strtod(v, &end);
        if (*v && !*end && isfinite(d))
            return json_real(d);
        frs_meili_error(err, 400, pm->code, "Invalid value in parameter `%s`: "
                        "could not parse `%.40s` as a number", pm->name, v);
        return NULL;
    }
    case K_LIST:
        return split_list(v);
    default:
        return json_string(v);
    }
}

/* One "name=value" segment into o. */
static frs_status_t query_param(const char *p, size_t seg, json_t *o,
                                frs_api_error_t *err)
{
    const char *eq = memchr(p, '=', seg);
    size_t klen = eq ? (size_t)(eq - p) : seg;
    char *key = NULL, *val = NULL;
    size_t kn = 0, vn = 0;
    frs_status_t rc = frs_api_decode(p, klen, &key, &kn);
    if (rc == FRS_OK)
        rc = frs_api_decode(eq ? eq + 1 : "", eq ? seg - klen - 1 : 0, &val,
                            &vn);
    if (rc == FRS_EINVAL)
        frs_meili_error(err, 400, "bad_request", "Malformed percent-encoding "
                        "in the query string: `%%` must be followed by two "
                        "hexadecimal digits");
    if (rc == FRS_OK &&
        (memchr(key, 0, kn) || memchr(val, 0, vn) ||
         !frs_utf8_valid(key, kn) || !frs_utf8_valid(val, vn))) {
        frs_meili_error(err, 400, "bad_request", "The query string holds "
                        "invalid UTF-8 or a NUL byte");
        rc = FRS_EINVAL;
    }
    const param_t *pm = rc == FRS_OK ? find_param(key) : NULL;
    if (rc == FRS_OK && (!pm || !strcmp(key, "indexUid") ||
                         !strcmp(key, "federationOptions"))) {
        frs_meili_error(err, 400, "bad_request", "Unknown parameter `%.64s`: "
                        "expected one of `q`, `offset`, `limit`, `page`, "
                        "`hitsPerPage`, `filter`, `sort`, `facets`, "
                        "`attributesToRetrieve`, `attributesToHighlight`, "
                        "`attributesToCrop`, `cropLength`, `cropMarker`, "
                        "`highlightPreTag`, `highlightPostTag`, "
                        "`showRankingScore`, `distinct`", key);
        rc = FRS_EINVAL;
    } else if (rc == FRS_OK && json_object_get(o, key)) {
        frs_meili_error(err, 400, "bad_request", "Parameter `%s` is given "
                        "more than once", key);
        rc = FRS_EINVAL;
    }
    if (rc == FRS_OK) {
        json_t *v = typed(pm, val, err);
        if (!v)
            rc = err->status ? FRS_EINVAL : FRS_ENOMEM;
        else
            json_object_set_new(o, key, v);
    }
    free(key);
    free(val);
    return rc;
}

frs_status_t frs_meili_query_string(const char *qs, json_t **out,
                                    frs_api_error_t *err)
{
    *out = NULL;
    json_t *o = json_object();
    if (!o)
        return FRS_ENOMEM;
    frs_status_t rc = FRS_OK;
    for (const char *p = qs ? qs : ""; rc == FRS_OK && *p;) {
        const char *end = strchr(p, '&');
        size_t seg = end ? (size_t)(end - p) : strlen(p);
        if (seg > 0)
            rc = query_param(p, seg, o, err);
        p += seg + (end ? 1 : 0);
    }
    if (rc != FRS_OK) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return FRS_OK;
}

/* ---- validating a request ---- */

static const char *const attr_names[FRS_MEILI_NATTRS] = {
    "id", "title", "url", "date", "year", "month", "timestamp", "passage"};

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

static frs_status_t bad_type(frs_api_error_t *err, const param_t *pm,
                             const json_t *v, const char *want)
{
    frs_meili_error(err, 400, pm->code, "Invalid value type at `.%s`: "
                    "expected %s, but found %s", pm->name, want,
                    type_name(v));
    return FRS_EINVAL;
}

static frs_status_t get_uint(const json_t *v, const param_t *pm,
                             unsigned max, unsigned *out,
                             frs_api_error_t *err)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return bad_type(err, pm, v, "a positive integer");
    json_int_t x = json_integer_value(v);
    *out = x > (json_int_t)max ? max : (unsigned)x;
    return FRS_OK;
}

/* An attribute list into bits; "*" is all of them, unknown names are
 * ignored (as Meilisearch does); "name:N" sets a crop length. */
static frs_status_t get_attrs(const json_t *v, const param_t *pm,
                              unsigned *bits, unsigned crop[],
                              frs_api_error_t *err)
{
    if (!json_is_array(v))
        return bad_type(err, pm, v, "an array");
    *bits = 0;
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
        if (!json_is_string(e))
            return bad_type(err, pm, e, "an array of strings");
        const char *s = json_string_value(e);
        const char *colon = crop ? strrchr(s, ':') : NULL;
        size_t n = colon ? (size_t)(colon - s) : strlen(s);
        unsigned len = 0;
        if (colon && (!all_digits(colon + 1) ||
                      (len = (unsigned)strtoul(colon + 1, NULL, 10)) > FRS_MEILI_MAX_CROP)) {
            frs_meili_error(err, 400, pm->code, "Invalid crop length in "
                            "`%.64s` at `.%s`", s, pm->name);
            return FRS_EINVAL;
        }
        for (int k = 0; k < FRS_MEILI_NATTRS; k++) {
            int all = n == 1 && s[0] == '*';
            if (!all && (strlen(attr_names[k]) != n ||
                         memcmp(attr_names[k], s, n) != 0))
                continue;
            *bits |= 1u << k;
            if (colon)
                crop[k] = len + 1;
        }
    }
    return FRS_OK;
}

static frs_status_t get_tag(const json_t *v, const param_t *pm, char **out,
                            frs_api_error_t *err)
{
    if (!json_is_string(v))
        return bad_type(err, pm, v, "a string");
    if (json_string_length(v) > FRS_MEILI_MAX_TAG_BYTES ||
        memchr(json_string_value(v), 0, json_string_length(v))) {
        frs_meili_error(err, 400, pm->code, "`.%s` must be at most %d bytes "
                        "long, without a NUL byte", pm->name,
                        FRS_MEILI_MAX_TAG_BYTES);
        return FRS_EINVAL;
    }
    free(*out);
    *out = strdup(json_string_value(v));
    return *out ? FRS_OK : FRS_ENOMEM;
}

/* One filter: a string, or an array whose items are ANDed; an item that
 * is an array has its strings ORed (Meilisearch's array form).  code: the
 * error code of a bad one. */
static frs_status_t filter_part(const json_t *v, int depth, const char *code,
                                frs_qnode_t **out, frs_api_error_t *err)
{
    const param_t pm = {"filter", K_STR, code};
    *out = NULL;
    if (json_is_string(v)) {
        char msg[240];
        frs_status_t rc = frs_filter_parse(json_string_value(v),
                                           json_string_length(v), out, msg,
                                           sizeof msg);
        if (rc == FRS_EINVAL)
            frs_meili_error(err, 400, pm.code, "Invalid filter: %s", msg);
        return rc;
    }
    if (!json_is_array(v) || depth > 1)
        return bad_type(err, &pm, v, depth ? "a string" :
                        "a string or an array of strings or arrays of "
                        "strings");
    frs_qnode_t *n = frs_qnode_new(depth ? FRS_Q_OR : FRS_Q_AND);
    if (!n)
        return FRS_ENOMEM;
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
        frs_qnode_t *k = NULL;
        frs_status_t rc = filter_part(e, depth + 1, code, &k, err);
        if (rc == FRS_OK && k)
            rc = frs_qnode_add(n, k);
        else if (rc == FRS_OK && depth) /* an empty string in an OR */
            rc = frs_qnode_add(n, frs_qnode_new(FRS_Q_MATCH_ALL));
        if (rc != FRS_OK) {
            frs_qnode_free(n);
            return rc;
        }
    }
    if (n->nkids == 0 && !depth) {
        frs_qnode_free(n); /* [] filters nothing */
        n = NULL;
    }
    *out = n;
    return FRS_OK;
}

frs_status_t frs_meili_filter(const json_t *v, const char *code,
                              frs_qnode_t **out, frs_api_error_t *err)
{
    *out = NULL;
    return json_is_null(v) ? FRS_OK : filter_part(v, 0, code, out, err);
}

static frs_status_t get_sort(const json_t *v, const param_t *pm, int *sort,
                             frs_api_error_t *err)
{
    if (!json_is_array(v))
        return bad_type(err, pm, v, "an array");
    if (json_array_size(v) > 1) {
        frs_meili_error(err, 400, pm->code, "Invalid sort: only one sort "
                        "criterion is supported (`date:asc` or `date:desc`)");
        return FRS_EINVAL;
    }
    *sort = 0;
    json_t *e = json_array_get(v, 0);
    if (!e)
        return FRS_OK;
    const char *s = json_string_value(e);
    if (s && (!strcmp(s, "date:asc") || !strcmp(s, "timestamp:asc")))
        *sort = 1;
    else if (s && (!strcmp(s, "date:desc") || !strcmp(s, "timestamp:desc")))
        *sort = -1;
    if (*sort)
        return FRS_OK;
    frs_meili_error(err, 400, pm->code, "Invalid sort `%.64s`: the sortable "
                    "attributes are `date` and `timestamp`, written "
                    "`date:asc` or `date:desc`", s ? s : type_name(e));
    return FRS_EINVAL;
}

static frs_status_t get_facets(const json_t *v, const param_t *pm,
                               frs_meili_req_t *req, frs_api_error_t *err)
{
    if (!json_is_array(v))
        return bad_type(err, pm, v, "an array");
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
        const char *s = json_string_value(e);
        int all = s && !strcmp(s, "*");
        if (s && (all || !strcmp(s, "year")))
            req->facet_year = 1;
        if (s && (all || !strcmp(s, "month")))
            req->facet_month = 1;
        if (!s || !(all || !strcmp(s, "year") || !strcmp(s, "month"))) {
            frs_meili_error(err, 400, pm->code, "Invalid facet `%.64s`: the "
                            "facets are `year` and `month`",
                            s ? s : type_name(e));
            return FRS_EINVAL;
        }
    }
    return FRS_OK;
}

/* Parameters frs accepts only at their default value (or not at all). */
static frs_status_t unsupported(const param_t *pm, const json_t *v,
                                frs_api_error_t *err)
{
    const char *n = pm->name;
    if (json_is_null(v) ||
        (json_is_false(v) && (!strcmp(n, "showRankingScoreDetails") ||
                              !strcmp(n, "showMatchesPosition") ||
                              !strcmp(n, "retrieveVectors"))))
        return FRS_OK;
    const char *s = json_string_value(v);
    if (!strcmp(n, "matchingStrategy") && s && !strcmp(s, "last"))
        return FRS_OK;
    if (!strcmp(n, "attributesToSearchOn") && json_is_array(v) &&
        json_array_size(v) == 1 &&
        json_is_string(json_array_get(v, 0)) &&
        !strcmp(json_string_value(json_array_get(v, 0)), "*"))
        return FRS_OK;
    if (!strcmp(n, "locales") && json_is_array(v) && json_array_size(v) == 1 &&
        json_is_string(json_array_get(v, 0)) &&
        !strcmp(json_string_value(json_array_get(v, 0)), "fra"))
        return FRS_OK;
    if (!strcmp(n, "distinct") && s && !strcmp(s, "id"))
        return FRS_OK; /* hits are one per article already */
    frs_meili_error(err, 400, pm->code, "`.%s` is not supported by frs "
                    "(docs/api.md, \"What is not supported\")", n);
    return FRS_EINVAL;
}

static frs_status_t get_q(const json_t *v, const param_t *pm,
                          frs_meili_req_t *req, frs_api_error_t *err)
{
    if (json_is_null(v))
        return FRS_OK;
    if (!json_is_string(v))
        return bad_type(err, pm, v, "a string");
    size_t n = json_string_length(v);
    if (n > FRS_QUERY_MAX_TEXT || memchr(json_string_value(v), 0, n)) {
        frs_meili_error(err, 400, pm->code, "`.q` must be at most %d bytes "
                        "long, without a NUL byte", FRS_QUERY_MAX_TEXT);
        return FRS_EINVAL;
    }
    char *q = strdup(json_string_value(v));
    if (!q)
        return FRS_ENOMEM;
    free(req->q);
    req->q = q;
    req->qlen = n;
    return FRS_OK;
}

/* One known parameter into req. */
static frs_status_t one_param(const param_t *pm, const json_t *v,
                              frs_meili_req_t *req, frs_api_error_t *err)
{
    const char *n = pm->name;
        if (!strcmp(n, "q"))
        return get_q(v, pm, req, err);
    if (!strcmp(n, "offset"))
        return get_uint(v, pm, UINT_MAX / 4, &req->offset, err);
    if (!strcmp(n, "limit"))
        return get_uint(v, pm, UINT_MAX / 4, &req->limit, err);
    if (!strcmp(n, "page") || !strcmp(n, "hitsPerPage")) {
        req->paged = 1;
        return get_uint(v, pm, UINT_MAX / 4, n[0] == 'p' ? &req->page
                                                        : &req->hits_per_page,
                        err);
    }
    if (!strcmp(n, "filter"))
        return json_is_null(v) ? FRS_OK
                               : filter_part(v, 0, pm->code, &req->filter, err);
    if (!strcmp(n, "sort"))
        return json_is_null(v) ? FRS_OK : get_sort(v, pm, &req->sort_date, err);
    if (!strcmp(n, "facets"))
        return json_is_null(v) ? FRS_OK : get_facets(v, pm, req, err);
    if (!strcmp(n, "attributesToRetrieve"))
        return json_is_null(v) ? FRS_OK
                               : get_attrs(v, pm, &req->retrieve, NULL, err);
    if (!strcmp(n, "attributesToHighlight"))
        return json_is_null(v) ? FRS_OK
                               : get_attrs(v, pm, &req->highlight, NULL, err);
    if (!strcmp(n, "attributesToCrop"))
        return json_is_null(v) ? FRS_OK
                               : get_attrs(v, pm, &req->crop, req->crop_length, err);
    if (!strcmp(n, "highlightPreTag"))
        return get_tag(v, pm, &req->pre_tag, err);
    if (!strcmp(n, "highlightPostTag"))
        return get_tag(v, pm, &req->post_tag, err);
    if (!strcmp(n, "cropMarker"))
        return get_tag(v, pm, &req->crop_marker, err);
    if (!strcmp(n, "cropLength"))
        return get_uint(v, pm, FRS_MEILI_MAX_CROP, &req->crop_words, err);
    if (!strcmp(n, "showRankingScore")) {
        if (!json_is_boolean(v))
            return bad_type(err, pm, v, "a boolean");
        req->show_score = json_is_true(v);
        return FRS_OK;
    }
    return unsupported(pm, v, err);
}

static void req_defaults(frs_meili_req_t *req)
{
    memset(req, 0, sizeof *req);
    req->limit = FRS_MEILI_DEFAULT_LIMIT;
    req->hits_per_page = FRS_MEILI_DEFAULT_LIMIT;
    req->page = 1;
    req->retrieve = FRS_MEILI_ALL;
    req->crop_words = FRS_MEILI_DEFAULT_CROP;
}

/* The defaults of what was not given. */
static frs_status_t req_finish(frs_meili_req_t *req)
{
    if (!req->q && !(req->q = strdup("")))
        return FRS_ENOMEM;
    if (!req->pre_tag && !(req->pre_tag = strdup("<em>")))
        return FRS_ENOMEM;
    if (!req->post_tag && !(req->post_tag = strdup("</em>")))
        return FRS_ENOMEM;
    if (!req->crop_marker && !(req->crop_marker = strdup("\xe2\x80\xa6")))
        return FRS_ENOMEM;
    req->highlight &= FRS_MEILI_TEXT;
    req->crop &= FRS_MEILI_TEXT;
    return FRS_OK;
}

frs_status_t frs_meili_parse(const json_t *body, const char *uid,
                             int in_multi, frs_meili_req_t *req,
                             frs_api_error_t *err)
{
    req_defaults(req);
    if (!json_is_object(body)) {
        frs_meili_error(err, 400, "bad_request", "Invalid value type: "
                        "expected an object, but found %s", type_name(body));
        return FRS_EINVAL;
    }
    frs_status_t rc = FRS_OK;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)body, key, v) {
        const param_t *pm = find_param(key);
        int multi_only = pm && (!strcmp(key, "indexUid") ||
                                !strcmp(key, "federationOptions"));
        if (!pm || (multi_only && !in_multi)) {
            frs_meili_error(err, 400, "bad_request", "Unknown field "
                            "`%.64s`: expected one of `q`, `offset`, `limit`, "
                            "`page`, `hitsPerPage`, `filter`, `sort`, "
                            "`facets`, `attributesToRetrieve`, "
                            "`attributesToHighlight`, `attributesToCrop`, "
                            "`cropLength`, `cropMarker`, `highlightPreTag`, "
                            "`highlightPostTag`, `showRankingScore`, "
                            "`distinct`", key);
            rc = FRS_EINVAL;
        } else if (!strcmp(key, "indexUid")) {
            if (!json_is_string(v) || strcmp(json_string_value(v), uid) != 0) {
                frs_meili_error(err, 404, "index_not_found", "Index `%.64s` "
                                "not found.", json_is_string(v)
                                                  ? json_string_value(v)
                                                  : "?");
                rc = FRS_EINVAL;
            }
        } else {
            rc = one_param(pm, v, req, err);
        }
        if (rc != FRS_OK)
            break;
    }
    if (rc == FRS_OK && in_multi && !json_object_get(body, "indexUid")) {
        frs_meili_error(err, 400, "missing_index_uid", "Missing field "
                        "`indexUid`");
        rc = FRS_EINVAL;
    }
    if (rc == FRS_OK)
        rc = req_finish(req);
    if (rc != FRS_OK)
        frs_meili_req_clear(req);
    return rc;
}

void frs_meili_req_clear(frs_meili_req_t *req)
{
    free(req->q);
    frs_qnode_free(req->filter);
    free(req->crop_marker);
    free(req->pre_tag);
    free(req->post_tag);
    memset(req, 0, sizeof *req);
}

frs_status_t frs_meili_parse_multi(const json_t *body, const char *uid,
                                   frs_meili_req_t **reqs, size_t *n,
                                   frs_api_error_t *err)
{
    *reqs = NULL;
    *n = 0;
    json_t *qs = json_object_get(body, "queries");
    if (!json_is_object(body) || !json_is_array(qs) ||
        json_object_size(body) != 1) {
        frs_meili_error(err, 400, "bad_request", "A multi-search body is "
                        "{\"queries\": [...]}; federated search is not "
                        "supported");
        return FRS_EINVAL;
    }
    size_t m = json_array_size(qs);
    if (m > FRS_MEILI_MAX_QUERIES) {
        frs_meili_error(err, 400, "bad_request", "At most %d queries in one "
                        "multi-search", FRS_MEILI_MAX_QUERIES);
        return FRS_EINVAL;
    }
    frs_meili_req_t *r = calloc(m ? m : 1, sizeof *r);
    if (!r)
        return FRS_ENOMEM;
    for (size_t i = 0; i < m; i++) {
        frs_status_t rc = frs_meili_parse(json_array_get(qs, i), uid, 1,
                                          &r[i], err);
        if (rc != FRS_OK) {
            char msg[sizeof err->message + 64];
            snprintf(msg, sizeof msg, "Inside `.queries[%zu]`: %s", i,
                     err->message);
            snprintf(err->message, sizeof err->message, "%.*s",
                     (int)sizeof err->message - 1, msg);
            frs_meili_reqs_free(r, i);
            return rc;
        }
    }
    *reqs = r;
    *n = m;
    return FRS_OK;
}

void frs_meili_reqs_free(frs_meili_req_t *reqs, size_t n)
{
    for (size_t i = 0; reqs && i < n; i++)
        frs_meili_req_clear(&reqs[i]);
    free(reqs);
}

/* ---- the response ---- */

#define MARK_ON '\x01'
#define MARK_OFF '\x02'

/* Replace the marks of s by pre and post (or drop them: hl 0); a crop
 * marker at each end that was cut. */
static char *unmark(const char *s, size_t a, size_t b, int cut_a, int cut_b,
                    int hl, const frs_meili_req_t *req)
{
    frs_buf_t out = FRS_BUF_INIT;
    if (cut_a)
        frs_buf_puts(&out, req->crop_marker);
    for (size_t i = a; i < b; i++) {
        if (s[i] == MARK_ON || s[i] == MARK_OFF) {
            if (hl)
                frs_buf_puts(&out, s[i] == MARK_ON ? req->pre_tag
                                                   : req->post_tag);
        } else {
            frs_buf_putc(&out, s[i]);
        }
    }
    if (cut_b)
        frs_buf_puts(&out, req->crop_marker);
    char *r = out.rc == FRS_OK ? frs_buf_release(&out) : NULL;
    frs_buf_free(&out);
    return r;
}

/* The words-long window of the marked text m with the most matches,
 * centred on them: [*a, *b) in bytes. */
static void crop_window(const char *m, unsigned words, size_t *a, size_t *b)
{
    size_t len = strlen(m), n = 0;
    size_t starts[4096];
    int marked[4096];
    for (size_t i = 0; i < len && n < 4096; i++) {
        if (i == 0 || (m[i - 1] == ' ' && m[i] != ' ')) {
            starts[n] = i;
            marked[n++] = 0;
        }
        if (m[i] == MARK_ON && n > 0)
            marked[n - 1] = 1;
    }
    *a = 0;
    *b = len;
    if (n <= words)
        return;
    size_t best = 0, best_count = 0, count = 0;
    for (size_t i = 0; i < n; i++) {
        count += (size_t)marked[i];
        if (i >= words)
            count -= (size_t)marked[i - words];
        if (i + 1 >= words && count > best_count) {
            best_count = count;
            best = i + 1 - words;
        }
    }
    /* centre the matches of the best window in it */
    size_t first = best, last = best;
    for (size_t i = best; i < best + words; i++)
        if (marked[i]) {
            if (!marked[first])
                first = i;
            last = i;
        }
    if (best_count > 0) {
        size_t slack = words - (last - first + 1), lead = slack / 2;
        best = first > lead ? first - lead : 0;
        if (best + words > n)
            best = n - words;
    }
    *a = starts[best];
    *b = best + words < n ? starts[best + words] : len;
    while (*b > *a && m[*b - 1] == ' ')
        (*b)--;
}

/* text formatted for _formatted: its matches marked when hl, cropped to
 * crop words around them when crop > 0.  NULL when out of memory. */
static char *format_text(frs_searcher_t *s, const frs_parsed_t *pq,
                         const char *text, size_t len, int hl, unsigned crop,
                         const frs_meili_req_t *req)
{
    char *copy = malloc(len + 1);
    if (!copy)
        return NULL;
    for (size_t i = 0; i < len; i++)
        copy[i] = text[i] == MARK_ON || text[i] == MARK_OFF ? ' ' : text[i];
    copy[len] = '\0';
    frs_hl_opts_t ho = {"\x01", "\x02", 0, 0};
    char *m = frs_highlight(frs_searcher_analyzer(s), copy, len, pq, &ho);
    free(copy);
    if (!m)
        return NULL;
    size_t a = 0, b = strlen(m);
    if (crop)
        crop_window(m, crop, &a, &b);
    char *r = unmark(m, a, b, a > 0, b < strlen(m), hl, req);
    free(m);
    return r;
}

/* The value of attribute k of hit h, as JSON (NULL when it has none). */
static json_t *attr_value(const frs_hit_info_t *h, int k)
{
    const frs_docinfo_t *d = &h->info;
    const char *date = d->date && strlen(d->date) == 10 ? d->date : NULL;
    size_t tlen;
    const char *text;
    switch (1 << k) {
    case FRS_MEILI_ID: return json_string(d->id);
    case FRS_MEILI_TITLE: return d->title ? json_string(d->title) : NULL;
    case FRS_MEILI_URL: return d->url ? json_string(d->url) : NULL;
    case FRS_MEILI_DATE: return date ? json_string(date) : NULL;
    case FRS_MEILI_YEAR: return date ? json_integer(digits_n(date, 4)) : NULL;
    case FRS_MEILI_MONTH: return date ? json_stringn(date, 7) : NULL;
    case FRS_MEILI_TIMESTAMP:
        return date ? json_integer((json_int_t)frs_filter_days(
                                       digits_n(date, 4), digits_n(date + 5, 2),
                                       digits_n(date + 8, 2)) *
                                   86400)
                    : NULL;
    default:
        text = frs_hit_text(h, &tlen);
        return json_stringn(text, tlen);
    }
}

json_t *frs_meili_attr(const frs_hit_info_t *h, int k)
{
    return attr_value(h, k);
}

/* The _formatted value of attribute k: text attributes highlighted and
 * cropped as asked, the others as strings (as Meilisearch does). */
static json_t *formatted_value(frs_searcher_t *s, const frs_results_t *r,
                               int k,
                               const frs_meili_req_t *req, json_t *v)
{
    unsigned bit = 1u << k;
    if (!(bit & FRS_MEILI_TEXT)) {
        if (json_is_integer(v)) {
            char num[32];
            snprintf(num, sizeof num, "%lld",
                     (long long)json_integer_value(v));
            return json_string(num);
        }
        return json_copy(v);
    }
    unsigned crop = 0;
    if (req->crop & bit)
        crop = req->crop_length[k] ? req->crop_length[k] - 1
                                   : req->crop_words;
    char *f = format_text(s, r->parsed, json_string_value(v),
                          json_string_length(v), (req->highlight & bit) != 0,
                          crop, req);
    json_t *j = f ? json_string(f) : NULL;
    free(f);
    return j;
}

static json_t *hit_json(frs_searcher_t *s, const frs_results_t *r,
                        const frs_hit_info_t *h, const frs_meili_req_t *req)
{
    json_t *j = json_object();
    json_t *fmt = req->highlight || req->crop ? json_object() : NULL;
    for (int k = 0; j && k < FRS_MEILI_NATTRS; k++) {
        if (!(req->retrieve & (1u << k)))
            continue;
        json_t *v = attr_value(h, k);
        if (!v)
            continue;
        if (fmt)
            json_object_set_new(fmt, attr_names[k],
                                formatted_value(s, r, k, req, v));
        json_object_set_new(j, attr_names[k], v);
    }
    if (fmt)
        json_object_set_new(j, "_formatted", fmt);
    if (req->show_score) {
        /* relative to the best article ranked for the query: 1 for it */
        double sc = r->top_score > 0 ? h->score / r->top_score : 1.0;
        sc = sc < 0 ? 0 : sc > 1 ? 1 : sc;
        json_object_set_new(j, "_rankingScore",
                            json_real(round(sc * 1e6) / 1e6));
    }
    return j;
}

static json_t *facet_json(const frs_facet_t *f, size_t n)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < n; i++)
        json_object_set_new(o, f[i].value,
                            json_integer((json_int_t)f[i].count));
    return o;
}

/* facetDistribution and facetStats (year, a number) into j. */
static void add_facets(json_t *j, const frs_results_t *r,
                       const frs_meili_req_t *req)
{
    if (!req->facet_year && !req->facet_month)
        return;
    json_t *d = json_object(), *st = json_object();
    if (req->facet_year)
        json_object_set_new(d, "year", facet_json(r->years, r->nyears));
    if (req->facet_month)
        json_object_set_new(d, "month", facet_json(r->months, r->nmonths));
    if (req->facet_year && r->nyears > 0)
        json_object_set_new(
            st, "year",
            json_pack("{s:i, s:i}", "min", digits_n(r->years[0].value, 4),
                      "max", digits_n(r->years[r->nyears - 1].value, 4)));
    json_object_set_new(j, "facetDistribution", d);
    json_object_set_new(j, "facetStats", st);
}

/* The window of the request, within FRS_MEILI_MAX_TOTAL_HITS. */
static void window(const frs_meili_req_t *req, unsigned *off, unsigned *lim)
{
    if (req->paged) {
        *lim = req->page ? req->hits_per_page : 0;
        *off = req->page ? (req->page - 1) * req->hits_per_page : 0;
        if (req->page && req->page - 1 > UINT_MAX / 4 / (req->hits_per_page + 1))
            *off = UINT_MAX / 4;
    } else {
        *off = req->offset;
        *lim = req->limit;
    }
    if (*off >= FRS_MEILI_MAX_TOTAL_HITS) {
        *off = FRS_MEILI_MAX_TOTAL_HITS;
        *lim = 0;
    } else if (*lim > FRS_MEILI_MAX_TOTAL_HITS - *off) {
        *lim = FRS_MEILI_MAX_TOTAL_HITS - *off;
    }
}

/* The response object (without timing and suggestion). */
static json_t *response(frs_searcher_t *s, const frs_results_t *r,
                        const frs_meili_req_t *req)
{
    json_t *hits = json_array();
    for (size_t i = 0; hits && i < r->n; i++)
        json_array_append_new(hits, hit_json(s, r, &r->hits[i], req));
    json_t *j = json_object();
    json_object_set_new(j, "hits", hits);
    json_object_set_new(j, "query", json_string(req->q));
    json_object_set_new(j, "processingTimeMs", json_integer(0));
    json_int_t total = (json_int_t)r->estimated;
    if (req->paged) {
        json_int_t hpp = req->hits_per_page;
        json_object_set_new(j, "hitsPerPage", json_integer(hpp));
        json_object_set_new(j, "page", json_integer(req->page));
        json_object_set_new(j, "totalPages",
                            json_integer(hpp ? (total + hpp - 1) / hpp : 0));
        json_object_set_new(j, "totalHits", json_integer(total));
    } else {
        json_object_set_new(j, "limit", json_integer(req->limit));
        json_object_set_new(j, "offset", json_integer(req->offset));
        json_object_set_new(j, "estimatedTotalHits", json_integer(total));
    }
    add_facets(j, r, req);
    return j;
}

/* "suggestion" (a corrected query that finds something, or null) into j;
 * a note where remote shards keep Xapian from offering one. */
static frs_status_t add_suggestion(frs_searcher_t *s,
                                   const frs_search_params_t *p,
                                   const frs_meili_req_t *req, json_t *j)
{
    frs_search_params_t ps = *p;
    ps.facet_months = ps.facet_years = 0;
    ps.exact_upto = 0;
    ps.sort_date = 0;
    char *sug = NULL;
    frs_status_t rc = req->qlen ? frs_suggest(s, req->q, req->qlen, &ps, &sug)
                                : FRS_OK;
    if (rc != FRS_OK)
        return rc;
    json_t *v = sug ? json_string(sug) : NULL;
    json_object_set_new(j, "suggestion", v ? v : json_null());
    if (!sug && req->qlen && frs_xr_has_remote(frs_searcher_reader(s)))
        json_object_set_new(j, "suggestionNote",
                            json_string("spelling suggestions are not "
                                        "available over remote shards"));
    free(sug);
    return FRS_OK;
}

void frs_meili_params(const frs_search_params_t *defaults,
                      frs_search_params_t *p)
{
    if (defaults)
        *p = *defaults;
    else
        frs_search_params_init(p);
    p->passages = 0;
    p->explain = 0;
    p->from = p->to = NULL;
    p->empty_all = 1;
}

frs_status_t frs_meili_run(frs_searcher_t *s, const char *q, size_t qlen,
                           const frs_search_params_t *p, frs_results_t **r,
                           frs_api_error_t *err)
{
    char *msg = NULL;
    frs_status_t rc = frs_searcher_run(s, q, qlen, p, r, &msg);
    if (rc == FRS_EINVAL)
        frs_meili_error(err, 400, "invalid_search_q", "Invalid query: %s",
                        msg ? msg : "it cannot be searched");
    free(msg);
    return rc;
}

frs_status_t frs_meili_search(frs_searcher_t *s,
                              const frs_search_params_t *defaults,
                              const frs_meili_req_t *req, json_t **out,
                              frs_api_error_t *err)
{
    *out = NULL;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    frs_search_params_t p;
    frs_meili_params(defaults, &p);
    window(req, &p.offset, &p.limit);
    p.filter = req->filter;
    p.sort_date = req->sort_date;
    p.facet_months = req->facet_month;
    p.facet_years = req->facet_year;
    /* page mode: totalHits exact; else exact up to maxTotalHits */
    p.exact_upto = req->paged ? UINT_MAX : FRS_MEILI_MAX_TOTAL_HITS + 1;
    p.text = (req->retrieve & FRS_MEILI_PASSAGE) != 0;
    frs_results_t *r = NULL;
    frs_status_t rc = frs_meili_run(s, req->q, req->qlen, &p, &r, err);
    if (rc != FRS_OK)
        return rc;
    json_t *j = response(s, r, req);
    frs_results_free(r);
    rc = add_suggestion(s, &p, req, j);
    if (rc != FRS_OK) {
        json_decref(j);
        return rc;
    }
    json_object_set_new(j, "processingTimeMs",
                        json_integer((json_int_t)llround(
                            frs_api_ms_since(&t0))));
    *out = j;
    return FRS_OK;
}
