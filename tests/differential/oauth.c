/*
 * Differential test program for libpq 18's OAuth client (SASL OAUTHBEARER,
 * driven by the auth-data hook) against the fake server of
 * tests/integration/oauth.rs. The output with the real libpq 18 and with
 * libpq-rs must be identical.
 *
 * Usage: oauth oauth
 *
 * Environment:
 *   DIFF_FAKE_PORT   the fake server; the scenario is application_name (see
 *                    oauth.rs): the server offers OAUTHBEARER, answers the
 *                    empty discovery response with a JSON error (which
 *                    varies by scenario), takes "Bearer good-token" and
 *                    rejects any other token. Prints as {FAKE}.
 *
 * The program is compiled against PostgreSQL 15's libpq-fe.h: the hook
 * functions and the PG18 types are declared here and looked up with dlsym.
 */
#define PROGRAM "oauth"
#include "common.h"

#include <poll.h>
#include <sys/eventfd.h>

/* ---- libpq 18's declarations (libpq-fe.h) */
typedef enum
{
	X_PQAUTHDATA_PROMPT_OAUTH_DEVICE,
	X_PQAUTHDATA_OAUTH_BEARER_TOKEN,
} x_PGauthData;

typedef struct x_PGoauthBearerRequest
{
	const char *openid_configuration;
	const char *scope;
	PostgresPollingStatusType (*async) (PGconn *conn, struct x_PGoauthBearerRequest *request,
										int *altsock);
	void (*cleanup) (PGconn *conn, struct x_PGoauthBearerRequest *request);
	char *token;
	void *user;
} x_PGoauthBearerRequest;

typedef int (*authdata_hook) (x_PGauthData type, PGconn *conn, void *data);
typedef void (*set_hook_fn) (authdata_hook hook);
typedef authdata_hook (*get_hook_fn) (void);

static set_hook_fn x_set_hook;
static get_hook_fn x_get_hook;
static authdata_hook x_default_hook;

static const char *g_fake;

/* What the hook does (see hook()). */
enum hook_mode
{
	HOOK_DEFAULT,			/* hands over to PQdefaultAuthDataHook */
	HOOK_TOKEN,				/* "good-token" at once */
	HOOK_BAD_TOKEN,			/* "bad-token" at once */
	HOOK_FAIL,				/* -1 */
	HOOK_NOTHING,			/* 1, but neither token nor async */
	HOOK_ASYNC,				/* async: altsock first, then the token */
	HOOK_ASYNC_FAIL,		/* async: PGRES_POLLING_FAILED */
	HOOK_ASYNC_NO_TOKEN,	/* async: PGRES_POLLING_OK without a token */
	HOOK_ASYNC_NO_SOCKET,	/* async: PGRES_POLLING_READING, no altsock */
};

static enum hook_mode g_mode;
static int g_efd = -1;
static int g_async_calls;

static const char *polling_name(PostgresPollingStatusType s)
{
	switch (s)
	{
		case PGRES_POLLING_FAILED: return "PGRES_POLLING_FAILED";
		case PGRES_POLLING_READING: return "PGRES_POLLING_READING";
		case PGRES_POLLING_WRITING: return "PGRES_POLLING_WRITING";
		case PGRES_POLLING_OK: return "PGRES_POLLING_OK";
		default: return "other";
	}
}

static const char *status_name(ConnStatusType s)
{
	switch ((int) s)
	{
		case CONNECTION_OK: return "CONNECTION_OK";
		case CONNECTION_BAD: return "CONNECTION_BAD";
		case CONNECTION_STARTED: return "CONNECTION_STARTED";
		case CONNECTION_MADE: return "CONNECTION_MADE";
		case CONNECTION_AWAITING_RESPONSE: return "CONNECTION_AWAITING_RESPONSE";
		case CONNECTION_AUTH_OK: return "CONNECTION_AUTH_OK";
		case CONNECTION_NEEDED: return "CONNECTION_NEEDED";
		case 15: return "CONNECTION_AUTHENTICATING";
		default: return "other";
	}
}

static void cleanup_cb(PGconn *conn, x_PGoauthBearerRequest *req)
{
	(void) conn;
	out("  cleanup: token %s, user %s\n", req->token ? req->token : "(null)",
		req->user ? (const char *) req->user : "(null)");
	if (g_efd >= 0)
	{
		close(g_efd);
		g_efd = -1;
	}
}

static PostgresPollingStatusType async_cb(PGconn *conn, x_PGoauthBearerRequest *req, int *altsock)
{
	uint64_t one = 1;

	(void) conn;
	g_async_calls++;
	out("  async call %d (user %s)\n", g_async_calls, req->user ? (const char *) req->user : "(null)");
	switch (g_mode)
	{
		case HOOK_ASYNC_FAIL:
			return PGRES_POLLING_FAILED;
		case HOOK_ASYNC_NO_TOKEN:
			return PGRES_POLLING_OK;
		case HOOK_ASYNC_NO_SOCKET:
			return PGRES_POLLING_READING;
		default:
			break;
	}
	if (g_async_calls == 1)
	{
		g_efd = eventfd(0, EFD_NONBLOCK);
		if (write(g_efd, &one, sizeof one) != sizeof one)
			abort();
		*altsock = g_efd;
		return PGRES_POLLING_READING;
	}
	req->token = "good-token";
	return PGRES_POLLING_OK;
}

static int hook(x_PGauthData type, PGconn *conn, void *data)
{
	x_PGoauthBearerRequest *req = data;

	out("  hook: type %d\n", (int) type);
	if (type != X_PQAUTHDATA_OAUTH_BEARER_TOKEN)
		return x_default_hook(type, conn, data);
	str("  openid_configuration", req->openid_configuration);
	str("  scope", req->scope);
	out("  async %s, cleanup %s, token %s, user %s\n", req->async ? "set" : "NULL",
		req->cleanup ? "set" : "NULL", req->token ? "set" : "NULL", req->user ? "set" : "NULL");
	switch (g_mode)
	{
		case HOOK_DEFAULT:
			return x_default_hook(type, conn, data);
		case HOOK_TOKEN:
			req->token = "good-token";
			req->cleanup = cleanup_cb;
			return 1;
		case HOOK_BAD_TOKEN:
			req->token = "bad-token";
			req->cleanup = cleanup_cb;
			return 1;
		case HOOK_FAIL:
			req->cleanup = cleanup_cb;
			return -1;
		case HOOK_NOTHING:
			return 1;
		default:
			req->async = async_cb;
			req->cleanup = cleanup_cb;
			req->user = "my-state";
			g_async_calls = 0;
			return 1;
	}
}

static const char *template_code(char letter)
{
	return letter == 'F' ? g_fake : NULL;
}

static void print_conn(PGconn *c)
{
	out("status: %s\n", status_name(PQstatus(c)));
	str("PQerrorMessage", PQerrorMessage(c));
	out("PQconnectionNeedsPassword: %d, PQconnectionUsedPassword: %d\n",
		PQconnectionNeedsPassword(c), PQconnectionUsedPassword(c));
	str("oauth_connections", PQparameterStatus(c, "oauth_connections"));
	{
		PQconninfoOption *opts = PQconninfo(c);

		for (PQconninfoOption *o = opts; o && o->keyword; o++)
			if (strncmp(o->keyword, "oauth_", 6) == 0 && o->val)
				out("%s=%s\n", o->keyword, o->val);
		PQconninfoFree(opts);
	}
}

static char *begin_case(const char *label, enum hook_mode mode, const char *tmpl)
{
	char *ci = expand_template(tmpl, template_code);

	g_mode = mode;
	out("\n--- %s\n", label);
	out("conninfo: %s\n", ci);
	return ci;
}

/* One blocking connection: the hook in `mode`, the conninfo from `tmpl`. */
static void conn_case(const char *label, enum hook_mode mode, const char *tmpl)
{
	char *ci = begin_case(label, mode, tmpl);
	PGconn *c = PQconnectdb(ci);

	free(ci);
	print_conn(c);
	if (PQstatus(c) == CONNECTION_OK)
	{
		PQreset(c);
		out("after PQreset:\n");
		print_conn(c);
	}
	PQfinish(c);
}

/* The same through PQconnectStart and PQconnectPoll, waiting on PQsocket. */
static void poll_case(const char *label, enum hook_mode mode, const char *tmpl)
{
	char *ci = begin_case(label, mode, tmpl);
	PGconn *c = PQconnectStart(ci);
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	ConnStatusType last = -1;
	int last_was_alt = -1;

	free(ci);
	for (int i = 0; i < 200; i++)
	{
		struct pollfd p = {.fd = PQsocket(c), .events = st == PGRES_POLLING_READING ? POLLIN : POLLOUT};
		int alt = g_efd >= 0 && p.fd == g_efd;

		if (alt != last_was_alt)
		{
			out("  PQsocket is %s\n", alt ? "the altsock" : p.fd < 0 ? "-1" : "a server socket");
			last_was_alt = alt;
		}
		if (poll(&p, 1, 10000) != 1)
		{
			out("  poll timed out\n");
			break;
		}
		st = PQconnectPoll(c);
		if (PQstatus(c) != last)
		{
			last = PQstatus(c);
			out("  poll -> %s, %s\n", polling_name(st), status_name(last));
		}
		if (st == PGRES_POLLING_OK || st == PGRES_POLLING_FAILED)
			break;
	}
	print_conn(c);
	PQfinish(c);
}

#define BASE "host=127.0.0.1 port=%F user=u dbname=fake sslmode=disable gssencmode=disable "
#define ISSUER "oauth_issuer=https://issuer.example oauth_client_id=cid "

static void sec_oauth(void)
{
	static const struct
	{
		const char *scenario, *what;
	} discovery[] = {
		{"no_scope", "no scope"},
		{"no_discovery", "no openid-configuration"},
		{"no_status", "no status"},
		{"other_status", "status invalid_request"},
		{"int_status", "status is a number"},
		{"obj_scope", "scope is an object"},
		{"arr_scope", "scope is an array"},
		{"dup_status", "status twice"},
		{"top_array", "top level an array"},
		{"top_string", "top level a string"},
		{"too_deep", "nested too deep"},
		{"nested_fields", "nested fields of the same names"},
		{"embedded_nul", "a NUL inside"},
		{"bad_utf8", "not UTF-8"},
		{"http_uri", "http:// discovery URI"},
		{"query_uri", "discovery URI with a query"},
		{"fragment_uri", "discovery URI with a fragment"},
		{"not_wk", "discovery URI not .well-known"},
		{"bad_suffix", "unsupported .well-known suffix"},
		{"bad_format", ".well-known in the middle"},
		{"oauth_server_wk", "oauth-authorization-server URI"},
		{"mismatch", "another issuer"},
		{"final", "AuthenticationSASLFinal after the initial response"},
		{"empty", "empty challenge"},
	};
	char tmpl[1024], label[256];

	section("oauth");

	x_set_hook = (set_hook_fn) sym("PQsetAuthDataHook", 1);
	x_get_hook = (get_hook_fn) sym("PQgetAuthDataHook", 1);
	x_default_hook = (authdata_hook) sym("PQdefaultAuthDataHook", 1);
	if (!x_set_hook || !x_get_hook || !x_default_hook)
		return;
	out("PQgetAuthDataHook is PQdefaultAuthDataHook: %s\n", yes(x_get_hook() == x_default_hook));

	/* Without a hook: the built-in flow is not available in this build. */
	conn_case("no hook, no issuer", HOOK_DEFAULT, BASE "application_name=oauth");
	conn_case("no hook, no client id", HOOK_DEFAULT,
			  BASE "application_name=oauth oauth_issuer=https://issuer.example");
	conn_case("no hook, no issuer, a client id", HOOK_DEFAULT,
			  BASE "application_name=oauth oauth_client_id=cid");
	conn_case("no hook", HOOK_DEFAULT, BASE ISSUER "application_name=oauth");

	x_set_hook(hook);
	out("PQgetAuthDataHook is the hook: %s\n", yes(x_get_hook() == hook));

	conn_case("hook defers to the default", HOOK_DEFAULT, BASE ISSUER "application_name=oauth");
	conn_case("hook gives a token at once", HOOK_TOKEN, BASE ISSUER "application_name=oauth");
	conn_case("hook gives a token the server rejects", HOOK_BAD_TOKEN, BASE ISSUER "application_name=oauth");
	conn_case("hook fails", HOOK_FAIL, BASE ISSUER "application_name=oauth");
	conn_case("hook gives neither token nor callback", HOOK_NOTHING, BASE ISSUER "application_name=oauth");
	conn_case("async hook (blocking connect)", HOOK_ASYNC, BASE ISSUER "application_name=oauth");
	poll_case("async hook (PQconnectPoll)", HOOK_ASYNC, BASE ISSUER "application_name=oauth");
	poll_case("token at once (PQconnectPoll)", HOOK_TOKEN, BASE ISSUER "application_name=oauth");
	conn_case("async callback fails", HOOK_ASYNC_FAIL, BASE ISSUER "application_name=oauth");
	conn_case("async callback done without a token", HOOK_ASYNC_NO_TOKEN, BASE ISSUER "application_name=oauth");
	conn_case("async callback gives no socket", HOOK_ASYNC_NO_SOCKET, BASE ISSUER "application_name=oauth");

	/* The scope: the server's unless the user set one */
	conn_case("oauth_scope set by the user", HOOK_TOKEN,
			  BASE ISSUER "application_name=oauth oauth_scope='a b'");
	conn_case("oauth_scope empty", HOOK_TOKEN, BASE ISSUER "application_name=oauth oauth_scope=");

	/* The server's error JSON */
	for (size_t i = 0; i < N_OF(discovery); i++)
	{
		snprintf(label, sizeof label, "server's error: %s", discovery[i].what);
		snprintf(tmpl, sizeof tmpl, "%s%sapplication_name=%s", BASE, ISSUER, discovery[i].scenario);
		conn_case(label, HOOK_TOKEN, tmpl);
	}
	setenv("PGOAUTHDEBUG", "UNSAFE", 1);
	conn_case("server's error: http:// discovery URI, PGOAUTHDEBUG=UNSAFE", HOOK_TOKEN,
			  BASE "oauth_issuer=http://issuer.example oauth_client_id=cid application_name=http_uri");
	conn_case("server's error: http:// discovery URI, PGOAUTHDEBUG=UNSAFE, https issuer", HOOK_TOKEN,
			  BASE ISSUER "application_name=http_uri");
	unsetenv("PGOAUTHDEBUG");

	/* oauth_issuer given as a discovery URI: no discovery connection */
	{
		static const char *const issuers[] = {
			"https://issuer.example/.well-known/openid-configuration",
			"https://issuer.example/.well-known/oauth-authorization-server",
			"https://issuer.example/tenant/.well-known/openid-configuration",
			"https://issuer.example/.well-known/openid-configuration/tenant",
			"HTTPS://issuer.example/.well-known/openid-configuration",
			"http://issuer.example/.well-known/openid-configuration",
			"https://issuer.example/.well-known/openid-configuration?x=1",
			"https://issuer.example/.well-known/openid-configurationx",
			"https://issuer.example/.well-known/webfinger",
			"https://issuer.example/a/.well-known/openid-configuration/b",
		};

		for (size_t i = 0; i < N_OF(issuers); i++)
		{
			snprintf(label, sizeof label, "oauth_issuer=%s", issuers[i]);
			snprintf(tmpl, sizeof tmpl, "%soauth_client_id=cid application_name=oauth oauth_issuer=%s",
					 BASE, issuers[i]);
			conn_case(label, HOOK_TOKEN, tmpl);
		}
		conn_case("discovery URI as issuer, token rejected, server names another document", HOOK_BAD_TOKEN,
				  BASE "oauth_client_id=cid application_name=oauth "
				  "oauth_issuer=https://issuer.example/.well-known/oauth-authorization-server");
		conn_case("discovery URI as issuer, async hook", HOOK_ASYNC,
				  BASE "oauth_client_id=cid application_name=oauth "
				  "oauth_issuer=https://issuer.example/.well-known/openid-configuration");
	}

	/* Mechanism choice and the server's behaviour after the token */
	conn_case("OAUTHBEARER listed before SCRAM-SHA-256", HOOK_TOKEN, BASE ISSUER "application_name=oauth_first");
	conn_case("SCRAM-SHA-256 listed before OAUTHBEARER", HOOK_TOKEN,
			  BASE ISSUER "password=pw application_name=scram_first");
	conn_case("server sends another challenge after rejecting the token", HOOK_BAD_TOKEN,
			  BASE ISSUER "application_name=second_challenge");
	conn_case("server accepts after rejecting the token", HOOK_BAD_TOKEN,
			  BASE ISSUER "application_name=ok_after_error");

	/* require_auth */
	{
		static const char *const requires[] = {
			"oauth", "!oauth", "scram-sha-256", "!scram-sha-256", "password", "none", "!none",
			"oauth,scram-sha-256", "!oauth,!scram-sha-256"};
		static const char *const scenarios[] = {"oauth", "scram_only"};

		for (size_t s = 0; s < N_OF(scenarios); s++)
			for (size_t r = 0; r < N_OF(requires); r++)
			{
				snprintf(label, sizeof label, "require_auth=%s, server: %s", requires[r], scenarios[s]);
				snprintf(tmpl, sizeof tmpl, "%s%spassword=pw application_name=%s require_auth=%s",
						 BASE, ISSUER, scenarios[s], requires[r]);
				conn_case(label, HOOK_TOKEN, tmpl);
			}
	}

	/* Several hosts: the issuer stays, each host does its own discovery */
	conn_case("two hosts, the first rejects the token", HOOK_TOKEN,
			  "host=127.0.0.1,127.0.0.1 port=%F,%F user=u dbname=fake sslmode=disable gssencmode=disable "
			  ISSUER "application_name=reject_all");

	/* Last, a success: the fake server's count for user u starts from 0 next run */
	conn_case("hook gives a token at once, again", HOOK_TOKEN, BASE ISSUER "application_name=oauth");

	x_set_hook(NULL);
	out("\nPQgetAuthDataHook is PQdefaultAuthDataHook again: %s\n", yes(x_get_hook() == x_default_hook));
}

static const struct program_section sections[] = {
	{"oauth", sec_oauth, 1},
};

int main(int argc, char **argv)
{
	start_program(0);
	setenv("HOME", "/nonexistent/diff-home", 1);
	g_fake = need_env("DIFF_FAKE_PORT", NULL);
	add_mask(g_fake, "{FAKE}", 1);
	check_sections(sections, N_OF(sections), argc, argv);
	run_sections(sections, N_OF(sections), argc, argv);
	out("\n======== end ========\n");
	return 0;
}
