/* SPDX-License-Identifier: MIT
 * qtree.c: the query tree built by the parser and translated to a
 * Xapian::Query by xdb.cc.  Owns node allocation, the children arrays and the
 * readable description used by --explain and the tests.
 */
#include "qtree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* A malloc'd, NUL-terminated copy of the n bytes at p (NULL when out of
 * memory). */
static char *dup_bytes(const char *p, size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        return NULL;
    if (n)
        memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

frs_qnode_t *frs_qnode_new(frs_qop_t op)
{
    frs_qnode_t *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->op = op;
    q->scale = 1.0;
    return q;
}

frs_qnode_t *frs_qnode_term(const char *term, size_t len)
{
    if (!term && len)
        return NULL;
    frs_qnode_t *q = frs_qnode_new(FRS_Q_TERM);
    if (!q)
        return NULL;
    q->term = dup_bytes(term, len);
    if (!q->term) {
        free(q);
        return NULL;
    }
    q->term_len = len;
    return q;
}

/* A NULL kid (typically a constructor that ran out of memory) gives NULL, so
 * calls can be nested: frs_qnode_scale(frs_qnode_term(...), 2.0). */
frs_qnode_t *frs_qnode_scale(frs_qnode_t *kid, double scale)
{
    if (!kid)
        return NULL;
    frs_qnode_t *q = frs_qnode_new(FRS_Q_SCALE);
    if (!q) {
        frs_qnode_free(kid);
        return NULL;
    }
    q->scale = scale;
    if (frs_qnode_add(q, kid) != FRS_OK) {
        frs_qnode_free(q); /* kid already freed by frs_qnode_add */
        return NULL;
    }
    return q;
}

frs_qnode_t *frs_qnode_range(unsigned slot, const char *lo, const char *hi)
{
    frs_qnode_t *q = frs_qnode_new(FRS_Q_VALUE_RANGE);
    if (!q)
        return NULL;
    q->slot = slot;
    if (lo && !(q->lo = dup_bytes(lo, strlen(lo))))
        goto fail;
    if (hi && !(q->hi = dup_bytes(hi, strlen(hi))))
        goto fail;
    return q;
fail:
    frs_qnode_free(q);
    return NULL;
}

frs_qnode_t *frs_qnode_wildcard(const char *term, size_t len,
                                size_t field_len, unsigned max_expansion)
{
    if (field_len > len)
        return NULL;
    frs_qnode_t *q = frs_qnode_term(term, len);
    if (!q)
        return NULL;
    q->op = FRS_Q_WILDCARD;
    q->field_len = field_len;
    q->max_expansion = max_expansion;
    return q;
}

frs_status_t frs_qnode_add(frs_qnode_t *parent, frs_qnode_t *kid)
{
    if (!parent || !kid) {
        frs_qnode_free(kid);
        return FRS_EINVAL;
    }
    if (parent->nkids == parent->cap) {
        size_t cap = parent->cap ? parent->cap * 2 : 4;
        /* an array of pointers: sizeof a pointer is meant */
        if (cap > (size_t)-1 / sizeof *parent->kids) { // NOLINT(bugprone-sizeof-expression)
            frs_qnode_free(kid);
            return FRS_ENOMEM;
        }
        frs_qnode_t **k = realloc(parent->kids, cap * sizeof *k); // NOLINT(bugprone-sizeof-expression)
        if (!k) {
            frs_qnode_free(kid);
            return FRS_ENOMEM;
        }
        parent->kids = k;
        parent->cap = cap;
    }
    parent->kids[parent->nkids++] = kid;
    return FRS_OK;
}

void frs_qnode_free(frs_qnode_t *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->nkids; i++)
        frs_qnode_free(q->kids[i]);
    free(q->kids);
    free(q->term);
    free(q->lo);
    free(q->hi);
    free(q);
}

frs_qnode_t *frs_qnode_clone(const frs_qnode_t *q)
{
    if (!q)
        return NULL;
    frs_qnode_t *c = frs_qnode_new(q->op);
    if (!c)
        return NULL;
    c->scale = q->scale;
    c->slot = q->slot;
    if ((q->term && !(c->term = dup_bytes(q->term, q->term_len))) ||
        (q->lo && !(c->lo = dup_bytes(q->lo, strlen(q->lo)))) ||
        (q->hi && !(c->hi = dup_bytes(q->hi, strlen(q->hi))))) {
        frs_qnode_free(c);
        return NULL;
    }
    c->term_len = q->term_len;
    for (size_t i = 0; i < q->nkids; i++) {
        frs_qnode_t *k = frs_qnode_clone(q->kids[i]);
        if (!k || frs_qnode_add(c, k) != FRS_OK) {
            frs_qnode_free(c);
            return NULL;
        }
    }
    return c;
}

static const char *op_name(frs_qop_t op)
{
    switch (op) {
    case FRS_Q_TERM: return "TERM";
    case FRS_Q_PHRASE: return "PHRASE";
    case FRS_Q_OR: return "OR";
    case FRS_Q_AND: return "AND";
    case FRS_Q_AND_NOT: return "AND_NOT";
    case FRS_Q_AND_MAYBE: return "AND_MAYBE";
    case FRS_Q_FILTER: return "FILTER";
    case FRS_Q_SCALE: return "SCALE";
    case FRS_Q_VALUE_RANGE: return "VALUE_RANGE";
    case FRS_Q_MATCH_ALL: return "MATCH_ALL";
    case FRS_Q_WILDCARD: return "WILDCARD";
    }
    return "UNKNOWN";
}

/* Append the description of q to b (sticky errors: checked by the caller). */
static void describe(frs_buf_t *b, const frs_qnode_t *q)
{
    if (!q) {
        frs_buf_puts(b, "NULL");
        return;
    }
    switch (q->op) {
    case FRS_Q_TERM:
        if (q->term && q->term_len)
            frs_buf_append(b, q->term, q->term_len);
        else
            frs_buf_puts(b, "\"\"");
        return;
    case FRS_Q_MATCH_ALL:
        frs_buf_puts(b, "MATCH_ALL");
        return;
    case FRS_Q_WILDCARD:
        frs_buf_append(b, q->term ? q->term : "", q->term ? q->term_len : 0);
        frs_buf_putc(b, '*');
        return;
    case FRS_Q_VALUE_RANGE:
        frs_buf_printf(b, "VALUE_RANGE(%u, %s, %s)", q->slot,
                       q->lo ? q->lo : "", q->hi ? q->hi : "");
        return;
    case FRS_Q_SCALE:
    {
        char num[64];
        snprintf(num, sizeof num, "%g", q->scale);
        frs_buf_puts(b, "SCALE(");
        frs_buf_puts(b, num);
        /* Keep a decimal point so a whole scale still reads "2.0". */
        if (!strpbrk(num, ".eEnN"))
            frs_buf_puts(b, ".0");
        for (size_t i = 0; i < q->nkids; i++) {
            frs_buf_puts(b, ", ");
            describe(b, q->kids[i]);
        }
        frs_buf_putc(b, ')');
        return;
    }
    default:
        frs_buf_puts(b, op_name(q->op));
        frs_buf_putc(b, '(');
        for (size_t i = 0; i < q->nkids; i++) {
            if (i)
                frs_buf_putc(b, ' ');
            describe(b, q->kids[i]);
        }
        frs_buf_putc(b, ')');
        return;
    }
}

char *frs_qnode_describe(const frs_qnode_t *q)
{
    frs_buf_t b = FRS_BUF_INIT;
    describe(&b, q);
    char *s = frs_buf_release(&b);
    frs_buf_free(&b);
    return s;
}
