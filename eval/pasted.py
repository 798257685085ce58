#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Pasted text as the query: the known-item benchmark of run_eval.py, with
queries that are whole units of the article instead of a few words drawn
from it: one whole sentence (15-45 words), one whole paragraph (30 words
or more), the whole article (its first 4 000 bytes).  A site's users paste
such text into a search box ("where was this published?"); a query in the
index's own unit would flatter a passage index, so the three units differ.

Same collections, split and baselines as run_eval.py (test half of the
articles, seed 5); frs through its binaries.  Prints MRR@10, S@1 and the
median time of frs's queries per collection and unit:

    /usr/bin/python3 eval/pasted.py [--bin build] [--items 150]
"""
import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_queries as MQ  # noqa: E402
import run_eval as RE  # noqa: E402

UNITS = ("sentence", "paragraph", "article")
SENTENCE = re.compile(r"(?<=[.!?])\s+")


def draw(arts, unit, rng, items):
    """[{qid, text, target}] for one unit, from test-half articles."""
    out = []
    for a in arts:
        body = a["body"]
        if unit == "sentence":
            pool = [s for s in SENTENCE.split(body.replace("\n", " "))
                    if 15 <= len(s.split()) <= 45]
        elif unit == "paragraph":
            pool = [p for p in body.split("\n\n") if len(p.split()) >= 30]
        else:
            pool = [body[:4000]] if len(body.split()) >= 60 else []
        if not pool:
            continue
        text = " ".join(rng.choice(pool).split())
        out.append({"qid": f"{unit}-{len(out)}", "text": text,
                    "target": a["id"]})
        if len(out) >= items:
            break
    return out


def frs_times(db, queries, bindir):
    """frs's took_ms per query, from its own batch output."""
    cmd = [os.path.join(bindir, "query"), "-d", db, "--batch", "--json",
           "-n", "10"]
    inp = "".join(f"{q['qid']}\t{q['text']}\n" for q in queries)
    r = subprocess.run(cmd, input=inp, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, check=False)
    return [json.loads(l)["took_ms"] for l in r.stdout.splitlines()]


def baselines(c, queries, names):
    """{name: runs} of run_eval's baselines on queries, each index built
    once for all units; pasted text is not query syntax: Xapian's parser
    is given no operator flag (FLAG_DEFAULT fails on a bare AND)."""
    out = {}
    for name in names:
        if name.startswith("xapian"):
            out[name] = RE.xapian_run(c, queries, fold=name == "xapian-fold",
                                      flags=0)
        else:
            out[name] = RE.BASELINES[name](c, queries)
    return out


def scores(runs, queries):
    rr, s1 = [], 0
    for q in queries:
        ids = runs.get(q["qid"], [])[:10]
        r = ids.index(q["target"]) + 1 if q["target"] in ids else 0
        rr.append(1 / r if r else 0)
        s1 += r == 1
    return sum(rr) / len(rr), s1 / len(rr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default="build")
    ap.add_argument("--items", type=int, default=150)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--corpus", default="books,man,help")
    ap.add_argument("--baselines", default="xapian-fold,fts5")
    args = ap.parse_args()
    names = [b for b in args.baselines.split(",") if b]
    cache = os.path.join(RE.EVAL, "corpus")
    print("| collection | unit | queries | frs MRR@10 | frs S@1 | frs median ms |"
          + "".join(f" {b} MRR@10 |" for b in names))
    print("|---|---|---|---|---|---|" + "---|" * len(names))
    for name in args.corpus.split(","):
        c = RE.corpus(name, cache)
        db, _ = RE.frs_index(c, args.bin, "", RE.EVAL)
        rng = random.Random(args.seed)
        arts = [a for a in c.arts if MQ.split_of(a["id"]) == "test"]
        rng.shuffle(arts)
        sets = {u: draw(arts, u, rng, args.items) for u in UNITS}
        every = [q for u in UNITS for q in sets[u]]
        base = baselines(c, every, names)
        for unit in UNITS:
            qs = sets[unit]
            frs = scores(RE.frs_search(db, qs, args.bin), qs)
            ms = statistics.median(frs_times(db, qs, args.bin))
            row = (f"| {name} | {unit} | {len(qs)} | {frs[0]:.3f} | "
                   f"{frs[1]:.3f} | {ms:.1f} |")
            for b in names:
                row += f" {scores(base[b], qs)[0]:.3f} |"
            print(row, flush=True)


if __name__ == "__main__":
    main()
