//! Message texts: conn.
