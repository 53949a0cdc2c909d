//! Message texts: auth (SASL mechanism choice in fe-auth.c, the SCRAM exchange
//! in fe-auth-scram.c), plus the fixed pieces of server error formatting
//! (fe-protocol3.c `pqBuildErrorMessage3`, used by `errfmt`) and the locale
//! warning of src/port/chklocale.c (used by `encoding`).
//!
//! Every text that libpq appends with `libpq_append_conn_error` ends in `\n`
//! here, as it does in the connection's error message.

// ---- fe-auth.c: pg_SASL_init ----

pub const CHANNEL_BINDING_REQUIRED_NO_SSL: &str = "channel binding required, but SSL not in use\n";
pub const DUPLICATE_SASL_REQUEST: &str = "duplicate SASL authentication request\n";
pub const INVALID_MECHANISM_LIST: &str =
    "fe_sendauth: invalid authentication request from server: invalid list of authentication mechanisms\n";
pub const CHANNEL_BINDING_CLIENT_UNSUPPORTED: &str =
    "channel binding is required, but client does not support it\n";
pub const PLUS_OVER_NON_SSL: &str =
    "server offered SCRAM-SHA-256-PLUS authentication over a non-SSL connection\n";
pub const NO_SASL_MECHANISM_SUPPORTED: &str =
    "none of the server's SASL authentication mechanisms are supported\n";
pub const CHANNEL_BINDING_NOT_OFFERED: &str =
    "channel binding is required, but server did not offer an authentication method that supports channel binding\n";
pub const SASL_FINAL_NOT_COMPLETED: &str =
    "AuthenticationSASLFinal received from server, but SASL authentication was not completed\n";
pub const NO_CLIENT_RESPONSE_AFTER_SASL: &str =
    "no client response found after SASL exchange success\n";
pub fn sasl_buffer_oom(payloadlen: i32) -> String {
    format!("out of memory allocating SASL buffer ({payloadlen})\n")
}
pub const FE_SENDAUTH_PASSWORD_SEND_ERROR: &str =
    "fe_sendauth: error sending password authentication\n";
pub fn could_not_encrypt_password(errstr: &str) -> String {
    format!("could not encrypt password: {errstr}\n")
}

// ---- fe-auth.c: PQencryptPasswordConn, PQchangePassword ----

/// The query `PQencryptPasswordConn` runs when no algorithm is given.
pub const SHOW_PASSWORD_ENCRYPTION: &[u8] = b"show password_encryption";
pub const SHOW_UNEXPECTED_SHAPE: &str = "unexpected shape of result set returned for SHOW\n";
pub const PASSWORD_ENCRYPTION_TOO_LONG: &str = "\"password_encryption\" value too long\n";
pub fn unrecognized_password_algorithm(algorithm: &[u8]) -> Vec<u8> {
    let mut text = b"unrecognized password encryption algorithm \"".to_vec();
    text.extend_from_slice(algorithm);
    text.extend_from_slice(b"\"\n");
    text
}
/// `"ALTER USER %s PASSWORD %s"` with the quoted identifier and literal.
pub fn alter_user_password(quoted_user: &[u8], quoted_password: &[u8]) -> Vec<u8> {
    let mut sql = b"ALTER USER ".to_vec();
    sql.extend_from_slice(quoted_user);
    sql.extend_from_slice(b" PASSWORD ");
    sql.extend_from_slice(quoted_password);
    sql
}

// ---- fe-auth-scram.c ----

pub const SCRAM_EMPTY_MESSAGE: &str = "malformed SCRAM message (empty message)\n";
pub const SCRAM_LENGTH_MISMATCH: &str = "malformed SCRAM message (length mismatch)\n";
pub fn scram_attribute_expected(attr: u8) -> String {
    format!(
        "malformed SCRAM message (attribute \"{}\" expected)\n",
        attr as char
    )
}
pub fn scram_equals_expected(attr: u8) -> String {
    format!(
        "malformed SCRAM message (expected character \"=\" for attribute \"{}\")\n",
        attr as char
    )
}
pub const SCRAM_NONCE_MISMATCH: &str = "invalid SCRAM response (nonce mismatch)\n";
pub const SCRAM_INVALID_SALT: &str = "malformed SCRAM message (invalid salt)\n";
pub const SCRAM_INVALID_ITERATIONS: &str = "malformed SCRAM message (invalid iteration count)\n";
/// Our own refusal (libpq has no limit).
pub fn scram_too_many_iterations(asked: i32, max: i32) -> String {
    format!("SCRAM iteration count {asked} requested by the server exceeds the maximum of {max}\n")
}
pub const SCRAM_GARBAGE_SERVER_FIRST: &str =
    "malformed SCRAM message (garbage at end of server-first-message)\n";
pub const SCRAM_GARBAGE_SERVER_FINAL: &str =
    "malformed SCRAM message (garbage at end of server-final-message)\n";
/// `%s` is the server's `e=` value, byte for byte.
pub fn scram_server_error(errmsg: &str) -> String {
    format!("error received from server in SCRAM exchange: {errmsg}\n")
}
pub const SCRAM_INVALID_SERVER_SIGNATURE: &str =
    "malformed SCRAM message (invalid server signature)\n";
pub const SCRAM_INCORRECT_SERVER_SIGNATURE: &str = "incorrect server signature\n";
pub const SCRAM_INVALID_STATE: &str = "invalid SCRAM exchange state\n";
pub const SCRAM_COULD_NOT_GENERATE_NONCE: &str = "could not generate nonce\n";
/// errstr of `pg_fe_scram_build_secret` (no newline: it is wrapped in
/// [`could_not_encrypt_password`]).
pub const SCRAM_COULD_NOT_GENERATE_SALT: &str = "could not generate random salt";

// ---- fe-protocol3.c: pqBuildErrorMessage3 / reportErrorPosition ----

pub const NO_ERROR_MESSAGE_AVAILABLE: &str = "no error message available\n";
pub const OUT_OF_MEMORY: &str = "out of memory\n";
/// `" at character %s"`, the position after the primary message (TERSE, or no query).
pub const AT_CHARACTER: &str = " at character ";
pub const DETAIL: &str = "DETAIL:  ";
pub const HINT: &str = "HINT:  ";
pub const QUERY: &str = "QUERY:  ";
pub const CONTEXT: &str = "CONTEXT:  ";
pub const SCHEMA_NAME: &str = "SCHEMA NAME:  ";
pub const TABLE_NAME: &str = "TABLE NAME:  ";
pub const COLUMN_NAME: &str = "COLUMN NAME:  ";
pub const DATATYPE_NAME: &str = "DATATYPE NAME:  ";
pub const CONSTRAINT_NAME: &str = "CONSTRAINT NAME:  ";
pub const LOCATION: &str = "LOCATION:  ";
/// `"LINE %d: "` of the error cursor display.
pub fn error_line(n: i32) -> String {
    format!("LINE {n}: ")
}

// ---- src/port/chklocale.c ----

/// Printed to stderr by `pg_get_encoding_from_locale(NULL, true)` when the
/// locale's codeset is not one PostgreSQL knows (libpq: `client_encoding=auto`).
pub fn could_not_determine_locale_encoding(ctype: &str, codeset: &str) -> String {
    format!("could not determine encoding for locale \"{ctype}\": codeset is \"{codeset}\"\n")
}

// ---- fe-auth-oauth.c (libpq 18, built without libcurl) ----
pub const OAUTH_PARAMETERS_MISSING: &str =
    "server requires OAuth authentication, but oauth_issuer and oauth_client_id are not both set\n";
pub fn oauth_uri_must_use_https(uri: &str) -> String {
    format!("OAuth discovery URI \"{uri}\" must use HTTPS\n")
}
pub fn oauth_uri_query_or_fragment(uri: &str) -> String {
    format!("OAuth discovery URI \"{uri}\" must not contain query or fragment components\n")
}
pub fn oauth_uri_not_well_known(uri: &str) -> String {
    format!("OAuth discovery URI \"{uri}\" is not a .well-known URI\n")
}
pub fn oauth_uri_unsupported_suffix(uri: &str) -> String {
    format!("OAuth discovery URI \"{uri}\" uses an unsupported .well-known suffix\n")
}
pub fn oauth_uri_invalid_format(uri: &str) -> String {
    format!("OAuth discovery URI \"{uri}\" uses an invalid format\n")
}
pub const OAUTH_ERROR_EMBEDDED_NUL: &str =
    "server's error message contained an embedded NULL, and was discarded\n";
pub const OAUTH_ERROR_NOT_UTF8: &str = "server's error response is not valid UTF-8\n";
pub fn oauth_error_parse_failed(detail: &str) -> String {
    format!("failed to parse server's error response: {detail}\n")
}
// The JSON callbacks' details (without the prefix above).
pub fn oauth_json_field_not_string(field: &str) -> String {
    format!("field \"{field}\" must be a string")
}
pub fn oauth_json_field_duplicated(field: &str) -> String {
    format!("field \"{field}\" is duplicated")
}
pub const OAUTH_JSON_TOP_LEVEL_NOT_OBJECT: &str = "top-level element must be an object";
pub const OAUTH_JSON_TOO_DEEP: &str = "JSON is too deeply nested";
pub fn oauth_issuer_mismatch(uri: &str, issuer: &str, configured: &str) -> String {
    format!(
        "server's discovery document at {uri} (issuer \"{issuer}\") is incompatible with oauth_issuer ({configured})\n"
    )
}
pub fn oauth_discovery_moved(uri: &str, previous: &str) -> String {
    format!("server's discovery document has moved to {uri} (previous location was {previous})\n")
}
pub const OAUTH_ERROR_NO_STATUS: &str = "server sent error response without a status\n";
pub fn oauth_token_rejected(status: &str) -> String {
    format!("server rejected OAuth bearer token: {status}\n")
}
pub const OAUTH_USER_FLOW_NOTHING: &str =
    "user-defined OAuth flow provided neither a token nor an async callback\n";
pub const OAUTH_USER_FLOW_FAILED: &str = "user-defined OAuth flow failed\n";
pub const OAUTH_USER_FLOW_NO_TOKEN: &str = "user-defined OAuth flow did not provide a token\n";
pub const OAUTH_USER_FLOW_NO_SOCKET: &str =
    "user-defined OAuth flow did not provide a socket for polling\n";
/// libpq 18 built without libcurl: the device flow (libpq-oauth) is absent.
pub const OAUTH_NO_FLOWS: &str =
    "no OAuth flows are available (try installing the libpq-oauth package)\n";
pub const OAUTH_UNEXPECTED_FINAL: &str = "server sent unexpected additional OAuth data\n";
pub const OAUTH_NO_DISCOVERY: &str =
    "server requires OAuth authentication, but no discovery metadata was provided\n";
pub const OAUTH_NO_TOKEN_SET: &str = "internal error: OAuth flow did not set a token\n";
pub const OAUTH_DATA_AFTER_ERROR: &str = "server sent additional OAuth data after error\n";
pub const OAUTH_RETRYING: &str = "retrying connection with new bearer token\n";

// ---- common/jsonapi.c json_errdetail (the cases our parser reports) ----
pub const JSON_EXPECTED_MORE: &str = "The input string ended unexpectedly.";
pub fn json_escaping_invalid(token: &str) -> String {
    format!("Escape sequence \"{token}\" is invalid.")
}
pub fn json_escaping_required(c: u8) -> String {
    format!("Character with value 0x{c:02x} must be escaped.")
}
pub fn json_expected_array_first(token: &str) -> String {
    format!("Expected array element or \"]\", but found \"{token}\".")
}
pub fn json_expected_array_next(token: &str) -> String {
    format!("Expected \",\" or \"]\", but found \"{token}\".")
}
pub fn json_expected_colon(token: &str) -> String {
    format!("Expected \":\", but found \"{token}\".")
}
pub fn json_expected_json(token: &str) -> String {
    format!("Expected JSON value, but found \"{token}\".")
}
pub fn json_expected_object_first(token: &str) -> String {
    format!("Expected string or \"}}\", but found \"{token}\".")
}
pub fn json_expected_object_next(token: &str) -> String {
    format!("Expected \",\" or \"}}\", but found \"{token}\".")
}
pub fn json_expected_string(token: &str) -> String {
    format!("Expected string, but found \"{token}\".")
}
pub fn json_invalid_token(token: &str) -> String {
    format!("Token \"{token}\" is invalid.")
}
pub fn json_expected_end(token: &str) -> String {
    format!("Expected end of input, but found \"{token}\".")
}
pub const JSON_UNICODE_CODE_POINT_ZERO: &str = "\\u0000 cannot be converted to text.";
pub const JSON_UNICODE_ESCAPE_FORMAT: &str = "\"\\u\" must be followed by four hexadecimal digits.";
pub const JSON_UNICODE_HIGH_SURROGATE: &str =
    "Unicode high surrogate must not follow a high surrogate.";
pub const JSON_UNICODE_LOW_SURROGATE: &str = "Unicode low surrogate must follow a high surrogate.";
