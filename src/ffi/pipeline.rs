//! Exports: pipeline mode (PQenterPipelineMode, PQpipelineSync, ...) and
//! the partial result modes (PQsetSingleRowMode, PQsetChunkedRowsMode).

use std::ffi::c_int;

use super::handle::{borrow, borrow_mut, guard};
use super::types::{PGconn, PGpipelineStatus};
use crate::conn::Connection;

/// Runs `f` on a live connection; `fail` for NULL (or a panic).
///
/// # Safety
/// `conn` is NULL or a live handle from this library.
unsafe fn with_conn<R: Copy>(
    conn: *mut PGconn,
    fail: R,
    f: impl FnOnce(&mut Connection) -> R,
) -> R {
    // SAFETY: forwarded contract.
    guard(fail, || unsafe { borrow_mut(conn) }.map_or(fail, f))
}

#[no_mangle]
pub unsafe extern "C" fn PQenterPipelineMode(conn: *mut PGconn) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_conn(conn, 0, |c| c.enter_pipeline() as c_int) }
}

#[no_mangle]
pub unsafe extern "C" fn PQexitPipelineMode(conn: *mut PGconn) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_conn(conn, 0, |c| c.exit_pipeline() as c_int) }
}

/// A Sync in the pipeline, pushed to the server at once.
#[no_mangle]
pub unsafe extern "C" fn PQpipelineSync(conn: *mut PGconn) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_conn(conn, 0, |c| c.pipeline_sync(true) as c_int) }
}

/// A Sync in the pipeline, pushed only once enough output is queued.
#[no_mangle]
pub unsafe extern "C" fn PQsendPipelineSync(conn: *mut PGconn) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_conn(conn, 0, |c| c.pipeline_sync(false) as c_int) }
}

#[no_mangle]
pub unsafe extern "C" fn PQsendFlushRequest(conn: *mut PGconn) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_conn(conn, 0, |c| c.send_flush_request() as c_int) }
}

#[no_mangle]
pub unsafe extern "C" fn PQpipelineStatus(conn: *const PGconn) -> PGpipelineStatus {
    let off = PGpipelineStatus::PQ_PIPELINE_OFF;
    guard(off, || {
        // SAFETY: libpq's contract (see the module documentation).
        unsafe { borrow(conn) }.map_or(off, |c| c.pipeline_status())
    })
}

/// Rows one per result (PGRES_SINGLE_TUPLE) for the command just sent.
#[no_mangle]
pub unsafe extern "C" fn PQsetSingleRowMode(conn: *mut PGconn) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_conn(conn, 0, |c| c.set_single_row_mode() as c_int) }
}

/// Rows up to `chunk_size` per result (PGRES_TUPLES_CHUNK) for the command just sent.
#[no_mangle]
pub unsafe extern "C" fn PQsetChunkedRowsMode(conn: *mut PGconn, chunk_size: c_int) -> c_int {
    // SAFETY: libpq's contract (see the module documentation).
    unsafe { with_conn(conn, 0, |c| c.set_chunked_rows_mode(chunk_size) as c_int) }
}
