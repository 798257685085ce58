/* SPDX-License-Identifier: MIT
 * explain.h: --explain: the query tree evaluated again on one document with
 * the BM25 formula of bm25.h, term by term, so that each matching term's
 * part is shown and the parts add up to the score Xapian gave the document.
 * Phrases are checked against the positions stored in the index.
 *
 * Ownership: the parts belong to the frs_explained_t until
 * frs_explained_clear().
 */
#ifndef FRS_EXPLAIN_H
#define FRS_EXPLAIN_H

#include "bm25.h"
#include "qtree.h"
#include "xdb.h"

typedef struct {
    char *term;              /* with its prefix */
    double factor;           /* scaling applied above the term */
    unsigned wdf;
    unsigned long long termfreq;
    frs_bm25_part_t part;
} frs_explain_t;

typedef struct {
    frs_explain_t *parts;
    size_t n;
    double sum;              /* the BM25 score: the sum of the parts */
    unsigned long long doclen;
} frs_explained_t;

/* Evaluate q on document docid of xr with BM25 parameters p.  FRS_OK,
 * FRS_ENOMEM or a reader error (message on xr); on failure *out is
 * cleared. */
frs_status_t frs_explain(frs_xr_t *xr, const frs_bm25_params_t *p,
                         const frs_qnode_t *q, unsigned docid,
                         frs_explained_t *out);

void frs_explained_clear(frs_explained_t *e);

#endif
