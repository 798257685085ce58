/* SPDX-License-Identifier: MIT
 * search.c: searcher (schema check, parse, run, best passages, explain).
 */
#include "search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyzer.h"
#include "date.h"
#include "longq.h"
#include "passages.h"
#include "schema.h"

struct frs_searcher {
    frs_xr_t *xr;
    frs_analyzer_t *an;
};

void frs_search_params_init(frs_search_params_t *p)
{
    memset(p, 0, sizeof *p);
    p->bm25.k1 = FRS_BM25_K1;
    p->bm25.b = FRS_BM25_B;
    p->bm25.min_normlen = FRS_BM25_MIN_NORMLEN;
    p->qp.exact_boost = FRS_QP_EXACT_BOOST;
    p->qp.title_weight = FRS_QP_TITLE_WEIGHT;
    p->passage_weight = FRS_SEARCH_PASSAGE_WEIGHT;
    p->title_bonus = FRS_SEARCH_TITLE_BONUS;
    p->rerank = FRS_SEARCH_RERANK;
    p->text = 1;
    p->limit = 10;
}

const char *frs_hit_text(const frs_hit_info_t *h, size_t *len)
{
    if (!h->info.body || h->passage >= h->info.npassages) {
        *len = 0;
        return "";
    }
    const frs_passage_t *ps = &h->info.passages[h->passage];
    *len = ps->end - ps->start;
    return h->info.body + ps->start;
}

static char *msgf(const char *path, const char *what, const char *detail)
{
    size_t n = strlen(path) + strlen(what) + strlen(detail) + 8;
    char *m = malloc(n);
    if (m)
        snprintf(m, n, "%s: %s%s%s", path, what, detail[0] ? ": " : "",
                 detail);
    return m;
}

frs_status_t frs_searcher_open(const char *path, frs_searcher_t **out,
                               char **errmsg)
{
    *out = NULL;
    *errmsg = NULL;
    frs_searcher_t *s = calloc(1, sizeof *s);
    if (!s)
        return FRS_ENOMEM;
    char *xerr = NULL;
    frs_status_t rc = frs_xr_open(path, &s->xr, &xerr);
    if (rc != FRS_OK) {
        *errmsg = msgf(path, rc == FRS_ENOTFOUND ? "no database here"
                                                 : "cannot open the database",
                       xerr ? xerr : "");
        free(xerr);
        free(s);
        return rc;
    }
    char *schema = NULL, *anv = NULL;
    rc = frs_xr_get_metadata(s->xr, FRS_META_SCHEMA, &schema);
    if (rc == FRS_OK)
        rc = frs_xr_get_metadata(s->xr, FRS_META_ANALYZER, &anv);
    if (rc != FRS_OK) {
        *errmsg = msgf(path, "cannot read metadata", frs_xr_errmsg(s->xr));
    } else {
        rc = frs_schema_check(path, path, schema, anv, errmsg);
    }
    free(schema);
    free(anv);
    if (rc == FRS_OK)
        rc = frs_analyzer_new(&s->an);
    if (rc != FRS_OK) {
        frs_searcher_free(s);
        return rc;
    }
    *out = s;
    return FRS_OK;
}

void frs_searcher_free(frs_searcher_t *s)
{
    if (!s)
        return;
    frs_xr_free(s->xr);
    frs_analyzer_free(s->an);
    free(s);
}

frs_analyzer_t *frs_searcher_analyzer(frs_searcher_t *s)
{
    return s->an;
}

frs_xr_t *frs_searcher_reader(frs_searcher_t *s)
{
    return s->xr;
}

/* ---- the articles Xapian ranked ---- */

typedef struct {
    unsigned docid;
    double score;
    unsigned xrank;       /* Xapian's order */
    frs_docinfo_t info;
    double *pscores;      /* per passage */
    double tscore;        /* the title's, scored as a passage */
    double ppart, tpart;  /* added to the score: passage and title parts */
    size_t best, matching;
} art_t;

typedef struct {
    art_t *v;
    size_t n, cap;
    int oom;
} arts_t;

static int on_hit(void *ctx, const frs_hit_t *h)
{
    arts_t *a = ctx;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        art_t *v = realloc(a->v, cap * sizeof *v);
        if (!v) {
            a->oom = 1;
            return 1;
        }
        a->v = v;
        a->cap = cap;
    }
    art_t *t = &a->v[a->n];
    memset(t, 0, sizeof *t);
    t->docid = h->docid;
    t->score = h->score;
    t->xrank = (unsigned)a->n;
    frs_status_t rc = frs_docdata_decode(h->data, h->data_len, &t->info);
    if (rc == FRS_ECORRUPT) { /* shown as "?" rather than failing */
        t->info.id = strdup("?");
        rc = t->info.id ? FRS_OK : FRS_ENOMEM;
    }
    if (rc != FRS_OK) {
        frs_docinfo_clear(&t->info);
        a->oom = 1;
        return 1;
    }
    a->n++;
    return 0;
}

static void arts_free(arts_t *a)
{
    for (size_t i = 0; i < a->n; i++) {
        frs_docinfo_clear(&a->v[i].info);
        free(a->v[i].pscores);
    }
    free(a->v);
}

/* Score the passages of every article fetched. */
/* Score the passages of the articles a->v[i] for which need(i) holds:
 * the ones reranked and the ones shown. */
static frs_status_t score_passages(frs_searcher_t *s, const frs_parsed_t *pq,
                                   arts_t *a, size_t nrerank, size_t lo,
                                   size_t hi)
{
    frs_pscorer_t *ps = NULL;
    frs_status_t rc = frs_pscorer_new(s->xr, s->an, pq, &ps);
    for (size_t i = 0; rc == FRS_OK && i < a->n; i++) {
        if (i >= nrerank && (i < lo || i >= hi))
            continue;
        art_t *t = &a->v[i];
        size_t np = t->info.npassages;
        t->pscores = calloc(np ? np : 1, sizeof *t->pscores);
        if (!t->pscores) {
            rc = FRS_ENOMEM;
            break;
        }
        rc = frs_pscorer_run(ps, t->docid, &t->info, t->pscores);
        t->best = frs_pscore_best(t->pscores, np, &t->matching);
        if (rc == FRS_OK)
            rc = frs_pscorer_title(ps, &t->info, &t->tscore);
    }
    frs_pscorer_free(ps);
    return rc;
}

static int by_score(const void *x, const void *y)
{
    const art_t *a = x, *b = y;
    if (a->score != b->score)
        return a->score < b->score ? 1 : -1;
    return a->xrank < b->xrank ? -1 : a->xrank > b->xrank;
}

/* ---- the hits shown ---- */

typedef struct {
    size_t art, passage;
    double pscore;
} phit_t;

static int by_pscore(const void *x, const void *y)
{
    const phit_t *a = x, *b = y;
    if (a->pscore != b->pscore)
        return a->pscore < b->pscore ? 1 : -1;
    if (a->art != b->art)
        return a->art < b->art ? -1 : 1;
    return a->passage < b->passage ? -1 : a->passage > b->passage;
}

/* Move article t into hit h, showing passage k. */
static frs_status_t fill_hit(frs_hit_info_t *h, art_t *t, size_t k, int copy)
{
    memset(h, 0, sizeof *h);
    h->docid = t->docid;
    h->score = t->score;
    h->passage = k;
    h->matching = t->matching;
    h->title_only = t->matching == 0;
    h->passage_score = t->info.npassages ? t->pscores[k] : 0;
    h->passage_part = t->ppart;
    h->title_part = t->tpart;
    if (!copy) {
        h->info = t->info;
        memset(&t->info, 0, sizeof t->info);
        return FRS_OK;
    }
    /* passages of one article listed as several hits: each its own copy */
    return frs_docinfo_copy(&h->info, &t->info);
}

/* The window [offset, offset + limit) of the passages of the articles. */
static frs_status_t passage_hits(const frs_search_params_t *p, arts_t *a,
                                 frs_results_t *r)
{
    size_t n = 0;
    for (size_t i = 0; i < a->n; i++)
        n += a->v[i].matching ? a->v[i].matching : 1;
    phit_t *ph = calloc(n ? n : 1, sizeof *ph);
    if (!ph)
        return FRS_ENOMEM;
    n = 0;
    for (size_t i = 0; i < a->n; i++) {
        art_t *t = &a->v[i];
        for (size_t k = 0; k < t->info.npassages; k++)
            if (t->pscores[k] > 0 || (t->matching == 0 && k == t->best))
                ph[n++] = (phit_t){i, k, t->pscores[k]};
    }
    qsort(ph, n, sizeof *ph, by_pscore);
    frs_status_t rc = FRS_OK;
    for (size_t i = p->offset; rc == FRS_OK && i < n && r->n < p->limit;
         i++) {
        frs_hit_info_t *h = &r->hits[r->n];
        rc = fill_hit(h, &a->v[ph[i].art], ph[i].passage, 1);
        if (rc == FRS_OK) {
            h->score = h->passage_score; /* the order of the list */
            r->n++;
        }
    }
    free(ph);
    return rc;
}

static frs_status_t article_hits(const frs_search_params_t *p, size_t first,
                                 arts_t *a, frs_results_t *r)
{
    frs_status_t rc = FRS_OK;
    for (size_t i = first; rc == FRS_OK && i < a->n && r->n < p->limit; i++) {
        rc = fill_hit(&r->hits[r->n], &a->v[i], a->v[i].best, 0);
        if (rc == FRS_OK)
            r->n++;
    }
    return rc;
}

/* ---- facets ---- */

typedef struct {
    frs_results_t *r;
    size_t cap;
    int oom;
} facets_t;

/* Add count to the facet value key of (*v)[0..*n), the values arriving
 * in order (the last one may be key again); *oom on failure. */
static void count_facet(frs_facet_t **v, size_t *n, size_t *cap,
                        const char *key, unsigned long long count, int *oom)
{
    if (*n > 0 && strcmp((*v)[*n - 1].value, key) == 0) {
        (*v)[*n - 1].count += count;
        return;
    }
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 32;
        frs_facet_t *nv = realloc(*v, c * sizeof *nv);
        if (!nv) {
            *oom = 1;
            return;
        }
        *v = nv;
        *cap = c;
    }
    char *s = strdup(key);
    if (!s) {
        *oom = 1;
        return;
    }
    (*v)[*n].value = s;
    (*v)[*n].count = count;
    (*n)++;
}

/* Facet callback: dates "YYYYMMDD" arrive in order; count them by month. */
static void on_date(void *ctx, const char *value, size_t len,
                    unsigned long long count)
{
    facets_t *f = ctx;
    if (f->oom || len < 6)
        return;
    char month[8] = {value[0], value[1], value[2], value[3], '-', value[4],
                     value[5], 0};
    count_facet(&f->r->months, &f->r->nmonths, &f->cap, month, count,
                &f->oom);
}

/* Facet callback with years: count each date's year, then its month if
 * asked. */
typedef struct {
    facets_t months;
    frs_results_t *r;
    size_t cap;
    int want_months, oom;
} datefacets_t;

static void on_date_years(void *ctx, const char *value, size_t len,
                          unsigned long long count)
{
    datefacets_t *f = ctx;
    if (f->want_months)
        on_date(&f->months, value, len, count);
    if (f->oom || len < 4)
        return;
    char year[5] = {value[0], value[1], value[2], value[3], 0};
    count_facet(&f->r->years, &f->r->nyears, &f->cap, year, count, &f->oom);
}

/* The options of frs_search_opts_t that the API's parameters set: exact
 * counts, sorting, year facets. */
static void api_opts(const frs_search_params_t *p, frs_search_opts_t *so,
                     datefacets_t *df)
{
    if (p->exact_upto > so->check_at_least)
        so->check_at_least = p->exact_upto;
    if (p->sort_date) {
        so->sort_order = p->sort_date > 0 ? FRS_XDB_SORT_ASC
                                          : FRS_XDB_SORT_DESC;
        so->sort_slot = FRS_SLOT_DATE;
    }
    if (p->facet_years) {
        df->want_months = p->facet_months;
        so->facet_cb = on_date_years;
        so->facet_ctx = df;
        so->facet_slot = FRS_SLOT_DATE;
    }
}

/* After ranking: the best score, and whether the count is exact. */
static void api_results(const arts_t *a, const frs_search_info_t *info,
                        frs_results_t *r)
{
    r->exact = info->lower == info->upper;
    r->top_score = 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i].score > r->top_score)
            r->top_score = a->v[i].score;
}

/* FILTER(query, a copy of filter). */
static frs_status_t add_filter(frs_parsed_t *pq, const frs_qnode_t *filter)
{
    frs_qnode_t *f = frs_qnode_new(FRS_Q_FILTER);
    frs_qnode_t *query = pq->query;
    pq->query = NULL;
    frs_status_t rc = f ? frs_qnode_add(f, query)
                        : (frs_qnode_free(query), FRS_ENOMEM);
    if (rc == FRS_OK) {
        frs_qnode_t *c = frs_qnode_clone(filter);
        rc = c ? frs_qnode_add(f, c) : FRS_ENOMEM;
        pq->query = f;
    } else {
        frs_qnode_free(f);
    }
    return rc;
}

/* Placeholder search: a q of white space only matches every article. */
static int is_blank(const char *q, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (q[i] != ' ' && q[i] != '\t' && q[i] != '\n' && q[i] != '\r')
            return 0;
    return 1;
}

static frs_status_t parse_all(frs_parsed_t **out)
{
    *out = calloc(1, sizeof **out);
    if (*out && ((*out)->query = frs_qnode_new(FRS_Q_MATCH_ALL)))
        return FRS_OK;
    frs_parsed_free(*out);
    *out = NULL;
    return FRS_ENOMEM;
}

/* ---- running a query ---- */

static void ymd(const char *d, char out[9])
{
    memcpy(out, d, 4);
    memcpy(out + 4, d + 5, 2);
    memcpy(out + 6, d + 8, 2);
    out[8] = '\0';
}

/* FILTER(query, date range): the parsed query moves into it. */
static frs_status_t add_date_filter(frs_parsed_t *pq, const char *from,
                                    const char *to)
{
    char lo[9] = "", hi[9] = "";
    if (from)
        ymd(from, lo);
    if (to)
        ymd(to, hi);
    frs_qnode_t *f = frs_qnode_new(FRS_Q_FILTER);
    frs_qnode_t *query = pq->query;
    pq->query = NULL;
    frs_status_t rc = f ? frs_qnode_add(f, query)
                        : (frs_qnode_free(query), FRS_ENOMEM);
    if (rc == FRS_OK) {
        rc = frs_qnode_add(f, frs_qnode_range(FRS_SLOT_DATE, lo, hi));
        pq->query = f;
    } else {
        frs_qnode_free(f);
    }
    return rc;
}

/* Xapian's ranking of the articles into a, then their passages. */
static frs_status_t rank_articles(frs_searcher_t *s,
                                  const frs_search_params_t *p,
                                  frs_results_t *r, arts_t *a, size_t *first)
{
    /* reranking and listing passages need the articles before the window */
    int rerank = p->passage_weight > 0 || p->title_bonus > 0;
    int whole = p->passages || rerank;
    unsigned want = p->offset + p->limit;
    if (rerank && want < p->rerank)
        want = p->rerank;
    frs_search_opts_t so = {.k1 = p->bm25.k1,
                            .b = p->bm25.b,
                            .min_normlen = p->bm25.min_normlen,
                            .first = whole ? 0 : p->offset,
                            .max = whole ? want : p->limit,
                            .collapse_slot = -1,
                            .check_at_least = p->offset + p->limit + 1};
    facets_t fc = {r, 0, 0};
    if (p->facet_months) {
        so.facet_cb = on_date;
        so.facet_ctx = &fc;
        so.facet_slot = FRS_SLOT_DATE;
    }
    datefacets_t df = {{r, 0, 0}, r, 0, 0, 0};
    api_opts(p, &so, &df);
    frs_search_info_t info;
    frs_status_t rc = frs_xr_search(s->xr, r->parsed->query, &so, on_hit, a,
                                    &info);
    if (rc == FRS_OK && (a->oom || fc.oom || df.oom || df.months.oom))
        rc = FRS_ENOMEM;
    /* the first p->rerank articles are reranked; the ones shown need
     * their best passage (with --passages, every article fetched) */
    size_t nrerank = rerank ? (p->rerank < a->n ? p->rerank : a->n) : 0;
    size_t lo = p->passages ? 0 : whole ? p->offset : 0;
    size_t hi = p->passages ? a->n : lo + p->limit;
    if (rc == FRS_OK)
        rc = score_passages(s, r->parsed, a, nrerank, lo, hi);
    if (rc != FRS_OK)
        return rc;
    r->estimated = info.estimated;
    if (nrerank > 0) {
        /* the best passage, the title counting as one more, and the
         * title again */
        for (size_t i = 0; i < nrerank; i++) {
            art_t *t = &a->v[i];
            double best = t->info.npassages ? t->pscores[t->best] : 0;
            if (t->tscore > best)
                best = t->tscore;
            t->ppart = p->passage_weight * best;
            t->tpart = p->title_bonus * t->tscore;
            t->score += t->ppart + t->tpart;
        }
        if (nrerank > 1 && !p->sort_date)
            qsort(a->v, nrerank, sizeof *a->v, by_score);
    }
    api_results(a, &info, r);
    *first = whole ? p->offset : 0;
    return FRS_OK;
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
           (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* The body of hit h, for its text (a damaged one shows no text). */
static frs_status_t load_body(frs_searcher_t *s, frs_hit_info_t *h)
{
    char *v = NULL;
    size_t len = 0;
    frs_status_t rc = frs_xr_doc_value(s->xr, h->docid, FRS_SLOT_BODY, &v,
                                       &len);
    if (rc == FRS_OK && frs_docbody_decode(v, len, &h->info) == FRS_ENOMEM)
        rc = FRS_ENOMEM;
    free(v);
    return rc;
}

/* One attempt at the query: the articles, their passages, the hits. */
static frs_status_t run_once(frs_searcher_t *s, const frs_search_params_t *p,
                             frs_results_t *r)
{
    arts_t a = {0};
    size_t first = 0;
    frs_status_t rc = rank_articles(s, p, r, &a, &first);
    if (rc == FRS_OK)
        rc = p->passages ? passage_hits(p, &a, r)
                         : article_hits(p, first, &a, r);
    arts_free(&a);
    frs_xr_stats_t st;
    if (rc == FRS_OK)
        rc = frs_xr_stats(s->xr, &st);
    for (size_t i = 0; rc == FRS_OK && i < r->n; i++) {
        r->hits[i].rank = p->offset + (unsigned)i + 1;
        if (p->text)
            rc = load_body(s, &r->hits[i]);
        if (rc == FRS_OK && p->explain)
            rc = frs_explain(s->xr, &p->bm25, r->parsed->query,
                             r->hits[i].docid, &r->hits[i].explain);
    }
    if (rc == FRS_OK) {
        r->avlength = st.avlength;
        r->doccount = st.doccount;
    }
    return rc;
}

/* Forget the hits of a failed attempt. */
static void clear_hits(frs_results_t *r)
{
    for (size_t i = 0; i < r->n; i++) {
        frs_docinfo_clear(&r->hits[i].info);
        frs_explained_clear(&r->hits[i].explain);
    }
    r->n = 0;
    for (size_t i = 0; i < r->nmonths; i++)
        free(r->months[i].value);
    free(r->months);
    r->months = NULL;
    r->nmonths = 0;
    for (size_t i = 0; i < r->nyears; i++)
        free(r->years[i].value);
    free(r->years);
    r->years = NULL;
    r->nyears = 0;
}

frs_status_t frs_searcher_run(frs_searcher_t *s, const char *q, size_t len,
                              const frs_search_params_t *p,
                              frs_results_t **out, char **errmsg)
{
    *out = NULL;
    *errmsg = NULL;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    const char *bad = p->from && !frs_date_valid(p->from) ? p->from
                      : p->to && !frs_date_valid(p->to)   ? p->to : NULL;
    if (bad) {
        *errmsg = msgf(bad, "not a calendar date", "dates are YYYY-MM-DD");
        return FRS_EINVAL;
    }
    if (len > FRS_QUERY_MAX_TEXT) {
        char m[96];
        snprintf(m, sizeof m, "query is %zu bytes long; the limit is %d", len,
                 FRS_QUERY_MAX_TEXT);
        *errmsg = strdup(m);
        return FRS_EINVAL;
    }
    frs_results_t *r = calloc(1, sizeof *r);
    if (!r)
        return FRS_ENOMEM;
    char *text = NULL; /* a long query's rarest words (longq.h) */
    frs_status_t rc = p->empty_all && is_blank(q, len)
                          ? parse_all(&r->parsed)
                          : frs_longq_reduce(s->an, s->xr, q, len, &text);
    if (rc == FRS_OK && !r->parsed)
        rc = text ? frs_qparse(s->an, text, strlen(text), &p->qp, &r->parsed,
                               errmsg)
                  : frs_qparse(s->an, q, len, &p->qp, &r->parsed, errmsg);
    free(text);
    if (rc != FRS_OK) {
        if (!*errmsg)
            *errmsg = strdup(frs_xr_errmsg(s->xr)[0] ? frs_xr_errmsg(s->xr)
                                                      : frs_strerror(rc));
        free(r);
        return rc;
    }
    if (p->from || p->to)
        rc = add_date_filter(r->parsed, p->from, p->to);
    if (rc == FRS_OK && p->filter)
        rc = add_filter(r->parsed, p->filter);
    r->hits = calloc(p->limit ? p->limit : 1, sizeof *r->hits);
    if (rc == FRS_OK && !r->hits)
        rc = FRS_ENOMEM;
    if (rc == FRS_OK)
        rc = run_once(s, p, r);
    if (rc == FRS_EMODIFIED) {
        /* the revision read was overwritten between two reads (the
         * articles, then their positions): read the latest, once more */
        clear_hits(r);
        rc = frs_xr_reopen(s->xr, NULL);
        if (rc == FRS_OK)
            rc = run_once(s, p, r);
    }
    if (rc != FRS_OK) {
        if (!*errmsg)
            *errmsg = strdup(frs_xr_errmsg(s->xr)[0] ? frs_xr_errmsg(s->xr)
                                                      : frs_strerror(rc));
        frs_results_free(r);
        return rc;
    }
    r->took_ms = ms_since(&t0);
    *out = r;
    return FRS_OK;
}

void frs_results_free(frs_results_t *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        frs_docinfo_clear(&r->hits[i].info);
        frs_explained_clear(&r->hits[i].explain);
    }
    free(r->hits);
    for (size_t i = 0; i < r->nmonths; i++)
        free(r->months[i].value);
    free(r->months);
    for (size_t i = 0; i < r->nyears; i++)
        free(r->years[i].value);
    free(r->years);
    frs_parsed_free(r->parsed);
    free(r);
}
