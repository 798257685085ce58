/* SPDX-License-Identifier: MIT
 * test_strset.c: the string set used for --prune.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "strset.h"

static void test_strset_add_and_find(void **state)
{
    (void)state;
    frs_strset_t *s;
    assert_int_equal(frs_strset_new(&s), FRS_OK);
    assert_false(frs_strset_has(s, "a", 1));
    assert_int_equal(frs_strset_add(s, "a", 1), FRS_OK);
    assert_int_equal(frs_strset_add(s, "a", 1), FRS_OK);
    assert_int_equal(frs_strset_add(s, "ab\0c", 4), FRS_OK);
    assert_true(frs_strset_has(s, "a", 1));
    assert_true(frs_strset_has(s, "ab\0c", 4));
    assert_false(frs_strset_has(s, "ab", 2));
    assert_int_equal(frs_strset_count(s), 2);
    assert_int_equal(frs_strset_get(s, "a", 1), 0);
    assert_int_equal(frs_strset_incr(s, "a", 1, 3), FRS_OK);
    assert_int_equal(frs_strset_incr(s, "b", 1, 2), FRS_OK);
    assert_int_equal(frs_strset_get(s, "a", 1), 3);
    assert_int_equal(frs_strset_get(s, "b", 1), 2);
    assert_int_equal(frs_strset_get(s, "c", 1), 0);
    frs_strset_free(s);
    frs_strset_free(NULL);
}

static void test_strset_grows(void **state)
{
    (void)state;
    frs_strset_t *s;
    assert_int_equal(frs_strset_new(&s), FRS_OK);
    char k[32];
    for (int i = 0; i < 20000; i++) {
        int n = snprintf(k, sizeof k, "article-%d", i);
        assert_int_equal(frs_strset_add(s, k, (size_t)n), FRS_OK);
    }
    assert_int_equal(frs_strset_count(s), 20000);
    for (int i = 0; i < 20000; i += 7) {
        int n = snprintf(k, sizeof k, "article-%d", i);
        assert_true(frs_strset_has(s, k, (size_t)n));
    }
    assert_false(frs_strset_has(s, "article-20000", 13));
    frs_strset_free(s);
}

static int sum_counts(void *ctx, const char *str, size_t len, unsigned count)
{
    (void)str;
    (void)len;
    *(unsigned *)ctx += count;
    return 0;
}

static void test_strset_counts_each_and_clear(void **state)
{
    (void)state;
    frs_strset_t *s;
    assert_int_equal(frs_strset_new(&s), FRS_OK);
    assert_int_equal(frs_strset_incr(s, "mot", 3, 2), FRS_OK);
    assert_int_equal(frs_strset_incr(s, "mot", 3, 3), FRS_OK);
    assert_int_equal(frs_strset_incr(s, "autre", 5, 1), FRS_OK);
    unsigned total = 0;
    frs_strset_each(s, sum_counts, &total);
    assert_int_equal(total, 6);
    frs_strset_clear(s);
    assert_int_equal(frs_strset_count(s), 0);
    assert_false(frs_strset_has(s, "mot", 3));
    assert_int_equal(frs_strset_incr(s, "mot", 3, 1), FRS_OK);
    total = 0;
    frs_strset_each(s, sum_counts, &total);
    assert_int_equal(total, 1);
    frs_strset_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strset_add_and_find),
        cmocka_unit_test(test_strset_grows),
        cmocka_unit_test(test_strset_counts_each_and_clear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
