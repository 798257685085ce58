/* SPDX-License-Identifier: MIT
 * hash.c: 64-bit FNV-1a, and XXH3-128 through libxxhash's dynamic-linking
 * API (its state is allocated by the library: its layout is not ABI).
 */
#include "hash.h"

#include <stdlib.h>
#include <xxhash.h>

uint64_t frs_hash_update(uint64_t h, const void *p, size_t len)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < len; i++) {
        h ^= s[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

static const char hex[] = "0123456789abcdef";

void frs_hash_hex(uint64_t h, char out[17])
{
    for (int i = 15; i >= 0; i--) {
        out[i] = hex[h & 15];
        h >>= 4;
    }
    out[16] = '\0';
}

struct frs_hash128 {
    XXH3_state_t *st;
};

frs_status_t frs_hash128_new(frs_hash128_t **out)
{
    *out = NULL;
    frs_hash128_t *h = malloc(sizeof *h);
    if (!h)
        return FRS_ENOMEM;
    h->st = XXH3_createState();
    if (!h->st) {
        free(h);
        return FRS_ENOMEM;
    }
    frs_hash128_reset(h);
    *out = h;
    return FRS_OK;
}

void frs_hash128_reset(frs_hash128_t *h)
{
    XXH3_128bits_reset(h->st);
}

void frs_hash128_update(frs_hash128_t *h, const void *p, size_t len)
{
    if (len > 0)
        XXH3_128bits_update(h->st, p, len);
}

void frs_hash128_hex(const frs_hash128_t *h, char out[FRS_HASH128_HEX + 1])
{
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits_digest(h->st));
    for (size_t i = 0; i < sizeof c.digest; i++) {
        out[2 * i] = hex[c.digest[i] >> 4];
        out[2 * i + 1] = hex[c.digest[i] & 15];
    }
    out[FRS_HASH128_HEX] = '\0';
}

void frs_hash128_free(frs_hash128_t *h)
{
    if (!h)
        return;
    XXH3_freeState(h->st);
    free(h);
}
