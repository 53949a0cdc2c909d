//! Wire protocol v3 codec.
