//! Escaping: our PQescapeStringConn, PQescapeLiteral, PQescapeIdentifier,
//! PQescapeByteaConn, PQunescapeBytea, PQescapeString and PQescapeBytea
//! against the system libpq (Debian libpq5 15.18, which has the same
//! CVE-2025-1094/CVE-2025-4207 checks as libpq 18), loaded with dlopen into
//! this process, over many inputs in many client encodings, with
//! standard_conforming_strings on and off; and round trips through the server.

use std::ffi::{c_char, c_int, c_uchar, c_void, CStr, CString};
use std::ptr;
use std::sync::{Mutex, MutexGuard, OnceLock};

use crate::support::{server, TRUST_USER};
use crate::util::*;
use pq::ffi::*;

const SYSTEM_LIBPQ: &str = "/usr/lib/x86_64-linux-gnu/libpq.so.5";

/// The static escaping defaults are process-wide (in both libraries).
fn serialize() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

type Conn0 = *mut c_void;

/// The system libpq's functions this file uses.
struct Sys {
    connectdb: unsafe extern "C" fn(*const c_char) -> Conn0,
    finish: unsafe extern "C" fn(Conn0),
    status: unsafe extern "C" fn(Conn0) -> c_int,
    error_message: unsafe extern "C" fn(Conn0) -> *const c_char,
    exec: unsafe extern "C" fn(Conn0, *const c_char) -> *mut c_void,
    clear: unsafe extern "C" fn(*mut c_void),
    escape_string_conn:
        unsafe extern "C" fn(Conn0, *mut c_char, *const c_char, usize, *mut c_int) -> usize,
    escape_string: unsafe extern "C" fn(*mut c_char, *const c_char, usize) -> usize,
    escape_literal: unsafe extern "C" fn(Conn0, *const c_char, usize) -> *mut c_char,
    escape_identifier: unsafe extern "C" fn(Conn0, *const c_char, usize) -> *mut c_char,
    escape_bytea_conn:
        unsafe extern "C" fn(Conn0, *const c_uchar, usize, *mut usize) -> *mut c_uchar,
    escape_bytea: unsafe extern "C" fn(*const c_uchar, usize, *mut usize) -> *mut c_uchar,
    unescape_bytea: unsafe extern "C" fn(*const c_uchar, *mut usize) -> *mut c_uchar,
    freemem: unsafe extern "C" fn(*mut c_void),
}

// SAFETY: plain function pointers into a library that stays loaded.
unsafe impl Sync for Sys {}
unsafe impl Send for Sys {}

fn sys() -> Option<&'static Sys> {
    static SYS: OnceLock<Option<Sys>> = OnceLock::new();
    SYS.get_or_init(|| {
        let path = CString::new(SYSTEM_LIBPQ).unwrap();
        // SAFETY: dlopen of a real shared library; RTLD_DEEPBIND keeps its own
        // symbols from resolving to ours.
        let h = unsafe {
            libc::dlopen(
                path.as_ptr(),
                libc::RTLD_NOW | libc::RTLD_LOCAL | libc::RTLD_DEEPBIND,
            )
        };
        if h.is_null() {
            eprintln!("SKIPPED: {SYSTEM_LIBPQ} cannot be loaded");
            return None;
        }
        let sym = |name: &str| {
            let n = CString::new(name).unwrap();
            // SAFETY: a live handle and a C string.
            let p = unsafe { libc::dlsym(h, n.as_ptr()) };
            assert!(!p.is_null(), "{name} missing from {SYSTEM_LIBPQ}");
            p
        };
        // SAFETY: each symbol has the libpq prototype it is cast to.
        unsafe {
            Some(Sys {
                connectdb: cast(sym("PQconnectdb")),
                finish: cast(sym("PQfinish")),
                status: cast(sym("PQstatus")),
                error_message: cast(sym("PQerrorMessage")),
                exec: cast(sym("PQexec")),
                clear: cast(sym("PQclear")),
                escape_string_conn: cast(sym("PQescapeStringConn")),
                escape_string: cast(sym("PQescapeString")),
                escape_literal: cast(sym("PQescapeLiteral")),
                escape_identifier: cast(sym("PQescapeIdentifier")),
                escape_bytea_conn: cast(sym("PQescapeByteaConn")),
                escape_bytea: cast(sym("PQescapeBytea")),
                unescape_bytea: cast(sym("PQunescapeBytea")),
                freemem: cast(sym("PQfreemem")),
            })
        }
    })
    .as_ref()
}

/// A symbol as the function pointer type it is declared as.
///
/// # Safety
/// `p` is a function with exactly the prototype `F` describes.
unsafe fn cast<F: Copy>(p: *mut c_void) -> F {
    assert_eq!(std::mem::size_of::<F>(), std::mem::size_of::<*mut c_void>());
    // SAFETY: see the contract; sizes are equal.
    unsafe { std::mem::transmute_copy(&p) }
}

/// A system-libpq connection, finished on drop.
struct SysConn(&'static Sys, Conn0);

impl SysConn {
    fn open(sys: &'static Sys, conninfo: &str) -> SysConn {
        let c = cs(conninfo);
        // SAFETY: a C string.
        let conn = SysConn(sys, unsafe { (sys.connectdb)(c.as_ptr()) });
        // SAFETY: live handle.
        assert_eq!(unsafe { (sys.status)(conn.1) }, 0, "{}", conn.error());
        conn
    }
    fn error(&self) -> String {
        // SAFETY: live handle.
        text(unsafe { (self.0.error_message)(self.1) }).unwrap()
    }
    fn exec_ok(&self, sql: &str) {
        let q = cs(sql);
        // SAFETY: live handle, C string; the result is cleared.
        unsafe { (self.0.clear)((self.0.exec)(self.1, q.as_ptr())) }
    }
}

impl Drop for SysConn {
    fn drop(&mut self) {
        // SAFETY: we own the handle.
        unsafe { (self.0.finish)(self.1) }
    }
}

/// Takes a malloc'd result (NULL gives None).
///
/// # Safety
/// `p` is NULL or malloc'd and readable for `len` bytes.
unsafe fn take(
    p: *mut c_void,
    len: usize,
    free: unsafe extern "C" fn(*mut c_void),
) -> Option<Vec<u8>> {
    if p.is_null() {
        return None;
    }
    // SAFETY: see the contract.
    unsafe {
        let v = std::slice::from_raw_parts(p as *const u8, len).to_vec();
        free(p);
        Some(v)
    }
}

/// Everything observable of one escape call.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    string: (Vec<u8>, usize, c_int, String),
    literal: (Option<Vec<u8>>, String),
    ident: (Option<Vec<u8>>, String),
    bytea: (Option<Vec<u8>>, usize, String),
}

fn c_bytes(p: *const c_char) -> Option<Vec<u8>> {
    // SAFETY: NULL or a NUL-terminated string.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_bytes().to_vec())
}

fn ours(conn: &Conn, input: &[u8], len: usize) -> Outcome {
    let mut buf = vec![0x55u8; 2 * len + 1];
    let mut err: c_int = 7;
    let mut blen = 0usize;
    // SAFETY: live handle; `input` has at least `len` bytes; `buf` 2*len+1.
    unsafe {
        let from = input.as_ptr() as *const c_char;
        let n = PQescapeStringConn(conn.0, buf.as_mut_ptr() as *mut c_char, from, len, &mut err);
        assert_eq!(buf[n], 0);
        let string = (buf[..n].to_vec(), n, err, conn.error());
        let lit = PQescapeLiteral(conn.0, from, len);
        let literal = (c_bytes(lit), conn.error());
        PQfreemem(lit as *mut c_void);
        let id = PQescapeIdentifier(conn.0, from, len);
        let ident = (c_bytes(id), conn.error());
        PQfreemem(id as *mut c_void);
        let b = PQescapeByteaConn(conn.0, input.as_ptr(), len, &mut blen);
        let bytea = (take(b as *mut c_void, blen, PQfreemem), blen, conn.error());
        Outcome {
            string,
            literal,
            ident,
            bytea,
        }
    }
}

fn theirs(conn: &SysConn, input: &[u8], len: usize) -> Outcome {
    let s = conn.0;
    let mut buf = vec![0x55u8; 2 * len + 1];
    let mut err: c_int = 7;
    let mut blen = 0usize;
    // SAFETY: as in `ours`, with the system library's functions.
    unsafe {
        let from = input.as_ptr() as *const c_char;
        let n =
            (s.escape_string_conn)(conn.1, buf.as_mut_ptr() as *mut c_char, from, len, &mut err);
        let string = (buf[..n].to_vec(), n, err, conn.error());
        let lit = (s.escape_literal)(conn.1, from, len);
        let literal = (c_bytes(lit), conn.error());
        (s.freemem)(lit as *mut c_void);
        let id = (s.escape_identifier)(conn.1, from, len);
        let ident = (c_bytes(id), conn.error());
        (s.freemem)(id as *mut c_void);
        let b = (s.escape_bytea_conn)(conn.1, input.as_ptr(), len, &mut blen);
        let bytea = (take(b as *mut c_void, blen, s.freemem), blen, conn.error());
        Outcome {
            string,
            literal,
            ident,
            bytea,
        }
    }
}

/// Fixed cases plus deterministic pseudo-random byte strings rich in quotes,
/// backslashes, NULs and high bytes.
fn corpus() -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = [
        &b""[..],
        b"plain",
        b"it's \\ here",
        b"\"quoted\" ident",
        b"a\0b'",
        "héllo ü € 𝄞".as_bytes(),
        b"\xc3",
        b"\xc3'",
        b"\xc3\xa9\xc3",
        b"\xe2\x82",
        b"\xe2\x82'; drop table x; --",
        b"\xff\xfe'\\",
        b"\xf0\x9d\x84",
        b"\xc0\xaf",
        b"\xed\xa0\x80",
        b"\x83\x5c'",
        b"\x95\x5c\\'",
        b"\x83'",
        b"\x81",
        b"\xa5\x5c'",
        b"\xd6\xd0\xce\xc4",
        b"\x81\x30\x81\x30'",
        b"\x81\x30'",
        b"\x8e\xa1'",
        b"\x8f\xa1\xa1",
        b"\x8d ",
        b"\x80\x80\x80",
    ]
    .iter()
    .map(|s| s.to_vec())
    .collect();
    let alphabet =
        b"'\"\\\0aZ \x5c\x30\x80\x81\x8d\x8e\x8f\xa1\xa5\xc0\xc3\xd6\xe2\xed\xf0\xfe\xff";
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..300 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let len = (x % 9) as usize;
        let mut s = Vec::with_capacity(len);
        let mut y = x;
        for _ in 0..len {
            y = y
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let r = (y >> 33) as usize;
            // One byte in three is arbitrary, the others from the alphabet.
            s.push(match r % 3 {
                0 => (r >> 8) as u8,
                _ => alphabet[(r >> 8) % alphabet.len()],
            });
        }
        v.push(s);
    }
    v
}

const ENCODINGS: &[&str] = &[
    "UTF8",
    "SQL_ASCII",
    "LATIN1",
    "SJIS",
    "SHIFT_JIS_2004",
    "GBK",
    "GB18030",
    "BIG5",
    "UHC",
    "EUC_JP",
    "EUC_CN",
    "EUC_KR",
    "EUC_TW",
    "JOHAB",
    "WIN1251",
];

#[test]
fn same_as_system_libpq() {
    let Some(sys) = sys() else { return };
    let _lock = serialize();
    let corpus = corpus();
    let mut checked = 0;
    for enc in ENCODINGS {
        let info = server().tcp(TRUST_USER, &format!("client_encoding={enc}"));
        let c = Conn::ok(&info);
        let s = SysConn::open(sys, &info);
        for std_strings in ["on", "off"] {
            let set = format!("set standard_conforming_strings = {std_strings}");
            c.exec(&set);
            s.exec_ok(&set);
            for input in &corpus {
                // The whole input, and cut short (possibly inside a character).
                for len in [input.len(), input.len().saturating_sub(1)] {
                    let mine = ours(&c, input, len);
                    let want = theirs(&s, input, len);
                    assert_eq!(
                        mine, want,
                        "client_encoding={enc} standard_conforming_strings={std_strings} \
                         input={input:x?} len={len}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 5000, "{checked}");
}

#[test]
fn unescape_bytea_same_as_system_libpq() {
    let Some(sys) = sys() else { return };
    let mut inputs: Vec<Vec<u8>> = [
        &b""[..],
        b"\\x",
        b"\\x00275C61",
        b"\\x0 0zz2",
        b"\\x012",
        b"\\xg1\xff41",
        b"\\000''\\\\a\\377",
        b"a\\qb\\",
        b"\\400\\37\\3",
        b"\\\\x41",
        b"x\\x41",
    ]
    .iter()
    .map(|s| s.to_vec())
    .collect();
    for b in 0..=255u8 {
        inputs.push(vec![b'\\', b'x', b, b'1']);
        inputs.push(vec![
            b'\\',
            b'0' + (b >> 6),
            b'0' + ((b >> 3) & 7),
            b'0' + (b & 7),
            b,
        ]);
    }
    for input in inputs {
        let c = CString::new(input.split(|&b| b == 0).next().unwrap()).unwrap();
        let (mut n1, mut n2) = (0usize, 0usize);
        // SAFETY: C strings; results malloc'd with the lengths written.
        let (a, b) = unsafe {
            let p = c.as_ptr() as *const c_uchar;
            (
                take(PQunescapeBytea(p, &mut n1) as *mut c_void, n1, PQfreemem),
                take(
                    (sys.unescape_bytea)(p, &mut n2) as *mut c_void,
                    n2,
                    sys.freemem,
                ),
            )
        };
        assert_eq!((a, n1), (b, n2), "{input:x?}");
    }
    // SAFETY: NULL is answered with NULL.
    assert!(unsafe { PQunescapeBytea(ptr::null(), ptr::null_mut()) }.is_null());
}

#[test]
fn connectionless_functions_use_last_reported_settings() {
    let Some(sys) = sys() else { return };
    let _lock = serialize();
    let corpus = corpus();
    for (enc, id) in [("SJIS", 35), ("UTF8", 6), ("LATIN1", 8)] {
        let info = server().tcp(TRUST_USER, &format!("client_encoding={enc}"));
        let s = SysConn::open(sys, &info);
        for std_strings in [true, false] {
            s.exec_ok(&format!(
                "set standard_conforming_strings = {}",
                if std_strings { "on" } else { "off" }
            ));
            for input in &corpus {
                let len = input.len();
                let mut b1 = vec![0u8; 2 * len + 1];
                let mut b2 = vec![0u8; 2 * len + 1];
                let (mut l1, mut l2) = (0usize, 0usize);
                // Other tests' connections may move our static defaults at
                // any time: set them right before each call, retry on a race.
                let mut attempts = 0;
                let (mine, want) = loop {
                    attempts += 1;
                    pq::escape::set_static_client_encoding(id);
                    pq::escape::set_static_std_strings(std_strings);
                    // SAFETY: buffers of 2*len+1 bytes; results malloc'd.
                    let r = unsafe {
                        let from = input.as_ptr() as *const c_char;
                        let n1 = PQescapeString(b1.as_mut_ptr() as *mut c_char, from, len);
                        let p1 = PQescapeBytea(input.as_ptr(), len, &mut l1);
                        let n2 = (sys.escape_string)(b2.as_mut_ptr() as *mut c_char, from, len);
                        let p2 = (sys.escape_bytea)(input.as_ptr(), len, &mut l2);
                        (
                            (
                                b1[..=n1].to_vec(),
                                take(p1 as *mut c_void, l1, PQfreemem),
                                l1,
                            ),
                            (
                                b2[..=n2].to_vec(),
                                take(p2 as *mut c_void, l2, sys.freemem),
                                l2,
                            ),
                        )
                    };
                    if r.0 == r.1 || attempts == 5 {
                        break r;
                    }
                };
                assert_eq!(mine, want, "{enc} std_strings={std_strings} {input:x?}");
            }
        }
    }
}

#[test]
fn null_arguments() {
    let mut to = [0x55 as c_char; 4];
    let mut err: c_int = 0;
    let mut n = 0usize;
    // SAFETY: NULL handles get libpq's answers.
    unsafe {
        let from = c"x'y".as_ptr();
        assert_eq!(
            PQescapeStringConn(ptr::null_mut(), to.as_mut_ptr(), from, 3, &mut err),
            0
        );
        assert_eq!((to[0], err), (0, 1));
        assert!(PQescapeLiteral(ptr::null_mut(), from, 3).is_null());
        assert!(PQescapeIdentifier(ptr::null_mut(), from, 3).is_null());
        assert!(PQescapeByteaConn(ptr::null_mut(), from as *const c_uchar, 3, &mut n).is_null());
    }
}

/// Our escaped text, sent back through the server, gives the input again.
#[test]
fn round_trips_through_the_server() {
    let cases: &[(&str, &[&[u8]])] = &[
        (
            "UTF8",
            &[b"it's \\ here", "héllo 'ü' \\€ 𝄞 \"x\"".as_bytes()],
        ),
        (
            "SJIS",
            &[b"\x83\x5c'\\", b"\x95\x5c\\'\x95\x5c", b"a\x83\x5cb"],
        ),
        ("BIG5", &[b"\xa5\x5c'\\", b"\xa5\x5c\xa5\x5c"]),
        ("GBK", &[b"\xd6\xd0\xce\xc4'\\"]),
        ("LATIN1", &[b"caf\xe9 '\\'"]),
    ];
    for (enc, inputs) in cases {
        let c = Conn::ok(&server().tcp(TRUST_USER, &format!("client_encoding={enc}")));
        c.exec("set escape_string_warning = off");
        for std_strings in ["on", "off"] {
            c.exec(&format!("set standard_conforming_strings = {std_strings}"));
            for input in inputs.iter() {
                let len = input.len();
                // SAFETY: live handle, valid buffers; results freed.
                let (lit, ident, plain, bytea) = unsafe {
                    let from = input.as_ptr() as *const c_char;
                    let l = PQescapeLiteral(c.0, from, len);
                    let i = PQescapeIdentifier(c.0, from, len);
                    let mut buf = vec![0u8; 2 * len + 1];
                    let mut err = 0;
                    let n = PQescapeStringConn(
                        c.0,
                        buf.as_mut_ptr() as *mut c_char,
                        from,
                        len,
                        &mut err,
                    );
                    assert_eq!(err, 0, "{enc} {input:x?}");
                    let mut bl = 0;
                    let b = PQescapeByteaConn(c.0, input.as_ptr(), len, &mut bl);
                    let out = (
                        c_bytes(l).unwrap(),
                        c_bytes(i).unwrap(),
                        buf[..n].to_vec(),
                        c_bytes(b as *const c_char).unwrap(),
                    );
                    assert_eq!(bl, out.3.len() + 1);
                    PQfreemem(l as *mut c_void);
                    PQfreemem(i as *mut c_void);
                    PQfreemem(b as *mut c_void);
                    out
                };
                let mut sql = b"select ".to_vec();
                sql.extend_from_slice(&lit);
                sql.extend_from_slice(b" as ");
                sql.extend_from_slice(&ident);
                sql.extend_from_slice(b", '");
                sql.extend_from_slice(&plain);
                sql.extend_from_slice(b"', ");
                sql.extend_from_slice(b"'");
                sql.extend_from_slice(&bytea);
                sql.extend_from_slice(b"'::bytea");
                let q = CString::new(sql).unwrap();
                // SAFETY: live handle, C string; the result lives in `r`.
                let r = Res(unsafe { PQexec(c.0, q.as_ptr()) });
                assert_eq!(
                    r.status(),
                    ExecStatusType::PGRES_TUPLES_OK,
                    "{enc} {}",
                    r.error()
                );
                // SAFETY: a live result with one row of three columns.
                unsafe {
                    assert_eq!(
                        c_bytes(PQgetvalue(r.0, 0, 0)).unwrap(),
                        *input,
                        "{enc} literal"
                    );
                    assert_eq!(
                        c_bytes(PQfname(r.0, 0)).unwrap(),
                        *input,
                        "{enc} identifier"
                    );
                    assert_eq!(
                        c_bytes(PQgetvalue(r.0, 0, 1)).unwrap(),
                        *input,
                        "{enc} string"
                    );
                    let mut n = 0;
                    let p = PQunescapeBytea(PQgetvalue(r.0, 0, 2) as *const c_uchar, &mut n);
                    assert_eq!(
                        take(p as *mut c_void, n, PQfreemem).unwrap(),
                        *input,
                        "{enc} bytea"
                    );
                }
            }
        }
    }
}

/// libpq 18 (CVE-2025-12818): an escaped bytea whose size does not fit
/// size_t is refused before the input is read; one that fits but cannot be
/// allocated is "out of memory", with `*to_length` already set. `from` is one
/// byte here: nothing may read past it.
#[test]
fn bytea_sizes_past_size_max() {
    let c = Conn::ok(&server().tcp(TRUST_USER, ""));
    let x = b"x";
    let too_large = "escaped bytea size exceeds the maximum allowed (18446744073709551615)\n";
    // standard_conforming_strings, the largest length that fits, its size
    for (std_strings, fits, size) in [
        ("on", usize::MAX / 2 - 1, usize::MAX),
        ("off", usize::MAX / 2 - 2, usize::MAX - 1),
    ] {
        c.exec(&format!("set standard_conforming_strings = {std_strings}"));
        let extra = usize::from(std_strings == "off");
        for (len, want_tl, want_error) in [
            (fits + 1, 12345, too_large),
            (usize::MAX, 12345, too_large),
            (fits, size, "out of memory\n"),
            (1 << 62, (1 << 63) + 3 + extra, "out of memory\n"),
        ] {
            let mut tl = 12345usize;
            // SAFETY: live handle; the length is never used to read.
            let p = unsafe { PQescapeByteaConn(c.0, x.as_ptr(), len, &mut tl) };
            assert!(p.is_null(), "{std_strings} {len}");
            assert_eq!(
                (tl, c.error().as_str()),
                (want_tl, want_error),
                "{std_strings} {len}"
            );
        }
    }
    // SAFETY: as above; escape format must read, so no such buffer can exist.
    unsafe {
        let mut tl = 12345usize;
        assert!(PQescapeBytea(x.as_ptr(), usize::MAX, &mut tl).is_null());
        assert_eq!(tl, 12345);
        // a NULL input is empty whatever the length
        let p = PQescapeByteaConn(c.0, ptr::null(), 5, &mut tl);
        assert_eq!(c_bytes(p as *const c_char).unwrap(), b"\\\\x");
        assert_eq!(tl, 4);
        PQfreemem(p as *mut c_void);
    }
}

/// The escape functions clear the connection's error message unless a
/// command is queued: also on a connection whose startup failed.
#[test]
fn escaping_clears_the_error_of_a_failed_connection() {
    let c = Conn::open(&server().tcp(TRUST_USER, "dbname=libpqrs_no_such_database"));
    assert_eq!(c.status(), ConnStatusType::CONNECTION_BAD);
    assert!(c.error().contains("does not exist"), "{}", c.error());
    let mut to = [0 as c_char; 8];
    let mut err = 7;
    // SAFETY: live handle; `to` has 2*3+1 bytes.
    let n = unsafe { PQescapeStringConn(c.0, to.as_mut_ptr(), c"a'b".as_ptr(), 3, &mut err) };
    // never connected: SQL_ASCII, standard_conforming_strings off
    assert_eq!((n, err, c.error().as_str()), (4, 0, ""));
    // SAFETY: live handle, C string; the result is freed.
    unsafe {
        let p = PQescapeLiteral(c.0, c"\xff".as_ptr(), 1);
        assert_eq!(c_bytes(p).unwrap(), b"'\xff'");
        PQfreemem(p as *mut c_void);
    }
}
