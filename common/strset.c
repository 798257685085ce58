/* SPDX-License-Identifier: MIT
 * strset.c: string set with linear probing, kept at most half full.
 */
#include "strset.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"

typedef struct {
    char *s;
    size_t len;
    uint64_t h;
    unsigned count;
} slot_t;

struct frs_strset {
    slot_t *slots;
    size_t cap, n; /* cap is a power of two */
};

frs_status_t frs_strset_new(frs_strset_t **out)
{
    *out = NULL;
    frs_strset_t *s = calloc(1, sizeof *s);
    if (!s)
        return FRS_ENOMEM;
    s->cap = 64;
    s->slots = calloc(s->cap, sizeof *s->slots);
    if (!s->slots) {
        free(s);
        return FRS_ENOMEM;
    }
    *out = s;
    return FRS_OK;
}

void frs_strset_free(frs_strset_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->cap; i++)
        free(s->slots[i].s);
    free(s->slots);
    free(s);
}

static slot_t *find(const frs_strset_t *s, const char *str, size_t len,
                    uint64_t h)
{
    size_t i = (size_t)h & (s->cap - 1);
    for (;;) {
        slot_t *e = &s->slots[i];
        if (!e->s || (e->h == h && e->len == len && !memcmp(e->s, str, len)))
            return e;
        i = (i + 1) & (s->cap - 1);
    }
}

static int grow(frs_strset_t *s)
{
    size_t cap = s->cap * 2;
    slot_t *old = s->slots, *n = calloc(cap, sizeof *n);
    if (!n)
        return 0;
    size_t oldcap = s->cap;
    s->slots = n;
    s->cap = cap;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].s)
            *find(s, old[i].s, old[i].len, old[i].h) = old[i];
    free(old);
    return 1;
}

frs_status_t frs_strset_incr(frs_strset_t *s, const char *str, size_t len,
                             unsigned inc)
{
    if ((s->n + 1) * 2 > s->cap && !grow(s))
        return FRS_ENOMEM;
    uint64_t h = frs_hash_update(FRS_HASH_INIT, str, len);
    slot_t *e = find(s, str, len, h);
    if (!e->s) {
        e->s = malloc(len + 1);
        if (!e->s)
            return FRS_ENOMEM;
        memcpy(e->s, str, len);
        e->s[len] = '\0';
        e->len = len;
        e->h = h;
        e->count = 0;
        s->n++;
    }
    e->count += inc;
    return FRS_OK;
}

frs_status_t frs_strset_add(frs_strset_t *s, const char *str, size_t len)
{
    return frs_strset_incr(s, str, len, 0);
}

void frs_strset_each(const frs_strset_t *s,
                     int (*cb)(void *ctx, const char *str, size_t len,
                               unsigned count),
                     void *ctx)
{
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i].s &&
            cb(ctx, s->slots[i].s, s->slots[i].len, s->slots[i].count))
            return;
}

void frs_strset_clear(frs_strset_t *s)
{
    for (size_t i = 0; i < s->cap; i++) {
        free(s->slots[i].s);
        s->slots[i].s = NULL;
    }
    s->n = 0;
}

int frs_strset_has(const frs_strset_t *s, const char *str, size_t len)
{
    return find(s, str, len, frs_hash_update(FRS_HASH_INIT, str, len))->s !=
           NULL;
}

unsigned frs_strset_get(const frs_strset_t *s, const char *str, size_t len)
{
    const slot_t *e =
        find(s, str, len, frs_hash_update(FRS_HASH_INIT, str, len));
    return e->s ? e->count : 0;
}

size_t frs_strset_count(const frs_strset_t *s)
{
    return s->n;
}
