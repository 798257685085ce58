#!/usr/bin/python3
"""tune.py: sweep frs's settings on the dev queries.

Measures frs with settings varied around a reference, on the `dev` split
only (dev articles, seed 1: never the held-out `make eval` set), and prints
for each setting the MRR@10 per query family (the mean over the
collections) and its paired difference to the reference with a 95 %
bootstrap confidence interval (the same stratified paired bootstrap as
run_eval.py).

The reference is frs with --frs-index-args and --frs-query-args (default:
none, the binaries' defaults).  Each sweep names one option and its values:

  --query NAME=V1,V2,...   an option of BIN/query (e.g. k1=0.1,0.3,1.2)
  --index NAME=V1,V2,...   an option of BIN/indexer (e.g. passage-min=0,120)

NAME is the option without its leading dashes; any option the binaries
accept can be swept, including future ones.  A value `_` leaves the option
out (the binary's default); `+` passes it as a flag without a value.  Each
option is varied alone around the reference (one at a time), or with
--grid over every combination; --descend instead runs coordinate descent
(each option in turn set to its best value for MRR@10 over everything,
until nothing changes, at most --rounds rounds).  An indexer setting is
indexed once and reused (build/eval/db/, keyed on the indexer binary and
its arguments), so query-time sweeps are fast.

    /usr/bin/python3 eval/tune.py --query k1=0.1,0.3,0.6,1.2 \\
        --query b=0.3,0.5,0.75 --index passage-min=0,60,120
    /usr/bin/python3 eval/tune.py --frs-query-args '--k1 0.3' --grid \\
        --query exact-boost=0.5,0.7 --query title-weight=0.3,0.5
    /usr/bin/python3 eval/tune.py --descend --query k1=0.1,0.3,1.2 ...

Every measurement is written to build/eval/tune.json (or --json).
"""
import argparse
import itertools
import json
import os
import shlex
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_eval as R  # noqa: E402


def parse_args_string(s):
    """'--k1 0.3 --flag --b=0.5' -> ordered [(name, value or None)]."""
    toks, out, i = shlex.split(s), [], 0
    while i < len(toks):
        t = toks[i]
        if not t.startswith("--"):
            sys.exit(f"tune: cannot read '{s}': '{t}' is not an option "
                     "(write options as --name VALUE)")
        if "=" in t:
            name, val = t[2:].split("=", 1)
            i += 1
        elif i + 1 < len(toks) and not toks[i + 1].startswith("--"):
            name, val = t[2:], toks[i + 1]
            i += 2
        else:
            name, val = t[2:], None
            i += 1
        out.append((name, val))
    return out


def render(opts):
    parts = []
    for name, val in opts:
        parts.append("--" + name)
        if val is not None:
            parts.append(val)
    return " ".join(shlex.quote(p) for p in parts)


def with_option(opts, name, val):
    """opts with option `name` set to val ('_': removed, '+': a flag),
    in its place if it was there, else last."""
    new = [] if val == "_" else [(name, None if val == "+" else val)]
    out, done = [], False
    for n, v in opts:
        if n == name:
            out += [] if done else new
            done = True
        else:
            out.append((n, v))
    return out if done else out + new


def parse_sweep(s, kind):
    if "=" not in s:
        sys.exit(f"tune: --{kind} {s}: expected NAME=V1,V2,...")
    name, vals = s.split("=", 1)
    name = name.lstrip("-")
    values = [v for v in vals.split(",") if v != ""]
    if not name or not values:
        sys.exit(f"tune: --{kind} {s}: expected NAME=V1,V2,...")
    return kind, name, values


class Setting:
    def __init__(self, index, query):
        self.index, self.query = index, query      # [(name, value)]

    def changed(self, kind, name, val):
        if kind == "index":
            return Setting(with_option(self.index, name, val), self.query)
        return Setting(self.index, with_option(self.query, name, val))

    def key(self):
        return (render(self.index), render(self.query))

    def label(self):
        i, q = self.key()
        parts = ([f"index [{i}]"] if i else []) + ([f"query [{q}]"] if q
                                                   else [])
        return " ".join(parts) or "defaults"


class Tuner:
    def __init__(self, args, cs, families):
        self.args, self.cs, self.families = args, cs, families
        self.bindir = os.path.abspath(args.bin)
        self.done = {}          # key -> (metrics, item rr)
        self.log = []

    def measure(self, st):
        """(metrics, item RRs) of a setting; None if frs failed on it."""
        k = st.key()
        if k not in self.done:
            timing = {}
            t = time.time()
            try:
                rk = R.frs_ranks(self.cs, self.bindir, k[0], k[1],
                                 self.args.workdir, timing)
            except R.FrsError as e:
                print(f"{st.label()}: failed: {e}", flush=True)
                self.done[k] = None
                self.log.append({"index_args": k[0], "query_args": k[1],
                                 "error": str(e)})
                return None
            m = R.metrics(rk, {c.name: c.queries for c in self.cs},
                          self.families)
            rr = R.item_rrs({"frs": rk}, self.cs)["frs"]
            self.done[k] = (m, rr)
            self.log.append({"index_args": k[0], "query_args": k[1],
                             "metrics": {"/".join(x): v
                                         for x, v in m.items()},
                             "seconds": time.time() - t})
        return self.done[k]

    def score(self, st):
        m = self.measure(st)
        return m[0][("all", "all", "all")]["mrr"] if m else -1.0

    def compare(self, st, ref):
        """Paired CIs of st minus ref, per family and overall."""
        rr = {"st": self.measure(st)[1], "ref": self.measure(ref)[1]}
        strata = sorted(rr["ref"])
        return R.paired_cis(rr, "st", ["ref"], strata)


def header(families, w):
    return (f"{'setting':<{w}}" + "".join(f"{f:>10}" for f in families)
            + f"{'all':>8}   diff to reference, all [95 % CI]")


def report(t, st, ref, w):
    if t.measure(st) is None or t.measure(ref) is None:
        return
    m = t.measure(st)[0]
    fams = t.families
    line = f"{st.label():<{w}}" + "".join(
        f"{m[('all', f, 'all')]['mrr']:>10.3f}" for f in fams)
    line += f"{m[('all', 'all', 'all')]['mrr']:>8.3f}"
    if st.key() == ref.key():
        print(line + "   (reference)", flush=True)
    else:
        ci = t.compare(st, ref)
        d = ci[("all", "all")]["ref"]
        print(line + f"   {d[0]:+.3f} [{d[1]:+.3f}, {d[2]:+.3f}]")
        print(f"{'  diff':<{w}}" + "".join(
            f"{ci[('all', f)]['ref'][0]:>+10.3f}" for f in fams),
            flush=True)
    if t.args.per_corpus:
        for c in t.cs:
            print(f"{'    ' + c.name:<{w}}" + "".join(
                f"{m[(c.name, f, 'all')]['mrr']:>10.3f}" for f in fams)
                + f"{m[(c.name, 'all', 'all')]['mrr']:>8.3f}", flush=True)


def sweeps_settings(ref, sweeps, grid):
    if grid:
        out = []
        for combo in itertools.product(*[[(k, n, v) for v in vals]
                                         for k, n, vals in sweeps]):
            st = ref
            for k, n, v in combo:
                st = st.changed(k, n, v)
            out.append(st)
        return out
    return [ref.changed(k, n, v) for k, n, vals in sweeps for v in vals]


def descend(t, ref, sweeps, rounds, w):
    best, score = ref, t.score(ref)
    for r in range(rounds):
        changed = False
        for k, n, vals in sweeps:
            print(f"-- round {r + 1}: {k} {n}", flush=True)
            for v in vals:
                st = best.changed(k, n, v)
                report(t, st, ref, w)
                if t.score(st) > score + 1e-9:
                    best, score, changed = st, t.score(st), True
        if not changed:
            break
    print(f"-- best: {best.label()}")
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    R.options(ap)
    ap.add_argument("--seed", type=int, default=R.SEEDS["dev"],
                    help="dev query seed (default 1)")
    ap.add_argument("--query", action="append", default=[],
                    metavar="NAME=V1,V2", help="sweep a BIN/query option")
    ap.add_argument("--index", action="append", default=[],
                    metavar="NAME=V1,V2", help="sweep a BIN/indexer option")
    ap.add_argument("--grid", action="store_true",
                    help="every combination instead of one at a time")
    ap.add_argument("--descend", action="store_true",
                    help="coordinate descent over the sweeps")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--baselines", default="",
                    help="baselines to print for comparison (e.g. "
                    "xapian-fold,fts5)")
    ap.add_argument("--per-corpus", action="store_true",
                    help="also print each collection's MRR@10")
    ap.add_argument("--json", help="log file (default build/eval/tune.json)")
    args = ap.parse_args()
    sweeps = ([parse_sweep(s, "query") for s in args.query] +
              [parse_sweep(s, "index") for s in args.index])
    t0 = time.time()
    cs, families = R.prepare(args, "dev", args.seed)
    t = Tuner(args, cs, families)
    ref = Setting(parse_args_string(args.frs_index_args),
                  parse_args_string(args.frs_query_args))
    print(f"dev split, seed {args.seed}; " + ", ".join(
        f"{c.name} {len(c.queries)} queries" for c in cs)
        + "; MRR@10 per family, mean over the collections")
    widest = ref
    for k, n, vals in sweeps:
        widest = widest.changed(k, n, max(vals, key=len))
    w = max(len(ref.label()), len(widest.label()), 12) + 2
    print(header(families, w))
    bl = R.parse_list(args.baselines, R.ENGINES, "baseline") \
        if args.baselines else []
    if bl:
        rk = R.evaluate(cs, [b for b in bl if b != "frs"], t.bindir, "",
                        "", args.workdir, {})
        for b, by in rk.items():
            m = R.metrics(by, {c.name: c.queries for c in cs}, families)
            print(f"{'[' + b + ']':<{w}}" + "".join(
                f"{m[('all', f, 'all')]['mrr']:>10.3f}" for f in families)
                + f"{m[('all', 'all', 'all')]['mrr']:>8.3f}")
    report(t, ref, ref, w)
    best = None
    if args.descend:
        best = descend(t, ref, sweeps, args.rounds, w)
    else:
        for st in sweeps_settings(ref, sweeps, args.grid):
            report(t, st, ref, w)
    out = args.json or os.path.join(args.workdir, "tune.json")
    with open(out, "w") as fh:
        json.dump({"split": "dev", "seed": args.seed,
                   "reference": list(ref.key()),
                   "best": list(best.key()) if best else None,
                   "log": t.log}, fh, indent=1)
    print(f"{len(t.log)} settings measured in {time.time() - t0:.0f} s; "
          f"log: {out}")


if __name__ == "__main__":
    main()
