#!/usr/bin/python3
"""fetch_corpus.py: build the French evaluation collection from Debian docs.

Downloads two Debian documentation packages with `apt-get download` (no
install), unpacks their French HTML with dpkg into a cache directory, and
converts it into the project's JSON Lines article format:

    {"id": "...", "title": "...", "body": "para\\n\\npara...", "url": "..."}

Sources (Debian 12):
  - debian-handbook      html/fr-FR/*.html ("Le cahier de l'administrateur
                         Debian"), one page per chapter or section
  - debian-reference-fr  *.fr.html ("Référence Debian"), one page per chapter

An article is one section of a page down to the third heading level (h1, h2
or h3); deeper sections are folded into their parent, and a section with
fewer than MIN_WORDS French words is folded into its parent too.  Code
blocks, tables, figures, tables of contents and navigation are left out.
Both books are partly untranslated: paragraphs that read as English (more
English than French function words) are dropped, so the collection is
French text.

Everything lands under the cache directory (default build/eval/corpus,
git-ignored); the .deb files are kept, so a re-run makes no download, and
the JSON Lines is rebuilt only when missing or when --force is given.

    /usr/bin/python3 eval/fetch_corpus.py [--cache DIR] [--force]

Prints the path of the JSON Lines file on stdout.
"""
import argparse
import glob
import html.parser
import json
import os
import re
import subprocess
import sys

PACKAGES = ["debian-handbook", "debian-reference-fr", "debian-faq-fr",
            "developers-reference-fr", "maint-guide-fr", "aptitude-doc-fr"]
MIN_WORDS = 50
CONVERTER_VERSION = "1"  # bump when the conversion changes

# Function words, to tell French paragraphs from untranslated English ones.
FR_WORDS = set("""le la les de des du et est un une en que qui dans pour sur par
au aux il elle ce cette ces sont pas ne se plus avec ou mais nous vous
leur son sa ses être avoir été peut fait comme tout tous""".split())
EN_WORDS = set("""the and of to is in that for this with are be it by which can
on as an or not will from its their these has have you your was were
would should into than then there when also been such""".split())

WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)

SKIP_TAGS = {"pre", "table", "script", "style", "head", "code_block",
             "object", "svg", "math"}
SKIP_DIV_CLASSES = {"toc", "example", "informalexample", "figure",
                    "informalfigure", "mediaobject", "highlights",
                    "legalnotice", "author", "authorgroup", "table",
                    "informaltable", "programlisting", "screen",
                    "docnav", "navheader", "navfooter", "calloutlist",
                    "revhistory", "abstract", "related", "sphinxsidebar",
                    "footer", "highlight", "screenshot", "longdesc-link",
                    "searchformwrapper", "navigation"}
SKIP_IDS = {"banner", "title"}
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
        self.children = []      # Sections and paragraph markers, in order


class DocParser(html.parser.HTMLParser):
    """Builds a tree of Sections from a DocBook-generated XHTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
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

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        skips = (tag in SKIP_TAGS or a.get("id") in SKIP_IDS or
                 (tag in ("div", "ul") and classes & SKIP_DIV_CLASSES) or
                 (tag == "p" and "title" in classes and
                  self.heading is None))
        if tag == "a" and "headerlink" in classes:
            skips = True        # Sphinx's pilcrow links
        is_section = (tag == "section" or
                      tag == "div" and classes & {"section", "chapter",
                                                  "preface", "appendix",
                                                  "article"})
        # a section's heading: the first h1-h6 in it (DocBook puts it in
        # div.titlepage with class="title"; Sphinx writes a bare hN)
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
        # pop to the matching open tag (XHTML is well formed; be lenient)
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
                title = " ".join("".join(self.htext).split())
                self.heading.title = title
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


def is_french(text):
    words = [w.lower() for w in WORD_RE.findall(text)]
    fr = sum(1 for w in words if w in FR_WORDS)
    en = sum(1 for w in words if w in EN_WORDS)
    if fr == 0 and en == 0:
        # a short line with no function word: keep it if it has accents
        return bool(re.search(r"[àâçéèêëîïôûùüÿœæ]", text.lower()))
    return fr > en


def clean_title(t):
    # "6.2.1. Initialisation" -> "Initialisation"; "Chapitre 6. X" -> "X"
    t = re.sub(r"^(Chapitre|Annexe|Appendix|Chapter)\s+[\w.]+\.?\s+", "", t)
    t = re.sub(r"^[A-Z]?(\d+\.)+\d*\.?\s+", "", t)
    return t.strip()


def nwords(paras):
    return sum(len(p.split()) for p in paras)


def articles_of(root, split_level=3):
    """Flatten the section tree into (section, paragraphs) articles."""
    out = []

    def walk(sec, owner):
        # owner: the article Section that collects this section's paragraphs
        mine = owner
        if sec.parent is not None and sec.level is not None and \
                sec.level <= split_level:
            mine = sec
            sec.paras = []
            out.append(sec)
        for c in sec.children:
            if isinstance(c, Section):
                walk(c, mine)
            elif mine is not None and is_french(c):
                mine.paras.append(c)

    walk(root, None)
    # fold articles too short to stand alone into their article parent
    result = []
    for sec in reversed(out):       # children before parents
        if nwords(sec.paras) >= MIN_WORDS:
            continue
        p = sec.parent
        while p is not None and p not in out:
            p = p.parent
        if p is not None and sec.paras:
            p.paras.extend(sec.paras)  # order within the parent is kept
        sec.paras = []
    for sec in out:
        if nwords(sec.paras) >= MIN_WORDS:
            result.append(sec)
    return result


def fetch(cache):
    debdir = os.path.join(cache, "debs")
    os.makedirs(debdir, exist_ok=True)
    for pkg in PACKAGES:
        if not glob.glob(os.path.join(debdir, pkg + "_*.deb")):
            print(f"fetch_corpus: apt-get download {pkg}", file=sys.stderr)
            r = subprocess.run(["apt-get", "download", "-q", pkg], cwd=debdir,
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
            if r.returncode != 0 or not glob.glob(
                    os.path.join(debdir, pkg + "_*.deb")):
                sys.exit(f"fetch_corpus: cannot download {pkg} "
                         f"(run 'apt-get update' first?): {r.stderr.strip()}")
    src = os.path.join(cache, "src")
    stamp = os.path.join(src, ".done")
    if not os.path.exists(stamp):
        os.makedirs(src, exist_ok=True)
        for deb in sorted(glob.glob(os.path.join(debdir, "*.deb"))):
            # dpkg -x, limited to the HTML of the books (the handbook
            # package holds every language: 100 MB unpacked)
            tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb],
                                   stdout=subprocess.PIPE)
            subprocess.run(["tar", "-x", "-C", src, "--wildcards",
                            "--no-wildcards-match-slash"] +
                           ["." + "/" + b[1] + "/*" + b[2] for b in BOOKS],
                           stdin=tar.stdout, check=False,
                           stderr=subprocess.DEVNULL)
            tar.stdout.close()
            if tar.wait() != 0:
                sys.exit(f"fetch_corpus: cannot unpack {deb}")
        open(stamp, "w").close()
    return src


# (id prefix, directory, file suffix, URL base, pages left out).  Left out:
# tables of contents and single-page editions that repeat the others.
BOOKS = [
    ("dh", "usr/share/doc/debian-handbook/html/fr-FR", ".html",
     "https://debian-handbook.info/browse/fr-FR/stable/", {"index"}),
    ("dr", "usr/share/debian-reference", ".fr.html",
     "https://www.debian.org/doc/manuals/debian-reference/", {"index"}),
    ("faq", "usr/share/doc/debian/FAQ/fr", ".fr.html",
     "https://www.debian.org/doc/manuals/debian-faq/", {"index"}),
    ("devref", "usr/share/developers-reference/fr", ".html",
     "https://www.debian.org/doc/manuals/developers-reference/",
     {"index", "developers-reference", "genindex", "search"}),
    ("maint", "usr/share/doc/maint-guide-fr/html", ".fr.html",
     "https://www.debian.org/doc/manuals/maint-guide/", {"index"}),
    ("aptitude", "usr/share/doc/aptitude/html/fr", ".html",
     "https://www.debian.org/doc/manuals/aptitude/", {"index"}),
]


def convert(src):
    pages = []
    for prefix, d, suffix, base, skip in BOOKS:
        for f in sorted(glob.glob(os.path.join(src, d, "*" + suffix))):
            name = os.path.basename(f)[:-len(suffix)]
            if name in skip:
                continue
            pages.append((prefix + "/" + name, f, base + name + suffix))
    arts = []
    seen = set()
    for pid, path, url in pages:
        with open(path, encoding="utf-8", errors="replace") as fh:
            p = DocParser()
            p.feed(fh.read())
            p.close()
        for n, sec in enumerate(articles_of(p.root)):
            anchor = sec.anchor or str(n)
            aid = f"{pid}#{anchor}"
            if aid in seen:
                aid = f"{pid}#{anchor}-{n}"
            seen.add(aid)
            arts.append({"id": aid, "title": clean_title(sec.title),
                         "body": "\n\n".join(sec.paras),
                         "url": url + "#" + anchor})
    return arts


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", default=os.path.join(here, "..", "build",
                                                    "eval", "corpus"))
    ap.add_argument("--force", action="store_true",
                    help="rebuild the JSON Lines even if present")
    args = ap.parse_args()
    cache = os.path.abspath(args.cache)
    out = os.path.join(cache, f"collection-v{CONVERTER_VERSION}.jsonl")
    if args.force or not os.path.exists(out):
        src = fetch(cache)
        arts = convert(src)
        tmp = out + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            for a in arts:
                fh.write(json.dumps(a, ensure_ascii=False) + "\n")
        os.replace(tmp, out)
        words = sum(len(a["body"].split()) for a in arts)
        print(f"fetch_corpus: {len(arts)} articles, {words} words -> {out}",
              file=sys.stderr)
    print(out)


if __name__ == "__main__":
    main()
