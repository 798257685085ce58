/* SPDX-License-Identifier: MIT
 * test_indexer.c: incremental indexing on a real on-disk database: added,
 * unchanged, updated, deleted, pruned, and uncommitted work discarded; a
 * bulk build's spelling data written at its final commit.
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
#include "indexer.h"
#include "xdb.h"

static char *dir, *db; /* db: the index, in dir */

static int setup(void **state)
{
    (void)state;
    if (!(dir = frs_test_tmpdir("indexer")))
        return -1;
    db = frs_test_join(dir, "db");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return frs_test_tmpdb_free(&dir, &db);
}

static frs_indexer_t *open_ix_with(unsigned batch, int bulk)
{
    frs_indexer_opts_t o = frs_test_indexer_opts();
    o.batch_articles = batch;
    o.bulk = bulk;
    frs_indexer_t *ix = NULL;
    char *err = NULL;
    if (frs_indexer_open(db, &o, &ix, &err) != FRS_OK)
        fail_msg("open: %s", err);
    return ix;
}

static frs_indexer_t *open_ix(void)
{
    return open_ix_with(100, 0);
}

static void add(frs_indexer_t *ix, const char *id, const char *body)
{
    frs_article_t a = frs_test_article(id, "Titre", NULL, "2024-01-02", body);
    assert_int_equal(frs_indexer_add(ix, &a), FRS_OK);
}

/* Documents in the committed database: one per article. */
static unsigned long long documents(void)
{
    frs_xr_t *r;
    char *err;
    assert_int_equal(frs_xr_open(db, &r, &err), FRS_OK);
    frs_xr_stats_t st;
    assert_int_equal(frs_xr_stats(r, &st), FRS_OK);
    frs_xr_free(r);
    return st.doccount;
}

static const char *two = "Premier paragraphe assez long pour rester seul.\n\n"
                         "Second paragraphe assez long lui aussi, voilà.";

static void test_indexer_incremental_counts(void **state)
{
    (void)state;
    frs_indexer_t *ix = open_ix();
    add(ix, "a", two);
    add(ix, "b", "Un seul paragraphe ici.");
    assert_int_equal(frs_indexer_commit(ix), FRS_OK);
    assert_int_equal(frs_indexer_counts(ix)->added, 2);
    assert_int_equal(frs_indexer_counts(ix)->passages, 3);
    frs_indexer_free(ix);
    assert_int_equal(documents(), 2);

    ix = open_ix();
    add(ix, "a", two);                        /* unchanged */
    add(ix, "b", "Un texte tout à fait autre."); /* updated */
    int found = 0;
    assert_int_equal(frs_indexer_delete(ix, "zz", &found), FRS_OK);
    assert_false(found);
    assert_int_equal(frs_indexer_commit(ix), FRS_OK);
    const frs_indexer_counts_t *k = frs_indexer_counts(ix);
    assert_int_equal(k->unchanged, 1);
    assert_int_equal(k->updated, 1);
    assert_int_equal(k->added, 0);
    assert_int_equal(k->passages, 1); /* the updated article's */
    frs_indexer_free(ix);
    assert_int_equal(documents(), 2); /* replaced, not added */

    ix = open_ix();
    assert_int_equal(frs_indexer_delete(ix, "a", &found), FRS_OK);
    assert_true(found);
    assert_int_equal(frs_indexer_commit(ix), FRS_OK);
    frs_indexer_free(ix);
    assert_int_equal(documents(), 1);
}

static void test_indexer_prune_keeps_seen(void **state)
{
    (void)state;
    frs_indexer_t *ix = open_ix();
    add(ix, "a", "Texte a.");
    add(ix, "b", "Texte b.");
    add(ix, "c", "Texte c.");
    assert_int_equal(frs_indexer_commit(ix), FRS_OK);
    frs_indexer_free(ix);
    ix = open_ix();
    add(ix, "a", "Texte a.");
    assert_int_equal(frs_indexer_mark_seen(ix, "c"), FRS_OK); /* rejected */
    assert_int_equal(frs_indexer_prune(ix), FRS_OK);
    assert_int_equal(frs_indexer_commit(ix), FRS_OK);
    assert_int_equal(frs_indexer_counts(ix)->deleted, 1);
    frs_indexer_free(ix);
    assert_int_equal(documents(), 2);
}

static void test_indexer_prune_count_deletes_nothing(void **state)
{
    (void)state;
    frs_indexer_t *ix = open_ix();
    add(ix, "a", "Texte a.");
    add(ix, "b", "Texte b.");
    add(ix, "c", "Texte c.");
    assert_int_equal(frs_indexer_commit(ix), FRS_OK);
    frs_indexer_free(ix);
    ix = open_ix();
    add(ix, "a", "Texte a.");
    add(ix, "d", "Texte d, nouveau."); /* counted among the indexed */
    unsigned long long gone = 9, total = 9;
    assert_int_equal(frs_indexer_prune_count(ix, &gone, &total), FRS_OK);
    assert_int_equal(gone, 2); /* b and c */
    assert_int_equal(total, 4);
    assert_int_equal(frs_indexer_commit(ix), FRS_OK);
    assert_int_equal(frs_indexer_counts(ix)->deleted, 0);
    frs_indexer_free(ix);
    assert_int_equal(documents(), 4);
}

static void test_indexer_free_discards_uncommitted(void **state)
{
    (void)state;
    frs_indexer_t *ix = open_ix();
    add(ix, "a", "Texte a.");
    assert_int_equal(frs_indexer_commit(ix), FRS_OK);
    add(ix, "b", "Texte b.");
    frs_indexer_free(ix);
    assert_int_equal(documents(), 1);
}

/* The correction offered for word by the committed database, or NULL. */
static char *correction(const char *word)
{
    frs_xr_t *r;
    char *err, *out = NULL;
    assert_int_equal(frs_xr_open(db, &r, &err), FRS_OK);
    assert_int_equal(frs_xr_spelling(r, word, strlen(word), 2, &out), FRS_OK);
    frs_xr_free(r);
    return out;
}

/* Bulk mode commits every batch, but writes the spelling data once, at the
 * final commit; a live database gets it with every batch. */
static void test_indexer_bulk_spelling_at_final_commit(void **state)
{
    (void)state;
    for (int bulk = 0; bulk <= 1; bulk++) {
        frs_indexer_t *ix = open_ix_with(1, bulk);
        add(ix, "a", "La gendarmerie enquête.");
        add(ix, "b", "Le parlement vote.");
        assert_int_equal(documents(), 2); /* batches of 1: committed */
        char *c = correction("gendarmrie");
        if (bulk) {
            assert_null(c);
        } else {
            assert_non_null(c);
            assert_string_equal(c, "gendarmerie");
        }
        free(c);
        assert_int_equal(frs_indexer_commit(ix), FRS_OK);
        frs_indexer_free(ix);
        c = correction("parlemant");
        assert_non_null(c);
        assert_string_equal(c, "parlement");
        free(c);
        c = correction("gendarmrie");
        assert_non_null(c);
        assert_string_equal(c, "gendarmerie");
        free(c);
        assert_int_equal(frs_test_rmtree(db), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_indexer_incremental_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indexer_prune_keeps_seen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indexer_prune_count_deletes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indexer_free_discards_uncommitted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indexer_bulk_spelling_at_final_commit, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
