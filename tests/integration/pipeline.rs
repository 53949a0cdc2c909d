//! The asynchronous engine at sizes where mistakes show: a pipeline of
//! 100,000 statements whose results fill the socket while the client is
//! still writing (driven by poll(2), PQflush and PQconsumeInput in
//! non-blocking mode, and through the ordinary blocking calls, where our
//! send path must read while the socket is full); COPY of about 300 MB each
//! way, every row checked; COPY IN the server rejects; notifications during
//! and between queries.

use std::ffi::{c_char, c_int, CStr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::support::{server, TRUST_USER};
use crate::util::*;
use pq::ffi::*;

use ExecStatusType::*;

/// Statements in each big pipeline.
const STATEMENTS: usize = 100_000;
/// Bytes of text in each of their results.
const RESULT_WIDTH: i32 = 1000;

fn conn() -> Conn {
    Conn::ok(&server().unix(TRUST_USER, ""))
}

/// Aborts the test binary when a test runs past `limit`: a deadlock in the
/// engine would otherwise hang the run forever.
struct Watchdog(Arc<AtomicBool>);

impl Watchdog {
    fn new(what: &'static str, limit: Duration) -> Watchdog {
        let done = Arc::new(AtomicBool::new(false));
        let flag = done.clone();
        std::thread::spawn(move || {
            let end = Instant::now() + limit;
            while Instant::now() < end {
                if flag.load(Ordering::SeqCst) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            eprintln!("{what}: no progress within {limit:?} (deadlock?); aborting");
            std::process::abort();
        });
        Watchdog(done)
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// poll(2) on one descriptor: (readable, writable); errors count as readable
/// so the caller's next read reports them.
fn poll_fd(fd: c_int, write: bool, timeout_ms: c_int) -> (bool, bool) {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN | if write { libc::POLLOUT } else { 0 },
        revents: 0,
    };
    // SAFETY: one valid pollfd for the duration of the call.
    let n = unsafe { libc::poll(&mut p, 1, timeout_ms) };
    assert!(n >= 0, "poll: {}", std::io::Error::last_os_error());
    let bad = p.revents & (libc::POLLERR | libc::POLLHUP) != 0;
    (
        p.revents & libc::POLLIN != 0 || bad,
        p.revents & libc::POLLOUT != 0,
    )
}

/// Prepares the statement the pipelines run: its number back, and a wide value.
fn prepare_wide(c: &Conn) {
    let r = c.exec(&format!(
        "prepare wide(int) as select $1, repeat('x', {RESULT_WIDTH})"
    ));
    assert_eq!(r.status(), PGRES_COMMAND_OK, "{}", r.error());
}

/// Queues statement `i` of the pipeline.
fn send_wide(c: &Conn, i: usize) {
    let name = cs("wide");
    let v = cs(&i.to_string());
    let vals = [v.as_ptr()];
    // SAFETY: live connection, valid strings and one parameter.
    let ok = unsafe {
        PQsendQueryPrepared(
            c.0,
            name.as_ptr(),
            1,
            vals.as_ptr(),
            std::ptr::null(),
            std::ptr::null(),
            0,
        )
    };
    assert_eq!(ok, 1, "statement {i}: {}", c.error());
}

/// Checks the result of statement `i`.
fn check_wide(r: &Res, i: usize) {
    assert_eq!(r.status(), PGRES_TUPLES_OK, "statement {i}: {}", r.error());
    assert_eq!(r.ntuples(), 1, "statement {i}");
    assert_eq!(r.value(0, 0), Some(i.to_string()), "statement {i}");
    // SAFETY: live result with one row of two columns.
    assert_eq!(
        unsafe { PQgetlength(r.0, 0, 1) },
        RESULT_WIDTH,
        "statement {i}"
    );
}

#[test]
fn pipeline_100k_nonblocking_poll_loop() {
    let c = conn();
    prepare_wide(&c);
    let _w = Watchdog::new("non-blocking pipeline", Duration::from_secs(300));
    // SAFETY: live connection throughout; every result is cleared by Res.
    unsafe {
        assert_eq!(PQsetnonblocking(c.0, 1), 0);
        assert_eq!(PQisnonblocking(c.0), 1);
        assert_eq!(PQenterPipelineMode(c.0), 1);
        let fd = PQsocket(c.0);
        let (mut sent, mut next, mut synced, mut done) = (0usize, 0usize, false, false);
        let mut expect_null = false;
        let (mut partial_flushes, mut nulls) = (0usize, 0usize);
        while !done {
            // Queue more only while the socket takes everything.
            let mut pending = PQflush(c.0);
            assert!(pending >= 0, "PQflush: {}", c.error());
            if pending == 0 {
                if sent < STATEMENTS {
                    for _ in 0..200.min(STATEMENTS - sent) {
                        send_wide(&c, sent);
                        sent += 1;
                    }
                } else if !synced {
                    assert_eq!(PQpipelineSync(c.0), 1, "{}", c.error());
                    synced = true;
                }
                pending = PQflush(c.0);
                assert!(pending >= 0, "PQflush: {}", c.error());
            }
            if pending == 1 {
                partial_flushes += 1;
            }
            let more_to_send = pending == 1 || sent < STATEMENTS || !synced;
            let (readable, _) = poll_fd(fd, pending == 1, if more_to_send { 0 } else { 1000 });
            if readable {
                assert_eq!(PQconsumeInput(c.0), 1, "PQconsumeInput: {}", c.error());
            }
            // Collect what is complete, never blocking.
            while PQisBusy(c.0) == 0 {
                if expect_null {
                    assert!(
                        PQgetResult(c.0).is_null(),
                        "NULL after statement {}",
                        next - 1
                    );
                    expect_null = false;
                    nulls += 1;
                    continue;
                }
                if next == sent && !synced {
                    break; // nothing outstanding yet
                }
                let r = Res(PQgetResult(c.0));
                assert!(!r.0.is_null(), "result {next} of {sent}: {}", c.error());
                if next < STATEMENTS {
                    check_wide(&r, next);
                    next += 1;
                    expect_null = true;
                } else {
                    assert_eq!(r.status(), PGRES_PIPELINE_SYNC, "{}", r.error());
                    done = true;
                    break;
                }
            }
        }
        assert_eq!((next, nulls), (STATEMENTS, STATEMENTS));
        assert!(PQgetResult(c.0).is_null());
        assert_eq!(PQpipelineStatus(c.0), PGpipelineStatus::PQ_PIPELINE_ON);
        assert_eq!(PQexitPipelineMode(c.0), 1, "{}", c.error());
        assert_eq!(PQsetnonblocking(c.0, 0), 0);
        eprintln!("non-blocking pipeline: PQflush left data queued {partial_flushes} times");
    }
    let r = c.exec("select 'usable'");
    assert_eq!(r.value(0, 0).as_deref(), Some("usable"));
}

#[test]
fn pipeline_100k_blocking_calls() {
    let c = conn();
    prepare_wide(&c);
    let _w = Watchdog::new("blocking pipeline", Duration::from_secs(300));
    // SAFETY: live connection throughout; every result is cleared by Res.
    unsafe {
        assert_eq!(PQenterPipelineMode(c.0), 1);
        // All of it is written before anything is collected: the server
        // stops reading once its results fill the socket, so the library
        // must read them while it waits to write.
        for i in 0..STATEMENTS {
            send_wide(&c, i);
        }
        assert_eq!(PQpipelineSync(c.0), 1, "{}", c.error());
        for i in 0..STATEMENTS {
            let r = Res(PQgetResult(c.0));
            assert!(!r.0.is_null(), "result {i}: {}", c.error());
            check_wide(&r, i);
            assert!(PQgetResult(c.0).is_null(), "NULL after statement {i}");
        }
        let r = Res(PQgetResult(c.0));
        assert_eq!(r.status(), PGRES_PIPELINE_SYNC, "{}", r.error());
        assert!(PQgetResult(c.0).is_null());
        assert_eq!(PQexitPipelineMode(c.0), 1, "{}", c.error());
    }
    let r = c.exec("select 'usable'");
    assert_eq!(r.value(0, 0).as_deref(), Some("usable"));
}

/// Rows of the bulk COPY: `<id>\t<payload>\n`, the payload one of a pool of
/// pseudo-random texts chosen by the id, so every row read back can be
/// checked on its own.
struct Bulk {
    pool: Vec<Vec<u8>>,
}

impl Bulk {
    fn new() -> Bulk {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut rand = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789 ,.-";
        let pool = (0..1024)
            .map(|_| {
                let len = 900 + (rand() % 200) as usize;
                (0..len)
                    .map(|_| alphabet[(rand() % alphabet.len() as u64) as usize])
                    .collect()
            })
            .collect();
        Bulk { pool }
    }

    fn row(&self, id: usize, out: &mut Vec<u8>) {
        out.extend_from_slice(id.to_string().as_bytes());
        out.push(b'\t');
        out.extend_from_slice(&self.pool[id % self.pool.len()]);
        out.push(b'\n');
    }
}

/// A hash of one row, eight bytes at a time (debug builds hash 300 MB too).
fn row_hash(row: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ row.len() as u64;
    let mut words = row.chunks_exact(8);
    for w in &mut words {
        let v = u64::from_le_bytes(w.try_into().unwrap());
        h = (h ^ v).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(23);
    }
    for &b in words.remainder() {
        h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Row count, bytes and an order-independent sum of row hashes.
#[derive(Debug, Default, PartialEq, Eq)]
struct Tally {
    rows: usize,
    bytes: usize,
    hash_sum: u64,
    id_sum: u64,
}

impl Tally {
    fn add(&mut self, row: &[u8], id: usize) {
        self.rows += 1;
        self.bytes += row.len();
        self.hash_sum = self.hash_sum.wrapping_add(row_hash(row));
        self.id_sum += id as u64;
    }
}

/// About 300 MB: 312,000 rows of ~1 KB. (On the 2-core test machine, in a
/// debug build, in and out take about 10 s together.)
const BULK_ROWS: usize = 312_000;

#[test]
fn copy_300mb_each_way_checked() {
    let c = conn();
    let bulk = Bulk::new();
    let r = c.exec("create temp table bulk(id int, payload text)");
    assert_eq!(r.status(), PGRES_COMMAND_OK, "{}", r.error());
    let _w = Watchdog::new("bulk COPY", Duration::from_secs(600));
    let started = Instant::now();

    // In, non-blocking: PQputCopyData queues, PQflush and poll(2) push it out.
    let mut sent = Tally::default();
    let r = c.exec("copy bulk from stdin");
    assert_eq!(r.status(), PGRES_COPY_IN, "{}", r.error());
    // SAFETY: live connection in COPY IN; buffers outlive the calls.
    unsafe {
        assert_eq!(PQsetnonblocking(c.0, 1), 0);
        let fd = PQsocket(c.0);
        let mut chunk = Vec::with_capacity(300_000);
        let mut row = Vec::with_capacity(2048);
        let push = |chunk: &mut Vec<u8>| {
            let rc = PQputCopyData(c.0, chunk.as_ptr() as *const c_char, chunk.len() as c_int);
            assert_eq!(rc, 1, "PQputCopyData: {}", c.error());
            chunk.clear();
            // Keep what is queued bounded: wait until the socket took it.
            loop {
                match PQflush(c.0) {
                    0 => break,
                    1 => {
                        let (readable, _) = poll_fd(fd, true, 1000);
                        if readable {
                            assert_eq!(PQconsumeInput(c.0), 1, "{}", c.error());
                        }
                    }
                    _ => panic!("PQflush: {}", c.error()),
                }
            }
        };
        for id in 0..BULK_ROWS {
            row.clear();
            bulk.row(id, &mut row);
            sent.add(&row, id);
            chunk.extend_from_slice(&row);
            if chunk.len() >= 256 * 1024 {
                push(&mut chunk);
            }
        }
        push(&mut chunk);
        assert_eq!(PQputCopyEnd(c.0, std::ptr::null()), 1, "{}", c.error());
        while PQflush(c.0) == 1 {
            poll_fd(fd, true, 1000);
        }
        assert_eq!(PQsetnonblocking(c.0, 0), 0);
        let r = Res(PQgetResult(c.0));
        assert_eq!(r.status(), PGRES_COMMAND_OK, "{}", r.error());
        assert_eq!(r.cmd_status(), Some(format!("COPY {BULK_ROWS}")));
        assert!(PQgetResult(c.0).is_null());
    }
    let copied_in = started.elapsed();
    let r = c.exec("select count(*), sum(length(payload) + length(id::text) + 2) from bulk");
    assert_eq!(r.value(0, 0), Some(BULK_ROWS.to_string()));
    assert_eq!(r.value(0, 1), Some(sent.bytes.to_string()));

    // Out, asynchronously: PQgetCopyData(async) between poll(2) and
    // PQconsumeInput; each row is checked against what was sent for its id.
    let mut got = Tally::default();
    let r = c.exec("copy bulk to stdout");
    assert_eq!(r.status(), PGRES_COPY_OUT, "{}", r.error());
    // SAFETY: live connection in COPY OUT; each row is freed with PQfreemem.
    unsafe {
        let fd = PQsocket(c.0);
        let mut expected = Vec::with_capacity(2048);
        loop {
            let mut buf: *mut c_char = std::ptr::null_mut();
            let n = PQgetCopyData(c.0, &mut buf, 1);
            if n == 0 {
                poll_fd(fd, false, 1000);
                assert_eq!(PQconsumeInput(c.0), 1, "{}", c.error());
                continue;
            }
            if n == -1 {
                break;
            }
            assert!(n > 0, "PQgetCopyData: {n} {}", c.error());
            let row = std::slice::from_raw_parts(buf as *const u8, n as usize);
            let tab = row.iter().position(|&b| b == b'\t').expect("a tab");
            let id: usize = std::str::from_utf8(&row[..tab]).unwrap().parse().unwrap();
            assert!(id < BULK_ROWS, "id {id}");
            expected.clear();
            bulk.row(id, &mut expected);
            assert!(row == &expected[..], "row {id} differs from what was sent");
            got.add(row, id);
            PQfreemem(buf.cast());
        }
        let r = Res(PQgetResult(c.0));
        assert_eq!(r.status(), PGRES_COMMAND_OK, "{}", r.error());
        assert_eq!(r.cmd_status(), Some(format!("COPY {BULK_ROWS}")));
        assert!(PQgetResult(c.0).is_null());
    }
    assert_eq!(got, sent, "what came back is not what went in");
    assert_eq!(sent.id_sum, (BULK_ROWS * (BULK_ROWS - 1) / 2) as u64);
    eprintln!(
        "COPY {} MB in: {copied_in:?}, in and out: {:?}",
        sent.bytes >> 20,
        started.elapsed()
    );
}

#[test]
fn copy_in_rejected_by_the_server_is_a_failure() {
    let c = conn();
    let r = c.exec("create temp table rej(a int)");
    assert_eq!(r.status(), PGRES_COMMAND_OK, "{}", r.error());
    // SAFETY: live connection; buffers outlive the calls.
    unsafe {
        // A bad row in the middle of 10 MB: the server fails at once, the
        // client keeps sending, and PQputCopyEnd's answer is the failure.
        let r = c.exec("copy rej from stdin");
        assert_eq!(r.status(), PGRES_COPY_IN, "{}", r.error());
        let good = "1\n".repeat(64 * 1024);
        for i in 0..80 {
            let data = if i == 40 { "not a number\n" } else { &good };
            let rc = PQputCopyData(c.0, data.as_ptr() as *const c_char, data.len() as c_int);
            assert_eq!(rc, 1, "chunk {i}: {}", c.error());
        }
        assert_eq!(PQputCopyEnd(c.0, std::ptr::null()), 1, "{}", c.error());
        let r = Res(PQgetResult(c.0));
        assert_eq!(r.status(), PGRES_FATAL_ERROR, "{}", r.error());
        assert_eq!(r.field(b'C').as_deref(), Some("22P02"));
        assert!(r.error().contains("invalid input syntax"), "{}", r.error());
        assert!(PQgetResult(c.0).is_null());

        // The same through the extended protocol (its Sync follows the end).
        let q = cs("copy rej from stdin");
        let r = Res(PQexecParams(
            c.0,
            q.as_ptr(),
            0,
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            0,
        ));
        assert_eq!(r.status(), PGRES_COPY_IN, "{}", r.error());
        let bad = "x\n";
        assert_eq!(PQputCopyData(c.0, bad.as_ptr() as *const c_char, 2), 1);
        assert_eq!(PQputCopyEnd(c.0, std::ptr::null()), 1, "{}", c.error());
        let r = Res(PQgetResult(c.0));
        assert_eq!(r.status(), PGRES_FATAL_ERROR, "{}", r.error());
        assert!(PQgetResult(c.0).is_null());

        // Ended by the client with a message: a failure too.
        let r = c.exec("copy rej from stdin");
        assert_eq!(r.status(), PGRES_COPY_IN, "{}", r.error());
        assert_eq!(PQputCopyData(c.0, good.as_ptr() as *const c_char, 4), 1);
        let why = cs("client changed its mind");
        assert_eq!(PQputCopyEnd(c.0, why.as_ptr()), 1, "{}", c.error());
        let r = Res(PQgetResult(c.0));
        assert_eq!(r.status(), PGRES_FATAL_ERROR, "{}", r.error());
        assert!(
            r.error().contains("client changed its mind"),
            "{}",
            r.error()
        );
        assert!(PQgetResult(c.0).is_null());

        // Never accepted: no COPY state at all.
        let r = c.exec("copy no_such_table from stdin");
        assert_eq!(r.status(), PGRES_FATAL_ERROR, "{}", r.error());
        assert_eq!(PQputCopyData(c.0, bad.as_ptr() as *const c_char, 2), -1);
        // Appended to the failed COPY's error, as libpq does.
        assert!(
            c.error().ends_with("\nno COPY in progress\n"),
            "{}",
            c.error()
        );
        assert_eq!(PQputCopyEnd(c.0, std::ptr::null()), -1);
        assert!(PQgetResult(c.0).is_null());
    }
    let r = c.exec("select count(*) from rej");
    assert_eq!(r.value(0, 0).as_deref(), Some("0"));
}

/// Takes every queued notification as (channel, payload, from this session),
/// checking that each is one block (the strings right after the struct, as
/// libpq lays it out) and freeing it with PQfreemem.
fn take_notifies(c: &Conn) -> Vec<(String, String, bool)> {
    let mut all = Vec::new();
    // SAFETY: live connection; each notification is read, then freed once.
    unsafe {
        let me = PQbackendPID(c.0);
        loop {
            let n = PQnotifies(c.0);
            if n.is_null() {
                return all;
            }
            let base = n as *mut u8;
            let relname = CStr::from_ptr((*n).relname);
            let extra = CStr::from_ptr((*n).extra);
            assert_eq!(
                (*n).relname as *mut u8,
                base.add(std::mem::size_of::<PGnotify>())
            );
            assert_eq!(
                (*n).extra as *mut u8,
                ((*n).relname as *mut u8).add(relname.to_bytes().len() + 1)
            );
            assert!((*n).next.is_null());
            all.push((
                relname.to_string_lossy().into_owned(),
                extra.to_string_lossy().into_owned(),
                (*n).be_pid == me,
            ));
            PQfreemem(n.cast());
        }
    }
}

#[test]
fn notifications_during_and_between_queries() {
    let c = conn();
    let other = conn();
    let r = c.exec("listen pipe_chan");
    assert_eq!(r.status(), PGRES_COMMAND_OK, "{}", r.error());
    let s = |x: &str| x.to_string();
    // SAFETY: live connections; results are cleared by Res.
    unsafe {
        // During a query: to itself, arriving with the query's results.
        let q = cs("notify pipe_chan, 'during'; select pg_sleep(0.1); notify pipe_chan");
        assert_eq!(PQsendQuery(c.0, q.as_ptr()), 1);
        let mut results = 0;
        loop {
            let r = Res(PQgetResult(c.0));
            if r.0.is_null() {
                break;
            }
            results += 1;
        }
        assert_eq!(results, 3);
        assert_eq!(
            take_notifies(&c),
            vec![
                (s("pipe_chan"), s("during"), true),
                (s("pipe_chan"), s(""), true)
            ]
        );

        // From another session while this one runs a query: delivered when
        // this one is idle again, read with PQconsumeInput.
        let q = cs("select pg_sleep(0.3)");
        assert_eq!(PQsendQuery(c.0, q.as_ptr()), 1);
        std::thread::sleep(Duration::from_millis(50));
        let r = other.exec("notify pipe_chan, 'while busy'");
        assert_eq!(r.status(), PGRES_COMMAND_OK, "{}", r.error());
        loop {
            let r = Res(PQgetResult(c.0));
            if r.0.is_null() {
                break;
            }
            assert_eq!(r.status(), PGRES_TUPLES_OK, "{}", r.error());
        }

        // Between queries: from another session, with a long payload.
        let long = "p".repeat(7000);
        let r = other.exec(&format!("notify pipe_chan, '{long}'"));
        assert_eq!(r.status(), PGRES_COMMAND_OK, "{}", r.error());
        let fd = PQsocket(c.0);
        let mut got = take_notifies(&c);
        let deadline = Instant::now() + Duration::from_secs(10);
        while got.len() < 2 && Instant::now() < deadline {
            poll_fd(fd, false, 1000);
            assert_eq!(PQconsumeInput(c.0), 1, "{}", c.error());
            got.extend(take_notifies(&c));
        }
        assert_eq!(
            got,
            vec![
                (s("pipe_chan"), s("while busy"), false),
                (s("pipe_chan"), long, false)
            ]
        );
        assert!(PQnotifies(c.0).is_null());
        assert!(PQnotifies(std::ptr::null_mut()).is_null());
    }
}
