//! Client-side password encryption and change: `PQencryptPasswordConn`,
//! `PQencryptPassword`, `PQchangePassword` (fe-auth.c).
//!
//! The work is in `conn::password`.

use std::ffi::c_char;

use crate::auth::md5;
use crate::ffi::handle::{borrow_mut, c_str, guard, malloc_cstring};
use crate::ffi::types::{PGconn, PGresult};
use crate::messages::auth as msg;

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
        match crate::conn::password::encrypt_password(
            conn,
            passwd.map(|p| p.to_bytes()),
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

#[no_mangle]
pub unsafe extern "C" fn PQchangePassword(
    conn: *mut PGconn,
    user: *const c_char,
    passwd: *const c_char,
) -> *mut PGresult {
    guard(std::ptr::null_mut(), || {
        // SAFETY: conn is NULL or a live connection handle (module contract).
        let Some(conn) = (unsafe { borrow_mut(conn) }) else {
            return std::ptr::null_mut();
        };
        // SAFETY: string arguments are NULL or NUL-terminated (module contract).
        let (user, passwd) = unsafe { (c_str(user), c_str(passwd)) };
        match crate::conn::password::change_password(
            conn,
            user.map(|u| u.to_bytes()),
            passwd.map(|p| p.to_bytes()),
        ) {
            Some(res) => Box::into_raw(res),
            None => std::ptr::null_mut(),
        }
    })
}
