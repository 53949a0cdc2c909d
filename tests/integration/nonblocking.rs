//! The non-blocking connection API on our library: many connections driven
//! by one poll(2) loop, host name lookups that signal on PQsocket,
//! connect_timeout in poll mode, the startup packet sent without blocking,
//! PQresetStart/PQresetPoll with events, and the PostgreSQL 17 cancel API.
//! (The step-by-step comparison with libpq 18 is `tests/differential/async.c`.)

use std::ffi::{c_int, c_void};
use std::net::TcpStream;
use std::os::fd::{FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::support::{self, server, MD5_USER, SCRAM_USER, TRUST_USER};
use crate::util::*;
use pq::ffi::*;

use ConnStatusType::*;
use PostgresPollingStatusType::*;

/// One answer of PQconnectPoll (or PQresetPoll, PQcancelPoll) and the state after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Step {
    answer: PostgresPollingStatusType,
    status: ConnStatusType,
    socket: c_int,
}

/// Waits until `fd` is ready for what `answer` asked, at most `timeout`;
/// true when ready.
fn wait_for(fd: c_int, answer: PostgresPollingStatusType, timeout: Duration) -> bool {
    let events = if answer == PGRES_POLLING_READING {
        libc::POLLIN
    } else {
        libc::POLLOUT
    };
    let mut pfd = libc::pollfd {
        fd,
        events,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    let n = unsafe { libc::poll(&mut pfd, 1, timeout.as_millis() as c_int) };
    n > 0
}

/// Drives a connection to the end as libpq documents it (waiting for the
/// direction each answer names, writing first), calling PQconnectPoll also
/// when a wait of `tick` times out; returns every step.
fn drive(conn: *mut PGconn, tick: Duration, limit: Duration) -> Vec<Step> {
    let started = Instant::now();
    let mut steps = Vec::new();
    let mut last = PGRES_POLLING_WRITING;
    // SAFETY: a live handle throughout.
    unsafe {
        if PQstatus(conn) == CONNECTION_BAD {
            return steps;
        }
        while last != PGRES_POLLING_OK && last != PGRES_POLLING_FAILED {
            assert!(started.elapsed() < limit, "not done in time: {steps:?}");
            let fd = PQsocket(conn);
            assert!(fd >= 0, "no socket to wait on after {steps:?}");
            wait_for(fd, last, tick);
            last = PQconnectPoll(conn);
            steps.push(Step {
                answer: last,
                status: PQstatus(conn),
                socket: PQsocket(conn),
            });
        }
    }
    steps
}

fn start(conninfo: &str) -> Conn {
    let ci = cs(conninfo);
    // SAFETY: a valid C string.
    Conn(unsafe { PQconnectStart(ci.as_ptr()) })
}

/// A TCP port whose accept queue is full: connects to it stay in progress
/// (the SYN is dropped), as with a host that does not answer.
struct Unanswering {
    _listener: OwnedFd,
    _filler: Vec<TcpStream>,
    port: u16,
}

fn unanswering() -> Unanswering {
    // SAFETY: plain socket calls on a fresh descriptor, checked.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
        assert!(fd >= 0);
        let listener = OwnedFd::from_raw_fd(fd);
        let mut sa: libc::sockaddr_in = std::mem::zeroed();
        sa.sin_family = libc::AF_INET as libc::sa_family_t;
        sa.sin_addr.s_addr = u32::from(std::net::Ipv4Addr::LOCALHOST).to_be();
        let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
        assert_eq!(
            libc::bind(fd, &sa as *const _ as *const libc::sockaddr, len),
            0
        );
        assert_eq!(libc::listen(fd, 0), 0);
        let mut got = sa;
        let mut got_len = len;
        assert_eq!(
            libc::getsockname(fd, &mut got as *mut _ as *mut libc::sockaddr, &mut got_len),
            0
        );
        let port = u16::from_be(got.sin_port);
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        // Fill the accept queue until a connect no longer completes.
        let mut filler = Vec::new();
        while let Ok(s) = TcpStream::connect_timeout(&addr, Duration::from_millis(300)) {
            filler.push(s);
            assert!(filler.len() < 16, "the accept queue does not fill up");
        }
        Unanswering {
            _listener: listener,
            _filler: filler,
            port,
        }
    }
}

/// A TCP port that accepts connections (in the kernel) but never reads or
/// answers: connects complete, the server never speaks.
fn silent() -> (std::net::TcpListener, u16) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    (l, port)
}

#[test]
fn twenty_connections_in_one_poll_loop() {
    let s = server();
    let kinds = [
        s.tcp(TRUST_USER, "sslmode=disable application_name=nb_loop"),
        s.unix(TRUST_USER, "application_name=nb_loop"),
        s.tcp(
            SCRAM_USER.0,
            &format!("password={} sslmode=disable", SCRAM_USER.1),
        ),
        s.unix(MD5_USER.0, &format!("password={}", MD5_USER.1)),
        format!(
            "host=localhost port={} dbname=postgres user={TRUST_USER} sslmode=disable",
            s.port
        ),
    ];
    let conns: Vec<(Conn, bool)> = (0..20)
        .map(|i| {
            let info = &kinds[i % kinds.len()];
            let c = start(info);
            assert_ne!(c.status(), CONNECTION_BAD, "{info}: {}", c.error());
            (c, info.contains("host=localhost"))
        })
        .collect();
    let mut last = vec![PGRES_POLLING_WRITING; conns.len()];
    let mut steps: Vec<Vec<Step>> = vec![Vec::new(); conns.len()];
    let started = Instant::now();
    loop {
        let pending: Vec<usize> = (0..conns.len())
            .filter(|&i| last[i] != PGRES_POLLING_OK)
            .collect();
        if pending.is_empty() {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "{steps:?}");
        let mut fds: Vec<libc::pollfd> = pending
            .iter()
            .map(|&i| libc::pollfd {
                // SAFETY: live handle.
                fd: unsafe { PQsocket(conns[i].0 .0) },
                events: if last[i] == PGRES_POLLING_READING {
                    libc::POLLIN
                } else {
                    libc::POLLOUT
                },
                revents: 0,
            })
            .collect();
        assert!(
            fds.iter().all(|p| p.fd >= 0),
            "a pending connection without a socket"
        );
        // SAFETY: a valid array of pollfds.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, 10_000) };
        assert!(n > 0, "poll(2) timed out with {} pending", pending.len());
        for (k, &i) in pending.iter().enumerate() {
            if fds[k].revents == 0 {
                continue;
            }
            let c = conns[i].0 .0;
            // SAFETY: live handle.
            let (answer, status, socket) = unsafe { (PQconnectPoll(c), PQstatus(c), PQsocket(c)) };
            assert_ne!(
                answer,
                PGRES_POLLING_FAILED,
                "connection {i}: {}",
                conns[i].0.error()
            );
            // Each answer agrees with the state it leaves.
            let expected: &[ConnStatusType] = match answer {
                PGRES_POLLING_OK => &[CONNECTION_OK],
                PGRES_POLLING_WRITING => &[CONNECTION_STARTED, CONNECTION_MADE],
                PGRES_POLLING_READING if conns[i].1 => &[
                    CONNECTION_NEEDED,
                    CONNECTION_AWAITING_RESPONSE,
                    CONNECTION_AUTH_OK,
                ],
                _ => &[CONNECTION_AWAITING_RESPONSE, CONNECTION_AUTH_OK],
            };
            assert!(
                expected.contains(&status),
                "connection {i}: {answer:?} with {status:?}"
            );
            assert!(socket >= 0);
            last[i] = answer;
            steps[i].push(Step {
                answer,
                status,
                socket,
            });
        }
    }
    // Every connection is a session of its own.
    let mut pids = std::collections::HashSet::new();
    for (i, (c, _)) in conns.iter().enumerate() {
        let pid = c.exec("select pg_backend_pid()").value(0, 0).unwrap();
        // SAFETY: live handle.
        assert_eq!(pid, unsafe { PQbackendPID(c.0) }.to_string());
        assert!(pids.insert(pid), "connection {i} shares a backend");
        // Not one step more than libpq takes, lookups aside.
        let after_lookup: Vec<&Step> = steps[i]
            .iter()
            .filter(|s| s.status != CONNECTION_NEEDED)
            .collect();
        assert!(after_lookup.len() <= 6, "connection {i}: {:?}", steps[i]);
    }
}

#[test]
fn host_name_lookup_signals_on_the_socket() {
    let s = server();
    let c = start(&format!(
        "host=localhost port={} dbname=postgres user={TRUST_USER} sslmode=disable",
        s.port
    ));
    // The lookup runs on a helper thread: PQconnectStart returned without it.
    assert_eq!(c.status(), CONNECTION_NEEDED);
    // SAFETY: live handle.
    let fd = unsafe { PQsocket(c.0) };
    assert!(fd >= 0);
    // Writable at once, as a caller waits for right after PQconnectStart.
    assert!(wait_for(fd, PGRES_POLLING_WRITING, Duration::ZERO));
    let steps = drive(c.0, Duration::from_secs(10), Duration::from_secs(20));
    let (lookup, rest): (Vec<Step>, Vec<Step>) =
        steps.iter().partition(|s| s.status == CONNECTION_NEEDED);
    assert!(
        lookup.iter().all(|s| s.answer == PGRES_POLLING_READING),
        "{steps:?}"
    );
    // From the answer on, libpq's sequence for a TCP connection.
    let rest: Vec<(PostgresPollingStatusType, ConnStatusType)> =
        rest.iter().map(|s| (s.answer, s.status)).collect();
    assert_eq!(
        rest,
        [
            (PGRES_POLLING_WRITING, CONNECTION_STARTED),
            (PGRES_POLLING_WRITING, CONNECTION_MADE),
            (PGRES_POLLING_READING, CONNECTION_AWAITING_RESPONSE),
            (PGRES_POLLING_OK, CONNECTION_OK),
        ]
    );
    assert_eq!(c.exec("select 1").value(0, 0).as_deref(), Some("1"));

    // A name that does not resolve fails in a poll, with libpq's message.
    let bad = start("host=nonexistent.invalid port=5432");
    assert_eq!(bad.status(), CONNECTION_NEEDED);
    let steps = drive(bad.0, Duration::from_secs(10), Duration::from_secs(30));
    assert_eq!(steps.last().unwrap().answer, PGRES_POLLING_FAILED);
    assert_eq!(steps.last().unwrap().socket, -1);
    assert!(
        bad.error()
            .starts_with("could not translate host name \"nonexistent.invalid\" to address: "),
        "{}",
        bad.error()
    );
    // Blocking connects are the same engine plus waiting.
    let blocking = Conn::open("host=nonexistent.invalid port=5432");
    assert_eq!(blocking.error(), bad.error());
    let ok = Conn::ok(&format!(
        "host=localhost port={} dbname=postgres user={TRUST_USER}",
        s.port
    ));
    drop(ok);
}

#[test]
fn finishing_during_a_lookup() {
    let c = start("host=localhost port=5432");
    assert_eq!(c.status(), CONNECTION_NEEDED);
    // PQfinish while the helper thread may still be looking up: no wait, no leak.
    drop(c);
}

#[test]
fn connect_timeout_in_poll_mode_moves_to_the_next_host() {
    let s = server();
    let dead = unanswering();
    let c = start(&format!(
        "host=127.0.0.1,127.0.0.1 port={},{} dbname=postgres user={TRUST_USER} connect_timeout=2",
        dead.port, s.port
    ));
    assert_eq!(c.status(), CONNECTION_STARTED);
    let started = Instant::now();
    // Polls before the deadline, the socket not ready: harmless, same answer.
    for _ in 0..5 {
        // SAFETY: live handle.
        let answer = unsafe { PQconnectPoll(c.0) };
        assert_eq!(answer, PGRES_POLLING_WRITING);
        assert_eq!(c.status(), CONNECTION_STARTED);
    }
    let steps = drive(c.0, Duration::from_millis(200), Duration::from_secs(20));
    let elapsed = started.elapsed();
    assert_eq!(steps.last().unwrap().answer, PGRES_POLLING_OK, "{steps:?}");
    assert!(elapsed >= Duration::from_secs(2), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(8), "{elapsed:?}");
    // SAFETY: live handle.
    assert_eq!(text(unsafe { PQport(c.0) }), Some(s.port.to_string()));
    assert_eq!(c.error(), "");
}

#[test]
fn connect_timeout_in_poll_mode_fails_with_libpqs_text() {
    let dead = unanswering();
    let info = format!("host=127.0.0.1 port={} connect_timeout=2", dead.port);
    let expected = format!(
        "connection to server at \"127.0.0.1\", port {} failed: timeout expired\n",
        dead.port
    );
    let c = start(&info);
    let started = Instant::now();
    let steps = drive(c.0, Duration::from_millis(250), Duration::from_secs(20));
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert_eq!(
        steps.last().unwrap().answer,
        PGRES_POLLING_FAILED,
        "{steps:?}"
    );
    assert!(steps[..steps.len() - 1]
        .iter()
        .all(|s| (s.answer, s.status) == (PGRES_POLLING_WRITING, CONNECTION_STARTED)));
    assert_eq!(c.error(), expected);
    // PQconnectdb says the same.
    let blocking = Conn::open(&info);
    assert_eq!(blocking.error(), expected);
    // Without connect_timeout a poll never gives up on its own.
    let forever = start(&format!("host=127.0.0.1 port={}", dead.port));
    std::thread::sleep(Duration::from_millis(2100));
    // SAFETY: live handle.
    assert_eq!(unsafe { PQconnectPoll(forever.0) }, PGRES_POLLING_WRITING);
    assert_eq!(forever.status(), CONNECTION_STARTED);
}

#[test]
fn startup_packet_is_sent_without_blocking() {
    // A server that never reads: a startup packet far larger than the
    // socket buffers cannot go out at once.
    let (_listener, port) = silent();
    let big = "x".repeat(16 << 20);
    let c = start(&format!(
        "host=127.0.0.1 port={port} user=u dbname=d sslmode=disable connect_timeout=2 options='-c application_name={big}'"
    ));
    let mut writes_in_made = 0;
    let started = Instant::now();
    let mut last = PGRES_POLLING_WRITING;
    while last != PGRES_POLLING_FAILED {
        assert!(started.elapsed() < Duration::from_secs(20));
        // SAFETY: live handle.
        let fd = unsafe { PQsocket(c.0) };
        wait_for(fd, last, Duration::from_millis(200));
        let t = Instant::now();
        // SAFETY: live handle.
        last = unsafe { PQconnectPoll(c.0) };
        assert!(
            t.elapsed() < Duration::from_millis(500),
            "PQconnectPoll blocked"
        );
        if last == PGRES_POLLING_WRITING && c.status() == CONNECTION_MADE {
            writes_in_made += 1;
        }
        assert_ne!(last, PGRES_POLLING_OK);
    }
    assert!(writes_in_made >= 2, "{writes_in_made}");
    assert_eq!(
        c.error(),
        format!("connection to server at \"127.0.0.1\", port {port} failed: timeout expired\n")
    );
}

static RESETS: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn count_resets(id: PGEventId, _info: *mut c_void, _pass: *mut c_void) -> c_int {
    if id == PGEventId::PGEVT_CONNRESET {
        RESETS.fetch_add(1, Ordering::SeqCst);
    }
    1
}

#[test]
fn reset_start_and_poll() {
    let s = server();
    let c = Conn::ok(&s.tcp(TRUST_USER, "sslmode=disable"));
    let name = cs("nonblocking-reset");
    // SAFETY: live handle, a valid proc and name.
    unsafe {
        assert_eq!(
            PQregisterEventProc(c.0, Some(count_resets), name.as_ptr(), std::ptr::null_mut()),
            1
        );
    }
    c.exec("begin");
    // SAFETY: live handle throughout.
    unsafe {
        let old_pid = PQbackendPID(c.0);
        let before = RESETS.load(Ordering::SeqCst);
        assert_eq!(PQresetStart(c.0), 1);
        assert_eq!(c.status(), CONNECTION_STARTED);
        let mut last = PGRES_POLLING_WRITING;
        let mut answers = Vec::new();
        while last != PGRES_POLLING_OK && last != PGRES_POLLING_FAILED {
            assert!(wait_for(PQsocket(c.0), last, Duration::from_secs(10)));
            last = PQresetPoll(c.0);
            answers.push((last, PQstatus(c.0)));
        }
        assert_eq!(
            answers,
            [
                (PGRES_POLLING_WRITING, CONNECTION_MADE),
                (PGRES_POLLING_READING, CONNECTION_AWAITING_RESPONSE),
                (PGRES_POLLING_OK, CONNECTION_OK),
            ]
        );
        // The event procs heard of it once, on the OK.
        assert!(RESETS.load(Ordering::SeqCst) > before);
        assert_ne!(PQbackendPID(c.0), old_pid);
        assert_eq!(
            PQtransactionStatus(c.0),
            PGTransactionStatusType::PQTRANS_IDLE
        );
        assert_eq!(c.exec("select 2").value(0, 0).as_deref(), Some("2"));

        assert_eq!(PQresetStart(std::ptr::null_mut()), 0);
        assert_eq!(PQresetPoll(std::ptr::null_mut()), PGRES_POLLING_FAILED);
    }
    // A connection whose options never parsed: nothing to restart, no message.
    let bad = start("no_such_option=1");
    // SAFETY: live handle.
    unsafe {
        assert_eq!(PQresetStart(bad.0), 0);
    }
    assert_eq!(bad.status(), CONNECTION_BAD);
    assert_eq!(bad.error(), "");
}

/// Waits until the backend runs a query (a cancel that arrives first is
/// ignored), looking with a connection of `helper_info` (same server).
fn wait_running(c: &Conn, helper_info: &str) {
    let helper = Conn::ok(helper_info);
    // SAFETY: live handle.
    let pid = unsafe { PQbackendPID(c.0) };
    for _ in 0..1000 {
        let r = helper.exec(&format!(
            "select 1 from pg_stat_activity where pid = {pid} and state = 'active'"
        ));
        if r.ntuples() == 1 {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("the query did not start");
}

#[test]
fn cancel_api_on_a_running_query() {
    let s = server();
    let mut targets = vec![
        (s.tcp(TRUST_USER, "sslmode=disable"), s.unix(TRUST_USER, "")),
        (s.unix(TRUST_USER, ""), s.unix(TRUST_USER, "")),
    ];
    // Over TLS the cancel connection uses TLS too, and the server ends that
    // session (close_notify) as its answer: that is success, as in libpq 18.
    if let Some(t) = support::tls_server(support::ServerCert::Main) {
        targets.push((t.tcp(TRUST_USER, "sslmode=require"), t.unix(TRUST_USER, "")));
    }
    for (info, helper_info) in targets {
        let c = Conn::ok(&info);
        let q = cs("select pg_sleep(60)");
        // SAFETY: live handles throughout; the cancel connection is finished once.
        unsafe {
            assert_eq!(PQsendQuery(c.0, q.as_ptr()), 1);
            wait_running(&c, &helper_info);
            let cc = PQcancelCreate(c.0);
            assert_eq!(PQcancelStatus(cc), CONNECTION_ALLOCATED);
            assert_eq!(PQcancelSocket(cc), -1);
            assert_eq!(PQcancelStart(cc), 1);
            let mut last = PGRES_POLLING_WRITING;
            let mut answers = Vec::new();
            while last != PGRES_POLLING_OK && last != PGRES_POLLING_FAILED {
                assert!(wait_for(PQcancelSocket(cc), last, Duration::from_secs(10)));
                last = PQcancelPoll(cc);
                answers.push((last, PQcancelStatus(cc)));
            }
            assert_eq!(
                last,
                PGRES_POLLING_OK,
                "{}",
                text(PQcancelErrorMessage(cc)).unwrap()
            );
            assert_eq!(answers.last(), Some(&(PGRES_POLLING_OK, CONNECTION_OK)));
            assert_eq!(PQcancelSocket(cc), -1);
            let r = Res(PQgetResult(c.0));
            assert_eq!(r.field(b'C').as_deref(), Some("57014"));
            drop(r);
            assert!(PQgetResult(c.0).is_null());

            // Again, blocking, after PQcancelReset.
            assert_eq!(PQcancelStart(cc), 0);
            assert_eq!(
                text(PQcancelErrorMessage(cc)).as_deref(),
                Some("cancel request is already being sent on this connection\n")
            );
            PQcancelReset(cc);
            assert_eq!(PQcancelStatus(cc), CONNECTION_ALLOCATED);
            assert_eq!(text(PQcancelErrorMessage(cc)).as_deref(), Some(""));
            assert_eq!(PQsendQuery(c.0, q.as_ptr()), 1);
            wait_running(&c, &helper_info);
            assert_eq!(PQcancelBlocking(cc), 1);
            assert_eq!(PQcancelStatus(cc), CONNECTION_OK);
            let r = Res(PQgetResult(c.0));
            assert_eq!(r.field(b'C').as_deref(), Some("57014"));
            drop(r);
            assert!(PQgetResult(c.0).is_null());
            PQcancelFinish(cc);
        }
        assert_eq!(c.exec("select 3").value(0, 0).as_deref(), Some("3"));
    }
}

#[test]
fn cancel_api_without_a_usable_connection() {
    // SAFETY: handles from PQcancelCreate, each finished once; NULL where libpq allows it.
    unsafe {
        let cc = PQcancelCreate(std::ptr::null_mut());
        assert!(!cc.is_null());
        assert_eq!(PQcancelStatus(cc), CONNECTION_BAD);
        assert_eq!(
            text(PQcancelErrorMessage(cc)).as_deref(),
            Some("connection pointer is NULL\n")
        );
        assert_eq!(PQcancelStart(cc), 0);
        assert_eq!(PQcancelBlocking(cc), 0);
        PQcancelReset(cc);
        assert_eq!(PQcancelStatus(cc), CONNECTION_ALLOCATED);
        assert_eq!(PQcancelStart(cc), 0);
        assert_eq!(PQcancelStatus(cc), CONNECTION_BAD);
        PQcancelFinish(cc);

        let refused = Conn::open("host=127.0.0.1 port=1 sslmode=disable");
        let cc = PQcancelCreate(refused.0);
        assert_eq!(
            text(PQcancelErrorMessage(cc)).as_deref(),
            Some("connection not open\n")
        );
        PQcancelFinish(cc);

        assert_eq!(PQcancelStart(std::ptr::null_mut()), 0);
        assert_eq!(PQcancelBlocking(std::ptr::null_mut()), 0);
        assert_eq!(PQcancelStatus(std::ptr::null()), CONNECTION_BAD);
        assert_eq!(PQcancelSocket(std::ptr::null()), -1);
        assert_eq!(
            text(PQcancelErrorMessage(std::ptr::null())).as_deref(),
            Some("connection pointer is NULL\n")
        );
        assert_eq!(PQcancelPoll(std::ptr::null_mut()), PGRES_POLLING_FAILED);
        PQcancelReset(std::ptr::null_mut());
        PQcancelFinish(std::ptr::null_mut());
    }
}
