/* SPDX-License-Identifier: MIT
 * docdata.h: what is stored to show an article: a small header as the
 * Xapian document data, and the body, compressed, in value slot
 * FRS_SLOT_BODY, so that ranking and listing hits never read (or inflate)
 * a body they do not show.
 *
 * Header (binary, every integer an unsigned LEB128 varint):
 *   version (1); id, title, url, date as length + 1 and bytes (0: absent;
 *   the id is never absent); the body's length in bytes; the number of
 *   passages; for each passage its start, its length in bytes and the
 *   position of its first word minus the previous passage's.
 * Body value: the body's length, then the body deflated (raw deflate,
 *   zlib).  The body is UTF-8 as in the source, without NUL bytes.
 *
 * Ownership: encoders borrow their arguments and return malloc'd bytes; a
 * decoded frs_docinfo_t owns its strings and passage array until
 * frs_docinfo_clear().
 */
#ifndef FRS_DOCDATA_H
#define FRS_DOCDATA_H

#include <stddef.h>
#include "frs.h"

FRS_BEGIN_DECLS

typedef struct {
    size_t start, end; /* byte range in the body */
    unsigned pos;      /* position of the passage's first word */
} frs_passage_t;

typedef struct {
    char *id, *title, *url, *date; /* NULL when absent (id: never) */
    char *body;                    /* NULL until frs_docbody_decode */
    size_t body_len;               /* known from the header */
    frs_passage_t *passages;       /* in body order */
    size_t npassages;
} frs_docinfo_t;

/* The header of d (title, url, date may be NULL).  NULL when out of
 * memory; *len gets the length. */
char *frs_docdata_encode(const frs_docinfo_t *d, size_t *len);

/* Decode a header.  FRS_OK, FRS_ECORRUPT (not ours, or passages outside
 * the body or out of order) or FRS_ENOMEM; on failure *out is zeroed.
 * out->body stays NULL. */
frs_status_t frs_docdata_decode(const char *data, size_t len,
                                frs_docinfo_t *out);

/* The body value for body[0..len).  NULL when out of memory. */
char *frs_docbody_encode(const char *body, size_t len, size_t *outlen);

/* Inflate the body value v[0..vlen) into d->body (NUL-terminated).
 * FRS_ECORRUPT when it does not inflate to d->body_len bytes. */
frs_status_t frs_docbody_decode(const char *v, size_t vlen,
                                frs_docinfo_t *d);

/* A deep copy of src into dst.  FRS_OK or FRS_ENOMEM (dst zeroed). */
frs_status_t frs_docinfo_copy(frs_docinfo_t *dst, const frs_docinfo_t *src);

void frs_docinfo_clear(frs_docinfo_t *d);

FRS_END_DECLS

#endif
