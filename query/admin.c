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

#include "analyzer.h"
#include "dbswap.h"
#include "docdata.h"
#include "hash.h"
#include "schema.h"
#include "shards.h"
#include "xdb.h"

static char *meta(frs_xr_t *xr, const char *key)
{
    char *v = NULL;
    if (frs_xr_get_metadata(xr, key, &v) != FRS_OK) {
        free(v);
        return strdup("");
    }
    return v;
}

/* What the shards of a stub say about themselves: local ones are opened
 * one by one (remote ones only through the combined reader). */
typedef struct {
    size_t local, remote;
    unsigned long long size;
    char updated[64];  /* the latest frs.updated of a local shard */
    int compatible;    /* every local shard has this program's versions */
    json_t *list;      /* one object per shard, for --json */
} shardinfo_t;

static int versions_ok(const char *schema, const char *anv)
{
    char *why = NULL;
    int ok = frs_schema_check("", "", schema, anv, &why) == FRS_OK;
    free(why);
    return ok;
}

static void shard_stats(const frs_stub_entry_t *st, size_t n, shardinfo_t *si)
{
    memset(si, 0, sizeof *si);
    si->compatible = 1;
    si->list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:s, s:s}", "type", st[i].type, "location",
                              st[i].where);
        if (!st[i].path) {
            si->remote++;
            json_array_append_new(si->list, o);
            continue;
        }
        si->local++;
        unsigned long long size = frs_dbswap_size(st[i].path);
        si->size += size;
        frs_xr_t *xr = NULL;
        char *msg = NULL;
        frs_xr_stats_t xs;
        if (frs_xr_open(st[i].path, &xr, &msg) == FRS_OK &&
            frs_xr_stats(xr, &xs) == FRS_OK) {
            char *upd = meta(xr, FRS_META_UPDATED);
            char *arts = meta(xr, FRS_META_ARTICLES);
            char *schema = meta(xr, FRS_META_SCHEMA);
            char *anv = meta(xr, FRS_META_ANALYZER);
            if (strcmp(upd, si->updated) > 0)
                snprintf(si->updated, sizeof si->updated, "%s", upd);
            if (xs.doccount > 0 && !versions_ok(schema, anv))
                si->compatible = 0;
            json_t *d = json_pack(
                "{s:I, s:I, s:I, s:s}", "articles",
                (json_int_t)(arts[0] ? strtoll(arts, NULL, 10) : 0),
                "passages", (json_int_t)xs.doccount, "size_bytes",
                (json_int_t)size, "last_update", upd);
            if (o && d)
                json_object_update(o, d);
            json_decref(d);
            free(upd);
            free(arts);
            free(schema);
            free(anv);
        } else if (o) {
            json_object_set_new(o, "error", json_string(
                msg ? msg : xr ? frs_xr_errmsg(xr) : "cannot open"));
        }
        free(msg);
        frs_xr_free(xr);
        json_array_append_new(si->list, o);
    }
}

int frs_admin_stats(const char *path, int json, FILE *out, FILE *err)
{
    frs_xr_t *xr = NULL;
    char *msg = NULL;
    frs_status_t rc = frs_xr_open(path, &xr, &msg);
    if (rc != FRS_OK) {
        fprintf(err, "query: %s\n", msg ? msg : frs_strerror(rc));
        free(msg);
        return 4;
    }
    frs_xr_stats_t st;
    unsigned long long terms = 0;
    rc = frs_xr_stats(xr, &st);
    if (rc == FRS_OK)
        rc = frs_xr_count_terms(xr, "", &terms);
    if (rc != FRS_OK) {
        fprintf(err, "query: %s: %s\n", path, frs_xr_errmsg(xr));
        frs_xr_free(xr);
        return 4;
    }
    char *schema = meta(xr, FRS_META_SCHEMA), *anv = meta(xr, FRS_META_ANALYZER);
    char *settings = meta(xr, FRS_META_SETTINGS), *updated = meta(xr, FRS_META_UPDATED);
    char *articles = meta(xr, FRS_META_ARTICLES);
    unsigned long long size = frs_dbswap_size(path);
    int compatible = versions_ok(schema, anv);
    /* a stub: the metadata above is its first shard's; count articles (one
     * A term each, each in one shard) and look at every local shard */
    frs_stub_entry_t *stub = NULL;
    size_t nstub = 0;
    shardinfo_t si = {0};
    unsigned long long nart = 0;
    if (frs_stub_read(path, &stub, &nstub) == FRS_OK) {
        shard_stats(stub, nstub, &si);
        if (frs_xr_count_terms(xr, FRS_PFX_ARTICLE, &nart) != FRS_OK) {
            fprintf(err, "query: %s: %s\n", path, frs_xr_errmsg(xr));
            rc = FRS_EXAPIAN;
        }
        free(articles);
        articles = malloc(32);
        if (articles)
            snprintf(articles, 32, "%llu", nart);
        if (si.updated[0]) {
            free(updated);
            updated = strdup(si.updated);
        }
        size = si.size; /* local shards only: remote ones are elsewhere */
        compatible = compatible && si.compatible;
    }
    if (rc != FRS_OK || !articles || !updated) {
        free(schema);
        free(anv);
        free(settings);
        free(updated);
        free(articles);
        frs_stub_free(stub, nstub);
        json_decref(si.list);
        frs_xr_free(xr);
        return 4;
    }
    if (json) {
        json_t *j = json_pack("{s:s, s:I, s:I, s:I, s:I, s:f, s:s, s:s, s:s, s:s, s:b}",
            "database", path,
            "articles", (json_int_t)(articles[0] ? strtoll(articles, NULL, 10) : 0),
            "passages", (json_int_t)st.doccount,
            "distinct_terms", (json_int_t)terms,
            "size_bytes", (json_int_t)size,
            "average_passage_length", st.avlength,
            "last_update", updated, "schema", schema, "analyzer", anv,
            "settings", settings, "compatible", compatible);
        if (j && stub) {
            json_object_set_new(j, "shards", json_integer((json_int_t)nstub));
            json_object_set_new(j, "remote_shards",
                                json_integer((json_int_t)si.remote));
            json_object_set(j, "shard_list", si.list);
        }
        if (j) {
            json_dumpf(j, out, JSON_INDENT(2));
            fputc('\n', out);
            json_decref(j);
        }
    } else {
        fprintf(out, "database        %s\n", path);
        if (stub)
            fprintf(out, "shards          %zu (%zu local, %zu remote)\n", nstub,
                    si.local, si.remote);
        fprintf(out, "articles        %s\n", articles[0] ? articles : "?");
        fprintf(out, "passages        %llu (average length %.1f terms)\n",
                st.doccount, st.avlength);
        fprintf(out, "distinct terms  %llu\n", terms);
        fprintf(out, "size on disk    %.1f MB%s\n", (double)size / 1e6,
                stub && si.remote ? " (local shards)" : "");
        fprintf(out, "last update     %s\n", updated[0] ? updated : "never");
        fprintf(out, "schema          %s, analyzer %s%s\n",
                schema[0] ? schema : "none", anv[0] ? anv : "none",
                compatible ? "" : " (INCOMPATIBLE with this program)");
        fprintf(out, "settings        %s\n", settings);
    }
    char *why = NULL;
    if (!compatible && !stub &&
        frs_schema_check(path, path, schema, anv, &why) != FRS_OK)
        fprintf(err, "query: %s\n", why ? why : frs_strerror(FRS_EVERSION));
    free(why);
    free(schema);
    free(anv);
    free(settings);
    free(updated);
    free(articles);
    frs_stub_free(stub, nstub);
    json_decref(si.list);
    frs_xr_free(xr);
    return compatible ? 0 : 3;
}

typedef struct {
    char *id;
    unsigned n, of;
    char hash[FRS_HASH128_HEX + 1]; /* FRS_SLOT_HASH */
} prec_t;

typedef struct {
    prec_t *v;
    size_t n, cap;
    uint64_t fingerprint;
    unsigned long long undecodable;
    int oom;
} scan_t;

static int on_doc(void *ctx, unsigned docid, const char *data, size_t len,
                  const char *value, size_t vlen)
{
    scan_t *s = ctx;
    (void)docid;
    s->fingerprint += frs_hash_update(FRS_HASH_INIT, data, len);
    frs_docinfo_t d;
    if (frs_docdata_decode(data, len, &d) != FRS_OK) {
        s->undecodable++;
        return 0;
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
    p->n = d.passage;
    p->of = d.npassages;
    int hl = (int)(vlen < FRS_HASH128_HEX ? vlen : FRS_HASH128_HEX);
    snprintf(p->hash, sizeof p->hash, "%.*s", hl, value);
    frs_docinfo_clear(&d);
    return 0;
}

static int by_id(const void *a, const void *b)
{
    const prec_t *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* Xapian's consistency check of the database at path; 0 when sound, else
 * the exit status after reporting the damage. */
static int xapian_check(const char *path, int verbose, FILE *err)
{
    unsigned long long nerr = 0;
    char *report = NULL;
    frs_status_t rc = frs_xdb_check(path, &nerr, &report);
    if (rc != FRS_OK) {
        fprintf(err, "query: %s: the database is damaged: %s\n", path,
                report ? report : frs_strerror(rc));
        free(report);
        return 4;
    }
    if (nerr > 0) {
        fprintf(err, "query: %s: Xapian consistency check found %llu "
                     "error%s\n%s\n",
                path, nerr, nerr == 1 ? "" : "s", report ? report : "");
        free(report);
        return 4;
    }
    if (verbose && report)
        fputs(report, err);
    free(report);
    return 0;
}

int frs_admin_check(const char *path, int json, int verbose, FILE *out,
                    FILE *err)
{
    /* a stub: Xapian checks each local shard; a remote one cannot be (the
     * remote protocol has no check), its articles are still scanned below */
    frs_stub_entry_t *stub = NULL;
    size_t nstub = 0, nremote = 0;
    frs_status_t rc = frs_stub_read(path, &stub, &nstub);
    if (rc == FRS_OK) {
        for (size_t i = 0; i < nstub; i++) {
            if (stub[i].path) {
                int ex = xapian_check(stub[i].path, verbose, err);
                if (ex != 0) {
                    frs_stub_free(stub, nstub);
                    return ex;
                }
            } else {
                nremote++;
                fprintf(err, "query: note: %s shard %s: Xapian's consistency "
                        "check cannot run remotely; only its articles are "
                        "checked\n", stub[i].type, stub[i].where);
            }
        }
        frs_stub_free(stub, nstub);
    } else if (rc == FRS_ENOMEM) {
        return 4;
    } else {
        int ex = xapian_check(path, verbose, err);
        if (ex != 0)
            return ex;
    }
    frs_xr_t *xr = NULL;
    char *msg = NULL;
    rc = frs_xr_open(path, &xr, &msg);
    if (rc != FRS_OK) {
        fprintf(err, "query: %s\n", msg ? msg : frs_strerror(rc));
        free(msg);
        return 4;
    }
    scan_t s = {0};
    rc = frs_xr_each_doc(xr, FRS_SLOT_HASH, on_doc, &s);
    if (rc != FRS_OK || s.oom) {
        fprintf(err, "query: %s: %s\n", path,
                s.oom ? "out of memory" : frs_xr_errmsg(xr));
        frs_xr_free(xr);
        return 4;
    }
    frs_xr_free(xr);
    if (s.n > 1)
        qsort(s.v, s.n, sizeof *s.v, by_id);
    unsigned long long articles = 0, incomplete = 0;
    for (size_t i = 0; i < s.n;) {
        size_t j = i;
        int whole = 1;
        while (j < s.n && !strcmp(s.v[j].id, s.v[i].id)) {
            if (s.v[j].n != j - i || s.v[j].of != s.v[i].of ||
                strcmp(s.v[j].hash, s.v[i].hash) != 0)
                whole = 0;
            j++;
        }
        if (j - i != s.v[i].of)
            whole = 0;
        articles++;
        if (!whole) {
            incomplete++;
            fprintf(err, "query: %s: article '%s' is incomplete: %zu of %u "
                         "passages\n", path, s.v[i].id, j - i, s.v[i].of);
        }
        i = j;
    }
    char fp[17];
    frs_hash_hex(s.fingerprint, fp);
    int ok = incomplete == 0 && s.undecodable == 0;
    if (json) {
        json_t *j = json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:s}",
            "database", path, "ok", ok, "articles", (json_int_t)articles,
            "passages", (json_int_t)s.n,
            "incomplete_articles", (json_int_t)incomplete,
            "undecodable_passages", (json_int_t)s.undecodable,
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
        fprintf(out, "%s: %s: articles %llu, passages %zu, incomplete %llu, "
                     "undecodable %llu, fingerprint %s\n",
                path, ok ? "ok" : "DAMAGED", articles, s.n, incomplete,
                s.undecodable, fp);
    }
    for (size_t i = 0; i < s.n; i++)
        free(s.v[i].id);
    free(s.v);
    return ok ? 0 : 4;
}
