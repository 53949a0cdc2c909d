//! Exports: PQconninfoParse, PQconndefaults, PQconninfo, PQconninfoFree.
//!
//! Option arrays are one `malloc` block of [`PQconninfoOption`] entries ending
//! with an all-NULL entry; `keyword`, `envvar`, `compiled`, `label` and
//! `dispchar` point at the static strings of [`OPTIONS`], `val` is a `malloc`'d
//! copy. [`PQconninfoFree`] releases the values and the block, as libpq does.

use std::ffi::{c_char, CStr};
use std::ptr::null_mut;

use super::handle::{borrow, c_text, guard, malloc_cstring};
use super::types::{PGconn, PQconninfoOption};
use crate::conninfo::{self, ConnOptions, ProcessEnv, OPTIONS};

fn static_ptr(s: &'static CStr) -> *mut c_char {
    s.as_ptr() as *mut c_char
}

fn opt_ptr(s: Option<&'static CStr>) -> *mut c_char {
    s.map_or(null_mut(), static_ptr)
}

/// Frees the values of the first `n` entries and the block.
///
/// # Safety
/// `array` came from [`conninfo_array`]'s malloc and its first `n` entries
/// are initialised.
unsafe fn free_partial(array: *mut PQconninfoOption, n: usize) {
    // SAFETY: per the contract, entries 0..n are initialised and their
    // values are NULL or malloc'd; the block itself is malloc'd.
    unsafe {
        for i in 0..n {
            libc::free((*array.add(i)).val as *mut libc::c_void);
        }
        libc::free(array as *mut libc::c_void);
    }
}

/// Builds the C array for `opts` (every keyword, in table order). NULL when
/// out of memory.
pub fn conninfo_array(opts: &ConnOptions) -> *mut PQconninfoOption {
    let count = OPTIONS.len() + 1;
    // SAFETY: malloc of `count` entries; each entry is written exactly once
    // below before the pointer is handed out, the last one all-NULL.
    unsafe {
        let array =
            libc::malloc(count * std::mem::size_of::<PQconninfoOption>()) as *mut PQconninfoOption;
        if array.is_null() {
            return null_mut();
        }
        for (i, (def, value)) in opts.iter().enumerate() {
            let val = match value {
                Some(v) => {
                    let p = malloc_cstring(v.as_bytes());
                    if p.is_null() {
                        free_partial(array, i);
                        return null_mut();
                    }
                    p
                }
                None => null_mut(),
            };
            array.add(i).write(PQconninfoOption {
                keyword: static_ptr(def.keyword),
                envvar: opt_ptr(def.envvar),
                compiled: opt_ptr(def.compiled),
                val,
                label: static_ptr(def.label),
                dispchar: static_ptr(def.dispchar),
                dispsize: def.dispsize,
            });
        }
        array.add(OPTIONS.len()).write(PQconninfoOption {
            keyword: null_mut(),
            envvar: null_mut(),
            compiled: null_mut(),
            val: null_mut(),
            label: null_mut(),
            dispchar: null_mut(),
            dispsize: 0,
        });
        array
    }
}

/// Parses a conninfo string or URI without applying defaults. On failure
/// returns NULL and, if `errmsg` is not NULL, stores a `malloc`'d message
/// there (freed with `PQfreemem`); on success `*errmsg` is set to NULL.
///
/// # Safety
/// `conninfo` is NULL or a NUL-terminated string; `errmsg` is NULL or points
/// at a writable `char *`.
#[no_mangle]
pub unsafe extern "C" fn PQconninfoParse(
    conninfo: *const c_char,
    errmsg: *mut *mut c_char,
) -> *mut PQconninfoOption {
    guard(null_mut(), || {
        if !errmsg.is_null() {
            // SAFETY: a non-NULL errmsg points at a writable `char *` (libpq's contract).
            unsafe { *errmsg = null_mut() };
        }
        // SAFETY: conninfo is NULL or a NUL-terminated string.
        let Some(text) = (unsafe { c_text(conninfo) }) else {
            // libpq would crash; report nothing, as for out of memory.
            return null_mut();
        };
        match conninfo::parse_conninfo(&text) {
            Ok(opts) => conninfo_array(&opts),
            Err(e) => {
                if !errmsg.is_null() {
                    // SAFETY: as above.
                    unsafe { *errmsg = malloc_cstring(e.as_bytes()) };
                }
                null_mut()
            }
        }
    })
}

/// Every option with its default value from the service file, the
/// environment and the compiled defaults. Service file errors are ignored, as
/// in libpq; NULL only when out of memory.
///
/// # Safety
/// Always safe to call; `unsafe` only because it is an `extern "C"` export.
#[no_mangle]
pub unsafe extern "C" fn PQconndefaults() -> *mut PQconninfoOption {
    guard(null_mut(), || {
        let mut opts = ConnOptions::new();
        conninfo::apply_defaults_lenient(&mut opts, &ProcessEnv);
        conninfo_array(&opts)
    })
}

/// The options of a connection, as it uses them. NULL for a NULL connection.
///
/// # Safety
/// `conn` is NULL or a live connection handle from this library.
#[no_mangle]
pub unsafe extern "C" fn PQconninfo(conn: *mut PGconn) -> *mut PQconninfoOption {
    guard(null_mut(), || {
        // SAFETY: conn is NULL or a live handle from this library.
        match unsafe { borrow(conn as *const PGconn) } {
            Some(c) => conninfo_array(c.options()),
            None => null_mut(),
        }
    })
}

/// Frees an array from PQconninfoParse, PQconndefaults or PQconninfo.
///
/// # Safety
/// `conn_options` is NULL or such an array, not used after this call.
#[no_mangle]
pub unsafe extern "C" fn PQconninfoFree(conn_options: *mut PQconninfoOption) {
    guard((), || {
        if conn_options.is_null() {
            return;
        }
        // SAFETY: a non-NULL array came from conninfo_array (or libpq's
        // equivalent contract): entries up to the one with a NULL keyword are
        // initialised, values are NULL or malloc'd, the block is malloc'd.
        unsafe {
            let mut n = 0;
            while !(*conn_options.add(n)).keyword.is_null() {
                n += 1;
            }
            free_partial(conn_options, n);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads an array back as (keyword, value) pairs and frees it.
    fn collect(array: *mut PQconninfoOption) -> Vec<(String, Option<String>)> {
        assert!(!array.is_null());
        let mut out = Vec::new();
        // SAFETY: array is a live result of conninfo_array.
        unsafe {
            let mut i = 0;
            loop {
                let o = &*array.add(i);
                if o.keyword.is_null() {
                    assert!(o.val.is_null() && o.label.is_null() && o.dispchar.is_null());
                    break;
                }
                let k = CStr::from_ptr(o.keyword).to_string_lossy().into_owned();
                let v = (!o.val.is_null())
                    .then(|| CStr::from_ptr(o.val).to_string_lossy().into_owned());
                out.push((k, v));
                i += 1;
            }
            PQconninfoFree(array);
        }
        out
    }

    #[test]
    fn parse_export_success_and_error() {
        let mut err: *mut c_char = std::ptr::dangling_mut();
        // SAFETY: valid C string and out pointer.
        let arr = unsafe { PQconninfoParse(c"host=h port=1".as_ptr(), &mut err) };
        assert!(err.is_null());
        let pairs = collect(arr);
        assert_eq!(pairs.len(), OPTIONS.len());
        assert_eq!(pairs[7], ("host".to_string(), Some("h".to_string())));
        assert_eq!(pairs[9], ("port".to_string(), Some("1".to_string())));
        assert_eq!(pairs[0].1, None);

        // SAFETY: as above.
        let arr = unsafe { PQconninfoParse(c"bogus=1".as_ptr(), &mut err) };
        assert!(arr.is_null());
        // SAFETY: err was set to a malloc'd C string.
        unsafe {
            assert_eq!(
                CStr::from_ptr(err).to_str().unwrap(),
                "invalid connection option \"bogus\"\n"
            );
            libc::free(err as *mut libc::c_void);
        }
        // SAFETY: NULL errmsg is allowed; NULL conninfo gives NULL.
        unsafe {
            assert!(PQconninfoParse(c"bogus=1".as_ptr(), null_mut()).is_null());
            assert!(PQconninfoParse(std::ptr::null(), null_mut()).is_null());
            PQconninfoFree(null_mut());
            assert!(PQconninfo(null_mut()).is_null());
        }
    }

    #[test]
    fn array_fields_point_at_the_table() {
        let arr = conninfo_array(&ConnOptions::new());
        // SAFETY: arr is a live array of OPTIONS.len() + 1 entries.
        unsafe {
            let pw = &*arr.add(2);
            assert_eq!(CStr::from_ptr(pw.keyword), c"password");
            assert_eq!(CStr::from_ptr(pw.envvar), c"PGPASSWORD");
            assert!(pw.compiled.is_null());
            assert_eq!(CStr::from_ptr(pw.dispchar), c"*");
            assert_eq!(CStr::from_ptr(pw.label), c"Database-Password");
            assert_eq!(pw.dispsize, 20);
            let port = &*arr.add(9);
            assert_eq!(CStr::from_ptr(port.compiled), c"5432");
        }
        collect(arr);
    }

    #[test]
    fn defaults_export() {
        // SAFETY: no arguments; the result is checked and freed by collect.
        let pairs = collect(unsafe { PQconndefaults() });
        assert_eq!(pairs.len(), OPTIONS.len());
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).unwrap().1.clone();
        assert_eq!(get("options").as_deref(), Some(""));
        assert!(get("port").is_some());
    }
}
