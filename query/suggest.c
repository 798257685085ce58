/* SPDX-License-Identifier: MIT
 * suggest.c: spelling suggestions for whole queries.  The query is analysed
 * with the shared analyzer; unknown words are looked up in Xapian's spelling
 * dictionary, written back in the spelling the indexed text uses, and the
 * corrected query is kept only if it finds something.
 */
#include "suggest.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "analyzer.h"
#include "buf.h"
#include "schema.h"

/* A query word: its place in the query and its analysed forms. */
typedef struct {
    size_t start, end;
    char *exact, *stem;
    unsigned flags;
} qword_t;

typedef struct {
    qword_t *v;
    size_t n, cap;
    int oom;
} qwords_t;

static int collect_word(void *ctx, const frs_token_t *t)
{
    qwords_t *w = ctx;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 16;
        qword_t *v = realloc(w->v, cap * sizeof *v);
        if (!v) {
            w->oom = 1;
            return 1;
        }
        w->v = v;
        w->cap = cap;
    }
    qword_t *q = &w->v[w->n];
    q->start = t->start;
    q->end = t->end;
    q->flags = t->flags;
    q->exact = strndup(t->exact, t->exact_len);
    q->stem = strndup(t->stem, t->stem_len);
    if (!q->exact || !q->stem) {
        free(q->exact);
        free(q->stem);
        w->oom = 1;
        return 1;
    }
    w->n++;
    return 0;
}

static void qwords_free(qwords_t *w)
{
    for (size_t i = 0; i < w->n; i++) {
        free(w->v[i].exact);
        free(w->v[i].stem);
    }
    free(w->v);
}

/* Number of passages holding prefix + word. */
static frs_status_t freq(frs_xr_t *xr, const char *prefix, const char *word,
                         unsigned long long *n)
{
    frs_buf_t b = FRS_BUF_INIT;
    frs_buf_puts(&b, prefix);
    frs_buf_puts(&b, word);
    frs_status_t rc = b.rc;
    if (rc == FRS_OK)
        rc = frs_xr_termfreq(xr, b.data, b.len, n);
    frs_buf_free(&b);
    return rc;
}

/* *known = 1 if the word's exact form or stem is in a body or a title. */
static frs_status_t is_known(frs_xr_t *xr, const qword_t *w, int *known)
{
    const char *pfx[4] = {"", FRS_PFX_STEM, FRS_PFX_TITLE, FRS_PFX_TITLE_STEM};
    const char *form[4] = {w->exact, w->stem, w->exact, w->stem};
    *known = 0;
    for (int i = 0; i < 4; i++) {
        unsigned long long n = 0;
        frs_status_t rc = freq(xr, pfx[i], form[i], &n);
        if (rc != FRS_OK)
            return rc;
        if (n > 0) {
            *known = 1;
            break;
        }
    }
    return FRS_OK;
}

/* Is q[start..end) the operator word op (capitals, as the parser reads
 * it: qparse.h)? */
static int is_word(const char *q, size_t start, size_t end, const char *op)
{
    return end - start == strlen(op) && memcmp(q + start, op, end - start) == 0;
}

/* Is the word at q[start..) excluded: "-mot", or after NOT? */
static int excluded(const char *q, size_t start)
{
    size_t i = start;
    if (i > 0 && q[i - 1] == '-' && (i == 1 || q[i - 2] == ' ' ||
                                      q[i - 2] == '(' || q[i - 2] == '"'))
        return 1;
    while (i > 0 && (q[i - 1] == ' ' || q[i - 1] == '('))
        i--;
    return i >= 3 && is_word(q, i - 3, i, "NOT") &&
           (i == 3 || q[i - 4] == ' ' || q[i - 4] == '(');
}

/* Words worth checking: not stop words, numbers, hashed long words or whole
 * compounds (their parts are checked), not a field name ("title:"), not an
 * operator (OR, AND, NOT), not a prefix ("cycl*": not a word of its own)
 * and not an excluded word (-mot, NOT mot: correcting it would change what
 * is left out, not what is found).  Words of a quoted phrase are checked;
 * the quotes stay. */
static int checkable(const char *q, size_t len, const qword_t *w)
{
    if (w->flags & (FRS_TOK_STOP | FRS_TOK_NUMBER | FRS_TOK_HASHED |
                    FRS_TOK_COMPOUND))
        return 0;
    size_t n = strlen(w->exact);
    if (n < FRS_SUGGEST_MIN_BYTES)
        return 0;
    if (w->end < len && q[w->end] == ':' &&
        (strcmp(w->exact, "title") == 0 || strcmp(w->exact, "titre") == 0))
        return 0;
    if (w->end < len && q[w->end] == '*')
        return 0;
    if (is_word(q, w->start, w->end, "OR") ||
        is_word(q, w->start, w->end, "AND") ||
        is_word(q, w->start, w->end, "NOT"))
        return 0;
    return !excluded(q, w->start);
}

static int starts_upper(const char *s, size_t n)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s,
                                          (utf8proc_ssize_t)n, &cp);
    return k > 0 && utf8proc_category(cp) == UTF8PROC_CATEGORY_LU;
}

typedef struct {
    const char *text;
    const char *want;
    size_t want_len;
    size_t start, end; /* best occurrence so far (end == 0: none) */
    int lower;         /* it starts with a lower-case letter */
} surface_t;

static int find_surface(void *ctx, const frs_token_t *t)
{
    surface_t *f = ctx;
    if (t->exact_len != f->want_len || memcmp(t->exact, f->want, f->want_len))
        return 0;
    int lower = !starts_upper(f->text + t->start, t->end - t->start);
    if (f->end == 0 || (lower && !f->lower)) {
        f->start = t->start;
        f->end = t->end;
        f->lower = lower;
    }
    return f->lower; /* a lower-case occurrence is the best there is */
}

/* The spelling of the exact form word as written in the indexed text
 * ("eglise" -> "église"), preferring a lower-case occurrence; a copy of
 * word itself when no passage shows it. */
static frs_status_t surface_form(frs_searcher_t *s, const char *word,
                                 char **out)
{
    *out = NULL;
    frs_search_params_t p;
    frs_search_params_init(&p);
    p.limit = 5;
    frs_results_t *r = NULL;
    char *err = NULL;
    frs_status_t rc = frs_searcher_run(s, word, strlen(word), &p, &r, &err);
    free(err);
    if (rc == FRS_EINVAL)
        rc = FRS_OK;
    if (rc != FRS_OK)
        return rc;
    char *best = NULL;
    int best_lower = 0;
    for (size_t i = 0; r && i < r->n && !best_lower; i++) {
        size_t lens[2] = {0, 0};
        const char *texts[2] = {frs_hit_text(&r->hits[i], &lens[0]),
                                r->hits[i].info.title};
        if (texts[1])
            lens[1] = strlen(texts[1]);
        for (int k = 0; k < 2 && !best_lower; k++) {
            if (!texts[k])
                continue;
            surface_t f = {texts[k], word, strlen(word), 0, 0, 0};
            if (frs_analyzer_run(frs_searcher_analyzer(s), texts[k],
                                 lens[k], 0, find_surface, &f,
                                 NULL) != FRS_OK) {
                rc = FRS_ENOMEM;
                break;
            }
            if (f.end > 0 && (!best || (f.lower && !best_lower))) {
                free(best);
                best = strndup(texts[k] + f.start, f.end - f.start);
                best_lower = f.lower;
                if (!best) {
                    rc = FRS_ENOMEM;
                    break;
                }
            }
        }
        if (rc != FRS_OK)
            break;
    }
    frs_results_free(r);
    if (rc == FRS_OK && !best && !(best = strdup(word)))
        rc = FRS_ENOMEM;
    if (rc != FRS_OK) {
        free(best);
        return rc;
    }
    *out = best;
    return FRS_OK;
}

/* Does q find anything with p's filters? */
static frs_status_t finds_something(frs_searcher_t *s, const char *q,
                                    size_t len, const frs_search_params_t *p,
                                    int *found)
{
    frs_search_params_t p1 = *p;
    p1.offset = 0;
    p1.limit = 1;
    p1.explain = 0;
    p1.facet_months = 0;
    frs_results_t *r = NULL;
    char *err = NULL;
    frs_status_t rc = frs_searcher_run(s, q, len, &p1, &r, &err);
    free(err);
    *found = rc == FRS_OK && r->n > 0;
    frs_results_free(r);
    return rc == FRS_EINVAL ? FRS_OK : rc;
}

frs_status_t frs_suggest(frs_searcher_t *s, const char *q, size_t len,
                         const frs_search_params_t *p, char **out)
{
    *out = NULL;
    if (len > FRS_QUERY_MAX_BYTES)
        return FRS_OK;
    frs_xr_t *xr = frs_searcher_reader(s);
    qwords_t w = {0};
    frs_status_t rc = frs_analyzer_run(frs_searcher_analyzer(s), q, len, 0,
                                       collect_word, &w, NULL);
    if (rc == FRS_OK && w.oom)
        rc = FRS_ENOMEM;
    frs_buf_t b = FRS_BUF_INIT;
    size_t copied = 0; /* q[0..copied) is in b */
    int changed = 0;
    for (size_t i = 0; rc == FRS_OK && i < w.n; i++) {
        const qword_t *qw = &w.v[i];
        /* parts of a compound come after it, in order; skip overlaps */
        if (!checkable(q, len, qw) || qw->start < copied)
            continue;
        int known = 0;
        rc = is_known(xr, qw, &known);
        if (rc != FRS_OK || known)
            continue;
        size_t n = strlen(qw->exact);
        char *fix = NULL;
        rc = frs_xr_spelling(xr, qw->exact, n,
                             n >= FRS_SUGGEST_TWO_EDITS_BYTES ? 2 : 1, &fix);
        if (rc != FRS_OK || !fix)
            continue;
        char *shown = NULL;
        if (strcmp(fix, qw->exact) != 0)
            rc = surface_form(s, fix, &shown);
        free(fix);
        if (rc != FRS_OK || !shown)
            continue;
        frs_buf_append(&b, q + copied, qw->start - copied);
        frs_buf_puts(&b, shown);
        copied = qw->end;
        changed = 1;
        free(shown);
    }
    qwords_free(&w);
    if (rc != FRS_OK || !changed) {
        frs_buf_free(&b);
        return rc;
    }
    frs_buf_append(&b, q + copied, len - copied);
    if (b.rc != FRS_OK) {
        frs_buf_free(&b);
        return FRS_ENOMEM;
    }
    int found = 0;
    rc = finds_something(s, b.data, b.len, p, &found);
    if (rc == FRS_OK && found)
        *out = frs_buf_release(&b);
    frs_buf_free(&b);
    return rc;
}
