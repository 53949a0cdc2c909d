//! Message texts: result.
