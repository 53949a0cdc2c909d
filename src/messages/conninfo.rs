//! Message texts: connection options (fe-connect.c: `conninfo_parse`,
//! `conninfo_uri_*`, `parseServiceInfo`, `parseServiceFile`,
//! `pqConnectOptions2`, `passwordFromFile`, `pqParseIntParam`; fe-auth.c:
//! `pg_fe_getusername`; chklocale.c).
//!
//! Each text is libpq 18's printf format word for word, with the `\n` that
//! `libpq_append_error` adds; [`fill`] substitutes the arguments, so the
//! constants can be compared with the C source by eye or by grep.

use std::fmt::Display;

/// Fills a libpq format: each conversion (`%s`, `%d`, `%ld`, `%c`) takes the
/// next argument, in order; `%%` is a literal `%`.
pub fn fill(template: &str, args: &[&dyn Display]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut args = args.iter();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('%') => {
                chars.next();
                out.push('%');
            }
            Some(_) => {
                // Skip length modifiers ("l"), then the conversion letter.
                while chars.peek() == Some(&'l') {
                    chars.next();
                }
                chars.next();
                if let Some(a) = args.next() {
                    out.push_str(&a.to_string());
                }
            }
            None => out.push('%'),
        }
    }
    out
}

pub const OUT_OF_MEMORY: &str = "out of memory\n";

// conninfo_parse / conninfo_storeval / conninfo_array_parse
pub const MISSING_EQUALS: &str = "missing \"=\" after \"%s\" in connection info string\n";
pub const UNTERMINATED_QUOTE: &str = "unterminated quoted string in connection info string\n";
pub const INVALID_OPTION: &str = "invalid connection option \"%s\"\n";

// conninfo_uri_parse_options / conninfo_uri_parse_params / conninfo_uri_decode
pub const URI_BAD_PREFIX: &str = "invalid URI propagated to internal parser routine: \"%s\"\n";
pub const URI_IPV6_UNTERMINATED: &str =
    "end of string reached when looking for matching \"]\" in IPv6 host address in URI: \"%s\"\n";
pub const URI_IPV6_EMPTY: &str = "IPv6 host address may not be empty in URI: \"%s\"\n";
pub const URI_UNEXPECTED_CHAR: &str =
    "unexpected character \"%c\" at position %d in URI (expected \":\" or \"/\"): \"%s\"\n";
pub const URI_EXTRA_EQUALS: &str =
    "extra key/value separator \"=\" in URI query parameter: \"%s\"\n";
pub const URI_MISSING_EQUALS: &str =
    "missing key/value separator \"=\" in URI query parameter: \"%s\"\n";
pub const URI_INVALID_PARAM: &str = "invalid URI query parameter: \"%s\"\n";
pub const URI_BAD_PERCENT: &str = "invalid percent-encoded token: \"%s\"\n";
pub const URI_PERCENT_00: &str = "forbidden value %%00 in percent-encoded value: \"%s\"\n";
pub const URI_SPACES: &str =
    "unexpected spaces found in \"%s\", use percent-encoded spaces (%%20) instead\n";

// parseServiceInfo / parseServiceFile
pub const SERVICE_NOT_FOUND: &str = "definition of service \"%s\" not found\n";
pub const SERVICE_FILE_NOT_FOUND: &str = "service file \"%s\" not found\n";
pub const SERVICE_LINE_TOO_LONG: &str = "line %d too long in service file \"%s\"\n";
pub const SERVICE_SYNTAX: &str = "syntax error in service file \"%s\", line %d\n";
pub const SERVICE_NESTED: &str =
    "nested service specifications not supported in service file \"%s\", line %d\n";

// pg_fe_getusername (fe-auth.c); %m is passed as a ready strerror text
pub const USER_LOOKUP_FAILED: &str = "could not look up local user ID %ld: %s\n";
pub const USER_NOT_FOUND: &str = "local user with ID %ld does not exist\n";

// pqConnectOptions2
pub const HOSTADDR_COUNT_MISMATCH: &str = "could not match %d host names to %d hostaddr values\n";
pub const PORT_COUNT_MISMATCH: &str = "could not match %d port numbers to %d hosts\n";
pub const REQUIRE_AUTH_NEGATIVE_MIXED: &str =
    "negative require_auth method \"%s\" cannot be mixed with non-negative methods\n";
pub const REQUIRE_AUTH_POSITIVE_MIXED: &str =
    "require_auth method \"%s\" cannot be mixed with negative methods\n";
pub const REQUIRE_AUTH_DUPLICATE: &str = "require_auth method \"%s\" is specified more than once\n";
pub const INVALID_VALUE: &str = "invalid %s value: \"%s\"\n";
pub const INVALID_QUOTED_VALUE: &str = "invalid \"%s\" value: \"%s\"\n";
pub const NO_SSL_SUPPORT: &str = "%s value \"%s\" invalid when SSL support is not compiled in\n";
pub const NO_GSS_SUPPORT: &str =
    "gssencmode value \"%s\" invalid when GSSAPI support is not compiled in\n";
pub const WEAK_SSLMODE_DIRECT: &str = "weak sslmode \"%s\" may not be used with sslnegotiation=direct (use \"require\", \"verify-ca\", or \"verify-full\")\n";
pub const WEAK_SSLMODE_SYSTEM: &str =
    "weak sslmode \"%s\" may not be used with sslrootcert=system (use \"verify-full\")\n";
pub const INVALID_SSL_RANGE: &str = "invalid SSL protocol version range\n";
pub const SSLCERTMODE_UNSUPPORTED: &str =
    "%s value \"%s\" is not supported (check OpenSSL version)\n";
pub const INVALID_SCRAM_CLIENT_KEY: &str = "invalid SCRAM client key\n";
pub const INVALID_SCRAM_CLIENT_KEY_LENGTH: &str = "invalid SCRAM client key length: %d\n";
pub const INVALID_SCRAM_SERVER_KEY: &str = "invalid SCRAM server key\n";
pub const INVALID_SCRAM_SERVER_KEY_LENGTH: &str = "invalid SCRAM server key length: %d\n";
pub const GREATER_THAN: &str = "\"%s\" is greater than \"%s\"\n";

// pqParseIntParam and PQconnectPoll's per-host port check
pub const INVALID_INTEGER: &str = "invalid integer value \"%s\" for connection option \"%s\"\n";
pub const INVALID_PORT: &str = "invalid port number: \"%s\"\n";
pub const SOCKET_PATH_TOO_LONG: &str =
    "Unix-domain socket path \"%s\" is too long (maximum %d bytes)\n";

// passwordFromFile / pgpassfileWarning (the WARNINGs go to stderr)
pub const PASSFILE_NOT_PLAIN: &str = "WARNING: password file \"%s\" is not a plain file\n";
pub const PASSFILE_INSECURE: &str = "WARNING: password file \"%s\" has group or world access; permissions should be u=rw (0600) or less\n";
pub const PASSWORD_FROM_FILE: &str = "password retrieved from file \"%s\"\n";

// pg_get_encoding_from_locale (chklocale.c), printed to stderr for client_encoding=auto
pub const UNKNOWN_LOCALE_CODESET: &str =
    "could not determine encoding for locale \"%s\": codeset is \"%s\"\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_substitutes_in_order() {
        assert_eq!(
            fill(PORT_COUNT_MISMATCH, &[&2, &3]),
            "could not match 2 port numbers to 3 hosts\n"
        );
        assert_eq!(
            fill(URI_PERCENT_00, &[&"a%00"]),
            "forbidden value %00 in percent-encoded value: \"a%00\"\n"
        );
        assert_eq!(
            fill(USER_NOT_FOUND, &[&7]),
            "local user with ID 7 does not exist\n"
        );
        assert_eq!(
            fill(URI_UNEXPECTED_CHAR, &[&'x', &19, &"u"]),
            "unexpected character \"x\" at position 19 in URI (expected \":\" or \"/\"): \"u\"\n"
        );
    }
}
