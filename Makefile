# frs: French full-text search over Xapian.  Non-recursive make.
#   make                 build build/indexer and build/query (installed as frs-indexer, frs-query)
#   make check           unit tests (cmocka) and end-to-end tests
#   make SAN=1 check     the same under AddressSanitizer + UBSan (in build-san/)
#   make install         PREFIX=/usr/local DESTDIR=

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man

ifeq ($(SAN),1)
B ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# libxapian 1.4.22's Database::check() deletes one of its own table objects
# through a base class of another size, inside the library (not our code):
# ASan reports new-delete-type-mismatch.  Everything else stays on.
export ASAN_OPTIONS = new_delete_type_mismatch=0
# libxapian also leaks a little when a commit fails on a full disk: see
# tests/lsan.supp (library allocations only).
export LSAN_OPTIONS = suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
else
B ?= build
SANFLAGS =
endif

CC ?= cc
CXX ?= c++
OPT ?= -O2 -g
PKGS = xapian-core libutf8proc jansson libxxhash zlib
# libmicrohttpd: linked into query (and the tests that hold the server) only
MHD_LIBS = $(shell pkg-config --libs libmicrohttpd)
CPPFLAGS += -Icommon
CFLAGS += -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) -Wall -Wextra -Werror \
	-Wstrict-prototypes -Wmissing-prototypes -Wshadow $(SANFLAGS) \
	$(shell pkg-config --cflags libutf8proc jansson libxxhash zlib libmicrohttpd)
CXXFLAGS += -std=c++17 $(OPT) -Wall -Wextra -Werror $(SANFLAGS) \
	$(shell pkg-config --cflags xapian-core)
STEMMER_LIBS ?= $(shell pkg-config --libs libstemmer 2>/dev/null || echo -lstemmer)
LIBS = $(shell pkg-config --libs $(PKGS)) $(STEMMER_LIBS) -lm -pthread
LDFLAGS += $(SANFLAGS)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka)

COMMON_C = common/status.c common/utf8.c common/analyzer.c common/stopwords.c \
	common/qtree.c common/bm25.c common/passage.c common/docdata.c \
	common/buf.c common/hash.c common/dbswap.c common/strset.c common/layout.c \
	common/schema.c common/date.c
COMMON_CXX = common/xdb.cc
INDEXER_C = indexer/ingest.c indexer/plaintext.c indexer/docbuild.c \
	indexer/indexer.c indexer/parallel.c indexer/feed.c indexer/prune.c \
	indexer/summary.c indexer/run.c indexer/compact.c indexer/cli.c
QUERY_C = query/qparse.c query/highlight.c query/passages.c query/explain.c \
	query/search.c query/output.c query/admin.c query/suggest.c \
	query/server.c query/watchdog.c query/workq.c query/health.c \
	query/filter.c query/api.c query/listen.c query/http.c query/meili.c \
	query/routes.c query/cli.c query/longq.c
# readiness for systemd's Type=notify (sd_notify, libsystemd)
QUERY_C += query/notify.c
PKGS += libsystemd
# Meilisearch's documents, settings and facet-search routes
QUERY_C += query/meili_read.c

COMMON_O = $(COMMON_C:%.c=$(B)/obj/%.o) $(COMMON_CXX:%.cc=$(B)/obj/%.o)
INDEXER_O = $(INDEXER_C:%.c=$(B)/obj/%.o)
QUERY_O = $(QUERY_C:%.c=$(B)/obj/%.o) $(B)/obj/gen/www.o

COMMON_TESTS = utf8 analyzer qtree bm25 passage docdata xdb hash buf strset dbswap schema date \
	status
APP_TESTS = ingest plaintext indexer feed prune summary qparse highlight search suggest server \
	layout watchdog workq health
APP_TESTS += notify filter http meili run indexer_cli query_cli output longq
APP_TESTS += faults parallel docbuild
UNIT_BINS = $(COMMON_TESTS:%=$(B)/tests/test_%) $(APP_TESTS:%=$(B)/tests/test_%)
APP_TESTS += meili_read

all: $(B)/indexer $(B)/query

$(B)/indexer: $(B)/obj/indexer/main.o $(INDEXER_O) $(COMMON_O)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/query: $(B)/obj/query/main.o $(QUERY_O) $(COMMON_O)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS) $(MHD_LIBS)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/obj/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -MMD -MP -c -o $@ $<

# tests/fixture.c: scratch directories and small databases for every test
FIXTURE_O = $(B)/obj/tests/fixture.o

$(COMMON_TESTS:%=$(B)/tests/test_%): $(B)/tests/test_%: $(B)/obj/tests/test_%.o $(FIXTURE_O) $(INDEXER_O) $(COMMON_O)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS) $(CMOCKA_LIBS)

$(APP_TESTS:%=$(B)/tests/test_%): $(B)/tests/test_%: $(B)/obj/tests/test_%.o $(FIXTURE_O) $(INDEXER_O) $(QUERY_O) $(COMMON_O)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS) $(MHD_LIBS) $(CMOCKA_LIBS)

$(B)/obj/tests/%.o: CPPFLAGS += -Iindexer -Iquery
# fault injection: a failing commit and failing allocations of our own
# code (tests/test_faults.c defines the __wrap_ functions)
$(B)/tests/test_faults: LDFLAGS += -Wl,--wrap=frs_xdb_commit,--wrap=malloc,--wrap=calloc,--wrap=realloc

# The search page (query/www) is embedded into the query binary: embed.py
# writes its files as byte arrays into a generated source (never committed).
# Its script is InstantSearch over the Meilisearch API, bundled by esbuild
# from query/www/node_modules (`make deps` runs npm ci there) into
# $(B)/gen/app.js, never committed.
ESBUILD = query/www/node_modules/.bin/esbuild
WWW_FILES = query/www/index.html query/www/style.css $(B)/gen/app.js
$(B)/gen/app.js: query/www/app.js query/www/package-lock.json
	@mkdir -p $(dir $@)
	@[ -x $(ESBUILD) ] || { echo "query/www/node_modules is missing: run 'make deps' (npm ci in query/www)" >&2; exit 1; }
	$(ESBUILD) query/www/app.js --bundle --minify --format=iife --target=es2020 \
	  --legal-comments=none --log-level=warning --outfile=$@
$(B)/gen/www.c: query/www/embed.py $(WWW_FILES)
	@mkdir -p $(dir $@)
	python3 query/www/embed.py $@ $(WWW_FILES)

$(B)/obj/gen/www.o: $(B)/gen/www.c query/www/www.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Iquery/www $(CFLAGS) -c -o $@ $<

$(B)/obj/query/server.o $(B)/obj/query/routes.o: CPPFLAGS += -Iquery/www

DEPS = build-essential pkg-config libxapian-dev libstemmer-dev libcmocka-dev \
	libutf8proc-dev libjansson-dev libxxhash-dev zlib1g-dev xapian-tools python3 time \
	libmicrohttpd-dev curl chromium \
	clang libclang-rt-14-dev valgrind cppcheck clang-tidy \
	python3-xapian mandoc
# libsystemd-dev: query's readiness notification; then the Debian package
# and its checks (tests/cli/package.sh)
DEPS += libsystemd-dev debhelper lintian systemd man-db nginx logrotate
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Install the Debian packages needed to build and test (Debian 12).
deps:
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq --no-install-recommends $(DEPS)
	command -v npm >/dev/null || $(SUDO) apt-get install -y -qq --no-install-recommends nodejs npm
	cd tests/web && npm ci --no-audit --no-fund --loglevel=error
	cd query/www && npm ci --no-audit --no-fund --loglevel=error

# Everything CI runs: the tests, the tests again under ASan + UBSan,
# memcheck, static analysis, the relevance smoke check and a short fuzz run.
FUZZ_CI_SECONDS ?= 20
test:
	$(MAKE) check CHECK_WEB=1
	$(MAKE) SAN=1 check CHECK_WEB=1
	tests/valgrind.sh $(B)
	tests/lint.sh
	tests/cli/package.sh
	$(MAKE) eval-smoke
	$(MAKE) fuzz FUZZ_SECONDS=$(FUZZ_CI_SECONDS)

# The browser test: CHECK_WEB=auto (the default) skips it, saying so, when
# node, Chromium or the npm modules are missing; CHECK_WEB=1 (make test,
# hence CI) fails then; CHECK_WEB=0 leaves it out (the Debian package's
# own run)
CHECK_WEB ?= auto
check: all $(UNIT_BINS) $(REPLAY_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done
	@$(MAKE) --no-print-directory replay
	@tests/cli/run.sh $(B)
	@tests/cli/shell.sh $(B)
	@tests/cli/nightly.sh $(B)
	@tests/cli/feeds.sh $(B)
	@tests/cli/hardening.sh $(B)
	@tests/cli/shards.sh $(B)
	@tests/cli/server.sh $(B)
	@tests/cli/limits.sh $(B)
	@tests/cli/server-faults.sh $(B)
	@tests/cli/meili.sh $(B)
	@[ "$(CHECK_WEB)" = 0 ] || CHECK_WEB=$(CHECK_WEB) tests/web/run.sh $(B)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(B)/indexer $(DESTDIR)$(BINDIR)/frs-indexer
	install -m 755 $(B)/query $(DESTDIR)$(BINDIR)/frs-query
	install -m 644 docs/frs-indexer.1 docs/frs-query.1 $(DESTDIR)$(MANDIR)/man1/

demo: all
	@tests/demo.sh $(B)

# The Debian package (debian/, docs/deploy.md), built from a copy of the
# tree so that the build never touches build/: $(B)/deb/frs_*.deb
deb:
	dist/build-deb.sh $(B)/deb

# B=DIR (on the command line or in the environment) removes DIR alone
clean:
ifneq ($(filter command line environment,$(origin B)),)
	@case "$(B)" in ''|.|./|..|../|/|$(CURDIR)|$(CURDIR)/) \
	  echo "make clean: refusing to remove B=$(B)" >&2; exit 1;; esac
	rm -rf -- "$(B)"
else
	rm -rf build build-san build-fuzz
endif

.PHONY: all check test deps install clean demo deb
.SECONDARY:

include tests/fuzz/fuzz.mk

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# Benchmark (bench/README.md): frs against Xapian's TermGenerator, Sphinx and
# SQLite FTS5 on a generated French corpus; medians of BENCH_RUNS runs.
# Needs /usr/bin/python3 with python3-xapian and python3-pymysql, sphinxsearch,
# hyperfine and time (bench/README.md lists the apt-get line).
BENCH_ARTICLES ?= 5000
BENCH_MB ?= 1024
BENCH_RUNS ?= 3
BENCH_FLAGS ?=

bench: all
	/usr/bin/python3 bench/run_bench.py --articles $(BENCH_ARTICLES) --runs $(BENCH_RUNS) --bin $(B) $(BENCH_FLAGS)

bench-large: all
	/usr/bin/python3 bench/run_bench.py --mb $(BENCH_MB) --runs $(BENCH_RUNS) --bin $(B) $(BENCH_FLAGS)

# What the article content hash costs (docs/nightly.md): FNV-1a against
# XXH3-128 over the articles of a JSON Lines file (HASH_BENCH_INPUT).
HASH_BENCH_INPUT ?= corpus/articles.jsonl
$(B)/bench/hash_bench: $(B)/obj/bench/hash_bench.o $(COMMON_O)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS)

bench-hash: $(B)/bench/hash_bench
	$(B)/bench/hash_bench $(HASH_BENCH_INPUT)

.PHONY: bench bench-large bench-hash

# Relevance benchmark on real French text (Debian's documentation books, man
# pages and LibreOffice help, downloaded with apt-get) against Xapian and
# SQLite FTS5, held-out queries (eval/README.md; needs python3-xapian and
# mandoc); eval-smoke is the offline CI-sized check on the bundled corpus.
EVAL_ARGS ?=
eval: all
	/usr/bin/python3 eval/run_eval.py --bin $(B) $(EVAL_ARGS)

eval-smoke: all
	eval/smoke.sh $(B)

.PHONY: eval eval-smoke
