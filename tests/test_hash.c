/* SPDX-License-Identifier: MIT
 * test_hash.c: unit tests for the 64-bit FNV-1a hash (hash.c) against
 * published test vectors, incremental hashing and hex formatting.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "hash.h"

static void test_hash_known_vectors(void **state)
{
    static const struct {
        const char *in;
        uint64_t want;
    } cases[] = {
        { "", UINT64_C(0xcbf29ce484222325) },
        { "a", UINT64_C(0xaf63dc4c8601ec8c) },
        { "foobar", UINT64_C(0x85944171f73967e8) },
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t h = frs_hash_update(FRS_HASH_INIT, cases[i].in,
                                     strlen(cases[i].in));
        assert_true(h == cases[i].want);
    }
}

static void test_hash_incremental_equals_one_shot(void **state)
{
    const char *s = "L'église de Saint-Étienne";
    size_t n = strlen(s);
    uint64_t whole = frs_hash_update(FRS_HASH_INIT, s, n);

    (void)state;
    for (size_t cut = 0; cut <= n; cut++) {
        uint64_t h = frs_hash_update(FRS_HASH_INIT, s, cut);
        h = frs_hash_update(h, s + cut, n - cut);
        assert_true(h == whole);
    }
    assert_true(frs_hash_update(FRS_HASH_INIT, "ab", 2) !=
                frs_hash_update(FRS_HASH_INIT, "ba", 2));
}

static void test_hash_hex_format(void **state)
{
    static const struct {
        uint64_t h;
        const char *want;
    } cases[] = {
        { 0, "0000000000000000" },
        { UINT64_MAX, "ffffffffffffffff" },
        { UINT64_C(0x0123456789abcdef), "0123456789abcdef" },
        { UINT64_C(0xcbf29ce484222325), "cbf29ce484222325" },
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[17];
        memset(out, 'x', sizeof out);
        frs_hash_hex(cases[i].h, out);
        assert_string_equal(out, cases[i].want);
        assert_int_equal(out[16], '\0');
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_known_vectors),
        cmocka_unit_test(test_hash_incremental_equals_one_shot),
        cmocka_unit_test(test_hash_hex_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
