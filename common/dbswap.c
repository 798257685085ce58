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

/* fsync path: 0, or -1 with errno set (this file's own use of errno). */
static int fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

frs_status_t frs_dbswap_fsync(const char *path, char **errmsg)
{
    *errmsg = NULL;
    if (fsync_path(path) != 0)
        return frs_fail(errmsg, FRS_EIO, "cannot sync %s: %s", path,
                        strerror(errno));
    return FRS_OK;
}

frs_status_t frs_dbswap_sync(const char *dir, char **errmsg)
{
    *errmsg = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return frs_fail(errmsg, FRS_EIO, "cannot read %s: %s", dir,
                        strerror(errno));
    struct dirent *e;
    frs_status_t rc = FRS_OK;
    while (rc == FRS_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *p = frs_dbswap_join(dir, '/', e->d_name);
        struct stat st;
        if (!p)
            rc = FRS_ENOMEM;
        else if (lstat(p, &st) == 0 && S_ISREG(st.st_mode))
            rc = frs_dbswap_fsync(p, errmsg);
        free(p);
    }
    closedir(d);
    return rc == FRS_OK ? frs_dbswap_fsync(dir, errmsg) : rc;
}

/* Best effort: a failure here leaves the change in place, only not yet
 * durable, and the next sync of the parent makes it so. */
static void sync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        fsync_path(".");
        return;
    }
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *p = strndup(path, n);
    if (!p)
        return;
    fsync_path(p);
    free(p);
}

frs_status_t frs_dbswap_exchange(const char *live, const char *fresh,
                                 char **errmsg)
{
    *errmsg = NULL;
    int exchange = frs_dbswap_exists(live);
    int rc = exchange
                 ? renameat2(AT_FDCWD, fresh, AT_FDCWD, live, RENAME_EXCHANGE)
                 : rename(fresh, live);
    if (rc != 0)
        return frs_fail(errmsg, FRS_EIO, "cannot %s %s %s %s: %s",
                        exchange ? "exchange" : "rename", fresh,
                        exchange ? "and" : "to", live, strerror(errno));
    sync_parent(live);
    return FRS_OK;
}

frs_status_t frs_dbswap_remove(const char *path, char **errmsg)
{
    *errmsg = NULL;
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT
                   ? FRS_OK
                   : frs_fail(errmsg, FRS_EIO, "cannot remove %s: %s", path,
                              strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return unlink(path) == 0
                   ? FRS_OK
                   : frs_fail(errmsg, FRS_EIO, "cannot remove %s: %s", path,
                              strerror(errno));
    DIR *d = opendir(path);
    if (!d)
        return frs_fail(errmsg, FRS_EIO, "cannot read %s: %s", path,
                        strerror(errno));
    struct dirent *e;
    frs_status_t rc = FRS_OK;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *p = frs_dbswap_join(path, '/', e->d_name), *why = NULL;
        frs_status_t r = p ? frs_dbswap_remove(p, &why) : FRS_ENOMEM;
        if (r != FRS_OK && rc == FRS_OK) {
            rc = r;
            *errmsg = why; /* the first failure */
            why = NULL;
        }
        free(why);
        free(p);
    }
    closedir(d);
    if (rmdir(path) != 0 && rc == FRS_OK)
        rc = frs_fail(errmsg, FRS_EIO, "cannot remove %s: %s", path,
                      strerror(errno));
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

frs_status_t frs_dbswap_lock(const char *live, int *fd, char **errmsg)
{
    *fd = -1;
    *errmsg = NULL;
    char *path = frs_dbswap_sibling(live, "lock");
    if (!path)
        return FRS_ENOMEM;
    frs_status_t rc = FRS_OK;
    int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (f < 0) {
        rc = frs_fail(errmsg, FRS_EIO, "cannot lock %s: %s", path,
                      strerror(errno));
    } else if (flock(f, LOCK_EX | LOCK_NB) != 0) {
        rc = errno == EWOULDBLOCK
                 ? frs_fail(errmsg, FRS_ELOCKED, "%s is held by another "
                            "process", path)
                 : frs_fail(errmsg, FRS_EIO, "cannot lock %s: %s", path,
                            strerror(errno));
        close(f);
    } else {
        *fd = f;
    }
    free(path);
    return rc;
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

frs_status_t frs_dbswap_mark(const char *dir, char **errmsg)
{
    *errmsg = NULL;
    char *m = frs_dbswap_join(dir, '/', FRS_DBSWAP_MARKER);
    if (!m)
        return FRS_ENOMEM;
    static const char text[] =
        "A work directory of frs-indexer (--rebuild, --compact): the next "
        "run removes it.\n";
    int fd = open(m, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int ok = fd >= 0 && write(fd, text, sizeof text - 1) ==
                            (ssize_t)(sizeof text - 1) && fsync(fd) == 0;
    frs_status_t rc = ok ? FRS_OK
                         : frs_fail(errmsg, FRS_EIO, "cannot write %s: %s", m,
                                    strerror(errno));
    if (fd >= 0)
        close(fd);
    free(m);
    return rc == FRS_OK ? frs_dbswap_fsync(dir, errmsg) : rc;
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
        if (!is_ours(work))
            return frs_fail(errmsg, FRS_EINVAL,
                            "%s exists and was not made by this indexer (it "
                            "holds no %s file): it is left alone; move it "
                            "away or remove it, then run again",
                            work, FRS_DBSWAP_MARKER);
        char *why = NULL;
        if (frs_dbswap_remove(work, &why) != FRS_OK) {
            frs_status_t rc = frs_fail(errmsg, FRS_EIO, "%s (left by a "
                                       "killed run)", why ? why : work);
            free(why);
            return rc;
        }
    }
    if (mkdir(work, 0755) != 0)
        return frs_fail(errmsg, FRS_EIO, "cannot create %s: %s", work,
                        strerror(errno));
    frs_status_t rc = frs_dbswap_mark(work, errmsg);
    if (rc == FRS_OK)
        sync_parent(work);
    return rc;
}
