// SPDX-License-Identifier: MIT
// xdb.cc: the thin C binding over libxapian (see xdb.h), and the only C++
// file of the project.  Every exported function is extern "C" and noexcept,
// catches everything, and turns exceptions into an frs_status_t plus a
// message copied into a fixed buffer on the handle (xdb_fail below).
//
// Write semantics: every change (document, deletion, metadata) is made inside
// an unflushed Xapian transaction, opened implicitly on the first change when
// the caller has not opened one.  So nothing reaches the disk except through
// frs_xdb_commit(): frs_xdb_free() and frs_xdb_cancel() discard all changes
// since the last successful commit, whether or not frs_xdb_begin() was called.
// (Without this, Xapian's WritableDatabase destructor would commit them.)

#include "xdb.h"

#include <xapian.h>

#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <ctime>
#include <new>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "layout.h"

namespace {

constexpr size_t ERRMSG_SIZE = 1024;

// Thrown by the shim itself for invalid input found below an entry point
// (e.g. a malformed query tree); mapped to FRS_EINVAL.
struct BadArgument {
    const char *what;
};

enum TxnState { TXN_NONE, TXN_IMPLICIT, TXN_EXPLICIT };

}  // namespace

struct frs_xdoc {
    Xapian::Document doc;
};

struct frs_xdb {
    Xapian::WritableDatabase db;
    TxnState txn = TXN_NONE;
    char err[ERRMSG_SIZE] = "";
};

namespace {

// One database a reader searches: the whole of it, or one line of its stub.
struct Shard {
    std::string name;    // the stub line's argument as written ("2023",
                         // "10.0.0.12:7001", ":ssh ..."); "" for a
                         // database opened directly
    std::string context; // a remote's: the context Xapian gives its errors
    bool remote = false;
    Xapian::Database db; // shares its backend with frs_xr::db
};

}  // namespace

struct frs_xr {
    Xapian::Database db;
    std::vector<Shard> shards; // what db combines, in stub order
    std::string path;    // as given; "" for a reader of one stub entry
    std::string entry_type, entry_where; // a reader of one stub entry
    dev_t dev = 0;   // identity of path when opened (see frs_xr_reopen)
    ino_t ino = 0;
    bool remote = false; // the stub lists remote shards
    bool broken = false; // a remote call failed: open afresh next time
    dev_t stub_dev = 0; // and of path/XAPIANDB, when path is a directory
    ino_t stub_ino = 0; // holding a stub (a sharded index)
    std::string fault;   // the shard that made the last call fail, or ""
    char err[ERRMSG_SIZE] = "";
};

namespace {

// Format into msg (cap bytes, cap > 0); never throws, truncates silently.
__attribute__((format(printf, 3, 4)))
// NOLINTNEXTLINE(cert-dcl50-cpp): printf-style on purpose, never throws
void set_msg(char *msg, size_t cap, const char *fmt, ...) noexcept
{
    if (!msg || cap == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = std::vsnprintf(msg, cap, fmt, ap);
    va_end(ap);
    if (n < 0)
        msg[0] = '\0';
}

// "Type: message (context: ...) (errno string)", prefixed with "path: " when
// path is given.
frs_status_t set_xapian_msg(char *msg, size_t cap, const char *path,
                            frs_status_t rc, const Xapian::Error &e) noexcept
{
    const char *errstr = nullptr;
    try {
        errstr = e.get_error_string();
    } catch (...) {
        errstr = nullptr;
    }
    const std::string &ctx = e.get_context();
    set_msg(msg, cap, "%s%s%s: %s%s%s%s%s%s%s", path ? path : "",
            path ? ": " : "", e.get_type(), e.get_msg().c_str(),
            ctx.empty() ? "" : " (context: ", ctx.c_str(),
            ctx.empty() ? "" : ")", errstr ? " (" : "", errstr ? errstr : "",
            errstr ? ")" : "");
    return rc;
}

// True when nothing exists at path (so an opening error means "no
// database there" rather than "a broken one").
bool path_missing(const char *path) noexcept
{
    struct stat st;
    if (!path)
        return false;
    return stat(path, &st) != 0 && (errno == ENOENT || errno == ENOTDIR);
}

// Lippincott helper: call ONLY from inside a catch handler.  Rethrows the
// exception in flight, maps it to a status and copies its message into msg
// (may be NULL) while the exception object is still alive.  path, when not
// NULL, names the database being opened; label, when not NULL, is the
// message's prefix instead of path.
frs_status_t xdb_fail(char *msg, size_t cap, const char *path,
                      const char *label = nullptr) noexcept
{
    const char *missing = path;
    if (label)
        path = label;
    try {
        // cppcheck-suppress rethrowNoCurrentException ; callers are catch handlers
        throw;
    } catch (const Xapian::DatabaseLockError &e) {
        return set_xapian_msg(msg, cap, path, FRS_ELOCKED, e);
    } catch (const Xapian::DatabaseModifiedError &e) {
        return set_xapian_msg(msg, cap, path, FRS_EMODIFIED, e);
    } catch (const Xapian::DatabaseCorruptError &e) {
        return set_xapian_msg(msg, cap, path, FRS_ECORRUPT, e);
    } catch (const Xapian::DatabaseNotFoundError &e) {
        return set_xapian_msg(msg, cap, path, FRS_ENOTFOUND, e);
    } catch (const Xapian::DatabaseVersionError &e) {
        return set_xapian_msg(msg, cap, path, FRS_EVERSION, e);
    } catch (const Xapian::DatabaseOpeningError &e) {
        return set_xapian_msg(msg, cap, path,
                              path_missing(missing) ? FRS_ENOTFOUND
                                                    : FRS_EXAPIAN,
                              e);
    } catch (const Xapian::DocNotFoundError &e) {
        return set_xapian_msg(msg, cap, path, FRS_ENOTFOUND, e);
    } catch (const Xapian::NetworkError &e) {
        return set_xapian_msg(msg, cap, path, FRS_EREMOTE, e);
    } catch (const Xapian::Error &e) {
        return set_xapian_msg(msg, cap, path, FRS_EXAPIAN, e);
    } catch (const BadArgument &e) {
        set_msg(msg, cap, "%s%s%s", path ? path : "", path ? ": " : "",
                e.what);
        return FRS_EINVAL;
    } catch (const std::bad_alloc &) {
        set_msg(msg, cap, "%s%sout of memory", path ? path : "",
                path ? ": " : "");
        return FRS_ENOMEM;
    } catch (const std::exception &e) {
        set_msg(msg, cap, "%s%sC++ exception: %s", path ? path : "",
                path ? ": " : "", e.what());
        return FRS_EINTERNAL;
    } catch (...) {
        set_msg(msg, cap, "%s%sunknown C++ exception", path ? path : "",
                path ? ": " : "");
        return FRS_EINTERNAL;
    }
}

frs_status_t xdb_fail(frs_xdb_t *h) noexcept
{
    return xdb_fail(h ? h->err : nullptr, ERRMSG_SIZE, nullptr);
}

// One document of db at random, read from every table: its length, data,
// terms and their positions, and its first term's postings.  Damage shows
// as DatabaseCorruptError, DatabaseError, DocNotFoundError or even
// DatabaseModifiedError, whatever the table.
void probe_random_doc(Xapian::Database &db, std::minstd_rand &rng)
{
    Xapian::docid last = db.get_lastdocid();
    if (last == 0)
        return;
    Xapian::PostingIterator p = db.postlist_begin("");
    p.skip_to(1 + static_cast<Xapian::docid>(rng() % last));
    if (p == db.postlist_end(""))
        return;
    Xapian::docid id = *p;
    (void)p.get_doclength();
    (void)db.get_document(id).get_data();
    std::string first;
    for (Xapian::TermIterator t = db.termlist_begin(id);
         t != db.termlist_end(id); ++t) {
        if (first.empty())
            first = *t;
        (void)db.positionlist_begin(id, *t);
    }
    if (first.empty())
        return;
    Xapian::PostingIterator q = db.postlist_begin(first);
    q.skip_to(id);
    if (q == db.postlist_end(first) || *q != id)
        throw Xapian::DatabaseCorruptError("document " + std::to_string(id) +
                                           " is missing from the postings "
                                           "of one of its terms");
}

// A few cheap reads that fail if db cannot be searched: for a local
// database, a few documents at random through every table (so that,
// probed every second, damage anywhere is soon found); for a remote one, a
// round trip.  Returns the document count; throws what Xapian throws.
unsigned long long probe_db(Xapian::Database &db, bool remote)
{
    static thread_local std::minstd_rand rng(
        static_cast<unsigned>(time(nullptr)) ^
        static_cast<unsigned>(reinterpret_cast<uintptr_t>(&db)));
    unsigned long long n = db.get_doccount();
    if (remote) {
        (void)db.get_metadata("frs.schema");
        return n;
    }
    for (int k = 0; k < 4; k++)
        probe_random_doc(db, rng);
    return n;
}

// The local shard of h that fails probe_db, or "".
std::string blame_by_probe(frs_xr_t *h)
{
    for (Shard &sh : h->shards) {
        if (sh.remote)
            continue;
        try {
            probe_db(sh.db, false);
        } catch (const Xapian::Error &) {
            return sh.name;
        }
    }
    return std::string();
}

// The shard of h whose remote connection failed with context ctx, or "".
std::string remote_shard(const frs_xr_t *h, const std::string &ctx)
{
    const Shard *only = nullptr;
    size_t nremote = 0;
    for (const Shard &sh : h->shards) {
        if (!sh.remote)
            continue;
        if (sh.context == ctx)
            return sh.name;
        only = &sh;
        nremote++;
    }
    return nremote == 1 ? only->name : std::string();
}

frs_status_t xdb_fail(frs_xr_t *h) noexcept
{
    if (!h)
        return xdb_fail(nullptr, 0, nullptr);
    try {
        h->fault.clear();
        try {
            // cppcheck-suppress rethrowNoCurrentException ; as above
            throw;
        } catch (const Xapian::NetworkError &e) {
            // the connection may be out of step with its server (a reply
            // still to come): never use it again
            h->broken = true;
            h->fault = remote_shard(h, e.get_context());
        } catch (const Xapian::LogicError &) {
            // a misuse or a feature the backend lacks (spelling over a
            // remote shard), not damage
        } catch (const Xapian::Error &) {
            // which shard is damaged: the error seldom says (a damaged
            // table shows as DatabaseCorruptError, DatabaseModifiedError,
            // DocNotFoundError...)
            if (h->shards.size() > 1)
                h->fault = blame_by_probe(h);
        } catch (...) {
        }
    } catch (...) {
        h->fault.clear();
    }
    return xdb_fail(h->err, ERRMSG_SIZE, nullptr);
}

frs_status_t einval(char *msg, const char *what) noexcept
{
    set_msg(msg, ERRMSG_SIZE, "invalid argument: %s", what);
    return FRS_EINVAL;
}

// A malloc'd, NUL-terminated copy of s; throws std::bad_alloc.
char *dup_string(const std::string &s)
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (!p)
        throw std::bad_alloc();
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return p;
}

// Hand a message out through char **errmsg (malloc'd; NULL if none or if
// allocation fails).
void give_errmsg(char **errmsg, const char *msg) noexcept
{
    if (!errmsg)
        return;
    *errmsg = nullptr;
    if (msg && *msg) {
        size_t n = std::strlen(msg);
        char *p = static_cast<char *>(std::malloc(n + 1));
        if (p) {
            std::memcpy(p, msg, n + 1);
            *errmsg = p;
        }
    }
}

// Make sure a transaction is open before a change (see the file comment).
void ensure_txn(frs_xdb_t *h)
{
    if (h->txn == TXN_NONE) {
        h->db.begin_transaction(false);
        h->txn = TXN_IMPLICIT;
    }
}

// Record the identity of h->path, and of the stub file in it when it is a
// directory holding one (a sharded index, whose stub the indexer replaces
// when a shard is added or compacted); 0 for what does not exist.
void note_identity(frs_xr_t *h, dev_t *dev, ino_t *ino, dev_t *sdev,
                   ino_t *sino) noexcept
{
    struct stat st;
    *dev = *sdev = 0;
    *ino = *sino = 0;
    if (h->path.empty() || stat(h->path.c_str(), &st) != 0)
        return;
    *dev = st.st_dev;
    *ino = st.st_ino;
    if (S_ISDIR(st.st_mode) &&
        stat((h->path + "/" FRS_SHARDS_STUB).c_str(), &st) == 0) {
        *sdev = st.st_dev;
        *sino = st.st_ino;
    }
}

std::atomic<unsigned> remote_timeout_ms{FRS_XDB_REMOTE_TIMEOUT_MS};
std::atomic<unsigned> remote_connect_ms{FRS_XDB_REMOTE_CONNECT_MS};

constexpr int MAX_STUB_DEPTH = 8;

// A remote database named by a stub line's argument: ":PROGRAM ARGS" or
// HOST:PORT ([IPV6]:PORT), parsed as Xapian parses stub files, opened with
// the configured timeouts (Xapian's own stub reader uses its defaults).
Shard open_remote(const std::string &where)
{
    Shard sh;
    sh.name = where;
    sh.remote = true;
    unsigned timeout = remote_timeout_ms, connect = remote_connect_ms;
    if (!where.empty() && where[0] == ':') {
        size_t sp = where.find(' ');
        std::string prog = where.substr(1, sp == std::string::npos
                                               ? std::string::npos
                                               : sp - 1);
        std::string args = sp == std::string::npos ? "" : where.substr(sp + 1);
        sh.context = "remote:prog(" + prog + " " + args + ")";
        sh.db = Xapian::Remote::open(prog, args, timeout);
        return sh;
    }
    size_t colon = where.rfind(':');
    std::string host = colon == std::string::npos ? "" : where.substr(0, colon);
    std::string port = colon == std::string::npos ? "" : where.substr(colon + 1);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (host.empty() || port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(port) > 65535)
        throw Xapian::DatabaseOpeningError(
            "remote shard '" + where +
            "': expected HOST:PORT or :PROGRAM ARGS");
    sh.context = "remote:tcp(" + host + ":" + port + ")";
    sh.db = Xapian::Remote::open(host, static_cast<unsigned>(std::stoul(port)),
                                 timeout, connect);
    return sh;
}

void open_into(std::vector<Shard> &out, const std::string &path,
               const std::string &name, int depth, std::string &opening);

// Open one stub line (type and argument; path: the argument resolved
// against the stub's directory, for local types) into out.
void open_entry(std::vector<Shard> &out, const std::string &type,
                const std::string &where, const std::string &path, int depth,
                std::string &opening)
{
    opening.clear();
    if (type == "remote" || type == "auto" || type == "glass" ||
        type == "chert")
        opening = where;
    if (type == "remote") {
        out.push_back(open_remote(where));
    } else if (type == "auto") {
        open_into(out, path, where, depth + 1, opening);
    } else if (type == "glass" || type == "chert") {
        Shard sh;
        sh.name = where;
        sh.db = Xapian::Database(path, type == "glass"
                                           ? Xapian::DB_BACKEND_GLASS
                                           : Xapian::DB_BACKEND_CHERT);
        out.push_back(std::move(sh));
    } else if (type == "inmemory" && where.empty()) {
        Shard sh;
        sh.db = Xapian::Database(std::string(), Xapian::DB_BACKEND_INMEMORY);
        out.push_back(std::move(sh));
    } else {
        // the line is not repeated: it could be part of a file that is no
        // stub at all
        throw Xapian::DatabaseOpeningError("unrecognised stub line (type '" +
                                           type.substr(0, 16) + "')");
    }
}

// Open path, a database or a stub (a file, or a directory holding
// XAPIANDB), appending its databases to out; name is what a lone database
// is called.  The one stub parser is frs_stub_read (layout.c).
void open_into(std::vector<Shard> &out, const std::string &path,
               const std::string &name, int depth, std::string &opening)
{
    frs_stub_entry_t *e = nullptr;
    size_t n = 0;
    frs_status_t rc = depth > MAX_STUB_DEPTH
                          ? FRS_ENOTFOUND
                          : frs_stub_read(path.c_str(), &e, &n);
    if (rc == FRS_ENOMEM)
        throw std::bad_alloc();
    if (rc != FRS_OK) {
        // not a stub: Xapian says what it is, or what is wrong with it
        Shard sh;
        sh.name = name;
        sh.db = Xapian::Database(path);
        out.push_back(std::move(sh));
        return;
    }
    try {
        for (size_t i = 0; i < n; i++)
            open_entry(out, e[i].type, e[i].where,
                       e[i].path ? e[i].path : e[i].where, depth, opening);
    } catch (...) {
        frs_stub_free(e, n);
        throw;
    }
    frs_stub_free(e, n);
}

// (Re)open everything h reads, afresh.  On failure h keeps what it had,
// and opening names the shard being opened.
void open_reader(frs_xr_t *h, std::string &opening)
{
    std::vector<Shard> shards;
    if (h->path.empty())
        open_entry(shards, h->entry_type, h->entry_where, h->entry_where, 0,
                   opening);
    else
        open_into(shards, h->path, "", 0, opening);
    Xapian::Database db;
    bool remote = false;
    for (const Shard &sh : shards) {
        db.add_database(sh.db);
        remote = remote || sh.remote;
    }
    h->db = db;
    h->shards = std::move(shards);
    h->remote = remote;
    h->broken = false;
}

// Bring a reader to the latest revision.  A database renamed into place
// over the old path (or a replaced stub file, or a sharded index's stub
// rewritten with a new shard) has a new inode: Xapian's reopen() would keep
// reading the old files, so open the path afresh.  So too when a remote
// shard's connection broke: the server may be back.
bool reopen_reader(frs_xr_t *h)
{
    dev_t dev, sdev;
    ino_t ino, sino;
    note_identity(h, &dev, &ino, &sdev, &sino);
    bool moved = dev != 0 && (dev != h->dev || ino != h->ino ||
                              sdev != h->stub_dev || sino != h->stub_ino);
    if (!moved && !h->broken) {
        try {
            return h->db.reopen();
        } catch (const Xapian::NetworkTimeoutError &) {
            throw; // the server is there but does not answer: do not wait
                   // for it twice
        } catch (const Xapian::NetworkError &) {
            // a remote shard's connection broke: reconnect below (this
            // throws again if the server is still unreachable)
        }
    }
    std::string opening;
    open_reader(h, opening);
    h->dev = dev;
    h->ino = ino;
    h->stub_dev = sdev;
    h->stub_ino = sino;
    return true;
}

}  // namespace

/* ---------- documents ---------- */

extern "C" frs_status_t frs_xdoc_new(frs_xdoc_t **out) noexcept
{
    if (!out)
        return FRS_EINVAL;
    *out = nullptr;
    try {
        *out = new frs_xdoc;
        return FRS_OK;
    } catch (...) {
        return xdb_fail(nullptr, 0, nullptr);
    }
}

extern "C" void frs_xdoc_free(frs_xdoc_t *doc) noexcept
{
    delete doc;
}

extern "C" frs_status_t frs_xdoc_add_posting(frs_xdoc_t *doc, const char *term,
                                             size_t len, unsigned pos) noexcept
{
    if (!doc || !term || len == 0)
        return FRS_EINVAL;
    try {
        doc->doc.add_posting(std::string(term, len), pos, 1);
        return FRS_OK;
    } catch (...) {
        return xdb_fail(nullptr, 0, nullptr);
    }
}

extern "C" frs_status_t frs_xdoc_add_term(frs_xdoc_t *doc, const char *term,
                                          size_t len,
                                          unsigned wdf_inc) noexcept
{
    if (!doc || !term || len == 0)
        return FRS_EINVAL;
    try {
        if (wdf_inc == 0)
            doc->doc.add_boolean_term(std::string(term, len));
        else
            doc->doc.add_term(std::string(term, len), wdf_inc);
        return FRS_OK;
    } catch (...) {
        return xdb_fail(nullptr, 0, nullptr);
    }
}

extern "C" frs_status_t frs_xdoc_set_value(frs_xdoc_t *doc, unsigned slot,
                                           const char *val,
                                           size_t len) noexcept
{
    if (!doc || (!val && len))
        return FRS_EINVAL;
    try {
        doc->doc.add_value(slot, val ? std::string(val, len) : std::string());
        return FRS_OK;
    } catch (...) {
        return xdb_fail(nullptr, 0, nullptr);
    }
}

extern "C" frs_status_t frs_xdoc_set_data(frs_xdoc_t *doc, const char *data,
                                          size_t len) noexcept
{
    if (!doc || (!data && len))
        return FRS_EINVAL;
    try {
        doc->doc.set_data(data ? std::string(data, len) : std::string());
        return FRS_OK;
    } catch (...) {
        return xdb_fail(nullptr, 0, nullptr);
    }
}

/* ---------- writer ---------- */

extern "C" frs_status_t frs_xdb_open(const char *path, unsigned flags,
                                     frs_xdb_t **out, char **errmsg) noexcept
{
    if (errmsg)
        *errmsg = nullptr;
    if (!out)
        return FRS_EINVAL;
    *out = nullptr;
    if (!path || !*path) {
        give_errmsg(errmsg, "invalid argument: empty database path");
        return FRS_EINVAL;
    }
    const unsigned known = FRS_XDB_CREATE | FRS_XDB_OVERWRITE |
                           FRS_XDB_NO_SYNC | FRS_XDB_WAIT_LOCK;
    if (flags & ~known) {
        give_errmsg(errmsg, "invalid argument: unknown frs_xdb_open flags");
        return FRS_EINVAL;
    }
    int xflags = Xapian::DB_BACKEND_GLASS;
    if (flags & FRS_XDB_OVERWRITE)
        xflags |= Xapian::DB_CREATE_OR_OVERWRITE;
    else if (flags & FRS_XDB_CREATE)
        xflags |= Xapian::DB_CREATE_OR_OPEN;
    else
        xflags |= Xapian::DB_OPEN;
    if (flags & FRS_XDB_NO_SYNC)
        xflags |= Xapian::DB_NO_SYNC;
    if (flags & FRS_XDB_WAIT_LOCK)
        xflags |= Xapian::DB_RETRY_LOCK;
    frs_xdb_t *h = nullptr;
    try {
        h = new frs_xdb;
        h->db = Xapian::WritableDatabase(path, xflags);
        *out = h;
        return FRS_OK;
    } catch (...) {
        char msg[ERRMSG_SIZE] = "";
        frs_status_t rc = xdb_fail(msg, sizeof msg, path);
        delete h;
        give_errmsg(errmsg, msg);
        return rc;
    }
}

extern "C" void frs_xdb_free(frs_xdb_t *h) noexcept
{
    if (!h)
        return;
    // Discard uncommitted changes: they are always inside a transaction.
    try {
        if (h->txn != TXN_NONE) {
            h->txn = TXN_NONE;
            h->db.cancel_transaction();
        }
    } catch (...) {
    }
    try {
        h->db.close();
    } catch (...) {
    }
    delete h;
}

extern "C" const char *frs_xdb_errmsg(const frs_xdb_t *h) noexcept
{
    return h ? h->err : "invalid argument: NULL database handle";
}

extern "C" frs_status_t frs_xdb_begin(frs_xdb_t *h) noexcept
{
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    if (h->txn == TXN_EXPLICIT)
        return einval(h->err, "a transaction is already open");
    try {
        // Changes made since the last commit (implicit transaction) become
        // part of the explicit one.
        ensure_txn(h);
        h->txn = TXN_EXPLICIT;
        return FRS_OK;
    } catch (...) {
        return xdb_fail(h);
    }
}

extern "C" frs_status_t frs_xdb_commit(frs_xdb_t *h) noexcept
{
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    try {
        if (h->txn != TXN_NONE) {
            h->txn = TXN_NONE;
            h->db.commit_transaction();
        }
        h->db.commit();
        return FRS_OK;
    } catch (...) {
        frs_status_t rc = xdb_fail(h);
        // Whatever was not committed must stay discardable by cancel/free:
        // put it back inside a transaction.
        try {
            ensure_txn(h);
        } catch (...) {
        }
        return rc;
    }
}

extern "C" frs_status_t frs_xdb_cancel(frs_xdb_t *h) noexcept
{
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    try {
        if (h->txn != TXN_NONE) {
            h->txn = TXN_NONE;
            h->db.cancel_transaction();
        }
        return FRS_OK;
    } catch (...) {
        return xdb_fail(h);
    }
}

extern "C" frs_status_t frs_xdb_replace(frs_xdb_t *h, const char *uid_term,
                                        const frs_xdoc_t *doc) noexcept
{
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    if (!doc)
        return einval(h->err, "NULL document");
    if (uid_term && !*uid_term)
        return einval(h->err, "empty unique term");
    try {
        ensure_txn(h);
        if (uid_term)
            h->db.replace_document(uid_term, doc->doc);
        else
            h->db.add_document(doc->doc);
        return FRS_OK;
    } catch (...) {
        return xdb_fail(h);
    }
}

extern "C" frs_status_t frs_xdb_delete_term(frs_xdb_t *h, const char *term,
                                            unsigned *ndeleted) noexcept
{
    if (ndeleted)
        *ndeleted = 0;
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    if (!term || !*term)
        return einval(h->err, "empty term");
    try {
        Xapian::doccount n = h->db.get_termfreq(term);
        if (n) {
            ensure_txn(h);
            h->db.delete_document(term);
        }
        if (ndeleted)
            *ndeleted = n;
        return FRS_OK;
    } catch (...) {
        return xdb_fail(h);
    }
}

namespace {

// *out = the value in slot of the first document indexed by term, or NULL
// when none is.  Readers and writers alike (a WritableDatabase is one).
frs_status_t first_value(const Xapian::Database &db, const char *term,
                         unsigned slot, char **out)
{
    Xapian::PostingIterator it = db.postlist_begin(term);
    if (it != db.postlist_end(term))
        *out = dup_string(db.get_document(*it).get_value(slot));
    return FRS_OK;
}

}  // namespace

extern "C" frs_status_t frs_xdb_first_value(frs_xdb_t *h, const char *term,
                                            unsigned slot, char **out) noexcept
{
    if (out)
        *out = nullptr;
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    if (!out)
        return einval(h->err, "NULL output");
    if (!term || !*term)
        return einval(h->err, "empty term");
    try {
        return first_value(h->db, term, slot, out);
    } catch (...) {
        return xdb_fail(h);
    }
}

extern "C" frs_status_t frs_xdb_set_metadata(frs_xdb_t *h, const char *key,
                                             const char *value) noexcept
{
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    if (!key || !*key)
        return einval(h->err, "empty metadata key");
    try {
        ensure_txn(h);
        h->db.set_metadata(key, value ? value : "");
        return FRS_OK;
    } catch (...) {
        return xdb_fail(h);
    }
}

extern "C" frs_status_t frs_xdb_get_metadata(frs_xdb_t *h, const char *key,
                                             char **out) noexcept
{
    if (out)
        *out = nullptr;
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    if (!out)
        return einval(h->err, "NULL output");
    if (!key || !*key)
        return einval(h->err, "empty metadata key");
    try {
        *out = dup_string(h->db.get_metadata(key));
        return FRS_OK;
    } catch (...) {
        return xdb_fail(h);
    }
}

extern "C" frs_status_t frs_xdb_doccount(frs_xdb_t *h,
                                         unsigned long long *out) noexcept
{
    if (out)
        *out = 0;
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    if (!out)
        return einval(h->err, "NULL output");
    try {
        *out = h->db.get_doccount();
        return FRS_OK;
    } catch (...) {
        return xdb_fail(h);
    }
}

/* ---------- reader ---------- */

namespace {

// Open a reader: of the database or stub at path, or (path NULL) of one
// stub line.  *errmsg names the shard that could not be opened.
frs_status_t open_handle(const char *path, const char *type,
                         const char *where, frs_xr_t **out,
                         char **errmsg) noexcept
{
    frs_xr_t *h = nullptr;
    std::string opening;
    try {
        h = new frs_xr;
        if (path) {
            h->path = path;
            note_identity(h, &h->dev, &h->ino, &h->stub_dev, &h->stub_ino);
        } else {
            h->entry_type = type;
            h->entry_where = where;
        }
        open_reader(h, opening);
        *out = h;
        return FRS_OK;
    } catch (...) {
        char msg[ERRMSG_SIZE] = "";
        std::string named;
        try {
            named = path ? path : "";
            if (path && !opening.empty())
                named += ": shard " + opening;
        } catch (...) {
        }
        frs_status_t rc = xdb_fail(msg, sizeof msg, path,
                                   named.empty() ? nullptr : named.c_str());
        delete h;
        give_errmsg(errmsg, msg);
        return rc;
    }
}

}  // namespace

extern "C" frs_status_t frs_xr_open(const char *path, frs_xr_t **out,
                                    char **errmsg) noexcept
{
    if (errmsg)
        *errmsg = nullptr;
    if (!out)
        return FRS_EINVAL;
    *out = nullptr;
    if (!path || !*path) {
        give_errmsg(errmsg, "invalid argument: empty database path");
        return FRS_EINVAL;
    }
    return open_handle(path, nullptr, nullptr, out, errmsg);
}

extern "C" frs_status_t frs_xr_open_entry(const char *type, const char *where,
                                          const char *path, frs_xr_t **out,
                                          char **errmsg) noexcept
{
    if (errmsg)
        *errmsg = nullptr;
    if (!out)
        return FRS_EINVAL;
    *out = nullptr;
    if (!type || !where) {
        give_errmsg(errmsg, "invalid argument: NULL stub entry");
        return FRS_EINVAL;
    }
    if (strcmp(type, "remote") != 0 && strcmp(type, "inmemory") != 0)
        return frs_xr_open(path ? path : where, out, errmsg);
    return open_handle(nullptr, type, where, out, errmsg);
}

extern "C" void frs_xdb_set_remote_timeouts(unsigned timeout_ms,
                                            unsigned connect_ms) noexcept
{
    remote_timeout_ms = timeout_ms;
    remote_connect_ms = connect_ms;
}

extern "C" void frs_xr_free(frs_xr_t *h) noexcept
{
    if (!h)
        return;
    try {
        h->db.close();
    } catch (...) {
    }
    delete h;
}

extern "C" const char *frs_xr_errmsg(const frs_xr_t *h) noexcept
{
    return h ? h->err : "invalid argument: NULL reader handle";
}

extern "C" frs_status_t frs_xr_reopen(frs_xr_t *h, int *changed) noexcept
{
    if (changed)
        *changed = 0;
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    try {
        bool c = reopen_reader(h);
        if (changed)
            *changed = c ? 1 : 0;
        return FRS_OK;
    } catch (...) {
        return xdb_fail(h);
    }
}

extern "C" frs_status_t frs_xr_get_metadata(frs_xr_t *h, const char *key,
                                            char **out) noexcept
{
    if (out)
        *out = nullptr;
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    if (!out)
        return einval(h->err, "NULL output");
    if (!key || !*key)
        return einval(h->err, "empty metadata key");
    try {
        *out = dup_string(h->db.get_metadata(key));
        return FRS_OK;
    } catch (...) {
        return xdb_fail(h);
    }
}

extern "C" frs_status_t frs_xr_each_shard_metadata(frs_xr_t *h,
                                                   const char *key,
                                                   frs_shard_meta_cb cb,
                                                   void *ctx) noexcept
{
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    h->fault.clear();
    if (!key || !*key || !cb)
        return einval(h->err, "empty metadata key or NULL callback");
    std::string v;
    for (const Shard &sh : h->shards) {
        try {
            v = sh.db.get_metadata(key);
        } catch (...) {
            frs_status_t rc = xdb_fail(h);
            h->fault = sh.name;
            return rc;
        }
        cb(ctx, sh.name.c_str(), sh.remote ? 1 : 0, v.c_str());
    }
    return FRS_OK;
}

extern "C" frs_status_t frs_xr_stats(frs_xr_t *h, frs_xr_stats_t *out) noexcept
{
    if (out)
        *out = frs_xr_stats_t{};
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    if (!out)
        return einval(h->err, "NULL output");
    try {
        frs_xr_stats_t s{};
        s.doccount = h->db.get_doccount();
        s.lastdocid = h->db.get_lastdocid();
        s.total_length = h->db.get_total_length();
        s.avlength = h->db.get_avlength();
        s.has_positions = h->db.has_positions() ? 1 : 0;
        *out = s;
        return FRS_OK;
    } catch (...) {
        return xdb_fail(h);
    }
}

extern "C" frs_status_t frs_xr_termfreq(frs_xr_t *h, const char *term,
                                        size_t len,
                                        unsigned long long *out) noexcept
{
    if (out)
        *out = 0;
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    if (!out || (!term && len))
        return einval(h->err, "NULL term or output");
    if (len == 0)
        return FRS_OK; // the empty term indexes no document
    try {
        *out = h->db.get_termfreq(std::string(term, len));
        return FRS_OK;
    } catch (...) {
        return xdb_fail(h);
    }
}

extern "C" frs_status_t frs_xr_doc_wdf(frs_xr_t *h, unsigned docid,
                                       const char *term, size_t len,
                                       unsigned *wdf) noexcept
{
    if (wdf)
        *wdf = 0;
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    if (!wdf || (!term && len))
        return einval(h->err, "NULL term or output");
    if (docid == 0)
        return einval(h->err, "document id 0");
    try {
        std::string t(term ? term : "", len);
        Xapian::TermIterator it = h->db.termlist_begin(docid);
        Xapian::TermIterator end = h->db.termlist_end(docid);
        if (len) {
            it.skip_to(t);
            if (it != end && *it == t)
                *wdf = it.get_wdf();
        }
        return FRS_OK;
    } catch (...) {
        return xdb_fail(h);
    }
}

extern "C" frs_status_t frs_xr_doclength(frs_xr_t *h, unsigned docid,
                                         unsigned long long *out) noexcept
{
    if (out)
        *out = 0;
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    if (!out)
        return einval(h->err, "NULL output");
    if (docid == 0)
        return einval(h->err, "document id 0");
    try {
        *out = h->db.get_doclength(docid);
        return FRS_OK;
    } catch (...) {
        return xdb_fail(h);
    }
}

extern "C" frs_status_t frs_xr_first_value(frs_xr_t *h, const char *term,
                                           unsigned slot, char **out) noexcept
{
    if (out)
        *out = nullptr;
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    if (!out)
        return einval(h->err, "NULL output");
    if (!term || !*term)
        return einval(h->err, "empty term");
    try {
        return first_value(h->db, term, slot, out);
    } catch (...) {
        return xdb_fail(h);
    }
}

extern "C" frs_status_t frs_xr_doc_value(frs_xr_t *h, unsigned docid,
                                         unsigned slot, char **out,
                                         size_t *len) noexcept
{
    if (out)
        *out = nullptr;
    if (len)
        *len = 0;
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    if (!out || !len)
        return einval(h->err, "NULL output");
    if (docid == 0)
        return einval(h->err, "document id 0");
    try {
        std::string v = h->db.get_document(docid).get_value(slot);
        char *p = static_cast<char *>(std::malloc(v.size() + 1));
        if (!p)
            return FRS_ENOMEM;
        std::memcpy(p, v.data(), v.size());
        p[v.size()] = '\0';
        *out = p;
        *len = v.size();
        return FRS_OK;
    } catch (...) {
        return xdb_fail(h);
    }
}

extern "C" frs_status_t frs_xr_positions(frs_xr_t *h, unsigned docid,
                                         const char *term, size_t len,
                                         unsigned **pos, size_t *n) noexcept
{
    if (pos)
        *pos = nullptr;
    if (n)
        *n = 0;
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    if (!pos || !n || !term || len == 0)
        return einval(h->err, "NULL term or output");
    if (docid == 0)
        return einval(h->err, "document id 0");
    try {
        std::string t(term, len);
        std::vector<unsigned> v;
        for (Xapian::PositionIterator it = h->db.positionlist_begin(docid, t),
                                      end = h->db.positionlist_end(docid, t);
             it != end; ++it)
            v.push_back(*it);
        if (v.empty())
            return FRS_OK;
        unsigned *a = static_cast<unsigned *>(
            std::malloc(v.size() * sizeof *a));
        if (!a)
            return FRS_ENOMEM;
        std::memcpy(a, v.data(), v.size() * sizeof *a);
        *pos = a;
        *n = v.size();
        return FRS_OK;
    } catch (...) {
        return xdb_fail(h);
    }
}

extern "C" frs_status_t frs_xr_each_term(frs_xr_t *h, const char *prefix,
                                         size_t max, frs_lex_cb cb,
                                         void *ctx) noexcept
{
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    if (!prefix || !cb)
        return einval(h->err, "NULL prefix or callback");
    try {
        size_t n = 0;
        for (Xapian::TermIterator t = h->db.allterms_begin(prefix),
                                  end = h->db.allterms_end(prefix);
             t != end && (max == 0 || n < max); ++t, ++n) {
            const std::string &term = *t;
            if (cb(ctx, term.data(), term.size(), t.get_termfreq()) != 0)
                break;
        }
        return FRS_OK;
    } catch (...) {
        return xdb_fail(h);
    }
}

extern "C" frs_status_t frs_xr_count_terms(frs_xr_t *h, const char *prefix,
                                           unsigned long long *out) noexcept
{
    if (out)
        *out = 0;
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    if (!out)
        return einval(h->err, "NULL output");
    try {
        std::string p(prefix ? prefix : "");
        unsigned long long n = 0;
        for (Xapian::TermIterator it = h->db.allterms_begin(p),
                                  end = h->db.allterms_end(p);
             it != end; ++it)
            n++;
        *out = n;
        return FRS_OK;
    } catch (...) {
        return xdb_fail(h);
    }
}

namespace {

constexpr int MAX_QUERY_DEPTH = 1000;

Xapian::Query build_query(const frs_qnode_t *q, int depth);

// Combine the children of q with op (no children: MatchNothing).
Xapian::Query combine(Xapian::Query::op op, const frs_qnode_t *q, int depth,
                      Xapian::termcount window = 0)
{
    std::vector<Xapian::Query> kids;
    kids.reserve(q->nkids);
    for (size_t i = 0; i < q->nkids; i++)
        kids.push_back(build_query(q->kids[i], depth + 1));
    if (kids.empty())
        return Xapian::Query();
    if (kids.size() == 1)
        return kids[0];
    return Xapian::Query(op, kids.begin(), kids.end(), window);
}

// Translate the C query tree into a Xapian::Query.  Throws BadArgument for a
// malformed tree.
Xapian::Query build_query(const frs_qnode_t *q, int depth)
{
    if (!q)
        throw BadArgument{"invalid query: NULL node"};
    if (depth > MAX_QUERY_DEPTH)
        throw BadArgument{"invalid query: nested too deeply"};
    if (q->nkids && !q->kids)
        throw BadArgument{"invalid query: missing children array"};
    switch (q->op) {
    case FRS_Q_TERM:
        // Query("") would match every document: refuse it.
        if (!q->term || q->term_len == 0)
            throw BadArgument{"invalid query: empty term"};
        return Xapian::Query(std::string(q->term, q->term_len), 1);
    case FRS_Q_PHRASE:
        return combine(Xapian::Query::OP_PHRASE, q, depth,
                       static_cast<Xapian::termcount>(q->nkids));
    case FRS_Q_OR:
        return combine(Xapian::Query::OP_OR, q, depth);
    case FRS_Q_AND:
        return combine(Xapian::Query::OP_AND, q, depth);
    case FRS_Q_AND_NOT:
        return combine(Xapian::Query::OP_AND_NOT, q, depth);
    case FRS_Q_AND_MAYBE:
        return combine(Xapian::Query::OP_AND_MAYBE, q, depth);
    case FRS_Q_FILTER:
        return combine(Xapian::Query::OP_FILTER, q, depth);
    case FRS_Q_SCALE:
        if (q->nkids != 1)
            throw BadArgument{"invalid query: SCALE needs exactly one child"};
        if (!(q->scale >= 0))
            throw BadArgument{"invalid query: negative or NaN scale"};
        return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                             build_query(q->kids[0], depth + 1), q->scale);
    case FRS_Q_VALUE_RANGE: {
        bool has_lo = q->lo && *q->lo, has_hi = q->hi && *q->hi;
        if (has_lo && has_hi)
            return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, q->slot,
                                 q->lo, q->hi);
        if (has_lo)
            return Xapian::Query(Xapian::Query::OP_VALUE_GE, q->slot, q->lo);
        if (has_hi)
            return Xapian::Query(Xapian::Query::OP_VALUE_LE, q->slot, q->hi);
        return Xapian::Query::MatchAll;
    }
    case FRS_Q_MATCH_ALL:
        return Xapian::Query::MatchAll;
    case FRS_Q_WILDCARD:
        // An empty pattern would expand to every term of the field.
        if (!q->term || q->term_len <= q->field_len)
            throw BadArgument{"invalid query: empty prefix"};
        return Xapian::Query(Xapian::Query::OP_WILDCARD,
                             std::string(q->term, q->term_len),
                             q->max_expansion,
                             Xapian::Query::WILDCARD_LIMIT_ERROR,
                             Xapian::Query::OP_MAX);
    }
    throw BadArgument{"invalid query: unknown operator"};
}

struct HitRec {
    Xapian::docid docid;
    double weight;
    Xapian::doccount collapse_count;
    std::string data;
};

// Sort key for FRS_XDB_SORT_*: the value, with an empty one mapped past
// every other so that documents without one come last in either order.
class ValueLastKey : public Xapian::KeyMaker {
    Xapian::valueno slot_;
    bool desc_;

  public:
    ValueLastKey(Xapian::valueno slot, bool desc) : slot_(slot), desc_(desc) {}
    std::string operator()(const Xapian::Document &doc) const override
    {
        std::string v = doc.get_value(slot_);
        if (v.empty())
            return desc_ ? std::string() : std::string(1, '\xff');
        return v;
    }
};

// Run the query once; fills hits and info.  May throw DatabaseModifiedError.
typedef std::vector<std::pair<std::string, Xapian::doccount>> Facets;

void run_search(Xapian::Database &db, const Xapian::Query &query,
                const frs_search_opts_t *o, std::vector<HitRec> &hits,
                frs_search_info_t &info, Facets &facets)
{
    hits.clear();
    Xapian::Enquire enq(db);
    enq.set_query(query);
    enq.set_weighting_scheme(
        Xapian::BM25Weight(o->k1, 0, 1, o->b, o->min_normlen));
    if (o->collapse_slot >= 0)
        enq.set_collapse_key(static_cast<Xapian::valueno>(o->collapse_slot),
                             1);
    ValueLastKey key(o->sort_slot, o->sort_order == FRS_XDB_SORT_DESC);
    if (o->sort_order != FRS_XDB_SORT_NONE)
        enq.set_sort_by_key_then_relevance(&key,
                                           o->sort_order == FRS_XDB_SORT_DESC);
    Xapian::ValueCountMatchSpy spy(o->facet_slot);
    Xapian::doccount check = o->check_at_least;
    if (o->facet_cb) {
        enq.add_matchspy(&spy);
        check = db.get_doccount(); // count every match, not a sample
    }
    Xapian::MSet mset = enq.get_mset(o->first, o->max, check);
    info.estimated = mset.get_matches_estimated();
    info.lower = mset.get_matches_lower_bound();
    info.upper = mset.get_matches_upper_bound();
    info.max_possible = mset.get_max_possible();
    // Fetch everything before delivering anything, so that a retry after
    // DatabaseModifiedError never hands the same hit out twice.
    hits.reserve(mset.size());
    for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it) {
        HitRec r;
        r.docid = *it;
        r.weight = it.get_weight();
        r.collapse_count = it.get_collapse_count();
        r.data = it.get_document().get_data();
        hits.push_back(std::move(r));
    }
    facets.clear();
    if (o->facet_cb) {
        for (Xapian::TermIterator t = spy.values_begin(); t != spy.values_end();
             ++t)
            facets.emplace_back(*t, t.get_termfreq());
    }
}

// The first wildcard of q that expands to more terms than its limit in db,
// or NULL.  Throws like any read.
const frs_qnode_t *wide_wildcard(Xapian::Database &db, const frs_qnode_t *q,
                                 int depth)
{
    if (!q || depth > MAX_QUERY_DEPTH)
        return nullptr;
    if (q->op == FRS_Q_WILDCARD && q->term) {
        std::string p(q->term, q->term_len);
        Xapian::termcount n = 0;
        for (Xapian::TermIterator it = db.allterms_begin(p),
                                  end = db.allterms_end(p);
             it != end && n <= q->max_expansion; ++it)
            n++;
        return n > q->max_expansion ? q : nullptr;
    }
    for (size_t i = 0; i < q->nkids && q->kids; i++)
        if (const frs_qnode_t *w = wide_wildcard(db, q->kids[i], depth + 1))
            return w;
    return nullptr;
}

// A prefix search expanded to too many words: FRS_EINVAL, with a message
// naming the prefix (without its field prefix) and the limit.
frs_status_t wildcard_fail(frs_xr_t *h, const frs_qnode_t *q,
                           const Xapian::WildcardError &e) noexcept
{
    try {
        const frs_qnode_t *w = wide_wildcard(h->db, q, 0);
        if (w) {
            set_msg(h->err, ERRMSG_SIZE,
                    "the prefix '%.*s*' matches more than %u words; type "
                    "more of the word",
                    static_cast<int>(w->term_len - w->field_len),
                    w->term + w->field_len, w->max_expansion);
            return FRS_EINVAL;
        }
    } catch (...) {
        // fall back on Xapian's message
    }
    set_msg(h->err, ERRMSG_SIZE, "a prefix matches too many words: %s",
            e.get_msg().c_str());
    return FRS_EINVAL;
}

// After a failed search over several shards: the one that fails it alone
// is the one to name (when the probe found none).
void blame_search(frs_xr_t *h, const Xapian::Query &query,
                  const frs_search_opts_t *o) noexcept
{
    if (h->shards.size() < 2 || !h->fault.empty())
        return;
    try {
        frs_search_opts_t one = *o;
        one.facet_cb = nullptr;
        for (Shard &sh : h->shards) {
            if (sh.remote)
                continue;
            try {
                std::vector<HitRec> hits;
                frs_search_info_t si{};
                Facets facets;
                run_search(sh.db, query, &one, hits, si, facets);
            } catch (const Xapian::Error &) {
                h->fault = sh.name;
                return;
            }
        }
    } catch (...) {
    }
}

}  // namespace

extern "C" frs_status_t frs_xr_search(frs_xr_t *h, const frs_qnode_t *q,
                                      const frs_search_opts_t *opts,
                                      frs_hit_cb cb, void *ctx,
                                      frs_search_info_t *info) noexcept
{
    if (info)
        *info = frs_search_info_t{};
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    if (!q || !opts)
        return einval(h->err, "NULL query or options");
    if (opts->collapse_slot < -1)
        return einval(h->err, "collapse_slot must be -1 or a slot number");
    Xapian::Query query;
    try {
        query = build_query(q, 0);
        std::vector<HitRec> hits;
        Facets facets;
        frs_search_info_t si{};
        try {
            run_search(h->db, query, opts, hits, si, facets);
        } catch (const Xapian::DatabaseModifiedError &) {
            // The revision we were reading was overwritten: move to the
            // latest one and retry once (a second failure is reported).
            reopen_reader(h);
            run_search(h->db, query, opts, hits, si, facets);
        }
        if (info)
            *info = si;
        for (const auto &f : facets)
            opts->facet_cb(opts->facet_ctx, f.first.data(), f.first.size(),
                           f.second);
        if (cb) {
            for (size_t i = 0; i < hits.size(); i++) {
                frs_hit_t hit;
                hit.docid = hits[i].docid;
                hit.rank = static_cast<unsigned>(i);
                hit.score = hits[i].weight;
                hit.data = hits[i].data.c_str();
                hit.data_len = hits[i].data.size();
                hit.collapse_count = hits[i].collapse_count;
                if (cb(ctx, &hit) != 0)
                    break;
            }
        }
        return FRS_OK;
    } catch (const Xapian::WildcardError &e) {
        return wildcard_fail(h, q, e);
    } catch (...) {
        frs_status_t rc = xdb_fail(h);
        if (rc != FRS_EREMOTE && rc != FRS_EINVAL && rc != FRS_ENOMEM)
            blame_search(h, query, opts);
        return rc;
    }
}

/* ---------- spelling, compaction, checking ---------- */

extern "C" frs_status_t frs_xdb_add_spelling(frs_xdb_t *h, const char *word,
                                             size_t len, unsigned inc) noexcept
{
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    if (!word || len == 0 || inc == 0)
        return einval(h->err, "empty spelling word");
    try {
        ensure_txn(h);
        h->db.add_spelling(std::string(word, len), inc);
        return FRS_OK;
    } catch (...) {
        return xdb_fail(h);
    }
}

extern "C" frs_status_t frs_xr_spelling(frs_xr_t *h, const char *word,
                                        size_t len, unsigned max_edit,
                                        char **out) noexcept
{
    if (out)
        *out = nullptr;
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    if (!out || !word)
        return einval(h->err, "NULL word or output");
    try {
        std::string s = h->db.get_spelling_suggestion(std::string(word, len),
                                                      max_edit);
        if (!s.empty())
            *out = dup_string(s);
        return FRS_OK;
    } catch (...) {
        return xdb_fail(h);
    }
}

extern "C" frs_status_t frs_xdb_compact(const char *src, const char *dst,
                                        char **errmsg) noexcept
{
    if (errmsg)
        *errmsg = nullptr;
    if (!src || !dst || !*src || !*dst) {
        give_errmsg(errmsg, "invalid argument: empty database path");
        return FRS_EINVAL;
    }
    try {
        Xapian::Database db(src);
        db.compact(dst, Xapian::DBCOMPACT_NO_RENUMBER);
        return FRS_OK;
    } catch (...) {
        char msg[ERRMSG_SIZE] = "";
        frs_status_t rc = xdb_fail(msg, sizeof msg, src);
        give_errmsg(errmsg, msg);
        return rc;
    }
}

extern "C" frs_status_t frs_xdb_merge(const char *const *srcs, size_t n,
                                      const char *dst, char **errmsg) noexcept
{
    if (errmsg)
        *errmsg = nullptr;
    if (!srcs || n == 0 || !dst || !*dst) {
        give_errmsg(errmsg, "invalid argument: nothing to merge");
        return FRS_EINVAL;
    }
    try {
        Xapian::Database all;
        for (size_t i = 0; i < n; i++)
            all.add_database(Xapian::Database(srcs[i]));
        all.compact(dst, Xapian::DBCOMPACT_MULTIPASS);
        return FRS_OK;
    } catch (...) {
        char msg[ERRMSG_SIZE] = "";
        frs_status_t rc = xdb_fail(msg, sizeof msg, dst);
        give_errmsg(errmsg, msg);
        return rc;
    }
}

extern "C" frs_status_t frs_xdb_check(const char *path,
                                      unsigned long long *nerrors,
                                      char **report) noexcept
{
    if (nerrors)
        *nerrors = 0;
    if (report)
        *report = nullptr;
    if (!path || !nerrors || !report)
        return FRS_EINVAL;
    try {
        std::ostringstream os;
        size_t n = Xapian::Database::check(path, Xapian::DBCHECK_SHOW_STATS,
                                           &os);
        *nerrors = n;
        *report = dup_string(os.str());
        return FRS_OK;
    } catch (...) {
        char msg[ERRMSG_SIZE] = "";
        frs_status_t rc = xdb_fail(msg, sizeof msg, path);
        try {
            *report = dup_string(msg);
        } catch (...) {
            *report = nullptr;
        }
        return rc;
    }
}

/* ---------- iteration ---------- */

extern "C" frs_status_t frs_xdb_each_term(frs_xdb_t *h, const char *prefix,
                                          frs_term_cb cb, void *ctx) noexcept
{
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    if (!prefix || !cb)
        return einval(h->err, "NULL prefix or callback");
    try {
        // Copy the terms first: the callback may change the database.
        std::vector<std::string> terms;
        for (Xapian::TermIterator t = h->db.allterms_begin(prefix);
             t != h->db.allterms_end(prefix); ++t)
            terms.push_back(*t);
        for (const auto &t : terms)
            if (cb(ctx, t.data(), t.size()) != 0)
                break;
        return FRS_OK;
    } catch (...) {
        return xdb_fail(h);
    }
}

extern "C" frs_status_t frs_xr_each_doc(frs_xr_t *h, unsigned slot,
                                        frs_doc_cb cb, void *ctx) noexcept
{
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    if (!cb)
        return einval(h->err, "NULL callback");
    try {
        for (Xapian::PostingIterator p = h->db.postlist_begin("");
             p != h->db.postlist_end(""); ++p) {
            Xapian::Document d = h->db.get_document(*p);
            const std::string data = d.get_data();
            const std::string v = d.get_value(slot);
            if (cb(ctx, *p, data.data(), data.size(), v.data(), v.size()) != 0)
                break;
        }
        return FRS_OK;
    } catch (...) {
        return xdb_fail(h);
    }
}

extern "C" int frs_xr_has_remote(const frs_xr_t *h) noexcept
{
    return h && h->remote ? 1 : 0;
}

extern "C" const char *frs_xr_fault(const frs_xr_t *h) noexcept
{
    return h ? h->fault.c_str() : "";
}

extern "C" frs_status_t frs_xr_probe(frs_xr_t *h,
                                     unsigned long long *doccount) noexcept
{
    if (doccount)
        *doccount = 0;
    if (!h)
        return FRS_EINVAL;
    h->err[0] = '\0';
    h->fault.clear();
    try {
        reopen_reader(h);
        unsigned long long n = 0;
        for (Shard &sh : h->shards) {
            h->fault = sh.name;
            n += probe_db(sh.db, sh.remote);
        }
        h->fault.clear();
        if (doccount)
            *doccount = n;
        return FRS_OK;
    } catch (...) {
        std::string f = h->fault;
        frs_status_t rc = xdb_fail(h);
        if (h->fault.empty())
            h->fault.swap(f);
        return rc;
    }
}
