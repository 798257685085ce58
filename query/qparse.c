/* SPDX-License-Identifier: MIT
 * qparse.c: query syntax -> query tree, through the shared analyzer: a
 * lexer (words, phrases, prefixes, operators, parentheses), a recursive
 * descent over OR, AND/NOT and groups, and the query of each word, with
 * the words to score passages by and the items to highlight.
 */
#include "qparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

/* ---- analysed words ---- */

typedef struct {
    char *exact, *stem;
    unsigned flags;
} tok_t;

typedef struct {
    tok_t *v;
    size_t n, cap;
    int oom;
} toks_t;

static int collect(void *ctx, const frs_token_t *t)
{
    toks_t *ts = ctx;
    if (ts->n == ts->cap) {
        size_t cap = ts->cap ? ts->cap * 2 : 8;
        tok_t *p = realloc(ts->v, cap * sizeof *p);
        if (!p) {
            ts->oom = 1;
            return 1;
        }
        ts->v = p;
        ts->cap = cap;
    }
    tok_t *k = &ts->v[ts->n];
    k->exact = strndup(t->exact, t->exact_len);
    k->stem = strndup(t->stem, t->stem_len);
    k->flags = t->flags;
    if (!k->exact || !k->stem) {
        free(k->exact);
        free(k->stem);
        ts->oom = 1;
        return 1;
    }
    ts->n++;
    return 0;
}

static void toks_free(toks_t *ts)
{
    for (size_t i = 0; i < ts->n; i++) {
        free(ts->v[i].exact);
        free(ts->v[i].stem);
    }
    free(ts->v);
    memset(ts, 0, sizeof *ts);
}

/* Analyse text[0..len) into ts.  0 when out of memory. */
static int analyse(frs_analyzer_t *an, const char *text, size_t len,
                   toks_t *ts)
{
    memset(ts, 0, sizeof *ts);
    if (frs_analyzer_run(an, text, len, 0, collect, ts, NULL) != FRS_OK ||
        ts->oom) {
        toks_free(ts);
        return 0;
    }
    return 1;
}

/* ---- what the parsed query records: words and highlight items ---- */

/* Record a body word searched for (once). */
static int qword_add(frs_parsed_t *p, const char *exact, const char *stem,
                     int prefix)
{
    for (size_t i = 0; i < p->nqwords; i++)
        if (strcmp(p->words[i].exact, exact) == 0 &&
            p->words[i].prefix == prefix) {
            if (!p->words[i].stem[0] && stem[0]) {
                char *s = strdup(stem);
                if (!s)
                    return 0;
                free(p->words[i].stem);
                p->words[i].stem = s;
            }
            return 1;
        }
    if (p->nqwords == p->qwords_cap) {
        size_t cap = p->qwords_cap ? p->qwords_cap * 2 : 8;
        frs_qword_t *v = realloc(p->words, cap * sizeof *v);
        if (!v)
            return 0;
        p->words = v;
        p->qwords_cap = cap;
    }
    frs_qword_t *w = &p->words[p->nqwords];
    w->exact = strdup(exact);
    w->stem = strdup(stem);
    w->prefix = prefix;
    if (!w->exact || !w->stem) {
        free(w->exact);
        free(w->stem);
        return 0;
    }
    p->nqwords++;
    return 1;
}

static void hlitem_clear(frs_hlitem_t *h)
{
    for (size_t i = 0; i < h->n; i++)
        free(h->form[i]);
    free(h->form);
    free(h->stem);
}

static int same_item(const frs_hlitem_t *a, const frs_hlitem_t *b)
{
    if (a->kind != b->kind || a->title != b->title || a->n != b->n ||
        strcmp(a->stem, b->stem) != 0)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->form[i], b->form[i]) != 0)
            return 0;
    return 1;
}

/* Add a highlight item made of forms[0..n) (copied).  0 when out of
 * memory. */
static int hl_add(frs_parsed_t *p, frs_hlkind_t kind, int title,
                  char *const *forms, size_t n, const char *stem)
{
    frs_hlitem_t h = {kind, title, calloc(n ? n : 1, sizeof(char *)), 0,
                      strdup(stem)};
    int ok = h.form && h.stem;
    for (; ok && h.n < n; h.n++)
        ok = (h.form[h.n] = strdup(forms[h.n])) != NULL;
    for (size_t i = 0; ok && i < p->nhl; i++)
        if (same_item(&p->hl[i], &h)) {
            hlitem_clear(&h);
            return 1;
        }
    if (ok && p->nhl == p->hl_cap) {
        size_t cap = p->hl_cap ? p->hl_cap * 2 : 8;
        frs_hlitem_t *v = realloc(p->hl, cap * sizeof *v);
        if (v) {
            p->hl = v;
            p->hl_cap = cap;
        }
        ok = v != NULL;
    }
    if (!ok) {
        hlitem_clear(&h);
        return 0;
    }
    p->hl[p->nhl++] = h;
    return 1;
}

/* ---- queries of words, phrases and prefixes ---- */

typedef struct {
    frs_analyzer_t *an;
    frs_qparse_opts_t o;
    frs_parsed_t *p;
} ctx_t;

static frs_qnode_t *term2(const char *pfx, const char *s)
{
    size_t a = strlen(pfx), b = strlen(s);
    char *t = malloc(a + b + 1);
    if (!t)
        return NULL;
    memcpy(t, pfx, a);
    memcpy(t + a, s, b);
    t[a + b] = '\0';
    frs_qnode_t *q = frs_qnode_term(t, a + b);
    free(t);
    return q;
}

static frs_qnode_t *scaled(frs_qnode_t *q, double f)
{
    if (!q || f == 1.0)
        return q;
    return frs_qnode_scale(q, f);
}

/* add kid to parent; on any failure free both and return NULL */
static frs_qnode_t *add(frs_qnode_t *parent, frs_qnode_t *kid)
{
    if (!parent || !kid) {
        frs_qnode_free(parent);
        frs_qnode_free(kid);
        return NULL;
    }
    if (frs_qnode_add(parent, kid) != FRS_OK) {
        frs_qnode_free(parent);
        return NULL;
    }
    return parent;
}

/* One plain word: stem OR exact (boosted) OR title stem (weighted). */
static frs_qnode_t *word_query(ctx_t *c, const tok_t *t, int title, int hl)
{
    frs_qnode_t *q = frs_qnode_new(FRS_Q_OR);
    int stop = (t->flags & FRS_TOK_STOP) != 0;
    if (title) {
        if (!stop)
            q = add(q, term2(FRS_PFX_TITLE_STEM, t->stem));
        q = add(q, scaled(term2(FRS_PFX_TITLE, t->exact), c->o.exact_boost));
    } else {
        if (!stop)
            q = add(q, term2(FRS_PFX_STEM, t->stem));
        q = add(q, scaled(term2("", t->exact), c->o.exact_boost));
        if (!stop && c->o.title_weight > 0)
            q = add(q, scaled(term2(FRS_PFX_TITLE_STEM, t->stem),
                              c->o.title_weight));
    }
    const char *stem = stop ? "" : t->stem;
    if (q && hl &&
        (!hl_add(c->p, FRS_HL_WORD, title, &t->exact, 1, stem) ||
         (!title && !qword_add(c->p, t->exact, stem, 0)))) {
        frs_qnode_free(q);
        return NULL;
    }
    return q;
}

/* Does token t stand for a word of its own in a phrase?  A compound is
 * its parts. */
static int phrase_word(const tok_t *t)
{
    return !(t->flags & FRS_TOK_COMPOUND);
}

/* Exact forms in order, as a phrase (one word: the exact term). */
static frs_qnode_t *phrase_query(ctx_t *c, const toks_t *ts, size_t from,
                                 size_t to, int title, int hl)
{
    const char *pfx = title ? FRS_PFX_TITLE : "";
    char **forms = calloc(to > from ? to - from : 1, sizeof *forms);
    size_t n = 0;
    if (!forms)
        return NULL;
    for (size_t i = from; i < to; i++)
        if (phrase_word(&ts->v[i]))
            forms[n++] = ts->v[i].exact;
    frs_qnode_t *q = n == 1 ? term2(pfx, forms[0])
                            : frs_qnode_new(n ? FRS_Q_PHRASE : FRS_Q_OR);
    for (size_t i = 0; n > 1 && i < n; i++)
        q = add(q, term2(pfx, forms[i]));
    if (q && hl && n > 0) {
        int ok = hl_add(c->p, n == 1 ? FRS_HL_WORD : FRS_HL_PHRASE, title,
                        forms, n, "");
        for (size_t i = 0; ok && !title && i < n; i++)
            ok = qword_add(c->p, forms[i], "", 0);
        if (!ok) {
            frs_qnode_free(q);
            q = NULL;
        }
    }
    free(forms);
    return q; /* no word: an empty OR, which matches nothing */
}

/* A compound at ts->v[i]: itself (its exact form is without hyphens, so
 * "week-end" is "weekend") or its parts as a phrase.  *next gets the index
 * after its parts. */
static frs_qnode_t *compound_query(ctx_t *c, const toks_t *ts, size_t i,
                                   int title, int hl, size_t *next)
{
    size_t j = i + 1;
    while (j < ts->n && (ts->v[j].flags & FRS_TOK_PART))
        j++;
    *next = j;
    frs_qnode_t *q = add(frs_qnode_new(FRS_Q_OR),
                         word_query(c, &ts->v[i], title, hl));
    return add(q, phrase_query(c, ts, i + 1, j, title, hl));
}

/* A prefix: the exact forms starting with exact, in the body (and in the
 * title, weighted title_weight), or in the title only. */
static frs_qnode_t *prefix_node(ctx_t *c, const char *exact, int title,
                                int hl)
{
    char t[FRS_MAX_WORD_BYTES + 2];
    snprintf(t, sizeof t, "%s%s", FRS_PFX_TITLE, exact);
    size_t tl = strlen(t), fl = strlen(FRS_PFX_TITLE);
    frs_qnode_t *q;
    if (title) {
        q = frs_qnode_wildcard(t, tl, fl, FRS_QP_PREFIX_MAX);
    } else {
        q = add(frs_qnode_new(FRS_Q_OR),
                frs_qnode_wildcard(t + fl, tl - fl, 0, FRS_QP_PREFIX_MAX));
        if (q && c->o.title_weight > 0)
            q = add(q, scaled(frs_qnode_wildcard(t, tl, fl,
                                                 FRS_QP_PREFIX_MAX),
                              c->o.title_weight));
    }
    char *form = (char *)exact;
    if (q && hl && (!hl_add(c->p, FRS_HL_PREFIX, title, &form, 1, "") ||
                    (!title && !qword_add(c->p, exact, "", 1)))) {
        frs_qnode_free(q);
        return NULL;
    }
    return q;
}

/* ---- the lexer ---- */

typedef enum { C_PLAIN, C_REQUIRED, C_EXCLUDED } sign_t;
typedef enum { K_RUN, K_PHRASE, K_PREFIX, K_OPEN, K_CLOSE, K_OR, K_AND,
               K_NOT } kind_t;

/* One part of the query, as written. */
typedef struct {
    kind_t kind;
    sign_t sign;
    int title;      /* title: or titre: */
    const char *text;
    size_t len;
} lexeme_t;

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int plain_run(const lexeme_t *l)
{
    return l->kind == K_RUN && l->sign == C_PLAIN && !l->title;
}

/* Read a phrase opened at q[*i] ('"' or '«'), or return 0. */
static int lex_phrase(const char *q, size_t len, size_t *i, lexeme_t *l)
{
    const char *close;
    size_t open_len;
    if (*i < len && q[*i] == '"') {
        close = "\"";
        open_len = 1;
    } else if (*i + 1 < len && (unsigned char)q[*i] == 0xc2 &&
               (unsigned char)q[*i + 1] == 0xab) {
        close = "\xc2\xbb"; /* « » */
        open_len = 2;
    } else {
        return 0;
    }
    size_t s = *i + open_len, e = s, cl = strlen(close);
    while (e < len && !(len - e >= cl && memcmp(q + e, close, cl) == 0))
        e++;
    l->kind = K_PHRASE;
    l->text = q + s;
    l->len = e - s;
    *i = e < len ? e + cl : len;
    return 1;
}

/* Read one lexeme at q[*i] (not white space). */
static void lex_one(const char *q, size_t len, size_t *i, lexeme_t *l)
{
    memset(l, 0, sizeof *l);
    if (q[*i] == ')') {
        l->kind = K_CLOSE;
        (*i)++;
        return;
    }
    if ((q[*i] == '+' || q[*i] == '-') && *i + 1 < len && !is_ws(q[*i + 1])) {
        l->sign = q[*i] == '+' ? C_REQUIRED : C_EXCLUDED;
        (*i)++;
    }
    if (len - *i > 6 && (strncmp(q + *i, "title:", 6) == 0 ||
                         strncmp(q + *i, "titre:", 6) == 0)) {
        l->title = 1;
        *i += 6;
    }
    if (lex_phrase(q, len, i, l))
        return;
    if (*i < len && q[*i] == '(') {
        l->kind = K_OPEN;
        (*i)++;
        return;
    }
    size_t s = *i;
    while (*i < len && !is_ws(q[*i]) && q[*i] != '(' && q[*i] != ')')
        (*i)++;
    l->text = q + s;
    l->len = *i - s;
    while (l->len > 0 && l->text[l->len - 1] == '*') {
        l->len--;
        l->kind = K_PREFIX;
    }
    static const struct { const char *w; kind_t k; } ops[] = {
        {"OR", K_OR}, {"AND", K_AND}, {"NOT", K_NOT}};
    for (size_t k = 0; l->kind == K_RUN && !l->sign && !l->title && k < 3;
         k++)
        if (l->len == strlen(ops[k].w) &&
            memcmp(l->text, ops[k].w, l->len) == 0)
            l->kind = ops[k].k;
}

/* Append l to out[0..*n), merging consecutive plain words into one run so
 * that numbers written with spaces ("1 000") stay whole.  0 if full. */
static int lex_push(lexeme_t *out, size_t *n, size_t max, const lexeme_t *l)
{
    if (*n > 0 && plain_run(l) && plain_run(&out[*n - 1])) {
        out[*n - 1].len = (size_t)(l->text + l->len - out[*n - 1].text);
        return 1;
    }
    if (*n == max)
        return 0;
    out[(*n)++] = *l;
    return 1;
}

static int starts_operand(kind_t k)
{
    return k == K_RUN || k == K_PHRASE || k == K_PREFIX || k == K_OPEN;
}

static int ends_operand(kind_t k)
{
    return k == K_RUN || k == K_PHRASE || k == K_PREFIX || k == K_CLOSE;
}

/* Drop closing parentheses that close nothing; make an operator that does
 * not stand between two operands a plain word; merge plain runs again. */
static size_t lex_fix(lexeme_t *lx, size_t n)
{
    size_t m = 0;
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (lx[i].kind == K_OPEN)
            depth++;
        if (lx[i].kind == K_CLOSE && depth-- == 0) {
            depth = 0;
            continue;
        }
        lx[m++] = lx[i];
    }
    for (size_t i = 0; i < m; i++) {
        kind_t k = lx[i].kind;
        if (k != K_OR && k != K_AND && k != K_NOT)
            continue;
        int before = i > 0 && (ends_operand(lx[i - 1].kind) ||
                               (k == K_NOT && lx[i - 1].kind == K_AND));
        int after = i + 1 < m && (starts_operand(lx[i + 1].kind) ||
                                  (k == K_AND && lx[i + 1].kind == K_NOT));
        if (!before || !after)
            lx[i].kind = K_RUN;
    }
    n = 0;
    for (size_t i = 0; i < m; i++)
        lex_push(lx, &n, m, &lx[i]);
    return n;
}

/* Split q into lexemes; returns their number, or max + 1 when there are
 * more than max. */
static size_t lex(const char *q, size_t len, lexeme_t *out, size_t max)
{
    size_t n = 0, i = 0;
    while (i < len) {
        if (is_ws(q[i])) {
            i++;
            continue;
        }
        lexeme_t l;
        lex_one(q, len, &i, &l);
        if (!lex_push(out, &n, max, &l))
            return max + 1;
    }
    return lex_fix(out, n);
}

/* ---- the parser ---- */

typedef struct {
    ctx_t c;
    const lexeme_t *lx;
    size_t n, i;
    int depth;
    frs_status_t rc;   /* sticky: FRS_ENOMEM, or FRS_EINVAL with msg */
    char msg[200];
} ps_t;

/* What a part of the query matches: pos, without what neg matches.  A part
 * with neg and no pos excludes from the part it is joined to by AND. */
typedef struct {
    frs_qnode_t *pos, *neg;
} side_t;

static void side_free(side_t *s)
{
    frs_qnode_free(s->pos);
    frs_qnode_free(s->neg);
    s->pos = s->neg = NULL;
}

static void oom(ps_t *ps)
{
    if (ps->rc == FRS_OK)
        ps->rc = FRS_ENOMEM;
}

/* op(a, b), either may be NULL (then the other one). */
static frs_qnode_t *join2(ps_t *ps, frs_qop_t op, frs_qnode_t *a,
                          frs_qnode_t *b)
{
    if (!a || !b)
        return a ? a : b;
    frs_qnode_t *q = add(add(frs_qnode_new(op), a), b);
    if (!q)
        oom(ps);
    return q;
}

/* pos AND_NOT neg, or pos; NULL when there is no pos (an exclusion alone
 * matches nothing: it is dropped). */
static frs_qnode_t *resolve(ps_t *ps, side_t *s)
{
    if (!s->pos) {
        side_free(s);
        return NULL;
    }
    frs_qnode_t *q = s->neg ? join2(ps, FRS_Q_AND_NOT, s->pos, s->neg)
                            : s->pos;
    s->pos = s->neg = NULL;
    return q;
}

/* Non-zero when the words of the group starting at lexeme i that are not
 * excluded are all stop words, and it holds nothing else to search for:
 * such a group is searched as a phrase of them. */
static int stop_group(ps_t *ps, size_t i)
{
    size_t words = 0;
    for (int depth = 0; i < ps->n; i++) {
        const lexeme_t *l = &ps->lx[i];
        if (depth == 0 && (l->kind == K_OR || l->kind == K_AND ||
                           l->kind == K_NOT || l->kind == K_CLOSE))
            break;
        if (l->kind == K_OPEN || l->kind == K_CLOSE) {
            if (l->kind == K_OPEN && depth == 0 && l->sign != C_EXCLUDED)
                return 0;
            depth += l->kind == K_OPEN ? 1 : -1;
            continue;
        }
        if (depth > 0 || l->sign == C_EXCLUDED)
            continue;
        if (l->kind != K_RUN)
            return 0;
        toks_t ts;
        if (!analyse(ps->c.an, l->text, l->len, &ts))
            return 0;
        int stop = 1;
        for (size_t k = 0; k < ts.n; k++)
            stop &= (ts.v[k].flags & FRS_TOK_STOP) != 0;
        words += ts.n;
        toks_free(&ts);
        if (!stop)
            return 0;
    }
    return words > 0;
}

/* Add the queries of the words ts->v[from..to) to list, one kid each
 * (stop words left out). */
static void word_queries(ps_t *ps, const toks_t *ts, size_t from, size_t to,
                         frs_qnode_t *list, int title, int hl)
{
    ctx_t *c = &ps->c;
    for (size_t i = from; ps->rc == FRS_OK && i < to; i++) {
        const tok_t *t = &ts->v[i];
        frs_qnode_t *q;
        size_t next = i + 1;
        if (t->flags & FRS_TOK_COMPOUND)
            q = compound_query(c, ts, i, title, hl, &next);
        else if (t->flags & FRS_TOK_STOP)
            continue;
        else
            q = word_query(c, t, title, hl);
        if (!q || frs_qnode_add(list, q) != FRS_OK)
            oom(ps);
        c->p->nwords++;
        i = next - 1;
    }
}

/* Add the queries of lexeme l (a run, a phrase or a prefix) to list.
 * as_phrase: its words as one phrase (a quoted phrase, a stop group). */
static void lexeme_queries(ps_t *ps, const lexeme_t *l, frs_qnode_t *list,
                           int as_phrase, int title, int hl)
{
    toks_t ts;
    if (!analyse(ps->c.an, l->text, l->len, &ts)) {
        oom(ps);
        return;
    }
    /* a prefix is the last word (a compound, not its parts); the words
     * before it are plain words */
    size_t last = ts.n;
    for (size_t k = 0; l->kind == K_PREFIX && k < ts.n; k++)
        if (!(ts.v[k].flags & FRS_TOK_PART))
            last = k;
    if (last < ts.n && (ts.v[last].flags & FRS_TOK_HASHED))
        last = ts.n;
    if (as_phrase && ts.n > 0) {
        ps->c.p->nwords += (unsigned)ts.n;
        if (frs_qnode_add(list, phrase_query(&ps->c, &ts, 0, ts.n, title,
                                             hl)) != FRS_OK)
            oom(ps);
    } else {
        word_queries(ps, &ts, 0, last, list, title, hl);
    }
    if (!as_phrase && last < ts.n && ps->rc == FRS_OK) {
        ps->c.p->nwords++;
        if (frs_qnode_add(list, prefix_node(&ps->c, ts.v[last].exact, title,
                                            hl)) != FRS_OK)
            oom(ps);
    }
    toks_free(&ts);
}

static side_t parse_or(ps_t *ps, int title, int hl);

/* A parenthesised group at lexeme l (already read): its side. */
static side_t parse_paren(ps_t *ps, int title, int hl)
{
    side_t s = {NULL, NULL};
    if (++ps->depth > FRS_QUERY_MAX_DEPTH) {
        if (ps->rc == FRS_OK) {
            ps->rc = FRS_EINVAL;
            snprintf(ps->msg, sizeof ps->msg,
                     "the query nests parentheses more than %d deep",
                     FRS_QUERY_MAX_DEPTH);
        }
        return s;
    }
    s = parse_or(ps, title, hl);
    if (ps->i < ps->n && ps->lx[ps->i].kind == K_CLOSE)
        ps->i++;
    ps->depth--;
    return s;
}

/* Words written side by side, up to an operator or a closing
 * parenthesis: AND_MAYBE(required, optional), excluding the excluded. */
static side_t parse_group(ps_t *ps, int title, int hl)
{
    frs_qnode_t *opt = frs_qnode_new(FRS_Q_OR);
    frs_qnode_t *req = frs_qnode_new(FRS_Q_AND);
    frs_qnode_t *exc = frs_qnode_new(FRS_Q_OR);
    if (!opt || !req || !exc)
        oom(ps);
    int keep_stop = stop_group(ps, ps->i);
    while (ps->rc == FRS_OK && ps->i < ps->n &&
           starts_operand(ps->lx[ps->i].kind)) {
        const lexeme_t *l = &ps->lx[ps->i++];
        int t = title || l->title, h = hl && l->sign != C_EXCLUDED;
        frs_qnode_t *list = l->sign == C_REQUIRED   ? req
                            : l->sign == C_EXCLUDED ? exc
                                                    : opt;
        if (l->kind == K_OPEN) {
            side_t s = parse_paren(ps, t, h);
            frs_status_t rc = FRS_OK;
            if (s.pos)
                rc = frs_qnode_add(list, resolve(ps, &s));
            else if (s.neg) /* +(-a) excludes a; -(-a) requires it */
                rc = frs_qnode_add(l->sign == C_EXCLUDED ? req : exc, s.neg);
            if (rc != FRS_OK)
                oom(ps);
            continue;
        }
        /* each word of a +run is required: AND its words */
        frs_qnode_t *sub = l->sign == C_REQUIRED ? frs_qnode_new(FRS_Q_AND)
                                                 : list;
        int as_phrase = l->kind == K_PHRASE || (keep_stop && l->kind == K_RUN);
        if (!sub)
            oom(ps);
        else
            lexeme_queries(ps, l, sub, as_phrase, t, h);
        if (sub && sub != list) {
            if (sub->nkids == 0)
                frs_qnode_free(sub);
            else if (frs_qnode_add(list, sub) != FRS_OK)
                oom(ps);
        }
    }
    side_t s = {NULL, NULL};
    if (ps->rc != FRS_OK || !opt || !req || !exc) {
        frs_qnode_free(opt);
        frs_qnode_free(req);
        frs_qnode_free(exc);
        return s;
    }
    if (req->nkids == 0) {
        frs_qnode_free(req);
        req = NULL;
    }
    if (opt->nkids == 0) {
        frs_qnode_free(opt);
        opt = NULL;
    }
    if (exc->nkids == 0) {
        frs_qnode_free(exc);
        exc = NULL;
    }
    s.pos = join2(ps, FRS_Q_AND_MAYBE, req, opt);
    s.neg = exc;
    return s;
}

/* a AND b, a NOT b (AND NOT) and their "-" sides. */
static side_t parse_and(ps_t *ps, int title, int hl)
{
    side_t a = parse_group(ps, title, hl);
    while (ps->rc == FRS_OK && ps->i < ps->n &&
           (ps->lx[ps->i].kind == K_AND || ps->lx[ps->i].kind == K_NOT)) {
        int not = ps->lx[ps->i++].kind == K_NOT;
        if (!not && ps->i < ps->n && ps->lx[ps->i].kind == K_NOT) {
            not = 1;
            ps->i++;
        }
        side_t b = parse_group(ps, title, not ? 0 : hl);
        if (!not) {
            /* (a - na) AND (b - nb) = (a AND b) - (na OR nb) */
            a.pos = join2(ps, FRS_Q_AND, a.pos, b.pos);
            a.neg = join2(ps, FRS_Q_OR, a.neg, b.neg);
        } else if (b.pos) {
            a.neg = join2(ps, FRS_Q_OR, a.neg, resolve(ps, &b));
        } else {
            /* a NOT -b: a with b */
            a.pos = join2(ps, FRS_Q_AND, a.pos, b.neg);
        }
    }
    return a;
}

static side_t parse_or(ps_t *ps, int title, int hl)
{
    side_t a = parse_and(ps, title, hl);
    while (ps->rc == FRS_OK && ps->i < ps->n &&
           ps->lx[ps->i].kind == K_OR) {
        ps->i++;
        side_t b = parse_and(ps, title, hl);
        if ((!a.pos && a.neg) || (!b.pos && b.neg)) {
            side_free(&b);
            if (ps->rc == FRS_OK) {
                ps->rc = FRS_EINVAL;
                snprintf(ps->msg, sizeof ps->msg,
                         "each side of OR needs a word that is not "
                         "excluded with '-'");
            }
            break;
        }
        a.pos = join2(ps, FRS_Q_OR, resolve(ps, &a), resolve(ps, &b));
    }
    if (ps->rc != FRS_OK)
        side_free(&a);
    return a;
}

/* ---- entry points ---- */

static frs_status_t fail(char **errmsg, const char *msg)
{
    *errmsg = strdup(msg);
    return FRS_EINVAL;
}

frs_status_t frs_qparse(frs_analyzer_t *an, const char *q, size_t len,
                        const frs_qparse_opts_t *o, frs_parsed_t **out,
                        char **errmsg)
{
    *out = NULL;
    *errmsg = NULL;
    char msg[160];
    if (len > FRS_QUERY_MAX_BYTES) {
        snprintf(msg, sizeof msg, "query is %zu bytes long; the limit is %d",
                 len, FRS_QUERY_MAX_BYTES);
        return fail(errmsg, msg);
    }
    lexeme_t lx[FRS_QUERY_MAX_WORDS];
    size_t n = lex(q, len, lx, FRS_QUERY_MAX_WORDS);
    if (n > FRS_QUERY_MAX_WORDS) {
        snprintf(msg, sizeof msg, "query has more than %d parts",
                 FRS_QUERY_MAX_WORDS);
        return fail(errmsg, msg);
    }
    frs_parsed_t *p = calloc(1, sizeof *p);
    if (!p)
        return FRS_ENOMEM;
    ps_t ps = {{an, {FRS_QP_EXACT_BOOST, FRS_QP_TITLE_WEIGHT}, p}, lx, n, 0,
               0, FRS_OK, ""};
    if (o)
        ps.c.o = *o;
    side_t s = parse_or(&ps, 0, 1);
    if (ps.rc == FRS_OK && !s.pos)
        snprintf(ps.msg, sizeof ps.msg, "%s",
                 s.neg ? "the query needs at least one word that is not "
                         "excluded with '-'"
                       : "the query has no word to search for");
    p->query = ps.rc == FRS_OK && s.pos ? resolve(&ps, &s) : NULL;
    side_free(&s);
    if (ps.rc == FRS_OK && !p->query && ps.msg[0])
        ps.rc = FRS_EINVAL;
    if (ps.rc != FRS_OK || !p->query) {
        frs_parsed_free(p);
        if (ps.rc == FRS_EINVAL)
            return fail(errmsg, ps.msg);
        return FRS_ENOMEM;
    }
    *out = p;
    return FRS_OK;
}

void frs_parsed_free(frs_parsed_t *p)
{
    if (!p)
        return;
    frs_qnode_free(p->query);
    for (size_t i = 0; i < p->nhl; i++)
        hlitem_clear(&p->hl[i]);
    free(p->hl);
    for (size_t i = 0; i < p->nqwords; i++) {
        free(p->words[i].exact);
        free(p->words[i].stem);
    }
    free(p->words);
    free(p);
}
