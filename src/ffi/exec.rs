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

/// Reads a parameter type array of `n` entries (NULL = all unspecified).
///
/// # Safety
/// `types` is NULL or points at `n` OIDs.
unsafe fn param_types(types: *const super::types::Oid, n: c_int) -> Vec<u32> {
    // An out-of-range count is refused by the engine; read nothing for it.
    if n <= 0 || n > super::types::PQ_QUERY_PARAM_MAX_LIMIT {
        return Vec::new();
    }
    if types.is_null() {
        return vec![0; n as usize];
    }
    // SAFETY: the caller passes n OIDs.
    unsafe { std::slice::from_raw_parts(types, n as usize) }.to_vec()
}

#[no_mangle]
pub unsafe extern "C" fn PQsendPrepare(
    conn: *mut PGconn,
    stmt_name: *const c_char,
    query: *const c_char,
    n_params: c_int,
    param_types_: *const super::types::Oid,
) -> c_int {
    guard(0, || {
        // SAFETY: libpq's contract (see the module documentation).
        let Some(c) = (unsafe { conn_mut(conn) }) else {
            return 0;
        };
        // SAFETY: as above.
        let (name, sql, types) = unsafe {
            (
                c_str(stmt_name).map(|s| s.to_bytes()),
                c_str(query).map(|s| s.to_bytes()),
                param_types(param_types_, n_params),
            )
        };
        c.send_prepare(name, sql, n_params, &types) as c_int
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQprepare(
    conn: *mut PGconn,
    stmt_name: *const c_char,
    query: *const c_char,
    n_params: c_int,
    param_types_: *const super::types::Oid,
) -> *mut PGresult {
    guard(std::ptr::null_mut(), || {
        // SAFETY: libpq's contract (see the module documentation).
        let Some(c) = (unsafe { conn_mut(conn) }) else {
            return std::ptr::null_mut();
        };
        // SAFETY: as above.
        let (name, sql, types) = unsafe {
            (
                c_str(stmt_name).map(|s| s.to_bytes()),
                c_str(query).map(|s| s.to_bytes()),
                param_types(param_types_, n_params),
            )
        };
        c.exec_extended(|c| c.send_prepare(name, sql, n_params, &types))
            .map_or(std::ptr::null_mut(), into_raw)
    })
}

/// Describe of a statement (`S`) or portal (`P`), waiting for the result.
///
/// # Safety
/// libpq's contract (see the module documentation).
unsafe fn describe(conn: *mut PGconn, kind: u8, name: *const c_char) -> *mut PGresult {
    guard(std::ptr::null_mut(), || {
        // SAFETY: forwarded contract.
        let (Some(c), name) = (unsafe { conn_mut(conn) }, unsafe { c_str(name) }) else {
            return std::ptr::null_mut();
        };
        let name = name.map(|s| s.to_bytes());
        c.exec_extended(|c| c.send_describe(kind, name))
            .map_or(std::ptr::null_mut(), into_raw)
    })
}

/// Describe without waiting.
///
/// # Safety
/// libpq's contract (see the module documentation).
unsafe fn send_describe(conn: *mut PGconn, kind: u8, name: *const c_char) -> c_int {
    guard(0, || {
        // SAFETY: forwarded contract.
        let (Some(c), name) = (unsafe { conn_mut(conn) }, unsafe { c_str(name) }) else {
            return 0;
        };
        c.send_describe(kind, name.map(|s| s.to_bytes())) as c_int
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQdescribePrepared(
    conn: *mut PGconn,
    stmt: *const c_char,
) -> *mut PGresult {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { describe(conn, b'S', stmt) }
}

#[no_mangle]
pub unsafe extern "C" fn PQdescribePortal(
    conn: *mut PGconn,
    portal: *const c_char,
) -> *mut PGresult {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { describe(conn, b'P', portal) }
}

#[no_mangle]
pub unsafe extern "C" fn PQsendDescribePrepared(conn: *mut PGconn, stmt: *const c_char) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { send_describe(conn, b'S', stmt) }
}

#[no_mangle]
pub unsafe extern "C" fn PQsendDescribePortal(conn: *mut PGconn, portal: *const c_char) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { send_describe(conn, b'P', portal) }
}
