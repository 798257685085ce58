/* SPDX-License-Identifier: MIT
 * test_run.c: indexer runs (run.h) on real directories and databases: a
 * first build then an incremental run, a rebuild switched in, --compact,
 * the --prune guard, the lock of another indexer, an unreadable input,
 * --strict, a work directory that is not ours, and the usage problems only
 * the disk can tell.  Messages are caught through the say callback.
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

#include "dbswap.h"
#include "fixture.h"
#include "layout.h"
#include "run.h"
#include "xdb.h"

static char *root, *db; /* db: the index, in root */

typedef struct {
    char all[8192];           /* every message, "L: msg\n" (L: E, N, V) */
    unsigned errors, notes, details;
} said_t;

static void on_say(void *ctx, frs_say_level_t level, const char *msg)
{
    said_t *s = ctx;
    char l = level == FRS_SAY_ERROR ? 'E' : level == FRS_SAY_NOTE ? 'N' : 'V';
    s->errors += level == FRS_SAY_ERROR;
    s->notes += level == FRS_SAY_NOTE;
    s->details += level == FRS_SAY_VERBOSE;
    size_t n = strlen(s->all);
    snprintf(s->all + n, sizeof s->all - n, "%c: %s\n", l, msg);
}

static int setup(void **state)
{
    (void)state;
    if (!(root = frs_test_tmpdir("run")))
        return -1;
    db = frs_test_join(root, "db");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return frs_test_tmpdb_free(&root, &db);
}

/* root/FILE.jsonl holding n JSON Lines articles "ids-0", "ids-1"...; a
 * malloc'd path. */
static char *feed_as(const char *file, const char *ids, int n)
{
    char name[64];
    snprintf(name, sizeof name, "%s.jsonl", file);
    char *p = frs_test_join(root, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    for (int i = 0; i < n; i++)
        fprintf(f, "{\"id\":\"%s-%d\",\"title\":\"Titre %d\",\"date\":"
                "\"2024-01-%02d\",\"body\":\"Le conseil municipal a voté "
                "le budget numéro %d de la commune.\"}\n",
                ids, i, i, i % 28 + 1, i);
    fclose(f);
    return p;
}

/* root/NAME.jsonl holding n articles "name-0"... */
static char *feed(const char *name, int n)
{
    return feed_as(name, name, n);
}

static unsigned long long documents(const char *path)
{
    frs_xr_t *xr = NULL;
    char *err = NULL;
    if (frs_xr_open(path, &xr, &err) != FRS_OK) {
        free(err);
        return 0;
    }
    frs_xr_stats_t st;
    assert_int_equal(frs_xr_stats(xr, &st), FRS_OK);
    frs_xr_free(xr);
    return st.doccount;
}

/* Options for a run into db over inputs, messages into s. */
static frs_run_opts_t opts(const char *const *inputs, size_t n, said_t *s)
{
    frs_run_opts_t o;
    frs_run_opts_init(&o);
    o.db = db;
    o.inputs = inputs;
    o.ninputs = n;
    o.jobs = 2;
    o.say = on_say;
    o.ctx = s;
    memset(s, 0, sizeof *s);
    return o;
}

/* Prepare and run; the run's status, *sum a copy of its summary. */
static frs_status_t run(const frs_run_opts_t *o, frs_summary_t *sum,
                        char *error, size_t n)
{
    frs_run_t *r = NULL;
    assert_int_equal(frs_run_new(o, &r), FRS_OK);
    frs_status_t rc = frs_run_prepare(r);
    if (rc == FRS_OK)
        rc = frs_run_exec(r);
    if (sum)
        *sum = *frs_run_summary(r);
    if (error)
        snprintf(error, n, "%s", frs_run_error(r));
    frs_run_free(r);
    return rc;
}

static void test_run_first_build_then_incremental(void **state)
{
    (void)state;
    char *in = feed("a", 12);
    const char *inputs[] = {in};
    said_t s;
    frs_run_opts_t o = opts(inputs, 1, &s);
    frs_summary_t sum;
    assert_int_equal(run(&o, &sum, NULL, 0), FRS_OK);
    assert_string_equal(sum.mode, "first build");
    assert_int_equal(sum.counts.added, 12);
    assert_int_equal(documents(db), 12);
    assert_int_equal(s.errors + s.notes, 0); /* quiet */
    /* no work directory left */
    char *work = frs_test_join(root, "db.rebuild");
    assert_false(frs_dbswap_exists(work));
    /* again: incremental, nothing changes */
    assert_int_equal(run(&o, &sum, NULL, 0), FRS_OK);
    assert_string_equal(sum.mode, "index");
    assert_int_equal(sum.counts.unchanged, 12);
    assert_int_equal(sum.counts.added, 0);
    free(work);
    free(in);
}

static void test_run_rebuild_switches_in(void **state)
{
    (void)state;
    char *a = feed("a", 5), *b = feed("b", 3);
    const char *ia[] = {a}, *ib[] = {b};
    said_t s;
    frs_run_opts_t o = opts(ia, 1, &s);
    assert_int_equal(run(&o, NULL, NULL, 0), FRS_OK);
    o = opts(ib, 1, &s);
    o.rebuild = 1;
    frs_summary_t sum;
    assert_int_equal(run(&o, &sum, NULL, 0), FRS_OK);
    assert_string_equal(sum.mode, "rebuild");
    assert_int_equal(documents(db), 3); /* b alone: a is gone */
    char *work = frs_test_join(root, "db.rebuild");
    assert_false(frs_dbswap_exists(work));
    /* a --rebuild whose inputs yield nothing keeps the live index */
    char *empty = feed("e", 0);
    const char *ie[] = {empty};
    o = opts(ie, 1, &s);
    o.rebuild = 1;
    assert_int_equal(run(&o, NULL, NULL, 0), FRS_EINVAL);
    assert_non_null(strstr(s.all, "E: the inputs yielded no article"));
    assert_int_equal(documents(db), 3);
    assert_false(frs_dbswap_exists(work));
    free(empty);
    free(work);
    free(a);
    free(b);
}

static void test_run_refuses_a_work_directory_not_ours(void **state)
{
    (void)state;
    char *a = feed("a", 4);
    const char *ia[] = {a};
    said_t s;
    frs_run_opts_t o = opts(ia, 1, &s);
    assert_int_equal(run(&o, NULL, NULL, 0), FRS_OK);
    char *work = frs_test_join(root, "db.rebuild");
    char *theirs = frs_test_join(work, "theirs");
    assert_int_equal(mkdir(work, 0700), 0);
    assert_int_equal(frs_test_write(theirs, "not ours"), 0);
    o.rebuild = 1;
    assert_int_equal(run(&o, NULL, NULL, 0), FRS_EINVAL);
    assert_non_null(strstr(s.all, "not made by this indexer"));
    assert_true(frs_dbswap_exists(theirs)); /* left alone */
    assert_int_equal(documents(db), 4);
    free(theirs);
    free(work);
    free(a);
}

static void test_run_compact(void **state)
{
    (void)state;
    said_t s;
    frs_run_opts_t o = opts(NULL, 0, &s);
    o.compact = 1;
    char error[4200];
    /* nothing there */
    assert_int_equal(run(&o, NULL, error, sizeof error), FRS_ENOTFOUND);
    assert_non_null(strstr(error, "no database to compact"));
    char *a = feed("a", 6);
    const char *ia[] = {a};
    frs_run_opts_t oi = opts(ia, 1, &s);
    assert_int_equal(run(&oi, NULL, NULL, 0), FRS_OK);
    frs_summary_t sum;
    assert_int_equal(run(&o, &sum, NULL, 0), FRS_OK);
    assert_string_equal(sum.mode, "compact");
    assert_true(sum.bytes_before > 0);
    assert_int_equal(documents(db), 6);
    char *work = frs_test_join(root, "db.compact");
    assert_false(frs_dbswap_exists(work));
    free(work);
    free(a);
}

static void test_run_prune_guard(void **state)
{
    (void)state;
    char *a = feed("a", 20), *b = feed_as("a1", "a", 1); /* fewer of them */
    const char *ia[] = {a}, *ib[] = {b};
    said_t s;
    frs_run_opts_t o = opts(ia, 1, &s);
    assert_int_equal(run(&o, NULL, NULL, 0), FRS_OK);
    o = opts(ib, 1, &s);
    o.prune = 1; /* 19 of 20 would go: more than 10 % */
    frs_summary_t sum;
    char error[4200];
    assert_int_equal(run(&o, &sum, error, sizeof error), FRS_EINVAL);
    assert_string_equal(sum.prune, "refused");
    assert_non_null(strstr(error, "--prune refused"));
    assert_int_equal(documents(db), 20); /* nothing deleted */
    assert_int_equal(sum.counts.unchanged, 1); /* what was read went in */
    assert_int_equal(sum.counts.deleted, 0);
    /* within the limit, it goes */
    o.max_prune.value = 100;
    assert_int_equal(run(&o, &sum, NULL, 0), FRS_OK);
    assert_string_equal(sum.prune, "done");
    assert_int_equal(documents(db), 1);
    free(a);
    free(b);
}

static void test_run_locked_by_another_indexer(void **state)
{
    (void)state;
    char *a = feed("a", 3);
    const char *ia[] = {a};
    said_t s;
    frs_run_opts_t o = opts(ia, 1, &s);
    assert_int_equal(run(&o, NULL, NULL, 0), FRS_OK);
    frs_layout_lock_t *l = NULL;
    char *err = NULL, error[4200];
    assert_int_equal(frs_layout_lock(db, 0, &l, &err), FRS_OK);
    assert_int_equal(run(&o, NULL, error, sizeof error), FRS_ELOCKED);
    assert_non_null(strstr(error, "is being written by another indexer"));
    assert_int_equal(s.errors, 0); /* said as a note: it is no error */
    assert_int_equal(s.notes, 1);
    o.rebuild = 1;
    assert_int_equal(run(&o, NULL, NULL, 0), FRS_ELOCKED);
    frs_layout_unlock(l);
    assert_int_equal(run(&o, NULL, NULL, 0), FRS_OK);
    free(a);
}

static void test_run_unreadable_input_fails_the_rest_is_indexed(void **state)
{
    (void)state;
    char *a = feed("a", 3), *b = feed("b", 2);
    char *none = frs_test_join(root, "none.jsonl");
    const char *ia[] = {a}, *inputs[] = {none, b};
    said_t s;
    frs_run_opts_t o = opts(ia, 1, &s);
    assert_int_equal(run(&o, NULL, NULL, 0), FRS_OK);
    o = opts(inputs, 2, &s);
    o.prune = 1;
    frs_summary_t sum;
    assert_int_equal(run(&o, &sum, NULL, 0), FRS_EIO);
    assert_int_equal(sum.feed.failed_inputs, 1);
    assert_int_equal(s.errors, 1);
    assert_non_null(strstr(s.all, none));
    assert_string_equal(sum.prune, "skipped"); /* a's are kept */
    assert_int_equal(documents(db), 5);        /* b's are in */
    /* the first build of a missing index is abandoned instead */
    o.db = frs_test_join(root, "fresh");
    assert_int_equal(run(&o, NULL, NULL, 0), FRS_EIO);
    assert_false(frs_dbswap_exists(o.db));
    free((char *)o.db);
    free(b);
    free(none);
    free(a);
}

static void test_run_strict_commits_nothing(void **state)
{
    (void)state;
    char *a = feed("a", 3), *bad = frs_test_join(root, "bad.jsonl");
    assert_int_equal(frs_test_write(bad, "{\"id\":\"x\",\"body\":\n"), 0);
    const char *ia[] = {a};
    said_t s;
    frs_run_opts_t o = opts(ia, 1, &s);
    assert_int_equal(run(&o, NULL, NULL, 0), FRS_OK);
    char *b = feed("b", 2);
    const char *ic[] = {b, bad};
    o = opts(ic, 2, &s);
    o.strict = 1;
    assert_int_equal(run(&o, NULL, NULL, 0), FRS_EINVAL);
    assert_non_null(strstr(s.all, "N: rejected: "));
    assert_non_null(strstr(s.all, "E: 1 input rejected or unreadable"));
    assert_int_equal(documents(db), 3); /* b's two are not there */
    free(b);
    free(bad);
    free(a);
}

static void test_run_prepare_finds_usage_problems(void **state)
{
    (void)state;
    frs_shard_scheme_t y, m;
    frs_shards_parse("year", &y);
    frs_shards_parse("month", &m);
    char *err = NULL, *a = feed("a", 2);
    assert_int_equal(frs_shards_create(db, &y, &err), FRS_OK);
    const char *ia[] = {a};
    said_t s;
    frs_run_opts_t o = opts(ia, 1, &s);
    assert_int_equal(run(&o, NULL, NULL, 0), FRS_OK);
    /* a shard given to -d */
    char *shard = frs_test_join(db, "2024"), error[4200];
    o.db = shard;
    assert_int_equal(run(&o, NULL, error, sizeof error), FRS_EINVAL);
    assert_non_null(strstr(error, "is shard '2024' of a sharded index"));
    /* another scheme than the index's */
    o.db = db;
    o.shard_by = &m;
    assert_int_equal(run(&o, NULL, error, sizeof error), FRS_EINVAL);
    assert_non_null(strstr(error, "is sharded by year, not month"));
    /* the usage problems are not said: the caller says them */
    assert_int_equal(s.errors, 0);
    /* an incremental run with --shard-by makes a new index sharded */
    char *other = frs_test_join(root, "other");
    o.db = other;
    assert_int_equal(run(&o, NULL, NULL, 0), FRS_OK);
    frs_layout_info_t info;
    assert_int_equal(frs_layout_probe(other, &info, &err), FRS_OK);
    assert_int_equal(info.kind, FRS_LAYOUT_SHARDED);
    assert_int_equal(info.scheme.kind, FRS_SHARD_BY_MONTH);
    frs_layout_info_clear(&info);
    free(other);
    free(shard);
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_run_first_build_then_incremental, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_rebuild_switches_in, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_refuses_a_work_directory_not_ours, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_compact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_prune_guard, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_locked_by_another_indexer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_unreadable_input_fails_the_rest_is_indexed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_strict_commits_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_prepare_finds_usage_problems, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
