/* SPDX-License-Identifier: MIT
 * layout.c: the index layout (layout.h): the scheme file, routing keys, the
 * list of shard databases, stub files (read and written), the writer lock
 * of any kind of index, syncing before a switch, and statistics.  Plain
 * POSIX file handling, and Xapian only through xdb.h.
 */
#include "layout.h"
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
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "schema.h"

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

/* ---------- a whole index ---------- */

void frs_layout_info_clear(frs_layout_info_t *info)
{
    free(info->index);
    memset(info, 0, sizeof *info);
}

/* Is path shard KEY of a sharded index (its parent directory)?  Then the
 * parent's path goes to info->index. */
static frs_status_t find_parent(const char *path, frs_layout_info_t *info)
{
    char *p = strdup(path);
    if (!p)
        return FRS_ENOMEM;
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = '\0';
    char *slash = strrchr(p, '/');
    const char *base = slash ? slash + 1 : p;
    char *up = slash ? strndup(p, slash == p ? 1 : (size_t)(slash - p))
                     : strdup(".");
    frs_shard_scheme_t s;
    char *ignored = NULL;
    frs_status_t rc = up ? FRS_OK : FRS_ENOMEM;
    if (rc == FRS_OK && frs_shards_read(up, &s, &ignored) == FRS_OK &&
        frs_shards_valid_key(&s, base) && strlen(base) < FRS_SHARD_KEY_MAX) {
        snprintf(info->key, sizeof info->key, "%s", base);
        info->index = up;
        up = NULL;
    }
    free(ignored);
    free(up);
    free(p);
    return rc;
}

frs_status_t frs_layout_probe(const char *path, frs_layout_info_t *out,
                              char **errmsg)
{
    memset(out, 0, sizeof *out);
    frs_status_t rc = frs_shards_read(path, &out->scheme, errmsg);
    if (rc == FRS_OK) {
        out->kind = FRS_LAYOUT_SHARDED;
    } else if (rc == FRS_ENOTFOUND) {
        frs_stub_entry_t *e = NULL;
        size_t n = 0;
        rc = frs_stub_read(path, &e, &n);
        frs_stub_free(e, n);
        out->kind = rc == FRS_OK               ? FRS_LAYOUT_STUB
                    : frs_dbswap_exists(path) ? FRS_LAYOUT_DATABASE
                                              : FRS_LAYOUT_MISSING;
        rc = rc == FRS_ENOMEM ? FRS_ENOMEM : FRS_OK;
    }
    if (rc == FRS_OK)
        rc = find_parent(path, out);
    if (rc != FRS_OK)
        frs_layout_info_clear(out);
    return rc;
}

struct frs_layout_lock {
    frs_layout_kind_t kind;
    frs_xdb_t *db; /* one database: its writer holds Xapian's lock */
    int fd;        /* a sharded index's, or "<path>.lock": a flock */
};

/* One attempt at taking l's lock on path. */
static frs_status_t lock_once(frs_layout_lock_t *l, const char *path,
                              char **errmsg)
{
    free(*errmsg);
    *errmsg = NULL;
    switch (l->kind) {
    case FRS_LAYOUT_MISSING:
        return frs_dbswap_lock(path, &l->fd, errmsg);
    case FRS_LAYOUT_SHARDED: {
        frs_status_t rc = frs_shards_lock(path, &l->fd);
        if (rc == FRS_ELOCKED)
            return frs_fail(errmsg, rc, "%s is being written by another "
                            "indexer", path);
        if (rc != FRS_OK)
            return frs_fail(errmsg, rc, "%s: cannot lock the sharded index",
                            path);
        return FRS_OK;
    }
    default:
        return frs_xdb_open(path, 0, &l->db, errmsg);
    }
}

frs_status_t frs_layout_lock(const char *path, unsigned wait_s,
                             frs_layout_lock_t **out, char **errmsg)
{
    *out = NULL;
    *errmsg = NULL;
    frs_layout_info_t info;
    frs_status_t rc = frs_layout_probe(path, &info, errmsg);
    if (rc != FRS_OK)
        return rc;
    frs_layout_kind_t kind = info.kind;
    frs_layout_info_clear(&info);
    frs_layout_lock_t *l = calloc(1, sizeof *l);
    if (!l)
        return FRS_ENOMEM;
    l->kind = kind == FRS_LAYOUT_STUB ? FRS_LAYOUT_DATABASE : kind;
    l->fd = -1;
    time_t deadline = time(NULL) + (time_t)wait_s;
    while ((rc = lock_once(l, path, errmsg)) == FRS_ELOCKED &&
           time(NULL) < deadline)
        usleep(200 * 1000);
    if (rc != FRS_OK) {
        frs_layout_unlock(l);
        return rc;
    }
    *out = l;
    return FRS_OK;
}

frs_layout_kind_t frs_layout_lock_kind(const frs_layout_lock_t *l)
{
    return l->kind;
}

void frs_layout_unlock(frs_layout_lock_t *l)
{
    if (!l)
        return;
    frs_xdb_free(l->db);
    frs_shards_unlock(l->fd);
    free(l);
}

frs_status_t frs_layout_sync(const char *path, char **errmsg)
{
    *errmsg = NULL;
    frs_shard_scheme_t s;
    frs_status_t rc = frs_shards_read(path, &s, errmsg);
    if (rc == FRS_ENOTFOUND)
        return frs_dbswap_sync(path, errmsg);
    if (rc != FRS_OK)
        return rc;
    char **keys = NULL;
    size_t n = 0;
    rc = frs_shards_list(path, &s, &keys, &n);
    if (rc != FRS_OK)
        return frs_fail(errmsg, rc, "cannot list the shards of %s", path);
    for (size_t i = 0; rc == FRS_OK && i < n; i++) {
        char *p = frs_shards_path(path, keys[i]);
        rc = p ? frs_dbswap_sync(p, errmsg) : FRS_ENOMEM;
        free(p);
    }
    frs_shards_free_keys(keys, n);
    return rc == FRS_OK ? frs_dbswap_sync(path, errmsg) : rc;
}

/* ---------- statistics ---------- */

/* Metadata value of key, "" when unset or unreadable (never NULL unless
 * out of memory). */
static char *meta(frs_xr_t *xr, const char *key)
{
    char *v = NULL;
    if (frs_xr_get_metadata(xr, key, &v) != FRS_OK) {
        free(v);
        return strdup("");
    }
    return v;
}

static long long count_of(const char *v)
{
    return v && v[0] ? strtoll(v, NULL, 10) : -1;
}

/* One local shard of a stub, opened on its own; *compatible cleared when
 * it holds articles of another version. */
static void local_shard(frs_layout_shard_t *sh, const char *path,
                        int *compatible)
{
    sh->local = 1;
    sh->articles = -1;
    sh->size_bytes = frs_dbswap_size(path);
    frs_xr_t *xr = NULL;
    frs_xr_stats_t xs;
    frs_status_t rc = frs_xr_open(path, &xr, &sh->error);
    if (rc == FRS_OK && (rc = frs_xr_stats(xr, &xs)) != FRS_OK)
        sh->error = strdup(frs_xr_errmsg(xr));
    if (rc == FRS_OK) {
        char *arts = meta(xr, FRS_META_ARTICLES);
        char *schema = meta(xr, FRS_META_SCHEMA);
        char *anv = meta(xr, FRS_META_ANALYZER);
        sh->last_update = meta(xr, FRS_META_UPDATED);
        sh->articles = count_of(arts);
        if (xs.doccount > 0 &&
            !frs_schema_compatible(schema ? schema : "", anv ? anv : ""))
            *compatible = 0;
        free(arts);
        free(schema);
        free(anv);
    } else if (!sh->error) {
        sh->error = strdup(frs_strerror(rc));
    }
    frs_xr_free(xr);
}

/* The lines of the stub at path, each local one opened on its own. */
static frs_status_t stub_shards(const char *path, frs_layout_stats_t *st)
{
    frs_stub_entry_t *e = NULL;
    size_t n = 0;
    frs_status_t rc = frs_stub_read(path, &e, &n);
    if (rc != FRS_OK)
        return rc == FRS_ENOMEM ? rc : FRS_OK; /* no stub */
    st->stub = 1;
    st->shards = calloc(n ? n : 1, sizeof *st->shards);
    if (!st->shards) {
        frs_stub_free(e, n);
        return FRS_ENOMEM;
    }
    st->nshards = n;
    st->size_bytes = 0; /* local shards only: remote ones are elsewhere */
    for (size_t i = 0; i < n; i++) {
        frs_layout_shard_t *sh = &st->shards[i];
        sh->type = strdup(e[i].type);
        sh->location = strdup(e[i].where);
        if (!e[i].path) {
            st->nremote++;
            continue;
        }
        st->nlocal++;
        local_shard(sh, e[i].path, &st->compatible);
        st->size_bytes += sh->size_bytes;
    }
    frs_stub_free(e, n);
    return FRS_OK;
}

/* Keep the latest frs.updated of any shard, local or remote. */
static void on_updated(void *ctx, const char *shard, int remote,
                       const char *value)
{
    char **latest = ctx;
    (void)shard;
    (void)remote;
    if (*latest && strcmp(value, *latest) > 0) {
        free(*latest);
        *latest = strdup(value);
    }
}

/* Fill *st from the reader xr of the index at path. */
static frs_status_t stats_of(const char *path, frs_xr_t *xr, unsigned flags,
                             frs_layout_stats_t *st, char **errmsg)
{
    frs_xr_stats_t xs;
    frs_status_t rc = frs_xr_stats(xr, &xs);
    if (rc == FRS_OK && (flags & FRS_LAYOUT_STATS_TERMS))
        rc = frs_xr_count_terms(xr, "", &st->distinct_terms);
    if (rc != FRS_OK)
        return frs_fail(errmsg, rc, "%s: %s", path, frs_xr_errmsg(xr));
    st->avlength = xs.avlength;
    st->schema = meta(xr, FRS_META_SCHEMA);
    st->analyzer = meta(xr, FRS_META_ANALYZER);
    st->settings = meta(xr, FRS_META_SETTINGS);
    st->last_update = meta(xr, FRS_META_UPDATED);
    char *arts = meta(xr, FRS_META_ARTICLES);
    st->articles = count_of(arts);
    free(arts);
    if (!st->schema || !st->analyzer || !st->settings || !st->last_update)
        return FRS_ENOMEM;
    st->size_bytes = frs_dbswap_size(path);
    st->compatible = frs_schema_compatible(st->schema, st->analyzer);
    rc = stub_shards(path, st);
    if (rc != FRS_OK || !st->stub)
        return rc;
    /* a stub: the metadata above is its first shard's; the articles are
     * the documents of every shard (one document an article), the last
     * update the latest of any shard, remote ones included */
    st->articles = (long long)xs.doccount;
    rc = frs_xr_each_shard_metadata(xr, FRS_META_UPDATED, on_updated,
                                    &st->last_update);
    if (rc != FRS_OK)
        return frs_fail(errmsg, rc, "%s: %s", path, frs_xr_errmsg(xr));
    return st->last_update ? FRS_OK : FRS_ENOMEM;
}

frs_status_t frs_layout_stats(const char *path, frs_xr_t *xr, unsigned flags,
                              frs_layout_stats_t *out, char **errmsg)
{
    memset(out, 0, sizeof *out);
    *errmsg = NULL;
    frs_xr_t *own = NULL;
    if (!xr) {
        frs_status_t rc = frs_xr_open(path, &own, errmsg);
        if (rc != FRS_OK)
            return rc;
        xr = own;
    }
    frs_status_t rc = stats_of(path, xr, flags, out, errmsg);
    frs_xr_free(own);
    return rc;
}

void frs_layout_stats_clear(frs_layout_stats_t *st)
{
    for (size_t i = 0; i < st->nshards; i++) {
        free(st->shards[i].type);
        free(st->shards[i].location);
        free(st->shards[i].error);
        free(st->shards[i].last_update);
    }
    free(st->shards);
    free(st->schema);
    free(st->analyzer);
    free(st->settings);
    free(st->last_update);
    memset(st, 0, sizeof *st);
}
