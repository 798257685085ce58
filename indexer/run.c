/* SPDX-License-Identifier: MIT
 * run.c: one indexer run (run.h): the layout check, the incremental run,
 * rebuilds and first builds, the --prune guard, the switch of a finished
 * database into place.  Compaction is in compact.c.
 */
#include "run.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dbswap.h"
#include "ingest.h"
#include "passage.h"
#include "run_int.h"
#include "xdb.h"

void frs_run_opts_init(frs_run_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->o.passage.min_words = FRS_PASSAGE_MIN_WORDS;
    o->o.passage.max_words = FRS_PASSAGE_MAX_WORDS;
    o->o.batch_articles = 0; /* the default of the kind of run */
    o->o.create = 1;
    o->max_prune.value = FRS_PRUNE_DEFAULT_PERCENT;
    o->max_prune.percent = 1;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = ncpu > 0 ? (unsigned)(ncpu < 64 ? ncpu : 64) : 1;
    o->max_article_bytes = FRS_INGEST_MAX_ARTICLE_BYTES;
    o->auto_compact = FRS_RUN_AUTO_COMPACT;
}

/* ---------- messages ---------- */

static void vsay(frs_run_t *r, frs_say_level_t level, const char *fmt,
                 va_list ap)
{
    char msg[1024];
    int n = 0;
    if (r->soft && level == FRS_SAY_ERROR) { /* --auto-compact's failure */
        n = snprintf(msg, sizeof msg, "warning: auto-compaction: ");
        level = FRS_SAY_NOTE;
    }
    vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    if (level == FRS_SAY_ERROR && !r->error[0])
        snprintf(r->error, sizeof r->error, "%s", msg);
    if (r->o.say)
        r->o.say(r->o.ctx, level, msg);
}

void frs_run_say(frs_run_t *r, frs_say_level_t level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(r, level, fmt, ap);
    va_end(ap);
}

frs_status_t frs_run_fail(frs_run_t *r, frs_status_t rc, const char *msg)
{
    frs_run_say(r, FRS_SAY_ERROR, "%s", msg ? msg : frs_strerror(rc));
    return rc;
}

frs_status_t frs_run_open_failed(frs_run_t *r, frs_status_t rc,
                                 const char *why)
{
    if (rc != FRS_ELOCKED)
        return frs_run_fail(r, rc, why);
    snprintf(r->error, sizeof r->error, "%s is being written by another "
             "indexer (waited %us); try again later or use --wait",
             r->o.db, r->o.wait_s);
    frs_run_say(r, FRS_SAY_NOTE, "%s", r->error);
    return rc;
}

/* ---------- the feed's sink ---------- */

/* Every report of the inputs (through the feed, which counts them). */
static void on_report(void *ctx, frs_report_kind_t kind, const char *source,
                      unsigned long line, const char *id, const char *reason)
{
    frs_run_t *r = ctx;
    if (kind == FRS_REPORT_REJECT && id && r->ix)
        frs_indexer_mark_seen(r->ix, id); /* keep it under --prune */
    char where[32] = "";
    if (line)
        snprintf(where, sizeof where, ":%lu", line);
    const char *what = kind == FRS_REPORT_REJECT    ? "rejected: "
                       : kind == FRS_REPORT_WARNING ? "warning: "
                       : kind == FRS_REPORT_SKIP    ? "skipped: "
                                                    : "";
    /* an input that cannot be read fails the run; a skipped file is a
     * detail */
    frs_say_level_t level = kind == FRS_REPORT_ERROR ? FRS_SAY_ERROR
                            : kind == FRS_REPORT_SKIP ? FRS_SAY_VERBOSE
                                                      : FRS_SAY_NOTE;
    frs_run_say(r, level, "%s%s%s: %s%s%s%s", what, source, where,
                id ? "article '" : "", id ? id : "", id ? "': " : "",
                reason);
}

static frs_status_t on_article(void *ctx, const frs_article_t *a)
{
    frs_run_t *r = ctx;
    r->fed++;
    frs_status_t rc = r->pb ? frs_pbuild_add(r->pb, a)
                            : frs_indexer_add(r->ix, a);
    if (rc != FRS_OK) /* the detail, from the handle that failed */
        snprintf(r->why, sizeof r->why, "%s",
                 r->pb ? frs_pbuild_errmsg(r->pb) : frs_indexer_errmsg(r->ix));
    if (r->o.progress)
        r->o.progress(r->o.ctx, r->fed, r->bytes, 0);
    return rc;
}

static void on_progress(void *ctx, size_t bytes)
{
    frs_run_t *r = ctx;
    r->bytes += bytes;
}

/* ---------- the handle ---------- */

frs_status_t frs_run_new(const frs_run_opts_t *o, frs_run_t **out)
{
    *out = NULL;
    frs_run_t *r = calloc(1, sizeof *r);
    if (!r)
        return FRS_ENOMEM;
    r->o = *o;
    frs_ingest_t sink = {
        .article = on_article,
        .report = on_report,
        .progress = on_progress,
        .ctx = r,
        .max_article_bytes = o->max_article_bytes,
    };
    if (frs_feed_new(&sink, &r->feed) != FRS_OK) {
        free(r);
        return FRS_ENOMEM;
    }
    r->sum.prune = o->prune ? "not run" : NULL;
    r->sum.mode = o->compact ? "compact" : o->rebuild ? "rebuild" : "index";
    *out = r;
    return FRS_OK;
}

void frs_run_free(frs_run_t *r)
{
    if (!r)
        return;
    frs_feed_free(r->feed);
    frs_indexer_free(r->ix);
    frs_pbuild_free(r->pb);
    frs_layout_info_clear(&r->live);
    free(r);
}

const char *frs_run_error(const frs_run_t *r)
{
    return r->error;
}

frs_summary_t *frs_run_summary(frs_run_t *r)
{
    r->sum.feed = *frs_feed_stats(r->feed);
    return &r->sum;
}

/* A usage problem found on disk (printf-style): the run's error, for the
 * caller to say; FRS_EINVAL. */
static frs_status_t misfit(frs_run_t *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static frs_status_t misfit(frs_run_t *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->error, sizeof r->error, fmt, ap);
    va_end(ap);
    return FRS_EINVAL;
}

frs_status_t frs_run_prepare(frs_run_t *r)
{
    char *err = NULL;
    frs_status_t rc = frs_layout_probe(r->o.db, &r->live, &err);
    if (rc != FRS_OK) {
        frs_run_fail(r, rc, err);
        free(err);
        /* a scheme file naming nothing is damage, not a usage error */
        return rc == FRS_EINVAL ? FRS_ECORRUPT : rc;
    }
    if (r->live.index) /* DBDIR one shard of a sharded index */
        return misfit(r, "%s is shard '%s' of a sharded index: give the "
                      "index directory, %s, to -d", r->o.db, r->live.key,
                      r->live.index);
    const frs_shard_scheme_t *want = r->o.shard_by;
    if (!want || r->o.rebuild)
        return FRS_OK; /* --rebuild may change the scheme */
    char w[32];
    frs_shards_format(want, w, sizeof w);
    if (r->live.kind == FRS_LAYOUT_SHARDED) {
        if (frs_shards_same(&r->live.scheme, want))
            return FRS_OK;
        char have[32];
        frs_shards_format(&r->live.scheme, have, sizeof have);
        return misfit(r, "%s is sharded by %s, not %s; to change the "
                      "scheme, --rebuild it with --shard-by %s", r->o.db,
                      have, w, w);
    }
    rc = frs_shards_create(r->o.db, want, &err);
    if (rc == FRS_EINVAL) {
        misfit(r, "%s", err ? err : frs_strerror(rc));
    } else if (rc != FRS_OK) {
        frs_run_fail(r, rc, err);
    } else {
        r->live.kind = FRS_LAYOUT_SHARDED;
        r->live.scheme = *want;
    }
    free(err);
    return rc;
}

/* ---------- switching a finished database in ---------- */

void frs_run_discard(const char *path)
{
    char *ignored = NULL;
    frs_dbswap_remove(path, &ignored);
    free(ignored);
}

frs_status_t frs_run_switch_in(frs_run_t *r, const char *live,
                               const char *fresh, frs_layout_lock_t *l)
{
    char *err = NULL;
    frs_status_t rc = frs_layout_sync(fresh, &err);
    /* the old database goes to fresh marked as ours, so that a run killed
     * before removing it leaves it to the next one (best effort: unmarked,
     * the next run refuses to touch it, which is safe) */
    if (rc == FRS_OK && frs_dbswap_exists(live)) {
        char *ignored = NULL;
        frs_dbswap_mark(live, &ignored);
        free(ignored);
    }
    if (rc == FRS_OK && (rc = frs_dbswap_exchange(live, fresh, &err)) !=
                            FRS_OK)
        frs_dbswap_unmark(live);
    if (rc != FRS_OK) {
        frs_run_say(r, FRS_SAY_ERROR, "cannot switch %s into place: %s",
                    fresh, err ? err : frs_strerror(rc));
        free(err);
        frs_layout_unlock(l);
        return rc;
    }
    frs_layout_unlock(l); /* the old database, now at fresh */
    if (frs_dbswap_remove(fresh, &err) != FRS_OK)
        frs_run_say(r, FRS_SAY_NOTE, "warning: the old database was left "
                    "at %s: %s", fresh, err ? err : frs_strerror(FRS_EIO));
    free(err);
    frs_dbswap_unmark(live);
    return FRS_OK;
}

/* ---------- reading the inputs ---------- */

/* Read every input, handing articles to the indexer or the parallel
 * builder; then apply --strict. */
static frs_status_t feed_inputs(frs_run_t *r)
{
    frs_status_t rc = FRS_OK;
    for (size_t i = 0; i < r->o.ninputs && rc == FRS_OK; i++) {
        r->why[0] = '\0';
        rc = frs_feed_read(r->feed, r->o.inputs[i]);
        if (rc != FRS_OK) /* a shard may be locked or too old */
            frs_run_say(r, FRS_SAY_ERROR, "cannot index %s: %s",
                        r->o.inputs[i], r->why[0] ? r->why
                                                  : frs_strerror(rc));
    }
    if (r->o.progress)
        r->o.progress(r->o.ctx, r->fed, r->bytes, 1);
    const frs_feed_stats_t *st = frs_feed_stats(r->feed);
    unsigned long bad = st->rejected + st->failed_inputs;
    if (rc == FRS_OK && r->o.strict && bad > 0) {
        frs_run_say(r, FRS_SAY_ERROR, "%lu input%s rejected or unreadable; "
                    "--strict: nothing committed", bad, bad > 1 ? "s" : "");
        rc = FRS_EINVAL;
    }
    return rc;
}

/* The status of a run that went through: an input that could not be read
 * fails it (already said, one error each). */
static frs_status_t inputs_outcome(frs_run_t *r)
{
    return frs_feed_stats(r->feed)->failed_inputs > 0 ? FRS_EIO : FRS_OK;
}

/* ---------- the incremental run ---------- */

/* Delete the ids listed in --delete-from, one a line. */
static frs_status_t delete_ids_from(frs_run_t *r)
{
    int std = strcmp(r->o.delete_from, "-") == 0;
    FILE *f = std ? r->o.in : fopen(r->o.delete_from, "r");
    if (!f) {
        frs_run_say(r, FRS_SAY_ERROR, "cannot open %s: %s", r->o.delete_from,
                    std ? "no standard input" : strerror(errno));
        return FRS_EIO;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    frs_status_t rc = FRS_OK;
    while (rc == FRS_OK && (n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n > 0 && (rc = frs_indexer_delete(r->ix, line, NULL)) != FRS_OK)
            frs_run_fail(r, rc, frs_indexer_errmsg(r->ix));
    }
    free(line);
    if (!std)
        fclose(f);
    return rc;
}

/* --prune behind its guard (prune.h): count what would go, decide, then
 * delete or not.  A refusal sets *refused: the run fails, but what it
 * indexed is still committed. */
static frs_status_t prune_guarded(frs_run_t *r, int *refused)
{
    *refused = 0;
    unsigned long long gone = 0, total = 0;
    frs_status_t rc = frs_indexer_prune_count(r->ix, &gone, &total);
    if (rc != FRS_OK)
        return frs_run_fail(r, rc, frs_indexer_errmsg(r->ix));
    char why[1024];
    switch (frs_prune_decide(&r->o.max_prune, frs_feed_stats(r->feed), gone,
                             total, why, sizeof why)) {
    case FRS_PRUNE_SKIP:
        frs_run_say(r, FRS_SAY_NOTE, "warning: %s", why);
        r->sum.prune = "skipped";
        return FRS_OK;
    case FRS_PRUNE_REFUSE:
        frs_run_say(r, FRS_SAY_ERROR, "%s", why);
        r->sum.prune = "refused";
        *refused = 1;
        return FRS_OK;
    case FRS_PRUNE_GO:
        break;
    }
    if ((rc = frs_indexer_prune(r->ix)) != FRS_OK)
        return frs_run_fail(r, rc, frs_indexer_errmsg(r->ix));
    r->sum.prune = "done";
    return FRS_OK;
}

/* Deletes, inputs, prune and the final commit, into r->ix. */
static frs_status_t index_inputs(frs_run_t *r)
{
    frs_status_t rc = FRS_OK;
    int refused = 0;
    for (size_t i = 0; i < r->o.ndeletes && rc == FRS_OK; i++) {
        int found;
        rc = frs_indexer_delete(r->ix, r->o.deletes[i], &found);
        if (rc != FRS_OK)
            frs_run_fail(r, rc, frs_indexer_errmsg(r->ix));
        else if (!found)
            frs_run_say(r, FRS_SAY_VERBOSE, "no article '%s' to delete",
                        r->o.deletes[i]);
    }
    if (rc == FRS_OK && r->o.delete_from)
        rc = delete_ids_from(r);
    if (rc == FRS_OK)
        rc = feed_inputs(r);
    if (rc == FRS_OK && r->o.prune)
        rc = prune_guarded(r, &refused);
    if (rc == FRS_OK && (rc = frs_indexer_commit(r->ix)) != FRS_OK)
        frs_run_fail(r, rc, frs_indexer_errmsg(r->ix));
    if (rc == FRS_OK)
        rc = refused ? FRS_EINVAL : inputs_outcome(r);
    return rc;
}

/* The incremental run: open (waiting for the lock), index, commit. */
static frs_status_t run_incremental(frs_run_t *r)
{
    char *err = NULL;
    frs_status_t rc;
    time_t deadline = time(NULL) + (time_t)r->o.wait_s;
    while ((rc = frs_indexer_open(r->o.db, &r->o.o, &r->ix, &err)) ==
               FRS_ELOCKED &&
           time(NULL) < deadline) {
        free(err);
        err = NULL;
        usleep(200 * 1000);
    }
    if (rc != FRS_OK) {
        frs_run_open_failed(r, rc, err);
        free(err);
        return rc;
    }
    frs_indexer_set_wait(r->ix, r->o.wait_s);
    rc = index_inputs(r);
    r->sum.counts = *frs_indexer_counts(r->ix);
    frs_indexer_shards(r->ix, &r->sum.shards, &r->sum.shards_written);
    frs_indexer_free(r->ix); /* discards anything not committed */
    r->ix = NULL;
    const frs_indexer_counts_t *k = &r->sum.counts;
    if (rc == FRS_OK && r->live.kind == FRS_LAYOUT_DATABASE &&
        k->added + k->updated + k->deleted > 0)
        rc = frs_run_auto_compact(r);
    return rc;
}

/* ---------- rebuilds ---------- */

/* A --rebuild is switched in only if its inputs were all read and gave at
 * least one article: an empty or vanished feed must not replace the index
 * by an empty one. */
static frs_status_t rebuild_inputs_ok(frs_run_t *r)
{
    const frs_feed_stats_t *st = frs_feed_stats(r->feed);
    if (st->failed_inputs > 0) {
        frs_run_say(r, FRS_SAY_ERROR, "%s could not be read: --rebuild "
                    "abandoned; %s is unchanged", st->failed_source, r->o.db);
        return FRS_EIO;
    }
    if (st->articles == 0) {
        frs_run_say(r, FRS_SAY_ERROR, "the inputs yielded no article: "
                    "--rebuild abandoned (it would empty the index); %s is "
                    "unchanged", r->o.db);
        return FRS_EINVAL;
    }
    return FRS_OK;
}

/* Into the sharded index at fresh (scheme s): one indexer routing every
 * article to its shard. */
static frs_status_t build_sharded(frs_run_t *r, const frs_shard_scheme_t *s,
                                  const char *fresh)
{
    char *err = NULL;
    frs_indexer_opts_t o = r->o.o;
    o.no_sync = 1; /* synced once, before the switch */
    o.create = 1;
    o.bulk = 1;
    frs_status_t rc = frs_shards_create(fresh, s, &err);
    if (rc == FRS_OK)
        rc = frs_indexer_open(fresh, &o, &r->ix, &err);
    if (rc != FRS_OK) {
        frs_run_say(r, FRS_SAY_ERROR, "cannot start the build: %s",
                    err ? err : frs_strerror(rc));
        free(err);
        return rc;
    }
    rc = feed_inputs(r);
    if (rc == FRS_OK)
        rc = rebuild_inputs_ok(r);
    if (rc == FRS_OK && (rc = frs_indexer_commit(r->ix)) != FRS_OK)
        frs_run_fail(r, rc, frs_indexer_errmsg(r->ix));
    r->sum.counts = *frs_indexer_counts(r->ix);
    frs_indexer_shards(r->ix, &r->sum.shards, &r->sum.shards_written);
    frs_indexer_free(r->ix);
    r->ix = NULL;
    return rc;
}

/* Into the database at fresh, on every core, merged at the end. */
static frs_status_t build_parallel(frs_run_t *r, const char *fresh)
{
    char *err = NULL;
    frs_status_t rc = frs_pbuild_new(fresh, r->o.jobs, &r->o.o, &r->pb, &err);
    if (rc != FRS_OK) {
        frs_run_say(r, FRS_SAY_ERROR, "cannot start the build: %s",
                    err ? err : frs_strerror(rc));
        free(err);
        return rc;
    }
    rc = feed_inputs(r);
    if (rc == FRS_OK)
        rc = rebuild_inputs_ok(r);
    if (rc == FRS_OK &&
        (rc = frs_pbuild_finish(r->pb, &r->sum.counts, &err)) != FRS_OK)
        frs_run_fail(r, rc, err);
    if (rc == FRS_OK && (rc = frs_run_record_size(fresh, &err)) != FRS_OK)
        frs_run_fail(r, rc, err);
    frs_pbuild_free(r->pb);
    r->pb = NULL;
    free(err);
    return rc;
}

/* --rebuild: hold the live lock, build DBDIR.rebuild (on every core, merged,
 * or sharded), sync, switch atomically.  DBDIR.rebuild is our work
 * directory: one a killed run left is removed, anything else refused. */
static frs_status_t run_rebuild(frs_run_t *r)
{
    frs_layout_lock_t *l = NULL;
    char *err = NULL;
    frs_status_t rc = frs_layout_lock(r->o.db, r->o.wait_s, &l, &err);
    if (rc != FRS_OK) {
        frs_run_open_failed(r, rc, err);
        free(err);
        return rc;
    }
    char *fresh = frs_dbswap_sibling(r->o.db, "rebuild");
    rc = fresh ? frs_dbswap_claim(fresh, &err) : FRS_ENOMEM;
    if (rc != FRS_OK) {
        frs_run_fail(r, rc, err);
        free(err);
        free(fresh);
        frs_layout_unlock(l);
        return rc;
    }
    /* the new index is sharded as asked, or as the live one is */
    const frs_shard_scheme_t *s =
        r->o.shard_by                          ? r->o.shard_by
        : r->live.kind == FRS_LAYOUT_SHARDED ? &r->live.scheme
                                               : NULL;
    rc = s ? build_sharded(r, s, fresh) : build_parallel(r, fresh);
    if (rc != FRS_OK) { /* given up: the live index is unchanged */
        frs_layout_unlock(l);
        frs_run_discard(fresh);
    } else if ((rc = frs_run_switch_in(r, r->o.db, fresh, l)) == FRS_OK) {
        rc = inputs_outcome(r);
    }
    free(fresh);
    return rc;
}

/* ---------- the run ---------- */

/* Is this the first build of an unsharded database (none there yet, or
 * one without a document)?  Then it takes the bulk path of --rebuild by
 * itself: built aside on every core and switched in. */
static int is_first_build(const frs_run_t *r)
{
    if (r->o.rebuild || r->o.ndeletes || r->o.delete_from ||
        r->live.kind == FRS_LAYOUT_SHARDED)
        return 0;
    frs_xr_t *xr = NULL;
    char *err = NULL;
    frs_status_t rc = frs_xr_open(r->o.db, &xr, &err);
    free(err);
    if (rc == FRS_ENOTFOUND)
        return 1;
    frs_xr_stats_t st;
    int empty = rc == FRS_OK && frs_xr_stats(xr, &st) == FRS_OK &&
                st.doccount == 0;
    frs_xr_free(xr);
    return empty;
}

frs_status_t frs_run_exec(frs_run_t *r)
{
    if (r->o.compact)
        return frs_run_compact(r);
    if (is_first_build(r)) {
        r->first_build = r->o.rebuild = 1;
        r->o.prune = 0; /* nothing indexed, nothing to prune */
        r->sum.mode = "first build";
    }
    if (r->o.strict)
        r->o.o.batch_articles = (unsigned)-1; /* one transaction */
    else if (r->o.o.batch_articles == 0)
        r->o.o.batch_articles =
            r->o.rebuild ? FRS_INDEXER_BULK_BATCH : FRS_INDEXER_BATCH;
    return r->o.rebuild ? run_rebuild(r) : run_incremental(r);
}
