/* SPDX-License-Identifier: MIT
 * test_layout.c: the index layout on real directories and databases: the
 * sharded layout (scheme file, keys, shard list, stub file, writer lock),
 * what is at a path (probe), the writer lock of any kind of index, sync,
 * and the statistics --stats and /stats share; and the indexer routing
 * articles to shards: moves between periods, deletes and prune across
 * shards, only touched shards opened for writing, the stub naming committed
 * shards only.
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
#include "indexer.h"
#include "layout.h"
#include "schema.h"
#include "xdb.h"

static char *root, *db; /* db: the index, in root */

static int setup(void **state)
{
    (void)state;
    if (!(root = frs_test_tmpdir("layout")))
        return -1;
    db = frs_test_join(root, "db");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return frs_test_tmpdb_free(&root, &db);
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *slurp(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* ---------- the layout module ---------- */

static void test_shards_parse_and_format(void **state)
{
    (void)state;
    static const struct {
        const char *in, *canon;
    } ok[] = {{"year", "year"}, {"month", "month"}, {"hash:1", "hash:1"},
              {"hash:16", "hash:16"}, {"hash:1000", "hash:1000"}};
    static const char *bad[] = {"", "years", "hash", "hash:", "hash:0",
                                "hash:1001", "hash:-3", "hash:8x", "Year",
                                "hash:00000008"};
    frs_shard_scheme_t s;
    char buf[32];
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        assert_int_equal(frs_shards_parse(ok[i].in, &s), FRS_OK);
        frs_shards_format(&s, buf, sizeof buf);
        assert_string_equal(buf, ok[i].canon);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(frs_shards_parse(bad[i], &s), FRS_EINVAL);
        assert_int_equal(s.kind, FRS_SHARD_BY_NONE);
    }
    frs_shard_scheme_t a, b;
    frs_shards_parse("hash:4", &a);
    frs_shards_parse("hash:5", &b);
    assert_false(frs_shards_same(&a, &b));
    frs_shards_parse("hash:4", &b);
    assert_true(frs_shards_same(&a, &b));
}

static void test_shards_keys(void **state)
{
    (void)state;
    frs_shard_scheme_t y, m, h8, h100, h1000;
    frs_shards_parse("year", &y);
    frs_shards_parse("month", &m);
    frs_shards_parse("hash:8", &h8);
    frs_shards_parse("hash:100", &h100);
    frs_shards_parse("hash:1000", &h1000);
    char k[FRS_SHARD_KEY_MAX];
    frs_shards_key(&y, "a", "2024-03-12", k);
    assert_string_equal(k, "2024");
    frs_shards_key(&m, "a", "2024-03-12", k);
    assert_string_equal(k, "2024-03");
    frs_shards_key(&y, "a", NULL, k);
    assert_string_equal(k, FRS_SHARD_UNDATED);
    frs_shards_key(&m, "a", "garbage", k);
    assert_string_equal(k, FRS_SHARD_UNDATED);
    /* hash keys: fixed width, in range, stable, and spread */
    int seen[8] = {0};
    for (int i = 0; i < 400; i++) {
        char id[32];
        snprintf(id, sizeof id, "art-%d", i);
        frs_shards_key(&h8, id, "2024-01-01", k);
        assert_int_equal(strlen(k), 3);
        assert_true(frs_shards_valid_key(&h8, k));
        seen[k[2] - '0']++;
        char again[FRS_SHARD_KEY_MAX];
        frs_shards_key(&h8, id, NULL, again); /* the date does not matter */
        assert_string_equal(k, again);
    }
    for (int i = 0; i < 8; i++)
        assert_true(seen[i] > 20);
    frs_shards_key(&h100, "x", NULL, k);
    assert_int_equal(strlen(k), 3);
    frs_shards_key(&h1000, "x", NULL, k);
    assert_int_equal(strlen(k), 4);
    assert_true(frs_shards_can_move(&y) && frs_shards_can_move(&m));
    assert_false(frs_shards_can_move(&h8));
}

static void test_shards_valid_keys(void **state)
{
    (void)state;
    frs_shard_scheme_t y, m, h;
    frs_shards_parse("year", &y);
    frs_shards_parse("month", &m);
    frs_shards_parse("hash:12", &h);
    assert_true(frs_shards_valid_key(&y, "2023"));
    assert_true(frs_shards_valid_key(&y, "undated"));
    assert_false(frs_shards_valid_key(&y, "2023-04"));
    assert_false(frs_shards_valid_key(&y, "2023.compact"));
    assert_false(frs_shards_valid_key(&y, "XAPIANDB"));
    assert_true(frs_shards_valid_key(&m, "2023-04"));
    assert_true(frs_shards_valid_key(&m, "2023-12"));
    assert_false(frs_shards_valid_key(&m, "2023-13"));
    assert_false(frs_shards_valid_key(&m, "2023-00"));
    assert_false(frs_shards_valid_key(&m, "2023"));
    assert_true(frs_shards_valid_key(&h, "h11"));
    assert_false(frs_shards_valid_key(&h, "h12"));
    assert_false(frs_shards_valid_key(&h, "h3"));
    assert_false(frs_shards_valid_key(&h, "undated"));
}

static void test_shards_create_and_read(void **state)
{
    (void)state;
    frs_shard_scheme_t y, m, got;
    frs_shards_parse("year", &y);
    frs_shards_parse("month", &m);
    char *err = NULL;
    assert_int_equal(frs_shards_read(db, &got, &err), FRS_ENOTFOUND);
    assert_int_equal(frs_shards_create(db, &y, &err), FRS_OK);
    assert_int_equal(frs_shards_read(db, &got, &err), FRS_OK);
    assert_true(frs_shards_same(&got, &y));
    assert_int_equal(frs_shards_create(db, &y, &err), FRS_OK); /* again */
    assert_int_equal(frs_shards_create(db, &m, &err), FRS_EINVAL);
    assert_non_null(strstr(err, "sharded by year"));
    free(err);
    /* a directory holding anything else is not turned into an index */
    char other[128], f[160];
    snprintf(other, sizeof other, "%s/plain", root);
    mkdir(other, 0700);
    snprintf(f, sizeof f, "%s/iamglass", other);
    put(f, "x");
    assert_int_equal(frs_shards_create(other, &y, &err), FRS_EINVAL);
    assert_non_null(strstr(err, "--rebuild"));
    free(err);
    /* a scheme file naming nothing valid */
    snprintf(f, sizeof f, "%s/%s", db, FRS_SHARDS_FILE);
    put(f, "# comment\nweekly\n");
    assert_int_equal(frs_shards_read(db, &got, &err), FRS_EINVAL);
    assert_non_null(err);
    free(err);
    put(f, "# comment\n\nhash:3\n");
    assert_int_equal(frs_shards_read(db, &got, &err), FRS_OK);
    assert_int_equal(got.kind, FRS_SHARD_BY_HASH);
    assert_int_equal(got.n, 3);
}

static void test_shards_lock_is_exclusive(void **state)
{
    (void)state;
    frs_shard_scheme_t y;
    frs_shards_parse("year", &y);
    char *err = NULL;
    int a = -1, b = -1;
    assert_int_equal(frs_shards_lock(db, &a), FRS_EIO); /* no index yet */
    assert_int_equal(frs_shards_create(db, &y, &err), FRS_OK);
    assert_int_equal(frs_shards_lock(db, &a), FRS_OK);
    assert_int_equal(frs_shards_lock(db, &b), FRS_ELOCKED);
    assert_int_equal(b, -1);
    frs_shards_unlock(a);
    assert_int_equal(frs_shards_lock(db, &b), FRS_OK);
    frs_shards_unlock(b);
    frs_shards_unlock(-1);
}

static void mkshard(const char *name, int with_db)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", db, name);
    mkdir(p, 0700);
    if (with_db) {
        strcat(p, "/iamglass");
        put(p, "x");
    }
}

static void test_shards_list_and_stub(void **state)
{
    (void)state;
    frs_shard_scheme_t y;
    frs_shards_parse("year", &y);
    char *err = NULL;
    assert_int_equal(frs_shards_create(db, &y, &err), FRS_OK);
    mkshard("2024", 1);
    mkshard("2021", 1);
    mkshard("undated", 1);
    mkshard("2022", 0);          /* no database in it */
    mkshard("2023.compact", 1);  /* left by a killed --compact */
    mkshard("notes", 1);
    char **keys = NULL;
    size_t n = 0;
    assert_int_equal(frs_shards_list(db, &y, &keys, &n), FRS_OK);
    assert_int_equal(n, 3);
    assert_string_equal(keys[0], "2021");
    assert_string_equal(keys[1], "2024");
    assert_string_equal(keys[2], "undated");
    assert_int_equal(frs_shards_write_stub(db, keys, n), FRS_OK);
    frs_shards_free_keys(keys, n);
    char p[256];
    snprintf(p, sizeof p, "%s/XAPIANDB", db);
    const char *text = slurp(p);
    assert_non_null(strstr(text, "auto 2021\nauto 2024\nauto undated\n"));
    frs_stub_entry_t *e = NULL;
    assert_int_equal(frs_stub_read(db, &e, &n), FRS_OK);
    assert_int_equal(n, 3);
    assert_string_equal(e[1].type, "auto");
    assert_string_equal(e[1].where, "2024");
    snprintf(p, sizeof p, "%s/2024", db);
    assert_string_equal(e[1].path, p);
    frs_stub_free(e, n);
    /* a stub file anywhere, with remote shards and comments */
    snprintf(p, sizeof p, "%s/mixed.stub", root);
    put(p, "# three shards\nremote 127.0.0.1:7001\n\nauto db/2021\n"
           "remote :ssh host xapian-progsrv /srv/2022\nauto /abs/2023\n");
    assert_int_equal(frs_stub_read(p, &e, &n), FRS_OK);
    assert_int_equal(n, 4);
    assert_string_equal(e[0].type, "remote");
    assert_string_equal(e[0].where, "127.0.0.1:7001");
    assert_null(e[0].path);
    snprintf(p, sizeof p, "%s/db/2021", root);
    assert_string_equal(e[1].path, p);
    assert_string_equal(e[2].where, ":ssh host xapian-progsrv /srv/2022");
    assert_null(e[2].path);
    assert_string_equal(e[3].path, "/abs/2023");
    frs_stub_free(e, n);
    /* a plain database directory is no stub */
    snprintf(p, sizeof p, "%s/2021", db);
    assert_int_equal(frs_stub_read(p, &e, &n), FRS_ENOTFOUND);
    assert_int_equal(frs_stub_read("/nonexistent/x", &e, &n), FRS_ENOTFOUND);
}

/* ---------- the indexer on a sharded index ---------- */

static frs_indexer_t *open_ix(void)
{
    frs_indexer_opts_t o = frs_test_indexer_opts();
    frs_indexer_t *ix = NULL;
    char *err = NULL;
    if (frs_indexer_open(db, &o, &ix, &err) != FRS_OK)
        fail_msg("open: %s", err);
    return ix;
}

static void make_index(const char *scheme)
{
    frs_shard_scheme_t s;
    char *err = NULL;
    assert_int_equal(frs_shards_parse(scheme, &s), FRS_OK);
    assert_int_equal(frs_shards_create(db, &s, &err), FRS_OK);
}

static void add(frs_indexer_t *ix, const char *id, const char *date,
                const char *body)
{
    frs_article_t a = frs_test_article(id, "Titre", NULL, date, body);
    assert_int_equal(frs_indexer_add(ix, &a), FRS_OK);
}

/* Documents of article id in the database (or shard) at path (1 when it
 * holds the article); 0 when the path holds no database. */
static unsigned long long docs_of(const char *path, const char *id)
{
    frs_xr_t *r;
    char *err = NULL, term[128];
    if (frs_xr_open(path, &r, &err) != FRS_OK) {
        free(err);
        return 0;
    }
    snprintf(term, sizeof term, "A%s", id);
    unsigned long long tf = 0;
    assert_int_equal(frs_xr_termfreq(r, term, strlen(term), &tf), FRS_OK);
    frs_xr_free(r);
    return tf;
}

static unsigned long long in_shard(const char *key, const char *id)
{
    char p[160];
    snprintf(p, sizeof p, "%s/%s", db, key);
    return docs_of(p, id);
}

static const char *two = "Premier paragraphe assez long pour rester seul.\n\n"
                         "Second paragraphe assez long lui aussi, voilà.";

static void test_routed_by_year(void **state)
{
    (void)state;
    make_index("year");
    frs_indexer_t *ix = open_ix();
    add(ix, "a", "2023-05-01", two);
    add(ix, "b", "2024-02-03", "Un seul paragraphe ici.");
    add(ix, "c", NULL, "Sans date aucune.");
    assert_int_equal(frs_indexer_commit(ix), FRS_OK);
    unsigned total, written;
    frs_indexer_shards(ix, &total, &written);
    assert_int_equal(total, 3);
    assert_int_equal(written, 3);
    frs_indexer_free(ix);
    assert_int_equal(in_shard("2023", "a"), 1);
    assert_int_equal(in_shard("2024", "b"), 1);
    assert_int_equal(in_shard("undated", "c"), 1);
    assert_int_equal(in_shard("2024", "a"), 0);
    /* the index directory reads as one database over every shard */
    assert_int_equal(docs_of(db, "a"), 1);
    assert_int_equal(docs_of(db, "c"), 1);
    char p[160];
    snprintf(p, sizeof p, "%s/XAPIANDB", db);
    assert_non_null(strstr(slurp(p), "auto 2023\nauto 2024\nauto undated\n"));
    /* an unchanged rerun writes nothing */
    ix = open_ix();
    add(ix, "a", "2023-05-01", two);
    add(ix, "b", "2024-02-03", "Un seul paragraphe ici.");
    assert_int_equal(frs_indexer_commit(ix), FRS_OK);
    assert_int_equal(frs_indexer_counts(ix)->unchanged, 2);
    frs_indexer_shards(ix, &total, &written);
    assert_int_equal(written, 0);
    frs_indexer_free(ix);
}

static void test_moved_article_leaves_its_old_shard(void **state)
{
    (void)state;
    make_index("year");
    frs_indexer_t *ix = open_ix();
    add(ix, "a", "2023-05-01", two);
    add(ix, "b", "2023-06-01", "Reste en 2023.");
    assert_int_equal(frs_indexer_commit(ix), FRS_OK);
    frs_indexer_free(ix);
    ix = open_ix();
    add(ix, "a", "2024-01-09", two); /* its date was corrected */
    assert_int_equal(frs_indexer_commit(ix), FRS_OK);
    assert_int_equal(frs_indexer_counts(ix)->updated, 1);
    assert_int_equal(frs_indexer_counts(ix)->added, 0);
    frs_indexer_free(ix);
    assert_int_equal(in_shard("2023", "a"), 0);
    assert_int_equal(in_shard("2024", "a"), 1);
    assert_int_equal(in_shard("2023", "b"), 1);
    assert_int_equal(docs_of(db, "a"), 1);
    /* moved within one run too (the same id met twice) */
    ix = open_ix();
    add(ix, "d", "2021-01-01", "Premier passage.");
    add(ix, "d", NULL, "Premier passage.");
    assert_int_equal(frs_indexer_commit(ix), FRS_OK);
    frs_indexer_free(ix);
    assert_int_equal(in_shard("2021", "d"), 0);
    assert_int_equal(in_shard("undated", "d"), 1);
}

static void test_delete_and_prune_across_shards(void **state)
{
    (void)state;
    make_index("month");
    frs_indexer_t *ix = open_ix();
    add(ix, "a", "2023-05-01", "Texte a.");
    add(ix, "b", "2023-06-01", "Texte b.");
    add(ix, "c", "2024-01-01", "Texte c.");
    add(ix, "d", NULL, "Texte d.");
    assert_int_equal(frs_indexer_commit(ix), FRS_OK);
    frs_indexer_free(ix);
    ix = open_ix();
    int found = 0;
    assert_int_equal(frs_indexer_delete(ix, "b", &found), FRS_OK);
    assert_true(found);
    assert_int_equal(frs_indexer_delete(ix, "zz", &found), FRS_OK);
    assert_false(found);
    assert_int_equal(frs_indexer_commit(ix), FRS_OK);
    unsigned total, written;
    frs_indexer_shards(ix, &total, &written);
    assert_int_equal(written, 1); /* only 2023-06 was written */
    frs_indexer_free(ix);
    assert_int_equal(in_shard("2023-06", "b"), 0);
    ix = open_ix();
    add(ix, "a", "2023-05-01", "Texte a.");
    assert_int_equal(frs_indexer_mark_seen(ix, "d"), FRS_OK); /* rejected */
    assert_int_equal(frs_indexer_prune(ix), FRS_OK);
    assert_int_equal(frs_indexer_commit(ix), FRS_OK);
    assert_int_equal(frs_indexer_counts(ix)->deleted, 1);
    frs_indexer_free(ix);
    assert_int_equal(docs_of(db, "a"), 1);
    assert_int_equal(docs_of(db, "c"), 0);
    assert_int_equal(docs_of(db, "d"), 1);
}

static void test_only_touched_shards_are_locked(void **state)
{
    (void)state;
    make_index("year");
    frs_indexer_t *ix = open_ix();
    add(ix, "a", "2023-05-01", "Texte a.");
    add(ix, "b", "2024-05-01", "Texte b.");
    assert_int_equal(frs_indexer_commit(ix), FRS_OK);
    frs_indexer_free(ix);
    ix = open_ix();
    add(ix, "a", "2023-05-01", "Texte a."); /* unchanged: 2023 only read */
    add(ix, "c", "2024-06-01", "Texte c.");
    char p[160], *err = NULL;
    frs_xdb_t *w = NULL;
    snprintf(p, sizeof p, "%s/2023", db);
    assert_int_equal(frs_xdb_open(p, 0, &w, &err), FRS_OK);
    frs_xdb_free(w);
    snprintf(p, sizeof p, "%s/2024", db);
    assert_int_equal(frs_xdb_open(p, 0, &w, &err), FRS_ELOCKED);
    free(err);
    /* and the whole index is locked against a second indexer */
    frs_indexer_opts_t o = frs_test_indexer_opts();
    frs_indexer_t *other = NULL;
    assert_int_equal(frs_indexer_open(db, &o, &other, &err), FRS_ELOCKED);
    assert_non_null(strstr(err, "another indexer"));
    free(err);
    assert_int_equal(frs_indexer_commit(ix), FRS_OK);
    frs_indexer_free(ix);
}

static void test_stub_names_committed_shards_only(void **state)
{
    (void)state;
    make_index("year");
    frs_indexer_t *ix = open_ix();
    add(ix, "a", "2023-05-01", "Texte a.");
    assert_int_equal(frs_indexer_commit(ix), FRS_OK);
    add(ix, "b", "2030-01-01", "Texte b."); /* never committed */
    frs_indexer_free(ix);
    char p[160];
    snprintf(p, sizeof p, "%s/XAPIANDB", db);
    assert_null(strstr(slurp(p), "2030"));
    assert_int_equal(docs_of(db, "b"), 0);
    /* a stub that lost a committed shard (killed between the commit and
     * its rewrite) is repaired by the next indexer */
    put(p, "auto 2023\n");
    ix = open_ix();
    add(ix, "c", "2031-01-01", "Texte c.");
    assert_int_equal(frs_indexer_commit(ix), FRS_OK);
    frs_indexer_free(ix);
    put(p, "auto 2023\n");
    ix = open_ix();
    frs_indexer_free(ix);
    assert_non_null(strstr(slurp(p), "auto 2023\nauto 2031\n"));
    assert_null(strstr(slurp(p), "2030"));
    assert_int_equal(docs_of(db, "c"), 1);
}

static void test_unsharded_database_has_no_stub(void **state)
{
    (void)state;
    frs_indexer_t *ix = open_ix(); /* db has no frs-shards: one database */
    add(ix, "a", "2023-05-01", "Texte a.");
    assert_int_equal(frs_indexer_commit(ix), FRS_OK);
    unsigned total, written;
    frs_indexer_shards(ix, &total, &written);
    assert_int_equal(total, 0);
    frs_indexer_free(ix);
    char p[160];
    snprintf(p, sizeof p, "%s/XAPIANDB", db);
    assert_false(frs_dbswap_exists(p));
    snprintf(p, sizeof p, "%s/iamglass", db);
    assert_true(frs_dbswap_exists(p));
    assert_int_equal(docs_of(db, "a"), 1);
}

static void test_hash_routing(void **state)
{
    (void)state;
    make_index("hash:4");
    frs_indexer_t *ix = open_ix();
    char id[16];
    for (int i = 0; i < 40; i++) {
        snprintf(id, sizeof id, "art-%d", i);
        add(ix, id, i % 2 ? "2020-01-01" : NULL, "Texte commun.");
    }
    assert_int_equal(frs_indexer_commit(ix), FRS_OK);
    unsigned total, written;
    frs_indexer_shards(ix, &total, &written);
    assert_int_equal(total, 4);
    frs_indexer_free(ix);
    frs_shard_scheme_t h;
    frs_shards_parse("hash:4", &h);
    for (int i = 0; i < 40; i++) {
        char key[FRS_SHARD_KEY_MAX];
        snprintf(id, sizeof id, "art-%d", i);
        frs_shards_key(&h, id, NULL, key);
        assert_int_equal(in_shard(key, id), 1);
    }
    ix = open_ix();
    int found = 0;
    assert_int_equal(frs_indexer_delete(ix, "art-7", &found), FRS_OK);
    assert_true(found);
    assert_int_equal(frs_indexer_commit(ix), FRS_OK);
    frs_indexer_free(ix);
    assert_int_equal(docs_of(db, "art-7"), 0);
    assert_int_equal(docs_of(db, "art-8"), 1);
}


/* ---------- a whole index ---------- */

static void test_layout_probe(void **state)
{
    (void)state;
    frs_layout_info_t info;
    char *err = NULL;
    assert_int_equal(frs_layout_probe(db, &info, &err), FRS_OK);
    assert_int_equal(info.kind, FRS_LAYOUT_MISSING);
    assert_null(info.index);
    /* one database */
    frs_test_doc_t d = {"a", "Titre", NULL, "2023-05-01", two};
    char *one = frs_test_join(root, "one");
    assert_int_equal(frs_test_build(one, &d, 1, &err), FRS_OK);
    assert_int_equal(frs_layout_probe(one, &info, &err), FRS_OK);
    assert_int_equal(info.kind, FRS_LAYOUT_DATABASE);
    assert_null(info.index);
    /* a sharded index, and one of its shards, which names the index */
    make_index("year");
    assert_int_equal(frs_test_build(db, &d, 1, &err), FRS_OK);
    assert_int_equal(frs_layout_probe(db, &info, &err), FRS_OK);
    assert_int_equal(info.kind, FRS_LAYOUT_SHARDED);
    assert_int_equal(info.scheme.kind, FRS_SHARD_BY_YEAR);
    char *shard = frs_test_join(db, "2023");
    assert_int_equal(frs_layout_probe(shard, &info, &err), FRS_OK);
    assert_int_equal(info.kind, FRS_LAYOUT_DATABASE);
    assert_string_equal(info.index, db);
    assert_string_equal(info.key, "2023");
    frs_layout_info_clear(&info);
    /* a stub file written by hand */
    char *stub = frs_test_join(root, "all.stub");
    put(stub, "auto one\nremote 127.0.0.1:1\n");
    assert_int_equal(frs_layout_probe(stub, &info, &err), FRS_OK);
    assert_int_equal(info.kind, FRS_LAYOUT_STUB);
    /* a scheme file naming nothing: refused, with the reason */
    char *f = frs_test_join(db, FRS_SHARDS_FILE);
    put(f, "weekly\n");
    assert_int_equal(frs_layout_probe(db, &info, &err), FRS_EINVAL);
    assert_non_null(strstr(err, "no valid shard scheme"));
    free(err);
    free(f);
    free(stub);
    free(shard);
    free(one);
}

/* The writer lock of every kind of index keeps out whoever writes it. */
static void test_layout_lock_any_kind(void **state)
{
    (void)state;
    char *err = NULL, *lockfile = NULL;
    frs_layout_lock_t *l = NULL, *l2 = NULL;
    /* nothing there yet: "<db>.lock" */
    assert_int_equal(frs_layout_lock(db, 0, &l, &err), FRS_OK);
    assert_int_equal(frs_layout_lock_kind(l), FRS_LAYOUT_MISSING);
    assert_int_equal(frs_layout_lock(db, 0, &l2, &err), FRS_ELOCKED);
    assert_null(l2);
    free(err);
    lockfile = frs_test_join(root, "db.lock");
    assert_true(frs_dbswap_exists(lockfile));
    frs_layout_unlock(l);
    /* one database: Xapian's own lock, so no writer gets in */
    frs_test_doc_t d = {"a", "Titre", NULL, "2023-05-01", two};
    assert_int_equal(frs_test_build(db, &d, 1, &err), FRS_OK);
    assert_int_equal(frs_layout_lock(db, 0, &l, &err), FRS_OK);
    assert_int_equal(frs_layout_lock_kind(l), FRS_LAYOUT_DATABASE);
    frs_xdb_t *w = NULL;
    assert_int_equal(frs_xdb_open(db, 0, &w, &err), FRS_ELOCKED);
    free(err);
    /* waiting gives up at the deadline, still locked */
    assert_int_equal(frs_layout_lock(db, 1, &l2, &err), FRS_ELOCKED);
    free(err);
    frs_layout_unlock(l);
    assert_int_equal(frs_xdb_open(db, 0, &w, &err), FRS_OK);
    frs_xdb_free(w);
    /* a sharded index: the layout's lock, which the indexer takes too */
    char *sharded = frs_test_join(root, "sharded");
    frs_shard_scheme_t y;
    frs_shards_parse("year", &y);
    assert_int_equal(frs_shards_create(sharded, &y, &err), FRS_OK);
    assert_int_equal(frs_layout_lock(sharded, 0, &l, &err), FRS_OK);
    assert_int_equal(frs_layout_lock_kind(l), FRS_LAYOUT_SHARDED);
    frs_indexer_opts_t o = frs_test_indexer_opts();
    frs_indexer_t *ix = NULL;
    assert_int_equal(frs_indexer_open(sharded, &o, &ix, &err), FRS_ELOCKED);
    free(err);
    frs_layout_unlock(l);
    frs_layout_unlock(NULL);
    free(sharded);
    free(lockfile);
}

static void test_layout_sync(void **state)
{
    (void)state;
    char *err = NULL;
    frs_test_doc_t d[] = {{"a", "Titre", NULL, "2023-05-01", two},
                          {"b", "Titre", NULL, "2024-05-01", two}};
    make_index("year");
    assert_int_equal(frs_test_build(db, d, 2, &err), FRS_OK);
    assert_int_equal(frs_layout_sync(db, &err), FRS_OK);
    assert_null(err);
    char *shard = frs_test_join(db, "2024");
    assert_int_equal(frs_layout_sync(shard, &err), FRS_OK);
    char *none = frs_test_join(root, "none");
    assert_int_equal(frs_layout_sync(none, &err), FRS_EIO);
    assert_non_null(strstr(err, none));
    free(err);
    free(none);
    free(shard);
}

/* --stats and /stats both come from frs_layout_stats: over the shards of
 * a sharded index, articles are counted once, sizes are the shards',
 * the last update the latest shard's. */
static void test_layout_stats(void **state)
{
    (void)state;
    char *err = NULL;
    frs_test_doc_t d[] = {{"a", "Titre", NULL, "2023-05-01", two},
                          {"b", "Titre", NULL, "2023-06-01", two},
                          {"c", "Titre", NULL, "2024-05-01", two}};
    make_index("year");
    assert_int_equal(frs_test_build(db, d, 3, &err), FRS_OK);
    frs_layout_stats_t st;
    assert_int_equal(frs_layout_stats(db, NULL, FRS_LAYOUT_STATS_TERMS, &st,
                                      &err), FRS_OK);
    assert_int_equal(st.articles, 3);
    assert_true(st.stub);
    assert_int_equal(st.nshards, 2);
    assert_int_equal(st.nlocal, 2);
    assert_int_equal(st.nremote, 0);
    assert_true(st.compatible);
    assert_true(st.distinct_terms > 0);
    char *s23 = frs_test_join(db, "2023"), *s24 = frs_test_join(db, "2024");
    assert_int_equal(st.size_bytes,
                     frs_dbswap_size(s23) + frs_dbswap_size(s24));
    assert_string_equal(st.shards[0].location, "2023");
    assert_int_equal(st.shards[0].articles, 2);
    assert_int_equal(st.shards[1].articles, 1);
    const char *latest = strcmp(st.shards[0].last_update,
                                st.shards[1].last_update) > 0
                             ? st.shards[0].last_update
                             : st.shards[1].last_update;
    assert_string_equal(st.last_update, latest);
    frs_layout_stats_clear(&st);
    /* through the caller's reader, without the term count: the same */
    frs_xr_t *xr = NULL;
    assert_int_equal(frs_xr_open(db, &xr, &err), FRS_OK);
    assert_int_equal(frs_layout_stats(db, xr, 0, &st, &err), FRS_OK);
    assert_int_equal(st.articles, 3);
    assert_int_equal(st.distinct_terms, 0);
    frs_layout_stats_clear(&st);
    frs_xr_free(xr);
    /* one database: its own counts and size */
    assert_int_equal(frs_layout_stats(s23, NULL, 0, &st, &err), FRS_OK);
    assert_int_equal(st.articles, 2);
    assert_false(st.stub);
    assert_int_equal(st.size_bytes, frs_dbswap_size(s23));
    assert_string_equal(st.schema, "2");
    frs_layout_stats_clear(&st);
    /* nothing there: the reader's failure */
    char *none = frs_test_join(root, "none");
    assert_int_equal(frs_layout_stats(none, NULL, 0, &st, &err),
                     FRS_ENOTFOUND);
    frs_layout_stats_clear(&st);
    free(err);
    free(none);
    free(s23);
    free(s24);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shards_parse_and_format),
        cmocka_unit_test(test_shards_keys),
        cmocka_unit_test(test_shards_valid_keys),
        cmocka_unit_test_setup_teardown(test_shards_create_and_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shards_lock_is_exclusive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shards_list_and_stub, setup, teardown),
        cmocka_unit_test_setup_teardown(test_routed_by_year, setup, teardown),
        cmocka_unit_test_setup_teardown(test_moved_article_leaves_its_old_shard, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_and_prune_across_shards, setup, teardown),
        cmocka_unit_test_setup_teardown(test_only_touched_shards_are_locked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stub_names_committed_shards_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hash_routing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsharded_database_has_no_stub, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layout_probe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layout_lock_any_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layout_sync, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layout_stats, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
