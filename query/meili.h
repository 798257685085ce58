/* SPDX-License-Identifier: MIT
 * meili.h: the Meilisearch search API (read side) over one served index,
 * as plain functions: a search request (a POST body, or a GET query
 * string turned into the same JSON) validated into frs_meili_req_t, run on
 * a searcher into Meilisearch's response object, and errors in
 * Meilisearch's shape {message, code, type, link}.  The routes, the index
 * object and the stats are in server.c; docs/api.md documents it all.
 *
 * Hits are articles: id, title, url, date, year, month ("YYYY-MM"),
 * timestamp (the date at 00:00 UTC, Unix seconds) and passage (the text
 * of the article's passage that best answers the query).
 *
 * Ownership: frs_meili_req_t owns its strings and filter tree
 * (frs_meili_req_clear); json_t results are new references the caller
 * decrefs.
 */
#ifndef FRS_MEILI_H
#define FRS_MEILI_H

#include <jansson.h>

#include "api.h"
#include "qtree.h"
#include "search.h"

/* Meilisearch's default pagination.maxTotalHits: hits beyond this rank
 * are never returned, and estimatedTotalHits is exact up to it. */
#define FRS_MEILI_MAX_TOTAL_HITS 1000
#define FRS_MEILI_DEFAULT_LIMIT 20
#define FRS_MEILI_DEFAULT_CROP 10
#define FRS_MEILI_MAX_CROP 1000
#define FRS_MEILI_MAX_TAG_BYTES 256
#define FRS_MEILI_MAX_QUERIES 16   /* in one /multi-search */
#define FRS_MEILI_DOCS "https://docs.meilisearch.com/errors#"

/* The attributes of a hit, as bits. */
enum {
    FRS_MEILI_ID = 1 << 0,
    FRS_MEILI_TITLE = 1 << 1,
    FRS_MEILI_URL = 1 << 2,
    FRS_MEILI_DATE = 1 << 3,
    FRS_MEILI_YEAR = 1 << 4,
    FRS_MEILI_MONTH = 1 << 5,
    FRS_MEILI_TIMESTAMP = 1 << 6,
    FRS_MEILI_PASSAGE = 1 << 7,
    FRS_MEILI_ALL = (1 << 8) - 1,
    FRS_MEILI_TEXT = FRS_MEILI_TITLE | FRS_MEILI_PASSAGE /* highlightable */
};
#define FRS_MEILI_NATTRS 8

typedef struct {
    char *q;                  /* "" for a placeholder search */
    size_t qlen;
    unsigned offset, limit;   /* as asked (offset/limit mode) */
    int paged;                /* page/hitsPerPage given */
    unsigned page, hits_per_page;
    frs_qnode_t *filter;      /* NULL: none */
    int sort_date;            /* 0, 1 (date:asc), -1 (date:desc) */
    int facet_year, facet_month;
    unsigned retrieve;        /* FRS_MEILI_* bits */
    unsigned highlight, crop; /* bits (text attributes) */
    unsigned crop_words;      /* cropLength (default 10 words) */
    unsigned crop_length[FRS_MEILI_NATTRS]; /* "name:N": N + 1; 0: none */
    char *crop_marker, *pre_tag, *post_tag;
    int show_score;
} frs_meili_req_t;

/* Fill *err as a Meilisearch error: status, code (static, e.g.
 * "invalid_search_filter"), message; type and link follow from them. */
void frs_meili_error(frs_api_error_t *err, unsigned status, const char *code,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* {"message", "code", "type", "link"} (+ "shard" when one is at fault). */
json_t *frs_meili_error_json(const frs_api_error_t *err);

/* A filter in either of Meilisearch's forms (a string, or an array of
 * strings and arrays of strings), null for none: *out a new tree (NULL for
 * none or an empty filter).  FRS_EINVAL with *err (400, code) saying what
 * is wrong; FRS_ENOMEM. */
frs_status_t frs_meili_filter(const json_t *v, const char *code,
                              frs_qnode_t **out, frs_api_error_t *err);

/* Attribute k (the bit 1 << k of FRS_MEILI_*) of hit h as JSON, as a
 * search shows it: a new reference, NULL when the article has none. */
json_t *frs_meili_attr(const frs_hit_info_t *h, int k);

/* The query string of GET /indexes/{uid}/search (NULL or "") as the JSON
 * object a POST would send: numbers and booleans typed, comma lists as
 * arrays (sort, facets, attributesTo*, locales).  FRS_EINVAL with *err
 * (400) for malformed percent-encoding, invalid UTF-8, a NUL byte, a
 * repeated or unknown parameter, or a value of the wrong type; FRS_ENOMEM.
 * *out NULL on failure. */
frs_status_t frs_meili_query_string(const char *qs, json_t **out,
                                    frs_api_error_t *err);

/* Validate one search request (a POST body or a converted query string).
 * in_multi: a query of /multi-search, which must name uid as indexUid.
 * FRS_OK; FRS_EINVAL with *err (400, or 404 index_not_found) naming the
 * parameter; FRS_ENOMEM.  On failure *req holds nothing to free. */
frs_status_t frs_meili_parse(const json_t *body, const char *uid,
                             int in_multi, frs_meili_req_t *req,
                             frs_api_error_t *err);
void frs_meili_req_clear(frs_meili_req_t *req);

/* The queries of a /multi-search body {"queries": [...]}: *reqs (malloc'd
 * array of *n, each cleared and the array freed with
 * frs_meili_reqs_free).  Errors as frs_meili_parse, the message saying
 * "Inside `.queries[i]`". */
frs_status_t frs_meili_parse_multi(const json_t *body, const char *uid,
                                   frs_meili_req_t **reqs, size_t *n,
                                   frs_api_error_t *err);
void frs_meili_reqs_free(frs_meili_req_t *reqs, size_t n);

/* Run req on s (its reader up to date) into Meilisearch's response:
 * hits, query, processingTimeMs, limit/offset/estimatedTotalHits or
 * hitsPerPage/page/totalPages/totalHits, facetDistribution and facetStats
 * when facets were asked, and frs's suggestion ("Vouliez-vous dire") or
 * null.  defaults: ranking settings (NULL: built-in).  FRS_OK with *out;
 * FRS_EINVAL with *err (400 invalid_search_q) for a query that cannot be
 * searched; FRS_ENOMEM; a database status otherwise (the reader's message
 * on it; *err untouched).  *out NULL on failure. */
frs_status_t frs_meili_search(frs_searcher_t *s,
                              const frs_search_params_t *defaults,
                              const frs_meili_req_t *req, json_t **out,
                              frs_api_error_t *err);

/* The search parameters of a Meilisearch request: defaults (NULL: the
 * built-in ones) without frs's own options (passages, explanations, date
 * bounds), a blank q matching every article (a placeholder search). */
void frs_meili_params(const frs_search_params_t *defaults,
                      frs_search_params_t *p);

/* frs_searcher_run of q with p: FRS_EINVAL with *err (400
 * invalid_search_q) for a query that cannot be searched; other statuses
 * as frs_searcher_run's.  *r on success. */
frs_status_t frs_meili_run(frs_searcher_t *s, const char *q, size_t qlen,
                           const frs_search_params_t *p, frs_results_t **r,
                           frs_api_error_t *err);

#endif
