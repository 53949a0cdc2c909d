//! The fast-path function call (FunctionCall 'F' / FunctionCallResponse 'V';
//! libpq's PQfn, PQnfn and pqFunctionCall3) and the large-object functions
//! built on it (fe-lobj.c).
//!
//! A value longer than the caller's buffer (lo_read, lo_lseek64, lo_tell64:
//! libpq's PQnfn with a buffer size) is never copied: as libpq 18 does, the
//! connection is abandoned with "server returned too much data".

use std::ffi::CStr;
use std::io::{Read, Write};
use std::os::fd::IntoRawFd;

use bytes::{BufMut, BytesMut};

use super::buffer::ReadOutcome;
use super::{AsyncStatus, Connection};
use crate::ffi::types::{ConnStatusType, ExecStatusType, Oid};
use crate::messages::conn as conn_msg;
use crate::messages::lobj as msg;
use crate::protocol::backend::{self, Frame, Reader};
use crate::result::PgResult;

/// One argument of a function call (libpq's `PQArgBlock`).
#[derive(Debug, Clone, Copy)]
pub enum FastArg<'a> {
    /// An integer sent in `len` bytes (libpq accepts 2 and 4), big-endian.
    Int { value: i32, len: i32 },
    /// Raw bytes (binary format).
    Bytes(&'a [u8]),
    /// SQL NULL (length -1).
    Null,
    /// Bytes that cannot be sent: a negative length other than -1, or a NULL
    /// pointer with a positive length (libpq crashes on both).
    Unreadable { len: i32 },
}

/// What came back for the function's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FastValue {
    /// No value to store: none came, it was NULL, or an integer result had
    /// a size libpq cannot read.
    None,
    /// An integer result (2 bytes are read unsigned, as libpq's pqGetInt does).
    Int(i32),
    /// The bytes of a non-integer result.
    Bytes(Vec<u8>),
}

/// What a function call answered.
pub struct FastCall {
    /// PGRES_COMMAND_OK, or the error result.
    pub result: PgResult,
    /// What libpq stores in `*result_len`: the length the server sent (-1 for
    /// NULL), 0 when no FunctionCallResponse came.
    pub len: i32,
    pub value: FastValue,
}

impl FastCall {
    fn ok(&self) -> bool {
        self.result.status() == ExecStatusType::PGRES_COMMAND_OK
    }
}

/// An argument libpq cannot put in a FunctionCall message.
#[derive(Debug, PartialEq, Eq)]
enum BadArg {
    /// An integer of another size than 2 or 4 bytes (libpq warns).
    IntSize(i32),
    /// See [`FastArg::Unreadable`].
    Unreadable,
}

/// The FunctionCall message: all arguments and the result in binary;
/// `nargs` is sent as given, as libpq's `pqPutInt(nargs, 2)`.
fn function_call_message(fnid: u32, nargs: i32, args: &[FastArg<'_>]) -> Result<BytesMut, BadArg> {
    let mut out = BytesMut::new();
    out.put_u8(b'F');
    out.put_i32(0);
    out.put_u32(fnid);
    out.put_i16(1); // one format code for all arguments:
    out.put_i16(1); // binary
    out.put_i16(nargs as i16);
    for arg in args {
        match *arg {
            FastArg::Null => out.put_i32(-1),
            FastArg::Int { value, len: 2 } => {
                out.put_i32(2);
                out.put_i16(value as i16);
            }
            FastArg::Int { value, len: 4 } => {
                out.put_i32(4);
                out.put_i32(value);
            }
            FastArg::Int { len, .. } => return Err(BadArg::IntSize(len)),
            FastArg::Bytes(b) => {
                out.put_i32(b.len() as i32);
                out.put_slice(b);
            }
            FastArg::Unreadable { .. } => return Err(BadArg::Unreadable),
        }
    }
    out.put_i16(1); // result format: binary
    let len = (out.len() - 1) as u32;
    out[1..5].copy_from_slice(&len.to_be_bytes());
    Ok(out)
}

/// The value of a FunctionCallResponse body: `Some(None)` for NULL, `None`
/// when the body is shorter than its length word says (or that length is
/// negative but not -1).
fn response_value(body: &[u8]) -> Option<Option<&[u8]>> {
    let mut r = Reader::new(body);
    match r.i32()? {
        -1 => Some(None),
        len => Some(Some(r.bytes(usize::try_from(len).ok()?)?)),
    }
}

/// The value was longer than the caller's buffer: the connection was given up.
struct TooMuchData;

impl Connection {
    /// PQnfn: checks the state, sends the call and reads the answer up to
    /// ReadyForQuery. `buf_size` is the caller's buffer size for a
    /// non-integer result (`None`: unchecked, as PQfn's -1). `None` when the
    /// call could not start (the connection's error says why), as PQfn
    /// returns NULL.
    pub fn function_call(
        &mut self,
        fnid: u32,
        nargs: i32,
        args: &[FastArg<'_>],
        result_is_int: bool,
        buf_size: Option<usize>,
    ) -> Option<FastCall> {
        self.clear_error();
        if self.sock.is_none()
            || self.async_status != AsyncStatus::Idle
            || self.result.is_some()
            || self.error_result
        {
            self.append_error(msg::CONNECTION_IN_WRONG_STATE);
            return None;
        }
        match function_call_message(fnid, nargs, args) {
            Ok(message) => self.output.extend_from_slice(&message),
            Err(BadArg::IntSize(len)) => {
                let text = msg::put_int_size_not_supported(len);
                self.hooks.internal_notice(&text, self.client_encoding);
                return None;
            }
            Err(BadArg::Unreadable) => {
                self.append_error(msg::CANNOT_ALLOCATE_OUTPUT_BUFFER);
                return None;
            }
        }
        if self.flush_blocking().is_err() {
            return None;
        }
        self.fastpath_response = None;
        Some(self.function_call_response(result_is_int, buf_size))
    }

    /// pqFunctionCall3's loop: V (the value), E, N, A and S until Z. As in
    /// libpq the connection stays idle meanwhile. ParameterStatus and
    /// notifications go through the query parser, which also takes the
    /// messages queued right behind them.
    fn function_call_response(&mut self, result_is_int: bool, buf_size: Option<usize>) -> FastCall {
        let mut len = 0;
        let mut value = FastValue::None;
        let mut got_value = false;
        loop {
            match backend::frame(self.input.unread()) {
                Frame::Incomplete(need) => {
                    let failed = self.wait_socket(true, false, None).is_err()
                        || matches!(self.read_data(need), ReadOutcome::Failed);
                    if failed {
                        self.save_error_result();
                        return self.finish_call(len, value);
                    }
                }
                Frame::Invalid { .. } => {
                    // The query parser reports the lost sync and gives up the connection.
                    self.parse_input();
                    self.save_error_result();
                    return self.finish_call(len, value);
                }
                Frame::Message { tag, len: body_len } => {
                    let body = self.input.unread()[5..5 + body_len].to_vec();
                    let consumed = match tag {
                        b'V' => match self.take_response(&body, result_is_int, buf_size) {
                            Ok(Some((l, v))) => {
                                (len, value, got_value) = (l, v, true);
                                true
                            }
                            Ok(None) => false,
                            Err(TooMuchData) => return self.finish_call(len, FastValue::None),
                        },
                        b'E' => {
                            got_value = false;
                            self.handle_error_notice(&body, true).is_ok()
                        }
                        b'N' => self.handle_error_notice(&body, false).is_ok(),
                        b'Z' => {
                            self.async_status = AsyncStatus::Busy;
                            self.parse_input();
                            return self.function_call_done(got_value, len, value);
                        }
                        b'A' | b'S' => {
                            self.async_status = AsyncStatus::Busy;
                            self.parse_input();
                            let state = self.async_status;
                            self.async_status = AsyncStatus::Idle;
                            if let Some(body) = self.fastpath_response.take() {
                                match self.take_response(&body, result_is_int, buf_size) {
                                    Ok(Some((l, v))) => (len, value, got_value) = (l, v, true),
                                    Ok(None) => {
                                        self.append_error(&conn_msg::length_mismatch(b'V'));
                                        self.save_error_result();
                                    }
                                    Err(TooMuchData) => {
                                        return self.finish_call(len, FastValue::None)
                                    }
                                }
                            }
                            match state {
                                AsyncStatus::Idle => {
                                    return self.function_call_done(got_value, len, value)
                                }
                                AsyncStatus::Ready => got_value = false, // an error came
                                _ => {}
                            }
                            if self.status == ConnStatusType::CONNECTION_BAD && self.sock.is_none()
                            {
                                self.save_error_result();
                                return self.finish_call(len, value);
                            }
                            continue;
                        }
                        other => {
                            // Not part of a function call: libpq gives up on the call.
                            self.append_error(&msg::protocol_error_id(other));
                            self.save_error_result();
                            self.input.consume(5 + body_len);
                            return self.finish_call(len, value);
                        }
                    };
                    if !consumed {
                        self.append_error(&conn_msg::length_mismatch(tag));
                        self.save_error_result();
                    }
                    self.input.consume(5 + body_len);
                }
            }
        }
    }

    /// The length and value of a FunctionCallResponse: `Ok(None)` when the
    /// message is malformed, `Err` when the value is longer than the
    /// caller's buffer (the connection is then abandoned, as libpq's
    /// handleFatalError does).
    fn take_response(
        &mut self,
        body: &[u8],
        result_is_int: bool,
        buf_size: Option<usize>,
    ) -> Result<Option<(i32, FastValue)>, TooMuchData> {
        let Some(len) = Reader::new(body).i32() else {
            return Ok(None);
        };
        if len != -1 && !result_is_int && buf_size.is_some_and(|max| i64::from(len) > max as i64) {
            self.append_error(msg::SERVER_RETURNED_TOO_MUCH_DATA);
            self.save_error_result();
            self.async_status = AsyncStatus::Ready;
            self.drop_connection();
            self.status = ConnStatusType::CONNECTION_BAD;
            return Err(TooMuchData);
        }
        let Some(bytes) = response_value(body) else {
            return Ok(None);
        };
        let value = match bytes {
            None => FastValue::None,
            Some(bytes) if !result_is_int => FastValue::Bytes(bytes.to_vec()),
            Some(&[a, b]) => FastValue::Int(i32::from(u16::from_be_bytes([a, b]))),
            Some(&[a, b, c, d]) => FastValue::Int(i32::from_be_bytes([a, b, c, d])),
            Some(_) => {
                // libpq warns, then waits for data that never comes.
                let text = msg::get_int_size_not_supported(len);
                self.hooks.internal_notice(&text, self.client_encoding);
                FastValue::None
            }
        };
        Ok(Some((len, value)))
    }

    /// ReadyForQuery came: the error that arrived, else COMMAND_OK when a
    /// value came, else a protocol error.
    fn function_call_done(&mut self, got_value: bool, len: i32, value: FastValue) -> FastCall {
        self.async_status = AsyncStatus::Idle;
        if self.result.is_none() && !self.error_result {
            if got_value {
                self.result = Some(self.new_result(ExecStatusType::PGRES_COMMAND_OK));
            } else {
                self.append_error(msg::NO_FUNCTION_RESULT);
                self.save_error_result();
            }
        }
        self.finish_call(len, value)
    }

    fn finish_call(&mut self, len: i32, value: FastValue) -> FastCall {
        let result = self.take_result();
        FastCall { result, len, value }
    }
}

// ---- large objects (fe-lobj.c) ----

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_layout() {
        let out = function_call_message(
            952,
            3,
            &[
                FastArg::Int { value: 7, len: 4 },
                FastArg::Bytes(b"ab"),
                FastArg::Null,
            ],
        )
        .unwrap();
        let expected: &[u8] = &[
            b'F', 0, 0, 0, 34, 0, 0, 3, 184, 0, 1, 0, 1, 0, 3, 0, 0, 0, 4, 0, 0, 0, 7, 0, 0, 0, 2,
            b'a', b'b', 0xff, 0xff, 0xff, 0xff, 0, 1,
        ];
        assert_eq!(&out[..], expected);
        // A 2-byte integer, and the argument count sent as given.
        let out = function_call_message(1, -1, &[FastArg::Int { value: -2, len: 2 }]).unwrap();
        assert_eq!(&out[9..19], &[0, 1, 0, 1, 0xff, 0xff, 0, 0, 0, 2]);
        assert_eq!(&out[19..21], &[0xff, 0xfe]);
    }

    #[test]
    fn unsendable_arguments() {
        for len in [0, 1, 3, 8, -2] {
            assert_eq!(
                function_call_message(1, 1, &[FastArg::Int { value: 1, len }]).unwrap_err(),
                BadArg::IntSize(len)
            );
        }
        assert_eq!(
            function_call_message(1, 1, &[FastArg::Unreadable { len: -5 }]).unwrap_err(),
            BadArg::Unreadable
        );
    }

    #[test]
    fn response_parsing() {
        // Bytes after the value are ignored, as libpq does.
        assert_eq!(
            response_value(&[0, 0, 0, 2, 7, 8, 9]),
            Some(Some(&[7u8, 8][..]))
        );
        assert_eq!(response_value(&[0xff, 0xff, 0xff, 0xff]), Some(None));
        // Shorter than it says, or a negative length other than -1.
        assert_eq!(response_value(&[0, 0, 0, 3, 1]), None);
        assert_eq!(response_value(&[0xff, 0xff, 0xff, 0xfe]), None);
        assert_eq!(response_value(&[0, 0]), None);
    }

    #[test]
    fn protocol_error_text_uses_a_signed_char() {
        assert_eq!(msg::protocol_error_id(b'q'), "protocol error: id=0x71\n");
        assert_eq!(
            msg::protocol_error_id(0xfe),
            "protocol error: id=0xfffffffe\n"
        );
        assert_eq!(
            msg::put_int_size_not_supported(-2),
            "integer of size 18446744073709551614 not supported by pqPutInt"
        );
    }
}
