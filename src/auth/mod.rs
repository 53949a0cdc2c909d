//! Authentication exchanges: cleartext, MD5, SCRAM-SHA-256 (sans-IO state machines).
