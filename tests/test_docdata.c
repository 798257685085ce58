/* SPDX-License-Identifier: MIT
 * test_docdata.c: article document data round trip and validation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "docdata.h"

static void test_docdata_round_trip(void **state)
{
    (void)state;
    const char *body = "L’Église «\"rénovée\"»\n\nligne 2";
    frs_passage_t ps[2] = {{0, 26, 0}, {28, strlen(body), 3}};
    frs_docinfo_t in = {(char *)"a/b.txt", (char *)"Titre é",
                        (char *)"https://x/y", (char *)"2024-03-01",
                        (char *)body, strlen(body), ps, 2};
    size_t len;
    char *d = frs_docdata_encode(&in, &len);
    assert_non_null(d);
    assert_int_equal(strlen(d), len);
    frs_docinfo_t info;
    assert_int_equal(frs_docdata_decode(d, len, &info), FRS_OK);
    assert_string_equal(info.id, "a/b.txt");
    assert_string_equal(info.title, "Titre é");
    assert_string_equal(info.url, "https://x/y");
    assert_string_equal(info.date, "2024-03-01");
    assert_string_equal(info.body, body);
    assert_int_equal(info.body_len, strlen(body));
    assert_int_equal(info.npassages, 2);
    assert_int_equal(info.passages[1].start, 28);
    assert_int_equal(info.passages[1].end, strlen(body));
    assert_int_equal(info.passages[1].pos, 3);
    frs_docinfo_clear(&info);
    assert_null(info.id);
    free(d);
}

static void test_docdata_optional_fields_absent(void **state)
{
    (void)state;
    frs_passage_t ps = {0, 1, 0};
    frs_docinfo_t in = {(char *)"x", NULL, NULL, NULL, (char *)"t", 1, &ps, 1};
    size_t len;
    char *d = frs_docdata_encode(&in, &len);
    assert_non_null(d);
    assert_null(strstr(d, "title"));
    frs_docinfo_t info;
    assert_int_equal(frs_docdata_decode(d, len, &info), FRS_OK);
    assert_null(info.title);
    assert_null(info.url);
    assert_null(info.date);
    frs_docinfo_clear(&info);
    free(d);
}

static void test_docdata_foreign_data_is_corrupt(void **state)
{
    (void)state;
    frs_docinfo_t info;
    assert_int_equal(frs_docdata_decode("not json", 8, &info), FRS_ECORRUPT);
    assert_null(info.id);
    assert_int_equal(frs_docdata_decode("{\"id\":1}", 8, &info), FRS_ECORRUPT);
    assert_int_equal(frs_docdata_decode("[]", 2, &info), FRS_ECORRUPT);
    /* schema 1's passage documents are not ours any more */
    const char *v1 = "{\"id\":\"a\",\"n\":0,\"of\":1,\"text\":\"x\"}";
    assert_int_equal(frs_docdata_decode(v1, strlen(v1), &info), FRS_ECORRUPT);
}

static void test_docdata_passages_checked_against_body(void **state)
{
    (void)state;
    frs_docinfo_t info;
    const char *bad[] = {
        "{\"id\":\"a\",\"body\":\"abc\",\"p\":[0,4,0]}",         /* past end */
        "{\"id\":\"a\",\"body\":\"abc\",\"p\":[2,1,0]}",         /* end < start */
        "{\"id\":\"a\",\"body\":\"abcdef\",\"p\":[0,3,0,2,6,1]}", /* overlap */
        "{\"id\":\"a\",\"body\":\"abcdef\",\"p\":[0,3,5,3,6,1]}", /* pos back */
        "{\"id\":\"a\",\"body\":\"abc\",\"p\":[0,3]}",           /* not triples */
        "{\"id\":\"a\",\"body\":\"abc\",\"p\":[0,-1,0]}",        /* negative */
        "{\"id\":\"a\",\"body\":\"abc\"}",                       /* missing */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(frs_docdata_decode(bad[i], strlen(bad[i]), &info),
                         FRS_ECORRUPT);
    const char *ok = "{\"id\":\"a\",\"body\":\"abcdef\",\"p\":[0,3,0,3,6,1]}";
    assert_int_equal(frs_docdata_decode(ok, strlen(ok), &info), FRS_OK);
    assert_int_equal(info.npassages, 2);
    frs_docinfo_clear(&info);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_docdata_round_trip),
        cmocka_unit_test(test_docdata_optional_fields_absent),
        cmocka_unit_test(test_docdata_foreign_data_is_corrupt),
        cmocka_unit_test(test_docdata_passages_checked_against_body),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
