/* SPDX-License-Identifier: MIT
 * utf8.c: UTF-8 validation and repair, whole-text NFC, and the word folding
 * used for "exact" terms (NFC, full case folding, accents stripped, œ/æ
 * expanded, typographic apostrophes made ASCII), all over utf8proc.
 * The analyzer keeps a non-allocating copy of the folding rules for its hot
 * path; tests/test_analyzer.c checks that both give the same result.
 */
#include "utf8.h"
#include "utf8_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "buf.h"

/* Options of the word fold: canonical decomposition with case folding and
 * marks dropped, then canonical composition. */
#define FOLD_OPTS (UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | \
                   UTF8PROC_STRIPMARK)

static const char REPLACEMENT[3] = { '\xef', '\xbf', '\xbd' }; /* U+FFFD */

/* Length of the maximal ill-formed subpart starting at s[0] (Unicode 3.9,
 * "U+FFFD substitution of maximal subparts"), for a position where
 * utf8proc_iterate() reported an error.  Always 1..3. */
static size_t bad_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xbf;
    size_t need;

    if (c >= 0xc2 && c <= 0xdf)
        need = 1;
    else if (c == 0xe0) {
        need = 2;
        lo = 0xa0;
    } else if (c == 0xed) {
        need = 2;
        hi = 0x9f;
    } else if (c >= 0xe1 && c <= 0xef)
        need = 2;
    else if (c == 0xf0) {
        need = 3;
        lo = 0x90;
    } else if (c == 0xf4) {
        need = 3;
        hi = 0x8f;
    } else if (c >= 0xf1 && c <= 0xf3)
        need = 3;
    else
        return 1;
    if (n < 2 || s[1] < lo || s[1] > hi)
        return 1;
    size_t k = 2;
    while (k <= need && k < n && (s[k] & 0xc0) == 0x80)
        k++;
    return k <= need ? k : need; /* a complete sequence was valid: not here */
}

/* utf8proc_iterate() on at most 4 bytes (so huge lengths never overflow its
 * signed length). */
static utf8proc_ssize_t iterate(const unsigned char *s, size_t avail,
                                utf8proc_int32_t *cp)
{
    return utf8proc_iterate(s, (utf8proc_ssize_t)(avail < 4 ? avail : 4), cp);
}

frs_status_t frs_utf8_sanitize(const char *in, size_t len, char **out,
                               size_t *outlen, size_t *nbad)
{
    const unsigned char *s = (const unsigned char *)in;
    frs_buf_t b = FRS_BUF_INIT;
    size_t bad = 0, i = 0, run = 0; /* in[run..i) is valid, not yet copied */

    *out = NULL;
    if (outlen)
        *outlen = 0;
    if (nbad)
        *nbad = 0;
    while (i < len) {
        if (s[i] >= 0x01 && s[i] < 0x80) {
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = iterate(s + i, len - i, &cp);
        if (n > 0 && cp != 0) {
            i += (size_t)n;
            continue;
        }
        frs_buf_append(&b, in + run, i - run);
        frs_buf_append(&b, REPLACEMENT, sizeof REPLACEMENT);
        bad++;
        i += n > 0 ? (size_t)n : bad_len(s + i, len - i);
        run = i;
    }
    frs_buf_append(&b, in + run, i - run);
    size_t blen = b.len;
    char *p = frs_buf_release(&b);
    if (!p) {
        frs_buf_free(&b);
        return FRS_ENOMEM;
    }
    *out = p;
    if (outlen)
        *outlen = blen;
    if (nbad)
        *nbad = bad;
    return FRS_OK;
}

int frs_utf8_valid(const char *in, size_t len)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0;

    while (i < len) {
        if (s[i] >= 0x01 && s[i] < 0x80) {
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = iterate(s + i, len - i, &cp);
        if (n <= 0 || cp == 0)
            return 0;
        i += (size_t)n;
    }
    return 1;
}

/* Map a utf8proc error code to a status. */
static frs_status_t map_error(utf8proc_ssize_t err)
{
    if (err == UTF8PROC_ERROR_NOMEM || err == UTF8PROC_ERROR_OVERFLOW)
        return FRS_ENOMEM;
    if (err == UTF8PROC_ERROR_INVALIDUTF8)
        return FRS_EINVAL;
    return FRS_EINTERNAL;
}

void frs_utf8_put_folded(frs_buf_t *b, utf8proc_int32_t cp)
{
    unsigned char tmp[4];

    switch (cp) {
    case 0x2019: case 0x02bc:
        frs_buf_putc(b, '\'');
        return;
    case 0x0152: case 0x0153:
        frs_buf_append(b, "oe", 2);
        return;
    case 0x00c6: case 0x00e6:
        frs_buf_append(b, "ae", 2);
        return;
    default:
        break;
    }
    utf8proc_ssize_t n = utf8proc_encode_char(cp, tmp);
    frs_buf_append(b, (const char *)tmp, (size_t)n);
}

frs_status_t frs_utf8_fold(const char *in, size_t len, char **out,
                           size_t *outlen)
{
    *out = NULL;
    if (outlen)
        *outlen = 0;
    if (!frs_utf8_valid(in, len))
        return FRS_EINVAL;

    /* Decomposition can expand (ß -> ss, ﬃ -> ffi): retry once with the
     * size utf8proc asks for. */
    utf8proc_ssize_t cap = (utf8proc_ssize_t)len + 4, n;
    utf8proc_int32_t *cps = NULL;
    for (;;) {
        if ((size_t)cap > SIZE_MAX / sizeof *cps) {
            free(cps);
            return FRS_ENOMEM;
        }
        utf8proc_int32_t *p = realloc(cps, (size_t)cap * sizeof *cps);
        if (!p) {
            free(cps);
            return FRS_ENOMEM;
        }
        cps = p;
        n = utf8proc_decompose((const utf8proc_uint8_t *)in,
                               (utf8proc_ssize_t)len, cps, cap, FOLD_OPTS);
        if (n < 0) {
            free(cps);
            return map_error(n);
        }
        if (n <= cap)
            break;
        cap = n;
    }
    n = utf8proc_normalize_utf32(cps, n, FOLD_OPTS);
    if (n < 0) {
        free(cps);
        return map_error(n);
    }

    frs_buf_t b = FRS_BUF_INIT;
    for (utf8proc_ssize_t k = 0; k < n; k++)
        frs_utf8_put_folded(&b, cps[k]);
    free(cps);
    size_t blen = b.len;
    char *r = frs_buf_release(&b);
    if (!r) {
        frs_buf_free(&b);
        return FRS_ENOMEM;
    }
    *out = r;
    if (outlen)
        *outlen = blen;
    return FRS_OK;
}

frs_status_t frs_utf8_nfc(const char *in, size_t len, char **out,
                          size_t *outlen)
{
    *out = NULL;
    if (outlen)
        *outlen = 0;
    if (!frs_utf8_valid(in, len))
        return FRS_EINVAL;
    if (len == 0) {
        char *r = malloc(1);
        if (!r)
            return FRS_ENOMEM;
        r[0] = '\0';
        *out = r;
        return FRS_OK;
    }
    utf8proc_uint8_t *r = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)in,
                                      (utf8proc_ssize_t)len, &r,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (n < 0) {
        free(r);
        return map_error(n);
    }
    *out = (char *)r;
    if (outlen)
        *outlen = (size_t)n;
    return FRS_OK;
}
