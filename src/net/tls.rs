//! TLS over a connection's socket with rustls (ring as the crypto provider):
//! the client configuration libpq's options ask for, the non-blocking
//! handshake, and reading and writing through the session.
//!
//! Certificate checking follows libpq's modes: no check (`require` without a
//! root certificate), the chain only (`verify-ca`, and `require` with one),
//! chain and host name (`verify-full`). rustls checks the chain; the host
//! name is checked afterwards by `conn` with libpq's own rules (SAN, then CN),
//! so that its messages are libpq's.

use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{ResolvesClientCert, WebPkiServerVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{
    CertificateDer, CertificateRevocationListDer, PrivateKeyDer, ServerName, UnixTime,
};
use rustls::{
    CertificateError, ClientConfig, ClientConnection, DigitallySignedStruct, Error as TlsError,
    RootCertStore, SignatureScheme,
};

use super::Socket;

/// How much of the server's certificate is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verify {
    /// Encryption only (sslmode require without a root certificate, prefer, allow).
    None,
    /// The chain up to a trusted root (verify-ca; require with a root certificate).
    Chain,
    /// The chain, and the host name (checked by the caller after the handshake).
    Full,
}

/// A TLS protocol version bound (ssl_min/max_protocol_version).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TlsVersion {
    V1_0,
    V1_1,
    V1_2,
    V1_3,
}

/// What the client configuration is built from.
pub struct TlsSettings {
    pub verify: Verify,
    /// Trusted roots; empty with Verify::None.
    pub roots: Vec<CertificateDer<'static>>,
    pub crls: Vec<CertificateRevocationListDer<'static>>,
    /// The client certificate chain and key, when one is to be offered.
    pub client: Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>,
    pub min_version: Option<TlsVersion>,
    pub max_version: Option<TlsVersion>,
    /// The option values, for messages.
    pub min_name: Option<&'static str>,
    pub max_name: Option<&'static str>,
    pub sni: bool,
}

/// The provider every session uses.
fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Offers the client certificate when the server asks, and remembers that it
/// asked (for sslcertmode=require).
#[derive(Debug)]
struct ClientCert {
    key: Option<Arc<rustls::sign::CertifiedKey>>,
    requested: Arc<AtomicBool>,
    sent: Arc<AtomicBool>,
}

impl ResolvesClientCert for ClientCert {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        _sigschemes: &[SignatureScheme],
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        self.requested.store(true, Ordering::Relaxed);
        self.sent.store(self.key.is_some(), Ordering::Relaxed);
        self.key.clone()
    }

    fn has_certs(&self) -> bool {
        self.key.is_some()
    }
}

/// Checks the server's certificate as libpq's mode says; signatures are
/// always checked.
#[derive(Debug)]
struct ModeVerifier {
    /// None: no certificate check (Verify::None).
    chain: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for ModeVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        let Some(chain) = &self.chain else {
            return Ok(ServerCertVerified::assertion());
        };
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            // webpki checks the name only once the chain is good; libpq's
            // own name check comes after the handshake.
            Err(TlsError::InvalidCertificate(CertificateError::NotValidForName))
            | Err(TlsError::InvalidCertificate(CertificateError::NotValidForNameContext {
                ..
            })) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }

    fn requires_raw_public_keys(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> Option<&[rustls::DistinguishedName]> {
        None
    }
}

/// A TLS session over the connection's socket.
pub struct TlsSession {
    conn: ClientConnection,
    cert_requested: Arc<AtomicBool>,
    cert_sent: Arc<AtomicBool>,
}

/// How far a handshake got.
pub enum Handshake {
    Done,
    WantRead,
    WantWrite,
}

/// Why a session could not be set up or went wrong: libpq's wording is
/// chosen by the caller from this.
#[derive(Debug)]
pub enum TlsFailure {
    /// The configuration could not be built (bad certificate, key, versions).
    Config(String),
    /// The peer closed the connection during the handshake.
    Eof,
    /// A socket error while sending.
    Io(io::Error),
    /// A socket error while receiving (libpq's read callback reports it
    /// before the TLS library does).
    ReadIo(io::Error),
    /// A TLS protocol or certificate error.
    Tls(TlsError),
}

struct SockIo<'a>(&'a Socket);

impl Read for SockIo<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl Write for SockIo<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl TlsSession {
    /// A client session for `server_name` (a host name, or an address when
    /// the connection has none), ALPN "postgresql" as libpq 17+ sends.
    pub fn new(
        settings: TlsSettings,
        server_name: ServerName<'static>,
    ) -> Result<Self, TlsFailure> {
        let provider = provider();
        let versions: Vec<&'static rustls::SupportedProtocolVersion> = [
            (TlsVersion::V1_2, &rustls::version::TLS12),
            (TlsVersion::V1_3, &rustls::version::TLS13),
        ]
        .into_iter()
        .filter(|(v, _)| {
            settings.min_version.is_none_or(|min| *v >= min)
                && settings.max_version.is_none_or(|max| *v <= max)
        })
        .map(|(_, p)| p)
        .collect();
        if versions.is_empty() {
            // Only TLSv1 and TLSv1.1 were allowed: what libpq reports when
            // the server refuses them (rustls does not speak them at all).
            return Err(TlsFailure::Config(format!(
                "tlsv1 alert protocol version\nThis may indicate that the server does not support any SSL protocol version between {} and {}.",
                settings.min_name.unwrap_or("TLSv1"),
                settings.max_name.unwrap_or("TLSv1.3")
            )));
        }
        let chain = if settings.verify == Verify::None {
            None
        } else {
            let mut roots = RootCertStore::empty();
            for cert in settings.roots {
                // As OpenSSL loading a bundle: unusable entries are skipped.
                let _ = roots.add(cert);
            }
            let built =
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                    .with_crls(settings.crls)
                    .build()
                    // No usable root: nothing can verify (OpenSSL's words).
                    .map_err(|_| TlsFailure::Config("certificate verify failed".into()))?;
            Some(built)
        };
        let verifier = Arc::new(ModeVerifier {
            chain,
            provider: provider.clone(),
        });
        let requested = Arc::new(AtomicBool::new(false));
        let sent = Arc::new(AtomicBool::new(false));
        let key = match settings.client {
            Some((certs, key)) => {
                let signer = provider
                    .key_provider
                    .load_private_key(key)
                    .map_err(|e| TlsFailure::Config(e.to_string()))?;
                Some(Arc::new(rustls::sign::CertifiedKey::new(certs, signer)))
            }
            None => None,
        };
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&versions)
            .map_err(|e| TlsFailure::Config(e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_client_cert_resolver(Arc::new(ClientCert {
                key,
                requested: requested.clone(),
                sent: sent.clone(),
            }));
        config.alpn_protocols = vec![b"postgresql".to_vec()];
        config.enable_sni = settings.sni;
        let conn = ClientConnection::new(Arc::new(config), server_name).map_err(TlsFailure::Tls)?;
        Ok(TlsSession {
            conn,
            cert_requested: requested,
            cert_sent: sent,
        })
    }

    /// Drives the handshake as far as the socket allows.
    pub fn handshake(&mut self, sock: &Socket) -> Result<Handshake, TlsFailure> {
        loop {
            if self.conn.wants_write() {
                match self.conn.write_tls(&mut SockIo(sock)) {
                    Ok(_) => continue,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                        return Ok(Handshake::WantWrite)
                    }
                    Err(e) => return Err(TlsFailure::Io(e)),
                }
            }
            if !self.conn.is_handshaking() {
                return Ok(Handshake::Done);
            }
            match self.conn.read_tls(&mut SockIo(sock)) {
                Ok(0) => return Err(TlsFailure::Eof),
                Ok(_) => {
                    if let Err(e) = self.conn.process_new_packets() {
                        // Send the alert that says why, best effort.
                        let _ = self.conn.write_tls(&mut SockIo(sock));
                        return Err(TlsFailure::Tls(e));
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(Handshake::WantRead),
                Err(e) => return Err(TlsFailure::ReadIo(e)),
            }
        }
    }

    /// Decrypted bytes into `buf`, WouldBlock when nothing is available
    /// yet. The end of the session is an UnexpectedEof error carrying
    /// libpq's words for it (libpq reports any end of an SSL connection as
    /// an error, a clean one included).
    pub fn read(&mut self, sock: &Socket, buf: &mut [u8]) -> io::Result<usize> {
        let closed = |text: &str| io::Error::new(io::ErrorKind::UnexpectedEof, text.to_string());
        loop {
            match self.conn.reader().read(buf) {
                Ok(0) if !buf.is_empty() => {
                    return Err(closed("SSL connection has been closed unexpectedly"))
                }
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                    return Err(closed("SSL SYSCALL error: EOF detected"))
                }
                Err(e) => return Err(e),
            }
            match self.conn.read_tls(&mut SockIo(sock)) {
                Ok(0) => return Err(closed("SSL SYSCALL error: EOF detected")),
                Ok(_) => {
                    if let Err(e) = self.conn.process_new_packets() {
                        let _ = self.conn.write_tls(&mut SockIo(sock));
                        let text = format!("SSL error: {}", openssl_style(&e));
                        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, text));
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Takes plaintext (as much as the session buffers) and sends what the
    /// socket takes; records not sent yet go out with [`Self::flush`].
    pub fn write(&mut self, sock: &Socket, buf: &[u8]) -> io::Result<usize> {
        if !self.flush(sock)? {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let n = self.conn.writer().write(buf)?;
        self.flush(sock)?;
        Ok(n)
    }

    /// Sends pending records: Ok(true) when none is left.
    pub fn flush(&mut self, sock: &Socket) -> io::Result<bool> {
        while self.conn.wants_write() {
            match self.conn.write_tls(&mut SockIo(sock)) {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }

    /// Records still to be sent.
    pub fn has_pending_output(&self) -> bool {
        self.conn.wants_write()
    }

    /// Did the server ask for a client certificate?
    pub fn cert_requested(&self) -> bool {
        self.cert_requested.load(Ordering::Relaxed)
    }

    /// Was a client certificate sent?
    pub fn cert_sent(&self) -> bool {
        self.cert_sent.load(Ordering::Relaxed)
    }

    /// The server's certificate (DER), once the handshake is done.
    pub fn peer_certificate(&self) -> Option<&[u8]> {
        self.conn
            .peer_certificates()
            .and_then(|c| c.first())
            .map(|c| c.as_ref())
    }

    /// "TLSv1.2" or "TLSv1.3", as OpenSSL names them.
    pub fn protocol_name(&self) -> Option<&'static str> {
        match self.conn.protocol_version()? {
            rustls::ProtocolVersion::TLSv1_2 => Some("TLSv1.2"),
            rustls::ProtocolVersion::TLSv1_3 => Some("TLSv1.3"),
            _ => None,
        }
    }

    /// The cipher suite in OpenSSL's naming, and its key size in bits.
    pub fn cipher(&self) -> Option<(&'static str, u32)> {
        let suite = self.conn.negotiated_cipher_suite()?;
        Some(openssl_cipher_name(suite.suite()))
    }

    /// The ALPN protocol the server chose.
    pub fn alpn(&self) -> Option<&[u8]> {
        self.conn.alpn_protocol()
    }

    /// Sends close_notify, best effort (libpq's SSL_shutdown).
    pub fn close(&mut self, sock: &Socket) {
        self.conn.send_close_notify();
        let _ = self.flush(sock);
    }
}

/// OpenSSL's names for the suites rustls offers (psql prints them).
fn openssl_cipher_name(suite: rustls::CipherSuite) -> (&'static str, u32) {
    use rustls::CipherSuite::*;
    match suite {
        TLS13_AES_128_GCM_SHA256 => ("TLS_AES_128_GCM_SHA256", 128),
        TLS13_AES_256_GCM_SHA384 => ("TLS_AES_256_GCM_SHA384", 256),
        TLS13_CHACHA20_POLY1305_SHA256 => ("TLS_CHACHA20_POLY1305_SHA256", 256),
        TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 => ("ECDHE-ECDSA-AES128-GCM-SHA256", 128),
        TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 => ("ECDHE-ECDSA-AES256-GCM-SHA384", 256),
        TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 => ("ECDHE-ECDSA-CHACHA20-POLY1305", 256),
        TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 => ("ECDHE-RSA-AES128-GCM-SHA256", 128),
        TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 => ("ECDHE-RSA-AES256-GCM-SHA384", 256),
        TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 => ("ECDHE-RSA-CHACHA20-POLY1305", 256),
        _ => ("unknown", 0),
    }
}

/// Certificates from a PEM file (a bundle): the DER of each.
pub fn load_certs(path: &std::path::Path) -> Result<Vec<CertificateDer<'static>>, String> {
    use rustls::pki_types::pem::PemObject;
    CertificateDer::pem_file_iter(path)
        .map_err(|e| e.to_string())?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())
}

/// CRLs from a PEM file.
pub fn load_crls(
    path: &std::path::Path,
) -> Result<Vec<CertificateRevocationListDer<'static>>, String> {
    use rustls::pki_types::pem::PemObject;
    CertificateRevocationListDer::pem_file_iter(path)
        .map_err(|e| e.to_string())?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())
}

/// A private key from a PEM file (PKCS#8, PKCS#1 or SEC1; an encrypted
/// PKCS#8 key is decrypted with the password `password` gives). Errors are
/// OpenSSL's reason strings, as libpq shows them.
pub fn load_key(
    path: &std::path::Path,
    password: impl FnOnce() -> Vec<u8>,
) -> Result<PrivateKeyDer<'static>, String> {
    use rustls::pki_types::pem::PemObject;
    let text = std::fs::read(path).map_err(|e| e.to_string())?;
    if let Ok(pem) = std::str::from_utf8(&text) {
        if pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
            use pkcs8::der::pem::PemLabel;
            let (label, doc) = pkcs8::der::SecretDocument::from_pem(pem)
                .map_err(|_| "no start line".to_string())?;
            if label != pkcs8::EncryptedPrivateKeyInfo::PEM_LABEL {
                return Err("no start line".into());
            }
            let info = pkcs8::EncryptedPrivateKeyInfo::try_from(doc.as_bytes())
                .map_err(|_| "bad decrypt".to_string())?;
            let plain = info
                .decrypt(password())
                .map_err(|_| "bad decrypt".to_string())?;
            return Ok(PrivateKeyDer::Pkcs8(plain.as_bytes().to_vec().into()));
        }
    }
    PrivateKeyDer::from_pem_slice(&text).map_err(|_| "no start line".to_string())
}

/// The platform's trust store (sslrootcert=system).
pub fn system_roots() -> Vec<CertificateDer<'static>> {
    rustls_native_certs::load_native_certs().certs
}

/// OpenSSL's reason strings for the failures users meet most, so that
/// scripts matching libpq's messages keep working.
pub fn openssl_style(e: &TlsError) -> String {
    use rustls::AlertDescription as A;
    match e {
        // OpenSSL's reason is the same for every chain problem (unknown
        // issuer, expired, revoked, ...).
        TlsError::InvalidCertificate(_) => "certificate verify failed".into(),
        TlsError::AlertReceived(A::HandshakeFailure) => "sslv3 alert handshake failure".into(),
        TlsError::AlertReceived(A::CertificateRequired) => {
            "tlsv13 alert certificate required".into()
        }
        TlsError::AlertReceived(A::UnknownCA) => "tlsv1 alert unknown ca".into(),
        TlsError::AlertReceived(A::ProtocolVersion) => "tlsv1 alert protocol version".into(),
        TlsError::PeerIncompatible(_) => "unsupported protocol".into(),
        other => other.to_string(),
    }
}

/// Does the private key belong to the certificate (OpenSSL's
/// SSL_CTX_check_private_key)?
pub fn key_matches(certs: &[CertificateDer<'static>], key: &PrivateKeyDer<'static>) -> bool {
    let provider = provider();
    let Ok(signer) = provider.key_provider.load_private_key(key.clone_key()) else {
        return false;
    };
    rustls::sign::CertifiedKey::new(certs.to_vec(), signer)
        .keys_match()
        .is_ok()
}

/// Only self-signed certificates anchor a chain, as OpenSSL requires
/// without X509_V_FLAG_PARTIAL_CHAIN (an intermediate named as root
/// certificate does not verify).
pub fn self_signed_only(certs: Vec<CertificateDer<'static>>) -> Vec<CertificateDer<'static>> {
    use x509_cert::der::Decode;
    certs
        .into_iter()
        .filter(|c| {
            x509_cert::Certificate::from_der(c.as_ref())
                .is_ok_and(|x| x.tbs_certificate.subject == x.tbs_certificate.issuer)
        })
        .collect()
}
