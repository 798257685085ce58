#!/usr/bin/env bash
# End-to-end tests of sharded indexes (docs/scaling.md): the same hits and
# BM25 scores from one database, local shards, three shards served by
# xapian-tcpsrv on loopback, and a mixed stub; a shard server stopped
# mid-run; a shard updated while served; nightly runs touching only the
# newest shard; prune, delete, check, compact and rebuild across shards.
# Usage: tests/cli/shards.sh BUILD_DIR
set -u
. "$(dirname "$0")/lib.sh"

# every xapian-tcpsrv started (start_tcpsrv, lib.sh) leads its own process
# group, so that killing the group also ends the children it forked
stop_servers() {
    local p
    for p in "${SERVERS[@]}"; do kill -- -"$p" 2>/dev/null; done
    SERVERS=()
}
trap 'stop_servers; jobs -p | xargs -r kill -9 2>/dev/null; rm -rf "$T"' EXIT

# same A B [LIMIT]: two query --json outputs (or two --batch --json outputs)
# hold the same hits, ranks and scores (1e-9 relative), and the same BM25
# parts with --explain; hits whose scores tie may come in another order
# (documents are numbered differently across shards, and Xapian orders ties
# by document number), and when LIMIT hits cut a tie, any of it may come
cat >"$T/same.py" <<'EOF'
import json, sys
def load(path):
    text = open(path, encoding="utf-8").read().strip()
    try:
        return {"": json.loads(text)}
    except ValueError:
        return {d["qid"]: d for d in map(json.loads, text.splitlines())}
def close(x, y):
    return abs(x - y) <= 1e-9 * max(1.0, abs(x), abs(y))
def groups(hits):
    out = []
    for h in hits:
        if out and close(out[-1][0], h["score"]):
            out[-1][1].append(h)
        else:
            out.append((h["score"], [h]))
    return out
def explain(h):
    return sorted((t["term"], round(t["weight"], 9)) for t in h.get("explain", {}).get("terms", []))
a, b = load(sys.argv[1]), load(sys.argv[2])
assert a.keys() == b.keys(), (sorted(a), sorted(b))
n = 0
for qid in a:
    ha, hb = a[qid]["hits"], b[qid]["hits"]
    assert len(ha) == len(hb), (qid, len(ha), len(hb))
    for x, y in zip(ha, hb):
        assert close(x["score"], y["score"]), (qid, x, y)
    ga_all, gb_all = groups(ha), groups(hb)
    if len(sys.argv) > 3 and len(ha) == int(sys.argv[3]):
        ga_all, gb_all = ga_all[:-1], gb_all[:-1] # cut in a tie: any of it
    for (sa, ga), (sb, gb) in zip(ga_all, gb_all):
        key = lambda h: (h["article_id"], h["passage"])
        assert sorted(map(key, ga)) == sorted(map(key, gb)), (qid, ga, gb)
        ea = {key(h): explain(h) for h in ga}
        eb = {key(h): explain(h) for h in gb}
        assert ea == eb, (qid, ea, eb)
    n += len(ha)
assert n > 0, "no hits at all"
EOF
same() { python3 "$T/same.py" "$1" "$2" 2>"$T/same-err" || { cat "$T/same-err" >&2; return 1; }; }

# the corpus queries, plus phrases, +/-, title: and a number
cp corpus/queries.tsv "$T/queries.tsv"
printf '%s\n' $'x1\tpomme de terre' $'x2\t+vélo +Tour' $'x3\ttitle:marseille' \
    $'x4\ttitre:"tour de france"' $'x5\teglise romane' $'x6\t+castors -Loire' >>"$T/queries.tsv"
EXPLAIN=('"pomme de terre"' 'vélo -cyclable' 'title:marseille' 'éolienne')
# compare DB_A DB_B LABEL: every query in --batch, with and without
# --articles (all hits), and some with --explain (each term's weight)
compare() {
    local q mode bad=0
    for mode in "" --articles; do
        "$Q" -d "$1" --batch --json -n 1000 $mode <"$T/queries.tsv" >"$T/a.batch" 2>"$T/a.err"
        "$Q" -d "$2" --batch --json -n 1000 $mode <"$T/queries.tsv" >"$T/b.batch" 2>"$T/b.err"
        if ! same "$T/a.batch" "$T/b.batch"; then
            ko "$3: --batch $mode results differ ($(head -c 300 "$T/b.err"))"
            bad=1
        fi
    done
    for q in "${EXPLAIN[@]}"; do
        "$Q" -d "$1" --json -n 1000 --explain "$q" >"$T/a.json" 2>"$T/a.err"
        "$Q" -d "$2" --json -n 1000 --explain "$q" >"$T/b.json" 2>"$T/b.err"
        if ! same "$T/a.json" "$T/b.json"; then
            ko "$3: query $q --explain differs ($(head -c 300 "$T/b.err"))"
            bad=1
        fi
    done
    [ $bad -eq 0 ] && ok
}

# --- one database and the same content in shards ---------------------------
ONE="$T/one"
"$IDX" -d "$ONE" corpus/articles.jsonl corpus/txt
SY="$T/by-year"
out=$("$IDX" -d "$SY" --shard-by year --summary corpus/articles.jsonl corpus/txt); rc=$?
check "sharded build exits 0 ($rc)" [ $rc -eq 0 ]
check "sharded build: one shard per year and one for undated ($out)" grep -q "added 65,.* shards written 6 of 6" <<<"$out"
check "shard directories and stub" [ "$(ls "$SY" | tr '\n' ' ')" = "2021 2022 2023 2024 2025 XAPIANDB frs-shards undated " ]
check "stub names every shard" [ "$(grep -c '^auto ' "$SY/XAPIANDB")" = 6 ]
check "sharded --check passes, content equals one database" [ "$(fingerprint "$SY")" = "$(fingerprint "$ONE")" ]
"$Q" -d "$SY" --stats --json >"$T/stats"
check "--stats counts articles over shards and shows the shards" python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
assert d["articles"]==65 and "passages" not in d and d["shards"]==6 and d["remote_shards"]==0, d
assert sum(s["articles"] for s in d["shard_list"])==65, d' "$T/stats"
compare "$ONE" "$SY" "year shards"

out=$("$IDX" -d "$SY" --summary corpus/articles.jsonl corpus/txt); rc=$?
check "rerun needs no option and changes nothing ($out)" grep -q "^added 0, updated 0, unchanged 65,.* shards written 0 of 6" <<<"$out"
"$IDX" -d "$SY" --shard-by month corpus/articles.jsonl 2>"$T/err"; rc=$?
checks "conflicting --shard-by is a usage error ($rc)" '[ $rc -eq 2 ] && grep -q "sharded by year, not month" "$T/err"'
"$IDX" -d "$ONE" --shard-by year corpus/articles.jsonl 2>"$T/err"; rc=$?
checks "--shard-by on an unsharded database is a usage error ($rc)" '[ $rc -eq 2 ] && grep -q -- "--rebuild" "$T/err"'
"$IDX" -d "$SY/2023" corpus/articles.jsonl 2>"$T/err"; rc=$?
checks "indexing into one shard directly is refused ($rc)" '[ $rc -eq 2 ] && grep -q "is shard .2023. of a sharded index" "$T/err"'

# --- three shards on three xapian-tcpsrv, a mixed stub ---------------------
H3="$T/h3"
"$IDX" -d "$H3" --shard-by hash:3 corpus/articles.jsonl corpus/txt
PORTS=() PIDS=()
for k in h00 h01 h02; do
    if start_tcpsrv "$H3/$k"; then PORTS+=("$TPORT"); PIDS+=("$TPID"); else ko "tcpsrv for $k did not start"; fi
done
printf 'remote 127.0.0.1:%s\n' "${PORTS[@]}" >"$T/remote.stub"
printf 'auto h3/h00\nremote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "${PORTS[1]}" "${PORTS[2]}" >"$T/mixed.stub"
compare "$ONE" "$H3" "hash:3 local shards"
compare "$ONE" "$T/remote.stub" "three remote shards"
compare "$ONE" "$T/mixed.stub" "mixed local and remote shards"
printf 'remote :xapian-progsrv %s\nauto h3/h01\nauto h3/h02\n' "$H3/h00" >"$T/prog.stub"
compare "$ONE" "$T/prog.stub" "a shard through xapian-progsrv (the ssh form without ssh)"
"$Q" -d "$T/remote.stub" --stats --json >"$T/stats" 2>"$T/err"
check "--stats over remote shards counts articles" python3 -c '
import json,sys; d=json.load(open(sys.argv[1])); assert d["articles"]==65 and d["shards"]==3 and d["remote_shards"]==3, d' "$T/stats"
"$Q" -d "$T/mixed.stub" --check --json >"$T/check" 2>"$T/err"; rc=$?
checks "--check over a mixed stub passes, with a note for remote shards ($rc)" '[ $rc -eq 0 ] && grep -q "note: remote shard 127.0.0.1:${PORTS[1]}" "$T/err"'
check "--check over a mixed stub: same content" [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["fingerprint"])' "$T/check")" = "$(fingerprint "$ONE")" ]

# --- the HTTP server over remote shards: results, and a note for spelling --
"$Q" -d "$T/remote.stub" --serve --listen 127.0.0.1:0 --threads 1 2>"$T/serve.err" &
spid=$!
for _ in $(seq 100); do grep -q "serving" "$T/serve.err" && break; sleep 0.1; done
url=$(sed -n 's/.*serving .* at \(http:[^ ]*\).*/\1/p' "$T/serve.err" | head -1)
python3 - "$url" >"$T/http.json" 2>&1 <<'PY'
import json, sys, urllib.request
d = json.load(urllib.request.urlopen(sys.argv[1] + "search?q=eglize%20marseille"))
print(json.dumps(d))
PY
checks "server over remote shards answers with hits" 'python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[\"hits\"]" "$T/http.json"'
checks "spelling over remote shards degrades with a note, not an error" 'grep -q "not available over remote shards" "$T/http.json"'
kill -TERM $spid 2>/dev/null
wait $spid 2>/dev/null

# --- a shard updated while served: the next query sees it ------------------
printf '%s\n' '{"id":"live-1","title":"Ornithorynque","body":"Un ornithorynque aperçu dans la Loire.","date":"2025-06-01"}' \
              '{"id":"live-2","title":"Ornithorynque","body":"Deux ornithorynques dans le Rhône.","date":"2025-06-02"}' >"$T/live.jsonl"
"$Q" -d "$T/remote.stub" ornithorynque >/dev/null 2>&1; rc=$?
check "before the update: no hit ($rc)" [ $rc -eq 1 ]
"$IDX" -d "$H3" "$T/live.jsonl"
got=$("$Q" -d "$T/remote.stub" --json --articles ornithorynque | ids | sort | tr '\n' ' ')
check "a shard updated while served: the next query sees it ($got)" [ "$got" = "live-1 live-2 " ]
"$IDX" -d "$H3" --delete live-1 --delete live-2
check "and the deletion too" [ "$("$Q" -d "$T/remote.stub" --json ornithorynque | ids | wc -l)" = 0 ]

# --- a shard server stopped: an error naming it, exit 4 --------------------
# answers are line-buffered (stdbuf; ASan must let its library in) so that
# they can be counted before the shard is stopped
mkfifo "$T/fifo"
trap '' PIPE
ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0 \
    stdbuf -oL "$Q" -d "$T/remote.stub" --batch --json <"$T/fifo" >"$T/batch.out" 2>"$T/batch.err" &
bpid=$!
exec 3>"$T/fifo"
printf 'q1\tpomme de terre\nq2\tMarseille\n' >&3
for _ in $(seq 200); do [ "$(wc -l <"$T/batch.out")" -ge 2 ] && break; sleep 0.05; done
check "batch over remote shards answers" [ "$(wc -l <"$T/batch.out")" -eq 2 ]
kill -- -"${PIDS[1]}"
printf 'q3\tvendanges\nq4\téglise\n' >&3
exec 3>&-
wait $bpid; rc=$?
trap - PIPE
check "shard stopped mid-run: batch exits 4 ($rc)" [ $rc -eq 4 ]
check "shard stopped mid-run: the error names the shard ($(cat "$T/batch.err"))" grep -q "batch line 3 (qid q3): NetworkError: .*127.0.0.1:${PORTS[1]}" "$T/batch.err"
check "shard stopped mid-run: no partial answer" [ "$(wc -l <"$T/batch.out")" -eq 2 ]
"$Q" -d "$T/remote.stub" Marseille >/dev/null 2>"$T/err"; rc=$?
check "shard down: a query exits 4 ($rc)" [ $rc -eq 4 ]
check "shard down: the error names the shard ($(cat "$T/err"))" grep -q "NetworkError: Couldn't connect .*127.0.0.1:${PORTS[1]}" "$T/err"
"$Q" -d "$T/mixed.stub" --json Marseille >/dev/null 2>"$T/err"; rc=$?
checks "shard down in a mixed stub: exit 4 naming it ($rc)" '[ $rc -eq 4 ] && grep -q "127.0.0.1:${PORTS[1]}" "$T/err"'
stop_servers

# --- nightly: only the newest shard is touched ------------------------------
NY="$T/nightly"
python3 tests/cli/mkarticles.py 600 5 >"$T/base.jsonl"
"$IDX" -d "$NY" --shard-by year "$T/base.jsonl" corpus/articles.jsonl
revisions() { local d; for d in "$NY"/*/; do printf '%s %s\n' "$(basename "$d")" "$(xapian-delve "$d" 2>/dev/null | sed -n 's/^revision = //p')"; done; }
revisions >"$T/rev1"
newest=$(ls "$NY" | grep -E '^[0-9]{4}$' | tail -1)
python3 - "$newest" >"$T/night.jsonl" <<'EOF'
import json, sys
for i in range(40):
    print(json.dumps({"id": f"night-{i}", "title": "Dépêche du soir",
                      "body": f"Le conseil municipal vote le budget {i}.",
                      "date": f"{sys.argv[1]}-12-{1 + i % 28:02d}"}, ensure_ascii=False))
EOF
out=$("$IDX" -d "$NY" --summary --json-summary "$T/base.jsonl" corpus/articles.jsonl "$T/night.jsonl"); rc=$?
check "nightly run exits 0 ($rc)" [ $rc -eq 0 ]
check "nightly run: 40 added, one shard written ($out)" grep -q "^added 40, updated 0, unchanged 648,.* shards written 1 of" <<<"$out"
check "nightly JSON summary has shards_written 1" grep -q '"shards_written":1' <<<"$out"
revisions >"$T/rev2"
changed=$(diff "$T/rev1" "$T/rev2" | grep '^>' | cut -d' ' -f2 | tr '\n' ' ')
check "nightly run: only the newest shard ($newest) has a new revision ($changed)" [ "$changed" = "$newest " ]
out=$("$IDX" -d "$NY" --summary "$T/base.jsonl" corpus/articles.jsonl "$T/night.jsonl")
revisions >"$T/rev3"
check "nightly rerun is idempotent ($out)" grep -q "^added 0, updated 0, unchanged 688, deleted 0.* shards written 0 of" <<<"$out"
check "nightly rerun commits nothing" cmp -s "$T/rev2" "$T/rev3"

# an article whose date moved to another year leaves its old shard
read -r mid myear < <(python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).readline()); print(d["id"], d["date"][:4])' "$T/base.jsonl")
python3 -c '
import json,sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    if d["id"] == sys.argv[2]:
        d["date"] = "2011-01-01"
    print(json.dumps(d, ensure_ascii=False))' "$T/base.jsonl" "$mid" >"$T/moved.jsonl"
out=$("$IDX" -d "$NY" --summary "$T/moved.jsonl" corpus/articles.jsonl "$T/night.jsonl")
check "moved article: updated, its old shard and the new one written ($out)" grep -q "^added 0, updated 1, unchanged 687,.* shards written 2 of" <<<"$out"
check "moved article: gone from $myear, now in 2011" bash -c "! xapian-delve -t 'A$mid' '$NY/$myear' 2>/dev/null | grep -q Posting && xapian-delve -t 'A$mid' '$NY/2011' | grep -q Posting"

# prune and delete across shards; the content equals one fresh database
grep -v -e '"gen-00001[0-9]"' "$T/moved.jsonl" >"$T/pruned.jsonl"
out=$("$IDX" -d "$NY" --summary --prune "$T/pruned.jsonl" corpus/articles.jsonl "$T/night.jsonl")
check "--prune across shards ($out)" grep -q "deleted 10" <<<"$out"
out=$("$IDX" -d "$NY" --summary --delete night-3 --delete 2022-cul-0002 --delete nowhere)
check "--delete across shards ($out)" grep -q "deleted 2" <<<"$out"
grep -v -e '"night-3"' "$T/night.jsonl" >"$T/night2.jsonl"
grep -v -e '"2022-cul-0002"' corpus/articles.jsonl >"$T/corpus2.jsonl"
"$IDX" -d "$T/nightly-one" "$T/pruned.jsonl" "$T/corpus2.jsonl" "$T/night2.jsonl"
check "after moves, prune and deletes: same content as one fresh database" [ "$(fingerprint "$NY")" = "$(fingerprint "$T/nightly-one")" ]
"$Q" -d "$NY" --check >"$T/check" 2>&1; rc=$?
check "query --check passes on the sharded index ($rc: $(cat "$T/check"))" [ $rc -eq 0 ]
compare "$T/nightly-one" "$NY" "nightly shards"

# --- compaction: every shard but the newest, once ----------------------------
revisions >"$T/rev4"
out=$("$IDX" -d "$NY" --compact --summary); rc=$?
check "--compact on shards exits 0 ($rc: $out)" [ $rc -eq 0 ]
check "--compact leaves the newest shard ($out)" grep -q "newest left: $newest" <<<"$out"
check "--compact keeps the newest shard's revision" [ "$(grep "^$newest " "$T/rev4")" = "$(revisions | grep "^$newest ")" ]
check "--compact keeps the content" [ "$(fingerprint "$NY")" = "$(fingerprint "$T/nightly-one")" ]
check "--compact left no temporary directory" [ -z "$(ls -d "$NY"/*.compact 2>/dev/null)" ]
out=$("$IDX" -d "$NY" --compact --summary)
check "a second --compact skips the unchanged shards ($out)" grep -q ": 0 shards (" <<<"$out"

# --- rebuild: a new sharded index switched in; converting a database --------
out=$("$IDX" -d "$NY" --rebuild --summary "$T/pruned.jsonl" "$T/corpus2.jsonl" "$T/night2.jsonl"); rc=$?
checks "--rebuild of a sharded index ($rc: $out)" '[ $rc -eq 0 ] && [ "$(sed -n 2p "$NY/frs-shards")" = year ]'
check "--rebuild of a sharded index: same content" [ "$(fingerprint "$NY")" = "$(fingerprint "$T/nightly-one")" ]
"$IDX" -d "$T/nightly-one" --rebuild --shard-by month "$T/pruned.jsonl" "$T/corpus2.jsonl" "$T/night2.jsonl"; rc=$?
checks "--rebuild --shard-by month converts a database ($rc)" '[ $rc -eq 0 ] && [ -e "$T/nightly-one/2011-01/iamglass" ]'
check "converted: same content" [ "$(fingerprint "$T/nightly-one")" = "$(fingerprint "$NY")" ]
checks "no rebuild directory left" '[ ! -e "$NY.rebuild" ] && [ ! -e "$T/nightly-one.rebuild" ]'

# --- one indexer at a time, killed runs converge ----------------------------
(sleep 2; cat corpus/articles.jsonl) | "$IDX" -d "$SY" - &
holder=$!
sleep 0.5
"$IDX" -d "$SY" corpus/txt 2>"$T/err"; rc=$?
checks "a second indexer on a sharded index exits 5 ($rc)" '[ $rc -eq 5 ] && grep -q "being written by another indexer" "$T/err"'
wait $holder
KDB="$T/killed"
"$IDX" -d "$KDB" --shard-by year --batch 50 "$T/base.jsonl" &
pid=$!
for _ in $(seq 400); do [ -e "$KDB/XAPIANDB" ] && break; sleep 0.02; done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
"$Q" -d "$KDB" --check >"$T/check" 2>&1; rc=$?
check "killed sharded run: every visible article is whole ($rc: $(cat "$T/check"))" [ $rc -eq 0 ]
"$IDX" -d "$KDB" --batch 50 "$T/base.jsonl"; rc=$?
"$IDX" -d "$T/base-one" "$T/base.jsonl"
check "killed sharded run: the rerun converges ($rc)" [ "$(fingerprint "$KDB")" = "$(fingerprint "$T/base-one")" ]

finish shards
