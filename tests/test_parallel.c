/* SPDX-License-Identifier: MIT
 * test_parallel.c: the parallel builder (parallel.h) on real databases:
 * articles spread over workers and many small parts (FRS_PART_ARTICLES)
 * merged into one database holding each article once, with its metadata;
 * a merge that cannot write its destination fails with a message and
 * leaves no part behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "parallel.h"
#include "schema.h"
#include "xdb.h"

static char *root;

static int setup(void **state)
{
    (void)state;
    root = frs_test_tmpdir("parallel");
    return root ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return frs_test_tmpdir_free(&root);
}

/* Give n articles "p-0"... to pb. */
static void add_articles(frs_pbuild_t *pb, int n)
{
    for (int i = 0; i < n; i++) {
        char id[32], body[160];
        snprintf(id, sizeof id, "p-%d", i);
        snprintf(body, sizeof body, "Le budget numéro %d de la région "
                 "est adopté par le conseil.", i);
        frs_article_t a = frs_test_article(id, "Budget", NULL, "2022-03-04",
                                           body);
        assert_int_equal(frs_pbuild_add(pb, &a), FRS_OK);
    }
}

/* Entries of root whose name holds "part-". */
static int parts_left(void)
{
    DIR *d = opendir(root);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strstr(e->d_name, "part-") != NULL;
    closedir(d);
    return n;
}

static void test_parallel_parts_merged_into_one_database(void **state)
{
    (void)state;
    setenv("FRS_PART_ARTICLES", "3", 1); /* 3 workers x several parts */
    char *dst = frs_test_join(root, "db");
    frs_indexer_opts_t o = frs_test_indexer_opts();
    frs_pbuild_t *pb = NULL;
    char *err = NULL;
    assert_int_equal(frs_pbuild_new(dst, 3, &o, &pb, &err), FRS_OK);
    add_articles(pb, 40);
    assert_string_equal(frs_pbuild_errmsg(pb), "");
    frs_indexer_counts_t c;
    assert_int_equal(frs_pbuild_finish(pb, &c, &err), FRS_OK);
    frs_pbuild_free(pb);
    unsetenv("FRS_PART_ARTICLES");
    assert_int_equal(c.added, 40);
    assert_int_equal(c.updated, 0);
    assert_int_equal(parts_left(), 0);

    frs_xr_t *xr = NULL;
    assert_int_equal(frs_xr_open(dst, &xr, &err), FRS_OK);
    frs_xr_stats_t st;
    assert_int_equal(frs_xr_stats(xr, &st), FRS_OK);
    assert_int_equal(st.doccount, 40); /* one document an article */
    char *v = NULL;
    assert_int_equal(frs_xr_get_metadata(xr, FRS_META_ARTICLES, &v), FRS_OK);
    assert_string_equal(v, "40");
    free(v);
    assert_int_equal(frs_xr_get_metadata(xr, FRS_META_SCHEMA, &v), FRS_OK);
    assert_int_equal(strtol(v, NULL, 10), FRS_SCHEMA_VERSION);
    free(v);
    for (int i = 0; i < 40; i++) { /* each article once */
        char term[32];
        unsigned long long n = 0;
        int len = snprintf(term, sizeof term, "%sp-%d", FRS_PFX_ARTICLE, i);
        assert_int_equal(frs_xr_termfreq(xr, term, (size_t)len, &n), FRS_OK);
        assert_int_equal(n, 1);
    }
    frs_xr_free(xr);
    free(dst);
}

static void test_parallel_merge_that_cannot_write_fails_cleanly(void **state)
{
    (void)state;
    char *dst = frs_test_join(root, "taken");
    assert_int_equal(frs_test_write(dst, "a file, not a database\n"), 0);
    frs_indexer_opts_t o = frs_test_indexer_opts();
    frs_pbuild_t *pb = NULL;
    char *err = NULL;
    assert_int_equal(frs_pbuild_new(dst, 2, &o, &pb, &err), FRS_OK);
    add_articles(pb, 10);
    frs_indexer_counts_t c;
    assert_int_not_equal(frs_pbuild_finish(pb, &c, &err), FRS_OK);
    assert_non_null(err);
    assert_true(strlen(err) > 0);
    free(err);
    frs_pbuild_free(pb);
    assert_int_equal(parts_left(), 0);
    free(dst);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_parallel_parts_merged_into_one_database, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_parallel_merge_that_cannot_write_fails_cleanly, setup,
            teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
