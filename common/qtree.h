/* SPDX-License-Identifier: MIT
 * qtree.h: a query as a plain C tree, built by the query parser and turned
 * into a Xapian::Query by the shim (xdb.cc).  Keeping it in C lets the parser
 * and the BM25 explanation be tested without Xapian.
 *
 * Ownership: a node owns its term string and its children; frs_qnode_free()
 * frees the whole subtree.  frs_qnode_add() takes ownership of the child even
 * when it fails (the child is freed then).
 */
#ifndef FRS_QTREE_H
#define FRS_QTREE_H

#include <stddef.h>
#include "frs.h"

FRS_BEGIN_DECLS

typedef enum {
    FRS_Q_TERM,        /* a term; weighted unless under a boolean context */
    FRS_Q_PHRASE,      /* children are TERMs, in order, adjacent */
    FRS_Q_OR,          /* any child; weights add up */
    FRS_Q_AND,         /* every child; weights add up */
    FRS_Q_AND_NOT,     /* first child, without documents matching the others */
    FRS_Q_AND_MAYBE,   /* first child; the others only add weight */
    FRS_Q_FILTER,      /* first child, restricted to the others, which add
                          no weight */
    FRS_Q_SCALE,       /* one child, its weight multiplied by scale */
    FRS_Q_VALUE_RANGE, /* documents whose value in slot is in [lo, hi]
                          (byte order; an empty bound is open) */
    FRS_Q_MATCH_ALL,   /* every document, weight 0 */
    FRS_Q_WILDCARD     /* any term starting with term: a document weighs
                          as its best such term (Xapian's OP_MAX).  More
                          than max_expansion such terms in the database
                          make the search fail (FRS_EINVAL, a message
                          naming term without its first field_len bytes,
                          the field prefix) */
} frs_qop_t;

typedef struct frs_qnode frs_qnode_t;
struct frs_qnode {
    frs_qop_t op;
    char *term;           /* TERM: owned, NUL-terminated */
    size_t term_len;
    double scale;         /* SCALE */
    unsigned slot;        /* VALUE_RANGE */
    char *lo, *hi;        /* VALUE_RANGE: owned, may be NULL */
    unsigned max_expansion; /* WILDCARD */
    size_t field_len;     /* WILDCARD: length of the field prefix of term */
    frs_qnode_t **kids;   /* owned */
    size_t nkids, cap;
};

/* Constructors return NULL when out of memory. */
frs_qnode_t *frs_qnode_new(frs_qop_t op);
frs_qnode_t *frs_qnode_term(const char *term, size_t len);
frs_qnode_t *frs_qnode_scale(frs_qnode_t *kid, double scale); /* owns kid */
frs_qnode_t *frs_qnode_range(unsigned slot, const char *lo, const char *hi);
/* Terms starting with term[0..len), whose first field_len bytes are a
 * field prefix ("S" for titles, "" for body words). */
frs_qnode_t *frs_qnode_wildcard(const char *term, size_t len,
                                size_t field_len, unsigned max_expansion);

/* Append kid to parent.  FRS_OK or FRS_ENOMEM (kid freed). */
frs_status_t frs_qnode_add(frs_qnode_t *parent, frs_qnode_t *kid);

/* Free a subtree.  NULL is a no-op. */
void frs_qnode_free(frs_qnode_t *q);

/* A deep copy of q (NULL for NULL, or when out of memory). */
frs_qnode_t *frs_qnode_clone(const frs_qnode_t *q);

/* Write a readable form of the tree to a malloc'd string (for --explain and
 * tests), e.g. OR(Zpomm SCALE(2,pomme)), a wildcard written term*.  NULL
 * when out of memory. */
char *frs_qnode_describe(const frs_qnode_t *q);

FRS_END_DECLS

#endif
