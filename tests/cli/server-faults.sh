#!/usr/bin/env bash
# End-to-end tests of `query --serve` when the index fails under it: a
# remote shard whose xapian-tcpsrv is stopped by SIGSTOP (503 naming it
# within seconds, the breaker, /health and the page served meanwhile, back
# after SIGCONT), a local shard damaged while served (/health degraded
# naming it, the log too), and an index that holds no article.  Loopback
# only; every wait is bounded.
# Usage: tests/cli/server-faults.sh BUILD_DIR
set -u
. "$(dirname "$0")/lib.sh"

# the xapian-tcpsrv started (start_tcpsrv, lib.sh) lead process groups:
# SIGSTOP and kill reach the children they forked for connections too
trap 'for p in "${SERVERS[@]}"; do kill -CONT -- -"$p"; kill -- -"$p"; done 2>/dev/null; jobs -p | xargs -r kill -9 2>/dev/null; rm -rf "$T"' EXIT
get() { # get PATH: status code; body in $T/body
    curl -s --globoff --max-time 20 -o "$T/body" -w '%{http_code}' "http://127.0.0.1:$PORT$1"
}
js() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$T/body" "$1"; }
# tr_ok I EXPR: EXPR on answer I of timed_requests.py's report (as r)
tr_ok() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))[int(sys.argv[2])]; sys.exit(0 if eval(sys.argv[3]) else 1)' "$T/timed.json" "$1" "$2"; }
tr() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))[int(sys.argv[2])]; print(r["status"], r["seconds"], "s")' "$T/timed.json" "$1"; }

# --- a hung remote shard ------------------------------------------------------
H3="$T/h3"
"$IDX" -d "$H3" --shard-by hash:3 corpus/articles.jsonl corpus/txt
PORTS=() PGS=()
for k in h00 h01 h02; do
    if start_tcpsrv "$H3/$k"; then PORTS+=("$TPORT"); PGS+=("$TPID"); else ko "tcpsrv for $k did not start"; fi
done
printf 'remote 127.0.0.1:%s\n' "${PORTS[@]}" >"$T/remote.stub"
HUNG="127.0.0.1:${PORTS[1]}"
start_server "$T/serve.err" -d "$T/remote.stub" --threads 2 --remote-timeout 2 --remote-connect-timeout 1
check "server over three remote shards" [ -n "$PORT" ]
st=$(get '/search?q=marseille')
check "it answers ($st)" [ "$st" = 200 ]
kill -STOP -- -"${PGS[1]}"
# two searches hold both workers until the remote timeout; meanwhile the
# page, /health and a third search; then, the breaker open, everything at once
python3 tests/cli/timed_requests.py --timeout 30 "http://127.0.0.1:$PORT" \
    '0:/search?q=marseille' '0.1:/search?q=eglise' '0.3:/' '0.4:/health' \
    '0.5:/search?q=vendanges' '5:/search?q=pomme' '5:/health' '5:/stats' >"$T/timed.json"
for i in 0 1 4; do
    check "hung shard: search $i answers 503 naming it within the timeout ($(tr $i))" tr_ok $i "r['status'] == 503 and r['seconds'] < 6 and json.loads(r['body'])['error']['shard'] == '$HUNG'"
done
check "hung shard: the page is served meanwhile ($(tr 2))" tr_ok 2 "r['status'] == 200 and r['seconds'] < 1"
check "hung shard: /health answers meanwhile ($(tr 3))" tr_ok 3 "r['status'] in (200, 503) and r['seconds'] < 1"
check "hung shard, breaker open: a search is refused at once ($(tr 5))" tr_ok 5 "r['status'] == 503 and r['seconds'] < 1 and '$HUNG' in r['body']"
check "hung shard: /health is degraded at once, naming it ($(tr 6))" tr_ok 6 "r['status'] == 503 and r['seconds'] < 1 and json.loads(r['body'])['status'] == 'degraded' and json.loads(r['body'])['problems'][0]['shard'] == '$HUNG'"
check "hung shard: /stats is refused at once ($(tr 7))" tr_ok 7 "r['status'] == 503 and r['seconds'] < 1"
check "hung shard: the log names it" grep -q "search failed: shard $HUNG: NetworkTimeoutError" "$T/serve.err"
kill -CONT -- -"${PGS[1]}"
back=
for _ in $(seq 100); do
    [ "$(get /health)" = 200 ] && [ "$(get '/search?q=marseille')" = 200 ] && { back=1; break; }
    sleep 0.1
done
check "SIGCONT: searched again within seconds ($(cat "$T/body" | head -c 100))" [ -n "$back" ]
check "SIGCONT: the log says so" grep -q "shard $HUNG can be searched again" "$T/serve.err"
kill -TERM $SPID; wait $SPID; rc=$?
check "clean stop ($rc)" [ $rc -eq 0 ]
for p in "${PGS[@]}"; do kill -- -"$p" 2>/dev/null; done
SERVERS=()

# --- a local shard damaged while served -----------------------------------------
SY="$T/years"
"$IDX" -d "$SY" --shard-by year corpus/articles.jsonl corpus/txt
start_server "$T/serve2.err" -d "$SY" --threads 2
st=$(get /health)
check "sharded index: /health available ($st)" js "d == {'status': 'available'}"
# every 61st byte flipped, as tests/cli/hardening.sh does
python3 tests/cli/damage.py flip "$SY/2023/postlist.glass"
codes=
for q in eglise marseille 'pomme+de+terre' ville emploi vendanges; do
    codes="$codes $(get "/search?q=$q")"
done
degraded=
for _ in $(seq 50); do
    st=$(get /health)
    [ "$st" = 503 ] && js "any(p.get('shard') == '2023' for p in d['problems'])" && { degraded=1; break; }
    sleep 0.1
done
check "damaged shard: /health says degraded, naming it ($st: $(head -c 200 "$T/body"))" [ -n "$degraded" ]
check "damaged shard: the message gives no server path" bash -c "! grep -q '$T' '$T/body'"
check "damaged shard: some searches fail ($codes)" grep -q 503 <<<"$codes"
check "damaged shard: the log names it" grep -q "search failed: shard 2023: \|shard 2023 cannot be searched: " "$T/serve2.err"
check "damaged shard: the server is still up" kill -0 $SPID
kill -TERM $SPID; wait $SPID

# --- an index that holds no article -----------------------------------------------
printf '%s\n' '{"id": "seul", "body": "Un article bientôt supprimé."}' >"$T/one.jsonl"
"$IDX" -d "$T/empty" "$T/one.jsonl"
"$IDX" -d "$T/empty" --delete seul
start_server "$T/serve3.err" -d "$T/empty" --threads 1
st=$(get /health)
check "no article: /health 503 degraded, empty ($st: $(cat "$T/body"))" js "d['status'] == 'degraded' and d['problems'] == [{'problem': 'empty', 'message': 'the index holds no article'}]"
"$IDX" -d "$T/empty" "$T/one.jsonl"
ok=
for _ in $(seq 50); do [ "$(get /health)" = 200 ] && { ok=1; break; }; sleep 0.1; done
check "an article indexed: available again without restart" [ -n "$ok" ]
kill -TERM $SPID; wait $SPID

finish server-faults
