#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""run_bench.py: the frs benchmark (make bench, make bench-large).

Builds (or reuses) a synthetic French news corpus, indexes it with frs and
with three baselines on the same passages, runs the same query load through
each, and prints one table of medians plus the frs/baseline ratios.

    bench/run_bench.py --articles 10000            # make bench
    bench/run_bench.py --mb 1024                   # make bench-large
    bench/run_bench.py --articles 2000 --runs 1 --engines frs,xapian

Baselines (all on the passages frs produced, so the same text units):
  xapian  Xapian's own TermGenerator (python3-xapian), French Snowball
          stemmer, STEM_SOME; QueryParser, default operator OR, BM25
  sphinx  Sphinx 2.2 indexer + searchd (Debian sphinxsearch), tsvpipe
          source, morphology = libstemmer_fr, index_exact_words = 1, a
          charset_table keeping French letters (case folded, accents kept);
          queried over SphinxQL on 127.0.0.1 with OPTION ranker=bm25
  sqlite  SQLite FTS5 (python sqlite3), unicode61 remove_diacritics 2 (FTS5
          has no French stemmer), ORDER BY rank (bm25) LIMIT 10

Must run under Debian's /usr/bin/python3 (python3-xapian, python3-pymysql).
Results go to WORK/results-<corpus>.json and the table to stdout.
"""

import argparse
import json
import os
import random
import re
import shlex
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GEN = os.path.join(ROOT, "corpus", "gen_corpus.py")
PY = "/usr/bin/python3"
SPHINX_INDEXER = "/usr/bin/indexer"
SPHINX_SEARCHD = "/usr/bin/searchd"
ENGINES = ["frs", "xapian", "sphinx", "sqlite"]
LABEL = {"frs": "frs", "xapian": "Xapian TermGenerator",
         "sphinx": "Sphinx 2.2", "sqlite": "SQLite FTS5"}


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def pct(xs, p):
    """Percentile p (0-100) of xs, nearest-rank on the sorted values."""
    s = sorted(xs)
    if not s:
        return None
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def disk_bytes(path):
    """Bytes on disk (what du counts) of a file or directory tree."""
    if os.path.isfile(path):
        return os.stat(path).st_blocks * 512
    total = 0
    for d, _, files in os.walk(path):
        for f in files:
            try:
                total += os.stat(os.path.join(d, f)).st_blocks * 512
            except OSError:
                pass
    return total


def timed(cmd, stdin=None, stdout=None, env=None, cwd=None):
    """Run cmd under /usr/bin/time; return (wall seconds, peak RSS bytes,
    exit code, stderr text).  timed.cpu is then the CPU seconds (user +
    system) of the command and its children: on a shared, oversubscribed
    machine it is steadier than the wall clock."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        full = ["/usr/bin/time", "-f", "RSS %M CPU %U %S", "-o",
                tf.name] + cmd
        t0 = time.perf_counter()
        p = subprocess.run(full, stdin=stdin, stdout=stdout or
                           subprocess.DEVNULL, stderr=subprocess.PIPE,
                           env=env, cwd=cwd)
        wall = time.perf_counter() - t0
        rss = None
        timed.cpu = None
        for line in tf.read().splitlines():
            m = re.match(r"RSS (\d+) CPU ([\d.]+) ([\d.]+)", line.strip())
            if m:
                rss = int(m.group(1)) * 1024
                timed.cpu = float(m.group(2)) + float(m.group(3))
        return wall, rss, p.returncode, p.stderr.decode("utf-8", "replace")


def fold(w):
    w = unicodedata.normalize("NFKD", w.lower().replace("œ", "oe")
                              .replace("æ", "ae"))
    return "".join(c for c in w if not unicodedata.combining(c))


def stopwords():
    """The analyzer's stop words, read from common/stopwords.c."""
    try:
        with open(os.path.join(ROOT, "common", "stopwords.c"),
                  encoding="utf-8") as f:
            src = f.read()
        body = src[src.index("stopwords[] = {"):]
        body = body[:body.index("};")]
        return set(re.findall(r'"([^"]*)"', body))
    except (OSError, ValueError):
        return set()


# ------------------------------------------------------------- the corpus

def corpus_path(args):
    name = ("corpus-a%d-s%d" % (args.articles, args.seed) if args.articles
            else "corpus-mb%g-s%d" % (args.mb, args.seed))
    return os.path.join(args.work, name + ".jsonl"), name


def ensure_corpus(args):
    path, name = corpus_path(args)
    if os.path.exists(path):
        log("reusing corpus %s" % path)
        return path, name
    log("generating corpus %s" % path)
    size = (["--articles", str(args.articles)] if args.articles
            else ["--mb", str(args.mb)])
    t0 = time.perf_counter()
    subprocess.run([PY, GEN, "--seed", str(args.seed), "-v", "-o",
                    path + ".tmp"] + size, check=True)
    os.replace(path + ".tmp", path)
    log("corpus generated in %.1f s" % (time.perf_counter() - t0))
    return path, name


def corpus_stats(path):
    """Articles, raw text bytes (title + body, UTF-8) and file bytes."""
    n = raw = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            n += 1
            raw += len(a["body"].encode("utf-8"))
            raw += len((a.get("title") or "").encode("utf-8"))
    return {"articles": n, "raw_bytes": raw,
            "file_bytes": os.path.getsize(path)}


def _varint(b, i):
    v = shift = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7f) << shift
        shift += 7
        if not c & 0x80:
            return v, i


def frs_header(data):
    """Decode frs's document data (schema 2, common/docdata.h): a binary
    header of varints.  Returns (id, title, date, [(start, end), ...])."""
    v, i = _varint(data, 0)
    if v != 1:
        raise ValueError("not an frs schema 2 header")
    fields = []
    for _ in range(4):  # id, title, url, date: length + 1, 0 = absent
        n, i = _varint(data, i)
        fields.append(data[i:i + n - 1].decode("utf-8") if n else None)
        i += max(n - 1, 0)
    _, i = _varint(data, i)  # body length
    npass, i = _varint(data, i)
    spans = []
    for _ in range(npass):
        start, i = _varint(data, i)
        length, i = _varint(data, i)
        _, i = _varint(data, i)  # position delta
        spans.append((start, start + length))
    return fields[0], fields[1], fields[3], spans


def frs_body(value):
    """The body from frs's value slot 2: its length, then raw deflate."""
    n, i = _varint(value, 0)
    body = zlib.decompressobj(-15).decompress(value[i:])
    return body[:n]


def dump_passages(frs_db, out):
    """The passages frs made (schema 2: one document per article, passages
    as byte ranges of its body), as JSON Lines, in docid order: the
    baselines index exactly these."""
    import xapian
    db = xapian.Database(frs_db)
    n = 0
    with open(out + ".tmp", "w", encoding="utf-8") as f:
        for it in db.postlist(""):
            doc = db.get_document(it.docid)
            aid, title, date, spans = frs_header(doc.get_data())
            body = frs_body(doc.get_value(2))
            for k, (a, b) in enumerate(spans):
                f.write(json.dumps({
                    "pid": "%s#%d" % (aid, k), "title": title or "",
                    "text": body[a:b].decode("utf-8"), "date": date or ""},
                    ensure_ascii=False) + "\n")
                n += 1
    os.replace(out + ".tmp", out)
    return n


def make_queries(passages, n, seed, out):
    """n queries of 1-4 words drawn from the passages: mostly words of one
    passage (they co-occur), some from anywhere; no stop words, no numbers.
    Returns the list of (qid, words)."""
    rng = random.Random("queries/%d" % seed)
    stop = stopwords()
    word = re.compile(r"[^\W\d_]{3,}")
    # a sample of passages, read once
    sample = []
    with open(passages, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if len(sample) < 4000:
                sample.append(line)
            else:  # reservoir sampling keeps this deterministic and flat
                j = rng.randrange(i + 1)
                if j < 4000:
                    sample[j] = line
    bags = []
    for line in sample:
        p = json.loads(line)
        ws = [w for w in word.findall(p["text"]) if fold(w) not in stop]
        if ws:
            bags.append(ws)
    qs = []
    for i in range(n):
        k = rng.choices((1, 2, 3, 4), weights=(30, 35, 20, 15))[0]
        bag = rng.choice(bags)
        ws = []
        for _ in range(k * 4):
            src = bag if rng.random() < 0.7 else rng.choice(bags)
            w = rng.choice(src).lower()
            if fold(w) not in (fold(x) for x in ws):
                ws.append(w)
            if len(ws) == k:
                break
        qs.append(("q%04d" % (i + 1), ws))
    with open(out, "w", encoding="utf-8") as f:
        for qid, ws in qs:
            f.write("%s\t%s\n" % (qid, " ".join(ws)))
    return qs


# ------------------------------------------------------------------ frs

def frs_index(args, corpus, db, extra=None):
    shutil.rmtree(db, ignore_errors=True)
    opts = shlex.split(args.indexer_args) if extra is None else extra
    with tempfile.TemporaryFile("w+") as out:
        wall, rss, rc, err = timed([args.indexer, "-d", db, "--summary"] +
                                   opts + [corpus], stdout=out)
        out.seek(0)
        summary = (out.read() + err).strip()
    if rc not in (0, 1):
        raise RuntimeError("frs indexer failed (%d): %s" % (rc, err[-2000:]))
    m = re.search(r"passages (\d+)", summary)
    return {"seconds": wall, "rss": rss, "cpu": timed.cpu,
            "passages": int(m.group(1)) if m else None,
            "summary": summary.splitlines()[-1] if summary else ""}


def tables(db):
    """Bytes on disk of each Xapian table (postlist, position, ...)."""
    out = {}
    for f in sorted(os.listdir(db)):
        if f.endswith(".glass"):
            out[f[:-6]] = disk_bytes(os.path.join(db, f))
    return out


def frs_queries(args, db, qfile):
    t0 = time.perf_counter()
    with open(qfile, "rb") as qin:
        p = subprocess.run([args.query, "-d", db, "--batch", "--json"],
                           stdin=qin, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    if p.returncode not in (0, 1):
        raise RuntimeError("frs query --batch failed: %s" %
                           p.stderr.decode()[-1000:])
    lat = [json.loads(l)["took_ms"] for l in p.stdout.splitlines() if l]
    return lat, wall


# ---------------------------------------------------- baselines: indexing
# Each runs as its own process (python3 run_bench.py _index ENGINE ...) so
# its time and peak memory are measured like frs's.

def _xapian_index(passages, db):
    import xapian
    wdb = xapian.WritableDatabase(db, xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    tg.set_stemmer(xapian.Stem("french"))
    tg.set_stemming_strategy(xapian.TermGenerator.STEM_SOME)
    with open(passages, encoding="utf-8") as f:
        for line in f:
            p = json.loads(line)
            doc = xapian.Document()
            tg.set_document(doc)
            tg.index_text(p["title"], 1, "S")
            tg.index_text(p["text"])
            doc.set_data(line)
            idterm = "Q" + p["pid"]
            doc.add_boolean_term(idterm)
            doc.add_value(1, p["date"].replace("-", ""))
            wdb.replace_document(idterm, doc)
    wdb.commit()
    wdb.close()


def _sqlite_index(passages, db):
    if os.path.exists(db):
        os.unlink(db)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("CREATE VIRTUAL TABLE p USING fts5(pid UNINDEXED, title, "
                "body, date UNINDEXED, "
                "tokenize='unicode61 remove_diacritics 2')")
    with open(passages, encoding="utf-8") as f:
        rows = (((p["pid"], p["title"], p["text"], p["date"])
                 for p in map(json.loads, f)))
        con.executemany("INSERT INTO p VALUES (?,?,?,?)", rows)
    con.commit()
    con.close()


def sphinx_conf(work, tsv, port):
    d = os.path.join(work, "sphinx")
    os.makedirs(os.path.join(d, "data"), exist_ok=True)
    conf = os.path.join(d, "sphinx.conf")
    # letters: digits, ASCII, Latin-1 letters (upper case folded, accents
    # kept so the Snowball French stemmer sees real words), œ/Œ, ÿ/Ÿ, æ/Æ
    charset = ("0..9, A..Z->a..z, _, a..z, U+C0..U+D6->U+E0..U+F6, "
               "U+D8..U+DE->U+F8..U+FE, U+DF, U+E0..U+F6, U+F8..U+FF, "
               "U+152->U+153, U+153, U+178->U+FF")
    with open(conf, "w", encoding="utf-8") as f:
        f.write("""# generated by bench/run_bench.py
source passages
{
    type = tsvpipe
    tsvpipe_command = cat %(tsv)s
    tsvpipe_field = title
    tsvpipe_field = body
    tsvpipe_attr_uint = date
}

index passages
{
    source = passages
    path = %(d)s/data/passages
    docinfo = extern
    morphology = libstemmer_fr
    index_exact_words = 1
    min_word_len = 1
    charset_table = %(charset)s
}

indexer
{
    mem_limit = 256M
}

searchd
{
    listen = 127.0.0.1:%(port)d:mysql41
    log = %(d)s/searchd.log
    query_log = %(d)s/query.log
    pid_file = %(d)s/searchd.pid
    binlog_path =
    workers = threads
    max_matches = 1000
}
""" % {"tsv": tsv, "d": d, "charset": charset, "port": port})
    return conf, os.path.join(d, "data")


def write_tsv(passages, tsv):
    clean = str.maketrans({"\t": " ", "\n": " ", "\r": " "})
    with open(passages, encoding="utf-8") as f, \
            open(tsv, "w", encoding="utf-8") as out:
        for i, line in enumerate(f, 1):
            p = json.loads(line)
            out.write("%d\t%s\t%s\t%s\n" % (
                i, p["title"].translate(clean), p["text"].translate(clean),
                p["date"].replace("-", "") or "0"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ----------------------------------------------------- baselines: queries

def _xapian_queries(db, qfile):
    import xapian
    d = xapian.Database(db)
    qp = xapian.QueryParser()
    qp.set_stemmer(xapian.Stem("french"))
    qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    qp.set_default_op(xapian.Query.OP_OR)
    qp.set_database(d)
    enq = xapian.Enquire(d)
    lat = []
    for line in open(qfile, encoding="utf-8"):
        q = line.rstrip("\n").split("\t", 1)[1]
        t0 = time.perf_counter()
        enq.set_query(qp.parse_query(q))
        ms = enq.get_mset(0, 10)
        for m in ms:
            json.loads(m.document.get_data())
        lat.append((time.perf_counter() - t0) * 1e3)
    return lat


def _fts_match(q):
    return " OR ".join('"%s"' % w.replace('"', "") for w in q.split())


def _sqlite_queries(db, qfile):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    lat = []
    for line in open(qfile, encoding="utf-8"):
        q = line.rstrip("\n").split("\t", 1)[1]
        t0 = time.perf_counter()
        con.execute("SELECT pid, title FROM p WHERE p MATCH ? ORDER BY rank "
                    "LIMIT 10", (_fts_match(q),)).fetchall()
        lat.append((time.perf_counter() - t0) * 1e3)
    return lat


def _sphinx_match(q):
    parts = []
    for w in q.split():
        w = re.sub(r"[^\w]+", " ", w).strip()
        if w:
            parts.append('"%s"' % w if " " in w else w)
    return " | ".join(parts)


def _sphinx_queries(port, qfile):
    import pymysql
    con = pymysql.connect(host="127.0.0.1", port=port, user="",
                          autocommit=True)
    cur = con.cursor()
    lat = []
    for line in open(qfile, encoding="utf-8"):
        q = line.rstrip("\n").split("\t", 1)[1]
        t0 = time.perf_counter()
        cur.execute("SELECT id FROM passages WHERE MATCH(%s) LIMIT 10 "
                    "OPTION ranker=bm25", (_sphinx_match(q),))
        cur.fetchall()
        lat.append((time.perf_counter() - t0) * 1e3)
    con.close()
    return lat


def _http_queries(url, qfile):
    """Client-side latency of GET url (with {q} replaced by the query) over
    one keep-alive connection."""
    import http.client
    import urllib.parse
    u = urllib.parse.urlsplit(url.replace("{q}", "X"))
    con = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
    lat = []
    for line in open(qfile, encoding="utf-8"):
        q = line.rstrip("\n").split("\t", 1)[1]
        full = urllib.parse.urlsplit(url.replace(
            "{q}", urllib.parse.quote(q)))
        path = full.path + ("?" + full.query if full.query else "")
        t0 = time.perf_counter()
        con.request("GET", path)
        r = con.getresponse()
        r.read()
        lat.append((time.perf_counter() - t0) * 1e3)
    con.close()
    return lat


def _http_throughput(url, qfile, clients):
    """Queries/s with `clients` keep-alive connections in parallel."""
    import threading
    qs = [l.rstrip("\n").split("\t", 1)[1]
          for l in open(qfile, encoding="utf-8")]
    parts = [qs[i::clients] for i in range(clients)]
    errors = []

    def work(part):
        import http.client
        import urllib.parse
        u = urllib.parse.urlsplit(url.replace("{q}", "X"))
        con = http.client.HTTPConnection(u.hostname, u.port or 80,
                                         timeout=30)
        try:
            for q in part:
                full = urllib.parse.urlsplit(url.replace(
                    "{q}", urllib.parse.quote(q)))
                con.request("GET", full.path + "?" + full.query)
                con.getresponse().read()
        except Exception as e:  # reported, not raised, from a thread
            errors.append(e)
        con.close()
    ts = [threading.Thread(target=work, args=(p,)) for p in parts]
    t0 = time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    wall = time.perf_counter() - t0
    if errors:
        raise RuntimeError("HTTP load failed: %s" % errors[0])
    return len(qs) / wall


def start_server(args, db):
    """Start `query --serve` on a free loopback port if this build has it;
    return (process, URL template) or (None, None)."""
    h = subprocess.run([args.query, "--help"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if b"--serve" not in h.stdout:
        return None, None
    port = free_port()
    p = subprocess.Popen([args.query, "-d", db, "--serve", "--listen",
                          "127.0.0.1:%d" % port], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    import urllib.request
    for _ in range(100):
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/health" % port,
                                   timeout=1).read()
            return p, "http://127.0.0.1:%d/search?q={q}&limit=10" % port
        except OSError:
            if p.poll() is not None:
                break
            time.sleep(0.1)
    p.terminate()
    p.wait()
    log("query --serve did not start: HTTP rows skipped")
    return None, None


def internal(argv):
    """python3 run_bench.py _index ENGINE PASSAGES DB
       python3 run_bench.py _query ENGINE DB|PORT|URL QFILE  (JSON to stdout)"""
    if argv[0] == "_index":
        {"xapian": _xapian_index, "sqlite": _sqlite_index}[argv[1]](
            argv[2], argv[3])
        return 0
    eng, target, qfile = argv[1], argv[2], argv[3]
    t0 = time.perf_counter()
    if eng == "xapian":
        lat = _xapian_queries(target, qfile)
    elif eng == "sqlite":
        lat = _sqlite_queries(target, qfile)
    elif eng == "sphinx":
        lat = _sphinx_queries(int(target), qfile)
    elif eng == "http":
        lat = _http_queries(target, qfile)
    else:  # http-par
        json.dump({"qps": _http_throughput(target, qfile, 2)}, sys.stdout)
        return 0
    json.dump({"lat": lat, "wall": time.perf_counter() - t0}, sys.stdout)
    return 0


def py_queries(engine, target, qfile):
    p = subprocess.run([PY, os.path.abspath(__file__), "_query", engine,
                        str(target), qfile], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if p.returncode:
        raise RuntimeError("%s queries failed: %s" %
                           (engine, p.stderr.decode()[-2000:]))
    r = json.loads(p.stdout)
    return r["lat"], r["wall"]


# ---------------------------------------------------------- cold queries

def hyperfine(cmds, runs):
    """Median wall time (ms) over all runs of all cmds, by hyperfine."""
    if not shutil.which("hyperfine"):
        return None
    with tempfile.NamedTemporaryFile("r", suffix=".json") as tf:
        full = ["hyperfine", "-N", "--style", "none", "--warmup", "2",
                "--runs", str(runs), "-i", "--export-json", tf.name] + cmds
        p = subprocess.run(full, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        if p.returncode:
            log("hyperfine failed: %s" % p.stderr.decode()[-500:])
            return None
        res = json.load(open(tf.name))["results"]
    return statistics.median(t for r in res for t in r["times"]) * 1e3


def shell_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


# ----------------------------------------------------------------- table

def fmt(v, unit=""):
    if v is None:
        return "n/a"
    if isinstance(v, str):
        return v
    if abs(v) >= 100:
        s = "%.0f" % v
    elif abs(v) >= 10:
        s = "%.1f" % v
    else:
        s = "%.2f" % v
    return s + unit


METRICS = [
    # key, label, unit, better ("hi"/"lo")
    ("index_s", "indexing wall time (s)", "", "lo"),
    ("mb_s", "indexing MB/s (raw text)", "", "hi"),
    ("index_1job_s", "indexing wall time on 1 core, --jobs 1 (s)", "", "lo"),
    ("speedup", "speed-up of all cores over 1 (wall time ratio)", "×",
     "hi"),
    ("index_cpu_s", "indexing CPU time, user + sys (s)", "", "lo"),
    ("mb_cpu_s", "indexing MB per CPU-second", "", "hi"),
    ("art_s", "indexing articles/s", "", "hi"),
    ("rss_mb", "peak RSS while indexing (MB)", "", "lo"),
    ("size_x", "index size / raw text, as built", "×", "lo"),
    ("csize_x", "index size / raw text, compacted", "×", "lo"),
    ("p50", "query p50 in-process (ms)", "", "lo"),
    ("p95", "query p95 in-process (ms)", "", "lo"),
    ("p99", "query p99 in-process (ms)", "", "lo"),
    ("qps", "queries/s, one process", "", "hi"),
    ("http_p50", "query p50 over HTTP (ms)", "", "lo"),
    ("http_p99", "query p99 over HTTP (ms)", "", "lo"),
    ("http_qps", "queries/s over HTTP, 1 connection", "", "hi"),
    ("http_qps2", "queries/s over HTTP, 2 connections", "", "hi"),
    ("cold_ms", "cold single-query CLI (ms)", "", "lo"),
]


def table(res, engines):
    lines = []
    head = ["metric"] + [LABEL[e] for e in engines]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for key, label, unit, _ in METRICS:
        vals = [res[e].get(key) for e in engines]
        if all(v is None for v in vals):
            continue
        lines.append("| " + label + " | " +
                     " | ".join(fmt(v, unit) for v in vals) + " |")
    base = [e for e in engines if e != "frs"]
    if "frs" in engines and base:
        lines.append("")
        lines.append("frs relative to each baseline (> 1 means frs is "
                     "better: faster, smaller or lighter):")
        lines.append("")
        head = ["metric"] + ["vs " + LABEL[e] for e in base]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        for key, label, unit, better in METRICS:
            f = res["frs"].get(key)
            if f is None or key in ("index_s", "index_cpu_s",
                                    "index_1job_s", "speedup") or \
                    key.startswith("http"):
                continue
            row = []
            for e in base:
                b = res[e].get(key)
                if b is None or not f or not b:
                    row.append("n/a")
                else:
                    row.append("%.2f" % (f / b if better == "hi" else b / f))
            lines.append("| " + label + " | " + " | ".join(row) + " |")
    return "\n".join(lines)


# ------------------------------------------------------------------ main

def main():
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        return internal(sys.argv[1:])
    ap = argparse.ArgumentParser(description="frs benchmark")
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--articles", type=int)
    size.add_argument("--mb", type=float)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3,
                    help="runs of each measurement (medians are reported)")
    ap.add_argument("--index-runs", type=int,
                    help="indexing runs (default: --runs); a large corpus "
                    "may afford fewer indexing runs than query runs")
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--cold-runs", type=int, default=10,
                    help="hyperfine runs per cold-query word (5 words)")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "bench"))
    ap.add_argument("--bin", default=os.path.join(ROOT, "build"),
                    help="directory holding frs's indexer and query")
    ap.add_argument("--http-url", default=os.environ.get("FRS_HTTP_URL"),
                    help="measure frs over HTTP: GET this URL, {q} replaced "
                    "by the URL-encoded query (the server must be running "
                    "on the frs index the harness printed)")
    ap.add_argument("--indexer-args", default="--rebuild",
                    help="options for frs's indexer (default: --rebuild, "
                    "the bulk build on every core)")
    ap.add_argument("--no-jobs1", dest="jobs1", action="store_false",
                    help="do not also time frs's build on one core "
                    "(--rebuild --jobs 1) in each indexing run")
    ap.add_argument("--no-http", action="store_true",
                    help="do not start `query --serve` for the HTTP rows")
    ap.add_argument("--keep", action="store_true",
                    help="keep the indexes of the last run")
    args = ap.parse_args()
    if args.articles is None and args.mb is None:
        args.articles = 10000
    args.indexer = os.path.join(args.bin, "indexer")
    args.query = os.path.join(args.bin, "query")
    if not args.index_runs:
        args.index_runs = args.runs
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    for e in engines:
        if e not in ENGINES:
            ap.error("unknown engine %s" % e)
    if "frs" not in engines:
        engines.insert(0, "frs")  # frs makes the passages
    if "sphinx" in engines and not os.path.exists(SPHINX_INDEXER):
        log("Sphinx not installed (apt-get install sphinxsearch): skipped")
        engines.remove("sphinx")
    os.makedirs(args.work, exist_ok=True)
    args.work = os.path.abspath(args.work)

    corpus, name = ensure_corpus(args)
    cs = corpus_stats(corpus)
    raw_mb = cs["raw_bytes"] / 1e6
    log("corpus: %d articles, %.1f MB raw text, %.1f MB JSONL" % (
        cs["articles"], raw_mb, cs["file_bytes"] / 1e6))
    run_dir = os.path.join(args.work, "run-" + name)
    shutil.rmtree(run_dir, ignore_errors=True)
    os.makedirs(run_dir)
    load0 = os.getloadavg()
    # Work on copies of frs's binaries: a rebuild of build/ during the run
    # (other people work in the same tree) must not mix two builds.
    bindir = os.path.join(run_dir, "bin")
    os.makedirs(bindir)
    for b in ("indexer", "query"):
        shutil.copy2(getattr(args, b), os.path.join(bindir, b))
        setattr(args, b, os.path.join(bindir, b))
    bins0 = binaries(args)

    idx = {e: [] for e in engines}
    dbs = {"frs": os.path.join(run_dir, "frs.db"),
           "xapian": os.path.join(run_dir, "xapian.db"),
           "sqlite": os.path.join(run_dir, "fts5.sqlite")}
    passages = os.path.join(run_dir, "passages.jsonl")
    sconf = sdata = None
    port = free_port()
    # Indexing: runs interleaved (frs, baselines, frs, baselines...) so a
    # change of load on the shared machine hits every engine alike.
    for run in range(args.index_runs):
        log("indexing run %d/%d: frs" % (run + 1, args.index_runs))
        r = frs_index(args, corpus, dbs["frs"])
        idx["frs"].append(r)
        log("  frs: %.1f s (CPU %.1f s), %d passages, peak RSS %.0f MB" % (
            r["seconds"], r["cpu"] or 0, r["passages"] or 0,
            (r["rss"] or 0) / 1e6))
        if args.jobs1:
            r1 = frs_index(args, corpus, dbs["frs"] + ".1job",
                           ["--rebuild", "--jobs", "1"])
            idx["frs"][-1]["seconds_1job"] = r1["seconds"]
            shutil.rmtree(dbs["frs"] + ".1job", ignore_errors=True)
            log("  frs --jobs 1: %.1f s (CPU %.1f s)" % (r1["seconds"],
                                                       r1["cpu"] or 0))
        if run == 0:
            npass = dump_passages(dbs["frs"], passages)
            log("  %d passages dumped for the baselines" % npass)
            if "sphinx" in engines:
                tsv = os.path.join(run_dir, "passages.tsv")
                write_tsv(passages, tsv)
                sconf, sdata = sphinx_conf(run_dir, tsv, port)
        for e in engines[1:]:
            log("indexing run %d/%d: %s" % (run + 1, args.index_runs, e))
            if e == "sphinx":
                shutil.rmtree(sdata, ignore_errors=True)
                os.makedirs(sdata)
                cmd = [SPHINX_INDEXER, "--config", sconf, "--all"]
                path = sdata
            else:
                path = dbs[e]
                if os.path.isdir(path):
                    shutil.rmtree(path)
                elif os.path.exists(path):
                    os.unlink(path)
                cmd = [PY, os.path.abspath(__file__), "_index", e, passages,
                       path]
            wall, rss, rc, err = timed(cmd)
            if rc:
                raise RuntimeError("%s indexing failed: %s" % (e, err[-2000:]))
            idx[e].append({"seconds": wall, "rss": rss, "cpu": timed.cpu})
            log("  %s: %.1f s (CPU %.1f s), peak RSS %.0f MB" % (
                e, wall, timed.cpu or 0, (rss or 0) / 1e6))

    res = {e: {} for e in engines}
    for e in engines:
        secs = median(r["seconds"] for r in idx[e])
        res[e]["index_s"] = secs
        res[e]["mb_s"] = raw_mb / secs
        res[e]["art_s"] = cs["articles"] / secs
        res[e]["rss_mb"] = median(r["rss"] for r in idx[e]) / 1e6
        res[e]["index_runs_s"] = [r["seconds"] for r in idx[e]]
        one = [r["seconds_1job"] for r in idx[e] if "seconds_1job" in r]
        if one:
            res[e]["index_1job_s"] = median(one)
            res[e]["speedup"] = median(one) / secs
        cpu = median(r.get("cpu") for r in idx[e])
        if cpu:
            res[e]["index_cpu_s"] = cpu
            res[e]["mb_cpu_s"] = raw_mb / cpu

    # Sizes (the last run's indexes), and compacted copies.
    sizes = {"frs": disk_bytes(dbs["frs"])}
    csizes = {}
    breakdown = {}
    for e in ("frs", "xapian"):
        if e not in engines:
            continue
        sizes[e] = disk_bytes(dbs[e])
        tmp = dbs[e] + ".compact"
        shutil.rmtree(tmp, ignore_errors=True)
        subprocess.run(["xapian-compact", "-m", dbs[e], tmp], check=True,
                       stdout=subprocess.DEVNULL)
        csizes[e] = disk_bytes(tmp)
        breakdown[e] = {"built": tables(dbs[e]), "compacted": tables(tmp)}
        shutil.rmtree(tmp)
    if "sqlite" in engines:
        sizes["sqlite"] = disk_bytes(dbs["sqlite"])
        tmp = dbs["sqlite"] + ".compact"
        shutil.copy(dbs["sqlite"], tmp)
        con = sqlite3.connect(tmp)
        con.execute("INSERT INTO p(p) VALUES('optimize')")
        con.commit()
        con.execute("VACUUM")
        con.close()
        csizes["sqlite"] = disk_bytes(tmp)
        os.unlink(tmp)
    if "sphinx" in engines:
        sizes["sphinx"] = disk_bytes(sdata)
        csizes["sphinx"] = sizes["sphinx"]  # built once, already merged
    for e in engines:
        res[e]["size_mb"] = sizes[e] / 1e6
        res[e]["size_x"] = sizes[e] / cs["raw_bytes"]
        res[e]["csize_x"] = csizes[e] / cs["raw_bytes"] if e in csizes \
            else None

    # Queries: one untimed warm-up pass, then --runs timed passes.
    qfile = os.path.join(run_dir, "queries.tsv")
    make_queries(passages, args.queries, args.seed, qfile)
    searchd = None
    if "sphinx" in engines:
        p = subprocess.run([SPHINX_SEARCHD, "--config", sconf],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if p.returncode:
            log("searchd failed to start; Sphinx queries skipped: %s"
                % p.stderr.decode()[-300:])
        else:
            searchd = sconf
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), 1).close()
                    break
                except OSError:
                    time.sleep(0.1)
    server = None
    if not args.http_url and not args.no_http:
        server, args.http_url = start_server(args, dbs["frs"])
    try:
        qruns = {e: [] for e in engines}
        if args.http_url:
            qruns["http"] = []
        for run in range(args.runs + 1):
            for e in engines + (["http"] if args.http_url else []):
                if e == "frs":
                    lat, wall = frs_queries(args, dbs["frs"], qfile)
                elif e == "sphinx":
                    if not searchd:
                        continue
                    lat, wall = py_queries("sphinx", port, qfile)
                elif e == "http":
                    lat, wall = py_queries("http", args.http_url, qfile)
                    if run > 0:
                        p = subprocess.run(
                            [PY, os.path.abspath(__file__), "_query",
                             "http-par", args.http_url, qfile],
                            stdout=subprocess.PIPE, check=True)
                        qruns.setdefault("http-par", []).append(
                            json.loads(p.stdout)["qps"])
                else:
                    lat, wall = py_queries(e, dbs[e], qfile)
                if run > 0:
                    qruns[e].append({"p50": pct(lat, 50), "p95": pct(lat, 95),
                                     "p99": pct(lat, 99),
                                     "qps": len(lat) / wall})
            if run > 0:
                log("query run %d/%d done" % (run, args.runs))
    finally:
        if server:
            server.terminate()
            server.wait()
        if searchd:
            subprocess.run([SPHINX_SEARCHD, "--config", sconf, "--stopwait"],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    for e in engines:
        for k in ("p50", "p95", "p99", "qps"):
            res[e][k] = median(r[k] for r in qruns[e])
    if args.http_url and qruns.get("http"):
        for k in ("p50", "p99", "qps"):
            res["frs"]["http_" + k] = median(r[k] for r in qruns["http"])
        res["frs"]["http_qps2"] = median(qruns.get("http-par", []))

    # Cold single-query CLI: a new process per query, 5 words.
    words = []
    for _, ws in make_queries(passages, 40, args.seed + 1,
                              os.path.join(run_dir, "cold.tsv")):
        if ws[0] not in words:
            words.append(ws[0])
    words = words[:5]
    log("cold CLI queries (hyperfine): %s" % ", ".join(words))
    res["frs"]["cold_ms"] = hyperfine(
        ["%s -d %s -n 10 %s" % (args.query, dbs["frs"], shell_quote(w))
         for w in words], args.cold_runs)
    if "xapian" in engines and shutil.which("quest"):
        res["xapian"]["cold_ms"] = hyperfine(
            ["quest -d %s -s french -m 10 %s" % (dbs["xapian"],
                                                  shell_quote(w))
             for w in words], args.cold_runs)
    if "sqlite" in engines and shutil.which("sqlite3"):
        res["sqlite"]["cold_ms"] = hyperfine(
            ["sqlite3 -readonly %s %s" % (dbs["sqlite"], shell_quote(
                "SELECT pid, title FROM p WHERE p MATCH '\"%s\"' "
                "ORDER BY rank LIMIT 10" % w)) for w in words],
            args.cold_runs)

    load1 = os.getloadavg()
    out = {
        "indexer_args": args.indexer_args,
        "corpus": dict(cs, path=corpus, name=name,
                       passages=idx["frs"][0]["passages"]),
        "runs": args.runs, "index_runs": args.index_runs,
        "queries": args.queries, "engines": engines,
        "load_before": load0, "load_after": load1,
        "machine": machine(), "results": res, "binaries": bins0,
        "frs_summary": idx["frs"][-1]["summary"],
        "xapian_tables": breakdown,
    }
    rpath = os.path.join(args.work, "results-%s.json" % name)
    with open(rpath, "w") as f:
        json.dump(out, f, indent=1)
    print()
    print("Corpus %s: %d articles, %d passages, %.1f MB raw text (title + "
          "body), %.1f MB JSONL; %d indexing and %d query runs each, "
          "medians; %d queries of 1-4 words, top 10; load average %.1f "
          "before, %.1f after." % (
              name, cs["articles"], out["corpus"]["passages"] or 0, raw_mb,
              cs["file_bytes"] / 1e6, args.index_runs, args.runs,
              args.queries, load0[0], load1[0]))
    print()
    print(table(res, engines))
    print()
    for e, b in breakdown.items():
        print("%s tables, MB compacted (as built): %s" % (LABEL[e], ", ".join(
            "%s %.1f (%.1f)" % (t, b["compacted"].get(t, 0) / 1e6, v / 1e6)
            for t, v in sorted(b["built"].items(), key=lambda kv: -kv[1])
            if v > 0)))
    print()
    print("Results: %s" % rpath)
    if not args.keep:
        for e in ("xapian", "sqlite"):
            if e in dbs and os.path.exists(dbs[e]):
                (shutil.rmtree if os.path.isdir(dbs[e]) else os.unlink)(dbs[e])
        if sdata:
            shutil.rmtree(sdata, ignore_errors=True)
        for f in ("passages.tsv",):
            p = os.path.join(run_dir, f)
            if os.path.exists(p):
                os.unlink(p)
    return 0


def binaries(args):
    import hashlib
    out = {}
    for b in (args.indexer, args.query):
        with open(b, "rb") as f:
            out[os.path.basename(b)] = hashlib.sha256(f.read()).hexdigest()[:16]
    return out


def machine():
    info = {"nproc": os.cpu_count()}
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                info["mem_kb"] = int(line.split()[1])
    except OSError:
        pass
    return info


if __name__ == "__main__":
    sys.exit(main())
