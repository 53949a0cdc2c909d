//! MD5 password hashing (`pg_md5_encrypt` of src/common/md5_common.c) and the
//! response to AuthenticationMD5Password (`pg_password_sendauth` in fe-auth.c).

use md5::{Digest, Md5};

/// Length of an MD5-hashed password: "md5" and 32 hex digits (`MD5_PASSWD_LEN`).
pub const MD5_PASSWD_LEN: usize = 35;

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// `pg_md5_encrypt`: `"md5"` followed by the hex MD5 of `password || salt`.
/// Also what `PQencryptPassword(passwd, user)` returns (salt = user name).
pub fn md5_encrypt(password: &[u8], salt: &[u8]) -> String {
    let mut h = Md5::new();
    h.update(password);
    h.update(salt);
    let mut out = String::with_capacity(MD5_PASSWD_LEN);
    out.push_str("md5");
    out.push_str(&hex(&h.finalize()));
    out
}

/// The PasswordMessage body for AuthenticationMD5Password (without the
/// trailing NUL): `"md5" + hex(md5(hex(md5(password + user)) + salt))`.
pub fn md5_password_response(user: &[u8], password: &[u8], salt: [u8; 4]) -> Vec<u8> {
    let inner = md5_encrypt(password, user);
    md5_encrypt(&inner.as_bytes()[3..], &salt).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Known answers computed with Python's hashlib:
    //   h1 = hashlib.md5(pw + user).hexdigest()
    //   'md5' + hashlib.md5(h1.encode() + salt).hexdigest()
    #[test]
    fn known_answers() {
        // also PQencryptPassword("secret", "alice") of the system libpq
        assert_eq!(
            md5_encrypt(b"secret", b"alice"),
            "md54a0a68b43b6cd5cf266fa02f196e2371"
        );
        assert_eq!(md5_encrypt(b"", b""), "md5d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(
            md5_encrypt(b"postgres", b"postgres"),
            "md53175bce1d3201d16594cebf9d7eb3f9d"
        );
        type Case<'a> = (&'a [u8], &'a [u8], [u8; 4], &'a str);
        let cases: [Case; 3] = [
            (
                b"postgres",
                b"postgres",
                [1, 2, 3, 4],
                "md568be9ed08db75f318087ab337aaea044",
            ),
            (
                b"user",
                b"pencil",
                [0xde, 0xad, 0xbe, 0xef],
                "md50f5b636d891e9860623ac8ca91fc9dfc",
            ),
            (
                "j\u{f6}e".as_bytes(),
                "p\u{e4}ssw\u{f6}rd".as_bytes(),
                [0x00, 0xff, 0x10, 0x80],
                "md56b4ba1e2d66bfe760e55031a583049f5",
            ),
        ];
        for (user, pw, salt, want) in cases {
            let got = md5_password_response(user, pw, salt);
            assert_eq!(got.len(), MD5_PASSWD_LEN);
            assert_eq!(String::from_utf8(got).unwrap(), want);
        }
    }
}
