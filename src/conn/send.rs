//! Sending commands (libpq's PQsendQuery and siblings, PQexec's start and
//! finish), the command queue they feed, pipeline mode and the partial
//! result modes. Results are read in `receive`.

use super::{AsyncStatus, Command, Connection, PartialMode, QueryClass};
use crate::ffi::types::{ConnStatusType, ExecStatusType, PGpipelineStatus};
use crate::messages::conn as msg;
use crate::protocol::frontend;
use crate::result::PgResult;

use ExecStatusType::*;
use PGpipelineStatus::*;

/// In pipeline mode the output is pushed once it holds this much (libpq's
/// OUTBUFFER_THRESHOLD), so that a pipeline leaves in large writes.
const PIPELINE_FLUSH_AT: usize = 65536;

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
    /// Checks that a new command may be sent (libpq's PQsendQueryStart).
    fn send_start(&mut self) -> bool {
        self.begin_operation();
        if self.status != ConnStatusType::CONNECTION_OK {
            self.append_error(msg::NO_CONNECTION);
            return false;
        }
        if self.async_status != AsyncStatus::Idle && self.pipeline == PQ_PIPELINE_OFF {
            self.append_error(msg::ANOTHER_COMMAND);
            return false;
        }
        if self.pipeline != PQ_PIPELINE_OFF {
            // Queued behind what is in flight; only COPY can't be queued behind.
            if matches!(
                self.async_status,
                AsyncStatus::CopyIn | AsyncStatus::CopyOut | AsyncStatus::CopyBoth
            ) {
                self.append_error(msg::CANNOT_QUEUE_DURING_COPY);
                return false;
            }
        } else {
            // The results come at once: start accumulating afresh.
            self.clear_async_result();
            self.partial = PartialMode::Off;
        }
        true
    }

    /// Records a command whose messages are in the output buffer (libpq's
    /// pqAppendCmdQueueEntry).
    fn append_command(&mut self, class: QueryClass, query: &[u8]) {
        let mut buf = self.spare_queries.pop().unwrap_or_default();
        buf.clear();
        buf.extend_from_slice(query);
        self.cmd_queue.push_back(Command { class, query: buf });
        match self.pipeline {
            PQ_PIPELINE_OFF | PQ_PIPELINE_ON => {
                // A result waiting to be collected stays ready.
                if self.async_status == AsyncStatus::Idle {
                    self.async_status = AsyncStatus::Busy;
                }
            }
            PQ_PIPELINE_ABORTED => {
                // Nothing comes from the server for it: go straight to its
                // PGRES_PIPELINE_ABORTED, as PQgetResult would.
                if matches!(
                    self.async_status,
                    AsyncStatus::Idle | AsyncStatus::PipelineIdle
                ) {
                    self.pipeline_process_queue();
                }
            }
        }
    }

    /// libpq's pqPipelineFlush: outside a working pipeline push now; inside
    /// one only past the size threshold.
    fn pipeline_flush(&mut self) -> Result<bool, ()> {
        if self.pipeline != PQ_PIPELINE_ON || self.output.len() >= PIPELINE_FLUSH_AT {
            self.flush()
        } else {
            Ok(true)
        }
    }

    /// A Sync after the command, unless the pipeline's own Syncs do that.
    fn sync_unless_pipelined(&mut self) {
        if self.pipeline == PQ_PIPELINE_OFF {
            frontend::sync(&mut self.output);
        }
    }

    /// Pushes the queued messages and records the command (the end of every
    /// send function). Nothing is recorded when the connection broke.
    fn launch(&mut self, class: QueryClass, query: &[u8]) -> bool {
        let pushed = if class == QueryClass::Simple {
            self.flush()
        } else {
            self.pipeline_flush()
        };
        if pushed.is_err() {
            return false;
        }
        self.append_command(class, query);
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
        if self.pipeline != PQ_PIPELINE_OFF {
            self.append_error(&msg::not_in_pipeline_mode("PQsendQuery"));
            return false;
        }
        frontend::query(&mut self.output, sql);
        self.launch(QueryClass::Simple, sql)
    }

    /// PQsendPrepare: Parse (+ Sync).
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
        self.sync_unless_pipelined();
        self.launch(QueryClass::Prepare, query)
    }

    /// PQsendDescribePrepared / PQsendDescribePortal (Describe (+ Sync)) and
    /// PQsendClosePrepared / PQsendClosePortal (Close (+ Sync)): `kind` is
    /// b'S' or b'P'; a NULL name is the unnamed one.
    pub fn send_typed(&mut self, class: QueryClass, kind: u8, name: Option<&[u8]>) -> bool {
        if !self.send_start() {
            return false;
        }
        let name = name.unwrap_or(b"");
        match class {
            QueryClass::Close => frontend::close(&mut self.output, kind, name),
            _ => frontend::describe(&mut self.output, kind, name),
        }
        self.sync_unless_pipelined();
        self.launch(class, b"")
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

    /// PQsendQueryPrepared: Bind + Describe portal + Execute (+ Sync) of a
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

    /// Queues [Parse,] Bind, Describe portal, Execute (and Sync outside a
    /// pipeline) and pushes them in one write (libpq's PQsendQueryGuts).
    /// Nothing is queued on failure.
    fn send_query_guts(
        &mut self,
        command: Option<&[u8]>,
        statement: &[u8],
        param_types: &[u32],
        params: &[Param<'_>],
        formats: &[i16],
        result_format: i32,
    ) -> bool {
        for p in params {
            match *p {
                Param::Null | Param::Text(_) | Param::Binary(_) => {}
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
        let values = || {
            params.iter().map(|p| match *p {
                Param::Text(v) | Param::Binary(v) => Some(v),
                _ => None,
            })
        };
        // libpq's output buffer is sized by an int: it refuses to grow past
        // INT_MAX, and a message length word can't say more.
        let bind_len = frontend::bind_len(statement, formats.len(), values());
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
            values(),
            result_format as i16,
        );
        frontend::describe(&mut self.output, b'P', b"");
        frontend::execute(&mut self.output, 0);
        self.sync_unless_pipelined();
        self.launch(QueryClass::Extended, command.unwrap_or(b""))
    }

    // ---- the blocking forms: start, send, finish ----

    /// PQexec: drain what an earlier asynchronous command left, send, and
    /// return the last result.
    pub fn exec(&mut self, sql: Option<&[u8]>) -> Option<Box<PgResult>> {
        if !self.exec_start() || !self.send_query(sql) {
            return None;
        }
        self.exec_finish()
    }

    /// PQprepare, PQexecParams and friends: send, then wait for the last result.
    pub fn exec_extended(&mut self, send: impl FnOnce(&mut Self) -> bool) -> Option<Box<PgResult>> {
        if !self.exec_start() || !send(self) {
            return None;
        }
        self.exec_finish()
    }

    /// Discards results nobody collected (libpq's PQexecStart).
    fn exec_start(&mut self) -> bool {
        self.begin_operation();
        if self.pipeline != PQ_PIPELINE_OFF {
            self.append_error(msg::SYNC_IN_PIPELINE);
            return false;
        }
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

    // ---- pipeline mode ----

    /// PQenterPipelineMode.
    pub fn enter_pipeline(&mut self) -> bool {
        if self.pipeline != PQ_PIPELINE_OFF {
            return true;
        }
        if self.async_status != AsyncStatus::Idle {
            self.append_error(msg::CANNOT_ENTER_PIPELINE);
            return false;
        }
        self.pipeline = PQ_PIPELINE_ON;
        true
    }

    /// PQexitPipelineMode: only once every result is collected.
    pub fn exit_pipeline(&mut self) -> bool {
        let idle = matches!(
            self.async_status,
            AsyncStatus::Idle | AsyncStatus::PipelineIdle
        );
        if self.pipeline == PQ_PIPELINE_OFF && idle && self.cmd_queue.is_empty() {
            return true;
        }
        match self.async_status {
            AsyncStatus::Ready | AsyncStatus::ReadyMore => {
                self.append_error(msg::EXIT_PIPELINE_UNCOLLECTED);
                return false;
            }
            AsyncStatus::Busy => {
                self.append_error(msg::EXIT_PIPELINE_BUSY);
                return false;
            }
            // As libpq: the complaint, then on to the queue check.
            AsyncStatus::CopyIn | AsyncStatus::CopyOut | AsyncStatus::CopyBoth => {
                self.append_error(msg::EXIT_PIPELINE_IN_COPY)
            }
            AsyncStatus::Idle | AsyncStatus::PipelineIdle => {}
        }
        if !self.cmd_queue.is_empty() {
            self.append_error(msg::EXIT_PIPELINE_UNCOLLECTED);
            return false;
        }
        self.pipeline = PQ_PIPELINE_OFF;
        self.async_status = AsyncStatus::Idle;
        self.flush().is_ok()
    }

    /// PQpipelineSync (`immediate`) and PQsendPipelineSync.
    pub fn pipeline_sync(&mut self, immediate: bool) -> bool {
        if self.pipeline == PQ_PIPELINE_OFF {
            self.append_error(msg::SYNC_NOT_IN_PIPELINE);
            return false;
        }
        if matches!(
            self.async_status,
            AsyncStatus::CopyIn | AsyncStatus::CopyOut | AsyncStatus::CopyBoth
        ) {
            self.append_error(msg::SYNC_IN_COPY);
            return false;
        }
        frontend::sync(&mut self.output);
        let pushed = if immediate {
            self.flush()
        } else {
            self.pipeline_flush()
        };
        if pushed.is_err() {
            return false;
        }
        self.append_command(QueryClass::Sync, b"");
        true
    }

    /// PQsendFlushRequest: asks the server to send what it has, without a Sync.
    pub fn send_flush_request(&mut self) -> bool {
        if self.status != ConnStatusType::CONNECTION_OK {
            self.append_error(msg::NO_CONNECTION);
            return false;
        }
        if self.async_status != AsyncStatus::Idle && self.pipeline == PQ_PIPELINE_OFF {
            self.append_error(msg::ANOTHER_COMMAND);
            return false;
        }
        frontend::flush(&mut self.output);
        self.pipeline_flush().is_ok()
    }

    /// PQpipelineStatus.
    pub fn pipeline_status(&self) -> PGpipelineStatus {
        self.pipeline
    }

    // ---- single-row and chunked results ----

    /// May the result mode change now? Only after sending a query or
    /// statement and before any of its results arrived.
    fn can_change_result_mode(&self) -> bool {
        self.async_status == AsyncStatus::Busy
            && self
                .cmd_queue
                .front()
                .is_some_and(|c| matches!(c.class, QueryClass::Simple | QueryClass::Extended))
            && !self.has_pending_result()
    }

    /// PQsetSingleRowMode.
    pub fn set_single_row_mode(&mut self) -> bool {
        if !self.can_change_result_mode() {
            return false;
        }
        self.partial = PartialMode::SingleRow;
        true
    }

    /// PQsetChunkedRowsMode.
    pub fn set_chunked_rows_mode(&mut self, chunk_size: i32) -> bool {
        if chunk_size <= 0 || !self.can_change_result_mode() {
            return false;
        }
        self.partial = PartialMode::Chunked(chunk_size as usize);
        true
    }

    /// A result in progress, or one to report (libpq's pgHavePendingResult).
    pub(crate) fn has_pending_result(&self) -> bool {
        self.result.is_some() || self.error_result
    }

    // ---- non-blocking mode ----

    /// PQsetnonblocking: 0, or -1 when the connection is bad or the flush
    /// before switching fails.
    pub fn set_nonblocking(&mut self, on: bool) -> i32 {
        if self.status == ConnStatusType::CONNECTION_BAD {
            return -1;
        }
        if on == self.nonblocking {
            return 0;
        }
        // As libpq: a flush failure would add to the error text, which
        // starts afresh unless it belongs to queued commands.
        self.begin_operation();
        // What was queued under the old mode leaves under it.
        if !matches!(self.flush(), Ok(true)) {
            return -1;
        }
        self.nonblocking = on;
        0
    }

    /// PQflush: 0 all sent, 1 some remains (non-blocking), -1 failure.
    pub fn flush_output(&mut self) -> i32 {
        if self.status == ConnStatusType::CONNECTION_BAD {
            return -1;
        }
        match self.flush() {
            Ok(true) => 0,
            Ok(false) => 1,
            Err(()) => -1,
        }
    }
}
