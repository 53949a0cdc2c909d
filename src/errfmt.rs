//! Formatting of server error and notice messages as libpq words them
//! (fe-protocol3.c: `pqBuildErrorMessage3`, `reportErrorPosition`).

use crate::encoding::{dsplen, max_length, mblen_bounded};
use crate::ffi::types::{PGContextVisibility, PGVerbosity};
use crate::messages::auth as msg;

/// `PG_DIAG_*` field codes used here.
mod diag {
    pub const SEVERITY: u8 = b'S';
    pub const SQLSTATE: u8 = b'C';
    pub const MESSAGE_PRIMARY: u8 = b'M';
    pub const MESSAGE_DETAIL: u8 = b'D';
    pub const MESSAGE_HINT: u8 = b'H';
    pub const STATEMENT_POSITION: u8 = b'P';
    pub const INTERNAL_POSITION: u8 = b'p';
    pub const INTERNAL_QUERY: u8 = b'q';
    pub const CONTEXT: u8 = b'W';
    pub const SCHEMA_NAME: u8 = b's';
    pub const TABLE_NAME: u8 = b't';
    pub const COLUMN_NAME: u8 = b'c';
    pub const DATATYPE_NAME: u8 = b'd';
    pub const CONSTRAINT_NAME: u8 = b'n';
    pub const SOURCE_FILE: u8 = b'F';
    pub const SOURCE_LINE: u8 = b'L';
    pub const SOURCE_FUNCTION: u8 = b'R';
}

/// `pqBuildErrorMessage3`: the text of an error or notice from its fields.
///
/// `field(code)` returns a `PG_DIAG_*` field of the message; `query` is the
/// statement the error position refers to (libpq's `res->errQuery`, only
/// needed when a `P` field is present); `is_fatal_error_result` is true for
/// an ErrorResponse (a `PGRES_FATAL_ERROR` result), which decides whether
/// CONTEXT is shown under `PQSHOW_CONTEXT_ERRORS`; `client_encoding` is the
/// result's encoding, used to count characters and screen columns for the
/// error cursor. A message with no fields at all gives libpq's
/// "no error message available".
pub fn build_error_message<'a>(
    field: &dyn Fn(u8) -> Option<&'a [u8]>,
    query: Option<&[u8]>,
    verbosity: PGVerbosity,
    show_context: PGContextVisibility,
    is_fatal_error_result: bool,
    client_encoding: i32,
) -> Vec<u8> {
    use PGVerbosity::*;

    if !(1..=255u8).any(|code| field(code).is_some()) {
        return msg::NO_ERROR_MESSAGE_AVAILABLE.as_bytes().to_vec();
    }

    let mut out = Vec::new();
    let mut verbosity = verbosity;

    if let Some(v) = field(diag::SEVERITY) {
        out.extend_from_slice(v);
        out.extend_from_slice(b":  ");
    }
    if verbosity == PQERRORS_SQLSTATE {
        if let Some(v) = field(diag::SQLSTATE) {
            out.extend_from_slice(v);
            out.push(b'\n');
            return out;
        }
        verbosity = PQERRORS_TERSE;
    }
    if verbosity == PQERRORS_VERBOSE {
        if let Some(v) = field(diag::SQLSTATE) {
            out.extend_from_slice(v);
            out.extend_from_slice(b": ");
        }
    }
    if let Some(v) = field(diag::MESSAGE_PRIMARY) {
        out.extend_from_slice(v);
    }

    let mut querytext: Option<&[u8]> = None;
    let mut querypos = 0;
    if let Some(pos) = field(diag::STATEMENT_POSITION) {
        if verbosity != PQERRORS_TERSE && query.is_some() {
            querytext = query;
            querypos = crate::cnum::atoi(pos);
        } else {
            out.extend_from_slice(msg::AT_CHARACTER.as_bytes());
            out.extend_from_slice(pos);
        }
    } else if let Some(pos) = field(diag::INTERNAL_POSITION) {
        querytext = field(diag::INTERNAL_QUERY);
        if verbosity != PQERRORS_TERSE && querytext.is_some() {
            querypos = crate::cnum::atoi(pos);
        } else {
            out.extend_from_slice(msg::AT_CHARACTER.as_bytes());
            out.extend_from_slice(pos);
        }
    }
    out.push(b'\n');

    let line = |out: &mut Vec<u8>, label: &str, code: u8| {
        if let Some(v) = field(code) {
            out.extend_from_slice(label.as_bytes());
            out.extend_from_slice(v);
            out.push(b'\n');
        }
    };

    if verbosity != PQERRORS_TERSE {
        if let Some(q) = querytext {
            if querypos > 0 {
                report_error_position(&mut out, q, querypos, client_encoding);
            }
        }
        line(&mut out, msg::DETAIL, diag::MESSAGE_DETAIL);
        line(&mut out, msg::HINT, diag::MESSAGE_HINT);
        line(&mut out, msg::QUERY, diag::INTERNAL_QUERY);
        if show_context == PGContextVisibility::PQSHOW_CONTEXT_ALWAYS
            || (show_context == PGContextVisibility::PQSHOW_CONTEXT_ERRORS && is_fatal_error_result)
        {
            line(&mut out, msg::CONTEXT, diag::CONTEXT);
        }
    }
    if verbosity == PQERRORS_VERBOSE {
        line(&mut out, msg::SCHEMA_NAME, diag::SCHEMA_NAME);
        line(&mut out, msg::TABLE_NAME, diag::TABLE_NAME);
        line(&mut out, msg::COLUMN_NAME, diag::COLUMN_NAME);
        line(&mut out, msg::DATATYPE_NAME, diag::DATATYPE_NAME);
        line(&mut out, msg::CONSTRAINT_NAME, diag::CONSTRAINT_NAME);

        let file = field(diag::SOURCE_FILE);
        let lineno = field(diag::SOURCE_LINE);
        let func = field(diag::SOURCE_FUNCTION);
        if func.is_some() || file.is_some() || lineno.is_some() {
            out.extend_from_slice(msg::LOCATION.as_bytes());
            if let Some(f) = func {
                out.extend_from_slice(f);
                out.extend_from_slice(b", ");
            }
            if let (Some(f), Some(l)) = (file, lineno) {
                out.extend_from_slice(f);
                out.push(b':');
                out.extend_from_slice(l);
            }
            out.push(b'\n');
        }
    }
    out
}

/// `pqBuildErrorMessage3` for a result without error fields (one libpq made
/// itself, e.g. for a lost connection): its message, or "no error message
/// available".
pub fn message_without_fields(err_msg: Option<&[u8]>) -> Vec<u8> {
    match err_msg {
        Some(m) if !m.is_empty() => m.to_vec(),
        _ => msg::NO_ERROR_MESSAGE_AVAILABLE.as_bytes().to_vec(),
    }
}

const DISPLAY_SIZE: i64 = 60;
const MIN_RIGHT_CUT: i64 = 10;

/// `reportErrorPosition`: the `LINE n: ...` line and the caret under the
/// character at 1-based position `loc` of `query` (in characters of
/// `encoding`), with a 60-column window.
fn report_error_position(out: &mut Vec<u8>, query: &[u8], loc: i32, encoding: i32) {
    let Some(loc) = loc.checked_sub(1).filter(|l| *l >= 0) else {
        return;
    };
    let loc = loc as usize;
    let end = query.iter().position(|&b| b == 0).unwrap_or(query.len());
    let mut wquery = query[..end].to_vec();
    let slen = wquery.len() + 1;
    let mut qidx = vec![0usize; slen];
    let mut scridx = vec![0i64; slen];
    let mb_encoding = max_length(encoding) != 1;

    let mut qoffset = 0usize;
    let mut scroffset = 0i64;
    let mut loc_line = 1i32;
    let mut ibeg = 0usize;
    let mut iend: Option<usize> = None;
    let mut cno = 0usize;
    while qoffset < wquery.len() {
        let ch = wquery[qoffset];
        qidx[cno] = qoffset;
        scridx[cno] = scroffset;
        if ch == b'\t' {
            wquery[qoffset] = b' ';
        } else if ch == b'\r' || ch == b'\n' {
            if cno < loc {
                if ch == b'\r' || cno == 0 || wquery[qidx[cno - 1]] != b'\r' {
                    loc_line += 1;
                }
                ibeg = cno + 1;
            } else {
                iend = Some(cno);
                break;
            }
        }
        if mb_encoding {
            let w = dsplen(encoding, &wquery[qoffset..]);
            scroffset += if w <= 0 { 1 } else { w as i64 };
            qoffset += mblen_bounded(encoding, &wquery[qoffset..]).max(1);
        } else {
            scroffset += 1;
            qoffset += 1;
        }
        cno += 1;
    }
    let mut iend = match iend {
        Some(i) => i,
        None => {
            qidx[cno] = qoffset;
            scridx[cno] = scroffset;
            cno
        }
    };

    if loc > cno {
        return;
    }
    let mut beg_trunc = false;
    let mut end_trunc = false;
    if scridx[iend] - scridx[ibeg] > DISPLAY_SIZE {
        if scridx[ibeg] + DISPLAY_SIZE >= scridx[loc] + MIN_RIGHT_CUT {
            while scridx[iend] - scridx[ibeg] > DISPLAY_SIZE {
                iend -= 1;
            }
            end_trunc = true;
        } else {
            while scridx[loc] + MIN_RIGHT_CUT < scridx[iend] {
                iend -= 1;
                end_trunc = true;
            }
            while scridx[iend] - scridx[ibeg] > DISPLAY_SIZE {
                ibeg += 1;
                beg_trunc = true;
            }
        }
    }
    wquery.truncate(qidx[iend]);

    let prefix_start = out.len();
    out.extend_from_slice(msg::error_line(loc_line).as_bytes());
    if beg_trunc {
        out.extend_from_slice(b"...");
    }
    let mut scroffset = 0i64;
    let mut i = prefix_start;
    while i < out.len() {
        let w = dsplen(encoding, &out[i..]);
        scroffset += if w <= 0 { 1 } else { w as i64 };
        i += mblen_bounded(encoding, &out[i..]).max(1);
    }
    out.extend_from_slice(&wquery[qidx[ibeg]..]);
    if end_trunc {
        out.extend_from_slice(b"...");
    }
    out.push(b'\n');

    scroffset += scridx[loc] - scridx[ibeg];
    out.resize(out.len() + scroffset.max(0) as usize, b' ');
    out.extend_from_slice(b"^\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cnum::atoi;
    use crate::ffi::types::PGContextVisibility::*;
    use crate::ffi::types::PGVerbosity::*;

    /// (verbosity, context visibility) pairs the cases were rendered with.
    const COMBOS: [(PGVerbosity, PGContextVisibility); 6] = [
        (PQERRORS_TERSE, PQSHOW_CONTEXT_ERRORS),
        (PQERRORS_DEFAULT, PQSHOW_CONTEXT_NEVER),
        (PQERRORS_DEFAULT, PQSHOW_CONTEXT_ERRORS),
        (PQERRORS_DEFAULT, PQSHOW_CONTEXT_ALWAYS),
        (PQERRORS_VERBOSE, PQSHOW_CONTEXT_ERRORS),
        (PQERRORS_SQLSTATE, PQSHOW_CONTEXT_ERRORS),
    ];

    /// One message as the system libpq (15) rendered it with
    /// `PQresultVerboseErrorMessage`: its fields, the query, the client
    /// encoding, whether it was an ErrorResponse, and the expected text per
    /// combo (only index 2, DEFAULT/ERRORS, and the combos that differ from it).
    struct Case {
        fields: &'static [(u8, &'static [u8])],
        query: &'static [u8],
        enc: i32,
        fatal: bool,
        /// only the DEFAULT/ERRORS rendering was kept
        only_default: bool,
        outs: &'static [(usize, &'static [u8])],
    }

    fn render(c: &Case, verbosity: PGVerbosity, ctx: PGContextVisibility) -> Vec<u8> {
        let field = |code: u8| c.fields.iter().find(|(k, _)| *k == code).map(|(_, v)| *v);
        build_error_message(&field, Some(c.query), verbosity, ctx, c.fatal, c.enc)
    }

    #[test]
    fn matches_system_libpq() {
        let mut checked = 0;
        for (n, c) in CASES.iter().enumerate() {
            let default = c.outs.iter().find(|(i, _)| *i == 2).unwrap().1;
            for (i, (v, ctx)) in COMBOS.iter().enumerate() {
                if c.only_default && i != 2 {
                    continue;
                }
                let want = c
                    .outs
                    .iter()
                    .find(|(k, _)| *k == i)
                    .map_or(default, |o| o.1);
                let got = render(c, *v, *ctx);
                assert_eq!(
                    String::from_utf8_lossy(&got),
                    String::from_utf8_lossy(want),
                    "case {n} ({:?}) combo {v:?}/{ctx:?}",
                    String::from_utf8_lossy(c.query)
                );
                checked += 1;
            }
        }
        assert!(checked > 400);
    }

    #[test]
    fn results_without_fields() {
        assert_eq!(
            message_without_fields(None),
            b"no error message available\n"
        );
        assert_eq!(
            message_without_fields(Some(b"")),
            b"no error message available\n"
        );
        assert_eq!(message_without_fields(Some(b"lost\n")), b"lost\n");
    }

    #[test]
    fn c_atoi() {
        assert_eq!(atoi(b"12"), 12);
        assert_eq!(atoi(b"  +8x"), 8);
        assert_eq!(atoi(b"abc"), 0);
        assert_eq!(atoi(b"-3"), -3);
        assert_eq!(atoi(b"99999999999999999999"), -1);
        assert_eq!(atoi(b"4294967297"), 1);
    }

    #[test]
    fn hostile_positions_never_panic() {
        let queries: [&[u8]; 6] = [
            b"",
            b"\n",
            b"\r\r\n\n",
            b"\xff\xfe\xfd",
            b"a\tb\0c\nd",
            b"\xe6\x97",
        ];
        for q in queries {
            for enc in -1..45 {
                for pos in [
                    b"0" as &[u8],
                    b"1",
                    b"2",
                    b"3",
                    b"4",
                    b"5",
                    b"9",
                    b"-1",
                    b"2147483647",
                ] {
                    let fields: [(u8, &[u8]); 3] = [(b'S', b"ERROR"), (b'M', b"m"), (b'P', pos)];
                    let field = |code: u8| fields.iter().find(|(k, _)| *k == code).map(|(_, v)| *v);
                    let _ = build_error_message(
                        &field,
                        Some(q),
                        PQERRORS_DEFAULT,
                        PQSHOW_CONTEXT_ERRORS,
                        true,
                        enc,
                    );
                }
            }
        }
    }

    /// Rendered by the system libpq: the first group against a real
    /// PostgreSQL 15 server, the rest from crafted ErrorResponse/NoticeResponse
    /// messages sent by a fake server (client_encoding set by ParameterStatus).
    #[rustfmt::skip]
    static CASES: &[Case] = &[
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42601"), (b'M', b"syntax error at or near \"SELEC\""), (b'P', b"1"), (b'F', b"scan.l"), (b'L', b"1188"), (b'R', b"scanner_yyerror")], query: b"SELEC 1", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  syntax error at or near \"SELEC\"\nLINE 1: SELEC 1\n        ^\n"), (0, b"ERROR:  syntax error at or near \"SELEC\" at character 1\n"), (4, b"ERROR:  42601: syntax error at or near \"SELEC\"\nLINE 1: SELEC 1\n        ^\nLOCATION:  scanner_yyerror, scan.l:1188\n"), (5, b"ERROR:  42601\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42601"), (b'M', b"syntax error at end of input"), (b'P', b"22"), (b'F', b"scan.l"), (b'L', b"1180"), (b'R', b"scanner_yyerror")], query: b"SELECT 1,\n  2,\n  foo(", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  syntax error at end of input\nLINE 3:   foo(\n              ^\n"), (0, b"ERROR:  syntax error at end of input at character 22\n"), (4, b"ERROR:  42601: syntax error at end of input\nLINE 3:   foo(\n              ^\nLOCATION:  scanner_yyerror, scan.l:1180\n"), (5, b"ERROR:  42601\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42P01"), (b'M', b"relation \"nowhere\" does not exist"), (b'P', b"29"), (b'F', b"parse_relation.c"), (b'L', b"1392"), (b'R', b"parserOpenTable")], query: b"select 1;\r\nselect\r\n  x from nowhere", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  relation \"nowhere\" does not exist\nLINE 3:   x from nowhere\n                 ^\n"), (0, b"ERROR:  relation \"nowhere\" does not exist at character 29\n"), (4, b"ERROR:  42P01: relation \"nowhere\" does not exist\nLINE 3:   x from nowhere\n                 ^\nLOCATION:  parserOpenTable, parse_relation.c:1392\n"), (5, b"ERROR:  42P01\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42P01"), (b'M', b"relation \"nosuchtable\" does not exist"), (b'P', b"16"), (b'F', b"parse_relation.c"), (b'L', b"1392"), (b'R', b"parserOpenTable")], query: b"select\t\t1\tfrom\tnosuchtable", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  relation \"nosuchtable\" does not exist\nLINE 1: select  1 from nosuchtable\n                       ^\n"), (0, b"ERROR:  relation \"nosuchtable\" does not exist at character 16\n"), (4, b"ERROR:  42P01: relation \"nosuchtable\" does not exist\nLINE 1: select  1 from nosuchtable\n                       ^\nLOCATION:  parserOpenTable, parse_relation.c:1392\n"), (5, b"ERROR:  42P01\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42P01"), (b'M', b"relation \"nosuchtable\" does not exist"), (b'P', b"114"), (b'F', b"parse_relation.c"), (b'L', b"1392"), (b'R', b"parserOpenTable")], query: b"select 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' from nosuchtable", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  relation \"nosuchtable\" does not exist\nLINE 1: ...aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' from nosuchtabl...\n                                                             ^\n"), (0, b"ERROR:  relation \"nosuchtable\" does not exist at character 114\n"), (4, b"ERROR:  42P01: relation \"nosuchtable\" does not exist\nLINE 1: ...aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' from nosuchtabl...\n                                                             ^\nLOCATION:  parserOpenTable, parse_relation.c:1392\n"), (5, b"ERROR:  42P01\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42703"), (b'M', b"column \"nosuchcol\" does not exist"), (b'P', b"8"), (b'F', b"parse_relation.c"), (b'L', b"3665"), (b'R', b"errorMissingColumn")], query: b"select nosuchcol from (select 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' as x) s", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  column \"nosuchcol\" does not exist\nLINE 1: select nosuchcol from (select 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbb...\n               ^\n"), (0, b"ERROR:  column \"nosuchcol\" does not exist at character 8\n"), (4, b"ERROR:  42703: column \"nosuchcol\" does not exist\nLINE 1: select nosuchcol from (select 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbb...\n               ^\nLOCATION:  errorMissingColumn, parse_relation.c:3665\n"), (5, b"ERROR:  42703\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42703"), (b'M', b"column \"nosuchcol\" does not exist"), (b'P', b"104"), (b'F', b"parse_relation.c"), (b'L', b"3665"), (b'R', b"errorMissingColumn")], query: b"select 'cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc' || nosuchcol || 'dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd'", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  column \"nosuchcol\" does not exist\nLINE 1: ...ccccccccccccccccccccccccccccccccccccccccccccc' || nosuchcol ...\n                                                             ^\n"), (0, b"ERROR:  column \"nosuchcol\" does not exist at character 104\n"), (4, b"ERROR:  42703: column \"nosuchcol\" does not exist\nLINE 1: ...ccccccccccccccccccccccccccccccccccccccccccccc' || nosuchcol ...\n                                                             ^\nLOCATION:  errorMissingColumn, parse_relation.c:3665\n"), (5, b"ERROR:  42703\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42703"), (b'M', b"column \"nosuchcol\" does not exist"), (b'P', b"34"), (b'F', b"parse_relation.c"), (b'L', b"3665"), (b'R', b"errorMissingColumn")], query: b"select '\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x83\x86\xe3\x82\xad\xe3\x82\xb9\xe3\x83\x88', '\xef\xbd\x97\xef\xbd\x89\xef\xbd\x84\xef\xbd\x85\xe3\x80\x80\xef\xbd\x83\xef\xbd\x88\xef\xbd\x81\xef\xbd\x92\xef\xbd\x93', nosuchcol", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  column \"nosuchcol\" does not exist\nLINE 1: select '\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x83\x86\xe3\x82\xad\xe3\x82\xb9\xe3\x83\x88', '\xef\xbd\x97\xef\xbd\x89\xef\xbd\x84\xef\xbd\x85\xe3\x80\x80\xef\xbd\x83\xef\xbd\x88\xef\xbd\x81\xef\xbd\x92\xef\xbd\x93', nosuchcol\n                                                           ^\n"), (0, b"ERROR:  column \"nosuchcol\" does not exist at character 34\n"), (4, b"ERROR:  42703: column \"nosuchcol\" does not exist\nLINE 1: select '\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x83\x86\xe3\x82\xad\xe3\x82\xb9\xe3\x83\x88', '\xef\xbd\x97\xef\xbd\x89\xef\xbd\x84\xef\xbd\x85\xe3\x80\x80\xef\xbd\x83\xef\xbd\x88\xef\xbd\x81\xef\xbd\x92\xef\xbd\x93', nosuchcol\n                                                           ^\nLOCATION:  errorMissingColumn, parse_relation.c:3665\n"), (5, b"ERROR:  42703\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42703"), (b'M', b"column \"nosuchcol\" does not exist"), (b'P', b"62"), (b'F', b"parse_relation.c"), (b'L', b"3665"), (b'R', b"errorMissingColumn")], query: b"select '\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e' || nosuchcol || '\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e'", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  column \"nosuchcol\" does not exist\nLINE 1: ...\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e' || nosuchcol ...\n                                                            ^\n"), (0, b"ERROR:  column \"nosuchcol\" does not exist at character 62\n"), (4, b"ERROR:  42703: column \"nosuchcol\" does not exist\nLINE 1: ...\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e' || nosuchcol ...\n                                                            ^\nLOCATION:  errorMissingColumn, parse_relation.c:3665\n"), (5, b"ERROR:  42703\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42703"), (b'M', b"column \"nosuchcol\" does not exist"), (b'P', b"29"), (b'F', b"parse_relation.c"), (b'L', b"3665"), (b'R', b"errorMissingColumn")], query: b"select '\xc3\xa9\xcc\x81\xcc\x81 combining \xcc\x80\xcc\x80\xcc\x80', nosuchcol", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  column \"nosuchcol\" does not exist\nLINE 1: select '\xc3\xa9\xcc\x81\xcc\x81 combining \xcc\x80\xcc\x80\xcc\x80', nosuchcol\n                                    ^\n"), (0, b"ERROR:  column \"nosuchcol\" does not exist at character 29\n"), (4, b"ERROR:  42703: column \"nosuchcol\" does not exist\nLINE 1: select '\xc3\xa9\xcc\x81\xcc\x81 combining \xcc\x80\xcc\x80\xcc\x80', nosuchcol\n                                    ^\nLOCATION:  errorMissingColumn, parse_relation.c:3665\n"), (5, b"ERROR:  42703\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42703"), (b'M', b"column \"nosuchcol\" does not exist"), (b'P', b"15"), (b'F', b"parse_relation.c"), (b'L', b"3665"), (b'R', b"errorMissingColumn")], query: b"select '\xc6\xfc\xcb\xdc\xb8\xec', nosuchcol", enc: 1, fatal: true, only_default: false, outs: &[(2, b"ERROR:  column \"nosuchcol\" does not exist\nLINE 1: select '\xc6\xfc\xcb\xdc\xb8\xec', nosuchcol\n                         ^\n"), (0, b"ERROR:  column \"nosuchcol\" does not exist at character 15\n"), (4, b"ERROR:  42703: column \"nosuchcol\" does not exist\nLINE 1: select '\xc6\xfc\xcb\xdc\xb8\xec', nosuchcol\n                         ^\nLOCATION:  errorMissingColumn, parse_relation.c:3665\n"), (5, b"ERROR:  42703\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42703"), (b'M', b"column \"nosuchcol\" does not exist"), (b'P', b"19"), (b'F', b"parse_relation.c"), (b'L', b"3665"), (b'R', b"errorMissingColumn")], query: b"select '\xca\xdd\xb6\xb8\x93\xfa\x96{\x8c\xea', nosuchcol", enc: 35, fatal: true, only_default: false, outs: &[(2, b"ERROR:  column \"nosuchcol\" does not exist\nLINE 1: select '\xca\xdd\xb6\xb8\x93\xfa\x96{\x8c\xea', nosuchcol\n                             ^\n"), (0, b"ERROR:  column \"nosuchcol\" does not exist at character 19\n"), (4, b"ERROR:  42703: column \"nosuchcol\" does not exist\nLINE 1: select '\xca\xdd\xb6\xb8\x93\xfa\x96{\x8c\xea', nosuchcol\n                             ^\nLOCATION:  errorMissingColumn, parse_relation.c:3665\n"), (5, b"ERROR:  42703\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42703"), (b'M', b"column \"nosuchcol\" does not exist"), (b'P', b"16"), (b'F', b"parse_relation.c"), (b'L', b"3665"), (b'R', b"errorMissingColumn")], query: b"select 'caf\xe9', nosuchcol", enc: 8, fatal: true, only_default: false, outs: &[(2, b"ERROR:  column \"nosuchcol\" does not exist\nLINE 1: select 'caf\xe9', nosuchcol\n                       ^\n"), (0, b"ERROR:  column \"nosuchcol\" does not exist at character 16\n"), (4, b"ERROR:  42703: column \"nosuchcol\" does not exist\nLINE 1: select 'caf\xe9', nosuchcol\n                       ^\nLOCATION:  errorMissingColumn, parse_relation.c:3665\n"), (5, b"ERROR:  42703\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"23505"), (b'M', b"duplicate key value violates unique constraint \"t_pkey\""), (b'D', b"Key (a)=(1) already exists."), (b's', b"pg_temp_3"), (b't', b"t"), (b'n', b"t_pkey"), (b'F', b"nbtinsert.c"), (b'L', b"664"), (b'R', b"_bt_check_unique")], query: b"insert into t values (1, 1)", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  duplicate key value violates unique constraint \"t_pkey\"\nDETAIL:  Key (a)=(1) already exists.\n"), (0, b"ERROR:  duplicate key value violates unique constraint \"t_pkey\"\n"), (4, b"ERROR:  23505: duplicate key value violates unique constraint \"t_pkey\"\nDETAIL:  Key (a)=(1) already exists.\nSCHEMA NAME:  pg_temp_3\nTABLE NAME:  t\nCONSTRAINT NAME:  t_pkey\nLOCATION:  _bt_check_unique, nbtinsert.c:664\n"), (5, b"ERROR:  23505\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"23514"), (b'M', b"new row for relation \"t\" violates check constraint \"t_b_check\""), (b'D', b"Failing row contains (2, -1)."), (b's', b"pg_temp_3"), (b't', b"t"), (b'n', b"t_b_check"), (b'F', b"execMain.c"), (b'L', b"2074"), (b'R', b"ExecConstraints")], query: b"insert into t values (2, -1)", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  new row for relation \"t\" violates check constraint \"t_b_check\"\nDETAIL:  Failing row contains (2, -1).\n"), (0, b"ERROR:  new row for relation \"t\" violates check constraint \"t_b_check\"\n"), (4, b"ERROR:  23514: new row for relation \"t\" violates check constraint \"t_b_check\"\nDETAIL:  Failing row contains (2, -1).\nSCHEMA NAME:  pg_temp_3\nTABLE NAME:  t\nCONSTRAINT NAME:  t_b_check\nLOCATION:  ExecConstraints, execMain.c:2074\n"), (5, b"ERROR:  23514\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"22012"), (b'M', b"division by zero"), (b'F', b"int.c"), (b'L', b"869"), (b'R', b"int4div")], query: b"select 1/0", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  division by zero\n"), (4, b"ERROR:  22012: division by zero\nLOCATION:  int4div, int.c:869\n"), (5, b"ERROR:  22012\n")] },
        Case { fields: &[(b'S', b"NOTICE"), (b'V', b"NOTICE"), (b'C', b"00000"), (b'M', b"hello 42"), (b'W', b"PL/pgSQL function inline_code_block line 1 at RAISE"), (b'F', b"pl_exec.c"), (b'L', b"3891"), (b'R', b"exec_stmt_raise")], query: b"do $$ begin raise notice 'hello %', 42; end $$", enc: 6, fatal: false, only_default: false, outs: &[(2, b"NOTICE:  hello 42\n"), (3, b"NOTICE:  hello 42\nCONTEXT:  PL/pgSQL function inline_code_block line 1 at RAISE\n"), (4, b"NOTICE:  00000: hello 42\nLOCATION:  exec_stmt_raise, pl_exec.c:3891\n"), (5, b"NOTICE:  00000\n")] },
        Case { fields: &[(b'S', b"WARNING"), (b'V', b"WARNING"), (b'C', b"01000"), (b'M', b"warn"), (b'D', b"some detail"), (b'H', b"a hint"), (b'W', b"PL/pgSQL function inline_code_block line 1 at RAISE"), (b'F', b"pl_exec.c"), (b'L', b"3891"), (b'R', b"exec_stmt_raise")], query: b"do $$ begin raise warning 'warn' using detail = 'some detail', hint = 'a hint'; end $$", enc: 6, fatal: false, only_default: false, outs: &[(2, b"WARNING:  warn\nDETAIL:  some detail\nHINT:  a hint\n"), (0, b"WARNING:  warn\n"), (3, b"WARNING:  warn\nDETAIL:  some detail\nHINT:  a hint\nCONTEXT:  PL/pgSQL function inline_code_block line 1 at RAISE\n"), (4, b"WARNING:  01000: warn\nDETAIL:  some detail\nHINT:  a hint\nLOCATION:  exec_stmt_raise, pl_exec.c:3891\n"), (5, b"WARNING:  01000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42883"), (b'M', b"function nosuchfunc(integer) does not exist"), (b'H', b"No function matches the given name and argument types. You might need to add explicit type casts."), (b'p', b"8"), (b'q', b"SELECT nosuchfunc(1)"), (b'W', b"PL/pgSQL function inline_code_block line 1 at PERFORM"), (b'F', b"parse_func.c"), (b'L', b"629"), (b'R', b"ParseFuncOrColumn")], query: b"do $$ begin perform nosuchfunc(1); end $$", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  function nosuchfunc(integer) does not exist\nLINE 1: SELECT nosuchfunc(1)\n               ^\nHINT:  No function matches the given name and argument types. You might need to add explicit type casts.\nQUERY:  SELECT nosuchfunc(1)\nCONTEXT:  PL/pgSQL function inline_code_block line 1 at PERFORM\n"), (0, b"ERROR:  function nosuchfunc(integer) does not exist at character 8\n"), (1, b"ERROR:  function nosuchfunc(integer) does not exist\nLINE 1: SELECT nosuchfunc(1)\n               ^\nHINT:  No function matches the given name and argument types. You might need to add explicit type casts.\nQUERY:  SELECT nosuchfunc(1)\n"), (4, b"ERROR:  42883: function nosuchfunc(integer) does not exist\nLINE 1: SELECT nosuchfunc(1)\n               ^\nHINT:  No function matches the given name and argument types. You might need to add explicit type casts.\nQUERY:  SELECT nosuchfunc(1)\nCONTEXT:  PL/pgSQL function inline_code_block line 1 at PERFORM\nLOCATION:  ParseFuncOrColumn, parse_func.c:629\n"), (5, b"ERROR:  42883\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42P01"), (b'M', b"relation \"nosuchtable\" does not exist"), (b'p', b"17"), (b'q', b"select * from\n  nosuchtable"), (b'W', b"PL/pgSQL function inline_code_block line 1 at EXECUTE"), (b'F', b"parse_relation.c"), (b'L', b"1392"), (b'R', b"parserOpenTable")], query: b"do $$ begin execute 'select * from\n  nosuchtable'; end $$", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  relation \"nosuchtable\" does not exist\nLINE 2:   nosuchtable\n          ^\nQUERY:  select * from\n  nosuchtable\nCONTEXT:  PL/pgSQL function inline_code_block line 1 at EXECUTE\n"), (0, b"ERROR:  relation \"nosuchtable\" does not exist at character 17\n"), (1, b"ERROR:  relation \"nosuchtable\" does not exist\nLINE 2:   nosuchtable\n          ^\nQUERY:  select * from\n  nosuchtable\n"), (4, b"ERROR:  42P01: relation \"nosuchtable\" does not exist\nLINE 2:   nosuchtable\n          ^\nQUERY:  select * from\n  nosuchtable\nCONTEXT:  PL/pgSQL function inline_code_block line 1 at EXECUTE\nLOCATION:  parserOpenTable, parse_relation.c:1392\n"), (5, b"ERROR:  42P01\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"22P02"), (b'M', b"invalid input syntax for type integer: \"abc\""), (b'p', b"6"), (b'q', b"x := 'abc'"), (b'W', b"PL/pgSQL function inline_code_block line 1 at assignment"), (b'F', b"numutils.c"), (b'L', b"232"), (b'R', b"pg_strtoint32")], query: b"do $$ declare x int; begin x := 'abc'; end $$", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  invalid input syntax for type integer: \"abc\"\nLINE 1: x := 'abc'\n             ^\nQUERY:  x := 'abc'\nCONTEXT:  PL/pgSQL function inline_code_block line 1 at assignment\n"), (0, b"ERROR:  invalid input syntax for type integer: \"abc\" at character 6\n"), (1, b"ERROR:  invalid input syntax for type integer: \"abc\"\nLINE 1: x := 'abc'\n             ^\nQUERY:  x := 'abc'\n"), (4, b"ERROR:  22P02: invalid input syntax for type integer: \"abc\"\nLINE 1: x := 'abc'\n             ^\nQUERY:  x := 'abc'\nCONTEXT:  PL/pgSQL function inline_code_block line 1 at assignment\nLOCATION:  pg_strtoint32, numutils.c:232\n"), (5, b"ERROR:  22P02\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42601"), (b'M', b"syntax error at end of input"), (b'P', b"64"), (b'F', b"scan.l"), (b'L', b"1180"), (b'R', b"scanner_yyerror")], query: b"create function f_err() returns int language sql as 'select 1 +'", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  syntax error at end of input\nLINE 1: ...te function f_err() returns int language sql as 'select 1 +'\n                                                                      ^\n"), (0, b"ERROR:  syntax error at end of input at character 64\n"), (4, b"ERROR:  42601: syntax error at end of input\nLINE 1: ...te function f_err() returns int language sql as 'select 1 +'\n                                                                      ^\nLOCATION:  scanner_yyerror, scan.l:1180\n"), (5, b"ERROR:  42601\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42703"), (b'M', b"column \"nosuch\" does not exist"), (b'p', b"9"), (b'q', b"(select nosuch from pg_class limit 1)"), (b'W', b"PL/pgSQL function pg_temp_3.f_bad() line 1 at RETURN"), (b'F', b"parse_relation.c"), (b'L', b"3665"), (b'R', b"errorMissingColumn")], query: b"select pg_temp.f_bad()", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  column \"nosuch\" does not exist\nLINE 1: (select nosuch from pg_class limit 1)\n                ^\nQUERY:  (select nosuch from pg_class limit 1)\nCONTEXT:  PL/pgSQL function pg_temp_3.f_bad() line 1 at RETURN\n"), (0, b"ERROR:  column \"nosuch\" does not exist at character 9\n"), (1, b"ERROR:  column \"nosuch\" does not exist\nLINE 1: (select nosuch from pg_class limit 1)\n                ^\nQUERY:  (select nosuch from pg_class limit 1)\n"), (4, b"ERROR:  42703: column \"nosuch\" does not exist\nLINE 1: (select nosuch from pg_class limit 1)\n                ^\nQUERY:  (select nosuch from pg_class limit 1)\nCONTEXT:  PL/pgSQL function pg_temp_3.f_bad() line 1 at RETURN\nLOCATION:  errorMissingColumn, parse_relation.c:3665\n"), (5, b"ERROR:  42703\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"22P02"), (b'M', b"invalid input syntax for type integer: \"x\""), (b'P', b"8"), (b'F', b"numutils.c"), (b'L', b"232"), (b'R', b"pg_strtoint32")], query: b"select 'x'::int", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  invalid input syntax for type integer: \"x\"\nLINE 1: select 'x'::int\n               ^\n"), (0, b"ERROR:  invalid input syntax for type integer: \"x\" at character 8\n"), (4, b"ERROR:  22P02: invalid input syntax for type integer: \"x\"\nLINE 1: select 'x'::int\n               ^\nLOCATION:  pg_strtoint32, numutils.c:232\n"), (5, b"ERROR:  22P02\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"22P02"), (b'M', b"invalid input syntax for type json"), (b'D', b"Token \"\"abc\" is invalid."), (b'P', b"8"), (b'W', b"JSON data, line 1: \"abc"), (b'F', b"jsonfuncs.c"), (b'L', b"627"), (b'R', b"json_ereport_error")], query: b"select '\"abc'::json", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  invalid input syntax for type json\nLINE 1: select '\"abc'::json\n               ^\nDETAIL:  Token \"\"abc\" is invalid.\nCONTEXT:  JSON data, line 1: \"abc\n"), (0, b"ERROR:  invalid input syntax for type json at character 8\n"), (1, b"ERROR:  invalid input syntax for type json\nLINE 1: select '\"abc'::json\n               ^\nDETAIL:  Token \"\"abc\" is invalid.\n"), (4, b"ERROR:  22P02: invalid input syntax for type json\nLINE 1: select '\"abc'::json\n               ^\nDETAIL:  Token \"\"abc\" is invalid.\nCONTEXT:  JSON data, line 1: \"abc\nLOCATION:  json_ereport_error, jsonfuncs.c:627\n"), (5, b"ERROR:  22P02\n")] },
        Case { fields: &[(b'S', b"NOTICE"), (b'V', b"NOTICE"), (b'C', b"00000"), (b'M', b"table \"nosuchtable_xyz\" does not exist, skipping"), (b'F', b"tablecmds.c"), (b'L', b"1310"), (b'R', b"DropErrorMsgNonExistent")], query: b"drop table if exists nosuchtable_xyz", enc: 6, fatal: false, only_default: false, outs: &[(2, b"NOTICE:  table \"nosuchtable_xyz\" does not exist, skipping\n"), (4, b"NOTICE:  00000: table \"nosuchtable_xyz\" does not exist, skipping\nLOCATION:  DropErrorMsgNonExistent, tablecmds.c:1310\n"), (5, b"NOTICE:  00000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42P01"), (b'M', b"relation \"nosuchtable\" does not exist"), (b'P', b"20"), (b'F', b"parse_relation.c"), (b'L', b"1392"), (b'R', b"parserOpenTable")], query: b"select 1 from\n\n\n   nosuchtable", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  relation \"nosuchtable\" does not exist\nLINE 4:    nosuchtable\n           ^\n"), (0, b"ERROR:  relation \"nosuchtable\" does not exist at character 20\n"), (4, b"ERROR:  42P01: relation \"nosuchtable\" does not exist\nLINE 4:    nosuchtable\n           ^\nLOCATION:  parserOpenTable, parse_relation.c:1392\n"), (5, b"ERROR:  42P01\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42P01"), (b'M', b"relation \"nosuchtable\" does not exist"), (b'P', b"17"), (b'F', b"parse_relation.c"), (b'L', b"1392"), (b'R', b"parserOpenTable")], query: b"select 1\rfrom\r\r nosuchtable", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  relation \"nosuchtable\" does not exist\nLINE 4:  nosuchtable\n         ^\n"), (0, b"ERROR:  relation \"nosuchtable\" does not exist at character 17\n"), (4, b"ERROR:  42P01: relation \"nosuchtable\" does not exist\nLINE 4:  nosuchtable\n         ^\nLOCATION:  parserOpenTable, parse_relation.c:1392\n"), (5, b"ERROR:  42P01\n")] },
        Case { fields: &[], query: b"q1", enc: 6, fatal: true, only_default: false, outs: &[(2, b"no error message available\n")] },
        Case { fields: &[(b'X', b"unknown only")], query: b"q2", enc: 6, fatal: true, only_default: false, outs: &[(2, b"\n")] },
        Case { fields: &[(b'M', b"only a message")], query: b"q3", enc: 6, fatal: true, only_default: false, outs: &[(2, b"only a message\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'M', b"no sqlstate")], query: b"q4", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  no sqlstate\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"pos zero"), (b'P', b"0")], query: b"select 1 from t", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  pos zero\n"), (0, b"ERROR:  pos zero at character 0\n"), (4, b"ERROR:  42000: pos zero\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"pos negative"), (b'P', b"-3")], query: b"select 2 from t", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  pos negative\n"), (0, b"ERROR:  pos negative at character -3\n"), (4, b"ERROR:  42000: pos negative\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"pos junk"), (b'P', b"abc")], query: b"select 3 from t", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  pos junk\n"), (0, b"ERROR:  pos junk at character abc\n"), (4, b"ERROR:  42000: pos junk\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"pos spaces"), (b'P', b"  +8x")], query: b"select 4 from t", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  pos spaces\nLINE 1: select 4 from t\n               ^\n"), (0, b"ERROR:  pos spaces at character   +8x\n"), (4, b"ERROR:  42000: pos spaces\nLINE 1: select 4 from t\n               ^\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"pos huge"), (b'P', b"99999999999999999999")], query: b"select 5 from t", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  pos huge\n"), (0, b"ERROR:  pos huge at character 99999999999999999999\n"), (4, b"ERROR:  42000: pos huge\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"pos wraps"), (b'P', b"4294967297")], query: b"select 6 from t", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  pos wraps\nLINE 1: select 6 from t\n        ^\n"), (0, b"ERROR:  pos wraps at character 4294967297\n"), (4, b"ERROR:  42000: pos wraps\nLINE 1: select 6 from t\n        ^\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"pos past end"), (b'P', b"500")], query: b"select 7 from t", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  pos past end\n"), (0, b"ERROR:  pos past end at character 500\n"), (4, b"ERROR:  42000: pos past end\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"pos at end+1"), (b'P', b"16")], query: b"select 8 from t", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  pos at end+1\nLINE 1: select 8 from t\n                       ^\n"), (0, b"ERROR:  pos at end+1 at character 16\n"), (4, b"ERROR:  42000: pos at end+1\nLINE 1: select 8 from t\n                       ^\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"pos at end+2"), (b'P', b"17")], query: b"select 9 from t", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  pos at end+2\n"), (0, b"ERROR:  pos at end+2 at character 17\n"), (4, b"ERROR:  42000: pos at end+2\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"internal pos no query"), (b'p', b"3")], query: b"select 10 from t", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  internal pos no query at character 3\n"), (4, b"ERROR:  42000: internal pos no query at character 3\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"internal"), (b'p', b"5"), (b'q', b"SELECT foo\n  FROM bar")], query: b"select 11 from t", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  internal\nLINE 1: SELECT foo\n            ^\nQUERY:  SELECT foo\n  FROM bar\n"), (0, b"ERROR:  internal at character 5\n"), (4, b"ERROR:  42000: internal\nLINE 1: SELECT foo\n            ^\nQUERY:  SELECT foo\n  FROM bar\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"both"), (b'P', b"3"), (b'p', b"5"), (b'q', b"internal q")], query: b"select 12 from t", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  both\nLINE 1: select 12 from t\n          ^\nQUERY:  internal q\n"), (0, b"ERROR:  both at character 3\n"), (4, b"ERROR:  42000: both\nLINE 1: select 12 from t\n          ^\nQUERY:  internal q\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"loc func only"), (b'R', b"fn")], query: b"select 13 from t", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  loc func only\n"), (4, b"ERROR:  42000: loc func only\nLOCATION:  fn, \n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"loc file only"), (b'F', b"file.c")], query: b"select 14 from t", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  loc file only\n"), (4, b"ERROR:  42000: loc file only\nLOCATION:  \n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"loc line only"), (b'L', b"42")], query: b"select 15 from t", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  loc line only\n"), (4, b"ERROR:  42000: loc line only\nLOCATION:  \n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"full"), (b'D', b"det"), (b'H', b"hint"), (b'W', b"ctx"), (b's', b"sch"), (b't', b"tab"), (b'c', b"col"), (b'd', b"typ"), (b'n', b"con"), (b'F', b"f.c"), (b'L', b"7"), (b'R', b"func")], query: b"select 16 from t", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  full\nDETAIL:  det\nHINT:  hint\nCONTEXT:  ctx\n"), (0, b"ERROR:  full\n"), (1, b"ERROR:  full\nDETAIL:  det\nHINT:  hint\n"), (4, b"ERROR:  42000: full\nDETAIL:  det\nHINT:  hint\nCONTEXT:  ctx\nSCHEMA NAME:  sch\nTABLE NAME:  tab\nCOLUMN NAME:  col\nDATATYPE NAME:  typ\nCONSTRAINT NAME:  con\nLOCATION:  func, f.c:7\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"NOTICE"), (b'V', b"NOTICE"), (b'C', b"00000"), (b'M', b"notice with ctx"), (b'W', b"ctx line"), (b'P', b"8")], query: b"select 17 from t", enc: 6, fatal: false, only_default: false, outs: &[(2, b"NOTICE:  notice with ctx\nLINE 1: select 17 from t\n               ^\n"), (0, b"NOTICE:  notice with ctx at character 8\n"), (3, b"NOTICE:  notice with ctx\nLINE 1: select 17 from t\n               ^\nCONTEXT:  ctx line\n"), (4, b"NOTICE:  00000: notice with ctx\nLINE 1: select 17 from t\n               ^\n"), (5, b"NOTICE:  00000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"crlf"), (b'P', b"33")], query: b"select 1;\r\nselect 2\n\rselect\r\r\n  x", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  crlf\nLINE 6:   x\n          ^\n"), (0, b"ERROR:  crlf at character 33\n"), (4, b"ERROR:  42000: crlf\nLINE 6:   x\n          ^\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"at newline"), (b'P', b"9")], query: b"select 1\nfrom t", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  at newline\nLINE 1: select 1\n                ^\n"), (0, b"ERROR:  at newline at character 9\n"), (4, b"ERROR:  42000: at newline\nLINE 1: select 1\n                ^\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"first char newline"), (b'P', b"1")], query: b"\nselect", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  first char newline\nLINE 1: \n        ^\n"), (0, b"ERROR:  first char newline at character 1\n"), (4, b"ERROR:  42000: first char newline\nLINE 1: \n        ^\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"after first newline"), (b'P', b"2")], query: b"\nselect", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  after first newline\nLINE 2: select\n        ^\n"), (0, b"ERROR:  after first newline at character 2\n"), (4, b"ERROR:  42000: after first newline\nLINE 2: select\n        ^\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"last char newline"), (b'P', b"8")], query: b"select\n", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  last char newline\nLINE 2: \n        ^\n"), (0, b"ERROR:  last char newline at character 8\n"), (4, b"ERROR:  42000: last char newline\nLINE 2: \n        ^\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"long start"), (b'P', b"3")], query: b"select xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx + yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy from t", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  long start\nLINE 1: select xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx + ...\n          ^\n"), (0, b"ERROR:  long start at character 3\n"), (4, b"ERROR:  42000: long start\nLINE 1: select xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx + ...\n          ^\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"long middle"), (b'P', b"58")], query: b"select xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx + yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy from t ", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  long middle\nLINE 1: ...xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx + yyyyyyy...\n                                                             ^\n"), (0, b"ERROR:  long middle at character 58\n"), (4, b"ERROR:  42000: long middle\nLINE 1: ...xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx + yyyyyyy...\n                                                             ^\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"long end"), (b'P', b"110")], query: b"select xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx + yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy from t  ", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  long end\nLINE 1: ... yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy from t  \n                                                             ^\n"), (0, b"ERROR:  long end at character 110\n"), (4, b"ERROR:  42000: long end\nLINE 1: ... yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy from t  \n                                                             ^\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"long cut right"), (b'P', b"52")], query: b"select xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx + yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy from t   ", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  long cut right\nLINE 1: ...elect xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx + y...\n                                                             ^\n"), (0, b"ERROR:  long cut right at character 52\n"), (4, b"ERROR:  42000: long cut right\nLINE 1: ...elect xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx + y...\n                                                             ^\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"tabs"), (b'P', b"12")], query: b"sel\tect\t\t1 from\tt", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  tabs\nLINE 1: sel ect  1 from t\n                   ^\n"), (0, b"ERROR:  tabs at character 12\n"), (4, b"ERROR:  42000: tabs\nLINE 1: sel ect  1 from t\n                   ^\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"invalid utf8"), (b'P', b"14")], query: b"select \xff\xfe bad, \xe6\x97 x", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  invalid utf8\nLINE 1: select \xff\xfe bad, \xe6\x97 x\n                     ^\n"), (0, b"ERROR:  invalid utf8 at character 14\n"), (4, b"ERROR:  42000: invalid utf8\nLINE 1: select \xff\xfe bad, \xe6\x97 x\n                     ^\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"truncated utf8"), (b'P', b"8")], query: b"select \xe6\x97", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  truncated utf8\nLINE 1: select \xe6\x97\n               ^\n"), (0, b"ERROR:  truncated utf8 at character 8\n"), (4, b"ERROR:  42000: truncated utf8\nLINE 1: select \xe6\x97\n               ^\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"wide"), (b'P', b"50")], query: b"select \xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97 + \xcc\x81\xcc\x81x\xe2\x80\x8b\xf0\x9f\x98\x80 z", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  wide\nLINE 1: ...\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97 + \xcc\x81\xcc\x81x\xe2\x80\x8b\xf0\x9f\x98\x80 z\n                                                                 ^\n"), (0, b"ERROR:  wide at character 50\n"), (4, b"ERROR:  42000: wide\nLINE 1: ...\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97 + \xcc\x81\xcc\x81x\xe2\x80\x8b\xf0\x9f\x98\x80 z\n                                                                 ^\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"emoji"), (b'P', b"17")], query: b"select \xc3\xa9\xc3\xa9 \xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80 \xe3\x81\x82 y", enc: 6, fatal: true, only_default: false, outs: &[(2, b"ERROR:  emoji\nLINE 1: select \xc3\xa9\xc3\xa9 \xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80 \xe3\x81\x82 y\n                            ^\n"), (0, b"ERROR:  emoji at character 17\n"), (4, b"ERROR:  42000: emoji\nLINE 1: select \xc3\xa9\xc3\xa9 \xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80 \xe3\x81\x82 y\n                            ^\n"), (5, b"ERROR:  42000\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb"), (b'P', b"15")], query: b"select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t", enc: 35, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb\nLINE 1: select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t\n                         ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb2"), (b'P', b"14")], query: b"select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x", enc: 35, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb2\nLINE 1: select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x\n                      ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb3"), (b'P', b"11")], query: b"select \x810\x810\x81@ y", enc: 35, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb3\nLINE 1: select \x810\x810\x81@ y\n                     ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb4"), (b'P', b"13")], query: b"select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z", enc: 35, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb4\nLINE 1: select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z\n                      ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb long"), (b'P', b"45")], query: b"select \xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2 x", enc: 35, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb long\nLINE 1: select \xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4...\n                                                    ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb"), (b'P', b"15")], query: b"select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t", enc: 1, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb\nLINE 1: select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t\n                          ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb2"), (b'P', b"14")], query: b"select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x", enc: 1, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb2\nLINE 1: select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x\n                        ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb3"), (b'P', b"11")], query: b"select \x810\x810\x81@ y", enc: 1, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb3\nLINE 1: select \x810\x810\x81@ y\n                     ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb4"), (b'P', b"13")], query: b"select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z", enc: 1, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb4\nLINE 1: select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z\n                        ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb long"), (b'P', b"45")], query: b"select \xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2 x", enc: 1, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb long\nLINE 1: ...\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2 x\n                                                               ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb"), (b'P', b"15")], query: b"select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t", enc: 4, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb\nLINE 1: select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t\n                          ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb2"), (b'P', b"14")], query: b"select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x", enc: 4, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb2\nLINE 1: select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x\n                         ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb3"), (b'P', b"11")], query: b"select \x810\x810\x81@ y", enc: 4, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb3\nLINE 1: select \x810\x810\x81@ y\n                     ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb4"), (b'P', b"13")], query: b"select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z", enc: 4, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb4\nLINE 1: select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z\n                        ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb long"), (b'P', b"45")], query: b"select \xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2 x", enc: 4, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb long\nLINE 1: ...\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2 x\n                                                               ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb"), (b'P', b"15")], query: b"select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t", enc: 39, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb\nLINE 1: select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t\n                          ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb2"), (b'P', b"14")], query: b"select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x", enc: 39, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb2\nLINE 1: select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x\n                         ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb3"), (b'P', b"11")], query: b"select \x810\x810\x81@ y", enc: 39, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb3\nLINE 1: select \x810\x810\x81@ y\n                    ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb4"), (b'P', b"13")], query: b"select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z", enc: 39, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb4\nLINE 1: select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z\n                        ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb long"), (b'P', b"45")], query: b"select \xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2 x", enc: 39, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb long\nLINE 1: ...\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2 x\n                                                               ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb"), (b'P', b"15")], query: b"select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t", enc: 7, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb\nLINE 1: select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t\n                       ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb2"), (b'P', b"14")], query: b"select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x", enc: 7, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb2\nLINE 1: select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x\n                     ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb3"), (b'P', b"11")], query: b"select \x810\x810\x81@ y", enc: 7, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb3\nLINE 1: select \x810\x810\x81@ y\n                  ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb4"), (b'P', b"13")], query: b"select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z", enc: 7, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb4\nLINE 1: select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z\n                    ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb long"), (b'P', b"45")], query: b"select \xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2 x", enc: 7, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb long\nLINE 1: select \xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4...\n                                                    ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb"), (b'P', b"15")], query: b"select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t", enc: 36, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb\nLINE 1: select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t\n                          ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb2"), (b'P', b"14")], query: b"select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x", enc: 36, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb2\nLINE 1: select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x\n                         ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb3"), (b'P', b"11")], query: b"select \x810\x810\x81@ y", enc: 36, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb3\nLINE 1: select \x810\x810\x81@ y\n                     ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb4"), (b'P', b"13")], query: b"select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z", enc: 36, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb4\nLINE 1: select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z\n                        ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb long"), (b'P', b"45")], query: b"select \xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2 x", enc: 36, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb long\nLINE 1: ...\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2 x\n                                                               ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb"), (b'P', b"15")], query: b"select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t", enc: 8, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb\nLINE 1: select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t\n                      ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb2"), (b'P', b"14")], query: b"select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x", enc: 8, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb2\nLINE 1: select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x\n                     ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb3"), (b'P', b"11")], query: b"select \x810\x810\x81@ y", enc: 8, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb3\nLINE 1: select \x810\x810\x81@ y\n                  ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb4"), (b'P', b"13")], query: b"select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z", enc: 8, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb4\nLINE 1: select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z\n                    ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb long"), (b'P', b"45")], query: b"select \xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2 x", enc: 8, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb long\nLINE 1: select \xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4...\n                                                    ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb"), (b'P', b"15")], query: b"select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t", enc: 40, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb\nLINE 1: select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t\n                          ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb2"), (b'P', b"14")], query: b"select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x", enc: 40, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb2\nLINE 1: select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x\n                         ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb3"), (b'P', b"11")], query: b"select \x810\x810\x81@ y", enc: 40, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb3\nLINE 1: select \x810\x810\x81@ y\n                     ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb4"), (b'P', b"13")], query: b"select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z", enc: 40, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb4\nLINE 1: select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z\n                        ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb long"), (b'P', b"45")], query: b"select \xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2 x", enc: 40, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb long\nLINE 1: ...\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2 x\n                                                               ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb"), (b'P', b"15")], query: b"select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t", enc: 2, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb\nLINE 1: select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t\n                          ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb2"), (b'P', b"14")], query: b"select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x", enc: 2, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb2\nLINE 1: select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x\n                         ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb3"), (b'P', b"11")], query: b"select \x810\x810\x81@ y", enc: 2, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb3\nLINE 1: select \x810\x810\x81@ y\n                     ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb4"), (b'P', b"13")], query: b"select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z", enc: 2, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb4\nLINE 1: select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z\n                        ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb long"), (b'P', b"45")], query: b"select \xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2 x", enc: 2, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb long\nLINE 1: ...\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2 x\n                                                               ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb"), (b'P', b"15")], query: b"select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t", enc: 38, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb\nLINE 1: select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t\n                          ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb2"), (b'P', b"14")], query: b"select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x", enc: 38, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb2\nLINE 1: select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x\n                         ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb3"), (b'P', b"11")], query: b"select \x810\x810\x81@ y", enc: 38, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb3\nLINE 1: select \x810\x810\x81@ y\n                     ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb4"), (b'P', b"13")], query: b"select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z", enc: 38, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb4\nLINE 1: select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z\n                        ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb long"), (b'P', b"45")], query: b"select \xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2 x", enc: 38, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb long\nLINE 1: ...\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2 x\n                                                               ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb"), (b'P', b"15")], query: b"select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t", enc: 41, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb\nLINE 1: select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t\n                         ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb2"), (b'P', b"14")], query: b"select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x", enc: 41, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb2\nLINE 1: select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x\n                      ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb3"), (b'P', b"11")], query: b"select \x810\x810\x81@ y", enc: 41, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb3\nLINE 1: select \x810\x810\x81@ y\n                     ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb4"), (b'P', b"13")], query: b"select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z", enc: 41, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb4\nLINE 1: select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z\n                      ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb long"), (b'P', b"45")], query: b"select \xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2 x", enc: 41, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb long\nLINE 1: select \xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4...\n                                                    ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb"), (b'P', b"15")], query: b"select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t", enc: 0, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb\nLINE 1: select \x93\xfa\x96{\x8c\xea \xb1\xb2 x from t\n                      ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb2"), (b'P', b"14")], query: b"select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x", enc: 0, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb2\nLINE 1: select \xa4\xa2\xa4\xa4 \x8e\xb1 \x8f\xa1\xa1 x\n                     ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb3"), (b'P', b"11")], query: b"select \x810\x810\x81@ y", enc: 0, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb3\nLINE 1: select \x810\x810\x81@ y\n                  ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb4"), (b'P', b"13")], query: b"select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z", enc: 0, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb4\nLINE 1: select \x8d\xa1\xa1 \x81\xa0 \x9c\xf0\xa1\xa1 z\n                    ^\n")] },
        Case { fields: &[(b'S', b"ERROR"), (b'V', b"ERROR"), (b'C', b"42000"), (b'M', b"mb long"), (b'P', b"45")], query: b"select \xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2 x", enc: 0, fatal: true, only_default: true, outs: &[(2, b"ERROR:  mb long\nLINE 1: select \xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4\xa2\xa4...\n                                                    ^\n")] },

    ];
}
