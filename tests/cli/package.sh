#!/usr/bin/env bash
# The Debian package (debian/, docs/deploy.md), end to end: built from a
# copy of the tree without its own test run, its contents and dependencies
# (dpkg-deb), lintian (no error allowed), then installed with dpkg -i into
# a throw-away root (tests/cli/package-root.sh: the units, the service started
# as its unit starts it, nginx in front, removal).
# The throw-away root is an overlay of this machine's own root with a tmpfs
# on top, in a private mount namespace: dpkg, the maintainer scripts and the
# tests see the real system, and everything they change vanishes at the end.
# Needs root (through sudo otherwise), overlayfs, and `make deps`.
# Usage: tests/cli/package.sh
set -u
if [ "$(id -u)" != 0 ]; then
    exec sudo -- "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

OUT="$T/out"
echo "== package: building from a copy of the tree (nocheck)"
if ! DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" dist/build-deb.sh "$OUT" >"$T/build.log" 2>&1; then
    tail -40 "$T/build.log" >&2
    ko "dpkg-buildpackage failed (log above)"
    finish package
    exit 1
fi
echo "   built in ${SECONDS} s"
DEB=$(ls "$OUT"/frs_*_*.deb)
CHANGES=$(ls "$OUT"/frs_*.changes)
checks "the build left the developer's tree alone" \
    '[ ! -e build-deb ] && [ ! -e debian/frs ] && [ ! -e debian/.debhelper ]'

# --- contents ---------------------------------------------------------
dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|' >"$T/contents"
for f in /usr/bin/frs-indexer /usr/bin/frs-query \
    /usr/share/man/man1/frs-indexer.1.gz /usr/share/man/man1/frs-query.1.gz \
    /lib/systemd/system/frs-query@.service /lib/systemd/system/frs-indexer@.service \
    /lib/systemd/system/frs-indexer@.timer \
    /etc/frs/news.conf /etc/logrotate.d/frs \
    /usr/lib/sysusers.d/frs.conf /usr/lib/tmpfiles.d/frs.conf \
    /usr/share/doc/frs/examples/nginx-frs.conf /usr/share/doc/frs/deploy.md \
    /usr/share/doc/frs/README.md.gz /usr/share/doc/frs/api.md.gz \
    /usr/share/doc/frs/copyright; do
    checks "the package holds $f" 'grep -qxF "$f" "$T/contents"'
done
checks "nothing outside /etc, /lib and /usr" \
    '! grep -vE "^/($|etc/|lib/|usr/)" "$T/contents"'
checks "the binaries are executable" \
    '[ "$(dpkg-deb -c "$DEB" | grep -cE "^-rwxr-xr-x .* \./usr/bin/frs-(indexer|query)$")" = 2 ]'
dpkg-deb -I "$DEB" conffiles >"$T/conffiles"
checks "the configuration files are conffiles" \
    'grep -qxF /etc/frs/news.conf "$T/conffiles" && grep -qxF /etc/logrotate.d/frs "$T/conffiles"'

# --- dependencies, as dh_shlibdeps computed them ---------------------------
dpkg-deb -f "$DEB" Depends | tr ',' '\n' | sed 's/^ *//; s/ .*//' >"$T/depends"
echo "   Depends: $(dpkg-deb -f "$DEB" Depends)"
for lib in libxapian30 libmicrohttpd12 libsystemd0 libjansson4 libutf8proc2 libstemmer0d; do
    checks "Depends lists $lib" 'grep -qx "$lib" "$T/depends"'
done

# --- lintian ---------------------------------------------------------------
lintian --info --fail-on error "$CHANGES" 2>&1 |
    grep -v '^running with root privileges is not recommended!$' >"$T/lintian"
rc=${PIPESTATUS[0]}
sed 's/^/   lintian: /' "$T/lintian"
checks "lintian finds no error (exit $rc)" '[ "$rc" = 0 ] && ! grep -q "^E: " "$T/lintian"'

# --- installed, in a throw-away root ------------------------------------------
export FRS_DEB="$DEB"
if unshare --mount --propagation private -- "$ROOT/tests/cli/package-root.sh" --enter "$T/root"; then
    ok
else
    ko "the installed package (tests/cli/package-root.sh)"
fi
echo "   package checks: ${SECONDS} s in all"
finish package
