//! Formatting of server error and notice messages as libpq words them.
