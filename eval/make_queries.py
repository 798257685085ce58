#!/usr/bin/python3
"""make_queries.py: seeded, deterministic known-item queries.

Each item is a target article and a few informative words drawn from it the
way a person remembers a text; its one relevant answer is the article.  The
words are drawn from the article's own text, with no regard to how an
engine splits it into passages.  Families (how the words are drawn):

  sentence   2-4 words from one sentence (of at least 8 words)
  paragraph  2-4 words from one paragraph (of at least 25 words)
  span       3-5 words from a window of 100-150 words, anywhere in the
             article (it may cross paragraph boundaries)
  spread     3-4 words from across the whole article (of at least 150
             words): one from each third, or each quarter
  title      2-3 words of the title (2 if it has only 2 informative words;
             titles with fewer are left out)
  long       6-10 words from a window of 140-160 words

Within a unit the words are distinct, rarer words more likely (weight
log(N/df) + 0.1), and kept in reading order.  Each item gives three
queries, its variants, paired on the same target:

  exact       the words as written (lower case, accents kept)
  noaccent    the same words typed without accents (é -> e, œ -> oe)
  inflection  the words as written, one of them replaced by another
              inflection of it (plural/singular, feminine/masculine, another
              conjugated form) that occurs elsewhere in the collection but
              not in the target article

An item is kept only if all three variants exist (a word has a diacritic,
a word has another inflection in the collection), so the variants are
paired.  Inflections come from French suffix rules written here, checked
against the collection's vocabulary, and are independent of the Snowball
stemmer the engines use.

Words: letters only (no digits, hyphen, slash, dot or underscore inside,
which leaves out commands, paths and package names), at least 4 letters,
not a function word, and found in at most MAX_DF_FRAC of the articles.

Splits: articles are split into two fixed halves by a hash of their id
(split_of): `dev` for tuning, `test` held out; `all` takes both (for the
small bundled corpus).  The split never depends on the seed, so dev and
test targets are disjoint whatever the seeds.

    /usr/bin/python3 eval/make_queries.py COLLECTION.jsonl --seed N \\
        [--split dev|test|all] [--items N] [--families F,...] --out Q.tsv

Q.tsv: a header, then qid<TAB>family<TAB>variant<TAB>target<TAB>query.
The qid is FAMILY-NNNN-VARIANT; FAMILY-NNNN names the item.  Same
collection + arguments -> byte-identical output.  Standard library only.
"""
import argparse
import collections
import hashlib
import json
import math
import random
import re
import sys
import unicodedata

MAX_DF_FRAC = 0.10
MIN_WORD_LEN = 4
ATTEMPTS = 20

FAMILIES = ("sentence", "paragraph", "span", "spread", "title", "long")
VARIANTS = ("exact", "noaccent", "inflection")
SPLITS = ("dev", "test", "all")

# family: (number of words, unit); the unit's sizes are in words
FAMILY_K = {"sentence": (2, 3, 4), "paragraph": (2, 3, 4),
            "span": (3, 4, 5), "spread": (3, 4), "title": (2, 3),
            "long": (6, 7, 8, 9, 10)}
MIN_SENTENCE = 8
MIN_PARAGRAPH = 25
SPAN = (100, 150)
LONG = (140, 160)
MIN_SPREAD = 150

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
ELISION = re.compile(r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['’]",
                     re.IGNORECASE)
STRIP = "«»“”\"'’()[]{}<>,.;:!?…–—-*/"
SENT_END = re.compile(r"[.!?…][»”\")\]]*$")


def clean_word(tok):
    """The word a person could type for a token, or None: letters only."""
    t = ELISION.sub("", tok.strip(STRIP))
    return t.lower() if t and LETTERS.match(t) else None


def clean_words(text):
    return [w for w in map(clean_word, text.split()) if w]


def fold(w):
    """Typed without accents: é -> e, ç -> c, œ -> oe, æ -> ae."""
    w = w.replace("œ", "oe").replace("æ", "ae")
    d = unicodedata.normalize("NFD", w)
    return "".join(c for c in d if unicodedata.category(c) != "Mn")


def split_of(aid):
    """'dev' or 'test': a fixed half of the articles, by a hash of the id."""
    h = hashlib.sha1(("frs-eval-split/" + str(aid)).encode()).digest()
    return "dev" if h[0] & 1 == 0 else "test"


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


# ---- the collection ---------------------------------------------------------

class Article:
    """An article as a stream of tokens (whitespace-separated, as written):
    words[i] is token i's typable word or None; paras and sents are the
    (start, end) token ranges of its paragraphs and sentences."""

    def __init__(self, a):
        self.id = a["id"]
        self.title = clean_words(a.get("title") or "")
        self.words, self.paras, self.sents = [], [], []
        for para in a["body"].split("\n\n"):
            toks = para.split()
            if not toks:
                continue
            start = s0 = len(self.words)
            for t in toks:
                self.words.append(clean_word(t))
                if SENT_END.search(t):
                    self.sents.append((s0, len(self.words)))
                    s0 = len(self.words)
            if s0 < len(self.words):
                self.sents.append((s0, len(self.words)))
            self.paras.append((start, len(self.words)))
        self.vocab = set(w for w in self.words if w) | set(self.title)


def load(path):
    arts = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                arts.append(Article(json.loads(line)))
    return arts


class Drawer:
    """Draws the items of one collection."""

    def __init__(self, arts):
        self.arts = arts
        self.n = len(arts)
        self.df = collections.Counter()
        for a in arts:
            self.df.update(a.vocab)
        self.max_df = max(2, int(MAX_DF_FRAC * self.n))

    def informative(self, w):
        return (w is not None and len(w) >= MIN_WORD_LEN and
                w not in STOP and self.df[w] <= self.max_df)

    def distinct(self, words):
        """The informative words of a token range, first occurrences, in
        reading order."""
        seen, out = set(), []
        for w in words:
            if self.informative(w) and w not in seen:
                seen.add(w)
                out.append(w)
        return out

    def weighted_pick(self, rng, words, k):
        """k distinct words of a list, rarer ones more likely, in order."""
        weights = [math.log(self.n / self.df[w]) + 0.1 for w in words]
        pick = set()
        while len(pick) < k:
            pick.add(rng.choices(range(len(words)), weights)[0])
        return [words[i] for i in sorted(pick)]

    def window(self, rng, a, lo, hi):
        """A random window of lo-hi tokens (shorter articles: none)."""
        size = rng.randint(lo, hi)
        if len(a.words) < lo:
            return None
        size = min(size, len(a.words))
        start = rng.randint(0, len(a.words) - size)
        return a.words[start:start + size]

    def draw_words(self, rng, a, family, k):
        """One draw of k words for a family, or None."""
        if family in ("sentence", "paragraph"):
            ranges, least = ((a.sents, MIN_SENTENCE) if family == "sentence"
                             else (a.paras, MIN_PARAGRAPH))
            units = [self.distinct(a.words[s:e]) for s, e in ranges
                     if e - s >= least]
            units = [u for u in units if len(u) >= k]
            if not units:
                return None
            return self.weighted_pick(rng, rng.choice(units), k)
        if family in ("span", "long"):
            w = self.window(rng, a, *(SPAN if family == "span" else LONG))
            u = self.distinct(w) if w else []
            return self.weighted_pick(rng, u, k) if len(u) >= k else None
        if family == "title":
            # as many as the title has, if fewer than k (but at least 2)
            u = self.distinct(a.title)
            k = min(k, len(u))
            return self.weighted_pick(rng, u, k) if k >= 2 else None
        if family == "spread":
            if len(a.words) < MIN_SPREAD:
                return None
            chosen = []
            for part in range(k):
                s = part * len(a.words) // k
                e = (part + 1) * len(a.words) // k
                u = [w for w in self.distinct(a.words[s:e])
                     if w not in chosen]
                if not u:
                    return None
                chosen += self.weighted_pick(rng, u, 1)
            return chosen
        raise ValueError(family)

    def item(self, rng, a, family):
        """(words, inflected words) for an article, or (None, reason)."""
        k = rng.choice(FAMILY_K[family])
        why = "no unit with enough words"
        for _attempt in range(ATTEMPTS):
            chosen = self.draw_words(rng, a, family, k)
            if chosen is None:
                if family in ("span", "long") and len(a.words) >= SPAN[0]:
                    continue        # another window may do
                return None, why
            # no two forms of one word (e.g. paquet and paquets)
            if any(b in inflections(x) for x in chosen for b in chosen
                   if x != b):
                why = "two forms of one word"
                continue
            if all(fold(w) == w for w in chosen):
                why = "no accented word"
                continue
            infl = []
            for i, w in enumerate(chosen):
                vs = sorted(v for v in inflections(w)
                            if self.df[v] > 0 and v not in a.vocab)
                if vs:
                    infl.append((i, vs))
            if not infl:
                why = "no other inflection"
                continue
            i, vs = rng.choice(infl)
            inflected = list(chosen)
            inflected[i] = rng.choice(vs)
            return chosen, inflected
        return None, why

    def family(self, family, targets, seed, items):
        """Up to `items` items of a family, one per target article at most,
        the articles taken in a seeded order."""
        rng = random.Random(f"{seed}/{family}")
        order = list(targets)
        rng.shuffle(order)
        out, stats = [], collections.Counter()
        for a in order:
            if len(out) >= items:
                break
            chosen, inflected = self.item(rng, a, family)
            if chosen is None:
                stats[inflected] += 1
                continue
            out.append((a.id, chosen, inflected))
        return out, stats


def queries(arts, seed, split="test", items=300, families=FAMILIES):
    """[{qid, item, family, variant, target, text}] and per-family notes."""
    d = Drawer(arts)
    targets = [a for a in arts if split == "all" or split_of(a.id) == split]
    qs, notes = [], {}
    for fam in families:
        got, stats = d.family(fam, targets, seed, items)
        notes[fam] = {"items": len(got), "skipped": dict(stats)}
        for j, (aid, chosen, inflected) in enumerate(got):
            text = {"exact": " ".join(chosen),
                    "noaccent": " ".join(fold(w) for w in chosen),
                    "inflection": " ".join(inflected)}
            item = f"{fam}-{j:04d}"
            for v in VARIANTS:
                qs.append({"qid": f"{item}-{v}", "item": item, "family": fam,
                           "variant": v, "target": aid, "text": text[v]})
    return qs, notes


def write(qs, path):
    with open(path, "w", encoding="utf-8") as out:
        out.write("qid\tfamily\tvariant\ttarget\tquery\n")
        for q in qs:
            out.write(f"{q['qid']}\t{q['family']}\t{q['variant']}\t"
                      f"{q['target']}\t{q['text']}\n")


def read(path):
    qs = []
    with open(path, encoding="utf-8") as fh:
        head = next(fh).rstrip("\n").split("\t")
        if head != ["qid", "family", "variant", "target", "query"]:
            sys.exit(f"make_queries: {path}: not a query file of this "
                     "version (header {head})")
        for n, line in enumerate(fh, 2):
            f = line.rstrip("\n").split("\t")
            if len(f) != 5:
                sys.exit(f"make_queries: {path}:{n}: expected 5 fields")
            qs.append({"qid": f[0], "item": f[0].rsplit("-", 1)[0],
                       "family": f[1], "variant": f[2], "target": f[3],
                       "text": f[4]})
    return qs


def parse_families(s):
    fams = tuple(x for x in s.split(",") if x) if s else FAMILIES
    bad = [f for f in fams if f not in FAMILIES]
    if bad:
        sys.exit(f"make_queries: unknown family {', '.join(bad)} (known: "
                 + ", ".join(FAMILIES) + ")")
    return fams


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("collection")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--split", choices=SPLITS, default="test")
    ap.add_argument("--items", type=int, default=300,
                    help="items per family (default 300)")
    ap.add_argument("--families", help="comma-separated (default: all)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    qs, notes = queries(load(args.collection), args.seed, args.split,
                        args.items, parse_families(args.families))
    write(qs, args.out)
    for fam, n in notes.items():
        sk = ", ".join(f"{k}: {v}" for k, v in sorted(n["skipped"].items()))
        print(f"make_queries: seed {args.seed}, {args.split}: {fam}: "
              f"{n['items']} items" + (f" (articles skipped: {sk})"
                                       if sk else ""), file=sys.stderr)


if __name__ == "__main__":
    main()
