#!/usr/bin/python3
"""run_eval.py: frs against Xapian's French setup and SQLite FTS5.

Steps (all under build/eval/, git-ignored):
  1. eval/fetch_corpus.py: the French collection (cached after the first run)
  2. eval/make_queries.py: known-item queries, seeded (default seed 42; the
     defaults were tuned on seed 1 by eval/tune.py, so 42 is held out)
  3. frs: build/indexer into a fresh database, then
     build/query --batch --articles --json -n 10
  4. baselines, on the same articles and queries:
       xapian  TermGenerator + QueryParser with Stem("french") (default
               stemming strategy STEM_SOME, default BM25Weight, no stopper),
               one document per article (title, then body)
       fts5    SQLite FTS5, tokenize 'unicode61 remove_diacritics 2',
               ranked by bm25(), the query words OR'ed (like the others);
               one row per article
     and variants of them, so that frs is compared with the strongest
     setup of each: the same two engines over passages (xapian-passages,
     fts5-passages: the frs passage split, collapsed to articles) and FTS5
     with its default implicit AND (fts5-and); --no-variants leaves these
     out.
  5. metrics per engine and query kind, article level: MRR@10, Recall@10,
     success@1 and the share of queries with no hit; printed as one table,
     written to build/eval/results.json and build/eval/results.md.

Run with Debian's /usr/bin/python3 (python3-xapian):

    make eval                                   # or:
    /usr/bin/python3 eval/run_eval.py [--seed 42] [--items 400]
        [--no-variants] [--k1 X --b X --exact-boost X --title-weight X]
        [--passage-min N --passage-max N --passage-overlap N]
"""
import argparse
import collections
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BUILD = os.path.join(ROOT, "build")
EVAL = os.path.join(BUILD, "eval")
KINDS = ("exact", "noaccent", "inflection")
DEPTH = 10


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---- inputs ---------------------------------------------------------------

def collection_path(force=False):
    cmd = [sys.executable, os.path.join(HERE, "fetch_corpus.py")]
    if force:
        cmd.append("--force")
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True)
    return out.stdout.strip()


def load_articles(path):
    arts = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                arts.append(json.loads(line))
    return arts


def make_queries(collection, seed, items, out):
    subprocess.run([sys.executable, os.path.join(HERE, "make_queries.py"),
                    collection, "--seed", str(seed), "--items", str(items),
                    "--out", out], check=True)
    return load_queries(out)


def load_queries(path):
    qs = []
    with open(path, encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            qid, kind, target, text = line.rstrip("\n").split("\t")
            qs.append({"qid": qid, "kind": kind, "target": target,
                       "text": text})
    return qs


# ---- frs -----------------------------------------------------------------

def frs_index(collection, db, passage_min=None, passage_max=None,
              passage_overlap=None, bindir=BUILD):
    if os.path.exists(db):
        shutil.rmtree(db)
    cmd = [os.path.join(bindir, "indexer"), "-d", db]
    for flag, v in (("--passage-min", passage_min),
                    ("--passage-max", passage_max),
                    ("--passage-overlap", passage_overlap)):
        if v is not None:
            cmd += [flag, str(v)]
    cmd.append(collection)
    r = subprocess.run(cmd, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit(f"run_eval: indexer failed ({r.returncode}): {r.stderr}")


def frs_search(db, queries, k1=None, b=None, exact_boost=None,
               title_weight=None, bindir=BUILD):
    cmd = [os.path.join(bindir, "query"), "-d", db, "--batch", "--json",
           "--articles", "-n", str(DEPTH)]
    for flag, v in (("--k1", k1), ("--b", b), ("--exact-boost", exact_boost),
                    ("--title-weight", title_weight)):
        if v is not None:
            cmd += [flag, str(v)]
    inp = "".join(f"{q['qid']}\t{q['text']}\n" for q in queries)
    r = subprocess.run(cmd, input=inp, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode not in (0, 1):
        sys.exit(f"run_eval: query failed ({r.returncode}): {r.stderr}")
    runs = {}
    for line in r.stdout.splitlines():
        o = json.loads(line)
        runs[o["qid"]] = [h["article_id"] for h in o["hits"]]
    return runs


# ---- passages for the baselines' passage variant ---------------------------

SENT_END = re.compile(r"(?<=[.!?:;])\s+")


def split_passages(body, pmin=50, pmax=180):
    """The frs split, approximately: paragraphs, long ones cut at sentence
    ends, short neighbours merged up to pmax words."""
    pieces = []
    for para in body.split("\n\n"):
        words = para.split()
        if not words:
            continue
        if len(words) <= pmax:
            pieces.append(para)
            continue
        cur = []
        for sent in SENT_END.split(para):
            sw = sent.split()
            if cur and len(cur) + len(sw) > pmax:
                pieces.append(" ".join(cur))
                cur = []
            while len(sw) > pmax:
                pieces.append(" ".join(sw[:pmax]))
                sw = sw[pmax:]
            cur += sw
        if cur:
            pieces.append(" ".join(cur))
    out = []
    for p in pieces:
        if out and (len(out[-1].split()) < pmin or len(p.split()) < pmin) \
                and len(out[-1].split()) + len(p.split()) <= pmax:
            out[-1] += "\n\n" + p
        else:
            out.append(p)
    return out


def units(arts, unit):
    """(article id, title, text) per document of the given unit."""
    for a in arts:
        if unit == "article":
            yield a["id"], a.get("title", ""), a["body"]
        else:
            for p in split_passages(a["body"]):
                yield a["id"], a.get("title", ""), p


# ---- baseline: Xapian -----------------------------------------------------

def xapian_run(arts, queries, unit="article"):
    import xapian
    db = xapian.WritableDatabase("", xapian.DB_BACKEND_INMEMORY)
    tg = xapian.TermGenerator()
    tg.set_stemmer(xapian.Stem("french"))
    for aid, title, text in units(arts, unit):
        doc = xapian.Document()
        tg.set_document(doc)
        if title:
            tg.index_text(title)
            tg.increase_termpos()
        tg.index_text(text)
        doc.add_value(0, aid)
        doc.set_data(aid)
        db.add_document(doc)
    qp = xapian.QueryParser()
    qp.set_stemmer(xapian.Stem("french"))
    qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    qp.set_database(db)
    enq = xapian.Enquire(db)
    if unit != "article":
        enq.set_collapse_key(0)
    runs = {}
    for q in queries:
        enq.set_query(qp.parse_query(q["text"]))
        runs[q["qid"]] = [m.document.get_data().decode()
                          for m in enq.get_mset(0, DEPTH)]
    return runs


# ---- baseline: SQLite FTS5 -----------------------------------------------

def fts5_run(arts, queries, unit="article", op="OR"):
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE t USING fts5(aid UNINDEXED, title, "
                "body, tokenize = 'unicode61 remove_diacritics 2')")
    con.executemany("INSERT INTO t(aid, title, body) VALUES (?, ?, ?)",
                    units(arts, unit))
    runs = {}
    limit = DEPTH if unit == "article" else 50 * DEPTH
    for q in queries:
        words = ['"' + w.replace('"', '""') + '"' for w in q["text"].split()]
        expr = (" OR " if op == "OR" else " ").join(words)
        rows = con.execute("SELECT aid FROM t WHERE t MATCH ? "
                           "ORDER BY bm25(t) LIMIT ?", (expr, limit))
        hits = []
        for (aid,) in rows:
            if aid not in hits:
                hits.append(aid)
            if len(hits) == DEPTH:
                break
        runs[q["qid"]] = hits
    return runs


# ---- metrics ----------------------------------------------------------------

def reciprocal_ranks(runs, queries):
    """{qid: 1/rank of the target within DEPTH, else 0}."""
    out = {}
    for q in queries:
        hits = runs.get(q["qid"], [])[:DEPTH]
        out[q["qid"]] = (1.0 / (hits.index(q["target"]) + 1)
                         if q["target"] in hits else 0.0)
    return out


def metrics(runs, queries):
    """{kind: {mrr, r10, s1, nohit, n}} plus 'all'."""
    acc = collections.defaultdict(lambda: [0.0, 0, 0, 0, 0])
    for q in queries:
        hits = runs.get(q["qid"], [])[:DEPTH]
        rank = hits.index(q["target"]) + 1 if q["target"] in hits else 0
        for k in (q["kind"], "all"):
            a = acc[k]
            a[0] += 1.0 / rank if rank else 0.0
            a[1] += 1 if rank else 0
            a[2] += 1 if rank == 1 else 0
            a[3] += 0 if hits else 1
            a[4] += 1
    return {k: {"mrr": a[0] / a[4], "r10": a[1] / a[4], "s1": a[2] / a[4],
                "nohit": a[3] / a[4], "n": a[4]} for k, a in acc.items()}


def paired_diff(rr_a, rr_b, queries, kind="all"):
    """Mean of rr_a - rr_b over the queries of a kind, and its standard
    error over items (a query's item is its qid before the '-')."""
    items = {}
    for q in queries:
        if kind in ("all", q["kind"]):
            items.setdefault(q["qid"].split("-")[0], []).append(
                rr_a[q["qid"]] - rr_b[q["qid"]])
    d = [sum(v) / len(v) for v in items.values()]
    mean = sum(d) / len(d)
    var = sum((x - mean) ** 2 for x in d) / max(len(d) - 1, 1)
    return mean, (var / len(d)) ** 0.5


def table(results, fmt="text"):
    cols = list(KINDS) + ["all"]
    lines = []
    if fmt == "md":
        lines.append("| engine | " + " | ".join(
            f"{c}: MRR@10 / R@10 / S@1 / no hit" for c in cols) + " |")
        lines.append("|---" * (len(cols) + 1) + "|")
        for name, m in results.items():
            cells = [f"{m[c]['mrr']:.3f} / {m[c]['r10']:.3f} / "
                     f"{m[c]['s1']:.3f} / {m[c]['nohit']:.3f}" for c in cols]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        return "\n".join(lines)
    w = max(len(n) for n in results) + 2
    head = " " * w + "".join(f"{c:>28}" for c in cols)
    sub = " " * w + "".join(f"{'MRR   R@10   S@1  nohit':>28}" for _ in cols)
    lines += [head, sub]
    for name, m in results.items():
        row = f"{name:<{w}}"
        for c in cols:
            row += (f"{m[c]['mrr']:>10.3f}{m[c]['r10']:>6.3f}"
                    f"{m[c]['s1']:>6.3f}{m[c]['nohit']:>6.3f}")
        lines.append(row)
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--items", type=int, default=600)
    ap.add_argument("--no-variants", action="store_true",
                    help="only the article-level xapian and fts5 baselines")
    ap.add_argument("--force-corpus", action="store_true")
    for f in ("k1", "b", "exact-boost", "title-weight"):
        ap.add_argument("--" + f, type=float)
    for f in ("passage-min", "passage-max", "passage-overlap"):
        ap.add_argument("--" + f, type=int)
    ap.add_argument("--out", default=EVAL)
    args = ap.parse_args()

    t0 = time.time()
    os.makedirs(args.out, exist_ok=True)
    coll = collection_path(args.force_corpus)
    arts = load_articles(coll)
    qpath = os.path.join(args.out, f"queries-seed{args.seed}.tsv")
    queries = make_queries(coll, args.seed, args.items, qpath)
    nwords = sum(len(a["body"].split()) for a in arts)
    log(f"run_eval: {len(arts)} articles, {nwords} words; "
        f"{len(queries)} queries ({qpath})")

    results, timing = {}, {}
    db = os.path.join(args.out, "frs.db")
    t = time.time()
    frs_index(coll, db, args.passage_min, args.passage_max,
              args.passage_overlap)
    timing["frs index"] = time.time() - t
    t = time.time()
    runs = frs_search(db, queries, args.k1, args.b, args.exact_boost,
                      args.title_weight)
    timing["frs queries"] = time.time() - t
    results["frs"] = metrics(runs, queries)
    rrs = {"frs": reciprocal_ranks(runs, queries)}

    plan = [("xapian", xapian_run, {}),
            ("xapian-passages", xapian_run, {"unit": "passage"}),
            ("fts5", fts5_run, {}),
            ("fts5-passages", fts5_run, {"unit": "passage"}),
            ("fts5-and", fts5_run, {"op": "AND"})]
    if args.no_variants:
        plan = plan[0:1] + plan[2:3]
    for name, fn, kw in plan:
        t = time.time()
        try:
            runs = fn(arts, queries, **kw)
        except ImportError as e:
            log(f"run_eval: {name} skipped: {e} (apt-get install "
                "python3-xapian; run with /usr/bin/python3)")
            continue
        timing[name] = time.time() - t
        results[name] = metrics(runs, queries)
        rrs[name] = reciprocal_ranks(runs, queries)

    text = table(results)
    print(f"{len(arts)} articles, {nwords} words; {len(queries) // 3} items x "
          f"3 kinds; seed {args.seed}; article level, depth {DEPTH}")
    print(text)
    margins = []
    for k in KINDS + ("all",):
        best = max((n for n in results if n != "frs"),
                   key=lambda n: results[n][k]["mrr"])
        d, se = paired_diff(rrs["frs"], rrs[best], queries, k)
        margins.append({"kind": k, "best_baseline": best, "diff": d,
                        "se": se})
        print(f"{k}: frs - best baseline ({best}) = {d:+.3f} MRR@10 "
              f"(paired SE {se:.3f})")
    win = all(m["diff"] > 0 for m in margins)
    print("frs ahead of every baseline on MRR@10 for every kind: "
          + ("yes" if win else "NO"))
    out = {"seed": args.seed, "items": len(queries) // 3,
           "articles": len(arts), "words": nwords,
           "settings": {k: v for k, v in vars(args).items()
                        if k not in ("out",)},
           "results": results, "margins": margins, "seconds": timing}
    with open(os.path.join(args.out, "results.json"), "w") as fh:
        json.dump(out, fh, indent=1, sort_keys=True)
    with open(os.path.join(args.out, "results.md"), "w") as fh:
        fh.write(f"Seed {args.seed}, {len(queries) // 3} items, "
                 f"{len(arts)} articles.\n\n" + table(results, "md") + "\n\n"
                 + "".join(f"- {m['kind']}: frs - {m['best_baseline']} = "
                           f"{m['diff']:+.3f} (paired SE {m['se']:.3f})\n"
                           for m in margins))
    log(f"run_eval: {time.time() - t0:.1f} s ("
        + ", ".join(f"{k} {v:.1f}" for k, v in timing.items())
        + f"); results in {args.out}/results.{{json,md}}")


if __name__ == "__main__":
    main()
