/* SPDX-License-Identifier: MIT
 * longq.c: a long query searched as its rarest words (longq.h).
 */
#include "longq.h"

#include <stdlib.h>
#include <string.h>

#include "qparse.h"
#include "strset.h"

typedef struct {
    size_t start, end;       /* span in the query */
    unsigned long long df;   /* articles holding the exact form */
    size_t order;            /* rank of first occurrence */
} lword_t;

typedef struct {
    lword_t *v;
    size_t n, cap;
    frs_strset_t *seen; /* exact forms already collected */
    int oom;
} lwords_t;

static int collect(void *ctx, const frs_token_t *t)
{
    lwords_t *w = ctx;
    if (t->flags & (FRS_TOK_STOP | FRS_TOK_PART))
        return 0;
    if (frs_strset_has(w->seen, t->exact, t->exact_len))
        return 0;
    if (frs_strset_add(w->seen, t->exact, t->exact_len) != FRS_OK) {
        w->oom = 1;
        return 1;
    }
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        lword_t *v = realloc(w->v, cap * sizeof *v);
        if (!v) {
            w->oom = 1;
            return 1;
        }
        w->v = v;
        w->cap = cap;
    }
    w->v[w->n] = (lword_t){t->start, t->end, 0, w->n};
    w->n++;
    return w->n >= FRS_LONGQ_MAX_WORDS;
}

/* Rarest first; unknown words (df 0) last; ties in query order. */
static int by_rarity(const void *a, const void *b)
{
    const lword_t *x = a, *y = b;
    unsigned long long dx = x->df ? x->df : ~0ULL, dy = y->df ? y->df : ~0ULL;
    if (dx != dy)
        return dx < dy ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int by_order(const void *a, const void *b)
{
    const lword_t *x = a, *y = b;
    return x->order < y->order ? -1 : x->order > y->order;
}

typedef struct {
    frs_xr_t *xr;
    unsigned long long df;
    frs_status_t rc;
} dfctx_t;

static int first_df(void *ctx, const frs_token_t *t)
{
    dfctx_t *d = ctx;
    if (t->flags & FRS_TOK_PART)
        return 0;
    d->rc = frs_xr_termfreq(d->xr, t->exact, t->exact_len, &d->df);
    return 1;
}

/* w->df: the articles holding w's exact form (the body term, unprefixed). */
static frs_status_t word_df(frs_analyzer_t *an, frs_xr_t *xr, const char *q,
                            lword_t *w)
{
    dfctx_t d = {xr, 0, FRS_OK};
    frs_status_t rc = frs_analyzer_run(an, q + w->start, w->end - w->start, 0,
                                       first_df, &d, NULL);
    w->df = d.df;
    return rc != FRS_OK ? rc : d.rc;
}

static char *join_spans(const char *q, const lword_t *v, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += v[i].end - v[i].start + 1;
    char *s = malloc(len), *p = s;
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (i)
            *p++ = ' ';
        memcpy(p, q + v[i].start, v[i].end - v[i].start);
        p += v[i].end - v[i].start;
    }
    *p = '\0';
    return s;
}

frs_status_t frs_longq_reduce(frs_analyzer_t *an, frs_xr_t *xr, const char *q,
                              size_t len, char **out)
{
    *out = NULL;
    lwords_t w = {0};
    frs_status_t rc = frs_strset_new(&w.seen);
    if (rc != FRS_OK)
        return rc;
    rc = frs_analyzer_run(an, q, len, 0, collect, &w, NULL);
    if (rc == FRS_OK && w.oom)
        rc = FRS_ENOMEM;
    frs_strset_free(w.seen);
    if (rc != FRS_OK || (len <= FRS_QUERY_MAX_BYTES && w.n <= FRS_LONGQ_KEEP)) {
        free(w.v);
        return rc;
    }
    for (size_t i = 0; i < w.n && rc == FRS_OK; i++)
        rc = word_df(an, xr, q, &w.v[i]);
    if (rc == FRS_OK) {
        size_t keep = w.n < FRS_LONGQ_KEEP ? w.n : FRS_LONGQ_KEEP;
        qsort(w.v, w.n, sizeof *w.v, by_rarity);
        qsort(w.v, keep, sizeof *w.v, by_order);
        *out = join_spans(q, w.v, keep);
        if (!*out)
            rc = FRS_ENOMEM;
    }
    free(w.v);
    return rc;
}
