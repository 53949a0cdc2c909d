//! libpq-rs: PostgreSQL's client library `libpq.so.5`, written in Rust.
//!
//! Layers, bottom up (see ARCHITECTURE.md): `protocol` (sans-IO codec), `auth`
//! (password exchanges), `conninfo` (connection options), `net` (sockets),
//! `conn` (the one connection and query engine), `result` (PGresult), and
//! `ffi` (the exported C functions, the only place that handles C pointers).

pub mod auth;
pub mod cancel;
pub mod cnum;
pub mod conn;
pub mod conninfo;
pub mod encoding;
pub mod errfmt;
pub mod escape;
pub mod ffi;
pub mod messages;
pub mod net;
pub mod print;
pub mod protocol;
pub mod result;
pub mod threadlock;
pub mod trace;

/// Our version in libpq's numbering (`PG_VERSION_NUM`): 18.x.
pub const LIB_VERSION: i32 = 180_004;
