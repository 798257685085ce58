/* SPDX-License-Identifier: MIT
 * meili_read.h: the read routes of Meilisearch's API besides the search
 * (meili.h): documents (one by id, a window of them, a fetch with ids and a
 * filter), the settings as frs applies them, and the facet search.
 *
 * Documents are articles: id, title, url, date, year, month, timestamp
 * (as the hits of a search show them) and body, the whole text.
 *
 * Ownership: a frs_meili_docs_req_t or frs_meili_facet_req_t owns its
 * strings and trees (their _clear); json_t results are new references the
 * caller decrefs.
 */
#ifndef FRS_MEILI_READ_H
#define FRS_MEILI_READ_H

#include <jansson.h>

#include "meili.h"

/* Documents in one answer at most (Meilisearch has no limit; frs keeps a
 * request's memory bounded): a larger limit is lowered to it. */
#define FRS_MEILI_MAX_DOCS 1000
#define FRS_MEILI_MAX_IDS 1000   /* in one `ids` list */
#define FRS_MEILI_MAX_FACET_HITS 100 /* faceting.maxValuesPerFacet */

/* The attributes of a document: FRS_MEILI_* bits, FRS_MEILI_PASSAGE
 * standing for body. */
typedef struct {
    char *id;                 /* GET /documents/{id}: that one; else NULL */
    unsigned offset, limit;   /* limit within FRS_MEILI_MAX_DOCS */
    unsigned fields;          /* FRS_MEILI_* bits (default all) */
    frs_qnode_t *filter;      /* ids and filter, ANDed; NULL: none */
} frs_meili_docs_req_t;

/* GET /indexes/{uid}/documents[/{id}]: the query string qs (NULL or "";
 * offset, limit, fields, filter, ids, retrieveVectors) and id (decoded,
 * NULL for the list).  FRS_OK; FRS_EINVAL with *err (400
 * invalid_document_*, or bad_request for an unknown parameter);
 * FRS_ENOMEM.  On failure *req holds nothing to free. */
frs_status_t frs_meili_docs_query(const char *qs, const char *id,
                                  frs_meili_docs_req_t *req,
                                  frs_api_error_t *err);
/* POST /indexes/{uid}/documents/fetch: {offset, limit, fields, filter,
 * ids, retrieveVectors}.  As frs_meili_docs_query. */
frs_status_t frs_meili_docs_body(const json_t *body, frs_meili_docs_req_t *req,
                                 frs_api_error_t *err);
void frs_meili_docs_req_clear(frs_meili_docs_req_t *req);

/* Run req on s: the document (404 document_not_found in *err, FRS_EINVAL,
 * when the id is unknown), or {results, offset, limit, total}, in the
 * index's order.  A database status otherwise (*err untouched). */
frs_status_t frs_meili_documents(frs_searcher_t *s,
                                 const frs_meili_docs_req_t *req,
                                 json_t **out, frs_api_error_t *err);

/* GET /indexes/{uid}/settings (name NULL) or /settings/{name}
 * ("filterable-attributes"...): what frs does, in Meilisearch's shape.
 * NULL when name is not a setting (or out of memory: *unknown says which). */
json_t *frs_meili_settings(const char *name, size_t len, int *unknown);

typedef struct {
    frs_meili_req_t search;   /* q and filter */
    int month;                /* facetName: 0 year, 1 month */
    char *facet_query;        /* NULL: every value */
} frs_meili_facet_req_t;

/* POST /indexes/{uid}/facet-search: {facetName, facetQuery, q, filter,
 * matchingStrategy, attributesToSearchOn, exhaustiveFacetCount}.  FRS_OK;
 * FRS_EINVAL with *err (400 missing_facet_search_facet_name,
 * invalid_facet_search_facet_name, invalid_facet_search_facet_query, the
 * search's codes, bad_request); FRS_ENOMEM.  On failure nothing to free. */
frs_status_t frs_meili_facet_parse(const json_t *body,
                                   frs_meili_facet_req_t *req,
                                   frs_api_error_t *err);
void frs_meili_facet_req_clear(frs_meili_facet_req_t *req);

/* Run req on s: {facetHits: [{value, count}], facetQuery,
 * processingTimeMs}, the values starting with facetQuery in ascending
 * order, counted over the articles matching q and filter.  Statuses as
 * frs_meili_search. */
frs_status_t frs_meili_facet_search(frs_searcher_t *s,
                                    const frs_search_params_t *defaults,
                                    const frs_meili_facet_req_t *req,
                                    json_t **out, frs_api_error_t *err);

#endif
