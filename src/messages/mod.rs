//! Every message text libpq-rs shows a user, in one place, grouped by area so
//! they can be reviewed side by side with libpq's (`libpq_append_conn_error`
//! and friends in `src/interfaces/libpq/*.c`). Texts are libpq's, word for word.

pub mod auth;
pub mod conn;
pub mod conninfo;
pub mod lobj;
pub mod print;
pub mod result;
pub mod tls;
