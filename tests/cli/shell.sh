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

# --- articles by default: one block per article, the other passages counted ----
DB="$T/corpus"
"$Q" -d "$DB" --color never -n 50 Marseille >"$T/art.txt"
qj Marseille >"$T/art.json"
check "text: one block per article, in the JSON's order" python3 -c '
import json,re,sys
d=json.load(open(sys.argv[1]))
blocks=open(sys.argv[2]).read().split("\n\n")
assert len(blocks) == len(d["hits"]) == 5, (len(blocks), len(d["hits"]))
for b, h in zip(blocks, d["hits"]):
    head, where = b.split("\n")[:2]
    assert h["title"] in head and h["article_id"] in where, (b, h["article_id"])
    others = h["matching_passages"] - 1
    m = re.search(r"\+ (\d+) autres? passages?$", where)
    assert (int(m.group(1)) if m else 0) == others, (where, others)
assert any(h["matching_passages"] > 1 for h in d["hits"])' "$T/art.json" "$T/art.txt"
check "text: « + 1 autre passage » in the singular" grep -q '| + 1 autre passage$' "$T/art.txt"
n=$("$Q" -d "$DB" --color never -n 50 --passages Marseille | grep -c '^ *[0-9]*\. ')
check "--passages lists every matching passage (8 for Marseille: $n)" [ "$n" -eq 8 ]
check "--articles is the default" cmp -s "$T/art.txt" <("$Q" -d "$DB" --color never -n 50 --articles Marseille)
printf 'm\tMarseille\n' | "$Q" -d "$DB" --batch -n 50 >"$T/trec"
check "--batch: one TREC line per article by default, plain docids" bash -c "[ \$(wc -l <'$T/trec') -eq 5 ] && ! grep -q '#' '$T/trec' && [ \$(cut -d' ' -f3 '$T/trec' | sort -u | wc -l) -eq 5 ]"
printf 'm\tMarseille\n' | "$Q" -d "$DB" --batch --passages -n 50 >"$T/trecp"
check "--batch --passages: docid#passage, one line per passage" bash -c "[ \$(grep -c ' [0-9a-z-]*#[0-9]* ' '$T/trecp') -eq 8 ]"

# --- « Vouliez-vous dire » in the shell, the server's suggestion -----------------
"$Q" -d "$DB" eglize >"$T/out" 2>"$T/err"; rc=$?
check "eglize finds nothing (exit $rc)" [ $rc -eq 1 ]
check "eglize: « Vouliez-vous dire : église ? » ($(cat "$T/err"))" grep -qx 'Vouliez-vous dire : église ?' "$T/err"
"$Q" -d "$DB" --no-suggest eglize >/dev/null 2>"$T/err"
check "--no-suggest: no suggestion" bash -c "! grep -q Vouliez '$T/err'"
"$Q" -d "$DB" 'vélo OR trian' >/dev/null 2>"$T/err"
check "few hits: a suggestion too, operators kept ($(cat "$T/err"))" grep -qx 'Vouliez-vous dire : vélo OR train ?' "$T/err"
"$Q" -d "$DB" église >/dev/null 2>"$T/err"
check "a known word gets no suggestion" bash -c "! grep -q Vouliez '$T/err'"
sug() { python3 -c 'import json,sys; print(json.load(sys.stdin)["suggestion"])'; }
check "--json: suggestion église" [ "$("$Q" -d "$DB" --json eglize | sug)" = église ]
check "--json: suggestion null for a known word" [ "$("$Q" -d "$DB" --json église | sug)" = None ]
check "--json --no-suggest: suggestion null" [ "$("$Q" -d "$DB" --json --no-suggest eglize | sug)" = None ]
check "a prefix is not corrected (eglize*)" [ "$("$Q" -d "$DB" --json 'eglize*' | sug)" = None ]
check "an excluded word is not corrected (vélo -eglize)" [ "$("$Q" -d "$DB" --json 'vélo -eglize' | sug)" = None ]
if start_server "$T/srv.err" -d "$DB"; then
    for q in eglize 'vélo%20OR%20trian' '%22Tour%20de%20Frnce%22'; do
        srv=$(curl -s --max-time 10 "http://127.0.0.1:$PORT/search?q=$q" | sug)
        sh=$("$Q" -d "$DB" --json "$(python3 -c 'import sys,urllib.parse; print(urllib.parse.unquote(sys.argv[1]))' "$q")" | sug)
        check "the shell and /search suggest the same for $q ($sh, $srv)" [ "$sh" = "$srv" -a "$sh" != None ]
    done
    code=$(curl -s -o "$T/bad.json" -w '%{http_code}' --max-time 10 "http://127.0.0.1:$PORT/search?q=girafe&from=2023-02-30")
    check "/search?from=2023-02-30 is refused with 400 ($code)" [ "$code" = 400 ]
    check "… saying it is not a calendar date ($(cat "$T/bad.json"))" grep -q 'calendar date' "$T/bad.json"
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$PORT/search?q=girafe&from=2024-02-29")
    check "/search?from=2024-02-29 is a date ($code)" [ "$code" = 200 ]
    kill $SPID; wait $SPID 2>/dev/null
else
    ko "the server did not start: $(cat "$T/srv.err")"
fi

# --- titles: highlighted, and a hit found by its title only says so --------------
qj 'title:église' >"$T/t.json"
check "title_snippet marks the title's match" python3 -c '
import json,sys
h=json.load(open(sys.argv[1]))["hits"]
assert h and h[0]["title_snippet"] == "Montvallon : l’<mark>Église</mark> Saint-Martin retrouve son clocher", h' "$T/t.json"
check "title:église: found by its title only (title_only)" python3 -c '
import json,sys
h=json.load(open(sys.argv[1]))["hits"]
assert h and all(x.get("title_only") is True for x in h), h' "$T/t.json"
check "text: « trouvé par le titre seul »" grep -q '| trouvé par le titre seul$' <("$Q" -d "$DB" --color never 'title:église')
check "a body match is not « par le titre seul »" bash -c "! '$Q' -d '$DB' --color never église | grep -q 'titre seul'"
check "colour: the title's match is marked" grep -q $'\e\[1;31mÉglise' <("$Q" -d "$DB" --color always église)
check "title_snippet escapes HTML like the snippet" python3 -c '
import json,sys
h=json.load(sys.stdin)["hits"]
assert h and all("title_snippet" in x for x in h), h' < <(qj Marseille)

# --- names and details -------------------------------------------------------------
cp "$Q" "$T/frs-query"
check "--help names the program as invoked" grep -q '^Usage: frs-query -d DBDIR' <("$T/frs-query" --help)
"$T/frs-query" église 2>"$T/err"; rc=$?
check "messages name the program as invoked (exit $rc: $(cat "$T/err"))" [ $rc -eq 2 -a "$(head -1 "$T/err")" = "frs-query: missing -d DBDIR" ]
check "Try '… --help' names it too" grep -qx "Try 'frs-query --help'." "$T/err"
check "--version names it" grep -q '^frs-query (frs) ' <("$T/frs-query" --version)
"$T/frs-query" -d "$DB" --bogus x 2>"$T/err"; rc=$?
check "an unknown option is named (exit $rc: $(cat "$T/err"))" [ $rc -eq 2 -a "$(head -1 "$T/err")" = "frs-query: unknown option '--bogus'" ]
"$T/frs-query" -d "$T/missing" --check 2>"$T/err"; rc=$?
check "--check messages name it (exit $rc: $(cat "$T/err"))" [ $rc -eq 4 ] && check "… frs-query:" grep -q '^frs-query: ' "$T/err"
"$T/frs-query" -d "$DB" --serve --listen 999.1.1.1:1 2>"$T/err"; rc=$?
check "--serve messages name it (exit $rc: $(cat "$T/err"))" [ $rc -eq 2 ] && check "… frs-query: invalid listen address" grep -q "^frs-query: invalid listen address" "$T/err"
n=$("$Q" -d "$DB" -n 0 Marseille); rc=$?
check "-n 0 prints only the count of matching articles ($n, exit $rc)" [ "$n" = 5 -a $rc -eq 0 ]
"$Q" -d "$DB" -n 0 zzzqqq >"$T/out" 2>&1; rc=$?
check "-n 0 with no match prints 0, exit 1 ($(cat "$T/out"), $rc)" [ "$(cat "$T/out")" = 0 -a $rc -eq 1 ]
"$Q" -d "$DB" --json -n 0 Marseille >/dev/null; rc=$?
check "--json -n 0: exit 0 when something matches ($rc)" [ $rc -eq 0 ]
"$Q" -d "$DB" --json --explain Marseille >"$T/num.json"
check "JSON numbers: scores with at most 4 decimals, times 3, explain 6" python3 -c '
import re,sys
t=open(sys.argv[1]).read()
def decimals(key):
    return [len(m) for m in re.findall(r"\"%s\": -?[0-9]+\.([0-9]+)" % key, t)]
assert decimals("score") and max(decimals("score")) <= 4, decimals("score")
assert max(decimals("took_ms")) <= 3, decimals("took_ms")
assert max(decimals("idf")) <= 6, decimals("idf")
assert not re.search(r"[0-9]\.[0-9]{7,}", t)' "$T/num.json"
check "--batch --json: scores with at most 4 decimals" bash -c "printf 'm\tMarseille\n' | '$Q' -d '$DB' --batch --json | python3 -c 'import re,sys; t=sys.stdin.read(); assert \"score\" in t and not re.search(r\"[0-9]\.[0-9]{5,}\", t), t'"
"$Q" --help >"$T/help"
check "--help has a Query syntax section with the operators and prefixes" bash -c "grep -qx 'Query syntax:' '$T/help' && grep -q 'OR' '$T/help' && grep -q 'vél\*' '$T/help'"
for e in 0 1 2 3 4 5; do
    check "--help explains exit status $e" grep -q "$e [a-z(]" <(sed -n '/^Exit status/,$p' "$T/help")
done

# --- the demo indexes each article once ---------------------------------------------
tests/demo.sh "$BIN" >"$T/demo.out" 2>&1; rc=$?
check "make demo's script runs (exit $rc)" [ $rc -eq 0 ]
check "the demo indexes the 48 articles once each" python3 -c '
import json,sys
d=json.load(sys.stdin)
assert d["ok"] and d["articles"] == 48 and d["duplicated_articles"] == 0, d' < <("$Q" -d "$BIN/demo-db" --check --json)
dup=$(grep -E '^ *[0-9]+\. ' "$T/demo.out" | sed 's/  ([0-9.]*)$//; s/^ *[0-9]*\. //' | awk 'BEGIN{q=0} {print}' | sort | uniq -d | head -3)
check "no title is shown twice by one demo query (dups: $dup)" python3 -c '
import re,sys
for part in open(sys.argv[1]).read().split("== query")[1:]:
    titles=[re.sub(r"  \([0-9.]+\)$","",l.split(". ",1)[1]) for l in part.split("\n") if re.match(r"^ *[0-9]+\. ", l)]
    assert len(titles) == len(set(titles)), titles' "$T/demo.out"
rm -rf "$BIN/demo-db"

# the README shows the default output as it is, on the bundled corpus
check "the README's excerpt of the default output is the real one" python3 -c '
import subprocess,sys
lines=open("README.md").read().split("\n")
for cmd in ("$ query -d news.db -n 2 \x27pomme de terre\x27", "$ query -d news.db -n 0 Marseille"):
    i=lines.index("    " + cmd)
    shown=[]
    for l in lines[i + 1:]:
        if l.startswith("    $") or not (l.startswith("    ") or l == ""):
            break
        shown.append(l[4:])
    while shown and shown[-1] == "":
        shown.pop()
    args=["-n", "2", "pomme de terre"] if "pomme" in cmd else ["-n", "0", "Marseille"]
    real=subprocess.run([sys.argv[1], "-d", sys.argv[2], "--color", "never"] + args,
                        capture_output=True, text=True).stdout.rstrip("\n").split("\n")
    assert shown == real, (shown, real)' "$Q" "$DB"

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
