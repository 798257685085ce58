/* SPDX-License-Identifier: MIT
 * hash.h: two hashes, neither cryptographic.
 *   - 64-bit FNV-1a (frs_hash_update), for shortening overlong words (part
 *     of the analyzer's output: changing it changes FRS_ANALYZER_VERSION)
 *     and for query --check's content fingerprint;
 *   - 128-bit XXH3 (xxHash, libxxhash), for the content hash of an article
 *     (FRS_SLOT_HASH): a collision there would leave a changed article
 *     unindexed, so it gets the wide hash.
 *
 * Ownership: a frs_hash128_t is owned by its creator (_new/_free).
 */
#ifndef FRS_HASH_H
#define FRS_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "frs.h"

#define FRS_HASH_INIT UINT64_C(0xcbf29ce484222325)

/* Continue hash h over p[0..len). */
uint64_t frs_hash_update(uint64_t h, const void *p, size_t len);

/* Write h as 16 lower-case hex digits plus NUL into out[17]. */
void frs_hash_hex(uint64_t h, char out[17]);

/* Hex digits of a 128-bit hash (without the NUL). */
#define FRS_HASH128_HEX 32

typedef struct frs_hash128 frs_hash128_t;

/* A new XXH3-128 state (seed 0), reset.  FRS_OK or FRS_ENOMEM (*out =
 * NULL). */
frs_status_t frs_hash128_new(frs_hash128_t **out);

/* Start over, as if new. */
void frs_hash128_reset(frs_hash128_t *h);

/* Continue over p[0..len). */
void frs_hash128_update(frs_hash128_t *h, const void *p, size_t len);

/* The hash of everything given since the last reset, in xxHash's canonical
 * (big-endian) form, as 32 lower-case hex digits plus NUL into out[33]: the
 * digits xxh128sum prints. */
void frs_hash128_hex(const frs_hash128_t *h, char out[FRS_HASH128_HEX + 1]);

/* NULL is a no-op. */
void frs_hash128_free(frs_hash128_t *h);

#endif
