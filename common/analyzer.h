/* SPDX-License-Identifier: MIT
 * analyzer.h: the one French text analysis pipeline, used by the indexer on
 * documents and by query on query words, so index-time and query-time terms
 * cannot drift apart.
 *
 * Pipeline, per word: split the input into words on Unicode categories,
 * keeping byte offsets into the input; strip a leading elision
 * (l' m' t' n' s' j' d' c' qu' jusqu' lorsqu' puisqu' quoiqu', with ' or ’);
 * normalise (NFC, full case folding, œ→oe æ→ae, accents removed) into the
 * "exact" form; stem the exact form with libstemmer's Snowball "french".
 * Both sides stem the accent-free form, so a word typed with or without
 * accents always yields the same stem.  A plural -s after o or u, which
 * Snowball keeps, is dropped before stemming in words of 5+ bytes ("vélos"
 * stems like "vélo").
 *
 * Special cases:
 *  - "aujourd'hui", "prud'homme": an apostrophe inside a word that is not an
 *    elision keeps the word whole, and is dropped from its exact form
 *    ("aujourdhui", "prudhomme"), so the spelling without it is the same
 *    word.
 *  - hyphenated compounds ("porte-monnaie"): each part is a token with its own
 *    position, and the whole compound is one more token (FRS_TOK_COMPOUND)
 *    that shares the position of its first part.  Its exact form is its
 *    parts' joined without hyphens ("portemonnaie", "weekend"), so the
 *    spelling without hyphens is the same word; when every part is a
 *    number ("2023-2024") they are joined with '-'.
 *  - numbers: digits joined by '.' or ',' stay one token ("3,5"); groups of
 *    three digits after a space, U+00A0, U+202F or U+2009 are joined to the
 *    preceding 1-3 digit group ("1 000 000" -> "1000000").  Numbers are not
 *    stemmed (stem == exact).
 *  - words whose exact form is longer than FRS_MAX_WORD_BYTES are cut at a
 *    character boundary and suffixed with '#' and 16 hex digits of a 64-bit
 *    FNV-1a hash of the full form, so every term stays under Xapian's limit
 *    and distinct long words stay distinct.
 *  - invalid UTF-8 bytes act as word separators; the analyzer never fails on
 *    any input bytes.
 *
 * Details of the rules above, as implemented in analyzer.c:
 *  - word characters are Unicode letters, digits (N*) and combining marks; a
 *    word starts on a letter or digit.  An apostrophe (' U+2019 U+02BC) joins
 *    only between a letter (or mark) and a letter; a hyphen ('-' U+2010
 *    U+2011) only between two word characters.
 *  - an elision is stripped only at the start of the whole word
 *    ("l'arc-en-ciel" -> compound "arc-en-ciel"); start excludes it.
 *  - a compound's exact form is its parts' exact forms joined (with '-' only
 *    between numbers).
 *  - a thousands group joins only if its 3 digits are not followed by a
 *    letter or digit.  A plain digit run followed by letters is a word
 *    ("19e", "320A"); a joined number followed by letters ends there
 *    ("3,5kg" -> "3,5" "kg").  Only ASCII digits form numbers.
 *  - a token whose exact form would be empty is not emitted.
 *
 * Ownership: an analyzer owns one libstemmer stemmer, which is not
 * thread-safe: use one analyzer per thread.  Token strings handed to the
 * callback are borrowed and live only for that callback.
 */
#ifndef FRS_ANALYZER_H
#define FRS_ANALYZER_H

#include <stddef.h>
#include "frs.h"

FRS_BEGIN_DECLS

/* Longest exact form kept whole, in bytes (prefixes are added on top and
 * stay well under Xapian's 245-byte term limit). */
#define FRS_MAX_WORD_BYTES 120

/* Version of the analysis rules.  Bump it when any rule above changes the
 * terms produced: databases record it and query refuses a mismatch.
 * Version 3: exact forms drop inner apostrophes and a compound's hyphens
 * (they were kept in 2). */
#define FRS_ANALYZER_VERSION 3

enum {
    FRS_TOK_STOP = 1,      /* exact form is a French stop word */
    FRS_TOK_COMPOUND = 2,  /* whole hyphenated compound */
    FRS_TOK_PART = 4,      /* one part of a hyphenated compound */
    FRS_TOK_NUMBER = 8,    /* a number */
    FRS_TOK_HASHED = 16    /* long word, cut and hashed */
};

typedef struct {
    const char *exact;  /* folded surface form (NFC, case folded, ligatures
                           expanded, accents removed); not NUL-terminated */
    size_t exact_len;
    const char *stem;   /* Snowball French stem of the exact form */
    size_t stem_len;
    size_t start, end;  /* byte offsets of the word in the input, elision
                           excluded: input[start..end) */
    unsigned pos;       /* word position, 0-based, counting parts of
                           compounds; a compound shares its first part's */
    unsigned flags;     /* FRS_TOK_* */
} frs_token_t;

/* Called once per token, in input order (a compound comes just before its
 * first part).  Return 0 to go on, non-zero to stop the run early. */
typedef int (*frs_token_cb)(void *ctx, const frs_token_t *tok);

typedef struct frs_analyzer frs_analyzer_t;

/* Create an analyzer.  *out is set to the new analyzer, or NULL on failure.
 * Returns FRS_OK, FRS_ENOMEM, or FRS_EINTERNAL if libstemmer has no French
 * stemmer. */
frs_status_t frs_analyzer_new(frs_analyzer_t **out);

/* Free an analyzer.  NULL is a no-op. */
void frs_analyzer_free(frs_analyzer_t *an);

/* Analyse text[0..len) (any bytes) and call cb for each token.  Positions
 * start at first_pos.  If last_pos is not NULL it receives the position after
 * the last token (so callers can continue numbering across fields).
 * Returns FRS_OK (also when cb stopped early) or FRS_ENOMEM; FRS_EINVAL if
 * an or cb is NULL or text is NULL with len > 0.  After an early stop,
 * *last_pos is the position after the token that stopped the run. */
frs_status_t frs_analyzer_run(frs_analyzer_t *an, const char *text, size_t len,
                              unsigned first_pos, frs_token_cb cb, void *ctx,
                              unsigned *last_pos);

/* The stem of an exact (already folded) form, as frs_analyzer_run gives it
 * for a word with that exact form.  *stem is borrowed: valid until the next
 * call on the analyzer.  FRS_OK, FRS_ENOMEM or FRS_EINVAL. */
frs_status_t frs_analyzer_stem(frs_analyzer_t *an, const char *exact,
                               size_t len, const char **stem,
                               size_t *stem_len);

/* Non-zero if the exact (folded, accent-free) form word[0..len) is a French
 * stop word. */
int frs_is_stopword(const char *word, size_t len);

FRS_END_DECLS

#endif
