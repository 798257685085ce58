/* SPDX-License-Identifier: MIT
 * test_server.c: the request-level parts of the HTTP API without a socket:
 * strict percent-decoding, every /search parameter and every way to get it
 * wrong, listen addresses, error bodies, and the response JSON built on a
 * real on-disk database (fields, HTML escaping, custom highlight tags,
 * facets, suggestion, one hit per article).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "indexer.h"
#include "search.h"
#include "longq.h"
#include "server.h"

static char *root, *dir; /* dir: the database, in root */

static const frs_test_doc_t docs[] = {
    {"velo-1", "Le Tour <b>à</b> vélo", "https://exemple.fr/velo-1",
     "2023-07-14",
     "Les coureurs du Tour ont roulé à vélo sous la pluie battante.\n\n"
     "Le vélo <script>alert(1)</script> & les montagnes : une étape "
     "de vélo difficile pour tous les coureurs du peloton."},
    {"velo-2", "Pistes cyclables", NULL, "2024-03-01",
     "La ville ouvre une piste cyclable pour le vélo et les trottinettes."},
    {"velo-3", "Vélo en mars", NULL, "2024-03-20",
     "Le vélo électrique séduit les habitants du centre-ville."},
    {"eglise", "L’Église rouvre", NULL, "2022-05-02",
     "L’église Saint-Martin rouvre après deux ans de travaux."},
};

static int setup(void **state)
{
    (void)state;
    return frs_test_tmpdb("server", docs, sizeof docs / sizeof *docs, &root,
                          &dir);
}

static int teardown(void **state)
{
    (void)state;
    return frs_test_tmpdb_free(&root, &dir);
}

/* ---- decoding --------------------------------------------------------- */

static void test_server_decode(void **state)
{
    (void)state;
    char *out;
    size_t n;
    assert_int_equal(frs_api_decode("a+b%20c", 7, &out, &n), FRS_OK);
    assert_string_equal(out, "a b c");
    assert_int_equal(n, 5);
    free(out);
    assert_int_equal(frs_api_decode("%C3%a9", 6, &out, &n), FRS_OK);
    assert_string_equal(out, "é");
    free(out);
    assert_int_equal(frs_api_decode("x%00y", 5, &out, &n), FRS_OK);
    assert_int_equal(n, 3); /* the NUL is kept, and refused later */
    assert_int_equal(out[1], '\0');
    free(out);
    const char *bad[] = {"%", "%4", "%zz", "a%g1", "%%41", "ab%"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        out = (char *)1;
        assert_int_equal(frs_api_decode(bad[i], strlen(bad[i]), &out, &n),
                         FRS_EINVAL);
        assert_null(out);
    }
}

/* ---- parameters ------------------------------------------------------- */

static void test_server_params_defaults(void **state)
{
    (void)state;
    frs_api_search_t r;
    frs_api_error_t e;
    assert_int_equal(frs_api_parse_search("q=v%C3%A9lo+de+course", &r, &e),
                     FRS_OK);
    assert_string_equal(r.q, "vélo de course");
    assert_int_equal(r.qlen, strlen("vélo de course"));
    assert_int_equal(r.limit, FRS_API_DEFAULT_LIMIT);
    assert_int_equal(r.offset, 0);
    assert_int_equal(r.articles, 0);
    assert_int_equal(r.facet_months, 0);
    assert_string_equal(r.from, "");
    assert_string_equal(r.to, "");
    assert_string_equal(r.pre_tag, "<mark>");
    assert_string_equal(r.post_tag, "</mark>");
    assert_int_equal(r.snippet_length, 300);
    frs_api_search_clear(&r);
}

static void test_server_params_all(void **state)
{
    (void)state;
    frs_api_search_t r;
    frs_api_error_t e;
    assert_int_equal(
        frs_api_parse_search(
            "q=a&limit=100&offset=10000&articles=true&from=2023-01-01"
            "&to=2023-12-31&highlight_pre_tag=%3Cem+class%3D%22hl%22%3E"
            "&highlight_post_tag=%3C%2Fem%3E&snippet_length=2000"
            "&facets=month&&",
            &r, &e),
        FRS_OK);
    assert_int_equal(r.limit, 100);
    assert_int_equal(r.offset, 10000);
    assert_int_equal(r.articles, 1);
    assert_string_equal(r.from, "2023-01-01");
    assert_string_equal(r.to, "2023-12-31");
    assert_string_equal(r.pre_tag, "<em class=\"hl\">");
    assert_string_equal(r.post_tag, "</em>");
    assert_int_equal(r.snippet_length, 2000);
    assert_int_equal(r.facet_months, 1);
    frs_api_search_clear(&r);
    assert_int_equal(frs_api_parse_search("limit=0&q=x&articles=0&facets=",
                                          &r, &e), FRS_OK);
    assert_int_equal(r.limit, 0);
    assert_int_equal(r.articles, 0);
    assert_int_equal(r.facet_months, 0);
    frs_api_search_clear(&r);
}

typedef struct {
    const char *qs;
    const char *code;
    const char *parameter; /* NULL: none expected */
} bad_t;

static void test_server_params_errors(void **state)
{
    (void)state;
    static char longq[FRS_QUERY_MAX_TEXT + 8] = "q=";
    memset(longq + 2, 'a', FRS_QUERY_MAX_TEXT + 1);
    longq[FRS_QUERY_MAX_TEXT + 3] = '\0';
    char tag[100] = "q=a&highlight_pre_tag=";
    memset(tag + strlen(tag), 'x', FRS_API_MAX_TAG_BYTES + 1);
    const bad_t bad[] = {
        {NULL, "missing_parameter", "q"},
        {"", "missing_parameter", "q"},
        {"q=", "missing_parameter", "q"},
        {"limit=5", "missing_parameter", "q"},
        {longq, "query_too_long", "q"},
        {"q=a&limit=101", "invalid_parameter", "limit"},
        {"q=a&limit=-1", "invalid_parameter", "limit"},
        {"q=a&limit=1e2", "invalid_parameter", "limit"},
        {"q=a&limit=", "invalid_parameter", "limit"},
        {"q=a&limit=99999999999999999999", "invalid_parameter", "limit"},
        {"q=a&offset=10001", "invalid_parameter", "offset"},
        {"q=a&offset=+1", "invalid_parameter", "offset"},
        {"q=a&articles=yes", "invalid_parameter", "articles"},
        {"q=a&from=2023-13-01", "invalid_parameter", "from"},
        {"q=a&from=2023-1-1", "invalid_parameter", "from"},
        {"q=a&to=2023-02-32", "invalid_parameter", "to"},
        {"q=a&from=2024-01-01&to=2023-01-01", "invalid_parameter", "from"},
        {"q=a&highlight_pre_tag=", "invalid_parameter", "highlight_pre_tag"},
        {"q=a&highlight_post_tag", "invalid_parameter", "highlight_post_tag"},
        {tag, "invalid_parameter", "highlight_pre_tag"},
        {"q=a&snippet_length=19", "invalid_parameter", "snippet_length"},
        {"q=a&snippet_length=2001", "invalid_parameter", "snippet_length"},
        {"q=a&facets=year", "invalid_parameter", "facets"},
        {"q=a&bogus=1", "unknown_parameter", NULL},
        {"q=a&Q=b", "unknown_parameter", NULL},
        {"q=a&q=b", "invalid_parameter", "q"},
        {"q=%zz", "bad_encoding", NULL},
        {"q=a&limit=1%", "bad_encoding", NULL},
        {"q%2=a", "bad_encoding", NULL},
        {"q=%C3%28", "invalid_utf8", "q"},
        {"q=%ED%A0%80", "invalid_utf8", "q"},  /* a surrogate */
        {"q=%C0%AF", "invalid_utf8", "q"},     /* overlong */
        {"q=a%00b", "invalid_parameter", "q"},
        {"q%FF=a", "invalid_utf8", NULL},
        {"q=a&facets=&facets=month", "invalid_parameter", "facets"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        frs_api_search_t r;
        frs_api_error_t e;
        memset(&e, 0, sizeof e);
        frs_status_t rc = frs_api_parse_search(bad[i].qs, &r, &e);
        if (rc != FRS_EINVAL)
            fail_msg("'%.60s': status %d", bad[i].qs ? bad[i].qs : "(null)",
                     rc);
        if (e.status != 400 || strcmp(e.code, bad[i].code) != 0)
            fail_msg("'%.60s': got %u %s (%s), expected 400 %s",
                     bad[i].qs ? bad[i].qs : "(null)", e.status, e.code,
                     e.message, bad[i].code);
        if (bad[i].parameter ? !e.parameter ||
                                   strcmp(e.parameter, bad[i].parameter)
                             : e.parameter != NULL)
            fail_msg("'%.60s': parameter %s", bad[i].qs,
                     e.parameter ? e.parameter : "(none)");
        assert_true(strlen(e.message) > 5);
        assert_null(r.q);
    }
}

static void test_server_error_json(void **state)
{
    (void)state;
    frs_api_error_t e;
    frs_api_error_set(&e, 400, "invalid_parameter", "limit",
                      "limit must be at most %d", 100);
    json_t *j = frs_api_error_json(&e);
    json_t *err = json_object_get(j, "error");
    assert_non_null(err);
    assert_string_equal(json_string_value(json_object_get(err, "code")),
                        "invalid_parameter");
    assert_string_equal(json_string_value(json_object_get(err, "message")),
                        "limit must be at most 100");
    assert_string_equal(json_string_value(json_object_get(err, "parameter")),
                        "limit");
    json_decref(j);
    frs_api_error_set(&e, 404, "not_found", NULL, "no such resource");
    j = frs_api_error_json(&e);
    assert_null(json_object_get(json_object_get(j, "error"), "parameter"));
    assert_null(json_object_get(json_object_get(j, "error"), "shard"));
    json_decref(j);
    /* a shard at fault is named */
    frs_api_error_set(&e, 503, "unavailable", NULL, "shard %s is not "
                      "answering", "10.0.0.13:7001");
    snprintf(e.shard, sizeof e.shard, "10.0.0.13:7001");
    j = frs_api_error_json(&e);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(j, "error"), "shard")),
                        "10.0.0.13:7001");
    json_decref(j);
}

static void test_server_listen(void **state)
{
    (void)state;
    struct sockaddr_storage sa;
    socklen_t len;
    assert_int_equal(frs_server_parse_listen("127.0.0.1:8080", &sa, &len),
                     FRS_OK);
    assert_int_equal(sa.ss_family, AF_INET);
    assert_int_equal(ntohs(((struct sockaddr_in *)&sa)->sin_port), 8080);
    assert_int_equal(frs_server_parse_listen("9000", &sa, &len), FRS_OK);
    assert_int_equal(ntohl(((struct sockaddr_in *)&sa)->sin_addr.s_addr),
                     0x7f000001);
    assert_int_equal(frs_server_parse_listen("localhost:0", &sa, &len),
                     FRS_OK);
    assert_int_equal(frs_server_parse_listen("0.0.0.0:80", &sa, &len),
                     FRS_OK);
    assert_int_equal(frs_server_parse_listen("[::1]:8080", &sa, &len),
                     FRS_OK);
    assert_int_equal(sa.ss_family, AF_INET6);
    assert_int_equal(len, sizeof(struct sockaddr_in6));
    const char *bad[] = {"", "example.com:80", "127.0.0.1:65536",
                         "127.0.0.1:", ":80", "127.0.0.1:8o", "[::1]",
                         "[::1:80", "::1:80", "[127.0.0.1]:80", "1.2.3:80"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (frs_server_parse_listen(bad[i], &sa, &len) != FRS_EINVAL)
            fail_msg("'%s' accepted", bad[i]);
}

/* ---- responses on a real database --------------------------------------- */

static json_t *respond(const char *qs, frs_api_error_t *e, frs_status_t want)
{
    frs_searcher_t *s = NULL;
    char *err = NULL;
    assert_int_equal(frs_searcher_open(dir, &s, &err), FRS_OK);
    frs_api_search_t r;
    assert_int_equal(frs_api_parse_search(qs, &r, e), FRS_OK);
    json_t *out = NULL;
    assert_int_equal(frs_api_search(s, NULL, &r, &out, e), want);
    frs_api_search_clear(&r);
    frs_searcher_free(s);
    return out;
}

static const char *hit_str(json_t *j, size_t i, const char *k)
{
    return json_string_value(
        json_object_get(json_array_get(json_object_get(j, "hits"), i), k));
}

static void test_server_search_json(void **state)
{
    (void)state;
    frs_api_error_t e;
    json_t *j = respond("q=v%C3%A9lo+montagnes&limit=2", &e, FRS_OK);
    assert_string_equal(json_string_value(json_object_get(j, "query")),
                        "vélo montagnes");
    json_t *hits = json_object_get(j, "hits");
    assert_int_equal(json_array_size(hits), 2);
    assert_true(json_integer_value(json_object_get(j, "estimated_total")) >= 3);
    assert_int_equal(json_integer_value(json_object_get(j, "limit")), 2);
    assert_int_equal(json_integer_value(json_object_get(j, "offset")), 0);
    assert_true(json_is_real(json_object_get(j, "took_ms")));
    assert_true(json_is_null(json_object_get(j, "suggestion")));
    assert_int_equal(json_object_size(json_object_get(j, "facets")), 0);
    /* best first: the passage with both words, its fields */
    assert_string_equal(hit_str(j, 0, "article_id"), "velo-1");
    assert_string_equal(hit_str(j, 0, "title"), "Le Tour <b>à</b> vélo");
    assert_string_equal(hit_str(j, 0, "url"), "https://exemple.fr/velo-1");
    assert_string_equal(hit_str(j, 0, "date"), "2023-07-14");
    json_t *h0 = json_array_get(hits, 0);
    assert_true(json_is_integer(json_object_get(h0, "passage")));
    assert_true(json_real_value(json_object_get(h0, "score")) >=
                json_real_value(json_object_get(json_array_get(hits, 1),
                                                "score")));
    /* the snippet is HTML-escaped, with the matches marked */
    const char *snip = hit_str(j, 0, "snippet");
    assert_non_null(strstr(snip, "&lt;script&gt;"));
    assert_null(strstr(snip, "<script>"));
    assert_non_null(strstr(snip, "&amp;"));
    assert_non_null(strstr(snip, "<mark>vélo</mark>"));
    assert_non_null(strstr(snip, "<mark>montagnes</mark>"));
    json_decref(j);
}

static void test_server_search_tags_and_length(void **state)
{
    (void)state;
    frs_api_error_t e;
    json_t *j = respond("q=v%C3%A9lo&highlight_pre_tag=%5B%5B"
                        "&highlight_post_tag=%5D%5D&snippet_length=40",
                        &e, FRS_OK);
    for (size_t i = 0; i < json_array_size(json_object_get(j, "hits")); i++) {
        const char *snip = hit_str(j, i, "snippet");
        assert_non_null(strstr(snip, "[[vélo]]"));
        assert_null(strstr(snip, "<mark>"));
        /* the window is about 40 bytes, plus markers and ellipses */
        assert_true(strlen(snip) < 40 + 4 * 4 + 2 * 3 + 8);
    }
    json_decref(j);
}

static void test_server_search_facets_articles_dates(void **state)
{
    (void)state;
    frs_api_error_t e;
    json_t *j = respond("q=v%C3%A9lo&facets=month&articles=1&limit=10", &e,
                        FRS_OK);
    json_t *m = json_object_get(json_object_get(j, "facets"), "month");
    assert_non_null(m);
    assert_int_equal(json_integer_value(json_object_get(m, "2024-03")), 2);
    assert_true(json_integer_value(json_object_get(m, "2023-07")) >= 1);
    assert_null(json_object_get(m, "2022-05"));
    json_t *hits = json_object_get(j, "hits");
    assert_int_equal(json_array_size(hits), 3); /* one per article */
    for (size_t i = 0; i < 3; i++)
        for (size_t k = i + 1; k < 3; k++)
            assert_string_not_equal(hit_str(j, i, "article_id"),
                                    hit_str(j, k, "article_id"));
    json_decref(j);
    j = respond("q=v%C3%A9lo&from=2024-01-01&to=2024-12-31&facets=month", &e,
                FRS_OK);
    hits = json_object_get(j, "hits");
    assert_int_equal(json_array_size(hits), 2);
    for (size_t i = 0; i < 2; i++)
        assert_memory_equal(hit_str(j, i, "date"), "2024-", 5);
    m = json_object_get(json_object_get(j, "facets"), "month");
    assert_int_equal(json_object_size(m), 1);
    json_decref(j);
    /* paging past the end: no hit, still a total */
    j = respond("q=v%C3%A9lo&articles=1&offset=3", &e, FRS_OK);
    assert_int_equal(json_array_size(json_object_get(j, "hits")), 0);
    json_decref(j);
}

static void test_server_search_suggestion_and_bad_query(void **state)
{
    (void)state;
    frs_api_error_t e;
    json_t *j = respond("q=eglize", &e, FRS_OK);
    assert_string_equal(json_string_value(json_object_get(j, "suggestion")),
                        "église");
    assert_int_equal(json_array_size(json_object_get(j, "hits")), 0);
    json_decref(j);
    j = respond("q=-v%C3%A9lo", &e, FRS_EINVAL);
    assert_null(j);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.code, "invalid_query");
    assert_string_equal(e.parameter, "q");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server_decode),
        cmocka_unit_test(test_server_params_defaults),
        cmocka_unit_test(test_server_params_all),
        cmocka_unit_test(test_server_params_errors),
        cmocka_unit_test(test_server_error_json),
        cmocka_unit_test(test_server_listen),
        cmocka_unit_test(test_server_search_json),
        cmocka_unit_test(test_server_search_tags_and_length),
        cmocka_unit_test(test_server_search_facets_articles_dates),
        cmocka_unit_test(test_server_search_suggestion_and_bad_query),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
