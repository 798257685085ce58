/* SPDX-License-Identifier: MIT
 * schema.c: the one check of a database's recorded versions, shared by
 * indexer and query, so that both refuse the same databases with the same
 * advice.
 */
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"

int frs_schema_compatible(const char *schema, const char *analyzer)
{
    char want_s[16], want_a[16];
    snprintf(want_s, sizeof want_s, "%d", FRS_SCHEMA_VERSION);
    snprintf(want_a, sizeof want_a, "%d", FRS_ANALYZER_VERSION);
    return strcmp(schema, want_s) == 0 && strcmp(analyzer, want_a) == 0;
}

frs_status_t frs_schema_check(const char *path, const char *dbdir,
                              const char *schema, const char *analyzer,
                              char **errmsg)
{
    *errmsg = NULL;
    if (frs_schema_compatible(schema, analyzer))
        return FRS_OK;
    char want_s[16], want_a[16];
    snprintf(want_s, sizeof want_s, "%d", FRS_SCHEMA_VERSION);
    snprintf(want_a, sizeof want_a, "%d", FRS_ANALYZER_VERSION);
    const char *fmt = "%s: incompatible database: it has schema %s, "
                      "analyzer %s; this version reads and writes schema %s, "
                      "analyzer %s: rebuild it from its inputs with "
                      "'indexer -d %s --rebuild INPUT...'";
    const char *s = schema[0] ? schema : "none";
    const char *a = analyzer[0] ? analyzer : "none";
    int n = snprintf(NULL, 0, fmt, path, s, a, want_s, want_a, dbdir);
    if (n > 0 && (*errmsg = malloc((size_t)n + 1)) != NULL)
        snprintf(*errmsg, (size_t)n + 1, fmt, path, s, a, want_s, want_a,
                 dbdir);
    return FRS_EVERSION;
}
