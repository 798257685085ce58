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
    assert_string_equal(s, "une [pomme] [de] [terre]");
    free(s);
}

static void test_highlight_compound_marked_whole(void **state)
{
    (void)state;
    char *s = hl("porte-monnaie", "son porte-monnaie vide", 0, 0);
    assert_string_equal(s, "son [porte-monnaie] vide");
    free(s);
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
        cmocka_unit_test(test_highlight_html_escaped),
        cmocka_unit_test(test_highlight_window_holds_matches),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
