//! Security regressions, each against a fake server doing what a real one
//! will not do on request (issue 5, part 5):
//!
//! - bytes after the server's 'S' answer to SSLRequest, before the TLS
//!   handshake, are refused (CVE-2021-23222 class);
//! - an ErrorResponse in answer to SSLRequest is not shown (CVE-2024-10977
//!   class): the text comes from a server nobody has authenticated yet;
//! - require_auth refuses a method before any credential is sent;
//! - channel_binding=require fails when the server skips authentication,
//!   offers SASL without PLUS, or asks for another method, with and
//!   without TLS;
//! - a reconnect keeps every security option: PQreset to a server that has
//!   stopped offering TLS fails under sslmode=require, and PQconninfo fed
//!   back to PQconnectdbParams gives the same options (CVE-2020-25694
//!   class);
//! - nothing from one host attempt leaks into the next: a first host that
//!   took a password and reported its own encoding, quoting rules and
//!   parameters, then was skipped by target_session_attrs, leaves nothing
//!   behind on the connection to the second (CVE-2018-10915 class).
//!
//! Checked two ways: in-process on our library (with what the fake server
//! received, to prove no credential left the client), and by section
//! `security` of `tests/differential/security.c`, whose output on libpq 18
//! and on ours must be identical (and clean under valgrind on ours).
//!
//! The certificate, verify-full host name, expiry and CRL rows of part 5 run
//! against real servers in `tests/differential/tls.c`.

use std::collections::HashMap;
use std::ffi::CString;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::support::fake::{self, auth, message, parameter, read_message, read_packet};
use crate::support::{self, lib_dir, oracle, server, tls_files, valgrind_with, TRUST_USER};
use crate::util::*;
use pq::ffi::*;

const SECURITY_C: &str = "tests/differential/security.c";
const SSL_REQUEST: i32 = 80877103;
const GSSENC_REQUEST: i32 = 80877104;
/// What the injecting server sends after its 'S', in the same packet.
const INJECTED_TEXT: &str = "injected by the fake server";

/// How a fake server answers SSLRequest.
#[derive(Clone)]
enum SslAnswer {
    /// 'N': no TLS here.
    Refuse,
    /// 'S' and a real TLS handshake with the harness's server certificate.
    Accept(Arc<rustls::ServerConfig>),
    /// 'S' followed in the same write by AuthenticationOk and ReadyForQuery
    /// in clear (what a man in the middle would inject), then a real TLS
    /// handshake as for Accept.
    Inject(Arc<rustls::ServerConfig>),
    /// An ErrorResponse whose text must never reach the user.
    Error,
    /// TLS on the first connection to the port, 'N' on the next ones.
    AcceptOnce(Arc<rustls::ServerConfig>),
}

/// What each fake connection sent after its startup packet, by port and
/// user name (until it closed), so a test can tell that no password left the client.
fn received() -> &'static Mutex<HashMap<String, Vec<u8>>> {
    static R: OnceLock<Mutex<HashMap<String, Vec<u8>>>> = OnceLock::new();
    R.get_or_init(Default::default)
}

trait Stream: Read + Write {}
impl<T: Read + Write> Stream for T {}

/// The startup packet's name/value pairs.
fn startup_params(body: &[u8]) -> HashMap<String, String> {
    let parts: Vec<String> = body
        .split(|&b| b == 0)
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    parts
        .chunks(2)
        .filter(|kv| kv.len() == 2 && !kv[0].is_empty())
        .map(|kv| (kv[0].clone(), kv[1].clone()))
        .collect()
}

/// AuthenticationOk, the usual ParameterStatus messages, BackendKeyData,
/// ReadyForQuery.
fn ok_startup(extra: &[(&str, &str)]) -> Vec<u8> {
    let mut m = auth(0, b"");
    let mut params = vec![
        ("server_version", "18.0"),
        ("server_encoding", "UTF8"),
        ("client_encoding", "UTF8"),
        ("standard_conforming_strings", "on"),
        ("DateStyle", "ISO, MDY"),
        ("integer_datetimes", "on"),
    ];
    params.extend_from_slice(extra);
    for (k, v) in params {
        m.extend(parameter(k, v));
    }
    let mut key = 4242i32.to_be_bytes().to_vec();
    key.extend_from_slice(&7i32.to_be_bytes());
    m.extend(message(b'K', &key));
    m.extend(message(b'Z', b"I"));
    m
}

fn fatal_08p01(text: &str) -> Vec<u8> {
    fake::fatal("08P01", text)
}

/// One connection to a fake server: the SSLRequest as `ssl` says, the
/// startup packet, then the scenario named by `application_name`.
fn serve(mut tcp: TcpStream, ssl: &SslAnswer, conn_number: usize) -> std::io::Result<()> {
    tcp.set_read_timeout(Some(Duration::from_secs(30)))?;
    let port = tcp.local_addr()?.port();
    let mut tls;
    let mut stream: &mut dyn Stream = &mut tcp;
    let startup = loop {
        let (code, body) = read_packet(stream)?;
        match code {
            SSL_REQUEST => {
                let config = match ssl {
                    SslAnswer::Accept(c) => c,
                    SslAnswer::AcceptOnce(c) if conn_number == 0 => c,
                    SslAnswer::Refuse | SslAnswer::AcceptOnce(_) => {
                        stream.write_all(b"N")?;
                        continue;
                    }
                    SslAnswer::Inject(c) => {
                        let mut m = b"S".to_vec();
                        m.extend(ok_startup(&[("application_name", INJECTED_TEXT)]));
                        stream.write_all(&m)?;
                        // (the 'S' below is not sent again)
                        c
                    }
                    SslAnswer::Error => {
                        stream.write_all(&fatal_08p01(INJECTED_TEXT))?;
                        return drain(stream, &format!("{port}/sslerror"));
                    }
                };
                if !matches!(ssl, SslAnswer::Inject(_)) {
                    stream.write_all(b"S")?;
                }
                let conn = rustls::ServerConnection::new(config.clone())
                    .map_err(|e| std::io::Error::other(e.to_string()))?;
                tls = rustls::StreamOwned::new(conn, tcp.try_clone()?);
                stream = &mut tls;
            }
            GSSENC_REQUEST => stream.write_all(b"N")?,
            _ => break startup_params(&body),
        }
    };
    // Recorded per listening port and user: each run has its own servers.
    let user = format!(
        "{port}/{}",
        startup.get("user").cloned().unwrap_or_default()
    );
    let scenario = startup.get("application_name").cloned().unwrap_or_default();
    let request = match scenario.as_str() {
        "ok" => {
            stream.write_all(&ok_startup(&[]))?;
            return drain(stream, &user);
        }
        "cleartext" | "password_then_read_only" => auth(3, b""),
        "md5" => auth(5, b"salt"),
        "sasl_no_plus" => auth(10, b"SCRAM-SHA-256\0\0"),
        "sasl_plus_only" => auth(10, b"SCRAM-SHA-256-PLUS\0\0"),
        _ => fatal_08p01("unknown scenario"),
    };
    stream.write_all(&request)?;
    // The client's answer, if it gives one rather than hanging up.
    let Some(answer) = read_message(stream)? else {
        return drain(stream, &user);
    };
    record(&user, &answer);
    if scenario == "password_then_read_only" {
        // Takes the password, then reports a read-only session and
        // settings of its own: target_session_attrs=read-write moves on.
        stream.write_all(&ok_startup(&[
            ("client_encoding", "SJIS"),
            ("standard_conforming_strings", "off"),
            ("default_transaction_read_only", "on"),
            ("in_hot_standby", "off"),
            ("fake_only_setting", "left over from the first host"),
        ]))?;
    } else {
        stream.write_all(&fatal_08p01("fake authentication failed"))?;
    }
    drain(stream, &user)
}

fn record(user: &str, bytes: &[u8]) {
    received()
        .lock()
        .unwrap()
        .entry(user.to_string())
        .or_default()
        .extend_from_slice(bytes);
}

/// Reads what the client still sends until it hangs up, recording it under
/// `user`; the entry exists once the client has gone.
fn drain(s: &mut dyn Stream, user: &str) -> std::io::Result<()> {
    let mut all = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => all.extend_from_slice(&buf[..n]),
        }
    }
    record(user, &all);
    received()
        .lock()
        .unwrap()
        .entry(format!("{user}:closed"))
        .or_default();
    Ok(())
}

/// What the fake server on `port` received from `user`'s connections, once
/// the client has hung up (waits up to 10 s).
fn received_from(port: u16, user: &str) -> Vec<u8> {
    let user = &format!("{port}/{user}");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        {
            let r = received().lock().unwrap();
            if r.contains_key(&format!("{user}:closed")) {
                return r.get(user).cloned().unwrap_or_default();
            }
        }
        assert!(
            Instant::now() < deadline,
            "the fake server never saw {user} hang up"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The TLS configuration of the fake servers: the harness's server
/// certificate (CN localhost, signed by its root CA).
fn tls_config() -> Option<Arc<rustls::ServerConfig>> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let files = tls_files()?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.server_cert)
        .expect("server.crt")
        .collect::<Result<_, _>>()
        .expect("server.crt");
    let key = PrivateKeyDer::from_pem_file(&files.server_key).expect("server.key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("server certificate");
    Some(Arc::new(config))
}

/// Fresh fake servers (a new set per run, so that each run's AcceptOnce
/// server starts at its first connection).
struct Fakes {
    plain: u16,
    tls: u16,
    inject: u16,
    sslerror: u16,
    accept_once: u16,
}

impl Fakes {
    fn start() -> Option<Fakes> {
        let config = tls_config()?;
        let spawn = |answer: SslAnswer| fake::spawn_counted(move |s, n| serve(s, &answer, n));
        Some(Fakes {
            plain: spawn(SslAnswer::Refuse),
            tls: spawn(SslAnswer::Accept(config.clone())),
            inject: spawn(SslAnswer::Inject(config.clone())),
            sslerror: spawn(SslAnswer::Error),
            accept_once: spawn(SslAnswer::AcceptOnce(config)),
        })
    }

    /// The environment of tests/differential/security.c.
    fn env(&self) -> Vec<(&'static str, String)> {
        let s = server();
        vec![
            ("DIFF_PORT", s.port.to_string()),
            ("DIFF_SOCKDIR", s.socket_dir.to_string_lossy().into_owned()),
            ("DIFF_TRUST_USER", TRUST_USER.into()),
            (
                "DIFF_TLS_ROOT",
                tls_files().unwrap().root_ca.to_string_lossy().into_owned(),
            ),
            ("DIFF_FAKE_PORT", self.plain.to_string()),
            ("DIFF_FAKE_TLS_PORT", self.tls.to_string()),
            ("DIFF_FAKE_INJECT_PORT", self.inject.to_string()),
            ("DIFF_FAKE_SSLERROR_PORT", self.sslerror.to_string()),
            ("DIFF_FAKE_ACCEPT_ONCE_PORT", self.accept_once.to_string()),
        ]
    }
}

fn fake_conninfo(port: u16, user: &str, scenario: &str, extra: &str) -> String {
    format!(
        "host=127.0.0.1 port={port} user={user} dbname=fake gssencmode=disable \
         application_name={scenario} {extra}"
    )
}

/// Connects (to a fake server that never lets it finish, or finishes at
/// once) and returns status and error text.
fn attempt(conninfo: &str) -> (ConnStatusType, String) {
    let c = Conn::open(conninfo);
    (c.status(), c.error())
}

#[test]
fn bytes_after_the_ssl_answer_are_refused() {
    let Some(files) = tls_files() else { return };
    let Some(f) = Fakes::start() else { return };
    let root = files.root_ca.to_string_lossy();
    for mode in [
        "sslmode=require".to_string(),
        "sslmode=prefer".to_string(),
        format!("sslmode=verify-full sslrootcert={root} host=localhost"),
    ] {
        let (status, err) = attempt(&fake_conninfo(f.inject, "inject", "ok", &mode));
        assert_eq!(status, ConnStatusType::CONNECTION_BAD, "{mode}: {err}");
        assert!(
            err.contains("received unencrypted data after SSL response"),
            "{mode}: {err}"
        );
        assert!(!err.contains(INJECTED_TEXT), "{err}");
    }
}

#[test]
fn an_error_in_answer_to_ssl_request_is_not_shown() {
    let Some(f) = Fakes::start() else { return };
    for mode in ["require", "prefer"] {
        let (status, err) = attempt(&fake_conninfo(
            f.sslerror,
            "sslerror",
            "ok",
            &format!("sslmode={mode}"),
        ));
        assert_eq!(status, ConnStatusType::CONNECTION_BAD);
        assert!(
            err.contains("server sent an error response during SSL exchange"),
            "sslmode={mode}: {err}"
        );
        assert!(!err.contains(INJECTED_TEXT), "sslmode={mode}: {err}");
    }
}

#[test]
fn require_auth_refuses_a_method_before_sending_the_password() {
    let Some(f) = Fakes::start() else { return };
    let cases = [
        (
            "ra_clear_scram",
            "cleartext",
            "scram-sha-256",
            "server requested a cleartext password",
        ),
        (
            "ra_clear_not_pw",
            "cleartext",
            "!password",
            "server requested a cleartext password",
        ),
        (
            "ra_clear_none",
            "cleartext",
            "none",
            "server requested a cleartext password",
        ),
        (
            "ra_md5_pw",
            "md5",
            "password",
            "server requested a hashed password",
        ),
        (
            "ra_ok_scram",
            "ok",
            "scram-sha-256",
            "server did not complete authentication",
        ),
    ];
    for (user, scenario, require, why) in cases {
        let (status, err) = attempt(&fake_conninfo(
            f.plain,
            user,
            scenario,
            &format!("sslmode=disable password=secret-{user} require_auth={require}"),
        ));
        assert_eq!(status, ConnStatusType::CONNECTION_BAD, "{user}: {err}");
        let want = format!("authentication method requirement \"{require}\" failed: {why}");
        assert!(err.contains(&want), "{user}: want {want:?}, got {err}");
        let sent = received_from(f.plain, user);
        let needle = format!("secret-{user}");
        assert!(
            !sent.windows(needle.len()).any(|w| w == needle.as_bytes()) && !sent.contains(&b'p'),
            "{user}: a credential left the client: {sent:?}"
        );
    }
}

#[test]
fn channel_binding_require_fails_without_binding() {
    let Some(f) = Fakes::start() else { return };
    for (port, ssl) in [(f.tls, "sslmode=require"), (f.plain, "sslmode=disable")] {
        for (scenario, want) in [
            (
                "ok",
                "channel binding required, but server authenticated client without channel binding",
            ),
            (
                "sasl_no_plus",
                if port == f.tls {
                    "channel binding is required, but server did not offer an authentication method that supports channel binding"
                } else {
                    "channel binding required, but SSL not in use"
                },
            ),
            (
                "cleartext",
                "channel binding required but not supported by server's authentication request",
            ),
            (
                "md5",
                "channel binding required but not supported by server's authentication request",
            ),
        ] {
            let user = format!("cb_{scenario}_{}", port);
            let (status, err) = attempt(&fake_conninfo(
                port,
                &user,
                scenario,
                &format!("{ssl} password=secret-{user} channel_binding=require"),
            ));
            assert_eq!(
                status,
                ConnStatusType::CONNECTION_BAD,
                "{ssl} {scenario}: {err}"
            );
            assert!(
                err.contains(want),
                "{ssl} {scenario}: want {want:?}, got {err}"
            );
            if port == f.plain {
                // In clear the bytes can be checked: no password went out.
                let sent = received_from(port, &user);
                let needle = format!("secret-{user}");
                assert!(
                    !sent.windows(needle.len()).any(|w| w == needle.as_bytes()),
                    "{scenario}: the password left the client"
                );
            }
        }
    }
}

#[test]
fn reset_keeps_sslmode_require() {
    let Some(f) = Fakes::start() else { return };
    let c = Conn::open(&fake_conninfo(
        f.accept_once,
        "reset",
        "ok",
        "sslmode=require",
    ));
    assert_eq!(c.status(), ConnStatusType::CONNECTION_OK, "{}", c.error());
    // SAFETY: live connection.
    assert_eq!(unsafe { PQsslInUse(c.0) }, 1);
    // The server no longer offers TLS: the reconnect must not go on in clear.
    // SAFETY: live connection.
    unsafe { PQreset(c.0) };
    assert_eq!(c.status(), ConnStatusType::CONNECTION_BAD);
    assert!(
        c.error()
            .contains("server does not support SSL, but SSL was required"),
        "{}",
        c.error()
    );
}

/// (keyword, value) pairs of PQconninfo(c), the ones with a value.
fn conninfo_pairs(c: *mut PGconn) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    // SAFETY: c is a live connection; the array ends with a NULL keyword and
    // is freed with PQconninfoFree.
    unsafe {
        let opts = PQconninfo(c);
        assert!(!opts.is_null());
        let mut o = opts;
        while !(*o).keyword.is_null() {
            if let (Some(k), Some(v)) = (text((*o).keyword), text((*o).val)) {
                pairs.push((k, v));
            }
            o = o.add(1);
        }
        PQconninfoFree(opts);
    }
    pairs
}

#[test]
fn conninfo_fed_back_keeps_every_security_option() {
    let Some(files) = tls_files() else { return };
    let Some(f) = Fakes::start() else { return };
    let root = files.root_ca.to_string_lossy();
    let options = format!(
        "sslmode=verify-full sslrootcert={root} channel_binding=require \
         require_auth=scram-sha-256 sslnegotiation=postgres ssl_min_protocol_version=TLSv1.3 \
         sslcertmode=disable target_session_attrs=read-write sslsni=1 \
         min_protocol_version=3.0 max_protocol_version=3.2"
    );
    let first = Conn::open(&fake_conninfo(f.tls, "feedback", "ok", &options));
    // The fake skips authentication, which channel_binding refuses: the
    // connection fails, but its options are all there.
    assert_eq!(first.status(), ConnStatusType::CONNECTION_BAD);
    let pairs = conninfo_pairs(first.0);
    for want in options.split_whitespace() {
        let (k, v) = want.split_once('=').unwrap();
        assert!(
            pairs.iter().any(|(pk, pv)| pk == k && pv == v),
            "PQconninfo lacks {want}: {pairs:?}"
        );
    }
    let keys: Vec<CString> = pairs.iter().map(|(k, _)| cs(k)).collect();
    let vals: Vec<CString> = pairs.iter().map(|(_, v)| cs(v)).collect();
    let mut kp: Vec<*const std::ffi::c_char> = keys.iter().map(|k| k.as_ptr()).collect();
    let mut vp: Vec<*const std::ffi::c_char> = vals.iter().map(|v| v.as_ptr()).collect();
    kp.push(std::ptr::null());
    vp.push(std::ptr::null());
    // SAFETY: NULL-terminated arrays of C strings that outlive the call.
    let second = Conn(unsafe { PQconnectdbParams(kp.as_ptr(), vp.as_ptr(), 0) });
    assert_eq!(conninfo_pairs(second.0), pairs);
    assert_eq!(second.status(), ConnStatusType::CONNECTION_BAD);
    assert_eq!(second.error(), first.error());
}

#[test]
fn nothing_leaks_from_one_host_attempt_into_the_next() {
    let Some(f) = Fakes::start() else { return };
    let s = server();
    let c = Conn::open(&format!(
        "host=127.0.0.1,127.0.0.1 port={},{} user={TRUST_USER} dbname=postgres \
         sslmode=disable gssencmode=disable password=leak-pw \
         application_name=password_then_read_only target_session_attrs=read-write",
        f.plain, s.port
    ));
    assert_eq!(c.status(), ConnStatusType::CONNECTION_OK, "{}", c.error());
    let sent = received_from(f.plain, TRUST_USER);
    assert!(
        sent.starts_with(b"p"),
        "the first host did get a password: {sent:?}"
    );
    // SAFETY: live connection throughout.
    unsafe {
        assert_eq!(PQconnectionUsedPassword(c.0), 0, "password use leaked");
        assert_eq!(
            text(PQparameterStatus(c.0, cs("fake_only_setting").as_ptr())),
            None
        );
        assert_eq!(
            text(PQparameterStatus(
                c.0,
                cs("default_transaction_read_only").as_ptr()
            ))
            .as_deref(),
            Some("off")
        );
        assert_eq!(PQclientEncoding(c.0), 6, "UTF8, not the first host's SJIS");
        let input = cs("it's \\ here");
        let mut buf = [0u8; 64];
        let mut err = 0;
        PQescapeStringConn(
            c.0,
            buf.as_mut_ptr() as *mut _,
            input.as_ptr(),
            11,
            &mut err,
        );
        assert_eq!(
            text(buf.as_ptr() as *const _).as_deref(),
            Some("it''s \\ here")
        );
        assert_ne!(PQbackendPID(c.0), 4242, "the first host's backend key");
    }
    assert!(c.exec("select 1").ntuples() == 1);
}

fn run_security(lib: &Path) -> String {
    let f = Fakes::start().expect("TLS files");
    let env = f.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    fake::run_section_env(SECURITY_C, "security", &env, lib)
}

/// Section `security` of tests/differential/security.c: libpq 18 and ours
/// print the same.
#[test]
fn security_section_matches_libpq18() {
    if tls_files().is_none() {
        return;
    }
    let ours = run_security(&lib_dir());
    for want in [
        "received unencrypted data after SSL response",
        "server sent an error response during SSL exchange",
        "server requested a cleartext password",
        "server authenticated client without channel binding",
        "server does not support SSL, but SSL was required",
    ] {
        assert!(ours.contains(want), "lacks {want:?}:\n{ours}");
    }
    assert!(!ours.contains(INJECTED_TEXT), "{ours}");
    let Some(oracle_dir) = oracle::libpq18_dir() else {
        return;
    };
    let want = run_security(&oracle_dir);
    let dir = support::profile_dir().join("libpqrs-differential");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("security.libpq18.txt"), &want).unwrap();
    std::fs::write(dir.join("security.ours.txt"), &ours).unwrap();
    assert!(
        want == ours,
        "section security differs between libpq 18 and ours; outputs in {} \
         (diff -u security.libpq18.txt security.ours.txt)",
        dir.display()
    );
}

#[test]
fn security_section_under_valgrind() {
    if tls_files().is_none() {
        return;
    }
    let f = Fakes::start().expect("TLS files");
    let env = f.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let exe = support::compile_c(Path::new(SECURITY_C), support::Header::System);
    let out = valgrind_with(&exe, Some(&lib_dir()), &["security"], &env);
    assert!(
        out.status.success(),
        "section security under valgrind: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout)
    );
}
