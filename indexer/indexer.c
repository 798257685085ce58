/* SPDX-License-Identifier: MIT
 * indexer.c: articles -> passages -> analysed terms -> Xapian documents.
 */
#include "indexer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyzer.h"
#include "buf.h"
#include "docdata.h"
#include "hash.h"
#include "schema.h"
#include "strset.h"
#include "xdb.h"

struct frs_indexer {
    frs_xdb_t *db;
    frs_analyzer_t *an;
    frs_indexer_opts_t o;
    frs_indexer_counts_t counts;
    frs_strset_t *seen;       /* ids met in this run, for prune */
    frs_strset_t *words;      /* body words of this batch, for spelling */
    long long articles;       /* articles in the database */
    unsigned pending;         /* changed articles since the last commit */
    int in_txn;
    char settings[256];
    char err[512];
};

static frs_status_t fail(frs_indexer_t *ix, frs_status_t rc, const char *what)
{
    snprintf(ix->err, sizeof ix->err, "%s: %s", what,
             ix->db && frs_xdb_errmsg(ix->db)[0] ? frs_xdb_errmsg(ix->db)
                                                 : frs_strerror(rc));
    return rc;
}

void frs_indexer_settings(const frs_passage_opts_t *p, char *buf, size_t n)
{
    snprintf(buf, n,
             "analyzer=%d french-snowball fold=case,nfc,ligatures,accents "
             "elision stopwords=stem-only passages=min:%u,max:%u,overlap:%u",
             FRS_ANALYZER_VERSION, p->min_words, p->max_words,
             p->overlap_words);
}

frs_status_t frs_indexer_open(const char *path, const frs_indexer_opts_t *o,
                              frs_indexer_t **out, char **errmsg)
{
    *out = NULL;
    *errmsg = NULL;
    frs_indexer_t *ix = calloc(1, sizeof *ix);
    if (!ix)
        return FRS_ENOMEM;
    ix->o = *o;
    if (!ix->o.batch_articles)
        ix->o.batch_articles = FRS_INDEXER_BATCH;
    frs_indexer_settings(&ix->o.passage, ix->settings, sizeof ix->settings);
    unsigned flags = (o->create ? FRS_XDB_CREATE : 0) |
                     (o->no_sync ? FRS_XDB_NO_SYNC : 0) |
                     (o->wait_lock ? FRS_XDB_WAIT_LOCK : 0);
    frs_status_t rc = frs_xdb_open(path, flags, &ix->db, errmsg);
    if (rc == FRS_OK)
        rc = frs_analyzer_new(&ix->an);
    if (rc == FRS_OK)
        rc = frs_strset_new(&ix->seen);
    if (rc == FRS_OK)
        rc = frs_strset_new(&ix->words);
    char *schema = NULL, *anv = NULL, *count = NULL;
    unsigned long long ndocs = 0;
    if (rc == FRS_OK)
        rc = frs_xdb_get_metadata(ix->db, FRS_META_SCHEMA, &schema);
    if (rc == FRS_OK)
        rc = frs_xdb_get_metadata(ix->db, FRS_META_ANALYZER, &anv);
    if (rc == FRS_OK)
        rc = frs_xdb_get_metadata(ix->db, FRS_META_ARTICLES, &count);
    if (rc == FRS_OK)
        rc = frs_xdb_doccount(ix->db, &ndocs);
    if (rc == FRS_OK && (schema[0] || ndocs > 0)) {
        char want_s[16], want_a[16];
        snprintf(want_s, sizeof want_s, "%d", FRS_SCHEMA_VERSION);
        snprintf(want_a, sizeof want_a, "%d", FRS_ANALYZER_VERSION);
        if (strcmp(schema, want_s) != 0 || strcmp(anv, want_a) != 0) {
            char msg[256];
            snprintf(msg, sizeof msg,
                     "%s: database has schema '%s' analyzer '%s', this "
                     "indexer writes schema %s analyzer %s; rebuild it into "
                     "a new directory",
                     path, schema, anv, want_s, want_a);
            *errmsg = strdup(msg);
            rc = FRS_EVERSION;
        }
    }
    if (rc == FRS_OK)
        ix->articles = count[0] ? strtoll(count, NULL, 10) : 0;
    if (rc != FRS_OK && !*errmsg) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s: %s", path,
                 ix->db ? frs_xdb_errmsg(ix->db) : frs_strerror(rc));
        *errmsg = strdup(msg);
    }
    free(schema);
    free(anv);
    free(count);
    if (rc != FRS_OK) {
        frs_indexer_free(ix);
        return rc;
    }
    *out = ix;
    return FRS_OK;
}

/* Token callback: add one analysed word to a document. */
typedef struct {
    frs_xdoc_t *doc;
    const char *pfx_exact, *pfx_stem;
    frs_strset_t *words; /* NULL: no spelling data from this field */
    frs_buf_t term;
    frs_status_t rc;
} termctx_t;

/* Words worth offering as spelling corrections: alphabetic, 3-30 bytes. */
static int spelling_word(const frs_token_t *t)
{
    return !(t->flags & (FRS_TOK_STOP | FRS_TOK_NUMBER | FRS_TOK_HASHED |
                         FRS_TOK_COMPOUND)) &&
           t->exact_len >= 3 && t->exact_len <= 30;
}

static int add_token(void *ctx, const frs_token_t *t)
{
    termctx_t *c = ctx;
    frs_buf_reset(&c->term);
    frs_buf_puts(&c->term, c->pfx_exact);
    frs_buf_append(&c->term, t->exact, t->exact_len);
    if (c->term.rc != FRS_OK) {
        c->rc = c->term.rc;
        return 1;
    }
    c->rc = frs_xdoc_add_posting(c->doc, c->term.data, c->term.len, t->pos);
    if (c->rc == FRS_OK && c->words && spelling_word(t))
        c->rc = frs_strset_incr(c->words, t->exact, t->exact_len, 1);
    if (c->rc == FRS_OK && !(t->flags & FRS_TOK_STOP)) {
        frs_buf_reset(&c->term);
        frs_buf_puts(&c->term, c->pfx_stem);
        frs_buf_append(&c->term, t->stem, t->stem_len);
        c->rc = c->term.rc;
        if (c->rc == FRS_OK)
            c->rc = frs_xdoc_add_term(c->doc, c->term.data, c->term.len, 1);
    }
    return c->rc != FRS_OK;
}

static frs_status_t add_bool(frs_xdoc_t *doc, frs_buf_t *b, const char *pfx,
                             const char *val, size_t n)
{
    frs_buf_reset(b);
    frs_buf_puts(b, pfx);
    frs_buf_append(b, val, n);
    if (b->rc != FRS_OK)
        return b->rc;
    return frs_xdoc_add_term(doc, b->data, b->len, 0);
}

static frs_status_t begin_if_needed(frs_indexer_t *ix)
{
    if (ix->in_txn)
        return FRS_OK;
    frs_status_t rc = frs_xdb_begin(ix->db);
    if (rc != FRS_OK)
        return fail(ix, rc, "cannot begin a transaction");
    ix->in_txn = 1;
    return FRS_OK;
}

/* Build and store passage n of article a. */
static frs_status_t add_passage(frs_indexer_t *ix, const frs_article_t *a,
                                const char *hash, const frs_span_t *sp,
                                unsigned n, unsigned npass, frs_buf_t *tmp)
{
    frs_xdoc_t *doc = NULL;
    frs_status_t rc = frs_xdoc_new(&doc);
    if (rc != FRS_OK)
        return rc;
    termctx_t c = {doc, "", FRS_PFX_STEM, ix->words, FRS_BUF_INIT, FRS_OK};
    const char *text = a->body + sp->start;
    size_t text_len = sp->end - sp->start;
    rc = frs_analyzer_run(ix->an, text, text_len, 0, add_token, &c, NULL);
    if (rc == FRS_OK)
        rc = c.rc;
    if (rc == FRS_OK && a->title) {
        c.words = NULL;
        c.pfx_exact = FRS_PFX_TITLE;
        c.pfx_stem = FRS_PFX_TITLE_STEM;
        rc = frs_analyzer_run(ix->an, a->title, strlen(a->title), 0,
                              add_token, &c, NULL);
        if (rc == FRS_OK)
            rc = c.rc;
    }
    frs_buf_free(&c.term);
    char num[16];
    snprintf(num, sizeof num, "%u", n);
    if (rc == FRS_OK)
        rc = add_bool(doc, tmp, FRS_PFX_ARTICLE, a->id, strlen(a->id));
    if (rc == FRS_OK)
        rc = frs_xdoc_set_value(doc, FRS_SLOT_ARTICLE, a->id, strlen(a->id));
    if (rc == FRS_OK)
        rc = frs_xdoc_set_value(doc, FRS_SLOT_PASSAGE, num, strlen(num));
    if (rc == FRS_OK)
        rc = frs_xdoc_set_value(doc, FRS_SLOT_HASH, hash, 16);
    if (rc == FRS_OK && a->date) {
        char ymd[9] = {a->date[0], a->date[1], a->date[2], a->date[3],
                       a->date[5], a->date[6], a->date[8], a->date[9], 0};
        rc = frs_xdoc_set_value(doc, FRS_SLOT_DATE, ymd, 8);
        if (rc == FRS_OK)
            rc = frs_xdoc_set_value(doc, FRS_SLOT_MONTH, a->date, 7);
        if (rc == FRS_OK)
            rc = add_bool(doc, tmp, FRS_PFX_YEAR, ymd, 4);
        if (rc == FRS_OK)
            rc = add_bool(doc, tmp, FRS_PFX_MONTH, ymd, 6);
    }
    char *data = NULL;
    size_t data_len = 0;
    char date10[11] = "";
    if (a->date) {
        memcpy(date10, a->date, 10);
        date10[10] = '\0';
    }
    if (rc == FRS_OK) {
        data = frs_docdata_encode(a->id, n, npass, a->title, a->url,
                                  a->date ? date10 : NULL, text, text_len,
                                  &data_len);
        rc = data ? frs_xdoc_set_data(doc, data, data_len) : FRS_ENOMEM;
    }
    free(data);
    if (rc == FRS_OK) {
        frs_buf_reset(tmp);
        frs_buf_printf(tmp, "%s%s#%u", FRS_PFX_PASSAGE, a->id, n);
        rc = tmp->rc;
        if (rc == FRS_OK) {
            rc = frs_xdb_replace(ix->db, tmp->data, doc);
            if (rc != FRS_OK)
                rc = fail(ix, rc, "cannot store a passage");
        }
    }
    frs_xdoc_free(doc);
    return rc;
}

static void article_hash(const frs_indexer_t *ix, const frs_article_t *a,
                         char out[17])
{
    uint64_t h = FRS_HASH_INIT;
    h = frs_hash_update(h, ix->settings, strlen(ix->settings) + 1);
    const char *f[4] = {a->id, a->title, a->url, a->date};
    for (int i = 0; i < 4; i++) {
        const char *s = f[i] ? f[i] : "";
        h = frs_hash_update(h, s, strlen(s) + 1);
    }
    h = frs_hash_update(h, a->body, a->body_len);
    frs_hash_hex(h, out);
}

static frs_status_t maybe_commit(frs_indexer_t *ix)
{
    if (++ix->pending >= ix->o.batch_articles)
        return frs_indexer_commit(ix);
    return FRS_OK;
}

frs_status_t frs_indexer_mark_seen(frs_indexer_t *ix, const char *id)
{
    return frs_strset_add(ix->seen, id, strlen(id));
}

typedef struct {
    frs_indexer_t *ix;
    frs_status_t rc;
} prune_t;

static int prune_one(void *ctx, const char *term, size_t len)
{
    prune_t *p = ctx;
    size_t pl = strlen(FRS_PFX_ARTICLE);
    if (frs_strset_has(p->ix->seen, term + pl, len - pl))
        return 0;
    char id[FRS_MAX_ID_BYTES + 1];
    if (len - pl > FRS_MAX_ID_BYTES)
        return 0;
    memcpy(id, term + pl, len - pl);
    id[len - pl] = '\0';
    p->rc = frs_indexer_delete(p->ix, id, NULL);
    return p->rc != FRS_OK;
}

frs_status_t frs_indexer_prune(frs_indexer_t *ix)
{
    prune_t p = {ix, FRS_OK};
    frs_status_t rc = frs_xdb_each_term(ix->db, FRS_PFX_ARTICLE, prune_one, &p);
    if (rc != FRS_OK)
        return fail(ix, rc, "cannot list articles to prune");
    return p.rc;
}

frs_status_t frs_indexer_add(frs_indexer_t *ix, const frs_article_t *a)
{
    char hash[17];
    if (frs_indexer_mark_seen(ix, a->id) != FRS_OK)
        return FRS_ENOMEM;
    article_hash(ix, a, hash);
    frs_buf_t tmp = FRS_BUF_INIT;
    frs_buf_printf(&tmp, "%s%s", FRS_PFX_ARTICLE, a->id);
    if (tmp.rc != FRS_OK)
        return tmp.rc;
    char *old = NULL;
    frs_status_t rc = frs_xdb_first_value(ix->db, tmp.data, FRS_SLOT_HASH,
                                          &old);
    if (rc != FRS_OK) {
        frs_buf_free(&tmp);
        return fail(ix, rc, "cannot look up an article");
    }
    if (old && strcmp(old, hash) == 0) {
        ix->counts.unchanged++;
        free(old);
        frs_buf_free(&tmp);
        return FRS_OK;
    }
    frs_span_t *spans = NULL;
    size_t n = 0;
    rc = frs_passage_split(a->body, a->body_len, &ix->o.passage, &spans, &n);
    if (rc == FRS_OK)
        rc = begin_if_needed(ix);
    if (rc == FRS_OK && old) {
        rc = frs_xdb_delete_term(ix->db, tmp.data, NULL);
        if (rc != FRS_OK)
            rc = fail(ix, rc, "cannot delete the old passages");
    }
    for (size_t i = 0; rc == FRS_OK && i < n; i++)
        rc = add_passage(ix, a, hash, &spans[i], (unsigned)i, (unsigned)n,
                         &tmp);
    if (rc == FRS_OK) {
        if (old) {
            ix->counts.updated++;
        } else {
            ix->counts.added++;
            ix->articles++;
        }
        ix->counts.passages += n;
        ix->counts.bytes += a->body_len;
        rc = maybe_commit(ix);
    }
    free(spans);
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
    unsigned nd = 0;
    frs_status_t rc = begin_if_needed(ix);
    if (rc == FRS_OK) {
        rc = frs_xdb_delete_term(ix->db, t.data, &nd);
        if (rc != FRS_OK)
            rc = fail(ix, rc, "cannot delete an article");
    }
    frs_buf_free(&t);
    if (rc == FRS_OK && nd > 0) {
        if (found)
            *found = 1;
        ix->counts.deleted++;
        ix->articles--;
        rc = maybe_commit(ix);
    }
    return rc;
}

typedef struct {
    frs_indexer_t *ix;
    frs_status_t rc;
} spell_t;

static int add_spelling(void *ctx, const char *w, size_t len, unsigned count)
{
    spell_t *s = ctx;
    s->rc = frs_xdb_add_spelling(s->ix->db, w, len, count);
    return s->rc != FRS_OK;
}

frs_status_t frs_indexer_commit(frs_indexer_t *ix)
{
    if (!ix->in_txn)
        return FRS_OK;
    /* spelling data of the batch: each distinct word once, with its count
     * (entries are not removed when articles are: Xapian keeps them) */
    spell_t sp = {ix, FRS_OK};
    frs_strset_each(ix->words, add_spelling, &sp);
    frs_strset_clear(ix->words);
    if (sp.rc != FRS_OK)
        return fail(ix, sp.rc, "cannot store spelling data");
    char buf[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    frs_status_t rc = frs_xdb_set_metadata(ix->db, FRS_META_UPDATED, buf);
    char num[32];
    snprintf(num, sizeof num, "%d", FRS_SCHEMA_VERSION);
    if (rc == FRS_OK)
        rc = frs_xdb_set_metadata(ix->db, FRS_META_SCHEMA, num);
    snprintf(num, sizeof num, "%d", FRS_ANALYZER_VERSION);
    if (rc == FRS_OK)
        rc = frs_xdb_set_metadata(ix->db, FRS_META_ANALYZER, num);
    if (rc == FRS_OK)
        rc = frs_xdb_set_metadata(ix->db, FRS_META_SETTINGS, ix->settings);
    snprintf(num, sizeof num, "%lld", ix->articles);
    if (rc == FRS_OK)
        rc = frs_xdb_set_metadata(ix->db, FRS_META_ARTICLES, num);
    if (rc == FRS_OK)
        rc = frs_xdb_commit(ix->db);
    if (rc != FRS_OK)
        return fail(ix, rc, "commit failed");
    ix->in_txn = 0;
    ix->pending = 0;
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
    frs_xdb_free(ix->db);
    frs_analyzer_free(ix->an);
    frs_strset_free(ix->seen);
    frs_strset_free(ix->words);
    free(ix);
}
