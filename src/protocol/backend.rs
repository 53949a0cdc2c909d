//! Backend (server to client) messages: finding complete messages in the input
//! buffer and reading their fields without copying.

/// Messages that may legitimately be long; any other message longer than this
/// is taken as a loss of protocol sync, as libpq does.
const MAX_SHORT_MESSAGE: usize = 30_000;

fn may_be_long(tag: u8) -> bool {
    matches!(tag, b'T' | b'D' | b'd' | b'V' | b'E' | b'N' | b'A')
}

/// What the input buffer holds at its start.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// A whole message: its type byte and its body length; it spans `5 + len` bytes.
    Message { tag: u8, len: usize },
    /// Not enough bytes yet; at least this many bytes are needed in all.
    Incomplete(usize),
    /// The length word is impossible: the stream is out of sync.
    Invalid { tag: u8 },
}

/// Looks at the start of `buf` for one backend message.
pub fn frame(buf: &[u8]) -> Frame {
    if buf.len() < 5 {
        return Frame::Incomplete(5);
    }
    let tag = buf[0];
    let word = i32::from_be_bytes([buf[1], buf[2], buf[3], buf[4]]);
    if word < 4 {
        return Frame::Invalid { tag };
    }
    let len = word as usize - 4;
    if len > MAX_SHORT_MESSAGE && !may_be_long(tag) {
        return Frame::Invalid { tag };
    }
    if buf.len() < 5 + len {
        Frame::Incomplete(5 + len)
    } else {
        Frame::Message { tag, len }
    }
}

/// A cursor over a message body; every read is bounds-checked, so a lying
/// server yields `None`, never a panic or an out-of-bounds read.
#[derive(Clone, Copy)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }
    pub fn position(&self) -> usize {
        self.pos
    }
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }
    pub fn rest(&mut self) -> &'a [u8] {
        let r = &self.buf[self.pos..];
        self.pos = self.buf.len();
        r
    }
    pub fn u8(&mut self) -> Option<u8> {
        let b = *self.buf.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }
    pub fn i16(&mut self) -> Option<i16> {
        let b = self.bytes(2)?;
        Some(i16::from_be_bytes([b[0], b[1]]))
    }
    pub fn i32(&mut self) -> Option<i32> {
        let b = self.bytes(4)?;
        Some(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    pub fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let b = self.buf.get(self.pos..end)?;
        self.pos = end;
        Some(b)
    }
    /// A NUL-terminated string, without its NUL.
    pub fn cstr(&mut self) -> Option<&'a [u8]> {
        let rest = &self.buf[self.pos..];
        let nul = rest.iter().position(|&b| b == 0)?;
        self.pos += nul + 1;
        Some(&rest[..nul])
    }
}

/// One column of a RowDescription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDescription<'a> {
    pub name: &'a [u8],
    pub table_oid: u32,
    pub column: i16,
    pub type_oid: u32,
    pub type_len: i16,
    pub type_mod: i32,
    pub format: i16,
}

/// A RowDescription body whose columns have all been checked.
#[derive(Debug, Clone, Copy)]
pub struct RowDescription<'a> {
    n: usize,
    /// The columns, after the count.
    columns: &'a [u8],
}

impl<'a> RowDescription<'a> {
    pub fn len(&self) -> usize {
        self.n
    }
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }
    /// The columns, in order. The count is known up front, so collecting
    /// them into a slice allocates once.
    pub fn fields(&self) -> impl ExactSizeIterator<Item = FieldDescription<'a>> {
        let mut r = Reader::new(self.columns);
        // Checked by row_description: every read succeeds.
        (0..self.n).map(move |_| {
            read_field(&mut r).unwrap_or(FieldDescription {
                name: b"",
                table_oid: 0,
                column: 0,
                type_oid: 0,
                type_len: 0,
                type_mod: 0,
                format: 0,
            })
        })
    }
}

fn read_field<'a>(r: &mut Reader<'a>) -> Option<FieldDescription<'a>> {
    let name = r.cstr()?;
    // The fixed part, read from one checked slice.
    let b: &[u8; 18] = r.bytes(18)?.try_into().ok()?;
    Some(FieldDescription {
        name,
        table_oid: u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
        column: i16::from_be_bytes([b[4], b[5]]),
        type_oid: u32::from_be_bytes([b[6], b[7], b[8], b[9]]),
        type_len: i16::from_be_bytes([b[10], b[11]]),
        type_mod: i32::from_be_bytes([b[12], b[13], b[14], b[15]]),
        format: i16::from_be_bytes([b[16], b[17]]),
    })
}

/// Reads a RowDescription body: None when it is malformed.
pub fn row_description(body: &[u8]) -> Option<RowDescription<'_>> {
    let mut r = Reader::new(body);
    let n = r.i16()?;
    if n < 0 {
        return None;
    }
    let columns = &body[2..];
    for _ in 0..n {
        read_field(&mut r)?;
    }
    if r.remaining() != 0 {
        return None;
    }
    Some(RowDescription {
        n: n as usize,
        columns,
    })
}

/// Reads the fields of an ErrorResponse or NoticeResponse: `(code, value)` pairs.
pub fn error_fields(body: &[u8]) -> Option<Vec<(u8, &[u8])>> {
    let mut r = Reader::new(body);
    let mut out = Vec::new();
    loop {
        let code = r.u8()?;
        if code == 0 {
            return Some(out);
        }
        out.push((code, r.cstr()?));
    }
}

/// Why a NegotiateProtocolVersion message is refused, in the order libpq 18
/// checks (pqGetNegotiateProtocolVersion3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NegotiationError {
    /// The version or the count is missing, or a name is not terminated.
    TooShort,
    /// A version above the one requested.
    HigherVersion,
    /// A version below 3.0.
    Pre30,
    /// 3.1, which never existed.
    Nonexistent31,
    /// A negative count of unsupported options.
    NegativeCount,
    /// The version requested and no option: nothing to negotiate.
    NoChanges,
    /// A version below `min_protocol_version`.
    BelowMinimum { server: u32, min: u32 },
    /// An unsupported option name without the `_pq_.` prefix.
    NoPrefix(Vec<u8>),
    /// A `_pq_.` option: none is ever requested.
    NotRequested(Vec<u8>),
}

/// Reads a NegotiateProtocolVersion body for a connection that asked for
/// `requested` and accepts nothing below `min`: the version the server
/// settles on and how many bytes of the body were read (as libpq, the
/// parse goes on right after them, even when the length word promised more).
/// No protocol option is ever requested, so any option named is an error.
pub fn negotiate_protocol_version(
    body: &[u8],
    requested: u32,
    min: u32,
) -> Result<(u32, usize), NegotiationError> {
    use NegotiationError::*;
    const V3_0: u32 = 3 << 16;
    let mut r = Reader::new(body);
    let (Some(version), Some(count)) = (r.i32(), r.i32()) else {
        return Err(TooShort);
    };
    // libpq compares the signed version with its unsigned one as unsigned.
    let version = version as u32;
    if version > requested {
        return Err(HigherVersion);
    }
    if version < V3_0 {
        return Err(Pre30);
    }
    if version == V3_0 | 1 {
        return Err(Nonexistent31);
    }
    if count < 0 {
        return Err(NegativeCount);
    }
    if version == requested && count == 0 {
        return Err(NoChanges);
    }
    if version < min {
        return Err(BelowMinimum {
            server: version,
            min,
        });
    }
    if count > 0 {
        let name = r.cstr().ok_or(TooShort)?.to_vec();
        return Err(if name.starts_with(b"_pq_.") {
            NotRequested(name)
        } else {
            NoPrefix(name)
        });
    }
    Ok((version, r.position()))
}

/// Why the cancel key of a BackendKeyData is refused (libpq 18's
/// getBackendKeyData); the length is the body's less the PID's 4 bytes,
/// negative for a body too short to hold the PID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelKeyError {
    /// Protocol 3.0 keys are exactly 4 bytes.
    NotFourBytes(i64),
    TooShort(i64),
    TooLong(i64),
}

/// Checks the length of a cancel key received on a connection speaking
/// `version`.
pub fn check_cancel_key_len(len: i64, version: u32) -> Result<(), CancelKeyError> {
    if len != 4 && version == 3 << 16 {
        Err(CancelKeyError::NotFourBytes(len))
    } else if len < 4 {
        Err(CancelKeyError::TooShort(len))
    } else if len > crate::cancel::MAX_CANCEL_KEY_LEN as i64 {
        Err(CancelKeyError::TooLong(len))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiate_protocol_version_as_libpq() {
        use NegotiationError::*;
        const V30: u32 = 3 << 16;
        const V32: u32 = V30 | 2;
        let body = |version: u32, count: i32, names: &[&str]| {
            let mut b = version.to_be_bytes().to_vec();
            b.extend_from_slice(&count.to_be_bytes());
            for n in names {
                b.extend_from_slice(n.as_bytes());
                b.push(0);
            }
            b
        };
        let nego = |b: &[u8], requested, min| negotiate_protocol_version(b, requested, min);
        // The downgrade PostgreSQL before 18 answers a 3.2 request with.
        assert_eq!(nego(&body(V30, 0, &[]), V32, V30), Ok((V30, 8)));
        // Bytes the length promised beyond what was read are not skipped.
        let mut long = body(V30, 0, &[]);
        long.extend_from_slice(b"xx");
        assert_eq!(nego(&long, V32, V30), Ok((V30, 8)));
        assert_eq!(
            nego(&body(V30, 0, &[]), V32, V32),
            Err(BelowMinimum {
                server: V30,
                min: V32
            })
        );
        assert_eq!(nego(&body(V32 + 1, 0, &[]), V32, V30), Err(HigherVersion));
        assert_eq!(nego(&body(V32, 0, &[]), V30, V30), Err(HigherVersion));
        // A negative version is a huge one for libpq's unsigned comparison.
        assert_eq!(nego(&body(u32::MAX, 0, &[]), V32, V30), Err(HigherVersion));
        assert_eq!(nego(&body(2 << 16, -1, &[]), V32, V30), Err(Pre30));
        assert_eq!(nego(&body(V30 | 1, -1, &[]), V32, V30), Err(Nonexistent31));
        assert_eq!(nego(&body(V30, -1, &[]), V32, V32), Err(NegativeCount));
        assert_eq!(nego(&body(V30, 0, &[]), V30, V30), Err(NoChanges));
        assert_eq!(nego(&body(V32, 0, &[]), V32, V30), Err(NoChanges));
        assert_eq!(
            nego(&body(V32, 1, &["_pq_.x"]), V32, V30),
            Err(NotRequested(b"_pq_.x".to_vec()))
        );
        assert_eq!(
            nego(&body(V30, 2, &["foo", "_pq_.b"]), V32, V30),
            Err(NoPrefix(b"foo".to_vec()))
        );
        assert_eq!(nego(&body(V30, 1, &[]), V32, V30), Err(TooShort));
        assert_eq!(nego(&V30.to_be_bytes(), V32, V30), Err(TooShort));
        assert_eq!(nego(b"", V32, V30), Err(TooShort));
        assert_eq!(
            nego(&[&body(V30, 1, &[])[..], b"_pq_.x"].concat(), V32, V30),
            Err(TooShort)
        );
    }

    #[test]
    fn cancel_key_lengths() {
        use CancelKeyError::*;
        const V30: u32 = 3 << 16;
        const V32: u32 = V30 | 2;
        assert_eq!(check_cancel_key_len(4, V30), Ok(()));
        assert_eq!(check_cancel_key_len(8, V30), Err(NotFourBytes(8)));
        assert_eq!(check_cancel_key_len(-2, V30), Err(NotFourBytes(-2)));
        for ok in [4, 32, 256] {
            assert_eq!(check_cancel_key_len(ok, V32), Ok(()));
        }
        assert_eq!(check_cancel_key_len(3, V32), Err(TooShort(3)));
        assert_eq!(check_cancel_key_len(-4, V32), Err(TooShort(-4)));
        assert_eq!(check_cancel_key_len(257, V32), Err(TooLong(257)));
    }

    #[test]
    fn frames() {
        assert_eq!(frame(b"Z\0\0"), Frame::Incomplete(5));
        assert_eq!(frame(b"Z\0\0\0\x05"), Frame::Incomplete(6));
        assert_eq!(frame(b"Z\0\0\0\x05I"), Frame::Message { tag: b'Z', len: 1 });
        assert_eq!(frame(b"Z\0\0\0\x03I"), Frame::Invalid { tag: b'Z' });
        assert_eq!(frame(b"Z\x7f\0\0\0"), Frame::Invalid { tag: b'Z' });
        assert_eq!(frame(b"D\x01\0\0\0"), Frame::Incomplete(0x0100_0001));
    }

    #[test]
    fn hostile_row_description_is_refused() {
        assert!(row_description(b"\x7f\xff").is_none());
        assert!(row_description(b"\xff\xff").is_none());
        assert!(row_description(b"\0\x01a\0").is_none());
        let ok = b"\0\x01a\0\0\0\0\x01\0\x02\0\0\0\x17\0\x04\xff\xff\xff\xff\0\0";
        let f: Vec<_> = row_description(ok).unwrap().fields().collect();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].name, b"a");
        assert_eq!(f[0].type_oid, 23);
        assert_eq!(f[0].type_mod, -1);
    }

    #[test]
    fn error_fields_need_terminator() {
        assert_eq!(
            error_fields(b"SERROR\0Mboom\0\0").unwrap(),
            vec![(b'S', &b"ERROR"[..]), (b'M', &b"boom"[..])]
        );
        assert!(error_fields(b"SERROR\0Mboom").is_none());
    }
}
