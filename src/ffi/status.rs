//! Exports: what a connection says about itself (PQstatus, PQdb, PQerrorMessage, ...).

use std::ffi::{c_char, c_int, CStr};

use super::handle::{borrow, borrow_mut, c_str, c_text, guard};
use super::types::*;
use crate::messages::conn as msg;

/// Borrows a connection handle for a read-only accessor.
///
/// # Safety
/// `conn` is NULL or a live handle from this library.
unsafe fn conn_ref<'a>(conn: *const PGconn) -> Option<&'a PGconn> {
    // SAFETY: forwarded contract.
    unsafe { borrow(conn) }
}

/// Strings handed out by accessors must stay valid while the connection
/// lives; option values are kept as C strings in this per-connection cache.
fn cached(conn: &PGconn, text: Option<&str>) -> *const c_char {
    match text {
        None => std::ptr::null(),
        Some(t) => conn.c_string_ptr(t),
    }
}

#[no_mangle]
pub unsafe extern "C" fn PQstatus(conn: *const PGconn) -> ConnStatusType {
    guard(ConnStatusType::CONNECTION_BAD, || {
        // SAFETY: see conn_ref.
        unsafe { conn_ref(conn) }.map_or(ConnStatusType::CONNECTION_BAD, |c| c.status())
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQtransactionStatus(conn: *const PGconn) -> PGTransactionStatusType {
    guard(PGTransactionStatusType::PQTRANS_UNKNOWN, || {
        // SAFETY: see conn_ref.
        unsafe { conn_ref(conn) }.map_or(PGTransactionStatusType::PQTRANS_UNKNOWN, |c| {
            c.transaction_status()
        })
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQerrorMessage(conn: *const PGconn) -> *mut c_char {
    guard(msg::CONNECTION_POINTER_NULL.as_ptr() as *mut c_char, || {
        // SAFETY: see conn_ref.
        match unsafe { conn_ref(conn) } {
            Some(c) => c.error_message().as_ptr() as *mut c_char,
            None => msg::CONNECTION_POINTER_NULL.as_ptr() as *mut c_char,
        }
    })
}

/// Runs a read-only accessor on a connection handle; `fail` for NULL or a panic.
///
/// # Safety
/// `conn` is NULL or a live handle from this library.
unsafe fn with_conn<R: Copy>(conn: *const PGconn, fail: R, f: impl FnOnce(&PGconn) -> R) -> R {
    // SAFETY: forwarded contract.
    guard(fail, || unsafe { conn_ref(conn) }.map_or(fail, f))
}

#[no_mangle]
pub unsafe extern "C" fn PQdb(conn: *const PGconn) -> *mut c_char {
    // SAFETY: libpq's contract (see the module documentation).
    (unsafe { with_conn(conn, std::ptr::null(), |c| cached(c, c.option("dbname"))) }) as *mut c_char
}

#[no_mangle]
pub unsafe extern "C" fn PQuser(conn: *const PGconn) -> *mut c_char {
    // SAFETY: libpq's contract (see the module documentation).
    (unsafe { with_conn(conn, std::ptr::null(), |c| cached(c, c.option("user"))) }) as *mut c_char
}

#[no_mangle]
pub unsafe extern "C" fn PQoptions(conn: *const PGconn) -> *mut c_char {
    // SAFETY: libpq's contract (see the module documentation).
    (unsafe { with_conn(conn, std::ptr::null(), |c| cached(c, c.option("options"))) })
        as *mut c_char
}

#[no_mangle]
pub unsafe extern "C" fn PQhost(conn: *const PGconn) -> *mut c_char {
    // SAFETY: libpq's contract (see the module documentation).
    (unsafe { with_conn(conn, std::ptr::null(), |c| cached(c, Some(c.host()))) }) as *mut c_char
}

#[no_mangle]
pub unsafe extern "C" fn PQport(conn: *const PGconn) -> *mut c_char {
    // SAFETY: libpq's contract (see the module documentation).
    (unsafe { with_conn(conn, std::ptr::null(), |c| cached(c, Some(c.port()))) }) as *mut c_char
}

#[no_mangle]
pub unsafe extern "C" fn PQhostaddr(conn: *const PGconn) -> *mut c_char {
    // SAFETY: libpq's contract (see the module documentation).
    (unsafe { with_conn(conn, std::ptr::null(), |c| cached(c, Some(c.hostaddr()))) }) as *mut c_char
}

#[no_mangle]
pub unsafe extern "C" fn PQpass(conn: *const PGconn) -> *mut c_char {
    // SAFETY: libpq's contract (see the module documentation).
    (unsafe { with_conn(conn, std::ptr::null(), |c| cached(c, Some(c.password()))) }) as *mut c_char
}

/// Always "" on a connection (the tty option is obsolete).
#[no_mangle]
pub unsafe extern "C" fn PQtty(conn: *const PGconn) -> *mut c_char {
    guard(std::ptr::null_mut(), || {
        // SAFETY: see conn_ref.
        match unsafe { conn_ref(conn) } {
            Some(_) => c"".as_ptr() as *mut c_char,
            None => std::ptr::null_mut(),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQparameterStatus(
    conn: *const PGconn,
    param_name: *const c_char,
) -> *const c_char {
    guard(std::ptr::null(), || {
        // SAFETY: see conn_ref; param_name is NULL or a C string.
        let (Some(c), Some(name)) = (unsafe { conn_ref(conn) }, unsafe { c_str(param_name) })
        else {
            return std::ptr::null();
        };
        c.parameter_status(name.to_bytes())
            .map_or(std::ptr::null(), CStr::as_ptr)
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQserverVersion(conn: *const PGconn) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_conn(conn, 0, |c| c.server_version()) }
}

#[no_mangle]
pub unsafe extern "C" fn PQprotocolVersion(conn: *const PGconn) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_conn(conn, 0, |c| c.protocol_version()) }
}

#[no_mangle]
pub unsafe extern "C" fn PQbackendPID(conn: *const PGconn) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_conn(conn, 0, |c| c.backend_pid()) }
}

#[no_mangle]
pub unsafe extern "C" fn PQsocket(conn: *const PGconn) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_conn(conn, -1, |c| c.socket()) }
}

#[no_mangle]
pub unsafe extern "C" fn PQclientEncoding(conn: *const PGconn) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_conn(conn, -1, |c| c.client_encoding()) }
}

#[no_mangle]
pub unsafe extern "C" fn PQconnectionNeedsPassword(conn: *const PGconn) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_conn(conn, 0, |c| c.needs_password() as c_int) }
}

#[no_mangle]
pub unsafe extern "C" fn PQconnectionUsedPassword(conn: *const PGconn) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_conn(conn, 0, |c| c.used_password() as c_int) }
}

#[no_mangle]
pub unsafe extern "C" fn PQconnectionUsedGSSAPI(conn: *const PGconn) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe {
        with_conn(conn, 0, |c| {
            let _ = c;
            0
        })
    }
}

#[no_mangle]
pub unsafe extern "C" fn PQisnonblocking(conn: *const PGconn) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_conn(conn, 0, |c| c.is_nonblocking() as c_int) }
}

/// Full protocol version: 30000 or 30002; 0 on a bad connection.
#[no_mangle]
pub unsafe extern "C" fn PQfullProtocolVersion(conn: *const PGconn) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_conn(conn, 0, |c| c.full_protocol_version()) }
}

/// Sends `set client_encoding to '...'`; 0 on success, -1 otherwise.
#[no_mangle]
pub unsafe extern "C" fn PQsetClientEncoding(conn: *mut PGconn, encoding: *const c_char) -> c_int {
    guard(-1, || {
        // SAFETY: conn is NULL or a live handle; encoding NULL or a C string.
        let (Some(c), Some(enc)) = (unsafe { borrow_mut(conn) }, unsafe { c_text(encoding) })
        else {
            return -1;
        };
        c.set_client_encoding(&enc)
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQsetErrorVerbosity(
    conn: *mut PGconn,
    verbosity: PGVerbosityArg,
) -> PGVerbosity {
    guard(PGVerbosity::PQERRORS_DEFAULT, || {
        // SAFETY: conn is NULL or a live handle.
        let Some(c) = (unsafe { borrow_mut(conn) }) else {
            return PGVerbosity::PQERRORS_DEFAULT;
        };
        let v = PGVerbosity::from_raw(verbosity).unwrap_or(PGVerbosity::PQERRORS_DEFAULT);
        c.set_verbosity(v)
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQsetErrorContextVisibility(
    conn: *mut PGconn,
    show_context: PGContextVisibilityArg,
) -> PGContextVisibility {
    guard(PGContextVisibility::PQSHOW_CONTEXT_ERRORS, || {
        // SAFETY: conn is NULL or a live handle.
        let Some(c) = (unsafe { borrow_mut(conn) }) else {
            return PGContextVisibility::PQSHOW_CONTEXT_ERRORS;
        };
        let v = PGContextVisibility::from_raw(show_context)
            .unwrap_or(PGContextVisibility::PQSHOW_CONTEXT_ERRORS);
        c.set_show_context(v)
    })
}

/// Our version in libpq's numbering.
#[no_mangle]
pub extern "C" fn PQlibVersion() -> c_int {
    crate::LIB_VERSION
}

/// libpq-rs is always thread-safe in libpq's sense.
#[no_mangle]
pub extern "C" fn PQisthreadsafe() -> c_int {
    1
}
