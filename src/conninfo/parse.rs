//! `keyword = value` connection strings (`conninfo_parse`), the dispatch to
//! the URI parser (`parse_connection_string`) and keyword/value arrays
//! (`conninfo_array_parse`). No defaults are applied here.

use super::options::ConnOptions;
use super::uri::{parse_uri, uri_prefix_length};
use crate::messages::conninfo as msg;

pub(crate) use crate::cnum::is_c_space;

/// Bytes back to text; the parsers only ever remove ASCII bytes, so valid
/// UTF-8 input stays valid.
pub(crate) fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// `conninfo_storeval`: stores `value` under `keyword`, translating the old
/// `requiressl` keyword to `sslmode`. `Err(None)` is an unknown keyword when
/// the caller handles that itself (`ignoreMissing`).
pub(crate) fn store(
    opts: &mut ConnOptions,
    keyword: &str,
    value: &str,
    ignore_missing: bool,
) -> Result<(), Option<String>> {
    let (keyword, value) = if keyword == "requiressl" {
        (
            "sslmode",
            if value.starts_with('1') {
                "require"
            } else {
                "prefer"
            },
        )
    } else {
        (keyword, value)
    };
    if opts.set(keyword, Some(value.to_string())) {
        Ok(())
    } else if ignore_missing {
        Err(None)
    } else {
        Err(Some(msg::fill(msg::INVALID_OPTION, &[&keyword])))
    }
}

/// `recognized_connection_string`: a URI, or anything containing `=`.
pub fn recognized_connection_string(s: &str) -> bool {
    uri_prefix_length(s) != 0 || s.contains('=')
}

/// Alias of [`recognized_connection_string`].
pub fn is_connection_string(s: &str) -> bool {
    recognized_connection_string(s)
}

/// Parses a connection string as `PQconninfoParse` does: a `postgresql://` or
/// `postgres://` URI, or `keyword = value` pairs (a later duplicate wins).
/// No defaults are applied. The error is libpq's message with its `\n`.
pub fn parse_conninfo(s: &str) -> Result<ConnOptions, String> {
    if uri_prefix_length(s) != 0 {
        parse_uri(s)
    } else {
        parse_keyword_value(s)
    }
}

/// `conninfo_parse` without defaults.
fn parse_keyword_value(s: &str) -> Result<ConnOptions, String> {
    let mut opts = ConnOptions::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // Skip blanks before the parameter name.
        if is_c_space(b[i]) {
            i += 1;
            continue;
        }
        // The name runs to '=' or whitespace.
        let name_start = i;
        while i < b.len() && b[i] != b'=' && !is_c_space(b[i]) {
            i += 1;
        }
        let name = &s[name_start..i];
        while i < b.len() && is_c_space(b[i]) {
            i += 1;
        }
        if i >= b.len() || b[i] != b'=' {
            return Err(msg::fill(msg::MISSING_EQUALS, &[&name]));
        }
        i += 1;
        // Skip blanks after the '='.
        while i < b.len() && is_c_space(b[i]) {
            i += 1;
        }
        let mut value = Vec::new();
        if i < b.len() && b[i] == b'\'' {
            i += 1;
            loop {
                if i >= b.len() {
                    return Err(msg::UNTERMINATED_QUOTE.to_string());
                }
                match b[i] {
                    b'\\' => {
                        i += 1;
                        if i < b.len() {
                            value.push(b[i]);
                            i += 1;
                        }
                    }
                    b'\'' => {
                        i += 1;
                        break;
                    }
                    c => {
                        value.push(c);
                        i += 1;
                    }
                }
            }
        } else {
            while i < b.len() {
                if is_c_space(b[i]) {
                    i += 1;
                    break;
                }
                if b[i] == b'\\' {
                    i += 1;
                    if i < b.len() {
                        value.push(b[i]);
                        i += 1;
                    }
                } else {
                    value.push(b[i]);
                    i += 1;
                }
            }
        }
        let value = text(value);
        store(&mut opts, name, &value, false).map_err(|e| e.unwrap_or_default())?;
    }
    Ok(opts)
}

/// Parses `PQconnectdbParams`-style keyword/value arrays without defaults
/// (`conninfo_array_parse`): entries apply in order, a `None` or `""` value
/// counts as not given. With `expand_dbname`, the first `dbname` entry with a
/// value is parsed as a connection string if it looks like one; its settings
/// override earlier entries and later entries override them.
pub fn parse_params(
    pairs: &[(&str, Option<&str>)],
    expand_dbname: bool,
) -> Result<ConnOptions, String> {
    let mut expanded = None;
    if expand_dbname {
        if let Some((_, Some(v))) = pairs.iter().find(|(k, v)| *k == "dbname" && v.is_some()) {
            if recognized_connection_string(v) {
                expanded = Some(parse_conninfo(v)?);
            }
        }
    }
    let mut opts = ConnOptions::new();
    for (keyword, value) in pairs {
        let Some(value) = value.filter(|v| !v.is_empty()) else {
            continue;
        };
        if super::options::option_index(keyword).is_none() {
            return Err(msg::fill(msg::INVALID_OPTION, &[keyword]));
        }
        if *keyword == "dbname" {
            if let Some(exp) = expanded.take() {
                opts.overlay(&exp);
                continue;
            }
        }
        opts.set(keyword, Some(value.to_string()));
    }
    Ok(opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> ConnOptions {
        parse_conninfo(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    // Expected values below come from running the same strings through
    // PQconninfoParse of the system libpq (Debian 15.18) with ctypes.

    #[test]
    fn keyword_value_basics() {
        let o = ok("host=a port = 5 dbname='x y\\'z' user=a\\ b");
        assert_eq!(o.get("host"), Some("a"));
        assert_eq!(o.get("port"), Some("5"));
        assert_eq!(o.get("dbname"), Some("x y'z"));
        assert_eq!(o.get("user"), Some("a b"));
        assert_eq!(o.get("password"), None);
    }

    #[test]
    fn quoting_and_whitespace() {
        let o = ok("host='a'port=5");
        assert_eq!((o.get("host"), o.get("port")), (Some("a"), Some("5")));
        let o = ok("host=");
        assert_eq!(o.get("host"), Some(""));
        let o = ok("host=''");
        assert_eq!(o.get("host"), Some(""));
        let o = ok(" \t\nhost\t=\n'a b\\\\c' \r");
        assert_eq!(o.get("host"), Some("a b\\c"));
        let o = ok("password=it's");
        assert_eq!(o.get("password"), Some("it's"));
        let o = ok("password=ends\\");
        assert_eq!(o.get("password"), Some("ends"));
        let o = ok("application_name='héllo wörld'");
        assert_eq!(o.get("application_name"), Some("héllo wörld"));
        assert_eq!(ok(""), ConnOptions::new());
        assert_eq!(ok("   "), ConnOptions::new());
    }

    #[test]
    fn duplicates_later_wins() {
        let o = ok("host=a host=b");
        assert_eq!(o.get("host"), Some("b"));
    }

    #[test]
    fn requiressl_translation() {
        assert_eq!(ok("requiressl=1").get("sslmode"), Some("require"));
        assert_eq!(ok("requiressl=0").get("sslmode"), Some("prefer"));
        assert_eq!(
            ok("requiressl=0 sslmode=disable").get("sslmode"),
            Some("disable")
        );
    }

    #[test]
    fn parse_errors() {
        let e = |s: &str| parse_conninfo(s).unwrap_err();
        assert_eq!(
            e("host"),
            "missing \"=\" after \"host\" in connection info string\n"
        );
        assert_eq!(
            e("host x"),
            "missing \"=\" after \"host\" in connection info string\n"
        );
        assert_eq!(
            e("a b=c"),
            "missing \"=\" after \"a\" in connection info string\n"
        );
        assert_eq!(
            e("host='abc"),
            "unterminated quoted string in connection info string\n"
        );
        assert_eq!(
            e("host='abc\\'"),
            "unterminated quoted string in connection info string\n"
        );
        assert_eq!(e("foo=bar"), "invalid connection option \"foo\"\n");
        assert_eq!(e("=x"), "invalid connection option \"\"\n");
    }

    #[test]
    fn params_basic_and_empty_values() {
        let o = parse_params(
            &[
                ("host", Some("h")),
                ("port", None),
                ("user", Some("")),
                ("dbname", Some("d")),
            ],
            false,
        )
        .unwrap();
        assert_eq!(o.get("host"), Some("h"));
        assert_eq!(o.get("port"), None);
        assert_eq!(o.get("user"), None);
        assert_eq!(o.get("dbname"), Some("d"));
        // Unknown keywords only count when they have a value.
        assert!(parse_params(&[("nosuch", None), ("bogus", Some(""))], false).is_ok());
        assert_eq!(
            parse_params(&[("nosuch", Some("x"))], false).unwrap_err(),
            "invalid connection option \"nosuch\"\n"
        );
        // No requiressl translation for arrays.
        assert_eq!(
            parse_params(&[("requiressl", Some("1"))], false).unwrap_err(),
            "invalid connection option \"requiressl\"\n"
        );
    }

    #[test]
    fn params_expand_dbname() {
        let pairs = [
            ("host", Some("early")),
            ("port", Some("1")),
            ("dbname", Some("host=fromstr user=u")),
            ("user", Some("late")),
        ];
        let o = parse_params(&pairs, true).unwrap();
        assert_eq!(o.get("host"), Some("fromstr"));
        assert_eq!(o.get("port"), Some("1"));
        assert_eq!(o.get("user"), Some("late"));
        assert_eq!(o.get("dbname"), None);

        let o = parse_params(&pairs, false).unwrap();
        assert_eq!(o.get("dbname"), Some("host=fromstr user=u"));
        assert_eq!(o.get("host"), Some("early"));

        // Only the first dbname is expanded; a second one is a plain name.
        let o = parse_params(
            &[
                ("dbname", Some("postgresql:///a")),
                ("dbname", Some("port=7")),
            ],
            true,
        )
        .unwrap();
        assert_eq!(o.get("dbname"), Some("port=7"));
        let o = parse_params(
            &[("dbname", Some("plain")), ("dbname", Some("port=7"))],
            true,
        )
        .unwrap();
        assert_eq!((o.get("dbname"), o.get("port")), (Some("port=7"), None));
        // A first dbname with an empty value stops the search too.
        let o = parse_params(&[("dbname", Some("")), ("dbname", Some("port=7"))], true).unwrap();
        assert_eq!(o.get("dbname"), Some("port=7"));

        // Errors in the expanded string are reported as such.
        assert_eq!(
            parse_params(&[("dbname", Some("host"))], true).map(|_| ()),
            Ok(())
        );
        assert_eq!(
            parse_params(&[("dbname", Some("x=1"))], true).unwrap_err(),
            "invalid connection option \"x\"\n"
        );
    }
}
