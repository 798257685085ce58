#!/usr/bin/env bash
# End-to-end tests of unattended (cron) indexing: incremental re-runs,
# updates, deletes, prune, crash safety under SIGKILL, locking, searchers
# during indexing and rebuild, bad input, a full disk, summaries, compaction,
# auto-compaction.
# Usage: tests/cli/nightly.sh BUILD_DIR
set -u
. "$(dirname "$0")/lib.sh"

python3 tests/cli/mkarticles.py 1500 1 >"$T/big.jsonl"
nbig=1500

# --- idempotent re-run: nothing changes, nothing is committed --------------
DB="$T/db"
"$IDX" -d "$DB" corpus/articles.jsonl corpus/txt
fp1=$(fingerprint "$DB")
up1=$(xapian-metadata get "$DB" frs.updated)
rev1=$(xapian-delve "$DB" | grep -i revision)
sleep 1.1
out=$("$IDX" -d "$DB" --summary corpus/articles.jsonl corpus/txt); rc=$?
check "idempotent re-run exits 0" [ $rc -eq 0 ]
check "idempotent re-run: all unchanged ($out)" grep -q "^added 0, updated 0, unchanged 65, deleted 0" <<<"$out"
check "idempotent re-run: same content" [ "$(fingerprint "$DB")" = "$fp1" ]
check "idempotent re-run: no commit (same revision)" [ "$(xapian-delve "$DB" | grep -i revision)" = "$rev1" ]
check "idempotent re-run: update time unchanged" [ "$(xapian-metadata get "$DB" frs.updated)" = "$up1" ]

# --- update, delete, prune ---------------------------------------------------
grep -v 2021-agr-0001 corpus/articles.jsonl >"$T/minus.jsonl"
out=$("$IDX" -d "$DB" --summary --prune "$T/minus.jsonl" corpus/txt)
check "prune removes the article absent from the inputs ($out)" grep -q "deleted 1" <<<"$out"
"$Q" -d "$DB" '"pomme de terre"' >/dev/null 2>&1; rc=$?
check "pruned article is no longer found ($rc)" [ $rc -eq 1 ]
out=$("$IDX" -d "$DB" --summary "$T/minus.jsonl")
check "without --prune nothing is deleted ($out)" grep -q "deleted 0" <<<"$out"
printf '%s\n' 2022-cul-0002 2023-eco-0003 >"$T/ids"
out=$("$IDX" -d "$DB" --summary --delete-from "$T/ids")
check "--delete-from ($out)" grep -q "deleted 2" <<<"$out"
check "--check after deletes" "$Q" -d "$DB" --check >/dev/null
sed 's/télétravail/visioconférence/g' corpus/articles.jsonl >"$T/changed.jsonl"
out=$("$IDX" -d "$DB" --summary "$T/changed.jsonl")
check "changed article replaced, deleted ones re-added ($out)" grep -q "^added 3, updated 1, unchanged 44" <<<"$out"
n=$("$Q" -d "$DB" --json --passages -n 100 visioconférence | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["hits"]))')
m=$("$Q" -d "$DB" --check --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["articles"], d["passages"])')
"$IDX" -d "$T/ref" "$T/changed.jsonl" corpus/txt
check "articles and passages never duplicated: same counts as a fresh build ($m)" [ "$m" = "$("$Q" -d "$T/ref" --check --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["articles"], d["passages"])')" ]
check "updated text found in all its passages ($n)" [ "$n" -ge 2 ]
check "same content as a fresh build" [ "$(fingerprint "$DB")" = "$(fingerprint "$T/ref")" ]

# --- SIGKILL at several points: whole articles, convergence -----------------
# Kill points are commits seen (0 = before the first), so that they fall
# mid-run whatever the machine's speed (the sanitizer build is much slower).
"$IDX" -d "$T/full" --batch 100 "$T/big.jsonl"
fpfull=$(fingerprint "$T/full")
revision() { xapian-delve "$1" 2>/dev/null | sed -n 's/^revision = //p'; }
for k in 0 1 4 9; do
    KDB="$T/kill-$k"
    "$IDX" -d "$KDB" --batch 100 "$T/big.jsonl" &
    pid=$!
    if [ $k -eq 0 ]; then
        sleep 0.05
    else
        for _ in $(seq 600); do
            r=$(revision "$KDB")
            [ -n "$r" ] && [ "$r" -ge $k ] && break
            sleep 0.05
        done
    fi
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    r=$(revision "$KDB")
    if [ $k -gt 0 ]; then
        checks "killed after commit $k: the run was really cut short (revision ${r:-none})" '[ -n "$r" ] && [ "$r" -lt 16 ]'
    fi
    "$Q" -d "$KDB" --check >"$T/check" 2>&1; rc=$?
    if [ $k -eq 0 ]; then
        # killed while the database was being created: either nothing was
        # committed yet (no database) or an empty, sound one
        checks "killed before the first commit: no database or a sound one: $(cat "$T/check")" '[ $rc -eq 0 ] || grep -q "find Xapian database\|no database" "$T/check"'
    else
        check "killed after commit $k: database opens and every article is whole: $(cat "$T/check")" [ $rc -eq 0 ]
    fi
    "$IDX" -d "$KDB" --batch 100 "$T/big.jsonl"; rc=$?
    check "killed after commit $k: rerun succeeds ($rc)" [ $rc -eq 0 ]
    check "killed after commit $k: rerun converges to the uninterrupted content" [ "$(fingerprint "$KDB")" = "$fpfull" ]
done

# --- locking: a second indexer is refused, or waits ---------------------------
LDB="$T/lock"
"$IDX" -d "$LDB" corpus/articles.jsonl
(sleep 3; cat corpus/articles.jsonl) | "$IDX" -d "$LDB" - &
holder=$!
sleep 1
"$IDX" -d "$LDB" corpus/txt 2>"$T/err"; rc=$?
check "second indexer exits 5 ($rc)" [ $rc -eq 5 ]
check "second indexer says the database is being written" grep -q "being written by another indexer" "$T/err"
"$Q" -d "$LDB" -n 1 eglise >/dev/null; rc=$?
check "searchers are not blocked by the writer ($rc)" [ $rc -eq 0 ]
out=$("$IDX" -d "$LDB" --wait 20 --summary corpus/txt); rc=$?
check "--wait waits for the lock and then indexes ($rc: $out)" [ $rc -eq 0 ]
wait $holder
check "--wait run added its articles" grep -q "^added 17" <<<"$out"

# --- searchers during a long indexing run and a --rebuild switch --------------
SDB="$T/serve"
"$IDX" -d "$SDB" corpus/articles.jsonl
searcher() { # one query process every 50 ms; count failures (exit >= 2)
    local n=0 bad=0
    while [ ! -e "$T/stop" ]; do
        "$Q" -d "$SDB" -n 3 marseille >/dev/null 2>>"$T/search-err"
        [ $? -ge 2 ] && bad=$((bad + 1))
        n=$((n + 1))
        sleep 0.05
    done
    echo "$n $bad" >"$T/search-count"
}
batchsearcher() { # one long-lived process answering a query every 50 ms
    local i=0
    while [ ! -e "$T/stop" ]; do
        printf 'q%d\tmarseille ville\n' $i
        i=$((i + 1))
        sleep 0.05
    done | "$Q" -d "$SDB" --batch --json >"$T/batch-out" 2>"$T/batch-err"
    echo $? >"$T/batch-rc"
}
rm -f "$T/stop"
searcher &
spid=$!
batchsearcher &
bpid=$!
"$IDX" -d "$SDB" --batch 50 "$T/big.jsonl"
"$IDX" -d "$SDB" --rebuild corpus/articles.jsonl corpus/txt "$T/big.jsonl"; rc=$?
check "--rebuild succeeds while searched ($rc)" [ $rc -eq 0 ]
sleep 0.5
touch "$T/stop"
wait $spid $bpid
read -r n bad <"$T/search-count"
check "query processes never failed during indexing and rebuild ($bad of $n failed: $(head -3 "$T/search-err"))" [ "$bad" -eq 0 ]
check "enough queries ran during the test ($n)" [ "$n" -ge 10 ]
check "a long-lived batch searcher never failed ($(head -3 "$T/batch-err"))" [ "$(cat "$T/batch-rc")" -eq 0 ] 
check "the batch searcher answered every query" [ ! -s "$T/batch-err" ]
check "rebuilt database is whole" "$Q" -d "$SDB" --check >/dev/null
check "rebuild left no temporary directory" [ ! -e "$SDB.rebuild" ]
"$IDX" -d "$T/ref2" corpus/articles.jsonl corpus/txt "$T/big.jsonl"
check "rebuild content equals a fresh build" [ "$(fingerprint "$SDB")" = "$(fingerprint "$T/ref2")" ]

# --- parallel rebuild: same content whatever the number of jobs ------------
"$IDX" -d "$T/j1" --rebuild --jobs 1 corpus/articles.jsonl corpus/txt "$T/big.jsonl"
"$IDX" -d "$T/j3" --rebuild --jobs 3 corpus/articles.jsonl corpus/txt "$T/big.jsonl"
check "--rebuild --jobs 1 and --jobs 3 build the same content" [ "$(fingerprint "$T/j1")" = "$(fingerprint "$T/j3")" ]
check "--rebuild --jobs 3 equals an incremental build" [ "$(fingerprint "$T/j3")" = "$(fingerprint "$T/ref2")" ]
check "parallel parts are removed" [ -z "$(ls -d "$T"/j3.*part-* 2>/dev/null)" ]
# each worker starts a new part every N articles (tiny parts here): same content
FRS_PART_ARTICLES=40 "$IDX" -d "$T/jparts" --rebuild --jobs 3 corpus/articles.jsonl corpus/txt "$T/big.jsonl"
check "--rebuild in many small parts builds the same content" [ "$(fingerprint "$T/jparts")" = "$(fingerprint "$T/j1")" ]
# two first --rebuilds of the same new database: the second is refused
"$IDX" -d "$T/race" --rebuild --jobs 1 "$T/big.jsonl" & first=$!
for _ in $(seq 1 500); do [ -e "$T/race.rebuild.part-0.0" ] && break; sleep 0.01; done
"$IDX" -d "$T/race" --rebuild corpus/articles.jsonl 2>"$T/err"; rc=$?
wait $first; rc1=$?
check "a second first --rebuild exits 5 ($rc)" [ $rc -eq 5 ]
check "it says why" grep -q "being written by another indexer" "$T/err"
check "the first one completes ($rc1)" [ $rc1 -eq 0 ]
check "its database is whole" "$Q" -d "$T/race" --check
"$IDX" -d "$T/race2" --rebuild --jobs 1 "$T/big.jsonl" & first=$!
for _ in $(seq 1 500); do [ -e "$T/race2.rebuild.part-0.0" ] && break; sleep 0.01; done
"$IDX" -d "$T/race2" --rebuild --wait 120 corpus/articles.jsonl; rc=$?
wait $first
check "with --wait the second rebuild runs after the first ($rc)" [ $rc -eq 0 ]
"$IDX" -d "$T/arts" corpus/articles.jsonl
check "and its content is what it built" [ "$(fingerprint "$T/race2")" = "$(fingerprint "$T/arts")" ]

# a repeated id: the first copy wins, once, whatever the number of jobs
# (later copies are dropped before indexing; feed.h says why)
{
    echo '{"id":"dup","body":"Première version, sur les hérissons."}'
    for i in $(seq 1 200); do echo "{\"id\":\"f$i\",\"body\":\"Remplissage numéro $i.\"}"; done
    echo '{"id":"dup","body":"Seconde version, sur les marmottes."}'
} >"$T/dup.jsonl"
"$IDX" -d "$T/dupdb" --rebuild --jobs 3 "$T/dup.jsonl" 2>"$T/err"
got=$("$Q" -d "$T/dupdb" --json -n 10 'hérissons marmottes' | ids | tr '\n' ' ')
check "--jobs 3: a repeated id is indexed once ($got)" [ "$got" = "dup " ]
check "--jobs 3: the first copy of a repeated id wins" "$Q" -d "$T/dupdb" -n 1 hérissons
"$Q" -d "$T/dupdb" -n 1 marmottes >/dev/null 2>&1; rc=$?
check "--jobs 3: the later copy is not indexed ($rc)" [ $rc -eq 1 ]
check "--jobs 3: the later copy is reported with both places" grep -q "dup.jsonl:202: article 'dup': duplicate id, first read at .*dup.jsonl:1;" "$T/err"
FRS_PART_ARTICLES=20 "$IDX" -d "$T/dupparts" --rebuild --jobs 2 --summary "$T/dup.jsonl" >"$T/sum" 2>/dev/null
check "small parts: the first copy wins" "$Q" -d "$T/dupparts" -n 1 hérissons
check "small parts: 201 articles, a duplicate ($(cat "$T/sum"))" grep -q "^added 201, updated 0,.*duplicates 1" "$T/sum"
check "same content with 1 job and incrementally" [ "$("$IDX" -d "$T/dupinc" "$T/dup.jsonl" 2>/dev/null; fingerprint "$T/dupinc")" = "$(fingerprint "$T/dupparts")" ]
check "articles counted across parts" [ "$("$Q" -d "$T/j3" --stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])')" = "$("$Q" -d "$T/ref2" --stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])')" ]

# --- bad input: one line each, the rest indexed, exit 1 -----------------------
BAD="$T/bad"
mkdir -p "$BAD/in"
{
    echo '{"id":"good-1","body":"Un premier article valide sur les castors."}'
    echo '{"id":"broken","body":'
    echo '{"title":"sans identifiant","body":"texte"}'
    echo '{"id":"empty","body":"   "}'
    printf '{"id":"latin1","body":"caf\xe9 cr\xe8me castors"}\n'
    printf '{"id":"nul","body":"a\0b"}\n'
    python3 -c 'print("{\"id\":\"deep\",\"body\":" + "["*5000 + "]"*5000 + "}")'
    echo '{"id":"good-2","body":"Un second article valide sur les loutres."}'
} >"$BAD/in/feed.jsonl"
printf 'Titre\n\nbinaire \0\1\2 contenu\n' >"$BAD/in/binary.txt"
{ printf '{"id":"huge","body":"'; head -c 200000000 /dev/zero | tr '\0' 'a'; printf '"}\n'; } >"$BAD/huge.jsonl"
/usr/bin/time -f "%M" -o "$T/rss" "$IDX" -d "$BAD/db" "$BAD/in" "$BAD/huge.jsonl" 2>"$T/err"; rc=$?
check "bad inputs: exit 1 ($rc)" [ $rc -eq 1 ]
check "invalid JSON named with file and line" grep -q "feed.jsonl:2: invalid JSON" "$T/err"
check "missing id" grep -q 'feed.jsonl:3: missing "id"' "$T/err"
check "empty body names the article" grep -q "feed.jsonl:4: article 'empty': empty body" "$T/err"
check "invalid UTF-8 is a warning naming the article" grep -q "warning: .*feed.jsonl:5: article 'latin1': invalid UTF-8" "$T/err"
check "NUL byte" grep -q "feed.jsonl:6: NUL byte" "$T/err"
check "deeply nested JSON" grep -q "feed.jsonl:7: invalid JSON.*depth" "$T/err"
check "binary file" grep -q "binary.txt: article 'binary.txt': binary file" "$T/err"
check "200 MB article rejected" grep -q "huge.jsonl:1: line of 200000023 bytes exceeds" "$T/err"
check "one line per problem" [ "$(wc -l <"$T/err")" -eq 8 ]
check "memory stays bounded on a 200 MB line ($(tail -1 "$T/rss") KB)" [ "$(tail -1 "$T/rss")" -lt 300000 ]
got=$("$Q" -d "$BAD/db" --json --articles -n 10 'castors loutres' | ids | sort | tr '\n' ' ')
check "good articles indexed, invalid UTF-8 one too ($got)" [ "$got" = "good-1 good-2 latin1 " ]
"$IDX" -d "$BAD/strict" --strict "$BAD/in" 2>/dev/null; rc=$?
check "--strict: exit 4 ($rc)" [ $rc -eq 4 ]
check "--strict: nothing committed" [ "$("$Q" -d "$BAD/strict" --stats --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["passages"])' 2>/dev/null || echo 0)" = 0 ]
rm -f "$BAD/huge.jsonl"

# --- disk full: clear error, previous index intact --------------------------
FDB="$T/full-disk"
"$IDX" -d "$FDB" corpus/articles.jsonl
fpf=$(fingerprint "$FDB")
largest=$(find "$FDB" -type f -printf '%s\n' | sort -n | tail -1)
(ulimit -f $(( largest / 1024 + 64 )); "$IDX" -d "$FDB" --batch 100000 "$T/big.jsonl") 2>"$T/err"; rc=$?
check "disk full: exit 4 ($rc)" [ $rc -eq 4 ]
check "disk full: clear message ($(head -c 300 "$T/err"))" grep -qi "error:.*\(too large\|no space\|write\)" "$T/err"
check "disk full: previous index intact" [ "$(fingerprint "$FDB")" = "$fpf" ]

# --- summaries, log, progress, compaction, stats -----------------------------
JDB="$T/json"
"$IDX" -d "$JDB" --json-summary --log "$T/log" corpus/articles.jsonl "$BAD/in/binary.txt" >"$T/js" 2>/dev/null; rc=$?
check "--json-summary is JSON with the counts" python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
assert d["added"]==48 and d["rejected"]==1 and d["exit_code"]==1 and d["status"]=="rejects" and d["index_bytes"]>0, d
' "$T/js"
check "--log gets the timestamped reject" grep -qE '^[0-9-]+ [0-9:]+ indexer\[[0-9]+\]: rejected: .*binary file' "$T/log"
script -qec "'$IDX' -d '$T/tty' '$T/big.jsonl'" /dev/null >"$T/tty-out" 2>&1
check "progress line on a terminal" grep -q "articles/s" "$T/tty-out"
"$IDX" -d "$T/notty" corpus/articles.jsonl 2>"$T/err"
check "no progress line when stderr is not a terminal" [ ! -s "$T/err" ]
# grown by an update that --auto-compact 0 leaves as it is
sed 's/"body": "/"body": "Mise à jour. /' "$T/big.jsonl" | head -300 >"$T/big-upd.jsonl"
"$IDX" -d "$T/full" --auto-compact 0 "$T/big-upd.jsonl"
fpfull=$(fingerprint "$T/full")
before=$(du -sk "$T/full" | cut -f1)
out=$("$IDX" -d "$T/full" --compact --summary); rc=$?
check "--compact succeeds ($rc: $out)" [ $rc -eq 0 ]
check "--compact keeps the content" [ "$(fingerprint "$T/full")" = "$fpfull" ]
check "--compact shrinks the database ($before KB -> $(du -sk "$T/full" | cut -f1) KB)" [ "$(du -sk "$T/full" | cut -f1)" -lt "$before" ]
check "--compact left no temporary directory" [ ! -e "$T/full.compact" ]
check "--compact records the compacted size ($(xapian-metadata get "$T/full" frs.compact_bytes) B, $(du -sb "$T/full" | cut -f1) B on disk)" python3 -c '
import sys; b, disk = int(sys.argv[1]), int(sys.argv[2]); assert 0.9 * disk <= b <= disk' "$(xapian-metadata get "$T/full" frs.compact_bytes)" "$(du -sb "$T/full" | cut -f1)"
check "--compact records the article count" [ "$(xapian-metadata get "$T/full" frs.compact_articles)" = "$nbig" ]
"$Q" -d "$T/full" --stats >"$T/stats"
schema=$(sed -n 's/^#define FRS_SCHEMA_VERSION \([0-9]*\)$/\1/p' common/schema.h)
check "--stats shows articles, terms, size, update, schema" bash -c "grep -q 'articles *$nbig' '$T/stats' && grep -q 'distinct terms' '$T/stats' && grep -q 'size on disk' '$T/stats' && grep -q 'last update *20' '$T/stats' && grep -q 'schema *$schema,' '$T/stats' && grep -q 'settings' '$T/stats'"

# --- --auto-compact: nightly runs compact what outgrew its compacted size --
# Two copies of one first build get the same nightly updates (a fifth of
# the articles changed each night), one with the default --auto-compact,
# one with --auto-compact 0.
python3 tests/cli/mkarticles.py 600 5 auto >"$T/auto0.jsonl"
ADB="$T/auto"; ODB="$T/auto-off"
"$IDX" -d "$ADB" "$T/auto0.jsonl"
check "the first build records its size" [ "$(xapian-metadata get "$ADB" frs.compact_bytes)" -gt 0 ]
check "the first build records its article count" [ "$(xapian-metadata get "$ADB" frs.compact_articles)" = 600 ]
base=$(xapian-metadata get "$ADB" frs.compact_bytes)
cp -a "$ADB" "$ODB"
cp "$T/auto0.jsonl" "$T/auto-day.jsonl"
for day in 1 2 3 4 5 6; do
    python3 - "$T/auto-day.jsonl" "$day" >"$T/auto-next.jsonl" <<'PY'
import json, sys
day = int(sys.argv[2])
for i, line in enumerate(open(sys.argv[1], encoding="utf-8")):
    a = json.loads(line)
    if i % 5 == day % 5:
        a["body"] += "\n\nMise à jour du jour %d." % day
    print(json.dumps(a, ensure_ascii=False))
PY
    mv "$T/auto-next.jsonl" "$T/auto-day.jsonl"
    "$IDX" -d "$ADB" --json-summary "$T/auto-day.jsonl" >>"$T/auto-on.json"
    "$IDX" -d "$ODB" --json-summary --auto-compact 0 "$T/auto-day.jsonl" >>"$T/auto-off.json"
done
check "--auto-compact: compacted when over 1.5 x the compacted size ($(tr '\n' ' ' <"$T/auto-on.json" | head -c 900))" python3 -c '
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
assert all(r["exit_code"] == 0 and r["updated"] == 120 for r in runs), runs
done = [r for r in runs if r["auto_compact"]["status"] == "done"]
assert done, runs
for r in runs:
    a = r["auto_compact"]
    assert (a["status"] == "done") == (a["bytes"] > a["limit_bytes"]), r
    assert a["limit_bytes"] >= 1.5 * int(sys.argv[2]) * 0.99, r
for r in done:
    assert r["index_bytes"] < r["auto_compact"]["bytes"], r
' "$T/auto-on.json" "$base"
check "--auto-compact 0: never compacted ($(tail -1 "$T/auto-off.json"))" python3 -c '
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
assert all(r["auto_compact"] == {"status": "off"} for r in runs), runs
assert runs[-1]["index_bytes"] > 1.5 * int(sys.argv[2]), runs[-1]
' "$T/auto-off.json" "$base"
check "--auto-compact: smaller than without ($(du -sk "$ADB" | cut -f1) KB < $(du -sk "$ODB" | cut -f1) KB)" [ "$(du -sk "$ADB" | cut -f1)" -lt "$(du -sk "$ODB" | cut -f1)" ]
check "--auto-compact: same content as without" [ "$(fingerprint "$ADB")" = "$(fingerprint "$ODB")" ]
for q in 'jour' '"mise à jour"' 'france -paris'; do
    on=$("$Q" -d "$ADB" --json -n 50 "$q" | ids | tr '\n' ' ')
    off=$("$Q" -d "$ODB" --json -n 50 "$q" | ids | tr '\n' ' ')
    [ -n "$on" ] || on="(no hit)"
    check "--auto-compact: same hits for $q (${on:0:60}...)" [ "$on" = "$off" ]
done
check "--auto-compact left no work directory" [ ! -e "$ADB.compact" ]
out=$("$IDX" -d "$ADB" --json-summary "$T/auto-day.jsonl")
check "--auto-compact: nothing changed, nothing considered ($out)" python3 -c 'import json,sys; assert "auto_compact" not in json.loads(sys.argv[1])' "$out"
# a compaction that cannot be done is a warning: exit code and index kept
"$IDX" -d "$ODB" --compact --auto-compact 0 >/dev/null
fpo=$(fingerprint "$ODB")
mkdir "$ODB.compact"; touch "$ODB.compact/not-ours"
sed 's/"body": "/"body": "Correction. /' "$T/auto0.jsonl" | head -400 >"$T/auto-big.jsonl"
out=$("$IDX" -d "$ODB" --json-summary "$T/auto-big.jsonl" 2>"$T/err"); rc=$?
check "failed auto-compaction: exit code unchanged ($rc)" [ $rc -eq 0 ]
check "failed auto-compaction: a warning naming the work directory ($(cat "$T/err"))" grep -q "warning: auto-compaction: .*auto-off.compact" "$T/err"
check "failed auto-compaction: said in the summary ($out)" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["auto_compact"]["status"] == "failed" and d["status"] == "ok" and "error" not in d, d' "$out"
check "failed auto-compaction: the foreign directory is left alone" [ -e "$ODB.compact/not-ours" ]
check "failed auto-compaction: the index is searchable, updated" "$Q" -d "$ODB" --check >/dev/null
check "failed auto-compaction: the update is committed" [ "$(fingerprint "$ODB")" != "$fpo" ]
rm -rf "$ODB.compact"
out=$("$IDX" -d "$ADB" --json-summary --rebuild "$T/auto0.jsonl")
check "--rebuild records its size ($(xapian-metadata get "$ADB" frs.compact_bytes) B)" python3 -c '
import sys; b, disk = int(sys.argv[1]), int(sys.argv[2]); assert 0.9 * disk <= b <= disk' "$(xapian-metadata get "$ADB" frs.compact_bytes)" "$(du -sb "$ADB" | cut -f1)"
out=$("$IDX" -d "$ADB" --json-summary --delete auto-000001)
check "a small change is not compacted ($out)" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["auto_compact"]["status"] == "not needed", d' "$out"
"$IDX" -d "$T/bad-ratio" --auto-compact 0.5 "$T/auto0.jsonl" 2>"$T/err"; rc=$?
check "--auto-compact 0.5 is a usage error ($rc: $(cat "$T/err"))" bash -c "[ $rc -eq 2 ] && grep -q 'invalid --auto-compact' '$T/err'"

finish nightly
