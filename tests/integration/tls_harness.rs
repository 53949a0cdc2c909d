//! Checks of the harness's TLS material and servers (`support::tls`),
//! independent of the library under test: the certificates verify (or not)
//! as intended with the `openssl` command (skipped when it is missing), the
//! name hash of the hashed CRL directories is OpenSSL's, the encrypted key
//! opens with its password only, the key files have the modes the tests
//! rely on, and the servers accept TLS from the system libpq 15 (through
//! the server's `psql`) with the certificates, users and pg_hba.conf lines
//! the TLS tests use.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::support::{
    server, tls, tls_files, tls_server, ServerCert, TestServer, CERT_USER, NOSSL_ONLY_USER,
    SSL_ONLY_USER, TRUST_USER,
};

fn openssl(args: &[&str]) -> Option<Output> {
    match Command::new("openssl")
        .args(args)
        .stdin(Stdio::null())
        .output()
    {
        Ok(o) => Some(o),
        Err(_) => {
            eprintln!("SKIPPED: no `openssl` command");
            None
        }
    }
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn tls_material_verifies_as_intended() {
    let Some(t) = tls_files() else { return };
    let verify = |extra: &[&str], cert: &Path| -> Option<(bool, String)> {
        let mut args = vec!["verify", "-CAfile", p(&t.root_ca)];
        args.extend_from_slice(extra);
        args.push(p(cert));
        let o = openssl(&args)?;
        Some((
            o.status.success(),
            format!("{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr)),
        ))
    };
    let Some((ok, text)) = verify(&[], &t.server_cert) else {
        return;
    };
    assert!(ok, "server.crt: {text}");
    for good in [
        &t.server_other_cert,
        &t.client_cert,
        &t.client_other_user_cert,
    ] {
        let (ok, text) = verify(&[], good).unwrap();
        assert!(ok, "{}: {text}", good.display());
    }
    let (ok, text) = verify(&[], &t.server_expired_cert).unwrap();
    assert!(
        !ok && text.contains("expired"),
        "server-expired.crt: {text}"
    );
    let (ok, text) = verify(&[], &t.client_wrong_ca_cert).unwrap();
    assert!(!ok, "client-wrongca.crt verified against root.crt: {text}");
    // The chain file: leaf then intermediate.
    let (ok, text) = verify(&["-untrusted", p(&t.intermediate_ca)], &t.server_chain_cert).unwrap();
    assert!(ok, "server-chain.crt: {text}");
    let (ok, text) = verify(&[], &t.server_chain_cert).unwrap();
    assert!(!ok, "server-chain.crt without the intermediate: {text}");
    // CRLs, as files and as hashed directories.
    let crl_file = |crl: &Path| ["-crl_check", "-CRLfile", p(crl)].map(String::from);
    let (ok, text) = verify(
        &crl_file(&t.crl_server_revoked)
            .each_ref()
            .map(|s| s.as_str()),
        &t.server_cert,
    )
    .unwrap();
    assert!(
        !ok && text.contains("revoked"),
        "revoked server.crt: {text}"
    );
    let (ok, text) = verify(
        &crl_file(&t.crl_empty).each_ref().map(|s| s.as_str()),
        &t.server_cert,
    )
    .unwrap();
    assert!(ok, "server.crt with the empty CRL: {text}");
    let (ok, text) = verify(
        &["-crl_check", "-CApath", p(&t.crl_dir_server_revoked)],
        &t.server_cert,
    )
    .unwrap();
    assert!(
        !ok && text.contains("revoked"),
        "revoked server.crt, hashed CRL directory: {text}"
    );
    let (ok, text) = verify(
        &["-crl_check", "-CApath", p(&t.crl_dir_empty)],
        &t.server_cert,
    )
    .unwrap();
    assert!(ok, "server.crt, empty hashed CRL directory: {text}");
    let (ok, text) = verify(
        &[
            "-crl_check_all",
            "-CRLfile",
            p(&t.crl_chain),
            "-untrusted",
            p(&t.intermediate_ca),
        ],
        &t.server_chain_cert,
    )
    .unwrap();
    assert!(ok, "server-chain.crt with crl-chain.pem: {text}");
    let (ok, text) = verify(
        &[
            "-crl_check_all",
            "-CRLfile",
            p(&t.crl_empty),
            "-untrusted",
            p(&t.intermediate_ca),
        ],
        &t.server_chain_cert,
    )
    .unwrap();
    assert!(
        !ok,
        "server-chain.crt with only the root's CRL under crl_check_all: {text}"
    );
}

#[test]
fn tls_name_hash_is_openssls() {
    let Some(t) = tls_files() else { return };
    let Some(o) = openssl(&["x509", "-hash", "-noout", "-in", p(&t.root_ca)]) else {
        return;
    };
    assert!(o.status.success());
    assert_eq!(stdout(&o).trim(), tls::openssl_name_hash(tls::ROOT_CA_NAME));
    let o = openssl(&["crl", "-hash", "-noout", "-in", p(&t.crl_server_revoked)]).unwrap();
    assert_eq!(stdout(&o).trim(), tls::openssl_name_hash(tls::ROOT_CA_NAME));
    let o = openssl(&["x509", "-hash", "-noout", "-in", p(&t.wrong_ca)]).unwrap();
    assert_eq!(
        stdout(&o).trim(),
        tls::openssl_name_hash(tls::WRONG_CA_NAME)
    );
    // White space and case do not matter to the canonical form.
    assert_eq!(
        tls::openssl_name_hash("  LIBPQ-RS   test root ca "),
        tls::openssl_name_hash(tls::ROOT_CA_NAME)
    );
    assert_ne!(
        tls::openssl_name_hash(tls::ROOT_CA_NAME),
        tls::openssl_name_hash(tls::WRONG_CA_NAME)
    );
}

#[test]
fn tls_encrypted_key_and_modes() {
    let Some(t) = tls_files() else { return };
    let mode = |f: &Path| std::fs::metadata(f).unwrap().permissions().mode() & 0o777;
    for k in [
        &t.client_key,
        &t.client_key_encrypted,
        &t.client_wrong_ca_key,
        &t.client_other_user_key,
        &t.server_key,
        &t.home_client.join(".postgresql/postgresql.key"),
    ] {
        assert_eq!(mode(k), 0o600, "{}", k.display());
    }
    assert_eq!(mode(&t.client_key_world_readable), 0o644);
    let text = std::fs::read_to_string(&t.client_key_encrypted).unwrap();
    assert!(text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
    let plain = std::fs::read_to_string(&t.client_key).unwrap();
    assert!(plain.starts_with("-----BEGIN PRIVATE KEY-----\n"));

    let pass = format!("pass:{}", tls::CLIENT_KEY_PASSWORD);
    let Some(o) = openssl(&[
        "pkey",
        "-in",
        p(&t.client_key_encrypted),
        "-passin",
        &pass,
        "-pubout",
    ]) else {
        return;
    };
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let from_plain = openssl(&["pkey", "-in", p(&t.client_key), "-pubout"]).unwrap();
    assert_eq!(
        o.stdout, from_plain.stdout,
        "the encrypted key is the client key"
    );
    let o = openssl(&[
        "pkey",
        "-in",
        p(&t.client_key_encrypted),
        "-passin",
        "pass:wrong",
    ])
    .unwrap();
    assert!(!o.status.success(), "the wrong password opened the key");
}

/// `SELECT ...` through the server's psql (system libpq) with `conninfo`;
/// Ok(output) or Err(stderr).
fn psql_as(s: &TestServer, conninfo: &str, sql: &str, home: &Path) -> Result<String, String> {
    let mut cmd = Command::new(s.bin_dir.join("psql"));
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("PG") {
            cmd.env_remove(k);
        }
    }
    let out = cmd
        .env("HOME", home)
        .env("PGPASSFILE", "/nonexistent")
        .args(["-X", "-At", "-d", conninfo, "-c", sql])
        .stdin(Stdio::null())
        .output()
        .expect("run psql");
    if out.status.success() {
        Ok(stdout(&out).trim().to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

const SSL_QUERY: &str =
    "SELECT ssl, coalesce(client_dn, '-') FROM pg_stat_ssl WHERE pid = pg_backend_pid()";

#[test]
fn tls_servers_accept_the_test_certificates() {
    let Some(t) = tls_files() else { return };
    let s = tls_server(ServerCert::Main).unwrap();
    let home = &t.home_empty;
    let root = p(&t.root_ca);
    let ci = |host: &str, user: &str, extra: &str| {
        format!(
            "host={host} port={} dbname=postgres user={user} sslrootcert={root} {extra}",
            s.port
        )
    };
    // verify-full by name and by address, the trust user.
    for host in ["localhost", "127.0.0.1"] {
        assert_eq!(
            psql_as(
                s,
                &ci(host, TRUST_USER, "sslmode=verify-full"),
                SSL_QUERY,
                home
            ),
            Ok("t|-".to_string()),
            "{host}"
        );
    }
    // Plain TCP and the Unix socket still work for the existing users.
    assert_eq!(
        psql_as(
            s,
            &ci("127.0.0.1", TRUST_USER, "sslmode=disable"),
            SSL_QUERY,
            home
        ),
        Ok("f|-".to_string())
    );
    for srv in [s, server()] {
        assert_eq!(
            psql_as(srv, &srv.unix(TRUST_USER, ""), "SELECT 1", home),
            Ok("1".to_string())
        );
    }
    // The cert user with its certificate; refused without one and without SSL.
    let cert = format!(
        "sslmode=verify-full sslcert={} sslkey={}",
        p(&t.client_cert),
        p(&t.client_key)
    );
    assert_eq!(
        psql_as(s, &ci("localhost", CERT_USER, &cert), SSL_QUERY, home),
        Ok(format!("t|/CN={CERT_USER}"))
    );
    let e = psql_as(
        s,
        &ci("localhost", CERT_USER, "sslmode=require"),
        SSL_QUERY,
        home,
    )
    .unwrap_err();
    assert!(
        e.contains("connection requires a valid client certificate"),
        "{e}"
    );
    let e = psql_as(
        s,
        &ci("127.0.0.1", CERT_USER, "sslmode=disable"),
        SSL_QUERY,
        home,
    )
    .unwrap_err();
    assert!(e.contains("rejects connection"), "{e}");
    // The default client certificate and root certificate of ~/.postgresql.
    assert_eq!(
        psql_as(
            s,
            &format!(
                "host=localhost port={} dbname=postgres user={CERT_USER} sslmode=verify-full",
                s.port
            ),
            SSL_QUERY,
            &t.home_client
        ),
        Ok(format!("t|/CN={CERT_USER}"))
    );
    // SSL-only and no-SSL-only users.
    assert!(psql_as(
        s,
        &ci("127.0.0.1", SSL_ONLY_USER, "sslmode=require"),
        SSL_QUERY,
        home
    )
    .is_ok());
    assert!(psql_as(
        s,
        &ci("127.0.0.1", SSL_ONLY_USER, "sslmode=disable"),
        SSL_QUERY,
        home
    )
    .is_err());
    assert!(psql_as(
        s,
        &ci("127.0.0.1", NOSSL_ONLY_USER, "sslmode=require"),
        SSL_QUERY,
        home
    )
    .is_err());
    assert_eq!(
        psql_as(
            s,
            &ci("127.0.0.1", NOSSL_ONLY_USER, "sslmode=prefer"),
            SSL_QUERY,
            home
        ),
        Ok("f|-".to_string()),
        "prefer falls back to plain TCP"
    );
    // The revoked certificate.
    let e = psql_as(
        s,
        &ci(
            "localhost",
            TRUST_USER,
            &format!("sslmode=verify-full sslcrl={}", p(&t.crl_server_revoked)),
        ),
        SSL_QUERY,
        home,
    )
    .unwrap_err();
    assert!(e.contains("certificate verify failed"), "{e}");
    let e = psql_as(
        s,
        &ci(
            "localhost",
            TRUST_USER,
            &format!(
                "sslmode=verify-full sslcrldir={}",
                p(&t.crl_dir_server_revoked)
            ),
        ),
        SSL_QUERY,
        home,
    )
    .unwrap_err();
    assert!(e.contains("certificate verify failed"), "{e}");
    assert!(psql_as(
        s,
        &ci(
            "localhost",
            TRUST_USER,
            &format!("sslmode=verify-full sslcrldir={}", p(&t.crl_dir_empty))
        ),
        SSL_QUERY,
        home,
    )
    .is_ok());
}

#[test]
fn tls_servers_present_their_certificates() {
    let Some(t) = tls_files() else { return };
    let home = &t.home_empty;
    let root = p(&t.root_ca);
    let ci = |s: &TestServer, host: &str, extra: &str| {
        format!(
            "host={host} port={} dbname=postgres user={TRUST_USER} sslrootcert={root} {extra}",
            s.port
        )
    };
    let expired = tls_server(ServerCert::Expired).unwrap();
    let e = psql_as(
        expired,
        &ci(expired, "localhost", "sslmode=verify-ca"),
        SSL_QUERY,
        home,
    )
    .unwrap_err();
    assert!(e.contains("certificate verify failed"), "{e}");
    // Without a root certificate, require does not verify.
    assert_eq!(
        psql_as(
            expired,
            &format!(
                "host=localhost port={} dbname=postgres user={TRUST_USER} sslmode=require",
                expired.port
            ),
            SSL_QUERY,
            home
        ),
        Ok("t|-".to_string())
    );
    let other = tls_server(ServerCert::OtherHost).unwrap();
    let e = psql_as(
        other,
        &ci(other, "localhost", "sslmode=verify-full"),
        SSL_QUERY,
        home,
    )
    .unwrap_err();
    assert!(e.contains("does not match host name"), "{e}");
    assert_eq!(
        psql_as(
            other,
            &ci(
                other,
                "x.wild.example",
                "hostaddr=127.0.0.1 sslmode=verify-full"
            ),
            SSL_QUERY,
            home
        ),
        Ok("t|-".to_string())
    );
    let chain = tls_server(ServerCert::Chain).unwrap();
    assert_eq!(
        psql_as(
            chain,
            &ci(chain, "localhost", "sslmode=verify-full"),
            SSL_QUERY,
            home
        ),
        Ok("t|-".to_string())
    );
    assert_ne!(chain.port, tls_server(ServerCert::Main).unwrap().port);
}

/// The main server has TLS exactly when MAIN_SERVER_TLS (or
/// LIBPQRS_TEST_MAIN_TLS) says so.
#[test]
fn tls_main_server_setting() {
    let Some(t) = tls_files() else { return };
    let s = server();
    let r = psql_as(
        s,
        &s.tcp(
            TRUST_USER,
            &format!("sslmode=require sslrootcert={}", p(&t.root_ca)),
        ),
        SSL_QUERY,
        &t.home_empty,
    );
    match s.tls {
        Some(_) => assert_eq!(r, Ok("t|-".to_string())),
        None => assert!(r.unwrap_err().contains("server does not support SSL")),
    }
}
