/* SPDX-License-Identifier: MIT
 * test_status.c: the error convention's two helpers (frs.h): a distinct
 * description for every status, and frs_fail filling an errmsg
 * out-parameter, freeing the message it held.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "frs.h"

static void test_status_every_code_has_its_own_text(void **state)
{
    (void)state;
    for (int a = FRS_OK; a <= FRS_EREMOTE; a++) {
        const char *t = frs_strerror((frs_status_t)a);
        assert_non_null(t);
        assert_true(strlen(t) > 0);
        assert_string_not_equal(t, "unknown status");
        for (int b = FRS_OK; b < a; b++)
            assert_string_not_equal(t, frs_strerror((frs_status_t)b));
    }
    assert_string_equal(frs_strerror((frs_status_t)999), "unknown status");
}

static void test_status_fail_fills_and_replaces_errmsg(void **state)
{
    (void)state;
    char *err = NULL;
    assert_int_equal(frs_fail(&err, FRS_EIO, "cannot read %s: %s", "a.jsonl",
                              "Permission denied"), FRS_EIO);
    assert_string_equal(err, "cannot read a.jsonl: Permission denied");
    /* a second failure replaces the first message (freed: ASan says) */
    assert_int_equal(frs_fail(&err, FRS_ENOTFOUND, "%d shards", 3),
                     FRS_ENOTFOUND);
    assert_string_equal(err, "3 shards");
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_every_code_has_its_own_text),
        cmocka_unit_test(test_status_fail_fills_and_replaces_errmsg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
