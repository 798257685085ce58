/* SPDX-License-Identifier: MIT
 * shards.c: sharded index layout: the scheme file, routing keys, the list of
 * shard databases, the generated stub file and the layout's writer lock.
 * Plain POSIX file handling; no Xapian here.
 */
#include "shards.h"
#include "dbswap.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"

/* fsync dir after an entry was linked or renamed into it.  Best effort,
 * as before: the entry is in place either way, and Xapian's own commit
 * syncs the directory again. */
static void sync_dir(const char *dir)
{
    char *ignored = NULL;
    frs_dbswap_fsync(dir, &ignored);
    free(ignored);
}

frs_status_t frs_shards_parse(const char *text, frs_shard_scheme_t *out)
{
    out->kind = FRS_SHARD_BY_NONE;
    out->n = 0;
    if (!text)
        return FRS_EINVAL;
    if (strcmp(text, "year") == 0) {
        out->kind = FRS_SHARD_BY_YEAR;
        return FRS_OK;
    }
    if (strcmp(text, "month") == 0) {
        out->kind = FRS_SHARD_BY_MONTH;
        return FRS_OK;
    }
    if (strncmp(text, "hash:", 5) == 0) {
        const char *p = text + 5;
        unsigned long v = 0;
        if (!*p || strlen(p) > 4)
            return FRS_EINVAL;
        for (; *p; p++) {
            if (!isdigit((unsigned char)*p))
                return FRS_EINVAL;
            v = v * 10 + (unsigned long)(*p - '0');
        }
        if (v < 1 || v > FRS_SHARDS_MAX_HASH)
            return FRS_EINVAL;
        out->kind = FRS_SHARD_BY_HASH;
        out->n = (unsigned)v;
        return FRS_OK;
    }
    return FRS_EINVAL;
}

void frs_shards_format(const frs_shard_scheme_t *s, char *buf, size_t n)
{
    switch (s->kind) {
    case FRS_SHARD_BY_YEAR: snprintf(buf, n, "year"); break;
    case FRS_SHARD_BY_MONTH: snprintf(buf, n, "month"); break;
    case FRS_SHARD_BY_HASH: snprintf(buf, n, "hash:%u", s->n); break;
    default: snprintf(buf, n, "none"); break;
    }
}

int frs_shards_same(const frs_shard_scheme_t *a, const frs_shard_scheme_t *b)
{
    return a->kind == b->kind && (a->kind != FRS_SHARD_BY_HASH || a->n == b->n);
}

int frs_shards_can_move(const frs_shard_scheme_t *s)
{
    return s->kind == FRS_SHARD_BY_YEAR || s->kind == FRS_SHARD_BY_MONTH;
}

/* Digits of the hash keys: enough for n - 1, at least two. */
static int hash_width(unsigned n)
{
    int w = 1;
    for (unsigned v = n > 0 ? n - 1 : 0; v >= 10; v /= 10)
        w++;
    return w < 2 ? 2 : w;
}

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

void frs_shards_key(const frs_shard_scheme_t *s, const char *id,
                    const char *date, char key[FRS_SHARD_KEY_MAX])
{
    if (s->kind == FRS_SHARD_BY_HASH) {
        uint64_t h = frs_hash_update(FRS_HASH_INIT, id, strlen(id));
        unsigned v = (unsigned)(h % s->n) % 10000u;
        snprintf(key, FRS_SHARD_KEY_MAX, "h%0*u", hash_width(s->n) & 7, v);
        return;
    }
    /* the ingester only passes valid YYYY-MM-DD dates; be strict anyway */
    int dated = date && strlen(date) >= 7 && digits(date, 4) &&
                date[4] == '-' && digits(date + 5, 2);
    if (!dated)
        snprintf(key, FRS_SHARD_KEY_MAX, "%s", FRS_SHARD_UNDATED);
    else if (s->kind == FRS_SHARD_BY_MONTH)
        snprintf(key, FRS_SHARD_KEY_MAX, "%.7s", date);
    else
        snprintf(key, FRS_SHARD_KEY_MAX, "%.4s", date);
}

int frs_shards_valid_key(const frs_shard_scheme_t *s, const char *name)
{
    size_t n = strlen(name);
    switch (s->kind) {
    case FRS_SHARD_BY_YEAR:
        return strcmp(name, FRS_SHARD_UNDATED) == 0 ||
               (n == 4 && digits(name, 4));
    case FRS_SHARD_BY_MONTH:
        return strcmp(name, FRS_SHARD_UNDATED) == 0 ||
               (n == 7 && digits(name, 4) && name[4] == '-' &&
                digits(name + 5, 2) &&
                ((name[5] == '0' && name[6] >= '1') ||
                 (name[5] == '1' && name[6] <= '2')));
    case FRS_SHARD_BY_HASH: {
        int w = hash_width(s->n);
        if (n != (size_t)w + 1 || name[0] != 'h' || !digits(name + 1, n - 1))
            return 0;
        return strtoul(name + 1, NULL, 10) < s->n;
    }
    default:
        return 0;
    }
}

char *frs_shards_path(const char *dir, const char *name)
{
    return frs_dbswap_join(dir, '/', name);
}

frs_status_t frs_shards_read(const char *dir, frs_shard_scheme_t *out,
                             char **errmsg)
{
    out->kind = FRS_SHARD_BY_NONE;
    out->n = 0;
    *errmsg = NULL;
    char *path = frs_shards_path(dir, FRS_SHARDS_FILE);
    if (!path)
        return FRS_ENOMEM;
    FILE *f = fopen(path, "r");
    if (!f) {
        frs_status_t rc = errno == ENOENT || errno == ENOTDIR ? FRS_ENOTFOUND
                                                              : FRS_EIO;
        if (rc == FRS_EIO)
            frs_fail(errmsg, rc, "cannot read %s: %s", path, strerror(errno));
        free(path);
        return rc;
    }
    char line[256];
    frs_status_t rc = FRS_EINVAL;
    while (fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "\r\n");
        line[n] = '\0';
        while (n > 0 && isspace((unsigned char)line[n - 1]))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        rc = frs_shards_parse(line, out);
        break;
    }
    if (rc != FRS_OK)
        frs_fail(errmsg, rc, "%s: no valid shard scheme (year, month or "
                 "hash:N)", path);
    fclose(f);
    free(path);
    return rc;
}

/* Write text to a fresh temporary file tmp, synced. */
static int write_synced(const char *tmp, const char *text)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
        return -1;
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close(fd);
            unlink(tmp);
            return -1;
        }
        done += (size_t)w;
    }
    if (fsync(fd) != 0) {
        close(fd);
        unlink(tmp);
        return -1;
    }
    return close(fd);
}

frs_status_t frs_shards_create(const char *dir, const frs_shard_scheme_t *s,
                               char **errmsg)
{
    *errmsg = NULL;
    if (s->kind == FRS_SHARD_BY_NONE)
        return FRS_EINVAL;
    char want[32];
    frs_shards_format(s, want, sizeof want);
    frs_shard_scheme_t cur;
    frs_status_t rc = frs_shards_read(dir, &cur, errmsg);
    if (rc == FRS_OK) {
        if (frs_shards_same(&cur, s))
            return FRS_OK;
        char have[32];
        frs_shards_format(&cur, have, sizeof have);
        return frs_fail(errmsg, FRS_EINVAL, "%s is sharded by %s, not by %s; "
                        "change the scheme with --rebuild", dir, have, want);
    }
    if (rc != FRS_ENOTFOUND)
        return rc;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return frs_fail(errmsg, FRS_EIO, "cannot create %s: %s", dir,
                        strerror(errno));
    /* empty, or a work directory of a --rebuild (dbswap.h) */
    if (!frs_dbswap_empty_dir(dir))
        return frs_fail(errmsg, FRS_EINVAL, "%s already holds an unsharded "
                        "database or other files; to shard a database, "
                        "--rebuild it with --shard-by", dir);
    char *path = frs_shards_path(dir, FRS_SHARDS_FILE);
    char tmpname[64];
    snprintf(tmpname, sizeof tmpname, "%s.tmp.%ld", FRS_SHARDS_FILE,
             (long)getpid());
    char *tmp = frs_shards_path(dir, tmpname);
    char text[256];
    snprintf(text, sizeof text,
             "# frs sharded index: how articles are routed to shards "
             "(docs/scaling.md)\n%s\n", want);
    rc = FRS_OK;
    if (!path || !tmp) {
        rc = FRS_ENOMEM;
    } else if (write_synced(tmp, text) != 0) {
        rc = frs_fail(errmsg, FRS_EIO, "cannot write %s: %s", tmp,
                      strerror(errno));
    } else {
        /* link, not rename: of two indexers creating the layout at once,
         * the second finds the first one's file and compares schemes */
        int linked = link(tmp, path) == 0;
        int e = errno;
        unlink(tmp);
        if (!linked && e == EEXIST) {
            free(path);
            free(tmp);
            return frs_shards_create(dir, s, errmsg);
        }
        if (!linked)
            rc = frs_fail(errmsg, FRS_EIO, "cannot create %s: %s", path,
                          strerror(e));
        else
            sync_dir(dir);
    }
    free(path);
    free(tmp);
    return rc;
}

frs_status_t frs_shards_lock(const char *dir, int *fd)
{
    *fd = -1;
    char *path = frs_shards_path(dir, FRS_SHARDS_FILE);
    if (!path)
        return FRS_ENOMEM;
    /* If the index was replaced (--rebuild exchanges directories) while we
     * waited, the lock taken is the old one's: take the new one's. */
    for (int tries = 0; tries < 100; tries++) {
        int f = open(path, O_RDONLY | O_CLOEXEC);
        if (f < 0)
            break;
        if (flock(f, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            close(f);
            free(path);
            return e == EWOULDBLOCK ? FRS_ELOCKED : FRS_EIO;
        }
        struct stat a, b;
        if (fstat(f, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino) {
            free(path);
            *fd = f;
            return FRS_OK;
        }
        close(f);
    }
    free(path);
    return FRS_EIO;
}

void frs_shards_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* releases the flock */
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void frs_shards_free_keys(char **keys, size_t n)
{
    if (!keys)
        return;
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
}

frs_status_t frs_shards_list(const char *dir, const frs_shard_scheme_t *s,
                             char ***keys, size_t *n)
{
    *keys = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return FRS_EIO;
    char **v = NULL;
    size_t len = 0, cap = 0;
    frs_status_t rc = FRS_OK;
    struct dirent *e;
    while (rc == FRS_OK && (e = readdir(d)) != NULL) {
        if (!frs_shards_valid_key(s, e->d_name))
            continue;
        char p[4096];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s/iamglass", dir, e->d_name);
        if (stat(p, &st) != 0 || !S_ISREG(st.st_mode))
            continue; /* not (yet) a database */
        if (len == cap) {
            size_t c = cap ? cap * 2 : 16;
            char **nv = realloc(v, c * sizeof *nv);
            if (!nv) {
                rc = FRS_ENOMEM;
                break;
            }
            v = nv;
            cap = c;
        }
        if (!(v[len] = strdup(e->d_name)))
            rc = FRS_ENOMEM;
        else
            len++;
    }
    closedir(d);
    if (rc != FRS_OK) {
        frs_shards_free_keys(v, len);
        return rc;
    }
    if (len > 1)
        qsort(v, len, sizeof *v, by_str);
    *keys = v;
    *n = len;
    return FRS_OK;
}

frs_status_t frs_shards_write_stub(const char *dir, char *const *keys,
                                   size_t n)
{
    size_t cap = 128;
    for (size_t i = 0; i < n; i++)
        cap += strlen(keys[i]) + 8;
    char *text = malloc(cap);
    char *path = frs_shards_path(dir, FRS_SHARDS_STUB);
    char tmpname[64];
    snprintf(tmpname, sizeof tmpname, "%s.tmp.%ld", FRS_SHARDS_STUB,
             (long)getpid());
    char *tmp = frs_shards_path(dir, tmpname);
    frs_status_t rc = FRS_OK;
    if (!text || !path || !tmp) {
        rc = FRS_ENOMEM;
    } else {
        size_t at = (size_t)snprintf(text, cap, "# written by frs-indexer: "
                                     "one line per shard; do not edit\n");
        for (size_t i = 0; i < n; i++)
            at += (size_t)snprintf(text + at, cap - at, "auto %s\n", keys[i]);
        if (write_synced(tmp, text) != 0 || rename(tmp, path) != 0) {
            unlink(tmp);
            rc = FRS_EIO;
        } else {
            sync_dir(dir);
        }
    }
    free(text);
    free(path);
    free(tmp);
    return rc;
}

void frs_stub_free(frs_stub_entry_t *e, size_t n)
{
    if (!e)
        return;
    for (size_t i = 0; i < n; i++) {
        free(e[i].type);
        free(e[i].where);
        free(e[i].path);
    }
    free(e);
}

/* Resolve a local stub entry against the stub file's directory. */
static char *resolve(const char *stubfile, const char *where)
{
    if (where[0] == '/')
        return strdup(where);
    const char *slash = strrchr(stubfile, '/');
    if (!slash)
        return strdup(where);
    size_t dn = (size_t)(slash - stubfile) + 1;
    size_t m = dn + strlen(where) + 1;
    char *p = malloc(m);
    if (p)
        snprintf(p, m, "%.*s%s", (int)dn, stubfile, where);
    return p;
}

frs_status_t frs_stub_read(const char *path, frs_stub_entry_t **out,
                           size_t *n)
{
    *out = NULL;
    *n = 0;
    struct stat st;
    if (stat(path, &st) != 0)
        return errno == ENOENT || errno == ENOTDIR ? FRS_ENOTFOUND : FRS_EIO;
    char *file = S_ISDIR(st.st_mode) ? frs_shards_path(path, FRS_SHARDS_STUB)
                                     : strdup(path);
    if (!file)
        return FRS_ENOMEM;
    FILE *f = fopen(file, "r");
    if (!f) {
        frs_status_t rc = errno == ENOENT ? FRS_ENOTFOUND : FRS_EIO;
        free(file);
        return rc;
    }
    frs_stub_entry_t *v = NULL;
    size_t len = 0, cap = 0;
    frs_status_t rc = FRS_OK;
    char *line = NULL;
    size_t lcap = 0;
    while (rc == FRS_OK && getline(&line, &lcap, f) >= 0) {
        size_t ln = strcspn(line, "\r\n");
        line[ln] = '\0';
        if (ln == 0 || line[0] == '#')
            continue;
        if (strlen(line) != ln) { /* a NUL byte: a binary file, no stub */
            rc = FRS_ENOTFOUND;
            break;
        }
        const char *sp = strchr(line, ' ');
        if (len == cap) {
            size_t c = cap ? cap * 2 : 8;
            frs_stub_entry_t *nv = realloc(v, c * sizeof *nv);
            if (!nv) {
                rc = FRS_ENOMEM;
                break;
            }
            v = nv;
            cap = c;
        }
        frs_stub_entry_t *e = &v[len];
        e->type = sp ? strndup(line, (size_t)(sp - line)) : strdup(line);
        e->where = strdup(sp ? sp + 1 : "");
        e->path = NULL;
        if (!e->type || !e->where) {
            free(e->type);
            free(e->where);
            rc = FRS_ENOMEM;
            break;
        }
        len++;
        if (strcmp(e->type, "remote") != 0 && strcmp(e->type, "inmemory") != 0 &&
            e->where[0] && !(e->path = resolve(file, e->where)))
            rc = FRS_ENOMEM;
    }
    free(line);
    fclose(f);
    free(file);
    if (rc != FRS_OK) {
        frs_stub_free(v, len);
        return rc;
    }
    *out = v;
    *n = len;
    return FRS_OK;
}
