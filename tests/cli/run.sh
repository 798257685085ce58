#!/usr/bin/env bash
# End-to-end tests: the real indexer and query binaries on the bundled
# corpus and on small purpose-made inputs, with real on-disk databases.
# Usage: tests/cli/run.sh BUILD_DIR
set -u
. "$(dirname "$0")/lib.sh"

DB="$T/db"

# --- indexing the corpus ---------------------------------------------------
out=$("$IDX" -d "$DB" --summary corpus/articles.jsonl corpus/txt 2>"$T/err"); rc=$?
check "index corpus exits 0 (got $rc: $(cat "$T/err"))" [ $rc -eq 0 ]
njson=$(grep -c . corpus/articles.jsonl)
ntxt=$(find corpus/txt -name '*.txt' | wc -l)
check "summary counts every article ($out)" grep -q "^added $((njson + ntxt)), updated 0, unchanged 0" <<<"$out"
check "indexing is silent on stderr without -v" [ ! -s "$T/err" ]
schema=$(sed -n 's/^#define FRS_SCHEMA_VERSION \([0-9]*\)$/\1/p' common/schema.h)
checks "schema version $schema recorded" '[ -n "$schema" ] && [ "$(xapian-metadata get "$DB" frs.schema)" = "$schema" ]'

# the first build takes the bulk path by itself; later runs are incremental
"$IDX" -d "$T/first" --json-summary corpus/articles.jsonl >"$T/s-first.json"
"$IDX" -d "$T/first" --json-summary corpus/articles.jsonl >"$T/s-again.json"
head -1 corpus/articles.jsonl >"$T/one.jsonl"
"$IDX" -d "$T/inc" "$T/one.jsonl" && "$IDX" -d "$T/inc" --json-summary corpus/articles.jsonl >"$T/s-inc.json"
check "a first build is a bulk build ($(cat "$T/s-first.json"))" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["mode"] == "first build" and d["added"] == '"$njson"', d' "$T/s-first.json"
check "the next run is incremental and changes nothing" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["mode"] == "index" and d["unchanged"] == '"$njson"' and d["added"] == 0, d' "$T/s-again.json"
check "a run into a database that has articles is incremental" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["mode"] == "index" and d["added"] == '"$((njson - 1))"', d' "$T/s-inc.json"
check "the first build holds what an incremental build holds" [ "$(fingerprint "$T/first")" = "$(fingerprint "$T/inc")" ]
check "the first build left no work directory" bash -c "! ls -d '$T'/first.* 2>/dev/null | grep -v '\.lock$'"

out=$("$IDX" -d "$DB" --summary corpus/articles.jsonl corpus/txt 2>&1); rc=$?
check "re-run exits 0" [ $rc -eq 0 ]
check "re-run changes nothing ($out)" grep -q "^added 0, updated 0, unchanged $((njson + ntxt)), deleted 0" <<<"$out"

# --- relevance by meaning --------------------------------------------------
# a query pasted from an article (a paragraph, the whole text, with its
# quotes, dashes and parentheses) finds that article: read as text, its
# rarest words (query/longq.h)
for id in 2021-agr-0001 2022-cul-0002 2023-eco-0003 2024-gas-0018; do
    body=$(python3 -c 'import json,sys
for l in open("corpus/articles.jsonl"):
    d = json.loads(l)
    if d["id"] == sys.argv[1]: print(d["body"])' "$id")
    check "article $id's whole text as the query finds it first (${#body} bytes)" \
        [ "$("$Q" -d "$DB" --json -- "$body" | first_id)" = "$id" ]
    para=$(python3 -c 'import sys; ps = [p for p in sys.stdin.read().split("\n\n") if len(p.split()) > 30]; print(ps[-1])' <<<"$body")
    check "one of its paragraphs as the query finds it first" \
        [ "$("$Q" -d "$DB" --json -- "$para" | first_id)" = "$id" ]
done
check "phrase finds the potato article first" [ "$("$Q" -d "$DB" --json '"pomme de terre"' | first_id)" = 2021-agr-0001 ]
check "plural phrase finds the potato article" [ "$("$Q" -d "$DB" --json '"pommes de terre"' | first_id)" = 2021-agr-0001 ]
check "query without accents finds the accented article" [ "$("$Q" -d "$DB" --json eglise | first_id)" = 2022-cul-0002 ]
check "capitals and elision: L’Église" [ "$("$Q" -d "$DB" --json 'L’Église' | first_id)" = 2022-cul-0002 ]
check "title: field" [ "$("$Q" -d "$DB" --json 'title:église' | first_id)" = 2022-cul-0002 ]
check "accents typed where the text has none: teletravail" [ "$("$Q" -d "$DB" --json teletravail | first_id)" = 2021-eco-0007 ]
check "another inflection: éolienne finds éoliennes" [ "$("$Q" -d "$DB" --json éolienne | first_id)" = 2023-env-0008 ]
check "stem: émergences finds d'émergence" [ "$("$Q" -d "$DB" --json émergences | first_id)" = 2022-sci-0006 ]
check "compound whole" [ "$("$Q" -d "$DB" --json porte-monnaie | first_id)" = 2023-eco-0003 ]
check "compound part" [ "$("$Q" -d "$DB" --json --articles 'monnaie' | ids | grep -c 2023-eco-0003)" = 1 ]
coeur=$("$Q" -d "$DB" --json --articles coeur | ids | sort | tr '\n' ' ')
check "ligature: coeur finds cœur and coeur ($coeur)" grep -q "2021-san-0004 2024-spo-0005" <<<"$coeur"
coeur=$("$Q" -d "$DB" --json --articles cœur | ids | sort | tr '\n' ' ')
check "ligature: cœur finds coeur too ($coeur)" grep -q "2021-san-0004 2024-spo-0005" <<<"$coeur"
velo=$("$Q" -d "$DB" --json --articles 'vélo -cyclable' | ids | tr '\n' ' ')
check "excluded word excludes ($velo)" [ "$velo" = "2023-spo-0009 " ]
req=$("$Q" -d "$DB" --json --articles '+vélo +Tour' | ids | tr '\n' ' ')
check "required word ($req)" [ "$req" = "2023-spo-0009 " ]
check "numbers with spaces: 1 200 emplois" [ -n "$("$Q" -d "$DB" --json '"1 200 emplois"' | first_id)" ]

# --- --articles, paging, json, explain -------------------------------------
dups=$("$Q" -d "$DB" --json --articles -n 50 Marseille | ids | sort | uniq -d)
check "--articles never repeats an article" [ -z "$dups" ]
n=$("$Q" -d "$DB" --json --articles -n 50 Marseille | ids | wc -l)
check "Marseille is in 5 articles ($n)" [ "$n" -eq 5 ]
check "-n limits the hits" [ "$("$Q" -d "$DB" --json -n 2 Marseille | ids | wc -l)" -eq 2 ]
second=$("$Q" -d "$DB" --json -n 2 Marseille | ids | sed -n 2p)
check "--offset pages" [ "$("$Q" -d "$DB" --json --offset 1 -n 1 Marseille | first_id)" = "$second" ]
check "--json is valid JSON with a total" python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["estimated_total"]>=5 and d["hits"][0]["snippet"]' < <("$Q" -d "$DB" --json Marseille)
check "JSON snippets mark matches" grep -q '<mark>' < <("$Q" -d "$DB" --json Marseille)
check "--explain adds up to the score: BM25 terms + passage + title parts" python3 -c '
import json,sys
d=json.load(sys.stdin)
assert d["hits"]
for h in d["hits"]:
    e = h["explain"]
    # JSON numbers are rounded: explain parts to 6 decimals, scores to 4
    assert abs(sum(t["weight"] for t in e["terms"]) - e["sum"]) <= 6e-7 * (len(e["terms"]) + 1), e
    total = e["sum"] + e["passage_part"] + e["title_part"]
    assert abs(total - h["score"]) <= 5e-5 + 2e-6, (total, h["score"])
assert any(h["explain"]["passage_part"] > 0 for h in d["hits"])
' < <("$Q" -d "$DB" --json --explain -n 20 'vélo "pomme de terre" marseille title:église -cyclable')
check "--from/--to filter by date" python3 -c '
import json,sys
d=json.load(sys.stdin)
assert d["hits"] and all("2023-01-01"<=h["date"]<="2023-12-31" for h in d["hits"])
' < <("$Q" -d "$DB" --json -n 50 --from 2023-01-01 --to 2023-12-31 Marseille ville)

# --- text output -----------------------------------------------------------
"$Q" -d "$DB" eglise >"$T/plain"
check "piped output has no colour" bash -c "! grep -q $'\x1b' '$T/plain'"
check "text output shows title, date and url" grep -q "2022-cul-0002\|exemple.fr" "$T/plain"
"$Q" -d "$DB" --color always eglise >"$T/color"
check "--color always highlights" grep -q $'\x1b\[1;31m' "$T/color"

# --- exit codes --------------------------------------------------------------
"$Q" -d "$DB" zzzyyyxxx >/dev/null 2>"$T/err"; rc=$?
check "no match exits 1 ($rc)" [ $rc -eq 1 ]
check "no match says so" grep -q "no passage matches" "$T/err"
"$Q" -d "$T/nowhere" eglise >/dev/null 2>"$T/err"; rc=$?
check "missing database exits 4 ($rc)" [ $rc -eq 4 ]
"$Q" -d "$DB" --bogus x >/dev/null 2>&1; rc=$?
check "unknown option exits 2 ($rc)" [ $rc -eq 2 ]
"$Q" -d "$DB" -- '-eglise' >/dev/null 2>"$T/err"; rc=$?
check "only excluded words exits 2 ($rc)" [ $rc -eq 2 ]
cp -r "$DB" "$T/foreign"
xapian-metadata set "$T/foreign" frs.schema 999
"$Q" -d "$T/foreign" eglise >/dev/null 2>"$T/err"; rc=$?
check "foreign schema refused with exit 3 ($rc)" [ $rc -eq 3 ]
check "foreign schema message" grep -q "incompatible database" "$T/err"
"$IDX" -d "$T/foreign" corpus/articles.jsonl 2>"$T/err"; rc=$?
check "indexer refuses a foreign schema with exit 3 ($rc)" [ $rc -eq 3 ]

# --- batch -------------------------------------------------------------------
nq=$(grep -c . corpus/queries.tsv)
"$Q" -d "$DB" --batch --json <corpus/queries.tsv >"$T/batch.jsonl"; rc=$?
check "batch exits 0" [ $rc -eq 0 ]
check "batch answers every line" [ "$(python3 -c 'import json,sys; print(len({json.loads(l)["qid"] for l in sys.stdin}))' <"$T/batch.jsonl")" -eq "$nq" ]
check "batch JSON has took_ms" python3 -c 'import json,sys; assert all("took_ms" in json.loads(l) for l in sys.stdin)' <"$T/batch.jsonl"
"$Q" -d "$DB" --batch --articles <corpus/queries.tsv >"$T/batch.trec"
check "TREC run format" python3 -c '
import sys
for l in sys.stdin:
    f=l.split()
    assert len(f)==6 and f[1]=="Q0" and int(f[3])>=1 and float(f[4])>0 and "#" not in f[2], l
' <"$T/batch.trec"

# --- exact form above stem-only match ---------------------------------------
cat >"$T/chevaux.jsonl" <<'J'
{"id":"a","body":"Dans la plaine les chevaux galopent librement ce matin."}
{"id":"b","body":"Dans la plaine le cheval galope librement ce matin-là."}
{"id":"c","body":"Rien à voir avec le sujet, un texte sur la pluie et le beau temps."}
J
"$IDX" -d "$T/ch" "$T/chevaux.jsonl"
check "exact form ranks above stem-only (chevaux)" [ "$("$Q" -d "$T/ch" --json chevaux | ids | tr '\n' ' ')" = "a b " ]
check "exact form ranks above stem-only (cheval)" [ "$("$Q" -d "$T/ch" --json cheval | ids | tr '\n' ' ')" = "b a " ]

# --- bad input ---------------------------------------------------------------
printf '%s\n' '{"id":"ok1","body":"Un bon article."}' '{"id":"bad","body":' '{"body":"sans id"}' '{"id":"ok2","body":"Un autre."}' >"$T/bad.jsonl"
"$IDX" -d "$T/bad" "$T/bad.jsonl" 2>"$T/err"; rc=$?
check "rejects give exit 1 ($rc)" [ $rc -eq 1 ]
check "reject names file and line" grep -q "bad.jsonl:2: invalid JSON" "$T/err"
check "reject names the missing id" grep -q 'bad.jsonl:3: missing "id"' "$T/err"
check "good articles indexed despite rejects" [ "$("$Q" -d "$T/bad" --json --articles 'bon autre' | ids | sort | tr '\n' ' ')" = "ok1 ok2 " ]
"$IDX" -d "$T/strict" --strict "$T/bad.jsonl" 2>/dev/null; rc=$?
check "--strict fails with exit 4 ($rc)" [ $rc -eq 4 ]
"$Q" -d "$T/strict" article >/dev/null 2>&1; rc=$?
check "--strict committed nothing ($rc)" [ $rc -ne 0 ]

# --- update and delete -------------------------------------------------------
printf '%s\n' '{"id":"ok1","body":"Un article modifié sur les girafes."}' >"$T/upd.jsonl"
out=$("$IDX" -d "$T/bad" --summary "$T/upd.jsonl")
check "changed article is updated ($out)" grep -q "^added 0, updated 1" <<<"$out"
check "old passages are gone" [ -z "$("$Q" -d "$T/bad" --json bon | ids)" ]
check "new text is found" [ "$("$Q" -d "$T/bad" --json girafe | first_id)" = ok1 ]
out=$("$IDX" -d "$T/bad" --summary --delete ok1)
check "delete by id ($out)" grep -q "deleted 1" <<<"$out"
check "deleted article is gone" [ -z "$("$Q" -d "$T/bad" --json girafes | ids)" ]

# --- help and version --------------------------------------------------------
check "query --help" bash -c "'$Q' --help | grep -q Usage"
check "indexer --help" bash -c "'$IDX' --help | grep -q Usage"
check "--version" bash -c "'$Q' --version | grep -q frs"
# libmicrohttpd is linked normally, so that Debian's dpkg-shlibdeps sees it
# (a package's Depends: is computed from NEEDED entries); the indexer does
# not need it
check "query links libmicrohttpd (NEEDED)" bash -c "objdump -p '$Q' | grep -q 'NEEDED  *libmicrohttpd\.so'"
check "the indexer does not link libmicrohttpd" bash -c "! objdump -p '$IDX' | grep -q 'NEEDED  *libmicrohttpd'"

# --- install ----------------------------------------------------------------
make -s install B="$B" DESTDIR="$T/inst" PREFIX=/usr >/dev/null
checks "install: frs-indexer and frs-query, no clash with Sphinx's indexer" '[ -x "$T/inst/usr/bin/frs-indexer" ] && [ -x "$T/inst/usr/bin/frs-query" ] && [ ! -e "$T/inst/usr/bin/indexer" ]'
checks "install: man pages" '[ -f "$T/inst/usr/share/man/man1/frs-indexer.1" ] && [ -f "$T/inst/usr/share/man/man1/frs-query.1" ]'
check "installed binary runs" bash -c "'$T/inst/usr/bin/frs-query' --version | grep -q frs"

finish end-to-end
