//! The query engine: sending commands and turning the server's messages into
//! results (libpq's PQsendQuery, pqParseInput3, PQgetResult, PQexec).

use super::buffer::ReadOutcome;
use super::{AsyncStatus, Connection, QueryClass};
use crate::ffi::types::{ConnStatusType, ExecStatusType, PGTransactionStatusType};
use crate::messages::conn as msg;
use crate::protocol::backend::{self, Frame, Reader};
use crate::protocol::frontend;
use crate::result::PgResult;

use ExecStatusType::*;

/// An asynchronous notification from LISTEN/NOTIFY.
#[derive(Debug, Clone)]
pub struct Notification {
    pub backend_pid: i32,
    pub channel: Vec<u8>,
    pub payload: Vec<u8>,
}

/// One parameter of PQexecParams/PQexecPrepared as the caller gave it
/// (paramValues, paramLengths and paramFormats read together).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param<'a> {
    /// A NULL pointer in paramValues (or no paramValues): SQL NULL.
    Null,
    /// A text value: the C string without its NUL.
    Text(&'a [u8]),
    /// A binary value of paramLengths[i] bytes.
    Binary(&'a [u8]),
    /// A binary value without paramLengths to say how long it is.
    BinaryWithoutLength,
    /// A binary value whose paramLengths entry is negative.
    BinaryBadLength,
}

impl Connection {
    /// Checks that a new command may be sent (libpq's pqSendQueryStart).
    fn send_start(&mut self) -> bool {
        self.begin_operation();
        if self.status != ConnStatusType::CONNECTION_OK {
            self.append_error(msg::NO_CONNECTION);
            return false;
        }
        if self.async_status != AsyncStatus::Idle {
            self.append_error(msg::ANOTHER_COMMAND);
            return false;
        }
        true
    }

    /// PQsendQuery: a simple-protocol query.
    pub fn send_query(&mut self, sql: Option<&[u8]>) -> bool {
        if !self.send_start() {
            return false;
        }
        let Some(sql) = sql else {
            self.append_error(msg::NULL_COMMAND);
            return false;
        };
        frontend::query(&mut self.output, sql);
        self.query_class = super::QueryClass::Simple;
        self.last_query.clear();
        self.last_query.extend_from_slice(sql);
        if self.send_flush().is_err() {
            return false;
        }
        self.async_status = AsyncStatus::Busy;
        self.command_queued = true;
        true
    }

    /// Flushes after queueing a command: everything in blocking mode, what
    /// the socket takes in non-blocking mode.
    fn send_flush(&mut self) -> Result<(), ()> {
        if self.nonblocking {
            self.flush_nonblocking().map(|_| ())
        } else {
            self.flush_blocking()
        }
    }

    /// PQexec: drain what an earlier asynchronous command left, send, and
    /// return the last result.
    pub fn exec(&mut self, sql: Option<&[u8]>) -> Option<Box<PgResult>> {
        if !self.exec_start() || !self.send_query(sql) {
            return None;
        }
        self.exec_finish()
    }

    /// Discards results nobody collected (libpq's PQexecStart).
    fn exec_start(&mut self) -> bool {
        self.begin_operation();
        while let Some(res) = self.get_result() {
            match res.status() {
                PGRES_COPY_IN if self.put_copy_end(Some(msg::COPY_TERMINATED_BY_PQEXEC)) < 0 => {
                    return false;
                }
                PGRES_COPY_OUT => self.async_status = AsyncStatus::Busy,
                PGRES_COPY_BOTH => {
                    self.append_error(msg::PQEXEC_DURING_COPY_BOTH);
                    return false;
                }
                _ => {}
            }
            if self.status == ConnStatusType::CONNECTION_BAD {
                return false;
            }
        }
        true
    }

    /// Collects results until none is left; the last one wins.
    fn exec_finish(&mut self) -> Option<Box<PgResult>> {
        let mut last = None;
        while let Some(res) = self.get_result() {
            let stop = matches!(
                res.status(),
                PGRES_COPY_IN | PGRES_COPY_OUT | PGRES_COPY_BOTH
            ) || self.status == ConnStatusType::CONNECTION_BAD;
            last = Some(res);
            if stop {
                break;
            }
        }
        last
    }

    /// PQsendPrepare: Parse + Sync.
    /// `n_params` is the caller's count (checked as libpq checks it, after the
    /// connection state); `param_types` holds that many OIDs when it is valid.
    pub fn send_prepare(
        &mut self,
        name: Option<&[u8]>,
        query: Option<&[u8]>,
        n_params: i32,
        param_types: &[u32],
    ) -> bool {
        if !self.send_start() {
            return false;
        }
        let Some(name) = name else {
            self.append_error(msg::NULL_STATEMENT_NAME);
            return false;
        };
        let Some(query) = query else {
            self.append_error(msg::NULL_COMMAND);
            return false;
        };
        if !self.param_count_ok(n_params) {
            return false;
        }
        frontend::parse(&mut self.output, name, query, param_types);
        frontend::sync(&mut self.output);
        self.start_extended(QueryClass::Prepare, query)
    }

    /// PQsendDescribePrepared / PQsendDescribePortal (Describe + Sync) and
    /// PQsendClosePrepared / PQsendClosePortal (Close + Sync): `kind` is b'S'
    /// or b'P'; a NULL name is the unnamed one.
    pub fn send_typed(&mut self, class: QueryClass, kind: u8, name: Option<&[u8]>) -> bool {
        if !self.send_start() {
            return false;
        }
        let name = name.unwrap_or(b"");
        match class {
            QueryClass::Close => frontend::close(&mut self.output, kind, name),
            _ => frontend::describe(&mut self.output, kind, name),
        }
        frontend::sync(&mut self.output);
        self.start_extended(class, b"")
    }

    /// PQsendQueryParams: Parse of the unnamed statement, then as
    /// [`Self::send_query_prepared`]. `n_params` is the caller's count;
    /// `param_types` and `params` hold that many entries when it is valid
    /// (`param_types` may be empty: all inferred by the server).
    pub fn send_query_params(
        &mut self,
        command: Option<&[u8]>,
        n_params: i32,
        param_types: &[u32],
        params: &[Param<'_>],
        formats: &[i16],
        result_format: i32,
    ) -> bool {
        if !self.send_start() {
            return false;
        }
        let Some(command) = command else {
            self.append_error(msg::NULL_COMMAND);
            return false;
        };
        if !self.param_count_ok(n_params) {
            return false;
        }
        self.send_query_guts(
            Some(command),
            b"",
            param_types,
            params,
            formats,
            result_format,
        )
    }

    /// PQsendQueryPrepared: Bind + Describe portal + Execute + Sync of a
    /// prepared statement. `formats` is empty when the caller gave none.
    pub fn send_query_prepared(
        &mut self,
        statement: Option<&[u8]>,
        n_params: i32,
        params: &[Param<'_>],
        formats: &[i16],
        result_format: i32,
    ) -> bool {
        if !self.send_start() {
            return false;
        }
        let Some(statement) = statement else {
            self.append_error(msg::NULL_STATEMENT_NAME);
            return false;
        };
        if !self.param_count_ok(n_params) {
            return false;
        }
        self.send_query_guts(None, statement, &[], params, formats, result_format)
    }

    fn param_count_ok(&mut self, n_params: i32) -> bool {
        let max = crate::ffi::types::PQ_QUERY_PARAM_MAX_LIMIT;
        if !(0..=max).contains(&n_params) {
            self.append_error(&msg::param_count_range(max));
            return false;
        }
        true
    }

    /// Queues [Parse,] Bind, Describe portal, Execute, Sync and sends them in
    /// one write (libpq's PQsendQueryGuts). Nothing is queued on failure.
    fn send_query_guts(
        &mut self,
        command: Option<&[u8]>,
        statement: &[u8],
        param_types: &[u32],
        params: &[Param<'_>],
        formats: &[i16],
        result_format: i32,
    ) -> bool {
        let mut values = Vec::with_capacity(params.len());
        for p in params {
            match *p {
                Param::Null => values.push(None),
                Param::Text(v) | Param::Binary(v) => values.push(Some(v)),
                Param::BinaryWithoutLength => {
                    self.append_error(msg::BINARY_PARAM_WITHOUT_LENGTH);
                    return false;
                }
                // libpq would copy "length" bytes from before the value
                // (and crash); the output buffer can't take a negative size.
                Param::BinaryBadLength => {
                    self.append_error(msg::OUTPUT_BUFFER_ALLOC);
                    return false;
                }
            }
        }
        // libpq's output buffer is sized by an int: it refuses to grow past
        // INT_MAX, and a message length word can't say more.
        let bind_len = frontend::bind_len(statement, formats.len(), &values);
        let parse_len = command.map_or(0, |c| {
            1 + 4 + statement.len() + c.len() + 2 + 2 + 4 * param_types.len()
        });
        if self.output.len() + parse_len + bind_len + 64 > i32::MAX as usize {
            self.append_error(msg::OUTPUT_BUFFER_ALLOC);
            return false;
        }
        if let Some(command) = command {
            frontend::parse(&mut self.output, statement, command, param_types);
        }
        frontend::bind(
            &mut self.output,
            statement,
            formats,
            &values,
            result_format as i16,
        );
        frontend::describe(&mut self.output, b'P', b"");
        frontend::execute(&mut self.output, 0);
        frontend::sync(&mut self.output);
        self.start_extended(QueryClass::Extended, command.unwrap_or(b""))
    }

    fn start_extended(&mut self, class: QueryClass, query: &[u8]) -> bool {
        self.query_class = class;
        self.last_query.clear();
        self.last_query.extend_from_slice(query);
        if self.send_flush().is_err() {
            return false;
        }
        self.async_status = AsyncStatus::Busy;
        self.command_queued = true;
        true
    }

    /// PQprepare, PQdescribePrepared and friends: send, then wait for the last result.
    pub fn exec_extended(&mut self, send: impl FnOnce(&mut Self) -> bool) -> Option<Box<PgResult>> {
        if !self.exec_start() || !send(self) {
            return None;
        }
        self.exec_finish()
    }

    /// PQputCopyData: queues one chunk of COPY FROM STDIN data. 1 queued, 0
    /// would block (non-blocking mode), -1 error.
    pub fn put_copy_data(&mut self, data: &[u8]) -> i32 {
        if !matches!(
            self.async_status,
            AsyncStatus::CopyIn | AsyncStatus::CopyBoth
        ) {
            self.append_error(msg::NO_COPY_IN_PROGRESS);
            return -1;
        }
        // Notices and notifications that arrived meanwhile are handled now.
        self.parse_input();
        if data.is_empty() {
            return 1;
        }
        const FLUSH_AT: usize = 8192;
        if self.output.len() + data.len() + 5 > FLUSH_AT {
            match self.flush_nonblocking() {
                Err(()) => return -1,
                Ok(false) if self.nonblocking && self.output.len() > 4 * FLUSH_AT => return 0,
                Ok(_) => {}
            }
        }
        frontend::copy_data(&mut self.output, data);
        if self.output.len() >= FLUSH_AT {
            let flushed = if self.nonblocking {
                self.flush_nonblocking().map(|_| ())
            } else {
                self.flush_blocking()
            };
            if flushed.is_err() {
                return -1;
            }
        }
        1
    }

    /// PQgetCopyData: the next row of COPY TO STDOUT. Ok(Some(bytes)) a row,
    /// Ok(None) nothing yet (async), Err(-1) the COPY ended, Err(-2) error.
    pub fn get_copy_data(&mut self, wait: bool) -> Result<Option<Vec<u8>>, i32> {
        if !matches!(
            self.async_status,
            AsyncStatus::CopyOut | AsyncStatus::CopyBoth
        ) {
            self.append_error(msg::NO_COPY_IN_PROGRESS);
            return Err(-2);
        }
        loop {
            match backend::frame(self.input.unread()) {
                Frame::Message { tag, len } => match tag {
                    b'd' => {
                        let row = self.input.unread()[5..5 + len].to_vec();
                        self.input.consume(5 + len);
                        if !row.is_empty() {
                            return Ok(Some(row));
                        }
                    }
                    b'A' | b'N' | b'S' => {
                        if !self.process_message(tag, len) {
                            return Err(-2);
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
                        return Err(-1);
                    }
                    _ => {
                        // Anything else ends the COPY; PQgetResult reads it.
                        self.async_status = AsyncStatus::Busy;
                        return Err(-1);
                    }
                },
                Frame::Invalid { tag } => {
                    let unread = self.input.unread();
                    let word = i32::from_be_bytes([unread[1], unread[2], unread[3], unread[4]]);
                    self.handle_sync_loss(tag, word);
                    return Err(-2);
                }
                Frame::Incomplete(need) => {
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

    /// PQputCopyEnd: ends COPY FROM STDIN, or fails it with `error`.
    pub fn put_copy_end(&mut self, error: Option<&str>) -> i32 {
        if !matches!(
            self.async_status,
            AsyncStatus::CopyIn | AsyncStatus::CopyBoth
        ) {
            self.append_error(msg::NO_COPY_IN_PROGRESS);
            return -1;
        }
        match error {
            Some(text) => frontend::copy_fail(&mut self.output, text.as_bytes()),
            None => frontend::copy_done(&mut self.output),
        }
        self.async_status = AsyncStatus::Busy;
        if self.send_flush().is_err() {
            return -1;
        }
        1
    }

    /// PQgetResult: the next result, waiting for it; None when the command
    /// is done. The result is boxed at its final address before the event
    /// procs hear of it (PGEVT_RESULTCREATE), as they may keep the pointer.
    pub fn get_result(&mut self) -> Option<Box<PgResult>> {
        let mut res = Box::new(self.next_result()?);
        if !res.events().is_empty() {
            // A proc that fails only misses its RESULTDESTROY, as in libpq.
            crate::ffi::events::fire_result_create(self, &mut res);
        }
        Some(res)
    }

    fn next_result(&mut self) -> Option<PgResult> {
        self.parse_input();
        while self.async_status == AsyncStatus::Busy {
            let failed = self.flush_blocking().is_err()
                || self.wait_socket(true, false, None).is_err()
                || matches!(self.read_data(0), ReadOutcome::Failed);
            if failed {
                self.save_error_result();
                self.async_status = AsyncStatus::Idle;
                return Some(self.take_result());
            }
            self.parse_input();
        }
        match self.async_status {
            AsyncStatus::Idle => None,
            AsyncStatus::Ready => {
                // A simple query's entry is retired at ReadyForQuery (its
                // string may hold more statements); the others' with their result.
                if self.query_class != QueryClass::Simple {
                    self.command_queued = false;
                }
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

    /// The COPY result: the one CopyInResponse/CopyOutResponse made, or a fresh one.
    fn copy_result(&mut self, status: ExecStatusType) -> PgResult {
        match self.result.take() {
            Some(res) if res.status() == status => res,
            _ => self.make_empty_result(status),
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

    /// PQsetClientEncoding.
    pub fn set_client_encoding(&mut self, encoding: &str) -> i32 {
        if self.status != ConnStatusType::CONNECTION_OK {
            return -1;
        }
        let encoding = if encoding == "auto" {
            crate::encoding::encoding_from_locale()
        } else {
            encoding
        };
        // libpq builds this query in a 128-byte buffer and refuses longer names.
        if encoding.len() + 29 > 128 {
            return -1;
        }
        let sql = msg::set_client_encoding_query(encoding);
        match self.exec(Some(sql.as_bytes())) {
            Some(res) if res.status() == PGRES_COMMAND_OK => 0,
            _ => -1,
        }
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
                    && self.query_class != QueryClass::Describe
                {
                    // A second RowDescription starts another result: hand out this one first.
                    self.async_status = AsyncStatus::Ready;
                    return;
                }
                self.process_message(tag, len)
            };
            if self.status == ConnStatusType::CONNECTION_BAD && self.sock.is_none() {
                return;
            }
            if consumed {
                self.input.consume(5 + len);
            } else {
                self.append_error(&msg::length_mismatch(tag));
                self.save_error_result();
                self.async_status = AsyncStatus::Ready;
                self.input.consume(5 + len);
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
    fn process_message(&mut self, tag: u8, len: usize) -> bool {
        // Copy the body out of the input buffer only for messages that need
        // &mut self with the body at hand; DataRow is read in place.
        match tag {
            b'D' => return self.process_data_row(len),
            b'd' | b'c' => return true,
            _ => {}
        }
        let body = self.input.unread()[5..5 + len].to_vec();
        let mut r = Reader::new(&body);
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
            b'N' => self.handle_error_notice(&body, false).is_ok(),
            b'E' => {
                if self.handle_error_notice(&body, true).is_err() {
                    return false;
                }
                self.async_status = AsyncStatus::Ready;
                true
            }
            b'C' => {
                let Some(tag) = r.cstr() else { return false };
                if self.result.is_none() && !self.error_result {
                    self.result = Some(self.new_result(PGRES_COMMAND_OK));
                }
                if let Some(res) = self.result.as_mut() {
                    res.set_command_tag(tag);
                }
                self.async_status = AsyncStatus::Ready;
                r.remaining() == 0
            }
            b'I' => {
                if self.result.is_none() && !self.error_result {
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
                self.async_status = AsyncStatus::Idle;
                self.command_queued = false;
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
                let Some(pid) = r.i32() else { return false };
                self.backend_pid = pid;
                self.cancel_key = r.rest().to_vec();
                true
            }
            b'T' => {
                if self.has_failed_result() {
                    return true;
                }
                match backend::row_description(&body) {
                    Some(fields) => {
                        let describing = self.query_class == QueryClass::Describe;
                        // A Describe's RowDescription completes the result that
                        // ParameterDescription started.
                        let mut res = match self.result.take() {
                            Some(res) if describing => res,
                            // A portal's Describe has no ParameterDescription.
                            _ if describing => self.new_result(PGRES_COMMAND_OK),
                            _ => self.new_result(PGRES_TUPLES_OK),
                        };
                        res.set_fields(&fields);
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
                let (Some(_format), Some(n)) = (r.u8(), r.i16()) else {
                    return false;
                };
                let mut formats = Vec::new();
                for _ in 0..n.max(0) {
                    let Some(f) = r.i16() else { return false };
                    formats.push(f);
                }
                let mut res = self.new_result(status);
                let descs: Vec<_> = formats
                    .iter()
                    .map(|&format| backend::FieldDescription {
                        name: b"",
                        table_oid: 0,
                        column: 0,
                        type_oid: 0,
                        type_len: 0,
                        type_mod: 0,
                        format,
                    })
                    .collect();
                res.set_fields(&descs);
                self.result = Some(res);
                self.async_status = next;
                r.remaining() == 0
            }
            b'V' => {
                // FunctionCallResponse of the fast-path protocol (src/conn/fastpath.rs).
                self.fastpath_response = Some(body.clone());
                true
            }
            b'1' => {
                if self.query_class == QueryClass::Prepare {
                    if self.result.is_none() && !self.error_result {
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
                if self.query_class == QueryClass::Describe {
                    if self.result.is_none() && !self.error_result {
                        self.result = Some(self.new_result(PGRES_COMMAND_OK));
                    }
                    self.async_status = AsyncStatus::Ready;
                }
                true
            }
            b'3' => {
                if self.query_class == QueryClass::Close {
                    if self.result.is_none() && !self.error_result {
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

    /// A DataRow: one copy into the result's arena, straight from the input buffer.
    fn process_data_row(&mut self, len: usize) -> bool {
        let tuples = self
            .result
            .as_ref()
            .is_some_and(|r| matches!(r.status(), PGRES_TUPLES_OK | PGRES_TUPLES_CHUNK));
        if tuples {
            let body = &self.input.unread()[5..5 + len];
            let outcome = self.result.as_mut().map(|res| res.add_row(body));
            if let Some(Err(text)) = outcome {
                self.fail_result(text);
            }
        } else if !self.has_failed_result() {
            self.append_error(msg::D_WITHOUT_T);
            self.save_error_result();
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
    fn handle_sync_loss(&mut self, tag: u8, len: i32) {
        self.append_error(&msg::lost_sync(tag, len));
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
        let query = (field(b'P').is_some() && !self.last_query.is_empty())
            .then_some(self.last_query.as_slice());
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
            self.result = Some(res);
            self.error_result = false;
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
