//! The connection's byte buffers: the error message text and the input buffer,
//! and moving bytes between them and the socket.

use std::ffi::CStr;
use std::io;

use super::Connection;
use crate::ffi::types::ConnStatusType;
use crate::messages::conn as msg;

/// The connection's error message, kept NUL-terminated so PQerrorMessage can
/// hand out a pointer to it without copying.
#[derive(Debug)]
pub struct ErrorBuffer {
    buf: Vec<u8>,
}

impl Default for ErrorBuffer {
    fn default() -> Self {
        ErrorBuffer { buf: vec![0] }
    }
}

impl ErrorBuffer {
    pub fn append(&mut self, text: &[u8]) {
        self.buf.pop();
        self.buf.extend(text.iter().copied().filter(|&b| b != 0));
        self.buf.push(0);
    }
    pub fn clear(&mut self) {
        self.buf.clear();
        self.buf.push(0);
    }
    pub fn len(&self) -> usize {
        self.buf.len() - 1
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.buf.len() - 1]
    }
    pub fn as_c_str(&self) -> &CStr {
        CStr::from_bytes_with_nul(&self.buf).unwrap_or(c"")
    }
    pub fn ends_with_newline(&self) -> bool {
        self.as_bytes().last() == Some(&b'\n')
    }
}

/// Bytes read from the server and not yet parsed: `data[start..]`.
#[derive(Debug, Default)]
pub struct InputBuffer {
    data: Vec<u8>,
    start: usize,
}

/// Size of one read, and what the buffer shrinks back to after a large message.
const READ_CHUNK: usize = 64 * 1024;

impl InputBuffer {
    pub fn unread(&self) -> &[u8] {
        &self.data[self.start..]
    }
    pub fn consume(&mut self, n: usize) {
        self.start += n;
        if self.start == self.data.len() {
            self.data.clear();
            self.start = 0;
            if self.data.capacity() > 4 * READ_CHUNK {
                self.data.shrink_to(READ_CHUNK);
            }
        }
    }
    pub fn clear(&mut self) {
        self.data.clear();
        self.start = 0;
    }
    /// Makes room for at least `want` more bytes (and a whole message of `need` bytes).
    fn reserve(&mut self, need: usize) {
        if self.start > 0 && (self.start >= self.data.len() / 2 || need > self.data.capacity()) {
            self.data.drain(..self.start);
            self.start = 0;
        }
        let unread = self.data.len() - self.start;
        let want = need.saturating_sub(unread).max(READ_CHUNK / 2);
        self.data.reserve(want);
    }
}

/// What a read from the socket gave.
pub enum ReadOutcome {
    /// Some bytes arrived.
    Data,
    /// Nothing is available now.
    Nothing,
    /// The connection is gone; the error message says why.
    Failed,
}

impl Connection {
    /// Reads what the socket has (libpq's pqReadData), growing the buffer for a
    /// message of `need` bytes when the caller knows one is coming.
    pub(crate) fn read_data(&mut self, need: usize) -> ReadOutcome {
        let Some(sock) = &self.sock else {
            self.append_error(msg::NO_CONNECTION);
            return ReadOutcome::Failed;
        };
        self.input.reserve(need);
        let buf = &mut self.input.data;
        let len = buf.len();
        // Read into the spare room, but zero-fill no more than one large chunk per call.
        let spare = (buf.capacity() - len).min(need.max(READ_CHUNK));
        buf.resize(len + spare, 0);
        let got = sock.read(&mut buf[len..]);
        let n = match &got {
            Ok(n) => *n,
            Err(_) => 0,
        };
        buf.truncate(len + n);
        match got {
            Ok(0) => {
                self.append_error(msg::SERVER_CLOSED);
                self.lose_connection();
                ReadOutcome::Failed
            }
            Ok(_) => ReadOutcome::Data,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => ReadOutcome::Nothing,
            Err(e) => {
                if e.raw_os_error() == Some(libc::ECONNRESET) {
                    self.append_error(msg::SERVER_CLOSED);
                } else {
                    self.append_error(&msg::could_not_receive(&crate::net::strerror(&e)));
                }
                self.lose_connection();
                ReadOutcome::Failed
            }
        }
    }

    /// The server went away: no more I/O on this connection.
    pub(crate) fn lose_connection(&mut self) {
        self.sock = None;
        self.output.clear();
        // As libpq's pqDropConnection (keeping what was read: it may hold
        // the server's last words).
        self.cmd_queue.clear();
        self.status = ConnStatusType::CONNECTION_BAD;
    }

    /// Writes as much of the output buffer as the socket takes. Ok(true) when
    /// everything left, Ok(false) when some remains.
    pub(crate) fn flush_nonblocking(&mut self) -> Result<bool, ()> {
        while !self.output.is_empty() {
            let Some(sock) = &self.sock else {
                self.append_error(msg::NO_CONNECTION);
                return Err(());
            };
            match sock.write(&self.output) {
                Ok(n) => {
                    let _ = self.output.split_to(n);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) => {
                    if matches!(e.raw_os_error(), Some(libc::EPIPE) | Some(libc::ECONNRESET)) {
                        self.append_error(msg::SERVER_CLOSED);
                    } else {
                        self.append_error(&msg::could_not_send(&crate::net::strerror(&e)));
                    }
                    self.lose_connection();
                    return Err(());
                }
            }
        }
        Ok(true)
    }

    /// libpq's pqSendSome: writes the output buffer. While the socket takes
    /// no more, what the server sends is read into the input buffer (so
    /// that neither side can block the other for good, as in a long
    /// pipeline); then, with `wait`, it waits for the socket and goes on.
    /// Ok(true) when all is written, Ok(false) when some remains (no `wait`).
    pub(crate) fn send_some(&mut self, wait: bool) -> Result<bool, ()> {
        loop {
            if self.flush_nonblocking()? {
                return Ok(true);
            }
            if matches!(self.read_data(0), ReadOutcome::Failed) {
                return Err(());
            }
            if !wait {
                return Ok(false);
            }
            self.wait_socket(true, true, None)?;
        }
    }

    /// Writes the whole output buffer, waiting for the socket as needed.
    pub(crate) fn flush_blocking(&mut self) -> Result<(), ()> {
        self.send_some(true).map(|_| ())
    }

    /// libpq's pqFlush: everything in blocking mode, what the socket takes
    /// in non-blocking mode. Ok(false) when some remains.
    pub(crate) fn flush(&mut self) -> Result<bool, ()> {
        self.send_some(!self.nonblocking)
    }
}
