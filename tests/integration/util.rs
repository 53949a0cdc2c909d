//! Small helpers for calling the exported C functions from Rust tests.

use std::ffi::{c_char, c_void, CStr, CString};
use std::sync::Mutex;

use pq::ffi::*;

pub fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// A C string result as Rust text; None for NULL.
pub fn text(p: *const c_char) -> Option<String> {
    if p.is_null() {
        None
    } else {
        // SAFETY: the library returns NUL-terminated strings it owns.
        Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    }
}

/// A connection that is finished when dropped.
pub struct Conn(pub *mut PGconn);

impl Conn {
    pub fn open(conninfo: &str) -> Conn {
        let c = cs(conninfo);
        // SAFETY: a valid C string.
        Conn(unsafe { PQconnectdb(c.as_ptr()) })
    }
    pub fn status(&self) -> ConnStatusType {
        // SAFETY: live handle.
        unsafe { PQstatus(self.0) }
    }
    pub fn error(&self) -> String {
        // SAFETY: live handle.
        text(unsafe { PQerrorMessage(self.0) }).unwrap()
    }
    pub fn exec(&self, sql: &str) -> Res {
        let q = cs(sql);
        // SAFETY: live handle, valid query.
        Res(unsafe { PQexec(self.0, q.as_ptr()) })
    }
    pub fn ok(conninfo: &str) -> Conn {
        let c = Conn::open(conninfo);
        assert_eq!(c.status(), ConnStatusType::CONNECTION_OK, "{}", c.error());
        c
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        // SAFETY: we own the handle.
        unsafe { PQfinish(self.0) }
    }
}

/// A result that is cleared when dropped.
pub struct Res(pub *mut PGresult);

impl Res {
    pub fn status(&self) -> ExecStatusType {
        // SAFETY: NULL or a live result.
        let code = unsafe { PQresultStatus(self.0) };
        ExecStatusType::from_raw(code).expect("a known status")
    }
    pub fn value(&self, row: i32, col: i32) -> Option<String> {
        // SAFETY: NULL or a live result.
        text(unsafe { PQgetvalue(self.0, row, col) })
    }
    pub fn error(&self) -> String {
        // SAFETY: NULL or a live result.
        text(unsafe { PQresultErrorMessage(self.0) }).unwrap()
    }
    pub fn field(&self, code: u8) -> Option<String> {
        // SAFETY: NULL or a live result.
        text(unsafe { PQresultErrorField(self.0, code as i32) })
    }
    pub fn ntuples(&self) -> i32 {
        // SAFETY: NULL or a live result.
        unsafe { PQntuples(self.0) }
    }
    pub fn nfields(&self) -> i32 {
        // SAFETY: NULL or a live result.
        unsafe { PQnfields(self.0) }
    }
    pub fn cmd_status(&self) -> Option<String> {
        // SAFETY: NULL or a live result.
        text(unsafe { PQcmdStatus(self.0) })
    }
    pub fn cmd_tuples(&self) -> String {
        // SAFETY: NULL or a live result.
        text(unsafe { PQcmdTuples(self.0) }).unwrap()
    }
}

impl Drop for Res {
    fn drop(&mut self) {
        // SAFETY: we own the result (or it is NULL).
        unsafe { PQclear(self.0) }
    }
}

/// Notice processor that collects messages into a `Mutex<Vec<String>>` passed as arg.
pub unsafe extern "C" fn collect_notices(arg: *mut c_void, message: *const c_char) {
    // SAFETY: the test passes a pointer to a live Mutex<Vec<String>>.
    let sink = unsafe { &*(arg as *const Mutex<Vec<String>>) };
    sink.lock().unwrap().push(text(message).unwrap());
}
