/* SPDX-License-Identifier: MIT
 * routes.c: which path does what in `query --serve`, and the jobs the
 * search workers run.  frs's own API (/search, /health, /stats), the
 * Meilisearch API for the one served index (/indexes, /indexes/{uid},
 * /indexes/{uid}/search, /stats, /documents, /settings, /facet-search,
 * /multi-search, /version),
 * CORS preflights, the page's files; every write operation of
 * Meilisearch's API answers 405.  The daemon is server.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "schema.h"
#include "server_int.h"
#include "layout.h"
#include "www.h"

/* ---- jobs (on a search worker) ---- */

/* Move a searcher to the latest committed revision. */
static frs_status_t refresh(server_t *srv, frs_searcher_t *s)
{
    int changed = 0;
    frs_status_t rc = frs_xr_reopen(frs_searcher_reader(s), &changed);
    if (rc == FRS_OK && changed)
        atomic_fetch_add(&srv->reopens, 1);
    return rc;
}

/* The answer for a search that failed with rc on searcher s: 503 naming
 * the shard; logged, and told to the monitor (the breaker). */
static void search_failed(server_t *srv, frs_searcher_t *s, frs_status_t rc,
                          frs_api_error_t *err)
{
    frs_xr_t *xr = frs_searcher_reader(s);
    const char *shard = frs_xr_fault(xr);
    const char *msg = frs_xr_errmsg(xr)[0] ? frs_xr_errmsg(xr)
                                           : frs_strerror(rc);
    if (shard[0])
        frs_srv_errorf(srv, "search failed: shard %s: %s", shard, msg);
    else
        frs_srv_errorf(srv, "search failed: %s", msg);
    frs_health_report(srv->health, shard, rc, msg);
    if (rc == FRS_ENOMEM)
        return;
    frs_api_error_set(err, 503, "unavailable", NULL, "%s%s%s",
                      shard[0] ? "shard " : "", shard[0] ? shard : "the index",
                      rc == FRS_EREMOTE ? " is not answering"
                                        : " cannot be read right now");
    snprintf(err->shard, sizeof err->shard, "%s", shard);
}

/* One attempt at rq's job on s: *out, or an error in *err. */
static frs_status_t job_once(server_t *srv, req_t *rq, frs_searcher_t *s,
                             json_t **out, frs_api_error_t *err);

/* On a worker: rq's job on s, retried on a fresh reader when a commit or
 * a rebuild switch overtakes the reader between its reopen and its reads.
 * A remote shard that does not answer is not retried: the breaker takes
 * over.  rq->out_status, rq->out. */
static void run_with_retries(server_t *srv, req_t *rq, frs_searcher_t *s)
{
    frs_api_error_t err = {0};
    json_t *out = NULL;
    frs_status_t rc = FRS_OK;
    for (int attempt = 0; attempt < 4; attempt++) {
        if (attempt > 0)
            frs_srv_pause_ms(5L << attempt);
        rc = refresh(srv, s);
        if (rc == FRS_OK)
            rc = job_once(srv, rq, s, &out, &err);
        if (rc == FRS_OK || rc == FRS_EINVAL || rc == FRS_ENOMEM ||
            rc == FRS_EREMOTE)
            break;
    }
    /* EINVAL with an error set: a bad query (400), not a failure */
    if (rc != FRS_OK && !(rc == FRS_EINVAL && err.status))
        search_failed(srv, s, rc, &err);
    if (rc == FRS_ENOMEM)
        frs_api_error_set(&err, 500, "internal", NULL, "out of memory");
    rq->out_status = rc == FRS_OK ? 200 : err.status;
    rq->out = rc == FRS_OK ? out : frs_srv_error_json(rq, &err);
}

/* What the index says of itself, over every shard, as `query --stats` says
 * it (frs_layout_stats), and its dated articles. */
typedef struct {
    unsigned long long articles, dated;
    double avlength;
    char updated[64];       /* the latest frs.updated of any shard */
    unsigned long long size; /* bytes on this machine (local shards) */
    size_t shards, remote;
    char schema[16], analyzer[16];
} index_facts_t;

static int on_year(void *ctx, const char *term, size_t len,
                   unsigned long long tf)
{
    (void)term;
    (void)len;
    *(unsigned long long *)ctx += tf; /* one year term per dated article */
    return 0;
}

static frs_status_t index_facts(server_t *srv, frs_searcher_t *s,
                                index_facts_t *f)
{
    memset(f, 0, sizeof *f);
    frs_xr_t *xr = frs_searcher_reader(s);
    frs_layout_stats_t st;
    char *err = NULL;
    frs_status_t rc = frs_layout_stats(srv->db, xr, 0, &st, &err);
    free(err);
    if (rc == FRS_OK)
        rc = frs_xr_each_term(xr, FRS_PFX_YEAR, 0, on_year, &f->dated);
    if (rc == FRS_OK) {
        f->articles = st.articles < 0 ? 0 : (unsigned long long)st.articles;
        f->avlength = st.avlength;
        f->size = st.size_bytes;
        f->shards = st.stub ? st.nshards : 1;
        f->remote = st.nremote;
        snprintf(f->updated, sizeof f->updated, "%s", st.last_update);
        snprintf(f->schema, sizeof f->schema, "%s", st.schema);
        snprintf(f->analyzer, sizeof f->analyzer, "%s", st.analyzer);
    }
    frs_layout_stats_clear(&st);
    return rc;
}

static json_t *updated_json(const index_facts_t *f)
{
    return f->updated[0] ? json_string(f->updated) : json_null();
}

/* The "server" part of /stats. */
static json_t *server_stats(server_t *srv)
{
    return json_pack(
        "{s:s, s:I, s:i, s:I, s:{s:I, s:I, s:I, s:I}, s:I, s:i, s:I}",
        "version", FRS_VERSION_STRING, "uptime_s",
        (json_int_t)(time(NULL) - srv->started), "threads", srv->threads,
        "requests", (json_int_t)atomic_load(&srv->requests), "responses",
        "2xx", (json_int_t)atomic_load(&srv->r2xx), "3xx",
        (json_int_t)atomic_load(&srv->r3xx), "4xx",
        (json_int_t)atomic_load(&srv->r4xx), "5xx",
        (json_int_t)atomic_load(&srv->r5xx), "reopens",
        (json_int_t)atomic_load(&srv->reopens), "connections",
        frs_watchdog_count(srv->watchdog), "dropped_slow",
        (json_int_t)frs_watchdog_dropped(srv->watchdog));
}

/* Meilisearch's index stats. */
static json_t *index_stats_json(const index_facts_t *f)
{
    json_int_t n = (json_int_t)f->articles, d = (json_int_t)f->dated;
    return json_pack(
        "{s:I, s:I, s:I, s:b, s:i, s:i, s:{s:I, s:I, s:I, s:I, s:I, s:I}}",
        "numberOfDocuments", n, "rawDocumentDbSize", (json_int_t)f->size,
        "avgDocumentSize", n ? (json_int_t)f->size / n : (json_int_t)0,
        "isIndexing", 0, "numberOfEmbeddings", 0,
        "numberOfEmbeddedDocuments", 0, "fieldDistribution", "id", n,
        "passage", n, "date", d, "year", d, "month", d, "timestamp", d);
}

/* /stats: frs's fields, and Meilisearch's (databaseSize, lastUpdate,
 * indexes). */
static json_t *stats_json(server_t *srv, const index_facts_t *f)
{
    json_t *j = json_pack(
        "{s:I, s:f, s:o, s:I, s:s, s:s, s:I, s:I, s:I, s:o, s:{s:o}}",
        "articles", (json_int_t)f->articles, "average_article_length",
        round(f->avlength * 100) / 100, "last_update", updated_json(f),
        "size_bytes", (json_int_t)f->size, "schema", f->schema, "analyzer",
        f->analyzer, "shards", (json_int_t)f->shards, "databaseSize",
        (json_int_t)f->size, "usedDatabaseSize", (json_int_t)f->size,
        "lastUpdate", updated_json(f), "indexes", srv->uid,
        index_stats_json(f));
    if (j)
        json_object_set_new(j, "server", server_stats(srv));
    return j;
}

/* Meilisearch's index object.  frs records no creation time: createdAt
 * is the last update too. */
static json_t *index_json(server_t *srv, const index_facts_t *f)
{
    return json_pack("{s:s, s:s, s:o, s:o}", "uid", srv->uid, "primaryKey",
                     "id", "createdAt", updated_json(f), "updatedAt",
                     updated_json(f));
}

static frs_status_t multi_once(server_t *srv, req_t *rq, frs_searcher_t *s,
                               json_t **out, frs_api_error_t *err)
{
    json_t *results = json_array();
    for (size_t i = 0; results && i < rq->nmreqs; i++) {
        json_t *one = NULL;
        frs_status_t rc = frs_meili_search(s, &srv->defaults, &rq->mreqs[i],
                                           &one, err);
        if (rc != FRS_OK) {
            json_decref(results);
            return rc;
        }
        json_object_set_new(one, "indexUid", json_string(srv->uid));
        json_array_append_new(results, one);
    }
    *out = json_pack("{s:o}", "results", results);
    return *out ? FRS_OK : FRS_ENOMEM;
}

static frs_status_t job_once(server_t *srv, req_t *rq, frs_searcher_t *s,
                             json_t **out, frs_api_error_t *err)
{
    *out = NULL;
    if (rq->job == JOB_SEARCH)
        return frs_api_search(s, &srv->defaults, &rq->search, out, err);
    if (rq->job == JOB_MEILI)
        return frs_meili_search(s, &srv->defaults, rq->mreqs, out, err);
    if (rq->job == JOB_MULTI)
        return multi_once(srv, rq, s, out, err);
    if (rq->job == JOB_DOCS)
        return frs_meili_documents(s, rq->dreq, out, err);
    if (rq->job == JOB_FACET)
        return frs_meili_facet_search(s, &srv->defaults, rq->freq, out, err);
    index_facts_t f;
    frs_status_t rc = index_facts(srv, s, &f);
    if (rc != FRS_OK)
        return rc;
    if (rq->job == JOB_STATS)
        *out = stats_json(srv, &f);
    else if (rq->job == JOB_INDEX_STATS)
        *out = index_stats_json(&f);
    else if (rq->job == JOB_INDEX)
        *out = index_json(srv, &f);
    else
        *out = json_pack("{s:[o], s:i, s:i, s:i}", "results",
                         index_json(srv, &f), "offset", 0, "limit", 20,
                         "total", 1);
    return *out ? FRS_OK : FRS_ENOMEM;
}

/* Non-zero when a shard is down (the breaker is open), with *err the 503
 * to answer at once. */
static int shard_down(server_t *srv, frs_api_error_t *err)
{
    char name[sizeof err->shard], why[256];
    if (!frs_health_down(srv->health, name, sizeof name, why, sizeof why))
        return 0;
    frs_api_error_set(err, 503, "unavailable", NULL,
                      "shard %s is not answering: %s; it is probed every "
                      "second", name, why);
    snprintf(err->shard, sizeof err->shard, "%s", name);
    return 1;
}

/* A worker's job: answer rq (at once if a shard went down while it
 * waited), then hand the connection back. */
static void run_job(void *arg, void *context)
{
    req_t *rq = arg;
    frs_api_error_t err = {0};
    if (shard_down(rq->srv, &err)) {
        rq->out_status = err.status;
        rq->out = frs_srv_error_json(rq, &err);
    } else {
        run_with_retries(rq->srv, rq, context);
    }
    MHD_resume_connection(rq->conn);
}

/* Hand rq to a worker, unless a shard is down (then 503 at once). */
static enum MHD_Result queue_job(server_t *srv, struct MHD_Connection *c,
                                 req_t *rq, int job)
{
    frs_api_error_t err = {0};
    if (shard_down(srv, &err))
        return frs_srv_send_error(c, rq, &err);
    rq->job = job;
    rq->phase = PHASE_QUEUED;
    MHD_suspend_connection(c);
    if (frs_workq_submit(srv->workers, run_job, rq) != FRS_OK) {
        /* stopping (or out of memory): answered when resumed */
        frs_api_error_set(&err, 503, "unavailable", NULL,
                          "the server is stopping");
        rq->out_status = 503;
        rq->out = frs_srv_error_json(rq, &err);
        MHD_resume_connection(c);
    }
    return MHD_YES;
}

/* ---- routes ---- */

static int path_is(const char *path, size_t n, const char *want)
{
    return strlen(want) == n && memcmp(path, want, n) == 0;
}

/* A path of Meilisearch's API: "/indexes/{uid}" + rest, with *uid and
 * *rest pointing into it (rest "" or "/search"...). */
static int index_path(const char *path, size_t n, const char **uid,
                      size_t *uidlen, const char **rest, size_t *restlen)
{
    static const char pfx[] = "/indexes/";
    if (n <= sizeof pfx - 1 || memcmp(path, pfx, sizeof pfx - 1) != 0)
        return 0;
    *uid = path + sizeof pfx - 1;
    const char *slash = memchr(*uid, '/', n - (sizeof pfx - 1));
    *uidlen = slash ? (size_t)(slash - *uid) : n - (sizeof pfx - 1);
    *rest = *uid + *uidlen;
    *restlen = n - (size_t)(*rest - path);
    return 1;
}

/* The first segment of Meilisearch's routes frs does not serve. */
static int other_meili_route(const char *path, size_t n)
{
    static const char *const routes[] = {
        "/indexes", "/keys", "/tasks", "/batches", "/dumps", "/snapshots",
        "/swap-indexes", "/experimental-features", "/metrics", "/network",
        "/export", "/chats", "/webhooks", "/logs"};
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        size_t k = strlen(routes[i]);
        if (n >= k && memcmp(path, routes[i], k) == 0 &&
            (n == k || path[k] == '/'))
            return 1;
    }
    return 0;
}

static enum MHD_Result read_only(struct MHD_Connection *c, req_t *rq,
                                 const char *allow)
{
    frs_api_error_t err = {0};
    rq->allow = allow;
    frs_meili_error(&err, 405, "read_only_api", "frs serves searches only: "
                    "documents, settings, indexes, keys and tasks are not "
                    "changed over HTTP. Index with frs-indexer "
                    "(docs/api.md)");
    return frs_srv_send_error(c, rq, &err);
}

static enum MHD_Result not_implemented(struct MHD_Connection *c, req_t *rq,
                                       const char *path, size_t n)
{
    frs_api_error_t err = {0};
    frs_meili_error(&err, 501, "not_implemented", "`%.*s` is not part of "
                    "what frs serves of Meilisearch's API: the search, "
                    "documents, settings and facet-search routes of one "
                    "index, /multi-search, /health, /version and /stats "
                    "(docs/api.md)", (int)(n > 80 ? 80 : n), path);
    return frs_srv_send_error(c, rq, &err);
}

static int is_write(const char *method)
{
    return !strcmp(method, "POST") || !strcmp(method, "PUT") ||
           !strcmp(method, "PATCH") || !strcmp(method, "DELETE");
}

/* The routes of an index that take a POST body. */
static int post_rest(const char *rest, size_t rl)
{
    return path_is(rest, rl, "/search") ||
           path_is(rest, rl, "/documents/fetch") ||
           path_is(rest, rl, "/facet-search");
}

/* Does the route path[0..n) take a POST body (a search)? */
static int takes_post(server_t *srv, const char *path, size_t n)
{
    const char *uid, *rest;
    size_t ul, rl;
    if (path_is(path, n, "/multi-search"))
        return 1;
    return index_path(path, n, &uid, &ul, &rest, &rl) &&
           post_rest(rest, rl) && strlen(srv->uid) == ul &&
           memcmp(uid, srv->uid, ul) == 0;
}

/* A POST search's headers: JSON, of a size we read. */
static int check_post(struct MHD_Connection *c, req_t *rq,
                      frs_api_error_t *err)
{
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_TYPE);
    const char *cl = MHD_lookup_connection_value(
        c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    size_t ctn = ct ? strcspn(ct, ";") : 0;
    while (ctn > 0 && ct[ctn - 1] == ' ')
        ctn--;
    (void)rq;
    if (!ct || !(ctn == 16 && strncasecmp(ct, "application/json", 16) == 0)) {
        frs_meili_error(err, 415, "invalid_content_type", "The Content-Type "
                        "`%.64s` is invalid. Accepted values for the "
                        "Content-Type header are: `application/json`",
                        ct ? ct : "");
        return 0;
    }
    if (cl && strtoull(cl, NULL, 10) > (unsigned long long)FRS_SRV_MAX_BODY) {
        frs_meili_error(err, 413, "payload_too_large", "The provided payload "
                        "reached the size limit of %zu bytes",
                        FRS_SRV_MAX_BODY);
        return 0;
    }
    return 1;
}

int frs_srv_early(server_t *srv, struct MHD_Connection *c, req_t *rq,
                  enum MHD_Result *ret)
{
    const char *path = rq->uri;
    const char *q = strchr(path, '?');
    size_t n = q ? (size_t)(q - path) : strlen(path);
    const char *m = rq->method;
    rq->meili = other_meili_route(path, n) ||
                path_is(path, n, "/multi-search") ||
                path_is(path, n, "/version");
    if (!strcmp(m, "GET") || !strcmp(m, "HEAD") || !strcmp(m, "OPTIONS"))
        return 0;
    frs_api_error_t err = {0};
    if (!strcmp(m, "POST") && takes_post(srv, path, n)) {
        if (check_post(c, rq, &err))
            return 0;
        *ret = frs_srv_send_error(c, rq, &err);
        return 1;
    }
    /* answered before any body is read: libmicrohttpd then closes the
     * connection rather than read it */
    const char *uid, *rest;
    size_t ul, rl;
    if (!strcmp(m, "POST") && index_path(path, n, &uid, &ul, &rest, &rl) &&
        post_rest(rest, rl)) {
        frs_meili_error(&err, 404, "index_not_found", "Index `%.*s` not "
                        "found.", (int)(ul > 100 ? 100 : ul), uid);
        *ret = frs_srv_send_error(c, rq, &err);
        return 1;
    }
    if (rq->meili && is_write(m)) {
        *ret = read_only(c, rq, takes_post(srv, path, n)
                                    ? "GET, POST, HEAD, OPTIONS"
                                    : "GET, HEAD, OPTIONS");
        return 1;
    }
    frs_api_error_set(&err, 405, "method_not_allowed", NULL,
                      "only GET, HEAD and OPTIONS are served here");
    *ret = frs_srv_send_error(c, rq, &err);
    return 1;
}

/* OPTIONS: a CORS preflight, or a plain question. */
static enum MHD_Result preflight(server_t *srv, struct MHD_Connection *c,
                                 req_t *rq)
{
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                     "Origin");
    int vary = 0;
    const char *allow = frs_http_cors(srv->cors, origin, &vary);
    if (origin && !allow) {
        frs_api_error_t err = {0};
        frs_meili_error(&err, 403, "origin_not_allowed", "Cross-origin "
                        "requests from `%.100s` are not allowed "
                        "(--cors-origin)", origin);
        rq->meili = 1;
        return frs_srv_send_error(c, rq, &err);
    }
    rq->allow = "GET, POST, HEAD, OPTIONS";
    return frs_srv_send(c, rq, 204, "text/plain; charset=utf-8", (void *)"",
                        0, MHD_RESPMEM_PERSISTENT, FRS_SRV_API);
}

static enum MHD_Result handle_search(server_t *srv, struct MHD_Connection *c,
                                     req_t *rq, const char *qs)
{
    frs_api_error_t err = {0};
    frs_status_t rc = frs_api_parse_search(qs, &rq->search, &err);
    if (rc == FRS_ENOMEM)
        frs_api_error_set(&err, 500, "internal", NULL, "out of memory");
    if (rc != FRS_OK)
        return frs_srv_send_error(c, rq, &err);
    return queue_job(srv, c, rq, JOB_SEARCH);
}

/* The request's JSON: the POST body, or the query string of a GET. */
static frs_status_t request_json(req_t *rq, const char *qs, json_t **out,
                                 frs_api_error_t *err)
{
    if (strcmp(rq->method, "POST") != 0)
        return frs_meili_query_string(qs, out, err);
    if (!rq->body_len) {
        frs_meili_error(err, 400, "missing_payload", "A json payload is "
                        "missing.");
        return FRS_EINVAL;
    }
    json_error_t je;
    *out = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!*out) {
        frs_meili_error(err, 400, "malformed_payload", "The json payload "
                        "provided is malformed. `%s` at line %d, column %d",
                        je.text, je.line, je.column);
        return FRS_EINVAL;
    }
    return FRS_OK;
}

/* GET or POST /indexes/{uid}/search, POST /multi-search. */
static enum MHD_Result handle_meili(server_t *srv, struct MHD_Connection *c,
                                    req_t *rq, const char *qs, int multi)
{
    frs_api_error_t err = {0};
    json_t *body = NULL;
    frs_status_t rc = request_json(rq, qs, &body, &err);
    if (rc == FRS_OK && multi)
        rc = frs_meili_parse_multi(body, srv->uid, &rq->mreqs, &rq->nmreqs,
                                   &err);
    if (rc == FRS_OK && !multi) {
        rq->mreqs = calloc(1, sizeof *rq->mreqs);
        rc = rq->mreqs ? frs_meili_parse(body, srv->uid, 0, rq->mreqs, &err)
                       : FRS_ENOMEM;
        rq->nmreqs = rc == FRS_OK;
    }
    json_decref(body);
    if (rc == FRS_ENOMEM)
        frs_meili_error(&err, 500, "internal", "out of memory");
    if (rc != FRS_OK)
        return frs_srv_send_error(c, rq, &err);
    return queue_job(srv, c, rq, multi ? JOB_MULTI : JOB_MEILI);
}

/* GET /indexes/{uid}/documents[/{id}], POST .../documents/fetch. */
static enum MHD_Result handle_docs(server_t *srv, struct MHD_Connection *c,
                                   req_t *rq, const char *rest, size_t rl,
                                   const char *qs)
{
    frs_api_error_t err = {0};
    static const char pfx[] = "/documents/";
    char *id = NULL;
    size_t idlen = 0;
    frs_status_t rc = FRS_OK;
    json_t *body = NULL;
    int fetch = !strcmp(rq->method, "POST");
    if (!fetch && rl > sizeof pfx - 1) {
        rc = frs_api_decode(rest + sizeof pfx - 1, rl - (sizeof pfx - 1),
                            &id, &idlen);
        if (rc == FRS_EINVAL || (rc == FRS_OK && memchr(id, 0, idlen)))
            frs_meili_error(&err, 400, "invalid_document_id", "The document "
                            "id in the path is malformed");
        rc = err.status ? FRS_EINVAL : rc;
    }
    rq->dreq = calloc(1, sizeof *rq->dreq);
    if (rc == FRS_OK && !rq->dreq)
        rc = FRS_ENOMEM;
    if (rc == FRS_OK && fetch && (rc = request_json(rq, qs, &body, &err)) ==
                                     FRS_OK)
        rc = frs_meili_docs_body(body, rq->dreq, &err);
    else if (rc == FRS_OK && !fetch)
        rc = frs_meili_docs_query(qs, id, rq->dreq, &err);
    json_decref(body);
    free(id);
    if (rc == FRS_ENOMEM)
        frs_meili_error(&err, 500, "internal", "out of memory");
    if (rc != FRS_OK)
        return frs_srv_send_error(c, rq, &err);
    return queue_job(srv, c, rq, JOB_DOCS);
}

/* POST /indexes/{uid}/facet-search. */
static enum MHD_Result handle_facet(server_t *srv, struct MHD_Connection *c,
                                    req_t *rq, const char *qs)
{
    if (strcmp(rq->method, "POST") != 0)
        return read_only(c, rq, "POST, OPTIONS");
    frs_api_error_t err = {0};
    json_t *body = NULL;
    rq->freq = calloc(1, sizeof *rq->freq);
    frs_status_t rc = rq->freq ? request_json(rq, qs, &body, &err)
                               : FRS_ENOMEM;
    if (rc == FRS_OK)
        rc = frs_meili_facet_parse(body, rq->freq, &err);
    json_decref(body);
    if (rc == FRS_ENOMEM)
        frs_meili_error(&err, 500, "internal", "out of memory");
    if (rc != FRS_OK)
        return frs_srv_send_error(c, rq, &err);
    return queue_job(srv, c, rq, JOB_FACET);
}

/* GET /indexes/{uid}/settings[/{name}]. */
static enum MHD_Result handle_settings(struct MHD_Connection *c, req_t *rq,
                                       const char *path, size_t n,
                                       const char *rest, size_t rl)
{
    static const char pfx[] = "/settings/";
    int unknown = 0;
    json_t *j = rl == sizeof pfx - 2
                    ? frs_meili_settings(NULL, 0, &unknown)
                    : frs_meili_settings(rest + sizeof pfx - 1,
                                         rl - (sizeof pfx - 1), &unknown);
    if (unknown)
        return not_implemented(c, rq, path, n);
    return frs_srv_send_json(c, rq, j ? 200 : 500, j);
}

/* Does rest start with the segment seg ("/documents": itself or below)? */
static int under(const char *rest, size_t rl, const char *seg)
{
    size_t k = strlen(seg);
    return rl >= k && memcmp(rest, seg, k) == 0 && (rl == k || rest[k] == '/');
}

/* /indexes/{uid}[/...]. */
static enum MHD_Result handle_index(server_t *srv, struct MHD_Connection *c,
                                    req_t *rq, const char *path, size_t n,
                                    const char *qs)
{
    const char *uid = path, *rest = path;
    size_t ul = 0, rl = 0;
    (void)index_path(path, n, &uid, &ul, &rest, &rl);
    if (strlen(srv->uid) != ul || memcmp(uid, srv->uid, ul) != 0) {
        frs_api_error_t err = {0};
        frs_meili_error(&err, 404, "index_not_found", "Index `%.*s` not "
                        "found.", (int)(ul > 100 ? 100 : ul), uid);
        return frs_srv_send_error(c, rq, &err);
    }
    if (rl == 0)
        return queue_job(srv, c, rq, JOB_INDEX);
    if (path_is(rest, rl, "/search"))
        return handle_meili(srv, c, rq, qs, 0);
    if (path_is(rest, rl, "/stats"))
        return queue_job(srv, c, rq, JOB_INDEX_STATS);
    if (path_is(rest, rl, "/documents/fetch") && !strcmp(rq->method, "POST"))
        return handle_docs(srv, c, rq, rest, rl, qs);
    if (under(rest, rl, "/documents"))
        return handle_docs(srv, c, rq, rest, rl, qs);
    if (under(rest, rl, "/settings"))
        return handle_settings(c, rq, path, n, rest, rl);
    if (path_is(rest, rl, "/facet-search"))
        return handle_facet(srv, c, rq, qs);
    return not_implemented(c, rq, path, n);
}

static enum MHD_Result handle_www(server_t *srv, struct MHD_Connection *c,
                                  req_t *rq, const char *path, size_t n)
{
    if (n == 1 && path[0] == '/') {
        path = "/index.html";
        n = strlen(path);
    }
    for (size_t i = 0; i < frs_www_nfiles; i++) {
        const frs_www_file_t *f = &frs_www_files[i];
        if (strlen(f->path) != n || memcmp(f->path, path, n) != 0)
            continue;
        const char *ae = MHD_lookup_connection_value(
            c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
        const frs_srv_gz_t *gz = srv->www_gz ? &srv->www_gz[i] : NULL;
        if (gz && gz->data && frs_http_accepts_gzip(ae))
            return frs_srv_send(c, rq, 200, f->type, gz->data, gz->len,
                                MHD_RESPMEM_PERSISTENT, FRS_SRV_GZIPPED);
        return frs_srv_send(c, rq, 200, f->type, (void *)f->data, f->len,
                            MHD_RESPMEM_PERSISTENT,
                            gz && gz->data ? FRS_SRV_MAY_GZIP : 0);
    }
    frs_api_error_t err = {0};
    frs_api_error_set(&err, 404, "not_found", NULL,
                      "no such resource; the API is /search, /health and "
                      "/stats, and Meilisearch's /indexes/%s/search "
                      "(docs/api.md)", srv->uid);
    return frs_srv_send_error(c, rq, &err);
}

enum MHD_Result frs_srv_route(server_t *srv, struct MHD_Connection *c,
                              req_t *rq)
{
    if (rq->refused)
        return frs_srv_send_error(c, rq, &rq->early);
    const char *path = rq->uri;
    const char *q = strchr(path, '?');
    size_t n = q ? (size_t)(q - path) : strlen(path);
    const char *qs = q ? q + 1 : NULL;
    if (!strcmp(rq->method, "OPTIONS"))
        return preflight(srv, c, rq);
    if (path_is(path, n, "/search"))
        return handle_search(srv, c, rq, qs);
    if (path_is(path, n, "/health")) {
        int ok = 0;
        json_t *j = frs_health_json(srv->health, &ok);
        return frs_srv_send_json(c, rq, ok ? 200 : 503, j);
    }
    if (path_is(path, n, "/stats"))
        return queue_job(srv, c, rq, JOB_STATS);
    if (path_is(path, n, "/version"))
        return frs_srv_send_json(
            c, rq, 200,
            json_pack("{s:s, s:s, s:s}", "commitSha", "unknown",
                      "commitDate", "unknown", "pkgVersion",
                      FRS_VERSION_STRING));
    if (path_is(path, n, "/indexes"))
        return queue_job(srv, c, rq, JOB_INDEXES);
    if (path_is(path, n, "/multi-search")) {
        if (strcmp(rq->method, "POST") != 0)
            return read_only(c, rq, "POST, OPTIONS");
        return handle_meili(srv, c, rq, qs, 1);
    }
    const char *uid, *rest;
    size_t ul, rl;
    if (index_path(path, n, &uid, &ul, &rest, &rl))
        return handle_index(srv, c, rq, path, n, qs);
    if (other_meili_route(path, n))
        return not_implemented(c, rq, path, n);
    return handle_www(srv, c, rq, path, n);
}
