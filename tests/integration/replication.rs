//! COPY BOTH on replication connections against the real server (its
//! harness sets wal_level = logical and allows replication for the trust
//! superuser): logical decoding with replication=database, physical
//! streaming with replication=true, standby status updates sent with
//! PQputCopyData, and the end of streaming with PQputCopyEnd.

use std::ffi::c_char;
use std::time::{Duration, Instant};

use crate::support::{server, TRUST_USER};
use crate::util::*;
use pq::ffi::*;

use ExecStatusType::*;

/// A standby status update ('r'): written, flushed and applied positions,
/// the client's clock, and no reply requested.
fn standby_status(lsn: u64) -> Vec<u8> {
    let mut m = vec![b'r'];
    for _ in 0..3 {
        m.extend_from_slice(&lsn.to_be_bytes());
    }
    m.extend_from_slice(&0i64.to_be_bytes());
    m.push(0);
    m
}

/// Reads CopyData messages until `want` says one is the one, answering
/// keepalives; panics after 20 s.
fn read_until(c: &Conn, mut want: impl FnMut(&[u8]) -> bool) -> Vec<u8> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        assert!(Instant::now() < deadline, "nothing wanted arrived");
        let mut buf: *mut c_char = std::ptr::null_mut();
        // SAFETY: live connection; buf receives a malloc'd block or NULL.
        let n = unsafe { PQgetCopyData(c.0, &mut buf, 0) };
        assert!(n > 0, "PQgetCopyData: {n}: {}", c.error());
        // SAFETY: n bytes at buf, freed with PQfreemem below.
        let msg = unsafe { std::slice::from_raw_parts(buf as *const u8, n as usize) }.to_vec();
        // SAFETY: the block PQgetCopyData allocated.
        unsafe { PQfreemem(buf.cast()) };
        match msg[0] {
            // Primary keepalive: WAL end at 1..9; answer when asked (byte 17).
            b'k' if msg.len() >= 18 && msg[17] == 1 => {
                let end = u64::from_be_bytes(msg[1..9].try_into().unwrap());
                put(c, &standby_status(end));
            }
            b'w' if want(&msg) => return msg,
            _ => {}
        }
    }
}

fn put(c: &Conn, data: &[u8]) {
    // SAFETY: live connection, data.len() bytes.
    let rc = unsafe { PQputCopyData(c.0, data.as_ptr().cast(), data.len() as i32) };
    assert_eq!(rc, 1, "{}", c.error());
    // SAFETY: live connection.
    assert_eq!(unsafe { PQflush(c.0) }, 0);
}

/// Ends streaming: CopyDone from us, the server's CopyDone (-1 from
/// PQgetCopyData), then the command's result and NULL.
fn end_streaming(c: &Conn) {
    // SAFETY: live connection in COPY BOTH.
    assert_eq!(unsafe { PQputCopyEnd(c.0, std::ptr::null()) }, 1);
    loop {
        let mut buf: *mut c_char = std::ptr::null_mut();
        // SAFETY: as in read_until.
        let n = unsafe { PQgetCopyData(c.0, &mut buf, 0) };
        if n > 0 {
            // SAFETY: the block PQgetCopyData allocated.
            unsafe { PQfreemem(buf.cast()) };
            continue;
        }
        assert_eq!(n, -1, "{}", c.error());
        break;
    }
    // SAFETY: live connection.
    let mut statuses = Vec::new();
    loop {
        // SAFETY: live connection.
        let r = unsafe { PQgetResult(c.0) };
        if r.is_null() {
            break;
        }
        statuses.push(Res(r).status());
    }
    assert!(
        statuses
            .iter()
            .all(|s| matches!(s, PGRES_COMMAND_OK | PGRES_TUPLES_OK))
            && !statuses.is_empty(),
        "{statuses:?}: {}",
        c.error()
    );
}

#[test]
fn logical_decoding_over_copy_both() {
    let s = server();
    let c = Conn::ok(&s.unix(TRUST_USER, "replication=database"));
    let r = c.exec("IDENTIFY_SYSTEM");
    assert_eq!(
        (r.status(), r.nfields()),
        (PGRES_TUPLES_OK, 4),
        "{}",
        r.error()
    );
    assert_eq!(r.value(0, 3).as_deref(), Some("postgres"));
    let slot = format!("libpqrs_slot_{}", std::process::id());
    let r = c.exec(&format!(
        "CREATE_REPLICATION_SLOT {slot} TEMPORARY LOGICAL test_decoding"
    ));
    assert_eq!(r.status(), PGRES_TUPLES_OK, "{}", r.error());
    let table = format!("libpqrs_repl_{}", std::process::id());
    let other = Conn::ok(&s.unix(TRUST_USER, ""));
    other.exec(&format!("create table {table}(v text)"));
    other.exec(&format!(
        "insert into {table} values ('hello from libpq-rs')"
    ));

    let r = c.exec(&format!("START_REPLICATION SLOT {slot} LOGICAL 0/0"));
    assert_eq!(r.status(), PGRES_COPY_BOTH, "{}", r.error());
    // XLogData: 'w', start, end, clock (25 bytes), then the decoded change.
    let msg = read_until(&c, |m| {
        String::from_utf8_lossy(&m[25..]).contains("hello from libpq-rs")
    });
    let text = String::from_utf8_lossy(&msg[25..]).into_owned();
    assert!(
        text.starts_with(&format!("table public.{table}: INSERT:")),
        "{text}"
    );
    let start = u64::from_be_bytes(msg[1..9].try_into().unwrap());
    put(&c, &standby_status(start));
    end_streaming(&c);
    // The session goes on after streaming.
    assert_eq!(c.exec("IDENTIFY_SYSTEM").status(), PGRES_TUPLES_OK);
    other.exec(&format!("drop table {table}"));
}

#[test]
fn physical_streaming_over_copy_both() {
    let s = server();
    let c = Conn::ok(&s.unix(TRUST_USER, "replication=true"));
    let r = c.exec("IDENTIFY_SYSTEM");
    assert_eq!(r.status(), PGRES_TUPLES_OK, "{}", r.error());
    let xlogpos = r.value(0, 2).expect("xlogpos");
    // No database for a physical replication connection.
    // SAFETY: live result.
    assert_eq!(unsafe { PQgetisnull(r.0, 0, 3) }, 1);
    let r = c.exec(&format!("START_REPLICATION PHYSICAL {xlogpos}"));
    assert_eq!(r.status(), PGRES_COPY_BOTH, "{}", r.error());
    // Make some WAL, then see it arrive.
    Conn::ok(&s.unix(TRUST_USER, "")).exec("select pg_switch_wal()");
    let msg = read_until(&c, |_| true);
    assert!(msg.len() > 25);
    end_streaming(&c);
}
