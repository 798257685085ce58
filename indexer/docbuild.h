/* SPDX-License-Identifier: MIT
 * docbuild.h: one article -> one Xapian document, the schema of
 * common/schema.h: the body split into passages (passage.h) and analysed
 * passage by passage with positions numbered through the whole body, the
 * title, the id, date terms and values, the document data (the header of
 * docdata.h: fields and passage ranges) and the deflated body.
 *
 * Ownership: the document returned is the caller's (frs_xdoc_free); the
 * analyzer and the spelling word set are borrowed.
 */
#ifndef FRS_DOCBUILD_H
#define FRS_DOCBUILD_H

#include "analyzer.h"
#include "frs.h"
#include "ingest.h"
#include "passage.h"
#include "strset.h"
#include "xdb.h"

/* Build the document of article a with content hash hash (hex,
 * NUL-terminated).  Body words worth offering as spelling corrections are
 * counted into words (may be NULL).  *npassages gets the number of
 * passages.  FRS_OK, FRS_ENOMEM or FRS_EINVAL (bad passage options); on
 * failure *out = NULL. */
frs_status_t frs_docbuild(frs_analyzer_t *an, const frs_article_t *a,
                          const frs_passage_opts_t *po, const char *hash,
                          frs_strset_t *words, frs_xdoc_t **out,
                          size_t *npassages);

#endif
