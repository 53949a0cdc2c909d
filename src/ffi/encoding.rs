//! Exports: encoding names and ids, and the per-character helpers psql uses
//! (`PQmblen`, `PQmblenBounded`, `PQdsplen`, `pg_utf_mblen`).
//!
//! A NULL string is taken as `""` (libpq would crash).

use std::ffi::{c_char, c_int, c_uchar};

use super::handle::{c_str, guard};
use crate::encoding;

/// The first bytes of a C string, at most 4 (the most any character function
/// looks at), without reading past its terminating NUL.
///
/// # Safety
/// `s` is NULL or points at a NUL-terminated string.
unsafe fn peek(s: *const c_char) -> ([u8; 4], usize) {
    let mut buf = [0u8; 4];
    let mut n = 0;
    if s.is_null() {
        return (buf, 0);
    }
    while n < 4 {
        // SAFETY: bytes up to and including the NUL belong to the string, and
        // we stop at the first NUL.
        let b = unsafe { *s.add(n) } as u8;
        if b == 0 {
            break;
        }
        buf[n] = b;
        n += 1;
    }
    (buf, n)
}

/// `int pg_char_to_encoding(const char *name)`.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn pg_char_to_encoding(name: *const c_char) -> c_int {
    guard(-1, || {
        // SAFETY: forwarded contract of this function.
        match unsafe { c_str(name) } {
            Some(n) => encoding::encoding_id_bytes(n.to_bytes()),
            None => -1,
        }
    })
}

/// `const char *pg_encoding_to_char(int encoding)`: a static name, `""` if unknown.
#[no_mangle]
pub extern "C" fn pg_encoding_to_char(encoding: c_int) -> *const c_char {
    guard(c"".as_ptr(), || encoding::encoding_name(encoding).as_ptr())
}

/// `int pg_valid_server_encoding_id(int encoding)`: 1 for a server encoding, else 0.
#[no_mangle]
pub extern "C" fn pg_valid_server_encoding_id(encoding: c_int) -> c_int {
    guard(0, || {
        encoding::is_valid_server_encoding_id(encoding) as c_int
    })
}

/// `int pg_valid_server_encoding(const char *name)`: its id, or -1.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn pg_valid_server_encoding(name: *const c_char) -> c_int {
    guard(-1, || {
        // SAFETY: forwarded contract of this function.
        match unsafe { c_str(name) } {
            Some(n) => encoding::valid_server_encoding(n.to_bytes()),
            None => -1,
        }
    })
}

/// `int PQenv2encoding(void)`: PGCLIENTENCODING's id, SQL_ASCII if unset,
/// empty or unknown.
#[no_mangle]
pub extern "C" fn PQenv2encoding() -> c_int {
    guard(encoding::PG_SQL_ASCII, || {
        use std::os::unix::ffi::OsStrExt;
        match std::env::var_os("PGCLIENTENCODING") {
            Some(v) if !v.is_empty() => {
                let id = encoding::encoding_id_bytes(v.as_bytes());
                if id < 0 {
                    encoding::PG_SQL_ASCII
                } else {
                    id
                }
            }
            _ => encoding::PG_SQL_ASCII,
        }
    })
}

/// `int PQmblen(const char *s, int encoding)`: byte length of the character at `s`.
///
/// # Safety
/// `s` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn PQmblen(s: *const c_char, encoding: c_int) -> c_int {
    guard(1, || {
        // SAFETY: forwarded contract of this function.
        let (buf, _) = unsafe { peek(s) };
        encoding::mblen(encoding, &buf) as c_int
    })
}

/// `int PQmblenBounded(const char *s, int encoding)`: as `PQmblen`, but not
/// past the terminating NUL.
///
/// # Safety
/// `s` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn PQmblenBounded(s: *const c_char, encoding: c_int) -> c_int {
    guard(1, || {
        // SAFETY: forwarded contract of this function.
        let (buf, n) = unsafe { peek(s) };
        encoding::mblen_bounded(encoding, &buf[..n]) as c_int
    })
}

/// `int PQdsplen(const char *s, int encoding)`: display width of the
/// character at `s` (0 for NUL, -1 for control characters).
///
/// # Safety
/// `s` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn PQdsplen(s: *const c_char, encoding: c_int) -> c_int {
    guard(1, || {
        // SAFETY: forwarded contract of this function.
        let (buf, _) = unsafe { peek(s) };
        encoding::dsplen(encoding, &buf)
    })
}

/// `int pg_utf_mblen(const unsigned char *s)`: length of the UTF-8 sequence
/// starting at `s` (1 for an illegal lead byte).
///
/// # Safety
/// `s` is NULL or points at a readable byte.
#[no_mangle]
pub unsafe extern "C" fn pg_utf_mblen(s: *const c_uchar) -> c_int {
    guard(1, || {
        if s.is_null() {
            return 1;
        }
        // SAFETY: non-NULL and readable per the contract.
        encoding::utf_mblen(unsafe { *s }) as c_int
    })
}
