//! Exports: printing results (`PQprint`, `PQdisplayTuples`, `PQprintTuples`,
//! libpq's fe-print.c). The text comes from `crate::print`; here it is
//! written to the caller's `FILE *` (or libpq's pager pipe) with stdio.
//!
//! NULL arguments: a NULL `res` has no columns (`PQprint` and
//! `PQprintTuples` print nothing, `PQdisplayTuples` its empty header and
//! footer); a NULL `fout`/`fp` is stdout for `PQprint` and `PQdisplayTuples`.
//! Where libpq would dereference NULL (a NULL `po` or `po->fieldSep` for a
//! result with columns, a NULL `fout` for `PQprintTuples`) nothing is printed.
#![allow(non_snake_case)] // parameter names as in libpq-fe.h (fillAlign, colWidth)

use std::ffi::{c_char, c_int, CStr, CString};

use libc::FILE;

use super::handle::{borrow, c_str, guard};
use super::types::{PGresult, PQprintOpt};
use crate::print::{self, PrintOpt};

extern "C" {
    static mut stdin: *mut FILE;
    static mut stdout: *mut FILE;
    static mut stderr: *mut FILE;
}

/// The C library's `stdout` stream, as the caller's stdio sees it.
fn c_stdout() -> *mut FILE {
    // SAFETY: reads the value of libc's stdout pointer; no reference is kept.
    unsafe { stdout }
}

/// Writes all of `bytes` to `fp` (a live stream); errors are the stream's, as with fputs.
fn write(fp: *mut FILE, bytes: &[u8]) {
    if !bytes.is_empty() {
        // SAFETY: fp is a live stream (checked by the callers) and bytes is a valid slice.
        unsafe { libc::fwrite(bytes.as_ptr().cast(), 1, bytes.len(), fp) };
    }
}

/// The rows and columns of the terminal on stdout; libpq's 24 x 80 when unknown.
fn screen_size() -> (u16, u16) {
    // SAFETY: a zeroed winsize is valid; ioctl fills it on success.
    let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
    // SAFETY: TIOCGWINSZ writes one winsize through the pointer.
    let rc = unsafe { libc::ioctl(libc::fileno(c_stdout()), libc::TIOCGWINSZ, &mut ws) };
    if rc == -1 || ws.ws_col == 0 || ws.ws_row == 0 {
        (24, 80)
    } else {
        (ws.ws_row, ws.ws_col)
    }
}

/// SIGPIPE blocked for this thread while writing to the pager (libpq's
/// `pq_block_sigpipe` / `pq_reset_sigpipe`): a pager that quits early must
/// not kill the program.
struct SigpipeBlock {
    old: libc::sigset_t,
    was_pending: bool,
}

fn sigpipe_set() -> libc::sigset_t {
    // SAFETY: sigemptyset initializes the set before sigaddset uses it.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGPIPE);
        set
    }
}

impl SigpipeBlock {
    fn new() -> Option<SigpipeBlock> {
        let set = sigpipe_set();
        // SAFETY: valid signal sets; pthread_sigmask stores the old mask in `old`.
        unsafe {
            let mut old: libc::sigset_t = std::mem::zeroed();
            if libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut old) != 0 {
                return None;
            }
            // A SIGPIPE can only be pending already if it was blocked before.
            let mut was_pending = false;
            if libc::sigismember(&old, libc::SIGPIPE) == 1 {
                let mut pending: libc::sigset_t = std::mem::zeroed();
                if libc::sigpending(&mut pending) != 0 {
                    return None;
                }
                was_pending = libc::sigismember(&pending, libc::SIGPIPE) == 1;
            }
            Some(SigpipeBlock { old, was_pending })
        }
    }

    /// Consumes a SIGPIPE our writes raised (libpq assumes one may have),
    /// then restores the old mask; errno is kept.
    fn reset(self) {
        // SAFETY: errno access and signal calls on valid sets.
        unsafe {
            let saved_errno = *libc::__errno_location();
            if !self.was_pending {
                let mut pending: libc::sigset_t = std::mem::zeroed();
                if libc::sigpending(&mut pending) == 0
                    && libc::sigismember(&pending, libc::SIGPIPE) == 1
                {
                    let set = sigpipe_set();
                    let mut signo: c_int = 0;
                    libc::sigwait(&set, &mut signo);
                }
            }
            libc::pthread_sigmask(libc::SIG_SETMASK, &self.old, std::ptr::null_mut());
            *libc::__errno_location() = saved_errno;
        }
    }
}

/// libpq's pager: when printing to stdout with stdin and stdout both
/// terminals, `pager` set, and more output than fits the screen, a pipe to
/// `$PAGER` (None otherwise, or when popen fails).
fn open_pager(
    res: &PGresult,
    po: &PQprintOpt,
    opt: &PrintOpt<'_>,
    fout: *mut FILE,
) -> Option<*mut FILE> {
    if po.pager == 0 || fout != c_stdout() {
        return None;
    }
    // SAFETY: isatty/fileno on the C library's standard streams.
    let ttys = unsafe {
        libc::isatty(libc::fileno(stdin)) == 1 && libc::isatty(libc::fileno(c_stdout())) == 1
    };
    if !ttys {
        return None;
    }
    let (rows, cols) = screen_size();
    let pager = std::env::var_os("PAGER")?;
    let pager = std::os::unix::ffi::OsStrExt::as_bytes(pager.as_os_str()).to_vec();
    if !print::usable_pager(&pager) || !print::wants_pager(res, opt, rows, cols) {
        return None;
    }
    let command = CString::new(pager).ok()?;
    // SAFETY: fflush(NULL) flushes every output stream; popen gets two C strings.
    let pipe = unsafe {
        libc::fflush(std::ptr::null_mut());
        libc::popen(command.as_ptr(), c"w".as_ptr())
    };
    (!pipe.is_null()).then_some(pipe)
}

/// `PQprintOpt` as the formatter reads it; None when `fieldSep` is NULL.
///
/// # Safety
/// `po`'s strings are NULL or NUL-terminated; `fieldName` is NULL or a
/// NULL-terminated array of such strings.
unsafe fn read_opt<'a>(po: &'a PQprintOpt) -> Option<PrintOpt<'a>> {
    // SAFETY: forwarded contract.
    let field_sep = unsafe { c_str(po.fieldSep) }?.to_bytes();
    let mut field_names = Vec::new();
    if !po.fieldName.is_null() {
        let mut k = 0;
        loop {
            // SAFETY: the array is NULL-terminated, so every index up to the NULL is in bounds.
            let name = unsafe { *po.fieldName.add(k) };
            // SAFETY: a non-NULL entry is a NUL-terminated string.
            match unsafe { c_str(name) } {
                Some(n) => field_names.push(n.to_bytes()),
                None => break,
            }
            k += 1;
        }
    }
    Some(PrintOpt {
        header: po.header != 0,
        align: po.align != 0,
        standard: po.standard != 0,
        html3: po.html3 != 0,
        expanded: po.expanded != 0,
        field_sep,
        // SAFETY: forwarded contract.
        table_opt: unsafe { c_str(po.tableOpt) }.map(CStr::to_bytes),
        // SAFETY: forwarded contract.
        caption: unsafe { c_str(po.caption) }.map(CStr::to_bytes),
        field_names,
    })
}

/// `void PQprint(FILE *fout, const PGresult *res, const PQprintOpt *po)`.
#[no_mangle]
pub unsafe extern "C" fn PQprint(fout: *mut FILE, res: *const PGresult, po: *const PQprintOpt) {
    guard((), || {
        // SAFETY: libpq's contract (see the module documentation).
        let Some(r) = (unsafe { borrow(res) }) else {
            return;
        };
        if r.nfields() <= 0 {
            return;
        }
        // SAFETY: libpq's contract.
        let Some(po) = (unsafe { borrow(po) }) else {
            return;
        };
        // SAFETY: libpq's contract for the option strings.
        let Some(opt) = (unsafe { read_opt(po) }) else {
            return;
        };
        let text = match print::print(r, &opt) {
            Ok(text) => text,
            Err(message) => {
                // SAFETY: reads libc's stderr pointer.
                write(unsafe { stderr }, message.as_bytes());
                return;
            }
        };
        let fout = if fout.is_null() { c_stdout() } else { fout };
        match open_pager(r, po, &opt, fout) {
            Some(pipe) => {
                let block = SigpipeBlock::new();
                write(pipe, &text);
                // SAFETY: pipe came from popen and is closed once.
                unsafe { libc::pclose(pipe) };
                // We can't easily tell whether the pager quit early: assume it did.
                if let Some(block) = block {
                    block.reset();
                }
            }
            None => write(fout, &text),
        }
    })
}

/// `void PQdisplayTuples(const PGresult *res, FILE *fp, int fillAlign,
/// const char *fieldSep, int printHeader, int quiet)`.
#[no_mangle]
pub unsafe extern "C" fn PQdisplayTuples(
    res: *const PGresult,
    fp: *mut FILE,
    fillAlign: c_int,
    fieldSep: *const c_char,
    printHeader: c_int,
    quiet: c_int,
) {
    guard((), || {
        // SAFETY: libpq's contract (see the module documentation).
        let r = unsafe { borrow(res) };
        // SAFETY: libpq's contract.
        let sep = unsafe { c_str(fieldSep) }.map(CStr::to_bytes);
        let text = print::display_tuples(r, fillAlign != 0, sep, printHeader != 0, quiet != 0);
        let fp = if fp.is_null() { c_stdout() } else { fp };
        write(fp, &text);
        // SAFETY: fp is a live stream.
        unsafe { libc::fflush(fp) };
    })
}

/// `void PQprintTuples(const PGresult *res, FILE *fout, int PrintAttNames,
/// int TerseOutput, int colWidth)`.
#[no_mangle]
pub unsafe extern "C" fn PQprintTuples(
    res: *const PGresult,
    fout: *mut FILE,
    PrintAttNames: c_int,
    TerseOutput: c_int,
    colWidth: c_int,
) {
    guard((), || {
        // SAFETY: libpq's contract (see the module documentation).
        let Some(r) = (unsafe { borrow(res) }) else {
            return;
        };
        if fout.is_null() {
            return;
        }
        let text = print::print_tuples(r, PrintAttNames != 0, TerseOutput != 0, colWidth);
        write(fout, &text);
    })
}
