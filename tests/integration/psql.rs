//! The system's unmodified psql runs on our library: the same scripts give
//! the same output as on the system libpq (Debian's libpq5). Two sessions:
//! `tests/psql/session.sql` with `-f` (the \d family, COPY and \copy both
//! ways, variables and \gset, errors under every VERBOSITY and SHOW_CONTEXT,
//! large objects with \lo_import / \lo_export, \password, ON_ERROR_STOP)
//! and `tests/psql/stdin.sql` on stdin (\pset formats, \watch, \encoding,
//! \connect to another database and user, a failed \connect). psql 15 has no
//! `\bind` and no `\watch` count (both 16): \watch runs until its query
//! fails.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::{self, server, TRUST_USER};

/// Database and role of the \connect and \password steps.
const DB: &str = "libpqrs_psql_db";
const ROLE: &str = "libpqrs_psql_role";
/// What \password is told (twice, on stdin).
const NEW_PASSWORD: &str = "psql-new-pw";

fn psql() -> PathBuf {
    server().bin_dir.join("psql")
}

/// Creates the database and role the scripts use, once.
fn setup() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let s = server();
        {
            let _roles = support::shared_roles_lock();
            s.psql(&format!("DROP ROLE IF EXISTS {ROLE}"));
            s.psql(&format!("CREATE ROLE {ROLE} LOGIN"));
        }
        s.psql(&format!("DROP DATABASE IF EXISTS {DB}"));
        s.psql(&format!("CREATE DATABASE {DB}"));
    });
}

/// A scratch directory for one run, empty.
fn scratch(name: &str) -> PathBuf {
    let dir = support::profile_dir().join("libpqrs-psql").join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create psql scratch dir");
    dir
}

/// stdout, then stderr after a marker, then the exit status.
fn transcript(out: &Output) -> String {
    format!(
        "{}--- stderr ---\n{}--- {} ---\n",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        out.status
    )
}

/// The lines that vary from run to run: large-object OIDs, \watch's clock.
fn mask(text: &str) -> String {
    text.lines()
        .map(|l| {
            for prefix in ["lo_import ", "lo_unlink "] {
                if l.starts_with(prefix) {
                    return format!("{prefix}<oid>");
                }
            }
            if let Some(at) = l.find(" (every ") {
                return format!("<time>{}", &l[at..]);
            }
            l.to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs session.sql with -f on `lib` (None: the system libpq). psql gets no
/// terminal (`setsid -w`), so \password reads its answers from stdin.
/// Returns the masked transcript and the scratch directory.
fn run_file_session(lib: Option<&Path>, name: &str) -> (String, PathBuf) {
    let s = server();
    s.psql("SET client_min_messages = warning; DROP SCHEMA IF EXISTS psql_s CASCADE");
    let dir = scratch(name);
    let script = support::repo_dir().join("tests/psql/session.sql");
    let psql = psql();
    let info = s.unix(TRUST_USER, "");
    let lo_src = format!("lo_src={}", script.display());
    let out = support::run_with_lib_input(
        Path::new("/usr/bin/setsid"),
        lib,
        &[
            "-w",
            &psql.to_string_lossy(),
            "-X",
            "-d",
            &info,
            "-v",
            &lo_src,
            "-f",
            &script.to_string_lossy(),
        ],
        &[("PGTZ", "UTC")],
        format!("{NEW_PASSWORD}\n{NEW_PASSWORD}\n").as_bytes(),
        Some(&dir),
    );
    let text = mask(&transcript(&out));
    fs::write(dir.join("transcript.txt"), &text).expect("write transcript");
    (text, dir)
}

/// Runs stdin.sql on psql's stdin.
fn run_stdin_session(lib: Option<&Path>, name: &str) -> String {
    let s = server();
    s.psql("SET client_min_messages = warning; DROP SCHEMA IF EXISTS psql_in CASCADE");
    let script = fs::read(support::repo_dir().join("tests/psql/stdin.sql")).expect("stdin.sql");
    let out = support::run_with_lib_input(
        &psql(),
        lib,
        &["-X", "-d", &s.unix(TRUST_USER, "")],
        &[("PGTZ", "UTC")],
        &script,
        None,
    );
    let text = mask(&transcript(&out));
    fs::write(scratch(name).join("transcript.txt"), &text).expect("write transcript");
    text
}

/// The stored SCRAM secret of ROLE matches NEW_PASSWORD: \password
/// encrypted what it was told (PQencryptPasswordConn) and set it.
fn assert_role_password_is_new_password() {
    let stored = server().psql(&format!(
        "SELECT rolpassword FROM pg_authid WHERE rolname = '{ROLE}'"
    ));
    let stored = stored.trim();
    // SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
    let rest = stored
        .strip_prefix("SCRAM-SHA-256$")
        .unwrap_or_else(|| panic!("not a SCRAM secret: {stored:?}"));
    let (iterations, rest) = rest.split_once(':').expect("iterations");
    let salt_b64 = rest.split_once('$').expect("salt").0;
    let salt = pq::auth::base64::decode(salt_b64.as_bytes()).expect("salt is base64");
    let expected = pq::auth::scram::build_secret_with_salt(
        NEW_PASSWORD.as_bytes(),
        iterations.parse().expect("iterations"),
        &salt,
    );
    assert_eq!(stored, expected, "\\password stored another password");
}

fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// psql resolves libpq.so.5 to the library in `LD_LIBRARY_PATH` (the
/// dynamic loader's own report, `LD_TRACE_LOADED_OBJECTS`).
pub fn assert_loads_our_library(exe: &Path) {
    let out = support::run_with_lib(
        exe,
        Some(&support::lib_dir()),
        &[],
        &[("LD_TRACE_LOADED_OBJECTS", "1")],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let want = format!(
        "libpq.so.5 => {} ",
        support::lib_dir().join("libpq.so.5").display()
    );
    assert!(
        text.lines().any(|l| l.trim_start().starts_with(&want)),
        "{} does not load our libpq.so.5:\n{text}",
        exe.display()
    );
}

#[test]
fn psql_file_session_matches_system_libpq() {
    let _serial = serial();
    setup();
    // \password changes a role: not while pg_dumpall -g reads them.
    let _roles = support::shared_roles_lock();
    assert_loads_our_library(&psql());
    let (want, want_dir) = run_file_session(None, "file-system");
    assert_role_password_is_new_password();
    server().psql(&format!("ALTER ROLE {ROLE} PASSWORD NULL"));
    let (got, got_dir) = run_file_session(Some(&support::lib_dir()), "file-ours");
    assert_role_password_is_new_password();

    for expected in [
        "NOTICE:  hello 42",
        "division by zero",
        "LINE 1: selec 1;",
        "duplicate key value violates unique constraint",
        "LOCATION:  ",
        "CONTEXT:  SQL expression \"1 / 0\"\nPL/pgSQL function psql_s.fail() line 1 at RETURN",
        "Table \"psql_s.t\"",
        " psql_s | t_name | index | libpqrs_trust | t\n",
        "CREATE OR REPLACE VIEW psql_s.v AS",
        "3\tcherry\t1.25",
        "4\tdate\t\\N",
        "\"5\",\"elder, berry\",",
        "lo_import <oid>",
        "lo_export",
        "lo_unlink <oid>",
        "You are connected to database",
        "hello world TRUE FALSE",
        "before the error",
        "--- exit status: 3 ---",
        "Enter new password for user \"libpqrs_psql_role\":",
    ] {
        assert!(
            want.contains(expected),
            "reference run lacks {expected:?}:\n{want}"
        );
    }
    assert!(!want.contains("not reached"), "{want}");
    assert_eq!(got, want);

    // The files psql wrote on our library: \copy ... to, \lo_export.
    let script = fs::read(support::repo_dir().join("tests/psql/session.sql")).unwrap();
    assert_eq!(fs::read(got_dir.join("lo_out.sql")).unwrap(), script);
    for file in ["copy_out.tsv", "copy_out.csv"] {
        assert_eq!(
            fs::read(got_dir.join(file)).unwrap(),
            fs::read(want_dir.join(file)).unwrap(),
            "{file}"
        );
    }
    assert_eq!(
        fs::read_to_string(got_dir.join("copy_out.tsv")).unwrap(),
        "1\tapple\t0.50\n2\tbanana\t\\N\n3\tcherry\t1.25\n4\tdate\t\\N\n"
    );
}

#[test]
fn psql_stdin_session_matches_system_libpq() {
    let _serial = serial();
    setup();
    let want = run_stdin_session(None, "stdin-system");
    let got = run_stdin_session(Some(&support::lib_dir()), "stdin-ours");
    for expected in [
        "Output format is troff-ms.",
        "<table border=\"1\">",
        "a\ttab",
        "\\begin{tabular}",
        "id,name,note",
        "<time> (every 0.01s)",
        "after watch",
        "LATIN1",
        "caf",
        "NOT_AN_ENCODING: invalid encoding name or conversion procedure not found",
        &format!("You are now connected to database \"{DB}\" as user \"{ROLE}\"."),
        &format!(" {DB}  | {ROLE}"),
        "database \"nonexistent_psql_db\" does not exist",
        "--- exit status: 2 ---",
    ] {
        assert!(
            want.contains(expected),
            "reference run lacks {expected:?}:\n{want}"
        );
    }
    assert!(!want.contains("not reached"), "{want}");
    assert_eq!(got, want);
}
