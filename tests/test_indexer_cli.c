/* SPDX-License-Identifier: MIT
 * test_indexer_cli.c: the indexer's command line (frs_indexer_main) driven
 * with tmpfile() streams over real databases: --help and --version on
 * stdout, usage errors, silence on success, one line per rejected input,
 * the summary, and every exit code of exitcodes.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../indexer/cli.h"
#include "../indexer/exitcodes.h"
#include "fixture.h"
#include "layout.h"
#include "schema.h"
#include "xdb.h"

static char *root, *db;
static char out[16384], err[16384]; /* what the last call wrote */

static int setup(void **state)
{
    (void)state;
    if (!(root = frs_test_tmpdir("indexer-cli")))
        return -1;
    db = frs_test_join(root, "db");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return frs_test_tmpdb_free(&root, &db);
}

static void slurp(FILE *f, char *buf, size_t n)
{
    rewind(f);
    size_t got = fread(buf, 1, n - 1, f);
    buf[got] = '\0';
    fclose(f);
}

/* frs_indexer_main over the NULL-terminated arguments, standard input
 * holding input (may be NULL); out and err get what it wrote. */
static int indexer(const char *input, ...)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = (char *)"indexer";
    va_list ap;
    va_start(ap, input);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && argc < 31)
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    FILE *in = tmpfile(), *o = tmpfile(), *e = tmpfile();
    assert_non_null(in);
    assert_non_null(o);
    assert_non_null(e);
    if (input)
        fputs(input, in);
    rewind(in);
    int ex = frs_indexer_main(argc, argv, in, o, e);
    fclose(in);
    slurp(o, out, sizeof out);
    slurp(e, err, sizeof err);
    return ex;
}

static unsigned lines(const char *s)
{
    unsigned n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* root/name with text; a malloc'd path. */
static char *file(const char *name, const char *text)
{
    char *p = frs_test_join(root, name);
    assert_int_equal(frs_test_write(p, text), 0);
    return p;
}

static const char *two =
    "{\"id\":\"a\",\"title\":\"Un\",\"body\":\"Le conseil municipal a voté le "
    "budget de la commune.\"}\n"
    "{\"id\":\"b\",\"title\":\"Deux\",\"body\":\"La piste cyclable ouvre "
    "enfin au bord du canal.\"}\n";

static void test_indexer_cli_help_and_version(void **state)
{
    (void)state;
    assert_int_equal(indexer(NULL, "--help", NULL), INDEXER_EXIT_OK);
    assert_non_null(strstr(out, "Usage: indexer -d DBDIR"));
    assert_non_null(strstr(out, "Exit status"));
    assert_string_equal(err, "");
    assert_int_equal(indexer(NULL, "--version", NULL), INDEXER_EXIT_OK);
    assert_non_null(strstr(out, "indexer (frs) " FRS_VERSION_STRING));
}

static void test_indexer_cli_usage_errors(void **state)
{
    (void)state;
    assert_int_equal(indexer(NULL, NULL), INDEXER_EXIT_USAGE);
    assert_string_equal(err, "indexer: missing -d DBDIR\n"
                             "Try 'indexer --help'.\n");
    assert_int_equal(indexer(NULL, "-d", db, "--bogus", "x.jsonl", NULL),
                     INDEXER_EXIT_USAGE);
    assert_non_null(strstr(err, "unrecognized option '--bogus'"));
    assert_int_equal(indexer(NULL, "-d", db, "--batch", "many", "x", NULL),
                     INDEXER_EXIT_USAGE);
    assert_non_null(strstr(err, "invalid number 'many' for --batch"));
    /* the summary is written even so, status "usage" */
    assert_int_equal(indexer(NULL, "-d", db, "--json-summary", NULL),
                     INDEXER_EXIT_USAGE);
    assert_non_null(strstr(out, "\"status\":\"usage\""));
    assert_non_null(strstr(out, "nothing to do"));
}

static void test_indexer_cli_quiet_then_rejects(void **state)
{
    (void)state;
    char *in = file("two.jsonl", two);
    assert_int_equal(indexer(NULL, "-d", db, in, NULL), INDEXER_EXIT_OK);
    assert_string_equal(out, "");
    assert_string_equal(err, "");
    char *bad = file("bad.jsonl", "{\"id\":\"c\",\"body\":\"\"}\n");
    assert_int_equal(indexer(NULL, "-d", db, "--summary", in, bad, NULL),
                     INDEXER_EXIT_REJECTS);
    assert_int_equal(lines(err), 1);
    assert_non_null(strstr(err, "indexer: rejected: "));
    assert_non_null(strstr(err, "bad.jsonl:1: article 'c'"));
    assert_non_null(strstr(out, "unchanged 2"));
    free(bad);
    free(in);
}

static void test_indexer_cli_delete_from_stdin(void **state)
{
    (void)state;
    char *in = file("two.jsonl", two);
    assert_int_equal(indexer(NULL, "-d", db, in, NULL), INDEXER_EXIT_OK);
    assert_int_equal(indexer("a\n", "-d", db, "--delete-from", "-",
                             "--json-summary", NULL),
                     INDEXER_EXIT_OK);
    assert_non_null(strstr(out, "\"deleted\":1"));
    free(in);
}

static void test_indexer_cli_failure_exit_codes(void **state)
{
    (void)state;
    char *in = file("two.jsonl", two);
    char *none = frs_test_join(root, "none.jsonl");
    assert_int_equal(indexer(NULL, "-d", db, in, NULL), INDEXER_EXIT_OK);
    /* an input that cannot be read: 4, the others indexed */
    assert_int_equal(indexer(NULL, "-d", db, none, NULL), INDEXER_EXIT_FAIL);
    assert_non_null(strstr(err, "indexer: error: "));
    assert_non_null(strstr(err, "none.jsonl: cannot open"));
    /* locked by another indexer: 5, whatever the kind of run */
    frs_layout_lock_t *l = NULL;
    char *msg = NULL;
    assert_int_equal(frs_layout_lock(db, 0, &l, &msg), FRS_OK);
    assert_int_equal(indexer(NULL, "-d", db, "--json-summary", in, NULL),
                     INDEXER_EXIT_BUSY);
    assert_non_null(strstr(out, "\"status\":\"locked\""));
    assert_int_equal(indexer(NULL, "-d", db, "--compact", NULL),
                     INDEXER_EXIT_BUSY);
    frs_layout_unlock(l);
    /* another schema: 3, and the command that rebuilds it */
    frs_xdb_t *w = NULL;
    assert_int_equal(frs_xdb_open(db, 0, &w, &msg), FRS_OK);
    assert_int_equal(frs_xdb_set_metadata(w, FRS_META_SCHEMA, "99"), FRS_OK);
    assert_int_equal(frs_xdb_commit(w), FRS_OK);
    frs_xdb_free(w);
    assert_int_equal(indexer(NULL, "-d", db, in, NULL), INDEXER_EXIT_SCHEMA);
    assert_non_null(strstr(err, "--rebuild"));
    free(none);
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_indexer_cli_help_and_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indexer_cli_usage_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indexer_cli_quiet_then_rejects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indexer_cli_delete_from_stdin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indexer_cli_failure_exit_codes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
