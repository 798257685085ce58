/* SPDX-License-Identifier: MIT
 * test_meili.c: the Meilisearch API's request and response mapping without
 * a socket: the GET query string typed as JSON, every parameter's
 * validation and error code, multi-search bodies, and responses built on a
 * real on-disk database: hits as articles, filters, date sort, placeholder
 * search, facets counted in articles, page mode, highlighting, cropping
 * and the ranking score.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer.h"
#include "meili.h"
#include "search.h"

static char dir[64];

static void add(frs_indexer_t *ix, const char *id, const char *title,
                const char *date, const char *body)
{
    frs_article_t a = {"t", 1, id, title, NULL, date, body, strlen(body)};
    assert_int_equal(frs_indexer_add(ix, &a), FRS_OK);
}

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/frs-meili-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    strcat(dir, "/db");
    frs_indexer_opts_t o = {.passage = {.min_words = 5, .max_words = 40},
                            .batch_articles = 100, .create = 1};
    frs_indexer_t *ix;
    char *err;
    if (frs_indexer_open(dir, &o, &ix, &err) != FRS_OK)
        return -1;
    add(ix, "a", "Le vélo à Lyon", "2023-07-14",
        "Les habitants de Lyon prennent le vélo pour aller au travail, "
        "un vélo électrique le plus souvent, même sous la pluie d'automne.");
    add(ix, "b", "Un marché", "2024-03-01",
        "Le marché du samedi attire les habitants, à pied ou à vélo.");
    add(ix, "c", "Trains", "2024-03-20", "Les trains régionaux roulent.");
    add(ix, "d", "Sans date", NULL, "Un vélo sans date, un article ancien.");
    add(ix, "e", "Église", "2022-05-02", "L’église Saint-Martin rouvre.");
    int rc = frs_indexer_commit(ix);
    frs_indexer_free(ix);
    return rc == FRS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    *strrchr(dir, '/') = '\0';
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The response to a POST body, which must be valid. */
static json_t *search(const char *body)
{
    json_t *b = json_loads(body, 0, NULL);
    assert_non_null(b);
    frs_meili_req_t req;
    frs_api_error_t err = {0};
    if (frs_meili_parse(b, "news", 0, &req, &err) != FRS_OK)
        fail_msg("%s: %s", body, err.message);
    json_decref(b);
    frs_searcher_t *s = NULL;
    char *msg = NULL;
    assert_int_equal(frs_searcher_open(dir, &s, &msg), FRS_OK);
    json_t *out = NULL;
    assert_int_equal(frs_meili_search(s, NULL, &req, &out, &err), FRS_OK);
    frs_meili_req_clear(&req);
    frs_searcher_free(s);
    return out;
}

/* The ids of the hits, comma-separated (static). */
static const char *ids(json_t *r)
{
    static char buf[256];
    buf[0] = '\0';
    size_t i;
    json_t *h;
    json_array_foreach(json_object_get(r, "hits"), i, h) {
        if (i)
            strcat(buf, ",");
        strcat(buf, json_string_value(json_object_get(h, "id")));
    }
    return buf;
}

static json_int_t num(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

/* The error code of a body (FRS_EINVAL required), and its status. */
static const char *refused(const char *body, unsigned *status)
{
    static frs_api_error_t err;
    json_t *b = json_loads(body, 0, NULL);
    assert_non_null(b);
    frs_meili_req_t req;
    memset(&err, 0, sizeof err);
    if (frs_meili_parse(b, "news", 0, &req, &err) != FRS_EINVAL)
        fail_msg("%s was accepted", body);
    json_decref(b);
    if (status)
        *status = err.status;
    json_t *j = frs_meili_error_json(&err);
    assert_string_equal(json_string_value(json_object_get(j, "code")),
                        err.code);
    assert_non_null(strstr(json_string_value(json_object_get(j, "link")),
                           err.code));
    assert_true(strlen(json_string_value(json_object_get(j, "message"))) > 10);
    json_decref(j);
    return err.code;
}

static void test_meili_query_string_is_typed(void **state)
{
    (void)state;
    json_t *o = NULL;
    frs_api_error_t err = {0};
    assert_int_equal(frs_meili_query_string(
                         "q=v%C3%A9lo+lyon&limit=5&showRankingScore=true&"
                         "facets=year,+month&sort=date:desc&filter=year%3D2024",
                         &o, &err),
                     FRS_OK);
    char *d = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
    assert_string_equal(d, "{\"facets\":[\"year\",\"month\"],\"filter\":"
                           "\"year=2024\",\"limit\":5,\"q\":\"vélo lyon\","
                           "\"showRankingScore\":true,\"sort\":"
                           "[\"date:desc\"]}");
    free(d);
    json_decref(o);
    const char *bad[] = {"limit=abc", "showRankingScore=1", "q=a&q=b",
                         "nope=1", "q=%zz", "q=%C3%28", "indexUid=news",
                         "q=a%00b"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        assert_int_equal(frs_meili_query_string(bad[i], &o, &err), FRS_EINVAL);
        assert_null(o);
        assert_int_equal(err.status, 400);
    }
    assert_int_equal(frs_meili_query_string(NULL, &o, &err), FRS_OK);
    assert_int_equal(json_object_size(o), 0);
    json_decref(o);
}

static void test_meili_parse_refuses_with_codes(void **state)
{
    (void)state;
    unsigned st = 0;
    assert_string_equal(refused("{\"filter\": \"title = 1\"}", &st),
                        "invalid_search_filter");
    assert_int_equal(st, 400);
    assert_string_equal(refused("{\"limit\": -1}", NULL),
                        "invalid_search_limit");
    assert_string_equal(refused("{\"offset\": \"3\"}", NULL),
                        "invalid_search_offset");
    assert_string_equal(refused("{\"sort\": [\"id:asc\"]}", NULL),
                        "invalid_search_sort");
    assert_string_equal(refused("{\"facets\": [\"url\"]}", NULL),
                        "invalid_search_facets");
    assert_string_equal(refused("{\"attributesToCrop\": [\"passage:x\"]}",
                                NULL),
                        "invalid_search_attributes_to_crop");
    assert_string_equal(refused("{\"showMatchesPosition\": true}", NULL),
                        "invalid_search_show_matches_position");
    assert_string_equal(refused("{\"hybrid\": {}}", NULL),
                        "invalid_search_hybrid_query");
    assert_string_equal(refused("{\"typoTolerance\": 1}", NULL),
                        "bad_request");
    assert_string_equal(refused("{\"indexUid\": \"news\"}", NULL),
                        "bad_request"); /* only in a multi-search */
    assert_string_equal(refused("[]", NULL), "bad_request");
    /* a multi-search names the query at fault */
    json_t *b = json_loads("{\"queries\": [{\"indexUid\": \"news\"}, "
                           "{\"indexUid\": \"other\"}]}", 0, NULL);
    frs_meili_req_t *reqs = NULL;
    size_t n = 0;
    frs_api_error_t err = {0};
    assert_int_equal(frs_meili_parse_multi(b, "news", &reqs, &n, &err),
                     FRS_EINVAL);
    assert_null(reqs);
    assert_int_equal(err.status, 404);
    assert_string_equal(err.code, "index_not_found");
    assert_non_null(strstr(err.message, "Inside `.queries[1]`"));
    json_decref(b);
    b = json_loads("{\"queries\": [{\"indexUid\": \"news\", \"q\": \"a\"}, "
                   "{\"indexUid\": \"news\"}]}", 0, NULL);
    assert_int_equal(frs_meili_parse_multi(b, "news", &reqs, &n, &err),
                     FRS_OK);
    assert_int_equal(n, 2);
    assert_string_equal(reqs[0].q, "a");
    assert_string_equal(reqs[1].q, "");
    frs_meili_reqs_free(reqs, n);
    json_decref(b);
}

static void test_meili_hits_filters_and_sort(void **state)
{
    (void)state;
    json_t *r = search("{\"q\": \"vélo\"}");
    /* every article with the word, best first; defaults echoed */
    assert_int_equal(num(r, "estimatedTotalHits"), 3);
    assert_int_equal(num(r, "limit"), 20);
    assert_string_equal(ids(r), "a,d,b");
    json_t *h = json_array_get(json_object_get(r, "hits"), 0);
    assert_string_equal(json_string_value(json_object_get(h, "month")),
                        "2023-07");
    assert_int_equal(num(h, "year"), 2023);
    assert_int_equal(num(h, "timestamp"), 1689292800);
    assert_non_null(strstr(json_string_value(json_object_get(h, "passage")),
                           "vélo électrique"));
    assert_null(json_object_get(h, "_formatted"));
    assert_true(json_is_null(json_object_get(r, "suggestion")));
    json_decref(r);
    /* undated articles: not in comparisons, in negations */
    r = search("{\"q\": \"vélo\", \"filter\": \"year >= 2023\"}");
    assert_string_equal(ids(r), "a,b");
    json_decref(r);
    r = search("{\"q\": \"vélo\", \"filter\": [\"NOT year = 2024\"]}");
    assert_string_equal(ids(r), "a,d");
    json_decref(r);
    r = search("{\"q\": \"vélo\", \"filter\": [[\"month = 2024-03\", "
               "\"date NOT EXISTS\"]]}");
    assert_string_equal(ids(r), "d,b");
    json_decref(r);
    /* placeholder search, by date: newest first, undated last */
    r = search("{\"sort\": [\"date:desc\"], \"attributesToRetrieve\": "
               "[\"id\"]}");
    assert_string_equal(ids(r), "c,b,a,e,d");
    assert_int_equal(json_object_size(json_array_get(json_object_get(r, "hits"), 0)), 1);
    json_decref(r);
    r = search("{\"q\": \"\", \"sort\": [\"date:asc\"], \"filter\": "
               "\"timestamp > 1689292800\"}");
    assert_string_equal(ids(r), "b,c");
    json_decref(r);
}

static void test_meili_facets_pages_and_formatting(void **state)
{
    (void)state;
    json_t *r = search("{\"facets\": [\"*\"], \"hitsPerPage\": 2, "
                       "\"page\": 2}");
    /* page mode: exact totals, the second pair of articles */
    assert_int_equal(num(r, "totalHits"), 5);
    assert_int_equal(num(r, "totalPages"), 3);
    assert_int_equal(num(r, "page"), 2);
    assert_null(json_object_get(r, "estimatedTotalHits"));
    assert_int_equal(json_array_size(json_object_get(r, "hits")), 2);
    char *d = json_dumps(json_object_get(r, "facetDistribution"),
                         JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(d, "{\"month\":{\"2022-05\":1,\"2023-07\":1,"
                           "\"2024-03\":2},\"year\":{\"2022\":1,\"2023\":1,"
                           "\"2024\":2}}");
    free(d);
    d = json_dumps(json_object_get(r, "facetStats"), JSON_COMPACT);
    assert_string_equal(d, "{\"year\":{\"min\":2022,\"max\":2024}}");
    free(d);
    json_decref(r);
    /* highlighting and cropping, with the given tags and marker */
    r = search("{\"q\": \"pluie\", \"attributesToHighlight\": [\"*\"], "
               "\"highlightPreTag\": \"[\", \"highlightPostTag\": \"]\", "
               "\"attributesToCrop\": [\"passage\"], \"cropLength\": 4, "
               "\"cropMarker\": \"~\", \"showRankingScore\": true}");
    json_t *h = json_array_get(json_object_get(r, "hits"), 0);
    json_t *f = json_object_get(h, "_formatted");
    assert_string_equal(json_string_value(json_object_get(f, "passage")),
                        "~sous la [pluie] d'automne."); /* at the end */
    assert_string_equal(json_string_value(json_object_get(f, "title")),
                        "Le vélo à Lyon");
    assert_string_equal(json_string_value(json_object_get(f, "year")), "2023");
    assert_true(json_real_value(json_object_get(h, "_rankingScore")) == 1.0);
    json_decref(r);
    r = search("{\"q\": \"vélo\", \"attributesToHighlight\": [\"title\"], "
               "\"attributesToCrop\": [\"title:2\"], \"showRankingScore\": "
               "true}");
    h = json_array_get(json_object_get(r, "hits"), 0);
    f = json_object_get(h, "_formatted");
    assert_string_equal(json_string_value(json_object_get(f, "title")),
                        "…<em>vélo</em> à…");
    /* not asked: the passage is whole and plain */
    assert_string_equal(json_string_value(json_object_get(f, "passage")),
                        json_string_value(json_object_get(h, "passage")));
    double prev = 2;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r, "hits"), i, x) {
        double sc = json_real_value(json_object_get(x, "_rankingScore"));
        assert_true(sc > 0 && sc <= 1 && sc <= prev);
        prev = sc;
    }
    json_decref(r);
    /* the window stops at rank 1 000 */
    r = search("{\"offset\": 1200, \"limit\": 5}");
    assert_int_equal(json_array_size(json_object_get(r, "hits")), 0);
    assert_int_equal(num(r, "offset"), 1200);
    assert_int_equal(num(r, "estimatedTotalHits"), 5);
    json_decref(r);
    r = search("{\"q\": \"eglize\"}");
    assert_string_equal(json_string_value(json_object_get(r, "suggestion")),
                        "église");
    json_decref(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_meili_query_string_is_typed),
        cmocka_unit_test(test_meili_parse_refuses_with_codes),
        cmocka_unit_test(test_meili_hits_filters_and_sort),
        cmocka_unit_test(test_meili_facets_pages_and_formatting),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
