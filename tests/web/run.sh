#!/usr/bin/env bash
# End-to-end tests with real clients: index corpus/, start `query --serve`
# on a free loopback port, run meili.test.mjs (the official Meilisearch
# JavaScript client) and search.test.js (the InstantSearch page in
# headless Chromium, playwright-core driving Debian's /usr/bin/chromium).
# `make deps` installs chromium, node and tests/web/node_modules; with
# CHECK_WEB=auto (make check's default) their absence skips the test,
# saying so, else it fails.
# Usage: tests/web/run.sh BUILD_DIR
set -u
. "$(dirname "$0")/../cli/lib.sh"

missing=
command -v node >/dev/null || missing="node"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing="$missing chromium"
[ -d tests/web/node_modules/playwright-core ] || missing="$missing tests/web/node_modules (npm ci)"
[ -d tests/web/node_modules/meilisearch ] || missing="$missing tests/web/node_modules/meilisearch (npm ci)"
if [ -n "$missing" ] && [ "${CHECK_WEB:-1}" = auto ]; then
    echo "SKIP: the browser test (tests/web/run.sh): missing$missing; 'make deps' installs them (CI runs it: make test)"
    exit 0
fi
if [ -n "$missing" ]; then
    echo "FAIL: missing$missing: run 'make deps'" >&2
    echo "web: 0 passed, 1 failed"
    exit 1
fi

DB="$T/db"
cat >"$T/extra.jsonl" <<'EOF'
{"id": "x-escape", "title": "Balises <b>et</b> esperluettes", "url": "https://exemple.fr/x", "date": "2020-06-15", "body": "Le zeugmatron <script>alert(1)</script> & le « zeugmatron » ne font qu'un : zeugmatron."}
EOF
"$IDX" -d "$DB" corpus/articles.jsonl corpus/txt "$T/extra.jsonl"
"$Q" -d "$DB" --serve --listen 127.0.0.1:0 2>"$T/err" &
spid=$!
port=
for _ in $(seq 100); do
    port=$(sed -n 's|^query: serving .* at http://127\.0\.0\.1:\([0-9]*\)/ .*|\1|p' "$T/err")
    [ -n "$port" ] && break
    sleep 0.1
done
if [ -z "$port" ]; then
    echo "FAIL: the server did not start: $(cat "$T/err")" >&2
    echo "web: 0 passed, 1 failed"
    exit 1
fi
node tests/web/meili.test.mjs "http://127.0.0.1:$port" db
rc=$?
node tests/web/search.test.js "http://127.0.0.1:$port" db || rc=1
kill -TERM $spid
wait $spid
exit $rc
