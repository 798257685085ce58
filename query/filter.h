/* SPDX-License-Identifier: MIT
 * filter.h: Meilisearch's filter expressions over the fields of an
 * article, turned into a boolean query tree (qtree.h) over what schema 2
 * stores: the year and month terms (Y<yyyy>, M<yyyymm>) and the date value
 * ("YYYYMMDD", FRS_SLOT_DATE).  No schema change is needed.
 *
 *   year = 2024          year != 2024        year > 2020   (>=, <, <=)
 *   month = "2025-06"    date >= 2025-06-01  timestamp < 1750000000
 *   year 2020 TO 2023    month IN ["2025-05", "2025-06"]   year NOT IN [..]
 *   date EXISTS          date NOT EXISTS
 *   a AND b   a OR b   NOT a   ( ... )        (AND binds tighter than OR)
 *
 * Fields: year (a number), month ("YYYY-MM"), date ("YYYY-MM-DD") and
 * timestamp (Unix seconds of the article's date at 00:00 UTC; articles
 * are dated to the day, so `timestamp > T` keeps the days after T's).
 * Every field is derived from the one date of an article: an undated
 * article matches no comparison, and matches `!=`, `NOT IN` and `NOT`
 * (as Meilisearch does for a document without the field).  Keywords are
 * case-insensitive; values may be quoted with ' or " (backslash escapes
 * the quote).
 *
 * Ownership: *out is a new tree the caller frees with frs_qnode_free().
 */
#ifndef FRS_FILTER_H
#define FRS_FILTER_H

#include <stddef.h>

#include "frs.h"
#include "qtree.h"

#define FRS_FILTER_MAX_BYTES 4096 /* longer expressions are refused */
#define FRS_FILTER_MAX_DEPTH 32   /* nested parentheses and NOTs */
#define FRS_FILTER_MAX_TERMS 256  /* conditions and IN values in all */

/* Parse expr[0..len).  FRS_OK with *out the tree, or NULL when expr is
 * empty or white space only (no filter); FRS_EINVAL with err (NUL-
 * terminated, at most errlen bytes) saying what is wrong and where
 * ("... at column 9"); FRS_ENOMEM.  *out is NULL on failure. */
frs_status_t frs_filter_parse(const char *expr, size_t len, frs_qnode_t **out,
                              char *err, size_t errlen);

/* The day number (days since 1970-01-01) of y-m-d, and back; for the
 * timestamp field and its tests. */
long long frs_filter_days(int y, int m, int d);
void frs_filter_civil(long long days, int *y, int *m, int *d);

#endif
