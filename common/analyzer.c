/* SPDX-License-Identifier: MIT
 * analyzer.c: the French analysis pipeline declared in analyzer.h: word
 * splitting on the original bytes, elision stripping, compounds, numbers,
 * folding to the exact form, stop word flags, Snowball stemming and the
 * long-word hash.  It is the only includer of libstemmer.h.
 *
 * Speed: ASCII and Latin letters are classified and folded through tables
 * built once per analyzer from the same utf8proc rules used for any other
 * character, and stems of short words are kept in a direct-mapped cache, so
 * the steady state calls neither utf8proc nor malloc for ordinary French.
 */
#include "analyzer.h"
#include "utf8_int.h"

#include <libstemmer.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "buf.h"
#include "hash.h"

/* Same rules as frs_utf8_fold() in utf8.c (checked by test_analyzer). */
#define FOLD_OPTS (UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | \
                   UTF8PROC_STRIPMARK)

/* Code points below FAST_LIMIT (Latin scripts and the combining diacritics)
 * have their class and, when it is pure ASCII, their folded form in tables. */
#define FAST_LIMIT 0x370
#define FAST_SLOW 0xff       /* fast_len value: fold needs utf8proc */

/* Stem cache: CACHE_SETS sets of two entries (way 0 most recently used),
 * keyed by exact forms up to CACHE_KEY bytes. */
#define CACHE_SETS 8192      /* a power of two */
#define CACHE_KEY 24

/* Character classes. */
enum { C_SEP, C_LETTER, C_MARK, C_DIGIT, C_NUM };

typedef struct {
    unsigned char klen, slen, stop; /* klen == 0: empty slot */
    char key[CACHE_KEY];
    char stem[CACHE_KEY];
} cache_entry_t;

/* One part of a (possibly hyphenated) word. */
typedef struct {
    size_t start, end;  /* input bytes, elision excluded */
    size_t xoff, xlen;  /* exact form, in an->word */
    int number;
} part_t;

struct frs_analyzer {
    struct sb_stemmer *stemmer;
    frs_buf_t word;     /* exact forms of the current word's parts */
    frs_buf_t comp;     /* exact form of the current compound */
    frs_buf_t hashed;   /* cut and hashed term */
    frs_buf_t stem;     /* copy of a stem that did not fit the cache */
    part_t *parts;
    size_t nparts, partcap;
    utf8proc_int32_t *cps; /* scratch for the utf8proc fold */
    size_t cpcap;
    cache_entry_t *cache;
    unsigned char cls[FAST_LIMIT];
    unsigned char fast_len[FAST_LIMIT];
    char fast[FAST_LIMIT][4];
};

static inline int is_apostrophe(utf8proc_int32_t cp)
{
    return cp == '\'' || cp == 0x2019 || cp == 0x02bc;
}

static inline int is_hyphen(utf8proc_int32_t cp)
{
    return cp == '-' || cp == 0x2010 || cp == 0x2011;
}

static inline int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Class of a code point from its Unicode general category. */
static int category_class(utf8proc_int32_t cp)
{
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return C_LETTER;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return C_MARK;
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return C_NUM;
    default:
        return C_SEP;
    }
}

static inline int classify(const frs_analyzer_t *an, utf8proc_int32_t cp)
{
    return cp < FAST_LIMIT ? an->cls[cp] : category_class(cp);
}

/* Decode the character at s[i] (i < len).  Returns its length, or 0 for an
 * invalid byte (which the caller skips as a separator). */
static inline size_t decode(const unsigned char *s, size_t len, size_t i,
                     utf8proc_int32_t *cp)
{
    if (s[i] < 0x80) {
        *cp = s[i];
        return 1;
    }
    size_t avail = len - i < 4 ? len - i : 4;
    utf8proc_ssize_t n = utf8proc_iterate(s + i, (utf8proc_ssize_t)avail, cp);
    return n > 0 ? (size_t)n : 0;
}

/* Class of the character at s[i]; C_SEP at the end or on an invalid byte.
 * *cp and *n receive the character and its length. */
static inline int peek(const frs_analyzer_t *an, const unsigned char *s,
                       size_t len, size_t i, utf8proc_int32_t *cp, size_t *n)
{
    *cp = -1;
    *n = 0;
    if (i >= len)
        return C_SEP;
    if (s[i] < 0x80) {
        *cp = s[i];
        *n = 1;
        return an->cls[s[i]];
    }
    *n = decode(s, len, i, cp);
    return *n ? classify(an, *cp) : C_SEP;
}

/* Length of a thousands separator (space, U+00A0, U+202F, U+2009) at s[i],
 * or 0. */
static inline size_t group_sep_len(const unsigned char *s, size_t len,
                                   size_t i)
{
    if (i < len && s[i] == ' ')
        return 1;
    if (i + 1 < len && s[i] == 0xc2 && s[i + 1] == 0xa0)
        return 2;
    if (i + 2 < len && s[i] == 0xe2 && s[i + 1] == 0x80 &&
        (s[i + 2] == 0xaf || s[i + 2] == 0x89))
        return 3;
    return 0;
}

/* Scan one part (a word without hyphens) starting at s[j], a letter or
 * digit.  Returns its end; *number says whether it is a number. */
static size_t scan_part(const frs_analyzer_t *an, const unsigned char *s,
                        size_t len, size_t j, int *number)
{
    utf8proc_int32_t cp;
    size_t n;

    if (is_digit(s[j])) {
        size_t k = j;
        while (k < len && is_digit(s[k]))
            k++;
        int group_ok = k - j <= 3, joined = 0;
        for (;;) {
            if (k + 1 < len && (s[k] == '.' || s[k] == ',') &&
                is_digit(s[k + 1])) {
                k++;
                while (k < len && is_digit(s[k]))
                    k++;
                group_ok = 0;
                joined = 1;
                continue;
            }
            size_t g = group_ok ? group_sep_len(s, len, k) : 0;
            if (g && k + g + 3 <= len && is_digit(s[k + g]) &&
                is_digit(s[k + g + 1]) && is_digit(s[k + g + 2]) &&
                peek(an, s, len, k + g + 3, &cp, &n) == C_SEP) {
                k += g + 3;
                joined = 1;
                continue;
            }
            break;
        }
        /* A plain digit run directly followed by letters ("19e", "320A")
         * is an ordinary word; a joined number ends here ("3,5kg"). */
        if (joined || peek(an, s, len, k, &cp, &n) == C_SEP) {
            *number = 1;
            return k;
        }
        j = k;
    }

    *number = 0;
    int after_letter = 0;
    while (j < len) {
        /* Fast path: a run of ASCII letters and digits. */
        if (s[j] < 0x80 && an->cls[s[j]] != C_SEP) {
            do {
                after_letter = an->cls[s[j]] == C_LETTER;
                j++;
            } while (j < len && s[j] < 0x80 && an->cls[s[j]] != C_SEP);
            continue;
        }
        int c = peek(an, s, len, j, &cp, &n);
        if (c != C_SEP) {
            after_letter = c == C_LETTER || c == C_MARK;
            j += n;
            continue;
        }
        if (after_letter && is_apostrophe(cp)) {
            utf8proc_int32_t cp2;
            size_t n2;
            if (peek(an, s, len, j + n, &cp2, &n2) == C_LETTER) {
                j += n;
                after_letter = 0;
                continue;
            }
        }
        break;
    }
    return j;
}

/* Length of a leading elision (letters plus apostrophe) of the word
 * s[a..b), or 0.  The apostrophe is known to be followed by a letter. */
static size_t elision_len(const unsigned char *s, size_t a, size_t b)
{
    static const char *const prefixes[] = {
        "l", "m", "t", "n", "s", "j", "d", "c",
        "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"
    };
    char low[7];
    size_t k = 0;

    while (a + k < b && k < 6 &&
           ((s[a + k] | 0x20) >= 'a' && (s[a + k] | 0x20) <= 'z')) {
        low[k] = (char)(s[a + k] | 0x20);
        k++;
    }
    if (k == 0 || a + k >= b)
        return 0;
    size_t ap = 0, i = a + k;
    if (s[i] == '\'')
        ap = 1;
    else if (i + 1 < b && s[i] == 0xca && s[i + 1] == 0xbc)
        ap = 2;
    else if (i + 2 < b && s[i] == 0xe2 && s[i + 1] == 0x80 && s[i + 2] == 0x99)
        ap = 3;
    if (!ap || i + ap >= b)
        return 0;
    for (size_t p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++)
        if (strlen(prefixes[p]) == k && memcmp(prefixes[p], low, k) == 0)
            return k + ap;
    return 0;
}


/* Fold valid UTF-8 s[0..n) through utf8proc and append it to out. */
static frs_status_t slow_fold(frs_analyzer_t *an, const unsigned char *s,
                              size_t n, frs_buf_t *out)
{
    utf8proc_ssize_t r;

    for (;;) {
        r = utf8proc_decompose(s, (utf8proc_ssize_t)n, an->cps,
                               (utf8proc_ssize_t)an->cpcap, FOLD_OPTS);
        if (r < 0)
            return r == UTF8PROC_ERROR_NOMEM ? FRS_ENOMEM : FRS_EINTERNAL;
        if ((size_t)r <= an->cpcap)
            break;
        size_t cap = (size_t)r + 64;
        if (cap > SIZE_MAX / sizeof *an->cps)
            return FRS_ENOMEM;
        utf8proc_int32_t *p = realloc(an->cps, cap * sizeof *p);
        if (!p)
            return FRS_ENOMEM;
        an->cps = p;
        an->cpcap = cap;
    }
    r = utf8proc_normalize_utf32(an->cps, r, FOLD_OPTS);
    if (r < 0)
        return FRS_EINTERNAL;
    for (utf8proc_ssize_t k = 0; k < r; k++)
        frs_utf8_put_folded(out, an->cps[k]);
    return out->rc;
}

/* Append the exact form of the word part s[a..b) to an->word. */
static frs_status_t fold_part(frs_analyzer_t *an, const unsigned char *s,
                              size_t a, size_t b)
{
    frs_buf_t *w = &an->word;
    size_t mark = w->len, i = a;

    while (i < b) {
        size_t r = i;
        while (r < b && s[r] < 0x80)
            r++;
        if (r > i) {
            size_t at = w->len;
            frs_buf_append(w, (const char *)s + i, r - i);
            if (w->rc != FRS_OK)
                return w->rc;
            for (char *p = w->data + at; p < w->data + w->len; p++)
                if (*p >= 'A' && *p <= 'Z')
                    *p = (char)(*p | 0x20);
            i = r;
            if (i == b)
                break;
        }
        utf8proc_int32_t cp;
        size_t n = decode(s, b, i, &cp);
        if (n && cp < FAST_LIMIT && an->fast_len[cp] != FAST_SLOW) {
            frs_buf_append(w, an->fast[cp], an->fast_len[cp]);
        } else if (n && cp == 0x2019) {
            frs_buf_putc(w, '\'');
        } else {
            /* Outside the tables: redo the whole part through utf8proc. */
            w->len = mark;
            return slow_fold(an, s + a, b - a, w);
        }
        i += n;
    }
    return w->rc;
}

/* Append the exact form of the number s[a..b): digits, '.' and ',' kept,
 * thousands separators dropped. */
static frs_status_t fold_number(frs_analyzer_t *an, const unsigned char *s,
                                size_t a, size_t b)
{
    size_t i = a;

    while (i < b) {
        size_t r = i;
        while (r < b && (is_digit(s[r]) || s[r] == '.' || s[r] == ','))
            r++;
        frs_buf_append(&an->word, (const char *)s + i, r - i);
        i = r + (r < b ? group_sep_len(s, b, r) : 0);
        if (i == r && r < b)
            i++; /* cannot happen: numbers hold nothing else */
    }
    return an->word.rc;
}

/* Stem of exact form x[0..xl) and its stop word flag, through the cache. */
static frs_status_t stem_of(frs_analyzer_t *an, const char *x, size_t xl,
                            const char **st, size_t *sl, int *stop)
{
    cache_entry_t *set = NULL;

    if (xl <= CACHE_KEY) {
        uint64_t h = frs_hash_update(FRS_HASH_INIT, x, xl);
        set = &an->cache[2 * (h & (CACHE_SETS - 1))];
        if (set[0].klen == xl && memcmp(set[0].key, x, xl) == 0)
            goto hit;
        if (set[1].klen == xl && memcmp(set[1].key, x, xl) == 0) {
            cache_entry_t t = set[0];
            set[0] = set[1];
            set[1] = t;
            goto hit;
        }
    }
    /* Snowball French never strips a plural -s after o or u ("vélos",
     * "numéros", "revenus"); drop it first for words of 5 bytes or more. */
    size_t sx = xl;
    if (xl >= 5 && x[xl - 1] == 's' && (x[xl - 2] == 'o' || x[xl - 2] == 'u'))
        sx--;
    const sb_symbol *r = sb_stemmer_stem(an->stemmer, (const sb_symbol *)x,
                                         (int)sx);
    if (!r)
        return FRS_ENOMEM;
    size_t rl = (size_t)sb_stemmer_length(an->stemmer);
    *stop = frs_is_stopword(x, xl);
    if (set && rl <= CACHE_KEY) {
        set[1] = set[0];
        set[0].klen = (unsigned char)xl;
        memcpy(set[0].key, x, xl);
        set[0].slen = (unsigned char)rl;
        memcpy(set[0].stem, r, rl);
        set[0].stop = (unsigned char)*stop;
        goto hit;
    }
    frs_buf_reset(&an->stem);
    frs_buf_append(&an->stem, (const char *)r, rl);
    if (an->stem.rc != FRS_OK)
        return an->stem.rc;
    *st = rl ? an->stem.data : "";
    *sl = rl;
    return FRS_OK;
hit:
    *st = set[0].stem;
    *sl = set[0].slen;
    *stop = set[0].stop;
    return FRS_OK;
}

frs_status_t frs_analyzer_stem(frs_analyzer_t *an, const char *exact,
                               size_t len, const char **stem,
                               size_t *stem_len)
{
    *stem = "";
    *stem_len = 0;
    if (!an || (!exact && len))
        return FRS_EINVAL;
    int stop = 0;
    return len ? stem_of(an, exact, len, stem, stem_len, &stop) : FRS_OK;
}

/* Build and deliver one token.  Returns 0 to go on, 1 if the callback
 * asked to stop, -1 on error (*rc set). */
static int emit(frs_analyzer_t *an, const char *x, size_t xl, size_t start,
                size_t end, unsigned pos, unsigned flags, frs_token_cb cb,
                void *ctx, frs_status_t *rc)
{
    frs_token_t tok;

    if (xl > FRS_MAX_WORD_BYTES) {
        char hex[17];
        size_t cut = FRS_MAX_WORD_BYTES - 17;
        while (cut > 0 && ((unsigned char)x[cut] & 0xc0) == 0x80)
            cut--;
        frs_hash_hex(frs_hash_update(FRS_HASH_INIT, x, xl), hex);
        frs_buf_reset(&an->hashed);
        frs_buf_append(&an->hashed, x, cut);
        frs_buf_putc(&an->hashed, '#');
        frs_buf_append(&an->hashed, hex, 16);
        if (an->hashed.rc != FRS_OK) {
            *rc = an->hashed.rc;
            return -1;
        }
        x = an->hashed.data;
        xl = an->hashed.len;
        flags |= FRS_TOK_HASHED;
    }
    tok.exact = x;
    tok.exact_len = xl;
    if (flags & (FRS_TOK_NUMBER | FRS_TOK_HASHED)) {
        tok.stem = x;
        tok.stem_len = xl;
    } else {
        int stop = 0;
        *rc = stem_of(an, x, xl, &tok.stem, &tok.stem_len, &stop);
        if (*rc != FRS_OK)
            return -1;
        if (stop)
            flags |= FRS_TOK_STOP;
    }
    tok.start = start;
    tok.end = end;
    tok.pos = pos;
    tok.flags = flags;
    return cb(ctx, &tok) ? 1 : 0;
}

/* Record a part of the current word and fold it. */
static frs_status_t add_part(frs_analyzer_t *an, const unsigned char *s,
                             size_t a, size_t b, int number)
{
    if (an->nparts == an->partcap) {
        size_t cap = an->partcap ? an->partcap * 2 : 8;
        if (cap > SIZE_MAX / sizeof *an->parts)
            return FRS_ENOMEM;
        part_t *p = realloc(an->parts, cap * sizeof *p);
        if (!p)
            return FRS_ENOMEM;
        an->parts = p;
        an->partcap = cap;
    }
    part_t *p = &an->parts[an->nparts++];
    p->start = a;
    p->end = b;
    p->number = number;
    p->xoff = an->word.len;
    frs_status_t rc = number ? fold_number(an, s, a, b)
                             : fold_part(an, s, a, b);
    /* an inner apostrophe is dropped: "aujourd'hui" is "aujourdhui" */
    if (rc == FRS_OK && an->word.len > p->xoff) {
        char *o = an->word.data + p->xoff, *end = an->word.data + an->word.len;
        for (char *c = o; c < end; c++)
            if (*c != '\'')
                *o++ = *c;
        an->word.len = (size_t)(o - an->word.data);
        an->word.data[an->word.len] = '\0';
    }
    p->xlen = an->word.len - p->xoff;
    return rc;
}

/* Emit the word held in an->parts: the compound first if there are several
 * parts, then each non-empty part with its own position. */
static int emit_word(frs_analyzer_t *an, unsigned *pos, frs_token_cb cb,
                     void *ctx, frs_status_t *rc)
{
    const part_t *pv = an->parts;
    size_t np = an->nparts;
    int r;

    if (np > 1) {
        /* "week-end" is "weekend"; "2023-2024" keeps its hyphen */
        int letters = 0;
        for (size_t k = 0; k < np; k++)
            letters |= !pv[k].number;
        frs_buf_reset(&an->comp);
        for (size_t k = 0; k < np; k++) {
            if (k && !letters)
                frs_buf_putc(&an->comp, '-');
            frs_buf_append(&an->comp, an->word.data + pv[k].xoff, pv[k].xlen);
        }
        if (an->comp.rc != FRS_OK) {
            *rc = an->comp.rc;
            return -1;
        }
        r = emit(an, an->comp.data, an->comp.len, pv[0].start,
                 pv[np - 1].end, *pos, FRS_TOK_COMPOUND, cb, ctx, rc);
        if (r) {
            if (r > 0)
                (*pos)++;
            return r;
        }
    }
    for (size_t k = 0; k < np; k++) {
        if (pv[k].xlen == 0)
            continue;
        unsigned flags = (np > 1 ? FRS_TOK_PART : 0) |
                         (pv[k].number ? FRS_TOK_NUMBER : 0);
        r = emit(an, an->word.data + pv[k].xoff, pv[k].xlen, pv[k].start,
                 pv[k].end, *pos, flags, cb, ctx, rc);
        if (r >= 0)
            (*pos)++;
        if (r)
            return r;
    }
    return 0;
}

frs_status_t frs_analyzer_run(frs_analyzer_t *an, const char *text, size_t len,
                              unsigned first_pos, frs_token_cb cb, void *ctx,
                              unsigned *last_pos)
{
    const unsigned char *s = (const unsigned char *)text;
    unsigned pos = first_pos;
    frs_status_t rc = FRS_OK;
    size_t i = 0;

    if (last_pos)
        *last_pos = first_pos;
    if (!an || !cb || (!text && len))
        return FRS_EINVAL;
    /* A failed allocation in an earlier run must not poison this one. */
    an->word.rc = an->comp.rc = an->hashed.rc = an->stem.rc = FRS_OK;

    while (i < len) {
        utf8proc_int32_t cp;
        size_t n;
        if (s[i] < 0x80 && an->cls[s[i]] == C_SEP) {
            i++;
            continue;
        }
        int c = peek(an, s, len, i, &cp, &n);
        if (c != C_LETTER && c != C_DIGIT && c != C_NUM) {
            i += n ? n : 1;
            continue;
        }

        an->nparts = 0;
        frs_buf_reset(&an->word);
        size_t ps = i;
        for (;;) {
            int number;
            size_t pe = scan_part(an, s, len, ps, &number);
            if (an->nparts == 0 && !number)
                ps += elision_len(s, ps, pe);
            rc = add_part(an, s, ps, pe, number);
            if (rc != FRS_OK)
                goto out;
            i = pe;
            c = peek(an, s, len, pe, &cp, &n);
            if (c != C_SEP || !is_hyphen(cp))
                break;
            utf8proc_int32_t cp2;
            size_t n2;
            c = peek(an, s, len, pe + n, &cp2, &n2);
            if (c != C_LETTER && c != C_DIGIT && c != C_NUM)
                break;
            ps = pe + n;
        }
        int r = emit_word(an, &pos, cb, ctx, &rc);
        if (r)
            break;
    }
out:
    if (last_pos)
        *last_pos = pos;
    return rc;
}

/* Fill the class and fast-fold tables from utf8proc. */
static frs_status_t build_tables(frs_analyzer_t *an)
{
    frs_buf_t tmp = FRS_BUF_INIT;
    frs_status_t rc = FRS_OK;

    for (utf8proc_int32_t cp = 0; cp < FAST_LIMIT; cp++) {
        an->fast_len[cp] = FAST_SLOW;
        if (cp < 0x80) {
            int alpha = (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
            an->cls[cp] = is_digit((unsigned char)cp) ? C_DIGIT
                          : alpha ? C_LETTER : C_SEP;
            continue;
        }
        /* U+02BC is a letter (Lm) for Unicode, an apostrophe for us. */
        an->cls[cp] = cp == 0x02bc ? C_SEP : (unsigned char)category_class(cp);
        if (an->cls[cp] == C_SEP && cp != 0x02bc)
            continue;
        unsigned char u[4];
        utf8proc_ssize_t n = utf8proc_encode_char(cp, u);
        frs_buf_reset(&tmp);
        rc = slow_fold(an, u, (size_t)n, &tmp);
        if (rc != FRS_OK)
            break;
        int ascii = tmp.len <= sizeof an->fast[cp];
        for (size_t k = 0; ascii && k < tmp.len; k++)
            ascii = (unsigned char)tmp.data[k] < 0x80;
        if (ascii) {
            if (tmp.len)
                memcpy(an->fast[cp], tmp.data, tmp.len);
            an->fast_len[cp] = (unsigned char)tmp.len;
        }
    }
    frs_buf_free(&tmp);
    return rc;
}

/* Create the French stemmer, telling an unknown language from no memory. */
static frs_status_t new_stemmer(struct sb_stemmer **out)
{
    const char **list = sb_stemmer_list();
    int found = 0;

    *out = NULL;
    for (size_t k = 0; list && list[k]; k++)
        if (strcmp(list[k], "french") == 0)
            found = 1;
    if (!found)
        return FRS_EINTERNAL;
    *out = sb_stemmer_new("french", NULL);
    return *out ? FRS_OK : FRS_ENOMEM;
}

frs_status_t frs_analyzer_new(frs_analyzer_t **out)
{
    frs_status_t rc = FRS_ENOMEM;
    frs_analyzer_t *an;

    *out = NULL;
    an = calloc(1, sizeof *an);
    if (!an)
        return FRS_ENOMEM;
    an->word = an->comp = an->hashed = an->stem = (frs_buf_t)FRS_BUF_INIT;
    an->cache = calloc((size_t)2 * CACHE_SETS, sizeof *an->cache);
    if (!an->cache)
        goto fail;
    rc = new_stemmer(&an->stemmer);
    if (rc != FRS_OK)
        goto fail;
    rc = build_tables(an);
    if (rc != FRS_OK)
        goto fail;
    *out = an;
    return FRS_OK;
fail:
    frs_analyzer_free(an);
    return rc;
}

void frs_analyzer_free(frs_analyzer_t *an)
{
    if (!an)
        return;
    sb_stemmer_delete(an->stemmer);
    frs_buf_free(&an->word);
    frs_buf_free(&an->comp);
    frs_buf_free(&an->hashed);
    frs_buf_free(&an->stem);
    free(an->parts);
    free(an->cps);
    free(an->cache);
    free(an);
}
