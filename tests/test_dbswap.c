/* SPDX-License-Identifier: MIT
 * test_dbswap.c: atomic exchange of database directories, sizes, removal,
 * the lock beside a database not built yet.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dbswap.h"
#include "fixture.h"

static char *root;

static int setup(void **state)
{
    (void)state;
    root = frs_test_tmpdir("dbswap");
    return root ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    int rc = frs_test_rmtree(root);
    free(root);
    root = NULL;
    return rc;
}

static void put(const char *dir, const char *name, const char *text)
{
    char p[256];
    mkdir(dir, 0700);
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int has(const char *dir, const char *name)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return frs_dbswap_exists(p);
}

static void test_dbswap_sibling_name(void **state)
{
    (void)state;
    char *s = frs_dbswap_sibling("/x/db//", "rebuild");
    assert_string_equal(s, "/x/db.rebuild");
    free(s);
}

static void test_dbswap_exchange_and_remove(void **state)
{
    (void)state;
    char live[128], fresh[128];
    snprintf(live, sizeof live, "%s/db", root);
    snprintf(fresh, sizeof fresh, "%s/db.rebuild", root);
    put(live, "old", "old database");
    put(fresh, "new", "the new one");
    assert_int_equal(frs_dbswap_size(fresh), 11);
    char *err = NULL;
    assert_int_equal(frs_dbswap_sync(fresh, &err), FRS_OK);
    assert_null(err);
    assert_int_equal(frs_dbswap_exchange(live, fresh, &err), FRS_OK);
    assert_true(has(live, "new"));
    assert_false(has(live, "old"));
    assert_true(has(fresh, "old"));
    assert_int_equal(frs_dbswap_remove(fresh, &err), FRS_OK);
    assert_false(frs_dbswap_exists(fresh));
    /* missing is fine */
    assert_int_equal(frs_dbswap_remove(fresh, &err), FRS_OK);
    assert_null(err);
}

static void test_dbswap_exchange_into_missing_place(void **state)
{
    (void)state;
    char live[128], fresh[128];
    snprintf(live, sizeof live, "%s/none", root);
    snprintf(fresh, sizeof fresh, "%s/none.rebuild", root);
    put(fresh, "new", "x");
    char *err = NULL;
    assert_int_equal(frs_dbswap_exchange(live, fresh, &err), FRS_OK);
    assert_true(has(live, "new"));
    assert_false(frs_dbswap_exists(fresh));
    char nowhere[128];
    snprintf(nowhere, sizeof nowhere, "%s/gone.rebuild", root);
    /* a failure names the paths and gives the system's reason */
    assert_int_equal(frs_dbswap_exchange(live, nowhere, &err), FRS_EIO);
    assert_non_null(strstr(err, nowhere));
    assert_non_null(strstr(err, "No such file"));
    free(err);
    assert_int_equal(frs_dbswap_sync(nowhere, &err), FRS_EIO);
    assert_non_null(strstr(err, nowhere));
    free(err);
}

/* The lock beside a database that does not exist yet: exclusive (flock is
 * per open file, so a second open in this process is refused too), free
 * again once closed, and left in place. */
static void test_dbswap_lock_beside_missing_database(void **state)
{
    (void)state;
    char live[128], lock[140];
    snprintf(live, sizeof live, "%s/new-db", root);
    snprintf(lock, sizeof lock, "%s.lock", live);
    int a = -1, b = -1;
    char *err = NULL;
    assert_int_equal(frs_dbswap_lock(live, &a, &err), FRS_OK);
    assert_true(a >= 0);
    assert_true(frs_dbswap_exists(lock));
    assert_int_equal(frs_dbswap_lock(live, &b, &err), FRS_ELOCKED);
    assert_int_equal(b, -1);
    assert_non_null(strstr(err, lock));
    free(err);
    close(a);
    assert_int_equal(frs_dbswap_lock(live, &b, &err), FRS_OK);
    close(b);
    char nowhere[128];
    snprintf(nowhere, sizeof nowhere, "%s/no/such/dir/db", root);
    assert_int_equal(frs_dbswap_lock(nowhere, &b, &err), FRS_EIO);
    assert_non_null(strstr(err, "No such file"));
    free(err);
}

static void test_dbswap_claim_refuses_what_is_not_ours(void **state)
{
    (void)state;
    char work[128], *err = NULL;
    snprintf(work, sizeof work, "%s/y.rebuild", root);
    put(work, "iamglass", "someone else's database");
    assert_int_equal(frs_dbswap_claim(work, &err), FRS_EINVAL);
    assert_non_null(strstr(err, work));
    assert_non_null(strstr(err, "not made by this indexer"));
    free(err);
    assert_true(has(work, "iamglass")); /* untouched */
    /* a plain file there is not ours either */
    char file[128];
    snprintf(file, sizeof file, "%s/z.compact", root);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(frs_dbswap_claim(file, &err), FRS_EINVAL);
    free(err);
    assert_true(frs_dbswap_exists(file));
}

static void test_dbswap_claim_takes_back_a_killed_runs_directory(void **state)
{
    (void)state;
    char work[128], *err = NULL;
    snprintf(work, sizeof work, "%s/db.rebuild", root);
    /* new: created with the marker only */
    assert_int_equal(frs_dbswap_claim(work, &err), FRS_OK);
    assert_null(err);
    assert_true(has(work, FRS_DBSWAP_MARKER));
    /* a killed run's half-built database, marked: removed, made anew */
    put(work, "postlist.glass", "half written");
    assert_int_equal(frs_dbswap_claim(work, &err), FRS_OK);
    assert_false(has(work, "postlist.glass"));
    assert_true(has(work, FRS_DBSWAP_MARKER));
    /* an empty directory (killed between mkdir and the marker) is ours */
    frs_dbswap_unmark(work);
    assert_false(has(work, FRS_DBSWAP_MARKER));
    assert_int_equal(frs_dbswap_claim(work, &err), FRS_OK);
    assert_true(has(work, FRS_DBSWAP_MARKER));
    /* a database marked before an exchange moved it here is ours too */
    char live[128];
    snprintf(live, sizeof live, "%s/live", root);
    put(live, "iamglass", "the old live database");
    assert_int_equal(frs_dbswap_mark(live, &err), FRS_OK);
    assert_int_equal(frs_dbswap_remove(work, &err), FRS_OK);
    assert_int_equal(rename(live, work), 0);
    assert_int_equal(frs_dbswap_claim(work, &err), FRS_OK);
    assert_false(has(work, "iamglass"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dbswap_sibling_name),
        cmocka_unit_test_setup_teardown(test_dbswap_exchange_and_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dbswap_exchange_into_missing_place, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dbswap_lock_beside_missing_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dbswap_claim_refuses_what_is_not_ours, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dbswap_claim_takes_back_a_killed_runs_directory, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
