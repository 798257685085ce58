/* SPDX-License-Identifier: MIT
 * fixture.h: what the unit tests share.  A scratch directory (the one way
 * the tests make and remove temporary files), and small real on-disk
 * databases written by the real indexer from a table of articles.
 *
 * Ownership: char * results are malloc'd and freed by the caller; paths
 * and articles given are borrowed.
 */
#ifndef FRS_TEST_FIXTURE_H
#define FRS_TEST_FIXTURE_H

#include <stddef.h>
#include <stdio.h>

#include "indexer.h"

/* A new scratch directory "$TMPDIR/frs-TAG-XXXXXX" (TMPDIR defaults to
 * /tmp), made by mkdtemp; NULL when it cannot be made. */
char *frs_test_tmpdir(const char *tag);

/* Remove the scratch directory *root (frs_test_tmpdir) and free it, for a
 * cmocka teardown; *root may be NULL.  0, or -1 (frs_test_rmtree). */
int frs_test_tmpdir_free(char **root);

/* Remove the file or directory tree at path; a missing path is no error.
 * 0, or -1 when something could not be removed. */
int frs_test_rmtree(const char *path);

/* "dir/name", malloc'd (aborts when out of memory: tests only). */
char *frs_test_join(const char *dir, const char *name);

/* Write text to the file at path (created or truncated); 0 or -1. */
int frs_test_write(const char *path, const char *text);

/* A command line's main function: frs_indexer_main, frs_query_main. */
typedef int (*frs_test_main_fn)(int argc, char **argv, FILE *in, FILE *out,
                                FILE *err);

/* Run fn over argv (NULL-terminated, argv[0] the program's name) with
 * tmpfile() streams, standard input holding input (may be NULL); what it
 * wrote is copied, NUL-terminated, into out[0..outsz) and err[0..errsz).
 * Returns its exit code, or -1 when a stream cannot be made. */
int frs_test_cli(frs_test_main_fn fn, char **argv, const char *input,
                 char *out, size_t outsz, char *err, size_t errsz);

/* The indexer options of the tests' databases: passages of 5 to 40 words,
 * a commit every 100 articles, the database created if missing. */
frs_indexer_opts_t frs_test_indexer_opts(void);

/* An article as the feed hands it on, from source "t" line 1; title, url
 * and date may be NULL. */
frs_article_t frs_test_article(const char *id, const char *title,
                               const char *url, const char *date,
                               const char *body);

/* One row of a fixture table. */
typedef struct {
    const char *id, *title, *url, *date, *body;
} frs_test_doc_t;

/* Index docs[0..n) into the database at path (created if missing; it may
 * be a sharded index) with frs_test_indexer_opts(), and commit.  FRS_OK, or
 * the failing status with *errmsg (malloc'd, caller frees; may stay NULL)
 * saying why. */
frs_status_t frs_test_build(const char *path, const frs_test_doc_t *docs,
                            size_t n, char **errmsg);

/* A cmocka setup in one call: a scratch directory (*root) holding the
 * database *root/db (*db) built from docs[0..n).  0, or -1 on failure (said
 * on stderr).  frs_test_tmpdb_free removes and frees both. */
int frs_test_tmpdb(const char *tag, const frs_test_doc_t *docs, size_t n,
                   char **root, char **db);
int frs_test_tmpdb_free(char **root, char **db);

#endif
