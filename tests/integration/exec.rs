//! PQexec and results: statuses, values, metadata, command tags, errors with
//! their fields and text, notices, transaction status, bad arguments.

use std::ffi::c_void;
use std::sync::Mutex;

use crate::support::{server, TRUST_USER};
use crate::util::*;
use pq::ffi::*;

use ExecStatusType::*;

fn conn() -> Conn {
    Conn::ok(&server().unix(TRUST_USER, ""))
}

#[test]
fn rows_values_and_metadata() {
    let c = conn();
    c.exec("create temp table m(\"Num\" int4, t text, n numeric(10,2), v varchar(5))");
    c.exec("insert into m values (1, 'héllo', null, 'x'), (2, '', 1.5, null)");
    let r = c.exec("select * from m order by 1");
    assert_eq!(r.status(), PGRES_TUPLES_OK, "{}", r.error());
    assert_eq!((r.ntuples(), r.nfields()), (2, 4));
    // SAFETY: live result; out-of-range calls are part of the contract.
    unsafe {
        assert_eq!(text(PQfname(r.0, 0)).as_deref(), Some("Num"));
        assert_eq!(PQfnumber(r.0, cs("\"Num\"").as_ptr()), 0);
        assert_eq!(PQfnumber(r.0, cs("Num").as_ptr()), -1);
        assert_eq!(PQfnumber(r.0, cs("T").as_ptr()), 1);
        assert_eq!(
            (PQftype(r.0, 0), PQftype(r.0, 1), PQftype(r.0, 2)),
            (23, 25, 1700)
        );
        assert_eq!((PQfsize(r.0, 0), PQfsize(r.0, 1)), (4, -1));
        assert_eq!(
            (PQfmod(r.0, 1), PQfmod(r.0, 2), PQfmod(r.0, 3)),
            (-1, 655366, 9)
        );
        let oid = c.exec("select 'm'::regclass::oid").value(0, 0).unwrap();
        assert_eq!(PQftable(r.0, 0).to_string(), oid);
        assert_eq!((PQftablecol(r.0, 0), PQftablecol(r.0, 3)), (1, 4));
        assert_eq!(PQftable(r.0, 9), 0);
        assert_eq!((PQfformat(r.0, 0), PQbinaryTuples(r.0)), (0, 0));
        assert_eq!(r.value(0, 1).as_deref(), Some("héllo"));
        assert_eq!(PQgetlength(r.0, 0, 1), 6);
        assert_eq!(r.value(0, 2).as_deref(), Some(""));
        assert_eq!((PQgetisnull(r.0, 0, 2), PQgetlength(r.0, 0, 2)), (1, 0));
        assert_eq!(
            (PQgetisnull(r.0, 1, 1), r.value(1, 1).as_deref()),
            (0, Some(""))
        );
        assert_eq!(r.value(1, 2).as_deref(), Some("1.50"));
        assert_eq!(r.cmd_status().as_deref(), Some("SELECT 2"));
        assert_eq!(r.cmd_tuples(), "2");
    }
}

#[test]
fn command_tags_and_multiple_statements() {
    let c = conn();
    let r = c.exec("create temp table t(a int primary key, b text)");
    assert_eq!(r.status(), PGRES_COMMAND_OK, "{}", r.error());
    assert_eq!(r.cmd_status().as_deref(), Some("CREATE TABLE"));
    assert_eq!(r.cmd_tuples(), "");
    let r = c.exec("insert into t values (1,'a'),(2,'b')");
    assert_eq!(r.cmd_status().as_deref(), Some("INSERT 0 2"));
    assert_eq!(r.cmd_tuples(), "2");
    // SAFETY: live result.
    unsafe {
        assert_eq!(PQoidValue(r.0), 0);
        assert_eq!(text(PQoidStatus(r.0)).as_deref(), Some("0"));
    }
    // The last result of a multi-statement string is returned.
    let r = c.exec("update t set b = 'c'; select count(*) from t; delete from t where a = 1");
    assert_eq!(r.cmd_status().as_deref(), Some("DELETE 1"));
    // An error stops the rest; it is the last result.
    let r = c.exec("select 1; select 1/0; select 2");
    assert_eq!(r.status(), PGRES_FATAL_ERROR);
    assert_eq!(r.field(b'C').as_deref(), Some("22012"));
    assert_eq!(c.error(), "ERROR:  division by zero\n");
    let r = c.exec("");
    assert_eq!(r.status(), PGRES_EMPTY_QUERY);
    assert_eq!(r.cmd_status().as_deref(), Some(""));
    assert_eq!(c.error(), "");
}

#[test]
fn errors_carry_fields_and_text() {
    let c = conn();
    let r = c.exec("SELEC 1");
    assert_eq!(r.status(), PGRES_FATAL_ERROR);
    let want = "ERROR:  syntax error at or near \"SELEC\"\nLINE 1: SELEC 1\n        ^\n";
    assert_eq!(r.error(), want);
    assert_eq!(c.error(), want);
    assert_eq!(r.field(b'S').as_deref(), Some("ERROR"));
    assert_eq!(r.field(b'V').as_deref(), Some("ERROR"));
    assert_eq!(r.field(b'C').as_deref(), Some("42601"));
    assert_eq!(r.field(b'P').as_deref(), Some("1"));
    assert!(r.field(b'F').is_some() && r.field(b'L').is_some() && r.field(b'R').is_some());
    assert_eq!(r.field(b'D'), None);
    c.exec("create temp table u(a int primary key)");
    c.exec("insert into u values (1)");
    let r = c.exec("insert into u values (1)");
    assert_eq!(
        r.field(b'D').as_deref(),
        Some("Key (a)=(1) already exists.")
    );
    assert_eq!(r.field(b'n').as_deref(), Some("u_pkey"));
    assert_eq!(r.field(b't').as_deref(), Some("u"));
    assert_eq!(
        r.error(),
        "ERROR:  duplicate key value violates unique constraint \"u_pkey\"\nDETAIL:  Key (a)=(1) already exists.\n"
    );
    // SAFETY: live handle.
    unsafe { PQsetErrorVerbosity(c.0, PGVerbosity::PQERRORS_TERSE as u32) };
    let r = c.exec("SELEC 1");
    assert_eq!(
        r.error(),
        "ERROR:  syntax error at or near \"SELEC\" at character 1\n"
    );
    // SAFETY: live handle.
    unsafe {
        assert_eq!(
            PQsetErrorVerbosity(c.0, PGVerbosity::PQERRORS_SQLSTATE as u32),
            PGVerbosity::PQERRORS_TERSE
        );
    }
    assert_eq!(c.exec("SELEC 1").error(), "ERROR:  42601\n");
}

#[test]
fn transaction_status_follows_the_session() {
    let c = conn();
    let status = || unsafe { PQtransactionStatus(c.0) };
    assert_eq!(status(), PGTransactionStatusType::PQTRANS_IDLE);
    c.exec("begin");
    assert_eq!(status(), PGTransactionStatusType::PQTRANS_INTRANS);
    c.exec("select 1/0");
    assert_eq!(status(), PGTransactionStatusType::PQTRANS_INERROR);
    let r = c.exec("select 1");
    assert_eq!(r.field(b'C').as_deref(), Some("25P02"));
    c.exec("rollback");
    assert_eq!(status(), PGTransactionStatusType::PQTRANS_IDLE);
}

#[test]
fn notices_reach_processor_and_receiver() {
    let c = conn();
    let sink: Mutex<Vec<String>> = Mutex::new(Vec::new());
    // SAFETY: sink outlives every call that may use it (the connection is dropped first at scope end... we reset below).
    unsafe {
        assert!(PQsetNoticeProcessor(c.0, None, std::ptr::null_mut()).is_some());
        PQsetNoticeProcessor(c.0, Some(collect_notices), &sink as *const _ as *mut c_void);
    }
    let r = c.exec("do $$ begin raise notice 'hello %', 42; end $$");
    assert_eq!(r.status(), PGRES_COMMAND_OK);
    // Out-of-range access makes a notice through the result's hooks.
    // SAFETY: live result.
    unsafe {
        assert!(PQgetvalue(r.0, 0, 0).is_null());
        assert_eq!(PQgetisnull(r.0, 0, 0), 1);
        assert!(PQfname(r.0, 3).is_null());
    }
    let got = sink.lock().unwrap().clone();
    assert_eq!(
        got,
        vec![
            "NOTICE:  hello 42\n".to_string(),
            "row number 0 is out of range 0..-1\n".to_string(),
            "row number 0 is out of range 0..-1\n".to_string(),
            "column number 3 is out of range 0..-1\n".to_string(),
        ]
    );
    drop(r);
    drop(c);
}

#[test]
fn bad_arguments_get_libpqs_answers() {
    // SAFETY: NULL handles are part of the API contract.
    unsafe {
        let null_conn = std::ptr::null_mut();
        assert_eq!(PQstatus(null_conn), ConnStatusType::CONNECTION_BAD);
        assert_eq!(
            text(PQerrorMessage(null_conn)).as_deref(),
            Some("connection pointer is NULL\n")
        );
        assert_eq!(
            PQtransactionStatus(null_conn),
            PGTransactionStatusType::PQTRANS_UNKNOWN
        );
        assert_eq!(PQsocket(null_conn), -1);
        assert_eq!(PQbackendPID(null_conn), 0);
        assert_eq!(PQserverVersion(null_conn), 0);
        assert_eq!(PQclientEncoding(null_conn), -1);
        assert!(PQdb(null_conn).is_null() && PQhost(null_conn).is_null());
        assert!(PQport(null_conn).is_null() && PQtty(null_conn).is_null());
        assert!(PQexec(null_conn, cs("select 1").as_ptr()).is_null());
        assert!(PQparameterStatus(null_conn, cs("x").as_ptr()).is_null());
        assert_eq!(
            PQsetErrorVerbosity(null_conn, 2),
            PGVerbosity::PQERRORS_DEFAULT
        );
        PQfinish(null_conn);
        let null_res = std::ptr::null_mut();
        assert_eq!(PQresultStatus(null_res), PGRES_FATAL_ERROR as u32);
        assert_eq!(text(PQresultErrorMessage(null_res)).as_deref(), Some(""));
        assert!(PQresultErrorField(null_res, b'C' as i32).is_null());
        assert_eq!((PQntuples(null_res), PQnfields(null_res)), (0, 0));
        assert!(PQcmdStatus(null_res).is_null());
        assert_eq!(text(PQcmdTuples(null_res)).as_deref(), Some(""));
        assert_eq!(PQoidValue(null_res), 0);
        assert!(PQgetvalue(null_res, 0, 0).is_null());
        assert_eq!(PQgetisnull(null_res, 0, 0), 1);
        assert_eq!(PQfnumber(null_res, cs("a").as_ptr()), -1);
        PQclear(null_res);
        PQfreemem(std::ptr::null_mut());
        assert_eq!(text(PQresStatus(2)).as_deref(), Some("PGRES_TUPLES_OK"));
        assert_eq!(
            text(PQresStatus(99)).as_deref(),
            Some("invalid ExecStatusType code")
        );
        let e = PQmakeEmptyPGresult(std::ptr::null_mut(), PGRES_COMMAND_OK as u32);
        assert_eq!(PQresultStatus(e), PGRES_COMMAND_OK as u32);
        assert_eq!(text(PQcmdStatus(e)).as_deref(), Some(""));
        PQclear(e);
    }
    // A failed connection refuses commands with libpq's text.
    let c = Conn::open("host=127.0.0.1 port=1");
    let r = c.exec("select 1");
    assert!(r.0.is_null());
    assert_eq!(c.error(), "no connection to the server\n");
    // A NULL command string.
    let c = conn();
    // SAFETY: live handle, NULL query.
    unsafe { assert!(PQexec(c.0, std::ptr::null()).is_null()) };
    assert_eq!(c.error(), "command string is a null pointer\n");
    // Results outlive their connection.
    let r = c.exec("select 'kept'");
    drop(c);
    assert_eq!(r.value(0, 0).as_deref(), Some("kept"));
}

#[test]
fn connection_lost_mid_session() {
    let c = conn();
    let killer = conn();
    // SAFETY: live handle.
    let pid = unsafe { PQbackendPID(c.0) };
    killer.exec(&format!("select pg_terminate_backend({pid})"));
    std::thread::sleep(std::time::Duration::from_millis(200));
    let r = c.exec("select 1");
    assert_eq!(r.status(), PGRES_FATAL_ERROR);
    assert!(
        c.error()
            .contains("server closed the connection unexpectedly")
            || c.error()
                .contains("terminating connection due to administrator command"),
        "{}",
        c.error()
    );
    assert_eq!(c.status(), ConnStatusType::CONNECTION_BAD);
}

/// A backend killed during COPY FROM STDIN: the writes that fail are not
/// reported at once (libpq's write_failed); what the server said before it
/// closed the connection reaches the caller as the COPY's result.
#[test]
fn server_last_words_survive_a_failed_write() {
    let c = conn();
    let killer = conn();
    c.exec("create temp table cp_killed(t text)");
    assert_eq!(c.exec("copy cp_killed from stdin").status(), PGRES_COPY_IN);
    // SAFETY: live handle.
    let pid = unsafe { PQbackendPID(c.0) };
    killer.exec(&format!("select pg_terminate_backend({pid})"));
    for _ in 0..100 {
        let gone = killer.exec(&format!(
            "select count(*) from pg_stat_activity where pid = {pid}"
        ));
        if gone.value(0, 0).as_deref() == Some("0") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let mut row = vec![b'x'; 65535];
    row.push(b'\n');
    let mut errors = String::new();
    // SAFETY: live handle; data and length match; results are freed by Res.
    unsafe {
        for _ in 0..64 {
            if PQputCopyData(c.0, row.as_ptr() as *const _, row.len() as i32) != 1 {
                break;
            }
        }
        PQputCopyEnd(c.0, std::ptr::null());
        for _ in 0..10 {
            let r = PQgetResult(c.0);
            if r.is_null() {
                break;
            }
            errors.push_str(&Res(r).error());
        }
    }
    assert!(
        errors.contains("FATAL:  terminating connection due to administrator command"),
        "the server's message was lost: {errors:?}"
    );
    assert_eq!(c.status(), ConnStatusType::CONNECTION_BAD);
}

#[test]
fn copy_both_ways() {
    let c = conn();
    c.exec("create temp table cp(a int, b text)");
    let r = c.exec("copy cp from stdin");
    assert_eq!(r.status(), PGRES_COPY_IN);
    // SAFETY: live handle; data and lengths match.
    unsafe {
        for row in ["1\tone\n", "2\t\\N\n"] {
            assert_eq!(
                PQputCopyData(c.0, row.as_ptr() as *const _, row.len() as i32),
                1
            );
        }
        assert_eq!(PQputCopyEnd(c.0, std::ptr::null()), 1);
        let done = Res(PQgetResult(c.0));
        assert_eq!(done.status(), PGRES_COMMAND_OK, "{}", done.error());
        assert_eq!(done.cmd_tuples(), "2");
        assert!(PQgetResult(c.0).is_null());
    }
    let r = c.exec("copy cp to stdout");
    assert_eq!(r.status(), PGRES_COPY_OUT);
    let mut rows = Vec::new();
    // SAFETY: live handle; every row is malloc memory we free.
    unsafe {
        loop {
            let mut buf: *mut std::ffi::c_char = std::ptr::null_mut();
            let n = PQgetCopyData(c.0, &mut buf, 0);
            if n < 0 {
                assert_eq!(n, -1);
                assert!(buf.is_null());
                break;
            }
            rows.push(
                String::from_utf8_lossy(std::slice::from_raw_parts(buf as *const u8, n as usize))
                    .into_owned(),
            );
            PQfreemem(buf as *mut c_void);
        }
        let done = Res(PQgetResult(c.0));
        assert_eq!(done.cmd_status().as_deref(), Some("COPY 2"));
        assert!(PQgetResult(c.0).is_null());
        assert_eq!(PQputCopyData(c.0, c"x".as_ptr(), 1), -1);
    }
    assert_eq!(rows, vec!["1\tone\n", "2\t\\N\n"]);
    assert_eq!(c.error(), "no COPY in progress\n");
    // A new PQexec ends a COPY IN that nobody finished, with libpq's reason.
    assert_eq!(c.exec("copy cp from stdin").status(), PGRES_COPY_IN);
    let r = c.exec("select count(*) from cp");
    assert_eq!(r.value(0, 0).as_deref(), Some("2"));
}

#[test]
fn notifications_arrive_as_one_block() {
    let listener = conn();
    let sender = conn();
    listener.exec("listen chan");
    sender.exec("notify chan, 'payload'");
    // SAFETY: live handles; the notification is one malloc block.
    unsafe {
        let mut n = std::ptr::null_mut();
        for _ in 0..50 {
            PQconsumeInput(listener.0);
            n = PQnotifies(listener.0);
            if !n.is_null() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(!n.is_null());
        assert_eq!(text((*n).relname).as_deref(), Some("chan"));
        assert_eq!(text((*n).extra).as_deref(), Some("payload"));
        assert_eq!((*n).be_pid, PQbackendPID(sender.0));
        PQfreemem(n as *mut c_void);
        assert!(PQnotifies(listener.0).is_null());
        assert!(PQnotifies(std::ptr::null_mut()).is_null());
    }
}

#[test]
fn prepare_and_describe() {
    let c = conn();
    // SAFETY: live handle, C strings, a NULL types array.
    unsafe {
        let r = Res(PQprepare(
            c.0,
            c"st".as_ptr(),
            c"select $1::int4 + 1 as next, $2::text as t".as_ptr(),
            2,
            std::ptr::null(),
        ));
        assert_eq!(r.status(), PGRES_COMMAND_OK, "{}", r.error());
        let d = Res(PQdescribePrepared(c.0, c"st".as_ptr()));
        assert_eq!(d.status(), PGRES_COMMAND_OK, "{}", d.error());
        assert_eq!(
            (PQnparams(d.0), PQparamtype(d.0, 0), PQparamtype(d.0, 1)),
            (2, 23, 25)
        );
        assert_eq!(d.nfields(), 2);
        assert_eq!(text(PQfname(d.0, 0)).as_deref(), Some("next"));
        assert_eq!(PQftype(d.0, 1), 25);
        let e = Res(PQprepare(
            c.0,
            c"bad".as_ptr(),
            c"selec 1".as_ptr(),
            0,
            std::ptr::null(),
        ));
        assert_eq!(e.status(), PGRES_FATAL_ERROR);
        assert_eq!(e.field(b'C').as_deref(), Some("42601"));
        let none = Res(PQdescribePrepared(c.0, c"nosuch".as_ptr()));
        assert_eq!(none.field(b'C').as_deref(), Some("26000"));
        assert!(PQprepare(
            c.0,
            std::ptr::null(),
            c"select 1".as_ptr(),
            0,
            std::ptr::null()
        )
        .is_null());
        assert_eq!(c.error(), "statement name is a null pointer\n");
        assert!(PQprepare(
            c.0,
            c"x".as_ptr(),
            c"select 1".as_ptr(),
            -1,
            std::ptr::null()
        )
        .is_null());
        assert_eq!(
            c.error(),
            "number of parameters must be between 0 and 65535\n"
        );
        assert_eq!(PQsslInUse(c.0), 0);
        assert!(PQsslAttribute(c.0, c"library".as_ptr()).is_null());
    }
    assert_eq!(
        c.exec("execute st(41, 'x')").value(0, 0).as_deref(),
        Some("42")
    );
}
