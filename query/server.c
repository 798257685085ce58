/* SPDX-License-Identifier: MIT
 * server.c: the HTTP JSON API (GET /search, /health, /stats) and the search
 * page, on libmicrohttpd.  A search runs on a worker thread with its own
 * searcher, first moved to the latest committed revision (frs_xr_reopen
 * also follows an atomic rebuild switch); a request that meets a database
 * error is retried on a fresh reader, so no request fails because of a
 * commit.  How connections, workers, deadlines and the shard monitor fit
 * together: "The daemon" below.
 */
#include "server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "dbswap.h"
#include "health.h"
#include "notify.h"
#include "schema.h"
#include "watchdog.h"
#include "workq.h"
#include "www.h"

/* ====================================================================== */
/* The daemon                                                              */
/* ====================================================================== */

/* libmicrohttpd runs one polling thread (epoll) for every connection, so an
 * idle or slow connection costs a descriptor and a little memory, never a
 * thread.  Requests that read the index (/search, /stats) go to the search
 * workers (workq.h), one searcher each; the connection is suspended
 * meanwhile and resumed with the answer.  /health, the page's files and
 * every error are answered on the polling thread, at once.  The watchdog
 * (watchdog.h) drops connections whose request is late; the monitor
 * (health.h) probes the shards and opens the breaker of a hung one. */

typedef struct {
    const char *db;
    frs_search_params_t defaults;
    unsigned threads;
    frs_searcher_t **searchers; /* one per worker */
    frs_workq_t *workers;
    frs_watchdog_t *watchdog;
    frs_health_t *health;
    const char *log_path;
    FILE *log;
    pthread_mutex_t log_mu;
    FILE *err;
    pthread_mutex_t err_mu;
    time_t started;
    atomic_ullong requests, r2xx, r3xx, r4xx, r5xx, reopens;
    atomic_int active;   /* requests between start and completion */
    atomic_int quiet;    /* stop printing libmicrohttpd's messages */
} server_t;

enum { PHASE_NEW, PHASE_HEADERS, PHASE_QUEUED, PHASE_ANSWERED };
enum { JOB_SEARCH, JOB_STATS };

/* One request, from its first line to its completion. */
typedef struct {
    server_t *srv;
    struct MHD_Connection *conn;
    char *uri;            /* raw request target, as sent */
    char method[16];
    char version[16];
    char ip[INET6_ADDRSTRLEN];
    struct timespec t0;
    unsigned status;
    size_t bytes;
    int phase;
    frs_api_error_t early; /* a request refused from its first line */
    int refused;
    /* a job for a worker, and its answer */
    int job;
    frs_api_search_t search;
    unsigned out_status;
    json_t *out;
} req_t;

static void errorf(server_t *srv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void errorf(server_t *srv, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&srv->err_mu);
    fputs("query: ", srv->err);
    vfprintf(srv->err, fmt, ap);
    fputc('\n', srv->err);
    fflush(srv->err);
    pthread_mutex_unlock(&srv->err_mu);
    va_end(ap);
}

static void health_log(void *ctx, const char *line)
{
    errorf(ctx, "%s", line);
}

/* Move a searcher to the latest committed revision. */
static frs_status_t refresh(server_t *srv, frs_searcher_t *s)
{
    int changed = 0;
    frs_status_t rc = frs_xr_reopen(frs_searcher_reader(s), &changed);
    if (rc == FRS_OK && changed)
        atomic_fetch_add(&srv->reopens, 1);
    return rc;
}

static void pause_ms(long ms)
{
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, NULL);
}

static frs_watchdog_conn_t *watch_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c,
                          void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    server_t *srv = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = ci ? frs_watchdog_add(srv->watchdog,
                                                ci->connect_fd)
                             : NULL;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        /* libmicrohttpd closes the socket after this: stop watching it
         * first */
        frs_watchdog_remove(srv->watchdog, *socket_context);
        *socket_context = NULL;
    }
}

/* Refuse a request from its target alone: too long, or too many
 * parameters.  Then libmicrohttpd is kept from parsing its parameters
 * (each costs a record in the connection's memory, which hundreds of them
 * exhaust: it then drops the connection without a word); the query string
 * is read from rq->uri anyway. */
static void refuse_big_target(req_t *rq, const char *uri)
{
    const char *q = strchr(uri, '?');
    size_t n = strlen(uri), params = 0;
    for (const char *p = q; p && *p; p++)
        params += *p == '&';
    if (n > FRS_SERVER_MAX_URI)
        frs_api_error_set(&rq->early, 400, "uri_too_long", NULL,
                          "the request target is %zu bytes long; the limit "
                          "is %d", n, FRS_SERVER_MAX_URI);
    else if (params >= FRS_API_MAX_PARAMS)
        frs_api_error_set(&rq->early, 400, "too_many_parameters", NULL,
                          "the query string has %zu parameters; the limit "
                          "is %d", params + 1, FRS_API_MAX_PARAMS);
    else
        return;
    rq->refused = 1;
    /* libmicrohttpd hands its own buffer here, before parsing it: its
     * parameters start after the '?', and now end there too */
    /* cppcheck-suppress unreadVariable ; libmicrohttpd reads it */
    ((char *)q)[1] = '\0';
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    req_t *rq = calloc(1, sizeof *rq);
    if (!rq)
        return NULL;
    rq->srv = cls;
    rq->conn = c;
    rq->uri = strdup(uri ? uri : "");
    clock_gettime(CLOCK_MONOTONIC, &rq->t0);
    strcpy(rq->ip, "-");
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
                      rq->ip, sizeof rq->ip);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6,
                      &((const struct sockaddr_in6 *)sa)->sin6_addr, rq->ip,
                      sizeof rq->ip);
    }
    if (uri && strchr(uri, '?'))
        refuse_big_target(rq, uri);
    atomic_fetch_add(&rq->srv->active, 1);
    return rq;
}

/* Write s to f with every byte outside printable ASCII, '"' and '\'
 * percent-escaped, so a log line is always one line; at most max bytes of
 * s. */
static void log_escaped(FILE *f, const char *s, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < max && p[i]; i++) {
        if (p[i] < 0x21 || p[i] > 0x7e || p[i] == '"' || p[i] == '\\')
            fprintf(f, "%%%02X", p[i]);
        else
            fputc(p[i], f);
    }
    if (strlen(s) > max)
        fputs("...", f);
}

static void count_status(server_t *srv, unsigned st)
{
    atomic_fetch_add(&srv->requests, 1);
    if (st >= 200 && st < 300)
        atomic_fetch_add(&srv->r2xx, 1);
    else if (st >= 300 && st < 400)
        atomic_fetch_add(&srv->r3xx, 1);
    else if (st >= 400 && st < 500)
        atomic_fetch_add(&srv->r4xx, 1);
    else if (st >= 500)
        atomic_fetch_add(&srv->r5xx, 1);
}

static void log_request(server_t *srv, const req_t *rq)
{
    double ms = frs_api_ms_since(&rq->t0);
    time_t now = time(NULL);
    struct tm tm;
    char when[40];
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%d/%b/%Y:%H:%M:%S +0000", &tm);
    pthread_mutex_lock(&srv->log_mu);
    FILE *f = srv->log;
    fprintf(f, "%s - - [%s] \"%s ", rq->ip, when,
            rq->method[0] ? rq->method : "-");
    log_escaped(f, rq->uri ? rq->uri : "-", FRS_SERVER_MAX_URI);
    fprintf(f, " %s\" ", rq->version[0] ? rq->version : "-");
    if (rq->status)
        fprintf(f, "%u %zu %.3f\n", rq->status, rq->bytes, ms);
    else
        fprintf(f, "- - %.3f\n", ms);
    fflush(f);
    pthread_mutex_unlock(&srv->log_mu);
}

static void on_done(void *cls, struct MHD_Connection *c, void **req_cls,
                    enum MHD_RequestTerminationCode toe)
{
    server_t *srv = cls;
    (void)toe;
    req_t *rq = *req_cls;
    /* the next request on this connection has its own deadline */
    frs_watchdog_response_done(srv->watchdog, watch_of(c));
    if (!rq)
        return;
    *req_cls = NULL;
    count_status(srv, rq->status);
    if (srv->log)
        log_request(srv, rq);
    json_decref(rq->out);
    frs_api_search_clear(&rq->search);
    free(rq->uri);
    free(rq);
    atomic_fetch_sub(&srv->active, 1);
}

static const char *const CSP =
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

/* Queue a response and note what was sent.  api: JSON API headers. */
static enum MHD_Result send_response(struct MHD_Connection *c, req_t *rq,
                                     unsigned status, const char *type,
                                     void *buf, size_t len,
                                     enum MHD_ResponseMemoryMode mode,
                                     int api)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, buf,
                                                                mode);
    if (!resp) {
        if (mode == MHD_RESPMEM_MUST_FREE)
            free(buf);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (api) {
        MHD_add_response_header(resp, "Cache-Control", "no-store");
        MHD_add_response_header(resp, "Access-Control-Allow-Origin", "*");
    } else {
        MHD_add_response_header(resp, "Cache-Control", "no-cache");
        MHD_add_response_header(resp, "Content-Security-Policy", CSP);
        MHD_add_response_header(resp, "X-Frame-Options", "DENY");
        MHD_add_response_header(resp, "Referrer-Policy",
                                "strict-origin-when-cross-origin");
    }
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(resp, "Allow", "GET, HEAD");
    if (status == MHD_HTTP_SERVICE_UNAVAILABLE)
        MHD_add_response_header(resp, "Retry-After", "1");
    rq->status = status;
    rq->bytes = strcmp(rq->method, "HEAD") == 0 ? 0 : len;
    rq->phase = PHASE_ANSWERED;
    enum MHD_Result r = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return r;
}

static enum MHD_Result send_json(struct MHD_Connection *c, req_t *rq,
                                 unsigned status, json_t *j)
{
    char *body = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10))
                   : NULL;
    json_decref(j);
    if (!body) {
        static const char oom[] =
            "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";
        return send_response(c, rq, 500, "application/json; charset=utf-8",
                             (void *)oom, sizeof oom - 1,
                             MHD_RESPMEM_PERSISTENT, 1);
    }
    return send_response(c, rq, status, "application/json; charset=utf-8",
                         body, strlen(body), MHD_RESPMEM_MUST_FREE, 1);
}

static enum MHD_Result send_error(struct MHD_Connection *c, req_t *rq,
                                  const frs_api_error_t *e)
{
    return send_json(c, rq, e->status, frs_api_error_json(e));
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
        errorf(srv, "search failed: shard %s: %s", shard, msg);
    else
        errorf(srv, "search failed: %s", msg);
    frs_health_report(srv->health, shard, rc, msg);
    if (rc == FRS_ENOMEM)
        return;
    frs_api_error_set(err, 503, "unavailable", NULL, "%s%s%s",
                      shard[0] ? "shard " : "", shard[0] ? shard : "the index",
                      rc == FRS_EREMOTE ? " is not answering"
                                        : " cannot be read right now");
    snprintf(err->shard, sizeof err->shard, "%s", shard);
}

/* On a worker: run rq's search on s; rq->out_status, rq->out. */
static void run_search_job(server_t *srv, req_t *rq, frs_searcher_t *s)
{
    frs_api_error_t err = {0};
    json_t *out = NULL;
    frs_status_t rc = FRS_OK;
    /* A commit or a rebuild switch can overtake a reader between its
     * reopen and its reads: retry on a fresh reader.  A remote shard that
     * does not answer is not retried: the breaker takes over. */
    for (int attempt = 0; attempt < 4; attempt++) {
        if (attempt > 0)
            pause_ms(5L << attempt);
        rc = refresh(srv, s);
        if (rc == FRS_OK)
            rc = frs_api_search(s, &srv->defaults, &rq->search, &out, &err);
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
    rq->out = rc == FRS_OK ? out : frs_api_error_json(&err);
}

static char *meta(frs_xr_t *xr, const char *key)
{
    char *v = NULL;
    if (frs_xr_get_metadata(xr, key, &v) != FRS_OK) {
        free(v);
        return NULL;
    }
    return v;
}

/* The "server" part of /stats. */
static json_t *server_stats(server_t *srv)
{
    json_t *sv = json_object();
    json_object_set_new(sv, "version", json_string(FRS_VERSION_STRING));
    json_object_set_new(sv, "uptime_s",
                        json_integer((json_int_t)(time(NULL) - srv->started)));
    json_object_set_new(sv, "threads", json_integer(srv->threads));
    json_object_set_new(sv, "requests",
                        json_integer((json_int_t)atomic_load(&srv->requests)));
    json_t *by = json_object();
    json_object_set_new(by, "2xx", json_integer((json_int_t)atomic_load(&srv->r2xx)));
    json_object_set_new(by, "3xx", json_integer((json_int_t)atomic_load(&srv->r3xx)));
    json_object_set_new(by, "4xx", json_integer((json_int_t)atomic_load(&srv->r4xx)));
    json_object_set_new(by, "5xx", json_integer((json_int_t)atomic_load(&srv->r5xx)));
    json_object_set_new(sv, "responses", by);
    json_object_set_new(sv, "reopens",
                        json_integer((json_int_t)atomic_load(&srv->reopens)));
    json_object_set_new(sv, "connections",
                        json_integer(frs_watchdog_count(srv->watchdog)));
    json_object_set_new(sv, "dropped_slow",
                        json_integer((json_int_t)frs_watchdog_dropped(srv->watchdog)));
    return sv;
}

/* On a worker: /stats on s. */
static void run_stats_job(server_t *srv, req_t *rq, frs_searcher_t *s)
{
    frs_xr_t *xr = frs_searcher_reader(s);
    frs_xr_stats_t st;
    frs_status_t rc = FRS_OK;
    for (int attempt = 0; attempt < 3; attempt++) {
        if (attempt > 0)
            pause_ms(10);
        rc = refresh(srv, s);
        if (rc == FRS_OK)
            rc = frs_xr_stats(xr, &st);
        if (rc == FRS_OK || rc == FRS_EREMOTE)
            break;
    }
    if (rc != FRS_OK) {
        frs_api_error_t err = {0};
        search_failed(srv, s, rc, &err);
        rq->out_status = 503;
        rq->out = json_object();
        json_object_set_new(rq->out, "status", json_string("unavailable"));
        return;
    }
    char *updated = meta(xr, FRS_META_UPDATED);
    char *schema = meta(xr, FRS_META_SCHEMA);
    char *anv = meta(xr, FRS_META_ANALYZER);
    json_t *j = json_object();
    /* one document per article, in whichever shard */
    json_object_set_new(j, "articles", json_integer((json_int_t)st.doccount));
    json_object_set_new(j, "average_article_length",
                        json_real(round(st.avlength * 100) / 100));
    json_object_set_new(j, "last_update", updated && updated[0]
                                              ? json_string(updated)
                                              : json_null());
    json_object_set_new(j, "size_bytes",
                        json_integer((json_int_t)frs_dbswap_size(srv->db)));
    json_object_set_new(j, "schema", json_string(schema ? schema : ""));
    json_object_set_new(j, "analyzer", json_string(anv ? anv : ""));
    free(updated);
    free(schema);
    free(anv);
    json_object_set_new(j, "server", server_stats(srv));
    rq->out_status = 200;
    rq->out = j;
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
        rq->out = frs_api_error_json(&err);
    } else if (rq->job == JOB_SEARCH) {
        run_search_job(rq->srv, rq, context);
    } else {
        run_stats_job(rq->srv, rq, context);
    }
    MHD_resume_connection(rq->conn);
}

/* Hand rq to a worker, unless a shard is down (then 503 at once). */
static enum MHD_Result queue_job(server_t *srv, struct MHD_Connection *c,
                                 req_t *rq, int job)
{
    frs_api_error_t err = {0};
    if (shard_down(srv, &err))
        return send_error(c, rq, &err);
    rq->job = job;
    rq->phase = PHASE_QUEUED;
    MHD_suspend_connection(c);
    if (frs_workq_submit(srv->workers, run_job, rq) != FRS_OK) {
        /* stopping (or out of memory): answered when resumed */
        frs_api_error_set(&err, 503, "unavailable", NULL,
                          "the server is stopping");
        rq->out_status = 503;
        rq->out = frs_api_error_json(&err);
        MHD_resume_connection(c);
    }
    return MHD_YES;
}

static enum MHD_Result handle_search(server_t *srv, struct MHD_Connection *c,
                                     req_t *rq, const char *qs)
{
    frs_api_error_t err = {0};
    frs_status_t rc = frs_api_parse_search(qs, &rq->search, &err);
    if (rc == FRS_ENOMEM)
        frs_api_error_set(&err, 500, "internal", NULL, "out of memory");
    if (rc != FRS_OK)
        return send_error(c, rq, &err);
    return queue_job(srv, c, rq, JOB_SEARCH);
}

static enum MHD_Result handle_health(server_t *srv, struct MHD_Connection *c,
                                     req_t *rq)
{
    int ok = 0;
    json_t *j = frs_health_json(srv->health, &ok);
    return send_json(c, rq, ok ? 200 : 503, j);
}

static const frs_www_file_t *www_file(const char *path, size_t n)
{
    if (n == 1 && path[0] == '/') {
        path = "/index.html";
        n = strlen(path);
    }
    for (size_t i = 0; i < frs_www_nfiles; i++)
        if (strlen(frs_www_files[i].path) == n &&
            memcmp(frs_www_files[i].path, path, n) == 0)
            return &frs_www_files[i];
    return NULL;
}

static int path_is(const char *path, size_t n, const char *want)
{
    return strlen(want) == n && memcmp(path, want, n) == 0;
}

/* The request is complete: answer it, or hand it to a worker. */
static enum MHD_Result route(server_t *srv, struct MHD_Connection *c,
                             req_t *rq)
{
    if (rq->refused)
        return send_error(c, rq, &rq->early);
    const char *path = rq->uri;
    const char *q = strchr(path, '?');
    size_t n = q ? (size_t)(q - path) : strlen(path);
    const char *qs = q ? q + 1 : NULL;
    if (path_is(path, n, "/search"))
        return handle_search(srv, c, rq, qs);
    if (path_is(path, n, "/health"))
        return handle_health(srv, c, rq);
    if (path_is(path, n, "/stats"))
        return queue_job(srv, c, rq, JOB_STATS);
    const frs_www_file_t *f = www_file(path, n);
    if (f)
        return send_response(c, rq, 200, f->type, (void *)f->data, f->len,
                             MHD_RESPMEM_PERSISTENT, 0);
    frs_api_error_t err = {0};
    frs_api_error_set(&err, 404, "not_found", NULL,
                      "no such resource; the API is /search, /health and "
                      "/stats");
    return send_error(c, rq, &err);
}

/* libmicrohttpd calls this when the headers are in (first call), for each
 * piece of a body, when the request is complete, and again after a worker
 * resumed the connection. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version,
                                  const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    server_t *srv = cls;
    req_t *rq = *req_cls;
    (void)url;
    (void)upload_data;
    if (!rq || !rq->uri)
        return MHD_NO;
    if (rq->phase == PHASE_NEW) {
        rq->phase = PHASE_HEADERS;
        snprintf(rq->method, sizeof rq->method, "%s", method);
        snprintf(rq->version, sizeof rq->version, "%s", version);
        frs_watchdog_headers_done(srv->watchdog, watch_of(c));
        if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
            /* answered before any body is read: libmicrohttpd then closes
             * the connection rather than read it */
            frs_api_error_t err = {0};
            frs_api_error_set(&err, 405, "method_not_allowed", NULL,
                              "only GET and HEAD are served");
            return send_error(c, rq, &err);
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        *upload_data_size = 0; /* a body nobody asked for: dropped */
        return MHD_YES;
    }
    if (rq->phase == PHASE_HEADERS) {
        frs_watchdog_body_done(srv->watchdog, watch_of(c));
        return route(srv, c, rq);
    }
    if (rq->phase == PHASE_QUEUED && rq->out) {
        json_t *j = rq->out;
        rq->out = NULL;
        return send_json(c, rq, rq->out_status, j);
    }
    return MHD_YES;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    server_t *srv = cls;
    if (atomic_load(&srv->quiet))
        return;
    pthread_mutex_lock(&srv->err_mu);
    fputs("query: ", srv->err);
    vfprintf(srv->err, fmt, ap);
    pthread_mutex_unlock(&srv->err_mu);
}

/* Descriptors open now (Linux: /proc/self/fd), or 64 when unknown. */
static unsigned open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return 64;
    unsigned n = 0;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

/* Raise the soft limit on descriptors towards the hard one so that want
 * connections fit beside those in use (and as many again for reopening);
 * returns how many connections fit. */
static unsigned fit_connections(server_t *srv, unsigned want)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return want;
    rlim_t reserve = 2 * (rlim_t)open_fds() + 64;
    rlim_t need = want + reserve;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
        rlim_t cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need
                         ? need
                         : rl.rlim_max;
        struct rlimit nl = {cur, rl.rlim_max};
        if (setrlimit(RLIMIT_NOFILE, &nl) == 0)
            rl.rlim_cur = cur;
    }
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
        return want;
    unsigned fit = rl.rlim_cur > reserve + 16
                       ? (unsigned)(rl.rlim_cur - reserve)
                       : 16;
    errorf(srv, "warning: %u connections at most: the limit on open files "
                "is %llu (ulimit -n)",
           fit, (unsigned long long)rl.rlim_cur);
    return fit;
}

/* SIGHUP: reopen the access log (for logrotate), keeping the old one if
 * the new cannot be opened. */
static void reopen_log(server_t *srv)
{
    if (!srv->log_path)
        return;
    FILE *f = fopen(srv->log_path, "a");
    if (!f) {
        errorf(srv, "cannot reopen access log %s: %s; still writing to the "
                    "old one", srv->log_path, strerror(errno));
        return;
    }
    pthread_mutex_lock(&srv->log_mu);
    FILE *old = srv->log;
    srv->log = f;
    pthread_mutex_unlock(&srv->log_mu);
    fclose(old);
    errorf(srv, "access log %s reopened", srv->log_path);
}

void frs_server_opts_init(frs_server_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->header_timeout_ms = FRS_SERVER_HEADER_TIMEOUT_MS;
    o->body_timeout_ms = FRS_SERVER_BODY_TIMEOUT_MS;
    o->max_connections = FRS_SERVER_MAX_CONNECTIONS;
    o->max_per_address = FRS_SERVER_MAX_PER_ADDRESS;
    frs_health_opts_t h;
    frs_health_opts_init(&h);
    o->probe_interval_ms = h.interval_ms;
    o->stall_ms = h.stall_ms;
    o->cooldown_ms = h.cooldown_ms;
}

/* Open one searcher per worker, the access log, the monitor, the watchdog
 * and the workers; an exit status (0 when all is ready). */
static int server_open(server_t *srv, const frs_server_opts_t *o)
{
    srv->searchers = calloc(srv->threads, sizeof *srv->searchers);
    if (!srv->searchers)
        return 4;
    for (unsigned i = 0; i < srv->threads; i++) {
        char *msg = NULL;
        frs_status_t rc = frs_searcher_open(o->db, &srv->searchers[i], &msg);
        if (rc != FRS_OK)
            fprintf(srv->err, "query: %s\n", msg ? msg : frs_strerror(rc));
        free(msg);
        if (rc != FRS_OK)
            return rc == FRS_EVERSION ? 3 : 4;
    }
    if (o->access_log && !(srv->log = fopen(o->access_log, "a"))) {
        fprintf(srv->err, "query: cannot open access log %s: %s\n",
                o->access_log, strerror(errno));
        return 4;
    }
    frs_health_opts_t ho;
    frs_health_opts_init(&ho);
    ho.interval_ms = o->probe_interval_ms;
    ho.stall_ms = o->stall_ms;
    ho.cooldown_ms = o->cooldown_ms;
    ho.log = health_log;
    ho.log_ctx = srv;
    if (frs_health_new(o->db, &ho, &srv->health) != FRS_OK ||
        frs_watchdog_new(o->header_timeout_ms, o->body_timeout_ms, 1,
                         &srv->watchdog) != FRS_OK ||
        frs_workq_new((void *const *)srv->searchers, srv->threads,
                      &srv->workers) != FRS_OK) {
        fprintf(srv->err, "query: cannot start the server's threads\n");
        return 4;
    }
    return 0;
}

static void server_close(server_t *srv)
{
    frs_workq_free(srv->workers);
    frs_watchdog_free(srv->watchdog);
    frs_health_free(srv->health);
    for (unsigned i = 0; srv->searchers && i < srv->threads; i++)
        frs_searcher_free(srv->searchers[i]);
    free(srv->searchers);
    if (srv->log)
        fclose(srv->log);
    pthread_mutex_destroy(&srv->log_mu);
    pthread_mutex_destroy(&srv->err_mu);
    free(srv);
}

static struct MHD_Daemon *start_daemon(server_t *srv,
                                       const frs_server_opts_t *o,
                                       const struct sockaddr_storage *sa)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
                     MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (sa->ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    unsigned conns = fit_connections(srv, o->max_connections);
    return MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,
        MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)sa,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
        MHD_OPTION_NOTIFY_COMPLETED, on_done, srv,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)FRS_SERVER_CONN_MEMORY,
        MHD_OPTION_CONNECTION_LIMIT, conns,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->max_per_address,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)FRS_SERVER_TIMEOUT_S,
        MHD_OPTION_END);
}

/* Wait for SIGINT or SIGTERM (reopening the access log on SIGHUP); the
 * signal that stopped. */
static int wait_for_stop(server_t *srv, const sigset_t *sigs)
{
    int sig = 0;
    for (;;) {
        if (sigwait(sigs, &sig) != 0)
            continue;
        if (sig == SIGINT || sig == SIGTERM)
            return sig;
        if (sig == SIGHUP)
            reopen_log(srv);
    }
}

static void say_serving(server_t *srv, struct MHD_Daemon *d,
                        const struct sockaddr_storage *sa)
{
    const union MHD_DaemonInfo *di =
        MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char host[INET6_ADDRSTRLEN] = "?";
    if (sa->ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
                  host, sizeof host);
    else
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, host,
                  sizeof host);
    fprintf(srv->err, "query: serving %s at http://%s%s%s:%u/ (%u threads)\n",
            srv->db, sa->ss_family == AF_INET6 ? "[" : "", host,
            sa->ss_family == AF_INET6 ? "]" : "", di ? (unsigned)di->port : 0u,
            srv->threads);
    fflush(srv->err);
}

int frs_server_run(const frs_server_opts_t *o, FILE *err)
{
    const char *addr = o->listen ? o->listen : FRS_SERVER_DEFAULT_LISTEN;
    struct sockaddr_storage sa;
    socklen_t salen;
    if (frs_server_parse_listen(addr, &sa, &salen) != FRS_OK) {
        fprintf(err, "query: invalid listen address '%s' (expected "
                     "HOST:PORT with a numeric HOST, [IPV6]:PORT or PORT)\n",
                addr);
        return 2;
    }
    unsigned threads = o->threads;
    if (threads == 0) {
        long np = sysconf(_SC_NPROCESSORS_ONLN);
        threads = np > 0 ? (unsigned)np : 2;
    }
    if (threads > FRS_SERVER_MAX_THREADS) {
        fprintf(err, "query: at most %d threads\n", FRS_SERVER_MAX_THREADS);
        return 2;
    }
    server_t *srv = calloc(1, sizeof *srv);
    if (!srv)
        return 4;
    srv->db = o->db;
    srv->err = err;
    srv->threads = threads;
    srv->started = time(NULL);
    srv->log_path = o->access_log;
    if (o->defaults)
        srv->defaults = *o->defaults;
    else
        frs_search_params_init(&srv->defaults);
    pthread_mutex_init(&srv->log_mu, NULL);
    pthread_mutex_init(&srv->err_mu, NULL);
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGHUP);
    /* every thread started from here on inherits this mask; only
     * sigwait() below receives these signals */
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    json_object_seed(0);
    int ex = server_open(srv, o);
    struct MHD_Daemon *d = NULL;
    if (ex == 0 && !(d = start_daemon(srv, o, &sa))) {
        fprintf(err, "query: cannot listen on %s\n", addr);
        ex = 5;
    }
    if (ex == 0) {
        atomic_store(&srv->quiet, 1);
        say_serving(srv, d, &sa);
        (void)frs_notify_ready(); /* systemd Type=notify; no-op otherwise */
        int sig = wait_for_stop(srv, &sigs);
        /* stop accepting, let the requests in flight finish, then stop */
        MHD_socket ls = MHD_quiesce_daemon(d);
        if (ls != MHD_INVALID_SOCKET)
            close(ls);
        for (int i = 0; i < 500 && atomic_load(&srv->active) > 0; i++)
            pause_ms(10);
        /* every suspended connection must be resumed before the daemon
         * stops: the workers finish their jobs first (later ones are
         * refused) */
        frs_workq_stop(srv->workers);
        MHD_stop_daemon(d);
        fprintf(err, "query: stopped (%s)\n",
                sig == SIGINT ? "SIGINT" : "SIGTERM");
    }
    server_close(srv);
    return ex;
}
