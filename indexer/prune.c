/* SPDX-License-Identifier: MIT
 * prune.c: the --prune guard's arithmetic and wording (prune.h).
 */
#include "prune.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

frs_status_t frs_prune_limit_parse(const char *s, frs_prune_limit_t *out)
{
    if (!s || s[0] < '0' || s[0] > '9')
        return FRS_EINVAL;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return FRS_EINVAL;
    int pct = *end == '%';
    if (end[pct] != '\0' || (pct && v > 100))
        return FRS_EINVAL;
    out->value = v;
    out->percent = pct;
    return FRS_OK;
}

unsigned long long frs_prune_allowed(const frs_prune_limit_t *lim,
                                     unsigned long long total)
{
    if (!lim->percent)
        return lim->value;
    /* total * value / 100 without overflow for any total */
    return total / 100 * lim->value + total % 100 * lim->value / 100;
}

/* "would delete G of the T articles indexed" */
static void counts(char *buf, size_t n, unsigned long long gone,
                   unsigned long long total)
{
    snprintf(buf, n, "it would delete %llu of the %llu articles indexed",
             gone, total);
}

frs_prune_verdict_t frs_prune_decide(const frs_prune_limit_t *lim,
                                     const frs_feed_stats_t *st,
                                     unsigned long long gone,
                                     unsigned long long total, char *why,
                                     size_t n)
{
    char c[128];
    counts(c, sizeof c, gone, total);
    if (st->articles + st->rejected_ids == 0) {
        snprintf(why, n, "--prune refused: the inputs yielded no article; "
                 "%s; nothing deleted", c);
        return FRS_PRUNE_REFUSE;
    }
    if (st->failed_inputs > 0) {
        snprintf(why, n, "--prune skipped: %s could not be read, so its "
                 "articles cannot be told from those gone (%s); nothing "
                 "deleted", st->failed_source ? st->failed_source : "an input",
                 c);
        return FRS_PRUNE_SKIP;
    }
    if (st->unparsed > 0) {
        char where[32] = "";
        if (st->unparsed_line)
            snprintf(where, sizeof where, ":%lu", st->unparsed_line);
        char more[64] = "";
        if (st->unparsed > 1)
            snprintf(more, sizeof more, " (and %lu more)", st->unparsed - 1);
        snprintf(why, n, "--prune skipped: %s%s%s was rejected without a "
                 "usable article id, and the article it held could be any "
                 "of those gone (%s); nothing deleted",
                 st->unparsed_source ? st->unparsed_source : "an input",
                 where, more, c);
        return FRS_PRUNE_SKIP;
    }
    unsigned long long allowed = frs_prune_allowed(lim, total);
    if (gone > allowed) {
        char limit[64];
        if (lim->percent)
            snprintf(limit, sizeof limit, "%llu%% (%llu articles)",
                     lim->value, allowed);
        else
            snprintf(limit, sizeof limit, "%llu articles", allowed);
        snprintf(why, n, "--prune refused: %s, more than the limit of %s a "
                 "run; nothing deleted (check the inputs, or raise the "
                 "limit with --max-prune)", c, limit);
        return FRS_PRUNE_REFUSE;
    }
    return FRS_PRUNE_GO;
}
