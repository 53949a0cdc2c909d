//! Connection options: conninfo strings, URIs, environment, service files, .pgpass, defaults.
