/* SPDX-License-Identifier: MIT
 * test_output.c: the presentations of output.c over results of a real
 * search on a real database: the text blocks (the other passages counted,
 * the title-only note, colours), the JSON document (title_snippet,
 * title_only, rounded numbers), TREC lines and batch JSON lines.
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
#include "output.h"
#include "search.h"

static char *root, *dir;
static char buf[65536];

static const frs_test_doc_t docs[] = {
    {"eglise", "L’Église Saint-Martin rouvre", "https://exemple.fr/e",
     "2022-05-02",
     "L’église Saint-Martin rouvre après deux ans de travaux.\n\n"
     "Les églises de la région attendent elles aussi des travaux, et "
     "l’église voisine ferme.\n\n"
     "Une église de plus sera restaurée l’an prochain, dit le maire."},
    {"velo", "Marseille en fête", NULL, NULL,
     "Les coureurs ont roulé à vélo sous la pluie jusqu’au port."},
};

static int setup(void **state)
{
    (void)state;
    return frs_test_tmpdb("output", docs, sizeof docs / sizeof *docs, &root,
                          &dir);
}

static int teardown(void **state)
{
    (void)state;
    return frs_test_tmpdb_free(&root, &dir);
}

static frs_searcher_t *s;

/* The results of q over the database (passages: one hit per passage). */
static frs_results_t *search(const char *q, int passages)
{
    char *err = NULL;
    if (!s)
        assert_int_equal(frs_searcher_open(dir, &s, &err), FRS_OK);
    frs_search_params_t p;
    frs_search_params_init(&p);
    p.passages = passages;
    frs_results_t *r = NULL;
    assert_int_equal(frs_searcher_run(s, q, strlen(q), &p, &r, &err), FRS_OK);
    return r;
}

static void slurp(FILE *f)
{
    rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
}

static void text_of(const char *q, int passages, int color)
{
    frs_results_t *r = search(q, passages);
    frs_out_opts_t o = {color, 0, 0, NULL, NULL};
    FILE *f = tmpfile();
    assert_non_null(f);
    frs_output_text(f, s, r, &o);
    slurp(f);
    frs_results_free(r);
}

static void test_output_text_blocks(void **state)
{
    (void)state;
    text_of("église", 0, 0);
    assert_non_null(strstr(buf, "  1. L’Église Saint-Martin rouvre  ("));
    assert_non_null(strstr(buf, "     2022-05-02 | https://exemple.fr/e | "
                                "passage "));
    assert_non_null(strstr(buf, "| eglise | + 2 autres passages\n"));
    assert_null(strstr(buf, "\x1b["));
    text_of("église", 1, 0);
    assert_non_null(strstr(buf, "  3. L’Église Saint-Martin rouvre"));
    /* found through the title only; no date, no url: the id */
    text_of("title:marseille", 0, 0);
    assert_non_null(strstr(buf, "     velo | passage 1/1 | trouvé par le "
                                "titre seul\n"));
    /* colours: the title's match marked, back to bold after it */
    text_of("église", 0, 1);
    assert_non_null(strstr(buf, "L’\x1b[1;31mÉglise\x1b[0m\x1b[1m Saint"));
}

static void test_output_json(void **state)
{
    (void)state;
    frs_results_t *r = search("title:marseille", 0);
    frs_search_params_t p;
    frs_search_params_init(&p);
    frs_out_opts_t o = {0, 0, 0, NULL, NULL};
    json_t *j = frs_results_json(s, "title:marseille", &p, r, &o);
    json_t *h = json_array_get(json_object_get(j, "hits"), 0);
    assert_non_null(h);
    assert_string_equal(json_string_value(json_object_get(h,
                                                          "title_snippet")),
                        "<mark>Marseille</mark> en fête");
    assert_true(json_is_true(json_object_get(h, "title_only")));
    double sc = json_real_value(json_object_get(h, "score"));
    assert_true(sc > 0);
    assert_true(sc * 1e4 == (double)(long long)(sc * 1e4 + 0.5) ||
                sc * 1e4 == (double)(long long)(sc * 1e4));
    char *t = json_dumps(j, FRS_OUT_JSON_FLAGS);
    assert_non_null(t);
    /* no number printed with more than 6 decimals */
    for (const char *c = t; *c; c++)
        if (*c == '.' && c > t && c[-1] >= '0' && c[-1] <= '9') {
            size_t k = strspn(c + 1, "0123456789");
            assert_true(k <= 6);
        }
    free(t);
    json_decref(j);
    frs_results_free(r);
}

static void test_output_trec_and_batch(void **state)
{
    (void)state;
    frs_results_t *r = search("église", 0);
    FILE *f = tmpfile();
    frs_output_trec(f, "q9", r, 0);
    slurp(f);
    assert_int_equal(strncmp(buf, "q9 Q0 eglise 1 ", 15), 0);
    assert_non_null(strstr(buf, " frs\n"));
    frs_results_free(r);
    r = search("église", 1);
    f = tmpfile();
    frs_output_trec(f, "q9", r, 1);
    slurp(f);
    assert_non_null(strstr(buf, "q9 Q0 eglise#0 "));
    assert_non_null(strstr(buf, "q9 Q0 eglise#2 "));
    f = tmpfile();
    frs_output_batch_json(f, "q9", r);
    slurp(f);
    assert_int_equal(strncmp(buf, "{\"qid\":\"q9\",\"took_ms\":", 22), 0);
    assert_non_null(strstr(buf, "\"article_id\":\"eglise\""));
    frs_results_free(r);
    f = tmpfile();
    frs_output_batch_json(f, "bad", NULL); /* a query that failed */
    slurp(f);
    assert_string_equal(buf, "{\"qid\":\"bad\",\"took_ms\":0.0,\"hits\":[]}\n");
    frs_searcher_free(s);
    s = NULL;
}

static void test_output_rounding(void **state)
{
    (void)state;
    json_t *a = frs_json_score(14.572428458546678);
    json_t *b = frs_json_ms(0.40067000000000003);
    char *t = json_dumps(a, JSON_ENCODE_ANY | FRS_OUT_JSON_FLAGS);
    char *u = json_dumps(b, JSON_ENCODE_ANY | FRS_OUT_JSON_FLAGS);
    assert_string_equal(t, "14.5724");
    assert_string_equal(u, "0.401");
    free(t);
    free(u);
    json_decref(a);
    json_decref(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_text_blocks),
        cmocka_unit_test(test_output_json),
        cmocka_unit_test(test_output_trec_and_batch),
        cmocka_unit_test(test_output_rounding),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
