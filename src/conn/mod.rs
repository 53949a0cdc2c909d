//! The connection engine.
pub struct Connection {}
