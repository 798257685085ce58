/* SPDX-License-Identifier: MIT
 * server.c: the HTTP JSON API (GET /search, /health, /stats) and the search
 * page, on libmicrohttpd.  A search runs on a worker thread with its own
 * searcher, first moved to the latest committed revision (frs_xr_reopen
 * also follows an atomic rebuild switch); a request that meets a database
 * error is retried on a fresh reader, so no request fails because of a
 * commit.  How connections, workers, deadlines and the shard monitor fit
 * together: "The daemon" below.
 */
#include "server_int.h"

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

#include "exitcodes.h"
#include "http.h"
#include "health.h"
#include "notify.h"
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

void frs_srv_errorf(server_t *srv, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&srv->err_mu);
    fprintf(srv->err, "%s: ", srv->prog);
    vfprintf(srv->err, fmt, ap);
    fputc('\n', srv->err);
    fflush(srv->err);
    pthread_mutex_unlock(&srv->err_mu);
    va_end(ap);
}

static void health_log(void *ctx, const char *line)
{
    frs_srv_errorf(ctx, "%s", line);
}

void frs_srv_pause_ms(long ms)
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
    if (!q)
        return;
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
    frs_meili_reqs_free(rq->mreqs, rq->nmreqs);
    if (rq->dreq)
        frs_meili_docs_req_clear(rq->dreq);
    free(rq->dreq);
    if (rq->freq)
        frs_meili_facet_req_clear(rq->freq);
    free(rq->freq);
    free(rq->body);
    free(rq->uri);
    free(rq);
    atomic_fetch_sub(&srv->active, 1);
}

/* The API's headers: no caching, CORS for an allowed Origin. */
static void api_headers(struct MHD_Response *resp, struct MHD_Connection *c,
                        const req_t *rq)
{
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                     "Origin");
    int vary = 0;
    const char *acao = frs_http_cors(rq->srv->cors, origin, &vary);
    if (acao)
        MHD_add_response_header(resp, "Access-Control-Allow-Origin", acao);
    if (vary)
        MHD_add_response_header(resp, "Vary", "Origin");
    if (acao && !strcmp(rq->method, "OPTIONS")) {
        MHD_add_response_header(resp, "Access-Control-Allow-Methods",
                                "GET, POST, HEAD, OPTIONS");
        MHD_add_response_header(resp, "Access-Control-Allow-Headers",
                                "Content-Type, Authorization, "
                                "X-Meilisearch-Client, Accept");
        MHD_add_response_header(resp, "Access-Control-Max-Age", "86400");
    }
}

/* gzip buf when the flags allow it, the client accepts it and it pays;
 * *buf, *len and *mode then describe the compressed body. */
static int maybe_gzip(struct MHD_Connection *c, int flags, void **buf,
                      size_t *len, enum MHD_ResponseMemoryMode *mode)
{
    if (!(flags & FRS_SRV_MAY_GZIP) || *len < FRS_HTTP_GZIP_MIN ||
        !frs_http_accepts_gzip(MHD_lookup_connection_value(
            c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING)))
        return 0;
    char *gz = NULL;
    size_t gzlen = 0;
    if (frs_http_gzip(*buf, *len, &gz, &gzlen) != FRS_OK)
        return 0; /* sent as it is */
    if (*mode == MHD_RESPMEM_MUST_FREE)
        free(*buf);
    *buf = gz;
    *len = gzlen;
    *mode = MHD_RESPMEM_MUST_FREE;
    return 1;
}

static const char *const CSP =
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

enum MHD_Result frs_srv_send(struct MHD_Connection *c, req_t *rq,
                             unsigned status, const char *type, void *buf,
                             size_t len, enum MHD_ResponseMemoryMode mode,
                             int flags)
{
    int gzipped = (flags & FRS_SRV_GZIPPED) ||
                  maybe_gzip(c, flags, &buf, &len, &mode);
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, buf,
                                                                mode);
    if (!resp) {
        if (mode == MHD_RESPMEM_MUST_FREE)
            free(buf);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (gzipped)
        MHD_add_response_header(resp, "Content-Encoding", "gzip");
    if (flags & (FRS_SRV_GZIPPED | FRS_SRV_MAY_GZIP))
        MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    if (flags & FRS_SRV_API) {
        api_headers(resp, c, rq);
    } else {
        MHD_add_response_header(resp, "Cache-Control", "no-cache");
        MHD_add_response_header(resp, "Content-Security-Policy", CSP);
        MHD_add_response_header(resp, "X-Frame-Options", "DENY");
        MHD_add_response_header(resp, "Referrer-Policy",
                                "strict-origin-when-cross-origin");
    }
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED || status == 204)
        MHD_add_response_header(resp, "Allow",
                                rq->allow ? rq->allow : "GET, HEAD, OPTIONS");
    if (status == MHD_HTTP_SERVICE_UNAVAILABLE)
        MHD_add_response_header(resp, "Retry-After", "1");
    rq->status = status;
    rq->bytes = strcmp(rq->method, "HEAD") == 0 ? 0 : len;
    rq->phase = PHASE_ANSWERED;
    enum MHD_Result r = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return r;
}

enum MHD_Result frs_srv_send_json(struct MHD_Connection *c, req_t *rq,
                                  unsigned status, json_t *j)
{
    char *body = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY |
                                  JSON_REAL_PRECISION(10))
                   : NULL;
    json_decref(j);
    if (!body) {
        static const char oom[] =
            "{\"message\":\"out of memory\",\"code\":\"internal\"}";
        return frs_srv_send(c, rq, 500, "application/json; charset=utf-8",
                            (void *)oom, sizeof oom - 1,
                            MHD_RESPMEM_PERSISTENT, FRS_SRV_API);
    }
    return frs_srv_send(c, rq, status, "application/json; charset=utf-8",
                        body, strlen(body), MHD_RESPMEM_MUST_FREE,
                        FRS_SRV_API | FRS_SRV_MAY_GZIP);
}

json_t *frs_srv_error_json(const req_t *rq, const frs_api_error_t *e)
{
    return rq->meili ? frs_meili_error_json(e) : frs_api_error_json(e);
}

enum MHD_Result frs_srv_send_error(struct MHD_Connection *c, req_t *rq,
                                   const frs_api_error_t *e)
{
    return frs_srv_send_json(c, rq, e->status, frs_srv_error_json(rq, e));
}

/* A piece of a POST body: kept, up to FRS_SRV_MAX_BODY (then 413). */
static int take_body(req_t *rq, const char *data, size_t n)
{
    if (rq->body_len + n > FRS_SRV_MAX_BODY)
        return 0;
    char *b = realloc(rq->body, rq->body_len + n + 1);
    if (!b)
        return 0;
    memcpy(b + rq->body_len, data, n);
    rq->body = b;
    rq->body_len += n;
    b[rq->body_len] = '\0';
    return 1;
}

/* libmicrohttpd calls this when the headers are in (first call), for each
 * piece of a body, when the request is complete, and again after a worker
 * resumed the connection.  Answers are queued only once the request is
 * complete (but for refusals from the headers alone), so that the
 * connection is kept alive. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version,
                                  const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    server_t *srv = cls;
    req_t *rq = *req_cls;
    (void)url;
    if (!rq || !rq->uri)
        return MHD_NO;
    if (rq->phase == PHASE_NEW) {
        rq->phase = PHASE_HEADERS;
        snprintf(rq->method, sizeof rq->method, "%s", method);
        snprintf(rq->version, sizeof rq->version, "%s", version);
        frs_watchdog_headers_done(srv->watchdog, watch_of(c));
        enum MHD_Result ret = MHD_YES;
        return frs_srv_early(srv, c, rq, &ret) ? ret : MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (strcmp(rq->method, "POST") != 0 || rq->phase != PHASE_HEADERS)
            return MHD_YES; /* a body nobody asked for: dropped */
        if (!take_body(rq, upload_data, n)) {
            frs_api_error_t err = {0};
            frs_meili_error(&err, 413, "payload_too_large", "The provided "
                            "payload reached the size limit of %zu bytes",
                            FRS_SRV_MAX_BODY);
            rq->meili = 1;
            return frs_srv_send_error(c, rq, &err);
        }
        return MHD_YES;
    }
    if (rq->phase == PHASE_HEADERS) {
        frs_watchdog_body_done(srv->watchdog, watch_of(c));
        return frs_srv_route(srv, c, rq);
    }
    if (rq->phase == PHASE_QUEUED && rq->out) {
        json_t *j = rq->out;
        rq->out = NULL;
        return frs_srv_send_json(c, rq, rq->out_status, j);
    }
    return MHD_YES;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    server_t *srv = cls;
    if (atomic_load(&srv->quiet))
        return;
    pthread_mutex_lock(&srv->err_mu);
    fprintf(srv->err, "%s: ", srv->prog);
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
    frs_srv_errorf(srv, "warning: %u connections at most: the limit on open files "
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
        frs_srv_errorf(srv, "cannot reopen access log %s: %s; still writing to the "
                    "old one", srv->log_path, strerror(errno));
        return;
    }
    pthread_mutex_lock(&srv->log_mu);
    FILE *old = srv->log;
    srv->log = f;
    pthread_mutex_unlock(&srv->log_mu);
    fclose(old);
    frs_srv_errorf(srv, "access log %s reopened", srv->log_path);
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
    o->cors_origin = "*";
}

int frs_server_uid_valid(const char *uid)
{
    size_t n = uid ? strlen(uid) : 0;
    if (n == 0 || n > FRS_SERVER_MAX_UID)
        return 0;
    return strspn(uid, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                       "0123456789_-") == n;
}

char *frs_server_default_uid(const char *db)
{
    size_t n = strlen(db);
    while (n > 1 && db[n - 1] == '/')
        n--;
    size_t b = n;
    while (b > 0 && db[b - 1] != '/')
        b--;
    if (n - b > FRS_SERVER_MAX_UID)
        b = n - FRS_SERVER_MAX_UID;
    if (n == b || (n - b == 1 && db[b] == '/'))
        return strdup("index");
    char *u = strndup(db + b, n - b);
    for (char *p = u; p && *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    "0123456789_-", *p))
            *p = '-';
    return u;
}

const char *frs_server_cors_check(const char *allow)
{
    return frs_http_cors_check(allow);
}

/* The gzip form of each file of the page, made once. */
static void compress_www(server_t *srv)
{
    srv->www_gz = calloc(frs_www_nfiles ? frs_www_nfiles : 1,
                         sizeof *srv->www_gz);
    for (size_t i = 0; srv->www_gz && i < frs_www_nfiles; i++) {
        const frs_www_file_t *f = &frs_www_files[i];
        if (f->len >= FRS_HTTP_GZIP_MIN)
            (void)frs_http_gzip(f->data, f->len, &srv->www_gz[i].data,
                                &srv->www_gz[i].len);
    }
}

/* Open one searcher per worker, the access log, the monitor, the watchdog
 * and the workers; an exit status (0 when all is ready). */
static int server_open(server_t *srv, const frs_server_opts_t *o)
{
    /* an array of pointers: sizeof a pointer is meant */
    srv->searchers = calloc(srv->threads, sizeof *srv->searchers); // NOLINT(bugprone-sizeof-expression)
    if (!srv->searchers)
        return QUERY_EXIT_FAIL;
    for (unsigned i = 0; i < srv->threads; i++) {
        char *msg = NULL;
        frs_status_t rc = frs_searcher_open(o->db, &srv->searchers[i], &msg);
        if (rc != FRS_OK)
            fprintf(srv->err, "%s: %s\n", srv->prog,
                    msg ? msg : frs_strerror(rc));
        free(msg);
        if (rc != FRS_OK)
            return rc == FRS_EVERSION ? QUERY_EXIT_SCHEMA : QUERY_EXIT_FAIL;
    }
    if (o->access_log && !(srv->log = fopen(o->access_log, "a"))) {
        fprintf(srv->err, "%s: cannot open access log %s: %s\n", srv->prog,
                o->access_log, strerror(errno));
        return QUERY_EXIT_FAIL;
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
        fprintf(srv->err, "%s: cannot start the server's threads\n",
                srv->prog);
        return QUERY_EXIT_FAIL;
    }
    compress_www(srv);
    return QUERY_EXIT_OK;
}

static void server_close(server_t *srv)
{
    for (size_t i = 0; srv->www_gz && i < frs_www_nfiles; i++)
        free(srv->www_gz[i].data);
    free(srv->www_gz);
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
    free((char *)srv->uid);
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
    fprintf(srv->err, "%s: serving %s at http://%s%s%s:%u/ (%u threads; "
                      "Meilisearch index uid '%s')\n", srv->prog,
            srv->db, sa->ss_family == AF_INET6 ? "[" : "", host,
            sa->ss_family == AF_INET6 ? "]" : "", di ? (unsigned)di->port : 0u,
            srv->threads, srv->uid);
    fflush(srv->err);
}

/* The index uid and the CORS setting, checked; *uid malloc'd.  0, or
 * the exit status 2 (said on err). */
static int check_api_opts(const frs_server_opts_t *o, FILE *err, char **uid)
{
    const char *name = o->prog ? o->prog : "query";
    *uid = o->index_uid ? strdup(o->index_uid)
                        : frs_server_default_uid(o->db);
    if (*uid && !frs_server_uid_valid(*uid)) {
        fprintf(err, "%s: invalid index uid '%s': 1 to %d letters, "
                     "digits, '-' or '_' (--index-uid)\n", name,
                *uid, FRS_SERVER_MAX_UID);
        free(*uid);
        *uid = NULL;
        return QUERY_EXIT_USAGE;
    }
    const char *why = frs_http_cors_check(o->cors_origin ? o->cors_origin
                                                         : "*");
    if (why) {
        fprintf(err, "%s: invalid --cors-origin '%s': %s\n", name,
                o->cors_origin, why);
        free(*uid);
        *uid = NULL;
        return QUERY_EXIT_USAGE;
    }
    return *uid ? QUERY_EXIT_OK : QUERY_EXIT_FAIL;
}

int frs_server_run(const frs_server_opts_t *o, FILE *err)
{
    const char *name = o->prog ? o->prog : "query";
    const char *addr = o->listen ? o->listen : FRS_SERVER_DEFAULT_LISTEN;
    struct sockaddr_storage sa;
    socklen_t salen;
    if (frs_server_parse_listen(addr, &sa, &salen) != FRS_OK) {
        fprintf(err, "%s: invalid listen address '%s' (expected "
                     "HOST:PORT with a numeric HOST, [IPV6]:PORT or PORT)\n",
                name, addr);
        return QUERY_EXIT_USAGE;
    }
    unsigned threads = o->threads;
    if (threads == 0) {
        long np = sysconf(_SC_NPROCESSORS_ONLN);
        threads = np > 0 ? (unsigned)np : 2;
    }
    if (threads > FRS_SERVER_MAX_THREADS) {
        fprintf(err, "%s: at most %d threads\n", name,
                FRS_SERVER_MAX_THREADS);
        return QUERY_EXIT_USAGE;
    }
    char *uid = NULL;
    int bad = check_api_opts(o, err, &uid);
    server_t *srv = bad ? NULL : calloc(1, sizeof *srv);
    if (!srv) {
        free(uid);
        return bad ? bad : QUERY_EXIT_FAIL;
    }
    srv->uid = uid;
    srv->cors = o->cors_origin ? o->cors_origin : "*";
    srv->db = o->db;
    srv->err = err;
    srv->prog = name;
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
        fprintf(err, "%s: cannot listen on %s\n", name, addr);
        ex = QUERY_EXIT_BUSY;
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
            frs_srv_pause_ms(10);
        /* every suspended connection must be resumed before the daemon
         * stops: the workers finish their jobs first (later ones are
         * refused) */
        frs_workq_stop(srv->workers);
        MHD_stop_daemon(d);
        fprintf(err, "%s: stopped (%s)\n", name,
                sig == SIGINT ? "SIGINT" : "SIGTERM");
    }
    server_close(srv);
    return ex;
}
