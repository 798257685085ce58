/* SPDX-License-Identifier: MIT
 * server_int.h: what the two halves of `query --serve` share: server.c
 * (the daemon: connections, request phases, responses, logging,
 * lifecycle) and routes.c (which path does what, and the jobs the search
 * workers run).  Not a public interface.
 *
 * Ownership: a req_t belongs to its connection from on_uri to on_done;
 * rq->out (a json_t) and rq->body are freed there.
 */
#ifndef FRS_SERVER_INT_H
#define FRS_SERVER_INT_H

#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include <microhttpd.h>

#include "health.h"
#include "meili.h"
#include "meili_read.h"
#include "server.h"
#include "watchdog.h"
#include "workq.h"

/* The gzip form of each embedded file of the page (index as www.h's). */
typedef struct {
    char *data;
    size_t len;
} frs_srv_gz_t;

typedef struct {
    const char *db;
    const char *uid;          /* the Meilisearch index uid */
    const char *cors;         /* --cors-origin: "*", "none" or a list */
    frs_search_params_t defaults;
    unsigned threads;
    frs_searcher_t **searchers; /* one per worker */
    frs_workq_t *workers;
    frs_watchdog_t *watchdog;
    frs_health_t *health;
    frs_srv_gz_t *www_gz;     /* frs_www_nfiles entries */
    const char *log_path;
    FILE *log;
    pthread_mutex_t log_mu;
    FILE *err;
    const char *prog; /* messages start with it (frs_server_opts_t) */
    pthread_mutex_t err_mu;
    time_t started;
    atomic_ullong requests, r2xx, r3xx, r4xx, r5xx, reopens;
    atomic_int active;   /* requests between start and completion */
    atomic_int quiet;    /* stop printing libmicrohttpd's messages */
} server_t;

enum { PHASE_NEW, PHASE_HEADERS, PHASE_QUEUED, PHASE_ANSWERED };
enum { JOB_SEARCH, JOB_STATS, JOB_MEILI, JOB_MULTI, JOB_INDEX, JOB_INDEXES,
       JOB_INDEX_STATS, JOB_DOCS, JOB_FACET };

/* The longest POST body read (a search request is a few hundred bytes);
 * a longer one is answered 413. */
#define FRS_SRV_MAX_BODY ((size_t)64 * 1024)

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
    int meili;            /* errors in Meilisearch's shape */
    const char *allow;    /* the Allow header of a 405 (static) */
    char *body;           /* a POST body, as read */
    size_t body_len;
    /* a job for a worker, and its answer */
    int job;
    frs_api_search_t search;
    frs_meili_req_t *mreqs;   /* JOB_MEILI: one; JOB_MULTI: nmreqs */
    size_t nmreqs;
    frs_meili_docs_req_t *dreq;  /* JOB_DOCS */
    frs_meili_facet_req_t *freq; /* JOB_FACET */
    unsigned out_status;
    json_t *out;
} req_t;

/* Flags of frs_srv_send. */
enum {
    FRS_SRV_API = 1,      /* JSON API headers (no-store, CORS) */
    FRS_SRV_GZIPPED = 2,  /* buf is already gzip (Content-Encoding) */
    FRS_SRV_MAY_GZIP = 4  /* compress when the client accepts gzip */
};

/* Queue a response (server.c); mode as libmicrohttpd's. */
enum MHD_Result frs_srv_send(struct MHD_Connection *c, req_t *rq,
                             unsigned status, const char *type, void *buf,
                             size_t len, enum MHD_ResponseMemoryMode mode,
                             int flags);
/* A JSON body (j consumed), with the API headers. */
enum MHD_Result frs_srv_send_json(struct MHD_Connection *c, req_t *rq,
                                  unsigned status, json_t *j);
/* An error, in rq's shape (frs's or Meilisearch's). */
enum MHD_Result frs_srv_send_error(struct MHD_Connection *c, req_t *rq,
                                   const frs_api_error_t *e);
json_t *frs_srv_error_json(const req_t *rq, const frs_api_error_t *e);
void frs_srv_errorf(server_t *srv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void frs_srv_pause_ms(long ms);

/* routes.c: the request is complete (headers and any body): answer it,
 * or hand it to a worker. */
enum MHD_Result frs_srv_route(server_t *srv, struct MHD_Connection *c,
                              req_t *rq);
/* routes.c: from the first line and headers alone, before any body: 0 to
 * go on (reading a body for a POST that takes one), else the answer was
 * queued (an error) and *ret is what to return to libmicrohttpd. */
int frs_srv_early(server_t *srv, struct MHD_Connection *c, req_t *rq,
                  enum MHD_Result *ret);

#endif
