/* SPDX-License-Identifier: MIT
 * summary.h: the report every indexer run ends with, whatever its outcome
 * (done, rejects, locked, failed, compaction): one line of text for
 * --summary, one JSON object for --json-summary (monitoring).  The fields
 * are listed in README.md (Running nightly).
 *
 * Ownership: the summary borrows every string it points to.
 */
#ifndef FRS_SUMMARY_H
#define FRS_SUMMARY_H

#include <stdio.h>

#include "feed.h"
#include "frs.h"
#include "indexer.h"

typedef struct {
    const char *database;
    const char *mode;    /* "index", "first build", "rebuild" or
                            "compact" */
    int exit_code;       /* the indexer's exit status (README) */
    const char *error;   /* the first error, with its system reason; or NULL */
    const char *prune;   /* NULL (not asked), "done", "skipped", "refused" */
    frs_indexer_counts_t counts;
    frs_feed_stats_t feed;
    double seconds;
    unsigned long long index_bytes;
    unsigned long long bytes_before; /* compact: the size before */
    unsigned shards, shards_written; /* a sharded index; else 0 */
    unsigned compacted, already_compact; /* compact of a sharded index */
    const char *newest_left;             /*   the shard left as it is */
    /* --auto-compact after an incremental run that changed an unsharded
     * database: NULL (not considered), "off" (ratio 0), "no baseline"
     * (no size recorded: never compacted or built whole by this version),
     * "not needed", "done" or "failed" (a warning said why) */
    const char *auto_compact;
    unsigned long long auto_bytes;       /* the size it found */
    unsigned long long auto_limit;       /* RATIO x the expected size */

} frs_summary_t;

/* The "status" word for an exit code (exitcodes.h): "ok", "rejects",
 * "usage", "schema", "failed", "locked"; "failed" for any other. */
const char *frs_summary_status(int exit_code);

/* Write s as one JSON object and a newline.  FRS_OK, FRS_ENOMEM or FRS_EIO
 * (the stream failed). */
frs_status_t frs_summary_json(const frs_summary_t *s, FILE *out);

/* Write s as one line of text.  FRS_OK or FRS_EIO. */
frs_status_t frs_summary_text(const frs_summary_t *s, FILE *out);

#endif
