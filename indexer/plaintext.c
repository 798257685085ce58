/* SPDX-License-Identifier: MIT
 * plaintext.c: the encoding of a text file, and its lines made into
 * paragraphs (plaintext.h).
 */
#include "plaintext.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Length of the valid UTF-8 character at s[i] (i < n), or 0. */
static size_t utf8_char(const unsigned char *s, size_t n, size_t i)
{
    unsigned char c = s[i];
    size_t k;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        k = 2;
    else if (c >= 0xe0 && c <= 0xef)
        k = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        k = 4;
    else
        return 0;
    if (i + k > n)
        return 0;
    for (size_t j = 1; j < k; j++)
        if ((s[i + j] & 0xc0) != 0x80)
            return 0;
    /* overlong three- and four-byte forms, surrogates, beyond U+10FFFF */
    if ((c == 0xe0 && s[i + 1] < 0xa0) || (c == 0xed && s[i + 1] > 0x9f) ||
        (c == 0xf0 && s[i + 1] < 0x90) || (c == 0xf4 && s[i + 1] > 0x8f))
        return 0;
    return k;
}

frs_text_encoding_t frs_plaintext_encoding(const char *text, size_t len,
                                           size_t *bad, unsigned char *first)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t multi = 0, nbad = 0, letters = 0, c1 = 0;
    unsigned char first_bad = 0;
    for (size_t i = 0; i < len;) {
        size_t k = utf8_char(s, len, i);
        if (k > 1)
            multi++;
        if (k > 0) {
            i += k;
            continue;
        }
        if (!first_bad)
            first_bad = s[i];
        nbad++;
        letters += s[i] >= 0xc0 && s[i] != 0xd7 && s[i] != 0xf7;
        c1 += s[i] >= 0x80 && s[i] <= 0x9f;
        i++;
    }
    if (bad)
        *bad = nbad;
    if (first)
        *first = first_bad;
    if (nbad == 0)
        return FRS_TEXT_UTF8;
    if (nbad <= multi || letters * 2 < nbad)
        return FRS_TEXT_DAMAGED;
    return c1 ? FRS_TEXT_CP1252 : FRS_TEXT_LATIN1;
}

/* A line of the text: bytes [start, end), trailing white space excluded. */
typedef struct {
    size_t start, end, chars;
} line_t;

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

/* Does the line end like a sentence: . ! ? ; … or a closing quote? */
static int ends_sentence(const char *t, const line_t *l)
{
    size_t n = l->end - l->start;
    const char *e = t + l->end;
    if (n == 0)
        return 0;
    char c = e[-1];
    if (c == '.' || c == '!' || c == '?' || c == ';' || c == '"')
        return 1;
    return (n >= 3 && (memcmp(e - 3, "\xe2\x80\xa6", 3) == 0 ||   /* … */
                       memcmp(e - 3, "\xe2\x80\x9d", 3) == 0)) || /* ” */
           (n >= 2 && memcmp(e - 2, "\xc2\xbb", 2) == 0);          /* » */
}

/* Does the line start a list item: "- ", "* ", "• ", "– ", "— ", "1. "? */
static int starts_item(const char *t, const line_t *l)
{
    const char *s = t + l->start, *e = t + l->end;
    while (s < e && is_space(*s))
        s++;
    static const char *const bullets[] = {"- ", "* ", "\xe2\x80\xa2 ",
                                          "\xe2\x80\x93 ", "\xe2\x80\x94 "};
    for (size_t k = 0; k < sizeof bullets / sizeof *bullets; k++) {
        size_t bl = strlen(bullets[k]);
        if ((size_t)(e - s) >= bl && memcmp(s, bullets[k], bl) == 0)
            return 1;
    }
    const char *d = s;
    while (d < e && *d >= '0' && *d <= '9')
        d++;
    return d > s && d + 1 < e && (*d == '.' || *d == ')') && d[1] == ' ';
}

static int by_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* The width the text is wrapped at: the 80th percentile of the lengths
 * of its non-empty lines, in characters (0 for no line). */
static size_t wrap_width(const line_t *v, size_t n)
{
    size_t *len = malloc((n ? n : 1) * sizeof *len), m = 0;
    if (!len)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].chars)
            len[m++] = v[i].chars;
    qsort(len, m, sizeof *len, by_size);
    size_t w = m ? len[(m * 4) / 5 < m ? (m * 4) / 5 : m - 1] : 0;
    free(len);
    return w;
}

/* Split t[0..n) (LF line ends) into lines. */
static line_t *split_lines(const char *t, size_t n, size_t *count)
{
    size_t cap = 1;
    for (size_t i = 0; i < n; i++)
        cap += t[i] == '\n';
    line_t *v = malloc(cap * sizeof *v);
    if (!v)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i <= n && k < cap;) {
        size_t e = i;
        while (e < n && t[e] != '\n')
            e++;
        line_t l = {i, e, 0};
        while (l.end > l.start && is_space(t[l.end - 1]))
            l.end--;
        for (size_t j = l.start; j < l.end; j++) /* 0: a blank line */
            l.chars += ((unsigned char)t[j] & 0xc0) != 0x80;
        v[k++] = l;
        i = e + 1;
    }
    *count = k;
    return v;
}

/* t[0..n) with CR LF and CR made LF, into b. */
static void unix_lines(const char *t, size_t n, frs_buf_t *b)
{
    for (size_t i = 0; i < n; i++) {
        if (t[i] != '\r') {
            frs_buf_putc(b, t[i]);
        } else if (i + 1 >= n || t[i + 1] != '\n') {
            frs_buf_putc(b, '\n');
        }
    }
}

frs_status_t frs_plaintext_paragraphs(const char *text, size_t len,
                                      char **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    frs_buf_t in = FRS_BUF_INIT, b = FRS_BUF_INIT;
    unix_lines(text, len, &in);
    size_t n = 0;
    line_t *v = in.rc == FRS_OK ? split_lines(in.data ? in.data : "",
                                              in.len, &n)
                                : NULL;
    if (!v) {
        frs_buf_free(&in);
        return FRS_ENOMEM;
    }
    const char *t = in.data ? in.data : "";
    size_t w = wrap_width(v, n);
    int wrapped = w >= FRS_TEXT_WRAP_MIN && w <= FRS_TEXT_WRAP_MAX;
    for (size_t i = 0; i < n; i++) {
        frs_buf_append(&b, t + v[i].start, v[i].end - v[i].start);
        if (i + 1 == n)
            break;
        int wrap = wrapped && v[i].chars && v[i + 1].chars &&
                   v[i].chars * 3 >= w * 2 && !ends_sentence(t, &v[i]) &&
                   !starts_item(t, &v[i + 1]);
        /* a break between two lines of text that is no wrap: a blank
         * line; blank lines stay as they are */
        frs_buf_puts(&b, wrap || !v[i].chars || !v[i + 1].chars ? "\n"
                                                                : "\n\n");
    }
    free(v);
    frs_buf_free(&in);
    if (b.rc != FRS_OK) {
        frs_buf_free(&b);
        return FRS_ENOMEM;
    }
    *outlen = b.len;
    *out = frs_buf_release(&b);
    frs_buf_free(&b);
    return *out ? FRS_OK : FRS_ENOMEM;
}
