#!/usr/bin/env bash
# A throw-away PostgreSQL server in a temporary directory, for demos and manual
# tests (the Rust tests start their own, see tests/support/mod.rs).
#
#   eval "$(scripts/pgtmp.sh start)"    # prints `export` lines: PGTMP_DIR,
#                                       # PGHOST (socket dir), PGPORT, PGUSER,
#                                       # PGDATABASE, PGTMP_CONNINFO (TCP)
#   psql -c 'select 1'                  # ... use it ...
#   scripts/pgtmp.sh stop "$PGTMP_DIR"  # immediate stop, directory removed
#
# or, from another bash script: `source scripts/pgtmp.sh; pgtmp_start; ...;
# pgtmp_stop`. Uses the newest /usr/lib/postgresql/<N>/bin (or PG_BIN), listens
# on 127.0.0.1 and a private socket directory, trust authentication for the
# superuser `postgres`. As root, initdb and the server run as the `postgres`
# user (else `nobody`): PostgreSQL refuses to run as root.

pgtmp_bin_dir() {
    if [ -n "${PG_BIN:-}" ]; then
        echo "$PG_BIN"
        return
    fi
    local v best=""
    for v in /usr/lib/postgresql/*/bin; do
        [ -x "$v/initdb" ] || continue
        local n="${v#/usr/lib/postgresql/}"
        n="${n%/bin}"
        if [ -z "$best" ] || [ "$n" -gt "${best#*:}" ] 2>/dev/null; then
            best="$v:$n"
        fi
    done
    if [ -z "$best" ]; then
        echo "pgtmp: no PostgreSQL server in /usr/lib/postgresql/*/bin (apt-get install postgresql)" >&2
        return 1
    fi
    echo "${best%:*}"
}

# Runs a command as the server user (root only; otherwise as ourselves).
pgtmp_as_server_user() {
    if [ "$(id -u)" = 0 ]; then
        setpriv --reuid="$PGTMP_USER" --regid="$PGTMP_USER" --clear-groups -- "$@"
    else
        "$@"
    fi
}

# A TCP port nobody is listening on (bash /dev/tcp probe).
pgtmp_free_port() {
    local p
    for _ in $(seq 50); do
        p=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return
        fi
    done
    echo "pgtmp: no free port found" >&2
    return 1
}

pgtmp_start() {
    local bin
    bin="$(pgtmp_bin_dir)" || return 1
    PGTMP_BIN="$bin"
    if [ "$(id -u)" = 0 ]; then
        if id postgres >/dev/null 2>&1; then PGTMP_USER=postgres; else PGTMP_USER=nobody; fi
    fi
    PGTMP_DIR="$(mktemp -d /tmp/libpqrs-pgtmp.XXXXXX)"
    mkdir "$PGTMP_DIR/sock"
    chmod 755 "$PGTMP_DIR" "$PGTMP_DIR/sock"
    if [ "$(id -u)" = 0 ]; then
        chown -R "$PGTMP_USER:" "$PGTMP_DIR"
    fi
    (cd "$PGTMP_DIR" && pgtmp_as_server_user "$bin/initdb" -D "$PGTMP_DIR/data" \
        --auth=trust --encoding=UTF8 --locale=C --no-sync -U postgres >"$PGTMP_DIR/initdb.log" 2>&1) || {
        cat "$PGTMP_DIR/initdb.log" >&2
        return 1
    }
    cat >>"$PGTMP_DIR/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PGTMP_DIR/sock'
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = error
EOF
    local tries
    for tries in 1 2 3 4 5; do
        PGTMP_PORT="$(pgtmp_free_port)" || return 1
        if (cd "$PGTMP_DIR" && pgtmp_as_server_user "$bin/pg_ctl" -D "$PGTMP_DIR/data" \
            -l "$PGTMP_DIR/postgres.log" -o "-p $PGTMP_PORT" -w -t 60 -s start </dev/null >/dev/null); then
            export PGTMP_DIR PGTMP_PORT PGTMP_BIN
            return 0
        fi
        grep -q 'could not bind\|in use' "$PGTMP_DIR/postgres.log" 2>/dev/null || break
    done
    echo "pgtmp: server did not start; log:" >&2
    cat "$PGTMP_DIR/postgres.log" >&2
    return 1
}

pgtmp_stop() {
    local dir="${1:-${PGTMP_DIR:-}}"
    [ -n "$dir" ] && [ -d "$dir" ] || return 0
    local pid
    pid="$(head -n1 "$dir/data/postmaster.pid" 2>/dev/null || true)"
    if [ -n "$pid" ]; then
        kill -QUIT "$pid" 2>/dev/null || true   # immediate shutdown
        for _ in $(seq 100); do
            [ -e "$dir/data/postmaster.pid" ] || break
            sleep 0.1
        done
    fi
    rm -rf "$dir"
}

# Command-line use.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    case "${1:-}" in
        start)
            pgtmp_start
            cat <<EOF
export PGTMP_DIR='$PGTMP_DIR'
export PGHOST='$PGTMP_DIR/sock'
export PGPORT='$PGTMP_PORT'
export PGUSER=postgres
export PGDATABASE=postgres
export PGTMP_CONNINFO='host=127.0.0.1 port=$PGTMP_PORT user=postgres dbname=postgres'
EOF
            ;;
        stop)
            pgtmp_stop "${2:-}"
            ;;
        *)
            echo "usage: $0 start | stop DIR" >&2
            exit 2
            ;;
    esac
fi
