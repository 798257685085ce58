/* SPDX-License-Identifier: MIT
 * shards.h: the on-disk layout of a sharded index.  DBDIR holds one Xapian
 * database per shard in a subdirectory named by its key ("2023", "2023-04",
 * "undated", "h07"), the file DBDIR/frs-shards naming the scheme that routes
 * articles to shards ("year", "month" or "hash:N"), and a Xapian stub file
 * DBDIR/XAPIANDB with one "auto KEY" line per shard, so that Xapian opens
 * DBDIR as one database over every shard.  Also reads stub files in general
 * (for remote shards: "remote HOST:PORT").  See docs/scaling.md.
 *
 * Ownership: paths are borrowed; lists and messages handed out are malloc'd
 * and owned by the caller (frs_shards_free_keys, frs_stub_free, free).
 */
#ifndef FRS_SHARDS_H
#define FRS_SHARDS_H

#include <stddef.h>
#include "frs.h"

#define FRS_SHARDS_FILE "frs-shards"  /* the scheme, in DBDIR */
#define FRS_SHARDS_STUB "XAPIANDB"    /* Xapian's stub file name in a dir */
#define FRS_SHARD_UNDATED "undated"   /* key of articles without a date */
#define FRS_SHARD_KEY_MAX 16          /* bytes of a key, NUL included */
#define FRS_SHARDS_MAX_HASH 1000      /* most shards of hash:N */

/* Metadata of a shard compacted by indexer --compact: the value its
 * frs.updated had then, so an unchanged shard is not compacted again. */
#define FRS_META_COMPACTED "frs.compacted"

FRS_BEGIN_DECLS

typedef enum {
    FRS_SHARD_BY_NONE = 0, /* not sharded: one database */
    FRS_SHARD_BY_YEAR,     /* key YYYY of the article date */
    FRS_SHARD_BY_MONTH,    /* key YYYY-MM of the article date */
    FRS_SHARD_BY_HASH      /* key hNN: FNV-1a of the id, modulo n */
} frs_shard_kind_t;

typedef struct {
    frs_shard_kind_t kind;
    unsigned n; /* FRS_SHARD_BY_HASH: number of shards, else 0 */
} frs_shard_scheme_t;

/* Parse "year", "month" or "hash:N" (1 <= N <= FRS_SHARDS_MAX_HASH).
 * FRS_EINVAL (and *out zeroed) for anything else. */
frs_status_t frs_shards_parse(const char *text, frs_shard_scheme_t *out);

/* The canonical text of a scheme ("year", "hash:8"; "none") into buf. */
void frs_shards_format(const frs_shard_scheme_t *s, char *buf, size_t n);

/* Non-zero when both schemes route every article the same way. */
int frs_shards_same(const frs_shard_scheme_t *a, const frs_shard_scheme_t *b);

/* The key of the shard an article belongs to, into key: by its date
 * ("YYYY-MM-DD..." or NULL: FRS_SHARD_UNDATED) or by its id. */
void frs_shards_key(const frs_shard_scheme_t *s, const char *id,
                    const char *date, char key[FRS_SHARD_KEY_MAX]);

/* Non-zero if name is a key that scheme s can produce. */
int frs_shards_valid_key(const frs_shard_scheme_t *s, const char *name);

/* Non-zero if articles can move between shards when they change (period
 * schemes: the date may change; never by hash of the id). */
int frs_shards_can_move(const frs_shard_scheme_t *s);

/* "dir/name", malloc'd; NULL when out of memory. */
char *frs_shards_path(const char *dir, const char *name);

/* Read the scheme of the sharded index at dir.  FRS_ENOTFOUND when
 * dir/frs-shards does not exist (dir is not a sharded index; *errmsg stays
 * NULL), FRS_EINVAL when it names no valid scheme, FRS_EIO when it cannot
 * be read; *errmsg explains (frs.h).  *out is zeroed on failure. */
frs_status_t frs_shards_read(const char *dir, frs_shard_scheme_t *out,
                             char **errmsg);

/* Make dir a sharded index with scheme s: create dir if missing, then
 * dir/frs-shards.  FRS_OK also when dir already is one with the same
 * scheme; FRS_EINVAL when it has another scheme, or dir holds anything else
 * (an unsharded database, other files); FRS_EIO otherwise.  *errmsg
 * (malloc'd, may be NULL) explains a failure. */
frs_status_t frs_shards_create(const char *dir, const frs_shard_scheme_t *s,
                               char **errmsg);

/* Take the writer lock of the sharded index at dir (one indexer at a time
 * over all its shards), without waiting.  FRS_ELOCKED when another process
 * holds it, FRS_EIO when dir/frs-shards cannot be opened.  *fd receives the
 * descriptor to give frs_shards_unlock (-1 on failure). */
frs_status_t frs_shards_lock(const char *dir, int *fd);
/* Release the lock (closes fd).  -1 is a no-op. */
void frs_shards_unlock(int fd);

/* The keys of the shard databases present in dir: subdirectories named by a
 * valid key of s that hold a Xapian database, in ascending byte order.
 * *keys (malloc'd array of malloc'd strings) and *n; FRS_EIO when dir
 * cannot be read, FRS_ENOMEM. */
frs_status_t frs_shards_list(const char *dir, const frs_shard_scheme_t *s,
                             char ***keys, size_t *n);
void frs_shards_free_keys(char **keys, size_t n);

/* Write dir/XAPIANDB with one "auto KEY" line per key, in the order given,
 * atomically: a temporary file, synced, renamed into place, then the
 * directory synced.  FRS_OK or FRS_EIO. */
frs_status_t frs_shards_write_stub(const char *dir, char *const *keys,
                                   size_t n);

/* One line of a stub database file. */
typedef struct {
    char *type;  /* "auto", "glass", "remote", ... */
    char *where; /* the rest of the line, as written */
    char *path;  /* local types: where resolved against the stub's
                    directory; NULL for remote */
} frs_stub_entry_t;

/* Read the stub database at path: a stub file, or a directory holding
 * XAPIANDB.  Blank lines and '#' comments are skipped.  FRS_ENOTFOUND when
 * path is neither (e.g. a plain database directory), FRS_EIO, FRS_ENOMEM. */
frs_status_t frs_stub_read(const char *path, frs_stub_entry_t **out,
                           size_t *n);
void frs_stub_free(frs_stub_entry_t *e, size_t n);

FRS_END_DECLS

#endif
