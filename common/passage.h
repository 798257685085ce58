/* SPDX-License-Identifier: MIT
 * passage.h: splitting an article body into passages, the unit shown as a
 * hit's text and scored inside each article.
 *
 * Paragraphs (separated by blank lines) are never cut unless one alone is
 * longer than max_words: then it is cut at sentence ends (or, for one
 * endless sentence, between words) into pieces of at most max_words.
 * Consecutive paragraphs are merged into one passage until it holds at
 * least min_words, as long as it stays within max_words.  A heading (a
 * paragraph of at most FRS_PASSAGE_HEADING_WORDS words that does not end
 * like a sentence) always goes with the text after it, and a passage
 * shorter than min_words / 2 joins the one before when they fit together.  Words are runs of non-space bytes.
 *
 * Ownership: the span array is malloc'd and owned by the caller.
 */
#ifndef FRS_PASSAGE_H
#define FRS_PASSAGE_H

#include <stddef.h>
#include "frs.h"

FRS_BEGIN_DECLS

/* Defaults, chosen by measurement (docs/relevance.md). */
#define FRS_PASSAGE_MIN_WORDS 100
#define FRS_PASSAGE_MAX_WORDS 200
#define FRS_PASSAGE_HEADING_WORDS 12

typedef struct {
    unsigned min_words, max_words;
} frs_passage_opts_t;

typedef struct {
    size_t start, end; /* byte range of the passage in the body */
} frs_span_t;

/* Split body[0..len).  A body with no words yields zero passages.
 * Returns FRS_OK, FRS_EINVAL (max_words == 0 or min > max) or FRS_ENOMEM;
 * on failure *out = NULL, *n = 0.  opts may be NULL (the defaults). */
frs_status_t frs_passage_split(const char *body, size_t len,
                               const frs_passage_opts_t *opts,
                               frs_span_t **out, size_t *n);

FRS_END_DECLS

#endif
