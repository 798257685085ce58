/* SPDX-License-Identifier: MIT
 * main.c: the indexer command line.  Reads articles, indexes them into the
 * database (incrementally, or as a rebuild switched in atomically), reports
 * problems one line each, and turns the outcome into a documented exit code.
 * The database may be sharded (--shard-by; layout.h): then --compact and
 * --rebuild work shard by shard.  Quiet on success, for cron.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dbswap.h"
#include "feed.h"
#include "indexer.h"
#include "ingest.h"
#include "parallel.h"
#include "prune.h"
#include "schema.h"
#include "layout.h"
#include "summary.h"
#include "xdb.h"

enum {
    EXIT_OK = 0,
    EXIT_REJECTS = 1, /* completed; some inputs were rejected */
    EXIT_USAGE = 2,
    EXIT_SCHEMA = 3,  /* the database has another schema version */
    EXIT_FAIL = 4,    /* failed (an input could not be read, --prune
                         refused, an error); what is committed is whole */
    EXIT_LOCKED = 5   /* another indexer is writing the database */
};

static const char *prog = "indexer";

typedef struct {
    /* options */
    const char *db, *log_path, *delete_from;
    const char **deletes;
    size_t ndeletes;
    int verbose, strict, summary, json_summary, prune, rebuild, compact;
    int first_build;             /* no database yet: built as --rebuild */
    unsigned wait_s, jobs;
    const char *shard_by_text;   /* --shard-by, or NULL */
    frs_shard_scheme_t shard_by; /* parsed --shard-by */
    frs_shard_scheme_t live;     /* the scheme of DBDIR (NONE: unsharded) */
    frs_indexer_opts_t o;
    frs_ingest_t in;
    frs_prune_limit_t max_prune; /* --max-prune */
    /* state */
    frs_feed_t *feed;          /* the inputs read (counts, duplicates) */
    frs_indexer_t *ix;
    frs_pbuild_t *pb;          /* --rebuild: the parallel builder */
    FILE *log;
    int log_failed;            /* a write to the log failed (said once) */
    char error[1024];          /* the first error, for the summary */
    char newest[64];           /* compact: the shard left, for the summary */
    const char *prune_state;   /* for the summary: see summary.h */
    frs_summary_t sum;         /* counts gathered for the summary */
    unsigned long fed;         /* articles read so far */
    int progress;              /* draw a progress line (stderr is a tty) */
    unsigned long long total_bytes, done_bytes;
    struct timespec t0, drawn;
} run_t;

static void usage(FILE *out)
{
    fprintf(out,
"Usage: %s -d DBDIR [OPTIONS] INPUT...\n"
"       %s -d DBDIR --compact\n"
"Index French news articles into a Xapian database (created if missing).\n"
"\n"
"INPUT is a JSON Lines file (.jsonl, .ndjson, .json, each optionally .gz),\n"
"a plain-text file (.txt), a directory of such files (recursively; other\n"
"files are counted and named with -v), or - for JSON Lines on standard\n"
"input.  An INPUT missing, unreadable or of another type fails the run.\n"
"Unchanged articles are skipped; changed ones replaced; of several copies\n"
"of an id in one run the first is kept (a warning names both).\n"
"\n"
"  -d, --db DIR             database directory (required)\n"
"      --rebuild            build a new database from INPUT beside the live\n"
"                           one and switch to it atomically when complete\n"
"      --jobs N             --rebuild on N cores (default: all of them)\n"
"      --prune              delete articles absent from every INPUT (not\n"
"                           when an input could not be read or a line lost\n"
"                           its id; never more than --max-prune)\n"
"      --max-prune N|N%%     the most articles one --prune may delete, as a\n"
"                           number or a percentage of those indexed\n"
"                           (default %d%%; more fails the run, exit 4)\n"
"      --delete ID          delete the article ID (repeatable)\n"
"      --delete-from FILE   delete the article ids listed in FILE, one a line\n"
"      --compact            compact the database and switch atomically\n"
"                           (sharded: every shard but the newest)\n"
"      --shard-by SCHEME    make DBDIR a sharded index: one database per\n"
"                           year, per month, or hash:N (N shards by id);\n"
"                           later runs need no option (docs/scaling.md)\n"
"      --passage-min N      merge whole paragraphs into passages of at least\n"
"                           N words (default %d)\n"
"      --passage-max N      ... and at most N words; a longer paragraph is cut\n"
"                           at sentence ends (default %d)\n"
"      --batch N            commit every N changed articles (default %d,\n"
"                           %d with --rebuild, which commits without fsync)\n"
"      --max-article-bytes N  reject larger articles (default %u)\n"
"      --strict             any rejected input is a failure; commit nothing\n"
"      --wait SECONDS       wait this long for another indexer (default 0)\n"
"      --summary            print one summary line on stdout at the end\n"
"                           (of every run: failed, locked or not)\n"
"      --json-summary       print the summary as one JSON object on stdout\n"
"      --log FILE           also append every message, timestamped, to FILE\n"
"  -v, --verbose            report progress and the summary on stderr\n"
"  -h, --help               show this help\n"
"      --version            show the version\n"
"\n"
"Exit status: 0 success; 1 completed, some articles rejected; 2 usage\n"
"error; 3 incompatible database schema (--rebuild it); 4 failure: an INPUT\n"
"could not be read, --prune refused, or an error (what was committed is\n"
"whole); 5 the database is locked by another indexer.  Every run writes\n"
"its --summary / --json-summary, failed or not.\n",
            prog, prog, FRS_PRUNE_DEFAULT_PERCENT, FRS_PASSAGE_MIN_WORDS,
            FRS_PASSAGE_MAX_WORDS,
            FRS_INDEXER_BATCH, FRS_INDEXER_BULK_BATCH,
            FRS_INGEST_MAX_ARTICLE_BYTES);
}

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) +
           (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void clear_progress(run_t *r)
{
    if (r->progress)
        fputs("\r\x1b[K", stderr);
}

/* Append msg, timestamped, to the log file if there is one. */
static void to_log(run_t *r, const char *msg)
{
    if (!r->log)
        return;
    char ts[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
    fprintf(r->log, "%s %s[%d]: %s\n", ts, prog, (int)getpid(), msg);
    if (fflush(r->log) != 0 && !r->log_failed) {
        /* a full disk must not take the diagnostics with it unsaid */
        r->log_failed = 1;
        fprintf(stderr, "%s: warning: cannot write to the log %s: %s\n",
                prog, r->log_path, strerror(errno));
    }
}

/* One message line: to stderr (only with -v when quiet is set), and to
 * the log file. */
static void emit(run_t *r, int quiet, const char *msg)
{
    if (!quiet || r->verbose) {
        clear_progress(r);
        fprintf(stderr, "%s: %s\n", prog, msg);
    }
    to_log(r, msg);
}

/* say and error_msg: an error is prefixed, and the first one kept for the
 * summary. */
static void vmessage(run_t *r, int error, const char *fmt, va_list ap)
{
    char msg[1024], line[1100];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (error && !r->error[0])
        snprintf(r->error, sizeof r->error, "%s", msg);
    snprintf(line, sizeof line, "%s%s", error ? "error: " : "", msg);
    emit(r, 0, line);
}

static void say(run_t *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void say(run_t *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(r, 0, fmt, ap);
    va_end(ap);
}

static void error_msg(run_t *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void error_msg(run_t *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(r, 1, fmt, ap);
    va_end(ap);
}

static void draw_progress(run_t *r, int force)
{
    if (!r->progress || (!force && since(&r->drawn) < 0.25))
        return;
    clock_gettime(CLOCK_MONOTONIC, &r->drawn);
    double s = since(&r->t0);
    unsigned long arts = r->fed;
    double mbs = s > 0 ? (double)r->done_bytes / 1e6 / s : 0;
    fprintf(stderr, "\r\x1b[Kindexing: %lu articles, %.0f articles/s, %.1f MB/s",
            arts, s > 0 ? arts / s : 0, mbs);
    if (r->total_bytes > 0 && r->done_bytes > 0 &&
        r->done_bytes <= r->total_bytes) {
        double left = s * (double)(r->total_bytes - r->done_bytes) /
                      (double)r->done_bytes;
        fprintf(stderr, ", %d%%, ETA %d:%02d",
                (int)(100.0 * (double)r->done_bytes / (double)r->total_bytes),
                (int)left / 60, (int)left % 60);
    }
    fflush(stderr);
}

/* Every report of the inputs (through the feed, which counts them). */
static void on_report(void *ctx, frs_report_kind_t kind, const char *source,
                      unsigned long line, const char *id, const char *reason)
{
    run_t *r = ctx;
    if (kind == FRS_REPORT_REJECT && id && r->ix)
        frs_indexer_mark_seen(r->ix, id); /* keep it under --prune */
    char where[32] = "";
    if (line)
        snprintf(where, sizeof where, ":%lu", line);
    const char *what = kind == FRS_REPORT_REJECT    ? "rejected: "
                       : kind == FRS_REPORT_WARNING ? "warning: "
                       : kind == FRS_REPORT_SKIP    ? "skipped: "
                                                    : "";
    char msg[1024];
    snprintf(msg, sizeof msg, "%s%s%s: %s%s%s%s", what, source, where,
             id ? "article '" : "", id ? id : "", id ? "': " : "", reason);
    if (kind == FRS_REPORT_ERROR)
        error_msg(r, "%s", msg); /* an input that cannot be read fails the run */
    else
        emit(r, kind == FRS_REPORT_SKIP, msg);
}

static frs_status_t on_article(void *ctx, const frs_article_t *a)
{
    run_t *r = ctx;
    r->fed++;
    frs_status_t rc = r->pb ? frs_pbuild_add(r->pb, a)
                            : frs_indexer_add(r->ix, a);
    draw_progress(r, 0);
    return rc;
}

static void on_progress(void *ctx, size_t bytes)
{
    run_t *r = ctx;
    r->done_bytes += bytes;
}

static int parse_uint(const char *s, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *s == '\0' || *end != '\0' || s[0] == '-' || v > 1000000000UL)
        return 0;
    *out = (unsigned)v;
    return 1;
}

static int exit_for(frs_status_t rc)
{
    return rc == FRS_ELOCKED ? EXIT_LOCKED
           : rc == FRS_EVERSION ? EXIT_SCHEMA : EXIT_FAIL;
}

static void report_open_failure(run_t *r, frs_status_t rc, const char *why)
{
    if (rc == FRS_ELOCKED) {
        snprintf(r->error, sizeof r->error, "%s is being written by another "
                 "indexer (waited %us); try again later or use --wait",
                 r->db, r->wait_s);
        say(r, "%s", r->error);
    } else {
        error_msg(r, "%s", why ? why : frs_strerror(rc));
    }
}

/* Remove a work directory given up; what cannot be removed is left to the
 * next run, which knows it by its marker. */
static void remove_quietly(const char *path)
{
    char *ignored = NULL;
    frs_dbswap_remove(path, &ignored);
    free(ignored);
}

/* The writer lock of the live database: Xapian's for one database, the
 * layout's for a sharded index. */
typedef struct {
    frs_xdb_t *db;
    int fd;
} live_lock_t;

static void unlock_live(live_lock_t *l)
{
    frs_xdb_free(l->db);
    l->db = NULL;
    frs_shards_unlock(l->fd);
    l->fd = -1;
}

/* Take the live database's write lock (waiting up to --wait), so nobody
 * writes to it while we build its replacement.  When it does not exist
 * yet, "DBDIR.lock" keeps a second --rebuild from building at the same
 * place. */
static frs_status_t lock_live(run_t *r, live_lock_t *l)
{
    l->db = NULL;
    l->fd = -1;
    int none = !frs_dbswap_exists(r->db);
    time_t deadline = time(NULL) + (time_t)r->wait_s;
    for (;;) {
        char *err = NULL;
        frs_status_t rc =
            none ? frs_dbswap_lock(r->db, &l->fd, &err)
            : r->live.kind != FRS_SHARD_BY_NONE
                ? frs_shards_lock(r->db, &l->fd)
                : frs_xdb_open(r->db, 0, &l->db, &err);
        if (rc == FRS_ELOCKED && time(NULL) < deadline) {
            free(err);
            usleep(200 * 1000);
            continue;
        }
        if (rc != FRS_OK)
            report_open_failure(r, rc, err);
        free(err);
        return rc;
    }
}

/* fsync a sharded index: every shard, then its own files and directory. */
static frs_status_t sync_sharded(const char *dir, const frs_shard_scheme_t *s,
                                 char **errmsg)
{
    *errmsg = NULL;
    char **keys = NULL;
    size_t n = 0;
    frs_status_t rc = frs_shards_list(dir, s, &keys, &n);
    if (rc != FRS_OK)
        frs_fail(errmsg, rc, "cannot list the shards of %s", dir);
    for (size_t i = 0; rc == FRS_OK && i < n; i++) {
        char *p = frs_shards_path(dir, keys[i]);
        rc = p ? frs_dbswap_sync(p, errmsg) : FRS_ENOMEM;
        free(p);
    }
    frs_shards_free_keys(keys, n);
    return rc == FRS_OK ? frs_dbswap_sync(dir, errmsg) : rc;
}

/* Put the finished database at fresh (sharded by s, or one database) in
 * place of the live one. */
static int switch_in(run_t *r, const char *fresh, live_lock_t *l,
                     const frs_shard_scheme_t *s)
{
    char *err = NULL;
    frs_status_t rc = s->kind != FRS_SHARD_BY_NONE
                          ? sync_sharded(fresh, s, &err)
                          : frs_dbswap_sync(fresh, &err);
    /* the old database goes to fresh marked as ours, so that a run killed
     * before removing it leaves it to the next one (best effort: unmarked,
     * the next run refuses to touch it, which is safe) */
    if (rc == FRS_OK && frs_dbswap_exists(r->db)) {
        char *ignored = NULL;
        frs_dbswap_mark(r->db, &ignored);
        free(ignored);
    }
    if (rc == FRS_OK && (rc = frs_dbswap_exchange(r->db, fresh, &err)) !=
                            FRS_OK)
        frs_dbswap_unmark(r->db);
    if (rc != FRS_OK) {
        error_msg(r, "cannot switch %s into place: %s", fresh,
                  err ? err : frs_strerror(rc));
        free(err);
        unlock_live(l);
        return EXIT_FAIL;
    }
    unlock_live(l); /* the old database, now at fresh */
    if (frs_dbswap_remove(fresh, &err) != FRS_OK)
        say(r, "warning: the old database was left at %s: %s", fresh,
            err ? err : frs_strerror(FRS_EIO));
    free(err);
    frs_dbswap_unmark(r->db);
    return EXIT_OK;
}

/* Compact one shard of a sharded index, as do_compact does a database,
 * marking it so that it is not compacted again while unchanged.  *skipped
 * is set when it was already. */
static int compact_shard(run_t *r, const char *path, int *skipped)
{
    *skipped = 0;
    frs_xr_t *xr = NULL;
    char *err = NULL, *updated = NULL, *done = NULL;
    frs_status_t rc = frs_xr_open(path, &xr, &err);
    if (rc == FRS_OK)
        rc = frs_xr_get_metadata(xr, FRS_META_UPDATED, &updated);
    if (rc == FRS_OK)
        rc = frs_xr_get_metadata(xr, FRS_META_COMPACTED, &done);
    if (rc != FRS_OK) {
        error_msg(r, "%s: %s", path,
                  err ? err : xr ? frs_xr_errmsg(xr) : frs_strerror(rc));
        free(err);
        frs_xr_free(xr);
        return exit_for(rc);
    }
    frs_xr_free(xr);
    *skipped = done[0] && strcmp(done, updated) == 0;
    free(done);
    if (*skipped) {
        free(updated);
        return EXIT_OK;
    }
    live_lock_t l = {NULL, -1};
    rc = frs_xdb_open(path, 0, &l.db, &err);
    char *dst = rc == FRS_OK ? frs_dbswap_sibling(path, "compact") : NULL;
    int claimed = 0;
    if (rc == FRS_OK && dst) {
        rc = frs_dbswap_claim(dst, &err); /* ours, or refused */
        claimed = rc == FRS_OK;
    }
    if (rc == FRS_OK && dst)
        rc = frs_xdb_compact(path, dst, &err);
    frs_xdb_t *mark = NULL;
    if (rc == FRS_OK && dst)
        rc = frs_xdb_open(dst, FRS_XDB_NO_SYNC, &mark, &err);
    if (rc == FRS_OK && dst) {
        rc = frs_xdb_set_metadata(mark, FRS_META_COMPACTED, updated);
        if (rc == FRS_OK)
            rc = frs_xdb_commit(mark);
        if (rc != FRS_OK)
            err = strdup(frs_xdb_errmsg(mark));
        frs_xdb_free(mark);
    }
    free(updated);
    int ex = EXIT_OK;
    if (rc != FRS_OK || !dst) {
        error_msg(r, "cannot compact %s: %s", path,
                  err ? err : frs_strerror(dst ? rc : FRS_ENOMEM));
        if (claimed)
            remove_quietly(dst);
        unlock_live(&l);
        ex = rc == FRS_ELOCKED ? EXIT_LOCKED : EXIT_FAIL;
    } else {
        const char *live = r->db;
        r->db = path; /* switch_in replaces r->db */
        frs_shard_scheme_t none = {FRS_SHARD_BY_NONE, 0};
        ex = switch_in(r, dst, &l, &none);
        r->db = live;
    }
    free(err);
    free(dst);
    return ex;
}

/* --compact on a sharded index: every shard but the newest period, which
 * nightly runs keep writing (with hash sharding, every shard).  Each shard
 * is switched atomically on its own; shards already compacted and unchanged
 * since are skipped. */
static int compact_sharded(run_t *r)
{
    live_lock_t l;
    frs_status_t rc = lock_live(r, &l);
    if (rc != FRS_OK)
        return exit_for(rc);
    char **keys = NULL;
    size_t n = 0;
    if (frs_shards_list(r->db, &r->live, &keys, &n) != FRS_OK) {
        error_msg(r, "%s: cannot list its shards", r->db);
        unlock_live(&l);
        return EXIT_FAIL;
    }
    const char *newest = NULL;
    if (r->live.kind != FRS_SHARD_BY_HASH)
        for (size_t i = 0; i < n; i++)
            if (strcmp(keys[i], FRS_SHARD_UNDATED) != 0)
                newest = keys[i]; /* keys are sorted */
    unsigned long long before = frs_dbswap_size(r->db);
    unsigned compacted = 0, skipped = 0;
    int ex = EXIT_OK;
    for (size_t i = 0; i < n && ex == EXIT_OK; i++) {
        if (newest && strcmp(keys[i], newest) == 0)
            continue;
        char *p = frs_shards_path(r->db, keys[i]);
        int sk = 0;
        ex = p ? compact_shard(r, p, &sk) : EXIT_FAIL;
        free(p);
        if (ex == EXIT_OK) {
            compacted += !sk;
            skipped += sk;
        }
    }
    /* same stub content, new file: readers that watch it reopen */
    frs_stub_entry_t *st = NULL;
    size_t nst = 0;
    if (compacted > 0 && frs_stub_read(r->db, &st, &nst) == FRS_OK) {
        char **names = calloc(nst + 1, sizeof *names);
        size_t k = 0;
        for (size_t i = 0; names && i < nst; i++)
            if (strcmp(st[i].type, "auto") == 0)
                names[k++] = st[i].where;
        if (!names || frs_shards_write_stub(r->db, names, k) != FRS_OK)
            say(r, "warning: cannot rewrite %s/%s", r->db, FRS_SHARDS_STUB);
        free(names);
    }
    frs_stub_free(st, nst);
    r->sum.bytes_before = before;
    r->sum.shards = (unsigned)n;
    r->sum.shards_written = compacted;
    r->sum.compacted = compacted;
    r->sum.already_compact = skipped;
    if (newest) {
        snprintf(r->newest, sizeof r->newest, "%s", newest);
        r->sum.newest_left = r->newest;
    }
    frs_shards_free_keys(keys, n);
    unlock_live(&l);
    return ex;
}

static int do_compact(run_t *r)
{
    if (r->live.kind != FRS_SHARD_BY_NONE)
        return compact_sharded(r);
    live_lock_t l;
    frs_status_t rc = lock_live(r, &l);
    frs_xdb_t *holder = l.db;
    if (rc != FRS_OK)
        return exit_for(rc);
    if (!holder) {
        error_msg(r, "%s: no database to compact", r->db);
        unlock_live(&l);
        return EXIT_FAIL;
    }
    char *dst = frs_dbswap_sibling(r->db, "compact"), *err = NULL;
    rc = dst ? frs_dbswap_claim(dst, &err) : FRS_ENOMEM; /* ours, or refused */
    int claimed = rc == FRS_OK;
    r->sum.bytes_before = frs_dbswap_size(r->db);
    int ex = EXIT_OK;
    if (rc == FRS_OK)
        rc = frs_xdb_compact(r->db, dst, &err);
    if (rc != FRS_OK) {
        error_msg(r, "compaction failed: %s", err ? err : frs_strerror(rc));
        if (claimed)
            remove_quietly(dst);
        unlock_live(&l);
        ex = EXIT_FAIL;
    } else {
        ex = switch_in(r, dst, &l, &r->live);
    }
    free(err);
    free(dst);
    return ex;
}

static int delete_ids_from(run_t *r)
{
    FILE *f = strcmp(r->delete_from, "-") == 0 ? stdin
                                               : fopen(r->delete_from, "r");
    if (!f) {
        error_msg(r, "cannot open %s: %s", r->delete_from, strerror(errno));
        return EXIT_FAIL;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int ex = EXIT_OK;
    while ((n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0)
            continue;
        frs_status_t rc = frs_indexer_delete(r->ix, line, NULL);
        if (rc != FRS_OK) {
            error_msg(r, "%s", frs_indexer_errmsg(r->ix));
            ex = exit_for(rc);
            break;
        }
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return ex;
}

/* The summary of the run, whatever its outcome: --json-summary and
 * --summary on stdout, -v on stderr. */
static void print_summary(run_t *r, int ex)
{
    frs_summary_t *m = &r->sum;
    m->database = r->db;
    m->mode = r->compact       ? "compact"
              : r->first_build ? "first build"
              : r->rebuild     ? "rebuild"
                               : "index";
    m->exit_code = ex;
    m->error = ex != EXIT_OK && r->error[0] ? r->error : NULL;
    m->prune = r->prune_state;
    if (r->feed)
        m->feed = *frs_feed_stats(r->feed);
    m->seconds = since(&r->t0);
    m->index_bytes = r->db ? frs_dbswap_size(r->db) : 0;
    if (r->json_summary)
        frs_summary_json(m, stdout);
    if (r->summary || r->verbose)
        frs_summary_text(m, r->summary ? stdout : stderr);
}

/* Read every input, handing articles to the indexer or the parallel
 * builder; then apply --strict. */
static int feed_inputs(run_t *r, int argc, char **argv, int first)
{
    int ex = EXIT_OK;
    for (int i = first; i < argc && ex == EXIT_OK; i++) {
        frs_status_t rc = frs_feed_read(r->feed, argv[i]);
        if (rc != FRS_OK) {
            const char *why = r->ix && frs_indexer_errmsg(r->ix)[0]
                                  ? frs_indexer_errmsg(r->ix)
                              : r->pb && frs_pbuild_errmsg(r->pb)[0]
                                  ? frs_pbuild_errmsg(r->pb)
                                  : frs_strerror(rc);
            error_msg(r, "cannot index %s: %s", argv[i], why);
            ex = exit_for(rc); /* a shard may be locked or too old */
        }
    }
    draw_progress(r, 1);
    clear_progress(r);
    const frs_feed_stats_t *st = frs_feed_stats(r->feed);
    unsigned long bad = st->rejected + st->failed_inputs;
    if (ex == EXIT_OK && r->strict && bad > 0) {
        error_msg(r, "%lu input%s rejected or unreadable; --strict: nothing "
                  "committed", bad, bad > 1 ? "s" : "");
        ex = EXIT_FAIL;
    }
    return ex;
}

/* The exit code of a run that went through: an input that could not be
 * read fails it (already said, one error each), rejects are 1. */
static int inputs_outcome(run_t *r)
{
    const frs_feed_stats_t *st = frs_feed_stats(r->feed);
    return st->failed_inputs > 0 ? EXIT_FAIL
           : st->rejected > 0    ? EXIT_REJECTS
                                 : EXIT_OK;
}

/* --prune behind its guard (prune.h): count what would go, decide, then
 * delete or not.  A refusal sets *refused: the run fails, but what it
 * indexed is still committed. */
static int prune_guarded(run_t *r, int *refused)
{
    *refused = 0;
    unsigned long long gone = 0, total = 0;
    frs_status_t rc = frs_indexer_prune_count(r->ix, &gone, &total);
    if (rc != FRS_OK) {
        error_msg(r, "%s", frs_indexer_errmsg(r->ix));
        return exit_for(rc);
    }
    char why[1024];
    switch (frs_prune_decide(&r->max_prune, frs_feed_stats(r->feed), gone,
                             total, why, sizeof why)) {
    case FRS_PRUNE_SKIP:
        say(r, "warning: %s", why);
        r->prune_state = "skipped";
        return EXIT_OK;
    case FRS_PRUNE_REFUSE:
        error_msg(r, "%s", why);
        r->prune_state = "refused";
        *refused = 1;
        return EXIT_OK;
    case FRS_PRUNE_GO:
        break;
    }
    if ((rc = frs_indexer_prune(r->ix)) != FRS_OK) {
        error_msg(r, "%s", frs_indexer_errmsg(r->ix));
        return exit_for(rc);
    }
    r->prune_state = "done";
    return EXIT_OK;
}

/* Deletes, inputs, prune and the final commit, into r->ix. */
static int index_inputs(run_t *r, int argc, char **argv, int first)
{
    int ex = EXIT_OK, refused = 0;
    frs_status_t rc;
    for (size_t i = 0; i < r->ndeletes && ex == EXIT_OK; i++) {
        int found;
        rc = frs_indexer_delete(r->ix, r->deletes[i], &found);
        if (rc != FRS_OK) {
            error_msg(r, "%s", frs_indexer_errmsg(r->ix));
            ex = exit_for(rc);
        } else if (!found && r->verbose) {
            say(r, "no article '%s' to delete", r->deletes[i]);
        }
    }
    if (ex == EXIT_OK && r->delete_from)
        ex = delete_ids_from(r);
    if (ex == EXIT_OK)
        ex = feed_inputs(r, argc, argv, first);
    if (ex == EXIT_OK && r->prune)
        ex = prune_guarded(r, &refused);
    if (ex == EXIT_OK && (rc = frs_indexer_commit(r->ix)) != FRS_OK) {
        error_msg(r, "%s", frs_indexer_errmsg(r->ix));
        ex = exit_for(rc);
    }
    if (ex == EXIT_OK)
        ex = refused ? EXIT_FAIL : inputs_outcome(r);
    return ex;
}

/* The incremental run: open (waiting for the lock), index, commit. */
static int run_incremental(run_t *r, int argc, char **argv, int first)
{
    char *err = NULL;
    frs_status_t rc;
    time_t deadline = time(NULL) + (time_t)r->wait_s;
    for (;;) {
        rc = frs_indexer_open(r->db, &r->o, &r->ix, &err);
        if (rc != FRS_ELOCKED || time(NULL) >= deadline)
            break;
        free(err);
        err = NULL;
        usleep(200 * 1000);
    }
    if (rc != FRS_OK) {
        report_open_failure(r, rc, err);
        free(err);
        return exit_for(rc);
    }
    frs_indexer_set_wait(r->ix, r->wait_s);
    int ex = index_inputs(r, argc, argv, first);
    r->sum.counts = *frs_indexer_counts(r->ix);
    frs_indexer_shards(r->ix, &r->sum.shards, &r->sum.shards_written);
    frs_indexer_free(r->ix); /* discards anything not committed */
    r->ix = NULL;
    return ex;
}

/* A --rebuild is switched in only if its inputs were all read and gave at
 * least one article: an empty or vanished feed must not replace the index
 * by an empty one. */
static int rebuild_inputs_ok(run_t *r)
{
    const frs_feed_stats_t *st = frs_feed_stats(r->feed);
    if (st->failed_inputs > 0) {
        error_msg(r, "%s could not be read: --rebuild abandoned; %s is "
                  "unchanged", st->failed_source, r->db);
        return EXIT_FAIL;
    }
    if (st->articles == 0) {
        error_msg(r, "the inputs yielded no article: --rebuild abandoned "
                  "(it would empty the index); %s is unchanged", r->db);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

/* Switch in the finished build at fresh, or give it up. */
static int rebuild_end(run_t *r, int ex, const char *fresh, live_lock_t *l,
                       const frs_shard_scheme_t *s)
{
    if (ex == EXIT_OK) {
        ex = switch_in(r, fresh, l, s);
        if (ex == EXIT_OK)
            ex = inputs_outcome(r);
    } else {
        unlock_live(l);
        remove_quietly(fresh);
    }
    return ex;
}

/* --rebuild into a sharded index (scheme s): one indexer routing every
 * article to the shards of DBDIR.rebuild, synced, then switched in. */
static int rebuild_sharded(run_t *r, const frs_shard_scheme_t *s,
                           const char *fresh, live_lock_t *l, int argc,
                           char **argv, int first)
{
    char *err = NULL;
    frs_indexer_opts_t o = r->o;
    o.no_sync = 1; /* synced once, before the switch */
    o.create = 1;
    o.bulk = 1;
    frs_status_t rc = frs_shards_create(fresh, s, &err);
    if (rc == FRS_OK)
        rc = frs_indexer_open(fresh, &o, &r->ix, &err);
    int ex = EXIT_OK;
    if (rc != FRS_OK) {
        error_msg(r, "cannot start the build: %s",
                  err ? err : frs_strerror(rc));
        ex = exit_for(rc);
    } else {
        ex = feed_inputs(r, argc, argv, first);
        if (ex == EXIT_OK)
            ex = rebuild_inputs_ok(r);
        if (ex == EXIT_OK && (rc = frs_indexer_commit(r->ix)) != FRS_OK) {
            error_msg(r, "%s", frs_indexer_errmsg(r->ix));
            ex = exit_for(rc);
        }
        r->sum.counts = *frs_indexer_counts(r->ix);
        frs_indexer_shards(r->ix, &r->sum.shards, &r->sum.shards_written);
    }
    frs_indexer_free(r->ix);
    r->ix = NULL;
    free(err);
    return rebuild_end(r, ex, fresh, l, s);
}

/* --rebuild: hold the live lock, build DBDIR.rebuild (on every core, merged,
 * or sharded), sync, switch atomically.  DBDIR.rebuild is our work
 * directory: one a killed run left is removed, anything else refused. */
static int run_rebuild(run_t *r, int argc, char **argv, int first)
{
    live_lock_t l;
    frs_status_t rc = lock_live(r, &l);
    if (rc != FRS_OK)
        return exit_for(rc);
    char *fresh = frs_dbswap_sibling(r->db, "rebuild"), *err = NULL;
    rc = fresh ? frs_dbswap_claim(fresh, &err) : FRS_ENOMEM;
    if (rc != FRS_OK) {
        error_msg(r, "%s", err ? err : frs_strerror(rc));
        free(err);
        free(fresh);
        unlock_live(&l);
        return EXIT_FAIL;
    }
    /* the new index is sharded as asked, or as the live one is */
    const frs_shard_scheme_t *s = r->shard_by_text ? &r->shard_by : &r->live;
    if (s->kind != FRS_SHARD_BY_NONE) {
        int ex = rebuild_sharded(r, s, fresh, &l, argc, argv, first);
        free(fresh);
        return ex;
    }
    int ex;
    rc = frs_pbuild_new(fresh, r->jobs, &r->o, &r->pb, &err);
    if (rc != FRS_OK) {
        error_msg(r, "cannot start the build: %s",
                  err ? err : frs_strerror(rc));
        ex = EXIT_FAIL;
    } else {
        ex = feed_inputs(r, argc, argv, first);
        if (ex == EXIT_OK)
            ex = rebuild_inputs_ok(r);
        if (ex == EXIT_OK) {
            rc = frs_pbuild_finish(r->pb, &r->sum.counts, &err);
            if (rc != FRS_OK) {
                error_msg(r, "%s", err ? err : frs_strerror(rc));
                ex = EXIT_FAIL;
            }
        }
    }
    frs_pbuild_free(r->pb);
    r->pb = NULL;
    free(err);
    ex = rebuild_end(r, ex, fresh, &l, s);
    free(fresh);
    return ex;
}

/* Read DBDIR's layout into r->live and check --shard-by against it; make
 * DBDIR a sharded index when asked to for an incremental run.  A usage
 * problem goes to *why (malloc'd); other failures are reported and give
 * their exit code. */
static int check_layout(run_t *r, char **why)
{
    *why = NULL;
    char *err = NULL, msg[3 * 4096 + 128];
    frs_status_t rc = frs_shards_read(r->db, &r->live, &err);
    if (rc != FRS_OK && rc != FRS_ENOTFOUND) {
        error_msg(r, "%s", err ? err : frs_strerror(rc));
        free(err);
        return EXIT_FAIL;
    }
    /* DBDIR one shard of a sharded index: write through the index */
    char path[4096], up_dir[4096];
    snprintf(path, sizeof path, "%s", r->db);
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        path[--n] = '\0';
    char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    snprintf(up_dir, sizeof up_dir, "%.*s",
             slash ? (slash == path ? 1 : (int)(slash - path)) : 1,
             slash ? path : ".");
    frs_shard_scheme_t up;
    char *ignored = NULL;
    rc = frs_shards_read(up_dir, &up, &ignored);
    free(ignored);
    if (rc == FRS_OK && frs_shards_valid_key(&up, base)) {
        snprintf(msg, sizeof msg, "%s is shard '%s' of a sharded index: give "
                 "the index directory, %s, to -d", r->db, base, up_dir);
        *why = strdup(msg);
        return EXIT_OK;
    }
    if (!r->shard_by_text || r->rebuild)
        return EXIT_OK; /* --rebuild may change the scheme */
    char want[32];
    frs_shards_format(&r->shard_by, want, sizeof want);
    if (r->live.kind != FRS_SHARD_BY_NONE) {
        if (frs_shards_same(&r->live, &r->shard_by))
            return EXIT_OK;
        char have[32];
        frs_shards_format(&r->live, have, sizeof have);
        snprintf(msg, sizeof msg, "%s is sharded by %s, not %s; to change "
                 "the scheme, --rebuild it with --shard-by %s", r->db, have,
                 want, want);
        *why = strdup(msg);
        return EXIT_OK;
    }
    rc = frs_shards_create(r->db, &r->shard_by, &err);
    if (rc == FRS_EINVAL) {
        *why = err;
        return EXIT_OK;
    }
    if (rc != FRS_OK) {
        error_msg(r, "%s", err ? err : frs_strerror(rc));
        free(err);
        return EXIT_FAIL;
    }
    r->live = r->shard_by;
    return EXIT_OK;
}

static unsigned long long input_bytes(int argc, char **argv, int first)
{
    unsigned long long total = 0;
    for (int i = first; i < argc; i++)
        if (strcmp(argv[i], "-") != 0)
            total += frs_dbswap_size(argv[i]);
    return total;
}

enum { O_DELETE = 256, O_DELETE_FROM, O_PMIN, O_PMAX, O_BATCH,
       O_MAXBYTES, O_WAIT, O_STRICT, O_SUMMARY, O_JSON_SUMMARY, O_LOG,
       O_PRUNE, O_REBUILD, O_COMPACT, O_JOBS, O_VERSION, O_SHARD_BY,
       O_MAX_PRUNE };
static const struct option opts[] = {
    {"db", required_argument, 0, 'd'},
    {"delete", required_argument, 0, O_DELETE},
    {"delete-from", required_argument, 0, O_DELETE_FROM},
    {"passage-min", required_argument, 0, O_PMIN},
    {"passage-max", required_argument, 0, O_PMAX},
    {"batch", required_argument, 0, O_BATCH},
    {"max-article-bytes", required_argument, 0, O_MAXBYTES},
    {"wait", required_argument, 0, O_WAIT},
    {"strict", no_argument, 0, O_STRICT},
    {"summary", no_argument, 0, O_SUMMARY},
    {"json-summary", no_argument, 0, O_JSON_SUMMARY},
    {"log", required_argument, 0, O_LOG},
    {"prune", no_argument, 0, O_PRUNE},
    {"max-prune", required_argument, 0, O_MAX_PRUNE},
    {"rebuild", no_argument, 0, O_REBUILD},
    {"compact", no_argument, 0, O_COMPACT},
    {"jobs", required_argument, 0, O_JOBS},
    {"shard-by", required_argument, 0, O_SHARD_BY},
    {"verbose", no_argument, 0, 'v'},
    {"help", no_argument, 0, 'h'},
    {"version", no_argument, 0, O_VERSION},
    {0, 0, 0, 0}};

/* A numeric option's value: 1, or 0 with why set. */
static int number_option(run_t *r, int c, const char *arg, char *why,
                         size_t n)
{
    unsigned v;
    if (!parse_uint(arg, &v)) {
        const char *name = "?";
        for (const struct option *op = opts; op->name; op++)
            if (op->val == c)
                name = op->name;
        snprintf(why, n, "invalid number '%s' for --%s", arg, name);
        return 0;
    }
    if (c == O_PMIN) r->o.passage.min_words = v;
    else if (c == O_PMAX) r->o.passage.max_words = v;
    else if (c == O_BATCH) r->o.batch_articles = v ? v : 1;
    else if (c == O_MAXBYTES) r->in.max_article_bytes = v;
    else if (c == O_JOBS) r->jobs = v;
    else r->wait_s = v;
    return 1;
}

/* Parse the options into r.  Returns EXIT_OK after --help or --version,
 * EXIT_USAGE with the first problem in why (the options are all read, so
 * that --json-summary is honoured anyway), or -1 to go on. */
static int parse_options(run_t *r, int argc, char **argv, char *why,
                         size_t n)
{
    int c, bad = 0;
    while ((c = getopt_long(argc, argv, "d:vh", opts, NULL)) != -1) {
        switch (c) {
        case 'd': r->db = optarg; break;
        case 'v': r->verbose = 1; break;
        case 'h': usage(stdout); return EXIT_OK;
        case O_VERSION:
            printf("%s (frs) %s\n", prog, FRS_VERSION_STRING);
            return EXIT_OK;
        case O_DELETE: r->deletes[r->ndeletes++] = optarg; break;
        case O_DELETE_FROM: r->delete_from = optarg; break;
        case O_STRICT: r->strict = 1; break;
        case O_SUMMARY: r->summary = 1; break;
        case O_JSON_SUMMARY: r->json_summary = 1; break;
        case O_LOG: r->log_path = optarg; break;
        case O_PRUNE: r->prune = 1; break;
        case O_REBUILD: r->rebuild = 1; break;
        case O_COMPACT: r->compact = 1; break;
        case O_MAX_PRUNE:
            if (frs_prune_limit_parse(optarg, &r->max_prune) != FRS_OK &&
                !bad++)
                snprintf(why, n, "invalid --max-prune '%s': a number of "
                         "articles, or a percentage such as 10%%", optarg);
            break;
        case O_SHARD_BY:
            r->shard_by_text = optarg;
            if (frs_shards_parse(optarg, &r->shard_by) != FRS_OK && !bad++)
                snprintf(why, n, "invalid --shard-by '%s': year, month or "
                         "hash:N (N from 1 to %d)", optarg,
                         FRS_SHARDS_MAX_HASH);
            break;
        case O_PMIN: case O_PMAX: case O_BATCH:
        case O_MAXBYTES: case O_WAIT: case O_JOBS:
            if (!number_option(r, c, optarg, bad ? NULL : why, bad ? 0 : n))
                bad++;
            break;
        default: /* getopt said what */
            if (!bad++)
                snprintf(why, n, "invalid option '%s'", argv[optind - 1]);
        }
    }
    return bad ? EXIT_USAGE : -1;
}

/* The usage rules between options and inputs: NULL, or the problem. */
static const char *check_usage(const run_t *r, int ninputs)
{
    if (!r->db)
        return "missing -d DBDIR";
    if (r->compact && (ninputs || r->ndeletes || r->delete_from ||
                       r->rebuild || r->prune || r->shard_by_text))
        return "--compact takes no INPUT and no other action";
    if (!r->compact && ninputs == 0 && r->ndeletes == 0 && !r->delete_from)
        return "nothing to do: give INPUT files, --delete or --delete-from";
    if (r->rebuild && ninputs == 0)
        return "--rebuild needs the INPUT files to build from";
    if (r->rebuild && (r->ndeletes || r->delete_from || r->prune))
        return "--rebuild builds from INPUT alone; --delete and --prune do "
               "not apply";
    if (r->jobs > 64)
        return "--jobs takes 1 to 64";
    if (r->o.passage.max_words == 0 ||
        r->o.passage.min_words > r->o.passage.max_words)
        return "--passage-min must not exceed --passage-max, which must be "
               "> 0";
    return NULL;
}

/* Open the log, check the usage and the layout: -1 to go on, or the exit
 * code (a usage problem said here). */
static int prepare(run_t *r, int argc, char *why, size_t n)
{
    if (r->log_path && !(r->log = fopen(r->log_path, "a"))) {
        error_msg(r, "cannot open log %s: %s", r->log_path, strerror(errno));
        return EXIT_FAIL;
    }
    const char *u = check_usage(r, argc - optind);
    if (u) {
        snprintf(why, n, "%s", u);
        return EXIT_USAGE;
    }
    char *layout = NULL;
    int ex = check_layout(r, &layout);
    if (ex == EXIT_OK && layout) {
        snprintf(why, n, "%s", layout);
        ex = EXIT_USAGE;
    }
    free(layout);
    return ex == EXIT_OK ? -1 : ex;
}

/* The run itself, once everything is checked. */
/* Is this the first build of an unsharded database (none there yet, or
 * one without a document)?  Then it takes the bulk path of --rebuild by
 * itself: built aside on every core and switched in. */
static int is_first_build(const run_t *r)
{
    if (r->rebuild || r->ndeletes || r->delete_from ||
        r->live.kind != FRS_SHARD_BY_NONE)
        return 0;
    frs_xr_t *xr = NULL;
    char *err = NULL;
    frs_status_t rc = frs_xr_open(r->db, &xr, &err);
    free(err);
    if (rc == FRS_ENOTFOUND)
        return 1;
    frs_xr_stats_t st;
    int empty = rc == FRS_OK && frs_xr_stats(xr, &st) == FRS_OK &&
                st.doccount == 0;
    frs_xr_free(xr);
    return empty;
}

static int run(run_t *r, int argc, char **argv)
{
    if (r->compact)
        return do_compact(r);
    if (is_first_build(r)) {
        r->first_build = r->rebuild = 1;
        r->prune = 0; /* nothing indexed, nothing to prune */
    }
    if (r->strict)
        r->o.batch_articles = (unsigned)-1; /* one transaction for the run */
    else if (r->o.batch_articles == 0)
        r->o.batch_articles =
            r->rebuild ? FRS_INDEXER_BULK_BATCH : FRS_INDEXER_BATCH;
    r->progress = isatty(STDERR_FILENO) && !r->log_path;
    r->total_bytes = input_bytes(argc, argv, optind);
    r->in.article = on_article;
    r->in.report = on_report;
    r->in.progress = on_progress;
    r->in.ctx = r;
    if (frs_feed_new(&r->in, &r->feed) != FRS_OK) {
        error_msg(r, "%s", frs_strerror(FRS_ENOMEM));
        return EXIT_FAIL;
    }
    return r->rebuild ? run_rebuild(r, argc, argv, optind)
                      : run_incremental(r, argc, argv, optind);
}

int main(int argc, char **argv)
{
    run_t r;
    memset(&r, 0, sizeof r);
    r.o.passage.min_words = FRS_PASSAGE_MIN_WORDS;
    r.o.passage.max_words = FRS_PASSAGE_MAX_WORDS;
    r.o.batch_articles = 0; /* the default of the kind of run */
    r.o.create = 1;
    r.max_prune.value = FRS_PRUNE_DEFAULT_PERCENT;
    r.max_prune.percent = 1;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    r.jobs = ncpu > 0 ? (unsigned)(ncpu < 64 ? ncpu : 64) : 1;
    r.in.max_article_bytes = FRS_INGEST_MAX_ARTICLE_BYTES;
    r.deletes = calloc((size_t)argc + 1, sizeof *r.deletes);
    if (!r.deletes)
        return EXIT_FAIL;
    clock_gettime(CLOCK_MONOTONIC, &r.t0);
    /* a full disk or a file size limit must fail a write, not kill us */
    signal(SIGXFSZ, SIG_IGN);
    char why[4096] = "";
    int ex = parse_options(&r, argc, argv, why, sizeof why);
    if (r.prune)
        r.prune_state = "not run";
    if (ex == EXIT_OK) {
        free(r.deletes);
        return EXIT_OK;
    }
    if (ex == -1)
        ex = prepare(&r, argc, why, sizeof why);
    if (ex == EXIT_USAGE) {
        fprintf(stderr, "%s: %s\nTry '%s --help'.\n", prog, why, prog);
        snprintf(r.error, sizeof r.error, "usage: %s", why);
    }
    if (ex == -1)
        ex = run(&r, argc, argv);
    print_summary(&r, ex);
    if (r.log)
        fclose(r.log);
    frs_feed_free(r.feed);
    free(r.deletes);
    return ex;
}
