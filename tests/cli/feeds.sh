#!/usr/bin/env bash
# End-to-end tests of what feeds really look like and of the runs that must
# alert (issue 12): the --prune guard (empty, truncated, unreadable feeds
# never empty the index), exit codes of missing, unreadable and unknown
# inputs, byte order marks, gzip, names in capitals, duplicate ids, integer
# ids, the summary of every run (locked, compaction, full disk), the schema
# version, and work directories that are not ours.
# Usage: tests/cli/feeds.sh BUILD_DIR
set -u
. "$(dirname "$0")/lib.sh"

N=300
python3 tests/cli/mkarticles.py $N 12 feed >"$T/feed.jsonl"
[ "$(wc -l <"$T/feed.jsonl")" -eq $N ] || { echo "feeds: cannot generate the feed" >&2; exit 1; }
BASE="$T/base"
"$IDX" -d "$BASE" "$T/feed.jsonl" || { echo "feeds: cannot build the base index" >&2; exit 1; }
articles() { "$Q" -d "$1" --stats --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])' 2>/dev/null || echo none; }
revision() { xapian-delve "$1" 2>/dev/null | sed -n 's/^revision = //p'; }
copy() { rm -rf "$T/$1"; cp -r "$BASE" "$T/$1"; echo "$T/$1"; }
# jfield FILE KEY: a field of the JSON summary line in FILE ("" if none)
jfield() { python3 -c '
import json, sys
lines = [l for l in open(sys.argv[1]) if l.startswith("{")]
d = json.loads(lines[-1]) if len(lines) == 1 else {}
print(d.get(sys.argv[2], ""))' "$1" "$2" 2>/dev/null; }

# --- the prune guard: inputs that yield no article never empty the index ----
mkdir -p "$T/empty"
: >"$T/zero.jsonl"
for case in dir file stdin; do
    DB=$(copy "g-$case")
    case $case in
    dir) "$IDX" -d "$DB" --prune --json-summary "$T/empty" >"$T/js" 2>"$T/err"; rc=$? ;;
    file) "$IDX" -d "$DB" --prune --json-summary "$T/zero.jsonl" >"$T/js" 2>"$T/err"; rc=$? ;;
    stdin) "$IDX" -d "$DB" --prune --json-summary - </dev/null >"$T/js" 2>"$T/err"; rc=$? ;;
    esac
    check "empty $case + --prune: exit 4 ($rc)" [ $rc -eq 4 ]
    check "empty $case + --prune: nothing deleted ($(articles "$DB"))" [ "$(articles "$DB")" = $N ]
    check "empty $case + --prune: the message gives the counts ($(head -c 300 "$T/err"))" grep -q "refused: the inputs yielded no article; it would delete $N of the $N articles indexed" "$T/err"
    check "empty $case + --prune: the summary says failed" [ "$(jfield "$T/js" status)" = failed ]
    check "empty $case + --prune: and prune refused" [ "$(jfield "$T/js" prune)" = refused ]
done
"$IDX" -d "$T/g-dir" "$T/empty" 2>"$T/err"; rc=$?
check "an empty directory is a failure even without --prune ($rc)" [ $rc -eq 4 ]
check "... named in the message" grep -q "$T/empty: no .jsonl, .ndjson, .json (each optionally .gz) or .txt file" "$T/err"

# --- the prune guard: more than 10 % in one run ------------------------------
head -n 250 "$T/feed.jsonl" >"$T/most.jsonl"
DB=$(copy g-limit)
rev=$(revision "$DB")
"$IDX" -d "$DB" --prune "$T/most.jsonl" 2>"$T/err"; rc=$?
check "--prune of 50 of 300 (16 %): exit 4 ($rc)" [ $rc -eq 4 ]
check "... nothing deleted" [ "$(articles "$DB")" = $N ]
check "... one message with the counts ($(cat "$T/err"))" bash -c "[ \$(wc -l <'$T/err') -eq 1 ] && grep -q 'would delete 50 of the 300 articles indexed, more than the limit of 10% (30 articles)' '$T/err'"
check "... and no commit (nothing else changed)" [ "$(revision "$DB")" = "$rev" ]
head -n 280 "$T/feed.jsonl" >"$T/some.jsonl"
"$IDX" -d "$DB" --prune --summary "$T/some.jsonl" >"$T/out"; rc=$?
check "--prune of 20 of 300 (6.7 %) goes ahead ($rc: $(cat "$T/out"))" bash -c "[ $rc -eq 0 ] && grep -q 'deleted 20,' '$T/out'"
"$IDX" -d "$DB" --prune --max-prune 29 "$T/most.jsonl" 2>"$T/err"; rc=$?
check "--max-prune 29 refuses 30 ($rc)" bash -c "[ $rc -eq 4 ] && grep -q 'limit of 29 articles' '$T/err'"
"$IDX" -d "$DB" --prune --max-prune 100% --summary "$T/most.jsonl" >"$T/out"; rc=$?
check "--max-prune 100% allows it ($rc: $(cat "$T/out"))" bash -c "[ $rc -eq 0 ] && grep -q 'deleted 30,' '$T/out'"
check "... 250 left" [ "$(articles "$DB")" = 250 ]
"$IDX" -d "$DB" --prune --max-prune 10%% "$T/most.jsonl" 2>"$T/err"; rc=$?
check "--max-prune with a bad value: usage error ($rc)" bash -c "[ $rc -eq 2 ] && grep -q 'invalid --max-prune' '$T/err'"

# --- a feed cut while being written: prune skipped, nothing deleted ----------
head -c $(( $(stat -c %s "$T/feed.jsonl") * 2 / 3 )) "$T/feed.jsonl" >"$T/cut.jsonl"
cutline=$(( $(wc -l <"$T/cut.jsonl") + 1 ))
DB=$(copy g-cut)
"$IDX" -d "$DB" --prune --json-summary "$T/cut.jsonl" >"$T/js" 2>"$T/err"; rc=$?
check "a feed cut mid-write with --prune: exit 1 (some rejected) ($rc)" [ $rc -eq 1 ]
check "... nothing deleted ($(articles "$DB"))" [ "$(articles "$DB")" = $N ]
check "... the cut line is rejected, named" grep -q "rejected: $T/cut.jsonl:$cutline: invalid JSON.*cut while being written" "$T/err"
check "... and prune skipped with a warning naming it" grep -q "warning: --prune skipped: $T/cut.jsonl:$cutline was rejected without a usable article id" "$T/err"
check "... the summary says prune skipped" [ "$(jfield "$T/js" prune)" = skipped ]
# the same, compressed: a truncated gzip
gzip -c "$T/feed.jsonl" >"$T/feed.jsonl.gz"
head -c $(( $(stat -c %s "$T/feed.jsonl.gz") / 2 )) "$T/feed.jsonl.gz" >"$T/cut.jsonl.gz"
"$IDX" -d "$DB" --prune "$T/cut.jsonl.gz" 2>"$T/err"; rc=$?
check "a truncated .jsonl.gz with --prune: exit 1, nothing deleted ($rc)" bash -c "[ $rc -eq 1 ] && [ '$(articles "$DB")' = $N ]"
check "... a clear error naming the file" grep -q "rejected: $T/cut.jsonl.gz:[0-9]*: truncated gzip data" "$T/err"
check "... prune skipped" grep -q "warning: --prune skipped: $T/cut.jsonl.gz:" "$T/err"
# a line without an id anywhere in the feed
{ head -n 100 "$T/feed.jsonl"; echo '{"title":"sans identifiant","body":"texte"}'; tail -n +101 "$T/feed.jsonl" | head -n 100; } >"$T/noid.jsonl"
"$IDX" -d "$DB" --prune --max-prune 100% "$T/noid.jsonl" 2>"$T/err"; rc=$?
check "a line with no id: prune skipped even with --max-prune 100% ($rc)" bash -c "[ $rc -eq 1 ] && [ '$(articles "$DB")' = $N ] && grep -q 'noid.jsonl:101 was rejected without a usable article id' '$T/err'"

# --- inputs in their real shapes --------------------------------------------
DB=$(copy shapes)
rev=$(revision "$DB")
mkdir -p "$T/caps"
cp "$T/feed.jsonl" "$T/caps/FEED.JSONL"
"$IDX" -d "$DB" --prune --summary "$T/caps" >"$T/out" 2>"$T/err"; rc=$?
check "a feed named .JSONL is read ($rc: $(cat "$T/out") $(cat "$T/err"))" bash -c "[ $rc -eq 0 ] && grep -q '^added 0, updated 0, unchanged $N, deleted 0' '$T/out'"
check "... and commits nothing" [ "$(revision "$DB")" = "$rev" ]
"$IDX" -d "$DB" --prune --summary "$T/feed.jsonl.gz" >"$T/out" 2>"$T/err"; rc=$?
check "a .jsonl.gz is read ($rc: $(cat "$T/out") $(cat "$T/err"))" bash -c "[ $rc -eq 0 ] && grep -q '^added 0, updated 0, unchanged $N, deleted 0' '$T/out'"
gzip -c "$T/feed.jsonl" | "$IDX" -d "$DB" --prune --summary - >"$T/out" 2>"$T/err"; rc=$?
check "gzip on standard input is read ($rc: $(cat "$T/out"))" bash -c "[ $rc -eq 0 ] && grep -q 'unchanged $N, deleted 0' '$T/out'"
cp "$T/feed.jsonl.gz" "$T/caps/more.NDJSON.GZ"
"$IDX" -d "$DB" --summary "$T/caps" >"$T/out" 2>"$T/err"
check "a directory's .NDJSON.GZ is read ($(cat "$T/out"))" grep -q "duplicates $N" "$T/out"
rm -f "$T/caps/more.NDJSON.GZ"
check "nothing committed by reading the same articles in other shapes" [ "$(revision "$DB")" = "$rev" ]
# a byte order mark at the start of a .jsonl and of a .txt
{ printf '\xef\xbb\xbf'; cat "$T/feed.jsonl"; } >"$T/bom.jsonl"
"$IDX" -d "$DB" --prune --summary "$T/bom.jsonl" >"$T/out" 2>"$T/err"; rc=$?
check "a .jsonl starting with a BOM: every article read, none deleted ($rc: $(cat "$T/out") $(cat "$T/err"))" bash -c "[ $rc -eq 0 ] && grep -q '^added 0, updated 0, unchanged $N, deleted 0, rejected 0' '$T/out'"
mkdir -p "$T/bomtxt"
printf '\xef\xbb\xbfLe Titre du castor\n\nUn castor construit un barrage.\n' >"$T/bomtxt/castor.txt"
"$IDX" -d "$T/bomdb" "$T/bomtxt" 2>"$T/err"; rc=$?
title=$("$Q" -d "$T/bomdb" --json castor | python3 -c 'import json,sys; print(json.load(sys.stdin)["hits"][0]["title"])')
check "a .txt starting with a BOM: its title is clean ($rc: '$title')" bash -c "[ $rc -eq 0 ] && [ '$title' = 'Le Titre du castor' ]"
# files of other types in a directory: counted, named with -v and in --log
mkdir -p "$T/mixed"
head -n 5 "$T/feed.jsonl" >"$T/mixed/a.jsonl"
echo "notes" >"$T/mixed/README.md"
echo "x,y" >"$T/mixed/export.csv"
"$IDX" -d "$T/mixdb" --json-summary --log "$T/mix.log" "$T/mixed" >"$T/js" 2>"$T/err"; rc=$?
check "other files in a directory: exit 0, stderr quiet ($rc: $(cat "$T/err"))" bash -c "[ $rc -eq 0 ] && [ ! -s '$T/err' ]"
check "... counted in the summary" [ "$(jfield "$T/js" skipped_files)" = 2 ]
check "... named in the log" bash -c "grep -q 'skipped: $T/mixed/README.md: not a .jsonl' '$T/mix.log' && grep -q 'skipped: $T/mixed/export.csv' '$T/mix.log'"
"$IDX" -d "$T/mixdb" -v "$T/mixed" 2>"$T/err"
check "... named with -v" grep -q "skipped: $T/mixed/README.md" "$T/err"
mkdir -p "$T/docs"
echo "notes" >"$T/docs/README.md"
"$IDX" -d "$T/mixdb" "$T/docs" 2>"$T/err"; rc=$?
check "a directory with no feed at all: exit 4 ($rc)" bash -c "[ $rc -eq 4 ] && grep -q 'docs: no .jsonl' '$T/err'"

# --- inputs that cannot be read: exit 4, named, prune skipped ----------------
DB=$(copy missing)
"$IDX" -d "$DB" --prune --json-summary "$T/some.jsonl" "$T/vanished/feed.jsonl" >"$T/js" 2>"$T/err"; rc=$?
check "a missing input: exit 4 ($rc)" [ $rc -eq 4 ]
check "... named, with the system's reason" grep -q "error: $T/vanished/feed.jsonl: cannot open: No such file or directory" "$T/err"
check "... prune skipped: nothing deleted" bash -c "[ '$(articles "$DB")' = $N ] && grep -q 'warning: --prune skipped: $T/vanished/feed.jsonl could not be read' '$T/err'"
check "... the summary carries the error" bash -c "[ '$(jfield "$T/js" status)' = failed ] && [ '$(jfield "$T/js" failed_inputs)' = 1 ] && grep -q 'No such file or directory' '$T/js'"
"$IDX" -d "$DB" "$T/vanished" 2>"$T/err"; rc=$?
check "a missing directory: exit 4 ($rc)" [ $rc -eq 4 ]
cp "$T/some.jsonl" "$T/feed.csv"
"$IDX" -d "$DB" --prune "$T/feed.csv" 2>"$T/err"; rc=$?
check "an input of an unknown type: exit 4, named ($rc)" bash -c "[ $rc -eq 4 ] && grep -q 'error: $T/feed.csv: unknown file type' '$T/err' && [ '$(articles "$DB")' = $N ]"
ln -s /proc/self/mem "$T/eio.jsonl"
"$IDX" -d "$DB" --prune "$T/eio.jsonl" "$T/some.jsonl" 2>"$T/err"; rc=$?
check "an input that fails to read (EIO): exit 4, named ($rc: $(cat "$T/err"))" bash -c "[ $rc -eq 4 ] && grep -q 'error: $T/eio.jsonl:1: read error: Input/output error' '$T/err' && [ '$(articles "$DB")' = $N ]"
# permission denied: as an unprivileged user (root reads anything)
mkdir -p "$T/perm"
cp "$T/some.jsonl" "$T/perm/locked.jsonl"
chmod 000 "$T/perm/locked.jsonl"
if [ "$(id -u)" -eq 0 ]; then
    chmod 755 "$T" && chmod -R a+rwX "$DB" "$T/perm" && chmod 000 "$T/perm/locked.jsonl"
    asuser() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
else
    asuser() { "$@"; }
fi
asuser "$IDX" -d "$DB" --prune "$T/perm" 2>"$T/err"; rc=$?
check "an unreadable file in a directory: exit 4 ($rc: $(cat "$T/err"))" bash -c "[ $rc -eq 4 ] && grep -q 'error: $T/perm/locked.jsonl: cannot open: Permission denied' '$T/err'"
check "... prune skipped: nothing deleted" [ "$(articles "$DB")" = $N ]

# --- duplicate ids, integer ids: reported, first wins, re-runs commit nothing -
DB="$T/dups"
{
    echo '{"id":"d1","body":"La première version parle des hérissons."}'
    echo '{"id":12345,"body":"Un identifiant entier, sur les loutres."}'
    echo '{"id":"d1","body":"La seconde version parle des marmottes."}'
} >"$T/d-a.jsonl"
echo '{"id":"12345","body":"Le même identifiant en chaîne, sur les castors."}' >"$T/d-b.jsonl"
"$IDX" -d "$DB" --json-summary "$T/d-a.jsonl" "$T/d-b.jsonl" >"$T/js" 2>"$T/err"; rc=$?
check "duplicate ids: exit 0, two warnings ($rc: $(cat "$T/err"))" bash -c "[ $rc -eq 0 ] && [ \$(grep -c 'duplicate id' '$T/err') -eq 2 ]"
check "... naming both places" grep -q "warning: $T/d-a.jsonl:3: article 'd1': duplicate id, first read at $T/d-a.jsonl:1;" "$T/err"
check "... integer 12345 and string \"12345\" are one id, reported" grep -q "warning: $T/d-b.jsonl:1: article '12345': duplicate id, first read at $T/d-a.jsonl:2;" "$T/err"
check "... counted in the summary" [ "$(jfield "$T/js" duplicates)" = 2 ]
check "... the first copy wins" bash -c "'$Q' -d '$DB' -n 1 hérissons >/dev/null && ! '$Q' -d '$DB' -n 1 marmottes >/dev/null 2>&1 && '$Q' -d '$DB' -n 1 loutres >/dev/null && ! '$Q' -d '$DB' -n 1 castors >/dev/null 2>&1"
rev=$(revision "$DB")
"$IDX" -d "$DB" --summary "$T/d-a.jsonl" "$T/d-b.jsonl" >"$T/out" 2>/dev/null
check "... a re-run commits nothing ($(cat "$T/out"))" bash -c "[ '$(revision "$DB")' = '$rev' ] && grep -q '^added 0, updated 0, unchanged 2' '$T/out'"
"$IDX" -d "$T/dups-r" --rebuild --jobs 2 "$T/d-a.jsonl" "$T/d-b.jsonl" 2>/dev/null
check "... --rebuild keeps the same copies" [ "$(fingerprint "$T/dups-r")" = "$(fingerprint "$DB")" ]

# --- every run writes its summary: locked, compaction, usage -----------------
DB=$(copy summ)
(sleep 6; cat "$T/some.jsonl") | "$IDX" -d "$DB" - &
holder=$!
sleep 1
"$IDX" -d "$DB" --json-summary --summary "$T/some.jsonl" >"$T/js" 2>"$T/err"; rc=$?
check "a locked run: exit 5 ($rc)" [ $rc -eq 5 ]
check "... writes its JSON summary, status locked ($(cat "$T/js"))" bash -c "[ '$(jfield "$T/js" status)' = locked ] && [ '$(jfield "$T/js" exit_code)' = 5 ] && grep -q 'being written by another indexer' '$T/js'"
check "... and its text summary" grep -q "^added 0, .*; locked (exit 5)" "$T/js"
"$IDX" -d "$DB" --compact --json-summary >"$T/js" 2>"$T/err"; rc=$?
check "a locked --compact: exit 5 with its summary ($rc)" bash -c "[ $rc -eq 5 ] && [ '$(jfield "$T/js" status)' = locked ] && [ '$(jfield "$T/js" mode)' = compact ]"
wait $holder
"$IDX" -d "$DB" --compact --json-summary >"$T/js" 2>"$T/err"; rc=$?
check "--compact writes its JSON summary ($rc: $(cat "$T/js"))" bash -c "[ $rc -eq 0 ] && [ '$(jfield "$T/js" status)' = ok ] && [ '$(jfield "$T/js" mode)' = compact ] && [ '$(jfield "$T/js" index_bytes)' -gt 0 ]"
"$IDX" -d "$DB" --json-summary --delete feed-000001 >"$T/js"; rc=$?
check "--delete writes its JSON summary ($rc)" bash -c "[ $rc -eq 0 ] && [ '$(jfield "$T/js" deleted)' = 1 ]"
"$IDX" -d "$DB" --json-summary --bogus "$T/some.jsonl" >"$T/js" 2>/dev/null; rc=$?
check "a usage error: exit 2, and a summary still ($rc)" bash -c "[ $rc -eq 2 ] && [ '$(jfield "$T/js" status)' = usage ]"

# --- a full disk during --rebuild says so --------------------------------------
# a real ENOSPC: a small tmpfs in a private mount namespace (as root, or in
# a user namespace otherwise)
mkdir -p "$T/small"
python3 tests/cli/mkarticles.py 1500 3 full >"$T/big.jsonl"
unshare -rm sh -c 'mount -t tmpfs -o size=1m tmpfs "$1" && "$2" -d "$1/db" --rebuild --jobs 2 --json-summary "$3"' sh "$T/small" "$IDX" "$T/big.jsonl" >"$T/js" 2>"$T/err"; rc=$?
if grep -q "unshare:\|mount:" "$T/err"; then
    ko "cannot mount a small tmpfs for the full-disk test: $(head -2 "$T/err")"
else
    check "full disk during --rebuild: exit 4 ($rc)" [ $rc -eq 4 ]
    check "... says no space left on device ($(head -c 300 "$T/err"))" grep -q "error: .*No space left on device" "$T/err"
    check "... and so does its summary ($(cat "$T/js"))" bash -c "grep -q '\"error\":\".*No space left on device' '$T/js'"
fi

# a full disk under the log: said on stderr, not lost
mkdir -p "$T/fulllog"
unshare -rm sh -c 'mount -t tmpfs -o size=64k tmpfs "$1" && { head -c 70000 /dev/zero >"$1/fill"; "$2" -d "$3" --log "$1/log" "$4"; }' sh "$T/fulllog" "$IDX" "$T/logdb" "$T/vanished.jsonl" 2>"$T/err"; rc=$?
check "a full disk under --log: said on stderr ($rc: $(cat "$T/err"))" bash -c "[ $rc -eq 4 ] && grep -q 'warning: cannot write to the log $T/fulllog/log: No space left on device' '$T/err'"

# --- schema 2: an older database is refused with the command that rebuilds it
DB=$(copy old)
xapian-metadata set "$DB" frs.schema 1
"$IDX" -d "$DB" "$T/some.jsonl" 2>"$T/err"; rc=$?
check "schema 1 database: indexer exits 3 ($rc)" [ $rc -eq 3 ]
check "... and gives the command that rebuilds it" grep -q "rebuild it from its inputs with 'indexer -d $DB --rebuild INPUT...'" "$T/err"
"$Q" -d "$DB" castor >/dev/null 2>"$T/err"; rc=$?
check "schema 1 database: query exits 3 with the same command ($rc)" bash -c "[ $rc -eq 3 ] && grep -q \"indexer -d $DB --rebuild INPUT...\" '$T/err'"
"$IDX" -d "$DB" --rebuild "$T/feed.jsonl"; rc=$?
check "... which works ($rc)" bash -c "[ $rc -eq 0 ] && [ \"\$(xapian-metadata get '$DB' frs.schema)\" = 2 ] && [ '$(articles "$DB")' = $N ]"
h=$(xapian-delve -V3 -1 "$DB" 2>/dev/null | sed -n 2p | cut -d: -f2)
check "the content hash is 128 bits, 32 hex digits ($h)" bash -c "[[ '$h' =~ ^[0-9a-f]{32}$ ]]"

# --- a --rebuild never deletes what it did not create -------------------------
DB=$(copy y)
mkdir -p "$DB.rebuild"
echo "someone's own work" >"$DB.rebuild/precious.txt"
"$IDX" -d "$DB" --rebuild --json-summary "$T/feed.jsonl" >"$T/js" 2>"$T/err"; rc=$?
check "a foreign DBDIR.rebuild: exit 4 ($rc)" [ $rc -eq 4 ]
check "... named in the message" grep -q "error: $DB.rebuild exists and was not made by this indexer" "$T/err"
check "... left alone" grep -q "someone's own work" "$DB.rebuild/precious.txt"
check "... and the live index too" [ "$(articles "$DB")" = $N ]
mkdir -p "$DB.compact" && echo "mine" >"$DB.compact/precious.txt"
"$IDX" -d "$DB" --compact 2>"$T/err"; rc=$?
check "a foreign DBDIR.compact: exit 4, named, left alone ($rc)" bash -c "[ $rc -eq 4 ] && grep -q '$DB.compact exists and was not made by this indexer' '$T/err' && [ -e '$DB.compact/precious.txt' ]"
rm -rf "$DB.rebuild" "$DB.compact"
# one left by a killed run of ours is removed and rebuilt
"$IDX" -d "$DB" --rebuild --jobs 1 "$T/big.jsonl" &
pid=$!
for _ in $(seq 1 500); do [ -e "$DB.rebuild.part-0.0" ] && break; sleep 0.01; done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
check "a killed --rebuild leaves its marked work directory" [ -e "$DB.rebuild/.frs-work" ]
"$IDX" -d "$DB" --rebuild "$T/feed.jsonl" 2>"$T/err"; rc=$?
check "... which the next --rebuild removes and rebuilds ($rc: $(cat "$T/err"))" bash -c "[ $rc -eq 0 ] && [ ! -e '$DB.rebuild' ] && [ '$(articles "$DB")' = $N ]"
check "... no marker left in the live index" [ ! -e "$DB/.frs-work" ]

finish feeds
