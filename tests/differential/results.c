/*
 * Differential test program for results built and copied by the caller and
 * for the events API: PQmakeEmptyPGresult, PQsetResultAttrs, PQsetvalue,
 * PQresultAlloc, PQresultMemorySize, PQcopyResult (every PG_COPYRES_* flag),
 * PQresultVerboseErrorMessage (every verbosity x context visibility), and
 * libpq-events.h (PQregisterEventProc, PQsetInstanceData, PQinstanceData,
 * PQresultSetInstanceData, PQresultInstanceData, PQfireResultCreateEvents
 * and the events libpq fires: REGISTER, CONNRESET, CONNDESTROY,
 * RESULTCREATE, RESULTCOPY, RESULTDESTROY). It prints everything observable
 * for one running server, so that the output with the real libpq 18 and with
 * libpq-rs can be compared line by line (tests/integration/differential.rs).
 *
 * Compiled against the system libpq-fe.h and libpq-events.h (PostgreSQL 15
 * on Debian 12). The functions libpq-rs may not export yet are looked up
 * with dlsym, so that the program loads on any libpq.so.5 and prints
 * "<name>: (not exported)" at each call of a missing one.
 *
 * Usage: results [section...]   sections: resultapi events (default: both)
 *
 * Environment: DIFF_PORT, DIFF_SOCKDIR, DIFF_DB (default "postgres"),
 * DIFF_TRUST_USER (a superuser authenticated by "trust" on 127.0.0.1), as
 * for diff.c. The tables and functions it creates start with "dres_".
 *
 * Output masking: the port and socket directory are printed symbolically,
 * table OIDs from PQftable as the table's name. Pointers are never printed:
 * the event procedures name each PGconn and PGresult they see ("c1", "R3"),
 * in the order libpq shows them; PQresultAlloc's results are printed as
 * facts (aligned, writable); PQresultMemorySize only through relations that
 * hold for any allocator (0 for NULL, > 0, grows by at least what was
 * stored, never shrinks), since libpq-rs allocates differently.
 *
 * Not tested on purpose (libpq 18 crashes): PQsetvalue with len INT_MAX
 * (len + 1 overflows), PQresultAlloc results written beyond their size.
 *
 * Differences between libpq 18 and Debian's libpq 15 seen with this program
 * (tests/differential/README.md has the list):
 *  - PQmakeEmptyPGresult(conn, 12): status 12 is PGRES_TUPLES_CHUNK in 18
 *    (added in 17), a non-error status, so the connection's error message is
 *    not copied; 15 prints "invalid ExecStatusType code" and copies it, as
 *    for any status it does not know.
 */
#define PROGRAM "results"
#include "common.h"

#include <libpq-events.h>

/* ---------------------------------------------------------------- functions looked up at run time */

/* Returned by the int wrappers when the function is not exported. */
#define MISSING (-99)

typedef PGresult *(*copyresult_fn) (const PGresult *, int);
typedef int (*setresultattrs_fn) (PGresult *, int, PGresAttDesc *);
typedef int (*setvalue_fn) (PGresult *, int, int, char *, int);
typedef void *(*resultalloc_fn) (PGresult *, size_t);
typedef int (*registereventproc_fn) (PGconn *, PGEventProc, const char *, void *);
typedef int (*setinstancedata_fn) (PGconn *, PGEventProc, void *);
typedef void *(*instancedata_fn) (const PGconn *, PGEventProc);
typedef int (*resultsetinstancedata_fn) (PGresult *, PGEventProc, void *);
typedef void *(*resultinstancedata_fn) (const PGresult *, PGEventProc);
typedef int (*fireresultcreateevents_fn) (PGconn *, PGresult *);

static PGresult *x_PQcopyResult(const PGresult *src, int flags)
{
	copyresult_fn f = (copyresult_fn) sym("PQcopyResult", 0);

	return f ? f(src, flags) : NULL;
}

static int x_PQsetResultAttrs(PGresult *res, int n, PGresAttDesc *d)
{
	setresultattrs_fn f = (setresultattrs_fn) sym("PQsetResultAttrs", 0);

	return f ? f(res, n, d) : MISSING;
}

static int x_PQsetvalue(PGresult *res, int tup, int field, char *value, int len)
{
	setvalue_fn f = (setvalue_fn) sym("PQsetvalue", 0);

	return f ? f(res, tup, field, value, len) : MISSING;
}

static void *x_PQresultAlloc(PGresult *res, size_t n)
{
	resultalloc_fn f = (resultalloc_fn) sym("PQresultAlloc", 0);

	return f ? f(res, n) : NULL;
}

static int x_PQregisterEventProc(PGconn *conn, PGEventProc proc, const char *name, void *pass)
{
	registereventproc_fn f = (registereventproc_fn) sym("PQregisterEventProc", 0);

	return f ? f(conn, proc, name, pass) : MISSING;
}

static int x_PQsetInstanceData(PGconn *conn, PGEventProc proc, void *data)
{
	setinstancedata_fn f = (setinstancedata_fn) sym("PQsetInstanceData", 0);

	return f ? f(conn, proc, data) : MISSING;
}

static void *x_PQinstanceData(const PGconn *conn, PGEventProc proc)
{
	instancedata_fn f = (instancedata_fn) sym("PQinstanceData", 0);

	return f ? f(conn, proc) : NULL;
}

static int x_PQresultSetInstanceData(PGresult *res, PGEventProc proc, void *data)
{
	resultsetinstancedata_fn f = (resultsetinstancedata_fn) sym("PQresultSetInstanceData", 0);

	return f ? f(res, proc, data) : MISSING;
}

static void *x_PQresultInstanceData(const PGresult *res, PGEventProc proc)
{
	resultinstancedata_fn f = (resultinstancedata_fn) sym("PQresultInstanceData", 0);

	return f ? f(res, proc) : NULL;
}

static int x_PQfireResultCreateEvents(PGconn *conn, PGresult *res)
{
	fireresultcreateevents_fn f = (fireresultcreateevents_fn) sym("PQfireResultCreateEvents", 0);

	return f ? f(conn, res) : MISSING;
}

/* ---------------------------------------------------------------- results */

static void dump_result(const PGresult *r)
{
	if (!print_result_head(r))
		return;
	int np = PQnparams(r), nf = PQnfields(r), nt = PQntuples(r);

	for (int i = 0; i < np; i++)
		out("  PQparamtype(%d): %u\n", i, PQparamtype(r, i));
	for (int f = 0; f < nf; f++)
	{
		const char *name = PQfname(r, f);
		char *e = name ? escape(name, strlen(name)) : NULL;

		out("  field %d: PQfname=%s%s%s PQfnumber=%d", f, e ? "\"" : "", e ? e : "(null)", e ? "\"" : "",
			name ? PQfnumber(r, name) : -99);
		print_ftable(PQftable(r, f), 1);
		out(" ftablecol=%d fformat=%d ftype=%u fmod=%d fsize=%d\n",
			PQftablecol(r, f), PQfformat(r, f), PQftype(r, f), PQfmod(r, f), PQfsize(r, f));
		free(e);
	}
	for (int t = 0; t < nt; t++)
	{
		if (nt > 12 && t == 5)
		{
			out("  ... (rows 5 to %d not shown)\n", nt - 4);
			t = nt - 3;
		}
		out("  row %d:", t);
		for (int f = 0; f < nf; f++)
			print_value(r, t, f, HEX_BINARY_OR_NUL);
		out("\n");
	}
	print_diag_fields(r);
}

static void receiver(void *arg, const PGresult *r)
{
	char label[80];

	snprintf(label, sizeof label, "notice receiver [%s]", arg ? (const char *) arg : "NULL arg");
	str(label, PQresultErrorMessage(r));
}

/* ================================================================ resultapi */

static void make_empty(PGconn *c, const char *conn_label)
{
	for (int s = 0; s <= 13; s++)
	{
		PGresult *r = PQmakeEmptyPGresult(c, (ExecStatusType) s);

		out("\n--- PQmakeEmptyPGresult(%s, %d)\n", conn_label, s);
		dump_result(r);
		out("PQresultMemorySize > 0: %s\n", yes(PQresultMemorySize(r) > 0));
		PQclear(r);
	}
}

static void setvalue_case(PGresult *r, const char *what, int tup, int field, char *value, int len)
{
	size_t before = PQresultMemorySize(r);
	int ok;

	out("PQsetvalue(r, %d, %d, %s, %d): ", tup, field, what, len);
	ok = x_PQsetvalue(r, tup, field, value, len);
	out("%d", ok);
	out("  ntuples now %d", PQntuples(r));
	if (ok == 1)
	{
		out(" ->");
		print_value(r, tup, field, HEX_BINARY_OR_NUL);
	}
	out("  PQresultMemorySize did not shrink: %s\n", yes(PQresultMemorySize(r) >= before));
}

static void copy_case(const PGresult *src, int flags, const char *flag_names)
{
	PGresult *cp;
	PGresAttDesc one = {"extra", 0, 0, 0, 25, -1, -1};
	int ok;

	out("\n--- PQcopyResult(src, %s)\n", flag_names);
	cp = x_PQcopyResult(src, flags);
	dump_result(cp);
	if (cp == NULL)
		return;
	out("PQgetvalue(copy, 99, 0), out of range (a notice only with the notice hooks copied):\n");
	(void) PQgetvalue(cp, 99, 0);
	ok = x_PQsetResultAttrs(cp, 1, &one);
	out("PQsetResultAttrs(copy, 1, ...): %d  PQnfields now %d\n", ok, PQnfields(cp));
	ok = x_PQsetvalue(cp, PQntuples(cp), 0, "appended", 8);
	out("PQsetvalue(copy, ntuples, 0, \"appended\"): %d  PQntuples now %d\n", ok, PQntuples(cp));
	out("PQresultMemorySize(copy) > 0: %s\n", yes(PQresultMemorySize(cp) > 0));
	PQclear(cp);
}

static void verbose_matrix(const char *title, const PGresult *r)
{
	out("\n--- %s\n", title);
	dump_result(r);
	print_verbose_matrix(r);
}

static void sec_resultapi(void)
{
	PGconn *c;
	PGresult *r;

	section("resultapi");
	c = connect_trust();
	PQsetNoticeReceiver(c, receiver, "conn");
	quiet(c, "SET client_min_messages = warning");
	quiet(c, "DROP TABLE IF EXISTS dres_t");
	quiet(c, "DROP FUNCTION IF EXISTS dres_fail(int)");
	quiet(c, "RESET client_min_messages");
	quiet(c, "CREATE TABLE dres_t (id int PRIMARY KEY, v text, b bytea)");
	quiet(c, "INSERT INTO dres_t VALUES (1, 'one', '\\x00ff'), (2, NULL, NULL), (3, 'three', '')");
	quiet(c, "CREATE FUNCTION dres_fail(n int) RETURNS int LANGUAGE plpgsql AS $$\n"
		  "BEGIN\n"
		  "  IF n > 0 THEN\n"
		  "    RETURN dres_fail(n - 1);\n"
		  "  END IF;\n"
		  "  RAISE EXCEPTION 'bottom reached' USING DETAIL = 'the detail', HINT = 'the hint';\n"
		  "END$$");

	out("\n-- PQmakeEmptyPGresult without a connection, every status\n");
	make_empty(NULL, "NULL");
	r = PQexec(c, "SELECT 1/0");
	PQclear(r);
	out("\n-- PQmakeEmptyPGresult with a connection whose PQerrorMessage is set\n");
	str("PQerrorMessage(conn)", PQerrorMessage(c));
	make_empty(c, "conn");
	r = PQexec(c, "SELECT 1");
	PQclear(r);
	out("\n-- PQmakeEmptyPGresult with a connection whose PQerrorMessage is empty\n");
	str("PQerrorMessage(conn)", PQerrorMessage(c));
	r = PQmakeEmptyPGresult(c, PGRES_FATAL_ERROR);
	out("\n--- PQmakeEmptyPGresult(conn, PGRES_FATAL_ERROR)\n");
	dump_result(r);
	out("PQgetvalue(r, 0, 0) on it (the notice goes to the connection's receiver):\n");
	str("PQgetvalue", PQgetvalue(r, 0, 0));
	PQclear(r);

	out("\n-- PQsetResultAttrs\n");
	{
		char name0[] = "first";
		PGresAttDesc attrs[] = {
			{name0, 0, 0, 0, 23, 4, -1},
			{NULL, 4294967295u, 7, 1, 17, -1, -1},
			{"", 0, 0, 0, 25, -1, 12},
			{"Mixed Case \"q\"", 0, 0, 1, 1700, -1, 655366},
		};
		PGresAttDesc bin[] = {
			{"b1", 0, 0, 1, 17, -1, -1},
			{"b2", 0, 0, 1, 23, 4, -1},
		};

		r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
		out("PQsetResultAttrs(r, 4, mixed formats): %d\n", x_PQsetResultAttrs(r, 4, attrs));
		/* the names were copied */
		strcpy(name0, "XXXXX");
		dump_result(r);
		out("PQfnumber(r, \"first\"): %d  PQfnumber(r, \"\"): %d  PQfnumber(r, \"\\\"Mixed Case \\\"\\\"q\\\"\\\"\\\"\"): %d\n",
			PQfnumber(r, "first"), PQfnumber(r, ""), PQfnumber(r, "\"Mixed Case \"\"q\"\"\""));
		out("PQsetResultAttrs again (attributes already set): %d  PQnfields %d\n",
			x_PQsetResultAttrs(r, 2, bin), PQnfields(r));
		out("PQsetResultAttrs(r, 0, NULL): %d\n", x_PQsetResultAttrs(r, 0, NULL));
		PQclear(r);

		r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
		out("fresh result: PQsetResultAttrs(r, 0, attrs): %d  PQnfields %d\n", x_PQsetResultAttrs(r, 0, attrs),
			PQnfields(r));
		out("fresh result: PQsetResultAttrs(r, 2, NULL): %d  PQnfields %d\n", x_PQsetResultAttrs(r, 2, NULL),
			PQnfields(r));
		out("fresh result: PQsetResultAttrs(r, -1, attrs): %d  PQnfields %d\n", x_PQsetResultAttrs(r, -1, attrs),
			PQnfields(r));
		out("fresh result: PQsetResultAttrs(r, 2, all binary): %d\n", x_PQsetResultAttrs(r, 2, bin));
		dump_result(r);
		PQclear(r);
		out("PQsetResultAttrs(NULL, 2, attrs): %d\n", x_PQsetResultAttrs(NULL, 2, bin));

		r = PQmakeEmptyPGresult(NULL, PGRES_FATAL_ERROR);
		out("on a PGRES_FATAL_ERROR result: PQsetResultAttrs: %d\n", x_PQsetResultAttrs(r, 1, bin));
		dump_result(r);
		PQclear(r);

		r = PQexec(c, "SELECT 1 AS a");
		out("on a query result: PQsetResultAttrs: %d  PQnfields %d\n", x_PQsetResultAttrs(r, 1, bin),
			PQnfields(r));
		PQclear(r);
		r = PQexec(c, "SET search_path = public");
		out("on a command result (no attributes): PQsetResultAttrs: %d  PQnfields %d\n",
			x_PQsetResultAttrs(r, 1, bin), PQnfields(r));
		dump_result(r);
		PQclear(r);
	}

	out("\n-- PQsetvalue (notices go to the receiver of the connection the result was made with)\n");
	{
		PGresAttDesc attrs[] = {
			{"t", 0, 0, 0, 25, -1, -1},
			{"b", 0, 0, 1, 17, -1, -1},
		};
		char bin[] = {'a', 0, 'b', 0, (char) 0xff};
		char big[10000];
		size_t before;

		memset(big, 'z', sizeof big);
		r = PQmakeEmptyPGresult(c, PGRES_TUPLES_OK);
		setvalue_case(r, "\"no attributes yet\"", 0, 0, "x", 1);
		out("PQsetResultAttrs: %d\n", x_PQsetResultAttrs(r, 2, attrs));
		setvalue_case(r, "\"hello\"", 0, 0, "hello", 5);
		setvalue_case(r, "binary with NULs", 1, 1, bin, (int) sizeof bin);
		setvalue_case(r, "\"abcdef\"", 1, 0, "abcdef", 3);
		setvalue_case(r, "\"x\"", 3, 0, "x", 1);
		setvalue_case(r, "\"x\"", -1, 0, "x", 1);
		setvalue_case(r, "\"x\"", 0, 2, "x", 1);
		setvalue_case(r, "\"x\"", 0, -1, "x", 1);
		setvalue_case(r, "NULL", 2, 0, NULL, 5);
		setvalue_case(r, "\"v\"", 2, 1, "v", -1);
		setvalue_case(r, "\"v\"", 0, 1, "v", 0);
		setvalue_case(r, "\"v\"", 1, 0, "v", -2);
		setvalue_case(r, "\"v\"", 1, 1, "v", INT_MIN);
		setvalue_case(r, "\"first\"", 0, 0, "first", 5);
		setvalue_case(r, "\"overwritten, longer\"", 0, 0, "overwritten, longer", 19);
		setvalue_case(r, "\"s\"", 0, 0, "s", 1);
		before = PQresultMemorySize(r);
		setvalue_case(r, "10000 bytes", 3, 0, big, (int) sizeof big);
		out("PQresultMemorySize grew by at least 10000: %s\n", yes(PQresultMemorySize(r) >= before + 10000));
		dump_result(r);
		out("appending 1000 rows\n");
		for (int i = 0; i < 1000; i++)
		{
			char v[16];
			int n = snprintf(v, sizeof v, "row %d", i);

			if (x_PQsetvalue(r, PQntuples(r), i % 2, v, n) != 1)
			{
				out("append failed at %d\n", i);
				break;
			}
		}
		dump_result(r);
		PQclear(r);

		r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
		x_PQsetResultAttrs(r, 2, attrs);
		out("without a connection (no notice receiver):\n");
		setvalue_case(r, "\"x\"", 5, 0, "x", 1);
		setvalue_case(r, "\"x\"", 0, 9, "x", 1);
		PQclear(r);
		out("PQsetvalue(NULL, 0, 0, \"x\", 1): %d\n", x_PQsetvalue(NULL, 0, 0, "x", 1));

		r = PQexec(c, "SELECT id, v FROM dres_t ORDER BY id");
		out("on a query result:\n");
		setvalue_case(r, "\"changed\"", 0, 1, "changed", 7);
		setvalue_case(r, "\"4\"", 3, 0, "4", 1);
		dump_result(r);
		PQclear(r);
	}

	out("\n-- PQresultAlloc\n");
	{
		static const size_t sizes[] = {1, 3, 5, 7, 8, 13, 100, 1000, 1023, 1024, 5000, 2};
		void *blocks[sizeof sizes / sizeof sizes[0]];
		size_t total = 0, m0;
		int intact = 1, aligned = 1;
		void *p;

		r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
		m0 = PQresultMemorySize(r);
		for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		{
			blocks[i] = x_PQresultAlloc(r, sizes[i]);
			out("PQresultAlloc(r, %zu): %s, aligned to 8: %s\n", sizes[i], blocks[i] ? "non-NULL" : "NULL",
				yes(((uintptr_t) blocks[i]) % 8 == 0));
			if (blocks[i])
				memset(blocks[i], (int) i + 1, sizes[i]);
			total += sizes[i];
		}
		for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		{
			aligned &= ((uintptr_t) blocks[i]) % 8 == 0;
			for (size_t j = 0; blocks[i] && j < sizes[i]; j++)
				intact &= ((unsigned char *) blocks[i])[j] == i + 1;
		}
		out("all blocks aligned: %s, distinct and intact: %s\n", yes(aligned), yes(intact));
		out("PQresultMemorySize grew by at least the %zu bytes allocated: %s\n", total,
			yes(PQresultMemorySize(r) >= m0 + total));
		p = x_PQresultAlloc(r, 0);
		out("PQresultAlloc(r, 0): %s\n", p ? "non-NULL" : "NULL");
		PQclear(r);
		out("PQresultAlloc(NULL, 16): %s\n", x_PQresultAlloc(NULL, 16) ? "non-NULL" : "NULL");

		{
			static const struct
			{
				size_t n;
				const char *name;
			} huge[] = {
				{(size_t) 1 << 31, "2^31"},
				{((size_t) 1 << 32) + 8, "2^32 + 8"},
				{(size_t) 1 << 62, "2^62"},
				{SIZE_MAX - 7, "SIZE_MAX - 7"},
				{SIZE_MAX, "SIZE_MAX"},
			};

			for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++)
			{
				r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
				m0 = PQresultMemorySize(r);
				p = x_PQresultAlloc(r, huge[i].n);
				out("PQresultAlloc(r, %s): %s", huge[i].name, p ? "non-NULL" : "NULL");
				if (p)
				{
					/* the first and the last byte are ours */
					((char *) p)[0] = 1;
					((char *) p)[huge[i].n - 1] = 2;
					out(", aligned to 8: %s, PQresultMemorySize grew by at least that: %s",
						yes(((uintptr_t) p) % 8 == 0), yes(PQresultMemorySize(r) - m0 >= huge[i].n));
				}
				else
					out(", PQresultMemorySize unchanged: %s", yes(PQresultMemorySize(r) == m0));
				out("\n");
				PQclear(r);
			}
		}
	}

	out("\n-- PQresultMemorySize\n");
	{
		PGresult *copy_all, *copy_attrs;

		out("PQresultMemorySize(NULL): %zu\n", PQresultMemorySize(NULL));
		r = PQexec(c, "SELECT repeat('x', 100000) AS big");
		out("a result holding 100000 bytes: PQresultMemorySize >= 100000: %s\n",
			yes(PQresultMemorySize(r) >= 100000));
		copy_all = x_PQcopyResult(r, PG_COPYRES_TUPLES);
		copy_attrs = x_PQcopyResult(r, PG_COPYRES_ATTRS);
		if (copy_all && copy_attrs)
		{
			out("its copy with PG_COPYRES_TUPLES: >= 100000: %s\n", yes(PQresultMemorySize(copy_all) >= 100000));
			out("its copy with PG_COPYRES_ATTRS: < 100000: %s, > 0: %s\n",
				yes(PQresultMemorySize(copy_attrs) < 100000), yes(PQresultMemorySize(copy_attrs) > 0));
		}
		PQclear(copy_all);
		PQclear(copy_attrs);
		PQclear(r);
	}

	out("\n-- PQcopyResult\n");
	{
		static const struct
		{
			int flags;
			const char *name;
		} flag_sets[] = {
			{0, "0"},
			{PG_COPYRES_ATTRS, "PG_COPYRES_ATTRS"},
			{PG_COPYRES_TUPLES, "PG_COPYRES_TUPLES"},
			{PG_COPYRES_ATTRS | PG_COPYRES_TUPLES, "PG_COPYRES_ATTRS | PG_COPYRES_TUPLES"},
			{PG_COPYRES_EVENTS, "PG_COPYRES_EVENTS"},
			{PG_COPYRES_NOTICEHOOKS, "PG_COPYRES_NOTICEHOOKS"},
			{PG_COPYRES_TUPLES | PG_COPYRES_NOTICEHOOKS, "PG_COPYRES_TUPLES | PG_COPYRES_NOTICEHOOKS"},
			{PG_COPYRES_ATTRS | PG_COPYRES_TUPLES | PG_COPYRES_EVENTS | PG_COPYRES_NOTICEHOOKS, "all four"},
			{-1, "-1"},
		};
		PGresult *src, *cp, *cp2;

		src = PQexec(c, "SELECT id, v, b FROM dres_t ORDER BY id");
		out("\n--- the source: PQexec(\"SELECT id, v, b FROM dres_t ORDER BY id\")\n");
		dump_result(src);
		for (size_t i = 0; i < sizeof flag_sets / sizeof flag_sets[0]; i++)
			copy_case(src, flag_sets[i].flags, flag_sets[i].name);

		/* a copy outlives its source, and can be copied again */
		cp = x_PQcopyResult(src, PG_COPYRES_TUPLES | PG_COPYRES_NOTICEHOOKS);
		PQclear(src);
		out("\n--- a copy after PQclear(source)\n");
		dump_result(cp);
		cp2 = x_PQcopyResult(cp, PG_COPYRES_TUPLES);
		PQclear(cp);
		out("\n--- a copy of that copy\n");
		dump_result(cp2);
		PQclear(cp2);

		src = PQexec(c, "SELECT 1/0");
		out("\n--- the source: a failed query\n");
		dump_result(src);
		copy_case(src, PG_COPYRES_TUPLES, "PG_COPYRES_TUPLES");
		PQclear(src);

		src = PQexec(c, "INSERT INTO dres_t VALUES (4, 'four', NULL)");
		out("\n--- the source: an INSERT\n");
		dump_result(src);
		copy_case(src, PG_COPYRES_TUPLES, "PG_COPYRES_TUPLES");
		PQclear(src);

		r = PQprepare(c, "dres_s", "SELECT $1::int AS a, $2::text AS b", 2, NULL);
		PQclear(r);
		src = PQdescribePrepared(c, "dres_s");
		out("\n--- the source: PQdescribePrepared (parameters are not copied)\n");
		dump_result(src);
		copy_case(src, PG_COPYRES_TUPLES, "PG_COPYRES_TUPLES");
		PQclear(src);

		quiet(c, "BEGIN");
		quiet(c, "DECLARE dres_bc BINARY CURSOR FOR SELECT id, v, b FROM dres_t ORDER BY id");
		src = PQexec(c, "FETCH ALL FROM dres_bc");
		quiet(c, "COMMIT");
		out("\n--- the source: binary rows\n");
		dump_result(src);
		copy_case(src, PG_COPYRES_ATTRS, "PG_COPYRES_ATTRS");
		copy_case(src, PG_COPYRES_TUPLES, "PG_COPYRES_TUPLES");
		PQclear(src);

		src = PQmakeEmptyPGresult(NULL, PGRES_COMMAND_OK);
		out("\n--- the source: PQmakeEmptyPGresult(NULL, PGRES_COMMAND_OK)\n");
		dump_result(src);
		copy_case(src, PG_COPYRES_TUPLES | PG_COPYRES_NOTICEHOOKS, "PG_COPYRES_TUPLES | PG_COPYRES_NOTICEHOOKS");
		PQclear(src);

		{
			PGresAttDesc attrs[] = {
				{"n", 0, 0, 0, 23, 4, -1},
				{NULL, 0, 0, 1, 17, -1, -1},
			};
			char bin[] = {0, 1, 0};

			out("\n--- the source: built with PQsetResultAttrs and PQsetvalue\n");
			src = PQmakeEmptyPGresult(c, PGRES_TUPLES_OK);
			x_PQsetResultAttrs(src, 2, attrs);
			x_PQsetvalue(src, 0, 0, "7", 1);
			x_PQsetvalue(src, 0, 1, bin, 3);
			x_PQsetvalue(src, 2, 0, "9", 1);
			x_PQsetvalue(src, 1, 0, "8", 1);
			x_PQsetvalue(src, 2, 0, "9", 1);
			dump_result(src);
			copy_case(src, PG_COPYRES_TUPLES, "PG_COPYRES_TUPLES");
			PQclear(src);
		}
		out("\n--- PQcopyResult(NULL, PG_COPYRES_TUPLES)\n");
		dump_result(x_PQcopyResult(NULL, PG_COPYRES_TUPLES));
	}

	out("\n-- PQresultVerboseErrorMessage: every verbosity x context visibility\n");
	{
		const char *one[] = {"1"};

		r = PQexec(c, "SELECT dres_fail(2)");
		verbose_matrix("PQexec(\"SELECT dres_fail(2)\")", r);
		PQclear(r);
		r = PQexec(c, "SELECT 1,\n  2 +\n  FROM dres_t");
		verbose_matrix("PQexec(\"SELECT 1,\\n  2 +\\n  FROM dres_t\")", r);
		PQclear(r);
		r = PQprepare(c, "dres_bad", "SELECT $1::int +\n  FROM dres_t", 1, NULL);
		verbose_matrix("PQprepare(\"dres_bad\", \"SELECT $1::int +\\n  FROM dres_t\")", r);
		PQclear(r);
		r = PQprepare(c, "dres_call", "SELECT dres_fail($1::int)", 1, NULL);
		PQclear(r);
		r = x_PQexecPrepared(c, "dres_call", 1, one, NULL, NULL, 0);
		verbose_matrix("PQexecPrepared(\"dres_call\", [\"1\"]) (no query text known to libpq)", r);
		PQclear(r);
		r = PQexec(c, "INSERT INTO dres_t VALUES (1, 'dup', NULL)");
		verbose_matrix("PQexec(\"INSERT INTO dres_t VALUES (1, 'dup', NULL)\")", r);
		{
			char *m = PQresultVerboseErrorMessage(r, (PGVerbosity) 7, (PGContextVisibility) 9);

			str("PQresultVerboseErrorMessage(r, 7, 9)", m);
			PQfreemem(m);
		}
		{
			PGresult *cp = x_PQcopyResult(r, PG_COPYRES_TUPLES);

			if (cp)
				verbose_matrix("a PQcopyResult of that failure", cp);
			PQclear(cp);
		}
		PQclear(r);
		r = PQexec(c, "SELECT 1");
		verbose_matrix("PQexec(\"SELECT 1\") (not an error)", r);
		PQclear(r);
		verbose_matrix("NULL", NULL);
		r = PQmakeEmptyPGresult(NULL, PGRES_FATAL_ERROR);
		verbose_matrix("PQmakeEmptyPGresult(NULL, PGRES_FATAL_ERROR)", r);
		PQclear(r);
		r = PQmakeEmptyPGresult(NULL, PGRES_NONFATAL_ERROR);
		verbose_matrix("PQmakeEmptyPGresult(NULL, PGRES_NONFATAL_ERROR)", r);
		PQclear(r);
		r = PQexec(c, "SELEC 1");
		PQclear(r);
		r = PQmakeEmptyPGresult(c, PGRES_FATAL_ERROR);
		verbose_matrix("PQmakeEmptyPGresult(conn, PGRES_FATAL_ERROR) after a failed PQexec", r);
		PQclear(r);
	}

	quiet(c, "DROP TABLE dres_t");
	quiet(c, "DROP FUNCTION dres_fail(int)");
	PQfinish(c);
}

/* ================================================================ events */

/* Names for the pointers the event procedures see, in order of appearance. */
static struct
{
	const void *p;
	char name[16];
} g_names[512];
static int g_nnames, g_nconns, g_nresults;

/* The result the current round of PGEVT_RESULTDESTROY is about: its name is
 * forgotten (its address may be reused) once the round is over, that is at
 * the next event about something else or when the program looks at a name. */
static const void *g_destroying;

static const char *name_of(const void *p)
{
	if (p == NULL)
		return "NULL";
	for (int i = 0; i < g_nnames; i++)
		if (g_names[i].p == p)
			return g_names[i].name;
	return "(unnamed pointer)";
}

static void forget(const void *p)
{
	for (int i = 0; i < g_nnames; i++)
		if (g_names[i].p == p)
		{
			g_names[i] = g_names[--g_nnames];
			return;
		}
}

static const char *name_new(const void *p, const char *prefix)
{
	forget(p);
	if (g_nnames == (int) (sizeof g_names / sizeof g_names[0]))
		abort();
	g_names[g_nnames].p = p;
	snprintf(g_names[g_nnames].name, sizeof g_names[0].name, "%s%d", prefix,
			 prefix[0] == 'c' ? ++g_nconns : ++g_nresults);
	return g_names[g_nnames++].name;
}

static void settle(void)
{
	if (g_destroying)
		forget(g_destroying);
	g_destroying = NULL;
}

/* The name of the result a create or copy event is about, naming it now
 * when it has none yet. */
static const char *name_event_result(const void *p)
{
	const char *n = name_of(p);

	return strcmp(n, "(unnamed pointer)") == 0 ? name_new(p, "R") : n;
}

/* The name of a result, naming it now when no event did. */
static const char *rname(const PGresult *r)
{
	const char *n;

	settle();
	n = name_of(r);

	if (r && strcmp(n, "(unnamed pointer)") == 0)
		n = name_new(r, "R");
	return n;
}

static void clear(PGresult *r)
{
	PQclear(r);
	settle();
	forget(r);
}

static const char *event_name(PGEventId id)
{
	switch (id)
	{
		case PGEVT_REGISTER: return "PGEVT_REGISTER";
		case PGEVT_CONNRESET: return "PGEVT_CONNRESET";
		case PGEVT_CONNDESTROY: return "PGEVT_CONNDESTROY";
		case PGEVT_RESULTCREATE: return "PGEVT_RESULTCREATE";
		case PGEVT_RESULTCOPY: return "PGEVT_RESULTCOPY";
		case PGEVT_RESULTDESTROY: return "PGEVT_RESULTDESTROY";
	}
	return "PGEventId(?)";
}

static const char *data_str(const void *d)
{
	return d ? (const char *) d : "(null)";
}

/* Which events make the flaky procedure fail. */
static int g_fail[6];

/* Prints one event; `failing`: this call will return false (then no
 * instance data is set). */
static int report(const char *who, PGEventProc self, PGEventId id, void *info, void *pass, int failing)
{
	if (!(id == PGEVT_RESULTDESTROY && ((PGEventResultDestroy *) info)->result == g_destroying))
		settle();
	out("  [%s] %s pass=%s", who, event_name(id), data_str(pass));
	switch (id)
	{
		case PGEVT_REGISTER:
			{
				PGEventRegister *e = info;

				out(" conn=%s instance=%s", name_of(e->conn), data_str(x_PQinstanceData(e->conn, self)));
				break;
			}
		case PGEVT_CONNRESET:
			{
				PGEventConnReset *e = info;

				out(" conn=%s status=%s instance=%s", name_of(e->conn),
					PQstatus(e->conn) == CONNECTION_OK ? "CONNECTION_OK" : "not ok",
					data_str(x_PQinstanceData(e->conn, self)));
				break;
			}
		case PGEVT_CONNDESTROY:
			{
				PGEventConnDestroy *e = info;

				out(" conn=%s instance=%s", name_of(e->conn), data_str(x_PQinstanceData(e->conn, self)));
				break;
			}
		case PGEVT_RESULTCREATE:
			{
				PGEventResultCreate *e = info;
				const char *n = name_event_result(e->result);

				out(" conn=%s result=%s (%s, %d rows) instance before=%s", name_of(e->conn), n,
					PQresStatus(PQresultStatus(e->result)), PQntuples(e->result),
					data_str(x_PQresultInstanceData(e->result, self)));
				if (!failing)
					out(", set: %d", x_PQresultSetInstanceData(e->result, self, (void *) who));
				break;
			}
		case PGEVT_RESULTCOPY:
			{
				PGEventResultCopy *e = info;
				const char *n = name_event_result(e->dest);

				out(" src=%s dest=%s (%s, %d rows) src instance=%s dest instance before=%s", name_of(e->src), n,
					PQresStatus(PQresultStatus(e->dest)), PQntuples(e->dest),
					data_str(x_PQresultInstanceData(e->src, self)),
					data_str(x_PQresultInstanceData(e->dest, self)));
				if (!failing)
					out(", set: %d", x_PQresultSetInstanceData(e->dest, self, "copied"));
				break;
			}
		case PGEVT_RESULTDESTROY:
			{
				PGEventResultDestroy *e = info;

				out(" result=%s instance=%s", name_of(e->result),
					data_str(x_PQresultInstanceData(e->result, self)));
				g_destroying = e->result;
				break;
			}
	}
	out("\n");
	return 1;
}

static int proc_a(PGEventId id, void *info, void *pass)
{
	return report("A", proc_a, id, info, pass, 0);
}

static int proc_b(PGEventId id, void *info, void *pass)
{
	return report("B", proc_b, id, info, pass, 0);
}

static int proc_flaky(PGEventId id, void *info, void *pass)
{
	report("flaky", proc_flaky, id, info, pass, g_fail[id]);
	if (g_fail[id])
		out("  [flaky] returns false for %s\n", event_name(id));
	return !g_fail[id];
}

static int proc_never_registered(PGEventId id, void *info, void *pass)
{
	return report("never", proc_never_registered, id, info, pass, 0);
}

static void show_result(const char *title, PGresult *r)
{
	out("%s: %s", title, rname(r));
	if (r)
		out(" %s", PQresStatus(PQresultStatus(r)));
	out(", instance data A=%s B=%s flaky=%s\n", data_str(x_PQresultInstanceData(r, proc_a)),
		data_str(x_PQresultInstanceData(r, proc_b)), data_str(x_PQresultInstanceData(r, proc_flaky)));
}

static void exec_case(PGconn *c, const char *sql)
{
	PGresult *r;
	char *e = escape(sql, strlen(sql));

	out("\n--- PQexec(\"%s\")\n", e);
	free(e);
	r = PQexec(c, sql);
	show_result("returned", r);
	if (r)
		str("PQresultErrorMessage", PQresultErrorMessage(r));
	str("PQerrorMessage", PQerrorMessage(c));
	out("PQclear:\n");
	clear(r);
}

static void events_receiver(void *arg, const PGresult *r)
{
	(void) arg;
	out("  notice receiver: instance data A=%s\n", data_str(x_PQresultInstanceData(r, proc_a)));
	str("  notice", PQresultErrorMessage(r));
}

static void sec_events(void)
{
	PGconn *c, *c2, *bad;
	PGresult *r, *early, *m, *m2, *cp;

	section("events");
	g_nnames = g_nconns = g_nresults = 0;
	c = connect_trust();
	name_new(c, "c");
	early = PQexec(c, "SELECT 'made before any registration' AS early");
	rname(early);

	out("\n--- PQregisterEventProc with bad arguments\n");
	out("PQregisterEventProc(NULL, proc_a, \"A\", \"pass-A\"): %d\n",
		x_PQregisterEventProc(NULL, proc_a, "A", "pass-A"));
	out("PQregisterEventProc(c, NULL, \"A\", \"pass-A\"): %d\n", x_PQregisterEventProc(c, NULL, "A", "pass-A"));
	out("PQregisterEventProc(c, proc_a, NULL, \"pass-A\"): %d\n", x_PQregisterEventProc(c, proc_a, NULL, "pass-A"));
	out("PQregisterEventProc(c, proc_a, \"\", \"pass-A\"): %d\n", x_PQregisterEventProc(c, proc_a, "", "pass-A"));

	out("\n--- registering A, a flaky one failing PGEVT_REGISTER, then again, then B\n");
	out("PQregisterEventProc(c, proc_a, \"A\", \"pass-A\"): %d\n", x_PQregisterEventProc(c, proc_a, "A", "pass-A"));
	out("PQregisterEventProc(c, proc_a, \"A again\", NULL) (the same proc): %d\n",
		x_PQregisterEventProc(c, proc_a, "A again", NULL));
	g_fail[PGEVT_REGISTER] = 1;
	out("PQregisterEventProc(c, proc_flaky, \"flaky\", NULL): %d\n",
		x_PQregisterEventProc(c, proc_flaky, "flaky", NULL));
	g_fail[PGEVT_REGISTER] = 0;
	out("PQinstanceData(c, proc_flaky) after the failed registration: %s\n",
		data_str(x_PQinstanceData(c, proc_flaky)));
	out("PQsetInstanceData(c, proc_flaky, \"x\") after the failed registration: %d\n",
		x_PQsetInstanceData(c, proc_flaky, "x"));
	out("PQregisterEventProc(c, proc_flaky, \"flaky\", NULL) again: %d\n",
		x_PQregisterEventProc(c, proc_flaky, "flaky", NULL));
	out("PQregisterEventProc(c, proc_b, \"B\", \"pass-B\"): %d\n", x_PQregisterEventProc(c, proc_b, "B", "pass-B"));

	out("\n--- connection instance data\n");
	out("PQinstanceData(c, proc_a): %s\n", data_str(x_PQinstanceData(c, proc_a)));
	out("PQsetInstanceData(c, proc_a, \"conn data A\"): %d\n", x_PQsetInstanceData(c, proc_a, "conn data A"));
	out("PQsetInstanceData(c, proc_b, \"conn data B\"): %d\n", x_PQsetInstanceData(c, proc_b, "conn data B"));
	out("PQinstanceData(c, proc_a): %s\n", data_str(x_PQinstanceData(c, proc_a)));
	out("PQsetInstanceData(c, proc_a, \"conn data A2\"): %d\n", x_PQsetInstanceData(c, proc_a, "conn data A2"));
	out("PQinstanceData(c, proc_a): %s\n", data_str(x_PQinstanceData(c, proc_a)));
	out("PQinstanceData(c, proc_b): %s\n", data_str(x_PQinstanceData(c, proc_b)));
	out("PQsetInstanceData(c, proc_never_registered, \"x\"): %d\n",
		x_PQsetInstanceData(c, proc_never_registered, "x"));
	out("PQinstanceData(c, proc_never_registered): %s\n", data_str(x_PQinstanceData(c, proc_never_registered)));
	out("PQsetInstanceData(NULL, proc_a, \"x\"): %d\n", x_PQsetInstanceData(NULL, proc_a, "x"));
	out("PQsetInstanceData(c, NULL, \"x\"): %d\n", x_PQsetInstanceData(c, NULL, "x"));
	out("PQinstanceData(NULL, proc_a): %s\n", data_str(x_PQinstanceData(NULL, proc_a)));
	out("PQinstanceData(c, NULL): %s\n", data_str(x_PQinstanceData(c, NULL)));

	out("\n--- results from PQexec (PGEVT_RESULTCREATE, then PGEVT_RESULTDESTROY at PQclear)\n");
	exec_case(c, "SELECT 1 AS x");
	exec_case(c, "SELECT 1 AS first; SELECT 2 AS second");
	exec_case(c, "SELECT 1/0");
	exec_case(c, "SET search_path = public");
	exec_case(c, "");
	PQsetNoticeReceiver(c, events_receiver, NULL);
	exec_case(c, "DO $$BEGIN RAISE NOTICE 'a notice'; END$$");

	out("\n--- result instance data\n");
	r = PQexec(c, "SELECT 2 AS y");
	show_result("PQexec", r);
	out("PQresultSetInstanceData(r, proc_a, \"changed\"): %d\n", x_PQresultSetInstanceData(r, proc_a, "changed"));
	out("PQresultInstanceData(r, proc_a): %s\n", data_str(x_PQresultInstanceData(r, proc_a)));
	out("PQresultSetInstanceData(r, proc_never_registered, \"x\"): %d\n",
		x_PQresultSetInstanceData(r, proc_never_registered, "x"));
	out("PQresultInstanceData(r, proc_never_registered): %s\n",
		data_str(x_PQresultInstanceData(r, proc_never_registered)));
	out("PQresultSetInstanceData(NULL, proc_a, \"x\"): %d\n", x_PQresultSetInstanceData(NULL, proc_a, "x"));
	out("PQresultSetInstanceData(r, NULL, \"x\"): %d\n", x_PQresultSetInstanceData(r, NULL, "x"));
	out("PQresultInstanceData(NULL, proc_a): %s\n", data_str(x_PQresultInstanceData(NULL, proc_a)));
	out("PQresultInstanceData(r, NULL): %s\n", data_str(x_PQresultInstanceData(r, NULL)));
	show_result("the result made before the registrations", early);
	out("PQresultSetInstanceData(early, proc_a, \"x\"): %d\n", x_PQresultSetInstanceData(early, proc_a, "x"));

	out("\n--- PQcopyResult without and with PG_COPYRES_EVENTS\n");
	out("PQcopyResult(r, PG_COPYRES_TUPLES):\n");
	cp = x_PQcopyResult(r, PG_COPYRES_TUPLES);
	show_result("returned", cp);
	out("PQclear(copy):\n");
	clear(cp);
	out("PQcopyResult(r, PG_COPYRES_TUPLES | PG_COPYRES_EVENTS):\n");
	cp = x_PQcopyResult(r, PG_COPYRES_TUPLES | PG_COPYRES_EVENTS);
	show_result("returned", cp);
	if (cp)
		out("its rows: %d, value %s\n", PQntuples(cp), PQgetvalue(cp, 0, 0));
	out("PQclear(copy):\n");
	clear(cp);
	out("PQcopyResult(r, PG_COPYRES_EVENTS):\n");
	cp = x_PQcopyResult(r, PG_COPYRES_EVENTS);
	show_result("returned", cp);
	out("PQcopyResult(that copy, PG_COPYRES_EVENTS):\n");
	m = cp ? x_PQcopyResult(cp, PG_COPYRES_EVENTS) : NULL;
	show_result("returned", m);
	out("PQclear(both copies):\n");
	clear(cp);
	clear(m);
	out("PQcopyResult(early, PG_COPYRES_TUPLES | PG_COPYRES_EVENTS):\n");
	cp = x_PQcopyResult(early, PG_COPYRES_TUPLES | PG_COPYRES_EVENTS);
	show_result("returned", cp);
	clear(cp);
	g_fail[PGEVT_RESULTCOPY] = 1;
	out("PQcopyResult with the flaky proc failing PGEVT_RESULTCOPY:\n");
	cp = x_PQcopyResult(r, PG_COPYRES_TUPLES | PG_COPYRES_EVENTS);
	show_result("returned", cp);
	g_fail[PGEVT_RESULTCOPY] = 0;
	out("PQclear(copy):\n");
	clear(cp);
	out("PQclear(r):\n");
	clear(r);

	out("\n--- PQmakeEmptyPGresult and PQfireResultCreateEvents\n");
	m = PQmakeEmptyPGresult(c, PGRES_COMMAND_OK);
	show_result("PQmakeEmptyPGresult(c, PGRES_COMMAND_OK) (no event yet)", m);
	out("PQresultSetInstanceData(m, proc_b, \"preset\"): %d\n", x_PQresultSetInstanceData(m, proc_b, "preset"));
	out("PQcopyResult(m, PG_COPYRES_EVENTS) before the create events:\n");
	cp = x_PQcopyResult(m, PG_COPYRES_EVENTS);
	show_result("returned", cp);
	clear(cp);
	out("PQfireResultCreateEvents(c, m):\n");
	out("returned %d\n", x_PQfireResultCreateEvents(c, m));
	show_result("m", m);
	out("PQfireResultCreateEvents(c, m) again:\n");
	out("returned %d\n", x_PQfireResultCreateEvents(c, m));
	m2 = PQmakeEmptyPGresult(c, PGRES_TUPLES_OK);
	rname(m2);
	out("PQfireResultCreateEvents(NULL, m2):\n");
	out("returned %d\n", x_PQfireResultCreateEvents(NULL, m2));
	out("PQfireResultCreateEvents(c, NULL): %d\n", x_PQfireResultCreateEvents(c, NULL));
	{
		PGresult *plain = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);

		out("PQfireResultCreateEvents(c, a result made without a connection): %d\n",
			x_PQfireResultCreateEvents(c, plain));
		clear(plain);
	}
	out("PQclear(m):\n");
	clear(m);
	out("PQclear(m2):\n");
	clear(m2);
	m = PQmakeEmptyPGresult(c, PGRES_TUPLES_OK);
	rname(m);
	out("PQclear of a result whose create events never fired (no destroy event):\n");
	clear(m);
	g_fail[PGEVT_RESULTCREATE] = 1;
	m = PQmakeEmptyPGresult(c, PGRES_TUPLES_OK);
	rname(m);
	out("PQfireResultCreateEvents(c, m) with the flaky proc failing:\n");
	out("returned %d\n", x_PQfireResultCreateEvents(c, m));
	show_result("m", m);
	out("PQfireResultCreateEvents(c, m) again (still failing):\n");
	out("returned %d\n", x_PQfireResultCreateEvents(c, m));
	g_fail[PGEVT_RESULTCREATE] = 0;
	out("PQfireResultCreateEvents(c, m) once more (now succeeding):\n");
	out("returned %d\n", x_PQfireResultCreateEvents(c, m));
	out("PQclear(m):\n");
	clear(m);

	out("\n--- a procedure failing PGEVT_RESULTCREATE during PQexec\n");
	g_fail[PGEVT_RESULTCREATE] = 1;
	exec_case(c, "SELECT 3 AS z");
	exec_case(c, "SELECT 1/0");
	out("\n--- and during PQsendQuery + PQgetResult\n");
	out("PQsendQuery: %d\n", PQsendQuery(c, "SELECT 4 AS w"));
	while ((r = PQgetResult(c)) != NULL)
	{
		show_result("PQgetResult", r);
		str("PQerrorMessage", PQerrorMessage(c));
		out("PQclear:\n");
		clear(r);
	}
	out("PQgetResult: NULL\n");
	g_fail[PGEVT_RESULTCREATE] = 0;

	out("\n--- PQreset (PGEVT_CONNRESET)\n");
	PQreset(c);
	out("after PQreset: %s, PQinstanceData A=%s B=%s\n", PQstatus(c) == CONNECTION_OK ? "CONNECTION_OK" : "not ok",
		data_str(x_PQinstanceData(c, proc_a)), data_str(x_PQinstanceData(c, proc_b)));
	g_fail[PGEVT_CONNRESET] = 1;
	out("PQreset with the flaky proc failing PGEVT_CONNRESET:\n");
	PQreset(c);
	g_fail[PGEVT_CONNRESET] = 0;
	out("after PQreset: %s\n", PQstatus(c) == CONNECTION_OK ? "CONNECTION_OK" : "not ok");
	str("PQerrorMessage", PQerrorMessage(c));
	exec_case(c, "SELECT 'after the resets' AS r");

	out("\n--- a second connection: the same procedures, their own instance data\n");
	c2 = connect_trust();
	name_new(c2, "c");
	out("PQregisterEventProc(c2, proc_b, \"B on c2\", NULL): %d\n",
		x_PQregisterEventProc(c2, proc_b, "B on c2", NULL));
	out("PQinstanceData(c2, proc_b): %s\n", data_str(x_PQinstanceData(c2, proc_b)));
	out("PQinstanceData(c2, proc_a): %s\n", data_str(x_PQinstanceData(c2, proc_a)));
	exec_case(c2, "SELECT 'on c2' AS c2");

	out("\n--- a result outliving its connection\n");
	r = PQexec(c, "SELECT 'outlives' AS o");
	show_result("PQexec", r);
	out("PQfinish(c):\n");
	PQfinish(c);
	forget(c);
	out("PQclear(r) after PQfinish(c):\n");
	clear(r);
	out("PQclear(early):\n");
	clear(early);
	out("PQfinish(c2):\n");
	PQfinish(c2);
	forget(c2);

	out("\n--- a connection that failed\n");
	bad = connect_port("1");
	name_new(bad, "c");
	out("PQstatus: %s\n", PQstatus(bad) == CONNECTION_OK ? "CONNECTION_OK" : "CONNECTION_BAD");
	out("PQregisterEventProc(bad, proc_a, \"A\", NULL): %d\n", x_PQregisterEventProc(bad, proc_a, "A", NULL));
	r = PQexec(bad, "SELECT 1");
	show_result("PQexec", r);
	clear(r);
	out("PQfinish(bad):\n");
	PQfinish(bad);
	forget(bad);
	out("PQfinish(NULL):\n");
	PQfinish(NULL);
}

/* ================================================================ main */

static const struct program_section sections[] = {
	{"resultapi", sec_resultapi, 1},
	{"events", sec_events, 1},
};

int main(int argc, char **argv)
{
	return helper_main(sections, N_OF(sections), argc, argv);
}
