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
use crate::messages::conn as msg;

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

/// Why an escape function failed or complained; [`EscapeError::message`]
/// is the text libpq appends to the connection's error message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EscapeError {
    /// A multibyte character runs past the end of the input.
    Incomplete,
    /// Bytes that are not a character of the client encoding.
    Invalid,
    /// The escaped literal or identifier would not fit `size_t`.
    TooLarge,
}

impl EscapeError {
    pub fn message(self) -> String {
        match self {
            EscapeError::Incomplete => msg::INCOMPLETE_MULTIBYTE.to_string(),
            EscapeError::Invalid => msg::INVALID_MULTIBYTE.to_string(),
            EscapeError::TooLarge => msg::escaped_string_too_large(),
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
    let size = quoted_size(src.len(), num_quotes, num_backslashes, as_ident)
        .ok_or(EscapeError::TooLarge)?;
    let mut out = Vec::with_capacity(size);
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

/// The buffer `PQescapeInternal` allocates (terminating NUL included) for an
/// input of `input_len` bytes holding `num_quotes` quote characters and
/// `num_backslashes` backslashes, or None when it exceeds `size_t` (libpq then
/// fails with "escaped string size exceeds the maximum allowed").
pub fn quoted_size(
    input_len: usize,
    num_quotes: usize,
    num_backslashes: usize,
    as_ident: bool,
) -> Option<usize> {
    // two quotes and a NUL
    let size = input_len.checked_add(num_quotes)?.checked_add(3)?;
    if !as_ident && num_backslashes > 0 {
        // the doubled backslashes and the " E" prefix
        size.checked_add(num_backslashes)?.checked_add(2)
    } else {
        Some(size)
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn bslash_len(std_strings: bool) -> usize {
    if std_strings {
        1
    } else {
        2
    }
}

/// The buffer `PQescapeByteaInternal` allocates (terminating NUL included)
/// for `from_len` bytes in hex format (`\x` and two digits per byte), or None
/// when it exceeds `size_t` (libpq: "escaped bytea size exceeds the maximum
/// allowed"). The input itself is not needed, so a huge `from_len` is refused
/// before anything is read.
pub fn hex_bytea_size(from_len: usize, std_strings: bool) -> Option<usize> {
    from_len
        .checked_mul(2)?
        .checked_add(1 + bslash_len(std_strings) + 1)
}

/// The buffer `PQescapeByteaInternal` allocates (terminating NUL included)
/// for `from` in escape format, or None when it exceeds `size_t`.
pub fn escape_format_bytea_size(from: &[u8], std_strings: bool) -> Option<usize> {
    let bslash = bslash_len(std_strings);
    from.iter().try_fold(1usize, |len, &c| {
        let needed = if !(0x20..=0x7e).contains(&c) {
            bslash + 3
        } else if c == b'\'' {
            2
        } else if c == b'\\' {
            2 * bslash
        } else {
            1
        };
        len.checked_add(needed)
    })
}

/// `PQescapeByteaInternal`'s output: hex (`\x…`) or escape format, every
/// backslash doubled unless `std_strings`, then a NUL. `out` has exactly the
/// size [`hex_bytea_size`] or [`escape_format_bytea_size`] gave.
pub fn escape_bytea_into(from: &[u8], std_strings: bool, use_hex: bool, out: &mut [u8]) {
    let bslash: &[u8] = if std_strings { b"\\" } else { b"\\\\" };
    let mut w = 0;
    let mut put = |bytes: &[u8]| {
        out[w..w + bytes.len()].copy_from_slice(bytes);
        w += bytes.len();
    };
    if use_hex {
        put(bslash);
        put(b"x");
        for &c in from {
            put(&[HEX[(c >> 4) as usize], HEX[(c & 0xf) as usize]]);
        }
    } else {
        for &c in from {
            if !(0x20..=0x7e).contains(&c) {
                put(bslash);
                put(&[b'0' + (c >> 6), b'0' + ((c >> 3) & 7), b'0' + (c & 7)]);
            } else if c == b'\'' {
                put(b"''");
            } else if c == b'\\' {
                put(bslash);
                put(bslash);
            } else {
                put(&[c]);
            }
        }
    }
    put(b"\0");
    debug_assert_eq!(w, out.len());
}

/// [`escape_bytea_into`] into a new vector, without the NUL (libpq's
/// `*to_length` is this length + 1).
pub fn escape_bytea(from: &[u8], std_strings: bool, use_hex: bool) -> Vec<u8> {
    let size = if use_hex {
        hex_bytea_size(from.len(), std_strings)
    } else {
        escape_format_bytea_size(from, std_strings)
    }
    .expect("an escaped slice fits usize");
    let mut out = vec![0; size];
    escape_bytea_into(from, std_strings, use_hex, &mut out);
    out.pop();
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
    fn bytea_sizes_and_overflow() {
        // hex: the NUL, one or two backslashes, 'x', two digits per byte
        assert_eq!(hex_bytea_size(0, true), Some(3));
        assert_eq!(hex_bytea_size(0, false), Some(4));
        assert_eq!(hex_bytea_size(5, true), Some(13));
        // the largest inputs whose size fits size_t, and the first that do
        // not (libpq 18 checks exactly, CVE-2025-12818)
        let half = usize::MAX / 2;
        assert_eq!(hex_bytea_size(half - 1, true), Some(usize::MAX));
        assert_eq!(hex_bytea_size(half, true), None);
        assert_eq!(hex_bytea_size(half - 2, false), Some(usize::MAX - 1));
        assert_eq!(hex_bytea_size(half - 1, false), None);
        assert_eq!(hex_bytea_size(usize::MAX, true), None);
        // escape format: per byte, and the same as what is written
        assert_eq!(escape_format_bytea_size(b"", true), Some(1));
        assert_eq!(
            escape_format_bytea_size(b"\x00'\\a", true),
            Some(1 + 4 + 2 + 2 + 1)
        );
        assert_eq!(
            escape_format_bytea_size(b"\x00'\\a", false),
            Some(1 + 5 + 2 + 4 + 1)
        );
        let all: Vec<u8> = (0..=255).collect();
        for std in [true, false] {
            for hex in [true, false] {
                let size = if hex {
                    hex_bytea_size(all.len(), std)
                } else {
                    escape_format_bytea_size(&all, std)
                };
                let mut out = vec![0x55; size.unwrap()];
                escape_bytea_into(&all, std, hex, &mut out);
                assert_eq!(out.last(), Some(&0));
                assert!(!out[..out.len() - 1].contains(&0));
                if hex {
                    // the server's string-literal pass removes the doubled backslash
                    assert_eq!(unescape_bytea(&out[usize::from(!std)..]), all);
                }
            }
        }
    }

    #[test]
    fn quoted_sizes_and_overflow() {
        // input, doubled quotes, two quotes and a NUL; for a literal with
        // backslashes also the doubled backslashes and " E"
        assert_eq!(quoted_size(5, 1, 2, false), Some(5 + 1 + 3 + 2 + 2));
        assert_eq!(quoted_size(5, 1, 2, true), Some(5 + 1 + 3));
        assert_eq!(quoted_size(5, 0, 0, false), Some(8));
        for (s, ident) in [(&b"it's \\ here"[..], false), (b"a\"b\\", true)] {
            let quotes = s.iter().filter(|&&c| c == if ident { b'"' } else { b'\'' });
            let backslashes = s.iter().filter(|&&c| c == b'\\').count();
            let out = escape_internal(s, PG_UTF8, ident).unwrap();
            assert_eq!(
                quoted_size(s.len(), quotes.count(), backslashes, ident),
                Some(out.len() + 1)
            );
        }
        assert_eq!(quoted_size(usize::MAX - 3, 0, 0, true), Some(usize::MAX));
        assert_eq!(quoted_size(usize::MAX - 2, 0, 0, true), None);
        assert_eq!(
            quoted_size(usize::MAX - 8, 3, 2, true),
            Some(usize::MAX - 2)
        );
        assert_eq!(quoted_size(usize::MAX - 8, 3, 2, false), None);
        assert_eq!(quoted_size(usize::MAX / 2, usize::MAX / 2, 0, true), None);
    }

    #[test]
    fn messages() {
        assert_eq!(
            EscapeError::Incomplete.message(),
            "incomplete multibyte character\n"
        );
        assert_eq!(
            EscapeError::Invalid.message(),
            "invalid multibyte character\n"
        );
        assert_eq!(
            EscapeError::TooLarge.message(),
            "escaped string size exceeds the maximum allowed (18446744073709551615)\n"
        );
    }

    #[test]
    fn static_defaults() {
        assert_eq!(static_client_encoding(), PG_SQL_ASCII);
        set_static_std_strings(true);
        assert!(static_std_strings());
        set_static_std_strings(false);
    }
}
