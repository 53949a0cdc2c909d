//! libpq's global thread lock (`pg_g_threadlock`): a process-wide lock that
//! an application may replace with `PQregisterThreadLock`. libpq 18 takes it
//! only around GSSAPI calls and libcurl's initialisation (the OAuth device
//! flow), neither of which exists here, so nothing of ours calls it (as
//! libpq 18 without them: tests/differential/hooks.c, section threadlock).
//! It is kept and handed back exactly as libpq does, and the default lock
//! that `PQregisterThreadLock` returns is a working mutex.

use std::ffi::c_int;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

/// A lock function: called with 1 to acquire, 0 to release.
pub type LockFn = unsafe extern "C" fn(acquire: c_int);

/// The registered lock function as an address; 0 = [`default_threadlock`].
static LOCK: AtomicUsize = AtomicUsize::new(0);

/// The default lock's state: held or not, and a condition to wait on.
static HELD: Mutex<bool> = Mutex::new(false);
static RELEASED: Condvar = Condvar::new();

/// libpq's `default_threadlock`: a plain process-wide mutex. Acquire and
/// release are separate calls, so it is a flag under a mutex rather than a
/// guard.
pub extern "C" fn default_threadlock(acquire: c_int) {
    let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
    if acquire != 0 {
        while *held {
            held = RELEASED.wait(held).unwrap_or_else(|e| e.into_inner());
        }
        *held = true;
    } else {
        *held = false;
        RELEASED.notify_one();
    }
}

/// The lock function an address in [`LOCK`] stands for.
fn from_addr(addr: usize) -> LockFn {
    match addr {
        0 => default_threadlock,
        // SAFETY: a nonzero value was stored by `register` from a LockFn.
        addr => unsafe { std::mem::transmute::<usize, LockFn>(addr) },
    }
}

/// The lock function in force.
pub fn current() -> LockFn {
    from_addr(LOCK.load(Ordering::SeqCst))
}

/// `PQregisterThreadLock`: installs `new` (None: the default lock) and
/// returns the function that was in force before.
pub fn register(new: Option<LockFn>) -> LockFn {
    from_addr(LOCK.swap(new.map_or(0, |f| f as usize), Ordering::SeqCst))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_lock_excludes_and_releases() {
        default_threadlock(1);
        // Another thread cannot take it while we hold it.
        let t = std::thread::spawn(|| {
            default_threadlock(1);
            default_threadlock(0);
            7
        });
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(!t.is_finished());
        default_threadlock(0);
        assert_eq!(t.join().unwrap(), 7);
    }

    #[test]
    fn register_returns_the_previous_lock() {
        extern "C" fn mine(_acquire: c_int) {}
        let addr = |f: LockFn| f as usize;
        assert_eq!(addr(register(Some(mine))), addr(default_threadlock));
        assert_eq!(addr(current()), addr(mine));
        assert_eq!(addr(register(None)), addr(mine));
        assert_eq!(addr(current()), addr(default_threadlock));
    }
}
