/* SPDX-License-Identifier: MIT
 * test_docdata.c: the article header and the deflated body: round trips,
 * damaged or foreign data refused, copies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "docdata.h"

static const char *body = "L’Église «\"rénovée\"»\n\nligne 2";

static frs_docinfo_t sample(frs_passage_t ps[2])
{
    ps[0] = (frs_passage_t){0, 26, 0};
    ps[1] = (frs_passage_t){28, strlen(body), 3};
    frs_docinfo_t d = {(char *)"a/b.txt", (char *)"Titre é",
                       (char *)"https://x/y", (char *)"2024-03-01",
                       (char *)body, strlen(body), ps, 2};
    return d;
}

static void test_docdata_round_trip(void **state)
{
    (void)state;
    frs_passage_t ps[2];
    frs_docinfo_t in = sample(ps);
    size_t len, blen;
    char *d = frs_docdata_encode(&in, &len);
    char *b = frs_docbody_encode(in.body, in.body_len, &blen);
    assert_non_null(d);
    assert_non_null(b);
    frs_docinfo_t info;
    assert_int_equal(frs_docdata_decode(d, len, &info), FRS_OK);
    assert_string_equal(info.id, "a/b.txt");
    assert_string_equal(info.title, "Titre é");
    assert_string_equal(info.url, "https://x/y");
    assert_string_equal(info.date, "2024-03-01");
    assert_null(info.body); /* the header alone */
    assert_int_equal(info.body_len, strlen(body));
    assert_int_equal(info.npassages, 2);
    assert_int_equal(info.passages[1].start, 28);
    assert_int_equal(info.passages[1].end, strlen(body));
    assert_int_equal(info.passages[1].pos, 3);
    assert_int_equal(frs_docbody_decode(b, blen, &info), FRS_OK);
    assert_string_equal(info.body, body);
    frs_docinfo_clear(&info);
    assert_null(info.id);
    free(d);
    free(b);
}

static void test_docdata_optional_fields_absent(void **state)
{
    (void)state;
    frs_passage_t ps = {0, 1, 0};
    frs_docinfo_t in = {(char *)"x", NULL, NULL, NULL, (char *)"t", 1, &ps, 1};
    size_t len;
    char *d = frs_docdata_encode(&in, &len);
    assert_non_null(d);
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
    assert_int_equal(frs_docdata_decode("not ours", 8, &info), FRS_ECORRUPT);
    assert_null(info.id);
    assert_int_equal(frs_docdata_decode("", 0, &info), FRS_ECORRUPT);
    /* schema 1's JSON passage documents are not ours any more */
    const char *v1 = "{\"id\":\"a\",\"n\":0,\"of\":1,\"text\":\"x\"}";
    assert_int_equal(frs_docdata_decode(v1, strlen(v1), &info), FRS_ECORRUPT);
}

static void test_docdata_damage_is_refused(void **state)
{
    (void)state;
    frs_passage_t ps[2];
    frs_docinfo_t in = sample(ps);
    size_t len;
    char *d = frs_docdata_encode(&in, &len);
    assert_non_null(d);
    frs_docinfo_t info;
    /* every truncation, and a trailing byte */
    for (size_t n = 0; n < len; n++)
        assert_int_equal(frs_docdata_decode(d, n, &info), FRS_ECORRUPT);
    char *longer = malloc(len + 1);
    memcpy(longer, d, len);
    longer[len] = 0;
    assert_int_equal(frs_docdata_decode(longer, len + 1, &info),
                     FRS_ECORRUPT);
    free(longer);
    free(d);
    /* passages outside the body, overlapping, or with positions going back */
    frs_passage_t bad[][2] = {
        {{0, 10, 0}, {5, 20, 3}},      /* overlap */
        {{0, 10, 5}, {10, 20, 3}},     /* position goes back */
        {{0, 10, 0}, {10, 100, 3}},    /* past the body's end */
    };
    for (size_t i = 0; i < 3; i++) {
        frs_docinfo_t b = {(char *)"x", NULL, NULL, NULL, (char *)body,
                           strlen(body), bad[i], 2};
        char *e = frs_docdata_encode(&b, &len);
        assert_non_null(e);
        assert_int_equal(frs_docdata_decode(e, len, &info), FRS_ECORRUPT);
        free(e);
    }
}

static void test_docbody_checked_against_header(void **state)
{
    (void)state;
    frs_passage_t ps[2];
    frs_docinfo_t in = sample(ps);
    size_t blen;
    char *b = frs_docbody_encode(in.body, in.body_len, &blen);
    assert_non_null(b);
    frs_docinfo_t info = {0};
    info.body_len = in.body_len + 1; /* the header says otherwise */
    assert_int_equal(frs_docbody_decode(b, blen, &info), FRS_ECORRUPT);
    assert_null(info.body);
    info.body_len = in.body_len;
    assert_int_equal(frs_docbody_decode(b, blen - 2, &info), FRS_ECORRUPT);
    assert_int_equal(frs_docbody_decode("", 0, &info), FRS_ECORRUPT);
    assert_int_equal(frs_docbody_decode(b, blen, &info), FRS_OK);
    assert_string_equal(info.body, body);
    frs_docinfo_clear(&info);
    free(b);
    /* a long body, compressed */
    char *big = malloc(100000);
    for (size_t i = 0; i < 100000; i++)
        big[i] = "l’église est ouverte "[i % 22];
    b = frs_docbody_encode(big, 100000, &blen);
    assert_non_null(b);
    assert_true(blen < 10000);
    frs_docinfo_t d2 = {0};
    d2.body_len = 100000;
    assert_int_equal(frs_docbody_decode(b, blen, &d2), FRS_OK);
    assert_memory_equal(d2.body, big, 100000);
    frs_docinfo_clear(&d2);
    free(b);
    free(big);
}

static void test_docinfo_copy_is_deep(void **state)
{
    (void)state;
    frs_passage_t ps[2];
    frs_docinfo_t in = sample(ps);
    frs_docinfo_t c;
    assert_int_equal(frs_docinfo_copy(&c, &in), FRS_OK);
    assert_string_equal(c.id, in.id);
    assert_ptr_not_equal(c.id, in.id);
    assert_string_equal(c.body, body);
    assert_ptr_not_equal(c.passages, in.passages);
    assert_int_equal(c.passages[1].pos, 3);
    frs_docinfo_clear(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_docdata_round_trip),
        cmocka_unit_test(test_docdata_optional_fields_absent),
        cmocka_unit_test(test_docdata_foreign_data_is_corrupt),
        cmocka_unit_test(test_docdata_damage_is_refused),
        cmocka_unit_test(test_docbody_checked_against_header),
        cmocka_unit_test(test_docinfo_copy_is_deep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
