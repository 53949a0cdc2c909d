//! Real Python clients run unchanged on our libpq.so.5: psycopg2 (Debian's
//! python3-psycopg2, a C extension linked to libpq.so.5) and psycopg 3 in
//! pure-Python mode (`PSYCOPG_IMPL=python`, libpq loaded with ctypes).
//!
//! The suites are tests/python/*_suite.py (see tests/python/README.md); each
//! prints `ok <check>` per check and a summary, and proves which libpq.so.5
//! is mapped into the process. They run on our library and, as controls (a
//! failure there is a script bug, not ours), on the system libpq 15 and on
//! libpq 18 (psycopg 3's features depend on `PQlibVersion()`; psycopg2's
//! connection error texts must be libpq 18's). Both suites also run on ours
//! against a TLS server with `PGSSLMODE=require`, so that every TCP
//! connection goes through our TLS layer, and against the PostgreSQL 18
//! server with protocol 3.2 (long cancel keys).
//!
//! psycopg2 needs `/usr/bin/python3` with python3-psycopg2; psycopg 3 a
//! virtualenv made by scripts/python-venv.sh (`LIBPQRS_PY_VENV` overrides
//! its location). Without them the tests are skipped with a message, except
//! in CI (`CI=true`), where that is a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use crate::support::{
    self, oracle, server, ServerCert, CERT_USER, PASSWORD_USER, SCRAM_USER, TRUST_USER,
};

const SYSTEM_PYTHON: &str = "/usr/bin/python3";
const TIMEOUT: Duration = Duration::from_secs(240);

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// Skips (None, with a message) or, in CI, fails.
fn missing<T>(what: &str) -> Option<T> {
    if in_ci() {
        panic!("CI=true and {what}");
    }
    eprintln!("SKIPPED: {what}");
    None
}

fn script(name: &str) -> PathBuf {
    support::repo_dir().join("tests/python").join(name)
}

/// The connection facts the suites read (see tests/python/harness.py).
fn suite_env() -> Vec<(String, String)> {
    let s = server();
    let mut env = vec![
        ("LIBPQRS_PY_HOST", s.host.clone()),
        ("LIBPQRS_PY_PORT", s.port.to_string()),
        (
            "LIBPQRS_PY_SOCKDIR",
            s.socket_dir.to_string_lossy().into_owned(),
        ),
        ("LIBPQRS_PY_TRUST_USER", TRUST_USER.into()),
        ("LIBPQRS_PY_SCRAM_USER", SCRAM_USER.0.into()),
        ("LIBPQRS_PY_SCRAM_PASSWORD", SCRAM_USER.1.into()),
        ("LIBPQRS_PY_PASSWORD_USER", PASSWORD_USER.0.into()),
        ("LIBPQRS_PY_PASSWORD_PASSWORD", PASSWORD_USER.1.into()),
        ("LIBPQRS_PY_CERT_USER", CERT_USER.into()),
    ];
    if main_server_has_tls() {
        // (LIBPQRS_TEST_MAIN_TLS=1) TCP connections use TLS by default.
        env.push(("LIBPQRS_PY_ALL_TLS", "1".into()));
    }
    if let (Some(files), Some(tls)) = (support::tls_files(), support::tls_server(ServerCert::Main))
    {
        let p = |p: &Path| p.to_string_lossy().into_owned();
        env.extend([
            ("LIBPQRS_PY_TLS_PORT", tls.port.to_string()),
            ("LIBPQRS_PY_ROOT_CA", p(&files.root_ca)),
            ("LIBPQRS_PY_CLIENT_CERT", p(&files.client_cert)),
            ("LIBPQRS_PY_CLIENT_KEY", p(&files.client_key)),
            ("LIBPQRS_PY_CRL_EMPTY", p(&files.crl_empty)),
            ("LIBPQRS_PY_CRL_REVOKED", p(&files.crl_server_revoked)),
            // No ~/.postgresql of the user running the tests.
            ("HOME", p(&files.home_empty)),
        ]);
    }
    env.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// The main test server has `ssl = on`: the checks that need a server
/// without TLS (`error-messages`) are left out.
fn main_server_has_tls() -> bool {
    server().tls.is_some()
}

/// Which libpq.so.5 a run uses.
enum Lib {
    /// Ours ([`support::lib_dir`]).
    Ours,
    /// The system's (no LD_LIBRARY_PATH).
    System,
    /// libpq 18 (the oracle), when fetched.
    Oracle(PathBuf),
}

impl Lib {
    fn dir(&self) -> Option<PathBuf> {
        match self {
            Lib::Ours => Some(support::lib_dir()),
            Lib::System => None,
            Lib::Oracle(d) => Some(d.clone()),
        }
    }

    /// The file that must be mapped.
    fn file(&self) -> PathBuf {
        match self {
            Lib::Ours => support::lib_dir().join("libpq.so.5"),
            Lib::System => support::system_lib_dir().join("libpq.so.5"),
            Lib::Oracle(d) => d.join("libpq.so.5"),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Lib::Ours => "ours",
            Lib::System => "system libpq",
            Lib::Oracle(_) => "libpq 18",
        }
    }
}

/// Runs a suite with `python` on `lib`; returns (stdout, output).
fn run_suite(python: &Path, suite: &str, lib: &Lib, extra: &[(&str, &str)]) -> (String, Output) {
    let mut cmd = Command::new(python);
    cmd.arg(script(suite));
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy();
        if k.starts_with("PG")
            || k.starts_with("PYTHON")
            || k.starts_with("PSYCOPG")
            || k == "LD_LIBRARY_PATH"
            || k == "LD_PRELOAD"
        {
            cmd.env_remove(&*k);
        }
    }
    if let Some(d) = lib.dir() {
        cmd.env("LD_LIBRARY_PATH", d);
    }
    cmd.env("LIBPQRS_PY_EXPECT_LIBPQ", lib.file());
    cmd.env("PYTHONDONTWRITEBYTECODE", "1");
    cmd.env("PYTHONUNBUFFERED", "1");
    for (k, v) in suite_env() {
        cmd.env(k, v);
    }
    for (k, v) in extra {
        cmd.env(k, v);
    }
    let out = support::output_with_timeout(cmd, TIMEOUT);
    (String::from_utf8_lossy(&out.stdout).into_owned(), out)
}

/// Asserts the run passed every check (and each of `must_pass`).
fn assert_passed(suite: &str, lib: &Lib, stdout: &str, out: &Output, must_pass: &[&str]) {
    let context = || {
        format!(
            "{suite} on {}: status {}\nstdout:\n{stdout}\nstderr:\n{}",
            lib.name(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
    };
    let summary = stdout
        .lines()
        .rfind(|l| l.starts_with("summary: "))
        .unwrap_or_else(|| panic!("no summary line\n{}", context()));
    assert!(
        summary.ends_with(" passed, 0 failed") && out.status.success(),
        "{}",
        context()
    );
    for name in must_pass {
        if *name == "error-messages" && main_server_has_tls() {
            continue;
        }
        let ok = stdout
            .lines()
            .any(|l| l == format!("ok {name}") || l.starts_with(&format!("ok {name} [")));
        assert!(ok, "check {name:?} did not pass\n{}", context());
    }
}

/// Names of the checks that passed (in order).
fn passed(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("ok "))
        .map(|l| l.split(" [").next().unwrap_or(l).to_string())
        .collect()
}

// ------------------------------------------------------------------ psycopg2

fn psycopg2_available() -> bool {
    let ok = Command::new(SYSTEM_PYTHON)
        .args(["-c", "import psycopg2"])
        .env_remove("LD_LIBRARY_PATH")
        .output()
        .is_ok_and(|o| o.status.success());
    ok || missing::<()>(
        "psycopg2 is not installed for /usr/bin/python3 (apt-get install python3-psycopg2)",
    )
    .is_some()
}

const PSYCOPG2_CHECKS: &[&str] = &[
    "loaded-library",
    "connect-kwargs-unix",
    "connect-scram-password",
    "connect-cleartext-password",
    "connect-wrong-password",
    "connect-no-password",
    "connect-host-port-lists",
    "connect-hostaddr",
    "connect-timeout-and-error",
    "connect-client-encoding",
    "connect-application-names",
    "connect-keepalives",
    "connect-options",
    "connect-target-session-attrs",
    "connect-bad-option",
    "parse-and-make-dsn",
    "connect-service-file-and-pgpass",
    "connect-environment",
    "connect-uri",
    "error-messages",
    "tls-sslmodes",
    "tls-verify-full-rootcert",
    "tls-client-cert",
    "tls-crl",
    "query-parameters",
    "escaping-encodings-and-sco-off",
    "query-identifiers",
    "query-errors",
    "copy-expert-both-ways",
    "notifies",
    "notices-last-50",
    "named-cursors",
    "large-objects",
    "async-connection",
    "async-wait-callback",
    "cancel",
    "threads",
    "connection-status",
    "reset",
    "isolation-and-autocommit",
    "two-phase-commit",
    "logical-replication",
    "physical-replication-connection",
];

#[test]
fn psycopg2_runs_on_our_library() {
    if !psycopg2_available() {
        return;
    }
    let (stdout, out) = run_suite(
        Path::new(SYSTEM_PYTHON),
        "psycopg2_suite.py",
        &Lib::Ours,
        &[],
    );
    assert_passed("psycopg2", &Lib::Ours, &stdout, &out, PSYCOPG2_CHECKS);
    // psycopg2 reports the PQlibVersion() of the loaded library.
    assert!(
        stdout.contains(" libpq_version=18"),
        "psycopg2 does not see libpq version 18:\n{stdout}"
    );
}

#[test]
fn psycopg2_control_on_system_libpq() {
    if !psycopg2_available() {
        return;
    }
    let (stdout, out) = run_suite(
        Path::new(SYSTEM_PYTHON),
        "psycopg2_suite.py",
        &Lib::System,
        &[],
    );
    assert_passed("psycopg2", &Lib::System, &stdout, &out, PSYCOPG2_CHECKS);
}

/// libpq 18 as a control; the connection error messages psycopg2 shows
/// (`msg:` lines) must be the same on ours.
#[test]
fn psycopg2_control_on_libpq18_same_error_messages() {
    if !psycopg2_available() {
        return;
    }
    let Some(dir) = oracle::libpq18_dir() else {
        return;
    };
    let lib = Lib::Oracle(dir);
    let (theirs, out) = run_suite(Path::new(SYSTEM_PYTHON), "psycopg2_suite.py", &lib, &[]);
    assert_passed("psycopg2", &lib, &theirs, &out, PSYCOPG2_CHECKS);
    let (ours, out) = run_suite(
        Path::new(SYSTEM_PYTHON),
        "psycopg2_suite.py",
        &Lib::Ours,
        &[],
    );
    assert_passed("psycopg2", &Lib::Ours, &ours, &out, PSYCOPG2_CHECKS);
    let messages = |s: &str| {
        s.lines()
            .filter(|l| l.starts_with("msg: "))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    if !main_server_has_tls() {
        assert!(messages(&theirs).len() >= 13, "too few messages:\n{theirs}");
    }
    assert_eq!(messages(&ours), messages(&theirs));
}

// ---------------------------------------------------------------- psycopg 3

/// The virtualenv's python (scripts/python-venv.sh --path), or
/// `LIBPQRS_PY_VENV`/bin/python.
fn psycopg3_python() -> Option<PathBuf> {
    if let Some(v) = std::env::var_os("LIBPQRS_PY_VENV").filter(|v| !v.is_empty()) {
        let py = PathBuf::from(v).join("bin/python");
        assert!(py.exists(), "LIBPQRS_PY_VENV: no {}", py.display());
        return Some(py);
    }
    let out = Command::new(support::repo_dir().join("scripts/python-venv.sh"))
        .arg("--path")
        .output()
        .expect("run scripts/python-venv.sh --path");
    if !out.status.success() {
        return missing("the psycopg 3 virtualenv is not there (run scripts/python-venv.sh)");
    }
    Some(PathBuf::from(
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
    ))
}

const PSYCOPG3_CHECKS: &[&str] = &[
    "loaded-library",
    "capabilities",
    "connect-and-info",
    "connect-tcp-password-hostaddr",
    "connect-host-list-and-options",
    "conninfo-parse",
    "tls",
    "parameters-text-and-binary",
    "errors-and-diagnostics",
    "prepared-statements",
    "executemany-and-pipelines",
    "pipeline-volume-and-nesting",
    "copy-text-and-binary",
    "listen-notify",
    "cancel",
    "transactions-and-savepoints",
    "stream-and-server-cursors",
    "pgconn-misc",
    "reset",
    "pool",
    "pq-connect-poll-and-reset",
    "pq-status-and-finished-conn",
    "pq-notifies-notices-trace",
    "pq-pipeline",
    "pq-exec-and-results",
    "pq-nonblocking-send",
    "pq-copy",
    "async",
];

fn run_psycopg3(lib: &Lib) -> Option<String> {
    let py = psycopg3_python()?;
    let (stdout, out) = run_suite(&py, "psycopg3_suite.py", lib, &[("PSYCOPG_IMPL", "python")]);
    assert_passed("psycopg 3", lib, &stdout, &out, PSYCOPG3_CHECKS);
    Some(stdout)
}

#[test]
fn psycopg3_runs_on_our_library() {
    let Some(stdout) = run_psycopg3(&Lib::Ours) else {
        return;
    };
    // Our PQlibVersion() (18) switches on every feature psycopg gates on the
    // libpq version, so the suite exercised them all (the PG17 cancel API,
    // PQsendClosePrepared, chunked rows, PQfullProtocolVersion).
    assert!(
        stdout.contains(" impl=python version=18"),
        "psycopg 3 not in python mode on libpq 18:\n{stdout}"
    );
    assert!(
        stdout.lines().any(|l| l
            == "ok capabilities [encrypt_password hostaddr pipeline set_trace_flags \
                used_gssapi cancel_safe stream_chunked send_close_prepared full_protocol_version]"),
        "not every libpq-version feature is on:\n{stdout}"
    );
}

#[test]
fn psycopg3_control_on_system_libpq() {
    run_psycopg3(&Lib::System);
}

#[test]
fn psycopg3_control_on_libpq18_passes_the_same_checks() {
    let Some(dir) = oracle::libpq18_dir() else {
        return;
    };
    let Some(theirs) = run_psycopg3(&Lib::Oracle(dir)) else {
        return;
    };
    let ours = run_psycopg3(&Lib::Ours).expect("venv present");
    assert_eq!(passed(&ours), passed(&theirs));
}

// ------------------------------------------------------------ all over TLS

/// Both suites with the TLS server as the main one and `PGSSLMODE=require`:
/// every TCP connection (cancel connections, replication, COPY, large
/// objects, pipelines, async...) goes through our TLS layer.
fn run_over_tls(python: &Path, suite: &str, extra: &[(&str, &str)]) -> Option<(String, Output)> {
    let tls = support::tls_server(ServerCert::Main)?;
    let port = tls.port.to_string();
    let sockdir = tls.socket_dir.to_string_lossy().into_owned();
    let mut env = vec![
        ("LIBPQRS_PY_PORT", port.as_str()),
        ("LIBPQRS_PY_SOCKDIR", sockdir.as_str()),
        ("LIBPQRS_PY_ALL_TLS", "1"),
        ("PGSSLMODE", "require"),
    ];
    env.extend_from_slice(extra);
    Some(run_suite(python, suite, &Lib::Ours, &env))
}

fn over_tls_checks(checks: &[&'static str]) -> Vec<&'static str> {
    let mut v: Vec<_> = checks
        .iter()
        .copied()
        .filter(|c| *c != "error-messages")
        .collect();
    v.push("all-tls");
    v
}

#[test]
fn psycopg2_runs_on_our_library_over_tls() {
    if !psycopg2_available() {
        return;
    }
    let Some((stdout, out)) = run_over_tls(Path::new(SYSTEM_PYTHON), "psycopg2_suite.py", &[])
    else {
        return;
    };
    let checks = over_tls_checks(PSYCOPG2_CHECKS);
    assert_passed("psycopg2 over TLS", &Lib::Ours, &stdout, &out, &checks);
}

#[test]
fn psycopg3_runs_on_our_library_over_tls() {
    let Some(py) = psycopg3_python() else {
        return;
    };
    let Some((stdout, out)) = run_over_tls(&py, "psycopg3_suite.py", &[("PSYCOPG_IMPL", "python")])
    else {
        return;
    };
    let checks = over_tls_checks(PSYCOPG3_CHECKS);
    assert_passed("psycopg 3 over TLS", &Lib::Ours, &stdout, &out, &checks);
}

// ------------------------------------------------ PostgreSQL 18, protocol 3.2

/// Both suites on ours against the PostgreSQL 18 server with
/// `PGMAXPROTOCOLVERSION=3.2`: protocol 3.2 and its long cancel keys (the
/// old and the new cancel APIs, replication, pipelines...).
fn run_against_pg18(
    python: &Path,
    suite: &str,
    extra: &[(&str, &str)],
) -> Option<(String, Output)> {
    let pg18 = support::pg18::server()?;
    let port = pg18.port.to_string();
    let sockdir = pg18.socket_dir.to_string_lossy().into_owned();
    let mut env = vec![
        ("LIBPQRS_PY_PORT", port.as_str()),
        ("LIBPQRS_PY_SOCKDIR", sockdir.as_str()),
        ("LIBPQRS_PY_PROTOCOL", "30002"),
        ("PGMAXPROTOCOLVERSION", "3.2"),
    ];
    env.extend_from_slice(extra);
    Some(run_suite(python, suite, &Lib::Ours, &env))
}

#[test]
fn psycopg2_runs_on_our_library_against_pg18_protocol_3_2() {
    if !psycopg2_available() {
        return;
    }
    let Some((stdout, out)) = run_against_pg18(Path::new(SYSTEM_PYTHON), "psycopg2_suite.py", &[])
    else {
        return;
    };
    assert_passed(
        "psycopg2 on PostgreSQL 18",
        &Lib::Ours,
        &stdout,
        &out,
        PSYCOPG2_CHECKS,
    );
}

#[test]
fn psycopg3_runs_on_our_library_against_pg18_protocol_3_2() {
    let Some(py) = psycopg3_python() else {
        return;
    };
    let Some((stdout, out)) =
        run_against_pg18(&py, "psycopg3_suite.py", &[("PSYCOPG_IMPL", "python")])
    else {
        return;
    };
    assert_passed(
        "psycopg 3 on PostgreSQL 18",
        &Lib::Ours,
        &stdout,
        &out,
        PSYCOPG3_CHECKS,
    );
}
