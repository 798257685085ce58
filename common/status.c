/* SPDX-License-Identifier: MIT
 * status.c: text for frs_status_t codes, and the errmsg out-parameter of
 * the error convention (frs.h).
 */
#include "frs.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

const char *frs_strerror(frs_status_t rc)
{
    switch (rc) {
    case FRS_OK: return "success";
    case FRS_ENOMEM: return "out of memory";
    case FRS_EINVAL: return "invalid argument";
    case FRS_EIO: return "input/output error";
    case FRS_ENOTFOUND: return "not found";
    case FRS_ELOCKED: return "database is locked by another writer";
    case FRS_EMODIFIED: return "database was modified during the search";
    case FRS_ECORRUPT: return "database is corrupt";
    case FRS_EVERSION: return "incompatible database schema";
    case FRS_EXAPIAN: return "Xapian error";
    case FRS_EINTERNAL: return "internal error";
    case FRS_EREMOTE: return "a remote shard is not answering";
    }
    return "unknown status";
}

frs_status_t frs_fail(char **errmsg, frs_status_t rc, const char *fmt, ...)
{
    free(*errmsg);
    *errmsg = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *m = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (m) {
        va_start(ap, fmt);
        vsnprintf(m, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    *errmsg = m;
    return rc;
}
