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
        // libpq sends nothing for a length <= 0 (and would crash on NULL data).
        if buffer.is_null() && nbytes > 0 {
            return -1;
        }
        let data = if nbytes <= 0 {
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
        match c.get_copy_data(async_ == 0, |row| (malloc_cstring(row), row.len())) {
            Ok(Some((p, len))) => {
                if p.is_null() {
                    return -2;
                }
                // SAFETY: as above.
                unsafe { *buffer = p };
                len as c_int
            }
            Ok(None) => 0,
            Err(code) => code,
        }
    })
}

/// Legacy COPY OUT: one text line into `string` (at most `length - 1`
/// bytes and a NUL, newline removed). 0 a whole line, 1 part of one, EOF (-1)
/// on error; the end of the COPY reads as `\.`.
#[no_mangle]
pub unsafe extern "C" fn PQgetline(conn: *mut PGconn, string: *mut c_char, length: c_int) -> c_int {
    guard(-1, || {
        if string.is_null() || length <= 0 {
            return -1;
        }
        // SAFETY: the caller passes `length` writable bytes at `string`.
        let buf = unsafe { std::slice::from_raw_parts_mut(string.cast::<u8>(), length as usize) };
        buf[0] = 0;
        // As libpq: room for the "\." line or nothing is read (a shorter
        // buffer would take bytes of the row and lose them).
        if length < 3 {
            return -1;
        }
        // SAFETY: libpq's contract (see the module documentation).
        match unsafe { borrow_mut(conn) } {
            Some(c) => c.getline(buf),
            None => -1,
        }
    })
}

/// Legacy COPY OUT without waiting: bytes of the next row (0 none yet, -1
/// the COPY is over); not NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn PQgetlineAsync(
    conn: *mut PGconn,
    buffer: *mut c_char,
    bufsize: c_int,
) -> c_int {
    guard(-1, || {
        // SAFETY: libpq's contract (see the module documentation).
        let Some(c) = (unsafe { borrow_mut(conn) }) else {
            return -1;
        };
        let buf: &mut [u8] = if buffer.is_null() || bufsize <= 0 {
            &mut []
        } else {
            // SAFETY: the caller passes `bufsize` writable bytes at `buffer`.
            unsafe { std::slice::from_raw_parts_mut(buffer.cast::<u8>(), bufsize as usize) }
        };
        c.getline_async(buf)
    })
}

/// Legacy COPY IN of a C string: 0, or EOF (-1).
#[no_mangle]
pub unsafe extern "C" fn PQputline(conn: *mut PGconn, string: *const c_char) -> c_int {
    guard(-1, || {
        if string.is_null() {
            return -1;
        }
        // SAFETY: a non-NULL string is a C string.
        let len = unsafe { libc::strlen(string) };
        let Ok(len) = c_int::try_from(len) else {
            return -1;
        };
        // SAFETY: as above, len readable bytes.
        unsafe { PQputnbytes(conn, string, len) }
    })
}

/// Legacy COPY IN of `nbytes` bytes: 0, or EOF (-1).
#[no_mangle]
pub unsafe extern "C" fn PQputnbytes(
    conn: *mut PGconn,
    buffer: *const c_char,
    nbytes: c_int,
) -> c_int {
    // SAFETY: forwarded contract.
    if unsafe { PQputCopyData(conn, buffer, nbytes) } > 0 {
        0
    } else {
        -1
    }
}

/// Legacy end of COPY: 0 success, 1 failure.
#[no_mangle]
pub unsafe extern "C" fn PQendcopy(conn: *mut PGconn) -> c_int {
    guard(1, || {
        // SAFETY: libpq's contract (see the module documentation).
        unsafe { borrow_mut(conn) }.map_or(0, |c| c.endcopy())
    })
}
