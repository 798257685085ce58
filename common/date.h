/* SPDX-License-Identifier: MIT
 * date.h: the one check of a calendar date written YYYY-MM-DD, shared by
 * the indexer (the "date" of an article), the shell (--from, --to) and the
 * server (from=, to=), so that all three accept and refuse the same dates.
 *
 * A date is valid when it is exactly ten characters, four digits of year
 * (0001 to 9999), '-', two of month (01 to 12), '-', two of day, and the day
 * exists in that month of the proleptic Gregorian calendar: 30 or 31 days,
 * February 29 days in a leap year (divisible by 4, not by 100 unless by
 * 400: 2024 and 2000, not 1900), 28 otherwise.  "2023-02-30" and
 * "2023-13-01" are refused.
 *
 * Pure functions; no allocation, no locale.
 */
#ifndef FRS_DATE_H
#define FRS_DATE_H

#include <stddef.h>
#include "frs.h"

FRS_BEGIN_DECLS

/* Non-zero if the NUL-terminated s is a valid date "YYYY-MM-DD" (nothing
 * before or after it).  NULL is not a date. */
int frs_date_valid(const char *s);

/* Non-zero if s[0..len) is a valid date "YYYY-MM-DD" (len must be 10). */
int frs_date_valid_n(const char *s, size_t len);

/* Days in month (1-12) of year; 0 for a month out of range. */
int frs_date_month_days(int year, int month);

FRS_END_DECLS

#endif
