/* SPDX-License-Identifier: MIT
 * test_summary.c: the end-of-run summary (summary.c) written to a real
 * stream and read back: JSON with the status, the error and the counts, for
 * an indexing run, a locked run and a compaction; the text line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "summary.h"

static json_t *as_json(const frs_summary_t *s)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(frs_summary_json(s, f), FRS_OK);
    rewind(f);
    json_error_t e;
    json_t *j = json_loadf(f, JSON_DISABLE_EOF_CHECK, &e);
    if (!j)
        fail_msg("not JSON: %s", e.text);
    int c = fgetc(f);
    assert_int_equal(c, '\n'); /* one line */
    assert_int_equal(fgetc(f), EOF);
    fclose(f);
    return j;
}

/* The text summary of s, one line into line. */
static void text_line(const frs_summary_t *s, char *line, int n)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(frs_summary_text(s, f), FRS_OK);
    rewind(f);
    assert_non_null(fgets(line, n, f));
    fclose(f);
}

static void test_summary_status_names(void **state)
{
    (void)state;
    assert_string_equal(frs_summary_status(0), "ok");
    assert_string_equal(frs_summary_status(1), "rejects");
    assert_string_equal(frs_summary_status(2), "usage");
    assert_string_equal(frs_summary_status(3), "schema");
    assert_string_equal(frs_summary_status(4), "failed");
    assert_string_equal(frs_summary_status(5), "locked");
    assert_string_equal(frs_summary_status(99), "failed");
}

static void test_summary_json_of_a_failed_run(void **state)
{
    (void)state;
    frs_summary_t s;
    memset(&s, 0, sizeof s);
    s.database = "/srv/idx";
    s.mode = "index";
    s.exit_code = 4;
    s.error = "cannot store a passage: No space left on device";
    s.prune = "refused";
    s.counts.added = 3;
    s.feed.rejected = 2;
    s.feed.duplicates = 1;
    s.feed.skipped = 4;
    s.feed.failed_inputs = 1;
    s.index_bytes = 12345;
    json_t *j = as_json(&s);
    assert_string_equal(json_string_value(json_object_get(j, "status")),
                        "failed");
    assert_int_equal(json_integer_value(json_object_get(j, "exit_code")), 4);
    assert_non_null(strstr(json_string_value(json_object_get(j, "error")),
                           "No space left on device"));
    assert_string_equal(json_string_value(json_object_get(j, "prune")),
                        "refused");
    assert_int_equal(json_integer_value(json_object_get(j, "added")), 3);
    assert_int_equal(json_integer_value(json_object_get(j, "rejected")), 2);
    assert_int_equal(json_integer_value(json_object_get(j, "duplicates")), 1);
    assert_int_equal(json_integer_value(json_object_get(j, "skipped_files")),
                     4);
    assert_int_equal(json_integer_value(json_object_get(j, "failed_inputs")),
                     1);
    assert_int_equal(json_integer_value(json_object_get(j, "index_bytes")),
                     12345);
    assert_null(json_object_get(j, "shards"));
    json_decref(j);
}

static void test_summary_json_of_ok_and_compact_runs(void **state)
{
    (void)state;
    frs_summary_t s;
    memset(&s, 0, sizeof s);
    s.database = "db";
    s.mode = "index";
    json_t *j = as_json(&s);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "ok");
    assert_null(json_object_get(j, "error"));
    assert_null(json_object_get(j, "prune")); /* not asked */
    json_decref(j);
    s.mode = "compact";
    s.exit_code = 5;
    s.error = "db is being written by another indexer";
    s.bytes_before = 900;
    j = as_json(&s);
    assert_string_equal(json_string_value(json_object_get(j, "status")),
                        "locked");
    assert_string_equal(json_string_value(json_object_get(j, "mode")),
                        "compact");
    assert_int_equal(json_integer_value(json_object_get(j, "bytes_before")),
                     900);
    assert_null(json_object_get(j, "added"));
    json_decref(j);
}

/* --auto-compact: an object with its status and the sizes, only when the
 * run considered it; the text line says a compaction done. */
static void test_summary_auto_compact(void **state)
{
    (void)state;
    frs_summary_t s = {.database = "db", .mode = "index",
                       .index_bytes = 1000000};
    json_t *j = as_json(&s);
    assert_null(json_object_get(j, "auto_compact")); /* not considered */
    json_decref(j);
    s.auto_compact = "done";
    s.auto_bytes = 3000000;
    s.auto_limit = 2000000;
    j = as_json(&s);
    json_t *a = json_object_get(j, "auto_compact");
    assert_non_null(a);
    assert_string_equal(json_string_value(json_object_get(a, "status")),
                        "done");
    assert_int_equal(json_integer_value(json_object_get(a, "bytes")),
                     3000000);
    assert_int_equal(json_integer_value(json_object_get(a, "limit_bytes")),
                     2000000);
    assert_int_equal(json_integer_value(json_object_get(j, "index_bytes")),
                     1000000);
    json_decref(j);
    char line[512];
    text_line(&s, line, sizeof line);
    assert_non_null(strstr(line, "index 1.0 MB, auto-compacted from 3.0 MB\n"));
    s.auto_compact = "off";
    s.auto_bytes = s.auto_limit = 0;
    j = as_json(&s);
    a = json_object_get(j, "auto_compact");
    assert_string_equal(json_string_value(json_object_get(a, "status")), "off");
    assert_null(json_object_get(a, "bytes"));
    json_decref(j);
}

static void test_summary_text_line(void **state)
{
    (void)state;
    frs_summary_t s;
    memset(&s, 0, sizeof s);
    s.database = "db";
    s.mode = "index";
    s.counts.added = 2;
    s.counts.unchanged = 63;
    s.feed.duplicates = 1;
    s.prune = "skipped";
    s.exit_code = 4;
    s.error = "feed.jsonl: cannot open: Permission denied";
    char line[512];
    text_line(&s, line, sizeof line);
    assert_true(strncmp(line, "added 2, updated 0, unchanged 63, deleted 0,",
                        44) == 0);
    assert_non_null(strstr(line, ", duplicates 1"));
    assert_non_null(strstr(line, ", prune skipped"));
    assert_non_null(strstr(line, "; failed (exit 4): feed.jsonl: cannot open: "
                                 "Permission denied\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_status_names),
        cmocka_unit_test(test_summary_json_of_a_failed_run),
        cmocka_unit_test(test_summary_json_of_ok_and_compact_runs),
        cmocka_unit_test(test_summary_text_line),
        cmocka_unit_test(test_summary_auto_compact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
