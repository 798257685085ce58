#!/usr/bin/env python3
"""A month of nightly runs: how far an incrementally updated index grows
beyond a compacted copy of itself.

Day 0 indexes ARTICLES articles of a generated corpus (the plain first
build).  Each of the following DAYS days the whole feed is indexed again,
as cron does, with about 1 % new articles and 0.5 % changed ones; after
each run the index is copied, compacted with xapian-compact, and both sizes
are printed.  Everything is written under build/bench/nightly/.

    /usr/bin/python3 bench/nightly_growth.py [--articles 5000] [--days 30]
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def du(path):
    total = 0
    for dirpath, _, files in os.walk(path):
        for f in files:
            total += os.lstat(os.path.join(dirpath, f)).st_blocks * 512
    return total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--new", type=float, default=0.01)
    ap.add_argument("--changed", type=float, default=0.005)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bin", default=os.path.join(ROOT, "build"))
    ap.add_argument("--indexer-args", default="",
                    help="extra options for every nightly run")
    args = ap.parse_args()
    work = os.path.join(ROOT, "build", "bench", "nightly")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    need = int(args.articles * (1 + args.new * args.days)) + 10
    corpus = os.path.join(work, "pool.jsonl")
    subprocess.run([sys.executable, os.path.join(ROOT, "corpus",
                                                 "gen_corpus.py"),
                    "--articles", str(need), "--seed", str(args.seed),
                    "--out", corpus], check=True)
    pool = [json.loads(line) for line in open(corpus, encoding="utf-8")]
    rng = random.Random("nightly/%d" % args.seed)
    live = pool[:args.articles]
    reserve = pool[args.articles:]
    db = os.path.join(work, "index")
    indexer = os.path.join(args.bin, "indexer")
    print("day  articles  added  changed  seconds  index MB  compacted MB"
          "  ratio")
    for day in range(args.days + 1):
        added = changed = 0
        if day > 0:
            for _ in range(max(1, int(len(live) * args.new))):
                if reserve:
                    live.append(reserve.pop())
                    added += 1
            for a in rng.sample(live, max(1, int(len(live) * args.changed))):
                a["body"] += "\n\nMise à jour du jour %d : le texte a été " \
                             "complété par la rédaction." % day
                changed += 1
        feed = os.path.join(work, "feed.jsonl")
        with open(feed, "w", encoding="utf-8") as f:
            for a in live:
                f.write(json.dumps(a, ensure_ascii=False) + "\n")
        t0 = time.perf_counter()
        subprocess.run([indexer, "-d", db] + args.indexer_args.split() +
                       [feed], check=True)
        secs = time.perf_counter() - t0
        copy = os.path.join(work, "compacted")
        shutil.rmtree(copy, ignore_errors=True)
        subprocess.run(["xapian-compact", "-q", db, copy], check=True,
                       stdout=subprocess.DEVNULL)
        size, csize = du(db), du(copy)
        print("%3d  %8d  %5d  %7d  %7.2f  %8.1f  %12.1f  %5.2f" % (
            day, len(live), added, changed, secs, size / 1e6, csize / 1e6,
            size / csize), flush=True)


if __name__ == "__main__":
    main()
