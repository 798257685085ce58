/* SPDX-License-Identifier: MIT
 * test_faults.c: the indexer's write path (run.h over indexer.h and xdb.h)
 * when what it relies on fails, on a real database: a commit that fails
 * (frs_xdb_commit, wrapped with -Wl,--wrap) and allocations that fail
 * (malloc, calloc and realloc of our own code, wrapped the same way, failing
 * from the Nth call on).  Each time the run must end with a failure status
 * and an error said, and the database must be the one committed before:
 * same documents, same metadata, every article with its old content hash,
 * none of the new ones.
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
#include "run.h"
#include "schema.h"
#include "xdb.h"

/* ---------- the faults ---------- */

static int commit_fails;          /* frs_xdb_commit fails while set */
static long alloc_left = -1;      /* allocations that succeed; -1: all */
static unsigned long alloc_failed; /* allocations refused */

frs_status_t __real_frs_xdb_commit(frs_xdb_t *db);
frs_status_t __wrap_frs_xdb_commit(frs_xdb_t *db);
frs_status_t __wrap_frs_xdb_commit(frs_xdb_t *db)
{
    return commit_fails ? FRS_EIO : __real_frs_xdb_commit(db);
}

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);

static int refuse(void)
{
    if (alloc_left < 0)
        return 0;
    if (alloc_left > 0) {
        alloc_left--;
        return 0;
    }
    alloc_failed++;
    return 1;
}

void *__wrap_malloc(size_t n)
{
    return refuse() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t k, size_t n)
{
    return refuse() ? NULL : __real_calloc(k, n);
}

void *__wrap_realloc(void *p, size_t n)
{
    return refuse() ? NULL : __real_realloc(p, n);
}

/* ---------- the database ---------- */

static char *root, *db, *old_feed, *new_feed;
static unsigned errors_said;

static void on_say(void *ctx, frs_say_level_t level, const char *msg)
{
    (void)ctx;
    (void)msg;
    errors_said += level == FRS_SAY_ERROR;
}

/* n articles "ID-i" of the given version into root/NAME, a malloc'd path. */
static char *write_feed(const char *name, int first, int n, int version)
{
    char *p = frs_test_join(root, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    for (int i = first; i < first + n; i++)
        fprintf(f, "{\"id\":\"a-%d\",\"title\":\"Article %d\",\"date\":"
                "\"2023-05-%02d\",\"body\":\"Version %d : la commission "
                "des finances examine le projet numéro %d.\\n\\nLe vote "
                "aura lieu mardi.\"}\n",
                i, i, i % 28 + 1, version, i);
    fclose(f);
    return p;
}

/* The committed state of db: documents, metadata, and the content hash of
 * every article a-0 ... a-29 ("-" when absent); malloc'd. */
static char *snapshot(void)
{
    frs_xr_t *xr = NULL;
    char *err = NULL;
    assert_int_equal(frs_xr_open(db, &xr, &err), FRS_OK);
    frs_xr_stats_t st;
    assert_int_equal(frs_xr_stats(xr, &st), FRS_OK);
    size_t cap = 8192, n = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    n += (size_t)snprintf(out, cap, "docs %llu", st.doccount);
    const char *keys[] = {FRS_META_UPDATED, FRS_META_ARTICLES,
                          FRS_META_COMPACT_BYTES};
    for (size_t k = 0; k < 3; k++) {
        char *v = NULL;
        assert_int_equal(frs_xr_get_metadata(xr, keys[k], &v), FRS_OK);
        n += (size_t)snprintf(out + n, cap - n, " %s=%s", keys[k], v);
        free(v);
    }
    for (int i = 0; i < 30; i++) {
        char term[32], *h = NULL;
        snprintf(term, sizeof term, "%sa-%d", FRS_PFX_ARTICLE, i);
        assert_int_equal(frs_xr_first_value(xr, term, FRS_SLOT_HASH, &h),
                         FRS_OK);
        n += (size_t)snprintf(out + n, cap - n, " %d:%s", i, h ? h : "-");
        free(h);
    }
    assert_true(n < cap);
    frs_xr_free(xr);
    return out;
}

static int setup(void **state)
{
    (void)state;
    if (!(root = frs_test_tmpdir("faults")))
        return -1;
    db = frs_test_join(root, "db");
    old_feed = write_feed("old.jsonl", 0, 20, 1);
    /* ten articles changed, ten new */
    new_feed = write_feed("new.jsonl", 10, 20, 2);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(old_feed);
    free(new_feed);
    return frs_test_tmpdb_free(&root, &db);
}

/* A run into db over input (messages counted); its status. */
static frs_status_t run(const char *input, int strict)
{
    frs_run_opts_t o;
    frs_run_opts_init(&o);
    o.db = db;
    o.inputs = &input;
    o.ninputs = 1;
    o.jobs = 2;
    o.strict = strict; /* one transaction */
    o.auto_compact = 0;
    o.say = on_say;
    errors_said = 0;
    frs_run_t *r = NULL;
    frs_status_t rc = frs_run_new(&o, &r);
    if (rc == FRS_OK)
        rc = frs_run_prepare(r);
    if (rc == FRS_OK)
        rc = frs_run_exec(r);
    frs_run_free(r);
    return rc;
}

/* ---------- the tests ---------- */

/* The commit of an incremental run fails: the run fails with the error
 * said, and the database is the one committed before. */
static void test_failing_commit_keeps_the_database(void **state)
{
    (void)state;
    assert_int_equal(run(old_feed, 0), FRS_OK);
    char *before = snapshot();
    commit_fails = 1;
    frs_status_t rc = run(new_feed, 0);
    commit_fails = 0;
    assert_int_equal(rc, FRS_EIO);
    assert_true(errors_said >= 1);
    char *after = snapshot();
    assert_string_equal(after, before);
    free(after);
    /* and the next run, whose commit works, goes through */
    assert_int_equal(run(new_feed, 0), FRS_OK);
    after = snapshot();
    assert_string_not_equal(after, before);
    free(after);
    free(before);
}

/* The commit of a --rebuild fails: nothing is switched in. */
static void test_failing_commit_of_a_rebuild(void **state)
{
    (void)state;
    assert_int_equal(run(old_feed, 0), FRS_OK);
    char *before = snapshot();
    commit_fails = 1;
    frs_run_opts_t o;
    frs_run_opts_init(&o);
    o.db = db;
    o.inputs = (const char *const *)&new_feed;
    o.ninputs = 1;
    o.rebuild = 1;
    o.say = on_say;
    errors_said = 0;
    frs_run_t *r = NULL;
    assert_int_equal(frs_run_new(&o, &r), FRS_OK);
    assert_int_equal(frs_run_prepare(r), FRS_OK);
    assert_int_not_equal(frs_run_exec(r), FRS_OK);
    frs_run_free(r);
    commit_fails = 0;
    assert_true(errors_said >= 1);
    char *after = snapshot();
    assert_string_equal(after, before);
    free(after);
    free(before);
}

/* Allocation k of an incremental run fails, for k from 0 until a run that
 * needs no more: every run that fails says so and leaves the database as
 * committed; the one that goes through writes the update, whole. */
static void test_failing_allocations_keep_the_database(void **state)
{
    (void)state;
    assert_int_equal(run(old_feed, 0), FRS_OK);
    char *before = snapshot();
    unsigned failed_runs = 0;
    int through = 0;
    for (long k = 0; k < 100000 && !through; k += 1 + k / 8) {
        alloc_failed = 0;
        alloc_left = k;
        frs_status_t rc = run(new_feed, 1);
        alloc_left = -1;
        char *after = snapshot();
        if (alloc_failed == 0) { /* enough for the whole run */
            assert_int_equal(rc, FRS_OK);
            assert_string_not_equal(after, before);
            through = 1;
        } else if (rc != FRS_OK) {
            failed_runs++;
            if (strcmp(after, before) != 0)
                fail_msg("allocation %ld failed (status %s): the database "
                         "changed\n  before %s\n  after  %s", k,
                         frs_strerror(rc), before, after);
        } else { /* a refused allocation the run could do without */
            assert_string_not_equal(after, before);
            through = 1;
        }
        free(after);
    }
    if (getenv("FRS_TEST_VERBOSE"))
        fprintf(stderr, "%u runs failed before one went through\n",
                failed_runs);
    assert_true(through);
    assert_true(failed_runs > 10);
    free(before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_failing_commit_keeps_the_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failing_commit_of_a_rebuild,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_failing_allocations_keep_the_database, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
