/* SPDX-License-Identifier: MIT
 * docdata.c: the article header (varints) and the deflated body.
 */
#include "docdata.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define DOCDATA_VERSION 1

/* ---- varints ---- */

typedef struct {
    unsigned char *p;
    size_t n, cap;
    int oom;
} out_t;

static void put_byte(out_t *o, unsigned char c)
{
    if (o->oom)
        return;
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 128;
        unsigned char *p = realloc(o->p, cap);
        if (!p) {
            o->oom = 1;
            return;
        }
        o->p = p;
        o->cap = cap;
    }
    o->p[o->n++] = c;
}

static void put_uint(out_t *o, uint64_t v)
{
    do {
        unsigned char c = v & 0x7f;
        v >>= 7;
        put_byte(o, (unsigned char)(c | (v ? 0x80 : 0)));
    } while (v);
}

/* A string as length + 1 and bytes; NULL as 0. */
static void put_str(out_t *o, const char *s)
{
    if (!s) {
        put_uint(o, 0);
        return;
    }
    size_t n = strlen(s);
    put_uint(o, (uint64_t)n + 1);
    for (size_t i = 0; i < n; i++)
        put_byte(o, (unsigned char)s[i]);
}

typedef struct {
    const unsigned char *p, *end;
    int bad;
} in_t;

static uint64_t get_uint(in_t *in)
{
    uint64_t v = 0;
    for (unsigned shift = 0; !in->bad; shift += 7) {
        if (in->p == in->end || shift > 63) {
            in->bad = 1;
            break;
        }
        unsigned char c = *in->p++;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return v;
    }
    return 0;
}

/* A string written by put_str: *out malloc'd (NULL when absent). */
static frs_status_t get_str(in_t *in, char **out)
{
    *out = NULL;
    uint64_t n = get_uint(in);
    if (in->bad || n == 0)
        return in->bad ? FRS_ECORRUPT : FRS_OK;
    n--;
    if (n > (uint64_t)(in->end - in->p) || memchr(in->p, 0, n)) {
        in->bad = 1;
        return FRS_ECORRUPT;
    }
    *out = malloc(n + 1);
    if (!*out)
        return FRS_ENOMEM;
    memcpy(*out, in->p, n);
    (*out)[n] = '\0';
    in->p += n;
    return FRS_OK;
}

/* ---- the header ---- */

char *frs_docdata_encode(const frs_docinfo_t *d, size_t *len)
{
    out_t o = {0};
    put_uint(&o, DOCDATA_VERSION);
    put_str(&o, d->id);
    put_str(&o, d->title);
    put_str(&o, d->url);
    put_str(&o, d->date);
    put_uint(&o, d->body_len);
    put_uint(&o, d->npassages);
    unsigned prev = 0;
    for (size_t i = 0; i < d->npassages; i++) {
        const frs_passage_t *ps = &d->passages[i];
        put_uint(&o, ps->start);
        put_uint(&o, ps->end - ps->start);
        put_uint(&o, ps->pos - prev);
        prev = ps->pos;
    }
    if (o.oom) {
        free(o.p);
        return NULL;
    }
    *len = o.n;
    return (char *)o.p;
}

/* The passages of a header, checked against the body's length. */
static frs_status_t get_passages(in_t *in, frs_docinfo_t *out)
{
    uint64_t n = get_uint(in);
    /* each passage takes three bytes at least */
    if (in->bad || n > (uint64_t)(in->end - in->p) / 3)
        return FRS_ECORRUPT;
    out->passages = calloc(n ? n : 1, sizeof *out->passages);
    if (!out->passages)
        return FRS_ENOMEM;
    uint64_t prev_end = 0, pos = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t start = get_uint(in), len = get_uint(in);
        pos += get_uint(in);
        if (in->bad || start < prev_end || len > out->body_len ||
            start > out->body_len - len || pos > UINT32_MAX)
            return FRS_ECORRUPT;
        frs_passage_t *ps = &out->passages[i];
        ps->start = (size_t)start;
        ps->end = (size_t)(start + len);
        ps->pos = (unsigned)pos;
        prev_end = ps->end;
        out->npassages++;
    }
    return FRS_OK;
}

frs_status_t frs_docdata_decode(const char *data, size_t len,
                                frs_docinfo_t *out)
{
    memset(out, 0, sizeof *out);
    in_t in = {(const unsigned char *)data, (const unsigned char *)data + len,
               0};
    frs_status_t rc = get_uint(&in) == DOCDATA_VERSION && !in.bad
                          ? FRS_OK
                          : FRS_ECORRUPT;
    if (rc == FRS_OK)
        rc = get_str(&in, &out->id);
    if (rc == FRS_OK && !out->id)
        rc = FRS_ECORRUPT;
    if (rc == FRS_OK)
        rc = get_str(&in, &out->title);
    if (rc == FRS_OK)
        rc = get_str(&in, &out->url);
    if (rc == FRS_OK)
        rc = get_str(&in, &out->date);
    if (rc == FRS_OK) {
        uint64_t bl = get_uint(&in);
        out->body_len = (size_t)bl;
        rc = in.bad || bl > SIZE_MAX / 2 ? FRS_ECORRUPT : FRS_OK;
    }
    if (rc == FRS_OK)
        rc = get_passages(&in, out);
    if (rc == FRS_OK && in.p != in.end)
        rc = FRS_ECORRUPT; /* trailing bytes: not a header of ours */
    if (rc != FRS_OK)
        frs_docinfo_clear(out);
    return rc;
}

/* ---- the body ---- */

char *frs_docbody_encode(const char *body, size_t len, size_t *outlen)
{
    out_t o = {0};
    put_uint(&o, len);
    uLong bound = compressBound((uLong)len) + 16;
    z_stream z;
    memset(&z, 0, sizeof z);
    /* raw deflate: the length above replaces zlib's header and check */
    if (o.oom || deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8,
                              Z_DEFAULT_STRATEGY) != Z_OK) {
        free(o.p);
        return NULL;
    }
    unsigned char *p = realloc(o.p, o.n + bound);
    if (!p) {
        deflateEnd(&z);
        free(o.p);
        return NULL;
    }
    z.next_in = (Bytef *)body;
    z.avail_in = (uInt)len;
    z.next_out = p + o.n;
    z.avail_out = (uInt)bound;
    int zr = deflate(&z, Z_FINISH);
    size_t n = o.n + z.total_out;
    deflateEnd(&z);
    if (zr != Z_STREAM_END) {
        free(p);
        return NULL;
    }
    *outlen = n;
    return (char *)p;
}

frs_status_t frs_docbody_decode(const char *v, size_t vlen, frs_docinfo_t *d)
{
    free(d->body);
    d->body = NULL;
    in_t in = {(const unsigned char *)v, (const unsigned char *)v + vlen, 0};
    uint64_t n = get_uint(&in);
    if (in.bad || n != d->body_len)
        return FRS_ECORRUPT;
    char *body = malloc(d->body_len + 1);
    if (!body)
        return FRS_ENOMEM;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, -15) != Z_OK) {
        free(body);
        return FRS_ENOMEM;
    }
    z.next_in = (Bytef *)in.p;
    z.avail_in = (uInt)(in.end - in.p);
    z.next_out = (Bytef *)body;
    z.avail_out = (uInt)d->body_len;
    int zr = inflate(&z, Z_FINISH);
    int whole = (zr == Z_STREAM_END || (zr == Z_BUF_ERROR && n == 0)) &&
                z.total_out == d->body_len;
    inflateEnd(&z);
    if (!whole || memchr(body, 0, d->body_len)) {
        free(body);
        return FRS_ECORRUPT;
    }
    body[d->body_len] = '\0';
    d->body = body;
    return FRS_OK;
}

/* ---- copies ---- */

static int dup_opt(char **dst, const char *src)
{
    *dst = src ? strdup(src) : NULL;
    return !src || *dst;
}

frs_status_t frs_docinfo_copy(frs_docinfo_t *dst, const frs_docinfo_t *src)
{
    memset(dst, 0, sizeof *dst);
    dst->body_len = src->body_len;
    dst->npassages = src->npassages;
    dst->passages = malloc((src->npassages ? src->npassages : 1) *
                           sizeof *dst->passages);
    int ok = dst->passages && dup_opt(&dst->id, src->id) &&
             dup_opt(&dst->title, src->title) && dup_opt(&dst->url, src->url) &&
             dup_opt(&dst->date, src->date);
    if (ok && src->body) {
        dst->body = malloc(src->body_len + 1);
        ok = dst->body != NULL;
        if (ok)
            memcpy(dst->body, src->body, src->body_len + 1);
    }
    if (!ok) {
        frs_docinfo_clear(dst);
        return FRS_ENOMEM;
    }
    if (src->npassages)
        memcpy(dst->passages, src->passages,
               src->npassages * sizeof *dst->passages);
    return FRS_OK;
}

void frs_docinfo_clear(frs_docinfo_t *d)
{
    if (!d)
        return;
    free(d->id);
    free(d->title);
    free(d->url);
    free(d->date);
    free(d->body);
    free(d->passages);
    memset(d, 0, sizeof *d);
}
