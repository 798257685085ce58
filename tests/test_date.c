/* SPDX-License-Identifier: MIT
 * test_date.c: calendar dates YYYY-MM-DD (date.c): month lengths, leap
 * years, and every malformed shape refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "date.h"

static void test_date_accepts_real_days(void **state)
{
    (void)state;
    const char *good[] = {"2023-01-01", "2023-01-31", "2023-04-30",
                          "2023-12-31", "2024-02-29", "2000-02-29",
                          "2023-02-28", "0001-01-01", "9999-12-31"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!frs_date_valid(good[i]))
            fail_msg("%s refused", good[i]);
}

static void test_date_refuses_days_that_do_not_exist(void **state)
{
    (void)state;
    const char *bad[] = {"2023-13-01", "2023-00-10", "2023-02-30",
                         "2023-02-29", "1900-02-29", "2100-02-29",
                         "2023-04-31", "2023-06-31", "2023-09-31",
                         "2023-11-31", "2023-01-32", "2023-01-00",
                         "0000-01-01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (frs_date_valid(bad[i]))
            fail_msg("%s accepted", bad[i]);
}

static void test_date_refuses_other_shapes(void **state)
{
    (void)state;
    const char *bad[] = {"", "2023-1-01", "2023-01-1", "23-01-01",
                         "2023/01/01", "2023-01-01T10:00", "2023-01-01 ",
                         " 2023-01-01", "2023-0a-01", "2023--1-01",
                         "+023-01-01", "20230101", "2023-01-011"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (frs_date_valid(bad[i]))
            fail_msg("[%s] accepted", bad[i]);
    assert_false(frs_date_valid(NULL));
    assert_false(frs_date_valid_n(NULL, 10));
    /* a length-bounded check looks at len bytes only */
    assert_true(frs_date_valid_n("2024-02-29T12:00:00Z", 10));
    assert_false(frs_date_valid_n("2024-02-29", 9));
}

static void test_date_month_lengths_over_four_centuries(void **state)
{
    (void)state;
    /* 400 Gregorian years hold exactly 146097 days */
    long total = 0;
    for (int y = 1601; y <= 2000; y++)
        for (int m = 1; m <= 12; m++)
            total += frs_date_month_days(y, m);
    assert_int_equal(total, 146097);
    assert_int_equal(frs_date_month_days(2024, 0), 0);
    assert_int_equal(frs_date_month_days(2024, 13), 0);
    /* the last day of every month is valid, the day after is not */
    char s[40];
    for (int m = 1; m <= 12; m++) {
        int n = frs_date_month_days(2023, m);
        snprintf(s, sizeof s, "2023-%02d-%02d", m, n);
        assert_true(frs_date_valid(s));
        snprintf(s, sizeof s, "2023-%02d-%02d", m, n + 1);
        assert_false(frs_date_valid(s));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_accepts_real_days),
        cmocka_unit_test(test_date_refuses_days_that_do_not_exist),
        cmocka_unit_test(test_date_refuses_other_shapes),
        cmocka_unit_test(test_date_month_lengths_over_four_centuries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
