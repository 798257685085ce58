/* SPDX-License-Identifier: MIT
 * schema.h: the on-disk format shared by indexer and query, defined once.
 * See docs/format.md for the full description.
 *
 * One Xapian document per article.  Terms:
 *   ""   + exact   body word, folded surface form, with positions numbered
 *                  through the whole body (passage boundaries are in the
 *                  document data)
 *   "Z"  + stem    body word stem (no positions)
 *   "S"  + exact   title word, with positions
 *   "ZS" + stem    title word stem
 *   "A"  + id      article id (boolean; one document per id)
 *   "Y"  + YYYY, "M" + YYYYMM      date filters (boolean)
 * Values: see FRS_SLOT_*.  Document data: the header of docdata.h.
 *
 * History:
 *   1  one document per passage (a paragraph), title terms and fields
 *      repeated on every passage; content hash 64-bit FNV-1a.
 *   2  one document per article; passages (whole paragraphs merged to a
 *      target length) are byte and position ranges in the document data;
 *      title, url and date stored once; a binary header as document data,
 *      the body deflated in a value slot; the content hash is XXH3-128,
 *      32 hex digits.
 */
#ifndef FRS_SCHEMA_H
#define FRS_SCHEMA_H

#define FRS_SCHEMA_VERSION 2

#define FRS_PFX_STEM "Z"
#define FRS_PFX_TITLE "S"
#define FRS_PFX_TITLE_STEM "ZS"
#define FRS_PFX_ARTICLE "A"
#define FRS_PFX_YEAR "Y"
#define FRS_PFX_MONTH "M"

/* Longest article id accepted, in bytes (it is part of the A term, and
 * Xapian limits terms to 245 bytes). */
#define FRS_MAX_ID_BYTES 200

enum {
    FRS_SLOT_DATE = 0, /* "YYYYMMDD", or absent: date filters, sorting and
                          month/year counts */
    FRS_SLOT_HASH = 1, /* content hash of the whole article: XXH3-128, 32
                          hex digits (hash.h); unchanged articles are
                          skipped on re-runs */
    FRS_SLOT_BODY = 2  /* the body, deflated (docdata.h): read only for the
                          hits whose text is shown */
};

/* Metadata keys. */
#define FRS_META_SCHEMA "frs.schema"       /* FRS_SCHEMA_VERSION, decimal */
#define FRS_META_ANALYZER "frs.analyzer"   /* FRS_ANALYZER_VERSION, decimal */
#define FRS_META_SETTINGS "frs.settings"   /* analyzer and passage settings,
                                              human-readable */
#define FRS_META_UPDATED "frs.updated"     /* last commit, ISO 8601 UTC */
#define FRS_META_ARTICLES "frs.articles"   /* number of articles, decimal */
#define FRS_META_COMPACTED "frs.compacted" /* a shard compacted by indexer
                                              --compact: its frs.updated
                                              then, so that an unchanged
                                              shard is not compacted again */
/* An unsharded database as it was compacted, by --compact, --rebuild or
 * its first build: its size in bytes and its number of articles then,
 * decimal; the baseline of --auto-compact (absent: never compacted). */
#define FRS_META_COMPACT_BYTES "frs.compact_bytes"
#define FRS_META_COMPACT_ARTICLES "frs.compact_articles"

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

/* Non-zero when schema and analyzer (metadata values, "" when absent) are
 * this program's versions. */
int frs_schema_compatible(const char *schema, const char *analyzer);

#endif
