/* SPDX-License-Identifier: MIT
 * filter.c: the filter expression parser (filter.h): a tokenizer, a
 * recursive-descent parser, and the mapping of each condition onto the
 * year/month terms or a range of the date value.
 */
#include "filter.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "schema.h"

/* ---- dates ---- */

/* Howard Hinnant's days-from-civil algorithm (proleptic Gregorian). */
long long frs_filter_days(int y, int m, int d)
{
    long long yy = m <= 2 ? (long long)y - 1 : y;
    long long era = (yy >= 0 ? yy : yy - 399) / 400;
    long long yoe = yy - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void frs_filter_civil(long long z, int *y, int *m, int *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* ---- tokens ---- */

typedef enum { T_END, T_WORD, T_STRING, T_LPAREN, T_RPAREN, T_LBRACK,
               T_RBRACK, T_COMMA, T_OP } tok_kind_t;
typedef enum { OP_EQ, OP_NE, OP_GT, OP_GE, OP_LT, OP_LE } cmp_t;

typedef struct {
    tok_kind_t kind;
    cmp_t op;
    size_t pos;          /* byte offset in the expression */
    char text[64];       /* WORD, STRING: the value (longer: refused) */
} tok_t;

typedef struct {
    const char *s;
    size_t len, i;
    tok_t tok;           /* the current token */
    int depth, terms;
    char *err;
    size_t errlen;
    int failed, oom;
} parser_t;

static void fail(parser_t *p, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(parser_t *p, size_t pos, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = 1;
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(p->err, p->errlen, "%s at column %zu", msg, pos + 1);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_word_char(char c)
{
    return !is_space(c) && !strchr("()[],'\"=!<>", c) && c != '\0';
}

/* A quoted value from p->i (at the quote) into t. */
static void lex_string(parser_t *p, tok_t *t)
{
    char q = p->s[p->i++];
    size_t n = 0;
    while (p->i < p->len && p->s[p->i] != q) {
        if (p->s[p->i] == '\\' && p->i + 1 < p->len)
            p->i++;
        if (n + 1 < sizeof t->text)
            t->text[n] = p->s[p->i];
        n++;
        p->i++;
    }
    if (p->i >= p->len) {
        fail(p, t->pos, "unterminated quoted value");
        return;
    }
    p->i++;
    if (n + 1 > sizeof t->text) {
        fail(p, t->pos, "value longer than %zu bytes", sizeof t->text - 1);
        return;
    }
    t->text[n] = '\0';
    t->kind = T_STRING;
}

static void lex_op(parser_t *p, tok_t *t)
{
    char c = p->s[p->i];
    int eq = p->i + 1 < p->len && p->s[p->i + 1] == '=';
    t->kind = T_OP;
    if (c == '=') {
        t->op = OP_EQ;
        p->i++;
    } else if (c == '!' && eq) {
        t->op = OP_NE;
        p->i += 2;
    } else if (c == '>' || c == '<') {
        t->op = c == '>' ? (eq ? OP_GE : OP_GT) : (eq ? OP_LE : OP_LT);
        p->i += eq ? 2 : 1;
    } else {
        fail(p, p->i, "unexpected character '%c'", c);
    }
}

/* Read the next token into p->tok. */
static void next(parser_t *p)
{
    tok_t *t = &p->tok;
    while (p->i < p->len && is_space(p->s[p->i]))
        p->i++;
    memset(t, 0, sizeof *t);
    t->pos = p->i;
    if (p->failed || p->i >= p->len) {
        t->kind = T_END;
        return;
    }
    char c = p->s[p->i];
    static const char single[] = "()[],";
    static const tok_kind_t kinds[] = {T_LPAREN, T_RPAREN, T_LBRACK,
                                       T_RBRACK, T_COMMA};
    const char *k = strchr(single, c);
    if (k && c) {
        t->kind = kinds[k - single];
        p->i++;
    } else if (c == '"' || c == '\'') {
        lex_string(p, t);
    } else if (strchr("=!<>", c) && c) {
        lex_op(p, t);
    } else if (is_word_char(c)) {
        size_t n = 0;
        while (p->i < p->len && is_word_char(p->s[p->i])) {
            if (n + 1 < sizeof t->text)
                t->text[n] = p->s[p->i];
            n++;
            p->i++;
        }
        if (n + 1 > sizeof t->text)
            fail(p, t->pos, "value longer than %zu bytes",
                 sizeof t->text - 1);
        t->kind = T_WORD;
    } else {
        fail(p, p->i, "unexpected byte 0x%02x", (unsigned char)c);
    }
    if (p->failed)
        t->kind = T_END;
}

static int is_kw(const parser_t *p, const char *kw)
{
    return p->tok.kind == T_WORD && strcasecmp(p->tok.text, kw) == 0;
}

/* ---- values: every field as a range of "YYYYMMDD" numbers ---- */

typedef enum { F_YEAR, F_MONTH, F_DATE, F_TIMESTAMP } field_t;
static const char *const field_names[] = {"year", "month", "date",
                                          "timestamp"};

#define DAY_MIN 0LL          /* 0000-01-01 */
#define DAY_MAX 99991231LL

/* Digits only, n of them (n 0: any count up to 18, an optional '-'). */
static int digits(const char *s, size_t n, long long *out)
{
    size_t len = strlen(s), i = 0;
    int neg = 0;
    if (n == 0 && s[0] == '-') {
        neg = 1;
        i = 1;
    }
    if ((n && len != n) || len == i || len - i > 18)
        return 0;
    long long v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = neg ? -v : v;
    return 1;
}

static long long ymd_of_day(long long day)
{
    int y, m, d;
    frs_filter_civil(day, &y, &m, &d);
    if (y < 0)
        return DAY_MIN - 1;
    if (y > 9999)
        return DAY_MAX + 1;
    return (long long)y * 10000 + (long long)m * 100 + d;
}

/* n digits at s + off, into *v. */
static int num_at(const char *s, size_t off, size_t n, long long *v)
{
    char part[8];
    memcpy(part, s + off, n);
    part[n] = '\0';
    return digits(part, n, v);
}

/* "YYYY-MM" (with_day 0) or "YYYY-MM-DD", a real day. */
static int parse_ymd(const char *s, int with_day, long long *y, long long *m,
                     long long *d)
{
    size_t want = with_day ? 10 : 7;
    *d = 1;
    if (strlen(s) != want || s[4] != '-' || (with_day && s[7] != '-') ||
        !num_at(s, 0, 4, y) || !num_at(s, 5, 2, m) || *m < 1 || *m > 12)
        return 0;
    return !with_day ||
           (num_at(s, 8, 2, d) && *d >= 1 &&
            *d <= frs_date_month_days((int)*y, (int)*m));
}

/* The articles "equal" to the value v of field f: [*lo, *hi] in YYYYMMDD
 * numbers (empty when *lo > *hi).  0 with an error when v is not a value
 * of f. */
static int value_range(parser_t *p, field_t f, const tok_t *v, long long *lo,
                       long long *hi)
{
    const char *s = v->text;
    long long y = 0, m = 0, d = 0, t = 0;
    int ok = 0;
    if (f == F_YEAR && digits(s, 0, &y) && y >= 0 && y <= 9999) {
        *lo = y * 10000;
        *hi = *lo + 1231;
        ok = 1;
    } else if ((f == F_MONTH || f == F_DATE) &&
               parse_ymd(s, f == F_DATE, &y, &m, &d)) {
        *lo = y * 10000 + m * 100 + (f == F_DATE ? d : 0);
        *hi = f == F_DATE ? *lo : *lo + 31;
        ok = 1;
    } else if (f == F_TIMESTAMP && digits(s, 0, &t) && t > -(1LL << 55) &&
               t < (1LL << 55)) {
        /* the days whose midnight (UTC) is at or after t, at or before t */
        long long fl = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
        *lo = ymd_of_day(fl + (fl * 86400 != t));
        *hi = ymd_of_day(fl);
        ok = 1;
    }
    if (ok)
        return 1;
    static const char *const want[] = {
        "a year (0 to 9999)", "a month written \"YYYY-MM\"",
        "a date written YYYY-MM-DD", "a number of seconds (Unix time)"};
    fail(p, v->pos, "`%s` is not %s for the field `%s`", s, want[f],
         field_names[f]);
    return 0;
}

static frs_qnode_t *range_node(long long lo, long long hi)
{
    if (lo > hi || lo > DAY_MAX || hi < DAY_MIN)
        return frs_qnode_new(FRS_Q_OR); /* no kid: matches nothing */
    char l[16] = "", h[16] = "";
    if (lo > DAY_MIN)
        snprintf(l, sizeof l, "%08lld", lo);
    if (hi < DAY_MAX)
        snprintf(h, sizeof h, "%08lld", hi);
    if (!l[0] && !h[0])
        strcpy(l, "0"); /* every dated article */
    return frs_qnode_range(FRS_SLOT_DATE, l[0] ? l : NULL, h[0] ? h : NULL);
}

/* NOT x: every article but those x matches (owns x). */
static frs_qnode_t *negate(frs_qnode_t *x)
{
    if (!x)
        return NULL;
    frs_qnode_t *n = frs_qnode_new(FRS_Q_AND_NOT);
    if (!n || frs_qnode_add(n, frs_qnode_new(FRS_Q_MATCH_ALL)) != FRS_OK ||
        frs_qnode_add(n, x) != FRS_OK) {
        if (!n)
            frs_qnode_free(x);
        frs_qnode_free(n);
        return NULL;
    }
    return n;
}

/* field = v: the year or month term, else the range. */
static frs_qnode_t *equal_node(parser_t *p, field_t f, const tok_t *v)
{
    long long lo, hi;
    if (!value_range(p, f, v, &lo, &hi))
        return NULL;
    char term[32];
    if (f == F_YEAR)
        snprintf(term, sizeof term, FRS_PFX_YEAR "%04lld", lo / 10000);
    else if (f == F_MONTH)
        snprintf(term, sizeof term, FRS_PFX_MONTH "%06lld", lo / 100);
    else
        return range_node(lo, hi);
    return frs_qnode_term(term, strlen(term));
}

static frs_qnode_t *compare_node(parser_t *p, field_t f, cmp_t op,
                                 const tok_t *v)
{
    if (op == OP_EQ)
        return equal_node(p, f, v);
    if (op == OP_NE) {
        frs_qnode_t *e = equal_node(p, f, v);
        return e ? negate(e) : NULL;
    }
    long long lo, hi;
    if (!value_range(p, f, v, &lo, &hi))
        return NULL;
    switch (op) {
    case OP_GT: return range_node(hi + 1, DAY_MAX);
    case OP_GE: return range_node(lo, DAY_MAX);
    case OP_LT: return range_node(DAY_MIN, lo - 1);
    default: return range_node(DAY_MIN, hi);
    }
}

/* ---- the grammar ---- */

static frs_qnode_t *parse_or(parser_t *p);

static frs_qnode_t *nomem(parser_t *p)
{
    p->oom = 1;
    p->failed = 1;
    return NULL;
}

/* Append kid to parent (both may be NULL after a failure). */
static frs_qnode_t *adopt(parser_t *p, frs_qnode_t *parent, frs_qnode_t *kid)
{
    if (!parent || !kid) {
        frs_qnode_free(parent);
        frs_qnode_free(kid);
        return p->failed ? NULL : nomem(p);
    }
    if (frs_qnode_add(parent, kid) != FRS_OK) {
        frs_qnode_free(parent);
        return nomem(p);
    }
    return parent;
}

static int count_term(parser_t *p)
{
    if (++p->terms <= FRS_FILTER_MAX_TERMS)
        return 1;
    fail(p, p->tok.pos, "more than %d conditions and values",
         FRS_FILTER_MAX_TERMS);
    return 0;
}

static int take_value(parser_t *p, tok_t *v)
{
    if (p->tok.kind != T_WORD && p->tok.kind != T_STRING) {
        fail(p, p->tok.pos, "expected a value");
        return 0;
    }
    *v = p->tok;
    next(p);
    return 1;
}

/* field IN [v, ...] (the IN already read); negated for NOT IN. */
static frs_qnode_t *parse_in(parser_t *p, field_t f, int neg)
{
    if (p->tok.kind != T_LBRACK) {
        fail(p, p->tok.pos, "expected `[` after IN");
        return NULL;
    }
    next(p);
    frs_qnode_t *o = frs_qnode_new(FRS_Q_OR);
    if (!o)
        return nomem(p);
    while (o && p->tok.kind != T_RBRACK) {
        tok_t v;
        if (p->failed || !count_term(p) || !take_value(p, &v))
            break;
        o = adopt(p, o, equal_node(p, f, &v));
        if (p->tok.kind == T_COMMA)
            next(p);
        else if (p->tok.kind != T_RBRACK)
            fail(p, p->tok.pos, "expected `,` or `]` in the IN list");
    }
    if (p->failed) {
        frs_qnode_free(o);
        return NULL;
    }
    next(p);
    return neg ? negate(o) : o;
}

static int field_of(parser_t *p, field_t *f)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(p->tok.text, field_names[i]) == 0) {
            *f = (field_t)i;
            return 1;
        }
    fail(p, p->tok.pos, "attribute `%s` is not filterable; the filterable "
                        "attributes are `date`, `month`, `timestamp` and "
                        "`year`", p->tok.text);
    return 0;
}

/* A condition: field OP value, field v TO v, field [NOT] IN [...],
 * field [NOT] EXISTS. */
static frs_qnode_t *parse_condition(parser_t *p)
{
    if (p->tok.kind != T_WORD && p->tok.kind != T_STRING) {
        fail(p, p->tok.pos, "expected a condition such as `year = 2024`");
        return NULL;
    }
    field_t f;
    if (!count_term(p) || !field_of(p, &f))
        return NULL;
    size_t at = p->tok.pos;
    next(p);
    tok_t v, w;
    if (p->tok.kind == T_OP) {
        cmp_t op = p->tok.op;
        next(p);
        return take_value(p, &v) ? compare_node(p, f, op, &v) : NULL;
    }
    if (is_kw(p, "EXISTS") || is_kw(p, "IN")) {
        int in = is_kw(p, "IN");
        next(p);
        return in ? parse_in(p, f, 0) : range_node(DAY_MIN, DAY_MAX);
    }
    if (is_kw(p, "NOT")) {
        next(p);
        int in = is_kw(p, "IN");
        if (!in && !is_kw(p, "EXISTS")) {
            fail(p, p->tok.pos, "expected IN or EXISTS after NOT");
            return NULL;
        }
        next(p);
        return in ? parse_in(p, f, 1) : negate(range_node(DAY_MIN, DAY_MAX));
    }
    if (p->tok.kind == T_WORD || p->tok.kind == T_STRING) {
        take_value(p, &v);
        if (!is_kw(p, "TO")) {
            fail(p, p->tok.pos, "expected TO after `%s %s`",
                 field_names[f], v.text);
            return NULL;
        }
        next(p);
        long long lo1, hi1, lo2, hi2;
        if (!take_value(p, &w) || !value_range(p, f, &v, &lo1, &hi1) ||
            !value_range(p, f, &w, &lo2, &hi2))
            return NULL;
        return range_node(lo1, hi2);
    }
    fail(p, at, "expected an operator (=, !=, >, >=, <, <=, TO, IN, "
                "EXISTS) after `%s`", field_names[f]);
    return NULL;
}

static frs_qnode_t *parse_not(parser_t *p)
{
    if (++p->depth > FRS_FILTER_MAX_DEPTH) {
        fail(p, p->tok.pos, "nested more than %d levels deep",
             FRS_FILTER_MAX_DEPTH);
        return NULL;
    }
    frs_qnode_t *r;
    if (is_kw(p, "NOT")) {
        next(p);
        r = parse_not(p);
        r = r ? negate(r) : NULL;
        if (!r && !p->failed)
            nomem(p);
    } else if (p->tok.kind == T_LPAREN) {
        size_t at = p->tok.pos;
        next(p);
        r = parse_or(p);
        if (r && p->tok.kind != T_RPAREN) {
            fail(p, p->tok.kind == T_END ? at : p->tok.pos,
                 "expected `)` to close the `(`");
            frs_qnode_free(r);
            r = NULL;
        } else if (r) {
            next(p);
        }
    } else {
        r = parse_condition(p);
        if (!r && !p->failed)
            nomem(p);
    }
    p->depth--;
    return r;
}

/* kid (kw kid)*, with kw AND or OR. */
static frs_qnode_t *parse_list(parser_t *p, const char *kw, frs_qop_t op,
                               frs_qnode_t *(*kid)(parser_t *))
{
    frs_qnode_t *first = kid(p);
    if (!first || !is_kw(p, kw))
        return first;
    frs_qnode_t *n = adopt(p, frs_qnode_new(op), first);
    while (n && is_kw(p, kw)) {
        next(p);
        n = adopt(p, n, kid(p));
    }
    return n;
}

static frs_qnode_t *parse_and(parser_t *p)
{
    return parse_list(p, "AND", FRS_Q_AND, parse_not);
}

static frs_qnode_t *parse_or(parser_t *p)
{
    return parse_list(p, "OR", FRS_Q_OR, parse_and);
}

frs_status_t frs_filter_parse(const char *expr, size_t len, frs_qnode_t **out,
                              char *err, size_t errlen)
{
    *out = NULL;
    if (errlen)
        err[0] = '\0';
    parser_t p = {.s = expr, .len = len, .err = err, .errlen = errlen};
    if (len > FRS_FILTER_MAX_BYTES) {
        snprintf(err, errlen, "the filter is %zu bytes long; the limit is %d",
                 len, FRS_FILTER_MAX_BYTES);
        return FRS_EINVAL;
    }
    if (memchr(expr, '\0', len)) {
        snprintf(err, errlen, "the filter holds a NUL byte");
        return FRS_EINVAL;
    }
    next(&p);
    if (p.tok.kind == T_END && !p.failed)
        return FRS_OK;
    frs_qnode_t *q = parse_or(&p);
    if (q && p.tok.kind != T_END)
        fail(&p, p.tok.pos, "expected AND, OR or the end of the filter");
    if (p.failed || !q) {
        frs_qnode_free(q);
        return p.oom || (!q && !p.failed) ? FRS_ENOMEM : FRS_EINVAL;
    }
    *out = q;
    return FRS_OK;
}
