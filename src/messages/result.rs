//! Message texts: results and their accessors (fe-exec.c, fe-protocol3.c).

pub const INSUFFICIENT_DATA_IN_D: &str = "insufficient data in \"D\" message";
pub const UNEXPECTED_FIELD_COUNT_IN_D: &str = "unexpected field count in \"D\" message";
pub const D_LENGTH_MISMATCH: &str =
    "message contents do not agree with length in message type \"D\"";

pub fn row_out_of_range(row: i32, max: i32) -> String {
    format!("row number {row} is out of range 0..{max}")
}

pub fn column_out_of_range(col: i32, max: i32) -> String {
    format!("column number {col} is out of range 0..{max}")
}

pub fn param_out_of_range(param: i32, max: i32) -> String {
    format!("parameter number {param} is out of range 0..{max}")
}

pub fn could_not_interpret(tag: &str) -> String {
    format!("could not interpret result from server: {tag}")
}

/// `PQresStatus` names, indexed by `ExecStatusType`.
pub const STATUS_NAMES: [&std::ffi::CStr; 13] = [
    c"PGRES_EMPTY_QUERY",
    c"PGRES_COMMAND_OK",
    c"PGRES_TUPLES_OK",
    c"PGRES_COPY_OUT",
    c"PGRES_COPY_IN",
    c"PGRES_BAD_RESPONSE",
    c"PGRES_NONFATAL_ERROR",
    c"PGRES_FATAL_ERROR",
    c"PGRES_COPY_BOTH",
    c"PGRES_SINGLE_TUPLE",
    c"PGRES_PIPELINE_SYNC",
    c"PGRES_PIPELINE_ABORTED",
    c"PGRES_TUPLES_CHUNK",
];
pub const INVALID_STATUS: &std::ffi::CStr = c"invalid ExecStatusType code";
pub const NOT_AN_ERROR_RESULT: &str = "PGresult is not an error result\n";

/// DataRow storage could not be had (libpq's getAnotherTuple).
pub const OUT_OF_MEMORY_FOR_RESULT: &str = "out of memory for query result";
/// PQsetvalue's complaint when memory runs out (a notice).
pub const OUT_OF_MEMORY_NOTICE: &str = "out of memory";
