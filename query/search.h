/* SPDX-License-Identifier: MIT
 * search.h: one open database and the way from a query string to ranked
 * articles, each with the passage that best answers the query, with
 * optional per-term BM25 explanations.  Used by the command line (single
 * query and --batch) and by the HTTP server.
 *
 * Ranking: Xapian's BM25 over whole articles (body words, their stems and
 * the title, qparse.h); then, over the first rerank articles, two parts
 * are added (passages.h): passage_weight times the score of the best
 * passage, the title counting as one more passage (a query drawn from one
 * place of the article finds it there), and title_bonus times the title's
 * score.  With passages set, hits are passages instead: the matching
 * passages of the best articles, best passage score first.
 *
 * Ownership: a searcher owns its reader and analyzer (one per thread).
 * frs_results_t owns its hits, their decoded data and the parsed query.
 */
#ifndef FRS_SEARCH_H
#define FRS_SEARCH_H

#include "bm25.h"
#include "docdata.h"
#include "explain.h"
#include "qparse.h"
#include "xdb.h"

typedef struct frs_searcher frs_searcher_t;

/* Defaults chosen by measurement: see docs/relevance.md. */
#define FRS_SEARCH_PASSAGE_WEIGHT 1.0
#define FRS_SEARCH_TITLE_BONUS 0.25
#define FRS_SEARCH_RERANK 30

typedef struct {
    frs_bm25_params_t bm25;
    frs_qparse_opts_t qp;
    unsigned offset, limit;
    int passages;            /* one hit per matching passage */
    double passage_weight;   /* weight of the best passage's score (the
                                title counting as one more passage) */
    double title_bonus;      /* weight of the title's passage score */
    unsigned rerank;         /* articles reranked with it */
    const char *from, *to;   /* "YYYY-MM-DD" or NULL */
    int explain;
    int facet_months;        /* count matching articles per month */
    int text;                /* load the text of each hit (default 1; 0
                                when only ids and scores are shown) */
    /* For the Meilisearch API (meili.h); all off by default. */
    const frs_qnode_t *filter; /* keep only the articles it matches (a
                                  boolean tree over Y/M terms and the date
                                  value, filter.h; borrowed, copied into
                                  the query; adds no weight); NULL: none */
    int sort_date;           /* 0: by score; 1: oldest first, -1: newest
                                first (then by score; undated articles
                                last either way; no reranking reorders) */
    int facet_years;         /* count matching articles per year */
    unsigned exact_upto;     /* count the matches exactly up to this many
                                (Xapian's check_at_least); 0: as far as
                                the window needs */
    int empty_all;           /* a q of white space only matches every
                                article (Meilisearch's placeholder search)
                                instead of FRS_EINVAL */
} frs_search_params_t;

/* Defaults for every field. */
void frs_search_params_init(frs_search_params_t *p);

typedef struct {
    unsigned docid;
    unsigned rank;           /* 1-based, counting the offset */
    double score;            /* the article's: its BM25 score (explain.sum)
                                + passage_part + title_part; with
                                params.passages the passage's */
    double passage_score;    /* of the passage shown */
    double passage_part;     /* added to the BM25 score: passage_weight x
                                the best passage's (or the title's) */
    double title_part;       /* added: title_bonus x the title's */
    frs_docinfo_t info;      /* the article */
    size_t passage;          /* the passage shown (index into
                                info.passages) */
    size_t matching;         /* passages holding a query word */
    int title_only;          /* no passage holds a query word: the article
                                matched through its title */
    frs_explained_t explain; /* with params.explain */
} frs_hit_info_t;

/* One facet value and the number of matching articles holding it. */
typedef struct {
    char *value;             /* e.g. "2024-03" */
    unsigned long long count;
} frs_facet_t;

typedef struct {
    frs_hit_info_t *hits;
    size_t n;
    unsigned long long estimated; /* matching articles */
    double took_ms;
    frs_parsed_t *parsed;
    double avlength;
    unsigned long long doccount;  /* articles in the database */
    frs_facet_t *months;     /* with params.facet_months: every month with
                                matching articles, in ascending order */
    size_t nmonths;
    frs_facet_t *years;      /* with params.facet_years: likewise, "YYYY" */
    size_t nyears;
    int exact;               /* estimated is the exact number of matches */
    double top_score;        /* the best score among the articles ranked
                                (with sort_date: those up to the window's
                                end); 0 when none */
} frs_results_t;

/* The text of the passage shown for hit h (not NUL-terminated); "" when
 * params.text was 0. */
const char *frs_hit_text(const frs_hit_info_t *h, size_t *len);

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
