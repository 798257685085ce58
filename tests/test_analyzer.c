/* SPDX-License-Identifier: MIT
 * test_analyzer.c: unit tests for the French analyzer (analyzer.c) and its
 * stop word list (stopwords.c).  Every token seen by any test is also
 * checked against general invariants: offsets inside the input, the input
 * slice folding to the exact form, positions consecutive, terms short.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "utf8.h"

/* A private copy of stopwords.c, to reach its static table. */
int stopwords_copy_is_stopword(const char *word, size_t len);
#define frs_is_stopword stopwords_copy_is_stopword
#include "../common/stopwords.c"
#undef frs_is_stopword

#define MAX_TOKS 64

typedef struct {
    char exact[FRS_MAX_WORD_BYTES + 1];
    char stem[FRS_MAX_WORD_BYTES + 1];
    size_t start, end;
    unsigned pos, flags;
} tok_t;

typedef struct {
    const char *in;
    size_t len;
    tok_t toks[MAX_TOKS];
    size_t n;        /* tokens seen (only the first MAX_TOKS are kept) */
    size_t stop_at;  /* return non-zero on this token (1-based), 0: never */
    unsigned next_pos;
    int have_pos;
} run_t;

/* Check one token against the invariants that hold for any input. */
static void check_token(run_t *r, const frs_token_t *t)
{
    assert_true(t->start < t->end);
    assert_true(t->end <= r->len);
    assert_true(t->exact_len > 0);
    assert_true(t->exact_len <= FRS_MAX_WORD_BYTES);
    assert_true(t->stem_len <= FRS_MAX_WORD_BYTES);
    assert_true(frs_utf8_valid(t->exact, t->exact_len));
    assert_true(frs_utf8_valid(r->in + t->start, t->end - t->start));

    /* Positions: consecutive over non-compound tokens, and a compound
     * shares the position of the part that follows it. */
    if (r->have_pos)
        assert_int_equal(t->pos, r->next_pos);
    r->have_pos = 1;
    r->next_pos = (t->flags & FRS_TOK_COMPOUND) ? t->pos : t->pos + 1;

    if (t->flags & (FRS_TOK_NUMBER | FRS_TOK_HASHED)) {
        assert_int_equal(t->stem_len, t->exact_len);
        assert_memory_equal(t->stem, t->exact, t->exact_len);
    }
    if (t->flags & FRS_TOK_NUMBER) {
        /* The slice is the number; dropping its group spaces gives exact. */
        char digits[FRS_MAX_WORD_BYTES + 1];
        size_t n = 0;
        for (size_t i = t->start; i < t->end; i++) {
            unsigned char c = (unsigned char)r->in[i];
            if ((c >= '0' && c <= '9') || c == '.' || c == ',') {
                if (n < sizeof digits)
                    digits[n++] = (char)c;
            }
        }
        if (!(t->flags & FRS_TOK_HASHED)) {
            assert_int_equal(n, t->exact_len);
            assert_memory_equal(digits, t->exact, n);
        }
        return;
    }
    /* Otherwise the slice folds to the exact form (this also checks that
     * the analyzer's fast folding agrees with frs_utf8_fold).  Compounds
     * write U+2010 and U+2011 as '-' and may hold numbers with group
     * spaces, so skip those. */
    const char *slice = r->in + t->start;
    size_t slen = t->end - t->start;
    for (size_t i = 0; i < slen && (t->flags & FRS_TOK_COMPOUND); i++)
        if (slice[i] == '\xe2' || (slice[i] >= '0' && slice[i] <= '9'))
            return;
    char *f = NULL;
    size_t flen = 0;
    assert_int_equal(frs_utf8_fold(slice, slen, &f, &flen), FRS_OK);
    /* exact forms drop inner apostrophes, and a compound's hyphens */
    size_t kept = 0;
    for (size_t i = 0; i < flen; i++)
        if (f[i] != '\'' && !(f[i] == '-' && (t->flags & FRS_TOK_COMPOUND)))
            f[kept++] = f[i];
    flen = kept;
    if (t->flags & FRS_TOK_HASHED) {
        assert_true(flen > FRS_MAX_WORD_BYTES);
    } else {
        assert_int_equal(flen, t->exact_len);
        assert_memory_equal(f, t->exact, flen);
        assert_int_equal(!!(t->flags & FRS_TOK_STOP),
                         frs_is_stopword(t->exact, t->exact_len));
    }
    free(f);
}

static int collect(void *ctx, const frs_token_t *t)
{
    run_t *r = ctx;

    check_token(r, t);
    if (r->n < MAX_TOKS) {
        tok_t *k = &r->toks[r->n];
        memcpy(k->exact, t->exact, t->exact_len);
        k->exact[t->exact_len] = '\0';
        memcpy(k->stem, t->stem, t->stem_len);
        k->stem[t->stem_len] = '\0';
        k->start = t->start;
        k->end = t->end;
        k->pos = t->pos;
        k->flags = t->flags;
    }
    r->n++;
    return r->stop_at && r->n == r->stop_at;
}

/* Analyse in[0..len) from position first, filling r; returns *last_pos. */
static unsigned run_len(frs_analyzer_t *an, run_t *r, const char *in,
                        size_t len, unsigned first)
{
    unsigned last = 12345;
    size_t stop_at = r->stop_at;

    memset(r, 0, sizeof *r);
    r->in = in;
    r->len = len;
    r->stop_at = stop_at;
    assert_int_equal(frs_analyzer_run(an, in, len, first, collect, r, &last),
                     FRS_OK);
    if (r->n && !r->stop_at)
        assert_int_equal(last, r->next_pos);
    if (r->n)
        assert_int_equal(r->toks[0].pos, first);
    return last;
}

static unsigned run(frs_analyzer_t *an, run_t *r, const char *in)
{
    return run_len(an, r, in, strlen(in), 0);
}

/* The exact forms of r joined with '|'. */
static void joined(const run_t *r, char *out, size_t cap)
{
    size_t n = 0;

    out[0] = '\0';
    for (size_t i = 0; i < r->n && i < MAX_TOKS; i++)
        n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? "|" : "",
                              r->toks[i].exact);
}

static int setup(void **state)
{
    frs_analyzer_t *an = NULL;
    if (frs_analyzer_new(&an) != FRS_OK)
        return -1;
    *state = an;
    return 0;
}

static int teardown(void **state)
{
    frs_analyzer_free(*state);
    return 0;
}

/* Input -> exact forms of all tokens, in order, joined with '|'. */
static const struct {
    const char *in, *want;
} exact_cases[] = {
    { "", "" },
    { "  ,;!? -- ' \xe2\x80\x99 ", "" },
    { "eglise", "eglise" },
    { "L\xe2\x80\x99\xc3\x89glise", "eglise" },             /* L’Église */
    { "l'\xc3\xa9glise", "eglise" },
    { "L'EGLISE", "eglise" },
    { "e\xcc\x81glise", "eglise" },                         /* NFD */
    { "l\xca\xbc\xc3\xa9" "cole", "ecole" },                /* U+02BC */
    { "c\xc5\x93ur coeur C\xc5\x92UR", "coeur|coeur|coeur" },
    { "L\xc3\xa6titia", "laetitia" },
    { "aujourd'hui", "aujourdhui" },
    { "aujourd\xe2\x80\x99hui", "aujourdhui" },
    { "d'aujourd'hui", "aujourdhui" },
    { "prud'homme", "prudhomme" },
    { "prud\xca\xbchommes", "prudhommes" },             /* U+02BC */
    { "presqu'\xc3\xaele", "presquile" },
    { "jusqu'\xc3\xa0", "a" },
    { "Jusqu'\xc3\xa0 demain", "a|demain" },
    { "qu\xe2\x80\x99il", "il" },
    { "Qu'il QU'ELLE", "il|elle" },
    { "lorsqu'il puisqu'elle quoiqu'on s'il c'est n'y j'ai m'a t'es",
      "il|elle|on|il|est|y|ai|a|es" },
    { "'hello' l' l'1", "hello|l|l|1" },
    { "1 000 000", "1000000" },
    { "1\xc2\xa0" "000", "1000" },                           /* U+00A0 */
    { "1\xe2\x80\xaf" "000 2\xe2\x80\x89" "500", "1000|2500" }, /* 202F 2009 */
    { "3,5 %", "3,5" },
    { "2.5 et 3,14", "2.5|et|3,14" },
    { "12 500 euros", "12500|euros" },
    { "2023 500", "2023|500" },
    { "12 5000 12 50", "12|5000|12|50" },
    { "1 000,50 \xe2\x82\xac", "1000,50" },
    { "3,5kg 19e A320", "3,5|kg|19e|a320" },
    { "12 500euros", "12|500euros" },
    { "fin. 3, 4", "fin|3|4" },
    { "porte-monnaie", "portemonnaie|porte|monnaie" },
    { "porte\xe2\x80\x90monnaie", "portemonnaie|porte|monnaie" }, /* U+2010 */
    { "l'arc-en-ciel", "arcenciel|arc|en|ciel" },
    { "week-end", "weekend|week|end" },
    { "covid-19", "covid19|covid|19" },
    { "1 000-2 000", "1000-2000|1000|2000" },
    { "2023-2024", "2023-2024|2023|2024" },
    { "aujourd'hui-m\xc3\xaame", "aujourdhuimeme|aujourdhui|meme" },
    { "--a-- -b c-", "a|b|c" },
    { "Stra\xc3\x9f" "e", "strasse" },
    { "\xef\xac\x81n", "fin" },                             /* ﬁ ligature */
    { "\xc7\x85" "emal", "\xc7\x86" "emal" },  /* ǅ: no canonical split */
    { "\xce\xa9\xce\xbc\xce\xad\xce\xb3\xce\xb1",
      "\xcf\x89\xce\xbc\xce\xb5\xce\xb3\xce\xb1" },         /* Ωμέγα */
    { "\xcc\x81" "abc", "abc" },           /* a leading mark is not a word */
    { "a\xe2\x80\x99", "a" },              /* trailing apostrophe */
};

static void test_analyzer_exact_forms(void **state)
{
    run_t r = { 0 };
    char got[1024];

    for (size_t i = 0; i < sizeof exact_cases / sizeof exact_cases[0]; i++) {
        run(*state, &r, exact_cases[i].in);
        joined(&r, got, sizeof got);
        if (strcmp(got, exact_cases[i].want) != 0)
            print_error("input \"%s\"\n", exact_cases[i].in);
        assert_string_equal(got, exact_cases[i].want);
    }
}

/* Each group of inputs is one word each, all with the same exact form and
 * stem. */
static void test_analyzer_variants_share_stem(void **state)
{
    static const char *const groups[][6] = {
        { "L\xe2\x80\x99\xc3\x89glise", "l'\xc3\xa9glise", "eglise",
          "e\xcc\x81glise", "\xc3\x89GLISE", NULL },
        { "c\xc5\x93ur", "coeur", "C\xc5\x92UR", "CO\xc3\x8bUR", NULL },
        { "\xc3\xa9l\xc3\xa9gantes", "\xc3\x89l\xc3\xa9gantes", "elegantes",
          "e\xcc\x81le\xcc\x81gantes", NULL },
    };
    run_t r = { 0 };

    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        char exact[sizeof r.toks[0].exact], stem[sizeof r.toks[0].stem];
        for (size_t i = 0; groups[g][i]; i++) {
            run(*state, &r, groups[g][i]);
            assert_int_equal(r.n, 1);
            if (i == 0) {
                strcpy(exact, r.toks[0].exact);
                strcpy(stem, r.toks[0].stem);
            }
            assert_string_equal(r.toks[0].exact, exact);
            assert_string_equal(r.toks[0].stem, stem);
        }
    }
    run(*state, &r, "L\xe2\x80\x99\xc3\x89glise");
    assert_string_equal(r.toks[0].exact, "eglise");
    assert_string_equal(r.toks[0].stem, "eglis");
}

static void test_analyzer_plural_after_o_or_u(void **state)
{
    /* Snowball keeps these plurals; the analyzer drops the -s first */
    static const char *const pairs[][2] = {
        { "v\xc3\xa9los", "v\xc3\xa9lo" },
        { "num\xc3\xa9ros", "num\xc3\xa9ro" },
        { "revenus", "revenu" },
        { "euros", "euro" },
    };
    run_t r = { 0 };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        char stem[sizeof r.toks[0].stem];
        run(*state, &r, pairs[i][0]);
        assert_int_equal(r.n, 1);
        strcpy(stem, r.toks[0].stem);
        run(*state, &r, pairs[i][1]);
        assert_string_equal(r.toks[0].stem, stem);
    }
    /* short words are left alone: "gros" is not a plural of "gro" */
    run(*state, &r, "gros");
    assert_string_equal(r.toks[0].stem, "gros");
}

static void test_analyzer_elision_and_plural_share_stem(void **state)
{
    run_t r = { 0 };
    char stem[sizeof r.toks[0].stem];

    run(*state, &r, "d'\xc3\xa9mergence");
    assert_int_equal(r.n, 1);
    assert_string_equal(r.toks[0].exact, "emergence");
    strcpy(stem, r.toks[0].stem);
    run(*state, &r, "\xc3\xa9mergences");
    assert_int_equal(r.n, 1);
    assert_string_equal(r.toks[0].exact, "emergences");
    assert_string_equal(r.toks[0].stem, stem);
}

static void test_analyzer_elision_offsets(void **state)
{
    const char *in = "L\xe2\x80\x99\xc3\x89glise et l'arc-en-ciel";
    run_t r = { 0 };

    run(*state, &r, in);
    assert_int_equal(r.n, 6);
    /* "Église" starts after the 1-byte L and the 3-byte apostrophe. */
    assert_int_equal(r.toks[0].start, 4);
    assert_int_equal(r.toks[0].end, 4 + strlen("\xc3\x89glise"));
    assert_memory_equal(in + r.toks[0].start, "\xc3\x89glise",
                        strlen("\xc3\x89glise"));
    assert_int_equal(r.toks[0].pos, 0);
    /* The elided compound spans "arc-en-ciel" only. */
    assert_string_equal(r.toks[2].exact, "arcenciel");
    assert_int_equal(r.toks[2].flags & FRS_TOK_COMPOUND, FRS_TOK_COMPOUND);
    assert_int_equal(r.toks[2].end - r.toks[2].start, strlen("arc-en-ciel"));
    assert_memory_equal(in + r.toks[2].start, "arc-en-ciel",
                        strlen("arc-en-ciel"));
    assert_int_equal(r.toks[2].pos, 2);
    assert_int_equal(r.toks[3].pos, 2);
}

static void test_analyzer_compound_positions(void **state)
{
    const char *in = "un porte-monnaie neuf";
    run_t r = { 0 };

    assert_int_equal(run(*state, &r, in), 4);
    assert_int_equal(r.n, 5);
    static const struct {
        const char *exact;
        unsigned pos, flags;
        size_t start, end;
    } want[] = {
        { "un", 0, FRS_TOK_STOP, 0, 2 },
        { "portemonnaie", 1, FRS_TOK_COMPOUND, 3, 16 },
        { "porte", 1, FRS_TOK_PART, 3, 8 },
        { "monnaie", 2, FRS_TOK_PART, 9, 16 },
        { "neuf", 3, 0, 17, 21 },
    };
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(r.toks[i].exact, want[i].exact);
        assert_int_equal(r.toks[i].pos, want[i].pos);
        assert_int_equal(r.toks[i].flags, want[i].flags);
        assert_int_equal(r.toks[i].start, want[i].start);
        assert_int_equal(r.toks[i].end, want[i].end);
    }
    /* Without the leading word: compound at 0, parts 0 and 1, next at 2. */
    run(*state, &r, "porte-monnaie rouge");
    assert_int_equal(r.n, 4);
    assert_string_equal(r.toks[0].exact, "portemonnaie");
    assert_int_equal(r.toks[0].pos, 0);
    assert_int_equal(r.toks[1].pos, 0);
    assert_int_equal(r.toks[2].pos, 1);
    assert_string_equal(r.toks[3].exact, "rouge");
    assert_int_equal(r.toks[3].pos, 2);
}

static void test_analyzer_peut_etre(void **state)
{
    const char *in = "Peut-\xc3\xaatre";
    run_t r = { 0 };

    run(*state, &r, in);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.toks[0].exact, "peutetre");
    assert_int_equal(r.toks[0].flags, FRS_TOK_COMPOUND);
    assert_int_equal(r.toks[0].start, 0);
    assert_int_equal(r.toks[0].end, strlen(in));
    assert_string_equal(r.toks[1].exact, "peut");
    assert_int_equal(r.toks[1].pos, 0);
    assert_string_equal(r.toks[2].exact, "etre");
    assert_int_equal(r.toks[2].pos, 1);
    assert_int_equal(r.toks[2].flags, FRS_TOK_PART | FRS_TOK_STOP);
    assert_memory_equal(in + r.toks[2].start, "\xc3\xaatre", 5);
}

/* The spellings without hyphen or apostrophe are the same words: same
 * exact form, same stem, as the compound or the word with its apostrophe;
 * and no token is added for them. */
static void test_analyzer_spellings_without_hyphen_or_apostrophe(void **state)
{
    static const char *const pairs[][2] = {
        { "week-end", "weekend" },
        { "week-ends", "weekends" },
        { "aujourd\xe2\x80\x99hui", "aujourdhui" },
        { "prud'hommes", "prudhommes" },
        { "presqu'\xc3\xaele", "presquile" },
        { "porte-monnaie", "portemonnaie" },
        { "Saint-\xc3\x89tienne", "saintetienne" },
    };
    run_t r = { 0 };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        char exact[sizeof r.toks[0].exact], stem[sizeof r.toks[0].stem];
        run(*state, &r, pairs[i][1]);
        assert_int_equal(r.n, 1);
        strcpy(exact, r.toks[0].exact);
        strcpy(stem, r.toks[0].stem);
        run(*state, &r, pairs[i][0]);
        assert_string_equal(r.toks[0].exact, exact);
        assert_string_equal(r.toks[0].stem, stem);
        assert_int_equal(r.toks[0].start, 0);
        assert_int_equal(r.toks[0].end, strlen(pairs[i][0]));
    }
    /* a word with an apostrophe is one token, the next word at 1 */
    run(*state, &r, "aujourd'hui demain");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.toks[1].pos, 1);
}

static void test_analyzer_numbers(void **state)
{
    static const struct {
        const char *in, *exact;
        size_t start, end;
    } cases[] = {
        { "1 000 000", "1000000", 0, 9 },
        { "1\xc2\xa0" "000", "1000", 0, 6 },
        { "3,5 %", "3,5", 0, 3 },
        { "vers 2.5", "2.5", 5, 8 },
        { "12 500 euros", "12500", 0, 6 },
    };
    run_t r = { 0 };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run(*state, &r, cases[i].in);
        size_t k = 0;
        while (k < r.n && !(r.toks[k].flags & FRS_TOK_NUMBER))
            k++;
        assert_true(k < r.n);
        assert_string_equal(r.toks[k].exact, cases[i].exact);
        assert_string_equal(r.toks[k].stem, cases[i].exact);
        assert_int_equal(r.toks[k].flags, FRS_TOK_NUMBER);
        assert_int_equal(r.toks[k].start, cases[i].start);
        assert_int_equal(r.toks[k].end, cases[i].end);
    }
    run(*state, &r, "2023 500");
    assert_int_equal(r.n, 2);
    assert_string_equal(r.toks[0].exact, "2023");
    assert_string_equal(r.toks[1].exact, "500");
    assert_int_equal(r.toks[1].pos, 1);
    assert_int_equal(r.toks[1].flags, FRS_TOK_NUMBER);
    /* Digits mixed with letters are ordinary (stemmed) words. */
    run(*state, &r, "A320");
    assert_int_equal(r.n, 1);
    assert_int_equal(r.toks[0].flags, 0);
    assert_string_equal(r.toks[0].exact, "a320");
}

static void test_analyzer_invalid_utf8_is_separator(void **state)
{
    static const char in[] = "bon\xff" "jour ch\xc3" "at \xed\xa0\x80mot fin\0x \xe2\x80";
    run_t r = { 0 };
    char got[256];

    run_len(*state, &r, in, sizeof in - 1, 0);
    joined(&r, got, sizeof got);
    assert_string_equal(got, "bon|jour|ch|at|mot|fin|x");
    assert_int_equal(r.toks[1].start, 4);
    assert_int_equal(r.toks[1].end, 8);
}

/* Deterministic pseudo-random bytes, mixing French fragments with junk;
 * check_token() verifies every token. */
static void test_analyzer_random_bytes(void **state)
{
    static const char *const frags[] = {
        "l\xe2\x80\x99", "qu'", "\xc3\xa9", "e\xcc\x81", "-", "\xe2\x80\x90",
        "'", " ", "\xc2\xa0", "000", "1", ",", ".", "\xc5\x93", "\xc3\x86",
        "aujourd'hui", "\xff", "\xc3", "\xe2\x80", "\0", "Z", "abc", "\xf0\x9f\x98\x80",
        "\xce\xa9", "\xe4\xb8\xad", "\xe2\x80\xaf", "jusqu\xe2\x80\x99",
    };
    char buf[512];
    uint32_t seed = 12345;
    run_t r = { 0 };

    for (int iter = 0; iter < 3000; iter++) {
        size_t n = 0;
        while (n < sizeof buf - 16) {
            seed = seed * 1103515245u + 12345u;
            uint32_t v = seed >> 8;
            if (v % 4 == 0) {
                buf[n++] = (char)(v >> 4);
            } else {
                const char *f = frags[(v >> 4) % (sizeof frags / sizeof frags[0])];
                size_t fl = f[0] ? strlen(f) : 1;
                memcpy(buf + n, f, fl);
                n += fl;
            }
            if ((v >> 6) % 61 == 0)
                break;
        }
        run_len(*state, &r, buf, n, (unsigned)iter);
    }
}

static void test_analyzer_long_word_hashed(void **state)
{
    size_t len = 10000;
    char *a = malloc(len + 1), *b = malloc(len + 1);
    run_t r = { 0 };
    char term_a[sizeof r.toks[0].exact];

    assert_non_null(a);
    assert_non_null(b);
    for (size_t i = 0; i < len; i++)
        a[i] = (char)('a' + i % 26);
    a[len] = '\0';
    memcpy(b, a, len + 1);
    b[len - 1] = 'Z'; /* differs after the cut */

    run(*state, &r, a);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.toks[0].flags, FRS_TOK_HASHED);
    assert_true(strlen(r.toks[0].exact) <= FRS_MAX_WORD_BYTES);
    assert_string_equal(r.toks[0].exact, r.toks[0].stem);
    assert_int_equal(r.toks[0].start, 0);
    assert_int_equal(r.toks[0].end, len);
    char *hash = strchr(r.toks[0].exact, '#');
    assert_non_null(hash);
    assert_int_equal(strlen(hash), 17);
    assert_memory_equal(r.toks[0].exact, a, (size_t)(hash - r.toks[0].exact));
    strcpy(term_a, r.toks[0].exact);

    run(*state, &r, a);
    assert_string_equal(r.toks[0].exact, term_a);
    run(*state, &r, b);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.toks[0].flags, FRS_TOK_HASHED);
    assert_string_not_equal(r.toks[0].exact, term_a);

    /* Multi-byte letters: the cut stays on a character boundary. */
    for (size_t i = 0; i + 2 <= len; i += 2)
        memcpy(a + i, "\xc3\xa9", 2); /* é -> e, 1 byte */
    run(*state, &r, a);                         /* folds to 5000 'e' */
    assert_int_equal(r.n, 1);
    assert_int_equal(r.toks[0].flags, FRS_TOK_HASHED);
    assert_int_equal(strspn(r.toks[0].exact, "e"),
                     FRS_MAX_WORD_BYTES - 17);
    for (size_t i = 0; i + 2 <= len; i += 2)
        memcpy(a + i, "\xcf\x89", 2);           /* ω stays 2 bytes */
    run(*state, &r, a);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.toks[0].flags, FRS_TOK_HASHED);
    hash = strchr(r.toks[0].exact, '#');
    assert_non_null(hash);
    assert_int_equal((hash - r.toks[0].exact) % 2, 0);
    assert_true(frs_utf8_valid(r.toks[0].exact, strlen(r.toks[0].exact)));
    free(a);
    free(b);
}

static void test_analyzer_long_word_in_text(void **state)
{
    size_t len = 300;
    char in[400];
    run_t r = { 0 };

    memcpy(in, "avant ", 6);
    memset(in + 6, 'x', len);
    memcpy(in + 6 + len, " apres", 7);
    run(*state, &r, in);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.toks[0].exact, "avant");
    assert_int_equal(r.toks[1].flags, FRS_TOK_HASHED);
    assert_int_equal(r.toks[1].pos, 1);
    assert_string_equal(r.toks[2].exact, "apres");
    assert_int_equal(r.toks[2].pos, 2);
}

static void test_analyzer_empty_input(void **state)
{
    run_t r = { 0 };
    unsigned last = 0;

    assert_int_equal(run_len(*state, &r, "", 0, 7), 7);
    assert_int_equal(r.n, 0);
    assert_int_equal(frs_analyzer_run(*state, NULL, 0, 3, collect, &r, &last),
                     FRS_OK);
    assert_int_equal(last, 3);
    r.in = "a";
    r.len = 1;
    assert_int_equal(frs_analyzer_run(*state, "a", 1, 0, collect, &r, NULL),
                     FRS_OK);
    assert_int_equal(r.n, 1);
    assert_int_equal(frs_analyzer_run(*state, "a", 1, 0, NULL, NULL, &last),
                     FRS_EINVAL);
}

static void test_analyzer_callback_stop(void **state)
{
    run_t r = { 0 };

    r.stop_at = 2;
    assert_int_equal(run(*state, &r, "un deux trois quatre"), 2);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.toks[1].exact, "deux");

    /* Stopping on a compound. */
    r.stop_at = 2;
    assert_int_equal(run(*state, &r, "un porte-monnaie neuf"), 2);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.toks[1].flags, FRS_TOK_COMPOUND);

    r.stop_at = 1;
    assert_int_equal(run_len(*state, &r, "x y", 3, 10), 11);
    assert_int_equal(r.n, 1);
}

static void test_analyzer_positions_continue(void **state)
{
    const char *in = "le chat-huant dort";
    run_t r = { 0 };

    assert_int_equal(run_len(*state, &r, in, strlen(in), 100), 104);
    assert_int_equal(r.n, 5);
    assert_int_equal(r.toks[0].pos, 100);
    assert_int_equal(r.toks[1].pos, 101);
    assert_int_equal(r.toks[4].pos, 103);
}

static void test_analyzer_stop_flags(void **state)
{
    run_t r = { 0 };

    run(*state, &r, "Le chat est l\xc3\xa0, o\xc3\xb9 \xc3\xa9tait-il ?");
    static const struct {
        const char *exact;
        int stop;
    } want[] = {
        { "le", 1 }, { "chat", 0 }, { "est", 1 }, { "la", 1 }, { "ou", 1 },
        { "etaitil", 0 }, { "etait", 1 }, { "il", 1 },
    };
    assert_int_equal(r.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < r.n; i++) {
        assert_string_equal(r.toks[i].exact, want[i].exact);
        assert_int_equal(!!(r.toks[i].flags & FRS_TOK_STOP), want[i].stop);
    }
}

static void test_stopwords_sorted_unique(void **state)
{
    size_t n = sizeof stopwords / sizeof stopwords[0];

    (void)state;
    assert_true(n >= 100);
    for (size_t i = 0; i < n; i++) {
        assert_true(strlen(stopwords[i]) > 0);
        assert_true(strlen(stopwords[i]) <= STOPWORD_MAX_LEN);
        for (const char *p = stopwords[i]; *p; p++)
            assert_true(*p >= 'a' && *p <= 'z');
        if (i > 0) {
            if (strcmp(stopwords[i - 1], stopwords[i]) >= 0)
                print_error("out of order: %s %s\n", stopwords[i - 1],
                            stopwords[i]);
            assert_true(strcmp(stopwords[i - 1], stopwords[i]) < 0);
        }
    }
}

static void test_stopwords_lookup(void **state)
{
    static const char *const no[] = {
        "", "chat", "lea", "z", "seraientx", "b", "aa", "eglise", "qui ",
    };
    size_t n = sizeof stopwords / sizeof stopwords[0];

    (void)state;
    for (size_t i = 0; i < n; i++) {
        assert_true(frs_is_stopword(stopwords[i], strlen(stopwords[i])));
        assert_true(stopwords_copy_is_stopword(stopwords[i],
                                               strlen(stopwords[i])));
    }
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_false(frs_is_stopword(no[i], strlen(no[i])));
    assert_true(frs_is_stopword("lesX", 3));  /* length, not NUL, counts */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_analyzer_exact_forms),
        cmocka_unit_test(test_analyzer_variants_share_stem),
        cmocka_unit_test(test_analyzer_plural_after_o_or_u),
        cmocka_unit_test(test_analyzer_elision_and_plural_share_stem),
        cmocka_unit_test(test_analyzer_elision_offsets),
        cmocka_unit_test(test_analyzer_compound_positions),
        cmocka_unit_test(test_analyzer_peut_etre),
        cmocka_unit_test(test_analyzer_spellings_without_hyphen_or_apostrophe),
        cmocka_unit_test(test_analyzer_numbers),
        cmocka_unit_test(test_analyzer_invalid_utf8_is_separator),
        cmocka_unit_test(test_analyzer_random_bytes),
        cmocka_unit_test(test_analyzer_long_word_hashed),
        cmocka_unit_test(test_analyzer_long_word_in_text),
        cmocka_unit_test(test_analyzer_empty_input),
        cmocka_unit_test(test_analyzer_callback_stop),
        cmocka_unit_test(test_analyzer_positions_continue),
        cmocka_unit_test(test_analyzer_stop_flags),
        cmocka_unit_test(test_stopwords_sorted_unique),
        cmocka_unit_test(test_stopwords_lookup),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
