//! SASLprep of a password as `pg_saslprep` (src/common/saslprep.c) does it.
//!
//! PostgreSQL's steps, kept in its order: a pure-ASCII password is used as is
//! (control characters included); invalid UTF-8 is refused; non-ASCII spaces
//! become `' '` and "commonly mapped to nothing" characters are dropped; an
//! empty result is refused; the prohibited, unassigned and bidirectional
//! checks run on the *mapped* characters (before normalization, as libpq
//! does); the result is the NFKC normalization of the mapped string.
//! SCRAM uses the raw password whenever SASLprep refuses it.

use std::borrow::Cow;

use stringprep::tables;

/// Why `pg_saslprep` refused a password (`pg_saslprep_rc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaslprepError {
    /// `SASLPREP_INVALID_UTF8`
    InvalidUtf8,
    /// `SASLPREP_PROHIBITED`
    Prohibited,
}

fn prohibited(c: char) -> bool {
    tables::non_ascii_space_character(c)
        || tables::ascii_control_character(c)
        || tables::non_ascii_control_character(c)
        || tables::private_use(c)
        || tables::non_character_code_point(c)
        || tables::surrogate_code(c)
        || tables::inappropriate_for_plain_text(c)
        || tables::inappropriate_for_canonical_representation(c)
        || tables::change_display_properties_or_deprecated(c)
        || tables::tagging_character(c)
        || tables::unassigned_code_point(c)
}

/// `pg_saslprep`.
pub fn pg_saslprep(input: &[u8]) -> Result<Cow<'_, [u8]>, SaslprepError> {
    if input.is_ascii() {
        return Ok(Cow::Borrowed(input));
    }
    let text = std::str::from_utf8(input).map_err(|_| SaslprepError::InvalidUtf8)?;

    // 1) Map.
    let mapped: String = text
        .chars()
        .filter_map(|c| {
            if tables::non_ascii_space_character(c) {
                Some(' ')
            } else if tables::commonly_mapped_to_nothing(c) {
                None
            } else {
                Some(c)
            }
        })
        .collect();
    if mapped.is_empty() {
        return Err(SaslprepError::Prohibited);
    }

    // 3) Prohibit, on the mapped characters as libpq does.
    if mapped.chars().any(prohibited) {
        return Err(SaslprepError::Prohibited);
    }

    // 4) Bidi.
    if mapped.chars().any(tables::bidi_r_or_al) {
        if mapped.chars().any(tables::bidi_l) {
            return Err(SaslprepError::Prohibited);
        }
        let first = mapped.chars().next().unwrap_or(' ');
        let last = mapped.chars().next_back().unwrap_or(' ');
        if !tables::bidi_r_or_al(first) || !tables::bidi_r_or_al(last) {
            return Err(SaslprepError::Prohibited);
        }
    }

    // 2) Normalize (NFKC). The stringprep crate's SASLprep of the mapped string
    // maps nothing more and returns its NFKC form; it also re-checks the
    // normalized characters, which libpq does not. In that (rare) case we fall
    // back to the raw password, as for any refusal.
    match stringprep::saslprep(&mapped) {
        Ok(normalized) => Ok(Cow::Owned(normalized.into_owned().into_bytes())),
        Err(_) => Err(SaslprepError::Prohibited),
    }
}

/// The password SCRAM hashes: the SASLprep'd form, or the raw bytes when
/// SASLprep refuses it (fe-auth-scram.c `scram_init`).
pub fn prepare_password(password: &[u8]) -> Vec<u8> {
    match pg_saslprep(password) {
        Ok(p) => p.into_owned(),
        Err(_) => password.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_untouched() {
        assert_eq!(pg_saslprep(b"pencil").unwrap(), &b"pencil"[..]);
        // control characters pass through the ASCII fast path
        assert_eq!(pg_saslprep(b"a\x01b").unwrap(), &b"a\x01b"[..]);
        assert_eq!(pg_saslprep(b"").unwrap(), &b""[..]);
    }

    #[test]
    fn mapping_and_normalization() {
        // U+00A0 NO-BREAK SPACE becomes ' ', U+00AD SOFT HYPHEN disappears
        assert_eq!(
            pg_saslprep("a\u{a0}b\u{ad}c".as_bytes()).unwrap(),
            &b"a bc"[..]
        );
        // NFKC: U+2168 ROMAN NUMERAL NINE -> "IX", U+00AA -> "a"
        assert_eq!(pg_saslprep("\u{2168}".as_bytes()).unwrap(), &b"IX"[..]);
        assert_eq!(pg_saslprep("\u{aa}".as_bytes()).unwrap(), &b"a"[..]);
        // composed stays composed
        assert_eq!(
            pg_saslprep("e\u{301}".as_bytes()).unwrap(),
            "\u{e9}".as_bytes()
        );
    }

    #[test]
    fn refusals() {
        assert_eq!(pg_saslprep(b"\xff\xfe"), Err(SaslprepError::InvalidUtf8));
        assert_eq!(
            pg_saslprep("\u{ad}".as_bytes()),
            Err(SaslprepError::Prohibited)
        );
        assert_eq!(
            pg_saslprep("a\u{7}\u{e9}".as_bytes()),
            Err(SaslprepError::Prohibited)
        );
        assert_eq!(
            pg_saslprep("\u{e000}x".as_bytes()),
            Err(SaslprepError::Prohibited)
        );
        // RandALCat mixed with LCat
        assert_eq!(
            pg_saslprep("\u{5d0}a\u{5d0}".as_bytes()),
            Err(SaslprepError::Prohibited)
        );
        // RandALCat not at both ends
        assert_eq!(
            pg_saslprep("\u{5d0}1".as_bytes()),
            Err(SaslprepError::Prohibited)
        );
        assert!(pg_saslprep("\u{5d0}1\u{5d0}".as_bytes()).is_ok());
        assert_eq!(prepare_password(b"\xff"), b"\xff".to_vec());
        assert_eq!(
            prepare_password("\u{ad}".as_bytes()),
            "\u{ad}".as_bytes().to_vec()
        );
    }
}
