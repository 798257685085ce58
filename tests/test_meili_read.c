/* SPDX-License-Identifier: MIT
 * test_meili_read.c: the Meilisearch API's documents, settings and facet
 * search without a socket: request validation and error codes (GET query
 * strings and POST bodies), documents by id, pages, ids and filters, and
 * facet values, on a real on-disk database of five articles.
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
#include "meili_read.h"
#include "search.h"

static char *root, *dir;

static const frs_test_doc_t docs_table[] = {
    {"a", "Titre", NULL, "2023-07-14",
     "Le vélo à Lyon, sous la pluie d'automne."},
    {"b", "Titre", NULL, "2024-03-01",
     "Le marché du samedi, à pied ou à vélo."},
    {"c", "Titre", NULL, "2024-03-20", "Les trains régionaux roulent."},
    {"d", "Titre", NULL, NULL, "Un vélo sans date."},
    {"e", "Titre", NULL, "2024-05-02", "L’église rouvre ses portes."},
};

static int setup(void **state)
{
    (void)state;
    return frs_test_tmpdb("meili-read", docs_table,
                          sizeof docs_table / sizeof docs_table[0], &root,
                          &dir);
}

static int teardown(void **state)
{
    (void)state;
    return frs_test_tmpdb_free(&root, &dir);
}

/* Run a documents request (valid); the answer, compact, sorted keys. */
static char *docs(frs_meili_docs_req_t *req, frs_status_t want,
                  frs_api_error_t *err)
{
    frs_searcher_t *s = NULL;
    char *msg = NULL;
    assert_int_equal(frs_searcher_open(dir, &s, &msg), FRS_OK);
    json_t *out = NULL;
    assert_int_equal(frs_meili_documents(s, req, &out, err), want);
    frs_searcher_free(s);
    frs_meili_docs_req_clear(req);
    char *d = out ? json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(out);
    return d;
}

static char *get(const char *qs, const char *id)
{
    frs_meili_docs_req_t req;
    frs_api_error_t err = {0};
    if (frs_meili_docs_query(qs, id, &req, &err) != FRS_OK)
        fail_msg("%s: %s", qs, err.message);
    return docs(&req, FRS_OK, &err);
}

static char *fetch(const char *body)
{
    json_t *b = json_loads(body, 0, NULL);
    assert_non_null(b);
    frs_meili_docs_req_t req;
    frs_api_error_t err = {0};
    if (frs_meili_docs_body(b, &req, &err) != FRS_OK)
        fail_msg("%s: %s", body, err.message);
    json_decref(b);
    return docs(&req, FRS_OK, &err);
}

static void test_documents_by_id_and_fields(void **state)
{
    (void)state;
    char *d = get(NULL, "a");
    assert_string_equal(d, "{\"body\":\"Le vélo à Lyon, sous la pluie "
                           "d'automne.\",\"date\":\"2023-07-14\",\"id\":\"a\","
                           "\"month\":\"2023-07\",\"timestamp\":1689292800,"
                           "\"title\":\"Titre\",\"year\":2023}");
    free(d);
    d = get("fields=id,%20year,nope", "b");
    assert_string_equal(d, "{\"id\":\"b\",\"year\":2024}");
    free(d);
    d = get("fields=id,date", "d"); /* undated: no date */
    assert_string_equal(d, "{\"id\":\"d\"}");
    free(d);
    frs_meili_docs_req_t req;
    frs_api_error_t err = {0};
    assert_int_equal(frs_meili_docs_query(NULL, "zz", &req, &err), FRS_OK);
    assert_null(docs(&req, FRS_EINVAL, &err));
    assert_int_equal(err.status, 404);
    assert_string_equal(err.code, "document_not_found");
    assert_non_null(strstr(err.message, "`zz`"));
}

/* The ids of a list answer, comma-separated, and its total. */
static const char *ids(char *d, long long *total)
{
    static char buf[128];
    json_t *j = json_loads(d, 0, NULL);
    free(d);
    buf[0] = '\0';
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(j, "results"), i, r) {
        if (i)
            strcat(buf, ",");
        strcat(buf, json_string_value(json_object_get(r, "id")));
    }
    *total = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    return buf;
}

static void test_documents_pages_ids_filter(void **state)
{
    (void)state;
    long long total = 0;
    char all[128];
    strcpy(all, ids(get("fields=id", NULL), &total));
    assert_int_equal(total, 5);
    assert_int_equal(strlen(all), 9); /* five ids */
    char two[128], rest[128];
    strcpy(two, ids(get("offset=0&limit=2&fields=id", NULL), &total));
    strcpy(rest, ids(get("offset=2&limit=20&fields=id", NULL), &total));
    char joined[256];
    snprintf(joined, sizeof joined, "%s,%s", two, rest);
    assert_string_equal(joined, all);
    assert_int_equal(total, 5);
    const char *f = ids(fetch("{\"filter\": \"year = 2024\", \"fields\": "
                              "[\"id\"], \"ids\": [\"a\", \"c\", \"e\"]}"),
                        &total);
    assert_int_equal(total, 2);
    assert_true(!strcmp(f, "c,e") || !strcmp(f, "e,c"));
    f = ids(fetch("{\"filter\": [[\"month = 2024-03\", \"year = 2023\"]], "
                  "\"limit\": 0}"), &total);
    assert_int_equal(total, 3);
    assert_string_equal(f, "");
    char *d = fetch("{\"limit\": 100000, \"offset\": 1}");
    assert_non_null(strstr(d, "\"limit\":1000,")); /* FRS_MEILI_MAX_DOCS */
    free(d);
}

static const char *docs_refused(const char *qs, const char *body)
{
    static frs_api_error_t err;
    memset(&err, 0, sizeof err);
    frs_meili_docs_req_t req;
    json_t *b = body ? json_loads(body, 0, NULL) : NULL;
    frs_status_t rc = body ? frs_meili_docs_body(b, &req, &err)
                           : frs_meili_docs_query(qs, NULL, &req, &err);
    json_decref(b);
    if (rc != FRS_EINVAL)
        fail_msg("%s was accepted", body ? body : qs);
    assert_int_equal(err.status, 400);
    return err.code;
}

static void test_documents_refused(void **state)
{
    (void)state;
    assert_string_equal(docs_refused("limit=-1", NULL),
                        "invalid_document_limit");
    assert_string_equal(docs_refused("offset=1.5", NULL),
                        "invalid_document_offset");
    assert_string_equal(docs_refused("filter=title%3Dx", NULL),
                        "invalid_document_filter");
    assert_string_equal(docs_refused("colour=red", NULL), "bad_request");
    assert_string_equal(docs_refused("q=%zz", NULL), "bad_request");
    assert_string_equal(docs_refused(NULL, "{\"fields\": \"id\"}"),
                        "invalid_document_fields");
    assert_string_equal(docs_refused(NULL, "{\"ids\": [1.5]}"),
                        "invalid_document_ids");
    assert_string_equal(docs_refused(NULL, "{\"retrieveVectors\": 1}"),
                        "invalid_document_retrieve_vectors");
    assert_string_equal(docs_refused(NULL, "{\"sort\": [\"date:asc\"]}"),
                        "invalid_document_sort");
    assert_string_equal(docs_refused(NULL, "[]"), "bad_request");
    frs_meili_docs_req_t req;
    frs_api_error_t err = {0};
    assert_int_equal(frs_meili_docs_query("limit=3", "a", &req, &err),
                     FRS_EINVAL); /* by id: fields only */
}

static void test_settings(void **state)
{
    (void)state;
    int unknown = 0;
    json_t *all = frs_meili_settings(NULL, 0, &unknown);
    assert_false(unknown);
    json_t *f = frs_meili_settings("filterable-attributes", 21, &unknown);
    assert_true(json_equal(f, json_object_get(all, "filterableAttributes")));
    char *d = json_dumps(f, JSON_COMPACT);
    assert_string_equal(d, "[\"year\",\"month\",\"date\",\"timestamp\"]");
    free(d);
    json_decref(f);
    f = frs_meili_settings("pagination", 10, &unknown);
    assert_int_equal(json_integer_value(json_object_get(f, "maxTotalHits")),
                     FRS_MEILI_MAX_TOTAL_HITS);
    json_decref(f);
    f = frs_meili_settings("typo-tolerance", 14, &unknown);
    assert_true(json_is_false(json_object_get(f, "enabled")));
    json_decref(f);
    f = frs_meili_settings("distinct-attribute", 18, &unknown);
    assert_true(json_is_null(f) && !unknown);
    assert_null(frs_meili_settings("filterable", 10, &unknown));
    assert_true(unknown);
    json_decref(all);
}

/* The facetHits of a facet search (valid), compact. */
static char *facets(const char *body)
{
    json_t *b = json_loads(body, 0, NULL);
    frs_meili_facet_req_t req;
    frs_api_error_t err = {0};
    if (frs_meili_facet_parse(b, &req, &err) != FRS_OK)
        fail_msg("%s: %s", body, err.message);
    json_decref(b);
    frs_searcher_t *s = NULL;
    char *msg = NULL;
    assert_int_equal(frs_searcher_open(dir, &s, &msg), FRS_OK);
    json_t *out = NULL;
    assert_int_equal(frs_meili_facet_search(s, NULL, &req, &out, &err),
                     FRS_OK);
    frs_searcher_free(s);
    frs_meili_facet_req_clear(&req);
    assert_true(json_is_integer(json_object_get(out, "processingTimeMs")));
    char *d = json_dumps(json_object_get(out, "facetHits"), JSON_COMPACT);
    json_decref(out);
    return d;
}

static const char *facet_refused(const char *body)
{
    static frs_api_error_t err;
    memset(&err, 0, sizeof err);
    json_t *b = json_loads(body, 0, NULL);
    frs_meili_facet_req_t req;
    if (frs_meili_facet_parse(b, &req, &err) != FRS_EINVAL)
        fail_msg("%s was accepted", body);
    json_decref(b);
    assert_int_equal(err.status, 400);
    return err.code;
}

static void test_facet_search(void **state)
{
    (void)state;
    char *d = facets("{\"facetName\": \"year\"}");
    assert_string_equal(d, "[{\"value\":\"2023\",\"count\":1},"
                           "{\"value\":\"2024\",\"count\":3}]");
    free(d);
    d = facets("{\"facetName\": \"month\", \"facetQuery\": \"2024-0\", "
               "\"q\": \"vélo\", \"exhaustiveFacetCount\": true}");
    assert_string_equal(d, "[{\"value\":\"2024-03\",\"count\":1}]");
    free(d);
    d = facets("{\"facetName\": \"month\", \"filter\": \"year = 2024\", "
               "\"facetQuery\": null}");
    assert_string_equal(d, "[{\"value\":\"2024-03\",\"count\":2},"
                           "{\"value\":\"2024-05\",\"count\":1}]");
    free(d);
    d = facets("{\"facetName\": \"year\", \"facetQuery\": \"19\"}");
    assert_string_equal(d, "[]");
    free(d);
    assert_string_equal(facet_refused("{}"),
                        "missing_facet_search_facet_name");
    assert_string_equal(facet_refused("{\"facetName\": \"date\"}"),
                        "invalid_facet_search_facet_name");
    assert_string_equal(facet_refused("{\"facetName\": 2}"),
                        "invalid_facet_search_facet_name");
    assert_string_equal(facet_refused("{\"facetName\": \"year\", "
                                      "\"facetQuery\": 20}"),
                        "invalid_facet_search_facet_query");
    assert_string_equal(facet_refused("{\"facetName\": \"year\", "
                                      "\"filter\": \"year >\"}"),
                        "invalid_search_filter");
    assert_string_equal(facet_refused("{\"facetName\": \"year\", "
                                      "\"matchingStrategy\": \"all\"}"),
                        "invalid_search_matching_strategy");
    assert_string_equal(facet_refused("{\"facetName\": \"year\", "
                                      "\"limit\": 3}"),
                        "bad_request");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_documents_by_id_and_fields),
        cmocka_unit_test(test_documents_pages_ids_filter),
        cmocka_unit_test(test_documents_refused),
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_facet_search),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
