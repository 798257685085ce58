/* SPDX-License-Identifier: MIT
 * dbswap.h: replacing a live database directory by a new one atomically, for
 * --rebuild and --compact.  The new database is built beside the live one
 * (same file system), its files are synced, and the two directories are
 * exchanged with renameat2(RENAME_EXCHANGE): a reader opening the path sees
 * either the whole old database or the whole new one, never a mix or
 * nothing.  The old one is removed only after the switch.
 *
 * Ownership: paths are borrowed; returned strings are malloc'd.
 */
#ifndef FRS_DBSWAP_H
#define FRS_DBSWAP_H

#include "frs.h"

/* "<dir><sep><name>" with dir's trailing slashes dropped, malloc'd; NULL
 * when out of memory. */
char *frs_dbswap_join(const char *dir, char sep, const char *name);

/* "<live>.<tag>", malloc'd; NULL when out of memory. */
char *frs_dbswap_sibling(const char *live, const char *tag);

/* Non-zero if path exists. */
int frs_dbswap_exists(const char *path);

/* Every function that can fail follows frs.h's convention: a status, and
 * the reason (with the system's words) in *errmsg. */

/* fsync the file or directory at path.  FRS_OK or FRS_EIO. */
frs_status_t frs_dbswap_fsync(const char *path, char **errmsg);

/* fsync every file of directory dir, then dir itself.  FRS_OK or FRS_EIO
 * (the first file that failed named). */
frs_status_t frs_dbswap_sync(const char *dir, char **errmsg);

/* Put fresh in the place of live (which may not exist); afterwards the old
 * database, if any, is at fresh.  FRS_OK or FRS_EIO. */
frs_status_t frs_dbswap_exchange(const char *live, const char *fresh,
                                 char **errmsg);

/* Remove a directory tree (no error if missing).  FRS_OK or FRS_EIO (the
 * first entry that could not be removed named). */
frs_status_t frs_dbswap_remove(const char *path, char **errmsg);

/* Take an exclusive lock on "<live>.lock" (created if missing, left in
 * place), for building a database where none exists yet: the live one has
 * no lock of its own to take.  *fd holds the lock until closed (-1 on
 * failure).  FRS_OK, FRS_ELOCKED if another process holds it, FRS_EIO or
 * FRS_ENOMEM. */
frs_status_t frs_dbswap_lock(const char *live, int *fd, char **errmsg);

/* The file that marks a work directory of this program ("DBDIR.rebuild",
 * "DBDIR.compact"): such a path is only ever removed to make room when it
 * holds this file, or nothing. */
#define FRS_DBSWAP_MARKER ".frs-work"

/* Make work a new, empty directory of ours, holding only the marker
 * (written and synced before anything else goes in).  What a killed run
 * of ours left there (a directory with the marker, or an empty one) is
 * removed first.  Anything else at work is left alone: FRS_EINVAL, with
 * *errmsg (malloc'd, caller frees) naming it.  FRS_EIO (*errmsg says why)
 * or FRS_ENOMEM otherwise. */
frs_status_t frs_dbswap_claim(const char *work, char **errmsg);

/* Non-zero when dir is a directory holding nothing, or only the marker. */
int frs_dbswap_empty_dir(const char *dir);

/* Put the marker into the existing directory dir and sync it: done to the
 * live database just before an exchange moves it to a work path, so that
 * a run killed before removing it leaves a directory the next run knows as
 * its own.  FRS_OK, FRS_EIO or FRS_ENOMEM. */
frs_status_t frs_dbswap_mark(const char *dir, char **errmsg);

/* Remove dir's marker, if any. */
void frs_dbswap_unmark(const char *dir);

/* Total size in bytes of the files under path (0 if missing). */
unsigned long long frs_dbswap_size(const char *path);

#endif
