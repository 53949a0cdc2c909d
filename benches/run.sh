#!/usr/bin/env bash
# Benchmarks, ours vs Debian's libpq 15 (and libpq 18 when .cache/oracle
# has it), against a throw-away server (scripts/pgtmp.sh). See README.md,
# "Benchmarks", and benches/run.py for what is measured.
#
#   benches/run.sh            # full run (~15 min): benches/results.md + .svg
#   benches/run.sh --quick    # small N, a couple of minutes, to try it
#   benches/run.sh --setup-only  # server + bench program for profiling by
#                             # hand: prints the environment, keeps the server
#                             # (stop it with scripts/pgtmp.sh stop DIR)
# BENCH_ONLY=w1,w2 runs only those workloads (names: benches/run.py).
#
# Needs: cargo, gcc, the PostgreSQL server binaries, pgbench, openssl,
# valgrind (callgrind) and strace; python3 (standard library only).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
QUICK=0
SETUP_ONLY=0
for a in "$@"; do
    case "$a" in
        --quick) QUICK=1 ;;
        --setup-only) SETUP_ONLY=1 ;;
        *) echo "usage: $0 [--quick] [--setup-only]" >&2; exit 2 ;;
    esac
done

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
echo "== cargo build --release"
cargo build --release --quiet
OURS_DIR="$CARGO_TARGET_DIR/bench-lib"
mkdir -p "$OURS_DIR"
ln -sf "$CARGO_TARGET_DIR/release/libpq.so" "$OURS_DIR/libpq.so.5"

WORK="$(mktemp -d /tmp/libpqrs-bench.XXXXXX)"
echo "== gcc benches/bench.c (system header, linked with the system libpq)"
gcc -O2 -g -Wall -Wextra -Werror -I/usr/include/postgresql benches/bench.c -o "$WORK/bench" -lpq

# shellcheck source=../scripts/pgtmp.sh
source scripts/pgtmp.sh
cleanup() {
    pgtmp_stop "${PGTMP_DIR:-}"
    rm -rf "$WORK"
}
trap cleanup EXIT
echo "== server"
pgtmp_start

# TLS (a self-signed certificate: the client uses sslmode=require) and a
# SCRAM user over TCP.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -keyout "$PGTMP_DIR/data/server.key" -out "$PGTMP_DIR/data/server.crt" >/dev/null 2>&1
chmod 600 "$PGTMP_DIR/data/server.key"
[ "$(id -u)" = 0 ] && chown "$PGTMP_USER:" "$PGTMP_DIR/data/server.key" "$PGTMP_DIR/data/server.crt"
cat >>"$PGTMP_DIR/data/postgresql.conf" <<EOF
ssl = on
max_connections = 50
shared_buffers = 256MB
EOF
{
    echo "host all bench_scram 127.0.0.1/32 scram-sha-256"
    cat "$PGTMP_DIR/data/pg_hba.conf"
} >"$PGTMP_DIR/pg_hba.new"
cp "$PGTMP_DIR/pg_hba.new" "$PGTMP_DIR/data/pg_hba.conf"
pgtmp_as_server_user "$PGTMP_BIN/pg_ctl" -D "$PGTMP_DIR/data" -l "$PGTMP_DIR/postgres.log" \
    -o "-p $PGTMP_PORT" -w -s restart >/dev/null

if [ "$QUICK" = 1 ]; then ROWS=200000; else ROWS=3000000; fi
PSQL=("$PGTMP_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGTMP_DIR/sock" -p "$PGTMP_PORT" -U postgres -d postgres)
echo "== data ($ROWS rows)"
"${PSQL[@]}" <<EOF
SET password_encryption = 'scram-sha-256';
CREATE ROLE bench_scram LOGIN PASSWORD 'bench-pw';
CREATE TABLE bench_rows (i int4, t text, f float8, ts timestamp);
INSERT INTO bench_rows
  SELECT i, 'abcdefghij' || lpad((i::int8 * 7919 % 10000000000)::text, 10, '0'),
         i * 1.25, timestamp '2001-02-03 04:05:06' + i * interval '1 second'
  FROM generate_series(1, $ROWS) AS i;
CREATE UNLOGGED TABLE bench_in (i int4, t text, f float8, ts timestamp);
VACUUM ANALYZE bench_rows;
EOF
"$PGTMP_BIN/pgbench" -q -i -s 10 -h "$PGTMP_DIR/sock" -p "$PGTMP_PORT" -U postgres postgres >/dev/null 2>&1

export BENCH_CONNINFO="host=$PGTMP_DIR/sock port=$PGTMP_PORT user=postgres dbname=postgres"
export BENCH_SCRAM_CONNINFO="host=127.0.0.1 port=$PGTMP_PORT user=bench_scram password=bench-pw dbname=postgres sslmode=disable"
export BENCH_TLS_CONNINFO="host=127.0.0.1 port=$PGTMP_PORT user=bench_scram password=bench-pw dbname=postgres sslmode=require"
export BENCH_PGBENCH="$PGTMP_BIN/pgbench"
export BENCH_PGHOST="$PGTMP_DIR/sock" BENCH_PGPORT="$PGTMP_PORT"
if [ "$SETUP_ONLY" = 1 ]; then
    cp "$WORK/bench" "$PGTMP_DIR/bench"
    trap - EXIT
    rm -rf "$WORK"
    cat <<EOF
export BENCH_CONNINFO='$BENCH_CONNINFO'
export BENCH_SCRAM_CONNINFO='$BENCH_SCRAM_CONNINFO'
export BENCH_TLS_CONNINFO='$BENCH_TLS_CONNINFO'
export BENCH_PROGRAM='$PGTMP_DIR/bench'
export BENCH_OURS='$OURS_DIR'
export PGTMP_DIR='$PGTMP_DIR'
EOF
    exit 0
fi
QARG=()
[ "$QUICK" = 1 ] && QARG=(--quick)
python3 benches/run.py --bench "$WORK/bench" --ours "$OURS_DIR" \
    --libpq15 "/usr/lib/$(uname -m)-linux-gnu" --libpq18 "$REPO/.cache/oracle/lib" \
    --work "$WORK" --out "${BENCH_OUT:-benches}" "${QARG[@]}"
