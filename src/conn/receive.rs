//! Reading the server's answers: libpq's pqParseInput3 (messages into
//! state and results), PQgetResult (the results in order, with the command
//! queue, pipeline mode and partial results), PQconsumeInput and PQisBusy.

use super::buffer::ReadOutcome;
use super::{AsyncStatus, Connection, PartialMode, QueryClass};
use crate::ffi::types::{
    ConnStatusType, ExecStatusType, PGTransactionStatusType, PGpipelineStatus,
};
use crate::messages::conn as msg;
use crate::protocol::backend::{self, Frame, Reader};
use crate::result::PgResult;

use ExecStatusType::*;
use PGpipelineStatus::*;

/// Recycled query buffers: at most this many, each at most this large.
const MAX_SPARE_QUERIES: usize = 64;
const MAX_SPARE_QUERY: usize = 8 * 1024;

/// An asynchronous notification from LISTEN/NOTIFY.
#[derive(Debug, Clone)]
pub struct Notification {
    pub backend_pid: i32,
    pub channel: Vec<u8>,
    pub payload: Vec<u8>,
}

impl Connection {
    /// PQgetResult: the next result, waiting for it; None when the command
    /// is done. The result is boxed at its final address before the event
    /// procs hear of it (PGEVT_RESULTCREATE), as they may keep the pointer.
    pub fn get_result(&mut self) -> Option<Box<PgResult>> {
        let mut res = self.next_result()?;
        if !res.events().is_empty() {
            // A proc that fails only misses its RESULTDESTROY, as in libpq.
            crate::ffi::events::fire_result_create(self, &mut res);
        }
        Some(res)
    }

    fn next_result(&mut self) -> Option<Box<PgResult>> {
        self.parse_input();
        while self.async_status == AsyncStatus::Busy {
            // Send what is still queued (the server may be waiting for it),
            // then wait for input.
            let failed = self.flush_blocking().is_err()
                || self.wait_socket(true, false, None).is_err()
                || matches!(self.read_data(0), ReadOutcome::Failed);
            if failed {
                self.save_error_result();
                self.async_status = AsyncStatus::Idle;
                return Some(self.take_result());
            }
            self.parse_input();
            // A write failed, and what was read brought neither a result
            // nor a read error to report instead: report the write failure.
            if self.write_failed && self.async_status == AsyncStatus::Busy {
                self.save_write_error();
                self.async_status = AsyncStatus::Idle;
                return Some(self.take_result());
            }
        }
        match self.async_status {
            AsyncStatus::Idle => None,
            AsyncStatus::PipelineIdle => {
                // The NULL that ends one command's results; the next
                // command's come on the next call.
                self.pipeline_process_queue();
                None
            }
            AsyncStatus::Ready => {
                let res = self.take_result();
                // A partial chunk handed out while the rest of the command's
                // result (restored from saved_result) is still to come.
                if self.result.is_some() {
                    return Some(res);
                }
                self.advance_queue(false, res.status() == PGRES_PIPELINE_SYNC);
                if self.pipeline != PQ_PIPELINE_OFF {
                    self.async_status = AsyncStatus::PipelineIdle;
                    // No NULL after a pipeline's sync result.
                    if res.status() == PGRES_PIPELINE_SYNC {
                        self.pipeline_process_queue();
                    }
                } else {
                    self.async_status = AsyncStatus::Busy;
                }
                Some(res)
            }
            AsyncStatus::ReadyMore => {
                let res = self.take_result();
                self.async_status = AsyncStatus::Busy;
                Some(res)
            }
            AsyncStatus::CopyIn => Some(self.copy_result(PGRES_COPY_IN)),
            AsyncStatus::CopyOut => Some(self.copy_result(PGRES_COPY_OUT)),
            AsyncStatus::CopyBoth => Some(self.copy_result(PGRES_COPY_BOTH)),
            AsyncStatus::Busy => None,
        }
    }

    /// The COPY result: the one CopyInResponse/CopyOutResponse made, or a
    /// fresh one; an error result when the connection is gone.
    fn copy_result(&mut self, status: ExecStatusType) -> Box<PgResult> {
        if self.status != ConnStatusType::CONNECTION_OK {
            self.save_error_result();
            self.async_status = AsyncStatus::Idle;
            return self.take_result();
        }
        match self.result.take() {
            Some(res) if res.status() == status => res,
            other => {
                self.result = other;
                self.make_empty_result_boxed(status)
            }
        }
    }

    /// The kind of command whose results are being read.
    fn head_class(&self) -> Option<QueryClass> {
        self.cmd_queue.front().map(|c| c.class)
    }

    /// Retires the command at the head of the queue once all its results
    /// are in (libpq's pqCommandQueueAdvance): a simple query at
    /// ReadyForQuery, a pipeline's Sync with its sync result.
    pub(crate) fn advance_queue(&mut self, ready_for_query: bool, got_sync: bool) {
        match self.cmd_queue.front().map(|c| c.class) {
            None => {}
            Some(QueryClass::Simple) if !ready_for_query => {}
            Some(QueryClass::Sync) if !got_sync => {}
            Some(_) => {
                if let Some(done) = self.cmd_queue.pop_front() {
                    self.recycle_query(done.query);
                }
            }
        }
    }

    /// Keeps a retired command's query buffer for the next command (a
    /// bounded number of not too large ones).
    fn recycle_query(&mut self, query: Vec<u8>) {
        if query.capacity() <= MAX_SPARE_QUERY && self.spare_queries.len() < MAX_SPARE_QUERIES {
            self.spare_queries.push(query);
        }
    }

    /// In pipeline mode, moves on to the results of the next queued command
    /// (libpq's pqPipelineProcessQueue).
    pub(crate) fn pipeline_process_queue(&mut self) {
        match self.async_status {
            AsyncStatus::Idle if !self.cmd_queue.is_empty() => {
                self.async_status = AsyncStatus::PipelineIdle
            }
            AsyncStatus::PipelineIdle => {}
            _ => return,
        }
        // Each command sets its own result mode.
        self.partial = PartialMode::Off;
        let Some(next) = self.cmd_queue.front().map(|c| c.class) else {
            self.async_status = AsyncStatus::Idle;
            return;
        };
        // What PQsendQueryStart didn't do for a queued command.
        self.clear_error();
        self.clear_async_result();
        if self.pipeline == PQ_PIPELINE_ABORTED && next != QueryClass::Sync {
            // The server skips it until the Sync: say so without waiting.
            // (Made as PQmakeEmptyPGresult makes it: with the connection's
            // error text, just cleared.)
            self.result = Some(self.make_empty_result_boxed(PGRES_PIPELINE_ABORTED));
            self.async_status = AsyncStatus::Ready;
        } else {
            self.async_status = AsyncStatus::Busy;
        }
    }

    /// PQconsumeInput: reads what has arrived, without blocking.
    pub fn consume_input(&mut self) -> bool {
        if self.nonblocking && self.flush_nonblocking().is_err() {
            return false;
        }
        !matches!(self.read_data(0), ReadOutcome::Failed)
    }

    /// PQisBusy: would PQgetResult block?
    pub fn is_busy(&mut self) -> bool {
        self.parse_input();
        self.async_status == AsyncStatus::Busy && self.status != ConnStatusType::CONNECTION_BAD
    }

    /// Takes one queued notification.
    pub fn next_notification(&mut self) -> Option<Notification> {
        self.parse_input();
        self.notifications.pop_front()
    }

    /// Turns complete messages in the input buffer into state and results
    /// (libpq's pqParseInput3). Stops at an incomplete message, or when a
    /// result waits to be collected.
    pub(crate) fn parse_input(&mut self) {
        loop {
            let (tag, len) = match backend::frame(self.input.unread()) {
                Frame::Incomplete(_) => return,
                Frame::Invalid { tag } => {
                    let unread = self.input.unread();
                    let word = i32::from_be_bytes([unread[1], unread[2], unread[3], unread[4]]);
                    self.handle_sync_loss(tag, word);
                    return;
                }
                Frame::Message { tag, len } => (tag, len),
            };
            if tag == b'D'
                && self.async_status == AsyncStatus::Busy
                && self.partial == PartialMode::Off
                && self.data_rows(len)
            {
                continue;
            }
            let had_socket = self.sock.is_some();
            // Notices and notifications are processed in any state; the rest
            // only while a command is busy.
            let consumed = if tag == b'A' || tag == b'N' {
                self.process_message(tag, len)
            } else if self.async_status != AsyncStatus::Busy {
                if self.async_status != AsyncStatus::Idle {
                    return;
                }
                match tag {
                    b'E' => self.process_idle_error(len),
                    b'S' => self.process_message(tag, len),
                    _ => {
                        let hooks = self.hooks;
                        hooks.internal_notice(&msg::message_while_idle(tag), self.client_encoding);
                        true
                    }
                }
            } else {
                if tag == b'T'
                    && self.result.is_some()
                    && !self.has_failed_result()
                    && self.head_class() != Some(QueryClass::Describe)
                {
                    // A second RowDescription starts another result: hand out this one first.
                    self.async_status = AsyncStatus::Ready;
                    return;
                }
                self.process_message(tag, len)
            };
            // The connection went away while processing this message (and
            // with it, maybe, the input). Messages read before a connection
            // was lost are still parsed: they may be the server's last words.
            let dropped_here = had_socket || self.input.unread().len() < 5 + len;
            if self.status == ConnStatusType::CONNECTION_BAD && self.sock.is_none() && dropped_here
            {
                return;
            }
            if consumed {
                self.input.consume(5 + len);
            } else {
                self.append_error(&msg::length_mismatch(tag));
                self.save_error_result();
                self.async_status = AsyncStatus::Ready;
                // Given up on, not processed: libpq doesn't trace it.
                self.input.skip(5 + len);
            }
        }
    }

    fn has_failed_result(&self) -> bool {
        self.error_result
            || self
                .result
                .as_ref()
                .is_some_and(|r| r.status() == PGRES_FATAL_ERROR)
    }

    /// An ErrorResponse while idle: shown as a notice (the server says why it
    /// is about to close the connection).
    fn process_idle_error(&mut self, len: usize) -> bool {
        let body = self.input.unread()[5..5 + len].to_vec();
        self.handle_error_notice(&body, false).is_ok()
    }

    /// Handles one whole message; false when its contents disagree with its length.
    pub(crate) fn process_message(&mut self, tag: u8, len: usize) -> bool {
        // DataRow is read in place. The other bodies are copied into a
        // reusable buffer, as their handlers need &mut self with the body at
        // hand: no allocation per message once the buffer has grown.
        match tag {
            b'D' => return self.process_data_row(len),
            b'd' | b'c' => return true,
            _ => {}
        }
        let mut body = std::mem::take(&mut self.message_scratch);
        body.clear();
        body.extend_from_slice(&self.input.unread()[5..5 + len]);
        let consumed = self.process_body(tag, &body);
        self.message_scratch = body;
        consumed
    }

    /// [`Self::process_message`] for a message other than DataRow and COPY data.
    fn process_body(&mut self, tag: u8, body: &[u8]) -> bool {
        let mut r = Reader::new(body);
        match tag {
            b'A' => {
                let (Some(pid), Some(channel), Some(payload)) = (r.i32(), r.cstr(), r.cstr())
                else {
                    return false;
                };
                self.notifications.push_back(Notification {
                    backend_pid: pid,
                    channel: channel.to_vec(),
                    payload: payload.to_vec(),
                });
                r.remaining() == 0
            }
            b'N' => self.handle_error_notice(body, false).is_ok(),
            b'E' => {
                if self.handle_error_notice(body, true).is_err() {
                    return false;
                }
                self.async_status = AsyncStatus::Ready;
                true
            }
            b'C' => {
                let Some(tag) = r.cstr() else { return false };
                if !self.has_pending_result() {
                    self.result = Some(self.new_result(PGRES_COMMAND_OK));
                }
                if let Some(res) = self.result.as_mut() {
                    res.set_command_tag(tag);
                }
                self.async_status = AsyncStatus::Ready;
                r.remaining() == 0
            }
            b'I' => {
                if !self.has_pending_result() {
                    self.result = Some(self.new_result(PGRES_EMPTY_QUERY));
                }
                self.async_status = AsyncStatus::Ready;
                true
            }
            b'Z' => {
                let Some(status) = r.u8() else { return false };
                self.xact_status = match status {
                    b'I' => PGTransactionStatusType::PQTRANS_IDLE,
                    b'T' => PGTransactionStatusType::PQTRANS_INTRANS,
                    b'E' => PGTransactionStatusType::PQTRANS_INERROR,
                    _ => PGTransactionStatusType::PQTRANS_UNKNOWN,
                };
                if self.pipeline != PQ_PIPELINE_OFF {
                    // The answer to a pipeline's Sync: a result of its own,
                    // and the pipeline works again. As libpq makes it with
                    // PQmakeEmptyPGresult, it carries the connection's error
                    // text (not an error status there), e.g. of a call
                    // refused before the pipeline's first command.
                    self.result = Some(self.make_empty_result_boxed(PGRES_PIPELINE_SYNC));
                    self.pipeline = PQ_PIPELINE_ON;
                    self.async_status = AsyncStatus::Ready;
                } else {
                    self.advance_queue(true, false);
                    self.async_status = AsyncStatus::Idle;
                }
                r.remaining() == 0
            }
            b'S' => {
                let (Some(name), Some(value)) = (r.cstr(), r.cstr()) else {
                    return false;
                };
                self.set_parameter(name, value);
                r.remaining() == 0
            }
            b'K' => {
                // As libpq 18: the old key goes first, and a key of a
                // length the protocol version does not allow ends the
                // connection (the length counts from after the PID, which
                // a body too short for it makes negative).
                self.cancel_key.clear();
                let key_len = body.len() as i64 - 4;
                if let Err(e) = backend::check_cancel_key_len(key_len, self.pversion) {
                    self.append_error(&msg::invalid_cancel_key(e));
                    self.handle_fatal_error();
                    return true;
                }
                let Some(pid) = r.i32() else { return false };
                self.backend_pid = pid;
                self.cancel_key = r.rest().to_vec();
                true
            }
            b'T' => {
                if self.has_failed_result() {
                    return true;
                }
                match backend::row_description(body) {
                    Some(fields) => {
                        let describing = self.head_class() == Some(QueryClass::Describe);
                        // A Describe's RowDescription completes the result that
                        // ParameterDescription started.
                        let mut res = match self.result.take() {
                            Some(res) if describing => res,
                            // A portal's Describe has no ParameterDescription.
                            _ if describing => self.new_result(PGRES_COMMAND_OK),
                            _ => self.new_result(PGRES_TUPLES_OK),
                        };
                        res.set_fields(fields.fields());
                        self.result = Some(res);
                        if describing {
                            self.async_status = AsyncStatus::Ready;
                        }
                    }
                    None => self.fail_result(msg::INSUFFICIENT_DATA_IN_T),
                }
                true
            }
            b'G' | b'H' | b'W' => {
                let (status, next) = match tag {
                    b'G' => (PGRES_COPY_IN, AsyncStatus::CopyIn),
                    b'H' => (PGRES_COPY_OUT, AsyncStatus::CopyOut),
                    _ => (PGRES_COPY_BOTH, AsyncStatus::CopyBoth),
                };
                let (Some(format), Some(n)) = (r.u8(), r.i16()) else {
                    return false;
                };
                self.copy_binary = format != 0;
                self.copy_already_done = 0;
                let mut formats = Vec::new();
                for _ in 0..n.max(0) {
                    let Some(f) = r.i16() else { return false };
                    formats.push(f);
                }
                let mut res = self.new_result(status);
                res.set_copy_columns(format != 0, &formats);
                self.result = Some(res);
                self.async_status = next;
                r.remaining() == 0
            }
            b'V' => {
                // FunctionCallResponse of the fast-path protocol (src/conn/fastpath.rs).
                self.fastpath_response = Some(body.to_vec());
                true
            }
            b'1' => {
                if self.head_class() == Some(QueryClass::Prepare) {
                    if !self.has_pending_result() {
                        self.result = Some(self.new_result(PGRES_COMMAND_OK));
                    }
                    self.async_status = AsyncStatus::Ready;
                }
                true
            }
            b't' => {
                if self.has_failed_result() {
                    return true;
                }
                let Some(n) = r.i16() else { return false };
                let mut types = Vec::with_capacity(n.max(0) as usize);
                for _ in 0..n.max(0) {
                    let Some(t) = r.i32() else { return false };
                    types.push(t as u32);
                }
                let mut res = self.new_result(PGRES_COMMAND_OK);
                res.set_param_types(types);
                self.result = Some(res);
                r.remaining() == 0
            }
            b'n' => {
                if self.head_class() == Some(QueryClass::Describe) {
                    if !self.has_pending_result() {
                        self.result = Some(self.new_result(PGRES_COMMAND_OK));
                    }
                    self.async_status = AsyncStatus::Ready;
                }
                true
            }
            b'3' => {
                if self.head_class() == Some(QueryClass::Close) {
                    if !self.has_pending_result() {
                        self.result = Some(self.new_result(PGRES_COMMAND_OK));
                    }
                    self.async_status = AsyncStatus::Ready;
                }
                true
            }
            b'2' | b's' => true,
            other => {
                self.append_error(&msg::unexpected_response(other));
                self.save_error_result();
                self.async_status = AsyncStatus::Ready;
                true
            }
        }
    }

    /// The DataRows of a result being received whole, in a tight loop (no
    /// general dispatch per row): this one of body length `len`, and those
    /// after it already in the buffer. False, with nothing consumed, when
    /// no result is taking rows (the general path then says why).
    fn data_rows(&mut self, mut len: usize) -> bool {
        let Some(res) = self
            .result
            .as_mut()
            .filter(|r| matches!(r.status(), PGRES_TUPLES_OK | PGRES_TUPLES_CHUNK))
        else {
            return false;
        };
        loop {
            let added = res.add_row(&self.input.unread()[5..5 + len]);
            self.input.consume(5 + len);
            if let Err(text) = added {
                self.fail_result(text);
                return true;
            }
            match backend::frame(self.input.unread()) {
                Frame::Message {
                    tag: b'D',
                    len: next,
                } => len = next,
                _ => return true,
            }
        }
    }

    /// A DataRow: one copy into the result's arena, straight from the input
    /// buffer (libpq's getAnotherTuple and pqRowProcessor).
    fn process_data_row(&mut self, len: usize) -> bool {
        let tuples = self
            .result
            .as_ref()
            .is_some_and(|r| matches!(r.status(), PGRES_TUPLES_OK | PGRES_TUPLES_CHUNK));
        if !tuples {
            if !self.has_failed_result() {
                self.append_error(msg::D_WITHOUT_T);
                self.save_error_result();
            }
            return true;
        }
        // In a partial mode the rows go to a copy of the result (without
        // rows), handed out when full; the original is kept for the next one.
        let max_rows = match self.partial {
            PartialMode::Off => None,
            PartialMode::SingleRow => Some(1),
            PartialMode::Chunked(n) => Some(n),
        };
        if max_rows.is_some() && self.saved_result.is_none() {
            use crate::ffi::types::{PG_COPYRES_ATTRS, PG_COPYRES_EVENTS, PG_COPYRES_NOTICEHOOKS};
            let base = self.result.take();
            let copy = base.as_ref().and_then(|r| {
                r.copy(PG_COPYRES_ATTRS | PG_COPYRES_EVENTS | PG_COPYRES_NOTICEHOOKS)
            });
            let Some(mut partial) = copy else {
                self.result = base;
                self.fail_result(crate::messages::result::OUT_OF_MEMORY_FOR_RESULT);
                return true;
            };
            partial.set_status(if self.partial == PartialMode::SingleRow {
                PGRES_SINGLE_TUPLE
            } else {
                PGRES_TUPLES_CHUNK
            });
            self.saved_result = base;
            self.result = Some(Box::new(partial));
        }
        let body = &self.input.unread()[5..5 + len];
        let outcome = self.result.as_mut().map(|res| res.add_row(body));
        match outcome {
            Some(Err(text)) => self.fail_result(text),
            Some(Ok(())) => {
                let rows = self.result.as_ref().map_or(0, |r| r.ntuples() as usize);
                if max_rows.is_some_and(|max| rows >= max) {
                    self.async_status = AsyncStatus::ReadyMore;
                }
            }
            None => {}
        }
        true
    }

    /// Replaces the result being built by an error result with `text`.
    fn fail_result(&mut self, text: &str) {
        self.result = None;
        self.append_error(&format!("{text}\n"));
        self.save_error_result();
    }

    /// libpq's handleSyncLoss: the stream can't be trusted any more.
    pub(crate) fn handle_sync_loss(&mut self, tag: u8, len: i32) {
        self.append_error(&msg::lost_sync(tag, len));
        self.handle_fatal_error();
    }

    /// Gives up the connection after a protocol violation whose message is
    /// already in the error buffer (libpq's handleFatalError): an error
    /// result, the socket closed, CONNECTION_BAD.
    pub(crate) fn handle_fatal_error(&mut self) {
        self.save_error_result();
        self.async_status = AsyncStatus::Ready;
        self.drop_connection();
        self.status = ConnStatusType::CONNECTION_BAD;
    }

    /// A ParameterStatus value, and what the library derives from it.
    fn set_parameter(&mut self, name: &[u8], value: &[u8]) {
        match name {
            b"client_encoding" => {
                let id = crate::encoding::encoding_id(&String::from_utf8_lossy(value));
                self.client_encoding = id.max(0);
                // Connection-less PQescapeString/PQescapeBytea use what was seen last.
                crate::escape::set_static_client_encoding(self.client_encoding);
            }
            b"standard_conforming_strings" => {
                self.std_strings = value == b"on";
                crate::escape::set_static_std_strings(self.std_strings);
            }
            b"server_version" => self.server_version = parse_server_version(value),
            b"default_transaction_read_only" => {
                self.default_transaction_read_only = Some(value == b"on")
            }
            b"in_hot_standby" => self.in_hot_standby = Some(value == b"on"),
            _ => {}
        }
        let name = cstring(name);
        let value = cstring(value);
        match self.params.iter_mut().find(|(k, _)| *k == name) {
            Some(slot) => slot.1 = value,
            None => self.params.push((name, value)),
        }
    }

    /// An ErrorResponse or NoticeResponse (libpq's pqGetErrorNotice3): an error
    /// becomes the current result and joins the connection's error text; a
    /// notice goes to the notice receiver.
    pub(crate) fn handle_error_notice(&mut self, body: &[u8], is_error: bool) -> Result<(), ()> {
        let fields = backend::error_fields(body).ok_or(())?;
        let status = if is_error {
            PGRES_FATAL_ERROR
        } else {
            PGRES_NONFATAL_ERROR
        };
        let mut res = self.new_result(status);
        res.set_error_fields(&fields);
        let field = |code: u8| fields.iter().find(|(c, _)| *c == code).map(|(_, v)| *v);
        if is_error {
            self.last_sqlstate = [0; 5];
            if let Some(state) = field(b'C').filter(|s| s.len() == 5) {
                self.last_sqlstate.copy_from_slice(state);
            }
        }
        let head_query = self.cmd_queue.front().map(|c| c.query.clone());
        let query = head_query
            .as_deref()
            .filter(|q| field(b'P').is_some() && !q.is_empty());
        let text = crate::errfmt::build_error_message(
            &field,
            query,
            self.verbosity,
            self.show_context,
            is_error,
            self.client_encoding,
        );
        res.set_error_message(&text);
        if let Some(q) = query {
            res.set_error_query(q);
        }
        if is_error {
            // In a pipeline, the commands up to the next Sync are skipped.
            if self.pipeline != PQ_PIPELINE_OFF {
                self.pipeline = PQ_PIPELINE_ABORTED;
            }
            self.clear_async_result();
            self.result = Some(res);
            self.error.append(&text);
        } else {
            let hooks = self.hooks;
            hooks.deliver(&res);
        }
        Ok(())
    }
}

/// libpq's reading of server_version: "15.4" → 150004, "9.6.1" → 90601, "18devel" → 180000.
fn parse_server_version(value: &[u8]) -> i32 {
    let text = String::from_utf8_lossy(value);
    let mut nums = Vec::new();
    let mut rest = text.as_ref();
    for _ in 0..3 {
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        if digits.is_empty() {
            break;
        }
        nums.push(digits.parse::<i32>().unwrap_or(0));
        rest = &rest[digits.len()..];
        match rest.strip_prefix('.') {
            Some(r) => rest = r,
            None => break,
        }
    }
    match nums.as_slice() {
        [maj, min, rev] => (100 * maj + min) * 100 + rev,
        [maj, min] if *maj >= 10 => 100 * 100 * maj + min,
        [maj, min] => (100 * maj + min) * 100,
        [maj] => 100 * 100 * maj,
        _ => 0,
    }
}

fn cstring(bytes: &[u8]) -> std::ffi::CString {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    std::ffi::CString::new(&bytes[..end]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::parse_server_version;

    #[test]
    fn server_versions() {
        assert_eq!(parse_server_version(b"15.4 (Debian 15.4-1)"), 150004);
        assert_eq!(parse_server_version(b"9.6.1"), 90601);
        assert_eq!(parse_server_version(b"9.6devel"), 90600);
        assert_eq!(parse_server_version(b"18devel"), 180000);
        assert_eq!(parse_server_version(b"18.1"), 180001);
        assert_eq!(parse_server_version(b"x"), 0);
    }
}
