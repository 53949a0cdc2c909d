//! Cancel connections (`PGcancelConn`, libpq 17's cancel API): a connection
//! of its own that runs the connect machine in cancel-request mode to the
//! address the original connection uses, sends the CancelRequest instead of
//! the startup packet and waits for the server to close (fe-cancel.c).
//!
//! Because it is the same machine, whatever the original connection's
//! transport will need on the way (TLS negotiation, keepalives, timeouts)
//! applies to the cancel connection too.

use super::connect::{CancelTarget, PollStatus};
use super::Connection;
use crate::conninfo::ConnOptions;
use crate::ffi::types::ConnStatusType::{self, *};
use crate::messages::conn as msg;

/// `PGcancelConn`: opaque to C.
pub struct CancelConn {
    conn: Connection,
}

impl CancelConn {
    /// PQcancelCreate: copies the original's options, the host it is
    /// connected to, that address and its backend's cancel key. Made from a
    /// NULL or closed connection, or one without a cancel key, it is
    /// CONNECTION_BAD with libpq's message.
    pub fn create(original: Option<&Connection>) -> CancelConn {
        let mut conn = Connection::new(Ok(ConnOptions::default()));
        conn.connect.cancel_mode = true;
        let Some(original) = original else {
            conn.append_error(msg::CANCEL_CONN_NULL);
            return CancelConn { conn };
        };
        let (Some(_), Some(addr)) = (&original.sock, original.connect.current_address()) else {
            conn.append_error(msg::CONNECTION_NOT_OPEN);
            return CancelConn { conn };
        };
        if original.cancel_key.is_empty() {
            // No BackendKeyData (yet): nothing to send.
            conn.append_error(msg::CANCEL_NO_KEY);
            return CancelConn { conn };
        }
        conn.options = original.options.clone();
        conn.options_parsed = original.options_parsed;
        conn.options_valid = true;
        let mut plan = original.plan.clone();
        if let Some(plan) = plan.as_mut() {
            // Only the host in use, not the whole list.
            plan.targets = original.current_target().cloned().into_iter().collect();
        }
        conn.plan = plan;
        conn.backend_pid = original.backend_pid;
        conn.cancel_key = original.cancel_key.clone();
        conn.pversion = original.pversion;
        conn.connect.cancel = Some(CancelTarget {
            addr: addr.clone(),
            packet: crate::cancel::request_bytes(original.backend_pid, &original.cancel_key),
        });
        conn.status = CONNECTION_ALLOCATED;
        CancelConn { conn }
    }

    /// PQcancelStart: starts sending the request; false when it cannot be.
    pub fn start(&mut self) -> bool {
        let conn = &mut self.conn;
        if conn.status == CONNECTION_BAD {
            return false;
        }
        if conn.status != CONNECTION_ALLOCATED {
            conn.append_error(msg::CANCEL_ALREADY_SENT);
            conn.status = CONNECTION_BAD;
            return false;
        }
        conn.connect_start()
    }

    /// PQcancelPoll: as PQconnectPoll.
    pub fn poll(&mut self) -> PollStatus {
        self.conn.connect_poll()
    }

    /// PQcancelBlocking: start and wait until the server has the request.
    pub fn blocking(&mut self) -> bool {
        self.start() && self.conn.connect_complete()
    }

    pub fn status(&self) -> ConnStatusType {
        self.conn.status()
    }

    pub fn socket(&self) -> i32 {
        self.conn.socket()
    }

    pub fn error_message(&self) -> &std::ffi::CStr {
        self.conn.error_message()
    }

    /// PQcancelReset: closes and makes it ready to send the same request
    /// again (even a connection made from nothing, which then fails to start).
    pub fn reset(&mut self) {
        let conn = &mut self.conn;
        conn.close();
        conn.clear_error();
        conn.nonblocking = false;
        conn.status = CONNECTION_ALLOCATED;
    }

    /// PQcancelFinish's closing part.
    pub fn close(&mut self) {
        self.conn.close();
    }
}
