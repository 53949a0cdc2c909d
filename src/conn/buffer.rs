//! The connection's byte buffers: the error message text, the input and
//! output buffers, and moving bytes between them and the socket. Also the
//! protocol trace (PQtrace), which sees every message queued in the output
//! buffer and every message consumed from the input buffer.

use std::cell::RefCell;
use std::ffi::CStr;
use std::io;
use std::ops::{Deref, DerefMut};
use std::rc::Rc;

use bytes::BytesMut;

use super::Connection;
use crate::ffi::types::ConnStatusType;
use crate::messages::conn as msg;
use crate::trace::{TraceSink, Tracer};

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

/// The protocol trace of a connection, shared by its input and output
/// buffers.
///
/// libpq prints a message to the server when it is queued and a message
/// from the server once it has been processed, so the trace shows them in
/// the order the client handled them. Here messages to the server are
/// printed from the output buffer before anything changes it (the next
/// message queued, a write, a read) and a message from the server when the
/// input buffer consumes it -- unless messages to the server are queued
/// and not printed yet: then it waits in `pending` and is printed right
/// after them.
#[derive(Debug, Default)]
struct TraceState {
    tracer: Option<Tracer>,
    /// Messages from the server consumed after the unprinted output.
    pending: Vec<Vec<u8>>,
    /// The output buffer was handed out for appending since it was last printed.
    output_unprinted: bool,
}

type SharedTrace = Rc<RefCell<TraceState>>;

/// Bytes read from the server and not yet parsed: `data[start..end]`.
/// `data[end..]` is room for the next read: zero-filled once when the
/// buffer grows, not before every read (64 KiB of memset per round trip).
#[derive(Debug, Default)]
pub struct InputBuffer {
    data: Vec<u8>,
    start: usize,
    end: usize,
    trace: SharedTrace,
    /// PQtrace is on (a plain flag, so that a message consumed while not
    /// tracing costs no borrow of the shared trace state).
    tracing: bool,
}

/// Size of one read, and what the buffer shrinks back to after a large message.
const READ_CHUNK: usize = 64 * 1024;

impl InputBuffer {
    pub fn unread(&self) -> &[u8] {
        &self.data[self.start..self.end]
    }
    /// Drops the first `n` unread bytes: one whole message the engine has
    /// processed (traced when tracing is on, as libpq's pqParseDone).
    pub fn consume(&mut self, n: usize) {
        self.trace_message(n);
        self.skip(n);
    }
    /// Drops the first `n` bytes of the message at the start, which a parse
    /// stopped reading short of its end, tracing the whole message (libpq's
    /// pqParseDone with the parse cursor): what follows them is parsed next.
    pub fn consume_read(&mut self, n: usize) {
        if let Some(whole) = message_len(self.unread()) {
            self.trace_message(whole);
        }
        self.skip(n);
    }
    /// Drops the first `n` unread bytes without tracing them (a message
    /// libpq gives up on rather than processes).
    pub fn skip(&mut self, n: usize) {
        self.start += n;
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
            if self.data.len() > 4 * READ_CHUNK {
                self.data.truncate(READ_CHUNK);
                self.data.shrink_to(READ_CHUNK);
            }
        }
    }
    pub fn clear(&mut self) {
        self.start = 0;
        self.end = 0;
    }
    /// Appends bytes as if read from the socket.
    #[cfg(test)]
    fn arrive(&mut self, bytes: &[u8]) {
        self.reserve(bytes.len());
        self.data[self.end..self.end + bytes.len()].copy_from_slice(bytes);
        self.end += bytes.len();
    }
    /// Drops the one-byte answer to an encryption request (`what`:
    /// SSLResponse or GSSENCResponse), traced as libpq traces it.
    pub fn consume_char_response(&mut self, what: &str) {
        if let Some(&byte) = self.unread().first() {
            if let Some(tracer) = self.trace.borrow_mut().tracer.as_mut() {
                tracer.char_response(what, byte);
            }
            self.skip(1);
        }
    }
    fn trace_message(&self, n: usize) {
        if !self.tracing {
            return;
        }
        let mut state = self.trace.borrow_mut();
        let TraceState {
            tracer,
            pending,
            output_unprinted,
        } = &mut *state;
        let Some(tracer) = tracer.as_mut() else {
            return;
        };
        let Some(message) = self.unread().get(..n) else {
            return;
        };
        if message_len(message) != Some(n) {
            return;
        }
        if *output_unprinted {
            pending.push(message.to_vec());
        } else {
            tracer.received(message);
        }
    }
    /// Makes room after the unread bytes for a read: for the rest of a whole
    /// message of `need` bytes, and at least half a chunk.
    fn reserve(&mut self, need: usize) {
        if self.start > 0 && (self.start >= self.end / 2 || need > self.data.len() - self.start) {
            self.data.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        let unread = self.end - self.start;
        let want = need.saturating_sub(unread).max(READ_CHUNK / 2);
        if self.data.len() < self.end + want {
            // Zero-filled once; the whole allocation, so later reads use it.
            self.data.reserve(self.end + want - self.data.len());
            self.data.resize(self.data.capacity(), 0);
        }
    }
    /// The room for a read.
    fn spare(&mut self) -> &mut [u8] {
        &mut self.data[self.end..]
    }
    /// `n` bytes were read into [`InputBuffer::spare`].
    fn filled(&mut self, n: usize) {
        self.end += n;
    }
}

/// The length of the whole message at the start of `bytes`, when it is all
/// there: a type byte and a length word, or for the messages without a type
/// byte (startup, encryption and cancel requests; no type byte is 0) the
/// length word alone.
fn message_len(bytes: &[u8]) -> Option<usize> {
    let (typed, word) = match bytes {
        [0, ..] => (false, bytes.get(..4)?),
        _ => (true, bytes.get(1..5)?),
    };
    let len = i32::from_be_bytes([word[0], word[1], word[2], word[3]]);
    let len = usize::try_from(len).ok().filter(|&l| l >= 4)? + usize::from(typed);
    (len <= bytes.len()).then_some(len)
}

/// Bytes queued for the server: whole messages, written to the socket by
/// `flush_*`. Appending goes through `DerefMut` (the message writers of
/// `protocol::frontend` take a `&mut BytesMut`), which first prints what
/// is queued when tracing is on.
#[derive(Debug)]
pub struct OutputBuffer {
    buf: BytesMut,
    /// How many bytes at the start of `buf` the trace has printed.
    traced: usize,
    trace: SharedTrace,
}

impl Deref for OutputBuffer {
    type Target = BytesMut;
    fn deref(&self) -> &BytesMut {
        &self.buf
    }
}

impl DerefMut for OutputBuffer {
    fn deref_mut(&mut self) -> &mut BytesMut {
        self.print_queued();
        if let Some(mut state) = self.tracing() {
            state.output_unprinted = true;
        }
        &mut self.buf
    }
}

impl OutputBuffer {
    fn new(capacity: usize, trace: SharedTrace) -> Self {
        OutputBuffer {
            buf: BytesMut::with_capacity(capacity),
            traced: 0,
            trace,
        }
    }

    fn tracing(&self) -> Option<std::cell::RefMut<'_, TraceState>> {
        let state = self.trace.borrow_mut();
        state.tracer.is_some().then_some(state)
    }

    /// Traces the whole messages queued since the last call, then the
    /// messages from the server consumed after them.
    fn print_queued(&mut self) {
        let Some(mut state) = self.tracing() else {
            return;
        };
        let TraceState {
            tracer,
            pending,
            output_unprinted,
        } = &mut *state;
        let Some(tracer) = tracer.as_mut() else {
            return;
        };
        let mut at = self.traced.min(self.buf.len());
        while let Some(len) = message_len(&self.buf[at..]) {
            tracer.sent(&self.buf[at..at + len]);
            at += len;
        }
        for message in pending.drain(..) {
            tracer.received(&message);
        }
        *output_unprinted = false;
        drop(state);
        self.traced = at;
    }

    /// Forgets what is queued (the connection is closed or lost); libpq
    /// traced it when it was queued.
    pub fn clear(&mut self) {
        self.print_queued();
        self.buf.clear();
        self.traced = 0;
    }

    /// The first `n` bytes went to the socket.
    fn written(&mut self, n: usize) {
        let _ = self.buf.split_to(n);
        self.traced = self.traced.saturating_sub(n);
    }
}

/// The connection's buffers, sharing one trace.
pub(crate) fn new_buffers(output_capacity: usize) -> (InputBuffer, OutputBuffer) {
    let trace = SharedTrace::default();
    let input = InputBuffer {
        trace: trace.clone(),
        ..Default::default()
    };
    (input, OutputBuffer::new(output_capacity, trace))
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
        // What waits to be traced goes out before the program waits on the socket.
        self.output.print_queued();
        let Some(sock) = &self.sock else {
            self.append_error(msg::CONNECTION_NOT_OPEN);
            return ReadOutcome::Failed;
        };
        self.input.reserve(need);
        let buf = self.input.spare();
        let got = match self.tls.as_mut() {
            Some(tls) => tls.read(sock, buf),
            None => sock.read(buf),
        };
        if let Ok(n) = got {
            self.input.filled(n);
        }
        match got {
            Ok(0) => {
                self.append_error(msg::SERVER_CLOSED);
                self.lose_connection();
                ReadOutcome::Failed
            }
            Ok(_) => ReadOutcome::Data,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => ReadOutcome::Nothing,
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof && self.tls.is_some() => {
                // The TLS layer's own words (a closed or broken session).
                self.append_error(&format!("{e}\n"));
                self.lose_connection();
                ReadOutcome::Failed
            }
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
        self.tls = None;
        self.output.clear();
        // As libpq's pqDropConnection (keeping what was read: it may hold
        // the server's last words).
        self.cmd_queue.clear();
        self.status = ConnStatusType::CONNECTION_BAD;
    }

    /// Writes as much of the output buffer as the socket takes. Ok(true) when
    /// everything left, Ok(false) when some remains.
    pub(crate) fn flush_nonblocking(&mut self) -> Result<bool, ()> {
        self.output.print_queued();
        if self.write_failed {
            // Never write again after a failure (message boundaries are
            // lost), but keep reading while there is a socket: the
            // server's last words may still be on their way.
            self.output.clear();
            if self.sock.is_some() && matches!(self.read_data(0), ReadOutcome::Failed) {
                return Err(());
            }
            return Ok(true);
        }
        loop {
            let tls_pending = self.tls.as_ref().is_some_and(|t| t.has_pending_output());
            if self.output.is_empty() && !tls_pending {
                break;
            }
            let Some(sock) = &self.sock else {
                self.fail_write(msg::CONNECTION_NOT_OPEN.to_string());
                return Ok(true);
            };
            // TLS records not yet on the wire go first; then the output.
            let pending = match self.tls.as_mut() {
                Some(tls) => tls.flush(sock),
                None => Ok(true),
            };
            let written = match pending {
                Ok(false) => return Ok(false),
                Ok(true) if self.output.is_empty() => break,
                Ok(true) => match self.tls.as_mut() {
                    Some(tls) => tls.write(sock, &self.output.buf),
                    None => sock.write(&self.output.buf),
                },
                Err(e) => Err(e),
            };
            match written {
                Ok(n) => self.output.written(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) => {
                    // As libpq, the write "succeeds": the failure is told
                    // later, unless reading finds what the server said.
                    let text = if matches!(e.raw_os_error(), Some(libc::EPIPE | libc::ECONNRESET)) {
                        msg::SERVER_CLOSED.to_string()
                    } else {
                        msg::could_not_send(&crate::net::strerror(&e))
                    };
                    self.fail_write(text);
                    return Ok(true);
                }
            }
        }
        Ok(true)
    }

    /// Records a write failure (libpq's write_failed and write_err_msg) and
    /// discards what was to be written.
    fn fail_write(&mut self, text: String) {
        self.write_failed = true;
        self.write_err_msg = text;
        self.output.clear();
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

/// Protocol tracing: PQtrace, PQuntrace, PQsetTraceFlags.
impl Connection {
    /// PQtrace: from now on every message is printed to `sink`, with no
    /// flags. Messages queued before are not (libpq printed them when they
    /// were queued, untraced).
    pub fn trace(&mut self, sink: Box<dyn TraceSink>) {
        self.untrace();
        self.output.traced = self.output.buf.len();
        let mut state = self.output.trace.borrow_mut();
        state.pending.clear();
        state.output_unprinted = false;
        state.tracer = Some(Tracer::new(sink));
        self.input.tracing = true;
    }

    /// PQuntrace: prints what is due, flushes the sink and stops tracing.
    pub fn untrace(&mut self) {
        self.output.print_queued();
        let mut state = self.output.trace.borrow_mut();
        if let Some(mut tracer) = state.tracer.take() {
            tracer.finish();
        }
        state.pending.clear();
        self.input.tracing = false;
    }

    /// PQsetTraceFlags: ignored when not tracing. Messages already handled
    /// are printed with the flags in force before.
    pub fn set_trace_flags(&mut self, flags: i32) {
        self.output.print_queued();
        if let Some(tracer) = self.output.trace.borrow_mut().tracer.as_mut() {
            tracer.set_flags(flags);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::frontend;
    use crate::trace::SUPPRESS_TIMESTAMPS;

    #[derive(Clone, Default)]
    struct Lines(Rc<RefCell<Vec<u8>>>);

    impl TraceSink for Lines {
        fn write(&mut self, text: &[u8]) {
            self.0.borrow_mut().extend_from_slice(text);
        }
        fn flush(&mut self) {}
        fn timestamp(&mut self) -> String {
            "T".into()
        }
    }

    impl Lines {
        fn text(&self) -> String {
            String::from_utf8(self.0.borrow().clone()).unwrap()
        }
    }

    fn traced() -> (Connection, Lines) {
        let mut c = Connection::new(Err(String::new()));
        let lines = Lines::default();
        c.trace(Box::new(lines.clone()));
        c.set_trace_flags(SUPPRESS_TIMESTAMPS);
        (c, lines)
    }

    /// Bytes as if read from the server.
    fn arrive(c: &mut Connection, bytes: &[u8]) {
        c.input.arrive(bytes);
    }

    const READY: &[u8] = b"Z\0\0\0\x05I";

    #[test]
    fn messages_queued_before_the_trace_are_not_printed() {
        let mut c = Connection::new(Err(String::new()));
        frontend::sync(&mut c.output);
        let lines = Lines::default();
        c.trace(Box::new(lines.clone()));
        c.set_trace_flags(SUPPRESS_TIMESTAMPS);
        frontend::query(&mut c.output, b"select 1");
        assert_eq!(lines.text(), "");
        c.untrace();
        assert_eq!(lines.text(), "F\t13\tQuery\t \"select 1\"\n");
        frontend::sync(&mut c.output);
        c.output.print_queued();
        assert_eq!(lines.text(), "F\t13\tQuery\t \"select 1\"\n");
    }

    #[test]
    fn input_is_printed_when_consumed_once_output_is() {
        let (mut c, lines) = traced();
        frontend::query(&mut c.output, b"select 1");
        c.output.print_queued();
        arrive(&mut c, READY);
        c.input.consume(READY.len());
        assert_eq!(
            lines.text(),
            "F\t13\tQuery\t \"select 1\"\nB\t5\tReadyForQuery\t I\n"
        );
    }

    #[test]
    fn input_consumed_behind_queued_output_is_printed_after_it() {
        let (mut c, lines) = traced();
        arrive(&mut c, READY);
        arrive(&mut c, READY);
        frontend::query(&mut c.output, b"q1");
        c.input.consume(READY.len());
        assert_eq!(lines.text(), "");
        frontend::sync(&mut c.output);
        c.input.consume(READY.len());
        // Flushing (here: reading) prints what is due, in libpq's order.
        assert!(matches!(c.read_data(0), ReadOutcome::Failed));
        assert_eq!(
            lines.text(),
            "F\t7\tQuery\t \"q1\"\nB\t5\tReadyForQuery\t I\nF\t4\tSync\nB\t5\tReadyForQuery\t I\n"
        );
    }

    #[test]
    fn clearing_the_output_prints_it_first() {
        let (mut c, lines) = traced();
        frontend::terminate(&mut c.output);
        c.output.clear();
        assert_eq!(lines.text(), "F\t4\tTerminate\n");
        assert!(c.output.is_empty());
    }

    #[test]
    fn skipped_and_partial_input_is_not_printed() {
        let (mut c, lines) = traced();
        arrive(&mut c, READY);
        c.input.skip(READY.len());
        arrive(&mut c, READY);
        c.input.consume(2);
        c.input.consume(READY.len() - 2);
        c.untrace();
        assert_eq!(lines.text(), "");
    }

    #[test]
    fn flags_apply_to_what_is_printed_after_them() {
        let (mut c, lines) = traced();
        frontend::sync(&mut c.output);
        c.set_trace_flags(0);
        frontend::sync(&mut c.output);
        c.untrace();
        assert_eq!(lines.text(), "F\t4\tSync\nT\tF\t4\tSync\n");
    }

    #[test]
    fn message_lengths() {
        assert_eq!(message_len(b"Z\0\0\0\x05I"), Some(6));
        assert_eq!(message_len(b"Z\0\0\0\x05"), None);
        assert_eq!(message_len(b"Z\0\0\0\x03"), None);
        assert_eq!(message_len(b"\0\0\0\x08\x04\xd2\x16\x2fX"), Some(8));
        assert_eq!(message_len(b"\0\0\0"), None);
    }
}
