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
