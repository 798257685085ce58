/* SPDX-License-Identifier: MIT
 * test_ingest.c: JSON Lines and text readers: good articles, every class of
 * bad input, directories; inputs in their real shapes (byte order mark,
 * gzip, names in capitals, a file cut while written); inputs that cannot
 * be read (errors) and directory entries skipped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "fixture.h"
#include "ingest.h"

typedef struct {
    int articles, warnings, rejects, errors, skips, rejects_without_id;
    char id[256], title[256], body[256], date[16], url[64];
    char reason[512], source[256];
    unsigned long line;
} rec_t;

static frs_status_t on_article(void *ctx, const frs_article_t *a)
{
    rec_t *r = ctx;
    r->articles++;
    snprintf(r->id, sizeof r->id, "%s", a->id);
    snprintf(r->title, sizeof r->title, "%s", a->title ? a->title : "(null)");
    snprintf(r->body, sizeof r->body, "%s", a->body);
    snprintf(r->date, sizeof r->date, "%s", a->date ? a->date : "(null)");
    snprintf(r->url, sizeof r->url, "%s", a->url ? a->url : "(null)");
    assert_int_equal(strlen(a->body), a->body_len);
    return FRS_OK;
}

static void on_report(void *ctx, frs_report_kind_t kind, const char *source,
                      unsigned long line, const char *id, const char *reason)
{
    rec_t *r = ctx;
    if (kind == FRS_REPORT_REJECT) {
        r->rejects++;
        r->rejects_without_id += id == NULL;
    } else if (kind == FRS_REPORT_ERROR) {
        r->errors++;
    } else if (kind == FRS_REPORT_SKIP) {
        r->skips++;
    } else {
        r->warnings++;
    }
    snprintf(r->reason, sizeof r->reason, "%s", reason);
    snprintf(r->source, sizeof r->source, "%s", source);
    r->line = line;
}

static frs_ingest_t reader(rec_t *r)
{
    memset(r, 0, sizeof *r);
    frs_ingest_t in = {on_article, on_report, r, 1000, NULL};
    return in;
}

static void line(const frs_ingest_t *in, const char *s)
{
    assert_int_equal(frs_ingest_jsonl_line(in, "f.jsonl", 7, s, strlen(s)),
                     FRS_OK);
}

static void test_ingest_jsonl_good_article(void **state)
{
    (void)state;
    rec_t r;
    frs_ingest_t in = reader(&r);
    line(&in, "{\"id\":\"a1\",\"title\":\"T\",\"body\":\"Corps.\","
              "\"url\":\"https://x\",\"date\":\"2024-02-29\",\"extra\":[1]}");
    assert_int_equal(r.articles, 1);
    assert_int_equal(r.rejects + r.warnings, 0);
    assert_string_equal(r.id, "a1");
    assert_string_equal(r.title, "T");
    assert_string_equal(r.date, "2024-02-29");
    assert_string_equal(r.url, "https://x");
}

static void test_ingest_jsonl_numeric_id(void **state)
{
    (void)state;
    rec_t r;
    frs_ingest_t in = reader(&r);
    line(&in, "{\"id\":42,\"body\":\"x\"}");
    assert_int_equal(r.articles, 1);
    assert_string_equal(r.id, "42");
    assert_string_equal(r.title, "(null)");
}

static void test_ingest_jsonl_rejects(void **state)
{
    (void)state;
    static const struct { const char *line, *reason; } cases[] = {
        {"{\"id\":\"a\",\"body\":", "invalid JSON"},
        {"[1,2]", "not a JSON object"},
        {"{\"body\":\"x\"}", "missing \"id\""},
        {"{\"id\":[1],\"body\":\"x\"}", "\"id\" is neither a string nor an integer"},
        {"{\"id\":1.5,\"body\":\"x\"}", "\"id\" is neither a string nor an integer"},
        {"{\"id\":\"\",\"body\":\"x\"}", "empty \"id\""},
        {"{\"id\":\"a\"}", "missing \"body\""},
        {"{\"id\":\"a\",\"body\":\"  \\n\\n \"}", "empty body"},
        {"{\"id\":\"a\",\"body\":\"x\\u0000y\"}", "invalid JSON"},
        {"{\"id\":\"a\\nb\",\"body\":\"x\"}", "control character"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rec_t r;
        frs_ingest_t in = reader(&r);
        line(&in, cases[i].line);
        assert_int_equal(r.articles, 0);
        assert_int_equal(r.rejects, 1);
        assert_int_equal(r.line, 7);
        assert_string_equal(r.source, "f.jsonl");
        if (!strstr(r.reason, cases[i].reason))
            fail_msg("case %zu: '%s' lacks '%s'", i, r.reason, cases[i].reason);
    }
}

static void test_ingest_jsonl_nul_byte_rejected(void **state)
{
    (void)state;
    rec_t r;
    frs_ingest_t in = reader(&r);
    const char s[] = "{\"id\":\"a\",\"body\":\"x\0y\"}";
    frs_ingest_jsonl_line(&in, "f", 1, s, sizeof s - 1);
    assert_int_equal(r.rejects, 1);
    assert_non_null(strstr(r.reason, "NUL byte at column 20"));
}

static void test_ingest_jsonl_invalid_utf8_replaced_with_warning(void **state)
{
    (void)state;
    rec_t r;
    frs_ingest_t in = reader(&r);
    line(&in, "{\"id\":\"a\",\"body\":\"caf\xe9 cr\xc3\xa8me\"}");
    assert_int_equal(r.articles, 1);
    assert_int_equal(r.warnings, 1);
    assert_non_null(strstr(r.reason, "invalid UTF-8"));
    assert_string_equal(r.body, "caf\xef\xbf\xbd cr\xc3\xa8me");
}

static void test_ingest_jsonl_bad_optional_fields_warn(void **state)
{
    (void)state;
    rec_t r;
    frs_ingest_t in = reader(&r);
    line(&in, "{\"id\":\"a\",\"body\":\"x\",\"date\":\"14 juillet\",\"title\":3}");
    assert_int_equal(r.articles, 1);
    assert_int_equal(r.warnings, 2);
    assert_string_equal(r.date, "(null)");
    assert_string_equal(r.title, "(null)");
}

static void test_ingest_jsonl_date_must_exist(void **state)
{
    (void)state;
    rec_t r;
    frs_ingest_t in = reader(&r);
    const char *bad[] = {"2023-02-30", "2023-13-01", "2023-04-31",
                         "2100-02-29", "2023-02-30T10:00:00Z"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char l[200];
        snprintf(l, sizeof l, "{\"id\":\"a\",\"body\":\"x\",\"date\":\"%s\"}",
                 bad[i]);
        line(&in, l);
        assert_int_equal(r.articles, (int)i + 1);
        assert_int_equal(r.warnings, (int)i + 1);
        assert_string_equal(r.date, "(null)");
        assert_non_null(strstr(r.reason, bad[i]));
        assert_non_null(strstr(r.reason, "calendar date"));
    }
    line(&in, "{\"id\":\"b\",\"body\":\"x\",\"date\":\"2024-02-29T23:59\"}");
    assert_memory_equal(r.date, "2024-02-29T", 11);
    assert_int_equal(r.warnings, 5);
}

static void test_ingest_text_title_and_body(void **state)
{
    (void)state;
    rec_t r;
    frs_ingest_t in = reader(&r);
    const char *t = "\n\n  Le titre  \n\nPremier paragraphe.\n\nSecond.\n";
    assert_int_equal(frs_ingest_text(&in, "d/x.txt", "x.txt", t, strlen(t)),
                     FRS_OK);
    assert_int_equal(r.articles, 1);
    assert_string_equal(r.title, "Le titre");
    assert_string_equal(r.body, "\nPremier paragraphe.\n\nSecond.\n");
    assert_string_equal(r.id, "x.txt");
}

static void test_ingest_text_binary_and_empty_rejected(void **state)
{
    (void)state;
    rec_t r;
    frs_ingest_t in = reader(&r);
    const char bin[] = "titre\nab\0cd";
    frs_ingest_text(&in, "b.txt", "b.txt", bin, sizeof bin - 1);
    assert_int_equal(r.rejects, 1);
    assert_non_null(strstr(r.reason, "binary file"));
    frs_ingest_text(&in, "e.txt", "e.txt", "Titre seul\n", 11);
    assert_int_equal(r.rejects, 2);
    assert_non_null(strstr(r.reason, "empty body"));
    assert_int_equal(r.articles, 0);
}

static void test_ingest_text_latin1_rejected_utf8_damage_warned(void **state)
{
    (void)state;
    rec_t r;
    frs_ingest_t in = reader(&r);
    const char *l1 = "Le caf\xe9\n\nIl est tr\xe8s bon, l'\xe9t\xe9.\n";
    frs_ingest_text(&in, "d/l1.txt", "l1.txt", l1, strlen(l1));
    assert_int_equal(r.articles, 0);
    assert_int_equal(r.rejects, 1);
    assert_string_equal(r.source, "d/l1.txt");
    assert_non_null(strstr(r.reason, "not UTF-8: it reads as Latin-1"));
    assert_non_null(strstr(r.reason, "iconv -f latin1 -t utf-8 'd/l1.txt' > "
                                     "'d/l1.txt.utf8'"));
    const char *cp = "L\x92\xe9t\xe9\n\nUn c\x9cur tr\xe8s l\xe9ger.\n";
    frs_ingest_text(&in, "cp.txt", "cp.txt", cp, strlen(cp));
    assert_int_equal(r.rejects, 2);
    assert_non_null(strstr(r.reason, "iconv -f windows-1252 -t utf-8"));
    /* UTF-8 with a damaged byte: indexed, with the count */
    const char *d = "L’été\n\nUne œuvre née à Noël, ou pr\xe8s.\n";
    frs_ingest_text(&in, "d.txt", "d.txt", d, strlen(d));
    assert_int_equal(r.articles, 1);
    assert_int_equal(r.warnings, 1);
    assert_non_null(strstr(r.reason, "1 byte sequence replaced by U+FFFD"));
    assert_non_null(strstr(r.body, "pr\xef\xbf\xbd"));
}

static void test_ingest_text_lines_made_paragraphs(void **state)
{
    (void)state;
    rec_t r;
    frs_ingest_t in = reader(&r);
    /* Windows line endings, a BOM, one paragraph per line */
    const char *t = "\xef\xbb\xbfLe titre\r\nUn intertitre\r\n"
                    "Premier paragraphe.\r\nSecond paragraphe.\r\n";
    assert_int_equal(frs_ingest_text(&in, "w.txt", "w.txt", t, strlen(t)),
                     FRS_OK);
    assert_int_equal(r.articles, 1);
    assert_string_equal(r.title, "Le titre");
    assert_string_equal(r.body, "Un intertitre\n\nPremier paragraphe.\n\n"
                                "Second paragraphe.\n");
}

static void write_file(const char *path, const char *s, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(s, 1, n, f), n);
    fclose(f);
}

static void test_ingest_directory_and_long_lines(void **state)
{
    (void)state;
    char *dir = frs_test_tmpdir("ingest");
    assert_non_null(dir);
    char p[512];
    snprintf(p, sizeof p, "%s/sub", dir);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof p, "%s/sub/b.txt", dir);
    write_file(p, "Titre\n\nCorps du texte.\n", 22);
    snprintf(p, sizeof p, "%s/a.jsonl", dir);
    /* line 1 good, line 2 too long (limit 1000), line 3 good */
    char big[3000];
    memset(big, 'x', sizeof big);
    FILE *f = fopen(p, "wb");
    fprintf(f, "{\"id\":\"j1\",\"body\":\"un\"}\n");
    fprintf(f, "{\"id\":\"j2\",\"body\":\"%.*s\"}\n", (int)sizeof big, big);
    fprintf(f, "\n{\"id\":\"j3\",\"body\":\"trois\"}");
    fclose(f);
    snprintf(p, sizeof p, "%s/notes.md", dir);
    write_file(p, "ignored", 7);
    rec_t r;
    frs_ingest_t in = reader(&r);
    assert_int_equal(frs_ingest_path(&in, dir), FRS_OK);
    assert_int_equal(r.articles, 3); /* j1, j3, sub/b.txt */
    assert_int_equal(r.rejects, 1);
    assert_string_equal(r.id, "sub/b.txt");
    assert_int_equal(r.skips, 1); /* notes.md: reported, not read */
    assert_int_equal(r.errors, 0);
    /* the missing file: an error, not a reject */
    snprintf(p, sizeof p, "%s/none.jsonl", dir);
    assert_int_equal(frs_ingest_path(&in, p), FRS_OK);
    assert_int_equal(r.rejects, 1);
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.reason, "cannot open: No such file"));
    assert_int_equal(frs_test_rmtree(dir), 0);
    free(dir);
}

/* A scratch directory, removed (and freed) by rm_dir. */
static char *scratch(void)
{
    char *dir = frs_test_tmpdir("ingest");
    assert_non_null(dir);
    return dir;
}

static void rm_dir(char *dir)
{
    assert_int_equal(frs_test_rmtree(dir), 0);
    free(dir);
}

static void write_gz(const char *path, const char *s, size_t n)
{
    gzFile g = gzopen(path, "wb");
    assert_non_null(g);
    assert_int_equal(gzwrite(g, s, (unsigned)n), (int)n);
    assert_int_equal(gzclose(g), Z_OK);
}

static void test_ingest_byte_order_mark_dropped(void **state)
{
    (void)state;
    char *dir = scratch(), p[96];
    snprintf(p, sizeof p, "%s/bom.jsonl", dir);
    const char j[] = "\xef\xbb\xbf{\"id\":\"b1\",\"body\":\"Un.\"}\n"
                     "{\"id\":\"b2\",\"body\":\"Deux.\"}\n";
    write_file(p, j, sizeof j - 1);
    rec_t r;
    frs_ingest_t in = reader(&r);
    assert_int_equal(frs_ingest_path(&in, p), FRS_OK);
    assert_int_equal(r.articles, 2);
    assert_int_equal(r.rejects + r.warnings + r.errors, 0);
    /* in a text file, the mark is not part of the title */
    const char t[] = "\xef\xbb\xbfLe titre\n\nLe corps.\n";
    assert_int_equal(frs_ingest_text(&in, "t.txt", "t.txt", t, sizeof t - 1),
                     FRS_OK);
    assert_string_equal(r.title, "Le titre");
    /* only at the start: elsewhere it is text (U+FEFF), left alone */
    line(&in, "{\"id\":\"b3\",\"body\":\"x\xef\xbb\xbfy\"}");
    assert_string_equal(r.body, "x\xef\xbb\xbfy");
    rm_dir(dir);
}

static void test_ingest_gzip_and_capital_extensions(void **state)
{
    (void)state;
    char *dir = scratch(), p[96];
    const char j[] = "{\"id\":\"g1\",\"body\":\"Un.\"}\n"
                     "{\"id\":\"g2\",\"body\":\"Deux.\"}\n";
    snprintf(p, sizeof p, "%s/a.jsonl.gz", dir);
    write_gz(p, j, sizeof j - 1);
    snprintf(p, sizeof p, "%s/B.JSONL", dir);
    write_file(p, j, sizeof j - 1);
    snprintf(p, sizeof p, "%s/c.NDJSON.GZ", dir);
    write_gz(p, j, sizeof j - 1);
    snprintf(p, sizeof p, "%s/D.Txt", dir);
    write_file(p, "T\n\nCorps.\n", 10);
    rec_t r;
    frs_ingest_t in = reader(&r);
    assert_int_equal(frs_ingest_path(&in, dir), FRS_OK);
    assert_int_equal(r.articles, 7);
    assert_int_equal(r.rejects + r.errors + r.skips, 0);
    rm_dir(dir);
}

static void test_ingest_damaged_gzip_is_a_reject_without_id(void **state)
{
    (void)state;
    char *dir = scratch(), p[96];
    /* 200 lines, compressed, then cut to half its size */
    char j[200 * 64];
    size_t n = 0;
    for (int i = 0; i < 200; i++)
        n += (size_t)snprintf(j + n, sizeof j - n,
                              "{\"id\":\"z%d\",\"body\":\"Texte %d.\"}\n", i,
                              i * 7919);
    snprintf(p, sizeof p, "%s/cut.jsonl.gz", dir);
    write_gz(p, j, n);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(truncate(p, st.st_size / 2), 0);
    rec_t r;
    frs_ingest_t in = reader(&r);
    assert_int_equal(frs_ingest_path(&in, p), FRS_OK);
    assert_true(r.articles > 0 && r.articles < 200);
    assert_int_equal(r.rejects, 1); /* the cut: once, not as bad JSON */
    assert_int_equal(r.rejects_without_id, 1);
    assert_int_equal(r.errors, 0);
    assert_non_null(strstr(r.reason, "truncated gzip data"));
    assert_string_equal(r.source, p);
    assert_int_equal(r.line, (unsigned long)r.articles + 1);
    /* garbage after a gzip header: corrupt */
    snprintf(p, sizeof p, "%s/bad.jsonl.gz", dir);
    write_file(p, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage!", 18);
    rec_t r2;
    frs_ingest_t in2 = reader(&r2);
    assert_int_equal(frs_ingest_path(&in2, p), FRS_OK);
    assert_int_equal(r2.articles, 0);
    assert_int_equal(r2.rejects_without_id, 1);
    assert_non_null(strstr(r2.reason, "gzip data"));
    rm_dir(dir);
}

static void test_ingest_cut_last_line_says_so(void **state)
{
    (void)state;
    char *dir = scratch(), p[96];
    snprintf(p, sizeof p, "%s/cut.jsonl", dir);
    const char j[] = "{\"id\":\"c1\",\"body\":\"Un.\"}\n{\"id\":\"c2\",\"bo";
    write_file(p, j, sizeof j - 1);
    rec_t r;
    frs_ingest_t in = reader(&r);
    assert_int_equal(frs_ingest_path(&in, p), FRS_OK);
    assert_int_equal(r.articles, 1);
    assert_int_equal(r.rejects_without_id, 1);
    assert_int_equal(r.line, 2);
    assert_non_null(strstr(r.reason, "invalid JSON"));
    assert_non_null(strstr(r.reason, "cut while being written"));
    rm_dir(dir);
}

static void test_ingest_unreadable_inputs_are_errors(void **state)
{
    (void)state;
    char *dir = scratch(), p[96];
    rec_t r;
    frs_ingest_t in = reader(&r);
    /* an empty directory, or one with no file of a known type */
    assert_int_equal(frs_ingest_path(&in, dir), FRS_OK);
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.reason, "no .jsonl"));
    snprintf(p, sizeof p, "%s/feed.csv", dir);
    write_file(p, "a,b\n", 4);
    snprintf(p, sizeof p, "%s/.hidden.jsonl", dir);
    write_file(p, "{}\n", 3);
    assert_int_equal(frs_ingest_path(&in, dir), FRS_OK);
    assert_int_equal(r.errors, 2);
    assert_int_equal(r.skips, 2);
    /* a file of an unknown type, named */
    snprintf(p, sizeof p, "%s/feed.csv", dir);
    assert_int_equal(frs_ingest_path(&in, p), FRS_OK);
    assert_int_equal(r.errors, 3);
    assert_non_null(strstr(r.reason, "unknown file type"));
    /* a read error (EIO) */
    snprintf(p, sizeof p, "%s/mem.jsonl", dir);
    assert_int_equal(symlink("/proc/self/mem", p), 0);
    assert_int_equal(frs_ingest_path(&in, p), FRS_OK);
    assert_int_equal(r.errors, 4);
    assert_non_null(strstr(r.reason, "read error: Input/output error"));
    assert_int_equal(r.articles + r.rejects, 0);
    rm_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ingest_jsonl_good_article),
        cmocka_unit_test(test_ingest_jsonl_numeric_id),
        cmocka_unit_test(test_ingest_jsonl_rejects),
        cmocka_unit_test(test_ingest_jsonl_nul_byte_rejected),
        cmocka_unit_test(test_ingest_jsonl_invalid_utf8_replaced_with_warning),
        cmocka_unit_test(test_ingest_jsonl_bad_optional_fields_warn),
        cmocka_unit_test(test_ingest_jsonl_date_must_exist),
        cmocka_unit_test(test_ingest_text_title_and_body),
        cmocka_unit_test(test_ingest_text_binary_and_empty_rejected),
        cmocka_unit_test(test_ingest_text_latin1_rejected_utf8_damage_warned),
        cmocka_unit_test(test_ingest_text_lines_made_paragraphs),
        cmocka_unit_test(test_ingest_directory_and_long_lines),
        cmocka_unit_test(test_ingest_byte_order_mark_dropped),
        cmocka_unit_test(test_ingest_gzip_and_capital_extensions),
        cmocka_unit_test(test_ingest_damaged_gzip_is_a_reject_without_id),
        cmocka_unit_test(test_ingest_cut_last_line_says_so),
        cmocka_unit_test(test_ingest_unreadable_inputs_are_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
