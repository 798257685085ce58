/* SPDX-License-Identifier: MIT
 * frs.h: status codes and small definitions shared by every module of the
 * French search engine ("frs").  Plain C, includable from C++.
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

FRS_END_DECLS

#endif
