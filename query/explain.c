/* SPDX-License-Identifier: MIT
 * explain.c: per-term BM25 parts of one document's score.
 */
#include "explain.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    frs_xr_t *xr;
    const frs_bm25_params_t *p;
    unsigned docid;
    frs_xr_stats_t st;
    frs_explained_t *out;
    frs_status_t rc;
} ctx_t;

/* Positions of a phrase's words, fetched once per phrase. */
static int phrase_found(ctx_t *e, const frs_qnode_t *q)
{
    if (q->nkids == 0)
        return 0;
    unsigned **pos = calloc(q->nkids, sizeof *pos);
    size_t *n = calloc(q->nkids, sizeof *n);
    int found = 0;
    if (!pos || !n) {
        e->rc = FRS_ENOMEM;
        goto done;
    }
    for (size_t k = 0; k < q->nkids && e->rc == FRS_OK; k++)
        e->rc = frs_xr_positions(e->xr, e->docid, q->kids[k]->term,
                                 q->kids[k]->term_len, &pos[k], &n[k]);
    for (size_t i = 0; e->rc == FRS_OK && !found && i < n[0]; i++) {
        size_t k = 1;
        for (; k < q->nkids; k++) {
            unsigned want = pos[0][i] + (unsigned)k;
            size_t j = 0;
            while (j < n[k] && pos[k][j] < want)
                j++;
            if (j == n[k] || pos[k][j] != want)
                break;
        }
        found = k == q->nkids;
    }
done:
    for (size_t k = 0; pos && k < q->nkids; k++)
        free(pos[k]);
    free(pos);
    free(n);
    return found;
}

/* The BM25 part of term[0..len) in the document, into *x (x->term not
 * set); 0 when the document does not hold it (or on error: e->rc). */
static int weigh(ctx_t *e, const char *term, size_t len, double factor,
                 frs_explain_t *x)
{
    unsigned wdf = 0;
    unsigned long long tf = 0;
    frs_status_t rc = frs_xr_doc_wdf(e->xr, e->docid, term, len, &wdf);
    if (rc == FRS_OK && wdf > 0)
        rc = frs_xr_termfreq(e->xr, term, len, &tf);
    if (rc != FRS_OK) {
        e->rc = rc;
        return 0;
    }
    if (wdf == 0)
        return 0;
    x->factor = factor;
    x->wdf = wdf;
    x->termfreq = tf;
    x->part = frs_bm25_term(e->p, (double)e->st.doccount, (double)tf, 1, wdf,
                            (double)e->out->doclen, e->st.avlength, factor);
    return 1;
}

/* Record part x of term[0..len) and add its weight to *w. */
static int record(ctx_t *e, const char *term, size_t len,
                  const frs_explain_t *x, double *w)
{
    frs_explained_t *o = e->out;
    frs_explain_t *v = realloc(o->parts, (o->n + 1) * sizeof *v);
    if (!v) {
        e->rc = FRS_ENOMEM;
        return 0;
    }
    o->parts = v;
    v[o->n] = *x;
    v[o->n].term = strndup(term, len);
    if (!v[o->n].term) {
        e->rc = FRS_ENOMEM;
        return 0;
    }
    o->n++;
    *w += x->part.weight;
    return 1;
}

static int add_part(ctx_t *e, const frs_qnode_t *q, double factor, double *w)
{
    frs_explain_t x;
    return weigh(e, q->term, q->term_len, factor, &x) &&
           record(e, q->term, q->term_len, &x, w);
}

/* A wildcard weighs as its best term in the document (Xapian's OP_MAX). */
typedef struct {
    ctx_t *e;
    double factor;
    frs_explain_t best;
    char *term;
} wild_t;

static int on_expansion(void *ctx, const char *term, size_t len,
                        unsigned long long termfreq)
{
    (void)termfreq;
    wild_t *c = ctx;
    frs_explain_t x;
    if (!weigh(c->e, term, len, c->factor, &x))
        return c->e->rc != FRS_OK;
    if (c->term && x.part.weight <= c->best.part.weight)
        return 0;
    char *t = strndup(term, len);
    if (!t) {
        c->e->rc = FRS_ENOMEM;
        return 1;
    }
    free(c->term);
    c->term = t;
    c->best = x;
    return 0;
}

static int add_wildcard(ctx_t *e, const frs_qnode_t *q, double factor,
                        double *w)
{
    wild_t c = {e, factor, {0}, NULL};
    frs_status_t rc = frs_xr_each_term(e->xr, q->term, q->max_expansion,
                                       on_expansion, &c);
    if (rc != FRS_OK && e->rc == FRS_OK)
        e->rc = rc;
    int m = e->rc == FRS_OK && c.term &&
            record(e, c.term, strlen(c.term), &c.best, w);
    free(c.term);
    return m;
}

/* Drop the parts recorded since mark (a branch that did not match). */
static void drop_since(frs_explained_t *o, size_t mark)
{
    for (size_t i = mark; i < o->n; i++)
        free(o->parts[i].term);
    o->n = mark;
}

/* Does q match the document; add its weight to *w (recording parts). */
static int eval(ctx_t *e, const frs_qnode_t *q, double factor, double *w)
{
    double sub = 0;
    int m = 0;
    size_t mark = e->out->n;
    switch (q->op) {
    case FRS_Q_TERM:
        return add_part(e, q, factor, w);
    case FRS_Q_WILDCARD:
        return add_wildcard(e, q, factor, w);
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
    if (m)
        *w += sub;
    else
        drop_since(e->out, mark);
    return m;
}

frs_status_t frs_explain(frs_xr_t *xr, const frs_bm25_params_t *p,
                         const frs_qnode_t *q, unsigned docid,
                         frs_explained_t *out)
{
    memset(out, 0, sizeof *out);
    ctx_t e = {xr, p, docid, {0}, out, FRS_OK};
    e.rc = frs_xr_stats(xr, &e.st);
    if (e.rc == FRS_OK)
        e.rc = frs_xr_doclength(xr, docid, &out->doclen);
    double w = 0;
    if (e.rc == FRS_OK)
        eval(&e, q, 1.0, &w);
    out->sum = w;
    if (e.rc != FRS_OK)
        frs_explained_clear(out);
    return e.rc;
}

void frs_explained_clear(frs_explained_t *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n; i++)
        free(e->parts[i].term);
    free(e->parts);
    memset(e, 0, sizeof *e);
}
