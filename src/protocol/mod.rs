//! Wire protocol version 3: encoding frontend messages into a buffer and
//! splitting the input buffer into backend messages, sans-IO.

pub mod backend;
pub mod frontend;

/// Protocol 3.0 as sent in the startup packet.
pub const PROTOCOL_3_0: i32 = 3 << 16;
