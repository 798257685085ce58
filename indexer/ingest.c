/* SPDX-License-Identifier: MIT
 * ingest.c: JSON Lines and plain-text readers, with bounded memory per line
 * and one clear report per problem.
 */
#include "ingest.h"

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "schema.h"
#include "utf8.h"

static void report(const frs_ingest_t *in, frs_report_kind_t kind,
                   const char *source, unsigned long line, const char *id,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void report(const frs_ingest_t *in, frs_report_kind_t kind,
                   const char *source, unsigned long line, const char *id,
                   const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (in->report)
        in->report(in->ctx, kind, source, line, id, msg);
}

static size_t max_bytes(const frs_ingest_t *in)
{
    return in->max_article_bytes ? in->max_article_bytes
                                 : FRS_INGEST_MAX_ARTICLE_BYTES;
}

/* Accept "YYYY-MM-DD", optionally followed by 'T' or ' ' and a time. */
static int valid_date(const char *s)
{
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return 0;
        } else if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }
    if (s[10] != '\0' && s[10] != 'T' && s[10] != ' ')
        return 0;
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return 0;
    return 1;
}

/* Check an article id: not empty, not too long, no control characters.
 * Returns NULL if fine, else the reason. */
static const char *bad_id(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || blank(id, n))
        return "empty \"id\"";
    if (n > FRS_MAX_ID_BYTES)
        return "\"id\" is longer than 200 bytes";
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)id[i] < 0x20 || id[i] == 0x7f)
            return "\"id\" contains a control character";
    return NULL;
}

/* Optional string field: returns its value, or NULL (with a warning when it
 * is present but not a string). */
static const char *opt_string(const frs_ingest_t *in, json_t *o,
                              const char *key, const char *source,
                              unsigned long lineno, const char *id)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_string(v)) {
        report(in, FRS_REPORT_WARNING, source, lineno, id,
               "field \"%s\" is not a string; ignored", key);
        return NULL;
    }
    return json_string_value(v);
}

frs_status_t frs_ingest_jsonl_line(const frs_ingest_t *in, const char *source,
                                   unsigned long lineno, const char *line,
                                   size_t len)
{
    if (blank(line, len))
        return FRS_OK;
    const char *nul = memchr(line, '\0', len);
    if (nul) {
        report(in, FRS_REPORT_REJECT, source, lineno, NULL,
               "NUL byte at column %zu", (size_t)(nul - line) + 1);
        return FRS_OK;
    }
    char *clean = NULL;
    size_t clean_len = 0, nbad = 0;
    if (frs_utf8_sanitize(line, len, &clean, &clean_len, &nbad) != FRS_OK)
        return FRS_ENOMEM;
    json_error_t err;
    json_t *o = json_loadb(clean, clean_len, 0, &err);
    free(clean);
    if (!o) {
        report(in, FRS_REPORT_REJECT, source, lineno, NULL,
               "invalid JSON at column %d: %s", err.column, err.text);
        return FRS_OK;
    }
    frs_status_t rc = FRS_OK;
    char idbuf[32];
    const char *id = NULL;
    json_t *jid = json_object_get(o, "id");
    if (!json_is_object(o)) {
        report(in, FRS_REPORT_REJECT, source, lineno, NULL,
               "not a JSON object");
        goto out;
    }
    if (json_is_string(jid)) {
        id = json_string_value(jid);
    } else if (json_is_integer(jid)) {
        snprintf(idbuf, sizeof idbuf, "%lld",
                 (long long)json_integer_value(jid));
        id = idbuf;
    } else {
        report(in, FRS_REPORT_REJECT, source, lineno, NULL,
               jid ? "\"id\" is not a string" : "missing \"id\"");
        goto out;
    }
    const char *why = bad_id(id);
    if (why) {
        report(in, FRS_REPORT_REJECT, source, lineno, NULL, "%s", why);
        goto out;
    }
    json_t *jbody = json_object_get(o, "body");
    if (!json_is_string(jbody)) {
        report(in, FRS_REPORT_REJECT, source, lineno, id,
               jbody ? "\"body\" is not a string" : "missing \"body\"");
        goto out;
    }
    const char *body = json_string_value(jbody);
    size_t body_len = json_string_length(jbody);
    if (blank(body, body_len)) {
        report(in, FRS_REPORT_REJECT, source, lineno, id, "empty body");
        goto out;
    }
    if (nbad)
        report(in, FRS_REPORT_WARNING, source, lineno, id,
               "invalid UTF-8: %zu byte sequence%s replaced by U+FFFD", nbad,
               nbad > 1 ? "s" : "");
    frs_article_t a = {source, lineno, id, NULL, NULL, NULL, body, body_len};
    a.title = opt_string(in, o, "title", source, lineno, id);
    a.url = opt_string(in, o, "url", source, lineno, id);
    a.date = opt_string(in, o, "date", source, lineno, id);
    if (a.date && !valid_date(a.date)) {
        report(in, FRS_REPORT_WARNING, source, lineno, id,
               "\"date\" \"%.40s\" is not YYYY-MM-DD; ignored", a.date);
        a.date = NULL;
    }
    rc = in->article(in->ctx, &a);
out:
    json_decref(o);
    return rc;
}

frs_status_t frs_ingest_text(const frs_ingest_t *in, const char *source,
                             const char *id, const char *data, size_t len)
{
    const char *why = bad_id(id);
    if (why) {
        report(in, FRS_REPORT_REJECT, source, 0, NULL, "%s", why);
        return FRS_OK;
    }
    const char *nul = memchr(data, '\0', len);
    if (nul) {
        report(in, FRS_REPORT_REJECT, source, 0, id,
               "binary file (NUL byte at offset %zu)", (size_t)(nul - data));
        return FRS_OK;
    }
    char *clean = NULL;
    size_t clean_len = 0, nbad = 0;
    if (frs_utf8_sanitize(data, len, &clean, &clean_len, &nbad) != FRS_OK)
        return FRS_ENOMEM;
    /* title: first non-empty line */
    size_t i = 0;
    while (i < clean_len) {
        size_t e = i;
        while (e < clean_len && clean[e] != '\n')
            e++;
        if (!blank(clean + i, e - i))
            break;
        i = e + 1;
    }
    frs_status_t rc = FRS_OK;
    if (i >= clean_len) {
        report(in, FRS_REPORT_REJECT, source, 0, id, "empty file");
        goto out;
    }
    size_t te = i;
    while (te < clean_len && clean[te] != '\n')
        te++;
    size_t body_start = te < clean_len ? te + 1 : clean_len;
    size_t ts = i, tend = te;
    while (ts < tend && (clean[ts] == ' ' || clean[ts] == '\t'))
        ts++;
    while (tend > ts && (clean[tend - 1] == ' ' || clean[tend - 1] == '\t' ||
                         clean[tend - 1] == '\r'))
        tend--;
    clean[tend] = '\0';
    if (blank(clean + body_start, clean_len - body_start)) {
        report(in, FRS_REPORT_REJECT, source, 0, id, "empty body");
        goto out;
    }
    if (nbad)
        report(in, FRS_REPORT_WARNING, source, 0, id,
               "invalid UTF-8: %zu byte sequence%s replaced by U+FFFD", nbad,
               nbad > 1 ? "s" : "");
    frs_article_t a = {source, 0, id, clean + ts, NULL, NULL,
                       clean + body_start, clean_len - body_start};
    rc = in->article(in->ctx, &a);
out:
    free(clean);
    return rc;
}

/* Buffered reader: lines of any length, NUL bytes included. */
typedef struct {
    FILE *f;
    size_t pos, len;
    int eof;
    char blk[1 << 16];
} reader_t;

/* Read the next line into b (without '\n').  Lines longer than limit are
 * consumed but not stored: *too_long is set.  *total gets the line's length.
 * Returns 0 at end of input with nothing read. */
static int read_line(reader_t *r, frs_buf_t *b, size_t limit, size_t *total,
                     int *too_long)
{
    frs_buf_reset(b);
    *too_long = 0;
    *total = 0;
    int any = 0;
    for (;;) {
        if (r->pos == r->len) {
            if (r->eof)
                return any;
            r->len = fread(r->blk, 1, sizeof r->blk, r->f);
            r->pos = 0;
            if (r->len == 0) {
                r->eof = 1;
                return any;
            }
        }
        any = 1;
        char *p = r->blk + r->pos;
        char *nl = memchr(p, '\n', r->len - r->pos);
        size_t n = nl ? (size_t)(nl - p) : r->len - r->pos;
        *total += n;
        if (!*too_long) {
            if (b->len + n > limit)
                *too_long = 1;
            else
                frs_buf_append(b, p, n);
        }
        r->pos += n + (nl ? 1 : 0);
        if (nl)
            return 1;
    }
}

static frs_status_t ingest_jsonl_stream(const frs_ingest_t *in, FILE *f,
                                        const char *source)
{
    frs_buf_t b = FRS_BUF_INIT;
    frs_status_t rc = FRS_OK;
    unsigned long lineno = 0;
    size_t total;
    int too_long;
    reader_t *r = calloc(1, sizeof *r);
    if (!r)
        return FRS_ENOMEM;
    r->f = f;
    while (rc == FRS_OK && read_line(r, &b, max_bytes(in), &total, &too_long)) {
        lineno++;
        if (in->progress)
            in->progress(in->ctx, total + 1);
        if (b.rc != FRS_OK) {
            rc = b.rc;
            break;
        }
        if (too_long) {
            report(in, FRS_REPORT_REJECT, source, lineno, NULL,
                   "line of %zu bytes exceeds the limit of %zu bytes "
                   "(--max-article-bytes)",
                   total, max_bytes(in));
            continue;
        }
        rc = frs_ingest_jsonl_line(in, source, lineno, b.data ? b.data : "",
                                   b.len);
    }
    if (rc == FRS_OK && ferror(f))
        report(in, FRS_REPORT_REJECT, source, lineno + 1, NULL,
               "read error: %s", strerror(errno));
    frs_buf_free(&b);
    free(r);
    return rc;
}

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

static int is_jsonl_name(const char *p)
{
    return has_suffix(p, ".jsonl") || has_suffix(p, ".ndjson") ||
           has_suffix(p, ".json");
}

static frs_status_t ingest_file(const frs_ingest_t *in, const char *path,
                                const char *id)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        report(in, FRS_REPORT_REJECT, path, 0, NULL, "cannot open: %s",
               strerror(errno));
        return FRS_OK;
    }
    frs_status_t rc = FRS_OK;
    if (is_jsonl_name(path)) {
        rc = ingest_jsonl_stream(in, f, path);
    } else {
        struct stat st;
        if (fstat(fileno(f), &st) == 0 && (size_t)st.st_size > max_bytes(in)) {
            report(in, FRS_REPORT_REJECT, path, 0, id,
                   "file of %lld bytes exceeds the limit of %zu bytes "
                   "(--max-article-bytes)",
                   (long long)st.st_size, max_bytes(in));
        } else {
            frs_buf_t b = FRS_BUF_INIT;
            char chunk[65536];
            size_t n;
            while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 &&
                   b.len <= max_bytes(in))
                frs_buf_append(&b, chunk, n);
            if (ferror(f))
                report(in, FRS_REPORT_REJECT, path, 0, id, "read error: %s",
                       strerror(errno));
            else if (b.rc != FRS_OK)
                rc = b.rc;
            else if (b.len > max_bytes(in))
                report(in, FRS_REPORT_REJECT, path, 0, id,
                       "file exceeds the limit of %zu bytes "
                       "(--max-article-bytes)", max_bytes(in));
            else {
                if (in->progress)
                    in->progress(in->ctx, b.len);
                rc = frs_ingest_text(in, path, id, b.data ? b.data : "",
                                     b.len);
            }
            frs_buf_free(&b);
        }
    }
    fclose(f);
    return rc;
}

static int skip_entry(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

/* Walk dir recursively; rel is the path relative to the input root. */
static frs_status_t ingest_dir(const frs_ingest_t *in, const char *dir,
                               const char *rel, int depth)
{
    if (depth > 64) {
        report(in, FRS_REPORT_REJECT, dir, 0, NULL,
               "directories nested too deeply");
        return FRS_OK;
    }
    struct dirent **names = NULL;
    int n = scandir(dir, &names, skip_entry, alphasort);
    if (n < 0) {
        report(in, FRS_REPORT_REJECT, dir, 0, NULL, "cannot read directory: %s",
               strerror(errno));
        return FRS_OK;
    }
    frs_status_t rc = FRS_OK;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        if (rc == FRS_OK) {
            frs_buf_t path = FRS_BUF_INIT, r = FRS_BUF_INIT;
            frs_buf_printf(&path, "%s/%s", dir, name);
            if (*rel)
                frs_buf_printf(&r, "%s/%s", rel, name);
            else
                frs_buf_puts(&r, name);
            if (path.rc != FRS_OK || r.rc != FRS_OK) {
                rc = FRS_ENOMEM;
            } else {
                struct stat lst, st;
                if (lstat(path.data, &lst) != 0 || stat(path.data, &st) != 0) {
                    report(in, FRS_REPORT_REJECT, path.data, 0, NULL,
                           "cannot stat: %s", strerror(errno));
                } else if (S_ISDIR(st.st_mode)) {
                    if (!S_ISLNK(lst.st_mode)) /* no symlink loops */
                        rc = ingest_dir(in, path.data, r.data, depth + 1);
                } else if (S_ISREG(st.st_mode) &&
                           (is_jsonl_name(name) || has_suffix(name, ".txt"))) {
                    rc = ingest_file(in, path.data, r.data);
                }
            }
            frs_buf_free(&path);
            frs_buf_free(&r);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

frs_status_t frs_ingest_path(const frs_ingest_t *in, const char *path)
{
    if (strcmp(path, "-") == 0)
        return ingest_jsonl_stream(in, stdin, "-");
    struct stat st;
    if (stat(path, &st) != 0) {
        report(in, FRS_REPORT_REJECT, path, 0, NULL, "cannot open: %s",
               strerror(errno));
        return FRS_OK;
    }
    if (S_ISDIR(st.st_mode)) {
        /* strip trailing slashes for tidy source names */
        frs_buf_t d = FRS_BUF_INIT;
        frs_buf_puts(&d, path);
        if (d.rc != FRS_OK)
            return FRS_ENOMEM;
        while (d.len > 1 && d.data[d.len - 1] == '/')
            d.data[--d.len] = '\0';
        frs_status_t rc = ingest_dir(in, d.data, "", 0);
        frs_buf_free(&d);
        return rc;
    }
    if (!is_jsonl_name(path) && !has_suffix(path, ".txt")) {
        report(in, FRS_REPORT_REJECT, path, 0, NULL,
               "unknown file type (expected .jsonl, .ndjson, .json or .txt)");
        return FRS_OK;
    }
    const char *base = strrchr(path, '/');
    return ingest_file(in, path, base ? base + 1 : path);
}
