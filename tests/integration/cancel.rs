//! The old cancel API (PQgetCancel, PQcancel, PQfreeCancel, PQrequestCancel)
//! against the real server, and client-side password encryption
//! (PQencryptPasswordConn, PQencryptPassword).

use std::ffi::c_char;
use std::time::{Duration, Instant};

use crate::support::{server, MD5_USER, SCRAM_USER, TRUST_USER};
use crate::util::*;
use pq::ffi::*;

/// The raw pointer, to hand a PGcancel to another thread (libpq's contract
/// allows PQcancel from any thread).
struct SendCancel(*mut PGcancel);
// SAFETY: PGcancel is self-contained; PQcancel only reads it.
unsafe impl Send for SendCancel {}

fn errbuf_text(buf: &[c_char]) -> String {
    let bytes: Vec<u8> = buf
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn cancel_sleep(conninfo: &str) {
    let c = Conn::ok(conninfo);
    // SAFETY: live connection.
    let cancel = SendCancel(unsafe { PQgetCancel(c.0) });
    assert!(!cancel.0.is_null());
    let started = Instant::now();
    let canceller = std::thread::spawn(move || {
        let cancel = cancel;
        std::thread::sleep(Duration::from_millis(300));
        let mut buf = [0 as c_char; 256];
        // SAFETY: a live PGcancel and a 256-byte buffer.
        let ok = unsafe { PQcancel(cancel.0, buf.as_mut_ptr(), buf.len() as i32) };
        // SAFETY: freed once, after use.
        unsafe { PQfreeCancel(cancel.0) };
        (ok, errbuf_text(&buf))
    });
    let r = c.exec("select pg_sleep(10)");
    let (ok, err) = canceller.join().unwrap();
    assert_eq!(ok, 1, "{err}");
    assert_eq!(r.status(), ExecStatusType::PGRES_FATAL_ERROR);
    assert_eq!(
        r.error(),
        "ERROR:  canceling statement due to user request\n"
    );
    assert_eq!(r.field(b'C').as_deref(), Some("57014"));
    assert!(started.elapsed() < Duration::from_secs(5));
    // The connection is still usable.
    assert_eq!(c.exec("select 1").value(0, 0).as_deref(), Some("1"));
}

#[test]
fn cancel_over_unix_socket() {
    cancel_sleep(&server().unix(TRUST_USER, ""));
}

#[test]
fn cancel_over_tcp_with_keepalive_options() {
    cancel_sleep(&server().tcp(
        TRUST_USER,
        "keepalives=1 keepalives_idle=30 keepalives_interval=5 keepalives_count=3 tcp_user_timeout=9000",
    ));
}

#[test]
fn cancel_when_idle_succeeds_and_keeps_errno() {
    let c = Conn::ok(&server().tcp(TRUST_USER, ""));
    // SAFETY: live connection; the PGcancel is freed once.
    unsafe {
        let cancel = PQgetCancel(c.0);
        assert!(!cancel.is_null());
        let mut buf = [0x55 as c_char; 64];
        *libc::__errno_location() = 42;
        assert_eq!(PQcancel(cancel, buf.as_mut_ptr(), buf.len() as i32), 1);
        assert_eq!(*libc::__errno_location(), 42);
        // errbuf is untouched on success.
        assert!(buf.iter().all(|&b| b == 0x55));
        PQfreeCancel(cancel);
    }
    assert_eq!(c.exec("select 2").value(0, 0).as_deref(), Some("2"));
}

#[test]
fn cancel_null_arguments() {
    let mut buf = [0 as c_char; 256];
    // SAFETY: NULL handles are part of the contract.
    unsafe {
        assert!(PQgetCancel(std::ptr::null_mut()).is_null());
        PQfreeCancel(std::ptr::null_mut());
        *libc::__errno_location() = 7;
        assert_eq!(
            PQcancel(std::ptr::null_mut(), buf.as_mut_ptr(), buf.len() as i32),
            0
        );
        assert_eq!(*libc::__errno_location(), 7);
        assert_eq!(PQrequestCancel(std::ptr::null_mut()), 0);
    }
    assert_eq!(errbuf_text(&buf), "PQcancel() -- no cancel object supplied");
    let mut small = [0 as c_char; 9];
    // SAFETY: a 9-byte buffer.
    unsafe { PQcancel(std::ptr::null_mut(), small.as_mut_ptr(), 9) };
    assert_eq!(errbuf_text(&small), "PQcancel");
}

#[test]
fn cancel_of_a_closed_connection() {
    let c = Conn::open(&format!(
        "host=/nonexistent-dir port=1 user={TRUST_USER} dbname=postgres"
    ));
    assert_eq!(c.status(), ConnStatusType::CONNECTION_BAD);
    // SAFETY: live (failed) connection.
    unsafe {
        assert!(PQgetCancel(c.0).is_null());
        assert_eq!(PQrequestCancel(c.0), 0);
    }
    assert_eq!(c.error(), "PQrequestCancel() -- connection is not open\n");
}

#[test]
fn request_cancel_of_a_running_query() {
    let c = Conn::ok(&server().unix(TRUST_USER, ""));
    let q = cs("select pg_sleep(10)");
    // SAFETY: live connection, valid query.
    assert_eq!(unsafe { PQsendQuery(c.0, q.as_ptr()) }, 1);
    std::thread::sleep(Duration::from_millis(200));
    // SAFETY: live connection.
    assert_eq!(unsafe { PQrequestCancel(c.0) }, 1, "{}", c.error());
    // SAFETY: live connection; results are cleared by Res.
    let r = Res(unsafe { PQgetResult(c.0) });
    assert_eq!(r.field(b'C').as_deref(), Some("57014"));
    // SAFETY: as above.
    while !unsafe { PQgetResult(c.0) }.is_null() {}
}

// ---- password encryption ----

fn encrypt(c: &Conn, pw: &str, user: Option<&str>, algorithm: Option<&str>) -> Option<String> {
    let pw = cs(pw);
    let user = user.map(cs);
    let algorithm = algorithm.map(cs);
    // SAFETY: live connection and valid (or NULL) strings; the result is freed once.
    unsafe {
        let p = PQencryptPasswordConn(
            c.0,
            pw.as_ptr(),
            user.as_ref().map_or(std::ptr::null(), |u| u.as_ptr()),
            algorithm.as_ref().map_or(std::ptr::null(), |a| a.as_ptr()),
        );
        let out = text(p);
        if !p.is_null() {
            PQfreemem(p as *mut _);
        }
        out
    }
}

#[test]
fn encrypt_password_md5() {
    let (pw, user) = (cs("1234"), cs("postgres"));
    // SAFETY: valid strings; the result is malloc'd and freed with free().
    unsafe {
        let p = PQencryptPassword(pw.as_ptr(), user.as_ptr());
        assert_eq!(
            text(p).as_deref(),
            Some("md524bb002702969490e41e26e1a454036c")
        );
        libc::free(p as *mut libc::c_void);
        assert!(PQencryptPassword(std::ptr::null(), user.as_ptr()).is_null());
    }
    let c = Conn::ok(&server().unix(TRUST_USER, ""));
    let md5 = Some("md524bb002702969490e41e26e1a454036c");
    assert_eq!(
        encrypt(&c, "1234", Some("postgres"), Some("md5")).as_deref(),
        md5
    );
    assert_eq!(
        encrypt(&c, "1234", Some("postgres"), Some("on")).as_deref(),
        md5
    );
    assert_eq!(
        encrypt(&c, "1234", Some("postgres"), Some("off")).as_deref(),
        md5
    );
}

#[test]
fn encrypt_password_errors() {
    let c = Conn::ok(&server().unix(TRUST_USER, ""));
    assert_eq!(encrypt(&c, "pw", Some("u"), Some("des")), None);
    assert_eq!(
        c.error(),
        "unrecognized password encryption algorithm \"des\"\n"
    );
    // The error state is cleared by the next call.
    assert!(encrypt(&c, "pw", Some("u"), Some("md5")).is_some());
    assert_eq!(c.error(), "");
    // SAFETY: NULL connection is part of the contract.
    assert!(unsafe {
        PQencryptPasswordConn(
            std::ptr::null_mut(),
            cs("pw").as_ptr(),
            cs("u").as_ptr(),
            std::ptr::null(),
        )
    }
    .is_null());
    // Asking the server fails on a connection in a failed transaction.
    c.exec("begin");
    c.exec("select 1/0");
    assert_eq!(encrypt(&c, "pw", Some("u"), None), None);
    assert!(
        c.error().contains("current transaction is aborted"),
        "{}",
        c.error()
    );
    c.exec("rollback");
}

#[test]
fn scram_verifier_from_the_server_setting_logs_in() {
    let _roles = crate::support::shared_roles_lock();
    let c = Conn::ok(&server().unix(TRUST_USER, ""));
    let (user, pw) = SCRAM_USER;
    // algorithm NULL: the server's password_encryption (scram-sha-256 by default).
    c.exec("set password_encryption = 'scram-sha-256'");
    let verifier = encrypt(&c, pw, Some(user), None).expect("verifier");
    assert!(verifier.starts_with("SCRAM-SHA-256$4096:"), "{verifier}");
    let r = c.exec(&format!("alter role {user} password '{verifier}'"));
    assert_eq!(
        r.status(),
        ExecStatusType::PGRES_COMMAND_OK,
        "{}",
        r.error()
    );
    let stored = c
        .exec(&format!(
            "select rolpassword from pg_authid where rolname = '{user}'"
        ))
        .value(0, 0);
    assert_eq!(stored.as_deref(), Some(verifier.as_str()));
    Conn::ok(&server().tcp(user, &format!("password={pw}")));
    Conn::ok(&server().unix(user, &format!("password={pw}")));

    // md5 through the server setting too, for the md5 role.
    let (user, pw) = MD5_USER;
    c.exec("set password_encryption = 'md5'");
    let hash = encrypt(&c, pw, Some(user), None).expect("md5 hash");
    assert!(hash.starts_with("md5") && hash.len() == 35, "{hash}");
    c.exec(&format!("alter role {user} password '{hash}'"));
    Conn::ok(&server().tcp(user, &format!("password={pw}")));
}

/// PQcancel from a SIGALRM handler (libpq documents it as safe there: it
/// allocates nothing and makes only async-signal-safe system calls) and
/// from a second thread, in a C program on our library.
#[test]
fn cancel_from_a_signal_handler_and_a_thread() {
    let exe = crate::support::compile_c_with(
        std::path::Path::new("tests/c/cancel_async.c"),
        crate::support::Header::Ours,
        &["-lpthread"],
    );
    let conninfo = server().unix(TRUST_USER, "");
    for mode in ["signal", "thread"] {
        let started = Instant::now();
        let out = crate::support::run_with_lib(
            &exe,
            Some(&crate::support::lib_dir()),
            &[&conninfo, mode],
            &[],
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{mode}: {}\n{text}", out.status);
        assert_eq!(
            text, "status: PGRES_FATAL_ERROR\nsqlstate: 57014\nPQcancel: 1, errbuf: \"\"\n",
            "{mode}"
        );
        assert!(started.elapsed() < Duration::from_secs(10), "{mode}");
    }
}
