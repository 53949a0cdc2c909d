"""Shared bits of the client suites (psycopg2_suite.py, psycopg3_suite.py).

Connection facts come from the environment (tests/integration/python.rs sets
them; see tests/python/README.md to run by hand):

  LIBPQRS_PY_HOST, LIBPQRS_PY_PORT, LIBPQRS_PY_SOCKDIR   the main test server
  LIBPQRS_PY_TRUST_USER                                  trust superuser
  LIBPQRS_PY_SCRAM_USER, LIBPQRS_PY_SCRAM_PASSWORD       scram-sha-256 user
  LIBPQRS_PY_PASSWORD_USER, LIBPQRS_PY_PASSWORD_PASSWORD cleartext user
  LIBPQRS_PY_TLS_PORT                                    TLS server (optional)
  LIBPQRS_PY_ROOT_CA, LIBPQRS_PY_CLIENT_CERT, LIBPQRS_PY_CLIENT_KEY,
  LIBPQRS_PY_CERT_USER, LIBPQRS_PY_CRL_EMPTY, LIBPQRS_PY_CRL_REVOKED
  LIBPQRS_PY_EXPECT_LIBPQ   the libpq.so.5 file that must be the one mapped
                            (compared after resolving symlinks)
  LIBPQRS_PY_PROTOCOL       the full protocol version connections get
                            (psycopg 3 suite; default 30000)
  LIBPQRS_PY_ALL_TLS=1      the main server is a TLS one and PGSSLMODE=require:
                            every TCP connection of the suite uses TLS (the
                            checks that need a server without TLS are left out)

Each check prints `ok <name>` or `FAIL <name>: <error>` (traceback on
stderr); the last line is `summary: <passed> passed, <failed> failed` and the
exit status is 1 when anything failed.
"""

import os
import sys
import traceback

E = os.environ
HOST = E.get("LIBPQRS_PY_HOST", "127.0.0.1")
PORT = int(E.get("LIBPQRS_PY_PORT", "5432"))
SOCKDIR = E.get("LIBPQRS_PY_SOCKDIR", "/var/run/postgresql")
TRUST_USER = E.get("LIBPQRS_PY_TRUST_USER", "libpqrs_trust")
SCRAM_USER = E.get("LIBPQRS_PY_SCRAM_USER", "libpqrs_scram")
SCRAM_PASSWORD = E.get("LIBPQRS_PY_SCRAM_PASSWORD", "scram-pw")
PASSWORD_USER = E.get("LIBPQRS_PY_PASSWORD_USER", "libpqrs_password")
PASSWORD_PASSWORD = E.get("LIBPQRS_PY_PASSWORD_PASSWORD", "password-pw")
TLS_PORT = int(E["LIBPQRS_PY_TLS_PORT"]) if E.get("LIBPQRS_PY_TLS_PORT") else None
ROOT_CA = E.get("LIBPQRS_PY_ROOT_CA")
CLIENT_CERT = E.get("LIBPQRS_PY_CLIENT_CERT")
CLIENT_KEY = E.get("LIBPQRS_PY_CLIENT_KEY")
CERT_USER = E.get("LIBPQRS_PY_CERT_USER", "libpqrs_cert")
CRL_EMPTY = E.get("LIBPQRS_PY_CRL_EMPTY")
CRL_REVOKED = E.get("LIBPQRS_PY_CRL_REVOKED")
EXPECT_LIBPQ = E.get("LIBPQRS_PY_EXPECT_LIBPQ")
ALL_TLS = E.get("LIBPQRS_PY_ALL_TLS") == "1"

# conninfo strings
TCP = f"host={HOST} port={PORT} dbname=postgres user={TRUST_USER}"
UNIX = f"host={SOCKDIR} port={PORT} dbname=postgres user={TRUST_USER}"

_passed = 0
_failed = []


def check(name):
    """Decorator: runs the function now, records and prints the outcome.
    A string the function returns is printed after the name."""

    def run(fn):
        global _passed
        try:
            detail = fn()
        except Exception as ex:  # noqa: BLE001 - report everything
            _failed.append(name)
            msg = f"{type(ex).__name__}: {ex}".replace("\n", " | ")
            print(f"FAIL {name}: {msg}", flush=True)
            traceback.print_exc(file=sys.stderr)
            sys.stderr.flush()
        else:
            _passed += 1
            print(f"ok {name}" + (f" [{detail}]" if detail else ""), flush=True)
        return fn

    return run


def mapped_libpq():
    """Paths of every libpq.so* file mapped into this process."""
    paths = set()
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split(None, 5)
            if len(parts) == 6 and "/libpq.so" in parts[5]:
                paths.add(parts[5].strip())
    return sorted(paths)


def check_loaded_library():
    mapped = mapped_libpq()
    assert len(mapped) == 1, f"expected exactly one libpq mapped, got {mapped}"
    if EXPECT_LIBPQ:
        want = os.path.realpath(EXPECT_LIBPQ)
        got = os.path.realpath(mapped[0])
        assert got == want, f"mapped libpq is {got}, expected {want}"
    return mapped[0]


def expect_error(fn, exc_types, contains=None):
    """Calls fn, which must raise one of exc_types (with `contains` in the
    message when given); returns the message."""
    try:
        fn()
    except exc_types as ex:
        msg = str(ex)
        if contains is not None:
            assert contains in msg, f"error {msg!r} lacks {contains!r}"
        return msg
    raise AssertionError(f"no error raised (expected {exc_types})")


def finish():
    print(f"summary: {_passed} passed, {len(_failed)} failed", flush=True)
    if _failed:
        print("failed: " + ", ".join(_failed), flush=True)
        sys.exit(1)
