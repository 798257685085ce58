/* SPDX-License-Identifier: MIT
 * utf8.h: UTF-8 validation and repair, and the per-word normalisation used by
 * the analyzer (NFC, full case folding, ligatures, accent removal), over
 * utf8proc.  No libc locale is involved.
 *
 * Ownership: every char * returned through an OUT parameter is allocated with
 * malloc, NUL-terminated, and owned by the caller.
 */
#ifndef FRS_UTF8_H
#define FRS_UTF8_H

#include <stddef.h>
#include "frs.h"

FRS_BEGIN_DECLS

/* Copy in[0..len) to *out, replacing each invalid or overlong UTF-8 sequence,
 * surrogate and NUL byte with U+FFFD (one per maximal ill-formed subpart,
 * as Unicode recommends: "\xe2\x80" is one, "\xc0\x80" two).  *nbad (if
 * not NULL) receives the number of replacements.  Returns FRS_OK or
 * FRS_ENOMEM (then *out = NULL). */
frs_status_t frs_utf8_sanitize(const char *in, size_t len, char **out,
                               size_t *outlen, size_t *nbad);

/* Non-zero if in[0..len) is valid UTF-8 with no NUL byte. */
int frs_utf8_valid(const char *in, size_t len);

/* Fold one word: NFC, full case folding, œ→oe, æ→ae (and capitals),
 * combining marks removed (é→e, ç→c), U+2019/U+02BC apostrophes → '.
 * Returns FRS_OK, FRS_ENOMEM, or FRS_EINVAL for invalid UTF-8 input (NUL
 * bytes included, as for frs_utf8_valid()). */
frs_status_t frs_utf8_fold(const char *in, size_t len, char **out,
                           size_t *outlen);

/* NFC-normalise a whole text (for stored passage text).  Same contract as
 * frs_utf8_fold. */
frs_status_t frs_utf8_nfc(const char *in, size_t len, char **out,
                          size_t *outlen);

FRS_END_DECLS

#endif
