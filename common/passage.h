/* SPDX-License-Identifier: MIT
 * passage.h: splitting an article body into passages, the unit BM25 ranks.
 *
 * Paragraphs (separated by blank lines) are the starting point.  A paragraph
 * longer than max_words is cut at sentence ends (or, for one endless
 * sentence, between words) into pieces of at most max_words; consecutive
 * pieces shorter than min_words are merged while the result stays within
 * max_words.  With overlap_words > 0 every passage but the first also starts
 * that many words before its own first word, so a phrase cut at a boundary is
 * still found whole.  Words are runs of non-space bytes.
 *
 * Ownership: the span array is malloc'd and owned by the caller.
 */
#ifndef FRS_PASSAGE_H
#define FRS_PASSAGE_H

#include <stddef.h>
#include "frs.h"

FRS_BEGIN_DECLS

/* Defaults, chosen by measurement (docs/relevance.md). */
#define FRS_PASSAGE_MIN_WORDS 0
#define FRS_PASSAGE_MAX_WORDS 180
#define FRS_PASSAGE_OVERLAP_WORDS 0

typedef struct {
    unsigned min_words, max_words, overlap_words;
} frs_passage_opts_t;

typedef struct {
    size_t start, end; /* byte range of the passage in the body */
} frs_span_t;

/* Split body[0..len).  A body with no words yields zero passages.
 * Returns FRS_OK, FRS_EINVAL (max_words == 0 or min > max) or FRS_ENOMEM;
 * on failure *out = NULL, *n = 0. */
frs_status_t frs_passage_split(const char *body, size_t len,
                               const frs_passage_opts_t *opts,
                               frs_span_t **out, size_t *n);

FRS_END_DECLS

#endif
