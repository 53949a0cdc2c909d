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

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};

use super::{
    create_roles, external_server_at, find_bin_dir, init_and_start, oracle, read_postmaster_pid,
    stop_postmaster, unique_dir, unprivileged_user, TestServer,
};

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

/// What to stop at exit.
struct Owned {
    base: PathBuf,
    data: PathBuf,
    pid: libc::pid_t,
    keep: bool,
    _watchdog: Mutex<Option<ChildStdin>>,
}

static OWNED: OnceLock<Owned> = OnceLock::new();

extern "C" fn stop_at_exit() {
    if let Some(o) = OWNED.get() {
        stop_postmaster(o.pid, &o.data);
        if !o.keep {
            let _ = fs::remove_dir_all(&o.base);
        }
    }
}

fn start(bin18: &Path) -> Result<TestServer, String> {
    let client_bin = find_bin_dir()?;
    let run_as = unprivileged_user()?;
    let ipv6 = std::net::TcpListener::bind("[::1]:0").is_ok();
    let keep = std::env::var("LIBPQRS_TEST_KEEP").is_ok_and(|v| v == "1");
    let tmp = if run_as.is_some() {
        PathBuf::from("/tmp")
    } else {
        std::env::temp_dir()
    };
    let base = unique_dir(&tmp, "libpqrs-pg18")?;
    let (data, sock, log) = (
        base.join("data"),
        base.join("sock"),
        base.join("postgres.log"),
    );
    fs::create_dir(&sock).map_err(|e| format!("mkdir {}: {e}", sock.display()))?;
    for d in [&base, &sock] {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(d, fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("chmod {}: {e}", d.display()))?;
        if let Some((uid, gid)) = run_as {
            std::os::unix::fs::chown(d, Some(uid), Some(gid))
                .map_err(|e| format!("chown {}: {e}", d.display()))?;
        }
    }
    let (port, pid) = match init_and_start(bin18, run_as, ipv6, &base, "") {
        Ok(v) => v,
        Err(e) => {
            let log_text = fs::read_to_string(&log).unwrap_or_default();
            if let Some(pid) = read_postmaster_pid(&data) {
                stop_postmaster(pid, &data);
            }
            if !keep {
                let _ = fs::remove_dir_all(&base);
            }
            return Err(format!("{e}\n--- server log ---\n{log_text}"));
        }
    };
    // As for the 15 server: atexit, and a watchdog in its own process group
    // that acts when its stdin reaches EOF, however this process ends.
    let watchdog = Command::new("/bin/sh")
        .args([
            "-c",
            r#"cat >/dev/null
               kill -QUIT "$2" 2>/dev/null
               i=0
               while [ -e "$1/data/postmaster.pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
               [ "$3" = 1 ] || rm -rf "$1""#,
            "libpqrs-pg18-watchdog",
        ])
        .arg(&base)
        .arg(pid.to_string())
        .arg(if keep { "1" } else { "0" })
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .ok()
        .and_then(|mut c| c.stdin.take());
    let _ = OWNED.set(Owned {
        base: base.clone(),
        data,
        pid,
        keep,
        _watchdog: Mutex::new(watchdog),
    });
    // SAFETY: registering a plain extern "C" fn with atexit.
    unsafe { libc::atexit(stop_at_exit) };

    let mut server = TestServer {
        host: "127.0.0.1".into(),
        port,
        socket_dir: sock,
        bin_dir: client_bin,
        version_num: 0,
        ipv6,
        base_dir: Some(base),
        log_file: Some(log.clone()),
        tls: None,
    };
    server.version_num = create_roles(&server).map_err(|e| {
        let log_text = fs::read_to_string(&log).unwrap_or_default();
        format!("{e}\n--- server log ---\n{log_text}")
    })?;
    if server.version_num < 180000 {
        return Err(format!(
            "{} is PostgreSQL {}, not 18",
            bin18.display(),
            server.version_num
        ));
    }
    Ok(server)
}
