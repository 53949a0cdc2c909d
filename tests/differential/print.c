/*
 * Differential test program: the printing functions of fe-print.c (PQprint,
 * PQdisplayTuples, PQprintTuples). For a set of results (integers, numerics,
 * negative numbers, multibyte and wide East Asian text, NULLs, empty
 * strings, long values, many columns, zero rows, a command result, an empty
 * PGresult, binary-format values, other client encodings) it prints every
 * combination of the PQprintOpt flags, with and without fieldSep / tableOpt
 * / caption / fieldName overrides, and the parameter combinations of the two
 * older functions, so that the output with the real libpq 18 and with
 * libpq-rs can be compared byte for byte (tests/integration/differential.rs).
 *
 * Compiled against the system libpq-fe.h (PostgreSQL 15 on Debian 12); the
 * three functions exist there.
 *
 * Usage: print [section...]   sections: print (the default), pager (only
 *                             when named; see s_pager)
 *
 * Environment: DIFF_PORT, DIFF_DB (default "postgres"), DIFF_TRUST_USER (a
 * user authenticated by "trust"); DIFF_SOCKDIR is not used (TCP on
 * 127.0.0.1). The PG* variables are cleared.
 *
 * Most output goes straight to stdout (flushed between calls, stderr merged
 * into it). The pager is asked for in half of the PQprint calls, but stdout
 * is a pipe, so libpq must not use it ($PAGER is set to a command that would
 * show). Every UTF8 result is also printed into a tmpfile() that is read
 * back and shown as its length and FNV-1a hash; results in other client
 * encodings only go through a tmpfile, shown escaped (\xHH for bytes >=
 * 0x80) so that no invalid UTF-8 reaches the comparison.
 */
#define PROGRAM "print"
#include "common.h"

#include <signal.h>

/* ---------------------------------------------------------------- options */

/* The PQprintOpt flag bits the loops combine. */
enum
{
	F_HEADER = 1,
	F_ALIGN = 2,
	F_STANDARD = 4,
	F_HTML3 = 8,
	F_EXPANDED = 16,
	F_PAGER = 32,
	F_ALL = 64
};

static char *g_names_override[] = {"X", "", "a_rather_long_override", "extra", NULL};
static char *g_names_empty[] = {NULL};

/* Option variants: separator, tableOpt, caption, fieldName. */
static const struct
{
	const char *label;
	char *sep;
	char *table_opt;
	char *caption;
	char **field_name;
} variants[] = {
	{"plain", "|", NULL, NULL, NULL},
	{"dressed", " : ", "border=1", "My <caption>", g_names_override},
	{"nosep", "", "", NULL, g_names_empty},
};

#define NVARIANTS (sizeof variants / sizeof variants[0])

static void set_opt(PQprintOpt *po, int flags, size_t v)
{
	memset(po, 0, sizeof *po);
	po->header = (flags & F_HEADER) != 0;
	po->align = (flags & F_ALIGN) != 0;
	po->standard = (flags & F_STANDARD) != 0;
	po->html3 = (flags & F_HTML3) != 0;
	po->expanded = (flags & F_EXPANDED) != 0;
	po->pager = (flags & F_PAGER) != 0;
	po->fieldSep = variants[v].sep;
	po->tableOpt = variants[v].table_opt;
	po->caption = variants[v].caption;
	po->fieldName = variants[v].field_name;
}

static const char *flag_label(int flags)
{
	static char buf[16];

	snprintf(buf, sizeof buf, "%c%c%c%c%c%c",
			 flags & F_HEADER ? 'h' : '-',
			 flags & F_ALIGN ? 'a' : '-',
			 flags & F_STANDARD ? 's' : '-',
			 flags & F_HTML3 ? 't' : '-',
			 flags & F_EXPANDED ? 'x' : '-',
			 flags & F_PAGER ? 'p' : '-');
	return buf;
}

/* ---------------------------------------------------------------- tmpfile */

/* Reads a tmpfile back from the start; the caller frees. */
static char *read_back(FILE *f, long *len)
{
	char *buf;

	fflush(f);
	*len = ftell(f);
	rewind(f);
	buf = malloc(*len + 1);
	if (fread(buf, 1, *len, f) != (size_t) *len)
	{
		out("short read of tmpfile\n");
		*len = 0;
	}
	buf[*len] = 0;
	return buf;
}

static uint32_t fnv1a(const char *s, long n)
{
	uint32_t h = 2166136261u;

	for (long i = 0; i < n; i++)
	{
		h ^= (unsigned char) s[i];
		h *= 16777619u;
	}
	return h;
}

/* Prints a tmpfile's content: a length and hash, or escaped (escape_high). */
static void show_tmpfile(FILE *f, int escape_high)
{
	long len;
	char *buf = read_back(f, &len);

	if (!escape_high)
		out("tmpfile: %ld bytes, fnv1a %08x\n", len, fnv1a(buf, len));
	else
	{
		out("tmpfile: %ld bytes:\n", len);
		for (long i = 0; i < len; i++)
		{
			unsigned char c = (unsigned char) buf[i];

			if (c >= 0x80)
				printf("\\x%02x", c);
			else
				putchar(c);
		}
		out("[eof]\n");
	}
	free(buf);
}

/* ---------------------------------------------------------------- printing */

/* Every PQprint flag combination of every variant, on stdout. */
static void print_all(const PGresult *res)
{
	PQprintOpt po;

	for (size_t v = 0; v < NVARIANTS; v++)
		for (int flags = 0; flags < F_ALL; flags++)
		{
			set_opt(&po, flags, v);
			out("--- PQprint %s %s\n", flag_label(flags), variants[v].label);
			PQprint(stdout, res, &po);
			fflush(stdout);
		}
}

/* The older functions' parameter combinations, on stdout. */
static void display_all(const PGresult *res)
{
	static const char *seps[] = {NULL, "|", ""};

	for (int fill = 0; fill <= 1; fill++)
		for (size_t s = 0; s < sizeof seps / sizeof seps[0]; s++)
			for (int header = 0; header <= 1; header++)
				for (int quiet = 0; quiet <= 1; quiet++)
				{
					out("--- PQdisplayTuples fill=%d sep=%s header=%d quiet=%d\n",
						fill, seps[s] ? seps[s] : "NULL", header, quiet);
					PQdisplayTuples(res, stdout, fill, seps[s], header, quiet);
					fflush(stdout);
				}
}

static void print_tuples_all(const PGresult *res)
{
	static const int widths[] = {0, 5, -3, 12};

	for (int names = 0; names <= 1; names++)
		for (int terse = 0; terse <= 1; terse++)
			for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++)
			{
				out("--- PQprintTuples names=%d terse=%d width=%d\n", names, terse, widths[w]);
				PQprintTuples(res, stdout, names, terse, widths[w]);
				fflush(stdout);
			}
}

/* Everything again, into one tmpfile per function, read back (escape_high
 * for results in other encodings). */
static void through_tmpfile(const PGresult *res, int escape_high)
{
	PQprintOpt po;
	FILE *f;

	f = tmpfile();
	for (size_t v = 0; v < NVARIANTS; v++)
		for (int flags = 0; flags < F_ALL; flags++)
		{
			set_opt(&po, flags, v);
			fprintf(f, "--- PQprint %s %s\n", flag_label(flags), variants[v].label);
			PQprint(f, res, &po);
		}
	out("--- PQprint, all combinations, into a tmpfile\n");
	show_tmpfile(f, escape_high);
	fclose(f);

	f = tmpfile();
	for (int fill = 0; fill <= 1; fill++)
		for (int header = 0; header <= 1; header++)
		{
			fprintf(f, "--- fill=%d header=%d\n", fill, header);
			PQdisplayTuples(res, f, fill, fill ? "|" : NULL, header, fill);
		}
	out("--- PQdisplayTuples into a tmpfile\n");
	show_tmpfile(f, escape_high);
	fclose(f);

	f = tmpfile();
	for (int names = 0; names <= 1; names++)
		for (int terse = 0; terse <= 1; terse++)
		{
			fprintf(f, "--- names=%d terse=%d\n", names, terse);
			PQprintTuples(res, f, names, terse, names ? 0 : 7);
		}
	out("--- PQprintTuples into a tmpfile\n");
	show_tmpfile(f, escape_high);
	fclose(f);
}

static void describe(const char *label, const PGresult *res)
{
	out("\n------------ %s: %s, %d rows, %d fields\n", label,
		PQresStatus(PQresultStatus(res)), PQntuples(res), PQnfields(res));
	if (PQresultStatus(res) == PGRES_FATAL_ERROR)
		out("error: %s", PQresultErrorMessage(res));
}

/* A query's result through everything, on stdout and through a tmpfile. */
static void run_query(PGconn *conn, const char *label, const char *sql)
{
	PGresult *res = PQexec(conn, sql);

	describe(label, res);
	print_all(res);
	display_all(res);
	print_tuples_all(res);
	through_tmpfile(res, 0);
	PQclear(res);
}

/* A query in another client encoding: only through a tmpfile, escaped. */
static void run_encoded(PGconn *conn, const char *encoding, const char *sql)
{
	PGresult *res;
	char label[64];

	if (PQsetClientEncoding(conn, encoding) != 0)
	{
		out("PQsetClientEncoding(%s) failed: %s", encoding, PQerrorMessage(conn));
		return;
	}
	res = PQexec(conn, sql);
	snprintf(label, sizeof label, "client_encoding %s", encoding);
	describe(label, res);
	through_tmpfile(res, 1);
	PQclear(res);
	PQsetClientEncoding(conn, "UTF8");
}

/* ================================================================ sections */

static void s_print(void)
{
	char ci[512];
	PGconn *conn;
	PGresult *res;
	PQprintOpt po;

	section("print");
	snprintf(ci, sizeof ci, "host=127.0.0.1 port=%s dbname=%s user=%s client_encoding=UTF8",
			 g_port, g_db, g_trust);
	conn = PQconnectdb(ci);
	if (PQstatus(conn) != CONNECTION_OK)
	{
		out("connection failed: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return;
	}

	run_query(conn, "integers",
			  "select * from (values (1, -2, 300), (-40000, 5, 0), (7, 12345678, -9)) "
			  "t(a, \"B\", long_column_name)");
	run_query(conn, "numerics",
			  "select 1.5::numeric as n, -0.001::numeric as neg, 1e10::float8 as big, "
			  "'-1.5e-10'::float8 as small, 'NaN'::numeric as nan, '-Infinity'::float8 as inf, "
			  "'1e+20'::float8 as plus "
			  "union all select 22, 3, 4, 5, 6, 7, 8");
	run_query(conn, "numeric-looking text",
			  "select * from (values ('1e5', 'E5', '5.', ' 12', '-', '.5', 'e'), "
			  "('2', '3', '4', '5', '6', '7', '8'), ('1 2', '-3-', '1.2.3', '0', '', null, '9')) "
			  "t(a, b, c, d, e, f, g)");
	run_query(conn, "multibyte UTF8",
			  "select * from (values ('h\u00e9llo', 'na\u00efve', 1), ('\u03a9mega', '', 22), "
			  "('\u00e9', 'caf\u00e9 cr\u00e8me', 333)) t(\"w\u00f6rd\", t, n)");
	run_query(conn, "wide East Asian",
			  "select * from (values ('\u65e5\u672c\u8a9e', '\ud55c\uad6d\uc5b4', 'ab\u65e5\u672c'), "
			  "('x', '\u4e2d', '\uff21\uff22'), ('\u3042', null, '1')) "
			  "t(\"\u540d\u524d\", k, mixed)");
	run_query(conn, "NULLs and empty strings",
			  "select * from (values (null::text, ''::text, 'x'::text, null::int), "
			  "('', null, '', 4), ('a', 'b', null, null)) t(n, e, x, last)");
	run_query(conn, "all NULL", "select null::text as a, null::int as b");
	run_query(conn, "long values",
			  "select repeat('x', 300) as xs, 1 as n union all "
			  "select repeat('ab ', 50), 123456789 union all select 'short', -1");
	run_query(conn, "many columns",
			  "select 1 c1, 2 c2, 'three' c3, 4 c4, 5 c5, 'six' c6, 7 c7, 8 c8, 9 c9, 10 c10, "
			  "11 c11, 12 c12, 'thirteen' c13, 14 c14, 15 c15, 16 c16, 17 c17, 18 c18, "
			  "19 c19, 'twenty' c20, 21 c21, 22 c22");
	run_query(conn, "one row", "select 42 as answer, 'yes' as ok");
	run_query(conn, "one column", "select generate_series(1, 3) as g");
	run_query(conn, "zero rows", "select 1 as a, 'b'::text as b where false");
	run_query(conn, "command result", "set datestyle = 'ISO'");
	run_query(conn, "error result", "select 1/0");
	run_query(conn, "empty query", "");

	res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	describe("PQmakeEmptyPGresult", res);
	print_all(res);
	display_all(res);
	print_tuples_all(res);
	PQclear(res);

	/* binary values (from a binary cursor): printed as C strings, up to the
	 * first NUL, with PQgetlength's widths */
	PQclear(PQexec(conn, "begin"));
	PQclear(PQexec(conn, "declare bin binary cursor for "
				   "select 1094861636::int4 as abcd, 1::int4 as one, "
				   "'\\x41004243'::bytea as a_nul_bc, 'text'::text as t, ''::text as empty"));
	res = PQexec(conn, "fetch all from bin");
	describe("binary format", res);
	print_all(res);
	display_all(res);
	print_tuples_all(res);
	PQclear(res);
	PQclear(PQexec(conn, "commit"));

	/* other client encodings (the database is UTF8; the queries are ASCII,
	 * with Unicode escapes, so they read the same in every encoding) */
	run_encoded(conn, "LATIN1",
				"select * from (values (E'\\u00e9t\\u00e9', 1), (E'na\\u00efve', -22), "
				"(E'\\u00bd', 3)) t(U&\"w\\00f6rd\", n)");
	run_encoded(conn, "EUC_JP",
				"select * from (values (E'\\u65e5\\u672c\\u8a9e', 1), (E'\\u30ab\\u30ca', 22), "
				"(E'\\uff76', 3)) t(U&\"\\540d\", n)");
	run_encoded(conn, "SJIS",
				"select * from (values (E'\\u8868\\u793a', E'\\u30bd1'), (E'\\uff76', '2')) "
				"t(a, U&\"\\8868\")");
	run_encoded(conn, "GB18030",
				"select * from (values (E'\\u00a9\\u20ac', 1), (E'\\u4e2d\\u6587', 2)) t(a, n)");
	run_encoded(conn, "EUC_KR",
				"select * from (values (E'\\ud55c\\uad6d\\uc5b4', 1)) t(U&\"\\d55c\", n)");
	run_encoded(conn, "BIG5",
				"select * from (values (E'\\u4e2d\\u6587', 1), (E'\\u8a31', 2)) t(a, n)");

	/* NULL arguments where libpq has an answer */
	res = PQexec(conn, "select 1 as a, 'two' as b");
	set_opt(&po, F_HEADER | F_ALIGN, 0);
	out("--- PQprint(stdout, NULL, &po)\n");
	PQprint(stdout, NULL, &po);
	fflush(stdout);
	out("--- PQprint(stdout, NULL, NULL)\n");
	PQprint(stdout, NULL, NULL);
	fflush(stdout);
	out("--- PQprint(NULL, res, &po): stdout\n");
	PQprint(NULL, res, &po);
	fflush(stdout);
	out("--- PQdisplayTuples(NULL, stdout, 1, NULL, 1, 0)\n");
	PQdisplayTuples(NULL, stdout, 1, NULL, 1, 0);
	fflush(stdout);
	out("--- PQdisplayTuples(res, NULL, 1, \",\", 1, 0): stdout\n");
	PQdisplayTuples(res, NULL, 1, ",", 1, 0);
	fflush(stdout);
	out("--- PQprintTuples(NULL, stdout, 1, 0, 0)\n");
	PQprintTuples(NULL, stdout, 1, 0, 0);
	fflush(stdout);
	PQclear(res);
	res = PQexec(conn, "set datestyle = 'ISO'");
	out("--- PQprint(stdout, <no fields>, NULL)\n");
	PQprint(stdout, res, NULL);
	fflush(stdout);
	out("--- PQprintTuples(<no fields>, NULL, 1, 0, 0)\n");
	PQprintTuples(res, NULL, 1, 0, 0);
	fflush(stdout);
	PQclear(res);

	PQfinish(conn);
}

/* The pager, on a terminal: run with stdin and stdout on a pty (the
 * integration test uses script(1)); not part of the differential sections,
 * whose stdout is a pipe. The pty reports no size, so libpq assumes 24 x 80. */
static void pager_case(const char *label, const char *pager, FILE *fout,
					   const PGresult *res, int flags)
{
	PQprintOpt po;

	if (pager)
		setenv("PAGER", pager, 1);
	else
		unsetenv("PAGER");
	set_opt(&po, flags, 0);
	out("--- %s (PAGER=%s, %s)\n", label, pager ? pager : "(unset)", flag_label(flags));
	PQprint(fout, res, &po);
	fflush(stdout);
}

static void s_pager(void)
{
	char ci[512];
	PGconn *conn;
	PGresult *big, *small, *huge;
	const char *prefix = "sed 's/^/PAGER: /'";
	sigset_t mask, pending;

	section("pager");
	out("stdin is a terminal: %d, stdout is a terminal: %d\n", isatty(0), isatty(1));
	snprintf(ci, sizeof ci, "host=127.0.0.1 port=%s dbname=%s user=%s", g_port, g_db, g_trust);
	conn = PQconnectdb(ci);
	if (PQstatus(conn) != CONNECTION_OK)
	{
		out("connection failed: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return;
	}
	big = PQexec(conn, "select n, 'row ' || n as label from generate_series(1, 30) n");
	small = PQexec(conn, "select n from generate_series(1, 3) n");
	huge = PQexec(conn, "select n, repeat('x', 20) as pad from generate_series(1, 20000) n");

	pager_case("30 rows: more than a screen", prefix, stdout, big, F_HEADER | F_ALIGN | F_PAGER);
	pager_case("30 rows, fout NULL (stdout)", prefix, NULL, big, F_HEADER | F_PAGER);
	pager_case("30 rows, expanded", prefix, stdout, big, F_EXPANDED | F_PAGER);
	pager_case("30 rows, standard", prefix, stdout, big,
			   F_HEADER | F_ALIGN | F_STANDARD | F_PAGER);
	pager_case("30 rows, no pager flag", prefix, stdout, big, F_ALIGN);
	pager_case("30 rows, html3: never paged", prefix, stdout, big, F_HTML3 | F_PAGER);
	pager_case("30 rows, PAGER unset", NULL, stdout, big, F_ALIGN | F_PAGER);
	pager_case("30 rows, PAGER blank", " \t", stdout, big, F_ALIGN | F_PAGER);
	pager_case("3 rows: fits", prefix, stdout, small, F_HEADER | F_ALIGN | F_PAGER);
	pager_case("3 rows, expanded: fits", prefix, stdout, small, F_EXPANDED | F_PAGER);
	pager_case("30 rows to stderr: not stdout, not paged", prefix, stderr, big,
			   F_ALIGN | F_PAGER);

	/* a pager that reads nothing: the writes fail with EPIPE, and the
	 * SIGPIPE they raise is blocked, then consumed */
	pager_case("20000 rows into a pager that quits", "true", stdout, huge, F_ALIGN | F_PAGER);
	sigprocmask(SIG_BLOCK, NULL, &mask);
	sigpending(&pending);
	out("still alive; SIGPIPE blocked: %d, pending: %d\n",
		sigismember(&mask, SIGPIPE), sigismember(&pending, SIGPIPE));

	PQclear(big);
	PQclear(small);
	PQclear(huge);
	PQfinish(conn);
}

/* ================================================================ main */

static const struct program_section sections[] = {
	{"print", s_print, 1},
	{"pager", s_pager, 0},
};

int main(int argc, char **argv)
{
	/* stdout stays buffered: out() and the cases flush it after each call */
	start_program(1);
	/* a pager that would show up in the output if libpq used it */
	setenv("PAGER", "sed 's/^/PAGER: /'", 1);

	g_port = need_env("DIFF_PORT", NULL);
	g_db = need_env("DIFF_DB", "postgres");
	g_trust = need_env("DIFF_TRUST_USER", NULL);

	check_sections(sections, N_OF(sections), argc, argv);
	run_sections(sections, N_OF(sections), argc, argv);
	out("\n======== end ========\n");
	return 0;
}
