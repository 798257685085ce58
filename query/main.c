/* SPDX-License-Identifier: MIT
 * main.c: the query command line: one query, --batch over stdin, or the
 * HTTP search API with --serve (server.c).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "highlight.h"
#include "output.h"
#include "search.h"
#include "server.h"

enum {
    EXIT_FOUND = 0,
    EXIT_NOMATCH = 1,
    EXIT_USAGE = 2,   /* bad option or bad query */
    EXIT_SCHEMA = 3,  /* incompatible database schema */
    EXIT_DB = 4       /* missing, unreadable or damaged database */
};

static const char *prog = "query";

static void usage(FILE *out)
{
    fprintf(out,
"Usage: %s -d DBDIR [OPTIONS] 'QUERY'\n"
"       %s -d DBDIR --batch [--json] < QUERIES.tsv\n"
"       %s -d DBDIR --stats | --check\n"
"       %s -d DBDIR --serve [--listen HOST:PORT] [--threads N]\n"
"Search French news passages, best first (BM25).\n"
"\n"
"Query syntax: mots (ranked OR), \"une phrase\", +requis, -exclu,\n"
"title:mot (or titre:mot).  Accents and case do not matter; other\n"
"inflections of a word are found, the exact form ranks higher.\n"
"\n"
"  -d, --db DIR          database directory (required)\n"
"  -n, --limit N         number of hits (default 10)\n"
"      --offset N        skip the first N hits (default 0)\n"
"      --passages        one hit per matching passage (default: one hit per\n"
"                        article, with its best passage; --articles)\n"
"      --from DATE       only articles dated DATE (YYYY-MM-DD) or later\n"
"      --to DATE         only articles dated DATE or earlier\n"
"      --json            one JSON document (snippets HTML-escaped, <mark>)\n"
"      --explain         show each term's BM25 contribution\n"
"      --batch           read 'qid<TAB>query' lines on stdin; write TREC run\n"
"                        lines (qid Q0 docid rank score tag), or JSON lines\n"
"                        with --json\n"
"      --k1 X            BM25 k1 (default %.2f)\n"
"      --b X             BM25 b (default %.2f)\n"
"      --exact-boost X   weight of exact-form matches (default %.2f)\n"
"      --title-weight X  weight of title matches (default %.2f)\n"
"      --passage-weight X  weight of the best passage's score (the title\n"
"                        counting as one) added to the article's (default %.2f)\n"
"      --title-bonus X   weight of the title's score added (default %.2f)\n"
"      --rerank N        articles reranked with them (default %d)\n"
"      --snippet N       snippet length in bytes, 0 = whole passage (default %d)\n"
"      --color WHEN      auto (default), always or never\n"
"      --stats           show what the database holds (with --json: JSON)\n"
"      --check           check the database: Xapian's consistency check and\n"
"                        every article whole; exit 4 if damaged\n"
"      --serve           serve the HTTP JSON API (/search, /health, /stats),\n"
"                        Meilisearch's search API (/indexes/UID/search...)\n"
"                        and a search page at /, until SIGTERM or SIGINT\n"
"      --index-uid UID   the index's uid in the Meilisearch API (default:\n"
"                        the database directory's name)\n"
"      --cors-origin O   origins allowed to call the API from a browser:\n"
"                        * (default), none, or a comma-separated list\n"
"      --listen ADDR     HOST:PORT, [IPV6]:PORT or PORT to listen on\n"
"                        (default %s; port 0 picks a free one)\n"
"      --threads N       search workers, one searcher each (default: one\n"
"                        per processor)\n"
"      --access-log FILE append one line per request to FILE (reopened on\n"
"                        SIGHUP, for logrotate)\n"
"      --header-timeout S  drop a client whose request headers are not all\n"
"                        in S seconds after it connected or after the\n"
"                        previous response (default %g)\n"
"      --body-timeout S  drop a client whose request body is not all in S\n"
"                        seconds after its headers (default %g)\n"
"      --max-connections N  connections at once (default %d)\n"
"      --max-connections-per-ip N  connections at once from one address\n"
"                        (default %d; 0: no limit)\n"
"      --remote-timeout S  give up on a remote shard that takes over S\n"
"                        seconds to answer (default %g)\n"
"      --remote-connect-timeout S  ... or to accept a connection (default %g)\n"
"  -h, --help            show this help\n"
"      --version         show the version\n"
"\n"
"Exit status: 0 hits found; 1 no hit; 2 usage or query error;\n"
"3 incompatible database schema; 4 database missing, unreadable or damaged;\n"
"5 (--serve) the address cannot be bound.\n",
            prog, prog, prog, prog, FRS_BM25_K1, FRS_BM25_B, FRS_QP_EXACT_BOOST,
            FRS_QP_TITLE_WEIGHT, FRS_SEARCH_PASSAGE_WEIGHT, FRS_SEARCH_TITLE_BONUS,
            FRS_SEARCH_RERANK, FRS_HL_DEFAULT_BYTES, FRS_SERVER_DEFAULT_LISTEN,
            FRS_SERVER_HEADER_TIMEOUT_MS / 1000.0,
            FRS_SERVER_BODY_TIMEOUT_MS / 1000.0, FRS_SERVER_MAX_CONNECTIONS,
            FRS_SERVER_MAX_PER_ADDRESS, FRS_XDB_REMOTE_TIMEOUT_MS / 1000.0,
            FRS_XDB_REMOTE_CONNECT_MS / 1000.0);
}

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *s == '\0' || *end != '\0' || !isfinite(v) || v < 0)
        return 0;
    *out = v;
    return 1;
}

static int parse_uint(const char *s, unsigned *out, unsigned max)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *s == '\0' || *end != '\0' || s[0] == '-' || v > max)
        return 0;
    *out = (unsigned)v;
    return 1;
}

/* Seconds, from 0.001 to 3600, into milliseconds. */
static int parse_seconds(const char *s, unsigned *ms)
{
    double v;
    if (!parse_double(s, &v) || v < 0.001 || v > 3600)
        return 0;
    *ms = (unsigned)(v * 1000 + 0.5);
    return 1;
}

static int exit_for(frs_status_t rc)
{
    return rc == FRS_EINVAL ? EXIT_USAGE
           : rc == FRS_EVERSION ? EXIT_SCHEMA : EXIT_DB;
}

/* Longest batch line kept; longer lines are skipped with a message, so a
 * huge line costs no memory. */
#define BATCH_LINE_MAX 65536

static int run_batch(frs_searcher_t *s, const frs_search_params_t *p, int json)
{
    char *line = malloc(BATCH_LINE_MAX + 2);
    unsigned long lineno = 0;
    int ex = EXIT_FOUND;
    if (!line)
        return EXIT_DB;
    while (fgets(line, BATCH_LINE_MAX + 2, stdin)) {
        lineno++;
        size_t n = strlen(line);
        if (n == BATCH_LINE_MAX + 1 && line[n - 1] != '\n') {
            int c;
            while ((c = getchar()) != EOF && c != '\n')
                ;
            fprintf(stderr, "%s: batch line %lu is longer than %d bytes; "
                            "skipped\n",
                    prog, lineno, BATCH_LINE_MAX);
            continue;
        }
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0)
            continue;
        char *tab = strchr(line, '\t');
        if (!tab) {
            fprintf(stderr, "%s: batch line %lu: expected 'qid<TAB>query'\n",
                    prog, lineno);
            continue;
        }
        *tab = '\0';
        const char *qid = line, *q = tab + 1;
        frs_results_t *r = NULL;
        char *err = NULL;
        frs_status_t rc = frs_searcher_run(s, q, strlen(q), p, &r, &err);
        if (rc != FRS_OK) {
            fprintf(stderr, "%s: batch line %lu (qid %s): %s\n", prog, lineno,
                    qid, err ? err : frs_strerror(rc));
            free(err);
            if (rc != FRS_EINVAL) {
                ex = exit_for(rc);
                break;
            }
        }
        if (json)
            frs_output_batch_json(stdout, qid, r);
        else if (r)
            frs_output_trec(stdout, qid, r, p->passages);
        fflush(stdout); /* one answer per line, as soon as it is known */
        frs_results_free(r);
    }
    free(line);
    return ex;
}

enum { O_OFFSET = 256, O_ARTICLES, O_PASSAGES, O_PWEIGHT, O_RERANK, O_TBONUS, O_FROM, O_TO, O_JSON, O_EXPLAIN,
       O_BATCH, O_K1, O_B, O_EXACT, O_TITLEW, O_SNIPPET, O_COLOR,
       O_STATS, O_CHECK, O_VERSION, O_SERVE, O_LISTEN, O_THREADS,
       O_ACCESS_LOG, O_HEADER_TO, O_BODY_TO, O_MAXCONN, O_MAXPERIP,
       O_REMOTE_TO, O_REMOTE_CONNECT_TO, O_INDEX_UID, O_CORS };

/* One option of the server (c) into *so; the option's name when its value
 * is invalid, else NULL. */
static const char *server_option(int c, const char *arg,
                                 frs_server_opts_t *so)
{
    switch (c) {
    case O_LISTEN: so->listen = arg; return NULL;
    case O_ACCESS_LOG: so->access_log = arg; return NULL;
    case O_THREADS:
        return parse_uint(arg, &so->threads, FRS_SERVER_MAX_THREADS) &&
                       so->threads
                   ? NULL : "--threads";
    case O_HEADER_TO:
        return parse_seconds(arg, &so->header_timeout_ms)
                   ? NULL : "--header-timeout";
    case O_BODY_TO:
        return parse_seconds(arg, &so->body_timeout_ms)
                   ? NULL : "--body-timeout";
    case O_MAXCONN:
        return parse_uint(arg, &so->max_connections, 1000000) &&
                       so->max_connections
                   ? NULL : "--max-connections";
    case O_MAXPERIP:
        return parse_uint(arg, &so->max_per_address, 1000000)
                   ? NULL : "--max-connections-per-ip";
    case O_INDEX_UID:
        so->index_uid = arg;
        return frs_server_uid_valid(arg) ? NULL : "--index-uid";
    case O_CORS:
        so->cors_origin = arg;
        return frs_server_cors_check(arg) ? "--cors-origin" : NULL;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},
        {"limit", required_argument, 0, 'n'},
        {"offset", required_argument, 0, O_OFFSET},
        {"articles", no_argument, 0, O_ARTICLES},
        {"passages", no_argument, 0, O_PASSAGES},
        {"passage-weight", required_argument, 0, O_PWEIGHT},
        {"title-bonus", required_argument, 0, O_TBONUS},
        {"rerank", required_argument, 0, O_RERANK},
        {"from", required_argument, 0, O_FROM},
        {"to", required_argument, 0, O_TO},
        {"json", no_argument, 0, O_JSON},
        {"explain", no_argument, 0, O_EXPLAIN},
        {"batch", no_argument, 0, O_BATCH},
        {"k1", required_argument, 0, O_K1},
        {"b", required_argument, 0, O_B},
        {"exact-boost", required_argument, 0, O_EXACT},
        {"title-weight", required_argument, 0, O_TITLEW},
        {"snippet", required_argument, 0, O_SNIPPET},
        {"color", required_argument, 0, O_COLOR},
        {"colour", required_argument, 0, O_COLOR},
        {"stats", no_argument, 0, O_STATS},
        {"check", no_argument, 0, O_CHECK},
        {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, O_VERSION},
        {"serve", no_argument, 0, O_SERVE},
        {"listen", required_argument, 0, O_LISTEN},
        {"threads", required_argument, 0, O_THREADS},
        {"access-log", required_argument, 0, O_ACCESS_LOG},
        {"header-timeout", required_argument, 0, O_HEADER_TO},
        {"body-timeout", required_argument, 0, O_BODY_TO},
        {"max-connections", required_argument, 0, O_MAXCONN},
        {"max-connections-per-ip", required_argument, 0, O_MAXPERIP},
        {"remote-timeout", required_argument, 0, O_REMOTE_TO},
        {"remote-connect-timeout", required_argument, 0, O_REMOTE_CONNECT_TO},
        {"index-uid", required_argument, 0, O_INDEX_UID},
        {"cors-origin", required_argument, 0, O_CORS},
        {0, 0, 0, 0}};
    const char *db = NULL;
    frs_search_params_t p;
    frs_search_params_init(&p);
    frs_out_opts_t o = {0, 0, FRS_HL_DEFAULT_BYTES, NULL, NULL};
    int json = 0, batch = 0, color = -1, stats = 0, check = 0, verbose = 0;
    int serve = 0, server_opt = 0;
    frs_server_opts_t so;
    frs_server_opts_init(&so);
    unsigned remote_ms = FRS_XDB_REMOTE_TIMEOUT_MS;
    unsigned connect_ms = FRS_XDB_REMOTE_CONNECT_MS;
    unsigned snip = FRS_HL_DEFAULT_BYTES;
    int c;
    const char *bad = NULL;
    while ((c = getopt_long(argc, argv, "d:n:hv", opts, NULL)) != -1) {
        switch (c) {
        case O_STATS: stats = 1; break;
        case O_CHECK: check = 1; break;
        case O_SERVE: serve = 1; break;
        case O_LISTEN: case O_THREADS: case O_ACCESS_LOG: case O_HEADER_TO:
        case O_BODY_TO: case O_MAXCONN: case O_MAXPERIP: case O_INDEX_UID:
        case O_CORS:
            bad = server_option(c, optarg, &so);
            server_opt = 1;
            break;
        case O_REMOTE_TO:
            if (!parse_seconds(optarg, &remote_ms)) bad = "--remote-timeout";
            break;
        case O_REMOTE_CONNECT_TO:
            if (!parse_seconds(optarg, &connect_ms))
                bad = "--remote-connect-timeout";
            break;
        case 'v': verbose = 1; break;
        case 'd': db = optarg; break;
        case 'n': if (!parse_uint(optarg, &p.limit, 10000)) bad = "--limit"; break;
        case O_OFFSET: if (!parse_uint(optarg, &p.offset, 1000000)) bad = "--offset"; break;
        case O_ARTICLES: p.passages = 0; break;
        case O_PASSAGES: p.passages = 1; break;
        case O_PWEIGHT: if (!parse_double(optarg, &p.passage_weight)) bad = "--passage-weight"; break;
        case O_TBONUS: if (!parse_double(optarg, &p.title_bonus)) bad = "--title-bonus"; break;
        case O_RERANK: if (!parse_uint(optarg, &p.rerank, 10000)) bad = "--rerank"; break;
        case O_FROM: p.from = optarg; break;
        case O_TO: p.to = optarg; break;
        case O_JSON: json = 1; break;
        case O_EXPLAIN: p.explain = 1; o.explain = 1; break;
        case O_BATCH: batch = 1; break;
        case O_K1: if (!parse_double(optarg, &p.bm25.k1)) bad = "--k1"; break;
        case O_B:
            if (!parse_double(optarg, &p.bm25.b) || p.bm25.b > 1) bad = "--b";
            break;
        case O_EXACT: if (!parse_double(optarg, &p.qp.exact_boost)) bad = "--exact-boost"; break;
        case O_TITLEW: if (!parse_double(optarg, &p.qp.title_weight)) bad = "--title-weight"; break;
        case O_SNIPPET: if (!parse_uint(optarg, &snip, 100000)) bad = "--snippet"; break;
        case O_COLOR:
            if (strcmp(optarg, "auto") == 0) color = -1;
            else if (strcmp(optarg, "always") == 0) color = 1;
            else if (strcmp(optarg, "never") == 0) color = 0;
            else bad = "--color";
            break;
        case 'h': usage(stdout); return EXIT_FOUND;
        case O_VERSION: printf("%s (frs) %s\n", prog, FRS_VERSION_STRING); return EXIT_FOUND;
        default: fprintf(stderr, "Try '%s --help'.\n", prog); return EXIT_USAGE;
        }
        if (bad) {
            fprintf(stderr, "%s: invalid value '%s' for %s\nTry '%s --help'.\n",
                    prog, optarg, bad, prog);
            return EXIT_USAGE;
        }
    }
    const char *why = NULL;
    if (!db)
        why = "missing -d DBDIR";
    else if (serve && (optind < argc || batch || stats || check))
        why = "--serve takes no QUERY, --batch, --stats or --check";
    else if (!serve && server_opt)
        why = "--listen, --threads, --access-log, the timeouts and "
              "connection limits of the server go with --serve";
    else if (serve)
        why = NULL;
    else if ((stats || check) && (optind < argc || batch))
        why = "--stats and --check take no QUERY";
    else if (stats || check)
        why = NULL;
    else if (!batch && optind >= argc)
        why = "missing QUERY";
    else if (batch && optind < argc)
        why = "--batch reads queries from stdin; give no QUERY argument";
    if (why) {
        fprintf(stderr, "%s: %s\nTry '%s --help'.\n", prog, why, prog);
        return EXIT_USAGE;
    }
    frs_xdb_set_remote_timeouts(remote_ms, connect_ms);
    if (serve) {
        so.db = db;
        so.defaults = &p;
        return frs_server_run(&so, stderr);
    }
    if (stats)
        return frs_admin_stats(db, json, stdout, stderr);
    if (check)
        return frs_admin_check(db, json, verbose, stdout, stderr);
    o.snippet_bytes = snip;
    o.color = color == -1 ? isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL
                          : color;

    frs_searcher_t *s = NULL;
    char *err = NULL;
    frs_status_t rc = frs_searcher_open(db, &s, &err);
    if (rc != FRS_OK) {
        fprintf(stderr, "%s: %s\n", prog, err ? err : frs_strerror(rc));
        free(err);
        return rc == FRS_EVERSION ? EXIT_SCHEMA : EXIT_DB;
    }
    int ex;
    if (batch) {
        p.text = 0; /* batch lines show ids and scores only */
        ex = run_batch(s, &p, json);
        frs_searcher_free(s);
        return ex;
    }
    /* the query is all remaining arguments, joined by spaces */
    size_t qlen = 0;
    for (int i = optind; i < argc; i++)
        qlen += strlen(argv[i]) + 1;
    char *q = malloc(qlen + 1);
    if (!q) {
        frs_searcher_free(s);
        return EXIT_DB;
    }
    q[0] = '\0';
    for (int i = optind; i < argc; i++) {
        if (i > optind)
            strcat(q, " ");
        strcat(q, argv[i]);
    }
    frs_results_t *r = NULL;
    rc = frs_searcher_run(s, q, strlen(q), &p, &r, &err);
    if (rc != FRS_OK) {
        fprintf(stderr, "%s: %s\n", prog, err ? err : frs_strerror(rc));
        free(err);
        ex = exit_for(rc);
    } else if (json) {
        json_t *j = frs_results_json(s, q, &p, r, &o);
        json_dumpf(j, stdout, JSON_INDENT(2));
        fputc('\n', stdout);
        json_decref(j);
        ex = r->n ? EXIT_FOUND : EXIT_NOMATCH;
    } else if (r->n == 0) {
        if (p.offset > 0 && r->estimated > 0)
            fprintf(stderr, "%s: no hit past offset %u (about %llu in all)\n",
                    prog, p.offset, r->estimated);
        else
            fprintf(stderr, "%s: no passage matches '%s'. Try fewer or other "
                            "words, or drop quotes and +/- signs.\n",
                    prog, q);
        ex = EXIT_NOMATCH;
    } else {
        frs_output_text(stdout, s, r, &o);
        if (isatty(STDOUT_FILENO))
            printf("\n%s%zu of about %llu hits, %.1f ms\n", "", r->n,
                   r->estimated, r->took_ms);
        ex = EXIT_FOUND;
    }
    frs_results_free(r);
    free(q);
    frs_searcher_free(s);
    return ex;
}
