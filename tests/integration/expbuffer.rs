//! The PQExpBuffer functions (pqexpbuffer.h), which psql, pgbench, pg_dump
//! and initdb import: `tests/abi/expbuffer.c`, compiled against the system
//! pqexpbuffer.h, must print the same with the system libpq and with ours,
//! and run clean under valgrind (callers free() and realloc() the data).

use std::path::PathBuf;

use crate::support::{
    self, compile_c_with, lib_dir, run_with_lib, success_stdout, valgrind, Header,
};

/// The test program, compiled against the system headers (libpq-dev ships
/// pqexpbuffer.h under internal/) and linked against the system libpq.
fn program() -> PathBuf {
    let internal = format!("-I{}/internal", support::SYSTEM_INCLUDE_DIR);
    compile_c_with(
        &support::repo_dir().join("tests/abi/expbuffer.c"),
        Header::System,
        &[&internal],
    )
}

/// Lines that must match the system libpq (15): all but appendPQExpBufferVA's
/// (new in 18) and the ones about snprintf implementation differences.
fn comparable(out: &str) -> Vec<&str> {
    out.lines()
        .filter(|l| !l.starts_with("va:") && !l.starts_with("impl:"))
        .collect()
}

/// What appendPQExpBufferVA must do (libpq 18's answers): one call when the
/// text fits, two after an enlargement, and true at once on a broken buffer.
const VA_LINES: [&str; 4] = [
    "va: calls=1 len=13 maxlen=256 data=42-short-2.50",
    "va: calls=2 len=1517 maxlen=2048 same=1",
    "va: calls=2 len=2039 maxlen=4096",
    "va: broken calls=1 len=0 maxlen=0 data=\"\"",
];

fn check_ours(out: &str) {
    let va: Vec<&str> = out.lines().filter(|l| l.starts_with("va:")).collect();
    assert_eq!(va, VA_LINES, "appendPQExpBufferVA:\n{out}");
    if std::env::var_os("LIBPQRS_TEST_LIBPQ").is_none() {
        // Ours formats with the C library's vsnprintf, which rejects an
        // unconvertible %ls; libpq's own snprintf prints it as bytes.
        assert!(
            out.contains("impl: format error: len=0 maxlen=0 broken=1 strlen=0 data=\"\"\n"),
            "a vsnprintf error must leave the buffer broken:\n{out}"
        );
    }
    assert!(out.ends_with("done\n"), "{out}");
}

#[test]
fn expbuffer_matches_system_libpq() {
    let exe = program();
    let system = success_stdout(&run_with_lib(&exe, None, &[], &[]), "expbuffer (system)");
    let ours = success_stdout(
        &run_with_lib(&exe, Some(&lib_dir()), &[], &[]),
        "expbuffer (ours)",
    );
    assert!(system.contains("va: absent\n") || system.contains("va: calls="));
    let (s, o) = (comparable(&system), comparable(&ours));
    for (i, (a, b)) in s.iter().zip(&o).enumerate() {
        assert_eq!(
            a,
            b,
            "line {} differs\nsystem:\n{system}\nours:\n{ours}",
            i + 1
        );
    }
    assert_eq!(s.len(), o.len(), "system:\n{system}\nours:\n{ours}");
    check_ours(&ours);
}

#[test]
fn expbuffer_under_valgrind() {
    let exe = program();
    let out = valgrind(&exe, &lib_dir(), &[]);
    let stdout = success_stdout(&out, "expbuffer under valgrind (ours)");
    check_ours(&stdout);
}
