//! The connect state machine (libpq's PQconnectPoll): per target, resolve,
//! connect, send the startup packet, authenticate, read the session's
//! parameters, check target_session_attrs; on failure move to the next address
//! or host, accumulating libpq's error text.

use std::time::{Duration, Instant};

use super::buffer::ReadOutcome;
use super::{AsyncStatus, Connection};
use crate::auth::{md5, scram::ScramClient};
use crate::conninfo::{self, TargetError, TargetKind, TargetSessionAttrs};
use crate::ffi::types::{ConnStatusType, ExecStatusType};
use crate::messages::conn as msg;
use crate::net::{self, Address, ConnectStart, Socket, TcpSettings};
use crate::protocol::{backend, frontend, PROTOCOL_3_0};

use ConnStatusType::*;

/// What the caller should wait for before polling again (PostgresPollingStatusType).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollStatus {
    Failed,
    Reading,
    Writing,
    Ok,
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
    /// Changes whenever a new address is tried, so connect_timeout restarts.
    pub attempt: u64,
}

const SQLSTATE_CANNOT_CONNECT_NOW: &[u8; 5] = b"57P03";
const SQLSTATE_INVALID_PASSWORD: &[u8; 5] = b"28P01";

impl Connection {
    /// Validates the options and starts connecting (libpq's connectDBStart):
    /// afterwards the caller waits for writing and polls.
    pub fn connect_start(&mut self) -> bool {
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
        self.connect.try_next_host = true;
        self.status = CONNECTION_NEEDED;
        self.async_status = AsyncStatus::Idle;
        self.xact_status = crate::ffi::types::PGTransactionStatusType::PQTRANS_IDLE;
        if self.connect_poll() == PollStatus::Writing {
            return true;
        }
        self.drop_connection();
        self.status = CONNECTION_BAD;
        false
    }

    /// Drives `connect_poll` to the end, waiting on the socket, with
    /// connect_timeout per address (libpq's connectDBComplete).
    pub fn connect_complete(&mut self) -> bool {
        if self.status == CONNECTION_BAD {
            return false;
        }
        let mut timeout = None;
        if let Some(v) = self.options.get("connect_timeout") {
            match conninfo::parse_int_option(v, "connect_timeout") {
                Ok(secs) if secs > 0 => timeout = Some(Duration::from_secs(secs.max(2) as u64)),
                Ok(_) => {}
                Err(e) => {
                    self.append_error(&e);
                    self.status = CONNECTION_BAD;
                    return false;
                }
            }
        }
        let mut flag = PollStatus::Writing;
        let mut deadline = None;
        let mut last_attempt = None;
        loop {
            if flag != PollStatus::Ok && last_attempt != Some(self.connect.attempt) {
                deadline = timeout.map(|t| Instant::now() + t);
                last_attempt = Some(self.connect.attempt);
            }
            let ready = match flag {
                PollStatus::Ok => return true,
                PollStatus::Failed => {
                    self.status = CONNECTION_BAD;
                    return false;
                }
                PollStatus::Reading => self.wait_socket(true, false, deadline),
                PollStatus::Writing => self.wait_socket(false, true, deadline),
            };
            match ready {
                Err(()) => {
                    self.status = CONNECTION_BAD;
                    return false;
                }
                Ok(false) => {
                    self.append_error(msg::TIMEOUT_EXPIRED);
                    self.connect.try_next_addr = true;
                    self.status = CONNECTION_NEEDED;
                }
                Ok(true) => {}
            }
            flag = self.connect_poll();
        }
    }

    /// Advances the connect machine as far as it goes without blocking.
    pub fn connect_poll(&mut self) -> PollStatus {
        match self.status {
            CONNECTION_BAD => return PollStatus::Failed,
            CONNECTION_OK => return PollStatus::Ok,
            CONNECTION_AWAITING_RESPONSE | CONNECTION_AUTH_OK => match self.read_data(0) {
                ReadOutcome::Failed => return self.fail(),
                ReadOutcome::Nothing => return PollStatus::Reading,
                ReadOutcome::Data => {}
            },
            _ => {}
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
                if !self.next_resolvable_target() {
                    return self.fail();
                }
                self.reset_for_new_attempt();
                self.status = CONNECTION_NEEDED;
            }
            let step = match self.status {
                CONNECTION_NEEDED => self.step_start_connect(),
                CONNECTION_STARTED => self.step_connected(),
                CONNECTION_MADE => self.step_send_startup(),
                CONNECTION_AWAITING_RESPONSE => self.step_authenticate(),
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

    /// Forgets the previous attempt's socket and session state.
    fn reset_for_new_attempt(&mut self) {
        self.drop_connection();
        self.connect.attempt += 1;
        self.connect.scram = None;
        self.connect.client_finished_auth = false;
        self.lobj_funcs = None;
        self.params.clear();
        self.backend_pid = 0;
        self.cancel_key.clear();
        self.server_version = 0;
        self.default_transaction_read_only = None;
        self.in_hot_standby = None;
        self.async_status = AsyncStatus::Idle;
        self.result = None;
        self.error_result = false;
        self.password_needed = false;
        self.last_sqlstate = [0; 5];
    }

    /// Moves to the next target whose addresses can be found; false when none is left.
    fn next_resolvable_target(&mut self) -> bool {
        let Some(plan) = self.plan.as_ref() else {
            return false;
        };
        let count = plan.targets.len();
        loop {
            if self.connect.next_target >= count {
                let prefer_standby = plan.target_session_attrs == TargetSessionAttrs::PreferStandby;
                if prefer_standby && !self.connect.second_pass && count > 0 {
                    self.connect.second_pass = true;
                    self.connect.next_target = 0;
                } else {
                    return false;
                }
            }
            let index = self.connect.next_target;
            self.connect.next_target += 1;
            self.connect.which_target = index;
            self.connect.started = true;
            self.connect.which_addr = 0;
            let target = &plan.targets[index];
            match &target.error {
                Some(TargetError::Fatal(text)) => {
                    self.error.append(text.as_bytes());
                    return false;
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
                    None => net::resolve(&target.host, target.port_num, false)
                        .map_err(|e| msg::could_not_translate_host(&target.host, &e)),
                }
                .map(|v| v.into_iter().map(Address::Inet).collect()),
            };
            match resolved {
                Ok(addrs) if !addrs.is_empty() => {
                    self.connect.addrs = addrs;
                    return true;
                }
                Ok(_) => {}
                Err(text) => {
                    self.error.append(text.as_bytes());
                }
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

    /// CONNECTION_MADE: send the startup packet.
    fn step_send_startup(&mut self) -> Option<PollStatus> {
        let params = self.startup_parameters();
        let pairs: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        frontend::startup(&mut self.output, PROTOCOL_3_0, &pairs);
        if self.flush_blocking().is_err() {
            // flush_blocking recorded why; libpq words this failure its own way.
            return Some(self.fail());
        }
        self.status = CONNECTION_AWAITING_RESPONSE;
        Some(PollStatus::Reading)
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
                Some(self.fail())
            }
            b'v' => {
                self.append_error(msg::INVALID_PROTOCOL_NEGOTIATION);
                Some(self.fail())
            }
            _ => {
                self.auth_req_received = true;
                let mut r = backend::Reader::new(&body);
                let code = r.i32().unwrap_or(-1) as u32;
                if let Err(text) = self
                    .check_required_auth(code)
                    .and_then(|()| self.handle_auth_request(code, r.rest()))
                {
                    self.append_error(&text);
                    return Some(self.fail());
                }
                if self.flush_blocking().is_err() {
                    return Some(self.fail());
                }
                if code == 0 {
                    self.status = CONNECTION_AUTH_OK;
                    self.async_status = AsyncStatus::Busy;
                }
                None
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
            10 if !required.allows(10) || !required.allow_scram => Some(msg::AUTH_REQUESTED_SASL),
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
                let binding_required = self
                    .plan
                    .as_ref()
                    .is_some_and(|p| p.channel_binding == conninfo::ChannelBinding::Require);
                if binding_required {
                    // No TLS in this build, so there is nothing to bind to.
                    return Err(msg::CHANNEL_BINDING_WITHOUT_SSL.into());
                }
                if self.connect.scram.is_some() {
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
                let mechanism = crate::auth::scram::choose_mechanism(&list)?;
                let password = self.password_for_auth()?;
                let mut client = ScramClient::new(&password);
                let first = client.client_first_message();
                frontend::sasl_initial_response(&mut self.output, mechanism, &first);
                self.connect.scram = Some(client);
                Ok(())
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
        if self.status == CONNECTION_BAD {
            return Some(PollStatus::Failed);
        }
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
