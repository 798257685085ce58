/* SPDX-License-Identifier: MIT
 * fuzz_qparse.c: arbitrary bytes as a query: parse, describe the tree, and
 * highlight a fixed French passage with it, as a passage and as a title.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "highlight.h"
#include "qparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *passage =
    "L’Église Saint-Martin rouvre : « un porte-monnaie » de 1 200 euros, "
    "3,5 % de plus qu’aujourd’hui, jusqu'à l'été <b>&</b>.";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static frs_analyzer_t *an;
    if (!an && frs_analyzer_new(&an) != FRS_OK)
        abort();
    frs_parsed_t *p = NULL;
    char *err = NULL;
    frs_status_t rc = frs_qparse(an, (const char *)data, size, NULL, &p, &err);
    if (rc == FRS_OK) {
        if (!p || !p->query || err)
            abort();
        char *d = frs_qnode_describe(p->query);
        if (!d)
            abort();
        free(d);
        frs_hl_opts_t o = {"<mark>", "</mark>", 1, 0};
        char *s = frs_highlight(an, passage, strlen(passage), p, &o);
        if (!s || !strstr(s, "&amp;") || strstr(s, "<b>"))
            abort(); /* the passage's '&' must come out escaped */
        free(s);
        s = frs_highlight_title(an, passage, strlen(passage), p, &o);
        if (!s || !strstr(s, "&amp;") || strstr(s, "<b>"))
            abort();
        free(s);
        frs_parsed_free(p);
    } else {
        if (p || (rc == FRS_EINVAL && !err))
            abort();
        free(err);
    }
    return 0;
}
