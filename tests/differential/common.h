/*
 * common.h: the setup and output code every differential program under
 * tests/differential/ shares (diff.c, extended.c, results.c, lobj.c,
 * print.c, escape.c). Everything is static and marked unused, so each
 * program compiles on its own and uses only what it needs; there is no
 * common.c.
 *
 * Who uses what: every program the setup, the sections, out() and
 * section(). diff.c also the masks (its dead port), the names, the
 * PG_DIAG_* and verbose-message printing, opt_sym(), g_helper and
 * print_value(); extended.c and results.c helper_main(), sym() and the
 * result printing; lobj.c add_mask() ({TMP}, {LOIDn}), txn_name(),
 * opt_sym() and quiet() (its str_ascii() prints binary data); print.c no
 * masks (its stdout stays buffered); escape.c the server's masks only.
 *
 * Include it first, after defining
 *   PROGRAM           the program's name, for its messages on stderr
 *   APPLICATION_NAME  (optional) application_name of connect_trust() and
 *                     connect_port(); default "diff_" PROGRAM
 * It defines _GNU_SOURCE and includes the C headers the programs use and
 * the system libpq-fe.h (PostgreSQL 15: functions added later are looked up
 * with dlsym, see opt_sym() and sym()).
 *
 * Setup
 *   start_program(stdout_buffered)  stderr merged into stdout (one ordered
 *                 stream, unbuffered; stdout too unless stdout_buffered:
 *                 out() flushes after each call anyway), the PG* variables
 *                 cleared and PGPASSFILE / PGSERVICEFILE pointed at
 *                 nonexistent files, so nothing depends on the caller's
 *                 environment
 *   need_env(name, default)  a DIFF_* variable, or exit(2) when unset
 *   read_server_env()  g_port, g_sockdir, g_db (default "postgres") and
 *                 g_trust from DIFF_PORT, DIFF_SOCKDIR, DIFF_DB,
 *                 DIFF_TRUST_USER, and masks the socket directory and port
 *   struct program_section, check_sections(), run_sections()  the sections
 *                 table and argv: unknown names are refused (exit 2) before
 *                 anything runs; the named ones run in table order, or
 *                 without arguments the ones marked by_default
 *   helper_main()  all of main() for a program that needs no more than
 *                 read_server_env() and g_helper
 * Each program ends its output with "\n======== end ========\n".
 *
 * Output
 *   add_mask(what, with, digits_only)  from now on print `what` as `with`
 *                 (digits_only: only where not next to other digits); masks
 *                 apply in the order they were added
 *   out(fmt, ...)  printf through the masks (emit() for a plain string)
 *   section(name)  "\n======== name ========\n"
 *   escape(s, n)  malloc'd copy with \\ \" \t \n \r escaped and other
 *                 control bytes as \xHH (bytes >= 0x80 as they are)
 *   str(label, s)  `label: (null)`, `label: "one line"`, or for text with
 *                 newlines `label: <<<`, one `  |line` per line, `>>>` (or
 *                 `>>> (no final newline)`)
 *   hex(label, p, len, max)  label, then at most max bytes as hex, "..."
 *   yes(b)        "yes" / "no"
 *
 * Names and tables
 *   txn_name(), verbosity_name(), context_name(); verbosities[],
 *   visibilities[] (every PGVerbosity / PGContextVisibility); diag_fields[]
 *   (every PG_DIAG_* code with its name) and print_diag_fields(r) (the
 *   fields a result has, as `  PG_DIAG_...: ...`); print_verbose_matrix(r)
 *   (PQresultVerboseErrorMessage under each verbosity x visibility)
 *
 * libpq helpers
 *   skip_post15()  DIFF_SKIP_POST15 is set: post-15 functions are left out
 *                 on both sides (for comparing libpq 18 with 15)
 *   opt_sym(name)  dlsym, silent; NULL when missing or under skip_post15()
 *   sym(name, post15)  dlsym; prints "<name>: (not exported)" when missing
 *                 (silent for a post-15 function under skip_post15())
 *   x_PQexecPrepared()  PQexecPrepared through sym()
 *   connect_port(port), connect_trust()  the trust user over TCP on
 *                 127.0.0.1 (connect_trust prints a failure)
 *   g_helper      a trust connection the program may open for lookups;
 *                 print_ftable(oid, show_unknown_oid) prints a PQftable OID
 *                 as the table's name through it
 *   quiet(c, sql)  execute, printing only a failure
 *   print_result_head(r), print_value(r, t, f, hex_values)  the parts of a
 *                 result the programs print alike
 */
#ifndef DIFF_COMMON_H
#define DIFF_COMMON_H

#ifndef PROGRAM
#error "define PROGRAM before including common.h"
#endif
#ifndef APPLICATION_NAME
#define APPLICATION_NAME "diff_" PROGRAM
#endif

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#define UNUSED __attribute__((unused))
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------- setup */

static const char *g_port UNUSED, *g_sockdir UNUSED, *g_db UNUSED, *g_trust UNUSED;
static PGconn *g_helper UNUSED; /* trust connection for OID -> name lookups */

UNUSED static const char *need_env(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	if (v && *v)
		return v;
	if (dflt)
		return dflt;
	fprintf(stderr, PROGRAM ": environment variable %s is required\n", name);
	exit(2);
}

UNUSED static void start_program(int stdout_buffered)
{
	static const char *const clear_env[] = {
		"PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGSERVICE",
		"PGOPTIONS", "PGAPPNAME", "PGSSLMODE", "PGREQUIRESSL", "PGSSLROOTCERT", "PGSSLCERT",
		"PGSSLKEY", "PGSSLNEGOTIATION", "PGGSSENCMODE", "PGCHANNELBINDING", "PGCONNECT_TIMEOUT",
		"PGCLIENTENCODING", "PGTARGETSESSIONATTRS", "PGLOADBALANCEHOSTS", "PGREQUIREAUTH",
		"PGMINPROTOCOLVERSION", "PGMAXPROTOCOLVERSION", "PGTZ", "PGDATESTYLE", "PGSYSCONFDIR",
		"PGKRBSRVNAME", "PGGSSLIB", "PGSSLCRL", "PGSSLCRLDIR", "PGSSLSNI", "PGSSLCERTMODE",
	};

	/* one ordered stream */
	dup2(1, 2);
	if (!stdout_buffered)
		setvbuf(stdout, NULL, _IONBF, 0);
	setvbuf(stderr, NULL, _IONBF, 0);

	for (size_t i = 0; i < N_OF(clear_env); i++)
		unsetenv(clear_env[i]);
	setenv("PGPASSFILE", "/nonexistent/diff-pgpass", 1);
	setenv("PGSERVICEFILE", "/nonexistent/diff-pg_service.conf", 1);
}

/* ---------------------------------------------------------------- output */

static struct
{
	char what[256];
	char with[32];
	int digits_only;
} g_masks[64];
static int g_nmasks;

UNUSED static void add_mask(const char *what, const char *with, int digits_only)
{
	if (g_nmasks == (int) N_OF(g_masks) || strlen(what) >= sizeof g_masks[0].what ||
		strlen(with) >= sizeof g_masks[0].with || !*what)
		abort();
	strcpy(g_masks[g_nmasks].what, what);
	strcpy(g_masks[g_nmasks].with, with);
	g_masks[g_nmasks].digits_only = digits_only;
	g_nmasks++;
}

/* Replace every occurrence of `what` in buf (growing it) by `with`;
 * digits_only: only where not adjacent to other digits. */
static char *replace_all(char *buf, const char *what, const char *with, int digits_only)
{
	size_t wl = strlen(what), nl = strlen(with);
	char *p = buf;

	if (wl == 0)
		return buf;
	while ((p = strstr(p, what)) != NULL)
	{
		if (digits_only &&
			((p > buf && p[-1] >= '0' && p[-1] <= '9') ||
			 (p[wl] >= '0' && p[wl] <= '9')))
		{
			p += wl;
			continue;
		}
		size_t off = p - buf, len = strlen(buf);
		char *nb = malloc(len - wl + nl + 1);

		memcpy(nb, buf, off);
		memcpy(nb + off, with, nl);
		memcpy(nb + off + nl, p + wl, len - off - wl + 1);
		free(buf);
		buf = nb;
		p = buf + off + nl;
	}
	return buf;
}

static void emit(const char *s)
{
	char *b = strdup(s);

	for (int i = 0; i < g_nmasks; i++)
		b = replace_all(b, g_masks[i].what, g_masks[i].with, g_masks[i].digits_only);
	fputs(b, stdout);
	fflush(stdout);
	free(b);
}

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
	va_list ap;
	char *b = NULL;

	va_start(ap, fmt);
	if (vasprintf(&b, fmt, ap) < 0)
		abort();
	va_end(ap);
	emit(b);
	free(b);
}

/* Escape a (part of a) string: \\ \" \t \r \n and other control bytes as \xHH. */
UNUSED static char *escape(const char *s, size_t n)
{
	char *b = malloc(4 * n + 1), *o = b;

	for (size_t i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c == '\\' || c == '"')
		{
			*o++ = '\\';
			*o++ = c;
		}
		else if (c == '\t')
		{
			*o++ = '\\';
			*o++ = 't';
		}
		else if (c == '\n')
		{
			*o++ = '\\';
			*o++ = 'n';
		}
		else if (c == '\r')
		{
			*o++ = '\\';
			*o++ = 'r';
		}
		else if (c < 0x20)
			o += sprintf(o, "\\x%02x", c);
		else
			*o++ = c;
	}
	*o = 0;
	return b;
}

/* label: (null) | label: "one line" | label: <<< / |line / >>> for multi-line text.
 * Multi-line text without a final newline ends with ">>> (no final newline)". */
UNUSED static void str(const char *label, const char *s)
{
	if (s == NULL)
	{
		out("%s: (null)\n", label);
		return;
	}
	if (strchr(s, '\n') == NULL)
	{
		char *e = escape(s, strlen(s));

		out("%s: \"%s\"\n", label, e);
		free(e);
		return;
	}
	out("%s: <<<\n", label);
	const char *p = s;

	while (*p)
	{
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t) (e - p) : strlen(p);
		char *x = escape(p, n);

		out("  |%s\n", x);
		free(x);
		p += n;
		if (e)
			p++;
		else
		{
			out(">>> (no final newline)\n");
			return;
		}
	}
	out(">>>\n");
}

/* At most `max` bytes as hex, then "..." when there are more. */
UNUSED static void hex(const char *label, const char *p, int len, int max)
{
	out("%s", label);
	for (int i = 0; i < len && i < max; i++)
		out("%02x", (unsigned char) p[i]);
	if (len > max)
		out("...");
}

UNUSED static const char *yes(int b)
{
	return b ? "yes" : "no";
}

UNUSED static void section(const char *name)
{
	out("\n======== %s ========\n", name);
}

/* ---------------------------------------------------------------- conninfo templates */

/*
 * Expands a conninfo template: each "%x" becomes code(x) (the program's
 * own table of letters; NULL for a letter it does not know is a fatal
 * error), "%%" a percent sign. The result is malloc'd.
 */
static UNUSED char *expand_template(const char *t, const char *(*code)(char letter))
{
	size_t cap = strlen(t) + 256, n = 0;
	char *b = malloc(cap);

	for (const char *p = t; *p; p++)
	{
		const char *v;
		char one[2] = {*p, 0};

		if (*p == '%' && p[1])
		{
			p++;
			v = *p == '%' ? "%" : code(*p);
			if (!v)
			{
				fprintf(stderr, PROGRAM ": bad template code %%%c in %s\n", *p, t);
				exit(2);
			}
		}
		else
			v = one;

		size_t l = strlen(v);

		if (n + l + 1 > cap)
		{
			cap = (n + l + 1) * 2;
			b = realloc(b, cap);
		}
		memcpy(b + n, v, l);
		n += l;
	}
	b[n] = 0;
	return b;
}

/* ---------------------------------------------------------------- sections */

struct program_section
{
	const char *name;
	void (*fn)(void);
	int by_default;				/* run when no section is named */
};

/* Exits with 2 when an argument names no section. */
UNUSED static void check_sections(const struct program_section *s, size_t n, int argc, char **argv)
{
	for (int a = 1; a < argc; a++)
	{
		int known = 0;

		for (size_t i = 0; i < n; i++)
			known |= strcmp(argv[a], s[i].name) == 0;
		if (!known)
		{
			fprintf(stderr, PROGRAM ": unknown section %s\n", argv[a]);
			exit(2);
		}
	}
}

/* The sections named in argv (or the by_default ones), in table order. */
UNUSED static void run_sections(const struct program_section *s, size_t n, int argc, char **argv)
{
	for (size_t i = 0; i < n; i++)
	{
		int wanted = argc <= 1 && s[i].by_default;

		for (int a = 1; a < argc; a++)
			if (strcmp(argv[a], s[i].name) == 0)
				wanted = 1;
		if (wanted)
			s[i].fn();
	}
}

/* The server's variables, masked as {SOCKDIR} and {PORT} in the output. */
UNUSED static void read_server_env(void)
{
	g_port = need_env("DIFF_PORT", NULL);
	g_sockdir = need_env("DIFF_SOCKDIR", NULL);
	g_db = need_env("DIFF_DB", "postgres");
	g_trust = need_env("DIFF_TRUST_USER", NULL);
	add_mask(g_sockdir, "{SOCKDIR}", 0);
	add_mask(g_port, "{PORT}", 1);
}

/* ---------------------------------------------------------------- names */

UNUSED static const char *txn_name(PGTransactionStatusType s)
{
	static char buf[32];

	switch (s)
	{
		case PQTRANS_IDLE: return "PQTRANS_IDLE";
		case PQTRANS_ACTIVE: return "PQTRANS_ACTIVE";
		case PQTRANS_INTRANS: return "PQTRANS_INTRANS";
		case PQTRANS_INERROR: return "PQTRANS_INERROR";
		case PQTRANS_UNKNOWN: return "PQTRANS_UNKNOWN";
		default:
			snprintf(buf, sizeof buf, "PGTransactionStatusType(%d)", (int) s);
			return buf;
	}
}

UNUSED static const char *verbosity_name(PGVerbosity v)
{
	switch (v)
	{
		case PQERRORS_TERSE: return "PQERRORS_TERSE";
		case PQERRORS_DEFAULT: return "PQERRORS_DEFAULT";
		case PQERRORS_VERBOSE: return "PQERRORS_VERBOSE";
		case PQERRORS_SQLSTATE: return "PQERRORS_SQLSTATE";
	}
	return "PGVerbosity(?)";
}

UNUSED static const char *context_name(PGContextVisibility v)
{
	switch (v)
	{
		case PQSHOW_CONTEXT_NEVER: return "PQSHOW_CONTEXT_NEVER";
		case PQSHOW_CONTEXT_ERRORS: return "PQSHOW_CONTEXT_ERRORS";
		case PQSHOW_CONTEXT_ALWAYS: return "PQSHOW_CONTEXT_ALWAYS";
	}
	return "PGContextVisibility(?)";
}

UNUSED static const PGVerbosity verbosities[] = {
	PQERRORS_TERSE, PQERRORS_DEFAULT, PQERRORS_VERBOSE, PQERRORS_SQLSTATE
};
UNUSED static const PGContextVisibility visibilities[] = {
	PQSHOW_CONTEXT_NEVER, PQSHOW_CONTEXT_ERRORS, PQSHOW_CONTEXT_ALWAYS
};

struct diag_field
{
	int code;
	const char *name;
};

UNUSED static const struct diag_field diag_fields[] = {
	{PG_DIAG_SEVERITY, "PG_DIAG_SEVERITY"},
	{PG_DIAG_SEVERITY_NONLOCALIZED, "PG_DIAG_SEVERITY_NONLOCALIZED"},
	{PG_DIAG_SQLSTATE, "PG_DIAG_SQLSTATE"},
	{PG_DIAG_MESSAGE_PRIMARY, "PG_DIAG_MESSAGE_PRIMARY"},
	{PG_DIAG_MESSAGE_DETAIL, "PG_DIAG_MESSAGE_DETAIL"},
	{PG_DIAG_MESSAGE_HINT, "PG_DIAG_MESSAGE_HINT"},
	{PG_DIAG_STATEMENT_POSITION, "PG_DIAG_STATEMENT_POSITION"},
	{PG_DIAG_INTERNAL_POSITION, "PG_DIAG_INTERNAL_POSITION"},
	{PG_DIAG_INTERNAL_QUERY, "PG_DIAG_INTERNAL_QUERY"},
	{PG_DIAG_CONTEXT, "PG_DIAG_CONTEXT"},
	{PG_DIAG_SCHEMA_NAME, "PG_DIAG_SCHEMA_NAME"},
	{PG_DIAG_TABLE_NAME, "PG_DIAG_TABLE_NAME"},
	{PG_DIAG_COLUMN_NAME, "PG_DIAG_COLUMN_NAME"},
	{PG_DIAG_DATATYPE_NAME, "PG_DIAG_DATATYPE_NAME"},
	{PG_DIAG_CONSTRAINT_NAME, "PG_DIAG_CONSTRAINT_NAME"},
	{PG_DIAG_SOURCE_FILE, "PG_DIAG_SOURCE_FILE"},
	{PG_DIAG_SOURCE_LINE, "PG_DIAG_SOURCE_LINE"},
	{PG_DIAG_SOURCE_FUNCTION, "PG_DIAG_SOURCE_FUNCTION"},
};

/* "  PG_DIAG_...: ..." for each field of diag_fields[] the result has. */
UNUSED static void print_diag_fields(const PGresult *r)
{
	char label[80];

	for (size_t i = 0; i < N_OF(diag_fields); i++)
	{
		const char *v = PQresultErrorField(r, diag_fields[i].code);

		if (v)
		{
			snprintf(label, sizeof label, "  %s", diag_fields[i].name);
			str(label, v);
		}
	}
}

/* PQresultVerboseErrorMessage(r, ...) under every verbosity x visibility. */
UNUSED static void print_verbose_matrix(const PGresult *r)
{
	for (size_t v = 0; v < N_OF(verbosities); v++)
		for (size_t x = 0; x < N_OF(visibilities); x++)
		{
			char label[128];
			char *m = PQresultVerboseErrorMessage(r, verbosities[v], visibilities[x]);

			snprintf(label, sizeof label, "PQresultVerboseErrorMessage(%s, %s)",
					 verbosity_name(verbosities[v]), context_name(visibilities[x]));
			str(label, m);
			PQfreemem(m);
		}
}

/* ---------------------------------------------------------------- functions looked up at run time */

static int skip_post15(void)
{
	return getenv("DIFF_SKIP_POST15") != NULL;
}

/* NULL when not exported, or for any name under DIFF_SKIP_POST15; silent. */
UNUSED static void *opt_sym(const char *name)
{
	if (skip_post15())
		return NULL;
	return dlsym(RTLD_DEFAULT, name);
}

/*
 * The address of `name` in the loaded libpq, or NULL. When missing, prints
 * "<name>: (not exported)" -- except for post-15 functions under
 * DIFF_SKIP_POST15, which are then silently absent on both sides.
 */
static void *sym(const char *name, int post15)
{
	void *p = (post15 && skip_post15()) ? NULL : dlsym(RTLD_DEFAULT, name);

	if (p == NULL && !(post15 && skip_post15()))
		out("%s: (not exported)\n", name);
	return p;
}

typedef PGresult *(*execprepared_fn) (PGconn *, const char *, int, const char *const *, const int *,
									  const int *, int);

UNUSED static PGresult *x_PQexecPrepared(PGconn *conn, const char *stmtName, int nParams,
										 const char *const *paramValues, const int *paramLengths,
										 const int *paramFormats, int resultFormat)
{
	execprepared_fn f = (execprepared_fn) sym("PQexecPrepared", 0);

	return f ? f(conn, stmtName, nParams, paramValues, paramLengths, paramFormats, resultFormat) : NULL;
}

/* ---------------------------------------------------------------- connections and results */

/* The trust user over TCP; not checked. */
static PGconn *connect_port(const char *port)
{
	char *ci = NULL;
	PGconn *c;

	if (asprintf(&ci, "host=127.0.0.1 port=%s dbname=%s user=%s application_name=" APPLICATION_NAME,
				 port, g_db, g_trust) < 0)
		abort();
	c = PQconnectdb(ci);
	free(ci);
	return c;
}

/* The trust user on the server; a failure is printed. */
UNUSED static PGconn *connect_trust(void)
{
	PGconn *c = connect_port(g_port);

	if (PQstatus(c) != CONNECTION_OK)
	{
		out("trust connection failed\n");
		str("PQerrorMessage", PQerrorMessage(c));
	}
	return c;
}

/* " ftable=(oid of <name>)" through g_helper; an OID the helper does not know
 * as " ftable=(unknown oid)", or with show_unknown_oid " ftable=<oid> (no such table)". */
UNUSED static void print_ftable(Oid t, int show_unknown_oid)
{
	if (t == InvalidOid || PQstatus(g_helper) != CONNECTION_OK)
	{
		out(" ftable=%u", t);
		return;
	}
	char q[128];
	PGresult *r;

	snprintf(q, sizeof q, "SELECT relname FROM pg_class WHERE oid = %u", t);
	r = PQexec(g_helper, q);
	if (PQntuples(r) == 1)
		out(" ftable=(oid of %s)", PQgetvalue(r, 0, 0));
	else if (show_unknown_oid)
		out(" ftable=%u (no such table)", t);
	else
		out(" ftable=(unknown oid)");
	PQclear(r);
}

/*
 * "result: NULL" (returning 0), or the status, messages and sizes of a
 * result: PQresultStatus, PQresultErrorMessage, PQcmdStatus, PQcmdTuples,
 * PQoidValue (as zero or not), PQntuples, PQnfields, PQbinaryTuples,
 * PQnparams (returning 1).
 */
UNUSED static int print_result_head(const PGresult *r)
{
	if (r == NULL)
	{
		out("result: NULL\n");
		return 0;
	}
	ExecStatusType st = PQresultStatus(r);

	out("PQresultStatus: %d %s\n", (int) st, PQresStatus(st));
	str("PQresultErrorMessage", PQresultErrorMessage(r));
	str("PQcmdStatus", PQcmdStatus((PGresult *) r));
	str("PQcmdTuples", PQcmdTuples((PGresult *) r));
	out("PQoidValue: %s\n", PQoidValue(r) == InvalidOid ? "0" : "(nonzero, masked)");
	out("PQntuples: %d  PQnfields: %d  PQbinaryTuples: %d  PQnparams: %d\n",
		PQntuples(r), PQnfields(r), PQbinaryTuples(r), PQnparams(r));
	return 1;
}

/* Which values print_value() shows as hex. */
enum hex_values
{
	HEX_NONE,					/* every value as text */
	HEX_BINARY,					/* binary-format values (PQfformat 1) */
	HEX_BINARY_OR_NUL,			/* those and values holding a NUL byte */
};

/*
 * One value of a result: " [NULL len=0 value=\"\"]", as hex
 * " [len=N hex=...]" (at most 64 bytes), else " [len=N \"text\"]" (escaped,
 * at most 200 bytes, "(strlen differs!)" when len is not its strlen).
 */
UNUSED static void print_value(const PGresult *r, int t, int f, enum hex_values as_hex)
{
	const char *v = PQgetvalue(r, t, f);
	int len = PQgetlength(r, t, f);

	if (PQgetisnull(r, t, f))
		out(" [NULL len=%d value=%s%s%s]", len, v ? "\"" : "", v ? v : "(null)", v ? "\"" : "");
	else if (as_hex != HEX_NONE &&
			 (PQfformat(r, f) != 0 || (as_hex == HEX_BINARY_OR_NUL && memchr(v, 0, len) != NULL)))
	{
		out(" [len=%d", len);
		hex(" hex=", v, len, 64);
		out("]");
	}
	else
	{
		size_t sl = strlen(v);
		char *x = escape(v, sl > 200 ? 200 : sl);

		out(" [len=%d%s \"%s\"%s]", len, (size_t) len != sl ? " (strlen differs!)" : "", x,
			sl > 200 ? "..." : "");
		free(x);
	}
}

/* Execute without printing anything except a failure. */
UNUSED static void quiet(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
	{
		out("setup statement failed: %s\n", sql);
		str("  error", PQerrorMessage(c));
	}
	PQclear(r);
}

/* ---------------------------------------------------------------- main */

/*
 * The whole main() of a program that needs only the server's variables and
 * g_helper: checks argv, connects g_helper, runs the sections, prints the
 * end line.
 */
UNUSED static int helper_main(const struct program_section *s, size_t n, int argc, char **argv)
{
	start_program(0);
	read_server_env();
	check_sections(s, n, argc, argv);
	g_helper = connect_trust();
	run_sections(s, n, argc, argv);
	PQfinish(g_helper);
	out("\n======== end ========\n");
	return 0;
}

#endif							/* DIFF_COMMON_H */
