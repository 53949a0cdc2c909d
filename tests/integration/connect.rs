//! Connecting: options, authentication methods, failures and their exact text
//! (as libpq 15/18 print them), accessors and PQping.

use crate::support::{self, server, MD5_USER, PASSWORD_USER, SCRAM_USER, TRUST_USER};
use crate::util::*;
use pq::ffi::*;

#[test]
fn trust_over_tcp_and_socket() {
    let s = server();
    for (info, host, hostaddr) in [
        (s.tcp(TRUST_USER, ""), "127.0.0.1".to_string(), "127.0.0.1"),
        (
            s.unix(TRUST_USER, ""),
            s.socket_dir.to_string_lossy().into_owned(),
            "",
        ),
    ] {
        let c = Conn::ok(&info);
        // SAFETY: live handle throughout.
        unsafe {
            assert_eq!(c.error(), "");
            assert_eq!(text(PQdb(c.0)).as_deref(), Some("postgres"));
            assert_eq!(text(PQuser(c.0)).as_deref(), Some(TRUST_USER));
            assert_eq!(text(PQhost(c.0)), Some(host.clone()));
            assert_eq!(text(PQhostaddr(c.0)).as_deref(), Some(hostaddr));
            assert_eq!(text(PQport(c.0)), Some(s.port.to_string()));
            assert_eq!(text(PQtty(c.0)).as_deref(), Some(""));
            assert_eq!(text(PQpass(c.0)).as_deref(), Some(""));
            assert_eq!(text(PQoptions(c.0)).as_deref(), Some(""));
            assert!(PQbackendPID(c.0) > 0);
            assert!(PQsocket(c.0) >= 0);
            assert_eq!(PQserverVersion(c.0), s.version_num);
            assert_eq!(PQprotocolVersion(c.0), 3);
            assert_eq!(
                PQtransactionStatus(c.0),
                PGTransactionStatusType::PQTRANS_IDLE
            );
            assert_eq!(PQconnectionUsedPassword(c.0), 0);
            assert_eq!(PQconnectionNeedsPassword(c.0), 0);
            let enc = text(PQparameterStatus(c.0, cs("client_encoding").as_ptr())).unwrap();
            assert_eq!(text(pg_encoding_to_char(PQclientEncoding(c.0))), Some(enc));
            assert!(PQparameterStatus(c.0, cs("no_such_parameter").as_ptr()).is_null());
            let pid = c.exec("select pg_backend_pid()").value(0, 0).unwrap();
            assert_eq!(pid, PQbackendPID(c.0).to_string());
        }
    }
}

#[test]
fn every_password_method() {
    let s = server();
    for (user, pw) in [PASSWORD_USER, MD5_USER, SCRAM_USER] {
        let c = Conn::ok(&s.tcp(user, &format!("password={pw}")));
        // SAFETY: live handle.
        unsafe {
            assert_eq!(PQconnectionUsedPassword(c.0), 1, "{user}");
            assert_eq!(PQconnectionNeedsPassword(c.0), 0, "{user}");
            assert_eq!(text(PQpass(c.0)).as_deref(), Some(pw));
        }
        assert_eq!(
            c.exec("select current_user").value(0, 0).as_deref(),
            Some(user)
        );

        let bad = Conn::open(&s.tcp(user, "password=wrong"));
        assert_eq!(bad.status(), ConnStatusType::CONNECTION_BAD);
        assert_eq!(
            bad.error(),
            format!(
                "connection to server at \"127.0.0.1\", port {} failed: FATAL:  password authentication failed for user \"{user}\"\n",
                s.port
            )
        );

        let none = Conn::open(&s.tcp(user, ""));
        assert_eq!(
            none.error(),
            format!(
                "connection to server at \"127.0.0.1\", port {} failed: fe_sendauth: no password supplied\n",
                s.port
            )
        );
        // SAFETY: live handle.
        assert_eq!(unsafe { PQconnectionNeedsPassword(none.0) }, 1);
    }
}

#[test]
fn server_rejections_are_reported_with_the_host_prefix() {
    let s = server();
    let c = Conn::open(&s.tcp(TRUST_USER, "dbname=nosuchdb"));
    assert_eq!(
        c.error(),
        format!(
            "connection to server at \"127.0.0.1\", port {} failed: FATAL:  database \"nosuchdb\" does not exist\n",
            s.port
        )
    );
    let sock = s.socket_dir.join(format!(".s.PGSQL.{}", s.port));
    let c = Conn::open(&s.unix("nosuchuser", ""));
    let msg = c.error();
    assert!(
        msg.starts_with(&format!(
            "connection to server on socket \"{}\" failed: FATAL:  ",
            sock.display()
        )),
        "{msg}"
    );
}

#[test]
fn nothing_listening_and_host_lists() {
    let s = server();
    let c = Conn::open("host=127.0.0.1 port=1 user=x");
    assert_eq!(
        c.error(),
        "connection to server at \"127.0.0.1\", port 1 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?\n"
    );
    let c = Conn::open("host=/nonexistent-dir port=5 user=x");
    assert_eq!(
        c.error(),
        "connection to server on socket \"/nonexistent-dir/.s.PGSQL.5\" failed: No such file or directory\n\tIs the server running locally and accepting connections on that socket?\n"
    );
    // The first host is dead: the second is used and earlier errors are dropped.
    let c = Conn::ok(&format!(
        "host=127.0.0.1,127.0.0.1 port=1,{} user={TRUST_USER} dbname=postgres",
        s.port
    ));
    assert_eq!(c.error(), "");
    // SAFETY: live handle.
    assert_eq!(text(unsafe { PQport(c.0) }), Some(s.port.to_string()));
    // A host name is resolved and shown with its address.
    let c = Conn::open("host=localhost port=1 user=x hostaddr=");
    assert!(
        c.error()
            .starts_with("connection to server at \"localhost\" ("),
        "{}",
        c.error()
    );
    let c = Conn::open("host=nosuchhost.invalid port=1 user=x");
    assert!(
        c.error()
            .starts_with("could not translate host name \"nosuchhost.invalid\" to address: "),
        "{}",
        c.error()
    );
}

#[test]
fn malformed_options_fail_before_connecting() {
    // A parse error leaves no options: PQdb is NULL and PQhost "" (libpq 15 and 18).
    for (info, message) in [
        (
            "host",
            "missing \"=\" after \"host\" in connection info string\n",
        ),
        (
            "host='x",
            "unterminated quoted string in connection info string\n",
        ),
        (
            "nosuchoption=1",
            "invalid connection option \"nosuchoption\"\n",
        ),
    ] {
        let c = Conn::open(info);
        assert_eq!(c.status(), ConnStatusType::CONNECTION_BAD);
        assert_eq!(c.error(), message, "{info}");
        // SAFETY: live handle.
        unsafe {
            assert!(PQdb(c.0).is_null());
            assert_eq!(text(PQhost(c.0)).as_deref(), Some(""));
            assert_eq!(text(PQport(c.0)).as_deref(), Some("5432"));
            assert_eq!(PQsocket(c.0), -1);
            assert_eq!(PQping(cs(info).as_ptr()), PGPing::PQPING_NO_ATTEMPT);
        }
    }
    // A bad value found after parsing: the options and host list exist, as in
    // libpq, whose PQhost then shows the default socket directory (Debian's).
    let c = Conn::open("sslmode=bogus port=7");
    assert_eq!(c.error(), "invalid sslmode value: \"bogus\"\n");
    // SAFETY: live handle.
    unsafe {
        assert!(!PQdb(c.0).is_null());
        assert_eq!(text(PQhost(c.0)).as_deref(), Some("/var/run/postgresql"));
        assert_eq!(text(PQport(c.0)).as_deref(), Some("7"));
        assert_eq!(
            PQping(cs("sslmode=bogus").as_ptr()),
            PGPing::PQPING_NO_ATTEMPT
        );
    }
    // A bad value found after parsing: the options and host list exist, as in
    // libpq, whose PQhost then shows the default socket directory (Debian's).
    let c = Conn::open("sslmode=bogus port=7");
    assert_eq!(c.error(), "invalid sslmode value: \"bogus\"\n");
    // SAFETY: live handle.
    unsafe {
        assert!(!PQdb(c.0).is_null());
        assert_eq!(text(PQhost(c.0)).as_deref(), Some("/var/run/postgresql"));
        assert_eq!(text(PQport(c.0)).as_deref(), Some("7"));
        assert_eq!(
            PQping(cs("sslmode=bogus").as_ptr()),
            PGPing::PQPING_NO_ATTEMPT
        );
    }
    let s = server();
    let c = Conn::open(&s.tcp(TRUST_USER, "connect_timeout=x"));
    assert_eq!(
        c.error(),
        format!(
            "connection to server at \"127.0.0.1\", port {} failed: invalid integer value \"x\" for connection option \"connect_timeout\"\n",
            s.port
        )
    );
}

#[test]
fn ping() {
    let s = server();
    // SAFETY: valid C strings.
    unsafe {
        assert_eq!(
            PQping(cs(&s.tcp(TRUST_USER, "")).as_ptr()),
            PGPing::PQPING_OK
        );
        assert_eq!(
            PQping(cs(&s.tcp("nosuchuser", "")).as_ptr()),
            PGPing::PQPING_OK
        );
        assert_eq!(
            PQping(cs("host=127.0.0.1 port=1").as_ptr()),
            PGPing::PQPING_NO_RESPONSE
        );
        let k = [cs("host"), cs("port")];
        let v = [cs("127.0.0.1"), cs(&s.port.to_string())];
        let kp = [k[0].as_ptr(), k[1].as_ptr(), std::ptr::null()];
        let vp = [v[0].as_ptr(), v[1].as_ptr(), std::ptr::null()];
        assert_eq!(PQpingParams(kp.as_ptr(), vp.as_ptr(), 0), PGPing::PQPING_OK);
    }
}

#[test]
fn params_arrays_setdblogin_and_reset() {
    let s = server();
    let base = s.tcp(TRUST_USER, "");
    let keys = [cs("dbname"), cs("application_name")];
    let vals = [cs(&base), cs("arrays")];
    let kp = [keys[0].as_ptr(), keys[1].as_ptr(), std::ptr::null()];
    let vp = [vals[0].as_ptr(), vals[1].as_ptr(), std::ptr::null()];
    // SAFETY: NULL-terminated arrays of C strings.
    let c = Conn(unsafe { PQconnectdbParams(kp.as_ptr(), vp.as_ptr(), 1) });
    assert_eq!(c.status(), ConnStatusType::CONNECTION_OK, "{}", c.error());
    assert_eq!(
        c.exec("show application_name").value(0, 0).as_deref(),
        Some("arrays")
    );
    // SAFETY: live handle; reset keeps the options.
    unsafe {
        let before = PQbackendPID(c.0);
        PQreset(c.0);
        assert_eq!(c.status(), ConnStatusType::CONNECTION_OK);
        assert_ne!(PQbackendPID(c.0), before);
    }
    let port = cs(&s.port.to_string());
    // SAFETY: C strings or NULL, as PQsetdbLogin takes them.
    let c = Conn(unsafe {
        PQsetdbLogin(
            cs("127.0.0.1").as_ptr(),
            port.as_ptr(),
            std::ptr::null(),
            std::ptr::null(),
            cs("postgres").as_ptr(),
            cs(TRUST_USER).as_ptr(),
            std::ptr::null(),
        )
    });
    assert_eq!(c.status(), ConnStatusType::CONNECTION_OK, "{}", c.error());
}

#[test]
fn startup_options_reach_the_server() {
    let s = server();
    let c = Conn::ok(&s.tcp(
        TRUST_USER,
        "options='-c search_path=pg_catalog' fallback_application_name=fb client_encoding=LATIN1",
    ));
    assert_eq!(
        c.exec("show search_path").value(0, 0).as_deref(),
        Some("pg_catalog")
    );
    assert_eq!(
        c.exec("show application_name").value(0, 0).as_deref(),
        Some("fb")
    );
    // SAFETY: live handle.
    unsafe {
        assert_eq!(PQclientEncoding(c.0), 8);
        assert_eq!(PQsetClientEncoding(c.0, cs("UTF8").as_ptr()), 0);
        assert_eq!(PQclientEncoding(c.0), 6);
        assert_eq!(PQsetClientEncoding(c.0, cs("nosuch").as_ptr()), -1);
    }
    let _ = support::server();
}
