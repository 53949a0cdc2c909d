//! A small fake PostgreSQL server for what a real one does not do on
//! request: answering a function call (PQfn, lo_read, lo_tell64, ...) with a
//! value longer or shorter than the caller asked for, with a message that
//! does not belong to a function call, with no value at all, or by hanging
//! up. A value longer than the caller's buffer must be an error, never an
//! overrun (libpq 18's PQnfn: "server returned too much data").
//!
//! It speaks just enough protocol 3.0: it refuses SSL and GSS encryption,
//! sends AuthenticationOk, ParameterStatus, BackendKeyData and
//! ReadyForQuery, answers the large-object OID lookup (functions 1001..1013)
//! and any other query with `1`, and answers FunctionCall as the
//! connection's `application_name` (the scenario) says.
//!
//! Checked two ways: in-process on our library, and by running section
//! `fake` of `tests/differential/lobj.c` on libpq 18 and on ours, whose
//! outputs must be identical.

use std::ffi::c_char;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::OnceLock;

use crate::support::fake::{self, message, read_i32};
use crate::support::lib_dir;
use crate::util::*;
use pq::ffi::*;

/// The large-object functions of the fake server, as lo_initialize's query lists them.
const LO_FUNCTIONS: &[(&str, u32)] = &[
    ("lo_open", 1001),
    ("lo_close", 1002),
    ("lo_creat", 1003),
    ("lo_create", 1004),
    ("lo_unlink", 1005),
    ("lo_lseek", 1006),
    ("lo_lseek64", 1007),
    ("lo_tell", 1008),
    ("lo_tell64", 1009),
    ("lo_truncate", 1010),
    ("lo_truncate64", 1011),
    ("loread", 1012),
    ("lowrite", 1013),
];
const LOREAD: u32 = 1012;
const LO_TELL64: u32 = 1009;
const LO_LSEEK64: u32 = 1007;
/// The C program whose section `fake` talks to this server.
const LOBJ_C: &str = "tests/differential/lobj.c";
/// The function PQfn calls in the scenarios.
const RAW: u32 = 2000;

/// The port of the fake server (started once per test process).
fn fake_port() -> u16 {
    static PORT: OnceLock<u16> = OnceLock::new();
    *PORT.get_or_init(|| fake::spawn(serve))
}

fn cstrs(parts: &[&[u8]]) -> Vec<u8> {
    let mut b = Vec::new();
    for p in parts {
        b.extend_from_slice(p);
        b.push(0);
    }
    b
}

/// A FunctionCallResponse carrying `value`.
fn value(bytes: &[u8]) -> Vec<u8> {
    let mut body = (bytes.len() as i32).to_be_bytes().to_vec();
    body.extend_from_slice(bytes);
    message(b'V', &body)
}

fn ready() -> Vec<u8> {
    message(b'Z', b"I")
}

/// The integer arguments of a FunctionCall body (the others as 0).
fn int_args(body: &[u8]) -> (u32, Vec<i32>) {
    let be32 = |at: usize| i32::from_be_bytes(body[at..at + 4].try_into().unwrap());
    let be16 = |at: usize| i16::from_be_bytes(body[at..at + 2].try_into().unwrap());
    let fnid = be32(0) as u32;
    let nformats = be16(4) as usize;
    let mut at = 6 + 2 * nformats;
    let nargs = be16(at).max(0) as usize;
    at += 2;
    let mut args = Vec::new();
    for _ in 0..nargs {
        let len = be32(at);
        at += 4;
        let n = len.max(0) as usize;
        args.push(if n == 4 { be32(at) } else { 0 });
        at += n;
    }
    (fnid, args)
}

/// One connection: startup, then queries and function calls until Terminate.
fn serve(mut s: TcpStream) -> std::io::Result<()> {
    // SSLRequest / GSSENCRequest are refused; then the startup packet.
    let (_, params) = fake::startup_refusing_encryption(&mut s)?;
    let fields: Vec<&[u8]> = params.split(|&b| b == 0).collect();
    let scenario = fields
        .chunks(2)
        .find(|kv| kv[0] == b"application_name")
        .map(|kv| String::from_utf8_lossy(kv[1]).into_owned())
        .unwrap_or_default();

    let mut hello = message(b'R', &0i32.to_be_bytes());
    for (k, v) in [
        ("server_version", "15.0"),
        ("server_encoding", "UTF8"),
        ("client_encoding", "UTF8"),
        ("standard_conforming_strings", "on"),
        ("integer_datetimes", "on"),
        ("DateStyle", "ISO, MDY"),
    ] {
        hello.extend(message(b'S', &cstrs(&[k.as_bytes(), v.as_bytes()])));
    }
    hello.extend(message(b'K', &[0, 0, 0x10, 0x92, 1, 2, 3, 4]));
    hello.extend(ready());
    s.write_all(&hello)?;

    loop {
        let mut tag = [0u8; 1];
        s.read_exact(&mut tag)?;
        let len = read_i32(&mut s)? as usize;
        let mut body = vec![0u8; len - 4];
        s.read_exact(&mut body)?;
        let reply = match tag[0] {
            b'X' => return Ok(()),
            b'Q' if body.windows(7).any(|w| w == b"pg_proc") => {
                let mut r = message(
                    b'T',
                    &[
                        &2i16.to_be_bytes()[..],
                        &cstrs(&[b"proname"]),
                        &[
                            0, 0, 0, 0, 0, 0, 0, 0, 0, 19, 0, 64, 255, 255, 255, 255, 0, 0,
                        ],
                        &cstrs(&[b"oid"]),
                        &[
                            0, 0, 0, 0, 0, 0, 0, 0, 0, 26, 0, 4, 255, 255, 255, 255, 0, 0,
                        ],
                    ]
                    .concat(),
                );
                for (name, oid) in LO_FUNCTIONS {
                    let oid = oid.to_string();
                    let mut row = 2i16.to_be_bytes().to_vec();
                    for v in [name.as_bytes(), oid.as_bytes()] {
                        row.extend_from_slice(&(v.len() as i32).to_be_bytes());
                        row.extend_from_slice(v);
                    }
                    r.extend(message(b'D', &row));
                }
                r.extend(message(b'C', &cstrs(&[b"SELECT 13"])));
                r.extend(ready());
                r
            }
            b'Q' => {
                let mut r = message(
                    b'T',
                    &[
                        &1i16.to_be_bytes()[..],
                        &cstrs(&[b"?column?"]),
                        &[
                            0, 0, 0, 0, 0, 0, 0, 0, 0, 23, 0, 4, 255, 255, 255, 255, 0, 0,
                        ],
                    ]
                    .concat(),
                );
                r.extend(message(b'D', &[0, 1, 0, 0, 0, 1, b'1']));
                r.extend(message(b'C', &cstrs(&[b"SELECT 1"])));
                r.extend(ready());
                r
            }
            b'F' => {
                let (fnid, args) = int_args(&body);
                let v = match (scenario.as_str(), fnid) {
                    ("close", _) => return Ok(()),
                    ("read_overrun", LOREAD) => value(&vec![b'A'; args[1] as usize + 100]),
                    ("read_exact", LOREAD) => value(&vec![b'B'; args[1] as usize]),
                    ("int64_overrun", LO_TELL64) => {
                        value(&[0, 0, 0, 0, 0, 0, 0, 7, 9, 9, 9, 9, 9, 9, 9, 9])
                    }
                    ("int64_short", LO_TELL64 | LO_LSEEK64) => value(&[0, 0, 0, 7]),
                    ("pqfn_64", RAW) => value(&[b'C'; 64]),
                    ("int2_result", RAW) => value(&[0xff, 0xfe]),
                    ("protocol_error", RAW) => message(b'q', b""),
                    ("no_result", RAW) => Vec::new(),
                    (_, LO_TELL64 | LO_LSEEK64) => value(&7i64.to_be_bytes()),
                    _ => value(&0i32.to_be_bytes()),
                };
                [v, ready()].concat()
            }
            _ => Vec::new(),
        };
        s.write_all(&reply)?;
    }
}

fn connect(scenario: &str) -> Conn {
    Conn::ok(&format!(
        "host=127.0.0.1 port={} user=fake dbname=fake sslmode=disable gssencmode=disable \
         application_name={scenario}",
        fake_port()
    ))
}

#[test]
fn lo_read_longer_than_the_buffer_is_an_error_not_an_overrun() {
    let c = connect("read_overrun");
    // 16 bytes asked for; the server sends 116. The bytes after the first 16
    // are a canary that must stay as it is.
    let mut buf = [b'#'; 16 + 200];
    // SAFETY: live connection; the buffer holds 16 bytes (and more).
    let n = unsafe { lo_read(c.0, 0, buf.as_mut_ptr() as *mut c_char, 16) };
    assert_eq!(n, -1);
    assert_eq!(c.error(), "server returned too much data\n");
    assert!(buf.iter().all(|&b| b == b'#'), "the buffer was written");
    // The connection is given up, as libpq 18 does.
    assert_eq!(c.status(), ConnStatusType::CONNECTION_BAD);
    // SAFETY: live connection.
    unsafe {
        assert_eq!(PQsocket(c.0), -1);
        assert_eq!(
            PQtransactionStatus(c.0),
            PGTransactionStatusType::PQTRANS_UNKNOWN
        );
    }
}

#[test]
fn lo_read_of_exactly_the_buffer_size_works() {
    let c = connect("read_exact");
    let mut buf = [b'#'; 16 + 8];
    // SAFETY: live connection; the buffer holds 16 bytes (and more).
    let n = unsafe { lo_read(c.0, 0, buf.as_mut_ptr() as *mut c_char, 16) };
    assert_eq!(n, 16, "{}", c.error());
    assert_eq!(&buf[..16], &[b'B'; 16]);
    assert_eq!(&buf[16..], &[b'#'; 8]);
    assert_eq!(c.status(), ConnStatusType::CONNECTION_OK);
    assert_eq!(c.exec("select 1").value(0, 0).as_deref(), Some("1"));
}

#[test]
fn int64_results_must_be_8_bytes() {
    let c = connect("int64_overrun");
    // SAFETY: live connection.
    assert_eq!(unsafe { lo_tell64(c.0, 0) }, -1);
    assert_eq!(c.error(), "server returned too much data\n");
    assert_eq!(c.status(), ConnStatusType::CONNECTION_BAD);

    // Shorter than 8 bytes: -1 without a message; the connection stays.
    let c = connect("int64_short");
    // SAFETY: live connection.
    unsafe {
        assert_eq!(lo_tell64(c.0, 0), -1);
        assert_eq!(c.error(), "");
        assert_eq!(lo_lseek64(c.0, 0, 0, 0), -1);
    }
    assert_eq!(c.status(), ConnStatusType::CONNECTION_OK);

    let c = connect("int64_right");
    // SAFETY: live connection.
    assert_eq!(unsafe { lo_tell64(c.0, 0) }, 7, "{}", c.error());
}

#[test]
fn pqfn_protocol_violations() {
    let arg = [PQArgBlock {
        len: 4,
        isint: 1,
        u: PQArgBlockValue { integer: 1 },
    }];
    let call = |c: &Conn, is_int: i32| {
        let (mut buf, mut len) = ([0x5a5a_5a5a_i32; 20], -7);
        // SAFETY: live connection; an 80-byte result buffer for at most 64 bytes.
        let r = Res(unsafe {
            PQfn(
                c.0,
                RAW as i32,
                buf.as_mut_ptr(),
                &mut len,
                is_int,
                arg.as_ptr(),
                1,
            )
        });
        (r, buf, len)
    };

    // A 2-byte integer is read unsigned, as libpq's pqGetInt does.
    let c = connect("int2_result");
    let (r, buf, len) = call(&c, 1);
    assert_eq!(r.status(), ExecStatusType::PGRES_COMMAND_OK);
    assert_eq!((buf[0], len), (0xfffe, 2));

    // A message that is no part of a function call ends it.
    let c = connect("protocol_error");
    let (r, _, _) = call(&c, 1);
    assert_eq!(r.status(), ExecStatusType::PGRES_FATAL_ERROR);
    assert_eq!(r.error(), "protocol error: id=0x71\n");

    // ReadyForQuery without a value.
    let c = connect("no_result");
    let (r, _, len) = call(&c, 1);
    assert_eq!(r.error(), "protocol error: no function result\n");
    assert_eq!(len, 0);
    assert_eq!(c.exec("select 1").value(0, 0).as_deref(), Some("1"));

    // The server hangs up.
    let c = connect("close");
    let (r, _, _) = call(&c, 1);
    assert_eq!(r.status(), ExecStatusType::PGRES_FATAL_ERROR);
    assert!(
        r.error()
            .starts_with("server closed the connection unexpectedly"),
        "{}",
        r.error()
    );
    assert_eq!(c.status(), ConnStatusType::CONNECTION_BAD);
}

fn run_fake_section(lib: &Path) -> String {
    fake::run_section(LOBJ_C, "fake", fake_port(), lib)
}

/// Section `fake` of tests/differential/lobj.c: libpq 18 and ours print the
/// same (a patched libpq 18 reports the overrun and gives up the connection).
#[test]
fn fake_server_section_matches_libpq18() {
    let ours = run_fake_section(&lib_dir());
    assert!(ours.contains("server returned too much data"), "{ours}");
    assert!(!ours.contains("untouched: NO"), "{ours}");
    fake::assert_same_as_libpq18(LOBJ_C, "fake", fake_port(), &ours);
}

#[test]
fn fake_server_section_under_valgrind() {
    fake::assert_clean_under_valgrind(LOBJ_C, "fake", fake_port());
}
