"""psycopg 3 in pure-Python mode (PSYCOPG_IMPL=python: libpq.so.5 loaded
with ctypes) on whatever libpq.so.5 the dynamic linker finds: run with the
virtualenv of scripts/python-venv.sh and LD_LIBRARY_PATH=<dir of our
libpq.so.5>. See harness.py for the environment and the output format.

psycopg switches features on from PQlibVersion(): with a libpq >= 17 it
cancels with PQcancelCreate/PQcancelStart/PQcancelPoll, closes prepared
statements with PQsendClosePrepared, streams in chunks with
PQsetChunkedRowsMode; >= 18 adds PQfullProtocolVersion. Those checks spy on
the ctypes functions to prove the new calls were made."""

import asyncio
import io
import os
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness as h  # noqa: E402
from harness import check  # noqa: E402

assert os.environ.get("PSYCOPG_IMPL") == "python", "run with PSYCOPG_IMPL=python"

import psycopg  # noqa: E402
from psycopg import pq, sql  # noqa: E402
from psycopg import errors as pe  # noqa: E402
from psycopg.conninfo import conninfo_to_dict, make_conninfo  # noqa: E402
import psycopg_pool  # noqa: E402
from psycopg.pq import _pq_ctypes as impl  # noqa: E402

PID = os.getpid()
V = pq.version()
caps = psycopg.capabilities


class Spy:
    """Counts the calls psycopg makes to some libpq functions (psycopg's
    pq_ctypes looks them up in the _pq_ctypes module at each call)."""

    NAMES = (
        "PQcancelCreate",
        "PQcancelStart",
        "PQcancelBlocking",
        "PQcancelPoll",
        "PQcancelFinish",
        "PQcancel",
        "PQsendClosePrepared",
        "PQsetChunkedRowsMode",
        "PQsetSingleRowMode",
        "PQpipelineSync",
        "PQsendPrepare",
        "PQsendQueryPrepared",
        "PQfullProtocolVersion",
    )

    def __init__(self):
        self.counts = {}
        for name in self.NAMES:
            fn = getattr(impl, name, None)
            if fn is None or not hasattr(fn, "argtypes"):
                continue  # not bound on this libpq version

            def wrap(*args, _fn=fn, _name=name):
                self.counts[_name] = self.counts.get(_name, 0) + 1
                return _fn(*args)

            setattr(impl, name, wrap)

    def take(self):
        c, self.counts = self.counts, {}
        return c


SPY = Spy()


@check("loaded-library")
def _():
    assert pq.__impl__ == "python", pq.__impl__
    path = h.check_loaded_library()
    return f"{path} impl={pq.__impl__} version={V}"


@check("capabilities")
def _():
    want = {
        "has_encrypt_password": 100000,
        "has_hostaddr": 120000,
        "has_pipeline": 140000,
        "has_set_trace_flags": 140000,
        "has_used_gssapi": 160000,
        "has_cancel_safe": 170000,
        "has_stream_chunked": 170000,
        "has_send_close_prepared": 170000,
        "has_full_protocol_version": 180000,
    }
    on = []
    for name, since in want.items():
        got = getattr(caps, name)()
        assert got == (V >= since), f"{name}: {got} with libpq {V}"
        if got:
            on.append(name[4:])
    return " ".join(on)


def connect(conninfo=h.TCP, **kw):
    return psycopg.connect(conninfo, **kw)


# ---------------------------------------------------------------- connecting


@check("connect-and-info")
def _():
    with psycopg.connect(
        host=h.SOCKDIR, port=h.PORT, dbname="postgres", user=h.TRUST_USER,
        application_name="py3-app",
    ) as conn:
        i = conn.info
        assert i.host == h.SOCKDIR and i.port == h.PORT
        assert i.dbname == "postgres" and i.user == h.TRUST_USER
        assert i.status == pq.ConnStatus.OK
        assert i.transaction_status == pq.TransactionStatus.IDLE
        assert i.pipeline_status == pq.PipelineStatus.OFF
        assert i.backend_pid == conn.execute("select pg_backend_pid()").fetchone()[0]
        assert i.transaction_status == pq.TransactionStatus.INTRANS
        conn.rollback()
        assert i.server_version >= 100000
        assert i.parameter_status("application_name") == "py3-app"
        assert i.parameter_status("nope") is None
        assert i.encoding == "utf-8"
        assert str(i.timezone) == "UTC", i.timezone
        assert i.vendor == "PostgreSQL"
        assert i.error_message == ""
        assert not conn.pgconn.used_password
        assert conn.pgconn.protocol_version == 3
        params = i.get_parameters()
        assert params["user"] == h.TRUST_USER and params["application_name"] == "py3-app"
        assert "dbname=postgres" in i.dsn
        if V >= 120000:
            assert i.hostaddr == "", i.hostaddr
        if V >= 160000:
            assert conn.pgconn.used_gssapi is False
        if V >= 180000:
            SPY.take()
            want = int(os.environ.get("LIBPQRS_PY_PROTOCOL", "30000"))
            assert i.full_protocol_version == want, i.full_protocol_version
            assert SPY.take().get("PQfullProtocolVersion") == 1


if h.ALL_TLS:

    @check("all-tls")
    def _():
        with connect() as conn:
            assert conn.pgconn.ssl_in_use


@check("connect-tcp-password-hostaddr")
def _():
    with connect(
        f"host=localhost hostaddr={h.HOST} port={h.PORT} dbname=postgres "
        f"user={h.SCRAM_USER} password={h.SCRAM_PASSWORD} connect_timeout=5"
    ) as conn:
        assert conn.execute("select current_user").fetchone()[0] == h.SCRAM_USER
        assert conn.pgconn.used_password
        assert conn.info.password == h.SCRAM_PASSWORD
        if V >= 120000:
            assert conn.info.hostaddr == h.HOST
        assert "password" not in conn.info.dsn
    h.expect_error(
        lambda: connect(
            f"host={h.HOST} port={h.PORT} dbname=postgres user={h.SCRAM_USER} password=bad"
        ),
        psycopg.OperationalError,
        'password authentication failed for user "libpqrs_scram"',
    )


@check("connect-host-list-and-options")
def _():
    with connect(
        f"host={h.HOST},{h.HOST} port=1,{h.PORT} dbname=postgres user={h.TRUST_USER}",
        options="-c search_path=py3 -c work_mem=2121kB",
        target_session_attrs="read-write",
    ) as conn:
        assert conn.info.port == h.PORT
        assert conn.execute("show search_path").fetchone()[0] == "py3"
        assert conn.execute("show work_mem").fetchone()[0] == "2121kB"
    h.expect_error(
        lambda: connect(h.TCP, target_session_attrs="standby"),
        psycopg.OperationalError,
    )
    # localhost: psycopg resolves the name itself and passes hostaddr
    with connect(f"host=localhost,{h.HOST} port={h.PORT} dbname=postgres user={h.TRUST_USER}",
                 connect_timeout=5) as conn:
        assert conn.info.port == h.PORT
    if V >= 160000:
        scram = (f"host={h.HOST} port={h.PORT} dbname=postgres user={h.SCRAM_USER}"
                 f" password={h.SCRAM_PASSWORD}")
        with connect(scram, require_auth="scram-sha-256", load_balance_hosts="random") as conn:
            assert conn.pgconn.used_password
        h.expect_error(
            lambda: connect(scram, require_auth="password"),
            psycopg.OperationalError,
            'authentication method requirement "password" failed: '
            "server requested SASL authentication",
        )


@check("conninfo-parse")
def _():
    d = conninfo_to_dict("postgresql://u:p@h1:1,h2:2/db?sslmode=disable&application_name=a%20b")
    assert d == {
        "user": "u", "password": "p", "host": "h1,h2", "port": "1,2",
        "dbname": "db", "sslmode": "disable", "application_name": "a b",
    }, d
    assert conninfo_to_dict(make_conninfo("dbname=x", user="y'z \\")) == {
        "dbname": "x", "user": "y'z \\"}
    h.expect_error(lambda: conninfo_to_dict("nosuch=1"), psycopg.ProgrammingError,
                   'invalid connection option "nosuch"')
    defaults = {o.keyword for o in pq.Conninfo.get_defaults()}
    assert {b"host", b"sslmode", b"target_session_attrs"} <= defaults


if h.TLS_PORT:

    @check("tls")
    def _():
        base = f"host={h.HOST} port={h.TLS_PORT} dbname=postgres"
        with connect(f"{base} user={h.TRUST_USER} sslmode=verify-full sslrootcert={h.ROOT_CA}"
                     f" sslcrl={h.CRL_EMPTY}") as conn:
            assert conn.pgconn.ssl_in_use
        with connect(
            f"{base} user={h.CERT_USER} sslmode=verify-full sslrootcert={h.ROOT_CA}"
            f" sslcert={h.CLIENT_CERT} sslkey={h.CLIENT_KEY}"
        ) as conn:
            assert conn.execute("select current_user").fetchone()[0] == h.CERT_USER
            # cancel over TLS: the cancel connection negotiates TLS too and
            # the server's close_notify is its answer
            t = threading.Timer(0.5, conn.cancel_safe)
            t.start()
            h.expect_error(lambda: conn.execute("select pg_sleep(20)"), pe.QueryCanceled)
            t.join()
            conn.rollback()
            if V >= 170000:
                cc = conn.pgconn.cancel_conn()
                cc.blocking()
                assert cc.status == pq.ConnStatus.OK, cc.get_error_message()
                cc.finish()
        h.expect_error(
            lambda: connect(f"{base} user={h.TRUST_USER} sslmode=verify-full"
                            f" sslrootcert={h.ROOT_CA} sslcrl={h.CRL_REVOKED}"),
            psycopg.OperationalError,
            "certificate",
        )


# ------------------------------------------------------------------ querying

CONN = connect(autocommit=True)


@check("parameters-text-and-binary")
def _():
    import datetime
    import decimal
    import uuid

    from psycopg.types.json import Jsonb

    values = (
        42, -(2**40), 1.5, decimal.Decimal("12.345"), "it's \u00e9\u20ac", None, True,
        b"\x00\x01\xff", [1, 2, 3], ["a", None, "c", "d e"],
        datetime.date(2024, 2, 29), datetime.datetime(2024, 1, 2, 3, 4, 5, 6),
        uuid.UUID("12345678-1234-5678-1234-567812345678"),
    )
    ph = ", ".join("%s::text[]" if isinstance(v, list) and isinstance(v[0], str) else "%s"
                   for v in values)
    for binary in (False, True):
        cur = CONN.cursor(binary=binary)
        row = cur.execute(f"select {ph}", values).fetchone()
        assert row == values, (binary, row)
        assert cur.pgresult.binary_tuples == int(binary)
    row = CONN.execute("select %b::int, %t::text, %b::bytea", (7, "x", b"\x00z")).fetchone()
    assert row == (7, "x", b"\x00z"), row
    assert CONN.execute("select %s", [Jsonb({"a": [1, None]})]).fetchone()[0] == {"a": [1, None]}
    row = CONN.execute("select %(a)s || %(b)s", {"a": "x'", "b": "\\y"}).fetchone()
    assert row == ("x'\\y",)
    q = sql.SQL("select {} from (select 1 as {}) s").format(
        sql.Identifier('we"ird'), sql.Identifier('we"ird'))
    assert q.as_string(CONN) == 'select "we""ird" from (select 1 as "we""ird") s'
    assert sql.Literal("a'b").as_string(CONN) == "'a''b'"
    assert CONN.execute(q).fetchone() == (1,)


@check("errors-and-diagnostics")
def _():
    try:
        CONN.execute("select 1/0")
    except pe.DivisionByZero as ex:
        assert ex.sqlstate == "22012"
        assert ex.diag.message_primary == "division by zero"
        assert ex.diag.severity_nonlocalized == "ERROR"
    else:
        raise AssertionError("no error")
    try:
        CONN.execute("selec 1")
    except pe.SyntaxError as ex:
        assert ex.diag.statement_position == "1"
    else:
        raise AssertionError("no error")
    notices = []
    CONN.add_notice_handler(lambda d: notices.append((d.severity, d.message_primary)))
    CONN.execute("do $$ begin raise notice 'hi %', 3; raise warning 'w'; end $$")
    assert notices == [("NOTICE", "hi 3"), ("WARNING", "w")], notices


@check("prepared-statements")
def _():
    with connect(prepare_threshold=0) as conn:
        conn.prepared_max = 2
        SPY.take()
        for i in range(4):
            # four different statements, each prepared on first use
            conn.execute(f"select {i} + %s", (1,))
        conn.execute("select 0 + %s", (1,))
        n = conn.execute(
            "select count(*) from pg_prepared_statements where name like '_pg3_%%'"
        ).fetchone()[0]
        assert n <= 3, n
        calls = SPY.take()
        assert calls.get("PQsendPrepare", 0) >= 4, calls
        if V >= 170000:
            # evicted statements are closed with PQsendClosePrepared
            assert calls.get("PQsendClosePrepared", 0) >= 1, calls
        conn.rollback()
    with connect(prepare_threshold=100) as conn:
        conn.execute("select 1", prepare=True)
        assert conn.execute(
            "select count(*) from pg_prepared_statements").fetchone()[0] == 1
        conn.rollback()
    # raw libpq prepared statements via pgconn
    with connect() as conn:
        pg = conn.pgconn
        res = pg.prepare(b"raw", b"select $1::int * 2", [23])
        assert res.status == pq.ExecStatus.COMMAND_OK
        res = pg.describe_prepared(b"raw")
        assert res.nparams == 1 and res.param_type(0) == 23
        res = pg.exec_prepared(b"raw", [b"21"])
        assert res.get_value(0, 0) == b"42"
        if V >= 170000:
            res = pg.close_prepared(b"raw")
            assert res.status == pq.ExecStatus.COMMAND_OK
            res = pg.exec_prepared(b"raw", [b"1"])
            assert res.status == pq.ExecStatus.FATAL_ERROR
            assert b"does not exist" in res.error_message


@check("executemany-and-pipelines")
def _():
    with connect() as conn:
        conn.execute("create temp table em (id int primary key, v text)")
        cur = conn.cursor()
        cur.executemany("insert into em values (%s, %s)", [(i, f"v{i}") for i in range(50)])
        assert cur.rowcount == 50, cur.rowcount
        cur.executemany(
            "insert into em values (%s, %s) returning id * 10",
            [(100, "a"), (101, "b")], returning=True)
        got = []
        while True:
            got.append(cur.fetchone()[0])
            if not cur.nextset():
                break
        assert got == [1000, 1010], got
        with conn.pipeline() as p:
            assert conn.info.pipeline_status == pq.PipelineStatus.ON
            c1 = conn.execute("select count(*) from em")
            c2 = conn.execute("update em set v = 'x' where id < %s", (10,))
            p.sync()
            c3 = conn.execute("select %s::text", ["after sync"])
        assert conn.info.pipeline_status == pq.PipelineStatus.OFF
        assert c1.fetchone() == (52,)
        assert c2.rowcount == 10
        assert c3.fetchone() == ("after sync",)
        conn.commit()
        # an error aborts the rest of the pipeline
        try:
            with conn.pipeline():
                conn.execute("insert into em values (1, 'dup')")
                conn.execute("select 1")
        except pe.UniqueViolation:
            pass
        else:
            raise AssertionError("no error")
        conn.rollback()
        assert conn.execute("select count(*) from em").fetchone() == (52,)


@check("pipeline-volume-and-nesting")
def _():
    # Enough traffic in nonblocking pipeline mode that the socket buffers
    # fill both ways (psycopg must flush and read alternately), with named
    # prepared statements, savepoints inside a pipeline and COPY refused.
    with connect(prepare_threshold=0) as conn:
        conn.execute("create temp table pv (a int, b text)")
        with conn.pipeline():
            cur = conn.cursor()
            for i in range(5000):
                cur.execute("insert into pv values (%s, %s)", (i, "x" * 200))
        assert conn.execute("select count(*), sum(a) from pv").fetchone() == (5000, 12497500)
        cur.executemany("insert into pv values (%s, %s)", [(i, "y" * 5000) for i in range(1000)])
        assert conn.execute("select count(*) from pv").fetchone() == (6000,)
        with conn.pipeline() as p:
            with conn.transaction():
                conn.execute("insert into pv values (-1, 'a')")
                try:
                    with conn.transaction():
                        conn.execute("select 1/0")
                        p.sync()
                except pe.DivisionByZero:
                    pass
                else:
                    raise AssertionError("no error")
                conn.execute("insert into pv values (-2, 'b')")
            assert conn.execute("select count(*) from pv where a < 0").fetchone() == (2,)
            with conn.pipeline():  # nested
                conn.execute("select 1")
            h.expect_error(lambda: conn.cursor().copy("copy pv from stdin").__enter__(),
                           psycopg.NotSupportedError, "COPY cannot be used in pipeline mode")
        with conn.pipeline():
            curs = [conn.execute("select %s::text", [str(i) * 1000]) for i in range(1000)]
        assert sum(len(c.fetchone()[0]) for c in curs) == sum(len(str(i)) * 1000 for i in range(1000))
        conn.rollback()


@check("copy-text-and-binary")
def _():
    from psycopg.types.numeric import Int4Dumper  # noqa: F401

    with connect() as conn:
        cur = conn.cursor()
        cur.execute("create temp table cp (a int, b text, c bytea)")
        with cur.copy("copy cp from stdin") as copy:
            for i in range(500):
                copy.write_row((i, f"t{i}", bytes([i % 256])))
            copy.write_row((None, "tab\there", None))
        assert cur.rowcount == 501
        with cur.copy("copy cp (a, b, c) from stdin (format binary)") as copy:
            copy.set_types(["int4", "text", "bytea"])
            copy.write_row((1000, "bin", b"\x00\xff"))
        with cur.copy("copy cp from stdin") as copy:
            copy.write(b"2000\traw\t\\\\x41\n")
        rows = []
        with cur.copy("copy (select * from cp order by a nulls first) to stdout") as copy:
            copy.set_types(["int4", "text", "bytea"])
            rows = list(copy.rows())
        assert len(rows) == 503 and rows[0] == (None, "tab\there", None), rows[0]
        assert rows[-2] == (1000, "bin", b"\x00\xff") and rows[-1] == (2000, "raw", b"A")
        with cur.copy("copy (select a, b from cp where a < 3 order by a) to stdout (format binary)") as copy:
            copy.set_types(["int4", "text"])
            assert list(copy.rows()) == [(0, "t0"), (1, "t1"), (2, "t2")]
        buf = io.BytesIO()
        with cur.copy("copy (select a from cp where a < 3 order by a) to stdout") as copy:
            for data in copy:
                buf.write(data)
        assert buf.getvalue() == b"0\n1\n2\n"
        try:
            with cur.copy("copy cp (a) from stdin") as copy:
                copy.write(b"notanint\n")
        except pe.InvalidTextRepresentation:
            pass
        else:
            raise AssertionError("no error")
        conn.rollback()


@check("listen-notify")
def _():
    with connect(autocommit=True) as listener, connect(autocommit=True) as talker:
        listener.execute(f"listen py3_chan_{PID}")
        got = []
        listener.add_notify_handler(lambda n: got.append(("handler", n.payload)))

        def send():
            time.sleep(0.3)
            talker.execute(f"notify py3_chan_{PID}, 'one'")
            talker.execute(f"select pg_notify('py3_chan_{PID}', 'two')")

        t = threading.Thread(target=send)
        t.start()
        seen = [(n.channel, n.payload, n.pid) for n in listener.notifies(timeout=10, stop_after=2)]
        t.join()
        pid = talker.info.backend_pid
        assert seen == [(f"py3_chan_{PID}", "one", pid), (f"py3_chan_{PID}", "two", pid)], seen
        assert got == [("handler", "one"), ("handler", "two")], got


@check("cancel")
def _():
    with connect() as conn:
        SPY.take()
        t = threading.Timer(0.5, conn.cancel)
        t.start()
        h.expect_error(lambda: conn.execute("select pg_sleep(20)"), pe.QueryCanceled)
        t.join()
        conn.rollback()
        assert SPY.take().get("PQcancel") == 1
        t = threading.Timer(0.5, conn.cancel_safe)
        t.start()
        t0 = time.time()
        h.expect_error(lambda: conn.execute("select pg_sleep(20)"), pe.QueryCanceled,
                       "canceling statement due to user request")
        t.join()
        assert time.time() - t0 < 10
        calls = SPY.take()
        if V >= 170000:
            # the PG17 cancel API, non-blocking: create, start, poll
            assert calls.get("PQcancelCreate") == 1, calls
            assert calls.get("PQcancelStart") == 1, calls
            assert calls.get("PQcancelPoll", 0) >= 1, calls
            assert "PQcancel" not in calls, calls
        conn.rollback()
        # the cancel connection object directly, blocking
        if V >= 170000:
            cc = conn.pgconn.cancel_conn()
            t = threading.Timer(0.5, cc.blocking)
            t.start()
            h.expect_error(lambda: conn.execute("select pg_sleep(20)"), pe.QueryCanceled)
            t.join()
            assert cc.status == pq.ConnStatus.OK, cc.status
            cc.reset()
            cc.finish()
            conn.rollback()
        assert conn.execute("select 1").fetchone() == (1,)


@check("transactions-and-savepoints")
def _():
    with connect() as conn:
        conn.autocommit = True
        conn.execute("create temp table tx (x int)")
        with conn.transaction():
            conn.execute("insert into tx values (1)")
            assert conn.info.transaction_status == pq.TransactionStatus.INTRANS
            try:
                with conn.transaction():  # savepoint
                    conn.execute("insert into tx values (2)")
                    conn.execute("select 1/0")
            except pe.DivisionByZero:
                pass
            assert conn.info.transaction_status == pq.TransactionStatus.INTRANS
            with conn.transaction() as sp:
                conn.execute("insert into tx values (3)")
                raise psycopg.Rollback(sp)
            with conn.transaction():
                conn.execute("insert into tx values (4)")
        assert conn.info.transaction_status == pq.TransactionStatus.IDLE
        assert conn.execute("select array_agg(x order by x) from tx").fetchone()[0] == [1, 4]
        conn.autocommit = False
        conn.isolation_level = psycopg.IsolationLevel.SERIALIZABLE
        conn.read_only = True
        assert conn.execute("show transaction_isolation").fetchone()[0] == "serializable"
        assert conn.execute("show transaction_read_only").fetchone()[0] == "on"
        conn.rollback()


@check("stream-and-server-cursors")
def _():
    with connect() as conn:
        SPY.take()
        cur = conn.cursor()
        total = sum(r[0] for r in cur.stream("select g from generate_series(1, 1000) g"))
        assert total == 500500
        calls = SPY.take()
        assert calls.get("PQsetSingleRowMode") == 1, calls
        if V >= 170000:
            rows = list(cur.stream("select g from generate_series(1, 1000) g", size=100))
            assert len(rows) == 1000 and rows[-1] == (1000,)
            assert SPY.take().get("PQsetChunkedRowsMode") == 1
        with conn.cursor("py3_named", scrollable=True) as sc:
            sc.itersize = 7
            sc.execute("select g from generate_series(1, 100) g")
            assert sc.fetchmany(3) == [(1,), (2,), (3,)]
            sc.scroll(90, mode="absolute")
            assert sc.fetchone() == (91,)
            assert len(sc.fetchall()) == 9
        conn.rollback()


@check("pgconn-misc")
def _():
    with connect() as conn:
        pg = conn.pgconn
        enc = pg.encrypt_password(b"secret", b"someone", b"scram-sha-256")
        assert enc.startswith(b"SCRAM-SHA-256$4096:"), enc
        assert pg.encrypt_password(b"secret", b"someone", b"md5") == (
            b"md5" + __import__("hashlib").md5(b"secretsomeone").hexdigest().encode())
        esc = pq.Escaping(pg)
        assert esc.escape_literal(b"a'b") == b"'a''b'"
        assert esc.escape_identifier(b'a"b') == b'"a""b"'
        assert esc.escape_string(b"a'b") == b"a''b"
        assert esc.unescape_bytea(esc.escape_bytea(b"\x00\x01'")) == b"\x00\x01'"
        if V >= 170000:
            conn.execute("create role py3_pw_%s login password 'old'" % PID)
            conn.commit()
            try:
                pg.change_password(f"py3_pw_{PID}".encode(), b"new")
                row = conn.execute(
                    "select rolpassword like 'SCRAM-SHA-256$%%' from pg_authid where rolname = %s",
                    (f"py3_pw_{PID}",)).fetchone()
                assert row == (True,)
            finally:
                conn.rollback()
                conn.execute(f"drop role py3_pw_{PID}")
                conn.commit()
        assert pg.ping(h.TCP.encode()) == pq.Ping.OK
        assert pg.ping(f"host={h.HOST} port=1".encode()) == pq.Ping.NO_RESPONSE


@check("reset")
def _():
    with connect() as conn:
        pid = conn.info.backend_pid
        conn.execute("set work_mem = '1111kB'")
        conn.pgconn.reset()
        assert conn.info.backend_pid != pid
        assert conn.execute("show work_mem").fetchone()[0] != "1111kB"
        conn.rollback()


@check("pool")
def _():
    with psycopg_pool.ConnectionPool(h.TCP, min_size=2, max_size=4, open=True,
                                     kwargs={"application_name": "py3-pool"}) as pool:
        pool.wait(timeout=10)
        pids = set()
        errors = []

        def work(i):
            try:
                with pool.connection() as conn:
                    pid, n = conn.execute("select pg_backend_pid(), %s::int", (i,)).fetchone()
                    assert n == i
                    conn.execute("select pg_sleep(0.05)")
                    pids.add(pid)
            except Exception as ex:  # noqa: BLE001
                errors.append(ex)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        assert 1 <= len(pids) <= 4, pids
        pool.check()
        stats = pool.get_stats()
        assert stats["requests_num"] == 12, stats
        with pool.connection() as conn:
            assert conn.execute("show application_name").fetchone()[0] == "py3-pool"


# ------------------------------------------------ libpq level (psycopg.pq)


def pq_connect():
    pg = pq.PGconn.connect(h.TCP.encode())
    assert pg.status == pq.ConnStatus.OK, pg.error_message
    return pg


def poll_loop(poll, sock):
    from select import select

    while True:
        rv = poll()
        if rv == pq.PollingStatus.READING:
            select([sock()], [], [], 10)
        elif rv == pq.PollingStatus.WRITING:
            select([], [sock()], [], 10)
        else:
            return rv


@check("pq-connect-poll-and-reset")
def _():
    pg = pq.PGconn.connect_start(h.TCP.encode())
    pg.nonblocking = 1
    assert poll_loop(pg.connect_poll, lambda: pg.socket) == pq.PollingStatus.OK
    assert pg.status == pq.ConnStatus.OK
    pg.finish()
    h.expect_error(pg.connect_poll, psycopg.OperationalError)
    bad = pq.PGconn.connect_start(f"host={h.HOST} port={h.PORT} dbname=nosuchdb_py3".encode())
    assert poll_loop(bad.connect_poll, lambda: bad.socket) == pq.PollingStatus.FAILED
    assert bad.status == pq.ConnStatus.BAD
    assert b'database "nosuchdb_py3" does not exist' in bad.error_message
    bad.finish()
    pg = pq_connect()
    pg.exec_(b"select pg_terminate_backend(pg_backend_pid())")
    assert pg.status == pq.ConnStatus.BAD
    pg.reset()
    assert pg.status == pq.ConnStatus.OK
    pg.exec_(b"select pg_terminate_backend(pg_backend_pid())")
    assert pg.status == pq.ConnStatus.BAD
    pg.reset_start()
    assert poll_loop(pg.reset_poll, lambda: pg.socket) == pq.PollingStatus.OK
    assert pg.status == pq.ConnStatus.OK
    pg.finish()
    h.expect_error(pg.reset, psycopg.OperationalError)
    assert pq.PGconn.ping(h.TCP.encode()) == pq.Ping.OK
    assert pq.PGconn.ping(f"host={h.HOST} port=1".encode()) == pq.Ping.NO_RESPONSE


@check("pq-status-and-finished-conn")
def _():
    pg = pq_connect()
    info = pg.info
    assert len(info) > 20
    dbname = [d for d in info if d.keyword == b"dbname"][0]
    assert (dbname.envvar, dbname.label, dbname.dispchar, dbname.dispsize, dbname.val) == (
        b"PGDATABASE", b"Database-Name", b"", 20, b"postgres"), dbname
    assert pg.tty == b""
    assert not any(o.val for o in info if o.keyword == b"tty")
    assert pg.error_message == b""
    res = pg.exec_(b"wat")
    assert res.status == pq.ExecStatus.FATAL_ERROR
    assert b'syntax error at or near "wat"' in pg.error_message
    assert pg.transaction_status == pq.TransactionStatus.IDLE
    pg.exec_(b"begin")
    pg.send_query(b"select 1")
    assert pg.transaction_status == pq.TransactionStatus.ACTIVE
    while pg.get_result() is not None:
        pass
    assert pg.transaction_status == pq.TransactionStatus.INTRANS
    h.expect_error(pg.set_single_row_mode, psycopg.OperationalError)  # no query
    res = pg.exec_(b"set client_encoding to wat")
    assert res.status == pq.ExecStatus.FATAL_ERROR
    cancel = pg.get_cancel()
    cancel.cancel()
    pg.finish()
    assert pg.status == pq.ConnStatus.BAD
    assert pg.transaction_status == pq.TransactionStatus.UNKNOWN
    # PQerrorMessage(NULL)
    assert pg.error_message == b"connection pointer is NULL\n", pg.error_message
    cancel.cancel()  # still works: the cancel object is independent
    cancel.free()
    h.expect_error(cancel.cancel, psycopg.OperationalError)
    for attr in ("db", "user", "host", "port", "backend_pid", "server_version", "info"):
        h.expect_error(lambda: getattr(pg, attr), psycopg.OperationalError)


@check("pq-notifies-notices-trace")
def _():
    pg = pq_connect()
    assert pg.notifies() is None
    pg.exec_(f"listen foo_{PID}; listen bar_{PID}".encode())
    pg.exec_(f"notify foo_{PID}, '1'; notify bar_{PID}, '2'; notify foo_{PID}, '3'".encode())
    got = []
    while (n := pg.notifies()) is not None:
        got.append((n.relname.decode(), n.be_pid, n.extra))
    me = pg.backend_pid
    assert got == [(f"foo_{PID}", me, b"1"), (f"bar_{PID}", me, b"2"), (f"foo_{PID}", me, b"3")]
    msgs = []

    def on_notice(res):
        assert res.status == pq.ExecStatus.NONFATAL_ERROR
        msgs.append((res.error_field(pq.DiagnosticField.SEVERITY),
                     res.error_field(pq.DiagnosticField.MESSAGE_PRIMARY)))

    pg.notice_handler = on_notice
    pg.exec_(b"do $$begin raise notice 'hello notice'; end$$")
    assert msgs == [(b"NOTICE", b"hello notice")], msgs
    path = f"/tmp/libpqrs-py3-trace-{PID}"
    with open(path, "w") as f:
        pg.trace(f.fileno())
        pg.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        pg.exec_(b"select 1")
        pg.untrace()
        pg.exec_(b"select 2")
    with open(path) as f:
        traces = [line.split("\t") for line in f.read().splitlines()]
    os.unlink(path)
    assert traces == [
        ["F", "13", "Query", ' "select 1"'],
        ["B", "33", "RowDescription", ' 1 "?column?" NNNN 0 NNNN 4 -1 0'],
        ["B", "11", "DataRow", " 1 1 '1'"],
        ["B", "13", "CommandComplete", ' "SELECT 1"'],
        ["B", "5", "ReadyForQuery", " I"],
    ], traces
    assert pg.encrypt_password(b"psycopg2", b"ashesh", b"md5") == b"md594839d658c28a357126f105b9cb14cfc"
    h.expect_error(lambda: pg.encrypt_password(b"psycopg2", b"ashesh", b"wat"),
                   psycopg.OperationalError, 'unrecognized password encryption algorithm "wat"')
    pg.exec_(b"set password_encryption to 'md5'")
    assert pg.encrypt_password(b"psycopg2", b"ashesh") == b"md594839d658c28a357126f105b9cb14cfc"
    pg.exec_(b"set password_encryption to 'scram-sha-256'")
    assert pg.encrypt_password(b"psycopg2", b"ashesh").startswith(b"SCRAM-SHA-256$4096:")
    pg.finish()


@check("pq-pipeline")
def _():
    pg = pq_connect()
    pg.enter_pipeline_mode()
    pg.send_query_params(b"select $1", [b"1"])
    h.expect_error(pg.exit_pipeline_mode, psycopg.OperationalError, "cannot exit pipeline mode")
    pg.pipeline_sync()
    pg.send_query_params(b"select $1", [b"2"])
    pg.pipeline_sync()
    statuses = []
    for _ in range(6):
        r = pg.get_result()
        statuses.append(None if r is None else pq.ExecStatus(r.status).name)
    assert statuses == ["TUPLES_OK", None, "PIPELINE_SYNC", "TUPLES_OK", None, "PIPELINE_SYNC"], statuses
    pg.send_query_params(b"select $1", [b"3"])
    pg.send_flush_request()
    r = pg.get_result()
    assert r.status == pq.ExecStatus.TUPLES_OK and r.get_value(0, 0) == b"3"
    assert pg.get_result() is None
    pg.pipeline_sync()
    assert pg.get_result().status == pq.ExecStatus.PIPELINE_SYNC
    pg.exit_pipeline_mode()
    pg.exec_(f"create temp table pl_{PID} (s text)".encode())
    pg.enter_pipeline_mode()
    ins = f"insert into pl_{PID} values ($1)".encode()
    pg.send_query_params(ins, [b"1"])
    pg.send_query_params(b"select no_such_function($1)", [b"1"])
    pg.send_query_params(ins, [b"2"])
    pg.pipeline_sync()
    pg.send_query_params(ins, [b"3"])
    pg.pipeline_sync()
    seen = []
    for _ in range(9):
        r = pg.get_result()
        seen.append((None if r is None else pq.ExecStatus(r.status).name,
                     pq.PipelineStatus(pg.pipeline_status).name))
    assert seen == [
        ("COMMAND_OK", "ON"), (None, "ON"),
        ("FATAL_ERROR", "ABORTED"), (None, "ABORTED"),
        ("PIPELINE_ABORTED", "ABORTED"), (None, "ABORTED"),
        ("PIPELINE_SYNC", "ON"),
        ("COMMAND_OK", "ON"), (None, "ON"),
    ], seen
    assert pg.get_result().status == pq.ExecStatus.PIPELINE_SYNC
    pg.exit_pipeline_mode()
    r = pg.exec_(f"select array_agg(s order by s) from pl_{PID}".encode())
    # the error rolled back the implicit transaction of the first sync
    assert r.get_value(0, 0) == b"{3}", r.get_value(0, 0)
    pg.finish()


@check("pq-exec-and-results")
def _():
    pg = pq_connect()
    res = pg.exec_params(b"select $1, $2", [b"8", b"8"], [1700, 23])
    assert (res.get_value(0, 0), res.ftype(0), res.ftype(1)) == (b"8", 1700, 23)
    res = pg.exec_params(b"select $1::text, $2::text, $3::text", [b"hi", b"", None])
    assert [res.get_value(0, i) for i in range(3)] == [b"hi", b"", None]
    val = b"foo\x00bar"
    res = pg.exec_params(b"select length($1::bytea), length($2::bytea)", [val, val],
                         param_formats=[0, 1])
    assert (res.get_value(0, 0), res.get_value(0, 1)) == (b"3", b"7")
    for fmt, out in ((0, b"\\x666f6f00626172"), (1, val)):
        res = pg.exec_params(b"select $1::bytea", [val], param_formats=[1], result_format=fmt)
        assert res.get_value(0, 0) == out and res.fformat(0) == fmt and res.binary_tuples == fmt
    res = pg.prepare(b"", b"select length($1::bytea), length($2::bytea)")
    res = pg.exec_prepared(b"", [val, val], param_formats=[0, 1])
    assert (res.get_value(0, 0), res.get_value(0, 1)) == (b"3", b"7")
    pg.exec_(b"begin; declare cur cursor for select * from generate_series(1,10) foo")
    res = pg.describe_portal(b"cur")
    assert res.status == pq.ExecStatus.COMMAND_OK and res.nfields == 1 and res.fname(0) == b"foo"
    if V >= 170000:
        assert pg.close_portal(b"cur").status == pq.ExecStatus.COMMAND_OK
        assert pg.describe_portal(b"cur").status == pq.ExecStatus.FATAL_ERROR
    pg.exec_(b"rollback")
    for command, status in ((b"", "EMPTY_QUERY"), (b"select 1", "TUPLES_OK"),
                            (b"set timezone to utc", "COMMAND_OK"), (b"wat", "FATAL_ERROR")):
        res = pg.exec_(command)
        assert res.status == getattr(pq.ExecStatus, status), (command, res.status)
    res = pg.exec_(b"select wat")
    assert res.error_field(pq.DiagnosticField.SEVERITY_NONLOCALIZED) == b"ERROR"
    assert res.error_field(pq.DiagnosticField.SQLSTATE) == b"42703"
    assert res.nfields == 0 and res.ntuples == 0
    res = pg.exec_(b'select 1 as foo, 2 as "BAR"')
    assert [res.fname(i) for i in (0, 1, 2, -1)] == [b"foo", b"BAR", None, None]
    pg.exec_(f"create temp table t1_{PID} as select 1 as f1; "
             f"create temp table t2_{PID} as select 2 as f2, 3 as f3".encode())
    res = pg.exec_(f"select f1, f3, 't1_{PID}'::regclass::oid, 't2_{PID}'::regclass::oid "
                   f"from t1_{PID}, t2_{PID}".encode())
    assert res.ftable(0) == int(res.get_value(0, 2)) and res.ftable(1) == int(res.get_value(0, 3))
    assert (res.ftablecol(0), res.ftablecol(1)) == (1, 2)
    res = pg.exec_(b"select 1::int, 1::numeric(10), 1::numeric(10,2), 1::bigint, 'x'::text")
    assert [res.fmod(i) for i in range(3)] == [-1, 0xA0004, 0xA0006]
    assert [res.fsize(i) for i in (0, 3, 4)] == [4, 8, -1]
    res = pg.exec_(b"select * from generate_series(1, 10)")
    assert res.command_tuples == 10 and res.command_status == b"SELECT 10"
    assert res.oid_value == 0
    res = pg.exec_(b"set timezone to utc")
    assert res.command_tuples is None and res.command_status == b"SET"
    pg.prepare(b"", b"select $1::int, $2::text")
    res = pg.describe_prepared(b"")
    assert res.nparams == 2 and (res.param_type(0), res.param_type(1)) == (23, 25)
    # every accessor on a cleared result (NULL PGresult *) answers like libpq
    res.clear()
    assert res.status == pq.ExecStatus.FATAL_ERROR
    assert res.error_message == b"" and res.error_field(pq.DiagnosticField.MESSAGE_PRIMARY) is None
    assert (res.ntuples, res.nfields, res.nparams, res.param_type(0)) == (0, 0, 0, 0)
    assert (res.fname(0), res.ftable(0), res.ftablecol(0), res.fformat(0)) == (None, 0, 0, 0)
    assert (res.ftype(0), res.fmod(0), res.fsize(0), res.binary_tuples) == (0, 0, 0, 0)
    assert res.get_value(0, 0) is None and res.command_status is None
    assert res.command_tuples is None and res.oid_value == 0
    pg.finish()
    h.expect_error(lambda: pg.exec_(b"select 1"), psycopg.OperationalError)
    h.expect_error(lambda: pg.exec_params(b"select 1", []), psycopg.OperationalError)
    h.expect_error(lambda: pg.prepare(b"p", b"select 1"), psycopg.OperationalError)
    h.expect_error(lambda: pg.describe_portal(b"cur"), psycopg.OperationalError)


@check("pq-nonblocking-send")
def _():
    from select import select

    from psycopg.generators import execute

    def execute_wait(pg):
        return psycopg.waiting.wait(execute(pg), pg.socket)

    pg = pq_connect()
    pg.nonblocking = 1
    assert pg.nonblocking == 1
    # a 1 MB query: the send may have to wait for the socket
    pg.send_query(b"/* %s */ select 'x' as f from pg_sleep(0.01); select 1 as foo;"
                  % (b"x" * 1_000_000))
    while pg.flush() != 0:
        rl, wl, _ = select([pg.socket], [pg.socket], [], 10)
        if rl:
            pg.consume_input()
    results = []
    while True:
        pg.consume_input()
        if pg.is_busy():
            select([pg.socket], [], [], 10)
            continue
        res = pg.get_result()
        if res is None:
            break
        results.append((res.status, res.fname(0), res.get_value(0, 0)))
    assert results == [(pq.ExecStatus.TUPLES_OK, b"f", b"x"),
                       (pq.ExecStatus.TUPLES_OK, b"foo", b"1")], results
    pg.send_query(b"select generate_series(1,2)")
    pg.set_single_row_mode()
    res = execute_wait(pg)
    assert [(r.status, r.ntuples) for r in res] == [
        (pq.ExecStatus.SINGLE_TUPLE, 1), (pq.ExecStatus.SINGLE_TUPLE, 1),
        (pq.ExecStatus.TUPLES_OK, 0)]
    assert [r.get_value(0, 0) for r in res[:2]] == [b"1", b"2"]
    if V >= 170000:
        pg.send_query(b"select generate_series(1,5)")
        pg.set_chunked_rows_mode(2)
        res = execute_wait(pg)
        assert [(pq.ExecStatus(r.status).name, r.ntuples) for r in res] == [
            ("TUPLES_CHUNK", 2), ("TUPLES_CHUNK", 2), ("TUPLES_CHUNK", 1), ("TUPLES_OK", 0)]
    pg.send_prepare(b"prep", b"select $1::int8 + $2::int8 as fld")
    assert execute_wait(pg)[0].status == pq.ExecStatus.COMMAND_OK
    pg.send_query_prepared(b"prep", [b"3", b"5"])
    assert execute_wait(pg)[0].get_value(0, 0) == b"8"
    pg.send_describe_prepared(b"prep")
    (res,) = execute_wait(pg)
    assert (res.nfields, res.ntuples, res.fname(0), res.ftype(0)) == (1, 0, b"fld", 20)
    if V >= 170000:
        pg.send_close_prepared(b"prep")
        assert execute_wait(pg)[0].status == pq.ExecStatus.COMMAND_OK
        pg.send_describe_prepared(b"prep")
        assert execute_wait(pg)[0].status == pq.ExecStatus.FATAL_ERROR
        pg.send_query(b"begin; declare cur cursor for select * from generate_series(1,10) foo")
        execute_wait(pg)
        pg.send_describe_portal(b"cur")
        (res,) = execute_wait(pg)
        assert res.fname(0) == b"foo"
        pg.send_close_portal(b"cur")
        assert execute_wait(pg)[0].status == pq.ExecStatus.COMMAND_OK
        pg.send_describe_portal(b"cur")
        assert execute_wait(pg)[0].status == pq.ExecStatus.FATAL_ERROR
    pg.finish()
    h.expect_error(lambda: pg.send_query(b"select 1"), psycopg.OperationalError)


@check("pq-copy")
def _():
    pg = pq_connect()
    h.expect_error(lambda: pg.put_copy_data(b"wat"), psycopg.OperationalError)
    h.expect_error(pg.put_copy_end, psycopg.OperationalError)
    h.expect_error(lambda: pg.get_copy_data(0), psycopg.OperationalError)
    pg.exec_(f"create temp table cin_{PID} (col1 int primary key, col2 int, data text)".encode())
    for end_error, bad_rows in ((None, False), (None, True), (b"nuttengoggenio", False)):
        res = pg.exec_(f"copy cin_{PID} from stdin".encode())
        assert res.status == pq.ExecStatus.COPY_IN
        for i in range(10):
            rows = "".join(
                f"{i * 20 + j}\t{'hardly a number' if bad_rows else j}\t{'X' * (i * 20 + j)}\n"
                for j in range(20))
            assert pg.put_copy_data(rows.encode()) > 0
        assert pg.put_copy_end(end_error) > 0
        res = pg.get_result()
        if end_error or bad_rows:
            assert res.status == pq.ExecStatus.FATAL_ERROR
            assert (end_error or b"hardly a number") in res.error_message, res.error_message
        else:
            assert res.status == pq.ExecStatus.COMMAND_OK, res.error_message
        assert pg.get_result() is None
    res = pg.exec_(f"select min(col1), max(col1), count(*), max(length(data)) from cin_{PID}".encode())
    assert [res.get_value(0, i) for i in range(4)] == [b"0", b"199", b"200", b"199"]
    values = "values (10::int, 20::int, 'hello'::text), (40, NULL, 'world')"
    binary_rows = [bytes.fromhex(x.replace(" ", "")) for x in (
        "5047434f50590aff0d0a00 00000000 00000000"
        " 0003 00000004 0000000a 00000004 00000014 00000005 68656c6c6f",
        "0003 00000004 00000028 ffffffff 00000005 776f726c64",
        "ffff",
    )]
    for fmt, want in ((pq.Format.TEXT, [b"10\t20\thello\n", b"40\t\\N\tworld\n"]),
                      (pq.Format.BINARY, binary_rows)):
        res = pg.exec_(f"copy ({values}) to stdout (format {fmt.name})".encode())
        assert res.status == pq.ExecStatus.COPY_OUT and res.binary_tuples == fmt
        got = []
        while True:
            n, data = pg.get_copy_data(0)
            if n == -1:
                break
            assert n == len(data)
            got.append(bytes(data))
        assert got == want, (fmt, got)
        assert pg.get_result().status == pq.ExecStatus.COMMAND_OK
        assert pg.get_result() is None
    pg.finish()
    h.expect_error(lambda: pg.put_copy_data(b"wat"), psycopg.OperationalError)


async def async_checks():
    async with await psycopg.AsyncConnection.connect(h.TCP, autocommit=True) as aconn:
        cur = await aconn.execute("select %s::int + 1, %b::text", (41, "bin"))
        assert await cur.fetchone() == (42, "bin")
        async with aconn.pipeline():
            c1 = await aconn.execute("select 1")
            c2 = await aconn.execute("select 2")
        assert await c1.fetchone() == (1,) and await c2.fetchone() == (2,)
        await aconn.execute("create temp table acp (a int, b text)")
        acur = aconn.cursor()
        async with acur.copy("copy acp from stdin") as copy:
            for i in range(10):
                await copy.write_row((i, str(i)))
        async with acur.copy("copy acp to stdout (format binary)") as copy:
            copy.set_types(["int4", "text"])
            rows = [r async for r in copy.rows()]
        assert len(rows) == 10 and rows[3] == (3, "3")
        # LISTEN/NOTIFY
        async with await psycopg.AsyncConnection.connect(h.TCP, autocommit=True) as talker:
            await aconn.execute(f"listen py3_async_{PID}")

            async def send():
                await asyncio.sleep(0.3)
                await talker.execute(f"notify py3_async_{PID}, 'async hello'")

            task = asyncio.create_task(send())
            got = [n.payload async for n in aconn.notifies(timeout=10, stop_after=1)]
            await task
            assert got == ["async hello"], got
        # cancel_safe while a query runs
        SPY.take()

        async def cancel_soon():
            await asyncio.sleep(0.5)
            await aconn.cancel_safe()

        task = asyncio.create_task(cancel_soon())
        try:
            await aconn.execute("select pg_sleep(20)")
        except pe.QueryCanceled:
            pass
        else:
            raise AssertionError("no error")
        await task
        calls = SPY.take()
        if V >= 170000:
            assert calls.get("PQcancelStart") == 1 and "PQcancel" not in calls, calls
        async with aconn.transaction():
            await aconn.execute("select 1")
    async with psycopg_pool.AsyncConnectionPool(h.TCP, min_size=1, max_size=3, open=False) as pool:
        async def work(i):
            async with pool.connection() as c:
                cur = await c.execute("select %s::int * 2", (i,))
                return (await cur.fetchone())[0]

        assert await asyncio.gather(*(work(i) for i in range(9))) == [i * 2 for i in range(9)]


@check("async")
def _():
    asyncio.run(async_checks())


CONN.close()
h.finish()
