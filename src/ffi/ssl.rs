//! Exports: what a connection says about encryption. TLS is rustls's, so the
//! OpenSSL-shaped entry points answer as libpq does where no OpenSSL object
//! exists (PQgetssl and PQsslStruct give NULL); there is no GSSAPI.

use std::ffi::{c_char, c_int, c_void};

use super::handle::{borrow, c_str, guard};
use super::types::PGconn;

/// The name PQsslAttribute gives for "library".
const LIBRARY: &std::ffi::CStr = c"rustls";

/// The attribute names, NULL-terminated (libpq's list).
#[repr(transparent)]
pub struct NameList([*const c_char; 7]);
// SAFETY: pointers to 'static read-only C strings, never written.
unsafe impl Sync for NameList {}

static ATTRIBUTE_NAMES: NameList = NameList([
    c"library".as_ptr(),
    c"key_bits".as_ptr(),
    c"cipher".as_ptr(),
    c"compression".as_ptr(),
    c"protocol".as_ptr(),
    c"alpn".as_ptr(),
    std::ptr::null(),
]);
static NO_NAMES: NameList = NameList([std::ptr::null(); 7]);

/// 1 when the connection is encrypted with TLS.
#[no_mangle]
pub unsafe extern "C" fn PQsslInUse(conn: *mut PGconn) -> c_int {
    guard(0, || {
        // SAFETY: libpq's contract (see the module documentation).
        unsafe { borrow(conn as *const PGconn) }.is_some_and(|c| c.tls.is_some()) as c_int
    })
}

/// One fact about the connection's TLS session (psql prints protocol and
/// cipher); NULL for an unencrypted connection or an unknown name.
#[no_mangle]
pub unsafe extern "C" fn PQsslAttribute(
    conn: *mut PGconn,
    attribute_name: *const c_char,
) -> *const c_char {
    guard(std::ptr::null(), || {
        // SAFETY: libpq's contract (see the module documentation).
        let Some(name) = (unsafe { c_str(attribute_name) }) else {
            return std::ptr::null();
        };
        let name = name.to_bytes();
        // SAFETY: as above.
        let Some(c) = (unsafe { borrow(conn as *const PGconn) }) else {
            // With no connection: the library that would be used.
            return if name == b"library" {
                LIBRARY.as_ptr()
            } else {
                std::ptr::null()
            };
        };
        let Some(tls) = c.tls.as_deref() else {
            return std::ptr::null();
        };
        let text = match name {
            b"library" => return LIBRARY.as_ptr(),
            b"protocol" => tls.protocol_name().map(str::to_string),
            b"cipher" => tls.cipher().map(|(name, _)| name.to_string()),
            b"key_bits" => tls.cipher().map(|(_, bits)| bits.to_string()),
            b"compression" => Some("off".to_string()),
            b"alpn" => tls.alpn().map(|p| String::from_utf8_lossy(p).into_owned()),
            _ => None,
        };
        text.map_or(std::ptr::null(), |t| c.c_string_ptr(&t))
    })
}

/// The names PQsslAttribute knows; none for an unencrypted connection.
#[no_mangle]
pub unsafe extern "C" fn PQsslAttributeNames(conn: *mut PGconn) -> *const *const c_char {
    guard(NO_NAMES.0.as_ptr(), || {
        // SAFETY: libpq's contract (see the module documentation).
        match unsafe { borrow(conn as *const PGconn) } {
            Some(c) if c.tls.is_none() => NO_NAMES.0.as_ptr(),
            _ => ATTRIBUTE_NAMES.0.as_ptr(),
        }
    })
}

#[no_mangle]
pub extern "C" fn PQgssEncInUse(_conn: *mut PGconn) -> c_int {
    0
}

/// No OpenSSL structures exist: NULL for every name, as libpq gives for a
/// name it does not know.
#[no_mangle]
pub extern "C" fn PQsslStruct(_conn: *mut PGconn, _struct_name: *const c_char) -> *mut c_void {
    std::ptr::null_mut()
}

/// The OpenSSL `SSL*`: none here.
#[no_mangle]
pub extern "C" fn PQgetssl(_conn: *mut PGconn) -> *mut c_void {
    std::ptr::null_mut()
}

/// No GSSAPI context exists in this build.
#[no_mangle]
pub extern "C" fn PQgetgssctx(_conn: *mut PGconn) -> *mut c_void {
    std::ptr::null_mut()
}

/// Accepted; rustls needs no library initialisation.
#[no_mangle]
pub extern "C" fn PQinitSSL(_do_init: c_int) {}

/// Accepted; rustls needs no library initialisation.
#[no_mangle]
pub extern "C" fn PQinitOpenSSL(_do_ssl: c_int, _do_crypto: c_int) {}
