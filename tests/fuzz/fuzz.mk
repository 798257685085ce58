# Fuzzing (libFuzzer, clang, ASan + UBSan) and replay of the fuzz inputs.
# Included by the top-level Makefile.
#   make fuzz [FUZZ_SECONDS=600]   build and run every target
#   make check                     replays seeds and regressions (replay.c)

FUZZ_TARGETS = analyzer ingest qparse http filter
FUZZ_SECONDS ?= 60
FB = build-fuzz
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 \
	-fsanitize=fuzzer-no-link $(FUZZ_SAN) -Icommon -Iindexer -Iquery -Iquery/www \
	$(shell pkg-config --cflags libutf8proc jansson libmicrohttpd)
FUZZ_CXXFLAGS = -std=c++17 -g -O1 -fsanitize=fuzzer-no-link $(FUZZ_SAN) -Icommon
FUZZ_LIB_SRC = $(COMMON_C) indexer/ingest.c indexer/plaintext.c $(QUERY_C)
FUZZ_LIB_O = $(FUZZ_LIB_SRC:%.c=$(FB)/obj/%.o) $(COMMON_CXX:%.cc=$(FB)/obj/%.o) \
	$(FB)/obj/gen/www.o

$(FB)/obj/gen/www.o: $(B)/gen/www.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -Iquery/www -c -o $@ $<

$(FB)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -c -o $@ $<

$(FB)/obj/%.o: %.cc
	@mkdir -p $(dir $@)
	clang++ $(FUZZ_CXXFLAGS) -c -o $@ $<

$(FB)/fuzz_%: $(FB)/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB_O)
	clang++ -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(LIBS) $(MHD_LIBS)

fuzz-build: $(FUZZ_TARGETS:%=$(FB)/fuzz_%)

# Each target runs on a scratch copy of its seeds, so the committed corpus
# only changes by hand; a crash leaves crash-* in $(FB) to add to
# tests/fuzz/regressions/<target>/.
fuzz: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FB)/work/$$t tests/fuzz/regressions/$$t; \
	  cp tests/fuzz/corpus/$$t/* $(FB)/work/$$t/; \
	  echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
	  rc=0; $(FB)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    -artifact_prefix=$(FB)/ -print_final_stats=1 $(FB)/work/$$t \
	    tests/fuzz/regressions/$$t >$(FB)/fuzz_$$t.log 2>&1 || rc=$$?; \
	  tail -12 $(FB)/fuzz_$$t.log; \
	  if [ $$rc -ne 0 ]; then echo "fuzz_$$t FAILED: see $(FB)/fuzz_$$t.log"; exit 1; fi; \
	done

# Replay binaries for make check (built with the normal compiler and flags).
REPLAY_BINS = $(FUZZ_TARGETS:%=$(B)/tests/replay_%)
$(B)/tests/replay_%: $(B)/obj/tests/fuzz/fuzz_%.o $(B)/obj/tests/fuzz/replay.o $(INDEXER_O) $(QUERY_O) $(COMMON_O)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS) $(MHD_LIBS)

$(B)/obj/tests/fuzz/%.o: CPPFLAGS += -Iindexer -Iquery
$(B)/obj/tests/fuzz/%.o: CFLAGS += -Wno-missing-prototypes

replay: $(REPLAY_BINS)
	@set -e; for t in $(FUZZ_TARGETS); do \
	  $(B)/tests/replay_$$t tests/fuzz/corpus/$$t tests/fuzz/regressions/$$t; \
	done

.PHONY: fuzz fuzz-build replay
