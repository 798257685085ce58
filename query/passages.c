/* SPDX-License-Identifier: MIT
 * passages.c: passage scores from the positions of the query's words.
 */
#include "passages.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

/* The other forms of one query word found in the database. */
typedef struct {
    char *form[FRS_PSCORE_FORMS];
    unsigned long long tf[FRS_PSCORE_FORMS]; /* documents holding it */
    size_t n;
} forms_t;

/* The words a prefix of the query expands to in the database. */
typedef struct {
    char **v;
    size_t n, cap;
    unsigned long long df; /* the documents holding them, summed */
    int oom;
} expansion_t;

struct frs_pscorer {
    frs_xr_t *xr;
    frs_analyzer_t *an;
    const frs_parsed_t *p;
    double *idf;   /* per query word */
    forms_t *forms; /* per query word */
    expansion_t *exp; /* per query word (prefixes) */
};

/* Other forms of a word are looked for among the terms that start with
 * its stem, but for the stem's last letter when it is long (Snowball may
 * rewrite it: "chevaux" -> "cheval"): the length of that prefix.  A
 * shorter prefix would find a few more forms at the cost of stemming many
 * more terms for every query. */
static size_t stem_prefix(const char *stem)
{
    size_t sl = strlen(stem);
    return sl >= 6 ? sl - 1 : sl;
}

typedef struct {
    frs_pscorer_t *ps;
    const frs_qword_t *w;
    forms_t *f;
    frs_status_t rc;
} scan_t;

/* Lexicon callback: keep term if it is another form of the word, among
 * the FRS_PSCORE_FORMS most frequent. */
static int on_lex(void *ctx, const char *term, size_t len,
                  unsigned long long tf)
{
    scan_t *sc = ctx;
    forms_t *f = sc->f;
    if (strlen(sc->w->exact) == len && memcmp(sc->w->exact, term, len) == 0)
        return 0;
    if (f->n == FRS_PSCORE_FORMS && tf <= f->tf[f->n - 1])
        return 0;
    const char *st;
    size_t sl;
    sc->rc = frs_analyzer_stem(sc->ps->an, term, len, &st, &sl);
    if (sc->rc != FRS_OK)
        return 1;
    if (sl != strlen(sc->w->stem) || memcmp(st, sc->w->stem, sl) != 0)
        return 0;
    char *copy = strndup(term, len);
    if (!copy) {
        sc->rc = FRS_ENOMEM;
        return 1;
    }
    if (f->n == FRS_PSCORE_FORMS) /* drop the least frequent */
        free(f->form[--f->n]);
    size_t i = f->n++;
    /* insert by decreasing frequency */
    while (i > 0 && f->tf[i - 1] < tf) {
        f->form[i] = f->form[i - 1];
        f->tf[i] = f->tf[i - 1];
        i--;
    }
    f->form[i] = copy;
    f->tf[i] = tf;
    return 0;
}

/* The other forms of word w in the database, most frequent first. */
static frs_status_t find_forms(frs_pscorer_t *ps, const frs_qword_t *w,
                               forms_t *f)
{
    size_t pl = stem_prefix(w->stem);
    char prefix[256];
    if (pl == 0 || pl >= sizeof prefix)
        return FRS_OK;
    memcpy(prefix, w->stem, pl);
    prefix[pl] = '\0';
    scan_t sc = {ps, w, f, FRS_OK};
    frs_status_t rc = frs_xr_each_term(ps->xr, prefix, FRS_PSCORE_SCAN_MAX,
                                       on_lex, &sc);
    return rc != FRS_OK ? rc : sc.rc;
}

/* Lexicon callback: one more word a prefix expands to. */
static int on_expansion(void *ctx, const char *term, size_t len,
                        unsigned long long tf)
{
    expansion_t *e = ctx;
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 16;
        char **v = realloc(e->v, cap * sizeof *v);
        if (!v) {
            e->oom = 1;
            return 1;
        }
        e->v = v;
        e->cap = cap;
    }
    if (!(e->v[e->n] = strndup(term, len))) {
        e->oom = 1;
        return 1;
    }
    e->n++;
    e->df += tf;
    return 0;
}

/* The body words starting with prefix w->exact (at most as many as a
 * search accepts: it failed on more). */
static frs_status_t find_expansions(frs_pscorer_t *ps, const frs_qword_t *w,
                                    expansion_t *e)
{
    frs_status_t rc = frs_xr_each_term(ps->xr, w->exact, FRS_QP_PREFIX_MAX,
                                       on_expansion, e);
    return rc == FRS_OK && e->oom ? FRS_ENOMEM : rc;
}

/* The idf of a word held by df of the N articles (BM25's, never
 * negative). */
static double idf(double N, double df)
{
    return log1p((N - df + 0.5) / (df + 0.5));
}

frs_status_t frs_pscorer_new(frs_xr_t *xr, frs_analyzer_t *an,
                             const frs_parsed_t *p, frs_pscorer_t **out)
{
    *out = NULL;
    frs_pscorer_t *ps = calloc(1, sizeof *ps);
    if (!ps)
        return FRS_ENOMEM;
    ps->xr = xr;
    ps->an = an;
    ps->p = p;
    ps->idf = calloc(p->nqwords ? p->nqwords : 1, sizeof *ps->idf);
    ps->forms = calloc(p->nqwords ? p->nqwords : 1, sizeof *ps->forms);
    ps->exp = calloc(p->nqwords ? p->nqwords : 1, sizeof *ps->exp);
    frs_xr_stats_t st;
    frs_status_t rc = ps->idf && ps->forms && ps->exp ? frs_xr_stats(xr, &st)
                                                      : FRS_ENOMEM;
    for (size_t i = 0; rc == FRS_OK && i < p->nqwords; i++) {
        const frs_qword_t *w = &p->words[i];
        double N = (double)st.doccount;
        if (w->prefix) {
            rc = find_expansions(ps, w, &ps->exp[i]);
            double df = (double)ps->exp[i].df;
            if (df > N)
                df = N;
            ps->idf[i] = idf(N, df);
            continue;
        }
        char term[256];
        int n = w->stem[0] ? snprintf(term, sizeof term, "%s%s",
                                      FRS_PFX_STEM, w->stem)
                           : snprintf(term, sizeof term, "%s", w->exact);
        unsigned long long df = 0;
        if (n > 0 && (size_t)n < sizeof term)
            rc = frs_xr_termfreq(xr, term, (size_t)n, &df);
        ps->idf[i] = idf(N, (double)df);
        if (rc == FRS_OK && w->stem[0])
            rc = find_forms(ps, w, &ps->forms[i]);
    }
    if (rc != FRS_OK) {
        frs_pscorer_free(ps);
        return rc;
    }
    *out = ps;
    return FRS_OK;
}

void frs_pscorer_free(frs_pscorer_t *ps)
{
    if (!ps)
        return;
    for (size_t i = 0; ps->forms && i < ps->p->nqwords; i++)
        for (size_t k = 0; k < ps->forms[i].n; k++)
            free(ps->forms[i].form[k]);
    for (size_t i = 0; ps->exp && i < ps->p->nqwords; i++) {
        for (size_t k = 0; k < ps->exp[i].n; k++)
            free(ps->exp[i].v[k]);
        free(ps->exp[i].v);
    }
    free(ps->exp);
    free(ps->forms);
    free(ps->idf);
    free(ps);
}

/* Occurrences of the query's words in one document, by passage:
 * tf[k * np + p] for word k and passage p. */
typedef struct {
    frs_pscorer_t *ps;
    unsigned docid;
    const frs_docinfo_t *d;
    double *tf;
    frs_status_t rc;
} occ_t;

/* The passage holding position pos: the last one starting at or before. */
static size_t passage_of(const frs_docinfo_t *d, unsigned pos)
{
    size_t lo = 0, hi = d->npassages;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->passages[mid].pos <= pos)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Count the occurrences of form term[0..len) for word k with weight wt. */
static void count_form(occ_t *o, size_t k, const char *term, size_t len,
                       double wt)
{
    unsigned *pos = NULL;
    size_t n = 0;
    o->rc = frs_xr_positions(o->ps->xr, o->docid, term, len, &pos, &n);
    double *tf = o->tf + k * o->d->npassages;
    for (size_t i = 0; i < n; i++)
        tf[passage_of(o->d, pos[i])] += wt;
    free(pos);
}

frs_status_t frs_pscorer_run(frs_pscorer_t *ps, unsigned docid,
                             const frs_docinfo_t *d, double *scores)
{
    size_t np = d->npassages, nw = ps->p->nqwords;
    for (size_t i = 0; i < np; i++)
        scores[i] = 0;
    if (np == 0 || nw == 0)
        return FRS_OK;
    double *tf = calloc(np * nw, sizeof *tf);
    if (!tf)
        return FRS_ENOMEM;
    /* the exact form, from its positions; when the article lacks it (it
     * matched through the stem), the word's other forms */
    occ_t o = {ps, docid, d, tf, FRS_OK};
    for (size_t k = 0; o.rc == FRS_OK && k < nw; k++) {
        const frs_qword_t *w = &ps->p->words[k];
        double *t = tf + k * np, sum = 0;
        if (w->prefix) {
            const expansion_t *e = &ps->exp[k];
            for (size_t j = 0; o.rc == FRS_OK && j < e->n; j++)
                count_form(&o, k, e->v[j], strlen(e->v[j]), 1.0);
            continue;
        }
        count_form(&o, k, w->exact, strlen(w->exact), 1.0);
        for (size_t i = 0; i < np; i++)
            sum += t[i];
        const forms_t *f = &ps->forms[k];
        for (size_t j = 0; sum == 0 && o.rc == FRS_OK && j < f->n; j++)
            count_form(&o, k, f->form[j], strlen(f->form[j]),
                       FRS_PSCORE_STEM_WEIGHT);
    }
    frs_status_t rc = o.rc;
    for (size_t k = 0; rc == FRS_OK && k < nw; k++)
        for (size_t i = 0; i < np; i++) {
            double t = tf[k * np + i];
            if (t > 0)
                scores[i] += ps->idf[k] * t * (1 + FRS_PSCORE_K) /
                             (t + FRS_PSCORE_K);
        }
    free(tf);
    return rc;
}

/* Title analysis callback: which query words the title holds. */
typedef struct {
    frs_pscorer_t *ps;
    double *tf; /* per word */
} title_t;

static int on_title_token(void *ctx, const frs_token_t *t)
{
    title_t *c = ctx;
    const frs_parsed_t *p = c->ps->p;
    for (size_t k = 0; k < p->nqwords; k++) {
        const frs_qword_t *w = &p->words[k];
        size_t wl = strlen(w->exact);
        if (w->prefix) {
            if (t->exact_len >= wl && memcmp(w->exact, t->exact, wl) == 0)
                c->tf[k] += 1.0;
        } else if (wl == t->exact_len &&
                   memcmp(w->exact, t->exact, t->exact_len) == 0) {
            c->tf[k] += 1.0;
        } else if (w->stem[0] && strlen(w->stem) == t->stem_len &&
                   memcmp(w->stem, t->stem, t->stem_len) == 0) {
            c->tf[k] += FRS_PSCORE_STEM_WEIGHT;
        }
    }
    return 0;
}

frs_status_t frs_pscorer_title(frs_pscorer_t *ps, const frs_docinfo_t *d,
                               double *score)
{
    *score = 0;
    size_t nw = ps->p->nqwords;
    if (!d->title || nw == 0)
        return FRS_OK;
    double *tf = calloc(nw, sizeof *tf);
    if (!tf)
        return FRS_ENOMEM;
    title_t c = {ps, tf};
    frs_status_t rc = frs_analyzer_run(ps->an, d->title, strlen(d->title), 0,
                                       on_title_token, &c, NULL);
    for (size_t k = 0; rc == FRS_OK && k < nw; k++)
        if (tf[k] > 0)
            *score += ps->idf[k] * tf[k] * (1 + FRS_PSCORE_K) /
                      (tf[k] + FRS_PSCORE_K);
    free(tf);
    return rc;
}

size_t frs_pscore_best(const double *scores, size_t n, size_t *matching)
{
    size_t best = 0, m = 0;
    for (size_t i = 0; i < n; i++) {
        if (scores[i] > 0)
            m++;
        if (scores[i] > scores[best])
            best = i;
    }
    if (matching)
        *matching = m;
    return best;
}
