/* SPDX-License-Identifier: MIT
 * hash.h: 64-bit FNV-1a, used for content hashes and for shortening
 * overlong words.  Not cryptographic.
 */
#ifndef FRS_HASH_H
#define FRS_HASH_H

#include <stddef.h>
#include <stdint.h>

#define FRS_HASH_INIT UINT64_C(0xcbf29ce484222325)

/* Continue hash h over p[0..len). */
uint64_t frs_hash_update(uint64_t h, const void *p, size_t len);

/* Write h as 16 lower-case hex digits plus NUL into out[17]. */
void frs_hash_hex(uint64_t h, char out[17]);

#endif
