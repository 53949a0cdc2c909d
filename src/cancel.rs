//! The old (`PQcancel`) cancel request, without I/O: the CancelRequest packet
//! and the error text `PQcancel` leaves in the caller's buffer. Everything here
//! works on fixed-size data so that `PQcancel` can use it inside a signal
//! handler (no allocation).

/// `CANCEL_REQUEST_CODE`: protocol "version" 1234.5678.
pub const CANCEL_REQUEST_CODE: u32 = (1234 << 16) | 5678;

/// The longest cancel key protocol 3.2 allows (BackendKeyData).
pub const MAX_CANCEL_KEY_LEN: usize = 256;

/// Length word, request code and PID, then the key.
const HEADER_LEN: usize = 12;

/// The whole CancelRequest packet, ready to be sent as it is.
#[derive(Clone, Copy)]
pub struct CancelPacket {
    buf: [u8; HEADER_LEN + MAX_CANCEL_KEY_LEN],
    len: usize,
}

impl CancelPacket {
    /// The packet for a backend's PID and cancel key; `None` when there is no
    /// key (the server sent no BackendKeyData) or it is longer than protocol
    /// 3.2 allows.
    pub fn new(pid: i32, key: &[u8]) -> Option<CancelPacket> {
        if key.is_empty() || key.len() > MAX_CANCEL_KEY_LEN {
            return None;
        }
        let len = HEADER_LEN + key.len();
        let mut buf = [0u8; HEADER_LEN + MAX_CANCEL_KEY_LEN];
        buf[0..4].copy_from_slice(&(len as u32).to_be_bytes());
        buf[4..8].copy_from_slice(&CANCEL_REQUEST_CODE.to_be_bytes());
        buf[8..12].copy_from_slice(&pid.to_be_bytes());
        buf[HEADER_LEN..len].copy_from_slice(key);
        Some(CancelPacket { buf, len })
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// The CancelRequest as the cancel API sends it (any key length, even none:
/// libpq sends what the server gave).
pub fn request_bytes(pid: i32, key: &[u8]) -> Vec<u8> {
    let len = HEADER_LEN + key.len();
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(&(len as u32).to_be_bytes());
    out.extend_from_slice(&CANCEL_REQUEST_CODE.to_be_bytes());
    out.extend_from_slice(&pid.to_be_bytes());
    out.extend_from_slice(key);
    out
}

impl std::fmt::Debug for CancelPacket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancelPacket")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

/// The steps of `PQcancel` that can fail, named as its messages name them.
pub mod step {
    pub const SOCKET: &[u8] = b"PQcancel() -- socket() failed: ";
    pub const SO_KEEPALIVE: &[u8] = b"PQcancel() -- setsockopt(SO_KEEPALIVE) failed: ";
    pub const TCP_KEEPIDLE: &[u8] = b"PQcancel() -- setsockopt(TCP_KEEPIDLE) failed: ";
    pub const TCP_KEEPINTVL: &[u8] = b"PQcancel() -- setsockopt(TCP_KEEPINTVL) failed: ";
    pub const TCP_KEEPCNT: &[u8] = b"PQcancel() -- setsockopt(TCP_KEEPCNT) failed: ";
    pub const TCP_USER_TIMEOUT: &[u8] = b"PQcancel() -- setsockopt(TCP_USER_TIMEOUT) failed: ";
    pub const CONNECT: &[u8] = b"PQcancel() -- connect() failed: ";
    pub const SEND: &[u8] = b"PQcancel() -- send() failed: ";
}

/// `PQcancel` with a NULL cancel object.
pub const NO_CANCEL_OBJECT: &[u8] = b"PQcancel() -- no cancel object supplied";
/// `PQcancel` on the dummy object made when the server sent no cancel key.
pub const NO_CANCEL_KEY: &[u8] = b"PQcancel() -- no cancellation key received";
/// `PQrequestCancel` on a connection without a socket.
pub const REQUEST_NOT_OPEN: &[u8] = b"PQrequestCancel() -- connection is not open\n";

/// `strlcpy(buf, text, buf.len())`: as much of `text` as fits with a NUL.
/// Returns the length written (without the NUL).
pub fn strlcpy(buf: &mut [u8], text: &[u8]) -> usize {
    if buf.is_empty() {
        return 0;
    }
    let n = text.len().min(buf.len() - 1);
    buf[..n].copy_from_slice(&text[..n]);
    buf[n] = 0;
    n
}

/// `PQcancel`'s failure text in `buf` (the caller's `errbuf`, `errbufsize`
/// long): the step's prefix, then `error <errno>` and a newline if room is
/// left for them, cut as libpq cuts it (it leaves room for the newline and the
/// NUL, and formats the number by hand because `sprintf` is not signal-safe).
pub fn write_failure(buf: &mut [u8], prefix: &[u8], errno: i32) {
    let used = strlcpy(buf, prefix);
    if buf.is_empty() {
        return;
    }
    // maxlen = errbufsize - strlen(errbuf) - 2
    let Some(maxlen) = buf.len().checked_sub(used + 2) else {
        return;
    };
    let mut digits = [0u8; 32];
    let text = errno_text(errno, &mut digits);
    let n = text.len().min(maxlen);
    buf[used..used + n].copy_from_slice(&text[..n]);
    buf[used + n] = b'\n';
    buf[used + n + 1] = 0;
}

/// `error <n>` in `out`, formatted without allocating.
fn errno_text(errno: i32, out: &mut [u8; 32]) -> &[u8] {
    let mut val = errno.unsigned_abs();
    let mut at = out.len();
    loop {
        at -= 1;
        out[at] = b'0' + (val % 10) as u8;
        val /= 10;
        if val == 0 {
            break;
        }
    }
    at -= 6;
    out[at..at + 6].copy_from_slice(b"error ");
    &out[at..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cstr(buf: &[u8]) -> &[u8] {
        &buf[..buf.iter().position(|&b| b == 0).unwrap()]
    }

    #[test]
    fn packet_layout() {
        let p = CancelPacket::new(0x01020304, &[9, 8, 7, 6]).unwrap();
        assert_eq!(
            p.as_bytes(),
            &[0, 0, 0, 16, 4, 210, 22, 46, 1, 2, 3, 4, 9, 8, 7, 6]
        );
        let long = CancelPacket::new(7, &[1; 32]).unwrap();
        assert_eq!(long.as_bytes().len(), 44);
        assert_eq!(&long.as_bytes()[..4], &44u32.to_be_bytes());
        assert!(CancelPacket::new(7, &[]).is_none());
        assert!(CancelPacket::new(7, &[1; 257]).is_none());
        assert_eq!(request_bytes(0x01020304, &[9, 8, 7, 6]), p.as_bytes());
        assert_eq!(
            request_bytes(7, &[]),
            [0, 0, 0, 12, 4, 210, 22, 46, 0, 0, 0, 7]
        );
    }

    #[test]
    fn failure_text() {
        let mut buf = [0xffu8; 256];
        write_failure(&mut buf, step::CONNECT, 111);
        assert_eq!(cstr(&buf), b"PQcancel() -- connect() failed: error 111\n");
        let mut buf = [0xffu8; 256];
        write_failure(&mut buf, step::SEND, 0);
        assert_eq!(cstr(&buf), b"PQcancel() -- send() failed: error 0\n");
    }

    #[test]
    fn failure_text_truncated() {
        // Prefix is 32 bytes; 36 leaves maxlen 2: "er" then "\n".
        let mut buf = [0xffu8; 36];
        write_failure(&mut buf, step::CONNECT, 111);
        assert_eq!(cstr(&buf), b"PQcancel() -- connect() failed: er\n");
        // 34: maxlen 0, only the newline.
        let mut buf = [0xffu8; 34];
        write_failure(&mut buf, step::CONNECT, 111);
        assert_eq!(cstr(&buf), b"PQcancel() -- connect() failed: \n");
        // 33: no room for the newline: the prefix alone, cut by strlcpy.
        let mut buf = [0xffu8; 33];
        write_failure(&mut buf, step::CONNECT, 111);
        assert_eq!(cstr(&buf), b"PQcancel() -- connect() failed: ");
        let mut buf = [0xffu8; 10];
        write_failure(&mut buf, step::CONNECT, 111);
        assert_eq!(cstr(&buf), b"PQcancel(");
        write_failure(&mut [], step::CONNECT, 111);
    }
}
