-- Roles the libpq-rs tests expect. The test harness runs this file on the
-- throw-away server it starts; to point the tests at an existing server
-- (LIBPQRS_TEST_PORT, see README.md) run it there once as a superuser:
--   psql -X -v ON_ERROR_STOP=1 -h HOST -p PORT -U postgres -d postgres -f tests/support/setup.sql
-- and give the server the pg_hba.conf lines of tests/support/pg_hba.conf.
-- Names and passwords must match the constants in tests/support/mod.rs.

-- trust over local and host lines; superuser so tests can inspect and
-- terminate sessions, change settings and create objects.
CREATE ROLE libpqrs_trust LOGIN SUPERUSER;

-- The `password` method works with any stored hash.
SET password_encryption = 'scram-sha-256';
CREATE ROLE libpqrs_password LOGIN PASSWORD 'password-pw';
CREATE ROLE libpqrs_scram LOGIN PASSWORD 'scram-pw';

-- The `md5` method only asks for MD5 when the stored hash is an MD5 one (with
-- a SCRAM hash the server upgrades the exchange to SCRAM), so store MD5 here.
-- PostgreSQL 18 warns that MD5 passwords are deprecated; that is expected.
SET client_min_messages = error;
SET password_encryption = 'md5';
CREATE ROLE libpqrs_md5 LOGIN PASSWORD 'md5-pw';
RESET password_encryption;
RESET client_min_messages;

-- TLS users (see pg_hba.conf): SSL only, no SSL only, the `cert` method.
CREATE ROLE libpqrs_ssl_only LOGIN;
CREATE ROLE libpqrs_nossl_only LOGIN;
CREATE ROLE libpqrs_cert LOGIN;

GRANT ALL ON SCHEMA public TO PUBLIC;
