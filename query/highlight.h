/* SPDX-License-Identifier: MIT
 * highlight.h: snippets of a passage, and titles, with what the query
 * matched marked.  The text is run through the shared analyzer and the
 * parsed query's highlight items (qparse.h) are looked for among its words,
 * so a mark means what matched:
 *  - a word: the same exact form, or the same stem (not for stop words);
 *    its spellings without hyphen or apostrophe ("weekend" marks
 *    "week-end") through the joined forms;
 *  - a prefix: the words whose exact form starts with it;
 *  - a phrase: its occurrences only, marked as one stretch ("Tour de
 *    France" does not mark every "de"); the parts of a compound typed in
 *    the query are such a phrase, so they are marked within the compound
 *    (or the same words in a row), never alone;
 *  - marks that overlap (a compound and one of its parts) are one mark.
 * Items asked for in the title only (title:) are marked in titles only.
 *
 * Ownership: the returned text is malloc'd and owned by the caller.
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
 * runs collapsed to one space, "…" where text was cut, and matches marked
 * (body items).  NULL when out of memory. */
char *frs_highlight(frs_analyzer_t *an, const char *text, size_t len,
                    const frs_parsed_t *p, const frs_hl_opts_t *o);

/* The title[0..len), whole (o->max_bytes is ignored), white space
 * collapsed, with the words the query matched in it marked: every item,
 * title: ones included.  For a hit's title_snippet.  NULL when out of
 * memory. */
char *frs_highlight_title(frs_analyzer_t *an, const char *title, size_t len,
                          const frs_parsed_t *p, const frs_hl_opts_t *o);

#endif
