/* SPDX-License-Identifier: MIT
 * test_passage.c: passage splitting: paragraphs, merging, splitting, overlap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "passage.h"

static unsigned words(const char *t, frs_span_t s)
{
    unsigned n = 0;
    int in = 0;
    for (size_t i = s.start; i < s.end; i++) {
        int sp = t[i] == ' ' || t[i] == '\n';
        if (!sp && !in)
            n++;
        in = !sp;
    }
    return n;
}

/* n words "mot" numbered, ending with a period every 10 words. */
static void para(frs_buf_t *b, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        frs_buf_printf(b, "%smot%u%s", i ? " " : "", i, i % 10 == 9 ? "." : "");
}

static void test_passage_paragraphs_kept_when_long_enough(void **state)
{
    (void)state;
    frs_buf_t b = FRS_BUF_INIT;
    para(&b, 30);
    frs_buf_puts(&b, "\n\n");
    para(&b, 30);
    frs_passage_opts_t o = {20, 100, 0};
    frs_span_t *s;
    size_t n;
    assert_int_equal(frs_passage_split(b.data, b.len, &o, &s, &n), FRS_OK);
    assert_int_equal(n, 2);
    assert_int_equal(words(b.data, s[0]), 30);
    assert_int_equal(words(b.data, s[1]), 30);
    assert_int_equal(s[0].start, 0);
    assert_int_equal(b.data[s[1].start], 'm');
    free(s);
    frs_buf_free(&b);
}

static void test_passage_short_paragraphs_merged(void **state)
{
    (void)state;
    const char *t = "Titre court.\n\nUn deux trois.\n\n  \nQuatre cinq six sept.";
    frs_passage_opts_t o = {10, 100, 0};
    frs_span_t *s;
    size_t n;
    assert_int_equal(frs_passage_split(t, strlen(t), &o, &s, &n), FRS_OK);
    assert_int_equal(n, 1);
    assert_int_equal(words(t, s[0]), 9);
    assert_int_equal(s[0].end, strlen(t));
    free(s);
}

static void test_passage_long_paragraph_split_at_sentences(void **state)
{
    (void)state;
    frs_buf_t b = FRS_BUF_INIT;
    para(&b, 95);
    frs_passage_opts_t o = {10, 25, 0};
    frs_span_t *s;
    size_t n;
    assert_int_equal(frs_passage_split(b.data, b.len, &o, &s, &n), FRS_OK);
    assert_true(n >= 4);
    unsigned total = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned w = words(b.data, s[i]);
        assert_true(w <= 25);
        total += w;
        /* cut after a sentence end except possibly the last */
        if (i + 1 < n)
            assert_int_equal(b.data[s[i].end - 1], '.');
    }
    assert_int_equal(total, 95);
    free(s);
    frs_buf_free(&b);
}

static void test_passage_endless_sentence_split_between_words(void **state)
{
    (void)state;
    frs_buf_t b = FRS_BUF_INIT;
    for (int i = 0; i < 50; i++)
        frs_buf_puts(&b, "mot ");
    frs_passage_opts_t o = {5, 20, 0};
    frs_span_t *s;
    size_t n;
    assert_int_equal(frs_passage_split(b.data, b.len, &o, &s, &n), FRS_OK);
    assert_int_equal(n, 3);
    assert_int_equal(words(b.data, s[0]), 20);
    assert_int_equal(words(b.data, s[2]), 10);
    free(s);
    frs_buf_free(&b);
}

static void test_passage_overlap_starts_earlier(void **state)
{
    (void)state;
    frs_buf_t b = FRS_BUF_INIT;
    para(&b, 40);
    frs_buf_puts(&b, "\n\n");
    para(&b, 40);
    frs_passage_opts_t o = {20, 50, 5};
    frs_span_t *s;
    size_t n;
    assert_int_equal(frs_passage_split(b.data, b.len, &o, &s, &n), FRS_OK);
    assert_int_equal(n, 2);
    assert_int_equal(words(b.data, s[1]), 45);
    assert_memory_equal(b.data + s[1].start, "mot35", 5);
    free(s);
    frs_buf_free(&b);
}

static void test_passage_empty_and_invalid(void **state)
{
    (void)state;
    frs_span_t *s = (frs_span_t *)1;
    size_t n = 7;
    assert_int_equal(frs_passage_split("  \n\n \n", 6, NULL, &s, &n), FRS_OK);
    assert_int_equal(n, 0);
    free(s);
    frs_passage_opts_t bad = {10, 5, 0};
    assert_int_equal(frs_passage_split("a", 1, &bad, &s, &n), FRS_EINVAL);
    assert_null(s);
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_passage_paragraphs_kept_when_long_enough),
        cmocka_unit_test(test_passage_short_paragraphs_merged),
        cmocka_unit_test(test_passage_long_paragraph_split_at_sentences),
        cmocka_unit_test(test_passage_endless_sentence_split_between_words),
        cmocka_unit_test(test_passage_overlap_starts_earlier),
        cmocka_unit_test(test_passage_empty_and_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
