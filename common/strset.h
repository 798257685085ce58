/* SPDX-License-Identifier: MIT
 * strset.h: a set of strings with a count each (open addressing, FNV-1a):
 * the ids of the articles seen during an indexing run, and the words of a
 * batch for the spelling dictionary.
 *
 * Ownership: the set copies the strings it is given and frees them.
 */
#ifndef FRS_STRSET_H
#define FRS_STRSET_H

#include <stddef.h>
#include "frs.h"

typedef struct frs_strset frs_strset_t;

frs_status_t frs_strset_new(frs_strset_t **out);
void frs_strset_free(frs_strset_t *s);
/* Add s[0..len); FRS_OK (also when already present) or FRS_ENOMEM. */
frs_status_t frs_strset_add(frs_strset_t *s, const char *str, size_t len);
int frs_strset_has(const frs_strset_t *s, const char *str, size_t len);
/* The count of s[0..len), or 0 when it is missing. */
unsigned frs_strset_get(const frs_strset_t *s, const char *str, size_t len);
size_t frs_strset_count(const frs_strset_t *s);
/* Add s[0..len) if missing and add inc to its count.  FRS_OK or
 * FRS_ENOMEM. */
frs_status_t frs_strset_incr(frs_strset_t *s, const char *str, size_t len,
                             unsigned inc);
/* Call cb for every string with its count (in no particular order); stops
 * early if cb returns non-zero. */
void frs_strset_each(const frs_strset_t *s,
                     int (*cb)(void *ctx, const char *str, size_t len,
                               unsigned count),
                     void *ctx);
/* Remove every string. */
void frs_strset_clear(frs_strset_t *s);

#endif
