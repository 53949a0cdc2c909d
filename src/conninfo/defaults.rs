//! Defaults for options the caller left unset (`conninfo_add_defaults`,
//! `parseServiceInfo`, `parseServiceFile`). Order, as libpq: service file
//! section, environment variable, `PGREQUIRESSL` (sslmode only), compiled
//! default, OS user name (user only); `sslrootcert=system` then raises a
//! defaulted sslmode to `verify-full`.

use std::path::{Path, PathBuf};

use super::env::Environment;
use super::options::{ConnOptions, OPTIONS};
use super::SYSCONFDIR;
use crate::messages::conninfo as msg;

/// `conninfo_add_defaults` as `PQconnectdb` uses it: a service file error fails.
pub fn apply_defaults(opts: &mut ConnOptions, env: &dyn Environment) -> Result<(), String> {
    service_info(opts, env)?;
    fallbacks(opts, env);
    Ok(())
}

/// `conninfo_add_defaults` as `PQconndefaults` uses it: service file errors
/// are ignored (whatever the file set before the error stays).
pub fn apply_defaults_lenient(opts: &mut ConnOptions, env: &dyn Environment) {
    let _ = service_info(opts, env);
    fallbacks(opts, env);
}

/// Environment variables, PGREQUIRESSL, compiled defaults and the OS user.
fn fallbacks(opts: &mut ConnOptions, env: &dyn Environment) {
    let mut sslmode_defaulted = false;
    for def in OPTIONS {
        let name = def.name();
        if opts.get(name).is_some() {
            continue;
        }
        if let Some(v) = def.env_cname().and_then(|e| env.var_c(e)) {
            opts.set(name, Some(v));
            continue;
        }
        if name == "sslmode" {
            if env.var("PGREQUIRESSL").is_some_and(|v| v.starts_with('1')) {
                opts.set(name, Some("require".into()));
                continue;
            }
            sslmode_defaulted = true;
        }
        if let Some(c) = def.compiled_value() {
            opts.set(name, Some(c.to_string()));
            continue;
        }
        if name == "user" {
            // No user is not an error here; pqConnectOptions2 reports it.
            opts.set(name, env.os_user());
        }
    }
    if sslmode_defaulted && opts.get("sslrootcert") == Some("system") {
        opts.set("sslmode", Some("verify-full".into()));
    }
}

/// `parseServiceInfo`: absorbs the options of the named service, without
/// overriding anything already set.
fn service_info(opts: &mut ConnOptions, env: &dyn Environment) -> Result<(), String> {
    let Some(service) = opts
        .get("service")
        .map(str::to_string)
        .or_else(|| env.var("PGSERVICE"))
    else {
        return Ok(());
    };

    // PGSERVICEFILE if set, else ~/.pg_service.conf if it exists.
    let first: Option<PathBuf> = match env.var("PGSERVICEFILE") {
        Some(f) => Some(PathBuf::from(f)),
        None => env
            .home_dir()
            .map(|h| PathBuf::from(format!("{}/.pg_service.conf", h.display())))
            .filter(|p| std::fs::metadata(p).is_ok()),
    };
    if let Some(file) = first {
        if parse_service_file(&file, &service, opts)? {
            return Ok(());
        }
    }

    let dir = env
        .var("PGSYSCONFDIR")
        .unwrap_or_else(|| SYSCONFDIR.to_string());
    let file = PathBuf::from(format!("{dir}/pg_service.conf"));
    if std::fs::metadata(&file).is_ok() && parse_service_file(&file, &service, opts)? {
        return Ok(());
    }
    Err(msg::fill(msg::SERVICE_NOT_FOUND, &[&service]))
}

/// Splits a file into lines as `fgets` into a 1024-byte buffer would.
fn fgets_lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    const CHUNK: usize = 1023;
    let mut rest = data;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let limit = rest.len().min(CHUNK);
        let end = match rest[..limit].iter().position(|&c| c == b'\n') {
            Some(i) => i + 1,
            None => limit,
        };
        let (line, tail) = rest.split_at(end);
        rest = tail;
        Some(line)
    })
}

/// `parseServiceFile`: returns whether the section was found.
fn parse_service_file(file: &Path, service: &str, opts: &mut ConnOptions) -> Result<bool, String> {
    let shown = file.display();
    let data =
        std::fs::read(file).map_err(|_| msg::fill(msg::SERVICE_FILE_NOT_FOUND, &[&shown]))?;
    let mut found = false;
    for (n, raw) in fgets_lines(&data).enumerate() {
        let linenr = n + 1;
        if raw.len() >= 1023 {
            return Err(msg::fill(msg::SERVICE_LINE_TOO_LONG, &[&linenr, &shown]));
        }
        let line = trim_c_space(raw);
        if line.is_empty() || line[0] == b'#' {
            continue;
        }
        if line[0] == b'[' {
            if found {
                break;
            }
            let s = service.as_bytes();
            found = line[1..].starts_with(s) && line.get(s.len() + 1) == Some(&b']');
            continue;
        }
        if !found {
            continue;
        }
        let Some(eq) = line.iter().position(|&c| c == b'=') else {
            return Err(msg::fill(msg::SERVICE_SYNTAX, &[&shown, &linenr]));
        };
        let key = String::from_utf8_lossy(&line[..eq]);
        let val = String::from_utf8_lossy(&line[eq + 1..]).into_owned();
        if key == "service" {
            return Err(msg::fill(msg::SERVICE_NESTED, &[&shown, &linenr]));
        }
        if super::options::option_index(&key).is_none() {
            return Err(msg::fill(msg::SERVICE_SYNTAX, &[&shown, &linenr]));
        }
        if opts.get(&key).is_none() {
            opts.set(&key, Some(val));
        }
    }
    Ok(found)
}

fn trim_c_space(mut s: &[u8]) -> &[u8] {
    use super::parse::is_c_space;
    while let [first, rest @ ..] = s {
        if !is_c_space(*first) {
            break;
        }
        s = rest;
    }
    while let [rest @ .., last] = s {
        if !is_c_space(*last) {
            break;
        }
        s = rest;
    }
    s
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::HashMap;

    /// A fake environment for the tests of this module and its siblings.
    #[derive(Default)]
    pub(crate) struct FakeEnv {
        pub vars: HashMap<String, String>,
        pub home: Option<PathBuf>,
        pub user: Option<String>,
        pub ctype: Option<(String, String)>,
        pub warnings: std::cell::RefCell<Vec<String>>,
    }

    impl FakeEnv {
        pub fn new() -> Self {
            FakeEnv {
                user: Some("osuser".into()),
                ..Default::default()
            }
        }
        pub fn with(mut self, k: &str, v: &str) -> Self {
            self.vars.insert(k.into(), v.into());
            self
        }
    }

    impl Environment for FakeEnv {
        fn var(&self, name: &str) -> Option<String> {
            self.vars.get(name).cloned()
        }
        fn home_dir(&self) -> Option<PathBuf> {
            self.home.clone()
        }
        fn os_user(&self) -> Option<String> {
            self.user.clone()
        }
        fn ctype_locale(&self) -> Option<(String, String)> {
            self.ctype.clone()
        }
        fn warn(&self, text: &str) {
            self.warnings.borrow_mut().push(text.to_string());
        }
    }

    /// A fresh temporary directory for one test, removed when dropped.
    pub(crate) struct TempDir(PathBuf);

    impl std::ops::Deref for TempDir {
        type Target = Path;
        fn deref(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    pub(crate) fn temp_dir(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let d = std::env::temp_dir().join(format!(
            "libpq-rs-conninfo-{}-{}-{}",
            std::process::id(),
            tag,
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        TempDir(d)
    }

    fn defaults(conninfo: &str, env: &FakeEnv) -> Result<ConnOptions, String> {
        let mut o = crate::conninfo::parse_conninfo(conninfo)?;
        apply_defaults(&mut o, env)?;
        Ok(o)
    }

    #[test]
    fn compiled_defaults_and_os_user() {
        let env = FakeEnv::new();
        let o = defaults("", &env).unwrap();
        assert_eq!(o.get("user"), Some("osuser"));
        assert_eq!(o.get("port"), Some("5432"));
        assert_eq!(o.get("options"), Some(""));
        assert_eq!(o.get("sslmode"), Some("prefer"));
        assert_eq!(o.get("channel_binding"), Some("prefer"));
        assert_eq!(o.get("gssencmode"), Some("disable"));
        assert_eq!(o.get("sslcertmode"), None);
        assert_eq!(o.get("sslnegotiation"), Some("postgres"));
        assert_eq!(o.get("target_session_attrs"), Some("any"));
        assert_eq!(o.get("load_balance_hosts"), Some("disable"));
        assert_eq!(o.get("krbsrvname"), Some("postgres"));
        assert_eq!(o.get("host"), None);
        assert_eq!(o.get("dbname"), None);
        let mut env = FakeEnv::new();
        env.user = None;
        assert_eq!(defaults("", &env).unwrap().get("user"), None);
    }

    #[test]
    fn env_vars_fill_unset_only() {
        let env = FakeEnv::new()
            .with("PGHOST", "envhost")
            .with("PGPORT", "7")
            .with("PGUSER", "");
        let o = defaults("port=9", &env).unwrap();
        assert_eq!(o.get("host"), Some("envhost"));
        assert_eq!(o.get("port"), Some("9"));
        // An empty variable counts as set.
        assert_eq!(o.get("user"), Some(""));
    }

    #[test]
    fn pgrequiressl() {
        let env = FakeEnv::new().with("PGREQUIRESSL", "1");
        assert_eq!(defaults("", &env).unwrap().get("sslmode"), Some("require"));
        let env = FakeEnv::new().with("PGREQUIRESSL", "0");
        assert_eq!(defaults("", &env).unwrap().get("sslmode"), Some("prefer"));
        let env = FakeEnv::new()
            .with("PGREQUIRESSL", "1")
            .with("PGSSLMODE", "allow");
        assert_eq!(defaults("", &env).unwrap().get("sslmode"), Some("allow"));
        assert_eq!(
            defaults("sslmode=prefer", &env).unwrap().get("sslmode"),
            Some("prefer")
        );
    }

    #[test]
    fn sslrootcert_system_raises_default_sslmode() {
        let env = FakeEnv::new().with("PGSSLROOTCERT", "system");
        assert_eq!(
            defaults("", &env).unwrap().get("sslmode"),
            Some("verify-full")
        );
        assert_eq!(
            defaults("sslmode=allow", &env).unwrap().get("sslmode"),
            Some("allow")
        );
        let env = env.with("PGREQUIRESSL", "1");
        assert_eq!(defaults("", &env).unwrap().get("sslmode"), Some("require"));
    }

    #[test]
    fn service_file_before_environment() {
        let d = temp_dir("svc");
        let f = d.join("services.conf");
        std::fs::write(
            &f,
            "# comment\n[other]\nport=1\n\n  [mysvc]  \n  port=7777\nhost=svchost\ndbname= spaced \n[next]\nuser=nope\n",
        )
        .unwrap();
        let env = FakeEnv::new()
            .with("PGSERVICEFILE", f.to_str().unwrap())
            .with("PGPORT", "8888")
            .with("PGUSER", "envuser");
        let o = defaults("service=mysvc", &env).unwrap();
        assert_eq!(o.get("port"), Some("7777"), "service before environment");
        assert_eq!(o.get("host"), Some("svchost"));
        assert_eq!(o.get("dbname"), Some(" spaced"));
        assert_eq!(o.get("user"), Some("envuser"));
        // Explicit settings win over the service.
        assert_eq!(
            defaults("service=mysvc port=9999", &env)
                .unwrap()
                .get("port"),
            Some("9999")
        );
        // PGSERVICE names the service when the keyword is absent.
        let env2 = env.with("PGSERVICE", "mysvc");
        assert_eq!(defaults("", &env2).unwrap().get("host"), Some("svchost"));
    }

    #[test]
    fn service_lookup_order_and_errors() {
        let d = temp_dir("svc2");
        let home = d.join("home");
        let sys = d.join("sys");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(&sys).unwrap();
        std::fs::write(home.join(".pg_service.conf"), "[a]\nhost=fromhome\n").unwrap();
        std::fs::write(
            sys.join("pg_service.conf"),
            "[a]\nport=1\n[b]\nhost=fromsys\n",
        )
        .unwrap();
        let mut env = FakeEnv::new().with("PGSYSCONFDIR", sys.to_str().unwrap());
        env.home = Some(home.clone());
        // Found in the home file: the system file is not read.
        let o = defaults("service=a", &env).unwrap();
        assert_eq!(
            (o.get("host"), o.get("port")),
            (Some("fromhome"), Some("5432"))
        );
        // Not in the home file: the system file is tried.
        assert_eq!(
            defaults("service=b", &env).unwrap().get("host"),
            Some("fromsys")
        );
        assert_eq!(
            defaults("service=c", &env).unwrap_err(),
            "definition of service \"c\" not found\n"
        );

        // PGSERVICEFILE that does not exist.
        let missing = d.join("missing.conf");
        let env2 = FakeEnv::new().with("PGSERVICEFILE", missing.to_str().unwrap());
        assert_eq!(
            defaults("service=a", &env2).unwrap_err(),
            format!("service file \"{}\" not found\n", missing.display())
        );

        let bad = d.join("bad.conf");
        let envb = FakeEnv::new().with("PGSERVICEFILE", bad.to_str().unwrap());
        std::fs::write(&bad, "[a]\nhost\n").unwrap();
        assert_eq!(
            defaults("service=a", &envb).unwrap_err(),
            format!(
                "syntax error in service file \"{}\", line 2\n",
                bad.display()
            )
        );
        std::fs::write(&bad, "[a]\nhost=x\nbogus=1\n").unwrap();
        assert_eq!(
            defaults("service=a", &envb).unwrap_err(),
            format!(
                "syntax error in service file \"{}\", line 3\n",
                bad.display()
            )
        );
        std::fs::write(&bad, "[a]\nhost =x\n").unwrap();
        assert!(defaults("service=a", &envb)
            .unwrap_err()
            .starts_with("syntax error"));
        std::fs::write(&bad, "[a]\nservice=b\n").unwrap();
        assert_eq!(
            defaults("service=a", &envb).unwrap_err(),
            format!(
                "nested service specifications not supported in service file \"{}\", line 2\n",
                bad.display()
            )
        );
        std::fs::write(&bad, format!("[a]\nhost={}\n", "x".repeat(1100))).unwrap();
        assert_eq!(
            defaults("service=a", &envb).unwrap_err(),
            format!("line 2 too long in service file \"{}\"\n", bad.display())
        );
        // Lines outside the section are not checked.
        std::fs::write(&bad, "[z]\ngarbage\n[a]\nhost=ok\n").unwrap();
        assert_eq!(
            defaults("service=a", &envb).unwrap().get("host"),
            Some("ok")
        );

        // PQconndefaults ignores the error but keeps what was read before it.
        std::fs::write(&bad, "[a]\nhost=early\nbogus=1\n").unwrap();
        let mut o = ConnOptions::new();
        o.set("service", Some("a".into()));
        apply_defaults_lenient(&mut o, &envb);
        assert_eq!(o.get("host"), Some("early"));
        assert_eq!(o.get("port"), Some("5432"));
    }
}
