/* SPDX-License-Identifier: MIT
 * bm25.c: Xapian 1.4's BM25 term weight, for explanations.
 */
#include "bm25.h"

#include <math.h>

frs_bm25_part_t frs_bm25_term(const frs_bm25_params_t *p, double N, double n,
                              double wqf, double wdf, double doclen,
                              double avlen, double factor)
{
    frs_bm25_part_t r;
    double t = (N - n + 0.5) / (n + 0.5);
    if (t < 2)
        t = t * 0.5 + 1;
    r.idf = log(t);
    const double k3 = 1.0;
    double qpart = (k3 + 1) * wqf / (k3 + wqf);
    double lf = (avlen != 0 && !(p->b == 0 || p->k1 == 0)) ? doclen / avlen : 0;
    r.normlen = lf > p->min_normlen ? lf : p->min_normlen;
    double denom = p->k1 * (r.normlen * p->b + (1 - p->b)) + wdf;
    r.tf = denom > 0 ? (p->k1 + 1) * wdf / denom : 0;
    r.weight = factor * r.idf * qpart * r.tf;
    return r;
}
