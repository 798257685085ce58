/* SPDX-License-Identifier: MIT
 * passages.h: which passages of an article hold the query's words, read
 * from the positions in the index (the text is not analysed again).  Each
 * passage gets a score: the sum over the query's body words of the word's
 * idf times a saturating function of its occurrences in the passage, where
 * the exact form counts 1 and another form with the same stem
 * FRS_PSCORE_STEM_WEIGHT; for a prefix (qparse.h), every word it expands
 * to counts 1 and its idf is that of all of them together.  The best passage is the one shown for a hit.
 *
 * Ownership: a scorer borrows the reader, the analyzer and the parsed
 * query, which must outlive it.
 */
#ifndef FRS_PASSAGES_H
#define FRS_PASSAGES_H

#include "analyzer.h"
#include "docdata.h"
#include "qparse.h"
#include "xdb.h"

#define FRS_PSCORE_STEM_WEIGHT 0.7
#define FRS_PSCORE_K 0.5 /* saturation: occurrences tf count tf(1+K)/(tf+K) */
#define FRS_PSCORE_FORMS 8       /* other forms kept per word */
#define FRS_PSCORE_SCAN_MAX 512 /* terms read to find them */

typedef struct frs_pscorer frs_pscorer_t;

/* Prepare the scoring of passages for query p: each word's idf from xr's
 * statistics.  FRS_OK, FRS_ENOMEM or a reader error (message on xr). */
frs_status_t frs_pscorer_new(frs_xr_t *xr, frs_analyzer_t *an,
                             const frs_parsed_t *p, frs_pscorer_t **out);
void frs_pscorer_free(frs_pscorer_t *ps);

/* scores[0..d->npassages) for the passages of document docid, whose data
 * is d.  A passage holding no query word scores 0. */
frs_status_t frs_pscorer_run(frs_pscorer_t *ps, unsigned docid,
                             const frs_docinfo_t *d, double *scores);

/* The same score for the article's title, as if it were one more
 * passage (its text is analysed: a title is short). */
frs_status_t frs_pscorer_title(frs_pscorer_t *ps, const frs_docinfo_t *d,
                               double *score);

/* Index of the best passage (the first of the highest scores; 0 when none
 * scores), and in *matching (may be NULL) the number that score. */
size_t frs_pscore_best(const double *scores, size_t n, size_t *matching);

#endif
