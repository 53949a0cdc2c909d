//! Client-side password encryption and change (PQencryptPassword,
//! PQencryptPasswordConn, PQchangePassword) against the real server.
//!
//! The verifiers are proven by logging in: PASSWORD_USER authenticates with
//! the `password` method, which checks the cleartext password against
//! whatever verifier is stored. Its password is only ever re-set to the same
//! text, so tests running meanwhile are not disturbed.

use std::ffi::c_char;

use crate::support::{server, PASSWORD_USER, TRUST_USER};
use crate::util::*;
use pq::ffi::*;

fn conn() -> Conn {
    Conn::ok(&server().unix(TRUST_USER, ""))
}

/// The malloc'd string the library returned, freed.
fn take(p: *mut c_char) -> Option<String> {
    let s = text(p);
    // SAFETY: p is NULL or came from the library's malloc.
    unsafe { PQfreemem(p as *mut std::ffi::c_void) };
    s
}

fn encrypt(c: &Conn, pw: &str, user: Option<&str>, algorithm: Option<&str>) -> Option<String> {
    let (pw, user, algorithm) = (cs(pw), user.map(cs), algorithm.map(cs));
    let ptr = |s: &Option<std::ffi::CString>| s.as_ref().map_or(std::ptr::null(), |s| s.as_ptr());
    // SAFETY: live connection, C strings or NULL.
    take(unsafe { PQencryptPasswordConn(c.0, pw.as_ptr(), ptr(&user), ptr(&algorithm)) })
}

/// `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` with a
/// 16-byte salt and 32-byte keys, base64.
fn assert_scram(v: &str, iterations: u32) {
    let rest = v
        .strip_prefix(&format!("SCRAM-SHA-256${iterations}:"))
        .unwrap_or_else(|| panic!("not a SCRAM verifier: {v}"));
    let (salt, keys) = rest.split_once('$').unwrap();
    let (stored, server_key) = keys.split_once(':').unwrap();
    assert_eq!(
        (salt.len(), stored.len(), server_key.len()),
        (24, 44, 44),
        "{v}"
    );
}

fn can_log_in(password: &str) -> bool {
    let c = Conn::open(&server().tcp(PASSWORD_USER.0, &format!("password={password}")));
    c.status() == ConnStatusType::CONNECTION_OK
}

#[test]
fn encrypt_password_conn_algorithms() {
    let c = conn();
    let md5 = "md54a0a68b43b6cd5cf266fa02f196e2371"; // md5("secret" || "alice")
    for alg in ["md5", "on", "off"] {
        assert_eq!(
            encrypt(&c, "secret", Some("alice"), Some(alg)).as_deref(),
            Some(md5)
        );
    }
    let (u, p) = (cs("alice"), cs("secret"));
    // SAFETY: C strings.
    assert_eq!(
        take(unsafe { PQencryptPassword(p.as_ptr(), u.as_ptr()) }).as_deref(),
        Some(md5)
    );

    // SCRAM needs no user name; every verifier has a fresh salt.
    let a = encrypt(&c, "secret", None, Some("scram-sha-256")).unwrap();
    let b = encrypt(&c, "secret", Some("alice"), Some("scram-sha-256")).unwrap();
    assert_scram(&a, 4096);
    assert_scram(&b, 4096);
    assert_ne!(a, b);

    // Unknown algorithms, even with a NULL password (checked first).
    assert_eq!(
        encrypt(&c, "secret", Some("alice"), Some("SCRAM-SHA-256")),
        None
    );
    assert_eq!(
        c.error(),
        "unrecognized password encryption algorithm \"SCRAM-SHA-256\"\n"
    );
    let bogus = cs("bogus");
    // SAFETY: live connection; NULL password and user.
    let r =
        unsafe { PQencryptPasswordConn(c.0, std::ptr::null(), std::ptr::null(), bogus.as_ptr()) };
    assert!(r.is_null());
    assert_eq!(
        c.error(),
        "unrecognized password encryption algorithm \"bogus\"\n"
    );
    // NULL password where libpq would crash: NULL, no crash.
    let md5_alg = cs("md5");
    // SAFETY: as above.
    let r =
        unsafe { PQencryptPasswordConn(c.0, std::ptr::null(), std::ptr::null(), md5_alg.as_ptr()) };
    assert!(r.is_null());
    // SAFETY: NULL connection.
    assert!(unsafe {
        PQencryptPasswordConn(
            std::ptr::null_mut(),
            p.as_ptr(),
            u.as_ptr(),
            md5_alg.as_ptr(),
        )
    }
    .is_null());

    // No algorithm: the server's password_encryption.
    assert_scram(&encrypt(&c, "secret", Some("alice"), None).unwrap(), 4096);
    c.exec("set password_encryption = 'md5'");
    assert_eq!(
        encrypt(&c, "secret", Some("alice"), None).as_deref(),
        Some(md5)
    );
    c.exec("begin");
    c.exec("select 1/0");
    assert_eq!(encrypt(&c, "secret", Some("alice"), None), None);
    assert!(
        c.error()
            .starts_with("ERROR:  current transaction is aborted"),
        "{}",
        c.error()
    );
    c.exec("rollback");
}

#[test]
fn encrypted_verifiers_let_the_user_log_in() {
    let _roles = crate::support::shared_roles_lock();
    let c = conn();
    let (user, pw) = PASSWORD_USER;
    for alg in ["md5", "scram-sha-256"] {
        let v = encrypt(&c, pw, Some(user), Some(alg)).unwrap();
        let r = c.exec(&format!("alter role {user} password '{v}'"));
        assert_eq!(
            r.status(),
            ExecStatusType::PGRES_COMMAND_OK,
            "{}",
            r.error()
        );
        assert!(can_log_in(pw), "{alg} verifier refused the password");
        assert!(!can_log_in("wrong"), "{alg} verifier took a wrong password");
    }
}

fn change(c: &Conn, user: Option<&str>, pw: Option<&str>) -> Res {
    let (user, pw) = (user.map(cs), pw.map(cs));
    let ptr = |s: &Option<std::ffi::CString>| s.as_ref().map_or(std::ptr::null(), |s| s.as_ptr());
    // SAFETY: live (or NULL) connection, C strings or NULL.
    Res(unsafe { PQchangePassword(c.0, ptr(&user), ptr(&pw)) })
}

fn stored_verifier(c: &Conn, role: &str) -> String {
    let role = role.replace('\'', "''");
    c.exec(&format!(
        "select rolpassword from pg_authid where rolname = '{role}'"
    ))
    .value(0, 0)
    .unwrap()
}

#[test]
fn change_password() {
    let c = conn();
    // A name that needs quoting as an identifier.
    let role = format!("libpqrs \"Change\" {}", std::process::id());
    let quoted = format!("\"{}\"", role.replace('"', "\"\""));
    c.exec(&format!("drop role if exists {quoted}"));
    c.exec(&format!("create role {quoted} login"));

    // The server's password_encryption (scram-sha-256).
    let r = change(&c, Some(&role), Some("new-pw"));
    assert_eq!(
        r.status(),
        ExecStatusType::PGRES_COMMAND_OK,
        "{}",
        c.error()
    );
    assert_eq!(r.cmd_status().as_deref(), Some("ALTER ROLE"));
    assert_scram(&stored_verifier(&c, &role), 4096);

    // The session's: md5, exactly what PQencryptPassword gives.
    c.exec("set password_encryption = 'md5'");
    let r = change(&c, Some(&role), Some("new-pw"));
    assert_eq!(
        r.status(),
        ExecStatusType::PGRES_COMMAND_OK,
        "{}",
        c.error()
    );
    let (p, u) = (cs("new-pw"), cs(&role));
    // SAFETY: C strings.
    let want = take(unsafe { PQencryptPassword(p.as_ptr(), u.as_ptr()) }).unwrap();
    assert_eq!(stored_verifier(&c, &role), want);
    c.exec("reset password_encryption");

    // The server's error comes back as the result.
    let r = change(&c, Some("libpqrs_no_such_role"), Some("x"));
    assert_eq!(r.status(), ExecStatusType::PGRES_FATAL_ERROR);
    assert_eq!(
        r.error(),
        "ERROR:  role \"libpqrs_no_such_role\" does not exist\n"
    );

    // NULL where libpq crashes, and a NULL connection: NULL.
    assert!(change(&c, Some(&role), None).0.is_null());
    assert!(change(&c, None, Some("x")).0.is_null());
    // SAFETY: NULL connection, C strings.
    assert!(unsafe { PQchangePassword(std::ptr::null_mut(), u.as_ptr(), p.as_ptr()) }.is_null());

    c.exec(&format!("drop role {quoted}"));

    // A real login with what PQchangePassword stored (same password as before).
    let (user, pw) = PASSWORD_USER;
    let r = change(&c, Some(user), Some(pw));
    assert_eq!(
        r.status(),
        ExecStatusType::PGRES_COMMAND_OK,
        "{}",
        c.error()
    );
    assert!(can_log_in(pw));
    assert!(!can_log_in("wrong"));
}
