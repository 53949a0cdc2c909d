//! Exports: what a connection says about encryption. This build has no TLS
//! and no GSSAPI yet (as a libpq built without them answers).

use std::ffi::{c_char, c_int, c_void};

use super::types::PGconn;

#[no_mangle]
pub extern "C" fn PQsslInUse(_conn: *mut PGconn) -> c_int {
    0
}

/// NULL for every attribute, "library" included, as in a libpq built without SSL.
#[no_mangle]
pub extern "C" fn PQsslAttribute(
    _conn: *mut PGconn,
    _attribute_name: *const c_char,
) -> *const c_char {
    std::ptr::null()
}

#[no_mangle]
pub extern "C" fn PQgssEncInUse(_conn: *mut PGconn) -> c_int {
    0
}

/// No SSL structures exist without SSL.
#[no_mangle]
pub extern "C" fn PQsslStruct(_conn: *mut PGconn, _struct_name: *const c_char) -> *mut c_void {
    std::ptr::null_mut()
}

#[no_mangle]
pub extern "C" fn PQgetssl(_conn: *mut PGconn) -> *mut c_void {
    std::ptr::null_mut()
}
