//! Large objects and the fast path (PQfn) against the real server.

use std::ffi::{c_char, c_int};

use crate::support::{server, TRUST_USER};
use crate::util::*;
use pq::ffi::*;

const INV_WRITE: c_int = 0x0002_0000;
const INV_READ: c_int = 0x0004_0000;
const SEEK_SET: c_int = 0;
const SEEK_END: c_int = 2;

fn conn() -> Conn {
    Conn::ok(&server().unix(TRUST_USER, ""))
}

fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("libpqrs-lobj-{}-{name}", std::process::id()))
}

#[test]
fn import_export_round_trip() {
    let c = conn();
    let src = temp_path("in");
    let dst = temp_path("out");
    // Several LO_BUFSIZE chunks and a partial one, all byte values.
    let data: Vec<u8> = (0..50_000u32).map(|i| (i * 7 + i / 256) as u8).collect();
    std::fs::write(&src, &data).unwrap();
    let (src_c, dst_c) = (cs(src.to_str().unwrap()), cs(dst.to_str().unwrap()));
    // Large-object descriptors live as long as the transaction.
    c.exec("begin");
    // SAFETY: live connection, valid file names.
    unsafe {
        let oid = lo_import(c.0, src_c.as_ptr());
        assert_ne!(oid, 0, "{}", c.error());
        assert_eq!(lo_export(c.0, oid, dst_c.as_ptr()), 1, "{}", c.error());
        assert_eq!(std::fs::read(&dst).unwrap(), data);
        let size = c.exec(&format!("select length(lo_get({oid}))")).value(0, 0);
        assert_eq!(size.as_deref(), Some("50000"));
        assert_eq!(lo_unlink(c.0, oid), 1, "{}", c.error());
        c.exec("commit");
        // Gone now: exporting fails with the server's error.
        assert_eq!(lo_export(c.0, oid, dst_c.as_ptr()), -1);
        assert!(
            c.error()
                .contains(&format!("large object {oid} does not exist")),
            "{}",
            c.error()
        );

        // lo_import_with_oid uses the OID asked for.
        c.exec("begin");
        let want = 4_000_000_000u32.wrapping_add(std::process::id() % 1000);
        let got = lo_import_with_oid(c.0, src_c.as_ptr(), want);
        assert_eq!(got, want, "{}", c.error());
        assert_eq!(lo_unlink(c.0, want), 1);
        c.exec("commit");

        // A missing file.
        let missing = cs("/nonexistent/libpqrs-file");
        assert_eq!(lo_import(c.0, missing.as_ptr()), 0);
        assert_eq!(
            c.error(),
            "could not open file \"/nonexistent/libpqrs-file\": No such file or directory\n"
        );
    }
    let _ = std::fs::remove_file(&src);
    let _ = std::fs::remove_file(&dst);
}

#[test]
fn read_write_seek_tell_truncate() {
    let c = conn();
    c.exec("begin");
    // SAFETY: live connection; buffers are as long as the lengths passed.
    unsafe {
        let oid = lo_creat(c.0, INV_READ | INV_WRITE);
        assert_ne!(oid, 0, "{}", c.error());
        let fd = lo_open(c.0, oid, INV_READ | INV_WRITE);
        assert!(fd >= 0, "{}", c.error());
        let text = b"hello, large object";
        assert_eq!(
            lo_write(c.0, fd, text.as_ptr() as *const c_char, text.len()),
            text.len() as c_int
        );
        assert_eq!(lo_tell(c.0, fd), text.len() as c_int);
        assert_eq!(lo_tell64(c.0, fd), text.len() as i64);
        assert_eq!(lo_lseek(c.0, fd, 7, SEEK_SET), 7);
        let mut buf = [0u8; 64];
        let n = lo_read(c.0, fd, buf.as_mut_ptr() as *mut c_char, 5);
        assert_eq!(n, 5);
        assert_eq!(&buf[..5], b"large");
        assert_eq!(lo_lseek64(c.0, fd, 0, SEEK_END), text.len() as i64);
        // Reading at the end gives 0 bytes.
        assert_eq!(lo_read(c.0, fd, buf.as_mut_ptr() as *mut c_char, 10), 0);
        assert_eq!(lo_truncate(c.0, fd, 5), 0, "{}", c.error());
        assert_eq!(lo_lseek64(c.0, fd, 0, SEEK_END), 5);
        assert_eq!(lo_truncate64(c.0, fd, 3_000_000_000), 0, "{}", c.error());
        assert_eq!(lo_lseek64(c.0, fd, 0, SEEK_END), 3_000_000_000);
        assert_eq!(lo_tell64(c.0, fd), 3_000_000_000);
        assert_eq!(lo_lseek64(c.0, fd, 0, SEEK_SET), 0);
        let n = lo_read(c.0, fd, buf.as_mut_ptr() as *mut c_char, 64);
        assert_eq!(n, 64);
        assert_eq!(&buf[..5], b"hello");
        assert!(buf[5..].iter().all(|&b| b == 0));
        assert_eq!(lo_close(c.0, fd), 0);
        // lo_create with a chosen OID, and one that exists already.
        let want = 3_900_000_000u32.wrapping_add(std::process::id() % 1000);
        assert_eq!(lo_create(c.0, want), want, "{}", c.error());
        assert_eq!(lo_create(c.0, want), 0);
        assert!(c.error().contains("already exists"), "{}", c.error());
    }
    c.exec("rollback");
    // The transaction is usable again after the rollback.
    assert_eq!(c.exec("select 1").value(0, 0).as_deref(), Some("1"));
}

#[test]
fn bad_descriptor_and_null_connection() {
    let c = conn();
    // SAFETY: live or NULL connection handles.
    unsafe {
        assert_eq!(lo_close(c.0, 12345), -1);
        assert_eq!(
            c.error(),
            "ERROR:  invalid large-object descriptor: 12345\n"
        );
        assert_eq!(lo_tell64(c.0, 999), -1);
        assert_eq!(lo_open(std::ptr::null_mut(), 1, INV_READ), -1);
        assert_eq!(lo_creat(std::ptr::null_mut(), INV_READ), 0);
        assert_eq!(lo_lseek64(std::ptr::null_mut(), 1, 0, 0), -1);
    }
    // The connection still works for queries.
    assert_eq!(c.exec("select 2").value(0, 0).as_deref(), Some("2"));
}

#[test]
fn pqfn_calls_a_function_by_oid() {
    let c = conn();
    let fnid: i32 = c
        .exec("select 'pg_catalog.int4pl(int4,int4)'::regprocedure::oid")
        .value(0, 0)
        .unwrap()
        .parse()
        .unwrap();
    let args = [
        PQArgBlock {
            len: 4,
            isint: 1,
            u: PQArgBlockValue { integer: 40 },
        },
        PQArgBlock {
            len: 4,
            isint: 1,
            u: PQArgBlockValue { integer: 2 },
        },
    ];
    let (mut out, mut len) = (0, -7);
    // SAFETY: live connection, two argument blocks, int out-parameters.
    let r = Res(unsafe { PQfn(c.0, fnid, &mut out, &mut len, 1, args.as_ptr(), 2) });
    assert_eq!(
        r.status(),
        ExecStatusType::PGRES_COMMAND_OK,
        "{}",
        c.error()
    );
    assert_eq!((out, len), (42, 4));

    // A text result (textcat(text, text)) into a byte buffer.
    let textcat: i32 = c
        .exec("select 'pg_catalog.textcat(text,text)'::regprocedure::oid")
        .value(0, 0)
        .unwrap()
        .parse()
        .unwrap();
    let mut word = *b"libpq";
    let block = PQArgBlock {
        len: 5,
        isint: 0,
        u: PQArgBlockValue {
            ptr: word.as_mut_ptr() as *mut c_int,
        },
    };
    let arg = [PQArgBlock { ..block }, block];
    let mut buf = [0 as c_int; 4];
    // SAFETY: a 16-byte result buffer for a 10-byte result.
    let r = Res(unsafe { PQfn(c.0, textcat, buf.as_mut_ptr(), &mut len, 0, arg.as_ptr(), 2) });
    assert_eq!(
        r.status(),
        ExecStatusType::PGRES_COMMAND_OK,
        "{}",
        r.error()
    );
    assert_eq!(len, 10);
    // SAFETY: buf is 16 bytes.
    let bytes = unsafe { std::slice::from_raw_parts(buf.as_ptr() as *const u8, 10) };
    assert_eq!(bytes, b"libpqlibpq");

    // A function that fails: the error result, and the connection is idle again.
    let zero = [
        PQArgBlock {
            len: 4,
            isint: 1,
            u: PQArgBlockValue {
                integer: 2_000_000_000,
            },
        },
        PQArgBlock {
            len: 4,
            isint: 1,
            u: PQArgBlockValue {
                integer: 2_000_000_000,
            },
        },
    ];
    // SAFETY: as above.
    let r = Res(unsafe { PQfn(c.0, fnid, &mut out, &mut len, 1, zero.as_ptr(), 2) });
    assert_eq!(r.status(), ExecStatusType::PGRES_FATAL_ERROR);
    assert_eq!(r.error(), "ERROR:  integer out of range\n");
    assert_eq!(len, 0);
    assert_eq!(c.exec("select 3").value(0, 0).as_deref(), Some("3"));

    // While another command is running: wrong state.
    let q = cs("select 1");
    // SAFETY: live connection.
    unsafe {
        assert_eq!(PQsendQuery(c.0, q.as_ptr()), 1);
        assert!(PQfn(c.0, fnid, &mut out, &mut len, 1, args.as_ptr(), 2).is_null());
        assert_eq!(c.error(), "connection in wrong state\n");
        while !Res(PQgetResult(c.0)).0.is_null() {}
        assert!(PQfn(
            std::ptr::null_mut(),
            fnid,
            &mut out,
            &mut len,
            1,
            args.as_ptr(),
            2
        )
        .is_null());
    }
}

fn fn_oid(c: &Conn, signature: &str) -> i32 {
    c.exec(&format!("select '{signature}'::regprocedure::oid"))
        .value(0, 0)
        .unwrap()
        .parse()
        .unwrap()
}

fn int_arg(value: c_int, len: c_int) -> PQArgBlock {
    PQArgBlock {
        len,
        isint: 1,
        u: PQArgBlockValue { integer: value },
    }
}

fn ptr_arg(ptr: *const u8, len: c_int) -> PQArgBlock {
    PQArgBlock {
        len,
        isint: 0,
        u: PQArgBlockValue {
            ptr: ptr as *mut c_int,
        },
    }
}

#[test]
fn pqfn_results_as_libpq_reads_them() {
    let c = conn();
    let (int2pl, int4pl) = (
        fn_oid(&c, "int2pl(int2,int2)"),
        fn_oid(&c, "int4pl(int4,int4)"),
    );
    let (mut out, mut len) = (0x5a5a_5a5a, -7);
    // A 2-byte integer result is read unsigned (pqGetInt), from 2-byte arguments.
    let args = [int_arg(-5, 2), int_arg(2, 2)];
    // SAFETY: live connection, two argument blocks, int out-parameters.
    let r = Res(unsafe { PQfn(c.0, int2pl, &mut out, &mut len, 1, args.as_ptr(), 2) });
    assert_eq!(
        r.status(),
        ExecStatusType::PGRES_COMMAND_OK,
        "{}",
        r.error()
    );
    assert_eq!((out, len), (65533, 2));

    // A NULL result: *result_len is -1 and the buffer is not written.
    out = 0x5a5a_5a5a;
    let args = [
        PQArgBlock {
            len: -1,
            isint: 0,
            u: PQArgBlockValue {
                ptr: std::ptr::null_mut(),
            },
        },
        int_arg(1, 4),
    ];
    // SAFETY: as above.
    let r = Res(unsafe { PQfn(c.0, int4pl, &mut out, &mut len, 1, args.as_ptr(), 2) });
    assert_eq!(
        r.status(),
        ExecStatusType::PGRES_COMMAND_OK,
        "{}",
        r.error()
    );
    assert_eq!((out, len), (0x5a5a_5a5a, -1));

    // The argument count is sent as given, even a negative one.
    // SAFETY: no argument blocks are read for a negative count.
    let r = Res(unsafe { PQfn(c.0, int4pl, &mut out, &mut len, 1, std::ptr::null(), -1) });
    assert_eq!(
        r.error(),
        "ERROR:  function call message contains 65535 arguments but function requires 2\n"
    );
    assert_eq!(c.exec("select 4").value(0, 0).as_deref(), Some("4"));
}

#[test]
fn pqfn_refuses_arguments_it_cannot_send() {
    let c = conn();
    let int4pl = fn_oid(&c, "int4pl(int4,int4)");
    let notices = std::sync::Mutex::new(Vec::<String>::new());
    // SAFETY: the sink outlives the connection's use below.
    unsafe {
        PQsetNoticeProcessor(
            c.0,
            Some(collect_notices),
            &notices as *const _ as *mut std::ffi::c_void,
        );
    }
    let (mut out, mut len) = (0, 0);
    // An integer of a size libpq cannot send: a notice, NULL, no error text.
    for (size, shown) in [(3, "3"), (8, "8"), (-2, "18446744073709551614")] {
        let args = [int_arg(1, size), int_arg(2, 4)];
        // SAFETY: live connection, valid argument blocks.
        let r = unsafe { PQfn(c.0, int4pl, &mut out, &mut len, 1, args.as_ptr(), 2) };
        assert!(r.is_null());
        assert_eq!(c.error(), "");
        assert_eq!(
            notices.lock().unwrap().pop().as_deref(),
            Some(format!("integer of size {shown} not supported by pqPutInt\n").as_str())
        );
    }
    // Bytes libpq would crash on (a negative length, a NULL pointer): refused.
    for arg in [ptr_arg(b"abcd".as_ptr(), -2), ptr_arg(std::ptr::null(), 4)] {
        let args = [arg, int_arg(2, 4)];
        // SAFETY: the library must not read these blocks' bytes.
        let r = unsafe { PQfn(c.0, int4pl, &mut out, &mut len, 1, args.as_ptr(), 2) };
        assert!(r.is_null());
        assert_eq!(c.error(), "cannot allocate memory for output buffer\n");
    }
    // Nothing half-sent is left behind.
    let args = [int_arg(40, 4), int_arg(2, 4)];
    // SAFETY: as above.
    let r = Res(unsafe { PQfn(c.0, int4pl, &mut out, &mut len, 1, args.as_ptr(), 2) });
    assert_eq!(
        r.status(),
        ExecStatusType::PGRES_COMMAND_OK,
        "{}",
        r.error()
    );
    assert_eq!(out, 42);
    assert_eq!(c.exec("select 5").value(0, 0).as_deref(), Some("5"));
}

#[test]
fn lengths_beyond_int_max_are_refused() {
    let c = conn();
    c.exec("begin");
    let mut small = [b'#'; 16];
    // SAFETY: live connection; the library refuses the lengths before it
    // touches the 16-byte buffer.
    unsafe {
        let oid = lo_creat(c.0, INV_READ | INV_WRITE);
        let fd = lo_open(c.0, oid, INV_READ | INV_WRITE);
        assert!(fd >= 0, "{}", c.error());
        let p = small.as_mut_ptr() as *mut c_char;
        for len in [
            1usize << 31,
            u32::MAX as usize,
            1 << 32,
            (1 << 32) + 5,
            usize::MAX,
        ] {
            assert_eq!(lo_read(c.0, fd, p, len), -1);
            assert_eq!(c.error(), "argument of lo_read exceeds integer range\n");
            assert_eq!(lo_write(c.0, fd, p, len), -1);
            assert_eq!(c.error(), "argument of lo_write exceeds integer range\n");
            assert_eq!(lo_truncate(c.0, fd, len), -1);
            assert_eq!(c.error(), "argument of lo_truncate exceeds integer range\n");
        }
        assert!(small.iter().all(|&b| b == b'#'));
        // The transaction is untouched: the checks are the client's.
        assert_eq!(lo_write(c.0, fd, b"abc".as_ptr() as *const c_char, 3), 3);
        assert_eq!(lo_write(c.0, fd, std::ptr::null(), 0), 0);
        assert_eq!(lo_write(c.0, fd, std::ptr::null(), 2), -1);
        assert_eq!(c.error(), "cannot allocate memory for output buffer\n");
        assert_eq!(lo_lseek(c.0, fd, 0, SEEK_SET), 0);
        // The server refuses a read of INT_MAX bytes before sending anything.
        assert_eq!(lo_read(c.0, fd, p, i32::MAX as usize), -1);
        assert!(
            c.error().contains("invalid memory alloc request size"),
            "{}",
            c.error()
        );
        assert!(small.iter().all(|&b| b == b'#'));
    }
    c.exec("rollback");
}

#[test]
fn file_errors_are_reported_like_libpq() {
    let c = conn();
    let dir = std::env::temp_dir();
    let dir_c = cs(dir.to_str().unwrap());
    c.exec("begin");
    // SAFETY: live connection; file names are C strings or NULL.
    unsafe {
        // C's open(NULL) fails with EFAULT, and %s prints "(null)".
        assert_eq!(lo_import(c.0, std::ptr::null()), 0);
        assert_eq!(c.error(), "could not open file \"(null)\": Bad address\n");
        // A directory opens, and reading it fails.
        assert_eq!(lo_import(c.0, dir_c.as_ptr()), 0);
        assert_eq!(
            c.error(),
            format!(
                "could not read from file \"{}\": Is a directory\n",
                dir.display()
            )
        );
        let oid = lo_creat(c.0, INV_READ | INV_WRITE);
        let fd = lo_open(c.0, oid, INV_WRITE);
        assert_eq!(lo_write(c.0, fd, b"data".as_ptr() as *const c_char, 4), 4);
        assert_eq!(lo_close(c.0, fd), 0);
        assert_eq!(lo_export(c.0, oid, std::ptr::null()), -1);
        assert_eq!(c.error(), "could not open file \"(null)\": Bad address\n");
        let full = cs("/dev/full");
        assert_eq!(lo_export(c.0, oid, full.as_ptr()), -1);
        assert_eq!(
            c.error(),
            "could not write to file \"/dev/full\": No space left on device\n"
        );
        assert_eq!(lo_export(c.0, oid, dir_c.as_ptr()), -1);
        assert_eq!(
            c.error(),
            format!(
                "could not open file \"{}\": Is a directory\n",
                dir.display()
            )
        );
    }
    // All of these left the transaction usable.
    assert_eq!(c.exec("select 6").value(0, 0).as_deref(), Some("6"));
    c.exec("rollback");
}
