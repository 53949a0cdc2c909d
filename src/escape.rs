//! libpq's escaping rules (fe-exec.c: `PQescapeStringInternal`,
//! `PQescapeInternal`, `PQescapeByteaInternal`, `PQunescapeBytea`), as pure
//! functions over byte slices, including the checks for invalid multibyte
//! input added for CVE-2025-1094 and CVE-2025-4207.
//!
//! Also the static defaults the connection-less `PQescapeString` and
//! `PQescapeBytea` use: the client encoding and `standard_conforming_strings`
//! last reported by any connection (libpq's `static_client_encoding` and
//! `static_std_strings`), SQL_ASCII and off until then.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

use crate::encoding::{self, PG_SQL_ASCII, PG_UTF8};

static STATIC_CLIENT_ENCODING: AtomicI32 = AtomicI32::new(PG_SQL_ASCII);
static STATIC_STD_STRINGS: AtomicBool = AtomicBool::new(false);

/// Records the client encoding a connection was told by the server
/// (ParameterStatus `client_encoding`, already mapped to an id, SQL_ASCII when
/// unknown), for `PQescapeString`.
pub fn set_static_client_encoding(encoding: i32) {
    STATIC_CLIENT_ENCODING.store(encoding, Ordering::Relaxed);
}

/// Records `standard_conforming_strings` as a connection was told by the
/// server, for `PQescapeString` and `PQescapeBytea`.
pub fn set_static_std_strings(on: bool) {
    STATIC_STD_STRINGS.store(on, Ordering::Relaxed);
}

/// The encoding `PQescapeString` uses.
pub fn static_client_encoding() -> i32 {
    STATIC_CLIENT_ENCODING.load(Ordering::Relaxed)
}

/// The `standard_conforming_strings` setting `PQescapeString` and
/// `PQescapeBytea` use.
pub fn static_std_strings() -> bool {
    STATIC_STD_STRINGS.load(Ordering::Relaxed)
}

/// What went wrong with multibyte input; the text is libpq's error message
/// (without its newline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EscapeError {
    Incomplete,
    Invalid,
}

impl EscapeError {
    pub fn message(self) -> &'static str {
        match self {
            EscapeError::Incomplete => "incomplete multibyte character",
            EscapeError::Invalid => "invalid multibyte character",
        }
    }
}

fn highbit(c: u8) -> bool {
    c & 0x80 != 0
}

/// The input libpq looks at: up to `length` bytes, stopping at a NUL.
fn until_nul(s: &[u8]) -> &[u8] {
    match s.iter().position(|&b| b == 0) {
        Some(n) => &s[..n],
        None => s,
    }
}

/// `pg_encoding_set_invalid`: two bytes every verifier of a multibyte
/// encoding rejects.
fn push_invalid(encoding: i32, out: &mut Vec<u8>) {
    out.push(if encoding == PG_UTF8 { 0xc0 } else { 0x8d });
    out.push(b' ');
}

/// `PQescapeStringInternal`: doubles `'` (and `\` unless `std_strings`), and
/// replaces each byte that does not start a valid character with an invalid
/// two-byte sequence. Returns the escaped bytes (at most `2 * from.len()`, no
/// NUL) and the first problem found (the only one libpq reports; any problem
/// sets `*error`).
pub fn escape_string(
    from: &[u8],
    encoding: i32,
    std_strings: bool,
) -> (Vec<u8>, Option<EscapeError>) {
    let src = until_nul(from);
    let mut out = Vec::with_capacity(src.len() + 8);
    let mut problem = None;
    let mut pos = 0;
    while pos < src.len() {
        let c = src[pos];
        if !highbit(c) {
            if c == b'\'' || (c == b'\\' && !std_strings) {
                out.push(c);
            }
            out.push(c);
            pos += 1;
            continue;
        }
        let rest = &src[pos..];
        let valid = match encoding::mblen_or_incomplete(encoding, rest) {
            Some(len) if len <= rest.len() => {
                encoding::verify_mbchar(encoding, &rest[..len]).map(|_| len)
            }
            _ => None,
        };
        match valid {
            Some(len) => {
                out.extend_from_slice(&rest[..len]);
                pos += len;
            }
            None => {
                if problem.is_none() {
                    let incomplete = encoding::mblen_or_incomplete(encoding, rest)
                        .is_none_or(|len| len > rest.len());
                    problem = Some(if incomplete {
                        EscapeError::Incomplete
                    } else {
                        EscapeError::Invalid
                    });
                }
                push_invalid(encoding, &mut out);
                // The following bytes are read as if this one did not exist.
                pos += 1;
            }
        }
    }
    (out, problem)
}

/// `PQescapeInternal`: `from` (up to its first NUL) as a quoted literal
/// (`'…'`, or ` E'…'` with doubled backslashes when it holds any) or a quoted
/// identifier (`"…"`). Fails on any incomplete or invalid character.
pub fn escape_internal(from: &[u8], encoding: i32, as_ident: bool) -> Result<Vec<u8>, EscapeError> {
    let src = until_nul(from);
    let quote = if as_ident { b'"' } else { b'\'' };
    let mut num_quotes = 0;
    let mut num_backslashes = 0;
    let mut validated = false;
    let mut pos = 0;
    while pos < src.len() {
        let c = src[pos];
        if c == quote {
            num_quotes += 1;
        } else if c == b'\\' {
            num_backslashes += 1;
        } else if highbit(c) {
            let rest = &src[pos..];
            let len = match encoding::mblen_or_incomplete(encoding, rest) {
                Some(len) if len <= rest.len() => len,
                _ => return Err(EscapeError::Incomplete),
            };
            // libpq validates the whole remainder at the first multibyte
            // character.
            if !validated {
                if encoding::verify_mbstr(encoding, rest) != rest.len() {
                    return Err(EscapeError::Invalid);
                }
                validated = true;
            }
            pos += len;
            continue;
        }
        pos += 1;
    }
    let backslashes = !as_ident && num_backslashes > 0;
    let mut out = Vec::with_capacity(src.len() + num_quotes + num_backslashes + 4);
    if backslashes {
        out.extend_from_slice(b" E");
    }
    out.push(quote);
    if num_quotes == 0 && (num_backslashes == 0 || as_ident) {
        out.extend_from_slice(src);
    } else {
        let mut pos = 0;
        while pos < src.len() {
            let c = src[pos];
            if c == quote || (!as_ident && c == b'\\') {
                out.push(c);
                out.push(c);
                pos += 1;
            } else if !highbit(c) {
                out.push(c);
                pos += 1;
            } else {
                // Validated above: the character is complete.
                let len = encoding::mblen(encoding, &src[pos..]).clamp(1, src.len() - pos);
                out.extend_from_slice(&src[pos..pos + len]);
                pos += len;
            }
        }
    }
    out.push(quote);
    Ok(out)
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// `PQescapeByteaInternal`: hex (`\x…`) or escape format, with every
/// backslash doubled unless `std_strings`. No trailing NUL (libpq's
/// `*to_length` is this length + 1).
pub fn escape_bytea(from: &[u8], std_strings: bool, use_hex: bool) -> Vec<u8> {
    let bslash: &[u8] = if std_strings { b"\\" } else { b"\\\\" };
    if use_hex {
        let mut out = Vec::with_capacity(bslash.len() + 1 + 2 * from.len());
        out.extend_from_slice(bslash);
        out.push(b'x');
        for &c in from {
            out.push(HEX[(c >> 4) as usize]);
            out.push(HEX[(c & 0xf) as usize]);
        }
        return out;
    }
    let mut out = Vec::with_capacity(from.len() * 2);
    for &c in from {
        if !(0x20..=0x7e).contains(&c) {
            out.extend_from_slice(bslash);
            out.extend_from_slice(&[b'0' + (c >> 6), b'0' + ((c >> 3) & 7), b'0' + (c & 7)]);
        } else if c == b'\'' {
            out.extend_from_slice(b"''");
        } else if c == b'\\' {
            out.extend_from_slice(bslash);
            out.extend_from_slice(bslash);
        } else {
            out.push(c);
        }
    }
    out
}

/// `get_hex`: the value of a hex digit, None for anything else.
fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// `PQunescapeBytea`: the bytes a bytea text form (up to its first NUL)
/// stands for, hex (`\x…`, bad characters skipped) or escape format
/// (`\\` and `\ooo`; any other `\` dropped).
pub fn unescape_bytea(text: &[u8]) -> Vec<u8> {
    let s = until_nul(text);
    if s.len() >= 2 && s[0] == b'\\' && s[1] == b'x' {
        let mut out = Vec::with_capacity((s.len() - 2) / 2);
        let mut i = 2;
        while i < s.len() {
            let v1 = hex_value(s[i]);
            i += 1;
            let Some(v1) = v1 else { continue };
            if i >= s.len() {
                continue;
            }
            let v2 = hex_value(s[i]);
            i += 1;
            if let Some(v2) = v2 {
                out.push((v1 << 4) | v2);
            }
        }
        return out;
    }
    let at = |i: usize| s.get(i).copied().unwrap_or(0);
    let first_oct = |c: u8| (b'0'..=b'3').contains(&c);
    let oct = |c: u8| (b'0'..=b'7').contains(&c);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'\\' {
            i += 1;
            if at(i) == b'\\' {
                out.push(b'\\');
                i += 1;
            } else if first_oct(at(i)) && oct(at(i + 1)) && oct(at(i + 2)) {
                let v = ((at(i) - b'0') << 6) | ((at(i + 1) - b'0') << 3) | (at(i + 2) - b'0');
                out.push(v);
                i += 3;
            }
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::{PG_GB18030, PG_LATIN1, PG_SJIS};

    fn esc(s: &[u8], enc: i32, std: bool) -> (Vec<u8>, Option<EscapeError>) {
        escape_string(s, enc, std)
    }

    #[test]
    fn string_quotes_and_backslashes() {
        assert_eq!(esc(b"it's", PG_UTF8, true), (b"it''s".to_vec(), None));
        assert_eq!(esc(b"a\\b", PG_UTF8, true), (b"a\\b".to_vec(), None));
        assert_eq!(esc(b"a\\b'", PG_UTF8, false), (b"a\\\\b''".to_vec(), None));
        assert_eq!(esc(b"ab\0cd", PG_UTF8, true), (b"ab".to_vec(), None));
        assert_eq!(esc(b"", PG_UTF8, true), (vec![], None));
    }

    #[test]
    fn string_multibyte() {
        let s = "héllo ü €".as_bytes();
        assert_eq!(esc(s, PG_UTF8, true), (s.to_vec(), None));
        // Invalid UTF-8: each bad byte becomes C0 20, the next bytes are read anew.
        assert_eq!(
            esc(b"a\xff'b", PG_UTF8, true),
            (b"a\xc0 ''b".to_vec(), Some(EscapeError::Invalid))
        );
        // A lead byte that would swallow the quote.
        assert_eq!(
            esc(b"\xc3'", PG_UTF8, true),
            (b"\xc0 ''".to_vec(), Some(EscapeError::Invalid))
        );
        // Incomplete at the end; only the first problem is reported.
        assert_eq!(
            esc(b"\xe2\x82", PG_UTF8, true),
            (b"\xc0 \xc0 ".to_vec(), Some(EscapeError::Incomplete))
        );
        assert_eq!(
            esc(b"\xff\xe2", PG_UTF8, true).1,
            Some(EscapeError::Invalid)
        );
        // SJIS: 0x83 0x5c is one character whose second byte is a backslash.
        assert_eq!(
            esc(b"\x83\x5c'", PG_SJIS, false),
            (b"\x83\x5c''".to_vec(), None)
        );
        assert_eq!(
            esc(b"\x83'", PG_SJIS, true),
            (b"\x8d ''".to_vec(), Some(EscapeError::Invalid))
        );
        // Single-byte encodings accept any byte.
        assert_eq!(esc(b"\xff'", PG_LATIN1, true), (b"\xff''".to_vec(), None));
        assert_eq!(
            esc(b"\xff'", PG_SQL_ASCII, true),
            (b"\xff''".to_vec(), None)
        );
        // GB18030 lead byte alone at the end.
        assert_eq!(
            esc(b"a\x81", PG_GB18030, true),
            (b"a\x8d ".to_vec(), Some(EscapeError::Incomplete))
        );
    }

    #[test]
    fn literal_and_identifier() {
        let lit = |s: &[u8]| escape_internal(s, PG_UTF8, false);
        let id = |s: &[u8]| escape_internal(s, PG_UTF8, true);
        assert_eq!(lit(b"it's \\ here").unwrap(), b" E'it''s \\\\ here'");
        assert_eq!(lit(b"plain").unwrap(), b"'plain'");
        assert_eq!(lit(b"").unwrap(), b"''");
        assert_eq!(lit(b"a\0b").unwrap(), b"'a'");
        assert_eq!(id(b"Tab\"le\\").unwrap(), b"\"Tab\"\"le\\\"");
        assert_eq!(lit("é'".as_bytes()).unwrap(), "'é'''".as_bytes());
        assert_eq!(lit(b"\xc3"), Err(EscapeError::Incomplete));
        assert_eq!(lit(b"\xc3\xa9\xc3"), Err(EscapeError::Invalid));
        assert_eq!(lit(b"\xff"), Err(EscapeError::Invalid));
        assert_eq!(lit(b"\xc3'"), Err(EscapeError::Invalid));
        assert_eq!(
            escape_internal(b"\x83\x5c", PG_SJIS, false).unwrap(),
            b"'\x83\x5c'"
        );
        assert_eq!(
            escape_internal(b"\xff'", PG_LATIN1, true).unwrap(),
            b"\"\xff'\""
        );
    }

    #[test]
    fn bytea_escape_and_unescape() {
        assert_eq!(escape_bytea(b"\x00'\\a", true, true), b"\\x00275c61");
        assert_eq!(escape_bytea(b"\x00'\\a", false, true), b"\\\\x00275c61");
        assert_eq!(
            escape_bytea(b"\x00'\\a\xff", true, false),
            b"\\000''\\\\a\\377"
        );
        assert_eq!(
            escape_bytea(b"\x00'\\a", false, false),
            b"\\\\000''\\\\\\\\a"
        );
        assert_eq!(escape_bytea(b"", true, true), b"\\x");
        assert_eq!(unescape_bytea(b"\\x00275C61"), b"\x00'\\a");
        assert_eq!(unescape_bytea(b"\\x0 0zz2"), b"");
        assert_eq!(unescape_bytea(b"\\x012"), b"\x01");
        assert_eq!(unescape_bytea(b"\\000''\\\\a\\377"), b"\x00''\\a\xff");
        assert_eq!(unescape_bytea(b"a\\qb\\"), b"aqb");
        assert_eq!(unescape_bytea(b"\\400\\37"), b"40037");
        assert_eq!(unescape_bytea(b""), b"");
    }

    #[test]
    fn static_defaults() {
        assert_eq!(static_client_encoding(), PG_SQL_ASCII);
        set_static_std_strings(true);
        assert!(static_std_strings());
        set_static_std_strings(false);
    }
}
