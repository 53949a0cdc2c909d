//! COPY: PQputCopyData, PQputCopyEnd, PQgetCopyData, and the legacy
//! PQgetline, PQgetlineAsync and PQendcopy (PQputline and PQputnbytes are
//! PQputCopyData in `ffi`).

use super::buffer::ReadOutcome;
use super::{AsyncStatus, Connection, QueryClass};
use crate::ffi::types::ExecStatusType;
use crate::messages::conn as msg;
use crate::protocol::backend::{self, Frame};
use crate::protocol::frontend;

/// What the input buffer holds next during COPY OUT (libpq's getCopyDataMessage).
enum CopyMessage {
    /// A CopyData message whose body (`len` bytes) starts 5 bytes into the
    /// unread input; not consumed yet.
    Data { len: usize },
    /// Not all of the next message is here.
    Incomplete(usize),
    /// The COPY is over (CopyDone, or another message that ends it) or the
    /// connection failed: -1, or -2 on failure.
    End(i32),
}

/// Output is pushed once it holds this much COPY data (libpq: 8 KiB; 64 KiB
/// sends take fewer system calls per MB, as pipeline mode's do).
const COPY_FLUSH_AT: usize = 65536;

impl Connection {
    fn in_copy_in(&self) -> bool {
        matches!(
            self.async_status,
            AsyncStatus::CopyIn | AsyncStatus::CopyBoth
        )
    }

    fn in_copy_out(&self) -> bool {
        matches!(
            self.async_status,
            AsyncStatus::CopyOut | AsyncStatus::CopyBoth
        )
    }

    /// Was the COPY started by a simple query (else a Sync must follow its end)?
    fn copy_by_simple_query(&self) -> bool {
        self.cmd_queue
            .front()
            .is_none_or(|c| c.class == QueryClass::Simple)
    }

    /// PQputCopyData: queues one chunk of COPY FROM STDIN data. 1 queued, 0
    /// the output buffer can't grow (non-blocking mode), -1 error.
    pub fn put_copy_data(&mut self, data: &[u8]) -> i32 {
        if !self.in_copy_in() {
            self.append_error(msg::NO_COPY_IN_PROGRESS);
            return -1;
        }
        // Notices and notifications that arrived meanwhile are handled now.
        self.parse_input();
        if data.is_empty() {
            return 1;
        }
        // Rather than let the buffer grow, push what is there first. In
        // non-blocking mode what the socket doesn't take stays queued and the
        // buffer grows, as libpq's does: 0 only when it can't (libpq's
        // buffer is sized by an int).
        if self.output.len() + data.len() + 5 > COPY_FLUSH_AT {
            if self.flush().is_err() {
                return -1;
            }
            if self.output.len() + 5 + data.len() > i32::MAX as usize {
                self.append_error(msg::OUTPUT_BUFFER_ALLOC);
                return if self.nonblocking { 0 } else { -1 };
            }
        }
        frontend::copy_data(&mut self.output, data);
        if self.output.len() >= COPY_FLUSH_AT && self.flush().is_err() {
            return -1;
        }
        1
    }

    /// PQputCopyEnd: ends COPY FROM STDIN, or fails it with `error`; a Sync
    /// follows when the COPY came from the extended protocol.
    pub fn put_copy_end(&mut self, error: Option<&str>) -> i32 {
        if !self.in_copy_in() {
            self.append_error(msg::NO_COPY_IN_PROGRESS);
            return -1;
        }
        match error {
            Some(text) => frontend::copy_fail(&mut self.output, text.as_bytes()),
            None => frontend::copy_done(&mut self.output),
        }
        if !self.copy_by_simple_query() {
            frontend::sync(&mut self.output);
        }
        self.async_status = if self.async_status == AsyncStatus::CopyBoth {
            AsyncStatus::CopyOut
        } else {
            AsyncStatus::Busy
        };
        if self.flush().is_err() {
            return -1;
        }
        1
    }

    /// Finds the next CopyData, handling notices, notifications and
    /// parameter changes on the way (libpq's getCopyDataMessage).
    fn copy_data_message(&mut self) -> CopyMessage {
        loop {
            match backend::frame(self.input.unread()) {
                Frame::Message { tag, len } => match tag {
                    b'd' => return CopyMessage::Data { len },
                    b'A' | b'N' | b'S' => {
                        if !self.process_message(tag, len) {
                            return CopyMessage::End(-2);
                        }
                        self.input.consume(5 + len);
                    }
                    b'c' => {
                        self.input.consume(5 + len);
                        self.async_status = if self.async_status == AsyncStatus::CopyBoth {
                            AsyncStatus::CopyIn
                        } else {
                            AsyncStatus::Busy
                        };
                        return CopyMessage::End(-1);
                    }
                    _ => {
                        // Anything else (an error) ends the COPY; PQgetResult reads it.
                        self.async_status = AsyncStatus::Busy;
                        return CopyMessage::End(-1);
                    }
                },
                Frame::Invalid { tag } => {
                    let unread = self.input.unread();
                    let word = i32::from_be_bytes([unread[1], unread[2], unread[3], unread[4]]);
                    self.handle_sync_loss(tag, word);
                    return CopyMessage::End(-2);
                }
                Frame::Incomplete(need) => return CopyMessage::Incomplete(need),
            }
        }
    }

    /// PQgetCopyData: the next row of COPY TO STDOUT, handed to `take`
    /// straight from the input buffer (one copy, into the caller's block).
    /// Ok(Some(take's answer)) a row, Ok(None) nothing yet (async), Err(-1)
    /// the COPY ended, Err(-2) error.
    pub fn get_copy_data<T>(
        &mut self,
        wait: bool,
        take: impl FnOnce(&[u8]) -> T,
    ) -> Result<Option<T>, i32> {
        let mut take = Some(take);
        if !self.in_copy_out() {
            self.append_error(msg::NO_COPY_IN_PROGRESS);
            return Err(-2);
        }
        loop {
            match self.copy_data_message() {
                CopyMessage::Data { len } => {
                    // An empty CopyData is skipped, as libpq does.
                    let row = (len > 0)
                        .then(|| take.take().map(|f| f(&self.input.unread()[5..5 + len])))
                        .flatten();
                    self.input.consume(5 + len);
                    if row.is_some() {
                        return Ok(row);
                    }
                }
                CopyMessage::End(code) => return Err(code),
                CopyMessage::Incomplete(need) => {
                    if !wait {
                        // As libpq: the caller reads with PQconsumeInput.
                        return Ok(None);
                    }
                    if self.wait_socket(true, false, None).is_err()
                        || matches!(self.read_data(need), ReadOutcome::Failed)
                    {
                        return Err(-2);
                    }
                }
            }
        }
    }

    /// PQgetlineAsync: as much of the next row as fits `buf` (the rest on
    /// the next call); 0 nothing yet, -1 the COPY is over.
    pub fn getline_async(&mut self, buf: &mut [u8]) -> i32 {
        if !self.in_copy_out() {
            return -1;
        }
        let len = match self.copy_data_message() {
            CopyMessage::Data { len } => len,
            CopyMessage::Incomplete(_) => return 0,
            CopyMessage::End(_) => return -1,
        };
        let start = 5 + self.copy_already_done;
        let avail = len - self.copy_already_done;
        if avail <= buf.len() {
            buf[..avail].copy_from_slice(&self.input.unread()[start..start + avail]);
            self.input.consume(5 + len);
            self.copy_already_done = 0;
            avail as i32
        } else {
            let n = buf.len();
            buf.copy_from_slice(&self.input.unread()[start..start + n]);
            self.copy_already_done += n;
            n as i32
        }
    }

    /// PQgetline: one line of a text COPY OUT into `buf` (NUL-terminated,
    /// without its newline): 0 a whole line, 1 a part of a longer one, -1
    /// (EOF) on error. The end of the COPY reads as the line `\.`.
    pub fn getline(&mut self, buf: &mut [u8]) -> i32 {
        // Room for at least one byte and the NUL (libpq would wait forever).
        let Some(last) = buf.len().checked_sub(1).filter(|&l| l > 0) else {
            if let Some(b) = buf.first_mut() {
                *b = 0;
            }
            return -1;
        };
        if self.sock.is_none() || !self.in_copy_out() || self.copy_binary {
            self.append_error(msg::GETLINE_NOT_TEXT_COPY_OUT);
            buf[0] = 0;
            return -1;
        }
        let status = loop {
            let n = self.getline_async(&mut buf[..last]);
            if n != 0 {
                break n;
            }
            if self.wait_socket(true, false, None).is_err()
                || matches!(self.read_data(0), ReadOutcome::Failed)
            {
                buf[0] = 0;
                return -1;
            }
        };
        if status < 0 {
            // The old-style end-of-copy line; as libpq, the caller's buffer
            // is assumed to hold it.
            let end = b"\\.\0";
            let n = end.len().min(buf.len());
            buf[..n].copy_from_slice(&end[..n]);
            buf[last] = 0;
            return 0;
        }
        let n = status as usize;
        if buf[n - 1] == b'\n' {
            buf[n - 1] = 0;
            0
        } else {
            buf[n] = 0;
            1
        }
    }

    /// PQendcopy: ends a COPY the legacy way; 0 success, 1 failure (the
    /// error also goes to the notice processor, as libpq does).
    pub fn endcopy(&mut self) -> i32 {
        if !matches!(
            self.async_status,
            AsyncStatus::CopyIn | AsyncStatus::CopyOut | AsyncStatus::CopyBoth
        ) {
            self.append_error(msg::NO_COPY_IN_PROGRESS);
            return 1;
        }
        if self.in_copy_in() {
            frontend::copy_done(&mut self.output);
            if !self.copy_by_simple_query() {
                frontend::sync(&mut self.output);
            }
        }
        // Non-blocking, as libpq: give up (1) when the data is not all out
        // (the COPY state stays), or when the answer has not been read yet
        // (the caller collects it with PQgetResult).
        let flushed = self.flush();
        if self.nonblocking && !matches!(flushed, Ok(true)) {
            return 1;
        }
        self.async_status = AsyncStatus::Busy;
        if self.nonblocking && self.is_busy() {
            return 1;
        }
        let res = self.get_result();
        if res
            .as_ref()
            .is_some_and(|r| r.status() == ExecStatusType::PGRES_COMMAND_OK)
        {
            return 0;
        }
        if !self.error.is_empty() {
            let text = String::from_utf8_lossy(self.error.as_bytes());
            let text = text.strip_suffix('\n').unwrap_or(&text).to_string();
            self.hooks.internal_notice(&text, self.client_encoding);
        }
        1
    }
}
