//! Exports: libpq's `PQExpBuffer`, the growable string that psql, pgbench,
//! pg_dump and initdb use for everything (declared in `pqexpbuffer.h`, not in
//! `libpq-fe.h`). The struct is public ABI: programs keep `PQExpBufferData` on
//! their own stack and read `data`/`len` directly, and free or realloc `data`
//! themselves, so the buffer is `malloc` memory.
//!
//! Semantics follow libpq's pqexpbuffer.c: a new buffer holds 256 bytes,
//! growth doubles, sizes stay below `INT_MAX`, and any failure (out of memory,
//! a size past `INT_MAX`) leaves the buffer "broken": `maxlen == 0`, `len == 0`
//! and `data` pointing at a static, read-only empty string. The printf-style
//! functions (`printfPQExpBuffer`, `appendPQExpBuffer`, `appendPQExpBufferVA`)
//! are variadic, so they are written in C (`expbuffer.c`, built by build.rs)
//! on top of [`enlargePQExpBuffer`] and [`termPQExpBuffer`].
//!
//! Where libpq would crash on a NULL buffer or NULL string, these functions do
//! nothing (a NULL string appends nothing).

use std::ffi::{c_char, c_int};
use std::mem::size_of;
use std::ptr;

use super::handle::guard;

/// `PQExpBufferData` of pqexpbuffer.h: `data` is a NUL-terminated `malloc`
/// block of `maxlen` bytes holding `len` bytes of content.
#[repr(C)]
pub struct PQExpBufferData {
    pub data: *mut c_char,
    pub len: usize,
    pub maxlen: usize,
}

/// `typedef PQExpBufferData *PQExpBuffer;`
pub type PQExpBuffer = *mut PQExpBufferData;

/// The size of a fresh buffer (`INITIAL_EXPBUFFER_SIZE`).
const INITIAL_EXPBUFFER_SIZE: usize = 256;

/// Sizes must stay below this (libpq stores them in `int` elsewhere).
const INT_MAX: usize = c_int::MAX as usize;

/// What every broken buffer's `data` points at. Never written: a broken buffer
/// has `maxlen == 0`, so nothing is appended to it.
static OOM_BUFFER: [c_char; 1] = [0];

fn oom_buffer() -> *mut c_char {
    OOM_BUFFER.as_ptr().cast_mut()
}

/// Puts a buffer in the broken state, freeing its data.
///
/// # Safety
/// `s.data` is the broken-state pointer, NULL, or a live `malloc` block.
unsafe fn mark_broken(s: &mut PQExpBufferData) {
    if s.data != oom_buffer() {
        // SAFETY: per the contract, data is NULL or a malloc block we own.
        unsafe { libc::free(s.data.cast()) };
    }
    s.data = oom_buffer();
    s.len = 0;
    s.maxlen = 0;
}

/// Makes `s` an empty buffer of [`INITIAL_EXPBUFFER_SIZE`] bytes (broken if
/// that cannot be allocated). Whatever `s` held before is overwritten.
fn init(s: &mut PQExpBufferData) {
    // SAFETY: plain allocation; the result is checked for NULL.
    let data = unsafe { libc::malloc(INITIAL_EXPBUFFER_SIZE) } as *mut c_char;
    if data.is_null() {
        s.data = oom_buffer();
        s.maxlen = 0;
    } else {
        // SAFETY: data is a fresh block of INITIAL_EXPBUFFER_SIZE > 0 bytes.
        unsafe { *data = 0 };
        s.data = data;
        s.maxlen = INITIAL_EXPBUFFER_SIZE;
    }
    s.len = 0;
}

/// Makes room for `needed` more bytes plus the NUL; false (and the buffer
/// broken) when that is impossible.
///
/// # Safety
/// `s` is a valid buffer (initialised by this library or laid out the same).
unsafe fn enlarge(s: &mut PQExpBufferData, needed: usize) -> bool {
    if s.maxlen == 0 {
        return false; // already broken
    }
    // Ridiculous sizes (bogus input) would overflow below.
    if needed >= INT_MAX.saturating_sub(s.len) {
        // SAFETY: s is a valid, unbroken buffer, so data is a malloc block.
        unsafe { mark_broken(s) };
        return false;
    }
    let needed = needed + s.len + 1; // <= INT_MAX after the check above
    if needed <= s.maxlen {
        return true;
    }
    let mut newlen = s.maxlen.saturating_mul(2).max(64);
    while needed > newlen {
        newlen *= 2;
    }
    let newlen = newlen.min(INT_MAX);
    // SAFETY: data is the buffer's malloc block (maxlen > 0: not broken).
    let newdata = unsafe { libc::realloc(s.data.cast(), newlen) } as *mut c_char;
    if newdata.is_null() {
        // SAFETY: realloc failed, so data is still our block.
        unsafe { mark_broken(s) };
        return false;
    }
    s.data = newdata;
    s.maxlen = newlen;
    true
}

/// Appends `bytes` (which may contain NULs), keeping a trailing NUL.
///
/// # Safety
/// `s` is a valid buffer; `bytes` is `len` readable bytes (or `len == 0`).
unsafe fn append(s: &mut PQExpBufferData, bytes: *const u8, len: usize) {
    // SAFETY: forwarded contract.
    if !unsafe { enlarge(s, len) } {
        return;
    }
    // SAFETY: enlarge made data hold at least len + old len + 1 bytes; the
    // source is caller memory, never inside our fresh region.
    unsafe {
        let end = s.data.add(s.len);
        if len > 0 {
            ptr::copy(bytes.cast::<c_char>(), end, len);
        }
        *end.add(len) = 0;
    }
    s.len += len;
}

/// `PQExpBuffer createPQExpBuffer(void)`: a `malloc`ed, initialised buffer
/// (freed with `destroyPQExpBuffer`); NULL when out of memory.
#[no_mangle]
pub extern "C" fn createPQExpBuffer() -> PQExpBuffer {
    guard(ptr::null_mut(), || {
        // SAFETY: plain allocation; the result is checked for NULL.
        let p = unsafe { libc::malloc(size_of::<PQExpBufferData>()) } as PQExpBuffer;
        if !p.is_null() {
            // SAFETY: p is a fresh, suitably aligned block of the struct's size;
            // write() initialises it without reading the garbage.
            unsafe {
                p.write(PQExpBufferData {
                    data: ptr::null_mut(),
                    len: 0,
                    maxlen: 0,
                });
                init(&mut *p);
            }
        }
        p
    })
}

/// `void initPQExpBuffer(PQExpBuffer str)`: makes `*str` (contents undefined
/// on entry) an empty buffer.
///
/// # Safety
/// `str` is NULL or points at writable `PQExpBufferData`.
#[no_mangle]
pub unsafe extern "C" fn initPQExpBuffer(str: PQExpBuffer) {
    guard((), || {
        if str.is_null() {
            return;
        }
        // SAFETY: non-NULL and writable per the contract; the old contents are
        // overwritten field by field without being read.
        unsafe {
            str.write(PQExpBufferData {
                data: ptr::null_mut(),
                len: 0,
                maxlen: 0,
            });
            init(&mut *str);
        }
    })
}

/// `void destroyPQExpBuffer(PQExpBuffer str)`: frees the data and the struct
/// made by `createPQExpBuffer`.
///
/// # Safety
/// `str` is NULL or came from `createPQExpBuffer` and was not destroyed yet.
#[no_mangle]
pub unsafe extern "C" fn destroyPQExpBuffer(str: PQExpBuffer) {
    guard((), || {
        if str.is_null() {
            return;
        }
        // SAFETY: str is a live malloc'ed buffer per the contract.
        unsafe {
            termPQExpBuffer(str);
            libc::free(str.cast());
        }
    })
}

/// `void termPQExpBuffer(PQExpBuffer str)`: frees the data, not the struct,
/// leaving it broken (empty, `maxlen` 0) until `initPQExpBuffer` or
/// `resetPQExpBuffer`.
///
/// # Safety
/// `str` is NULL or a valid buffer.
#[no_mangle]
pub unsafe extern "C" fn termPQExpBuffer(str: PQExpBuffer) {
    guard((), || {
        // SAFETY: NULL or a valid buffer per the contract.
        if let Some(s) = unsafe { str.as_mut() } {
            // SAFETY: a valid buffer's data is ours (malloc) or the broken marker.
            unsafe { mark_broken(s) };
        }
    })
}

/// `void resetPQExpBuffer(PQExpBuffer str)`: empties the buffer, keeping its
/// memory; a broken buffer is reinitialised if memory allows.
///
/// # Safety
/// `str` is NULL or a valid buffer.
#[no_mangle]
pub unsafe extern "C" fn resetPQExpBuffer(str: PQExpBuffer) {
    guard((), || {
        // SAFETY: NULL or a valid buffer per the contract.
        let Some(s) = (unsafe { str.as_mut() }) else {
            return;
        };
        if s.data != oom_buffer() && !s.data.is_null() {
            // SAFETY: an unbroken buffer's data has at least one byte.
            unsafe { *s.data = 0 };
            s.len = 0;
        } else {
            init(s);
        }
    })
}

/// `int enlargePQExpBuffer(PQExpBuffer str, size_t needed)`: makes room for
/// `needed` more bytes (plus the NUL). 1 on success; 0 if the buffer is (now)
/// broken, which a request reaching `INT_MAX` or a failed allocation causes.
///
/// # Safety
/// `str` is NULL or a valid buffer.
#[no_mangle]
pub unsafe extern "C" fn enlargePQExpBuffer(str: PQExpBuffer, needed: usize) -> c_int {
    guard(0, || {
        // SAFETY: NULL or a valid buffer per the contract.
        match unsafe { str.as_mut() } {
            // SAFETY: a valid buffer.
            Some(s) => c_int::from(unsafe { enlarge(s, needed) }),
            None => 0,
        }
    })
}

/// `void appendPQExpBufferStr(PQExpBuffer str, const char *data)`.
///
/// # Safety
/// `str` is NULL or a valid buffer; `data` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn appendPQExpBufferStr(str: PQExpBuffer, data: *const c_char) {
    guard((), || {
        // SAFETY: NULL or a valid buffer per the contract.
        let Some(s) = (unsafe { str.as_mut() }) else {
            return;
        };
        let len = if data.is_null() {
            0
        } else {
            // SAFETY: non-NULL and NUL-terminated per the contract.
            unsafe { libc::strlen(data) }
        };
        // SAFETY: data holds len readable bytes (or len is 0).
        unsafe { append(s, data.cast(), len) };
    })
}

/// `void appendPQExpBufferChar(PQExpBuffer str, char ch)`.
///
/// # Safety
/// `str` is NULL or a valid buffer.
#[no_mangle]
pub unsafe extern "C" fn appendPQExpBufferChar(str: PQExpBuffer, ch: c_char) {
    guard((), || {
        // SAFETY: NULL or a valid buffer per the contract.
        if let Some(s) = unsafe { str.as_mut() } {
            let byte = ch as u8;
            // SAFETY: one readable byte on our stack.
            unsafe { append(s, &byte, 1) };
        }
    })
}

/// `void appendBinaryPQExpBuffer(PQExpBuffer str, const char *data, size_t
/// datalen)`: appends `datalen` bytes, NULs included, plus a trailing NUL.
///
/// # Safety
/// `str` is NULL or a valid buffer; `data` is NULL or `datalen` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn appendBinaryPQExpBuffer(
    str: PQExpBuffer,
    data: *const c_char,
    datalen: usize,
) {
    guard((), || {
        // SAFETY: NULL or a valid buffer per the contract.
        let Some(s) = (unsafe { str.as_mut() }) else {
            return;
        };
        let len = if data.is_null() { 0 } else { datalen };
        // SAFETY: data holds len readable bytes (or len is 0).
        unsafe { append(s, data.cast(), len) };
    })
}

// The printf-style functions are C (`expbuffer.c`, hidden `pqrs_` names).
// rustc keeps a cdylib's exports to the symbols Rust defines, so each is
// exported here as a naked function that only jumps to the C one: no frame,
// no register touched, so the variadic arguments (and x86-64's `%al` count of
// vector registers) arrive exactly as the caller passed them. (Inside a
// macro, so that cbindgen declares neither them nor the C names.)

/// Defines `#[no_mangle]` naked trampolines `$name` -> `$target` (a C function).
macro_rules! trampolines {
    ($($(#[$doc:meta])* $name:ident => $target:ident;)*) => {
        extern "C" {
            $(fn $target();)*
        }
        $(
        $(#[$doc])*
        #[no_mangle]
        #[unsafe(naked)]
        pub unsafe extern "C" fn $name() {
            #[cfg(target_arch = "x86_64")]
            std::arch::naked_asm!("jmp {}", sym $target);
            #[cfg(target_arch = "aarch64")]
            std::arch::naked_asm!("b {}", sym $target);
        }
    )*};
}

trampolines! {
    /// `void printfPQExpBuffer(PQExpBuffer str, const char *fmt, ...)`:
    /// `resetPQExpBuffer` then `appendPQExpBuffer`.
    printfPQExpBuffer => pqrs_printfPQExpBuffer;
    /// `void appendPQExpBuffer(PQExpBuffer str, const char *fmt, ...)`:
    /// appends printf-style formatted text, enlarging the buffer as needed.
    appendPQExpBuffer => pqrs_appendPQExpBuffer;
    /// `bool appendPQExpBufferVA(PQExpBuffer str, const char *fmt, va_list
    /// args)`: one formatting attempt; true when done (or the buffer broke),
    /// false after enlarging the buffer: call again with a fresh `va_list`.
    appendPQExpBufferVA => pqrs_appendPQExpBufferVA;
}
