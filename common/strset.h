/* SPDX-License-Identifier: MIT
 * strset.h: a set of strings (open addressing, FNV-1a), for the ids of the
 * articles seen during an indexing run.
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
size_t frs_strset_count(const frs_strset_t *s);

#endif
