/* SPDX-License-Identifier: MIT
 * test_search.c: indexer and searcher together on a real on-disk database:
 * ranking by meaning, one hit per article with its best passage, passages
 * listed, exclusion over the whole article, date filters, explanations that
 * add up to Xapian's scores, schema refusal.
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
#include "schema.h"
#include "search.h"
#include "xdb.h"

static char *root, *dir; /* dir: the database, in root */

static const frs_test_doc_t docs[] = {
    {"velo-course", "Le Tour de France à vélo", NULL, "2023-07-14",
     "Les coureurs du Tour de France ont roulé à vélo sous la pluie.\n\n"
     "Le maillot jaune a gardé son avance dans la montagne malgré le vent."},
    {"velo-ville", "Pistes cyclables", NULL, "2024-03-01",
     "La ville ouvre une piste cyclable pour le vélo et les trottinettes.\n\n"
     "Les cyclistes saluent la piste, les commerçants sont plus réservés."},
    {"eglise", "L’Église Saint-Martin rouvre", NULL, "2022-05-02",
     "L’église Saint-Martin rouvre après deux ans de travaux.\n\n"
     "Les églises de la région attendent elles aussi des travaux."},
    {"pommes", "Récolte", NULL, "2021-09-20",
     "La récolte de pommes de terre est bonne cette année.\n\n"
     "Une pomme de terre sur deux part à l’export, dit la coopérative."},
};

static int setup(void **state)
{
    (void)state;
    return frs_test_tmpdb("search", docs, sizeof docs / sizeof *docs, &root,
                          &dir);
}

static int teardown(void **state)
{
    (void)state;
    return frs_test_tmpdb_free(&root, &dir);
}

static frs_results_t *run(frs_searcher_t *s, const char *q,
                          frs_search_params_t *p)
{
    frs_results_t *r = NULL;
    char *err = NULL;
    frs_status_t rc = frs_searcher_run(s, q, strlen(q), p, &r, &err);
    if (rc != FRS_OK)
        fail_msg("%s: %s", q, err ? err : frs_strerror(rc));
    return r;
}

static frs_searcher_t *open_s(void)
{
    frs_searcher_t *s = NULL;
    char *err = NULL;
    assert_int_equal(frs_searcher_open(dir, &s, &err), FRS_OK);
    return s;
}

static void test_search_ranks_by_meaning(void **state)
{
    (void)state;
    frs_searcher_t *s = open_s();
    frs_search_params_t p;
    frs_search_params_init(&p);
    frs_results_t *r = run(s, "eglise", &p);
    assert_true(r->n >= 1);
    assert_string_equal(r->hits[0].info.id, "eglise");
    assert_string_equal(r->hits[0].info.title, "L’Église Saint-Martin rouvre");
    frs_results_free(r);
    r = run(s, "\"pomme de terre\"", &p);
    assert_int_equal(r->n, 1); /* "pommes de terre" is not the phrase */
    assert_string_equal(r->hits[0].info.id, "pommes");
    frs_results_free(r);
    r = run(s, "vélo -cyclable", &p);
    for (size_t i = 0; i < r->n; i++)
        assert_string_not_equal(r->hits[i].info.id, "velo-ville");
    assert_true(r->n >= 1);
    frs_results_free(r);
    frs_searcher_free(s);
}

static void test_search_one_hit_per_article(void **state)
{
    (void)state;
    frs_searcher_t *s = open_s();
    frs_search_params_t p;
    frs_search_params_init(&p);
    frs_results_t *r = run(s, "travaux églises", &p);
    assert_int_equal(r->n, 1); /* both passages of one article match */
    assert_string_equal(r->hits[0].info.id, "eglise");
    assert_int_equal(r->hits[0].info.npassages, 2);
    assert_int_equal(r->hits[0].matching, 2);
    /* the second passage holds both words as typed, the first "église" */
    assert_int_equal(r->hits[0].passage, 1);
    size_t len;
    const char *t = frs_hit_text(&r->hits[0], &len);
    assert_memory_equal(t, "Les églises", strlen("Les églises"));
    assert_false(r->hits[0].title_only);
    frs_results_free(r);
    /* a word only in the title: the article, flagged */
    r = run(s, "rouvre", &p);
    assert_int_equal(r->n, 1);
    assert_int_equal(r->hits[0].matching, 1);
    frs_results_free(r);
    r = run(s, "récolte", &p);
    assert_int_equal(r->n, 1);
    assert_int_equal(r->hits[0].matching, 1);
    assert_false(r->hits[0].title_only);
    frs_results_free(r);
    r = run(s, "title:pistes", &p);
    assert_int_equal(r->n, 1);
    assert_true(r->hits[0].title_only);
    frs_results_free(r);
    frs_searcher_free(s);
}

static void test_search_passages_listed(void **state)
{
    (void)state;
    frs_searcher_t *s = open_s();
    frs_search_params_t p;
    frs_search_params_init(&p);
    p.passages = 1;
    frs_results_t *r = run(s, "travaux églises", &p);
    assert_int_equal(r->n, 2);
    assert_string_equal(r->hits[0].info.id, "eglise");
    assert_string_equal(r->hits[1].info.id, "eglise");
    assert_int_equal(r->hits[0].passage, 1);
    assert_int_equal(r->hits[1].passage, 0);
    assert_true(r->hits[0].passage_score > r->hits[1].passage_score);
    frs_results_free(r);
    p.offset = 1;
    r = run(s, "travaux églises", &p);
    assert_int_equal(r->n, 1);
    assert_int_equal(r->hits[0].passage, 0);
    assert_int_equal(r->hits[0].rank, 2);
    frs_results_free(r);
    frs_searcher_free(s);
}

static void test_search_exclusion_covers_the_article(void **state)
{
    (void)state;
    frs_searcher_t *s = open_s();
    frs_search_params_t p;
    frs_search_params_init(&p);
    /* "région" is in the other passage of the only article with "église" */
    frs_results_t *r = run(s, "église -région", &p);
    assert_int_equal(r->n, 0);
    frs_results_free(r);
    r = run(s, "église -cyclable", &p);
    assert_int_equal(r->n, 1);
    frs_results_free(r);
    frs_searcher_free(s);
}

static void test_search_date_filter(void **state)
{
    (void)state;
    frs_searcher_t *s = open_s();
    frs_search_params_t p;
    frs_search_params_init(&p);
    p.from = "2024-01-01";
    frs_results_t *r = run(s, "vélo", &p);
    assert_int_equal(r->n, 1);
    assert_string_equal(r->hits[0].info.id, "velo-ville");
    frs_results_free(r);
    p.from = "2024-1-1";
    char *err = NULL;
    assert_int_equal(frs_searcher_run(s, "vélo", 5, &p, &r, &err), FRS_EINVAL);
    assert_non_null(err);
    free(err);
    /* calendar dates only (date.h), on either bound, named in the message */
    const char *bad[] = {"2023-13-01", "2023-02-30", "2023-04-31"};
    for (size_t i = 0; i < 3; i++) {
        p.from = i == 2 ? "2023-01-01" : bad[i];
        p.to = i == 2 ? bad[i] : NULL;
        err = NULL;
        assert_int_equal(frs_searcher_run(s, "vélo", 5, &p, &r, &err),
                         FRS_EINVAL);
        assert_non_null(err);
        assert_non_null(strstr(err, bad[i]));
        assert_non_null(strstr(err, "calendar date"));
        free(err);
    }
    p.from = "2024-02-29"; /* a leap day is a day */
    p.to = NULL;
    r = run(s, "vélo", &p);
    frs_results_free(r);
    frs_searcher_free(s);
}

static void test_search_explain_sums_to_score(void **state)
{
    (void)state;
    frs_searcher_t *s = open_s();
    static const char *queries[] = {
        "vélo", "église travaux", "\"pomme de terre\" récolte",
        "+vélo pluie -cyclable", "title:église", "tour vélo pomme église",
        "Saint-Martin", "vél*", "trav* pomme", "title:égl*", "pom* OR vél*",
        "(vélo OR pomme) AND NOT cyclable", "vélo AND (pluie OR piste)",
        "Saintmartin", "de la",
    };
    static const double k1s[] = {1.2, 0.5, 2.0}, bs[] = {0.75, 0.0, 1.0};
    static const double pws[] = {0.0, 1.0, 0.8};
    for (size_t k = 0; k < 3; k++) {
        frs_search_params_t p;
        frs_search_params_init(&p);
        p.explain = 1;
        p.passage_weight = pws[k];
        p.title_bonus = k == 0 ? 0 : 0.4;
        p.bm25.k1 = k1s[k];
        p.bm25.b = bs[k];
        p.qp.exact_boost = 1.5;
        for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
            frs_results_t *r = run(s, queries[i], &p);
            assert_true(r->n > 0);
            for (size_t h = 0; h < r->n; h++) {
                const frs_hit_info_t *x = &r->hits[h];
                double want = x->explain.sum + x->passage_part +
                              x->title_part;
                if (want - x->score > 1e-9 || x->score - want > 1e-9)
                    fail_msg("%s k1=%g b=%g pw=%g hit %zu: explain %.12f "
                             "score %.12f", queries[i], k1s[k], bs[k],
                             p.passage_weight, h, want, x->score);
                assert_true(x->explain.n > 0);
            }
            frs_results_free(r);
        }
    }
    frs_searcher_free(s);
}

static void test_search_query_language(void **state)
{
    (void)state;
    frs_searcher_t *s = open_s();
    frs_search_params_t p;
    frs_search_params_init(&p);
    static const struct {
        const char *q, *ids; /* ids found, sorted */
    } cases[] = {
        {"vélo OR pomme", "pommes velo-course velo-ville"},
        {"vélo AND pluie", "velo-course"},
        {"vélo NOT pluie", "velo-ville"},
        {"vélo AND -cyclable", "velo-course"},
        {"(pluie OR récolte) AND NOT terre", "velo-course"},
        {"vél*", "velo-course velo-ville"},
        {"title:pist*", "velo-ville"},
        {"travaux", "eglise"},
        {"saintmartin", "eglise"},     /* Saint-Martin without its hyphen */
        {"de la", "eglise"}, /* a phrase of stop words: "de la région" */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        frs_results_t *r = run(s, cases[i].q, &p);
        char got[200] = "", *ids[10];
        for (size_t h = 0; h < r->n && h < 10; h++)
            ids[h] = r->hits[h].info.id;
        for (size_t a = 0; a < r->n; a++) /* sort the few ids */
            for (size_t b = a + 1; b < r->n; b++)
                if (strcmp(ids[a], ids[b]) > 0) {
                    char *t = ids[a];
                    ids[a] = ids[b];
                    ids[b] = t;
                }
        for (size_t h = 0; h < r->n; h++) {
            strcat(got, h ? " " : "");
            strcat(got, ids[h]);
        }
        if (strcmp(got, cases[i].ids) != 0)
            fail_msg("%s: got [%s], want [%s]", cases[i].q, got,
                     cases[i].ids);
        /* a prefix finds the passage that holds its words */
        for (size_t h = 0; h < r->n; h++)
            if (strchr(cases[i].q, '*') && !strstr(cases[i].q, "title:"))
                assert_false(r->hits[h].title_only);
        frs_results_free(r);
    }
    frs_searcher_free(s);
}

static void test_search_refuses_foreign_schema(void **state)
{
    (void)state;
    frs_xdb_t *w;
    char *err = NULL;
    assert_int_equal(frs_xdb_open(dir, 0, &w, &err), FRS_OK);
    assert_int_equal(frs_xdb_set_metadata(w, FRS_META_SCHEMA, "99"), FRS_OK);
    assert_int_equal(frs_xdb_commit(w), FRS_OK);
    frs_xdb_free(w);
    frs_searcher_t *s = NULL;
    assert_int_equal(frs_searcher_open(dir, &s, &err), FRS_EVERSION);
    assert_null(s);
    assert_non_null(strstr(err, "incompatible"));
    free(err);
    /* and the indexer refuses to write to it */
    frs_indexer_opts_t o = frs_test_indexer_opts();
    o.create = 0;
    frs_indexer_t *ix;
    assert_int_equal(frs_indexer_open(dir, &o, &ix, &err), FRS_EVERSION);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search_ranks_by_meaning),
        cmocka_unit_test(test_search_one_hit_per_article),
        cmocka_unit_test(test_search_passages_listed),
        cmocka_unit_test(test_search_exclusion_covers_the_article),
        cmocka_unit_test(test_search_date_filter),
        cmocka_unit_test(test_search_explain_sums_to_score),
        cmocka_unit_test(test_search_query_language),
        cmocka_unit_test(test_search_refuses_foreign_schema),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
