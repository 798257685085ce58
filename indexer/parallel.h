/* SPDX-License-Identifier: MIT
 * parallel.h: building a new database on every core.  Articles are handed
 * to N worker threads, each to the least busy worker; each worker has its own analyzer and writes its own part databases
 * (Xapian's write path, not French analysis, is the cost, and separate
 * databases share no lock); at the end the parts are merged by Xapian
 * compaction into one compact database.
 *
 * A worker starts a new part every FRS_PBUILD_PART_ARTICLES articles:
 * Xapian's cost per document grows with the database written into, so
 * small parts keep it flat, and the final merge takes them all at once.
 * Each article id must come once: the feed (feed.h) hands on the first
 * copy of an id and drops the later ones, so that no two parts hold the
 * same article.  (The environment variable FRS_PART_ARTICLES sets another part size, for
 * tests.)
 *
 * Ownership: the builder copies every article it is given.  The parts live
 * in "<dst>.part-K.N" beside dst and are removed by finish and by free.
 * dst may exist as an empty work directory (dbswap.h: frs_dbswap_claim):
 * the merge writes the database into it.
 */
#ifndef FRS_PARALLEL_H
#define FRS_PARALLEL_H

#include "frs.h"
#include "indexer.h"
#include "ingest.h"

typedef struct frs_pbuild frs_pbuild_t;

#define FRS_PBUILD_PART_ARTICLES 10000

/* Start jobs workers building parts of the new database dst (which must
 * not exist, or be an empty work directory).  *errmsg (malloc'd) explains a failure. */
frs_status_t frs_pbuild_new(const char *dst, unsigned jobs,
                            const frs_indexer_opts_t *o, frs_pbuild_t **out,
                            char **errmsg);

/* Queue one article (copied; blocks while the queue is full), whose id
 * was not given before.  Returns the
 * first failure of any worker, so the caller stops feeding. */
frs_status_t frs_pbuild_add(frs_pbuild_t *pb, const frs_article_t *a);

/* The failure of the first worker that failed (what frs_pbuild_add
 * returned stands for), e.g. "cannot store a passage: ... (No space left on
 * device)"; "" while none has.  Valid until the next call on pb. */
const char *frs_pbuild_errmsg(frs_pbuild_t *pb);

/* Wait for the workers, commit the parts, merge them into dst and record
 * the metadata.  *counts gets the totals.  On failure *errmsg says why and
 * dst is not created. */
frs_status_t frs_pbuild_finish(frs_pbuild_t *pb, frs_indexer_counts_t *counts,
                               char **errmsg);

/* Stop the workers if running and remove the parts.  NULL is a no-op. */
void frs_pbuild_free(frs_pbuild_t *pb);

#endif
