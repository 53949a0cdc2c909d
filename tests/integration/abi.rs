//! abi tests.
