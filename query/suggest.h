/* SPDX-License-Identifier: MIT
 * suggest.h: "Essayez avec l'orthographe …": a corrected query for queries
 * holding words the index does not know, from the spelling dictionary the
 * indexer writes (accent-free exact forms of body words).  A correction is
 * offered only when the corrected query finds something.
 *
 * Ownership: the suggestion is malloc'd and owned by the caller.
 */
#ifndef FRS_SUGGEST_H
#define FRS_SUGGEST_H

#include <stddef.h>
#include "search.h"

/* Words shorter than this (bytes of the exact form) are never corrected. */
#define FRS_SUGGEST_MIN_BYTES 4
/* From this length on, two edits are allowed instead of one. */
#define FRS_SUGGEST_TWO_EDITS_BYTES 8

/* Suggest a correction of the query q[0..len).
 *
 * A word is unknown when neither its exact form nor its stem occurs in any
 * body or title (so another inflection of a known word is never "corrected"),
 * it is not a stop word or a number, and it is at least
 * FRS_SUGGEST_MIN_BYTES long.  Operators (OR, AND, NOT), prefixes ("vél*")
 * and excluded words ("-mot", "NOT mot") are left as typed; the words of
 * a quoted phrase are checked.  Each unknown word with a spelling correction
 * (one edit, two from FRS_SUGGEST_TWO_EDITS_BYTES) is replaced in place, in
 * the spelling found in the indexed text ("eglize" -> "église"): quotes,
 * signs, field names and elisions stay as typed.  The corrected query is
 * then run with p's filters (dates, articles); it is offered only if it
 * finds at least one passage.
 *
 * *out receives the corrected query (malloc'd) or NULL when no suggestion
 * helps.  Returns FRS_OK, FRS_ENOMEM, or a database status (the reader's
 * message in frs_xr_errmsg(frs_searcher_reader(s))); *out is NULL on
 * failure.  An invalid query is not an error: no suggestion. */
frs_status_t frs_suggest(frs_searcher_t *s, const char *q, size_t len,
                         const frs_search_params_t *p, char **out);

#endif
