/* SPDX-License-Identifier: MIT
 * passage.c: passages of whole paragraphs merged to a target length,
 * headings kept with the text they introduce.
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

/* A short paragraph that does not end like a sentence: a heading. */
static int is_heading(const char *t, size_t a, size_t b)
{
    if (count_words(t, a, b) > FRS_PASSAGE_HEADING_WORDS)
        return 0;
    unsigned char c = (unsigned char)t[b - 1];
    return !(ends_sentence(t, b) || c == ':' || c == ',' || c == ')' ||
             c == '"');
}

typedef struct {
    size_t start, end;
    unsigned words;
    int heading;    /* a whole paragraph that reads as a heading */
} piece_t;

typedef struct {
    piece_t *a;
    size_t n, cap;
} pieces_t;

/* Append the pieces of paragraph t[a..b): one, or several when it is
 * longer than max words. */
static int add_paragraph(const char *t, size_t a, size_t b, unsigned max,
                         pieces_t *out)
{
    spans_t cut = {0};
    if (!split_paragraph(t, a, b, max, &cut)) {
        free(cut.a);
        return 0;
    }
    for (size_t k = 0; k < cut.n; k++) {
        if (out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 16;
            piece_t *p = realloc(out->a, cap * sizeof *p);
            if (!p) {
                free(cut.a);
                return 0;
            }
            out->a = p;
            out->cap = cap;
        }
        piece_t *p = &out->a[out->n++];
        p->start = cut.a[k].start;
        p->end = cut.a[k].end;
        p->words = count_words(t, p->start, p->end);
        p->heading = cut.n == 1 && is_heading(t, p->start, p->end);
    }
    free(cut.a);
    return 1;
}

/* The paragraphs of body[0..len), trimmed and cut to max words. */
static int paragraphs(const char *body, size_t len, unsigned max,
                      pieces_t *out)
{
    size_t i = 0;
    while (i < len) {
        /* the paragraph ends at a line holding only spaces */
        size_t p = i, para_end = len, next = len;
        for (; p < len; p++) {
            if (body[p] != '\n')
                continue;
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
        size_t a = i, b = para_end;
        while (a < b && is_space((unsigned char)body[a]))
            a++;
        while (b > a && is_space((unsigned char)body[b - 1]))
            b--;
        if (a < b && !add_paragraph(body, a, b, max, out))
            return 0;
        i = next;
    }
    return 1;
}

/* The passage starting at piece k ends before piece j (returned): pieces
 * are taken while it holds fewer than min words and stays within max; a
 * heading is never its last piece (the text after it comes along, unless
 * that would pass max: then the passage ends before the heading), and a
 * passage already half full ends before a heading. */
static size_t merge_end(const pieces_t *pc, size_t k,
                        const frs_passage_opts_t *o)
{
    size_t j = k + 1;
    unsigned w = pc->a[k].words;
    while (j < pc->n) {
        const piece_t *next = &pc->a[j];
        if (pc->a[j - 1].heading) {
            if (w + next->words > o->max_words && j - 1 > k)
                return j - 1;
        } else if (w >= o->min_words || w + next->words > o->max_words ||
                   (next->heading && w >= o->min_words / 2)) {
            return j;
        }
        w += next->words;
        j++;
    }
    return j;
}

frs_status_t frs_passage_split(const char *body, size_t len,
                               const frs_passage_opts_t *opts,
                               frs_span_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    frs_passage_opts_t o = {FRS_PASSAGE_MIN_WORDS, FRS_PASSAGE_MAX_WORDS};
    if (opts)
        o = *opts;
    if (o.max_words == 0 || o.min_words > o.max_words)
        return FRS_EINVAL;
    pieces_t pc = {0};
    if (!paragraphs(body, len, o.max_words, &pc)) {
        free(pc.a);
        return FRS_ENOMEM;
    }
    spans_t res = {0};
    unsigned last_words = 0;
    for (size_t k = 0; k < pc.n;) {
        size_t j = merge_end(&pc, k, &o);
        unsigned w = 0;
        for (size_t i = k; i < j; i++)
            w += pc.a[i].words;
        if (res.n > 0 && w < o.min_words / 2 &&
            last_words + w <= o.max_words) {
            res.a[res.n - 1].end = pc.a[j - 1].end; /* a short one joins
                                                        the one before */
            last_words += w;
        } else if (!spans_push(&res, pc.a[k].start, pc.a[j - 1].end, w)) {
            free(pc.a);
            free(res.a);
            return FRS_ENOMEM;
        } else {
            last_words = w;
        }
        k = j;
    }
    free(pc.a);
    *out = res.a;
    *n = res.n;
    return FRS_OK;
}
