//! Message texts: connecting, authenticating and talking to the server
//! (fe-connect.c, fe-auth.c, fe-misc.c, fe-exec.c, fe-protocol3.c).

pub fn at_socket(path: &str) -> String {
    format!("connection to server on socket \"{path}\" failed: ")
}
pub fn at_host(host: &str, port: &str) -> String {
    format!("connection to server at \"{host}\", port {port} failed: ")
}
pub fn at_host_addr(host: &str, addr: &str, port: &str) -> String {
    format!("connection to server at \"{host}\" ({addr}), port {port} failed: ")
}
pub const HINT_UNIX: &str =
    "\tIs the server running locally and accepting connections on that socket?\n";
pub const HINT_TCP: &str =
    "\tIs the server running on that host and accepting TCP/IP connections?\n";
pub fn could_not_translate_host(host: &str, err: &str) -> String {
    format!("could not translate host name \"{host}\" to address: {err}\n")
}
pub fn could_not_parse_address(addr: &str, err: &str) -> String {
    format!("could not parse network address \"{addr}\": {err}\n")
}
pub fn could_not_create_socket(err: &str) -> String {
    format!("could not create socket: {err}\n")
}
pub fn setsockopt_failed(name: &str, err: &str) -> String {
    format!("setsockopt({name}) failed: {err}\n")
}
pub fn could_not_get_socket_error(err: &str) -> String {
    format!("could not get socket error status: {err}\n")
}
pub fn could_not_send_startup(err: &str) -> String {
    format!("could not send startup packet: {err}\n")
}
pub const TIMEOUT_EXPIRED: &str = "timeout expired\n";
pub const INVALID_CONNECTION_STATE: &str =
    "invalid connection state, probably indicative of memory corruption\n";
pub fn expected_auth_request(got: u8) -> String {
    format!(
        "expected authentication request from server, but received {}\n",
        got as char
    )
}
pub const INVALID_AUTH_REQUEST: &str = "received invalid authentication request\n";
pub const INVALID_PROTOCOL_NEGOTIATION: &str = "received invalid protocol negotiation message\n";
pub const DUPLICATE_PROTOCOL_NEGOTIATION: &str =
    "received duplicate protocol negotiation message\n";
/// pqGetNegotiateProtocolVersion3's refusals.
pub fn protocol_negotiation_refused(e: &crate::protocol::backend::NegotiationError) -> String {
    use crate::protocol::backend::NegotiationError::*;
    const BAD: &str = "received invalid protocol negotiation message: ";
    let name = |n: &[u8]| String::from_utf8_lossy(n).into_owned();
    match e {
        TooShort => format!("{BAD}message too short\n"),
        HigherVersion => {
            format!("{BAD}server requested downgrade to a higher-numbered version\n")
        }
        Pre30 => format!("{BAD}server requested downgrade to pre-3.0 protocol version\n"),
        Nonexistent31 => {
            format!("{BAD}server requested downgrade to non-existent 3.1 protocol version\n")
        }
        NegativeCount => {
            format!("{BAD}server reported negative number of unsupported parameters\n")
        }
        NoChanges => format!("{BAD}server negotiated but asks for no changes\n"),
        BelowMinimum { server, min } => format!(
            "server only supports protocol version {}.{}, but \"{}\" was set to {}.{}\n",
            server >> 16,
            server & 0xffff,
            "min_protocol_version",
            min >> 16,
            min & 0xffff
        ),
        NoPrefix(n) => format!(
            "{BAD}server reported unsupported parameter name without a \"{}\" prefix (\"{}\")\n",
            "_pq_.",
            name(n)
        ),
        NotRequested(n) => format!(
            "{BAD}server reported an unsupported parameter that was not requested (\"{}\")\n",
            name(n)
        ),
    }
}
/// getBackendKeyData's refusals.
pub fn invalid_cancel_key(e: crate::protocol::backend::CancelKeyError) -> String {
    use crate::protocol::backend::CancelKeyError::*;
    const BAD: &str = "received invalid BackendKeyData message: cancel key with length";
    match e {
        NotFourBytes(n) => {
            format!("{BAD} {n} not allowed in protocol version 3.0 (must be 4 bytes)\n")
        }
        TooShort(n) => format!("{BAD} {n} is too short (minimum 4 bytes)\n"),
        TooLong(n) => format!("{BAD} {n} is too long (maximum 256 bytes)\n"),
    }
}
pub const INVALID_ERROR_MESSAGE: &str = "received invalid error message\n";
pub const UNEXPECTED_STARTUP_MESSAGE: &str = "unexpected message from server during startup\n";
pub fn password_from_file(path: &str) -> String {
    format!("password retrieved from file \"{path}\"\n")
}
pub const NO_PASSWORD_SUPPLIED: &str = "fe_sendauth: no password supplied\n";
pub const KRB5_NOT_SUPPORTED: &str = "Kerberos 5 authentication not supported\n";
pub const GSSAPI_NOT_SUPPORTED: &str = "GSSAPI authentication not supported\n";
pub const SSPI_NOT_SUPPORTED: &str = "SSPI authentication not supported\n";
pub const SASL_CONT_WITHOUT_SASL: &str =
    "fe_sendauth: invalid authentication request from server: AUTH_REQ_SASL_CONT without AUTH_REQ_SASL\n";
pub const SASL_ERROR: &str = "fe_sendauth: error in SASL authentication\n";
pub fn auth_method_not_supported(code: u32) -> String {
    format!("authentication method {code} not supported\n")
}
pub const SESSION_READ_ONLY: &str = "session is read-only\n";
pub const SESSION_NOT_READ_ONLY: &str = "session is not read-only\n";
pub const SERVER_IN_HOT_STANDBY: &str = "server is in hot standby mode\n";
pub const SERVER_NOT_IN_HOT_STANDBY: &str = "server is not in hot standby mode\n";

pub const SERVER_CLOSED: &str = "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.\n";
pub fn could_not_receive(err: &str) -> String {
    format!("could not receive data from server: {err}\n")
}
pub const WRITE_FAILED: &str = "write to server failed\n";
pub fn could_not_send(err: &str) -> String {
    format!("could not send data to server: {err}\n")
}
pub fn lost_sync(tag: u8, len: i32) -> String {
    format!(
        "lost synchronization with server: got message type \"{}\", length {len}\n",
        tag as char
    )
}
pub fn length_mismatch(tag: u8) -> String {
    format!(
        "message contents do not agree with length in message type \"{}\"\n",
        tag as char
    )
}
pub fn unexpected_response(tag: u8) -> String {
    format!(
        "unexpected response from server; first received character was \"{}\"\n",
        tag as char
    )
}
pub const D_WITHOUT_T: &str =
    "server sent data (\"D\" message) without prior row description (\"T\" message)\n";
pub fn message_while_idle(tag: u8) -> String {
    format!("message type 0x{tag:02x} arrived from server while idle")
}
pub const NO_CONNECTION: &str = "no connection to the server\n";
pub const ANOTHER_COMMAND: &str = "another command is already in progress\n";
pub const NULL_COMMAND: &str = "command string is a null pointer\n";
pub const NO_ERROR_TEXT: &str = "no error text available\n";
pub const COPY_TERMINATED_BY_PQEXEC: &str = "COPY terminated by new PQexec";
pub const PQEXEC_DURING_COPY_BOTH: &str = "PQexec not allowed during COPY BOTH\n";
pub const CONNECTION_POINTER_NULL: &CStr = c"connection pointer is NULL\n";
pub const OUT_OF_MEMORY: &str = "out of memory\n";

use std::ffi::CStr;
pub const INSUFFICIENT_DATA_IN_T: &str = "insufficient data in \"T\" message";
pub const NO_COPY_IN_PROGRESS: &str = "no COPY in progress\n";
pub fn set_client_encoding_query(encoding: &str) -> String {
    format!("set client_encoding to '{encoding}'")
}
pub const AUTH_NOT_COMPLETED: &str = "server did not complete authentication";
pub const AUTH_REQUESTED_CLEARTEXT: &str = "server requested a cleartext password";
pub const AUTH_REQUESTED_MD5: &str = "server requested a hashed password";
pub const AUTH_REQUESTED_GSS: &str = "server requested GSSAPI authentication";
pub const AUTH_REQUESTED_SSPI: &str = "server requested SSPI authentication";
pub const AUTH_REQUESTED_SASL: &str = "server requested SASL authentication";
pub const AUTH_REQUESTED_UNKNOWN: &str = "server requested an unknown authentication type";
pub fn auth_requested_mechanism(mechanism: &str) -> String {
    format!("server requested {mechanism} authentication")
}
pub fn require_auth_failed(required: &str, reason: &str) -> String {
    format!("authentication method requirement \"{required}\" failed: {reason}\n")
}
pub const CHANNEL_BINDING_WITHOUT_SSL: &str = "channel binding required, but SSL not in use\n";
pub const CHANNEL_BINDING_NOT_USED: &str =
    "channel binding required, but server authenticated client without channel binding\n";
pub const CHANNEL_BINDING_NOT_SUPPORTED: &str =
    "channel binding required but not supported by server's authentication request\n";
pub const DUPLICATE_SASL: &str = "duplicate SASL authentication request\n";
pub const NULL_STATEMENT_NAME: &str = "statement name is a null pointer\n";
pub const BINARY_PARAM_WITHOUT_LENGTH: &str = "length must be given for binary parameter\n";
pub const INVALID_SOCKET: &str = "invalid socket\n";
pub const OUTPUT_BUFFER_ALLOC: &str = "cannot allocate memory for output buffer\n";
pub fn param_count_range(max: i32) -> String {
    format!("number of parameters must be between 0 and {max}\n")
}

// Escaping (fe-exec.c: PQescapeStringInternal, PQescapeInternal,
// PQescapeByteaInternal).
pub const INCOMPLETE_MULTIBYTE: &str = "incomplete multibyte character\n";
pub const INVALID_MULTIBYTE: &str = "invalid multibyte character\n";
pub fn escaped_string_too_large() -> String {
    format!(
        "escaped string size exceeds the maximum allowed ({})\n",
        usize::MAX
    )
}
pub fn escaped_bytea_too_large() -> String {
    format!(
        "escaped bytea size exceeds the maximum allowed ({})\n",
        usize::MAX
    )
}

// ---- pipeline mode (fe-exec.c) ----
pub const CANNOT_QUEUE_DURING_COPY: &str = "cannot queue commands during COPY\n";
/// "%s not allowed in pipeline mode".
pub fn not_in_pipeline_mode(function: &str) -> String {
    format!("{function} not allowed in pipeline mode\n")
}
pub const SYNC_IN_PIPELINE: &str =
    "synchronous command execution functions are not allowed in pipeline mode\n";
pub const CANNOT_ENTER_PIPELINE: &str = "cannot enter pipeline mode, connection not idle\n";
pub const EXIT_PIPELINE_UNCOLLECTED: &str = "cannot exit pipeline mode with uncollected results\n";
pub const EXIT_PIPELINE_BUSY: &str = "cannot exit pipeline mode while busy\n";
pub const EXIT_PIPELINE_IN_COPY: &str = "cannot exit pipeline mode while in COPY\n";
pub const SYNC_NOT_IN_PIPELINE: &str = "cannot send pipeline when not in pipeline mode\n";
pub const SYNC_IN_COPY: &str = "internal error: cannot send pipeline while in COPY\n";
pub const GETLINE_NOT_TEXT_COPY_OUT: &str = "PQgetline: not doing text COPY OUT\n";
// Cancel connections (fe-cancel.c: PQcancelCreate, PQcancelStart, PQcancelPoll).
pub const CANCEL_CONN_NULL: &str = "connection pointer is NULL\n";
/// pqReadData / pqSendSome without a socket (a cancel connection too).
pub const CONNECTION_NOT_OPEN: &str = "connection not open\n";
pub const CANCEL_NO_KEY: &str = "no cancellation key received\n";
pub const CANCEL_ALREADY_SENT: &str = "cancel request is already being sent on this connection\n";
pub const CANCEL_UNEXPECTED_RESPONSE: &str = "received unexpected response from server\n";
/// tls-server-end-point binding needs a hash of the server certificate.
pub const NO_CERT_HASH: &str = "could not determine server certificate signature algorithm\n";
/// PQconnectPoll in CONNECTION_AUTHENTICATING without a flow to drive.
pub const ASYNC_AUTH_NO_HANDLER: &str = "internal error: async authentication has no handler\n";
