#!/usr/bin/env bash
# Static analysis: cppcheck and clang-tidy (configuration in .clang-tidy)
# over every source file; any finding fails.  Prints "lint: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
C_SRC=$(ls common/*.c indexer/*.c query/*.c)
CXX_SRC=common/xdb.cc
CFLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Icommon -Iindexer -Iquery $(pkg-config --cflags libutf8proc jansson libmicrohttpd 2>/dev/null)"
CXXFLAGS="-std=c++17 -Icommon $(pkg-config --cflags xapian-core)"
pass=0 fail=0
if cppcheck --enable=warning,style,performance,portability --std=c11 \
        --inline-suppr --quiet --error-exitcode=1 \
        -I common -I indexer -I query $C_SRC $CXX_SRC; then
    pass=$((pass + 1))
else
    fail=$((fail + 1)); echo "FAIL: cppcheck" >&2
fi
# one process per core
if printf '%s\n' $C_SRC | xargs -P "$(nproc)" -n 4 clang-tidy --quiet \
        --extra-arg=-Wno-unknown-warning-option 2>/dev/null -- $CFLAGS \
        | grep -E "(warning|error):" ; then
    fail=$((fail + 1)); echo "FAIL: clang-tidy (C)" >&2
else
    pass=$((pass + 1))
fi
if clang-tidy --quiet "$CXX_SRC" -- $CXXFLAGS 2>/dev/null | grep -E "(warning|error):"; then
    fail=$((fail + 1)); echo "FAIL: clang-tidy (C++)" >&2
else
    pass=$((pass + 1))
fi
echo "lint: $pass passed, $fail failed"
[ $fail -eq 0 ]
