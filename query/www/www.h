/* SPDX-License-Identifier: MIT
 * www.h: the search page's files (index.html, style.css, app.js), embedded
 * into the query binary at build time by embed.py, which writes the table
 * below into a generated C source under the build directory.
 *
 * Ownership: everything here is static, read-only data.
 */
#ifndef FRS_WWW_H
#define FRS_WWW_H

#include <stddef.h>

typedef struct {
    const char *path;          /* "/index.html", "/app.js", ... */
    const char *type;          /* Content-Type */
    const unsigned char *data;
    size_t len;
} frs_www_file_t;

extern const frs_www_file_t frs_www_files[];
extern const size_t frs_www_nfiles;

#endif
