//! Message texts: auth.
