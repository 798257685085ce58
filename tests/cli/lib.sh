# Shared helpers for the end-to-end scripts (sourced).
# Sets B, ROOT, IDX, Q, T (a scratch directory removed at exit).  B is a
# build directory relative to the tree, or absolute (e.g. another
# checkout's build, to show that a test fails there).
B=${1:-build}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
case $B in
/*) BIN=$B ;;
*) BIN=$ROOT/$B ;;
esac
IDX="$BIN/indexer"
Q="$BIN/query"
if [ ! -x "$IDX" ] || [ ! -x "$Q" ]; then
    echo "FAIL: no indexer and query in $BIN: build them first (make B=$B)" >&2
    echo "$(basename "$0" .sh): 0 passed, 1 failed"
    exit 1
fi
T=$(mktemp -d /tmp/frs-e2e.XXXXXX)
trap 'jobs -p | xargs -r kill -9 2>/dev/null; rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { # check "description" command...
    local d=$1; shift
    if "$@"; then ok; else ko "$d"; fi
}
checks() { # checks "description" 'shell condition' (evaluated, may use && ||)
    local d=$1; shift
    if eval "$1"; then ok; else ko "$d"; fi
}
# first hit's article id of a JSON result; all ids
first_id() { python3 -c 'import json,sys; h=json.load(sys.stdin)["hits"]; print(h[0]["article_id"] if h else "")'; }
ids() { python3 -c 'import json,sys; [print(h["article_id"]) for h in json.load(sys.stdin)["hits"]]'; }
# content fingerprint of a database (query --check)
fingerprint() { "$Q" -d "$1" --check --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["fingerprint"])'; }
# start_server ERRFILE ARGS...: `query --serve` on a free loopback port,
# its stderr in ERRFILE; sets PORT and SPID once it listens (1 if it does
# not within 15 s)
start_server() {
    local errf=$1; shift
    "$Q" --serve --listen 127.0.0.1:0 "$@" 2>"$errf" &
    SPID=$!
    PORT=
    for _ in $(seq 300); do
        PORT=$(sed -n 's|^query: serving .* at http://127\.0\.0\.1:\([0-9]*\)/ .*|\1|p' "$errf" 2>/dev/null)
        [ -n "$PORT" ] && return 0
        kill -0 $SPID 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# start_tcpsrv DIR: xapian-tcpsrv for DIR on a free loopback port, leading
# its own process group (setsid: signals to the group reach the children
# it forks for connections); sets TPORT and TPID, appends TPID to SERVERS
SERVERS=()
start_tcpsrv() {
    local log
    TPORT=$(free_port)
    log="$T/tcpsrv-$TPORT.log"
    setsid xapian-tcpsrv --port "$TPORT" --interface 127.0.0.1 "$1" >"$log" 2>&1 &
    TPID=$!
    SERVERS+=("$TPID")
    for _ in $(seq 200); do
        grep -q Listening "$log" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}
finish() {
    echo "$1: $pass passed, $fail failed"
    [ $fail -eq 0 ]
}
# need FILE...: the inputs of the script; one missing fails it at once
need() {
    local f missing=
    for f; do [ -e "$f" ] || missing="$missing $f"; done
    [ -z "$missing" ] && return 0
    ko "input missing:$missing"
    finish "$(basename "$0" .sh)"
    exit 1
}
cd "$ROOT"
