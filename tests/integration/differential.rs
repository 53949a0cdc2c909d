//! Differential tests: the C programs of `tests/differential/` (`diff.c`: the
//! foundation API -- connect and status accessors, PQexec and results, error
//! messages and fields under every verbosity, notices, NULL and out-of-range
//! arguments; `extended.c`: the extended query protocol, binary parameters
//! and results; `results.c`: results built and copied by the caller, the
//! events API; `async.c`: the sequences of PQconnectPoll/PQresetPoll answers
//! and statuses, the PostgreSQL 17 cancel API; `tls.c`: the TLS matrix and
//! options against the servers of `support::tls_server`, large transfers
//! over TLS; `pipeline.c`: pipeline mode, single-row and chunked results,
//! non-blocking mode, notifications, the legacy COPY functions; `protocol.c`: protocol versions
//! 3.0 and 3.2 with PostgreSQL 15 and 18; `hooks.c`: the thread lock, the
//! auth-data hooks and the legacy pqsignal), each compiled once against
//! the system `libpq-fe.h`, print everything observable for the test server. Their output with the real
//! libpq 18 (the oracle, see `support::oracle` and `scripts/fetch-oracle.sh`)
//! and with our library must be identical, section by section (one test per
//! section).
//!
//! Also: every section under valgrind on our library (no invalid access, no
//! definite/indirect leak), and, for information only (never failing), the
//! differences between libpq 18 and Debian's libpq 15
//! (`cargo test differential_libpq15 -- --nocapture`); the expected ones are
//! listed in `tests/differential/README.md`.
//!
//! The outputs are kept in `target/<profile>/libpqrs-differential/` for
//! inspection (`<section>.libpq18.txt`, `<section>.ours.txt`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::MutexGuard;

use crate::support::{
    self, compile_c, lib_dir, oracle, pg18, run_with_lib, server, tls, tls_server, valgrind_with,
    Header, ServerCert, CERT_USER, MD5_USER, NOSSL_ONLY_USER, PASSWORD_USER, SCRAM_USER,
    SSL_ONLY_USER, TRUST_USER,
};

/// One differential program under `tests/differential/` and its sections, in
/// its own order. Section names are unique across programs.
struct Program {
    source: &'static str,
    sections: &'static [&'static str],
}

const PROGRAMS: &[Program] = &[
    Program {
        source: "diff.c",
        sections: &[
            "misc", "conninfo", "connect", "params", "exec", "errors", "notices", "range",
        ],
    },
    Program {
        source: "extended.c",
        sections: &["extended", "binary"],
    },
    Program {
        source: "results.c",
        sections: &["resultapi", "events"],
    },
    Program {
        source: "lobj.c",
        sections: &["lobj", "fastpath", "password"],
    },
    Program {
        source: "print.c",
        sections: &["print"],
    },
    Program {
        source: "escape.c",
        sections: &["escape", "encodings"],
    },
    Program {
        source: "trace.c",
        sections: &["trace"],
    },
    Program {
        source: "async.c",
        sections: &["connpoll", "reset", "cancelapi"],
    },
    Program {
        source: "tls.c",
        sections: &["tlsmatrix", "tlsoptions", "tlsdata"],
    },
    Program {
        source: "pipeline.c",
        sections: &["pipeline", "rowmodes", "async", "legacycopy"],
    },
    Program {
        source: "protocol.c",
        sections: &["protocol"],
    },
    Program {
        source: "hooks.c",
        sections: &["threadlock", "authdata", "pqsignal"],
    },
];

/// The programs that also talk to the PostgreSQL 18 server (`support::pg18`),
/// started only for them.
const NEEDS_PG18: &[&str] = &["protocol.c"];

/// Whether a program needs the TLS servers and files (`tls.c`).
fn needs_tls(program: &Program) -> bool {
    program.source == "tls.c"
}

/// When set, `tls.c` prints the values that name the TLS library or use its
/// names (PQsslAttribute "library" and "cipher") as `{masked}` on both
/// sides. libpq 18 says "OpenSSL" and OpenSSL's cipher names.
const TLS_MASK_LIBRARY_SPECIFIC: bool = false;

/// Size in MB of each transfer of section `tlsdata` (and under valgrind).
const TLSDATA_MB: &str = "50";
const TLSDATA_MB_VALGRIND: &str = "2";

/// Whether the library under test has TLS: ours once it is built with TLS
/// (`pq::conninfo::USE_SSL`), or any library given by `LIBPQRS_TEST_LIBPQ`
/// (e.g. libpq 18 itself, to check the TLS sections are reproducible). Until
/// then (issue 5) the sections of `tls.c` are skipped with a message: every
/// TLS connection fails on our library with "SSL is not supported by this
/// build".
fn ours_has_tls() -> bool {
    pq::conninfo::USE_SSL || std::env::var_os("LIBPQRS_TEST_LIBPQ").is_some()
}

/// The program that holds `section`.
fn program_of(section: &str) -> &'static Program {
    PROGRAMS
        .iter()
        .find(|p| p.sections.contains(&section))
        .unwrap_or_else(|| panic!("no differential program has a section `{section}`"))
}

/// At most this many lines of `diff -u` per section in a failure message.
const MAX_DIFF_LINES: usize = 400;

/// The runs use fixed table names and alter the shared password role on
/// the one server: one at a time, and not beside other tests that alter it.
fn serialize() -> MutexGuard<'static, ()> {
    support::shared_roles_lock()
}

fn compile(program: &Program) -> PathBuf {
    compile_c(
        &Path::new("tests/differential").join(program.source),
        Header::System,
    )
}

fn out_dir() -> PathBuf {
    let dir = support::profile_dir().join("libpqrs-differential");
    fs::create_dir_all(&dir).expect("create differential output dir");
    dir
}

/// The program's environment: where the server is and who may log in.
fn diff_env() -> Vec<(&'static str, String)> {
    let s = server();
    vec![
        ("DIFF_PORT", s.port.to_string()),
        ("DIFF_SOCKDIR", s.socket_dir.to_string_lossy().into_owned()),
        ("DIFF_DB", "postgres".into()),
        ("DIFF_TRUST_USER", TRUST_USER.into()),
        ("DIFF_PASSWORD_USER", PASSWORD_USER.0.into()),
        ("DIFF_PASSWORD_PW", PASSWORD_USER.1.into()),
        ("DIFF_MD5_USER", MD5_USER.0.into()),
        ("DIFF_MD5_PW", MD5_USER.1.into()),
        ("DIFF_SCRAM_USER", SCRAM_USER.0.into()),
        ("DIFF_SCRAM_PW", SCRAM_USER.1.into()),
    ]
}

/// Everything a run produced, as one text: stdout (stderr is merged into it
/// by the program itself), then anything on stderr and the exit status when
/// it did not exit 0, so that a crash shows up in the diff.
fn transcript(out: &Output) -> String {
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.stderr.is_empty() {
        text.push_str("\n[stderr]\n");
        text.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    if !out.status.success() {
        text.push_str(&format!("\n[exit: {}]\n", out.status));
    }
    text
}

/// The TLS environment of `tls.c` (see its top comment): the servers of
/// `support::tls_server` (DIFF_PORT/DIFF_SOCKDIR replaced by the one
/// presenting server.crt), the TLS directory, the users. None when there
/// is no TLS material (external server).
fn tls_env() -> Option<Vec<(&'static str, String)>> {
    let files = support::tls_files()?;
    let server_of = |c: ServerCert| tls_server(c).expect("TLS server");
    let main = server_of(ServerCert::Main);
    let mut env = vec![
        ("DIFF_PORT", main.port.to_string()),
        (
            "DIFF_SOCKDIR",
            main.socket_dir.to_string_lossy().into_owned(),
        ),
        ("DIFF_TLS_DIR", files.dir.to_string_lossy().into_owned()),
        (
            "DIFF_TLS_PORT_OTHER",
            server_of(ServerCert::OtherHost).port.to_string(),
        ),
        (
            "DIFF_TLS_PORT_EXPIRED",
            server_of(ServerCert::Expired).port.to_string(),
        ),
        (
            "DIFF_TLS_PORT_CHAIN",
            server_of(ServerCert::Chain).port.to_string(),
        ),
        ("DIFF_SSL_ONLY_USER", SSL_ONLY_USER.into()),
        ("DIFF_NOSSL_ONLY_USER", NOSSL_ONLY_USER.into()),
        ("DIFF_CERT_USER", CERT_USER.into()),
        ("DIFF_TLS_KEY_PW", tls::CLIENT_KEY_PASSWORD.into()),
        ("DIFF_TLSDATA_MB", TLSDATA_MB.into()),
    ];
    if TLS_MASK_LIBRARY_SPECIFIC {
        env.push(("DIFF_TLS_MASK_LIBRARY", "1".into()));
    }
    Some(env)
}

/// The environment of one program: [`diff_env`], then for `tls.c`
/// [`tls_env`] (which overrides DIFF_PORT and DIFF_SOCKDIR); None when the
/// program cannot run here (no TLS material).
fn program_env(program: &Program) -> Option<Vec<(&'static str, String)>> {
    let mut env = diff_env();
    if needs_tls(program) {
        env.extend(tls_env()?);
    }
    // The PostgreSQL 18 server, started only for the programs that use it.
    if NEEDS_PG18.contains(&program.source) {
        if let Some(s18) = pg18::server_if_available() {
            env.push(("DIFF_PG18_PORT", s18.port.to_string()));
            env.push((
                "DIFF_PG18_SOCKDIR",
                s18.socket_dir.to_string_lossy().into_owned(),
            ));
        }
    }
    Some(env)
}

fn run(
    exe: &Path,
    lib: Option<&Path>,
    section: &str,
    extra_env: &[(&str, &str)],
) -> Option<String> {
    let env = program_env(program_of(section))?;
    let mut env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    env.extend_from_slice(extra_env);
    Some(transcript(&run_with_lib(exe, lib, &[section], &env)))
}

/// `diff -u` of two texts, at most [`MAX_DIFF_LINES`] lines; None when
/// equal. Both texts are kept under `out_dir()` either way.
fn unified_diff(section: &str, a_name: &str, a: &str, b_name: &str, b: &str) -> Option<String> {
    let dir = out_dir();
    let pa = dir.join(format!("{section}.{a_name}.txt"));
    let pb = dir.join(format!("{section}.{b_name}.txt"));
    fs::write(&pa, a).expect("write output");
    fs::write(&pb, b).expect("write output");
    if a == b {
        return None;
    }
    let text = match Command::new("diff").arg("-u").arg(&pa).arg(&pb).output() {
        Ok(o) => String::from_utf8_lossy(&o.stdout).into_owned(),
        Err(_) => simple_diff(a, b),
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut shown = lines[..lines.len().min(MAX_DIFF_LINES)].join("\n");
    if lines.len() > MAX_DIFF_LINES {
        shown.push_str(&format!(
            "\n... ({} more lines; see the files above)",
            lines.len() - MAX_DIFF_LINES
        ));
    }
    Some(shown)
}

/// Fallback when `diff` is not installed: the first differing line.
fn simple_diff(a: &str, b: &str) -> String {
    let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let i = la.iter().zip(&lb).take_while(|(x, y)| x == y).count();
    format!(
        "first difference at line {}:\n-{}\n+{}",
        i + 1,
        la.get(i).unwrap_or(&"<end of output>"),
        lb.get(i).unwrap_or(&"<end of output>")
    )
}

/// Runs one section with libpq 18 and with ours; panics with the diff.
fn compare_with_libpq18(section: &str) {
    let Some(oracle_dir) = oracle::libpq18_dir() else {
        return;
    };
    let program = program_of(section);
    if needs_tls(program) && !ours_has_tls() {
        eprintln!(
            "SKIPPED: section `{section}` of {} needs TLS, which this build does not have yet \
             (issue 5; pq::conninfo::USE_SSL is false)",
            program.source
        );
        return;
    }
    let exe = compile(program);
    let _guard = serialize();
    let Some(want) = run(&exe, Some(&oracle_dir), section, &[]) else {
        return;
    };
    assert!(
        want.contains(&format!("======== {section} ========")) && want.contains("======== end"),
        "the libpq 18 run of section `{section}` did not complete:\n{want}"
    );
    let got = run(&exe, Some(&lib_dir()), section, &[]).expect("environment");
    if let Some(d) = unified_diff(section, "libpq18", &want, "ours", &got) {
        panic!(
            "section `{section}` of tests/differential/{} differs between libpq 18 (-) \
             and ours (+); outputs in {}:\n{d}",
            program.source,
            out_dir().display()
        );
    }
}

macro_rules! differential_tests {
    ($($name:ident => $section:literal,)*) => {$(
        #[test]
        fn $name() {
            compare_with_libpq18($section);
        }
    )*};
}

differential_tests! {
    differential_misc => "misc",
    differential_conninfo => "conninfo",
    differential_connect => "connect",
    differential_params => "params",
    differential_exec => "exec",
    differential_errors => "errors",
    differential_notices => "notices",
    differential_range => "range",
    differential_extended => "extended",
    differential_binary => "binary",
    differential_resultapi => "resultapi",
    differential_events => "events",
    differential_lobj => "lobj",
    differential_fastpath => "fastpath",
    differential_password => "password",
    differential_print => "print",
    differential_escape => "escape",
    differential_encodings => "encodings",
    differential_trace => "trace",
    differential_connpoll => "connpoll",
    differential_reset => "reset",
    differential_cancelapi => "cancelapi",
    differential_tlsmatrix => "tlsmatrix",
    differential_tlsoptions => "tlsoptions",
    differential_tlsdata => "tlsdata",
    differential_pipeline => "pipeline",
    differential_rowmodes => "rowmodes",
    differential_async => "async",
    differential_legacycopy => "legacycopy",
    differential_protocol => "protocol",
    differential_threadlock => "threadlock",
    differential_authdata => "authdata",
    differential_pqsignal => "pqsignal",
}

#[test]
fn differential_valgrind_ours() {
    let _guard = serialize();
    for (program, section) in PROGRAMS
        .iter()
        .flat_map(|p| p.sections.iter().map(move |s| (p, *s)))
    {
        if !section_selected(section) || (needs_tls(program) && !ours_has_tls()) {
            continue;
        }
        let Some(mut env) = program_env(program) else {
            continue;
        };
        env.push(("DIFF_TLSDATA_MB", TLSDATA_MB_VALGRIND.into()));
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let exe = compile(program);
        // Panics on any memory error or definite/indirect leak.
        let out = valgrind_with(&exe, Some(&lib_dir()), &[section], &env);
        assert!(
            out.status.success(),
            "section `{section}` under valgrind on our library exited with {}:\n{}",
            out.status,
            transcript(&out)
        );
    }
}

/// `LIBPQRS_DIFF_SECTIONS=a,b` limits the valgrind and libpq 15 runs to
/// those sections.
fn section_selected(section: &str) -> bool {
    match std::env::var("LIBPQRS_DIFF_SECTIONS") {
        Ok(only) => only.split(',').any(|x| x.trim() == section),
        Err(_) => true,
    }
}

/// For information only: libpq 18 against Debian's libpq 15 (the system
/// library the program is linked with). Never fails on differences.
#[test]
fn differential_libpq15_info() {
    let Some(oracle_dir) = oracle::libpq18_dir() else {
        return;
    };
    if !support::system_lib_dir().join("libpq.so.5").exists() {
        eprintln!("differential_libpq15_info: no system libpq.so.5, nothing to compare");
        return;
    }
    let _guard = serialize();
    // The functions added after 15 are left out on both sides.
    let skip = [("DIFF_SKIP_POST15", "1")];
    let mut report = String::new();
    for (program, section) in PROGRAMS
        .iter()
        .flat_map(|p| p.sections.iter().map(move |s| (p, *s)))
    {
        if !section_selected(section) {
            continue;
        }
        let exe = compile(program);
        let (Some(v18), Some(v15)) = (
            run(&exe, Some(&oracle_dir), section, &skip),
            run(&exe, None, section, &skip),
        ) else {
            continue;
        };
        if let Some(d) = unified_diff(section, "libpq18-nopost15", &v18, "libpq15", &v15) {
            report.push_str(&format!(
                "\n=== {section}: libpq 18 (-) vs libpq 15 (+)\n{d}\n"
            ));
        }
    }
    if report.is_empty() {
        println!("libpq 18 and libpq 15 agree on every section");
    } else {
        println!(
            "differences between libpq 18 and Debian's libpq 15 (information only; \
             the expected ones are listed in tests/differential/README.md):{report}"
        );
    }
}
