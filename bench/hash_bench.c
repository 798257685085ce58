/* SPDX-License-Identifier: MIT
 * hash_bench.c: what the article content hash costs, FNV-1a 64 (schema 1)
 * against XXH3-128 (schema 2), over the lines of a JSON Lines file taken
 * as the bytes of one article each.  Prints the median of 7 passes of
 * each, interleaved, in MB/s and ns per article.
 * Usage: hash_bench FILE.jsonl
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hash.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One pass over every line with one hash; the seconds it took.  *sink
 * keeps the results alive. */
static double pass(const char *data, const size_t *starts, size_t n,
                   int xxh, frs_hash128_t *h, unsigned *sink)
{
    double t0 = now();
    char hex[FRS_HASH128_HEX + 1];
    for (size_t i = 0; i < n; i++) {
        const char *p = data + starts[i];
        size_t len = starts[i + 1] - starts[i];
        if (xxh) {
            frs_hash128_reset(h);
            frs_hash128_update(h, p, len);
            frs_hash128_hex(h, hex);
        } else {
            frs_hash_hex(frs_hash_update(FRS_HASH_INIT, p, len), hex);
        }
        *sink += (unsigned char)hex[0];
    }
    return now() - t0;
}

int main(int argc, char **argv)
{
    FILE *f = argc == 2 ? fopen(argv[1], "rb") : NULL;
    if (!f) {
        fprintf(stderr, "usage: hash_bench FILE.jsonl\n");
        return 2;
    }
    fseek(f, 0, SEEK_END);
    size_t size = (size_t)ftell(f);
    rewind(f);
    char *data = malloc(size + 1);
    size_t *starts = malloc((size + 2) * sizeof *starts);
    if (!data || !starts || fread(data, 1, size, f) != size)
        return 1;
    fclose(f);
    size_t n = 0;
    starts[n++] = 0;
    for (size_t i = 0; i < size; i++)
        if (data[i] == '\n')
            starts[n++] = i + 1;
    if (starts[n - 1] != size)
        starts[n++] = size;
    n--; /* lines */
    frs_hash128_t *h = NULL;
    if (frs_hash128_new(&h) != FRS_OK)
        return 1;
    enum { RUNS = 7 };
    double t[2][RUNS];
    unsigned sink = 0;
    for (int r = 0; r < RUNS; r++)
        for (int k = 0; k < 2; k++)
            t[k][r] = pass(data, starts, n, k, h, &sink);
    printf("%zu articles, %.1f MB, median of %d passes (checksum %u)\n", n,
           size / 1e6, RUNS, sink % 10);
    const char *name[2] = {"FNV-1a 64 (schema 1)", "XXH3-128 (schema 2)"};
    double med[2];
    for (int k = 0; k < 2; k++) {
        qsort(t[k], RUNS, sizeof t[k][0], by_value);
        med[k] = t[k][RUNS / 2];
        printf("%-22s %8.1f MB/s %8.0f ns/article\n", name[k],
               size / 1e6 / med[k], med[k] / (double)n * 1e9);
    }
    printf("XXH3-128 / FNV-1a time: %.2f\n", med[1] / med[0]);
    frs_hash128_free(h);
    free(data);
    free(starts);
    return 0;
}
