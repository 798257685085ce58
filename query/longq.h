/* SPDX-License-Identifier: MIT
 * longq.h: a long query read as text.  A query pasted from an article (a
 * paragraph, a whole page) is not written in the query language: its
 * quotes, dashes and parentheses are punctuation, and searching all of its
 * hundreds of words costs seconds while its rarest words alone find it.
 * So a query longer than FRS_QUERY_MAX_BYTES, or holding more than
 * FRS_LONGQ_KEEP distinct words that are not stop words, is searched as
 * its FRS_LONGQ_KEEP rarest words in the index (fewest articles), in the
 * order they come, with no operator.  A query of up to FRS_QUERY_MAX_TEXT
 * bytes can be read so; a longer one is refused by the caller.
 *
 * Ownership: *out is the caller's (free()).
 */
#ifndef FRS_LONGQ_H
#define FRS_LONGQ_H

#include <stddef.h>

#include "analyzer.h"
#include "frs.h"
#include "xdb.h"

#define FRS_QUERY_MAX_TEXT (64 * 1024) /* bytes of any query */
#define FRS_LONGQ_KEEP 12              /* words a long query keeps */
#define FRS_LONGQ_MAX_WORDS 4096       /* distinct words looked up */

/* Whether q[0..len) is long: more than FRS_QUERY_MAX_BYTES bytes or more
 * than FRS_LONGQ_KEEP distinct words (stop words and compound parts not
 * counted).  If so, *out is the query to search instead (the kept words'
 * spans of q, joined by spaces, NUL-terminated); else *out is NULL.
 * Words no article holds are kept only when there are not FRS_LONGQ_KEEP
 * others.  FRS_OK, FRS_ENOMEM, or the reader's error. */
frs_status_t frs_longq_reduce(frs_analyzer_t *an, frs_xr_t *xr, const char *q,
                              size_t len, char **out);

#endif
