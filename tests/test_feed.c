/* SPDX-License-Identifier: MIT
 * test_feed.c: the inputs of a run (feed.c): the first copy of an id is
 * handed on and later ones reported with both places; an integer id is
 * the same id as its string; counts of rejects with and without an id,
 * inputs that failed and entries skipped; real files read in order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feed.h"
#include "fixture.h"

typedef struct {
    int articles, warnings;
    char bodies[512];
    char last_warning[700], last_source[128];
    unsigned long last_line;
    const char *last_id;
} sink_t;

static frs_status_t on_article(void *ctx, const frs_article_t *a)
{
    sink_t *k = ctx;
    k->articles++;
    strncat(k->bodies, a->body, sizeof k->bodies - strlen(k->bodies) - 1);
    strncat(k->bodies, "|", sizeof k->bodies - strlen(k->bodies) - 1);
    return FRS_OK;
}

static void on_report(void *ctx, frs_report_kind_t kind, const char *source,
                      unsigned long line, const char *id, const char *reason)
{
    sink_t *k = ctx;
    (void)id;
    if (kind != FRS_REPORT_WARNING)
        return;
    k->warnings++;
    snprintf(k->last_warning, sizeof k->last_warning, "%s", reason);
    snprintf(k->last_source, sizeof k->last_source, "%s", source);
    k->last_line = line;
}

static char *dir;

static int setup(void **state)
{
    (void)state;
    dir = frs_test_tmpdir("feed");
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

/* dir/name holding text; the path in out (96 bytes). */
static void put(const char *name, const char *text, char *out)
{
    snprintf(out, 96, "%s/%s", dir, name);
    FILE *f = fopen(out, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static frs_feed_t *new_feed(sink_t *k)
{
    memset(k, 0, sizeof *k);
    frs_ingest_t in = {on_article, on_report, k, 0, NULL};
    frs_feed_t *f = NULL;
    assert_int_equal(frs_feed_new(&in, &f), FRS_OK);
    return f;
}

static void test_feed_first_copy_wins_and_both_places_named(void **state)
{
    (void)state;
    char a[96], b[96];
    put("a.jsonl", "{\"id\":\"x\",\"body\":\"premier\"}\n"
                   "{\"id\":\"y\",\"body\":\"autre\"}\n", a);
    put("b.jsonl", "\n\n{\"id\":\"x\",\"body\":\"second\"}\n", b);
    sink_t k;
    frs_feed_t *f = new_feed(&k);
    assert_int_equal(frs_feed_read(f, a), FRS_OK);
    assert_int_equal(frs_feed_read(f, b), FRS_OK);
    assert_string_equal(k.bodies, "premier|autre|");
    assert_int_equal(k.warnings, 1);
    assert_string_equal(k.last_source, b);
    assert_int_equal(k.last_line, 3);
    char want[160];
    snprintf(want, sizeof want, "first read at %s:1", a);
    assert_non_null(strstr(k.last_warning, want));
    const frs_feed_stats_t *st = frs_feed_stats(f);
    assert_int_equal(st->articles, 2);
    assert_int_equal(st->duplicates, 1);
    assert_int_equal(st->warnings, 1);
    frs_feed_free(f);
    frs_feed_free(NULL);
}

static void test_feed_integer_id_is_the_string_id(void **state)
{
    (void)state;
    char p[96];
    put("n.jsonl", "{\"id\":12345,\"body\":\"entier\"}\n"
                   "{\"id\":\"12345\",\"body\":\"chaine\"}\n", p);
    sink_t k;
    frs_feed_t *f = new_feed(&k);
    assert_int_equal(frs_feed_read(f, p), FRS_OK);
    assert_string_equal(k.bodies, "entier|");
    assert_int_equal(frs_feed_stats(f)->duplicates, 1);
    assert_int_equal(k.last_line, 2);
    assert_non_null(strstr(k.last_warning, ":1;"));
    frs_feed_free(f);
}

static void test_feed_counts_what_prune_needs(void **state)
{
    (void)state;
    char p[96], q[96], missing[96];
    put("r.jsonl", "{\"id\":\"ok\",\"body\":\"bon\"}\n"
                   "{\"id\":\"vide\",\"body\":\" \"}\n"   /* reject, id known */
                   "{\"id\":\"cassé\",\"bo\n"             /* reject, no id */
                   "{\"body\":\"sans id\"}\n", p);        /* reject, no id */
    put("notes.md", "pas un flux", q);
    snprintf(missing, sizeof missing, "%s/absent.jsonl", dir);
    sink_t k;
    frs_feed_t *f = new_feed(&k);
    assert_int_equal(frs_feed_read(f, dir), FRS_OK);
    assert_int_equal(frs_feed_read(f, missing), FRS_OK);
    const frs_feed_stats_t *st = frs_feed_stats(f);
    assert_int_equal(st->articles, 1);
    assert_int_equal(st->rejected, 3);
    assert_int_equal(st->rejected_ids, 1);
    assert_int_equal(st->unparsed, 2);
    assert_string_equal(st->unparsed_source, p);
    assert_int_equal(st->unparsed_line, 3);
    assert_int_equal(st->skipped, 1);
    assert_int_equal(st->failed_inputs, 1);
    assert_string_equal(st->failed_source, missing);
    frs_feed_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_feed_first_copy_wins_and_both_places_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feed_integer_id_is_the_string_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feed_counts_what_prune_needs, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
