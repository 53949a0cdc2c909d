//! The password file (`passwordFromFile`, `pwdfMatchesString`): lines
//! `hostname:port:database:username:password`, `*` matches anything, `\`
//! escapes `:` and `\`, lines starting with `#` are comments.

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::env::Environment;
use super::{is_unixsock_path, DEFAULT_HOST, DEFAULT_PGSOCKET_DIR, DEF_PGPORT_STR};
use crate::messages::conninfo as msg;

/// `pwdfMatchesString`: if the field at the start of `buf` matches `token`,
/// the rest of the line after the field's `:`.
fn field_matches<'a>(buf: &'a [u8], token: &[u8]) -> Option<&'a [u8]> {
    if buf.starts_with(b"*:") {
        return Some(&buf[2..]);
    }
    let mut i = 0;
    let mut t = 0;
    while i < buf.len() {
        let mut escaped = false;
        if buf[i] == b'\\' {
            i += 1;
            escaped = true;
        }
        let c = buf.get(i).copied();
        if c == Some(b':') && t == token.len() && !escaped {
            return Some(&buf[i + 1..]);
        }
        if t == token.len() {
            return None;
        }
        // A backslash at the very end compares the NUL terminator: no match.
        match c {
            Some(c) if c == token[t] => {
                i += 1;
                t += 1;
            }
            _ => return None,
        }
    }
    None
}

/// Looks up the password for one host/port/database/user in `passfile`, as
/// libpq does for each host before connecting. `hostname` is the host entry
/// (or hostaddr when the host is empty); an empty host and the default
/// socket directory match `localhost`; an empty port means 5432. Returns
/// `None` when the file is missing, unreadable, insecure (with libpq's
/// WARNING through [`Environment::warn`]) or has no matching line.
pub fn password_from_file(
    hostname: &str,
    port: &str,
    dbname: &str,
    username: &str,
    passfile: &Path,
    env: &dyn Environment,
) -> Option<String> {
    if dbname.is_empty() || username.is_empty() {
        return None;
    }
    let hostname = if hostname.is_empty()
        || (is_unixsock_path(hostname) && hostname == DEFAULT_PGSOCKET_DIR)
    {
        DEFAULT_HOST
    } else {
        hostname
    };
    let port = if port.is_empty() {
        DEF_PGPORT_STR
    } else {
        port
    };

    let mut file = std::fs::File::open(passfile).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.file_type().is_file() {
        env.warn(&msg::fill(msg::PASSFILE_NOT_PLAIN, &[&passfile.display()]));
        return None;
    }
    if meta.permissions().mode() & 0o077 != 0 {
        env.warn(&msg::fill(msg::PASSFILE_INSECURE, &[&passfile.display()]));
        return None;
    }
    let mut data = Vec::new();
    file.read_to_end(&mut data).ok()?;
    let found = find_password(&data, hostname, port, dbname, username);
    // Do not leave the file's secrets lying around in freed memory.
    data.iter_mut().for_each(|b| *b = 0);
    found
}

/// Scans the file contents for the first matching line and de-escapes its password.
fn find_password(data: &[u8], host: &str, port: &str, db: &str, user: &str) -> Option<String> {
    for line in data.split_inclusive(|&c| c == b'\n') {
        if line.first() == Some(&b'#') {
            continue;
        }
        // pg_strip_crlf
        let mut l = line;
        while let [rest @ .., b'\n' | b'\r'] = l {
            l = rest;
        }
        if l.is_empty() {
            continue;
        }
        let rest = field_matches(l, host.as_bytes())
            .and_then(|r| field_matches(r, port.as_bytes()))
            .and_then(|r| field_matches(r, db.as_bytes()))
            .and_then(|r| field_matches(r, user.as_bytes()));
        if let Some(pw) = rest {
            let mut out = Vec::with_capacity(pw.len());
            let mut i = 0;
            while i < pw.len() && pw[i] != b':' {
                if pw[i] == b'\\' && i + 1 < pw.len() {
                    i += 1;
                }
                out.push(pw[i]);
                i += 1;
            }
            return Some(super::parse::text(out));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::defaults::tests::{temp_dir, FakeEnv};
    use super::*;

    fn write_600(path: &Path, body: &str) {
        std::fs::write(path, body).unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }

    #[test]
    fn matching_rules() {
        let f = b"# comment:*:*:*:no\n\
                  h1:5432:db:u:pw1\n\
                  h1:*:*:u:pw2\n\
                  localhost:5432:*:*:local\n\
                  we\\:ird:1:d\\\\b:u:pa\\:ss\\\\w\\rd:extra\n\
                  *:*:*:*:fallback\r\n";
        let find = |h, p, d, u| find_password(f, h, p, d, u);
        assert_eq!(find("h1", "5432", "db", "u").as_deref(), Some("pw1"));
        assert_eq!(find("h1", "5433", "db", "u").as_deref(), Some("pw2"));
        assert_eq!(
            find("localhost", "5432", "x", "y").as_deref(),
            Some("local")
        );
        assert_eq!(
            find("we:ird", "1", "d\\b", "u").as_deref(),
            Some("pa:ss\\wrd")
        );
        assert_eq!(find("other", "1", "d", "u").as_deref(), Some("fallback"));
        // A token must match the whole field.
        assert_eq!(
            find_password(b"h:5432:db:u:pw\n", "h", "5432", "dbx", "u"),
            None
        );
        assert_eq!(
            find_password(b"h:5432:dbx:u:pw\n", "h", "5432", "db", "u"),
            None
        );
        // "*" only counts as a whole field.
        assert_eq!(
            find_password(b"h*:5432:db:u:pw\n", "hx", "5432", "db", "u"),
            None
        );
        // A last line without newline is read.
        assert_eq!(
            find_password(b"h:1:d:u:last", "h", "1", "d", "u").as_deref(),
            Some("last")
        );
        // A line without a password field does not match; an empty one does.
        assert_eq!(find_password(b"h:1:d:u\n", "h", "1", "d", "u"), None);
        assert_eq!(
            find_password(b"h:1:d:u:\n", "h", "1", "d", "u").as_deref(),
            Some("")
        );
    }

    #[test]
    fn file_lookup_localhost_defaults_and_permissions() {
        let d = temp_dir("pgpass");
        let f = d.join("pgpass");
        write_600(&f, "localhost:5432:db:u:sockpw\nh:6000:db:u:tcppw\n");
        let env = FakeEnv::new();
        let get = |h, p| password_from_file(h, p, "db", "u", &f, &env);
        assert_eq!(get("", "").as_deref(), Some("sockpw"));
        assert_eq!(get(DEFAULT_PGSOCKET_DIR, "5432").as_deref(), Some("sockpw"));
        assert_eq!(get("/tmp", "5432"), None);
        assert_eq!(get("h", "6000").as_deref(), Some("tcppw"));
        assert_eq!(password_from_file("h", "6000", "", "u", &f, &env), None);
        assert_eq!(password_from_file("h", "6000", "db", "", &f, &env), None);
        assert_eq!(
            password_from_file("h", "6000", "db", "u", &d.join("none"), &env),
            None
        );
        assert!(env.warnings.borrow().is_empty());

        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert_eq!(get("h", "6000"), None);
        assert_eq!(
            env.warnings.borrow().last().unwrap(),
            &format!(
                "WARNING: password file \"{}\" has group or world access; permissions should be u=rw (0600) or less\n",
                f.display()
            )
        );
        assert_eq!(password_from_file("h", "6000", "db", "u", &d, &env), None);
        assert_eq!(
            env.warnings.borrow().last().unwrap(),
            &format!(
                "WARNING: password file \"{}\" is not a plain file\n",
                d.display()
            )
        );
    }
}
