//! Exports: opening and closing connections, and PQping.

use std::ffi::{c_char, c_int, c_void};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::handle::{borrow_mut, c_text, guard, into_raw, take_box};
use super::types::{
    PGPing, PGauthData, PGauthDataArg, PGconn, PQauthDataHook_type, PostgresPollingStatusType,
};
use crate::conn::{Connection, PollStatus};
use crate::conninfo::{self, ConnOptions};

/// Reads libpq's NULL-terminated keyword/value arrays.
///
/// # Safety
/// Both are NULL or NULL-terminated arrays of C strings of equal length.
unsafe fn read_params(
    keywords: *const *const c_char,
    values: *const *const c_char,
    expand_dbname: c_int,
) -> Result<ConnOptions, String> {
    let mut pairs: Vec<(String, Option<String>)> = Vec::new();
    if !keywords.is_null() {
        let mut i = 0;
        loop {
            // SAFETY: the caller passes a NULL-terminated keyword array.
            let k = unsafe { *keywords.add(i) };
            if k.is_null() {
                break;
            }
            // SAFETY: values has an entry for every keyword (libpq's contract).
            let v = if values.is_null() {
                std::ptr::null()
            } else {
                unsafe { *values.add(i) }
            };
            // SAFETY: non-NULL entries are NUL-terminated strings.
            let key = unsafe { c_text(k) }.unwrap_or_default().into_owned();
            let val = unsafe { c_text(v) }.map(|s| s.into_owned());
            pairs.push((key, val));
            i += 1;
        }
    }
    let borrowed: Vec<(&str, Option<&str>)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_deref()))
        .collect();
    conninfo::parse_params(&borrowed, expand_dbname != 0)
}

/// Reads a conninfo string; NULL reads as "".
///
/// # Safety
/// `conninfo` is NULL or NUL-terminated.
unsafe fn read_conninfo(conninfo: *const c_char) -> Result<ConnOptions, String> {
    // SAFETY: forwarded contract.
    let text = unsafe { c_text(conninfo) }.unwrap_or_default();
    conninfo::parse_conninfo(&text)
}

fn start(parsed: Result<ConnOptions, String>) -> Connection {
    let mut conn = Connection::new(parsed);
    conn.connect_start();
    conn
}

fn connect_blocking(parsed: Result<ConnOptions, String>) -> *mut PGconn {
    let mut conn = start(parsed);
    conn.connect_complete();
    into_raw(conn)
}

/// Opens a connection from a conninfo string or URI, waiting until done.
#[no_mangle]
pub unsafe extern "C" fn PQconnectdb(conninfo: *const c_char) -> *mut PGconn {
    // SAFETY: conninfo is NULL or a C string, per libpq's API.
    guard(std::ptr::null_mut(), || {
        connect_blocking(unsafe { read_conninfo(conninfo) })
    })
}

/// Opens a connection from keyword/value arrays, waiting until done.
#[no_mangle]
pub unsafe extern "C" fn PQconnectdbParams(
    keywords: *const *const c_char,
    values: *const *const c_char,
    expand_dbname: c_int,
) -> *mut PGconn {
    // SAFETY: the arrays follow libpq's contract.
    guard(std::ptr::null_mut(), || {
        connect_blocking(unsafe { read_params(keywords, values, expand_dbname) })
    })
}

/// Starts a connection from a conninfo string without waiting.
#[no_mangle]
pub unsafe extern "C" fn PQconnectStart(conninfo: *const c_char) -> *mut PGconn {
    // SAFETY: conninfo is NULL or a C string.
    guard(std::ptr::null_mut(), || {
        into_raw(start(unsafe { read_conninfo(conninfo) }))
    })
}

/// Starts a connection from keyword/value arrays without waiting.
#[no_mangle]
pub unsafe extern "C" fn PQconnectStartParams(
    keywords: *const *const c_char,
    values: *const *const c_char,
    expand_dbname: c_int,
) -> *mut PGconn {
    // SAFETY: the arrays follow libpq's contract.
    guard(std::ptr::null_mut(), || {
        into_raw(start(unsafe {
            read_params(keywords, values, expand_dbname)
        }))
    })
}

pub(crate) fn polling_status(p: PollStatus) -> PostgresPollingStatusType {
    match p {
        PollStatus::Failed => PostgresPollingStatusType::PGRES_POLLING_FAILED,
        PollStatus::Reading => PostgresPollingStatusType::PGRES_POLLING_READING,
        PollStatus::Writing => PostgresPollingStatusType::PGRES_POLLING_WRITING,
        PollStatus::Ok => PostgresPollingStatusType::PGRES_POLLING_OK,
    }
}

/// Advances a connection started with PQconnectStart.
#[no_mangle]
pub unsafe extern "C" fn PQconnectPoll(conn: *mut PGconn) -> PostgresPollingStatusType {
    guard(PostgresPollingStatusType::PGRES_POLLING_FAILED, || {
        // SAFETY: conn is NULL or a live handle from this library.
        match unsafe { borrow_mut(conn) } {
            Some(c) => polling_status(c.connect_poll()),
            None => PostgresPollingStatusType::PGRES_POLLING_FAILED,
        }
    })
}

/// The old-style connect call; `dbName` may itself be a conninfo string.
#[no_mangle]
pub unsafe extern "C" fn PQsetdbLogin(
    pghost: *const c_char,
    pgport: *const c_char,
    pgoptions: *const c_char,
    _pgtty: *const c_char,
    db_name: *const c_char,
    login: *const c_char,
    pwd: *const c_char,
) -> *mut PGconn {
    guard(std::ptr::null_mut(), || {
        // SAFETY: every argument is NULL or a C string, per libpq's API.
        let text = |p| unsafe { c_text(p) }.map(|s| s.into_owned());
        let db = text(db_name);
        let mut pairs: Vec<(&str, Option<String>)> = Vec::new();
        let expand = db
            .as_deref()
            .is_some_and(|d: &str| conninfo::recognized_connection_string(d));
        pairs.push(("dbname", db));
        pairs.push(("host", text(pghost)));
        pairs.push(("port", text(pgport)));
        pairs.push(("options", text(pgoptions)));
        pairs.push(("user", text(login)));
        pairs.push(("password", text(pwd)));
        let borrowed: Vec<(&str, Option<&str>)> =
            pairs.iter().map(|(k, v)| (*k, v.as_deref())).collect();
        connect_blocking(conninfo::parse_params(&borrowed, expand))
    })
}

/// Closes the connection and frees the handle.
#[no_mangle]
pub unsafe extern "C" fn PQfinish(conn: *mut PGconn) {
    guard((), || {
        // SAFETY: conn is NULL or a live handle.
        if let Some(c) = unsafe { borrow_mut(conn) } {
            c.close();
            // As libpq: the event procs hear of it after the goodbye.
            // SAFETY: conn is live; `c` is not used again.
            unsafe { super::events::fire_conn_destroy(conn) };
        }
        // SAFETY: conn is NULL or a handle from this library, not used after this call.
        drop(unsafe { take_box(conn) });
    })
}

/// Closes and reopens the connection with the same options.
#[no_mangle]
pub unsafe extern "C" fn PQreset(conn: *mut PGconn) {
    guard((), || {
        // SAFETY: conn is NULL or a live handle.
        if let Some(c) = unsafe { borrow_mut(conn) } {
            if c.reset_start() && c.connect_complete() {
                // SAFETY: conn is live; `c` is not used again.
                unsafe { super::events::fire_conn_reset(conn) };
            }
        }
    })
}

/// Closes the connection and starts reopening it without waiting.
#[no_mangle]
pub unsafe extern "C" fn PQresetStart(conn: *mut PGconn) -> c_int {
    guard(0, || {
        // SAFETY: conn is NULL or a live handle.
        match unsafe { borrow_mut(conn) } {
            Some(c) => c.reset_start() as c_int,
            None => 0,
        }
    })
}

/// Advances a reset started with PQresetStart; the event procs hear of
/// its success (PGEVT_CONNRESET) each time it answers PGRES_POLLING_OK.
#[no_mangle]
pub unsafe extern "C" fn PQresetPoll(conn: *mut PGconn) -> PostgresPollingStatusType {
    guard(PostgresPollingStatusType::PGRES_POLLING_FAILED, || {
        // SAFETY: conn is NULL or a live handle.
        let Some(c) = (unsafe { borrow_mut(conn) }) else {
            return PostgresPollingStatusType::PGRES_POLLING_FAILED;
        };
        let status = c.connect_poll();
        if status == PollStatus::Ok {
            // SAFETY: conn is live; `c` is not used again.
            unsafe { super::events::fire_conn_reset(conn) };
        }
        polling_status(status)
    })
}

fn ping(parsed: Result<ConnOptions, String>) -> PGPing {
    let mut conn = start(parsed);
    let outcome = conn.ping_outcome();
    conn.close();
    outcome
}

/// Whether a server answers at the conninfo's address.
#[no_mangle]
pub unsafe extern "C" fn PQping(conninfo: *const c_char) -> PGPing {
    // SAFETY: conninfo is NULL or a C string.
    guard(PGPing::PQPING_NO_ATTEMPT, || {
        ping(unsafe { read_conninfo(conninfo) })
    })
}

/// Whether a server answers at the address the arrays name.
#[no_mangle]
pub unsafe extern "C" fn PQpingParams(
    keywords: *const *const c_char,
    values: *const *const c_char,
    expand_dbname: c_int,
) -> PGPing {
    // SAFETY: the arrays follow libpq's contract.
    guard(PGPing::PQPING_NO_ATTEMPT, || {
        ping(unsafe { read_params(keywords, values, expand_dbname) })
    })
}

/// The application's auth-data hook (`PQsetAuthDataHook`), for every
/// connection of the process, as in libpq; 0 = [`PQdefaultAuthDataHook`].
static AUTH_DATA_HOOK: AtomicUsize = AtomicUsize::new(0);

/// Installs the hook libpq asks for OAuth data (device prompts, bearer
/// tokens); NULL puts the default back.
#[no_mangle]
pub extern "C" fn PQsetAuthDataHook(hook: PQauthDataHook_type) {
    AUTH_DATA_HOOK.store(hook.map_or(0, |f| f as usize), Ordering::SeqCst);
}

/// The hook in force: the application's, or [`PQdefaultAuthDataHook`].
#[no_mangle]
pub extern "C" fn PQgetAuthDataHook() -> PQauthDataHook_type {
    let default: unsafe extern "C" fn(PGauthDataArg, *mut PGconn, *mut c_void) -> c_int =
        PQdefaultAuthDataHook;
    match AUTH_DATA_HOOK.load(Ordering::SeqCst) {
        // SAFETY: the two function types differ only in the enum parameter,
        // which crosses the C ABI as the same 4-byte integer.
        0 => Some(unsafe {
            std::mem::transmute::<
                unsafe extern "C" fn(PGauthDataArg, *mut PGconn, *mut c_void) -> c_int,
                unsafe extern "C" fn(PGauthData, *mut PGconn, *mut c_void) -> c_int,
            >(default)
        }),
        // SAFETY: a nonzero value was stored by PQsetAuthDataHook from a
        // hook of exactly this type.
        addr => Some(unsafe {
            std::mem::transmute::<
                usize,
                unsafe extern "C" fn(PGauthData, *mut PGconn, *mut c_void) -> c_int,
            >(addr)
        }),
    }
}

/// libpq's default hook handles nothing: 0 for every request, so libpq
/// falls back to its own behaviour.
#[no_mangle]
pub extern "C" fn PQdefaultAuthDataHook(
    _type: PGauthDataArg,
    _conn: *mut PGconn,
    _data: *mut c_void,
) -> c_int {
    0
}
