//! Derived connection settings (`pqConnectOptions2`): the list of targets
//! from `host`/`hostaddr`/`port`, defaults that depend on other options, the
//! password file, and validation of every enumerated option, with libpq's
//! messages and in libpq's order.

use std::path::PathBuf;

use super::env::Environment;
use super::options::ConnOptions;
use super::parse::is_c_space;
use super::pgpass::password_from_file;
use super::{
    is_unixsock_path, DEFAULT_CHANNEL_BINDING, DEFAULT_GSS_MODE, DEFAULT_PGSOCKET_DIR,
    DEFAULT_SSL_CERT_MODE, DEFAULT_SSL_MODE, DEFAULT_SSL_NEGOTIATION, DEF_PGPORT, DEF_PGPORT_STR,
    ENABLE_GSS, PGPASSFILE_NAME, UNIXSOCK_PATH_BUFLEN, USE_SSL,
};
use crate::messages::conninfo as msg;

/// How to reach one target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetKind {
    /// TCP: connect to `hostaddr` if given (numeric, no DNS), else resolve `host`.
    Tcp,
    /// Unix-domain socket; `socket_path` = dir + `/.s.PGSQL.` + port (a leading
    /// `@` names an abstract socket).
    Unix { socket_path: PathBuf },
}

/// Why a target cannot be tried, found when the engine moves to it
/// (`PQconnectPoll`, not `pqConnectOptions2`, reports these).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetError {
    /// The port is not an integer: append the message and end the whole attempt.
    Fatal(String),
    /// Port out of range or socket path too long: append the message and go
    /// on with the next target.
    Skip(String),
}

/// One entry of the host list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// What `PQhost` shows: the host entry, or the hostaddr entry when the host is empty.
    pub host: String,
    /// The non-empty hostaddr entry.
    pub hostaddr: Option<String>,
    /// What `PQport` shows: the port entry, or "5432" when empty.
    pub port: String,
    /// The port to connect to (0 when `error` is set).
    pub port_num: u16,
    pub kind: TargetKind,
    /// From the password option, or else from the password file.
    pub password: Option<String>,
    /// The password file the password came from (for `password retrieved from file`).
    pub password_from_file: Option<PathBuf>,
    /// Set when this target cannot be tried.
    pub error: Option<TargetError>,
}

/// `target_session_attrs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetSessionAttrs {
    Any,
    ReadWrite,
    ReadOnly,
    Primary,
    Standby,
    PreferStandby,
}

/// `sslmode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SslMode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// `sslnegotiation`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslNegotiation {
    Postgres,
    Direct,
}

/// `sslcertmode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslCertMode {
    Disable,
    Allow,
    Require,
}

/// `gssencmode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GssEncMode {
    Disable,
    Prefer,
    Require,
}

/// `channel_binding`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChannelBinding {
    Disable,
    Prefer,
    Require,
}

/// A protocol version as libpq encodes it: `(major << 16) | minor`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ProtocolVersion(pub u32);

impl ProtocolVersion {
    pub const V3_0: ProtocolVersion = ProtocolVersion(3 << 16);
    pub const V3_2: ProtocolVersion = ProtocolVersion((3 << 16) | 2);
    /// `PG_PROTOCOL_EARLIEST`.
    pub const EARLIEST: ProtocolVersion = Self::V3_0;
    /// `PG_PROTOCOL_LATEST`.
    pub const LATEST: ProtocolVersion = Self::V3_2;

    pub fn major(self) -> u32 {
        self.0 >> 16
    }
    pub fn minor(self) -> u32 {
        self.0 & 0xffff
    }
}

/// The parsed `require_auth` list. Method bits are indexed by the
/// authentication request codes of the protocol (`AUTH_REQ_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequireAuth {
    /// The server must ask for some authentication ("none" not allowed).
    pub auth_required: bool,
    /// `1 << code` for each allowed `AUTH_REQ_*` code.
    pub allowed_methods: u32,
    /// SCRAM-SHA-256 may be used for SASL.
    pub allow_scram: bool,
    /// OAUTHBEARER may be used for SASL.
    pub allow_oauth: bool,
}

const AUTH_REQ_PASSWORD: u32 = 3;
const AUTH_REQ_MD5: u32 = 5;
const AUTH_REQ_GSS: u32 = 7;
const AUTH_REQ_GSS_CONT: u32 = 8;
const AUTH_REQ_SSPI: u32 = 9;
const AUTH_REQ_SASL: u32 = 10;
const AUTH_REQ_SASL_CONT: u32 = 11;
const AUTH_REQ_SASL_FIN: u32 = 12;

impl Default for RequireAuth {
    /// No `require_auth`: everything allowed.
    fn default() -> Self {
        RequireAuth {
            auth_required: false,
            allowed_methods: u32::MAX,
            allow_scram: true,
            allow_oauth: true,
        }
    }
}

impl RequireAuth {
    /// Whether an authentication request with this `AUTH_REQ_*` code is allowed.
    pub fn allows(&self, code: u32) -> bool {
        code < 32 && self.allowed_methods & (1 << code) != 0
    }

    /// Parses the option as `pqConnectOptions2` does.
    pub fn parse(value: &str) -> Result<RequireAuth, String> {
        let mut ra = RequireAuth {
            auth_required: true,
            allowed_methods: 0,
            allow_scram: false,
            allow_oauth: false,
        };
        let mut negated = false;
        for (n, part) in value.split(',').enumerate() {
            let mut method = part;
            if let Some(rest) = part.strip_prefix('!') {
                if n == 0 {
                    ra = RequireAuth::default();
                } else if !negated {
                    return Err(msg::fill(msg::REQUIRE_AUTH_NEGATIVE_MIXED, &[&part]));
                }
                negated = true;
                method = rest;
            } else if negated {
                return Err(msg::fill(msg::REQUIRE_AUTH_POSITIVE_MIXED, &[&part]));
            }
            let dup = || Err(msg::fill(msg::REQUIRE_AUTH_DUPLICATE, &[&part]));
            let bits = match method {
                "password" => 1 << AUTH_REQ_PASSWORD,
                "md5" => 1 << AUTH_REQ_MD5,
                "gss" => (1 << AUTH_REQ_GSS) | (1 << AUTH_REQ_GSS_CONT),
                "sspi" => (1 << AUTH_REQ_SSPI) | (1 << AUTH_REQ_GSS_CONT),
                "scram-sha-256" | "oauth" => {
                    let slot = if method == "oauth" {
                        &mut ra.allow_oauth
                    } else {
                        &mut ra.allow_scram
                    };
                    // Negated: it must still be in the set; else it must not be yet.
                    if *slot != negated {
                        return dup();
                    }
                    *slot = !negated;
                    continue;
                }
                "none" => {
                    if ra.auth_required == negated {
                        return dup();
                    }
                    ra.auth_required = negated;
                    continue;
                }
                _ => return Err(msg::fill(msg::INVALID_VALUE, &[&"require_auth", &method])),
            };
            if negated {
                if ra.allowed_methods & bits == 0 {
                    return dup();
                }
                ra.allowed_methods &= !bits;
            } else {
                if ra.allowed_methods & bits == bits {
                    return dup();
                }
                ra.allowed_methods |= bits;
            }
        }
        let sasl = (1 << AUTH_REQ_SASL) | (1 << AUTH_REQ_SASL_CONT) | (1 << AUTH_REQ_SASL_FIN);
        let any_mech = ra.allow_scram || ra.allow_oauth;
        if !negated && any_mech {
            ra.allowed_methods |= sasl;
        } else if negated && !any_mech {
            ra.allowed_methods &= !sasl;
        }
        Ok(ra)
    }
}

/// Everything the connection engine needs, validated.
#[derive(Clone, Debug)]
pub struct ConnectPlan {
    /// In the order to try them (already shuffled for `load_balance_hosts=random`).
    pub targets: Vec<Target>,
    pub user: String,
    pub dbname: String,
    /// The password file consulted (the `passfile` option or `~/.pgpass`).
    pub passfile: Option<PathBuf>,
    pub target_session_attrs: TargetSessionAttrs,
    /// `load_balance_hosts=random`: the engine also shuffles each host's
    /// addresses (with [`shuffle`]).
    pub load_balance: bool,
    pub channel_binding: ChannelBinding,
    pub sslmode: SslMode,
    pub sslnegotiation: SslNegotiation,
    pub sslcertmode: SslCertMode,
    pub gssencmode: GssEncMode,
    pub require_auth: RequireAuth,
    pub min_protocol: ProtocolVersion,
    pub max_protocol: ProtocolVersion,
    /// Decoded `scram_client_key` (32 bytes).
    pub scram_client_key: Option<Vec<u8>>,
    /// Decoded `scram_server_key` (32 bytes).
    pub scram_server_key: Option<Vec<u8>>,
}

/// `pqParseIntParam`: an `int` with optional surrounding whitespace, else
/// `invalid integer value "%s" for connection option "%s"`.
pub fn parse_int_option(value: &str, keyword: &str) -> Result<i32, String> {
    let err = || msg::fill(msg::INVALID_INTEGER, &[&value, &keyword]);
    let b = value.as_bytes();
    let r = crate::cnum::strtol(b);
    if r.end == 0 || r.overflow {
        return Err(err());
    }
    if !b[r.end..].iter().all(|&c| is_c_space(c)) {
        return Err(err());
    }
    i32::try_from(r.value).map_err(|_| err())
}

/// The application name sent at startup: `application_name` if set (even
/// empty), else `fallback_application_name`; nothing when that is empty.
pub fn application_name(opts: &ConnOptions) -> Option<&str> {
    opts.get("application_name")
        .or_else(|| opts.get("fallback_application_name"))
        .filter(|v| !v.is_empty())
}

/// Shuffles in place (the inside-out Fisher-Yates of libpq), with OS randomness.
pub fn shuffle<T>(items: &mut [T]) {
    let mut state = {
        let mut seed = [0u8; 8];
        if getrandom::getrandom(&mut seed).is_err() {
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0);
            seed = (t ^ u64::from(std::process::id()) ^ (items.as_ptr() as u64)).to_le_bytes();
        }
        u64::from_le_bytes(seed) | 1
    };
    let mut next = move || {
        // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    for i in 1..items.len() {
        let j = (next() % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

/// `count_comma_separated_elems`.
fn count_elems(s: &str) -> usize {
    s.bytes().filter(|&c| c == b',').count() + 1
}

/// `parse_comma_separated_list` applied up to `n` times: the pieces taken and
/// whether more remained.
fn split_upto(s: &str, n: usize) -> (Vec<&str>, bool) {
    let mut it = s.split(',');
    let v: Vec<&str> = it.by_ref().take(n).collect();
    let more = it.next().is_some();
    (v, more)
}

/// PostgreSQL's base64 decoder (`pg_b64_decode`); `None` for invalid input.
fn pg_b64_decode(src: &str) -> Option<Vec<u8>> {
    crate::auth::base64::decode(src.as_bytes())
}

/// `SCRAM_MAX_KEY_LEN` (SHA-256).
const SCRAM_KEY_LEN: usize = 32;

fn scram_key(value: Option<&str>, bad: &str, bad_len: &str) -> Result<Option<Vec<u8>>, String> {
    let Some(v) = value else { return Ok(None) };
    let key = pg_b64_decode(v).ok_or_else(|| bad.to_string())?;
    if key.len() != SCRAM_KEY_LEN {
        return Err(msg::fill(bad_len, &[&key.len()]));
    }
    Ok(Some(key))
}

fn tls_version_ok(v: Option<&str>) -> bool {
    match v {
        None | Some("") => true,
        Some(v) => ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
            .iter()
            .any(|k| k.eq_ignore_ascii_case(v)),
    }
}

/// `sslVerifyProtocolRange`.
fn tls_range_ok(min: Option<&str>, max: Option<&str>) -> bool {
    let (Some(min), Some(max)) = (min.filter(|s| !s.is_empty()), max.filter(|s| !s.is_empty()))
    else {
        return true;
    };
    if min.eq_ignore_ascii_case("TLSv1") {
        return true;
    }
    if max.eq_ignore_ascii_case("TLSv1") {
        return false;
    }
    min.to_ascii_lowercase() <= max.to_ascii_lowercase()
}

fn invalid(keyword: &str, value: &str) -> String {
    msg::fill(msg::INVALID_VALUE, &[&keyword, &value])
}

fn no_ssl(keyword: &str, value: &str) -> String {
    msg::fill(msg::NO_SSL_SUPPORT, &[&keyword, &value])
}

/// Validates an enumerated option, or applies its default when unset
/// (writing the default back, as libpq stores it in the connection).
fn enumerated<T: Copy>(
    opts: &mut ConnOptions,
    keyword: &str,
    default: &str,
    values: &[(&str, T)],
) -> Result<T, String> {
    let v = match opts.get(keyword) {
        Some(v) => v.to_string(),
        None => {
            opts.set(keyword, Some(default.to_string()));
            default.to_string()
        }
    };
    values
        .iter()
        .find(|(name, _)| *name == v)
        .map(|(_, t)| *t)
        .ok_or_else(|| invalid(keyword, &v))
}

fn protocol_version(value: Option<&str>, keyword: &str) -> Result<Option<ProtocolVersion>, String> {
    match value {
        None => Ok(None),
        Some("latest") => Ok(Some(ProtocolVersion::LATEST)),
        Some("3.0") => Ok(Some(ProtocolVersion::V3_0)),
        Some("3.2") => Ok(Some(ProtocolVersion::V3_2)),
        Some(v) => Err(invalid(keyword, v)),
    }
}

/// The PostgreSQL encoding name for a locale (`pg_get_encoding_from_locale`):
/// `SQL_ASCII` for the C/POSIX locale, else by the codeset; `None` if unknown.
pub fn encoding_for_codeset(ctype: &str, codeset: &str) -> Option<&'static str> {
    if ctype.eq_ignore_ascii_case("C") || ctype.eq_ignore_ascii_case("POSIX") {
        return Some("SQL_ASCII");
    }
    const TABLE: &[(&str, &[&str])] = &[
        (
            "EUC_JP",
            &["EUC-JP", "eucJP", "IBM-eucJP", "sdeckanji", "CP20932"],
        ),
        (
            "EUC_CN",
            &[
                "EUC-CN",
                "eucCN",
                "IBM-eucCN",
                "GB2312",
                "dechanzi",
                "CP20936",
            ],
        ),
        (
            "EUC_KR",
            &[
                "EUC-KR",
                "eucKR",
                "IBM-eucKR",
                "deckorean",
                "5601",
                "CP51949",
            ],
        ),
        ("EUC_TW", &["EUC-TW", "eucTW", "IBM-eucTW", "cns11643"]),
        ("UTF8", &["UTF-8", "utf8", "CP65001"]),
        (
            "LATIN1",
            &["ISO-8859-1", "ISO8859-1", "iso88591", "CP28591"],
        ),
        (
            "LATIN2",
            &["ISO-8859-2", "ISO8859-2", "iso88592", "CP28592"],
        ),
        (
            "LATIN3",
            &["ISO-8859-3", "ISO8859-3", "iso88593", "CP28593"],
        ),
        (
            "LATIN4",
            &["ISO-8859-4", "ISO8859-4", "iso88594", "CP28594"],
        ),
        (
            "LATIN5",
            &["ISO-8859-9", "ISO8859-9", "iso88599", "CP28599"],
        ),
        ("LATIN6", &["ISO-8859-10", "ISO8859-10", "iso885910"]),
        ("LATIN7", &["ISO-8859-13", "ISO8859-13", "iso885913"]),
        ("LATIN8", &["ISO-8859-14", "ISO8859-14", "iso885914"]),
        (
            "LATIN9",
            &["ISO-8859-15", "ISO8859-15", "iso885915", "CP28605"],
        ),
        ("LATIN10", &["ISO-8859-16", "ISO8859-16", "iso885916"]),
        ("KOI8R", &["KOI8-R", "CP20866"]),
        ("KOI8U", &["KOI8-U", "CP21866"]),
        ("WIN866", &["CP866"]),
        ("WIN874", &["CP874"]),
        ("WIN1250", &["CP1250"]),
        ("WIN1251", &["CP1251", "ansi-1251"]),
        ("WIN1252", &["CP1252"]),
        ("WIN1253", &["CP1253"]),
        ("WIN1254", &["CP1254"]),
        ("WIN1255", &["CP1255"]),
        ("WIN1256", &["CP1256"]),
        ("WIN1257", &["CP1257"]),
        ("WIN1258", &["CP1258"]),
        (
            "ISO_8859_5",
            &["ISO-8859-5", "ISO8859-5", "iso88595", "CP28595"],
        ),
        (
            "ISO_8859_6",
            &["ISO-8859-6", "ISO8859-6", "iso88596", "CP28596"],
        ),
        (
            "ISO_8859_7",
            &["ISO-8859-7", "ISO8859-7", "iso88597", "CP28597"],
        ),
        (
            "ISO_8859_8",
            &["ISO-8859-8", "ISO8859-8", "iso88598", "CP28598"],
        ),
        ("SJIS", &["SJIS", "PCK", "CP932", "SHIFT_JIS"]),
        ("BIG5", &["BIG5", "BIG5HKSCS", "Big5-HKSCS", "CP950"]),
        ("GBK", &["GBK", "CP936"]),
        ("UHC", &["UHC", "CP949"]),
        ("JOHAB", &["JOHAB", "CP1361"]),
        ("GB18030", &["GB18030", "CP54936"]),
        ("SHIFT_JIS_2004", &["SJIS_2004"]),
        ("SQL_ASCII", &["US-ASCII"]),
    ];
    TABLE
        .iter()
        .find(|(_, names)| names.iter().any(|n| n.eq_ignore_ascii_case(codeset)))
        .map(|(pg, _)| *pg)
}

/// `client_encoding=auto`: the encoding of the program's current locale
/// (empty when it cannot be determined, as `pg_encoding_to_char(-1)`).
fn auto_client_encoding(env: &dyn Environment) -> String {
    let Some((ctype, codeset)) = env.ctype_locale() else {
        return "SQL_ASCII".to_string();
    };
    match encoding_for_codeset(&ctype, &codeset) {
        Some(e) => e.to_string(),
        None => {
            env.warn(&msg::fill(msg::UNKNOWN_LOCALE_CODESET, &[&ctype, &codeset]));
            String::new()
        }
    }
}

/// One host slot before it becomes a [`Target`] (`pg_conn_host`).
struct Slot<'a> {
    host: Option<&'a str>,
    hostaddr: Option<&'a str>,
    port: Option<&'a str>,
    unix: bool,
}

/// Computes the connection plan after all user-supplied options and defaults
/// are in (`pqConnectOptions2`). Like libpq, it writes derived values back
/// into `opts` (user, dbname, passfile, channel_binding, sslmode,
/// sslnegotiation, sslcertmode, gssencmode, resolved client_encoding), so
/// `PQconninfo` shows them. The error is libpq's message with its `\n`.
pub fn plan(opts: &mut ConnOptions, env: &dyn Environment) -> Result<ConnectPlan, String> {
    plan_showing(opts, env, &mut Vec::new())
}

/// As [`plan`]; when a later check fails, `shown` holds the host list as
/// libpq has it by then (its connhost array is built first), so PQhost and
/// PQport still describe the first target after a failed option check.
pub fn plan_showing(
    opts: &mut ConnOptions,
    env: &dyn Environment,
    shown: &mut Vec<Target>,
) -> Result<ConnectPlan, String> {
    let hostaddr_opt = opts.get_nonempty("hostaddr").map(str::to_string);
    let host_opt = opts.get_nonempty("host").map(str::to_string);
    let port_opt = opts.get_nonempty("port").map(str::to_string);

    let n = match (&hostaddr_opt, &host_opt) {
        (Some(a), _) => count_elems(a),
        (None, Some(h)) => count_elems(h),
        (None, None) => 1,
    };
    let mut slots: Vec<Slot> = (0..n)
        .map(|_| Slot {
            host: None,
            hostaddr: None,
            port: None,
            unix: false,
        })
        .collect();
    if let Some(a) = &hostaddr_opt {
        for (slot, piece) in slots.iter_mut().zip(split_upto(a, n).0) {
            slot.hostaddr = Some(piece);
        }
    }
    // libpq fills its host list entry by entry and gives up at a count
    // mismatch, so what it shows then is the entries filled so far.
    let show = |slots: &[Slot]| -> Vec<Target> {
        slots
            .iter()
            .map(|slot| make_target(slot, None, None, None))
            .collect()
    };
    if let Some(h) = &host_opt {
        let (pieces, more) = split_upto(h, n);
        if more || pieces.len() != n {
            for (slot, piece) in slots.iter_mut().zip(pieces) {
                slot.host = Some(piece);
            }
            *shown = show(&slots);
            return Err(msg::fill(
                msg::HOSTADDR_COUNT_MISMATCH,
                &[&count_elems(h), &n],
            ));
        }
        for (slot, piece) in slots.iter_mut().zip(pieces) {
            slot.host = Some(piece);
        }
    }
    for slot in &mut slots {
        if slot.hostaddr.is_some_and(|a| !a.is_empty()) {
            continue;
        }
        match slot.host {
            Some(h) if !h.is_empty() => slot.unix = is_unixsock_path(h),
            _ => {
                slot.host = Some(DEFAULT_PGSOCKET_DIR);
                slot.unix = true;
            }
        }
    }
    if let Some(p) = &port_opt {
        let (pieces, more) = split_upto(p, n);
        if pieces.len() == 1 && !more {
            for slot in &mut slots {
                slot.port = Some(pieces[0]);
            }
        } else if more || pieces.len() != n {
            for (slot, piece) in slots.iter_mut().zip(pieces) {
                slot.port = Some(piece);
            }
            *shown = show(&slots);
            return Err(msg::fill(msg::PORT_COUNT_MISMATCH, &[&count_elems(p), &n]));
        } else {
            for (slot, piece) in slots.iter_mut().zip(pieces) {
                slot.port = Some(piece);
            }
        }
    }

    let option_password = opts.get_nonempty("password").map(str::to_string);
    *shown = slots
        .iter()
        .map(|slot| make_target(slot, None, option_password.as_deref(), None))
        .collect();

    // User name, then database name defaulting to it.
    let user = match opts.get_nonempty("user") {
        Some(u) => u.to_string(),
        None => {
            let u = env.os_user_result()?;
            opts.set("user", Some(u.clone()));
            u
        }
    };
    let dbname = match opts.get_nonempty("dbname") {
        Some(d) => d.to_string(),
        None => {
            opts.set("dbname", Some(user.clone()));
            user.clone()
        }
    };

    // Password file, per host, if no password was given.
    let mut file_passwords: Vec<Option<String>> = vec![None; n];
    let mut passfile = None;
    if option_password.is_none() {
        if opts.get_nonempty("passfile").is_none() {
            if let Some(home) = env.home_dir() {
                let p = format!("{}/{}", home.display(), PGPASSFILE_NAME);
                opts.set("passfile", Some(p));
            }
        }
        if let Some(pf) = opts.get_nonempty("passfile") {
            let pf = PathBuf::from(pf);
            for (slot, out) in slots.iter().zip(file_passwords.iter_mut()) {
                let pwhost = match slot.host {
                    Some(h) if !h.is_empty() => h,
                    _ => slot.hostaddr.unwrap_or(""),
                };
                *out =
                    password_from_file(pwhost, slot.port.unwrap_or(""), &dbname, &user, &pf, env);
            }
            passfile = Some(pf);
        }
    }

    let require_auth = match opts.get_nonempty("require_auth") {
        Some(v) => RequireAuth::parse(v)?,
        None => RequireAuth::default(),
    };

    let channel_binding = enumerated(
        opts,
        "channel_binding",
        DEFAULT_CHANNEL_BINDING.to_str().unwrap_or("disable"),
        &[
            ("disable", ChannelBinding::Disable),
            ("prefer", ChannelBinding::Prefer),
            ("require", ChannelBinding::Require),
        ],
    )?;

    if !USE_SSL {
        // Checked before sslmode, whose default it would have changed.
        if let Some(v @ "system") = opts.get("sslrootcert") {
            return Err(no_ssl("sslrootcert", v));
        }
    }

    let sslmode = enumerated(
        opts,
        "sslmode",
        DEFAULT_SSL_MODE.to_str().unwrap_or("disable"),
        &[
            ("disable", SslMode::Disable),
            ("allow", SslMode::Allow),
            ("prefer", SslMode::Prefer),
            ("require", SslMode::Require),
            ("verify-ca", SslMode::VerifyCa),
            ("verify-full", SslMode::VerifyFull),
        ],
    )?;
    let sslmode_text = opts.get("sslmode").unwrap_or_default().to_string();
    if !USE_SSL && sslmode >= SslMode::Require {
        return Err(no_ssl("sslmode", &sslmode_text));
    }

    let sslnegotiation = enumerated(
        opts,
        "sslnegotiation",
        DEFAULT_SSL_NEGOTIATION,
        &[
            ("postgres", SslNegotiation::Postgres),
            ("direct", SslNegotiation::Direct),
        ],
    )?;
    if sslnegotiation == SslNegotiation::Direct {
        if !USE_SSL {
            return Err(no_ssl("sslnegotiation", "direct"));
        }
        if sslmode < SslMode::Require {
            return Err(msg::fill(msg::WEAK_SSLMODE_DIRECT, &[&sslmode_text]));
        }
    }

    if USE_SSL && opts.get("sslrootcert") == Some("system") && sslmode != SslMode::VerifyFull {
        return Err(msg::fill(msg::WEAK_SSLMODE_SYSTEM, &[&sslmode_text]));
    }

    for keyword in ["ssl_min_protocol_version", "ssl_max_protocol_version"] {
        let v = opts.get(keyword);
        if !tls_version_ok(v) {
            return Err(msg::fill(
                msg::INVALID_QUOTED_VALUE,
                &[&keyword, &v.unwrap_or_default()],
            ));
        }
    }
    if !tls_range_ok(
        opts.get("ssl_min_protocol_version"),
        opts.get("ssl_max_protocol_version"),
    ) {
        return Err(msg::INVALID_SSL_RANGE.to_string());
    }

    let sslcertmode = enumerated(
        opts,
        "sslcertmode",
        DEFAULT_SSL_CERT_MODE,
        &[
            ("disable", SslCertMode::Disable),
            ("allow", SslCertMode::Allow),
            ("require", SslCertMode::Require),
        ],
    )?;
    if sslcertmode == SslCertMode::Require && !USE_SSL {
        return Err(no_ssl("sslcertmode", "require"));
    }

    let gssencmode = enumerated(
        opts,
        "gssencmode",
        DEFAULT_GSS_MODE.to_str().unwrap_or("disable"),
        &[
            ("disable", GssEncMode::Disable),
            ("prefer", GssEncMode::Prefer),
            ("require", GssEncMode::Require),
        ],
    )?;
    if gssencmode == GssEncMode::Require && !ENABLE_GSS {
        return Err(msg::fill(msg::NO_GSS_SUPPORT, &[&"require"]));
    }

    // target_session_attrs and load_balance_hosts are not written back when unset.
    let target_session_attrs = match opts.get("target_session_attrs") {
        None | Some("any") => TargetSessionAttrs::Any,
        Some("read-write") => TargetSessionAttrs::ReadWrite,
        Some("read-only") => TargetSessionAttrs::ReadOnly,
        Some("primary") => TargetSessionAttrs::Primary,
        Some("standby") => TargetSessionAttrs::Standby,
        Some("prefer-standby") => TargetSessionAttrs::PreferStandby,
        Some(v) => return Err(invalid("target_session_attrs", v)),
    };

    let scram_client_key = scram_key(
        opts.get("scram_client_key"),
        msg::INVALID_SCRAM_CLIENT_KEY,
        msg::INVALID_SCRAM_CLIENT_KEY_LENGTH,
    )?;
    let scram_server_key = scram_key(
        opts.get("scram_server_key"),
        msg::INVALID_SCRAM_SERVER_KEY,
        msg::INVALID_SCRAM_SERVER_KEY_LENGTH,
    )?;

    let load_balance = match opts.get("load_balance_hosts") {
        None | Some("disable") => false,
        Some("random") => true,
        Some(v) => return Err(invalid("load_balance_hosts", v)),
    };

    let min_protocol = protocol_version(opts.get("min_protocol_version"), "min_protocol_version")?
        .unwrap_or(ProtocolVersion::EARLIEST);
    let max_protocol =
        match protocol_version(opts.get("max_protocol_version"), "max_protocol_version")? {
            Some(v) => v,
            // Default to 3.0 for now, unless the minimum asks for more.
            None if min_protocol > ProtocolVersion::V3_0 => ProtocolVersion::LATEST,
            None => ProtocolVersion::V3_0,
        };
    if min_protocol > max_protocol {
        return Err(msg::fill(
            msg::GREATER_THAN,
            &[&"min_protocol_version", &"max_protocol_version"],
        ));
    }

    if opts.get("client_encoding") == Some("auto") {
        opts.set("client_encoding", Some(auto_client_encoding(env)));
    }

    let mut targets: Vec<Target> = slots
        .iter()
        .zip(file_passwords)
        .map(|(slot, file_pw)| {
            make_target(slot, file_pw, option_password.as_deref(), passfile.as_ref())
        })
        .collect();
    if load_balance {
        shuffle(&mut targets);
    }

    Ok(ConnectPlan {
        targets,
        user,
        dbname,
        passfile,
        target_session_attrs,
        load_balance,
        channel_binding,
        sslmode,
        sslnegotiation,
        sslcertmode,
        gssencmode,
        require_auth,
        min_protocol,
        max_protocol,
        scram_client_key,
        scram_server_key,
    })
}

fn make_target(
    slot: &Slot,
    file_pw: Option<String>,
    option_password: Option<&str>,
    passfile: Option<&PathBuf>,
) -> Target {
    let hostaddr = slot.hostaddr.filter(|a| !a.is_empty()).map(str::to_string);
    let host = match slot.host {
        Some(h) if !h.is_empty() => h.to_string(),
        _ => hostaddr.clone().unwrap_or_default(),
    };
    let port_entry = slot.port.unwrap_or("");
    let port = if port_entry.is_empty() {
        DEF_PGPORT_STR.to_string()
    } else {
        port_entry.to_string()
    };
    let mut error = None;
    let port_num = if port_entry.is_empty() {
        DEF_PGPORT
    } else {
        match parse_int_option(port_entry, "port") {
            Err(e) => {
                error = Some(TargetError::Fatal(e));
                0
            }
            Ok(p) => match u16::try_from(p) {
                Ok(p) if p >= 1 => p,
                _ => {
                    error = Some(TargetError::Skip(msg::fill(
                        msg::INVALID_PORT,
                        &[&port_entry],
                    )));
                    0
                }
            },
        }
    };
    let kind = if slot.unix && hostaddr.is_none() {
        let path = format!("{host}/.s.PGSQL.{port_num}");
        if error.is_none() && path.len() >= UNIXSOCK_PATH_BUFLEN {
            error = Some(TargetError::Skip(msg::fill(
                msg::SOCKET_PATH_TOO_LONG,
                &[&path, &(UNIXSOCK_PATH_BUFLEN - 1)],
            )));
        }
        TargetKind::Unix {
            socket_path: PathBuf::from(path),
        }
    } else {
        TargetKind::Tcp
    };
    let password_from_file = file_pw.as_ref().and(passfile.cloned());
    let password = file_pw.or_else(|| option_password.map(str::to_string));
    Target {
        host,
        hostaddr,
        port,
        port_num,
        kind,
        password,
        password_from_file,
        error,
    }
}

#[cfg(test)]
mod tests {
    use super::super::defaults::tests::{temp_dir, FakeEnv};
    use super::super::{apply_defaults, parse_conninfo};
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// Parses, applies defaults and plans, as PQconnectdb does.
    fn plan_for(conninfo: &str, env: &FakeEnv) -> Result<(ConnectPlan, ConnOptions), String> {
        let mut o = parse_conninfo(conninfo)?;
        apply_defaults(&mut o, env)?;
        let p = plan(&mut o, env)?;
        Ok((p, o))
    }
    fn err(conninfo: &str) -> String {
        plan_for(conninfo, &FakeEnv::new()).unwrap_err()
    }
    fn ok(conninfo: &str) -> ConnectPlan {
        plan_for(conninfo, &FakeEnv::new())
            .unwrap_or_else(|e| panic!("{conninfo}: {e}"))
            .0
    }

    #[test]
    fn int_option() {
        assert_eq!(parse_int_option("10", "x"), Ok(10));
        assert_eq!(parse_int_option("  -7 \t", "x"), Ok(-7));
        assert_eq!(parse_int_option("+3", "x"), Ok(3));
        assert_eq!(parse_int_option("2147483647", "x"), Ok(i32::MAX));
        assert_eq!(parse_int_option("-2147483648", "x"), Ok(i32::MIN));
        for bad in [
            "",
            " ",
            "x",
            "1x",
            "1 2",
            "2147483648",
            "99999999999999999999999",
            "-",
            "0x10",
        ] {
            assert_eq!(
                parse_int_option(bad, "connect_timeout"),
                Err(format!(
                    "invalid integer value \"{bad}\" for connection option \"connect_timeout\"\n"
                ))
            );
        }
    }

    #[test]
    fn default_target_is_the_socket_dir() {
        let (p, o) = plan_for("", &FakeEnv::new()).unwrap();
        assert_eq!(p.targets.len(), 1);
        let t = &p.targets[0];
        assert_eq!(t.host, "/var/run/postgresql");
        assert_eq!(t.port, "5432");
        assert_eq!(t.port_num, 5432);
        assert_eq!(
            t.kind,
            TargetKind::Unix {
                socket_path: PathBuf::from("/var/run/postgresql/.s.PGSQL.5432")
            }
        );
        assert_eq!(p.user, "osuser");
        assert_eq!(p.dbname, "osuser");
        assert_eq!(o.get("dbname"), Some("osuser"));
        assert_eq!(o.get("host"), None, "host option itself is not rewritten");
        assert_eq!(o.get("sslcertmode"), Some("allow"));
        assert_eq!(p.sslmode, SslMode::Prefer);
        assert_eq!(p.gssencmode, GssEncMode::Disable);
        assert_eq!(p.channel_binding, ChannelBinding::Prefer);
        assert_eq!(p.target_session_attrs, TargetSessionAttrs::Any);
        assert_eq!(
            (p.min_protocol, p.max_protocol),
            (ProtocolVersion::V3_0, ProtocolVersion::V3_0)
        );
        assert_eq!(p.require_auth, RequireAuth::default());
        assert!(!p.load_balance);
    }

    #[test]
    fn host_lists_and_ports() {
        let p = ok("host=a,/tmp,,@abs port=1,2,3,4");
        let hosts: Vec<_> = p
            .targets
            .iter()
            .map(|t| (t.host.as_str(), t.port.as_str()))
            .collect();
        assert_eq!(
            hosts,
            [
                ("a", "1"),
                ("/tmp", "2"),
                ("/var/run/postgresql", "3"),
                ("@abs", "4")
            ]
        );
        assert_eq!(p.targets[0].kind, TargetKind::Tcp);
        assert_eq!(
            p.targets[1].kind,
            TargetKind::Unix {
                socket_path: "/tmp/.s.PGSQL.2".into()
            }
        );
        assert_eq!(
            p.targets[3].kind,
            TargetKind::Unix {
                socket_path: "@abs/.s.PGSQL.4".into()
            }
        );

        let p = ok("host=a,b port=7");
        assert!(p.targets.iter().all(|t| t.port == "7" && t.port_num == 7));
        let p = ok("host=a,b port=7,");
        assert_eq!(
            (p.targets[1].port.as_str(), p.targets[1].port_num),
            ("5432", 5432)
        );

        // hostaddr drives the count; host is used for PQhost when given.
        let p = ok("hostaddr=127.0.0.1,::1 host=h1,");
        assert_eq!(p.targets.len(), 2);
        assert_eq!(
            (p.targets[0].host.as_str(), p.targets[0].hostaddr.as_deref()),
            ("h1", Some("127.0.0.1"))
        );
        assert_eq!(
            (p.targets[1].host.as_str(), p.targets[1].hostaddr.as_deref()),
            ("::1", Some("::1"))
        );
        assert!(p.targets.iter().all(|t| t.kind == TargetKind::Tcp));
        // A hostaddr with a socket-dir host is still TCP.
        let p = ok("hostaddr=127.0.0.1 host=/tmp");
        assert_eq!(p.targets[0].kind, TargetKind::Tcp);
        // Empty hostaddr entry falls back to the host entry.
        let p = ok("hostaddr=127.0.0.1, host=a,/tmp");
        assert_eq!(
            p.targets[1].kind,
            TargetKind::Unix {
                socket_path: "/tmp/.s.PGSQL.5432".into()
            }
        );
    }

    #[test]
    fn count_mismatches() {
        // Texts checked against libpq 15 and 18 (reference §4.2).
        assert_eq!(
            err("host=a,b,c port=1,2"),
            "could not match 2 port numbers to 3 hosts\n"
        );
        assert_eq!(
            err("host=a port=1,2"),
            "could not match 2 port numbers to 1 hosts\n"
        );
        assert_eq!(
            err("port=1,2"),
            "could not match 2 port numbers to 1 hosts\n"
        );
        assert_eq!(
            err("hostaddr=1.2.3.4,5.6.7.8 host=a,b,c"),
            "could not match 3 host names to 2 hostaddr values\n"
        );
        assert_eq!(
            err("hostaddr=1.2.3.4,5.6.7.8 host=a"),
            "could not match 1 host names to 2 hostaddr values\n"
        );
    }

    #[test]
    fn invalid_ports_are_per_target() {
        let p = ok("host=a,b,c port=x,0,70000");
        assert_eq!(
            p.targets[0].error,
            Some(TargetError::Fatal(
                "invalid integer value \"x\" for connection option \"port\"\n".into()
            ))
        );
        assert_eq!(
            p.targets[1].error,
            Some(TargetError::Skip("invalid port number: \"0\"\n".into()))
        );
        assert_eq!(
            p.targets[2].error,
            Some(TargetError::Skip("invalid port number: \"70000\"\n".into()))
        );
        assert_eq!(p.targets[2].port, "70000");
        let p = ok("port=' 5433 '");
        assert_eq!(p.targets[0].port_num, 5433);
        assert_eq!(
            p.targets[0].kind,
            TargetKind::Unix {
                socket_path: "/var/run/postgresql/.s.PGSQL.5433".into()
            }
        );
        let long = format!("/{}", "d".repeat(100));
        let p = ok(&format!("host={long}"));
        assert_eq!(
            p.targets[0].error,
            Some(TargetError::Skip(format!(
                "Unix-domain socket path \"{long}/.s.PGSQL.5432\" is too long (maximum 107 bytes)\n"
            )))
        );
    }

    #[test]
    fn user_and_dbname_defaults() {
        let mut env = FakeEnv::new().with("PGUSER", "");
        env.user = None;
        assert_eq!(
            plan_for("", &env).unwrap_err(),
            "local user with ID ? does not exist\n"
        );
        let p = plan_for("user=u", &env).unwrap().0;
        assert_eq!((p.user.as_str(), p.dbname.as_str()), ("u", "u"));
        let p = plan_for("user=u dbname=''", &env).unwrap().0;
        assert_eq!(p.dbname, "u");
        let env = FakeEnv::new().with("PGDATABASE", "envdb");
        assert_eq!(plan_for("", &env).unwrap().0.dbname, "envdb");
    }

    #[test]
    fn enumerated_options() {
        assert_eq!(err("sslmode=bogus"), "invalid sslmode value: \"bogus\"\n");
        assert_eq!(
            err("channel_binding=x"),
            "invalid channel_binding value: \"x\"\n"
        );
        assert_eq!(err("gssencmode=x"), "invalid gssencmode value: \"x\"\n");
        assert_eq!(err("sslcertmode=x"), "invalid sslcertmode value: \"x\"\n");
        assert_eq!(
            err("sslnegotiation=x"),
            "invalid sslnegotiation value: \"x\"\n"
        );
        assert_eq!(
            err("target_session_attrs=x"),
            "invalid target_session_attrs value: \"x\"\n"
        );
        assert_eq!(
            err("load_balance_hosts=x"),
            "invalid load_balance_hosts value: \"x\"\n"
        );
        assert_eq!(
            err("min_protocol_version=3.1"),
            "invalid min_protocol_version value: \"3.1\"\n"
        );
        assert_eq!(
            err("max_protocol_version=4"),
            "invalid max_protocol_version value: \"4\"\n"
        );
        assert_eq!(
            err("min_protocol_version=latest max_protocol_version=3.0"),
            "\"min_protocol_version\" is greater than \"max_protocol_version\"\n"
        );
        let p = ok("min_protocol_version=3.2");
        assert_eq!(p.max_protocol, ProtocolVersion::LATEST);
        assert_eq!(
            err("ssl_min_protocol_version=TLSv9"),
            "invalid \"ssl_min_protocol_version\" value: \"TLSv9\"\n"
        );
        assert_eq!(
            err("ssl_max_protocol_version=x"),
            "invalid \"ssl_max_protocol_version\" value: \"x\"\n"
        );
        assert_eq!(
            err("ssl_min_protocol_version=tlsv1.3 ssl_max_protocol_version=TLSv1.2"),
            "invalid SSL protocol version range\n"
        );
        assert_eq!(
            err("ssl_min_protocol_version=TLSv1.1 ssl_max_protocol_version=TLSv1"),
            "invalid SSL protocol version range\n"
        );
        ok("ssl_min_protocol_version=TLSv1 ssl_max_protocol_version=TLSv1");
        ok("ssl_min_protocol_version='' ssl_max_protocol_version=TLSv1");
        for (v, t) in [
            ("read-write", TargetSessionAttrs::ReadWrite),
            ("read-only", TargetSessionAttrs::ReadOnly),
            ("primary", TargetSessionAttrs::Primary),
            ("standby", TargetSessionAttrs::Standby),
            ("prefer-standby", TargetSessionAttrs::PreferStandby),
        ] {
            assert_eq!(
                ok(&format!("target_session_attrs={v}")).target_session_attrs,
                t
            );
        }
        assert_eq!(
            ok("channel_binding=require").channel_binding,
            ChannelBinding::Require
        );
    }

    #[test]
    fn ssl_build_without_gss() {
        for (mode, want) in [
            ("require", SslMode::Require),
            ("verify-ca", SslMode::VerifyCa),
            ("verify-full", SslMode::VerifyFull),
            ("prefer", SslMode::Prefer),
            ("allow", SslMode::Allow),
        ] {
            assert_eq!(ok(&format!("sslmode={mode}")).sslmode, want);
        }
        assert_eq!(
            err("sslnegotiation=direct sslmode=prefer"),
            "weak sslmode \"prefer\" may not be used with sslnegotiation=direct (use \"require\", \"verify-ca\", or \"verify-full\")\n"
        );
        assert_eq!(
            ok("sslnegotiation=direct sslmode=require").sslnegotiation,
            SslNegotiation::Direct
        );
        assert_eq!(ok("sslcertmode=require").sslcertmode, SslCertMode::Require);
        assert_eq!(
            err("gssencmode=require"),
            "gssencmode value \"require\" invalid when GSSAPI support is not compiled in\n"
        );
        assert_eq!(ok("gssencmode=prefer").gssencmode, GssEncMode::Prefer);
        // sslrootcert=system implies verify-full and refuses weaker modes.
        assert_eq!(ok("sslrootcert=system").sslmode, SslMode::VerifyFull);
        assert_eq!(
            err("sslrootcert=system sslmode=require"),
            "weak sslmode \"require\" may not be used with sslrootcert=system (use \"verify-full\")\n"
        );
        assert_eq!(
            plan_for("", &FakeEnv::new().with("PGREQUIRESSL", "1"))
                .unwrap()
                .0
                .sslmode,
            SslMode::Require
        );
    }

    #[test]
    fn require_auth_parsing() {
        let ra = ok("require_auth=password,scram-sha-256").require_auth;
        assert!(ra.auth_required);
        assert!(ra.allows(AUTH_REQ_PASSWORD) && !ra.allows(AUTH_REQ_MD5));
        assert!(ra.allows(AUTH_REQ_SASL) && ra.allow_scram && !ra.allow_oauth);
        let ra = ok("require_auth=!md5,!none").require_auth;
        assert!(ra.auth_required);
        assert!(
            !ra.allows(AUTH_REQ_MD5) && ra.allows(AUTH_REQ_PASSWORD) && ra.allows(AUTH_REQ_SASL)
        );
        let ra = ok("require_auth=!scram-sha-256,!oauth").require_auth;
        assert!(!ra.auth_required && !ra.allows(AUTH_REQ_SASL) && !ra.allow_scram);
        let ra = ok("require_auth=none").require_auth;
        assert!(!ra.auth_required && ra.allowed_methods == 0);
        let ra = ok("require_auth=gss").require_auth;
        assert!(
            ra.allows(AUTH_REQ_GSS) && ra.allows(AUTH_REQ_GSS_CONT) && !ra.allows(AUTH_REQ_SASL)
        );

        assert_eq!(err("require_auth=md5,!password"), "negative require_auth method \"!password\" cannot be mixed with non-negative methods\n");
        assert_eq!(
            err("require_auth=!md5,password"),
            "require_auth method \"password\" cannot be mixed with negative methods\n"
        );
        assert_eq!(
            err("require_auth=md5,md5"),
            "require_auth method \"md5\" is specified more than once\n"
        );
        assert_eq!(
            err("require_auth=!md5,!md5"),
            "require_auth method \"!md5\" is specified more than once\n"
        );
        assert_eq!(
            err("require_auth=none,none"),
            "require_auth method \"none\" is specified more than once\n"
        );
        assert_eq!(
            err("require_auth=scram-sha-256,scram-sha-256"),
            "require_auth method \"scram-sha-256\" is specified more than once\n"
        );
        assert_eq!(
            err("require_auth=!oauth,!oauth"),
            "require_auth method \"!oauth\" is specified more than once\n"
        );
        assert_eq!(
            err("require_auth=bogus"),
            "invalid require_auth value: \"bogus\"\n"
        );
        assert_eq!(
            err("require_auth=!bogus"),
            "invalid require_auth value: \"bogus\"\n"
        );
        assert_eq!(
            err("require_auth=md5,"),
            "invalid require_auth value: \"\"\n"
        );
    }

    #[test]
    fn scram_keys() {
        let key = "A".repeat(43) + "=";
        let p = ok(&format!("scram_client_key={key} scram_server_key={key}"));
        assert_eq!(p.scram_client_key, Some(vec![0; 32]));
        assert_eq!(err("scram_client_key=@@@@"), "invalid SCRAM client key\n");
        assert_eq!(
            err("scram_server_key=AAAA"),
            "invalid SCRAM server key length: 3\n"
        );
        assert_eq!(err("scram_client_key=AAA"), "invalid SCRAM client key\n");
        assert_eq!(pg_b64_decode("aGk="), Some(b"hi".to_vec()));
        assert_eq!(pg_b64_decode("aA=="), Some(b"h".to_vec()));
        assert_eq!(pg_b64_decode("a==="), None);
    }

    #[test]
    fn client_encoding_auto() {
        let mut env = FakeEnv::new();
        env.ctype = Some(("en_US.UTF-8".into(), "UTF-8".into()));
        let (_, o) = plan_for("client_encoding=auto", &env).unwrap();
        assert_eq!(o.get("client_encoding"), Some("UTF8"));
        env.ctype = Some(("C".into(), "ANSI_X3.4-1968".into()));
        assert_eq!(
            plan_for("client_encoding=auto", &env)
                .unwrap()
                .1
                .get("client_encoding"),
            Some("SQL_ASCII")
        );
        env.ctype = Some(("xx".into(), "WEIRD".into()));
        assert_eq!(
            plan_for("client_encoding=auto", &env)
                .unwrap()
                .1
                .get("client_encoding"),
            Some("")
        );
        assert_eq!(
            env.warnings.borrow().last().unwrap(),
            "could not determine encoding for locale \"xx\": codeset is \"WEIRD\"\n"
        );
        assert_eq!(encoding_for_codeset("de_DE", "iso-8859-15"), Some("LATIN9"));
        assert_eq!(
            plan_for("client_encoding=LATIN1", &env)
                .unwrap()
                .1
                .get("client_encoding"),
            Some("LATIN1")
        );
    }

    #[test]
    fn application_name_fallback() {
        let mut o = ConnOptions::new();
        assert_eq!(application_name(&o), None);
        o.set("fallback_application_name", Some("fb".into()));
        assert_eq!(application_name(&o), Some("fb"));
        o.set("application_name", Some("app".into()));
        assert_eq!(application_name(&o), Some("app"));
        o.set("application_name", Some("".into()));
        assert_eq!(application_name(&o), None);
    }

    #[test]
    fn load_balance_shuffles_targets() {
        let p = ok("host=a,b,c,d,e,f,g,h load_balance_hosts=random");
        assert!(p.load_balance);
        let mut hosts: Vec<_> = p.targets.iter().map(|t| t.host.clone()).collect();
        hosts.sort();
        assert_eq!(hosts, ["a", "b", "c", "d", "e", "f", "g", "h"]);
        let orders: std::collections::HashSet<Vec<String>> = (0..20)
            .map(|_| {
                ok("host=a,b,c,d,e,f,g,h load_balance_hosts=random")
                    .targets
                    .into_iter()
                    .map(|t| t.host)
                    .collect()
            })
            .collect();
        assert!(orders.len() > 1, "shuffle never changed the order");
        let p = ok("host=a,b,c load_balance_hosts=disable");
        assert_eq!(
            p.targets
                .iter()
                .map(|t| t.host.as_str())
                .collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
    }

    #[test]
    fn password_file_per_host() {
        let d = temp_dir("plan");
        let home = d.join("home");
        std::fs::create_dir_all(&home).unwrap();
        let pgpass = home.join(".pgpass");
        std::fs::write(
            &pgpass,
            "localhost:*:*:u:sockpw\nh1:5432:db:u:pw1\nh2:6000:db:u:pw2\n10.0.0.1:*:*:*:addrpw\n",
        )
        .unwrap();
        std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
        let mut env = FakeEnv::new();
        env.home = Some(home.clone());

        let (p, o) =
            plan_for("host=h1,h2,,/tmp port=5432,6000,1,1 user=u dbname=db", &env).unwrap();
        assert_eq!(o.get("passfile"), Some(pgpass.to_str().unwrap()));
        assert_eq!(p.passfile.as_deref(), Some(pgpass.as_path()));
        let pws: Vec<_> = p.targets.iter().map(|t| t.password.as_deref()).collect();
        assert_eq!(pws, [Some("pw1"), Some("pw2"), Some("sockpw"), None]);
        assert_eq!(
            p.targets[0].password_from_file.as_deref(),
            Some(pgpass.as_path())
        );
        assert_eq!(p.targets[3].password_from_file, None);

        // hostaddr is the key when host is empty.
        let p = plan_for("hostaddr=10.0.0.1 user=u dbname=db", &env)
            .unwrap()
            .0;
        assert_eq!(p.targets[0].password.as_deref(), Some("addrpw"));

        // An explicit password skips the file (and passfile is not filled in).
        let (p, o) = plan_for("host=h1 user=u dbname=db password=given", &env).unwrap();
        assert_eq!(p.targets[0].password.as_deref(), Some("given"));
        assert_eq!(p.targets[0].password_from_file, None);
        assert_eq!(o.get("passfile"), None);

        // passfile option / PGPASSFILE.
        let other = d.join("other");
        std::fs::write(&other, "*:*:*:*:fromother\n").unwrap();
        std::fs::set_permissions(&other, std::fs::Permissions::from_mode(0o600)).unwrap();
        let env2 = FakeEnv::new().with("PGPASSFILE", other.to_str().unwrap());
        let p = plan_for("user=u", &env2).unwrap().0;
        assert_eq!(p.targets[0].password.as_deref(), Some("fromother"));

        // Insecure file: warning, no password.
        std::fs::set_permissions(&other, std::fs::Permissions::from_mode(0o644)).unwrap();
        let p = plan_for("user=u", &env2).unwrap().0;
        assert_eq!(p.targets[0].password, None);
        assert_eq!(env2.warnings.borrow().len(), 1);
    }
}
