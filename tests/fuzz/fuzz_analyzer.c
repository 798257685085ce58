/* SPDX-License-Identifier: MIT
 * fuzz_analyzer.c: arbitrary bytes through the analyzer and the UTF-8
 * module; every token's offsets, sizes and flags are checked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    size_t len;
    unsigned last_pos;
} ctx_t;

static int check(void *vctx, const frs_token_t *t)
{
    ctx_t *c = vctx;
    if (t->start >= t->end || t->end > c->len)
        abort();
    if (t->exact_len == 0 || t->exact_len > FRS_MAX_WORD_BYTES)
        abort();
    if (t->stem_len == 0 || t->stem_len > FRS_MAX_WORD_BYTES + 64)
        abort();
    if (!frs_utf8_valid(t->exact, t->exact_len))
        abort();
    if (t->pos + 1 < c->last_pos)
        abort();
    c->last_pos = t->pos;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static frs_analyzer_t *an;
    if (!an && frs_analyzer_new(&an) != FRS_OK)
        abort();
    ctx_t c = {size, 0};
    unsigned last = 0;
    if (frs_analyzer_run(an, (const char *)data, size, 0, check, &c, &last) !=
        FRS_OK)
        abort();
    char *out = NULL;
    size_t n = 0, bad = 0;
    if (frs_utf8_sanitize((const char *)data, size, &out, &n, &bad) != FRS_OK)
        abort();
    if (!frs_utf8_valid(out, n))
        abort();
    char *f = NULL;
    size_t fn = 0;
    if (frs_utf8_fold(out, n, &f, &fn) == FRS_OK && !frs_utf8_valid(f, fn))
        abort();
    free(f);
    free(out);
    return 0;
}
