#!/usr/bin/env bash
# End-to-end tests of `query --serve`: the real server on a free loopback
# port against a real index of corpus/: every /search parameter, every error
# case, /health, /stats, the page's files, the access log, reindexing (new
# commits, then a --rebuild switch) while requests run, and a clean stop.
# Usage: tests/cli/server.sh BUILD_DIR
set -u
. "$(dirname "$0")/lib.sh"

DB="$T/db"
# the corpus, plus one article with markup-like text for escaping tests
cat >"$T/extra.jsonl" <<'EOF'
{"id": "x-escape", "title": "Balises <b>et</b> esperluettes", "url": "https://exemple.fr/x", "date": "2020-06-15", "body": "Le zeugmatron <script>alert(1)</script> & le « zeugmatron » ne font qu'un : zeugmatron."}
EOF
"$IDX" -d "$DB" corpus/articles.jsonl corpus/txt "$T/extra.jsonl"

# get PATH [CURL ARGS...]: the body in $T/body, headers in $T/head; prints
# the status code
get() {
    local path=$1; shift
    curl -s --globoff --max-time 30 -D "$T/head" -o "$T/body" -w '%{http_code}' "$@" \
        "http://127.0.0.1:$PORT$path"
}
# js EXPR: evaluate a Python expression on the JSON body (as d)
js() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$T/body" "$1"; }
# jv EXPR: print a Python expression of the JSON body
jv() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$T/body" "$1"; }
# raw REQUEST-LINE-PYTHON-BYTES: send bytes as the request line; prints status
raw() {
    python3 - "$PORT" "$1" <<'EOF'
import socket, sys
port, line = int(sys.argv[1]), eval(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port), timeout=30)
s.sendall(line + b"\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
head, _, body = data.partition(b"\r\n\r\n")
status = head.split(b" ")[1].decode()
print(status, body.decode("utf-8", "replace"))
EOF
}
is_error() { # is_error STATUS CODE: the last answer was STATUS with a JSON error CODE
    [ "$st" = "$1" ] && js "d['error']['code'] == '$2' and len(d['error']['message']) > 5" &&
        grep -qi '^content-type: application/json' "$T/head"
}

start_server "$T/err" -d "$DB" --threads 2 --access-log "$T/access.log"
check "server starts and reports its port ($(cat "$T/err"))" [ -n "$PORT" ]

# --- health, stats, the page ---------------------------------------------
st=$(get /health)
check "/health is 200 ($st)" [ "$st" = 200 ]
check "/health says available" js "d == {'status': 'available'}"
st=$(get /stats)
check "/stats is 200 ($st)" [ "$st" = 200 ]
schema=$(sed -n 's/^#define FRS_SCHEMA_VERSION \([0-9]*\)$/\1/p' common/schema.h)
check "/stats counts articles" js "d['articles'] == 66 and d['size_bytes'] > 0 and d['schema'] == '$schema'"
check "/stats has server counters" js "d['server']['requests'] >= 1 and d['server']['threads'] == 2 and d['server']['responses']['2xx'] >= 1"
check "/stats does not reveal the database path" bash -c "! grep -q '$T' '$T/body'"
st=$(get /)
check "/ serves the page ($st)" [ "$st" = 200 ]
check "/ is HTML" grep -qi '^content-type: text/html; charset=utf-8' "$T/head"
check "/ has a content security policy" grep -qi "^content-security-policy: default-src 'none'" "$T/head"
check "the page is in French with a search box" grep -q '<html lang="fr">' "$T/body"
check "the page loads no external resource" bash -c "! grep -Eq '(src|href)=\"(https?:)?//' '$T/body'"
st=$(get /app.js)
check "/app.js ($st)" bash -c "[ $st = 200 ] && grep -qi '^content-type: text/javascript' '$T/head'"
st=$(get /style.css)
check "/style.css ($st)" bash -c "[ $st = 200 ] && grep -qi '^content-type: text/css' '$T/head'"
st=$(get '/?q=eglise&page=2')
check "the page with a query string ($st)" [ "$st" = 200 ]

# --- search: results and every parameter -----------------------------------
st=$(get '/search?q=eglise')
check "search is 200 ($st)" [ "$st" = 200 ]
check "search answers JSON" grep -qi '^content-type: application/json' "$T/head"
check "search is not cached" grep -qi '^cache-control: no-store' "$T/head"
check "eglise finds the church first" js "d['hits'][0]['article_id'] == '2022-cul-0002'"
check "a hit has id, title, url, date, passage, score and snippet" js "all(k in d['hits'][0] for k in ('article_id','title','url','date','passage','score','snippet'))"
check "the response has query, estimated_total, offset, limit, took_ms, suggestion, facets" js "d['query'] == 'eglise' and d['estimated_total'] >= 1 and d['offset'] == 0 and d['limit'] == 10 and d['took_ms'] >= 0 and d['suggestion'] is None and d['facets'] == {}"
check "snippets mark matches with <mark>" js "'<mark>' in d['hits'][0]['snippet']"
get '/search?q=marseille+ville&limit=20' >/dev/null
check "hits come best first" js "[h['score'] for h in d['hits']] == sorted([h['score'] for h in d['hits']], reverse=True) and len(d['hits']) == 20"
st=$(get '/search?q=marseille&limit=2')
check "limit=2 gives 2 hits" js "len(d['hits']) == 2 and d['limit'] == 2"
second=$(jv "d['hits'][1]['article_id'] + '#' + str(d['hits'][1]['passage'])")
get '/search?q=marseille&limit=1&offset=1' >/dev/null
check "offset pages ($second)" js "d['hits'][0]['article_id'] + '#' + str(d['hits'][0]['passage']) == '$second' and d['offset'] == 1"
get '/search?q=marseille&limit=0' >/dev/null
check "limit=0 gives only the total" js "d['hits'] == [] and d['estimated_total'] >= 5"
get '/search?q=marseille&articles=1&limit=50' >/dev/null
check "articles=1 never repeats an article" js "len(d['hits']) == len(set(h['article_id'] for h in d['hits'])) == 5"
get '/search?q=v%C3%A9lo&articles=1' >/dev/null
check "a short last page gives the exact total" js "len(d['hits']) == 2 and d['estimated_total'] == 2"
get '/search?q=marseille&articles=0&limit=50' >/dev/null
check "articles=0 gives every passage" js "len(d['hits']) > 5"
get '/search?q=marseille+ville&limit=100&from=2023-01-01&to=2023-12-31' >/dev/null
check "from/to keep only that year" js "d['hits'] and all('2023-01-01' <= h['date'] <= '2023-12-31' for h in d['hits'])"
get '/search?q=marseille+ville&limit=100&from=2024-06-01' >/dev/null
check "from alone" js "d['hits'] and all(h['date'] >= '2024-06-01' for h in d['hits'])"
get '/search?q=marseille+ville&limit=100&to=2021-12-31' >/dev/null
check "to alone" js "d['hits'] and all(h['date'] <= '2021-12-31' for h in d['hits'])"
get '/search?q=marseille&facets=month&limit=100' >/dev/null
check "facets=month counts articles by month (undated ones in none)" js "d['facets']['month'] and sum(d['facets']['month'].values()) == len({h['article_id'] for h in d['hits'] if h.get('date')}) and set(h['date'][:7] for h in d['hits'] if h.get('date')) == set(d['facets']['month'])"
get '/search?q=marseille&highlight_pre_tag=%3Cem%3E&highlight_post_tag=%3C/em%3E' >/dev/null
check "highlight tags are parameters" js "any('<em>Marseille</em>' in h['snippet'] for h in d['hits']) and not any('<mark>' in h['snippet'] for h in d['hits'])"
get '/search?q=zeugmatron' >/dev/null
check "snippets are HTML-escaped" js "'&lt;script&gt;alert(1)&lt;/script&gt; &amp; le' in d['hits'][0]['snippet'] and '<script>' not in d['hits'][0]['snippet']"
check "title is plain text in JSON" js "d['hits'][0]['title'] == 'Balises <b>et</b> esperluettes'"
get '/search?q=marseille&snippet_length=300' >/dev/null
long=$(jv "max(len(h['snippet'].encode()) for h in d['hits'])")
get '/search?q=marseille&snippet_length=40' >/dev/null
short=$(jv "max(len(h['snippet'].encode()) for h in d['hits'])")
check "snippet_length shortens snippets ($short < $long)" [ "$short" -lt "$long" ]
check "snippet_length=40 is about 40 bytes ($short)" [ "$short" -le 80 ]
get '/search?q=%22pomme+de+terre%22' >/dev/null
check "a phrase in the query string" js "d['hits'][0]['article_id'] == '2021-agr-0001'"
get '/search?q=v%C3%A9lo+-cyclable&articles=1' >/dev/null
check "an excluded word" js "[h['article_id'] for h in d['hits']] == ['2023-spo-0009']"
get '/search?q=zzzyyyxxx' >/dev/null
check "no match is 200 with no hit" js "d['hits'] == [] and d['estimated_total'] == 0"
out=$(raw 'b"HEAD /search?q=eglise HTTP/1.1"')
check "HEAD /search is 200 without a body ($out)" [ "$out" = "200 " ]

# --- spelling suggestions ----------------------------------------------------
get '/search?q=eglize' >/dev/null
check "eglize suggests église ($(jv "d['suggestion']"))" js "d['suggestion'] == 'église'"
get '/search?q=teletravial' >/dev/null
check "teletravial suggests télétravail ($(jv "d['suggestion']"))" js "d['suggestion'] == 'télétravail'"
get '/search?q=%22eglize+saint-martin%22' >/dev/null
check "a suggestion keeps the quotes ($(jv "d['suggestion']"))" js "d['suggestion'] == '\"église saint-martin\"'"
get '/search?q=%C3%A9olienne' >/dev/null
check "another inflection is not a misspelling" js "d['suggestion'] is None and d['hits']"
get '/search?q=eglize&from=2024-01-01' >/dev/null
check "no suggestion that finds nothing with the filters" js "d['suggestion'] is None"

# --- errors --------------------------------------------------------------------
longq=$(python3 -c 'print("%C3%A9glise+" * 300)')
st=$(get "/search?q=$longq"); check "q of 3 000 bytes (pasted text, read as its rarest words): 200 ($st)" [ "$st" = 200 ]
check "and it finds the church article first" js "d['hits'][0]['article_id'] == '2022-cul-0002'"
longq=$(python3 -c 'print("a" * 1025)')
st=$(get "/search?q=$longq"); check "one word of 1 025 bytes: 400 invalid_query ($st)" is_error 400 invalid_query
manyq=$(python3 -c 'print("+".join("%2Bmot" + str(i) for i in range(70)))')
st=$(get "/search?q=$manyq"); check "q of 70 words with operators: read as text, 200 ($st)" [ "$st" = 200 ]
manyq=$(python3 -c 'print("+".join(["%22eglise%22"] * 70))')
st=$(get "/search?q=$manyq"); check "q of 70 clauses of one word: 400 invalid_query ($st)" is_error 400 invalid_query
st=$(get '/search?q=a&limit=101'); check "limit=101: 400 ($st)" is_error 400 invalid_parameter
check "the error names the parameter" js "d['error']['parameter'] == 'limit'"
st=$(get '/search?q=a&limit=abc'); check "limit=abc: 400 ($st)" is_error 400 invalid_parameter
st=$(get '/search?q=a&offset=10001'); check "offset=10001: 400 ($st)" is_error 400 invalid_parameter
st=$(get '/search?q=a&articles=2'); check "articles=2: 400 ($st)" is_error 400 invalid_parameter
st=$(get '/search?q=a&from=2024-02-30x'); check "bad from: 400 ($st)" is_error 400 invalid_parameter
st=$(get '/search?q=a&to=24-01-01'); check "bad to: 400 ($st)" is_error 400 invalid_parameter
st=$(get '/search?q=a&from=2024-01-02&to=2024-01-01'); check "from after to: 400 ($st)" is_error 400 invalid_parameter
st=$(get '/search?q=a&highlight_pre_tag='); check "empty highlight tag: 400 ($st)" is_error 400 invalid_parameter
st=$(get "/search?q=a&highlight_post_tag=$(python3 -c 'print("x" * 65)')"); check "long highlight tag: 400 ($st)" is_error 400 invalid_parameter
st=$(get '/search?q=a&snippet_length=5000'); check "snippet_length=5000: 400 ($st)" is_error 400 invalid_parameter
st=$(get '/search?q=a&facets=day'); check "facets=day: 400 ($st)" is_error 400 invalid_parameter
st=$(get '/search?q=a&sort=date'); check "unknown parameter: 400 ($st)" is_error 400 unknown_parameter
st=$(get '/search?q=a&q=b'); check "repeated parameter: 400 ($st)" is_error 400 invalid_parameter
st=$(get '/search'); check "no q: 400 ($st)" is_error 400 missing_parameter
st=$(get '/search?q=+'); check "blank q: 400 invalid_query ($st)" is_error 400 invalid_query
st=$(get '/search?q=-marseille'); check "only excluded words: 400 invalid_query ($st)" is_error 400 invalid_query
# the query language of qparse.h: a prefix expanding to too many words is
# the query's fault, said with the prefix and the cap
st=$(get '/search?q=a%2A'); check "too wide a prefix: 400 invalid_query ($st)" is_error 400 invalid_query
check "too wide a prefix: the message names it and the cap ($(cat "$T/body"))" grep -q "the prefix 'a\*' matches more than 200 words" "$T/body"
st=$(get '/search?q=v%C3%A9l%2A+AND+NOT+cyclable&articles=1')
check "vél* AND NOT cyclable: the race article only ($st)" js '[h["article_id"] for h in d["hits"]] == ["2023-spo-0009"]'
st=$(get '/search?q=%zz'); check "bad percent-encoding: 400 ($st)" is_error 400 bad_encoding
st=$(get '/search?q=abc%'); check "truncated percent-encoding: 400 ($st)" is_error 400 bad_encoding
st=$(get '/search?q=%C3%28'); check "encoded invalid UTF-8: 400 ($st)" is_error 400 invalid_utf8
st=$(get '/search?q=%C0%AF'); check "overlong UTF-8: 400 ($st)" is_error 400 invalid_utf8
st=$(get '/search?q=a%00b'); check "NUL byte: 400 ($st)" is_error 400 invalid_parameter
out=$(raw 'b"GET /search?q=\xff\xfe HTTP/1.1"')
check "raw invalid UTF-8 bytes: 400 invalid_utf8 ($out)" grep -q '^400 .*invalid_utf8' <<<"$out"
out=$(raw 'b"GET /search?q=caf\xc3\xa9 HTTP/1.1"')
check "raw UTF-8 bytes are accepted ($(head -c 60 <<<"$out"))" grep -q '^200 ' <<<"$out"
st=$(get /nowhere); check "unknown path: 404 ($st)" is_error 404 not_found
st=$(get /search/); check "/search/: 404 ($st)" is_error 404 not_found
st=$(get /../../etc/passwd --path-as-is); check "path traversal: 404 ($st)" is_error 404 not_found
st=$(get /query/www/app.js); check "source files are not served: 404 ($st)" is_error 404 not_found
st=$(get /favicon.ico); check "favicon: 404 JSON ($st)" is_error 404 not_found
st=$(get /search?q=a -X POST); check "POST: 405 ($st)" is_error 405 method_not_allowed
check "405 says what is allowed" grep -qi '^allow: GET, HEAD' "$T/head"
st=$(get /search?q=a -X POST -H 'Content-Type: application/json' --data '{"q":"eglise"}'); check "POST with a body: 405 ($st)" is_error 405 method_not_allowed
st=$(get / -X PUT --data x); check "PUT: 405 ($st)" is_error 405 method_not_allowed
st=$(get /health -X DELETE); check "DELETE: 405 ($st)" is_error 405 method_not_allowed
st=$(get /health -X OPTIONS); check "OPTIONS: 204 with what is allowed, not 405 ($st)" bash -c "[ $st = 204 ] && grep -qi '^allow: GET, POST, HEAD, OPTIONS' '$T/head'"
st=$(get /search?q=a -X OPTIONS -H 'Origin: https://a.fr' -H 'Access-Control-Request-Method: GET')
check "a CORS preflight of /search ($st)" bash -c "[ $st = 204 ] && grep -qi '^access-control-allow-origin: \*' '$T/head' && grep -qi '^access-control-allow-methods: GET' '$T/head'"
huge=$(python3 -c 'print("a" * 40000)')
st=$(get "/search?q=$huge")
check "a request line over the memory limit is refused ($st)" bash -c "[ $st -ge 400 ] && [ $st -lt 500 ]"
st=$(get /health)
check "the server survives all of that ($st)" [ "$st" = 200 ]

# --- options and clean stop --------------------------------------------------------
get /stats >/dev/null
nreq=$(jv "d['server']['requests']")
kill -TERM $SPID
for _ in $(seq 50); do kill -0 $SPID 2>/dev/null || break; sleep 0.1; done
wait $SPID; rc=$?
check "SIGTERM: clean exit 0 ($rc)" [ $rc -eq 0 ]
check "SIGTERM: says it stopped" grep -q "stopped (SIGTERM)" "$T/err"

# --- access log ------------------------------------------------------------------
n=$(wc -l <"$T/access.log")
check "access log has one line per request ($n = $nreq + 1)" [ "$n" -eq $((nreq + 1)) ]
check "access log lines are well formed" python3 - "$T/access.log" <<'EOF'
import re, sys
pat = re.compile(r'^\S+ - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\] "\S+ \S+ \S+" (\d{3}|-) (\d+|-) \d+\.\d{3}$')
lines = open(sys.argv[1], encoding="ascii").read().splitlines()
bad = [l for l in lines if not pat.match(l)]
assert not bad, bad[:3]
assert any('"GET /search?q=eglise HTTP/1.1" 200 ' in l for l in lines)
assert any('"POST /search?q=a HTTP/1.1" 405 ' in l for l in lines)
assert any('%FF%FE' in l for l in lines)  # raw bytes escaped
EOF

start_server "$T/err2" -d "$DB" --threads 1
check "a second server with one thread ($(cat "$T/err2"))" [ "$(get /health)" = 200 ]
"$Q" -d "$DB" --serve --listen "127.0.0.1:$PORT" 2>"$T/err3"; rc=$?
check "a taken port: exit 5 ($rc)" bash -c "[ $rc -eq 5 ] && grep -q 'cannot listen' '$T/err3'"
kill -INT $SPID; wait $SPID; rc=$?
check "SIGINT: clean exit 0 ($rc)" [ $rc -eq 0 ]
"$Q" -d "$DB" --serve 2>"$T/err4" &
dpid=$!
for _ in $(seq 100); do grep -q 8080 "$T/err4" && break; sleep 0.1; done
kill -TERM $dpid 2>/dev/null; wait $dpid
check "loopback 127.0.0.1:8080 by default ($(head -1 "$T/err4"))" grep -q '127.0.0.1:8080' "$T/err4"
"$Q" -d "$DB" --serve --listen example.com:80 2>/dev/null; rc=$?
check "a host name is refused: exit 2 ($rc)" [ $rc -eq 2 ]
"$Q" -d "$DB" --serve --threads 0 2>/dev/null; rc=$?
check "--threads 0: exit 2 ($rc)" [ $rc -eq 2 ]
"$Q" -d "$DB" --listen 127.0.0.1:0 eglise >/dev/null 2>&1; rc=$?
check "--listen without --serve: exit 2 ($rc)" [ $rc -eq 2 ]
"$Q" -d "$DB" --serve eglise 2>/dev/null; rc=$?
check "--serve with a QUERY: exit 2 ($rc)" [ $rc -eq 2 ]
"$Q" -d "$T/nowhere" --serve --listen 127.0.0.1:0 2>/dev/null; rc=$?
check "missing database: exit 4 ($rc)" [ $rc -eq 4 ]
"$Q" -d "$DB" --serve --listen 127.0.0.1:0 --access-log "$T/no/such/dir/log" 2>/dev/null; rc=$?
check "unwritable access log: exit 4 ($rc)" [ $rc -eq 4 ]

# --- reindex while requests run -------------------------------------------------------
RDB="$T/live"
"$IDX" -d "$RDB" corpus/articles.jsonl
python3 tests/cli/mkarticles.py 600 7 >"$T/big.jsonl"
cat >"$T/fresh.jsonl" <<'EOF'
{"id": "fresh-1", "title": "Le zorglubesque arrive", "date": "2025-06-01", "body": "Un mot tout neuf, zorglubesque, apparaît dans la nuit."}
EOF
start_server "$T/err5" -d "$RDB" --threads 2
check "server on the live index" [ -n "$PORT" ]
get '/search?q=zorglubesque' >/dev/null
check "the new word is not there yet" js "d['hits'] == []"
cat >"$T/load.py" <<'EOF'
import json, os, random, sys, threading, urllib.parse, urllib.request
port, stop, out = sys.argv[1], sys.argv[2], sys.argv[3]
queries = ["marseille", "vélo -cyclable", '"pomme de terre"', "eglize", "ville",
           "teletravial", "emploi", "title:église", "région santé", "zorglubesque"]
counts = {"ok": 0, "bad": 0, "errors": []}
lock = threading.Lock()
def worker(seed):
    rng = random.Random(seed)
    while not os.path.exists(stop):
        q = rng.choice(queries)
        params = {"q": q, "limit": rng.choice([5, 10, 20]), "articles": rng.choice([0, 1])}
        if rng.random() < 0.3:
            params["facets"] = "month"
        url = f"http://127.0.0.1:{port}/search?" + urllib.parse.urlencode(params)
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                d = json.load(r)
                good = r.status == 200 and "hits" in d
        except Exception as e:
            good = False
            with lock:
                counts["errors"].append(f"{q}: {e}"[:200])
        with lock:
            counts["ok" if good else "bad"] += 1
ts = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
for t in ts: t.start()
for t in ts: t.join()
json.dump(counts, open(out, "w"))
EOF
rm -f "$T/stop"
python3 "$T/load.py" "$PORT" "$T/stop" "$T/load.json" &
LPID=$!
sleep 0.5
"$IDX" -d "$RDB" --batch 50 "$T/big.jsonl"; rc1=$?
get '/search?q=marseille&limit=0' >/dev/null
check "new commits are visible without restart" js "d['estimated_total'] >= 5"
"$IDX" -d "$RDB" --rebuild corpus/articles.jsonl "$T/big.jsonl" "$T/fresh.jsonl"; rc2=$?
sleep 0.5
touch "$T/stop"
wait $LPID
checks "indexing and rebuild succeeded while served ($rc1 $rc2)" '[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ]'
read -r ok bad errs < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["ok"], d["bad"], "|".join(d["errors"][:3]) or "-")' "$T/load.json")
check "no request failed during indexing and the rebuild switch ($bad of $((ok + bad)) failed: $errs)" [ "$bad" -eq 0 ]
check "enough requests ran meanwhile ($ok)" [ "$ok" -ge 50 ]
get '/search?q=zorglubesque' >/dev/null
check "the rebuilt index is served without restart" js "d['hits'] and d['hits'][0]['article_id'] == 'fresh-1'"
get /stats >/dev/null
check "/stats shows the new index and the reopens" js "d['articles'] == 48 + 600 + 1 and d['server']['reopens'] >= 2 and d['server']['responses']['5xx'] == 0"
check "nothing logged as failed" bash -c "! grep -q 'search failed' '$T/err5'"
kill -TERM $SPID; wait $SPID; rc=$?
check "clean exit after the reindex ($rc)" [ $rc -eq 0 ]

finish server
