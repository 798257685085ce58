/* SPDX-License-Identifier: MIT
 * test_suggest.c: spelling suggestions on a real on-disk database written by
 * the indexer (which stores the spelling data): misspelled words corrected
 * in the indexed spelling, query syntax kept, known words and other
 * inflections left alone, filters respected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "indexer.h"
#include "search.h"
#include "suggest.h"

static char *root, *dir; /* dir: the database, in root */

static const frs_test_doc_t docs[] = {
    {"eglise", "L’Église Saint-Martin rouvre", NULL, "2022-05-02",
     "Église Saint-Martin : l’église rouvre après deux ans de travaux.\n\n"
     "Les églises de la région attendent elles aussi des travaux."},
    {"teletravail", "Au bureau ou chez soi", NULL, "2021-03-10",
     "Le télétravail progresse dans les entreprises de la région.\n\n"
     "Les salariés apprécient le télétravail deux jours par semaine."},
    {"eolien", "Au large", NULL, "2023-06-01",
     "Les éoliennes en mer produiront bientôt l’électricité de la ville."},
    {"velo", "Marseille en fête", NULL, "2023-07-14",
     "Les coureurs ont roulé à vélo sous la pluie jusqu’au port."},
};

static int setup(void **state)
{
    (void)state;
    return frs_test_tmpdb("suggest", docs, sizeof docs / sizeof *docs, &root,
                          &dir);
}

static int teardown(void **state)
{
    (void)state;
    return frs_test_tmpdb_free(&root, &dir);
}

/* The suggestion for q (NULL when none), with default parameters or p. */
static char *suggest(const char *q, const frs_search_params_t *p)
{
    frs_searcher_t *s = NULL;
    char *err = NULL;
    assert_int_equal(frs_searcher_open(dir, &s, &err), FRS_OK);
    frs_search_params_t d;
    frs_search_params_init(&d);
    char *out = (char *)1;
    assert_int_equal(frs_suggest(s, q, strlen(q), p ? p : &d, &out), FRS_OK);
    frs_searcher_free(s);
    return out;
}

static void expect(const char *q, const char *want)
{
    char *got = suggest(q, NULL);
    if (want == NULL && got != NULL)
        fail_msg("'%s': unexpected suggestion '%s'", q, got);
    if (want != NULL && (got == NULL || strcmp(got, want) != 0))
        fail_msg("'%s': expected '%s', got '%s'", q, want,
                 got ? got : "(none)");
    free(got);
}

static void test_suggest_corrects_in_indexed_spelling(void **state)
{
    (void)state;
    /* the lower-case, accented form found in the text, not "eglise" */
    expect("eglize", "église");
    expect("EGLIZE", "église");
    expect("teletravial", "télétravail");
}

static void test_suggest_keeps_query_syntax(void **state)
{
    (void)state;
    expect("\"eglize saint-martin\" -velo", "\"église saint-martin\" -velo");
    expect("title:eglize", "title:église");
    expect("l’eglize de la region", "l’église de la region");
    expect("+teletravial bureau", "+télétravail bureau");
    expect("eglize teletravial", "église télétravail");
}

static void test_suggest_skips_operators_prefixes_and_exclusions(void **state)
{
    (void)state;
    /* the operators stay, the words around them are corrected */
    expect("velo OR eglize", "velo OR église");
    expect("(eglize AND travaux) OR velo", "(église AND travaux) OR velo");
    /* a prefix is not a word of its own: "teletrav*" is not corrected */
    expect("eglize*", NULL);
    expect("teletravial bureau*", "télétravail bureau*");
    /* an excluded word is left as typed: correcting it would change what
     * is left out */
    expect("velo -eglize", NULL);
    expect("velo NOT eglize", NULL);
    expect("eglize NOT velo", "église NOT velo");
}

static void test_suggest_leaves_known_words(void **state)
{
    (void)state;
    expect("église", NULL);
    expect("eglise travaux", NULL);
    /* not indexed in this form, but its stem is: not a misspelling */
    expect("éolienne", NULL);
    /* only in a title */
    expect("marseille", NULL);
    /* stop words, short words, numbers and hopeless words */
    expect("de la", NULL);
    expect("vlo", NULL);
    expect("12345", NULL);
    expect("zzzqqqxxx", NULL);
}

static void test_suggest_only_when_it_finds_something(void **state)
{
    (void)state;
    frs_search_params_t p;
    frs_search_params_init(&p);
    p.from = "2024-01-01"; /* the church article is from 2022 */
    char *got = suggest("eglize", &p);
    assert_null(got);
    p.from = "2022-01-01";
    p.to = "2022-12-31";
    got = suggest("eglize", &p);
    assert_non_null(got);
    assert_string_equal(got, "église");
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suggest_corrects_in_indexed_spelling),
        cmocka_unit_test(test_suggest_keeps_query_syntax),
        cmocka_unit_test(test_suggest_skips_operators_prefixes_and_exclusions),
        cmocka_unit_test(test_suggest_leaves_known_words),
        cmocka_unit_test(test_suggest_only_when_it_finds_something),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
