#!/usr/bin/env bash
# Memcheck over the real binaries on corpus/: no leak, no error.
# Usage: tests/valgrind.sh BUILD_DIR
set -u
. "$(dirname "$0")/cli/lib.sh"
VG=(valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99
    --suppressions=tests/valgrind.supp)
vg() { # vg "description" command...: fails only on a valgrind finding
    local d=$1; shift
    "${VG[@]}" "$@" >/dev/null 2>"$T/vg"
    local rc=$?
    if [ $rc -eq 99 ]; then ko "$d: $(head -30 "$T/vg")"; else ok; fi
}
need corpus/articles.jsonl corpus/txt corpus/queries.tsv
DB="$T/db"
vg "indexer on the corpus" "$IDX" -d "$DB" corpus/articles.jsonl corpus/txt
vg "indexer re-run (unchanged)" "$IDX" -d "$DB" --summary corpus/articles.jsonl
printf '%s\n' '{"id":"x","body":' '{"id":"y","body":"caf\xe9"}' >"$T/bad.jsonl"
vg "indexer on bad input" "$IDX" -d "$DB" "$T/bad.jsonl"
vg "indexer --delete --prune" "$IDX" -d "$DB" --prune --delete 2021-agr-0001 corpus/articles.jsonl
vg "indexer --rebuild" "$IDX" -d "$DB" --rebuild corpus/articles.jsonl
vg "indexer --compact" "$IDX" -d "$DB" --compact
vg "query text with explain" "$Q" -d "$DB" --explain --color always 'église "pomme de terre" -vélo title:marseille'
vg "query --json --articles --from" "$Q" -d "$DB" --json --articles --from 2022-01-01 marseille
vg "query no match" "$Q" -d "$DB" zzzyyy
vg "query bad query" "$Q" -d "$DB" -- -seul
vg "query --batch" "$Q" -d "$DB" --batch --json <corpus/queries.tsv
vg "query --stats" "$Q" -d "$DB" --stats
vg "query --check" "$Q" -d "$DB" --check
vg "query on a missing database" "$Q" -d "$T/none" x
finish valgrind
