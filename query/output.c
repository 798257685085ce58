/* SPDX-License-Identifier: MIT
 * output.c: text, JSON and batch presentation of results.
 */
#include "output.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "highlight.h"

#define C_BOLD "\x1b[1m"
#define C_DIM "\x1b[2m"
#define C_HL "\x1b[1;31m"
#define C_OFF "\x1b[0m"

static void print_explain(FILE *f, const frs_hit_info_t *h,
                          const frs_results_t *r, const char *indent)
{
    const frs_explained_t *e = &h->explain;
    fprintf(f, "%sexplain: %.6f = BM25 %.6f (sum of %zu term weight%s; "
               "article length %llu, average %.2f, %llu articles) + best "
               "passage %.6f + title %.6f\n",
            indent, h->score, e->sum, e->n, e->n == 1 ? "" : "s", e->doclen,
            r->avlength, r->doccount, h->passage_part, h->title_part);
    for (size_t i = 0; i < e->n; i++) {
        const frs_explain_t *x = &e->parts[i];
        fprintf(f, "%s  %9.6f  %-24s idf %.4f (in %llu articles) x tf %.4f "
                   "(wdf %u, L %.3f) x factor %.2f\n",
                indent, x->part.weight, x->term, x->part.idf, x->termfreq,
                x->part.tf, x->wdf, x->part.normlen, x->factor);
    }
}

json_t *frs_json_score(double v)
{
    return json_real(round(v * 1e4) / 1e4);
}

json_t *frs_json_explain(double v)
{
    return json_real(round(v * 1e6) / 1e6);
}

json_t *frs_json_ms(double v)
{
    return json_real(round(v * 1e3) / 1e3);
}

/* The title of h with the query's words marked as o says; malloc'd (the
 * id when the article has no title), NULL when out of memory. */
static char *hit_title(frs_searcher_t *s, const frs_results_t *r,
                       const frs_hit_info_t *h, const frs_hl_opts_t *o)
{
    if (!h->info.title || !h->info.title[0])
        return strdup(h->info.id);
    return frs_highlight_title(frs_searcher_analyzer(s), h->info.title,
                               strlen(h->info.title), r->parsed, o);
}

/* The line under the title: date, url or id, the passage shown and what
 * else of the article matched. */
static void print_where(FILE *f, const frs_hit_info_t *h, int color)
{
    fprintf(f, "     %s%s%s%s | passage %zu/%zu", color ? C_DIM : "",
            h->info.date ? h->info.date : "", h->info.date ? " | " : "",
            h->info.url ? h->info.url : h->info.id, h->passage + 1,
            h->info.npassages);
    if (h->info.url)
        fprintf(f, " | %s", h->info.id);
    if (h->title_only)
        fputs(" | trouvé par le titre seul", f);
    else if (h->matching > 1)
        fprintf(f, " | + %zu autre%s passage%s", h->matching - 1,
                h->matching > 2 ? "s" : "", h->matching > 2 ? "s" : "");
    fprintf(f, "%s\n", color ? C_OFF : "");
}

void frs_output_text(FILE *f, frs_searcher_t *s, const frs_results_t *r,
                     const frs_out_opts_t *o)
{
    frs_hl_opts_t hl = {o->color ? C_HL : "", o->color ? C_OFF : "", 0,
                        o->snippet_bytes};
    frs_hl_opts_t th = {o->color ? C_HL : "", o->color ? C_OFF C_BOLD : "", 0,
                        0};
    for (size_t i = 0; i < r->n; i++) {
        const frs_hit_info_t *h = &r->hits[i];
        char *title = hit_title(s, r, h, &th);
        fprintf(f, "%s%3u. %s%s  %s(%.3f)%s\n", o->color ? C_BOLD : "",
                h->rank, title ? title : h->info.id, o->color ? C_OFF : "",
                o->color ? C_DIM : "", h->score, o->color ? C_OFF : "");
        free(title);
        print_where(f, h, o->color);
        size_t tlen;
        const char *text = frs_hit_text(h, &tlen);
        char *snip = frs_highlight(frs_searcher_analyzer(s), text, tlen,
                                   r->parsed, &hl);
        fprintf(f, "     %s\n", snip ? snip : "");
        free(snip);
        if (o->explain)
            print_explain(f, h, r, "     ");
        if (i + 1 < r->n)
            fputc('\n', f);
    }
}

static void set_str(json_t *o, const char *k, const char *v)
{
    if (v)
        json_object_set_new(o, k, json_string(v));
}

json_t *frs_results_json(frs_searcher_t *s, const char *q,
                         const frs_search_params_t *p, const frs_results_t *r,
                         const frs_out_opts_t *o)
{
    frs_hl_opts_t hl = {o->hl_pre ? o->hl_pre : "<mark>",
                        o->hl_post ? o->hl_post : "</mark>", 1,
                        o->snippet_bytes};
    json_t *root = json_object();
    json_t *hits = json_array();
    for (size_t i = 0; i < r->n; i++) {
        const frs_hit_info_t *h = &r->hits[i];
        json_t *j = json_object();
        json_object_set_new(j, "rank", json_integer(h->rank));
        json_object_set_new(j, "score", frs_json_score(h->score));
        set_str(j, "article_id", h->info.id);
        json_object_set_new(j, "passage", json_integer((json_int_t)h->passage));
        json_object_set_new(j, "passages",
                            json_integer((json_int_t)h->info.npassages));
        set_str(j, "title", h->info.title);
        if (h->info.title) {
            char *ts = frs_highlight_title(frs_searcher_analyzer(s),
                                           h->info.title,
                                           strlen(h->info.title), r->parsed,
                                           &hl);
            json_object_set_new(j, "title_snippet",
                                json_string(ts ? ts : ""));
            free(ts);
        }
        set_str(j, "url", h->info.url);
        set_str(j, "date", h->info.date);
        size_t tlen;
        const char *text = frs_hit_text(h, &tlen);
        char *snip = frs_highlight(frs_searcher_analyzer(s), text, tlen,
                                   r->parsed, &hl);
        json_object_set_new(j, "snippet", json_string(snip ? snip : ""));
        free(snip);
        json_object_set_new(j, "matching_passages",
                            json_integer((json_int_t)h->matching));
        if (h->title_only)
            json_object_set_new(j, "title_only", json_true());
        if (p->explain) {
            const frs_explained_t *e = &h->explain;
            json_t *ex = json_object();
            json_t *terms = json_array();
            for (size_t k = 0; k < e->n; k++) {
                const frs_explain_t *x = &e->parts[k];
                json_t *t = json_object();
                json_object_set_new(t, "term", json_string(x->term));
                json_object_set_new(t, "weight", frs_json_explain(x->part.weight));
                json_object_set_new(t, "idf", frs_json_explain(x->part.idf));
                json_object_set_new(t, "tf", frs_json_explain(x->part.tf));
                json_object_set_new(t, "wdf", json_integer(x->wdf));
                json_object_set_new(t, "termfreq", json_integer((json_int_t)x->termfreq));
                json_object_set_new(t, "normlen", frs_json_explain(x->part.normlen));
                json_object_set_new(t, "factor", frs_json_explain(x->factor));
                json_array_append_new(terms, t);
            }
            json_object_set_new(ex, "sum", frs_json_explain(e->sum));
            json_object_set_new(ex, "passage_part", frs_json_explain(h->passage_part));
            json_object_set_new(ex, "title_part", frs_json_explain(h->title_part));
            json_object_set_new(ex, "doclen", json_integer((json_int_t)e->doclen));
            json_object_set_new(ex, "terms", terms);
            json_object_set_new(j, "explain", ex);
        }
        json_array_append_new(hits, j);
    }
    json_object_set_new(root, "query", json_string(q));
    json_object_set_new(root, "estimated_total", json_integer((json_int_t)r->estimated));
    json_object_set_new(root, "took_ms", frs_json_ms(r->took_ms));
    json_object_set_new(root, "offset", json_integer(p->offset));
    json_object_set_new(root, "limit", json_integer(p->limit));
    json_object_set_new(root, "hits", hits);
    return root;
}

void frs_output_trec(FILE *f, const char *qid, const frs_results_t *r,
                     int passages)
{
    for (size_t i = 0; i < r->n; i++) {
        const frs_hit_info_t *h = &r->hits[i];
        if (!passages)
            fprintf(f, "%s Q0 %s %u %.6f frs\n", qid, h->info.id, h->rank,
                    h->score);
        else
            fprintf(f, "%s Q0 %s#%zu %u %.6f frs\n", qid, h->info.id,
                    h->passage, h->rank, h->passage_score);
    }
}

void frs_output_batch_json(FILE *f, const char *qid, const frs_results_t *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "qid", json_string(qid));
    json_object_set_new(o, "took_ms", frs_json_ms(r ? r->took_ms : 0));
    json_t *hits = json_array();
    for (size_t i = 0; r && i < r->n; i++) {
        json_t *h = json_object();
        json_object_set_new(h, "article_id", json_string(r->hits[i].info.id));
        json_object_set_new(h, "passage",
                            json_integer((json_int_t)r->hits[i].passage));
        json_object_set_new(h, "score", frs_json_score(r->hits[i].score));
        json_array_append_new(hits, h);
    }
    json_object_set_new(o, "hits", hits);
    json_dumpf(o, f, JSON_COMPACT | FRS_OUT_JSON_FLAGS);
    fputc('\n', f);
    json_decref(o);
}
