//! The system's unmodified psql runs on our library: the same session script
//! gives the same output as on the system libpq.

use std::path::Path;

use crate::support::{self, server, TRUST_USER};

fn run_session(lib: Option<&Path>) -> String {
    let s = server();
    let psql = s.bin_dir.join("psql");
    let info = s.unix(TRUST_USER, "");
    let script = support::repo_dir().join("tests/psql/session.sql");
    let out = support::run_with_lib(
        &psql,
        lib,
        &["-X", "-d", &info, "-f", &script.to_string_lossy()],
        &[("PGTZ", "UTC")],
    );
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str("--- stderr ---\n");
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    // Large-object OIDs and the temporary schema's number (the backend's
    // slot) differ from run to run; nothing else does.
    text.lines()
        .map(|l| match l.strip_prefix("lo_import ") {
            Some(_) => "lo_import <oid>".to_string(),
            None => mask_temp_schema(l),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn psql_session_matches_system_libpq() {
    let want = run_session(None);
    let got = run_session(Some(&support::lib_dir()));
    for expected in [
        "NOTICE:  hello 42",
        "division by zero",
        "LINE 1: selec 1;",
        "duplicate key value violates unique constraint",
        "LOCATION:",
        "Table \"pg_temp",
        "3\tcherry\t1.25",
        "lo_import <oid>",
        "You are connected to database",
    ] {
        assert!(
            want.contains(expected),
            "reference run lacks {expected:?}:\n{want}"
        );
    }
    assert_eq!(got, want);
}

/// `pg_temp_12` → `pg_temp_N`.
fn mask_temp_schema(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find("pg_temp_") {
        out.push_str(&rest[..at + 8]);
        rest = rest[at + 8..].trim_start_matches(|c: char| c.is_ascii_digit());
        out.push('N');
    }
    out.push_str(rest);
    out
}
