/* SPDX-License-Identifier: MIT
 * test_query_cli.c: query's command line (frs_query_main) driven with
 * tmpfile() streams over a real database: --help and --version under the
 * invoked name, usage errors, the dispatch to a search, --batch, --stats
 * and --check, -n 0, the suggestion, and every exit code of exitcodes.h
 * but 5 (--serve; tests/cli/server.sh).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../query/cli.h"
#include "../query/exitcodes.h"
#include "fixture.h"
#include "schema.h"
#include "xdb.h"

static char *root, *db;
static char out[65536], err[16384]; /* what the last call wrote */

static const frs_test_doc_t docs[] = {
    {"eglise", "L’Église Saint-Martin rouvre", NULL, "2022-05-02",
     "L’église Saint-Martin rouvre après deux ans de travaux.\n\n"
     "Les églises de la région attendent elles aussi des travaux, et "
     "l’église voisine ferme."},
    {"velo", "Marseille en fête", NULL, "2023-07-14",
     "Les coureurs ont roulé à vélo sous la pluie jusqu’au port."},
};

static int setup(void **state)
{
    (void)state;
    return frs_test_tmpdb("query-cli", docs, sizeof docs / sizeof *docs,
                          &root, &db);
}

static int teardown(void **state)
{
    (void)state;
    return frs_test_tmpdb_free(&root, &db);
}

/* frs_query_main as the program prog, over the NULL-terminated arguments,
 * standard input holding input (may be NULL); out and err get what it
 * wrote. */
static int query_as(const char *prog, const char *input, ...)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = (char *)prog;
    va_list ap;
    va_start(ap, input);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && argc < 31)
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    int ex = frs_test_cli(frs_query_main, argv, input, out, sizeof out, err,
                          sizeof err);
    assert_int_not_equal(ex, -1);
    return ex;
}

#define query(...) query_as("query", __VA_ARGS__)

static unsigned count(const char *s, const char *what)
{
    unsigned n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

static void test_query_cli_help_and_version(void **state)
{
    (void)state;
    assert_int_equal(query_as("/usr/bin/frs-query", NULL, "--help", NULL),
                     QUERY_EXIT_OK);
    assert_non_null(strstr(out, "Usage: frs-query -d DBDIR"));
    assert_non_null(strstr(out, "\nQuery syntax:\n"));
    assert_non_null(strstr(out, "--no-suggest"));
    assert_non_null(strstr(out, "Exit status: 0 hits found"));
    assert_string_equal(err, "");
    assert_int_equal(query_as("./q", NULL, "--version", NULL),
                     QUERY_EXIT_OK);
    assert_string_equal(out, "q (frs) " FRS_VERSION_STRING "\n");
}

static void test_query_cli_usage_errors(void **state)
{
    (void)state;
    assert_int_equal(query_as("frs-query", NULL, "église", NULL),
                     QUERY_EXIT_USAGE);
    assert_string_equal(err, "frs-query: missing -d DBDIR\n"
                             "Try 'frs-query --help'.\n");
    assert_int_equal(query(NULL, "-d", db, NULL), QUERY_EXIT_USAGE);
    assert_non_null(strstr(err, "query: missing QUERY"));
    assert_int_equal(query(NULL, "-d", db, "--bogus", "x", NULL),
                     QUERY_EXIT_USAGE);
    assert_non_null(strstr(err, "query: unknown option '--bogus'"));
    assert_int_equal(query(NULL, "-d", NULL), QUERY_EXIT_USAGE);
    assert_non_null(strstr(err, "query: missing value for '-d'"));
    assert_int_equal(query(NULL, "-d", db, "-n", "x", "a", NULL),
                     QUERY_EXIT_USAGE);
    assert_non_null(strstr(err, "invalid value 'x' for --limit"));
    assert_int_equal(query(NULL, "-d", db, "--b", "2", "a", NULL),
                     QUERY_EXIT_USAGE);
    assert_non_null(strstr(err, "invalid value '2' for --b"));
    assert_int_equal(query(NULL, "-d", db, "--serve", "a", NULL),
                     QUERY_EXIT_USAGE);
    assert_int_equal(query(NULL, "-d", db, "--threads", "2", "a", NULL),
                     QUERY_EXIT_USAGE);
    assert_non_null(strstr(err, "go with --serve"));
    assert_int_equal(query(NULL, "-d", db, "--stats", "a", NULL),
                     QUERY_EXIT_USAGE);
    assert_int_equal(query(NULL, "-d", db, "--batch", "a", NULL),
                     QUERY_EXIT_USAGE);
    assert_int_equal(query(NULL, "-d", db, "--from", "2023-02-30", "a",
                           NULL), QUERY_EXIT_USAGE);
    assert_non_null(strstr(err, "2023-02-30: not a calendar date"));
    assert_string_equal(out, "");
}

static void test_query_cli_search(void **state)
{
    (void)state;
    assert_int_equal(query(NULL, "-d", db, "église", NULL), QUERY_EXIT_OK);
    assert_int_equal(count(out, "L’Église Saint-Martin rouvre"), 1);
    assert_non_null(strstr(out, "| + 1 autre passage\n"));
    assert_int_equal(query(NULL, "-d", db, "--passages", "église", NULL),
                     QUERY_EXIT_OK);
    assert_int_equal(count(out, "L’Église Saint-Martin rouvre"), 2);
    assert_int_equal(query(NULL, "-d", db, "zzzqqq", NULL),
                     QUERY_EXIT_NOHIT);
    assert_string_equal(out, "");
    assert_non_null(strstr(err, "query: no passage matches 'zzzqqq'"));
    /* -n 0: the number of matching articles, nothing else */
    assert_int_equal(query(NULL, "-d", db, "-n", "0", "église OR vélo",
                           NULL), QUERY_EXIT_OK);
    assert_string_equal(out, "2\n");
    assert_int_equal(query(NULL, "-d", db, "-n", "0", "zzzqqq", NULL),
                     QUERY_EXIT_NOHIT);
    assert_string_equal(out, "0\n");
}

static void test_query_cli_suggestion(void **state)
{
    (void)state;
    assert_int_equal(query(NULL, "-d", db, "eglize", NULL),
                     QUERY_EXIT_NOHIT);
    assert_non_null(strstr(err, "\nVouliez-vous dire : église ?\n"));
    assert_int_equal(query(NULL, "-d", db, "--no-suggest", "eglize", NULL),
                     QUERY_EXIT_NOHIT);
    assert_null(strstr(err, "Vouliez"));
    assert_int_equal(query(NULL, "-d", db, "--json", "eglize", NULL),
                     QUERY_EXIT_NOHIT);
    assert_non_null(strstr(out, "\"suggestion\": \"église\""));
    assert_int_equal(query(NULL, "-d", db, "--json", "église", NULL),
                     QUERY_EXIT_OK);
    assert_non_null(strstr(out, "\"suggestion\": null"));
    assert_non_null(strstr(out, "\"title_snippet\": \"L’<mark>Église"));
}

static void test_query_cli_batch(void **state)
{
    (void)state;
    assert_int_equal(query("q1\téglise\nbad line\nq2\tvélo\n", "-d", db,
                           "--batch", NULL), QUERY_EXIT_OK);
    assert_int_equal(count(out, "\n"), 2);
    assert_non_null(strstr(out, "q1 Q0 eglise 1 "));
    assert_non_null(strstr(out, "q2 Q0 velo 1 "));
    assert_non_null(strstr(err, "query: batch line 2: expected"));
    assert_int_equal(query("q1\téglise\n", "-d", db, "--batch", "--passages",
                           NULL), QUERY_EXIT_OK);
    assert_int_equal(count(out, "q1 Q0 eglise#"), 2);
    assert_int_equal(query("q1\téglise\n", "-d", db, "--batch", "--json",
                           NULL), QUERY_EXIT_OK);
    assert_non_null(strstr(out, "{\"qid\":\"q1\""));
}

static void test_query_cli_admin_and_failures(void **state)
{
    (void)state;
    assert_int_equal(query(NULL, "-d", db, "--stats", NULL), QUERY_EXIT_OK);
    assert_int_equal(query(NULL, "-d", db, "--check", NULL), QUERY_EXIT_OK);
    assert_non_null(strstr(out, ": ok: articles 2,"));
    char *missing = frs_test_join(root, "missing");
    assert_int_equal(query(NULL, "-d", missing, "église", NULL),
                     QUERY_EXIT_FAIL);
    assert_int_equal(query(NULL, "-d", missing, "--check", NULL),
                     QUERY_EXIT_FAIL);
    assert_int_equal(query(NULL, "-d", missing, "--stats", NULL),
                     QUERY_EXIT_FAIL);
    free(missing);
    /* another schema: exit 3, for a search and for --stats */
    frs_xdb_t *w;
    char *msg = NULL;
    assert_int_equal(frs_xdb_open(db, 0, &w, &msg), FRS_OK);
    assert_int_equal(frs_xdb_set_metadata(w, FRS_META_SCHEMA, "99"), FRS_OK);
    assert_int_equal(frs_xdb_commit(w), FRS_OK);
    frs_xdb_free(w);
    assert_int_equal(query(NULL, "-d", db, "église", NULL),
                     QUERY_EXIT_SCHEMA);
    assert_int_equal(query(NULL, "-d", db, "--stats", NULL),
                     QUERY_EXIT_SCHEMA);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_cli_help_and_version),
        cmocka_unit_test(test_query_cli_usage_errors),
        cmocka_unit_test(test_query_cli_search),
        cmocka_unit_test(test_query_cli_suggestion),
        cmocka_unit_test(test_query_cli_batch),
        /* last: it changes the database's schema */
        cmocka_unit_test(test_query_cli_admin_and_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
