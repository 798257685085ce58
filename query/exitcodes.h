/* SPDX-License-Identifier: MIT
 * exitcodes.h: query's exit codes, defined here and nowhere else (README.md,
 * query --help and frs-query(1) list them).  The numbers mean what the
 * indexer's (indexer/exitcodes.h) mean: 0 all done, 1 done but not wholly,
 * 2 usage, 3 schema, 4 failure, 5 busy.  Only cli.c turns a status into
 * one of these (the server's frs_server_run returns them too).
 */
#ifndef FRS_QUERY_EXITCODES_H
#define FRS_QUERY_EXITCODES_H

enum {
    QUERY_EXIT_OK = 0,      /* hits found; --stats, --check: sound */
    QUERY_EXIT_NOHIT = 1,   /* the search ran and found nothing */
    QUERY_EXIT_USAGE = 2,   /* bad option, bad query or bad date */
    QUERY_EXIT_SCHEMA = 3,  /* the database has another schema or analyzer
                               version: rebuild it (indexer --rebuild) */
    QUERY_EXIT_FAIL = 4,    /* database missing, unreadable or damaged;
                               out of memory */
    QUERY_EXIT_BUSY = 5     /* --serve: the address cannot be bound (in use
                               by another process) */
};

#endif
