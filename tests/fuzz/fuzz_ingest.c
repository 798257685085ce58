/* SPDX-License-Identifier: MIT
 * fuzz_ingest.c: arbitrary bytes as a JSON Lines line and as a text file.
 * The first byte chooses the reader; every delivered article is checked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static frs_status_t on_article(void *ctx, const frs_article_t *a)
{
    (void)ctx;
    if (!a->id || !a->id[0] || !a->body || strlen(a->body) != a->body_len)
        abort();
    if (!frs_utf8_valid(a->body, a->body_len))
        abort();
    if (a->date && strlen(a->date) < 10)
        abort();
    return FRS_OK;
}

static void on_report(void *ctx, frs_report_kind_t kind, const char *source,
                      unsigned long line, const char *id, const char *reason)
{
    (void)ctx;
    (void)kind;
    (void)line;
    (void)id;
    if (!source || !reason || !reason[0])
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    frs_ingest_t in = {on_article, on_report, NULL, 1 << 20, NULL};
    const char *p = (const char *)data + 1;
    if (data[0] & 1)
        frs_ingest_text(&in, "fuzz.txt", "fuzz.txt", p, size - 1);
    else
        frs_ingest_jsonl_line(&in, "fuzz.jsonl", 1, p, size - 1);
    return 0;
}
