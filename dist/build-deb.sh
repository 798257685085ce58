#!/usr/bin/env bash
# Build the Debian package from a copy of the working tree (tracked and
# untracked files, not the ignored ones such as build/), so that the build,
# and debian/rules clean, never touch the developer's tree.
# Usage: dist/build-deb.sh OUTDIR [dpkg-buildpackage options]
# Leaves frs_*.deb, frs_*.changes and frs_*.buildinfo in OUTDIR.
# DEB_BUILD_OPTIONS=nocheck skips the package's own test run (make check).
set -euo pipefail
out=${1:?usage: dist/build-deb.sh OUTDIR [dpkg-buildpackage options]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d /tmp/frs-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT

version=$(dpkg-parsechangelog -l "$root/debian/changelog" -S Version)
src="$work/frs-$version"
mkdir -p "$src"
# files that are listed but deleted from the work tree are left out
(cd "$root" && git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - -cf -) | tar -xf - -C "$src"

# the search page's script is bundled at build time from the npm modules
# `make deps` installed in query/www (ignored by git, so copied here)
if [ ! -x "$root/query/www/node_modules/.bin/esbuild" ]; then
    echo "build-deb.sh: query/www/node_modules is missing: run 'make deps'" >&2
    exit 1
fi
(cd "$root" && tar -cf - query/www/node_modules) | tar -xf - -C "$src"

(cd "$src" && dpkg-buildpackage -us -uc -b "$@")
rm -f "$out"/frs_* "$out"/frs-dbgsym_*
cp "$work"/*.deb "$work"/frs_*.changes "$work"/frs_*.buildinfo "$out"/
ls "$out"/frs_*.deb
