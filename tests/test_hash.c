/* SPDX-License-Identifier: MIT
 * test_hash.c: unit tests for the 64-bit FNV-1a hash (hash.c) against
 * published test vectors, incremental hashing and hex formatting; and for
 * the XXH3-128 wrapper: xxHash's published vector, its canonical digits,
 * streaming, reset.
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

/* XXH3-128 of no input (seed 0), as published by xxHash and printed by
 * `xxh128sum /dev/null`. */
static void test_hash128_empty_vector(void **state)
{
    (void)state;
    frs_hash128_t *h = NULL;
    assert_int_equal(frs_hash128_new(&h), FRS_OK);
    char out[FRS_HASH128_HEX + 1];
    memset(out, 'x', sizeof out);
    frs_hash128_hex(h, out);
    assert_string_equal(out, "99aa06d3014798d86001c324468d497f");
    frs_hash128_update(h, "", 0);
    frs_hash128_hex(h, out);
    assert_string_equal(out, "99aa06d3014798d86001c324468d497f");
    frs_hash128_free(h);
    frs_hash128_free(NULL);
}

static void test_hash128_streaming_equals_one_shot(void **state)
{
    (void)state;
    /* long enough to cross xxHash's internal 256-byte stripes */
    char text[3000];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (char)('a' + (i * 7) % 26);
    frs_hash128_t *h = NULL;
    assert_int_equal(frs_hash128_new(&h), FRS_OK);
    frs_hash128_update(h, text, sizeof text);
    char whole[FRS_HASH128_HEX + 1], part[FRS_HASH128_HEX + 1];
    frs_hash128_hex(h, whole);
    assert_int_equal(strlen(whole), 32);
    assert_int_equal(strspn(whole, "0123456789abcdef"), 32);
    for (size_t cut = 0; cut <= sizeof text; cut += 97) {
        frs_hash128_reset(h);
        frs_hash128_update(h, text, cut);
        frs_hash128_update(h, text + cut, sizeof text - cut);
        frs_hash128_hex(h, part);
        assert_string_equal(part, whole);
    }
    /* one byte changed, or two fields' boundary moved: another hash */
    text[1500] ^= 1;
    frs_hash128_reset(h);
    frs_hash128_update(h, text, sizeof text);
    frs_hash128_hex(h, part);
    assert_string_not_equal(part, whole);
    char a[FRS_HASH128_HEX + 1], b[FRS_HASH128_HEX + 1];
    frs_hash128_reset(h);
    frs_hash128_update(h, "ab\0c", 4);
    frs_hash128_hex(h, a);
    frs_hash128_reset(h);
    frs_hash128_update(h, "a\0bc", 4);
    frs_hash128_hex(h, b);
    assert_string_not_equal(a, b);
    frs_hash128_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_known_vectors),
        cmocka_unit_test(test_hash_incremental_equals_one_shot),
        cmocka_unit_test(test_hash_hex_format),
        cmocka_unit_test(test_hash128_empty_vector),
        cmocka_unit_test(test_hash128_streaming_equals_one_shot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
