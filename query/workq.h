/* SPDX-License-Identifier: MIT
 * workq.h: a fixed set of worker threads taking jobs from one queue, first
 * come first served.  Each thread has a context of its own (the server
 * gives each a searcher: a Xapian reader is not thread-safe), handed to
 * every job it runs.  The HTTP thread queues a search and goes back to its
 * connections, so a slow search (or a hung shard) never stalls the others
 * and a slow client never holds a worker.
 *
 * Ownership: the queue does not own the contexts nor the jobs' arguments;
 * it owns its threads and its queued entries.
 */
#ifndef FRS_WORKQ_H
#define FRS_WORKQ_H

#include "frs.h"

typedef struct frs_workq frs_workq_t;

/* A job: runs on a worker thread, with that thread's context. */
typedef void (*frs_work_fn)(void *arg, void *context);

/* Start n threads (n > 0), thread i with contexts[i].  FRS_OK,
 * FRS_EINVAL, FRS_ENOMEM, or FRS_EIO when a thread cannot start. */
frs_status_t frs_workq_new(void *const *contexts, unsigned n,
                           frs_workq_t **out);
/* Queue fn(arg, context).  FRS_OK, FRS_ENOMEM, or FRS_EINVAL once the
 * queue is stopping. */
frs_status_t frs_workq_submit(frs_workq_t *q, frs_work_fn fn, void *arg);
/* Jobs queued or running. */
unsigned frs_workq_pending(frs_workq_t *q);
/* Refuse new jobs, run every job queued, and join the threads (again: a
 * no-op). */
void frs_workq_stop(frs_workq_t *q);
/* Stop, then free.  NULL ok. */
void frs_workq_free(frs_workq_t *q);

#endif
