/* SPDX-License-Identifier: MIT
 * admin.h: query --stats (what is in a database) and query --check (is it
 * sound: Xapian's own consistency check, then every article whole).
 * Both return a status; cli.c turns it into an exit code.  Messages on
 * err start with prog, the program's name.
 */
#ifndef FRS_ADMIN_H
#define FRS_ADMIN_H

#include <stdio.h>

#include "frs.h"

/* Print statistics of the database at path (text, or JSON with json).
 * Returns FRS_OK; FRS_EVERSION when the schema is incompatible (the
 * statistics are still printed); another status when the database cannot
 * be read (said on err; never FRS_EINVAL). */
frs_status_t frs_admin_stats(const char *prog, const char *path, int json,
                             FILE *out, FILE *err);

/* Check the database at path.  Prints a report; returns FRS_OK when
 * sound, FRS_ECORRUPT when Xapian finds damage or an article is
 * incomplete, another status (never FRS_EINVAL or FRS_EVERSION) when it
 * cannot be read. */
frs_status_t frs_admin_check(const char *prog, const char *path, int json,
                             int verbose, FILE *out, FILE *err);

#endif
