//! Exports: protocol tracing (`PQtrace`, `PQuntrace`, `PQsetTraceFlags`,
//! libpq's fe-trace.c). The lines come from `crate::trace`; here they are
//! written to the caller's `FILE *` with stdio, so they interleave with what
//! the program itself writes to that stream as they would with libpq.
//!
//! NULL arguments: a NULL `conn` does nothing; `PQtrace` with a NULL
//! stream stops tracing, as `PQuntrace`.

use std::ffi::c_int;

use libc::FILE;

use super::handle::{borrow_mut, guard};
use super::types::PGconn;
use crate::trace::{format_timestamp, TraceSink};

/// The caller's stream. The caller keeps it open while tracing (libpq's
/// contract: it is the caller's `FILE *`, used until PQuntrace or PQfinish).
struct FileSink(*mut FILE);

impl TraceSink for FileSink {
    fn write(&mut self, text: &[u8]) {
        if !text.is_empty() {
            // SAFETY: self.0 is the live stream given to PQtrace; text is a valid slice.
            unsafe { libc::fwrite(text.as_ptr().cast(), 1, text.len(), self.0) };
        }
    }

    fn flush(&mut self) {
        // SAFETY: self.0 is the live stream given to PQtrace.
        unsafe { libc::fflush(self.0) };
    }

    fn timestamp(&mut self) -> String {
        // SAFETY: a zeroed timeval is valid; gettimeofday fills it.
        let mut tv: libc::timeval = unsafe { std::mem::zeroed() };
        // SAFETY: tv is a valid timeval; no timezone is asked for.
        unsafe { libc::gettimeofday(&mut tv, std::ptr::null_mut()) };
        // SAFETY: a zeroed tm is valid; localtime_r fills it.
        let mut tm: libc::tm = unsafe { std::mem::zeroed() };
        // SAFETY: both pointers are valid for the call.
        unsafe { libc::localtime_r(&tv.tv_sec, &mut tm) };
        format_timestamp(
            tm.tm_year + 1900,
            (tm.tm_mon + 1) as u32,
            tm.tm_mday as u32,
            tm.tm_hour as u32,
            tm.tm_min as u32,
            tm.tm_sec as u32,
            tv.tv_usec as u32,
        )
    }

    fn is_print(&self, byte: u8) -> bool {
        // SAFETY: isprint takes any unsigned char value.
        unsafe { libc::isprint(c_int::from(byte)) != 0 }
    }
}

/// Starts tracing the protocol messages of `conn` to `debug_port`, with
/// no flags; ends any earlier trace first.
#[no_mangle]
pub unsafe extern "C" fn PQtrace(conn: *mut PGconn, debug_port: *mut FILE) {
    guard((), || {
        // SAFETY: libpq's contract (see the module documentation of ffi).
        let Some(c) = (unsafe { borrow_mut(conn) }) else {
            return;
        };
        if debug_port.is_null() {
            c.untrace();
        } else {
            c.trace(Box::new(FileSink(debug_port)));
        }
    })
}

/// Stops tracing, flushing the stream.
#[no_mangle]
pub unsafe extern "C" fn PQuntrace(conn: *mut PGconn) {
    guard((), || {
        // SAFETY: libpq's contract.
        if let Some(c) = unsafe { borrow_mut(conn) } {
            c.untrace();
        }
    })
}

/// Sets `PQTRACE_SUPPRESS_TIMESTAMPS` / `PQTRACE_REGRESS_MODE` for the
/// current trace; nothing when not tracing.
#[no_mangle]
pub unsafe extern "C" fn PQsetTraceFlags(conn: *mut PGconn, flags: c_int) {
    guard((), || {
        // SAFETY: libpq's contract.
        if let Some(c) = unsafe { borrow_mut(conn) } {
            c.set_trace_flags(flags);
        }
    })
}
