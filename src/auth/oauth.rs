//! SASL OAUTHBEARER (RFC 7628) as libpq 18's fe-auth-oauth.c speaks it,
//! sans-IO: the initial response (an empty `auth=` to ask the server for its
//! discovery document, or `auth=Bearer <token>`), the issuer derived from a
//! `.well-known` URI (RFC 8414), and the server's JSON error result with
//! libpq's checks on it.
//!
//! Where the token comes from (the application's auth-data hook) and the
//! second connection are the connection engine's business; so is the state
//! that outlives one attempt ([`Session`]).
//!
//! The JSON parser is our own, strict like pg_parse_json and with the same
//! semantic checks and texts; for malformed JSON its details follow
//! json_errdetail's texts, but the token quoted may differ in corner cases
//! (libpq's lexer decides token boundaries in its own way).

use crate::messages::auth as msg;

/// `OAUTHBEARER_NAME`.
pub const OAUTHBEARER: &str = "OAUTHBEARER";
/// `MAX_SASL_NESTING_LEVEL`.
const MAX_NESTING: usize = 8;
const WK_PREFIX: &str = "/.well-known/";
const OPENID_WK_SUFFIX: &str = "openid-configuration";
const OAUTH_WK_SUFFIX: &str = "oauth-authorization-server";

/// PGOAUTHDEBUG=UNSAFE: http:// discovery URIs are allowed (for testing).
pub fn unsafe_debugging_enabled() -> bool {
    std::env::var_os("PGOAUTHDEBUG").is_some_and(|v| v == "UNSAFE")
}

/// The client initial response: `auth=` empty for discovery, else the
/// Bearer token.
pub fn client_initial_response(token: Option<&str>) -> Vec<u8> {
    let mut out = b"n,,\x01auth=".to_vec();
    if let Some(t) = token {
        out.extend_from_slice(b"Bearer ");
        out.extend_from_slice(t.as_bytes());
    }
    out.extend_from_slice(b"\x01\x01");
    out
}

/// The dummy client response after a server error (RFC 7628, 3.2.3).
pub const KVSEP: &[u8] = b"\x01";

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// The issuer identifier a recognised `.well-known` URI stands for
/// (libpq's issuer_from_well_known_uri); `allow_http` is PGOAUTHDEBUG=UNSAFE.
pub fn issuer_from_well_known_uri(wkuri: &str, allow_http: bool) -> Result<String, String> {
    let authority_start = if starts_with_ignore_case(wkuri, "https://") {
        "https://".len()
    } else if allow_http && starts_with_ignore_case(wkuri, "http://") {
        "http://".len()
    } else {
        return Err(msg::oauth_uri_must_use_https(wkuri));
    };
    let authority = &wkuri[authority_start..];
    if authority.contains(['?', '#']) {
        return Err(msg::oauth_uri_query_or_fragment(wkuri));
    }
    let Some(wk_rel) = authority.find(WK_PREFIX) else {
        return Err(msg::oauth_uri_not_well_known(wkuri));
    };
    let wk_start = authority_start + wk_rel;
    let after = &wkuri[wk_start + WK_PREFIX.len()..];
    let suffix_len = if after.starts_with(OPENID_WK_SUFFIX) {
        Some(OPENID_WK_SUFFIX.len())
    } else if after.starts_with(OAUTH_WK_SUFFIX) {
        Some(OAUTH_WK_SUFFIX.len())
    } else {
        None
    };
    let wk_end = match suffix_len {
        Some(n) if matches!(after.as_bytes().get(n), None | Some(b'/')) => {
            wk_start + WK_PREFIX.len() + n
        }
        _ => return Err(msg::oauth_uri_unsupported_suffix(wkuri)),
    };
    if wk_end < wkuri.len() {
        // Not at the end: it must begin the path (IETF style).
        let path_start = authority_start + authority.find('/').unwrap_or(0);
        if wk_start != path_start {
            return Err(msg::oauth_uri_invalid_format(wkuri));
        }
    }
    Ok(format!("{}{}", &wkuri[..wk_start], &wkuri[wk_end..]))
}

/// The OAuth state of a connection that outlives one attempt (libpq's
/// oauth_issuer_id, oauth_discovery_uri, oauth_token).
#[derive(Default)]
pub struct Session {
    pub issuer_id: Option<String>,
    pub discovery_uri: Option<String>,
    token: Option<String>,
}

impl Session {
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    pub fn set_token(&mut self, token: String) {
        self.clear_token();
        self.token = Some(token);
    }

    /// pqClearOAuthToken: the token is wiped, not just dropped.
    pub fn clear_token(&mut self) {
        if let Some(t) = self.token.take() {
            let mut bytes = t.into_bytes();
            bytes.fill(0);
            std::hint::black_box(&bytes);
        }
    }

    /// setup_oauth_parameters: the issuer (and discovery URI, when the
    /// issuer is given as one) from the options, once per connection.
    pub fn setup(&mut self, issuer: Option<&str>, client_id: Option<&str>) -> Result<(), String> {
        if self.issuer_id.is_some() {
            return Ok(());
        }
        let (Some(issuer), Some(_)) = (issuer, client_id) else {
            return Err(msg::OAUTH_PARAMETERS_MISSING.into());
        };
        if issuer.contains(WK_PREFIX) {
            self.issuer_id = Some(issuer_from_well_known_uri(
                issuer,
                unsafe_debugging_enabled(),
            )?);
            self.discovery_uri = Some(issuer.to_string());
        } else {
            self.issuer_id = Some(issuer.to_string());
        }
        Ok(())
    }

    /// handle_oauth_sasl_error: parses the server's error result and checks
    /// it. The server's scope, when the checks on the discovery URI pass, is
    /// put in `scope` for the connection to keep unless it has oauth_scope.
    pub fn handle_server_error(
        &mut self,
        input: &[u8],
        scope: &mut Option<String>,
    ) -> Result<(), String> {
        let fields = parse_server_error(input)?;
        if let Some(uri) = fields.discovery_uri {
            let issuer = issuer_from_well_known_uri(&uri, unsafe_debugging_enabled())?;
            let ours = self.issuer_id.as_deref().unwrap_or("");
            if issuer != ours {
                return Err(msg::oauth_issuer_mismatch(&uri, &issuer, ours));
            }
            match &self.discovery_uri {
                None => self.discovery_uri = Some(uri),
                Some(prev) if *prev != uri => {
                    return Err(msg::oauth_discovery_moved(&uri, prev));
                }
                Some(_) => {}
            }
        }
        *scope = fields.scope;
        let Some(status) = fields.status else {
            return Err(msg::OAUTH_ERROR_NO_STATUS.into());
        };
        if status != "invalid_token" {
            return Err(msg::oauth_token_rejected(&status));
        }
        Ok(())
    }
}

/// Where the exchange stands (libpq's fe_oauth_step).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Init,
    BearerSent,
    RequestingToken,
    ServerError,
}

/// The fields of the server's error result libpq looks at.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ServerError {
    pub status: Option<String>,
    pub scope: Option<String>,
    pub discovery_uri: Option<String>,
}

/// Parses the server's error result (RFC 7628, 3.2.2) with libpq's checks:
/// no NUL, valid UTF-8, a JSON object whose top-level `status`, `scope` and
/// `openid-configuration` are strings given once, nesting at most 8.
pub fn parse_server_error(input: &[u8]) -> Result<ServerError, String> {
    if input.contains(&0) {
        return Err(msg::OAUTH_ERROR_EMBEDDED_NUL.into());
    }
    if std::str::from_utf8(input).is_err() {
        return Err(msg::OAUTH_ERROR_NOT_UTF8.into());
    }
    let mut p = Parser {
        src: input,
        pos: 0,
        cur: Tok::End,
        cur_start: 0,
        nested: 0,
        target: None,
        fields: ServerError::default(),
    };
    p.run().map_err(|e| msg::oauth_error_parse_failed(&e))?;
    Ok(p.fields)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Status,
    Scope,
    Discovery,
}

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::Status => "status",
            Field::Scope => "scope",
            Field::Discovery => "openid-configuration",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    ObjStart,
    ObjEnd,
    ArrStart,
    ArrEnd,
    Comma,
    Colon,
    Str(String),
    /// number, true, false, null
    Scalar,
    End,
}

struct Parser<'a> {
    src: &'a [u8],
    pos: usize,
    cur: Tok,
    cur_start: usize,
    nested: usize,
    target: Option<Field>,
    fields: ServerError,
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

impl Parser<'_> {
    fn text(&self, from: usize, to: usize) -> String {
        String::from_utf8_lossy(&self.src[from..to.min(self.src.len())]).into_owned()
    }

    /// The current token as libpq quotes it in a message.
    fn token_text(&self) -> String {
        self.text(self.cur_start, self.pos)
    }

    /// An error at the current token: "ended unexpectedly" at the end.
    fn err_at(&self, f: fn(&str) -> String) -> String {
        if self.cur == Tok::End {
            msg::JSON_EXPECTED_MORE.into()
        } else {
            f(&self.token_text())
        }
    }

    fn lex(&mut self) -> Result<(), String> {
        let s = self.src;
        while matches!(s.get(self.pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
        self.cur_start = self.pos;
        let Some(&c) = s.get(self.pos) else {
            self.cur = Tok::End;
            return Ok(());
        };
        self.pos += 1;
        self.cur = match c {
            b'{' => Tok::ObjStart,
            b'}' => Tok::ObjEnd,
            b'[' => Tok::ArrStart,
            b']' => Tok::ArrEnd,
            b',' => Tok::Comma,
            b':' => Tok::Colon,
            b'"' => Tok::Str(self.lex_string()?),
            b'-' | b'0'..=b'9' => {
                self.lex_number()?;
                Tok::Scalar
            }
            _ => {
                while s.get(self.pos).copied().is_some_and(is_word_byte) {
                    self.pos += 1;
                }
                if self.pos == self.cur_start + 1 && !is_word_byte(c) {
                    // One character of no token (a whole UTF-8 sequence).
                    while s.get(self.pos).is_some_and(|b| b & 0xC0 == 0x80) {
                        self.pos += 1;
                    }
                }
                match &s[self.cur_start..self.pos] {
                    b"true" | b"false" | b"null" => Tok::Scalar,
                    _ => return Err(msg::json_invalid_token(&self.token_text())),
                }
            }
        };
        Ok(())
    }

    fn lex_number(&mut self) -> Result<(), String> {
        let s = self.src;
        let digits = |p: &mut usize| {
            let start = *p;
            while s.get(*p).is_some_and(u8::is_ascii_digit) {
                *p += 1;
            }
            *p > start
        };
        let mut p = self.cur_start;
        if s[p] == b'-' {
            p += 1;
        }
        let mut ok = if s.get(p) == Some(&b'0') {
            p += 1;
            true
        } else {
            digits(&mut p)
        };
        if ok && s.get(p) == Some(&b'.') {
            p += 1;
            ok = digits(&mut p);
        }
        if ok && matches!(s.get(p), Some(b'e' | b'E')) {
            p += 1;
            if matches!(s.get(p), Some(b'+' | b'-')) {
                p += 1;
            }
            ok = digits(&mut p);
        }
        // Letters or digits straight after a number make it all one bad token.
        let mut end = p;
        while s.get(end).copied().is_some_and(is_word_byte) {
            end += 1;
        }
        self.pos = end;
        if !ok || end != p {
            return Err(msg::json_invalid_token(&self.token_text()));
        }
        Ok(())
    }

    fn lex_string(&mut self) -> Result<String, String> {
        let s = self.src;
        let mut out: Vec<u8> = Vec::new();
        let mut high: Option<u32> = None;
        loop {
            let Some(&c) = s.get(self.pos) else {
                return Err(msg::json_invalid_token(&self.token_text()));
            };
            if c == b'"' {
                self.pos += 1;
                if high.is_some() {
                    return Err(msg::JSON_UNICODE_LOW_SURROGATE.into());
                }
                return Ok(String::from_utf8_lossy(&out).into_owned());
            }
            if c < 0x20 {
                self.pos += 1;
                return Err(msg::json_escaping_required(c));
            }
            if c != b'\\' {
                if high.is_some() {
                    return Err(msg::JSON_UNICODE_LOW_SURROGATE.into());
                }
                out.push(c);
                self.pos += 1;
                continue;
            }
            let esc_start = self.pos;
            self.pos += 1;
            let Some(&e) = s.get(self.pos) else {
                return Err(msg::json_invalid_token(&self.token_text()));
            };
            self.pos += 1;
            if e == b'u' {
                let hex = s.get(self.pos..self.pos + 4);
                let cp = hex
                    .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                    .and_then(|h| u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
                let Some(cp) = cp else {
                    return Err(msg::JSON_UNICODE_ESCAPE_FORMAT.into());
                };
                self.pos += 4;
                match cp {
                    0 => return Err(msg::JSON_UNICODE_CODE_POINT_ZERO.into()),
                    0xD800..=0xDBFF => {
                        if high.is_some() {
                            return Err(msg::JSON_UNICODE_HIGH_SURROGATE.into());
                        }
                        high = Some(cp);
                    }
                    0xDC00..=0xDFFF => {
                        let Some(h) = high.take() else {
                            return Err(msg::JSON_UNICODE_LOW_SURROGATE.into());
                        };
                        let full = 0x10000 + ((h - 0xD800) << 10) + (cp - 0xDC00);
                        let ch = char::from_u32(full).unwrap_or('\u{FFFD}');
                        out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                    }
                    _ => {
                        if high.is_some() {
                            return Err(msg::JSON_UNICODE_LOW_SURROGATE.into());
                        }
                        let ch = char::from_u32(cp).unwrap_or('\u{FFFD}');
                        out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                    }
                }
                continue;
            }
            if high.is_some() {
                return Err(msg::JSON_UNICODE_LOW_SURROGATE.into());
            }
            let b = match e {
                b'"' => b'"',
                b'\\' => b'\\',
                b'/' => b'/',
                b'b' => 8,
                b'f' => 12,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                _ => {
                    // The whole character after the backslash.
                    let mut end = self.pos;
                    while s.get(end).is_some_and(|b| b & 0xC0 == 0x80) {
                        end += 1;
                    }
                    return Err(msg::json_escaping_invalid(&self.text(esc_start, end)));
                }
            };
            out.push(b);
        }
    }

    fn run(&mut self) -> Result<(), String> {
        self.lex()?;
        self.value()?;
        if self.cur != Tok::End {
            return Err(msg::json_expected_end(&self.token_text()));
        }
        Ok(())
    }

    fn value(&mut self) -> Result<(), String> {
        match self.cur.clone() {
            Tok::ObjStart => self.object(),
            Tok::ArrStart => self.array(),
            Tok::Str(v) => {
                self.lex()?;
                self.scalar(Some(v))
            }
            Tok::Scalar => {
                self.lex()?;
                self.scalar(None)
            }
            _ => Err(self.err_at(msg::json_expected_json)),
        }
    }

    /// The scalar callback: `value` is the string, None for other scalars.
    fn scalar(&mut self, value: Option<String>) -> Result<(), String> {
        if self.nested == 0 {
            return Err(msg::OAUTH_JSON_TOP_LEVEL_NOT_OBJECT.into());
        }
        if let Some(field) = self.target.take() {
            let slot = match field {
                Field::Status => &mut self.fields.status,
                Field::Scope => &mut self.fields.scope,
                Field::Discovery => &mut self.fields.discovery_uri,
            };
            if slot.is_some() {
                return Err(msg::oauth_json_field_duplicated(field.name()));
            }
            let Some(v) = value else {
                return Err(msg::oauth_json_field_not_string(field.name()));
            };
            *slot = Some(v);
        }
        Ok(())
    }

    fn open(&mut self, array: bool) -> Result<(), String> {
        if array && self.nested == 0 {
            return Err(msg::OAUTH_JSON_TOP_LEVEL_NOT_OBJECT.into());
        }
        if let Some(field) = self.target {
            return Err(msg::oauth_json_field_not_string(field.name()));
        }
        self.nested += 1;
        if self.nested > MAX_NESTING {
            return Err(msg::OAUTH_JSON_TOO_DEEP.into());
        }
        Ok(())
    }

    fn object(&mut self) -> Result<(), String> {
        self.open(false)?;
        self.lex()?;
        match self.cur {
            Tok::ObjEnd => {}
            Tok::Str(_) => loop {
                let Tok::Str(name) = self.cur.clone() else {
                    return Err(self.err_at(msg::json_expected_string));
                };
                self.lex()?;
                if self.cur != Tok::Colon {
                    return Err(self.err_at(msg::json_expected_colon));
                }
                self.lex()?;
                if self.nested == 1 {
                    match name.as_str() {
                        "status" => self.target = Some(Field::Status),
                        "scope" => self.target = Some(Field::Scope),
                        "openid-configuration" => self.target = Some(Field::Discovery),
                        _ => {}
                    }
                }
                self.value()?;
                match self.cur {
                    Tok::Comma => self.lex()?,
                    Tok::ObjEnd => break,
                    _ => return Err(self.err_at(msg::json_expected_object_next)),
                }
            },
            _ => return Err(self.err_at(msg::json_expected_object_first)),
        }
        self.nested -= 1;
        self.lex()
    }

    fn array(&mut self) -> Result<(), String> {
        self.open(true)?;
        self.lex()?;
        if self.cur != Tok::ArrEnd {
            loop {
                match self.cur {
                    Tok::ObjStart | Tok::ArrStart | Tok::Str(_) | Tok::Scalar => self.value()?,
                    _ => return Err(self.err_at(msg::json_expected_array_first)),
                }
                match self.cur {
                    Tok::Comma => self.lex()?,
                    Tok::ArrEnd => break,
                    _ => return Err(self.err_at(msg::json_expected_array_next)),
                }
            }
        }
        self.nested -= 1;
        self.lex()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_from_uri() {
        let ok = |u: &str| issuer_from_well_known_uri(u, false).unwrap();
        assert_eq!(
            ok("https://a.example/.well-known/openid-configuration"),
            "https://a.example"
        );
        assert_eq!(
            ok("https://a.example/.well-known/oauth-authorization-server/t"),
            "https://a.example/t"
        );
        assert_eq!(
            ok("https://a.example/t/.well-known/openid-configuration"),
            "https://a.example/t"
        );
        let err = |u: &str| issuer_from_well_known_uri(u, false).unwrap_err();
        assert!(err("http://a/.well-known/openid-configuration").contains("must use HTTPS"));
        assert!(
            issuer_from_well_known_uri("http://a/.well-known/openid-configuration", true).is_ok()
        );
        assert!(err("https://a/.well-known/openid-configuration?x").contains("query or fragment"));
        assert!(err("https://a/openid-configuration").contains("is not a .well-known URI"));
        assert!(err("https://a/.well-known/openid-configurationx").contains("unsupported"));
        assert!(err("https://a/b/.well-known/openid-configuration/c").contains("invalid format"));
    }

    #[test]
    fn server_error_fields_and_errors() {
        let r = parse_server_error(
            br#"{"status":"invalid_token","scope":"a b","openid-configuration":"x","o":{"status":1}}"#,
        )
        .unwrap();
        assert_eq!(r.status.as_deref(), Some("invalid_token"));
        assert_eq!(r.scope.as_deref(), Some("a b"));
        assert_eq!(r.discovery_uri.as_deref(), Some("x"));
        let e = |s: &[u8]| parse_server_error(s).unwrap_err();
        assert_eq!(
            e(br#"{"status":1}"#),
            "failed to parse server's error response: field \"status\" must be a string\n"
        );
        assert!(e(br#"{"scope":"a","scope":"b"}"#).contains("field \"scope\" is duplicated"));
        assert!(e(br#"[1]"#).contains("top-level element must be an object"));
        assert!(e(br#"{"a":[[[[[[[[1]]]]]]]]}"#).contains("JSON is too deeply nested"));
        assert!(parse_server_error(br#"{"a":[[[[[[[1]]]]]]],"status":"x"}"#).is_ok());
        assert!(e(b"").contains("The input string ended unexpectedly."));
        assert!(e(br#"{"s":"\x"}"#).contains("Escape sequence \"\\x\" is invalid."));
        assert!(e(b"{\"s\":\"a\0\"}").contains("embedded NULL"));
        assert!(e(b"{\"s\":\"\xff\"}").contains("not valid UTF-8"));
        assert!(e(br#"{"s" 1}"#).contains("Expected \":\", but found \"1\"."));
        assert!(e(br#"{"s":1} x"#).contains("Token \"x\" is invalid."));
        assert!(e(br#"{"s":1} 2"#).contains("Expected end of input, but found \"2\"."));
    }

    #[test]
    fn session_checks() {
        let mut s = Session::default();
        assert!(s.setup(Some("https://i"), None).is_err());
        s.setup(Some("https://i"), Some("c")).unwrap();
        let mut scope = None;
        s.handle_server_error(
            br#"{"status":"invalid_token","openid-configuration":"https://i/.well-known/openid-configuration","scope":"s"}"#,
            &mut scope,
        )
        .unwrap();
        assert_eq!(scope.as_deref(), Some("s"));
        assert_eq!(
            s.discovery_uri.as_deref(),
            Some("https://i/.well-known/openid-configuration")
        );
        let e = s
            .handle_server_error(
                br#"{"status":"invalid_token","openid-configuration":"https://i/.well-known/oauth-authorization-server"}"#,
                &mut None,
            )
            .unwrap_err();
        assert!(e.contains("has moved"), "{e}");
        let e = s
            .handle_server_error(
                br#"{"status":"invalid_token","openid-configuration":"https://j/.well-known/openid-configuration"}"#,
                &mut None,
            )
            .unwrap_err();
        assert!(
            e.contains("is incompatible with oauth_issuer (https://i)"),
            "{e}"
        );
        assert!(s
            .handle_server_error(br#"{"status":"x"}"#, &mut None)
            .unwrap_err()
            .contains("server rejected OAuth bearer token: x"));
        assert_eq!(
            client_initial_response(Some("t")),
            b"n,,\x01auth=Bearer t\x01\x01"
        );
        assert_eq!(client_initial_response(None), b"n,,\x01auth=\x01\x01");
    }
}
