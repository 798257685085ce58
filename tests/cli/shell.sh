#!/usr/bin/env bash
# End-to-end tests of searching from a shell (issue 16): the query language
# (OR AND NOT, parentheses, prefix*), spellings without hyphen or
# apostrophe, stop-word-only queries, honest highlights, plain text in its
# real shapes, calendar dates, and the man pages.  Real binaries, real
# on-disk databases.
# Usage: tests/cli/shell.sh BUILD_DIR
set -u
. "$(dirname "$0")/lib.sh"

# query in JSON, article hits; and the ids it finds, sorted, on one line
qj() { "$Q" -d "$DB" --json --articles -n 50 "$@"; }
found() { qj "$@" | ids | sort | tr '\n' ' '; }

# --- calendar dates: one check for the shell and the indexer ----------------
DB="$T/dates"
cat >"$T/dates.jsonl" <<'J'
{"id":"leap","date":"2024-02-29","body":"Un jour de plus pour la girafe du zoo."}
{"id":"nope","date":"2023-02-30","body":"Une date qui n'existe pas, et la girafe non plus."}
J
"$IDX" -d "$DB" "$T/dates.jsonl" 2>"$T/err"; rc=$?
check "an article dated 2023-02-30 is indexed, with a warning (exit $rc)" [ $rc -eq 0 ]
check "the warning names the file, the article and the date ($(cat "$T/err"))" grep -q "dates.jsonl:2: article 'nope': \"date\" \"2023-02-30\" is not a calendar date" "$T/err"
check "a leap day is a date: --from 2024-02-29 finds it" [ "$(found --from 2024-02-29 girafe)" = "leap " ]
check "the impossible date was dropped: the article has no date" [ "$(qj girafe | python3 -c 'import json,sys; print([h.get("date") for h in json.load(sys.stdin)["hits"] if h["article_id"]=="nope"])')" = "[None]" ]
for d in 2023-13-01 2023-02-30 2023-04-31 2100-02-29; do
    "$Q" -d "$DB" --from "$d" girafe >/dev/null 2>"$T/err"; rc=$?
    check "--from $d is refused with exit 2 ($rc)" [ $rc -eq 2 ]
    check "--from $d: the message names it ($(cat "$T/err"))" grep -q "$d: not a calendar date" "$T/err"
done
"$Q" -d "$DB" --to 2023-02-29 girafe >/dev/null 2>&1; rc=$?
check "--to 2023-02-29 is refused with exit 2 ($rc)" [ $rc -eq 2 ]

finish shell
