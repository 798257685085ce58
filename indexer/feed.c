/* SPDX-License-Identifier: MIT
 * feed.c: first-copy-wins de-duplication of article ids across the inputs
 * of a run, and the run's input counts.  Each id kept maps to its ordinal;
 * the ordinal gives its line, and the source by a binary search over the
 * ordinals at which sources begin (articles arrive source by source), so a
 * place costs a few bytes per article.
 */
#include "feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strset.h"

typedef struct {
    char *name;
    unsigned long first; /* ordinal of its first article */
} source_t;

struct frs_feed {
    frs_ingest_t sink;
    frs_ingest_t in;        /* what the readers call: the feed's callbacks */
    frs_strset_t *ids;      /* id -> ordinal (1-based) of its first copy */
    unsigned long *lines;   /* ordinal - 1 -> line */
    size_t nlines, cap;
    source_t *src;
    size_t nsrc, srccap;
    frs_feed_stats_t st;
    char *unparsed_source, *failed_source;
};

/* The source of the article of ordinal k. */
static const char *source_of(const frs_feed_t *f, unsigned long k)
{
    size_t lo = 0, hi = f->nsrc;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->src[mid].first <= k)
            lo = mid;
        else
            hi = mid;
    }
    return f->src[lo].name;
}

/* Remember where the article of the next ordinal is. */
static frs_status_t remember(frs_feed_t *f, const frs_article_t *a)
{
    if (f->nsrc == 0 || strcmp(f->src[f->nsrc - 1].name, a->source) != 0) {
        if (f->nsrc == f->srccap) {
            size_t c = f->srccap ? f->srccap * 2 : 16;
            source_t *v = realloc(f->src, c * sizeof *v);
            if (!v)
                return FRS_ENOMEM;
            f->src = v;
            f->srccap = c;
        }
        char *name = strdup(a->source);
        if (!name)
            return FRS_ENOMEM;
        f->src[f->nsrc].name = name;
        f->src[f->nsrc++].first = (unsigned long)f->nlines + 1;
    }
    if (f->nlines == f->cap) {
        size_t c = f->cap ? f->cap * 2 : 1024;
        unsigned long *v = realloc(f->lines, c * sizeof *v);
        if (!v)
            return FRS_ENOMEM;
        f->lines = v;
        f->cap = c;
    }
    f->lines[f->nlines++] = a->line;
    return FRS_OK;
}

static frs_status_t on_article(void *ctx, const frs_article_t *a)
{
    frs_feed_t *f = ctx;
    size_t len = strlen(a->id);
    unsigned k = frs_strset_get(f->ids, a->id, len);
    if (k) {
        char where[64] = "";
        unsigned long line = f->lines[k - 1];
        if (line)
            snprintf(where, sizeof where, ":%lu", line);
        char msg[600];
        snprintf(msg, sizeof msg, "duplicate id, first read at %s%s; this "
                 "copy is ignored (the first one wins)", source_of(f, k),
                 where);
        f->st.duplicates++;
        f->st.warnings++;
        if (f->sink.report)
            f->sink.report(f->sink.ctx, FRS_REPORT_WARNING, a->source,
                           a->line, a->id, msg);
        return FRS_OK;
    }
    if (f->nlines >= (size_t)(unsigned)-1 || remember(f, a) != FRS_OK ||
        frs_strset_incr(f->ids, a->id, len, (unsigned)f->nlines) != FRS_OK)
        return FRS_ENOMEM;
    f->st.articles++;
    return f->sink.article(f->sink.ctx, a);
}

/* Keep the first name of a kind (*slot NULL), for the stats. */
static void keep_first(char **slot, const char **pub, const char *source)
{
    if (!*slot && (*slot = strdup(source)) != NULL)
        *pub = *slot;
}

static void on_report(void *ctx, frs_report_kind_t kind, const char *source,
                      unsigned long line, const char *id, const char *reason)
{
    frs_feed_t *f = ctx;
    switch (kind) {
    case FRS_REPORT_WARNING:
        f->st.warnings++;
        break;
    case FRS_REPORT_REJECT:
        f->st.rejected++;
        if (id) {
            f->st.rejected_ids++;
        } else {
            if (f->st.unparsed++ == 0)
                f->st.unparsed_line = line;
            keep_first(&f->unparsed_source, &f->st.unparsed_source, source);
        }
        break;
    case FRS_REPORT_ERROR:
        f->st.failed_inputs++;
        keep_first(&f->failed_source, &f->st.failed_source, source);
        break;
    case FRS_REPORT_SKIP:
        f->st.skipped++;
        break;
    }
    if (f->sink.report)
        f->sink.report(f->sink.ctx, kind, source, line, id, reason);
}

static void on_progress(void *ctx, size_t bytes)
{
    frs_feed_t *f = ctx;
    if (f->sink.progress)
        f->sink.progress(f->sink.ctx, bytes);
}

frs_status_t frs_feed_new(const frs_ingest_t *sink, frs_feed_t **out)
{
    *out = NULL;
    frs_feed_t *f = calloc(1, sizeof *f);
    if (!f || frs_strset_new(&f->ids) != FRS_OK) {
        free(f);
        return FRS_ENOMEM;
    }
    f->sink = *sink;
    f->in = *sink;
    f->in.article = on_article;
    f->in.report = on_report;
    f->in.progress = sink->progress ? on_progress : NULL;
    f->in.ctx = f;
    *out = f;
    return FRS_OK;
}

frs_status_t frs_feed_read(frs_feed_t *f, const char *input)
{
    return frs_ingest_path(&f->in, input);
}

const frs_feed_stats_t *frs_feed_stats(const frs_feed_t *f)
{
    return &f->st;
}

void frs_feed_free(frs_feed_t *f)
{
    if (!f)
        return;
    frs_strset_free(f->ids);
    free(f->lines);
    for (size_t i = 0; i < f->nsrc; i++)
        free(f->src[i].name);
    free(f->src);
    free(f->unparsed_source);
    free(f->failed_source);
    free(f);
}
