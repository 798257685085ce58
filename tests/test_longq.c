/* SPDX-License-Identifier: MIT
 * test_longq.c: a long query searched as its rarest words, on a real
 * database.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "longq.h"
#include "qparse.h"

/* "commun" is in every article, "rare" in one; "zorglub" in none. */
static const frs_test_doc_t docs[] = {
    {.id = "a", .title = "Un", .body = "commun rare mots du premier"},
    {.id = "b", .title = "Deux", .body = "commun mots du second"},
    {.id = "c", .title = "Trois", .body = "commun mots du second encore"},
};

typedef struct {
    char *root, *db;
    frs_xr_t *xr;
    frs_analyzer_t *an;
} fx_t;

static int setup(void **state)
{
    fx_t *f = calloc(1, sizeof *f);
    char *err = NULL;
    if (!f || frs_test_tmpdb("longq", docs, 3, &f->root, &f->db) != 0 ||
        frs_xr_open(f->db, &f->xr, &err) != FRS_OK ||
        frs_analyzer_new(&f->an) != FRS_OK) {
        free(err);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_t *f = *state;
    frs_analyzer_free(f->an);
    frs_xr_free(f->xr);
    int rc = frs_test_tmpdb_free(&f->root, &f->db);
    free(f);
    return rc;
}

static char *reduce(fx_t *f, const char *q)
{
    char *out = NULL;
    assert_int_equal(frs_longq_reduce(f->an, f->xr, q, strlen(q), &out),
                     FRS_OK);
    return out;
}

/* FRS_LONGQ_KEEP words or fewer, under FRS_QUERY_MAX_BYTES: as typed. */
static void test_longq_short_query_kept(void **state)
{
    fx_t *f = *state;
    assert_null(reduce(f, "commun rare \"mots du\" -second"));
    /* stop words are not counted: 12 words and as many stop words */
    assert_null(reduce(f, "le w1 la w2 les w3 de w4 du w5 des w6 un w7 une "
                          "w8 et w9 ou w10 à w11 au w12"));
}

/* A query of more words keeps its FRS_LONGQ_KEEP rarest, in their order;
 * words no article holds come last; punctuation and operators go. */
static void test_longq_keeps_rarest(void **state)
{
    fx_t *f = *state;
    assert_int_equal(FRS_LONGQ_KEEP, 12);
    char *out = reduce(f, "(commun) w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 -mots "
                          "«rare» second zorglub NOT premier");
    assert_non_null(out);
    /* df: rare 1, premier 1, second 2, mots 3, commun 3; w1..w10 and
     * zorglub 0: the 5 known words, then the first 7 unknown ones */
    assert_string_equal(out, "commun w1 w2 w3 w4 w5 w6 w7 mots rare second "
                             "premier");
    free(out);
}

/* Over FRS_QUERY_MAX_BYTES bytes, even a few words are read as text: each
 * distinct word once. */
static void test_longq_long_bytes(void **state)
{
    fx_t *f = *state;
    size_t n = FRS_QUERY_MAX_BYTES + 100;
    char *q = malloc(n + 1);
    assert_non_null(q);
    for (size_t i = 0; i < n; i += 7)
        memcpy(q + i, "rare - ", n - i < 7 ? n - i : 7);
    q[n] = '\0';
    char *out = NULL;
    assert_int_equal(frs_longq_reduce(f->an, f->xr, q, n, &out), FRS_OK);
    assert_non_null(out);
    assert_string_equal(out, "rare");
    free(out);
    free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_longq_short_query_kept),
        cmocka_unit_test(test_longq_keeps_rarest),
        cmocka_unit_test(test_longq_long_bytes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
