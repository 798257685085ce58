/* SPDX-License-Identifier: MIT
 * test_buf.c: unit tests for the growable byte buffer (buf.c): appends,
 * printf, reset, release and the sticky error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"

static void test_buf_append_puts_putc(void **state)
{
    frs_buf_t b = FRS_BUF_INIT;

    (void)state;
    frs_buf_append(&b, "abc", 3);
    frs_buf_puts(&b, "déf");
    frs_buf_putc(&b, '!');
    frs_buf_append(&b, "ignored", 0);
    assert_int_equal(b.rc, FRS_OK);
    assert_int_equal(b.len, 3 + strlen("déf") + 1);
    assert_string_equal(b.data, "abcdéf!");
    assert_true(b.cap > b.len);
    frs_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
}

static void test_buf_embedded_nul_bytes(void **state)
{
    frs_buf_t b = FRS_BUF_INIT;

    (void)state;
    frs_buf_append(&b, "a\0b", 3);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "a\0b", 4);
    frs_buf_free(&b);
}

static void test_buf_printf(void **state)
{
    frs_buf_t b = FRS_BUF_INIT;

    (void)state;
    frs_buf_puts(&b, "n=");
    frs_buf_printf(&b, "%d %s %05.1f", 42, "x", 3.25);
    assert_string_equal(b.data, "n=42 x 003.2");
    assert_int_equal(b.len, strlen("n=42 x 003.2"));
    frs_buf_printf(&b, "%s", "");
    assert_int_equal(b.len, strlen("n=42 x 003.2"));

    /* Output longer than the current capacity. */
    char big[1000];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    frs_buf_reset(&b);
    frs_buf_printf(&b, "<%s>", big);
    assert_int_equal(b.rc, FRS_OK);
    assert_int_equal(b.len, sizeof big + 1);
    assert_int_equal(b.data[0], '<');
    assert_int_equal(b.data[b.len - 1], '>');
    assert_int_equal(b.data[b.len], '\0');
    frs_buf_free(&b);
}

static void test_buf_grows_large(void **state)
{
    frs_buf_t b = FRS_BUF_INIT;

    (void)state;
    for (int i = 0; i < 100000; i++)
        frs_buf_append(&b, "0123456789", 10);
    assert_int_equal(b.rc, FRS_OK);
    assert_int_equal(b.len, 1000000);
    assert_int_equal(b.data[999999], '9');
    assert_int_equal(b.data[1000000], '\0');
    frs_buf_free(&b);
}

static void test_buf_reset_keeps_memory(void **state)
{
    frs_buf_t b = FRS_BUF_INIT;

    (void)state;
    frs_buf_reset(&b); /* on an empty buffer: no crash */
    assert_int_equal(b.len, 0);
    frs_buf_puts(&b, "hello");
    char *data = b.data;
    size_t cap = b.cap;
    frs_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_ptr_equal(b.data, data);
    assert_int_equal(b.cap, cap);
    assert_string_equal(b.data, "");
    frs_buf_puts(&b, "hi");
    assert_string_equal(b.data, "hi");
    frs_buf_free(&b);
}

static void test_buf_release(void **state)
{
    frs_buf_t b = FRS_BUF_INIT;

    (void)state;
    frs_buf_puts(&b, "owned");
    char *p = frs_buf_release(&b);
    assert_non_null(p);
    assert_string_equal(p, "owned");
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    free(p);

    /* Releasing an empty buffer gives "" (never NULL). */
    p = frs_buf_release(&b);
    assert_non_null(p);
    assert_string_equal(p, "");
    free(p);

    /* A reset buffer releases as "". */
    frs_buf_puts(&b, "gone");
    frs_buf_reset(&b);
    p = frs_buf_release(&b);
    assert_string_equal(p, "");
    free(p);

    /* The buffer is reusable after release. */
    frs_buf_puts(&b, "again");
    assert_string_equal(b.data, "again");
    frs_buf_free(&b);
}

static void test_buf_sticky_error(void **state)
{
    frs_buf_t b = FRS_BUF_INIT;

    (void)state;
    frs_buf_puts(&b, "kept");
    b.rc = FRS_ENOMEM; /* as after a failed realloc */
    frs_buf_puts(&b, " lost");
    frs_buf_putc(&b, 'x');
    frs_buf_printf(&b, "%d", 7);
    assert_int_equal(b.len, 4);
    assert_string_equal(b.data, "kept");
    frs_buf_reset(&b);
    assert_int_equal(b.rc, FRS_ENOMEM); /* reset does not clear rc */
    assert_null(frs_buf_release(&b));
    assert_non_null(b.data); /* still owned by the buffer */
    frs_buf_free(&b);
    assert_null(b.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_append_puts_putc),
        cmocka_unit_test(test_buf_embedded_nul_bytes),
        cmocka_unit_test(test_buf_printf),
        cmocka_unit_test(test_buf_grows_large),
        cmocka_unit_test(test_buf_reset_keeps_memory),
        cmocka_unit_test(test_buf_release),
        cmocka_unit_test(test_buf_sticky_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
