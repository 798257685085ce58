/* SPDX-License-Identifier: MIT
 * exitcodes.h: the indexer's exit codes, defined here and nowhere else
 * (README.md, indexer --help and frs-indexer(1) list them).  query's
 * (query/exitcodes.h) use the same numbers for the same things: 0 all
 * done, 1 done but not wholly, 2 usage, 3 schema, 4 failure, 5 busy.
 * Only cli.c turns a status into one of these.
 */
#ifndef FRS_INDEXER_EXITCODES_H
#define FRS_INDEXER_EXITCODES_H

enum {
    INDEXER_EXIT_OK = 0,      /* success */
    INDEXER_EXIT_REJECTS = 1, /* completed; some articles (lines or files)
                                 were rejected */
    INDEXER_EXIT_USAGE = 2,   /* usage error */
    INDEXER_EXIT_SCHEMA = 3,  /* the index has another schema or analyzer
                                 version: --rebuild it */
    INDEXER_EXIT_FAIL = 4,    /* failure (an input could not be read,
                                 --prune refused, a full disk...); what is
                                 committed is whole */
    INDEXER_EXIT_BUSY = 5     /* another process holds what the run needs:
                                 another indexer the index */
};

#endif
