/* SPDX-License-Identifier: MIT
 * layout.h: the index layout, owned here and nowhere else: what is on disk
 * at the path given to -d, how to lock it, sync it, route articles to its
 * parts, list them and sum them up.  An index is one of:
 *
 *  - one Xapian database (a directory);
 *  - a sharded index: DBDIR holds one Xapian database per shard in a
 *    subdirectory named by its key ("2023", "2023-04", "undated", "h07"),
 *    the file DBDIR/frs-shards naming the scheme that routes articles to
 *    shards ("year", "month" or "hash:N"), and a Xapian stub file
 *    DBDIR/XAPIANDB with one "auto KEY" line per shard, so that Xapian
 *    opens DBDIR as one database over every shard;
 *  - a stub file written by hand (or a directory holding XAPIANDB) listing
 *    databases, local or remote ("remote HOST:PORT", xapian-tcpsrv): read
 *    only.  xdb.cc opens stubs through frs_stub_read, the one stub parser.
 *
 * Three prefixes, one module: frs_shards_* for schemes, keys and the shard
 * directories of a sharded index; frs_stub_* for stub files; frs_layout_*
 * for a whole index, whatever its kind.  See docs/scaling.md.
 *
 * Errors follow frs.h.  Ownership: paths are borrowed; lists, structures
 * and messages handed out are malloc'd and owned by the caller (released
 * with the matching _free/_clear, or free).
 */
#ifndef FRS_LAYOUT_H
#define FRS_LAYOUT_H

#include <stddef.h>
#include "frs.h"
#include "xdb.h"

#define FRS_SHARDS_FILE "frs-shards"  /* the scheme, in DBDIR */
#define FRS_SHARDS_STUB "XAPIANDB"    /* Xapian's stub file name in a dir */
#define FRS_SHARD_UNDATED "undated"   /* key of articles without a date */
#define FRS_SHARD_KEY_MAX 16          /* bytes of a key, NUL included */
#define FRS_SHARDS_MAX_HASH 1000      /* most shards of hash:N */

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

/* ---------- a whole index ---------- */

typedef enum {
    FRS_LAYOUT_MISSING = 0, /* nothing at the path */
    FRS_LAYOUT_DATABASE,    /* anything else: one database (Xapian says
                               what is wrong with it if it is none) */
    FRS_LAYOUT_SHARDED,     /* a sharded index (path/frs-shards) */
    FRS_LAYOUT_STUB         /* a stub: a file, or a directory holding
                               XAPIANDB but no frs-shards (read only) */
} frs_layout_kind_t;

typedef struct {
    frs_layout_kind_t kind;
    frs_shard_scheme_t scheme; /* FRS_LAYOUT_SHARDED: its scheme */
    /* path is itself shard `key` of the sharded index `index` (a path,
     * malloc'd), which is what an indexer must be given; else NULL */
    char *index;
    char key[FRS_SHARD_KEY_MAX];
} frs_layout_info_t;

/* What is at path.  FRS_OK (also for FRS_LAYOUT_MISSING); FRS_EINVAL when
 * path/frs-shards names no valid scheme, FRS_EIO when it cannot be read,
 * FRS_ENOMEM; *errmsg says why.  frs_layout_info_clear frees out->index. */
frs_status_t frs_layout_probe(const char *path, frs_layout_info_t *out,
                              char **errmsg);
void frs_layout_info_clear(frs_layout_info_t *info);

/* The writer lock of the index at path, whatever its layout: a sharded
 * index's (frs_shards_lock), one database's own (Xapian's, through a
 * writer held open), or, where nothing exists yet, "<path>.lock"
 * (frs_dbswap_lock), which keeps a second first build away.  Retries for
 * up to wait_s seconds while another process holds it.  FRS_OK with *out;
 * FRS_ELOCKED, or what probing or opening failed with; *errmsg says why. */
typedef struct frs_layout_lock frs_layout_lock_t;
frs_status_t frs_layout_lock(const char *path, unsigned wait_s,
                             frs_layout_lock_t **out, char **errmsg);
/* The layout seen when the lock was taken (FRS_LAYOUT_MISSING: only
 * "<path>.lock" is held). */
frs_layout_kind_t frs_layout_lock_kind(const frs_layout_lock_t *l);
/* Release the lock.  NULL is a no-op. */
void frs_layout_unlock(frs_layout_lock_t *l);

/* fsync the index at path before it is switched in: one database's files,
 * or every shard of a sharded index and then its own files.  FRS_OK,
 * FRS_EIO (*errmsg names the file), FRS_ENOMEM. */
frs_status_t frs_layout_sync(const char *path, char **errmsg);

/* What an index holds, computed once for `query --stats` and the server's
 * /stats, so that both say the same of a sharded index.  One stub line: */
typedef struct {
    char *type, *location; /* as the stub line says */
    int local;             /* a local database (remote ones are only
                              counted: they are on another machine) */
    char *error;           /* local, but it cannot be opened: why */
    long long articles;    /* local and opened: frs.articles (-1: none) */
    unsigned long long size_bytes;
    char *last_update;     /* frs.updated, "" when never */
} frs_layout_shard_t;

typedef struct {
    /* frs.articles of one database (-1 when not recorded); the documents
     * of every shard of a stub (one document an article) */
    long long articles;
    unsigned long long distinct_terms; /* with FRS_LAYOUT_STATS_TERMS */
    unsigned long long size_bytes;     /* here: the database, or the local
                                          shards of a stub */
    double avlength;                   /* average article length, terms */
    /* "" when absent; a stub's are its first shard's, but last_update,
     * the latest of any of its shards, remote ones included */
    char *schema, *analyzer, *settings, *last_update;
    int compatible;  /* this program's schema and analyzer versions (every
                        local shard holding articles, for a stub) */
    int stub;        /* path is a stub (a sharded index's or a stub file):
                        shards[] lists its lines */
    size_t nshards, nlocal, nremote;
    frs_layout_shard_t *shards;
} frs_layout_stats_t;

enum { FRS_LAYOUT_STATS_TERMS = 1 }; /* count the distinct terms (reads the
                                        whole term list: not for a server) */

/* Fill *out for the index at path, read through xr (the caller's reader,
 * up to date; NULL: one is opened here and closed).  FRS_OK, or the
 * reader's failure (*errmsg: "PATH: why"); an incompatible version is no
 * failure here: out->compatible says it.  frs_layout_stats_clear frees
 * what *out holds (also after a failure). */
frs_status_t frs_layout_stats(const char *path, frs_xr_t *xr, unsigned flags,
                              frs_layout_stats_t *out, char **errmsg);
void frs_layout_stats_clear(frs_layout_stats_t *st);

FRS_END_DECLS

#endif
