//! The extended query protocol (PQexecParams, PQexecPrepared, PQclose*),
//! results built by the caller (PQcopyResult, PQsetResultAttrs, PQsetvalue,
//! PQresultAlloc) and the events API, against the real server.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr::{null, null_mut};
use std::sync::Mutex;

use crate::support::{self, server, TRUST_USER};
use crate::util::*;
use pq::ffi::*;

use ExecStatusType::*;

fn conn() -> Conn {
    Conn::ok(&server().unix(TRUST_USER, ""))
}

/// PQexecParams with everything as C passes it.
fn exec_params(
    c: &Conn,
    sql: &CStr,
    types: Option<&[Oid]>,
    values: &[Option<&[u8]>],
    formats: Option<&[c_int]>,
    result_format: c_int,
) -> Res {
    let ptrs: Vec<*const c_char> = values
        .iter()
        .map(|v| v.map_or(null(), |b| b.as_ptr().cast()))
        .collect();
    let lens: Vec<c_int> = values
        .iter()
        .map(|v| v.map_or(0, |b| b.len() as c_int))
        .collect();
    // SAFETY: every array holds values.len() entries; text values end in NUL.
    Res(unsafe {
        PQexecParams(
            c.0,
            sql.as_ptr(),
            values.len() as c_int,
            types.map_or(null(), |t| t.as_ptr()),
            ptrs.as_ptr(),
            lens.as_ptr(),
            formats.map_or(null(), |f| f.as_ptr()),
            result_format,
        )
    })
}

fn bytes(r: &Res, row: i32, col: i32) -> Vec<u8> {
    // SAFETY: live result; PQgetvalue points at PQgetlength bytes.
    unsafe {
        let p = PQgetvalue(r.0, row, col);
        std::slice::from_raw_parts(p.cast::<u8>(), PQgetlength(r.0, row, col) as usize).to_vec()
    }
}

#[test]
fn text_parameters_nulls_and_inferred_types() {
    let c = conn();
    let r = exec_params(
        &c,
        c"select $1::int4 + 1, $2::text is null, $3, length($4)",
        None,
        &[Some(b"41\0"), None, Some(b"h\xc3\xa9\0"), Some(b"\0")],
        None,
        0,
    );
    assert_eq!(r.status(), PGRES_TUPLES_OK, "{}", r.error());
    assert_eq!(r.value(0, 0).as_deref(), Some("42"));
    assert_eq!(r.value(0, 1).as_deref(), Some("t"));
    assert_eq!(r.value(0, 2).as_deref(), Some("hé"));
    assert_eq!(r.value(0, 3).as_deref(), Some("0"));
    // SAFETY: live result.
    unsafe {
        // $3 alone is inferred as text (type 0 sent as "unspecified").
        assert_eq!(PQftype(r.0, 2), 25);
        assert_eq!(PQbinaryTuples(r.0), 0);
    }
    // Types given explicitly, one of them left 0 for the server.
    let r = exec_params(
        &c,
        c"select $1 + $2",
        Some(&[20, 0]),
        &[Some(b"5\0"), Some(b"6\0")],
        None,
        0,
    );
    assert_eq!(r.value(0, 0).as_deref(), Some("11"));
    // SAFETY: live result.
    assert_eq!(unsafe { PQftype(r.0, 0) }, 20);
}

#[test]
fn binary_parameters_and_results() {
    let c = conn();
    let r = exec_params(
        &c,
        c"select $1::int4 * 2, $2::bytea, $3::int8",
        Some(&[23, 17, 20]),
        &[
            Some(&21i32.to_be_bytes()),
            Some(b"a\0b\xff"),
            Some(&(-5i64).to_be_bytes()),
        ],
        Some(&[1, 1, 1]),
        1,
    );
    assert_eq!(r.status(), PGRES_TUPLES_OK, "{}", r.error());
    assert_eq!(bytes(&r, 0, 0), 42i32.to_be_bytes());
    assert_eq!(bytes(&r, 0, 1), b"a\0b\xff");
    assert_eq!(bytes(&r, 0, 2), (-10i64 / 2).to_be_bytes());
    // SAFETY: live result.
    unsafe {
        assert_eq!((PQfformat(r.0, 0), PQbinaryTuples(r.0)), (1, 1));
        assert_eq!(PQgetlength(r.0, 0, 1), 4);
    }
    // A binary parameter without lengths, and a negative length: refused
    // before anything is sent, and the connection stays usable.
    let v: [*const c_char; 1] = [c"x".as_ptr()];
    let bad: [c_int; 1] = [-1];
    let fmt: [c_int; 1] = [1];
    // SAFETY: one-entry arrays for one parameter.
    unsafe {
        assert!(PQexecParams(
            c.0,
            c"select $1".as_ptr(),
            1,
            null(),
            v.as_ptr(),
            null(),
            fmt.as_ptr(),
            0
        )
        .is_null());
        assert_eq!(c.error(), "length must be given for binary parameter\n");
        assert!(PQexecParams(
            c.0,
            c"select $1".as_ptr(),
            1,
            null(),
            v.as_ptr(),
            bad.as_ptr(),
            fmt.as_ptr(),
            0
        )
        .is_null());
        assert_eq!(c.error(), "cannot allocate memory for output buffer\n");
    }
    assert_eq!(c.exec("select 1").value(0, 0).as_deref(), Some("1"));
}

/// A binary parameter of INT_MAX bytes can't fit a protocol message: refused
/// before a byte is copied (libpq 18 tries to grow its buffer to 2 GB). The
/// value is a lazily mapped, never touched region, so the test costs nothing.
#[test]
fn binary_parameter_too_large_for_a_message() {
    let c = conn();
    let len = i32::MAX as usize;
    // SAFETY: an anonymous read-only mapping, unmapped below.
    let region = unsafe {
        libc::mmap(
            null_mut(),
            len,
            libc::PROT_READ,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    assert_ne!(region, libc::MAP_FAILED);
    let v: [*const c_char; 1] = [region as *const c_char];
    let lens: [c_int; 1] = [i32::MAX];
    let fmt: [c_int; 1] = [1];
    // SAFETY: one parameter of `len` readable bytes.
    let r = unsafe {
        PQexecParams(
            c.0,
            c"select $1::bytea".as_ptr(),
            1,
            null(),
            v.as_ptr(),
            lens.as_ptr(),
            fmt.as_ptr(),
            0,
        )
    };
    assert!(r.is_null());
    assert_eq!(c.error(), "cannot allocate memory for output buffer\n");
    // SAFETY: the mapping made above, no longer used.
    unsafe { libc::munmap(region, len) };
    assert_eq!(c.exec("select 2").value(0, 0).as_deref(), Some("2"));
}

#[test]
fn prepared_statements_and_close() {
    let c = conn();
    // SAFETY: live handle, C strings, NULL arrays where libpq allows them.
    unsafe {
        let r = Res(PQprepare(
            c.0,
            c"ins".as_ptr(),
            c"select $1::int4 * 3".as_ptr(),
            0,
            null(),
        ));
        assert_eq!(r.status(), PGRES_COMMAND_OK, "{}", r.error());
        let v: [*const c_char; 1] = [c"7".as_ptr()];
        let r = Res(PQexecPrepared(
            c.0,
            c"ins".as_ptr(),
            1,
            v.as_ptr(),
            null(),
            null(),
            0,
        ));
        assert_eq!(r.value(0, 0).as_deref(), Some("21"));
        // Wrong parameter count: the server's error, with its fields.
        let r = Res(PQexecPrepared(
            c.0,
            c"ins".as_ptr(),
            0,
            null(),
            null(),
            null(),
            0,
        ));
        assert_eq!(r.status(), PGRES_FATAL_ERROR);
        assert_eq!(r.field(b'C').as_deref(), Some("08P01"));
        let r = Res(PQexecPrepared(
            c.0,
            c"nosuch".as_ptr(),
            0,
            null(),
            null(),
            null(),
            0,
        ));
        assert_eq!(r.field(b'C').as_deref(), Some("26000"));
        assert!(PQexecPrepared(c.0, null(), 0, null(), null(), null(), 0).is_null());
        assert_eq!(c.error(), "statement name is a null pointer\n");
        assert!(PQexecPrepared(c.0, c"ins".as_ptr(), 65536, null(), null(), null(), 0).is_null());
        assert_eq!(
            c.error(),
            "number of parameters must be between 0 and 65535\n"
        );
        assert!(PQexecParams(c.0, null(), 0, null(), null(), null(), null(), 0).is_null());
        assert_eq!(c.error(), "command string is a null pointer\n");

        // Close: the statement is gone afterwards; closing a missing one is fine.
        let r = Res(PQclosePrepared(c.0, c"ins".as_ptr()));
        assert_eq!(
            (r.status(), r.cmd_status().as_deref()),
            (PGRES_COMMAND_OK, Some(""))
        );
        let r = Res(PQdescribePrepared(c.0, c"ins".as_ptr()));
        assert_eq!(r.field(b'C').as_deref(), Some("26000"));
        let r = Res(PQclosePrepared(c.0, c"ins".as_ptr()));
        assert_eq!(r.status(), PGRES_COMMAND_OK);

        // A portal from DECLARE, described and closed.
        c.exec("begin");
        c.exec("declare cur cursor for select 1 as one, 'x'::text as two");
        let r = Res(PQdescribePortal(c.0, c"cur".as_ptr()));
        assert_eq!((r.status(), r.nfields()), (PGRES_COMMAND_OK, 2));
        assert_eq!(text(PQfname(r.0, 1)).as_deref(), Some("two"));
        let r = Res(PQclosePortal(c.0, c"cur".as_ptr()));
        assert_eq!(r.status(), PGRES_COMMAND_OK);
        let r = c.exec("fetch cur");
        assert_eq!(r.field(b'C').as_deref(), Some("34000"));
        c.exec("rollback");

        // The unnamed statement: PQprepare with "" and then PQexecPrepared of "".
        let r = Res(PQprepare(
            c.0,
            c"".as_ptr(),
            c"select 'unnamed'".as_ptr(),
            0,
            null(),
        ));
        assert_eq!(r.status(), PGRES_COMMAND_OK);
        let r = Res(PQexecPrepared(
            c.0,
            c"".as_ptr(),
            0,
            null(),
            null(),
            null(),
            0,
        ));
        assert_eq!(r.value(0, 0).as_deref(), Some("unnamed"));

        // The async forms, then PQgetResult until NULL.
        assert_eq!(PQsendClosePrepared(c.0, c"".as_ptr()), 1);
        assert_eq!(
            PQsendQueryParams(
                c.0,
                c"select 1".as_ptr(),
                0,
                null(),
                null(),
                null(),
                null(),
                0
            ),
            0
        );
        assert_eq!(c.error(), "another command is already in progress\n");
        let r = Res(PQgetResult(c.0));
        assert_eq!(r.status(), PGRES_COMMAND_OK);
        assert!(PQgetResult(c.0).is_null());
    }
}

#[test]
fn many_parameters() {
    let c = conn();
    // The most parameters the protocol can count, all bound; typed, so the
    // server needs no reference to each (and its parser no deep recursion).
    let n = 65535usize;
    let types = vec![23 as Oid; n];
    let values: Vec<String> = (0..n).map(|i| format!("{i}\0")).collect();
    let values: Vec<Option<&[u8]>> = values.iter().map(|v| Some(v.as_bytes())).collect();
    let r = exec_params(&c, c"select $1 + $65535", Some(&types), &values, None, 0);
    assert_eq!(r.status(), PGRES_TUPLES_OK, "{}", r.error());
    assert_eq!(r.value(0, 0).as_deref(), Some("65534"));
}

/// The whole of PQexecParams leaves the client in one write (sendto/write
/// on the socket), seen with strace around a C program.
#[test]
fn one_call_one_write() {
    if std::process::Command::new("strace")
        .arg("-V")
        .output()
        .is_err()
    {
        assert!(std::env::var_os("CI").is_none(), "CI must install strace");
        eprintln!("one_call_one_write: no strace, skipped");
        return;
    }
    let exe = support::compile_c(
        std::path::Path::new("tests/c/one_write.c"),
        support::Header::Ours,
    );
    let s = server();
    let conninfo = s.unix(TRUST_USER, "");
    let out = std::process::Command::new("strace")
        .args([
            "-f",
            "-e",
            "trace=sendto,write,sendmsg",
            "-e",
            "signal=none",
            "-o",
            "/dev/stderr",
        ])
        .arg(&exe)
        .arg(&conninfo)
        .env("LD_LIBRARY_PATH", support::lib_dir())
        .output()
        .expect("run strace");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let trace = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("result: 42"), "{stdout}\n{trace}");
    // Between the markers the program writes to stdout itself, only the
    // library's sends remain: exactly one, holding P, B, D, E and S.
    let between: Vec<&str> = trace
        .lines()
        .skip_while(|l| !l.contains("BEGIN-MARK"))
        .skip(1)
        .take_while(|l| !l.contains("END-MARK"))
        .filter(|l| l.contains("sendto(") || l.contains("write(") || l.contains("sendmsg("))
        .collect();
    assert_eq!(
        between.len(),
        1,
        "expected one send for PQsendQueryParams:\n{}",
        between.join("\n")
    );
    // Parse (33 bytes) + Bind (26) + Describe (7) + Execute (10) + Sync (5).
    assert!(
        between[0].contains("\"P\\0") && between[0].trim_end().ends_with("= 81"),
        "{}",
        between[0]
    );
}

// ---- results built by the caller ----

#[test]
fn copy_result_flags() {
    let c = conn();
    let r = c.exec("select 1 as a, null::text as b union all select 2, 'two'");
    // SAFETY: live results; flags as libpq documents them.
    unsafe {
        let attrs = Res(PQcopyResult(r.0, PG_COPYRES_ATTRS));
        assert_eq!(
            (attrs.status(), attrs.nfields(), attrs.ntuples()),
            (PGRES_TUPLES_OK, 2, 0)
        );
        assert_eq!(attrs.cmd_status().as_deref(), Some("SELECT 2"));
        let all = Res(PQcopyResult(r.0, PG_COPYRES_TUPLES));
        assert_eq!((all.nfields(), all.ntuples()), (2, 2));
        assert_eq!(all.value(1, 1).as_deref(), Some("two"));
        assert_eq!(PQgetisnull(all.0, 0, 1), 1);
        assert_eq!(text(PQfname(all.0, 1)).as_deref(), Some("b"));
        let none = Res(PQcopyResult(r.0, 0));
        assert_eq!((none.nfields(), none.ntuples()), (0, 0));
        // An error result's message is not copied; the status becomes TUPLES_OK.
        let e = c.exec("select 1/0");
        let ec = Res(PQcopyResult(e.0, PG_COPYRES_TUPLES));
        assert_eq!(
            (ec.status(), text(PQresultErrorMessage(ec.0)).as_deref()),
            (PGRES_TUPLES_OK, Some(""))
        );
        assert!(PQcopyResult(null(), 0).is_null());
    }
}

static NOTICES: Mutex<Vec<String>> = Mutex::new(Vec::new());

unsafe extern "C" fn record_notice(_arg: *mut c_void, msg: *const c_char) {
    NOTICES.lock().unwrap().push(text(msg).unwrap_or_default());
}

#[test]
fn set_attrs_setvalue_and_alloc() {
    // SAFETY: results made here; descriptors and values outlive the calls.
    unsafe {
        let r = Res(PQmakeEmptyPGresult(
            null_mut(),
            PGRES_TUPLES_OK as ExecStatusTypeArg,
        ));
        let mut descs = [
            PGresAttDesc {
                name: c"id".as_ptr() as *mut c_char,
                tableid: 0,
                columnid: 0,
                format: 1,
                typid: 23,
                typlen: 4,
                atttypmod: -1,
            },
            PGresAttDesc {
                name: null_mut(),
                tableid: 0,
                columnid: 0,
                format: 1,
                typid: 17,
                typlen: -1,
                atttypmod: -1,
            },
        ];
        assert_eq!(PQsetResultAttrs(r.0, 2, descs.as_mut_ptr()), 1);
        assert_eq!(
            PQsetResultAttrs(r.0, 2, descs.as_mut_ptr()),
            0,
            "columns can't be replaced"
        );
        assert_eq!(
            (r.nfields(), PQbinaryTuples(r.0), PQftype(r.0, 1)),
            (2, 1, 17)
        );
        assert_eq!(text(PQfname(r.0, 1)).as_deref(), Some(""));

        let v = *b"a\0b";
        assert_eq!(PQsetvalue(r.0, 0, 1, v.as_ptr() as *mut c_char, 3), 1);
        assert_eq!(r.ntuples(), 1);
        assert_eq!(PQgetisnull(r.0, 0, 0), 1, "the new row starts as NULLs");
        assert_eq!(PQgetlength(r.0, 0, 1), 3);
        assert_eq!(PQsetvalue(r.0, 0, 0, c"x".as_ptr() as *mut c_char, 0), 1);
        assert_eq!((PQgetisnull(r.0, 0, 0), PQgetlength(r.0, 0, 0)), (0, 0));
        assert_eq!(PQsetvalue(r.0, 0, 0, null_mut(), 5), 1);
        assert_eq!(PQgetisnull(r.0, 0, 0), 1);

        // Out of range: a notice through the result's hooks, and 0.
        let c = conn();
        PQsetNoticeProcessor(c.0, Some(record_notice), null_mut());
        let hooked = Res(PQmakeEmptyPGresult(
            c.0,
            PGRES_TUPLES_OK as ExecStatusTypeArg,
        ));
        PQsetResultAttrs(hooked.0, 1, descs.as_mut_ptr());
        NOTICES.lock().unwrap().clear();
        assert_eq!(
            PQsetvalue(hooked.0, 2, 0, c"1".as_ptr() as *mut c_char, 1),
            0
        );
        assert_eq!(
            PQsetvalue(hooked.0, 0, 1, c"1".as_ptr() as *mut c_char, 1),
            0
        );
        assert_eq!(
            *NOTICES.lock().unwrap(),
            [
                "row number 2 is out of range 0..0\n",
                "column number 1 is out of range 0..0\n"
            ]
        );

        let before = PQresultMemorySize(r.0);
        let p = PQresultAlloc(r.0, 100);
        assert!(!p.is_null() && (p as usize).is_multiple_of(8));
        std::ptr::write_bytes(p.cast::<u8>(), 0xab, 100);
        assert!(PQresultMemorySize(r.0) >= before + 100);
        assert!(!PQresultAlloc(r.0, 0).is_null());
        assert!(PQresultAlloc(r.0, usize::MAX).is_null());
        assert!(PQresultAlloc(null_mut(), 1).is_null());
    }
}

// ---- events ----

static EVENTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

unsafe extern "C" fn record_event(id: PGEventId, info: *mut c_void, pass: *mut c_void) -> c_int {
    let pass = text(pass as *const c_char).unwrap_or_default();
    // SAFETY: info is the struct libpq documents for each id.
    let detail = unsafe {
        match id {
            PGEventId::PGEVT_RESULTCREATE => {
                let e = &*(info as *mut PGEventResultCreate);
                PQresultSetInstanceData(
                    e.result,
                    Some(record_event),
                    c"mine".as_ptr() as *mut c_void,
                );
                let status = ExecStatusType::from_raw(PQresultStatus(e.result));
                format!(" {:?}", status.expect("a known status"))
            }
            PGEventId::PGEVT_RESULTDESTROY => {
                let e = &*(info as *mut PGEventResultDestroy);
                let data = PQresultInstanceData(e.result, Some(record_event));
                format!(" data={:?}", text(data as *const c_char))
            }
            PGEventId::PGEVT_CONNDESTROY => {
                let e = &*(info as *mut PGEventConnDestroy);
                format!(
                    " data={:?}",
                    text(PQinstanceData(e.conn, Some(record_event)) as *const c_char)
                )
            }
            _ => String::new(),
        }
    };
    EVENTS
        .lock()
        .unwrap()
        .push(format!("{id:?} {pass}{detail}"));
    1
}

#[test]
fn event_lifecycle() {
    EVENTS.lock().unwrap().clear();
    let c = Conn::ok(&server().unix(TRUST_USER, ""));
    // SAFETY: live handles; the proc is a valid PGEventProc.
    unsafe {
        assert_eq!(
            PQregisterEventProc(
                c.0,
                Some(record_event),
                c"rec".as_ptr(),
                c"P".as_ptr() as *mut c_void
            ),
            1
        );
        assert_eq!(
            PQregisterEventProc(c.0, Some(record_event), c"rec".as_ptr(), null_mut()),
            0
        );
        assert_eq!(PQregisterEventProc(c.0, None, c"x".as_ptr(), null_mut()), 0);
        assert_eq!(
            PQsetInstanceData(
                c.0,
                Some(record_event),
                c"conn-data".as_ptr() as *mut c_void
            ),
            1
        );
        let r = c.exec("select 1");
        let copy = Res(PQcopyResult(r.0, PG_COPYRES_EVENTS));
        drop(copy);
        drop(r);
        PQreset(c.0);
        assert_eq!(c.status(), ConnStatusType::CONNECTION_OK);
    }
    drop(c);
    assert_eq!(
        *EVENTS.lock().unwrap(),
        [
            "PGEVT_REGISTER P",
            "PGEVT_RESULTCREATE P PGRES_TUPLES_OK",
            "PGEVT_RESULTCOPY P",
            "PGEVT_RESULTDESTROY P data=None",
            "PGEVT_RESULTDESTROY P data=Some(\"mine\")",
            "PGEVT_CONNRESET P",
            "PGEVT_CONNDESTROY P data=Some(\"conn-data\")",
        ]
    );
}
