//! What libpq reads from the server's certificate itself: the names checked
//! against the host for verify-full (fe-secure-common.c and
//! fe-secure-openssl.c: subjectAltName dNSName and iPAddress entries, the
//! Common Name only when no dNSName is present, `*.` wildcards), and the hash
//! for tls-server-end-point channel binding (RFC 5929).

use std::net::IpAddr;

use x509_cert::der::{Decode, Tag, Tagged};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::Certificate;

use crate::messages::tls as msg;

const OID_SAN: &str = "2.5.29.17";
const OID_CN: &str = "2.5.4.3";

/// One name of the certificate, as libpq shows it in its messages.
enum CertName {
    Dns(Vec<u8>),
    Ip(Vec<u8>),
}

/// libpq's verify-full check of `host` against the certificate (DER).
pub fn check_host(der: &[u8], host: &str) -> Result<(), String> {
    let cert = Certificate::from_der(der).map_err(|_| msg::NO_HOST_NAME_IN_CERT.to_string())?;
    let host_ip = host.parse::<IpAddr>().ok();
    let mut names = Vec::new();
    let mut check_cn = true;
    if let Some(exts) = &cert.tbs_certificate.extensions {
        for ext in exts.iter().filter(|e| e.extn_id.to_string() == OID_SAN) {
            let Ok(san) = SubjectAltName::from_der(ext.extn_value.as_bytes()) else {
                continue;
            };
            for gn in san.0 {
                match gn {
                    GeneralName::DnsName(n) => {
                        // A SAN of the host's own kind rules the CN out.
                        if host_ip.is_none() {
                            check_cn = false;
                        }
                        names.push(CertName::Dns(n.as_bytes().to_vec()));
                    }
                    GeneralName::IpAddress(ip) => {
                        // An IP host is matched against addresses only.
                        if host_ip.is_some() {
                            check_cn = false;
                        }
                        names.push(CertName::Ip(ip.as_bytes().to_vec()));
                    }
                    _ => {}
                }
            }
        }
    }
    let mut examined = 0usize;
    let mut first: Option<String> = None;
    for name in &names {
        examined += 1;
        let (matched, shown) = match name {
            CertName::Dns(n) => {
                if n.contains(&0) {
                    return Err(msg::EMBEDDED_NULL.into());
                }
                (
                    name_matches(n, host),
                    String::from_utf8_lossy(n).into_owned(),
                )
            }
            CertName::Ip(bytes) => {
                let ip = ip_from_bytes(bytes);
                (
                    ip.is_some() && ip == host_ip,
                    ip.map_or_else(String::new, |ip| ip.to_string()),
                )
            }
        };
        if matched {
            return Ok(());
        }
        first.get_or_insert(shown);
    }
    if check_cn {
        if let Some(cn) = common_name(&cert) {
            examined += 1;
            if cn.contains(&0) {
                return Err(msg::EMBEDDED_NULL.into());
            }
            if name_matches(&cn, host) {
                return Ok(());
            }
            first.get_or_insert(String::from_utf8_lossy(&cn).into_owned());
        }
    }
    match (examined, first) {
        (0, _) | (_, None) => Err(msg::NO_HOST_NAME_IN_CERT.into()),
        (1, Some(name)) => Err(msg::name_mismatch(&name, host)),
        (n, Some(name)) => Err(msg::name_mismatch_others(&name, n - 1, host)),
    }
}

/// libpq's comparison: case-insensitive, `*.` matching one leading label.
fn name_matches(name: &[u8], host: &str) -> bool {
    let name = String::from_utf8_lossy(name).to_ascii_lowercase();
    let host = host.to_ascii_lowercase();
    if name == host {
        return true;
    }
    match name.strip_prefix('*') {
        Some(suffix) if suffix.starts_with('.') && host.len() > suffix.len() => {
            let head = &host[..host.len() - suffix.len()];
            host.ends_with(suffix) && !head.contains('.')
        }
        _ => false,
    }
}

fn ip_from_bytes(bytes: &[u8]) -> Option<IpAddr> {
    match bytes.len() {
        4 => <[u8; 4]>::try_from(bytes).ok().map(IpAddr::from),
        16 => <[u8; 16]>::try_from(bytes).ok().map(IpAddr::from),
        _ => None,
    }
}

/// The subject's first Common Name, as bytes.
fn common_name(cert: &Certificate) -> Option<Vec<u8>> {
    for rdn in cert.tbs_certificate.subject.0.iter() {
        for atv in rdn.0.iter() {
            if atv.oid.to_string() == OID_CN {
                let v = &atv.value;
                return match v.tag() {
                    Tag::Utf8String
                    | Tag::PrintableString
                    | Tag::Ia5String
                    | Tag::TeletexString => Some(v.value().to_vec()),
                    _ => Some(v.value().to_vec()),
                };
            }
        }
    }
    None
}

/// RFC 5929 tls-server-end-point: the certificate's hash with the hash of
/// its signature algorithm (SHA-256 for MD5 and SHA-1). None when the
/// algorithm names no hash we know (channel binding is then impossible).
pub fn server_end_point_hash(der: &[u8]) -> Option<Vec<u8>> {
    use sha2::Digest;
    let cert = Certificate::from_der(der).ok()?;
    let oid = cert.signature_algorithm.oid.to_string();
    let hash = match oid.as_str() {
        // md5/sha1/sha256 with RSA, ECDSA with SHA-1/SHA-256, DSA with SHA-1/SHA-256
        "1.2.840.113549.1.1.4"
        | "1.2.840.113549.1.1.5"
        | "1.2.840.113549.1.1.11"
        | "1.2.840.10045.4.1"
        | "1.2.840.10045.4.3.2"
        | "1.2.840.10040.4.3"
        | "2.16.840.1.101.3.4.3.2" => sha2::Sha256::digest(der).to_vec(),
        "1.2.840.113549.1.1.12" | "1.2.840.10045.4.3.3" => sha2::Sha384::digest(der).to_vec(),
        "1.2.840.113549.1.1.13" | "1.2.840.10045.4.3.4" => sha2::Sha512::digest(der).to_vec(),
        // RSASSA-PSS names its hash in parameters; libpq (OpenSSL) can't
        // pick one either and refuses binding.
        _ => return None,
    };
    Some(hash)
}

#[cfg(test)]
mod tests {
    use super::name_matches;

    #[test]
    fn wildcards_match_one_label() {
        assert!(name_matches(b"*.example.com", "db.example.com"));
        assert!(name_matches(b"*.Example.COM", "DB.example.com"));
        assert!(!name_matches(b"*.example.com", "a.b.example.com"));
        assert!(!name_matches(b"*.example.com", "example.com"));
        assert!(name_matches(b"localhost", "LOCALHOST"));
        assert!(!name_matches(b"local", "localhost"));
    }
}
