/* SPDX-License-Identifier: MIT
 * qparse.h: the query language, turned into a frs_qnode_t tree with the same
 * analyzer the indexer uses.
 *
 *   mots simples        ranked OR: passages matching more, rarer words first
 *   "une phrase"        the words adjacent, in order, exact forms
 *   +mot  +"phrase"     required
 *   -mot  -"phrase"     excluded
 *   title:mot  title:"phrase"   (also titre:) in the article title only
 *
 * A plain word matches its exact form (accents and case folded) and, through
 * its Snowball stem, its other inflections; the exact form adds weight
 * (exact_boost), and a match in the title adds title_weight times the stem
 * weight.  Stop words are left out of plain words (unless the query has
 * nothing else) but kept inside phrases.
 *
 * Ownership: a frs_parsed_t owns its tree and highlight lists.
 */
#ifndef FRS_QPARSE_H
#define FRS_QPARSE_H

#include <stddef.h>
#include "analyzer.h"
#include "frs.h"
#include "qtree.h"

/* Defaults chosen by measurement: see docs/relevance.md. */
#define FRS_QP_EXACT_BOOST 0.7
#define FRS_QP_TITLE_WEIGHT 0.7
#define FRS_QUERY_MAX_BYTES 1024
#define FRS_QUERY_MAX_WORDS 64

typedef struct {
    double exact_boost;  /* factor on exact-form terms */
    double title_weight; /* factor on title stem terms of plain words */
} frs_qparse_opts_t;

typedef struct {
    char **v;
    size_t n, cap;
} frs_strlist_t;

/* A body word of the query, for finding the passages that hold it. */
typedef struct {
    char *exact;          /* exact form (no prefix) */
    char *stem;           /* its stem, "" when only the exact form counts
                             (stop words, words of a phrase) */
} frs_qword_t;

typedef struct {
    frs_qnode_t *query;   /* owned */
    frs_strlist_t exact;  /* exact forms to highlight (no prefix) */
    frs_strlist_t stems;  /* stems to highlight (no prefix) */
    unsigned nwords;      /* words kept in the query */
    frs_qword_t *words;   /* distinct body words searched for (not excluded,
                             not title:), in query order */
    size_t nqwords, qwords_cap;
} frs_parsed_t;

/* Parse q[0..len).  FRS_OK; FRS_EINVAL with *errmsg (malloc'd) for an empty
 * query, a query of only excluded words, or one over the limits;
 * FRS_ENOMEM.  On failure *out = NULL. */
frs_status_t frs_qparse(frs_analyzer_t *an, const char *q, size_t len,
                        const frs_qparse_opts_t *o, frs_parsed_t **out,
                        char **errmsg);

void frs_parsed_free(frs_parsed_t *p);

/* Non-zero if s[0..n) is in the list. */
int frs_strlist_has(const frs_strlist_t *l, const char *s, size_t n);

#endif
