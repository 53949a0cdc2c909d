/*
 * Differential test program for protocol versions (libpq 18):
 * min_protocol_version and max_protocol_version, NegotiateProtocolVersion,
 * the variable-length cancel keys of protocol 3.2, PQprotocolVersion and
 * PQfullProtocolVersion. The output with the real libpq 18 and with
 * libpq-rs must be identical.
 *
 * Usage: protocol [section...]   sections: protocol negotiation
 *
 * Section "protocol" (tests/integration/differential.rs) runs every case on
 * both servers of the harness: Debian's PostgreSQL 15 (DIFF_PORT,
 * DIFF_SOCKDIR, DIFF_DB, DIFF_TRUST_USER), which answers a 3.2 request with
 * NegotiateProtocolVersion, and PostgreSQL 18 (DIFF_PG18_PORT,
 * DIFF_PG18_SOCKDIR; when unset its part says "not available"), which
 * speaks 3.2 and hands out 32-byte cancel keys: the options and their
 * errors, PQconninfo, the environment variables, the versions during
 * PQconnectPoll and after PQreset, protocol traces of the startup, and
 * PQcancel and the PostgreSQL 17 cancel API on a running pg_sleep.
 *
 * Section "negotiation" is not run against a real server: it talks to the
 * small fake server of tests/integration/protocol.rs (DIFF_FAKE_PORT),
 * whose answer to the startup packet the connection's application_name
 * names: every NegotiateProtocolVersion and BackendKeyData libpq 18
 * refuses, and the ones it accepts.
 *
 * Masked: ports and socket directories ({PORT}, {SOCKDIR}, {PG18PORT},
 * {PG18SOCKDIR}, {FAKEPORT}); backend PIDs print as "live". TCP conninfos
 * say sslmode=disable: the npm libpq 18 is built with OpenSSL and would
 * negotiate first, which the traces would show.
 *
 * PQgetResult is called once after a failed connection: libpq 18 leaves an
 * error result behind when it refused a NegotiateProtocolVersion, and a
 * second call would wait on the still open socket.
 */
#define PROGRAM "protocol"
#include "common.h"

#include <poll.h>

typedef int (*connint_fn) (const PGconn *);
typedef void *(*cancelcreate_fn) (PGconn *);
typedef int (*cancelint_fn) (void *);
typedef PostgresPollingStatusType (*cancelpoll_fn) (void *);
typedef int (*cancelstatus_fn) (const void *);
typedef char *(*cancelerr_fn) (const void *);
typedef void (*cancelvoid_fn) (void *);

static connint_fn f_full;
static cancelcreate_fn f_create;
static cancelint_fn f_blocking, f_start;
static cancelpoll_fn f_poll;
static cancelstatus_fn f_status, f_socket;
static cancelerr_fn f_errmsg;
static cancelvoid_fn f_finish;

static const char *g_pg18_port, *g_pg18_sockdir, *g_fake_port;

/* ---------------------------------------------------------------- helpers */

static const char *status_name(ConnStatusType s)
{
	static char buf[32];

	switch (s)
	{
		case CONNECTION_OK: return "CONNECTION_OK";
		case CONNECTION_BAD: return "CONNECTION_BAD";
		case CONNECTION_STARTED: return "CONNECTION_STARTED";
		case CONNECTION_MADE: return "CONNECTION_MADE";
		case CONNECTION_AWAITING_RESPONSE: return "CONNECTION_AWAITING_RESPONSE";
		case CONNECTION_AUTH_OK: return "CONNECTION_AUTH_OK";
		case CONNECTION_NEEDED: return "CONNECTION_NEEDED";
		case CONNECTION_CHECK_TARGET: return "CONNECTION_CHECK_TARGET";
		default:
			snprintf(buf, sizeof buf, "ConnStatusType(%d)", (int) s);
			return buf;
	}
}

static const char *poll_name(PostgresPollingStatusType p)
{
	switch (p)
	{
		case PGRES_POLLING_FAILED: return "PGRES_POLLING_FAILED";
		case PGRES_POLLING_READING: return "PGRES_POLLING_READING";
		case PGRES_POLLING_WRITING: return "PGRES_POLLING_WRITING";
		case PGRES_POLLING_OK: return "PGRES_POLLING_OK";
		default: return "PGRES_POLLING_ACTIVE";
	}
}

/* PQprotocolVersion and PQfullProtocolVersion (when exported). */
static void print_versions(const PGconn *c)
{
	out("PQprotocolVersion: %d", PQprotocolVersion(c));
	if (f_full)
		out("  PQfullProtocolVersion: %d", f_full(c));
	out("\n");
}

/* The status, versions and error of a connection, PQgetResult once when it
 * failed, "select 1" when it works. */
static void print_conn(PGconn *c)
{
	out("PQstatus: %s\n", status_name(PQstatus(c)));
	print_versions(c);
	str("PQerrorMessage", PQerrorMessage(c));
	if (PQstatus(c) == CONNECTION_OK)
	{
		PGresult *r = PQexec(c, "SELECT 1");

		out("PQbackendPID: %s\n", PQbackendPID(c) > 0 ? "live" : "0");
		out("SELECT 1: %s %s\n", PQresStatus(PQresultStatus(r)),
			PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "(no row)");
		PQclear(r);
	}
	else
	{
		PGresult *r = PQgetResult(c);

		if (r == NULL)
			out("PQgetResult: NULL\n");
		else
		{
			out("PQgetResult: %s\n", PQresStatus(PQresultStatus(r)));
			str("  PQresultErrorMessage", PQresultErrorMessage(r));
		}
		PQclear(r);
	}
}

/* The option values PQconninfo reports for the two keywords. */
static void print_conninfo_versions(PGconn *c)
{
	PQconninfoOption *opts = PQconninfo(c);

	if (opts == NULL)
	{
		out("PQconninfo: NULL\n");
		return;
	}
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (strcmp(o->keyword, "min_protocol_version") == 0 ||
			strcmp(o->keyword, "max_protocol_version") == 0)
		{
			char label[64];

			snprintf(label, sizeof label, "PQconninfo %s", o->keyword);
			str(label, o->val);
		}
	PQconninfoFree(opts);
}

static void connect_case(const char *ci)
{
	PGconn *c;

	out("\n--- PQconnectdb(\"%s\")\n", ci);
	c = PQconnectdb(ci);
	print_conn(c);
	PQfinish(c);
}

/* Waits for the direction `p` names on `fd` (at most 10 s). */
static void wait_for(int fd, PostgresPollingStatusType p)
{
	struct pollfd pfd = {fd, p == PGRES_POLLING_READING ? POLLIN : POLLOUT, 0};

	if (fd >= 0)
		poll(&pfd, 1, 10000);
}

/* PQconnectStart and PQconnectPoll to the end, printing each answer with the
 * status and versions; with `trace`, the protocol trace (regress mode) of it
 * all on stdout. Returns the connection. */
static PGconn *connect_polled(const char *ci, int trace)
{
	PGconn *c = PQconnectStart(ci);
	PostgresPollingStatusType p = PGRES_POLLING_WRITING;

	out("PQconnectStart: %s  ", status_name(PQstatus(c)));
	print_versions(c);
	if (PQstatus(c) == CONNECTION_BAD)
		return c;
	if (trace)
	{
		fflush(stdout);
		PQtrace(c, stdout);
		PQsetTraceFlags(c, PQTRACE_SUPPRESS_TIMESTAMPS | PQTRACE_REGRESS_MODE);
	}
	while (p != PGRES_POLLING_OK && p != PGRES_POLLING_FAILED)
	{
		wait_for(PQsocket(c), p);
		p = PQconnectPoll(c);
		if (!trace)
		{
			out("PQconnectPoll: %s %s  ", poll_name(p), status_name(PQstatus(c)));
			print_versions(c);
		}
	}
	if (trace)
	{
		fflush(stdout);
		PQuntrace(c);
		out("PQconnectPoll: %s\n", poll_name(p));
	}
	return c;
}

/* Waits until the connection's pg_sleep is running (seen by `helper`). */
static void wait_running(PGconn *helper, PGconn *c)
{
	char q[200];

	snprintf(q, sizeof q,
			 "SELECT 1 FROM pg_stat_activity WHERE pid = %d AND state = 'active' "
			 "AND query LIKE 'SELECT pg_sleep%%'", PQbackendPID(c));
	for (int i = 0; i < 1000; i++)
	{
		PGresult *r = PQexec(helper, q);
		int n = PQntuples(r);

		PQclear(r);
		if (n == 1)
			return;
		usleep(10000);
	}
	out("the query did not start running\n");
}

/* The result of the cancelled query, then the NULL that ends it. */
static void show_canceled_query(PGconn *c)
{
	PGresult *r = PQgetResult(c);

	out("query: %s", r ? PQresStatus(PQresultStatus(r)) : "NULL");
	if (r)
	{
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);

		out(" SQLSTATE %s", state ? state : "(none)");
	}
	out("\n");
	PQclear(r);
	r = PQgetResult(c);
	out("then: %s\n", r ? "a result" : "NULL");
	PQclear(r);
}

/* PQcancel, PQcancelBlocking and PQcancelStart/Poll on a running pg_sleep. */
static void cancel_cases(PGconn *helper, const char *ci)
{
	PGconn *c = PQconnectdb(ci);
	char errbuf[256];

	out("\n--- cancel: %s\n", ci);
	print_versions(c);
	if (PQstatus(c) != CONNECTION_OK)
	{
		str("PQerrorMessage", PQerrorMessage(c));
		PQfinish(c);
		return;
	}

	out("PQsendQuery: %d\n", PQsendQuery(c, "SELECT pg_sleep(60)"));
	wait_running(helper, c);
	{
		PGcancel *cancel = PQgetCancel(c);

		errbuf[0] = 0;
		out("PQcancel: %d", PQcancel(cancel, errbuf, sizeof errbuf));
		str("  errbuf", errbuf);
		PQfreeCancel(cancel);
	}
	show_canceled_query(c);

	if (f_create && f_blocking && f_start && f_poll && f_status && f_socket && f_errmsg &&
		f_finish)
	{
		void *cc;
		PostgresPollingStatusType p = PGRES_POLLING_WRITING;

		out("PQsendQuery: %d\n", PQsendQuery(c, "SELECT pg_sleep(60)"));
		wait_running(helper, c);
		cc = f_create(c);
		out("PQcancelBlocking: %d\n", f_blocking(cc));
		str("  PQcancelErrorMessage", f_errmsg(cc));
		f_finish(cc);
		show_canceled_query(c);

		out("PQsendQuery: %d\n", PQsendQuery(c, "SELECT pg_sleep(60)"));
		wait_running(helper, c);
		cc = f_create(c);
		out("PQcancelStart: %d\n", f_start(cc));
		while (p != PGRES_POLLING_OK && p != PGRES_POLLING_FAILED)
		{
			wait_for(f_socket(cc), p);
			p = f_poll(cc);
		}
		out("PQcancelPoll: %s %s\n", poll_name(p), status_name((ConnStatusType) f_status(cc)));
		str("  PQcancelErrorMessage", f_errmsg(cc));
		f_finish(cc);
		show_canceled_query(c);
	}

	{
		PGresult *r = PQexec(c, "SELECT 3");

		out("afterwards SELECT 3: %s\n", PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "(no row)");
		PQclear(r);
	}
	PQfinish(c);
}

/* ---------------------------------------------------------------- protocol */

static const char *const option_cases[] = {
	"",
	"max_protocol_version=3.0",
	"max_protocol_version=3.2",
	"max_protocol_version=latest",
	"min_protocol_version=3.0",
	"min_protocol_version=3.2",
	"min_protocol_version=latest",
	"min_protocol_version=3.0 max_protocol_version=3.2",
	"min_protocol_version=3.2 max_protocol_version=latest",
	"min_protocol_version=3.2 max_protocol_version=3.0",
	"min_protocol_version=latest max_protocol_version=3.0",
	"min_protocol_version=3.1",
	"max_protocol_version=3.1",
	"max_protocol_version=3",
	"max_protocol_version=2.0",
	"max_protocol_version=4.0",
	"max_protocol_version=LATEST",
	"max_protocol_version='3.2 '",
	"max_protocol_version=''",
	"min_protocol_version=''",
	"min_protocol_version=bogus max_protocol_version=bogus2",
};

static void server_cases(const char *label, const char *port, const char *sockdir)
{
	char *ci = NULL, *base = NULL;
	PGconn *c, *helper;

	out("\n==== %s\n", label);
	if (port == NULL)
	{
		out("not available\n");
		return;
	}
	if (asprintf(&base, "host=127.0.0.1 port=%s dbname=%s user=%s sslmode=disable", port, g_db,
				 g_trust) < 0)
		abort();
	helper = PQconnectdb(base);
	if (PQstatus(helper) != CONNECTION_OK)
	{
		out("helper connection failed\n");
		str("PQerrorMessage", PQerrorMessage(helper));
	}
	{
		PGresult *r = PQexec(helper, "SHOW server_version_num");

		out("server major version: %d\n",
			PQntuples(r) == 1 ? atoi(PQgetvalue(r, 0, 0)) / 10000 : -1);
		PQclear(r);
	}

	for (size_t i = 0; i < N_OF(option_cases); i++)
	{
		if (asprintf(&ci, "%s %s", base, option_cases[i]) < 0)
			abort();
		connect_case(ci);
		free(ci);
	}

	/* Unix socket, URI */
	if (asprintf(&ci, "host=%s port=%s dbname=%s user=%s max_protocol_version=3.2", sockdir, port,
				 g_db, g_trust) < 0)
		abort();
	connect_case(ci);
	free(ci);
	if (asprintf(&ci, "postgresql://%s@127.0.0.1:%s/%s?sslmode=disable&max_protocol_version=3.2",
				 g_trust, port, g_db) < 0)
		abort();
	connect_case(ci);
	free(ci);
	if (asprintf(&ci, "postgresql://%s@127.0.0.1:%s/%s?sslmode=disable&min_protocol_version=3.2",
				 g_trust, port, g_db) < 0)
		abort();
	connect_case(ci);
	free(ci);

	/* the environment variables */
	setenv("PGMAXPROTOCOLVERSION", "3.2", 1);
	out("\n(PGMAXPROTOCOLVERSION=3.2)");
	connect_case(base);
	if (asprintf(&ci, "%s max_protocol_version=3.0", base) < 0)
		abort();
	connect_case(ci);
	free(ci);
	unsetenv("PGMAXPROTOCOLVERSION");
	setenv("PGMINPROTOCOLVERSION", "3.2", 1);
	out("\n(PGMINPROTOCOLVERSION=3.2)");
	connect_case(base);
	unsetenv("PGMINPROTOCOLVERSION");
	setenv("PGMINPROTOCOLVERSION", "x", 1);
	out("\n(PGMINPROTOCOLVERSION=x)");
	connect_case(base);
	unsetenv("PGMINPROTOCOLVERSION");

	/* PQconninfo */
	for (int i = 0; i < 2; i++)
	{
		if (asprintf(&ci, "%s%s", base, i ? " min_protocol_version=3.0 max_protocol_version=latest" : "") < 0)
			abort();
		out("\n--- PQconninfo after PQconnectdb(\"%s\")\n", ci);
		c = PQconnectdb(ci);
		print_conninfo_versions(c);
		PQfinish(c);
		free(ci);
	}

	/* the versions while connecting, and after PQreset */
	for (int i = 0; i < 3; i++)
	{
		static const char *const extra[] = {"", "max_protocol_version=3.2",
			"min_protocol_version=3.2"};

		if (asprintf(&ci, "%s %s", base, extra[i]) < 0)
			abort();
		out("\n--- PQconnectStart/PQconnectPoll(\"%s\")\n", ci);
		c = connect_polled(ci, 0);
		str("PQerrorMessage", PQerrorMessage(c));
		if (PQstatus(c) == CONNECTION_OK)
		{
			out("PQresetStart: %d  ", PQresetStart(c));
			print_versions(c);
			PQreset(c);
			out("PQreset: %s  ", status_name(PQstatus(c)));
			print_versions(c);
		}
		PQfinish(c);
		free(ci);
	}

	/* protocol traces of the startup */
	for (int i = 0; i < 2; i++)
	{
		if (asprintf(&ci, "%s application_name=diff_protocol%s", base,
					 i ? " max_protocol_version=3.2" : "") < 0)
			abort();
		out("\n--- trace of PQconnectStart/PQconnectPoll(\"%s\")\n", ci);
		c = connect_polled(ci, 1);
		print_conn(c);
		PQfinish(c);
		free(ci);
	}

	/* cancel requests carry the whole key */
	for (int i = 0; i < 2; i++)
	{
		if (asprintf(&ci, "%s%s", base, i ? " max_protocol_version=3.2" : "") < 0)
			abort();
		cancel_cases(helper, ci);
		free(ci);
	}
	if (asprintf(&ci, "host=%s port=%s dbname=%s user=%s max_protocol_version=3.2", sockdir, port,
				 g_db, g_trust) < 0)
		abort();
	cancel_cases(helper, ci);
	free(ci);

	PQfinish(helper);
	free(base);
}

static void section_protocol(void)
{
	section("protocol");
	out("PQprotocolVersion(NULL): %d\n", PQprotocolVersion(NULL));
	if (f_full)
		out("PQfullProtocolVersion(NULL): %d\n", f_full(NULL));
	server_cases("PostgreSQL 15 (DIFF_PORT)", g_port, g_sockdir);
	server_cases("PostgreSQL 18 (DIFF_PG18_PORT)", g_pg18_port, g_pg18_sockdir);
}

/* ---------------------------------------------------------------- negotiation */

struct fake_case
{
	const char *scenario;
	const char *extra;
};

static const struct fake_case fake_cases[] = {
	{"downgrade", "max_protocol_version=3.2"},
	{"downgrade", "max_protocol_version=3.2 min_protocol_version=3.0"},
	{"downgrade", "min_protocol_version=3.2"},
	{"downgrade", ""},
	{"duplicate", "max_protocol_version=3.2"},
	{"downgrade_trailing", "max_protocol_version=3.2"},
	{"downgrade_key8", "max_protocol_version=3.2"},
	{"after_auth", "max_protocol_version=3.2"},
	{"higher", "max_protocol_version=3.2"},
	{"higher", ""},
	{"pre30", "max_protocol_version=3.2"},
	{"v31", "max_protocol_version=3.2"},
	{"negative", "max_protocol_version=3.2 min_protocol_version=3.2"},
	{"no_changes", "max_protocol_version=3.2"},
	{"no_changes", ""},
	{"option", "max_protocol_version=3.2"},
	{"option", ""},
	{"no_prefix", ""},
	{"too_short", "max_protocol_version=3.2"},
	{"name_missing", "max_protocol_version=3.2"},
	{"too_long", "max_protocol_version=3.2"},
	{"length_7", "max_protocol_version=3.2"},
	{"key0", ""},
	{"key0", "max_protocol_version=3.2"},
	{"key3", "max_protocol_version=3.2"},
	{"key4", ""},
	{"key4", "max_protocol_version=3.2"},
	{"key8", ""},
	{"key8", "max_protocol_version=3.2"},
	{"key32", ""},
	{"key32", "max_protocol_version=3.2"},
	{"key256", "max_protocol_version=3.2"},
	{"key257", "max_protocol_version=3.2"},
	{"key_no_pid", ""},
	{"key_no_pid", "max_protocol_version=3.2"},
	{"no_key", ""},
	{"no_key", "max_protocol_version=3.2"},
};

static char *fake_conninfo(const char *scenario, const char *extra)
{
	char *ci = NULL;

	if (asprintf(&ci, "host=127.0.0.1 port=%s user=fake dbname=fake sslmode=disable "
				 "gssencmode=disable application_name=%s %s", g_fake_port, scenario, extra) < 0)
		abort();
	return ci;
}

static void section_negotiation(void)
{
	section("negotiation");
	if (g_fake_port == NULL)
	{
		out("DIFF_FAKE_PORT is not set (see tests/integration/protocol.rs)\n");
		return;
	}
	for (size_t i = 0; i < N_OF(fake_cases); i++)
	{
		char *ci = fake_conninfo(fake_cases[i].scenario, fake_cases[i].extra);

		connect_case(ci);
		free(ci);
	}

	/* what the trace shows of the accepted ones, and of a short read */
	{
		static const struct fake_case traced[] = {
			{"downgrade", "max_protocol_version=3.2"},
			{"downgrade_trailing", "max_protocol_version=3.2"},
			{"key32", "max_protocol_version=3.2"},
			{"key256", "max_protocol_version=3.2"},
			{"key8", ""},
			{"higher", "max_protocol_version=3.2"},
		};

		for (size_t i = 0; i < N_OF(traced); i++)
		{
			char *ci = fake_conninfo(traced[i].scenario, traced[i].extra);
			PGconn *c;

			out("\n--- trace of PQconnectStart/PQconnectPoll(\"%s\")\n", ci);
			c = connect_polled(ci, 1);
			print_conn(c);
			PQfinish(c);
			free(ci);
		}
	}

	/* the versions along the way of a downgrade */
	{
		char *ci = fake_conninfo("downgrade", "max_protocol_version=3.2");
		PGconn *c;

		out("\n--- PQconnectStart/PQconnectPoll(\"%s\")\n", ci);
		c = connect_polled(ci, 0);
		print_conn(c);
		PQfinish(c);
		free(ci);
	}
}

/* ---------------------------------------------------------------- main */

static const struct program_section sections[] = {
	{"protocol", section_protocol, 1},
	{"negotiation", section_negotiation, 0},
};

int main(int argc, char **argv)
{
	start_program(0);
	check_sections(sections, N_OF(sections), argc, argv);
	g_fake_port = getenv("DIFF_FAKE_PORT");
	if (g_fake_port && *g_fake_port)
		add_mask(g_fake_port, "{FAKEPORT}", 1);
	else
		g_fake_port = NULL;
	if (getenv("DIFF_PORT"))
		read_server_env();
	g_pg18_port = getenv("DIFF_PG18_PORT");
	g_pg18_sockdir = getenv("DIFF_PG18_SOCKDIR");
	if (g_pg18_port && *g_pg18_port && g_pg18_sockdir && *g_pg18_sockdir)
	{
		add_mask(g_pg18_sockdir, "{PG18SOCKDIR}", 0);
		add_mask(g_pg18_port, "{PG18PORT}", 1);
	}
	else
		g_pg18_port = g_pg18_sockdir = NULL;

	f_full = (connint_fn) sym("PQfullProtocolVersion", 1);
	f_create = (cancelcreate_fn) opt_sym("PQcancelCreate");
	f_blocking = (cancelint_fn) opt_sym("PQcancelBlocking");
	f_start = (cancelint_fn) opt_sym("PQcancelStart");
	f_poll = (cancelpoll_fn) opt_sym("PQcancelPoll");
	f_status = (cancelstatus_fn) opt_sym("PQcancelStatus");
	f_socket = (cancelstatus_fn) opt_sym("PQcancelSocket");
	f_errmsg = (cancelerr_fn) opt_sym("PQcancelErrorMessage");
	f_finish = (cancelvoid_fn) opt_sym("PQcancelFinish");

	for (int a = 1; a < argc; a++)
		if (strcmp(argv[a], "protocol") == 0 && g_port == NULL)
		{
			fprintf(stderr, PROGRAM ": section protocol needs DIFF_PORT\n");
			return 2;
		}
	run_sections(sections, N_OF(sections), argc, argv);
	out("\n======== end ========\n");
	return 0;
}
