#!/usr/bin/python3
"""fetch_corpus.py: build the French evaluation collections from Debian.

Each collection is one kind of real French text, fetched with
`apt-get download` (no install), unpacked with dpkg-deb into a cache
directory and converted into the project's JSON Lines article format:

    {"id": "...", "title": "...", "body": "para\\n\\npara...", "url": "..."}

Collections (Debian 12 packages):

  books  the French HTML of six documentation books: debian-handbook,
         debian-reference-fr, debian-faq-fr, developers-reference-fr,
         maint-guide-fr, aptitude-doc-fr.  An article is one section down
         to the third heading level (h1-h3); deeper sections, and sections
         of fewer than MIN_WORDS words, are folded into their parent, their
         heading kept as a paragraph of its own.
  man    the French man pages of manpages-fr and manpages-fr-dev (all
         sections), rendered with mandoc -Thtml; a seeded sample of at most
         MAN_MAX_ARTICLES pages of at least MIN_WORDS words (links to other
         pages, `.so`, left out).  One article per page; the title is the NAME
         (NOM) line ("ls - Afficher le contenu de répertoires"); section and
         subsection headings are paragraphs of their own.  Left out: the
         SYNOPSIS, option tags (the `-a, --all` of a tagged list; the
         description under it is kept), code displays, tables, and the
         sections that are not about the page's subject (translators,
         authors, copyright, bug-report addresses, see-also lists, ...).
  help   the LibreOffice help in French (libreoffice-help-fr), one article
         per help page (title: its h1), a seeded sample of at most
         HELP_MAX_ARTICLES pages of at least MIN_WORDS words.  Left out:
         code, tables, menu-path boxes ("how to get"), related-topic link
         lists and the macOS variants of switched text.

Common to all: paragraphs that read as English (more English than French
function words) are dropped (the books are partly untranslated); so are
code-like paragraphs (fewer than half of the tokens are words of letters,
or three tokens or more and no French function word: command lines, option
tags, file lists), and paragraphs of 8 words or more already seen in an
earlier article (boilerplate and transcluded text, whose known-item answer
would be ambiguous).

Everything lands under the cache directory (default build/eval/corpus,
git-ignored); the .deb files are kept, so a re-run downloads nothing, and
each JSON Lines file is rebuilt only when missing (or with --force).

    /usr/bin/python3 eval/fetch_corpus.py [--cache DIR] [--force] NAME...

Prints the path of each collection's JSON Lines file on stdout, one a line.
"""
import argparse
import glob
import gzip
import html.parser
import json
import os
import random
import re
import subprocess
import sys
import unicodedata

MIN_WORDS = 50
HELP_MAX_ARTICLES = 1200
MAN_MAX_ARTICLES = 1200
SAMPLE_SEED = 20240601           # the help sample; fixed, not a query seed
CONVERTER_VERSION = "2"          # bump when any conversion changes

# Function words, to tell French paragraphs from untranslated English ones.
FR_WORDS = set("""le la les de des du et est un une en que qui dans pour sur par
au aux il elle ce cette ces sont pas ne se plus avec ou mais nous vous
leur son sa ses être avoir été peut fait comme tout tous""".split())
EN_WORDS = set("""the and of to is in that for this with are be it by which can
on as an or not will from its their these has have you your was were
would should into than then there when also been such""".split())

WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
LETTERS_RE = re.compile(r"^[^\W\d_]+$", re.UNICODE)
ELISION_RE = re.compile(r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['’]",
                        re.IGNORECASE)
PUNCT = "«»“”\"'’()[]{}<>,.;:!?…–—*"

BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "blockquote",
              "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "br",
              "hr", "section", "article", "body"}
VOID_TAGS = {"br", "hr", "img", "meta", "link", "input", "col", "area",
             "base", "wbr", "source", "param"}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


class Section:
    def __init__(self, parent):
        self.parent = parent
        self.level = None       # heading level, once seen
        self.anchor = None
        self.title = ""
        self.paras = []
        self.children = []      # Sections and paragraph strings, in order


class DocParser(html.parser.HTMLParser):
    """Builds a tree of Sections from an HTML page.

    skip_tags, skip_classes (on div, ul, span, p), skip_ids: subtrees left
    out.  A section is a <section> or a div of a section class; its heading
    is the first h1-h6 in it; any later heading is a paragraph."""

    SECTION_CLASSES = {"section", "chapter", "preface", "appendix",
                       "article"}

    def __init__(self, skip_tags, skip_classes, skip_ids=()):
        super().__init__(convert_charrefs=True)
        self.skip_tags, self.skip_classes = skip_tags, skip_classes
        self.skip_ids = set(skip_ids)
        self.root = Section(None)
        self.cur = self.root
        self.stack = []         # (tag, is_section, skips, is_heading)
        self.skip = 0
        self.heading = None     # Section whose heading is being read
        self.htext = []
        self.buf = []

    def flush(self):
        text = " ".join("".join(self.buf).split())
        self.buf = []
        if text and self.skip == 0:
            self.cur.children.append(text)

    def _skips(self, tag, a, classes):
        if tag in self.skip_tags or a.get("id") in self.skip_ids:
            return True
        if tag in ("div", "ul", "span", "p", "dl") and \
                classes & self.skip_classes:
            return True
        # DocBook's "p.title" of figures and tables (not inside a heading)
        if tag == "p" and "title" in classes and self.heading is None:
            return True
        return tag == "a" and "headerlink" in classes   # Sphinx pilcrows

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        skips = self._skips(tag, a, classes)
        is_section = (tag == "section" or
                      tag == "div" and classes & self.SECTION_CLASSES)
        is_heading = tag in HEADINGS and self.heading is None and \
            self.skip == 0 and self.cur.level is None
        if tag in BLOCK_TAGS:
            self.flush()
        if tag == "a" and self.heading is not None and a.get("id") and \
                self.heading.anchor is None:
            self.heading.anchor = a["id"]
        if tag in VOID_TAGS:
            return
        if skips:
            self.skip += 1
        pushed = False
        if is_section and self.skip == 0:
            s = Section(self.cur)
            self.cur.children.append(s)
            self.cur = s
            pushed = True
        if is_heading:
            self.heading = self.cur
            self.cur.level = HEADINGS[tag]
            if a.get("id") and self.cur.anchor is None:
                self.cur.anchor = a["id"]
            self.htext = []
        self.stack.append((tag, pushed, skips, is_heading))

    def handle_startendtag(self, tag, attrs):
        if tag == "a":
            a = dict(attrs)
            if self.heading is not None and a.get("id") and \
                    self.heading.anchor is None:
                self.heading.anchor = a["id"]
        elif tag in BLOCK_TAGS:
            self.flush()

    def handle_endtag(self, tag):
        if tag in VOID_TAGS:
            if tag in BLOCK_TAGS:
                self.flush()
            return
        # pop to the matching open tag (be lenient with bad nesting)
        idx = None
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                idx = i
                break
        if idx is None:
            return
        while len(self.stack) > idx:
            t, is_section, skips, is_heading = self.stack.pop()
            if t in BLOCK_TAGS:
                self.flush()
            if is_heading:
                self.heading.title = " ".join("".join(self.htext).split())
                self.heading = None
            if skips:
                self.skip -= 1
            if is_section:
                self.cur = self.cur.parent

    def handle_data(self, data):
        if self.skip:
            return
        if self.heading is not None:
            self.htext.append(data)
        else:
            self.buf.append(data)


def parse_html(text, skip_tags, skip_classes, skip_ids=()):
    p = DocParser(skip_tags, skip_classes, skip_ids)
    p.feed(text)
    p.close()
    return p.root


# ---- what is kept -----------------------------------------------------------

def lang_counts(text):
    words = [w.lower() for w in WORD_RE.findall(text)]
    return (sum(1 for w in words if w in FR_WORDS),
            sum(1 for w in words if w in EN_WORDS))


def is_french(text):
    fr, en = lang_counts(text)
    if fr == 0 and en == 0:
        # a short line with no function word: keep it if it has accents
        return bool(re.search(r"[àâçéèêëîïôûùüÿœæ]", text.lower()))
    return fr > en


def is_prose(text):
    """French, and not code-like (see the module comment)."""
    toks = [t.strip(PUNCT) for t in text.split()]
    toks = [t for t in toks if t]
    if not toks:
        return False
    words = sum(1 for t in toks if LETTERS_RE.match(ELISION_RE.sub("", t)))
    if words < 0.5 * len(toks):
        return False
    fr, en = lang_counts(text)
    if len(toks) >= 3 and fr == 0:
        return False
    return fr > en or (fr == 0 and en == 0 and is_french(text))


def heading_ok(text):
    """Headings are short: kept unless they read as English or as code."""
    fr, en = lang_counts(text)
    return bool(WORD_RE.search(text)) and en <= fr and \
        not re.search(r"[/_=$]|--", text)


def nwords(paras):
    return sum(len(p.split()) for p in paras)


def dedupe(arts):
    """Drop paragraphs of 8 words or more already seen in an earlier
    article; drop articles left under MIN_WORDS words."""
    seen, out = set(), []
    for a in arts:
        paras = []
        for p in a["body"].split("\n\n"):
            if len(p.split()) >= 8:
                if p in seen:
                    continue
                seen.add(p)
            paras.append(p)
        if nwords(paras) >= MIN_WORDS:
            out.append(dict(a, body="\n\n".join(paras)))
    return out


# ---- books -----------------------------------------------------------------

BOOK_SKIP_TAGS = {"pre", "table", "script", "style", "head", "code_block",
                  "object", "svg", "math", "nav", "header", "footer"}
BOOK_SKIP_CLASSES = {"toc", "example", "informalexample", "figure",
                     "informalfigure", "mediaobject", "highlights",
                     "legalnotice", "author", "authorgroup", "table",
                     "informaltable", "programlisting", "screen",
                     "docnav", "navheader", "navfooter", "calloutlist",
                     "revhistory", "abstract", "related", "sphinxsidebar",
                     "footer", "highlight", "screenshot", "longdesc-link",
                     "searchformwrapper", "navigation"}
BOOK_SKIP_IDS = {"banner", "title"}

# (id prefix, package, directory, file suffix, URL base, pages left out).
# Left out: tables of contents and single-page editions.
BOOKS = [
    ("dh", "debian-handbook", "usr/share/doc/debian-handbook/html/fr-FR",
     ".html", "https://debian-handbook.info/browse/fr-FR/stable/",
     {"index"}),
    ("dr", "debian-reference-fr", "usr/share/debian-reference", ".fr.html",
     "https://www.debian.org/doc/manuals/debian-reference/", {"index"}),
    ("faq", "debian-faq-fr", "usr/share/doc/debian/FAQ/fr", ".fr.html",
     "https://www.debian.org/doc/manuals/debian-faq/", {"index"}),
    ("devref", "developers-reference-fr", "usr/share/developers-reference/fr",
     ".html", "https://www.debian.org/doc/manuals/developers-reference/",
     {"index", "developers-reference", "genindex", "search"}),
    ("maint", "maint-guide-fr", "usr/share/doc/maint-guide-fr/html",
     ".fr.html", "https://www.debian.org/doc/manuals/maint-guide/",
     {"index"}),
    ("aptitude", "aptitude-doc-fr", "usr/share/doc/aptitude/html/fr",
     ".html", "https://www.debian.org/doc/manuals/aptitude/", {"index"}),
]


def clean_title(t):
    # "6.2.1. Initialisation" -> "Initialisation"; "Chapitre 6. X" -> "X"
    t = re.sub(r"^(Chapitre|Annexe|Appendix|Chapter)\s+[\w.]+\.?\s+", "", t)
    t = re.sub(r"^[A-Z]?(\d+\.)+\d*\.?\s+", "", t)
    return t.strip()


def book_articles(root, split_level=3):
    """Flatten the section tree into article Sections (down to
    split_level); a deeper section's heading becomes a paragraph."""
    out = []

    def walk(sec, owner):
        mine = owner
        if sec.parent is not None and sec.level is not None and \
                sec.level <= split_level:
            mine = sec
            sec.paras = []
            out.append(sec)
        elif mine is not None and sec.title and heading_ok(sec.title):
            mine.paras.append(clean_title(sec.title))
        for c in sec.children:
            if isinstance(c, Section):
                walk(c, mine)
            elif mine is not None and is_prose(c):
                mine.paras.append(c)

    walk(root, None)
    # fold articles too short to stand alone into their article parent,
    # heading first (appended after the parent's own text)
    for sec in reversed(out):       # children before parents
        if nwords(sec.paras) >= MIN_WORDS:
            continue
        p = sec.parent
        while p is not None and p not in out:
            p = p.parent
        if p is not None and sec.paras:
            if heading_ok(sec.title):
                p.paras.append(clean_title(sec.title))
            p.paras.extend(sec.paras)
        sec.paras = []
    return [s for s in out if nwords(s.paras) >= MIN_WORDS]


def convert_books(src):
    arts, seen = [], set()
    for prefix, _pkg, d, suffix, base, skip in BOOKS:
        for f in sorted(glob.glob(os.path.join(src, d, "*" + suffix))):
            name = os.path.basename(f)[:-len(suffix)]
            if name in skip:
                continue
            with open(f, encoding="utf-8", errors="replace") as fh:
                root = parse_html(fh.read(), BOOK_SKIP_TAGS,
                                  BOOK_SKIP_CLASSES, BOOK_SKIP_IDS)
            for n, sec in enumerate(book_articles(root)):
                anchor = sec.anchor or str(n)
                aid = f"{prefix}/{name}#{anchor}"
                if aid in seen:
                    aid = f"{prefix}/{name}#{anchor}-{n}"
                seen.add(aid)
                arts.append({"id": aid, "title": clean_title(sec.title),
                             "body": "\n\n".join(sec.paras),
                             "url": f"{base}{name}{suffix}#{anchor}"})
    return arts


# ---- man pages -------------------------------------------------------------

MAN_DIR = "usr/share/man/fr"
MAN_SECTIONS = ("1", "2", "3", "4", "5", "6", "7", "8")
MAN_SKIP_TAGS = {"pre", "table", "dt", "script", "style"}
# sections not about the page's subject, by heading (upper case, no accent)
MAN_DROP = {"NOM", "NAME", "SYNOPSIS", "TRADUCTION", "VOIR AUSSI",
            "AUTEUR", "AUTEURS", "COPYRIGHT", "DROIT D'AUTEUR",
            "SIGNALER DES BOGUES", "SIGNALEMENTS DE BOGUES",
            "RAPPORTER DES BOGUES", "DISPONIBILITE", "PAGE D'ACCUEIL",
            "COLOPHON", "LICENCE", "REMERCIEMENTS"}


def upper_fold(s):
    d = unicodedata.normalize("NFD", " ".join(s.split()).upper())
    return "".join(c for c in d if unicodedata.category(c) != "Mn")


def page_paras(sec, out, drop=()):
    """The prose paragraphs of a page's section tree, in order, headings
    as paragraphs; sections whose heading is in `drop` left out."""
    for c in sec.children:
        if isinstance(c, Section):
            if upper_fold(c.title) in drop:
                continue
            if c.title and heading_ok(c.title):
                out.append(c.title)
            page_paras(c, out, drop)
        elif is_prose(c):
            out.append(c)


def man_name(root):
    """The NAME (NOM) line of a page."""
    for c in root.children:
        if isinstance(c, Section) and upper_fold(c.title) in ("NOM", "NAME"):
            lines = [x for x in c.children if isinstance(x, str)]
            return " ".join(lines)
        if isinstance(c, Section):
            n = man_name(c)
            if n:
                return n
    return ""


def convert_man(src):
    arts = []
    for sec in MAN_SECTIONS:
        for f in sorted(glob.glob(os.path.join(src, MAN_DIR, "man" + sec,
                                               "*." + sec + "*.gz"))):
            with gzip.open(f, "rt", encoding="utf-8",
                           errors="replace") as fh:
                roff = fh.read()
            if roff.lstrip().startswith(".so "):
                continue        # a link to another page
            r = subprocess.run(["mandoc", "-Thtml", "-Ofragment"],
                               input=roff, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
            if not r.stdout:
                print(f"fetch_corpus: mandoc could not render {f}",
                      file=sys.stderr)
                continue
            root = parse_html(r.stdout, MAN_SKIP_TAGS, set())
            page = os.path.basename(f)[:-len(".gz")]
            paras = []
            page_paras(root, paras, MAN_DROP)
            title = man_name(root)
            arts.append({"id": "man/" + page, "title": title or page,
                         "body": "\n\n".join(paras),
                         "url": "https://manpages.debian.org/bookworm/"
                                f"manpages-fr/{page}.fr.html"})
    return arts


# ---- LibreOffice help ------------------------------------------------------

HELP_DIR = "usr/share/libreoffice/help/fr/text"
HELP_SKIP_TAGS = {"pre", "table", "script", "style", "head", "header",
                  "aside", "footer", "nav", "noscript", "button", "label"}
HELP_SKIP_CLASSES = {"bascode", "pycode", "code", "howtoget",
                     "relatedtopics", "related", "MAC", "debug",
                     "noteicon", "iconimage"}


def convert_help(src):
    arts = []
    base = os.path.join(src, HELP_DIR)
    for f in sorted(glob.glob(os.path.join(base, "**", "*.html"),
                              recursive=True)):
        rel = os.path.relpath(f, base)
        with open(f, encoding="utf-8", errors="replace") as fh:
            root = parse_html(fh.read(), HELP_SKIP_TAGS, HELP_SKIP_CLASSES)
        paras = []
        page_paras(root, paras)
        if nwords(paras) < MIN_WORDS:
            continue
        arts.append({"id": "help/" + rel[:-len(".html")],
                     "title": root.title, "body": "\n\n".join(paras),
                     "url": f"https://help.libreoffice.org/7.4/fr/text/{rel}"})
    return arts


def sample(arts, cap):
    if len(arts) <= cap:
        return arts
    keep = set(random.Random(SAMPLE_SEED).sample(range(len(arts)), cap))
    return [a for i, a in enumerate(arts) if i in keep]


# ---- collections ------------------------------------------------------------

# name: (packages, paths to unpack (tar wildcards), converter, cap)
COLLECTIONS = {
    "books": ([b[1] for b in BOOKS],
              ["./" + b[2] + "/*" + b[3] for b in BOOKS], convert_books,
              None),
    "man": (["manpages-fr", "manpages-fr-dev"],
            [f"./{MAN_DIR}/man{s}/*" for s in MAN_SECTIONS], convert_man,
            MAN_MAX_ARTICLES),
    "help": (["libreoffice-help-fr"], [f"./{HELP_DIR}/*"], convert_help,
             HELP_MAX_ARTICLES),
}


def download(debdir, pkg):
    if glob.glob(os.path.join(debdir, pkg + "_*.deb")):
        return
    print(f"fetch_corpus: apt-get download {pkg}", file=sys.stderr)
    r = subprocess.run(["apt-get", "download", "-q", pkg], cwd=debdir,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    if r.returncode != 0 or not glob.glob(os.path.join(debdir,
                                                       pkg + "_*.deb")):
        sys.exit(f"fetch_corpus: cannot download {pkg} "
                 f"(run 'apt-get update' first?): {r.stderr.strip()}")


def fetch(cache, name):
    """Download and unpack a collection's packages; its source directory."""
    packages, paths, _, _ = COLLECTIONS[name]
    debdir = os.path.join(cache, "debs")
    os.makedirs(debdir, exist_ok=True)
    for pkg in packages:
        download(debdir, pkg)
    src = os.path.join(cache, "src-" + name)
    stamp = os.path.join(src, ".done")
    if os.path.exists(stamp):
        return src
    os.makedirs(src, exist_ok=True)
    for pkg in packages:
        deb = sorted(glob.glob(os.path.join(debdir, pkg + "_*.deb")))[-1]
        # dpkg -x, limited to the paths wanted (the handbook package holds
        # every language: 100 MB unpacked)
        tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb],
                               stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", src, "--wildcards"] + paths,
                       stdin=tar.stdout, check=False,
                       stderr=subprocess.DEVNULL)
        tar.stdout.close()
        if tar.wait() != 0:
            sys.exit(f"fetch_corpus: cannot unpack {deb}")
    open(stamp, "w").close()
    return src


def build(cache, name, force=False):
    """The collection's JSON Lines path, converted if needed."""
    out = os.path.join(cache, f"{name}-v{CONVERTER_VERSION}.jsonl")
    if os.path.exists(out) and not force:
        return out
    _, _, convert, cap = COLLECTIONS[name]
    arts = dedupe(convert(fetch(cache, name)))
    if cap:
        arts = sample(arts, cap)
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        for a in arts:
            fh.write(json.dumps(a, ensure_ascii=False) + "\n")
    os.replace(tmp, out)
    words = sum(len(a["body"].split()) for a in arts)
    print(f"fetch_corpus: {name}: {len(arts)} articles, {words} words -> "
          f"{out}", file=sys.stderr)
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("names", nargs="*", default=list(COLLECTIONS),
                    metavar="NAME", help="collections: "
                    + ", ".join(COLLECTIONS) + " (default: all)")
    ap.add_argument("--cache", default=os.path.join(here, "..", "build",
                                                    "eval", "corpus"))
    ap.add_argument("--force", action="store_true",
                    help="convert again even if the JSON Lines exists")
    args = ap.parse_args()
    for n in args.names:
        if n not in COLLECTIONS:
            sys.exit(f"fetch_corpus: unknown collection '{n}' (known: "
                     + ", ".join(COLLECTIONS) + ")")
    cache = os.path.abspath(args.cache)
    for n in args.names:
        print(build(cache, n, args.force))


if __name__ == "__main__":
    main()
