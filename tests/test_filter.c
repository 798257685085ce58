/* SPDX-License-Identifier: MIT
 * test_filter.c: the filter expression parser: each operator's tree, the
 * precedence of AND over OR, NOT, the array of values, timestamps against
 * the calendar, and the errors (with their column), none of which leak.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "filter.h"

/* The tree of expr, described. */
static char *tree(const char *expr)
{
    frs_qnode_t *q = NULL;
    char err[256];
    frs_status_t rc = frs_filter_parse(expr, strlen(expr), &q, err, sizeof err);
    if (rc != FRS_OK)
        fail_msg("'%s': %s", expr, err);
    char *d = q ? frs_qnode_describe(q) : strdup("(none)");
    frs_qnode_free(q);
    return d;
}

#define TREE(expr, want)                                                       \
    do {                                                                       \
        char *got_ = tree(expr);                                               \
        assert_string_equal(got_, want);                                       \
        free(got_);                                                            \
    } while (0)

/* The error of expr (FRS_EINVAL required). */
static void error_is(const char *expr, const char *want)
{
    frs_qnode_t *q = (frs_qnode_t *)1;
    char err[256];
    frs_status_t rc = frs_filter_parse(expr, strlen(expr), &q, err, sizeof err);
    if (rc != FRS_EINVAL)
        fail_msg("'%s' was accepted", expr);
    assert_null(q);
    if (!strstr(err, want))
        fail_msg("'%s': error '%s' does not say '%s'", expr, err, want);
}

static void test_filter_equal_uses_terms(void **state)
{
    (void)state;
    TREE("year = 2024", "Y2024");
    TREE("month = \"2025-06\"", "M202506");
    TREE("month = 2025-06", "M202506");
    TREE("date = 2025-06-15", "VALUE_RANGE(0, 20250615, 20250615)");
    TREE("year != 2024", "AND_NOT(MATCH_ALL Y2024)");
    TREE("   ", "(none)");
    TREE("", "(none)");
}

static void test_filter_comparisons_are_date_ranges(void **state)
{
    (void)state;
    TREE("year > 2020", "VALUE_RANGE(0, 20201232, )"); /* no day between */
    TREE("year >= 2020", "VALUE_RANGE(0, 20200000, )");
    TREE("year < 2020", "VALUE_RANGE(0, , 20199999)");
    TREE("year <= 2020", "VALUE_RANGE(0, , 20201231)");
    TREE("month > '2024-12'", "VALUE_RANGE(0, 20241232, )");
    TREE("month < 2024-12", "VALUE_RANGE(0, , 20241199)");
    TREE("date > 2024-02-28", "VALUE_RANGE(0, 20240229, )");
    TREE("date<=2024-02-29", "VALUE_RANGE(0, , 20240229)");
    TREE("year 2020 TO 2023", "VALUE_RANGE(0, 20200000, 20231231)");
    TREE("month 2024-11 to 2025-02", "VALUE_RANGE(0, 20241100, 20250231)");
    TREE("year 2023 TO 2020", "OR()");
    TREE("date EXISTS", "VALUE_RANGE(0, 0, )");
    TREE("year NOT EXISTS", "AND_NOT(MATCH_ALL VALUE_RANGE(0, 0, ))");
}

static void test_filter_timestamps_follow_the_calendar(void **state)
{
    (void)state;
    assert_int_equal(frs_filter_days(1970, 1, 1), 0);
    assert_int_equal(frs_filter_days(2000, 3, 1), 11017);
    assert_int_equal(frs_filter_days(1969, 12, 31), -1);
    int y, m, d;
    frs_filter_civil(19723, &y, &m, &d); /* 2024-01-01 */
    assert_int_equal(y * 10000 + m * 100 + d, 20240101);
    for (long long k = -800000; k < 800000; k += 997) {
        frs_filter_civil(k, &y, &m, &d);
        assert_int_equal(frs_filter_days(y, m, d), k);
    }
    /* 1704067200 is 2024-01-01T00:00:00Z */
    TREE("timestamp = 1704067200", "VALUE_RANGE(0, 20240101, 20240101)");
    TREE("timestamp = 1704067201", "OR()");
    TREE("timestamp > 1704067200", "VALUE_RANGE(0, 20240102, )");
    TREE("timestamp >= 1704067201", "VALUE_RANGE(0, 20240102, )");
    TREE("timestamp < 1704067201", "VALUE_RANGE(0, , 20240101)");
    TREE("timestamp <= 1704067199", "VALUE_RANGE(0, , 20231231)");
    TREE("timestamp >= -86400", "VALUE_RANGE(0, 19691231, )");
}

static void test_filter_precedence_and_not(void **state)
{
    (void)state;
    TREE("year = 2023 OR year = 2024 AND month = 2024-06",
         "OR(Y2023 AND(Y2024 M202406))");
    TREE("(year = 2023 OR year = 2024) AND month = 2024-06",
         "AND(OR(Y2023 Y2024) M202406)");
    TREE("NOT year = 2023 AND date EXISTS",
         "AND(AND_NOT(MATCH_ALL Y2023) VALUE_RANGE(0, 0, ))");
    TREE("NOT (year = 2023 or year = 2024)",
         "AND_NOT(MATCH_ALL OR(Y2023 Y2024))");
    TREE("not not year = 1999", "AND_NOT(MATCH_ALL AND_NOT(MATCH_ALL Y1999))");
    TREE("year IN [2020, 2021,2022]", "OR(Y2020 Y2021 Y2022)");
    TREE("month NOT IN ['2020-01']", "AND_NOT(MATCH_ALL OR(M202001))");
    TREE("year IN []", "OR()");
}

static void test_filter_errors_say_what_and_where(void **state)
{
    (void)state;
    error_is("title = x", "attribute `title` is not filterable");
    error_is("title = x", "at column 1");
    error_is("year = 2024 AND", "expected a condition");
    error_is("year = abc", "`abc` is not a year");
    error_is("year = 2024 OR month = 2024-13", "at column 24");
    error_is("date = 2023-02-29", "is not a date written YYYY-MM-DD");
    error_is("date = 2024-02-30", "is not a date");
    error_is("timestamp > 12x", "number of seconds");
    error_is("(year = 2024", "expected `)`");
    error_is("year = 2024)", "expected AND, OR or the end");
    error_is("year = 'abc", "unterminated quoted value");
    error_is("year", "expected an operator");
    error_is("year 2020", "expected TO");
    error_is("year 2020 TO", "expected a value");
    error_is("year IN 2020", "expected `[`");
    error_is("year IN [2020 2021]", "expected `,` or `]`");
    error_is("year NOT 2020", "expected IN or EXISTS after NOT");
    error_is("year == 2020", "expected a value");
    error_is("year ! 2020", "unexpected character '!'");
    error_is("year = 2020 XOR year = 2021", "expected AND, OR");
    error_is("_geoRadius(1, 2, 3)", "not filterable");
    char deep[200] = "";
    for (int i = 0; i < 40; i++)
        strcat(deep, "(");
    strcat(deep, "year = 1");
    error_is(deep, "nested more than 32 levels");
    char big[FRS_FILTER_MAX_BYTES + 10];
    memset(big, ' ', sizeof big);
    big[sizeof big - 1] = '\0';
    error_is(big, "the limit is 4096");
    char many[8000] = "year IN [";
    for (int i = 0; i < 300; i++)
        strcat(many, "2020,");
    strcat(many, "2021]");
    error_is(many, "more than 256 conditions");
    frs_qnode_t *q = NULL;
    char err[64];
    assert_int_equal(frs_filter_parse("year = 1\0x", 10, &q, err, sizeof err),
                     FRS_EINVAL);
    assert_string_equal(err, "the filter holds a NUL byte");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filter_equal_uses_terms),
        cmocka_unit_test(test_filter_comparisons_are_date_ranges),
        cmocka_unit_test(test_filter_timestamps_follow_the_calendar),
        cmocka_unit_test(test_filter_precedence_and_not),
        cmocka_unit_test(test_filter_errors_say_what_and_where),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
