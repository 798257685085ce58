/* SPDX-License-Identifier: MIT
 * compact.c: indexer --compact (run.h).  One database is compacted by
 * Xapian into DBDIR.compact, a work directory of ours, and switched in
 * atomically.  A sharded index has every shard but the newest period
 * compacted that way, one at a time, each marked so that it is not
 * compacted again while unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbswap.h"
#include "run_int.h"
#include "schema.h"
#include "xdb.h"

frs_status_t frs_run_record_size(const char *path, char **errmsg)
{
    *errmsg = NULL;
    unsigned long long bytes = frs_dbswap_size(path);
    frs_xdb_t *db = NULL;
    char *arts = NULL, num[32];
    frs_status_t rc = frs_xdb_open(path, FRS_XDB_NO_SYNC, &db, errmsg);
    if (rc != FRS_OK)
        return rc;
    snprintf(num, sizeof num, "%llu", bytes);
    rc = frs_xdb_get_metadata(db, FRS_META_ARTICLES, &arts);
    if (rc == FRS_OK)
        rc = frs_xdb_set_metadata(db, FRS_META_COMPACT_BYTES, num);
    if (rc == FRS_OK)
        rc = frs_xdb_set_metadata(db, FRS_META_COMPACT_ARTICLES,
                                  arts[0] ? arts : "0");
    if (rc == FRS_OK)
        rc = frs_xdb_commit(db);
    if (rc != FRS_OK)
        frs_fail(errmsg, rc, "%s: %s", path, frs_xdb_errmsg(db));
    free(arts);
    frs_xdb_free(db);
    return rc;
}

/* Compact the database at path into dst (claimed as ours).  With mark (a
 * shard), record in the copy that it was compacted when its frs.updated
 * said mark (FRS_META_COMPACTED); without (a database), record its size
 * (frs_run_record_size).  *errmsg says why it failed. */
static frs_status_t compact_into(const char *path, const char *dst,
                                 const char *mark, char **errmsg)
{
    frs_status_t rc = frs_xdb_compact(path, dst, errmsg);
    if (rc != FRS_OK || !mark)
        return rc == FRS_OK ? frs_run_record_size(dst, errmsg) : rc;
    frs_xdb_t *db = NULL;
    rc = frs_xdb_open(dst, FRS_XDB_NO_SYNC, &db, errmsg);
    if (rc == FRS_OK) {
        rc = frs_xdb_set_metadata(db, FRS_META_COMPACTED, mark);
        if (rc == FRS_OK)
            rc = frs_xdb_commit(db);
        if (rc != FRS_OK)
            frs_fail(errmsg, rc, "%s", frs_xdb_errmsg(db));
        frs_xdb_free(db);
    }
    return rc;
}

/* Is the shard at path compacted and unchanged since?  *updated (malloc'd)
 * gets its frs.updated. */
static frs_status_t already_compact(const char *path, int *done,
                                    char **updated, char **errmsg)
{
    *done = 0;
    *updated = NULL;
    frs_xr_t *xr = NULL;
    char *mark = NULL;
    frs_status_t rc = frs_xr_open(path, &xr, errmsg);
    if (rc == FRS_OK)
        rc = frs_xr_get_metadata(xr, FRS_META_UPDATED, updated);
    if (rc == FRS_OK)
        rc = frs_xr_get_metadata(xr, FRS_META_COMPACTED, &mark);
    if (rc != FRS_OK && !*errmsg)
        frs_fail(errmsg, rc, "%s", xr ? frs_xr_errmsg(xr) : frs_strerror(rc));
    if (rc == FRS_OK)
        *done = mark[0] && strcmp(mark, *updated) == 0;
    free(mark);
    frs_xr_free(xr);
    return rc;
}

/* Compact one shard of a sharded index, as compact_database does a
 * database, marking it so that it is not compacted again while unchanged.
 * *skipped is set when it was already. */
static frs_status_t compact_shard(frs_run_t *r, const char *path,
                                  int *skipped)
{
    char *err = NULL, *updated = NULL, *dst = NULL;
    frs_status_t rc = already_compact(path, skipped, &updated, &err);
    if (rc != FRS_OK) {
        frs_run_say(r, FRS_SAY_ERROR, "%s: %s", path,
                    err ? err : frs_strerror(rc));
        free(err);
        return rc;
    }
    if (*skipped) {
        free(updated);
        return FRS_OK;
    }
    frs_layout_lock_t *l = NULL;
    int claimed = 0;
    rc = frs_layout_lock(path, 0, &l, &err);
    if (rc == FRS_OK && !(dst = frs_dbswap_sibling(path, "compact")))
        rc = FRS_ENOMEM;
    if (rc == FRS_OK)
        claimed = (rc = frs_dbswap_claim(dst, &err)) == FRS_OK; /* ours */
    if (rc == FRS_OK)
        rc = compact_into(path, dst, updated, &err);
    if (rc == FRS_OK) {
        rc = frs_run_switch_in(r, path, dst, l);
    } else {
        frs_run_say(r, FRS_SAY_ERROR, "cannot compact %s: %s", path,
                    err ? err : frs_strerror(rc));
        if (claimed)
            frs_run_discard(dst);
        frs_layout_unlock(l);
    }
    free(updated);
    free(err);
    free(dst);
    return rc;
}

/* The newest period's shard, which nightly runs keep writing and
 * --compact leaves alone; NULL by hash (keys sorted ascending). */
static const char *newest_shard(const frs_shard_scheme_t *s, char **keys,
                                size_t n)
{
    const char *newest = NULL;
    if (s->kind != FRS_SHARD_BY_HASH)
        for (size_t i = 0; i < n; i++)
            if (strcmp(keys[i], FRS_SHARD_UNDATED) != 0)
                newest = keys[i];
    return newest;
}

/* Rewrite the stub with the same lines: a new file, so that readers that
 * watch it reopen the shards compacted under them. */
static void touch_stub(frs_run_t *r)
{
    frs_stub_entry_t *st = NULL;
    size_t nst = 0;
    if (frs_stub_read(r->o.db, &st, &nst) != FRS_OK)
        return;
    char **names = calloc(nst + 1, sizeof *names);
    size_t k = 0;
    for (size_t i = 0; names && i < nst; i++)
        if (strcmp(st[i].type, "auto") == 0)
            names[k++] = st[i].where;
    if (!names || frs_shards_write_stub(r->o.db, names, k) != FRS_OK)
        frs_run_say(r, FRS_SAY_NOTE, "warning: cannot rewrite %s/%s",
                    r->o.db, FRS_SHARDS_STUB);
    free(names);
    frs_stub_free(st, nst);
}

/* --compact on a sharded index: every shard but the newest period (with
 * hash sharding, every shard).  Each shard is switched atomically on its
 * own; shards already compacted and unchanged since are skipped. */
static frs_status_t compact_sharded(frs_run_t *r, frs_layout_lock_t *l)
{
    char **keys = NULL;
    size_t n = 0;
    frs_status_t rc = frs_shards_list(r->o.db, &r->live.scheme, &keys, &n);
    if (rc != FRS_OK) {
        frs_run_say(r, FRS_SAY_ERROR, "%s: cannot list its shards", r->o.db);
        frs_layout_unlock(l);
        return rc;
    }
    const char *newest = newest_shard(&r->live.scheme, keys, n);
    r->sum.bytes_before = frs_dbswap_size(r->o.db);
    unsigned compacted = 0, skipped = 0;
    for (size_t i = 0; i < n && rc == FRS_OK; i++) {
        if (newest && strcmp(keys[i], newest) == 0)
            continue;
        char *p = frs_shards_path(r->o.db, keys[i]);
        int sk = 0;
        rc = p ? compact_shard(r, p, &sk) : FRS_ENOMEM;
        free(p);
        if (rc == FRS_OK) {
            compacted += !sk;
            skipped += sk;
        }
    }
    if (compacted > 0)
        touch_stub(r);
    r->sum.shards = (unsigned)n;
    r->sum.shards_written = r->sum.compacted = compacted;
    r->sum.already_compact = skipped;
    if (newest) {
        snprintf(r->newest, sizeof r->newest, "%s", newest);
        r->sum.newest_left = r->newest;
    }
    frs_shards_free_keys(keys, n);
    frs_layout_unlock(l);
    return rc;
}

/* --compact of one database, holding its lock (l). */
static frs_status_t compact_database(frs_run_t *r, frs_layout_lock_t *l)
{
    char *err = NULL, *dst = frs_dbswap_sibling(r->o.db, "compact");
    frs_status_t rc = dst ? frs_dbswap_claim(dst, &err) : FRS_ENOMEM;
    int claimed = rc == FRS_OK; /* ours, or refused */
    r->sum.bytes_before = frs_dbswap_size(r->o.db);
    if (rc == FRS_OK)
        rc = compact_into(r->o.db, dst, NULL, &err);
    if (rc == FRS_OK) {
        rc = frs_run_switch_in(r, r->o.db, dst, l);
    } else {
        frs_run_say(r, FRS_SAY_ERROR, "compaction failed: %s",
                    err ? err : frs_strerror(rc));
        if (claimed)
            frs_run_discard(dst);
        frs_layout_unlock(l);
    }
    free(err);
    free(dst);
    return rc;
}

frs_status_t frs_run_compact(frs_run_t *r)
{
    frs_layout_lock_t *l = NULL;
    char *err = NULL;
    frs_status_t rc = frs_layout_lock(r->o.db, r->o.wait_s, &l, &err);
    if (rc != FRS_OK) {
        frs_run_open_failed(r, rc, err);
        free(err);
        return rc;
    }
    if (frs_layout_lock_kind(l) == FRS_LAYOUT_SHARDED)
        return compact_sharded(r, l);
    if (frs_layout_lock_kind(l) == FRS_LAYOUT_MISSING) {
        frs_run_say(r, FRS_SAY_ERROR, "%s: no database to compact", r->o.db);
        frs_layout_unlock(l);
        return FRS_ENOTFOUND;
    }
    return compact_database(r, l);
}

/* ---------- --auto-compact ---------- */

/* The size the database at path would have compacted: the size recorded
 * at its last compaction, scaled by its articles now over its articles
 * then.  0 when none was recorded (or it cannot be read). */
static unsigned long long expected_size(const char *path)
{
    frs_xr_t *xr = NULL;
    char *err = NULL, *bytes = NULL, *then = NULL, *now = NULL;
    double want = 0;
    if (frs_xr_open(path, &xr, &err) == FRS_OK &&
        frs_xr_get_metadata(xr, FRS_META_COMPACT_BYTES, &bytes) == FRS_OK &&
        frs_xr_get_metadata(xr, FRS_META_COMPACT_ARTICLES, &then) ==
            FRS_OK &&
        frs_xr_get_metadata(xr, FRS_META_ARTICLES, &now) == FRS_OK) {
        double b = strtod(bytes, NULL), t = strtod(then, NULL),
               n = strtod(now, NULL);
        want = t > 0 && n > 0 ? b * n / t : b;
    }
    free(bytes);
    free(then);
    free(now);
    free(err);
    frs_xr_free(xr);
    return want > 0 ? (unsigned long long)want : 0;
}

/* Does the database at path still open? */
static int still_opens(const char *path)
{
    frs_xr_t *xr = NULL;
    char *err = NULL;
    frs_status_t rc = frs_xr_open(path, &xr, &err);
    free(err);
    frs_xr_free(xr);
    return rc == FRS_OK;
}

frs_status_t frs_run_auto_compact(frs_run_t *r)
{
    frs_summary_t *m = &r->sum;
    if (r->o.auto_compact <= 0) {
        m->auto_compact = "off";
        return FRS_OK;
    }
    unsigned long long want = expected_size(r->o.db);
    m->auto_bytes = frs_dbswap_size(r->o.db);
    if (want == 0) {
        m->auto_compact = "no baseline";
        frs_run_say(r, FRS_SAY_VERBOSE, "%s records no compacted size: "
                    "--auto-compact starts after its next --compact",
                    r->o.db);
        return FRS_OK;
    }
    m->auto_limit = (unsigned long long)(r->o.auto_compact * (double)want);
    if (m->auto_bytes <= m->auto_limit) {
        m->auto_compact = "not needed";
        return FRS_OK;
    }
    frs_run_say(r, FRS_SAY_VERBOSE, "%s: %.1f MB, over %.1f MB "
                "(--auto-compact %g): compacting", r->o.db,
                (double)m->auto_bytes / 1e6, (double)m->auto_limit / 1e6,
                r->o.auto_compact);
    frs_layout_lock_t *l = NULL;
    char *err = NULL;
    unsigned long long bytes_before = m->bytes_before;
    r->soft = 1; /* what fails from here on is a warning */
    frs_status_t rc = frs_layout_lock(r->o.db, r->o.wait_s, &l, &err);
    if (rc == FRS_OK)
        rc = compact_database(r, l); /* releases l */
    else
        frs_run_say(r, FRS_SAY_ERROR, "%s", err ? err : frs_strerror(rc));
    r->soft = 0;
    free(err);
    m->bytes_before = bytes_before;
    m->auto_compact = rc == FRS_OK ? "done" : "failed";
    if (rc == FRS_OK || still_opens(r->o.db))
        return FRS_OK;
    frs_run_say(r, FRS_SAY_ERROR, "%s cannot be opened after a failed "
                "auto-compaction", r->o.db);
    return FRS_EIO;
}
