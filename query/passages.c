/* SPDX-License-Identifier: MIT
 * passages.c: passage scores from the positions of the query's words.
 */
#include "passages.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

struct frs_pscorer {
    frs_xr_t *xr;
    frs_analyzer_t *an;
    const frs_parsed_t *p;
    double *idf; /* per query word */
};

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
    frs_xr_stats_t st;
    frs_status_t rc = ps->idf ? frs_xr_stats(xr, &st) : FRS_ENOMEM;
    for (size_t i = 0; rc == FRS_OK && i < p->nqwords; i++) {
        const frs_qword_t *w = &p->words[i];
        char term[256];
        int n = w->stem[0] ? snprintf(term, sizeof term, "%s%s",
                                      FRS_PFX_STEM, w->stem)
                           : snprintf(term, sizeof term, "%s", w->exact);
        unsigned long long df = 0;
        if (n > 0 && (size_t)n < sizeof term)
            rc = frs_xr_termfreq(xr, term, (size_t)n, &df);
        double N = (double)st.doccount;
        ps->idf[i] = log(1.0 + (N - (double)df + 0.5) / ((double)df + 0.5));
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
    free(ps->idf);
    free(ps);
}

/* Occurrences of the words, by passage: tf[p] for one word. */
typedef struct {
    frs_pscorer_t *ps;
    unsigned docid;
    const frs_docinfo_t *d;
    const frs_qword_t *w;
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

/* Count the occurrences of form term[0..len) with weight wt. */
static void count_form(occ_t *o, const char *term, size_t len, double wt)
{
    unsigned *pos = NULL;
    size_t n = 0;
    o->rc = frs_xr_positions(o->ps->xr, o->docid, term, len, &pos, &n);
    for (size_t i = 0; i < n; i++)
        o->tf[passage_of(o->d, pos[i])] += wt;
    free(pos);
}

/* Document term callback: another form of the word, if it has its stem. */
static int other_form(void *ctx, const char *term, size_t len, unsigned wdf)
{
    occ_t *o = ctx;
    (void)wdf;
    if (strlen(o->w->exact) == len && memcmp(o->w->exact, term, len) == 0)
        return 0;
    const char *st;
    size_t sl;
    o->rc = frs_analyzer_stem(o->ps->an, term, len, &st, &sl);
    if (o->rc == FRS_OK && sl == strlen(o->w->stem) &&
        memcmp(st, o->w->stem, sl) == 0)
        count_form(o, term, len, FRS_PSCORE_STEM_WEIGHT);
    return o->rc != FRS_OK;
}

/* Occurrences of word w in each passage, into o->tf.  Other forms are
 * looked for among the document's terms that share the stem's first
 * letters (Snowball may rewrite the last two: "chevaux" -> "cheval"). */
static frs_status_t count_word(occ_t *o, const frs_qword_t *w)
{
    o->w = w;
    count_form(o, w->exact, strlen(w->exact), 1.0);
    size_t sl = strlen(w->stem);
    if (o->rc != FRS_OK || sl == 0 || o->d->npassages == 0)
        return o->rc;
    char prefix[256];
    size_t pl = sl > 5 ? sl - 2 : sl > 3 ? 3 : sl;
    if (pl >= sizeof prefix)
        return FRS_OK;
    memcpy(prefix, w->stem, pl);
    prefix[pl] = '\0';
    frs_status_t rc = frs_xr_doc_terms(o->ps->xr, o->docid, prefix,
                                       other_form, o);
    return rc != FRS_OK ? rc : o->rc;
}

frs_status_t frs_pscorer_run(frs_pscorer_t *ps, unsigned docid,
                             const frs_docinfo_t *d, double *scores)
{
    size_t np = d->npassages;
    for (size_t i = 0; i < np; i++)
        scores[i] = 0;
    if (np == 0 || ps->p->nqwords == 0)
        return FRS_OK;
    double *tf = malloc(np * sizeof *tf);
    if (!tf)
        return FRS_ENOMEM;
    occ_t o = {ps, docid, d, NULL, tf, FRS_OK};
    frs_status_t rc = FRS_OK;
    for (size_t k = 0; rc == FRS_OK && k < ps->p->nqwords; k++) {
        for (size_t i = 0; i < np; i++)
            tf[i] = 0;
        rc = count_word(&o, &ps->p->words[k]);
        for (size_t i = 0; rc == FRS_OK && i < np; i++)
            if (tf[i] > 0)
                scores[i] += ps->idf[k] * tf[i] * (1 + FRS_PSCORE_K) /
                             (tf[i] + FRS_PSCORE_K);
    }
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
