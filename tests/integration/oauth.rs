//! libpq 18's OAuth client (SASL OAUTHBEARER, RFC 7628) against a fake
//! server: the discovery exchange with the empty `auth=` initial response,
//! the server's JSON error (status, scope, openid-configuration) and its
//! checks, the auth-data hook asked for a bearer token (at once, or through
//! an async callback polled on an altsock that PQsocket returns), the
//! second connection sending "Bearer <token>", require_auth=oauth.
//!
//! Checked in-process on our library (with what the fake server received),
//! and by section `oauth` of `tests/differential/oauth.c`, whose output on
//! libpq 18 and on ours must be identical (and clean under valgrind on ours).
//!
//! The fake server's scenario is application_name: it offers OAUTHBEARER
//! (`oauth_first` / `scram_first`: with SCRAM-SHA-256 too; `scram_only`:
//! SCRAM-SHA-256 alone), answers the empty discovery response with the JSON
//! error of the scenario (see [`discovery_json`]), reads the client's dummy
//! response and fails the connection; it takes "Bearer good-token" (except
//! in `reject_all`) and answers any other token with
//! `{"status":"invalid_token",...}`.

use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use crate::support::fake::{self, message};
use crate::support::lib_dir;
use crate::util::*;
use pq::ffi::*;

const OAUTH_C: &str = "tests/differential/oauth.c";
const SSL_REQUEST: i32 = 80877103;
const GSSENC_REQUEST: i32 = 80877104;
const GOOD_TOKEN: &str = "good-token";
const DEFAULT_JSON: &str = r#"{"status":"invalid_token","openid-configuration":"https://issuer.example/.well-known/openid-configuration","scope":"openid"}"#;

/// The error the fake server sends for the empty discovery response.
fn discovery_json(scenario: &str) -> Vec<u8> {
    let wk = |uri: &str| {
        format!(r#"{{"status":"invalid_token","openid-configuration":"{uri}","scope":"openid"}}"#)
    };
    let text = match scenario {
        "no_scope" => r#"{"status":"invalid_token","openid-configuration":"https://issuer.example/.well-known/openid-configuration"}"#.to_string(),
        "no_discovery" => r#"{"status":"invalid_token","scope":"openid"}"#.to_string(),
        "no_status" => r#"{"openid-configuration":"https://issuer.example/.well-known/openid-configuration"}"#.to_string(),
        "other_status" => r#"{"status":"invalid_request","openid-configuration":"https://issuer.example/.well-known/openid-configuration"}"#.to_string(),
        "int_status" => r#"{"status":401,"openid-configuration":"https://issuer.example/.well-known/openid-configuration"}"#.to_string(),
        "obj_scope" => r#"{"status":"invalid_token","scope":{"a":"b"}}"#.to_string(),
        "arr_scope" => r#"{"status":"invalid_token","scope":["openid"]}"#.to_string(),
        "dup_status" => r#"{"status":"invalid_token","status":"invalid_token"}"#.to_string(),
        "top_array" => r#"["status","invalid_token"]"#.to_string(),
        "top_string" => r#""invalid_token""#.to_string(),
        "too_deep" => r#"{"x":[[[[[[[[[1]]]]]]]]],"status":"invalid_token"}"#.to_string(),
        "nested_fields" => r#"{"x":{"status":1,"scope":[],"openid-configuration":{}},"y":[{"status":2}],"status":"invalid_token","openid-configuration":"https://issuer.example/.well-known/openid-configuration","z":[1,"a",null,true,false,-1.5e3]}"#.to_string(),
        "embedded_nul" => return [DEFAULT_JSON.as_bytes(), b"\0{}"].concat(),
        "bad_utf8" => return b"{\"status\":\"invalid_token\",\"scope\":\"op\xffenid\"}".to_vec(),
        "http_uri" => wk("http://issuer.example/.well-known/openid-configuration"),
        "query_uri" => wk("https://issuer.example/.well-known/openid-configuration?x=1"),
        "fragment_uri" => wk("https://issuer.example/.well-known/openid-configuration#x"),
        "not_wk" => wk("https://issuer.example/openid-configuration"),
        "bad_suffix" => wk("https://issuer.example/.well-known/openid-configuration-bad"),
        "bad_format" => wk("https://issuer.example/a/.well-known/openid-configuration/b"),
        "oauth_server_wk" => wk("https://issuer.example/.well-known/oauth-authorization-server"),
        "mismatch" => wk("https://other.example/.well-known/openid-configuration"),
        "empty" => String::new(),
        _ => DEFAULT_JSON.to_string(),
    };
    text.into_bytes()
}

/// What the fake servers received (SASL messages), by port and scenario.
fn received() -> &'static Mutex<HashMap<String, Vec<Vec<u8>>>> {
    static R: OnceLock<Mutex<HashMap<String, Vec<Vec<u8>>>>> = OnceLock::new();
    R.get_or_init(Default::default)
}

/// OAUTHBEARER connections by port and user since the last one that
/// succeeded.
fn connection_counts() -> &'static Mutex<HashMap<String, usize>> {
    static C: OnceLock<Mutex<HashMap<String, usize>>> = OnceLock::new();
    C.get_or_init(Default::default)
}

/// AuthenticationOk, the usual parameters and `oauth_connections`: how many
/// connections this user made since its last successful one (this one
/// included), which tells a discovery connection from none.
fn ok_startup(user: &str) -> Vec<u8> {
    let mut m = fake::auth(0, b"");
    let n = connection_counts()
        .lock()
        .unwrap()
        .remove(user)
        .unwrap_or(0)
        .to_string();
    for (k, v) in [
        ("oauth_connections", n.as_str()),
        ("server_version", "18.0"),
        ("server_encoding", "UTF8"),
        ("client_encoding", "UTF8"),
        ("standard_conforming_strings", "on"),
        ("DateStyle", "ISO, MDY"),
        ("integer_datetimes", "on"),
    ] {
        m.extend(fake::parameter(k, v));
    }
    let mut key = 4242i32.to_be_bytes().to_vec();
    key.extend_from_slice(&7i32.to_be_bytes());
    m.extend(message(b'K', &key));
    m.extend(message(b'Z', b"I"));
    m
}

fn drain(s: &mut TcpStream) {
    let mut buf = [0u8; 4096];
    while matches!(s.read(&mut buf), Ok(n) if n > 0) {}
}

/// The SASLInitialResponse's mechanism and data.
fn initial_response(m: &[u8]) -> Option<(String, Vec<u8>)> {
    if m.first() != Some(&b'p') {
        return None;
    }
    let body = &m[5..];
    let nul = body.iter().position(|&b| b == 0)?;
    let mech = String::from_utf8_lossy(&body[..nul]).into_owned();
    let data = body.get(nul + 5..)?.to_vec();
    Some((mech, data))
}

fn serve(mut s: TcpStream) -> std::io::Result<()> {
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let port = s.local_addr()?.port();
    let startup = loop {
        let (code, body) = fake::read_packet(&mut s)?;
        match code {
            SSL_REQUEST | GSSENC_REQUEST => s.write_all(b"N")?,
            _ => break body,
        }
    };
    let parts: Vec<String> = startup
        .split(|&b| b == 0)
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    let get = |name: &str| {
        parts
            .chunks(2)
            .find(|kv| kv.len() == 2 && kv[0] == name)
            .map(|kv| kv[1].clone())
            .unwrap_or_default()
    };
    let scenario = get("application_name");
    // Counted per listening port: each test has its own server.
    let user = format!("{port}/{}", get("user"));
    *connection_counts()
        .lock()
        .unwrap()
        .entry(user.clone())
        .or_default() += 1;
    let mechanisms: &[u8] = match scenario.as_str() {
        "scram_only" => b"SCRAM-SHA-256\0\0",
        "oauth_first" => b"OAUTHBEARER\0SCRAM-SHA-256\0\0",
        "scram_first" => b"SCRAM-SHA-256\0OAUTHBEARER\0\0",
        _ => b"OAUTHBEARER\0\0",
    };
    s.write_all(&fake::auth(10, mechanisms))?;
    let Some(first) = fake::read_message(&mut s)? else {
        return Ok(());
    };
    let key = format!("{port}/{scenario}");
    received()
        .lock()
        .unwrap()
        .entry(key.clone())
        .or_default()
        .push(first.clone());
    let Some((mech, data)) = initial_response(&first).filter(|(m, _)| m == "OAUTHBEARER") else {
        s.write_all(&fake::fatal("28000", "fake: not OAUTHBEARER"))?;
        drain(&mut s);
        return Ok(());
    };
    let _ = mech;
    let bearer = data
        .strip_prefix(b"n,,\x01auth=Bearer ")
        .and_then(|t| t.strip_suffix(b"\x01\x01"));
    if bearer == Some(GOOD_TOKEN.as_bytes()) && scenario != "reject_all" {
        s.write_all(&ok_startup(&user))?;
        drain(&mut s);
        return Ok(());
    }
    if scenario == "final" {
        s.write_all(&fake::auth(12, b""))?;
    } else {
        let json = if bearer.is_some() {
            DEFAULT_JSON.as_bytes().to_vec()
        } else {
            discovery_json(&scenario)
        };
        s.write_all(&fake::auth(11, &json))?;
    }
    if let Some(reply) = fake::read_message(&mut s)? {
        received()
            .lock()
            .unwrap()
            .entry(key)
            .or_default()
            .push(reply);
        match scenario.as_str() {
            "second_challenge" if bearer.is_some() => {
                s.write_all(&fake::auth(11, DEFAULT_JSON.as_bytes()))?;
                let _ = fake::read_message(&mut s)?;
            }
            "ok_after_error" if bearer.is_some() => {
                s.write_all(&ok_startup(&user))?;
                drain(&mut s);
                return Ok(());
            }
            _ => {}
        }
    }
    s.write_all(&fake::fatal("28000", "fake: OAuth failed"))?;
    drain(&mut s);
    Ok(())
}

fn spawn_fake() -> u16 {
    fake::spawn(serve)
}

fn messages_received(port: u16, scenario: &str) -> Vec<Vec<u8>> {
    // The server thread records before answering; give it the moment it
    // may need after the client has gone.
    std::thread::sleep(Duration::from_millis(50));
    received()
        .lock()
        .unwrap()
        .get(&format!("{port}/{scenario}"))
        .cloned()
        .unwrap_or_default()
}

// ---------------------------------------------------------------- in-process

/// The hook is process-wide: the tests that install one take turns.
fn hook_lock() -> std::sync::MutexGuard<'static, ()> {
    static L: Mutex<()> = Mutex::new(());
    L.lock().unwrap_or_else(|e| e.into_inner())
}

/// What [`test_hook`] saw, and how it answers.
#[derive(Default)]
struct HookLog {
    calls: Vec<(u32, Option<String>, Option<String>)>,
    answer: c_int,
    token: Option<&'static CStr>,
    cleanups: usize,
}

fn hook_log() -> &'static Mutex<HookLog> {
    static H: OnceLock<Mutex<HookLog>> = OnceLock::new();
    H.get_or_init(Default::default)
}

unsafe extern "C" fn test_cleanup(_conn: *mut PGconn, _req: *mut PGoauthBearerRequest) {
    hook_log().lock().unwrap().cleanups += 1;
}

unsafe extern "C" fn test_hook(kind: PGauthData, _conn: *mut PGconn, data: *mut c_void) -> c_int {
    let mut log = hook_log().lock().unwrap();
    let text = |p: *const c_char| {
        // SAFETY: libpq passes NULL or a C string.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    };
    if kind as u32 != PGauthData::PQAUTHDATA_OAUTH_BEARER_TOKEN as u32 {
        log.calls.push((kind as u32, None, None));
        return 0;
    }
    let req = data as *mut PGoauthBearerRequest;
    // SAFETY: for PQAUTHDATA_OAUTH_BEARER_TOKEN, data is the request.
    let req = unsafe { &mut *req };
    log.calls
        .push((kind as u32, text(req.openid_configuration), text(req.scope)));
    if let Some(t) = log.token {
        req.token = t.as_ptr() as *mut c_char;
    }
    req.cleanup = Some(test_cleanup);
    log.answer
}

fn with_hook<T>(
    answer: c_int,
    token: Option<&'static CStr>,
    f: impl FnOnce() -> T,
) -> (T, HookLog) {
    let _g = hook_lock();
    *hook_log().lock().unwrap() = HookLog {
        answer,
        token,
        ..Default::default()
    };
    PQsetAuthDataHook(Some(test_hook));
    let out = f();
    PQsetAuthDataHook(None);
    let log = std::mem::take(&mut *hook_log().lock().unwrap());
    (out, log)
}

fn conninfo(port: u16, scenario: &str, extra: &str) -> String {
    format!(
        "host=127.0.0.1 port={port} user=u dbname=fake sslmode=disable gssencmode=disable \
         application_name={scenario} {extra}"
    )
}

const ISSUER: &str = "oauth_issuer=https://issuer.example oauth_client_id=cid";

#[test]
fn discovery_then_bearer_token_from_the_hook() {
    let port = spawn_fake();
    let ((status, err), log) = with_hook(1, Some(c"good-token"), || {
        let c = Conn::open(&conninfo(port, "oauth", ISSUER));
        (c.status(), c.error())
    });
    assert_eq!(status, ConnStatusType::CONNECTION_OK, "{err}");
    assert_eq!(err, "", "the retry message is cleared on success");
    assert_eq!(
        log.calls,
        vec![(
            1,
            Some("https://issuer.example/.well-known/openid-configuration".into()),
            Some("openid".into())
        )]
    );
    assert_eq!(log.cleanups, 1);
    let got = messages_received(port, "oauth");
    // Discovery: the empty auth value, then the dummy response; then the
    // second connection's token.
    assert_eq!(
        got.len(),
        3,
        "{:?}",
        got.iter()
            .map(|m| String::from_utf8_lossy(m))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        initial_response(&got[0]).unwrap().1,
        b"n,,\x01auth=\x01\x01"
    );
    assert_eq!(got[1], message(b'p', b"\x01"));
    assert_eq!(
        initial_response(&got[2]).unwrap(),
        (
            "OAUTHBEARER".into(),
            b"n,,\x01auth=Bearer good-token\x01\x01".to_vec()
        )
    );
}

#[test]
fn no_hook_means_no_flow() {
    let _g = hook_lock();
    let port = spawn_fake();
    let c = Conn::open(&conninfo(port, "oauth", ISSUER));
    assert_eq!(c.status(), ConnStatusType::CONNECTION_BAD);
    assert!(
        c.error()
            .contains("no OAuth flows are available (try installing the libpq-oauth package)"),
        "{}",
        c.error()
    );
    let c = Conn::open(&conninfo(port, "oauth", "oauth_client_id=cid"));
    assert!(
        c.error().contains(
            "server requires OAuth authentication, but oauth_issuer and oauth_client_id are not both set"
        ),
        "{}",
        c.error()
    );
}

#[test]
fn issuer_mix_up_is_refused_before_the_hook() {
    let port = spawn_fake();
    let (err, log) = with_hook(1, Some(c"good-token"), || {
        Conn::open(&conninfo(port, "mismatch", ISSUER)).error()
    });
    assert!(
        err.contains(
            "server's discovery document at https://other.example/.well-known/openid-configuration \
             (issuer \"https://other.example\") is incompatible with oauth_issuer (https://issuer.example)"
        ),
        "{err}"
    );
    assert!(log.calls.is_empty(), "the hook must not be asked");
    // The token never went to the server.
    for m in messages_received(port, "mismatch") {
        assert!(!String::from_utf8_lossy(&m).contains("Bearer"));
    }
}

#[test]
fn hook_failure_and_rejected_token() {
    let port = spawn_fake();
    let (err, log) = with_hook(-1, None, || {
        Conn::open(&conninfo(port, "oauth", ISSUER)).error()
    });
    assert!(err.contains("user-defined OAuth flow failed"), "{err}");
    assert_eq!(log.cleanups, 1);
    let (err, _) = with_hook(1, Some(c"bad-token"), || {
        Conn::open(&conninfo(port, "oauth", ISSUER)).error()
    });
    assert!(
        err.contains("retrying connection with new bearer token"),
        "{err}"
    );
    assert!(err.contains("fake: OAuth failed"), "{err}");
}

#[test]
fn require_auth_against_oauthbearer() {
    let port = spawn_fake();
    let ((ok, refused), _) = with_hook(1, Some(c"good-token"), || {
        let ok = Conn::open(&conninfo(
            port,
            "oauth",
            &format!("{ISSUER} require_auth=oauth"),
        ));
        let refused = Conn::open(&conninfo(
            port,
            "oauth",
            &format!("{ISSUER} require_auth=!oauth"),
        ));
        (ok.status(), refused.error())
    });
    assert_eq!(ok, ConnStatusType::CONNECTION_OK);
    assert!(
        refused.contains("authentication method requirement \"!oauth\" failed"),
        "{refused}"
    );
}

// ---------------------------------------------------------------- differential

#[test]
fn oauth_section_matches_libpq18() {
    let port = spawn_fake();
    let ours = fake::run_section(OAUTH_C, "oauth", port, &lib_dir());
    for want in [
        "retrying connection with new bearer token",
        "no OAuth flows are available",
        "PQsocket is the altsock",
    ] {
        assert!(ours.contains(want), "lacks {want:?}:\n{ours}");
    }
    fake::assert_same_as_libpq18(OAUTH_C, "oauth", port, &ours);
}

#[test]
fn oauth_section_under_valgrind() {
    let port = spawn_fake();
    fake::assert_clean_under_valgrind(OAUTH_C, "oauth", port);
}
