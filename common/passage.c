/* SPDX-License-Identifier: MIT
 * passage.c: paragraph-based passage splitting with merge, split and overlap.
 */
#include "passage.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    frs_span_t *a;
    size_t n, cap;
} spans_t;

static int spans_push(spans_t *s, size_t start, size_t end, unsigned words)
{
    (void)words;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        frs_span_t *p = realloc(s->a, cap * sizeof *p);
        if (!p)
            return 0;
        s->a = p;
        s->cap = cap;
    }
    s->a[s->n].start = start;
    s->a[s->n].end = end;
    s->n++;
    return 1;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

/* Number of words in t[a..b). */
static unsigned count_words(const char *t, size_t a, size_t b)
{
    unsigned n = 0;
    int in = 0;
    for (size_t i = a; i < b; i++) {
        int sp = is_space((unsigned char)t[i]);
        if (!sp && !in)
            n++;
        in = !sp;
    }
    return n;
}

/* Does the word ending just before i (t[i-1]) end a sentence? */
static int ends_sentence(const char *t, size_t i)
{
    if (i == 0)
        return 0;
    unsigned char c = (unsigned char)t[i - 1];
    if (c == '.' || c == '!' || c == '?' || c == ';')
        return 1;
    /* "…" U+2026, and closing guillemet after a sentence end "» " */
    if (i >= 3 && memcmp(t + i - 3, "\xe2\x80\xa6", 3) == 0)
        return 1;
    if (i >= 3 && memcmp(t + i - 2, "\xc2\xbb", 2) == 0)
        return ends_sentence(t, i - 2) ||
               (i >= 4 && ends_sentence(t, i - 3));
    return 0;
}

/* Cut paragraph t[a..b) (trimmed) into pieces of at most max words, at
 * sentence ends when possible. */
static int split_paragraph(const char *t, size_t a, size_t b, unsigned max,
                           spans_t *out)
{
    unsigned total = count_words(t, a, b);
    if (total <= max)
        return spans_push(out, a, b, total);
    size_t piece = a, last_sentence = 0;
    unsigned words = 0, words_at_sentence = 0;
    size_t i = a;
    while (i < b) {
        while (i < b && is_space((unsigned char)t[i]))
            i++;
        if (i >= b)
            break;
        if (words == max) {
            size_t cut = last_sentence > piece ? last_sentence : i;
            size_t end = cut;
            while (end > piece && is_space((unsigned char)t[end - 1]))
                end--;
            if (!spans_push(out, piece, end, 0))
                return 0;
            if (cut == last_sentence && cut != i) {
                words -= words_at_sentence;
            } else {
                words = 0;
            }
            piece = cut;
            while (piece < b && is_space((unsigned char)t[piece]))
                piece++;
            last_sentence = 0;
            words_at_sentence = 0;
        }
        while (i < b && !is_space((unsigned char)t[i]))
            i++;
        words++;
        if (ends_sentence(t, i) && words < max) {
            last_sentence = i;
            words_at_sentence = words;
        }
    }
    size_t end = b;
    if (piece < end)
        return spans_push(out, piece, end, 0);
    return 1;
}

frs_status_t frs_passage_split(const char *body, size_t len,
                               const frs_passage_opts_t *opts,
                               frs_span_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    frs_passage_opts_t o = {FRS_PASSAGE_MIN_WORDS, FRS_PASSAGE_MAX_WORDS,
                            FRS_PASSAGE_OVERLAP_WORDS};
    if (opts)
        o = *opts;
    if (o.max_words == 0 || o.min_words > o.max_words)
        return FRS_EINVAL;

    /* 1. paragraphs, trimmed, then cut to max_words */
    spans_t pieces = {0};
    size_t i = 0;
    while (i < len) {
        /* find the end of this paragraph: a line holding only spaces */
        size_t p = i, para_end = len, next = len;
        while (p < len) {
            if (body[p] == '\n') {
                size_t q = p + 1;
                while (q < len && body[q] != '\n' &&
                       is_space((unsigned char)body[q]))
                    q++;
                if (q < len && body[q] == '\n') {
                    para_end = p;
                    next = q + 1;
                    break;
                }
            }
            p++;
        }
        size_t a = i, b = para_end;
        while (a < b && is_space((unsigned char)body[a]))
            a++;
        while (b > a && is_space((unsigned char)body[b - 1]))
            b--;
        if (a < b && !split_paragraph(body, a, b, o.max_words, &pieces)) {
            free(pieces.a);
            return FRS_ENOMEM;
        }
        i = next;
    }

    /* 2. merge short neighbours */
    spans_t res = {0};
    for (size_t k = 0; k < pieces.n; k++) {
        size_t a = pieces.a[k].start, b = pieces.a[k].end;
        unsigned w = count_words(body, a, b);
        while (k + 1 < pieces.n) {
            unsigned wn = count_words(body, pieces.a[k + 1].start,
                                      pieces.a[k + 1].end);
            unsigned next_short = wn < o.min_words;
            if ((w >= o.min_words && !next_short) || w + wn > o.max_words)
                break;
            /* merge a short piece forward, or a short next piece back */
            b = pieces.a[k + 1].end;
            w += wn;
            k++;
        }
        if (!spans_push(&res, a, b, w)) {
            free(pieces.a);
            free(res.a);
            return FRS_ENOMEM;
        }
    }
    free(pieces.a);

    /* 3. overlap: start each passage but the first some words earlier */
    if (o.overlap_words > 0) {
        for (size_t k = 1; k < res.n; k++) {
            size_t s = res.a[k].start;
            size_t floor = res.a[k - 1].start;
            unsigned w = 0;
            while (s > floor && w < o.overlap_words) {
                while (s > floor && is_space((unsigned char)body[s - 1]))
                    s--;
                while (s > floor && !is_space((unsigned char)body[s - 1]))
                    s--;
                w++;
            }
            res.a[k].start = s;
        }
    }
    *out = res.a;
    *n = res.n;
    return FRS_OK;
}
