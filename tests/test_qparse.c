/* SPDX-License-Identifier: MIT
 * test_qparse.c: query syntax to query tree, through the real analyzer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qparse.h"

static frs_analyzer_t *an;

static int setup(void **state)
{
    (void)state;
    return frs_analyzer_new(&an) == FRS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    frs_analyzer_free(an);
    return 0;
}

/* Parse q with exact_boost 2 and title_weight 0 and return the tree. */
static char *tree(const char *q)
{
    frs_qparse_opts_t o = {2.0, 0.0};
    frs_parsed_t *p = NULL;
    char *err = NULL;
    frs_status_t rc = frs_qparse(an, q, strlen(q), &o, &p, &err);
    if (rc != FRS_OK) {
        char *m = malloc(300);
        snprintf(m, 300, "ERROR %s", err ? err : "");
        free(err);
        return m;
    }
    char *d = frs_qnode_describe(p->query);
    frs_parsed_free(p);
    return d;
}

static void expect(const char *q, const char *want)
{
    char *got = tree(q);
    if (strcmp(got, want) != 0)
        fail_msg("query [%s]\n  got  %s\n  want %s", q, got, want);
    free(got);
}

static void expect_contains(const char *q, const char *part)
{
    char *got = tree(q);
    if (!strstr(got, part))
        fail_msg("query [%s]\n  got  %s\n  lacks %s", q, got, part);
    free(got);
}

static void test_qparse_word_is_stem_or_boosted_exact(void **state)
{
    (void)state;
    expect("Église", "OR(OR(Zeglis SCALE(2.0, eglise)))");
}

static void test_qparse_stopwords_dropped_but_kept_alone(void **state)
{
    (void)state;
    expect("la maison", "OR(OR(Zmaison SCALE(2.0, maison)))");
    expect_contains("le la", "SCALE(2.0, le)");
}

static void test_qparse_phrase_keeps_stopwords_exact(void **state)
{
    (void)state;
    expect("\"pomme de terre\"", "OR(PHRASE(pomme de terre))");
    expect("«pomme de terre»", "OR(PHRASE(pomme de terre))");
    expect("\"chevaux\"", "OR(chevaux)");
}

static void test_qparse_required_and_excluded(void **state)
{
    (void)state;
    expect("+vélo tour -cyclable",
           "AND_NOT(AND_MAYBE(AND(AND(OR(Zvelo SCALE(2.0, velo)))) "
           "OR(OR(Ztour SCALE(2.0, tour)))) OR(OR(Zcyclabl SCALE(2.0, cyclable))))");
}

static void test_qparse_title_field(void **state)
{
    (void)state;
    expect("title:Église", "OR(OR(ZSeglis SCALE(2.0, Seglise)))");
    expect("titre:\"pomme de terre\"", "OR(PHRASE(Spomme Sde Sterre))");
}

static void test_qparse_compound_whole_or_parts(void **state)
{
    (void)state;
    expect_contains("porte-monnaie", "PHRASE(porte monnaie)");
    expect_contains("porte-monnaie", "SCALE(2.0, portemonnaie)");
}

static void test_qparse_number_with_spaces_joined(void **state)
{
    (void)state;
    expect_contains("1 200 emplois", "SCALE(2.0, 1200)");
}

static void test_qparse_errors(void **state)
{
    (void)state;
    char *e = tree("");
    assert_non_null(strstr(e, "no word"));
    free(e);
    e = tree("-vélo");
    assert_non_null(strstr(e, "not excluded"));
    free(e);
    char big[2000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    e = tree(big);
    assert_non_null(strstr(e, "limit"));
    free(e);
    /* unbalanced quote: the rest is the phrase */
    expect("\"pomme de", "OR(PHRASE(pomme de))");
}

static void test_qparse_highlight_lists(void **state)
{
    (void)state;
    frs_parsed_t *p;
    char *err;
    const char *q = "églises -vélo \"la ville\"";
    assert_int_equal(frs_qparse(an, q, strlen(q), NULL, &p, &err), FRS_OK);
    assert_true(frs_strlist_has(&p->exact, "eglises", 7));
    assert_true(frs_strlist_has(&p->stems, "eglis", 5));
    assert_true(frs_strlist_has(&p->exact, "la", 2));
    assert_false(frs_strlist_has(&p->exact, "velo", 4));
    frs_parsed_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qparse_word_is_stem_or_boosted_exact),
        cmocka_unit_test(test_qparse_stopwords_dropped_but_kept_alone),
        cmocka_unit_test(test_qparse_phrase_keeps_stopwords_exact),
        cmocka_unit_test(test_qparse_required_and_excluded),
        cmocka_unit_test(test_qparse_title_field),
        cmocka_unit_test(test_qparse_compound_whole_or_parts),
        cmocka_unit_test(test_qparse_number_with_spaces_joined),
        cmocka_unit_test(test_qparse_errors),
        cmocka_unit_test(test_qparse_highlight_lists),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
