//! c_examples tests.
