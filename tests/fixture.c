/* SPDX-License-Identifier: MIT
 * fixture.c: scratch directories and small real databases for the unit
 * tests (fixture.h).
 */
#include "fixture.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *frs_test_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (!p)
        abort();
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

char *frs_test_tmpdir(const char *tag)
{
    const char *tmp = getenv("TMPDIR");
    char name[64];
    snprintf(name, sizeof name, "frs-%s-XXXXXX", tag);
    char *dir = frs_test_join(tmp && *tmp ? tmp : "/tmp", name);
    if (!mkdtemp(dir)) {
        free(dir);
        return NULL;
    }
    return dir;
}

int frs_test_rmtree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *sub = frs_test_join(path, e->d_name);
        if (frs_test_rmtree(sub) != 0)
            rc = -1;
        free(sub);
    }
    closedir(d);
    return rmdir(path) == 0 ? rc : -1;
}

/* The whole of f (rewound, then closed) into buf[0..n). */
static void slurp(FILE *f, char *buf, size_t n)
{
    rewind(f);
    size_t got = fread(buf, 1, n - 1, f);
    buf[got] = '\0';
    fclose(f);
}

int frs_test_cli(frs_test_main_fn fn, char **argv, const char *input,
                 char *out, size_t outsz, char *err, size_t errsz)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    FILE *in = tmpfile(), *o = tmpfile(), *e = tmpfile();
    if (!in || !o || !e) {
        if (in) fclose(in);
        if (o) fclose(o);
        if (e) fclose(e);
        return -1;
    }
    if (input)
        fputs(input, in);
    rewind(in);
    int ex = fn(argc, argv, in, o, e);
    fclose(in);
    slurp(o, out, outsz);
    slurp(e, err, errsz);
    return ex;
}

int frs_test_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int ok = fputs(text, f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

frs_indexer_opts_t frs_test_indexer_opts(void)
{
    return (frs_indexer_opts_t){
        .passage = {.min_words = 5, .max_words = 40},
        .batch_articles = 100,
        .create = 1,
    };
}

frs_article_t frs_test_article(const char *id, const char *title,
                               const char *url, const char *date,
                               const char *body)
{
    return (frs_article_t){
        .source = "t",
        .line = 1,
        .id = id,
        .title = title,
        .url = url,
        .date = date,
        .body = body,
        .body_len = strlen(body),
    };
}

frs_status_t frs_test_build(const char *path, const frs_test_doc_t *docs,
                            size_t n, char **errmsg)
{
    *errmsg = NULL;
    frs_indexer_opts_t o = frs_test_indexer_opts();
    frs_indexer_t *ix = NULL;
    frs_status_t rc = frs_indexer_open(path, &o, &ix, errmsg);
    for (size_t i = 0; rc == FRS_OK && i < n; i++) {
        frs_article_t a = frs_test_article(docs[i].id, docs[i].title,
                                           docs[i].url, docs[i].date,
                                           docs[i].body);
        rc = frs_indexer_add(ix, &a);
    }
    if (rc == FRS_OK)
        rc = frs_indexer_commit(ix);
    if (rc != FRS_OK && ix && !*errmsg)
        *errmsg = strdup(frs_indexer_errmsg(ix));
    frs_indexer_free(ix);
    return rc;
}

int frs_test_tmpdb(const char *tag, const frs_test_doc_t *docs, size_t n,
                   char **root, char **db)
{
    *db = NULL;
    if (!(*root = frs_test_tmpdir(tag))) {
        fprintf(stderr, "fixture: cannot make a scratch directory\n");
        return -1;
    }
    *db = frs_test_join(*root, "db");
    char *err = NULL;
    frs_status_t rc = frs_test_build(*db, docs, n, &err);
    if (rc != FRS_OK)
        fprintf(stderr, "fixture: %s: %s\n", *db,
                err ? err : frs_strerror(rc));
    free(err);
    return rc == FRS_OK ? 0 : -1;
}

int frs_test_tmpdir_free(char **root)
{
    int rc = *root ? frs_test_rmtree(*root) : 0;
    free(*root);
    *root = NULL;
    return rc;
}

int frs_test_tmpdb_free(char **root, char **db)
{
    free(*db);
    *db = NULL;
    return frs_test_tmpdir_free(root);
}
