/* SPDX-License-Identifier: MIT
 * docdata.h: the document data stored with each passage: one JSON object
 *   {"id": article id, "n": passage number (0-based), "of": passages in the
 *    article, "title": ..., "url": ..., "date": "YYYY-MM-DD", "text": passage}
 * Absent optional fields are omitted.  Everything needed to show a hit is
 * here, so the source files are never re-read.
 *
 * Ownership: frs_docdata_encode returns a malloc'd string; a decoded
 * frs_docinfo_t owns its strings until frs_docinfo_clear().
 */
#ifndef FRS_DOCDATA_H
#define FRS_DOCDATA_H

#include <stddef.h>
#include "frs.h"

FRS_BEGIN_DECLS

typedef struct {
    char *id, *title, *url, *date, *text; /* NULL when absent (id, text: "") */
    unsigned passage, npassages;
} frs_docinfo_t;

/* Encode; title, url, date may be NULL.  Returns NULL when out of memory. */
char *frs_docdata_encode(const char *id, unsigned passage, unsigned npassages,
                         const char *title, const char *url, const char *date,
                         const char *text, size_t text_len, size_t *len);

/* Decode data[0..len).  FRS_OK, FRS_ECORRUPT (not our JSON) or FRS_ENOMEM;
 * on failure *out is zeroed. */
frs_status_t frs_docdata_decode(const char *data, size_t len,
                                frs_docinfo_t *out);

void frs_docinfo_clear(frs_docinfo_t *d);

FRS_END_DECLS

#endif
