/* SPDX-License-Identifier: MIT
 * indexer.h: turning articles into documents of a Xapian database (one an
 * article, its passages inside: docbuild.h), incrementally: an article
 * whose content hash is unchanged is skipped, a changed one replaced.  Changes are grouped in
 * transactions of whole articles, so readers never see part of an article.
 *
 * The database is either one Xapian database or a sharded index (layout.h,
 * docs/scaling.md): then each article is routed to the shard of its period
 * or id hash, a shard is opened for writing only when something changes in
 * it, and every open shard is committed at each batch boundary.  A commit
 * is not atomic across shards, but each shard only ever holds whole
 * articles, and an article never appears in two shards.
 *
 * Ownership: the indexer owns its database handles and analyzer.
 * frs_indexer_free() discards changes not yet committed.
 */
#ifndef FRS_INDEXER_H
#define FRS_INDEXER_H

#include "frs.h"
#include "ingest.h"
#include "passage.h"

typedef struct {
    frs_passage_opts_t passage;
    unsigned batch_articles; /* commit after this many changed articles */
    int no_sync;             /* no fsync until the final commit */
    int wait_lock;           /* wait for another writer instead of failing */
    int create;              /* create the database if missing */
    int bulk;                /* a fresh database built aside (--rebuild):
                                spelling data is gathered over the run and
                                written by frs_indexer_commit() only (or
                                when FRS_INDEXER_SPELL_MAX words wait) */
} frs_indexer_opts_t;

/* Commit batches, chosen by measurement (docs/nightly.md,
 * docs/performance.md): a live database is fsynced at every commit; a bulk
 * build is not, and smaller batches keep Xapian's buffers small. */
#define FRS_INDEXER_BATCH 500
#define FRS_INDEXER_BULK_BATCH 100
#define FRS_INDEXER_SPELL_MAX (1u << 19) /* bounds a bulk build's memory */

typedef struct {
    unsigned long added, updated, unchanged, deleted, passages;
    unsigned long long bytes; /* body bytes analysed */
} frs_indexer_counts_t;

typedef struct frs_indexer frs_indexer_t;

/* Open (or create) the database at path for writing.  Refuses a database
 * written with another schema or analyzer version (FRS_EVERSION).  When
 * path is a sharded index (it holds frs-shards: see frs_shards_create), its
 * writer lock is taken (FRS_ELOCKED if another indexer holds it) and shards
 * are opened as articles reach them.  On failure *out = NULL and *errmsg
 * (caller frees) says why. */
frs_status_t frs_indexer_open(const char *path, const frs_indexer_opts_t *o,
                              frs_indexer_t **out, char **errmsg);

/* Index one article (added, updated or unchanged). */
frs_status_t frs_indexer_add(frs_indexer_t *ix, const frs_article_t *a);

/* Delete an article by id; *found (may be NULL) says whether it existed. */
frs_status_t frs_indexer_delete(frs_indexer_t *ix, const char *id, int *found);

/* Record that the article id is present in the inputs even though it was
 * not indexed (e.g. rejected), so --prune keeps it. */
frs_status_t frs_indexer_mark_seen(frs_indexer_t *ix, const char *id);

/* Count, deleting nothing, what frs_indexer_prune would delete now: *gone
 * articles of the *total the database holds (this run's additions
 * included).  For the --prune guard (prune.h), which decides first. */
frs_status_t frs_indexer_prune_count(frs_indexer_t *ix,
                                     unsigned long long *gone,
                                     unsigned long long *total);

/* Delete every article of the database whose id was neither added nor
 * marked seen during this run. */
frs_status_t frs_indexer_prune(frs_indexer_t *ix);

/* Commit everything pending, with the metadata and the spelling data.
 * (The indexer also commits by itself every batch_articles articles.) */
frs_status_t frs_indexer_commit(frs_indexer_t *ix);

/* Sharded index: wait up to seconds for a shard's lock when opening it
 * for writing (default 0: FRS_ELOCKED at once). */
void frs_indexer_set_wait(frs_indexer_t *ix, unsigned seconds);

/* Sharded index: *total gets the number of shards (0 when the database is
 * not sharded), *written the number of shards committed by this indexer. */
void frs_indexer_shards(const frs_indexer_t *ix, unsigned *total,
                        unsigned *written);

/* Message for the last failure, never NULL. */
const char *frs_indexer_errmsg(const frs_indexer_t *ix);

const frs_indexer_counts_t *frs_indexer_counts(const frs_indexer_t *ix);

/* Close; uncommitted changes are discarded.  NULL is a no-op. */
void frs_indexer_free(frs_indexer_t *ix);

/* The settings string recorded in the metadata (static storage per call
 * site is not used: writes into buf of size n). */
void frs_indexer_settings(const frs_passage_opts_t *p, char *buf, size_t n);

#endif
