#!/usr/bin/python3
"""make_queries.py: a seeded, deterministic known-item query set.

For each item, pick an article, a paragraph of it, and 2 to 4 informative
words of that paragraph (the way a person remembers a passage: a few content
words, rarer words more likely, in the order they were read), then write
three queries whose one relevant answer is the article:

  exact       the words as written (lower case, accents kept)
  noaccent    the same words typed without accents (é -> e, œ -> oe)
  inflection  the words as written, one of them replaced by another
              inflection of it (plural/singular, feminine/masculine, another
              conjugated form) that occurs elsewhere in the collection but not
              in the target article

Only items for which all three kinds exist are kept (at least one word has a
diacritic, at least one has another inflection in the collection), so the
three kinds are paired: same items, same targets.

Inflections come from French morphology rules written here (noun and
adjective number and gender, first- and second-group verb endings), checked
against the collection's vocabulary, and are independent of the Snowball
stemmer the engines use, so the set does not favour one stemmer's choices.

Words: letters only (no digits, no hyphen, slash, dot or underscore inside,
which leaves out commands, paths and package names), at least 4 letters, not
a function word, and found in at most MAX_DF_FRAC of the articles.

    /usr/bin/python3 eval/make_queries.py COLLECTION.jsonl --seed N \\
        [--items N] --out QUERIES.tsv

QUERIES.tsv: qid<TAB>kind<TAB>target article id<TAB>query, one a line, with
a header line.  Same collection + seed + items -> byte-identical output.
"""
import argparse
import collections
import json
import math
import random
import re
import sys
import unicodedata

MAX_DF_FRAC = 0.10
MIN_PARA_WORDS = 25
MIN_WORD_LEN = 4

# French function words and very common verbs/adverbs (accents kept), plus
# English function words (the books quote English now and then).
STOP = set("""
a à ai aie aient aies ait alors as au aucun aucune aussi autre autres aux
avaient avais avait avant avec avez aviez avions avoir avons ayant bien
bon c ça car ce ceci cela celle celles celui cependant certains certaines ces
cet cette ceux chaque chez ci comme comment d dans de déjà depuis des dès
donc dont du elle elles en encore entre es est et étaient étais était étant
été êtes étions être eu eux faire fait faut il ils j je jusqu l la là le les
leur leurs lors lorsqu lorsque lui m ma mais me même mêmes mes moi moins mon
n ne ni non nos notre nous on ont ou où par parce pas peu peut peuvent plus
pour pourquoi pourra puis puisque qu quand que quel quelle quelles quels
qui quoi s sa sans se sera seront ses si sinon soi soit son sont sous
souvent sur t ta te tel telle tels telles tes toi ton toujours tous tout
toute toutes très tu un une vers voici voilà vos votre vous y afin ainsi
après assez autant beaucoup celle-ci doit doivent donc dont exemple fois
ici mieux partir permet permettent plusieurs possible quelque quelques
selon tandis tant trop vraiment également ensuite enfin lequel laquelle
lesquels lesquelles auquel duquel dessus dessous devant derrière cas
the and of to is in that for this with are be it by which can on as an or
not will from its their these has have you your was were would should into
than then there when also been such
""".split())

LETTERS = re.compile(r"^[^\W\d_]+$")
ELISION = re.compile(r"^(?:[ldjmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['’]",
                     re.IGNORECASE)
STRIP = "«»“”\"'’()[]{}<>,.;:!?…–—-*/"


def clean_words(text):
    """The paragraph's words that a person could type: letters only."""
    out = []
    for tok in text.split():
        t = tok.strip(STRIP)
        t = ELISION.sub("", t)
        if t and LETTERS.match(t):
            out.append(t.lower())
    return out


def fold(w):
    """Typed without accents: é -> e, ç -> c, œ -> oe, æ -> ae."""
    w = w.replace("œ", "oe").replace("æ", "ae")
    d = unicodedata.normalize("NFD", w)
    return "".join(c for c in d if unicodedata.category(c) != "Mn")


# ---- inflections, by rule --------------------------------------------------

# noun/adjective endings: each group is a set of endings of one paradigm
NOMINAL = [
    ("al", "aux", "ale", "ales", "als"),
    ("ail", "aux", "ails"),
    ("eau", "eaux"),
    ("eu", "eux"),
    ("if", "ifs", "ive", "ives"),
    ("eux", "euse", "euses"),
    ("er", "ers", "ère", "ères"),
    ("ien", "iens", "ienne", "iennes"),
    ("on", "ons", "onne", "onnes"),
    ("el", "els", "elle", "elles"),
    ("et", "ets", "ette", "ettes"),
    ("teur", "teurs", "trice", "trices"),
    ("eur", "eurs", "euse", "euses"),
    ("", "s", "e", "es"),
]
# verb endings: first group (-er) and second group (-ir, -iss-)
VERB1_SRC = ("er", "é", "ée", "és", "ées", "ons", "ez", "ait", "aient",
             "era", "eront", "erait", "eraient", "èrent", "ions", "iez")
VERB1_DST = VERB1_SRC + ("e", "es", "ent")
VERB2_SRC = ("ir", "issent", "issait", "issaient", "issons", "issez")
VERB2_DST = VERB2_SRC + ("i", "ie", "ies", "is", "it")


def inflections(w):
    """Candidate other inflections of w (not checked against anything)."""
    out = set()
    for group in NOMINAL:
        for e in group:
            if w.endswith(e) and len(w) - len(e) >= 3:
                base = w[:len(w) - len(e)] if e else w
                for e2 in group:
                    out.add(base + e2)
    for src, dst in ((VERB1_SRC, VERB1_DST), (VERB2_SRC, VERB2_DST)):
        for e in src:
            if w.endswith(e) and len(w) - len(e) >= 3:
                base = w[:-len(e)]
                for e2 in dst:
                    out.add(base + e2)
    out.discard(w)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("collection")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--items", type=int, default=600)
    ap.add_argument("--out", required=True)
    ap.add_argument("--title-words", action="store_true",
                    help="draw one of the words from the article title "
                    "(a check on title weighting; not the standard set)")
    args = ap.parse_args()

    arts = []
    with open(args.collection, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                a = json.loads(line)
                paras = [clean_words(p) for p in a["body"].split("\n\n")]
                arts.append((a["id"], paras, clean_words(a.get("title", ""))))
    n = len(arts)
    df = collections.Counter()
    art_vocab = []
    for _, paras, title in arts:
        v = set(w for p in paras + [title] for w in p)
        art_vocab.append(v)
        df.update(v)
    max_df = max(2, int(MAX_DF_FRAC * n))

    def informative(w):
        return (len(w) >= MIN_WORD_LEN and w not in STOP and
                df[w] <= max_df)

    rng = random.Random(args.seed)
    order = list(range(n))
    rng.shuffle(order)
    items = []
    stats = collections.Counter()
    for ai in order:
        if len(items) >= args.items:
            break
        aid, paras, title = arts[ai]
        cands_p = [p for p in paras if len(p) >= MIN_PARA_WORDS]
        if not cands_p:
            stats["no long paragraph"] += 1
            continue
        para = rng.choice(cands_p)
        # distinct informative words, in reading order
        seen, words = set(), []
        for w in para:
            if informative(w) and w not in seen:
                seen.add(w)
                words.append(w)
        k = rng.choice((2, 3, 4))
        tw = []
        if args.title_words:
            tw = sorted(set(w for w in title if informative(w)))
            if not tw:
                stats["no title word"] += 1
                continue
            words = [w for w in words if w not in tw]
            k -= 1
        if len(words) < k:
            stats["too few words"] += 1
            continue
        ok = False
        for _attempt in range(20):
            weights = [math.log(n / df[w]) + 0.1 for w in words]
            pick = set()
            while len(pick) < k:
                pick.add(rng.choices(range(len(words)), weights)[0])
            chosen = [words[i] for i in sorted(pick)]
            if tw:
                chosen = [rng.choice(tw)] + chosen
            # no two forms of one word (e.g. paquet and paquets)
            if any(b in inflections(a) for a in chosen for b in chosen
                   if a != b):
                continue
            if all(fold(w) == w for w in chosen):
                continue
            # words that have another inflection in the collection, absent
            # from the target article
            infl = []
            for i, w in enumerate(chosen):
                vs = sorted(v for v in inflections(w)
                            if df[v] > 0 and v not in art_vocab[ai])
                if vs:
                    infl.append((i, vs))
            if not infl:
                continue
            ok = True
            break
        if not ok:
            stats["no accented+inflectable word set"] += 1
            continue
        i, vs = rng.choice(infl)
        variant = rng.choice(vs)
        inflected = list(chosen)
        inflected[i] = variant
        items.append((aid, chosen, inflected))
        stats["items"] += 1

    if len(items) < args.items:
        print(f"make_queries: only {len(items)} items could be made",
              file=sys.stderr)
    with open(args.out, "w", encoding="utf-8") as out:
        out.write("qid\tkind\ttarget\tquery\n")
        for j, (aid, chosen, inflected) in enumerate(items):
            q = {"exact": " ".join(chosen),
                 "noaccent": " ".join(fold(w) for w in chosen),
                 "inflection": " ".join(inflected)}
            for kind in ("exact", "noaccent", "inflection"):
                out.write(f"{j:04d}-{kind}\t{kind}\t{aid}\t{q[kind]}\n")
    print(f"make_queries: seed {args.seed}: {len(items)} items, "
          f"{3 * len(items)} queries from {n} articles "
          f"({', '.join(f'{k}: {v}' for k, v in sorted(stats.items()))})",
          file=sys.stderr)


if __name__ == "__main__":
    main()
