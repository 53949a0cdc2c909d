//! The exported `extern "C"` functions, one file per area. Each function checks
//! its pointers, calls the engine and converts the answer; no logic lives here.
//!
//! Every exported function runs inside [`guard`], so no panic crosses the C
//! boundary: a panic becomes the function's documented failure value.

pub mod conninfo;
pub mod encoding;
pub mod handle;
pub mod types;

pub use conninfo::*;
pub use encoding::*;
pub use handle::guard;
pub use types::*;
