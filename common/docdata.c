/* SPDX-License-Identifier: MIT
 * docdata.c: article document data as JSON, through jansson.
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

static int set_opt(json_t *o, const char *key, const char *val)
{
    return !val || set_str(o, key, val, strlen(val));
}

char *frs_docdata_encode(const frs_docinfo_t *d, size_t *len)
{
    json_t *o = json_object();
    json_t *p = json_array();
    int ok = o && p;
    for (size_t i = 0; ok && i < d->npassages; i++) {
        const frs_passage_t *ps = &d->passages[i];
        ok = json_array_append_new(p, json_integer((json_int_t)ps->start)) ==
                 0 &&
             json_array_append_new(p, json_integer((json_int_t)ps->end)) ==
                 0 &&
             json_array_append_new(p, json_integer(ps->pos)) == 0;
    }
    ok = ok && set_str(o, "id", d->id, strlen(d->id)) &&
         set_opt(o, "title", d->title) && set_opt(o, "url", d->url) &&
         set_opt(o, "date", d->date) &&
         set_str(o, "body", d->body ? d->body : "", d->body_len) &&
         json_object_set(o, "p", p) == 0;
    json_decref(p);
    char *s = ok ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (s && len)
        *len = strlen(s);
    return s;
}

static int get_str(json_t *o, const char *key, char **out, size_t *len,
                   int required)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return !required;
    if (!json_is_string(v))
        return 0;
    size_t n = json_string_length(v);
    *out = malloc(n + 1);
    if (!*out)
        return 0;
    memcpy(*out, json_string_value(v), n + 1);
    if (len)
        *len = n;
    return 1;
}

/* The passage triples of p, checked against the body length. */
static frs_status_t get_passages(json_t *p, frs_docinfo_t *out)
{
    if (!json_is_array(p) || json_array_size(p) % 3 != 0)
        return FRS_ECORRUPT;
    size_t n = json_array_size(p) / 3;
    out->passages = calloc(n ? n : 1, sizeof *out->passages);
    if (!out->passages)
        return FRS_ENOMEM;
    size_t prev_end = 0;
    unsigned prev_pos = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *v[3];
        for (int k = 0; k < 3; k++) {
            v[k] = json_array_get(p, 3 * i + (size_t)k);
            if (!json_is_integer(v[k]) || json_integer_value(v[k]) < 0)
                return FRS_ECORRUPT;
        }
        frs_passage_t *ps = &out->passages[i];
        ps->start = (size_t)json_integer_value(v[0]);
        ps->end = (size_t)json_integer_value(v[1]);
        json_int_t pos = json_integer_value(v[2]);
        if (ps->start < prev_end || ps->end < ps->start ||
            ps->end > out->body_len || pos > (json_int_t)0xffffffffu ||
            (i > 0 && (unsigned)pos < prev_pos))
            return FRS_ECORRUPT;
        ps->pos = (unsigned)pos;
        prev_end = ps->end;
        prev_pos = ps->pos;
        out->npassages++;
    }
    return FRS_OK;
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
    frs_status_t rc = FRS_ECORRUPT;
    if (get_str(o, "id", &out->id, NULL, 1) &&
        get_str(o, "body", &out->body, &out->body_len, 1) &&
        get_str(o, "title", &out->title, NULL, 0) &&
        get_str(o, "url", &out->url, NULL, 0) &&
        get_str(o, "date", &out->date, NULL, 0))
        rc = get_passages(json_object_get(o, "p"), out);
    json_decref(o);
    if (rc != FRS_OK)
        frs_docinfo_clear(out);
    return rc;
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
