/* SPDX-License-Identifier: MIT
 * buf.c: growable byte buffer with a sticky error.
 */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int buf_reserve(frs_buf_t *b, size_t extra)
{
    if (b->rc != FRS_OK)
        return 0;
    if (extra > (size_t)-1 / 2 - b->len) {
        b->rc = FRS_ENOMEM;
        return 0;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->rc = FRS_ENOMEM;
        return 0;
    }
    b->data = p;
    b->cap = cap;
    return 1;
}

void frs_buf_append(frs_buf_t *b, const char *p, size_t n)
{
    if (!buf_reserve(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void frs_buf_puts(frs_buf_t *b, const char *s)
{
    frs_buf_append(b, s, strlen(s));
}

void frs_buf_putc(frs_buf_t *b, char c)
{
    frs_buf_append(b, &c, 1);
}

void frs_buf_printf(frs_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        if (b->rc == FRS_OK)
            b->rc = FRS_EINVAL;
        return;
    }
    if (!buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void frs_buf_reset(frs_buf_t *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *frs_buf_release(frs_buf_t *b)
{
    if (b->rc != FRS_OK)
        return NULL;
    if (!b->data && (!buf_reserve(b, 0) || !b->data))
        return NULL;
    if (b->len == 0)
        b->data[0] = '\0';
    char *p = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void frs_buf_free(frs_buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
