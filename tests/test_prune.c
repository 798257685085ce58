/* SPDX-License-Identifier: MIT
 * test_prune.c: the --prune guard (prune.c): parsing --max-prune, the
 * limit's arithmetic, and the verdict for each shape of input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "prune.h"

static void test_prune_limit_parse(void **state)
{
    (void)state;
    frs_prune_limit_t l = {7, 0};
    assert_int_equal(frs_prune_limit_parse("25", &l), FRS_OK);
    assert_true(l.value == 25 && !l.percent);
    assert_int_equal(frs_prune_limit_parse("100%", &l), FRS_OK);
    assert_true(l.value == 100 && l.percent);
    assert_int_equal(frs_prune_limit_parse("0", &l), FRS_OK);
    assert_true(l.value == 0 && !l.percent);
    static const char *bad[] = {"", "%", "-1", "10%%", "101%", "1e3", "ten",
                                " 5", "5 ", "99999999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        l.value = 42;
        assert_int_equal(frs_prune_limit_parse(bad[i], &l), FRS_EINVAL);
        assert_true(l.value == 42);
    }
}

static void test_prune_allowed(void **state)
{
    (void)state;
    frs_prune_limit_t ten = {10, 1}, all = {100, 1}, five = {5, 0};
    assert_true(frs_prune_allowed(&ten, 3000) == 300);
    assert_true(frs_prune_allowed(&ten, 65) == 6);
    assert_true(frs_prune_allowed(&ten, 9) == 0);
    assert_true(frs_prune_allowed(&all, 3000) == 3000);
    assert_true(frs_prune_allowed(&five, 3000) == 5);
    /* no overflow near the top of the range */
    assert_true(frs_prune_allowed(&all, UINT64_MAX) == UINT64_MAX);
}

static frs_prune_verdict_t decide(const frs_feed_stats_t *st,
                                  unsigned long long gone,
                                  unsigned long long total, char *why)
{
    frs_prune_limit_t ten = {10, 1};
    why[0] = '\0';
    return frs_prune_decide(&ten, st, gone, total, why, 512);
}

static void test_prune_decide(void **state)
{
    (void)state;
    char why[512];
    frs_feed_stats_t st;
    memset(&st, 0, sizeof st);
    /* nothing read: refused, even with nothing to delete */
    assert_int_equal(decide(&st, 3000, 3000, why), FRS_PRUNE_REFUSE);
    assert_non_null(strstr(why, "no article"));
    assert_non_null(strstr(why, "3000 of the 3000"));
    assert_int_equal(decide(&st, 0, 0, why), FRS_PRUNE_REFUSE);
    /* only rejected lines with an id: articles were read */
    st.rejected = st.rejected_ids = 1;
    assert_int_equal(decide(&st, 1, 3000, why), FRS_PRUNE_GO);
    /* within, at and over the limit */
    st.articles = 2700;
    assert_int_equal(decide(&st, 300, 3000, why), FRS_PRUNE_GO);
    assert_int_equal(decide(&st, 301, 3000, why), FRS_PRUNE_REFUSE);
    assert_non_null(strstr(why, "301 of the 3000"));
    assert_non_null(strstr(why, "10% (300 articles)"));
    assert_non_null(strstr(why, "--max-prune"));
    /* a line without a usable id: skipped, naming it */
    st.unparsed = 3;
    st.unparsed_source = "feed.jsonl";
    st.unparsed_line = 2698;
    assert_int_equal(decide(&st, 303, 3000, why), FRS_PRUNE_SKIP);
    assert_non_null(strstr(why, "feed.jsonl:2698"));
    assert_non_null(strstr(why, "and 2 more"));
    /* an input that could not be read: skipped, naming it */
    st.failed_inputs = 1;
    st.failed_source = "/srv/feeds";
    assert_int_equal(decide(&st, 2, 3000, why), FRS_PRUNE_SKIP);
    assert_non_null(strstr(why, "/srv/feeds could not be read"));
    /* --max-prune 100%: anything goes, once something was read */
    memset(&st, 0, sizeof st);
    st.articles = 1;
    frs_prune_limit_t all = {100, 1};
    assert_int_equal(frs_prune_decide(&all, &st, 2999, 3000, why, sizeof why),
                     FRS_PRUNE_GO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prune_limit_parse),
        cmocka_unit_test(test_prune_allowed),
        cmocka_unit_test(test_prune_decide),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
