/* SPDX-License-Identifier: MIT
 * output.c: text, JSON and batch presentation of results.
 */
#include "output.h"

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

void frs_output_text(FILE *f, frs_searcher_t *s, const frs_results_t *r,
                     const frs_out_opts_t *o)
{
    frs_hl_opts_t hl = {o->color ? C_HL : "", o->color ? C_OFF : "", 0,
                        o->snippet_bytes};
    for (size_t i = 0; i < r->n; i++) {
        const frs_hit_info_t *h = &r->hits[i];
        const char *title = h->info.title && h->info.title[0] ? h->info.title
                                                              : h->info.id;
        fprintf(f, "%s%3u. %s%s  %s(%.3f)%s\n", o->color ? C_BOLD : "",
                h->rank, title, o->color ? C_OFF : "", o->color ? C_DIM : "",
                h->score, o->color ? C_OFF : "");
        fprintf(f, "     %s%s%s%s | passage %zu/%zu", o->color ? C_DIM : "",
                h->info.date ? h->info.date : "",
                h->info.date ? " | " : "",
                h->info.url ? h->info.url : h->info.id, h->passage + 1,
                h->info.npassages);
        if (h->info.url)
            fprintf(f, " | %s", h->info.id);
        if (h->matching > 1)
            fprintf(f, " | +%zu other passage%s", h->matching - 1,
                    h->matching > 2 ? "s" : "");
        fprintf(f, "%s\n", o->color ? C_OFF : "");
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
        json_object_set_new(j, "score", json_real(h->score));
        set_str(j, "article_id", h->info.id);
        json_object_set_new(j, "passage", json_integer((json_int_t)h->passage));
        json_object_set_new(j, "passages",
                            json_integer((json_int_t)h->info.npassages));
        set_str(j, "title", h->info.title);
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
                json_object_set_new(t, "weight", json_real(x->part.weight));
                json_object_set_new(t, "idf", json_real(x->part.idf));
                json_object_set_new(t, "tf", json_real(x->part.tf));
                json_object_set_new(t, "wdf", json_integer(x->wdf));
                json_object_set_new(t, "termfreq", json_integer((json_int_t)x->termfreq));
                json_object_set_new(t, "normlen", json_real(x->part.normlen));
                json_object_set_new(t, "factor", json_real(x->factor));
                json_array_append_new(terms, t);
            }
            json_object_set_new(ex, "sum", json_real(e->sum));
            json_object_set_new(ex, "passage_part", json_real(h->passage_part));
            json_object_set_new(ex, "title_part", json_real(h->title_part));
            json_object_set_new(ex, "doclen", json_integer((json_int_t)e->doclen));
            json_object_set_new(ex, "terms", terms);
            json_object_set_new(j, "explain", ex);
        }
        json_array_append_new(hits, j);
    }
    json_object_set_new(root, "query", json_string(q));
    json_object_set_new(root, "estimated_total", json_integer((json_int_t)r->estimated));
    json_object_set_new(root, "took_ms", json_real(r->took_ms));
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
    json_object_set_new(o, "took_ms", json_real(r ? r->took_ms : 0));
    json_t *hits = json_array();
    for (size_t i = 0; r && i < r->n; i++) {
        json_t *h = json_object();
        json_object_set_new(h, "article_id", json_string(r->hits[i].info.id));
        json_object_set_new(h, "passage",
                            json_integer((json_int_t)r->hits[i].passage));
        json_object_set_new(h, "score", json_real(r->hits[i].score));
        json_array_append_new(hits, h);
    }
    json_object_set_new(o, "hits", hits);
    json_dumpf(o, f, JSON_COMPACT);
    fputc('\n', f);
    json_decref(o);
}
