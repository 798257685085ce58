#!/usr/bin/env bash
# The main job on the bundled corpus: index it, then search it.
# Usage: tests/demo.sh BUILD_DIR
set -eu
cd "$(dirname "$0")/.."
B=${1:-build} # relative to the tree, or absolute
DB="$B/demo-db"
rm -rf "$DB"
# corpus/articles.jsonl only: corpus/txt holds plain-text copies of 17 of
# its articles (under other ids), which would show each of them twice
echo "== indexing corpus/articles.jsonl into $DB"
"$B/indexer" -d "$DB" --summary corpus/articles.jsonl
for q in 'pomme de terre' 'eglise romane' '"Tour de France" vélo' 'coeur -santé' 'title:marseille'; do
    echo
    echo "== query -d $DB '$q' -n 3"
    "$B/query" -d "$DB" -n 3 "$q" || true
done
echo
echo "Try: $B/query -d $DB 'vos mots'   (see $B/query --help)"
