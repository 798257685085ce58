/* SPDX-License-Identifier: MIT
 * qparse.c: query syntax -> query tree, through the shared analyzer.
 */
#include "qparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "schema.h"

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

static int strlist_add(frs_strlist_t *l, const char *s)
{
    if (frs_strlist_has(l, s, strlen(s)))
        return 1;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **p = realloc(l->v, cap * sizeof *p);
        if (!p)
            return 0;
        l->v = p;
        l->cap = cap;
    }
    if (!(l->v[l->n] = strdup(s)))
        return 0;
    l->n++;
    return 1;
}

int frs_strlist_has(const frs_strlist_t *l, const char *s, size_t n)
{
    for (size_t i = 0; i < l->n; i++)
        if (strlen(l->v[i]) == n && memcmp(l->v[i], s, n) == 0)
            return 1;
    return 0;
}

/* Record a body word searched for (once). */
static int qword_add(frs_parsed_t *p, const char *exact, const char *stem)
{
    for (size_t i = 0; i < p->nqwords; i++)
        if (strcmp(p->words[i].exact, exact) == 0) {
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
    if (!w->exact || !w->stem) {
        free(w->exact);
        free(w->stem);
        return 0;
    }
    p->nqwords++;
    return 1;
}

static void strlist_free(frs_strlist_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

/* A clause of the query, as written. */
typedef enum { C_PLAIN, C_REQUIRED, C_EXCLUDED } sign_t;
typedef struct {
    sign_t sign;
    int title;    /* title: field */
    int phrase;   /* quoted */
    const char *text;
    size_t len;
} clause_t;

typedef struct {
    frs_analyzer_t *an;
    frs_qparse_opts_t o;
    frs_parsed_t *p;
    int keep_stop;   /* the query has nothing but stop words */
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
    if (q && hl) {
        if (!strlist_add(&c->p->exact, t->exact) ||
            (!stop && !strlist_add(&c->p->stems, t->stem)) ||
            (!title && !qword_add(c->p, t->exact, stop ? "" : t->stem))) {
            frs_qnode_free(q);
            return NULL;
        }
    }
    return q;
}

/* Exact forms in order, as a phrase (one word: the exact term). */
static frs_qnode_t *phrase_query(ctx_t *c, const toks_t *ts, size_t from,
                                 size_t to, int title, int hl)
{
    const char *pfx = title ? FRS_PFX_TITLE : "";
    size_t n = 0;
    for (size_t i = from; i < to; i++)
        if (!(ts->v[i].flags & FRS_TOK_COMPOUND))
            n++;
    if (n == 0)
        return frs_qnode_new(FRS_Q_OR); /* matches nothing */
    frs_qnode_t *q = n == 1 ? NULL : frs_qnode_new(FRS_Q_PHRASE);
    for (size_t i = from; i < to; i++) {
        if (ts->v[i].flags & FRS_TOK_COMPOUND)
            continue;
        if (hl && (!strlist_add(&c->p->exact, ts->v[i].exact) ||
                   (!title && !qword_add(c->p, ts->v[i].exact, "")))) {
            frs_qnode_free(q);
            return NULL;
        }
        frs_qnode_t *t = term2(pfx, ts->v[i].exact);
        if (n == 1)
            return t;
        q = add(q, t);
        if (!q)
            return NULL;
    }
    return q;
}

/* Build the queries of one clause into list (an OR or AND node). */
static int clause_queries(ctx_t *c, const clause_t *cl, frs_qnode_t *list)
{
    toks_t ts = {0};
    frs_status_t rc = frs_analyzer_run(c->an, cl->text, cl->len, 0, collect,
                                       &ts, NULL);
    if (rc != FRS_OK || ts.oom) {
        toks_free(&ts);
        return 0;
    }
    int hl = cl->sign != C_EXCLUDED;
    int ok = 1;
    if (cl->phrase) {
        if (ts.n > 0) {
            frs_qnode_t *q = phrase_query(c, &ts, 0, ts.n, cl->title, hl);
            ok = q && frs_qnode_add(list, q) == FRS_OK;
            c->p->nwords += (unsigned)ts.n;
        }
        toks_free(&ts);
        return ok;
    }
    for (size_t i = 0; ok && i < ts.n; i++) {
        tok_t *t = &ts.v[i];
        frs_qnode_t *q = NULL;
        if (t->flags & FRS_TOK_COMPOUND) {
            size_t j = i + 1;
            while (j < ts.n && (ts.v[j].flags & FRS_TOK_PART))
                j++;
            /* the compound as one word, or its parts as a phrase */
            q = add(frs_qnode_new(FRS_Q_OR), word_query(c, t, cl->title, hl));
            q = add(q, phrase_query(c, &ts, i + 1, j, cl->title, hl));
            i = j - 1;
        } else if ((t->flags & FRS_TOK_STOP) && !c->keep_stop) {
            continue;
        } else {
            q = word_query(c, t, cl->title, hl);
        }
        ok = q && frs_qnode_add(list, q) == FRS_OK;
        c->p->nwords++;
    }
    toks_free(&ts);
    return ok;
}

/* Split the query into clauses; consecutive plain words form one clause so
 * that numbers written with spaces ("1 000") stay whole. */
static size_t lex(const char *q, size_t len, clause_t *out, size_t max)
{
    size_t n = 0, i = 0;
    while (i < len && n < max) {
        while (i < len && (q[i] == ' ' || q[i] == '\t' || q[i] == '\n' ||
                           q[i] == '\r'))
            i++;
        if (i >= len)
            break;
        clause_t cl = {C_PLAIN, 0, 0, NULL, 0};
        if ((q[i] == '+' || q[i] == '-') && i + 1 < len && q[i + 1] != ' ') {
            cl.sign = q[i] == '+' ? C_REQUIRED : C_EXCLUDED;
            i++;
        }
        if (len - i > 6 && (strncmp(q + i, "title:", 6) == 0 ||
                            strncmp(q + i, "titre:", 6) == 0)) {
            cl.title = 1;
            i += 6;
        }
        const char *close = NULL;
        size_t open_len = 0;
        if (i < len && q[i] == '"') {
            close = "\"";
            open_len = 1;
        } else if (i + 1 < len && (unsigned char)q[i] == 0xc2 &&
                   (unsigned char)q[i + 1] == 0xab) {
            close = "\xc2\xbb"; /* « » */
            open_len = 2;
        }
        if (close) {
            cl.phrase = 1;
            i += open_len;
            size_t s = i, cl_len = strlen(close);
            while (i < len && !(len - i >= cl_len &&
                                memcmp(q + i, close, cl_len) == 0))
                i++;
            cl.text = q + s;
            cl.len = i - s;
            if (i < len)
                i += cl_len;
        } else {
            size_t s = i;
            while (i < len && q[i] != ' ' && q[i] != '\t' && q[i] != '\n' &&
                   q[i] != '\r')
                i++;
            cl.text = q + s;
            cl.len = i - s;
        }
        if (n > 0 && cl.sign == C_PLAIN && !cl.title && !cl.phrase &&
            out[n - 1].sign == C_PLAIN && !out[n - 1].title &&
            !out[n - 1].phrase) {
            out[n - 1].len = (size_t)(cl.text + cl.len - out[n - 1].text);
        } else {
            out[n++] = cl;
        }
    }
    return n;
}

static int only_stopwords(ctx_t *c, const clause_t *cls, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (cls[k].sign == C_EXCLUDED)
            continue;
        if (cls[k].phrase)
            return 0;
        toks_t ts = {0};
        frs_analyzer_run(c->an, cls[k].text, cls[k].len, 0, collect, &ts,
                         NULL);
        for (size_t i = 0; i < ts.n; i++)
            if (!(ts.v[i].flags & FRS_TOK_STOP)) {
                toks_free(&ts);
                return 0;
            }
        toks_free(&ts);
    }
    return 1;
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
        *errmsg = strdup(msg);
        return FRS_EINVAL;
    }
    clause_t cls[FRS_QUERY_MAX_WORDS + 1];
    size_t ncl = lex(q, len, cls, FRS_QUERY_MAX_WORDS + 1);
    if (ncl > FRS_QUERY_MAX_WORDS) {
        snprintf(msg, sizeof msg, "query has more than %d parts",
                 FRS_QUERY_MAX_WORDS);
        *errmsg = strdup(msg);
        return FRS_EINVAL;
    }
    frs_parsed_t *p = calloc(1, sizeof *p);
    if (!p)
        return FRS_ENOMEM;
    ctx_t c = {an, {FRS_QP_EXACT_BOOST, FRS_QP_TITLE_WEIGHT}, p, 0};
    if (o)
        c.o = *o;
    c.keep_stop = only_stopwords(&c, cls, ncl);
    frs_qnode_t *opt = frs_qnode_new(FRS_Q_OR);
    frs_qnode_t *req = frs_qnode_new(FRS_Q_AND);
    frs_qnode_t *exc = frs_qnode_new(FRS_Q_OR);
    int ok = opt && req && exc;
    for (size_t k = 0; ok && k < ncl; k++) {
        frs_qnode_t *list = cls[k].sign == C_REQUIRED   ? req
                            : cls[k].sign == C_EXCLUDED ? exc
                                                        : opt;
        if (cls[k].sign == C_REQUIRED && !cls[k].phrase) {
            /* each word of +clause is required: AND its words */
            frs_qnode_t *sub = frs_qnode_new(FRS_Q_AND);
            ok = sub && clause_queries(&c, &cls[k], sub);
            if (ok && sub->nkids > 0)
                ok = frs_qnode_add(req, sub) == FRS_OK;
            else
                frs_qnode_free(sub);
        } else {
            ok = clause_queries(&c, &cls[k], list);
        }
    }
    if (!ok) {
        frs_qnode_free(opt);
        frs_qnode_free(req);
        frs_qnode_free(exc);
        frs_parsed_free(p);
        return FRS_ENOMEM;
    }
    frs_qnode_t *top = NULL;
    if (req->nkids > 0 && opt->nkids > 0) {
        top = frs_qnode_new(FRS_Q_AND_MAYBE);
        top = add(top, req);
        top = add(top, opt);
    } else if (req->nkids > 0) {
        top = req;
        frs_qnode_free(opt);
    } else if (opt->nkids > 0) {
        top = opt;
        frs_qnode_free(req);
    } else {
        frs_qnode_free(opt);
        frs_qnode_free(req);
        int had_exc = exc->nkids > 0;
        frs_qnode_free(exc);
        frs_parsed_free(p);
        *errmsg = strdup(had_exc ? "the query needs at least one word that "
                                   "is not excluded with '-'"
                                 : "the query has no word to search for");
        return FRS_EINVAL;
    }
    if (top && exc->nkids > 0) {
        frs_qnode_t *n = frs_qnode_new(FRS_Q_AND_NOT);
        n = add(n, top);
        top = add(n, exc);
    } else {
        frs_qnode_free(exc);
    }
    if (!top) {
        frs_parsed_free(p);
        return FRS_ENOMEM;
    }
    p->query = top;
    *out = p;
    return FRS_OK;
}

void frs_parsed_free(frs_parsed_t *p)
{
    if (!p)
        return;
    frs_qnode_free(p->query);
    strlist_free(&p->exact);
    strlist_free(&p->stems);
    for (size_t i = 0; i < p->nqwords; i++) {
        free(p->words[i].exact);
        free(p->words[i].stem);
    }
    free(p->words);
    free(p);
}
