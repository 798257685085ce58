/* SPDX-License-Identifier: MIT
 * output.h: presenting results: for a person (text, coloured on a
 * terminal), as one JSON document, and as lines for --batch (TREC run format
 * or JSON Lines).  JSON is built with jansson, never by pasting strings.
 *
 * Ownership: frs_results_json returns a new reference the caller decrefs.
 */
#ifndef FRS_OUTPUT_H
#define FRS_OUTPUT_H

#include <jansson.h>
#include <stdio.h>

#include "search.h"

typedef struct {
    int color;             /* ANSI colours and bold matches */
    int explain;           /* print the BM25 breakdown */
    size_t snippet_bytes;  /* 0: whole passage */
    const char *hl_pre, *hl_post; /* JSON snippet markers */
} frs_out_opts_t;

void frs_output_text(FILE *f, frs_searcher_t *s, const frs_results_t *r,
                     const frs_out_opts_t *o);

/* The whole result as a JSON object: query, estimated_total, took_ms,
 * offset, limit, hits[]. */
json_t *frs_results_json(frs_searcher_t *s, const char *q,
                         const frs_search_params_t *p, const frs_results_t *r,
                         const frs_out_opts_t *o);

/* One line per hit: qid Q0 docid rank score tag. */
void frs_output_trec(FILE *f, const char *qid, const frs_results_t *r,
                     int passages);

/* One JSON object on one line: {"qid", "took_ms", "hits": [...]}. */
void frs_output_batch_json(FILE *f, const char *qid, const frs_results_t *r);

#endif
