//! The connect state machine (libpq's PQconnectPoll): per target, resolve,
//! connect, send the startup packet, authenticate, read the session's
//! parameters, check target_session_attrs; on failure move to the next address
//! or host, accumulating libpq's error text.
//!
//! Where it does better than libpq, without changing any answer a caller
//! relies on:
//!
//! * Host names are resolved on a helper thread ([`net::Resolution`]): while
//!   the answer is awaited the status stays `CONNECTION_NEEDED`, `PQsocket` is
//!   an eventfd that becomes readable when the answer is in, and the poll
//!   answer is `PGRES_POLLING_READING` (the eventfd is writable at once, which
//!   is what a caller waits for right after `PQconnectStart`).
//! * `connect_timeout` holds per address in poll mode too: a poll after the
//!   deadline, with the socket still not ready for what the last answer asked,
//!   gives up that address with libpq's "timeout expired" and moves on, as
//!   `PQconnectdb` does (the blocking connect is this machine plus waiting).
//! * The startup packet and authentication responses are sent without
//!   blocking: when the socket does not take them at once the answer is
//!   `PGRES_POLLING_WRITING` and the next poll goes on sending.
//! * A poll in `CONNECTION_STARTED` before the socket is writable does not
//!   take the pending connect for a finished one.
//!
//! A cancel connection (`PGcancelConn`) is this machine in cancel-request
//! mode ([`CancelTarget`]): one address, the CancelRequest instead of the
//! startup packet, then waiting for the server to close.

use std::time::{Duration, Instant};

use super::buffer::ReadOutcome;
use super::{AsyncStatus, Connection};
use crate::auth::md5;
use crate::auth::oauth;
use crate::auth::scram::{self, ChannelBinding, ChannelBindingMode, ScramClient};
use crate::conninfo::{self, TargetError, TargetKind, TargetSessionAttrs};
use crate::ffi::types::{ConnStatusType, ExecStatusType};
use crate::messages::auth as msg_auth;
use crate::messages::conn as msg;
use crate::net::{self, Address, ConnectStart, Resolution, Socket, TcpSettings};
use crate::protocol::{backend, frontend};

use ConnStatusType::*;

/// What the caller should wait for before polling again (PostgresPollingStatusType).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollStatus {
    Failed,
    Reading,
    Writing,
    Ok,
}

/// Where a cancel connection sends its request: the address the original
/// connection is connected to, and the CancelRequest packet for its backend.
#[derive(Debug, Clone)]
pub struct CancelTarget {
    pub addr: Address,
    pub packet: Vec<u8>,
}

/// Where the connect machine stands beyond `Connection::status`.
#[derive(Default)]
pub struct ConnectState {
    /// Index of the target being tried (valid once `started`).
    pub which_target: usize,
    next_target: usize,
    started: bool,
    addrs: Vec<Address>,
    which_addr: usize,
    try_next_addr: bool,
    try_next_host: bool,
    /// prefer-standby's second pass, which accepts any server.
    second_pass: bool,
    /// Numeric address of the current TCP attempt (PQhostaddr).
    pub connected_ip: Option<String>,
    scram: Option<ScramClient>,
    /// A password was sent (cleartext or MD5): the client's part is done.
    client_finished_auth: bool,
    /// The host name lookup being waited for (status CONNECTION_NEEDED).
    resolving: Option<Resolution>,
    /// connect_timeout, when set (at least 2 seconds, as libpq).
    timeout: Option<Duration>,
    /// When the current address is given up, with `timeout`.
    deadline: Option<Instant>,
    /// What the last answer told the caller to wait for.
    waiting_for: Option<PollStatus>,
    /// The startup (or cancel) packet is in the output buffer.
    packet_queued: bool,
    /// A NegotiateProtocolVersion came in this attempt.
    pversion_negotiated: bool,
    /// An authentication response is still being sent.
    flushing: bool,
    /// This is a cancel connection (PQcancelCreate), even one made from a
    /// NULL or closed connection, which has no `cancel` target.
    pub cancel_mode: bool,
    /// The cancel connection's address and request.
    pub cancel: Option<CancelTarget>,
    /// Which encryption this attempt uses and which remain (libpq's
    /// allowed/failed/current_enc_method).
    pub(crate) enc: super::tls::Encryption,
    /// The next attempt reconnects to the same address with another
    /// encryption method (libpq's need_new_connection).
    pub(crate) retry_same_address: bool,
    /// The OAUTHBEARER exchange of this attempt (libpq's sasl_state).
    oauth: Option<oauth::Step>,
    /// The application's async token flow (libpq's async_auth); dropping
    /// it runs its cleanup callback.
    pub(crate) oauth_flow: Option<crate::ffi::oauth::AsyncFlow>,
    /// The SASL message that started the async flow, handled again when
    /// the flow is done.
    oauth_pending: Option<(u32, Vec<u8>)>,
    /// The exchange asked for the async flow (SASL_ASYNC).
    oauth_go_async: bool,
    /// The exchange has a token for a new connection (oauth_want_retry).
    oauth_want_retry: bool,
}

impl ConnectState {
    /// The descriptor to wait on while no socket exists: the name lookup's.
    pub fn pending_fd(&self) -> Option<std::os::fd::RawFd> {
        self.resolving.as_ref().map(Resolution::raw_fd)
    }

    /// The address of the attempt in progress (libpq's raddr).
    pub fn current_address(&self) -> Option<&Address> {
        self.addrs.get(self.which_addr)
    }
}

/// What moving to the next host gave.
enum HostStep {
    /// Addresses to try are in `ConnectState::addrs`.
    Ready,
    /// A name lookup is under way.
    Pending,
    /// No host is left.
    Exhausted,
}

const SQLSTATE_CANNOT_CONNECT_NOW: &[u8; 5] = b"57P03";
const SQLSTATE_INVALID_PASSWORD: &[u8; 5] = b"28P01";

impl Connection {
    /// Validates the options and starts connecting (libpq's connectDBStart):
    /// afterwards the caller waits for writing and polls.
    pub fn connect_start(&mut self) -> bool {
        let cancel_mode = self.connect.cancel_mode;
        let cancel = self.connect.cancel.take();
        if cancel_mode && cancel.is_none() {
            // A cancel connection made from nothing: libpq's options_valid is false.
            self.drop_connection();
            self.status = CONNECTION_BAD;
            return false;
        }
        if self.plan.is_none() {
            if !self.error.is_empty() {
                // The options failed to parse.
                self.status = CONNECTION_BAD;
                return false;
            }
            let env = conninfo::ProcessEnv;
            if let Err(e) = conninfo::apply_defaults(&mut self.options, &env) {
                self.append_error(&e);
                self.status = CONNECTION_BAD;
                return false;
            }
            // From here on the options are set, as libpq's are after connectOptions1.
            self.options_parsed = true;
            let mut shown = Vec::new();
            match conninfo::plan_showing(&mut self.options, &env, &mut shown) {
                Ok(plan) => self.plan = Some(plan),
                Err(e) => {
                    self.shown_targets = shown;
                    self.append_error(&e);
                    self.status = CONNECTION_BAD;
                    return false;
                }
            }
        }
        self.options_valid = true;
        self.connect = ConnectState::default();
        // In poll mode an unparsable connect_timeout is ignored, as libpq
        // ignores the option there; connect_complete reports it.
        self.connect.timeout = self.connect_timeout().ok().flatten();
        self.connect.cancel_mode = cancel_mode;
        match cancel {
            Some(target) => {
                // One address only: the one the original connection uses.
                self.connect.addrs = vec![target.addr.clone()];
                self.connect.which_target = 0;
                self.connect.next_target = 1;
                self.connect.started = true;
                self.connect.cancel = Some(target);
            }
            None => self.connect.try_next_host = true,
        }
        self.input.clear();
        self.output.clear();
        self.status = CONNECTION_NEEDED;
        self.async_status = AsyncStatus::Idle;
        self.xact_status = crate::ffi::types::PGTransactionStatusType::PQTRANS_IDLE;
        match self.connect_poll() {
            PollStatus::Writing => return true,
            // Waiting for a host name: the eventfd is writable at once, so a
            // caller following libpq's rules polls again straight away.
            PollStatus::Reading if self.connect.resolving.is_some() => return true,
            _ => {}
        }
        self.drop_connection();
        self.connect.resolving = None;
        self.status = CONNECTION_BAD;
        false
    }

    /// PQresetStart: closes the connection and starts connecting again with
    /// the same options (libpq's pqClosePGconn, then connectDBStart). The
    /// old connection's errors are forgotten.
    pub fn reset_start(&mut self) -> bool {
        self.close();
        self.clear_error();
        self.nonblocking = false;
        self.connect.resolving = None;
        if !self.options_valid {
            // The options never made it: libpq fails without a word.
            self.status = CONNECTION_BAD;
            return false;
        }
        self.connect_start()
    }

    /// connect_timeout as libpq's connectDBComplete reads it: unset or not
    /// positive is no limit, and less than 2 seconds is 2.
    fn connect_timeout(&self) -> Result<Option<Duration>, String> {
        let Some(v) = self.options.get("connect_timeout") else {
            return Ok(None);
        };
        let secs = conninfo::parse_int_option(v, "connect_timeout")?;
        Ok((secs > 0).then(|| Duration::from_secs(secs.max(2) as u64)))
    }

    /// Drives `connect_poll` to the end, waiting on the descriptor it names
    /// until the current address's deadline (libpq's connectDBComplete).
    pub fn connect_complete(&mut self) -> bool {
        if self.status == CONNECTION_BAD {
            return false;
        }
        match self.connect_timeout() {
            Ok(t) => self.connect.timeout = t,
            Err(e) => {
                self.append_error(&e);
                self.status = CONNECTION_BAD;
                return false;
            }
        }
        let mut flag = self.connect.waiting_for.unwrap_or(PollStatus::Writing);
        loop {
            let (read, write) = match flag {
                PollStatus::Ok => return true,
                PollStatus::Failed => {
                    self.status = CONNECTION_BAD;
                    return false;
                }
                PollStatus::Reading => (true, false),
                PollStatus::Writing => (false, true),
            };
            let fd = self.socket();
            if fd < 0 {
                self.append_error(msg::INVALID_SOCKET);
                self.status = CONNECTION_BAD;
                return false;
            }
            // Ready or past the deadline: connect_poll tells which.
            if let Err(e) = net::wait(fd, read, write, self.connect.deadline) {
                self.append_error(&format!("{}() failed: {}\n", "poll", net::strerror(&e)));
                self.status = CONNECTION_BAD;
                return false;
            }
            flag = self.connect_poll();
        }
    }

    /// Advances the connect machine as far as it goes without blocking.
    pub fn connect_poll(&mut self) -> PollStatus {
        let answer = self.connect_poll_step();
        self.connect.waiting_for = match answer {
            PollStatus::Reading | PollStatus::Writing => Some(answer),
            _ => None,
        };
        answer
    }

    fn connect_poll_step(&mut self) -> PollStatus {
        match self.status {
            CONNECTION_BAD => return PollStatus::Failed,
            CONNECTION_OK => return PollStatus::Ok,
            _ => {}
        }
        if self.attempt_timed_out() {
            // As connectDBComplete on a timeout: give up this address.
            self.append_error(msg::TIMEOUT_EXPIRED);
            self.connect.try_next_addr = true;
            self.status = CONNECTION_NEEDED;
        } else {
            match self.status {
                CONNECTION_NEEDED => {
                    if let Some(answer) = self.connect.resolving.as_ref().map(|r| r.try_take()) {
                        match answer {
                            None => return PollStatus::Reading,
                            Some(answer) => {
                                self.connect.resolving = None;
                                self.take_resolution(answer);
                            }
                        }
                    }
                }
                CONNECTION_AWAITING_RESPONSE if self.connect.cancel_mode => {
                    return self.cancel_response();
                }
                CONNECTION_AWAITING_RESPONSE | CONNECTION_AUTH_OK => {
                    if self.connect.flushing {
                        match self.flush_nonblocking() {
                            Err(()) => return self.fail(),
                            Ok(false) => return PollStatus::Writing,
                            Ok(true) => self.connect.flushing = false,
                        }
                    } else {
                        match self.read_data(0) {
                            ReadOutcome::Failed => return self.fail(),
                            ReadOutcome::Nothing => return PollStatus::Reading,
                            ReadOutcome::Data => {}
                        }
                    }
                }
                CONNECTION_STARTED
                | CONNECTION_MADE
                | CONNECTION_CHECK_TARGET
                | CONNECTION_SSL_STARTUP
                | CONNECTION_AUTHENTICATING => {}
                _ => {
                    self.append_error(msg::INVALID_CONNECTION_STATE);
                    return self.fail();
                }
            }
        }
        loop {
            if std::mem::take(&mut self.connect.try_next_addr) {
                // As libpq: step past this address (closing its socket); the
                // next CONNECTION_NEEDED moves on to the next host when none is left.
                if self.connect.which_addr < self.connect.addrs.len() {
                    self.connect.which_addr += 1;
                    self.reset_for_new_attempt();
                    self.status = CONNECTION_NEEDED;
                } else {
                    self.connect.try_next_host = true;
                }
            }
            if std::mem::take(&mut self.connect.try_next_host) {
                match self.next_host() {
                    HostStep::Exhausted => return self.fail(),
                    HostStep::Pending => {
                        self.reset_for_new_attempt();
                        self.status = CONNECTION_NEEDED;
                        return PollStatus::Reading;
                    }
                    HostStep::Ready => {
                        self.reset_for_new_attempt();
                        self.status = CONNECTION_NEEDED;
                    }
                }
            }
            let step = match self.status {
                CONNECTION_NEEDED => self.step_start_connect(),
                CONNECTION_STARTED => self.step_connected(),
                CONNECTION_MADE => self.step_send_startup(),
                CONNECTION_SSL_STARTUP => self.step_ssl_startup(),
                CONNECTION_AWAITING_RESPONSE if self.connect.cancel_mode => {
                    Some(self.cancel_response())
                }
                CONNECTION_AWAITING_RESPONSE => self.step_authenticate(),
                CONNECTION_AUTHENTICATING => self.step_async_auth(),
                CONNECTION_AUTH_OK => self.step_read_session(),
                CONNECTION_CHECK_TARGET => self.step_check_target(),
                CONNECTION_OK => Some(PollStatus::Ok),
                _ => Some(self.fail()),
            };
            if let Some(done) = step {
                return done;
            }
        }
    }

    fn fail(&mut self) -> PollStatus {
        self.status = CONNECTION_BAD;
        PollStatus::Failed
    }

    /// The current address's deadline has passed and its socket is still not
    /// ready for what the last answer asked: connect_timeout expired.
    fn attempt_timed_out(&self) -> bool {
        let Some(deadline) = self.connect.deadline else {
            return false;
        };
        if Instant::now() < deadline
            || !matches!(
                self.status,
                CONNECTION_STARTED
                    | CONNECTION_MADE
                    | CONNECTION_AWAITING_RESPONSE
                    | CONNECTION_AUTH_OK
            )
        {
            return false;
        }
        let Some(sock) = &self.sock else {
            return false;
        };
        match self.connect.waiting_for {
            Some(PollStatus::Reading) => !net::ready_now(sock.raw_fd(), true, false),
            Some(PollStatus::Writing) => !net::ready_now(sock.raw_fd(), false, true),
            _ => false,
        }
    }

    /// A cancel connection that sent its request: the server closing the
    /// connection is the answer (libpq's PQcancelPoll).
    fn cancel_response(&mut self) -> PollStatus {
        let Some(sock) = &self.sock else {
            self.append_error(msg::NO_CONNECTION);
            return self.fail();
        };
        let mut buf = [0u8; 256];
        // Over TLS the server ends the session (close_notify, then EOF): the
        // session layer reports that as UnexpectedEof, which here is the
        // expected answer, as in libpq (its read fails, the connection is
        // dropped with SSL_shutdown, and PQcancelPoll sees no errno).
        let got = match self.tls.as_mut() {
            Some(tls) => match tls.read(sock, &mut buf) {
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    tls.close(sock);
                    Ok(0)
                }
                other => other,
            },
            None => sock.read(&mut buf),
        };
        match got {
            Ok(0) => {
                // The request was processed. libpq's read drops the socket.
                self.drop_connection();
                self.clear_error();
                self.status = CONNECTION_OK;
                PollStatus::Ok
            }
            Ok(_) => {
                self.append_error(msg::CANCEL_UNEXPECTED_RESPONSE);
                self.fail()
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => PollStatus::Reading,
            Err(e) => {
                if e.raw_os_error() == Some(libc::ECONNRESET) {
                    self.append_error(msg::SERVER_CLOSED);
                } else {
                    self.append_error(&msg::could_not_receive(&net::strerror(&e)));
                }
                self.lose_connection();
                self.fail()
            }
        }
    }

    /// Forgets the previous attempt's socket and session state.
    pub(crate) fn reset_for_new_attempt(&mut self) {
        self.drop_connection();
        self.connect.deadline = None;
        self.connect.packet_queued = false;
        self.connect.flushing = false;
        self.connect.scram = None;
        self.connect.oauth = None;
        self.connect.oauth_pending = None;
        self.connect.oauth_go_async = false;
        self.connect.oauth_want_retry = false;
        self.connect.client_finished_auth = false;
        self.connect.pversion_negotiated = false;
        self.lobj_funcs = None;
        self.params.clear();
        // What was deduced from the previous server's ParameterStatus goes
        // with it (libpq's pqDropServerData): a host that failed must not
        // leave its encoding or quoting rules to the next one.
        self.client_encoding = 0;
        self.std_strings = false;
        self.notifications.clear();
        if !self.connect.cancel_mode {
            // A cancel connection keeps the key it is to send.
            self.backend_pid = 0;
            self.cancel_key.clear();
            // Each attempt asks for max_protocol_version.
            self.pversion = self.plan.as_ref().map_or(3 << 16, |p| p.max_protocol.0);
        }
        self.server_version = 0;
        self.default_transaction_read_only = None;
        self.in_hot_standby = None;
        self.async_status = AsyncStatus::Idle;
        self.result = None;
        self.error_result = false;
        self.password_needed = false;
        self.auth_req_received = false;
        self.write_failed = false;
        self.write_err_msg.clear();
        self.last_sqlstate = [0; 5];
    }

    /// Moves to the next target whose addresses are known or being looked
    /// up (libpq's try_next_host step); a lookup that fails at once is
    /// recorded and the next target tried.
    fn next_host(&mut self) -> HostStep {
        let Some(plan) = self.plan.as_ref() else {
            return HostStep::Exhausted;
        };
        if self.connect.cancel_mode {
            // A cancel request goes to its one address or nowhere.
            return HostStep::Exhausted;
        }
        let count = plan.targets.len();
        loop {
            if self.connect.next_target >= count {
                let prefer_standby = plan.target_session_attrs == TargetSessionAttrs::PreferStandby;
                if prefer_standby && !self.connect.second_pass && count > 0 {
                    self.connect.second_pass = true;
                    self.connect.next_target = 0;
                } else {
                    return HostStep::Exhausted;
                }
            }
            let index = self.connect.next_target;
            self.connect.next_target += 1;
            self.connect.which_target = index;
            self.connect.started = true;
            self.connect.which_addr = 0;
            self.connect.addrs.clear();
            let target = &plan.targets[index];
            match &target.error {
                Some(TargetError::Fatal(text)) => {
                    self.error.append(text.as_bytes());
                    return HostStep::Exhausted;
                }
                Some(TargetError::Skip(text)) => {
                    self.error.append(text.as_bytes());
                    continue;
                }
                None => {}
            }
            let resolved = match &target.kind {
                TargetKind::Unix { socket_path } => Ok(vec![Address::Unix(socket_path.clone())]),
                TargetKind::Tcp => match &target.hostaddr {
                    Some(addr) => net::resolve(addr, target.port_num, true)
                        .map_err(|e| msg::could_not_parse_address(addr, &e)),
                    None if target.host.parse::<std::net::IpAddr>().is_ok() => {
                        net::resolve(&target.host, target.port_num, false)
                            .map_err(|e| msg::could_not_translate_host(&target.host, &e))
                    }
                    None => match Resolution::start(&target.host, target.port_num) {
                        Ok(lookup) => {
                            self.connect.resolving = Some(lookup);
                            return HostStep::Pending;
                        }
                        // No thread to be had: look the name up here, as libpq does.
                        Err(_) => net::resolve(&target.host, target.port_num, false)
                            .map_err(|e| msg::could_not_translate_host(&target.host, &e)),
                    },
                }
                .map(|v| v.into_iter().map(Address::Inet).collect()),
            };
            match resolved {
                Ok(addrs) if !addrs.is_empty() => {
                    self.set_addresses(addrs);
                    return HostStep::Ready;
                }
                Ok(_) => {}
                Err(text) => {
                    self.error.append(text.as_bytes());
                }
            }
        }
    }

    /// The addresses of the current host, in the order to try them
    /// (shuffled for load_balance_hosts=random, as libpq does).
    fn set_addresses(&mut self, mut addrs: Vec<Address>) {
        if self.plan.as_ref().is_some_and(|p| p.load_balance) {
            conninfo::shuffle(&mut addrs);
        }
        self.connect.addrs = addrs;
        self.connect.which_addr = 0;
    }

    /// The answer of a host name lookup for the current target: its
    /// addresses, or libpq's message and on to the next host.
    fn take_resolution(&mut self, answer: Result<Vec<std::net::SocketAddr>, String>) {
        let host = self
            .current_target()
            .map(|t| t.host.clone())
            .unwrap_or_default();
        match answer {
            Ok(addrs) if !addrs.is_empty() => {
                self.set_addresses(addrs.into_iter().map(Address::Inet).collect());
            }
            Ok(_) => self.connect.try_next_host = true,
            Err(e) => {
                self.append_error(&msg::could_not_translate_host(&host, &e));
                self.connect.try_next_host = true;
            }
        }
    }

    /// The "connection to server ... failed: " prefix of every later error.
    fn emit_host_identity(&mut self, addr: &Address) {
        let Some(target) = self.current_target() else {
            return;
        };
        let text = match addr {
            Address::Unix(path) => msg::at_socket(&path.to_string_lossy()),
            Address::Inet(sa) => {
                let by_address = target.hostaddr.is_some();
                let shown = match (&target.hostaddr, by_address) {
                    (Some(a), true) => a.as_str(),
                    _ => target.host.as_str(),
                };
                let port = if target.port.is_empty() {
                    "5432"
                } else {
                    target.port.as_str()
                };
                let ip = sa.ip().to_string();
                if !by_address && shown != ip {
                    msg::at_host_addr(shown, &ip, port)
                } else {
                    msg::at_host(shown, port)
                }
            }
        };
        self.append_error(&text);
    }

    /// CONNECTION_NEEDED: open a socket to the current address and start connecting.
    fn step_start_connect(&mut self) -> Option<PollStatus> {
        let Some(addr) = self.connect.addrs.get(self.connect.which_addr).cloned() else {
            self.connect.try_next_host = true;
            return None;
        };
        if !std::mem::take(&mut self.connect.retry_same_address) {
            self.init_encryption(matches!(addr, Address::Unix(_)));
        }
        self.connect.connected_ip = match &addr {
            Address::Inet(sa) => Some(sa.ip().to_string()),
            Address::Unix(_) => None,
        };
        let started = Socket::connect(&addr);
        self.emit_host_identity(&addr);
        let (sock, in_progress) = match started {
            Ok(ConnectStart::Connected(s)) => (s, false),
            Ok(ConnectStart::InProgress(s)) => (s, true),
            Err(e) => {
                self.connect_failure_message(&addr, &e);
                self.connect.try_next_addr = true;
                return None;
            }
        };
        if let Address::Inet(_) = addr {
            match self.tcp_settings() {
                Ok(settings) => {
                    if let Err(e) = sock.apply_tcp_settings(&settings) {
                        self.append_error(&msg::setsockopt_failed(
                            e.name,
                            &net::strerror(&e.error),
                        ));
                        self.connect.try_next_addr = true;
                        return None;
                    }
                }
                Err(text) => {
                    self.append_error(&text);
                    self.connect.try_next_addr = true;
                    return None;
                }
            }
        }
        self.sock = Some(sock);
        self.status = CONNECTION_STARTED;
        self.connect.deadline = self.connect.timeout.map(|t| Instant::now() + t);
        if in_progress {
            Some(PollStatus::Writing)
        } else {
            None
        }
    }

    /// keepalives* and tcp_user_timeout, parsed as libpq parses them at connect time.
    fn tcp_settings(&self) -> Result<TcpSettings, String> {
        let int = |k: &str| -> Result<Option<i32>, String> {
            match self.options.get(k) {
                None | Some("") => Ok(None),
                Some(v) => conninfo::parse_int_option(v, k).map(Some),
            }
        };
        Ok(TcpSettings {
            keepalives: int("keepalives")?.is_none_or(|v| v != 0),
            keepalives_idle: int("keepalives_idle")?,
            keepalives_interval: int("keepalives_interval")?,
            keepalives_count: int("keepalives_count")?,
            user_timeout: int("tcp_user_timeout")?,
        })
    }

    fn connect_failure_message(&mut self, addr: &Address, e: &std::io::Error) {
        self.append_error(&format!("{}\n", net::strerror(e)));
        self.append_error(match addr {
            Address::Unix(_) => msg::HINT_UNIX,
            Address::Inet(_) => msg::HINT_TCP,
        });
    }

    /// CONNECTION_STARTED: the socket became writable; did the connect succeed?
    fn step_connected(&mut self) -> Option<PollStatus> {
        let addr = self.connect.addrs[self.connect.which_addr].clone();
        if let Some(sock) = &self.sock {
            if !net::ready_now(sock.raw_fd(), false, true) {
                // Polled before the socket was writable: still connecting.
                return Some(PollStatus::Writing);
            }
        }
        let outcome = self.sock.as_ref().map(|s| s.connect_result());
        match outcome {
            Some(Ok(())) => {
                self.status = CONNECTION_MADE;
                Some(PollStatus::Writing)
            }
            Some(Err(e)) => {
                self.connect_failure_message(&addr, &e);
                self.connect.try_next_addr = true;
                None
            }
            None => Some(self.fail()),
        }
    }

    /// CONNECTION_MADE: send the startup packet (a cancel connection: the
    /// CancelRequest), as far as the socket takes it now.
    fn step_send_startup(&mut self) -> Option<PollStatus> {
        if let Some(answer) = self.begin_encryption() {
            return answer;
        }
        if !self.connect.packet_queued {
            match &self.connect.cancel {
                Some(target) => self.output.extend_from_slice(&target.packet),
                None => {
                    let params = self.startup_parameters();
                    let pairs: Vec<(&str, &str)> = params
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                        .collect();
                    frontend::startup(&mut self.output, self.pversion as i32, &pairs);
                }
            }
            self.connect.packet_queued = true;
        }
        match self.flush_nonblocking() {
            // flush_nonblocking recorded why.
            Err(()) => Some(self.fail()),
            Ok(false) => Some(PollStatus::Writing),
            Ok(true) => {
                self.connect.packet_queued = false;
                self.status = CONNECTION_AWAITING_RESPONSE;
                Some(PollStatus::Reading)
            }
        }
    }

    /// The startup packet's parameters, in libpq's order and with its rules.
    fn startup_parameters(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut add = |k: &str, v: Option<&str>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                out.push((k.to_string(), v.to_string()));
            }
        };
        let opt = |k: &str| self.options.get(k);
        add("user", opt("user"));
        add("database", opt("dbname"));
        add("replication", opt("replication"));
        add("options", opt("options"));
        add(
            "application_name",
            opt("application_name").or(opt("fallback_application_name")),
        );
        // plan() already resolved client_encoding=auto from the locale.
        add("client_encoding", opt("client_encoding"));
        for (env, name) in [
            ("PGDATESTYLE", "datestyle"),
            ("PGTZ", "timezone"),
            ("PGGEQO", "geqo"),
        ] {
            add(name, std::env::var(env).ok().as_deref());
        }
        out
    }

    /// CONNECTION_AWAITING_RESPONSE: the authentication exchange.
    fn step_authenticate(&mut self) -> Option<PollStatus> {
        let unread = self.input.unread();
        let Some(&tag) = unread.first() else {
            return Some(PollStatus::Reading);
        };
        if !matches!(tag, b'R' | b'E' | b'v') {
            self.append_error(&msg::expected_auth_request(tag));
            return Some(self.fail());
        }
        if unread.len() < 5 {
            return Some(PollStatus::Reading);
        }
        let word = i32::from_be_bytes([unread[1], unread[2], unread[3], unread[4]]);
        let bad_len = match tag {
            b'R' | b'v' => !(8..=2000).contains(&word),
            _ => !(8..=30000).contains(&word),
        };
        if bad_len {
            self.append_error(match tag {
                b'R' => msg::INVALID_AUTH_REQUEST,
                b'v' => msg::INVALID_PROTOCOL_NEGOTIATION,
                _ => msg::INVALID_ERROR_MESSAGE,
            });
            return Some(self.fail());
        }
        let total = 1 + word as usize;
        if unread.len() < total {
            if let ReadOutcome::Failed = self.read_data(total) {
                return Some(self.fail());
            }
            if self.input.unread().len() < total {
                return Some(PollStatus::Reading);
            }
        }
        if tag == b'v' {
            return self.negotiate_protocol_version(total);
        }
        let body = self.input.unread()[5..total].to_vec();
        self.input.consume(total);
        match tag {
            b'E' => {
                if self.handle_error_notice(&body, true).is_err() {
                    self.append_error(msg::INVALID_ERROR_MESSAGE);
                    return Some(self.fail());
                }
                if &self.last_sqlstate == SQLSTATE_CANNOT_CONNECT_NOW {
                    self.connect.try_next_host = true;
                    return None;
                }
                self.password_file_warning();
                // Another encryption method may still be tried (sslmode
                // prefer or allow), on a new connection to this address.
                self.connection_failed()
            }
            _ => {
                self.auth_req_received = true;
                let mut r = backend::Reader::new(&body);
                let code = r.i32().unwrap_or(-1) as u32;
                let data = r.rest();
                if let Err(text) = self
                    .check_required_auth(code)
                    .and_then(|()| self.handle_auth_request(code, data))
                {
                    return self.auth_failed(&text);
                }
                if std::mem::take(&mut self.connect.oauth_go_async) {
                    // As libpq: the message is handled again once the
                    // application's flow is done; meanwhile PQsocket is
                    // its altsock.
                    self.connect.oauth_pending = Some((code, data.to_vec()));
                    if self.flush_nonblocking().is_err() {
                        return Some(self.fail());
                    }
                    self.status = CONNECTION_AUTHENTICATING;
                    return None;
                }
                if code == 0 {
                    // pqClearOAuthToken: the token is not kept once used.
                    self.oauth.clear_token();
                    if let Err(text) = self.check_client_cert_mode() {
                        self.append_error(&text);
                        return Some(self.fail());
                    }
                    self.status = CONNECTION_AUTH_OK;
                    self.async_status = AsyncStatus::Busy;
                }
                match self.flush_nonblocking() {
                    Err(()) => Some(self.fail()),
                    Ok(true) => None,
                    Ok(false) => {
                        // The rest goes out on the next poll, when writable.
                        self.connect.flushing = true;
                        Some(PollStatus::Writing)
                    }
                }
            }
        }
    }

    /// An authentication request could not be answered: `text` joins the
    /// error; the connection fails, unless OAUTHBEARER has a token and
    /// wants a new connection for it (libpq's oauth_want_retry).
    fn auth_failed(&mut self, text: &str) -> Option<PollStatus> {
        self.append_error(text);
        if self.connect.oauth.is_some() {
            // What the exchange wrote (its dummy response) still goes out,
            // as libpq's pqPacketSend does.
            let _ = self.flush_nonblocking();
        }
        if std::mem::take(&mut self.connect.oauth_want_retry) {
            self.retry_with_new_connection();
            return None;
        }
        Some(self.fail())
    }

    /// CONNECTION_AUTHENTICATING: the application's async OAuth flow
    /// (libpq's async_auth and cleanup_async_auth).
    fn step_async_auth(&mut self) -> Option<PollStatus> {
        let Some(mut flow) = self.connect.oauth_flow.take() else {
            self.append_error(msg::ASYNC_AUTH_NO_HANDLER);
            return Some(self.fail());
        };
        match flow.poll() {
            Err(text) => {
                // The flow is cleaned up with the connection, as in libpq.
                self.connect.oauth_flow = Some(flow);
                self.append_error(text);
                Some(self.fail())
            }
            Ok(crate::ffi::oauth::FlowPoll::Pending(read)) => {
                self.connect.oauth_flow = Some(flow);
                Some(if read {
                    PollStatus::Reading
                } else {
                    PollStatus::Writing
                })
            }
            Ok(crate::ffi::oauth::FlowPoll::Done(token)) => {
                self.oauth.set_token(token);
                drop(flow);
                self.status = CONNECTION_AWAITING_RESPONSE;
                let (code, data) = self
                    .connect
                    .oauth_pending
                    .take()
                    .unwrap_or((11, Vec::new()));
                match self
                    .check_required_auth(code)
                    .and_then(|()| self.handle_auth_request(code, &data))
                {
                    Err(text) => self.auth_failed(&text),
                    Ok(()) => None,
                }
            }
        }
    }

    /// The OAUTHBEARER initial response (oauth_exchange in FE_OAUTH_INIT).
    fn oauth_init(&mut self) -> Result<(), String> {
        let issuer = self.options.get("oauth_issuer").map(str::to_string);
        let client_id = self.options.get("oauth_client_id").map(str::to_string);
        self.oauth.setup(issuer.as_deref(), client_id.as_deref())?;
        let mut discover = false;
        if self.oauth.token().is_none() {
            if self.oauth.discovery_uri.is_some() {
                self.oauth_request_token()?;
                discover = self.oauth.token().is_none();
            } else {
                discover = true;
            }
        }
        let token = if discover { None } else { self.oauth.token() };
        let first = oauth::client_initial_response(token);
        frontend::sasl_initial_response(&mut self.output, oauth::OAUTHBEARER, &first);
        self.connect.oauth = Some(oauth::Step::BearerSent);
        if self.oauth.token().is_some() {
            self.connect.client_finished_auth = true;
        }
        Ok(())
    }

    /// The application's hook asked for a token (setup_token_request).
    fn oauth_request_token(&mut self) -> Result<(), String> {
        use crate::ffi::oauth::TokenRequest;
        let uri = self.oauth.discovery_uri.clone().unwrap_or_default();
        let scope = self.options.get("oauth_scope").map(str::to_string);
        match crate::ffi::oauth::request_token(self, &uri, scope.as_deref()) {
            TokenRequest::Token(t) => self.oauth.set_token(t),
            TokenRequest::Async(flow) => self.connect.oauth_flow = Some(flow),
            TokenRequest::Failed(text) => return Err(text.into()),
        }
        Ok(())
    }

    /// AuthenticationSASLContinue / Final during OAUTHBEARER.
    fn oauth_continue(&mut self, step: oauth::Step, data: &[u8], last: bool) -> Result<(), String> {
        use oauth::Step;
        match step {
            Step::Init | Step::BearerSent if last => Err(msg_auth::OAUTH_UNEXPECTED_FINAL.into()),
            Step::Init | Step::BearerSent => {
                frontend::sasl_response(&mut self.output, oauth::KVSEP);
                let mut scope = None;
                let checked = self.oauth.handle_server_error(data, &mut scope);
                if let Some(scope) = scope {
                    if self.options.get("oauth_scope").is_none() {
                        self.options.set("oauth_scope", Some(scope));
                    }
                }
                checked?;
                if self.oauth.token().is_some() {
                    self.connect.oauth = Some(Step::ServerError);
                    return Ok(());
                }
                if self.connect.oauth_flow.is_none() {
                    if self.oauth.discovery_uri.is_none() {
                        return Err(msg_auth::OAUTH_NO_DISCOVERY.into());
                    }
                    self.oauth_request_token()?;
                    if self.oauth.token().is_some() {
                        return Err(self.oauth_reconnect());
                    }
                }
                self.connect.oauth = Some(Step::RequestingToken);
                self.connect.oauth_go_async = true;
                Ok(())
            }
            Step::RequestingToken => {
                if self.oauth.token().is_none() {
                    return Err(msg_auth::OAUTH_NO_TOKEN_SET.into());
                }
                Err(self.oauth_reconnect())
            }
            Step::ServerError => Err(msg_auth::OAUTH_DATA_AFTER_ERROR.into()),
        }
    }

    /// A token is at hand: this connection fails and a new one presents it.
    fn oauth_reconnect(&mut self) -> String {
        self.connect.oauth_want_retry = true;
        msg_auth::OAUTH_RETRYING.into()
    }

    /// A NegotiateProtocolVersion of `total` bytes (libpq 18): the server
    /// settles on an older minor version within min_protocol_version, once;
    /// anything else fails the connection with libpq's message (and, as
    /// libpq, an error result for PQgetResult when the message itself was
    /// refused).
    fn negotiate_protocol_version(&mut self, total: usize) -> Option<PollStatus> {
        if self.connect.pversion_negotiated {
            self.append_error(msg::DUPLICATE_PROTOCOL_NEGOTIATION);
            return Some(self.fail());
        }
        let min = self.plan.as_ref().map_or(3 << 16, |p| p.min_protocol.0);
        let body = &self.input.unread()[5..total];
        match backend::negotiate_protocol_version(body, self.pversion, min) {
            Ok((version, read)) => {
                self.pversion = version;
                self.connect.pversion_negotiated = true;
                self.input.consume_read(5 + read);
                None
            }
            Err(e) => {
                self.append_error(&msg::protocol_negotiation_refused(&e));
                self.async_status = AsyncStatus::Ready;
                self.save_error_result();
                Some(self.fail())
            }
        }
    }

    /// require_auth: refuses a method the user did not allow, and a server
    /// that skips authentication when some method was required (libpq's
    /// check_expected_areq).
    fn check_required_auth(&mut self, code: u32) -> Result<(), String> {
        let Some((required, binding)) = self
            .plan
            .as_ref()
            .map(|p| (p.require_auth, p.channel_binding))
        else {
            return Ok(());
        };
        self.check_require_auth_list(code, required)?;
        // channel_binding=require: never answer a non-SASL request (it could
        // leak the password), and insist the SASL exchange was bound.
        if binding == conninfo::ChannelBinding::Require {
            match code {
                10..=12 => {}
                0 => {
                    let bound = self
                        .connect
                        .scram
                        .as_ref()
                        .is_some_and(|s| s.channel_bound());
                    if !bound {
                        return Err(msg::CHANNEL_BINDING_NOT_USED.into());
                    }
                }
                _ => return Err(msg::CHANNEL_BINDING_NOT_SUPPORTED.into()),
            }
        }
        Ok(())
    }

    fn check_require_auth_list(
        &mut self,
        code: u32,
        required: conninfo::RequireAuth,
    ) -> Result<(), String> {
        let reason = match code {
            0 => {
                let exchanged = self.connect.client_finished_auth
                    || self.connect.scram.as_ref().is_some_and(|s| s.is_finished());
                (required.auth_required && !exchanged).then_some(msg::AUTH_NOT_COMPLETED)
            }
            11 | 12 => None,
            // Whether SCRAM in particular is allowed is checked once the
            // mechanism is chosen (libpq 18 allows SASL when any of its
            // mechanisms is).
            10 if !required.allows(10) => Some(msg::AUTH_REQUESTED_SASL),
            _ if required.allows(code) => None,
            3 => Some(msg::AUTH_REQUESTED_CLEARTEXT),
            5 => Some(msg::AUTH_REQUESTED_MD5),
            7 | 8 => Some(msg::AUTH_REQUESTED_GSS),
            9 => Some(msg::AUTH_REQUESTED_SSPI),
            10 => None,
            _ => Some(msg::AUTH_REQUESTED_UNKNOWN),
        };
        match reason {
            None => Ok(()),
            Some(reason) => {
                let value = self.options.get("require_auth").unwrap_or("");
                Err(msg::require_auth_failed(value, reason))
            }
        }
    }

    /// Responds to one AuthenticationRequest (libpq's pg_fe_sendauth).
    fn handle_auth_request(&mut self, code: u32, data: &[u8]) -> Result<(), String> {
        match code {
            0 => Ok(()),
            2 => Err(msg::KRB5_NOT_SUPPORTED.into()),
            7 | 8 => Err(msg::GSSAPI_NOT_SUPPORTED.into()),
            9 => Err(msg::SSPI_NOT_SUPPORTED.into()),
            3 | 5 => {
                let password = self.password_for_auth()?;
                let response = if code == 5 {
                    let salt: [u8; 4] = data
                        .get(..4)
                        .and_then(|s| s.try_into().ok())
                        .ok_or_else(|| msg::INVALID_AUTH_REQUEST.to_string())?;
                    let user = self.options.get("user").unwrap_or("");
                    md5::md5_password_response(user.as_bytes(), password.as_bytes(), salt)
                } else {
                    password.into_bytes()
                };
                frontend::password(&mut self.output, &response);
                self.connect.client_finished_auth = true;
                Ok(())
            }
            10 => {
                if self.connect.scram.is_some() || self.connect.oauth.is_some() {
                    return Err(msg::DUPLICATE_SASL.into());
                }
                let mut r = backend::Reader::new(data);
                let mut mechanisms = Vec::new();
                while let Some(m) = r.cstr() {
                    if m.is_empty() {
                        break;
                    }
                    mechanisms.push(String::from_utf8_lossy(m).into_owned());
                }
                let list: Vec<&str> = mechanisms.iter().map(String::as_str).collect();
                let mode = match self.plan.as_ref().map(|p| p.channel_binding) {
                    Some(conninfo::ChannelBinding::Require) => ChannelBindingMode::Require,
                    Some(conninfo::ChannelBinding::Disable) => ChannelBindingMode::Disable,
                    _ => ChannelBindingMode::Prefer,
                };
                let ssl_in_use = self.tls.is_some();
                let mechanism = scram::select_mechanism(&list, ssl_in_use, mode)?;
                if mechanism == oauth::OAUTHBEARER {
                    if !self
                        .plan
                        .as_ref()
                        .is_none_or(|p| p.require_auth.allow_oauth)
                    {
                        let value = self.options.get("require_auth").unwrap_or("");
                        let reason = msg::auth_requested_mechanism(mechanism);
                        return Err(msg::require_auth_failed(value, &reason));
                    }
                    scram::check_binding_offered(mechanism, mode)?;
                    self.connect.oauth = Some(oauth::Step::Init);
                    return self.oauth_init();
                }
                // As libpq: the password counts as needed once a SCRAM
                // mechanism is chosen, before the checks on that choice.
                self.password_needed = true;
                scram::check_binding_offered(mechanism, mode)?;
                if !self
                    .plan
                    .as_ref()
                    .is_none_or(|p| p.require_auth.allow_scram)
                {
                    let value = self.options.get("require_auth").unwrap_or("");
                    let reason = msg::auth_requested_mechanism(mechanism);
                    return Err(msg::require_auth_failed(value, &reason));
                }
                let cert_hash = if mechanism == scram::SCRAM_SHA_256_PLUS {
                    // tls-server-end-point: no hash, no binding (and no
                    // silent downgrade either).
                    let der = self.tls.as_ref().and_then(|t| t.peer_certificate());
                    match der.and_then(crate::net::certname::server_end_point_hash) {
                        Some(hash) => hash,
                        None => return Err(msg::NO_CERT_HASH.into()),
                    }
                } else {
                    Vec::new()
                };
                let binding = ChannelBinding::for_mechanism(mechanism, ssl_in_use, mode, cert_hash);
                let password = self.password_for_auth()?;
                let mut client = ScramClient::with_options(Some(password.as_bytes()), binding);
                let first = client.client_first_message();
                frontend::sasl_initial_response(&mut self.output, mechanism, &first);
                self.connect.scram = Some(client);
                Ok(())
            }
            11 | 12 if self.connect.oauth.is_some() => {
                let step = self.connect.oauth.unwrap_or(oauth::Step::Init);
                self.oauth_continue(step, data, code == 12)
            }
            11 | 12 => {
                let Some(client) = self.connect.scram.as_mut() else {
                    return Err(msg::SASL_CONT_WITHOUT_SASL.into());
                };
                if code == 11 {
                    let reply = client.handle_server_first(data)?;
                    frontend::sasl_response(&mut self.output, &reply);
                } else {
                    client.handle_server_final(data)?;
                }
                Ok(())
            }
            other => Err(msg::auth_method_not_supported(other)),
        }
    }

    /// The password to answer a password request with; libpq's error when none.
    fn password_for_auth(&mut self) -> Result<String, String> {
        self.password_needed = true;
        let password = self.password();
        if password.is_empty() {
            Err(msg::NO_PASSWORD_SUPPLIED.into())
        } else {
            Ok(password.to_string())
        }
    }

    /// After a wrong password that came from the password file, say which file.
    fn password_file_warning(&mut self) {
        if !self.password_needed || &self.last_sqlstate != SQLSTATE_INVALID_PASSWORD {
            return;
        }
        let file = self
            .current_target()
            .and_then(|t| t.password_from_file.clone());
        if let Some(path) = file {
            self.append_error(&msg::password_from_file(&path.to_string_lossy()));
        }
    }

    /// CONNECTION_AUTH_OK: ParameterStatus, BackendKeyData and notices until
    /// ReadyForQuery, or the server's error.
    fn step_read_session(&mut self) -> Option<PollStatus> {
        self.parse_input();
        if self.async_status == AsyncStatus::Busy && self.status != CONNECTION_BAD {
            return Some(PollStatus::Reading);
        }
        if self.status == CONNECTION_BAD && self.async_status != AsyncStatus::Ready {
            return Some(PollStatus::Failed);
        }
        // A result is ready, even when a protocol violation ended the
        // connection: libpq's PQgetResult takes it here.
        if self.async_status != AsyncStatus::Idle {
            let res = self.take_result();
            self.async_status = AsyncStatus::Busy;
            if res.status() != ExecStatusType::PGRES_FATAL_ERROR {
                self.append_error(msg::UNEXPECTED_STARTUP_MESSAGE);
            } else if !self.error.ends_with_newline() {
                self.append_error("\n");
            }
            return Some(self.fail());
        }
        self.status = CONNECTION_CHECK_TARGET;
        None
    }

    /// CONNECTION_CHECK_TARGET: target_session_attrs, from the parameters the
    /// server reported (servers 14 and later report both).
    fn step_check_target(&mut self) -> Option<PollStatus> {
        let attrs = self
            .plan
            .as_ref()
            .map_or(TargetSessionAttrs::Any, |p| p.target_session_attrs);
        let read_only =
            self.default_transaction_read_only == Some(true) || self.in_hot_standby == Some(true);
        let standby = self.in_hot_standby == Some(true);
        let rejection = match attrs {
            TargetSessionAttrs::ReadWrite if read_only => Some(msg::SESSION_READ_ONLY),
            TargetSessionAttrs::ReadOnly if !read_only => Some(msg::SESSION_NOT_READ_ONLY),
            TargetSessionAttrs::Primary if standby => Some(msg::SERVER_IN_HOT_STANDBY),
            TargetSessionAttrs::Standby if !standby => Some(msg::SERVER_NOT_IN_HOT_STANDBY),
            TargetSessionAttrs::PreferStandby if !standby && !self.connect.second_pass => {
                Some(msg::SERVER_NOT_IN_HOT_STANDBY)
            }
            _ => None,
        };
        if let Some(text) = rejection {
            self.append_error(text);
            self.status = CONNECTION_OK;
            self.close_politely();
            self.connect.try_next_host = true;
            return None;
        }
        self.clear_error();
        self.status = CONNECTION_OK;
        Some(PollStatus::Ok)
    }

    /// Sends Terminate; as in libpq the socket itself is closed when the
    /// next attempt starts (or by PQfinish), so PQsocket still reports it.
    fn close_politely(&mut self) {
        frontend::terminate(&mut self.output);
        let _ = self.flush_nonblocking();
    }
}
