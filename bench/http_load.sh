#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# http_load.sh: load test of `query --serve` with wrk over keep-alive, on
# loopback, through the Meilisearch API (POST /indexes/{uid}/search with
# JSON bodies; API=frs for frs's own GET /search): requests/s, p50 and p99
# latency and errors, RUNS times each, medians printed as a table
# (docs/performance.md, "HTTP server under load"):
#   1. idle, at each connection count of CONNS_LIST;
#   2. while an indexer commits into the served database (batches of 100
#      articles, one commit every second or so), at BUSY_CONNS;
#   3. across an `indexer --rebuild` switch of the served database, at
#      BUSY_CONNS: wrk runs from before the rebuild starts until after the
#      new database is in place.
#
#   bench/http_load.sh [BUILD_DIR]
#   CORPUS=FILE.jsonl | ARTICLES=30000   the corpus (else generated)
#   RUNS=3 DURATION=20s CONNS_LIST="1 4 16" BUSY_CONNS=16 WRK_THREADS=2
#   SERVER_THREADS=2 REBUILD_ARTICLES=20000 WORK=build/bench-http API=meili
#
# The corpus: CORPUS, or ARTICLES articles from corpus/gen_corpus.py (the
# generator of bench/run_bench.py: `--articles 130000` is the "1 M
# passages" corpus of docs/performance.md).  The index is built once with
# --rebuild and kept in WORK.  Needs wrk (apt-get install wrk).  Every
# request goes to 127.0.0.1; every run is bounded by DURATION (the switch
# run by the rebuild, at most 30 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
ARTICLES=${ARTICLES:-30000}
RUNS=${RUNS:-3}
DURATION=${DURATION:-20s}
CONNS_LIST=${CONNS_LIST:-"1 4 16"}
BUSY_CONNS=${BUSY_CONNS:-16}
WRK_THREADS=${WRK_THREADS:-2}
SERVER_THREADS=${SERVER_THREADS:-2}
REBUILD_ARTICLES=${REBUILD_ARTICLES:-20000}
WORK=${WORK:-build/bench-http}
API=${API:-meili}
command -v wrk >/dev/null || { echo "http_load.sh: wrk is missing (apt-get install wrk)" >&2; exit 2; }
mkdir -p "$WORK"

if [ -n "${CORPUS:-}" ]; then
    corpus=$CORPUS
    name=$(basename "$CORPUS" .jsonl)
else
    name="corpus-$ARTICLES"
    corpus="$WORK/$name.jsonl"
    if [ ! -s "$corpus" ]; then
        echo "== generating $ARTICLES articles" >&2
        python3 corpus/gen_corpus.py --articles "$ARTICLES" --seed 1 -o "$corpus.tmp"
        mv "$corpus.tmp" "$corpus"
    fi
fi
[ -s "$corpus" ] || { echo "http_load.sh: no corpus at $corpus" >&2; exit 2; }
db="$WORK/db-$name"
if [ ! -e "$db/iamglass" ]; then
    echo "== indexing $corpus" >&2
    rm -rf "$db"
    "$B/indexer" -d "$db" --rebuild --summary "$corpus" >&2
fi
# articles the background indexer adds, in files of 500 (commits every 100)
live="$WORK/live"
if [ ! -e "$live/chunk-039.jsonl" ]; then
    mkdir -p "$live"
    python3 tests/cli/mkarticles.py 20000 5 live | split -l 500 -d -a 3 --additional-suffix=.jsonl - "$live/chunk-"
fi
# what the rebuild switches in: the first REBUILD_ARTICLES of the corpus
head -n "$REBUILD_ARTICLES" "$corpus" >"$WORK/rebuild.jsonl"

# The query mix (queries.lua): corpus/queries.tsv, frequent, middle and
# rare words of the corpus, pairs, triples, phrases, misspellings; every
# 4th with a filter, every 5th a second page, every 6th sorted by date,
# every 7th with facets, every 3rd with highlighting.
python3 - "$corpus" "$WORK/queries.lua" "$API" <<'EOF'
import collections, json, random, sys, urllib.parse
corpus, out, api = sys.argv[1:4]
rng = random.Random(3)
counts = collections.Counter()
with open(corpus, encoding="utf-8") as f:
    for n, line in enumerate(f):
        if n >= 2000:
            break
        for w in json.loads(line)["body"].lower().split():
            w = w.strip(".,;:!?«»()\"'’")
            if w.isalpha() and len(w) > 3:
                counts[w] += 1
ranked = [w for w, _ in counts.most_common()]
common, middle, rare = ranked[:100], ranked[100:2000], ranked[2000:]
qs = [l.split("\t", 1)[1].strip() for l in open("corpus/queries.tsv", encoding="utf-8") if "\t" in l]
qs += rng.sample(common, 20) + rng.sample(middle, 60) + rng.sample(rare, min(40, len(rare)))
qs += [f"{rng.choice(middle)} {rng.choice(middle)}" for _ in range(40)]
qs += [f"{rng.choice(common)} {rng.choice(middle)} {rng.choice(rare or middle)}" for _ in range(20)]
qs += [f'"{a} {b}"' for a, b in (rng.sample(common, 2) for _ in range(10))]
qs += [w[:2] + w[3] + w[2] + w[4:] for w in rng.sample(middle, 20)]  # misspelt
reqs = []
for i, q in enumerate(qs):
    if api == "frs":
        p = {"q": q, "limit": 10, "articles": 1}
        if i % 5 == 0:
            p["offset"] = 10
        if i % 7 == 0:
            p["facets"] = "month"
        reqs.append(("GET", "/search?" + urllib.parse.urlencode(p), ""))
        continue
    b = {"q": q, "limit": 10}
    if i % 4 == 0:
        b["filter"] = "year >= %d" % rng.choice([2000, 2010, 2015, 2020])
    if i % 5 == 0:
        b["offset"] = 10
    if i % 6 == 0:
        b["sort"] = ["date:desc"]
    if i % 7 == 0:
        b["facets"] = ["year", "month"]
    if i % 3 == 0:
        b["attributesToHighlight"] = ["title", "passage"]
        b["attributesToCrop"] = ["passage:30"]
    reqs.append(("POST", "/indexes/UID/search", json.dumps(b, ensure_ascii=False)))
rng.shuffle(reqs)
with open(out, "w", encoding="utf-8") as f:
    f.write("-- generated by bench/http_load.sh: %d requests, cycled\n" % len(reqs))
    f.write("local reqs = {\n")
    for m, p, b in reqs:
        f.write("  {%s, %s, %s},\n" % (json.dumps(m), json.dumps(p), json.dumps(b, ensure_ascii=False)))
    f.write("}\nlocal i = 0\nlocal uid = os.getenv('FRS_UID') or 'index'\n")
    f.write("local hdr = {['Content-Type'] = 'application/json'}\n")
    f.write("function setup(thread) thread:set('start', math.random(#reqs)) end\n")
    f.write("function init(args) i = tonumber(start) or 0 end\n")
    f.write("function request()\n  i = i + 1\n  local r = reqs[(i % #reqs) + 1]\n"
            "  local path = r[2]:gsub('UID', uid)\n"
            "  if r[1] == 'GET' then return wrk.format('GET', path) end\n"
            "  return wrk.format('POST', path, hdr, r[3])\nend\n")
EOF

port_of() { sed -n 's|^query: serving .* at http://127\.0\.0\.1:\([0-9]*\)/ .*|\1|p' "$1"; }
start_server() { # DB ERRFILE -> sets SPID, PORT
    "$B/query" -d "$1" --serve --listen 127.0.0.1:0 --threads "$SERVER_THREADS" --index-uid bench \
        --max-connections-per-ip 0 2>"$2" &
    SPID=$!
    PORT=
    for _ in $(seq 300); do PORT=$(port_of "$2"); [ -n "$PORT" ] && return; sleep 0.1; done
    echo "server did not start: $(cat "$2")" >&2
    exit 1
}
export FRS_UID=bench
# summarise WRK_OUTPUT LABEL CONNS LOAD: one JSON line on stdout
summarise() {
    python3 - "$@" <<'EOF'
import json, re, sys
text, label, conns, load = open(sys.argv[1]).read(), sys.argv[2], int(sys.argv[3]), sys.argv[4]
def ms(v):
    n, u = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 1e-3, "ms": 1, "s": 1e3}[u]
lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M))
m = re.search(r"(\d+) requests in", text)
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
print(json.dumps({
    "label": label, "conns": conns, "load": load,
    "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
    "p50_ms": ms(lat["50"]), "p99_ms": ms(lat["99"]), "requests": int(m.group(1)),
    "errors": (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sock.groups())) if sock else 0),
}))
EOF
}
# one_run LABEL CONNS N: warm up, measure, append to runs.jsonl
one_run() {
    local label=$1 c=$2 n=$3 load out="$WORK/wrk-$1-c$2-$3.txt" t=$WRK_THREADS
    [ "$c" -lt "$t" ] && t=$c # wrk needs a connection per thread
    wrk -t"$t" -c"$c" -d3s -s "$WORK/queries.lua" "http://127.0.0.1:$PORT" >/dev/null
    load=$(cut -d' ' -f1 /proc/loadavg)
    wrk -t"$t" -c"$c" -d"$DURATION" --latency --timeout 10s -s "$WORK/queries.lua" \
        "http://127.0.0.1:$PORT" >"$out"
    summarise "$out" "$label" "$c" "$load" | tee -a "$WORK/runs.jsonl" >&2
}

rm -f "$WORK/runs.jsonl"
"$B/query" -d "$db" --stats >"$WORK/stats.txt"
echo "== idle: $RUNS runs of $DURATION at $CONNS_LIST connections (wrk -t$WRK_THREADS), server --threads $SERVER_THREADS" >&2
start_server "$db" "$WORK/server-idle.err"
for n in $(seq "$RUNS"); do
    for c in $CONNS_LIST; do one_run idle "$c" "$n"; done
done
kill -TERM "$SPID"; wait "$SPID"

# a copy of the served database for the runs that write into it
busy="$WORK/db-busy"
rm -rf "$busy" "$busy.rebuild" "$busy.old"
cp -a "$db" "$busy"
echo "== while an indexer commits (batches of 100 articles), $BUSY_CONNS connections" >&2
start_server "$busy" "$WORK/server-busy.err"
rm -f "$WORK/stop-writer"
(
    for f in "$live"/chunk-*.jsonl; do
        [ -e "$WORK/stop-writer" ] && break
        "$B/indexer" -d "$busy" --batch 100 "$f"
    done
) &
wpid=$!
sleep 2
for n in $(seq "$RUNS"); do one_run busy "$BUSY_CONNS" "$n"; done
touch "$WORK/stop-writer"
wait "$wpid"
reopens=$(curl -s "http://127.0.0.1:$PORT/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["server"]["reopens"])')
echo "{\"label\": \"busy-info\", \"reopens\": $reopens, \"articles\": $("$B/query" -d "$busy" --stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])')}" >>"$WORK/runs.jsonl"

echo "== across a --rebuild switch ($REBUILD_ARTICLES articles), $BUSY_CONNS connections" >&2
for n in $(seq "$RUNS"); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    out="$WORK/wrk-switch-$n.txt"
    # wrk reports when interrupted (SIGINT); its -d only bounds the run
    wrk -t"$WRK_THREADS" -c"$BUSY_CONNS" -d30m --latency --timeout 10s -s "$WORK/queries.lua" \
        "http://127.0.0.1:$PORT" >"$out" &
    kpid=$!
    sleep 5
    before=$(curl -s "http://127.0.0.1:$PORT/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])')
    t0=$(date +%s.%N)
    "$B/indexer" -d "$busy" --rebuild --summary "$WORK/rebuild.jsonl" >&2
    t1=$(date +%s.%N)
    sleep 5
    kill -INT "$kpid"; wait "$kpid" || true
    after=$(curl -s "http://127.0.0.1:$PORT/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])')
    summarise "$out" switch "$BUSY_CONNS" "$load" | python3 -c '
import json, sys
d = json.load(sys.stdin); d.update(before=int(sys.argv[1]), after=int(sys.argv[2]), rebuild_s=float(sys.argv[3]))
print(json.dumps(d))' "$before" "$after" "$(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$t0" "$t1")" | tee -a "$WORK/runs.jsonl" >&2
    # back to the full index for the next run
    rm -rf "$busy.old"
done
kill -TERM "$SPID"; wait "$SPID"
rm -rf "$busy" "$busy.rebuild" "$busy.old"

python3 - "$WORK/runs.jsonl" "$WORK/stats.txt" <<'EOF'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
print(open(sys.argv[2]).read().strip())
print()
print("| server | connections | req/s | p50 ms | p99 ms | p99/p50 | errors | runs (req/s) | load average |")
print("|---|---|---|---|---|---|---|---|---|")
base = None
for label, name in (("idle", "idle"), ("busy", "indexer committing"), ("switch", "--rebuild switch")):
    for c in sorted({r["conns"] for r in runs if r["label"] == label}):
        rs = [r for r in runs if r["label"] == label and r["conns"] == c]
        med = lambda k: statistics.median(r[k] for r in rs)
        if label == "idle" and base is None:
            base = med("rps")
        print("| %s | %d | %.0f | %.2f | %.2f | %.1f | %d of %d | %s | %s |" % (
            name, c, med("rps"), med("p50_ms"), med("p99_ms"), med("p99_ms") / med("p50_ms"),
            sum(r["errors"] for r in rs), sum(r["requests"] for r in rs),
            " / ".join("%.0f" % r["rps"] for r in rs), " / ".join(str(r["load"]) for r in rs)))
idle = {r["conns"]: [] for r in runs if r["label"] == "idle"}
for r in runs:
    if r["label"] == "idle":
        idle[r["conns"]].append(r["rps"])
if len(idle) > 1:
    lo, hi = min(idle), max(idle)
    print("\nidle: %d connections give %.2fx the requests/s of %d" % (
        hi, statistics.median(idle[hi]) / statistics.median(idle[lo]), lo))
for r in runs:
    if r["label"] == "busy-info":
        print("busy: the server reopened the index %d times; %d articles at the end" % (r["reopens"], r["articles"]))
    if r["label"] == "switch":
        print("switch: %d -> %d articles served, rebuild %.0f s, %d errors of %d requests" % (
            r["before"], r["after"], r["rebuild_s"], r["errors"], r["requests"]))
EOF
