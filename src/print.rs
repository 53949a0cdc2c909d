//! The text of `PQprint`, `PQdisplayTuples` and `PQprintTuples` (libpq's
//! fe-print.c), as bytes: the exports in `ffi::print` write them to the
//! caller's `FILE *`.
//!
//! Values are taken as libpq's functions see them: C strings (a binary value
//! ends at its first NUL byte), while the column widths come from
//! `PQgetlength` and `strlen` of the column name, counted in bytes — libpq
//! pads with `printf("%*s")`, which counts bytes, whatever the encoding. The
//! client encoding only steps the "is this column numeric" scan over
//! multibyte characters, as libpq's `PQmblenBounded` loop does.
//!
//! libpq's quirks are kept, since programs' output depends on them: in
//! aligned mode the border is drawn before the header widens a column to its
//! real name (a `fieldName` override can be shorter than the name); the
//! `standard` frame without `header` ends each row with `(null)` (glibc's
//! text for the missing border); an empty value in unaligned `html3` mode
//! writes a separator before the table; only `align` detects numeric
//! columns, so unaligned HTML right-aligns everything.

use crate::encoding;
use crate::messages::print as msg;
use crate::result::PgResult;

/// `PQprintOpt`, read from C. The `pager` flag is the export's business.
#[derive(Debug, Clone, Default)]
pub struct PrintOpt<'a> {
    pub header: bool,
    pub align: bool,
    pub standard: bool,
    pub html3: bool,
    pub expanded: bool,
    pub field_sep: &'a [u8],
    pub table_opt: Option<&'a [u8]>,
    pub caption: Option<&'a [u8]>,
    /// The `fieldName` array up to its NULL terminator; an empty name keeps
    /// the column's own.
    pub field_names: Vec<&'a [u8]>,
}

/// What `glibc` prints for a NULL `%s` argument.
const GLIBC_NULL: &[u8] = b"(null)";

/// A value as a C string: up to its first NUL byte (`""` for NULL).
fn value(res: &PgResult, row: i32, col: i32) -> &[u8] {
    let v = res.value_bytes(row, col).unwrap_or_default();
    v.iter().position(|&b| b == 0).map_or(v, |end| &v[..end])
}

/// `PQfname` of a column that exists.
fn fname(res: &PgResult, col: i32) -> &[u8] {
    res.field(col)
        .and_then(|f| f.name.as_deref())
        .map_or(&[][..], std::ffi::CStr::to_bytes)
}

/// `printf("%*s")` (`left` false) or `printf("%-*s")` (`left` true): pads
/// `s` with spaces to `width` bytes.
fn pad(out: &mut Vec<u8>, s: &[u8], width: usize, left: bool) {
    let fill = width.saturating_sub(s.len());
    if left {
        out.extend_from_slice(s);
        out.resize(out.len() + fill, b' ');
    } else {
        out.resize(out.len() + fill, b' ');
        out.extend_from_slice(s);
    }
}

fn push_repeat(out: &mut Vec<u8>, byte: u8, n: usize) {
    out.resize(out.len() + n, byte);
}

/// The field separator's length, or None when libpq's `int` check refuses it.
fn sep_len(sep: &[u8]) -> Option<usize> {
    (sep.len() <= i32::MAX as usize).then_some(sep.len())
}

/// The names `PQprint` shows (overrides applied), with the widths it starts
/// from: each name's length, the longest name plus separator, and the line
/// length its pager test uses.
struct Names<'a> {
    names: Vec<&'a [u8]>,
    field_max: Vec<usize>,
    field_max_len: usize,
    total_line_length: usize,
}

fn names<'a>(res: &'a PgResult, opt: &PrintOpt<'a>, fs_len: usize) -> Names<'a> {
    let n = res.nfields();
    let mut names = Vec::with_capacity(n as usize);
    let mut field_max = Vec::with_capacity(n as usize);
    let (mut field_max_len, mut total) = (0, 0);
    for j in 0..n {
        let s = match opt.field_names.get(j as usize) {
            Some(name) if !name.is_empty() => *name,
            _ => fname(res, j),
        };
        names.push(s);
        field_max.push(s.len());
        field_max_len = field_max_len.max(s.len() + fs_len);
        total += s.len() + fs_len;
    }
    total += n as usize * fs_len + 1;
    Names {
        names,
        field_max,
        field_max_len,
        total_line_length: total,
    }
}

/// Whether `PQprint` would send this output through `$PAGER` on a terminal
/// of `rows` x `cols` (libpq's estimate of "more than one screen"); the
/// caller checks the terminals and the variable.
pub fn wants_pager(res: &PgResult, opt: &PrintOpt<'_>, rows: u16, cols: u16) -> bool {
    let Some(fs_len) = sep_len(opt.field_sep) else {
        return false;
    };
    if res.nfields() <= 0 || opt.html3 {
        return false;
    }
    let (rows, cols) = if rows == 0 || cols == 0 {
        (24, 80)
    } else {
        (i64::from(rows), i64::from(cols))
    };
    let ntups = i64::from(res.ntuples());
    let nfields = i64::from(res.nfields());
    if opt.expanded {
        return ntups * (nfields + 1) >= rows;
    }
    let lines_per_row = names(res, opt, fs_len).total_line_length as i64 / cols + 1;
    let header = i64::from(opt.header);
    ntups * lines_per_row * (1 + i64::from(opt.standard))
        >= rows - header * lines_per_row * 2 - header * 2
}

/// Whether `$PAGER` names a program: libpq ignores an empty or all-blank value.
pub fn usable_pager(value: &[u8]) -> bool {
    value.iter().any(|b| !b" \t\r\n".contains(b))
}

/// `PQprint`'s output; `Err` is the message libpq writes to stderr instead.
pub fn print(res: &PgResult, opt: &PrintOpt<'_>) -> Result<Vec<u8>, &'static str> {
    let mut out = Vec::new();
    let nfields = res.nfields();
    if nfields <= 0 {
        return Ok(out);
    }
    let fs = opt.field_sep;
    let fs_len = sep_len(fs).ok_or(msg::OVERLONG_FIELD_SEP)?;
    let ntups = res.ntuples();
    let n = nfields as usize;
    let Names {
        names,
        mut field_max,
        field_max_len,
        ..
    } = names(res, opt, fs_len);
    let mut not_num = vec![false; n];
    let tabular = !opt.expanded && (opt.align || opt.html3);
    let table_opt = opt.table_opt.unwrap_or_default();
    // The values kept for the aligned or HTML table (None: empty or NULL).
    let mut fields: Vec<Option<&[u8]>> = Vec::new();
    if tabular {
        fields = vec![None; ntups as usize * n];
    } else if opt.header && !opt.html3 {
        if opt.expanded {
            if opt.align {
                pad(
                    &mut out,
                    msg::FIELD.as_bytes(),
                    field_max_len - fs_len,
                    true,
                );
                out.extend_from_slice(fs);
                out.push(b' ');
            } else {
                out.extend_from_slice(msg::FIELD.as_bytes());
                out.extend_from_slice(fs);
            }
            out.extend_from_slice(msg::VALUE.as_bytes());
            out.push(b'\n');
        } else {
            out.extend_from_slice(&names.join(fs));
            out.push(b'\n');
            let len: usize = names.iter().map(|s| s.len() + fs_len).sum();
            push_repeat(&mut out, b'-', len - fs_len);
            out.push(b'\n');
        }
    }
    if opt.expanded && opt.html3 {
        match opt.caption {
            Some(c) => {
                out.extend_from_slice(b"<center><h2>");
                out.extend_from_slice(c);
                out.extend_from_slice(b"</h2></center>\n");
            }
            None => out.extend_from_slice(
                format!(
                    "<center><h2>Query retrieved {ntups} rows * {nfields} fields</h2></center>\n"
                )
                .as_bytes(),
            ),
        }
    }
    for i in 0..ntups {
        if opt.expanded {
            if opt.html3 {
                html_table_open(&mut out, table_opt);
                out.extend_from_slice(format!("{i}</caption>\n").as_bytes());
            } else {
                out.extend_from_slice(msg::record(i).as_bytes());
            }
        }
        for j in 0..nfields {
            let ju = j as usize;
            let plen = res.get_length(i, j);
            let pval = value(res, i, j);
            if plen < 1 || pval.is_empty() {
                if !(opt.align || opt.expanded) {
                    // libpq jumps to the separator code, even in HTML mode.
                    end_field(&mut out, fs, j + 1 < nfields);
                }
                continue;
            }
            if opt.align && !not_num[ju] {
                not_num[ju] = !looks_numeric(pval, res.client_encoding());
            }
            if tabular {
                field_max[ju] = field_max[ju].max(plen as usize);
                fields[i as usize * n + ju] = Some(pval);
            } else if opt.expanded {
                if opt.html3 {
                    out.extend_from_slice(b"<tr><td align=\"left\"><b>");
                    out.extend_from_slice(names[ju]);
                    out.extend_from_slice(b"</b></td><td align=\"");
                    out.extend_from_slice(align_word(not_num[ju]));
                    out.extend_from_slice(b"\">");
                    out.extend_from_slice(pval);
                    out.extend_from_slice(b"</td></tr>\n");
                } else {
                    if opt.align {
                        pad(&mut out, names[ju], field_max_len - fs_len, true);
                        out.extend_from_slice(fs);
                        out.push(b' ');
                    } else {
                        out.extend_from_slice(names[ju]);
                        out.extend_from_slice(fs);
                    }
                    out.extend_from_slice(pval);
                    out.push(b'\n');
                }
            } else {
                // Neither expanded nor tabular: plain unaligned text.
                out.extend_from_slice(pval);
                end_field(&mut out, fs, j + 1 < nfields);
            }
        }
        if opt.html3 && opt.expanded {
            out.extend_from_slice(b"</table>\n");
        }
    }
    if tabular {
        if opt.html3 {
            if opt.header {
                html_table_open(&mut out, table_opt);
                match opt.caption {
                    Some(c) => out.extend_from_slice(c),
                    None => out.extend_from_slice(
                        format!("Retrieved {ntups} rows * {nfields} fields").as_bytes(),
                    ),
                }
                out.extend_from_slice(b"</caption>\n");
            } else {
                out.extend_from_slice(b"<table ");
                out.extend_from_slice(table_opt);
                out.push(b'>');
            }
        }
        let mut border: Option<Vec<u8>> = None;
        if opt.header {
            border = header(&mut out, res, opt, &names, &mut field_max, &not_num);
        }
        for i in 0..ntups as usize {
            row(
                &mut out,
                opt,
                &fields[i * n..(i + 1) * n],
                &not_num,
                &field_max,
                border.as_deref(),
            );
        }
    }
    if opt.header && !opt.html3 {
        out.extend_from_slice(format!("({ntups} row{})\n\n", plural(ntups)).as_bytes());
    }
    if opt.html3 && !opt.expanded {
        out.extend_from_slice(b"</table>\n");
    }
    Ok(out)
}

/// `<table %s><caption align="top">`.
fn html_table_open(out: &mut Vec<u8>, table_opt: &[u8]) {
    out.extend_from_slice(b"<table ");
    out.extend_from_slice(table_opt);
    out.extend_from_slice(b"><caption align=\"top\">");
}

/// The separator after a value, or the newline after the last one.
fn end_field(out: &mut Vec<u8>, fs: &[u8], more: bool) {
    if more {
        out.extend_from_slice(fs);
    } else {
        out.push(b'\n');
    }
}

fn align_word(not_num: bool) -> &'static [u8] {
    if not_num {
        b"left"
    } else {
        b"right"
    }
}

fn plural(n: i32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// libpq's numeric test for aligned columns: only digits, `.`, `E`/`e`,
/// blanks and `-` (checking the first byte of each character), not starting
/// with `E`/`e` and ending in a digit.
fn looks_numeric(pval: &[u8], client_encoding: i32) -> bool {
    let mut last = b'0';
    let mut p = 0;
    while p < pval.len() {
        let ch = pval[p];
        last = ch;
        if !(ch.is_ascii_digit() || matches!(ch, b'.' | b'E' | b'e' | b' ' | b'-')) {
            return false;
        }
        p += encoding::mblen_bounded(client_encoding, &pval[p..]).max(1);
    }
    !matches!(pval[0], b'E' | b'e') && last.is_ascii_digit()
}

/// The aligned header (and the border it returns) or the HTML header row.
fn header(
    out: &mut Vec<u8>,
    res: &PgResult,
    opt: &PrintOpt<'_>,
    names: &[&[u8]],
    field_max: &mut [usize],
    not_num: &[bool],
) -> Option<Vec<u8>> {
    let fs = opt.field_sep;
    let n = field_max.len();
    let mut border = None;
    if opt.html3 {
        out.extend_from_slice(b"<tr>");
    } else {
        let mut b = Vec::new();
        if opt.standard {
            push_repeat(&mut b, b'+', fs.len());
        }
        for (j, &max) in field_max.iter().enumerate() {
            push_repeat(&mut b, b'-', max + if opt.standard { 2 } else { 0 });
            if opt.standard || j + 1 < n {
                push_repeat(&mut b, b'+', fs.len());
            }
        }
        if opt.standard {
            out.extend_from_slice(&b);
            out.push(b'\n');
        }
        border = Some(b);
    }
    if opt.standard {
        out.extend_from_slice(fs);
    }
    for j in 0..n {
        if opt.html3 {
            out.extend_from_slice(b"<th align=\"");
            out.extend_from_slice(align_word(not_num[j]));
            out.extend_from_slice(b"\">");
            out.extend_from_slice(names[j]);
            out.extend_from_slice(b"</th>");
        } else {
            // The column's real name, not the override, and widened to it
            // only now, after the border was drawn.
            let s = fname(res, j as i32);
            field_max[j] = field_max[j].max(s.len());
            if opt.standard {
                out.push(b' ');
            }
            pad(out, s, field_max[j], not_num[j]);
            if opt.standard {
                out.push(b' ');
            }
            if opt.standard || j + 1 < n {
                out.extend_from_slice(fs);
            }
        }
    }
    match &border {
        None => out.extend_from_slice(b"</tr>\n"),
        Some(b) => {
            out.push(b'\n');
            out.extend_from_slice(b);
            out.push(b'\n');
        }
    }
    border
}

/// One row of the aligned or HTML table.
fn row(
    out: &mut Vec<u8>,
    opt: &PrintOpt<'_>,
    fields: &[Option<&[u8]>],
    not_num: &[bool],
    field_max: &[usize],
    border: Option<&[u8]>,
) {
    let fs = opt.field_sep;
    let n = fields.len();
    if opt.html3 {
        out.extend_from_slice(b"<tr>");
    } else if opt.standard {
        out.extend_from_slice(fs);
    }
    for (j, p) in fields.iter().enumerate() {
        let p = p.unwrap_or_default();
        if opt.html3 {
            out.extend_from_slice(b"<td align=\"");
            out.extend_from_slice(align_word(not_num[j]));
            out.extend_from_slice(b"\">");
            out.extend_from_slice(p);
            out.extend_from_slice(b"</td>");
        } else {
            if opt.standard {
                out.push(b' ');
            }
            pad(out, p, field_max[j], not_num[j]);
            if opt.standard {
                out.push(b' ');
            }
            if opt.standard || j + 1 < n {
                out.extend_from_slice(fs);
            }
        }
    }
    if opt.html3 {
        out.extend_from_slice(b"</tr>");
    } else if opt.standard {
        out.push(b'\n');
        out.extend_from_slice(border.unwrap_or(GLIBC_NULL));
    }
    out.push(b'\n');
}

/// `PQdisplayTuples`' output (`res` None: no columns, no rows). `field_sep`
/// None is libpq's default, one space.
pub fn display_tuples(
    res: Option<&PgResult>,
    fill_align: bool,
    field_sep: Option<&[u8]>,
    print_header: bool,
    quiet: bool,
) -> Vec<u8> {
    let mut out = Vec::new();
    let sep = field_sep.unwrap_or(b" ");
    let (nfields, ntuples) = res.map_or((0, 0), |r| (r.nfields(), r.ntuples()));
    let name = |j: i32| res.map_or(&[][..], |r| fname(r, j));
    let val = |i: i32, j: i32| res.map_or(&[][..], |r| value(r, i, j));
    let mut widths = Vec::new();
    if fill_align {
        for j in 0..nfields {
            let longest = (0..ntuples)
                .map(|i| res.map_or(0, |r| r.get_length(i, j)).max(0) as usize)
                .max()
                .unwrap_or(0);
            widths.push(name(j).len().max(longest));
        }
    }
    // libpq's fill(): one more filler than the difference.
    let fill = |out: &mut Vec<u8>, len: usize, max: usize, filler: u8| {
        if max >= len {
            push_repeat(out, filler, max - len + 1);
        }
    };
    if print_header {
        for j in 0..nfields {
            let s = name(j);
            out.extend_from_slice(s);
            if fill_align {
                fill(&mut out, s.len(), widths[j as usize], b' ');
            }
            out.extend_from_slice(sep);
        }
        out.push(b'\n');
        for j in 0..nfields {
            if fill_align {
                fill(&mut out, 0, widths[j as usize], b'-');
            }
            out.extend_from_slice(sep);
        }
        out.push(b'\n');
    }
    for i in 0..ntuples {
        for j in 0..nfields {
            let v = val(i, j);
            out.extend_from_slice(v);
            if fill_align {
                fill(&mut out, v.len(), widths[j as usize], b' ');
            }
            out.extend_from_slice(sep);
        }
        out.push(b'\n');
    }
    if !quiet {
        out.extend_from_slice(
            format!("\nQuery returned {ntuples} row{}.\n", plural(ntuples)).as_bytes(),
        );
    }
    out
}

/// `PQprintTuples`' output: `|`-framed cells of at least `col_width` bytes
/// (when positive) under a 14-dashes-per-column rule, or terse lines.
pub fn print_tuples(res: &PgResult, att_names: bool, terse: bool, col_width: i32) -> Vec<u8> {
    let mut out = Vec::new();
    let nfields = res.nfields();
    if nfields <= 0 {
        return out;
    }
    let bar: &[u8] = if terse { b"" } else { b"|" };
    let width = usize::try_from(col_width).unwrap_or(0);
    let cell = |out: &mut Vec<u8>, s: &[u8]| {
        out.extend_from_slice(bar);
        out.push(b' ');
        pad(out, s, width, true);
    };
    let border = vec![b'-'; nfields as usize * 14];
    let end_line = |out: &mut Vec<u8>| {
        if terse {
            out.push(b'\n');
        } else {
            out.extend_from_slice(b"|\n");
            out.extend_from_slice(&border);
            out.push(b'\n');
        }
    };
    if !terse {
        out.extend_from_slice(&border);
        out.push(b'\n');
    }
    if att_names {
        for j in 0..nfields {
            cell(&mut out, fname(res, j));
        }
        end_line(&mut out);
    }
    for i in 0..res.ntuples() {
        for j in 0..nfields {
            cell(&mut out, value(res, i, j));
        }
        end_line(&mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::notice::NoticeHooks;
    use crate::ffi::types::ExecStatusType;
    use crate::protocol::backend::FieldDescription;

    fn result(names: &[&str], rows: &[&[Option<&str>]]) -> PgResult {
        let mut r = PgResult::new(ExecStatusType::PGRES_TUPLES_OK, NoticeHooks::silent(), 6);
        let descs: Vec<_> = names
            .iter()
            .map(|n| FieldDescription {
                name: n.as_bytes(),
                table_oid: 0,
                column: 0,
                type_oid: 25,
                type_len: -1,
                type_mod: -1,
                format: 0,
            })
            .collect();
        r.set_fields(descs.iter().copied());
        for values in rows {
            let mut b = (values.len() as i16).to_be_bytes().to_vec();
            for v in values.iter() {
                match v {
                    None => b.extend_from_slice(&(-1i32).to_be_bytes()),
                    Some(v) => {
                        b.extend_from_slice(&(v.len() as i32).to_be_bytes());
                        b.extend_from_slice(v.as_bytes());
                    }
                }
            }
            r.add_row(&b).unwrap();
        }
        r
    }

    fn sample() -> PgResult {
        result(
            &["id", "name"],
            &[&[Some("1"), Some("alpha")], &[Some("-22"), None]],
        )
    }

    fn opt(flags: &str, sep: &'static str) -> PrintOpt<'static> {
        PrintOpt {
            header: flags.contains('h'),
            align: flags.contains('a'),
            standard: flags.contains('s'),
            html3: flags.contains('t'),
            expanded: flags.contains('x'),
            field_sep: sep.as_bytes(),
            ..PrintOpt::default()
        }
    }

    fn text(b: Vec<u8>) -> String {
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn aligned_with_header() {
        let out = print(&sample(), &opt("ha", "|")).unwrap();
        assert_eq!(
            text(out),
            " id|name \n---+-----\n  1|alpha\n-22|     \n(2 rows)\n\n"
        );
    }

    #[test]
    fn standard_frame() {
        let out = print(&sample(), &opt("has", "|")).unwrap();
        assert_eq!(
            text(out),
            "+-----+-------+\n|  id | name  |\n+-----+-------+\n\
             |   1 | alpha |\n+-----+-------+\n| -22 |       |\n+-----+-------+\n(2 rows)\n\n"
        );
        // Without the header there is no border: glibc prints "(null)".
        let out = print(&sample(), &opt("as", "|")).unwrap();
        assert_eq!(
            text(out),
            "|   1 | alpha |\n(null)\n| -22 |       |\n(null)\n"
        );
    }

    #[test]
    fn unaligned_and_expanded() {
        assert_eq!(
            text(print(&sample(), &opt("h", ",")).unwrap()),
            "id,name\n-------\n1,alpha\n-22,\n(2 rows)\n\n"
        );
        assert_eq!(
            text(print(&sample(), &opt("hax", "|")).unwrap()),
            "Field| Value\n-- RECORD 0 --\nid  | 1\nname| alpha\n-- RECORD 1 --\nid  | -22\n(2 rows)\n\n"
        );
    }

    #[test]
    fn html() {
        let mut o = opt("hat", "");
        o.table_opt = Some(b"border=1");
        assert_eq!(
            text(print(&sample(), &o).unwrap()),
            "<table border=1><caption align=\"top\">Retrieved 2 rows * 2 fields</caption>\n\
             <tr><th align=\"right\">id</th><th align=\"left\">name</th></tr>\n\
             <tr><td align=\"right\">1</td><td align=\"left\">alpha</td></tr>\n\
             <tr><td align=\"right\">-22</td><td align=\"left\"></td></tr>\n</table>\n"
        );
        // Unaligned HTML: the empty value's separator comes before the table.
        let out = text(print(&sample(), &opt("t", ";")).unwrap());
        assert!(out.starts_with("\n<table >"), "{out}");
    }

    #[test]
    fn overrides_and_numeric_detection() {
        let r = result(
            &["longname", "n"],
            &[&[Some("1e5"), Some("x")], &[Some("2.5"), Some("12")]],
        );
        let mut o = opt("ha", "|");
        o.field_names = vec![b"a", b""];
        // The border follows the override's width; the header the real name's.
        assert_eq!(
            text(print(&r, &o).unwrap()),
            "longname|n \n---+--\n     1e5|x \n     2.5|12\n(2 rows)\n\n"
        );
        assert!(looks_numeric(b"-1.5e10", 6));
        assert!(!looks_numeric(b"e5", 6));
        assert!(!looks_numeric(b"5.", 6));
        assert!(!looks_numeric("1\u{e9}".as_bytes(), 6));
    }

    #[test]
    fn widths_count_bytes() {
        let r = result(&["w"], &[&[Some("日本")], &[Some("a")]]);
        assert_eq!(
            text(print(&r, &opt("ha", "|")).unwrap()),
            "w     \n------\n日本\na     \n(2 rows)\n\n"
        );
    }

    #[test]
    fn no_columns_prints_nothing() {
        let r = result(&[], &[]);
        assert!(print(&r, &opt("has", "|")).unwrap().is_empty());
        assert!(print_tuples(&r, true, false, 0).is_empty());
        assert_eq!(
            text(display_tuples(Some(&r), true, None, true, false)),
            "\n\n\nQuery returned 0 rows.\n"
        );
    }

    #[test]
    fn display_tuples_fill() {
        assert_eq!(
            text(display_tuples(
                Some(&sample()),
                true,
                Some(b"|"),
                true,
                false
            )),
            "id  |name  |\n----|------|\n1   |alpha |\n-22 |      |\n\nQuery returned 2 rows.\n"
        );
        assert_eq!(
            text(display_tuples(Some(&sample()), false, None, false, true)),
            "1 alpha \n-22  \n"
        );
    }

    #[test]
    fn print_tuples_frames() {
        let r = result(&["a"], &[&[Some("xy")]]);
        assert_eq!(
            text(print_tuples(&r, true, false, 4)),
            "--------------\n| a   |\n--------------\n| xy  |\n--------------\n"
        );
        assert_eq!(text(print_tuples(&r, true, true, 0)), " a\n xy\n");
    }

    #[test]
    fn pager_estimate() {
        let r = sample();
        assert!(!wants_pager(&r, &opt("ha", "|"), 24, 80));
        assert!(wants_pager(&r, &opt("ha", "|"), 5, 80));
        assert!(!wants_pager(&r, &opt("hat", "|"), 1, 80));
        assert!(wants_pager(&r, &opt("x", "|"), 6, 80));
        assert!(!wants_pager(&r, &opt("x", "|"), 7, 80));
        assert!(usable_pager(b" less "));
        assert!(!usable_pager(b" \t\n"));
    }
}
