//! TLS material for the test servers, made at test time (nothing is
//! committed: every run has fresh keys).
//!
//! [`TlsFiles::generate`] writes, with `rcgen` (ECDSA keys, PEM files):
//!
//! | file | what |
//! |---|---|
//! | `root.crt` | the root CA ("libpq-rs test root CA", P-256) every good certificate chains to |
//! | `intermediate.crt` | an intermediate CA signed by the root (P-384: what it signs uses ecdsa-with-SHA384) |
//! | `wrongca.crt` | an unrelated self-signed CA ("libpq-rs unrelated CA") |
//! | `server.crt/.key` | the main server: CN localhost, SAN DNS localhost, IP 127.0.0.1 and ::1, signed by the root |
//! | `server-other.crt/.key` | CN other.example, SAN DNS other.example and *.wild.example, signed by the root |
//! | `server-expired.crt/.key` | like server.crt but valid from 30 days ago until yesterday |
//! | `server-chain.crt/.key` | like server.crt but signed by the intermediate; the file holds the leaf then the intermediate |
//! | `client.crt/.key` | CN libpqrs_cert ([`super::CERT_USER`], the `cert` method user), signed by the root; key 0600 |
//! | `client-encrypted.key` | the same key as encrypted PKCS#8 (PBES2: PBKDF2-SHA256, AES-256-CBC), password [`CLIENT_KEY_PASSWORD`] |
//! | `client-worldreadable.key` | the same key, mode 0644 (libpq refuses it: "has group or world access") |
//! | `client-wrongca.crt/.key` | CN libpqrs_cert signed by the unrelated CA |
//! | `client-otheruser.crt/.key` | CN libpqrs_trust signed by the root (`cert` auth as libpqrs_cert fails) |
//! | `garbage.pem` | text that is neither a certificate nor a CRL nor a key |
//! | `garbage.key` | the same text, mode 0600 (gets past libpq's permission check) |
//! | `crl-empty.pem` | a CRL of the root revoking nothing |
//! | `crl-server-revoked.pem` | a CRL of the root revoking server.crt (so the main server's certificate is "revoked" for a client given it) |
//! | `crl-chain.pem` | the empty CRLs of the root and of the intermediate (libpq checks the whole chain: X509_V_FLAG_CRL_CHECK_ALL) |
//! | `crldir-empty/`, `crldir-server-revoked/` | the same CRLs in OpenSSL's hashed directory layout for `sslcrldir`: `<issuer name hash>.r0` |
//! | `home-empty/` | a `HOME` without `.postgresql` |
//! | `home-rootcrt/.postgresql/root.crt` | the right root CA as libpq's default root certificate |
//! | `home-wrongroot/.postgresql/root.crt` | the unrelated CA there |
//! | `home-client/.postgresql/` | `root.crt`, `postgresql.crt`, `postgresql.key` (the client certificate as libpq's defaults) |
//! | `home-crl/.postgresql/` | `root.crt` and `root.crl` (libpq's default CRL: the one revoking server.crt) |
//! | `empty-dir/` | an empty directory (for `SSL_CERT_DIR`) |
//!
//! Server keys are 0600 and owned by the server's OS user (PostgreSQL
//! refuses others); client keys are 0600 and owned by us, except
//! `client-worldreadable.key`.
//!
//! `sslcrldir` (libpq 14+) hands the directory to OpenSSL's
//! `X509_LOOKUP_hash_dir`, which looks CRLs up by the issuer's name hash
//! (`X509_NAME_hash`: the first four bytes, little-endian, of the SHA-1 of
//! the name's canonical encoding) as `<8 hex digits>.r<n>`;
//! [`openssl_name_hash`] computes it for the names used here.
#![allow(dead_code)]

use std::fs;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, DistinguishedName,
    DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose,
    RevokedCertParams, SanType, SerialNumber, PKCS_ECDSA_P256_SHA256, PKCS_ECDSA_P384_SHA384,
};
use sha1::{Digest, Sha1};
use time::{Duration, OffsetDateTime};

/// Password of `client-encrypted.key` (`sslpassword`).
pub const CLIENT_KEY_PASSWORD: &str = "client-key-pw";
/// Common name of the root CA.
pub const ROOT_CA_NAME: &str = "libpq-rs test root CA";
/// Common name of the intermediate CA.
pub const INTERMEDIATE_CA_NAME: &str = "libpq-rs test intermediate CA";
/// Common name of the unrelated CA.
pub const WRONG_CA_NAME: &str = "libpq-rs unrelated CA";

/// Serial numbers (fixed, so outputs showing them are reproducible).
pub const SERIAL_SERVER: u64 = 0x1001;
pub const SERIAL_SERVER_OTHER: u64 = 0x1002;
pub const SERIAL_SERVER_EXPIRED: u64 = 0x1003;
pub const SERIAL_SERVER_CHAIN: u64 = 0x1004;
pub const SERIAL_CLIENT: u64 = 0x2001;
pub const SERIAL_CLIENT_WRONG_CA: u64 = 0x2002;
pub const SERIAL_CLIENT_OTHER_USER: u64 = 0x2003;

/// Paths of everything [`TlsFiles::generate`] wrote (see the module doc).
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub dir: PathBuf,
    pub root_ca: PathBuf,
    pub intermediate_ca: PathBuf,
    pub wrong_ca: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    pub server_other_cert: PathBuf,
    pub server_other_key: PathBuf,
    pub server_expired_cert: PathBuf,
    pub server_expired_key: PathBuf,
    pub server_chain_cert: PathBuf,
    pub server_chain_key: PathBuf,
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
    pub client_key_encrypted: PathBuf,
    pub client_key_world_readable: PathBuf,
    pub client_wrong_ca_cert: PathBuf,
    pub client_wrong_ca_key: PathBuf,
    pub client_other_user_cert: PathBuf,
    pub client_other_user_key: PathBuf,
    pub garbage: PathBuf,
    pub garbage_key: PathBuf,
    pub crl_empty: PathBuf,
    pub crl_server_revoked: PathBuf,
    pub crl_chain: PathBuf,
    pub crl_dir_empty: PathBuf,
    pub crl_dir_server_revoked: PathBuf,
    pub home_empty: PathBuf,
    pub home_root_crt: PathBuf,
    pub home_wrong_root: PathBuf,
    pub home_client: PathBuf,
    pub home_crl: PathBuf,
    pub empty_dir: PathBuf,
}

/// Which certificate a server presents (see [`TlsFiles::server_conf`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServerCert {
    /// server.crt; also requests client certificates (ssl_ca_file = root.crt).
    Main,
    /// server-other.crt; no ssl_ca_file (never requests a client certificate).
    OtherHost,
    /// server-expired.crt; no ssl_ca_file.
    Expired,
    /// server-chain.crt (leaf + intermediate); no ssl_ca_file.
    Chain,
}

fn err(what: &str, e: impl std::fmt::Display) -> String {
    format!("TLS material: {what}: {e}")
}

fn write(path: &Path, data: &[u8], mode: u32) -> Result<(), String> {
    fs::write(path, data).map_err(|e| err(&format!("write {}", path.display()), e))?;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .map_err(|e| err(&format!("chmod {}", path.display()), e))
}

fn mkdir(path: &Path) -> Result<(), String> {
    fs::create_dir_all(path).map_err(|e| err(&format!("mkdir {}", path.display()), e))?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
        .map_err(|e| err(&format!("chmod {}", path.display()), e))
}

fn dn(cn: &str) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    d.push(DnType::CommonName, cn);
    d
}

fn serial(n: u64) -> SerialNumber {
    SerialNumber::from_slice(&n.to_be_bytes())
}

fn ca_params(cn: &str, serial_no: u64, now: OffsetDateTime) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = dn(cn);
    p.serial_number = Some(serial(serial_no));
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    p.not_before = now - Duration::days(1);
    p.not_after = now + Duration::days(3650);
    p.key_identifier_method = KeyIdMethod::Sha256;
    p
}

fn leaf_params(
    cn: &str,
    sans: &[SanType],
    serial_no: u64,
    server: bool,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = dn(cn);
    p.subject_alt_names = sans.to_vec();
    p.serial_number = Some(serial(serial_no));
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = vec![if server {
        ExtendedKeyUsagePurpose::ServerAuth
    } else {
        ExtendedKeyUsagePurpose::ClientAuth
    }];
    p.not_before = not_before;
    p.not_after = not_after;
    p.use_authority_key_identifier_extension = true;
    p
}

fn dns(name: &str) -> SanType {
    SanType::DnsName(name.try_into().expect("valid DNS name"))
}

fn localhost_sans() -> Vec<SanType> {
    vec![
        dns("localhost"),
        SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        SanType::IpAddress(IpAddr::V6(Ipv6Addr::LOCALHOST)),
    ]
}

fn new_key(alg: &'static rcgen::SignatureAlgorithm) -> Result<KeyPair, String> {
    KeyPair::generate_for(alg).map_err(|e| err("key generation", e))
}

/// A CA: its certificate (PEM) and an issuer to sign with.
struct Ca {
    pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl Ca {
    fn self_signed(cn: &str, serial_no: u64, now: OffsetDateTime) -> Result<Ca, String> {
        let key = new_key(&PKCS_ECDSA_P256_SHA256)?;
        let params = ca_params(cn, serial_no, now);
        let cert = params
            .self_signed(&key)
            .map_err(|e| err("self-signed CA", e))?;
        Ok(Ca {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        })
    }

    fn signed_by(
        cn: &str,
        serial_no: u64,
        now: OffsetDateTime,
        alg: &'static rcgen::SignatureAlgorithm,
        parent: &Ca,
    ) -> Result<Ca, String> {
        let key = new_key(alg)?;
        let mut params = ca_params(cn, serial_no, now);
        params.use_authority_key_identifier_extension = true;
        let cert = params
            .signed_by(&key, &parent.issuer)
            .map_err(|e| err("intermediate CA", e))?;
        Ok(Ca {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        })
    }

    /// A leaf certificate and its key (PEM).
    fn issue(&self, params: &CertificateParams) -> Result<(String, String), String> {
        let key = new_key(&PKCS_ECDSA_P256_SHA256)?;
        let cert = params
            .signed_by(&key, &self.issuer)
            .map_err(|e| err("leaf certificate", e))?;
        Ok((cert.pem(), key.serialize_pem()))
    }

    /// A CRL (PEM) revoking `revoked` serial numbers.
    fn crl(&self, revoked: &[u64], now: OffsetDateTime) -> Result<String, String> {
        let params = CertificateRevocationListParams {
            this_update: now - Duration::hours(1),
            next_update: now + Duration::days(3650),
            crl_number: serial(1),
            issuing_distribution_point: None,
            revoked_certs: revoked
                .iter()
                .map(|&s| RevokedCertParams {
                    serial_number: serial(s),
                    revocation_time: now - Duration::hours(1),
                    reason_code: Some(rcgen::RevocationReason::KeyCompromise),
                    invalidity_date: None,
                })
                .collect(),
            key_identifier_method: KeyIdMethod::Sha256,
        };
        params
            .signed_by(&self.issuer)
            .map_err(|e| err("CRL", e))?
            .pem()
            .map_err(|e| err("CRL PEM", e))
    }
}

/// DER length octets.
fn der_len(n: usize) -> Vec<u8> {
    if n < 0x80 {
        vec![n as u8]
    } else {
        let bytes: Vec<u8> = n
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|&b| b == 0)
            .collect();
        let mut v = vec![0x80 | bytes.len() as u8];
        v.extend(bytes);
        v
    }
}

fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    v.extend(der_len(content.len()));
    v.extend_from_slice(content);
    v
}

/// OpenSSL's `X509_NAME_hash` (the `<hash>` of `<hash>.0` / `<hash>.r0` in
/// a hashed certificate or CRL directory) of the name `CN=<cn>`: SHA-1 of
/// the canonical encoding (each RDN's SET, without the outer SEQUENCE; the
/// value as a UTF8String, trimmed, inner white space collapsed to one
/// space, ASCII lowercased), first four bytes read little-endian.
pub fn openssl_name_hash(cn: &str) -> String {
    let canon: String = cn
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    const OID_CN: [u8; 5] = [0x06, 0x03, 0x55, 0x04, 0x03];
    let mut atv = OID_CN.to_vec();
    atv.extend(der(0x0c, canon.as_bytes()));
    let rdn = der(0x31, &der(0x30, &atv));
    let digest = Sha1::digest(&rdn);
    let h = u32::from_le_bytes([digest[0], digest[1], digest[2], digest[3]]);
    format!("{h:08x}")
}

impl TlsFiles {
    /// Makes every file under `dir` (created). `server_owner`: (uid, gid)
    /// the server runs as when that is not us (server keys must belong to it).
    pub fn generate(dir: &Path, server_owner: Option<(u32, u32)>) -> Result<TlsFiles, String> {
        mkdir(dir)?;
        let p = |name: &str| dir.join(name);
        let t = TlsFiles {
            dir: dir.to_path_buf(),
            root_ca: p("root.crt"),
            intermediate_ca: p("intermediate.crt"),
            wrong_ca: p("wrongca.crt"),
            server_cert: p("server.crt"),
            server_key: p("server.key"),
            server_other_cert: p("server-other.crt"),
            server_other_key: p("server-other.key"),
            server_expired_cert: p("server-expired.crt"),
            server_expired_key: p("server-expired.key"),
            server_chain_cert: p("server-chain.crt"),
            server_chain_key: p("server-chain.key"),
            client_cert: p("client.crt"),
            client_key: p("client.key"),
            client_key_encrypted: p("client-encrypted.key"),
            client_key_world_readable: p("client-worldreadable.key"),
            client_wrong_ca_cert: p("client-wrongca.crt"),
            client_wrong_ca_key: p("client-wrongca.key"),
            client_other_user_cert: p("client-otheruser.crt"),
            client_other_user_key: p("client-otheruser.key"),
            garbage: p("garbage.pem"),
            garbage_key: p("garbage.key"),
            crl_empty: p("crl-empty.pem"),
            crl_server_revoked: p("crl-server-revoked.pem"),
            crl_chain: p("crl-chain.pem"),
            crl_dir_empty: p("crldir-empty"),
            crl_dir_server_revoked: p("crldir-server-revoked"),
            home_empty: p("home-empty"),
            home_root_crt: p("home-rootcrt"),
            home_wrong_root: p("home-wrongroot"),
            home_client: p("home-client"),
            home_crl: p("home-crl"),
            empty_dir: p("empty-dir"),
        };
        let now = OffsetDateTime::now_utc();
        let (valid_from, valid_until) = (now - Duration::days(1), now + Duration::days(3650));

        let root = Ca::self_signed(ROOT_CA_NAME, 1, now)?;
        let intermediate =
            Ca::signed_by(INTERMEDIATE_CA_NAME, 2, now, &PKCS_ECDSA_P384_SHA384, &root)?;
        let wrong = Ca::self_signed(WRONG_CA_NAME, 3, now)?;
        write(&t.root_ca, root.pem.as_bytes(), 0o644)?;
        write(&t.intermediate_ca, intermediate.pem.as_bytes(), 0o644)?;
        write(&t.wrong_ca, wrong.pem.as_bytes(), 0o644)?;

        // Server certificates.
        let servers = [
            (
                &t.server_cert,
                &t.server_key,
                root.issue(&leaf_params(
                    "localhost",
                    &localhost_sans(),
                    SERIAL_SERVER,
                    true,
                    valid_from,
                    valid_until,
                ))?,
                None,
            ),
            (
                &t.server_other_cert,
                &t.server_other_key,
                root.issue(&leaf_params(
                    "other.example",
                    &[dns("other.example"), dns("*.wild.example")],
                    SERIAL_SERVER_OTHER,
                    true,
                    valid_from,
                    valid_until,
                ))?,
                None,
            ),
            (
                &t.server_expired_cert,
                &t.server_expired_key,
                root.issue(&leaf_params(
                    "localhost",
                    &localhost_sans(),
                    SERIAL_SERVER_EXPIRED,
                    true,
                    now - Duration::days(30),
                    now - Duration::days(1),
                ))?,
                None,
            ),
            (
                &t.server_chain_cert,
                &t.server_chain_key,
                intermediate.issue(&leaf_params(
                    "localhost",
                    &localhost_sans(),
                    SERIAL_SERVER_CHAIN,
                    true,
                    valid_from,
                    valid_until,
                ))?,
                Some(&intermediate.pem),
            ),
        ];
        for (cert_path, key_path, (cert, key), chain) in servers {
            let mut text = cert;
            if let Some(extra) = chain {
                text.push_str(extra);
            }
            write(cert_path, text.as_bytes(), 0o644)?;
            write(key_path, key.as_bytes(), 0o600)?;
            if let Some((uid, gid)) = server_owner {
                std::os::unix::fs::chown(key_path, Some(uid), Some(gid))
                    .map_err(|e| err(&format!("chown {}", key_path.display()), e))?;
            }
        }

        // Client certificates.
        let (client_cert, client_key) = root.issue(&leaf_params(
            super::CERT_USER,
            &[],
            SERIAL_CLIENT,
            false,
            valid_from,
            valid_until,
        ))?;
        write(&t.client_cert, client_cert.as_bytes(), 0o644)?;
        write(&t.client_key, client_key.as_bytes(), 0o600)?;
        write(&t.client_key_world_readable, client_key.as_bytes(), 0o644)?;
        write(
            &t.client_key_encrypted,
            encrypt_key(&client_key, CLIENT_KEY_PASSWORD)?.as_bytes(),
            0o600,
        )?;
        let (c, k) = wrong.issue(&leaf_params(
            super::CERT_USER,
            &[],
            SERIAL_CLIENT_WRONG_CA,
            false,
            valid_from,
            valid_until,
        ))?;
        write(&t.client_wrong_ca_cert, c.as_bytes(), 0o644)?;
        write(&t.client_wrong_ca_key, k.as_bytes(), 0o600)?;
        let (c, k) = root.issue(&leaf_params(
            super::TRUST_USER,
            &[],
            SERIAL_CLIENT_OTHER_USER,
            false,
            valid_from,
            valid_until,
        ))?;
        write(&t.client_other_user_cert, c.as_bytes(), 0o644)?;
        write(&t.client_other_user_key, k.as_bytes(), 0o600)?;
        let garbage = b"this is not a certificate, a CRL or a key\n";
        write(&t.garbage, garbage, 0o644)?;
        write(&t.garbage_key, garbage, 0o600)?;

        // CRLs, as files and as hashed directories.
        let crl_empty = root.crl(&[], now)?;
        let crl_revoked = root.crl(&[SERIAL_SERVER], now)?;
        let crl_intermediate = intermediate.crl(&[], now)?;
        write(&t.crl_empty, crl_empty.as_bytes(), 0o644)?;
        write(&t.crl_server_revoked, crl_revoked.as_bytes(), 0o644)?;
        write(
            &t.crl_chain,
            format!("{crl_empty}{crl_intermediate}").as_bytes(),
            0o644,
        )?;
        let root_hash = openssl_name_hash(ROOT_CA_NAME);
        for (d, crl) in [
            (&t.crl_dir_empty, &crl_empty),
            (&t.crl_dir_server_revoked, &crl_revoked),
        ] {
            mkdir(d)?;
            write(&d.join(format!("{root_hash}.r0")), crl.as_bytes(), 0o644)?;
        }

        // Home directories (libpq's defaults under ~/.postgresql).
        mkdir(&t.home_empty)?;
        mkdir(&t.empty_dir)?;
        let pgdir = |home: &Path| -> Result<PathBuf, String> {
            let d = home.join(".postgresql");
            mkdir(&d)?;
            Ok(d)
        };
        let d = pgdir(&t.home_root_crt)?;
        write(&d.join("root.crt"), root.pem.as_bytes(), 0o644)?;
        let d = pgdir(&t.home_wrong_root)?;
        write(&d.join("root.crt"), wrong.pem.as_bytes(), 0o644)?;
        let d = pgdir(&t.home_client)?;
        write(&d.join("root.crt"), root.pem.as_bytes(), 0o644)?;
        write(&d.join("postgresql.crt"), client_cert.as_bytes(), 0o644)?;
        write(&d.join("postgresql.key"), client_key.as_bytes(), 0o600)?;
        let d = pgdir(&t.home_crl)?;
        write(&d.join("root.crt"), root.pem.as_bytes(), 0o644)?;
        write(&d.join("root.crl"), crl_revoked.as_bytes(), 0o644)?;
        Ok(t)
    }

    /// postgresql.conf lines enabling TLS with `cert`.
    pub fn server_conf(&self, cert: ServerCert) -> String {
        let (c, k) = match cert {
            ServerCert::Main => (&self.server_cert, &self.server_key),
            ServerCert::OtherHost => (&self.server_other_cert, &self.server_other_key),
            ServerCert::Expired => (&self.server_expired_cert, &self.server_expired_key),
            ServerCert::Chain => (&self.server_chain_cert, &self.server_chain_key),
        };
        let mut s = format!(
            "ssl = on\nssl_cert_file = '{}'\nssl_key_file = '{}'\n",
            c.display(),
            k.display()
        );
        if cert == ServerCert::Main {
            s.push_str(&format!("ssl_ca_file = '{}'\n", self.root_ca.display()));
        }
        s
    }
}

/// The PKCS#8 PEM key `pem` encrypted with `password` (PBES2 with
/// PBKDF2-HMAC-SHA256 and AES-256-CBC, what `openssl pkcs8 -topk8 -v2
/// aes-256-cbc` writes), as an "ENCRYPTED PRIVATE KEY" PEM.
fn encrypt_key(pem: &str, password: &str) -> Result<String, String> {
    use pkcs8::der::Decode;
    let (label, doc) =
        pkcs8::SecretDocument::from_pem(pem).map_err(|e| err("parse PKCS#8 key", e))?;
    if label != "PRIVATE KEY" {
        return Err(err("key PEM label", label));
    }
    let info = pkcs8::PrivateKeyInfo::from_der(doc.as_bytes()).map_err(|e| err("PKCS#8 DER", e))?;
    // With a wrong password the CBC padding check fails ("bad decrypt")
    // about 255 times in 256; otherwise OpenSSL reports whatever its ASN.1
    // parser makes of the garbage. The tests use the wrong password
    // "wrong": draw salt and IV until it fails at the padding, so that
    // every run gives the same answer.
    for _ in 0..1000 {
        let mut salt = [0u8; 16];
        let mut iv = [0u8; 16];
        getrandom::getrandom(&mut salt).map_err(|e| err("random salt", e))?;
        getrandom::getrandom(&mut iv).map_err(|e| err("random IV", e))?;
        let params = pkcs8::pkcs5::pbes2::Parameters::pbkdf2_sha256_aes256cbc(2048, &salt, &iv)
            .map_err(|e| err("PBES2 parameters", e))?;
        let enc = info
            .encrypt_with_params(params, password)
            .map_err(|e| err("encrypt key", e))?;
        let parsed = pkcs8::EncryptedPrivateKeyInfo::from_der(enc.as_bytes())
            .map_err(|e| err("encrypted key DER", e))?;
        let wrong_fails_at_padding = parsed
            .encryption_algorithm
            .decrypt("wrong", parsed.encrypted_data)
            .is_err();
        if wrong_fails_at_padding {
            return enc
                .to_pem("ENCRYPTED PRIVATE KEY", pkcs8::LineEnding::LF)
                .map(|s| s.to_string())
                .map_err(|e| err("encrypted key PEM", e));
        }
    }
    Err(err(
        "encrypt key",
        "no salt made the wrong password fail at the padding",
    ))
}
