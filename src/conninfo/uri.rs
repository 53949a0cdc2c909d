//! `postgresql://` URIs (`conninfo_uri_parse_options`,
//! `conninfo_uri_parse_params`, `conninfo_uri_decode` of libpq 18):
//!
//! `postgresql://[user[:password]@][netloc][:port][,...][/dbname][?param1=value1&...]`
//!
//! where netloc is a host name, an IPv4 address or a bracketed IPv6 address,
//! and every part may be percent-encoded.

use super::options::ConnOptions;
use super::parse::{store, text};
use crate::messages::conninfo as msg;

const URI_DESIGNATOR: &str = "postgresql://";
const SHORT_URI_DESIGNATOR: &str = "postgres://";

/// Length of the URI prefix `s` starts with, 0 for none (`uri_prefix_length`).
pub fn uri_prefix_length(s: &str) -> usize {
    if s.starts_with(URI_DESIGNATOR) {
        URI_DESIGNATOR.len()
    } else if s.starts_with(SHORT_URI_DESIGNATOR) {
        SHORT_URI_DESIGNATOR.len()
    } else {
        0
    }
}

fn hex(d: u8) -> Option<u8> {
    match d {
        b'0'..=b'9' => Some(d - b'0'),
        b'A'..=b'F' => Some(d - b'A' + 10),
        b'a'..=b'f' => Some(d - b'a' + 10),
        _ => None,
    }
}

/// `conninfo_uri_decode`: percent-decoding; leading and trailing spaces are
/// dropped, spaces inside are an error (libpq 18).
pub(crate) fn uri_decode(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    while i < b.len() && b[i] != b' ' {
        if b[i] != b'%' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let hi = b.get(i + 1).copied().and_then(hex);
        let lo = hi.and(b.get(i + 2).copied().and_then(hex));
        let (Some(hi), Some(lo)) = (hi, lo) else {
            return Err(msg::fill(msg::URI_BAD_PERCENT, &[&s]));
        };
        let c = (hi << 4) | lo;
        if c == 0 {
            return Err(msg::fill(msg::URI_PERCENT_00, &[&s]));
        }
        out.push(c);
        i += 3;
    }
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    if i < b.len() {
        return Err(msg::fill(msg::URI_SPACES, &[&s]));
    }
    Ok(text(out))
}

/// Stores a URI part after percent-decoding it (`conninfo_storeval` with `uri_decode`).
fn store_decoded(opts: &mut ConnOptions, keyword: &str, raw: &str) -> Result<(), String> {
    let value = uri_decode(raw)?;
    store(opts, keyword, &value, false).map_err(|e| e.unwrap_or_default())
}

/// Parses a URI into options, without defaults (`conninfo_uri_parse`).
pub(crate) fn parse_uri(uri: &str) -> Result<ConnOptions, String> {
    let mut opts = ConnOptions::new();
    let prefix = uri_prefix_length(uri);
    if prefix == 0 {
        return Err(msg::fill(msg::URI_BAD_PREFIX, &[&uri]));
    }
    let b = uri.as_bytes();
    let start = prefix;
    let mut p = start;

    // Look ahead for user credentials.
    while p < b.len() && b[p] != b'@' && b[p] != b'/' {
        p += 1;
    }
    if p < b.len() && b[p] == b'@' {
        let at = p;
        let mut q = start;
        while b[q] != b':' && b[q] != b'@' {
            q += 1;
        }
        let user = &uri[start..q];
        if !user.is_empty() {
            store_decoded(&mut opts, "user", user)?;
        }
        if b[q] == b':' {
            let password = &uri[q + 1..at];
            if !password.is_empty() {
                store_decoded(&mut opts, "password", password)?;
            }
        }
        p = at + 1;
    } else {
        p = start;
    }

    // One or more netloc[:port], separated by commas.
    let mut hosts = String::new();
    let mut ports = String::new();
    let mut term: Option<u8>;
    loop {
        let host;
        if p < b.len() && b[p] == b'[' {
            p += 1;
            let h = p;
            while p < b.len() && b[p] != b']' {
                p += 1;
            }
            if p >= b.len() {
                return Err(msg::fill(msg::URI_IPV6_UNTERMINATED, &[&uri]));
            }
            if p == h {
                return Err(msg::fill(msg::URI_IPV6_EMPTY, &[&uri]));
            }
            host = &uri[h..p];
            p += 1;
            if p < b.len() && !matches!(b[p], b':' | b'/' | b'?' | b',') {
                let c = uri[p..].chars().next().unwrap_or('?');
                return Err(msg::fill(msg::URI_UNEXPECTED_CHAR, &[&c, &(p + 1), &uri]));
            }
        } else {
            let h = p;
            while p < b.len() && !matches!(b[p], b':' | b'/' | b'?' | b',') {
                p += 1;
            }
            host = &uri[h..p];
        }
        term = b.get(p).copied();
        hosts.push_str(host);
        if term == Some(b':') {
            p += 1;
            let s = p;
            while p < b.len() && !matches!(b[p], b'/' | b'?' | b',') {
                p += 1;
            }
            ports.push_str(&uri[s..p]);
            term = b.get(p).copied();
        }
        if term != Some(b',') {
            break;
        }
        p += 1;
        hosts.push(',');
        ports.push(',');
    }
    if !hosts.is_empty() {
        store_decoded(&mut opts, "host", &hosts)?;
    }
    if !ports.is_empty() {
        store_decoded(&mut opts, "port", &ports)?;
    }

    // "/dbname"
    if term.is_some() && term != Some(b'?') {
        p += 1;
        let s = p;
        while p < b.len() && b[p] != b'?' {
            p += 1;
        }
        let dbname = &uri[s..p];
        // An empty dbname is left unset, so PGDATABASE still applies.
        if !dbname.is_empty() {
            store_decoded(&mut opts, "dbname", dbname)?;
        }
        term = b.get(p).copied();
    }

    // "?key=value&..."
    if term.is_some() {
        parse_query(&uri[p + 1..], &mut opts)?;
    }
    Ok(opts)
}

/// `conninfo_uri_parse_params`.
fn parse_query(params: &str, opts: &mut ConnOptions) -> Result<(), String> {
    let b = params.as_bytes();
    let mut p = 0;
    while p < b.len() {
        let kstart = p;
        let mut eq: Option<usize> = None;
        loop {
            if p < b.len() && b[p] == b'=' {
                if eq.is_some() {
                    let keyword = &params[kstart..eq.unwrap_or(kstart)];
                    return Err(msg::fill(msg::URI_EXTRA_EQUALS, &[&keyword]));
                }
                eq = Some(p);
                p += 1;
            } else if p >= b.len() || b[p] == b'&' {
                let end = p;
                if p < b.len() {
                    p += 1;
                }
                let Some(eq) = eq else {
                    return Err(msg::fill(msg::URI_MISSING_EQUALS, &[&&params[kstart..end]]));
                };
                let keyword = uri_decode(&params[kstart..eq])?;
                let value = uri_decode(&params[eq + 1..end])?;
                // JDBC compatibility.
                let (keyword, value) = if keyword == "ssl" && value == "true" {
                    ("sslmode".to_string(), "require".to_string())
                } else {
                    (keyword, value)
                };
                match store(opts, &keyword, &value, true) {
                    Ok(()) => {}
                    Err(Some(e)) => return Err(e),
                    Err(None) => return Err(msg::fill(msg::URI_INVALID_PARAM, &[&keyword])),
                }
                break;
            } else {
                p += 1;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::parse_conninfo;
    use super::*;

    fn ok(s: &str) -> ConnOptions {
        parse_conninfo(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }
    fn err(s: &str) -> String {
        parse_conninfo(s).unwrap_err()
    }

    // Expected values were obtained by running the same URIs through
    // PQconninfoParse of the system libpq (Debian 15.18) with ctypes, except
    // the whitespace rules, which are new in libpq 18 (read from its source).

    #[test]
    fn full_uri() {
        let o = ok("postgresql://u:p@h1:1,h2,[::1]:3/db?sslmode=require&application_name=x%20y");
        assert_eq!(o.get("user"), Some("u"));
        assert_eq!(o.get("password"), Some("p"));
        assert_eq!(o.get("host"), Some("h1,h2,::1"));
        assert_eq!(o.get("port"), Some("1,,3"));
        assert_eq!(o.get("dbname"), Some("db"));
        assert_eq!(o.get("sslmode"), Some("require"));
        assert_eq!(o.get("application_name"), Some("x y"));
    }

    #[test]
    fn empty_pieces() {
        assert_eq!(ok("postgresql://"), ConnOptions::new());
        assert_eq!(ok("postgres://@/"), ConnOptions::new());
        assert_eq!(ok("postgresql:///"), ConnOptions::new());
        let o = ok("postgresql://u@");
        assert_eq!((o.get("user"), o.get("host")), (Some("u"), None));
        let o = ok("postgresql://:pw@h");
        assert_eq!(
            (o.get("user"), o.get("password"), o.get("host")),
            (None, Some("pw"), Some("h"))
        );
        let o = ok("postgresql://h1,h2");
        assert_eq!((o.get("host"), o.get("port")), (Some("h1,h2"), Some(",")));
        let o = ok("postgresql://h:/d");
        assert_eq!((o.get("port"), o.get("dbname")), (None, Some("d")));
        let o = ok("postgresql://h?");
        assert_eq!(o.get("host"), Some("h"));
        let o = ok("postgresql://h/?port=1&");
        assert_eq!((o.get("dbname"), o.get("port")), (None, Some("1")));
        let o = ok("postgresql://%2Ftmp%2Fsock/d");
        assert_eq!(o.get("host"), Some("/tmp/sock"));
        let o = ok("postgresql:///d?host=/tmp");
        assert_eq!((o.get("host"), o.get("dbname")), (Some("/tmp"), Some("d")));
    }

    #[test]
    fn at_in_password_cuts_at_first_at() {
        let o = ok("postgresql://u:p@ss@host/db");
        assert_eq!(o.get("password"), Some("p"));
        assert_eq!(o.get("host"), Some("ss@host"));
    }

    #[test]
    fn query_parameters() {
        assert_eq!(
            ok("postgresql://h?ssl=true").get("sslmode"),
            Some("require")
        );
        let o = ok("postgresql://h/d?host=x&requiressl=1");
        assert_eq!(
            (o.get("host"), o.get("sslmode")),
            (Some("x"), Some("require"))
        );
        let o = ok("postgresql://h/d?host=a&host=b");
        assert_eq!(o.get("host"), Some("b"));
        assert_eq!(
            ok("postgresql://h?options=-c%20x%3Dy").get("options"),
            Some("-c x=y")
        );
        // Literal spaces around a value are dropped (libpq 18), encoded ones kept.
        assert_eq!(ok("postgresql://h?port=  1 ").get("port"), Some("1"));
        assert_eq!(
            ok("postgresql://h?port=%20%201%20").get("port"),
            Some("  1 ")
        );
    }

    #[test]
    fn uri_errors() {
        assert_eq!(
            err("postgresql://[::1"),
            "end of string reached when looking for matching \"]\" in IPv6 host address in URI: \"postgresql://[::1\"\n"
        );
        assert_eq!(
            err("postgresql://[]"),
            "IPv6 host address may not be empty in URI: \"postgresql://[]\"\n"
        );
        assert_eq!(
            err("postgresql://[::1]x"),
            "unexpected character \"x\" at position 19 in URI (expected \":\" or \"/\"): \"postgresql://[::1]x\"\n"
        );
        assert_eq!(
            err("postgresql://h/d?a"),
            "missing key/value separator \"=\" in URI query parameter: \"a\"\n"
        );
        assert_eq!(
            err("postgresql://h/d?a=b=c"),
            "extra key/value separator \"=\" in URI query parameter: \"a\"\n"
        );
        assert_eq!(
            err("postgresql://h/d?foo=bar"),
            "invalid URI query parameter: \"foo\"\n"
        );
        assert_eq!(
            err("postgresql://h/d?%7a=1"),
            "invalid URI query parameter: \"z\"\n"
        );
        assert_eq!(
            err("postgresql://h/%zz"),
            "invalid percent-encoded token: \"%zz\"\n"
        );
        assert_eq!(
            err("postgresql://h/%0"),
            "invalid percent-encoded token: \"%0\"\n"
        );
        assert_eq!(
            err("postgresql://h/d?sslmode=%"),
            "invalid percent-encoded token: \"%\"\n"
        );
        assert_eq!(
            err("postgresql://h/a%00"),
            "forbidden value %00 in percent-encoded value: \"a%00\"\n"
        );
        assert_eq!(
            err("postgresql://h:1%2/"),
            "invalid percent-encoded token: \"1%2\"\n"
        );
    }

    #[test]
    fn decode_whitespace_rules_of_libpq18() {
        assert_eq!(uri_decode("  a%20b  ").unwrap(), "a b");
        assert_eq!(
            uri_decode("a b").unwrap_err(),
            "unexpected spaces found in \"a b\", use percent-encoded spaces (%20) instead\n"
        );
        assert_eq!(
            err("postgresql://h?application_name=a b"),
            "unexpected spaces found in \"a b\", use percent-encoded spaces (%20) instead\n"
        );
        assert_eq!(uri_decode("%41%62").unwrap(), "Ab");
        assert_eq!(uri_decode("").unwrap(), "");
    }
}
