/*
 * Differential test program for TLS: every sslmode against servers with
 * the test harness's certificates (right CA, wrong CA, none; host names that
 * match the certificate or not; with and without a client certificate),
 * the other TLS options (sslrootcert=system, CRLs, protocol versions,
 * sslnegotiation, sslcertmode, sslpassword, key file checks, the defaults
 * under ~/.postgresql, channel binding, gssencmode, requiressl,
 * sslcompression, sslsni), and large transfers over TLS in non-blocking
 * mode. The output with the real libpq 18 and with libpq-rs must be
 * identical (tests/integration/differential.rs).
 *
 * Usage: tls [section...]   sections: tlsmatrix tlsoptions tlsdata
 *
 * Environment (tests/integration/differential.rs sets it from
 * support::tls_files() and support::tls_server()):
 *   DIFF_PORT, DIFF_SOCKDIR, DIFF_DB, DIFF_TRUST_USER   as diff.c, for the
 *                    server presenting server.crt (ssl_ca_file = root.crt)
 *   DIFF_TLS_DIR     the directory of the TLS files, with the names of
 *                    tests/support/tls.rs (root.crt, wrongca.crt,
 *                    client.key, home-empty/, ...); printed as {TLSDIR}
 *   DIFF_TLS_PORT_OTHER DIFF_TLS_PORT_EXPIRED DIFF_TLS_PORT_CHAIN  servers
 *                    presenting server-other.crt, server-expired.crt and
 *                    server-chain.crt; printed as {PORT_OTHER} etc.
 *   DIFF_SSL_ONLY_USER DIFF_NOSSL_ONLY_USER DIFF_CERT_USER   trust with
 *                    hostssl only / hostnossl only, and the cert method
 *   DIFF_SCRAM_USER DIFF_SCRAM_PW   scram-sha-256 (channel binding)
 *   DIFF_TLS_KEY_PW  the password of client-encrypted.key
 *   DIFF_TLSDATA_MB  size of each transfer of section tlsdata (default 50)
 *   DIFF_TLS_MASK_LIBRARY  when set, the values that name the TLS library
 *                    or its names for things (PQsslAttribute "library" and
 *                    "cipher") are printed as {masked}
 *
 * HOME is set for every connection (home-empty unless the case is about
 * ~/.postgresql), SSL_CERT_FILE and SSL_CERT_DIR only for the
 * sslrootcert=system cases, KRB5CCNAME points at a missing file, so
 * nothing depends on the caller's files.
 *
 * What each connection prints: PQstatus, PQerrorMessage, PQsslInUse,
 * PQsslAttributeNames (PQgetssl and PQsslStruct are called but not
 * compared: they are OpenSSL objects, which libpq-rs has not got), PQsslAttribute for protocol, key_bits, compression
 * and alpn on one line, library and cipher on another ("TLS-library
 * specific": OpenSSL's names), then, when connected, what the server sees
 * (pg_stat_ssl: ssl, version, cipher, bits, client_dn, client_serial,
 * issuer_dn; current_user).
 *
 * Not done: an encrypted key without sslpassword or hook (OpenSSL would
 * prompt on the terminal).
 */
#define PROGRAM "tls"
#include "common.h"

#include <errno.h>
#include <poll.h>

static const char *g_tlsdir, *g_port_other, *g_port_expired, *g_port_chain;
static const char *g_ssl_only, *g_nossl_only, *g_cert_user, *g_scram_user, *g_scram_pw;
static const char *g_key_pw;
static int g_mask_library;

/* ---------------------------------------------------------------- names */

static const char *connstatus_name(ConnStatusType s)
{
	static char buf[32];

	switch ((int) s)
	{
		case CONNECTION_OK: return "CONNECTION_OK";
		case CONNECTION_BAD: return "CONNECTION_BAD";
		case CONNECTION_STARTED: return "CONNECTION_STARTED";
		case CONNECTION_MADE: return "CONNECTION_MADE";
		case CONNECTION_AWAITING_RESPONSE: return "CONNECTION_AWAITING_RESPONSE";
		case CONNECTION_AUTH_OK: return "CONNECTION_AUTH_OK";
		case CONNECTION_SETENV: return "CONNECTION_SETENV";
		case CONNECTION_SSL_STARTUP: return "CONNECTION_SSL_STARTUP";
		case CONNECTION_NEEDED: return "CONNECTION_NEEDED";
		case 9: return "CONNECTION_CHECK_WRITABLE";
		case 10: return "CONNECTION_CONSUME";
		case 11: return "CONNECTION_GSS_STARTUP";
		case 12: return "CONNECTION_CHECK_TARGET";
		case 13: return "CONNECTION_CHECK_STANDBY";
		case 14: return "CONNECTION_ALLOCATED";
		case 15: return "CONNECTION_AUTHENTICATING";
		default:
			snprintf(buf, sizeof buf, "ConnStatusType(%d)", (int) s);
			return buf;
	}
}

/* ---------------------------------------------------------------- conninfo templates */

/*
 * Expands a conninfo template: %P port, %O other-host port, %E expired
 * port, %H chain port, %D TLS directory, %X socket directory, %B database,
 * %T trust user, %S SSL-only user, %N no-SSL-only user, %U cert user,
 * %W/%w SCRAM user/password, %K client key password, %% a percent sign.
 * The result is malloc'd.
 */
/* The letters of this program's templates (see expand_template). */
static const char *template_code(char letter)
{
	switch (letter)
	{
		case 'P': return g_port;
		case 'O': return g_port_other;
		case 'E': return g_port_expired;
		case 'H': return g_port_chain;
		case 'D': return g_tlsdir;
		case 'X': return g_sockdir;
		case 'B': return g_db;
		case 'T': return g_trust;
		case 'S': return g_ssl_only;
		case 'N': return g_nossl_only;
		case 'U': return g_cert_user;
		case 'W': return g_scram_user;
		case 'w': return g_scram_pw;
		case 'K': return g_key_pw;
		default: return NULL;
	}
}

static char *expand(const char *t)
{
	return expand_template(t, template_code);
}

/* HOME=<TLS dir>/<home> (home-empty, home-rootcrt, ...). */
static void set_home(const char *home)
{
	char *h = NULL;

	if (asprintf(&h, "%s/%s", g_tlsdir, home) < 0)
		abort();
	setenv("HOME", h, 1);
	free(h);
}

/* ---------------------------------------------------------------- printing a connection */

static void print_attr(const char *label, const char *v, int library_specific)
{
	if (v == NULL)
		out(" %s=(null)", label);
	else if (library_specific && g_mask_library)
		out(" %s={masked}", label);
	else
	{
		char *e = escape(v, strlen(v));

		out(" %s=\"%s\"", label, e);
		free(e);
	}
}

/* The TLS accessors of libpq on `c` (which may be NULL). */
static void print_tls_accessors(PGconn *c)
{
	const char *const *names = PQsslAttributeNames(c);

	/*
	 * PQgetssl and PQsslStruct(conn, "OpenSSL") hand out OpenSSL objects:
	 * libpq-rs has none and answers NULL (its documented difference), so
	 * they are called but not compared.
	 */
	(void) PQgetssl(c);
	(void) PQsslStruct(c, "OpenSSL");
	out("PQsslInUse: %d\n", PQsslInUse(c));
	out("PQsslAttributeNames:");
	if (names == NULL)
		out(" (null)");
	else
		for (int i = 0; names[i]; i++)
			out(" %s", names[i]);
	out("\n");
	out("PQsslAttribute:");
	print_attr("protocol", PQsslAttribute(c, "protocol"), 0);
	print_attr("key_bits", PQsslAttribute(c, "key_bits"), 0);
	print_attr("compression", PQsslAttribute(c, "compression"), 0);
	print_attr("alpn", PQsslAttribute(c, "alpn"), 0);
	print_attr("bogus", PQsslAttribute(c, "bogus"), 0);
	out("\n");
	out("PQsslAttribute (TLS-library specific):");
	/* "OpenSSL" or "rustls": whether it is set is compared, not the name. */
	out(" library=%s", PQsslAttribute(c, "library") ? "(set)" : "(null)");
	print_attr("cipher", PQsslAttribute(c, "cipher"), 1);
	out("\n");
}

/* What the server sees of this connection (one line), and who logged in. */
static void print_server_view(PGconn *c)
{
	PGresult *r = PQexec(c,
						 "SELECT ssl, coalesce(version, '-'), coalesce(cipher, '-'), "
						 "coalesce(bits::text, '-'), coalesce(client_dn, '-'), "
						 "coalesce(client_serial::text, '-'), coalesce(issuer_dn, '-'), current_user "
						 "FROM pg_stat_ssl WHERE pid = pg_backend_pid()");

	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
	{
		out("server view: query failed\n");
		str("  PQerrorMessage", PQerrorMessage(c));
	}
	else
		out("server view: ssl=%s version=%s cipher=%s bits=%s client_dn=%s client_serial=%s "
			"issuer_dn=%s user=%s\n",
			PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 3),
			PQgetvalue(r, 0, 4), PQgetvalue(r, 0, 5), PQgetvalue(r, 0, 6), PQgetvalue(r, 0, 7));
	PQclear(r);
}

static void print_conn(PGconn *c)
{
	ConnStatusType st = PQstatus(c);

	out("PQstatus: %s\n", connstatus_name(st));
	str("PQerrorMessage", PQerrorMessage(c));
	print_tls_accessors(c);
	if (st == CONNECTION_OK)
		print_server_view(c);
}

/* One case: "--- label: conninfo", HOME=<home>, PQconnectdb, everything. */
static void conn_case(const char *label, const char *home, const char *tmpl)
{
	char *ci = expand(tmpl);
	PGconn *c;

	out("--- %s: %s\n", label, ci);
	set_home(home);
	c = PQconnectdb(ci);
	print_conn(c);
	PQfinish(c);
	free(ci);
}

/* ---------------------------------------------------------------- tlsmatrix */

static void s_tlsmatrix(void)
{
	static const char *const modes[] = {
		"disable", "allow", "prefer", "require", "verify-ca", "verify-full",
	};
	static const struct
	{
		const char *name, *opt;
	} roots[] = {
		{"right CA", " sslrootcert=%D/root.crt"},
		{"wrong CA", " sslrootcert=%D/wrongca.crt"},
		{"no CA", ""},
	};
	static const struct
	{
		const char *name, *opt;
	} hosts[] = {
		{"localhost", "host=localhost"},
		{"127.0.0.1", "host=127.0.0.1"},
		{"name not in the certificate", "host=wrong.example hostaddr=127.0.0.1"},
	};
	static const struct
	{
		const char *name, *opt;
	} certs[] = {
		{"no client cert, trust user", " user=%T"},
		{"client cert, cert user", " user=%U sslcert=%D/client.crt sslkey=%D/client.key"},
	};

	section("tlsmatrix");
	out("(HOME has no .postgresql: \"no CA\" means no root certificate at all)\n");
	for (size_t m = 0; m < N_OF(modes); m++)
		for (size_t r = 0; r < N_OF(roots); r++)
			for (size_t h = 0; h < N_OF(hosts); h++)
				for (size_t k = 0; k < N_OF(certs); k++)
				{
					char *label = NULL, *tmpl = NULL;

					if (asprintf(&label, "sslmode=%s, %s, %s, %s", modes[m], roots[r].name,
								 hosts[h].name, certs[k].name) < 0 ||
						asprintf(&tmpl, "%s port=%%P dbname=%%B sslmode=%s%s%s", hosts[h].opt,
								 modes[m], roots[r].opt, certs[k].opt) < 0)
						abort();
					conn_case(label, "home-empty", tmpl);
					free(label);
					free(tmpl);
				}
}

/* ---------------------------------------------------------------- tlsoptions */

typedef int (*pq_keypass_hook) (char *buf, int size, PGconn *conn);
static int g_hook_calls;
static const char *g_hook_answer;

static int keypass_hook_fn(char *buf, int size, PGconn *conn)
{
	(void) conn;
	g_hook_calls++;
	snprintf(buf, size, "%s", g_hook_answer);
	return (int) strlen(buf);
}

/* SSL_CERT_FILE / SSL_CERT_DIR for one case (NULL: unset). */
static void cert_env(const char *file, const char *dir)
{
	if (file)
	{
		char *f = expand(file);

		setenv("SSL_CERT_FILE", f, 1);
		free(f);
	}
	else
		unsetenv("SSL_CERT_FILE");
	if (dir)
	{
		char *d = expand(dir);

		setenv("SSL_CERT_DIR", d, 1);
		free(d);
	}
	else
		unsetenv("SSL_CERT_DIR");
}

static void s_tlsoptions(void)
{
	section("tlsoptions");

	out("--- NULL connection\n");
	print_tls_accessors(NULL);

	out("\n# the users: hostssl only, hostnossl only, cert without a certificate\n");
	{
		static const char *const modes[] = {
			"disable", "allow", "prefer", "require", "verify-ca", "verify-full",
		};
		static const struct
		{
			const char *name, *code;
		} users[] = {
			{"hostssl-only user", "%S"},
			{"hostnossl-only user", "%N"},
			{"cert user without a certificate", "%U"},
		};

		for (size_t u = 0; u < N_OF(users); u++)
			for (size_t m = 0; m < N_OF(modes); m++)
			{
				char *t = NULL, *label = NULL;

				if (asprintf(&t, "host=localhost port=%%P dbname=%%B user=%s sslmode=%s "
							 "sslrootcert=%%D/root.crt", users[u].code, modes[m]) < 0 ||
					asprintf(&label, "%s, sslmode=%s", users[u].name, modes[m]) < 0)
					abort();
				conn_case(label, "home-empty", t);
				free(t);
				free(label);
			}
	}
	conn_case("Unix socket, sslmode=require", "home-empty",
			  "host=%X port=%P dbname=%B user=%T sslmode=require");
	conn_case("Unix socket, sslmode=verify-full", "home-empty",
			  "host=%X port=%P dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt");
	conn_case("Unix socket, sslmode=prefer", "home-empty",
			  "host=%X port=%P dbname=%B user=%T sslmode=prefer");

	out("\n# ~/.postgresql: root.crt, postgresql.crt/.key, root.crl\n");
	conn_case("right root.crt, sslmode=require (verifies the chain)", "home-rootcrt",
			  "host=localhost port=%P dbname=%B user=%T sslmode=require");
	conn_case("right root.crt, sslmode=require, name not in the certificate", "home-rootcrt",
			  "host=wrong.example hostaddr=127.0.0.1 port=%P dbname=%B user=%T sslmode=require");
	conn_case("right root.crt, sslmode=verify-full, name not in the certificate", "home-rootcrt",
			  "host=wrong.example hostaddr=127.0.0.1 port=%P dbname=%B user=%T sslmode=verify-full");
	conn_case("right root.crt, default sslmode", "home-rootcrt",
			  "host=localhost port=%P dbname=%B user=%T");
	conn_case("wrong root.crt, sslmode=require", "home-wrongroot",
			  "host=localhost port=%P dbname=%B user=%T sslmode=require");
	conn_case("wrong root.crt, sslmode=prefer", "home-wrongroot",
			  "host=localhost port=%P dbname=%B user=%T sslmode=prefer");
	conn_case("wrong root.crt, sslmode=allow", "home-wrongroot",
			  "host=localhost port=%P dbname=%B user=%T sslmode=allow");
	conn_case("wrong root.crt, sslmode=verify-ca", "home-wrongroot",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-ca");
	conn_case("wrong root.crt overridden by sslrootcert", "home-wrongroot",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt");
	conn_case("no root.crt, sslmode=verify-ca", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-ca");
	conn_case("no root.crt, sslmode=verify-full", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-full");
	conn_case("default client certificate, cert user", "home-client",
			  "host=localhost port=%P dbname=%B user=%U sslmode=verify-full");
	conn_case("default client certificate, sslcertmode=disable", "home-client",
			  "host=localhost port=%P dbname=%B user=%U sslmode=verify-full sslcertmode=disable");
	conn_case("default client certificate, sslcert elsewhere (missing)", "home-client",
			  "host=localhost port=%P dbname=%B user=%U sslmode=verify-full sslcert=%D/nonexistent.crt");
	conn_case("default root.crl revoking the server", "home-crl",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-full");
	conn_case("default root.crl, sslcrl given instead", "home-crl",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-full sslcrl=%D/crl-empty.pem");

	out("\n# sslrootcert=system (SSL_CERT_FILE / SSL_CERT_DIR select the store)\n");
	cert_env("%D/root.crt", "%D/empty-dir");
	conn_case("system store = our root CA, localhost", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslrootcert=system");
	conn_case("system store = our root CA, 127.0.0.1", "home-empty",
			  "host=127.0.0.1 port=%P dbname=%B user=%T sslrootcert=system");
	conn_case("system store = our root CA, name not in the certificate", "home-empty",
			  "host=wrong.example hostaddr=127.0.0.1 port=%P dbname=%B user=%T sslrootcert=system");
	conn_case("system store = our root CA, sslmode=verify-full", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslrootcert=system sslmode=verify-full");
	conn_case("system, sslmode=verify-ca", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslrootcert=system sslmode=verify-ca");
	conn_case("system, sslmode=require", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslrootcert=system sslmode=require");
	conn_case("system, sslmode=prefer", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslrootcert=system sslmode=prefer");
	conn_case("system, sslmode=disable", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslrootcert=system sslmode=disable");
	cert_env("%D/wrongca.crt", "%D/empty-dir");
	conn_case("system store = the wrong CA", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslrootcert=system");
	cert_env("%D/nonexistent.crt", "%D/nonexistent-dir");
	conn_case("system store missing", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslrootcert=system");
	cert_env(NULL, NULL);
	conn_case("system store of the TLS library (without our CA)", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslrootcert=system");

	out("\n# sslrootcert problems\n");
	conn_case("sslrootcert missing, sslmode=require", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=require sslrootcert=%D/nonexistent.crt");
	conn_case("sslrootcert missing, sslmode=verify-ca", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-ca sslrootcert=%D/nonexistent.crt");
	conn_case("sslrootcert not a certificate", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=require sslrootcert=%D/garbage.pem");
	conn_case("sslrootcert is a directory", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-ca sslrootcert=%D/empty-dir");
	conn_case("sslrootcert = the intermediate only", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-ca sslrootcert=%D/intermediate.crt");

	out("\n# CRLs (sslcrl, sslcrldir in the hashed layout)\n");
	conn_case("sslcrl revoking the server, verify-full", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt sslcrl=%D/crl-server-revoked.pem");
	conn_case("sslcrl revoking the server, verify-ca", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-ca sslrootcert=%D/root.crt sslcrl=%D/crl-server-revoked.pem");
	conn_case("sslcrl revoking the server, require without root certificate", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=require sslcrl=%D/crl-server-revoked.pem");
	conn_case("sslcrl revoking the server, prefer with root certificate", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=prefer sslrootcert=%D/root.crt sslcrl=%D/crl-server-revoked.pem");
	conn_case("sslcrl revoking nothing", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt sslcrl=%D/crl-empty.pem");
	conn_case("sslcrldir revoking the server", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt sslcrldir=%D/crldir-server-revoked");
	conn_case("sslcrldir revoking nothing", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt sslcrldir=%D/crldir-empty");
	conn_case("sslcrl revoking nothing, sslcrldir revoking the server", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt sslcrl=%D/crl-empty.pem sslcrldir=%D/crldir-server-revoked");
	conn_case("sslcrl missing", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt sslcrl=%D/nonexistent.pem");
	conn_case("sslcrl not a CRL", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt sslcrl=%D/garbage.pem");
	conn_case("sslcrldir missing", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt sslcrldir=%D/nonexistent-dir");
	conn_case("sslcrldir without CRLs", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt sslcrldir=%D/empty-dir");

	out("\n# the server with an expired certificate\n");
	conn_case("expired, sslmode=require without root certificate", "home-empty",
			  "host=localhost port=%E dbname=%B user=%T sslmode=require");
	conn_case("expired, sslmode=require with root certificate", "home-empty",
			  "host=localhost port=%E dbname=%B user=%T sslmode=require sslrootcert=%D/root.crt");
	conn_case("expired, sslmode=prefer with root certificate", "home-empty",
			  "host=localhost port=%E dbname=%B user=%T sslmode=prefer sslrootcert=%D/root.crt");
	conn_case("expired, sslmode=verify-ca", "home-empty",
			  "host=localhost port=%E dbname=%B user=%T sslmode=verify-ca sslrootcert=%D/root.crt");
	conn_case("expired, sslmode=verify-full", "home-empty",
			  "host=localhost port=%E dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt");
	conn_case("expired, sslcertmode=require (no certificate request)", "home-empty",
			  "host=localhost port=%E dbname=%B user=%T sslmode=require sslcertmode=require");

	out("\n# the server with a certificate for other.example and *.wild.example\n");
	conn_case("other host, verify-full, localhost", "home-empty",
			  "host=localhost port=%O dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt");
	conn_case("other host, verify-full, 127.0.0.1", "home-empty",
			  "host=127.0.0.1 port=%O dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt");
	conn_case("other host, verify-full, other.example", "home-empty",
			  "host=other.example hostaddr=127.0.0.1 port=%O dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt");
	conn_case("other host, verify-full, OTHER.Example", "home-empty",
			  "host=OTHER.Example hostaddr=127.0.0.1 port=%O dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt");
	conn_case("other host, verify-full, x.wild.example", "home-empty",
			  "host=x.wild.example hostaddr=127.0.0.1 port=%O dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt");
	conn_case("other host, verify-full, a.b.wild.example", "home-empty",
			  "host=a.b.wild.example hostaddr=127.0.0.1 port=%O dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt");
	conn_case("other host, verify-full, wild.example", "home-empty",
			  "host=wild.example hostaddr=127.0.0.1 port=%O dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt");
	conn_case("other host, verify-full, two hosts, first does not match", "home-empty",
			  "host=localhost,other.example hostaddr=127.0.0.1,127.0.0.1 port=%O,%O dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt");
	conn_case("other host, verify-ca, localhost", "home-empty",
			  "host=localhost port=%O dbname=%B user=%T sslmode=verify-ca sslrootcert=%D/root.crt");
	conn_case("other host, sslsni=0, other.example", "home-empty",
			  "host=other.example hostaddr=127.0.0.1 port=%O dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt sslsni=0");
	conn_case("other host, sslcertmode=require (no certificate request)", "home-empty",
			  "host=other.example hostaddr=127.0.0.1 port=%O dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt sslcertmode=require");

	out("\n# the server whose certificate is signed by an intermediate (sent by the server)\n");
	conn_case("chain, verify-full", "home-empty",
			  "host=localhost port=%H dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt");
	conn_case("chain, verify-full, root CRL only (the intermediate has none)", "home-empty",
			  "host=localhost port=%H dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt sslcrl=%D/crl-empty.pem");
	conn_case("chain, verify-full, CRLs of root and intermediate", "home-empty",
			  "host=localhost port=%H dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt sslcrl=%D/crl-chain.pem");
	conn_case("chain, verify-ca, the intermediate as root certificate", "home-empty",
			  "host=localhost port=%H dbname=%B user=%T sslmode=verify-ca sslrootcert=%D/intermediate.crt");
	conn_case("chain, verify-ca, wrong CA", "home-empty",
			  "host=localhost port=%H dbname=%B user=%T sslmode=verify-ca sslrootcert=%D/wrongca.crt");

	out("\n# sslsni\n");
	conn_case("sslsni=1", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt sslsni=1");
	conn_case("sslsni=0", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt sslsni=0");
	conn_case("sslsni=bogus", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=require sslsni=bogus");

	out("\n# protocol versions (the server allows TLSv1.2 and up)\n");
	conn_case("ssl_min_protocol_version=TLSv1.3", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=require ssl_min_protocol_version=TLSv1.3");
	conn_case("ssl_max_protocol_version=TLSv1.2", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=require ssl_max_protocol_version=TLSv1.2");
	conn_case("ssl_min_protocol_version=TLSv1.2 ssl_max_protocol_version=TLSv1.2, client cert", "home-empty",
			  "host=localhost port=%P dbname=%B user=%U sslmode=verify-full sslrootcert=%D/root.crt sslcert=%D/client.crt sslkey=%D/client.key ssl_min_protocol_version=TLSv1.2 ssl_max_protocol_version=TLSv1.2");
	conn_case("ssl_min_protocol_version=TLSv1 ssl_max_protocol_version=TLSv1.1", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=require ssl_min_protocol_version=TLSv1 ssl_max_protocol_version=TLSv1.1");
	conn_case("ssl_min_protocol_version=TLSv1 ssl_max_protocol_version=TLSv1.1, sslmode=prefer", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=prefer ssl_min_protocol_version=TLSv1 ssl_max_protocol_version=TLSv1.1");
	conn_case("ssl_max_protocol_version=TLSv1.1", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=require ssl_max_protocol_version=TLSv1.1");
	conn_case("ssl_max_protocol_version=TLSv1.1, sslmode=prefer", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=prefer ssl_max_protocol_version=TLSv1.1");
	conn_case("ssl_min_protocol_version=TLSv1.3 ssl_max_protocol_version=TLSv1.2", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=require ssl_min_protocol_version=TLSv1.3 ssl_max_protocol_version=TLSv1.2");
	conn_case("ssl_min_protocol_version=TLSv1.9", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=require ssl_min_protocol_version=TLSv1.9");
	conn_case("ssl_max_protocol_version=bogus", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=require ssl_max_protocol_version=bogus");
	conn_case("ssl_min_protocol_version=tlsv1.3 (case)", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=require ssl_min_protocol_version=tlsv1.3");
	conn_case("ssl_min_protocol_version empty", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=require ssl_min_protocol_version=''");

	out("\n# sslnegotiation (the server is PostgreSQL 15: no direct TLS)\n");
	conn_case("sslnegotiation=direct sslmode=require", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=require sslnegotiation=direct");
	conn_case("sslnegotiation=direct sslmode=verify-full", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt sslnegotiation=direct");
	conn_case("sslnegotiation=direct sslmode=prefer", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=prefer sslnegotiation=direct");
	conn_case("sslnegotiation=direct sslmode=disable", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=disable sslnegotiation=direct");
	conn_case("sslnegotiation=direct, default sslmode", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslnegotiation=direct");
	conn_case("sslnegotiation=postgres sslmode=require", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=require sslnegotiation=postgres");
	conn_case("sslnegotiation=bogus", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=require sslnegotiation=bogus");

	out("\n# sslcertmode (this server asks for client certificates)\n");
	conn_case("sslcertmode=disable, cert user with certificate", "home-empty",
			  "host=localhost port=%P dbname=%B user=%U sslmode=verify-full sslrootcert=%D/root.crt sslcert=%D/client.crt sslkey=%D/client.key sslcertmode=disable");
	conn_case("sslcertmode=allow, cert user with certificate", "home-empty",
			  "host=localhost port=%P dbname=%B user=%U sslmode=verify-full sslrootcert=%D/root.crt sslcert=%D/client.crt sslkey=%D/client.key sslcertmode=allow");
	conn_case("sslcertmode=require, cert user with certificate", "home-empty",
			  "host=localhost port=%P dbname=%B user=%U sslmode=verify-full sslrootcert=%D/root.crt sslcert=%D/client.crt sslkey=%D/client.key sslcertmode=require");
	conn_case("sslcertmode=require, trust user without certificate", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt sslcertmode=require");
	conn_case("sslcertmode=require, sslmode=disable", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=disable sslcertmode=require");
	conn_case("sslcertmode=require, sslmode=prefer", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=prefer sslcertmode=require");
	conn_case("sslcertmode=bogus", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=require sslcertmode=bogus");

	out("\n# client certificates and keys\n");
	conn_case("client cert of the unrelated CA", "home-empty",
			  "host=localhost port=%P dbname=%B user=%U sslmode=verify-full sslrootcert=%D/root.crt sslcert=%D/client-wrongca.crt sslkey=%D/client-wrongca.key");
	conn_case("client cert of another user", "home-empty",
			  "host=localhost port=%P dbname=%B user=%U sslmode=verify-full sslrootcert=%D/root.crt sslcert=%D/client-otheruser.crt sslkey=%D/client-otheruser.key");
	conn_case("client cert for a trust user", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt sslcert=%D/client.crt sslkey=%D/client.key");
	conn_case("client cert, sslmode=require without root certificate", "home-empty",
			  "host=localhost port=%P dbname=%B user=%U sslmode=require sslcert=%D/client.crt sslkey=%D/client.key");
	conn_case("client cert over 127.0.0.1, sslmode=allow", "home-empty",
			  "host=127.0.0.1 port=%P dbname=%B user=%U sslmode=allow sslcert=%D/client.crt sslkey=%D/client.key");
	conn_case("key with group/world access (0644)", "home-empty",
			  "host=localhost port=%P dbname=%B user=%U sslmode=verify-full sslrootcert=%D/root.crt sslcert=%D/client.crt sslkey=%D/client-worldreadable.key");
	conn_case("certificate without its key file", "home-empty",
			  "host=localhost port=%P dbname=%B user=%U sslmode=verify-full sslrootcert=%D/root.crt sslcert=%D/client.crt sslkey=%D/nonexistent.key");
	conn_case("certificate with another certificate's key", "home-empty",
			  "host=localhost port=%P dbname=%B user=%U sslmode=verify-full sslrootcert=%D/root.crt sslcert=%D/client.crt sslkey=%D/client-otheruser.key");
	conn_case("sslcert missing (no certificate sent)", "home-empty",
			  "host=localhost port=%P dbname=%B user=%U sslmode=verify-full sslrootcert=%D/root.crt sslcert=%D/nonexistent.crt sslkey=%D/client.key");
	conn_case("sslcert not a certificate", "home-empty",
			  "host=localhost port=%P dbname=%B user=%U sslmode=verify-full sslrootcert=%D/root.crt sslcert=%D/garbage.pem sslkey=%D/client.key");
	conn_case("sslkey not a key", "home-empty",
			  "host=localhost port=%P dbname=%B user=%U sslmode=verify-full sslrootcert=%D/root.crt sslcert=%D/client.crt sslkey=%D/garbage.key");
	conn_case("sslkey is a directory", "home-empty",
			  "host=localhost port=%P dbname=%B user=%U sslmode=verify-full sslrootcert=%D/root.crt sslcert=%D/client.crt sslkey=%D/empty-dir");
	conn_case("sslkey without sslcert (no certificate sent)", "home-empty",
			  "host=localhost port=%P dbname=%B user=%U sslmode=verify-full sslrootcert=%D/root.crt sslkey=%D/client.key");
	conn_case("client cert with sslmode=disable (ignored)", "home-empty",
			  "host=127.0.0.1 port=%P dbname=%B user=%T sslmode=disable sslcert=%D/garbage.pem sslkey=%D/client-worldreadable.key");

	out("\n# sslpassword and the key password hook\n");
	conn_case("encrypted key, right sslpassword", "home-empty",
			  "host=localhost port=%P dbname=%B user=%U sslmode=verify-full sslrootcert=%D/root.crt sslcert=%D/client.crt sslkey=%D/client-encrypted.key sslpassword=%K");
	conn_case("encrypted key, wrong sslpassword", "home-empty",
			  "host=localhost port=%P dbname=%B user=%U sslmode=verify-full sslrootcert=%D/root.crt sslcert=%D/client.crt sslkey=%D/client-encrypted.key sslpassword=wrong");
	conn_case("plain key, sslpassword given", "home-empty",
			  "host=localhost port=%P dbname=%B user=%U sslmode=verify-full sslrootcert=%D/root.crt sslcert=%D/client.crt sslkey=%D/client.key sslpassword=unused");
	{
		pq_keypass_hook prev = PQgetSSLKeyPassHook_OpenSSL();

		out("PQgetSSLKeyPassHook_OpenSSL before: %s\n", prev ? "non-NULL" : "NULL");
		PQsetSSLKeyPassHook_OpenSSL(keypass_hook_fn);
		out("PQgetSSLKeyPassHook_OpenSSL after setting: %s\n",
			PQgetSSLKeyPassHook_OpenSSL() == keypass_hook_fn ? "the hook" : "something else");
		g_hook_answer = g_key_pw;
		g_hook_calls = 0;
		conn_case("encrypted key, hook answering the right password", "home-empty",
				  "host=localhost port=%P dbname=%B user=%U sslmode=verify-full sslrootcert=%D/root.crt sslcert=%D/client.crt sslkey=%D/client-encrypted.key");
		out("hook calls: %d\n", g_hook_calls);
		g_hook_answer = "wrong";
		g_hook_calls = 0;
		conn_case("encrypted key, hook answering wrong, right sslpassword", "home-empty",
				  "host=localhost port=%P dbname=%B user=%U sslmode=verify-full sslrootcert=%D/root.crt sslcert=%D/client.crt sslkey=%D/client-encrypted.key sslpassword=%K");
		out("hook calls: %d\n", g_hook_calls);
		g_hook_calls = 0;
		conn_case("plain key, hook set", "home-empty",
				  "host=localhost port=%P dbname=%B user=%U sslmode=verify-full sslrootcert=%D/root.crt sslcert=%D/client.crt sslkey=%D/client.key");
		out("hook calls: %d\n", g_hook_calls);
		PQsetSSLKeyPassHook_OpenSSL(NULL);
		out("PQgetSSLKeyPassHook_OpenSSL after resetting: %s\n",
			PQgetSSLKeyPassHook_OpenSSL() ? "non-NULL" : "NULL");
	}

	out("\n# channel binding (SCRAM over TLS)\n");
	conn_case("channel_binding=require over TLS", "home-empty",
			  "host=localhost port=%P dbname=%B user=%W password=%w sslmode=verify-full sslrootcert=%D/root.crt channel_binding=require");
	conn_case("channel_binding=require over TLS, certificate signed with SHA-384", "home-empty",
			  "host=localhost port=%H dbname=%B user=%W password=%w sslmode=verify-full sslrootcert=%D/root.crt channel_binding=require");
	conn_case("channel_binding=require over TLSv1.2", "home-empty",
			  "host=localhost port=%P dbname=%B user=%W password=%w sslmode=require ssl_max_protocol_version=TLSv1.2 channel_binding=require");
	conn_case("channel_binding=require, wrong password", "home-empty",
			  "host=localhost port=%P dbname=%B user=%W password=wrong sslmode=require channel_binding=require");
	conn_case("channel_binding=require, sslmode=disable", "home-empty",
			  "host=127.0.0.1 port=%P dbname=%B user=%W password=%w sslmode=disable channel_binding=require");
	conn_case("channel_binding=require, sslmode=prefer", "home-empty",
			  "host=localhost port=%P dbname=%B user=%W password=%w sslmode=prefer channel_binding=require");
	conn_case("channel_binding=disable over TLS", "home-empty",
			  "host=localhost port=%P dbname=%B user=%W password=%w sslmode=require channel_binding=disable");
	conn_case("channel_binding=require, cert authentication", "home-empty",
			  "host=localhost port=%P dbname=%B user=%U sslmode=require sslcert=%D/client.crt sslkey=%D/client.key channel_binding=require");
	conn_case("require_auth=scram-sha-256, cert authentication", "home-empty",
			  "host=localhost port=%P dbname=%B user=%U sslmode=require sslcert=%D/client.crt sslkey=%D/client.key require_auth=scram-sha-256");
	conn_case("require_auth=none, cert authentication", "home-empty",
			  "host=localhost port=%P dbname=%B user=%U sslmode=require sslcert=%D/client.crt sslkey=%D/client.key require_auth=none");
	conn_case("require_auth=scram-sha-256 channel_binding=require over TLS", "home-empty",
			  "host=localhost port=%P dbname=%B user=%W password=%w sslmode=require require_auth=scram-sha-256 channel_binding=require");

	out("\n# gssencmode, requiressl, sslcompression\n");
	conn_case("gssencmode=require", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T gssencmode=require");
	conn_case("gssencmode=require sslmode=require", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T gssencmode=require sslmode=require");
	conn_case("gssencmode=prefer sslmode=require", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T gssencmode=prefer sslmode=require");
	conn_case("gssencmode=disable sslmode=require", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T gssencmode=disable sslmode=require");
	conn_case("gssencmode=bogus", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T gssencmode=bogus");
	conn_case("requiressl=1", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T requiressl=1");
	conn_case("requiressl=1 on the no-SSL user", "home-empty",
			  "host=localhost port=%P dbname=%B user=%N requiressl=1");
	conn_case("requiressl=0", "home-empty",
			  "host=localhost port=%P dbname=%B user=%N requiressl=0");
	conn_case("requiressl=1 sslmode=disable", "home-empty",
			  "host=127.0.0.1 port=%P dbname=%B user=%T requiressl=1 sslmode=disable");
	conn_case("sslmode=disable requiressl=1", "home-empty",
			  "host=127.0.0.1 port=%P dbname=%B user=%T sslmode=disable requiressl=1");
	conn_case("sslcompression=1", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=require sslcompression=1");
	conn_case("sslcompression=0", "home-empty",
			  "host=localhost port=%P dbname=%B user=%T sslmode=require sslcompression=0");

	out("\n# PQconnectStart / PQconnectPoll over TLS (consecutive equal statuses shown once)\n");
	{
		static const char *const tmpls[] = {
			"host=localhost hostaddr=127.0.0.1 port=%P dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt",
			"host=localhost hostaddr=127.0.0.1 port=%P dbname=%B user=%U sslmode=verify-full sslrootcert=%D/root.crt sslcert=%D/client.crt sslkey=%D/client.key",
			"host=localhost hostaddr=127.0.0.1 port=%P dbname=%B user=%T sslmode=verify-full sslrootcert=%D/wrongca.crt",
			"host=localhost hostaddr=127.0.0.1 port=%P dbname=%B user=%N sslmode=prefer sslrootcert=%D/root.crt",
		};

		set_home("home-empty");
		for (size_t i = 0; i < N_OF(tmpls); i++)
		{
			char *ci = expand(tmpls[i]);
			PGconn *c = PQconnectStart(ci);
			PostgresPollingStatusType ps = PGRES_POLLING_WRITING;
			int last = -1, steps = 0;

			out("--- PQconnectStart(\"%s\")\n", ci);
			out("statuses:");
			while (c && PQstatus(c) != CONNECTION_BAD && steps < 10000)
			{
				int st = PQstatus(c);
				struct pollfd pfd = {PQsocket(c), 0, 0};

				if (st != last)
					out(" %s", connstatus_name(st));
				last = st;
				if (ps == PGRES_POLLING_OK || ps == PGRES_POLLING_FAILED)
					break;
				pfd.events = ps == PGRES_POLLING_READING ? POLLIN : POLLOUT;
				if (poll(&pfd, 1, 30000) <= 0)
				{
					out(" (poll timed out)");
					break;
				}
				ps = PQconnectPoll(c);
				steps++;
			}
			if ((int) PQstatus(c) != last)
				out(" %s", connstatus_name(PQstatus(c)));
			out("\n");
			out("last PQconnectPoll: %s\n",
				ps == PGRES_POLLING_OK ? "PGRES_POLLING_OK" :
				ps == PGRES_POLLING_FAILED ? "PGRES_POLLING_FAILED" : "other");
			print_conn(c);
			PQfinish(c);
			free(ci);
		}
	}
}

/* ---------------------------------------------------------------- tlsdata */

/* 64-bit FNV-1a over a stream of bytes. */
static uint64_t fnv(uint64_t h, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
	{
		h ^= (unsigned char) p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

#define FNV_INIT 14695981039346656037ULL
#define ROW_SQL "repeat(lpad(i::text, 8, '0') || 'abcdefghijklmnopqrstuvwxyz', 40)"
#define ROW_LEN (34 * 40)

/* The value of row i (as ROW_SQL makes it) into buf (ROW_LEN + 1 bytes). */
static void row_value(long i, char *buf)
{
	char unit[64];

	snprintf(unit, sizeof unit, "%08ldabcdefghijklmnopqrstuvwxyz", i);
	for (int k = 0; k < 40; k++)
		memcpy(buf + k * 34, unit, 34);
	buf[ROW_LEN] = 0;
}

/* Waits until the socket is ready for `events`; 0 on timeout/error. */
static int wait_socket(PGconn *c, short events)
{
	struct pollfd pfd = {PQsocket(c), events, 0};
	int r;

	do
		r = poll(&pfd, 1, 60000);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
	{
		out("poll(2) failed or timed out\n");
		return 0;
	}
	return 1;
}

/* Flushes the output in non-blocking mode, reading meanwhile; 0 on failure. */
static int flush_all(PGconn *c)
{
	int f;

	while ((f = PQflush(c)) == 1)
	{
		if (!wait_socket(c, POLLIN | POLLOUT))
			return 0;
		if (!PQconsumeInput(c))
		{
			str("PQconsumeInput failed", PQerrorMessage(c));
			return 0;
		}
	}
	if (f < 0)
		str("PQflush failed", PQerrorMessage(c));
	return f == 0;
}

/* The next result, waiting on the socket meanwhile (NULL at the end or on failure). */
static PGresult *next_result(PGconn *c)
{
	while (PQisBusy(c))
	{
		if (!wait_socket(c, POLLIN))
			return NULL;
		if (!PQconsumeInput(c))
		{
			str("PQconsumeInput failed", PQerrorMessage(c));
			break;
		}
	}
	return PQgetResult(c);
}

/* Reads the remaining results, printing their status. */
static void drain_results(PGconn *c)
{
	PGresult *r;

	while ((r = next_result(c)) != NULL)
	{
		out("result: %s %s\n", PQresStatus(PQresultStatus(r)), PQcmdStatus(r));
		if (PQresultStatus(r) == PGRES_FATAL_ERROR)
			str("  PQresultErrorMessage", PQresultErrorMessage(r));
		PQclear(r);
	}
}

static void s_tlsdata(void)
{
	long mb = atol(need_env("DIFF_TLSDATA_MB", "50"));
	long rows = mb * 1024 * 1024 / ROW_LEN;
	char *ci, *sql = NULL, expect[ROW_LEN + 1];
	PGconn *c;
	PGresult *r;

	section("tlsdata");
	out("(%ld rows of %d bytes, about %ld MB each way)\n", rows, ROW_LEN, mb);
	set_home("home-empty");
	ci = expand("host=localhost port=%P dbname=%B user=%T sslmode=verify-full sslrootcert=%D/root.crt");
	c = PQconnectdb(ci);
	free(ci);
	if (PQstatus(c) != CONNECTION_OK)
	{
		print_conn(c);
		PQfinish(c);
		return;
	}
	{
		int nb = PQsetnonblocking(c, 1);

		out("PQsslInUse: %d  PQsetnonblocking: %d  PQisnonblocking: %d\n", PQsslInUse(c), nb,
			PQisnonblocking(c));
	}

	/* 1. a large result */
	out("--- SELECT of %ld rows, non-blocking\n", rows);
	if (asprintf(&sql, "SELECT i, " ROW_SQL " FROM generate_series(1, %ld) i", rows) < 0)
		abort();
	if (!PQsendQuery(c, sql) || !flush_all(c))
		str("PQsendQuery failed", PQerrorMessage(c));
	else
	{
		r = next_result(c);
		if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK)
		{
			out("no rows: %s\n", r ? PQresStatus(PQresultStatus(r)) : "NULL");
			str("PQerrorMessage", PQerrorMessage(c));
		}
		else
		{
			long bad = 0, bytes = 0;
			uint64_t h = FNV_INIT;

			for (int t = 0; t < PQntuples(r); t++)
			{
				const char *v = PQgetvalue(r, t, 1);
				int len = PQgetlength(r, t, 1);

				row_value(atol(PQgetvalue(r, t, 0)), expect);
				if (atol(PQgetvalue(r, t, 0)) != t + 1 || len != ROW_LEN || memcmp(v, expect, ROW_LEN) != 0)
					bad++;
				bytes += len;
				h = fnv(h, v, len);
			}
			out("PQntuples: %d  value bytes: %ld  values not as expected: %ld  FNV-1a: %016llx\n",
				PQntuples(r), bytes, bad, (unsigned long long) h);
		}
		PQclear(r);
		drain_results(c);
	}
	free(sql);

	/* 2. COPY TO STDOUT */
	out("--- COPY (%ld rows) TO STDOUT, PQgetCopyData(async=1)\n", rows);
	if (asprintf(&sql, "COPY (SELECT i, " ROW_SQL " FROM generate_series(1, %ld) i) TO STDOUT", rows) < 0)
		abort();
	if (!PQsendQuery(c, sql) || !flush_all(c))
		str("PQsendQuery failed", PQerrorMessage(c));
	else
	{
		r = next_result(c);
		out("result: %s\n", r ? PQresStatus(PQresultStatus(r)) : "NULL");
		if (r && PQresultStatus(r) == PGRES_COPY_OUT)
		{
			long lines = 0, bad = 0, bytes = 0, waits = 0;
			uint64_t h = FNV_INIT;
			char *buf;
			int n;

			for (;;)
			{
				n = PQgetCopyData(c, &buf, 1);
				if (n > 0)
				{
					char want[ROW_LEN + 32];
					int wl;

					lines++;
					row_value(lines, expect);
					wl = snprintf(want, sizeof want, "%ld\t%s\n", lines, expect);
					if (n != wl || memcmp(buf, want, wl) != 0)
						bad++;
					bytes += n;
					h = fnv(h, buf, n);
					PQfreemem(buf);
				}
				else if (n == 0)
				{
					waits++;
					if (!wait_socket(c, POLLIN) || !PQconsumeInput(c))
					{
						str("waiting for COPY data failed", PQerrorMessage(c));
						break;
					}
				}
				else
				{
					if (n == -2)
						str("PQgetCopyData failed", PQerrorMessage(c));
					break;
				}
			}
			out("lines: %ld  bytes: %ld  lines not as expected: %ld  FNV-1a: %016llx  waited: %s\n",
				lines, bytes, bad, (unsigned long long) h, waits > 0 ? "yes" : "no");
		}
		PQclear(r);
		drain_results(c);
	}
	free(sql);

	/* 3. COPY FROM STDIN, in chunks of varying sizes that cut lines anywhere */
	out("--- COPY FROM STDIN (%ld rows), non-blocking PQputCopyData\n", rows);
	r = PQexec(c, "CREATE TEMP TABLE tlsdata_in (i int, t text)");
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		str("CREATE TEMP TABLE failed", PQerrorMessage(c));
	PQclear(r);
	if (!PQsendQuery(c, "COPY tlsdata_in FROM STDIN") || !flush_all(c))
		str("PQsendQuery failed", PQerrorMessage(c));
	else
	{
		static const int chunk_sizes[] = {1, 7, 100, 1000, 16383, 16384, 16385, 65536, 200000, 1048576};
		size_t line_cap = ROW_LEN + 32, pend_cap = 1048576 + 2 * line_cap, pend = 0;
		char *pending = malloc(pend_cap), line[ROW_LEN + 32];
		long next = 1, chunks = 0, zero = 0, failed = 0;
		int ci_ = 0;

		r = next_result(c);
		out("result: %s\n", r ? PQresStatus(PQresultStatus(r)) : "NULL");
		if (r && PQresultStatus(r) == PGRES_COPY_IN)
		{
			while ((next <= rows || pend > 0) && !failed)
			{
				size_t want = chunk_sizes[ci_ % (int) N_OF(chunk_sizes)];
				int pr;

				while (pend < want && next <= rows)
				{
					int l;

					row_value(next, expect);
					l = snprintf(line, sizeof line, "%ld\t%s\n", next, expect);
					memcpy(pending + pend, line, l);
					pend += l;
					next++;
				}
				if (want > pend)
					want = pend;
				while ((pr = PQputCopyData(c, pending, (int) want)) == 0)
				{
					zero++;
					if (!wait_socket(c, POLLOUT) || PQflush(c) < 0)
					{
						failed = 1;
						break;
					}
				}
				if (pr < 0)
				{
					str("PQputCopyData failed", PQerrorMessage(c));
					failed = 1;
					break;
				}
				memmove(pending, pending + want, pend - want);
				pend -= want;
				chunks++;
				ci_++;
				/* keep the output moving without waiting for all of it */
				if (PQflush(c) < 0)
				{
					str("PQflush failed", PQerrorMessage(c));
					failed = 1;
				}
			}
			if (!failed)
			{
				int e;

				while ((e = PQputCopyEnd(c, NULL)) == 0)
					if (!wait_socket(c, POLLOUT))
						break;
				if (e < 0)
					str("PQputCopyEnd failed", PQerrorMessage(c));
				flush_all(c);
			}
			out("chunks sent: %ld\n", chunks);
		}
		PQclear(r);
		free(pending);
		drain_results(c);
		(void) zero;
	}
	r = PQexec(c, "SELECT count(*), sum(length(t)), "
			   "count(*) FILTER (WHERE t = " ROW_SQL "), "
			   "min(i), max(i), md5(string_agg(t, '' ORDER BY i)) FROM tlsdata_in");
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		out("server: rows %s, bytes %s, rows as expected %s, i from %s to %s, md5 %s\n",
			PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 3),
			PQgetvalue(r, 0, 4), PQgetvalue(r, 0, 5));
	else
		str("check query failed", PQerrorMessage(c));
	PQclear(r);

	/* 4. a large parameter (a big message to write) */
	{
		long plen = mb * 1024 * 1024 / 2;
		char *param = malloc(plen + 1);
		const char *values[1] = {param};

		out("--- PQsendQueryParams with a %ld-byte parameter\n", plen);
		for (long i = 0; i < plen; i++)
			param[i] = 'a' + (char) ((i * 7 + i / 1000) % 26);
		param[plen] = 0;
		if (!PQsendQueryParams(c, "SELECT length($1), md5($1)", 1, NULL, values, NULL, NULL, 0) ||
			!flush_all(c))
			str("PQsendQueryParams failed", PQerrorMessage(c));
		else
		{
			r = next_result(c);
			if (r && PQresultStatus(r) == PGRES_TUPLES_OK)
				out("server: length %s, md5 %s\n", PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1));
			else
				str("no result", PQerrorMessage(c));
			PQclear(r);
			drain_results(c);
		}
		free(param);
	}
	out("PQstatus at the end: %s  PQsslInUse: %d\n", connstatus_name(PQstatus(c)), PQsslInUse(c));
	PQfinish(c);
}

/* ---------------------------------------------------------------- main */

static const struct program_section sections[] = {
	{"tlsmatrix", s_tlsmatrix, 1},
	{"tlsoptions", s_tlsoptions, 1},
	{"tlsdata", s_tlsdata, 1},
};

int main(int argc, char **argv)
{
	start_program(0);
	g_tlsdir = need_env("DIFF_TLS_DIR", NULL);
	/* before the port masks: the directory's name may hold digits */
	add_mask(g_tlsdir, "{TLSDIR}", 0);
	read_server_env();
	g_port_other = need_env("DIFF_TLS_PORT_OTHER", NULL);
	g_port_expired = need_env("DIFF_TLS_PORT_EXPIRED", NULL);
	g_port_chain = need_env("DIFF_TLS_PORT_CHAIN", NULL);
	add_mask(g_port_other, "{PORT_OTHER}", 1);
	add_mask(g_port_expired, "{PORT_EXPIRED}", 1);
	add_mask(g_port_chain, "{PORT_CHAIN}", 1);
	g_ssl_only = need_env("DIFF_SSL_ONLY_USER", NULL);
	g_nossl_only = need_env("DIFF_NOSSL_ONLY_USER", NULL);
	g_cert_user = need_env("DIFF_CERT_USER", NULL);
	g_scram_user = need_env("DIFF_SCRAM_USER", NULL);
	g_scram_pw = need_env("DIFF_SCRAM_PW", NULL);
	g_key_pw = need_env("DIFF_TLS_KEY_PW", NULL);
	g_mask_library = getenv("DIFF_TLS_MASK_LIBRARY") != NULL;
	unsetenv("SSL_CERT_FILE");
	unsetenv("SSL_CERT_DIR");
	setenv("KRB5CCNAME", "FILE:/nonexistent/diff-krb5cc", 1);
	check_sections(sections, N_OF(sections), argc, argv);
	run_sections(sections, N_OF(sections), argc, argv);
	out("\n======== end ========\n");
	return 0;
}
