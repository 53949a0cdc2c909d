//! Exports: non-blocking mode and waiting (PQsetnonblocking, PQflush,
//! PQsocketPoll, PQgetCurrentTimeUSec).

use std::ffi::c_int;

use super::handle::{borrow_mut, guard};
use super::types::{pg_usec_time_t, PGconn};

#[no_mangle]
pub unsafe extern "C" fn PQsetnonblocking(conn: *mut PGconn, arg: c_int) -> c_int {
    guard(-1, || {
        // SAFETY: libpq's contract (see the module documentation).
        unsafe { borrow_mut(conn) }.map_or(-1, |c| c.set_nonblocking(arg != 0))
    })
}

/// Sends queued output: 0 done, 1 some remains (non-blocking mode), -1 failure.
#[no_mangle]
pub unsafe extern "C" fn PQflush(conn: *mut PGconn) -> c_int {
    guard(-1, || {
        // SAFETY: libpq's contract (see the module documentation).
        unsafe { borrow_mut(conn) }.map_or(-1, |c| c.flush_output())
    })
}

/// Waits until `sock` is ready for reading and/or writing, or `end_time`
/// (microseconds since the epoch; -1 forever, 0 don't wait) passes:
/// poll(2)'s answer (>0 ready, 0 timeout, -1 error with errno).
#[no_mangle]
pub unsafe extern "C" fn PQsocketPoll(
    sock: c_int,
    for_read: c_int,
    for_write: c_int,
    end_time: pg_usec_time_t,
) -> c_int {
    guard(-1, || {
        crate::net::socket_poll(sock, for_read != 0, for_write != 0, end_time)
    })
}

/// The current time in microseconds since the Unix epoch.
#[no_mangle]
pub extern "C" fn PQgetCurrentTimeUSec() -> pg_usec_time_t {
    guard(0, crate::net::now_usec)
}
