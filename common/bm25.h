/* SPDX-License-Identifier: MIT
 * bm25.h: Xapian 1.4's BM25 formula (BM25Weight, no relevance set, k2 = 0)
 * in plain C, so --explain can break a score into per-term parts and tests
 * can check the parts add up to the score Xapian computed.
 *
 *   T   = (N - n + 0.5) / (n + 0.5);  if T < 2: T = T/2 + 1
 *   idf = log(T)
 *   L   = max(doclen / avlen, min_normlen)
 *   w   = factor * idf * (k3+1)wqf/(k3+wqf) * (k1+1) wdf / (k1(bL + 1-b) + wdf)
 */
#ifndef FRS_BM25_H
#define FRS_BM25_H

#include "frs.h"

FRS_BEGIN_DECLS

/* Defaults chosen by measurement: see docs/relevance.md. */
#define FRS_BM25_K1 0.3
#define FRS_BM25_B 0.5
#define FRS_BM25_MIN_NORMLEN 0.5

typedef struct {
    double k1, b, min_normlen;
} frs_bm25_params_t;

typedef struct {
    double idf;      /* log(T) after clamping */
    double tf;       /* (k1+1) wdf / (k1(bL+1-b) + wdf) */
    double normlen;  /* L */
    double weight;   /* factor * idf * wqf part * tf */
} frs_bm25_part_t;

/* One term's contribution to one document's score.  N: documents in the
 * collection; n: documents with the term; wqf: the term's query frequency
 * (1 for each leaf); factor: product of weight scalings above the term. */
frs_bm25_part_t frs_bm25_term(const frs_bm25_params_t *p, double N, double n,
                              double wqf, double wdf, double doclen,
                              double avlen, double factor);

FRS_END_DECLS

#endif
