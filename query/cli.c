/* SPDX-License-Identifier: MIT
 * cli.c: the query command line: one query, --batch over standard input,
 * --stats, --check, or the HTTP search API with --serve (server.c).
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "exitcodes.h"
#include "highlight.h"
#include "output.h"
#include "search.h"
#include "server.h"
#include "suggest.h"

/* A query finding fewer articles than this gets a spelling suggestion. */
#define CLI_SUGGEST_BELOW 5

/* Longest batch line kept; longer lines are skipped with a message, so a
 * huge line costs no memory. */
#define BATCH_LINE_MAX 65536

typedef struct {
    const char *prog; /* the name the program was invoked under */
    FILE *in, *out, *err;
    const char *db;
    frs_search_params_t p;
    frs_out_opts_t o;
    frs_server_opts_t so;
    int json, batch, color, stats, check, verbose, serve, server_opt;
    int suggest;
    unsigned remote_ms, connect_ms, snip;
} cli_t;

static void usage_head(const cli_t *c)
{
    const char *p = c->prog;
    fprintf(c->out,
"Usage: %s -d DBDIR [OPTIONS] 'QUERY'\n"
"       %s -d DBDIR --batch [--json] < QUERIES.tsv\n"
"       %s -d DBDIR --stats | --check\n"
"       %s -d DBDIR --serve [--listen HOST:PORT] [--threads N]\n"
"Search French news articles, best first (BM25): one hit per article,\n"
"with its best passage.\n"
"\n"
"Query syntax:\n"
"  mots          any of the words, best first; accents and case do not\n"
"                matter, other inflections are found (the exact form ranks\n"
"                higher)\n"
"  \"une phrase\"  the words in a row\n"
"  +requis -exclu  a word that must, or must not, be there\n"
"  a AND b, a OR b, NOT a, ( )  operators in capitals; lower-case and,\n"
"                or, not are words\n"
"  vél*          words starting with vél\n"
"  title:mot     in the title (or titre:mot)\n"
"\n", p, p, p, p);
}

static void usage_search(const cli_t *c)
{
    fprintf(c->out,
"  -d, --db DIR          database directory (required)\n"
"  -n, --limit N         number of hits (default 10); 0: print only the\n"
"                        number of matching articles\n"
"      --offset N        skip the first N hits (default 0)\n"
"      --passages        one hit per matching passage (default: one hit per\n"
"                        article, with its best passage; --articles)\n"
"      --from DATE       only articles dated DATE (YYYY-MM-DD) or later\n"
"      --to DATE         only articles dated DATE or earlier\n"
"      --json            one JSON document (snippets HTML-escaped, <mark>)\n"
"      --no-suggest      no spelling suggestion (\"Vouliez-vous dire\")\n"
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
"                        every article whole; exit 4 if damaged\n",
            FRS_BM25_K1, FRS_BM25_B, FRS_QP_EXACT_BOOST, FRS_QP_TITLE_WEIGHT,
            FRS_SEARCH_PASSAGE_WEIGHT, FRS_SEARCH_TITLE_BONUS,
            FRS_SEARCH_RERANK, FRS_HL_DEFAULT_BYTES);
}

static void usage_server(const cli_t *c)
{
    fprintf(c->out,
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
"Exit status: %d hits found (--check: sound); %d no hit; %d usage, query or\n"
"date error; %d incompatible database schema; %d database missing,\n"
"unreadable or damaged; %d (--serve) the address cannot be bound.\n",
            FRS_SERVER_DEFAULT_LISTEN, FRS_SERVER_HEADER_TIMEOUT_MS / 1000.0,
            FRS_SERVER_BODY_TIMEOUT_MS / 1000.0, FRS_SERVER_MAX_CONNECTIONS,
            FRS_SERVER_MAX_PER_ADDRESS, FRS_XDB_REMOTE_TIMEOUT_MS / 1000.0,
            FRS_XDB_REMOTE_CONNECT_MS / 1000.0, QUERY_EXIT_OK,
            QUERY_EXIT_NOHIT, QUERY_EXIT_USAGE, QUERY_EXIT_SCHEMA,
            QUERY_EXIT_FAIL, QUERY_EXIT_BUSY);
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
    return rc == FRS_OK ? QUERY_EXIT_OK
           : rc == FRS_EINVAL ? QUERY_EXIT_USAGE
           : rc == FRS_EVERSION ? QUERY_EXIT_SCHEMA : QUERY_EXIT_FAIL;
}

enum { O_OFFSET = 256, O_ARTICLES, O_PASSAGES, O_PWEIGHT, O_RERANK, O_TBONUS,
       O_FROM, O_TO, O_JSON, O_EXPLAIN, O_BATCH, O_K1, O_B, O_EXACT,
       O_TITLEW, O_SNIPPET, O_COLOR, O_STATS, O_CHECK, O_VERSION, O_SERVE,
       O_LISTEN, O_THREADS, O_ACCESS_LOG, O_HEADER_TO, O_BODY_TO, O_MAXCONN,
       O_MAXPERIP, O_REMOTE_TO, O_REMOTE_CONNECT_TO, O_INDEX_UID, O_CORS,
       O_NO_SUGGEST };

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
    {"no-suggest", no_argument, 0, O_NO_SUGGEST},
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
    case O_REMOTE_TO:
    case O_REMOTE_CONNECT_TO:
        return NULL; /* cli_option */
    }
    return NULL;
}

/* One option of the ranking (c) into *p; its name when the value is
 * invalid, NULL when valid, "" when c is not one of them. */
static const char *ranking_option(int c, const char *arg,
                                  frs_search_params_t *p)
{
    switch (c) {
    case O_PWEIGHT:
        return parse_double(arg, &p->passage_weight) ? NULL
                                                     : "--passage-weight";
    case O_TBONUS:
        return parse_double(arg, &p->title_bonus) ? NULL : "--title-bonus";
    case O_RERANK:
        return parse_uint(arg, &p->rerank, 10000) ? NULL : "--rerank";
    case O_K1: return parse_double(arg, &p->bm25.k1) ? NULL : "--k1";
    case O_B:
        return parse_double(arg, &p->bm25.b) && p->bm25.b <= 1 ? NULL
                                                               : "--b";
    case O_EXACT:
        return parse_double(arg, &p->qp.exact_boost) ? NULL : "--exact-boost";
    case O_TITLEW:
        return parse_double(arg, &p->qp.title_weight) ? NULL
                                                      : "--title-weight";
    }
    return "";
}

/* One option of the search or the output (c) into *cl; as ranking_option. */
static const char *search_option(int c, const char *arg, cli_t *cl)
{
    frs_search_params_t *p = &cl->p;
    switch (c) {
    case 'd': cl->db = arg; return NULL;
    case 'n': return parse_uint(arg, &p->limit, 10000) ? NULL : "--limit";
    case O_OFFSET:
        return parse_uint(arg, &p->offset, 1000000) ? NULL : "--offset";
    case O_ARTICLES: p->passages = 0; return NULL;
    case O_PASSAGES: p->passages = 1; return NULL;
    case O_FROM: p->from = arg; return NULL;
    case O_TO: p->to = arg; return NULL;
    case O_JSON: cl->json = 1; return NULL;
    case O_NO_SUGGEST: cl->suggest = 0; return NULL;
    case O_EXPLAIN: p->explain = 1; cl->o.explain = 1; return NULL;
    case O_BATCH: cl->batch = 1; return NULL;
    case O_SNIPPET:
        return parse_uint(arg, &cl->snip, 100000) ? NULL : "--snippet";
    case O_COLOR:
        if (strcmp(arg, "auto") == 0) cl->color = -1;
        else if (strcmp(arg, "always") == 0) cl->color = 1;
        else if (strcmp(arg, "never") == 0) cl->color = 0;
        else return "--color";
        return NULL;
    case O_STATS: cl->stats = 1; return NULL;
    case O_CHECK: cl->check = 1; return NULL;
    case O_SERVE: cl->serve = 1; return NULL;
    case 'v': cl->verbose = 1; return NULL;
    case O_REMOTE_TO:
        return parse_seconds(arg, &cl->remote_ms) ? NULL : "--remote-timeout";
    case O_REMOTE_CONNECT_TO:
        return parse_seconds(arg, &cl->connect_ms)
                   ? NULL : "--remote-connect-timeout";
    }
    return ranking_option(c, arg, p);
}

static void cli_init(cli_t *c, char **argv, FILE *in, FILE *out, FILE *err)
{
    memset(c, 0, sizeof *c);
    const char *name = argv && argv[0] && argv[0][0] ? argv[0] : "query";
    const char *slash = strrchr(name, '/');
    c->prog = slash && slash[1] ? slash + 1 : name;
    c->in = in;
    c->out = out;
    c->err = err;
    frs_search_params_init(&c->p);
    frs_server_opts_init(&c->so);
    c->color = -1;
    c->suggest = 1;
    c->remote_ms = FRS_XDB_REMOTE_TIMEOUT_MS;
    c->connect_ms = FRS_XDB_REMOTE_CONNECT_MS;
    c->snip = FRS_HL_DEFAULT_BYTES;
}

/* The options of argv into c; -1 to go on, else the exit code (--help and
 * --version are answered here). */
static int parse_options(cli_t *c, int argc, char **argv)
{
    int o;
    optind = 0; /* glibc: start afresh (frs_query_main may run again) */
    opterr = 0;
    while ((o = getopt_long(argc, argv, ":d:n:hv", opts, NULL)) != -1) {
        const char *bad = NULL;
        if (o == 'h') {
            usage_head(c);
            usage_search(c);
            usage_server(c);
            return QUERY_EXIT_OK;
        }
        if (o == O_VERSION) {
            fprintf(c->out, "%s (frs) %s\n", c->prog, FRS_VERSION_STRING);
            return QUERY_EXIT_OK;
        }
        if (o == '?' || o == ':') {
            fprintf(c->err, "%s: %s '%s'\nTry '%s --help'.\n", c->prog,
                    o == '?' ? "unknown option" : "missing value for",
                    argv[optind - 1], c->prog);
            return QUERY_EXIT_USAGE;
        }
        bad = server_option(o, optarg, &c->so);
        if (!bad && (o == O_LISTEN || o == O_THREADS || o == O_ACCESS_LOG ||
                     o == O_HEADER_TO || o == O_BODY_TO || o == O_MAXCONN ||
                     o == O_MAXPERIP || o == O_INDEX_UID || o == O_CORS))
            c->server_opt = 1;
        else if (!bad)
            bad = search_option(o, optarg, c);
        if (bad && bad[0]) {
            fprintf(c->err, "%s: invalid value '%s' for %s\nTry '%s "
                            "--help'.\n", c->prog, optarg, bad, c->prog);
            return QUERY_EXIT_USAGE;
        }
    }
    return -1;
}

/* What is wrong with the combination of options and arguments, or NULL. */
static const char *check_combination(const cli_t *c, int nargs)
{
    if (!c->db)
        return "missing -d DBDIR";
    if (c->serve)
        return nargs || c->batch || c->stats || c->check
                   ? "--serve takes no QUERY, --batch, --stats or --check"
                   : NULL;
    if (c->server_opt)
        return "--listen, --threads, --access-log, the timeouts and "
               "connection limits of the server go with --serve";
    if (c->stats || c->check)
        return nargs || c->batch ? "--stats and --check take no QUERY" : NULL;
    if (!c->batch && !nargs)
        return "missing QUERY";
    if (c->batch && nargs)
        return "--batch reads queries from stdin; give no QUERY argument";
    return NULL;
}

/* One batch line (NUL-terminated, end of line removed) searched and
 * answered; the status of the search (FRS_EINVAL is said and passed). */
static frs_status_t batch_line(cli_t *c, frs_searcher_t *s, char *line,
                               unsigned long lineno)
{
    char *tab = strchr(line, '\t');
    if (!tab) {
        fprintf(c->err, "%s: batch line %lu: expected 'qid<TAB>query'\n",
                c->prog, lineno);
        return FRS_OK;
    }
    *tab = '\0';
    const char *qid = line, *q = tab + 1;
    frs_results_t *r = NULL;
    char *msg = NULL;
    frs_status_t rc = frs_searcher_run(s, q, strlen(q), &c->p, &r, &msg);
    if (rc != FRS_OK) {
        fprintf(c->err, "%s: batch line %lu (qid %s): %s\n", c->prog, lineno,
                qid, msg ? msg : frs_strerror(rc));
        free(msg);
        if (rc != FRS_EINVAL)
            return rc;
    }
    if (c->json)
        frs_output_batch_json(c->out, qid, r);
    else if (r)
        frs_output_trec(c->out, qid, r, c->p.passages);
    fflush(c->out); /* one answer per line, as soon as it is known */
    frs_results_free(r);
    return FRS_OK;
}

static int run_batch(cli_t *c, frs_searcher_t *s)
{
    char *line = malloc(BATCH_LINE_MAX + 2);
    unsigned long lineno = 0;
    frs_status_t rc = FRS_OK;
    if (!line)
        return QUERY_EXIT_FAIL;
    c->p.text = 0; /* batch lines show ids and scores only */
    while (rc == FRS_OK && fgets(line, BATCH_LINE_MAX + 2, c->in)) {
        lineno++;
        size_t n = strlen(line);
        if (n == BATCH_LINE_MAX + 1 && line[n - 1] != '\n') {
            int ch;
            while ((ch = getc(c->in)) != EOF && ch != '\n')
                ;
            fprintf(c->err, "%s: batch line %lu is longer than %d bytes; "
                            "skipped\n", c->prog, lineno, BATCH_LINE_MAX);
            continue;
        }
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n > 0)
            rc = batch_line(c, s, line, lineno);
    }
    free(line);
    return exit_for(rc);
}

/* The query: the arguments argv[0..n) joined by spaces; malloc'd. */
static char *join_args(char **argv, int n)
{
    size_t len = 1;
    for (int i = 0; i < n; i++)
        len += strlen(argv[i]) + 1;
    char *q = malloc(len);
    if (!q)
        return NULL;
    size_t at = 0;
    for (int i = 0; i < n; i++) {
        size_t k = strlen(argv[i]);
        if (i > 0)
            q[at++] = ' ';
        memcpy(q + at, argv[i], k);
        at += k;
    }
    q[at] = '\0';
    return q;
}

/* The corrected query for q when r found few articles and suggestions
 * are on (malloc'd), else NULL; a failed lookup only costs the
 * suggestion. */
static char *suggestion(cli_t *c, frs_searcher_t *s, const char *q,
                        const frs_results_t *r)
{
    if (!c->suggest || r->estimated >= CLI_SUGGEST_BELOW)
        return NULL;
    frs_search_params_t ps = c->p;
    ps.explain = 0;
    char *sug = NULL;
    if (frs_suggest(s, q, strlen(q), &ps, &sug) != FRS_OK)
        return NULL;
    return sug;
}

static int print_json(cli_t *c, frs_searcher_t *s, const char *q,
                      const frs_results_t *r)
{
    json_t *j = frs_results_json(s, q, &c->p, r, &c->o);
    char *sug = suggestion(c, s, q, r);
    json_t *sj = sug ? json_string(sug) : NULL;
    json_object_set_new(j, "suggestion", sj ? sj : json_null());
    free(sug);
    json_dumpf(j, c->out, JSON_INDENT(2) | FRS_OUT_JSON_FLAGS);
    fputc('\n', c->out);
    json_decref(j);
    return r->n || (c->p.limit == 0 && r->estimated)
               ? QUERY_EXIT_OK : QUERY_EXIT_NOHIT;
}

static int print_text(cli_t *c, frs_searcher_t *s, const char *q,
                      const frs_results_t *r)
{
    int ex = QUERY_EXIT_OK;
    if (c->p.limit == 0) {
        fprintf(c->out, "%llu\n", r->estimated);
        ex = r->estimated ? QUERY_EXIT_OK : QUERY_EXIT_NOHIT;
    } else if (r->n == 0 && c->p.offset > 0 && r->estimated > 0) {
        fprintf(c->err, "%s: no hit past offset %u (about %llu in all)\n",
                c->prog, c->p.offset, r->estimated);
        ex = QUERY_EXIT_NOHIT;
    } else if (r->n == 0) {
        fprintf(c->err, "%s: no passage matches '%s'. Try fewer or other "
                        "words, or drop quotes and +/- signs.\n", c->prog, q);
        ex = QUERY_EXIT_NOHIT;
    } else {
        frs_output_text(c->out, s, r, &c->o);
        if (isatty(fileno(c->out)))
            fprintf(c->out, "\n%zu of about %llu hits, %.1f ms\n", r->n,
                    r->estimated, r->took_ms);
    }
    char *sug = c->p.offset == 0 ? suggestion(c, s, q, r) : NULL;
    if (sug) {
        fflush(c->out); /* after the results, where both are a terminal */
        fprintf(c->err, "Vouliez-vous dire : %s ?\n", sug);
    }
    free(sug);
    return ex;
}

/* One query (the arguments), answered on c->out. */
static int run_query(cli_t *c, frs_searcher_t *s, char **args, int nargs)
{
    char *q = join_args(args, nargs);
    if (!q)
        return QUERY_EXIT_FAIL;
    frs_results_t *r = NULL;
    char *msg = NULL;
    int ex;
    frs_status_t rc = frs_searcher_run(s, q, strlen(q), &c->p, &r, &msg);
    if (rc != FRS_OK) {
        fprintf(c->err, "%s: %s\n", c->prog, msg ? msg : frs_strerror(rc));
        free(msg);
        ex = exit_for(rc);
    } else if (c->json) {
        ex = print_json(c, s, q, r);
    } else {
        ex = print_text(c, s, q, r);
    }
    frs_results_free(r);
    free(q);
    return ex;
}

/* The searches of the shell: one query or --batch. */
static int run_search(cli_t *c, char **args, int nargs)
{
    c->o.snippet_bytes = c->snip;
    c->o.color = c->color == -1 ? isatty(fileno(c->out)) &&
                                      getenv("NO_COLOR") == NULL
                                : c->color;
    frs_searcher_t *s = NULL;
    char *msg = NULL;
    frs_status_t rc = frs_searcher_open(c->db, &s, &msg);
    if (rc != FRS_OK) {
        fprintf(c->err, "%s: %s\n", c->prog, msg ? msg : frs_strerror(rc));
        free(msg);
        return exit_for(rc == FRS_EINVAL ? FRS_EIO : rc);
    }
    int ex = c->batch ? run_batch(c, s) : run_query(c, s, args, nargs);
    frs_searcher_free(s);
    return ex;
}

int frs_query_main(int argc, char **argv, FILE *in, FILE *out, FILE *err)
{
    cli_t c;
    cli_init(&c, argv, in, out, err);
    int ex = parse_options(&c, argc, argv);
    if (ex >= 0)
        return ex;
    const char *why = check_combination(&c, argc - optind);
    if (why) {
        fprintf(err, "%s: %s\nTry '%s --help'.\n", c.prog, why, c.prog);
        return QUERY_EXIT_USAGE;
    }
    frs_xdb_set_remote_timeouts(c.remote_ms, c.connect_ms);
    if (c.serve) {
        c.so.db = c.db;
        c.so.prog = c.prog;
        c.so.defaults = &c.p;
        return frs_server_run(&c.so, err);
    }
    if (c.stats)
        return exit_for(frs_admin_stats(c.prog, c.db, c.json, out, err));
    if (c.check)
        return exit_for(frs_admin_check(c.prog, c.db, c.json, c.verbose,
                                        out, err));
    return run_search(&c, argv + optind, argc - optind);
}
