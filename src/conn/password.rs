//! Client-side password encryption and change (libpq's fe-auth.c
//! PQencryptPasswordConn and PQchangePassword), on a connection.
//!
//! libpq crashes on a NULL password (and on a NULL user where it needs one:
//! md5, and the identifier of `PQchangePassword`); we return None instead,
//! after the same steps up to that point (so an unknown algorithm is still
//! reported, and a NULL algorithm still asks the server).

use super::Connection;
use crate::auth::{md5, scram};
use crate::escape;
use crate::ffi::types::ExecStatusType;
use crate::messages::auth as msg;
use crate::result::PgResult;

/// libpq's `MAX_ALGORITHM_NAME_LEN`.
const MAX_ALGORITHM_NAME_LEN: usize = 50;
/// `SCRAM_SHA_256_DEFAULT_ITERATIONS`, used until the server reports `scram_iterations`.
const SCRAM_DEFAULT_ITERATIONS: i32 = 4096;

/// The iteration count the server asked for (ParameterStatus
/// `scram_iterations`, read with `atoi` as libpq does), else the default.
fn scram_iterations(conn: &Connection) -> i32 {
    match conn.parameter_status(b"scram_iterations") {
        Some(v) => crate::cnum::strtol(v.to_bytes()).value as i32,
        None => SCRAM_DEFAULT_ITERATIONS,
    }
}

/// The algorithm from `SHOW password_encryption`, or `None` with the
/// connection's error set.
fn server_algorithm(conn: &mut Connection) -> Option<Vec<u8>> {
    let res = conn.exec(Some(msg::SHOW_PASSWORD_ENCRYPTION))?;
    if res.status() != ExecStatusType::PGRES_TUPLES_OK {
        return None;
    }
    if res.ntuples() != 1 || res.nfields() != 1 {
        conn.append_error(msg::SHOW_UNEXPECTED_SHAPE);
        return None;
    }
    let val = res.value_bytes(0, 0).unwrap_or(b"");
    let val = &val[..val.iter().position(|&b| b == 0).unwrap_or(val.len())];
    if val.len() > MAX_ALGORITHM_NAME_LEN {
        conn.append_error(msg::PASSWORD_ENCRYPTION_TOO_LONG);
        return None;
    }
    Some(val.to_vec())
}

/// `PQencryptPasswordConn`'s body: the encrypted password, or `None` with the
/// connection's error set (or, where libpq would crash, left empty).
pub fn encrypt_password(
    conn: &mut Connection,
    passwd: Option<&[u8]>,
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
        b"scram-sha-256" => match scram::build_secret(passwd?, scram_iterations(conn)) {
            Ok(secret) => Some(secret),
            Err(text) => {
                conn.append_error(&text);
                None
            }
        },
        b"md5" => Some(md5::md5_encrypt(passwd?, user?)),
        other => {
            conn.error
                .append(&msg::unrecognized_password_algorithm(other));
            None
        }
    }
}

/// `PQchangePassword`'s body: `ALTER USER <user> PASSWORD '<encrypted>'`,
/// encrypted as the server's `password_encryption` says. `None` when it
/// never got to run the statement.
pub fn change_password(
    conn: &mut Connection,
    user: Option<&[u8]>,
    passwd: Option<&[u8]>,
) -> Option<Box<PgResult>> {
    let encrypted = encrypt_password(conn, passwd, user, None)?;
    // PQescapeLiteral and PQescapeIdentifier, each starting a new operation.
    conn.clear_error();
    let literal = escape::escape_internal(encrypted.as_bytes(), conn.client_encoding, false);
    let literal = literal.map_err(|e| conn.append_error(&format!("{}\n", e.message())));
    let literal = literal.ok()?;
    conn.clear_error();
    let ident = escape::escape_internal(user?, conn.client_encoding, true);
    let ident = ident.map_err(|e| conn.append_error(&format!("{}\n", e.message())));
    let sql = msg::alter_user_password(&ident.ok()?, &literal);
    conn.exec(Some(&sql))
}
