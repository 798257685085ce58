/* SPDX-License-Identifier: MIT
 * health.h: the server's watch over the index it serves, shard by shard,
 * and the circuit breaker of its remote shards.
 *
 * A thread probes every shard (each line of the stub file, or the one
 * database) every interval_ms with a reader of its own (frs_xr_probe: a
 * round trip to a remote shard, a few random documents through every table
 * of a local one) and keeps the verdict /health reports: reading it costs a
 * lock, never a read of the index, so /health stays fast whatever the
 * shards do.  The verdict is "degraded" when a shard cannot be searched
 * (its probe failed, or has not answered for stall_ms), when a search
 * failed on it in the last recent_ms (frs_health_report), or when the index
 * holds no document.
 *
 * A remote shard is *down* while its last probe failed with FRS_EREMOTE or
 * has not answered for stall_ms, and for cooldown_ms after a search
 * reported FRS_EREMOTE on it: searches then answer 503 at once
 * (frs_health_down) instead of waiting on it; the probes go on, so it is
 * back as soon as it answers.
 *
 * Ownership: the monitor owns its readers and its copy of the stub; db is
 * copied.  json_t results are new references.
 */
#ifndef FRS_HEALTH_H
#define FRS_HEALTH_H

#include <jansson.h>
#include <stddef.h>

#include "frs.h"

typedef struct frs_health frs_health_t;

typedef struct {
    unsigned interval_ms; /* between two rounds of probes (1000) */
    unsigned stall_ms;    /* a probe this long: not answering (2000) */
    unsigned cooldown_ms; /* down after a search's remote failure (5000) */
    unsigned recent_ms;   /* degraded after a search failed (30000) */
    /* told each change of a shard's state, one line without a newline
     * ("shard 2023 cannot be searched: ..."); NULL: silent */
    void (*log)(void *ctx, const char *line);
    void *log_ctx;
} frs_health_opts_t;

void frs_health_opts_init(frs_health_opts_t *o);

/* Watch the index at db: a first round of probes now, then the thread.
 * FRS_OK, FRS_ENOMEM, or FRS_EIO when the thread cannot start. */
frs_status_t frs_health_new(const char *db, const frs_health_opts_t *o,
                            frs_health_t **out);
/* Stop the thread (waits for a probe in flight) and free.  NULL ok. */
void frs_health_free(frs_health_t *h);

/* A search failed with rc on shard (frs_xr_fault: "" when unknown); msg
 * says why. */
void frs_health_report(frs_health_t *h, const char *shard, frs_status_t rc,
                       const char *msg);

/* Non-zero when a shard is down: its name (as the stub names it) and why,
 * truncated to fit, into name and why. */
int frs_health_down(frs_health_t *h, char *name, size_t name_cap, char *why,
                    size_t why_cap);

/* {"status": "available"} or {"status": "degraded", "problems": [{"shard"
 * (absent for the index as a whole), "problem": "unreachable",
 * "not_answering", "damaged", "search_failed" or "empty", "message"}]};
 * *ok = 1 when available.  Paths in messages are relative to the index's
 * directory.  NULL when out of memory. */
json_t *frs_health_json(frs_health_t *h, int *ok);

/* Run one round of probes now (what the thread does every interval_ms). */
void frs_health_probe_all(frs_health_t *h);

#endif
