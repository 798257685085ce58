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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strset_add_and_find),
        cmocka_unit_test(test_strset_grows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
