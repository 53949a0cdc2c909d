//! The benchmark harness (benches/, README "Benchmarks") must not rot: its
//! C program is compiled as `benches/run.sh` compiles it (system header)
//! and every workload `benches/run.py` runs is run once, with a tiny N, on
//! our library against the test server. The program checks every result
//! (row counts, values, checksums of the values and COPY bytes) and exits 1
//! with "FAILED: ..." when a check fails. Nothing here is timed.

use std::path::Path;

use crate::support::{
    self, compile_c, lib_dir, run_with_lib, server, tls_server, Header, ServerCert, SCRAM_USER,
    TRUST_USER,
};

/// The schema holding the program's tables (bench_rows, bench_in), so that
/// they meet no other test's objects.
const SCHEMA: &str = "libpqrs_bench";
/// Rows in bench_rows: the largest N below.
const ROWS: u32 = 300;

/// The workload names of benches/run.py's WORKLOADS table.
fn driver_workloads() -> Vec<String> {
    let py = std::fs::read_to_string(support::repo_dir().join("benches/run.py"))
        .expect("benches/run.py is readable");
    let table = py
        .split("WORKLOADS = [")
        .nth(1)
        .and_then(|rest| rest.split("\n]").next())
        .expect("run.py has a WORKLOADS table");
    table
        .lines()
        .filter_map(|l| l.trim().strip_prefix("(\""))
        .map(|l| l.split('"').next().unwrap().to_string())
        .collect()
}

fn tiny_n(workload: &str) -> u32 {
    match workload {
        w if w.starts_with("fetch") || w.starts_with("copy") => ROWS,
        "pipeline" | "no_pipeline" => 2500, // more than one batch of 1000
        w if w.starts_with("connect") => 2,
        _ => 20,
    }
}

#[test]
fn bench_program_runs_every_workload_on_our_library() {
    let s = server();
    s.psql(&format!(
        "DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}; \
         CREATE TABLE {SCHEMA}.bench_rows AS \
           SELECT i::int4 AS i, 'abcdefghij' || lpad((i * 7919)::text, 10, '0') AS t, \
                  i * 1.25::float8 AS f, \
                  timestamp '2001-02-03 04:05:06' + i * interval '1 second' AS ts \
           FROM generate_series(1, {ROWS}) AS i; \
         CREATE TABLE {SCHEMA}.bench_in (i int4, t text, f float8, ts timestamp);"
    ));
    let exe = compile_c(Path::new("benches/bench.c"), Header::System);
    let conninfo = s.unix(TRUST_USER, &format!("options='-csearch_path={SCHEMA}'"));
    let scram = s.tcp(
        SCRAM_USER.0,
        &format!("password={} sslmode=disable", SCRAM_USER.1),
    );
    let tls = tls_server(ServerCert::Main).map(|t| {
        t.tcp(
            SCRAM_USER.0,
            &format!("password={} sslmode=require", SCRAM_USER.1),
        )
    });
    let ours = lib_dir();
    let workloads = driver_workloads();
    assert!(
        workloads.len() >= 14 && workloads.iter().any(|w| w == "fetch_exec"),
        "WORKLOADS of run.py not found: {workloads:?}"
    );
    for w in &workloads {
        if w == "connect_tls" && tls.is_none() {
            eprintln!("SKIPPED: connect_tls (no TLS server)");
            continue;
        }
        let n = tiny_n(w).to_string();
        let env = [
            ("BENCH_CONNINFO", conninfo.as_str()),
            ("BENCH_SCRAM_CONNINFO", scram.as_str()),
            ("BENCH_TLS_CONNINFO", tls.as_deref().unwrap_or("")),
        ];
        let out = run_with_lib(&exe, Some(&ours), &[w, &n], &env);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{w}: {}\n{stdout}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let line = stdout
            .lines()
            .find(|l| l.starts_with("BENCH "))
            .unwrap_or_else(|| panic!("{w}: no BENCH line (our library skips nothing):\n{stdout}"));
        assert!(
            line.contains(&format!("workload={w} n={n} ")),
            "{w}: {line}"
        );
        // The library loaded is ours, not the system libpq.
        let lib = line
            .split(' ')
            .find_map(|kv| kv.strip_prefix("lib="))
            .expect("lib=");
        let loaded = std::fs::canonicalize(lib).expect("loaded library path");
        let expected = std::fs::canonicalize(ours.join("libpq.so.5")).unwrap();
        assert_eq!(loaded, expected, "{w}: {line}");
        if w == "connect_tls" {
            assert!(line.contains(" ssl=rustls "), "{w}: {line}");
        }
    }
}

#[test]
fn bench_program_refuses_a_wrong_result() {
    // The checks can fail: a table whose i column is off by one gives the
    // right row count but the wrong sum.
    let s = server();
    s.psql(
        "DROP SCHEMA IF EXISTS libpqrs_bench_bad CASCADE; CREATE SCHEMA libpqrs_bench_bad; \
         CREATE TABLE libpqrs_bench_bad.bench_rows AS \
           SELECT (i + 1)::int4 AS i, 'abcdefghij0123456789' AS t, 1.5::float8 AS f, \
                  timestamp '2001-02-03' AS ts FROM generate_series(1, 5) AS i;",
    );
    let exe = compile_c(Path::new("benches/bench.c"), Header::System);
    let conninfo = s.unix(TRUST_USER, "options='-csearch_path=libpqrs_bench_bad'");
    let out = run_with_lib(
        &exe,
        Some(&lib_dir()),
        &["fetch_exec", "5"],
        &[("BENCH_CONNINFO", conninfo.as_str())],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with("FAILED: fetch_exec: sum(i) 20, expected 15"),
        "{stdout}"
    );
}
