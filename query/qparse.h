/* SPDX-License-Identifier: MIT
 * qparse.h: the query language, turned into a frs_qnode_t tree with the same
 * analyzer the indexer uses.
 *
 *   mots simples        ranked OR: passages matching more, rarer words first
 *   "une phrase"        the words adjacent, in order, exact forms (also
 *                       «une phrase»)
 *   +mot  +"phrase"     required
 *   -mot  -"phrase"     excluded
 *   title:mot  title:"phrase"   (also titre:) in the article title only
 *   vél*                prefix: any word whose exact form (folded: case,
 *                       accents, ligatures) starts with "vel"
 *   a OR b, a AND b, a NOT b (also a AND NOT b)   operators, in capitals
 *   ( ... )             grouping; +( ), -( ) and title:( ) apply to the
 *                       whole group
 *
 * Words written next to each other form a group (a ranked OR, with its
 * + and - words); AND and NOT join groups, and bind tighter than OR:
 * "vélo train AND gare OR bus" is ((vélo train) AND gare) OR bus.  AND
 * requires both sides, NOT excludes what its right side matches.  OR, AND
 * and NOT are operators only in capitals and only between two things to
 * search for; anywhere else ("or", "et", a trailing "OR", "NOT" first)
 * they are words.  Inside quotes nothing is an operator.  A "-" group
 * alone on one side of AND is its exclusion ("vélo AND -cyclable" is
 * "vélo NOT cyclable"); on a side of OR, or as the whole query, it has
 * nothing to exclude from and is refused.  A closing parenthesis without
 * its opening one is ignored; an unclosed one closes at the end.
 *
 * A plain word matches its exact form (accents and case folded) and,
 * through its Snowball stem, its other inflections; the exact form adds
 * weight (exact_boost), and a match in the title adds title_weight times
 * the stem weight.  A hyphenated compound ("week-end") matches itself, its
 * spelling without hyphens ("weekend") and its parts as a phrase; a word
 * with an inner apostrophe ("aujourd'hui") also matches its spelling
 * without it.  A prefix ("vél*", "title:vél*") matches exact forms only, in
 * the body (and in the title, weighted title_weight), each article weighing
 * as its best such word; it may not expand to more than FRS_QP_PREFIX_MAX
 * words (the search then fails with a message saying so).  A "*" inside a
 * phrase is ignored.
 *
 * Stop words are left out of a group that has other words to search for
 * ("la maison" is "maison"), but kept inside phrases.  A group made only
 * of stop words is searched as a phrase of them, exact forms ("il y a"
 * finds those three words in a row, not every "a").
 *
 * Limits: FRS_QUERY_MAX_BYTES bytes, FRS_QUERY_MAX_WORDS parts (runs of
 * words, phrases, prefixes, operators and parentheses), parentheses
 * FRS_QUERY_MAX_DEPTH deep.
 *
 * Ownership: a frs_parsed_t owns its tree, its words and its highlight
 * items.
 */
#ifndef FRS_QPARSE_H
#define FRS_QPARSE_H

#include <stddef.h>
#include "analyzer.h"
#include "frs.h"
#include "qtree.h"

/* Defaults chosen by measurement: see docs/relevance.md. */
#define FRS_QP_EXACT_BOOST 0.7
#define FRS_QP_TITLE_WEIGHT 0.7
#define FRS_QUERY_MAX_BYTES 1024
#define FRS_QUERY_MAX_WORDS 64
#define FRS_QUERY_MAX_DEPTH 16
#define FRS_QP_PREFIX_MAX 200   /* words a prefix may expand to */

typedef struct {
    double exact_boost;  /* factor on exact-form terms */
    double title_weight; /* factor on title stem terms of plain words */
} frs_qparse_opts_t;

/* A body word of the query, for finding the passages that hold it. */
typedef struct {
    char *exact;          /* exact form (no prefix); a prefix's letters */
    char *stem;           /* its stem, "" when only the exact form counts
                             (stop words, words of a phrase, prefixes) */
    int prefix;           /* any exact form starting with exact */
} frs_qword_t;

/* What the highlighter marks (highlight.h): the occurrences of what the
 * query searched for, as it searched for it. */
typedef enum {
    FRS_HL_WORD,   /* a word: its exact form, or its stem */
    FRS_HL_PREFIX, /* words whose exact form starts with form[0] */
    FRS_HL_PHRASE  /* the words form[0..n) adjacent, in order */
} frs_hlkind_t;

typedef struct {
    frs_hlkind_t kind;
    int title;            /* asked for in the title only (title:) */
    char **form;          /* exact forms: one, or the phrase's words */
    size_t n;
    char *stem;           /* WORD: its stem; "" when the exact form alone
                             counts (stop words) */
} frs_hlitem_t;

typedef struct {
    frs_qnode_t *query;   /* owned */
    frs_hlitem_t *hl;     /* what to mark, not excluded ones */
    size_t nhl, hl_cap;
    unsigned nwords;      /* words kept in the query */
    frs_qword_t *words;   /* distinct body words searched for (not excluded,
                             not title:), in query order */
    size_t nqwords, qwords_cap;
} frs_parsed_t;

/* Parse q[0..len).  FRS_OK; FRS_EINVAL with *errmsg (malloc'd) for an empty
 * query, a query of only excluded words, or one over the limits;
 * FRS_ENOMEM.  On failure *out = NULL. */
frs_status_t frs_qparse(frs_analyzer_t *an, const char *q, size_t len,
                        const frs_qparse_opts_t *o, frs_parsed_t **out,
                        char **errmsg);

void frs_parsed_free(frs_parsed_t *p);

#endif
