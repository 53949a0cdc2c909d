/*
 * Differential test program for libpq's security guarantees against the
 * fake servers of tests/integration/security.rs (what a real server will
 * not do on request): bytes injected after the 'S' answer to SSLRequest,
 * an ErrorResponse in answer to SSLRequest, require_auth and
 * channel_binding=require against servers asking for other methods or
 * skipping authentication, PQreset and PQconninfo -> PQconnectdbParams to a
 * server that stopped offering TLS, and a host list whose first host's
 * state must not reach the connection to the second. The output with the
 * real libpq 18 and with libpq-rs must be identical.
 *
 * Usage: security security
 *
 * Environment (tests/integration/security.rs sets it; each run gets fresh
 * fake servers):
 *   DIFF_PORT, DIFF_SOCKDIR, DIFF_TRUST_USER   the real test server, as diff.c
 *   DIFF_FAKE_PORT            refuses TLS; the scenario is application_name:
 *                             ok, cleartext, md5, sasl_no_plus,
 *                             sasl_plus_only, password_then_read_only
 *   DIFF_FAKE_TLS_PORT        the same over TLS (the harness's server.crt)
 *   DIFF_FAKE_INJECT_PORT     'S' then AuthenticationOk and ReadyForQuery
 *                             in clear, in one packet, then a real TLS
 *                             handshake
 *   DIFF_FAKE_SSLERROR_PORT   ErrorResponse to SSLRequest
 *   DIFF_FAKE_ACCEPT_ONCE_PORT  TLS on its first connection, 'N' after
 *   DIFF_TLS_ROOT             the root CA of the fakes' certificate ({ROOT})
 * Ports print as {PORT}, {FAKE}, {FAKE_TLS}, {INJECT}, {SSLERROR}, {ONCE}.
 *
 * HOME points at a missing directory and KRB5CCNAME at a missing file, so
 * no ~/.postgresql file and no Kerberos ticket plays a part.
 */
#define PROGRAM "security"
#include "common.h"

static const char *g_fake, *g_fake_tls, *g_inject, *g_sslerror, *g_once, *g_root;

static const char *status_name(ConnStatusType s)
{
	return s == CONNECTION_OK ? "CONNECTION_OK" : s == CONNECTION_BAD ? "CONNECTION_BAD" : "other";
}

static const char *template_code(char letter)
{
	switch (letter)
	{
		case 'F': return g_fake;
		case 'T': return g_fake_tls;
		case 'I': return g_inject;
		case 'E': return g_sslerror;
		case 'O': return g_once;
		case 'P': return g_port;
		case 'U': return g_trust;
		case 'R': return g_root;
	}
	return NULL;
}

static void print_conn(PGconn *c)
{
	out("status: %s\n", status_name(PQstatus(c)));
	str("PQerrorMessage", PQerrorMessage(c));
	out("PQsslInUse: %d, PQconnectionUsedPassword: %d, PQconnectionNeedsPassword: %d\n",
		PQsslInUse(c), PQconnectionUsedPassword(c), PQconnectionNeedsPassword(c));
}

static PGconn *conn_case(const char *label, const char *tmpl)
{
	char *ci = expand_template(tmpl, template_code);
	PGconn *c;

	out("\n--- %s\n", label);
	out("conninfo: %s\n", ci);
	c = PQconnectdb(ci);
	free(ci);
	print_conn(c);
	return c;
}

static void conn_case_done(const char *label, const char *tmpl)
{
	PQfinish(conn_case(label, tmpl));
}

/* PQconninfo as one "k=v k=v" line (the options with a value). */
static char *conninfo_line(PGconn *c)
{
	PQconninfoOption *opts = PQconninfo(c);
	size_t cap = 1, len = 0;
	char *line;

	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (o->val)
			cap += strlen(o->keyword) + strlen(o->val) + 2;
	line = calloc(cap, 1);
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (o->val)
			len += sprintf(line + len, "%s%s=%s", len ? " " : "", o->keyword, o->val);
	PQconninfoFree(opts);
	return line;
}

static void reconnects(void)
{
	PGconn *c, *c2;
	PQconninfoOption *opts;
	const char *keys[64], *vals[64];
	int n = 0;
	char *before, *after;

	c = conn_case("sslmode=require, then PQreset after the server stopped offering TLS",
				  "host=127.0.0.1 port=%O user=reset dbname=fake gssencmode=disable application_name=ok "
				  "sslmode=require channel_binding=disable require_auth=none sslcertmode=disable "
				  "target_session_attrs=any");
	before = conninfo_line(c);
	PQreset(c);
	out("after PQreset:\n");
	print_conn(c);
	after = conninfo_line(c);
	out("PQconninfo the same after PQreset: %s\n", yes(strcmp(before, after) == 0));
	free(after);

	/* The options of the first connection given back whole. */
	opts = PQconninfo(c);
	for (PQconninfoOption *o = opts; o && o->keyword && n < 63; o++)
		if (o->val)
		{
			keys[n] = o->keyword;
			vals[n] = o->val;
			n++;
		}
	keys[n] = vals[n] = NULL;
	out("\n--- PQconninfo fed back to PQconnectdbParams (%d options)\n", n);
	c2 = PQconnectdbParams(keys, vals, 0);
	print_conn(c2);
	after = conninfo_line(c2);
	out("PQconninfo the same: %s\n", yes(strcmp(before, after) == 0));
	if (strcmp(before, after) != 0)
	{
		str("before", before);
		str("after", after);
	}
	free(after);
	free(before);
	PQconninfoFree(opts);
	PQfinish(c2);
	PQfinish(c);
}

static void host_list_leaks(void)
{
	PGconn *c;
	char esc[64];
	int err = 0;
	const char *names[] = {"fake_only_setting", "default_transaction_read_only", "in_hot_standby",
						   "standard_conforming_strings", "client_encoding", "application_name"};

	c = conn_case("first host takes a password and is read-only, second is the real server",
				  "host=127.0.0.1,127.0.0.1 port=%F,%P user=%U dbname=postgres sslmode=disable "
				  "gssencmode=disable password=leak-pw application_name=password_then_read_only "
				  "target_session_attrs=read-write");
	for (size_t i = 0; i < N_OF(names); i++)
	{
		char label[80];

		snprintf(label, sizeof label, "PQparameterStatus(%s)", names[i]);
		str(label, PQparameterStatus(c, names[i]));
	}
	out("PQclientEncoding: %s\n", pg_encoding_to_char(PQclientEncoding(c)));
	PQescapeStringConn(c, esc, "it's \\ here", 11, &err);
	out("PQescapeStringConn: %s (error %d)\n", esc, err);
	str("PQport", PQport(c));
	PQfinish(c);
}

static void sec_security(void)
{
	static const char *const modes[] = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"};
	char tmpl[512], label[256];

	section("security");

	/* CVE-2021-23222 class */
	for (size_t i = 0; i < N_OF(modes); i++)
	{
		snprintf(label, sizeof label, "data after 'S', sslmode=%s", modes[i]);
		snprintf(tmpl, sizeof tmpl,
				 "host=127.0.0.1 port=%%I user=u dbname=fake gssencmode=disable application_name=ok sslmode=%s",
				 modes[i]);
		conn_case_done(label, tmpl);
	}
	conn_case_done("data after 'S', sslmode=verify-full with the right root",
				   "host=localhost port=%I user=u dbname=fake gssencmode=disable application_name=ok "
				   "sslmode=verify-full sslrootcert=%R");
	conn_case_done("data after 'S', sslnegotiation=direct",
				   "host=127.0.0.1 port=%I user=u dbname=fake gssencmode=disable application_name=ok "
				   "sslmode=require sslnegotiation=direct");

	/* CVE-2024-10977 class */
	for (size_t i = 1; i < N_OF(modes); i++)
	{
		snprintf(label, sizeof label, "ErrorResponse to SSLRequest, sslmode=%s", modes[i]);
		snprintf(tmpl, sizeof tmpl,
				 "host=127.0.0.1 port=%%E user=u dbname=fake gssencmode=disable application_name=ok sslmode=%s",
				 modes[i]);
		conn_case_done(label, tmpl);
	}

	/* require_auth: the method is refused before a credential goes out */
	{
		static const char *const scenarios[] = {"ok", "cleartext", "md5", "sasl_no_plus"};
		static const char *const requires[] = {
			"password", "md5", "scram-sha-256", "none", "!password", "!md5", "!none",
			"password,md5", "!scram-sha-256,!none", "gss", "sspi"};

		for (size_t s = 0; s < N_OF(scenarios); s++)
			for (size_t r = 0; r < N_OF(requires); r++)
			{
				snprintf(label, sizeof label, "require_auth=%s, server: %s", requires[r], scenarios[s]);
				snprintf(tmpl, sizeof tmpl,
						 "host=127.0.0.1 port=%%F user=u dbname=fake gssencmode=disable sslmode=disable "
						 "password=pw application_name=%s require_auth=%s",
						 scenarios[s], requires[r]);
				conn_case_done(label, tmpl);
			}
	}

	/* channel_binding=require against servers that would go without it */
	{
		static const char *const scenarios[] = {"ok", "cleartext", "md5", "sasl_no_plus", "sasl_plus_only"};

		for (size_t s = 0; s < N_OF(scenarios); s++)
		{
			snprintf(label, sizeof label, "channel_binding=require over TLS, server: %s", scenarios[s]);
			snprintf(tmpl, sizeof tmpl,
					 "host=127.0.0.1 port=%%T user=u dbname=fake gssencmode=disable sslmode=require "
					 "password=pw application_name=%s channel_binding=require",
					 scenarios[s]);
			conn_case_done(label, tmpl);
			snprintf(label, sizeof label, "channel_binding=require in clear, server: %s", scenarios[s]);
			snprintf(tmpl, sizeof tmpl,
					 "host=127.0.0.1 port=%%F user=u dbname=fake gssencmode=disable sslmode=disable "
					 "password=pw application_name=%s channel_binding=require",
					 scenarios[s]);
			conn_case_done(label, tmpl);
			snprintf(label, sizeof label, "channel_binding=prefer over TLS, server: %s", scenarios[s]);
			snprintf(tmpl, sizeof tmpl,
					 "host=127.0.0.1 port=%%T user=u dbname=fake gssencmode=disable sslmode=require "
					 "password=pw application_name=%s channel_binding=prefer require_auth=none",
					 scenarios[s]);
			conn_case_done(label, tmpl);
		}
	}

	/* CVE-2020-25694 class */
	reconnects();

	/* CVE-2018-10915 class */
	host_list_leaks();
}

static const struct program_section sections[] = {
	{"security", sec_security, 1},
};

int main(int argc, char **argv)
{
	start_program(0);
	setenv("HOME", "/nonexistent/diff-home", 1);
	setenv("KRB5CCNAME", "FILE:/nonexistent/diff-krb5cc", 1);
	read_server_env();
	g_fake = need_env("DIFF_FAKE_PORT", NULL);
	g_fake_tls = need_env("DIFF_FAKE_TLS_PORT", NULL);
	g_inject = need_env("DIFF_FAKE_INJECT_PORT", NULL);
	g_sslerror = need_env("DIFF_FAKE_SSLERROR_PORT", NULL);
	g_once = need_env("DIFF_FAKE_ACCEPT_ONCE_PORT", NULL);
	g_root = need_env("DIFF_TLS_ROOT", NULL);
	add_mask(g_root, "{ROOT}", 0);
	add_mask(g_fake, "{FAKE}", 1);
	add_mask(g_fake_tls, "{FAKE_TLS}", 1);
	add_mask(g_inject, "{INJECT}", 1);
	add_mask(g_sslerror, "{SSLERROR}", 1);
	add_mask(g_once, "{ONCE}", 1);
	check_sections(sections, N_OF(sections), argc, argv);
	run_sections(sections, N_OF(sections), argc, argv);
	out("\n======== end ========\n");
	return 0;
}
