//! TLS messages (libpq 18's fe-secure-openssl.c, fe-secure-common.c and
//! fe-connect.c's SSL negotiation).

use std::path::Path;

pub const NO_PLAN: &str = "invalid connection state, probably indicative of memory corruption\n";
pub const SSL_EOF: &str = "SSL SYSCALL error: EOF detected\n";
pub const HOST_NAME_REQUIRED: &str = "host name must be specified for a verified SSL connection\n";
pub const NO_HOST_NAME_IN_CERT: &str = "could not get server's host name from server certificate\n";
pub const EMBEDDED_NULL: &str = "SSL certificate's name contains embedded null\n";
pub const CERT_NOT_REQUESTED: &str = "server did not request an SSL certificate\n";
pub const CERT_NOT_SENT: &str = "server accepted connection without a valid SSL certificate\n";
pub const SERVER_NO_SSL: &str = "server does not support SSL, but SSL was required\n";
pub const ERROR_DURING_SSL_EXCHANGE: &str = "server sent an error response during SSL exchange\n";
pub const UNENCRYPTED_AFTER_SSL: &str = "received unencrypted data after SSL response\n";

pub fn invalid_ssl_response(byte: u8) -> String {
    format!(
        "received invalid response to SSL negotiation: {}\n",
        byte as char
    )
}
pub fn ssl_error(reason: &str) -> String {
    format!("SSL error: {reason}\n")
}
pub fn ssl_syscall(reason: &str) -> String {
    format!("SSL SYSCALL error: {reason}\n")
}
pub fn could_not_send_ssl_request(reason: &str) -> String {
    format!("could not send SSL negotiation packet: {reason}\n")
}
pub fn root_missing(path: &Path) -> String {
    format!(
        "root certificate file \"{}\" does not exist\nEither provide the file, use the system's trusted roots with sslrootcert=system, or change sslmode to disable server certificate verification.\n",
        path.display()
    )
}
pub fn could_not_read_root(path: &Path, reason: &str) -> String {
    format!(
        "could not read root certificate file \"{}\": {reason}\n",
        path.display()
    )
}
pub fn could_not_load_crl(path: &Path, reason: &str) -> String {
    format!(
        "could not load SSL certificate revocation list file \"{}\": {reason}\n",
        path.display()
    )
}
pub fn could_not_open_cert(path: &Path, reason: &str) -> String {
    format!(
        "could not open certificate file \"{}\": {reason}\n",
        path.display()
    )
}
pub fn could_not_read_cert(path: &Path, reason: &str) -> String {
    format!(
        "could not read certificate file \"{}\": {reason}\n",
        path.display()
    )
}
pub fn cert_without_key(path: &Path) -> String {
    format!(
        "certificate present, but not private key file \"{}\"\n",
        path.display()
    )
}
pub fn key_not_regular(path: &Path) -> String {
    format!(
        "private key file \"{}\" is not a regular file\n",
        path.display()
    )
}
pub fn key_too_open(path: &Path) -> String {
    format!(
        "private key file \"{}\" has group or world access; file must have permissions u=rw (0600) or less if owned by the current user, or permissions u=rw,g=r (0640) or less if owned by root\n",
        path.display()
    )
}
pub fn could_not_load_key(path: &Path, reason: &str) -> String {
    format!(
        "could not load private key file \"{}\": {reason}\n",
        path.display()
    )
}
pub fn name_mismatch(name: &str, host: &str) -> String {
    format!("server certificate for \"{name}\" does not match host name \"{host}\"\n")
}
pub fn name_mismatch_others(name: &str, others: usize, host: &str) -> String {
    let noun = if others == 1 { "name" } else { "names" };
    format!(
        "server certificate for \"{name}\" (and {others} other {noun}) does not match host name \"{host}\"\n"
    )
}
