//! The cancel APIs (fe-cancel.c): the old one, `PQgetCancel`,
//! `PQfreeCancel`, `PQcancel`, `PQrequestCancel`, and libpq 17's cancel
//! connections, `PQcancelCreate` to `PQcancelFinish` (the engine is
//! `crate::conn::CancelConn`).
#![allow(non_snake_case)] // parameter names as in libpq-fe.h (cancelConn)
//!
//! `PQcancel` is called from signal handlers, so it allocates nothing, takes
//! no locks and calls only socket/setsockopt/connect/send/recv/close on data
//! that `PQgetCancel` prepared: the server's address as a raw sockaddr, the
//! keepalive settings and the finished CancelRequest packet.

use std::ffi::{c_char, c_int};

use crate::cancel::{self, step, CancelPacket};
use crate::ffi::handle::{borrow, borrow_mut, guard, into_raw, take_box};
use crate::ffi::types::{ConnStatusType, PGcancelConn, PGconn, PostgresPollingStatusType};
use crate::messages::conn as msg;

/// `PGcancel`: everything `PQcancel` needs, copied out of the connection so
/// that it can be used from another thread or a signal handler.
pub struct CancelInfo {
    addr: libc::sockaddr_storage,
    addr_len: libc::socklen_t,
    /// `None`: the server sent no cancel key (libpq's dummy object).
    packet: Option<CancelPacket>,
    /// Integer options as `PQgetCancel` parsed them; -1 means unset.
    keepalives: c_int,
    keepalives_idle: c_int,
    keepalives_interval: c_int,
    keepalives_count: c_int,
    tcp_user_timeout: c_int,
}

/// The cancel handle (`struct pg_cancel`, opaque to C).
pub type PGcancel = CancelInfo;

/// The calling thread's `errno`.
fn errno_ptr() -> *mut c_int {
    // SAFETY: __errno_location has no preconditions and returns this thread's errno slot.
    unsafe { libc::__errno_location() }
}

fn errno() -> c_int {
    // SAFETY: errno_ptr points at this thread's errno, valid for the thread's life.
    unsafe { *errno_ptr() }
}

fn set_errno(v: c_int) {
    // SAFETY: as in errno().
    unsafe { *errno_ptr() = v }
}

impl CancelInfo {
    /// `PQgetCancel`'s body; `Err` carries the connection error to add
    /// (an unparsable keepalive option), `Ok(None)` means no object.
    fn from_conn(conn: &PGconn) -> Result<Option<CancelInfo>, String> {
        let Some(sock) = conn.sock.as_ref() else {
            return Ok(None);
        };
        // SAFETY: sockaddr_storage is plain data; all-zero is a valid value.
        let mut addr: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        let mut addr_len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        // SAFETY: getpeername writes at most addr_len bytes into addr and updates addr_len.
        let rc = unsafe {
            libc::getpeername(
                sock.raw_fd(),
                &mut addr as *mut _ as *mut libc::sockaddr,
                &mut addr_len,
            )
        };
        if rc < 0 {
            // Not connected yet: nothing to send a cancel request to.
            return Ok(None);
        }
        let int = |k: &str| -> Result<c_int, String> {
            match conn.options().get(k) {
                None | Some("") => Ok(-1),
                Some(v) => crate::conninfo::parse_int_option(v, k),
            }
        };
        Ok(Some(CancelInfo {
            addr,
            addr_len,
            packet: CancelPacket::new(conn.backend_pid, &conn.cancel_key),
            tcp_user_timeout: int("tcp_user_timeout")?,
            keepalives: int("keepalives")?,
            keepalives_idle: int("keepalives_idle")?,
            keepalives_interval: int("keepalives_interval")?,
            keepalives_count: int("keepalives_count")?,
        }))
    }

    /// Sends the request; on failure, the step's message prefix and errno.
    /// Only async-signal-safe system calls; nothing allocates.
    fn send(&self, packet: &CancelPacket) -> Result<(), (&'static [u8], c_int)> {
        let fail = |prefix: &'static [u8]| (prefix, errno());
        let family = self.addr.ss_family as c_int;
        // SAFETY: plain socket(2); the result is checked.
        let fd = unsafe { libc::socket(family, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) };
        if fd < 0 {
            return Err(fail(step::SOCKET));
        }
        let result = self.send_on(fd, packet);
        // SAFETY: fd is ours and closed once; close keeps errno only on success,
        // so the failure's errno was read before.
        unsafe { libc::close(fd) };
        result
    }

    fn send_on(&self, fd: c_int, packet: &CancelPacket) -> Result<(), (&'static [u8], c_int)> {
        let fail = |prefix: &'static [u8]| (prefix, errno());
        let setopt = |level: c_int, name: c_int, value: c_int| -> bool {
            if value < 0 {
                return true;
            }
            // SAFETY: setsockopt reads one int from value.
            unsafe {
                libc::setsockopt(
                    fd,
                    level,
                    name,
                    &value as *const c_int as *const libc::c_void,
                    std::mem::size_of::<c_int>() as libc::socklen_t,
                ) >= 0
            }
        };
        if self.addr.ss_family as c_int != libc::AF_UNIX && self.keepalives != 0 {
            if !setopt(libc::SOL_SOCKET, libc::SO_KEEPALIVE, 1) {
                return Err(fail(step::SO_KEEPALIVE));
            }
            if !setopt(libc::IPPROTO_TCP, libc::TCP_KEEPIDLE, self.keepalives_idle) {
                return Err(fail(step::TCP_KEEPIDLE));
            }
            if !setopt(
                libc::IPPROTO_TCP,
                libc::TCP_KEEPINTVL,
                self.keepalives_interval,
            ) {
                return Err(fail(step::TCP_KEEPINTVL));
            }
            if !setopt(libc::IPPROTO_TCP, libc::TCP_KEEPCNT, self.keepalives_count) {
                return Err(fail(step::TCP_KEEPCNT));
            }
            if !setopt(
                libc::IPPROTO_TCP,
                libc::TCP_USER_TIMEOUT,
                self.tcp_user_timeout,
            ) {
                return Err(fail(step::TCP_USER_TIMEOUT));
            }
        }
        loop {
            // SAFETY: addr holds a sockaddr of addr_len bytes from getpeername.
            let rc = unsafe {
                libc::connect(
                    fd,
                    &self.addr as *const _ as *const libc::sockaddr,
                    self.addr_len,
                )
            };
            if rc == 0 {
                break;
            }
            if errno() != libc::EINTR {
                return Err(fail(step::CONNECT));
            }
        }
        let bytes = packet.as_bytes();
        loop {
            // SAFETY: send reads bytes.len() bytes from the packet buffer.
            let n = unsafe {
                libc::send(
                    fd,
                    bytes.as_ptr() as *const libc::c_void,
                    bytes.len(),
                    libc::MSG_NOSIGNAL,
                )
            };
            if n == bytes.len() as isize {
                break;
            }
            if errno() != libc::EINTR {
                return Err(fail(step::SEND));
            }
        }
        // Wait for the postmaster to close the connection: then the request has
        // been processed. No data is expected; other errors are ignored.
        let mut byte = 0u8;
        loop {
            // SAFETY: recv writes at most one byte into `byte`.
            let n = unsafe { libc::recv(fd, &mut byte as *mut u8 as *mut libc::c_void, 1, 0) };
            if n >= 0 || errno() != libc::EINTR {
                break;
            }
        }
        Ok(())
    }
}

/// Sends a cancel request; the error text goes into `errbuf` (any size).
/// Returns 1 when the request was delivered.
fn cancel_into(cancel: Option<&CancelInfo>, errbuf: &mut [u8]) -> c_int {
    let saved = errno();
    let ok = match cancel {
        None => {
            cancel::strlcpy(errbuf, cancel::NO_CANCEL_OBJECT);
            false
        }
        Some(CancelInfo { packet: None, .. }) => {
            cancel::strlcpy(errbuf, cancel::NO_CANCEL_KEY);
            false
        }
        Some(
            c @ CancelInfo {
                packet: Some(packet),
                ..
            },
        ) => match c.send(packet) {
            Ok(()) => true,
            Err((prefix, err)) => {
                cancel::write_failure(errbuf, prefix, err);
                false
            }
        },
    };
    set_errno(saved);
    ok as c_int
}

#[no_mangle]
pub unsafe extern "C" fn PQgetCancel(conn: *mut PGconn) -> *mut PGcancel {
    guard(std::ptr::null_mut(), || {
        // SAFETY: conn is NULL or a live connection handle (module contract).
        let Some(conn) = (unsafe { borrow_mut(conn) }) else {
            return std::ptr::null_mut();
        };
        match CancelInfo::from_conn(conn) {
            Ok(Some(c)) => into_raw(c),
            Ok(None) => std::ptr::null_mut(),
            Err(text) => {
                conn.append_error(&text);
                std::ptr::null_mut()
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQfreeCancel(cancel: *mut PGcancel) {
    guard((), || {
        // SAFETY: cancel is NULL or came from PQgetCancel and is freed once.
        drop(unsafe { take_box(cancel) });
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQcancel(
    cancel: *mut PGcancel,
    errbuf: *mut c_char,
    errbufsize: c_int,
) -> c_int {
    guard(0, || {
        let errbuf: &mut [u8] = if errbuf.is_null() || errbufsize <= 0 {
            &mut []
        } else {
            // SAFETY: the caller provides errbuf of errbufsize bytes.
            unsafe { std::slice::from_raw_parts_mut(errbuf as *mut u8, errbufsize as usize) }
        };
        // SAFETY: cancel is NULL or a live PGcancel from PQgetCancel; we only read it.
        cancel_into(unsafe { cancel.as_ref() }, errbuf)
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQrequestCancel(conn: *mut PGconn) -> c_int {
    guard(0, || {
        // SAFETY: conn is NULL or a live connection handle (module contract).
        let Some(conn) = (unsafe { borrow_mut(conn) }) else {
            return 0;
        };
        if conn.sock.is_none() {
            conn.error.clear();
            conn.append_error(std::str::from_utf8(cancel::REQUEST_NOT_OPEN).unwrap_or(""));
            conn.error_reported = 0;
            return 0;
        }
        // libpq writes into the connection's error buffer, whose initial size is 256.
        let mut buf = [0u8; 256];
        let ok = match CancelInfo::from_conn(conn) {
            Ok(Some(c)) => cancel_into(Some(&c), &mut buf),
            _ => {
                cancel::strlcpy(&mut buf, b"out of memory");
                0
            }
        };
        if ok == 0 {
            let len = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
            conn.error.clear();
            conn.error.append(&buf[..len]);
            conn.error_reported = 0;
        }
        ok
    })
}

/// A cancel connection for `conn`'s backend; never NULL (a NULL or closed
/// `conn` gives one in CONNECTION_BAD that says why).
#[no_mangle]
pub unsafe extern "C" fn PQcancelCreate(conn: *mut PGconn) -> *mut PGcancelConn {
    guard(std::ptr::null_mut(), || {
        // SAFETY: conn is NULL or a live connection handle (module contract).
        let original = unsafe { borrow(conn) };
        into_raw(crate::conn::CancelConn::create(original))
    })
}

/// Starts sending the cancel request without waiting; 1 when under way.
#[no_mangle]
pub unsafe extern "C" fn PQcancelStart(cancelConn: *mut PGcancelConn) -> c_int {
    guard(0, || {
        // SAFETY: cancelConn is NULL or a live handle from PQcancelCreate.
        match unsafe { borrow_mut(cancelConn) } {
            Some(c) => c.start() as c_int,
            None => 0,
        }
    })
}

/// Sends the cancel request and waits until the server has it; 1 on success.
#[no_mangle]
pub unsafe extern "C" fn PQcancelBlocking(cancelConn: *mut PGcancelConn) -> c_int {
    guard(0, || {
        // SAFETY: as in PQcancelStart.
        match unsafe { borrow_mut(cancelConn) } {
            Some(c) => c.blocking() as c_int,
            None => 0,
        }
    })
}

/// Advances a cancel request started with PQcancelStart, as PQconnectPoll.
#[no_mangle]
pub unsafe extern "C" fn PQcancelPoll(cancelConn: *mut PGcancelConn) -> PostgresPollingStatusType {
    guard(PostgresPollingStatusType::PGRES_POLLING_FAILED, || {
        // SAFETY: as in PQcancelStart.
        match unsafe { borrow_mut(cancelConn) } {
            Some(c) => super::connect::polling_status(c.poll()),
            // libpq dereferences NULL here; failing is the safe answer.
            None => PostgresPollingStatusType::PGRES_POLLING_FAILED,
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQcancelStatus(cancelConn: *const PGcancelConn) -> ConnStatusType {
    guard(ConnStatusType::CONNECTION_BAD, || {
        // SAFETY: as in PQcancelStart; only read.
        match unsafe { borrow(cancelConn) } {
            Some(c) => c.status(),
            None => ConnStatusType::CONNECTION_BAD,
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn PQcancelSocket(cancelConn: *const PGcancelConn) -> c_int {
    guard(-1, || {
        // SAFETY: as in PQcancelStatus.
        match unsafe { borrow(cancelConn) } {
            Some(c) => c.socket(),
            None => -1,
        }
    })
}

/// The cancel connection's error text; for NULL, PQerrorMessage's.
#[no_mangle]
pub unsafe extern "C" fn PQcancelErrorMessage(cancelConn: *const PGcancelConn) -> *mut c_char {
    guard(msg::CONNECTION_POINTER_NULL.as_ptr() as *mut c_char, || {
        // SAFETY: as in PQcancelStatus; the text lives in the handle.
        match unsafe { borrow(cancelConn) } {
            Some(c) => c.error_message().as_ptr() as *mut c_char,
            None => msg::CONNECTION_POINTER_NULL.as_ptr() as *mut c_char,
        }
    })
}

/// Closes the cancel connection so that it can send the request again.
#[no_mangle]
pub unsafe extern "C" fn PQcancelReset(cancelConn: *mut PGcancelConn) {
    guard((), || {
        // SAFETY: as in PQcancelStart. (libpq dereferences NULL here.)
        if let Some(c) = unsafe { borrow_mut(cancelConn) } {
            c.reset();
        }
    })
}

/// Closes and frees the cancel connection.
#[no_mangle]
pub unsafe extern "C" fn PQcancelFinish(cancelConn: *mut PGcancelConn) {
    guard((), || {
        // SAFETY: cancelConn is NULL or a handle from PQcancelCreate, not
        // used after this call.
        if let Some(mut c) = unsafe { take_box(cancelConn) } {
            c.close();
        }
    })
}
