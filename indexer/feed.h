/* SPDX-License-Identifier: MIT
 * feed.h: the inputs of one indexing run, read in order through ingest.h.
 * The feed stands between the readers and what indexes the articles (the
 * sink): it hands on the first copy of each article id and reports every
 * later copy as a duplicate, a warning naming both places; and it counts
 * what the run needs for its exit code, its summary and --prune: articles,
 * rejects (and those that lost their id), inputs that could not be read,
 * directory entries skipped.
 *
 * Why the first copy wins: the indexer streams its inputs.  When it meets
 * the first copy of an id it cannot know that another follows without
 * having read everything first (impossible for standard input, a second
 * pass over every file otherwise).  With "the last copy wins", each run
 * would index the first copy (it differs from the stored last one), then
 * the last one again: two rewrites and a commit every night, where a re-run
 * over the same inputs must commit nothing.  Dropping the later copies
 * before they reach the indexer makes a re-run see only unchanged articles.
 * Ids are compared as strings: the integer 12345 is the id "12345"
 * (ingest.h), so the two in one run are a duplicate, reported.
 *
 * Ownership: the feed borrows the sink (callbacks and ctx) for its
 * lifetime, and copies the ids and source names it keeps.
 */
#ifndef FRS_FEED_H
#define FRS_FEED_H

#include "frs.h"
#include "ingest.h"

typedef struct frs_feed frs_feed_t;

typedef struct {
    unsigned long articles;      /* handed to the sink */
    unsigned long duplicates;    /* later copies of an id, not handed on */
    unsigned long rejected;      /* rejected lines and files */
    unsigned long rejected_ids;  /* of which the article id was known */
    unsigned long warnings;      /* warnings, duplicates included */
    unsigned long failed_inputs; /* errors: inputs not read, or not whole */
    unsigned long skipped;       /* directory entries not read */
    unsigned long unparsed;      /* rejects whose article id is unknown */
    const char *unparsed_source; /* the first of those: its source */
    unsigned long unparsed_line; /*   and line (0: the whole file) */
    const char *failed_source;   /* the first input that failed */
} frs_feed_stats_t;              /* strings: NULL when none */

/* A feed delivering to sink (its article, report, progress callbacks, ctx
 * and max_article_bytes).  The sink's report callback gets every report,
 * the feed's own duplicate warnings included.  FRS_OK or FRS_ENOMEM. */
frs_status_t frs_feed_new(const frs_ingest_t *sink, frs_feed_t **out);

/* Read one INPUT (a file, a directory, or "-"), as frs_ingest_path does.
 * Returns FRS_OK, FRS_ENOMEM, or the sink's failure that stopped it. */
frs_status_t frs_feed_read(frs_feed_t *f, const char *input);

/* The counts so far; valid until the next call on f. */
const frs_feed_stats_t *frs_feed_stats(const frs_feed_t *f);

/* NULL is a no-op. */
void frs_feed_free(frs_feed_t *f);

#endif
