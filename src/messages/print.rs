//! Message texts: printing results (fe-print.c). The texts libpq translates;
//! the HTML markup and the row-count lines are not translated there either
//! and live with the formatting code.

/// On stderr when `PQprintOpt.fieldSep` is longer than an `int` can count.
pub const OVERLONG_FIELD_SEP: &str = "overlong field separator\n";

/// The first column's title of the expanded (`expanded`) header line.
pub const FIELD: &str = "Field";

/// The second column's title of the expanded header line.
pub const VALUE: &str = "Value";

/// The line before each record in expanded mode (`-- RECORD %d --`).
pub fn record(index: i32) -> String {
    format!("-- RECORD {index} --\n")
}
