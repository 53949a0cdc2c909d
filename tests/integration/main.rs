//! Integration tests: one test binary, one PostgreSQL server for all of them
//! (started by `support`, stopped when the process exits).

#[path = "../support/mod.rs"]
mod support;

mod abi;
mod bench_harness;
mod c_examples;
mod cancel;
mod clients;
mod connect;
mod differential;
mod escape;
mod exec;
mod expbuffer;
mod extended;
mod fake_server;
mod lobj;
mod nonblocking;
mod oauth;
mod password;
mod pipeline;
mod print;
mod protocol;
mod psql;
mod python;
mod readme;
mod replication;
mod security;
mod tls_harness;
mod util;
