//! Conversions between C pointers and Rust values, in one place, so the
//! `unsafe` casts of the C boundary are few and reviewed together.

use std::ffi::{c_char, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `f`, turning a panic into `on_panic` so it never unwinds into C.
pub fn guard<R>(on_panic: R, f: impl FnOnce() -> R) -> R {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(on_panic)
}

/// Moves a value to the heap and hands C the pointer; [`take_box`] gives it back.
pub fn into_raw<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Takes back ownership of a pointer made by [`into_raw`].
///
/// # Safety
/// `ptr` is NULL or came from [`into_raw`] for the same `T` and was not taken yet.
pub unsafe fn take_box<T>(ptr: *mut T) -> Option<Box<T>> {
    if ptr.is_null() {
        None
    } else {
        // SAFETY: the caller guarantees ptr came from Box::into_raw and is still owned by C.
        Some(unsafe { Box::from_raw(ptr) })
    }
}

/// Borrows a handle C passed in.
///
/// # Safety
/// `ptr` is NULL or points at a live `T` made by [`into_raw`] that nothing else
/// mutates for `'a` (libpq's handles are not shared between threads without locking).
pub unsafe fn borrow<'a, T>(ptr: *const T) -> Option<&'a T> {
    // SAFETY: see the function's contract.
    unsafe { ptr.as_ref() }
}

/// Mutably borrows a handle C passed in.
///
/// # Safety
/// As [`borrow`], and no other reference to the value exists for `'a`.
pub unsafe fn borrow_mut<'a, T>(ptr: *mut T) -> Option<&'a mut T> {
    // SAFETY: see the function's contract.
    unsafe { ptr.as_mut() }
}

/// Reads a C string argument; NULL gives `None`.
///
/// # Safety
/// `ptr` is NULL or points at a NUL-terminated string that outlives `'a`.
pub unsafe fn c_str<'a>(ptr: *const c_char) -> Option<&'a CStr> {
    if ptr.is_null() {
        None
    } else {
        // SAFETY: non-NULL and NUL-terminated per the contract.
        Some(unsafe { CStr::from_ptr(ptr) })
    }
}

/// Reads a C string argument as UTF-8 text, replacing invalid bytes (conninfo
/// strings and names are compared as text).
///
/// # Safety
/// As [`c_str`].
pub unsafe fn c_text<'a>(ptr: *const c_char) -> Option<std::borrow::Cow<'a, str>> {
    // SAFETY: forwarded contract.
    unsafe { c_str(ptr) }.map(|s| s.to_string_lossy())
}

/// Copies bytes (which may hold NULs themselves) into a fresh `malloc` block
/// with a trailing NUL, because callers
/// release such memory with `PQfreemem` or plain `free`. NULL when out of memory.
pub fn malloc_cstring(bytes: &[u8]) -> *mut c_char {
    // SAFETY: malloc of len+1 bytes; we write exactly len bytes plus the NUL inside it.
    unsafe {
        let p = libc::malloc(bytes.len() + 1) as *mut u8;
        if p.is_null() {
            return std::ptr::null_mut();
        }
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
        *p.add(bytes.len()) = 0;
        p as *mut c_char
    }
}
