/* SPDX-License-Identifier: MIT
 * test_passage.c: passage splitting: whole paragraphs merged to a target
 * length, headings kept with their text, long paragraphs cut.
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

/* Does a passage boundary fall inside a paragraph of t (between two
 * non-blank lines)? */
static int cuts_paragraph(const char *t, size_t len, size_t at)
{
    size_t a = at, b = at;
    while (a > 0 && (t[a - 1] == ' '))
        a--;
    while (b < len && t[b] == ' ')
        b++;
    return !(a >= 2 && t[a - 1] == '\n' && t[a - 2] == '\n') &&
           !(b + 1 < len && t[b] == '\n' && t[b + 1] == '\n') && a > 0 &&
           b < len;
}

static void test_passage_paragraphs_kept_when_long_enough(void **state)
{
    (void)state;
    frs_buf_t b = FRS_BUF_INIT;
    para(&b, 30);
    frs_buf_puts(&b, "\n\n");
    para(&b, 30);
    frs_passage_opts_t o = {20, 100};
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

static void test_passage_short_paragraphs_merged_to_min(void **state)
{
    (void)state;
    frs_buf_t b = FRS_BUF_INIT;
    for (int i = 0; i < 6; i++) {
        if (i)
            frs_buf_puts(&b, "\n\n");
        para(&b, 20); /* six paragraphs of 20 words, ending with '.' */
    }
    frs_passage_opts_t o = {50, 100};
    frs_span_t *s;
    size_t n;
    assert_int_equal(frs_passage_split(b.data, b.len, &o, &s, &n), FRS_OK);
    /* 20+20+20 = 60 >= 50, twice */
    assert_int_equal(n, 2);
    assert_int_equal(words(b.data, s[0]), 60);
    assert_int_equal(words(b.data, s[1]), 60);
    for (size_t i = 0; i < n; i++) {
        assert_false(cuts_paragraph(b.data, b.len, s[i].start));
        assert_false(cuts_paragraph(b.data, b.len, s[i].end));
    }
    free(s);
    frs_buf_free(&b);
}

static void test_passage_never_past_max_when_merging(void **state)
{
    (void)state;
    frs_buf_t b = FRS_BUF_INIT;
    para(&b, 30);
    frs_buf_puts(&b, "\n\n");
    para(&b, 80);
    frs_passage_opts_t o = {50, 100};
    frs_span_t *s;
    size_t n;
    assert_int_equal(frs_passage_split(b.data, b.len, &o, &s, &n), FRS_OK);
    /* 30 + 80 > 100: two passages, each a whole paragraph */
    assert_int_equal(n, 2);
    assert_int_equal(words(b.data, s[0]), 30);
    assert_int_equal(words(b.data, s[1]), 80);
    free(s);
    frs_buf_free(&b);
}

static void test_passage_heading_goes_with_next_text(void **state)
{
    (void)state;
    frs_buf_t b = FRS_BUF_INIT;
    para(&b, 60);
    frs_buf_puts(&b, "\n\nLes enjeux du chantier\n\n");
    para(&b, 60);
    frs_passage_opts_t o = {50, 100};
    frs_span_t *s;
    size_t n;
    assert_int_equal(frs_passage_split(b.data, b.len, &o, &s, &n), FRS_OK);
    assert_int_equal(n, 2);
    assert_int_equal(words(b.data, s[0]), 60);
    assert_memory_equal(b.data + s[1].start, "Les enjeux", 10);
    assert_int_equal(words(b.data, s[1]), 64);
    free(s);
    frs_buf_free(&b);
    /* a passage half full ends before a heading, even under min... */
    para(&b, 30);
    frs_buf_puts(&b, "\n\nLes enjeux du chantier\n\n");
    para(&b, 60);
    assert_int_equal(frs_passage_split(b.data, b.len, &o, &s, &n), FRS_OK);
    assert_int_equal(n, 2);
    assert_int_equal(words(b.data, s[0]), 30);
    assert_int_equal(words(b.data, s[1]), 64);
    free(s);
    frs_buf_free(&b);
    /* ... but not before a sentence of the same length */
    para(&b, 30);
    frs_buf_puts(&b, "\n\nLe chantier a commencé.\n\n");
    para(&b, 60);
    assert_int_equal(frs_passage_split(b.data, b.len, &o, &s, &n), FRS_OK);
    assert_int_equal(n, 1);
    assert_int_equal(words(b.data, s[0]), 94);
    free(s);
    frs_buf_free(&b);
    /* a heading never ends a passage, even if it must go before max */
    para(&b, 10);
    frs_buf_puts(&b, "\n\nLes enjeux du chantier\n\n");
    para(&b, 95);
    assert_int_equal(frs_passage_split(b.data, b.len, &o, &s, &n), FRS_OK);
    assert_int_equal(n, 2);
    assert_int_equal(words(b.data, s[0]), 10);
    assert_memory_equal(b.data + s[1].start, "Les enjeux", 10);
    assert_int_equal(words(b.data, s[1]), 99);
    free(s);
    frs_buf_free(&b);
}

static void test_passage_short_tail_joins_previous(void **state)
{
    (void)state;
    frs_buf_t b = FRS_BUF_INIT;
    para(&b, 60);
    frs_buf_puts(&b, "\n\nFin de l'article.");
    frs_passage_opts_t o = {50, 100};
    frs_span_t *s;
    size_t n;
    assert_int_equal(frs_passage_split(b.data, b.len, &o, &s, &n), FRS_OK);
    assert_int_equal(n, 1);
    assert_int_equal(s[0].end, b.len);
    free(s);
    frs_buf_free(&b);
}

static void test_passage_long_paragraph_split_at_sentences(void **state)
{
    (void)state;
    frs_buf_t b = FRS_BUF_INIT;
    para(&b, 95);
    frs_passage_opts_t o = {10, 25};
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
    frs_passage_opts_t o = {5, 20};
    frs_span_t *s;
    size_t n;
    assert_int_equal(frs_passage_split(b.data, b.len, &o, &s, &n), FRS_OK);
    assert_int_equal(n, 3);
    assert_int_equal(words(b.data, s[0]), 20);
    assert_int_equal(words(b.data, s[2]), 10);
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
    frs_passage_opts_t bad = {10, 5};
    assert_int_equal(frs_passage_split("a", 1, &bad, &s, &n), FRS_EINVAL);
    assert_null(s);
    assert_int_equal(n, 0);
    frs_passage_opts_t zero = {0, 0};
    assert_int_equal(frs_passage_split("a", 1, &zero, &s, &n), FRS_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_passage_paragraphs_kept_when_long_enough),
        cmocka_unit_test(test_passage_short_paragraphs_merged_to_min),
        cmocka_unit_test(test_passage_never_past_max_when_merging),
        cmocka_unit_test(test_passage_heading_goes_with_next_text),
        cmocka_unit_test(test_passage_short_tail_joins_previous),
        cmocka_unit_test(test_passage_long_paragraph_split_at_sentences),
        cmocka_unit_test(test_passage_endless_sentence_split_between_words),
        cmocka_unit_test(test_passage_empty_and_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
