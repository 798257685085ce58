/* SPDX-License-Identifier: MIT
 * watchdog.c: connection deadlines (watchdog.h).  The records form a
 * doubly linked list under one mutex; a sweep walks all of them, which at
 * a few thousand connections every 100 ms costs nothing measurable.
 */
#include "watchdog.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

enum state { WAIT_HEADERS, WAIT_BODY, ANSWERING, SHUT };

struct frs_watchdog_conn {
    struct frs_watchdog_conn *prev, *next;
    int fd;
    enum state state;
    long long since_ms; /* when the current state began */
};

struct frs_watchdog {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    int has_thread, stop;
    unsigned header_ms, body_ms;
    frs_watchdog_conn_t *head;
    unsigned count;
    unsigned long long dropped;
};

long long frs_watchdog_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void *run(void *arg)
{
    frs_watchdog_t *w = arg;
    pthread_mutex_lock(&w->mu);
    while (!w->stop) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        t.tv_nsec += FRS_WATCHDOG_TICK_MS * 1000000L;
        if (t.tv_nsec >= 1000000000L) {
            t.tv_sec++;
            t.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&w->cv, &w->mu, &t);
        if (w->stop)
            break;
        pthread_mutex_unlock(&w->mu);
        frs_watchdog_sweep(w, frs_watchdog_now_ms());
        pthread_mutex_lock(&w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

frs_status_t frs_watchdog_new(unsigned header_ms, unsigned body_ms,
                              int thread, frs_watchdog_t **out)
{
    *out = NULL;
    if (header_ms == 0 || body_ms == 0)
        return FRS_EINVAL;
    frs_watchdog_t *w = calloc(1, sizeof *w);
    if (!w)
        return FRS_ENOMEM;
    w->header_ms = header_ms;
    w->body_ms = body_ms;
    pthread_mutex_init(&w->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (thread) {
        if (pthread_create(&w->thread, NULL, run, w) != 0) {
            frs_watchdog_free(w);
            return FRS_EIO;
        }
        w->has_thread = 1;
    }
    *out = w;
    return FRS_OK;
}

void frs_watchdog_free(frs_watchdog_t *w)
{
    if (!w)
        return;
    if (w->has_thread) {
        pthread_mutex_lock(&w->mu);
        w->stop = 1;
        pthread_cond_signal(&w->cv);
        pthread_mutex_unlock(&w->mu);
        pthread_join(w->thread, NULL);
    }
    while (w->head) {
        frs_watchdog_conn_t *c = w->head;
        w->head = c->next;
        free(c);
    }
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
}

frs_watchdog_conn_t *frs_watchdog_add(frs_watchdog_t *w, int fd)
{
    frs_watchdog_conn_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->fd = fd;
    c->state = WAIT_HEADERS;
    c->since_ms = frs_watchdog_now_ms();
    pthread_mutex_lock(&w->mu);
    c->next = w->head;
    if (w->head)
        w->head->prev = c;
    w->head = c;
    w->count++;
    pthread_mutex_unlock(&w->mu);
    return c;
}

/* Move c to state s from now, unless its socket was shut down already. */
static void set_state(frs_watchdog_t *w, frs_watchdog_conn_t *c,
                      enum state s)
{
    if (!c)
        return;
    long long now = frs_watchdog_now_ms();
    pthread_mutex_lock(&w->mu);
    if (c->state != SHUT) {
        c->state = s;
        c->since_ms = now;
    }
    pthread_mutex_unlock(&w->mu);
}

void frs_watchdog_headers_done(frs_watchdog_t *w, frs_watchdog_conn_t *c)
{
    set_state(w, c, WAIT_BODY);
}

void frs_watchdog_body_done(frs_watchdog_t *w, frs_watchdog_conn_t *c)
{
    set_state(w, c, ANSWERING);
}

void frs_watchdog_response_done(frs_watchdog_t *w, frs_watchdog_conn_t *c)
{
    set_state(w, c, WAIT_HEADERS);
}

void frs_watchdog_remove(frs_watchdog_t *w, frs_watchdog_conn_t *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&w->mu);
    if (c->prev)
        c->prev->next = c->next;
    else
        w->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    w->count--;
    pthread_mutex_unlock(&w->mu);
    free(c);
}

unsigned frs_watchdog_sweep(frs_watchdog_t *w, long long now_ms)
{
    unsigned n = 0;
    pthread_mutex_lock(&w->mu);
    for (frs_watchdog_conn_t *c = w->head; c; c = c->next) {
        long long limit = -1;
        if (c->state == WAIT_HEADERS)
            limit = w->header_ms;
        else if (c->state == WAIT_BODY)
            limit = w->body_ms;
        if (limit < 0 || now_ms - c->since_ms <= limit)
            continue;
        /* under the lock: remove() (before close) cannot run meanwhile */
        shutdown(c->fd, SHUT_RDWR);
        c->state = SHUT;
        n++;
    }
    w->dropped += n;
    pthread_mutex_unlock(&w->mu);
    return n;
}

unsigned long long frs_watchdog_dropped(frs_watchdog_t *w)
{
    pthread_mutex_lock(&w->mu);
    unsigned long long n = w->dropped;
    pthread_mutex_unlock(&w->mu);
    return n;
}

unsigned frs_watchdog_count(frs_watchdog_t *w)
{
    pthread_mutex_lock(&w->mu);
    unsigned n = w->count;
    pthread_mutex_unlock(&w->mu);
    return n;
}
