/* SPDX-License-Identifier: MIT
 * test_bm25.c: the BM25 formula against values worked out by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "bm25.h"

static void test_bm25_rare_term(void **state)
{
    (void)state;
    frs_bm25_params_t p = {1.2, 0.75, 0.5};
    /* N=100, n=4: T = 96.5/4.5; doclen = avlen: L = 1 */
    frs_bm25_part_t r = frs_bm25_term(&p, 100, 4, 1, 3, 50, 50, 1);
    assert_float_equal(r.idf, log(96.5 / 4.5), 1e-12);
    assert_float_equal(r.normlen, 1.0, 1e-12);
    assert_float_equal(r.tf, 2.2 * 3 / (1.2 + 3), 1e-12);
    assert_float_equal(r.weight, r.idf * r.tf, 1e-12);
}

static void test_bm25_common_term_is_clamped_positive(void **state)
{
    (void)state;
    frs_bm25_params_t p = {1.2, 0.75, 0.5};
    /* n > N/2 would give a negative idf; Xapian uses T/2 + 1 */
    frs_bm25_part_t r = frs_bm25_term(&p, 10, 9, 1, 1, 10, 10, 1);
    double t = 1.5 / 9.5;
    assert_float_equal(r.idf, log(t * 0.5 + 1), 1e-12);
    assert_true(r.weight > 0);
}

static void test_bm25_short_document_floor_and_factor(void **state)
{
    (void)state;
    frs_bm25_params_t p = {1.0, 0.5, 0.5};
    /* doclen/avlen = 0.1 is raised to min_normlen 0.5 */
    frs_bm25_part_t r = frs_bm25_term(&p, 1000, 10, 1, 1, 5, 50, 2.0);
    assert_float_equal(r.normlen, 0.5, 1e-12);
    assert_float_equal(r.tf, 2.0 * 1 / (1.0 * (0.5 * 0.5 + 0.5) + 1), 1e-12);
    assert_float_equal(r.weight, 2.0 * r.idf * r.tf, 1e-12);
}

static void test_bm25_longer_document_weighs_less(void **state)
{
    (void)state;
    frs_bm25_params_t p = {1.2, 0.75, 0.5};
    frs_bm25_part_t a = frs_bm25_term(&p, 100, 5, 1, 2, 40, 50, 1);
    frs_bm25_part_t b = frs_bm25_term(&p, 100, 5, 1, 2, 200, 50, 1);
    assert_true(a.weight > b.weight);
    /* b = 0: length does not matter */
    frs_bm25_params_t q = {1.2, 0, 0.5};
    a = frs_bm25_term(&q, 100, 5, 1, 2, 40, 50, 1);
    b = frs_bm25_term(&q, 100, 5, 1, 2, 200, 50, 1);
    assert_float_equal(a.weight, b.weight, 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bm25_rare_term),
        cmocka_unit_test(test_bm25_common_term_is_clamped_positive),
        cmocka_unit_test(test_bm25_short_document_floor_and_factor),
        cmocka_unit_test(test_bm25_longer_document_weighs_less),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
