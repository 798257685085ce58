/* SPDX-License-Identifier: MIT
 * search.h: one open database and the way from a query string to ranked,
 * decoded passages, with optional per-term BM25 explanations.  Used by the
 * command line (single query and --batch) and by the HTTP server.
 *
 * Ownership: a searcher owns its reader and analyzer (one per thread).
 * frs_results_t owns its hits, their decoded data and the parsed query.
 */
#ifndef FRS_SEARCH_H
#define FRS_SEARCH_H

#include "bm25.h"
#include "docdata.h"
#include "qparse.h"
#include "xdb.h"

typedef struct frs_searcher frs_searcher_t;

typedef struct {
    frs_bm25_params_t bm25;
    frs_qparse_opts_t qp;
    unsigned offset, limit;
    int articles;            /* one hit per article (collapse) */
    const char *from, *to;   /* "YYYY-MM-DD" or NULL */
    int explain;
    int facet_months;        /* count matching passages per month */
} frs_search_params_t;

/* Defaults for every field. */
void frs_search_params_init(frs_search_params_t *p);

typedef struct {
    char *term;              /* with its prefix */
    double factor;           /* scaling applied above the term */
    unsigned wdf;
    unsigned long long termfreq;
    frs_bm25_part_t part;
} frs_explain_t;

typedef struct {
    unsigned docid;
    unsigned rank;           /* 1-based, counting the offset */
    double score;
    unsigned collapsed;      /* other passages of the article that matched */
    frs_docinfo_t info;
    frs_explain_t *explain;  /* with params.explain */
    size_t nexplain;
    double explain_sum;
    unsigned long long doclen;
} frs_hit_info_t;

/* One facet value and the number of matching passages holding it. */
typedef struct {
    char *value;             /* e.g. "2024-03" */
    unsigned long long count;
} frs_facet_t;

typedef struct {
    frs_hit_info_t *hits;
    size_t n;
    unsigned long long estimated;
    double took_ms;
    frs_parsed_t *parsed;
    double avlength;
    unsigned long long doccount;
    frs_facet_t *months;     /* with params.facet_months: every month with
                                matching passages, in ascending order */
    size_t nmonths;
} frs_results_t;

/* Open the database at path for searching.  FRS_EVERSION when its schema or
 * analyzer version is not this program's; FRS_ENOTFOUND when missing.
 * *errmsg (malloc'd) explains a failure. */
frs_status_t frs_searcher_open(const char *path, frs_searcher_t **out,
                               char **errmsg);
void frs_searcher_free(frs_searcher_t *s);
frs_analyzer_t *frs_searcher_analyzer(frs_searcher_t *s);
frs_xr_t *frs_searcher_reader(frs_searcher_t *s);

/* Run one query.  FRS_EINVAL with *errmsg for a bad query; other statuses
 * for database errors (message in *errmsg). */
frs_status_t frs_searcher_run(frs_searcher_t *s, const char *q, size_t len,
                              const frs_search_params_t *p,
                              frs_results_t **out, char **errmsg);

void frs_results_free(frs_results_t *r);

#endif
