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

pub mod connect;
pub mod conninfo;
pub mod encoding;
pub mod exec;
pub mod handle;
pub mod notice;
pub mod result;
pub mod status;
pub mod types;

pub use connect::*;
pub use conninfo::*;
pub use encoding::*;
pub use exec::*;
pub use handle::guard;
pub use notice::{PQsetNoticeProcessor, PQsetNoticeReceiver};
pub use result::*;
pub use status::*;
pub use types::*;
