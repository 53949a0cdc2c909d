//! The large-object functions (libpq's fe-lobj.c), built on the fast path
//! (`fastpath`): lo_open and friends, and lo_import/lo_export between a
//! client file and a large object.

use std::ffi::CStr;
use std::io::{Read, Write};
use std::os::fd::IntoRawFd;

use super::fastpath::{FastArg, FastCall, FastValue};
use super::Connection;
use crate::ffi::types::{ExecStatusType, Oid};
use crate::messages::lobj as msg;

/// `INV_WRITE` and `INV_READ` of `libpq/libpq-fs.h`.
pub const INV_WRITE: i32 = 0x0002_0000;
pub const INV_READ: i32 = 0x0004_0000;
/// libpq's `LO_BUFSIZE`: the chunk size of lo_import and lo_export.
const LO_BUFSIZE: usize = 8192;
const INVALID_OID: Oid = 0;

/// The query `lo_initialize` runs once per connection.
const LO_FUNCS_QUERY: &[u8] = b"select proname, oid from pg_catalog.pg_proc \
where proname in ('lo_open', 'lo_close', 'lo_creat', 'lo_create', 'lo_unlink', \
'lo_lseek', 'lo_lseek64', 'lo_tell', 'lo_tell64', 'lo_truncate', 'lo_truncate64', \
'loread', 'lowrite') and pronamespace = (select oid from pg_catalog.pg_namespace \
where nspname = 'pg_catalog')";

/// The OIDs of the server's large-object functions (libpq's `PGlobjfuncs`);
/// 0 for one the server does not have.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoFuncs {
    pub lo_open: Oid,
    pub lo_close: Oid,
    pub lo_creat: Oid,
    pub lo_create: Oid,
    pub lo_unlink: Oid,
    pub lo_lseek: Oid,
    pub lo_lseek64: Oid,
    pub lo_tell: Oid,
    pub lo_tell64: Oid,
    pub lo_truncate: Oid,
    pub lo_truncate64: Oid,
    pub lo_read: Oid,
    pub lo_write: Oid,
}

fn int(value: i32) -> FastArg<'static> {
    FastArg::Int { value, len: 4 }
}

/// A file name for messages: as C prints it, `(null)` for NULL.
fn shown_name(filename: Option<&CStr>) -> &[u8] {
    filename.map_or(msg::NULL_STRING, CStr::to_bytes)
}

/// `open(NULL, ...)` fails with EFAULT; so do we, instead of crashing.
fn open_file(
    filename: Option<&CStr>,
    options: &std::fs::OpenOptions,
) -> std::io::Result<std::fs::File> {
    use std::os::unix::ffi::OsStrExt;
    match filename {
        Some(name) => options.open(std::ffi::OsStr::from_bytes(name.to_bytes())),
        None => Err(std::io::Error::from_raw_os_error(libc::EFAULT)),
    }
}

impl Connection {
    /// `lo_initialize`: starts a new operation (clears the error) and returns
    /// the function OIDs, looking them up the first time.
    fn lo_initialize(&mut self) -> Option<LoFuncs> {
        self.clear_error();
        if let Some(f) = self.lobj_funcs {
            return Some(f);
        }
        let res = self.exec(Some(LO_FUNCS_QUERY))?;
        if res.status() != ExecStatusType::PGRES_TUPLES_OK {
            self.append_error(msg::LO_INIT_QUERY_NO_DATA);
            return None;
        }
        let mut f = LoFuncs::default();
        for row in 0..res.ntuples() {
            let name = res.value_bytes(row, 0).unwrap_or(b"");
            // (Oid) atoi(...)
            let oid =
                crate::cnum::strtol(res.value_bytes(row, 1).unwrap_or(b"")).value as i32 as Oid;
            let slot = match name {
                b"lo_open" => &mut f.lo_open,
                b"lo_close" => &mut f.lo_close,
                b"lo_creat" => &mut f.lo_creat,
                b"lo_create" => &mut f.lo_create,
                b"lo_unlink" => &mut f.lo_unlink,
                b"lo_lseek" => &mut f.lo_lseek,
                b"lo_lseek64" => &mut f.lo_lseek64,
                b"lo_tell" => &mut f.lo_tell,
                b"lo_tell64" => &mut f.lo_tell64,
                b"lo_truncate" => &mut f.lo_truncate,
                b"lo_truncate64" => &mut f.lo_truncate64,
                b"loread" => &mut f.lo_read,
                b"lowrite" => &mut f.lo_write,
                _ => continue,
            };
            *slot = oid;
        }
        // The functions every server has; later ones are checked when used.
        let required = [
            (f.lo_open, "lo_open"),
            (f.lo_close, "lo_close"),
            (f.lo_creat, "lo_creat"),
            (f.lo_unlink, "lo_unlink"),
            (f.lo_lseek, "lo_lseek"),
            (f.lo_tell, "lo_tell"),
            (f.lo_read, "loread"),
            (f.lo_write, "lowrite"),
        ];
        if let Some((_, name)) = required.iter().find(|(oid, _)| *oid == 0) {
            self.append_error(&msg::cannot_determine_oid(name));
            return None;
        }
        self.lobj_funcs = Some(f);
        Some(f)
    }

    /// The function's OID, or the "cannot determine" error for one the
    /// server lacks (`None`).
    fn lo_function(&mut self, oid: Oid, name: &str) -> Option<Oid> {
        if oid == 0 {
            self.append_error(&msg::cannot_determine_oid(name));
            return None;
        }
        Some(oid)
    }

    /// A call with an integer result: `Some(value)` when it succeeded.
    fn lo_call_int(&mut self, fnid: Oid, args: &[FastArg<'_>]) -> Option<i32> {
        let call = self.function_call(fnid, args.len() as i32, args, true, None)?;
        match call.value {
            FastValue::Int(v) if call.ok() => Some(v),
            _ => None,
        }
    }

    /// A call whose result is at most `buf_size` bytes.
    fn lo_call_bytes(
        &mut self,
        fnid: Oid,
        args: &[FastArg<'_>],
        buf_size: usize,
    ) -> Option<FastCall> {
        let call = self.function_call(fnid, args.len() as i32, args, false, Some(buf_size))?;
        call.ok().then_some(call)
    }

    /// A 64-bit result (lo_lseek64, lo_tell64): exactly 8 bytes, big-endian.
    fn lo_call_int64(&mut self, fnid: Oid, args: &[FastArg<'_>]) -> i64 {
        match self.lo_call_bytes(fnid, args, 8) {
            Some(FastCall {
                len: 8,
                value: FastValue::Bytes(b),
                ..
            }) => i64::from_be_bytes(b.try_into().unwrap_or([0xff; 8])),
            _ => -1,
        }
    }

    pub fn lo_open(&mut self, oid: Oid, mode: i32) -> i32 {
        let Some(f) = self.lo_initialize() else {
            return -1;
        };
        self.lo_call_int(f.lo_open, &[int(oid as i32), int(mode)])
            .unwrap_or(-1)
    }

    pub fn lo_close(&mut self, fd: i32) -> i32 {
        let Some(f) = self.lo_initialize() else {
            return -1;
        };
        self.lo_call_int(f.lo_close, &[int(fd)]).unwrap_or(-1)
    }

    /// lo_read: up to `len` bytes (the caller's buffer size) at the
    /// descriptor's position; the count (or -1) and the bytes.
    pub fn lo_read(&mut self, fd: i32, len: usize) -> (i32, Vec<u8>) {
        let Some(f) = self.lo_initialize() else {
            return (-1, Vec::new());
        };
        if len > i32::MAX as usize {
            self.append_error(&msg::argument_exceeds_integer_range("lo_read"));
            return (-1, Vec::new());
        }
        match self.lo_call_bytes(f.lo_read, &[int(fd), int(len as i32)], len) {
            Some(FastCall {
                len,
                value: FastValue::Bytes(b),
                ..
            }) => (len, b),
            Some(call) => (call.len, Vec::new()),
            None => (-1, Vec::new()),
        }
    }

    /// lo_write: `data` is `None` when the caller's pointer is NULL; `len`
    /// is what the caller asked for (checked before the data is looked at).
    pub fn lo_write(&mut self, fd: i32, data: Option<&[u8]>, len: usize) -> i32 {
        let Some(f) = self.lo_initialize() else {
            return -1;
        };
        if len > i32::MAX as usize {
            self.append_error(&msg::argument_exceeds_integer_range("lo_write"));
            return -1;
        }
        let arg = match data {
            Some(d) => FastArg::Bytes(d),
            None if len == 0 => FastArg::Bytes(&[]),
            None => FastArg::Unreadable { len: len as i32 },
        };
        self.lo_call_int(f.lo_write, &[int(fd), arg]).unwrap_or(-1)
    }

    pub fn lo_lseek(&mut self, fd: i32, offset: i32, whence: i32) -> i32 {
        let Some(f) = self.lo_initialize() else {
            return -1;
        };
        self.lo_call_int(f.lo_lseek, &[int(fd), int(offset), int(whence)])
            .unwrap_or(-1)
    }

    pub fn lo_lseek64(&mut self, fd: i32, offset: i64, whence: i32) -> i64 {
        let Some(f) = self.lo_initialize() else {
            return -1;
        };
        let Some(fnid) = self.lo_function(f.lo_lseek64, "lo_lseek64") else {
            return -1;
        };
        let off = offset.to_be_bytes();
        self.lo_call_int64(fnid, &[int(fd), FastArg::Bytes(&off), int(whence)])
    }

    pub fn lo_creat(&mut self, mode: i32) -> Oid {
        let Some(f) = self.lo_initialize() else {
            return INVALID_OID;
        };
        self.lo_call_int(f.lo_creat, &[int(mode)])
            .map_or(INVALID_OID, |v| v as Oid)
    }

    pub fn lo_create(&mut self, oid: Oid) -> Oid {
        let Some(f) = self.lo_initialize() else {
            return INVALID_OID;
        };
        let Some(fnid) = self.lo_function(f.lo_create, "lo_create") else {
            return INVALID_OID;
        };
        self.lo_call_int(fnid, &[int(oid as i32)])
            .map_or(INVALID_OID, |v| v as Oid)
    }

    pub fn lo_tell(&mut self, fd: i32) -> i32 {
        let Some(f) = self.lo_initialize() else {
            return -1;
        };
        self.lo_call_int(f.lo_tell, &[int(fd)]).unwrap_or(-1)
    }

    pub fn lo_tell64(&mut self, fd: i32) -> i64 {
        let Some(f) = self.lo_initialize() else {
            return -1;
        };
        let Some(fnid) = self.lo_function(f.lo_tell64, "lo_tell64") else {
            return -1;
        };
        self.lo_call_int64(fnid, &[int(fd)])
    }

    pub fn lo_truncate(&mut self, fd: i32, len: usize) -> i32 {
        let Some(f) = self.lo_initialize() else {
            return -1;
        };
        let Some(fnid) = self.lo_function(f.lo_truncate, "lo_truncate") else {
            return -1;
        };
        if len > i32::MAX as usize {
            self.append_error(&msg::argument_exceeds_integer_range("lo_truncate"));
            return -1;
        }
        self.lo_call_int(fnid, &[int(fd), int(len as i32)])
            .unwrap_or(-1)
    }

    pub fn lo_truncate64(&mut self, fd: i32, len: i64) -> i32 {
        let Some(f) = self.lo_initialize() else {
            return -1;
        };
        let Some(fnid) = self.lo_function(f.lo_truncate64, "lo_truncate64") else {
            return -1;
        };
        let l = len.to_be_bytes();
        self.lo_call_int(fnid, &[int(fd), FastArg::Bytes(&l)])
            .unwrap_or(-1)
    }

    pub fn lo_unlink(&mut self, oid: Oid) -> i32 {
        let Some(f) = self.lo_initialize() else {
            return -1;
        };
        self.lo_call_int(f.lo_unlink, &[int(oid as i32)])
            .unwrap_or(-1)
    }

    fn file_error(&mut self, text: Vec<u8>) {
        self.error.append(&text);
    }

    /// `lo_import_internal`: the file's contents into a new large object
    /// (`oid` 0: the server picks the OID). `None` file name: as C's
    /// `open(NULL)`, "Bad address".
    pub fn lo_import(&mut self, filename: Option<&CStr>, oid: Oid) -> Oid {
        self.clear_error();
        let name = shown_name(filename);
        let mut file = match open_file(filename, std::fs::OpenOptions::new().read(true)) {
            Ok(f) => f,
            Err(e) => {
                self.file_error(msg::could_not_open_file(name, &crate::net::strerror(&e)));
                return INVALID_OID;
            }
        };
        let lobj_oid = if oid == INVALID_OID {
            self.lo_creat(INV_READ | INV_WRITE)
        } else {
            self.lo_create(oid)
        };
        if lobj_oid == INVALID_OID {
            return INVALID_OID;
        }
        let lobj = self.lo_open(lobj_oid, INV_WRITE);
        if lobj == -1 {
            return INVALID_OID;
        }
        let mut buf = vec![0u8; LO_BUFSIZE];
        loop {
            let n = match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let _ = self.lo_close(lobj);
                    drop(file);
                    // Deliberately replaces any error of lo_close.
                    self.clear_error();
                    self.file_error(msg::could_not_read_from_file(
                        name,
                        &crate::net::strerror(&e),
                    ));
                    return INVALID_OID;
                }
            };
            // After a failed lo_write the transaction is aborted: no lo_close,
            // which would only replace the useful error.
            if self.lo_write(lobj, Some(&buf[..n]), n) != n as i32 {
                return INVALID_OID;
            }
        }
        drop(file);
        if self.lo_close(lobj) != 0 {
            return INVALID_OID;
        }
        lobj_oid
    }

    /// `lo_export`: the large object into a file (created or truncated,
    /// mode 0666 less the umask). 1, or -1 on failure.
    pub fn lo_export(&mut self, oid: Oid, filename: Option<&CStr>) -> i32 {
        let lobj = self.lo_open(oid, INV_READ);
        if lobj == -1 {
            return -1;
        }
        let name = shown_name(filename);
        let options = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .clone();
        let mut file = match open_file(filename, &options) {
            Ok(f) => f,
            Err(e) => {
                let _ = self.lo_close(lobj);
                // Deliberately replaces any error of lo_close.
                self.clear_error();
                self.file_error(msg::could_not_open_file(name, &crate::net::strerror(&e)));
                return -1;
            }
        };
        let mut result = 1;
        let nbytes = loop {
            let (n, bytes) = self.lo_read(lobj, LO_BUFSIZE);
            if n <= 0 {
                break n;
            }
            // One write per chunk, as libpq; a short write reports errno as it is.
            let written = file.write(&bytes);
            if !matches!(written, Ok(w) if w == bytes.len()) {
                let e = written.err().unwrap_or_else(std::io::Error::last_os_error);
                let _ = self.lo_close(lobj);
                drop(file);
                self.clear_error();
                self.file_error(msg::could_not_write_to_file(
                    name,
                    &crate::net::strerror(&e),
                ));
                return -1;
            }
        };
        // After a failed lo_read the transaction is aborted: no lo_close.
        if nbytes < 0 || self.lo_close(lobj) != 0 {
            result = -1;
        }
        let fd = file.into_raw_fd();
        // SAFETY: fd came from into_raw_fd just above and is closed once here.
        if unsafe { libc::close(fd) } != 0 && result >= 0 {
            let e = std::io::Error::last_os_error();
            self.file_error(msg::could_not_write_to_file(
                name,
                &crate::net::strerror(&e),
            ));
            result = -1;
        }
        result
    }
}
