//! Exports: the fast-path call `PQfn` and the large-object functions
//! (fe-lobj.c). The work is done in [`crate::conn::fastpath`].
//!
//! Where libpq would crash on a NULL pointer we do not: a NULL connection
//! gives the failure value, a NULL `result_len` or `result_buf` is not
//! written, a NULL `buf` for lo_read gets nothing copied, a NULL file name
//! fails as C's `open(NULL)` does ("Bad address").
#![allow(non_snake_case)] // parameter names as in libpq-fe.h (lobjId)

use std::ffi::{c_char, c_int};

use crate::conn::fastpath::{FastArg, FastValue};
pub use crate::conn::lobj::LoFuncs;
use crate::ffi::handle::{borrow_mut, c_str, guard, into_raw};
use crate::ffi::types::{Oid, PGconn, PGresult, PQArgBlock};

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

/// One `PQArgBlock` as a call argument.
///
/// # Safety
/// For a non-integer argument, `u.ptr` is NULL or points at `len` bytes.
unsafe fn fast_arg(a: &PQArgBlock) -> FastArg<'_> {
    if a.len == -1 {
        return FastArg::Null;
    }
    if a.isint != 0 {
        // SAFETY: isint says the union holds the integer.
        let value = unsafe { a.u.integer };
        return FastArg::Int { value, len: a.len };
    }
    // SAFETY: otherwise it holds a pointer.
    let p = unsafe { a.u.ptr } as *const u8;
    match a.len {
        0 => FastArg::Bytes(&[]),
        len if len < 0 || p.is_null() => FastArg::Unreadable { len },
        // SAFETY: p points at len bytes (PQfn's contract).
        len => FastArg::Bytes(unsafe { std::slice::from_raw_parts(p, len as usize) }),
    }
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
        // SAFETY: each block's pointer is valid for its length (PQfn's contract).
        let fast: Vec<FastArg<'_>> = blocks.iter().map(|a| unsafe { fast_arg(a) }).collect();
        let Some(call) = conn.function_call(fnid as u32, nargs, &fast, result_is_int != 0, None)
        else {
            return std::ptr::null_mut();
        };
        if !result_len.is_null() {
            // SAFETY: as above.
            unsafe { *result_len = call.len };
        }
        if !result_buf.is_null() {
            match &call.value {
                // SAFETY: result_buf points at an int for integer results.
                FastValue::Int(v) => unsafe { *result_buf = *v },
                // SAFETY: the caller's buffer holds the function's result
                // (PQfn's contract: PQfn cannot know its size).
                FastValue::Bytes(b) => unsafe {
                    std::ptr::copy_nonoverlapping(b.as_ptr(), result_buf as *mut u8, b.len())
                },
                FastValue::None => {}
            }
        }
        into_raw(call.result)
    })
}

// ---- large objects ----

#[no_mangle]
pub unsafe extern "C" fn lo_open(conn: *mut PGconn, lobjId: Oid, mode: c_int) -> c_int {
    with_conn(conn, -1, |c| c.lo_open(lobjId, mode))
}

#[no_mangle]
pub unsafe extern "C" fn lo_close(conn: *mut PGconn, fd: c_int) -> c_int {
    with_conn(conn, -1, |c| c.lo_close(fd))
}

#[no_mangle]
pub unsafe extern "C" fn lo_read(
    conn: *mut PGconn,
    fd: c_int,
    buf: *mut c_char,
    len: usize,
) -> c_int {
    with_conn(conn, -1, |c| {
        let (n, bytes) = c.lo_read(fd, len);
        if !buf.is_null() && !bytes.is_empty() {
            // SAFETY: buf holds len bytes, and the engine never returns more than len.
            unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), buf as *mut u8, bytes.len()) };
        }
        n
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
        // Lengths beyond INT_MAX are refused before the buffer is looked at.
        let data = (!buf.is_null() && len <= i32::MAX as usize)
            // SAFETY: buf holds len bytes (lo_write's contract).
            .then(|| unsafe { std::slice::from_raw_parts(buf as *const u8, len) });
        c.lo_write(fd, data, len)
    })
}

#[no_mangle]
pub unsafe extern "C" fn lo_lseek(
    conn: *mut PGconn,
    fd: c_int,
    offset: c_int,
    whence: c_int,
) -> c_int {
    with_conn(conn, -1, |c| c.lo_lseek(fd, offset, whence))
}

#[no_mangle]
pub unsafe extern "C" fn lo_lseek64(
    conn: *mut PGconn,
    fd: c_int,
    offset: i64,
    whence: c_int,
) -> i64 {
    with_conn(conn, -1, |c| c.lo_lseek64(fd, offset, whence))
}

#[no_mangle]
pub unsafe extern "C" fn lo_creat(conn: *mut PGconn, mode: c_int) -> Oid {
    with_conn(conn, 0, |c| c.lo_creat(mode))
}

#[no_mangle]
pub unsafe extern "C" fn lo_create(conn: *mut PGconn, lobjId: Oid) -> Oid {
    with_conn(conn, 0, |c| c.lo_create(lobjId))
}

#[no_mangle]
pub unsafe extern "C" fn lo_tell(conn: *mut PGconn, fd: c_int) -> c_int {
    with_conn(conn, -1, |c| c.lo_tell(fd))
}

#[no_mangle]
pub unsafe extern "C" fn lo_tell64(conn: *mut PGconn, fd: c_int) -> i64 {
    with_conn(conn, -1, |c| c.lo_tell64(fd))
}

#[no_mangle]
pub unsafe extern "C" fn lo_truncate(conn: *mut PGconn, fd: c_int, len: usize) -> c_int {
    with_conn(conn, -1, |c| c.lo_truncate(fd, len))
}

#[no_mangle]
pub unsafe extern "C" fn lo_truncate64(conn: *mut PGconn, fd: c_int, len: i64) -> c_int {
    with_conn(conn, -1, |c| c.lo_truncate64(fd, len))
}

#[no_mangle]
pub unsafe extern "C" fn lo_unlink(conn: *mut PGconn, lobjId: Oid) -> c_int {
    with_conn(conn, -1, |c| c.lo_unlink(lobjId))
}

#[no_mangle]
pub unsafe extern "C" fn lo_import(conn: *mut PGconn, filename: *const c_char) -> Oid {
    with_conn(conn, 0, |c| {
        // SAFETY: filename is NULL or a C string (module contract).
        c.lo_import(unsafe { c_str(filename) }, 0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn lo_import_with_oid(
    conn: *mut PGconn,
    filename: *const c_char,
    lobjId: Oid,
) -> Oid {
    with_conn(conn, 0, |c| {
        // SAFETY: filename is NULL or a C string (module contract).
        c.lo_import(unsafe { c_str(filename) }, lobjId)
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
        c.lo_export(lobjId, unsafe { c_str(filename) })
    })
}
