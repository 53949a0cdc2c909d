//! PQprint, PQdisplayTuples and PQprintTuples: the exact text programs rely
//! on (written into a `tmpfile()` and read back), and the pager on a real
//! terminal (tests/differential/print.c's `pager` section run under
//! script(1), compared with libpq 18). Every option combination is compared
//! with libpq 18 by the differential test (`differential_print`).

use std::ffi::{c_char, CString};
use std::path::Path;
use std::ptr;

use crate::support::{compile_c, lib_dir, oracle, run_with_lib, server, Header, TRUST_USER};
use crate::util::*;
use pq::ffi::*;

fn conn() -> Conn {
    Conn::ok(&server().unix(TRUST_USER, ""))
}

/// What `write` printed into a fresh tmpfile.
fn capture(write: impl FnOnce(*mut libc::FILE)) -> String {
    // SAFETY: a fresh stream, used and closed here; fread stays within buf.
    unsafe {
        let f = libc::tmpfile();
        assert!(!f.is_null(), "tmpfile");
        write(f);
        libc::fflush(f);
        let len = libc::ftell(f) as usize;
        libc::rewind(f);
        let mut buf = vec![0u8; len];
        assert_eq!(libc::fread(buf.as_mut_ptr().cast(), 1, len, f), len);
        libc::fclose(f);
        String::from_utf8(buf).expect("UTF-8 output")
    }
}

/// A `PQprintOpt` with the given flags (`h`eader `a`lign `s`tandard
/// h`t`ml3 e`x`panded) and separator; the strings live as long as `sep`.
fn opt(flags: &str, sep: &CString) -> PQprintOpt {
    PQprintOpt {
        header: flags.contains('h') as c_char,
        align: flags.contains('a') as c_char,
        standard: flags.contains('s') as c_char,
        html3: flags.contains('t') as c_char,
        expanded: flags.contains('x') as c_char,
        pager: 0,
        fieldSep: sep.as_ptr() as *mut c_char,
        tableOpt: ptr::null_mut(),
        caption: ptr::null_mut(),
        fieldName: ptr::null_mut(),
    }
}

fn sample(c: &Conn) -> Res {
    let r = c.exec("select * from (values (1, 'one'), (-22, null), (333, 'three')) t(id, name)");
    assert_eq!(r.status(), ExecStatusType::PGRES_TUPLES_OK, "{}", r.error());
    r
}

#[test]
fn aligned_table_with_header_and_row_count() {
    let c = conn();
    let r = sample(&c);
    let sep = cs("|");
    let po = opt("ha", &sep);
    // SAFETY: live result, valid options, live stream.
    let text = capture(|f| unsafe { PQprint(f, r.0, &po) });
    // Numbers right-aligned, text left-aligned, NULL blank, then the count.
    assert_eq!(
        text,
        " id|name \n---+-----\n  1|one  \n-22|     \n333|three\n(3 rows)\n\n"
    );

    let po = opt("has", &sep);
    // SAFETY: as above.
    let text = capture(|f| unsafe { PQprint(f, r.0, &po) });
    assert_eq!(
        text,
        "+-----+-------+\n|  id | name  |\n+-----+-------+\n|   1 | one   |\n\
         +-----+-------+\n| -22 |       |\n+-----+-------+\n| 333 | three |\n\
         +-----+-------+\n(3 rows)\n\n"
    );

    let one = c.exec("select 'x' as only");
    let po = opt("h", &sep);
    // SAFETY: as above.
    let text = capture(|f| unsafe { PQprint(f, one.0, &po) });
    assert_eq!(text, "only\n----\nx\n(1 row)\n\n");
}

#[test]
fn expanded_and_html() {
    let c = conn();
    let r = sample(&c);
    let sep = cs("|");
    let po = opt("hax", &sep);
    // SAFETY: live result, valid options, live stream.
    let text = capture(|f| unsafe { PQprint(f, r.0, &po) });
    assert_eq!(
        text,
        "Field| Value\n-- RECORD 0 --\nid  | 1\nname| one\n-- RECORD 1 --\nid  | -22\n\
         -- RECORD 2 --\nid  | 333\nname| three\n(3 rows)\n\n"
    );

    let mut po = opt("hat", &sep);
    let table = cs("border=1");
    let caption = cs("People");
    po.tableOpt = table.as_ptr() as *mut c_char;
    po.caption = caption.as_ptr() as *mut c_char;
    // SAFETY: as above; the strings outlive the call.
    let text = capture(|f| unsafe { PQprint(f, r.0, &po) });
    assert_eq!(
        text,
        "<table border=1><caption align=\"top\">People</caption>\n\
         <tr><th align=\"right\">id</th><th align=\"left\">name</th></tr>\n\
         <tr><td align=\"right\">1</td><td align=\"left\">one</td></tr>\n\
         <tr><td align=\"right\">-22</td><td align=\"left\"></td></tr>\n\
         <tr><td align=\"right\">333</td><td align=\"left\">three</td></tr>\n</table>\n"
    );
}

#[test]
fn display_tuples_and_print_tuples() {
    let c = conn();
    let r = sample(&c);
    // SAFETY: live result and stream; NULL separator means one space.
    let text = capture(|f| unsafe { PQdisplayTuples(r.0, f, 1, ptr::null(), 1, 0) });
    assert_eq!(
        text,
        "id   name   \n---- ------ \n1    one    \n-22         \n333  three  \n\n\
         Query returned 3 rows.\n"
    );
    // SAFETY: as above.
    let text = capture(|f| unsafe { PQprintTuples(r.0, f, 1, 0, 4) });
    let rule = "-".repeat(28);
    assert_eq!(
        text,
        format!(
            "{rule}\n| id  | name|\n{rule}\n| 1   | one |\n{rule}\n\
             | -22 |     |\n{rule}\n| 333 | three|\n{rule}\n"
        )
    );
}

#[test]
fn nothing_to_print() {
    let c = conn();
    let cmd = c.exec("set datestyle = 'ISO'");
    let sep = cs("|");
    let po = opt("ha", &sep);
    // SAFETY: NULL and column-less results, NULL options where libpq
    // never reads them, a live stream.
    let text = capture(|f| unsafe {
        PQprint(f, cmd.0, &po);
        PQprint(f, ptr::null(), &po);
        PQprint(f, cmd.0, ptr::null());
        PQprintTuples(cmd.0, f, 1, 0, 0);
        PQprintTuples(ptr::null(), f, 1, 0, 0);
    });
    assert_eq!(text, "");
    // PQdisplayTuples still prints its (empty) header and the count.
    // SAFETY: as above.
    let text = capture(|f| unsafe { PQdisplayTuples(ptr::null(), f, 1, ptr::null(), 1, 0) });
    assert_eq!(text, "\n\n\nQuery returned 0 rows.\n");
}

/// Runs print.c's `pager` section on a pseudo-terminal (script(1)) with the
/// library in `lib`.
fn pager_transcript(exe: &Path, lib: &Path) -> String {
    let s = server();
    let command = format!("'{}' pager", exe.display());
    let out = run_with_lib(
        Path::new("script"),
        Some(lib),
        &["-q", "-e", "-c", &command, "/dev/null"],
        &[
            ("DIFF_PORT", &s.port.to_string()),
            ("DIFF_DB", "postgres"),
            ("DIFF_TRUST_USER", TRUST_USER),
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    assert!(
        out.status.success(),
        "pager section exited with {}:\n{text}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

#[test]
fn pager_on_a_terminal() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("pager_on_a_terminal: no script(1) here (util-linux), skipped");
        return;
    }
    let exe = compile_c(Path::new("tests/differential/print.c"), Header::System);
    let ours = pager_transcript(&exe, &lib_dir());
    assert!(
        ours.contains("stdin is a terminal: 1, stdout is a terminal: 1"),
        "{ours}"
    );
    // The 30-row table went through $PAGER, every line of it.
    assert!(
        ours.contains("PAGER:  n|label \nPAGER: --+------\nPAGER:  1|row 1 \n"),
        "{ours}"
    );
    assert!(ours.contains("PAGER: (30 rows)\n"), "{ours}");
    // What fits on the 24-line screen, HTML, and anything but stdout is not paged.
    let section = |label: &str| {
        let start = ours
            .find(label)
            .unwrap_or_else(|| panic!("{label}:\n{ours}"));
        let rest = &ours[start..];
        let end = rest[4..].find("\n--- ").map_or(rest.len(), |e| e + 4);
        rest[..end].to_string()
    };
    for label in [
        "--- 3 rows: fits",
        "--- 3 rows, expanded: fits",
        "--- 30 rows, html3",
        "--- 30 rows to stderr",
        "--- 30 rows, PAGER unset",
        "--- 30 rows, PAGER blank",
        "--- 30 rows, no pager flag",
    ] {
        let s = section(label);
        assert!(!s.lines().any(|l| l.starts_with("PAGER: ")), "{s}");
    }
    assert!(section("--- 30 rows, expanded").contains("PAGER: -- RECORD 29 --"));
    // A pager that quits at once: SIGPIPE is blocked while writing, then
    // consumed and the mask restored.
    assert!(
        ours.contains("still alive; SIGPIPE blocked: 0, pending: 0"),
        "{ours}"
    );
    if let Some(oracle_dir) = oracle::libpq18_dir() {
        let want = pager_transcript(&exe, &oracle_dir);
        assert_eq!(ours, want, "the pager section differs from libpq 18");
    }
}
