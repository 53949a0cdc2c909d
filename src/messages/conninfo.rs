//! Message texts: conninfo.
