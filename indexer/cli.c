/* SPDX-License-Identifier: MIT
 * cli.c: the indexer command line (cli.h).  Parses the options into a run
 * (run.h), says its messages (stderr, the --log file, a progress line when
 * stderr is a terminal), prints the summary every run ends with, and turns
 * the run's status into a documented exit code.  Quiet on success, for
 * cron.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dbswap.h"
#include "exitcodes.h"
#include "ingest.h"
#include "passage.h"
#include "run.h"

static const char *prog = "indexer";

typedef struct {
    FILE *in, *out, *err;
    int verbose, summary, json_summary;
    const char *log_path;
    FILE *log;
    int log_failed;             /* a write to the log failed (said once) */
    const char *shard_by_text;  /* --shard-by, or NULL */
    frs_shard_scheme_t shard_by;
    const char **deletes;
    frs_run_opts_t o;
    char error[4200];           /* an error of the command line itself */
    int progress;               /* draw a progress line (err is a tty) */
    unsigned long long total_bytes;
    struct timespec t0, drawn;
} cli_t;

static void usage(FILE *out)
{
    fprintf(out,
"Usage: %s -d DBDIR [OPTIONS] INPUT...\n"
"       %s -d DBDIR --compact\n"
"Index French news articles into a Xapian database (created if missing).\n"
"\n"
"INPUT is a JSON Lines file (.jsonl, .ndjson, .json, each optionally .gz),\n"
"a plain-text file (.txt), a directory of such files (recursively; other\n"
"files are counted and named with -v), or - for JSON Lines on standard\n"
"input.  An INPUT missing, unreadable or of another type fails the run.\n"
"Unchanged articles are skipped; changed ones replaced; of several copies\n"
"of an id in one run the first is kept (a warning names both).\n"
"\n"
"  -d, --db DIR             database directory (required)\n"
"      --rebuild            build a new database from INPUT beside the live\n"
"                           one and switch to it atomically when complete\n"
"      --jobs N             --rebuild on N cores (default: all of them)\n"
"      --prune              delete articles absent from every INPUT (not\n"
"                           when an input could not be read or a line lost\n"
"                           its id; never more than --max-prune)\n"
"      --max-prune N|N%%     the most articles one --prune may delete, as a\n"
"                           number or a percentage of those indexed\n"
"                           (default %d%%; more fails the run, exit 4)\n"
"      --delete ID          delete the article ID (repeatable)\n"
"      --delete-from FILE   delete the article ids listed in FILE, one a line\n"
"      --compact            compact the database and switch atomically\n"
"                           (sharded: every shard but the newest)\n"
"      --auto-compact RATIO after a run that changed an unsharded database,\n"
"                           compact it (as --compact) when it exceeds RATIO\n"
"                           times its size at the last compaction or full\n"
"                           build, scaled by its article count (default\n"
"                           %.1f; 0: never)\n"
"      --shard-by SCHEME    make DBDIR a sharded index: one database per\n"
"                           year, per month, or hash:N (N shards by id);\n"
"                           later runs need no option (docs/scaling.md)\n"
"      --passage-min N      merge whole paragraphs into passages of at least\n"
"                           N words (default %d)\n"
"      --passage-max N      ... and at most N words; a longer paragraph is cut\n"
"                           at sentence ends (default %d)\n"
"      --batch N            commit every N changed articles (default %d,\n"
"                           %d with --rebuild, which commits without fsync)\n"
"      --max-article-bytes N  reject larger articles (default %u)\n"
"      --strict             any rejected input is a failure; commit nothing\n"
"      --wait SECONDS       wait this long for another indexer (default 0)\n"
"      --summary            print one summary line on stdout at the end\n"
"                           (of every run: failed, locked or not)\n"
"      --json-summary       print the summary as one JSON object on stdout\n"
"      --log FILE           also append every message, timestamped, to FILE\n"
"  -v, --verbose            report progress and the summary on stderr\n"
"  -h, --help               show this help\n"
"      --version            show the version\n"
"\n"
"Exit status (the same numbers as query's): 0 success; 1 completed, some\n"
"articles rejected; 2 usage error; 3 incompatible database schema\n"
"(--rebuild it); 4 failure: an INPUT could not be read, --prune refused,\n"
"or an error (what was committed is whole); 5 busy: the database is\n"
"locked by another indexer.  Every run writes its --summary /\n"
"--json-summary, failed or not.\n",
            prog, prog, FRS_PRUNE_DEFAULT_PERCENT, FRS_RUN_AUTO_COMPACT,
            FRS_PASSAGE_MIN_WORDS,
            FRS_PASSAGE_MAX_WORDS,
            FRS_INDEXER_BATCH, FRS_INDEXER_BULK_BATCH,
            FRS_INGEST_MAX_ARTICLE_BYTES);
}

/* ---------- messages ---------- */

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) +
           (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void clear_progress(cli_t *c)
{
    if (c->progress)
        fputs("\r\x1b[K", c->err);
}

/* Append msg, timestamped, to the log file if there is one. */
static void to_log(cli_t *c, const char *msg)
{
    if (!c->log)
        return;
    char ts[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
    fprintf(c->log, "%s %s[%d]: %s\n", ts, prog, (int)getpid(), msg);
    if (fflush(c->log) != 0 && !c->log_failed) {
        /* a full disk must not take the diagnostics with it unsaid */
        c->log_failed = 1;
        fprintf(c->err, "%s: warning: cannot write to the log %s: %s\n",
                prog, c->log_path, strerror(errno));
    }
}

/* Every message: to err (details only with -v), and to the log. */
static void on_say(void *ctx, frs_say_level_t level, const char *msg)
{
    cli_t *c = ctx;
    char line[1100];
    snprintf(line, sizeof line, "%s%s", level == FRS_SAY_ERROR ? "error: " : "",
             msg);
    if (level != FRS_SAY_VERBOSE || c->verbose) {
        clear_progress(c);
        fprintf(c->err, "%s: %s\n", prog, line);
    }
    to_log(c, line);
}

/* An error of the command line itself (before the run). */
static void cli_error(cli_t *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void cli_error(cli_t *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->error, sizeof c->error, fmt, ap);
    va_end(ap);
    on_say(c, FRS_SAY_ERROR, c->error);
}

static void on_progress(void *ctx, unsigned long articles,
                        unsigned long long bytes, int done)
{
    cli_t *c = ctx;
    if (!c->progress || (!done && since(&c->drawn) < 0.25))
        return;
    clock_gettime(CLOCK_MONOTONIC, &c->drawn);
    double s = since(&c->t0);
    double mbs = s > 0 ? (double)bytes / 1e6 / s : 0;
    fprintf(c->err, "\r\x1b[Kindexing: %lu articles, %.0f articles/s, "
            "%.1f MB/s", articles, s > 0 ? (double)articles / s : 0, mbs);
    if (c->total_bytes > 0 && bytes > 0 && bytes <= c->total_bytes) {
        double left = s * (double)(c->total_bytes - bytes) / (double)bytes;
        fprintf(c->err, ", %d%%, ETA %d:%02d",
                (int)(100.0 * (double)bytes / (double)c->total_bytes),
                (int)left / 60, (int)left % 60);
    }
    if (done)
        clear_progress(c);
    fflush(c->err);
}

/* ---------- options ---------- */

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

enum { O_DELETE = 256, O_DELETE_FROM, O_PMIN, O_PMAX, O_BATCH,
       O_MAXBYTES, O_WAIT, O_STRICT, O_SUMMARY, O_JSON_SUMMARY, O_LOG,
       O_PRUNE, O_REBUILD, O_COMPACT, O_JOBS, O_VERSION, O_SHARD_BY,
       O_MAX_PRUNE, O_AUTO_COMPACT };
static const struct option opts[] = {
    {"db", required_argument, 0, 'd'},
    {"delete", required_argument, 0, O_DELETE},
    {"delete-from", required_argument, 0, O_DELETE_FROM},
    {"passage-min", required_argument, 0, O_PMIN},
    {"passage-max", required_argument, 0, O_PMAX},
    {"batch", required_argument, 0, O_BATCH},
    {"max-article-bytes", required_argument, 0, O_MAXBYTES},
    {"wait", required_argument, 0, O_WAIT},
    {"strict", no_argument, 0, O_STRICT},
    {"summary", no_argument, 0, O_SUMMARY},
    {"json-summary", no_argument, 0, O_JSON_SUMMARY},
    {"log", required_argument, 0, O_LOG},
    {"prune", no_argument, 0, O_PRUNE},
    {"max-prune", required_argument, 0, O_MAX_PRUNE},
    {"rebuild", no_argument, 0, O_REBUILD},
    {"compact", no_argument, 0, O_COMPACT},
    {"auto-compact", required_argument, 0, O_AUTO_COMPACT},
    {"jobs", required_argument, 0, O_JOBS},
    {"shard-by", required_argument, 0, O_SHARD_BY},
    {"verbose", no_argument, 0, 'v'},
    {"help", no_argument, 0, 'h'},
    {"version", no_argument, 0, O_VERSION},
    {0, 0, 0, 0}};

static const char *option_name(int c)
{
    for (const struct option *op = opts; op->name; op++)
        if (op->val == c)
            return op->name;
    return "?";
}

/* A numeric option's value: 1, or 0 with why set. */
static int number_option(cli_t *c, int opt, const char *arg, char *why,
                         size_t n)
{
    unsigned v;
    if (!parse_uint(arg, &v)) {
        snprintf(why, n, "invalid number '%s' for --%s", arg,
                 option_name(opt));
        return 0;
    }
    if (opt == O_PMIN) c->o.o.passage.min_words = v;
    else if (opt == O_PMAX) c->o.o.passage.max_words = v;
    else if (opt == O_BATCH) c->o.o.batch_articles = v ? v : 1;
    else if (opt == O_MAXBYTES) c->o.max_article_bytes = v;
    else if (opt == O_JOBS) c->o.jobs = v;
    else c->o.wait_s = v;
    return 1;
}

/* An option with a value to check (--max-prune, --shard-by, numbers):
 * 1, or 0 with why set. */
static int value_option(cli_t *c, int opt, const char *arg, char *why,
                        size_t n)
{
    switch (opt) {
    case O_MAX_PRUNE:
        if (frs_prune_limit_parse(arg, &c->o.max_prune) == FRS_OK)
            return 1;
        snprintf(why, n, "invalid --max-prune '%s': a number of articles, "
                 "or a percentage such as 10%%", arg);
        return 0;
    case O_AUTO_COMPACT: {
        char *end;
        errno = 0;
        double v = strtod(arg, &end);
        if (!errno && end != arg && *end == '\0' && (v == 0 || v >= 1) &&
            v <= 1000) {
            c->o.auto_compact = v;
            return 1;
        }
        snprintf(why, n, "invalid --auto-compact '%s': 0 (off) or a ratio "
                 "from 1 to 1000", arg);
        return 0;
    }
    case O_SHARD_BY:
        c->shard_by_text = arg;
        if (frs_shards_parse(arg, &c->shard_by) == FRS_OK)
            return 1;
        snprintf(why, n, "invalid --shard-by '%s': year, month or hash:N "
                 "(N from 1 to %d)", arg, FRS_SHARDS_MAX_HASH);
        return 0;
    default:
        return number_option(c, opt, arg, why, n);
    }
}

/* An option without a value to check; 0 for --help and --version (done),
 * 1 to go on. */
static int flag_option(cli_t *c, int opt, const char *arg)
{
    switch (opt) {
    case 'd': c->o.db = arg; break;
    case 'v': c->verbose = 1; break;
    case 'h': usage(c->out); return 0;
    case O_VERSION: fprintf(c->out, "%s (frs) %s\n", prog, FRS_VERSION_STRING);
        return 0;
    case O_DELETE: c->deletes[c->o.ndeletes++] = arg; break;
    case O_DELETE_FROM: c->o.delete_from = arg; break;
    case O_STRICT: c->o.strict = 1; break;
    case O_SUMMARY: c->summary = 1; break;
    case O_JSON_SUMMARY: c->json_summary = 1; break;
    case O_LOG: c->log_path = arg; break;
    case O_PRUNE: c->o.prune = 1; break;
    case O_REBUILD: c->o.rebuild = 1; break;
    case O_COMPACT: c->o.compact = 1; break;
    }
    return 1;
}

/* Parse the options into c.  Returns INDEXER_EXIT_OK after --help or
 * --version, INDEXER_EXIT_USAGE with the first problem in why (the options
 * are all read, so that --json-summary is honoured anyway), or -1 to go
 * on. */
static int parse_options(cli_t *c, int argc, char **argv, char *why,
                         size_t n)
{
    int opt, bad = 0;
    optind = 0; /* a fresh scan: frs_indexer_main may be called again */
    opterr = 0; /* problems are said here, on c->err */
    while ((opt = getopt_long(argc, argv, ":d:vh", opts, NULL)) != -1) {
        if (opt == '?' || opt == ':') {
            if (!bad++)
                snprintf(why, n, opt == ':' ? "option '%s' needs a value"
                                            : "unrecognized option '%s'",
                         argv[optind - 1]);
        } else if (opt == O_MAX_PRUNE || opt == O_SHARD_BY ||
                   opt == O_AUTO_COMPACT ||
                   opt == O_PMIN || opt == O_PMAX || opt == O_BATCH ||
                   opt == O_MAXBYTES || opt == O_WAIT || opt == O_JOBS) {
            char what[512];
            if (!value_option(c, opt, optarg, what, sizeof what) && !bad++)
                snprintf(why, n, "%s", what);
        } else if (!flag_option(c, opt, optarg)) {
            return INDEXER_EXIT_OK;
        }
    }
    c->o.inputs = (const char *const *)argv + optind;
    c->o.ninputs = (size_t)(argc - optind);
    c->o.deletes = c->deletes;
    c->o.shard_by = c->shard_by_text ? &c->shard_by : NULL;
    return bad ? INDEXER_EXIT_USAGE : -1;
}

/* The usage rules between options and inputs: NULL, or the problem. */
static const char *check_usage(const cli_t *c)
{
    const frs_run_opts_t *o = &c->o;
    if (!o->db)
        return "missing -d DBDIR";
    if (o->compact && (o->ninputs || o->ndeletes || o->delete_from ||
                       o->rebuild || o->prune || c->shard_by_text))
        return "--compact takes no INPUT and no other action";
    if (!o->compact && o->ninputs == 0 && o->ndeletes == 0 &&
        !o->delete_from)
        return "nothing to do: give INPUT files, --delete or --delete-from";
    if (o->rebuild && o->ninputs == 0)
        return "--rebuild needs the INPUT files to build from";
    if (o->rebuild && (o->ndeletes || o->delete_from || o->prune))
        return "--rebuild builds from INPUT alone; --delete and --prune do "
               "not apply";
    if (o->jobs > 64)
        return "--jobs takes 1 to 64";
    if (o->o.passage.max_words == 0 ||
        o->o.passage.min_words > o->o.passage.max_words)
        return "--passage-min must not exceed --passage-max, which must be "
               "> 0";
    return NULL;
}

/* ---------- the run ---------- */

static int exit_for(frs_status_t rc)
{
    return rc == FRS_ELOCKED    ? INDEXER_EXIT_BUSY
           : rc == FRS_EVERSION ? INDEXER_EXIT_SCHEMA
                                : INDEXER_EXIT_FAIL;
}

/* Open the log, check the usage and the layout: -1 to go on, or the exit
 * code (a usage problem in why). */
static int prepare(cli_t *c, frs_run_t *run, char *why, size_t n)
{
    if (c->log_path && !(c->log = fopen(c->log_path, "a"))) {
        cli_error(c, "cannot open log %s: %s", c->log_path, strerror(errno));
        return INDEXER_EXIT_FAIL;
    }
    const char *u = check_usage(c);
    if (u) {
        snprintf(why, n, "%s", u);
        return INDEXER_EXIT_USAGE;
    }
    frs_status_t rc = frs_run_prepare(run);
    if (rc == FRS_EINVAL) {
        snprintf(why, n, "%s", frs_run_error(run));
        return INDEXER_EXIT_USAGE;
    }
    return rc == FRS_OK ? -1 : exit_for(rc);
}

/* The summary of the run, whatever its outcome: --json-summary and
 * --summary on out, -v on err. */
static void print_summary(cli_t *c, frs_run_t *run, int ex)
{
    frs_summary_t *m = frs_run_summary(run);
    m->database = c->o.db;
    m->exit_code = ex;
    const char *error = c->error[0] ? c->error : frs_run_error(run);
    m->error = ex != INDEXER_EXIT_OK && error[0] ? error : NULL;
    m->seconds = since(&c->t0);
    m->index_bytes = c->o.db ? frs_dbswap_size(c->o.db) : 0;
    if (c->json_summary)
        frs_summary_json(m, c->out);
    if (c->summary || c->verbose)
        frs_summary_text(m, c->summary ? c->out : c->err);
}

static unsigned long long input_bytes(const frs_run_opts_t *o)
{
    unsigned long long total = 0;
    for (size_t i = 0; i < o->ninputs; i++)
        if (strcmp(o->inputs[i], "-") != 0)
            total += frs_dbswap_size(o->inputs[i]);
    return total;
}

/* Everything after --help and --version: the checks, the run, the
 * summary; the exit code. */
static int run_cli(cli_t *c, int ex, const char *why_in)
{
    char why[4096];
    snprintf(why, sizeof why, "%s", why_in);
    frs_run_t *run = NULL;
    if (frs_run_new(&c->o, &run) != FRS_OK) {
        fprintf(c->err, "%s: error: %s\n", prog, frs_strerror(FRS_ENOMEM));
        return INDEXER_EXIT_FAIL;
    }
    if (ex == -1)
        ex = prepare(c, run, why, sizeof why);
    if (ex == INDEXER_EXIT_USAGE) {
        fprintf(c->err, "%s: %s\nTry '%s --help'.\n", prog, why, prog);
        snprintf(c->error, sizeof c->error, "usage: %s", why);
    }
    if (ex == -1) {
        c->progress = isatty(fileno(c->err)) && !c->log_path;
        c->total_bytes = input_bytes(&c->o);
        frs_status_t rc = frs_run_exec(run);
        ex = rc != FRS_OK                           ? exit_for(rc)
             : frs_run_summary(run)->feed.rejected ? INDEXER_EXIT_REJECTS
                                                    : INDEXER_EXIT_OK;
    }
    print_summary(c, run, ex);
    frs_run_free(run);
    return ex;
}

int frs_indexer_main(int argc, char **argv, FILE *in, FILE *out, FILE *err)
{
    cli_t c;
    memset(&c, 0, sizeof c);
    c.in = in;
    c.out = out;
    c.err = err;
    frs_run_opts_init(&c.o);
    c.o.in = in;
    c.o.say = on_say;
    c.o.progress = on_progress;
    c.o.ctx = &c;
    c.deletes = calloc((size_t)argc + 1, sizeof *c.deletes);
    if (!c.deletes)
        return INDEXER_EXIT_FAIL;
    clock_gettime(CLOCK_MONOTONIC, &c.t0);
    /* a full disk or a file size limit must fail a write, not kill us */
    signal(SIGXFSZ, SIG_IGN);
    char why[4096] = "";
    int ex = parse_options(&c, argc, argv, why, sizeof why);
    if (ex != INDEXER_EXIT_OK)
        ex = run_cli(&c, ex, why);
    if (c.log)
        fclose(c.log);
    free(c.deletes);
    return ex;
}
