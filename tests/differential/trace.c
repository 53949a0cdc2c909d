/*
 * Differential test program: protocol tracing (PQtrace, PQuntrace,
 * PQsetTraceFlags). Each step traces into a fresh tmpfile and then prints
 * what landed there, one trace line per output line (tabs as \t), so that
 * the output with the real libpq 18 and with libpq-rs can be compared line
 * by line (tests/integration/differential.rs). Pipeline test suites compare
 * such traces, so the order of the lines counts as much as their text.
 *
 * Usage: trace [section...]   sections: trace (the default)
 *
 * Steps, mostly with PQTRACE_SUPPRESS_TIMESTAMPS | PQTRACE_REGRESS_MODE:
 * the connection startup (PQconnectStart over TCP with sslmode=disable, then
 * PQtrace before polling; sslmode=disable because libpq-rs has no TLS yet
 * and libpq 18 would start with an SSLRequest) for trust, cleartext, MD5 and
 * SCRAM users and for refused and failed logins; a simple query with rows;
 * errors with every field (RAISE with all options, a syntax error with its
 * position, an internal query); a notice, with a notice processor writing
 * into the trace stream; PQexecParams with text and binary parameters;
 * PQprepare, PQdescribePrepared, PQexecPrepared, PQclosePrepared (17, looked
 * up with dlsym); COPY FROM STDIN (ended and failed) and TO STDOUT, masked
 * and not; 20 KB of COPY data and 300 rows (several writes and reads);
 * PQsendQuery with PQconsumeInput/PQisBusy/PQgetResult; LISTEN/NOTIFY to
 * itself; PQfn through lo_creat and lo_unlink; a ParameterStatus change; the
 * timestamps; PQtrace/PQuntrace/PQsetTraceFlags with NULL arguments, when
 * not tracing, and switching streams; PQreset and PQfinish while tracing.
 *
 * Environment: as tests/differential/diff.c (DIFF_PORT, DIFF_SOCKDIR,
 * DIFF_DB, DIFF_TRUST_USER, DIFF_PASSWORD_USER/_PW, DIFF_MD5_USER/_PW,
 * DIFF_SCRAM_USER/_PW). The table it creates is "dtrace_t".
 *
 * Masked: the port and socket directory; timestamps as {TIMESTAMP}; the
 * salted MD5 password hash; the large object's OID (as the four bytes the
 * trace prints, {LOID}). The rest needs no masking in regress mode.
 */
#define PROGRAM "trace"
#include "common.h"

#include <poll.h>

#define FLAGS (PQTRACE_SUPPRESS_TIMESTAMPS | PQTRACE_REGRESS_MODE)

static const char *g_pwuser, *g_pw, *g_md5user, *g_md5pw, *g_scramuser, *g_scrampw;

/* ---------------------------------------------------------------- trace files */

static int is_digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* "2024-01-01 12:00:00.123456\t" at the start of the line */
static int timestamp_len(const char *s)
{
	if (strlen(s) < 27)
		return 0;
	if (!is_digits(s, 4) || s[4] != '-' || !is_digits(s + 5, 2) || s[7] != '-' ||
		!is_digits(s + 8, 2) || s[10] != ' ' || !is_digits(s + 11, 2) || s[13] != ':' ||
		!is_digits(s + 14, 2) || s[16] != ':' || !is_digits(s + 17, 2) || s[19] != '.' ||
		!is_digits(s + 20, 6) || s[26] != '\t')
		return 0;
	return 27;
}

/* The salted hash after "md5" in a PasswordMessage changes with every login. */
static void mask_md5(char *line)
{
	char *p = strstr(line, "PasswordMessage\t \"md5");

	if (p == NULL)
		return;
	p += strlen("PasswordMessage\t \"md5");
	for (int i = 0; i < 32 && p[i]; i++)
		p[i] = 'h';
}

/* Prints what the stream holds, from the start, one line per line. */
static void print_stream(FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lines = 0;

	fflush(f);
	rewind(f);
	while ((n = getline(&line, &cap, f)) > 0)
	{
		int ts = timestamp_len(line);
		int nl = line[n - 1] == '\n';
		char *e;

		mask_md5(line);
		e = escape(line + ts, n - ts - nl);
		out("  |%s%s%s\n", ts ? "{TIMESTAMP}\\t" : "", e, nl ? "" : " (no newline)");
		free(e);
		lines++;
	}
	if (lines == 0)
		out("  (empty)\n");
	free(line);
}

static FILE *g_trace;

/* A fresh stream, traced with `flags`. */
static void begin(PGconn *c, int flags)
{
	g_trace = tmpfile();
	if (g_trace == NULL)
	{
		perror("tmpfile");
		exit(2);
	}
	PQtrace(c, g_trace);
	PQsetTraceFlags(c, flags);
}

/* Stops tracing and prints the stream. */
static void end(PGconn *c)
{
	PQuntrace(c);
	print_stream(g_trace);
	fclose(g_trace);
	g_trace = NULL;
}

/* ---------------------------------------------------------------- results */

static void result(const char *what, PGresult *r)
{
	out("%s: ", what);
	if (r == NULL)
	{
		out("NULL\n");
		return;
	}
	out("%s", PQresStatus(PQresultStatus(r)));
	if (PQresultStatus(r) == PGRES_TUPLES_OK)
		out(" %d rows", PQntuples(r));
	if (PQresultStatus(r) == PGRES_FATAL_ERROR || PQresultStatus(r) == PGRES_NONFATAL_ERROR)
	{
		char *e = escape(PQresultErrorMessage(r), strlen(PQresultErrorMessage(r)));

		out(" \"%s\"", e);
		free(e);
	}
	out("\n");
	PQclear(r);
}

static void exec(PGconn *c, const char *sql)
{
	char label[200];

	snprintf(label, sizeof label, "PQexec(%.150s)", sql);
	result(label, PQexec(c, sql));
}

/* ---------------------------------------------------------------- steps */

/* PQconnectStart, PQtrace at once, then poll: what libpq traces of the startup. */
static PGconn *traced_connect(const char *label, const char *host, const char *user,
							  const char *extra)
{
	char *ci = NULL;
	PGconn *c;
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;

	out("\n--- startup: %s\n", label);
	if (asprintf(&ci, "host=%s port=%s dbname=%s user=%s application_name=diff_trace "
				 "sslmode=disable %s", host, g_port, g_db, user, extra) < 0)
		abort();
	c = PQconnectStart(ci);
	free(ci);
	begin(c, FLAGS);
	while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED)
	{
		struct pollfd p = {PQsocket(c), st == PGRES_POLLING_READING ? POLLIN : POLLOUT, 0};

		if (poll(&p, 1, 10000) <= 0)
		{
			out("poll failed or timed out\n");
			break;
		}
		st = PQconnectPoll(c);
	}
	out("PQstatus: %s\n", PQstatus(c) == CONNECTION_OK ? "CONNECTION_OK" : "CONNECTION_BAD");
	str("PQerrorMessage", PQerrorMessage(c));
	end(c);
	return c;
}

static void startup(void)
{
	char *pw = NULL;

	PQfinish(traced_connect("trust", "127.0.0.1", g_trust, ""));
	PQfinish(traced_connect("trust, Unix socket", g_sockdir, g_trust, ""));
	if (asprintf(&pw, "password=%s", g_pw) < 0)
		abort();
	PQfinish(traced_connect("cleartext password", "127.0.0.1", g_pwuser, pw));
	free(pw);
	if (asprintf(&pw, "password=%s", g_md5pw) < 0)
		abort();
	PQfinish(traced_connect("md5", "127.0.0.1", g_md5user, pw));
	free(pw);
	if (asprintf(&pw, "password=%s", g_scrampw) < 0)
		abort();
	PQfinish(traced_connect("scram", "127.0.0.1", g_scramuser, pw));
	free(pw);
	PQfinish(traced_connect("scram, wrong password", "127.0.0.1", g_scramuser, "password=wrong"));
	PQfinish(traced_connect("no password", "127.0.0.1", g_pwuser, ""));
	PQfinish(traced_connect("require_auth refuses the request", "127.0.0.1", g_pwuser,
							"password=x require_auth=md5"));
	PQfinish(traced_connect("require_auth, trust server", "127.0.0.1", g_trust, "require_auth=password"));
	PQfinish(traced_connect("unknown database", "127.0.0.1", g_trust, "dbname=dtrace_no_such_db"));
}

static void simple_query(PGconn *c)
{
	out("\n--- simple query with rows\n");
	begin(c, FLAGS);
	exec(c, "SELECT 1 AS a, NULL::text AS b, 'x\xc3\xa9\ty' AS c, 1.5::float8 AS d "
		 "UNION ALL SELECT 2, 'two', '', -0.5; SELECT");
	exec(c, "");
	exec(c, "SELECT 1 FROM pg_class WHERE false");
	end(c);

	out("\n--- without regress mode: OIDs shown\n");
	begin(c, PQTRACE_SUPPRESS_TIMESTAMPS);
	exec(c, "SELECT 1::int4 AS a, 'b'::text, true, '{1,2}'::int8[]");
	end(c);
}

static void errors(PGconn *c)
{
	out("\n--- errors\n");
	begin(c, FLAGS);
	exec(c, "DO $$ BEGIN RAISE EXCEPTION USING MESSAGE = 'msg', DETAIL = 'det', HINT = 'hi', "
		 "ERRCODE = '22012', COLUMN = 'col', CONSTRAINT = 'con', DATATYPE = 'typ', "
		 "TABLE = 'tab', SCHEMA = 'sch'; END $$");
	exec(c, "SELECT 1 +* 2");
	exec(c, "DO $$ BEGIN EXECUTE 'SELECT 1 +* 2'; END $$");
	exec(c, "SELECT 1; SELECT 1/0; SELECT 2");
	end(c);

	out("\n--- an error without regress mode: lengths and sources shown\n");
	begin(c, PQTRACE_SUPPRESS_TIMESTAMPS);
	exec(c, "SELECT 1/0");
	end(c);
}

static void notice_to_trace(void *arg, const char *message)
{
	(void) arg;
	if (g_trace)
		fprintf(g_trace, "notice processor: %s", message);
}

static void notices(PGconn *c)
{
	PQnoticeProcessor old;

	out("\n--- notices, the processor writing into the trace stream\n");
	begin(c, FLAGS);
	old = PQsetNoticeProcessor(c, notice_to_trace, NULL);
	exec(c, "DO $$ BEGIN RAISE NOTICE 'first'; RAISE WARNING 'second' USING DETAIL = 'd'; END $$");
	PQsetNoticeProcessor(c, old, NULL);
	end(c);
}

typedef PGresult *(*close_fn) (PGconn *, const char *);

static void extended(PGconn *c)
{
	const char *tvals[] = {"42", NULL, "t\xc3\xa9xt"};
	const Oid ttypes[] = {23, 25, 25};
	static const char bin_int[] = {0, 0, 1, 2};
	static const char bin_bytea[] = {'a', 0, '\n', (char) 0xff};
	const char *bvals[] = {bin_int, bin_bytea};
	const int blens[] = {4, 4};
	const int bfmts[] = {1, 1};
	const Oid btypes[] = {23, 17};
	const char *pvals[] = {"7"};
	close_fn closep = (close_fn) sym("PQclosePrepared", 1);

	out("\n--- PQexecParams: text parameters, text results\n");
	begin(c, FLAGS);
	result("PQexecParams", PQexecParams(c, "SELECT $1::int + 1, $2::text IS NULL, $3::text",
										3, ttypes, tvals, NULL, NULL, 0));
	result("PQexecParams (no types)", PQexecParams(c, "SELECT $1", 1, NULL, tvals, NULL, NULL, 0));
	end(c);

	out("\n--- PQexecParams: binary parameters, binary results\n");
	begin(c, FLAGS);
	result("PQexecParams", PQexecParams(c, "SELECT $1::int4 * 2, $2::bytea", 2, btypes, bvals,
										blens, bfmts, 1));
	end(c);

	out("\n--- PQprepare, PQdescribePrepared, PQexecPrepared, PQclosePrepared\n");
	begin(c, FLAGS);
	result("PQprepare", PQprepare(c, "dtrace_st", "SELECT $1::int4 AS x, 'y' AS y", 1, NULL));
	result("PQdescribePrepared", PQdescribePrepared(c, "dtrace_st"));
	result("PQexecPrepared", PQexecPrepared(c, "dtrace_st", 1, pvals, NULL, NULL, 0));
	result("PQprepare (no rows)", PQprepare(c, "dtrace_st2", "SET application_name = 'x'", 0, NULL));
	result("PQdescribePrepared (no rows)", PQdescribePrepared(c, "dtrace_st2"));
	result("PQdescribePortal", PQdescribePortal(c, ""));
	if (closep)
	{
		result("PQclosePrepared", closep(c, "dtrace_st"));
		result("PQclosePrepared", closep(c, "dtrace_st2"));
	}
	result("PQexecPrepared (unknown)", PQexecPrepared(c, "dtrace_st", 1, pvals, NULL, NULL, 0));
	end(c);
}

static void copy_in(PGconn *c, const char *end_error)
{
	PGresult *r = PQexec(c, "COPY dtrace_t FROM STDIN");

	result("PQexec(COPY dtrace_t FROM STDIN)", r);
	out("PQputCopyData: %d\n", PQputCopyData(c, "1\tone\n", 6));
	out("PQputCopyData: %d\n", PQputCopyData(c, "2\t\\N\n3\tth\xc3\xa9\n", 12));
	out("PQputCopyEnd: %d\n", PQputCopyEnd(c, end_error));
	while ((r = PQgetResult(c)) != NULL)
		result("PQgetResult", r);
}

static void copy_out(PGconn *c)
{
	char *buf;
	int n;

	result("PQexec(COPY dtrace_t TO STDOUT)", PQexec(c, "COPY dtrace_t TO STDOUT"));
	while ((n = PQgetCopyData(c, &buf, 0)) > 0)
	{
		char *e = escape(buf, n);

		out("PQgetCopyData: %d \"%s\"\n", n, e);
		free(e);
		PQfreemem(buf);
	}
	out("PQgetCopyData: %d\n", n);
	PGresult *r;

	while ((r = PQgetResult(c)) != NULL)
		result("PQgetResult", r);
}

static void copy(PGconn *c)
{
	quiet(c, "DROP TABLE IF EXISTS dtrace_t");
	quiet(c, "CREATE TABLE dtrace_t (a int, b text)");

	out("\n--- COPY FROM STDIN, regress mode\n");
	begin(c, FLAGS);
	copy_in(c, NULL);
	end(c);

	out("\n--- COPY FROM STDIN failed by the client\n");
	begin(c, FLAGS);
	copy_in(c, "client says no");
	end(c);

	out("\n--- COPY TO STDOUT, regress mode\n");
	begin(c, FLAGS);
	copy_out(c);
	end(c);

	out("\n--- COPY TO STDOUT and FROM STDIN, data shown\n");
	begin(c, PQTRACE_SUPPRESS_TIMESTAMPS);
	copy_out(c);
	copy_in(c, NULL);
	end(c);

	quiet(c, "DROP TABLE dtrace_t");
}

static void big_copy_in(PGconn *c)
{
	char row[600];
	PGresult *r;
	int ok = 1;

	result("PQexec(COPY dtrace_t FROM STDIN)", PQexec(c, "COPY dtrace_t FROM STDIN"));
	for (int i = 0; i < 40; i++)
	{
		int n = snprintf(row, sizeof row, "%d\t", i);

		memset(row + n, 'a' + i % 26, 500);
		row[n + 500] = '\n';
		ok &= PQputCopyData(c, row, n + 501) == 1;
	}
	out("40 x PQputCopyData: %s\n", ok ? "1" : "failed");
	out("PQputCopyEnd: %d\n", PQputCopyEnd(c, NULL));
	while ((r = PQgetResult(c)) != NULL)
		result("PQgetResult", r);
}

static void more_data(PGconn *c)
{
	PGresult *r;
	int rows = 0;

	out("\n--- 20 KB of COPY data, then 300 rows of 100 bytes\n");
	quiet(c, "CREATE TABLE dtrace_t (a int, b text)");
	begin(c, FLAGS);
	big_copy_in(c);
	exec(c, "SELECT i, repeat('y', 100) FROM generate_series(1, 300) i");
	end(c);
	quiet(c, "DROP TABLE dtrace_t");

	out("\n--- PQsendQuery, PQconsumeInput, PQisBusy, PQgetResult\n");
	begin(c, FLAGS);
	out("PQsendQuery: %d\n", PQsendQuery(c, "SELECT i FROM generate_series(1, 3) i; SELECT 'two'"));
	for (;;)
	{
		struct pollfd p = {PQsocket(c), POLLIN, 0};

		if (!PQisBusy(c))
		{
			r = PQgetResult(c);
			if (r == NULL)
				break;
			rows += PQntuples(r);
			PQclear(r);
			continue;
		}
		poll(&p, 1, 10000);
		if (!PQconsumeInput(c))
		{
			out("PQconsumeInput failed\n");
			break;
		}
	}
	out("rows: %d\n", rows);
	end(c);
}

static void notify(PGconn *c)
{
	PGnotify *n;

	out("\n--- LISTEN and NOTIFY to itself\n");
	begin(c, FLAGS);
	exec(c, "LISTEN dtrace_chan");
	exec(c, "NOTIFY dtrace_chan, 'payload'");
	PQconsumeInput(c);
	while ((n = PQnotifies(c)) != NULL)
	{
		out("PQnotifies: \"%s\" \"%s\" pid %s\n", n->relname, n->extra,
			n->be_pid == PQbackendPID(c) ? "(ours)" : "(other)");
		PQfreemem(n);
	}
	exec(c, "UNLISTEN dtrace_chan");
	end(c);
}

/* How the trace prints the four bytes of an OID in network order: ' + bytes + '. */
static void mask_oid_bytes(Oid oid, const char *with)
{
	unsigned char b[4] = {oid >> 24, (oid >> 16) & 0xff, (oid >> 8) & 0xff, oid & 0xff};
	char text[32], *p = text;

	*p++ = '\'';
	for (int i = 0; i < 4; i++)
	{
		if (b[i] >= 0x20 && b[i] < 0x7f)
			*p++ = (char) b[i];
		else
			p += sprintf(p, "\\x%02x", b[i]);
	}
	*p++ = '\'';
	*p = 0;
	/* print_stream escapes backslashes */
	char *e = escape(text, strlen(text));

	add_mask(e, with, 0);
	free(e);
}

static void fastpath(PGconn *c)
{
	Oid oid;

	out("\n--- PQfn: lo_creat and lo_unlink (with the lookup of the functions)\n");
	exec(c, "BEGIN");
	begin(c, FLAGS);
	oid = lo_creat(c, 0x20000 | 0x40000);
	out("lo_creat: %s\n", oid == InvalidOid ? "InvalidOid" : "{LOID}");
	if (oid != InvalidOid)
	{
		char text[64];

		mask_oid_bytes(oid, "{LOID}");
		snprintf(text, sizeof text, "object %u does", oid);
		add_mask(text, "object {LOID} does", 0);
	}
	out("lo_unlink: %d\n", lo_unlink(c, oid));
	out("lo_unlink again: %d\n", lo_unlink(c, oid));
	end(c);
	exec(c, "ROLLBACK");
}

static void parameter_status(PGconn *c)
{
	out("\n--- ParameterStatus\n");
	begin(c, FLAGS);
	exec(c, "SET application_name = 'dtrace changed'");
	exec(c, "RESET application_name");
	exec(c, "SET datestyle = 'German'");
	exec(c, "RESET datestyle");
	end(c);
}

static void timestamps(PGconn *c)
{
	out("\n--- timestamps (no flags)\n");
	begin(c, 0);
	exec(c, "SELECT 'ts'");
	end(c);

	out("\n--- PQTRACE_REGRESS_MODE alone\n");
	begin(c, PQTRACE_REGRESS_MODE);
	exec(c, "SELECT 'ts'");
	end(c);
}

static void api(PGconn *c)
{
	FILE *a, *b;

	out("\n--- NULL arguments\n");
	PQtrace(NULL, stdout);
	PQuntrace(NULL);
	PQsetTraceFlags(NULL, FLAGS);
	out("no crash\n");

	out("\n--- PQsetTraceFlags before PQtrace does nothing; PQtrace resets the flags\n");
	PQsetTraceFlags(c, FLAGS);
	begin(c, FLAGS);
	PQtrace(c, g_trace);
	exec(c, "SELECT 'flags reset'");
	end(c);

	out("\n--- PQtrace(conn, NULL) stops tracing\n");
	begin(c, FLAGS);
	exec(c, "SELECT 'traced'");
	PQtrace(c, NULL);
	exec(c, "SELECT 'not traced'");
	PQsetTraceFlags(c, 0);
	end(c);

	out("\n--- PQtrace into another stream: the first one stops\n");
	a = tmpfile();
	b = tmpfile();
	PQtrace(c, a);
	PQsetTraceFlags(c, FLAGS);
	exec(c, "SELECT 'into a'");
	PQtrace(c, b);
	PQsetTraceFlags(c, FLAGS);
	exec(c, "SELECT 'into b'");
	PQuntrace(c);
	exec(c, "SELECT 'nowhere'");
	out("stream a:\n");
	print_stream(a);
	out("stream b:\n");
	print_stream(b);
	fclose(a);
	fclose(b);

	out("\n--- PQreset while tracing\n");
	begin(c, FLAGS);
	PQreset(c);
	out("PQstatus: %s\n", PQstatus(c) == CONNECTION_OK ? "CONNECTION_OK" : "CONNECTION_BAD");
	exec(c, "SELECT 'after reset'");
	end(c);

	out("\n--- PQfinish while tracing\n");
	begin(c, FLAGS);
	PQfinish(c);
	print_stream(g_trace);
	fclose(g_trace);
	g_trace = NULL;
}

static void sec_trace(void)
{
	PGconn *c;
	char *ci = NULL;

	section("trace");
	startup();
	/* sslmode=disable: PQreset would trace libpq 18's SSLRequest otherwise */
	if (asprintf(&ci, "host=127.0.0.1 port=%s dbname=%s user=%s application_name=diff_trace "
				 "sslmode=disable", g_port, g_db, g_trust) < 0)
		abort();
	c = PQconnectdb(ci);
	free(ci);
	if (PQstatus(c) != CONNECTION_OK)
	{
		out("trust connection failed\n");
		str("PQerrorMessage", PQerrorMessage(c));
		PQfinish(c);
		return;
	}
	simple_query(c);
	errors(c);
	notices(c);
	extended(c);
	copy(c);
	more_data(c);
	notify(c);
	fastpath(c);
	parameter_status(c);
	timestamps(c);
	api(c);
}

/* ---------------------------------------------------------------- main */

static const struct program_section sections[] = {
	{"trace", sec_trace, 1},
};

int main(int argc, char **argv)
{
	start_program(0);
	read_server_env();
	g_pwuser = need_env("DIFF_PASSWORD_USER", NULL);
	g_pw = need_env("DIFF_PASSWORD_PW", NULL);
	g_md5user = need_env("DIFF_MD5_USER", NULL);
	g_md5pw = need_env("DIFF_MD5_PW", NULL);
	g_scramuser = need_env("DIFF_SCRAM_USER", NULL);
	g_scrampw = need_env("DIFF_SCRAM_PW", NULL);
	check_sections(sections, N_OF(sections), argc, argv);
	run_sections(sections, N_OF(sections), argc, argv);
	out("\n======== end ========\n");
	return 0;
}
