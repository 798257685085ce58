#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# hung_shard.sh: how `query --serve` answers while one of three remote
# shards is hung (its xapian-tcpsrv stopped by SIGSTOP): the time and status
# of searches, /health, the page and /stats sent at set times after the
# stop, then after SIGCONT.  Prints one line per request
# (docs/performance.md, "A hung remote shard").
#
#   bench/hung_shard.sh [BUILD_DIR [SERVER OPTIONS...]]
#
# Loopback only; needs xapian-tcpsrv (xapian-tools).  Each request waits at
# most 150 s.
set -u
cd "$(dirname "$0")/.."
B=${1:-build}
shift || true
W=$(mktemp -d /tmp/frs-hung.XXXXXX)
PG=()
trap 'for p in "${PG[@]}"; do kill -CONT -- -"$p"; kill -- -"$p"; done 2>/dev/null; kill "$SP" 2>/dev/null; rm -rf "$W"' EXIT
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
"$B/indexer" -d "$W/h3" --shard-by hash:3 corpus/articles.jsonl corpus/txt
for k in h00 h01 h02; do
    port=$(free_port)
    setsid xapian-tcpsrv --port "$port" --interface 127.0.0.1 "$W/h3/$k" >"$W/tcp-$k.log" 2>&1 &
    PG+=($!)
    echo "remote 127.0.0.1:$port" >>"$W/remote.stub"
    for _ in $(seq 100); do grep -q Listening "$W/tcp-$k.log" && break; sleep 0.05; done
done
port=$(free_port)
"$B/query" -d "$W/remote.stub" --serve --listen "127.0.0.1:$port" --threads 2 "$@" 2>"$W/serve.err" &
SP=$!
for _ in $(seq 100); do grep -q serving "$W/serve.err" && break; sleep 0.1; done
url="http://127.0.0.1:$port"
curl -s -o /dev/null -w 'before the stop: /search %{http_code} in %{time_total} s\n' "$url/search?q=marseille"
kill -STOP -- -"${PG[1]}"
echo "stopped shard $(sed -n 2p "$W/remote.stub" | cut -d' ' -f2) (SIGSTOP)"
python3 tests/cli/timed_requests.py --timeout 150 "$url" \
    '0:/search?q=marseille' '0.2:/search?q=eglise' '0.4:/health' \
    '0.6:/search?q=vendanges' '1:/' '1.5:/stats' \
    '20:/search?q=pomme' '20:/health' '40:/search?q=ville' '40:/health' |
python3 -c '
import json, sys
for r in json.load(sys.stdin):
    print("%-20s sent at %5.2f s: status %3d in %7.3f s  %s" % (r["path"], r["sent_s"],
          r["status"], r["seconds"], r["body"][:90].replace("\n", " ")))'
kill -CONT -- -"${PG[1]}"
sleep 3
curl -s -o /dev/null -w 'after SIGCONT (3 s): /search %{http_code} in %{time_total} s\n' "$url/search?q=marseille"
curl -s -o /dev/null -w 'after SIGCONT (3 s): /health %{http_code} in %{time_total} s\n' "$url/health"
echo "--- server log (count, line)"
cut -c1-160 "$W/serve.err" | sort | uniq -c
