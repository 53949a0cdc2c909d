//! Test support: a real PostgreSQL server for the run, C compilation helpers.
