//! The fast-path function call (FunctionCall 'F' / FunctionCallResponse 'V';
//! libpq's PQfn, PQnfn and pqFunctionCall3). The large-object functions built
//! on it are in `lobj`.
//!
//! A value longer than the caller's buffer (lo_read, lo_lseek64, lo_tell64:
//! libpq's PQnfn with a buffer size) is never copied: as libpq 18 does, the
//! connection is abandoned with "server returned too much data".

use bytes::{BufMut, BytesMut};

use super::buffer::ReadOutcome;
use super::{AsyncStatus, Connection};
use crate::ffi::types::{ConnStatusType, ExecStatusType};
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
    pub(crate) fn ok(&self) -> bool {
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
        self.begin_operation();
        if self.pipeline != crate::ffi::types::PGpipelineStatus::PQ_PIPELINE_OFF {
            self.append_error(&crate::messages::conn::not_in_pipeline_mode("PQfn"));
            return None;
        }
        if self.sock.is_none()
            || self.async_status != AsyncStatus::Idle
            || self.has_pending_result()
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
                            self.input.skip(5 + body_len);
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
        let result = *self.take_result();
        FastCall { result, len, value }
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
