/* SPDX-License-Identifier: MIT
 * test_health.c: the index monitor on real on-disk databases and real
 * sockets: a sound index is available; an empty one, a damaged shard, a
 * shard gone, a remote shard that accepts but never answers (a stopped
 * xapian-tcpsrv) or refuses are degraded and named; the breaker opens at
 * once on a stalled probe or a search's report and closes again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "health.h"
#include "silent_port.h"
#include "xdb.h"

static char *dir;

/* A database at dir/name with n documents. */
static void make_db(const char *name, int n)
{
    char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    frs_xdb_t *w;
    char *err = NULL;
    assert_int_equal(frs_xdb_open(p, FRS_XDB_CREATE, &w, &err), FRS_OK);
    for (int i = 0; i < n; i++) {
        frs_xdoc_t *d;
        char uid[32], word[32];
        snprintf(uid, sizeof uid, "Q%s%d", name, i);
        snprintf(word, sizeof word, "mot%d", i);
        assert_int_equal(frs_xdoc_new(&d), FRS_OK);
        assert_int_equal(frs_xdoc_add_posting(d, "pomme", 5, 1), FRS_OK);
        assert_int_equal(frs_xdoc_add_posting(d, word, strlen(word), 2),
                         FRS_OK);
        assert_int_equal(frs_xdoc_add_term(d, uid, strlen(uid), 0), FRS_OK);
        assert_int_equal(frs_xdoc_set_data(d, "une donnée", 11), FRS_OK);
        assert_int_equal(frs_xdb_replace(w, uid, d), FRS_OK);
        frs_xdoc_free(d);
    }
    assert_int_equal(frs_xdb_commit(w), FRS_OK);
    frs_xdb_free(w);
}

static void write_stub(const char *text)
{
    char p[128], tmp[128];
    snprintf(p, sizeof p, "%s/all.stub", dir);
    snprintf(tmp, sizeof tmp, "%s/all.stub.tmp", dir);
    FILE *f = fopen(tmp, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(rename(tmp, p), 0);
}

static int setup(void **state)
{
    (void)state;
    dir = frs_test_tmpdir("health");
    return dir ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    int rc = frs_test_rmtree(dir);
    free(dir);
    dir = NULL;
    return rc;
}

/* Every log line, concatenated. */
static char logged[4096];
static void log_cb(void *ctx, const char *line)
{
    (void)ctx;
    strncat(logged, line, sizeof logged - strlen(logged) - 2);
    strcat(logged, "\n");
}

static frs_health_t *start(const char *db, unsigned stall_ms)
{
    frs_health_opts_t o;
    frs_health_opts_init(&o);
    o.interval_ms = 50;
    o.stall_ms = stall_ms;
    o.cooldown_ms = 300;
    o.recent_ms = 300;
    o.log = log_cb;
    logged[0] = '\0';
    char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, db);
    frs_health_t *h;
    assert_int_equal(frs_health_new(p, &o, &h), FRS_OK);
    return h;
}

/* The verdict as compact JSON text (freed by the caller); *ok. */
static char *verdict(frs_health_t *h, int *ok)
{
    json_t *j = frs_health_json(h, ok);
    assert_non_null(j);
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    return s;
}

/* Wait up to 5 s for the verdict to contain want (or, want NULL, to be
 * available); returns the last verdict. */
static char *wait_for(frs_health_t *h, const char *want)
{
    char *v = NULL;
    for (int i = 0; i < 100; i++) {
        free(v);
        int ok;
        v = verdict(h, &ok);
        if (want ? strstr(v, want) != NULL : ok)
            break;
        usleep(50000);
    }
    return v;
}

static void test_health_sound_and_empty(void **state)
{
    (void)state;
    make_db("db", 20);
    frs_health_t *h = start("db", 2000);
    int ok = 0;
    char *v = verdict(h, &ok);
    assert_true(ok);
    assert_string_equal(v, "{\"status\":\"available\"}");
    free(v);
    char name[64], why[256];
    assert_false(frs_health_down(h, name, sizeof name, why, sizeof why));
    frs_health_free(h);

    make_db("empty", 0);
    h = start("empty", 2000);
    v = verdict(h, &ok);
    assert_false(ok);
    assert_string_equal(v, "{\"problems\":[{\"message\":\"the index holds "
                           "no article\",\"problem\":\"empty\"}],"
                           "\"status\":\"degraded\"}");
    free(v);
    frs_health_free(h);
}

/* Cut a table to a third of its size (as tests/cli/hardening.sh does;
 * its other damage, flipped bytes, can crash libxapian itself on this
 * synthetic database, so tests/cli/shards.sh tries it on real ones). */
static void damage(const char *db, const char *table)
{
    char p[160];
    snprintf(p, sizeof p, "%s/%s/%s.glass", dir, db, table);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(truncate(p, st.st_size / 3), 0);
}

static void test_health_names_damaged_and_missing_shard(void **state)
{
    (void)state;
    make_db("a", 10);
    make_db("b", 3000);
    write_stub("auto a\nauto b\n");
    frs_health_t *h = start("all.stub", 2000);
    char *v = wait_for(h, NULL);
    assert_string_equal(v, "{\"status\":\"available\"}");
    free(v);
    /* b damaged while no reader has it open (libxapian can crash reading
     * a file changed under it), then listed again */
    write_stub("auto a\n");
    frs_health_probe_all(h);
    damage("b", "postlist");
    write_stub("auto a\nauto b\n");
    v = wait_for(h, "\"shard\":\"b\"");
    assert_non_null(strstr(v, "{\"message\":\""));
    assert_non_null(strstr(v, "\"problem\":\"damaged\",\"shard\":\"b\"}"));
    assert_null(strstr(v, dir)); /* no path of the server's in it */
    assert_null(strstr(v, "\"shard\":\"a\""));
    free(v);
    assert_non_null(strstr(logged, "shard b cannot be searched: "));
    char name[64], why[256];
    assert_false(frs_health_down(h, name, sizeof name, why, sizeof why));
    /* a shard the stub lists that is not there */
    write_stub("auto a\nauto b\nauto c\n");
    v = wait_for(h, "\"shard\":\"c\"");
    assert_non_null(strstr(v, "\"problem\":\"damaged\",\"shard\":\"c\"}"));
    free(v);
    /* the stub without them: sound again */
    write_stub("auto a\n");
    v = wait_for(h, NULL);
    assert_string_equal(v, "{\"status\":\"available\"}");
    free(v);
    frs_health_free(h);
}

static void test_health_breaker_on_hung_remote(void **state)
{
    (void)state;
    make_db("a", 10);
    write_stub("auto a\n");
    frs_xdb_set_remote_timeouts(1500, 1500);
    frs_health_t *h = start("all.stub", 200);
    int lfd;
    int port = silent_port(&lfd);
    char text[128], shard[64];
    snprintf(shard, sizeof shard, "127.0.0.1:%d", port);
    snprintf(text, sizeof text, "auto a\nremote %s\n", shard);
    write_stub(text);
    /* within the stall time, long before Xapian's timeout: down */
    char name[64] = "", why[256] = "";
    for (int i = 0; i < 100; i++) {
        if (frs_health_down(h, name, sizeof name, why, sizeof why))
            break;
        usleep(20000);
    }
    assert_string_equal(name, shard);
    assert_non_null(strstr(why, "no answer to a probe for"));
    int ok;
    char *v = verdict(h, &ok);
    assert_false(ok);
    assert_non_null(strstr(v, "\"problem\":\"not_answering\""));
    free(v);
    /* then the timeout: unreachable, still down */
    v = wait_for(h, "NetworkTimeoutError");
    assert_non_null(strstr(v, "\"problem\":\"unreachable\""));
    free(v);
    assert_true(frs_health_down(h, name, sizeof name, why, sizeof why));
    /* refused once nothing listens: down too */
    close(lfd);
    v = wait_for(h, "Connection refused");
    free(v);
    assert_true(frs_health_down(h, name, sizeof name, why, sizeof why));
    /* gone from the stub: up */
    write_stub("auto a\n");
    v = wait_for(h, NULL);
    free(v);
    assert_false(frs_health_down(h, name, sizeof name, why, sizeof why));
    frs_health_free(h);
    frs_xdb_set_remote_timeouts(FRS_XDB_REMOTE_TIMEOUT_MS,
                                FRS_XDB_REMOTE_CONNECT_MS);
}

static void test_health_reports_from_searches(void **state)
{
    (void)state;
    make_db("a", 10);
    make_db("b", 10);
    write_stub("auto a\nauto b\n");
    frs_health_t *h = start("all.stub", 2000);
    char name[64], why[256];
    /* a search timed out on b: down at once, for the cooldown */
    frs_health_report(h, "b", FRS_EREMOTE, "NetworkTimeoutError: timed out");
    assert_true(frs_health_down(h, name, sizeof name, why, sizeof why));
    assert_string_equal(name, "b");
    assert_string_equal(why, "NetworkTimeoutError: timed out");
    assert_non_null(strstr(logged, "shard b is treated as down for 300 ms"));
    int ok;
    char *v = verdict(h, &ok);
    assert_false(ok);
    assert_non_null(strstr(v, "\"problem\":\"unreachable\",\"shard\":\"b\""));
    free(v);
    usleep(400000);
    assert_false(frs_health_down(h, name, sizeof name, why, sizeof why));
    /* a search met a damaged table on a: degraded a while, never down */
    frs_health_report(h, "a", FRS_ECORRUPT, "DatabaseCorruptError: bad");
    assert_false(frs_health_down(h, name, sizeof name, why, sizeof why));
    v = verdict(h, &ok);
    assert_string_equal(v, "{\"problems\":[{\"message\":\"DatabaseCorruptError"
                           ": bad\",\"problem\":\"search_failed\",\"shard\":"
                           "\"a\"}],\"status\":\"degraded\"}");
    free(v);
    /* and a failure no shard was named for */
    frs_health_report(h, "", FRS_EXAPIAN, "DatabaseError: x");
    v = verdict(h, &ok);
    assert_non_null(strstr(v, "{\"message\":\"DatabaseError: x\",\"problem\":"
                              "\"search_failed\"}"));
    free(v);
    v = wait_for(h, NULL);
    assert_string_equal(v, "{\"status\":\"available\"}");
    free(v);
    frs_health_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T_(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T_(test_health_sound_and_empty),
        T_(test_health_names_damaged_and_missing_shard),
        T_(test_health_breaker_on_hung_remote),
        T_(test_health_reports_from_searches),
#undef T_
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
