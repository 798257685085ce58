/* SPDX-License-Identifier: MIT
 * admin.h: query --stats (what is in a database) and query --check (is it
 * sound: Xapian's own consistency check, then every article whole).
 */
#ifndef FRS_ADMIN_H
#define FRS_ADMIN_H

#include <stdio.h>

/* Print statistics of the database at path (text, or JSON with json).
 * Returns an exit status: 0, 3 (incompatible schema, still printed) or 4. */
int frs_admin_stats(const char *path, int json, FILE *out, FILE *err);

/* Check the database at path.  Prints a report; returns 0 when sound, 4
 * when Xapian finds damage or an article is incomplete. */
int frs_admin_check(const char *path, int json, int verbose, FILE *out,
                    FILE *err);

#endif
