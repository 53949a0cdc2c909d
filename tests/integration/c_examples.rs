//! The C programs of `c-examples/` that README.md lists, run four ways:
//!
//! * compiled against the system header and run on the system libpq: checks
//!   the example and the expectations themselves (the reference run);
//! * compiled against our `include/` and run on our library;
//! * compiled against the system header and run with `LD_LIBRARY_PATH` on our
//!   library (the drop-in check; `ldd` and `PQlibVersion()` prove which
//!   library was loaded), with output identical to the reference run apart
//!   from the `libpq version:` line;
//! * under valgrind on our library (and on the system one, to keep the
//!   examples themselves leak-free).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::support::{
    self, compile_c, lib_dir, run_with_lib, success_stdout, valgrind, valgrind_with, Header,
    PASSWORD_USER, SCRAM_USER, TRUST_USER,
};

/// The examples this file knows how to run and check.
const CHECKED: &[&str] = &[
    "quickstart",
    "errors",
    "params",
    "largeobject",
    "escaping",
    "events",
    "nonblocking",
];

fn source(name: &str) -> PathBuf {
    support::c_examples_dir().join(format!("{name}.c"))
}

/// `c-examples/<name>.c` mentioned anywhere in README.md.
fn readme_examples() -> BTreeSet<String> {
    let readme = std::fs::read_to_string(support::repo_dir().join("README.md"))
        .expect("README.md is readable");
    let mut names = BTreeSet::new();
    let mut rest = readme.as_str();
    while let Some(i) = rest.find("c-examples/") {
        rest = &rest[i + "c-examples/".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        if rest[name.len()..].starts_with(".c") && !name.is_empty() {
            names.insert(name);
        }
    }
    names
}

#[test]
fn readme_lists_the_checked_examples() {
    let listed = readme_examples();
    let checked: BTreeSet<String> = CHECKED.iter().map(|s| s.to_string()).collect();
    assert!(
        listed.contains("quickstart"),
        "README.md must show c-examples/quickstart.c"
    );
    assert_eq!(
        listed, checked,
        "every c-examples/*.c listed in README.md needs expectations in tests/integration/c_examples.rs (and vice versa)"
    );
    for name in &listed {
        assert!(
            source(name).exists(),
            "{} is missing",
            source(name).display()
        );
    }
}

/// Which library a run uses.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Lib {
    System,
    Ours,
}

/// Arguments and environment for one example.
fn invocation(name: &str) -> (Vec<String>, Vec<(String, String)>) {
    let s = support::server();
    match name {
        "quickstart" | "params" => (vec![s.tcp(TRUST_USER, "")], vec![]),
        "errors" => (
            vec![
                s.tcp(SCRAM_USER.0, &format!("password={}", SCRAM_USER.1)),
                s.tcp(PASSWORD_USER.0, "password=wrong-password"),
            ],
            vec![],
        ),
        "largeobject" | "escaping" | "events" | "nonblocking" => {
            (vec![s.tcp(TRUST_USER, "")], vec![])
        }
        other => panic!("no invocation for {other}"),
    }
}

fn run(exe: &Path, lib: Lib, args: &[String], env: &[(String, String)]) -> std::process::Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let dir = lib_dir();
    let dir = (lib == Lib::Ours).then_some(dir.as_path());
    run_with_lib(exe, dir, &args, &env)
}

/// The `libpq version:` line, checked against the library that should have
/// been loaded, then removed so outputs of both libraries can be compared.
fn check_and_mask_version(stdout: &str, lib: Lib) -> String {
    let mut masked = String::new();
    let mut seen = false;
    for line in stdout.lines() {
        if let Some(v) = line.strip_prefix("libpq version: ") {
            seen = true;
            let v: i32 = v.trim().parse().expect("numeric libpq version");
            if lib == Lib::Ours {
                assert_eq!(
                    v,
                    pq::LIB_VERSION,
                    "PQlibVersion(): our library was not the one loaded"
                );
            }
            masked.push_str("libpq version: (masked)\n");
        } else {
            masked.push_str(line);
            masked.push('\n');
        }
    }
    assert!(seen, "no `libpq version:` line in:\n{stdout}");
    masked
}

/// Expected stdout (after masking) of each example.
fn expected(name: &str) -> String {
    let s = support::server();
    match name {
        "quickstart" => format!(
            "libpq version: (masked)\n\
             server version: {}\n\
             CREATE TABLE\n\
             INSERT 0 3\n\
             id | name | price\n\
             1 | apple | 0.50\n\
             2 | banana | 0.25\n\
             3 | cherry | NULL\n\
             (3 rows)\n",
            s.version_num
        ),
        "errors" => format!(
            "libpq version: (masked)\n\
             > SELEC 1\n\
             status: PGRES_FATAL_ERROR\n\
             severity: ERROR\n\
             sqlstate: 42601\n\
             primary: syntax error at or near \"SELEC\"\n\
             position: 1\n\
             message: ERROR:  syntax error at or near \"SELEC\"\n\
             LINE 1: SELEC 1\n        ^\n\
             transaction: idle\n\
             > SELECT 1/0\n\
             status: PGRES_FATAL_ERROR\n\
             severity: ERROR\n\
             sqlstate: 22012\n\
             primary: division by zero\n\
             position: (none)\n\
             message: ERROR:  division by zero\n\
             transaction: idle\n\
             > SELECT 'still usable'\n\
             status: PGRES_TUPLES_OK\n\
             value: still usable\n\
             transaction: idle\n\
             > BEGIN\n\
             status: PGRES_COMMAND_OK\n\
             transaction: in transaction\n\
             > SELECT * FROM no_such_table\n\
             status: PGRES_FATAL_ERROR\n\
             severity: ERROR\n\
             sqlstate: 42P01\n\
             primary: relation \"no_such_table\" does not exist\n\
             position: 15\n\
             message: ERROR:  relation \"no_such_table\" does not exist\n\
             LINE 1: SELECT * FROM no_such_table\n                      ^\n\
             transaction: in failed transaction\n\
             > SELECT 1\n\
             status: PGRES_FATAL_ERROR\n\
             severity: ERROR\n\
             sqlstate: 25P02\n\
             primary: current transaction is aborted, commands ignored until end of transaction block\n\
             position: (none)\n\
             message: ERROR:  current transaction is aborted, commands ignored until end of transaction block\n\
             transaction: in failed transaction\n\
             > ROLLBACK\n\
             status: PGRES_COMMAND_OK\n\
             transaction: idle\n\
             > SELECT 'usable again'\n\
             status: PGRES_TUPLES_OK\n\
             value: usable again\n\
             transaction: idle\n\
             bad connection: CONNECTION_BAD\n\
             error: connection to server at \"127.0.0.1\", port {} failed: \
             FATAL:  password authentication failed for user \"{}\"\n",
            s.port, PASSWORD_USER.0
        ),
        "params" => "libpq version: (masked)\n\
             > text parameters\n\
             value: O'Reilly; DROP TABLE x; --\n\
             length: 26\n\
             second is NULL: t\n\
             > binary parameters and results\n\
             doubled: 84 (4 bytes)\n\
             bytea back: 61 00 62 00 ff\n\
             server-side length: 5\n\
             > prepared statement\n\
             parameters: 1, type of $1: 23\n\
             square(1) = 1\n\
             square(2) = 4\n\
             square(3) = 9\n"
            .to_string(),
        "largeobject" => "libpq version: (masked)\n\
             imported 23 bytes\n\
             read back in pieces of 8 bytes:\n\
             [first li][ne\nsecon][d line\nt][hird lin][e\n]\n\
             size: 34\n\
             exported:\n\
             first line\n\
             lo_import of a missing file: could not open file \"/nonexistent/in.txt\": \
             No such file or directory\n"
            .to_string(),
        "escaping" => "libpq version: (masked)\n\
             client encoding: UTF8\n\
             > PQescapeLiteral and PQescapeIdentifier\n\
             identifier: \"odd \"\"name\"\"\"\n\
             identifier: \"caf\u{e9}\"\n\
             literal: 'O''Reilly'\n\
             literal:  E'C:\\\\temp'\n\
             literal: 'Z\u{fc}rich'\n\
             CREATE TEMP TABLE \"odd \"\"name\"\"\" (n int, \"caf\u{e9}\" text)\n\
             CREATE TABLE\n\
             INSERT INTO \"odd \"\"name\"\"\" VALUES \
             (1, 'O''Reilly'), (2,  E'C:\\\\temp'), (3, 'Z\u{fc}rich')\n\
             INSERT 0 3\n\
             stored: O'Reilly (same)\n\
             stored: C:\\temp (same)\n\
             stored: Z\u{fc}rich (same)\n\
             > PQescapeStringConn\n\
             escaped: it''s (length 5, error 0)\n\
             invalid UTF-8: error 1: invalid multibyte character\n\
             > PQescapeByteaConn and PQunescapeBytea\n\
             bytes: 61 00 62 5c ff\n\
             escaped: \\x6100625cff (13 bytes with the NUL)\n\
             SELECT '\\x6100625cff'::bytea, length('\\x6100625cff'::bytea)\n\
             server text: \\x6100625cff, server length: 5\n\
             unescaped: 61 00 62 5c ff\n\
             round trip: same bytes\n"
            .to_string(),
        "events" => "libpq version: (masked)\n\
             [demo] REGISTER: per-connection data attached\n\
             > SET application_name = 'events'\n\
             [demo] RESULTCREATE: result 1, PGRES_COMMAND_OK, 0 rows\n\
             [demo] RESULTDESTROY: result 1, data freed\n\
             > SELECT * FROM (VALUES (1, 'apple'), (2, 'banana')) AS fruit (id, name)\n\
             [demo] RESULTCREATE: result 2, PGRES_TUPLES_OK, 2 rows\n\
             instance data of the result: result 2\n\
             > PQcopyResult\n\
             [demo] RESULTCOPY: copy of result 2, 2 rows\n\
             [demo] RESULTDESTROY: result 2, data freed\n\
             > PQfinish\n\
             [demo] CONNDESTROY: the connection produced 2 results; per-connection data freed\n\
             copy: 3 rows (1 added), instance data: copy of result 2\n\
             > PQprint\n\
             id|name  \n\
             --+------\n\
             \x201|apple \n\
             \x202|banana\n\
             \x203|cherry\n\
             (3 rows)\n\
             \n\
             > PQclear\n\
             [demo] RESULTDESTROY: copy of result 2, data freed\n"
            .to_string(),
        "nonblocking" => "libpq version: (masked)\n\
             started 6 connections\n\
             connection 1: ok\n\
             connection 2: ok\n\
             connection 3: ok\n\
             connection 4: ok\n\
             connection 5: ok\n\
             connection 6: ok\n\
             sent 6 queries\n\
             connection 1: 1 * 7 = 7\n\
             connection 2: 2 * 7 = 14\n\
             connection 3: 3 * 7 = 21\n\
             connection 4: 4 * 7 = 28\n\
             connection 5: 5 * 7 = 35\n\
             connection 6: 6 * 7 = 42\n\
             reset connection 1: ok, a new backend\n"
            .to_string(),
        other => panic!("no expectations for {other}"),
    }
}

/// Compiles, runs and checks one example; returns the masked stdout.
fn check(name: &str, header: Header, lib: Lib) -> String {
    let exe = compile_c(&source(name), header);
    let (args, env) = invocation(name);
    let out = run(&exe, lib, &args, &env);
    let what = format!("{name} ({header:?} header, {lib:?} library)");
    let stdout = success_stdout(&out, &what);
    let masked = check_and_mask_version(&stdout, lib);
    assert_eq!(masked, expected(name), "stdout of {what}");
    masked
}

fn for_each_example(f: impl Fn(&str)) {
    for name in CHECKED {
        f(name);
    }
}

#[test]
fn examples_on_system_libpq() {
    for_each_example(|name| {
        check(name, Header::System, Lib::System);
    });
}

#[test]
fn examples_our_header_our_library() {
    for_each_example(|name| {
        check(name, Header::Ours, Lib::Ours);
    });
}

#[test]
fn examples_drop_in_system_header_our_library() {
    let dir = lib_dir();
    for_each_example(|name| {
        let exe = compile_c(&source(name), Header::System);
        // The dynamic linker resolves libpq.so.5 to our build.
        let ldd = std::process::Command::new("ldd")
            .arg(&exe)
            .env("LD_LIBRARY_PATH", &dir)
            .output()
            .expect("run ldd");
        let ldd = String::from_utf8_lossy(&ldd.stdout);
        let line = ldd
            .lines()
            .find(|l| l.trim_start().starts_with("libpq.so.5 "))
            .unwrap_or_else(|| panic!("ldd {}: no libpq.so.5 line:\n{ldd}", exe.display()));
        assert!(
            line.contains(&format!("{}/libpq.so.5", dir.display())),
            "libpq.so.5 resolved elsewhere: {line}"
        );
        let reference = check(name, Header::System, Lib::System);
        let ours = check(name, Header::System, Lib::Ours);
        assert_eq!(ours, reference, "{name}: our library vs the system libpq");
    });
}

#[test]
fn quickstart_with_environment_variables() {
    // No argument: everything from PG* variables, over the Unix socket.
    let s = support::server();
    let port = s.port.to_string();
    let sock = s.socket_dir.to_string_lossy().into_owned();
    let env = [
        ("PGHOST", sock.as_str()),
        ("PGPORT", port.as_str()),
        ("PGUSER", SCRAM_USER.0),
        ("PGPASSWORD", SCRAM_USER.1),
        ("PGDATABASE", "postgres"),
    ];
    for (header, lib) in [
        (Header::System, Lib::System),
        (Header::Ours, Lib::Ours),
        (Header::System, Lib::Ours),
    ] {
        let exe = compile_c(&source("quickstart"), header);
        let dir = lib_dir();
        let dir = (lib == Lib::Ours).then_some(dir.as_path());
        let out = run_with_lib(&exe, dir, &[], &env);
        let stdout = success_stdout(
            &out,
            &format!("quickstart with PG* env ({header:?}, {lib:?})"),
        );
        assert_eq!(check_and_mask_version(&stdout, lib), expected("quickstart"));
    }
}

#[test]
fn quickstart_reports_connection_failure() {
    // A port nobody listens on: exit status 1 and libpq's message on stderr.
    let s = support::server();
    let sock = s.socket_dir.to_string_lossy().into_owned();
    let conninfo = format!("host={sock} port=1 user={TRUST_USER} dbname=postgres");
    let mut outputs = Vec::new();
    for (header, lib) in [(Header::System, Lib::System), (Header::System, Lib::Ours)] {
        let exe = compile_c(&source("quickstart"), header);
        let out = run(&exe, lib, std::slice::from_ref(&conninfo), &[]);
        assert_eq!(out.status.code(), Some(1), "{lib:?}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            stderr.starts_with(&format!(
                "connection failed: connection to server on socket \"{sock}/.s.PGSQL.1\" failed: "
            )),
            "{lib:?}: {stderr}"
        );
        outputs.push(stderr);
    }
    assert_eq!(outputs[1], outputs[0], "our message vs the system libpq's");
}

#[test]
fn examples_under_valgrind_our_library() {
    let dir = lib_dir();
    for_each_example(|name| {
        let exe = compile_c(&source(name), Header::Ours);
        let (args, _) = invocation(name);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = valgrind(&exe, &dir, &args);
        let stdout = success_stdout(&out, &format!("{name} under valgrind (ours)"));
        assert_eq!(check_and_mask_version(&stdout, Lib::Ours), expected(name));
    });
}

#[test]
fn examples_under_valgrind_system_libpq() {
    for_each_example(|name| {
        let exe = compile_c(&source(name), Header::System);
        let (args, _) = invocation(name);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = valgrind_with(&exe, None, &args, &[]);
        let stdout = success_stdout(&out, &format!("{name} under valgrind (system)"));
        assert_eq!(check_and_mask_version(&stdout, Lib::System), expected(name));
    });
}
