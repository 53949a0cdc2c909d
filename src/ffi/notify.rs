//! Exports: asynchronous notifications (PQnotifies, PQfreeNotify).

use std::ffi::{c_char, c_void};

use super::handle::{borrow_mut, guard};
use super::types::{PGconn, PGnotify};

/// The next notification, as one `malloc` block holding the struct and both
/// strings, so a single PQfreemem (or free) releases it.
#[no_mangle]
pub unsafe extern "C" fn PQnotifies(conn: *mut PGconn) -> *mut PGnotify {
    guard(std::ptr::null_mut(), || {
        // SAFETY: libpq's contract (see the module documentation).
        let Some(c) = (unsafe { borrow_mut(conn) }) else {
            return std::ptr::null_mut();
        };
        let Some(n) = c.next_notification() else {
            return std::ptr::null_mut();
        };
        let head = std::mem::size_of::<PGnotify>();
        let total = head + n.channel.len() + 1 + n.payload.len() + 1;
        // SAFETY: a fresh block of `total` bytes, written within bounds below.
        unsafe {
            let block = libc::malloc(total) as *mut u8;
            if block.is_null() {
                return std::ptr::null_mut();
            }
            let relname = block.add(head);
            std::ptr::copy_nonoverlapping(n.channel.as_ptr(), relname, n.channel.len());
            *relname.add(n.channel.len()) = 0;
            let extra = relname.add(n.channel.len() + 1);
            std::ptr::copy_nonoverlapping(n.payload.as_ptr(), extra, n.payload.len());
            *extra.add(n.payload.len()) = 0;
            let notify = block as *mut PGnotify;
            notify.write(PGnotify {
                relname: relname as *mut c_char,
                be_pid: n.backend_pid,
                extra: extra as *mut c_char,
                next: std::ptr::null_mut(),
            });
            notify
        }
    })
}

/// Frees a notification (the header also defines this name as a macro for PQfreemem).
#[no_mangle]
pub unsafe extern "C" fn PQfreeNotify(notify: *mut PGnotify) {
    // SAFETY: notify is NULL or a block from PQnotifies (malloc).
    unsafe { libc::free(notify as *mut c_void) }
}
