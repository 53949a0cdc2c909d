"""psycopg2 (Debian's python3-psycopg2, a C extension linked to libpq.so.5)
on whatever libpq.so.5 the dynamic linker finds: run with /usr/bin/python3
and LD_LIBRARY_PATH=<dir of our libpq.so.5>. See harness.py for the
environment and the output format."""

import os
import select
import socket
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness as h  # noqa: E402
from harness import check  # noqa: E402

PID = os.getpid()

import psycopg2  # noqa: E402
import psycopg2.extensions as ext  # noqa: E402
import psycopg2.extras  # noqa: E402


@check("loaded-library")
def _():
    path = h.check_loaded_library()
    return f"{path} libpq_version={ext.libpq_version()}"


def connect(dsn=h.TCP, **kw):
    return psycopg2.connect(dsn, **kw)


def scalar(conn, sql, args=None):
    with conn.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchone()[0]


# ---------------------------------------------------------------- connecting


@check("connect-kwargs-unix")
def _():
    conn = psycopg2.connect(
        dbname="postgres", user=h.TRUST_USER, host=h.SOCKDIR, port=h.PORT
    )
    assert scalar(conn, "select current_user") == h.TRUST_USER
    assert conn.info.host == h.SOCKDIR, conn.info.host
    assert conn.info.port == h.PORT
    assert conn.info.dbname == "postgres"
    assert conn.dsn.startswith("dbname=postgres"), conn.dsn
    conn.close()
    assert conn.closed


@check("connect-scram-password")
def _():
    conn = psycopg2.connect(
        host=h.HOST,
        port=h.PORT,
        dbname="postgres",
        user=h.SCRAM_USER,
        password=h.SCRAM_PASSWORD,
    )
    assert scalar(conn, "select current_user") == h.SCRAM_USER
    assert conn.info.used_password
    assert conn.info.password == h.SCRAM_PASSWORD
    # the password is masked in conn.dsn (psycopg2 parses it with
    # PQconninfoParse)
    assert "password=xxx" in conn.dsn, conn.dsn
    conn.close()


@check("connect-cleartext-password")
def _():
    conn = connect(
        f"host={h.HOST} port={h.PORT} dbname=postgres user={h.PASSWORD_USER}",
        password=h.PASSWORD_PASSWORD,
    )
    assert scalar(conn, "select current_user") == h.PASSWORD_USER
    conn.close()


@check("connect-wrong-password")
def _():
    msg = h.expect_error(
        lambda: connect(
            f"host={h.HOST} port={h.PORT} dbname=postgres user={h.SCRAM_USER} password=nope"
        ),
        psycopg2.OperationalError,
        'password authentication failed for user "libpqrs_scram"',
    )
    return None if msg else "no message"


@check("connect-no-password")
def _():
    h.expect_error(
        lambda: connect(
            f"host={h.HOST} port={h.PORT} dbname=postgres user={h.SCRAM_USER}"
        ),
        psycopg2.OperationalError,
        "no password supplied",
    )


@check("connect-host-port-lists")
def _():
    # the first host refuses (port 1), the second one is the server
    conn = connect(
        f"host={h.HOST},{h.HOST} port=1,{h.PORT} dbname=postgres user={h.TRUST_USER}"
    )
    assert conn.info.port == h.PORT, conn.info.port
    conn.close()
    conn = connect(
        f"host={h.SOCKDIR},{h.HOST} port={h.PORT} dbname=postgres user={h.TRUST_USER}"
    )
    assert conn.info.host == h.SOCKDIR
    conn.close()


@check("connect-hostaddr")
def _():
    conn = psycopg2.connect(
        host="name.invalid",
        hostaddr=h.HOST,
        port=h.PORT,
        dbname="postgres",
        user=h.TRUST_USER,
    )
    assert conn.info.host == "name.invalid", conn.info.host
    assert conn.get_dsn_parameters()["hostaddr"] == h.HOST
    assert scalar(conn, "select inet_client_addr()::text") == "127.0.0.1/32"
    conn.close()


@check("connect-timeout-and-error")
def _():
    conn = connect(h.TCP + " connect_timeout=5")
    assert conn.get_dsn_parameters()["connect_timeout"] == "5"
    conn.close()
    t0 = time.time()
    h.expect_error(
        lambda: connect(f"host={h.HOST} port=1 dbname=postgres connect_timeout=3"),
        psycopg2.OperationalError,
        "Connection refused",
    )
    assert time.time() - t0 < 3


@check("connect-client-encoding")
def _():
    conn = connect(h.TCP, client_encoding="LATIN1")
    assert conn.encoding == "LATIN1", conn.encoding
    assert conn.get_parameter_status("client_encoding") == "LATIN1"
    assert scalar(conn, "select %s", ("caf\u00e9",)) == "caf\u00e9"
    assert scalar(conn, "select octet_length(%s)", ("caf\u00e9",)) == 5
    conn.set_client_encoding("UTF8")
    assert conn.encoding == "UTF8"
    assert scalar(conn, "select chr(8364)") == "\u20ac"
    conn.close()


@check("connect-application-names")
def _():
    conn = connect(h.TCP, application_name="py-app")
    assert conn.get_parameter_status("application_name") == "py-app"
    conn.close()
    conn = connect(h.TCP, fallback_application_name="py-fallback")
    assert scalar(conn, "show application_name") == "py-fallback"
    conn.close()
    conn = connect(
        h.TCP, application_name="wins", fallback_application_name="py-fallback"
    )
    assert scalar(conn, "show application_name") == "wins"
    conn.close()


@check("connect-keepalives")
def _():
    conn = connect(
        h.TCP,
        keepalives=1,
        keepalives_idle=31,
        keepalives_interval=7,
        keepalives_count=4,
    )
    s = socket.socket(fileno=os.dup(conn.fileno()))
    try:
        assert s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
        assert s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == 31
        assert s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL) == 7
        assert s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT) == 4
    finally:
        s.close()
    conn.close()
    conn = connect(h.TCP, keepalives=0)
    s = socket.socket(fileno=os.dup(conn.fileno()))
    try:
        assert s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 0
    finally:
        s.close()
    conn.close()


@check("connect-options")
def _():
    conn = connect(h.TCP, options="-c search_path=py_schema -c work_mem=4242kB")
    assert scalar(conn, "show search_path") == "py_schema"
    assert scalar(conn, "show work_mem") == "4242kB"
    assert conn.info.options == "-c search_path=py_schema -c work_mem=4242kB"
    conn.close()


@check("connect-target-session-attrs")
def _():
    for attrs in ("any", "read-write", "primary", "prefer-standby"):
        conn = connect(h.TCP, target_session_attrs=attrs)
        assert scalar(conn, "select 1") == 1
        conn.close()
    for attrs in ("read-only", "standby"):
        h.expect_error(
            lambda: connect(h.TCP, target_session_attrs=attrs),
            psycopg2.OperationalError,
        )
    h.expect_error(
        lambda: connect(h.TCP, target_session_attrs="bogus"),
        psycopg2.OperationalError,
        'invalid target_session_attrs value: "bogus"',
    )


@check("connect-bad-option")
def _():
    h.expect_error(
        lambda: connect(h.TCP + " nosuchoption=1"),
        psycopg2.ProgrammingError,
        'invalid dsn: invalid connection option "nosuchoption"',
    )


@check("parse-and-make-dsn")
def _():
    d = ext.parse_dsn("host=a port=5 dbname=b user=c application_name='x y'")
    assert d == {
        "host": "a",
        "port": "5",
        "dbname": "b",
        "user": "c",
        "application_name": "x y",
    }, d
    d = ext.parse_dsn("postgresql://u:p@h1:1,h2:2/db?sslmode=disable")
    assert d == {
        "user": "u",
        "password": "p",
        "host": "h1,h2",
        "port": "1,2",
        "dbname": "db",
        "sslmode": "disable",
    }, d
    h.expect_error(lambda: ext.parse_dsn("host='unterminated"), psycopg2.ProgrammingError)
    assert ext.make_dsn("dbname=a", user="b") == "dbname=a user=b"


@check("connect-service-file-and-pgpass")
def _():
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        svc = os.path.join(d, "pg_service.conf")
        with open(svc, "w") as f:
            f.write(
                f"[libpqrs_svc]\nhost={h.HOST}\nport={h.PORT}\ndbname=postgres\n"
                f"user={h.SCRAM_USER}\napplication_name=from-service\n"
            )
        passfile = os.path.join(d, "pgpass")
        with open(passfile, "w") as f:
            f.write(f"{h.HOST}:{h.PORT}:postgres:{h.SCRAM_USER}:{h.SCRAM_PASSWORD}\n")
        os.chmod(passfile, 0o600)
        os.environ["PGSERVICEFILE"] = svc
        os.environ["PGPASSFILE"] = passfile
        try:
            conn = connect("service=libpqrs_svc")
            assert scalar(conn, "select current_user") == h.SCRAM_USER
            assert scalar(conn, "show application_name") == "from-service"
            assert conn.info.used_password
            conn.close()
            h.expect_error(
                lambda: connect("service=nosuchservice"),
                psycopg2.OperationalError,
                'definition of service "nosuchservice" not found',
            )
        finally:
            del os.environ["PGSERVICEFILE"]
            del os.environ["PGPASSFILE"]


@check("connect-environment")
def _():
    env = {
        "PGHOST": h.HOST,
        "PGPORT": str(h.PORT),
        "PGUSER": h.SCRAM_USER,
        "PGPASSWORD": h.SCRAM_PASSWORD,
        "PGDATABASE": "postgres",
        "PGAPPNAME": "from-env",
        "PGOPTIONS": "-c work_mem=3131kB",
        "PGCONNECT_TIMEOUT": "7",
        "PGTARGETSESSIONATTRS": "read-write",
        "PGCLIENTENCODING": "LATIN1",
        "PGTZ": "Europe/Paris",
    }
    os.environ.update(env)
    try:
        conn = psycopg2.connect("")
        assert scalar(conn, "select current_user") == h.SCRAM_USER
        assert scalar(conn, "show application_name") == "from-env"
        assert scalar(conn, "show work_mem") == "3131kB"
        assert conn.encoding == "LATIN1"
        assert conn.get_parameter_status("TimeZone") == "Europe/Paris"
        params = conn.get_dsn_parameters()
        assert params["connect_timeout"] == "7", params
        assert params["target_session_attrs"] == "read-write", params
        conn.close()
        # the conninfo string wins over the environment
        conn = psycopg2.connect(f"application_name=explicit user={h.TRUST_USER}")
        assert scalar(conn, "show application_name") == "explicit"
        assert scalar(conn, "select current_user") == h.TRUST_USER
        conn.close()
    finally:
        for k in env:
            del os.environ[k]


@check("connect-uri")
def _():
    conn = connect(f"postgresql://{h.TRUST_USER}@{h.HOST}:{h.PORT}/postgres")
    assert scalar(conn, "select current_database()") == "postgres"
    conn.close()


def tls(extra, user=None, **kw):
    return connect(
        f"host={h.HOST} port={h.TLS_PORT} dbname=postgres user={user or h.TRUST_USER} "
        + extra,
        **kw,
    )


if h.TLS_PORT:

    @check("tls-sslmodes")
    def _():
        c = tls("sslmode=disable")
        assert not c.info.ssl_in_use
        c.close()
        # allow tries without TLS first (and the trust user may do that)
        c = tls("sslmode=allow")
        assert not c.info.ssl_in_use
        c.close()
        for mode in ("prefer", "require"):
            c = tls(f"sslmode={mode}")
            assert c.info.ssl_in_use, mode
            assert scalar(c, "select ssl from pg_stat_ssl where pid = pg_backend_pid()")
            c.close()
        c = tls("sslmode=require")
        assert c.info.ssl_attribute("library") is not None
        assert c.info.ssl_attribute("protocol").startswith("TLSv1."), c.info.ssl_attribute("protocol")
        assert "protocol" in c.info.ssl_attribute_names
        c.close()

    @check("tls-verify-full-rootcert")
    def _():
        c = tls(f"sslmode=verify-full sslrootcert={h.ROOT_CA}")
        assert c.info.ssl_in_use
        c.close()
        c = tls(f"sslmode=verify-ca sslrootcert={h.ROOT_CA}")
        c.close()
        h.expect_error(
            lambda: tls("sslmode=verify-full sslrootcert=/nonexistent/root.crt"),
            psycopg2.OperationalError,
            "root certificate file",
        )

    @check("tls-client-cert")
    def _():
        c = tls(
            f"sslmode=verify-full sslrootcert={h.ROOT_CA} "
            f"sslcert={h.CLIENT_CERT} sslkey={h.CLIENT_KEY}",
            user=h.CERT_USER,
        )
        assert scalar(c, "select current_user") == h.CERT_USER
        assert scalar(
            c, "select client_dn from pg_stat_ssl where pid = pg_backend_pid()"
        ).endswith(h.CERT_USER)
        c.close()
        h.expect_error(
            lambda: tls("sslmode=require sslcert=/nonexistent.crt", user=h.CERT_USER),
            psycopg2.OperationalError,
        )

    @check("tls-crl")
    def _():
        c = tls(f"sslmode=verify-full sslrootcert={h.ROOT_CA} sslcrl={h.CRL_EMPTY}")
        c.close()
        h.expect_error(
            lambda: tls(
                f"sslmode=verify-full sslrootcert={h.ROOT_CA} sslcrl={h.CRL_REVOKED}"
            ),
            psycopg2.OperationalError,
            "certificate",
        )


if h.ALL_TLS:

    @check("all-tls")
    def _():
        conn = connect()
        assert conn.info.ssl_in_use
        conn.close()


def error_messages():
    # Printed as `msg: ...` lines (ports and paths masked): the Rust test
    # compares them with libpq 18's, which is what psycopg2 users see.
    def mask(text):
        text = text.replace(f"port {h.PORT} ", "port <port> ")
        if h.TLS_PORT:
            text = text.replace(f"port {h.TLS_PORT} ", "port <tlsport> ")
        if h.ROOT_CA:
            text = text.replace(os.path.dirname(h.ROOT_CA), "<tls>")
        return text.replace("\n", "\\n").replace("\t", "\\t")

    base = f"host={h.HOST} port={h.PORT} dbname=postgres"
    cases = [
        f"host={h.HOST} port=1 dbname=postgres",
        f"{base} user={h.TRUST_USER} dbname=nosuchdb_py",
        f"{base} user=nosuchuser_py",
        f"{base} user={h.SCRAM_USER} password=bad",
        f"{base} user={h.SCRAM_USER}",
        f"{base} sslmode=bogus",
        f"{base} user={h.TRUST_USER} sslmode=require",
        f"{base} user={h.TRUST_USER} target_session_attrs=read-only",
        f"{base} user={h.TRUST_USER} options='-c nosuch=1'",
        f"{base} user={h.TRUST_USER} keepalives=x",
        f"{base} user={h.TRUST_USER} connect_timeout=-x",
        "postgresql://[::1",
        f"{base} user={h.TRUST_USER} replication=maybe",
    ]
    if h.TLS_PORT:
        tls = f"host={h.HOST} port={h.TLS_PORT} dbname=postgres user={h.TRUST_USER}"
        cases += [
            f"{tls} sslmode=verify-full sslrootcert={h.ROOT_CA} sslcrl={h.CRL_REVOKED}",
            f"{tls} sslmode=verify-full sslrootcert=/nonexistent/root.crt",
            f"host=127.0.0.2 hostaddr={h.HOST} port={h.TLS_PORT} dbname=postgres"
            f" user={h.TRUST_USER} sslmode=verify-full sslrootcert={h.ROOT_CA}",
            f"{tls} sslmode=require sslcert={h.CLIENT_CERT} sslkey=/nonexistent",
            f"host={h.HOST} port={h.TLS_PORT} dbname=postgres user={h.CERT_USER} sslmode=require",
            f"{tls} sslmode=require ssl_min_protocol_version=TLSv1.9",
            f"{base} user={h.TRUST_USER} sslmode=require sslnegotiation=direct",
        ]
    failed = 0
    for dsn in cases:
        try:
            psycopg2.connect(dsn).close()
            text = "connected"
        except psycopg2.Error as ex:
            failed += 1
            text = f"{type(ex).__name__}: {ex}"
        print(f"msg: {mask(text)}")
    assert failed == len(cases), f"{len(cases) - failed} connected"

    # Asynchronous connections (PQconnectStart/PQconnectPoll) through host
    # lists: the socket changes from one attempt to the next.
    def connect_async(dsn):
        conn = psycopg2.connect(dsn, async_=1)
        while True:
            state = conn.poll()
            if state == ext.POLL_OK:
                return conn
            if state == ext.POLL_READ:
                select.select([conn.fileno()], [], [], 10)
            elif state == ext.POLL_WRITE:
                select.select([], [conn.fileno()], [], 10)

    user = f"dbname=postgres user={h.TRUST_USER}"
    async_cases = [
        (f"host={h.HOST},{h.HOST},{h.SOCKDIR} port=1,2,{h.PORT} {user}", True),
        (f"host={h.HOST},{h.SOCKDIR} port={h.PORT} {user} target_session_attrs=read-only", False),
        (f"host={h.HOST},{h.HOST} port=1,{h.PORT} {user} dbname=nosuchdb_py", False),
    ]
    for dsn, works in async_cases:
        try:
            conn = connect_async(dsn)
            text = f"connected to {conn.info.port == h.PORT and '<port>'}"
            conn.close()
        except psycopg2.Error as ex:
            text = f"{type(ex).__name__}: {ex}"
        print(f"msg: async {mask(text.replace(h.SOCKDIR, '<sockdir>').replace(f'.s.PGSQL.{h.PORT}', '.s.PGSQL.<port>'))}")
        assert text.startswith("connected") == works, text


if not h.ALL_TLS:  # some cases need a server without TLS
    check("error-messages")(error_messages)


# ------------------------------------------------------------------ querying

CONN = connect()


@check("query-parameters")
def _():
    cur = CONN.cursor()
    cur.execute(
        "select %s, %s, %s, %s, %s, %s",
        (42, "it's", None, 1.5, True, [1, 2, 3]),
    )
    assert cur.fetchone() == (42, "it's", None, 1.5, True, [1, 2, 3])
    cur.execute("select %(a)s || %(b)s", {"a": "x'", "b": "\\y"})
    assert cur.fetchone()[0] == "x'\\y"
    data = bytes(range(256))
    cur.execute("select %s::bytea, octet_length(%s)", (psycopg2.Binary(data), data))
    got, n = cur.fetchone()
    assert bytes(got) == data and n == 256
    cur.execute("select %s", ("\u00e9\u20ac\U0001f600",))
    assert cur.fetchone()[0] == "\u00e9\u20ac\U0001f600"
    assert cur.mogrify("select %s", ("a'b",)) == b"select 'a''b'"
    cur.execute("create temp table t (id int primary key, name text)")
    cur.executemany("insert into t values (%s, %s)", [(i, f"n{i}") for i in range(10)])
    assert cur.rowcount == 10
    cur.execute("select count(*), max(name) from t")
    assert cur.fetchone() == (10, "n9")
    cur.execute("update t set name = name || '!' where id < 4")
    assert cur.rowcount == 4
    assert cur.statusmessage == "UPDATE 4"
    cur.execute("select id, name from t where id = 1")
    assert [d.name for d in cur.description] == ["id", "name"]
    assert cur.description[0].type_code == 23
    CONN.rollback()


@check("escaping-encodings-and-sco-off")
def _():
    # psycopg2 interpolates parameters on the client with PQescapeStringConn
    # and PQescapeByteaConn, whose output depends on the connection.
    data = bytes(range(256))
    text = "back\\slash 'quote' caf\u00e9 \u8868"
    conn = connect(options="-c standard_conforming_strings=off")
    assert conn.get_parameter_status("standard_conforming_strings") == "off"
    cur = conn.cursor()
    q = cur.mogrify("select %s", ("a\\b'",))
    assert q == b"select E'a\\\\b'''", q
    cur.execute("select %s, %s::bytea, %s", (text, psycopg2.Binary(data), text))
    got = cur.fetchone()
    assert got[0] == text and bytes(got[1]) == data and got[2] == text, got
    conn.close()
    # In SJIS, BIG5 and GBK a multibyte character's second byte may be 0x5c
    # (an ASCII backslash): U+8868 is 0x95 0x5c in SJIS.
    for enc in ("SJIS", "BIG5", "GBK", "LATIN1"):
        sample = text.replace("\u00e9", "e") if enc != "LATIN1" else text[:-2]
        conn = connect(client_encoding=enc)
        cur = conn.cursor()
        cur.execute("select %s, length(%s)", (sample, sample))
        assert cur.fetchone() == (sample, len(sample)), enc
        conn.close()
    md5 = "md594839d658c28a357126f105b9cb14cfc"
    assert ext.encrypt_password("psycopg2", "ashesh", CONN, "md5") == md5
    assert ext.encrypt_password("psycopg2", "ashesh", algorithm="md5") == md5
    scram = ext.encrypt_password("pw", "u", CONN, "scram-sha-256")
    assert scram.startswith("SCRAM-SHA-256$4096:"), scram


@check("query-identifiers")
def _():
    from psycopg2 import sql

    q = sql.SQL("select {} from (select 1 as {}) s").format(
        sql.Identifier('we"ird'), sql.Identifier('we"ird')
    )
    assert q.as_string(CONN) == 'select "we""ird" from (select 1 as "we""ird") s'
    assert scalar(CONN, q) == 1
    assert ext.quote_ident('a"b', CONN) == '"a""b"'
    CONN.rollback()


@check("query-errors")
def _():
    cur = CONN.cursor()
    try:
        cur.execute("select 1/0")
    except psycopg2.errors.DivisionByZero as ex:
        assert ex.pgcode == "22012"
        assert ex.diag.message_primary == "division by zero"
        assert ex.diag.severity == "ERROR"
        assert ex.pgerror.startswith("ERROR:  division by zero")
    else:
        raise AssertionError("no error")
    assert CONN.get_transaction_status() == ext.TRANSACTION_STATUS_INERROR
    CONN.rollback()
    try:
        cur.execute("selec 1")
    except psycopg2.errors.SyntaxError as ex:
        assert ex.diag.statement_position == "1"
        assert "LINE 1: selec 1" in ex.pgerror, ex.pgerror
    else:
        raise AssertionError("no error")
    CONN.rollback()


@check("copy-expert-both-ways")
def _():
    import io

    cur = CONN.cursor()
    cur.execute("create temp table c (a int, b text)")
    src = "".join(f"{i}\trow {i}\n" for i in range(1000)) + "1000\t\\N\n"
    cur.copy_expert("copy c from stdin", io.StringIO(src))
    assert cur.rowcount == 1001, cur.rowcount
    out = io.StringIO()
    cur.copy_expert("copy (select * from c order by a) to stdout", out)
    assert out.getvalue() == src
    out = io.StringIO()
    cur.copy_expert("copy c to stdout with (format csv, header)", out)
    assert out.getvalue().startswith("a,b\n0,row 0\n")
    cur.execute("create temp table c2 (a int, b text)")
    cur.copy_from(io.StringIO("5000|x\n"), "c2", sep="|")
    out = io.StringIO()
    cur.copy_to(out, "c2", columns=["b"])
    assert out.getvalue() == "x\n"
    try:
        cur.copy_expert("copy c from stdin", io.StringIO("notanumber\tx\n"))
    except psycopg2.errors.InvalidTextRepresentation as ex:
        assert "COPY c, line 1" in ex.diag.context, ex.diag.context
    else:
        raise AssertionError("no error")
    CONN.rollback()
    binary = io.BytesIO()
    cur.copy_expert("copy (select 1::int, 'x'::text) to stdout (format binary)", binary)
    assert binary.getvalue().startswith(b"PGCOPY\n\xff\r\n\x00")
    CONN.rollback()


@check("notifies")
def _():
    listener = connect()
    listener.autocommit = True
    cur = listener.cursor()
    cur.execute(f"listen py_chan_{PID}")
    talker = connect()
    talker.autocommit = True
    talker.cursor().execute(f"notify py_chan_{PID}, 'hello'; notify py_chan_{PID}, 'again'")
    deadline = time.time() + 10
    while len(listener.notifies) < 2 and time.time() < deadline:
        if select.select([listener], [], [], 1) != ([], [], []):
            listener.poll()
    got = [(n.channel, n.payload, n.pid) for n in listener.notifies]
    pid = talker.info.backend_pid
    assert got == [(f"py_chan_{PID}", "hello", pid), (f"py_chan_{PID}", "again", pid)], got
    # a notification arriving with a query result
    talker.cursor().execute(f"notify py_chan_{PID}, 'third'")
    time.sleep(0.2)
    cur.execute("select 1")
    assert listener.notifies[-1].payload == "third"
    listener.close()
    talker.close()


@check("notices-last-50")
def _():
    conn = connect()
    cur = conn.cursor()
    cur.execute("set client_min_messages = notice")
    cur.execute(
        "do $$ begin for i in 1..60 loop raise notice 'n %', i; end loop; end $$"
    )
    assert len(conn.notices) == 50, len(conn.notices)
    assert conn.notices[0] == "NOTICE:  n 11\n", conn.notices[0]
    assert conn.notices[-1] == "NOTICE:  n 60\n", conn.notices[-1]
    cur.execute("do $$ begin raise warning 'careful'; end $$")
    assert conn.notices[-1] == "WARNING:  careful\n"
    conn.close()


@check("named-cursors")
def _():
    conn = connect()
    cur = conn.cursor("py_named", scrollable=True)
    cur.itersize = 7
    cur.execute("select g, g * 2 from generate_series(1, 100) g")
    assert cur.fetchone() == (1, 2)
    assert cur.fetchmany(3) == [(2, 4), (3, 6), (4, 8)]
    cur.scroll(50, mode="absolute")
    assert cur.fetchone() == (51, 102)
    rest = cur.fetchall()
    assert len(rest) == 49 and rest[-1] == (100, 200)
    cur.close()
    with conn.cursor("py_iter") as cur2:
        cur2.itersize = 10
        cur2.execute("select g from generate_series(1, 35) g")
        assert sum(r[0] for r in cur2) == sum(range(1, 36))
    # withhold cursor survives the commit
    cur3 = conn.cursor("py_hold", withhold=True)
    cur3.execute("select 1")
    conn.commit()
    assert cur3.fetchall() == [(1,)]
    cur3.close()
    conn.close()


@check("large-objects")
def _():
    conn = connect()
    lo = conn.lobject(0, "wb")
    oid = lo.oid
    assert lo.write(b"hello large object") == 18
    lo.seek(6)
    lo.write(b"LARGE")
    lo.close()
    lo = conn.lobject(oid, "rb")
    assert lo.read() == b"hello LARGE object"
    lo.seek(-6, 2)
    assert lo.tell() == 12
    assert lo.read(3) == b"obj"
    lo.close()
    lo = conn.lobject(oid, "rwt")
    assert lo.read() == "hello LARGE object"
    lo.truncate(5)
    lo.seek(0)
    assert lo.read() == "hello"
    path = f"/tmp/libpqrs-py-lo-{os.getpid()}"
    lo.export(path)
    lo.close()
    with open(path, "rb") as f:
        assert f.read() == b"hello"
    lo2 = conn.lobject(0, "r", 0, path)  # lo_import
    assert lo2.read() == "hello"
    lo2.unlink()
    os.unlink(path)
    conn.lobject(oid).unlink()
    h.expect_error(lambda: conn.lobject(oid), psycopg2.OperationalError)
    conn.rollback()
    conn.close()


def wait(conn):
    while True:
        state = conn.poll()
        if state == ext.POLL_OK:
            return
        if state == ext.POLL_READ:
            select.select([conn.fileno()], [], [], 10)
        elif state == ext.POLL_WRITE:
            select.select([], [conn.fileno()], [], 10)
        else:
            raise AssertionError(f"poll() returned {state}")


@check("async-connection")
def _():
    aconn = psycopg2.connect(h.TCP, async_=1)
    assert aconn.async_ == 1 and aconn.isexecuting()
    wait(aconn)
    cur = aconn.cursor()
    cur.execute("select pg_sleep(0.1)::text, %s::int", (7,))
    assert aconn.isexecuting()
    wait(aconn)
    assert cur.fetchone() == ("", 7)
    cur.execute("select 'a', 2")
    wait(aconn)
    assert cur.fetchone() == ("a", 2)
    cur.execute("select 1/0")
    h.expect_error(lambda: wait(aconn), psycopg2.errors.DivisionByZero)
    aconn.close()
    # a failing async connection reports through poll()
    bad = psycopg2.connect(f"host={h.HOST} port=1 dbname=postgres", async_=1)
    h.expect_error(lambda: wait(bad), psycopg2.OperationalError)


@check("async-wait-callback")
def _():
    psycopg2.extensions.set_wait_callback(psycopg2.extras.wait_select)
    try:
        conn = connect()
        assert scalar(conn, "select 40 + %s", (2,)) == 42
        conn.close()
    finally:
        psycopg2.extensions.set_wait_callback(None)


@check("cancel")
def _():
    conn = connect()
    timer = threading.Timer(0.5, conn.cancel)
    timer.start()
    t0 = time.time()
    h.expect_error(
        lambda: conn.cursor().execute("select pg_sleep(20)"),
        psycopg2.errors.QueryCanceled,
        "canceling statement due to user request",
    )
    timer.join()
    assert time.time() - t0 < 10
    conn.rollback()
    assert scalar(conn, "select 1") == 1
    conn.close()


@check("threads")
def _():
    # libpq is thread-safe per connection: eight threads, each with its own
    # connection (connect, parameters, COPY, a notice), plus one shared
    # connection that psycopg2 serialises.
    import io

    errors = []
    shared = connect()

    def work(i):
        try:
            conn = connect(application_name=f"t{i}")
            cur = conn.cursor()
            for j in range(20):
                cur.execute("select %s::int * %s", (i, j))
                assert cur.fetchone()[0] == i * j
                with shared.cursor() as scur:
                    scur.execute("select %s::text", (f"{i}-{j}",))
                    assert scur.fetchone()[0] == f"{i}-{j}"
            out = io.StringIO()
            cur.copy_expert("copy (select generate_series(1, 1000)) to stdout", out)
            assert out.getvalue().count("\n") == 1000
            cur.execute("do $$ begin raise notice 'from %', current_setting('application_name'); end $$")
            assert conn.notices[-1] == f"NOTICE:  from t{i}\n"
            conn.close()
        except Exception as ex:  # noqa: BLE001
            errors.append(f"thread {i}: {ex!r}")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    shared.close()
    assert not errors, errors


@check("connection-status")
def _():
    conn = connect()
    v = conn.server_version
    assert v >= 100000 and conn.info.server_version == v
    assert conn.get_parameter_status("server_version").startswith(str(v // 10000))
    assert conn.get_parameter_status("no_such_param") is None
    assert conn.get_parameter_status("integer_datetimes") == "on"
    assert conn.protocol_version == 3 and conn.info.protocol_version == 3
    assert conn.get_transaction_status() == ext.TRANSACTION_STATUS_IDLE
    cur = conn.cursor()
    cur.execute("select 1")
    assert conn.get_transaction_status() == ext.TRANSACTION_STATUS_INTRANS
    assert conn.info.transaction_status == ext.TRANSACTION_STATUS_INTRANS
    conn.rollback()
    assert conn.status == ext.STATUS_READY
    assert conn.info.status == 0  # CONNECTION_OK
    assert conn.info.backend_pid == scalar(conn, "select pg_backend_pid()")
    assert conn.info.socket == conn.fileno()
    assert not conn.info.error_message, conn.info.error_message
    assert not conn.info.needs_password
    params = conn.get_dsn_parameters()
    assert params["user"] == h.TRUST_USER and params["dbname"] == "postgres"
    assert "password" not in params
    conn.close()


@check("reset")
def _():
    conn = connect()
    cur = conn.cursor()
    cur.execute("select pg_backend_pid()")
    cur.execute("set work_mem = '1234kB'")
    conn.reset()
    assert conn.get_transaction_status() == ext.TRANSACTION_STATUS_IDLE
    assert scalar(conn, "show work_mem") != "1234kB"
    conn.close()


@check("isolation-and-autocommit")
def _():
    conn = connect()
    conn.set_session(
        isolation_level="SERIALIZABLE", readonly=True, deferrable=True
    )
    assert scalar(conn, "show transaction_isolation") == "serializable"
    assert scalar(conn, "show transaction_read_only") == "on"
    assert scalar(conn, "show transaction_deferrable") == "on"
    conn.rollback()
    conn.set_session(isolation_level=ext.ISOLATION_LEVEL_REPEATABLE_READ, readonly=False, deferrable=False)
    assert conn.isolation_level == ext.ISOLATION_LEVEL_REPEATABLE_READ
    assert scalar(conn, "show transaction_isolation") == "repeatable read"
    conn.rollback()
    conn.set_isolation_level(ext.ISOLATION_LEVEL_READ_COMMITTED)
    assert scalar(conn, "show transaction_isolation") == "read committed"
    conn.rollback()
    conn.autocommit = True
    conn.cursor().execute("create temp table ac (x int)")
    assert conn.get_transaction_status() == ext.TRANSACTION_STATUS_IDLE
    conn.autocommit = False
    with conn:
        conn.cursor().execute("insert into ac values (1)")
    assert conn.get_transaction_status() == ext.TRANSACTION_STATUS_IDLE
    assert scalar(conn, "select count(*) from ac") == 1
    conn.close()


def rollback_leftover_prepared():
    # A prepared transaction left behind would block the creation of a
    # logical replication slot.
    # Only ours: other runs may share the server.
    conn = connect()
    for xid in conn.tpc_recover():
        if xid.gtrid and xid.gtrid.endswith(f"-{os.getpid()}"):
            conn.tpc_rollback(xid)
    conn.close()


def two_phase():
    conn = connect()
    conn.autocommit = True
    conn.cursor().execute(f"drop table if exists py_tpc_{PID}; create table py_tpc_{PID} (x int)")
    conn.autocommit = False
    xid = conn.xid(42, f"libpqrs-gtrid-{os.getpid()}", "bq")
    conn.tpc_begin(xid)
    conn.cursor().execute(f"insert into py_tpc_{PID} values (1)")
    conn.tpc_prepare()
    other = connect()
    found = [x for x in other.tpc_recover() if x.gtrid == xid.gtrid]
    other.close()
    assert len(found) == 1 and found[0].format_id == 42 and found[0].bqual == "bq"
    conn.tpc_commit()
    assert scalar(conn, f"select count(*) from py_tpc_{PID}") == 1
    conn.rollback()
    # one-phase tpc and a rollback of a prepared transaction by xid
    xid2 = conn.xid(1, f"libpqrs-g2-{os.getpid()}", "b")
    conn2 = connect()
    conn2.tpc_begin(xid2)
    conn2.cursor().execute(f"insert into py_tpc_{PID} values (2)")
    conn2.tpc_prepare()
    conn2.close()
    other = connect()
    other.tpc_rollback(xid2)
    other.close()
    conn.tpc_begin(conn.xid(1, f"libpqrs-g3-{os.getpid()}", "b"))
    conn.cursor().execute(f"insert into py_tpc_{PID} values (3)")
    conn.tpc_commit()
    assert scalar(conn, f"select array_agg(x order by x) from py_tpc_{PID}") == [1, 3]
    conn.rollback()
    conn.autocommit = True
    conn.cursor().execute(f"drop table py_tpc_{PID}")
    conn.close()


@check("two-phase-commit")
def _():
    try:
        two_phase()
    finally:
        rollback_leftover_prepared()


@check("logical-replication")
def _():
    slot = f"libpqrs_py_slot_{os.getpid()}"
    setup = connect()
    setup.autocommit = True
    setup.cursor().execute(f"create table if not exists py_repl_{PID} (x int)")
    rconn = psycopg2.connect(
        h.TCP, connection_factory=psycopg2.extras.LogicalReplicationConnection
    )
    assert rconn.get_dsn_parameters().get("replication") == "database"
    rcur = rconn.cursor()
    rcur.execute("IDENTIFY_SYSTEM")
    ident = rcur.fetchone()
    assert len(ident) == 4 and ident[3] == "postgres", ident
    rcur.create_replication_slot(slot, output_plugin="test_decoding")
    try:
        setup.cursor().execute(f"insert into py_repl_{PID} values (4242)")
        rcur.start_replication(slot_name=slot, decode=True)
        seen = []
        deadline = time.time() + 15
        while time.time() < deadline:
            msg = rcur.read_message()
            if msg is None:
                select.select([rcur], [], [], 1)
                continue
            seen.append(msg.payload)
            msg.cursor.send_feedback(flush_lsn=msg.data_start)
            # other sessions' transactions may come first
            if msg.payload.startswith("COMMIT") and any("4242" in p for p in seen):
                break
        assert any("4242" in p for p in seen), seen
        assert seen[0].startswith("BEGIN"), seen
        assert rcur.wal_end > 0
    finally:
        rconn.close()
        cur = setup.cursor()
        # the walsender may outlive the connection for a moment
        for _ in range(100):
            cur.execute(
                "select active from pg_replication_slots where slot_name = %s",
                (slot,),
            )
            row = cur.fetchone()
            if not row or not row[0]:
                break
            time.sleep(0.1)
        cur.execute(
            "select pg_drop_replication_slot(%s) from pg_replication_slots"
            " where slot_name = %s",
            (slot, slot),
        )
        setup.cursor().execute(f"drop table py_repl_{PID}")
        setup.close()


@check("physical-replication-connection")
def _():
    rconn = psycopg2.connect(
        h.TCP, connection_factory=psycopg2.extras.PhysicalReplicationConnection
    )
    assert rconn.get_dsn_parameters().get("replication") == "true"
    cur = rconn.cursor()
    cur.execute("IDENTIFY_SYSTEM")
    row = cur.fetchone()
    assert row[3] is None, row
    rconn.close()


CONN.close()
h.finish()
