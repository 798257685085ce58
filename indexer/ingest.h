/* SPDX-License-Identifier: MIT
 * ingest.h: reading articles from JSON Lines files (plain or gzip),
 * plain-text files, directories of them (recursively, in name order) and
 * standard input (plain or gzip).  File types are told by the name, case
 * ignored: .jsonl, .ndjson, .json, each optionally followed by .gz, and
 * .txt.  A UTF-8 byte order mark at the start of a file is dropped.
 *
 * Every problem with the input is reported through the report callback with
 * the source (file), the line (JSON Lines) and the article id when known:
 *   - a "warning" leaves the article indexed (invalid UTF-8 replaced by
 *     U+FFFD, an ignored field);
 *   - a "reject" skips a line or a file (invalid JSON, missing id, damaged
 *     gzip data...); when id is NULL, the article it held is unknown;
 *   - an "error" is an input that cannot be read at all or in part (missing,
 *     unreadable, of an unknown type when named, a directory holding no file
 *     of a known type, a read error): the run cannot account for its
 *     articles;
 *   - a "skip" is an entry of a directory that is not read (another file
 *     type, a hidden file): a note, for -v and the log.
 * Reading goes on after each.
 *
 * Ownership: the article handed to the article callback and its strings are
 * borrowed for the duration of the callback.
 */
#ifndef FRS_INGEST_H
#define FRS_INGEST_H

#include <stddef.h>
#include "frs.h"

typedef struct {
    const char *source;  /* file path as given, or "-" for stdin */
    unsigned long line;  /* 1-based line (JSON Lines); 0 for text files */
    const char *id;      /* never NULL or empty */
    const char *title;   /* NULL when absent */
    const char *url;     /* NULL when absent */
    const char *date;    /* "YYYY-MM-DD" or NULL */
    const char *body;    /* valid UTF-8, NUL-terminated */
    size_t body_len;
} frs_article_t;

typedef enum {
    FRS_REPORT_WARNING,
    FRS_REPORT_REJECT,
    FRS_REPORT_ERROR,
    FRS_REPORT_SKIP
} frs_report_kind_t;

typedef struct {
    /* Called for each good article.  A non-OK status stops reading and is
     * returned by frs_ingest_path. */
    frs_status_t (*article)(void *ctx, const frs_article_t *a);
    /* Called for each problem; id may be NULL; line 0 = whole file. */
    void (*report)(void *ctx, frs_report_kind_t kind, const char *source,
                   unsigned long line, const char *id, const char *reason);
    void *ctx;
    size_t max_article_bytes; /* longer lines or files are rejected */
    /* Optional: called with each input byte count consumed (progress; for
     * gzip input, compressed bytes when the input can tell). */
    void (*progress)(void *ctx, size_t bytes);
} frs_ingest_t;

/* Default for max_article_bytes: 16 MiB. */
#define FRS_INGEST_MAX_ARTICLE_BYTES (16u << 20)

/* Read one input: "-" (JSON Lines on stdin), a JSON Lines or .txt file, or
 * a directory (its files of those types, recursively; others are reported
 * as skipped).  Returns FRS_OK even when articles were rejected or the
 * input could not be read (both reported); returns the article callback's
 * status if it stopped the run. */
frs_status_t frs_ingest_path(const frs_ingest_t *in, const char *path);

/* Parse one JSON Lines line (without its newline) and deliver it.  Exposed
 * for tests and fuzzing. */
frs_status_t frs_ingest_jsonl_line(const frs_ingest_t *in, const char *source,
                                   unsigned long lineno, const char *line,
                                   size_t len);

/* Deliver one plain-text article: first non-empty line = title, the rest =
 * body, its lines made into paragraphs (plaintext.h: line endings, one
 * paragraph per line or hard-wrapped).  A text in a single-byte encoding
 * (Latin-1, Windows-1252) is rejected with the iconv command that converts
 * it; UTF-8 with a few invalid bytes is a warning.  Exposed for tests and
 * fuzzing. */
frs_status_t frs_ingest_text(const frs_ingest_t *in, const char *source,
                             const char *id, const char *data, size_t len);

#endif
