/* SPDX-License-Identifier: MIT
 * admin.c: database statistics and integrity checks.
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
    char want_s[16], want_a[16];
    snprintf(want_s, sizeof want_s, "%d", FRS_SCHEMA_VERSION);
    snprintf(want_a, sizeof want_a, "%d", FRS_ANALYZER_VERSION);
    int compatible = !strcmp(schema, want_s) && !strcmp(anv, want_a);
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
        if (j) {
            json_dumpf(j, out, JSON_INDENT(2));
            fputc('\n', out);
            json_decref(j);
        }
    } else {
        fprintf(out, "database        %s\n", path);
        fprintf(out, "articles        %s\n", articles[0] ? articles : "?");
        fprintf(out, "passages        %llu (average length %.1f terms)\n",
                st.doccount, st.avlength);
        fprintf(out, "distinct terms  %llu\n", terms);
        fprintf(out, "size on disk    %.1f MB\n", (double)size / 1e6);
        fprintf(out, "last update     %s\n", updated[0] ? updated : "never");
        fprintf(out, "schema          %s, analyzer %s%s\n",
                schema[0] ? schema : "none", anv[0] ? anv : "none",
                compatible ? "" : " (INCOMPATIBLE with this program)");
        fprintf(out, "settings        %s\n", settings);
    }
    free(schema);
    free(anv);
    free(settings);
    free(updated);
    free(articles);
    frs_xr_free(xr);
    return compatible ? 0 : 3;
}

typedef struct {
    char *id;
    unsigned n, of;
    char hash[17];
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
    snprintf(p->hash, sizeof p->hash, "%.*s", (int)(vlen < 16 ? vlen : 16),
             value);
    frs_docinfo_clear(&d);
    return 0;
}

static int by_id(const void *a, const void *b)
{
    const prec_t *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

int frs_admin_check(const char *path, int json, int verbose, FILE *out,
                    FILE *err)
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
