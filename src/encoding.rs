//! Encoding names and ids (the server's pg_enc numbering).
