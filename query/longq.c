/* SPDX-License-Identifier: MIT
 * longq.c: a long query searched as its rarest words (longq.h).
 */
#include "longq.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "qparse.h"
#include "strset.h"

typedef struct {
    size_t start, end;       /* span in the query */
    size_t exact, exact_len; /* the exact form, in lwords_t.forms */
    unsigned long long df;   /* articles holding the exact form */
    size_t order;            /* rank of first occurrence */
} lword_t;

typedef struct {
    lword_t *v;
    size_t n, cap;
    frs_strset_t *seen; /* exact forms already collected */
    frs_buf_t forms;    /* their bytes, one after the other */
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
    size_t at = w->forms.len;
    frs_buf_append(&w->forms, t->exact, t->exact_len);
    w->v[w->n] = (lword_t){t->start, t->end, at, t->exact_len, 0, w->n};
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

/* The spans of v[0..n) in q, joined by spaces; NULL when out of memory. */
static char *join_spans(const char *q, const lword_t *v, size_t n)
{
    frs_buf_t b = FRS_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i)
            frs_buf_putc(&b, ' ');
        frs_buf_append(&b, q + v[i].start, v[i].end - v[i].start);
    }
    return frs_buf_release(&b);
}

frs_status_t frs_longq_reduce(frs_analyzer_t *an, frs_xr_t *xr, const char *q,
                              size_t len, char **out)
{
    *out = NULL;
    lwords_t w = {.forms = FRS_BUF_INIT};
    frs_status_t rc = frs_strset_new(&w.seen);
    if (rc != FRS_OK)
        return rc;
    rc = frs_analyzer_run(an, q, len, 0, collect, &w, NULL);
    if (rc == FRS_OK && w.oom)
        rc = FRS_ENOMEM;
    frs_strset_free(w.seen);
    if (rc == FRS_OK)
        rc = w.forms.rc;
    int is_long = len > FRS_QUERY_MAX_BYTES || w.n > FRS_LONGQ_KEEP;
    for (size_t i = 0; rc == FRS_OK && is_long && i < w.n; i++)
        rc = frs_xr_termfreq(xr, w.forms.data + w.v[i].exact,
                             w.v[i].exact_len, &w.v[i].df);
    if (rc == FRS_OK && is_long) {
        size_t keep = w.n < FRS_LONGQ_KEEP ? w.n : FRS_LONGQ_KEEP;
        qsort(w.v, w.n, sizeof *w.v, by_rarity);
        qsort(w.v, keep, sizeof *w.v, by_order);
        *out = join_spans(q, w.v, keep);
        if (!*out)
            rc = FRS_ENOMEM;
    }
    frs_buf_free(&w.forms);
    free(w.v);
    return rc;
}
