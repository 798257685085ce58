/* SPDX-License-Identifier: MIT
 * health.c: probing the served index shard by shard, the /health verdict
 * and the circuit breaker of remote shards (health.h).
 *
 * The probing thread alone opens, probes and replaces the shards' readers;
 * it holds the mutex only to publish results, so a probe stuck on a hung
 * shard never delays /health, which reads the published state (and sees
 * the probe in flight for how long).
 */
#include "health.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "layout.h"
#include "xdb.h"

#define WHY_CAP 320

typedef struct {
    char *type, *where, *path; /* its stub line (path: resolved) */
    frs_xr_t *xr;              /* the probe's reader; NULL until opened */
    int probed, ok;            /* a probe finished; did it succeed */
    frs_status_t rc;           /* the last failed probe's status */
    char why[WHY_CAP];
    long long probing_since;   /* 0: no probe in flight */
    long long tripped_until;   /* down until then (a search's report) */
    long long failed_at;       /* a search failed on it then (0: never) */
    char failed_why[WHY_CAP];
    unsigned long long doccount;
    int logged_bad;            /* what the log last said */
} shard_t;

struct frs_health {
    char *db, *label;          /* label: db's last component, for messages */
    frs_health_opts_t o;
    pthread_mutex_t mu;        /* the published state below */
    pthread_mutex_t round_mu;  /* one round of probes at a time */
    pthread_cond_t cv;
    pthread_t thread;
    int has_thread, stop;
    shard_t *shards;
    size_t n;
    int sharded;               /* db is a stub: shards have names */
    char stub_why[WHY_CAP];    /* the stub cannot be read: why */
    long long index_failed_at; /* a search failed on no known shard */
    char index_failed_why[WHY_CAP];
};

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void frs_health_opts_init(frs_health_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->interval_ms = 1000;
    o->stall_ms = 2000;
    o->cooldown_ms = 5000;
    o->recent_ms = 30000;
}

/* in, with every occurrence of from replaced by to, into out. */
static void relabel(const char *in, const char *from, const char *to,
                    char *out, size_t cap)
{
    size_t fl = strlen(from), at = 0;
    out[0] = '\0';
    while (*in && at + 1 < cap) {
        if (fl && strncmp(in, from, fl) == 0) {
            at += (size_t)snprintf(out + at, cap - at, "%s", to);
            if (at >= cap)
                break;
            in += fl;
        } else {
            out[at++] = *in++;
            out[at] = '\0';
        }
    }
}

static void log_line(frs_health_t *h, const char *line)
{
    if (h->o.log)
        h->o.log(h->o.log_ctx, line);
}

static void shards_free(shard_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        frs_xr_free(v[i].xr);
        free(v[i].type);
        free(v[i].where);
        free(v[i].path);
    }
    free(v);
}

/* Non-zero if v[0..n) lists the same lines as e[0..m). */
static int same_layout(const shard_t *v, size_t n, const frs_stub_entry_t *e,
                       size_t m)
{
    if (n != m)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].type, e[i].type) || strcmp(v[i].where, e[i].where))
            return 0;
    return 1;
}

/* Shards for the lines e[0..m): copies, no reader yet.  NULL: no memory. */
static shard_t *new_layout(const frs_stub_entry_t *e, size_t m)
{
    shard_t *v = calloc(m ? m : 1, sizeof *v);
    for (size_t i = 0; v && i < m; i++) {
        v[i].type = strdup(e[i].type);
        v[i].where = strdup(e[i].where);
        v[i].path = strdup(e[i].path ? e[i].path : e[i].where);
        if (!v[i].type || !v[i].where || !v[i].path) {
            shards_free(v, i + 1);
            return NULL;
        }
    }
    return v;
}

/* Read the stub (or find one database) and, when its lines changed, start
 * again with new shards. */
static void refresh_layout(frs_health_t *h)
{
    frs_stub_entry_t *e = NULL;
    frs_stub_entry_t one = {(char *)"auto", (char *)"", h->db};
    size_t m = 0;
    frs_status_t rc = frs_stub_read(h->db, &e, &m);
    int sharded = rc == FRS_OK;
    if (rc != FRS_OK && rc != FRS_ENOTFOUND) {
        pthread_mutex_lock(&h->mu);
        snprintf(h->stub_why, sizeof h->stub_why, "%s: the stub file "
                 "cannot be read: %s", h->label, frs_strerror(rc));
        pthread_mutex_unlock(&h->mu);
        return;
    }
    const frs_stub_entry_t *lines = sharded ? e : &one;
    size_t nlines = sharded ? m : 1;
    shard_t *v = NULL;
    if (!same_layout(h->shards, h->n, lines, nlines))
        v = new_layout(lines, nlines);
    frs_stub_free(e, m);
    pthread_mutex_lock(&h->mu);
    h->stub_why[0] = '\0';
    shard_t *old = v ? h->shards : NULL;
    size_t oldn = v ? h->n : 0;
    if (v) {
        h->shards = v;
        h->n = nlines;
        h->sharded = sharded;
    }
    pthread_mutex_unlock(&h->mu);
    shards_free(old, oldn);
}

/* The name of shard s in messages: "shard 2023", or "the index". */
static void shard_title(const frs_health_t *h, const shard_t *s, char *buf,
                        size_t cap)
{
    if (h->sharded)
        snprintf(buf, cap, "shard %s", s->where);
    else
        snprintf(buf, cap, "the index");
}

/* Open (if needed) and probe shard s; why gets the failure. */
static frs_status_t probe(frs_health_t *h, shard_t *s,
                          unsigned long long *docs, char *why, size_t cap)
{
    frs_status_t rc = FRS_OK;
    if (!s->xr) {
        char *msg = NULL;
        rc = h->sharded ? frs_xr_open_entry(s->type, s->where, s->path,
                                            &s->xr, &msg)
                        : frs_xr_open(h->db, &s->xr, &msg);
        snprintf(why, cap, "%s", msg ? msg : frs_strerror(rc));
        free(msg);
    }
    if (rc == FRS_OK) {
        rc = frs_xr_probe(s->xr, docs);
        if (rc != FRS_OK)
            snprintf(why, cap, "%s", frs_xr_errmsg(s->xr));
    }
    return rc;
}

static void probe_one(frs_health_t *h, size_t i)
{
    shard_t *s = &h->shards[i];
    pthread_mutex_lock(&h->mu);
    s->probing_since = now_ms();
    pthread_mutex_unlock(&h->mu);
    unsigned long long docs = 0;
    char raw[WHY_CAP] = "", why[WHY_CAP], title[128], line[2 * WHY_CAP];
    frs_status_t rc = probe(h, s, &docs, raw, sizeof raw);
    relabel(raw, h->db, h->label, why, sizeof why);
    shard_title(h, s, title, sizeof title);
    line[0] = '\0';
    pthread_mutex_lock(&h->mu);
    s->probing_since = 0;
    s->probed = 1;
    s->ok = rc == FRS_OK;
    s->rc = rc;
    s->doccount = docs;
    snprintf(s->why, sizeof s->why, "%s", rc == FRS_OK ? "" : why);
    if (s->logged_bad != !s->ok) {
        s->logged_bad = !s->ok;
        if (s->ok)
            snprintf(line, sizeof line, "%s can be searched again", title);
        else
            snprintf(line, sizeof line, "%s cannot be searched: %s", title,
                     why);
    }
    pthread_mutex_unlock(&h->mu);
    if (line[0])
        log_line(h, line);
}

void frs_health_probe_all(frs_health_t *h)
{
    pthread_mutex_lock(&h->round_mu);
    refresh_layout(h);
    for (size_t i = 0; i < h->n; i++)
        probe_one(h, i);
    pthread_mutex_unlock(&h->round_mu);
}

static void *run(void *arg)
{
    frs_health_t *h = arg;
    pthread_mutex_lock(&h->mu);
    while (!h->stop) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        long long ns = t.tv_nsec + (long long)h->o.interval_ms * 1000000;
        t.tv_sec += (time_t)(ns / 1000000000);
        t.tv_nsec = (long)(ns % 1000000000);
        pthread_cond_timedwait(&h->cv, &h->mu, &t);
        if (h->stop)
            break;
        pthread_mutex_unlock(&h->mu);
        frs_health_probe_all(h);
        pthread_mutex_lock(&h->mu);
    }
    pthread_mutex_unlock(&h->mu);
    return NULL;
}

frs_status_t frs_health_new(const char *db, const frs_health_opts_t *o,
                            frs_health_t **out)
{
    *out = NULL;
    frs_health_t *h = calloc(1, sizeof *h);
    if (!h)
        return FRS_ENOMEM;
    h->db = strdup(db);
    const char *slash = strrchr(db, '/');
    h->label = strdup(slash && slash[1] ? slash + 1 : db);
    if (!h->db || !h->label) {
        frs_health_free(h);
        return FRS_ENOMEM;
    }
    if (o)
        h->o = *o;
    else
        frs_health_opts_init(&h->o);
    pthread_mutex_init(&h->mu, NULL);
    pthread_mutex_init(&h->round_mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&h->cv, &ca);
    pthread_condattr_destroy(&ca);
    h->has_thread = -1; /* the mutexes exist */
    frs_health_probe_all(h);
    if (pthread_create(&h->thread, NULL, run, h) != 0) {
        frs_health_free(h);
        return FRS_EIO;
    }
    h->has_thread = 1;
    *out = h;
    return FRS_OK;
}

void frs_health_free(frs_health_t *h)
{
    if (!h)
        return;
    if (h->has_thread == 1) {
        pthread_mutex_lock(&h->mu);
        h->stop = 1;
        pthread_cond_signal(&h->cv);
        pthread_mutex_unlock(&h->mu);
        pthread_join(h->thread, NULL);
    }
    if (h->has_thread) {
        pthread_cond_destroy(&h->cv);
        pthread_mutex_destroy(&h->mu);
        pthread_mutex_destroy(&h->round_mu);
    }
    shards_free(h->shards, h->n);
    free(h->db);
    free(h->label);
    free(h);
}

/* The shard a search names ("" with one database: it), or NULL. */
static shard_t *find_shard(frs_health_t *h, const char *name)
{
    if (!h->sharded)
        return h->n == 1 ? &h->shards[0] : NULL;
    for (size_t i = 0; name && name[0] && i < h->n; i++)
        if (strcmp(h->shards[i].where, name) == 0)
            return &h->shards[i];
    return NULL;
}

void frs_health_report(frs_health_t *h, const char *shard, frs_status_t rc,
                       const char *msg)
{
    char why[WHY_CAP], line[2 * WHY_CAP] = "";
    relabel(msg ? msg : frs_strerror(rc), h->db, h->label, why, sizeof why);
    long long now = now_ms();
    pthread_mutex_lock(&h->mu);
    shard_t *s = find_shard(h, shard);
    if (s && rc == FRS_EREMOTE) {
        /* the breaker, not a lasting mark: it closes once probes answer */
        s->tripped_until = now + h->o.cooldown_ms;
        snprintf(s->failed_why, sizeof s->failed_why, "%s", why);
        snprintf(line, sizeof line, "shard %s is treated as down for "
                 "%u ms: %s", s->where, h->o.cooldown_ms, why);
    } else if (s) {
        s->failed_at = now;
        snprintf(s->failed_why, sizeof s->failed_why, "%s", why);
    } else {
        h->index_failed_at = now;
        snprintf(h->index_failed_why, sizeof h->index_failed_why, "%s", why);
    }
    pthread_mutex_unlock(&h->mu);
    if (line[0])
        log_line(h, line);
}

/* Why s is down at now (the breaker is open), or NULL; *stalled when its
 * probe has not answered. */
static const char *down_why(const frs_health_t *h, const shard_t *s,
                            long long now, char *buf, size_t cap,
                            int *stalled)
{
    *stalled = s->probing_since && now - s->probing_since > h->o.stall_ms;
    if (*stalled) {
        snprintf(buf, cap, "no answer to a probe for %lld ms",
                 now - s->probing_since);
        return buf;
    }
    if (s->probed && !s->ok && s->rc == FRS_EREMOTE)
        return s->why;
    if (now < s->tripped_until)
        return s->failed_why;
    return NULL;
}

int frs_health_down(frs_health_t *h, char *name, size_t name_cap, char *why,
                    size_t why_cap)
{
    char buf[WHY_CAP];
    long long now = now_ms();
    int down = 0;
    pthread_mutex_lock(&h->mu);
    for (size_t i = 0; i < h->n && !down; i++) {
        int stalled;
        const char *w = down_why(h, &h->shards[i], now, buf, sizeof buf,
                                 &stalled);
        if (w) {
            snprintf(name, name_cap, "%s", h->sharded ? h->shards[i].where
                                                      : h->label);
            snprintf(why, why_cap, "%s", w);
            down = 1;
        }
    }
    pthread_mutex_unlock(&h->mu);
    return down;
}

/* Append one problem; shard NULL for the index as a whole. */
static void add_problem(json_t *list, const char *shard, const char *problem,
                        const char *message)
{
    json_t *p = json_object();
    if (shard)
        json_object_set_new(p, "shard", json_string(shard));
    json_object_set_new(p, "problem", json_string(problem));
    json_t *m = json_string(message);
    json_object_set_new(p, "message", m ? m : json_string("(not UTF-8)"));
    json_array_append_new(list, p);
}

/* The problems of shard s at now, appended to list. */
static void shard_problems(const frs_health_t *h, const shard_t *s,
                           long long now, json_t *list)
{
    const char *name = h->sharded ? s->where : NULL;
    char buf[WHY_CAP];
    int stalled;
    const char *w = down_why(h, s, now, buf, sizeof buf, &stalled);
    if (w)
        add_problem(list, name, stalled ? "not_answering" : "unreachable", w);
    else if (s->probed && !s->ok)
        add_problem(list, name, "damaged", s->why);
    if (s->failed_at && now - s->failed_at < h->o.recent_ms)
        add_problem(list, name, "search_failed", s->failed_why);
}

json_t *frs_health_json(frs_health_t *h, int *ok)
{
    json_t *list = json_array();
    long long now = now_ms();
    unsigned long long docs = 0;
    int all_probed = 1;
    pthread_mutex_lock(&h->mu);
    for (size_t i = 0; i < h->n; i++) {
        shard_problems(h, &h->shards[i], now, list);
        docs += h->shards[i].doccount;
        all_probed = all_probed && h->shards[i].probed && h->shards[i].ok;
    }
    if (h->stub_why[0])
        add_problem(list, NULL, "damaged", h->stub_why);
    if (h->index_failed_at && now - h->index_failed_at < h->o.recent_ms)
        add_problem(list, NULL, "search_failed", h->index_failed_why);
    if (all_probed && docs == 0)
        add_problem(list, NULL, "empty", "the index holds no article");
    pthread_mutex_unlock(&h->mu);
    *ok = json_array_size(list) == 0;
    json_t *j = json_object();
    json_object_set_new(j, "status",
                        json_string(*ok ? "available" : "degraded"));
    if (*ok)
        json_decref(list);
    else
        json_object_set_new(j, "problems", list);
    return j;
}
