//! Base64 exactly as PostgreSQL's `src/common/base64.c` does it.
//!
//! Encoding is standard base64 with `=` padding. Decoding keeps libpq's
//! quirks, because they decide which server messages are accepted: any
//! whitespace is an error, a `=` is only accepted at the third or fourth
//! position of a quantum, characters after the padding are taken as zero
//! bits, the padding state carries over into later quanta, and the input
//! must end on a whole quantum.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `pg_b64_encode`.
pub fn encode(src: &[u8]) -> String {
    let mut out = String::with_capacity(src.len().div_ceil(3) * 4);
    for chunk in src.chunks(3) {
        let b0 = chunk[0] as u32;
        let b1 = chunk.get(1).copied().unwrap_or(0) as u32;
        let b2 = chunk.get(2).copied().unwrap_or(0) as u32;
        let buf = (b0 << 16) | (b1 << 8) | b2;
        out.push(ALPHABET[((buf >> 18) & 0x3f) as usize] as char);
        out.push(ALPHABET[((buf >> 12) & 0x3f) as usize] as char);
        if chunk.len() > 1 {
            out.push(ALPHABET[((buf >> 6) & 0x3f) as usize] as char);
        } else {
            out.push('=');
        }
        if chunk.len() > 2 {
            out.push(ALPHABET[(buf & 0x3f) as usize] as char);
        } else {
            out.push('=');
        }
    }
    out
}

fn lookup(c: u8) -> Option<u32> {
    match c {
        b'A'..=b'Z' => Some((c - b'A') as u32),
        b'a'..=b'z' => Some((c - b'a') as u32 + 26),
        b'0'..=b'9' => Some((c - b'0') as u32 + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// `pg_b64_decode`: `None` where libpq returns -1.
pub fn decode(src: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(src.len() * 3 / 4);
    let mut buf: u32 = 0;
    let mut pos = 0;
    let mut end = 0;
    for &c in src {
        if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
            return None;
        }
        let b = if c == b'=' {
            if end == 0 {
                match pos {
                    2 => end = 1,
                    3 => end = 2,
                    _ => return None,
                }
            }
            0
        } else {
            lookup(c)?
        };
        buf = (buf << 6).wrapping_add(b);
        pos += 1;
        if pos == 4 {
            out.push((buf >> 16) as u8);
            if end == 0 || end > 1 {
                out.push((buf >> 8) as u8);
            }
            if end == 0 || end > 2 {
                out.push(buf as u8);
            }
            buf = 0;
            pos = 0;
        }
    }
    if pos != 0 {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for n in 0..20 {
            let data: Vec<u8> = (0..n as u8).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(decode(encode(&data).as_bytes()).unwrap(), data);
        }
        assert_eq!(encode(b"n,,"), "biws");
        assert_eq!(encode(b"y,,"), "eSws");
        assert_eq!(encode(b"a"), "YQ==");
        assert_eq!(encode(b"ab"), "YWI=");
    }

    #[test]
    fn quirks_as_libpq() {
        assert_eq!(decode(b""), Some(vec![]));
        assert_eq!(decode(b"YQ=="), Some(b"a".to_vec()));
        assert_eq!(decode(b"YQ"), None); // missing padding
        assert_eq!(decode(b"Y==="), None); // '=' too early
        assert_eq!(decode(b"YQ =="), None); // whitespace
        assert_eq!(decode(b"YQ=A"), Some(b"a".to_vec())); // data after '=' taken as zero
        assert_eq!(decode(b"YQ==YWJj"), Some(b"aa".to_vec())); // padding state carries over
        assert_eq!(decode("YQ\u{e9}=".as_bytes()), None);
    }
}
