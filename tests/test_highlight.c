/* SPDX-License-Identifier: MIT
 * test_highlight.c: matched words are marked, the window holds them, text is
 * escaped for HTML.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "highlight.h"

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

static char *hl(const char *q, const char *text, int html, size_t max)
{
    frs_parsed_t *p;
    char *err;
    assert_int_equal(frs_qparse(an, q, strlen(q), NULL, &p, &err), FRS_OK);
    frs_hl_opts_t o = {"[", "]", html, max};
    char *s = frs_highlight(an, text, strlen(text), p, &o);
    frs_parsed_free(p);
    assert_non_null(s);
    return s;
}

static void test_highlight_marks_exact_and_inflected_forms(void **state)
{
    (void)state;
    char *s = hl("eglise", "L’Église et les églises du\n\nvillage.", 0, 0);
    assert_string_equal(s, "L’[Église] et les [églises] du village.");
    free(s);
}

static void test_highlight_stopwords_only_in_phrases(void **state)
{
    (void)state;
    char *s = hl("la pomme", "la pomme de la terre", 0, 0);
    assert_string_equal(s, "la [pomme] de la terre");
    free(s);
    s = hl("\"pomme de terre\"", "une pomme de terre", 0, 0);
    assert_string_equal(s, "une [pomme de terre]");
    free(s);
}

static void test_highlight_compound_marked_whole(void **state)
{
    (void)state;
    char *s = hl("porte-monnaie", "son porte-monnaie vide", 0, 0);
    assert_string_equal(s, "son [porte-monnaie] vide");
    free(s);
}

static void test_highlight_phrase_marks_its_occurrences_only(void **state)
{
    (void)state;
    char *s = hl("\"Tour de France\"",
                 "Le Tour de France part de Lille, de Paris et du tour "
                 "de la France.", 0, 0);
    assert_string_equal(s, "Le [Tour de France] part de Lille, de Paris et "
                           "du tour de la France.");
    free(s);
    /* across a line break, and a compound inside the phrase */
    s = hl("\"le week-end dernier\"", "Pendant le week-end\ndernier, et un "
           "autre week-end.", 0, 0);
    assert_string_equal(s, "Pendant [le week-end dernier], et un autre "
                           "week-end.");
    free(s);
}

static void test_highlight_compound_parts_within_the_compound(void **state)
{
    (void)state;
    char *s = hl("c’est-à-dire",
                 "C’est à Paris, c’est-à-dire ici, qu’il est à l’heure.", 0, 0);
    assert_string_equal(s, "C’est à Paris, c’[est-à-dire] ici, qu’il est à "
                           "l’heure.");
    free(s);
    /* the parts written apart, in a row, are the compound too */
    s = hl("porte-monnaie", "Un porte monnaie, une porte, la monnaie.", 0, 0);
    assert_string_equal(s, "Un [porte monnaie], une porte, la monnaie.");
    free(s);
    /* a part asked for alone is marked inside compounds */
    s = hl("monnaie", "son porte-monnaie et sa monnaie", 0, 0);
    assert_string_equal(s, "son porte-[monnaie] et sa [monnaie]");
    free(s);
}

static void test_highlight_spellings_without_hyphen_or_apostrophe(void **state)
{
    (void)state;
    char *s = hl("weekend", "Ce week-end, un weekend de plus.", 0, 0);
    assert_string_equal(s, "Ce [week-end], un [weekend] de plus.");
    free(s);
    s = hl("aujourdhui", "Aujourd’hui comme aujourd'hui.", 0, 0);
    assert_string_equal(s, "[Aujourd’hui] comme [aujourd'hui].");
    free(s);
    s = hl("prud’hommes", "Aux prudhommes, pas aux prud'hommes ?", 0, 0);
    assert_string_equal(s, "Aux [prudhommes], pas aux [prud'hommes] ?");
    free(s);
}

static void test_highlight_prefix(void **state)
{
    (void)state;
    char *s = hl("vél*", "Un vélo, des vélos, un vélodrome, le VELIB et un "
                         "avélo.", 0, 0);
    assert_string_equal(s, "Un [vélo], des [vélos], un [vélodrome], le "
                           "[VELIB] et un avélo.");
    free(s);
}

static void test_highlight_title(void **state)
{
    (void)state;
    frs_parsed_t *p;
    char *err;
    const char *q = "title:marseille \"Tour de France\" vélo -ville";
    assert_int_equal(frs_qparse(an, q, strlen(q), NULL, &p, &err), FRS_OK);
    frs_hl_opts_t o = {"<mark>", "</mark>", 1, 10};
    const char *title = "Le Tour de France & le vélo  passent par Marseille, "
                        "ville de départ";
    char *s = frs_highlight_title(an, title, strlen(title), p, &o);
    /* whole (max_bytes ignored), escaped, title: words marked too */
    assert_string_equal(s, "Le <mark>Tour de France</mark> &amp; le "
                           "<mark>vélo</mark> passent par "
                           "<mark>Marseille</mark>, ville de départ");
    free(s);
    /* a title: word is not marked in the body */
    const char *body = "Marseille et le vélo.";
    o.max_bytes = 0;
    s = frs_highlight(an, body, strlen(body), p, &o);
    assert_string_equal(s, "Marseille et le <mark>vélo</mark>.");
    free(s);
    s = frs_highlight_title(an, "", 0, p, &o);
    assert_string_equal(s, "");
    free(s);
    frs_parsed_free(p);
}

static void test_highlight_html_escaped(void **state)
{
    (void)state;
    char *s = hl("prix", "<b>prix</b> & \"taxes\"", 1, 0);
    assert_string_equal(s, "&lt;b&gt;[prix]&lt;/b&gt; &amp; &quot;taxes&quot;");
    free(s);
}

static void test_highlight_window_holds_matches(void **state)
{
    (void)state;
    char text[4000] = "";
    for (int i = 0; i < 100; i++)
        strcat(text, "remplissage ");
    strcat(text, "le cheval blanc galope ");
    for (int i = 0; i < 100; i++)
        strcat(text, "bourrage ");
    char *s = hl("cheval", text, 0, 120);
    assert_non_null(strstr(s, "[cheval]"));
    assert_true(strlen(s) <= 120 + 10);
    assert_memory_equal(s, "\xe2\x80\xa6 ", 4);
    assert_non_null(strstr(s, " \xe2\x80\xa6"));
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_highlight_marks_exact_and_inflected_forms),
        cmocka_unit_test(test_highlight_stopwords_only_in_phrases),
        cmocka_unit_test(test_highlight_compound_marked_whole),
        cmocka_unit_test(test_highlight_phrase_marks_its_occurrences_only),
        cmocka_unit_test(test_highlight_compound_parts_within_the_compound),
        cmocka_unit_test(test_highlight_spellings_without_hyphen_or_apostrophe),
        cmocka_unit_test(test_highlight_prefix),
        cmocka_unit_test(test_highlight_title),
        cmocka_unit_test(test_highlight_html_escaped),
        cmocka_unit_test(test_highlight_window_holds_matches),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
