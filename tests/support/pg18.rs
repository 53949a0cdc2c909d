//! A second server: PostgreSQL 18, from the server binaries of the oracle
//! package (`scripts/fetch-oracle.sh`, see [`super::oracle`]), for what only
//! a server of 18 or later does: protocol 3.2 and its long cancel keys.
//!
//! [`server()`] starts it the first time a test asks (thread-safe), with the
//! conventions of the PostgreSQL 15 server of [`super::server()`]: a fresh
//! directory under `/tmp`, `initdb` and the server run as `postgres` when the
//! tests run as root, 127.0.0.1 (and ::1) on a free port plus a private Unix
//! socket directory, the same `postgresql.conf` settings, `pg_hba.conf` and
//! roles ([`super::TRUST_USER`] and friends). It is stopped and its directory
//! removed when the test process exits (a watchdog does it if the process is
//! killed); `LIBPQRS_TEST_KEEP=1` keeps the directory.
//!
//! The oracle package has no `psql`: the roles are created, and
//! [`TestServer::psql`] runs, with Debian's `psql` (libpq 15), so the
//! [`TestServer::bin_dir`] of this server is Debian's client directory.
//!
//! `LIBPQRS_TEST_PG18_PORT` (with `LIBPQRS_TEST_PG18_HOST`, default
//! 127.0.0.1, and `LIBPQRS_TEST_PG18_SOCKET_DIR`, default
//! `/var/run/postgresql`) names an existing PostgreSQL 18 server instead;
//! it needs the roles and `pg_hba.conf` lines of this directory.
//!
//! Without the oracle's binaries [`server()`] is None after a loud message,
//! except in CI (`CI=true`), where it panics, as the oracle comparisons do.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::{external_server_at, oracle, start_instance_from, TestServer};

static SERVER: OnceLock<Result<Option<TestServer>, String>> = OnceLock::new();

/// The PostgreSQL 18 server for this test process, started on first use;
/// None (after a loud message on stderr) when the oracle's server binaries
/// are not fetched. Panics in CI without them, and when the server fails.
pub fn server() -> Option<&'static TestServer> {
    match SERVER.get_or_init(start_or_connect) {
        Ok(s) => s.as_ref(),
        Err(e) => panic!("PostgreSQL 18 test server unavailable: {e}"),
    }
}

/// [`server()`] without the message or the CI failure: None when the
/// binaries are not there (for callers that merely pass it on).
pub fn server_if_available() -> Option<&'static TestServer> {
    let external = std::env::var_os("LIBPQRS_TEST_PG18_PORT").is_some();
    if external || oracle::pg18_bin_dir().is_some() {
        server()
    } else {
        None
    }
}

fn start_or_connect() -> Result<Option<TestServer>, String> {
    if let Ok(port) = std::env::var("LIBPQRS_TEST_PG18_PORT") {
        let host = std::env::var("LIBPQRS_TEST_PG18_HOST").unwrap_or_else(|_| "127.0.0.1".into());
        let socket_dir = std::env::var_os("LIBPQRS_TEST_PG18_SOCKET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/var/run/postgresql"));
        let ipv6 = std::env::var("LIBPQRS_TEST_PG18_IPV6").is_ok_and(|v| v == "1");
        return external_server_at(&port, host, socket_dir, ipv6).map(Some);
    }
    let Some(bin18) = oracle::pg18_server_bin_dir() else {
        return Ok(None);
    };
    start(&bin18).map(Some)
}

/// Starts the server from `bin18` with the harness's common steps (see
/// [`super::start_instance_from`]) and checks that it is 18 or later.
fn start(bin18: &Path) -> Result<TestServer, String> {
    let server = start_instance_from(bin18, "libpqrs-pg18", |_, _| Ok(String::new()))?;
    if server.version_num < 180000 {
        return Err(format!(
            "{} is PostgreSQL {}, not 18",
            bin18.display(),
            server.version_num
        ));
    }
    Ok(server)
}
