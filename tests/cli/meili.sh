#!/usr/bin/env bash
# End-to-end tests of the HTTP side of the Meilisearch API (docs/api.md)
# with curl and raw sockets, the real server on loopback over real indexes:
# keep-alive across GET, POST, errors and preflights on one connection;
# gzip; CORS (default, allow-list, none) and preflights; exact totals on
# 1 500 generated articles; /stats and /indexes/{uid}/stats over local and
# remote shards; documents (by id, pages, fetch with ids and filters),
# settings and facet search; every error in Meilisearch's shape; write
# routes 405.
# The official JavaScript client is tested by tests/web/meili.test.mjs.
# Usage: tests/cli/meili.sh BUILD_DIR
set -u
. "$(dirname "$0")/lib.sh"

DB="$T/news"
"$IDX" -d "$DB" corpus/articles.jsonl corpus/txt
start_server "$T/err" -d "$DB" --threads 2
check "server starts ($(head -1 "$T/err"))" [ -n "$PORT" ]
check "the uid defaults to the directory's name" grep -q "Meilisearch index uid 'news'" "$T/err"
U="http://127.0.0.1:$PORT"

# req METHOD PATH [CURL ARGS...]: body in $T/body, headers in $T/head;
# prints the status
req() {
    local m=$1 p=$2; shift 2
    curl -s --globoff --max-time 30 -X "$m" -D "$T/head" -o "$T/body" -w '%{http_code}' "$@" "$U$p"
}
post() { req POST "$1" -H 'Content-Type: application/json' --data-binary "$2"; }
js() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$T/body" "$1"; }
hdr() { grep -qi "^$1" "$T/head"; }
# meili_error STATUS CODE: the last answer was STATUS, Meilisearch's shape
meili_error() {
    [ "$st" = "$1" ] && js "set(d) == {'message','code','type','link'} and d['code'] == '$2' and d['link'].endswith('#$2') and d['type'] == ('system' if $1 == 503 else 'internal' if $1 >= 500 and $1 != 501 else 'invalid_request')"
}

# --- keep-alive: one connection for GET, POST, an error and a preflight ---
cat >"$T/keepalive.py" <<'EOF'
import json, socket, sys
port = int(sys.argv[1])
s = socket.create_connection(("127.0.0.1", port), timeout=20)
def ask(raw):
    s.sendall(raw)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            sys.exit("the server closed the connection after %d answers" % done)
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    n = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            n = int(v)
        if k.strip().lower() == b"connection" and b"close" in v.lower():
            sys.exit("Connection: close after %d answers" % done)
    while len(body) < n:
        chunk = s.recv(65536)
        if not chunk:
            sys.exit("short body")
        body += chunk
    return int(head.split(b" ")[1]), body
body = json.dumps({"q": "vélo", "limit": 2}).encode()
reqs = [
    b"GET /indexes/news/search?q=ville HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /indexes/news/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body),
    b"GET /indexes/news/search?limit=abc HTTP/1.1\r\nHost: x\r\n\r\n",
    b"OPTIONS /indexes/news/search HTTP/1.1\r\nHost: x\r\nOrigin: https://a.fr\r\nAccess-Control-Request-Method: POST\r\n\r\n",
    b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n",
]
want = [200, 200, 400, 204, 200]
done = 0
for r, w in zip(reqs, want):
    st, b = ask(r)
    if st != w:
        sys.exit("answer %d: status %d, expected %d" % (done + 1, st, w))
    done += 1
print("ok", done)
EOF
out=$(python3 "$T/keepalive.py" "$PORT" 2>&1)
check "five requests (GET, POST, a 400, a preflight) share one connection ($out)" [ "$out" = "ok 5" ]

# --- gzip ------------------------------------------------------------------
st=$(req GET '/indexes/news/search?q=ville&limit=20' -H 'Accept-Encoding: gzip')
check "gzip when accepted ($st)" hdr 'content-encoding: gzip'
check "the gzip body inflates to the same JSON" python3 -c '
import gzip, json, sys, urllib.request
z = json.loads(gzip.decompress(open(sys.argv[1], "rb").read()))
p = json.load(urllib.request.urlopen(sys.argv[2] + "/indexes/news/search?q=ville&limit=20"))
z.pop("processingTimeMs"); p.pop("processingTimeMs")
assert z == p' "$T/body" "$U"
check "responses that vary by encoding say so" hdr 'vary: accept-encoding'
st=$(req GET '/indexes/news/search?q=ville&limit=20')
check "no gzip when not asked for" bash -c "! grep -qi '^content-encoding' '$T/head'"
st=$(req GET '/indexes/news/search?q=ville&limit=20' -H 'Accept-Encoding: gzip;q=0, br')
check "no gzip when refused (q=0)" bash -c "! grep -qi '^content-encoding' '$T/head'"
st=$(req GET '/app.js' -H 'Accept-Encoding: gzip, deflate')
check "the page's script is sent gzipped" bash -c "hdr() { grep -qi \"^\$1\" '$T/head'; }; hdr 'content-encoding: gzip' && python3 -c 'import gzip,sys; gzip.decompress(open(sys.argv[1],\"rb\").read())' '$T/body'"

# --- CORS: the default (*) -------------------------------------------------
st=$(req GET '/indexes/news/search?q=ville' -H 'Origin: https://a.fr')
check "API answers carry Access-Control-Allow-Origin: * by default" hdr 'access-control-allow-origin: \*'
st=$(req OPTIONS /indexes/news/search -H 'Origin: https://a.fr' -H 'Access-Control-Request-Method: POST' \
    -H 'Access-Control-Request-Headers: content-type, x-meilisearch-client')
check "a preflight is answered 204 ($st)" [ "$st" = 204 ]
check "the preflight allows POST" hdr 'access-control-allow-methods: .*POST'
check "the preflight allows the client's headers" bash -c "grep -i '^access-control-allow-headers:' '$T/head' | grep -qi 'content-type' && grep -i '^access-control-allow-headers:' '$T/head' | grep -qi 'x-meilisearch-client'"
check "the preflight may be cached" hdr 'access-control-max-age: 86400'
st=$(req OPTIONS /multi-search)
check "OPTIONS without Origin says what is allowed ($st)" bash -c "[ $st = 204 ] && grep -qi '^allow: GET, POST' '$T/head'"

# --- write operations, other routes, errors --------------------------------
for r in "POST /indexes/news/documents" "PUT /indexes/news/documents" "DELETE /indexes/news/documents/1" \
         "PATCH /indexes/news/settings" "POST /indexes" "DELETE /indexes/news" "POST /keys" "POST /swap-indexes"; do
    st=$(req ${r% *} "${r#* }" -H 'Content-Type: application/json' --data-binary '[{"id": 1}]')
    check "$r is refused 405 read_only_api ($st)" meili_error 405 read_only_api
    check "$r says indexing is frs-indexer's job" js "'frs-indexer' in d['message']"
done
check "a 405 names the methods allowed" hdr 'allow: GET'
for p in /keys /tasks /indexes/news/settings/nope /indexes/news/similar; do
    st=$(req GET $p)
    check "GET $p: 501 not_implemented ($st)" meili_error 501 not_implemented
done
st=$(req GET /indexes/other/search?q=x)
check "another uid: 404 index_not_found ($st)" meili_error 404 index_not_found
st=$(post /indexes/other/search '{"q": "x"}')
check "POST to another uid's search: 404 index_not_found ($st)" meili_error 404 index_not_found
st=$(post /indexes/news/search '{"q": "x",')
check "malformed JSON: 400 malformed_payload ($st)" meili_error 400 malformed_payload
st=$(post /indexes/news/search '')
check "no body: 400 missing_payload ($st)" meili_error 400 missing_payload
st=$(req POST /indexes/news/search -H 'Content-Type: text/plain' --data-binary '{"q": "x"}')
check "not JSON: 415 invalid_content_type ($st)" meili_error 415 invalid_content_type
python3 -c 'import json; print(json.dumps({"q": "x" * 70000}))' >"$T/big.json"
st=$(req POST /indexes/news/search -H 'Content-Type: application/json' --data-binary @"$T/big.json")
check "a body over 64 KiB: 413 payload_too_large ($st)" meili_error 413 payload_too_large
st=$(post /indexes/news/search '[1, 2]')
check "a body that is not an object: 400 bad_request ($st)" meili_error 400 bad_request
st=$(post /indexes/news/search '{"q": "x", "typoTolerance": 1}')
check "an unknown field: 400 bad_request naming it ($st)" bash -c "$(declare -f js meili_error); st=$st; T=$T; meili_error 400 bad_request && js \"'typoTolerance' in d['message']\""
st=$(req GET '/indexes/news/search?q=x&colour=1')
check "an unknown GET parameter: 400 bad_request ($st)" meili_error 400 bad_request
st=$(req GET '/indexes/news/search?q=x&q=y')
check "a repeated GET parameter: 400 ($st)" meili_error 400 bad_request
st=$(req GET '/indexes/news/search?q=%zz')
check "bad percent-encoding: 400 ($st)" meili_error 400 bad_request
st=$(req GET '/indexes/news/search?q=%C3%28')
check "invalid UTF-8: 400 ($st)" meili_error 400 bad_request
while read -r code body; do
    st=$(post /indexes/news/search "$body")
    check "$body: 400 $code ($st)" meili_error 400 "$code"
done <<'EOF'
invalid_search_filter {"filter": "year = 20x4"}
invalid_search_filter {"filter": "(year = 2024"}
invalid_search_filter {"filter": "title = bonjour"}
invalid_search_filter {"filter": [["year = 2024", ["month = 2024-01"]]]}
invalid_search_filter {"filter": 2024}
invalid_search_sort {"sort": ["title:asc"]}
invalid_search_sort {"sort": ["date:desc", "year:asc"]}
invalid_search_sort {"sort": "date:desc"}
invalid_search_facets {"facets": ["title"]}
invalid_search_limit {"limit": -1}
invalid_search_limit {"limit": "10"}
invalid_search_offset {"offset": 1.5}
invalid_search_page {"page": -2}
invalid_search_hits_per_page {"hitsPerPage": true}
invalid_search_q {"q": 12}
invalid_search_q {"q": "-seulement -exclus"}
invalid_search_crop_length {"cropLength": -3}
invalid_search_attributes_to_retrieve {"attributesToRetrieve": "title"}
invalid_search_show_ranking_score {"showRankingScore": "yes"}
invalid_search_show_matches_position {"showMatchesPosition": true}
invalid_search_matching_strategy {"matchingStrategy": "all"}
invalid_search_distinct {"distinct": "title"}
invalid_search_hybrid_query {"hybrid": {"embedder": "x"}}
invalid_search_vector {"vector": [0.1]}
invalid_search_locales {"locales": ["eng"]}
invalid_search_ranking_score_threshold {"rankingScoreThreshold": 0.5}
invalid_search_attributes_to_search_on {"attributesToSearchOn": ["title"]}
EOF
st=$(post /multi-search '{"queries": [{"indexUid": "news", "q": "x"}, {"indexUid": "news", "filter": "year ="}]}')
check "multi-search: an error in a query ($st)" meili_error 400 invalid_search_filter
check "multi-search: the failing query is named" js "d['message'].startswith('Inside ' + chr(96) + '.queries[1]' + chr(96))"
st=$(post /multi-search '{"queries": [{"q": "x"}]}')
check "multi-search without indexUid: 400 missing_index_uid ($st)" meili_error 400 missing_index_uid
st=$(post /multi-search '{"federation": {}, "queries": []}')
check "federated search: 400 bad_request ($st)" meili_error 400 bad_request
st=$(post /indexes/news/search '{"distinct": "id", "matchingStrategy": "last", "showMatchesPosition": false, "locales": ["fra"], "attributesToSearchOn": ["*"], "q": "ville"}')
check "defaults of unsupported parameters are accepted ($st)" [ "$st" = 200 ]
st=$(req HEAD '/indexes/news/search?q=ville')
check "HEAD on a search ($st)" [ "$st" = 200 ]

# --- documents -------------------------------------------------------------
# expected values from the corpus file itself
cor() { python3 -c 'import json,sys; a=[json.loads(l) for l in open("corpus/articles.jsonl")]; print(eval(sys.argv[1]))' "$1"; }
id1=$(cor 'a[5]["id"]')
st=$(req GET "/indexes/news/documents/$id1")
check "GET /documents/{id}: the article, its whole body ($st)" python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); a = [json.loads(l) for l in open("corpus/articles.jsonl")][5]
assert d["id"] == a["id"] and d["title"] == a["title"] and d["url"] == a["url"] and d["body"] == a["body"], d
assert d["date"] == a["date"] and d["year"] == int(a["date"][:4]) and d["month"] == a["date"][:7]
assert set(d) == {"id", "title", "url", "date", "year", "month", "timestamp", "body"}' "$T/body"
st=$(post /indexes/news/search "{\"filter\": \"date = $(cor 'a[5]["date"]')\", \"attributesToRetrieve\": [\"id\", \"timestamp\", \"year\", \"month\"]}")
python3 -c 'import json,sys; print(json.dumps([h for h in json.load(open(sys.argv[1]))["hits"] if h["id"] == sys.argv[2]][0]))' "$T/body" "$id1" >"$T/hit1"
st=$(req GET "/indexes/news/documents/$id1?fields=id,timestamp,year,month")
check "fields=: only those, as a search's hit shows them" python3 -c 'import json,sys; assert json.load(open(sys.argv[1])) == json.load(open(sys.argv[2]))' "$T/body" "$T/hit1"
st=$(req GET "/indexes/news/documents/inconnu-42")
check "an unknown id: 404 document_not_found ($st)" meili_error 404 document_not_found
check "the 404 names the id" js "'inconnu-42' in d['message']"
st=$(req GET "/indexes/news/documents/$(python3 -c 'import urllib.parse; print(urllib.parse.quote("agriculture/2024-agr-0022.txt", safe=""))')?fields=id")
check "a percent-encoded id (a text file's) ($st)" js "d == {'id': 'agriculture/2024-agr-0022.txt'}"
st=$(req GET /indexes/news/stats)
ndocs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["numberOfDocuments"])' "$T/body")
st=$(req GET "/indexes/news/documents")
check "GET /documents: 20 by default, total every article ($st)" js "d['offset'] == 0 and d['limit'] == 20 and len(d['results']) == 20 and d['total'] == $ndocs and 'body' in d['results'][0]"
: >"$T/pages"
for off in 0 7 14 21 28 35 42 49 56 63 70; do
    req GET "/indexes/news/documents?offset=$off&limit=7&fields=id" >/dev/null
    python3 -c 'import json,sys; [print(r["id"]) for r in json.load(open(sys.argv[1]))["results"]]' "$T/body" >>"$T/pages"
done
check "pages of 7 go over every article once" python3 -c '
import json, sys
got = open(sys.argv[1]).read().split()
want = [json.loads(l)["id"] for l in open("corpus/articles.jsonl")]
assert len(got) == len(set(got)) == int(sys.argv[2]) and set(want) <= set(got), (len(got), len(set(got)))' "$T/pages" "$ndocs"
st=$(req GET "/indexes/news/documents?limit=3&fields=id")
check "fields=id: nothing else" js "len(d['results']) == 3 and all(set(r) == {'id'} for r in d['results'])"
st=$(post /indexes/news/documents/fetch '{"filter": "year = 2024", "fields": ["id", "year"], "limit": 100}')
check "POST /documents/fetch with a filter: the articles of 2024 ($st)" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
want = {json.loads(l)["id"] for l in open("corpus/articles.jsonl") if json.loads(l).get("date", "").startswith("2024")}
got = {r["id"] for r in d["results"]}
assert want and want <= got and all(r["year"] == 2024 for r in d["results"]) and d["total"] == len(got), (want - got)' "$T/body"
id2=$(cor 'a[9]["id"]')
st=$(post /indexes/news/documents/fetch "{\"ids\": [\"$id1\", \"$id2\", \"inconnu\"], \"fields\": [\"id\"]}")
check "POST /documents/fetch with ids: those that exist ($st)" js "sorted(r['id'] for r in d['results']) == sorted(['$id1', '$id2']) and d['total'] == 2"
st=$(req GET '/indexes/news/documents?filter=year%20%3D%202031')
check "GET /documents with a filter matching nothing" js "d['results'] == [] and d['total'] == 0"
while read -r code path; do
    st=$(req GET "$path")
    check "GET $path: 400 $code ($st)" meili_error 400 "$code"
done <<'END'
invalid_document_limit /indexes/news/documents?limit=-1
invalid_document_offset /indexes/news/documents?offset=x
invalid_document_filter /indexes/news/documents?filter=title%3Dx
bad_request /indexes/news/documents?colour=1
END
while read -r code body; do
    st=$(post /indexes/news/documents/fetch "$body")
    check "fetch $body: 400 $code ($st)" meili_error 400 "$code"
done <<'END'
invalid_document_fields {"fields": "id"}
invalid_document_ids {"ids": "x"}
invalid_document_filter {"filter": "year ="}
invalid_document_sort {"sort": ["date:desc"]}
bad_request {"colour": 1}
END
st=$(post /indexes/other/documents/fetch '{}')
check "fetch on another uid: 404 index_not_found ($st)" meili_error 404 index_not_found

# --- settings --------------------------------------------------------------
st=$(req GET /indexes/news/settings)
check "GET /settings: what frs does ($st)" js "d['filterableAttributes'] == ['year', 'month', 'date', 'timestamp'] and d['sortableAttributes'] == ['date', 'timestamp'] and d['searchableAttributes'] == ['title', 'body'] and d['pagination'] == {'maxTotalHits': 1000} and d['typoTolerance']['enabled'] is False and d['stopWords'] == [] and d['synonyms'] == {} and d['distinctAttribute'] is None"
cp "$T/body" "$T/settings"
for name in filterable-attributes sortable-attributes searchable-attributes displayed-attributes \
            ranking-rules stop-words synonyms distinct-attribute typo-tolerance pagination faceting \
            proximity-precision search-cutoff-ms dictionary separator-tokens non-separator-tokens \
            embedders localized-attributes facet-search prefix-search; do
    st=$(req GET "/indexes/news/settings/$name")
    key=$(python3 -c 'import sys; a = sys.argv[1].split("-"); print(a[0] + "".join(w.title() for w in a[1:]))' "$name")
    check "GET /settings/$name is the settings' $key ($st)" python3 -c '
import json, sys
assert json.load(open(sys.argv[1])) == json.load(open(sys.argv[2]))[sys.argv[3]]' "$T/body" "$T/settings" "$key"
done
st=$(req PUT /indexes/news/settings/filterable-attributes -H 'Content-Type: application/json' --data-binary '["title"]')
check "writing a setting: 405 read_only_api ($st)" meili_error 405 read_only_api

# --- facet search ------------------------------------------------------------
st=$(post /indexes/news/search '{"q": "ville", "facets": ["year", "month"], "limit": 0}')
cp "$T/body" "$T/facets"
st=$(post /indexes/news/facet-search '{"facetName": "year", "q": "ville"}')
check "facet-search: every year of the search's facets, same counts, in order ($st)" python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); f = json.load(open(sys.argv[2]))["facetDistribution"]["year"]
assert d["facetHits"] == [{"value": k, "count": v} for k, v in sorted(f.items())] and len(f) > 1, d
assert d["facetQuery"] is None and isinstance(d["processingTimeMs"], int)' "$T/body" "$T/facets"
st=$(post /indexes/news/search '{"q": "ville", "facets": ["month"], "filter": "year >= 2023", "limit": 0}')
cp "$T/body" "$T/facets2"
st=$(post /indexes/news/facet-search '{"facetName": "month", "facetQuery": "2024-0", "q": "ville", "filter": "year >= 2023"}')
check "facet-search: months starting with the facet query, within the filter ($st)" python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); f = json.load(open(sys.argv[2]))["facetDistribution"]["month"]
want = [{"value": k, "count": v} for k, v in sorted(f.items()) if k.startswith("2024-0")]
assert d["facetHits"] == want and want and d["facetQuery"] == "2024-0", (d, want)' "$T/body" "$T/facets2"
st=$(post /indexes/news/facet-search '{"facetName": "year", "facetQuery": "1999"}')
check "facet-search: nothing for a value no article has" js "d['facetHits'] == []"
while read -r code body; do
    st=$(post /indexes/news/facet-search "$body")
    check "facet-search $body: 400 $code ($st)" meili_error 400 "$code"
done <<'END'
missing_facet_search_facet_name {"facetQuery": "20"}
invalid_facet_search_facet_name {"facetName": "title"}
invalid_facet_search_facet_query {"facetName": "year", "facetQuery": 20}
invalid_search_filter {"facetName": "year", "filter": "title = x"}
invalid_search_q {"facetName": "year", "q": 3}
bad_request {"facetName": "year", "colour": 1}
END
st=$(req GET /indexes/news/facet-search)
check "GET /facet-search: 405 ($st)" meili_error 405 read_only_api
kill -TERM "$SPID"; wait "$SPID"

# --- CORS: an allow-list, and none ----------------------------------------
start_server "$T/err2" -d "$DB" --threads 1 --cors-origin 'https://a.fr,http://localhost:3000' --index-uid actu
check "--index-uid names the index" grep -q "Meilisearch index uid 'actu'" "$T/err2"
U="http://127.0.0.1:$PORT"
st=$(req GET '/indexes/actu/search?q=ville' -H 'Origin: https://a.fr')
check "a listed origin is echoed" hdr 'access-control-allow-origin: https://a.fr'
check "and the answer varies by Origin" hdr 'vary: origin'
st=$(req GET '/indexes/actu/search?q=ville' -H 'Origin: https://b.fr')
check "an origin not listed gets no CORS header (the search itself is answered: $st)" bash -c "[ $st = 200 ] && ! grep -qi '^access-control-allow-origin' '$T/head'"
st=$(req OPTIONS /indexes/actu/search -H 'Origin: http://localhost:3000' -H 'Access-Control-Request-Method: POST')
check "a preflight from a listed origin ($st)" bash -c "[ $st = 204 ] && grep -qi '^access-control-allow-origin: http://localhost:3000' '$T/head'"
st=$(req OPTIONS /indexes/actu/search -H 'Origin: https://b.fr' -H 'Access-Control-Request-Method: POST')
check "a preflight from another origin: 403 without CORS headers ($st)" bash -c "[ $st = 403 ] && ! grep -qi '^access-control-allow' '$T/head'"
kill -TERM "$SPID"; wait "$SPID"
start_server "$T/err3" -d "$DB" --threads 1 --cors-origin none
U="http://127.0.0.1:$PORT"
st=$(req GET '/indexes/news/search?q=ville' -H 'Origin: https://a.fr')
check "--cors-origin none: no CORS header ($st)" bash -c "[ $st = 200 ] && ! grep -qi '^access-control' '$T/head'"
kill -TERM "$SPID"; wait "$SPID"
for bad in '' 'a.fr' 'https://a.fr/' 'https://a.fr, https://b.fr'; do
    "$Q" -d "$DB" --serve --listen 127.0.0.1:0 --cors-origin "$bad" 2>"$T/e"; rc=$?
    checks "--cors-origin '$bad' is a usage error ($rc)" '[ $rc -eq 2 ] && grep -q -- "--cors-origin" "$T/e"'
done
"$Q" -d "$DB" --serve --listen 127.0.0.1:0 --index-uid 'a b' 2>"$T/e"; rc=$?
checks "--index-uid with a space is a usage error ($rc)" '[ $rc -eq 2 ]'

# --- exact totals ----------------------------------------------------------
# 1 500 articles: "pair" in the even ones, "quart" in one in four (so both
# in 375), "presque" in four in five (1 200); Xapian's estimate of an AND
# assumes independence (187), the count must not
python3 - "$T/gen.jsonl" <<'EOF'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(1500):
        words = ["texte", "numero%d" % i]
        if i % 2 == 0: words.append("pair")
        if i % 4 == 0: words.append("quart")
        if i % 5 != 0: words.append("presque")
        f.write(json.dumps({"id": "g%d" % i, "title": "Article %d" % i,
                            "date": "20%02d-%02d-15" % (10 + i % 15, 1 + i % 12),
                            "body": " ".join(words) + "."}) + "\n")
EOF
"$IDX" -d "$T/gen" "$T/gen.jsonl"
start_server "$T/err4" -d "$T/gen" --threads 1
U="http://127.0.0.1:$PORT"
st=$(post /indexes/gen/search '{"q": "+pair +quart", "limit": 3}')
check "estimatedTotalHits is exact under 1 000 ($st: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("estimatedTotalHits"))' "$T/body"))" js "d['estimatedTotalHits'] == 375 and len(d['hits']) == 3"
st=$(post /indexes/gen/search '{"q": "+pair +quart", "hitsPerPage": 7, "page": 2}')
check "page mode: totalHits and totalPages exact" js "d['totalHits'] == 375 and d['totalPages'] == 54 and d['page'] == 2 and len(d['hits']) == 7"
st=$(post /indexes/gen/search '{"q": "+presque +texte", "hitsPerPage": 10}')
check "page mode: totalHits exact beyond 1 000 (1 200)" js "d['totalHits'] == 1200 and d['totalPages'] == 120"
st=$(post /indexes/gen/search '{"q": "+presque +texte", "offset": 995, "limit": 10}')
check "hits stop at rank 1 000 (maxTotalHits)" js "len(d['hits']) == 5 and d['offset'] == 995 and d['limit'] == 10"
st=$(post /indexes/gen/search '{"q": "+pair +quart", "filter": "year = 2010", "facets": ["year"]}')
check "a filtered count is exact too, and matches its facet" js "d['estimatedTotalHits'] == sum(d['facetDistribution']['year'].values()) == len([i for i in range(0, 1500, 4) if i % 15 == 0])"
kill -TERM "$SPID"; wait "$SPID"

# --- stats over shards -----------------------------------------------------
SH="$T/sharded"
"$IDX" -d "$SH" --shard-by year corpus/articles.jsonl corpus/txt
sleep 1.1 # frs.updated has a resolution of one second
printf '%s\n' '{"id":"neuf-1","title":"Nouvelle","body":"Un article de 2031.","date":"2031-02-03"}' >"$T/new.jsonl"
"$IDX" -d "$SH" "$T/new.jsonl"
# each shard's frs.updated, as query --stats reads them one by one
"$Q" -d "$SH" --stats --json >"$T/shstats"
newest=$(python3 -c 'import json,sys; print(max(s["last_update"] for s in json.load(open(sys.argv[1]))["shard_list"]))' "$T/shstats")
first=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["shard_list"][0]["last_update"])' "$T/shstats")
check "the test needs shards updated at different times ($first < $newest)" [ "$first" \< "$newest" ]
start_server "$T/err5" -d "$SH" --threads 1 --index-uid s
U="http://127.0.0.1:$PORT"
st=$(req GET /stats)
check "/stats over year shards: every article, the latest update of any shard" js "d['articles'] == 66 and d['lastUpdate'] == d['last_update'] == '$newest' and d['indexes']['s']['numberOfDocuments'] == 66 and d['shards'] > 2"
check "/stats over year shards: the size of every shard" js "d['databaseSize'] > 0 and d['databaseSize'] == d['size_bytes']"
# /stats and query --stats compute them in one place (frs_layout_stats)
same_stats() { # same_stats STATS_JSON: what the last /stats and --stats agree on
    python3 -c '
import json, sys
web, cli = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
for k in ("articles", "last_update", "size_bytes", "schema", "analyzer", "shards"):
    assert web[k] == cli[k], (k, web[k], cli[k])
assert web["average_article_length"] == round(cli["average_article_length"], 2), (web, cli)
' "$T/body" "$1"
}
check "/stats and query --stats --json agree over year shards" same_stats "$T/shstats"
st=$(req GET /indexes/s/stats)
check "/indexes/s/stats over shards ($st)" js "d['numberOfDocuments'] == 66 and d['fieldDistribution']['date'] == 49 and not d['isIndexing']"
st=$(req GET /indexes/s)
check "/indexes/s: updatedAt is the latest update" js "d['uid'] == 's' and d['primaryKey'] == 'id' and d['updatedAt'] == '$newest'"
kill -TERM "$SPID"; wait "$SPID"
# the same shards behind xapian-tcpsrv
stop_all() { local p; for p in "${SERVERS[@]}"; do kill -- -"$p" 2>/dev/null; done; }
trap 'stop_all; jobs -p | xargs -r kill -9 2>/dev/null; rm -rf "$T"' EXIT
: >"$T/remote.stub"
for d in "$SH"/*/; do
    [ -n "$(ls "$d"/*.glass 2>/dev/null)" ] || continue
    if start_tcpsrv "$d"; then echo "remote 127.0.0.1:$TPORT" >>"$T/remote.stub"; else ko "tcpsrv for $d"; fi
done
start_server "$T/err6" -d "$T/remote.stub" --threads 1 --index-uid r
U="http://127.0.0.1:$PORT"
st=$(req GET /indexes/r/stats)
check "/indexes/r/stats over remote shards counts every article ($st)" js "d['numberOfDocuments'] == 66 and d['fieldDistribution']['year'] == 49"
st=$(req GET /stats)
check "/stats over remote shards: the latest update, read from every shard" js "d['lastUpdate'] == '$newest' and d['shards'] == $(wc -l <"$T/remote.stub")"
"$Q" -d "$T/remote.stub" --stats --json >"$T/rstats"
check "/stats and query --stats --json agree over remote shards" same_stats "$T/rstats"
st=$(post /indexes/r/search '{"q": "article", "filter": "year = 2031"}')
check "a filtered search over remote shards" js "[h['id'] for h in d['hits']] == ['neuf-1']"
kill -TERM "$SPID"; wait "$SPID"

finish meili
