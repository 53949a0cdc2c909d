//! Frontend (client to server) messages, appended to an output buffer so that
//! several messages leave in one `write`.

use bytes::{BufMut, BytesMut};

/// Appends a message: type byte, then a length word patched once the body is written.
fn message(out: &mut BytesMut, tag: u8, body: impl FnOnce(&mut BytesMut)) {
    out.put_u8(tag);
    framed(out, body);
}

/// Writes a length word covering itself and what `body` appends.
fn framed(out: &mut BytesMut, body: impl FnOnce(&mut BytesMut)) {
    let at = out.len();
    out.put_i32(0);
    body(out);
    let len = (out.len() - at) as i32;
    out[at..at + 4].copy_from_slice(&len.to_be_bytes());
}

/// The type byte and length word of a message whose body is `body_len` bytes.
fn header(tag: u8, body_len: usize) -> [u8; 5] {
    let [a, b, c, d] = ((body_len + 4) as i32).to_be_bytes();
    [tag, a, b, c, d]
}

/// A message of a type byte and a body of `parts` then a NUL, in few
/// writes (the per-query messages: each write to the buffer checks its
/// room, more than the copying costs for these short messages).
fn cstr_message(out: &mut BytesMut, tag: u8, prefix: &[u8], text: &[u8]) {
    let body_len = prefix.len() + text.len() + 1;
    out.reserve(5 + body_len);
    out.put_slice(&header(tag, body_len));
    out.put_slice(prefix);
    out.put_slice(text);
    out.put_u8(0);
}

fn put_cstr(out: &mut BytesMut, s: &[u8]) {
    out.put_slice(s);
    out.put_u8(0);
}

/// StartupMessage: protocol version and `name\0value\0` pairs, ended by a NUL.
pub fn startup(out: &mut BytesMut, version: i32, params: &[(&str, &str)]) {
    framed(out, |b| {
        b.put_i32(version);
        for (k, v) in params {
            put_cstr(b, k.as_bytes());
            put_cstr(b, v.as_bytes());
        }
        b.put_u8(0);
    });
}

/// PasswordMessage (cleartext or MD5 response).
pub fn password(out: &mut BytesMut, pw: &[u8]) {
    message(out, b'p', |b| put_cstr(b, pw));
}

/// SASLInitialResponse: mechanism name and the client-first-message.
pub fn sasl_initial_response(out: &mut BytesMut, mechanism: &str, data: &[u8]) {
    message(out, b'p', |b| {
        put_cstr(b, mechanism.as_bytes());
        b.put_i32(data.len() as i32);
        b.put_slice(data);
    });
}

/// SASLResponse: a continuation of the exchange.
pub fn sasl_response(out: &mut BytesMut, data: &[u8]) {
    message(out, b'p', |b| b.put_slice(data));
}

/// Query: a simple-protocol query string.
pub fn query(out: &mut BytesMut, sql: &[u8]) {
    cstr_message(out, b'Q', b"", sql);
}

/// Terminate.
pub fn terminate(out: &mut BytesMut) {
    out.put_slice(&header(b'X', 0));
}

/// CopyDone: the end of COPY FROM STDIN data.
pub fn copy_done(out: &mut BytesMut) {
    message(out, b'c', |_| {});
}

/// CopyFail: abort COPY FROM STDIN with a reason.
pub fn copy_fail(out: &mut BytesMut, reason: &[u8]) {
    message(out, b'f', |b| put_cstr(b, reason));
}

/// CopyData: a chunk of COPY FROM STDIN data.
pub fn copy_data(out: &mut BytesMut, data: &[u8]) {
    message(out, b'd', |b| b.put_slice(data));
}

/// Parse: a statement name, its text and parameter type OIDs.
pub fn parse(out: &mut BytesMut, name: &[u8], query: &[u8], param_types: &[u32]) {
    message(out, b'P', |b| {
        put_cstr(b, name);
        put_cstr(b, query);
        b.put_i16(param_types.len() as i16);
        for t in param_types {
            b.put_u32(*t);
        }
    });
}

/// Describe: `S` for a prepared statement, `P` for a portal.
pub fn describe(out: &mut BytesMut, kind: u8, name: &[u8]) {
    cstr_message(out, b'D', &[kind], name);
}

/// One parameter value of a Bind: SQL NULL or its bytes.
pub type BindValue<'a> = Option<&'a [u8]>;

/// Bind of the unnamed portal to statement `statement`. `formats` is sent as
/// given (empty: every parameter in text); one result format for all columns.
pub fn bind<'v>(
    out: &mut BytesMut,
    statement: &[u8],
    formats: &[i16],
    values: impl ExactSizeIterator<Item = BindValue<'v>>,
    result_format: i16,
) {
    message(out, b'B', |b| {
        put_cstr(b, b"");
        put_cstr(b, statement);
        b.put_i16(formats.len() as i16);
        for f in formats {
            b.put_i16(*f);
        }
        b.put_i16(values.len() as i16);
        for v in values {
            match v {
                Some(bytes) => {
                    b.put_i32(bytes.len() as i32);
                    b.put_slice(bytes);
                }
                None => b.put_i32(-1),
            }
        }
        b.put_i16(1);
        b.put_i16(result_format);
    });
}

/// The exact length of the Bind message [`bind`] would write.
pub fn bind_len<'v>(
    statement: &[u8],
    formats: usize,
    values: impl Iterator<Item = BindValue<'v>>,
) -> usize {
    let values_len: usize = values.map(|v| 4 + v.map_or(0, <[u8]>::len)).sum();
    1 + 4 + 1 + statement.len() + 1 + 2 + 2 * formats + 2 + values_len + 2 + 2
}

/// Execute of the unnamed portal, all rows (`max_rows` 0) or at most `max_rows`.
pub fn execute(out: &mut BytesMut, max_rows: i32) {
    // The unnamed portal (an empty name) and the row limit.
    let [a, b, c, d] = max_rows.to_be_bytes();
    let [h0, h1, h2, h3, h4] = header(b'E', 5);
    out.put_slice(&[h0, h1, h2, h3, h4, 0, a, b, c, d]);
}

/// Close of a prepared statement (`kind` b'S') or portal (b'P').
pub fn close(out: &mut BytesMut, kind: u8, name: &[u8]) {
    message(out, b'C', |b| {
        b.put_u8(kind);
        put_cstr(b, name);
    });
}

/// SSLRequest: a length word and the code 80877103, no type byte.
pub fn ssl_request(out: &mut BytesMut) {
    out.put_i32(8);
    out.put_i32(80877103);
}

/// Flush: the server sends what it has buffered.
pub fn flush(out: &mut BytesMut) {
    out.put_slice(&header(b'H', 0));
}

/// Sync.
pub fn sync(out: &mut BytesMut) {
    out.put_slice(&header(b'S', 0));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_is_framed() {
        let mut b = BytesMut::new();
        query(&mut b, b"select 1");
        assert_eq!(&b[..], b"Q\0\0\0\x0dselect 1\0");
    }

    #[test]
    fn short_messages_are_framed() {
        let mut b = BytesMut::new();
        describe(&mut b, b'P', b"");
        describe(&mut b, b'S', b"st");
        execute(&mut b, 0);
        execute(&mut b, 0x01020304);
        sync(&mut b);
        flush(&mut b);
        terminate(&mut b);
        assert_eq!(
            &b[..],
            &b"D\0\0\0\x06P\0D\0\0\0\x08Sst\0E\0\0\0\x09\0\0\0\0\0E\0\0\0\x09\0\x01\x02\x03\x04\
               S\0\0\0\x04H\0\0\0\x04X\0\0\0\x04"[..]
        );
    }

    #[test]
    fn startup_is_framed() {
        let mut b = BytesMut::new();
        startup(&mut b, crate::protocol::PROTOCOL_3_0, &[("user", "u")]);
        assert_eq!(&b[..], b"\0\0\0\x10\0\x03\0\0user\0u\0\0");
    }

    #[test]
    fn bind_matches_its_length() {
        let mut b = BytesMut::new();
        let values = [Some(&b"42"[..]), None, Some(&b""[..])];
        bind(&mut b, b"st", &[0, 1, 0], values.iter().copied(), 1);
        assert_eq!(b.len(), bind_len(b"st", 3, values.iter().copied()));
        assert_eq!(
            &b[..],
            b"B\0\0\0\x24\0st\0\0\x03\0\0\0\x01\0\0\0\x03\0\0\0\x0242\xff\xff\xff\xff\0\0\0\0\0\x01\0\x01"
        );
    }

    #[test]
    fn sasl_initial_response_has_length_word() {
        let mut b = BytesMut::new();
        sasl_initial_response(&mut b, "M", b"xy");
        assert_eq!(&b[..], b"p\0\0\0\x0cM\0\0\0\0\x02xy");
    }
}
