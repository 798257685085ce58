/* SPDX-License-Identifier: MIT
 * xdb.h: the project's thin C binding over libxapian.  xdb.cc is the only C++
 * file in the project; no C++ exception ever leaves it.  Every function
 * returns an frs_status_t; the detailed message of the last failure stays on
 * the handle (frs_xdb_errmsg / frs_xr_errmsg) until the next call on it.
 * Functions that create a handle take char **errmsg instead, which receives a
 * malloc'd message the caller frees (or NULL).
 *
 * Two handles: frs_xdb_t writes one database; frs_xr_t reads one database or
 * a stub database (several shards).  frs_xdoc_t is a document being built.
 *
 * Ownership: char * OUT values are malloc'd and owned by the caller;
 * const char * values handed to callbacks are borrowed for that callback.
 */
#ifndef FRS_XDB_H
#define FRS_XDB_H

#include <stddef.h>
#include "frs.h"
#include "qtree.h"

FRS_BEGIN_DECLS

/* ---------- documents ---------- */

typedef struct frs_xdoc frs_xdoc_t;

frs_status_t frs_xdoc_new(frs_xdoc_t **out) FRS_NOEXCEPT;
void frs_xdoc_free(frs_xdoc_t *doc) FRS_NOEXCEPT;
/* Add one occurrence of term at position pos (wdf += 1). */
frs_status_t frs_xdoc_add_posting(frs_xdoc_t *doc, const char *term,
                                  size_t len, unsigned pos) FRS_NOEXCEPT;
/* Add term without position, wdf += wdf_inc (0 for a boolean term). */
frs_status_t frs_xdoc_add_term(frs_xdoc_t *doc, const char *term, size_t len,
                               unsigned wdf_inc) FRS_NOEXCEPT;
frs_status_t frs_xdoc_set_value(frs_xdoc_t *doc, unsigned slot,
                                const char *val, size_t len) FRS_NOEXCEPT;
frs_status_t frs_xdoc_set_data(frs_xdoc_t *doc, const char *data,
                               size_t len) FRS_NOEXCEPT;

/* ---------- writer ---------- */

typedef struct frs_xdb frs_xdb_t;

enum {
    FRS_XDB_CREATE = 1,      /* create if missing (else FRS_ENOTFOUND) */
    FRS_XDB_OVERWRITE = 2,   /* create, replacing any existing database */
    FRS_XDB_NO_SYNC = 4,     /* no fsync (bulk build; sync at the end) */
    FRS_XDB_WAIT_LOCK = 8    /* wait for the write lock instead of
                                FRS_ELOCKED */
};

frs_status_t frs_xdb_open(const char *path, unsigned flags, frs_xdb_t **out,
                          char **errmsg) FRS_NOEXCEPT;
/* Close.  Every change since the last successful frs_xdb_commit is
 * discarded (changes always go into a transaction, opened automatically on
 * the first change).  NULL ok. */
void frs_xdb_free(frs_xdb_t *db) FRS_NOEXCEPT;
const char *frs_xdb_errmsg(const frs_xdb_t *db) FRS_NOEXCEPT;

/* Transactions group changes so readers see all or none of them. */
frs_status_t frs_xdb_begin(frs_xdb_t *db) FRS_NOEXCEPT;
frs_status_t frs_xdb_commit(frs_xdb_t *db) FRS_NOEXCEPT; /* ends any txn */
frs_status_t frs_xdb_cancel(frs_xdb_t *db) FRS_NOEXCEPT;

/* Add doc, replacing any document indexed by uid_term (if not NULL). */
frs_status_t frs_xdb_replace(frs_xdb_t *db, const char *uid_term,
                             const frs_xdoc_t *doc) FRS_NOEXCEPT;
/* Delete every document indexed by term; *ndeleted (may be NULL) gets the
 * count. */
frs_status_t frs_xdb_delete_term(frs_xdb_t *db, const char *term,
                                 unsigned *ndeleted) FRS_NOEXCEPT;
/* Value in slot of the first document indexed by term; *out = NULL if no
 * document has the term. */
frs_status_t frs_xdb_first_value(frs_xdb_t *db, const char *term,
                                 unsigned slot, char **out) FRS_NOEXCEPT;
frs_status_t frs_xdb_set_metadata(frs_xdb_t *db, const char *key,
                                  const char *value) FRS_NOEXCEPT;
/* *out = "" (malloc'd) when the key is unset. */
frs_status_t frs_xdb_get_metadata(frs_xdb_t *db, const char *key,
                                  char **out) FRS_NOEXCEPT;
frs_status_t frs_xdb_doccount(frs_xdb_t *db, unsigned long long *out)
    FRS_NOEXCEPT;

/* ---------- reader ---------- */

typedef struct frs_xr frs_xr_t;

/* Open the database at path: a database directory, or a stub database (a
 * file, or a directory holding XAPIANDB) listing shards, which are opened
 * here (frs_stub_read parses it) so that remote ones get the timeouts of
 * frs_xdb_set_remote_timeouts.  When a shard cannot be opened, *errmsg
 * names it ("PATH: shard NAME: ..."). */
frs_status_t frs_xr_open(const char *path, frs_xr_t **out, char **errmsg)
    FRS_NOEXCEPT;

/* Open one line of a stub file on its own: type "remote" with where
 * "HOST:PORT", "[IPV6]:PORT" or ":PROGRAM ARGS"; a local type ("auto",
 * "glass"...) with path, the line's argument resolved (frs_stub_entry_t). */
frs_status_t frs_xr_open_entry(const char *type, const char *where,
                               const char *path, frs_xr_t **out,
                               char **errmsg) FRS_NOEXCEPT;

/* Timeouts of remote shards, in milliseconds, for the readers opened
 * afterwards (process-wide): timeout_ms for each operation (Xapian's
 * NetworkTimeoutError beyond it: FRS_EREMOTE), connect_ms to connect
 * (over TCP).  0 means none. */
#define FRS_XDB_REMOTE_TIMEOUT_MS 5000
#define FRS_XDB_REMOTE_CONNECT_MS 2000
void frs_xdb_set_remote_timeouts(unsigned timeout_ms, unsigned connect_ms)
    FRS_NOEXCEPT;
void frs_xr_free(frs_xr_t *xr) FRS_NOEXCEPT;
const char *frs_xr_errmsg(const frs_xr_t *xr) FRS_NOEXCEPT;
/* After a failed call: the shard it failed on, as its stub line names it
 * ("2023", "10.0.0.12:7001"), or "" when unknown or not sharded.  Remote
 * failures (FRS_EREMOTE) are named by the error's context; a damaged local
 * shard by reading each shard alone.  Borrowed until the next call. */
const char *frs_xr_fault(const frs_xr_t *xr) FRS_NOEXCEPT;
/* Reopen (as frs_xr_reopen), then a few cheap reads of every shard that
 * fail if it cannot be searched: a local one's tables at their start, a
 * remote one's round trip.  *doccount (may be NULL): documents in all.
 * On failure frs_xr_fault names the shard. */
frs_status_t frs_xr_probe(frs_xr_t *xr, unsigned long long *doccount)
    FRS_NOEXCEPT;
/* Move to the latest committed revision; *changed (may be NULL) is set to 1
 * if there was a newer one.  If the path now names another database (a
 * rebuilt one renamed into place, or a stub file replaced), or a remote
 * call failed before (its connection is never used again), it is opened
 * afresh. */
frs_status_t frs_xr_reopen(frs_xr_t *xr, int *changed) FRS_NOEXCEPT;
frs_status_t frs_xr_get_metadata(frs_xr_t *xr, const char *key, char **out)
    FRS_NOEXCEPT;

/* Call cb for every shard the reader combines (one for a lone database),
 * in stub order: its name (frs_xr_fault's), whether it is remote, and its
 * value of metadata key ("" when unset).  The combined reader answers
 * metadata from its first shard only; this reads each.  On failure
 * frs_xr_fault names the shard. */
typedef void (*frs_shard_meta_cb)(void *ctx, const char *shard, int remote,
                                  const char *value);
frs_status_t frs_xr_each_shard_metadata(frs_xr_t *xr, const char *key,
                                        frs_shard_meta_cb cb, void *ctx)
    FRS_NOEXCEPT;

typedef struct {
    unsigned long long doccount;    /* passages */
    unsigned long long lastdocid;
    unsigned long long total_length;/* sum of document lengths */
    double avlength;                /* average document length */
    int has_positions;
} frs_xr_stats_t;
frs_status_t frs_xr_stats(frs_xr_t *xr, frs_xr_stats_t *out) FRS_NOEXCEPT;
/* Number of documents indexed by term. */
frs_status_t frs_xr_termfreq(frs_xr_t *xr, const char *term, size_t len,
                             unsigned long long *out) FRS_NOEXCEPT;
/* wdf of term in document docid (0 if absent). */
frs_status_t frs_xr_doc_wdf(frs_xr_t *xr, unsigned docid, const char *term,
                            size_t len, unsigned *wdf) FRS_NOEXCEPT;
frs_status_t frs_xr_doclength(frs_xr_t *xr, unsigned docid,
                              unsigned long long *out) FRS_NOEXCEPT;
/* Value in slot of the first document indexed by term; *out = NULL if no
 * document has the term (the reader's counterpart of frs_xdb_first_value). */
frs_status_t frs_xr_first_value(frs_xr_t *xr, const char *term,
                                unsigned slot, char **out) FRS_NOEXCEPT;

/* The value in slot of document docid: *out (malloc'd, caller frees, NUL
 * added) and *len; "" when the slot is empty. */
frs_status_t frs_xr_doc_value(frs_xr_t *xr, unsigned docid, unsigned slot,
                              char **out, size_t *len) FRS_NOEXCEPT;

/* Positions of term in document docid, ascending, in *pos (malloc'd, caller
 * frees; NULL with *n = 0 when the document does not hold the term). */
frs_status_t frs_xr_positions(frs_xr_t *xr, unsigned docid, const char *term,
                              size_t len, unsigned **pos, size_t *n)
    FRS_NOEXCEPT;

/* Call cb for each term of the database starting with prefix, in byte
 * order, with the number of documents it indexes, stopping after max terms
 * (0: no limit) or when cb returns non-zero. */
typedef int (*frs_lex_cb)(void *ctx, const char *term, size_t len,
                          unsigned long long termfreq);
frs_status_t frs_xr_each_term(frs_xr_t *xr, const char *prefix, size_t max,
                              frs_lex_cb cb, void *ctx) FRS_NOEXCEPT;

/* Number of distinct terms starting with prefix (all terms for ""). */
frs_status_t frs_xr_count_terms(frs_xr_t *xr, const char *prefix,
                                unsigned long long *out) FRS_NOEXCEPT;

/* Called once per distinct value of the facet slot among all matching
 * documents (before collapsing), with the number of documents holding it. */
typedef void (*frs_facet_cb)(void *ctx, const char *value, size_t len,
                             unsigned long long count);

typedef struct {
    double k1, b, min_normlen; /* BM25 parameters (k2 = 0, k3 = 1) */
    unsigned first, max;       /* result window */
    int collapse_slot;         /* -1: none; else keep the best doc per value */
    unsigned check_at_least;   /* make the estimate exact up to this many */
    frs_facet_cb facet_cb;     /* NULL: no facet counts */
    void *facet_ctx;
    unsigned facet_slot;
    /* FRS_XDB_SORT_NONE (0): by relevance; else by the value in sort_slot
     * (byte order), ascending or descending, then by relevance; documents
     * with no value in the slot come last either way */
    int sort_order;
    unsigned sort_slot;
} frs_search_opts_t;

enum { FRS_XDB_SORT_NONE = 0, FRS_XDB_SORT_ASC = 1, FRS_XDB_SORT_DESC = 2 };

typedef struct {
    unsigned docid;
    unsigned rank;              /* 0-based index within the returned window */
    double score;
    const char *data;           /* document data, borrowed */
    size_t data_len;
    unsigned collapse_count;    /* other docs removed with the same key
                                   (a lower bound) */
} frs_hit_t;

typedef struct {
    unsigned long long estimated, lower, upper; /* matching documents (after
                                                   collapsing) */
    double max_possible;        /* upper bound on any score */
} frs_search_info_t;

/* Return non-zero to stop delivering hits. */
typedef int (*frs_hit_cb)(void *ctx, const frs_hit_t *hit);

/* Run q with BM25 and deliver hits best first.  A DatabaseModifiedError is
 * handled by reopening and retrying once (hits are fetched before the first
 * callback, so none is delivered twice).  opts is required; cb and info may
 * be NULL. */
frs_status_t frs_xr_search(frs_xr_t *xr, const frs_qnode_t *q,
                           const frs_search_opts_t *opts, frs_hit_cb cb,
                           void *ctx, frs_search_info_t *info) FRS_NOEXCEPT;

/* Call cb for each term starting with prefix (in byte order), as the writer
 * sees it (uncommitted changes included).  cb returns non-zero to stop. */
typedef int (*frs_term_cb)(void *ctx, const char *term, size_t len);
frs_status_t frs_xdb_each_term(frs_xdb_t *db, const char *prefix,
                               frs_term_cb cb, void *ctx) FRS_NOEXCEPT;

/* Call cb for every document of the reader: its docid, data and the value
 * in slot.  cb returns non-zero to stop. */
typedef int (*frs_doc_cb)(void *ctx, unsigned docid, const char *data,
                          size_t data_len, const char *value,
                          size_t value_len);
frs_status_t frs_xr_each_doc(frs_xr_t *xr, unsigned slot, frs_doc_cb cb,
                             void *ctx) FRS_NOEXCEPT;

/* Non-zero if the reader's database lists remote shards (a stub file, or a
 * directory holding one, with "remote" lines): features Xapian does not
 * offer over the remote backend (spelling) must then degrade. */
int frs_xr_has_remote(const frs_xr_t *xr) FRS_NOEXCEPT;

/* Spelling data: add word (inc occurrences) to the database's spelling
 * dictionary. */
frs_status_t frs_xdb_add_spelling(frs_xdb_t *db, const char *word, size_t len,
                                  unsigned inc) FRS_NOEXCEPT;

/* Best spelling correction of word within max_edit edits, or *out = NULL
 * when there is none.  Not available over the remote backend: FRS_EXAPIAN
 * with a message then. */
frs_status_t frs_xr_spelling(frs_xr_t *xr, const char *word, size_t len,
                             unsigned max_edit, char **out) FRS_NOEXCEPT;

/* Compact the database (or stub) at src into a new database at dst, which
 * must not exist.  *errmsg (malloc'd, may be NULL) explains a failure. */
frs_status_t frs_xdb_compact(const char *src, const char *dst, char **errmsg)
    FRS_NOEXCEPT;

/* Merge the databases srcs[0..n) into a new compacted database at dst
 * (which must not exist).  User metadata is taken from srcs[0]; spelling
 * data is summed.  *errmsg (malloc'd, may be NULL) explains a failure. */
frs_status_t frs_xdb_merge(const char *const *srcs, size_t n, const char *dst,
                           char **errmsg) FRS_NOEXCEPT;

/* Run Xapian's consistency check on the database at path.  *nerrors gets the
 * number of problems found, *report (malloc'd) the checker's output. */
frs_status_t frs_xdb_check(const char *path, unsigned long long *nerrors,
                           char **report) FRS_NOEXCEPT;

FRS_END_DECLS

#endif
