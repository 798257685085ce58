/* SPDX-License-Identifier: MIT
 * parallel.c: worker threads, a bounded queue per worker, part databases
 * merged by compaction.
 */
#include "parallel.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dbswap.h"
#include "analyzer.h"
#include "schema.h"
#include "xdb.h"

#define QUEUE_CAP 64

typedef struct {
    char *id, *title, *url, *date, *body, *source;
    size_t body_len;
    unsigned long line;
} item_t;

typedef struct {
    struct frs_pbuild *pb;
    unsigned k;              /* this worker's number */
    pthread_t thread;
    int started;
    char **paths;            /* its parts, the one being written last */
    size_t nparts;
    frs_indexer_t *ix;       /* writing paths[nparts - 1] */
    unsigned long in_part;   /* articles indexed into it */
    frs_indexer_counts_t done; /* counts of the finished parts */
    pthread_mutex_t mu;
    pthread_cond_t not_empty, not_full;
    item_t q[QUEUE_CAP];
    size_t head, n;
    int closing;
    frs_status_t rc;
    char err[512];
} worker_t;

struct frs_pbuild {
    char *dst;
    unsigned jobs;
    unsigned long part_articles; /* start a new part after this many */
    frs_indexer_opts_t wo;       /* options of the part databases */
    frs_indexer_opts_t o;
    worker_t *w;
    char err[512];               /* frs_pbuild_errmsg */
};

static void item_free(item_t *it)
{
    free(it->id);
    free(it->title);
    free(it->url);
    free(it->date);
    free(it->body);
    free(it->source);
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void add_counts(frs_indexer_counts_t *to,
                       const frs_indexer_counts_t *c)
{
    to->added += c->added;
    to->updated += c->updated;
    to->unchanged += c->unchanged;
    to->deleted += c->deleted;
    to->passages += c->passages;
    to->bytes += c->bytes;
}

/* Remove a part database (best effort: a part is a scratch database
 * beside dst, and one left over is removed by the next run). */
static void remove_part(const char *path)
{
    char *ignored = NULL;
    frs_dbswap_remove(path, &ignored);
    free(ignored);
}

/* Start part number w->nparts of worker w. */
static frs_status_t new_part(worker_t *w, char **errmsg)
{
    char tag[48];
    snprintf(tag, sizeof tag, "part-%u.%zu", w->k, w->nparts);
    char **more = realloc(w->paths, (w->nparts + 1) * sizeof *more);
    if (!more)
        return FRS_ENOMEM;
    w->paths = more;
    char *path = frs_dbswap_sibling(w->pb->dst, tag);
    if (!path)
        return FRS_ENOMEM;
    w->paths[w->nparts++] = path;
    remove_part(path); /* left over by a killed run */
    w->in_part = 0;
    return frs_indexer_open(path, &w->pb->wo, &w->ix, errmsg);
}

/* Commit and close the part being written (with its spelling data). */
static frs_status_t end_part(worker_t *w)
{
    frs_status_t rc = frs_indexer_commit(w->ix);
    if (rc != FRS_OK)
        return rc;
    add_counts(&w->done, frs_indexer_counts(w->ix));
    frs_indexer_free(w->ix);
    w->ix = NULL;
    return FRS_OK;
}

/* Index article a into worker w's current part: a part is kept small
 * (pb->part_articles), because Xapian's cost per document grows with the
 * database it writes into.  Each id comes once (parallel.h). */
static frs_status_t worker_add(worker_t *w, const frs_article_t *a)
{
    frs_status_t rc = frs_indexer_add(w->ix, a);
    if (rc != FRS_OK)
        return rc;
    if (++w->in_part < w->pb->part_articles)
        return FRS_OK;
    rc = end_part(w);
    char *err = NULL;
    if (rc == FRS_OK)
        rc = new_part(w, &err);
    if (rc != FRS_OK && err)
        snprintf(w->err, sizeof w->err, "%s", err);
    free(err);
    return rc;
}

static void *work(void *arg)
{
    worker_t *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->mu);
        while (w->n == 0 && !w->closing)
            pthread_cond_wait(&w->not_empty, &w->mu);
        if (w->n == 0) {
            pthread_mutex_unlock(&w->mu);
            break;
        }
        item_t it = w->q[w->head];
        w->head = (w->head + 1) % QUEUE_CAP;
        w->n--;
        pthread_cond_signal(&w->not_full);
        pthread_mutex_unlock(&w->mu);
        if (w->rc == FRS_OK) {
            frs_article_t a = {it.source, it.line, it.id, it.title, it.url,
                               it.date, it.body, it.body_len};
            frs_status_t rc = worker_add(w, &a);
            if (rc != FRS_OK) {
                pthread_mutex_lock(&w->mu);
                if (!w->err[0])
                    snprintf(w->err, sizeof w->err, "%s",
                             w->ix && frs_indexer_errmsg(w->ix)[0]
                                 ? frs_indexer_errmsg(w->ix)
                                 : frs_strerror(rc));
                w->rc = rc;
                pthread_mutex_unlock(&w->mu);
            }
        }
        item_free(&it);
    }
    if (w->rc == FRS_OK) {
        frs_status_t rc = end_part(w);
        if (rc != FRS_OK) {
            snprintf(w->err, sizeof w->err, "%s", frs_indexer_errmsg(w->ix));
            w->rc = rc;
        }
    }
    return NULL;
}

static void stop_workers(frs_pbuild_t *pb)
{
    for (unsigned k = 0; k < pb->jobs; k++) {
        worker_t *w = &pb->w[k];
        if (!w->started)
            continue;
        pthread_mutex_lock(&w->mu);
        w->closing = 1;
        pthread_cond_signal(&w->not_empty);
        pthread_mutex_unlock(&w->mu);
        pthread_join(w->thread, NULL);
        w->started = 0;
    }
}

void frs_pbuild_free(frs_pbuild_t *pb)
{
    if (!pb)
        return;
    for (unsigned k = 0; k < pb->jobs; k++)
        if (pb->w[k].rc == FRS_OK && pb->w[k].started)
            pb->w[k].rc = FRS_EINTERNAL; /* abandon: skip the final commit */
    stop_workers(pb);
    for (unsigned k = 0; k < pb->jobs; k++) {
        worker_t *w = &pb->w[k];
        frs_indexer_free(w->ix);
        while (w->n > 0) {
            item_free(&w->q[w->head]);
            w->head = (w->head + 1) % QUEUE_CAP;
            w->n--;
        }
        for (size_t i = 0; i < w->nparts; i++) {
            remove_part(w->paths[i]);
            free(w->paths[i]);
        }
        free(w->paths);
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->not_empty);
        pthread_cond_destroy(&w->not_full);
    }
    free(pb->w);
    free(pb->dst);
    free(pb);
}

frs_status_t frs_pbuild_new(const char *dst, unsigned jobs,
                            const frs_indexer_opts_t *o, frs_pbuild_t **out,
                            char **errmsg)
{
    *out = NULL;
    *errmsg = NULL;
    if (jobs == 0)
        jobs = 1;
    frs_pbuild_t *pb = calloc(1, sizeof *pb);
    if (!pb)
        return FRS_ENOMEM;
    pb->w = calloc(jobs, sizeof *pb->w);
    pb->dst = strdup(dst);
    if (!pb->w || !pb->dst) {
        free(pb->w);
        free(pb->dst);
        free(pb);
        return FRS_ENOMEM;
    }
    pb->jobs = jobs;
    pb->o = *o;
    pb->wo = *o;
    pb->wo.create = 1;
    pb->wo.no_sync = 1; /* the merged database is synced before the switch */
    pb->wo.bulk = 1;
    pb->wo.wait_lock = 0;
    pb->part_articles = FRS_PBUILD_PART_ARTICLES;
    const char *env = getenv("FRS_PART_ARTICLES"); /* tests: tiny parts */
    if (env && strtoul(env, NULL, 10) > 0)
        pb->part_articles = strtoul(env, NULL, 10);
    frs_status_t rc = FRS_OK;
    for (unsigned k = 0; k < jobs; k++) {
        worker_t *w = &pb->w[k];
        w->pb = pb;
        w->k = k;
        pthread_mutex_init(&w->mu, NULL);
        pthread_cond_init(&w->not_empty, NULL);
        pthread_cond_init(&w->not_full, NULL);
    }
    for (unsigned k = 0; k < jobs && rc == FRS_OK; k++) {
        worker_t *w = &pb->w[k];
        rc = new_part(w, errmsg);
        if (rc == FRS_OK) {
            if (pthread_create(&w->thread, NULL, work, w) != 0)
                rc = FRS_EINTERNAL;
            else
                w->started = 1;
        }
    }
    if (rc != FRS_OK) {
        frs_pbuild_free(pb);
        return rc;
    }
    *out = pb;
    return FRS_OK;
}

/* The least busy worker, so that no worker waits while another's queue
 * is full. */
static worker_t *least_busy(frs_pbuild_t *pb)
{
    worker_t *best = &pb->w[0];
    size_t least = (size_t)-1;
    for (unsigned j = 0; j < pb->jobs; j++) {
        worker_t *w = &pb->w[j];
        pthread_mutex_lock(&w->mu);
        if (w->n < least) {
            least = w->n;
            best = w;
        }
        pthread_mutex_unlock(&w->mu);
    }
    return best;
}

frs_status_t frs_pbuild_add(frs_pbuild_t *pb, const frs_article_t *a)
{
    worker_t *w = least_busy(pb);
    item_t it = {strdup(a->id), dup_or_null(a->title), dup_or_null(a->url),
                 dup_or_null(a->date), malloc(a->body_len + 1),
                 strdup(a->source), a->body_len, a->line};
    if (!it.id || (a->title && !it.title) || (a->url && !it.url) ||
        (a->date && !it.date) || !it.body || !it.source) {
        item_free(&it);
        return FRS_ENOMEM;
    }
    memcpy(it.body, a->body, a->body_len);
    it.body[a->body_len] = '\0';
    pthread_mutex_lock(&w->mu);
    while (w->n == QUEUE_CAP && w->rc == FRS_OK)
        pthread_cond_wait(&w->not_full, &w->mu);
    frs_status_t rc = w->rc;
    if (rc == FRS_OK) {
        w->q[(w->head + w->n) % QUEUE_CAP] = it;
        w->n++;
        pthread_cond_signal(&w->not_empty);
    }
    pthread_mutex_unlock(&w->mu);
    if (rc != FRS_OK)
        item_free(&it);
    return rc;
}

const char *frs_pbuild_errmsg(frs_pbuild_t *pb)
{
    pb->err[0] = '\0';
    for (unsigned k = 0; k < pb->jobs && !pb->err[0]; k++) {
        worker_t *w = &pb->w[k];
        pthread_mutex_lock(&w->mu);
        if (w->rc != FRS_OK)
            snprintf(pb->err, sizeof pb->err, "%s",
                     w->err[0] ? w->err : frs_strerror(w->rc));
        pthread_mutex_unlock(&w->mu);
    }
    return pb->err;
}

frs_status_t frs_pbuild_finish(frs_pbuild_t *pb, frs_indexer_counts_t *counts,
                               char **errmsg)
{
    *errmsg = NULL;
    memset(counts, 0, sizeof *counts);
    stop_workers(pb);
    size_t n = 0;
    for (unsigned k = 0; k < pb->jobs; k++)
        n += pb->w[k].nparts;
    const char **paths = calloc(n ? n : 1, sizeof *paths);
    if (!paths)
        return FRS_ENOMEM;
    frs_status_t rc = FRS_OK;
    n = 0;
    for (unsigned k = 0; k < pb->jobs; k++) {
        worker_t *w = &pb->w[k];
        if (w->rc != FRS_OK && rc == FRS_OK) {
            rc = w->rc;
            *errmsg = strdup(w->err);
        }
        add_counts(counts, &w->done);
        for (size_t i = 0; i < w->nparts; i++)
            paths[n++] = w->paths[i];
    }
    if (rc == FRS_OK)
        rc = frs_xdb_merge(paths, n, pb->dst, errmsg);
    free(paths);
    if (rc != FRS_OK)
        return rc;
    /* the merged metadata came from part 0 (perhaps empty): set it all */
    frs_xdb_t *db = NULL;
    rc = frs_xdb_open(pb->dst, FRS_XDB_NO_SYNC, &db, errmsg);
    if (rc != FRS_OK)
        return rc;
    char num[32], settings[256], when[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    frs_indexer_settings(&pb->o.passage, settings, sizeof settings);
    snprintf(num, sizeof num, "%lu", counts->added);
    rc = frs_xdb_set_metadata(db, FRS_META_ARTICLES, num);
    snprintf(num, sizeof num, "%d", FRS_SCHEMA_VERSION);
    if (rc == FRS_OK)
        rc = frs_xdb_set_metadata(db, FRS_META_SCHEMA, num);
    snprintf(num, sizeof num, "%d", FRS_ANALYZER_VERSION);
    if (rc == FRS_OK)
        rc = frs_xdb_set_metadata(db, FRS_META_ANALYZER, num);
    if (rc == FRS_OK)
        rc = frs_xdb_set_metadata(db, FRS_META_SETTINGS, settings);
    if (rc == FRS_OK)
        rc = frs_xdb_set_metadata(db, FRS_META_UPDATED, when);
    if (rc == FRS_OK)
        rc = frs_xdb_commit(db);
    if (rc != FRS_OK)
        *errmsg = strdup(frs_xdb_errmsg(db));
    frs_xdb_free(db);
    return rc;
}
