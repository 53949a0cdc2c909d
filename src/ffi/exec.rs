//! Exports: running commands (PQexec, PQsendQuery, PQgetResult, ...).

use std::ffi::{c_char, c_int};

use super::handle::{borrow_mut, c_str, guard, into_raw};
use super::types::{PGconn, PGresult};

/// # Safety
/// `conn` is NULL or a live handle from this library.
unsafe fn conn_mut<'a>(conn: *mut PGconn) -> Option<&'a mut PGconn> {
    // SAFETY: forwarded contract.
    unsafe { borrow_mut(conn) }
}

/// Runs a command string and waits for its last result.
#[no_mangle]
pub unsafe extern "C" fn PQexec(conn: *mut PGconn, query: *const c_char) -> *mut PGresult {
    guard(std::ptr::null_mut(), || {
        // SAFETY: conn as above; query is NULL or a C string.
        let Some(c) = (unsafe { conn_mut(conn) }) else {
            return std::ptr::null_mut();
        };
        let sql = unsafe { c_str(query) }.map(|s| s.to_bytes());
        c.exec(sql).map_or(std::ptr::null_mut(), into_raw)
    })
}

/// Sends a command string without waiting for its results.
#[no_mangle]
pub unsafe extern "C" fn PQsendQuery(conn: *mut PGconn, query: *const c_char) -> c_int {
    guard(0, || {
        // SAFETY: conn as above; query is NULL or a C string.
        let Some(c) = (unsafe { conn_mut(conn) }) else {
            return 0;
        };
        let sql = unsafe { c_str(query) }.map(|s| s.to_bytes());
        c.send_query(sql) as c_int
    })
}

/// The next result of the command in progress, waiting for it; NULL when done.
#[no_mangle]
pub unsafe extern "C" fn PQgetResult(conn: *mut PGconn) -> *mut PGresult {
    guard(std::ptr::null_mut(), || {
        // SAFETY: conn as above.
        match unsafe { conn_mut(conn) } {
            Some(c) => c.get_result().map_or(std::ptr::null_mut(), into_raw),
            None => std::ptr::null_mut(),
        }
    })
}

/// Reads what the server has sent, without blocking; 0 on trouble.
#[no_mangle]
pub unsafe extern "C" fn PQconsumeInput(conn: *mut PGconn) -> c_int {
    guard(0, || {
        // SAFETY: conn as above.
        unsafe { conn_mut(conn) }.map_or(0, |c| c.consume_input() as c_int)
    })
}

/// 1 when PQgetResult would block.
#[no_mangle]
pub unsafe extern "C" fn PQisBusy(conn: *mut PGconn) -> c_int {
    guard(0, || {
        // SAFETY: conn as above.
        unsafe { conn_mut(conn) }.map_or(0, |c| c.is_busy() as c_int)
    })
}
