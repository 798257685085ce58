/* SPDX-License-Identifier: MIT
 * prune.h: the guard of --prune.  Deleting the articles absent from the
 * inputs is only as sound as the inputs: an empty or truncated feed would
 * empty the index.  So before anything is deleted, the run decides from
 * the counts of its inputs (feed.h) and of what would go:
 *   - the inputs yielded no article at all: refuse;
 *   - an input could not be read, or a line was rejected without a usable
 *     article id (invalid JSON, a line cut short, damaged gzip data): skip,
 *     with a warning, since the article that input or line held could be
 *     any of those that seem gone;
 *   - more would go than the limit (--max-prune, default 10 % of the
 *     articles indexed): refuse;
 *   - otherwise, go.
 * Refusing is a failure of the run (exit 4); skipping is a warning.
 */
#ifndef FRS_PRUNE_H
#define FRS_PRUNE_H

#include <stddef.h>

#include "feed.h"
#include "frs.h"

typedef struct {
    unsigned long long value;
    int percent; /* value is a percentage (0 to 100) of the articles */
} frs_prune_limit_t;

#define FRS_PRUNE_DEFAULT_PERCENT 10

/* Parse "N" (articles) or "N%" (of the articles indexed; N <= 100), N a
 * decimal integer.  FRS_OK, or FRS_EINVAL (*out unchanged). */
frs_status_t frs_prune_limit_parse(const char *s, frs_prune_limit_t *out);

/* The most articles lim lets one run delete out of total. */
unsigned long long frs_prune_allowed(const frs_prune_limit_t *lim,
                                     unsigned long long total);

typedef enum {
    FRS_PRUNE_GO,     /* delete the articles gone */
    FRS_PRUNE_SKIP,   /* delete nothing; a warning */
    FRS_PRUNE_REFUSE  /* delete nothing; the run fails */
} frs_prune_verdict_t;

/* The verdict on deleting gone of the total articles indexed, after
 * reading inputs that gave st.  For SKIP and REFUSE, why (n bytes) gets one
 * line saying why, with the counts. */
frs_prune_verdict_t frs_prune_decide(const frs_prune_limit_t *lim,
                                     const frs_feed_stats_t *st,
                                     unsigned long long gone,
                                     unsigned long long total, char *why,
                                     size_t n);

#endif
