//! Exports: reading results (PQresultStatus, PQgetvalue, PQfname, ...).

use std::ffi::{c_char, c_int, c_void, CStr};

use super::handle::{borrow, borrow_mut, c_str, guard, into_raw, take_box};
use super::types::*;
use crate::messages::result as msg;

/// # Safety
/// `res` is NULL or a live result from this library.
unsafe fn res_ref<'a>(res: *const PGresult) -> Option<&'a PGresult> {
    // SAFETY: forwarded contract.
    unsafe { borrow(res) }
}

fn ptr(s: &CStr) -> *mut c_char {
    s.as_ptr() as *mut c_char
}

/// Wrapper making the status-name table shareable between threads: it only
/// holds pointers to static, immutable strings.
#[repr(transparent)]
pub struct StatusNames(pub [*const c_char; 13]);
// SAFETY: the pointers refer to 'static read-only C strings and are never written.
unsafe impl Sync for StatusNames {}

/// libpq's exported data symbol with the status names (libpq-int.h).
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static pgresStatus: StatusNames = StatusNames([
    msg::STATUS_NAMES[0].as_ptr(),
    msg::STATUS_NAMES[1].as_ptr(),
    msg::STATUS_NAMES[2].as_ptr(),
    msg::STATUS_NAMES[3].as_ptr(),
    msg::STATUS_NAMES[4].as_ptr(),
    msg::STATUS_NAMES[5].as_ptr(),
    msg::STATUS_NAMES[6].as_ptr(),
    msg::STATUS_NAMES[7].as_ptr(),
    msg::STATUS_NAMES[8].as_ptr(),
    msg::STATUS_NAMES[9].as_ptr(),
    msg::STATUS_NAMES[10].as_ptr(),
    msg::STATUS_NAMES[11].as_ptr(),
    msg::STATUS_NAMES[12].as_ptr(),
]);

#[no_mangle]
pub unsafe extern "C" fn PQresultStatus(res: *const PGresult) -> ExecStatusTypeArg {
    let fatal = ExecStatusType::PGRES_FATAL_ERROR as ExecStatusTypeArg;
    guard(fatal, || {
        // SAFETY: see res_ref.
        unsafe { res_ref(res) }.map_or(fatal, |r| r.status_code())
    })
}

#[no_mangle]
pub extern "C" fn PQresStatus(status: ExecStatusTypeArg) -> *mut c_char {
    let name = msg::STATUS_NAMES
        .get(status as usize)
        .copied()
        .unwrap_or(msg::INVALID_STATUS);
    ptr(name)
}

#[no_mangle]
pub unsafe extern "C" fn PQresultErrorMessage(res: *const PGresult) -> *mut c_char {
    guard(ptr(c""), || {
        // SAFETY: see res_ref.
        unsafe { res_ref(res) }.map_or(ptr(c""), |r| ptr(r.error_message()))
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQresultErrorField(res: *const PGresult, fieldcode: c_int) -> *mut c_char {
    guard(std::ptr::null_mut(), || {
        // SAFETY: see res_ref.
        let Some(r) = (unsafe { res_ref(res) }) else {
            return std::ptr::null_mut();
        };
        u8::try_from(fieldcode)
            .ok()
            .and_then(|code| r.error_field(code))
            .map_or(std::ptr::null_mut(), ptr)
    })
}

/// Runs an accessor on a result handle; `fail` for NULL or a panic.
///
/// # Safety
/// `res` is NULL or a live result from this library.
unsafe fn with_res<R: Copy>(res: *const PGresult, fail: R, f: impl FnOnce(&PGresult) -> R) -> R {
    // SAFETY: forwarded contract.
    guard(fail, || unsafe { res_ref(res) }.map_or(fail, f))
}

/// Runs an accessor on one column's description; `fail` out of range (with
/// libpq's notice).
///
/// # Safety
/// As [`with_res`].
unsafe fn with_field<R: Copy>(
    res: *const PGresult,
    field_num: c_int,
    fail: R,
    f: impl FnOnce(&crate::result::Field) -> R,
) -> R {
    // SAFETY: forwarded contract.
    unsafe { with_res(res, fail, |r| r.field(field_num).map_or(fail, f)) }
}

#[no_mangle]
pub unsafe extern "C" fn PQntuples(res: *const PGresult) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_res(res, 0, |r| r.ntuples()) }
}

#[no_mangle]
pub unsafe extern "C" fn PQnfields(res: *const PGresult) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_res(res, 0, |r| r.nfields()) }
}

#[no_mangle]
pub unsafe extern "C" fn PQbinaryTuples(res: *const PGresult) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_res(res, 0, |r| r.binary_tuples() as c_int) }
}

#[no_mangle]
pub unsafe extern "C" fn PQfname(res: *const PGresult, field_num: c_int) -> *mut c_char {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe {
        with_field(res, field_num, std::ptr::null_mut(), |f| {
            f.name.as_deref().map_or(std::ptr::null_mut(), ptr)
        })
    }
}

#[no_mangle]
pub unsafe extern "C" fn PQftable(res: *const PGresult, field_num: c_int) -> Oid {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_field(res, field_num, 0, |f| f.table_oid) }
}

#[no_mangle]
pub unsafe extern "C" fn PQftablecol(res: *const PGresult, field_num: c_int) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_field(res, field_num, 0, |f| f.column) }
}

#[no_mangle]
pub unsafe extern "C" fn PQfformat(res: *const PGresult, field_num: c_int) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_field(res, field_num, 0, |f| f.format) }
}

#[no_mangle]
pub unsafe extern "C" fn PQftype(res: *const PGresult, field_num: c_int) -> Oid {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_field(res, field_num, 0, |f| f.type_oid) }
}

#[no_mangle]
pub unsafe extern "C" fn PQfsize(res: *const PGresult, field_num: c_int) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_field(res, field_num, 0, |f| f.type_len) }
}

#[no_mangle]
pub unsafe extern "C" fn PQfmod(res: *const PGresult, field_num: c_int) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_field(res, field_num, 0, |f| f.type_mod) }
}

#[no_mangle]
pub unsafe extern "C" fn PQfnumber(res: *const PGresult, field_name: *const c_char) -> c_int {
    guard(-1, || {
        // SAFETY: see res_ref; field_name is NULL or a C string.
        match (unsafe { res_ref(res) }, unsafe { c_str(field_name) }) {
            (Some(r), Some(name)) => r.field_number(name.to_bytes()),
            _ => -1,
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQgetvalue(
    res: *const PGresult,
    tup_num: c_int,
    field_num: c_int,
) -> *mut c_char {
    guard(std::ptr::null_mut(), || {
        // SAFETY: see res_ref.
        unsafe { res_ref(res) }
            .and_then(|r| r.get_value(tup_num, field_num))
            .map_or(std::ptr::null_mut(), |p| p as *mut c_char)
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQgetlength(
    res: *const PGresult,
    tup_num: c_int,
    field_num: c_int,
) -> c_int {
    guard(0, || {
        // SAFETY: see res_ref.
        unsafe { res_ref(res) }.map_or(0, |r| r.get_length(tup_num, field_num))
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQgetisnull(
    res: *const PGresult,
    tup_num: c_int,
    field_num: c_int,
) -> c_int {
    guard(1, || {
        // SAFETY: see res_ref.
        unsafe { res_ref(res) }.map_or(1, |r| r.get_is_null(tup_num, field_num) as c_int)
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQcmdStatus(res: *mut PGresult) -> *mut c_char {
    guard(std::ptr::null_mut(), || {
        // SAFETY: see res_ref.
        unsafe { res_ref(res) }.map_or(std::ptr::null_mut(), |r| ptr(r.cmd_status()))
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQcmdTuples(res: *mut PGresult) -> *mut c_char {
    guard(ptr(c""), || {
        // SAFETY: see res_ref.
        unsafe { res_ref(res) }.map_or(ptr(c""), |r| ptr(r.cmd_tuples()))
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQoidValue(res: *const PGresult) -> Oid {
    guard(0, || {
        // SAFETY: see res_ref.
        unsafe { res_ref(res) }.map_or(0, |r| r.oid_value())
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQoidStatus(res: *const PGresult) -> *mut c_char {
    guard(ptr(c""), || {
        // SAFETY: see res_ref.
        unsafe { res_ref(res) }.map_or(ptr(c""), |r| ptr(r.oid_status()))
    })
}

/// Frees a result. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn PQclear(res: *mut PGresult) {
    guard((), || {
        // SAFETY: res is NULL or a result from this library, not used after this call.
        drop(unsafe { take_box(res) });
    })
}

/// An empty result; with a connection it copies its hooks, encoding and,
/// for error statuses, its error message.
#[no_mangle]
pub unsafe extern "C" fn PQmakeEmptyPGresult(
    conn: *mut PGconn,
    status: ExecStatusTypeArg,
) -> *mut PGresult {
    guard(std::ptr::null_mut(), || {
        let known = ExecStatusType::from_raw(status);
        let internal = known.unwrap_or(ExecStatusType::PGRES_BAD_RESPONSE);
        // SAFETY: conn is NULL or a live handle.
        let mut res = match unsafe { borrow(conn as *const PGconn) } {
            Some(c) => c.make_empty_result(internal),
            None => crate::result::PgResult::new(internal, super::notice::NoticeHooks::silent(), 0),
        };
        if known.is_none() {
            res.set_foreign_status(status);
        }
        into_raw(res)
    })
}

/// Frees memory libpq handed out (it is `malloc` memory).
#[no_mangle]
pub unsafe extern "C" fn PQfreemem(ptr: *mut c_void) {
    // SAFETY: ptr is NULL or came from malloc in this library, as libpq requires.
    unsafe { libc::free(ptr) }
}

/// Memory a result holds.
#[no_mangle]
pub unsafe extern "C" fn PQresultMemorySize(res: *const PGresult) -> usize {
    guard(0, || {
        // SAFETY: see res_ref.
        unsafe { res_ref(res) }.map_or(0, |r| r.memory_size())
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQnparams(res: *const PGresult) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_res(res, 0, |r| r.nparams()) }
}

#[no_mangle]
pub unsafe extern "C" fn PQparamtype(res: *const PGresult, param_num: c_int) -> Oid {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_res(res, 0, |r| r.param_type(param_num)) }
}

/// The result's error text formatted with other settings, in `malloc` memory
/// the caller frees with PQfreemem.
#[no_mangle]
pub unsafe extern "C" fn PQresultVerboseErrorMessage(
    res: *const PGresult,
    verbosity: PGVerbosityArg,
    show_context: PGContextVisibilityArg,
) -> *mut c_char {
    guard(std::ptr::null_mut(), || {
        let verbosity = PGVerbosity::from_raw(verbosity).unwrap_or(PGVerbosity::PQERRORS_DEFAULT);
        let show_context = PGContextVisibility::from_raw(show_context)
            .unwrap_or(PGContextVisibility::PQSHOW_CONTEXT_ERRORS);
        // SAFETY: libpq's contract (see the module documentation).
        let text = match unsafe { res_ref(res) } {
            Some(r) => r.verbose_error_message(verbosity, show_context),
            None => msg::NOT_AN_ERROR_RESULT.as_bytes().to_vec(),
        };
        super::handle::malloc_cstring(&text)
    })
}

/// A deep copy of a result with the parts `flags` (PG_COPYRES_*) ask for;
/// event procs copied along hear PGEVT_RESULTCOPY.
#[no_mangle]
pub unsafe extern "C" fn PQcopyResult(src: *const PGresult, flags: c_int) -> *mut PGresult {
    guard(std::ptr::null_mut(), || {
        // SAFETY: libpq's contract (see the module documentation).
        let Some(r) = (unsafe { res_ref(src) }) else {
            return std::ptr::null_mut();
        };
        let Some(copy) = r.copy(flags) else {
            return std::ptr::null_mut();
        };
        let mut dest = Box::new(copy);
        super::events::fire_result_copy(r, &mut dest);
        Box::into_raw(dest)
    })
}

/// Gives a result without columns its columns; 0 when it has some already.
#[no_mangle]
pub unsafe extern "C" fn PQsetResultAttrs(
    res: *mut PGresult,
    num_attributes: c_int,
    att_descs: *mut PGresAttDesc,
) -> c_int {
    guard(0, || {
        // SAFETY: libpq's contract (see the module documentation).
        let Some(r) = (unsafe { borrow_mut(res) }) else {
            return 0;
        };
        let descs: &[PGresAttDesc] = if num_attributes <= 0 || att_descs.is_null() {
            &[]
        } else {
            // SAFETY: the caller passes num_attributes descriptions.
            unsafe { std::slice::from_raw_parts(att_descs, num_attributes as usize) }
        };
        let fields: Vec<crate::result::Field> = descs
            .iter()
            .map(|d| crate::result::Field {
                // SAFETY: a description's name is NULL or a C string.
                name: Some(
                    unsafe { c_str(d.name) }
                        .map_or_else(Default::default, crate::result::Text::from),
                ),
                table_oid: d.tableid,
                column: d.columnid,
                type_oid: d.typid,
                type_len: d.typlen,
                type_mod: d.atttypmod,
                format: d.format,
            })
            .collect();
        r.set_attrs(&fields) as c_int
    })
}

/// Sets one value of a result (NULL `value` or `len` -1: SQL NULL),
/// appending a row when `tup_num` is the row count.
#[no_mangle]
pub unsafe extern "C" fn PQsetvalue(
    res: *mut PGresult,
    tup_num: c_int,
    field_num: c_int,
    value: *mut c_char,
    len: c_int,
) -> c_int {
    guard(0, || {
        // SAFETY: libpq's contract (see the module documentation).
        let Some(r) = (unsafe { borrow_mut(res) }) else {
            return 0;
        };
        let bytes: Option<&[u8]> = if value.is_null() || len == -1 {
            None
        } else if len <= 0 {
            Some(&[])
        } else {
            // SAFETY: the caller passes len readable bytes at value.
            Some(unsafe { std::slice::from_raw_parts(value.cast::<u8>(), len as usize) })
        };
        r.set_value(tup_num, field_num, bytes) as c_int
    })
}

/// Memory that lives as long as the result, aligned for any type.
#[no_mangle]
pub unsafe extern "C" fn PQresultAlloc(res: *mut PGresult, n_bytes: usize) -> *mut c_void {
    guard(std::ptr::null_mut(), || {
        // SAFETY: libpq's contract (see the module documentation).
        unsafe { borrow_mut(res) }.map_or(std::ptr::null_mut(), |r| r.alloc(n_bytes))
    })
}
