//! The exported `extern "C"` functions, one file per area. Each function checks
//! its pointers, calls the engine and converts the answer; no logic lives here.
//!
//! Every exported function runs inside [`guard`], so no panic crosses the C
//! boundary: a panic becomes the function's documented failure value.
//!
//! # Safety
//! Every export has libpq's contract: a handle argument is NULL or a live
//! handle this library made, a string argument is NULL or NUL-terminated, an
//! array is as long as libpq's documentation says. Each function's `unsafe`
//! blocks rely on exactly that, so the contract is stated once here.
#![allow(clippy::missing_safety_doc)]

pub mod cancel;
pub mod connect;
pub mod conninfo;
pub mod copy;
pub mod encoding;
pub mod escape;
pub mod events;
pub mod exec;
pub mod expbuffer;
pub mod handle;
pub mod lobj;
pub mod misc;
pub mod nonblocking;
pub mod notice;
pub mod notify;
pub mod oauth;
pub mod password;
pub mod pipeline;
pub mod print;
pub mod result;
pub mod ssl;
pub mod status;
pub mod trace;
pub mod types;

pub use cancel::*;
pub use connect::*;
pub use conninfo::*;
pub use copy::*;
pub use encoding::*;
pub use escape::*;
pub use events::*;
pub use exec::*;
pub use handle::guard;
pub use lobj::*;
pub use misc::*;
pub use nonblocking::*;
pub use notice::{PQsetNoticeProcessor, PQsetNoticeReceiver};
pub use notify::*;
pub use password::*;
pub use pipeline::*;
pub use print::*;
pub use result::*;
pub use ssl::*;
pub use status::*;
pub use trace::*;
pub use types::*;
