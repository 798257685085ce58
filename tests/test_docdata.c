/* SPDX-License-Identifier: MIT
 * test_docdata.c: passage document data round trip.
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
    const char *text = "L’Église «\"rénovée\"»\nligne 2";
    size_t len;
    char *d = frs_docdata_encode("a/b.txt", 2, 5, "Titre é", "https://x/y",
                                 "2024-03-01", text, strlen(text), &len);
    assert_non_null(d);
    assert_int_equal(strlen(d), len);
    frs_docinfo_t info;
    assert_int_equal(frs_docdata_decode(d, len, &info), FRS_OK);
    assert_string_equal(info.id, "a/b.txt");
    assert_string_equal(info.title, "Titre é");
    assert_string_equal(info.url, "https://x/y");
    assert_string_equal(info.date, "2024-03-01");
    assert_string_equal(info.text, text);
    assert_int_equal(info.passage, 2);
    assert_int_equal(info.npassages, 5);
    frs_docinfo_clear(&info);
    free(d);
}

static void test_docdata_optional_fields_absent(void **state)
{
    (void)state;
    size_t len;
    char *d = frs_docdata_encode("x", 0, 1, NULL, NULL, NULL, "t", 1, &len);
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
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_docdata_round_trip),
        cmocka_unit_test(test_docdata_optional_fields_absent),
        cmocka_unit_test(test_docdata_foreign_data_is_corrupt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
