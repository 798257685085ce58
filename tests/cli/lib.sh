# Shared helpers for the end-to-end scripts (sourced).
# Sets B, ROOT, IDX, Q, T (a scratch directory removed at exit).  B is a
# build directory relative to the tree, or absolute (e.g. another
# checkout's build, to show that a test fails there).
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
case $B in
/*) BIN=$B ;;
*) BIN=$ROOT/$B ;;
esac
IDX="$BIN/indexer"
Q="$BIN/query"
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
finish() {
    echo "$1: $pass passed, $fail failed"
    [ $fail -eq 0 ]
}
cd "$ROOT"
