/* SPDX-License-Identifier: MIT
 * run.h: one indexer run, what `indexer` does once its options are parsed.
 * Whatever the index's layout (layout.h), a run is one of:
 *   - incremental: open the index (waiting for its lock), apply --delete
 *     and --delete-from, read the inputs through the feed (feed.h) into the
 *     indexer, apply --prune behind its guard (prune.h), commit;
 *   - a rebuild (--rebuild, or by itself the first build of an unsharded
 *     index that is missing or empty): hold the live index's lock, build
 *     DBDIR.rebuild (on every core and merged, parallel.h; or sharded),
 *     sync it, switch it in atomically (dbswap.h), remove the old one;
 *   - a compaction (--compact, compact.c): the database, or every shard of
 *     a sharded index but the newest, each switched in the same way.
 * Work directories are claimed and marked (dbswap.h): one a killed run
 * left is removed, one of someone else is refused.
 *
 * Errors follow frs.h: every message of the run, problems of the inputs
 * included, goes to the say callback; the run's status says how it ended,
 * and frs_run_error() keeps the first error said, for the summary.
 *
 * Ownership: the options (and every string and array they point to) are
 * borrowed for the run's lifetime.
 */
#ifndef FRS_RUN_H
#define FRS_RUN_H

#include <stdio.h>

#include "frs.h"
#include "indexer.h"
#include "layout.h"
#include "prune.h"
#include "summary.h"

typedef enum {
    FRS_SAY_ERROR,   /* an error: the run fails (kept by frs_run_error) */
    FRS_SAY_NOTE,    /* a warning, a rejected input: always said */
    FRS_SAY_VERBOSE  /* a detail (a skipped file...): said with -v */
} frs_say_level_t;

typedef struct {
    const char *db;                  /* -d: the index */
    const char *const *inputs;       /* INPUT..., in order */
    size_t ninputs;
    const char *const *deletes;      /* --delete IDs */
    size_t ndeletes;
    const char *delete_from;         /* --delete-from FILE ("-": in), or
                                        NULL */
    FILE *in;                        /* standard input */
    int rebuild, compact, prune, strict;
    const frs_shard_scheme_t *shard_by; /* --shard-by, or NULL */
    frs_prune_limit_t max_prune;     /* --max-prune */
    unsigned wait_s;                 /* --wait */
    unsigned jobs;                   /* --jobs (>= 1) */
    frs_indexer_opts_t o;            /* passages; batch_articles 0: the
                                        default of the kind of run */
    size_t max_article_bytes;        /* --max-article-bytes */
    double auto_compact;             /* --auto-compact RATIO: after an
                                        incremental run that changed an
                                        unsharded database, compact it when
                                        bigger than RATIO x its size at the
                                        last compaction (scaled by its
                                        article count); 0: never */
    /* every message of the run, one line without its newline */
    void (*say)(void *ctx, frs_say_level_t level, const char *msg);
    /* optional: after each article read (articles, input bytes read), and
     * once with done set when the inputs are all read */
    void (*progress)(void *ctx, unsigned long articles,
                     unsigned long long bytes, int done);
    void *ctx;
} frs_run_opts_t;

/* Every field at its default (what `indexer -d DB` without options does);
 * db, inputs and the callbacks are left for the caller. */
void frs_run_opts_init(frs_run_opts_t *o);

/* The default --auto-compact ratio. */
#define FRS_RUN_AUTO_COMPACT 1.5

typedef struct frs_run frs_run_t;

/* A run with options o.  FRS_OK or FRS_ENOMEM. */
frs_status_t frs_run_new(const frs_run_opts_t *o, frs_run_t **out);

/* Read the index's layout and check the options against it: the part of
 * the usage rules that needs the disk (DBDIR one shard of a sharded index,
 * --shard-by against the index's scheme); an incremental run with
 * --shard-by makes DBDIR a sharded index here.  FRS_OK; FRS_EINVAL when the
 * options do not fit the index (a usage error, frs_run_error says which);
 * another status when the layout cannot be read (said). */
frs_status_t frs_run_prepare(frs_run_t *run);

/* Do the run (after frs_run_prepare).  FRS_OK when everything went
 * through (some articles may have been rejected: the summary's feed counts
 * say it); else the first failure, already said: FRS_ELOCKED (another
 * indexer held the index past --wait), FRS_EVERSION (another schema or
 * analyzer version), FRS_EIO (an input could not be read: the rest was
 * indexed and committed; or a file-system error), FRS_EINVAL (--prune
 * refused by its guard, --strict with rejected inputs, a --rebuild whose
 * inputs yield nothing, a work directory that is not ours), or another
 * status.  What was committed is whole either way. */
frs_status_t frs_run_exec(frs_run_t *run);

/* The first error said (or the lock that stopped the run), "" if none. */
const char *frs_run_error(const frs_run_t *run);

/* What the summary needs, filled by the run: mode, counts, prune, feed,
 * shards, compaction.  The caller adds database, exit code, error, time
 * and size.  Valid until frs_run_free. */
frs_summary_t *frs_run_summary(frs_run_t *run);

/* NULL is a no-op. */
void frs_run_free(frs_run_t *run);

#endif
