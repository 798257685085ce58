/* SPDX-License-Identifier: MIT
 * meili_read.c: documents, settings and facet search of the Meilisearch
 * API (meili_read.h), over the searcher's placeholder search: a document
 * list is the search with no words (every article, in the index's order),
 * a document by id the same restricted to its A<id> term.
 */
#include "meili_read.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "schema.h"
#include "utf8.h"

/* ---- documents: the request ---- */

/* The names of a document's attributes, in FRS_MEILI_* bit order. */
static const char *const doc_names[FRS_MEILI_NATTRS] = {
    "id", "title", "url", "date", "year", "month", "timestamp", "body"};

/* A 400 with code (static) and a message naming the field arg. */
static frs_status_t doc_error(frs_api_error_t *err, const char *code,
                              const char *fmt, const char *arg)
{
    frs_meili_error(err, 400, code, fmt, arg);
    return FRS_EINVAL;
}

static frs_status_t get_count(const json_t *v, const char *name,
                              const char *code, unsigned max, unsigned *out,
                              frs_api_error_t *err)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return doc_error(err, code, "Invalid value type at `.%s`: expected "
                         "a positive integer", name);
    json_int_t x = json_integer_value(v);
    *out = x > (json_int_t)max ? max : (unsigned)x;
    return FRS_OK;
}

static frs_status_t get_fields(const json_t *v, unsigned *bits,
                               frs_api_error_t *err)
{
    if (json_is_null(v))
        return FRS_OK;
    if (!json_is_array(v))
        return doc_error(err, "invalid_document_fields", "Invalid value type at `.%s`: "
                         "expected an array of strings", "fields");
    *bits = 0;
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
        const char *s = json_string_value(e);
        if (!s)
            return doc_error(err, "invalid_document_fields", "Invalid value type at `.%s`: "
                             "expected an array of strings", "fields");
        for (int k = 0; k < FRS_MEILI_NATTRS; k++)
            if (!strcmp(s, "*") || !strcmp(s, doc_names[k]))
                *bits |= 1u << k; /* unknown names: ignored */
    }
    return FRS_OK;
}

/* The boolean term of article id: A<id>. */
static frs_qnode_t *id_term(const char *id, size_t len)
{
    char *t = malloc(len + 2);
    if (!t)
        return NULL;
    t[0] = FRS_PFX_ARTICLE[0];
    memcpy(t + 1, id, len);
    frs_qnode_t *q = frs_qnode_term(t, len + 1);
    free(t);
    return q;
}

/* ids: strings (or integers) into OR(A<id>...). */
static frs_status_t get_ids(const json_t *v, frs_qnode_t **out,
                            frs_api_error_t *err)
{
    *out = NULL;
    if (json_is_null(v))
        return FRS_OK;
    if (!json_is_array(v) || json_array_size(v) > FRS_MEILI_MAX_IDS)
        return doc_error(err, "invalid_document_ids", "Invalid value at `.%s`: expected an "
                         "array of at most 1000 document ids", "ids");
    frs_qnode_t *or = frs_qnode_new(FRS_Q_OR);
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
        char num[32];
        const char *s = json_string_value(e);
        if (json_is_integer(e))
            snprintf(num, sizeof num, "%lld",
                     (long long)json_integer_value(e));
        if (!s && !json_is_integer(e)) {
            frs_qnode_free(or);
            return doc_error(err, "invalid_document_ids", "Invalid value at `.%s`: a "
                             "document id is a string or an integer", "ids");
        }
        s = s ? s : num;
        if (or && frs_qnode_add(or, id_term(s, strlen(s))) != FRS_OK) {
            frs_qnode_free(or);
            or = NULL;
        }
    }
    *out = or;
    return or ? FRS_OK : FRS_ENOMEM;
}

/* AND(a, b) of two optional trees (consumed). */
static frs_status_t and_trees(frs_qnode_t *a, frs_qnode_t *b,
                              frs_qnode_t **out)
{
    if (!a || !b) {
        *out = a ? a : b;
        return FRS_OK;
    }
    frs_qnode_t *n = frs_qnode_new(FRS_Q_AND);
    frs_status_t rc = n ? frs_qnode_add(n, a) : FRS_ENOMEM;
    if (!n)
        frs_qnode_free(a);
    if (rc == FRS_OK)
        rc = frs_qnode_add(n, b);
    else
        frs_qnode_free(b);
    if (rc != FRS_OK) {
        frs_qnode_free(n);
        n = NULL;
    }
    *out = n;
    return rc;
}

static frs_status_t doc_field(const char *key, const json_t *v,
                              frs_meili_docs_req_t *req, frs_qnode_t **ids,
                              frs_api_error_t *err)
{
    if (!strcmp(key, "offset"))
        return get_count(v, "offset", "invalid_document_offset", UINT_MAX / 4, &req->offset, err);
    if (!strcmp(key, "limit"))
        return get_count(v, "limit", "invalid_document_limit",
                         FRS_MEILI_MAX_DOCS, &req->limit, err);
    if (!strcmp(key, "fields"))
        return get_fields(v, &req->fields, err);
    if (!strcmp(key, "filter"))
        return frs_meili_filter(v, "invalid_document_filter", &req->filter,
                                err);
    if (!strcmp(key, "ids"))
        return get_ids(v, ids, err);
    if (!strcmp(key, "retrieveVectors") && !json_is_boolean(v))
        return doc_error(err, "invalid_document_retrieve_vectors", "Invalid value type at "
                         "`.%s`: expected a boolean", "retrieveVectors");
    if (!strcmp(key, "retrieveVectors"))
        return FRS_OK; /* frs has no vectors: none to retrieve */
    if (!strcmp(key, "sort") && !json_is_null(v))
        return doc_error(err, "invalid_document_sort", "`.%s` is not supported by frs on "
                         "documents (docs/api.md)", "sort");
    if (!strcmp(key, "sort"))
        return FRS_OK;
    frs_meili_error(err, 400, "bad_request", "Unknown field `%.64s`: "
                    "expected one of `offset`, `limit`, `fields`, `filter`, "
                    "`ids`, `retrieveVectors`", key);
    return FRS_EINVAL;
}

frs_status_t frs_meili_docs_body(const json_t *body, frs_meili_docs_req_t *req,
                                 frs_api_error_t *err)
{
    memset(req, 0, sizeof *req);
    req->limit = FRS_MEILI_DEFAULT_LIMIT;
    req->fields = FRS_MEILI_ALL;
    if (!json_is_object(body)) {
        frs_meili_error(err, 400, "bad_request", "Invalid value type: "
                        "expected an object");
        return FRS_EINVAL;
    }
    frs_qnode_t *ids = NULL;
    frs_status_t rc = FRS_OK;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)body, key, v) {
        rc = doc_field(key, v, req, &ids, err);
        if (rc != FRS_OK)
            break;
    }
    if (rc == FRS_OK)
        rc = and_trees(ids, req->filter, &req->filter);
    else
        frs_qnode_free(ids);
    if (rc != FRS_OK)
        frs_meili_docs_req_clear(req);
    return rc;
}

/* One GET value as the JSON a POST would send. */
static json_t *doc_value(const char *key, const char *v)
{
    if (!strcmp(key, "offset") || !strcmp(key, "limit")) {
        size_t n = strlen(v);
        int ok = n > 0 && n < 19 && strspn(v, "0123456789") == n;
        return ok ? json_integer(strtoll(v, NULL, 10)) : json_string(v);
    }
    if (!strcmp(key, "retrieveVectors") &&
        (!strcmp(v, "true") || !strcmp(v, "false")))
        return json_boolean(!strcmp(v, "true"));
    if (strcmp(key, "fields") != 0 && strcmp(key, "ids") != 0)
        return json_string(v);
    json_t *a = json_array();
    for (const char *p = v; a && *p;) {
        size_t n = strcspn(p, ",");
        size_t s = 0;
        while (s < n && p[s] == ' ')
            s++;
        if (n > s)
            json_array_append_new(a, json_stringn(p + s, n - s));
        p += n + (p[n] ? 1 : 0);
    }
    return a;
}

/* The query string as a JSON object (values decoded and typed). */
static frs_status_t docs_qs(const char *qs, json_t *o, frs_api_error_t *err)
{
    for (const char *p = qs ? qs : ""; *p;) {
        size_t seg = strcspn(p, "&"), kl = strcspn(p, "=");
        kl = kl < seg ? kl : seg;
        char *k = NULL, *v = NULL;
        size_t kn = 0, vn = 0;
        frs_status_t rc = frs_api_decode(p, kl, &k, &kn);
        if (rc == FRS_OK)
            rc = frs_api_decode(p + kl + (kl < seg), seg - kl - (kl < seg),
                                &v, &vn);
        if (rc == FRS_OK && (memchr(k, 0, kn) || memchr(v, 0, vn) ||
                             !frs_utf8_valid(k, kn) || !frs_utf8_valid(v, vn)))
            rc = FRS_EINVAL;
        if (rc == FRS_OK && seg > 0)
            json_object_set_new(o, k, doc_value(k, v));
        free(k);
        free(v);
        if (rc == FRS_EINVAL)
            frs_meili_error(err, 400, "bad_request", "The query string holds "
                            "malformed percent-encoding, invalid UTF-8 or a "
                            "NUL byte");
        if (rc != FRS_OK)
            return rc;
        p += seg + (p[seg] ? 1 : 0);
    }
    return FRS_OK;
}

frs_status_t frs_meili_docs_query(const char *qs, const char *id,
                                  frs_meili_docs_req_t *req,
                                  frs_api_error_t *err)
{
    memset(req, 0, sizeof *req);
    json_t *o = json_object();
    frs_status_t rc = o ? docs_qs(qs, o, err) : FRS_ENOMEM;
    if (rc == FRS_OK && id && json_object_size(o) >
                                  (json_object_get(o, "fields") ? 1u : 0u) +
                                      !!json_object_get(o, "retrieveVectors")) {
        frs_meili_error(err, 400, "bad_request", "Unknown parameter: a "
                        "document by id takes `fields` and "
                        "`retrieveVectors` only");
        rc = FRS_EINVAL;
    }
    if (rc == FRS_OK)
        rc = frs_meili_docs_body(o, req, err);
    json_decref(o);
    if (rc == FRS_OK && id) {
        frs_qnode_free(req->filter);
        req->filter = id_term(id, strlen(id));
        req->id = strdup(id);
        req->offset = 0;
        req->limit = 1;
        if (!req->filter || !req->id) {
            frs_meili_docs_req_clear(req);
            rc = FRS_ENOMEM;
        }
    }
    return rc;
}

void frs_meili_docs_req_clear(frs_meili_docs_req_t *req)
{
    free(req->id);
    frs_qnode_free(req->filter);
    memset(req, 0, sizeof *req);
}

/* ---- documents: the answer ---- */

static json_t *doc_json(const frs_hit_info_t *h, unsigned fields)
{
    json_t *j = json_object();
    for (int k = 0; j && k < FRS_MEILI_NATTRS; k++) {
        if (!(fields & (1u << k)))
            continue;
        json_t *v = (1 << k) == FRS_MEILI_PASSAGE
                        ? json_stringn(h->info.body ? h->info.body : "",
                                       h->info.body ? h->info.body_len : 0)
                        : frs_meili_attr(h, k);
        if (v)
            json_object_set_new(j, doc_names[k], v);
    }
    return j;
}

frs_status_t frs_meili_documents(frs_searcher_t *s,
                                 const frs_meili_docs_req_t *req,
                                 json_t **out, frs_api_error_t *err)
{
    *out = NULL;
    frs_search_params_t p;
    frs_meili_params(NULL, &p);
    p.offset = req->offset;
    p.limit = req->limit;
    p.filter = req->filter;
    p.exact_upto = UINT_MAX; /* total is exact */
    p.text = (req->fields & FRS_MEILI_PASSAGE) != 0;
    frs_results_t *r = NULL;
    frs_status_t rc = frs_meili_run(s, "", 0, &p, &r, err);
    if (rc != FRS_OK)
        return rc;
    if (req->id && r->n == 0) {
        frs_meili_error(err, 404, "document_not_found", "Document `%.200s` "
                        "not found.", req->id);
        frs_results_free(r);
        return FRS_EINVAL;
    }
    if (req->id) {
        *out = doc_json(&r->hits[0], req->fields);
    } else {
        json_t *a = json_array();
        for (size_t i = 0; a && i < r->n; i++)
            json_array_append_new(a, doc_json(&r->hits[i], req->fields));
        *out = json_pack("{s:o, s:I, s:I, s:I}", "results", a, "offset",
                         (json_int_t)req->offset, "limit",
                         (json_int_t)req->limit, "total",
                         (json_int_t)r->estimated);
    }
    frs_results_free(r);
    return *out ? FRS_OK : FRS_ENOMEM;
}

/* ---- settings ---- */

static json_t *setting(const char *name)
{
    if (!strcmp(name, "displayedAttributes") ||
        !strcmp(name, "searchableAttributes"))
        return !strcmp(name, "displayedAttributes")
                   ? json_pack("[s]", "*")
                   : json_pack("[s, s]", "title", "body");
    if (!strcmp(name, "filterableAttributes"))
        return json_pack("[s, s, s, s]", "year", "month", "date",
                         "timestamp");
    if (!strcmp(name, "sortableAttributes"))
        return json_pack("[s, s]", "date", "timestamp");
    if (!strcmp(name, "rankingRules"))
        return json_pack("[s, s, s, s]", "sort", "words", "proximity",
                         "attribute");
    if (!strcmp(name, "synonyms"))
        return json_object();
    if (!strcmp(name, "proximityPrecision"))
        return json_string("byWord");
    if (!strcmp(name, "typoTolerance"))
        return json_pack("{s:b, s:{s:i, s:i}, s:[], s:[], s:b}", "enabled", 0,
                         "minWordSizeForTypos", "oneTypo", 5, "twoTypos", 9,
                         "disableOnWords", "disableOnAttributes",
                         "disableOnNumbers", 1);
    if (!strcmp(name, "faceting"))
        return json_pack("{s:i, s:{s:s}}", "maxValuesPerFacet",
                         FRS_MEILI_MAX_FACET_HITS, "sortFacetValuesBy", "*",
                         "alpha");
    if (!strcmp(name, "pagination"))
        return json_pack("{s:i}", "maxTotalHits", FRS_MEILI_MAX_TOTAL_HITS);
    if (!strcmp(name, "embedders"))
        return json_object();
    if (!strcmp(name, "searchCutoffMs") ||
        !strcmp(name, "localizedAttributes") ||
        !strcmp(name, "distinctAttribute"))
        return json_null();
    if (!strcmp(name, "facetSearch"))
        return json_true();
    if (!strcmp(name, "prefixSearch"))
        return json_string("disabled");
    return json_array(); /* stopWords, dictionary, separator tokens */
}

/* Every setting: its name and its route. */
static const char *const settings[][2] = {
    {"displayedAttributes", "displayed-attributes"},
    {"searchableAttributes", "searchable-attributes"},
    {"filterableAttributes", "filterable-attributes"},
    {"sortableAttributes", "sortable-attributes"},
    {"rankingRules", "ranking-rules"},
    {"stopWords", "stop-words"},
    {"nonSeparatorTokens", "non-separator-tokens"},
    {"separatorTokens", "separator-tokens"},
    {"dictionary", "dictionary"},
    {"synonyms", "synonyms"},
    {"distinctAttribute", "distinct-attribute"},
    {"proximityPrecision", "proximity-precision"},
    {"typoTolerance", "typo-tolerance"},
    {"faceting", "faceting"},
    {"pagination", "pagination"},
    {"embedders", "embedders"},
    {"searchCutoffMs", "search-cutoff-ms"},
    {"localizedAttributes", "localized-attributes"},
    {"facetSearch", "facet-search"},
    {"prefixSearch", "prefix-search"},
};
#define NSETTINGS (sizeof settings / sizeof settings[0])

json_t *frs_meili_settings(const char *name, size_t len, int *unknown)
{
    *unknown = 0;
    if (!name) {
        json_t *o = json_object();
        for (size_t i = 0; o && i < NSETTINGS; i++)
            json_object_set_new(o, settings[i][0], setting(settings[i][0]));
        return o;
    }
    for (size_t i = 0; i < NSETTINGS; i++)
        if (strlen(settings[i][1]) == len &&
            memcmp(settings[i][1], name, len) == 0)
            return setting(settings[i][0]);
    *unknown = 1;
    return NULL;
}

/* ---- facet search ---- */

static frs_status_t facet_name(const json_t *v, frs_meili_facet_req_t *req,
                               frs_api_error_t *err)
{
    const char *s = json_string_value(v);
    if (!v) {
        frs_meili_error(err, 400, "missing_facet_search_facet_name",
                        "Missing field `facetName`");
        return FRS_EINVAL;
    }
    if (!s || (strcmp(s, "year") != 0 && strcmp(s, "month") != 0)) {
        frs_meili_error(err, 400, "invalid_facet_search_facet_name",
                        "Attribute `%.64s` is not facet-searchable. "
                        "Available facet-searchable attributes are: `month, "
                        "year`.", s ? s : "?");
        return FRS_EINVAL;
    }
    req->month = !strcmp(s, "month");
    return FRS_OK;
}

static frs_status_t facet_query(const json_t *v, frs_meili_facet_req_t *req,
                                frs_api_error_t *err)
{
    if (!v || json_is_null(v))
        return FRS_OK;
    if (!json_is_string(v) || json_string_length(v) > 256) {
        frs_meili_error(err, 400, "invalid_facet_search_facet_query",
                        "Invalid value at `.facetQuery`: expected a string "
                        "of at most 256 bytes");
        return FRS_EINVAL;
    }
    req->facet_query = strdup(json_string_value(v));
    return req->facet_query ? FRS_OK : FRS_ENOMEM;
}

/* The search part of the body: q, filter, matchingStrategy,
 * attributesToSearchOn, locales as a search request of their own. */
static frs_status_t facet_search_part(const json_t *body, json_t *sub,
                                      frs_api_error_t *err)
{
    static const char *const keys[] = {"q", "filter", "matchingStrategy",
                                       "attributesToSearchOn", "locales"};
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)body, key, v) {
        int known = !strcmp(key, "facetName") || !strcmp(key, "facetQuery");
        if (!strcmp(key, "exhaustiveFacetCount")) {
            if (json_is_boolean(v) || json_is_null(v))
                continue; /* counts are always exhaustive */
            frs_meili_error(err, 400, "invalid_facet_search_exhaustive_facet_count",
                            "Invalid value type at `.exhaustiveFacetCount`: "
                            "expected a boolean");
            return FRS_EINVAL;
        }
        for (size_t i = 0; !known && i < sizeof keys / sizeof keys[0]; i++)
            if (!strcmp(key, keys[i])) {
                json_object_set(sub, key, v);
                known = 1;
            }
        if (!known) {
            frs_meili_error(err, 400, "bad_request", "Unknown field `%.64s`: "
                            "expected one of `facetName`, `facetQuery`, `q`, "
                            "`filter`, `matchingStrategy`, "
                            "`attributesToSearchOn`, `exhaustiveFacetCount`",
                            key);
            return FRS_EINVAL;
        }
    }
    return FRS_OK;
}

frs_status_t frs_meili_facet_parse(const json_t *body,
                                   frs_meili_facet_req_t *req,
                                   frs_api_error_t *err)
{
    memset(req, 0, sizeof *req);
    if (!json_is_object(body)) {
        frs_meili_error(err, 400, "bad_request", "Invalid value type: "
                        "expected an object");
        return FRS_EINVAL;
    }
    json_t *sub = json_object();
    frs_status_t rc = sub ? facet_search_part(body, sub, err) : FRS_ENOMEM;
    if (rc == FRS_OK)
        rc = facet_name(json_object_get(body, "facetName"), req, err);
    if (rc == FRS_OK)
        rc = facet_query(json_object_get(body, "facetQuery"), req, err);
    if (rc == FRS_OK) {
        rc = frs_meili_parse(sub, "", 0, &req->search, err);
        if (rc != FRS_OK)
            memset(&req->search, 0, sizeof req->search);
    }
    json_decref(sub);
    if (rc != FRS_OK)
        frs_meili_facet_req_clear(req);
    return rc;
}

void frs_meili_facet_req_clear(frs_meili_facet_req_t *req)
{
    frs_meili_req_clear(&req->search);
    free(req->facet_query);
    memset(req, 0, sizeof *req);
}

/* Does value start with the facet query (ASCII case folded)? */
static int facet_match(const char *value, const char *fq)
{
    size_t n = strlen(fq);
    return !fq[0] || strncasecmp(value, fq, n) == 0;
}

static json_t *facet_hits(const frs_results_t *r,
                          const frs_meili_facet_req_t *req)
{
    const frs_facet_t *f = req->month ? r->months : r->years;
    size_t n = req->month ? r->nmonths : r->nyears;
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        if (req->facet_query && !facet_match(f[i].value, req->facet_query))
            continue;
        if (json_array_size(a) == FRS_MEILI_MAX_FACET_HITS)
            break;
        json_array_append_new(
            a, json_pack("{s:s, s:I}", "value", f[i].value, "count",
                         (json_int_t)f[i].count));
    }
    return a;
}

frs_status_t frs_meili_facet_search(frs_searcher_t *s,
                                    const frs_search_params_t *defaults,
                                    const frs_meili_facet_req_t *req,
                                    json_t **out, frs_api_error_t *err)
{
    *out = NULL;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    frs_search_params_t p;
    frs_meili_params(defaults, &p);
    p.offset = p.limit = 0;
    p.filter = req->search.filter;
    p.facet_years = !req->month;
    p.facet_months = req->month;
    p.text = 0;
    frs_results_t *r = NULL;
    frs_status_t rc = frs_meili_run(s, req->search.q, req->search.qlen, &p,
                                    &r, err);
    if (rc != FRS_OK)
        return rc;
    json_t *fq = req->facet_query ? json_string(req->facet_query)
                                  : json_null();
    *out = json_pack("{s:o, s:o, s:I}", "facetHits", facet_hits(r, req),
                     "facetQuery", fq, "processingTimeMs",
                     (json_int_t)llround(frs_api_ms_since(&t0)));
    frs_results_free(r);
    return *out ? FRS_OK : FRS_ENOMEM;
}
