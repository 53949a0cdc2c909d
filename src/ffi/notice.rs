//! Notice hooks (receiver and processor) and their exports:
//! PQsetNoticeReceiver, PQsetNoticeProcessor.

use std::ffi::{c_char, c_void, CStr};
use std::io::Write;

use super::handle::{borrow_mut, guard};
use super::types::{ExecStatusType, PGconn, PGresult, PQnoticeProcessor, PQnoticeReceiver};
use crate::result::PgResult;

/// The two notice callbacks of a connection, copied into every result it makes.
#[derive(Clone, Copy, Debug)]
pub struct NoticeHooks {
    pub receiver: PQnoticeReceiver,
    pub receiver_arg: *mut c_void,
    pub processor: PQnoticeProcessor,
    pub processor_arg: *mut c_void,
}

impl Default for NoticeHooks {
    fn default() -> Self {
        NoticeHooks {
            receiver: Some(default_notice_receiver),
            receiver_arg: std::ptr::null_mut(),
            processor: Some(default_notice_processor),
            processor_arg: std::ptr::null_mut(),
        }
    }
}

impl NoticeHooks {
    /// Hooks that drop every notice (for results made without a connection in tests).
    pub fn silent() -> Self {
        NoticeHooks {
            receiver: None,
            receiver_arg: std::ptr::null_mut(),
            processor: None,
            processor_arg: std::ptr::null_mut(),
        }
    }

    /// Hands a notice result to the receiver.
    pub fn deliver(&self, notice: &PgResult) {
        if let Some(receiver) = self.receiver {
            // SAFETY: the receiver was installed by the application for this
            // purpose; it gets its own argument and a result valid for the call.
            unsafe { receiver(self.receiver_arg, notice as *const PGresult) }
        }
    }

    /// A notice made by the library itself: severity NOTICE, no SQLSTATE,
    /// the text plus a newline (libpq's `pqInternalNotice`).
    pub fn internal_notice(&self, text: &str, client_encoding: i32) {
        if self.receiver.is_none() {
            return;
        }
        let mut res = PgResult::new(ExecStatusType::PGRES_NONFATAL_ERROR, *self, client_encoding);
        res.push_error_field(b'M', text.as_bytes());
        res.push_error_field(b'S', b"NOTICE");
        res.push_error_field(b'V', b"NOTICE");
        res.set_error_message(format!("{text}\n").as_bytes());
        self.deliver(&res);
    }
}

/// libpq's default receiver: formats nothing itself, passes the result's error
/// message to the result's processor.
unsafe extern "C" fn default_notice_receiver(_arg: *mut c_void, res: *const PGresult) {
    guard((), || {
        // SAFETY: the library calls this with a result it owns for the call's duration.
        let Some(res) = (unsafe { res.as_ref() }) else {
            return;
        };
        let hooks = res.hooks();
        if let Some(processor) = hooks.processor {
            // SAFETY: as for the receiver; the message is NUL-terminated and
            // lives as long as the result.
            unsafe { processor(hooks.processor_arg, res.error_message().as_ptr()) }
        }
    })
}

/// libpq's default processor: the text, unchanged, on stderr.
unsafe extern "C" fn default_notice_processor(_arg: *mut c_void, message: *const c_char) {
    guard((), || {
        if message.is_null() {
            return;
        }
        // SAFETY: the caller passes a NUL-terminated message.
        let text = unsafe { CStr::from_ptr(message) };
        let _ = std::io::stderr().write_all(text.to_bytes());
    })
}

/// Installs a notice receiver; a NULL `proc` only reports the current one.
#[no_mangle]
pub unsafe extern "C" fn PQsetNoticeReceiver(
    conn: *mut PGconn,
    proc_: PQnoticeReceiver,
    arg: *mut c_void,
) -> PQnoticeReceiver {
    guard(None, || {
        // SAFETY: conn is NULL or a live connection handle from this library.
        let conn = (unsafe { borrow_mut(conn) })?;
        let hooks = conn.notice_hooks_mut();
        let old = hooks.receiver;
        if proc_.is_some() {
            hooks.receiver = proc_;
            hooks.receiver_arg = arg;
        }
        old
    })
}

/// Installs a notice processor; a NULL `proc` only reports the current one.
#[no_mangle]
pub unsafe extern "C" fn PQsetNoticeProcessor(
    conn: *mut PGconn,
    proc_: PQnoticeProcessor,
    arg: *mut c_void,
) -> PQnoticeProcessor {
    guard(None, || {
        // SAFETY: conn is NULL or a live connection handle from this library.
        let conn = (unsafe { borrow_mut(conn) })?;
        let hooks = conn.notice_hooks_mut();
        let old = hooks.processor;
        if proc_.is_some() {
            hooks.processor = proc_;
            hooks.processor_arg = arg;
        }
        old
    })
}
