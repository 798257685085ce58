/* SPDX-License-Identifier: MIT
 * search.c: searcher (schema check, parse, run, decode, explain).
 */
#include "search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyzer.h"
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
    p->limit = 10;
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

typedef struct {
    frs_results_t *r;
    int oom;
} collect_t;

static int on_hit(void *ctx, const frs_hit_t *h)
{
    collect_t *c = ctx;
    frs_results_t *r = c->r;
    frs_hit_info_t *hi = &r->hits[r->n];
    memset(hi, 0, sizeof *hi);
    hi->docid = h->docid;
    hi->score = h->score;
    hi->collapsed = h->collapse_count;
    frs_status_t rc = frs_docdata_decode(h->data, h->data_len, &hi->info);
    if (rc == FRS_ECORRUPT) {
        hi->info.id = strdup("?");
        hi->info.text = strdup("");
        rc = hi->info.id && hi->info.text ? FRS_OK : FRS_ENOMEM;
    }
    if (rc != FRS_OK) {
        c->oom = 1;
        return 1;
    }
    r->n++;
    return 0;
}

typedef struct {
    frs_results_t *r;
    size_t cap;
    int oom;
} facets_t;

/* Facet callback: keep one month and its count (values arrive in order). */
static void on_month(void *ctx, const char *value, size_t len,
                     unsigned long long count)
{
    facets_t *f = ctx;
    frs_results_t *r = f->r;
    if (f->oom || len == 0)
        return;
    if (r->nmonths == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 32;
        frs_facet_t *v = realloc(r->months, cap * sizeof *v);
        if (!v) {
            f->oom = 1;
            return;
        }
        r->months = v;
        f->cap = cap;
    }
    char *s = malloc(len + 1);
    if (!s) {
        f->oom = 1;
        return;
    }
    memcpy(s, value, len);
    s[len] = '\0';
    r->months[r->nmonths].value = s;
    r->months[r->nmonths].count = count;
    r->nmonths++;
}

/* ---- explanation: evaluate the query tree on one document ---- */

typedef struct {
    char *exact;
    unsigned pos;
} wpos_t;

typedef struct {
    wpos_t *v;
    size_t n, cap;
    const char *pfx;
    int oom;
} wposlist_t;

static int collect_pos(void *ctx, const frs_token_t *t)
{
    wposlist_t *l = ctx;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        wpos_t *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            l->oom = 1;
            return 1;
        }
        l->v = v;
        l->cap = cap;
    }
    size_t pl = strlen(l->pfx);
    char *e = malloc(pl + t->exact_len + 1);
    if (!e) {
        l->oom = 1;
        return 1;
    }
    memcpy(e, l->pfx, pl);
    memcpy(e + pl, t->exact, t->exact_len);
    e[pl + t->exact_len] = '\0';
    l->v[l->n].exact = e;
    l->v[l->n].pos = t->pos;
    l->n++;
    return 0;
}

typedef struct {
    frs_searcher_t *s;
    const frs_search_params_t *p;
    frs_hit_info_t *hit;
    frs_xr_stats_t st;
    wposlist_t words; /* body and title words with positions */
    int have_words;
    frs_status_t rc;
} explain_t;

static int has_at(const wposlist_t *l, const char *term, unsigned pos)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].pos == pos && strcmp(l->v[i].exact, term) == 0)
            return 1;
    return 0;
}

static int phrase_found(explain_t *e, const frs_qnode_t *q)
{
    if (!e->have_words) {
        e->have_words = 1;
        e->words.pfx = "";
        frs_analyzer_run(e->s->an, e->hit->info.text,
                         strlen(e->hit->info.text), 0, collect_pos, &e->words,
                         NULL);
        if (e->hit->info.title) {
            e->words.pfx = FRS_PFX_TITLE;
            frs_analyzer_run(e->s->an, e->hit->info.title,
                             strlen(e->hit->info.title), 0, collect_pos,
                             &e->words, NULL);
        }
        if (e->words.oom)
            e->rc = FRS_ENOMEM;
    }
    if (q->nkids == 0)
        return 0;
    for (size_t i = 0; i < e->words.n; i++) {
        if (strcmp(e->words.v[i].exact, q->kids[0]->term) != 0)
            continue;
        size_t k = 1;
        while (k < q->nkids &&
               has_at(&e->words, q->kids[k]->term, e->words.v[i].pos + (unsigned)k))
            k++;
        if (k == q->nkids)
            return 1;
    }
    return 0;
}

static int add_part(explain_t *e, const frs_qnode_t *q, double factor,
                    double *w)
{
    unsigned wdf = 0;
    unsigned long long tf = 0;
    frs_status_t rc = frs_xr_doc_wdf(e->s->xr, e->hit->docid, q->term,
                                     q->term_len, &wdf);
    if (rc == FRS_OK && wdf > 0)
        rc = frs_xr_termfreq(e->s->xr, q->term, q->term_len, &tf);
    if (rc != FRS_OK) {
        e->rc = rc;
        return 0;
    }
    if (wdf == 0)
        return 0;
    frs_hit_info_t *h = e->hit;
    frs_explain_t *v = realloc(h->explain, (h->nexplain + 1) * sizeof *v);
    if (!v) {
        e->rc = FRS_ENOMEM;
        return 0;
    }
    h->explain = v;
    frs_explain_t *x = &v[h->nexplain];
    x->term = strdup(q->term);
    if (!x->term) {
        e->rc = FRS_ENOMEM;
        return 0;
    }
    h->nexplain++;
    x->factor = factor;
    x->wdf = wdf;
    x->termfreq = tf;
    x->part = frs_bm25_term(&e->p->bm25, (double)e->st.doccount, (double)tf,
                            1, wdf, (double)h->doclen, e->st.avlength, factor);
    *w += x->part.weight;
    return 1;
}

/* Does q match the document; add its weight to *w (recording parts). */
static int eval(explain_t *e, const frs_qnode_t *q, double factor, double *w)
{
    double sub = 0;
    int m = 0;
    size_t mark = e->hit->nexplain;
    switch (q->op) {
    case FRS_Q_TERM:
        return add_part(e, q, factor, w);
    case FRS_Q_PHRASE:
        if (!phrase_found(e, q))
            return 0;
        for (size_t i = 0; i < q->nkids; i++)
            add_part(e, q->kids[i], factor, w);
        return 1;
    case FRS_Q_OR:
        for (size_t i = 0; i < q->nkids; i++)
            m |= eval(e, q->kids[i], factor, w);
        return m;
    case FRS_Q_AND:
        m = 1;
        for (size_t i = 0; i < q->nkids; i++)
            m &= eval(e, q->kids[i], factor, &sub);
        break;
    case FRS_Q_AND_MAYBE:
        m = q->nkids > 0 && eval(e, q->kids[0], factor, &sub);
        for (size_t i = 1; m && i < q->nkids; i++)
            eval(e, q->kids[i], factor, &sub);
        break;
    case FRS_Q_AND_NOT:
    case FRS_Q_FILTER:
        m = q->nkids > 0 && eval(e, q->kids[0], factor, &sub);
        break;
    case FRS_Q_SCALE:
        return q->nkids > 0 && eval(e, q->kids[0], factor * q->scale, w);
    case FRS_Q_VALUE_RANGE:
    case FRS_Q_MATCH_ALL:
        return 1;
    }
    if (m) {
        *w += sub;
    } else {
        /* drop parts recorded by a branch that did not match */
        for (size_t i = mark; i < e->hit->nexplain; i++)
            free(e->hit->explain[i].term);
        e->hit->nexplain = mark;
    }
    return m;
}

static frs_status_t explain_hit(frs_searcher_t *s,
                                const frs_search_params_t *p,
                                const frs_xr_stats_t *st, frs_qnode_t *q,
                                frs_hit_info_t *h)
{
    explain_t e = {s, p, h, *st, {0}, 0, FRS_OK};
    frs_status_t rc = frs_xr_doclength(s->xr, h->docid, &h->doclen);
    if (rc != FRS_OK)
        return rc;
    double w = 0;
    eval(&e, q, 1.0, &w);
    h->explain_sum = w;
    for (size_t i = 0; i < e.words.n; i++)
        free(e.words.v[i].exact);
    free(e.words.v);
    return e.rc;
}

static int valid_day(const char *d)
{
    if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
            return 0;
    return 1;
}

static void ymd(const char *d, char out[9])
{
    memcpy(out, d, 4);
    memcpy(out + 4, d + 5, 2);
    memcpy(out + 6, d + 8, 2);
    out[8] = '\0';
}

frs_status_t frs_searcher_run(frs_searcher_t *s, const char *q, size_t len,
                              const frs_search_params_t *p,
                              frs_results_t **out, char **errmsg)
{
    *out = NULL;
    *errmsg = NULL;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if ((p->from && !valid_day(p->from)) || (p->to && !valid_day(p->to))) {
        *errmsg = strdup("dates must be written YYYY-MM-DD");
        return FRS_EINVAL;
    }
    frs_results_t *r = calloc(1, sizeof *r);
    if (!r)
        return FRS_ENOMEM;
    frs_status_t rc = frs_qparse(s->an, q, len, &p->qp, &r->parsed, errmsg);
    if (rc != FRS_OK) {
        free(r);
        return rc;
    }
    if (p->from || p->to) {
        char lo[9] = "", hi[9] = "";
        if (p->from)
            ymd(p->from, lo);
        if (p->to)
            ymd(p->to, hi);
        /* FILTER(query, date range): the parsed query moves into it */
        frs_qnode_t *f = frs_qnode_new(FRS_Q_FILTER);
        frs_qnode_t *query = r->parsed->query;
        r->parsed->query = NULL;
        rc = f ? frs_qnode_add(f, query) : (frs_qnode_free(query), FRS_ENOMEM);
        if (rc == FRS_OK) {
            rc = frs_qnode_add(f, frs_qnode_range(FRS_SLOT_DATE, lo, hi));
            r->parsed->query = f;
        } else {
            frs_qnode_free(f);
        }
        if (rc != FRS_OK) {
            frs_results_free(r);
            return FRS_ENOMEM;
        }
    }
    unsigned limit = p->limit;
    r->hits = calloc(limit ? limit : 1, sizeof *r->hits);
    if (!r->hits) {
        frs_results_free(r);
        return FRS_ENOMEM;
    }
    frs_search_opts_t so = {.k1 = p->bm25.k1,
                            .b = p->bm25.b,
                            .min_normlen = p->bm25.min_normlen,
                            .first = p->offset,
                            .max = limit,
                            .collapse_slot = p->articles ? FRS_SLOT_ARTICLE : -1,
                            .check_at_least = p->offset + limit + 1};
    facets_t fc = {r, 0, 0};
    if (p->facet_months) {
        so.facet_cb = on_month;
        so.facet_ctx = &fc;
        so.facet_slot = FRS_SLOT_MONTH;
    }
    frs_search_info_t info;
    collect_t c = {r, 0};
    rc = frs_xr_search(s->xr, r->parsed->query, &so, on_hit, &c, &info);
    if (rc == FRS_OK && (c.oom || fc.oom))
        rc = FRS_ENOMEM;
    frs_xr_stats_t st;
    if (rc == FRS_OK)
        rc = frs_xr_stats(s->xr, &st);
    if (rc == FRS_OK) {
        r->estimated = info.estimated;
        r->avlength = st.avlength;
        r->doccount = st.doccount;
        for (size_t i = 0; i < r->n; i++)
            r->hits[i].rank = p->offset + (unsigned)i + 1;
        for (size_t i = 0; rc == FRS_OK && p->explain && i < r->n; i++)
            rc = explain_hit(s, p, &st, r->parsed->query, &r->hits[i]);
    }
    if (rc != FRS_OK) {
        *errmsg = strdup(frs_xr_errmsg(s->xr)[0] ? frs_xr_errmsg(s->xr)
                                                  : frs_strerror(rc));
        frs_results_free(r);
        return rc;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->took_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
                 (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    *out = r;
    return FRS_OK;
}

void frs_results_free(frs_results_t *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        frs_docinfo_clear(&r->hits[i].info);
        for (size_t k = 0; k < r->hits[i].nexplain; k++)
            free(r->hits[i].explain[k].term);
        free(r->hits[i].explain);
    }
    free(r->hits);
    for (size_t i = 0; i < r->nmonths; i++)
        free(r->months[i].value);
    free(r->months);
    frs_parsed_free(r->parsed);
    free(r);
}
