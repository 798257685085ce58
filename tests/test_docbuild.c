/* SPDX-License-Identifier: MIT
 * test_docbuild.c: one article made into one Xapian document (docbuild.h),
 * stored in a real database and read back: its id, date and title terms,
 * its words and their stems, its values (date, content hash), its
 * passages, and the spelling words counted; bad passage options refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "docbuild.h"
#include "fixture.h"
#include "schema.h"

static char *root;

static int setup(void **state)
{
    (void)state;
    root = frs_test_tmpdir("docbuild");
    return root ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return frs_test_tmpdir_free(&root);
}

static const char *body =
    "La commission des finances examine le budget régional.\n\n"
    "Les élus votent mardi, après trois semaines de débats animés.";
static const char *hash = "0123456789abcdef0123456789abcdef";

static unsigned long long tf(frs_xr_t *xr, const char *term)
{
    unsigned long long n = 0;
    assert_int_equal(frs_xr_termfreq(xr, term, strlen(term), &n), FRS_OK);
    return n;
}

static void test_docbuild_one_article_one_document(void **state)
{
    (void)state;
    frs_analyzer_t *an = NULL;
    frs_strset_t *words = NULL;
    assert_int_equal(frs_analyzer_new(&an), FRS_OK);
    assert_int_equal(frs_strset_new(&words), FRS_OK);
    frs_article_t a = frs_test_article("fin-1", "Budget voté", NULL,
                                       "2023-05-04", body);
    frs_passage_opts_t po = {.min_words = 3, .max_words = 10};
    frs_xdoc_t *doc = NULL;
    size_t np = 0;
    assert_int_equal(frs_docbuild(an, &a, &po, hash, words, &doc, &np),
                     FRS_OK);
    assert_int_equal(np, 2); /* one passage a paragraph here */
    assert_true(frs_strset_get(words, "commission", 10) >= 1);
    assert_int_equal(frs_strset_get(words, "les", 3), 0); /* a stopword */

    char *path = frs_test_join(root, "db");
    frs_xdb_t *db = NULL;
    char *err = NULL;
    assert_int_equal(frs_xdb_open(path, FRS_XDB_CREATE, &db, &err), FRS_OK);
    assert_int_equal(frs_xdb_replace(db, FRS_PFX_ARTICLE "fin-1", doc),
                     FRS_OK);
    assert_int_equal(frs_xdb_commit(db), FRS_OK);
    frs_xdb_free(db);
    frs_xdoc_free(doc);

    frs_xr_t *xr = NULL;
    assert_int_equal(frs_xr_open(path, &xr, &err), FRS_OK);
    frs_xr_stats_t st;
    assert_int_equal(frs_xr_stats(xr, &st), FRS_OK);
    assert_int_equal(st.doccount, 1);
    assert_int_equal(tf(xr, FRS_PFX_ARTICLE "fin-1"), 1);
    assert_int_equal(tf(xr, FRS_PFX_YEAR "2023"), 1);
    assert_int_equal(tf(xr, "commission"), 1);  /* a word, lowercased */
    assert_int_equal(tf(xr, "elus"), 1);       /* accents set aside */
    assert_int_equal(tf(xr, "élus"), 0);
    assert_int_equal(tf(xr, FRS_PFX_STEM "financ"), 1); /* its stem */
    assert_int_equal(tf(xr, FRS_PFX_TITLE "budget"), 1);
    assert_int_equal(tf(xr, FRS_PFX_TITLE_STEM "vot"), 1); /* voté */
    char *v = NULL;
    assert_int_equal(frs_xr_first_value(xr, FRS_PFX_ARTICLE "fin-1",
                                        FRS_SLOT_HASH, &v), FRS_OK);
    assert_string_equal(v, hash);
    free(v);
    assert_int_equal(frs_xr_first_value(xr, FRS_PFX_ARTICLE "fin-1",
                                        FRS_SLOT_DATE, &v), FRS_OK);
    assert_string_equal(v, "20230504");
    free(v);
    frs_xr_free(xr);
    free(path);
    frs_strset_free(words);
    frs_analyzer_free(an);
}

static void test_docbuild_refuses_bad_passage_options(void **state)
{
    (void)state;
    frs_analyzer_t *an = NULL;
    assert_int_equal(frs_analyzer_new(&an), FRS_OK);
    frs_article_t a = frs_test_article("x", NULL, NULL, NULL, body);
    frs_passage_opts_t po = {.min_words = 50, .max_words = 10};
    frs_xdoc_t *doc = NULL;
    size_t np = 7;
    assert_int_equal(frs_docbuild(an, &a, &po, hash, NULL, &doc, &np),
                     FRS_EINVAL);
    assert_null(doc);
    frs_analyzer_free(an);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_docbuild_one_article_one_document, setup, teardown),
        cmocka_unit_test(test_docbuild_refuses_bad_passage_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
