//! Exports: running commands (PQexec, PQsendQuery, PQgetResult, ...).

use std::ffi::{c_char, c_int};

use super::handle::{borrow_mut, c_str, guard};
use super::types::{Oid, PGconn, PGresult, PQ_QUERY_PARAM_MAX_LIMIT};
use crate::conn::{Param, QueryClass};

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
        c.exec(sql).map_or(std::ptr::null_mut(), Box::into_raw)
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
            Some(c) => c.get_result().map_or(std::ptr::null_mut(), Box::into_raw),
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

/// Reads a parameter type array of `n` entries (NULL: none sent, all
/// inferred by the server, as libpq does).
///
/// # Safety
/// `types` is NULL or points at `n` OIDs.
unsafe fn param_types<'a>(types: *const super::types::Oid, n: c_int) -> &'a [u32] {
    // An out-of-range count is refused by the engine; read nothing for it.
    if n <= 0 || n > PQ_QUERY_PARAM_MAX_LIMIT || types.is_null() {
        return &[];
    }
    // SAFETY: the caller passes n OIDs, which outlive the call.
    unsafe { std::slice::from_raw_parts(types, n as usize) }
}

#[no_mangle]
pub unsafe extern "C" fn PQsendPrepare(
    conn: *mut PGconn,
    stmt_name: *const c_char,
    query: *const c_char,
    n_params: c_int,
    param_types_: *const Oid,
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
        c.send_prepare(name, sql, n_params, types) as c_int
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQprepare(
    conn: *mut PGconn,
    stmt_name: *const c_char,
    query: *const c_char,
    n_params: c_int,
    param_types_: *const Oid,
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
        c.exec_extended(|c| c.send_prepare(name, sql, n_params, types))
            .map_or(std::ptr::null_mut(), Box::into_raw)
    })
}

/// Describe or Close (`class`) of a statement (`S`) or portal (`P`),
/// waiting for the result.
///
/// # Safety
/// libpq's contract (see the module documentation).
unsafe fn exec_typed(
    conn: *mut PGconn,
    class: QueryClass,
    kind: u8,
    name: *const c_char,
) -> *mut PGresult {
    guard(std::ptr::null_mut(), || {
        // SAFETY: forwarded contract.
        let (Some(c), name) = (unsafe { conn_mut(conn) }, unsafe { c_str(name) }) else {
            return std::ptr::null_mut();
        };
        let name = name.map(|s| s.to_bytes());
        c.exec_extended(|c| c.send_typed(class, kind, name))
            .map_or(std::ptr::null_mut(), Box::into_raw)
    })
}

/// Describe or Close without waiting.
///
/// # Safety
/// libpq's contract (see the module documentation).
unsafe fn send_typed(conn: *mut PGconn, class: QueryClass, kind: u8, name: *const c_char) -> c_int {
    guard(0, || {
        // SAFETY: forwarded contract.
        let (Some(c), name) = (unsafe { conn_mut(conn) }, unsafe { c_str(name) }) else {
            return 0;
        };
        c.send_typed(class, kind, name.map(|s| s.to_bytes())) as c_int
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQdescribePrepared(
    conn: *mut PGconn,
    stmt: *const c_char,
) -> *mut PGresult {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { exec_typed(conn, QueryClass::Describe, b'S', stmt) }
}

#[no_mangle]
pub unsafe extern "C" fn PQdescribePortal(
    conn: *mut PGconn,
    portal: *const c_char,
) -> *mut PGresult {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { exec_typed(conn, QueryClass::Describe, b'P', portal) }
}

#[no_mangle]
pub unsafe extern "C" fn PQsendDescribePrepared(conn: *mut PGconn, stmt: *const c_char) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { send_typed(conn, QueryClass::Describe, b'S', stmt) }
}

#[no_mangle]
pub unsafe extern "C" fn PQsendDescribePortal(conn: *mut PGconn, portal: *const c_char) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { send_typed(conn, QueryClass::Describe, b'P', portal) }
}

/// Closes a prepared statement (NULL or "": the unnamed one) and waits.
#[no_mangle]
pub unsafe extern "C" fn PQclosePrepared(conn: *mut PGconn, stmt: *const c_char) -> *mut PGresult {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { exec_typed(conn, QueryClass::Close, b'S', stmt) }
}

/// Closes a portal (NULL or "": the unnamed one) and waits.
#[no_mangle]
pub unsafe extern "C" fn PQclosePortal(conn: *mut PGconn, portal: *const c_char) -> *mut PGresult {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { exec_typed(conn, QueryClass::Close, b'P', portal) }
}

#[no_mangle]
pub unsafe extern "C" fn PQsendClosePrepared(conn: *mut PGconn, stmt: *const c_char) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { send_typed(conn, QueryClass::Close, b'S', stmt) }
}

#[no_mangle]
pub unsafe extern "C" fn PQsendClosePortal(conn: *mut PGconn, portal: *const c_char) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { send_typed(conn, QueryClass::Close, b'P', portal) }
}

/// The parameters as the engine takes them: one [`Param`] per parameter and
/// the format codes as sent (empty when `formats` is NULL). Nothing is read
/// for a count the engine will refuse.
///
/// # Safety
/// Each non-NULL array holds `n` entries; each non-NULL value is a C string,
/// or, when its format is binary, `lengths[i]` readable bytes.
unsafe fn read_params<'a>(
    n: c_int,
    values: *const *const c_char,
    lengths: *const c_int,
    formats: *const c_int,
) -> (Few<Param<'a>>, Few<i16>) {
    if n <= 0 || n > PQ_QUERY_PARAM_MAX_LIMIT {
        return (
            Few::new(0, Param::Null, |_| Param::Null),
            Few::new(0, 0, |_| 0),
        );
    }
    let n = n as usize;
    // SAFETY: each non-NULL array has n entries (contract above).
    let (values, lengths, formats) = unsafe {
        (
            (!values.is_null()).then(|| std::slice::from_raw_parts(values, n)),
            (!lengths.is_null()).then(|| std::slice::from_raw_parts(lengths, n)),
            (!formats.is_null()).then(|| std::slice::from_raw_parts(formats, n)),
        )
    };
    let params = Few::new(n, Param::Null, |i| {
        let value = values.map_or(std::ptr::null(), |v| v[i]);
        if value.is_null() {
            return Param::Null;
        }
        if formats.is_some_and(|f| f[i] != 0) {
            return match lengths.map(|l| l[i]) {
                None => Param::BinaryWithoutLength,
                Some(len) if len < 0 => Param::BinaryBadLength,
                // SAFETY: a binary value has lengths[i] readable bytes.
                Some(len) => Param::Binary(unsafe {
                    std::slice::from_raw_parts(value.cast::<u8>(), len as usize)
                }),
            };
        }
        // SAFETY: a text value is a C string.
        Param::Text(unsafe { std::ffi::CStr::from_ptr(value) }.to_bytes())
    });
    // As libpq: the codes go out as 16-bit integers.
    let formats = match formats {
        Some(f) => Few::new(n, 0, |i| f[i] as i16),
        None => Few::new(0, 0, |_| 0),
    };
    (params, formats)
}

/// Up to FEW items on the stack (the parameters of a typical query, read
/// without an allocation per call), more on the heap.
const FEW: usize = 16;
enum Few<T: Copy> {
    Stack(usize, [T; FEW]),
    Heap(Vec<T>),
}

impl<T: Copy> Few<T> {
    fn new(n: usize, fill: T, mut item: impl FnMut(usize) -> T) -> Self {
        if n <= FEW {
            let mut items = [fill; FEW];
            for (i, slot) in items.iter_mut().enumerate().take(n) {
                *slot = item(i);
            }
            Few::Stack(n, items)
        } else {
            Few::Heap((0..n).map(item).collect())
        }
    }
}

impl<T: Copy> std::ops::Deref for Few<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        match self {
            Few::Stack(n, items) => &items[..*n],
            Few::Heap(v) => v,
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn PQsendQueryParams(
    conn: *mut PGconn,
    command: *const c_char,
    n_params: c_int,
    param_types_: *const Oid,
    param_values: *const *const c_char,
    param_lengths: *const c_int,
    param_formats: *const c_int,
    result_format: c_int,
) -> c_int {
    guard(0, || {
        // SAFETY: libpq's contract (see the module documentation).
        let Some(c) = (unsafe { conn_mut(conn) }) else {
            return 0;
        };
        // SAFETY: as above.
        let (command, types, (params, formats)) = unsafe {
            (
                c_str(command).map(|s| s.to_bytes()),
                param_types(param_types_, n_params),
                read_params(n_params, param_values, param_lengths, param_formats),
            )
        };
        c.send_query_params(command, n_params, types, &params, &formats, result_format) as c_int
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQexecParams(
    conn: *mut PGconn,
    command: *const c_char,
    n_params: c_int,
    param_types_: *const Oid,
    param_values: *const *const c_char,
    param_lengths: *const c_int,
    param_formats: *const c_int,
    result_format: c_int,
) -> *mut PGresult {
    guard(std::ptr::null_mut(), || {
        // SAFETY: libpq's contract (see the module documentation).
        let Some(c) = (unsafe { conn_mut(conn) }) else {
            return std::ptr::null_mut();
        };
        // SAFETY: as above.
        let (command, types, (params, formats)) = unsafe {
            (
                c_str(command).map(|s| s.to_bytes()),
                param_types(param_types_, n_params),
                read_params(n_params, param_values, param_lengths, param_formats),
            )
        };
        c.exec_extended(|c| {
            c.send_query_params(command, n_params, types, &params, &formats, result_format)
        })
        .map_or(std::ptr::null_mut(), Box::into_raw)
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQsendQueryPrepared(
    conn: *mut PGconn,
    stmt_name: *const c_char,
    n_params: c_int,
    param_values: *const *const c_char,
    param_lengths: *const c_int,
    param_formats: *const c_int,
    result_format: c_int,
) -> c_int {
    guard(0, || {
        // SAFETY: libpq's contract (see the module documentation).
        let Some(c) = (unsafe { conn_mut(conn) }) else {
            return 0;
        };
        // SAFETY: as above.
        let (name, (params, formats)) = unsafe {
            (
                c_str(stmt_name).map(|s| s.to_bytes()),
                read_params(n_params, param_values, param_lengths, param_formats),
            )
        };
        c.send_query_prepared(name, n_params, &params, &formats, result_format) as c_int
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQexecPrepared(
    conn: *mut PGconn,
    stmt_name: *const c_char,
    n_params: c_int,
    param_values: *const *const c_char,
    param_lengths: *const c_int,
    param_formats: *const c_int,
    result_format: c_int,
) -> *mut PGresult {
    guard(std::ptr::null_mut(), || {
        // SAFETY: libpq's contract (see the module documentation).
        let Some(c) = (unsafe { conn_mut(conn) }) else {
            return std::ptr::null_mut();
        };
        // SAFETY: as above.
        let (name, (params, formats)) = unsafe {
            (
                c_str(stmt_name).map(|s| s.to_bytes()),
                read_params(n_params, param_values, param_lengths, param_formats),
            )
        };
        c.exec_extended(|c| c.send_query_prepared(name, n_params, &params, &formats, result_format))
            .map_or(std::ptr::null_mut(), Box::into_raw)
    })
}
