//! Exports: what a connection says about encryption. TLS is rustls's, so the
//! OpenSSL-shaped entry points answer as libpq does where no OpenSSL object
//! exists (PQgetssl and PQsslStruct give NULL); there is no GSSAPI.

use std::ffi::{c_char, c_int, c_void};

use super::handle::{borrow, c_str, guard};
use super::types::{PGconn, PQsslKeyPassHook_OpenSSL_type};

/// The name PQsslAttribute gives for "library".
const LIBRARY: &std::ffi::CStr = c"rustls";

/// The attribute names, NULL-terminated (libpq's list).
#[repr(transparent)]
pub struct NameList([*const c_char; 7]);
// SAFETY: pointers to 'static read-only C strings, never written.
unsafe impl Sync for NameList {}

static ATTRIBUTE_NAMES: NameList = NameList([
    c"library".as_ptr(),
    c"key_bits".as_ptr(),
    c"cipher".as_ptr(),
    c"compression".as_ptr(),
    c"protocol".as_ptr(),
    c"alpn".as_ptr(),
    std::ptr::null(),
]);
static NO_NAMES: NameList = NameList([std::ptr::null(); 7]);

/// 1 when the connection is encrypted with TLS.
#[no_mangle]
pub unsafe extern "C" fn PQsslInUse(conn: *mut PGconn) -> c_int {
    guard(0, || {
        // SAFETY: libpq's contract (see the module documentation).
        unsafe { borrow(conn as *const PGconn) }.is_some_and(|c| c.tls.is_some()) as c_int
    })
}

/// One fact about the connection's TLS session (psql prints protocol and
/// cipher); NULL for an unencrypted connection or an unknown name.
#[no_mangle]
pub unsafe extern "C" fn PQsslAttribute(
    conn: *mut PGconn,
    attribute_name: *const c_char,
) -> *const c_char {
    guard(std::ptr::null(), || {
        // SAFETY: libpq's contract (see the module documentation).
        let Some(name) = (unsafe { c_str(attribute_name) }) else {
            return std::ptr::null();
        };
        let name = name.to_bytes();
        // SAFETY: as above.
        let Some(c) = (unsafe { borrow(conn as *const PGconn) }) else {
            // With no connection: the library that would be used.
            return if name == b"library" {
                LIBRARY.as_ptr()
            } else {
                std::ptr::null()
            };
        };
        let Some(tls) = c.tls.as_deref() else {
            return std::ptr::null();
        };
        let text = match name {
            b"library" => return LIBRARY.as_ptr(),
            b"protocol" => tls.protocol_name().map(str::to_string),
            b"cipher" => tls.cipher().map(|(name, _)| name.to_string()),
            b"key_bits" => tls.cipher().map(|(_, bits)| bits.to_string()),
            b"compression" => Some("off".to_string()),
            // libpq 18: "" when the server chose no protocol.
            b"alpn" => Some(
                tls.alpn()
                    .map_or_else(String::new, |p| String::from_utf8_lossy(p).into_owned()),
            ),
            _ => None,
        };
        text.map_or(std::ptr::null(), |t| c.c_string_ptr(&t))
    })
}

/// The names PQsslAttribute knows; none for an unencrypted connection.
#[no_mangle]
pub unsafe extern "C" fn PQsslAttributeNames(conn: *mut PGconn) -> *const *const c_char {
    guard(NO_NAMES.0.as_ptr(), || {
        // SAFETY: libpq's contract (see the module documentation).
        match unsafe { borrow(conn as *const PGconn) } {
            Some(c) if c.tls.is_none() => NO_NAMES.0.as_ptr(),
            _ => ATTRIBUTE_NAMES.0.as_ptr(),
        }
    })
}

#[no_mangle]
pub extern "C" fn PQgssEncInUse(_conn: *mut PGconn) -> c_int {
    0
}

/// No OpenSSL structures exist: NULL for every name, as libpq gives for a
/// name it does not know.
#[no_mangle]
pub extern "C" fn PQsslStruct(_conn: *mut PGconn, _struct_name: *const c_char) -> *mut c_void {
    std::ptr::null_mut()
}

/// The OpenSSL `SSL*`: none here.
#[no_mangle]
pub extern "C" fn PQgetssl(_conn: *mut PGconn) -> *mut c_void {
    std::ptr::null_mut()
}

/// No GSSAPI context exists in this build.
#[no_mangle]
pub extern "C" fn PQgetgssctx(_conn: *mut PGconn) -> *mut c_void {
    std::ptr::null_mut()
}

/// Accepted; rustls needs no library initialisation.
#[no_mangle]
pub extern "C" fn PQinitSSL(_do_init: c_int) {}

/// Accepted; rustls needs no library initialisation.
#[no_mangle]
pub extern "C" fn PQinitOpenSSL(_do_ssl: c_int, _do_crypto: c_int) {}

/// The application's key-password hook (PQsetSSLKeyPassHook_OpenSSL), for
/// every connection of the process, as in libpq.
static KEY_PASS_HOOK: std::sync::atomic::AtomicPtr<c_void> =
    std::sync::atomic::AtomicPtr::new(std::ptr::null_mut());

/// Sets the hook that supplies passwords for encrypted client keys (NULL:
/// back to the default, which answers with sslpassword).
#[no_mangle]
pub extern "C" fn PQsetSSLKeyPassHook_OpenSSL(hook: PQsslKeyPassHook_OpenSSL_type) {
    let raw = hook.map_or(std::ptr::null_mut(), |f| f as *mut c_void);
    KEY_PASS_HOOK.store(raw, std::sync::atomic::Ordering::SeqCst);
}

#[no_mangle]
pub extern "C" fn PQgetSSLKeyPassHook_OpenSSL() -> PQsslKeyPassHook_OpenSSL_type {
    let raw = KEY_PASS_HOOK.load(std::sync::atomic::Ordering::SeqCst);
    if raw.is_null() {
        None
    } else {
        // SAFETY: the pointer was stored from a hook of exactly this type.
        Some(unsafe {
            std::mem::transmute::<
                *mut c_void,
                unsafe extern "C" fn(*mut c_char, c_int, *mut PGconn) -> c_int,
            >(raw)
        })
    }
}

/// The default hook: copies sslpassword (truncated to the buffer, with
/// libpq's warning) into `buf`; 0 when there is none.
#[no_mangle]
pub unsafe extern "C" fn PQdefaultSSLKeyPassHook_OpenSSL(
    buf: *mut c_char,
    size: c_int,
    conn: *mut PGconn,
) -> c_int {
    guard(0, || {
        if buf.is_null() || size <= 0 {
            return 0;
        }
        // SAFETY: the caller passes `size` writable bytes at buf.
        let out = unsafe { std::slice::from_raw_parts_mut(buf.cast::<u8>(), size as usize) };
        // SAFETY: libpq's contract (see the module documentation).
        let password = unsafe { borrow(conn as *const PGconn) }
            .and_then(|c| c.options.get("sslpassword").map(str::as_bytes));
        let Some(pw) = password else {
            out[0] = 0;
            return 0;
        };
        if pw.len() + 1 > out.len() {
            eprintln!("WARNING: sslpassword truncated");
        }
        let n = pw.len().min(out.len() - 1);
        out[..n].copy_from_slice(&pw[..n]);
        out[n] = 0;
        n as c_int
    })
}

/// The password for an encrypted client key of `conn`: the hook's answer
/// when one is set, else sslpassword (libpq's PQssl_passwd_cb).
pub fn key_password(conn: &PGconn) -> Vec<u8> {
    // OpenSSL's PEM_BUFSIZE: the buffer libpq's callback fills.
    let mut buf = [0u8; 1024];
    let ptr = conn as *const PGconn as *mut PGconn;
    let n = match PQgetSSLKeyPassHook_OpenSSL() {
        // SAFETY: the application's hook, called with a buffer of the size
        // it is told and the connection it is asked about, as libpq does.
        Some(hook) => unsafe { hook(buf.as_mut_ptr().cast(), buf.len() as c_int, ptr) },
        // SAFETY: as above, our own default hook.
        None => unsafe {
            PQdefaultSSLKeyPassHook_OpenSSL(buf.as_mut_ptr().cast(), buf.len() as c_int, ptr)
        },
    };
    let n = usize::try_from(n).unwrap_or(0).min(buf.len());
    let end = buf[..n].iter().position(|&b| b == 0).unwrap_or(n);
    buf[..end].to_vec()
}
