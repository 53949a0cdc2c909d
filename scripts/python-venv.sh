#!/bin/sh
# A virtualenv with psycopg 3 and psycopg_pool (pinned in
# tests/python/requirements.txt) for the psycopg 3 suite
# (tests/integration/python.rs), made with Debian's /usr/bin/python3 under
# .cache/python/ in the repository (git-ignored).
#
# Idempotent: when the venv already has the pinned versions, only prints it.
# Prints on stdout the venv's python. Needs python3-venv (apt) and PyPI.
# With --path: only prints it, exit status 1 (nothing printed) when the venv
# is not there (the tests use this; they never install anything).
set -eu

repo="$(cd "$(dirname "$0")/.." && pwd)"
req="$repo/tests/python/requirements.txt"
# One venv per requirements file content, so a new pin makes a new venv.
tag="$(sha256sum "$req" | cut -c1-12)"
venv="$repo/.cache/python/venv-$tag"

if [ "${1:-}" = --path ]; then
    [ -e "$venv/.complete" ] || exit 1
    echo "$venv/bin/python"
    exit 0
fi

if [ ! -x "$venv/bin/python" ] || [ ! -e "$venv/.complete" ]; then
    mkdir -p "$repo/.cache/python"
    rm -rf "$venv"
    /usr/bin/python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input \
        --only-binary=:all: -r "$req" >&2
    touch "$venv/.complete"
fi

echo "$venv/bin/python"
