//! Protocol versions (libpq 18): `min_protocol_version` and
//! `max_protocol_version`, NegotiateProtocolVersion, the variable-length
//! cancel keys of protocol 3.2, PQprotocolVersion and PQfullProtocolVersion.
//!
//! Against both servers of the harness: Debian's PostgreSQL 15, which
//! answers a 3.2 request with NegotiateProtocolVersion (3.0), and the
//! oracle's PostgreSQL 18 (`support::pg18`), which speaks 3.2 and hands out
//! 32-byte cancel keys that PQcancel and the PostgreSQL 17 cancel API must
//! send whole. And against a small fake server for what no real server does:
//! every way libpq 18 refuses a NegotiateProtocolVersion or a BackendKeyData
//! (also compared with libpq 18 by section `negotiation` of
//! `tests/differential/protocol.c`; its section `protocol`, run by
//! `differential.rs`, compares the real-server cases).

use std::ffi::c_char;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::support::fake::{self, message, read_i32};
use crate::support::{lib_dir, pg18, server, TestServer, TRUST_USER};
use crate::util::*;
use pq::ffi::*;
use PostgresPollingStatusType::*;

const V30: u32 = 3 << 16;
const V32: u32 = V30 | 2;

fn versions(c: &Conn) -> (i32, i32) {
    // SAFETY: live handle.
    unsafe { (PQprotocolVersion(c.0), PQfullProtocolVersion(c.0)) }
}

fn pg18_or_skip() -> Option<&'static TestServer> {
    pg18::server()
}

// ---------------------------------------------------------------- tracing

/// Waits (at most a second) for the direction a poll answer names.
fn wait_for(fd: i32, answer: PostgresPollingStatusType) {
    let mut pfd = libc::pollfd {
        fd,
        events: if answer == PGRES_POLLING_READING {
            libc::POLLIN
        } else {
            libc::POLLOUT
        },
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    unsafe { libc::poll(&mut pfd, 1, 1000) };
}

/// A connection made with PQconnectStart and driven by PQconnectPoll with
/// a protocol trace (regress mode) from the start; returns the connection
/// and the trace of its startup.
fn connect_traced(conninfo: &str) -> (Conn, String) {
    let ci = cs(conninfo);
    // SAFETY: a valid C string; tmpfile's FILE is used until PQuntrace and
    // closed once; the connection is live throughout.
    unsafe {
        let c = Conn(PQconnectStart(ci.as_ptr()));
        let file = libc::tmpfile();
        assert!(!file.is_null());
        PQtrace(c.0, file);
        PQsetTraceFlags(c.0, PQTRACE_SUPPRESS_TIMESTAMPS | PQTRACE_REGRESS_MODE);
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut answer = PGRES_POLLING_WRITING;
        while answer != PGRES_POLLING_OK && answer != PGRES_POLLING_FAILED {
            assert!(Instant::now() < deadline, "connecting took too long");
            wait_for(PQsocket(c.0), answer);
            answer = PQconnectPoll(c.0);
        }
        PQuntrace(c.0);
        libc::fflush(file);
        libc::rewind(file);
        let mut bytes = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = libc::fread(buf.as_mut_ptr().cast(), 1, buf.len(), file);
            if n == 0 {
                break;
            }
            bytes.extend_from_slice(&buf[..n]);
        }
        libc::fclose(file);
        (c, String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// The length word of the traced BackendKeyData (8 + the key's length).
fn traced_key_message_len(trace: &str) -> Option<usize> {
    trace
        .lines()
        .find(|l| l.contains("\tBackendKeyData\t"))
        .and_then(|l| l.split('\t').nth(1))
        .and_then(|n| n.parse().ok())
}

// ---------------------------------------------------------------- real servers

#[test]
fn default_connection_speaks_3_0_with_both_servers() {
    let mut servers = vec![server()];
    servers.extend(pg18_or_skip());
    for s in servers {
        for info in [s.tcp(TRUST_USER, ""), s.unix(TRUST_USER, "")] {
            let c = Conn::ok(&info);
            assert_eq!(versions(&c), (3, 30000), "{info}");
        }
        let (c, trace) = connect_traced(&s.tcp(TRUST_USER, "sslmode=disable"));
        assert_eq!(c.status(), ConnStatusType::CONNECTION_OK, "{}", c.error());
        assert!(trace.contains("\tStartupMessage\t 3 0 "), "{trace}");
        assert!(!trace.contains("NegotiateProtocolVersion"), "{trace}");
        assert_eq!(traced_key_message_len(&trace), Some(12), "{trace}");
        let c = Conn::ok(&s.tcp(TRUST_USER, "max_protocol_version=3.0"));
        assert_eq!(versions(&c), (3, 30000));
    }
}

#[test]
fn protocol_3_2_with_postgresql_18() {
    let Some(s) = pg18_or_skip() else { return };
    for extra in [
        "max_protocol_version=3.2",
        "max_protocol_version=latest",
        // The maximum defaults to the latest when the minimum asks for more than 3.0.
        "min_protocol_version=3.2",
        "min_protocol_version=latest max_protocol_version=3.2",
    ] {
        let c = Conn::ok(&s.tcp(TRUST_USER, extra));
        assert_eq!(versions(&c), (3, 30002), "{extra}");
        assert_eq!(c.exec("select 1").value(0, 0).as_deref(), Some("1"));
    }
    let (c, trace) = connect_traced(&s.unix(TRUST_USER, "max_protocol_version=3.2"));
    assert_eq!(c.status(), ConnStatusType::CONNECTION_OK, "{}", c.error());
    assert!(trace.contains("\tStartupMessage\t 3 2 "), "{trace}");
    assert!(!trace.contains("NegotiateProtocolVersion"), "{trace}");
    // PostgreSQL 18's keys are 32 bytes (libpq 18's trace prints them as
    // two integers, then complains about the length).
    assert_eq!(traced_key_message_len(&trace), Some(4 + 4 + 32), "{trace}");
    assert!(trace.contains("mismatched message length: consumed 12, expected 40"));
    // The session's state is as usual.
    assert_eq!(versions(&c), (3, 30002));
    // SAFETY: live handle.
    assert!(unsafe { PQbackendPID(c.0) } > 0);
}

#[test]
fn protocol_3_2_request_is_negotiated_down_by_postgresql_15() {
    let s = server();
    for extra in ["max_protocol_version=3.2", "max_protocol_version=latest"] {
        let c = Conn::ok(&s.tcp(TRUST_USER, extra));
        assert_eq!(versions(&c), (3, 30000), "{extra}");
        assert_eq!(c.exec("select 2").value(0, 0).as_deref(), Some("2"));
    }
    let (c, trace) = connect_traced(&s.tcp(TRUST_USER, "sslmode=disable max_protocol_version=3.2"));
    assert_eq!(c.status(), ConnStatusType::CONNECTION_OK, "{}", c.error());
    assert!(trace.contains("\tStartupMessage\t 3 2 "), "{trace}");
    assert!(
        trace.contains("B\t12\tNegotiateProtocolVersion\t 196608 0\n"),
        "{trace}"
    );
    assert_eq!(traced_key_message_len(&trace), Some(12), "{trace}");
    assert_eq!(versions(&c), (3, 30000));
}

#[test]
fn minimum_3_2_fails_with_postgresql_15() {
    let s = server();
    for extra in ["min_protocol_version=3.2", "min_protocol_version=latest"] {
        let c = Conn::open(&s.tcp(TRUST_USER, extra));
        assert_eq!(c.status(), ConnStatusType::CONNECTION_BAD);
        let want = format!(
            "connection to server at \"127.0.0.1\", port {} failed: server only supports \
             protocol version 3.0, but \"min_protocol_version\" was set to 3.2\n",
            s.port
        );
        assert_eq!(c.error(), want);
        assert_eq!(versions(&c), (0, 0));
        // As libpq 18, the refusal also leaves an error result behind.
        // SAFETY: live handle.
        let r = Res(unsafe { PQgetResult(c.0) });
        assert_eq!(r.status(), ExecStatusType::PGRES_FATAL_ERROR);
        assert_eq!(r.error(), want);
    }
    // The other hosts are not tried: the refusal ends the connection attempt.
    let c = Conn::open(&format!(
        "host={},{} port={},{} user={TRUST_USER} dbname=postgres min_protocol_version=3.2",
        s.host,
        s.host,
        s.port,
        pg18_or_skip().map_or(s.port, |p| p.port)
    ));
    assert_eq!(c.status(), ConnStatusType::CONNECTION_BAD);
    assert_eq!(c.error().matches("server only supports").count(), 1);
}

#[test]
fn bad_protocol_version_options() {
    let s = server();
    for (extra, want) in [
        (
            "min_protocol_version=3.1",
            "invalid min_protocol_version value: \"3.1\"\n",
        ),
        (
            "max_protocol_version=3",
            "invalid max_protocol_version value: \"3\"\n",
        ),
        (
            "max_protocol_version=LATEST",
            "invalid max_protocol_version value: \"LATEST\"\n",
        ),
        (
            "min_protocol_version=3.2 max_protocol_version=3.0",
            "\"min_protocol_version\" is greater than \"max_protocol_version\"\n",
        ),
        (
            "min_protocol_version=latest max_protocol_version=3.0",
            "\"min_protocol_version\" is greater than \"max_protocol_version\"\n",
        ),
    ] {
        let c = Conn::open(&s.tcp(TRUST_USER, extra));
        assert_eq!(c.status(), ConnStatusType::CONNECTION_BAD, "{extra}");
        assert_eq!(c.error(), want, "{extra}");
        assert_eq!(versions(&c), (0, 0));
    }
    // SAFETY: NULL is allowed.
    unsafe {
        assert_eq!(PQprotocolVersion(std::ptr::null()), 0);
        assert_eq!(PQfullProtocolVersion(std::ptr::null()), 0);
    }
}

/// Runs `select pg_sleep(30)` on `c`, calls `cancel` once the query runs
/// (from this thread: the query runs on the server meanwhile) and checks
/// that the query was cancelled and the connection still works.
fn cancel_running_query(c: &Conn, s: &TestServer, cancel: impl FnOnce()) {
    // SAFETY: live handle.
    let pid = unsafe { PQbackendPID(c.0) };
    let helper = Conn::ok(&s.unix(TRUST_USER, ""));
    let started = Instant::now();
    let q = cs("select pg_sleep(30)");
    // SAFETY: live handle, valid query.
    assert_eq!(unsafe { PQsendQuery(c.0, q.as_ptr()) }, 1);
    for _ in 0..1000 {
        let r = helper.exec(&format!(
            "select 1 from pg_stat_activity where pid = {pid} and state = 'active'"
        ));
        if r.ntuples() == 1 {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    cancel();
    // SAFETY: live handle.
    let r = Res(unsafe { PQgetResult(c.0) });
    assert_eq!(r.field(b'C').as_deref(), Some("57014"), "{}", r.error());
    drop(r);
    // SAFETY: live handle.
    assert!(unsafe { PQgetResult(c.0) }.is_null());
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(c.exec("select 3").value(0, 0).as_deref(), Some("3"));
}

#[test]
fn long_cancel_keys_cancel_with_both_apis() {
    let Some(s) = pg18_or_skip() else { return };
    for info in [
        s.tcp(TRUST_USER, "max_protocol_version=3.2 sslmode=disable"),
        s.unix(TRUST_USER, "max_protocol_version=3.2"),
    ] {
        let c = Conn::ok(&info);
        assert_eq!(versions(&c), (3, 30002));

        // PQcancel: the PGcancel holds the 32-byte key.
        // SAFETY: live handle.
        let cancel = unsafe { PQgetCancel(c.0) };
        assert!(!cancel.is_null());
        cancel_running_query(&c, s, || {
            let mut buf = [0 as c_char; 256];
            // SAFETY: a live PGcancel and a 256-byte buffer; freed once, after use.
            unsafe {
                assert_eq!(PQcancel(cancel, buf.as_mut_ptr(), buf.len() as i32), 1);
                PQfreeCancel(cancel);
            }
        });

        // The PostgreSQL 17 cancel API, blocking and polled.
        cancel_running_query(&c, s, || {
            // SAFETY: the connection is live; the cancel connection is finished once.
            unsafe {
                let cc = PQcancelCreate(c.0);
                assert_eq!(
                    PQcancelBlocking(cc),
                    1,
                    "{:?}",
                    text(PQcancelErrorMessage(cc))
                );
                PQcancelFinish(cc);
            }
        });
        cancel_running_query(&c, s, || {
            // SAFETY: the connection is live; the cancel connection is finished once.
            unsafe {
                let cc = PQcancelCreate(c.0);
                assert_eq!(PQcancelStart(cc), 1);
                let mut answer = PGRES_POLLING_WRITING;
                while answer != PGRES_POLLING_OK && answer != PGRES_POLLING_FAILED {
                    wait_for(PQcancelSocket(cc), answer);
                    answer = PQcancelPoll(cc);
                }
                assert_eq!(
                    answer,
                    PGRES_POLLING_OK,
                    "{:?}",
                    text(PQcancelErrorMessage(cc))
                );
                PQcancelFinish(cc);
            }
        });
    }
}

#[test]
fn a_truncated_key_does_not_cancel() {
    // What the test above would see if the key were cut to protocol 3.0's
    // 4 bytes: PostgreSQL 18 ignores the request, so it cannot pass then.
    let Some(s) = pg18_or_skip() else { return };
    let c = Conn::ok(&s.tcp(TRUST_USER, "max_protocol_version=3.2 sslmode=disable"));
    // SAFETY: live handle.
    let pid = unsafe { PQbackendPID(c.0) };
    let helper = Conn::ok(&s.unix(TRUST_USER, ""));
    let q = cs("select pg_sleep(1)");
    // SAFETY: live handle, valid query.
    assert_eq!(unsafe { PQsendQuery(c.0, q.as_ptr()) }, 1);
    for _ in 0..500 {
        let r = helper.exec(&format!(
            "select 1 from pg_stat_activity where pid = {pid} and state = 'active'"
        ));
        if r.ntuples() == 1 {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut sock = TcpStream::connect((s.host.as_str(), s.port)).unwrap();
    let mut packet = 16u32.to_be_bytes().to_vec();
    packet.extend_from_slice(&((1234u32 << 16) | 5678).to_be_bytes());
    packet.extend_from_slice(&pid.to_be_bytes());
    packet.extend_from_slice(&[0, 0, 0, 0]);
    sock.write_all(&packet).unwrap();
    // The postmaster closes the connection once it has dealt with it.
    let _ = sock.read_to_end(&mut Vec::new());
    // SAFETY: live handle.
    let r = Res(unsafe { PQgetResult(c.0) });
    assert_eq!(r.status(), ExecStatusType::PGRES_TUPLES_OK, "{}", r.error());
    drop(r);
    // SAFETY: live handle.
    assert!(unsafe { PQgetResult(c.0) }.is_null());
}

// ---------------------------------------------------------------- the fake server

/// The port of the fake server (started once per test process). Each
/// connection's application_name is the scenario: what it answers the
/// startup packet with.
/// The C program whose section `negotiation` talks to this server.
const PROTOCOL_C: &str = "tests/differential/protocol.c";

fn fake_port() -> u16 {
    static PORT: OnceLock<u16> = OnceLock::new();
    *PORT.get_or_init(|| fake::spawn(serve))
}

/// NegotiateProtocolVersion: a version, a count and option names.
fn negotiate(version: u32, count: i32, names: &[&str]) -> Vec<u8> {
    let mut body = version.to_be_bytes().to_vec();
    body.extend_from_slice(&count.to_be_bytes());
    for n in names {
        body.extend_from_slice(n.as_bytes());
        body.push(0);
    }
    message(b'v', &body)
}

/// AuthenticationOk, a few parameters, BackendKeyData with `key`, ReadyForQuery.
fn hello(key: &[u8]) -> Vec<u8> {
    let mut m = message(b'R', &0i32.to_be_bytes());
    for (k, v) in [
        ("server_version", "18.0"),
        ("client_encoding", "UTF8"),
        ("standard_conforming_strings", "on"),
    ] {
        m.extend(message(b'S', format!("{k}\0{v}\0").as_bytes()));
    }
    let mut body = 4242i32.to_be_bytes().to_vec();
    body.extend_from_slice(key);
    m.extend(message(b'K', &body));
    m.extend(message(b'Z', b"I"));
    m
}

/// What the fake server answers a startup packet that asked for `requested`.
fn answer(scenario: &str, requested: u32) -> Vec<u8> {
    let key4 = [1u8, 2, 3, 4];
    match scenario {
        "downgrade" => [negotiate(V30, 0, &[]), hello(&key4)].concat(),
        "downgrade_key8" => [negotiate(V30, 0, &[]), hello(b"12345678")].concat(),
        "downgrade_trailing" => {
            let mut body = V30.to_be_bytes().to_vec();
            body.extend_from_slice(&[0, 0, 0, 0]);
            body.extend_from_slice(b"xyz");
            [message(b'v', &body), hello(&key4)].concat()
        }
        "duplicate" => [negotiate(V30, 0, &[]), negotiate(V30, 0, &[]), hello(&key4)].concat(),
        "higher" => negotiate(V32 + 1, 0, &[]),
        "pre30" => negotiate(2 << 16, -1, &[]),
        "v31" => negotiate(V30 | 1, -1, &[]),
        "negative" => negotiate(V30, -1, &[]),
        "no_changes" => negotiate(requested, 0, &[]),
        "option" => negotiate(V30, 1, &["_pq_.compression"]),
        "no_prefix" => negotiate(V30, 2, &["compression", "_pq_.x"]),
        "too_short" => message(b'v', &V30.to_be_bytes()),
        "name_missing" => negotiate(V30, 1, &[]),
        "too_long" => message(b'v', &[0; 2001]),
        "length_7" => [b"v\0\0\0\x07abc".to_vec(), hello(&key4)].concat(),
        "after_auth" => [
            message(b'R', &0i32.to_be_bytes()),
            negotiate(V30, 0, &[]),
            message(b'Z', b"I"),
        ]
        .concat(),
        "key0" => hello(&[]),
        "key3" => hello(b"123"),
        "key4" => hello(&key4),
        "key8" => hello(b"12345678"),
        "key32" => hello(&[7; 32]),
        "key256" => hello(&[8; 256]),
        "key257" => hello(&[9; 257]),
        "key_no_pid" => {
            let mut m = message(b'R', &0i32.to_be_bytes());
            m.extend(message(b'K', &[1, 2]));
            m.extend(message(b'Z', b"I"));
            m
        }
        "no_key" => [message(b'R', &0i32.to_be_bytes()), message(b'Z', b"I")].concat(),
        _ => message(b'E', b"SFATAL\0VFATAL\0C08P01\0Munknown scenario\0\0"),
    }
}

/// One connection: the startup packet, the scenario's answer, then `1` for
/// any query, until Terminate or EOF.
fn serve(mut s: TcpStream) -> std::io::Result<()> {
    let (version, params) = fake::startup_refusing_encryption(&mut s)?;
    let version = version as u32;
    let fields: Vec<&[u8]> = params.split(|&b| b == 0).collect();
    let scenario = fields
        .chunks(2)
        .find(|kv| kv[0] == b"application_name")
        .map(|kv| String::from_utf8_lossy(kv[1]).into_owned())
        .unwrap_or_default();
    s.write_all(&answer(&scenario, version))?;
    loop {
        let mut tag = [0u8; 1];
        s.read_exact(&mut tag)?;
        let len = read_i32(&mut s)? as usize;
        let mut body = vec![0u8; len.saturating_sub(4)];
        s.read_exact(&mut body)?;
        match tag[0] {
            b'X' => return Ok(()),
            b'Q' => {
                let mut r = message(
                    b'T',
                    &[
                        &1i16.to_be_bytes()[..],
                        b"x\0",
                        &[
                            0, 0, 0, 0, 0, 0, 0, 0, 0, 23, 0, 4, 255, 255, 255, 255, 0, 0,
                        ],
                    ]
                    .concat(),
                );
                r.extend(message(b'D', &[0, 1, 0, 0, 0, 1, b'1']));
                r.extend(message(b'C', b"SELECT 1\0"));
                r.extend(message(b'Z', b"I"));
                s.write_all(&r)?;
            }
            _ => {}
        }
    }
}

fn fake(scenario: &str, extra: &str) -> Conn {
    Conn::open(&format!(
        "host=127.0.0.1 port={} user=fake dbname=fake sslmode=disable gssencmode=disable \
         application_name={scenario} {extra}",
        fake_port()
    ))
}

fn fake_error(scenario: &str, extra: &str) -> String {
    let c = fake(scenario, extra);
    assert_eq!(
        c.status(),
        ConnStatusType::CONNECTION_BAD,
        "{scenario} {extra}"
    );
    assert_eq!(versions(&c), (0, 0));
    let prefix = format!(
        "connection to server at \"127.0.0.1\", port {} failed: ",
        fake_port()
    );
    let e = c.error();
    e.strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{scenario}: {e}"))
        .to_string()
}

#[test]
fn negotiation_downgrades_within_the_minimum() {
    for extra in [
        "max_protocol_version=3.2",
        "max_protocol_version=3.2 min_protocol_version=3.0",
    ] {
        let c = fake("downgrade", extra);
        assert_eq!(c.status(), ConnStatusType::CONNECTION_OK, "{}", c.error());
        assert_eq!(versions(&c), (3, 30000));
        assert_eq!(c.exec("select 1").value(0, 0).as_deref(), Some("1"));
    }
    assert_eq!(
        fake_error("downgrade", "min_protocol_version=3.2"),
        "server only supports protocol version 3.0, but \"min_protocol_version\" was set to 3.2\n"
    );
    // A 3.0 request is never negotiated: the same message refused.
    assert_eq!(
        fake_error("downgrade", ""),
        "received invalid protocol negotiation message: server negotiated but asks for no changes\n"
    );
    // Once per connection.
    assert_eq!(
        fake_error("duplicate", "max_protocol_version=3.2"),
        "received duplicate protocol negotiation message\n"
    );
    // Bytes the length word promised beyond the fields are read as the
    // next message, as libpq does.
    assert_eq!(
        fake_error("downgrade_trailing", "max_protocol_version=3.2"),
        "expected authentication request from server, but received x\n"
    );
    // After authentication the message has no business.
    assert_eq!(
        fake_error("after_auth", "max_protocol_version=3.2"),
        "unexpected response from server; first received character was \"v\"\n"
    );
}

#[test]
fn negotiation_refusals() {
    let bad = "received invalid protocol negotiation message";
    for (scenario, extra, want) in [
        ("higher", "max_protocol_version=3.2", format!("{bad}: server requested downgrade to a higher-numbered version\n")),
        ("higher", "", format!("{bad}: server requested downgrade to a higher-numbered version\n")),
        ("pre30", "max_protocol_version=3.2", format!("{bad}: server requested downgrade to pre-3.0 protocol version\n")),
        ("v31", "max_protocol_version=3.2", format!("{bad}: server requested downgrade to non-existent 3.1 protocol version\n")),
        ("negative", "max_protocol_version=3.2 min_protocol_version=3.2", format!("{bad}: server reported negative number of unsupported parameters\n")),
        ("no_changes", "max_protocol_version=3.2", format!("{bad}: server negotiated but asks for no changes\n")),
        ("option", "max_protocol_version=3.2", format!("{bad}: server reported an unsupported parameter that was not requested (\"_pq_.compression\")\n")),
        ("no_prefix", "", format!("{bad}: server reported unsupported parameter name without a \"_pq_.\" prefix (\"compression\")\n")),
        ("too_short", "max_protocol_version=3.2", format!("{bad}: message too short\n")),
        ("name_missing", "max_protocol_version=3.2", format!("{bad}: message too short\n")),
        ("too_long", "max_protocol_version=3.2", format!("{bad}\n")),
        ("length_7", "max_protocol_version=3.2", format!("{bad}\n")),
    ] {
        assert_eq!(fake_error(scenario, extra), want, "{scenario} {extra}");
    }
}

#[test]
fn cancel_key_lengths_per_version() {
    let bad = "received invalid BackendKeyData message: cancel key with length";
    for (scenario, extra, want) in [
        (
            "key0",
            "",
            format!("{bad} 0 not allowed in protocol version 3.0 (must be 4 bytes)\n"),
        ),
        (
            "key8",
            "",
            format!("{bad} 8 not allowed in protocol version 3.0 (must be 4 bytes)\n"),
        ),
        (
            "key32",
            "",
            format!("{bad} 32 not allowed in protocol version 3.0 (must be 4 bytes)\n"),
        ),
        (
            "key_no_pid",
            "",
            format!("{bad} -2 not allowed in protocol version 3.0 (must be 4 bytes)\n"),
        ),
        (
            "key0",
            "max_protocol_version=3.2",
            format!("{bad} 0 is too short (minimum 4 bytes)\n"),
        ),
        (
            "key3",
            "max_protocol_version=3.2",
            format!("{bad} 3 is too short (minimum 4 bytes)\n"),
        ),
        (
            "key257",
            "max_protocol_version=3.2",
            format!("{bad} 257 is too long (maximum 256 bytes)\n"),
        ),
        // Negotiated down to 3.0: 3.0's rule.
        (
            "downgrade_key8",
            "max_protocol_version=3.2",
            format!("{bad} 8 not allowed in protocol version 3.0 (must be 4 bytes)\n"),
        ),
    ] {
        assert_eq!(fake_error(scenario, extra), want, "{scenario} {extra}");
    }
    for (scenario, extra, full) in [
        ("key4", "", 30000),
        ("key4", "max_protocol_version=3.2", 30002),
        ("key32", "max_protocol_version=3.2", 30002),
        ("key256", "max_protocol_version=3.2", 30002),
        // A server that sends no key at all is accepted (no cancellation).
        ("no_key", "", 30000),
        ("no_key", "max_protocol_version=3.2", 30002),
    ] {
        let c = fake(scenario, extra);
        assert_eq!(
            c.status(),
            ConnStatusType::CONNECTION_OK,
            "{scenario}: {}",
            c.error()
        );
        assert_eq!(versions(&c).1, full, "{scenario} {extra}");
    }
}

fn run_negotiation_section(lib: &Path) -> String {
    fake::run_section(PROTOCOL_C, "negotiation", fake_port(), lib)
}

/// Section `negotiation` of tests/differential/protocol.c against the fake
/// server: libpq 18 and ours print the same.
#[test]
fn negotiation_section_matches_libpq18() {
    let ours = run_negotiation_section(&lib_dir());
    assert!(
        ours.contains("server negotiated but asks for no changes"),
        "{ours}"
    );
    fake::assert_same_as_libpq18(PROTOCOL_C, "negotiation", fake_port(), &ours);
}

#[test]
fn negotiation_section_under_valgrind() {
    fake::assert_clean_under_valgrind(PROTOCOL_C, "negotiation", fake_port());
}
