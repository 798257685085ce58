/* SPDX-License-Identifier: MIT
 * buf.h: a growable byte buffer with a sticky error (FTS5 style): once an
 * allocation fails every later append is a no-op and buf->rc says so, so a
 * long sequence of appends is checked once at the end.
 *
 * Ownership: the buffer owns data; frs_buf_release() hands it to the caller
 * (malloc'd, NUL-terminated) and resets the buffer.
 */
#ifndef FRS_BUF_H
#define FRS_BUF_H

#include <stddef.h>
#include "frs.h"

typedef struct {
    char *data;      /* always NUL-terminated when len > 0 or after append */
    size_t len, cap;
    frs_status_t rc; /* FRS_OK or FRS_ENOMEM, sticky */
} frs_buf_t;

#define FRS_BUF_INIT { NULL, 0, 0, FRS_OK }

void frs_buf_append(frs_buf_t *b, const char *p, size_t n);
void frs_buf_puts(frs_buf_t *b, const char *s);
void frs_buf_putc(frs_buf_t *b, char c);
/* printf-style append. */
void frs_buf_printf(frs_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Empty the buffer, keeping its memory (and clearing nothing of rc). */
void frs_buf_reset(frs_buf_t *b);
/* Detach the data (a "" string if empty); NULL if rc != FRS_OK. */
char *frs_buf_release(frs_buf_t *b);
void frs_buf_free(frs_buf_t *b);

#endif
