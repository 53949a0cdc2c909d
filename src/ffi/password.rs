//! Client-side password encryption: `PQencryptPasswordConn`,
//! `PQencryptPassword` (fe-auth.c).

use std::ffi::c_char;

use crate::auth::{md5, scram};
use crate::ffi::handle::{borrow_mut, c_str, guard, malloc_cstring};
use crate::ffi::types::{ExecStatusType, PGconn};
use crate::messages::auth as msg;

/// libpq's `MAX_ALGORITHM_NAME_LEN`.
const MAX_ALGORITHM_NAME_LEN: usize = 50;
/// `SCRAM_SHA_256_DEFAULT_ITERATIONS`, used until the server reports `scram_iterations`.
const SCRAM_DEFAULT_ITERATIONS: i32 = 4096;

/// The iteration count the server asked for (ParameterStatus
/// `scram_iterations`, read with `atoi` as libpq does), else the default.
fn scram_iterations(conn: &PGconn) -> i32 {
    match conn.parameter_status(b"scram_iterations") {
        Some(v) => crate::cnum::strtol(v.to_bytes()).value as i32,
        None => SCRAM_DEFAULT_ITERATIONS,
    }
}

/// The algorithm from `SHOW password_encryption`, or `None` with the
/// connection's error set.
fn server_algorithm(conn: &mut PGconn) -> Option<Vec<u8>> {
    let res = conn.exec(Some(b"show password_encryption"))?;
    if res.status() != ExecStatusType::PGRES_TUPLES_OK {
        return None;
    }
    if res.ntuples() != 1 || res.nfields() != 1 {
        conn.append_error("unexpected shape of result set returned for SHOW\n");
        return None;
    }
    let val = res.value_bytes(0, 0).unwrap_or(b"");
    let val = &val[..val.iter().position(|&b| b == 0).unwrap_or(val.len())];
    if val.len() > MAX_ALGORITHM_NAME_LEN {
        conn.append_error("\"password_encryption\" value too long\n");
        return None;
    }
    Some(val.to_vec())
}

/// `PQencryptPasswordConn`'s body: the encrypted password, or `None` with the
/// connection's error set.
fn encrypt_conn(
    conn: &mut PGconn,
    passwd: &[u8],
    user: Option<&[u8]>,
    algorithm: Option<&[u8]>,
) -> Option<String> {
    conn.clear_error();
    let algorithm = match algorithm {
        Some(a) => a.to_vec(),
        None => server_algorithm(conn)?,
    };
    // "on" and "off" are the pre-10 boolean spellings; both mean md5.
    let algorithm: &[u8] = match algorithm.as_slice() {
        b"on" | b"off" => b"md5",
        a => a,
    };
    match algorithm {
        b"scram-sha-256" => match scram::build_secret(passwd, scram_iterations(conn)) {
            Ok(secret) => Some(secret),
            Err(text) => {
                conn.append_error(&text);
                None
            }
        },
        // libpq passes strlen(user); a NULL user would crash it, we fail instead.
        b"md5" => user.map(|user| md5::md5_encrypt(passwd, user)),
        other => {
            conn.append_error(&format!(
                "unrecognized password encryption algorithm \"{}\"\n",
                String::from_utf8_lossy(other)
            ));
            None
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn PQencryptPasswordConn(
    conn: *mut PGconn,
    passwd: *const c_char,
    user: *const c_char,
    algorithm: *const c_char,
) -> *mut c_char {
    guard(std::ptr::null_mut(), || {
        // SAFETY: conn is NULL or a live connection handle (module contract).
        let Some(conn) = (unsafe { borrow_mut(conn) }) else {
            return std::ptr::null_mut();
        };
        // SAFETY: string arguments are NULL or NUL-terminated (module contract).
        let (passwd, user, algorithm) = unsafe { (c_str(passwd), c_str(user), c_str(algorithm)) };
        let Some(passwd) = passwd else {
            conn.clear_error();
            return std::ptr::null_mut();
        };
        match encrypt_conn(
            conn,
            passwd.to_bytes(),
            user.map(|u| u.to_bytes()),
            algorithm.map(|a| a.to_bytes()),
        ) {
            Some(text) => {
                let p = malloc_cstring(text.as_bytes());
                if p.is_null() {
                    conn.append_error(msg::OUT_OF_MEMORY);
                }
                p
            }
            None => std::ptr::null_mut(),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQencryptPassword(
    passwd: *const c_char,
    user: *const c_char,
) -> *mut c_char {
    guard(std::ptr::null_mut(), || {
        // SAFETY: string arguments are NULL or NUL-terminated (module contract).
        let (Some(passwd), Some(user)) = (unsafe { c_str(passwd) }, unsafe { c_str(user) }) else {
            return std::ptr::null_mut();
        };
        malloc_cstring(md5::md5_encrypt(passwd.to_bytes(), user.to_bytes()).as_bytes())
    })
}
