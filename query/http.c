/* SPDX-License-Identifier: MIT
 * http.c: gzip negotiation and compression, the CORS allow-list (http.h).
 */
#include "http.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ZLIB_CONST
#include <zlib.h>

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* The q-value of one Accept-Encoding element's parameters p[0..n)
 * (";q=0.5"); 1 when absent. */
static double qvalue(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != ';')
            continue;
        size_t j = i + 1;
        while (j < n && is_ows(p[j]))
            j++;
        if (j + 1 < n && (p[j] == 'q' || p[j] == 'Q') && p[j + 1] == '=') {
            char num[8] = "";
            size_t k = 0;
            for (j += 2; j < n && k + 1 < sizeof num && !is_ows(p[j]) &&
                         p[j] != ';';
                 j++)
                num[k++] = p[j];
            num[k] = '\0';
            return strtod(num, NULL);
        }
    }
    return 1.0;
}

int frs_http_accepts_gzip(const char *ae)
{
    if (!ae)
        return 0;
    double gzip = -1, star = -1;
    const char *p = ae;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        size_t a = 0;
        while (a < n && is_ows(p[a]))
            a++;
        size_t b = a;
        while (b < n && p[b] != ';' && !is_ows(p[b]))
            b++;
        double q = qvalue(p + b, n - b);
        if ((b - a == 4 && strncasecmp(p + a, "gzip", 4) == 0) ||
            (b - a == 6 && strncasecmp(p + a, "x-gzip", 6) == 0))
            gzip = q;
        else if (b - a == 1 && p[a] == '*')
            star = q;
        p += n + (end ? 1 : 0);
    }
    return gzip >= 0 ? gzip > 0 : star > 0;
}

frs_status_t frs_http_gzip(const void *in, size_t len, char **out,
                           size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    z_stream z;
    memset(&z, 0, sizeof z);
    /* 15 + 16: a gzip header and trailer; level 5: most of the gain of 9
     * at a fraction of its time */
    if (deflateInit2(&z, 5, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return FRS_ENOMEM;
    uLong cap = deflateBound(&z, (uLong)len);
    char *buf = malloc(cap ? cap : 1);
    if (!buf) {
        deflateEnd(&z);
        return FRS_ENOMEM;
    }
    z.next_in = (const Bytef *)in;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)buf;
    z.avail_out = (uInt)cap;
    int zr = deflate(&z, Z_FINISH);
    size_t n = z.total_out;
    deflateEnd(&z);
    if (zr != Z_STREAM_END) {
        free(buf);
        return FRS_EINTERNAL;
    }
    *out = buf;
    *outlen = n;
    return FRS_OK;
}

/* Is o[0..n) an origin: scheme "://" host, optional ":port", no path? */
static int is_origin(const char *o, size_t n)
{
    const char *sep = NULL;
    for (size_t i = 0; i + 3 <= n && !sep; i++)
        if (memcmp(o + i, "://", 3) == 0)
            sep = o + i;
    if (!sep || sep == o)
        return 0;
    for (const char *c = o; c < sep; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '+' || *c == '-' || *c == '.'))
            return 0;
    const char *h = sep + 3, *e = o + n;
    if (h == e)
        return 0;
    for (const char *c = h; c < e; c++)
        if (*c == '/' || *c == '?' || *c == '#' || *c == ' ' || *c == '*' ||
            (unsigned char)*c < 0x21 || (unsigned char)*c > 0x7e)
            return 0;
    return 1;
}

const char *frs_http_cors_check(const char *allow)
{
    if (!allow || !*allow)
        return "empty: say *, none, or the origins allowed";
    if (strlen(allow) > FRS_HTTP_MAX_CORS)
        return "too long";
    if (!strcmp(allow, "*") || !strcmp(allow, "none"))
        return NULL;
    for (const char *p = allow;;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (!is_origin(p, n))
            return "each origin is written scheme://host[:port], "
                   "comma-separated, with no path or spaces";
        if (!end)
            return NULL;
        p = end + 1;
    }
}

const char *frs_http_cors(const char *allow, const char *origin, int *vary)
{
    *vary = 0;
    if (!allow || !strcmp(allow, "none"))
        return NULL;
    if (!strcmp(allow, "*"))
        return "*";
    *vary = 1;
    if (!origin)
        return NULL;
    size_t on = strlen(origin);
    for (const char *p = allow;;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == on && memcmp(p, origin, n) == 0)
            return origin;
        if (!end)
            return NULL;
        p = end + 1;
    }
}
