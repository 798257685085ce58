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
    expect("porte-monnaie", "OR(OR(OR(Zportemonnai SCALE(2.0, portemonnaie)) "
                            "PHRASE(porte monnaie)))");
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

/* The highlight items of q, one line each: kind, title flag, forms. */
static char *items(const char *q)
{
    frs_parsed_t *p;
    char *err;
    assert_int_equal(frs_qparse(an, q, strlen(q), NULL, &p, &err), FRS_OK);
    char *out = calloc(1, 2000);
    assert_non_null(out);
    for (size_t k = 0; k < p->nhl; k++) {
        const frs_hlitem_t *h = &p->hl[k];
        strcat(out, h->kind == FRS_HL_WORD     ? "word"
                    : h->kind == FRS_HL_PREFIX ? "prefix"
                                               : "phrase");
        strcat(out, h->title ? "(title)" : "");
        for (size_t j = 0; j < h->n; j++) {
            strcat(out, " ");
            strcat(out, h->form[j]);
        }
        if (h->stem[0]) {
            strcat(out, "/");
            strcat(out, h->stem);
        }
        strcat(out, ";");
    }
    frs_parsed_free(p);
    return out;
}

static void expect_items(const char *q, const char *want)
{
    char *got = items(q);
    if (strcmp(got, want) != 0)
        fail_msg("query [%s]\n  got  %s\n  want %s", q, got, want);
    free(got);
}

static void test_qparse_highlight_items(void **state)
{
    (void)state;
    /* excluded words are not marked; a phrase is one item, not its words */
    expect_items("églises -vélo \"la ville\"",
                 "word eglises/eglis;phrase la ville;");
    expect_items("\"Tour de France\"", "phrase tour de france;");
    /* a compound: itself, its joined form, its parts as a phrase */
    expect_items("c’est-à-dire", "word estadire/estadir;phrase est a dire;");
    expect_items("title:vél* train", "prefix(title) vel;word train/train;");
    /* NOT's right side is excluded */
    expect_items("vélo NOT train", "word velo/velo;");
    expect_items("-(vélo train) gare", "word gare/gar;");
}

static void test_qparse_operators(void **state)
{
    (void)state;
    expect("vélo OR train", "OR(OR(OR(Zvelo SCALE(2.0, velo))) "
                            "OR(OR(Ztrain SCALE(2.0, train))))");
    expect("vélo AND train", "AND(OR(OR(Zvelo SCALE(2.0, velo))) "
                             "OR(OR(Ztrain SCALE(2.0, train))))");
    const char *not_train = "AND_NOT(OR(OR(Zvelo SCALE(2.0, velo))) "
                            "OR(OR(Ztrain SCALE(2.0, train))))";
    expect("vélo NOT train", not_train);
    expect("vélo AND NOT train", not_train);
    expect("vélo AND -train", not_train);
    /* groups bind tighter than AND, AND tighter than OR */
    expect("vélo rapide AND gare OR bus",
           "OR(AND(OR(OR(Zvelo SCALE(2.0, velo)) OR(Zrapid SCALE(2.0, rapide))) "
           "OR(OR(Zgar SCALE(2.0, gare)))) OR(OR(Zbus SCALE(2.0, bus))))");
    expect("(vélo OR train) AND gare",
           "AND(OR(OR(OR(OR(Zvelo SCALE(2.0, velo))) "
           "OR(OR(Ztrain SCALE(2.0, train))))) OR(OR(Zgar SCALE(2.0, gare))))");
    expect("+(vélo OR train) -(bus tram)",
           "AND_NOT(AND(OR(OR(OR(Zvelo SCALE(2.0, velo))) "
           "OR(OR(Ztrain SCALE(2.0, train))))) "
           "OR(OR(OR(Zbus SCALE(2.0, bus)) OR(Ztram SCALE(2.0, tram)))))");
    expect_contains("title:(église OR marseille)", "SCALE(2.0, Seglise)");
    expect_contains("title:(église OR marseille)", "SCALE(2.0, Smarseille)");
}

static void test_qparse_operators_only_in_capitals_between_operands(void **state)
{
    (void)state;
    /* lower case: words ("or" is no French stop word) */
    expect("vélo or train", "OR(OR(Zvelo SCALE(2.0, velo)) "
                            "OR(Zor SCALE(2.0, or)) OR(Ztrain SCALE(2.0, train)))");
    /* with nothing on one side, OR and NOT are words */
    expect_contains("vélo OR", "SCALE(2.0, or)");
    expect_contains("NOT vélo", "SCALE(2.0, not)");
    expect_contains("(OR) vélo", "SCALE(2.0, or)");
    expect_contains("x OR OR y", "SCALE(2.0, or)");
    /* inside quotes, or with a sign, they are words too */
    expect("\"rock OR roll\"", "OR(PHRASE(rock or roll))");
    expect_contains("vélo +OR", "SCALE(2.0, or)");
    /* parentheses that do not match */
    expect("vélo )", "OR(OR(Zvelo SCALE(2.0, velo)))");
    expect("((vélo", "OR(OR(OR(OR(Zvelo SCALE(2.0, velo)))))");
}

static void test_qparse_prefix(void **state)
{
    (void)state;
    expect("vél*", "OR(OR(vel*))");
    expect("title:Vél*", "OR(Svel*)");
    expect("l’égl*", "OR(OR(egl*))");         /* elision stripped, folded */
    expect("porte-mon*", "OR(OR(portemon*))"); /* the compound's form */
    expect_contains("+vél* ville", "AND(AND(OR(vel*)))");
    /* the title too, weighted title_weight */
    frs_qparse_opts_t o = {2.0, 0.5};
    frs_parsed_t *p = NULL;
    char *err = NULL;
    assert_int_equal(frs_qparse(an, "vél*", strlen("vél*"), &o, &p, &err), FRS_OK);
    char *d = frs_qnode_describe(p->query);
    assert_string_equal(d, "OR(OR(vel* SCALE(0.5, Svel*)))");
    free(d);
    /* the word scored in passages is a prefix */
    assert_int_equal(p->nqwords, 1);
    assert_string_equal(p->words[0].exact, "vel");
    assert_true(p->words[0].prefix);
    const frs_qnode_t *w = p->query->kids[0]->kids[0];
    assert_int_equal(w->op, FRS_Q_WILDCARD);
    assert_int_equal(w->max_expansion, FRS_QP_PREFIX_MAX);
    assert_int_equal(w->field_len, 0);
    frs_parsed_free(p);
    /* a star inside a phrase is a separator */
    expect("\"vél* rapide\"", "OR(PHRASE(vel rapide))");
    /* a star alone is nothing to search for */
    char *e = tree("*");
    assert_non_null(strstr(e, "no word"));
    free(e);
}

static void test_qparse_joined_spellings(void **state)
{
    (void)state;
    /* the compound without its hyphens, or its parts as a phrase */
    expect("week-end", "OR(OR(OR(Zweekend SCALE(2.0, weekend)) "
                       "PHRASE(week end)))");
    expect("weekend", "OR(OR(Zweekend SCALE(2.0, weekend)))");
    /* the word without its apostrophe */
    expect("aujourd’hui", "OR(OR(Zaujourdhui SCALE(2.0, aujourdhui)))");
    expect("aujourdhui", "OR(OR(Zaujourdhui SCALE(2.0, aujourdhui)))");
    /* in a phrase, compounds are their parts */
    expect("\"le week-end dernier\"", "OR(PHRASE(le week end dernier))");
}

static void test_qparse_stop_words_only_are_a_phrase(void **state)
{
    (void)state;
    expect("il y a", "OR(PHRASE(il y a))");
    expect("le la", "OR(PHRASE(le la))");
    expect_items("il y a", "phrase il y a;");
    /* in a group with other words they are left out */
    expect("il y a vélo", "OR(OR(Zvelo SCALE(2.0, velo)))");
    /* per group: each side of OR decides */
    expect("vélo OR il y a", "OR(OR(OR(Zvelo SCALE(2.0, velo))) "
                             "OR(PHRASE(il y a)))");
}

static void test_qparse_limits(void **state)
{
    (void)state;
    char q[200] = "";
    for (int i = 0; i < FRS_QUERY_MAX_DEPTH + 1; i++)
        strcat(q, "(");
    strcat(q, "vélo");
    char *e = tree(q);
    assert_non_null(strstr(e, "parentheses"));
    free(e);
    q[0] = '\0';
    for (int i = 0; i < FRS_QUERY_MAX_DEPTH; i++)
        strcat(q, "(");
    strcat(q, "vélo");
    expect_contains(q, "Zvelo");
    /* parts: operators and parentheses count, a run of words is one */
    char many[1000] = "";
    for (int i = 0; i <= FRS_QUERY_MAX_WORDS; i++)
        strcat(many, "+a ");
    e = tree(many);
    assert_non_null(strstr(e, "parts"));
    free(e);
    many[0] = '\0';
    for (int i = 0; i < 200; i++)
        strcat(many, "mot ");
    expect_contains(many, "Zmot");
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
        cmocka_unit_test(test_qparse_highlight_items),
        cmocka_unit_test(test_qparse_operators),
        cmocka_unit_test(test_qparse_operators_only_in_capitals_between_operands),
        cmocka_unit_test(test_qparse_prefix),
        cmocka_unit_test(test_qparse_joined_spellings),
        cmocka_unit_test(test_qparse_stop_words_only_are_a_phrase),
        cmocka_unit_test(test_qparse_limits),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
