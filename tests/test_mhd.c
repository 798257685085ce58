/* SPDX-License-Identifier: MIT
 * test_mhd.c: libmicrohttpd loaded on demand: every function found, loaded
 * once, and usable (a real response built, given a header, destroyed).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "mhd.h"

static void test_mhd_loads_every_function_once(void **state)
{
    (void)state;
    const char *why = "unset";
    const frs_mhd_t *m = frs_mhd_load(&why);
    assert_non_null(m);
    assert_string_equal(why, "unset"); /* untouched on success */
    assert_non_null(m->start_daemon);
    assert_non_null(m->stop_daemon);
    assert_non_null(m->quiesce_daemon);
    assert_non_null(m->get_daemon_info);
    assert_non_null(m->get_connection_info);
    assert_non_null(m->create_response_from_buffer);
    assert_non_null(m->add_response_header);
    assert_non_null(m->queue_response);
    assert_non_null(m->destroy_response);
    assert_ptr_equal(frs_mhd_load(NULL), m);
}

static void test_mhd_functions_work(void **state)
{
    (void)state;
    const frs_mhd_t *m = frs_mhd_load(NULL);
    assert_non_null(m);
    static char body[] = "{}";
    struct MHD_Response *r = m->create_response_from_buffer(
        strlen(body), body, MHD_RESPMEM_PERSISTENT);
    assert_non_null(r);
    assert_int_equal(m->add_response_header(r, "Content-Type",
                                            "application/json"),
                     MHD_YES);
    /* a header value with a line break is refused by the library */
    assert_int_equal(m->add_response_header(r, "X-Bad", "a\nb"), MHD_NO);
    m->destroy_response(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mhd_loads_every_function_once),
        cmocka_unit_test(test_mhd_functions_work),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
