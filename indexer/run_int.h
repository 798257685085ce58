/* SPDX-License-Identifier: MIT
 * run_int.h: what the files of the run module (run.c, compact.c) share:
 * the run itself, its messages and the switch of a finished database into
 * place.  Not for other modules.
 */
#ifndef FRS_RUN_INT_H
#define FRS_RUN_INT_H

#include "feed.h"
#include "layout.h"
#include "parallel.h"
#include "run.h"

struct frs_run {
    frs_run_opts_t o;        /* the caller's options (borrowed strings) */
    frs_layout_info_t live;  /* what DBDIR is (frs_run_prepare) */
    int first_build;         /* no database yet: built as --rebuild */
    int soft;                /* errors said are warnings (auto-compaction) */
    frs_feed_t *feed;        /* the inputs read (counts, duplicates) */
    frs_indexer_t *ix;       /* incremental, or a sharded rebuild */
    frs_pbuild_t *pb;        /* an unsharded rebuild */
    frs_summary_t sum;       /* counts gathered for the summary */
    unsigned long fed;       /* articles read so far */
    unsigned long long bytes;/* input bytes read so far */
    char newest[64];         /* compact: the shard left, for the summary */
    char error[4200];        /* the first error, for the summary */
    char why[1024];          /* why the indexer or the builder refused an
                                article (it stopped the feed) */
};

/* Say msg at level (printf-style); an error is kept as the run's first. */
void frs_run_say(frs_run_t *r, frs_say_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Say the error of status rc, with msg (may be NULL: frs_strerror), and
 * return rc. */
frs_status_t frs_run_fail(frs_run_t *r, frs_status_t rc, const char *msg);

/* The index could not be opened or locked (rc, why): another indexer
 * holding it past --wait is said as such, anything else as an error.
 * Returns rc. */
frs_status_t frs_run_open_failed(frs_run_t *r, frs_status_t rc,
                                 const char *why);

/* Put the finished database (or sharded index) at fresh in the place of
 * the live one at live, whose lock l is released on the way (after the
 * exchange, which moves the old database to fresh), then remove the old
 * one.  FRS_OK, or the failure (said; the live index is unchanged). */
frs_status_t frs_run_switch_in(frs_run_t *r, const char *live,
                               const char *fresh, frs_layout_lock_t *l);

/* Remove a work directory given up: what cannot be removed is left to the
 * next run, which knows it by its marker. */
void frs_run_discard(const char *path);

/* --compact (compact.c). */
frs_status_t frs_run_compact(frs_run_t *r);

/* Record in the database at path (a work directory, not yet switched in)
 * its size and its number of articles (FRS_META_COMPACT_BYTES and
 * FRS_META_COMPACT_ARTICLES): the baseline of --auto-compact.  FRS_OK, or
 * the failure (*errmsg, caller frees). */
frs_status_t frs_run_record_size(const char *path, char **errmsg);

/* After an incremental run that changed the unsharded database: compact
 * it as --compact does when it outgrew --auto-compact times its baseline
 * (compact.c).  Fills the summary's auto_compact.  A compaction that fails
 * is a warning and FRS_OK, the committed database being intact; FRS_EIO
 * (said) only if the database cannot be opened afterwards. */
frs_status_t frs_run_auto_compact(frs_run_t *r);

#endif
