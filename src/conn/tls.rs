//! TLS for a connection attempt (libpq's fe-secure-openssl.c, done with
//! rustls in `net::tls`): which certificates and keys libpq's options and
//! defaults name, with its checks and messages; the server certificate's
//! host name check for verify-full (SAN, else CN); sslcertmode=require.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use rustls::pki_types::ServerName;

use super::connect::PollStatus;
use super::Connection;
use crate::conninfo::SslNegotiation;
use crate::conninfo::{Environment, ProcessEnv};
use crate::conninfo::{SslCertMode, SslMode};
use crate::ffi::types::ConnStatusType::*;
use crate::messages::tls as msg;
use crate::net::tls::{self, Handshake, TlsFailure, TlsSession, TlsSettings, TlsVersion, Verify};

/// Encryption methods (libpq's ENC_* bits); no GSSAPI in this build.
const ENC_PLAINTEXT: u8 = 0x01;
const ENC_SSL: u8 = 0x04;
const ENC_DIRECT_SSL: u8 = 0x08;

/// The encryption of a connection attempt: the method in use, the ones
/// still allowed, the ones that failed on this address.
#[derive(Debug, Default, Clone, Copy)]
pub struct Encryption {
    allowed: u8,
    failed: u8,
    current: u8,
}

/// `~/.postgresql/<name>`, where libpq looks for files not named by options.
fn default_file(name: &str) -> Option<PathBuf> {
    ProcessEnv
        .home_dir()
        .map(|h| h.join(".postgresql").join(name))
}

/// An option's value when set and non-empty.
fn path_option(conn: &Connection, key: &str) -> Option<PathBuf> {
    conn.options
        .get(key)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// An ssl_*_protocol_version value and its name.
fn tls_version(value: Option<&str>) -> Option<(TlsVersion, &'static str)> {
    match value? {
        "TLSv1" => Some((TlsVersion::V1_0, "TLSv1")),
        "TLSv1.1" => Some((TlsVersion::V1_1, "TLSv1.1")),
        "TLSv1.2" => Some((TlsVersion::V1_2, "TLSv1.2")),
        "TLSv1.3" => Some((TlsVersion::V1_3, "TLSv1.3")),
        _ => None,
    }
}

impl Connection {
    /// libpq's init_allowed_encryption_methods, for a new address: over a
    /// Unix socket only plaintext; else what sslmode and sslnegotiation allow.
    pub(crate) fn init_encryption(&mut self, unix_socket: bool) {
        let enc = &mut self.connect.enc;
        *enc = Encryption::default();
        if unix_socket {
            enc.allowed = ENC_PLAINTEXT;
            enc.current = ENC_PLAINTEXT;
            return;
        }
        let Some(plan) = self.plan.as_ref() else {
            enc.current = ENC_PLAINTEXT;
            return;
        };
        if plan.sslmode != SslMode::Disable {
            enc.allowed |= match plan.sslnegotiation {
                SslNegotiation::Postgres => ENC_SSL,
                SslNegotiation::Direct => ENC_DIRECT_SSL,
            };
        }
        if matches!(
            plan.sslmode,
            SslMode::Disable | SslMode::Allow | SslMode::Prefer
        ) {
            enc.allowed |= ENC_PLAINTEXT;
        }
        self.select_next_encryption();
    }

    /// libpq's select_next_encryption_method: allow tries plaintext first,
    /// the others SSL first.
    fn select_next_encryption(&mut self) -> bool {
        let allow_first = self
            .plan
            .as_ref()
            .is_some_and(|p| p.sslmode == SslMode::Allow);
        let enc = &mut self.connect.enc;
        let remaining = enc.allowed & !enc.failed;
        let order: &[u8] = if allow_first {
            &[ENC_PLAINTEXT, ENC_DIRECT_SSL, ENC_SSL]
        } else {
            &[ENC_DIRECT_SSL, ENC_SSL, ENC_PLAINTEXT]
        };
        for &m in order {
            if remaining & m != 0 {
                enc.current = m;
                enc.allowed &= !m;
                return true;
            }
        }
        enc.current = 0;
        false
    }

    /// The attempt failed with the current method (libpq's CONNECTION_FAILED):
    /// a new connection to the same address with the next method, or the end.
    pub(crate) fn connection_failed(&mut self) -> Option<PollStatus> {
        self.connect.enc.failed |= self.connect.enc.current;
        if self.select_next_encryption() {
            self.retry_with_new_connection();
            None
        } else {
            self.status = CONNECTION_BAD;
            Some(PollStatus::Failed)
        }
    }

    pub(super) fn retry_with_new_connection(&mut self) {
        self.connect.retry_same_address = true;
        self.reset_for_new_attempt();
        self.status = CONNECTION_NEEDED;
    }

    /// The server refused SSL ('N'): plaintext on this connection if allowed,
    /// else `text` (libpq's ENCRYPTION_NEGOTIATION_FAILED).
    fn negotiation_failed(&mut self, text: &str) -> Option<PollStatus> {
        if self.select_next_encryption() {
            if self.connect.enc.current == ENC_DIRECT_SSL {
                self.retry_with_new_connection();
                return None;
            }
            self.status = CONNECTION_MADE;
            return Some(PollStatus::Writing);
        }
        self.append_error(text);
        self.status = CONNECTION_BAD;
        Some(PollStatus::Failed)
    }

    /// CONNECTION_MADE without encryption yet: request SSL (or start direct
    /// TLS) when that is this attempt's method; None to send the startup
    /// packet now.
    pub(crate) fn begin_encryption(&mut self) -> Option<Option<PollStatus>> {
        if self.tls.is_some() {
            return None;
        }
        match self.connect.enc.current {
            ENC_SSL => {
                crate::protocol::frontend::ssl_request(&mut self.output);
                self.status = CONNECTION_SSL_STARTUP;
                Some(self.flush_encryption_request())
            }
            ENC_DIRECT_SSL => {
                self.status = CONNECTION_SSL_STARTUP;
                if let Err(text) = self.start_tls() {
                    self.append_error(&text);
                    return Some(self.connection_failed());
                }
                Some(None)
            }
            _ => None,
        }
    }

    fn flush_encryption_request(&mut self) -> Option<PollStatus> {
        match self.flush_nonblocking() {
            Err(()) => {
                self.status = CONNECTION_BAD;
                Some(PollStatus::Failed)
            }
            Ok(false) => Some(PollStatus::Writing),
            Ok(true) => Some(PollStatus::Reading),
        }
    }

    /// CONNECTION_SSL_STARTUP: the server's answer to SSLRequest, then the
    /// handshake and libpq's checks after it.
    pub(crate) fn step_ssl_startup(&mut self) -> Option<PollStatus> {
        if !self.output.is_empty() && self.tls.is_none() {
            return self.flush_encryption_request();
        }
        if self.connect.enc.current == ENC_SSL && self.tls.is_none() {
            if self.input.unread().is_empty() {
                match self.read_data(0) {
                    super::buffer::ReadOutcome::Failed => {
                        self.status = CONNECTION_BAD;
                        return Some(PollStatus::Failed);
                    }
                    super::buffer::ReadOutcome::Nothing => return Some(PollStatus::Reading),
                    super::buffer::ReadOutcome::Data => {}
                }
            }
            let answer = self.input.unread()[0];
            match answer {
                b'S' => {
                    self.input.consume_char_response("SSLResponse");
                    if let Err(text) = self.start_tls() {
                        self.append_error(&text);
                        return self.connection_failed();
                    }
                }
                b'N' => {
                    self.input.consume_char_response("SSLResponse");
                    return self.negotiation_failed(msg::SERVER_NO_SSL);
                }
                b'E' => {
                    // Not shown: the server is not authenticated yet (CVE-2024-10977).
                    self.append_error(msg::ERROR_DURING_SSL_EXCHANGE);
                    self.status = CONNECTION_BAD;
                    return Some(PollStatus::Failed);
                }
                other => {
                    self.append_error(&msg::invalid_ssl_response(other));
                    self.status = CONNECTION_BAD;
                    return Some(PollStatus::Failed);
                }
            }
        }
        match self.tls_handshake() {
            Ok(Some(Handshake::WantRead)) => Some(PollStatus::Reading),
            Ok(Some(Handshake::WantWrite)) => Some(PollStatus::Writing),
            Ok(Some(Handshake::Done)) | Ok(None) => {
                // Bytes that came with the server's 'S', before the handshake,
                // were not encrypted: maybe injected (CVE-2021-23222).
                if !self.input.unread().is_empty() {
                    self.append_error(msg::UNENCRYPTED_AFTER_SSL);
                    self.status = CONNECTION_BAD;
                    return Some(PollStatus::Failed);
                }
                self.status = CONNECTION_MADE;
                Some(PollStatus::Writing)
            }
            Err(text) => {
                self.append_error(&text);
                // As libpq's pgtls_close after a failed open: no TLS in use.
                self.tls = None;
                self.connection_failed()
            }
        }
    }

    /// The host name certificates are checked against and sent as SNI (the
    /// `host` of the attempt; its address when only hostaddr was given).
    fn tls_host(&self) -> String {
        let target = self.current_target();
        match target {
            Some(t) if !t.host.is_empty() => t.host.clone(),
            Some(t) => t.hostaddr.clone().unwrap_or_default(),
            None => String::new(),
        }
    }

    /// libpq's initialize_SSL: the roots, CRLs, client certificate and key
    /// the options (or the files under ~/.postgresql) name.
    fn tls_settings(&self) -> Result<TlsSettings, String> {
        let Some(plan) = self.plan.as_ref() else {
            return Err(msg::NO_PLAN.into());
        };
        let sslmode = plan.sslmode;
        let rootcert = path_option(self, "sslrootcert");
        let system = rootcert.as_deref() == Some(Path::new("system"));
        let mut verify = match sslmode {
            SslMode::VerifyFull => Verify::Full,
            SslMode::VerifyCa => Verify::Chain,
            _ => Verify::None,
        };
        let mut roots = Vec::new();
        let mut crls = Vec::new();
        if system {
            roots = tls::system_roots();
            verify = Verify::Full;
        } else {
            let root_file = rootcert.clone().or_else(|| default_file("root.crt"));
            match root_file {
                Some(f) if f.exists() => {
                    // OpenSSL's complaint for a file with no certificate in it.
                    roots = tls::load_certs(&f)
                        .ok()
                        .filter(|c| !c.is_empty())
                        .map(tls::self_signed_only)
                        .ok_or_else(|| {
                            msg::could_not_read_root(&f, "no certificate or crl found")
                        })?;
                    // libpq checks the chain whenever a root certificate is
                    // loaded, whatever the sslmode (so "require" acts as
                    // verify-ca, and "prefer" falls back to plaintext on a
                    // chain that does not verify).
                    if verify == Verify::None {
                        verify = Verify::Chain;
                    }
                    crls = self.revocation_lists()?;
                }
                other => {
                    if verify != Verify::None {
                        let shown =
                            other.unwrap_or_else(|| PathBuf::from("~/.postgresql/root.crt"));
                        return Err(msg::root_missing(&shown));
                    }
                }
            }
        }
        let client = if plan.sslcertmode == SslCertMode::Disable {
            None
        } else {
            self.client_certificate()?
        };
        let min = tls_version(self.options.get("ssl_min_protocol_version"));
        let max = tls_version(self.options.get("ssl_max_protocol_version"));
        Ok(TlsSettings {
            verify,
            roots,
            crls,
            client,
            min_version: min.map(|v| v.0),
            max_version: max.map(|v| v.0),
            min_name: min.map(|v| v.1),
            max_name: max.map(|v| v.1),
            sni: self.options.get("sslsni") != Some("0"),
        })
    }

    /// The CRLs to check against, as libpq 18 loads them: sslcrl (or
    /// ~/.postgresql/root.crl) when it holds CRLs (a missing or unreadable
    /// file is ignored); else sslcrldir's files named by issuer hash
    /// (<hash>.r<n>), where finding none makes every check fail.
    fn revocation_lists(
        &self,
    ) -> Result<Vec<rustls::pki_types::CertificateRevocationListDer<'static>>, String> {
        let file = path_option(self, "sslcrl").or_else(|| default_file("root.crl"));
        if let Some(crls) = file
            .and_then(|f| tls::load_crls(&f).ok())
            .filter(|c| !c.is_empty())
        {
            return Ok(crls);
        }
        let Some(dir) = path_option(self, "sslcrldir") else {
            return Ok(Vec::new());
        };
        let mut crls = Vec::new();
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let hashed = name.len() > 10
                    && name.as_bytes()[8] == b'.'
                    && name[..8].bytes().all(|c| c.is_ascii_hexdigit())
                    && name[9..].starts_with('r')
                    && name[10..].bytes().all(|c| c.is_ascii_digit());
                if hashed {
                    if let Ok(more) = tls::load_crls(&e.path()) {
                        crls.extend(more);
                    }
                }
            }
        }
        if crls.is_empty() {
            // Checking is on but no list can be found: nothing verifies.
            return Err(msg::ssl_error("certificate verify failed"));
        }
        Ok(crls)
    }

    /// The client certificate and key, when the certificate file exists.
    #[allow(clippy::type_complexity)]
    fn client_certificate(
        &self,
    ) -> Result<
        Option<(
            Vec<rustls::pki_types::CertificateDer<'static>>,
            rustls::pki_types::PrivateKeyDer<'static>,
        )>,
        String,
    > {
        let Some(cert_file) =
            path_option(self, "sslcert").or_else(|| default_file("postgresql.crt"))
        else {
            return Ok(None);
        };
        match std::fs::metadata(&cert_file) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(msg::could_not_open_cert(
                    &cert_file,
                    &crate::net::strerror(&e),
                ))
            }
            Ok(_) => {}
        }
        // OpenSSL's complaint for a file without a PEM certificate.
        let certs = tls::load_certs(&cert_file)
            .ok()
            .filter(|c| !c.is_empty())
            .ok_or_else(|| msg::could_not_read_cert(&cert_file, "no start line"))?;
        let key_file = path_option(self, "sslkey")
            .or_else(|| default_file("postgresql.key"))
            .unwrap_or_default();
        let meta = std::fs::metadata(&key_file).map_err(|_| msg::cert_without_key(&key_file))?;
        if !meta.is_file() {
            return Err(msg::key_not_regular(&key_file));
        }
        // libpq's rule: 0600 or less for the owner's file, 0640 or less for root's.
        let mode = meta.mode() & 0o777;
        let too_open = if meta.uid() == 0 {
            mode & 0o037 != 0
        } else {
            mode & 0o077 != 0
        };
        if too_open {
            return Err(msg::key_too_open(&key_file));
        }
        let key = tls::load_key(&key_file, || crate::ffi::ssl::key_password(self))
            .map_err(|e| msg::could_not_load_key(&key_file, &e))?;
        if !tls::key_matches(&certs, &key) {
            return Err(msg::could_not_load_key(&key_file, "key values mismatch"));
        }
        Ok(Some((certs, key)))
    }

    /// Starts the TLS session of this attempt (after the server's 'S', or
    /// at once for direct negotiation).
    pub(crate) fn start_tls(&mut self) -> Result<(), String> {
        let settings = self.tls_settings()?;
        let host = self.tls_host();
        if settings.verify == Verify::Full && host.is_empty() {
            return Err(msg::HOST_NAME_REQUIRED.into());
        }
        let sni_ok = host.parse::<std::net::IpAddr>().is_err();
        let name = match ServerName::try_from(host.clone()) {
            Ok(n) => n,
            // Not a name rustls takes: check by address (no SNI is sent for one).
            Err(_) => ServerName::IpAddress(
                self.connect
                    .connected_ip
                    .as_deref()
                    .and_then(|ip| ip.parse::<std::net::IpAddr>().ok())
                    .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
                    .into(),
            ),
        };
        let _ = sni_ok;
        let session = TlsSession::new(settings, name).map_err(|e| tls_failure_text(&e))?;
        self.tls = Some(Box::new(session));
        Ok(())
    }

    /// One step of the handshake; Ok(true) when it is complete and the
    /// server's certificate passed libpq's checks.
    pub(crate) fn tls_handshake(&mut self) -> Result<Option<Handshake>, String> {
        let (Some(tls), Some(sock)) = (self.tls.as_mut(), self.sock.as_ref()) else {
            return Err(msg::NO_PLAN.into());
        };
        match tls.handshake(sock) {
            Ok(Handshake::Done) => {}
            Ok(other) => return Ok(Some(other)),
            Err(e) => return Err(tls_failure_text(&e)),
        }
        self.check_server_certificate()?;
        Ok(None)
    }

    /// sslcertmode=require, checked when the server says authentication is
    /// done (libpq does it at AuthenticationOk).
    pub(crate) fn check_client_cert_mode(&self) -> Result<(), String> {
        if self.plan.as_ref().map(|p| p.sslcertmode) != Some(SslCertMode::Require) {
            return Ok(());
        }
        let tls = self.tls.as_deref();
        if !tls.is_some_and(|t| t.cert_requested()) {
            return Err(msg::CERT_NOT_REQUESTED.into());
        }
        if !tls.is_some_and(|t| t.cert_sent()) {
            return Err(msg::CERT_NOT_SENT.into());
        }
        Ok(())
    }

    /// verify-full's host name check, after the handshake.
    fn check_server_certificate(&self) -> Result<(), String> {
        let Some(plan) = self.plan.as_ref() else {
            return Ok(());
        };
        let tls = self.tls.as_deref();
        let full = plan.sslmode == SslMode::VerifyFull
            || self.options.get("sslrootcert") == Some("system");
        if !full {
            return Ok(());
        }
        let host = self.tls_host();
        let der = tls.and_then(|t| t.peer_certificate()).unwrap_or_default();
        crate::net::certname::check_host(der, &host)
    }
}

/// libpq's wording for what went wrong with TLS.
fn tls_failure_text(e: &TlsFailure) -> String {
    match e {
        TlsFailure::Config(text) => msg::ssl_error(text),
        TlsFailure::Eof => msg::SSL_EOF.into(),
        TlsFailure::Io(e) => msg::ssl_syscall(&crate::net::strerror(e)),
        TlsFailure::ReadIo(e) => {
            // libpq's socket read callback appends its own text first.
            let first = match e.raw_os_error() {
                Some(libc::ECONNRESET) | Some(libc::EPIPE) => {
                    crate::messages::conn::SERVER_CLOSED.to_string()
                }
                _ => crate::messages::conn::could_not_receive(&crate::net::strerror(e)),
            };
            first + &msg::ssl_syscall(&crate::net::strerror(e))
        }
        TlsFailure::Tls(e) => msg::ssl_error(&tls::openssl_style(e)),
    }
}
