//! Exports: encoding names and ids.
