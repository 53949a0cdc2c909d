//! Exports: escaping strings, identifiers and bytea (`PQescapeStringConn`,
//! `PQescapeString`, `PQescapeLiteral`, `PQescapeIdentifier`,
//! `PQescapeByteaConn`, `PQescapeBytea`, `PQunescapeBytea`). The rules live in
//! [`crate::escape`].
//!
//! Memory handed to the caller comes from `malloc` (freed with `PQfreemem`).
//! Where libpq would crash on a NULL pointer we do not: a NULL input string is
//! taken as empty (NULL for `PQescapeLiteral`/`PQescapeIdentifier`, whatever
//! the length for the bytea functions), a NULL output buffer gets nothing
//! written, a NULL length pointer is not written.
//!
//! Sizes are checked as libpq 18 checks them (CVE-2025-12818): an escaped
//! bytea whose size does not fit `size_t` is refused before the input is
//! read, and an allocation that cannot succeed is reported as "out of
//! memory" (with `*to_length` already set, as libpq sets it before calling
//! malloc).

use std::ffi::{c_char, c_int, c_uchar};
use std::ptr;

use super::handle::{borrow_mut, guard, malloc_cstring};
use super::types::PGconn;
use crate::conn::Connection;
use crate::escape;
use crate::messages::conn as msg;

/// The input bytes libpq reads: up to `length`, stopping at a NUL.
///
/// # Safety
/// `from` is NULL or readable up to `length` bytes or its first NUL.
unsafe fn input<'a>(from: *const c_char, length: usize) -> &'a [u8] {
    if from.is_null() {
        return &[];
    }
    // SAFETY: strnlen reads no further than `length` bytes or the first NUL,
    // which the contract makes readable; so are the bytes before it.
    unsafe {
        let n = libc::strnlen(from, length);
        std::slice::from_raw_parts(from as *const u8, n)
    }
}

/// Copies `out` and a NUL into the caller's buffer `to`; returns `out.len()`.
///
/// # Safety
/// `to` is NULL or has room for `out.len() + 1` bytes.
unsafe fn write_out(to: *mut c_char, out: &[u8]) -> usize {
    if to.is_null() {
        return 0;
    }
    // SAFETY: the caller provides 2*length+1 bytes and `out` is at most
    // 2*length bytes long.
    unsafe {
        ptr::copy_nonoverlapping(out.as_ptr(), to as *mut u8, out.len());
        *to.add(out.len()) = 0;
    }
    out.len()
}

/// Hands a malloc'd copy of `bytes` (plus a NUL) to C, storing its length
/// (with the NUL when `count_nul`) in `*len` when given.
///
/// # Safety
/// `len` is NULL or writable.
unsafe fn malloc_out(bytes: &[u8], len: *mut usize, count_nul: bool) -> *mut c_uchar {
    let p = malloc_cstring(bytes) as *mut c_uchar;
    if !p.is_null() && !len.is_null() {
        // SAFETY: non-NULL and writable per the contract.
        unsafe { *len = bytes.len() + count_nul as usize };
    }
    p
}

/// `size_t PQescapeStringConn(PGconn *conn, char *to, const char *from, size_t length, int *error)`.
#[no_mangle]
pub unsafe extern "C" fn PQescapeStringConn(
    conn: *mut PGconn,
    to: *mut c_char,
    from: *const c_char,
    length: usize,
    error: *mut c_int,
) -> usize {
    guard(0, || {
        // SAFETY: libpq's contract (see the module documentation of `ffi`).
        let Some(conn) = (unsafe { borrow_mut(conn) }) else {
            // SAFETY: `to` is NULL or has room for at least one byte; `error`
            // is NULL or writable.
            unsafe {
                write_out(to, b"");
                if !error.is_null() {
                    *error = 1;
                }
            }
            return 0;
        };
        conn.begin_operation();
        // SAFETY: `from` is readable up to `length` bytes or its NUL.
        let src = unsafe { input(from, length) };
        let (out, problem) = escape::escape_string(src, conn.client_encoding, conn.std_strings);
        if let Some(p) = problem {
            conn.append_error(&p.message());
        }
        // SAFETY: `error` is NULL or writable; `to` has 2*length+1 bytes.
        unsafe {
            if !error.is_null() {
                *error = problem.is_some() as c_int;
            }
            write_out(to, &out)
        }
    })
}

/// `size_t PQescapeString(char *to, const char *from, size_t length)`: with
/// the encoding and `standard_conforming_strings` last reported by any
/// connection.
#[no_mangle]
pub unsafe extern "C" fn PQescapeString(
    to: *mut c_char,
    from: *const c_char,
    length: usize,
) -> usize {
    guard(0, || {
        // SAFETY: `from` is readable up to `length` bytes or its NUL.
        let src = unsafe { input(from, length) };
        let (out, _) = escape::escape_string(
            src,
            escape::static_client_encoding(),
            escape::static_std_strings(),
        );
        // SAFETY: `to` has 2*length+1 bytes.
        unsafe { write_out(to, &out) }
    })
}

/// The shared body of `PQescapeLiteral` and `PQescapeIdentifier`.
///
/// # Safety
/// As those functions.
unsafe fn escape_quoted(
    conn: *mut PGconn,
    str: *const c_char,
    len: usize,
    as_ident: bool,
) -> *mut c_char {
    // SAFETY: libpq's contract (see the module documentation of `ffi`).
    let Some(conn) = (unsafe { borrow_mut(conn) }) else {
        return ptr::null_mut();
    };
    conn.begin_operation();
    if str.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: `str` is readable up to `len` bytes or its NUL.
    let src = unsafe { input(str, len) };
    match escape::escape_internal(src, conn.client_encoding, as_ident) {
        Ok(out) => {
            let p = malloc_cstring(&out);
            if p.is_null() {
                conn.append_error(msg::OUT_OF_MEMORY);
            }
            p
        }
        Err(e) => {
            conn.append_error(&e.message());
            ptr::null_mut()
        }
    }
}

/// `char *PQescapeLiteral(PGconn *conn, const char *str, size_t len)`.
#[no_mangle]
pub unsafe extern "C" fn PQescapeLiteral(
    conn: *mut PGconn,
    str: *const c_char,
    len: usize,
) -> *mut c_char {
    // SAFETY: forwarded contract of this function.
    guard(ptr::null_mut(), || unsafe {
        escape_quoted(conn, str, len, false)
    })
}

/// `char *PQescapeIdentifier(PGconn *conn, const char *str, size_t len)`.
#[no_mangle]
pub unsafe extern "C" fn PQescapeIdentifier(
    conn: *mut PGconn,
    str: *const c_char,
    len: usize,
) -> *mut c_char {
    // SAFETY: forwarded contract of this function.
    guard(ptr::null_mut(), || unsafe {
        escape_quoted(conn, str, len, true)
    })
}

/// `PQescapeByteaInternal`: the size first (hex format: from the length
/// alone, before reading anything), `*to_length` set, then malloc and fill.
/// Errors go to `conn` when there is one.
///
/// # Safety
/// `from` is NULL or readable for `from_length` bytes; `to_length` is NULL or
/// writable.
unsafe fn escape_bytea(
    mut conn: Option<&mut Connection>,
    from: *const c_uchar,
    from_length: usize,
    to_length: *mut usize,
    std_strings: bool,
    use_hex: bool,
) -> *mut c_uchar {
    let mut fail = |text: &str| {
        if let Some(c) = conn.as_deref_mut() {
            c.append_error(text);
        }
        ptr::null_mut()
    };
    let from_length = if from.is_null() { 0 } else { from_length };
    // The input as a slice, once it is certain to be read.
    let input = || -> &[u8] {
        if from_length == 0 {
            &[]
        } else {
            // SAFETY: readable for `from_length` bytes per the contract (and
            // so no more than isize::MAX).
            unsafe { std::slice::from_raw_parts(from, from_length) }
        }
    };
    let size = if use_hex {
        escape::hex_bytea_size(from_length, std_strings)
    } else if from_length > isize::MAX as usize {
        // No such buffer exists (libpq would read until it crashes).
        return fail(msg::OUT_OF_MEMORY);
    } else {
        escape::escape_format_bytea_size(input(), std_strings)
    };
    let Some(size) = size else {
        return fail(&msg::escaped_bytea_too_large());
    };
    if !to_length.is_null() {
        // SAFETY: non-NULL and writable per the contract.
        unsafe { *to_length = size };
    }
    // malloc cannot return more than isize::MAX bytes: do not ask.
    let p = if size > isize::MAX as usize {
        ptr::null_mut()
    } else {
        // SAFETY: plain allocation; the caller frees it with PQfreemem.
        unsafe { libc::malloc(size) as *mut c_uchar }
    };
    if p.is_null() {
        return fail(msg::OUT_OF_MEMORY);
    }
    // SAFETY: `p` holds `size` writable bytes, which nothing else refers to.
    let out = unsafe { std::slice::from_raw_parts_mut(p, size) };
    escape::escape_bytea_into(input(), std_strings, use_hex, out);
    p
}

/// `unsigned char *PQescapeByteaConn(PGconn *conn, const unsigned char *from, size_t from_length, size_t *to_length)`:
/// hex format for servers from 9.0 on; `*to_length` counts the trailing NUL.
#[no_mangle]
pub unsafe extern "C" fn PQescapeByteaConn(
    conn: *mut PGconn,
    from: *const c_uchar,
    from_length: usize,
    to_length: *mut usize,
) -> *mut c_uchar {
    guard(ptr::null_mut(), || {
        // SAFETY: libpq's contract (see the module documentation of `ffi`).
        let Some(conn) = (unsafe { borrow_mut(conn) }) else {
            return ptr::null_mut();
        };
        conn.begin_operation();
        let (std_strings, use_hex) = (conn.std_strings, conn.server_version >= 90000);
        // SAFETY: forwarded contract of this function.
        unsafe {
            escape_bytea(
                Some(conn),
                from,
                from_length,
                to_length,
                std_strings,
                use_hex,
            )
        }
    })
}

/// `unsigned char *PQescapeBytea(const unsigned char *from, size_t from_length, size_t *to_length)`:
/// escape format, with the `standard_conforming_strings` last reported by
/// any connection.
#[no_mangle]
pub unsafe extern "C" fn PQescapeBytea(
    from: *const c_uchar,
    from_length: usize,
    to_length: *mut usize,
) -> *mut c_uchar {
    guard(ptr::null_mut(), || {
        // SAFETY: forwarded contract of this function.
        unsafe {
            escape_bytea(
                None,
                from,
                from_length,
                to_length,
                escape::static_std_strings(),
                false,
            )
        }
    })
}

/// `unsigned char *PQunescapeBytea(const unsigned char *strtext, size_t *retbuflen)`:
/// NULL for a NULL `strtext`.
#[no_mangle]
pub unsafe extern "C" fn PQunescapeBytea(
    strtext: *const c_uchar,
    retbuflen: *mut usize,
) -> *mut c_uchar {
    guard(ptr::null_mut(), || {
        if strtext.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: a NUL-terminated string per the contract.
        let text = unsafe { std::ffi::CStr::from_ptr(strtext as *const c_char) };
        let out = escape::unescape_bytea(text.to_bytes());
        // SAFETY: `retbuflen` is NULL or writable.
        unsafe { malloc_out(&out, retbuflen, false) }
    })
}
