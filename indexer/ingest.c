/* SPDX-License-Identifier: MIT
 * ingest.c: JSON Lines (plain or gzip, through zlib) and plain-text
 * readers, with bounded memory per line and one clear report per problem.
 */
#include "ingest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "date.h"
#include "plaintext.h"
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

/* A UTF-8 byte order mark, which some editors and exporters write at the
 * start of a file: not part of the text. */
static int has_bom(const char *p, size_t n)
{
    return n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0;
}

static size_t max_bytes(const frs_ingest_t *in)
{
    return in->max_article_bytes ? in->max_article_bytes
                                 : FRS_INGEST_MAX_ARTICLE_BYTES;
}

/* Accept a calendar date "YYYY-MM-DD" (date.h), optionally followed by 'T'
 * or ' ' and a time (which is not checked and not kept). */
static int valid_date(const char *s)
{
    return strnlen(s, 10) == 10 && frs_date_valid_n(s, 10) &&
           (s[10] == '\0' || s[10] == 'T' || s[10] == ' ');
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

/* The article id of the JSON value o of a line, or NULL (reported).  An
 * integer id is the same id as the string of its decimal digits: 12345 and
 * "12345" are one article.  idbuf (32 bytes) may hold the result. */
static const char *line_id(const frs_ingest_t *in, json_t *o,
                           const char *source, unsigned long lineno,
                           char *idbuf)
{
    if (!json_is_object(o)) {
        report(in, FRS_REPORT_REJECT, source, lineno, NULL,
               "not a JSON object");
        return NULL;
    }
    json_t *jid = json_object_get(o, "id");
    const char *id = NULL;
    if (json_is_string(jid)) {
        id = json_string_value(jid);
    } else if (json_is_integer(jid)) {
        snprintf(idbuf, 32, "%lld", (long long)json_integer_value(jid));
        id = idbuf;
    } else {
        report(in, FRS_REPORT_REJECT, source, lineno, NULL,
               jid ? "\"id\" is neither a string nor an integer"
                   : "missing \"id\"");
        return NULL;
    }
    const char *why = bad_id(id);
    if (why) {
        report(in, FRS_REPORT_REJECT, source, lineno, NULL, "%s", why);
        return NULL;
    }
    return id;
}

/* One JSON Lines line.  unterminated: it is the last line of its input
 * and no newline ends it (the input may have been cut while written). */
static frs_status_t jsonl_line(const frs_ingest_t *in, const char *source,
                               unsigned long lineno, const char *line,
                               size_t len, int unterminated)
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
               "invalid JSON at column %d: %s%s", err.column, err.text,
               unterminated ? " (the input ends inside this line, with no "
                              "newline: was it cut while being written?)"
                            : "");
        return FRS_OK;
    }
    frs_status_t rc = FRS_OK;
    char idbuf[32];
    const char *id = line_id(in, o, source, lineno, idbuf);
    if (!id)
        goto out;
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
               "\"date\" \"%.40s\" is not a calendar date "
               "YYYY-MM-DD; ignored", a.date);
        a.date = NULL;
    }
    rc = in->article(in->ctx, &a);
out:
    json_decref(o);
    return rc;
}

frs_status_t frs_ingest_jsonl_line(const frs_ingest_t *in, const char *source,
                                   unsigned long lineno, const char *line,
                                   size_t len)
{
    return jsonl_line(in, source, lineno, line, len, 0);
}

/* A text file in a single-byte encoding is refused with the command that
 * converts it (plaintext.h); UTF-8 with a few bad bytes goes on.  Returns
 * 0 when refused (reported). */
static int text_is_utf8(const frs_ingest_t *in, const char *source,
                        const char *id, const char *data, size_t len)
{
    size_t bad = 0;
    unsigned char first = 0;
    frs_text_encoding_t e = frs_plaintext_encoding(data, len, &bad, &first);
    if (e != FRS_TEXT_LATIN1 && e != FRS_TEXT_CP1252)
        return 1;
    const char *enc = e == FRS_TEXT_LATIN1 ? "latin1" : "windows-1252";
    report(in, FRS_REPORT_REJECT, source, 0, id,
           "not UTF-8: it reads as %s (%zu bytes such as 0x%02X are not "
           "UTF-8); convert it: iconv -f %s -t utf-8 '%s' > '%s.utf8' && "
           "mv '%s.utf8' '%s'",
           e == FRS_TEXT_LATIN1 ? "Latin-1" : "Windows-1252", bad, first, enc,
           source, source, source, source);
    return 0;
}

frs_status_t frs_ingest_text(const frs_ingest_t *in, const char *source,
                             const char *id, const char *data, size_t len)
{
    const char *why = bad_id(id);
    if (why) {
        report(in, FRS_REPORT_REJECT, source, 0, NULL, "%s", why);
        return FRS_OK;
    }
    if (has_bom(data, len)) {
        data += 3;
        len -= 3;
    }
    const char *nul = memchr(data, '\0', len);
    if (nul) {
        report(in, FRS_REPORT_REJECT, source, 0, id,
               "binary file (NUL byte at offset %zu)", (size_t)(nul - data));
        return FRS_OK;
    }
    if (!text_is_utf8(in, source, id, data, len))
        return FRS_OK;
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
    char *body = NULL;
    size_t body_len = 0;
    rc = frs_plaintext_paragraphs(clean + body_start, clean_len - body_start,
                                  &body, &body_len);
    if (rc == FRS_OK) {
        frs_article_t a = {source, 0, id, clean + ts, NULL, NULL, body,
                           body_len};
        rc = in->article(in->ctx, &a);
    }
    free(body);
out:
    free(clean);
    return rc;
}

/* Buffered reader over zlib: lines of any length, NUL bytes included.
 * gzread decompresses gzip input and passes anything else through as it
 * is, so one reader serves .jsonl, .jsonl.gz and standard input. */
typedef struct {
    gzFile f;
    size_t pos, len;
    int eof;
    int failed;          /* gzread failed or the gzip stream is damaged */
    int gz_errnum;       /* zlib's code then (Z_ERRNO: see sys_errno) */
    int sys_errno;
    char gz_msg[160];
    long long offset;    /* input bytes consumed so far (compressed) */
    char blk[1 << 16];
} reader_t;

/* Refill r->blk.  Returns 0 at the end of the data.  A failure (r->failed)
 * may come with the last data read: its complete lines are still good. */
static int refill(const frs_ingest_t *in, reader_t *r)
{
    int n = gzread(r->f, r->blk, sizeof r->blk);
    int e = errno, errnum = Z_OK;
    const char *msg = gzerror(r->f, &errnum);
    if (n < 0 || errnum != Z_OK) {
        r->failed = 1;
        r->gz_errnum = n < 0 && errnum == Z_OK ? Z_ERRNO : errnum;
        r->sys_errno = e;
        /* zlib says "<fd:N>: what"; the report names the file */
        const char *what = msg && strncmp(msg, "<fd:", 4) == 0
                               ? strstr(msg, ": ") : NULL;
        snprintf(r->gz_msg, sizeof r->gz_msg, "%s",
                 what ? what + 2 : msg ? msg : "");
        r->eof = 1;
    }
    long long off = (long long)gzoffset(r->f);
    if (in->progress && n > 0)
        in->progress(in->ctx, off >= r->offset ? (size_t)(off - r->offset)
                                               : (size_t)n);
    if (off >= 0)
        r->offset = off;
    r->len = n > 0 ? (size_t)n : 0;
    r->pos = 0;
    if (n <= 0)
        r->eof = 1;
    return n > 0;
}

/* Read the next line into b (without '\n').  Lines longer than limit are
 * consumed but not stored: *too_long is set.  *total gets the line's length
 * and *unterminated whether the input ended before its newline.  Returns 1
 * for a line, 0 at the end of input with nothing read, -1 when the input
 * failed (the partial line is dropped; r->failed says why). */
static int read_line(const frs_ingest_t *in, reader_t *r, frs_buf_t *b,
                     size_t limit, size_t *total, int *too_long,
                     int *unterminated)
{
    frs_buf_reset(b);
    *too_long = *unterminated = 0;
    *total = 0;
    int any = 0;
    for (;;) {
        if (r->pos == r->len && (r->eof || !refill(in, r))) {
            if (r->failed)
                return -1;
            *unterminated = any;
            return any;
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

/* Report why the input of r failed at line lineno: a read error makes the
 * input unreadable (FRS_REPORT_ERROR); damaged gzip data is a rejected
 * line without an id, like a line cut short. */
static void report_failure(const frs_ingest_t *in, const reader_t *r,
                           const char *source, unsigned long lineno)
{
    if (r->gz_errnum == Z_ERRNO)
        report(in, FRS_REPORT_ERROR, source, lineno, NULL, "read error: %s",
               strerror(r->sys_errno));
    else if (r->gz_errnum == Z_BUF_ERROR)
        report(in, FRS_REPORT_REJECT, source, lineno, NULL,
               "truncated gzip data (%s): the rest of the file is missing",
               r->gz_msg);
    else
        report(in, FRS_REPORT_REJECT, source, lineno, NULL,
               "corrupt gzip data (%s): the rest of the file is not read",
               r->gz_msg);
}

/* Read JSON Lines from the open descriptor fd (closed here). */
static frs_status_t ingest_jsonl_fd(const frs_ingest_t *in, int fd,
                                    const char *source)
{
    reader_t *r = calloc(1, sizeof *r);
    if (r)
        r->f = gzdopen(fd, "rb");
    if (!r || !r->f) {
        free(r);
        close(fd);
        return FRS_ENOMEM;
    }
    gzbuffer(r->f, 1 << 15);
    frs_buf_t b = FRS_BUF_INIT;
    frs_status_t rc = FRS_OK;
    unsigned long lineno = 0;
    size_t total;
    int too_long, unterminated;
    while (rc == FRS_OK && read_line(in, r, &b, max_bytes(in), &total,
                                     &too_long, &unterminated) > 0) {
        lineno++;
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
        const char *line = b.data ? b.data : "";
        size_t len = b.len;
        if (lineno == 1 && has_bom(line, len)) {
            line += 3;
            len -= 3;
        }
        rc = jsonl_line(in, source, lineno, line, len, unterminated);
    }
    if (rc == FRS_OK && r->failed)
        report_failure(in, r, source, lineno + 1);
    frs_buf_free(&b);
    gzclose(r->f);
    free(r);
    return rc;
}

/* Case-insensitive: feeds arrive as FEED.JSONL too. */
static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcasecmp(s + n - m, suf) == 0;
}

static int is_jsonl_name(const char *p)
{
    static const char *const ext[] = {".jsonl", ".ndjson", ".json",
                                      ".jsonl.gz", ".ndjson.gz", ".json.gz"};
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
        if (has_suffix(p, ext[i]))
            return 1;
    return 0;
}

static int is_text_name(const char *p)
{
    return has_suffix(p, ".txt");
}

#define KNOWN_TYPES ".jsonl, .ndjson, .json (each optionally .gz) or .txt"

/* Read a whole text file from f (at most max_bytes) and deliver it. */
static frs_status_t ingest_text_file(const frs_ingest_t *in, FILE *f,
                                     const char *path, const char *id)
{
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && (size_t)st.st_size > max_bytes(in)) {
        report(in, FRS_REPORT_REJECT, path, 0, id,
               "file of %lld bytes exceeds the limit of %zu bytes "
               "(--max-article-bytes)",
               (long long)st.st_size, max_bytes(in));
        return FRS_OK;
    }
    frs_buf_t b = FRS_BUF_INIT;
    char chunk[65536];
    size_t n;
    frs_status_t rc = FRS_OK;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 &&
           b.len <= max_bytes(in))
        frs_buf_append(&b, chunk, n);
    if (ferror(f))
        report(in, FRS_REPORT_ERROR, path, 0, id, "read error: %s",
               strerror(errno));
    else if (b.rc != FRS_OK)
        rc = b.rc;
    else if (b.len > max_bytes(in))
        report(in, FRS_REPORT_REJECT, path, 0, id,
               "file exceeds the limit of %zu bytes (--max-article-bytes)",
               max_bytes(in));
    else {
        if (in->progress)
            in->progress(in->ctx, b.len);
        rc = frs_ingest_text(in, path, id, b.data ? b.data : "", b.len);
    }
    frs_buf_free(&b);
    return rc;
}

static frs_status_t ingest_file(const frs_ingest_t *in, const char *path,
                                const char *id)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        report(in, FRS_REPORT_ERROR, path, 0, NULL, "cannot open: %s",
               strerror(errno));
        return FRS_OK;
    }
    if (is_jsonl_name(path))
        return ingest_jsonl_fd(in, fd, path);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        return FRS_ENOMEM;
    }
    frs_status_t rc = ingest_text_file(in, f, path, id);
    fclose(f);
    return rc;
}

/* Hidden entries (".git", an editor's or a producer's temporary file) are
 * skipped like files of other types, and reported the same way. */
static int all_entries(const struct dirent *d)
{
    return strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0;
}

/* One entry of a directory being walked: read it, descend into it, or
 * report it skipped.  *files counts the files of known types met. */
static frs_status_t ingest_entry(const frs_ingest_t *in, const char *path,
                                 const char *rel, const char *name,
                                 int depth, unsigned long *files);

/* Walk dir recursively; rel is the path relative to the input root.
 * *files counts the files of known types found. */
static frs_status_t ingest_dir(const frs_ingest_t *in, const char *dir,
                               const char *rel, int depth,
                               unsigned long *files)
{
    if (depth > 64) {
        report(in, FRS_REPORT_ERROR, dir, 0, NULL,
               "directories nested too deeply");
        return FRS_OK;
    }
    struct dirent **names = NULL;
    int n = scandir(dir, &names, all_entries, alphasort);
    if (n < 0) {
        report(in, FRS_REPORT_ERROR, dir, 0, NULL,
               "cannot read directory: %s", strerror(errno));
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
            rc = path.rc != FRS_OK || r.rc != FRS_OK
                     ? FRS_ENOMEM
                     : ingest_entry(in, path.data, r.data, name, depth, files);
            frs_buf_free(&path);
            frs_buf_free(&r);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

static frs_status_t ingest_entry(const frs_ingest_t *in, const char *path,
                                 const char *rel, const char *name,
                                 int depth, unsigned long *files)
{
    struct stat lst, st;
    if (name[0] == '.') {
        report(in, FRS_REPORT_SKIP, path, 0, NULL, "hidden (its name starts with a dot)");
        return FRS_OK;
    }
    if (lstat(path, &lst) != 0 || stat(path, &st) != 0) {
        report(in, FRS_REPORT_ERROR, path, 0, NULL, "cannot stat: %s",
               strerror(errno));
        return FRS_OK;
    }
    if (S_ISDIR(st.st_mode)) {
        if (!S_ISLNK(lst.st_mode)) /* no symlink loops */
            return ingest_dir(in, path, rel, depth + 1, files);
        report(in, FRS_REPORT_SKIP, path, 0, NULL,
               "symbolic link to a directory (not followed)");
        return FRS_OK;
    }
    if (!S_ISREG(st.st_mode) || (!is_jsonl_name(name) && !is_text_name(name))) {
        report(in, FRS_REPORT_SKIP, path, 0, NULL,
               S_ISREG(st.st_mode) ? "not a " KNOWN_TYPES " file"
                                   : "not a regular file");
        return FRS_OK;
    }
    ++*files;
    return ingest_file(in, path, rel);
}

frs_status_t frs_ingest_path(const frs_ingest_t *in, const char *path)
{
    if (strcmp(path, "-") == 0) {
        int fd = dup(STDIN_FILENO);
        if (fd < 0) {
            report(in, FRS_REPORT_ERROR, "-", 0, NULL,
                   "cannot read standard input: %s", strerror(errno));
            return FRS_OK;
        }
        return ingest_jsonl_fd(in, fd, "-");
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        report(in, FRS_REPORT_ERROR, path, 0, NULL, "cannot open: %s",
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
        unsigned long files = 0;
        frs_status_t rc = ingest_dir(in, d.data, "", 0, &files);
        if (rc == FRS_OK && files == 0)
            report(in, FRS_REPORT_ERROR, d.data, 0, NULL,
                   "no " KNOWN_TYPES " file in this directory");
        frs_buf_free(&d);
        return rc;
    }
    if (!is_jsonl_name(path) && !is_text_name(path)) {
        report(in, FRS_REPORT_ERROR, path, 0, NULL,
               "unknown file type (expected " KNOWN_TYPES ")");
        return FRS_OK;
    }
    const char *base = strrchr(path, '/');
    return ingest_file(in, path, base ? base + 1 : path);
}
