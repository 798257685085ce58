/* SPDX-License-Identifier: MIT
 * mhd.c: loading libmicrohttpd on demand.
 */
#include "mhd.h"

#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

/* The library's file name (its SONAME); the Makefile reads it from the
 * installed library. */
#ifndef FRS_MHD_SONAME
#define FRS_MHD_SONAME "libmicrohttpd.so.12"
#endif

static frs_mhd_t table;
static const frs_mhd_t *loaded;
static char why_buf[512];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Store the address of symbol name in the function pointer at slot (POSIX
 * guarantees a data pointer from dlsym converts to a function pointer). */
static int sym(void *lib, const char *name, void *slot, size_t size)
{
    void *p = dlsym(lib, name);
    if (!p || size != sizeof p)
        return 0;
    memcpy(slot, &p, sizeof p);
    return 1;
}

#define SYM(lib, f) sym(lib, "MHD_" #f, &table.f, sizeof table.f)

static void load(void)
{
    void *lib = dlopen(FRS_MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *e = dlerror();
        strncpy(why_buf, e ? e : "dlopen failed", sizeof why_buf - 1);
        return;
    }
    if (SYM(lib, start_daemon) && SYM(lib, stop_daemon) &&
        SYM(lib, quiesce_daemon) && SYM(lib, get_daemon_info) &&
        SYM(lib, get_connection_info) &&
        SYM(lib, create_response_from_buffer) &&
        SYM(lib, add_response_header) && SYM(lib, queue_response) &&
        SYM(lib, destroy_response)) {
        loaded = &table;
        return;
    }
    strncpy(why_buf, FRS_MHD_SONAME " lacks a function the server needs",
            sizeof why_buf - 1);
    dlclose(lib);
}

const frs_mhd_t *frs_mhd_load(const char **why)
{
    pthread_once(&once, load);
    if (!loaded && why)
        *why = why_buf;
    return loaded;
}
