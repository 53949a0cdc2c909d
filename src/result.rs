//! `PgResult`: a query result.
pub struct PgResult {}
