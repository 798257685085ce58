/* SPDX-License-Identifier: MIT
 * mhd.h: libmicrohttpd, loaded (dlopen) when the server starts.  Only
 * `query --serve` uses it, but Debian's build pulls in GnuTLS and seven
 * more libraries whose start-up costs every `query` process ~4 ms, a fifth
 * of a search from the shell (docs/performance.md); loaded on demand, a
 * shell search never pays for it.
 *
 * Ownership: the function table is static, loaded once, never unloaded.
 */
#ifndef FRS_MHD_H
#define FRS_MHD_H

#include <microhttpd.h>

/* The libmicrohttpd functions the server calls, same types. */
typedef struct {
    __typeof__(&MHD_start_daemon) start_daemon;
    __typeof__(&MHD_stop_daemon) stop_daemon;
    __typeof__(&MHD_quiesce_daemon) quiesce_daemon;
    __typeof__(&MHD_get_daemon_info) get_daemon_info;
    __typeof__(&MHD_get_connection_info) get_connection_info;
    __typeof__(&MHD_create_response_from_buffer) create_response_from_buffer;
    __typeof__(&MHD_add_response_header) add_response_header;
    __typeof__(&MHD_queue_response) queue_response;
    __typeof__(&MHD_destroy_response) destroy_response;
} frs_mhd_t;

/* Load libmicrohttpd once (thread-safe).  NULL when it cannot be loaded,
 * with *why (static text, from dlerror) saying why. */
const frs_mhd_t *frs_mhd_load(const char **why);

#endif
