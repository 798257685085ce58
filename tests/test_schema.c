/* SPDX-License-Identifier: MIT
 * test_schema.c: the shared version check (schema.c): this program's
 * versions pass; any other, or none, is FRS_EVERSION with a message that
 * names the database, both versions and the rebuild command.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "schema.h"

static void test_schema_check_accepts_own_versions(void **state)
{
    (void)state;
    char s[16], a[16];
    snprintf(s, sizeof s, "%d", FRS_SCHEMA_VERSION);
    snprintf(a, sizeof a, "%d", FRS_ANALYZER_VERSION);
    char *msg = (char *)"untouched";
    assert_int_equal(frs_schema_check("db", "db", s, a, &msg), FRS_OK);
    assert_null(msg);
}

static void test_schema_check_refuses_old_schema_with_rebuild_command(void **state)
{
    (void)state;
    char a[16];
    snprintf(a, sizeof a, "%d", FRS_ANALYZER_VERSION);
    char *msg = NULL;
    assert_int_equal(frs_schema_check("/srv/idx/2024", "/srv/idx", "1", a,
                                      &msg),
                     FRS_EVERSION);
    assert_non_null(msg);
    assert_non_null(strstr(msg, "/srv/idx/2024: "));
    assert_non_null(strstr(msg, "schema 1"));
    assert_non_null(strstr(msg, "'indexer -d /srv/idx --rebuild INPUT...'"));
    free(msg);
    assert_true(FRS_SCHEMA_VERSION >= 2); /* the XXH3-128 content hash */
}

static void test_schema_check_refuses_other_analyzer_and_none(void **state)
{
    (void)state;
    char s[16];
    snprintf(s, sizeof s, "%d", FRS_SCHEMA_VERSION);
    char *msg = NULL;
    assert_int_equal(frs_schema_check("db", "db", s, "999", &msg),
                     FRS_EVERSION);
    assert_non_null(strstr(msg, "analyzer 999"));
    free(msg);
    assert_int_equal(frs_schema_check("db", "db", "", "", &msg), FRS_EVERSION);
    assert_non_null(strstr(msg, "schema none, analyzer none"));
    free(msg);
    /* "2" must not match "20" or "2 " */
    assert_int_equal(frs_schema_check("db", "db", "20", "2", &msg),
                     FRS_EVERSION);
    free(msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_check_accepts_own_versions),
        cmocka_unit_test(test_schema_check_refuses_old_schema_with_rebuild_command),
        cmocka_unit_test(test_schema_check_refuses_other_analyzer_and_none),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
