/* SPDX-License-Identifier: MIT
 * docbuild.c: article -> passages -> analysed terms -> one Xapian document.
 */
#include "docbuild.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "docdata.h"
#include "schema.h"

/* Token callback state: add one analysed word to the document. */
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
    c->rc = c->term.rc;
    if (c->rc == FRS_OK)
        c->rc = frs_xdoc_add_posting(c->doc, c->term.data, c->term.len,
                                     t->pos);
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
    return b->rc != FRS_OK ? b->rc : frs_xdoc_add_term(doc, b->data, b->len, 0);
}

/* Analyse text[0..len) into c's document from position first; *next gets
 * the position after its last word. */
static frs_status_t analyse(frs_analyzer_t *an, termctx_t *c,
                            const char *text, size_t len, unsigned first,
                            unsigned *next)
{
    frs_status_t rc = frs_analyzer_run(an, text, len, first, add_token, c,
                                       next);
    return rc != FRS_OK ? rc : c->rc;
}

/* The body, passage by passage, into doc; d gets the passage ranges. */
static frs_status_t add_body(frs_analyzer_t *an, const frs_article_t *a,
                             const frs_passage_opts_t *po, termctx_t *c,
                             frs_docinfo_t *d)
{
    frs_span_t *sp = NULL;
    size_t n = 0;
    frs_status_t rc = frs_passage_split(a->body, a->body_len, po, &sp, &n);
    if (rc != FRS_OK)
        return rc;
    d->passages = calloc(n ? n : 1, sizeof *d->passages);
    if (!d->passages) {
        free(sp);
        return FRS_ENOMEM;
    }
    unsigned pos = 0;
    for (size_t i = 0; rc == FRS_OK && i < n; i++) {
        d->passages[i].start = sp[i].start;
        d->passages[i].end = sp[i].end;
        d->passages[i].pos = pos;
        rc = analyse(an, c, a->body + sp[i].start, sp[i].end - sp[i].start,
                     pos, &pos);
    }
    d->npassages = n;
    free(sp);
    return rc;
}

/* Date terms and value, the id term and the hash value. */
static frs_status_t add_keys(frs_xdoc_t *doc, const frs_article_t *a,
                             const char *hash, frs_buf_t *tmp)
{
    frs_status_t rc = add_bool(doc, tmp, FRS_PFX_ARTICLE, a->id,
                               strlen(a->id));
    if (rc == FRS_OK)
        rc = frs_xdoc_set_value(doc, FRS_SLOT_HASH, hash, strlen(hash));
    if (rc == FRS_OK && a->date) {
        const char *d = a->date;
        char ymd[9] = {d[0], d[1], d[2], d[3], d[5], d[6], d[8], d[9], 0};
        rc = frs_xdoc_set_value(doc, FRS_SLOT_DATE, ymd, 8);
        if (rc == FRS_OK)
            rc = add_bool(doc, tmp, FRS_PFX_YEAR, ymd, 4);
        if (rc == FRS_OK)
            rc = add_bool(doc, tmp, FRS_PFX_MONTH, ymd, 6);
    }
    return rc;
}

static frs_status_t set_data(frs_xdoc_t *doc, const frs_article_t *a,
                             frs_docinfo_t *d)
{
    char date10[11] = "";
    if (a->date) {
        memcpy(date10, a->date, 10);
        date10[10] = '\0';
    }
    d->id = (char *)a->id;
    d->title = (char *)a->title;
    d->url = (char *)a->url;
    d->date = a->date ? date10 : NULL;
    d->body = (char *)a->body;
    d->body_len = a->body_len;
    size_t len = 0;
    char *data = frs_docdata_encode(d, &len);
    frs_status_t rc = data ? frs_xdoc_set_data(doc, data, len) : FRS_ENOMEM;
    free(data);
    data = rc == FRS_OK ? frs_docbody_encode(a->body, a->body_len, &len)
                        : NULL;
    if (rc == FRS_OK)
        rc = data ? frs_xdoc_set_value(doc, FRS_SLOT_BODY, data, len)
                  : FRS_ENOMEM;
    free(data);
    return rc;
}

frs_status_t frs_docbuild(frs_analyzer_t *an, const frs_article_t *a,
                          const frs_passage_opts_t *po, const char *hash,
                          frs_strset_t *words, frs_xdoc_t **out,
                          size_t *npassages)
{
    *out = NULL;
    *npassages = 0;
    frs_xdoc_t *doc = NULL;
    frs_status_t rc = frs_xdoc_new(&doc);
    if (rc != FRS_OK)
        return rc;
    termctx_t c = {doc, "", FRS_PFX_STEM, words, FRS_BUF_INIT, FRS_OK};
    frs_docinfo_t d = {0};
    rc = add_body(an, a, po, &c, &d);
    if (rc == FRS_OK && a->title) {
        c.words = NULL;
        c.pfx_exact = FRS_PFX_TITLE;
        c.pfx_stem = FRS_PFX_TITLE_STEM;
        rc = analyse(an, &c, a->title, strlen(a->title), 0, NULL);
    }
    if (rc == FRS_OK)
        rc = add_keys(doc, a, hash, &c.term);
    if (rc == FRS_OK)
        rc = set_data(doc, a, &d);
    *npassages = d.npassages;
    free(d.passages);
    frs_buf_free(&c.term);
    if (rc != FRS_OK) {
        frs_xdoc_free(doc);
        *npassages = 0;
        return rc;
    }
    *out = doc;
    return FRS_OK;
}
