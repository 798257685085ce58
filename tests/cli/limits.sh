#!/usr/bin/env bash
# End-to-end tests of `query --serve` against clients that misbehave: 600
# slow connections (trickling a header line every second, or silent) from
# ten loopback addresses while a normal client is answered, a per-address
# cap, the limit on open files, oversized request targets answered with a
# JSON 400, keep-alive, and the access log reopened on SIGHUP.  Loopback
# only; every wait is bounded.
# Usage: tests/cli/limits.sh BUILD_DIR
set -u
. "$(dirname "$0")/lib.sh"

DB="$T/db"
"$IDX" -d "$DB" corpus/articles.jsonl corpus/txt

stop_server() { kill -TERM $SPID 2>/dev/null; wait $SPID; }
get() { # get PATH: status code; body in $T/body
    curl -s --globoff --max-time 10 -o "$T/body" -w '%{http_code}' "http://127.0.0.1:$PORT$1"
}
js() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$T/body" "$1"; }
# sl EXPR: evaluate a Python expression on the slowloris.py report (as d)
sl() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$T/sl.json" "$1"; }

# --- 600 slow clients and a normal one -----------------------------------
# a header deadline of 3 s keeps the test short (the default is 10 s)
start_server "$T/err" -d "$DB" --threads 2 --header-timeout 3
check "server starts ($(cat "$T/err"))" [ -n "$PORT" ]
python3 tests/cli/slowloris.py --port "$PORT" --slow 400 --silent 200 --addrs 10 \
    --interval 1 --probes 5 --probe-every 1 --probe-timeout 1 --duration 20 >"$T/sl.json"
check "600 slow connections were accepted ($(cat "$T/sl.json"))" sl "d['connections'] == 600 and d['closed_at_once'] == 0"
check "a normal client is answered within 1 s, 5 times of 5" sl "d['answered'] == 5"
check "the 400 trickling clients are dropped at the header deadline" sl "d['slow_dropped'] == 400 and 2.9 <= d['slow_dropped_after_s']['min'] and d['slow_dropped_after_s']['max'] <= 5"
check "the 200 silent ones too" sl "d['silent_dropped'] == 200 and 2.9 <= d['silent_dropped_after_s']['min'] and d['silent_dropped_after_s']['max'] <= 5"
st=$(get /stats)
check "/stats counts the dropped connections ($st)" js "d['server']['dropped_slow'] >= 600"
st=$(get /health)
check "the server is fine afterwards ($st)" [ "$st" = 200 ]
stop_server

# --- one address cannot take every connection ----------------------------
start_server "$T/err" -d "$DB" --threads 1 --max-connections-per-ip 20 --header-timeout 3
python3 tests/cli/slowloris.py --port "$PORT" --slow 0 --silent 30 --addrs 1 \
    --probes 3 --probe-every 0.5 --probe-timeout 1 --duration 10 >"$T/sl.json"
check "30 connections from one address: 10 over the cap are closed at once ($(cat "$T/sl.json"))" sl "d['closed_at_once'] == 10"
check "another address is answered meanwhile" sl "d['answered'] == 3"
stop_server

# --- the limit on open files -----------------------------------------------
(ulimit -Sn 256; exec "$Q" --serve --listen 127.0.0.1:0 -d "$DB" --threads 1 --max-connections 2000) 2>"$T/err" &
SPID=$!
for _ in $(seq 100); do grep -q serving "$T/err" && break; sleep 0.1; done
soft=$(awk '/Max open files/ {print $4}' /proc/$SPID/limits)
hard=$(awk '/Max open files/ {print $5}' /proc/$SPID/limits)
checks "the soft limit on open files is raised for 2000 connections (soft $soft, hard $hard)" '[ "$soft" -ge 2000 ] || { [ "$soft" = "$hard" ] && grep -q "connections at most" "$T/err"; }'
stop_server

# --- oversized request targets: a JSON 400, never a dropped connection -----
start_server "$T/err" -d "$DB" --threads 1
many=$(python3 -c 'print("".join("&p%d=x" % i for i in range(500)))')
st=$(get "/search?q=a$many")
check "500 parameters (3.4 KB): 400 too_many_parameters ($st)" bash -c "[ $st = 400 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d[\"error\"][\"code\"] == \"too_many_parameters\"' '$T/body'"
amps=$(python3 -c 'print("&" * 3000)')
st=$(get "/search?q=a$amps")
check "3000 empty parameters: 400 ($st)" js "d['error']['code'] == 'too_many_parameters'"
long=$(python3 -c 'print("a" * 20000)')
st=$(get "/search?q=$long")
check "a 20 KB target: 400 uri_too_long ($st)" js "d['error']['code'] == 'uri_too_long' and '8192' in d['error']['message']"
few=$(python3 -c 'print("".join("&p%d=x" % i for i in range(10)))')
st=$(get "/search?q=a$few")
check "10 parameters: the precise error ($st)" js "d['error']['code'] == 'unknown_parameter'"
huge=$(python3 -c 'print("a" * 40000)')
st=$(get "/search?q=$huge")
check "beyond the connection's memory (40 KB): libmicrohttpd's own 414 ($st)" [ "$st" = 414 ]
st=$(get /health)
check "the server survives it ($st)" [ "$st" = 200 ]

# --- keep-alive: two requests, one connection --------------------------------
check "two requests share one connection" python3 - "$PORT" <<'EOF'
import http.client, json, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
c.request("GET", "/search?q=eglise")
r = c.getresponse()
assert r.status == 200 and json.loads(r.read())["hits"], r.status
assert (r.getheader("Connection") or "").lower() != "close"
sock = c.sock
c.request("GET", "/health")
r = c.getresponse()
assert r.status == 200 and json.loads(r.read()) == {"status": "available"}
assert c.sock is sock, "reconnected"
EOF
stop_server

# --- the access log is reopened on SIGHUP (logrotate) -------------------------
start_server "$T/err" -d "$DB" --threads 1 --access-log "$T/access.log"
get '/search?q=avant' >/dev/null
mv "$T/access.log" "$T/access.log.1"
kill -HUP $SPID
for _ in $(seq 50); do [ -e "$T/access.log" ] && break; sleep 0.1; done
get '/search?q=apres' >/dev/null
check "SIGHUP: the server goes on ($(tail -1 "$T/err"))" kill -0 $SPID
check "SIGHUP: a new log is started" grep -q 'GET /search?q=apres ' "$T/access.log"
check "SIGHUP: the old one holds what came before, only" bash -c "grep -q 'q=avant' '$T/access.log.1' && ! grep -q 'q=apres' '$T/access.log.1' && ! grep -q 'q=avant' '$T/access.log'"
# a log that cannot be reopened (its path is now a directory): the old one
# goes on, and the error says so
mv "$T/access.log" "$T/access.log.2"
mkdir "$T/access.log"
kill -HUP $SPID
for _ in $(seq 50); do grep -q "cannot reopen" "$T/err" && break; sleep 0.1; done
get '/search?q=encore' >/dev/null
check "SIGHUP: a log that cannot be reopened is said ($(tail -1 "$T/err"))" grep -q "cannot reopen access log .*still writing to the old one" "$T/err"
check "SIGHUP: ... and the old one goes on" grep -q 'q=encore' "$T/access.log.2"
stop_server

# --- options -----------------------------------------------------------------
"$Q" -d "$DB" --serve --header-timeout 0 2>"$T/err"; rc=$?
check "--header-timeout 0: exit 2 ($rc)" bash -c "[ $rc -eq 2 ] && grep -q -- --header-timeout '$T/err'"
"$Q" -d "$DB" --serve --max-connections x 2>/dev/null; rc=$?
check "--max-connections x: exit 2 ($rc)" [ $rc -eq 2 ]
"$Q" -d "$DB" --max-connections-per-ip 5 eglise 2>/dev/null; rc=$?
check "--max-connections-per-ip without --serve: exit 2 ($rc)" [ $rc -eq 2 ]
"$Q" -d "$DB" --remote-timeout 0.5 eglise >/dev/null 2>&1; rc=$?
check "--remote-timeout goes with any search ($rc)" [ $rc -eq 0 ]
"$Q" -d "$DB" --remote-timeout -1 eglise >/dev/null 2>&1; rc=$?
check "--remote-timeout -1: exit 2 ($rc)" [ $rc -eq 2 ]

finish limits
