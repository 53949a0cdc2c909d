//! The connection engine: one non-blocking state machine for connecting
//! (`connect`) and one for commands and results (`query`). The blocking calls
//! are these engines plus waiting on the socket (`wait_*`).

mod buffer;
mod cancel;
mod connect;
mod copy;
pub mod fastpath;
pub mod lobj;
pub mod password;
mod receive;
mod send;
mod tls;

use std::ffi::{CStr, CString};
use std::time::Instant;

pub use buffer::ErrorBuffer;
use buffer::{InputBuffer, OutputBuffer};

use crate::conninfo::{ConnOptions, ConnectPlan};
use crate::ffi::notice::NoticeHooks;
use crate::ffi::types::{
    ConnStatusType, ExecStatusType, PGContextVisibility, PGTransactionStatusType, PGVerbosity,
    PGpipelineStatus,
};
use crate::messages::conn as msg;
use crate::net::Socket;
use crate::result::PgResult;

pub use cancel::CancelConn;
pub use connect::PollStatus;
pub use receive::Notification;
pub use send::Param;

/// Where the command/result exchange stands (libpq's `asyncStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsyncStatus {
    /// Nothing in progress.
    Idle,
    /// A command was sent; results are being read.
    Busy,
    /// A result is complete and waits to be collected.
    Ready,
    /// A partial result (single-row or chunked mode) waits; more follow.
    ReadyMore,
    CopyIn,
    CopyOut,
    CopyBoth,
    /// Pipeline mode, between the results of two queued commands.
    PipelineIdle,
}

/// What kind of command a queue entry is (libpq's queryclass).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryClass {
    Simple,
    /// Bind/Describe/Execute, after a Parse or of a prepared statement.
    Extended,
    Prepare,
    Describe,
    Close,
    /// A pipeline's Sync.
    Sync,
}

/// One command sent and not yet answered in full (libpq's PGcmdQueueEntry).
#[derive(Debug)]
pub(crate) struct Command {
    pub class: QueryClass,
    /// Its text, for the position of an error (empty when there is none).
    pub query: Vec<u8>,
}

/// Single-row or chunked results for the command at the head of the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PartialMode {
    Off,
    SingleRow,
    Chunked(usize),
}

/// A connection: `PGconn`.
pub struct Connection {
    pub(crate) options: ConnOptions,
    pub(crate) options_valid: bool,
    /// The options parsed and defaults applied (PQdb and friends show them).
    pub(crate) options_parsed: bool,
    /// The host list when a later option check failed (PQhost/PQport show it).
    pub(crate) shown_targets: Vec<crate::conninfo::Target>,
    pub(crate) plan: Option<ConnectPlan>,
    pub(crate) status: ConnStatusType,
    pub(crate) error: ErrorBuffer,
    /// How much of `error` earlier error results already carried.
    pub(crate) error_reported: usize,
    /// An error happened in the library; make an error result from `error`.
    pub(crate) error_result: bool,

    pub(crate) connect: connect::ConnectState,
    /// OAuth issuer, discovery URI and bearer token: kept across attempts
    /// and PQreset (the token only until it has been used).
    pub(crate) oauth: crate::auth::oauth::Session,
    pub(crate) sock: Option<Socket>,
    /// The TLS session over `sock`, once negotiated.
    pub(crate) tls: Option<Box<crate::net::tls::TlsSession>>,
    pub(crate) input: InputBuffer,
    pub(crate) output: OutputBuffer,

    pub(crate) params: Vec<(CString, CString)>,
    pub(crate) backend_pid: i32,
    pub(crate) cancel_key: Vec<u8>,
    /// The protocol version in use: `max_protocol_version` from the start
    /// of each attempt, or what the server negotiated down to.
    pub(crate) pversion: u32,
    pub(crate) server_version: i32,
    pub(crate) client_encoding: i32,
    pub(crate) std_strings: bool,
    pub(crate) default_transaction_read_only: Option<bool>,
    pub(crate) in_hot_standby: Option<bool>,
    pub(crate) xact_status: PGTransactionStatusType,
    pub(crate) async_status: AsyncStatus,
    /// The result being assembled or waiting to be collected.
    pub(crate) result: Option<Box<PgResult>>,
    /// In a partial mode: the result the partial ones are cloned from
    /// (libpq's saved_result).
    pub(crate) saved_result: Option<Box<PgResult>>,
    /// Commands sent whose results are not all read, oldest first.
    pub(crate) cmd_queue: std::collections::VecDeque<Command>,
    /// The query buffers of retired commands, reused by the next ones so
    /// that queueing a command costs no allocation (libpq recycles its
    /// queue entries likewise, cmd_queue_recycle).
    pub(crate) spare_queries: Vec<Vec<u8>>,
    pub(crate) pipeline: PGpipelineStatus,
    pub(crate) partial: PartialMode,
    /// Reused to hold one message body while it is processed.
    pub(crate) message_scratch: Vec<u8>,
    /// How much of the current CopyData PQgetlineAsync already handed out.
    pub(crate) copy_already_done: usize,
    /// The COPY in progress is binary (its response's overall format).
    pub(crate) copy_binary: bool,
    pub(crate) last_sqlstate: [u8; 5],
    pub(crate) password_needed: bool,
    pub(crate) auth_req_received: bool,
    /// A write to the server failed (libpq's write_failed): nothing is
    /// written again, the output is discarded, and the failure is reported
    /// only when reading has found nothing better to say, typically the
    /// server's own last message before it closed the connection.
    pub(crate) write_failed: bool,
    /// What to say about it then (libpq's write_err_msg).
    pub(crate) write_err_msg: String,

    pub(crate) hooks: NoticeHooks,
    pub(crate) verbosity: PGVerbosity,
    pub(crate) show_context: PGContextVisibility,
    pub(crate) nonblocking: bool,
    pub(crate) notifications: std::collections::VecDeque<receive::Notification>,
    /// Large-object function OIDs, looked up once per session.
    pub(crate) lobj_funcs: Option<crate::ffi::lobj::LoFuncs>,
    /// The body of the last FunctionCallResponse ('V'), for the fast path.
    pub(crate) fastpath_response: Option<Vec<u8>>,
    /// Registered event procs (libpq-events.h); each result gets a copy.
    pub(crate) events: crate::ffi::events::Events,
    /// C copies of strings handed out by accessors; they live as long as the connection.
    accessor_strings: std::cell::RefCell<Vec<CString>>,
}

impl Connection {
    /// A connection that has not started: options parsed (or the parse error recorded).
    pub fn new(parsed: Result<ConnOptions, String>) -> Self {
        let (input, output) = buffer::new_buffers(16 * 1024);
        let mut conn = Connection {
            options: ConnOptions::default(),
            options_valid: false,
            options_parsed: false,
            shown_targets: Vec::new(),
            plan: None,
            status: ConnStatusType::CONNECTION_BAD,
            error: ErrorBuffer::default(),
            error_reported: 0,
            error_result: false,
            connect: connect::ConnectState::default(),
            oauth: Default::default(),
            sock: None,
            tls: None,
            input,
            output,
            params: Vec::new(),
            backend_pid: 0,
            cancel_key: Vec::new(),
            pversion: 0,
            server_version: 0,
            client_encoding: 0,
            std_strings: false,
            default_transaction_read_only: None,
            in_hot_standby: None,
            xact_status: PGTransactionStatusType::PQTRANS_IDLE,
            async_status: AsyncStatus::Idle,
            result: None,
            saved_result: None,
            cmd_queue: Default::default(),
            spare_queries: Vec::new(),
            pipeline: PGpipelineStatus::PQ_PIPELINE_OFF,
            partial: PartialMode::Off,
            message_scratch: Vec::new(),
            copy_already_done: 0,
            copy_binary: false,
            last_sqlstate: [0; 5],
            password_needed: false,
            auth_req_received: false,
            write_failed: false,
            write_err_msg: String::new(),
            hooks: NoticeHooks::default(),
            verbosity: PGVerbosity::PQERRORS_DEFAULT,
            show_context: PGContextVisibility::PQSHOW_CONTEXT_ERRORS,
            nonblocking: false,
            notifications: std::collections::VecDeque::new(),
            lobj_funcs: None,
            fastpath_response: None,
            events: Default::default(),
            accessor_strings: Default::default(),
        };
        match parsed {
            Ok(opts) => conn.options = opts,
            Err(text) => conn.error.append(text.as_bytes()),
        }
        conn
    }

    // ---- accessors (PQstatus and friends) ----

    pub fn status(&self) -> ConnStatusType {
        self.status
    }
    pub fn options(&self) -> &ConnOptions {
        &self.options
    }
    pub fn error_message(&self) -> &CStr {
        self.error.as_c_str()
    }
    pub fn notice_hooks_mut(&mut self) -> &mut NoticeHooks {
        &mut self.hooks
    }
    pub fn set_verbosity(&mut self, v: PGVerbosity) -> PGVerbosity {
        std::mem::replace(&mut self.verbosity, v)
    }
    pub fn set_show_context(&mut self, v: PGContextVisibility) -> PGContextVisibility {
        std::mem::replace(&mut self.show_context, v)
    }
    pub fn transaction_status(&self) -> PGTransactionStatusType {
        if self.status != ConnStatusType::CONNECTION_OK {
            PGTransactionStatusType::PQTRANS_UNKNOWN
        } else if self.async_status != AsyncStatus::Idle {
            PGTransactionStatusType::PQTRANS_ACTIVE
        } else {
            self.xact_status
        }
    }
    pub fn parameter_status(&self, name: &[u8]) -> Option<&CStr> {
        self.params
            .iter()
            .find(|(k, _)| k.as_bytes() == name)
            .map(|(_, v)| v.as_c_str())
    }
    pub fn server_version(&self) -> i32 {
        if self.status == ConnStatusType::CONNECTION_BAD {
            0
        } else {
            self.server_version
        }
    }
    /// PQprotocolVersion: the major version, 0 on a bad connection.
    pub fn protocol_version(&self) -> i32 {
        if self.status == ConnStatusType::CONNECTION_BAD {
            0
        } else {
            (self.pversion >> 16) as i32
        }
    }
    /// PQfullProtocolVersion: major * 10000 + minor (30000, 30002), 0 on a
    /// bad connection.
    pub fn full_protocol_version(&self) -> i32 {
        if self.status == ConnStatusType::CONNECTION_BAD {
            0
        } else {
            ((self.pversion >> 16) * 10000 + (self.pversion & 0xffff)) as i32
        }
    }
    pub fn backend_pid(&self) -> i32 {
        if self.status == ConnStatusType::CONNECTION_OK {
            self.backend_pid
        } else {
            0
        }
    }
    /// PQsocket: the connection's socket, or while a host name is being
    /// looked up the descriptor that signals the answer.
    pub fn socket(&self) -> i32 {
        // While the application's OAuth flow runs, its altsock (libpq 18).
        if let Some(flow) = self.connect.oauth_flow.as_ref().filter(|f| f.altsock >= 0) {
            return flow.altsock;
        }
        match &self.sock {
            Some(s) => s.raw_fd(),
            None => self.connect.pending_fd().unwrap_or(-1),
        }
    }
    pub fn client_encoding(&self) -> i32 {
        if self.status == ConnStatusType::CONNECTION_OK {
            self.client_encoding
        } else {
            -1
        }
    }
    /// PQisnonblocking: false once the connection is bad, as libpq.
    pub fn is_nonblocking(&self) -> bool {
        self.nonblocking && self.status != ConnStatusType::CONNECTION_BAD
    }

    /// The option value the session uses (after defaults), as PQdb/PQuser/PQoptions show it.
    pub fn option(&self, keyword: &str) -> Option<&str> {
        if !self.options_parsed {
            return None;
        }
        self.options.get(keyword)
    }

    /// PQhost: the current target's host, else its hostaddr, else "".
    pub fn host(&self) -> &str {
        match self.current_target() {
            Some(t) if !t.host.is_empty() => &t.host,
            Some(t) => t.hostaddr.as_deref().unwrap_or(""),
            None => "",
        }
    }

    /// PQport: the current target's port; libpq 18 shows the default when unknown.
    pub fn port(&self) -> &str {
        match self.current_target() {
            Some(t) if !t.port.is_empty() => &t.port,
            _ => "5432",
        }
    }

    /// PQhostaddr: the numeric address of the current TCP connection, or "".
    pub fn hostaddr(&self) -> &str {
        self.connect.connected_ip.as_deref().unwrap_or("")
    }

    /// PQpass: the password in use: the target's (from the password file) or the option's.
    pub fn password(&self) -> &str {
        self.current_target()
            .and_then(|t| t.password.as_deref())
            .or_else(|| self.options.get("password"))
            .unwrap_or("")
    }

    pub fn needs_password(&self) -> bool {
        self.password_needed && self.password().is_empty()
    }
    pub fn used_password(&self) -> bool {
        self.password_needed
    }

    pub(crate) fn current_target(&self) -> Option<&crate::conninfo::Target> {
        match &self.plan {
            Some(plan) => plan.targets.get(self.connect.which_target),
            None => self.shown_targets.first(),
        }
    }

    /// A stable C pointer to `text` for accessors such as PQhost: the copy is
    /// kept (and reused) until the connection is freed, so the pointer stays
    /// valid however the connection's state changes.
    pub fn c_string_ptr(&self, text: &str) -> *const std::ffi::c_char {
        let mut cache = self.accessor_strings.borrow_mut();
        if let Some(c) = cache.iter().find(|c| c.as_bytes() == text.as_bytes()) {
            return c.as_ptr();
        }
        let c = CString::new(text.replace('\0', "")).unwrap_or_default();
        let ptr = c.as_ptr();
        // Moving the CString into the Vec does not move its heap buffer.
        cache.push(c);
        ptr
    }

    // ---- errors and results ----

    /// Adds text to the connection's error message.
    pub fn append_error(&mut self, text: &str) {
        self.error.append(text.as_bytes());
    }

    /// Starts a new command: earlier errors no longer matter.
    pub fn clear_error(&mut self) {
        self.error.clear();
        self.error_reported = 0;
        self.error_result = false;
    }

    /// Drops any result in progress and remembers to report an error result.
    pub(crate) fn save_error_result(&mut self) {
        self.clear_async_result();
        self.error_result = true;
    }

    /// The deferred write failure, added to the error text, as the error
    /// result (libpq's pqSaveWriteError).
    pub(crate) fn save_write_error(&mut self) {
        if self.write_err_msg.is_empty() {
            self.append_error(msg::WRITE_FAILED);
        } else {
            let text = std::mem::take(&mut self.write_err_msg);
            self.append_error(&text);
        }
        self.save_error_result();
    }

    /// A result as libpq's PQmakeEmptyPGresult(conn, status) makes it: the
    /// connection's hooks, encoding and a copy of its event procs.
    pub(crate) fn new_result(&self, status: ExecStatusType) -> Box<PgResult> {
        // Boxed from the start: the result is handed to C as this box, and
        // moving the large struct by value cost several copies per result.
        let mut res = Box::new(PgResult::new(status, self.hooks, self.client_encoding));
        if !self.events.is_empty() {
            res.set_events(self.events.for_result());
        }
        res
    }

    /// `PQmakeEmptyPGresult` with a connection: error statuses carry its message.
    pub fn make_empty_result(&self, status: ExecStatusType) -> PgResult {
        *self.make_empty_result_boxed(status)
    }

    /// [`Connection::make_empty_result`], boxed.
    pub(crate) fn make_empty_result_boxed(&self, status: ExecStatusType) -> Box<PgResult> {
        let mut res = self.new_result(status);
        use ExecStatusType::*;
        if !matches!(
            status,
            PGRES_EMPTY_QUERY
                | PGRES_COMMAND_OK
                | PGRES_TUPLES_OK
                | PGRES_COPY_OUT
                | PGRES_COPY_IN
                | PGRES_COPY_BOTH
                | PGRES_SINGLE_TUPLE
                | PGRES_TUPLES_CHUNK
        ) {
            res.set_error_message(self.error.as_bytes());
        }
        res
    }

    /// Hands out the current result (or an error result), as libpq's pqPrepareAsyncResult.
    pub(crate) fn take_result(&mut self) -> Box<PgResult> {
        let res = match self.result.take() {
            Some(res) => {
                if res.status() == ExecStatusType::PGRES_FATAL_ERROR {
                    self.error_reported = self.error.len();
                }
                res
            }
            None => {
                if !self.error_result {
                    self.append_error(msg::NO_ERROR_TEXT);
                }
                if self.error_reported >= self.error.len() {
                    self.error_reported = 0;
                }
                let text = self.error.as_bytes()[self.error_reported..].to_vec();
                self.error_reported = self.error.len();
                let mut res = self.new_result(ExecStatusType::PGRES_FATAL_ERROR);
                res.set_error_message(&text);
                res
            }
        };
        // In a partial mode the saved result becomes current again.
        self.result = self.saved_result.take();
        self.error_result = false;
        res
    }

    /// Forgets the result in progress (libpq's pqClearAsyncResult).
    pub(crate) fn clear_async_result(&mut self) {
        self.result = None;
        self.saved_result = None;
        self.error_result = false;
    }

    /// Closes the socket and forgets buffered data.
    pub(crate) fn drop_connection(&mut self) {
        // An async OAuth flow ends with the connection (its cleanup runs).
        self.connect.oauth_flow = None;
        self.sock = None;
        self.tls = None;
        self.input.clear();
        self.output.clear();
        // As libpq's pqDropConnection: the queued commands go with it.
        self.cmd_queue.clear();
    }

    /// The start of a new operation (a command, an escape): the error text
    /// is cleared unless it belongs to a command still queued (libpq clears
    /// only when cmd_queue_head is NULL).
    pub fn begin_operation(&mut self) {
        if self.cmd_queue.is_empty() {
            self.clear_error();
        }
    }

    /// Sends Terminate (best effort) and closes.
    pub fn close(&mut self) {
        if self.sock.is_some() && self.status == ConnStatusType::CONNECTION_OK {
            crate::protocol::frontend::terminate(&mut self.output);
            let _ = self.flush_nonblocking();
        }
        if let (Some(tls), Some(sock)) = (self.tls.as_mut(), self.sock.as_ref()) {
            tls.close(sock);
        }
        self.drop_connection();
        self.oauth.clear_token();
        self.status = ConnStatusType::CONNECTION_BAD;
        self.async_status = AsyncStatus::Idle;
        self.pipeline = PGpipelineStatus::PQ_PIPELINE_OFF;
        self.partial = PartialMode::Off;
        self.clear_async_result();
        self.params.clear();
    }

    /// Blocks until the socket is ready for what `poll` asked, or the deadline.
    pub(crate) fn wait_socket(
        &mut self,
        read: bool,
        write: bool,
        deadline: Option<Instant>,
    ) -> Result<bool, ()> {
        let Some(sock) = &self.sock else {
            self.append_error(msg::INVALID_SOCKET);
            return Err(());
        };
        match crate::net::wait(sock.raw_fd(), read, write, deadline) {
            Ok(ready) => Ok(ready),
            Err(e) => {
                self.append_error(&format!(
                    "{}() failed: {}\n",
                    "poll",
                    crate::net::strerror(&e)
                ));
                Err(())
            }
        }
    }
}

impl Connection {
    /// Finishes a connection attempt for PQping and says what it showed
    /// (libpq's internal_ping).
    pub fn ping_outcome(&mut self) -> crate::ffi::types::PGPing {
        use crate::ffi::types::PGPing::*;
        if !self.options_valid {
            return PQPING_NO_ATTEMPT;
        }
        if self.status != ConnStatusType::CONNECTION_BAD {
            self.connect_complete();
        }
        if self.status != ConnStatusType::CONNECTION_BAD || self.auth_req_received {
            return PQPING_OK;
        }
        if self.last_sqlstate[0] == 0 {
            return PQPING_NO_RESPONSE;
        }
        if &self.last_sqlstate == b"57P03" {
            return PQPING_REJECT;
        }
        PQPING_OK
    }
}
