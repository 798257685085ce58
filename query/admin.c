/* SPDX-License-Identifier: MIT
 * admin.c: database statistics and integrity checks, for one database or a
 * stub over several shards (local, or remote through xapian-tcpsrv): then
 * articles are counted over every shard, and each local shard is checked
 * by Xapian on its own (it cannot check a remote one).
 */
#include "admin.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "docdata.h"
#include "hash.h"
#include "layout.h"
#include "schema.h"
#include "xdb.h"

/* The shard list of --stats --json: one object per stub line. */
static json_t *shard_list(const frs_layout_stats_t *st)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < st->nshards; i++) {
        const frs_layout_shard_t *sh = &st->shards[i];
        json_t *o = json_pack("{s:s, s:s}", "type", sh->type ? sh->type : "",
                              "location", sh->location ? sh->location : "");
        if (o && sh->local && sh->error)
            json_object_set_new(o, "error", json_string(sh->error));
        else if (o && sh->local)
            json_object_update_new(o, json_pack(
                "{s:I, s:I, s:s}", "articles",
                (json_int_t)(sh->articles < 0 ? 0 : sh->articles),
                "size_bytes", (json_int_t)sh->size_bytes, "last_update",
                sh->last_update ? sh->last_update : ""));
        json_array_append_new(list, o);
    }
    return list;
}

static void stats_json(const char *path, const frs_layout_stats_t *st,
                       FILE *out)
{
    json_t *j = json_pack(
        "{s:s, s:I, s:I, s:I, s:f, s:s, s:s, s:s, s:s, s:b}", "database",
        path, "articles", (json_int_t)(st->articles < 0 ? 0 : st->articles),
        "distinct_terms", (json_int_t)st->distinct_terms, "size_bytes",
        (json_int_t)st->size_bytes, "average_article_length", st->avlength,
        "last_update", st->last_update, "schema", st->schema, "analyzer",
        st->analyzer, "settings", st->settings, "compatible",
        st->compatible);
    if (j && st->stub) {
        json_object_set_new(j, "shards", json_integer((json_int_t)st->nshards));
        json_object_set_new(j, "remote_shards",
                            json_integer((json_int_t)st->nremote));
        json_object_set_new(j, "shard_list", shard_list(st));
    }
    if (j) {
        json_dumpf(j, out, JSON_INDENT(2));
        fputc('\n', out);
        json_decref(j);
    }
}

static void stats_text(const char *path, const frs_layout_stats_t *st,
                       FILE *out)
{
    fprintf(out, "database        %s\n", path);
    if (st->stub)
        fprintf(out, "shards          %zu (%zu local, %zu remote)\n",
                st->nshards, st->nlocal, st->nremote);
    if (st->articles < 0)
        fprintf(out, "articles        ?\n");
    else
        fprintf(out, "articles        %lld\n", st->articles);
    fprintf(out, "average length  %.1f terms per article\n", st->avlength);
    fprintf(out, "distinct terms  %llu\n", st->distinct_terms);
    fprintf(out, "size on disk    %.1f MB%s\n", (double)st->size_bytes / 1e6,
            st->stub && st->nremote ? " (local shards)" : "");
    fprintf(out, "last update     %s\n",
            st->last_update[0] ? st->last_update : "never");
    fprintf(out, "schema          %s, analyzer %s%s\n",
            st->schema[0] ? st->schema : "none",
            st->analyzer[0] ? st->analyzer : "none",
            st->compatible ? "" : " (INCOMPATIBLE with this program)");
    fprintf(out, "settings        %s\n", st->settings);
}

/* The status of a database that cannot be read: rc, except that a bad
 * argument or another schema found while opening it is a failure to read
 * it (exit 4), not a usage or schema error. */
static frs_status_t unreadable(frs_status_t rc)
{
    return rc == FRS_EINVAL || rc == FRS_EVERSION || rc == FRS_OK ? FRS_EIO
                                                                  : rc;
}

frs_status_t frs_admin_stats(const char *prog, const char *path, int json,
                             FILE *out, FILE *err)
{
    frs_layout_stats_t st;
    char *msg = NULL;
    frs_status_t rc = frs_layout_stats(path, NULL, FRS_LAYOUT_STATS_TERMS,
                                       &st, &msg);
    if (rc != FRS_OK) {
        fprintf(err, "%s: %s\n", prog, msg ? msg : frs_strerror(rc));
        free(msg);
        frs_layout_stats_clear(&st);
        return unreadable(rc);
    }
    if (json)
        stats_json(path, &st, out);
    else
        stats_text(path, &st, out);
    char *why = NULL;
    if (!st.compatible && !st.stub &&
        frs_schema_check(path, path, st.schema, st.analyzer, &why) != FRS_OK)
        fprintf(err, "%s: %s\n", prog,
                why ? why : frs_strerror(FRS_EVERSION));
    free(why);
    frs_status_t ex = st.compatible ? FRS_OK : FRS_EVERSION;
    frs_layout_stats_clear(&st);
    return ex;
}

typedef struct {
    char *id;
    size_t npassages;
} prec_t;

typedef struct {
    frs_xr_t *xr;
    prec_t *v;
    size_t n, cap;
    uint64_t fingerprint;
    unsigned long long undecodable;
    int oom, failed;
} scan_t;

/* Decode document docid's header and body into d; 0 when it is damaged. */
static int whole_article(scan_t *s, unsigned docid, const char *data,
                         size_t len, frs_docinfo_t *d)
{
    if (frs_docdata_decode(data, len, d) != FRS_OK)
        return 0;
    char *body = NULL;
    size_t blen = 0;
    frs_status_t rc = frs_xr_doc_value(s->xr, docid, FRS_SLOT_BODY, &body,
                                       &blen);
    if (rc == FRS_OK)
        rc = frs_docbody_decode(body, blen, d);
    free(body);
    if (rc == FRS_ENOMEM)
        s->oom = 1;
    else if (rc != FRS_OK && rc != FRS_ECORRUPT)
        s->failed = 1;
    if (rc != FRS_OK)
        frs_docinfo_clear(d);
    return rc == FRS_OK;
}

static int on_doc(void *ctx, unsigned docid, const char *data, size_t len,
                  const char *value, size_t vlen)
{
    scan_t *s = ctx;
    /* the header, and the content hash, which covers the whole article */
    s->fingerprint += frs_hash_update(frs_hash_update(FRS_HASH_INIT, data,
                                                      len),
                                      value, vlen);
    frs_docinfo_t d;
    if (!whole_article(s, docid, data, len, &d)) {
        s->undecodable++;
        return s->oom || s->failed;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        prec_t *v = realloc(s->v, cap * sizeof *v);
        if (!v) {
            frs_docinfo_clear(&d);
            s->oom = 1;
            return 1;
        }
        s->v = v;
        s->cap = cap;
    }
    prec_t *p = &s->v[s->n++];
    p->id = d.id;
    d.id = NULL;
    p->npassages = d.npassages;
    frs_docinfo_clear(&d);
    return 0;
}

static int by_id(const void *a, const void *b)
{
    const prec_t *x = a, *y = b;
    return strcmp(x->id, y->id);
}

/* Xapian's consistency check of the database at path; FRS_OK when sound,
 * else FRS_ECORRUPT after reporting the damage. */
static frs_status_t xapian_check(const char *prog, const char *path,
                                 int verbose, FILE *err)
{
    unsigned long long nerr = 0;
    char *report = NULL;
    frs_status_t rc = frs_xdb_check(path, &nerr, &report);
    if (rc != FRS_OK) {
        fprintf(err, "%s: %s: the database is damaged: %s\n", prog, path,
                report ? report : frs_strerror(rc));
        free(report);
        return FRS_ECORRUPT;
    }
    if (nerr > 0) {
        fprintf(err, "%s: %s: Xapian consistency check found %llu "
                     "error%s\n%s\n", prog,
                path, nerr, nerr == 1 ? "" : "s", report ? report : "");
        free(report);
        return FRS_ECORRUPT;
    }
    if (verbose && report)
        fputs(report, err);
    free(report);
    return FRS_OK;
}

/* Xapian's check of the database at path, or of each local shard when
 * path is a stub (a remote shard cannot be checked: the remote protocol has
 * no check; its articles are still scanned). */
static frs_status_t check_shards(const char *prog, const char *path,
                                 int verbose, FILE *err, size_t *nstub,
                                 size_t *nremote)
{
    frs_stub_entry_t *stub = NULL;
    *nstub = *nremote = 0;
    frs_status_t rc = frs_stub_read(path, &stub, nstub);
    if (rc == FRS_OK) {
        for (size_t i = 0; i < *nstub; i++) {
            if (stub[i].path) {
                frs_status_t ex = xapian_check(prog, stub[i].path, verbose,
                                               err);
                if (ex != FRS_OK) {
                    frs_stub_free(stub, *nstub);
                    return ex;
                }
            } else {
                (*nremote)++;
                fprintf(err, "%s: note: %s shard %s: Xapian's consistency "
                        "check cannot run remotely; only its articles are "
                        "checked\n", prog, stub[i].type, stub[i].where);
            }
        }
        frs_stub_free(stub, *nstub);
    } else if (rc == FRS_ENOMEM) {
        return rc;
    } else {
        return xapian_check(prog, path, verbose, err);
    }
    return FRS_OK;
}

frs_status_t frs_admin_check(const char *prog, const char *path, int json,
                             int verbose, FILE *out, FILE *err)
{
    size_t nstub, nremote;
    frs_status_t rc = check_shards(prog, path, verbose, err, &nstub,
                                   &nremote);
    if (rc != FRS_OK)
        return rc;
    frs_xr_t *xr = NULL;
    char *msg = NULL;
    rc = frs_xr_open(path, &xr, &msg);
    if (rc != FRS_OK) {
        fprintf(err, "%s: %s\n", prog, msg ? msg : frs_strerror(rc));
        free(msg);
        return unreadable(rc);
    }
    scan_t s = {.xr = xr};
    rc = frs_xr_each_doc(xr, FRS_SLOT_HASH, on_doc, &s);
    if (rc != FRS_OK || s.oom || s.failed) {
        fprintf(err, "%s: %s: %s\n", prog, path,
                s.oom ? "out of memory" : frs_xr_errmsg(xr));
        frs_xr_free(xr);
        return s.oom ? FRS_ENOMEM : unreadable(rc ? rc : FRS_ECORRUPT);
    }
    frs_xr_free(xr);
    if (s.n > 1)
        qsort(s.v, s.n, sizeof *s.v, by_id);
    /* one document per article: an id stored twice is damage */
    unsigned long long articles = 0, duplicated = 0, passages = 0;
    for (size_t i = 0; i < s.n;) {
        size_t j = i;
        while (j < s.n && !strcmp(s.v[j].id, s.v[i].id))
            passages += s.v[j++].npassages;
        articles++;
        if (j - i > 1) {
            duplicated++;
            fprintf(err, "%s: %s: article '%s' is stored %zu times\n", prog,
                    path, s.v[i].id, j - i);
        }
        i = j;
    }
    char fp[17];
    frs_hash_hex(s.fingerprint, fp);
    int ok = duplicated == 0 && s.undecodable == 0;
    if (json) {
        json_t *j = json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:s}",
            "database", path, "ok", ok, "articles", (json_int_t)articles,
            "passages", (json_int_t)passages,
            "duplicated_articles", (json_int_t)duplicated,
            "undecodable_articles", (json_int_t)s.undecodable,
            "fingerprint", fp);
        if (j && nstub > 0) {
            json_object_set_new(j, "shards", json_integer((json_int_t)nstub));
            json_object_set_new(j, "remote_shards_not_checked_by_xapian",
                                json_integer((json_int_t)nremote));
        }
        if (j) {
            json_dumpf(j, out, JSON_COMPACT);
            fputc('\n', out);
            json_decref(j);
        }
    } else {
        fprintf(out, "%s: %s: articles %llu, passages %llu, duplicated %llu, "
                     "undecodable %llu, fingerprint %s\n",
                path, ok ? "ok" : "DAMAGED", articles, passages, duplicated,
                s.undecodable, fp);
    }
    for (size_t i = 0; i < s.n; i++)
        free(s.v[i].id);
    free(s.v);
    return ok ? FRS_OK : FRS_ECORRUPT;
}
