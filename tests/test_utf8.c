/* SPDX-License-Identifier: MIT
 * test_utf8.c: unit tests for utf8.c: validation, repair of invalid input
 * (maximal subparts replaced by U+FFFD), word folding and NFC.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "utf8.h"

#define FFFD "\xef\xbf\xbd"

typedef struct {
    const char *in;
    size_t len;         /* explicit, so inputs may hold NUL bytes */
    const char *want;   /* sanitized output */
    size_t nbad;
} sanitize_case_t;

#define S(lit) lit, sizeof(lit) - 1

static const sanitize_case_t sanitize_cases[] = {
    { S(""), "", 0 },
    { S("plain ascii"), "plain ascii", 0 },
    { S("\xc3\xa9t\xc3\xa9 \xe2\x80\x99 \xf0\x9f\x98\x80"),
      "\xc3\xa9t\xc3\xa9 \xe2\x80\x99 \xf0\x9f\x98\x80", 0 },
    { S("a\xff" "b"), "a" FFFD "b", 1 },
    { S("a\0b"), "a" FFFD "b", 1 },
    { S("\xc0\x80"), FFFD FFFD, 2 },               /* overlong NUL */
    { S("\xe0\x80\xaf"), FFFD FFFD FFFD, 3 },      /* overlong '/' */
    { S("\xed\xa0\x80"), FFFD FFFD FFFD, 3 },      /* surrogate D800 */
    { S("\xf4\x90\x80\x80"), FFFD FFFD FFFD FFFD, 4 }, /* > U+10FFFF */
    { S("x\xe2\x80"), "x" FFFD, 1 },               /* truncated at end */
    { S("\xe2\x80" "y"), FFFD "y", 1 },            /* truncated, then ASCII */
    { S("\xf0\x9f\x98" "z"), FFFD "z", 1 },
    { S("\x80\x80"), FFFD FFFD, 2 },               /* stray continuations */
    { S("caf\xc3"), "caf" FFFD, 1 },
};

static void test_utf8_sanitize_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof sanitize_cases / sizeof sanitize_cases[0]; i++) {
        const sanitize_case_t *c = &sanitize_cases[i];
        char *out = NULL;
        size_t outlen = 99, nbad = 99;
        assert_int_equal(frs_utf8_sanitize(c->in, c->len, &out, &outlen, &nbad),
                         FRS_OK);
        assert_non_null(out);
        assert_int_equal(outlen, strlen(c->want));
        assert_memory_equal(out, c->want, outlen);
        assert_int_equal(out[outlen], '\0');
        assert_int_equal(nbad, c->nbad);
        assert_true(frs_utf8_valid(out, outlen));
        free(out);
    }
}

static void test_utf8_sanitize_optional_outputs(void **state)
{
    char *out = NULL;

    (void)state;
    assert_int_equal(frs_utf8_sanitize("a\xff", 2, &out, NULL, NULL), FRS_OK);
    assert_string_equal(out, "a" FFFD);
    free(out);
}

static void test_utf8_valid_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof sanitize_cases / sizeof sanitize_cases[0]; i++) {
        const sanitize_case_t *c = &sanitize_cases[i];
        assert_int_equal(frs_utf8_valid(c->in, c->len), c->nbad == 0);
    }
    assert_true(frs_utf8_valid(NULL, 0));
    assert_true(frs_utf8_valid("\xef\xbf\xbf", 3)); /* a noncharacter is valid */
}

static void test_utf8_fold_table(void **state)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        { "", "" },
        { "eglise", "eglise" },
        { "L\xe2\x80\x99\xc3\x89glise", "l'eglise" },      /* L’Église */
        { "e\xcc\x81glise", "eglise" },                   /* NFD */
        { "C\xc5\x92UR", "coeur" },                       /* CŒUR */
        { "c\xc5\x93ur", "coeur" },                       /* cœur */
        { "L\xc3\xa6titia", "laetitia" },                 /* Lætitia */
        { "\xc3\x86SOP", "aesop" },                       /* ÆSOP */
        { "Stra\xc3\x9f" "e", "strasse" },                /* Straße */
        { "aujourd\xca\xbchui", "aujourd'hui" },          /* U+02BC */
        { "\xc3\x87" "A", "ca" },                         /* ÇA */
        { "NA\xc3\x8fVET\xc3\x89", "naivete" },           /* NAÏVETÉ */
        { "\xce\xa9\xce\xbc\xce\xad\xce\xb3\xce\xb1",
          "\xcf\x89\xce\xbc\xce\xb5\xce\xb3\xce\xb1" },   /* Ωμέγα -> ωμεγα */
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = NULL;
        size_t outlen = 99;
        assert_int_equal(frs_utf8_fold(cases[i].in, strlen(cases[i].in), &out,
                                       &outlen), FRS_OK);
        assert_string_equal(out, cases[i].want);
        assert_int_equal(outlen, strlen(cases[i].want));
        free(out);
    }
}

static void test_utf8_fold_rejects_invalid(void **state)
{
    static const char *const bad[] = { "a\xff", "\xc0\x80", "\xed\xa0\x80" };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *out = (char *)"sentinel";
        size_t outlen = 99;
        assert_int_equal(frs_utf8_fold(bad[i], strlen(bad[i]), &out, &outlen),
                         FRS_EINVAL);
        assert_null(out);
        assert_int_equal(outlen, 0);
    }
    char *out = (char *)"sentinel";
    assert_int_equal(frs_utf8_fold("a\0b", 3, &out, NULL), FRS_EINVAL);
    assert_null(out);
}

static void test_utf8_nfc(void **state)
{
    char *out = NULL;
    size_t outlen = 0;

    (void)state;
    /* Composes, keeps case, accents, ligatures and apostrophes. */
    const char *in = "E\xcc\x81glise L\xe2\x80\x99\xc5\x92uvre";
    assert_int_equal(frs_utf8_nfc(in, strlen(in), &out, &outlen), FRS_OK);
    assert_string_equal(out, "\xc3\x89glise L\xe2\x80\x99\xc5\x92uvre");
    assert_int_equal(outlen, strlen(out));
    free(out);

    assert_int_equal(frs_utf8_nfc("", 0, &out, &outlen), FRS_OK);
    assert_string_equal(out, "");
    assert_int_equal(outlen, 0);
    free(out);

    out = (char *)"sentinel";
    assert_int_equal(frs_utf8_nfc("x\xfe", 2, &out, &outlen), FRS_EINVAL);
    assert_null(out);
    assert_int_equal(outlen, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_sanitize_table),
        cmocka_unit_test(test_utf8_sanitize_optional_outputs),
        cmocka_unit_test(test_utf8_valid_table),
        cmocka_unit_test(test_utf8_fold_table),
        cmocka_unit_test(test_utf8_fold_rejects_invalid),
        cmocka_unit_test(test_utf8_nfc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
