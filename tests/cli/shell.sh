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

# --- plain text in its real shapes -------------------------------------------------
mkdir -p "$T/txt"
# an editor's export: one paragraph per line, headings on lines of their
# own, Windows line endings and a byte order mark
python3 - "$T/txt/export.txt" <<'PY'
import sys
lines = [
    "Budget municipal : la piscine et les écoles d’abord",
    "Le conseil municipal de Villeneuve a voté mardi soir, après trois heures de débat et une suspension de séance, le budget de la ville pour l’année prochaine. Il prévoit une hausse de quatre pour cent de la taxe foncière, la première depuis dix ans, que la majorité juge indispensable et que l’opposition qualifie de brutale.",
    "Six écoles rénovées",
    "La plus grosse part des investissements ira aux écoles. Six groupes scolaires seront rénovés en trois ans, dont deux fermeront pendant une année entière ; leurs élèves seront accueillis dans des bâtiments modulaires installés sur le stade municipal. Les parents d’élèves, reçus en mairie la semaine dernière, réclament un calendrier précis des travaux.",
    "Une piscine attendue depuis dix ans",
    "La nouvelle piscine du quartier nord, promise depuis deux mandats, sera enfin construite. Son bassin olympique accueillera les clubs de natation, qui s’entraînent aujourd’hui dans la commune voisine, et les scolaires. Le chantier doit commencer au printemps et durer dix-huit mois, pour une ouverture espérée à la rentrée suivante.",
]
open(sys.argv[1], "wb").write(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")
PY
"$IDX" -d "$T/text" "$T/txt/export.txt" 2>"$T/err"; rc=$?
check "an exported text file is indexed (exit $rc: $(cat "$T/err"))" [ $rc -eq 0 ]
"$Q" -d "$T/text" --json --passages -n 20 --snippet 0 'piscine OR écoles OR budget' >"$T/p.json"
check "one paragraph per line: each heading starts a passage, with its paragraph" python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
snips=[h["snippet"].replace("<mark>","").replace("</mark>","") for h in d["hits"]]
for head, first in (("Six écoles rénovées", "La plus grosse part"),
                    ("Une piscine attendue depuis dix ans", "La nouvelle piscine")):
    holding=[s for s in snips if head in s]
    assert holding and all(s.startswith(head + " " + first) for s in holding), (head, snips)
assert all(s[0].isupper() for s in snips), snips' "$T/p.json"
check "the title has no carriage return" python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
assert d["hits"] and all(h["title"] == "Budget municipal : la piscine et les écoles d’abord" for h in d["hits"]), d' "$T/p.json"
# hard-wrapped text keeps its paragraphs whole
python3 - "$T/txt/wrapped.txt" <<'PY'
import sys, textwrap
para = ("Le conseil municipal de Villeneuve a voté mardi soir le budget de la ville "
        "pour l’année prochaine, après trois heures de débat, dans une salle comble "
        "où les habitants du quartier nord étaient venus défendre leur piscine.")
text = "Un budget voté\n\n" + "\n".join(textwrap.wrap(para, 70)) + "\n\n" + \
       "\n".join(textwrap.wrap("Les travaux de la piscine commenceront au printemps, selon la mairie, "
                               "qui promet une ouverture à la rentrée de l’année suivante.", 70)) + "\n"
open(sys.argv[1], "w").write(text)
PY
"$IDX" -d "$T/wrap" --passage-min 1 --passage-max 200 "$T/txt/wrapped.txt"
check "a hard-wrapped paragraph stays one passage" [ "$("$Q" -d "$T/wrap" --json --passages -n 20 'conseil OR piscine' | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["hits"]))')" -eq 2 ]
# Latin-1 is refused with the command that converts it
printf 'Le caf\xe9 du march\xe9\n\nIl ouvre \xe0 six heures, m\xeame le dimanche, pr\xe8s de l\x27\xe9glise.\n' >"$T/txt/latin1.txt"
"$IDX" -d "$T/l1" "$T/txt/latin1.txt" "$T/txt/wrapped.txt" 2>"$T/err"; rc=$?
check "a Latin-1 text is rejected, the rest indexed (exit $rc)" [ $rc -eq 1 ]
check "the message names the file and the iconv command ($(cat "$T/err"))" grep -qF "latin1.txt: article 'latin1.txt': not UTF-8: it reads as Latin-1 (6 bytes such as 0xE9 are not UTF-8); convert it: iconv -f latin1 -t utf-8 '$T/txt/latin1.txt' > '$T/txt/latin1.txt.utf8'" "$T/err"
cmd=$(sed -n 's/.*convert it: //p' "$T/err")
check "the command given converts it ($cmd)" bash -c "$cmd"
"$IDX" -d "$T/l1" "$T/txt/latin1.txt" 2>"$T/err"; rc=$?
check "converted, it is indexed (exit $rc)" [ $rc -eq 0 ]
check "converted, it is found: marché" [ "$("$Q" -d "$T/l1" --json marché | first_id)" = latin1.txt ]
# UTF-8 with one bad byte is still a warning
printf 'Le caf\xc3\xa9 du march\xc3\xa9\n\nIl ouvre \xc3\xa0 six heures, pr\xe8s de l\xe2\x80\x99\xc3\xa9glise, m\xc3\xaame le dimanche.\n' >"$T/txt/damaged.txt"
"$IDX" -d "$T/dmg" "$T/txt/damaged.txt" 2>"$T/err"; rc=$?
check "UTF-8 with a bad byte is indexed (exit $rc)" [ $rc -eq 0 ]
check "with a warning naming the file ($(cat "$T/err"))" grep -q "damaged.txt.*invalid UTF-8: 1 byte sequence replaced" "$T/err"

# --- man pages a sysadmin can trust, README tables that render ----------------------
for page in frs-query frs-indexer; do
    check "$page.1: mandoc -Tlint is clean ($(mandoc -Tlint docs/$page.1 2>&1 | head -3))" bash -c "[ -z \"\$(mandoc -Tlint docs/$page.1 2>&1)\" ]"
    MANWIDTH=200 man -l docs/$page.1 2>/dev/null | col -b >"$T/$page.txt"
    for sec in SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
        check "$page.1 has $sec" grep -q "^$sec\$" "$T/$page.txt"
    done
done
check "frs-query.1 documents NO_COLOR" grep -q "^ *NO_COLOR" "$T/frs-query.txt"
# the indexer's exit codes: one table (indexer/exitcodes.h), the same
# numbers in --help, frs-indexer(1)'s EXIT STATUS and README's table
check "indexer exit codes: exitcodes.h, --help, frs-indexer.1 and README agree" python3 - "$T/frs-indexer.txt" "$IDX" <<'PY'
import re, subprocess, sys
codes = sorted(int(n) for n in re.findall(r"INDEXER_EXIT_\w+ = (\d+)", open("indexer/exitcodes.h").read()))
assert codes == list(range(6)), codes
man = open(sys.argv[1]).read().split("\nEXIT STATUS\n", 1)[1].split("\nENVIRONMENT\n", 1)[0]
assert sorted(int(n) for n in re.findall(r"^ {7}(\d) {2,}\S", man, re.M)) == codes, man
readme = open("README.md").read()
table = readme[readme.index("| exit | meaning |"):].split("\n\n", 1)[0]
assert sorted(int(n) for n in re.findall(r"^\| (\d) \|", table, re.M)) == codes, table
help_ = subprocess.run([sys.argv[2], "--help"], capture_output=True, text=True).stdout
exit_part = help_.split("Exit status", 1)[1]
assert all(re.search(r"\b%d [a-z]" % c, exit_part) for c in codes), exit_part
PY
for prog in query:frs-query indexer:frs-indexer; do
    bin=${prog%%:*} page=${prog#*:}
    opts=$("$BIN/$bin" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
    missing=$(for o in $opts; do grep -q -- "$o" "$T/$page.txt" || echo "$o"; done | tr '\n' ' ')
    check "every option of $bin --help is in $page.1 (missing: $missing)" [ -z "$missing" ]
    # options named that neither program has (the query page names the
    # indexer's --rebuild; --articles is accepted, the default)
    stale=$(grep -o -- '--[a-z][a-z0-9-]*' "$T/$page.txt" | sort -u | while read -r o; do
        { "$IDX" --help; "$Q" --help; } | grep -q -- "$o" || echo "$o"; done | grep -v -- '^--articles$' | tr '\n' ' ')
    check "$page.1 names no option that does not exist (stale: $stale)" [ -z "$stale" ]
done
for e in $(seq 0 5); do
    check "frs-indexer.1 explains exit status $e" grep -q "^ *$e  *[A-Z]" "$T/frs-indexer.txt"
done
check "the README's tables have no blank line inside" python3 -c '
import sys
lines = open("README.md").read().split("\n")
bad = [i + 1 for i in range(1, len(lines) - 1)
       if not lines[i].strip() and lines[i - 1].startswith("|") and lines[i + 1].startswith("|")]
assert not bad, bad'

finish shell
