/* SPDX-License-Identifier: MIT
 * docdata.c: passage document data as JSON, through jansson.
 */
#include "docdata.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static int set_str(json_t *o, const char *key, const char *val, size_t len)
{
    json_t *s = json_stringn(val, len);
    return s && json_object_set_new(o, key, s) == 0;
}

char *frs_docdata_encode(const char *id, unsigned passage, unsigned npassages,
                         const char *title, const char *url, const char *date,
                         const char *text, size_t text_len, size_t *len)
{
    json_t *o = json_object();
    int ok = o != NULL && set_str(o, "id", id, strlen(id)) &&
             json_object_set_new(o, "n", json_integer(passage)) == 0 &&
             json_object_set_new(o, "of", json_integer(npassages)) == 0 &&
             (!title || set_str(o, "title", title, strlen(title))) &&
             (!url || set_str(o, "url", url, strlen(url))) &&
             (!date || set_str(o, "date", date, strlen(date))) &&
             set_str(o, "text", text, text_len);
    char *s = ok ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (s && len)
        *len = strlen(s);
    return s;
}

static int get_str(json_t *o, const char *key, char **out, int required)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return !required;
    if (!json_is_string(v))
        return 0;
    *out = strdup(json_string_value(v));
    return *out != NULL;
}

frs_status_t frs_docdata_decode(const char *data, size_t len,
                                frs_docinfo_t *out)
{
    memset(out, 0, sizeof *out);
    json_t *o = json_loadb(data, len, 0, NULL);
    if (!o || !json_is_object(o)) {
        json_decref(o);
        return FRS_ECORRUPT;
    }
    json_t *n = json_object_get(o, "n"), *of = json_object_get(o, "of");
    int ok = get_str(o, "id", &out->id, 1) && get_str(o, "text", &out->text, 1) &&
             get_str(o, "title", &out->title, 0) &&
             get_str(o, "url", &out->url, 0) &&
             get_str(o, "date", &out->date, 0) && json_is_integer(n) &&
             json_is_integer(of);
    if (ok) {
        out->passage = (unsigned)json_integer_value(n);
        out->npassages = (unsigned)json_integer_value(of);
    }
    json_decref(o);
    if (!ok) {
        frs_docinfo_clear(out);
        return FRS_ECORRUPT;
    }
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
    free(d->text);
    memset(d, 0, sizeof *d);
}
