//! The option table (`PQconninfoOptions[]` of fe-connect.c) and [`ConnOptions`],
//! one value slot per keyword.

use std::ffi::CStr;

use super::{DEFAULT_CHANNEL_BINDING, DEFAULT_GSS_MODE, DEFAULT_SSL_MODE};

/// One keyword as `PQconndefaults` describes it.
#[derive(Debug)]
pub struct OptionDef {
    pub keyword: &'static CStr,
    /// Fallback environment variable.
    pub envvar: Option<&'static CStr>,
    /// Compiled-in default.
    pub compiled: Option<&'static CStr>,
    /// Label for a connect dialog.
    pub label: &'static CStr,
    /// `""` normal, `"*"` secret, `"D"` debug option.
    pub dispchar: &'static CStr,
    /// Field size in characters for a connect dialog.
    pub dispsize: i32,
}

impl OptionDef {
    /// The keyword as text.
    pub fn name(&self) -> &'static str {
        // Every keyword below is ASCII.
        self.keyword.to_str().unwrap_or("")
    }

    /// The environment variable as text.
    pub fn env_name(&self) -> Option<&'static str> {
        self.envvar.and_then(|e| e.to_str().ok())
    }

    /// The environment variable, as a C string.
    pub fn env_cname(&self) -> Option<&'static CStr> {
        self.envvar
    }

    /// The compiled-in default as text.
    pub fn compiled_value(&self) -> Option<&'static str> {
        self.compiled.and_then(|e| e.to_str().ok())
    }
}

const fn opt(
    keyword: &'static CStr,
    envvar: Option<&'static CStr>,
    compiled: Option<&'static CStr>,
    label: &'static CStr,
    dispchar: &'static CStr,
    dispsize: i32,
) -> OptionDef {
    OptionDef {
        keyword,
        envvar,
        compiled,
        label,
        dispchar,
        dispsize,
    }
}

/// `SCRAM_MAX_KEY_LEN * 2` (SHA-256 keys, hex width) as libpq reports it.
const SCRAM_KEY_DISPSIZE: i32 = 64;

/// Every libpq 18 keyword, in `PQconndefaults` order, with libpq 18's labels and sizes.
pub static OPTIONS: &[OptionDef] = &[
    opt(
        c"service",
        Some(c"PGSERVICE"),
        None,
        c"Database-Service",
        c"",
        20,
    ),
    opt(c"user", Some(c"PGUSER"), None, c"Database-User", c"", 20),
    opt(
        c"password",
        Some(c"PGPASSWORD"),
        None,
        c"Database-Password",
        c"*",
        20,
    ),
    opt(
        c"passfile",
        Some(c"PGPASSFILE"),
        None,
        c"Database-Password-File",
        c"",
        64,
    ),
    opt(
        c"channel_binding",
        Some(c"PGCHANNELBINDING"),
        Some(DEFAULT_CHANNEL_BINDING),
        c"Channel-Binding",
        c"",
        8,
    ),
    opt(
        c"connect_timeout",
        Some(c"PGCONNECT_TIMEOUT"),
        None,
        c"Connect-timeout",
        c"",
        10,
    ),
    opt(
        c"dbname",
        Some(c"PGDATABASE"),
        None,
        c"Database-Name",
        c"",
        20,
    ),
    opt(c"host", Some(c"PGHOST"), None, c"Database-Host", c"", 40),
    opt(
        c"hostaddr",
        Some(c"PGHOSTADDR"),
        None,
        c"Database-Host-IP-Address",
        c"",
        45,
    ),
    opt(
        c"port",
        Some(c"PGPORT"),
        Some(c"5432"),
        c"Database-Port",
        c"",
        6,
    ),
    opt(
        c"client_encoding",
        Some(c"PGCLIENTENCODING"),
        None,
        c"Client-Encoding",
        c"",
        10,
    ),
    opt(
        c"options",
        Some(c"PGOPTIONS"),
        Some(c""),
        c"Backend-Options",
        c"",
        40,
    ),
    opt(
        c"application_name",
        Some(c"PGAPPNAME"),
        None,
        c"Application-Name",
        c"",
        64,
    ),
    opt(
        c"fallback_application_name",
        None,
        None,
        c"Fallback-Application-Name",
        c"",
        64,
    ),
    opt(c"keepalives", None, None, c"TCP-Keepalives", c"", 1),
    opt(
        c"keepalives_idle",
        None,
        None,
        c"TCP-Keepalives-Idle",
        c"",
        10,
    ),
    opt(
        c"keepalives_interval",
        None,
        None,
        c"TCP-Keepalives-Interval",
        c"",
        10,
    ),
    opt(
        c"keepalives_count",
        None,
        None,
        c"TCP-Keepalives-Count",
        c"",
        10,
    ),
    opt(
        c"tcp_user_timeout",
        None,
        None,
        c"TCP-User-Timeout",
        c"",
        10,
    ),
    opt(
        c"sslmode",
        Some(c"PGSSLMODE"),
        Some(DEFAULT_SSL_MODE),
        c"SSL-Mode",
        c"",
        12,
    ),
    opt(
        c"sslnegotiation",
        Some(c"PGSSLNEGOTIATION"),
        Some(c"postgres"),
        c"SSL-Negotiation",
        c"",
        9,
    ),
    opt(
        c"sslcompression",
        Some(c"PGSSLCOMPRESSION"),
        Some(c"0"),
        c"SSL-Compression",
        c"",
        1,
    ),
    opt(
        c"sslcert",
        Some(c"PGSSLCERT"),
        None,
        c"SSL-Client-Cert",
        c"",
        64,
    ),
    opt(
        c"sslkey",
        Some(c"PGSSLKEY"),
        None,
        c"SSL-Client-Key",
        c"",
        64,
    ),
    opt(
        c"sslcertmode",
        Some(c"PGSSLCERTMODE"),
        None,
        c"SSL-Client-Cert-Mode",
        c"",
        8,
    ),
    opt(
        c"sslpassword",
        None,
        None,
        c"SSL-Client-Key-Password",
        c"*",
        20,
    ),
    opt(
        c"sslrootcert",
        Some(c"PGSSLROOTCERT"),
        None,
        c"SSL-Root-Certificate",
        c"",
        64,
    ),
    opt(
        c"sslcrl",
        Some(c"PGSSLCRL"),
        None,
        c"SSL-Revocation-List",
        c"",
        64,
    ),
    opt(
        c"sslcrldir",
        Some(c"PGSSLCRLDIR"),
        None,
        c"SSL-Revocation-List-Dir",
        c"",
        64,
    ),
    opt(c"sslsni", Some(c"PGSSLSNI"), Some(c"1"), c"SSL-SNI", c"", 1),
    opt(
        c"requirepeer",
        Some(c"PGREQUIREPEER"),
        None,
        c"Require-Peer",
        c"",
        10,
    ),
    opt(
        c"require_auth",
        Some(c"PGREQUIREAUTH"),
        None,
        c"Require-Auth",
        c"",
        14,
    ),
    opt(
        c"min_protocol_version",
        Some(c"PGMINPROTOCOLVERSION"),
        None,
        c"Min-Protocol-Version",
        c"",
        6,
    ),
    opt(
        c"max_protocol_version",
        Some(c"PGMAXPROTOCOLVERSION"),
        None,
        c"Max-Protocol-Version",
        c"",
        6,
    ),
    opt(
        c"ssl_min_protocol_version",
        Some(c"PGSSLMINPROTOCOLVERSION"),
        Some(c"TLSv1.2"),
        c"SSL-Minimum-Protocol-Version",
        c"",
        8,
    ),
    opt(
        c"ssl_max_protocol_version",
        Some(c"PGSSLMAXPROTOCOLVERSION"),
        None,
        c"SSL-Maximum-Protocol-Version",
        c"",
        8,
    ),
    opt(
        c"gssencmode",
        Some(c"PGGSSENCMODE"),
        Some(DEFAULT_GSS_MODE),
        c"GSSENC-Mode",
        c"",
        8,
    ),
    opt(
        c"krbsrvname",
        Some(c"PGKRBSRVNAME"),
        Some(c"postgres"),
        c"Kerberos-service-name",
        c"",
        20,
    ),
    opt(c"gsslib", Some(c"PGGSSLIB"), None, c"GSS-library", c"", 7),
    opt(
        c"gssdelegation",
        Some(c"PGGSSDELEGATION"),
        Some(c"0"),
        c"GSS-delegation",
        c"",
        1,
    ),
    opt(c"replication", None, None, c"Replication", c"D", 5),
    opt(
        c"target_session_attrs",
        Some(c"PGTARGETSESSIONATTRS"),
        Some(c"any"),
        c"Target-Session-Attrs",
        c"",
        15,
    ),
    opt(
        c"load_balance_hosts",
        Some(c"PGLOADBALANCEHOSTS"),
        Some(c"disable"),
        c"Load-Balance-Hosts",
        c"",
        8,
    ),
    opt(
        c"scram_client_key",
        None,
        None,
        c"SCRAM-Client-Key",
        c"D",
        SCRAM_KEY_DISPSIZE,
    ),
    opt(
        c"scram_server_key",
        None,
        None,
        c"SCRAM-Server-Key",
        c"D",
        SCRAM_KEY_DISPSIZE,
    ),
    opt(c"oauth_issuer", None, None, c"OAuth-Issuer", c"", 40),
    opt(c"oauth_client_id", None, None, c"OAuth-Client-ID", c"", 40),
    opt(
        c"oauth_client_secret",
        None,
        None,
        c"OAuth-Client-Secret",
        c"*",
        40,
    ),
    opt(c"oauth_scope", None, None, c"OAuth-Scope", c"", 15),
    opt(c"sslkeylogfile", None, None, c"SSL-Key-Log-File", c"D", 64),
];

/// The index of `keyword` in [`OPTIONS`].
pub fn option_index(keyword: &str) -> Option<usize> {
    OPTIONS
        .iter()
        .position(|o| o.keyword.to_bytes() == keyword.as_bytes())
}

/// One value per [`OPTIONS`] entry; `None` = not set.
#[derive(Clone, Default)]
pub struct ConnOptions {
    /// Empty for a `Default` value; [`ConnOptions::set`] sizes it on first use.
    values: Vec<Option<String>>,
}

impl PartialEq for ConnOptions {
    fn eq(&self, other: &Self) -> bool {
        self.iter().map(|(_, v)| v).eq(other.iter().map(|(_, v)| v))
    }
}

impl Eq for ConnOptions {}

impl std::fmt::Debug for ConnOptions {
    /// Lists the set options; secret ones (dispchar `*`) are masked.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut m = f.debug_map();
        for (def, v) in self.iter() {
            if let Some(v) = v {
                if def.dispchar.to_bytes() == b"*" {
                    m.entry(&def.name(), &"********");
                } else {
                    m.entry(&def.name(), &v);
                }
            }
        }
        m.finish()
    }
}

impl ConnOptions {
    /// All options unset.
    pub fn new() -> Self {
        ConnOptions {
            values: vec![None; OPTIONS.len()],
        }
    }

    fn slot(&self, i: usize) -> Option<&str> {
        self.values.get(i).and_then(|v| v.as_deref())
    }

    /// The value of `keyword`; `None` when unset or for an unknown keyword.
    pub fn get(&self, keyword: &str) -> Option<&str> {
        option_index(keyword).and_then(|i| self.slot(i))
    }

    /// The value of `keyword` if set and not empty (libpq's `x && x[0]` tests).
    pub fn get_nonempty(&self, keyword: &str) -> Option<&str> {
        self.get(keyword).filter(|v| !v.is_empty())
    }

    /// Sets (or with `None` clears) `keyword`; false for an unknown keyword.
    pub fn set(&mut self, keyword: &str, value: Option<String>) -> bool {
        match option_index(keyword) {
            Some(i) => {
                if self.values.len() < OPTIONS.len() {
                    self.values.resize(OPTIONS.len(), None);
                }
                self.values[i] = value;
                true
            }
            None => false,
        }
    }

    /// Every option in [`OPTIONS`] order with its value.
    pub fn iter(&self) -> impl Iterator<Item = (&'static OptionDef, Option<&str>)> + '_ {
        OPTIONS
            .iter()
            .enumerate()
            .map(move |(i, d)| (d, self.slot(i)))
    }

    /// Copies every set value of `other` over this one (PQconnectdbParams'
    /// handling of an expanded dbname).
    pub fn overlay(&mut self, other: &ConnOptions) {
        for (def, v) in other.iter() {
            if let Some(v) = v {
                self.set(def.name(), Some(v.to_string()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_all_libpq18_keywords_in_order() {
        let names: Vec<&str> = OPTIONS.iter().map(|o| o.name()).collect();
        assert_eq!(names.len(), 50);
        assert_eq!(names[0], "service");
        assert_eq!(names[4], "channel_binding");
        assert_eq!(names[19], "sslmode");
        assert_eq!(names[20], "sslnegotiation");
        assert_eq!(names[49], "sslkeylogfile");
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len(), "duplicate keyword");
    }

    #[test]
    fn get_set_unknown() {
        let mut o = ConnOptions::default();
        assert_eq!(o.get("host"), None);
        assert!(o.set("host", Some("x".into())));
        assert_eq!(o.get("host"), Some("x"));
        assert!(!o.set("nosuch", Some("x".into())));
        assert_eq!(o.get("nosuch"), None);
        assert!(o.set("host", None));
        assert_eq!(o.get("host"), None);
        assert_eq!(o.iter().count(), OPTIONS.len());
    }

    #[test]
    fn debug_masks_secrets() {
        let mut o = ConnOptions::new();
        o.set("password", Some("sekrit".into()));
        o.set("user", Some("bob".into()));
        let s = format!("{o:?}");
        assert!(s.contains("bob") && !s.contains("sekrit"), "{s}");
    }
}
