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

/* Flags for json_dumpf of the documents below: numbers are rounded when
 * they are built (scores to 4 decimals, the parts of --explain to 6, as
 * its text, times to 3), and printed with no more digits than that. */
#define FRS_OUT_JSON_FLAGS JSON_REAL_PRECISION(12)

/* Scores, explain parts and times as JSON numbers, rounded to 4, 6 and 3
 * decimals. */
json_t *frs_json_score(double v);
json_t *frs_json_explain(double v);
json_t *frs_json_ms(double v);

/* One block per hit: rank, title (its matched words marked when in
 * colour), score; date, url or id, the passage shown, the other matching
 * passages of the article (« + 2 autres passages ») or that it was found
 * by its title only; the snippet. */
void frs_output_text(FILE *f, frs_searcher_t *s, const frs_results_t *r,
                     const frs_out_opts_t *o);

/* The whole result as a JSON object: query, estimated_total, took_ms,
 * offset, limit, hits[] (each with its snippet, its title_snippet and
 * title_only when no passage holds a query word). */
json_t *frs_results_json(frs_searcher_t *s, const char *q,
                         const frs_search_params_t *p, const frs_results_t *r,
                         const frs_out_opts_t *o);

/* One line per hit: qid Q0 docid rank score tag. */
void frs_output_trec(FILE *f, const char *qid, const frs_results_t *r,
                     int passages);

/* One JSON object on one line: {"qid", "took_ms", "hits": [...]}. */
void frs_output_batch_json(FILE *f, const char *qid, const frs_results_t *r);

#endif
