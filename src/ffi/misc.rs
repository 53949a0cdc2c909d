//! Exports: process-wide utilities (PQregisterThreadLock, the legacy pqsignal).

use std::ffi::c_int;

use super::handle::guard;
use super::types::pgthreadlock_t;
use crate::threadlock;

/// Replaces libpq's global thread lock (NULL: the default mutex) and returns
/// the lock function in force before; see `crate::threadlock`.
#[no_mangle]
pub extern "C" fn PQregisterThreadLock(newhandler: pgthreadlock_t) -> pgthreadlock_t {
    guard(None, || Some(threadlock::register(newhandler)))
}

/// `pqsigfunc`: a signal handler, `SIG_DFL`, `SIG_IGN` or `SIG_ERR` (a plain
/// address, since the last three are not valid function pointers).
#[allow(non_camel_case_types)]
pub type pqsigfunc = libc::sighandler_t;

/// The `pqsignal` libpq still exports for pre-9.3 clients, with 9.2's
/// semantics: `sigaction` with an empty mask, `SA_RESTART` except for
/// SIGALRM, `SA_NOCLDSTOP` for SIGCHLD. Returns the previous handler, or
/// `SIG_ERR` when `sigaction` fails.
#[no_mangle]
pub extern "C" fn pqsignal(signo: c_int, func: pqsigfunc) -> pqsigfunc {
    guard(libc::SIG_ERR, || set_handler(signo, func))
}

fn set_handler(signo: c_int, func: pqsigfunc) -> pqsigfunc {
    let mut flags = 0;
    if signo != libc::SIGALRM {
        flags |= libc::SA_RESTART;
    }
    if signo == libc::SIGCHLD {
        flags |= libc::SA_NOCLDSTOP;
    }
    // SAFETY: sigaction reads `act` and writes `oact`, both local; the mask
    // is initialised by sigemptyset before use.
    unsafe {
        let mut act: libc::sigaction = std::mem::zeroed();
        let mut oact: libc::sigaction = std::mem::zeroed();
        act.sa_sigaction = func;
        libc::sigemptyset(&mut act.sa_mask);
        act.sa_flags = flags;
        if libc::sigaction(signo, &act, &mut oact) < 0 {
            return libc::SIG_ERR;
        }
        oact.sa_sigaction
    }
}
