/* SPDX-License-Identifier: MIT
 * main.c: the indexer command line.  Reads articles, indexes them into the
 * database, reports problems one line each, and turns the outcome into a
 * documented exit code.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "indexer.h"
#include "ingest.h"

enum {
    EXIT_OK = 0,
    EXIT_REJECTS = 1, /* completed; some inputs were rejected */
    EXIT_USAGE = 2,
    EXIT_SCHEMA = 3,  /* the database has another schema version */
    EXIT_FAIL = 4,    /* failed; the last committed index is intact */
    EXIT_LOCKED = 5   /* another indexer is writing the database */
};

typedef struct {
    frs_indexer_t *ix;
    unsigned long rejected, warnings;
    int verbose;
    FILE *log;
} run_t;

static const char *prog = "indexer";

static void usage(FILE *out)
{
    fprintf(out,
"Usage: %s -d DBDIR [OPTIONS] INPUT...\n"
"Index French news articles into a Xapian database (created if missing).\n"
"\n"
"INPUT is a JSON Lines file (.jsonl, .ndjson, .json), a plain-text file\n"
"(.txt), a directory of such files (recursively), or - for JSON Lines on\n"
"standard input.  Unchanged articles are skipped; changed ones replaced.\n"
"\n"
"  -d, --db DIR             database directory (required)\n"
"      --delete ID          delete the article ID (repeatable)\n"
"      --delete-from FILE   delete the article ids listed in FILE, one a line\n"
"      --passage-min N      merge paragraphs shorter than N words (default %u)\n"
"      --passage-max N      split passages longer than N words (default %u)\n"
"      --passage-overlap N  start each passage N words early (default %u)\n"
"      --batch N            commit every N changed articles (default %u)\n"
"      --max-article-bytes N  reject larger articles (default %u)\n"
"      --strict             any rejected input is a failure; commit nothing\n"
"      --wait SECONDS       wait this long for another indexer (default 0)\n"
"      --summary            print one summary line at the end\n"
"  -v, --verbose            report progress and warnings\n"
"  -h, --help               show this help\n"
"      --version            show the version\n"
"\n"
"Exit status: 0 success; 1 completed, some inputs rejected; 2 usage error;\n"
"3 incompatible database schema; 4 failure (the last committed index is\n"
"intact); 5 the database is locked by another indexer.\n",
            prog, FRS_PASSAGE_MIN_WORDS, FRS_PASSAGE_MAX_WORDS,
            FRS_PASSAGE_OVERLAP_WORDS, FRS_INDEXER_BATCH,
            FRS_INGEST_MAX_ARTICLE_BYTES);
}

static void on_report(void *ctx, frs_report_kind_t kind, const char *source,
                      unsigned long line, const char *id, const char *reason)
{
    run_t *r = ctx;
    if (kind == FRS_REPORT_REJECT)
        r->rejected++;
    else
        r->warnings++;
    char where[64] = "";
    if (line)
        snprintf(where, sizeof where, ":%lu", line);
    fprintf(stderr, "%s: %s: %s%s: %s%s%s%s\n", prog,
            kind == FRS_REPORT_REJECT ? "rejected" : "warning", source, where,
            id ? "article '" : "", id ? id : "", id ? "': " : "", reason);
}

static frs_status_t on_article(void *ctx, const frs_article_t *a)
{
    run_t *r = ctx;
    return frs_indexer_add(r->ix, a);
}

static int parse_uint(const char *s, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *s == '\0' || *end != '\0' || s[0] == '-' || v > 1000000000UL)
        return 0;
    *out = (unsigned)v;
    return 1;
}

static int delete_ids_from(run_t *r, const char *file)
{
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
    if (!f) {
        fprintf(stderr, "%s: cannot open %s: %s\n", prog, file,
                strerror(errno));
        return EXIT_FAIL;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int ex = EXIT_OK;
    while ((n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0)
            continue;
        if (frs_indexer_delete(r->ix, line, NULL) != FRS_OK) {
            fprintf(stderr, "%s: error: %s\n", prog,
                    frs_indexer_errmsg(r->ix));
            ex = EXIT_FAIL;
            break;
        }
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return ex;
}

int main(int argc, char **argv)
{
    enum { O_DELETE = 256, O_DELETE_FROM, O_PMIN, O_PMAX, O_POVER, O_BATCH,
           O_MAXBYTES, O_STRICT, O_WAIT, O_SUMMARY, O_VERSION };
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},
        {"delete", required_argument, 0, O_DELETE},
        {"delete-from", required_argument, 0, O_DELETE_FROM},
        {"passage-min", required_argument, 0, O_PMIN},
        {"passage-max", required_argument, 0, O_PMAX},
        {"passage-overlap", required_argument, 0, O_POVER},
        {"batch", required_argument, 0, O_BATCH},
        {"max-article-bytes", required_argument, 0, O_MAXBYTES},
        {"strict", no_argument, 0, O_STRICT},
        {"wait", required_argument, 0, O_WAIT},
        {"summary", no_argument, 0, O_SUMMARY},
        {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, O_VERSION},
        {0, 0, 0, 0}};
    const char *db = NULL;
    frs_indexer_opts_t o = {{FRS_PASSAGE_MIN_WORDS, FRS_PASSAGE_MAX_WORDS,
                             FRS_PASSAGE_OVERLAP_WORDS},
                            FRS_INDEXER_BATCH, 0, 0, 1};
    frs_ingest_t in = {0};
    in.max_article_bytes = FRS_INGEST_MAX_ARTICLE_BYTES;
    run_t r = {0};
    const char **deletes = calloc((size_t)argc + 1, sizeof *deletes);
    size_t ndeletes = 0;
    const char *delete_from = NULL;
    int strict = 0, summary = 0;
    unsigned wait_s = 0, v;
    int c;
    if (!deletes)
        return EXIT_FAIL;
    while ((c = getopt_long(argc, argv, "d:vh", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'v': r.verbose = 1; break;
        case 'h': usage(stdout); free(deletes); return EXIT_OK;
        case O_VERSION:
            printf("%s (frs) %s\n", prog, FRS_VERSION_STRING);
            free(deletes);
            return EXIT_OK;
        case O_DELETE: deletes[ndeletes++] = optarg; break;
        case O_DELETE_FROM: delete_from = optarg; break;
        case O_STRICT: strict = 1; break;
        case O_SUMMARY: summary = 1; break;
        case O_PMIN: case O_PMAX: case O_POVER: case O_BATCH:
        case O_MAXBYTES: case O_WAIT:
            if (!parse_uint(optarg, &v)) {
                fprintf(stderr, "%s: invalid number '%s' for --%s\n", prog,
                        optarg, opts[c - O_DELETE + 1].name);
                fprintf(stderr, "Try '%s --help'.\n", prog);
                free(deletes);
                return EXIT_USAGE;
            }
            if (c == O_PMIN) o.passage.min_words = v;
            else if (c == O_PMAX) o.passage.max_words = v;
            else if (c == O_POVER) o.passage.overlap_words = v;
            else if (c == O_BATCH) o.batch_articles = v ? v : 1;
            else if (c == O_MAXBYTES) in.max_article_bytes = v;
            else wait_s = v;
            break;
        default:
            fprintf(stderr, "Try '%s --help'.\n", prog);
            free(deletes);
            return EXIT_USAGE;
        }
    }
    const char *why = NULL;
    if (!db)
        why = "missing -d DBDIR";
    else if (optind == argc && ndeletes == 0 && !delete_from)
        why = "nothing to do: give INPUT files, --delete or --delete-from";
    else if (o.passage.max_words == 0 ||
             o.passage.min_words > o.passage.max_words)
        why = "--passage-min must not exceed --passage-max, which must be > 0";
    if (why) {
        fprintf(stderr, "%s: %s\nTry '%s --help'.\n", prog, why, prog);
        free(deletes);
        return EXIT_USAGE;
    }
    if (strict)
        o.batch_articles = (unsigned)-1; /* one transaction for the run */

    /* open, waiting up to --wait seconds for another writer */
    char *err = NULL;
    frs_status_t rc;
    time_t deadline = time(NULL) + (time_t)wait_s;
    for (;;) {
        rc = frs_indexer_open(db, &o, &r.ix, &err);
        if (rc != FRS_ELOCKED || time(NULL) >= deadline)
            break;
        free(err);
        err = NULL;
        usleep(200 * 1000);
    }
    if (rc != FRS_OK) {
        if (rc == FRS_ELOCKED)
            fprintf(stderr, "%s: %s is being written by another indexer "
                            "(waited %us); try again later or use --wait\n",
                    prog, db, wait_s);
        else
            fprintf(stderr, "%s: error: %s\n", prog,
                    err ? err : frs_strerror(rc));
        free(err);
        free(deletes);
        return rc == FRS_ELOCKED ? EXIT_LOCKED
               : rc == FRS_EVERSION ? EXIT_SCHEMA : EXIT_FAIL;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    in.article = on_article;
    in.report = on_report;
    in.ctx = &r;
    int ex = EXIT_OK;
    for (size_t i = 0; i < ndeletes && ex == EXIT_OK; i++) {
        int found;
        if (frs_indexer_delete(r.ix, deletes[i], &found) != FRS_OK) {
            fprintf(stderr, "%s: error: %s\n", prog, frs_indexer_errmsg(r.ix));
            ex = EXIT_FAIL;
        } else if (!found && r.verbose) {
            fprintf(stderr, "%s: no article '%s' to delete\n", prog,
                    deletes[i]);
        }
    }
    if (ex == EXIT_OK && delete_from)
        ex = delete_ids_from(&r, delete_from);
    for (int i = optind; i < argc && ex == EXIT_OK; i++) {
        rc = frs_ingest_path(&in, argv[i]);
        if (rc != FRS_OK) {
            fprintf(stderr, "%s: error while indexing %s: %s\n", prog,
                    argv[i], frs_indexer_errmsg(r.ix)[0]
                                 ? frs_indexer_errmsg(r.ix)
                                 : frs_strerror(rc));
            ex = EXIT_FAIL;
        }
    }
    if (ex == EXIT_OK && strict && r.rejected > 0) {
        fprintf(stderr, "%s: %lu input%s rejected; --strict: nothing "
                        "committed\n",
                prog, r.rejected, r.rejected > 1 ? "s" : "");
        ex = EXIT_FAIL;
    }
    if (ex == EXIT_OK && frs_indexer_commit(r.ix) != FRS_OK) {
        fprintf(stderr, "%s: error: %s\n", prog, frs_indexer_errmsg(r.ix));
        ex = EXIT_FAIL;
    }
    if (ex == EXIT_OK && r.rejected > 0)
        ex = EXIT_REJECTS;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) +
                  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    const frs_indexer_counts_t *k = frs_indexer_counts(r.ix);
    if (summary || r.verbose)
        fprintf(summary ? stdout : stderr,
                "added %lu, updated %lu, unchanged %lu, deleted %lu, "
                "rejected %lu, passages %lu, %.2f s%s\n",
                k->added, k->updated, k->unchanged, k->deleted, r.rejected,
                k->passages, secs,
                ex == EXIT_FAIL ? " (failed: last batch not committed)" : "");
    frs_indexer_free(r.ix);
    free(deletes);
    return ex;
}
