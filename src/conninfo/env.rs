//! The process environment as the option code sees it. [`ProcessEnv`] is the
//! only code in `conninfo` that reads environment variables, the password
//! database or the locale; tests pass their own [`Environment`].

use std::ffi::{CStr, OsString};
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;

use crate::messages::conninfo as msg;

/// What libpq reads from its surroundings while working out options.
pub trait Environment {
    /// An environment variable (`getenv`); `Some("")` for one set to empty.
    fn var(&self, name: &str) -> Option<String>;
    /// [`Environment::var`] of a name already NUL-terminated (the option
    /// table's), so the process environment is read without a copy of it.
    fn var_c(&self, name: &CStr) -> Option<String> {
        self.var(name.to_str().ok()?)
    }
    /// The home directory (`pqGetHomeDirectory`: `$HOME` if non-empty, else
    /// the password database entry of the effective uid).
    fn home_dir(&self) -> Option<PathBuf>;
    /// The user name of the effective uid (`pg_fe_getauthname`).
    fn os_user(&self) -> Option<String>;

    /// As [`Environment::os_user`], with libpq's message when there is none.
    fn os_user_result(&self) -> Result<String, String> {
        self.os_user()
            .ok_or_else(|| msg::fill(msg::USER_NOT_FOUND, &[&"?"]))
    }

    /// The program's current `LC_CTYPE` locale name and its codeset
    /// (`setlocale(LC_CTYPE, NULL)`, `nl_langinfo(CODESET)`), for
    /// `client_encoding=auto`. `None` when unknown.
    fn ctype_locale(&self) -> Option<(String, String)> {
        None
    }

    /// Where libpq writes with `fprintf(stderr, ...)` (password file warnings).
    fn warn(&self, text: &str) {
        eprint!("{text}");
    }
}

/// The real process environment.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProcessEnv;

/// The password database entry of the effective uid, or the error number of
/// `getpwuid_r` (0 = no such user).
fn passwd_entry() -> Result<(String, PathBuf), (u32, i32)> {
    // SAFETY: getpwuid_r writes only into `pw`, `buf` (with its length) and
    // `result`, all of which live for this block; the strings it leaves in
    // `pw` point into `buf` and are copied out before `buf` is dropped.
    unsafe {
        let uid = libc::geteuid();
        let mut pw: libc::passwd = std::mem::zeroed();
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        let mut buf = vec![0 as libc::c_char; 4096];
        let rc = libc::getpwuid_r(uid, &mut pw, buf.as_mut_ptr(), buf.len(), &mut result);
        if rc != 0 {
            return Err((uid, rc));
        }
        if result.is_null() || pw.pw_name.is_null() {
            return Err((uid, 0));
        }
        let name = CStr::from_ptr(pw.pw_name).to_string_lossy().into_owned();
        let dir = if pw.pw_dir.is_null() {
            PathBuf::new()
        } else {
            PathBuf::from(OsString::from_vec(
                CStr::from_ptr(pw.pw_dir).to_bytes().to_vec(),
            ))
        };
        Ok((name, dir))
    }
}

/// `strerror` text of an error number, without Rust's " (os error N)".
fn strerror(errno: i32) -> String {
    let text = std::io::Error::from_raw_os_error(errno).to_string();
    match text.rfind(" (os error ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

impl Environment for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())
    }

    fn var_c(&self, name: &CStr) -> Option<String> {
        // SAFETY: getenv with a C string; the value it returns, when not
        // NULL, is a C string that is copied before anything else runs
        // here (libpq reads its variables with getenv likewise).
        let value = unsafe {
            let p = libc::getenv(name.as_ptr());
            if p.is_null() {
                return None;
            }
            CStr::from_ptr(p)
        };
        Some(value.to_string_lossy().into_owned())
    }

    fn home_dir(&self) -> Option<PathBuf> {
        match std::env::var_os("HOME") {
            Some(h) if !h.is_empty() => Some(PathBuf::from(h)),
            _ => passwd_entry().ok().map(|(_, dir)| dir),
        }
    }

    fn os_user(&self) -> Option<String> {
        passwd_entry().ok().map(|(name, _)| name)
    }

    fn os_user_result(&self) -> Result<String, String> {
        match passwd_entry() {
            Ok((name, _)) => Ok(name),
            Err((uid, 0)) => Err(msg::fill(msg::USER_NOT_FOUND, &[&uid])),
            Err((uid, errno)) => Err(msg::fill(
                msg::USER_LOOKUP_FAILED,
                &[&uid, &strerror(errno)],
            )),
        }
    }

    fn ctype_locale(&self) -> Option<(String, String)> {
        // SAFETY: setlocale with a NULL locale only queries; nl_langinfo
        // returns a pointer to static storage. Both strings are copied at once.
        // (Like libpq, this is not safe against another thread calling
        // setlocale at the same moment.)
        unsafe {
            let name = libc::setlocale(libc::LC_CTYPE, std::ptr::null());
            if name.is_null() {
                return None;
            }
            let name = CStr::from_ptr(name).to_string_lossy().into_owned();
            let set = libc::nl_langinfo(libc::CODESET);
            let set = if set.is_null() {
                String::new()
            } else {
                CStr::from_ptr(set).to_string_lossy().into_owned()
            };
            Some((name, set))
        }
    }
}
