//! The fast-path function call (FunctionCall 'F' / FunctionCallResponse 'V'):
//! libpq's PQfn and pqFunctionCall3, used by the large-object functions.

use bytes::BufMut;

use super::buffer::ReadOutcome;
use super::{AsyncStatus, Connection};
use crate::ffi::types::{ConnStatusType, ExecStatusType};
use crate::result::PgResult;

/// One argument of a function call.
#[derive(Debug, Clone, Copy)]
pub enum FastArg<'a> {
    /// An integer sent in `len` (2 or 4) bytes, big-endian.
    Int { value: i32, len: i32 },
    /// Raw bytes (binary format).
    Bytes(&'a [u8]),
    /// SQL NULL (length -1).
    Null,
}

/// What a function call answered.
pub struct FastCall {
    /// PGRES_COMMAND_OK, or the error result.
    pub result: PgResult,
    /// The length the server sent (-1 for NULL); 0 when no value came.
    pub len: i32,
    /// The value's bytes (empty for NULL).
    pub value: Vec<u8>,
}

impl FastCall {
    /// The value as libpq's pqGetInt reads it for `result_is_int` (2 or 4 bytes).
    pub fn int_value(&self) -> i32 {
        match self.value.as_slice() {
            [a, b] => i16::from_be_bytes([*a, *b]) as i32,
            [a, b, c, d] => i32::from_be_bytes([*a, *b, *c, *d]),
            _ => 0,
        }
    }
}

/// Appends the FunctionCall message: all arguments and the result in binary.
fn function_call_message(out: &mut bytes::BytesMut, fnid: u32, args: &[FastArg<'_>]) {
    out.put_u8(b'F');
    let at = out.len();
    out.put_i32(0);
    out.put_u32(fnid);
    out.put_i16(1); // one format code for all arguments:
    out.put_i16(1); // binary
    out.put_i16(args.len() as i16);
    for arg in args {
        match *arg {
            FastArg::Null => out.put_i32(-1),
            FastArg::Int { value, len } => {
                out.put_i32(len);
                match len {
                    2 => out.put_i16(value as i16),
                    1 => out.put_i8(value as i8),
                    _ => out.put_i32(value),
                }
            }
            FastArg::Bytes(b) => {
                out.put_i32(b.len() as i32);
                out.put_slice(b);
            }
        }
    }
    out.put_i16(1); // result format: binary
    let len = (out.len() - at) as i32;
    out[at..at + 4].copy_from_slice(&len.to_be_bytes());
}

impl Connection {
    /// PQfn's checks and pqFunctionCall3: sends the call and waits for the
    /// server to be ready again. `max_len` is the caller's buffer size for a
    /// non-integer result (a longer answer abandons the connection, as
    /// libpq's PQnfn does). `None` when the call could not start (the
    /// connection's error says why), as PQfn returns NULL.
    pub fn function_call(
        &mut self,
        fnid: u32,
        args: &[FastArg<'_>],
        result_is_int: bool,
        max_len: Option<usize>,
    ) -> Option<FastCall> {
        self.clear_error();
        if self.sock.is_none() || self.async_status != AsyncStatus::Idle || self.result.is_some() {
            self.append_error("connection in wrong state\n");
            return None;
        }
        self.fastpath_response = None;
        function_call_message(&mut self.output, fnid, args);
        if self.flush_blocking().is_err() {
            return None;
        }
        self.async_status = AsyncStatus::Busy;
        let mut answer: Option<Vec<u8>> = None;
        loop {
            self.parse_input();
            if let Some(body) = self.fastpath_response.take() {
                if let Some(too_long) = self.check_response(&body, result_is_int, max_len) {
                    return Some(too_long);
                }
                answer = Some(body);
            }
            match self.async_status {
                AsyncStatus::Idle => break,
                AsyncStatus::Ready => {
                    // An error result is kept; go on until ReadyForQuery.
                    self.async_status = AsyncStatus::Busy;
                    if self.status == ConnStatusType::CONNECTION_BAD && self.sock.is_none() {
                        self.async_status = AsyncStatus::Idle;
                        return Some(self.finish_call(None));
                    }
                }
                AsyncStatus::Busy => {
                    let failed = self.wait_socket(true, false, None).is_err()
                        || matches!(self.read_data(0), ReadOutcome::Failed);
                    if failed {
                        self.save_error_result();
                        self.async_status = AsyncStatus::Idle;
                        return Some(self.finish_call(None));
                    }
                }
                _ => {
                    // COPY responses do not belong to a function call.
                    self.append_error("protocol error: no function result\n");
                    self.save_error_result();
                    self.async_status = AsyncStatus::Idle;
                    return Some(self.finish_call(None));
                }
            }
        }
        let res = if self.result.is_some() || self.error_result {
            None
        } else if answer.is_some() {
            Some(self.new_result(ExecStatusType::PGRES_COMMAND_OK))
        } else {
            self.append_error("protocol error: no function result\n");
            self.save_error_result();
            None
        };
        let mut call = self.finish_call(res);
        if call.result.status() == ExecStatusType::PGRES_COMMAND_OK {
            if let Some(body) = answer {
                let len = i32::from_be_bytes([body[0], body[1], body[2], body[3]]);
                call.len = len;
                if len > 0 {
                    call.value = body[4..].to_vec();
                }
            }
        }
        Some(call)
    }

    /// A FunctionCallResponse longer than the caller's buffer: libpq gives up
    /// on the connection ("server returned too much data").
    fn check_response(
        &mut self,
        body: &[u8],
        result_is_int: bool,
        max_len: Option<usize>,
    ) -> Option<FastCall> {
        let len = i32::from_be_bytes([body[0], body[1], body[2], body[3]]);
        let max = max_len?;
        if result_is_int || len < 0 || (len as usize) <= max {
            return None;
        }
        self.append_error("server returned too much data\n");
        self.drop_connection();
        self.status = ConnStatusType::CONNECTION_BAD;
        self.save_error_result();
        self.async_status = AsyncStatus::Idle;
        Some(self.finish_call(None))
    }

    fn finish_call(&mut self, res: Option<PgResult>) -> FastCall {
        let result = match res {
            Some(r) => r,
            None => self.take_result(),
        };
        FastCall {
            result,
            len: 0,
            value: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_layout() {
        let mut out = bytes::BytesMut::new();
        function_call_message(
            &mut out,
            952,
            &[
                FastArg::Int { value: 7, len: 4 },
                FastArg::Bytes(b"ab"),
                FastArg::Null,
            ],
        );
        let expected: &[u8] = &[
            b'F', 0, 0, 0, 34, 0, 0, 3, 184, 0, 1, 0, 1, 0, 3, 0, 0, 0, 4, 0, 0, 0, 7, 0, 0, 0, 2,
            b'a', b'b', 0xff, 0xff, 0xff, 0xff, 0, 1,
        ];
        assert_eq!(&out[..], expected);
    }
}
