#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""gen_corpus.py: a deterministic synthetic French news corpus, any size.

Writes JSON Lines articles {"id", "title", "body", "url", "date"} to stdout
(or -o FILE), streaming: memory stays flat whatever the size.

    corpus/gen_corpus.py --articles 50000 -o build/bench/corpus-50k.jsonl
    corpus/gen_corpus.py --mb 1024 --seed 7 > big.jsonl
    corpus/gen_corpus.py --stats          # vocabulary model and Heaps' law

The vocabulary is built at run time from real French text:

  * corpus/articles.jsonl (the bundled news articles),
  * Debian's French documentation (debian-handbook fr-FR, debian-reference-fr,
    debian-faq-fr, maint-guide-fr: prose only, code and commands dropped) and
    the wfrench word list, fetched once with `apt-get download` + `dpkg -x`
    into a cache (default build/corpus-cache/, gitignored).  Without them
    (no apt, --no-debian) the bundled corpus alone is used, with a warning.

Word forms are ranked by a blend of their frequencies in the news and the
documentation (documentation words must be real French words: present in
wfrench or in the news articles; this drops commands and English).  The
most frequent forms keep their measured probability; the rest follow a
Zipf-Mandelbrot law continued over the wfrench word forms and generated
proper names, so the number of distinct words grows with the corpus size
like real news (Heaps' law).  Frequent word pairs and triples of the
sources are sampled as units so common collocations and phrases exist.
Numbers are French-formatted (thousands separated by a space, U+00A0 or
U+202F; decimal commas; "%"), elisions are applied before vowels with one
apostrophe style per article (’ for most, ' for some), hyphenated forms come
from the sources.  Articles, paragraphs and sentences have log-normal
lengths like news; dates are spread over 2005-2025.

The output depends only on --seed, the size options and the vocabulary
sources (its fingerprint is printed with -v / --stats), not on --jobs.
"""

import argparse
import array
import glob
import hashlib
import html.parser
import itertools
import json
import math
import os
import pickle
import random
import re
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_CACHE = os.path.join(ROOT, "build", "corpus-cache")
DEBIAN_PACKAGES = ["debian-handbook", "debian-reference-fr", "debian-faq-fr",
                   "maint-guide-fr", "wfrench"]
MODEL_VERSION = "1"

TOPICS = ["pol", "eco", "spo", "cul", "sci", "san", "env", "jus", "fdv",
          "tec", "edu", "agr", "tra", "int", "gas", "met"]

LETTERS = "A-Za-zÀ-ÖØ-öø-ÿŒœÆæ"
WORD_RE = re.compile(
    r"((?:[aA]ujourd|[pP]rud|[pP]resqu|[qQ]uelqu)['’][%s]+)|"
    r"(?:(?:[lLdDnNsSjJmMtTcC]|[qQ]u|[jJ]usqu|[lL]orsqu|[pP]uisqu)['’])?"
    r"([%s]+(?:-[%s]+)*)|([.!?;:])" % (LETTERS, LETTERS, LETTERS))
DICT_WORD_RE = re.compile(r"^[a-zà-öø-ÿœæ]+(?:[-’][a-zà-öø-ÿœæ]+)*$")
# literary verb forms (simple past plural, imperfect subjunctive) are
# left out of the tail: news hardly uses them
RARE_TENSE_RE = re.compile(
    r"(?:èrent|[âîû]mes|[âîû]tes|assions|assiez|assent|ussent|ussions)$")
COMMAS_RE = re.compile(r"(?: ,)+")
ELISION_TO = r"\1\2\3\4’"

# Elision rules (applied to the generated text): "le avion" -> "l’avion".
VOWEL = "aeiouyhàâäéèêëîïôöûüœæAEIOUYHÀÂÉÈÊÎÔŒ"
ELISION_RE = re.compile(
    r"\b(?:([lL])[ea] (?=[{v}])|([dDnNsSjJmMtT])e (?=[{v}])"
    r"|([qQ]u|[jJ]usqu|[lL]orsqu|[pP]uisqu)e (?=[{v}])"
    r"|([cC])e (?=(?:est|était|étaient|en)\b))".format(v=VOWEL))


def log(msg):
    print("gen_corpus: " + msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- sources

class _Prose(html.parser.HTMLParser):
    """Text of prose elements of a DocBook HTML page; code is dropped."""
    SKIP = {"pre", "code", "script", "style", "kbd", "tt", "samp"}
    KEEP = {"p", "li", "dd", "h1", "h2", "h3"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.keep = 0
        self.spans = []
        self.out = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.KEEP:
            self.keep += 1
        elif tag == "span":
            cls = dict(attrs).get("class") or ""
            code = any(c in cls for c in
                       ("command", "filename", "literal", "package",
                        "replaceable", "option", "varname", "userinput"))
            self.spans.append(code)
            self.skip += code

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self.KEEP:
            self.keep = max(0, self.keep - 1)
            self.out.append("\n")
        elif tag == "span" and self.spans:
            self.skip = max(0, self.skip - self.spans.pop())

    def handle_data(self, data):
        if self.keep and not self.skip:
            self.out.append(data)


def fetch_debian(cache):
    """Download and unpack the Debian French docs once; return the root."""
    root = os.path.join(cache, "root")
    stamp = os.path.join(cache, "unpacked.stamp")
    if os.path.exists(stamp):
        return root
    os.makedirs(cache, exist_ok=True)
    log("fetching Debian French documentation into %s" % cache)
    debs = os.path.join(cache, "debs")
    os.makedirs(debs, exist_ok=True)
    r = subprocess.run(["apt-get", "download"] + DEBIAN_PACKAGES, cwd=debs,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    got = glob.glob(os.path.join(debs, "*.deb"))
    if r.returncode != 0 and not got:
        raise RuntimeError("apt-get download failed: " + r.stderr.strip())
    for deb in sorted(got):
        subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
    open(stamp, "w").close()
    return root


def docs_text(cache):
    """Prose of the Debian French docs, extracted once into the cache."""
    out = os.path.join(cache, "fr-docs.txt")
    if os.path.exists(out):
        with open(out, encoding="utf-8") as f:
            return f.read()
    root = fetch_debian(cache)
    pats = ["usr/share/doc/debian-handbook/html/fr-FR/*.html",
            "usr/share/debian-reference/*.fr.html",
            "usr/share/doc/debian/FAQ/fr/*.html",
            "usr/share/doc/maint-guide-fr/html/*.fr.html"]
    parts = []
    for pat in pats:
        for path in sorted(glob.glob(os.path.join(root, pat))):
            p = _Prose()
            with open(path, encoding="utf-8", errors="replace") as f:
                p.feed(f.read())
            parts.append("".join(p.out))
    text = "\n".join(parts)
    with open(out + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(out + ".tmp", out)
    return text


def dict_words(cache):
    path = os.path.join(fetch_debian(cache), "usr/share/dict/french")
    with open(path, encoding="utf-8") as f:
        return [w.strip().replace("'", "’") for w in f if w.strip()]


def news_text():
    parts = []
    with open(os.path.join(HERE, "articles.jsonl"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                a = json.loads(line)
                parts.append(a.get("title", "") + ".\n" + a["body"])
    return "\n".join(parts)


# ------------------------------------------------------------- vocabulary

def tokens(text):
    """Word forms and sentence ends; elided prefixes are expanded later."""
    for m in WORD_RE.finditer(unicodedata.normalize("NFC", text)):
        if m.group(1):
            yield m.group(1).replace("'", "’")
        elif m.group(2):
            yield m.group(2)
        else:
            yield "."


def count_forms(text, allowed=None):
    """Counts of forms.  A form capitalised mostly mid-sentence is a proper
    noun and keeps its capital; others are lower-cased."""
    low, cap_mid, surface, total = {}, {}, {}, 0
    start = True
    grams = {}
    prev = []
    for t in tokens(text):
        if t == ".":
            start = True
            prev = []
            continue
        lw = t.lower()
        if t[0].isupper() and not start:
            cap_mid[lw] = cap_mid.get(lw, 0) + 1
            sf = surface.setdefault(lw, {})
            sf[t] = sf.get(t, 0) + 1
        low[lw] = low.get(lw, 0) + 1
        total += 1
        start = False
        prev.append(lw)
        if len(prev) > 3:
            prev.pop(0)
        for n in (2, 3):
            if len(prev) >= n:
                g = tuple(prev[-n:])
                grams[g] = grams.get(g, 0) + 1
    forms = {}
    for lw, c in low.items():
        proper = cap_mid.get(lw, 0) * 2 > c
        if allowed is not None and not proper and lw not in allowed:
            continue
        if allowed is not None and proper and lw not in allowed:
            continue  # documentation proper nouns are product names
        if proper:
            sf = surface[lw]
            form = min(sf, key=lambda k: (-sf[k], k))
        else:
            form = lw
        forms[form] = c
    return forms, total, grams


_SYL_ON = ["b", "br", "c", "ch", "cl", "d", "f", "fr", "g", "gr", "j", "l",
           "m", "n", "p", "pl", "r", "s", "t", "tr", "v", "k", "qu", "z"]
_SYL_NU = ["a", "e", "i", "o", "u", "é", "ai", "au", "ou", "ie", "eau", "è",
           "oi", "an", "en", "in", "on"]
_SYL_CO = ["", "", "", "n", "r", "l", "s", "t", "c", "x", "d", "gne", "lle",
           "rt", "nd", "ll", "ssi"]


_SYLLABLES = [o + v + c for o in _SYL_ON for v in _SYL_NU for c in _SYL_CO]
_RIVERS = ("Mer", "Loire", "Seine", "Marne", "Rhône", "Garonne")


def proper_names(n, seed):
    """n distinct generated French-looking proper names (places, people)."""
    rng = random.Random("names/%d" % seed)
    out, seen = [], set()
    while len(out) < n:
        m = (n - len(out)) * 11 // 10 + 16
        ks = rng.choices((2, 2, 3, 3, 3, 4), k=m)
        ss = rng.choices(_SYLLABLES, k=sum(ks))
        rs = rng.choices(range(100), k=m)
        pos = 0
        for k, r in zip(ks, rs):
            w = "".join(ss[pos:pos + k])
            pos += k
            w = w[0].upper() + w[1:]
            if r < 6:
                w = "Saint-" + w
            elif r < 10:
                w = w + "-sur-" + _RIVERS[r % 6]
            elif r < 14:
                w = w + "-" + ss[pos - 1].capitalize()
            if w not in seen:
                seen.add(w)
                out.append(w)
                if len(out) == n:
                    break
    return out


_PREFIXES = ["anti", "néo", "post", "pro", "ex", "contre", "sous", "auto",
             "semi", "pseudo", "mini", "super", "méga", "micro", "multi",
             "inter", "extra", "ultra", "non", "pré", "vice", "demi", "mi"]


def generated_forms(n, words, seed):
    """n distinct forms for the rare tail: proper names (70 %) and prefixed
    compounds of dictionary words (30 %), in a seeded order."""
    rng = random.Random("extra/%d" % seed)
    ncomp = int(n * 0.3) if words else 0
    names = proper_names(n - ncomp, seed)
    seen = set(names)
    comps = []
    while len(comps) < ncomp:
        m = ncomp - len(comps) + 16
        for p, w in zip(rng.choices(_PREFIXES, k=m), rng.choices(words, k=m)):
            c = p + "-" + w
            if c not in seen:
                seen.add(c)
                comps.append(c)
                if len(comps) == ncomp:
                    break
    out = names + comps
    rng.shuffle(out)
    return out


def french_number(rng):
    r = rng.random()
    sep = rng.choice((" ", " ", " ", "\u00a0", "\u202f"))
    if r < 0.40:
        return str(rng.randint(2, 99))
    if r < 0.60:
        return str(rng.randint(1950, 2025))
    if r < 0.82:
        v = int(10 ** rng.uniform(3, 7.5))
        v = round(v, -max(0, len(str(v)) - rng.choice((2, 3, 4))))
        s = str(v)
        groups = []
        while s:
            groups.insert(0, s[-3:])
            s = s[:-3]
        return sep.join(groups)
    if r < 0.92:
        return "%d,%d" % (rng.randint(0, 99), rng.randint(1, 9))
    if r < 0.97:
        return "%s%s%%" % (rng.choice((str(rng.randint(1, 99)),
                                       "%d,%d" % (rng.randint(0, 50),
                                                  rng.randint(1, 9)))), sep)
    return str(rng.randint(100, 999))


def _source_hash():
    with open(os.path.abspath(__file__), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class Vocab:
    """Ranked units (word forms, collocations, numbers, punctuation) and
    their cumulative probabilities."""

    def __init__(self, args):
        self.seed = args.seed
        fp = hashlib.sha256(("model %s\n" % MODEL_VERSION).encode())
        news = news_text()
        fp.update(news.encode())
        docs, dwords = "", []
        if not args.no_debian:
            try:
                docs = docs_text(args.cache)
                dwords = dict_words(args.cache)
            except (OSError, RuntimeError, subprocess.CalledProcessError) as e:
                log("warning: Debian French docs unavailable (%s); using the "
                    "bundled corpus only" % e)
                docs, dwords = "", []
        fp.update(docs.encode())
        fp.update("\n".join(dwords).encode())
        self.fingerprint = fp.hexdigest()[:16]
        # the model depends on the sources, the seed and the model options:
        # reuse a pickled copy when all of them match
        key = hashlib.sha256(repr((
            self.fingerprint, _source_hash(), args.seed, args.vocab, args.head, args.zipf_s1,
            args.zipf_knee, args.zipf_s2, args.p_colloc, args.p_number,
            args.p_comma, args.numbers, args.max_collocs)).encode())
        path = os.path.join(args.cache, "vocab-%s.pickle" % key.hexdigest()[:20])
        try:
            with open(path, "rb") as f:
                self.__dict__.update(pickle.load(f))
            for k in ("cum", "tcum", "probs"):
                setattr(self, k, getattr(self, k).tolist())
            return
        except (OSError, EOFError, pickle.UnpicklingError):
            pass
        self._build(args, news, docs, dwords)
        try:
            os.makedirs(args.cache, exist_ok=True)
            with open(path + ".tmp", "wb") as f:
                d = dict(self.__dict__)
                for k in ("cum", "tcum", "probs"):
                    d[k] = array.array("d", d[k])
                pickle.dump(d, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(path + ".tmp", path)
        except OSError as e:
            log("warning: cannot cache the vocabulary: %s" % e)

    def _build(self, args, news, docs, dwords):
        dictset = set(w.lower() for w in dwords)

        nforms, ntotal, ngrams = count_forms(news)
        allowed = dictset | set(k.lower() for k in nforms)
        dforms, dtotal, dgrams = count_forms(docs, allowed) if docs else \
            ({}, 0, {})
        # blend: the news weighs 60 %, the documentation 40 %
        wn, wd = (0.6, 0.4) if dtotal else (1.0, 0.0)
        score = {}
        for f, c in nforms.items():
            score[f] = score.get(f, 0.0) + wn * c / ntotal
        for f, c in dforms.items():
            score[f] = score.get(f, 0.0) + wd * c / dtotal
        ranked = sorted(score, key=lambda f: (-score[f], f))
        n_real = len(ranked)
        # the tail: wfrench forms not yet ranked, interleaved 3:1 with
        # generated proper names in a seeded order, then names and prefixed
        # compounds ("anti-inflation") up to --vocab forms
        have = set(f.lower() for f in ranked)
        tail_words = [w for w in dwords if DICT_WORD_RE.match(w)
                      and not RARE_TENSE_RE.search(w) and w not in have]
        random.Random("tail/%d" % self.seed).shuffle(tail_words)
        nextra = max(0, args.vocab - n_real - len(tail_words))
        extra = generated_forms(nextra, tail_words, self.seed)
        tail = []
        ei = iter(extra)
        for i, w in enumerate(tail_words):
            tail.append(w)
            if i % 3 == 2:
                tail.append(next(ei, None) or w)
        tail.extend(ei)
        forms = ranked + tail

        # probabilities: measured for the head, then a two-regime Zipf law
        # (exponent s1 to the knee, s2 after it: rare words thin out faster,
        # as in large corpora)
        head = min(args.head, n_real)
        probs = [score[f] for f in ranked[:head]]
        p0 = probs[-1] if probs else 0.01
        s1, s2, knee = args.zipf_s1, args.zipf_s2, max(head, args.zipf_knee)
        pk = p0 * (head / knee) ** s1
        for r in range(head, len(forms)):
            probs.append(p0 * (head / r) ** s1 if r < knee
                         else pk * (knee / r) ** s2)
        z = sum(probs)
        probs = [p / z for p in probs]
        self.n_real, self.n_tail = n_real, len(tail)
        self.forms = forms

        # units: forms, collocations, numbers, commas
        units = list(forms)
        weights = [p * (1 - args.p_colloc - args.p_number - args.p_comma)
                   for p in probs]
        grams = {}
        for g, c in ngrams.items():
            grams[g] = grams.get(g, 0) + wn * c / max(1, ntotal)
        for g, c in dgrams.items():
            grams[g] = grams.get(g, 0) + wd * c / max(1, dtotal)
        formset = set(f.lower() for f in ranked)
        good = [(g, v) for g, v in grams.items()
                if v * max(ntotal, dtotal) >= 3
                and all(w in formset for w in g)
                and any(len(w) > 3 for w in g)]
        good.sort(key=lambda gv: (-gv[1], gv[0]))
        good = good[:args.max_collocs]
        proper = {f.lower(): f for f in ranked if f[0].isupper()}
        gz = sum(v for _, v in good) or 1.0
        for g, v in good:
            units.append(" ".join(proper.get(w, w) for w in g))
            weights.append(args.p_colloc * v / gz)
        self.n_colloc = len(good)
        nrng = random.Random("numbers/%d" % self.seed)
        nums = []
        seen = set()
        while len(nums) < args.numbers:
            x = french_number(nrng)
            if x not in seen:
                seen.add(x)
                nums.append(x)
        nz = sum(1.0 / (i + 2) for i in range(len(nums)))
        for i, x in enumerate(nums):
            units.append(x)
            weights.append(args.p_number / (i + 2) / nz)
        units.append(",")
        weights.append(args.p_comma)
        self.units = units
        self.cum = list(itertools.accumulate(weights))
        self.probs = probs

        # title words: no commas, no numbers
        # (titles are denser: the 60 most frequent forms weigh 6 times less)
        self.tcum = list(itertools.accumulate(
            p * (0.15 if i < 60 else 1.0) for i, p in enumerate(probs)))

    def expected_distinct(self, ntokens):
        """Expected number of distinct word forms in ntokens tokens."""
        share = 1 - ARGS.p_colloc - ARGS.p_number - ARGS.p_comma
        n = ntokens * share
        return sum(1 - math.exp(-n * p) for p in self.probs)


# -------------------------------------------------------------- articles

def lognorm_int(rng, median, sigma, lo, hi):
    return max(lo, min(hi, int(rng.lognormvariate(math.log(median), sigma))))


def cap(s):
    return s[:1].upper() + s[1:]


class Writer:
    def __init__(self, vocab, args):
        self.v = vocab
        self.args = args
        self.start = 20050101
        self.days = 7500  # to mid-2025

    def sentence(self, rng, n):
        toks = rng.choices(self.v.units, cum_weights=self.v.cum, k=n)
        while toks and toks[0] == ",":
            toks.pop(0)
        while toks and toks[-1] == ",":
            toks.pop()
        if not toks:
            toks = ["oui"]
        s = cap(" ".join(toks))
        r = rng.random()
        if r < 0.07:
            return "« " + s + " »" if rng.random() < 0.5 else \
                "« " + s + ". »"
        if r < 0.10:
            return s + " ?"
        if r < 0.11:
            return s + " !"
        return s + "."

    def article(self, idx):
        args = self.args
        rng = random.Random("%d/%d" % (args.seed, idx))
        topic = TOPICS[rng.randrange(len(TOPICS))]
        day = rng.randrange(self.days)
        y, m, d = _date(day)
        nt = lognorm_int(rng, 9, 0.35, 3, 22)
        title = cap(" ".join(rng.choices(self.v.forms, cum_weights=self.v.tcum,
                                         k=nt)))
        if rng.random() < 0.15:
            title = title.replace(" ", " : ", 1)
        target = lognorm_int(rng, args.median_words, 0.55, 40, 6000)
        paras = []
        words = 0
        while words < target:
            pw = lognorm_int(rng, 50, 0.55, 8, 400)
            sents = []
            got = 0
            while got < pw:
                n = lognorm_int(rng, 19, 0.45, 3, 80)
                sents.append(self.sentence(rng, n))
                got += n
            paras.append(" ".join(sents))
            words += got
        body = "\n\n".join(paras)
        apos = "'" if rng.random() < 0.25 else "’"
        body = ELISION_RE.sub(ELISION_TO, body)
        title = ELISION_RE.sub(ELISION_TO, title)
        body = COMMAS_RE.sub(",", body)
        if apos == "'":
            body = body.replace("’", "'")
            title = title.replace("’", "'")
        slug = _slug(title)
        aid = "%04d-%s-%07d" % (y, topic, idx + 1)
        return {"id": aid, "title": title, "body": body,
                "url": "https://exemple.fr/%s/%04d/%02d/%02d/%s-%d" % (
                    topic, y, m, d, slug, idx + 1),
                "date": "%04d-%02d-%02d" % (y, m, d)}


_MDAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def _date(day):
    y = 2005
    while True:
        ylen = 366 if (y % 4 == 0 and (y % 100 or y % 400 == 0)) else 365
        if day < ylen:
            break
        day -= ylen
        y += 1
    m = 0
    while True:
        ml = _MDAYS[m] + (1 if m == 1 and ylen == 366 else 0)
        if day < ml:
            break
        day -= ml
        m += 1
    return y, m + 1, day + 1


def _slug(title):
    s = unicodedata.normalize("NFKD", title.lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return "-".join(s.split("-")[:6]) or "article"


# ----------------------------------------------------------------- driver

WRITER = None
ARGS = None
CHUNK = 250


def _chunk(c):
    lo = c * CHUNK
    out = []
    for i in range(lo, lo + CHUNK):
        out.append(json.dumps(WRITER.article(i), ensure_ascii=False))
    return "\n".join(out) + "\n"


def main(argv=None):
    global WRITER, ARGS
    ap = argparse.ArgumentParser(
        description="Deterministic synthetic French news corpus (JSON Lines)")
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--articles", type=int, default=None,
                      help="number of articles (default 1000)")
    size.add_argument("--mb", type=float, default=None,
                      help="stop once this many MiB of JSON Lines are written")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", default="-")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                    help="worker processes (the output does not depend on it)")
    ap.add_argument("--cache", default=DEFAULT_CACHE,
                    help="where Debian's French docs are unpacked")
    ap.add_argument("--no-debian", action="store_true",
                    help="use the bundled corpus only")
    ap.add_argument("--median-words", type=int, default=430)
    ap.add_argument("--head", type=int, default=300,
                    help="ranks whose measured probability is kept")
    ap.add_argument("--vocab", type=int, default=2000000,
                    help="word forms in the model (real ones, then generated)")
    ap.add_argument("--zipf-s1", type=float, default=1.0)
    ap.add_argument("--zipf-knee", type=int, default=5000)
    ap.add_argument("--zipf-s2", type=float, default=1.8)
    ap.add_argument("--p-colloc", type=float, default=0.06)
    ap.add_argument("--p-number", type=float, default=0.02)
    ap.add_argument("--p-comma", type=float, default=0.045)
    ap.add_argument("--numbers", type=int, default=20000)
    ap.add_argument("--max-collocs", type=int, default=20000)
    ap.add_argument("--stats", action="store_true",
                    help="describe the vocabulary model and exit")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    ARGS = args
    if args.articles is None and args.mb is None:
        args.articles = 1000

    vocab = Vocab(args)
    WRITER = Writer(vocab, args)
    if args.verbose or args.stats:
        log("vocabulary %s-s%d: %d measured forms, %d tail forms, %d collocations"
            % (vocab.fingerprint, args.seed, vocab.n_real, vocab.n_tail, vocab.n_colloc))
    if args.stats:
        top = ", ".join("%s %.2f%%" % (vocab.forms[i], 100 * vocab.probs[i])
                        for i in range(12))
        print("top forms: " + top)
        for ntok in (1e6, 1e7, 3e7, 1e8, 1.7e8):
            print("expected distinct word forms in %4.0fM tokens: %d" % (
                ntok / 1e6, vocab.expected_distinct(ntok)))
        return 0

    out = sys.stdout if args.output == "-" else \
        open(args.output, "w", encoding="utf-8")
    limit_bytes = args.mb * 1048576 if args.mb else None
    nchunks = (args.articles + CHUNK - 1) // CHUNK if args.articles else None
    written = nbytes = 0

    pool = None
    if args.jobs > 1:
        import gc
        import multiprocessing
        gc.freeze()  # keep the shared vocabulary's pages shared
        pool = multiprocessing.get_context("fork").Pool(args.jobs)
    wave = max(1, args.jobs) * 2
    if nchunks is not None and nchunks < wave:
        wave = nchunks
    c = 0
    done = False
    try:
        while not done:
            cs = range(c, c + wave if nchunks is None
                       else min(c + wave, nchunks))
            if not cs:
                break
            c = cs[-1] + 1
            texts = pool.map(_chunk, cs) if pool else map(_chunk, cs)
            for text in texts:
                tb = len(text.encode("utf-8"))
                n = text.count("\n")
                if (args.articles is None or written + n <= args.articles) \
                        and (limit_bytes is None
                             or nbytes + tb < limit_bytes):
                    out.write(text)  # the whole chunk fits
                    written += n
                    nbytes += tb
                    continue
                for line in text.splitlines(keepends=True):
                    if (args.articles is not None
                            and written >= args.articles) or \
                            (limit_bytes is not None
                             and nbytes >= limit_bytes):
                        done = True
                        break
                    out.write(line)
                    written += 1
                    nbytes += len(line.encode("utf-8"))
                if done:
                    break
    except BrokenPipeError:
        pass
    finally:
        if pool:
            pool.terminate()
    try:
        out.flush()
    except BrokenPipeError:
        pass
    if out is not sys.stdout:
        out.close()
    if args.verbose:
        log("%d articles, %.1f MiB" % (written, nbytes / 1048576))
    return 0


if __name__ == "__main__":
    sys.exit(main())
