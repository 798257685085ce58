#!/usr/bin/env bash
# Run by tests/cli/package.sh inside a private mount namespace:
#   package-root.sh --enter DIR   makes DIR/root an overlay of / (a tmpfs
#                                 over it in DIR), chroots into it and runs
#                                 itself there
#   package-root.sh               (in the throw-away root) dpkg -i $FRS_DEB,
#                                 then checks the installed package
# Every server started here listens on loopback and is stopped at exit.
set -u
if [ "${1:-}" = --enter ]; then
    dir=$2
    root=$(cd "$(dirname "$0")/../.." && pwd)
    mkdir -p "$dir"
    mount -t tmpfs frs-test "$dir" || exit 1
    mkdir "$dir/upper" "$dir/work" "$dir/root"
    if ! mount -t overlay frs-test -o "lowerdir=/,upperdir=$dir/upper,workdir=$dir/work" "$dir/root"; then
        echo "package-root.sh: cannot mount an overlay of / (overlayfs needed)" >&2
        exit 1
    fi
    for d in /proc /sys /dev; do mount --rbind "$d" "$dir/root$d" || exit 1; done
    mount -t tmpfs frs-test "$dir/root/run" || exit 1
    # the tree and the package, wherever they are mounted on this machine
    for d in "$root" "$(dirname "$FRS_DEB")"; do
        mkdir -p "$dir/root$d" && mount --bind "$d" "$dir/root$d" || exit 1
    done
    exec chroot "$dir/root" /usr/bin/env FRS_DEB="$FRS_DEB" "$root/tests/cli/package-root.sh"
fi

. "$(dirname "$0")/lib.sh"
chmod 755 "$T"
# nginx's workers outlive a master killed with SIGKILL: stop it with SIGTERM
stop_nginx() {
    [ -s "$T/nginx/nginx.pid" ] || return 0
    kill -TERM "$(cat "$T/nginx/nginx.pid")" 2>/dev/null
    for _ in $(seq 50); do [ -e "$T/nginx/nginx.pid" ] || break; sleep 0.1; done
}
trap 'stop_nginx; jobs -p | xargs -r kill -9 2>/dev/null; rm -rf "$T"' EXIT

echo "== package: dpkg -i in a throw-away root"
if ! dpkg -i "$FRS_DEB" >"$T/dpkg.log" 2>&1; then
    cat "$T/dpkg.log" >&2
    ko "dpkg -i"
    finish "package (installed)"
    exit 1
fi
ok

# --- what the maintainer scripts did ------------------------------------------
checks "postinst created the system user frs" \
    '[ "$(getent passwd frs | cut -d: -f3)" -lt 1000 ] && [ "$(getent passwd frs | cut -d: -f7)" = /usr/sbin/nologin ]'
checks "postinst created /var/lib/frs and /var/log/frs, frs's and private" \
    '[ "$(stat -c %U:%G:%a /var/lib/frs /var/log/frs | sort -u)" = frs:frs:750 ]'
checks "dpkg knows the conffiles" \
    'dpkg-query -W -f="\${Conffiles}\n" frs | grep -q "^ /etc/frs/news.conf "'

# --- the units ---------------------------------------------------------------
UNITS="frs-query@news.service frs-indexer@news.service frs-indexer@news.timer"
( cd / && systemd-analyze verify $UNITS ) >"$T/verify" 2>&1
rc=$?
sed 's/^/   verify: /' "$T/verify"
checks "systemd-analyze verify: clean (exit $rc)" '[ $rc = 0 ] && [ ! -s "$T/verify" ]'
for u in frs-query@news.service frs-indexer@news.service; do
    score=$(systemd-analyze security --offline=true "$u" 2>/dev/null |
        sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
    echo "   systemd-analyze security $u: $score"
    checks "$u: exposure $score is at most 2.0 (0 = fully locked down, 10 = none)" \
        'python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= 2.0 else 1)" "${score:-99}"'
done
checks "the units are installed, not enabled" \
    '[ -z "$(find /etc/systemd/system -name "frs-*" 2>/dev/null)" ]'
checks "the indexer unit counts exit 1 (some rejected) as success, nothing else" \
    '[ "$(grep ^SuccessExitStatus= /lib/systemd/system/frs-indexer@.service)" = SuccessExitStatus=1 ]'

# --- an instance, set up as docs/deploy.md says ------------------------------
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p /srv/frs/news/feeds
cp corpus/articles.jsonl /srv/frs/news/feeds/
sed -i -e "s|^FRS_LISTEN=.*|FRS_LISTEN=127.0.0.1:$PORT|" \
    -e "s|^FRS_QUERY_OPTS=.*|FRS_QUERY_OPTS=--threads 2 --access-log /var/log/frs/news-access.log|" \
    /etc/frs/news.conf

# as_unit UNIT: become the unit's ExecStart, run as its user with its umask
# (in a subshell, or in the background: $! is then the process itself)
as_unit() {
    local unit=/lib/systemd/system/$1 cmd
    mapfile -t cmd < <(python3 tests/cli/unit_exec.py "$unit" news)
    [ ${#cmd[@]} -gt 0 ] || exit 1
    umask 0077
    exec setpriv --reuid=frs --regid=frs --init-groups -- "${cmd[@]}"
}

(as_unit frs-indexer@.service) >"$T/summary" 2>"$T/indexer.err"
rc=$?
checks "the indexer, run as its unit runs it, succeeds (exit $rc)" '[ $rc = 0 ]'
checks "its JSON summary: 48 articles added" \
    'python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d[\"status\"] == \"ok\" and d[\"added\"] == 48 else 1)" "$T/summary"'
checks "the index belongs to frs, private" '[ "$(stat -c %U:%a /var/lib/frs/news)" = frs:700 ]'

# The server, started as its unit starts it, with a readiness listener in
# the place of systemd: when READY=1 arrives, /health must answer at once.
python3 - "$T/notify" "$PORT" >"$T/ready" 2>&1 <<'PY' &
import os, socket, sys, time, urllib.request
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o777)
s.settimeout(30)
msg = s.recv(4096).decode()
try:
    code = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[2]}/health", timeout=5).status
except Exception as e:
    code = f"error {e}"
print(msg.strip(), code)
PY
NPID=$!
for _ in $(seq 50); do [ -S "$T/notify" ] && break; sleep 0.1; done
NOTIFY_SOCKET="$T/notify" as_unit frs-query@.service 2>"$T/server.err" &
SPID=$!
wait $NPID
checks "the server sends READY=1 once /health answers (Type=notify): $(cat "$T/ready")" \
    '[ "$(cat "$T/ready")" = "READY=1 200" ]'

get() { curl -s --max-time 10 -o "$T/body" -w '%{http_code}' "$@"; }
checks "/health through the unit's listen address" \
    '[ "$(get "http://127.0.0.1:$PORT/health")" = 200 ] && grep -q available "$T/body"'
checks "/search finds the corpus" \
    '[ "$(get "http://127.0.0.1:$PORT/search?q=v%C3%A9lo")" = 200 ] && [ "$(ids <"$T/body" | wc -l)" -gt 0 ]'

# --- nginx in front, with the shipped example ---------------------------------
NPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$T/nginx"
sed -e "s|^\( *\)listen 80;|\1listen 127.0.0.1:$NPORT;|" -e '/listen \[::\]:80;/d' \
    -e "s|server 127.0.0.1:8080;|server 127.0.0.1:$PORT;|" \
    /usr/share/doc/frs/examples/nginx-frs.conf >"$T/nginx/site.conf"
cat >"$T/nginx/nginx.conf" <<EOF
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log;
events { worker_connections 64; }
http {
    access_log $T/nginx/access.log;
    include $T/nginx/site.conf;
}
EOF
checks "nginx -t accepts the example" 'nginx -t -q -c "$T/nginx/nginx.conf" -p "$T/nginx"'
nginx -c "$T/nginx/nginx.conf" -p "$T/nginx" -g 'daemon off; worker_processes 1;' 2>>"$T/nginx/error.log" &
GPID=$!
for _ in $(seq 50); do [ -s "$T/nginx/nginx.pid" ] && break; sleep 0.1; done
N="http://127.0.0.1:$NPORT"
checks "nginx: /health" '[ "$(get "$N/health")" = 200 ] && grep -q available "$T/body"'
checks "nginx: /search" '[ "$(get "$N/search?q=v%C3%A9lo&limit=2")" = 200 ] && [ "$(ids <"$T/body" | wc -l)" = 2 ]'
checks "nginx: the page at /" '[ "$(get "$N/")" = 200 ] && grep -qi "<html" "$T/body"'
checks "nginx: /stats from loopback" '[ "$(get "$N/stats")" = 200 ] && grep -q articles "$T/body"'
checks "nginx: no other method on /search (403)" '[ "$(get -X POST -d x "$N/search?q=a")" = 403 ]'
head -c 100000 /dev/zero | tr '\0' a >"$T/big"
checks "nginx: a body over 64 KB is refused (413)" \
    '[ "$(get -X POST -H "Content-Type: application/json" --data-binary @"$T/big" "$N/multi-search")" = 413 ]'
checks "nginx talks HTTP/1.1 to the server (keep-alive possible)" \
    '[ "$(grep -c "\"GET /stats HTTP/1.1\"" /var/log/frs/news-access.log)" = 1 ]'
# 60 requests at once (~0.1 s): the burst of 20 passes (less the requests
# above, within 10/s), the rest is refused
urls=(); for _ in $(seq 60); do urls+=(-o /dev/null "$N/search?q=pomme&limit=1"); done
curl -s --max-time 20 -w '%{http_code}\n' "${urls[@]}" >"$T/codes"
n200=$(grep -c '^200$' "$T/codes"); n429=$(grep -c '^429$' "$T/codes")
checks "nginx rate-limits a client: $n200 passed, $n429 refused with 429" \
    '[ "$n200" -ge 10 ] && [ "$n429" -ge 1 ] && [ $((n200 + n429)) = 60 ]'
stop_nginx; wait "$GPID" 2>/dev/null

# --- logs: logrotate, then the unit's ExecReload (SIGHUP) reopens the log
# (last: a server that does not handle SIGHUP dies of it)
checks "the access log is written" 'grep -q "GET /search" /var/log/frs/news-access.log'
logrotate -f -s "$T/logrotate.state" /etc/logrotate.d/frs 2>"$T/logrotate.err"
checks "logrotate rotates the access log and creates a new one for frs" \
    '[ -s /var/log/frs/news-access.log.1 ] && [ "$(stat -c %U:%s /var/log/frs/news-access.log)" = frs:0 ]'
reload=$(python3 tests/cli/unit_exec.py /lib/systemd/system/frs-query@.service news ExecReload)
checks "ExecReload sends SIGHUP to the main process" \
    '[ "$reload" = "$(printf "/bin/sh\n-c\nkill -HUP \$MAINPID")" ]'
MAINPID=$SPID /bin/sh -c 'kill -HUP $MAINPID'
sleep 0.5
checks "after SIGHUP the server still answers" \
    '[ "$(get "http://127.0.0.1:$PORT/health")" = 200 ]'
checks "after SIGHUP requests go to the new access log" \
    'grep -q "GET /health" /var/log/frs/news-access.log'

# --- stop as systemd stops it (SIGTERM), then remove -------------------------
kill -TERM "$SPID"
for _ in $(seq 100); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
wait "$SPID"; rc=$?
checks "SIGTERM stops the server cleanly (exit $rc)" '[ $rc = 0 ]'
[ $fail = 0 ] || { echo "--- server stderr"; cat "$T/server.err"; cat "$T/nginx/error.log"; } >&2

if dpkg --purge frs >"$T/purge.log" 2>&1; then ok; else cat "$T/purge.log" >&2; ko "dpkg --purge"; fi
checks "purge removes the program, units, configuration and logs" \
    '[ ! -e /usr/bin/frs-query ] && [ ! -e /lib/systemd/system/frs-query@.service ] && [ ! -e /etc/frs ] && [ ! -e /var/log/frs ]'
checks "purge keeps the indexes (docs/deploy.md)" '[ -d /var/lib/frs/news ]'
finish "package (installed)"
