#!/usr/bin/env python3
"""smoke_check.py QUERY_BIN DBDIR QUERIES.tsv: the checks of eval/smoke.sh.

QUERIES.tsv is a make_queries.py file (every family and variant).  Adds two
single-word kinds that only the analyzer can answer: the other inflection
alone (absent from the target article by construction, so only its stem
can find it) and the first accented word of an item typed without its
accents.  Runs them all through QUERY_BIN --batch --json --articles and
checks MRR@10 against floors.  Standard library only (runs under any
python3).  Prints one line per check and "N passed, N failed"; exits 1 if
a check failed.
"""
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_queries as MQ  # noqa: E402

# Floors, well under the values measured when they were set (see
# docs/relevance.md, "Smoke test"); a broken analyzer lands far below.
FLOORS = {
    "variant exact": 0.75, "variant noaccent": 0.75,
    "variant inflection": 0.65, "all": 0.70,
    "family sentence": 0.70, "family paragraph": 0.70, "family span": 0.60,
    "family spread": 0.45, "family title": 0.60, "family long": 0.75,
    "inflection, word alone": 0.15, "noaccent, word alone": 0.45,
}
MAX_ACCENT_GAP = 0.05


def single_words(queries):
    """The two single-word kinds, from the items' variants."""
    items = {}
    for q in queries:
        items.setdefault(q["item"], {})[q["variant"]] = q
    out = []
    for item, d in sorted(items.items()):
        target = d["exact"]["target"]
        ex = d["exact"]["text"].split()
        for w, v in zip(ex, d["inflection"]["text"].split()):
            if w != v:
                out.append({"qid": item + "-infl1", "target": target,
                            "kinds": ["inflection, word alone"], "text": v})
        for w, v in zip(ex, d["noaccent"]["text"].split()):
            if w != v:
                out.append({"qid": item + "-noacc1", "target": target,
                            "kinds": ["noaccent, word alone"], "text": v})
                break
    return out


def run(query, db, queries):
    inp = "".join(f"{q['qid']}\t{q['text']}\n" for q in queries)
    r = subprocess.run([query, "-d", db, "--batch", "--json", "--articles",
                        "-n", "10"], input=inp, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode > 1:
        return None, f"query --batch exited {r.returncode}: " \
            f"{r.stderr.strip()}"
    runs = {}
    for line in r.stdout.splitlines():
        o = json.loads(line)
        runs[o["qid"]] = [h["article_id"] for h in o["hits"]]
    return runs, None


def main():
    query, db, qfile = sys.argv[1:4]
    queries = MQ.read(qfile)
    for q in queries:
        q["kinds"] = ["variant " + q["variant"], "family " + q["family"],
                      "all"]
    queries += single_words(queries)
    runs, err = run(query, db, queries)
    if err:
        print(f"FAIL: {err}\n0 passed, 1 failed")
        return 1
    acc = {}
    for q in queries:
        hits = runs.get(q["qid"], [])
        rr = (1.0 / (hits.index(q["target"]) + 1)
              if q["target"] in hits else 0.0)
        for k in q["kinds"]:
            acc.setdefault(k, []).append(rr)
    passed = failed = 0
    mrr = {k: sum(v) / len(v) for k, v in acc.items() if v}
    for k, floor in FLOORS.items():
        ok = mrr.get(k, 0.0) >= floor
        print(f"{'ok' if ok else 'FAIL'}: MRR@10 {k} = {mrr.get(k, 0.0):.3f}"
              f" ({len(acc.get(k, []))} queries, floor {floor})")
        passed += ok
        failed += not ok
    gap = abs(mrr.get("variant exact", 0.0) - mrr.get("variant noaccent",
                                                       0.0))
    ok = "variant exact" in mrr and gap <= MAX_ACCENT_GAP
    print(f"{'ok' if ok else 'FAIL'}: accents do not matter "
          f"(|MRR exact - MRR noaccent| = {gap:.3f}, at most "
          f"{MAX_ACCENT_GAP})")
    passed += ok
    failed += not ok
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
