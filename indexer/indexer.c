/* SPDX-License-Identifier: MIT
 * indexer.c: articles -> Xapian documents (docbuild.c), incrementally, in
 * one database or routed to the shards of a sharded index.  Each shard
 * keeps its own transaction, spelling words and article count.
 */
#include "indexer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analyzer.h"
#include "buf.h"
#include "dbswap.h"
#include "docbuild.h"
#include "hash.h"
#include "schema.h"
#include "layout.h"
#include "strset.h"
#include "xdb.h"

/* One database: the whole index, or one shard of a sharded index. */
typedef struct {
    char *key;            /* shard key; "" when the index is not sharded */
    char *path;
    frs_xdb_t *db;        /* writer, opened when something changes here */
    frs_xr_t *xr;         /* reader for look-ups while no writer is open */
    frs_strset_t *words;  /* body words not yet in the spelling table */
    long long articles;   /* articles in this database */
    int exists;           /* a database is there (else created on demand) */
    int listed;           /* named in the stub file */
    int in_txn;
    int written;          /* committed at least once by this indexer */
    int moved_out;        /* an article moved out in this transaction */
} shard_t;

struct frs_indexer {
    char *dir;
    frs_shard_scheme_t scheme; /* FRS_SHARD_BY_NONE: one database */
    int lock_fd;               /* sharded: the layout's writer lock */
    shard_t *sh;
    size_t nsh, cap;
    frs_xr_t *all;             /* sharded: every shard listed at open, for
                                  finding articles that moved */
    int all_tried;
    int had_data;              /* sharded: some shard was listed at open */
    frs_analyzer_t *an;
    frs_indexer_opts_t o;
    unsigned wait_s;
    frs_indexer_counts_t counts;
    frs_strset_t *seen;       /* ids met in this run, for prune */
    unsigned pending;         /* changed articles since the last commit */
    char settings[256];
    char err[512];
};

/* Record the failure of an operation on shard s (may be NULL). */
static frs_status_t fail(frs_indexer_t *ix, shard_t *s, frs_status_t rc,
                         const char *what)
{
    const char *detail = s && s->db && frs_xdb_errmsg(s->db)[0]
                             ? frs_xdb_errmsg(s->db)
                         : s && s->xr && frs_xr_errmsg(s->xr)[0]
                             ? frs_xr_errmsg(s->xr)
                             : frs_strerror(rc);
    if (s && s->key[0])
        snprintf(ix->err, sizeof ix->err, "shard %s (%s): %s: %s", s->key,
                 s->path, what, detail);
    else
        snprintf(ix->err, sizeof ix->err, "%s: %s", what, detail);
    return rc;
}

void frs_indexer_settings(const frs_passage_opts_t *p, char *buf, size_t n)
{
    snprintf(buf, n,
             "analyzer=%d french-snowball fold=case,nfc,ligatures,accents "
             "elision stopwords=stem-only passages=min:%u,max:%u",
             FRS_ANALYZER_VERSION, p->min_words, p->max_words);
}

/* FRS_EVERSION (message in *errmsg) unless schema and analyzer are this
 * program's, or the database is new (no schema, no documents).  dbdir is
 * the index the database belongs to (the one to rebuild). */
static frs_status_t check_version(const char *path, const char *dbdir,
                                  const char *schema, const char *anv,
                                  unsigned long long ndocs, char **errmsg)
{
    if (!schema[0] && ndocs == 0)
        return FRS_OK;
    return frs_schema_check(path, dbdir, schema, anv, errmsg);
}

/* Open the writer of shard s (creating its database if needed), waiting up
 * to wait_s seconds for its lock; check its version and read its article
 * count.  *errmsg (malloc'd) explains a failure. */
static frs_status_t open_writer(frs_indexer_t *ix, shard_t *s, int create,
                                unsigned wait_s, char **errmsg)
{
    *errmsg = NULL;
    unsigned flags = (create ? FRS_XDB_CREATE : 0) |
                     (ix->o.no_sync ? FRS_XDB_NO_SYNC : 0) |
                     (ix->o.wait_lock ? FRS_XDB_WAIT_LOCK : 0);
    time_t deadline = time(NULL) + (time_t)wait_s;
    frs_status_t rc;
    for (;;) {
        rc = frs_xdb_open(s->path, flags, &s->db, errmsg);
        if (rc != FRS_ELOCKED || time(NULL) >= deadline)
            break;
        free(*errmsg);
        *errmsg = NULL;
        usleep(200 * 1000);
    }
    char *schema = NULL, *anv = NULL, *count = NULL;
    unsigned long long ndocs = 0;
    if (rc == FRS_OK)
        rc = frs_xdb_get_metadata(s->db, FRS_META_SCHEMA, &schema);
    if (rc == FRS_OK)
        rc = frs_xdb_get_metadata(s->db, FRS_META_ANALYZER, &anv);
    if (rc == FRS_OK)
        rc = frs_xdb_get_metadata(s->db, FRS_META_ARTICLES, &count);
    if (rc == FRS_OK)
        rc = frs_xdb_doccount(s->db, &ndocs);
    if (rc == FRS_OK)
        rc = check_version(s->path, ix->dir, schema, anv, ndocs, errmsg);
    if (rc == FRS_OK)
        s->articles = count[0] ? strtoll(count, NULL, 10) : 0;
    if (rc != FRS_OK && !*errmsg) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s: %s", s->path,
                 s->db ? frs_xdb_errmsg(s->db) : frs_strerror(rc));
        *errmsg = strdup(msg);
    }
    free(schema);
    free(anv);
    free(count);
    if (rc != FRS_OK) {
        frs_xdb_free(s->db);
        s->db = NULL;
        return rc;
    }
    s->exists = 1;
    frs_xr_free(s->xr); /* the writer sees everything from now on */
    s->xr = NULL;
    return FRS_OK;
}

/* The writer of shard s, opened (and its database created) on first use. */
static frs_status_t writer(frs_indexer_t *ix, shard_t *s)
{
    if (s->db)
        return FRS_OK;
    char *msg = NULL;
    frs_status_t rc = open_writer(ix, s, 1, ix->wait_s, &msg);
    if (rc != FRS_OK) {
        if (rc == FRS_ELOCKED)
            snprintf(ix->err, sizeof ix->err, "shard %s: %s is being written "
                     "by another process", s->key, s->path);
        else
            snprintf(ix->err, sizeof ix->err, "shard %s: %s", s->key,
                     msg ? msg : frs_strerror(rc));
    }
    free(msg);
    return rc;
}

/* A reader on shard s for look-ups, or *out = NULL when s has no database
 * yet.  Only used while s has no writer. */
static frs_status_t reader(frs_indexer_t *ix, shard_t *s, frs_xr_t **out)
{
    *out = NULL;
    if (!s->exists)
        return FRS_OK;
    if (!s->xr) {
        char *msg = NULL, *schema = NULL, *anv = NULL;
        frs_xr_stats_t st = {0};
        frs_status_t rc = frs_xr_open(s->path, &s->xr, &msg);
        if (rc == FRS_OK)
            rc = frs_xr_get_metadata(s->xr, FRS_META_SCHEMA, &schema);
        if (rc == FRS_OK)
            rc = frs_xr_get_metadata(s->xr, FRS_META_ANALYZER, &anv);
        if (rc == FRS_OK)
            rc = frs_xr_stats(s->xr, &st);
        if (rc == FRS_OK)
            rc = check_version(s->path, ix->dir, schema, anv, st.doccount,
                               &msg);
        if (rc != FRS_OK)
            snprintf(ix->err, sizeof ix->err, "shard %s: %s", s->key,
                     msg ? msg
                     : s->xr ? frs_xr_errmsg(s->xr) : frs_strerror(rc));
        free(msg);
        free(schema);
        free(anv);
        if (rc != FRS_OK) {
            frs_xr_free(s->xr);
            s->xr = NULL;
            return rc;
        }
    }
    *out = s->xr;
    return FRS_OK;
}

/* Add a shard entry; *out points into ix->sh (valid until the next add). */
static frs_status_t add_shard(frs_indexer_t *ix, const char *key,
                              const char *path, shard_t **out)
{
    *out = NULL;
    if (ix->nsh == ix->cap) {
        size_t c = ix->cap ? ix->cap * 2 : 16;
        shard_t *v = realloc(ix->sh, c * sizeof *v);
        if (!v)
            return FRS_ENOMEM;
        ix->sh = v;
        ix->cap = c;
    }
    shard_t *s = &ix->sh[ix->nsh];
    memset(s, 0, sizeof *s);
    s->key = strdup(key);
    s->path = path ? strdup(path) : frs_shards_path(ix->dir, key);
    if (!s->key || !s->path || frs_strset_new(&s->words) != FRS_OK) {
        free(s->key);
        free(s->path);
        return FRS_ENOMEM;
    }
    ix->nsh++;
    *out = s;
    return FRS_OK;
}

static shard_t *find_shard(frs_indexer_t *ix, const char *key)
{
    for (size_t i = 0; i < ix->nsh; i++)
        if (strcmp(ix->sh[i].key, key) == 0)
            return &ix->sh[i];
    return NULL;
}

static int by_key(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Rewrite the stub file so that it names every shard committed at least
 * once (listed before, or written now), in key order. */
static frs_status_t update_stub(frs_indexer_t *ix)
{
    char **keys = calloc(ix->nsh + 1, sizeof *keys);
    if (!keys)
        return FRS_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < ix->nsh; i++)
        if (ix->sh[i].listed || ix->sh[i].written)
            keys[n++] = ix->sh[i].key;
    qsort(keys, n, sizeof *keys, by_key);
    frs_status_t rc = frs_shards_write_stub(ix->dir, keys, n);
    free(keys);
    if (rc != FRS_OK) {
        snprintf(ix->err, sizeof ix->err, "cannot write %s/%s", ix->dir,
                 FRS_SHARDS_STUB);
        return rc;
    }
    for (size_t i = 0; i < ix->nsh; i++)
        if (ix->sh[i].written)
            ix->sh[i].listed = 1;
    return FRS_OK;
}

/* Sharded open: take the layout lock, find the shards, and make sure the
 * stub names every shard that holds committed data (a run killed between a
 * shard's first commit and the stub update left it out). */
static frs_status_t open_sharded(frs_indexer_t *ix, char **errmsg)
{
    char msg[1024];
    frs_status_t rc = frs_shards_lock(ix->dir, &ix->lock_fd);
    if (rc != FRS_OK) {
        snprintf(msg, sizeof msg, "%s: %s", ix->dir,
                 rc == FRS_ELOCKED ? "being written by another indexer"
                                   : "cannot lock the sharded index");
        *errmsg = strdup(msg);
        return rc;
    }
    char **keys = NULL;
    size_t n = 0;
    rc = frs_shards_list(ix->dir, &ix->scheme, &keys, &n);
    if (rc != FRS_OK) {
        snprintf(msg, sizeof msg, "%s: cannot list its shards", ix->dir);
        *errmsg = strdup(msg);
        return rc;
    }
    frs_stub_entry_t *st = NULL;
    size_t nst = 0;
    if (frs_stub_read(ix->dir, &st, &nst) == FRS_ENOMEM)
        rc = FRS_ENOMEM;
    int stale = 0; /* the stub names a shard that is not there */
    for (size_t j = 0; j < nst; j++)
        if (strcmp(st[j].type, "auto") != 0 ||
            !frs_shards_valid_key(&ix->scheme, st[j].where))
            stale = 1;
    int unlisted = 0;
    for (size_t i = 0; rc == FRS_OK && i < n; i++) {
        shard_t *s;
        rc = add_shard(ix, keys[i], NULL, &s);
        if (rc != FRS_OK)
            break;
        s->exists = 1;
        for (size_t j = 0; j < nst && !s->listed; j++)
            s->listed = strcmp(st[j].type, "auto") == 0 &&
                        strcmp(st[j].where, keys[i]) == 0;
        if (!s->listed) {
            /* list it if it holds committed data (its metadata is set) */
            frs_xr_t *xr;
            char *schema = NULL;
            rc = reader(ix, s, &xr);
            if (rc == FRS_OK)
                rc = frs_xr_get_metadata(xr, FRS_META_SCHEMA, &schema);
            if (rc == FRS_OK && schema[0])
                s->written = unlisted = 1;
            free(schema);
            frs_xr_free(s->xr);
            s->xr = NULL;
            if (rc != FRS_OK && !ix->err[0])
                fail(ix, s, rc, "cannot read the shard");
            if (rc != FRS_OK)
                *errmsg = strdup(ix->err);
        }
    }
    for (size_t j = 0; j < nst; j++)
        if (strcmp(st[j].type, "auto") == 0 && !find_shard(ix, st[j].where))
            stale = 1;
    frs_stub_free(st, nst);
    frs_shards_free_keys(keys, n);
    if (rc == FRS_OK && (unlisted || stale)) {
        rc = update_stub(ix);
        if (rc != FRS_OK)
            *errmsg = strdup(ix->err);
    }
    for (size_t i = 0; i < ix->nsh; i++) {
        ix->sh[i].written = 0;
        ix->had_data |= ix->sh[i].listed;
    }
    return rc;
}

frs_status_t frs_indexer_open(const char *path, const frs_indexer_opts_t *o,
                              frs_indexer_t **out, char **errmsg)
{
    *out = NULL;
    *errmsg = NULL;
    frs_indexer_t *ix = calloc(1, sizeof *ix);
    if (!ix)
        return FRS_ENOMEM;
    ix->lock_fd = -1;
    ix->o = *o;
    if (!ix->o.batch_articles)
        ix->o.batch_articles = FRS_INDEXER_BATCH;
    frs_indexer_settings(&ix->o.passage, ix->settings, sizeof ix->settings);
    ix->dir = strdup(path);
    frs_status_t rc = ix->dir ? FRS_OK : FRS_ENOMEM;
    if (rc == FRS_OK)
        rc = frs_analyzer_new(&ix->an);
    if (rc == FRS_OK)
        rc = frs_strset_new(&ix->seen);
    if (rc == FRS_OK) {
        rc = frs_shards_read(path, &ix->scheme, errmsg);
        if (rc == FRS_ENOTFOUND) { /* one database */
            shard_t *s;
            rc = add_shard(ix, "", path, &s);
            if (rc == FRS_OK)
                rc = open_writer(ix, s, o->create, 0, errmsg);
        } else if (rc == FRS_OK) {
            rc = open_sharded(ix, errmsg);
        }
    }
    if (rc != FRS_OK && !*errmsg) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s: %s", path, frs_strerror(rc));
        *errmsg = strdup(msg);
    }
    if (rc != FRS_OK) {
        frs_indexer_free(ix);
        return rc;
    }
    *out = ix;
    return FRS_OK;
}

void frs_indexer_set_wait(frs_indexer_t *ix, unsigned seconds)
{
    ix->wait_s = seconds;
}

void frs_indexer_shards(const frs_indexer_t *ix, unsigned *total,
                        unsigned *written)
{
    *total = *written = 0;
    if (ix->scheme.kind == FRS_SHARD_BY_NONE)
        return;
    for (size_t i = 0; i < ix->nsh; i++) {
        if (ix->sh[i].exists)
            ++*total;
        if (ix->sh[i].written)
            ++*written;
    }
}

/* Open shard s for writing if needed and start its transaction. */
static frs_status_t begin_if_needed(frs_indexer_t *ix, shard_t *s)
{
    if (s->in_txn)
        return FRS_OK;
    frs_status_t rc = writer(ix, s);
    if (rc != FRS_OK)
        return rc;
    rc = frs_xdb_begin(s->db);
    if (rc != FRS_OK)
        return fail(ix, s, rc, "cannot begin a transaction");
    s->in_txn = 1;
    return FRS_OK;
}

/* Build article a's document and store it in shard s, replacing the
 * article's old document when it had one. */
static frs_status_t store_article(frs_indexer_t *ix, shard_t *s,
                                  const frs_article_t *a, const char *hash,
                                  const char *id_term, int replace,
                                  size_t *npassages)
{
    frs_xdoc_t *doc = NULL;
    frs_status_t rc = frs_docbuild(ix->an, a, &ix->o.passage, hash, s->words,
                                   &doc, npassages);
    if (rc != FRS_OK)
        return rc;
    /* a new article is added, which costs less than a replace */
    rc = frs_xdb_replace(s->db, replace ? id_term : NULL, doc);
    frs_xdoc_free(doc);
    return rc == FRS_OK ? rc : fail(ix, s, rc, "cannot store an article");
}

/* The content hash of article a: XXH3-128 over the settings and every
 * field, each NUL-terminated so that no two articles share the bytes. */
static frs_status_t article_hash(const frs_indexer_t *ix,
                                 const frs_article_t *a,
                                 char out[FRS_HASH128_HEX + 1])
{
    frs_hash128_t *h = NULL;
    if (frs_hash128_new(&h) != FRS_OK)
        return FRS_ENOMEM;
    frs_hash128_update(h, ix->settings, strlen(ix->settings) + 1);
    const char *f[4] = {a->id, a->title, a->url, a->date};
    for (int i = 0; i < 4; i++) {
        const char *s = f[i] ? f[i] : "";
        frs_hash128_update(h, s, strlen(s) + 1);
    }
    frs_hash128_update(h, a->body, a->body_len);
    frs_hash128_hex(h, out);
    frs_hash128_free(h);
    return FRS_OK;
}

static frs_status_t commit_all(frs_indexer_t *ix, int final);

static frs_status_t maybe_commit(frs_indexer_t *ix)
{
    if (++ix->pending >= ix->o.batch_articles)
        return commit_all(ix, 0);
    return FRS_OK;
}

frs_status_t frs_indexer_mark_seen(frs_indexer_t *ix, const char *id)
{
    return frs_strset_add(ix->seen, id, strlen(id));
}

/* Look-ups in one shard.  With its writer, uncommitted changes are seen;
 * without, its reader sees the last commit, which is the whole truth since
 * this indexer holds the layout lock and has changed nothing there. */

/* *hash (malloc'd) = the content hash of the article whose A term is term
 * in shard s, or NULL when s does not hold it. */
static frs_status_t shard_hash(frs_indexer_t *ix, shard_t *s,
                               const char *term, char **hash)
{
    *hash = NULL;
    if (s->db) {
        frs_status_t rc = frs_xdb_first_value(s->db, term, FRS_SLOT_HASH,
                                              hash);
        return rc == FRS_OK ? rc : fail(ix, s, rc, "cannot look up an article");
    }
    frs_xr_t *xr;
    frs_status_t rc = reader(ix, s, &xr);
    if (rc != FRS_OK || !xr)
        return rc;
    rc = frs_xr_first_value(xr, term, FRS_SLOT_HASH, hash);
    return rc == FRS_OK ? rc : fail(ix, s, rc, "cannot look up an article");
}

/* *found = whether shard s holds the article whose A term is term. */
static frs_status_t shard_has(frs_indexer_t *ix, shard_t *s, const char *term,
                              int *found)
{
    *found = 0;
    if (s->db) {
        char *v = NULL;
        frs_status_t rc = shard_hash(ix, s, term, &v);
        *found = v != NULL;
        free(v);
        return rc;
    }
    frs_xr_t *xr;
    frs_status_t rc = reader(ix, s, &xr);
    if (rc != FRS_OK || !xr)
        return rc;
    unsigned long long tf = 0;
    rc = frs_xr_termfreq(xr, term, strlen(term), &tf);
    if (rc != FRS_OK)
        return fail(ix, s, rc, "cannot look up an article");
    *found = tf > 0;
    return FRS_OK;
}

/* The shard of key, added (its database not yet created) if new. */
static frs_status_t shard_for(frs_indexer_t *ix, const char *key,
                              shard_t **out)
{
    *out = find_shard(ix, key);
    return *out ? FRS_OK : add_shard(ix, key, NULL, out);
}

/* Another shard than t holding the article whose A term is term (it moved
 * there when its date changed), or *out = NULL.  first: the id was not met
 * before in this run, so only shards as they were at open can hold it, and
 * one look-up over all of them (ix->all) usually settles it. */
static frs_status_t find_elsewhere(frs_indexer_t *ix, size_t t,
                                   const char *term, int first,
                                   size_t *out)
{
    *out = (size_t)-1;
    /* no shard held data at open: only this run's shards exist, and they
     * cannot hold an id first met now */
    if (first && !ix->had_data)
        return FRS_OK;
    if (first) {
        if (!ix->all_tried) {
            ix->all_tried = 1;
            char *msg = NULL, *stub = frs_shards_path(ix->dir,
                                                      FRS_SHARDS_STUB);
            if (!stub)
                return FRS_ENOMEM;
            if (frs_dbswap_exists(stub) &&
                frs_xr_open(ix->dir, &ix->all, &msg) != FRS_OK)
                ix->all = NULL; /* then ask each shard */
            free(msg);
            free(stub);
        }
        unsigned long long tf = 1;
        if (ix->all &&
            frs_xr_termfreq(ix->all, term, strlen(term), &tf) == FRS_OK &&
            tf == 0)
            return FRS_OK;
    }
    for (size_t i = 0; i < ix->nsh; i++) {
        if (i == t || !ix->sh[i].exists)
            continue;
        int found = 0;
        frs_status_t rc = shard_has(ix, &ix->sh[i], term, &found);
        if (rc != FRS_OK)
            return rc;
        if (found) {
            *out = i;
            return FRS_OK;
        }
    }
    return FRS_OK;
}

static frs_status_t commit_shard(frs_indexer_t *ix, shard_t *s, int final);

/* Delete the article whose A term is term from shard s.  *ndel (may be
 * NULL) gets the number of passages deleted. */
static frs_status_t delete_in(frs_indexer_t *ix, shard_t *s, const char *term,
                              unsigned *ndel)
{
    if (ndel)
        *ndel = 0;
    frs_status_t rc = begin_if_needed(ix, s);
    if (rc != FRS_OK)
        return rc;
    rc = frs_xdb_delete_term(s->db, term, ndel);
    return rc == FRS_OK ? rc : fail(ix, s, rc, "cannot delete an article");
}

/* A walk over the articles of every shard, for prune: each one neither
 * added nor marked seen is counted as gone and, unless count_only, deleted
 * (ids too long to be ours are left: nothing could have named them). */
typedef struct {
    frs_indexer_t *ix;
    shard_t *s;          /* the shard being walked */
    frs_status_t rc;     /* a deletion's failure */
    int count_only;
    unsigned long long gone, total;
} prune_t;

static int prune_one(void *ctx, const char *term, size_t len)
{
    prune_t *p = ctx;
    size_t pl = strlen(FRS_PFX_ARTICLE);
    p->total++;
    if (frs_strset_has(p->ix->seen, term + pl, len - pl) ||
        len - pl > FRS_MAX_ID_BYTES)
        return 0;
    p->gone++;
    if (p->count_only)
        return 0;
    char t[FRS_MAX_ID_BYTES + 2];
    memcpy(t, term, len);
    t[len] = '\0';
    unsigned nd = 0;
    p->rc = delete_in(p->ix, p->s, t, &nd);
    if (p->rc == FRS_OK && nd > 0) {
        p->ix->counts.deleted++;
        p->s->articles--;
        p->rc = maybe_commit(p->ix);
    }
    return p->rc != FRS_OK;
}

static frs_status_t walk_prune(frs_indexer_t *ix, prune_t *p)
{
    for (size_t i = 0; i < ix->nsh; i++) {
        shard_t *s = &ix->sh[i];
        if (!s->exists)
            continue;
        frs_status_t rc = writer(ix, s);
        if (rc != FRS_OK)
            return rc;
        p->s = s;
        rc = frs_xdb_each_term(s->db, FRS_PFX_ARTICLE, prune_one, p);
        if (rc != FRS_OK)
            return fail(ix, s, rc, "cannot list articles to prune");
        if (p->rc != FRS_OK)
            return p->rc;
    }
    return FRS_OK;
}

frs_status_t frs_indexer_prune_count(frs_indexer_t *ix,
                                     unsigned long long *gone,
                                     unsigned long long *total)
{
    prune_t p = {ix, NULL, FRS_OK, 1, 0, 0};
    frs_status_t rc = walk_prune(ix, &p);
    *gone = rc == FRS_OK ? p.gone : 0;
    *total = rc == FRS_OK ? p.total : 0;
    return rc;
}

frs_status_t frs_indexer_prune(frs_indexer_t *ix)
{
    prune_t p = {ix, NULL, FRS_OK, 0, 0, 0};
    return walk_prune(ix, &p);
}

frs_status_t frs_indexer_add(frs_indexer_t *ix, const frs_article_t *a)
{
    char hash[FRS_HASH128_HEX + 1];
    int first = !frs_strset_has(ix->seen, a->id, strlen(a->id));
    if (frs_indexer_mark_seen(ix, a->id) != FRS_OK ||
        article_hash(ix, a, hash) != FRS_OK)
        return FRS_ENOMEM;
    frs_buf_t tmp = FRS_BUF_INIT;
    frs_buf_printf(&tmp, "%s%s", FRS_PFX_ARTICLE, a->id);
    if (tmp.rc != FRS_OK)
        return tmp.rc;
    shard_t *s = ix->sh; /* not sharded: the only database */
    frs_status_t rc = FRS_OK;
    if (ix->scheme.kind != FRS_SHARD_BY_NONE) {
        char key[FRS_SHARD_KEY_MAX];
        frs_shards_key(&ix->scheme, a->id, a->date, key);
        rc = shard_for(ix, key, &s);
    }
    char *old = NULL;
    if (rc == FRS_OK)
        rc = shard_hash(ix, s, tmp.data, &old);
    if (rc != FRS_OK) {
        frs_buf_free(&tmp);
        return rc;
    }
    if (old && strcmp(old, hash) == 0) {
        ix->counts.unchanged++;
        free(old);
        frs_buf_free(&tmp);
        return FRS_OK;
    }
    /* a period shard: the article may be in the shard of its old date */
    size_t from = (size_t)-1, t = (size_t)(s - ix->sh);
    if (!old && frs_shards_can_move(&ix->scheme))
        rc = find_elsewhere(ix, t, tmp.data, first, &from);
    if (rc == FRS_OK && from != (size_t)-1) {
        /* Remove it from its old shard first, and make that durable before
         * the new copy can be: a crash leaves the article missing (the next
         * run adds it) but never in two shards.  A single-transaction run
         * (--strict) defers it: that commit comes first (commit_all). */
        shard_t *f = &ix->sh[from];
        rc = delete_in(ix, f, tmp.data, NULL);
        if (rc == FRS_OK) {
            f->articles--;
            f->moved_out = 1;
            if (ix->o.batch_articles != (unsigned)-1)
                rc = commit_shard(ix, f, 0);
        }
    }
    s = &ix->sh[t];
    if (rc == FRS_OK)
        rc = begin_if_needed(ix, s);
    size_t n = 0;
    if (rc == FRS_OK)
        rc = store_article(ix, s, a, hash, tmp.data, old != NULL, &n);
    if (rc == FRS_OK) {
        if (old || from != (size_t)-1) {
            ix->counts.updated++;
        } else {
            ix->counts.added++;
        }
        if (!old)
            s->articles++;
        ix->counts.passages += n;
        ix->counts.bytes += a->body_len;
        rc = maybe_commit(ix);
    }
    free(old);
    frs_buf_free(&tmp);
    return rc;
}

frs_status_t frs_indexer_delete(frs_indexer_t *ix, const char *id, int *found)
{
    if (found)
        *found = 0;
    frs_buf_t t = FRS_BUF_INIT;
    frs_buf_printf(&t, "%s%s", FRS_PFX_ARTICLE, id);
    if (t.rc != FRS_OK)
        return t.rc;
    /* by hash, the id names its shard; by period, any shard may hold it */
    size_t only = (size_t)-1;
    frs_status_t rc = FRS_OK;
    if (ix->scheme.kind == FRS_SHARD_BY_HASH) {
        char key[FRS_SHARD_KEY_MAX];
        frs_shards_key(&ix->scheme, id, NULL, key);
        shard_t *s = find_shard(ix, key);
        if (!s) {
            frs_buf_free(&t);
            return FRS_OK;
        }
        only = (size_t)(s - ix->sh);
    }
    unsigned nd = 0;
    for (size_t i = 0; rc == FRS_OK && nd == 0 && i < ix->nsh; i++) {
        shard_t *s = &ix->sh[i];
        if ((only != (size_t)-1 && i != only) || !s->exists)
            continue;
        int has = 1; /* sharded: look first, so as to write only there */
        if (ix->scheme.kind != FRS_SHARD_BY_NONE)
            rc = shard_has(ix, s, t.data, &has);
        if (rc == FRS_OK && has)
            rc = delete_in(ix, s, t.data, &nd);
        if (rc == FRS_OK && nd > 0)
            s->articles--;
    }
    frs_buf_free(&t);
    if (rc == FRS_OK && nd > 0) {
        if (found)
            *found = 1;
        ix->counts.deleted++;
        rc = maybe_commit(ix);
    }
    return rc;
}

typedef struct {
    shard_t *s;
    frs_status_t rc;
} spell_t;

static int add_spelling(void *ctx, const char *w, size_t len, unsigned count)
{
    spell_t *sp = ctx;
    sp->rc = frs_xdb_add_spelling(sp->s->db, w, len, count);
    return sp->rc != FRS_OK;
}

/* Commit shard s's transaction, with its metadata and its spelling data
 * (a bulk build keeps gathering that until the final commit). */
static frs_status_t commit_shard(frs_indexer_t *ix, shard_t *s, int final)
{
    if (!s->in_txn) {
        /* a bulk build's spelling data waiting for the final commit */
        if (!final || frs_strset_count(s->words) == 0)
            return FRS_OK;
        frs_status_t rc = begin_if_needed(ix, s);
        if (rc != FRS_OK)
            return rc;
    }
    /* spelling data: each distinct word once, with its count (entries are
     * not removed when articles are: Xapian keeps them).  Each word costs
     * a look-up in the spelling table, so a bulk build writes them once. */
    if (!ix->o.bulk || final ||
        frs_strset_count(s->words) >= FRS_INDEXER_SPELL_MAX) {
        spell_t sp = {s, FRS_OK};
        frs_strset_each(s->words, add_spelling, &sp);
        frs_strset_clear(s->words);
        if (sp.rc != FRS_OK)
            return fail(ix, s, sp.rc, "cannot store spelling data");
    }
    char buf[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    frs_status_t rc = frs_xdb_set_metadata(s->db, FRS_META_UPDATED, buf);
    char num[32];
    snprintf(num, sizeof num, "%d", FRS_SCHEMA_VERSION);
    if (rc == FRS_OK)
        rc = frs_xdb_set_metadata(s->db, FRS_META_SCHEMA, num);
    snprintf(num, sizeof num, "%d", FRS_ANALYZER_VERSION);
    if (rc == FRS_OK)
        rc = frs_xdb_set_metadata(s->db, FRS_META_ANALYZER, num);
    if (rc == FRS_OK)
        rc = frs_xdb_set_metadata(s->db, FRS_META_SETTINGS, ix->settings);
    snprintf(num, sizeof num, "%lld", s->articles);
    if (rc == FRS_OK)
        rc = frs_xdb_set_metadata(s->db, FRS_META_ARTICLES, num);
    if (rc == FRS_OK)
        rc = frs_xdb_commit(s->db);
    if (rc != FRS_OK)
        return fail(ix, s, rc, "commit failed");
    s->in_txn = 0;
    s->moved_out = 0;
    s->written = 1;
    return FRS_OK;
}

frs_status_t frs_indexer_commit(frs_indexer_t *ix)
{
    return commit_all(ix, 1);
}

static frs_status_t commit_all(frs_indexer_t *ix, int final)
{
    /* shards that articles moved out of first (see frs_indexer_add) */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < ix->nsh; i++) {
            if (ix->sh[i].moved_out != (pass == 0))
                continue;
            frs_status_t rc = commit_shard(ix, &ix->sh[i], final);
            if (rc != FRS_OK)
                return rc;
        }
    ix->pending = 0;
    /* shards committed for the first time join the stub: readers see them
     * from now on */
    if (ix->scheme.kind == FRS_SHARD_BY_NONE)
        return FRS_OK;
    for (size_t i = 0; i < ix->nsh; i++)
        if (ix->sh[i].written && !ix->sh[i].listed)
            return update_stub(ix);
    return FRS_OK;
}

const char *frs_indexer_errmsg(const frs_indexer_t *ix)
{
    return ix->err;
}

const frs_indexer_counts_t *frs_indexer_counts(const frs_indexer_t *ix)
{
    return &ix->counts;
}

void frs_indexer_free(frs_indexer_t *ix)
{
    if (!ix)
        return;
    for (size_t i = 0; i < ix->nsh; i++) {
        frs_xdb_free(ix->sh[i].db);
        frs_xr_free(ix->sh[i].xr);
        frs_strset_free(ix->sh[i].words);
        free(ix->sh[i].key);
        free(ix->sh[i].path);
    }
    free(ix->sh);
    frs_xr_free(ix->all);
    frs_shards_unlock(ix->lock_fd);
    frs_analyzer_free(ix->an);
    frs_strset_free(ix->seen);
    free(ix->dir);
    free(ix);
}
