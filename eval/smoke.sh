#!/usr/bin/env bash
# smoke.sh: a small, offline version of the relevance benchmark, for CI.
#
#   eval/smoke.sh [BUILDDIR]        (default build; e.g. build-san)
#
# Indexes the bundled corpus (corpus/articles.jsonl, 48 articles) with
# BUILDDIR/indexer, makes known-item queries of every family (sentence,
# paragraph, span, spread, title, long; up to 48 items each, all articles as
# targets, seed 7) x 3 variants (exact, noaccent, inflection) with
# eval/make_queries.py, adds two single-word kinds that only the analyzer
# can answer (the other inflection alone, which the target article does not
# contain, and an accented word typed without its accents), runs them all
# through BUILDDIR/query --batch --articles --json, and checks MRR@10 per
# variant, per family and per single-word kind against floors set well
# below the measured values (docs/relevance.md, "Smoke test"): no stemming
# sinks the inflection kinds, no accent folding the noaccent kinds, a
# broken tokenizer everything.  Needs only python3 (standard library) and
# the two binaries.
# Prints one line per check and "N passed, N failed"; exits 1 on a failure.
set -u
cd "$(dirname "$0")/.."
B=${1:-build}
PY=${PYTHON:-python3}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

fail() {
    echo "FAIL: $1"
    echo "0 passed, 1 failed"
    exit 1
}
[ -x "$B/indexer" ] && [ -x "$B/query" ] ||
    fail "$B/indexer or $B/query missing (run make)"
"$B/indexer" -d "$T/db" corpus/articles.jsonl || fail "indexing the corpus"
"$PY" eval/make_queries.py corpus/articles.jsonl --seed 7 --split all \
    --items 48 --out "$T/q.tsv" 2>/dev/null || fail "making the queries"
"$PY" eval/smoke_check.py "$B/query" "$T/db" "$T/q.tsv"
