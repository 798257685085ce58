/* SPDX-License-Identifier: MIT
 * highlight.c: matched-word marking and snippet window selection.
 */
#include "highlight.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

typedef struct {
    size_t start, end;
} span_t;

typedef struct {
    const frs_parsed_t *p;
    span_t *v;
    size_t n, cap;
    size_t skip_until; /* parts inside a matched compound */
    int oom;
} marks_t;

static int mark(void *ctx, const frs_token_t *t)
{
    marks_t *m = ctx;
    if (t->start < m->skip_until)
        return 0;
    int hit = frs_strlist_has(&m->p->exact, t->exact, t->exact_len) ||
              (!(t->flags & FRS_TOK_STOP) &&
               frs_strlist_has(&m->p->stems, t->stem, t->stem_len));
    if (!hit)
        return 0;
    if (t->flags & FRS_TOK_COMPOUND)
        m->skip_until = t->end;
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        span_t *v = realloc(m->v, cap * sizeof *v);
        if (!v) {
            m->oom = 1;
            return 1;
        }
        m->v = v;
        m->cap = cap;
    }
    m->v[m->n].start = t->start;
    m->v[m->n].end = t->end;
    m->n++;
    return 0;
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

char *frs_highlight(frs_analyzer_t *an, const char *text, size_t len,
                    const frs_parsed_t *p, const frs_hl_opts_t *o)
{
    marks_t m = {p, NULL, 0, 0, 0, 0};
    if (frs_analyzer_run(an, text, len, 0, mark, &m, NULL) != FRS_OK ||
        m.oom) {
        free(m.v);
        return NULL;
    }
    /* window: the max_bytes-long stretch holding the most marks, starting a
     * little before its first mark */
    size_t ws = 0, we = len;
    if (o->max_bytes && len > o->max_bytes) {
        size_t best = 0, best_count = 0;
        for (size_t i = 0; i < m.n; i++) {
            size_t count = 0;
            for (size_t j = i; j < m.n && m.v[j].end <= m.v[i].start + o->max_bytes; j++)
                count++;
            if (count > best_count) {
                best_count = count;
                best = i;
            }
        }
        size_t lead = o->max_bytes / 5;
        if (m.n > 0)
            ws = m.v[best].start > lead ? m.v[best].start - lead : 0;
        if (ws + o->max_bytes > len)
            ws = len - o->max_bytes;
        we = ws + o->max_bytes;
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
            we = ws + o->max_bytes < len ? ws + o->max_bytes : len;
            while (we > ws && ((unsigned char)text[we] & 0xC0) == 0x80)
                we--;
        }
    }
    frs_buf_t b = FRS_BUF_INIT;
    int last_ws = 1;
    if (ws > 0)
        frs_buf_puts(&b, "\xe2\x80\xa6 ");
    size_t at = ws;
    for (size_t i = 0; i < m.n; i++) {
        if (m.v[i].start < at || m.v[i].end > we)
            continue;
        put_text(&b, text, at, m.v[i].start, o->html, &last_ws);
        frs_buf_puts(&b, o->pre);
        put_text(&b, text, m.v[i].start, m.v[i].end, o->html, &last_ws);
        frs_buf_puts(&b, o->post);
        at = m.v[i].end;
    }
    put_text(&b, text, at, we, o->html, &last_ws);
    while (b.len > 0 && b.data[b.len - 1] == ' ')
        b.data[--b.len] = '\0';
    if (we < len)
        frs_buf_puts(&b, " \xe2\x80\xa6");
    free(m.v);
    return frs_buf_release(&b);
}
