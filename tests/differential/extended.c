/*
 * Differential test program for the extended query protocol: PQexecParams,
 * PQprepare, PQexecPrepared, PQdescribePrepared, PQdescribePortal,
 * PQclosePrepared, PQclosePortal, their asynchronous PQsend* variants, text
 * and binary parameters and results, and the bad arguments libpq refuses
 * (NULL pointers, parameter counts outside 0..65535, binary parameters
 * without or with impossible lengths). It prints everything observable for
 * one running server, so that the output with the real libpq 18 and with
 * libpq-rs can be compared line by line (tests/integration/differential.rs).
 *
 * Compiled against the system libpq-fe.h (PostgreSQL 15 on Debian 12). The
 * functions libpq-rs may not export yet (PQexecParams, PQexecPrepared,
 * PQsendQueryParams, PQsendQueryPrepared) and the ones added after 15
 * (PQclosePrepared, PQclosePortal, PQsendClosePrepared, PQsendClosePortal:
 * 17) are looked up with dlsym, so that the program loads on any libpq.so.5
 * and prints "<name>: (not exported)" at each call of a missing one.
 *
 * Usage: extended [section...]   sections: extended binary (default: both)
 *
 * Environment: DIFF_PORT, DIFF_SOCKDIR, DIFF_DB (default "postgres"),
 * DIFF_TRUST_USER (a superuser authenticated by "trust" on 127.0.0.1), as
 * for diff.c; DIFF_SKIP_POST15=1 leaves the post-15 functions out (for the
 * comparison with libpq 15). The tables it creates start with "dext_".
 *
 * Output masking: the port and socket directory are printed symbolically,
 * table OIDs from PQftable as the table's name, PQoidValue as zero/nonzero.
 * Binary values are printed as hex. stderr is merged into stdout.
 *
 * Not tested on purpose: a binary parameter whose length is small and
 * negative (-1 .. about -60) with a non-NULL value. libpq 18 (and 15) crash
 * there (the length is converted to a huge size_t that wraps around in the
 * output-buffer check, then memcpy runs off the end); lengths far below that
 * (INT_MIN, -1000000) and INT_MAX are refused with "cannot allocate memory
 * for output buffer", which is what this program checks.
 *
 * Worth knowing (libpq 18 behaviour the comparison enforces): a
 * ParameterDescription longer than 30000 bytes (PQdescribePrepared of a
 * statement with more than about 7500 parameters) is "lost synchronization
 * with server" and the connection is closed; the refusals of libpq itself
 * (NULL command or name, nParams outside 0..65535, a binary parameter
 * without a length) return NULL without sending anything; error messages
 * accumulate in PQerrorMessage while a command is pending ("another command
 * is already in progress" once per refused call), and PQexec* silently
 * discard the pending results first.
 *
 * Differences between libpq 18 and Debian's libpq 15 seen with this program:
 * none, once the post-15 functions are left out on both sides
 * (DIFF_SKIP_POST15=1); see tests/differential/README.md.
 */
#define PROGRAM "extended"
#include "common.h"

/* ---------------------------------------------------------------- output */

/* An SQL text for a case header: escaped, long ones shortened. */
static void case_sql(const char *prefix, const char *sql, const char *suffix)
{
	if (sql == NULL)
	{
		out("%sNULL%s", prefix, suffix);
		return;
	}
	size_t n = strlen(sql);
	char *e = escape(sql, n > 120 ? 120 : n);

	out("%s\"%s%s\"%s", prefix, e, n > 120 ? "..." : "", suffix);
	free(e);
}

/* ---------------------------------------------------------------- functions looked up at run time */

typedef PGresult *(*execparams_fn) (PGconn *, const char *, int, const Oid *, const char *const *,
									const int *, const int *, int);
typedef int (*sendqueryparams_fn) (PGconn *, const char *, int, const Oid *, const char *const *,
								   const int *, const int *, int);
typedef int (*sendqueryprepared_fn) (PGconn *, const char *, int, const char *const *, const int *,
									 const int *, int);
typedef PGresult *(*close_fn) (PGconn *, const char *);
typedef int (*sendclose_fn) (PGconn *, const char *);

static PGresult *x_PQexecParams(PGconn *conn, const char *command, int nParams, const Oid *paramTypes,
								const char *const *paramValues, const int *paramLengths,
								const int *paramFormats, int resultFormat)
{
	execparams_fn f = (execparams_fn) sym("PQexecParams", 0);

	return f ? f(conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat)
		: NULL;
}

static int x_PQsendQueryParams(PGconn *conn, const char *command, int nParams, const Oid *paramTypes,
							   const char *const *paramValues, const int *paramLengths,
							   const int *paramFormats, int resultFormat)
{
	sendqueryparams_fn f = (sendqueryparams_fn) sym("PQsendQueryParams", 0);

	return f ? f(conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat)
		: -99;
}

static int x_PQsendQueryPrepared(PGconn *conn, const char *stmtName, int nParams,
								 const char *const *paramValues, const int *paramLengths,
								 const int *paramFormats, int resultFormat)
{
	sendqueryprepared_fn f = (sendqueryprepared_fn) sym("PQsendQueryPrepared", 0);

	return f ? f(conn, stmtName, nParams, paramValues, paramLengths, paramFormats, resultFormat) : -99;
}

/* ---------------------------------------------------------------- results */

static void dump_error(const PGresult *r)
{
	char *m;

	print_diag_fields(r);
	m = PQresultVerboseErrorMessage(r, PQERRORS_VERBOSE, PQSHOW_CONTEXT_ALWAYS);
	str("  PQresultVerboseErrorMessage(VERBOSE, ALWAYS)", m);
	PQfreemem(m);
	m = PQresultVerboseErrorMessage(r, PQERRORS_TERSE, PQSHOW_CONTEXT_NEVER);
	str("  PQresultVerboseErrorMessage(TERSE, NEVER)", m);
	PQfreemem(m);
	m = PQresultVerboseErrorMessage(r, PQERRORS_SQLSTATE, PQSHOW_CONTEXT_NEVER);
	str("  PQresultVerboseErrorMessage(SQLSTATE, NEVER)", m);
	PQfreemem(m);
}

static void dump_result(const PGresult *r)
{
	if (!print_result_head(r))
		return;
	ExecStatusType st = PQresultStatus(r);
	int np = PQnparams(r), nf = PQnfields(r), nt = PQntuples(r);

	if (np > 0)
	{
		out("  PQparamtype:");
		for (int i = 0; i < np; i++)
		{
			if (np > 8 && i == 3)
			{
				out(" ...");
				i = np - 3;
			}
			out(" [%d]=%u", i, PQparamtype(r, i));
		}
		out("\n");
	}
	for (int f = 0; f < nf; f++)
	{
		const char *name = PQfname(r, f);
		char *e = escape(name, strlen(name));

		out("  field %d: PQfname=\"%s\" PQfnumber=%d", f, e, PQfnumber(r, name));
		print_ftable(PQftable(r, f), 0);
		out(" ftablecol=%d fformat=%d ftype=%u fmod=%d fsize=%d\n",
			PQftablecol(r, f), PQfformat(r, f), PQftype(r, f), PQfmod(r, f), PQfsize(r, f));
		free(e);
	}
	for (int t = 0; t < nt; t++)
	{
		out("  row %d:%s", t, nf > 4 ? "\n" : "");
		for (int f = 0; f < nf; f++)
		{
			if (nf > 4)
				out("   ");
			print_value(r, t, f, HEX_BINARY);
			if (nf > 4)
				out("\n");
		}
		if (nf <= 4)
			out("\n");
	}
	if (st == PGRES_FATAL_ERROR || st == PGRES_NONFATAL_ERROR)
		dump_error(r);
}

/* Print the result and the connection's state after it, then free it. */
static void finish(PGconn *c, PGresult *r)
{
	dump_result(r);
	if (c)
	{
		if (r && strcmp(PQresultErrorMessage(r), PQerrorMessage(c)) == 0 && *PQerrorMessage(c))
			out("PQerrorMessage: (the same)\n");
		else
			str("PQerrorMessage", PQerrorMessage(c));
		out("PQtransactionStatus: %s\n", txn_name(PQtransactionStatus(c)));
	}
	PQclear(r);
}

static void run(PGconn *c, const char *sql)
{
	case_sql("\n--- PQexec(", sql, ")\n");
	finish(c, PQexec(c, sql));
}

/* ---------------------------------------------------------------- parameter descriptions */

/* "params: [0] type=23 fmt=0 "42" | [1] NULL ..." for a case header. */
static void describe_params(int n, const Oid *types, const char *const *values, const int *lengths,
							const int *formats)
{
	out("  nParams=%d paramTypes=%s paramValues=%s paramLengths=%s paramFormats=%s\n", n,
		types ? "[...]" : "NULL", values ? "[...]" : "NULL", lengths ? "[...]" : "NULL",
		formats ? "[...]" : "NULL");
	if (n > 16 || n < 0)
		return;
	for (int i = 0; i < n; i++)
	{
		int fmt = formats ? formats[i] : 0;

		out("  [%d]", i);
		if (types)
			out(" type=%u", types[i]);
		if (formats)
			out(" fmt=%d", fmt);
		if (lengths)
			out(" len=%d", lengths[i]);
		if (!values || !values[i])
			out(" NULL");
		else if (fmt == 0)
		{
			char *e = escape(values[i], strlen(values[i]));

			out(" \"%s\"", e);
			free(e);
		}
		else if (lengths && lengths[i] >= 0 && lengths[i] <= 64)
			hex(" hex=", values[i], lengths[i], 64);
		out("\n");
	}
}

static void exec_params(PGconn *c, const char *sql, int n, const Oid *types, const char *const *values,
						const int *lengths, const int *formats, int rf)
{
	case_sql("\n--- PQexecParams(", sql, "");
	out(", resultFormat=%d)\n", rf);
	describe_params(n, types, values, lengths, formats);
	finish(c, x_PQexecParams(c, sql, n, types, values, lengths, formats, rf));
}

static void prepare(PGconn *c, const char *name, const char *sql, int n, const Oid *types)
{
	case_sql("\n--- PQprepare(", name, "");
	case_sql(", ", sql, "");
	out(", nParams=%d, paramTypes=%s)\n", n, types ? "[...]" : "NULL");
	if (types && n > 0 && n <= 8)
	{
		out("  paramTypes:");
		for (int i = 0; i < n; i++)
			out(" %u", types[i]);
		out("\n");
	}
	finish(c, PQprepare(c, name, sql, n, types));
}

static void exec_prepared(PGconn *c, const char *name, int n, const char *const *values,
						  const int *lengths, const int *formats, int rf)
{
	case_sql("\n--- PQexecPrepared(", name, "");
	out(", resultFormat=%d)\n", rf);
	describe_params(n, NULL, values, lengths, formats);
	finish(c, x_PQexecPrepared(c, name, n, values, lengths, formats, rf));
}

static void describe_prepared(PGconn *c, const char *name)
{
	case_sql("\n--- PQdescribePrepared(", name, ")\n");
	finish(c, PQdescribePrepared(c, name));
}

static void describe_portal(PGconn *c, const char *name)
{
	case_sql("\n--- PQdescribePortal(", name, ")\n");
	finish(c, PQdescribePortal(c, name));
}

static void close_prepared(PGconn *c, const char *name)
{
	close_fn f;

	if (skip_post15())
		return;
	case_sql("\n--- PQclosePrepared(", name, ")\n");
	f = (close_fn) sym("PQclosePrepared", 1);
	if (f)
		finish(c, f(c, name));
}

static void close_portal(PGconn *c, const char *name)
{
	close_fn f;

	if (skip_post15())
		return;
	case_sql("\n--- PQclosePortal(", name, ")\n");
	f = (close_fn) sym("PQclosePortal", 1);
	if (f)
		finish(c, f(c, name));
}

/* All results of an asynchronous command, until PQgetResult returns NULL. */
static void drain(PGconn *c, int sent)
{
	int n = 0;
	PGresult *r;

	out("returned %d\n", sent);
	if (sent == -99)
		return;
	str("PQerrorMessage after send", PQerrorMessage(c));
	if (c == NULL)
		return;
	while ((r = PQgetResult(c)) != NULL)
	{
		out("PQgetResult #%d:\n", ++n);
		dump_result(r);
		PQclear(r);
		if (n > 10)
		{
			out("(more than 10 results, stopping)\n");
			break;
		}
	}
	out("PQgetResult #%d: NULL\n", n + 1);
	str("PQerrorMessage", PQerrorMessage(c));
	out("PQtransactionStatus: %s\n", txn_name(PQtransactionStatus(c)));
}

/* ================================================================ extended */

/* "SELECT cardinality(a), a[1], a[N] FROM (SELECT ARRAY[$1, ..., $N]::int[] AS a) s" */
static char *many_params_sql(int n)
{
	size_t cap = 100 + (size_t) n * 8;
	char *s = malloc(cap), *p = s;

	p += sprintf(p, "SELECT cardinality(a), a[1], a[%d] FROM (SELECT ARRAY[", n);
	for (int i = 1; i <= n; i++)
		p += sprintf(p, "%s$%d", i > 1 ? "," : "", i);
	sprintf(p, "]::int[] AS a) s");
	return s;
}

static void sec_extended(void)
{
	PGconn *c;
	PGresult *r;

	section("extended");
	c = connect_trust();
	quiet(c, "SET client_min_messages = warning");
	quiet(c, "DROP TABLE IF EXISTS dext_t");
	quiet(c, "RESET client_min_messages");
	quiet(c, "CREATE TABLE dext_t (id int PRIMARY KEY, v text CONSTRAINT dext_t_v_key UNIQUE, n numeric)");

	out("\n-- PQexecParams: text parameters and results\n");
	{
		const char *v2[] = {"41", "hello"};
		const Oid t2[] = {23, 25};
		const Oid t0[] = {0, 0};
		const char *vnull[] = {NULL, "x", NULL};
		const char *utf8[] = {"h\u00e9llo \u20ac \xf0\x9f\x98\x80 \u65e5\u672c"};

		exec_params(c, "SELECT $1::int + 1 AS next, $2::text AS greeting", 2, NULL, v2, NULL, NULL, 0);
		exec_params(c, "SELECT $1 + 1 AS next, $2 || '!' AS greeting", 2, t2, v2, NULL, NULL, 0);
		exec_params(c, "SELECT $1::int + 1 AS next, $2::text AS greeting", 2, t0, v2, NULL, NULL, 0);
		exec_params(c, "SELECT $1 AS untyped", 1, NULL, v2 + 1, NULL, NULL, 0);
		exec_params(c, "SELECT $1 = 'x' AS eq, pg_typeof($1)::text", 1, t0, v2 + 1, NULL, NULL, 0);
		exec_params(c, "SELECT $1::int IS NULL AS a_null, $2::text AS b, $3::numeric IS NULL AS c_null", 3,
					NULL, vnull, NULL, NULL, 0);
		exec_params(c, "SELECT $1::int IS NULL, $2::text IS NULL", 2, NULL, NULL, NULL, NULL, 0);
		exec_params(c, "SELECT $1::text AS t, length($1::text) AS chars, octet_length($1::text) AS bytes", 1,
					NULL, utf8, NULL, NULL, 0);
		exec_params(c, "SELECT 1 AS one", 0, NULL, NULL, NULL, NULL, 0);
		/* paramLengths are ignored for text parameters */
		{
			const int lens[] = {1, -5};

			exec_params(c, "SELECT $1::text, $2::text", 2, NULL, v2, lens, NULL, 0);
		}
		exec_params(c, "", 0, NULL, NULL, NULL, NULL, 0);
		exec_params(c, "SELECT 1; SELECT 2", 0, NULL, NULL, NULL, NULL, 0);
		exec_params(c, "SELECT $2::int", 1, NULL, v2, NULL, NULL, 0);
		exec_params(c, "SELECT $1::int", 2, NULL, v2, NULL, NULL, 0);
		exec_params(c, "SELECT $1", 0, NULL, NULL, NULL, NULL, 0);
	}

	out("\n-- PQexecParams: DML, cmdStatus, cmdTuples, oidValue\n");
	{
		const char *ins[] = {"1", "one", "1.50"};
		const char *ins2[] = {"2", "two", NULL};
		const char *upd[] = {"zzz"};

		exec_params(c, "INSERT INTO dext_t (id, v, n) VALUES ($1, $2, $3)", 3, NULL, ins, NULL, NULL, 0);
		exec_params(c, "INSERT INTO dext_t (id, v, n) VALUES ($1, $2, $3) RETURNING *", 3, NULL, ins2, NULL,
					NULL, 0);
		exec_params(c, "UPDATE dext_t SET n = n WHERE v < $1", 1, NULL, upd, NULL, NULL, 0);
		exec_params(c, "SELECT id, v, n FROM dext_t WHERE v < $1 ORDER BY id", 1, NULL, upd, NULL, NULL, 0);
		exec_params(c, "DELETE FROM dext_t WHERE v > $1", 1, NULL, upd, NULL, NULL, 0);
	}

	out("\n-- failing extended-protocol statements: every error field\n");
	{
		const char *dup[] = {"3", "one", "extra"};
		const char *abc[] = {"abc"};
		const char *zero[] = {"0"};
		const Oid int4[] = {23, 23};

		exec_params(c, "SELECT $1::int +\n  FROM dext_t", 1, NULL, abc, NULL, NULL, 0);
		exec_params(c, "SELECT $1::int", 1, NULL, abc, NULL, NULL, 0);
		exec_params(c, "SELECT 10 / $1", 1, int4, zero, NULL, NULL, 0);
		exec_params(c, "INSERT INTO dext_t (id, v) VALUES ($1, $2)", 2, NULL, dup, NULL, NULL, 0);
		exec_params(c, "SELECT nosuchcol FROM dext_t WHERE id = $1", 1, NULL, zero, NULL, NULL, 0);

		prepare(c, "dext_bad", "SELECT $1::int +\n  FROM dext_t", 1, NULL);
		prepare(c, "dext_div", "SELECT 10 / $1 AS q", 1, int4);
		exec_prepared(c, "dext_div", 1, (const char *const *) zero, NULL, NULL, 0);
		exec_prepared(c, "dext_div", 1, (const char *const *) abc, NULL, NULL, 0);
		prepare(c, "dext_ins", "INSERT INTO dext_t (id, v) VALUES ($1, $2)", 2, NULL);
		exec_prepared(c, "dext_ins", 2, (const char *const *) dup, NULL, NULL, 0);
		prepare(c, "dext_ins", "SELECT 1", 0, NULL);
		exec_prepared(c, "dext_ins", 1, (const char *const *) dup, NULL, NULL, 0);
		exec_prepared(c, "dext_ins", 3, (const char *const *) dup, NULL, NULL, 0);
		exec_prepared(c, "dext_ins", 0, NULL, NULL, NULL, 0);
		exec_prepared(c, "dext_nosuch", 0, NULL, NULL, NULL, 0);
		describe_prepared(c, "dext_nosuch");
		describe_portal(c, "dext_nosuch");
		/* an error inside a transaction: the following statements are refused */
		run(c, "BEGIN");
		exec_prepared(c, "dext_div", 1, (const char *const *) zero, NULL, NULL, 0);
		prepare(c, "dext_later", "SELECT 1", 0, NULL);
		exec_prepared(c, "dext_ins", 2, (const char *const *) dup, NULL, NULL, 0);
		run(c, "ROLLBACK");
	}

	out("\n-- PQprepare, PQdescribePrepared, PQexecPrepared, PQnparams, PQparamtype\n");
	{
		const Oid types[] = {23, 0, 1700};
		const char *vals[] = {"21", "text value", "3.14159"};
		const char *more[] = {"-4", NULL, "0"};

		prepare(c, "dext_s1", "SELECT $1 * 2 AS doubled, $2::text AS t, round($3, 2) AS r", 3, types);
		describe_prepared(c, "dext_s1");
		exec_prepared(c, "dext_s1", 3, vals, NULL, NULL, 0);
		exec_prepared(c, "dext_s1", 3, more, NULL, NULL, 0);
		prepare(c, "dext_s2", "SELECT id, v FROM dext_t WHERE id = $1", 1, NULL);
		describe_prepared(c, "dext_s2");
		/* nParams smaller than the statement's: the types not given are inferred */
		prepare(c, "dext_s3", "SELECT $1::text || $2::text AS cat", 1, types + 1);
		describe_prepared(c, "dext_s3");
		prepare(c, "dext_s4", "UPDATE dext_t SET n = $2 WHERE id = $1", 0, NULL);
		describe_prepared(c, "dext_s4");
		prepare(c, "dext_s5", "BEGIN", 0, NULL);
		describe_prepared(c, "dext_s5");
		prepare(c, "dext_s1", "SELECT 2", 0, NULL);
		prepare(c, "DeXt \"Quoted\" \u00e9", "SELECT 'odd name'", 0, NULL);
		exec_prepared(c, "DeXt \"Quoted\" \u00e9", 0, NULL, NULL, NULL, 0);
		run(c, "SELECT name, statement, parameter_types::text, from_sql FROM pg_prepared_statements "
			"ORDER BY name COLLATE \"C\"");

		r = PQdescribePrepared(c, "dext_s1");
		out("\n--- out-of-range PQparamtype / PQnparams\n");
		out("PQparamtype(r, -1): %u\n", PQparamtype(r, -1));
		out("PQparamtype(r, 3): %u\n", PQparamtype(r, 3));
		out("PQparamtype(r, 1000): %u\n", PQparamtype(r, 1000));
		out("PQparamtype(NULL, 0): %u\n", PQparamtype(NULL, 0));
		out("PQnparams(NULL): %d\n", PQnparams(NULL));
		PQclear(r);
	}

	out("\n-- the unnamed statement\n");
	{
		const char *one[] = {"5"};

		prepare(c, "", "SELECT 'first' AS which", 0, NULL);
		exec_prepared(c, "", 0, NULL, NULL, NULL, 0);
		prepare(c, "", "SELECT 'second' AS which, $1::int AS p", 0, NULL);
		describe_prepared(c, "");
		describe_prepared(c, NULL);
		exec_prepared(c, "", 1, one, NULL, NULL, 0);
		exec_prepared(c, "", 0, NULL, NULL, NULL, 0);
		/* PQexecParams parses into the unnamed statement too */
		exec_params(c, "SELECT 'from PQexecParams' AS which", 0, NULL, NULL, NULL, NULL, 0);
		exec_prepared(c, "", 0, NULL, NULL, NULL, 0);
		describe_prepared(c, "");
		/* a simple Query message destroys the unnamed statement */
		run(c, "SELECT 'simple query'");
		exec_prepared(c, "", 0, NULL, NULL, NULL, 0);
		describe_prepared(c, NULL);
	}

	out("\n-- portals: PQdescribePortal and PQclosePortal on a cursor\n");
	run(c, "BEGIN");
	run(c, "DECLARE dext_cur CURSOR FOR SELECT id, v, n, id::text || v AS expr FROM dext_t ORDER BY id");
	describe_portal(c, "dext_cur");
	describe_portal(c, NULL);
	describe_portal(c, "");
	describe_portal(c, "dext_nosuch");
	run(c, "FETCH 1 FROM dext_cur");
	close_portal(c, "dext_cur");
	close_portal(c, "dext_nosuch");
	close_portal(c, NULL);
	run(c, "FETCH 1 FROM dext_cur");
	run(c, "ROLLBACK");
	run(c, "BEGIN");
	run(c, "DECLARE dext_bcur BINARY CURSOR FOR SELECT 1::int4 AS i, 'x'::text AS t");
	describe_portal(c, "dext_bcur");
	run(c, "FETCH ALL FROM dext_bcur");
	run(c, "COMMIT");

	out("\n-- PQclosePrepared\n");
	close_prepared(c, "dext_s2");
	exec_prepared(c, "dext_s2", 1, NULL, NULL, NULL, 0);
	close_prepared(c, "dext_s2");
	close_prepared(c, "dext_nosuch");
	close_prepared(c, "");
	close_prepared(c, NULL);

	out("\n-- NULL and out-of-range arguments\n");
	{
		const char *v1[] = {"1"};

		exec_params(NULL, "SELECT 1", 0, NULL, NULL, NULL, NULL, 0);
		exec_params(c, NULL, 0, NULL, NULL, NULL, NULL, 0);
		exec_params(c, "SELECT 1", -1, NULL, NULL, NULL, NULL, 0);
		exec_params(c, "SELECT 1", INT_MIN, NULL, NULL, NULL, NULL, 0);
		exec_params(c, "SELECT 1", 65536, NULL, NULL, NULL, NULL, 0);
		exec_params(c, "SELECT 1", INT_MAX, NULL, NULL, NULL, NULL, 0);
		exec_params(c, NULL, -1, NULL, NULL, NULL, NULL, 0);
		prepare(NULL, "dext_x", "SELECT 1", 0, NULL);
		prepare(c, NULL, "SELECT 1", 0, NULL);
		prepare(c, "dext_x", NULL, 0, NULL);
		prepare(c, NULL, NULL, 0, NULL);
		prepare(c, "dext_x", "SELECT 1", -1, NULL);
		prepare(c, "dext_x", "SELECT 1", 65536, NULL);
		prepare(c, "dext_x", "SELECT $1::int", 1, NULL);
		exec_prepared(NULL, "dext_x", 0, NULL, NULL, NULL, 0);
		exec_prepared(c, NULL, 0, NULL, NULL, NULL, 0);
		exec_prepared(c, "dext_x", -1, v1, NULL, NULL, 0);
		exec_prepared(c, "dext_x", 65536, v1, NULL, NULL, 0);
		exec_prepared(c, NULL, -1, v1, NULL, NULL, 0);
		exec_prepared(c, "dext_x", 1, NULL, NULL, NULL, 0);
		describe_prepared(NULL, "dext_x");
		describe_portal(NULL, "dext_x");
		close_prepared(NULL, "dext_x");
		close_portal(NULL, "dext_x");
		run(c, "SELECT 'still usable'");
	}

	out("\n-- 65535 parameters (the protocol's limit), on a connection of their own\n");
	{
		int n = 65535;
		char **vals = malloc(sizeof(char *) * n);
		Oid *types = malloc(sizeof(Oid) * n);
		char *sql = many_params_sql(n);
		PGconn *m = connect_trust();

		for (int i = 0; i < n; i++)
		{
			if (asprintf(&vals[i], "%d", i + 1) < 0)
				abort();
			types[i] = 23;
		}
		exec_params(m, sql, n, NULL, (const char *const *) vals, NULL, NULL, 0);
		exec_params(m, sql, n, types, (const char *const *) vals, NULL, NULL, 0);
		exec_params(m, sql, n, NULL, NULL, NULL, NULL, 0);
		exec_params(m, "SELECT $1::int + $65535::int AS first_plus_last", n, types,
					(const char *const *) vals, NULL, NULL, 0);
		exec_params(m, "SELECT $1::int + $65535::int AS first_plus_last", n, NULL,
					(const char *const *) vals, NULL, NULL, 0);
		exec_params(m, "SELECT $65536::int", n, types, (const char *const *) vals, NULL, NULL, 0);
		prepare(m, "dext_many", sql, n, types);
		exec_prepared(m, "dext_many", n, (const char *const *) vals, NULL, NULL, 0);
		exec_prepared(m, "dext_many", n - 1, (const char *const *) vals, NULL, NULL, 0);
		exec_prepared(m, "dext_many", n + 1, (const char *const *) vals, NULL, NULL, 0);
		prepare(m, "dext_many2", sql, n + 1, types);
		free(sql);
		sql = many_params_sql(n + 1);
		exec_params(m, sql, n, NULL, (const char *const *) vals, NULL, NULL, 0);
		free(sql);

		/*
		 * The ParameterDescription of 65535 parameters is a 262146-byte
		 * message, longer than libpq accepts for that message type: libpq
		 * reports "lost synchronization with server" and closes the
		 * connection. Last on this connection for that reason.
		 */
		describe_prepared(m, "dext_many");
		run(m, "SELECT 'after the describe'");
		PQfinish(m);
		for (int i = 0; i < n; i++)
			free(vals[i]);
		free(vals);
		free(types);
	}

	out("\n-- asynchronous variants, each followed by PQgetResult until NULL\n");
	{
		const char *v1[] = {"20"};
		const char *two[] = {"1", "2"};
		const Oid t1[] = {23};
		sendclose_fn sc;

		out("\n--- PQsendQueryParams(\"SELECT $1::int * 2 AS twice\")\n");
		drain(c, x_PQsendQueryParams(c, "SELECT $1::int * 2 AS twice", 1, NULL, v1, NULL, NULL, 0));
		out("\n--- PQsendQueryParams(\"SELECT $1::int * 2 AS twice\", resultFormat=1)\n");
		drain(c, x_PQsendQueryParams(c, "SELECT $1::int * 2 AS twice", 1, NULL, v1, NULL, NULL, 1));
		out("\n--- PQsendQueryParams(\"SELECT 1/0\")\n");
		drain(c, x_PQsendQueryParams(c, "SELECT 1/0", 0, NULL, NULL, NULL, NULL, 0));
		out("\n--- PQsendPrepare(\"dext_a\", \"SELECT $1 || 'x' AS s\", 1, [23])\n");
		drain(c, PQsendPrepare(c, "dext_a", "SELECT $1 || 'x' AS s", 1, t1));
		out("\n--- PQsendPrepare(\"dext_a\", ...) again\n");
		drain(c, PQsendPrepare(c, "dext_a", "SELECT 1", 0, NULL));
		out("\n--- PQsendDescribePrepared(\"dext_a\")\n");
		drain(c, PQsendDescribePrepared(c, "dext_a"));
		out("\n--- PQsendQueryPrepared(\"dext_a\", [\"20\"])\n");
		drain(c, x_PQsendQueryPrepared(c, "dext_a", 1, v1, NULL, NULL, 0));
		out("\n--- PQsendQueryPrepared(\"dext_a\", 2 params)\n");
		drain(c, x_PQsendQueryPrepared(c, "dext_a", 2, two, NULL, NULL, 0));
		out("\n--- PQsendQueryPrepared(\"dext_nosuch\")\n");
		drain(c, x_PQsendQueryPrepared(c, "dext_nosuch", 0, NULL, NULL, NULL, 0));
		out("\n--- PQsendDescribePrepared(\"dext_nosuch\")\n");
		drain(c, PQsendDescribePrepared(c, "dext_nosuch"));
		run(c, "BEGIN");
		run(c, "DECLARE dext_acur CURSOR FOR SELECT id FROM dext_t");
		out("\n--- PQsendDescribePortal(\"dext_acur\")\n");
		drain(c, PQsendDescribePortal(c, "dext_acur"));
		out("\n--- PQsendDescribePortal(NULL)\n");
		drain(c, PQsendDescribePortal(c, NULL));
		if (!skip_post15())
		{
			out("\n--- PQsendClosePortal(\"dext_acur\")\n");
			sc = (sendclose_fn) sym("PQsendClosePortal", 1);
			if (sc)
				drain(c, sc(c, "dext_acur"));
		}
		run(c, "ROLLBACK");
		if (!skip_post15())
		{
			out("\n--- PQsendClosePrepared(\"dext_a\")\n");
			sc = (sendclose_fn) sym("PQsendClosePrepared", 1);
			if (sc)
				drain(c, sc(c, "dext_a"));
			out("\n--- PQsendClosePrepared(NULL conn)\n");
			if (sc)
				drain(NULL, sc(NULL, "dext_a"));
		}

		out("\n--- bad arguments to the PQsend* functions\n");
		out("PQsendQueryParams(NULL conn): ");
		drain(NULL, x_PQsendQueryParams(NULL, "SELECT 1", 0, NULL, NULL, NULL, NULL, 0));
		out("PQsendQueryParams(NULL command): ");
		drain(c, x_PQsendQueryParams(c, NULL, 0, NULL, NULL, NULL, NULL, 0));
		out("PQsendQueryParams(nParams -1): ");
		drain(c, x_PQsendQueryParams(c, "SELECT 1", -1, NULL, NULL, NULL, NULL, 0));
		out("PQsendQueryParams(nParams 65536): ");
		drain(c, x_PQsendQueryParams(c, "SELECT 1", 65536, NULL, NULL, NULL, NULL, 0));
		out("PQsendPrepare(NULL conn): ");
		drain(NULL, PQsendPrepare(NULL, "x", "SELECT 1", 0, NULL));
		out("PQsendPrepare(NULL name): ");
		drain(c, PQsendPrepare(c, NULL, "SELECT 1", 0, NULL));
		out("PQsendPrepare(NULL query): ");
		drain(c, PQsendPrepare(c, "x", NULL, 0, NULL));
		out("PQsendPrepare(nParams 65536): ");
		drain(c, PQsendPrepare(c, "x", "SELECT 1", 65536, NULL));
		out("PQsendQueryPrepared(NULL conn): ");
		drain(NULL, x_PQsendQueryPrepared(NULL, "x", 0, NULL, NULL, NULL, 0));
		out("PQsendQueryPrepared(NULL name): ");
		drain(c, x_PQsendQueryPrepared(c, NULL, 0, NULL, NULL, NULL, 0));
		out("PQsendQueryPrepared(nParams -1): ");
		drain(c, x_PQsendQueryPrepared(c, "x", -1, NULL, NULL, NULL, 0));
		out("PQsendDescribePrepared(NULL conn): ");
		drain(NULL, PQsendDescribePrepared(NULL, "x"));
		out("PQsendDescribePortal(NULL conn): ");
		drain(NULL, PQsendDescribePortal(NULL, "x"));

		out("\n--- a command while another is pending\n");
		out("PQsendQueryParams (first): ");
		{
			int s1 = x_PQsendQueryParams(c, "SELECT 'first' AS f", 0, NULL, NULL, NULL, NULL, 0);
			int s2;

			out("%d\n", s1);
			s2 = x_PQsendQueryParams(c, "SELECT 'second' AS s", 0, NULL, NULL, NULL, NULL, 0);
			out("PQsendQueryParams while pending: %d\n", s2);
			str("PQerrorMessage", PQerrorMessage(c));
			s2 = PQsendPrepare(c, "dext_p", "SELECT 1", 0, NULL);
			out("PQsendPrepare while pending: %d\n", s2);
			str("PQerrorMessage", PQerrorMessage(c));
			s2 = x_PQsendQueryPrepared(c, "dext_p", 0, NULL, NULL, NULL, 0);
			out("PQsendQueryPrepared while pending: %d\n", s2);
			str("PQerrorMessage", PQerrorMessage(c));
			s2 = PQsendDescribePrepared(c, "dext_p");
			out("PQsendDescribePrepared while pending: %d\n", s2);
			str("PQerrorMessage", PQerrorMessage(c));
			s2 = PQsendQuery(c, "SELECT 3");
			out("PQsendQuery while pending: %d\n", s2);
			str("PQerrorMessage", PQerrorMessage(c));
			out("PQexecParams while pending (libpq discards the pending results first):\n");
			finish(c, x_PQexecParams(c, "SELECT 'third' AS t", 0, NULL, NULL, NULL, NULL, 0));
			{
				PGresult   *after = PQgetResult(c);

				out("PQgetResult after it: %s\n", after == NULL ? "NULL" : "a result");
				while (after)
				{
					PQclear(after);
					after = PQgetResult(c);
				}
			}
			s1 = x_PQsendQueryParams(c, "SELECT 'fourth' AS f", 0, NULL, NULL, NULL, NULL, 0);
			out("PQsendQueryParams: %d; then PQprepare while pending:\n", s1);
			finish(c, PQprepare(c, "dext_p", "SELECT 'p' AS p", 0, NULL));
			s1 = x_PQsendQueryParams(c, "SELECT 1/0", 0, NULL, NULL, NULL, NULL, 0);
			out("PQsendQueryParams (failing): %d; then PQexecPrepared while pending:\n", s1);
			finish(c, x_PQexecPrepared(c, "dext_p", 0, NULL, NULL, NULL, 0));
			s1 = PQsendDescribePrepared(c, "dext_p");
			out("PQsendDescribePrepared: %d; then PQdescribePrepared while pending:\n", s1);
			finish(c, PQdescribePrepared(c, "dext_p"));
		}
	}

	quiet(c, "DROP TABLE dext_t");
	PQfinish(c);
}

/* ================================================================ binary */

static void put16(char *p, int v)
{
	p[0] = (char) ((v >> 8) & 0xff);
	p[1] = (char) (v & 0xff);
}

static void put32(char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (char) ((v >> (24 - 8 * i)) & 0xff);
}

static void put64(char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (char) ((v >> (56 - 8 * i)) & 0xff);
}

static void sec_binary(void)
{
	PGconn *c;

	section("binary");
	c = connect_trust();
	quiet(c, "SET client_min_messages = warning");
	quiet(c, "DROP TABLE IF EXISTS dext_b");
	quiet(c, "RESET client_min_messages");
	quiet(c, "CREATE TABLE dext_b (id int, i2 int2, i8 int8, f4 float4, f8 float8, b bool, ba bytea, t text, "
		  "num numeric, ts timestamp, u uuid, arr int4[])");

	out("\n-- binary results (resultFormat 1)\n");
	exec_params(c, "SELECT 1::int2 AS i2, (-2)::int4 AS i4, 9223372036854775807::int8 AS i8, 1.5::float4 AS f4, "
				"(-2.25)::float8 AS f8, true AS t, false AS f", 0, NULL, NULL, NULL, NULL, 1);
	exec_params(c, "SELECT '\\x00ff00'::bytea AS ba, ''::bytea AS empty, 'h\u00e9llo'::text AS t, "
				"NULL::int AS n, 'abc'::varchar AS vc, 'x'::\"char\" AS ch", 0, NULL, NULL, NULL, NULL, 1);
	exec_params(c, "SELECT 123.4500::numeric AS a, (-0.001)::numeric AS b, 'NaN'::numeric AS c, 0::numeric AS d, "
				"1e20::numeric AS e", 0, NULL, NULL, NULL, NULL, 1);
	exec_params(c, "SELECT '2024-02-29 12:34:56.789'::timestamp AS ts, '2000-01-01'::date AS d, "
				"'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS u, '12:00'::time AS tm, "
				"'1 day 2 hours'::interval AS iv", 0, NULL, NULL, NULL, NULL, 1);
	exec_params(c, "SELECT '{1,NULL,3}'::int4[] AS a, '{}'::int4[] AS e, '{{a,b},{c,d}}'::text[] AS t2, "
				"'{\"k\": [1, null]}'::jsonb AS j", 0, NULL, NULL, NULL, NULL, 1);
	exec_params(c, "SELECT 1::int4 AS i, 'x'::text AS t", 0, NULL, NULL, NULL, NULL, 0);
	exec_params(c, "SELECT 1::int4 AS i WHERE false", 0, NULL, NULL, NULL, NULL, 1);
	exec_params(c, "SELECT 1::int4 AS i", 0, NULL, NULL, NULL, NULL, 2);
	exec_params(c, "SELECT 1::int4 AS i", 0, NULL, NULL, NULL, NULL, -1);

	out("\n-- binary parameters\n");
	{
		char i2[2], i4[4], i8[8], f4[4], f8[8], bo[1], ts[8], uu[16];
		char ba[] = {'a', 0, 'b', 0, (char) 0xff};
		char tx[] = "h\xc3\xa9llo";
		char num[14];
		char arr[44];
		union
		{
			float f;
			uint32_t u;
		} fu;
		union
		{
			double d;
			uint64_t u;
		} du;
		const char *vals[11];
		int lens[11], fmts[11];
		Oid types[11] = {21, 23, 20, 700, 701, 16, 17, 25, 1700, 1114, 2950};

		put16(i2, -2);
		put32(i4, 123456789);
		put64(i8, (uint64_t) -9000000000LL);
		fu.f = 3.25f;
		put32(f4, fu.u);
		du.d = -1.0e-300;
		put64(f8, du.u);
		bo[0] = 1;
		/* numeric 12345.678: ndigits 3, weight 1, sign +, dscale 3, base-10000 digits 1 2345 6780 */
		put16(num, 3);
		put16(num + 2, 1);
		put16(num + 4, 0);
		put16(num + 6, 3);
		put16(num + 8, 1);
		put16(num + 10, 2345);
		put16(num + 12, 6780);
		/* timestamp 2024-02-29 12:34:56.789 = microseconds since 2000-01-01 */
		put64(ts, (uint64_t) 762525296789000LL);
		for (int i = 0; i < 16; i++)
			uu[i] = (char) (0x10 * (i % 16) + i);
		vals[0] = i2, lens[0] = 2;
		vals[1] = i4, lens[1] = 4;
		vals[2] = i8, lens[2] = 8;
		vals[3] = f4, lens[3] = 4;
		vals[4] = f8, lens[4] = 8;
		vals[5] = bo, lens[5] = 1;
		vals[6] = ba, lens[6] = sizeof ba;
		vals[7] = tx, lens[7] = (int) strlen(tx);
		vals[8] = num, lens[8] = 14;
		vals[9] = ts, lens[9] = 8;
		vals[10] = uu, lens[10] = 16;
		for (int i = 0; i < 11; i++)
			fmts[i] = 1;
		{
			const char *sql = "SELECT $1 AS i2, $2 AS i4, $3 AS i8, $4 AS f4, $5 AS f8, $6 AS b, $7 AS ba, "
				"$8 AS t, $9 AS num, $10 AS ts, $11 AS u";

			exec_params(c, sql, 11, types, vals, lens, fmts, 0);
			exec_params(c, sql, 11, types, vals, lens, fmts, 1);
			exec_params(c, "INSERT INTO dext_b (i2, id, i8, f4, f8, b, ba, t, num, ts, u) "
						"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)", 11, types, vals, lens, fmts, 0);
			/* types inferred from the table */
			exec_params(c, "INSERT INTO dext_b (i2, id, i8, f4, f8, b, ba, t, num, ts, u) "
						"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)", 11, NULL, vals, lens, fmts, 0);
			exec_params(c, "SELECT * FROM dext_b ORDER BY id", 0, NULL, NULL, NULL, NULL, 0);
			exec_params(c, "SELECT * FROM dext_b ORDER BY id", 0, NULL, NULL, NULL, NULL, 1);
		}
		/* int4[] {7,NULL,-1}: ndim 1, hasnull 1, elemtype 23, dim 3, lbound 1, elements */
		put32(arr, 1);
		put32(arr + 4, 1);
		put32(arr + 8, 23);
		put32(arr + 12, 3);
		put32(arr + 16, 1);
		put32(arr + 20, 4);
		put32(arr + 24, 7);
		put32(arr + 28, (uint32_t) -1);
		put32(arr + 32, 4);
		put32(arr + 36, (uint32_t) -1);
		{
			const char *av[] = {arr};
			int al[] = {40};
			int af[] = {1};
			Oid at[] = {1007};

			exec_params(c, "SELECT $1 AS arr, array_length($1, 1) AS n", 1, at, av, al, af, 0);
			exec_params(c, "SELECT $1 AS arr", 1, at, av, al, af, 1);
			al[0] = 36;
			exec_params(c, "SELECT $1 AS truncated_arr", 1, at, av, al, af, 0);
		}
	}

	out("\n-- paramFormats NULL vs all text vs mixed\n");
	{
		const char *tv[] = {"42", "\\x0001"};
		int zero2[] = {0, 0};
		int mixed[] = {0, 1};
		int lens[] = {999, 2};
		const char *mv[] = {"42", "\x01\x02"};
		Oid ty[] = {23, 17};

		exec_params(c, "SELECT $1::int4 AS i, $2::bytea AS b", 2, NULL, tv, NULL, NULL, 0);
		exec_params(c, "SELECT $1::int4 AS i, $2::bytea AS b", 2, NULL, tv, NULL, zero2, 0);
		exec_params(c, "SELECT $1::int4 AS i, $2::bytea AS b", 2, NULL, mv, lens, mixed, 0);
		exec_params(c, "SELECT $1 AS i, $2 AS b", 2, ty, mv, lens, mixed, 1);
	}

	out("\n-- bad binary input\n");
	{
		char i4[4] = {0, 0, 0, 5};
		char big[8] = {0, 0, 0, 0, 0, 0, 0, 9};
		char bad_utf8[] = {'a', (char) 0xff, 'b'};
		const char *v1[] = {i4};
		const char *vb[] = {big};
		const char *vu[] = {bad_utf8};
		const char *vtwo[] = {i4, i4};
		int fmt1[] = {1, 1};
		int fmt2[] = {2};
		int lens[2];
		Oid int4[] = {23, 23};
		Oid text[] = {25};
		Oid bytea[] = {17};
		Oid int8[] = {20};

		/* libpq's own refusal: no length for a binary parameter */
		exec_params(c, "SELECT $1::int4", 1, int4, v1, NULL, fmt1, 0);
		run(c, "SELECT 'after the refused binary parameter'");
		/* the second of two parameters is binary without a length */
		{
			int mix[] = {0, 1};
			const char *mv[] = {"1", i4};

			exec_params(c, "SELECT $1::int4, $2::int4", 2, int4, mv, NULL, mix, 0);
			run(c, "SELECT 'after the refused binary parameter'");
		}
		lens[0] = 0;
		exec_params(c, "SELECT $1 AS empty_bytea, length($1)", 1, bytea, v1, lens, fmt1, 0);
		exec_params(c, "SELECT $1 AS empty_int4", 1, int4, v1, lens, fmt1, 0);
		lens[0] = 2;
		exec_params(c, "SELECT $1 AS short_int4", 1, int4, v1, lens, fmt1, 0);
		lens[0] = 8;
		exec_params(c, "SELECT $1 AS long_int4", 1, int4, vb, lens, fmt1, 0);
		lens[0] = 4;
		exec_params(c, "SELECT $1 AS short_int8", 1, int8, v1, lens, fmt1, 0);
		lens[0] = 3;
		exec_params(c, "SELECT $1 AS bad_utf8", 1, text, vu, lens, fmt1, 0);
		lens[0] = 4;
		exec_params(c, "SELECT $1 AS fmt2", 1, int4, v1, lens, fmt2, 0);
		exec_params(c, "SELECT $1 AS untyped_binary", 1, NULL, v1, lens, fmt1, 0);
		/* binary lengths libpq 18 refuses before sending anything */
		lens[0] = INT_MAX;
		exec_params(c, "SELECT $1 AS huge_length", 1, bytea, v1, lens, fmt1, 0);
		run(c, "SELECT 'after INT_MAX'");
		lens[0] = INT_MIN;
		exec_params(c, "SELECT $1 AS int_min_length", 1, bytea, v1, lens, fmt1, 0);
		run(c, "SELECT 'after INT_MIN'");
		lens[0] = -1000000;
		exec_params(c, "SELECT $1 AS minus_a_million", 1, bytea, v1, lens, fmt1, 0);
		run(c, "SELECT 'after -1000000'");
		/* a negative length is fine when the value is NULL (the length is not used) */
		{
			const char *vn[] = {NULL, i4};

			lens[0] = -1;
			lens[1] = 4;
			exec_params(c, "SELECT $1 IS NULL AS n, $2 AS v", 2, int4, vn, lens, fmt1, 0);
		}
		lens[0] = 4;
		lens[1] = 4;
		exec_params(c, "SELECT $1 + $2 AS sum", 2, int4, vtwo, lens, fmt1, 1);
	}

	out("\n-- a large binary value\n");
	{
		int n = 1 << 20;
		char *blob = malloc(n);
		const char *v[] = {blob};
		int l[] = {n};
		int f[] = {1};
		Oid t[] = {17};

		for (int i = 0; i < n; i++)
			blob[i] = (char) (i * 7 + (i >> 8));
		exec_params(c, "SELECT length($1) AS len, md5($1) AS md5, substr($1, 1, 8) AS head", 1, t, v, l, f, 0);
		{
			PGresult *r = x_PQexecParams(c, "SELECT $1 AS echo", 1, t, v, l, f, 1);

			out("\n--- echo of a 1 MiB binary value\n");
			if (r)
			{
				out("PQresultStatus: %s PQgetlength: %d PQbinaryTuples: %d identical: %s\n",
					PQresStatus(PQresultStatus(r)), PQgetlength(r, 0, 0), PQbinaryTuples(r),
					PQgetlength(r, 0, 0) == n && memcmp(PQgetvalue(r, 0, 0), blob, n) == 0 ? "yes" : "no");
				PQclear(r);
			}
			else
				out("result: NULL\n");
		}
		free(blob);
	}

	out("\n-- PQexecPrepared with binary parameters and results\n");
	{
		char i4[4];
		const char *v[] = {i4, "text"};
		int l[] = {4, 0};
		int f[] = {1, 0};

		put32(i4, 77);
		prepare(c, "dext_bin", "SELECT $1::int4 * 2 AS doubled, $2::text AS t", 2, NULL);
		exec_prepared(c, "dext_bin", 2, v, l, f, 1);
		exec_prepared(c, "dext_bin", 2, v, l, f, 0);
		exec_prepared(c, "dext_bin", 2, v, NULL, f, 0);
		out("\n--- PQsendQueryPrepared(\"dext_bin\", binary)\n");
		drain(c, x_PQsendQueryPrepared(c, "dext_bin", 2, v, l, f, 1));
		out("\n--- PQsendQueryParams(binary parameter without a length)\n");
		drain(c, x_PQsendQueryParams(c, "SELECT $1::int4", 1, NULL, v, NULL, f, 0));
		run(c, "SELECT 'still usable'");
	}

	quiet(c, "DROP TABLE dext_b");
	PQfinish(c);
}

/* ================================================================ main */

static const struct program_section sections[] = {
	{"extended", sec_extended, 1},
	{"binary", sec_binary, 1},
};

int main(int argc, char **argv)
{
	return helper_main(sections, N_OF(sections), argc, argv);
}
