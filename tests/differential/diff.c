/*
 * Differential test program: prints everything observable of libpq's
 * foundation API (connect, status accessors, PQexec, results, errors,
 * notices, NULL and out-of-range arguments) for one running server, so that
 * the output with the real libpq 18 and with libpq-rs can be compared line by
 * line (tests/integration/differential.rs).
 *
 * Compiled against the system libpq-fe.h (PostgreSQL 15 on Debian 12), so the
 * functions added after 15 are looked up with dlsym and reported as
 * "(not exported)" when missing.
 *
 * Usage: diff [section...]   sections: misc conninfo connect params exec
 *                            errors notices range (default: all, in order)
 *
 * Environment (all required except where a default is shown):
 *   DIFF_PORT        server port; printed as {PORT}
 *   DIFF_SOCKDIR     server Unix socket directory; printed as {SOCKDIR}
 *   DIFF_DB          database (default "postgres")
 *   DIFF_TRUST_USER  user authenticated by "trust" (must be able to CREATE
 *                    TABLE/DOMAIN in DIFF_DB's public schema)
 *   DIFF_PASSWORD_USER DIFF_PASSWORD_PW   user with "password" auth
 *   DIFF_MD5_USER DIFF_MD5_PW             user with "md5" auth (md5 hash)
 *   DIFF_SCRAM_USER DIFF_SCRAM_PW         user with "scram-sha-256" auth
 * The server listens on 127.0.0.1. Users not listed in pg_hba.conf must get
 * "trust" (so that an unknown user gets "role ... does not exist").
 *
 * The program itself keeps a TCP port bound but not listening (a refused
 * connection, printed as {DEADPORT}) and clears the PG* environment, so that
 * nothing depends on the caller's environment, ~/.pgpass or the compiled-in
 * socket directory (which differs between builds: /var/run/postgresql for
 * Debian and libpq-rs, /tmp for the npm libpq 18). Every conninfo names its
 * host explicitly for the same reason.
 *
 * Output masking, only for what varies between runs: the port, the socket
 * directory and the dead port are printed symbolically; backend PIDs, the
 * server version string and table OIDs are printed as facts ("a live
 * backend", "matches SHOW server_version_num", the table's name). stderr is
 * merged into stdout so that the default notice processor's output is
 * compared too.
 *
 * Differences between libpq 18 and Debian's libpq 15 seen with this program
 * (tests/differential/README.md has the details; run with DIFF_SKIP_POST15=1
 * so that the post-15 functions are left out on both sides):
 *  - PQlibVersion() / 10000: 18 vs 15; PQresStatus(12) is
 *    "PGRES_TUPLES_CHUNK" in 18 (added in 17), "invalid ExecStatusType code"
 *    in 15.
 *  - Keywords added after 15 (sslnegotiation 17, sslcertmode 16,
 *    load_balance_hosts 16, require_auth 16, min_protocol_version 18): 15
 *    says `invalid connection option "..."`, which also makes PQdb/PQuser/
 *    PQoptions NULL, PQhost "" and PQping PQPING_NO_ATTEMPT there.
 *  - PQport after a failed option parse: "5432" in 18, "" in 15.
 *  - PQsocket after a refused TCP connection: -1 in 18 (socket closed), still
 *    >= 0 in 15; after a require_auth failure 18 keeps the socket open.
 */
#define PROGRAM "diff"
#define APPLICATION_NAME "diff"
#include "common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* ---------------------------------------------------------------- setup */

static const char *g_pwuser, *g_pw, *g_md5user, *g_md5pw, *g_scramuser, *g_scrampw;
static char g_deadport[16];

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
		default:
			snprintf(buf, sizeof buf, "ConnStatusType(%d)", (int) s);
			return buf;
	}
}

static const char *ping_name(PGPing p)
{
	static char buf[32];

	switch (p)
	{
		case PQPING_OK: return "PQPING_OK";
		case PQPING_REJECT: return "PQPING_REJECT";
		case PQPING_NO_RESPONSE: return "PQPING_NO_RESPONSE";
		case PQPING_NO_ATTEMPT: return "PQPING_NO_ATTEMPT";
		default:
			snprintf(buf, sizeof buf, "PGPing(%d)", (int) p);
			return buf;
	}
}

/* asked for after diag_fields[]: codes that are no field */
static const struct diag_field no_such_fields[] = {
	{'z', "'z' (no such field)"},
	{0, "0 (no such field)"},
};

/* ---------------------------------------------------------------- notices */

static void notice_processor(void *arg, const char *message)
{
	char label[64];

	snprintf(label, sizeof label, "notice processor [%s]", arg ? (const char *) arg : "NULL arg");
	str(label, message);
}

static void notice_receiver(void *arg, const PGresult *res)
{
	char label[64];

	out("notice receiver [%s]: status %s, PQntuples %d, PQnfields %d\n",
		arg ? (const char *) arg : "NULL arg",
		PQresStatus(PQresultStatus(res)), PQntuples(res), PQnfields(res));
	str("  PQresultErrorMessage", PQresultErrorMessage(res));
	print_diag_fields(res);
	for (size_t i = 0; i < N_OF(no_such_fields); i++)
	{
		const char *v = PQresultErrorField(res, no_such_fields[i].code);

		if (v)
		{
			snprintf(label, sizeof label, "  %s", no_such_fields[i].name);
			str(label, v);
		}
	}
}

/* ---------------------------------------------------------------- conninfo templates */

/*
 * Expand a conninfo template: %P port, %D dead port, %S socket dir, %B db,
 * %T trust user, %W/%w password user/password, %M/%m md5, %C/%c scram, %% %.
 */
/* The letters of this program's templates (see expand_template). */
static const char *template_code(char letter)
{
	switch (letter)
	{
		case 'P': return g_port;
		case 'D': return g_deadport;
		case 'S': return g_sockdir;
		case 'B': return g_db;
		case 'T': return g_trust;
		case 'W': return g_pwuser;
		case 'w': return g_pw;
		case 'M': return g_md5user;
		case 'm': return g_md5pw;
		case 'C': return g_scramuser;
		case 'c': return g_scrampw;
		default: return NULL;
	}
}

static char *expand(const char *t)
{
	return expand_template(t, template_code);
}

/* ---------------------------------------------------------------- dumps */

static const char *param_keys[] = {
	"server_encoding", "client_encoding", "application_name",
	"default_transaction_read_only", "in_hot_standby", "is_superuser",
	"session_authorization", "DateStyle", "IntervalStyle", "TimeZone",
	"integer_datetimes", "standard_conforming_strings", "scram_iterations",
	"search_path", "nonexistent_parameter", "datestyle", "",
};

static void dump_params(PGconn *c)
{
	char label[80];
	const char *sv = PQparameterStatus(c, "server_version");

	out("PQparameterStatus(server_version): %s\n", sv ? (*sv ? "(set, masked)" : "\"\"") : "(null)");
	for (size_t i = 0; i < sizeof param_keys / sizeof param_keys[0]; i++)
	{
		snprintf(label, sizeof label, "PQparameterStatus(%s)", param_keys[i]);
		str(label, PQparameterStatus(c, param_keys[i]));
	}
	str("PQparameterStatus(NULL)", PQparameterStatus(c, NULL));
}

/* Facts that need a query; run on the helper connection so `c` is untouched. */
static void dump_server_facts(PGconn *c)
{
	int sv = PQserverVersion(c);
	int pid = PQbackendPID(c);

	if (sv == 0 || PQstatus(g_helper) != CONNECTION_OK)
		out("PQserverVersion: %d\n", sv);
	else
	{
		PGresult *r = PQexec(g_helper, "SHOW server_version_num");
		int want = atoi(PQgetvalue(r, 0, 0));

		if (sv == want)
			out("PQserverVersion: (matches SHOW server_version_num)\n");
		else
			out("PQserverVersion: %d, but SHOW server_version_num is %d\n", sv, want);
		PQclear(r);
	}
	if (pid == 0 || PQstatus(g_helper) != CONNECTION_OK)
		out("PQbackendPID: %d\n", pid);
	else
	{
		char q[128];
		PGresult *r;

		snprintf(q, sizeof q, "SELECT count(*) FROM pg_stat_activity WHERE pid = %d", pid);
		r = PQexec(g_helper, q);
		out("PQbackendPID: %s\n", strcmp(PQgetvalue(r, 0, 0), "1") == 0 ? "(a live backend)" : "(no such backend)");
		PQclear(r);
	}
}

static void dump_conn(PGconn *c)
{
	int (*full_proto)(const PGconn *) = opt_sym("PQfullProtocolVersion");
	int (*used_gss)(const PGconn *) = opt_sym("PQconnectionUsedGSSAPI");

	if (c == NULL)
	{
		out("conn: NULL\n");
		return;
	}
	out("PQstatus: %s\n", connstatus_name(PQstatus(c)));
	str("PQerrorMessage", PQerrorMessage(c));
	str("PQdb", PQdb(c));
	str("PQuser", PQuser(c));
	str("PQpass", PQpass(c));
	str("PQhost", PQhost(c));
	str("PQhostaddr", PQhostaddr(c));
	str("PQport", PQport(c));
	str("PQoptions", PQoptions(c));
	str("PQtty", PQtty(c));
	out("PQconnectionNeedsPassword: %d\n", PQconnectionNeedsPassword(c));
	out("PQconnectionUsedPassword: %d\n", PQconnectionUsedPassword(c));
	if (used_gss)
		out("PQconnectionUsedGSSAPI: %d\n", used_gss(c));
	else if (!getenv("DIFF_SKIP_POST15"))
		out("PQconnectionUsedGSSAPI: (not exported)\n");
	out("PQtransactionStatus: %s\n", txn_name(PQtransactionStatus(c)));
	out("PQprotocolVersion: %d\n", PQprotocolVersion(c));
	if (full_proto)
		out("PQfullProtocolVersion: %d\n", full_proto(c));
	else if (!getenv("DIFF_SKIP_POST15"))
		out("PQfullProtocolVersion: (not exported)\n");
	out("PQsocket: %s\n", PQsocket(c) >= 0 ? "(>= 0)" : "-1");
	out("PQclientEncoding: %d\n", PQclientEncoding(c));
	dump_server_facts(c);
	dump_params(c);
}

/*
 * A template starting with "!" skips the PQexec on the failed connection:
 * libpq 18 leaves the socket open after a require_auth failure with the rest
 * of the server's startup messages unread, and what PQexec then reports
 * depends on timing.
 */
static void try_conninfo(const char *tmpl)
{
	int exec_after_failure = tmpl[0] != '!';
	char *ci = expand(tmpl + !exec_after_failure);
	PGconn *c;

	out("\n--- PQconnectdb(\"%s\")\n", ci);
	c = PQconnectdb(ci);
	dump_conn(c);
	if (c && PQstatus(c) != CONNECTION_OK && exec_after_failure)
	{
		PGresult *r = PQexec(c, "SELECT 1");

		out("PQexec on a failed connection: %s\n", r ? PQresStatus(PQresultStatus(r)) : "NULL");
		str("PQerrorMessage after", PQerrorMessage(c));
		PQclear(r);
	}
	out("PQping: %s\n", ping_name(PQping(ci)));
	PQfinish(c);
	free(ci);
}

/* ---------------------------------------------------------------- results */

static void dump_error_fields(const PGresult *r)
{
	char label[80];

	for (size_t i = 0; i < N_OF(diag_fields) + N_OF(no_such_fields); i++)
	{
		const struct diag_field *d =
			i < N_OF(diag_fields) ? &diag_fields[i] : &no_such_fields[i - N_OF(diag_fields)];

		snprintf(label, sizeof label, "  PQresultErrorField(%s)", d->name);
		str(label, PQresultErrorField(r, d->code));
	}
}

static void dump_result(const PGresult *r)
{
	if (r == NULL)
	{
		out("result: NULL\n");
		return;
	}
	ExecStatusType st = PQresultStatus(r);

	out("PQresultStatus: %d %s\n", (int) st, PQresStatus(st));
	str("PQresultErrorMessage", PQresultErrorMessage(r));
	str("PQcmdStatus", PQcmdStatus((PGresult *) r));
	str("PQcmdTuples", PQcmdTuples((PGresult *) r));
	out("PQoidValue: %u\n", PQoidValue(r));
	str("PQoidStatus", PQoidStatus(r));
	out("PQntuples: %d  PQnfields: %d  PQbinaryTuples: %d  PQnparams: %d\n",
		PQntuples(r), PQnfields(r), PQbinaryTuples(r), PQnparams(r));
	for (int f = 0; f < PQnfields(r); f++)
	{
		const char *name = PQfname(r, f);
		char *e = escape(name, strlen(name));
		char *quoted = malloc(2 * strlen(name) + 3), *q = quoted;

		/* the name as a quoted identifier, which PQfnumber must find */
		*q++ = '"';
		for (const char *p = name; *p; p++)
		{
			if (*p == '"')
				*q++ = '"';
			*q++ = *p;
		}
		*q++ = '"';
		*q = 0;
		out("  field %d: PQfname=\"%s\" PQfnumber(name)=%d PQfnumber(quoted)=%d",
			f, e, PQfnumber(r, name), PQfnumber(r, quoted));
		print_ftable(PQftable(r, f), 0);
		out(" ftablecol=%d fformat=%d ftype=%u fmod=%d fsize=%d\n",
			PQftablecol(r, f), PQfformat(r, f), PQftype(r, f), PQfmod(r, f), PQfsize(r, f));
		free(e);
		free(quoted);
	}
	for (int t = 0; t < PQntuples(r); t++)
	{
		out("  row %d:%s", t, PQnfields(r) > 4 ? "\n" : "");
		for (int f = 0; f < PQnfields(r); f++)
		{
			if (PQnfields(r) > 4)
				out("   ");
			print_value(r, t, f, HEX_NONE);
			if (PQnfields(r) > 4)
				out("\n");
		}
		if (PQnfields(r) <= 4)
			out("\n");
	}
	if (st == PGRES_FATAL_ERROR || st == PGRES_NONFATAL_ERROR)
		dump_error_fields(r);
}

/* Execute and print everything, including the conn's state afterwards. */
static void run(PGconn *c, const char *sql)
{
	char *e = escape(sql, strlen(sql));
	PGresult *r;

	out("\n--- PQexec(\"%s\")\n", e);
	free(e);
	r = PQexec(c, sql);
	dump_result(r);
	str("PQerrorMessage", PQerrorMessage(c));
	out("PQtransactionStatus: %s\n", txn_name(PQtransactionStatus(c)));
	PQclear(r);
}

/* ================================================================ sections */

static void sec_misc(void)
{
	section("misc");
	out("PQisthreadsafe: %d\n", PQisthreadsafe());
	out("PQlibVersion / 10000: %d\n", PQlibVersion() / 10000);
	for (int s = -1; s <= 13; s++)
		out("PQresStatus(%d): \"%s\"\n", s, PQresStatus((ExecStatusType) s));
	out("PQresStatus(1000): \"%s\"\n", PQresStatus((ExecStatusType) 1000));

	out("\n-- NULL connection\n");
	out("PQstatus(NULL): %s\n", connstatus_name(PQstatus(NULL)));
	str("PQerrorMessage(NULL)", PQerrorMessage(NULL));
	out("PQtransactionStatus(NULL): %s\n", txn_name(PQtransactionStatus(NULL)));
	out("PQsocket(NULL): %d\n", PQsocket(NULL));
	out("PQbackendPID(NULL): %d\n", PQbackendPID(NULL));
	out("PQserverVersion(NULL): %d\n", PQserverVersion(NULL));
	out("PQprotocolVersion(NULL): %d\n", PQprotocolVersion(NULL));
	{
		int (*full_proto)(const PGconn *) = opt_sym("PQfullProtocolVersion");

		if (full_proto)
			out("PQfullProtocolVersion(NULL): %d\n", full_proto(NULL));
	}
	out("PQclientEncoding(NULL): %d\n", PQclientEncoding(NULL));
	out("PQconnectionNeedsPassword(NULL): %d\n", PQconnectionNeedsPassword(NULL));
	out("PQconnectionUsedPassword(NULL): %d\n", PQconnectionUsedPassword(NULL));
	str("PQdb(NULL)", PQdb(NULL));
	str("PQuser(NULL)", PQuser(NULL));
	str("PQpass(NULL)", PQpass(NULL));
	str("PQhost(NULL)", PQhost(NULL));
	str("PQhostaddr(NULL)", PQhostaddr(NULL));
	str("PQport(NULL)", PQport(NULL));
	str("PQtty(NULL)", PQtty(NULL));
	str("PQoptions(NULL)", PQoptions(NULL));
	str("PQparameterStatus(NULL, \"server_version\")", PQparameterStatus(NULL, "server_version"));
	out("PQexec(NULL, \"SELECT 1\"): %s\n", PQexec(NULL, "SELECT 1") ? "non-NULL" : "NULL");
	out("PQsetErrorVerbosity(NULL, VERBOSE): %s\n",
		verbosity_name(PQsetErrorVerbosity(NULL, PQERRORS_VERBOSE)));
	out("PQsetErrorContextVisibility(NULL, ALWAYS): %s\n",
		context_name(PQsetErrorContextVisibility(NULL, PQSHOW_CONTEXT_ALWAYS)));
	out("PQsetNoticeProcessor(NULL, proc, NULL): %s\n",
		PQsetNoticeProcessor(NULL, notice_processor, NULL) ? "non-NULL" : "NULL");
	out("PQsetNoticeReceiver(NULL, recv, NULL): %s\n",
		PQsetNoticeReceiver(NULL, notice_receiver, NULL) ? "non-NULL" : "NULL");
	PQfinish(NULL);
	out("PQfinish(NULL): returned\n");

	out("\n-- NULL result\n");
	out("PQresultStatus(NULL): %d %s\n", (int) PQresultStatus(NULL), PQresStatus(PQresultStatus(NULL)));
	str("PQresultErrorMessage(NULL)", PQresultErrorMessage(NULL));
	str("PQresultErrorField(NULL, 'C')", PQresultErrorField(NULL, PG_DIAG_SQLSTATE));
	out("PQntuples(NULL): %d  PQnfields(NULL): %d  PQbinaryTuples(NULL): %d  PQnparams(NULL): %d\n",
		PQntuples(NULL), PQnfields(NULL), PQbinaryTuples(NULL), PQnparams(NULL));
	str("PQfname(NULL, 0)", PQfname(NULL, 0));
	out("PQfnumber(NULL, \"a\"): %d\n", PQfnumber(NULL, "a"));
	out("PQftable(NULL, 0): %u  PQftablecol: %d  PQfformat: %d  PQftype: %u  PQfmod: %d  PQfsize: %d\n",
		PQftable(NULL, 0), PQftablecol(NULL, 0), PQfformat(NULL, 0), PQftype(NULL, 0),
		PQfmod(NULL, 0), PQfsize(NULL, 0));
	out("PQparamtype(NULL, 0): %u\n", PQparamtype(NULL, 0));
	str("PQcmdStatus(NULL)", PQcmdStatus(NULL));
	str("PQcmdTuples(NULL)", PQcmdTuples(NULL));
	out("PQoidValue(NULL): %u\n", PQoidValue(NULL));
	str("PQoidStatus(NULL)", PQoidStatus(NULL));
	str("PQgetvalue(NULL, 0, 0)", PQgetvalue(NULL, 0, 0));
	out("PQgetlength(NULL, 0, 0): %d  PQgetisnull(NULL, 0, 0): %d\n",
		PQgetlength(NULL, 0, 0), PQgetisnull(NULL, 0, 0));
	PQclear(NULL);
	out("PQclear(NULL): returned\n");
	PQfreemem(NULL);
	out("PQfreemem(NULL): returned\n");

	out("\n-- PQmakeEmptyPGresult(NULL, status) for every status\n");
	for (int s = 0; s <= 11; s++)
	{
		PGresult *r = PQmakeEmptyPGresult(NULL, (ExecStatusType) s);

		out("\nPQmakeEmptyPGresult(NULL, %s):\n", PQresStatus((ExecStatusType) s));
		dump_result(r);
		PQclear(r);
	}
	{
		/* out-of-range accessors on a result made without a connection: it
		 * has no notice hooks, so no notice (anything written to stderr
		 * would show up here, merged into stdout) */
		PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);

		out("\nout-of-range on PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK), no notice hooks:\n");
		str("PQgetvalue(r, 0, 0)", PQgetvalue(r, 0, 0));
		str("PQfname(r, 0)", PQfname(r, 0));
		out("PQgetisnull(r, 0, 0): %d\n", PQgetisnull(r, 0, 0));
		PQclear(r);
	}
}

static const char *const bad_conninfos[] = {
	/* parse errors: no connection attempt */
	"host",
	"host=127.0.0.1 port",
	"host=127.0.0.1 port=%P dbname",
	"host = 127.0.0.1 port= %P dbname =%B user=%T =value",
	"host='127.0.0.1 port=%P",
	"host=127.0.0.1 port=%P user='%T\\'",
	"host=127.0.0.1 port=%P dbname=%B user=%T bogus_keyword=1",
	"host=127.0.0.1 port=%P dbname=%B user=%T sslmode=bogus",
	"host=127.0.0.1 port=%P dbname=%B user=%T sslmode=",
	"host=127.0.0.1 port=%P dbname=%B user=%T target_session_attrs=bogus",
	"host=127.0.0.1 port=%P dbname=%B user=%T gssencmode=bogus",
	"host=127.0.0.1 port=%P dbname=%B user=%T channel_binding=bogus",
	"host=127.0.0.1 port=%P dbname=%B user=%T sslnegotiation=bogus",
	"host=127.0.0.1 port=%P dbname=%B user=%T sslcertmode=bogus",
	"host=127.0.0.1 port=%P dbname=%B user=%T load_balance_hosts=bogus",
	"host=127.0.0.1 port=%P dbname=%B user=%T require_auth=bogus",
	"host=127.0.0.1 port=%P dbname=%B user=%T min_protocol_version=bogus",
	"host=127.0.0.1 port=%P dbname=%B user=%T connect_timeout=abc",
	"host=127.0.0.1 port=%P dbname=%B user=%T connect_timeout=-5",
	"host=127.0.0.1 port=%P dbname=%B user=%T keepalives=x",
	"host=127.0.0.1 port=abc dbname=%B user=%T",
	"host=127.0.0.1 port=99999 dbname=%B user=%T",
	"host=127.0.0.1 port=-1 dbname=%B user=%T",
	"host=127.0.0.1 port=%P, dbname=%B user=%T",
	"host=127.0.0.1,127.0.0.1,127.0.0.1 port=%P,%P dbname=%B user=%T",
	"host=a,b,c hostaddr=127.0.0.1,127.0.0.1 port=%P dbname=%B user=%T",
	"hostaddr=not.an.address port=%P dbname=%B user=%T",
	"hostaddr=127.0.0.1 port=%P dbname=%B user=%T host=",
	/* URIs */
	"postgresql://127.0.0.1:%P/%B?bogus=1",
	"postgresql://127.0.0.1:%P/%B?sslmode",
	"postgresql://127.0.0.1:%P/%B?sslmode=a=b",
	"postgresql://127.0.0.1:%P/%B?sslmode=bogus",
	"postgresql://127.0.0.1:%P/%B?user=%T&connect_timeout=abc",
	"postgresql://[::1:%P/%B",
	"postgresql://[]:%P/%B",
	"postgresql://[::1]x/%B",
	"postgresql://%%zz@127.0.0.1:%P/%B",
	"postgresql://%T@127.0.0.1:%P/%B%%00",
	"postgresql://%T@127.0.0.1:%P/%B%%2",
	"postgresql://%T@127.0.0.1:abc/%B",
	"postgresql://%T@127.0.0.1:%P/%B?host=%S&port=abc",
	"postgres://%T@127.0.0.1:%P/%B?ssl=bogus",
	"postgresql:/127.0.0.1",
	"postgresqlx://127.0.0.1:%P/%B",
};

static void sec_conninfo(void)
{
	section("conninfo");
	for (size_t i = 0; i < sizeof bad_conninfos / sizeof bad_conninfos[0]; i++)
		try_conninfo(bad_conninfos[i]);
}

static const char *const connect_cases[] = {
	/* good */
	"host=127.0.0.1 port=%P dbname=%B user=%T",
	"host=%S port=%P dbname=%B user=%T",
	"host=localhost port=%P dbname=%B user=%T",
	"host=127.0.0.1 port=%P dbname=%B user=%W password=%w",
	"host=%S port=%P dbname=%B user=%W password=%w",
	"host=127.0.0.1 port=%P dbname=%B user=%M password=%m",
	"host=%S port=%P dbname=%B user=%M password=%m",
	"host=127.0.0.1 port=%P dbname=%B user=%C password=%c",
	"host=%S port=%P dbname=%B user=%C password=%c",
	"host=127.0.0.1 port=%P dbname=%B user=%C password=%c sslmode=disable channel_binding=disable",
	"host=localhost hostaddr=127.0.0.1 port=%P dbname=%B user=%T",
	"host = '127.0.0.1'   port = '%P' dbname = '%B' user = '%T' options = '-c search_path=public -c DateStyle=ISO,DMY'",
	"host=127.0.0.1 port=%P dbname=%B user=%T application_name=diff_app fallback_application_name=fb",
	"host=127.0.0.1 port=%P dbname=%B user=%T fallback_application_name=fb_only",
	"host=127.0.0.1 port=%P dbname=%B user=%T client_encoding=LATIN1",
	"host=127.0.0.1 port=%P dbname=%B user=%T client_encoding=SQL_ASCII",
	"host=127.0.0.1 port=%P dbname=%B user=%T connect_timeout=10 keepalives=1 keepalives_idle=30",
	"host=127.0.0.1 port=%P dbname=%B user=%T sslmode=disable",
	"host=127.0.0.1 port=%P dbname=%B user=%T sslmode=allow",
	"host=127.0.0.1 port=%P dbname=%B user=%T gssencmode=disable",
	"host=127.0.0.1 port=%P dbname=%B user=%T target_session_attrs=any",
	"host=127.0.0.1 port=%P dbname=%B user=%T target_session_attrs=read-write",
	"host=127.0.0.1 port=%P dbname=%B user=%T target_session_attrs=primary",
	"host=127.0.0.1 port=%P dbname=%B user=%T target_session_attrs=prefer-standby",
	"host=127.0.0.1 port=%P dbname=nosuch_db dbname=%B user=%T",
	"host=127.0.0.1,127.0.0.1 port=%D,%P dbname=%B user=%T",
	"host=%S,127.0.0.1 port=%D,%P dbname=%B user=%T",
	"host=127.0.0.1,%S port=%P dbname=%B user=%T",
	"host=127.0.0.1 hostaddr=127.0.0.1,127.0.0.1 port=%D,%P dbname=%B user=%T",
	"host=nosuchhost.invalid,127.0.0.1 port=%P dbname=%B user=%T",
	"postgresql://%T@127.0.0.1:%P/%B",
	"postgresql://%W:%w@127.0.0.1:%P/%B?application_name=uri%%20app",
	"postgres://%T@127.0.0.1:%D,127.0.0.1:%P/%B",
	"postgresql:///%B?host=%S&port=%P&user=%T",
	"postgresql://127.0.0.1:%P?dbname=%B&user=%T&options=-c%%20search_path%%3Dpublic",
	"postgresql://%T@127.0.0.1:%P/%B?sslmode=disable&target_session_attrs=read-write",
	/* failing */
	"host=127.0.0.1 port=%P dbname=%B user=%W password=wrong",
	"host=%S port=%P dbname=%B user=%W password=wrong",
	"host=127.0.0.1 port=%P dbname=%B user=%W",
	"host=%S port=%P dbname=%B user=%W",
	"host=127.0.0.1 port=%P dbname=%B user=%M password=wrong",
	"host=%S port=%P dbname=%B user=%M password=wrong",
	"host=127.0.0.1 port=%P dbname=%B user=%M",
	"host=127.0.0.1 port=%P dbname=%B user=%C password=wrong",
	"host=%S port=%P dbname=%B user=%C password=wrong",
	"host=127.0.0.1 port=%P dbname=%B user=%C",
	"host=127.0.0.1 port=%P dbname=%B user=%W password=",
	"host=127.0.0.1 port=%P dbname=nosuch_db user=%T",
	"host=%S port=%P dbname=nosuch_db user=%T",
	"host=127.0.0.1 port=%P dbname=%B user=nosuch_user",
	"host=127.0.0.1,%S port=%P dbname=%B user=nosuch_user",
	"host=127.0.0.1 port=%D dbname=%B user=%T",
	"host=%S port=%D dbname=%B user=%T",
	"host=127.0.0.1,%S port=%D dbname=%B user=%T",
	"host=127.0.0.1,127.0.0.1 port=%D,%D dbname=%B user=%T connect_timeout=5",
	"hostaddr=127.0.0.1 port=%D dbname=%B user=%T",
	"host=localhost hostaddr=127.0.0.1 port=%D dbname=%B user=%T",
	"host=nosuchhost.invalid port=%P dbname=%B user=%T",
	"host=nosuchhost.invalid,127.0.0.1 port=%D dbname=%B user=%T",
	"host=127.0.0.1 port=%P dbname=%B user=%T client_encoding=bogus_encoding",
	"host=127.0.0.1 port=%P dbname=%B user=%T options='-c no_such_setting=1'",
	"host=127.0.0.1 port=%P dbname=%B user=%T options='-c work_mem=bogus'",
	"host=127.0.0.1 port=%P dbname=%B user=%T target_session_attrs=read-only",
	"host=127.0.0.1 port=%P dbname=%B user=%T target_session_attrs=standby",
	"host=127.0.0.1,%S port=%P dbname=%B user=%T target_session_attrs=standby",
	"!host=127.0.0.1 port=%P dbname=%B user=%C password=%c require_auth=password",
	"!host=127.0.0.1 port=%P dbname=%B user=%W password=%w require_auth=scram-sha-256",
	"!host=127.0.0.1 port=%P dbname=%B user=%T require_auth=md5",
	"host=127.0.0.1 port=%P dbname=%B user=%T require_auth=none",
	"host=127.0.0.1 port=%P dbname=%B user=%C password=%c require_auth=!password,!md5",
	"!host=127.0.0.1 port=%P dbname=%B user=%C password=%c sslmode=disable channel_binding=require",
	"host=127.0.0.1 port=%P dbname=%B user=%T sslmode=require",
	"postgresql://%T@127.0.0.1:%P/%B?ssl=true",
	"postgresql://%W:wrong@127.0.0.1:%P/%B",
	"postgresql://nosuch_user@127.0.0.1:%P/nosuch_db",
	"postgresql://%T@127.0.0.1:%D/%B",
	"postgresql://%T@[::1]:%D/%B",
};

static void sec_connect(void)
{
	section("connect");
	for (size_t i = 0; i < sizeof connect_cases / sizeof connect_cases[0]; i++)
		try_conninfo(connect_cases[i]);
}

static void try_params(const char *title, const char *const *kw, const char *const *tvals, int n, int expand_dbname)
{
	char **vals = calloc(n + 1, sizeof(char *));
	PGconn *c;

	out("\n--- PQconnectdbParams %s, expand_dbname=%d\n", title, expand_dbname);
	for (int i = 0; i < n; i++)
	{
		vals[i] = tvals[i] ? expand(tvals[i]) : NULL;
		out("  %s = %s%s%s\n", kw[i], vals[i] ? "\"" : "", vals[i] ? vals[i] : "NULL", vals[i] ? "\"" : "");
	}
	c = PQconnectdbParams(kw, (const char *const *) vals, expand_dbname);
	dump_conn(c);
	out("PQpingParams: %s\n", ping_name(PQpingParams(kw, (const char *const *) vals, expand_dbname)));
	PQfinish(c);
	for (int i = 0; i < n; i++)
		free(vals[i]);
	free(vals);
}

static void try_setdb(const char *host, const char *port, const char *opts, const char *tty,
					  const char *db, const char *user, const char *pwd)
{
	char *h = host ? expand(host) : NULL, *p = port ? expand(port) : NULL, *d = db ? expand(db) : NULL;
	char *u = user ? expand(user) : NULL, *w = pwd ? expand(pwd) : NULL;
	PGconn *c;

	out("\n--- PQsetdbLogin(%s, %s, %s, %s, %s, %s, %s)\n", h ? h : "NULL", p ? p : "NULL",
		opts ? opts : "NULL", tty ? tty : "NULL", d ? d : "NULL", u ? u : "NULL", w ? w : "NULL");
	c = PQsetdbLogin(h, p, opts, tty, d, u, w);
	dump_conn(c);
	PQfinish(c);
	free(h);
	free(p);
	free(d);
	free(u);
	free(w);
}

static void sec_params(void)
{
	section("params");
	{
		const char *kw[] = {"host", "port", "dbname", "user", NULL};
		const char *v[] = {"127.0.0.1", "%P", "%B", "%T"};

		try_params("basic", kw, v, 4, 0);
	}
	{
		const char *kw[] = {"host", "port", "dbname", "user", "password", NULL};
		const char *v[] = {"%S", "%P", "%B", "%C", "%c"};

		try_params("scram over socket", kw, v, 5, 0);
	}
	{
		const char *kw[] = {"host", "port", "dbname", "user", "application_name", NULL};
		const char *v[] = {"127.0.0.1", "%P", "%B", "%T", ""};

		try_params("empty value counts as unset", kw, v, 5, 0);
	}
	{
		const char *kw[] = {"host", "port", "user", "dbname", "port", NULL};
		const char *v[] = {"127.0.0.1", "%P", "%T", "%B", NULL};
		const char *v2[] = {"127.0.0.1", "%P", "%T", "%B", ""};

		try_params("a NULL value does not override", kw, v, 5, 0);
		try_params("an empty value does not override", kw, v2, 5, 0);
	}
	{
		const char *kw[] = {"host", "port", "user", "dbname", "application_name", NULL};
		const char *v[] = {"%S", "%P", "nosuch_user", "host=127.0.0.1 port=%P dbname=%B user=%T", "later"};

		try_params("dbname is a conninfo", kw, v, 5, 1);
		try_params("dbname is a conninfo", kw, v, 5, 0);
	}
	{
		const char *kw[] = {"dbname", "port", NULL};
		const char *v[] = {"postgresql://%T@127.0.0.1:%D/%B", "%P"};

		try_params("dbname is a URI, later port wins", kw, v, 2, 1);
	}
	{
		const char *kw[] = {"host", "port", "dbname", "user", "bogus_keyword", NULL};
		const char *v[] = {"127.0.0.1", "%P", "%B", "%T", "x"};

		try_params("unknown keyword", kw, v, 5, 0);
	}
	{
		const char *kw[] = {"host", "port", "dbname", "user", "sslmode", NULL};
		const char *v[] = {"127.0.0.1", "%P", "%B", "%T", "bogus"};

		try_params("bad sslmode", kw, v, 5, 0);
	}
	{
		const char *kw[] = {"dbname", NULL};
		const char *v[] = {"host='unterminated"};

		try_params("dbname conninfo with a syntax error", kw, v, 1, 1);
	}
	try_setdb("127.0.0.1", "%P", NULL, NULL, "%B", "%T", NULL);
	try_setdb("%S", "%P", "-c DateStyle=German", "tty_is_ignored", "%B", "%W", "%w");
	try_setdb("127.0.0.1", "%P", NULL, NULL, "%B", "%W", "wrong");
	try_setdb("127.0.0.1", "%P", NULL, NULL, "host=127.0.0.1 port=%P dbname=%B user=%T", "nosuch_user", NULL);
	try_setdb("127.0.0.1", "%D", NULL, NULL, "%B", "%T", NULL);
	try_setdb("127.0.0.1", "%P", NULL, NULL, "host='unterminated", NULL, NULL);
}

static void sec_exec(void)
{
	PGconn *c;

	section("exec");
	c = connect_trust();
	PQsetNoticeProcessor(c, notice_processor, "exec");
	quiet(c, "SET client_min_messages = warning");
	quiet(c, "DROP TABLE IF EXISTS diff_types, diff_ctas, diff_into, diff_merge CASCADE");
	quiet(c, "RESET client_min_messages");

	run(c, "CREATE TABLE diff_types (id int PRIMARY KEY, i2 int2, i8 int8, f4 float4, f8 float8, "
		"num numeric(10,2), t text, vc varchar(5), c char(3), b bool, ba bytea, d date, "
		"ts timestamp, tstz timestamptz, iv interval, j json, jb jsonb, u uuid, arr int4[], "
		"\"MixedCase\" text, \"we\"\"ird col\" text, ip inet, o oid, n name, tm time(3))");
	run(c, "INSERT INTO diff_types (id, i2, i8, f4, f8, num, t, vc, c, b, ba, d, ts, tstz, iv, j, jb, u, arr, "
		"\"MixedCase\", \"we\"\"ird col\", ip, o, n, tm) VALUES "
		"(1, -32768, 9223372036854775807, 1.5, -2.25e-300, 12345678.91, 'hello', 'abcde', 'ab', true, "
		"'\\x00ff5c27'::bytea, '2024-02-29', '2024-02-29 13:14:15.123456', '2024-02-29 13:14:15+02', "
		"'1 year 2 mons 3 days 04:05:06.7', '{\"a\": [1, 2]}', '{\"b\": {\"c\": null}}', "
		"'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{1,NULL,3}', 'Mixed', 'weird', '192.168.0.1/24', 4294967295, "
		"'a_name', '23:59:59.999')");
	run(c, "INSERT INTO diff_types (id, t) VALUES (2, NULL), (3, ''), (4, E'tab\\there\\nnewline \\\\ quote\" h\u00e9llo \u20ac')");
	run(c, "INSERT INTO diff_types (id) VALUES (5) RETURNING id, t, b");
	run(c, "SELECT * FROM diff_types ORDER BY id");
	run(c, "SELECT id AS \"Id\", t AS lower_t, 1 AS \"?column?\", NULL AS nothing, NULL::int AS typed_null, "
		"id + 1, count(*) OVER () FROM diff_types WHERE id <= 2 ORDER BY 1");
	run(c, "SELECT 1::numeric(5,0), 'x'::varchar(10), 'y'::char(2), 'z'::\"char\", 1.5::float4, "
		"now() IS NOT NULL, '12:00'::time(2), '1 day'::interval(0), B'101'::bit(3), ''::bytea");
	run(c, "SELECT length(repeat('x', 100000)), repeat('y', 100000)");
	run(c, "SELECT * FROM diff_types WHERE false");
	run(c, "SELECT");
	run(c, "SELECT FROM diff_types");
	run(c, "VALUES (1, 'one'), (2, 'two'), (3, NULL)");
	run(c, "UPDATE diff_types SET t = 'updated' WHERE id >= 3");
	run(c, "UPDATE diff_types SET t = 'none' WHERE false");
	run(c, "DELETE FROM diff_types WHERE id = 5");
	run(c, "CREATE TABLE diff_ctas AS SELECT id, t FROM diff_types");
	run(c, "SELECT id, t INTO diff_into FROM diff_types WHERE id < 3");
	run(c, "CREATE TABLE diff_merge (id int, v text)");
	run(c, "MERGE INTO diff_merge m USING diff_types s ON m.id = s.id WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.t)");
	run(c, "INSERT INTO diff_merge SELECT id, t FROM diff_types");
	run(c, "SELECT d.id, d.t, m.v FROM diff_types d JOIN diff_merge m USING (id) ORDER BY 1 LIMIT 2");

	/* several statements in one string: only the last result */
	run(c, "SELECT 1; SELECT 2 AS two, 3 AS three");
	run(c, "SELECT 1; UPDATE diff_types SET b = b WHERE id = 1");
	run(c, "CREATE TEMP TABLE diff_tmp (a int); INSERT INTO diff_tmp VALUES (1), (2); SELECT * FROM diff_tmp; DROP TABLE diff_tmp");
	run(c, "SELECT 1; SELECT 1/0; SELECT 3");
	run(c, "SELECT 1;;; ");

	/* empty queries */
	run(c, "");
	run(c, "   ");
	run(c, ";");
	run(c, "-- only a comment");
	run(c, "/* block */");

	/* transactions */
	run(c, "BEGIN");
	run(c, "INSERT INTO diff_merge VALUES (100, 'in txn')");
	run(c, "SAVEPOINT s1");
	run(c, "SELECT 1/0");
	run(c, "SELECT 1");
	run(c, "ROLLBACK TO SAVEPOINT s1");
	run(c, "SELECT count(*) FROM diff_merge WHERE id = 100");
	run(c, "DECLARE cur CURSOR FOR SELECT id FROM diff_types ORDER BY id");
	run(c, "FETCH 2 FROM cur");
	run(c, "MOVE 1 IN cur");
	run(c, "FETCH ALL FROM cur");
	run(c, "CLOSE cur");
	run(c, "COMMIT");
	run(c, "BEGIN; SELECT 1");
	run(c, "SELECT nosuchcolumn");
	run(c, "SELECT 1");
	run(c, "COMMIT");
	run(c, "START TRANSACTION ISOLATION LEVEL SERIALIZABLE");
	run(c, "ROLLBACK");
	run(c, "ROLLBACK");
	run(c, "BEGIN; SELECT 1; COMMIT");

	/* utility statements */
	run(c, "SHOW DateStyle");
	run(c, "SET DateStyle = 'SQL, DMY'");
	str("PQparameterStatus(DateStyle)", PQparameterStatus(c, "DateStyle"));
	run(c, "SET application_name = 'changed'");
	str("PQparameterStatus(application_name)", PQparameterStatus(c, "application_name"));
	run(c, "SET client_encoding = 'LATIN1'");
	out("PQclientEncoding: %d\n", PQclientEncoding(c));
	out("PQsetClientEncoding(UTF8): %d\n", PQsetClientEncoding(c, "UTF8"));
	out("PQclientEncoding: %d\n", PQclientEncoding(c));
	out("PQsetClientEncoding(bogus): %d\n", PQsetClientEncoding(c, "bogus"));
	str("PQerrorMessage", PQerrorMessage(c));
	out("PQclientEncoding: %d\n", PQclientEncoding(c));
	run(c, "RESET ALL");
	str("PQparameterStatus(DateStyle)", PQparameterStatus(c, "DateStyle"));
	run(c, "DO $$BEGIN PERFORM 1; END$$");
	run(c, "PREPARE p1 (int) AS SELECT $1 + 1");
	run(c, "EXECUTE p1 (41)");
	run(c, "DEALLOCATE p1");
	run(c, "EXPLAIN (COSTS OFF) SELECT 1 UNION ALL SELECT 2");
	run(c, "LISTEN diff_channel");
	run(c, "NOTIFY diff_channel, 'payload'");
	run(c, "UNLISTEN *");
	run(c, "ANALYZE diff_merge");
	run(c, "TRUNCATE diff_merge");
	run(c, "DROP TABLE diff_types, diff_ctas, diff_into, diff_merge");

	/* NULL query string */
	{
		PGresult *r = PQexec(c, NULL);

		out("\nPQexec(conn, NULL): %s\n", r ? "non-NULL" : "NULL");
		str("PQerrorMessage", PQerrorMessage(c));
		PQclear(r);
	}
	run(c, "SELECT 'still usable'");

	/* a result outlives its connection */
	{
		PGresult *r = PQexec(c, "SELECT 'survivor' AS s, 42 AS n");

		PQfinish(c);
		out("\nresult after PQfinish of its connection:\n");
		dump_result(r);
		PQclear(r);
	}
}

static const char *const error_statements[] = {
	"SELEC 1",
	"SELECT 1,\n  2,\n\t3 +\n  FROM diff_err",
	"SELECT 'h\u00e9llo \u20ac\t', 'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz', nosuchcol, 'after the error abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz'",
	"SELECT 1/0",
	"SELECT 'abc'::int",
	"INSERT INTO diff_err (id, v) VALUES (1, 'dup')",
	"INSERT INTO diff_err (id, v) VALUES (2, NULL)",
	"SELECT idd FROM diff_err",
	"SELECT (-1)::diff_posint",
	"SELECT * FROM nosuch_table",
	"DO $$BEGIN RAISE EXCEPTION 'boom %', 42 USING DETAIL = 'the detail', HINT = 'the hint', ERRCODE = 'P0001'; END$$",
	"DO $$BEGIN PERFORM 1/0; END$$",
	"DO $$BEGIN EXECUTE 'SELEC 1'; END$$",
	"SELECT diff_fail(3)",
	"DO $$BEGIN RAISE NOTICE 'notice % here', 1; RAISE WARNING 'warning here' USING DETAIL = 'wd'; RAISE INFO 'info here'; END$$",
	"SELECT 1; SELECT 1/0; SELECT 3",
};

static void sec_errors(void)
{
	PGconn *c;

	section("errors");
	c = connect_trust();
	PQsetNoticeProcessor(c, notice_processor, "errors");
	quiet(c, "SET client_min_messages = warning");
	quiet(c, "DROP TABLE IF EXISTS diff_err");
	quiet(c, "DROP DOMAIN IF EXISTS diff_posint");
	quiet(c, "DROP FUNCTION IF EXISTS diff_fail(int)");
	quiet(c, "RESET client_min_messages");
	quiet(c, "CREATE TABLE diff_err (id int PRIMARY KEY, v text NOT NULL)");
	quiet(c, "INSERT INTO diff_err VALUES (1, 'one')");
	quiet(c, "CREATE DOMAIN diff_posint AS int CONSTRAINT diff_posint_check CHECK (VALUE > 0)");
	quiet(c, "CREATE FUNCTION diff_fail(n int) RETURNS int LANGUAGE plpgsql AS $$\n"
		  "BEGIN\n"
		  "  IF n > 0 THEN\n"
		  "    RETURN diff_fail(n - 1);\n"
		  "  END IF;\n"
		  "  RAISE EXCEPTION 'bottom reached' USING HINT = 'recursion';\n"
		  "END$$");

	for (size_t i = 0; i < sizeof error_statements / sizeof error_statements[0]; i++)
	{
		const char *sql = error_statements[i];
		PGresult *last = NULL;
		char *e = escape(sql, strlen(sql));

		out("\n--- statement \"%s\"\n", e);
		free(e);
		for (size_t v = 0; v < sizeof verbosities / sizeof verbosities[0]; v++)
			for (size_t x = 0; x < sizeof visibilities / sizeof visibilities[0]; x++)
			{
				PGVerbosity pv = PQsetErrorVerbosity(c, verbosities[v]);
				PGContextVisibility px = PQsetErrorContextVisibility(c, visibilities[x]);
				PGresult *r;

				out("\n[%s (was %s), %s (was %s)]\n", verbosity_name(verbosities[v]), verbosity_name(pv),
					context_name(visibilities[x]), context_name(px));
				r = PQexec(c, sql);
				out("PQresultStatus: %s\n", r ? PQresStatus(PQresultStatus(r)) : "NULL");
				str("PQresultErrorMessage", PQresultErrorMessage(r));
				if (strcmp(PQresultErrorMessage(r), PQerrorMessage(c)) == 0)
					out("PQerrorMessage: (the same)\n");
				else
					str("PQerrorMessage", PQerrorMessage(c));
				PQclear(last);
				last = r;
			}
		PQsetErrorVerbosity(c, PQERRORS_DEFAULT);
		PQsetErrorContextVisibility(c, PQSHOW_CONTEXT_ERRORS);
		out("\nlast result in full:\n");
		dump_result(last);
		print_verbose_matrix(last);
		PQclear(last);
	}
	{
		/* PQresultVerboseErrorMessage on non-error results */
		PGresult *ok = PQexec(c, "SELECT 1");
		PGresult *empty = PQmakeEmptyPGresult(NULL, PGRES_FATAL_ERROR);
		PGresult *conn_err = PQmakeEmptyPGresult(c, PGRES_FATAL_ERROR);
		char *m;

		out("\n--- PQresultVerboseErrorMessage on other results\n");
		m = PQresultVerboseErrorMessage(ok, PQERRORS_VERBOSE, PQSHOW_CONTEXT_ALWAYS);
		str("on PGRES_TUPLES_OK", m);
		PQfreemem(m);
		m = PQresultVerboseErrorMessage(empty, PQERRORS_VERBOSE, PQSHOW_CONTEXT_ALWAYS);
		str("on PQmakeEmptyPGresult(NULL, PGRES_FATAL_ERROR)", m);
		PQfreemem(m);
		m = PQresultVerboseErrorMessage(conn_err, PQERRORS_VERBOSE, PQSHOW_CONTEXT_ALWAYS);
		str("on PQmakeEmptyPGresult(conn, PGRES_FATAL_ERROR)", m);
		PQfreemem(m);
		PQclear(ok);
		PQclear(empty);
		PQclear(conn_err);
	}
	quiet(c, "DROP TABLE diff_err");
	quiet(c, "DROP FUNCTION diff_fail(int)");
	quiet(c, "DROP DOMAIN diff_posint");
	PQfinish(c);
}

static void sec_notices(void)
{
	PGconn *c;
	const char *raise =
		"DO $$BEGIN RAISE NOTICE 'n1 %', 'x' USING DETAIL = 'd1', HINT = 'h1'; "
		"RAISE WARNING 'w1'; RAISE DEBUG 'not sent'; END$$";

	section("notices");

	/* default receiver + custom processor, and replacing the processor */
	c = connect_trust();
	out("PQsetNoticeProcessor(c, proc, \"A\") returned the default: %s\n",
		PQsetNoticeProcessor(c, notice_processor, "A") ? "non-NULL" : "NULL");
	out("PQsetNoticeProcessor(c, NULL, NULL) returns current: %s\n",
		PQsetNoticeProcessor(c, NULL, NULL) == notice_processor ? "ours" : "other");
	run(c, raise);
	run(c, "DROP TABLE IF EXISTS diff_nonexistent_table");
	run(c, "SET client_min_messages = debug1");
	run(c, "SELECT 1");
	run(c, "RESET client_min_messages");
	PQsetErrorVerbosity(c, PQERRORS_VERBOSE);
	run(c, raise);
	PQsetErrorVerbosity(c, PQERRORS_TERSE);
	run(c, raise);
	PQsetErrorVerbosity(c, PQERRORS_SQLSTATE);
	run(c, raise);
	PQsetErrorVerbosity(c, PQERRORS_DEFAULT);
	PQsetErrorContextVisibility(c, PQSHOW_CONTEXT_ALWAYS);
	run(c, raise);
	PQsetErrorContextVisibility(c, PQSHOW_CONTEXT_ERRORS);
	run(c, "ROLLBACK");
	run(c, "COMMIT");
	out("PQsetNoticeProcessor(c, proc, \"B\") returned ours: %s\n",
		PQsetNoticeProcessor(c, notice_processor, "B") == notice_processor ? "yes" : "no");
	run(c, raise);

	/* custom receiver: the processor is no longer called */
	out("PQsetNoticeReceiver(c, recv, \"R\") returned: %s\n",
		PQsetNoticeReceiver(c, notice_receiver, "R") ? "non-NULL" : "NULL");
	out("PQsetNoticeReceiver(c, NULL, NULL) returns current: %s\n",
		PQsetNoticeReceiver(c, NULL, NULL) == notice_receiver ? "ours" : "other");
	run(c, raise);
	PQsetErrorVerbosity(c, PQERRORS_VERBOSE);
	PQsetErrorContextVisibility(c, PQSHOW_CONTEXT_ALWAYS);
	run(c, raise);
	run(c, "DROP TABLE IF EXISTS diff_nonexistent_table");
	PQfinish(c);

	/* the default notice processor writes to stderr */
	c = connect_trust();
	out("\n-- default notice processor (stderr)\n");
	fflush(stdout);
	{
		PGresult *r = PQexec(c, raise);

		fflush(stderr);
		out("PQresultStatus: %s\n", PQresStatus(PQresultStatus(r)));
		PQclear(r);
	}
	PQfinish(c);
}

static void sec_range(void)
{
	PGconn *c;
	PGresult *r, *cmd;

	section("range");
	c = connect_trust();
	PQsetNoticeProcessor(c, notice_processor, "A");
	r = PQexec(c, "SELECT 1 AS a, NULL::text AS b UNION ALL SELECT 2, 'x'");
	PQsetNoticeProcessor(c, notice_processor, "B (set after the result was made)");
	cmd = PQexec(c, "SET search_path = public");
	dump_result(r);

	out("\n-- out-of-range accessors; notices come from the processor current when the result was made\n");
	{
		const int rows[] = {2, 99, -1, 0, 0, 0, 1};
		const int cols[] = {0, 0, 0, 2, -1, 1, 1};

		for (int i = 0; i < 7; i++)
		{
			char label[64];

			snprintf(label, sizeof label, "PQgetvalue(r, %d, %d)", rows[i], cols[i]);
			str(label, PQgetvalue(r, rows[i], cols[i]));
			out("PQgetlength(r, %d, %d): %d\n", rows[i], cols[i], PQgetlength(r, rows[i], cols[i]));
			out("PQgetisnull(r, %d, %d): %d\n", rows[i], cols[i], PQgetisnull(r, rows[i], cols[i]));
		}
	}
	str("PQfname(r, 2)", PQfname(r, 2));
	str("PQfname(r, -1)", PQfname(r, -1));
	out("PQftype(r, 2): %u\n", PQftype(r, 2));
	out("PQftable(r, 2): %u\n", PQftable(r, 2));
	out("PQftablecol(r, 2): %d\n", PQftablecol(r, 2));
	out("PQfformat(r, 2): %d\n", PQfformat(r, 2));
	out("PQfmod(r, 2): %d\n", PQfmod(r, 2));
	out("PQfsize(r, 2): %d\n", PQfsize(r, 2));
	out("PQparamtype(r, 0): %u\n", PQparamtype(r, 0));
	out("PQfnumber(r, NULL): %d\n", PQfnumber(r, NULL));
	out("PQfnumber(r, \"\"): %d\n", PQfnumber(r, ""));
	out("PQfnumber(r, \"A\"): %d\n", PQfnumber(r, "A"));
	out("PQfnumber(r, \"\\\"A\\\"\"): %d\n", PQfnumber(r, "\"A\""));
	out("PQfnumber(r, \"\\\"a\\\"\"): %d\n", PQfnumber(r, "\"a\""));
	out("PQfnumber(r, \" a\"): %d\n", PQfnumber(r, " a"));
	out("PQfnumber(r, \"\\\"a\"): %d\n", PQfnumber(r, "\"a"));
	str("PQresultErrorField(r, PG_DIAG_SQLSTATE)", PQresultErrorField(r, PG_DIAG_SQLSTATE));

	out("\n-- on a command result\n");
	dump_result(cmd);
	str("PQgetvalue(cmd, 0, 0)", PQgetvalue(cmd, 0, 0));
	str("PQfname(cmd, 0)", PQfname(cmd, 0));
	out("PQgetisnull(cmd, 0, 0): %d\n", PQgetisnull(cmd, 0, 0));
	PQclear(cmd);

	out("\n-- PQmakeEmptyPGresult with a connection\n");
	{
		PGresult *e = PQmakeEmptyPGresult(c, PGRES_TUPLES_OK);

		dump_result(e);
		str("PQgetvalue(e, 0, 0)", PQgetvalue(e, 0, 0));
		PQclear(e);
		e = PQmakeEmptyPGresult(c, PGRES_FATAL_ERROR);
		dump_result(e);
		PQclear(e);
	}
	{
		PGresult *x = PQexec(c, "SELECT 1/0");
		PGresult *e = PQmakeEmptyPGresult(c, PGRES_FATAL_ERROR);

		out("\nafter a failed PQexec:\n");
		dump_result(e);
		PQclear(e);
		e = PQmakeEmptyPGresult(c, PGRES_NONFATAL_ERROR);
		dump_result(e);
		PQclear(e);
		e = PQmakeEmptyPGresult(c, PGRES_COMMAND_OK);
		dump_result(e);
		PQclear(e);
		PQclear(x);
	}
	PQclear(r);
	PQfinish(c);

	out("\n-- a connection that failed\n");
	{
		char *ci = expand("host=127.0.0.1 port=%D dbname=%B user=%T");

		c = PQconnectdb(ci);
		free(ci);
		out("PQsetErrorVerbosity(bad, TERSE): %s\n", verbosity_name(PQsetErrorVerbosity(c, PQERRORS_TERSE)));
		out("PQsetErrorVerbosity(bad, DEFAULT): %s\n", verbosity_name(PQsetErrorVerbosity(c, PQERRORS_DEFAULT)));
		out("PQsetNoticeProcessor(bad, proc, \"bad\"): %s\n",
			PQsetNoticeProcessor(c, notice_processor, "bad") ? "non-NULL" : "NULL");
		r = PQmakeEmptyPGresult(c, PGRES_FATAL_ERROR);
		dump_result(r);
		str("PQgetvalue(r, 0, 0)", PQgetvalue(r, 0, 0));
		PQclear(r);
		r = PQexec(c, "SELECT 1");
		out("PQexec: %s\n", r ? "non-NULL" : "NULL");
		str("PQerrorMessage", PQerrorMessage(c));
		PQclear(r);
		r = PQexec(c, "SELECT 2");
		str("PQerrorMessage after a second PQexec", PQerrorMessage(c));
		PQclear(r);
		PQfinish(c);
	}
}

/* ================================================================ main */

static const struct program_section sections[] = {
	{"misc", sec_misc, 1},
	{"conninfo", sec_conninfo, 1},
	{"connect", sec_connect, 1},
	{"params", sec_params, 1},
	{"exec", sec_exec, 1},
	{"errors", sec_errors, 1},
	{"notices", sec_notices, 1},
	{"range", sec_range, 1},
};

int main(int argc, char **argv)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int dead;

	start_program(0);
	read_server_env();
	g_pwuser = need_env("DIFF_PASSWORD_USER", NULL);
	g_pw = need_env("DIFF_PASSWORD_PW", NULL);
	g_md5user = need_env("DIFF_MD5_USER", NULL);
	g_md5pw = need_env("DIFF_MD5_PW", NULL);
	g_scramuser = need_env("DIFF_SCRAM_USER", NULL);
	g_scrampw = need_env("DIFF_SCRAM_PW", NULL);
	check_sections(sections, N_OF(sections), argc, argv);

	/* a port that refuses connections: bound, never listening */
	dead = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (dead < 0 || bind(dead, (struct sockaddr *) &sa, sizeof sa) != 0 ||
		getsockname(dead, (struct sockaddr *) &sa, &sl) != 0)
	{
		perror("diff: dead port");
		return 2;
	}
	snprintf(g_deadport, sizeof g_deadport, "%d", ntohs(sa.sin_port));
	add_mask(g_deadport, "{DEADPORT}", 1);

	{
		char *ci = expand("host=127.0.0.1 port=%P dbname=%B user=%T application_name=diff_helper");

		g_helper = PQconnectdb(ci);
		free(ci);
		if (PQstatus(g_helper) != CONNECTION_OK)
		{
			/* not fatal: the sections print what they can */
			out("helper connection failed\n");
			str("PQerrorMessage", PQerrorMessage(g_helper));
		}
	}

	run_sections(sections, N_OF(sections), argc, argv);
	PQfinish(g_helper);
	close(dead);
	out("\n======== end ========\n");
	return 0;
}
