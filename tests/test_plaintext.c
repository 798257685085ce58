/* SPDX-License-Identifier: MIT
 * test_plaintext.c: the encoding of text files (UTF-8, damaged UTF-8,
 * Latin-1, Windows-1252) and their lines made into paragraphs (one per
 * line, hard-wrapped, headings, lists, CR LF), then split into passages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "passage.h"
#include "plaintext.h"

static frs_text_encoding_t enc(const char *s, size_t *bad,
                               unsigned char *first)
{
    return frs_plaintext_encoding(s, strlen(s), bad, first);
}

static void test_plaintext_utf8_and_damaged_utf8(void **state)
{
    (void)state;
    size_t bad = 9;
    unsigned char first = 9;
    assert_int_equal(enc("plain ASCII", &bad, &first), FRS_TEXT_UTF8);
    assert_int_equal(bad, 0);
    assert_int_equal(first, 0);
    assert_int_equal(enc("L’été à Noël, œuvre née", NULL, NULL),
                     FRS_TEXT_UTF8);
    /* French UTF-8 with two damaged bytes: a warning, not a refusal */
    assert_int_equal(enc("L’été \xff à Noël, une \xe9 œuvre née", &bad, &first),
                     FRS_TEXT_DAMAGED);
    assert_int_equal(bad, 2);
    assert_int_equal(first, 0xff);
    /* invalid bytes that are no Latin-1 letters: damaged, whatever else */
    assert_int_equal(enc("abc \x80\x81\x82\xa0\xa9 def", NULL, NULL),
                     FRS_TEXT_DAMAGED);
    /* overlong forms and surrogates are invalid */
    assert_int_equal(enc("\xc0\xafx \xed\xa0\x80 \xe2\x82\xac", &bad, NULL),
                     FRS_TEXT_DAMAGED);
    assert_int_equal(bad, 5);
}

static void test_plaintext_latin1_and_windows1252(void **state)
{
    (void)state;
    size_t bad = 0;
    unsigned char first = 0;
    /* "Le café est très bon, l'été à Noël" in ISO-8859-1 */
    const char *latin1 = "Le caf\xe9 est tr\xe8s bon, l'\xe9t\xe9 \xe0 No\xebl";
    assert_int_equal(enc(latin1, &bad, &first), FRS_TEXT_LATIN1);
    assert_int_equal(bad, 6);
    assert_int_equal(first, 0xe9);
    /* one accent in an ASCII text is enough to tell */
    assert_int_equal(enc("Un seul caf\xe9.", NULL, NULL), FRS_TEXT_LATIN1);
    /* the same in Windows-1252, with its apostrophe U+2019 as 0x92 and
     * its oe ligature as 0x9c */
    const char *cp = "L\x92\xe9t\xe9, un c\x9cur, caf\xe9 tr\xe8s bon";
    assert_int_equal(enc(cp, &bad, &first), FRS_TEXT_CP1252);
    assert_int_equal(first, 0x92);
    /* a UTF-8 text with more good characters than bad bytes is UTF-8 */
    assert_int_equal(enc("é è à ç ê \xe9", NULL, NULL), FRS_TEXT_DAMAGED);
}

/* paragraphs of s, as a string owned by the caller */
static char *paras(const char *s)
{
    char *out = NULL;
    size_t n = 0;
    assert_int_equal(frs_plaintext_paragraphs(s, strlen(s), &out, &n),
                     FRS_OK);
    assert_int_equal(strlen(out), n);
    return out;
}

static void expect_paras(const char *in, const char *want)
{
    char *got = paras(in);
    if (strcmp(got, want) != 0)
        fail_msg("input [%s]\n  got  [%s]\n  want [%s]", in, got, want);
    free(got);
}

static void test_plaintext_one_paragraph_per_line(void **state)
{
    (void)state;
    /* an editor's export: long lines, no blank line between paragraphs */
    expect_paras("Le conseil municipal a voté mardi soir le budget de la "
                 "ville pour l'année prochaine, après trois heures de débat "
                 "et une suspension de séance.\n"
                 "Les investissements\n"
                 "L'opposition a dénoncé une hausse des impôts locaux que "
                 "la majorité juge indispensable pour financer la rénovation "
                 "des écoles et la nouvelle piscine.\n",
                 "Le conseil municipal a voté mardi soir le budget de la "
                 "ville pour l'année prochaine, après trois heures de débat "
                 "et une suspension de séance.\n\n"
                 "Les investissements\n\n"
                 "L'opposition a dénoncé une hausse des impôts locaux que "
                 "la majorité juge indispensable pour financer la rénovation "
                 "des écoles et la nouvelle piscine.\n");
    /* short paragraphs ending like sentences, one a line */
    expect_paras("Il pleut.\nIl vente !\nQui l'eût cru ?\n« Personne. »",
                 "Il pleut.\n\nIl vente !\n\nQui l'eût cru ?\n\n"
                 "« Personne. »");
}

static void test_plaintext_hard_wrapped_kept(void **state)
{
    (void)state;
    /* lines of about the same width, ending mid-sentence: one paragraph;
     * the blank line between paragraphs stays one */
    const char *w =
        "Le conseil municipal a voté mardi soir le budget de la ville pour\n"
        "l'année prochaine, après trois heures de débat et une suspension\n"
        "de séance demandée par l'opposition.\n"
        "\n"
        "L'opposition a dénoncé une hausse des impôts locaux que la majorité\n"
        "juge indispensable pour financer la rénovation des écoles et de la\n"
        "piscine.\n";
    expect_paras(w, w);
    /* a short line of a hard-wrapped text that ends a sentence, then a
     * list: each item a paragraph */
    expect_paras("Les travaux prévus par la commune pendant l'été comprennent\n"
                 "plusieurs chantiers dans les quartiers du centre-ville :\n"
                 "- la réfection de la place du marché et de ses abords,\n"
                 "- la piste cyclable le long du canal.\n",
                 "Les travaux prévus par la commune pendant l'été comprennent\n"
                 "plusieurs chantiers dans les quartiers du centre-ville :\n\n"
                 "- la réfection de la place du marché et de ses abords,\n\n"
                 "- la piste cyclable le long du canal.\n");
}

static void test_plaintext_line_endings(void **state)
{
    (void)state;
    expect_paras("Premier.\r\nSecond.\r\n\r\nTroisième.\r\n",
                 "Premier.\n\nSecond.\n\nTroisième.\n");
    expect_paras("Premier.\rSecond.\r", "Premier.\n\nSecond.\n");
    expect_paras("", "");
    expect_paras("\n\n", "\n\n");
    expect_paras("Un mot   \n  \nDeux mots\t\n", "Un mot\n\nDeux mots\n");
}

static void test_plaintext_exported_text_passages(void **state)
{
    (void)state;
    /* a real export: headings and long one-line paragraphs; each passage
     * starts at a paragraph or at a heading, a heading is never the end of
     * a passage, and a heading is never alone */
    const char *in =
        "Un budget sous tension\n"
        "Le conseil municipal a voté mardi soir le budget de la ville pour "
        "l'année prochaine, après trois heures de débat et une suspension de "
        "séance demandée par l'opposition, qui a dénoncé une hausse des "
        "impôts locaux jugée brutale par les commerçants du centre.\n"
        "Les écoles d'abord\n"
        "La majorité défend une hausse indispensable pour financer la "
        "rénovation de six écoles, dont deux seront fermées pendant un an, "
        "et la construction d'une nouvelle piscine dans le quartier nord "
        "de la ville, attendue depuis dix ans par les clubs.\n";
    char *b = paras(in);
    frs_passage_opts_t o = {5, 45};
    frs_span_t *sp = NULL;
    size_t n = 0;
    assert_int_equal(frs_passage_split(b, strlen(b), &o, &sp, &n), FRS_OK);
    assert_int_equal(n, 2);
    assert_memory_equal(b + sp[0].start, "Un budget sous tension\n\nLe conseil",
                        strlen("Un budget sous tension\n\nLe conseil"));
    assert_memory_equal(b + sp[1].start, "Les écoles d'abord\n\nLa majorité",
                        strlen("Les écoles d'abord\n\nLa majorité"));
    assert_memory_equal(b + sp[1].end - 6, "clubs.", 6);
    free(sp);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plaintext_utf8_and_damaged_utf8),
        cmocka_unit_test(test_plaintext_latin1_and_windows1252),
        cmocka_unit_test(test_plaintext_one_paragraph_per_line),
        cmocka_unit_test(test_plaintext_hard_wrapped_kept),
        cmocka_unit_test(test_plaintext_line_endings),
        cmocka_unit_test(test_plaintext_exported_text_passages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
