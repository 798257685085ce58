#!/usr/bin/python3
"""run_eval.py: frs against Xapian's French setups and SQLite FTS5.

Steps (all under build/eval/, git-ignored):
  1. eval/fetch_corpus.py: the French collections (books, man, help),
     downloaded and converted once, then cached
  2. eval/make_queries.py: known-item queries per collection, six families
     x three variants, on the held-out `test` articles (seed 42) or the
     `dev` articles used for tuning (seed 1)
  3. frs, through its binaries only:
        BIN/indexer -d DB COLLECTION.jsonl [--frs-index-args]
        BIN/query -d DB --batch --json --articles -n 10 [--frs-query-args]
     The index is reused while the indexer binary, its arguments and the
     collection are unchanged (build/eval/db/, a few kept per collection).
  4. baselines, one document per article, on the same articles and queries
     (their runs are cached too):
       xapian       TermGenerator + QueryParser, Stem("french"), STEM_SOME,
                    default BM25Weight, default OR; title then body
       xapian-fold  the same, with accents folded (é -> e, œ -> oe) and
                    French elisions (l' d' qu' jusqu' ..., ' or ’) stripped
                    from the text and the queries before Xapian sees them
       fts5         SQLite FTS5, unicode61 remove_diacritics 2, the words
                    OR'ed, ORDER BY bm25()
       fts5-and     the same with FTS5's implicit AND
  5. metrics at article level, depth 10: MRR@10, R@10, S@1 and the share of
     queries with no hit, per collection x family x variant; an overall line
     per collection (the mean over its families) and over everything (the
     mean over collections x families); paired 95 % confidence intervals of
     frs minus each baseline (paired bootstrap over items, stratified by
     collection x family, seeded); printed, and written to
     build/eval/results.{json,md}.

    make eval                                  # or:
    /usr/bin/python3 eval/run_eval.py [--bin DIR] [--corpus books,man,help]
        [--families F,...] [--split test|dev] [--items N] [--seed N]
        [--engines frs,xapian,...] [--frs-index-args '...']
        [--frs-query-args '...'] [--json OUT]
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import random
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
import unicodedata

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fetch_corpus as FC  # noqa: E402
import make_queries as MQ  # noqa: E402

ROOT = os.path.dirname(HERE)
BUILD = os.path.join(ROOT, "build")
EVAL = os.path.join(BUILD, "eval")
DEPTH = 10
ENGINES = ("frs", "xapian", "xapian-fold", "fts5", "fts5-and")
CORPORA = tuple(FC.COLLECTIONS)
SEEDS = {"test": 42, "dev": 1}
BASELINE_VERSION = "2"       # bump when a baseline's behaviour changes
DBS_KEPT = 6                 # frs indexes kept per collection
BOOTSTRAP = 1000
BOOTSTRAP_SEED = 7
WORKERS = 2                  # jobs run side by side (a 2-core machine)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def sha_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def sha_str(*parts):
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


# ---- inputs ---------------------------------------------------------------

class Corpus:
    """A collection: its file, articles, fingerprint and query set."""

    def __init__(self, name, path):
        self.name, self.path = name, path
        self.sha = sha_file(path)
        self.arts = []
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    self.arts.append(json.loads(line))
        self.words = sum(len(a["body"].split()) for a in self.arts)
        self.queries = []

    def make_queries(self, split, seed, items, families, workdir):
        """Draw (or reuse) the query set; cached on its inputs."""
        key = sha_str(self.sha, sha_file(os.path.join(HERE,
                                                      "make_queries.py")),
                      split, str(seed), str(items), ",".join(families))
        path = os.path.join(workdir, "queries",
                            f"{self.name}-{split}-seed{seed}-{key[:12]}.tsv")
        if not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            qs, _ = MQ.queries([MQ.Article(a) for a in self.arts], seed,
                               split, items, families)
            MQ.write(qs, path + ".tmp")
            os.replace(path + ".tmp", path)
        self.queries = MQ.read(path)
        self.qpath = path
        self.qsha = sha_file(path)
        return self.queries


def corpus(name, cache, force=False):
    return Corpus(name, FC.build(cache, name, force))


class FrsError(Exception):
    """frs's indexer or query failed, or answered something unreadable."""


# ---- frs, through its binaries -------------------------------------------

def frs_index(c, bindir, index_args, workdir):
    """An frs database of the collection, built by BIN/indexer; reused
    while the indexer binary, its arguments and the collection are the
    same.  Returns (path, seconds spent indexing: 0 when reused)."""
    indexer = os.path.join(bindir, "indexer")
    key = sha_str(sha_file(indexer), index_args, c.sha)
    dbroot = os.path.join(workdir, "db")
    db = os.path.join(dbroot, f"{c.name}-{key[:16]}")
    stamp = db + ".json"
    if os.path.exists(stamp) and os.path.isdir(db):
        os.utime(stamp)
        return db, 0.0
    os.makedirs(dbroot, exist_ok=True)
    for d in (db, db + ".rebuild", db + ".compact"):
        if os.path.exists(d):       # ours: a build that did not finish
            shutil.rmtree(d)
    cmd = [indexer, "-d", db] + shlex.split(index_args) + [c.path]
    t = time.time()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    secs = time.time() - t
    if r.returncode not in (0, 1):
        raise FrsError(f"{' '.join(cmd)}: exit {r.returncode}: "
                       f"{r.stderr.strip()}")
    if r.returncode == 1:
        log(f"run_eval: indexer rejected some of {c.path}: "
            f"{r.stderr.strip()[:500]}")
    with open(stamp, "w") as fh:
        json.dump({"indexer": indexer, "args": index_args,
                   "collection": c.path, "key": key, "seconds": secs}, fh)
    prune_dbs(dbroot, c.name)
    return db, secs


def prune_dbs(dbroot, name):
    """Keep the DBS_KEPT most recently used indexes of a collection; only
    directories with our stamp beside them are touched."""
    stamps = []
    for f in os.listdir(dbroot):
        if f.startswith(name + "-") and f.endswith(".json") and \
                os.path.isdir(os.path.join(dbroot, f[:-5])):
            p = os.path.join(dbroot, f)
            stamps.append((os.path.getmtime(p), p))
    for _, p in sorted(stamps, reverse=True)[DBS_KEPT:]:
        shutil.rmtree(p[:-5])
        os.remove(p)


def frs_search(db, queries, bindir, query_args=""):
    """{qid: [article ids]} from BIN/query --batch --json --articles."""
    cmd = [os.path.join(bindir, "query"), "-d", db, "--batch", "--json",
           "--articles", "-n", str(DEPTH)] + shlex.split(query_args)
    inp = "".join(f"{q['qid']}\t{q['text']}\n" for q in queries)
    r = subprocess.run(cmd, input=inp, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode not in (0, 1):
        raise FrsError(f"{' '.join(cmd)}: exit {r.returncode}: "
                       f"{r.stderr.strip()[:1000]}")
    runs = {}
    for n, line in enumerate(r.stdout.splitlines(), 1):
        try:
            o = json.loads(line)
            runs[o["qid"]] = [h["article_id"] for h in o["hits"]][:DEPTH]
        except (ValueError, KeyError, TypeError) as e:
            raise FrsError(f"{cmd[0]} output line {n}: {e}: {line[:200]}")
    missing = [q["qid"] for q in queries if q["qid"] not in runs]
    if missing:
        raise FrsError(f"{cmd[0]} gave no answer for {len(missing)} "
                       f"queries (first: {missing[0]}): "
                       f"{r.stderr.strip()[:500]}")
    return runs


# ---- baselines --------------------------------------------------------------

ELISION = re.compile(r"(?<!\w)(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)"
                     r"['’]", re.IGNORECASE)


def fold_text(s):
    """Accents folded and elisions stripped, as xapian-fold sees text."""
    s = ELISION.sub("", s)
    for a, b in (("œ", "oe"), ("Œ", "OE"), ("æ", "ae"), ("Æ", "AE")):
        s = s.replace(a, b)
    d = unicodedata.normalize("NFD", s)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in d if unicodedata.category(ch) != "Mn"))


def xapian_run(c, queries, fold=False, flags=None):
    """flags: QueryParser flags (None: Xapian's default)."""
    import xapian
    prep = fold_text if fold else (lambda s: s)
    db = xapian.WritableDatabase("", xapian.DB_BACKEND_INMEMORY)
    tg = xapian.TermGenerator()
    tg.set_stemmer(xapian.Stem("french"))
    for a in c.arts:
        doc = xapian.Document()
        tg.set_document(doc)
        if a.get("title"):
            tg.index_text(prep(a["title"]))
            tg.increase_termpos()
        tg.index_text(prep(a["body"]))
        doc.set_data(a["id"])
        db.add_document(doc)
    qp = xapian.QueryParser()
    qp.set_stemmer(xapian.Stem("french"))
    qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    qp.set_database(db)
    enq = xapian.Enquire(db)
    runs = {}
    for q in queries:
        text = prep(q["text"])
        enq.set_query(qp.parse_query(text) if flags is None
                      else qp.parse_query(text, flags))
        runs[q["qid"]] = [m.document.get_data().decode()
                          for m in enq.get_mset(0, DEPTH)]
    return runs


def fts5_run(c, queries, op="OR"):
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE t USING fts5(aid UNINDEXED, title, "
                "body, tokenize = 'unicode61 remove_diacritics 2')")
    con.executemany("INSERT INTO t(aid, title, body) VALUES (?, ?, ?)",
                    ((a["id"], a.get("title") or "", a["body"])
                     for a in c.arts))
    runs = {}
    for q in queries:
        words = ['"' + w.replace('"', '""') + '"' for w in q["text"].split()]
        expr = (" OR " if op == "OR" else " ").join(words)
        rows = con.execute("SELECT aid FROM t WHERE t MATCH ? "
                           "ORDER BY bm25(t) LIMIT ?", (expr, DEPTH))
        runs[q["qid"]] = [aid for (aid,) in rows]
    return runs


BASELINES = {
    "xapian": lambda c, qs: xapian_run(c, qs),
    "xapian-fold": lambda c, qs: xapian_run(c, qs, fold=True),
    "fts5": lambda c, qs: fts5_run(c, qs),
    "fts5-and": lambda c, qs: fts5_run(c, qs, op="AND"),
}


def engine_versions():
    try:
        import xapian
        xv = xapian.version_string()
    except ImportError:
        xv = "none"
    return f"xapian {xv} sqlite {sqlite3.sqlite_version}"


def baseline_runs(name, c, workdir):
    """A baseline's runs on the corpus's queries; cached on its inputs.
    None if the engine is not available."""
    key = sha_str(name, BASELINE_VERSION, engine_versions(), c.sha, c.qsha)
    path = os.path.join(workdir, "runs", f"{c.name}-{name}-{key[:16]}.json")
    if os.path.exists(path):
        with open(path) as fh:
            return json.load(fh), 0.0
    t = time.time()
    try:
        runs = BASELINES[name](c, c.queries)
    except ImportError as e:
        log(f"run_eval: {name} skipped: {e} (apt-get install python3-xapian;"
            " run with /usr/bin/python3)")
        return None, 0.0
    secs = time.time() - t
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w") as fh:
        json.dump(runs, fh)
    os.replace(path + ".tmp", path)
    return runs, secs


# ---- metrics ----------------------------------------------------------------

def ranks(runs, queries):
    """{qid: rank of the target within DEPTH, 0 if absent, None if no hit}"""
    out = {}
    for q in queries:
        hits = runs.get(q["qid"], [])[:DEPTH]
        out[q["qid"]] = (hits.index(q["target"]) + 1 if q["target"] in hits
                         else (0 if hits else None))
    return out


def cell_metrics(rks):
    n = len(rks)
    if n == 0:
        return None
    return {"mrr": sum(1.0 / r for r in rks if r) / n,
            "r10": sum(1 for r in rks if r) / n,
            "s1": sum(1 for r in rks if r == 1) / n,
            "nohit": sum(1 for r in rks if r is None) / n, "n": n}


def mean_metrics(cells):
    cells = [m for m in cells if m]
    if not cells:
        return None
    out = {k: sum(m[k] for m in cells) / len(cells)
           for k in ("mrr", "r10", "s1", "nohit")}
    out["n"] = sum(m["n"] for m in cells)
    return out


def metrics(rank_by_corpus, queries_by_corpus, families):
    """{(corpus, family, variant): metrics}; 'all' rows are means over
    cells (each family and each collection weighs the same)."""
    res = {}
    corpora = list(rank_by_corpus)
    for cn in corpora:
        rk, qs = rank_by_corpus[cn], queries_by_corpus[cn]
        for f in families:
            for v in MQ.VARIANTS:
                res[(cn, f, v)] = cell_metrics(
                    [rk[q["qid"]] for q in qs
                     if q["family"] == f and q["variant"] == v])
            res[(cn, f, "all")] = mean_metrics(
                [res[(cn, f, v)] for v in MQ.VARIANTS])
        for v in MQ.VARIANTS + ("all",):
            res[(cn, "all", v)] = mean_metrics(
                [res[(cn, f, v)] for f in families])
    for f in tuple(families) + ("all",):
        for v in MQ.VARIANTS + ("all",):
            res[("all", f, v)] = mean_metrics(
                [res[(cn, f, v)] for cn in corpora])
    return {k: m for k, m in res.items() if m}


def item_rr(rks, queries):
    """{(family, item): mean reciprocal rank over its variants}"""
    acc = {}
    for q in queries:
        r = rks[q["qid"]]
        acc.setdefault((q["family"], q["item"]), []).append(
            1.0 / r if r else 0.0)
    return {k: sum(v) / len(v) for k, v in acc.items()}


def paired_cis(rr_by_engine, ref, others, strata, seed=BOOTSTRAP_SEED):
    """Paired bootstrap over items, stratified.  rr_by_engine[e][stratum]
    is {item: value}; the stratum is (corpus, family).  Returns
    {(corpus, family): {other: (diff, lo, hi)}} with 'all' rows for the
    mean over a corpus's families, over a family's corpora and over all
    strata (means of the stratum means, each resampled)."""
    rng = random.Random(seed)
    reps, point = {}, {}
    for s in strata:
        items = sorted(rr_by_engine[ref][s])
        n = len(items)
        if n == 0:
            continue
        diffs = {o: [rr_by_engine[ref][s][i] - rr_by_engine[o][s][i]
                     for i in items] for o in others}
        point[s] = {o: sum(d) / n for o, d in diffs.items()}
        reps[s] = {o: [] for o in others}
        for _ in range(BOOTSTRAP):
            idx = rng.choices(range(n), k=n)
            for o, d in diffs.items():
                reps[s][o].append(sum(map(d.__getitem__, idx)) / n)
    groups = {s: [s] for s in reps}
    for cn in {s[0] for s in reps}:
        groups[(cn, "all")] = [s for s in reps if s[0] == cn]
    for f in {s[1] for s in reps}:
        groups[("all", f)] = [s for s in reps if s[1] == f]
    groups[("all", "all")] = list(reps)
    out = {}
    for g, members in groups.items():
        out[g] = {}
        for o in others:
            est = sum(point[s][o] for s in members) / len(members)
            dist = sorted(sum(reps[s][o][b] for s in members) / len(members)
                          for b in range(BOOTSTRAP))
            out[g][o] = (est, dist[int(0.025 * BOOTSTRAP)],
                         dist[int(0.975 * BOOTSTRAP) - 1])
    return out


# ---- report -----------------------------------------------------------------

def row_keys(corpora, families):
    keys = []
    for cn in list(corpora) + (["all"] if len(corpora) > 1 else []):
        for f in list(families) + ["all"]:
            for v in MQ.VARIANTS + ("all",):
                keys.append((cn, f, v))
    return keys


def metric_table(res, engines, corpora, families, metric="mrr", md=False):
    keys = [k for k in row_keys(corpora, families) if k in res[engines[0]]]
    if md:
        lines = ["| collection | family | variant | n | "
                 + " | ".join(engines) + " |",
                 "|---|---|---|---:|" + "---:|" * len(engines)]
        for k in keys:
            cells = []
            vals = [res[e].get(k, {}).get(metric) for e in engines]
            best = max((x for x in vals if x is not None), default=None)
            for x in vals:
                s = "" if x is None else f"{x:.3f}"
                if x is not None and x == best and metric != "nohit":
                    s = f"**{s}**"
                cells.append(s)
            lines.append(f"| {k[0]} | {k[1]} | {k[2]} | "
                         f"{res[engines[0]][k]['n']} | "
                         + " | ".join(cells) + " |")
        return "\n".join(lines)
    w = max(12, max(len(e) for e in engines) + 1)
    lines = [f"{'collection':<11}{'family':<10}{'variant':<11}{'n':>5} "
             + "".join(f"{e:>{w}}" for e in engines)]
    prev = None
    for k in keys:
        if prev and prev[:2] != k[:2] and k[1] == "all" or \
                prev and prev[0] != k[0]:
            lines.append("")
        prev = k
        cells = "".join(f"{res[e][k][metric]:>{w}.3f}" if k in res[e]
                        else f"{'-':>{w}}" for e in engines)
        lines.append(f"{k[0]:<11}{k[1]:<10}{k[2]:<11}"
                     f"{res[engines[0]][k]['n']:>5} " + cells)
    return "\n".join(lines)


def compact_table(res, engines, corpora, families):
    """Markdown: a row per collection x family, each engine's MRR@10 as
    exact / noaccent / inflection (mean of the three)."""
    lines = ["| collection | family | " + " | ".join(engines) + " |",
             "|---|---|" + "---|" * len(engines)]
    for cn in list(corpora) + (["all"] if len(corpora) > 1 else []):
        for f in list(families) + ["all"]:
            cells = []
            for e in engines:
                ms = [res[e].get((cn, f, v)) for v in MQ.VARIANTS + ("all",)]
                cells.append("" if None in ms else " / ".join(
                    f"{m['mrr']:.3f}" for m in ms[:3])
                    + f" ({ms[3]['mrr']:.3f})")
            lines.append(f"| {cn} | {f} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ci_table(cis, others, corpora, families, md=False):
    keys = []
    for cn in list(corpora) + (["all"] if len(corpora) > 1 else []):
        for f in list(families) + ["all"]:
            if (cn, f) in cis:
                keys.append((cn, f))
    fmt = lambda t: f"{t[0]:+.3f} [{t[1]:+.3f}, {t[2]:+.3f}]"
    if md:
        lines = ["| collection | family | "
                 + " | ".join(f"frs - {o}" for o in others) + " |",
                 "|---|---|" + "---|" * len(others)]
        for k in keys:
            lines.append(f"| {k[0]} | {k[1]} | "
                         + " | ".join(fmt(cis[k][o]) for o in others) + " |")
        return "\n".join(lines)
    lines = [f"{'collection':<11}{'family':<10}"
             + "".join(f"{'frs - ' + o:>26}" for o in others)]
    for k in keys:
        lines.append(f"{k[0]:<11}{k[1]:<10}"
                     + "".join(f"{fmt(cis[k][o]):>26}" for o in others))
    return "\n".join(lines)


def verdict(cis, others, corpora, families):
    """Lines saying whether frs is ahead of every baseline on every
    collection x family (point estimate, and CI above 0)."""
    cells = [(cn, f) for cn in corpora for f in families if (cn, f) in cis]
    behind = [(k, o, cis[k][o]) for k in cells for o in others
              if cis[k][o][0] <= 0]
    sig_ahead = sum(1 for k in cells for o in others if cis[k][o][1] > 0)
    sig_behind = sum(1 for k in cells for o in others if cis[k][o][2] < 0)
    total = len(cells) * len(others)
    lines = [f"frs ahead of every baseline ({', '.join(others)}) on every "
             f"collection x family (MRR@10): "
             + ("YES" if not behind else f"NO ({len(behind)} of {total} "
                "comparisons behind or tied)"),
             f"  95 % CI above 0 (significantly ahead) in {sig_ahead} of "
             f"{total}; below 0 (significantly behind) in {sig_behind}"]
    for k, o, t in behind:
        lines.append(f"  behind {o} on {k[0]}/{k[1]}: {t[0]:+.3f} "
                     f"[{t[1]:+.3f}, {t[2]:+.3f}]")
    return lines


def parse_list(s, known, what):
    vals = [x for x in (s or "").split(",") if x] or list(known)
    bad = [x for x in vals if x not in known]
    if bad:
        sys.exit(f"run_eval: unknown {what} {', '.join(bad)} (known: "
                 + ", ".join(known) + ")")
    return vals


def options(ap):
    """The options run_eval.py and tune.py share."""
    ap.add_argument("--bin", default=BUILD,
                    help="directory holding indexer and query (default "
                    "build)")
    ap.add_argument("--corpus", help="collections, comma-separated "
                    "(default: " + ",".join(CORPORA) + ")")
    ap.add_argument("--families", help="query families (default: "
                    + ",".join(MQ.FAMILIES) + ")")
    ap.add_argument("--items", type=int, default=300,
                    help="items per family and collection (default 300)")
    ap.add_argument("--frs-index-args", default="",
                    help="extra arguments for BIN/indexer")
    ap.add_argument("--frs-query-args", default="",
                    help="extra arguments for BIN/query")
    ap.add_argument("--force-corpus", action="store_true",
                    help="convert the collections again")
    ap.add_argument("--workdir", default=EVAL, help=argparse.SUPPRESS)


def corpus_job(name, cache, force, split, seed, items, families, workdir):
    c = corpus(name, cache, force)
    c.make_queries(split, seed, items, families, workdir)
    return c


def prepare(args, split, seed):
    """Collections and their query sets (converted WORKERS at a time)."""
    names = parse_list(args.corpus, CORPORA, "collection")
    families = parse_list(args.families, MQ.FAMILIES, "family")
    cache = os.path.join(args.workdir, "corpus")
    with concurrent.futures.ProcessPoolExecutor(WORKERS) as ex:
        futs = [ex.submit(corpus_job, n, cache, args.force_corpus, split,
                          seed, args.items, families, args.workdir)
                for n in names]
        cs = [f.result() for f in futs]
    return cs, families


def frs_job(c, bindir, index_args, query_args, workdir):
    """Index (or reuse) and search one collection: (ranks, timing)."""
    db, isecs = frs_index(c, bindir, index_args, workdir)
    t = time.time()
    runs = frs_search(db, c.queries, bindir, query_args)
    return ranks(runs, c.queries), {f"{c.name} frs index": isecs,
                                    f"{c.name} frs queries": time.time() - t}


def frs_ranks(cs, bindir, index_args, query_args, workdir, timing):
    """frs's ranks on each collection: {corpus: ranks}, WORKERS
    collections at a time."""
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as ex:
        futs = [(c.name, ex.submit(frs_job, c, bindir, index_args,
                                   query_args, workdir)) for c in cs]
        out = {}
        for name, f in futs:
            out[name], t = f.result()
            timing.update(t)
    return out


def evaluate(cs, engines, bindir, index_args, query_args, workdir, timing):
    """Runs every engine, WORKERS jobs at a time (a job: one engine on one
    collection); {engine: {corpus: ranks}}.  A baseline that cannot run
    is left out."""
    with concurrent.futures.ProcessPoolExecutor(WORKERS) as ex:
        futs = []
        for c in cs:
            if "frs" in engines:
                futs.append(("frs", c, ex.submit(frs_job, c, bindir,
                                                 index_args, query_args,
                                                 workdir)))
        for e in engines:
            for c in cs:
                if e != "frs":
                    futs.append((e, c, ex.submit(baseline_runs, e, c,
                                                 workdir)))
        ranks_by = {}
        for e, c, f in futs:
            if e == "frs":
                rk, t = f.result()
                timing.update(t)
            else:
                runs, secs = f.result()
                if runs is None:
                    ranks_by[e] = None
                    continue
                rk = ranks(runs, c.queries)
                timing[f"{c.name} {e}"] = secs
            if ranks_by.get(e, {}) is not None:
                ranks_by.setdefault(e, {})[c.name] = rk
    return {e: r for e, r in ranks_by.items() if r is not None}


def item_rrs(ranks_by, cs):
    """{engine: {(corpus, family): {item: mean RR over its variants}}}"""
    rr = {}
    for e, by_corpus in ranks_by.items():
        rr[e] = {}
        for c in cs:
            for (f, item), v in item_rr(by_corpus[c.name],
                                        c.queries).items():
                rr[e].setdefault((c.name, f), {})[item] = v
    return rr


def summary_table(res, engines, corpora, md=False):
    """All four metrics of the overall line of each collection."""
    rows = list(corpora) + (["all"] if len(corpora) > 1 else [])
    if md:
        lines = ["| collection | engine | MRR@10 | R@10 | S@1 | no hit |",
                 "|---|---|---:|---:|---:|---:|"]
    else:
        lines = [f"{'collection':<11}{'engine':<13}{'MRR@10':>8}{'R@10':>8}"
                 f"{'S@1':>8}{'no hit':>8}"]
    for cn in rows:
        for e in engines:
            m = res[e].get((cn, "all", "all"))
            if m is None:
                continue
            vals = (m["mrr"], m["r10"], m["s1"], m["nohit"])
            if md:
                lines.append(f"| {cn} | {e} | " + " | ".join(
                    f"{x:.3f}" for x in vals) + " |")
            else:
                lines.append(f"{cn:<11}{e:<13}" + "".join(
                    f"{x:>8.3f}" for x in vals))
    return "\n".join(lines)


class Report:
    """What a run measured, printed and written."""

    def __init__(self, args, seed, bindir, cs, families, engines, ranks_by):
        self.args, self.seed, self.bindir = args, seed, bindir
        self.cs, self.families = cs, families
        self.engines = [e for e in engines if e in ranks_by]
        self.corpora = [c.name for c in cs]
        qby = {c.name: c.queries for c in cs}
        self.res = {e: metrics(ranks_by[e], qby, families)
                    for e in self.engines}
        self.others = [e for e in self.engines if e != "frs"]
        self.cis, self.verdict = {}, []
        if "frs" in self.engines and self.others:
            rr = item_rrs(ranks_by, cs)
            strata = [(cn, f) for cn in self.corpora for f in families
                      if (cn, f) in rr["frs"]]
            self.cis = paired_cis(rr, "frs", self.others, strata)
            self.verdict = verdict(self.cis, self.others, self.corpora,
                                   families)
        a = args
        self.head = [f"split {a.split}, seed {seed}, up to {a.items} items "
                     f"per collection x family, 3 variants each; article "
                     f"level, depth {DEPTH}; frs = {bindir} (indexer args "
                     f"'{a.frs_index_args}', query args "
                     f"'{a.frs_query_args}'); {time.strftime('%Y-%m-%d')}"]
        for c in cs:
            self.head.append(f"  {c.name}: {len(c.arts)} articles, "
                             f"{c.words} words, {len(c.queries)} queries")

    def print(self):
        print("\n".join(self.head))
        print("\nMRR@10\n" + metric_table(self.res, self.engines,
                                          self.corpora, self.families))
        print("\nOverall (mean over families; 'all': over collections x "
              "families)\n" + summary_table(self.res, self.engines,
                                             self.corpora))
        if self.cis:
            print("\nfrs minus baseline, MRR@10, paired bootstrap 95 % CI "
                  "over items (variants pooled per item)\n"
                  + ci_table(self.cis, self.others, self.corpora,
                             self.families))
            print("\n" + "\n".join(self.verdict))

    def write_json(self, path, timing):
        a, cs = self.args, self.cs
        keystr = "/".join
        with open(path, "w") as fh:
            json.dump({"split": a.split, "seed": self.seed,
                       "items": a.items, "bin": self.bindir,
                       "frs_index_args": a.frs_index_args,
                       "frs_query_args": a.frs_query_args,
                       "date": time.strftime("%Y-%m-%d"),
                       "collections": {c.name: {"articles": len(c.arts),
                                                "words": c.words,
                                                "queries": len(c.queries),
                                                "file": c.path}
                                       for c in cs},
                       "results": {e: {keystr(k): m for k, m in r.items()}
                                   for e, r in self.res.items()},
                       "ci": {keystr(k): {o: list(t) for o, t in v.items()}
                              for k, v in self.cis.items()},
                       "verdict": self.verdict, "seconds": timing},
                      fh, indent=1, sort_keys=True)

    def write_md(self, path):
        with open(path, "w") as fh:
            fh.write("\n".join(self.head) + "\n")
            fh.write("\n### Overall (mean over families; 'all': over "
                     "collections x families)\n\n"
                     + summary_table(self.res, self.engines, self.corpora,
                                     md=True) + "\n")
            fh.write("\n### MRR@10: exact / noaccent / inflection (mean)"
                     "\n\n" + compact_table(self.res, self.engines,
                                            self.corpora, self.families)
                     + "\n")
            for metric, name in (("mrr", "MRR@10"), ("r10", "Recall@10"),
                                 ("s1", "Success@1"), ("nohit", "No hit")):
                fh.write(f"\n### {name}\n\n"
                         + metric_table(self.res, self.engines,
                                        self.corpora, self.families, metric,
                                        md=True) + "\n")
            if self.cis:
                fh.write("\n### frs minus baseline (MRR@10, paired "
                         "bootstrap 95 % CI)\n\n"
                         + ci_table(self.cis, self.others, self.corpora,
                                    self.families, md=True)
                         + "\n\n" + "\n".join(self.verdict) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options(ap)
    ap.add_argument("--split", choices=("test", "dev"), default="test",
                    help="held-out test articles (default) or dev")
    ap.add_argument("--seed", type=int,
                    help="query seed (default 42 for test, 1 for dev)")
    ap.add_argument("--engines", help="comma-separated (default: "
                    + ",".join(ENGINES) + ")")
    ap.add_argument("--json", help="results file (default "
                    "build/eval/results.json; the .md beside it)")
    args = ap.parse_args()
    engines = parse_list(args.engines, ENGINES, "engine")
    seed = SEEDS[args.split] if args.seed is None else args.seed
    bindir = os.path.abspath(args.bin)
    for b in ("indexer", "query"):
        if "frs" in engines and not os.access(os.path.join(bindir, b),
                                              os.X_OK):
            sys.exit(f"run_eval: {bindir}/{b} missing (run make)")

    t0 = time.time()
    timing = {}
    cs, families = prepare(args, args.split, seed)
    timing["collections and queries"] = time.time() - t0
    try:
        ranks_by = evaluate(cs, engines, bindir, args.frs_index_args,
                            args.frs_query_args, args.workdir, timing)
    except FrsError as e:
        sys.exit(f"run_eval: {e}")
    rep = Report(args, seed, bindir, cs, families, engines, ranks_by)
    rep.print()
    out = args.json or os.path.join(args.workdir, "results.json")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    md = os.path.splitext(out)[0] + ".md"
    rep.write_json(out, timing)
    rep.write_md(md)
    log(f"run_eval: {time.time() - t0:.1f} s ("
        + ", ".join(f"{k} {v:.1f}" for k, v in timing.items())
        + f"); results in {out} and {md}")


if __name__ == "__main__":
    main()
