#!/usr/bin/env bash
# Everything CI checks, in order: formatting, clippy, then the whole test suite
# (unit tests, integration tests against a throw-away PostgreSQL the tests
# start themselves, C examples, valgrind, differential runs against libpq 18).
#
# Needs (Debian 12): postgresql libpq-dev valgrind gcc pkg-config binutils,
# npm for the libpq 18 oracle; .ci/run installs them. Extra arguments go to
# `cargo test`, e.g. `scripts/test.sh c_examples`.
#
# LIBPQRS_SKIP_ORACLE=1 skips fetching the libpq 18 oracle (tests that need it
# are then skipped with a message, or fail when CI=true). LIBPQRS_SKIP_PYTHON=1
# likewise skips making the psycopg 3 virtualenv (PyPI).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
step() { printf '\n==> %s\n' "$*"; }

if [ "${LIBPQRS_SKIP_ORACLE:-0}" != 1 ] && [ -x scripts/fetch-oracle.sh ]; then
    step "libpq 18 oracle (scripts/fetch-oracle.sh)"
    scripts/fetch-oracle.sh || echo "warning: could not fetch the libpq 18 oracle; differential tests will skip (or fail in CI)" >&2
fi

if [ "${LIBPQRS_SKIP_PYTHON:-0}" != 1 ] && [ -x scripts/python-venv.sh ]; then
    step "psycopg 3 virtualenv (scripts/python-venv.sh)"
    scripts/python-venv.sh || echo "warning: could not make the psycopg 3 virtualenv; its tests will skip (or fail in CI)" >&2
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets -- -D warnings

step "cargo test"
cargo test "$@"
