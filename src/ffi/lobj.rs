//! The fast-path call `PQfn` and the large-object functions (fe-lobj.c),
//! which call the server's lo_* functions through it.
#![allow(non_snake_case)] // parameter names as in libpq-fe.h (lobjId)

use std::ffi::{c_char, c_int};
use std::io::{Read, Write};
use std::os::fd::IntoRawFd;

use crate::conn::fastpath::{FastArg, FastCall};
use crate::ffi::handle::{borrow_mut, c_str, guard, into_raw};
use crate::ffi::types::{ExecStatusType, Oid, PGconn, PGresult, PQArgBlock};

/// `INV_WRITE` and `INV_READ` of `libpq/libpq-fs.h`.
const INV_WRITE: c_int = 0x0002_0000;
const INV_READ: c_int = 0x0004_0000;
/// libpq's `LO_BUFSIZE`: the chunk size of lo_import and lo_export.
const LO_BUFSIZE: usize = 8192;
const INVALID_OID: Oid = 0;

/// The query `lo_initialize` runs once per connection.
const LO_FUNCS_QUERY: &[u8] = b"select proname, oid from pg_catalog.pg_proc \
where proname in ('lo_open', 'lo_close', 'lo_creat', 'lo_create', 'lo_unlink', \
'lo_lseek', 'lo_lseek64', 'lo_tell', 'lo_tell64', 'lo_truncate', 'lo_truncate64', \
'loread', 'lowrite') and pronamespace = (select oid from pg_catalog.pg_namespace \
where nspname = 'pg_catalog')";

/// The OIDs of the server's large-object functions (libpq's `PGlobjfuncs`);
/// 0 for one the server does not have.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoFuncs {
    pub lo_open: Oid,
    pub lo_close: Oid,
    pub lo_creat: Oid,
    pub lo_create: Oid,
    pub lo_unlink: Oid,
    pub lo_lseek: Oid,
    pub lo_lseek64: Oid,
    pub lo_tell: Oid,
    pub lo_tell64: Oid,
    pub lo_truncate: Oid,
    pub lo_truncate64: Oid,
    pub lo_read: Oid,
    pub lo_write: Oid,
}

/// The function OIDs looked up for this session (libpq keeps them in the
/// connection too; a reset starts a new session and looks them up again).
fn cached_funcs(conn: &PGconn) -> Option<LoFuncs> {
    conn.lobj_funcs
}

fn store_funcs(conn: &mut PGconn, funcs: LoFuncs) {
    conn.lobj_funcs = Some(funcs);
}

fn cannot_determine(conn: &mut PGconn, name: &str) {
    conn.append_error(&format!("cannot determine OID of function {name}\n"));
}

/// `lo_initialize`: starts a new operation (clears the error) and returns the
/// function OIDs, looking them up the first time.
fn lo_initialize(conn: &mut PGconn) -> Option<LoFuncs> {
    conn.clear_error();
    if let Some(f) = cached_funcs(conn) {
        return Some(f);
    }
    let res = conn.exec(Some(LO_FUNCS_QUERY))?;
    if res.status() != ExecStatusType::PGRES_TUPLES_OK {
        conn.append_error("query to initialize large object functions did not return data\n");
        return None;
    }
    let mut f = LoFuncs::default();
    for row in 0..res.ntuples() {
        let name = res.value_bytes(row, 0).unwrap_or(b"");
        let oid = crate::cnum::strtol(res.value_bytes(row, 1).unwrap_or(b"")).value as Oid;
        let slot = match name {
            b"lo_open" => &mut f.lo_open,
            b"lo_close" => &mut f.lo_close,
            b"lo_creat" => &mut f.lo_creat,
            b"lo_create" => &mut f.lo_create,
            b"lo_unlink" => &mut f.lo_unlink,
            b"lo_lseek" => &mut f.lo_lseek,
            b"lo_lseek64" => &mut f.lo_lseek64,
            b"lo_tell" => &mut f.lo_tell,
            b"lo_tell64" => &mut f.lo_tell64,
            b"lo_truncate" => &mut f.lo_truncate,
            b"lo_truncate64" => &mut f.lo_truncate64,
            b"loread" => &mut f.lo_read,
            b"lowrite" => &mut f.lo_write,
            _ => continue,
        };
        *slot = oid;
    }
    // The functions every server has; later ones are checked when used.
    let required = [
        (f.lo_open, "lo_open"),
        (f.lo_close, "lo_close"),
        (f.lo_creat, "lo_creat"),
        (f.lo_unlink, "lo_unlink"),
        (f.lo_lseek, "lo_lseek"),
        (f.lo_tell, "lo_tell"),
        (f.lo_read, "loread"),
        (f.lo_write, "lowrite"),
    ];
    if let Some((_, name)) = required.iter().find(|(oid, _)| *oid == 0) {
        cannot_determine(conn, name);
        return None;
    }
    store_funcs(conn, f);
    Some(f)
}

fn int(value: i32) -> FastArg<'static> {
    FastArg::Int { value, len: 4 }
}

/// A call whose result is a 4-byte integer: `Some(value)` when it succeeded.
fn call_int(conn: &mut PGconn, fnid: Oid, args: &[FastArg<'_>]) -> Option<i32> {
    let call = conn.function_call(fnid, args, true, None)?;
    (call.result.status() == ExecStatusType::PGRES_COMMAND_OK).then(|| call.int_value())
}

/// A call whose result is raw bytes of at most `max_len`.
fn call_bytes(
    conn: &mut PGconn,
    fnid: Oid,
    args: &[FastArg<'_>],
    max_len: usize,
) -> Option<FastCall> {
    let call = conn.function_call(fnid, args, false, Some(max_len))?;
    (call.result.status() == ExecStatusType::PGRES_COMMAND_OK).then_some(call)
}

/// A 64-bit result (lo_lseek64, lo_tell64): exactly 8 bytes, big-endian.
fn call_int64(conn: &mut PGconn, fnid: Oid, args: &[FastArg<'_>]) -> i64 {
    match call_bytes(conn, fnid, args, 8) {
        Some(call) if call.len == 8 => {
            let mut b = [0u8; 8];
            b.copy_from_slice(&call.value);
            i64::from_be_bytes(b)
        }
        _ => -1,
    }
}

/// Runs `f` on the connection inside the guard; NULL conn gives `failed`.
fn with_conn<R: Copy>(conn: *mut PGconn, failed: R, f: impl FnOnce(&mut PGconn) -> R) -> R {
    guard(failed, || {
        // SAFETY: conn is NULL or a live connection handle (module contract).
        match unsafe { borrow_mut(conn) } {
            Some(c) => f(c),
            None => failed,
        }
    })
}

// ---- the fast path ----

#[no_mangle]
pub unsafe extern "C" fn PQfn(
    conn: *mut PGconn,
    fnid: c_int,
    result_buf: *mut c_int,
    result_len: *mut c_int,
    result_is_int: c_int,
    args: *const PQArgBlock,
    nargs: c_int,
) -> *mut PGresult {
    guard(std::ptr::null_mut(), || {
        if !result_len.is_null() {
            // SAFETY: result_len points at an int (PQfn's contract).
            unsafe { *result_len = 0 };
        }
        // SAFETY: conn is NULL or a live connection handle (module contract).
        let Some(conn) = (unsafe { borrow_mut(conn) }) else {
            return std::ptr::null_mut();
        };
        let blocks: &[PQArgBlock] = if args.is_null() || nargs <= 0 {
            &[]
        } else {
            // SAFETY: args points at nargs PQArgBlocks (PQfn's contract).
            unsafe { std::slice::from_raw_parts(args, nargs as usize) }
        };
        let fast: Vec<FastArg<'_>> = blocks
            .iter()
            .map(|a| {
                if a.len == -1 {
                    FastArg::Null
                } else if a.isint != 0 {
                    // SAFETY: isint says the union holds the integer.
                    FastArg::Int {
                        value: unsafe { a.u.integer },
                        len: a.len,
                    }
                } else {
                    // SAFETY: otherwise it holds a pointer to len bytes.
                    let p = unsafe { a.u.ptr } as *const u8;
                    if p.is_null() || a.len <= 0 {
                        FastArg::Bytes(&[])
                    } else {
                        // SAFETY: as above.
                        FastArg::Bytes(unsafe { std::slice::from_raw_parts(p, a.len as usize) })
                    }
                }
            })
            .collect();
        let Some(call) = conn.function_call(fnid as u32, &fast, result_is_int != 0, None) else {
            return std::ptr::null_mut();
        };
        if call.result.status() == ExecStatusType::PGRES_COMMAND_OK && call.len != -1 {
            if !result_buf.is_null() {
                if result_is_int != 0 {
                    // SAFETY: result_buf points at an int for integer results.
                    unsafe { *result_buf = call.int_value() };
                } else {
                    // SAFETY: the caller's buffer holds the function's result (PQfn's contract).
                    unsafe {
                        std::ptr::copy_nonoverlapping(
                            call.value.as_ptr(),
                            result_buf as *mut u8,
                            call.value.len(),
                        )
                    };
                }
            }
            if !result_len.is_null() {
                // SAFETY: as above.
                unsafe { *result_len = call.len };
            }
        }
        into_raw(call.result)
    })
}

// ---- large objects ----

#[no_mangle]
pub unsafe extern "C" fn lo_open(conn: *mut PGconn, lobjId: Oid, mode: c_int) -> c_int {
    with_conn(conn, -1, |c| lo_open_inner(c, lobjId, mode))
}

fn lo_open_inner(c: &mut PGconn, oid: Oid, mode: c_int) -> c_int {
    let Some(f) = lo_initialize(c) else { return -1 };
    call_int(c, f.lo_open, &[int(oid as i32), int(mode)]).unwrap_or(-1)
}

#[no_mangle]
pub unsafe extern "C" fn lo_close(conn: *mut PGconn, fd: c_int) -> c_int {
    with_conn(conn, -1, |c| lo_close_inner(c, fd))
}

fn lo_close_inner(c: &mut PGconn, fd: c_int) -> c_int {
    let Some(f) = lo_initialize(c) else { return -1 };
    call_int(c, f.lo_close, &[int(fd)]).unwrap_or(-1)
}

#[no_mangle]
pub unsafe extern "C" fn lo_read(
    conn: *mut PGconn,
    fd: c_int,
    buf: *mut c_char,
    len: usize,
) -> c_int {
    with_conn(conn, -1, |c| {
        let Some(f) = lo_initialize(c) else { return -1 };
        if len > i32::MAX as usize {
            c.append_error("argument of lo_read exceeds integer range\n");
            return -1;
        }
        let Some(call) = call_bytes(c, f.lo_read, &[int(fd), int(len as i32)], len) else {
            return -1;
        };
        if !buf.is_null() && !call.value.is_empty() {
            // SAFETY: buf holds len bytes and the value is at most len long.
            unsafe {
                std::ptr::copy_nonoverlapping(call.value.as_ptr(), buf as *mut u8, call.value.len())
            };
        }
        call.len
    })
}

#[no_mangle]
pub unsafe extern "C" fn lo_write(
    conn: *mut PGconn,
    fd: c_int,
    buf: *const c_char,
    len: usize,
) -> c_int {
    with_conn(conn, -1, |c| {
        let data: &[u8] = if buf.is_null() || len == 0 {
            &[]
        } else {
            // SAFETY: buf holds len bytes (lo_write's contract).
            unsafe { std::slice::from_raw_parts(buf as *const u8, len) }
        };
        lo_write_inner(c, fd, data, len)
    })
}

fn lo_write_inner(c: &mut PGconn, fd: c_int, data: &[u8], len: usize) -> c_int {
    let Some(f) = lo_initialize(c) else { return -1 };
    if len > i32::MAX as usize {
        c.append_error("argument of lo_write exceeds integer range\n");
        return -1;
    }
    call_int(c, f.lo_write, &[int(fd), FastArg::Bytes(data)]).unwrap_or(-1)
}

#[no_mangle]
pub unsafe extern "C" fn lo_lseek(
    conn: *mut PGconn,
    fd: c_int,
    offset: c_int,
    whence: c_int,
) -> c_int {
    with_conn(conn, -1, |c| {
        let Some(f) = lo_initialize(c) else { return -1 };
        call_int(c, f.lo_lseek, &[int(fd), int(offset), int(whence)]).unwrap_or(-1)
    })
}

#[no_mangle]
pub unsafe extern "C" fn lo_lseek64(
    conn: *mut PGconn,
    fd: c_int,
    offset: i64,
    whence: c_int,
) -> i64 {
    with_conn(conn, -1, |c| {
        let Some(f) = lo_initialize(c) else { return -1 };
        if f.lo_lseek64 == 0 {
            cannot_determine(c, "lo_lseek64");
            return -1;
        }
        let off = offset.to_be_bytes();
        call_int64(
            c,
            f.lo_lseek64,
            &[int(fd), FastArg::Bytes(&off), int(whence)],
        )
    })
}

#[no_mangle]
pub unsafe extern "C" fn lo_creat(conn: *mut PGconn, mode: c_int) -> Oid {
    with_conn(conn, INVALID_OID, |c| lo_creat_inner(c, mode))
}

fn lo_creat_inner(c: &mut PGconn, mode: c_int) -> Oid {
    let Some(f) = lo_initialize(c) else {
        return INVALID_OID;
    };
    call_int(c, f.lo_creat, &[int(mode)]).map_or(INVALID_OID, |v| v as Oid)
}

#[no_mangle]
pub unsafe extern "C" fn lo_create(conn: *mut PGconn, lobjId: Oid) -> Oid {
    with_conn(conn, INVALID_OID, |c| lo_create_inner(c, lobjId))
}

fn lo_create_inner(c: &mut PGconn, oid: Oid) -> Oid {
    let Some(f) = lo_initialize(c) else {
        return INVALID_OID;
    };
    if f.lo_create == 0 {
        cannot_determine(c, "lo_create");
        return INVALID_OID;
    }
    call_int(c, f.lo_create, &[int(oid as i32)]).map_or(INVALID_OID, |v| v as Oid)
}

#[no_mangle]
pub unsafe extern "C" fn lo_tell(conn: *mut PGconn, fd: c_int) -> c_int {
    with_conn(conn, -1, |c| {
        let Some(f) = lo_initialize(c) else { return -1 };
        call_int(c, f.lo_tell, &[int(fd)]).unwrap_or(-1)
    })
}

#[no_mangle]
pub unsafe extern "C" fn lo_tell64(conn: *mut PGconn, fd: c_int) -> i64 {
    with_conn(conn, -1, |c| {
        let Some(f) = lo_initialize(c) else { return -1 };
        if f.lo_tell64 == 0 {
            cannot_determine(c, "lo_tell64");
            return -1;
        }
        call_int64(c, f.lo_tell64, &[int(fd)])
    })
}

#[no_mangle]
pub unsafe extern "C" fn lo_truncate(conn: *mut PGconn, fd: c_int, len: usize) -> c_int {
    with_conn(conn, -1, |c| {
        let Some(f) = lo_initialize(c) else { return -1 };
        if f.lo_truncate == 0 {
            cannot_determine(c, "lo_truncate");
            return -1;
        }
        if len > i32::MAX as usize {
            c.append_error("argument of lo_truncate exceeds integer range\n");
            return -1;
        }
        call_int(c, f.lo_truncate, &[int(fd), int(len as i32)]).unwrap_or(-1)
    })
}

#[no_mangle]
pub unsafe extern "C" fn lo_truncate64(conn: *mut PGconn, fd: c_int, len: i64) -> c_int {
    with_conn(conn, -1, |c| {
        let Some(f) = lo_initialize(c) else { return -1 };
        if f.lo_truncate64 == 0 {
            cannot_determine(c, "lo_truncate64");
            return -1;
        }
        let l = len.to_be_bytes();
        call_int(c, f.lo_truncate64, &[int(fd), FastArg::Bytes(&l)]).unwrap_or(-1)
    })
}

#[no_mangle]
pub unsafe extern "C" fn lo_unlink(conn: *mut PGconn, lobjId: Oid) -> c_int {
    with_conn(conn, -1, |c| {
        let Some(f) = lo_initialize(c) else { return -1 };
        call_int(c, f.lo_unlink, &[int(lobjId as i32)]).unwrap_or(-1)
    })
}

fn file_error(c: &mut PGconn, what: &str, filename: &str, e: &std::io::Error) {
    c.append_error(&format!(
        "could not {what} file \"{filename}\": {}\n",
        crate::net::strerror(e)
    ));
}

/// `lo_import_internal`: the file's contents into a new large object.
fn lo_import_inner(c: &mut PGconn, filename: &std::ffi::CStr, oid: Oid) -> Oid {
    c.clear_error();
    let name = filename.to_string_lossy();
    let path = path_of(filename);
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            file_error(c, "open", &name, &e);
            return INVALID_OID;
        }
    };
    let lobj_oid = if oid == INVALID_OID {
        lo_creat_inner(c, INV_READ | INV_WRITE)
    } else {
        lo_create_inner(c, oid)
    };
    if lobj_oid == INVALID_OID {
        return INVALID_OID;
    }
    let lobj = lo_open_inner(c, lobj_oid, INV_WRITE);
    if lobj == -1 {
        return INVALID_OID;
    }
    let mut buf = vec![0u8; LO_BUFSIZE];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let _ = lo_close_inner(c, lobj);
                c.clear_error();
                file_error(c, "read from", &name, &e);
                return INVALID_OID;
            }
        };
        // After a failed lo_write the transaction is aborted: no lo_close.
        if lo_write_inner(c, lobj, &buf[..n], n) != n as c_int {
            return INVALID_OID;
        }
    }
    drop(file);
    if lo_close_inner(c, lobj) != 0 {
        return INVALID_OID;
    }
    lobj_oid
}

/// A C file name as a path (file names are bytes on Unix).
fn path_of(name: &std::ffi::CStr) -> &std::path::Path {
    use std::os::unix::ffi::OsStrExt;
    std::path::Path::new(std::ffi::OsStr::from_bytes(name.to_bytes()))
}

#[no_mangle]
pub unsafe extern "C" fn lo_import(conn: *mut PGconn, filename: *const c_char) -> Oid {
    // SAFETY: forwarded contract.
    unsafe { lo_import_with_oid(conn, filename, INVALID_OID) }
}

#[no_mangle]
pub unsafe extern "C" fn lo_import_with_oid(
    conn: *mut PGconn,
    filename: *const c_char,
    lobjId: Oid,
) -> Oid {
    with_conn(conn, INVALID_OID, |c| {
        // SAFETY: filename is NULL or a C string (module contract).
        match unsafe { c_str(filename) } {
            Some(name) => lo_import_inner(c, name, lobjId),
            None => {
                c.clear_error();
                INVALID_OID
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn lo_export(
    conn: *mut PGconn,
    lobjId: Oid,
    filename: *const c_char,
) -> c_int {
    with_conn(conn, -1, |c| {
        // SAFETY: filename is NULL or a C string (module contract).
        let Some(filename) = (unsafe { c_str(filename) }) else {
            c.clear_error();
            return -1;
        };
        lo_export_inner(c, lobjId, filename)
    })
}

fn lo_export_inner(c: &mut PGconn, oid: Oid, filename: &std::ffi::CStr) -> c_int {
    let name = filename.to_string_lossy();
    let path = path_of(filename);
    let lobj = lo_open_inner(c, oid, INV_READ);
    if lobj == -1 {
        return -1;
    }
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
    {
        Ok(f) => f,
        Err(e) => {
            let _ = lo_close_inner(c, lobj);
            c.clear_error();
            file_error(c, "open", &name, &e);
            return -1;
        }
    };
    let mut result = 1;
    let read_failed = loop {
        let Some(f) = lo_initialize(c) else {
            break true;
        };
        let Some(call) = call_bytes(
            c,
            f.lo_read,
            &[int(lobj), int(LO_BUFSIZE as i32)],
            LO_BUFSIZE,
        ) else {
            break true;
        };
        if call.len <= 0 {
            break call.len < 0;
        }
        if let Err(e) = file.write_all(&call.value) {
            let _ = lo_close_inner(c, lobj);
            c.clear_error();
            file_error(c, "write to", &name, &e);
            return -1;
        }
    };
    // After a failed lo_read the transaction is aborted: no lo_close.
    if read_failed || lo_close_inner(c, lobj) != 0 {
        result = -1;
    }
    let fd = file.into_raw_fd();
    // SAFETY: fd is ours, from into_raw_fd, and closed once.
    if unsafe { libc::close(fd) } != 0 && result >= 0 {
        file_error(c, "write to", &name, &std::io::Error::last_os_error());
        result = -1;
    }
    result
}
