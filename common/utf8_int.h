/* SPDX-License-Identifier: MIT
 * utf8_int.h: internal interface of utf8.c shared with analyzer.c (not part
 * of the public utf8.h): the mapping of one folded code point to bytes.
 */
#ifndef FRS_UTF8_INT_H
#define FRS_UTF8_INT_H

#include <utf8proc.h>

#include "buf.h"

/* Append the UTF-8 form of folded code point cp to b, applying the rules
 * that Unicode normalisation does not cover: œ→oe, æ→ae (both cases) and
 * U+2019/U+02BC→'. */
void frs_utf8_put_folded(frs_buf_t *b, utf8proc_int32_t cp);

#endif
