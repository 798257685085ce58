/* SPDX-License-Identifier: MIT
 * docdata.h: the document data stored with each article: one JSON object
 *   {"id": article id, "title": ..., "url": ..., "date": "YYYY-MM-DD",
 *    "body": the body as in the source,
 *    "p": [start, end, pos, start, end, pos, ...]}
 * where each passage is the byte range body[start..end) and pos the
 * position of its first word.  Absent optional fields are omitted.
 * Everything needed to show a hit is here, so the source files are never
 * re-read.
 *
 * Ownership: frs_docdata_encode borrows its argument and returns a malloc'd
 * string; a decoded frs_docinfo_t owns its strings and passage array until
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
    char *body;                    /* "" when empty, never NULL decoded */
    size_t body_len;
    frs_passage_t *passages;       /* in body order */
    size_t npassages;
} frs_docinfo_t;

/* Encode d (title, url, date may be NULL; body is body_len bytes).
 * Returns NULL when out of memory; *len (may be NULL) gets the length. */
char *frs_docdata_encode(const frs_docinfo_t *d, size_t *len);

/* Decode data[0..len).  FRS_OK, FRS_ECORRUPT (not our JSON, or passages
 * outside the body or out of order) or FRS_ENOMEM; on failure *out is
 * zeroed. */
frs_status_t frs_docdata_decode(const char *data, size_t len,
                                frs_docinfo_t *out);

void frs_docinfo_clear(frs_docinfo_t *d);

FRS_END_DECLS

#endif
