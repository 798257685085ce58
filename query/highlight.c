/* SPDX-License-Identifier: MIT
 * highlight.c: marking what the query matched (its highlight items, over
 * the words of the text found by the shared analyzer) and choosing the
 * snippet window.
 */
#include "highlight.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

typedef struct {
    size_t start, end;
} span_t;

/* The words of the text: exact forms and stems in one buffer. */
typedef struct {
    size_t exact, exact_len, stem, stem_len; /* offsets into words.data */
    size_t start, end;
    unsigned flags;
} word_t;

typedef struct {
    word_t *v;
    size_t n, cap;
    frs_buf_t words;
    int oom;
} text_t;

static int on_token(void *ctx, const frs_token_t *t)
{
    text_t *x = ctx;
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 32;
        word_t *v = realloc(x->v, cap * sizeof *v);
        if (!v) {
            x->oom = 1;
            return 1;
        }
        x->v = v;
        x->cap = cap;
    }
    word_t *w = &x->v[x->n++];
    w->exact = x->words.len;
    w->exact_len = t->exact_len;
    frs_buf_append(&x->words, t->exact, t->exact_len);
    w->stem = x->words.len;
    w->stem_len = t->stem_len;
    frs_buf_append(&x->words, t->stem, t->stem_len);
    w->start = t->start;
    w->end = t->end;
    w->flags = t->flags;
    x->oom |= x->words.rc != FRS_OK;
    return x->oom;
}

static int is(const text_t *x, size_t off, size_t len, const char *s)
{
    return strlen(s) == len && memcmp(x->words.data + off, s, len) == 0;
}

typedef struct {
    span_t *v;
    size_t n, cap;
    int oom;
} spans_t;

static void span_add(spans_t *s, size_t start, size_t end)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        span_t *v = realloc(s->v, cap * sizeof *v);
        if (!v) {
            s->oom = 1;
            return;
        }
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n].start = start;
    s->v[s->n].end = end;
    s->n++;
}

/* Is word w one of the phrase's words?  A compound is its parts. */
static int phrase_word(const word_t *w)
{
    return !(w->flags & FRS_TOK_COMPOUND);
}

/* The phrase h starting at word k: the index of its last word, or 0. */
static size_t phrase_at(const text_t *x, size_t k, const frs_hlitem_t *h)
{
    size_t j = 0, last = 0;
    for (size_t i = k; i < x->n && j < h->n; i++) {
        const word_t *w = &x->v[i];
        if (!phrase_word(w))
            continue;
        if (!is(x, w->exact, w->exact_len, h->form[j]))
            return 0;
        last = i;
        j++;
    }
    return j == h->n ? last : 0;
}

/* Mark the occurrences of item h among the words of x. */
static void mark_item(const text_t *x, const frs_hlitem_t *h, spans_t *s)
{
    for (size_t k = 0; k < x->n; k++) {
        const word_t *w = &x->v[k];
        const char *ex = x->words.data + w->exact;
        int hit = 0;
        size_t end = w->end;
        switch (h->kind) {
        case FRS_HL_WORD:
            hit = is(x, w->exact, w->exact_len, h->form[0]) ||
                  (h->stem[0] && !(w->flags & FRS_TOK_STOP) &&
                   is(x, w->stem, w->stem_len, h->stem));
            break;
        case FRS_HL_PREFIX:
            hit = w->exact_len >= strlen(h->form[0]) &&
                  memcmp(ex, h->form[0], strlen(h->form[0])) == 0;
            break;
        case FRS_HL_PHRASE: {
            size_t last = phrase_word(w) ? phrase_at(x, k, h) : 0;
            hit = last > k;
            if (hit)
                end = x->v[last].end;
            break;
        }
        }
        if (hit)
            span_add(s, w->start, end);
    }
}

static int by_start(const void *a, const void *b)
{
    const span_t *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end < y->end ? 1 : x->end > y->end ? -1 : 0;
}

/* The marks of text[0..len): the items for the body (title 0) or for the
 * title (1: all of them), merged where they overlap (a compound and its
 * part are one mark).  0 when out of memory. */
static int marks(frs_analyzer_t *an, const char *text, size_t len,
                 const frs_parsed_t *p, int title, spans_t *s)
{
    text_t x = {NULL, 0, 0, FRS_BUF_INIT, 0};
    memset(s, 0, sizeof *s);
    int ok = frs_analyzer_run(an, text, len, 0, on_token, &x, NULL) ==
                 FRS_OK && !x.oom;
    for (size_t i = 0; ok && i < p->nhl; i++)
        if (title || !p->hl[i].title)
            mark_item(&x, &p->hl[i], s);
    free(x.v);
    frs_buf_free(&x.words);
    if (!ok || s->oom) {
        free(s->v);
        return 0;
    }
    if (s->n > 1)
        qsort(s->v, s->n, sizeof *s->v, by_start);
    size_t m = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (m > 0 && s->v[i].start < s->v[m - 1].end) {
            if (s->v[i].end > s->v[m - 1].end)
                s->v[m - 1].end = s->v[i].end;
            continue;
        }
        s->v[m++] = s->v[i];
    }
    s->n = m;
    return 1;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/* Append text[a..b), collapsing white space and escaping for HTML. */
static void put_text(frs_buf_t *b, const char *text, size_t a, size_t e,
                     int html, int *last_ws)
{
    for (size_t i = a; i < e; i++) {
        char c = text[i];
        if (is_ws(c)) {
            if (!*last_ws)
                frs_buf_putc(b, ' ');
            *last_ws = 1;
            continue;
        }
        *last_ws = 0;
        if (html && c == '<')
            frs_buf_puts(b, "&lt;");
        else if (html && c == '>')
            frs_buf_puts(b, "&gt;");
        else if (html && c == '&')
            frs_buf_puts(b, "&amp;");
        else if (html && c == '"')
            frs_buf_puts(b, "&quot;");
        else if (html && c == '\'')
            frs_buf_puts(b, "&#39;");
        else
            frs_buf_putc(b, c);
    }
}

/* The window [*ws, *we) of text[0..len): the max_bytes-long stretch
 * holding the most marks, starting a little before its first mark, moved
 * to word boundaries. */
static void window(const char *text, size_t len, const spans_t *m,
                   size_t max_bytes, size_t *ws_out, size_t *we_out)
{
    size_t ws = 0, we = len;
    if (max_bytes && len > max_bytes) {
        size_t best = 0, best_count = 0;
        for (size_t i = 0; i < m->n; i++) {
            size_t count = 0;
            for (size_t j = i; j < m->n &&
                               m->v[j].end <= m->v[i].start + max_bytes; j++)
                count++;
            if (count > best_count) {
                best_count = count;
                best = i;
            }
        }
        size_t lead = max_bytes / 5;
        if (m->n > 0)
            ws = m->v[best].start > lead ? m->v[best].start - lead : 0;
        if (ws + max_bytes > len)
            ws = len - max_bytes;
        we = ws + max_bytes;
        /* move to word boundaries, never inside a UTF-8 sequence */
        if (ws > 0) {
            while (ws < len && !is_ws(text[ws]))
                ws++;
        }
        if (we < len) {
            while (we > ws && !is_ws(text[we]))
                we--;
        }
        if (we <= ws) { /* one endless word: cut at a character start */
            we = ws + max_bytes < len ? ws + max_bytes : len;
            while (we > ws && ((unsigned char)text[we] & 0xC0) == 0x80)
                we--;
        }
    }
    *ws_out = ws;
    *we_out = we;
}

/* text[ws..we) with the marks inside it, and "…" where text was cut. */
static char *render(const char *text, size_t len, const spans_t *m,
                    size_t ws, size_t we, const frs_hl_opts_t *o)
{
    frs_buf_t b = FRS_BUF_INIT;
    int last_ws = 1;
    if (ws > 0)
        frs_buf_puts(&b, "\xe2\x80\xa6 ");
    size_t at = ws;
    for (size_t i = 0; i < m->n; i++) {
        if (m->v[i].start < at || m->v[i].end > we)
            continue;
        put_text(&b, text, at, m->v[i].start, o->html, &last_ws);
        frs_buf_puts(&b, o->pre);
        put_text(&b, text, m->v[i].start, m->v[i].end, o->html, &last_ws);
        frs_buf_puts(&b, o->post);
        at = m->v[i].end;
    }
    put_text(&b, text, at, we, o->html, &last_ws);
    while (b.len > 0 && b.data[b.len - 1] == ' ')
        b.data[--b.len] = '\0';
    if (we < len)
        frs_buf_puts(&b, " \xe2\x80\xa6");
    return frs_buf_release(&b);
}

char *frs_highlight(frs_analyzer_t *an, const char *text, size_t len,
                    const frs_parsed_t *p, const frs_hl_opts_t *o)
{
    spans_t m;
    if (!marks(an, text, len, p, 0, &m))
        return NULL;
    size_t ws, we;
    window(text, len, &m, o->max_bytes, &ws, &we);
    char *s = render(text, len, &m, ws, we, o);
    free(m.v);
    return s;
}

char *frs_highlight_title(frs_analyzer_t *an, const char *title, size_t len,
                          const frs_parsed_t *p, const frs_hl_opts_t *o)
{
    spans_t m;
    if (!marks(an, title, len, p, 1, &m))
        return NULL;
    char *s = render(title, len, &m, 0, len, o);
    free(m.v);
    return s;
}
