/* SPDX-License-Identifier: MIT
 * highlight.h: snippets of a passage with the query's words marked, found by
 * running the shared analyzer over the stored passage text, so a word is
 * marked exactly when it matched (same exact form or same stem).
 *
 * Ownership: the returned snippet is malloc'd and owned by the caller.
 */
#ifndef FRS_HIGHLIGHT_H
#define FRS_HIGHLIGHT_H

#include <stddef.h>
#include "analyzer.h"
#include "qparse.h"

typedef struct {
    const char *pre, *post; /* put around each matched word */
    int html;               /* HTML-escape the text (markers are not) */
    size_t max_bytes;       /* snippet length (0: whole text) */
} frs_hl_opts_t;

#define FRS_HL_DEFAULT_BYTES 300

/* The best window of text[0..len) (most matched words), with white space
 * runs collapsed to one space, "…" where text was cut, and matches marked.
 * NULL when out of memory. */
char *frs_highlight(frs_analyzer_t *an, const char *text, size_t len,
                    const frs_parsed_t *p, const frs_hl_opts_t *o);

#endif
