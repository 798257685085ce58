/* SPDX-License-Identifier: MIT
 * dbswap.c: atomic directory exchange and file-system helpers.
 */
#define _GNU_SOURCE /* renameat2 */ // NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
#include "dbswap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

char *frs_dbswap_join(const char *dir, char sep, const char *name)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    size_t m = n + strlen(name) + 2;
    char *p = malloc(m);
    if (p)
        snprintf(p, m, "%.*s%c%s", (int)n, dir, sep, name);
    return p;
}

char *frs_dbswap_sibling(const char *live, const char *tag)
{
    return frs_dbswap_join(live, '.', tag);
}

int frs_dbswap_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

int frs_dbswap_fsync(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

frs_status_t frs_dbswap_sync(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return FRS_EIO;
    struct dirent *e;
    int bad = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISREG(st.st_mode) && frs_dbswap_fsync(p) != 0)
            bad = 1;
    }
    closedir(d);
    if (frs_dbswap_fsync(dir) != 0)
        bad = 1;
    return bad ? FRS_EIO : FRS_OK;
}

static void sync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        frs_dbswap_fsync(".");
        return;
    }
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *p = strndup(path, n);
    if (!p)
        return;
    frs_dbswap_fsync(p);
    free(p);
}

frs_status_t frs_dbswap_exchange(const char *live, const char *fresh)
{
    int rc;
    if (frs_dbswap_exists(live))
        rc = renameat2(AT_FDCWD, fresh, AT_FDCWD, live, RENAME_EXCHANGE);
    else
        rc = rename(fresh, live);
    if (rc != 0)
        return FRS_EIO;
    sync_parent(live);
    return FRS_OK;
}

frs_status_t frs_dbswap_remove(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? FRS_OK : FRS_EIO;
    if (!S_ISDIR(st.st_mode))
        return unlink(path) == 0 ? FRS_OK : FRS_EIO;
    DIR *d = opendir(path);
    if (!d)
        return FRS_EIO;
    struct dirent *e;
    frs_status_t rc = FRS_OK;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", path, e->d_name);
        if (frs_dbswap_remove(p) != FRS_OK)
            rc = FRS_EIO;
    }
    closedir(d);
    if (rmdir(path) != 0)
        rc = FRS_EIO;
    return rc;
}

unsigned long long frs_dbswap_size(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return 0;
    if (!S_ISDIR(st.st_mode))
        return (unsigned long long)st.st_size;
    DIR *d = opendir(path);
    if (!d)
        return 0;
    unsigned long long total = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", path, e->d_name);
        total += frs_dbswap_size(p);
    }
    closedir(d);
    return total;
}

frs_status_t frs_dbswap_lock(const char *live, int *fd)
{
    *fd = -1;
    char *path = frs_dbswap_sibling(live, "lock");
    if (!path)
        return FRS_ENOMEM;
    int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    free(path);
    if (f < 0)
        return FRS_EIO;
    if (flock(f, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(f);
        errno = e;
        return e == EWOULDBLOCK ? FRS_ELOCKED : FRS_EIO;
    }
    *fd = f;
    return FRS_OK;
}

int frs_dbswap_empty_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *e;
    int other = 0;
    while (!other && (e = readdir(d)) != NULL)
        other = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
                strcmp(e->d_name, FRS_DBSWAP_MARKER) != 0;
    closedir(d);
    return !other;
}

static int is_ours(const char *work)
{
    struct stat st;
    if (lstat(work, &st) != 0 || !S_ISDIR(st.st_mode))
        return 0;
    char *m = frs_dbswap_join(work, '/', FRS_DBSWAP_MARKER);
    int ours = m && lstat(m, &st) == 0 && S_ISREG(st.st_mode);
    free(m);
    return ours || frs_dbswap_empty_dir(work);
}

static char *msgdup(const char *fmt, const char *a, const char *b)
{
    int n = snprintf(NULL, 0, fmt, a, b);
    char *p = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (p)
        snprintf(p, (size_t)n + 1, fmt, a, b);
    return p;
}

frs_status_t frs_dbswap_mark(const char *dir)
{
    char *m = frs_dbswap_join(dir, '/', FRS_DBSWAP_MARKER);
    if (!m)
        return FRS_ENOMEM;
    static const char text[] =
        "A work directory of frs-indexer (--rebuild, --compact): the next "
        "run removes it.\n";
    int fd = open(m, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int ok = fd >= 0 && write(fd, text, sizeof text - 1) ==
                            (ssize_t)(sizeof text - 1) && fsync(fd) == 0;
    int e = errno;
    if (fd >= 0)
        close(fd);
    free(m);
    if (ok && frs_dbswap_fsync(dir) != 0) {
        e = errno;
        ok = 0;
    }
    errno = e;
    return ok ? FRS_OK : FRS_EIO;
}

void frs_dbswap_unmark(const char *dir)
{
    char *m = frs_dbswap_join(dir, '/', FRS_DBSWAP_MARKER);
    if (m)
        unlink(m);
    free(m);
}

frs_status_t frs_dbswap_claim(const char *work, char **errmsg)
{
    *errmsg = NULL;
    if (frs_dbswap_exists(work)) {
        if (!is_ours(work)) {
            *errmsg = msgdup("%s exists and was not made by this indexer "
                             "(it holds no %s file): it is left alone; move "
                             "it away or remove it, then run again",
                             work, FRS_DBSWAP_MARKER);
            return FRS_EINVAL;
        }
        if (frs_dbswap_remove(work) != FRS_OK) {
            *errmsg = msgdup("cannot remove %s (left by a killed run): %s",
                             work, strerror(errno));
            return FRS_EIO;
        }
    }
    if (mkdir(work, 0755) != 0 || frs_dbswap_mark(work) != FRS_OK) {
        *errmsg = msgdup("cannot create %s: %s", work, strerror(errno));
        return FRS_EIO;
    }
    sync_parent(work);
    return FRS_OK;
}
