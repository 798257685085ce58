/* SPDX-License-Identifier: MIT
 * test_qtree.c: the C query tree (constructors, ownership, describe).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qtree.h"

static void assert_describes(const frs_qnode_t *q, const char *want)
{
    char *s = frs_qnode_describe(q);
    assert_non_null(s);
    assert_string_equal(s, want);
    free(s);
}

static void test_qtree_term_copies_bytes(void **state)
{
    (void)state;
    char buf[] = "pommeXX";
    frs_qnode_t *t = frs_qnode_term(buf, 5);
    assert_non_null(t);
    buf[0] = 'X';
    assert_int_equal(t->op, FRS_Q_TERM);
    assert_int_equal(t->term_len, 5);
    assert_string_equal(t->term, "pomme");
    assert_int_equal(t->nkids, 0);
    frs_qnode_free(t);
}

static void test_qtree_term_keeps_embedded_bytes(void **state)
{
    (void)state;
    frs_qnode_t *t = frs_qnode_term("a\0b", 3);
    assert_non_null(t);
    assert_int_equal(t->term_len, 3);
    assert_memory_equal(t->term, "a\0b", 4);
    frs_qnode_free(t);
}

static void test_qtree_new_sets_defaults(void **state)
{
    (void)state;
    frs_qnode_t *q = frs_qnode_new(FRS_Q_OR);
    assert_non_null(q);
    assert_int_equal(q->op, FRS_Q_OR);
    assert_null(q->term);
    assert_null(q->kids);
    assert_null(q->lo);
    assert_null(q->hi);
    assert_int_equal(q->nkids, 0);
    frs_qnode_free(q);
}

static void test_qtree_add_grows_kids(void **state)
{
    (void)state;
    frs_qnode_t *q = frs_qnode_new(FRS_Q_OR);
    assert_non_null(q);
    char term[16];
    for (int i = 0; i < 100; i++) {
        int n = snprintf(term, sizeof term, "t%d", i);
        assert_int_equal(frs_qnode_add(q, frs_qnode_term(term, (size_t)n)),
                         FRS_OK);
    }
    assert_int_equal(q->nkids, 100);
    assert_true(q->cap >= 100);
    assert_string_equal(q->kids[0]->term, "t0");
    assert_string_equal(q->kids[57]->term, "t57");
    assert_string_equal(q->kids[99]->term, "t99");
    frs_qnode_free(q);
}

static void test_qtree_add_null_kid_is_einval(void **state)
{
    (void)state;
    frs_qnode_t *q = frs_qnode_new(FRS_Q_AND);
    assert_int_equal(frs_qnode_add(q, NULL), FRS_EINVAL);
    assert_int_equal(q->nkids, 0);
    /* A NULL parent frees the kid (ownership is always taken). */
    assert_int_equal(frs_qnode_add(NULL, frs_qnode_term("x", 1)),
                     FRS_EINVAL);
    frs_qnode_free(q);
}

static void test_qtree_free_null_is_noop(void **state)
{
    (void)state;
    frs_qnode_free(NULL);
}

static void test_qtree_scale_owns_kid(void **state)
{
    (void)state;
    frs_qnode_t *s = frs_qnode_scale(frs_qnode_term("pomme", 5), 2.0);
    assert_non_null(s);
    assert_int_equal(s->op, FRS_Q_SCALE);
    assert_int_equal(s->nkids, 1);
    assert_true(s->scale == 2.0);
    assert_string_equal(s->kids[0]->term, "pomme");
    frs_qnode_free(s);
}

static void test_qtree_scale_of_null_is_null(void **state)
{
    (void)state;
    /* Lets constructors nest: a failed inner one makes the outer fail. */
    assert_null(frs_qnode_scale(NULL, 2.0));
}

static void test_qtree_range_copies_bounds(void **state)
{
    (void)state;
    char lo[] = "20200101";
    frs_qnode_t *r = frs_qnode_range(1, lo, NULL);
    assert_non_null(r);
    lo[0] = '9';
    assert_int_equal(r->op, FRS_Q_VALUE_RANGE);
    assert_int_equal(r->slot, 1);
    assert_string_equal(r->lo, "20200101");
    assert_null(r->hi);
    frs_qnode_free(r);
}

static void test_qtree_wildcard(void **state)
{
    (void)state;
    frs_qnode_t *w = frs_qnode_wildcard("Svel", 4, 1, 200);
    assert_non_null(w);
    assert_int_equal(w->op, FRS_Q_WILDCARD);
    assert_string_equal(w->term, "Svel");
    assert_int_equal(w->term_len, 4);
    assert_int_equal(w->field_len, 1);
    assert_int_equal(w->max_expansion, 200);
    frs_qnode_t *o = frs_qnode_new(FRS_Q_OR);
    assert_int_equal(frs_qnode_add(o, w), FRS_OK);
    assert_int_equal(frs_qnode_add(o, frs_qnode_scale(
                                          frs_qnode_wildcard("vel", 3, 0, 9),
                                          0.5)),
                     FRS_OK);
    assert_describes(o, "OR(Svel* SCALE(0.5, vel*))");
    frs_qnode_free(o);
    /* a field prefix longer than the term is no wildcard */
    assert_null(frs_qnode_wildcard("S", 1, 2, 10));
}

static void test_qtree_describe_nested(void **state)
{
    (void)state;
    frs_qnode_t *top = frs_qnode_new(FRS_Q_OR);
    assert_int_equal(frs_qnode_add(top, frs_qnode_term("Zpomm", 5)), FRS_OK);
    assert_int_equal(frs_qnode_add(top, frs_qnode_scale(
                                           frs_qnode_term("pomme", 5), 2.0)),
                     FRS_OK);
    frs_qnode_t *ph = frs_qnode_new(FRS_Q_PHRASE);
    assert_int_equal(frs_qnode_add(ph, frs_qnode_term("pomme", 5)), FRS_OK);
    assert_int_equal(frs_qnode_add(ph, frs_qnode_term("de", 2)), FRS_OK);
    assert_int_equal(frs_qnode_add(ph, frs_qnode_term("terre", 5)), FRS_OK);
    assert_int_equal(frs_qnode_add(top, ph), FRS_OK);
    assert_describes(top, "OR(Zpomm SCALE(2.0, pomme) PHRASE(pomme de terre))");
    frs_qnode_free(top);
}

static void test_qtree_describe_every_op(void **state)
{
    (void)state;
    frs_qnode_t *f = frs_qnode_new(FRS_Q_FILTER);
    frs_qnode_t *an = frs_qnode_new(FRS_Q_AND_NOT);
    frs_qnode_t *conj = frs_qnode_new(FRS_Q_AND);
    frs_qnode_t *am = frs_qnode_new(FRS_Q_AND_MAYBE);
    assert_int_equal(frs_qnode_add(conj, frs_qnode_term("a", 1)), FRS_OK);
    assert_int_equal(frs_qnode_add(conj, frs_qnode_term("b", 1)), FRS_OK);
    assert_int_equal(frs_qnode_add(am, conj), FRS_OK);
    assert_int_equal(frs_qnode_add(am, frs_qnode_scale(frs_qnode_term("c", 1),
                                                       0.5)),
                     FRS_OK);
    assert_int_equal(frs_qnode_add(an, am), FRS_OK);
    assert_int_equal(frs_qnode_add(an, frs_qnode_term("d", 1)), FRS_OK);
    assert_int_equal(frs_qnode_add(f, an), FRS_OK);
    assert_int_equal(frs_qnode_add(f, frs_qnode_range(1, "2020", "2021")),
                     FRS_OK);
    assert_int_equal(frs_qnode_add(f, frs_qnode_new(FRS_Q_MATCH_ALL)), FRS_OK);
    assert_describes(f, "FILTER(AND_NOT(AND_MAYBE(AND(a b) SCALE(0.5, c)) d) "
                        "VALUE_RANGE(1, 2020, 2021) MATCH_ALL)");
    frs_qnode_free(f);
}

static void test_qtree_describe_open_range_and_empty(void **state)
{
    (void)state;
    frs_qnode_t *r = frs_qnode_range(4, NULL, "2021-12");
    assert_describes(r, "VALUE_RANGE(4, , 2021-12)");
    frs_qnode_free(r);
    frs_qnode_t *o = frs_qnode_new(FRS_Q_OR);
    assert_describes(o, "OR()");
    frs_qnode_free(o);
    frs_qnode_t *e = frs_qnode_term("", 0);
    assert_describes(e, "\"\"");
    frs_qnode_free(e);
    assert_describes(NULL, "NULL");
}

static void test_qtree_describe_prints_terms_as_is(void **state)
{
    (void)state;
    frs_qnode_t *t = frs_qnode_term("\xc3\xa9glise", 7); /* église */
    assert_describes(t, "\xc3\xa9glise");
    frs_qnode_free(t);
}

static void test_qtree_clone_is_deep(void **state)
{
    (void)state;
    frs_qnode_t *f = frs_qnode_new(FRS_Q_FILTER);
    assert_int_equal(frs_qnode_add(f, frs_qnode_new(FRS_Q_MATCH_ALL)), FRS_OK);
    frs_qnode_t *o = frs_qnode_new(FRS_Q_OR);
    assert_int_equal(frs_qnode_add(o, frs_qnode_term("Y2024", 5)), FRS_OK);
    assert_int_equal(frs_qnode_add(o, frs_qnode_range(0, "20250101", NULL)),
                     FRS_OK);
    assert_int_equal(frs_qnode_add(f, frs_qnode_scale(o, 2.5)), FRS_OK);
    char *want = frs_qnode_describe(f);
    frs_qnode_t *c = frs_qnode_clone(f);
    assert_non_null(c);
    frs_qnode_free(f); /* the copy owns nothing of the original */
    char *got = frs_qnode_describe(c);
    assert_string_equal(got, want);
    assert_string_equal(got, "FILTER(MATCH_ALL SCALE(2.5, OR(Y2024 "
                             "VALUE_RANGE(0, 20250101, ))))");
    assert_null(frs_qnode_clone(NULL));
    free(want);
    free(got);
    frs_qnode_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qtree_term_copies_bytes),
        cmocka_unit_test(test_qtree_term_keeps_embedded_bytes),
        cmocka_unit_test(test_qtree_new_sets_defaults),
        cmocka_unit_test(test_qtree_add_grows_kids),
        cmocka_unit_test(test_qtree_add_null_kid_is_einval),
        cmocka_unit_test(test_qtree_free_null_is_noop),
        cmocka_unit_test(test_qtree_scale_owns_kid),
        cmocka_unit_test(test_qtree_scale_of_null_is_null),
        cmocka_unit_test(test_qtree_range_copies_bounds),
        cmocka_unit_test(test_qtree_wildcard),
        cmocka_unit_test(test_qtree_describe_nested),
        cmocka_unit_test(test_qtree_describe_every_op),
        cmocka_unit_test(test_qtree_describe_open_range_and_empty),
        cmocka_unit_test(test_qtree_describe_prints_terms_as_is),
        cmocka_unit_test(test_qtree_clone_is_deep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
