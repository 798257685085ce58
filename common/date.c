/* SPDX-License-Identifier: MIT
 * date.c: calendar dates written YYYY-MM-DD (date.h).
 */
#include "date.h"

#include <string.h>

int frs_date_month_days(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
        return 29;
    return days[month - 1];
}

/* The number written by the n ASCII digits at s, or -1. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int frs_date_valid_n(const char *s, size_t len)
{
    if (!s || len != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 1 || m < 0 || d < 1)
        return 0;
    return d <= frs_date_month_days(y, m);
}

int frs_date_valid(const char *s)
{
    return s && frs_date_valid_n(s, strnlen(s, 11));
}
