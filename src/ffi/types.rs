//! The public C types of libpq 18 (`libpq-fe.h`, `postgres_ext.h`,
//! `libpq-events.h`): every enum with its values, every public struct with its
//! layout, the typedefs. cbindgen turns this file into the headers.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]

use std::ffi::{c_char, c_int, c_uint, c_void};

/// Object identifier (`postgres_ext.h`).
pub type Oid = c_uint;
/// `pqbool` of `PQprintOpt`.
pub type pqbool = c_char;
/// Microseconds since the Unix epoch (17+).
pub type pg_usec_time_t = i64;
/// `pg_int64`, kept as a deprecated name in 18.
pub type pg_int64 = i64;

/// The connection handle: opaque to C (`struct pg_conn`).
pub type PGconn = crate::conn::Connection;
/// The cancel connection handle: opaque to C (`struct pg_cancel_conn`).
pub type PGcancelConn = crate::conn::CancelConn;
/// The result handle: opaque to C (`struct pg_result`).
pub type PGresult = crate::result::PgResult;

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnStatusType {
    CONNECTION_OK = 0,
    CONNECTION_BAD = 1,
    CONNECTION_STARTED = 2,
    CONNECTION_MADE = 3,
    CONNECTION_AWAITING_RESPONSE = 4,
    CONNECTION_AUTH_OK = 5,
    CONNECTION_SETENV = 6,
    CONNECTION_SSL_STARTUP = 7,
    CONNECTION_NEEDED = 8,
    CONNECTION_CHECK_WRITABLE = 9,
    CONNECTION_CONSUME = 10,
    CONNECTION_GSS_STARTUP = 11,
    CONNECTION_CHECK_TARGET = 12,
    CONNECTION_CHECK_STANDBY = 13,
    CONNECTION_ALLOCATED = 14,
    CONNECTION_AUTHENTICATING = 15,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostgresPollingStatusType {
    PGRES_POLLING_FAILED = 0,
    PGRES_POLLING_READING = 1,
    PGRES_POLLING_WRITING = 2,
    PGRES_POLLING_OK = 3,
    PGRES_POLLING_ACTIVE = 4,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExecStatusType {
    PGRES_EMPTY_QUERY = 0,
    PGRES_COMMAND_OK = 1,
    PGRES_TUPLES_OK = 2,
    PGRES_COPY_OUT = 3,
    PGRES_COPY_IN = 4,
    PGRES_BAD_RESPONSE = 5,
    PGRES_NONFATAL_ERROR = 6,
    PGRES_FATAL_ERROR = 7,
    PGRES_COPY_BOTH = 8,
    PGRES_SINGLE_TUPLE = 9,
    PGRES_PIPELINE_SYNC = 10,
    PGRES_PIPELINE_ABORTED = 11,
    PGRES_TUPLES_CHUNK = 12,
}

impl ExecStatusType {
    /// The enum for a raw value from C; `None` for a value outside the enum.
    pub fn from_raw(v: c_uint) -> Option<Self> {
        use ExecStatusType::*;
        const ALL: [ExecStatusType; 13] = [
            PGRES_EMPTY_QUERY,
            PGRES_COMMAND_OK,
            PGRES_TUPLES_OK,
            PGRES_COPY_OUT,
            PGRES_COPY_IN,
            PGRES_BAD_RESPONSE,
            PGRES_NONFATAL_ERROR,
            PGRES_FATAL_ERROR,
            PGRES_COPY_BOTH,
            PGRES_SINGLE_TUPLE,
            PGRES_PIPELINE_SYNC,
            PGRES_PIPELINE_ABORTED,
            PGRES_TUPLES_CHUNK,
        ];
        ALL.get(v as usize).copied()
    }
}

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PGTransactionStatusType {
    PQTRANS_IDLE = 0,
    PQTRANS_ACTIVE = 1,
    PQTRANS_INTRANS = 2,
    PQTRANS_INERROR = 3,
    PQTRANS_UNKNOWN = 4,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PGVerbosity {
    PQERRORS_TERSE = 0,
    PQERRORS_DEFAULT = 1,
    PQERRORS_VERBOSE = 2,
    PQERRORS_SQLSTATE = 3,
}

impl PGVerbosity {
    /// The enum for a raw value from C; `None` outside the enum.
    pub fn from_raw(v: c_uint) -> Option<Self> {
        use PGVerbosity::*;
        [
            PQERRORS_TERSE,
            PQERRORS_DEFAULT,
            PQERRORS_VERBOSE,
            PQERRORS_SQLSTATE,
        ]
        .get(v as usize)
        .copied()
    }
}

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PGContextVisibility {
    PQSHOW_CONTEXT_NEVER = 0,
    PQSHOW_CONTEXT_ERRORS = 1,
    PQSHOW_CONTEXT_ALWAYS = 2,
}

impl PGContextVisibility {
    /// The enum for a raw value from C; `None` outside the enum.
    pub fn from_raw(v: c_uint) -> Option<Self> {
        use PGContextVisibility::*;
        [
            PQSHOW_CONTEXT_NEVER,
            PQSHOW_CONTEXT_ERRORS,
            PQSHOW_CONTEXT_ALWAYS,
        ]
        .get(v as usize)
        .copied()
    }
}

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PGPing {
    PQPING_OK = 0,
    PQPING_REJECT = 1,
    PQPING_NO_RESPONSE = 2,
    PQPING_NO_ATTEMPT = 3,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PGpipelineStatus {
    PQ_PIPELINE_OFF = 0,
    PQ_PIPELINE_ON = 1,
    PQ_PIPELINE_ABORTED = 2,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PGauthData {
    PQAUTHDATA_PROMPT_OAUTH_DEVICE = 0,
    PQAUTHDATA_OAUTH_BEARER_TOKEN = 1,
}

/// `libpq-events.h`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PGEventId {
    PGEVT_REGISTER = 0,
    PGEVT_CONNRESET = 1,
    PGEVT_CONNDESTROY = 2,
    PGEVT_RESULTCREATE = 3,
    PGEVT_RESULTCOPY = 4,
    PGEVT_RESULTDESTROY = 5,
}

/// Enum-typed *parameters* arrive as raw integers: C may pass any value, and a
/// Rust enum holding an undeclared value would be undefined behaviour. The
/// header still names the enum type (`[export.rename]` in cbindgen.toml).
pub type ExecStatusTypeArg = c_uint;
pub type PGVerbosityArg = c_uint;
pub type PGContextVisibilityArg = c_uint;
/// `PGauthData` as a parameter (`PQdefaultAuthDataHook`).
pub type PGauthDataArg = c_uint;
/// `PostgresPollingStatusType` as returned *to* us by a C callback
/// (`PGoauthBearerRequest.async`).
pub type PostgresPollingStatusTypeArg = c_uint;

impl PGauthData {
    /// The enum for a raw value from C; `None` outside the enum.
    pub fn from_raw(v: c_uint) -> Option<Self> {
        use PGauthData::*;
        [
            PQAUTHDATA_PROMPT_OAUTH_DEVICE,
            PQAUTHDATA_OAUTH_BEARER_TOKEN,
        ]
        .get(v as usize)
        .copied()
    }
}

impl PostgresPollingStatusType {
    /// The enum for a raw value from C; `None` outside the enum.
    pub fn from_raw(v: c_uint) -> Option<Self> {
        use PostgresPollingStatusType::*;
        [
            PGRES_POLLING_FAILED,
            PGRES_POLLING_READING,
            PGRES_POLLING_WRITING,
            PGRES_POLLING_OK,
            PGRES_POLLING_ACTIVE,
        ]
        .get(v as usize)
        .copied()
    }
}

/// One connection option as `PQconndefaults`, `PQconninfoParse` and
/// `PQconninfo` return it.
#[repr(C)]
pub struct PQconninfoOption {
    pub keyword: *mut c_char,
    pub envvar: *mut c_char,
    pub compiled: *mut c_char,
    pub val: *mut c_char,
    pub label: *mut c_char,
    pub dispchar: *mut c_char,
    pub dispsize: c_int,
}

/// An asynchronous notification (`struct pgNotify`).
#[repr(C)]
pub struct PGnotify {
    pub relname: *mut c_char,
    pub be_pid: c_int,
    pub extra: *mut c_char,
    pub next: *mut PGnotify,
}

/// Options of `PQprint`.
#[repr(C)]
pub struct PQprintOpt {
    pub header: pqbool,
    pub align: pqbool,
    pub standard: pqbool,
    pub html3: pqbool,
    pub expanded: pqbool,
    pub pager: pqbool,
    pub fieldSep: *mut c_char,
    pub tableOpt: *mut c_char,
    pub caption: *mut c_char,
    pub fieldName: *mut *mut c_char,
}

/// Value of a `PQArgBlock`: a pointer or an integer.
#[repr(C)]
#[derive(Clone, Copy)]
pub union PQArgBlockValue {
    pub ptr: *mut c_int,
    pub integer: c_int,
}

/// One argument of `PQfn`.
#[repr(C)]
pub struct PQArgBlock {
    pub len: c_int,
    pub isint: c_int,
    pub u: PQArgBlockValue,
}

/// A column description for `PQsetResultAttrs`.
#[repr(C)]
pub struct PGresAttDesc {
    pub name: *mut c_char,
    pub tableid: Oid,
    pub columnid: c_int,
    pub format: c_int,
    pub typid: Oid,
    pub typlen: c_int,
    pub atttypmod: c_int,
}

/// `PQnoticeReceiver`.
pub type PQnoticeReceiver = Option<unsafe extern "C" fn(arg: *mut c_void, res: *const PGresult)>;
/// `PQnoticeProcessor`.
pub type PQnoticeProcessor = Option<unsafe extern "C" fn(arg: *mut c_void, message: *const c_char)>;

/// `pgthreadlock_t`: the lock callback of `PQregisterThreadLock`.
pub type pgthreadlock_t = Option<unsafe extern "C" fn(acquire: c_int)>;

/// `PQsslKeyPassHook_OpenSSL_type` (13+).
pub type PQsslKeyPassHook_OpenSSL_type =
    Option<unsafe extern "C" fn(buf: *mut c_char, size: c_int, conn: *mut PGconn) -> c_int>;

/// `PQauthDataHook_type` (18). We call it, so its enum parameter is a real enum.
pub type PQauthDataHook_type =
    Option<unsafe extern "C" fn(r#type: PGauthData, conn: *mut PGconn, data: *mut c_void) -> c_int>;

/// Data of the `PQAUTHDATA_PROMPT_OAUTH_DEVICE` hook (18).
#[repr(C)]
pub struct PGpromptOAuthDevice {
    pub verification_uri: *const c_char,
    pub user_code: *const c_char,
    pub verification_uri_complete: *const c_char,
    pub expires_in: c_int,
}

/// Data of the `PQAUTHDATA_OAUTH_BEARER_TOKEN` hook (18). `async` returns a
/// raw `PostgresPollingStatusType` (it comes from C).
#[repr(C)]
pub struct PGoauthBearerRequest {
    pub openid_configuration: *const c_char,
    pub scope: *const c_char,
    pub r#async: Option<
        unsafe extern "C" fn(
            conn: *mut PGconn,
            request: *mut PGoauthBearerRequest,
            altsock: *mut c_int,
        ) -> PostgresPollingStatusTypeArg,
    >,
    pub cleanup:
        Option<unsafe extern "C" fn(conn: *mut PGconn, request: *mut PGoauthBearerRequest)>,
    pub token: *mut c_char,
    pub user: *mut c_void,
}

/// `PGEVT_REGISTER` data (`libpq-events.h`).
#[repr(C)]
pub struct PGEventRegister {
    pub conn: *mut PGconn,
}

/// `PGEVT_CONNRESET` data.
#[repr(C)]
pub struct PGEventConnReset {
    pub conn: *mut PGconn,
}

/// `PGEVT_CONNDESTROY` data.
#[repr(C)]
pub struct PGEventConnDestroy {
    pub conn: *mut PGconn,
}

/// `PGEVT_RESULTCREATE` data.
#[repr(C)]
pub struct PGEventResultCreate {
    pub conn: *mut PGconn,
    pub result: *mut PGresult,
}

/// `PGEVT_RESULTCOPY` data.
#[repr(C)]
pub struct PGEventResultCopy {
    pub src: *const PGresult,
    pub dest: *mut PGresult,
}

/// `PGEVT_RESULTDESTROY` data.
#[repr(C)]
pub struct PGEventResultDestroy {
    pub result: *mut PGresult,
}

/// `PGEventProc`: an event callback. We call it, so `evtId` is a real enum.
pub type PGEventProc = Option<
    unsafe extern "C" fn(evtId: PGEventId, evtInfo: *mut c_void, passThrough: *mut c_void) -> c_int,
>;

// ---- Macros of the public headers that are plain values (cbindgen writes
// them as `#define`s). Function-like macros and `InvalidOid` are in
// include/template/*.h.in.

/// Feature macros of `libpq-fe.h` (14+).
pub const LIBPQ_HAS_PIPELINING: c_int = 1;
pub const LIBPQ_HAS_TRACE_FLAGS: c_int = 1;
pub const LIBPQ_HAS_SSL_LIBRARY_DETECTION: c_int = 1;
pub const LIBPQ_HAS_ASYNC_CANCEL: c_int = 1;
pub const LIBPQ_HAS_CHANGE_PASSWORD: c_int = 1;
pub const LIBPQ_HAS_CHUNK_MODE: c_int = 1;
pub const LIBPQ_HAS_CLOSE_PREPARED: c_int = 1;
pub const LIBPQ_HAS_SEND_PIPELINE_SYNC: c_int = 1;
pub const LIBPQ_HAS_SOCKET_POLL: c_int = 1;
pub const LIBPQ_HAS_FULL_PROTOCOL_VERSION: c_int = 1;
pub const LIBPQ_HAS_PROMPT_OAUTH_DEVICE: c_int = 1;

/// Flags of `PQcopyResult`.
pub const PG_COPYRES_ATTRS: c_int = 0x01;
/// Implies `PG_COPYRES_ATTRS`.
pub const PG_COPYRES_TUPLES: c_int = 0x02;
pub const PG_COPYRES_EVENTS: c_int = 0x04;
pub const PG_COPYRES_NOTICEHOOKS: c_int = 0x08;

/// Largest `nParams` of the query functions.
pub const PQ_QUERY_PARAM_MAX_LIMIT: c_int = 65535;

/// Flags of `PQsetTraceFlags`.
pub const PQTRACE_SUPPRESS_TIMESTAMPS: c_int = 1 << 0;
pub const PQTRACE_REGRESS_MODE: c_int = 1 << 1;

/// Error field codes of `PQresultErrorField` (`postgres_ext.h`); C compares
/// them as `int`, so use `PG_DIAG_SQLSTATE as c_int`.
pub const PG_DIAG_SEVERITY: char = 'S';
pub const PG_DIAG_SEVERITY_NONLOCALIZED: char = 'V';
pub const PG_DIAG_SQLSTATE: char = 'C';
pub const PG_DIAG_MESSAGE_PRIMARY: char = 'M';
pub const PG_DIAG_MESSAGE_DETAIL: char = 'D';
pub const PG_DIAG_MESSAGE_HINT: char = 'H';
pub const PG_DIAG_STATEMENT_POSITION: char = 'P';
pub const PG_DIAG_INTERNAL_POSITION: char = 'p';
pub const PG_DIAG_INTERNAL_QUERY: char = 'q';
pub const PG_DIAG_CONTEXT: char = 'W';
pub const PG_DIAG_SCHEMA_NAME: char = 's';
pub const PG_DIAG_TABLE_NAME: char = 't';
pub const PG_DIAG_COLUMN_NAME: char = 'c';
pub const PG_DIAG_DATATYPE_NAME: char = 'd';
pub const PG_DIAG_CONSTRAINT_NAME: char = 'n';
pub const PG_DIAG_SOURCE_FILE: char = 'F';
pub const PG_DIAG_SOURCE_LINE: char = 'L';
pub const PG_DIAG_SOURCE_FUNCTION: char = 'R';

/// `PQnoPasswordSupplied` (deprecated string test; the header macro is written
/// in include/template/libpq-fe.h.in, cbindgen cannot emit string macros).
pub const PQnoPasswordSupplied: &str = "fe_sendauth: no password supplied\n";

/// `InvalidOid` (`postgres_ext.h`).
pub const InvalidOid: Oid = 0;

/// Mode flags of `lo_open`/`lo_creat` (`libpq/libpq-fs.h`).
pub const INV_WRITE: c_int = 0x0002_0000;
pub const INV_READ: c_int = 0x0004_0000;
