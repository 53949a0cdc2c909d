//! What the fake-server tests share: a listener that runs one `serve`
//! function per connection, the protocol framing they speak, and running a
//! differential program's fake-server section on libpq 18 and on ours.

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::Path;

use super::{compile_c, lib_dir, oracle, profile_dir, run_with_lib, valgrind_with, Header};

/// Starts a fake server on a free loopback port, each connection handled
/// by `serve` on a thread of its own (with the connection's number on this
/// port, from 0); returns the port.
pub fn spawn_counted(
    serve: impl Fn(TcpStream, usize) -> std::io::Result<()> + Send + Sync + 'static,
) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the fake server");
    let port = listener.local_addr().unwrap().port();
    let serve = std::sync::Arc::new(serve);
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().flatten().enumerate() {
            let serve = serve.clone();
            std::thread::spawn(move || {
                let _ = serve(stream, n);
            });
        }
    });
    port
}

/// [`spawn_counted`] for a server that treats every connection alike.
pub fn spawn(serve: fn(TcpStream) -> std::io::Result<()>) -> u16 {
    spawn_counted(move |s, _| serve(s))
}

/// A backend message: type byte, length word, body.
pub fn message(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut m = vec![tag];
    m.extend_from_slice(&(body.len() as i32 + 4).to_be_bytes());
    m.extend_from_slice(body);
    m
}

pub fn read_i32(s: &mut TcpStream) -> std::io::Result<i32> {
    let mut b = [0u8; 4];
    s.read_exact(&mut b)?;
    Ok(i32::from_be_bytes(b))
}

/// Runs section `section` of the differential program `source` against the
/// fake server on `port`, on the library in `lib`; panics unless it ran to
/// its end.
pub fn run_section(source: &str, section: &str, port: u16, lib: &Path) -> String {
    let port = port.to_string();
    run_section_env(source, section, &[("DIFF_FAKE_PORT", &port)], lib)
}

/// [`run_section`] with the program's environment given whole.
pub fn run_section_env(source: &str, section: &str, env: &[(&str, &str)], lib: &Path) -> String {
    let exe = compile_c(Path::new(source), Header::System);
    let out = run_with_lib(&exe, Some(lib), &[section], env);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success() && text.contains("======== end"),
        "section {section} on {} did not complete ({}):\n{text}\n{}",
        lib.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// Compares `ours` (the section's output on our library) with libpq 18's;
/// both are kept in the differential output directory.
pub fn assert_same_as_libpq18(source: &str, section: &str, port: u16, ours: &str) {
    let Some(oracle_dir) = oracle::libpq18_dir() else {
        return;
    };
    let want = run_section(source, section, port, &oracle_dir);
    let dir = profile_dir().join("libpqrs-differential");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{section}.libpq18.txt")), &want).unwrap();
    std::fs::write(dir.join(format!("{section}.ours.txt")), ours).unwrap();
    assert!(
        want == ours,
        "section {section} differs between libpq 18 and ours; outputs in {} \
         (diff -u {section}.libpq18.txt {section}.ours.txt)",
        dir.display()
    );
}

/// The section under valgrind on our library: no memory error, no leak.
pub fn assert_clean_under_valgrind(source: &str, section: &str, port: u16) {
    let exe = compile_c(Path::new(source), Header::System);
    let port = port.to_string();
    let out = valgrind_with(
        &exe,
        Some(&lib_dir()),
        &[section],
        &[("DIFF_FAKE_PORT", &port)],
    );
    assert!(
        out.status.success(),
        "section {section} under valgrind: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A startup-phase packet (length word, then a code word: a protocol
/// version or an SSLRequest/GSSENCRequest code) and the rest of it.
pub fn read_packet<R: Read + ?Sized>(s: &mut R) -> std::io::Result<(i32, Vec<u8>)> {
    let mut b = [0u8; 4];
    s.read_exact(&mut b)?;
    let len = i32::from_be_bytes(b);
    if !(8..=10_000).contains(&len) {
        return Err(std::io::ErrorKind::InvalidData.into());
    }
    s.read_exact(&mut b)?;
    let code = i32::from_be_bytes(b);
    let mut rest = vec![0u8; len as usize - 8];
    s.read_exact(&mut rest)?;
    Ok((code, rest))
}

/// One whole message from the client (type byte, length, body); None when
/// it hung up instead.
pub fn read_message<R: Read + ?Sized>(s: &mut R) -> std::io::Result<Option<Vec<u8>>> {
    let mut head = [0u8; 5];
    match s.read_exact(&mut head) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let len = i32::from_be_bytes(head[1..5].try_into().unwrap());
    if !(4..=10_000).contains(&len) {
        return Err(std::io::ErrorKind::InvalidData.into());
    }
    let mut body = vec![0u8; len as usize - 4];
    s.read_exact(&mut body)?;
    Ok(Some([&head[..], &body].concat()))
}

/// An AuthenticationRequest: its code and what follows it.
pub fn auth(code: i32, extra: &[u8]) -> Vec<u8> {
    let mut body = code.to_be_bytes().to_vec();
    body.extend_from_slice(extra);
    message(b'R', &body)
}

/// A ParameterStatus message.
pub fn parameter(name: &str, value: &str) -> Vec<u8> {
    message(b'S', format!("{name}\0{value}\0").as_bytes())
}

/// A FATAL ErrorResponse with `sqlstate` and `text`.
pub fn fatal(sqlstate: &str, text: &str) -> Vec<u8> {
    message(
        b'E',
        format!("SFATAL\0VFATAL\0C{sqlstate}\0M{text}\0\0").as_bytes(),
    )
}

/// The startup packet (protocol version, name/value pairs), after answering
/// 'N' to any SSLRequest or GSSENCRequest before it.
pub fn startup_refusing_encryption(s: &mut TcpStream) -> std::io::Result<(i32, Vec<u8>)> {
    loop {
        let (code, rest) = read_packet(s)?;
        if code == 80877103 || code == 80877104 {
            std::io::Write::write_all(s, b"N")?;
            continue;
        }
        return Ok((code, rest));
    }
}
