//! Test support: a real PostgreSQL server for the run, C compilation helpers.
//!
//! # The server
//!
//! [`server()`] starts one PostgreSQL server per test process, the first time
//! any test asks for it (thread-safe; later callers wait for the first). It
//! uses the newest Debian server binaries (`/usr/lib/postgresql/<N>/bin`, or
//! `LIBPQRS_TEST_PG_BIN`), `initdb`s a cluster into a fresh directory under
//! `/tmp`, listens on 127.0.0.1 (and ::1 when the machine has IPv6 loopback)
//! on a free port and on a private Unix socket directory, with `fsync=off`.
//! When the tests run as root, initdb and the server run as the `postgres`
//! user (else `nobody`). `pg_hba.conf` is `tests/support/pg_hba.conf` and the
//! roles of `tests/support/setup.sql` are created ([`TRUST_USER`],
//! [`PASSWORD_USER`], [`MD5_USER`], [`SCRAM_USER`], plus a superuser named
//! like the OS user so that connections without `user=` work). The server is
//! stopped (`SIGQUIT`, immediate shutdown) and its directory removed when the
//! test process exits; a small watchdog process does the same if the test
//! process is killed. `LIBPQRS_TEST_KEEP=1` keeps the directory (the path and
//! the server log are in [`TestServer::base_dir`] / [`TestServer::log_file`]).
//!
//! # TLS
//!
//! With the main server the harness makes certificates, keys and CRLs in
//! its directory ([`tls`], [`tls_files`]): a root CA, an intermediate, an
//! unrelated CA, server certificates for localhost / another host / expired
//! / via the intermediate, client certificates, an encrypted key, CRLs and
//! hashed CRL directories, HOME directories with `~/.postgresql` files. A
//! PostgreSQL server can present one certificate only, so [`tls_server`]
//! gives one server per [`ServerCert`], started on first use (the main
//! server itself for `ServerCert::Main` when [`MAIN_SERVER_TLS`] is on).
//! pg_hba.conf has users for TLS tests: [`SSL_ONLY_USER`] (hostssl only),
//! [`NOSSL_ONLY_USER`] (hostnossl only) and [`CERT_USER`] (`cert` method).
//!
//! To use an existing server instead, set `LIBPQRS_TEST_PORT` (and optionally
//! `LIBPQRS_TEST_HOST`, default `127.0.0.1`; `LIBPQRS_TEST_SOCKET_DIR`,
//! default `/var/run/postgresql`; `LIBPQRS_TEST_IPV6=1` if it also listens on
//! ::1). That server must have the roles of `setup.sql` and the lines of
//! `pg_hba.conf` in this directory.
//!
//! # The library under test
//!
//! [`lib_dir()`] is a directory holding `libpq.so.5` and `libpq.so`, symlinks
//! to the `libpq.so` that cargo built for this test run (or to the file named
//! by `LIBPQRS_TEST_LIBPQ`, e.g. a real libpq 18, to check the tests
//! themselves). [`compile_c`] builds C programs against our headers or the
//! system ones; [`run_with_lib`] and [`valgrind`] run them.
#![allow(dead_code)]

pub mod fake;
pub mod oracle;
pub mod pg18;
pub mod tls;

pub use tls::{ServerCert, TlsFiles};

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::ffi::{CStr, CString, OsStr};
use std::fs;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

/// Superuser allowed in by `trust` over Unix sockets and TCP.
pub const TRUST_USER: &str = "libpqrs_trust";
/// `password` (cleartext) authentication: (user, password).
pub const PASSWORD_USER: (&str, &str) = ("libpqrs_password", "password-pw");
/// `md5` authentication, MD5 hash stored: (user, password).
pub const MD5_USER: (&str, &str) = ("libpqrs_md5", "md5-pw");
/// `scram-sha-256` authentication: (user, password).
pub const SCRAM_USER: (&str, &str) = ("libpqrs_scram", "scram-pw");
/// `trust` over TCP with SSL only (`hostssl`); refused without SSL and over
/// Unix sockets (`reject`).
pub const SSL_ONLY_USER: &str = "libpqrs_ssl_only";
/// `trust` over TCP without SSL (`hostnossl`) and over Unix sockets;
/// refused over SSL (`reject`).
pub const NOSSL_ONLY_USER: &str = "libpqrs_nossl_only";
/// The `cert` method over TCP with SSL (the client certificate's CN must be
/// this name: `TlsFiles::client_cert`); refused without SSL and over Unix
/// sockets.
pub const CERT_USER: &str = "libpqrs_cert";

/// SQL creating the roles above (run on the harness's own server).
pub const SETUP_SQL: &str = include_str!("setup.sql");
/// The harness's `pg_hba.conf`.
pub const PG_HBA_CONF: &str = include_str!("pg_hba.conf");

/// Debian's location of the system libpq headers.
pub const SYSTEM_INCLUDE_DIR: &str = "/usr/include/postgresql";

/// How long a program started by [`run_with_lib`] may run before it is killed.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(120);
/// The same for programs run under [`valgrind`].
pub const VALGRIND_TIMEOUT: Duration = Duration::from_secs(600);

/// Bootstrap superuser of the harness's own cluster.
const BOOTSTRAP_USER: &str = "postgres";

/// The PostgreSQL server the tests talk to.
#[derive(Debug)]
pub struct TestServer {
    /// TCP address, always "127.0.0.1" for the harness's own server.
    pub host: String,
    pub port: u16,
    /// The Unix socket directory (`host=` value for Unix-socket connections).
    pub socket_dir: PathBuf,
    /// Directory of the PostgreSQL server binaries (psql, pg_ctl, pgbench, ...).
    pub bin_dir: PathBuf,
    /// `server_version_num`, e.g. 150018.
    pub version_num: i32,
    /// The server also listens on ::1 (see [`TestServer::tcp6`]).
    pub ipv6: bool,
    /// Temporary directory with `data/`, `sock/` and `postgres.log`
    /// (None for an external server).
    pub base_dir: Option<PathBuf>,
    /// Server log (None for an external server).
    pub log_file: Option<PathBuf>,
    /// The certificate this server presents with `ssl = on` (files:
    /// [`tls_files`]); None when it runs without TLS.
    pub tls: Option<ServerCert>,
}

impl TestServer {
    /// Conninfo over TCP: `host=127.0.0.1 port=P dbname=postgres user=U <extra>`.
    pub fn tcp(&self, user: &str, extra: &str) -> String {
        conninfo(&self.host, self.port, user, extra)
    }

    /// Conninfo over the Unix socket directory.
    pub fn unix(&self, user: &str, extra: &str) -> String {
        conninfo(&self.socket_dir.to_string_lossy(), self.port, user, extra)
    }

    /// Conninfo over IPv6 loopback (`host=::1`), None when not available.
    pub fn tcp6(&self, user: &str, extra: &str) -> Option<String> {
        self.ipv6.then(|| conninfo("::1", self.port, user, extra))
    }

    /// Runs SQL with the server's own `psql` (system libpq, not ours) as
    /// [`TRUST_USER`] over the Unix socket; returns unaligned, tuples-only
    /// output. Panics when psql fails. Handy to set up or inspect state
    /// independently of the library under test.
    pub fn psql(&self, sql: &str) -> String {
        let out = psql_command(&self.bin_dir, &self.unix(TRUST_USER, ""))
            .args(["-At", "-c", sql])
            .output()
            .unwrap_or_else(|e| panic!("cannot run psql: {e}"));
        if !out.status.success() {
            panic!(
                "psql -c {sql:?} failed ({}):\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

fn conninfo(host: &str, port: u16, user: &str, extra: &str) -> String {
    let mut s = format!("host={host} port={port} dbname=postgres user={user}");
    if !extra.trim().is_empty() {
        s.push(' ');
        s.push_str(extra.trim());
    }
    s
}

static SERVER: OnceLock<Result<TestServer, String>> = OnceLock::new();

/// The server for this test process, started on first use.
pub fn server() -> &'static TestServer {
    match SERVER.get_or_init(start_or_connect) {
        Ok(s) => s,
        Err(e) => panic!("test server unavailable: {e}"),
    }
}

fn start_or_connect() -> Result<TestServer, String> {
    match std::env::var("LIBPQRS_TEST_PORT") {
        Ok(port) => external_server(&port),
        Err(_) => start_server(),
    }
}

fn external_server(port: &str) -> Result<TestServer, String> {
    let host = std::env::var("LIBPQRS_TEST_HOST").unwrap_or_else(|_| "127.0.0.1".into());
    let socket_dir = std::env::var_os("LIBPQRS_TEST_SOCKET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/run/postgresql"));
    let ipv6 = std::env::var("LIBPQRS_TEST_IPV6").is_ok_and(|v| v == "1");
    external_server_at(port, host, socket_dir, ipv6)
}

/// An existing server (used through Debian's psql).
fn external_server_at(
    port: &str,
    host: String,
    socket_dir: PathBuf,
    ipv6: bool,
) -> Result<TestServer, String> {
    let port: u16 = port
        .parse()
        .map_err(|_| format!("port {port:?} is not a port number"))?;
    let bin_dir = find_bin_dir()?;
    let mut s = TestServer {
        host,
        port,
        socket_dir,
        bin_dir,
        version_num: 0,
        ipv6,
        base_dir: None,
        log_file: None,
        tls: None,
    };
    s.version_num = query_version(&s.bin_dir, &s.tcp(TRUST_USER, ""))?;
    Ok(s)
}

/// Newest `/usr/lib/postgresql/<N>/bin` with a server in it.
fn find_bin_dir() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("LIBPQRS_TEST_PG_BIN") {
        return Ok(PathBuf::from(dir));
    }
    let mut best: Option<(u32, PathBuf)> = None;
    if let Ok(entries) = fs::read_dir("/usr/lib/postgresql") {
        for e in entries.flatten() {
            let Some(major) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            let bin = e.path().join("bin");
            let newer = match &best {
                Some((m, _)) => major > *m,
                None => true,
            };
            if newer && bin.join("initdb").exists() && bin.join("postgres").exists() {
                best = Some((major, bin));
            }
        }
    }
    best.map(|(_, b)| b).ok_or_else(|| {
        "no PostgreSQL server found in /usr/lib/postgresql/*/bin \
         (apt-get install postgresql, or set LIBPQRS_TEST_PG_BIN or LIBPQRS_TEST_PORT)"
            .to_string()
    })
}

/// State needed to stop one of the harness's own servers at exit.
struct Owned {
    base: PathBuf,
    data: PathBuf,
    pid: libc::pid_t,
    keep: bool,
    /// Write end of the watchdog's stdin; closed by the kernel when this
    /// process ends, however it ends.
    _watchdog: Option<ChildStdin>,
}

/// The servers this process started (the main one, then any of
/// [`tls_server`]), stopped at exit in reverse order.
static OWNED: Mutex<Vec<Owned>> = Mutex::new(Vec::new());

extern "C" fn stop_at_exit() {
    let owned = OWNED.lock().unwrap_or_else(|e| e.into_inner());
    for o in owned.iter().rev() {
        stop_postmaster(o.pid, &o.data);
        if !o.keep {
            let _ = fs::remove_dir_all(&o.base);
        }
    }
}

/// Immediate shutdown, then wait (at most 10 s) until the postmaster is gone.
fn stop_postmaster(pid: libc::pid_t, data: &Path) {
    if pid <= 0 {
        return;
    }
    // SAFETY: plain signal to the postmaster we started.
    unsafe { libc::kill(pid, libc::SIGQUIT) };
    let pidfile = data.join("postmaster.pid");
    for _ in 0..200 {
        // SAFETY: signal 0 only checks for existence.
        let alive = unsafe { libc::kill(pid, 0) } == 0;
        if !alive || !pidfile.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// (uid, gid) to run the server as when we are root.
fn unprivileged_user() -> Result<Option<(u32, u32)>, String> {
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(None);
    }
    for name in ["postgres", "nobody"] {
        let c = CString::new(name).unwrap();
        // SAFETY: getpwnam returns NULL or a pointer to a static passwd
        // record; we copy the ids out at once (startup runs on one thread).
        let pw = unsafe { libc::getpwnam(c.as_ptr()) };
        if !pw.is_null() {
            // SAFETY: pw is non-null and points to a valid passwd struct.
            let (uid, gid) = unsafe { ((*pw).pw_uid, (*pw).pw_gid) };
            return Ok(Some((uid, gid)));
        }
    }
    Err("running as root but neither user `postgres` nor `nobody` exists".into())
}

/// Name of the effective OS user (libpq's default `user`).
fn os_user_name() -> Option<String> {
    // SAFETY: getpwuid returns NULL or a pointer to a static record that we
    // copy at once.
    unsafe {
        let pw = libc::getpwuid(libc::geteuid());
        if pw.is_null() || (*pw).pw_name.is_null() {
            return None;
        }
        Some(CStr::from_ptr((*pw).pw_name).to_string_lossy().into_owned())
    }
}

/// Removes PG* variables, LD_LIBRARY_PATH and LD_PRELOAD inherited from the
/// caller's environment, so runs are reproducible.
fn scrub_env(cmd: &mut Command) {
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy();
        if k.starts_with("PG") || k == "LD_LIBRARY_PATH" || k == "LD_PRELOAD" {
            cmd.env_remove(&*k);
        }
    }
}

fn server_command(program: PathBuf, user: Option<(u32, u32)>, cwd: &Path) -> Command {
    let mut cmd = Command::new(program);
    scrub_env(&mut cmd);
    cmd.env("LC_ALL", "C").current_dir(cwd).stdin(Stdio::null());
    if let Some((uid, gid)) = user {
        cmd.uid(uid).gid(gid);
    }
    cmd
}

fn psql_command(bin_dir: &Path, conninfo: &str) -> Command {
    let mut cmd = Command::new(bin_dir.join("psql"));
    scrub_env(&mut cmd);
    cmd.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo]);
    cmd.stdin(Stdio::null());
    cmd
}

fn query_version(bin_dir: &Path, conninfo: &str) -> Result<i32, String> {
    let out = psql_command(bin_dir, conninfo)
        .args(["-At", "-c", "SHOW server_version_num"])
        .output()
        .map_err(|e| format!("cannot run psql: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "psql {conninfo:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .map_err(|e| format!("bad server_version_num: {e}"))
}

fn check(out: std::io::Result<Output>, what: &str) -> Result<Output, String> {
    let out = out.map_err(|e| format!("cannot run {what}: {e}"))?;
    if out.status.success() {
        Ok(out)
    } else {
        Err(format!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// A port free on 127.0.0.1 (and on ::1 when `ipv6`).
fn free_port(ipv6: bool) -> u16 {
    for _ in 0..50 {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = l.local_addr().unwrap().port();
        if !ipv6 || TcpListener::bind(("::1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free TCP port found");
}

/// Whether the main server ([`server()`]) has `ssl = on` (with
/// `ServerCert::Main`). Off while libpq-rs has no TLS: libpq 18's default
/// `sslmode=prefer` would then use TLS over TCP where ours cannot, and
/// existing differential cases would differ (e.g. a failed password
/// authentication over TLS is retried without it, so libpq 18 reports two
/// attempts). The TLS tests use [`tls_server`], which is this server when
/// this is on and a separate instance otherwise. `LIBPQRS_TEST_MAIN_TLS=1`
/// (or `=0`) overrides it.
pub const MAIN_SERVER_TLS: bool = false;

fn main_server_tls() -> bool {
    match std::env::var("LIBPQRS_TEST_MAIN_TLS").as_deref() {
        Ok("1") => true,
        Ok("0") => false,
        _ => MAIN_SERVER_TLS,
    }
}

static TLS_FILES: OnceLock<TlsFiles> = OnceLock::new();

fn start_server() -> Result<TestServer, String> {
    let with_tls = main_server_tls();
    let mut server = start_instance("libpqrs-pg", |base, run_as| {
        let files = TlsFiles::generate(&base.join("tls"), run_as)?;
        let conf = if with_tls {
            files.server_conf(ServerCert::Main)
        } else {
            String::new()
        };
        let _ = TLS_FILES.set(files);
        Ok(conf)
    })?;
    if with_tls {
        server.tls = Some(ServerCert::Main);
    }
    Ok(server)
}

/// [`start_instance_from`] with Debian's server binaries.
fn start_instance(
    prefix: &str,
    extra_conf: impl FnOnce(&Path, Option<(u32, u32)>) -> Result<String, String>,
) -> Result<TestServer, String> {
    start_instance_from(&find_bin_dir()?, prefix, extra_conf)
}

/// initdb, configure (the common settings, then the lines `extra_conf`
/// returns; it gets the new base directory and the server's OS user), start,
/// register the server to be stopped at exit, create the roles. The
/// server's programs come from `server_bin`; the clients (psql) are always
/// Debian's, so [`TestServer::bin_dir`] is theirs.
fn start_instance_from(
    server_bin: &Path,
    prefix: &str,
    extra_conf: impl FnOnce(&Path, Option<(u32, u32)>) -> Result<String, String>,
) -> Result<TestServer, String> {
    let bin_dir = find_bin_dir()?;
    let run_as = unprivileged_user()?;
    let ipv6 = TcpListener::bind("[::1]:0").is_ok();
    let keep = std::env::var("LIBPQRS_TEST_KEEP").is_ok_and(|v| v == "1");

    // As root, /tmp itself (TMPDIR may not be reachable by the server user).
    let tmp = if run_as.is_some() {
        PathBuf::from("/tmp")
    } else {
        std::env::temp_dir()
    };
    let base = unique_dir(&tmp, prefix)?;
    let data = base.join("data");
    let sock = base.join("sock");
    let log = base.join("postgres.log");
    fs::create_dir(&sock).map_err(|e| format!("mkdir {}: {e}", sock.display()))?;
    for d in [&base, &sock] {
        fs::set_permissions(d, fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("chmod {}: {e}", d.display()))?;
        if let Some((uid, gid)) = run_as {
            std::os::unix::fs::chown(d, Some(uid), Some(gid))
                .map_err(|e| format!("chown {}: {e}", d.display()))?;
        }
    }

    let result = extra_conf(&base, run_as)
        .and_then(|conf| init_and_start(server_bin, run_as, ipv6, &base, &conf));
    let (port, pid) = match result {
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

    // Stop the server when this process ends: atexit for normal exits, and a
    // watchdog (own process group, so Ctrl-C does not reach it) that waits for
    // EOF on its stdin, which happens however this process dies.
    let watchdog = Command::new("/bin/sh")
        .args([
            "-c",
            r#"cat >/dev/null
               if [ -d "$1" ]; then
                 kill -QUIT "$2" 2>/dev/null
                 i=0
                 while [ -e "$1/data/postmaster.pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
                 [ "$3" = 1 ] || rm -rf "$1"
               fi"#,
            "libpqrs-pg-watchdog",
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
    OWNED.lock().unwrap_or_else(|e| e.into_inner()).push(Owned {
        base: base.clone(),
        data: data.clone(),
        pid,
        keep,
        _watchdog: watchdog,
    });
    static AT_EXIT: std::sync::Once = std::sync::Once::new();
    // SAFETY: registering a plain extern "C" fn with atexit.
    AT_EXIT.call_once(|| unsafe {
        libc::atexit(stop_at_exit);
    });

    let mut server = TestServer {
        host: "127.0.0.1".into(),
        port,
        socket_dir: sock,
        bin_dir,
        version_num: 0,
        ipv6,
        base_dir: Some(base),
        log_file: Some(log),
        tls: None,
    };
    let version = create_roles(&server).map_err(|e| {
        let log_text = server
            .log_file
            .as_ref()
            .and_then(|l| fs::read_to_string(l).ok())
            .unwrap_or_default();
        format!("{e}\n--- server log ---\n{log_text}")
    })?;
    server.version_num = version;
    Ok(server)
}

/// The TLS material (see [`tls`]), made in the main server's directory when
/// it starts; None (after a message on stderr) with an external server
/// (`LIBPQRS_TEST_PORT`).
pub fn tls_files() -> Option<&'static TlsFiles> {
    server();
    let t = TLS_FILES.get();
    if t.is_none() {
        eprintln!(
            "SKIPPED: TLS tests need the harness's own server \
             (LIBPQRS_TEST_PORT is set: an external server has no test certificates)"
        );
    }
    t
}

/// A server of the same binaries with `ssl = on` presenting `cert` (see
/// [`TlsFiles::server_conf`]): the main server itself for `Main` when it
/// has TLS ([`MAIN_SERVER_TLS`]), else one started on first use per kind
/// (stopped at exit like the main one), with the same pg_hba.conf and
/// roles. Only the `Main` one has `ssl_ca_file` (asks for client
/// certificates and can do `cert` authentication). None with an external
/// main server.
pub fn tls_server(cert: ServerCert) -> Option<&'static TestServer> {
    static SERVERS: [OnceLock<Result<TestServer, String>>; 4] = [
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
    ];
    let files = tls_files()?;
    let slot = match cert {
        ServerCert::Main if server().tls == Some(ServerCert::Main) => return Some(server()),
        ServerCert::Main => &SERVERS[0],
        ServerCert::OtherHost => &SERVERS[1],
        ServerCert::Expired => &SERVERS[2],
        ServerCert::Chain => &SERVERS[3],
    };
    let r = slot.get_or_init(|| {
        let mut s = start_instance("libpqrs-pg-tls", |_, _| Ok(files.server_conf(cert)))?;
        s.tls = Some(cert);
        Ok(s)
    });
    match r {
        Ok(s) => Some(s),
        Err(e) => panic!("TLS test server ({cert:?}) unavailable: {e}"),
    }
}

/// Runs setup.sql (plus a role for the OS user) as the bootstrap superuser;
/// returns `server_version_num`.
fn create_roles(server: &TestServer) -> Result<i32, String> {
    let super_conn = server.unix(BOOTSTRAP_USER, "");
    let mut sql = SETUP_SQL.to_string();
    if let Some(me) = os_user_name() {
        let ours = [
            BOOTSTRAP_USER,
            TRUST_USER,
            PASSWORD_USER.0,
            MD5_USER.0,
            SCRAM_USER.0,
            SSL_ONLY_USER,
            NOSSL_ONLY_USER,
            CERT_USER,
        ];
        if !ours.contains(&me.as_str()) {
            sql.push_str(&format!(
                "CREATE ROLE \"{}\" LOGIN SUPERUSER;\n",
                me.replace('"', "\"\"")
            ));
        }
    }
    let mut child = psql_command(&server.bin_dir, &super_conn)
        .args(["-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run psql: {e}"))?;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(sql.as_bytes())
        .map_err(|e| format!("writing to psql: {e}"))?;
    check(child.wait_with_output(), "psql -f setup.sql")?;
    query_version(&server.bin_dir, &server.unix(TRUST_USER, ""))
}

fn read_postmaster_pid(data: &Path) -> Option<libc::pid_t> {
    fs::read_to_string(data.join("postmaster.pid"))
        .ok()?
        .lines()
        .next()?
        .trim()
        .parse()
        .ok()
}

/// initdb, configuration (plus `extra_conf`), `pg_ctl start` (retrying with
/// another port when the chosen one was taken in the meantime), in `base`
/// (`data/`, `sock/`, `postgres.log`). Returns (port, postmaster pid).
fn init_and_start(
    bin_dir: &Path,
    run_as: Option<(u32, u32)>,
    ipv6: bool,
    base: &Path,
    extra_conf: &str,
) -> Result<(u16, libc::pid_t), String> {
    let data = &base.join("data");
    let sock = &base.join("sock");
    let log = &base.join("postgres.log");
    check(
        server_command(bin_dir.join("initdb"), run_as, base)
            .arg("-D")
            .arg(data)
            .args([
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
                "--username",
                BOOTSTRAP_USER,
            ])
            .output(),
        "initdb",
    )?;

    let listen = if ipv6 { "127.0.0.1,::1" } else { "127.0.0.1" };
    let conf = format!(
        "\n# libpq-rs test harness\n\
         listen_addresses = '{listen}'\n\
         unix_socket_directories = '{}'\n\
         fsync = off\n\
         synchronous_commit = off\n\
         full_page_writes = off\n\
         timezone = 'UTC'\n\
         log_timezone = 'UTC'\n\
         log_min_messages = error\n\
         log_min_error_statement = panic\n\
         log_line_prefix = '%m [%p] %q%u@%d '\n\
         password_encryption = 'scram-sha-256'\n\
         max_connections = 100\n\
         wal_level = logical\n\
         max_wal_senders = 10\n\
         max_replication_slots = 10\n\
         max_prepared_transactions = 10\n\
         {extra_conf}",
        sock.display()
    );
    let mut f = fs::OpenOptions::new()
        .append(true)
        .open(data.join("postgresql.conf"))
        .map_err(|e| format!("open postgresql.conf: {e}"))?;
    f.write_all(conf.as_bytes())
        .map_err(|e| format!("write postgresql.conf: {e}"))?;
    fs::write(data.join("pg_hba.conf"), PG_HBA_CONF)
        .map_err(|e| format!("write pg_hba.conf: {e}"))?;

    let mut last_err = String::new();
    for _ in 0..5 {
        let port = free_port(ipv6);
        let out = server_command(bin_dir.join("pg_ctl"), run_as, base)
            .arg("-D")
            .arg(data)
            .arg("-l")
            .arg(log)
            .args(["-w", "-t", "60", "-o"])
            .arg(format!("-p {port}"))
            .arg("start")
            .output();
        match check(out, "pg_ctl start") {
            Ok(_) => {
                let pid = read_postmaster_pid(data)
                    .ok_or_else(|| "server started but postmaster.pid unreadable".to_string())?;
                return Ok((port, pid));
            }
            Err(e) => {
                let log_text = fs::read_to_string(log).unwrap_or_default();
                if !log_text.contains("could not bind") && !log_text.contains("in use") {
                    return Err(e);
                }
                last_err = e;
                if let Some(pid) = read_postmaster_pid(data) {
                    stop_postmaster(pid, data);
                }
            }
        }
    }
    Err(last_err)
}

static UNIQUE: AtomicU64 = AtomicU64::new(0);

fn unique_suffix() -> String {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{}-{}-{nanos:x}",
        std::process::id(),
        UNIQUE.fetch_add(1, Ordering::Relaxed)
    )
}

fn unique_dir(parent: &Path, prefix: &str) -> Result<PathBuf, String> {
    let dir = parent.join(format!("{prefix}-{}", unique_suffix()));
    fs::create_dir(&dir).map_err(|e| format!("mkdir {}: {e}", dir.display()))?;
    Ok(dir)
}

// ---------------------------------------------------------------------------
// The library under test and C programs

/// The repository root.
pub fn repo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `<repo>/include`, our public headers.
pub fn include_dir() -> PathBuf {
    repo_dir().join("include")
}

/// `<repo>/c-examples`.
pub fn c_examples_dir() -> PathBuf {
    repo_dir().join("c-examples")
}

/// `target/<profile>` of the running test executable
/// (`target/<profile>/deps/<test>-<hash>`), whatever `CARGO_TARGET_DIR` is.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let dir = exe
        .parent()
        .expect("test executable has a parent")
        .to_path_buf();
    if dir.file_name() == Some(OsStr::new("deps")) {
        dir.parent().unwrap().to_path_buf()
    } else {
        dir
    }
}

/// The shared library under test: `LIBPQRS_TEST_LIBPQ` if set (e.g. a real
/// libpq 18, to check the tests themselves), else [`built_library()`].
pub fn library_under_test() -> PathBuf {
    match std::env::var_os("LIBPQRS_TEST_LIBPQ") {
        Some(p) => PathBuf::from(p),
        None => built_library(),
    }
}

/// Our cdylib as cargo built it for this run: the newer of
/// `target/<profile>/deps/libpq.so` (what `cargo test` builds) and
/// `target/<profile>/libpq.so` (what `cargo build` leaves).
pub fn built_library() -> PathBuf {
    let prof = profile_dir();
    let candidates = [prof.join("deps").join("libpq.so"), prof.join("libpq.so")];
    candidates
        .iter()
        .filter_map(|p| Some((fs::metadata(p).ok()?.modified().ok()?, p)))
        .max_by_key(|(t, _)| *t)
        .map(|(_, p)| p.clone())
        .unwrap_or_else(|| {
            panic!(
                "no libpq.so in {} or its deps/ (the cdylib should be built by `cargo test`)",
                prof.display()
            )
        })
}

/// A directory containing `libpq.so.5` (and `libpq.so`, for `-lpq`), symlinks
/// to [`library_under_test()`]; use it as `LD_LIBRARY_PATH`.
pub fn lib_dir() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let under_test = library_under_test();
        // A foreign libpq.so.5 may need its neighbours (RUNPATH $ORIGIN, e.g.
        // the oracle's bundled libssl): use its own directory.
        if under_test.file_name() == Some(OsStr::new("libpq.so.5")) {
            return under_test
                .parent()
                .expect("library directory")
                .to_path_buf();
        }
        let lib = fs::canonicalize(under_test).expect("canonicalize library path");
        // A directory per library, so that concurrent test processes using
        // different libraries do not swap each other's symlinks.
        let mut h = DefaultHasher::new();
        lib.hash(&mut h);
        let dir = profile_dir().join(format!("libpqrs-test-lib-{:08x}", h.finish() as u32));
        fs::create_dir_all(&dir).expect("create lib dir");
        for name in ["libpq.so.5", "libpq.so"] {
            let link = dir.join(name);
            if fs::read_link(&link).ok().as_deref() == Some(lib.as_path()) {
                continue;
            }
            // Atomic replace: other test processes may use the same directory.
            let tmp = dir.join(format!(".{name}.{}", unique_suffix()));
            std::os::unix::fs::symlink(&lib, &tmp).expect("symlink");
            fs::rename(&tmp, &link).expect("rename symlink");
        }
        dir
    })
    .clone()
}

/// Which `libpq-fe.h` (and which `libpq.so` at link time) a C program uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Header {
    /// `-I <repo>/include`, linked against [`lib_dir()`] with an rpath to it.
    Ours,
    /// `-I /usr/include/postgresql`, linked against the system libpq.
    System,
}

/// The multiarch directory of the system libpq, e.g. /usr/lib/x86_64-linux-gnu.
pub fn system_lib_dir() -> PathBuf {
    PathBuf::from(format!("/usr/lib/{}-linux-gnu", std::env::consts::ARCH))
}

/// Compiles one C file into an executable (cached: rebuilt only when the
/// source, a header next to it or a header of ours is newer). Panics with the
/// compiler's output on failure. Flags: `-g -O0 -Wall -Wextra -Werror`.
pub fn compile_c(src: &Path, header: Header) -> PathBuf {
    compile_c_with(src, header, &[])
}

/// [`compile_c`] with extra compiler/linker arguments (e.g. `-lpthread`).
pub fn compile_c_with(src: &Path, header: Header, extra: &[&str]) -> PathBuf {
    let src = if src.is_relative() {
        repo_dir().join(src)
    } else {
        src.to_path_buf()
    };
    let stem = src.file_stem().expect("source file name").to_string_lossy();
    let mut h = DefaultHasher::new();
    let link_dir = match header {
        Header::Ours => Some(lib_dir()),
        Header::System => None,
    };
    (&src, extra, &link_dir).hash(&mut h);
    let kind = match header {
        Header::Ours => "ours",
        Header::System => "system",
    };
    let out_dir = profile_dir().join("libpqrs-c").join(kind);
    fs::create_dir_all(&out_dir).expect("create C output dir");
    let exe = out_dir.join(format!("{stem}-{:08x}", h.finish() as u32));

    // One compile per output at a time within this process.
    static LOCKS: OnceLock<Mutex<HashMap<PathBuf, Arc<Mutex<()>>>>> = OnceLock::new();
    let lock = LOCKS
        .get_or_init(Default::default)
        .lock()
        .unwrap()
        .entry(exe.clone())
        .or_default()
        .clone();
    let _guard = lock.lock().unwrap_or_else(|e| e.into_inner());

    let mut inputs = vec![src.clone()];
    let mut add_headers = |dir: &Path| {
        if let Ok(rd) = fs::read_dir(dir) {
            inputs.extend(
                rd.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension() == Some(OsStr::new("h"))),
            );
        }
    };
    add_headers(src.parent().unwrap());
    if header == Header::Ours {
        add_headers(&include_dir());
    }
    let newest_input = inputs
        .iter()
        .filter_map(|p| fs::metadata(p).ok()?.modified().ok())
        .max();
    let exe_time = fs::metadata(&exe).ok().and_then(|m| m.modified().ok());
    if let (Some(e), Some(i)) = (exe_time, newest_input) {
        if e >= i {
            return exe;
        }
    }

    let target = format!("{}-unknown-linux-gnu", std::env::consts::ARCH);
    let compiler = cc::Build::new()
        .cargo_metadata(false)
        .cargo_warnings(false)
        .cargo_output(false)
        .target(&target)
        .host(&target)
        .opt_level(0)
        .debug(true)
        // -Wall -Wextra -Werror (warnings(false) would add -w, hiding all).
        .warnings(true)
        .extra_warnings(true)
        .warnings_into_errors(true)
        .try_get_compiler()
        .unwrap_or_else(|e| panic!("no C compiler: {e}"));
    let mut cmd = compiler.to_command();
    let tmp = out_dir.join(format!(".{stem}.{}", unique_suffix()));
    cmd.arg("-I").arg(src.parent().unwrap());
    match header {
        Header::Ours => {
            let lib = link_dir.expect("lib dir");
            cmd.arg("-I").arg(include_dir());
            cmd.arg(&src).arg("-o").arg(&tmp);
            cmd.arg("-L").arg(&lib).arg("-lpq");
            cmd.arg(format!("-Wl,-rpath,{}", lib.display()));
        }
        Header::System => {
            cmd.arg("-I").arg(SYSTEM_INCLUDE_DIR);
            cmd.arg(&src).arg("-o").arg(&tmp);
            cmd.arg("-L").arg(system_lib_dir()).arg("-lpq");
        }
    }
    cmd.args(extra);
    scrub_env(&mut cmd);
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run the C compiler: {e}"));
    if !out.status.success() {
        let _ = fs::remove_file(&tmp);
        panic!(
            "compiling {} ({kind} header) failed:\n{}\n{}{}",
            src.display(),
            describe(&cmd),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    fs::rename(&tmp, &exe).expect("rename compiled executable");
    exe
}

/// Runs a program with `LD_LIBRARY_PATH=lib_dir` (when given), no inherited
/// PG*/LD_* variables, then `env`; stdin is /dev/null. Killed after
/// [`RUN_TIMEOUT`] (the test then panics).
pub fn run_with_lib(
    exe: &Path,
    lib_dir: Option<&Path>,
    args: &[&str],
    env: &[(&str, &str)],
) -> Output {
    let mut cmd = Command::new(exe);
    cmd.args(args);
    prepare_env(&mut cmd, lib_dir, env);
    output_with_timeout(cmd, RUN_TIMEOUT)
}

/// [`run_with_lib`] with `input` on stdin and, when given, `cwd` as the
/// working directory.
pub fn run_with_lib_input(
    exe: &Path,
    lib_dir: Option<&Path>,
    args: &[&str],
    env: &[(&str, &str)],
    input: &[u8],
    cwd: Option<&Path>,
) -> Output {
    let mut cmd = Command::new(exe);
    cmd.args(args);
    if let Some(d) = cwd {
        cmd.current_dir(d);
    }
    prepare_env(&mut cmd, lib_dir, env);
    output_with_input(cmd, input.to_vec(), RUN_TIMEOUT)
}

fn prepare_env(cmd: &mut Command, lib_dir: Option<&Path>, env: &[(&str, &str)]) {
    scrub_env(cmd);
    if let Some(d) = lib_dir {
        cmd.env("LD_LIBRARY_PATH", d);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
}

/// `program arg...` of a command (without the environment `{:?}` shows).
pub fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `cmd` with captured output, killing it after `timeout`.
pub fn output_with_timeout(cmd: Command, timeout: Duration) -> Output {
    output_with_input(cmd, Vec::new(), timeout)
}

/// [`output_with_timeout`] with `input` written to the program's stdin
/// (closed at its end; /dev/null when empty).
pub fn output_with_input(mut cmd: Command, input: Vec<u8>, timeout: Duration) -> Output {
    cmd.stdin(if input.is_empty() {
        Stdio::null()
    } else {
        Stdio::piped()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", describe(&cmd)));
    if let Some(mut stdin) = child.stdin.take() {
        std::thread::spawn(move || {
            // The program may exit without reading it all.
            let _ = stdin.write_all(&input);
        });
    }
    let pid = child.id() as libc::pid_t;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(timeout) {
        Ok(r) => r.unwrap_or_else(|e| panic!("waiting for {}: {e}", describe(&cmd))),
        Err(_) => {
            // SAFETY: the child has not been reaped yet (its waiter did not
            // answer), so the pid is still ours.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            let out = rx.recv().ok().and_then(|r| r.ok());
            let (so, se) = out.map(|o| (o.stdout, o.stderr)).unwrap_or_default();
            panic!(
                "{} timed out after {timeout:?}\nstdout:\n{}\nstderr:\n{}",
                describe(&cmd),
                String::from_utf8_lossy(&so),
                String::from_utf8_lossy(&se)
            );
        }
    }
}

/// Runs a program under valgrind with `LD_LIBRARY_PATH=lib_dir` and panics on
/// any memory error or definite/indirect leak. Returns the program's output
/// (valgrind's own messages would be on stderr, but `-q` keeps it quiet).
pub fn valgrind(exe: &Path, lib_dir: &Path, args: &[&str]) -> Output {
    valgrind_with(exe, Some(lib_dir), args, &[])
}

/// [`valgrind`] with an optional library directory (None = system libpq) and
/// extra environment variables.
pub fn valgrind_with(
    exe: &Path,
    lib_dir: Option<&Path>,
    args: &[&str],
    env: &[(&str, &str)],
) -> Output {
    let mut cmd = Command::new("valgrind");
    cmd.args([
        "-q",
        "--error-exitcode=99",
        "--leak-check=full",
        "--errors-for-leak-kinds=definite,indirect",
        "--show-leak-kinds=definite,indirect",
        "--num-callers=40",
    ]);
    let supp = repo_dir().join("tests/support/valgrind.supp");
    if supp.exists() {
        cmd.arg(format!("--suppressions={}", supp.display()));
    }
    cmd.arg(exe).args(args);
    prepare_env(&mut cmd, lib_dir, env);
    let out = output_with_timeout(cmd, VALGRIND_TIMEOUT);
    if out.status.code() == Some(99) {
        panic!(
            "valgrind found errors in {} {args:?}:\n{}",
            exe.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    out
}

/// stdout of a run as text, panicking with both streams if it did not exit 0.
pub fn success_stdout(out: &Output, what: &str) -> String {
    if !out.status.success() {
        panic!(
            "{what} failed ({}):\nstdout:\n{}\nstderr:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Held by tests that change the shared users' passwords (ALTER ROLE of
/// PASSWORD_USER and friends), so that two of them never race ("tuple
/// concurrently updated") and no login sees a half-done change.
pub fn shared_roles_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}
