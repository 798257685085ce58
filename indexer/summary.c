/* SPDX-License-Identifier: MIT
 * summary.c: the end-of-run summary as JSON (jansson) and as text.
 */
#include "summary.h"

#include <jansson.h>
#include <string.h>

#include "exitcodes.h"

const char *frs_summary_status(int exit_code)
{
    switch (exit_code) {
    case INDEXER_EXIT_OK: return "ok";
    case INDEXER_EXIT_REJECTS: return "rejects";
    case INDEXER_EXIT_USAGE: return "usage";
    case INDEXER_EXIT_SCHEMA: return "schema";
    case INDEXER_EXIT_BUSY: return "locked";
    default: return "failed";
    }
}

static int set_int(json_t *j, const char *key, unsigned long long v)
{
    return json_object_set_new(j, key, json_integer((json_int_t)v));
}

static int set_str(json_t *j, const char *key, const char *v)
{
    return v ? json_object_set_new(j, key, json_string(v)) : 0;
}

/* The counts of an indexing run (not of a compaction). */
static int add_counts(json_t *j, const frs_summary_t *s)
{
    const frs_indexer_counts_t *k = &s->counts;
    const frs_feed_stats_t *f = &s->feed;
    return set_int(j, "added", k->added) | set_int(j, "updated", k->updated) |
           set_int(j, "unchanged", k->unchanged) |
           set_int(j, "deleted", k->deleted) |
           set_int(j, "rejected", f->rejected) |
           set_int(j, "warnings", f->warnings) |
           set_int(j, "duplicates", f->duplicates) |
           set_int(j, "failed_inputs", f->failed_inputs) |
           set_int(j, "skipped_files", f->skipped) |
           set_int(j, "passages", k->passages);
}

/* "auto_compact": {"status", "bytes", "limit_bytes"}: what --auto-compact
 * found after the run (bytes: the size then; index_bytes is the size at
 * the end). */
static int add_auto_compact(json_t *j, const frs_summary_t *s)
{
    json_t *a = json_object();
    if (!a)
        return -1;
    int bad = set_str(a, "status", s->auto_compact);
    if (s->auto_bytes)
        bad |= set_int(a, "bytes", s->auto_bytes);
    if (s->auto_limit)
        bad |= set_int(a, "limit_bytes", s->auto_limit);
    return bad | json_object_set_new(j, "auto_compact", a);
}

frs_status_t frs_summary_json(const frs_summary_t *s, FILE *out)
{
    json_t *j = json_object();
    if (!j)
        return FRS_ENOMEM;
    int bad = set_str(j, "database", s->database) |
              set_str(j, "mode", s->mode) |
              set_int(j, "exit_code", (unsigned long long)s->exit_code) |
              set_str(j, "status", frs_summary_status(s->exit_code)) |
              set_str(j, "error", s->error);
    if (strcmp(s->mode, "compact") != 0)
        bad |= add_counts(j, s) | set_str(j, "prune", s->prune);
    else
        bad |= set_int(j, "bytes_before", s->bytes_before);
    bad |= json_object_set_new(j, "seconds", json_real(s->seconds)) |
           set_int(j, "index_bytes", s->index_bytes);
    if (s->shards > 0)
        bad |= set_int(j, "shards", s->shards) |
               set_int(j, "shards_written", s->shards_written);
    if (s->auto_compact)
        bad |= add_auto_compact(j, s);
    frs_status_t rc = FRS_ENOMEM;
    if (!bad) {
        rc = json_dumpf(j, out, JSON_COMPACT) == 0 && fputc('\n', out) != EOF
                 ? FRS_OK
                 : FRS_EIO;
        fflush(out);
    }
    json_decref(j);
    return rc;
}

/* "; failed (exit 4): reason" or "" */
static void outcome(const frs_summary_t *s, char *buf, size_t n)
{
    buf[0] = '\0';
    if (s->exit_code > 1)
        snprintf(buf, n, "; %s (exit %d)%s%s",
                 frs_summary_status(s->exit_code), s->exit_code,
                 s->error ? ": " : "", s->error ? s->error : "");
}

static void compact_text(const frs_summary_t *s, FILE *out, const char *end)
{
    if (s->shards > 0)
        fprintf(out, "compacted %s: %u shard%s (%u already compact%s%s): "
                     "%.1f MB -> %.1f MB%s\n",
                s->database, s->compacted, s->compacted == 1 ? "" : "s",
                s->already_compact, s->newest_left ? ", newest left: " : "",
                s->newest_left ? s->newest_left : "", s->bytes_before / 1e6,
                s->index_bytes / 1e6, end);
    else
        fprintf(out, "compacted %s: %.1f MB -> %.1f MB%s\n", s->database,
                s->bytes_before / 1e6, s->index_bytes / 1e6, end);
}

frs_status_t frs_summary_text(const frs_summary_t *s, FILE *out)
{
    char end[1200];
    outcome(s, end, sizeof end);
    if (strcmp(s->mode, "compact") == 0) {
        if (s->exit_code == 0)
            compact_text(s, out, "");
        else
            fprintf(out, "compaction of %s not done%s\n", s->database, end);
        return fflush(out) == 0 && !ferror(out) ? FRS_OK : FRS_EIO;
    }
    const frs_indexer_counts_t *k = &s->counts;
    const frs_feed_stats_t *f = &s->feed;
    char extra[256] = "", shards[64] = "";
    size_t n = 0;
    if (f->duplicates)
        n += (size_t)snprintf(extra + n, sizeof extra - n, ", duplicates %lu",
                              f->duplicates);
    if (f->failed_inputs && n < sizeof extra)
        n += (size_t)snprintf(extra + n, sizeof extra - n,
                              ", inputs failed %lu", f->failed_inputs);
    if (f->skipped && n < sizeof extra)
        n += (size_t)snprintf(extra + n, sizeof extra - n,
                              ", skipped files %lu", f->skipped);
    if (s->prune && strcmp(s->prune, "done") != 0 && n < sizeof extra)
        n += (size_t)snprintf(extra + n, sizeof extra - n, ", prune %s",
                              s->prune);
    if (s->auto_compact && (!strcmp(s->auto_compact, "done") ||
                            !strcmp(s->auto_compact, "failed")) &&
        n < sizeof extra)
        snprintf(extra + n, sizeof extra - n, ", auto-compact%s from "
                 "%.1f MB", s->auto_compact[0] == 'd' ? "ed" : " failed",
                 (double)s->auto_bytes / 1e6);
    if (s->shards > 0)
        snprintf(shards, sizeof shards, ", shards written %u of %u",
                 s->shards_written, s->shards);
    fprintf(out, "added %lu, updated %lu, unchanged %lu, deleted %lu, "
                 "rejected %lu, passages %lu, %.2f s, index %.1f MB%s%s%s\n",
            k->added, k->updated, k->unchanged, k->deleted, f->rejected,
            k->passages, s->seconds, (double)s->index_bytes / 1e6, shards,
            extra, end);
    return fflush(out) == 0 && !ferror(out) ? FRS_OK : FRS_EIO;
}
