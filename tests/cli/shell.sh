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

# --- the query language ------------------------------------------------------
DB="$T/corpus"
"$IDX" -d "$DB" corpus/articles.jsonl
check "AND: both words (vélo AND Tour)" [ "$(found 'vélo AND Tour')" = "2023-spo-0009 " ]
check "NOT: vélo NOT cyclable is vélo -cyclable" [ "$(found 'vélo NOT cyclable')" = "$(found 'vélo -cyclable')" ]
check "NOT: vélo NOT cyclable excludes the cycle-lane article" [ "$(found 'vélo NOT cyclable')" = "2023-spo-0009 " ]
check "AND NOT is NOT" [ "$(found 'vélo AND NOT cyclable')" = "2023-spo-0009 " ]
both=$(comm -12 <(found 'vélo OR train' | tr ' ' '\n' | sort) <(found ville | tr ' ' '\n' | sort) | grep . | tr '\n' ' ')
check "parentheses: (vélo OR train) AND ville ($both)" [ "$(found '(vélo OR train) AND ville')" = "$both" ]
check "parentheses: some articles hold vélo or train, and ville" [ "$(found '(vélo OR train) AND ville' | wc -w)" -ge 2 ]
check "lower-case 'and' is a word, not an operator" [ "$(found 'vélo and Tour' | wc -w)" -gt 1 ]
"$Q" -d "$DB" --json --explain 'vélo OR train' >"$T/or.json"
check "OR is not looked up as a word" python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
terms={t["term"] for h in d["hits"] for t in h["explain"]["terms"]}
assert terms and not {"or","Zor"} & terms, terms' "$T/or.json"
check "title:(…) applies to the group" [ "$(found 'title:(église OR judo)')" = "2021-spo-0024 2022-cul-0002 " ]

# --- prefix search --------------------------------------------------------------
check "vél* finds vélo" [ "$(found 'vél*')" = "2023-spo-0009 2024-tra-0010 " ]
check "vél* marks vélo in the snippet" grep -q '<mark>vélo</mark>' <(qj 'vél*')
check "a prefix is accent- and case-free: VEL*" [ "$(found 'VEL*')" = "2023-spo-0009 2024-tra-0010 " ]
check "a prefix finds its passage, not only its title" python3 -c '
import json,sys
d=json.load(sys.stdin)
assert d["hits"] and all(h["passages"] >= 1 and "<mark>" in h["snippet"] for h in d["hits"]), d' < <(qj 'cyclab*')
"$Q" -d "$DB" 'a*' >/dev/null 2>"$T/err"; rc=$?
check "a prefix matching more than 200 words exits 2 ($rc)" [ $rc -eq 2 ]
check "the message names the prefix and the cap ($(cat "$T/err"))" grep -q "the prefix 'a\*' matches more than 200 words" "$T/err"

# --- spellings without hyphen or apostrophe ------------------------------------
check "weekend finds week-end" [ "$(found weekend)" = "$(found week-end)" ]
check "weekend finds the 3 articles with week-end" [ "$(found weekend)" = "2021-tra-0042 2022-cul-0002 2024-eco-0040 " ]
check "weekend marks week-end" grep -q '<mark>week-end</mark>' <(qj weekend)
check "aujourdhui finds aujourd’hui" [ "$(found aujourdhui)" = "$(found 'aujourd’hui')" ]
check "aujourdhui finds the 7 articles with aujourd’hui or aujourd'hui" [ "$(found aujourdhui | wc -w)" -eq 7 ]
check "prudhommes finds prud’hommes" [ "$(found prudhommes)" = "2023-jus-0026 " ]
check "saintmartin finds Saint-Martin" [ "$(found saintmartin | grep -c 2022-cul-0002)" -eq 1 ]

# --- a query of stop words -------------------------------------------------------
check "il y a is the phrase \"il y a\"" [ "$(found 'il y a')" = "$(found '"il y a"')" ]
check "il y a does not find every article with a" [ "$(found 'il y a' | wc -w)" -lt 10 ]
check "il y a marks the phrase only" python3 -c '
import json,re,sys
d=json.load(sys.stdin)
marks=[m for h in d["hits"] for m in re.findall("<mark>(.*?)</mark>", h["snippet"])]
assert marks and all(m.lower() == "il y a" for m in marks), marks' < <(qj 'il y a')

# --- highlights that mean what matched ---------------------------------------------
check "a phrase marks its occurrences only, not every de" python3 -c '
import json,re,sys
d=json.load(sys.stdin)
marks=[m for h in d["hits"] for m in re.findall("<mark>(.*?)</mark>", h["snippet"])]
assert marks and all(m == "Tour de France" for m in marks), marks' < <(qj '"Tour de France"')
check "c’est-à-dire marks the compound, not every est and à" python3 -c '
import json,re,sys
d=json.load(sys.stdin)
marks=[m for h in d["hits"] for m in re.findall("<mark>(.*?)</mark>", h["snippet"])]
assert marks and all(m == "est-à-dire" for m in marks), marks' < <(qj --snippet 0 'c’est-à-dire')

finish shell
