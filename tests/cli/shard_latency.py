#!/usr/bin/env python3
"""Query latency over one database, three local shards and three remote
shards (xapian-tcpsrv on loopback), for docs/scaling.md.

Builds (once) N generated articles (tests/cli/mkarticles.py N SEED) into
WORKDIR/one and, sharded by hash:3, into WORKDIR/h3; serves each shard of
WORKDIR/h3 with xapian-tcpsrv on a free loopback port; then runs the same
seeded query set with `query --batch --json` RUNS times over each layout,
interleaved, and prints took_ms p50/p95/p99 (median over the runs) with
ratios against the single database.

Usage: tests/cli/shard_latency.py BUILD_DIR WORKDIR [N] [SEED] [QUERIES] [RUNS]
(defaults 20000 7 300 3; run from the repository root)."""
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time

build, work = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 7
nq = int(sys.argv[5]) if len(sys.argv) > 5 else 300
runs = int(sys.argv[6]) if len(sys.argv) > 6 else 3
indexer, query = os.path.join(build, "indexer"), os.path.join(build, "query")
os.makedirs(work, exist_ok=True)
articles = os.path.join(work, f"articles-{n}-{seed}.jsonl")
if not os.path.exists(articles):
    with open(articles + ".tmp", "w") as f:
        subprocess.run(["python3", "tests/cli/mkarticles.py", str(n), str(seed)],
                       stdout=f, check=True)
    os.rename(articles + ".tmp", articles)
one, h3 = os.path.join(work, "one"), os.path.join(work, "h3")
if not os.path.exists(one):
    subprocess.run([indexer, "-d", one, articles], check=True)
if not os.path.exists(h3):
    subprocess.run([indexer, "-d", h3, "--shard-by", "hash:3", articles],
                   check=True)

# a fixed query set: words of the articles, 1 to 3 of them, some phrases
rng = random.Random(seed)
words = []
with open(articles, encoding="utf-8") as f:
    for i, line in enumerate(f):
        if i % 50 == 0:
            words.extend(w.strip(".,;:!?«»()\"'’") for w in json.loads(line)["body"].split())
words = [w for w in words if len(w) >= 4]
qfile = os.path.join(work, f"queries-{seed}-{nq}.tsv")
with open(qfile, "w", encoding="utf-8") as f:
    for i in range(nq):
        k = rng.choice([1, 2, 2, 3])
        q = " ".join(rng.choice(words) for _ in range(k))
        if rng.random() < 0.15:
            q = '"' + q + '"'
        f.write(f"q{i}\t{q}\n")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


servers, lines = [], []
try:
    for k in ("h00", "h01", "h02"):
        port = free_port()
        p = subprocess.Popen(["xapian-tcpsrv", "--port", str(port), "--interface",
                              "127.0.0.1", os.path.join(h3, k)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
        servers.append(p)
        lines.append(f"remote 127.0.0.1:{port}\n")
    stub = os.path.join(work, "remote.stub")
    with open(stub, "w") as f:
        f.writelines(lines)
    time.sleep(1)
    layouts = [("single database", one), ("3 local shards (hash:3)", h3),
               ("3 remote shards, loopback tcpsrv", stub)]
    results = {name: [] for name, _ in layouts}
    for r in range(runs):
        for name, path in layouts:
            t0 = time.monotonic()
            with open(qfile, encoding="utf-8") as qin:
                out = subprocess.run([query, "-d", path, "--batch", "--json"],
                                     stdin=qin, capture_output=True, text=True,
                                     check=True).stdout
            wall = time.monotonic() - t0
            took = sorted(json.loads(l)["took_ms"] for l in out.splitlines())
            pct = lambda p: took[min(len(took) - 1, int(p / 100 * len(took)))]
            results[name].append((pct(50), pct(95), pct(99), wall))
    base = [statistics.median(v[i] for v in results[layouts[0][0]]) for i in range(4)]
    print(f"{n} articles, {nq} queries (seed {seed}), median of {runs} runs")
    print("| layout | p50 ms | p95 ms | p99 ms | batch wall s | p50 ratio | p95 ratio | p99 ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for name, _ in layouts:
        m = [statistics.median(v[i] for v in results[name]) for i in range(4)]
        print(f"| {name} | {m[0]:.2f} | {m[1]:.2f} | {m[2]:.2f} | {m[3]:.1f} | "
              f"{m[0] / base[0]:.2f} | {m[1] / base[1]:.2f} | {m[2] / base[2]:.2f} |")
finally:
    for p in servers:
        os.killpg(p.pid, signal.SIGTERM)
        p.wait()
