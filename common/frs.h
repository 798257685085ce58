/* SPDX-License-Identifier: MIT
 * frs.h: status codes and small definitions shared by every module of the
 * French search engine ("frs").  Plain C, includable from C++.
 *
 * The error convention, which every module follows:
 *
 * 1. A function that can fail returns frs_status_t: FRS_OK, or the kind of
 *    failure below.  On failure its OUT parameters are NULL/0 (notmuch's
 *    rule) unless its header says otherwise.
 * 2. The detail of a failure (which file, shard or article, the system's or
 *    Xapian's own words) travels in one of two shapes, and only these:
 *    - on the handle the call was made on: frs_<module>_errmsg(h), never
 *      NULL, valid until the next call on h;
 *    - where there is no handle (a constructor, a function of paths): in a
 *      last parameter char **errmsg, never NULL.  The callee sets *errmsg
 *      to NULL first, and on failure to a malloc'd message that the caller
 *      frees; it may stay NULL (out of memory): then frs_strerror(rc) says
 *      enough.  frs_fail() below is the one way to fill it.
 *    errno is never part of an interface: a system error's reason is in
 *    the message (strerror), taken where it happened.
 * 3. What is not a failure (a warning, a rejected article, a note) goes to
 *    a callback the caller gives (ingest.h's report, admin.h's note...).
 *    Library code never prints, never exits, and never returns an exit
 *    code.
 * 4. Only the command-line modules, indexer/cli.c and query/cli.c, print
 *    messages and turn a status into an exit code, each through its
 *    binary's exitcodes.h (the two tables mean the same thing).
 */
#ifndef FRS_H
#define FRS_H

#ifdef __cplusplus
#define FRS_BEGIN_DECLS extern "C" {
#define FRS_END_DECLS }
#define FRS_NOEXCEPT noexcept
#else
#define FRS_BEGIN_DECLS
#define FRS_END_DECLS
#define FRS_NOEXCEPT
#endif

FRS_BEGIN_DECLS

#define FRS_VERSION_STRING "0.1.0"

/* Every call that can fail returns one of these.  On failure its outputs are
 * set to NULL/0 and, where the call has a handle, a detailed message is kept
 * on the handle until the next call on it. */
typedef enum {
    FRS_OK = 0,
    FRS_ENOMEM,     /* out of memory */
    FRS_EINVAL,     /* invalid argument or input */
    FRS_EIO,        /* file system error */
    FRS_ENOTFOUND,  /* no such database, document or key */
    FRS_ELOCKED,    /* the database is locked by another writer */
    FRS_EMODIFIED,  /* the database changed under a reader: reopen and retry */
    FRS_ECORRUPT,   /* the database is damaged */
    FRS_EVERSION,   /* incompatible schema or analyzer version */
    FRS_EXAPIAN,    /* any other Xapian error */
    FRS_EINTERNAL,  /* a bug or an unexpected C++ exception */
    FRS_EREMOTE     /* a remote shard did not answer in time, or its
                       connection failed */
} frs_status_t;

/* A static, English description of a status code.  Never NULL. */
const char *frs_strerror(frs_status_t rc) FRS_NOEXCEPT;

/* Fill the errmsg out-parameter of the convention above: *errmsg (errmsg
 * is never NULL) gets a malloc'd message formatted printf-style, or NULL
 * when out of memory; a message it held before is freed.  Returns rc, for
 *     return frs_fail(errmsg, FRS_EIO, "cannot read %s: %s", path,
 *                     strerror(errno)); */
frs_status_t frs_fail(char **errmsg, frs_status_t rc, const char *fmt, ...)
    FRS_NOEXCEPT __attribute__((format(printf, 3, 4)));

FRS_END_DECLS

#endif
