/* SPDX-License-Identifier: MIT
 * test_http.c: gzip negotiation (q-values, x-gzip, *), gzip streams that
 * zlib inflates back, and the CORS allow-list.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "http.h"

static void test_http_accepts_gzip(void **state)
{
    (void)state;
    assert_true(frs_http_accepts_gzip("gzip"));
    assert_true(frs_http_accepts_gzip("gzip, deflate, br"));
    assert_true(frs_http_accepts_gzip("br;q=1.0, GZIP;q=0.5"));
    assert_true(frs_http_accepts_gzip("deflate, x-gzip"));
    assert_true(frs_http_accepts_gzip("*"));
    assert_true(frs_http_accepts_gzip(" gzip ; q=0.001"));
    assert_false(frs_http_accepts_gzip(NULL));
    assert_false(frs_http_accepts_gzip(""));
    assert_false(frs_http_accepts_gzip("identity"));
    assert_false(frs_http_accepts_gzip("br, deflate"));
    assert_false(frs_http_accepts_gzip("gzip;q=0"));
    assert_false(frs_http_accepts_gzip("gzip;q=0.000, *"));
    assert_false(frs_http_accepts_gzip("*;q=0"));
    assert_false(frs_http_accepts_gzip("gzipx, xgzip"));
}

static void test_http_gzip_inflates_back(void **state)
{
    (void)state;
    size_t n = 100000;
    char *in = malloc(n);
    for (size_t i = 0; i < n; i++)
        in[i] = "Le vélo électrique à Grenoble. "[i % 31];
    char *gz = NULL;
    size_t gzlen = 0;
    assert_int_equal(frs_http_gzip(in, n, &gz, &gzlen), FRS_OK);
    assert_true(gzlen < n / 10);
    assert_int_equal((unsigned char)gz[0], 0x1f); /* the gzip magic */
    assert_int_equal((unsigned char)gz[1], 0x8b);
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
    char *back = malloc(n + 1);
    z.next_in = (Bytef *)gz;
    z.avail_in = (uInt)gzlen;
    z.next_out = (Bytef *)back;
    z.avail_out = (uInt)(n + 1);
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    assert_int_equal(z.total_out, n);
    assert_memory_equal(back, in, n);
    inflateEnd(&z);
    free(gz);
    assert_int_equal(frs_http_gzip("", 0, &gz, &gzlen), FRS_OK);
    assert_true(gzlen >= 18); /* header and trailer of an empty stream */
    free(gz);
    free(back);
    free(in);
}

static void test_http_cors(void **state)
{
    (void)state;
    int vary = -1;
    assert_string_equal(frs_http_cors("*", "https://a.fr", &vary), "*");
    assert_int_equal(vary, 0);
    assert_string_equal(frs_http_cors("*", NULL, &vary), "*");
    assert_null(frs_http_cors("none", "https://a.fr", &vary));
    assert_int_equal(vary, 0);
    const char *list = "https://a.fr,http://localhost:3000";
    assert_string_equal(frs_http_cors(list, "https://a.fr", &vary),
                        "https://a.fr");
    assert_int_equal(vary, 1);
    assert_string_equal(frs_http_cors(list, "http://localhost:3000", &vary),
                        "http://localhost:3000");
    assert_null(frs_http_cors(list, "https://a.fr.evil.example", &vary));
    assert_null(frs_http_cors(list, "https://a.f", &vary));
    assert_null(frs_http_cors(list, "http://a.fr", &vary));
    assert_null(frs_http_cors(list, NULL, &vary));
    assert_int_equal(vary, 1);
    assert_null(frs_http_cors_check("*"));
    assert_null(frs_http_cors_check("none"));
    assert_null(frs_http_cors_check(list));
    assert_null(frs_http_cors_check("https://a.fr"));
    assert_non_null(frs_http_cors_check(""));
    assert_non_null(frs_http_cors_check("a.fr"));
    assert_non_null(frs_http_cors_check("https://a.fr/"));
    assert_non_null(frs_http_cors_check("https://a.fr, https://b.fr"));
    assert_non_null(frs_http_cors_check("https://a.fr,"));
    assert_non_null(frs_http_cors_check("https://*.a.fr"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_http_accepts_gzip),
        cmocka_unit_test(test_http_gzip_inflates_back),
        cmocka_unit_test(test_http_cors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
