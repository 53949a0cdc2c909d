#!/usr/bin/env bash
# The main job, end to end on a fresh machine (Debian 12: apt-get install
# postgresql gcc; plus a Rust toolchain):
#
#   1. build libpq-rs (cargo build; PROFILE=release for an optimised build),
#   2. start a throw-away PostgreSQL server (temporary directory, 127.0.0.1 and
#      a private socket directory; as the `postgres` user when run as root),
#   3. compile c-examples/quickstart.c against our include/ and run it on our
#      libpq.so.5,
#   4. run the system's unmodified psql on our library (LD_LIBRARY_PATH),
#   5. stop the server and remove every temporary file.
#
# Usage: scripts/demo.sh        (PROFILE=release scripts/demo.sh)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
# shellcheck source=scripts/pgtmp.sh
source "$repo/scripts/pgtmp.sh"

profile="${PROFILE:-debug}"
if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain"; }

step "Building libpq-rs ($profile)"
if [ "$profile" = release ]; then cargo build --lib --release; else cargo build --lib; fi
target_dir="$(cargo metadata --format-version 1 --no-deps |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
built="$target_dir/$profile/libpq.so"
[ -e "$built" ] || { echo "demo: $built was not built" >&2; exit 1; }

work="$(mktemp -d /tmp/libpqrs-demo.XXXXXX)"
cleanup() {
    pgtmp_stop "${PGTMP_DIR:-}"
    rm -rf "$work"
}
trap cleanup EXIT

# A directory holding libpq.so.5 (the SONAME programs ask for) for LD_LIBRARY_PATH.
mkdir "$work/lib"
ln -s "$built" "$work/lib/libpq.so.5"
ln -s "$built" "$work/lib/libpq.so"
echo "library: $built"

step "Starting a throw-away PostgreSQL server"
pgtmp_start
conninfo="host=127.0.0.1 port=$PGTMP_PORT user=postgres dbname=postgres"
echo "server: $("$PGTMP_BIN/postgres" --version), $conninfo"

step "Compiling c-examples/quickstart.c against include/ and our libpq.so"
cc -Wall -Wextra -I include c-examples/quickstart.c -o "$work/quickstart" \
    -L "$work/lib" -lpq -Wl,-rpath,"$work/lib"
echo "cc -I include c-examples/quickstart.c -L <lib> -lpq"

step "Running quickstart on our library"
LD_LIBRARY_PATH="$work/lib" "$work/quickstart" "$conninfo"

step "Running the system psql ($PGTMP_BIN/psql) on our library"
echo "LD_LIBRARY_PATH=$work/lib ldd psql | grep libpq:"
LD_LIBRARY_PATH="$work/lib" ldd "$PGTMP_BIN/psql" | grep libpq
LD_LIBRARY_PATH="$work/lib" "$PGTMP_BIN/psql" -X "$conninfo" -c 'select version()'

step "Stopping the server"
pgtmp_stop
unset PGTMP_DIR
echo "done"
