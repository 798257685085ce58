#!/usr/bin/env python3
"""smoke_check.py QUERY_BIN DBDIR QUERIES.tsv: the checks of eval/smoke.sh.

Standard library only (runs under any python3).  Prints one line per check
and "N passed, N failed"; exits 1 if a check failed.
"""
import json
import subprocess
import sys

# Floors, well under the values measured when they were set (see
# docs/relevance.md, "Smoke test"); a broken analyzer lands far below.
FLOORS = {"exact": 0.80, "noaccent": 0.80, "inflection": 0.65, "all": 0.78,
          "inflection, word alone": 0.15, "noaccent, word alone": 0.45}


def main():
    query, db, qfile = sys.argv[1:4]
    with open(qfile, encoding="utf-8") as fh:
        rows = [line.rstrip("\n").split("\t") for line in fh][1:]
    queries = [{"qid": r[0], "kind": r[1], "target": r[2], "text": r[3]}
               for r in rows]
    # Single words that need the analyzer: the other inflection alone
    # (absent from the target article by construction, so only its stem can
    # find it) and the first accented word typed without its accents.
    items = {}
    for q in queries:
        items.setdefault(q["qid"].split("-")[0], {})[q["kind"]] = q
    for i, d in sorted(items.items()):
        target = d["exact"]["target"]
        ex = d["exact"]["text"].split()
        for w, v in zip(ex, d["inflection"]["text"].split()):
            if w != v:
                queries.append({"qid": i + "-infl1", "target": target,
                                "kind": "inflection, word alone", "text": v})
        for w, v in zip(ex, d["noaccent"]["text"].split()):
            if w != v:
                queries.append({"qid": i + "-noacc1", "target": target,
                                "kind": "noaccent, word alone", "text": v})
                break
    inp = "".join(f"{q['qid']}\t{q['text']}\n" for q in queries)
    r = subprocess.run([query, "-d", db, "--batch", "--json", "--articles",
                        "-n", "10"], input=inp, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode > 1:
        print(f"FAIL: query --batch exited {r.returncode}: "
              f"{r.stderr.strip()}")
        print("0 passed, 1 failed")
        return 1
    runs = {}
    for line in r.stdout.splitlines():
        o = json.loads(line)
        runs[o["qid"]] = [h["article_id"] for h in o["hits"]]
    acc = {}
    for q in queries:
        hits = runs.get(q["qid"], [])
        rr = (1.0 / (hits.index(q["target"]) + 1)
              if q["target"] in hits else 0.0)
        kinds = (q["kind"],) if "alone" in q["kind"] else (q["kind"], "all")
        for k in kinds:
            acc.setdefault(k, []).append(rr)
    passed = failed = 0
    for k, floor in FLOORS.items():
        v = acc.get(k, [])
        mrr = sum(v) / len(v) if v else 0.0
        ok = len(v) > 0 and mrr >= floor
        print(f"{'ok' if ok else 'FAIL'}: MRR@10 {k} = {mrr:.3f} "
              f"({len(v)} queries, floor {floor})")
        passed += ok
        failed += not ok
    ea, na = acc.get("exact", []), acc.get("noaccent", [])
    gap = abs(sum(ea) - sum(na)) / max(len(ea), 1)
    ok = bool(ea) and gap <= 0.05
    print(f"{'ok' if ok else 'FAIL'}: accents do not matter "
          f"(|MRR exact - MRR noaccent| = {gap:.3f}, at most 0.05)")
    passed += ok
    failed += not ok
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
