//! Exports: COPY data in both directions (PQputCopyData, PQputCopyEnd, PQgetCopyData).

use std::ffi::{c_char, c_int};

use super::handle::{borrow_mut, c_text, guard, malloc_cstring};
use super::types::PGconn;

#[no_mangle]
pub unsafe extern "C" fn PQputCopyData(
    conn: *mut PGconn,
    buffer: *const c_char,
    nbytes: c_int,
) -> c_int {
    guard(-1, || {
        // SAFETY: libpq's contract (see the module documentation).
        let Some(c) = (unsafe { borrow_mut(conn) }) else {
            return -1;
        };
        if nbytes < 0 || (buffer.is_null() && nbytes > 0) {
            return -1;
        }
        let data = if nbytes == 0 {
            &[][..]
        } else {
            // SAFETY: the caller passes nbytes readable bytes at buffer.
            unsafe { std::slice::from_raw_parts(buffer as *const u8, nbytes as usize) }
        };
        c.put_copy_data(data)
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQputCopyEnd(conn: *mut PGconn, errormsg: *const c_char) -> c_int {
    guard(-1, || {
        // SAFETY: libpq's contract (see the module documentation).
        let Some(c) = (unsafe { borrow_mut(conn) }) else {
            return -1;
        };
        // SAFETY: errormsg is NULL or a C string.
        let reason = unsafe { c_text(errormsg) };
        c.put_copy_end(reason.as_deref())
    })
}

/// One row of COPY TO STDOUT in `malloc` memory (free with PQfreemem): its
/// length; 0 nothing yet (async), -1 done, -2 error. `*buffer` is NULL then.
#[no_mangle]
pub unsafe extern "C" fn PQgetCopyData(
    conn: *mut PGconn,
    buffer: *mut *mut c_char,
    async_: c_int,
) -> c_int {
    guard(-2, || {
        if buffer.is_null() {
            return -2;
        }
        // SAFETY: buffer is a valid out-pointer (checked non-NULL above).
        unsafe { *buffer = std::ptr::null_mut() };
        // SAFETY: libpq's contract (see the module documentation).
        let Some(c) = (unsafe { borrow_mut(conn) }) else {
            return -2;
        };
        match c.get_copy_data(async_ == 0) {
            Ok(Some(row)) => {
                let p = malloc_cstring(&row);
                if p.is_null() {
                    return -2;
                }
                // SAFETY: as above.
                unsafe { *buffer = p };
                row.len() as c_int
            }
            Ok(None) => 0,
            Err(code) => code,
        }
    })
}
