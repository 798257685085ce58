/* SPDX-License-Identifier: MIT
 * schema.h: the on-disk format shared by indexer and query, defined once.
 * See docs/format.md for the full description.
 *
 * One Xapian document per passage.  Terms:
 *   ""   + exact   body word, folded surface form, with positions
 *   "Z"  + stem    body word stem (no positions)
 *   "S"  + exact   title word, with positions
 *   "ZS" + stem    title word stem
 *   "A"  + id      article id (boolean), on every passage of the article
 *   "Q"  + id "#" passage number   unique passage id (boolean)
 *   "Y"  + YYYY, "M" + YYYYMM      date filters (boolean)
 * Values: see FRS_SLOT_*.  Document data: one JSON object, see docdata.h.
 *
 * History:
 *   1  first format.
 *   2  the content hash (FRS_SLOT_HASH) is XXH3-128, 32 hex digits (was
 *      64-bit FNV-1a, 16).
 */
#ifndef FRS_SCHEMA_H
#define FRS_SCHEMA_H

#define FRS_SCHEMA_VERSION 2

#define FRS_PFX_STEM "Z"
#define FRS_PFX_TITLE "S"
#define FRS_PFX_TITLE_STEM "ZS"
#define FRS_PFX_ARTICLE "A"
#define FRS_PFX_PASSAGE "Q"
#define FRS_PFX_YEAR "Y"
#define FRS_PFX_MONTH "M"

/* Longest article id accepted, in bytes (it is part of Q and A terms, and
 * Xapian limits terms to 245 bytes). */
#define FRS_MAX_ID_BYTES 200

enum {
    FRS_SLOT_ARTICLE = 0, /* article id: the collapse key for --articles */
    FRS_SLOT_DATE = 1,    /* "YYYYMMDD", or empty */
    FRS_SLOT_PASSAGE = 2, /* passage number in its article, decimal */
    FRS_SLOT_HASH = 3,    /* content hash of the whole article: XXH3-128,
                             32 hex digits (hash.h) */
    FRS_SLOT_MONTH = 4    /* "YYYY-MM" for per-month counts, or empty */
};

/* Metadata keys. */
#define FRS_META_SCHEMA "frs.schema"       /* FRS_SCHEMA_VERSION, decimal */
#define FRS_META_ANALYZER "frs.analyzer"   /* FRS_ANALYZER_VERSION, decimal */
#define FRS_META_SETTINGS "frs.settings"   /* analyzer and passage settings,
                                              human-readable */
#define FRS_META_UPDATED "frs.updated"     /* last commit, ISO 8601 UTC */
#define FRS_META_ARTICLES "frs.articles"   /* number of articles, decimal */

#include "frs.h"

/* Check the versions a database records (its FRS_META_SCHEMA and
 * FRS_META_ANALYZER values, "" when absent) against this program's.
 * FRS_OK, or FRS_EVERSION with *errmsg (malloc'd, caller frees; NULL if out
 * of memory) naming path, both versions and the command that rebuilds the
 * index at dbdir (the -d of the command: path itself, or the sharded index
 * holding it). */
frs_status_t frs_schema_check(const char *path, const char *dbdir,
                              const char *schema, const char *analyzer,
                              char **errmsg);

#endif
