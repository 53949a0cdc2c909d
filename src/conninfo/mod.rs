//! Connection options: conninfo strings, URIs, environment, service files,
//! `.pgpass`, defaults, host/port lists (fe-connect.c of libpq 18).
//!
//! The pieces, in the order a connection uses them:
//!
//! 1. [`parse_conninfo`] / [`parse_params`]: what the caller gave
//!    (`PQconninfoParse`, `PQconnectdb`, `PQconnectdbParams`), no defaults.
//! 2. [`apply_defaults`]: service file, environment variables, `PGREQUIRESSL`,
//!    compiled defaults, OS user name (`conninfo_add_defaults`).
//! 3. [`plan()`]: host/hostaddr/port lists, derived defaults, validation of every
//!    enumerated option and the password file (`pqConnectOptions2`).
//!
//! Nothing here reads the process environment except [`ProcessEnv`]; the rest
//! takes an [`Environment`], so tests are pure (files are read from the paths
//! the environment leads to).
//!
//! # Build-time decisions
//!
//! These are the values a C build fixes with `configure`; ours are:
//!
//! * Default Unix socket directory [`DEFAULT_PGSOCKET_DIR`] = `/var/run/postgresql`,
//!   as Debian's libpq5, which this library replaces.
//! * Service file directory [`SYSCONFDIR`] = `/etc/postgresql-common` (Debian);
//!   `PGSYSCONFDIR` overrides it.
//! * Default port 5432.
//! * No TLS and no GSSAPI support yet: we behave exactly like a libpq built
//!   without `USE_SSL` and without `ENABLE_GSS`. Compiled defaults are
//!   `sslmode=disable`, `channel_binding=disable`, `gssencmode=disable`, and
//!   `sslcertmode` defaults to `disable` at connect time (its table entry has no
//!   compiled default, as in libpq). Values that need the missing support are
//!   rejected with libpq's own messages (`sslmode value "require" invalid when
//!   SSL support is not compiled in`, the `sslnegotiation`, `sslcertmode` and
//!   `sslrootcert=system` equivalents, `gssencmode value "require" invalid when
//!   GSSAPI support is not compiled in`); nothing that would weaken security is
//!   silently ignored. `channel_binding=require` is accepted here and fails at
//!   authentication time, as in libpq. Every keyword is still parsed, kept and
//!   shown by `PQconninfo`.

mod defaults;
mod env;
mod options;
mod parse;
mod pgpass;
mod plan;
mod uri;

use std::ffi::CStr;

pub use defaults::{apply_defaults, apply_defaults_lenient};
pub use env::{Environment, ProcessEnv};
pub use options::{option_index, ConnOptions, OptionDef, OPTIONS};
pub use parse::{is_connection_string, parse_conninfo, parse_params, recognized_connection_string};
pub use pgpass::password_from_file;
pub use plan::{
    application_name, encoding_for_codeset, parse_int_option, plan, plan_showing, shuffle,
    ChannelBinding, ConnectPlan, GssEncMode, ProtocolVersion, RequireAuth, SslCertMode, SslMode,
    SslNegotiation, Target, TargetError, TargetKind, TargetSessionAttrs,
};
pub use uri::uri_prefix_length;

/// Compiled Unix-socket directory (`DEFAULT_PGSOCKET_DIR`), Debian's.
pub const DEFAULT_PGSOCKET_DIR: &str = "/var/run/postgresql";
/// Compiled directory of `pg_service.conf` (`SYSCONFDIR`), Debian's.
pub const SYSCONFDIR: &str = "/etc/postgresql-common";
/// `DEF_PGPORT`.
pub const DEF_PGPORT: u16 = 5432;
/// `DEF_PGPORT_STR`.
pub const DEF_PGPORT_STR: &str = "5432";
/// `DefaultHost`, used where there is no socket directory and by the password file.
pub const DEFAULT_HOST: &str = "localhost";
/// Password file name under the home directory (`PGPASSFILE` macro).
pub const PGPASSFILE_NAME: &str = ".pgpass";
/// `sizeof(sun_path)`: socket paths must be shorter (`UNIXSOCK_PATH_BUFLEN`).
pub const UNIXSOCK_PATH_BUFLEN: usize = 108;

/// Whether this build supports TLS (`USE_SSL`): yes, with rustls.
pub const USE_SSL: bool = true;
/// Whether this build supports GSSAPI (`ENABLE_GSS`).
pub const ENABLE_GSS: bool = false;

/// `DefaultChannelBinding` (with SSL: "prefer").
pub const DEFAULT_CHANNEL_BINDING: &CStr = c"prefer";
/// `DefaultSSLMode` (with SSL: "prefer").
pub const DEFAULT_SSL_MODE: &CStr = c"prefer";
/// `DefaultSSLCertMode` (with SSL: "allow"), applied in [`plan()`].
pub const DEFAULT_SSL_CERT_MODE: &str = "allow";
/// `DefaultSSLNegotiation`.
pub const DEFAULT_SSL_NEGOTIATION: &str = "postgres";
/// `DefaultGSSMode` (no GSSAPI: "disable").
pub const DEFAULT_GSS_MODE: &CStr = c"disable";

/// `is_unixsock_path`: an absolute path, or `@` for an abstract socket.
pub fn is_unixsock_path(host: &str) -> bool {
    host.starts_with('/') || host.starts_with('@')
}
