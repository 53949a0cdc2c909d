/*
 * Differential test program: large objects, the fast path and passwords.
 * Prints everything observable of lo_*, PQfn, PQencryptPassword,
 * PQencryptPasswordConn and PQchangePassword for one running server, so that
 * the output with the real libpq 18 and with libpq-rs can be compared line by
 * line (tests/integration/differential.rs).
 *
 * Compiled against the system libpq-fe.h (PostgreSQL 15 on Debian 12), so
 * PQchangePassword (new in 17) is looked up with dlsym and reported as
 * "(not exported)" when missing.
 *
 * Usage: lobj section...   sections: lobj fastpath password (default: all
 *                          three, in order), and fake (see below)
 *
 * Environment: as tests/differential/diff.c (DIFF_PORT, DIFF_SOCKDIR, DIFF_DB,
 * DIFF_TRUST_USER, DIFF_PASSWORD_USER, DIFF_PASSWORD_PW; the others are not
 * used). The trust user must be a superuser: the program creates and drops
 * two throwaway roles (libpqrs_lobj_diff and "libpqrs ""Pw"" diff"), gives
 * the first pg_read_server_files/pg_write_server_files for the server-side
 * lo_import/lo_export, and re-sets the password of DIFF_PASSWORD_USER to the
 * same DIFF_PASSWORD_PW (through md5 and back to SCRAM) to prove that the
 * verifiers it builds let that user log in (pg_hba.conf must give that user
 * the "password" method, as tests/support/pg_hba.conf does). Runs must not
 * overlap.
 *
 * Section "fake" is not run against the real server: it talks to the small
 * fake server of tests/integration/fake_server.rs (DIFF_FAKE_PORT), which
 * answers function calls with values longer or shorter than asked, or with
 * messages that do not belong to a function call.
 *
 * Masked: the port, the socket directory, the program's temporary directory
 * ({TMP}, a fresh mkdtemp directory, made world-writable so the server can
 * read and write the server-side files), and the OIDs the server picks for
 * large objects ({LOID1}, {LOID2}, ... in order of appearance). The SCRAM
 * verifiers have a random salt: their structure is printed, and they are
 * proven right by logging in with them. Files are compared byte for byte.
 */
#define PROGRAM "lobj"
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

/* libpq/libpq-fs.h */
#define INV_WRITE 0x00020000
#define INV_READ 0x00040000

/* ---------------------------------------------------------------- setup */

static const char *g_pwuser, *g_pw;
static char g_tmp[64];

/* OIDs chosen by lo_import_with_oid and lo_create; cleaned up before and after */
#define OID_A 3999000001u
#define OID_B 3999000002u
#define OID_MISSING 4294967295u

#define ROLE "libpqrs_lobj_diff"
#define PW_ROLE "libpqrs \"Pw\" diff"
#define PW_ROLE_SQL "\"libpqrs \"\"Pw\"\" diff\""

/* ---------------------------------------------------------------- output */

static int g_nloids;

/* Mask a large-object OID the server picked (printed as {LOIDn} from now on). */
static void mask_oid(Oid oid)
{
	char s[16], with[24];

	if (oid == 0)
		return;
	snprintf(s, sizeof s, "%u", oid);
	for (int i = 0; i < g_nmasks; i++)
		if (strcmp(g_masks[i].what, s) == 0 && strncmp(g_masks[i].with, "{LOID", 5) == 0)
			return;
	snprintf(with, sizeof with, "{LOID%d}", ++g_nloids);
	add_mask(s, with, 1);
}

/* Not escape() of common.h, for large objects' binary data: \\ \" escaped, \n as \n,
 * every other byte outside 0x20..0x7e as \xHH; str_ascii() keeps it on one line */
static char *escape_ascii(const char *s, size_t n)
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
		else if (c == '\n')
		{
			*o++ = '\\';
			*o++ = 'n';
		}
		else if (c < 0x20 || c >= 0x7f)
			o += sprintf(o, "\\x%02x", c);
		else
			*o++ = c;
	}
	*o = 0;
	return b;
}

static void str_ascii(const char *label, const char *s)
{
	if (s == NULL)
	{
		out("%s: (null)\n", label);
		return;
	}
	char *e = escape_ascii(s, strlen(s));

	out("%s: \"%s\"\n", label, e);
	free(e);
}

static void bytes(const char *label, const char *s, int n)
{
	char *e = escape_ascii(s, n < 0 ? 0 : (size_t) n);

	out("%s: \"%s\"\n", label, e);
	free(e);
}

/* the connection's state after a call: error message, transaction, status */
static void state(PGconn *c)
{
	str_ascii("  PQerrorMessage", PQerrorMessage(c));
	out("  PQtransactionStatus: %s  PQstatus: %s\n", txn_name(PQtransactionStatus(c)),
		PQstatus(c) == CONNECTION_OK ? "CONNECTION_OK" : PQstatus(c) == CONNECTION_BAD ? "CONNECTION_BAD" : "other");
}

static void dump_result(const PGresult *r)
{
	if (r == NULL)
	{
		out("  result: NULL\n");
		return;
	}
	out("  PQresultStatus: %s\n", PQresStatus(PQresultStatus(r)));
	str_ascii("  PQresultErrorMessage", PQresultErrorMessage(r));
	str_ascii("  PQcmdStatus", PQcmdStatus((PGresult *) r));
	if (PQresultStatus(r) == PGRES_FATAL_ERROR)
	{
		str_ascii("  PG_DIAG_SQLSTATE", PQresultErrorField(r, PG_DIAG_SQLSTATE));
		str_ascii("  PG_DIAG_MESSAGE_PRIMARY", PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
	}
	if (PQresultStatus(r) == PGRES_TUPLES_OK)
		for (int t = 0; t < PQntuples(r); t++)
			for (int f = 0; f < PQnfields(r); f++)
			{
				out("  row %d field %d", t, f);
				if (PQgetisnull(r, t, f))
					out(" NULL\n");
				else
					str_ascii("", PQgetvalue(r, t, f));
			}
}

static void run(PGconn *c, const char *sql)
{
	char *e = escape_ascii(sql, strlen(sql));
	PGresult *r;

	out("\n--- PQexec(\"%s\")\n", e);
	free(e);
	r = PQexec(c, sql);
	dump_result(r);
	state(c);
	PQclear(r);
}

/* a statement that is meant to fail: only its error is printed */
static void failing(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);

	out("(%s: %s)\n", sql, PQresStatus(PQresultStatus(r)));
	PQclear(r);
}

/* the one value of a query, malloc'd ("" when there is none) */
static char *value_of(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	char *v = strdup(PQntuples(r) == 1 && PQnfields(r) == 1 ? PQgetvalue(r, 0, 0) : "");

	if (PQresultStatus(r) != PGRES_TUPLES_OK)
	{
		out("lookup failed: %s\n", sql);
		str_ascii("  error", PQerrorMessage(c));
	}
	PQclear(r);
	return v;
}

static void notice_processor(void *arg, const char *message)
{
	(void) arg;
	str_ascii("  notice", message);
}

static PGconn *connect_as(const char *user, const char *password, const char *appname)
{
	char *ci;
	PGconn *c;

	if (asprintf(&ci, "host=127.0.0.1 port=%s dbname=%s user='%s' password='%s' application_name=%s",
				 g_port, g_db, user, password ? password : "", appname) < 0)
		abort();
	c = PQconnectdb(ci);
	free(ci);
	PQsetNoticeProcessor(c, notice_processor, NULL);
	return c;
}

static PGconn *connect_checked(const char *user, const char *appname)
{
	PGconn *c = connect_as(user, NULL, appname);

	if (PQstatus(c) != CONNECTION_OK)
	{
		out("connection as %s failed\n", user);
		str_ascii("PQerrorMessage", PQerrorMessage(c));
	}
	return c;
}

/* a connection that never came up (nothing listens on port 1) */
static PGconn *connect_dead(void)
{
	char *ci;
	PGconn *c;

	if (asprintf(&ci, "host=127.0.0.1 port=1 dbname=%s user=%s", g_db, g_trust) < 0)
		abort();
	c = PQconnectdb(ci);
	free(ci);
	PQsetNoticeProcessor(c, notice_processor, NULL);
	return c;
}

static char *path(const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", g_tmp, name) < 0)
		abort();
	return p;
}

static void write_file(const char *p, const char *data, size_t n)
{
	FILE *f = fopen(p, "wb");

	if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0)
	{
		out("cannot write %s\n", p);
		exit(2);
	}
	chmod(p, 0644);
}

/* The file's contents (malloc'd) and size; NULL when it cannot be read. */
static char *read_file(const char *p, size_t *n)
{
	FILE *f = fopen(p, "rb");
	char *b = NULL;
	size_t cap = 0, len = 0, got;

	if (!f)
		return NULL;
	do
	{
		if (len == cap)
			b = realloc(b, cap = cap ? 2 * cap : 65536);
		got = fread(b + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	fclose(f);
	*n = len;
	return b ? b : malloc(1);
}

/* How a file compares with the expected bytes. */
static void compare_file(const char *label, const char *p, const char *want, size_t wn)
{
	size_t n = 0;
	char *got = read_file(p, &n);

	if (!got)
		out("  %s: cannot be read: %s\n", label, strerror(errno));
	else if (n != wn)
		out("  %s: %zu bytes, expected %zu\n", label, n, wn);
	else
		out("  %s: %zu bytes, %s\n", label, n, memcmp(got, want, n) == 0 ? "identical" : "DIFFERENT");
	free(got);
}

/* ---------------------------------------------------------------- lobj */

static void show_int(PGconn *c, const char *call, int v)
{
	out("\n--- %s = %d\n", call, v);
	state(c);
}

static void show_int64(PGconn *c, const char *call, int64_t v)
{
	out("\n--- %s = %lld\n", call, (long long) v);
	state(c);
}

/* an OID the server picked: masked (0 shown as is) */
static void show_oid(PGconn *c, const char *call, Oid v)
{
	mask_oid(v);
	out("\n--- %s = %u\n", call, v);
	state(c);
}

/* an OID the program chose */
static void show_chosen_oid(PGconn *c, const char *call, Oid v)
{
	out("\n--- %s = %u\n", call, v);
	state(c);
}

/* lo_read into a buffer of `cap` bytes filled with '#', asking for `len` */
static void show_read(PGconn *c, const char *call, int fd, size_t len, size_t cap)
{
	char *buf = malloc(cap + 16);
	int n;

	memset(buf, '#', cap + 16);
	n = lo_read(c, fd, buf, len);
	out("\n--- %s = %d\n", call, n);
	bytes("  bytes", buf, n > 0 ? (n < 80 ? n : 80) : 0);
	{
		int touched = 0;

		for (size_t i = (n > 0 ? (size_t) n : 0); i < cap + 16; i++)
			touched |= buf[i] != '#';
		out("  buffer beyond the count untouched: %s\n", touched ? "NO" : "yes");
	}
	state(c);
	free(buf);
}

/* removes what this or an earlier (possibly crashed) run left: the role,
 * its privileges and its large objects */
static void cleanup(PGconn *su)
{
	quiet(su, "select lo_unlink(oid) from pg_largeobject_metadata where oid in (3999000001, 3999000002)");
	quiet(su, "set client_min_messages = warning; "
		  "do $$begin if exists (select from pg_roles where rolname = '" ROLE "') then "
		  "drop owned by " ROLE "; drop role " ROLE "; end if; end$$; "
		  "reset client_min_messages");
}

static void lobj_null_and_dead(void)
{
	PGconn *dead = connect_dead();
	char buf[8];

	out("\n--- NULL connection\n");
	out("lo_open %d, lo_close %d, lo_read %d, lo_write %d, lo_lseek %d, lo_lseek64 %lld\n",
		lo_open(NULL, 1, INV_READ), lo_close(NULL, 0), lo_read(NULL, 0, buf, sizeof buf),
		lo_write(NULL, 0, "x", 1), lo_lseek(NULL, 0, 0, SEEK_SET),
		(long long) lo_lseek64(NULL, 0, 0, SEEK_SET));
	out("lo_creat %u, lo_create %u, lo_tell %d, lo_tell64 %lld, lo_truncate %d, lo_truncate64 %d\n",
		lo_creat(NULL, INV_READ), lo_create(NULL, 0), lo_tell(NULL, 0),
		(long long) lo_tell64(NULL, 0), lo_truncate(NULL, 0, 0), lo_truncate64(NULL, 0, 0));
	out("lo_unlink %d, lo_import %u, lo_import_with_oid %u, lo_export %d\n",
		lo_unlink(NULL, 1), lo_import(NULL, "/dev/null"), lo_import_with_oid(NULL, "/dev/null", 5),
		lo_export(NULL, 1, "/dev/null"));

	out("\n--- a connection that failed (port 1)\n");
	show_int(dead, "lo_open", lo_open(dead, 1, INV_READ));
	show_oid(dead, "lo_creat", lo_creat(dead, INV_READ));
	show_oid(dead, "lo_import(/dev/null)", lo_import(dead, "/dev/null"));
	show_int(dead, "lo_export", lo_export(dead, 1, "/dev/null"));
	PQfinish(dead);
}

static void lobj_read_write(PGconn *c)
{
	static const char text[] = "hello, large object";
	Oid oid;
	int fd;

	out("\n--- outside a transaction: the descriptor dies with the implicit one\n");
	oid = lo_creat(c, INV_READ | INV_WRITE);
	show_oid(c, "lo_creat(INV_READ|INV_WRITE)", oid);
	show_int(c, "lo_open(oid, INV_READ)", fd = lo_open(c, oid, INV_READ));
	show_read(c, "lo_read(fd, 10)", fd, 10, 10);
	show_int(c, "lo_unlink(oid)", lo_unlink(c, oid));

	run(c, "begin");
	oid = lo_creat(c, -1);
	show_oid(c, "lo_creat(-1) (the mode is ignored)", oid);
	show_int(c, "lo_open(oid, INV_READ|INV_WRITE)", fd = lo_open(c, oid, INV_READ | INV_WRITE));
	show_int(c, "lo_write(fd, text, 19)", lo_write(c, fd, text, strlen(text)));
	show_int(c, "lo_write(fd, text, 0)", lo_write(c, fd, text, 0));
	show_int(c, "lo_write(fd, NULL, 0)", lo_write(c, fd, NULL, 0));
	show_int(c, "lo_tell", lo_tell(c, fd));
	show_int64(c, "lo_tell64", lo_tell64(c, fd));
	show_int(c, "lo_lseek(fd, 7, SEEK_SET)", lo_lseek(c, fd, 7, SEEK_SET));
	show_read(c, "lo_read(fd, 5)", fd, 5, 5);
	show_int(c, "lo_lseek(fd, -3, SEEK_CUR)", lo_lseek(c, fd, -3, SEEK_CUR));
	show_read(c, "lo_read(fd, 64) (less is left)", fd, 64, 64);
	show_read(c, "lo_read(fd, 10) at the end", fd, 10, 10);
	show_read(c, "lo_read(fd, 0)", fd, 0, 0);
	show_int(c, "lo_read(fd, NULL, 0)", lo_read(c, fd, NULL, 0));
	show_int64(c, "lo_lseek64(fd, 0, SEEK_END)", lo_lseek64(c, fd, 0, SEEK_END));
	show_int(c, "lo_truncate(fd, 5)", lo_truncate(c, fd, 5));
	show_int64(c, "lo_lseek64(fd, 0, SEEK_END)", lo_lseek64(c, fd, 0, SEEK_END));
	show_int(c, "lo_truncate64(fd, 3000000000)", lo_truncate64(c, fd, 3000000000LL));
	show_int64(c, "lo_lseek64(fd, 0, SEEK_END)", lo_lseek64(c, fd, 0, SEEK_END));
	show_int64(c, "lo_tell64", lo_tell64(c, fd));
	show_int64(c, "lo_lseek64(fd, 4294967296, SEEK_SET)", lo_lseek64(c, fd, 4294967296LL, SEEK_SET));
	show_int64(c, "lo_lseek64(fd, -10, SEEK_CUR)", lo_lseek64(c, fd, -10, SEEK_CUR));
	show_int64(c, "lo_lseek64(fd, 0, SEEK_SET)", lo_lseek64(c, fd, 0, SEEK_SET));
	show_read(c, "lo_read(fd, 8)", fd, 8, 8);
	show_int(c, "lo_close(fd)", lo_close(c, fd));
	show_int(c, "lo_open(oid, INV_WRITE)", fd = lo_open(c, oid, INV_WRITE));
	show_read(c, "lo_read(write-only fd, 4)", fd, 4, 4);
	run(c, "rollback");

	run(c, "begin");
	show_int(c, "lo_open(oid, INV_READ) after the rollback", lo_open(c, oid, INV_READ));
	run(c, "rollback");

	out("\n--- the 32-bit functions past 2 GB\n");
	oid = lo_creat(c, INV_READ | INV_WRITE);
	show_oid(c, "lo_creat", oid);
	run(c, "begin");
	fd = lo_open(c, oid, INV_READ | INV_WRITE);
	show_int(c, "lo_truncate64(fd, 3000000000)", lo_truncate64(c, fd, 3000000000LL));
	show_int64(c, "lo_lseek64(fd, 0, SEEK_END)", lo_lseek64(c, fd, 0, SEEK_END));
	show_int(c, "lo_tell(fd)", lo_tell(c, fd));
	run(c, "rollback");
	run(c, "begin");
	fd = lo_open(c, oid, INV_READ | INV_WRITE);
	show_int(c, "lo_truncate64(fd, 3000000000)", lo_truncate64(c, fd, 3000000000LL));
	show_int(c, "lo_lseek(fd, 0, SEEK_END)", lo_lseek(c, fd, 0, SEEK_END));
	run(c, "rollback");
	show_int(c, "lo_unlink", lo_unlink(c, oid));
}

static void lobj_bad_input(PGconn *c)
{
	char small[16];
	static const size_t huge[] = {
		(size_t) INT_MAX + 1, (size_t) UINT_MAX, (size_t) UINT_MAX + 1, (size_t) UINT_MAX + 6, SIZE_MAX,
	};
	Oid oid;
	int fd;

	memset(small, 0, sizeof small);
	oid = lo_creat(c, INV_READ | INV_WRITE);
	show_oid(c, "lo_creat (outside a transaction: it stays)", oid);
	run(c, "begin");
	fd = lo_open(c, oid, INV_READ | INV_WRITE);
	show_int(c, "lo_open", fd);
	show_int(c, "lo_write(fd, \"abc\", 3)", lo_write(c, fd, "abc", 3));
	show_int(c, "lo_lseek(fd, 0, SEEK_SET)", lo_lseek(c, fd, 0, SEEK_SET));
	for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++)
	{
		char call[80];

		/* refused before the buffer or the server is involved */
		snprintf(call, sizeof call, "lo_read(fd, buf[16], %zu)", huge[i]);
		show_read(c, call, fd, huge[i], sizeof small);
		snprintf(call, sizeof call, "lo_write(fd, buf[16], %zu)", huge[i]);
		show_int(c, call, lo_write(c, fd, small, huge[i]));
		snprintf(call, sizeof call, "lo_truncate(fd, %zu)", huge[i]);
		show_int(c, call, lo_truncate(c, fd, huge[i]));
	}
	/* the server refuses these before it reads anything: no overrun of buf[16] */
	show_read(c, "lo_read(fd, buf[16], 2147483647)", fd, INT_MAX, sizeof small);
	run(c, "rollback");
	run(c, "begin");
	fd = lo_open(c, oid, INV_READ | INV_WRITE);
	show_read(c, "lo_read(fd, buf[16], 1073741824)", fd, 1073741824, sizeof small);
	run(c, "rollback");

	run(c, "begin");
	fd = lo_open(c, oid, INV_READ | INV_WRITE);
	show_int(c, "lo_truncate64(fd, -1)", lo_truncate64(c, fd, -1));
	run(c, "rollback");
	run(c, "begin");
	fd = lo_open(c, oid, INV_READ | INV_WRITE);
	show_int64(c, "lo_lseek64(fd, INT64_MAX, SEEK_SET)", lo_lseek64(c, fd, INT64_MAX, SEEK_SET));
	run(c, "rollback");
	run(c, "begin");
	fd = lo_open(c, oid, INV_READ | INV_WRITE);
	show_int64(c, "lo_lseek64(fd, -1, SEEK_SET)", lo_lseek64(c, fd, -1, SEEK_SET));
	run(c, "rollback");
	run(c, "begin");
	fd = lo_open(c, oid, INV_READ | INV_WRITE);
	show_int(c, "lo_lseek(fd, 0, 7) (bad whence)", lo_lseek(c, fd, 0, 7));
	run(c, "rollback");
	run(c, "begin");
	fd = lo_open(c, oid, INV_READ | INV_WRITE);
	show_int(c, "lo_lseek(fd, INT_MIN, SEEK_SET)", lo_lseek(c, fd, INT_MIN, SEEK_SET));
	run(c, "rollback");
	run(c, "begin");
	show_int(c, "lo_open(oid, 0) (no mode)", lo_open(c, oid, 0));
	run(c, "rollback");
	run(c, "begin");
	show_int(c, "lo_open(4294967295, INV_READ)", lo_open(c, OID_MISSING, INV_READ));
	show_int(c, "lo_open again in the failed transaction", lo_open(c, OID_MISSING, INV_READ));
	show_oid(c, "lo_creat in the failed transaction", lo_creat(c, INV_READ));
	run(c, "rollback");
	show_int(c, "lo_close(-1)", lo_close(c, -1));
	show_int(c, "lo_close(12345)", lo_close(c, 12345));
	show_int(c, "lo_tell(INT_MAX)", lo_tell(c, INT_MAX));
	show_int64(c, "lo_tell64(-5)", lo_tell64(c, -5));
	show_int(c, "lo_write(-1, \"x\", 1)", lo_write(c, -1, "x", 1));
	show_read(c, "lo_read(99, buf, 4)", 99, 4, 4);
	show_int(c, "lo_truncate(7, 0)", lo_truncate(c, 7, 0));
	show_int(c, "lo_truncate64(7, 0)", lo_truncate64(c, 7, 0));
	show_int(c, "lo_unlink(the object)", lo_unlink(c, oid));
	show_int(c, "lo_unlink(4294967295)", lo_unlink(c, OID_MISSING));
	show_int(c, "lo_unlink(0)", lo_unlink(c, 0));

	out("\n--- lo_create with a chosen OID, twice; lo_create(0) lets the server choose\n");
	show_chosen_oid(c, "lo_create(3999000002)", lo_create(c, OID_B));
	show_chosen_oid(c, "lo_create(3999000002)", lo_create(c, OID_B));
	show_int(c, "lo_unlink(3999000002)", lo_unlink(c, OID_B));
	oid = lo_create(c, 0);
	show_oid(c, "lo_create(0)", oid);
	show_int(c, "lo_unlink(it)", lo_unlink(c, oid));
	show_int(c, "lo_unlink(it) again", lo_unlink(c, oid));
}

static void lobj_states(PGconn *c)
{
	PGconn *fresh = connect_checked(ROLE, "lobj_fresh");
	PGresult *r;

	out("\n--- a new connection in a failed transaction: the OID lookup fails\n");
	quiet(fresh, "begin");
	failing(fresh, "select 1/0");
	show_oid(fresh, "lo_creat", lo_creat(fresh, INV_READ));
	show_int(fresh, "lo_open", lo_open(fresh, 1, INV_READ));
	quiet(fresh, "rollback");
	show_oid(fresh, "lo_creat after the rollback", lo_creat(fresh, INV_READ));
	PQfinish(fresh);

	out("\n--- while a query runs: the function OIDs are known, so PQfn refuses\n");
	out("PQsendQuery: %d\n", PQsendQuery(c, "select pg_sleep(0.1)"));
	show_oid(c, "lo_creat", lo_creat(c, INV_READ));
	show_int(c, "lo_open", lo_open(c, 1, INV_READ));
	while ((r = PQgetResult(c)) != NULL)
		PQclear(r);

	out("\n--- while a query runs, on a new connection: the lookup's PQexec waits for it\n");
	fresh = connect_checked(ROLE, "lobj_fresh");
	out("PQsendQuery: %d\n", PQsendQuery(fresh, "select pg_sleep(0.1)"));
	{
		Oid oid = lo_creat(fresh, INV_READ);

		show_oid(fresh, "lo_creat", oid);
		show_int(fresh, "lo_unlink", lo_unlink(fresh, oid));
	}
	PQfinish(fresh);
}

static void lobj_files(PGconn *c)
{
	enum { N = 50000 };
	char *data = malloc(N);
	char *in = path("in.bin"), *out_path = path("out.bin"), *empty_in = path("empty.bin");
	char *missing = path("missing.bin"), *server_out = path("server-out.bin");
	char *sql;
	Oid oid, oid_empty;

	/* several LO_BUFSIZE chunks and a partial one, every byte value */
	for (int i = 0; i < N; i++)
		data[i] = (char) (i * 7 + i / 256);
	write_file(in, data, N);
	write_file(empty_in, "", 0);

	out("\n--- client-side files\n");
	run(c, "begin");
	oid = lo_import(c, in);
	show_oid(c, "lo_import({TMP}/in.bin)", oid);
	show_int(c, "lo_export(oid, {TMP}/out.bin)", lo_export(c, oid, out_path));
	compare_file("{TMP}/out.bin vs in.bin", out_path, data, N);
	show_chosen_oid(c, "lo_import_with_oid({TMP}/in.bin, 3999000001)", lo_import_with_oid(c, in, OID_A));
	show_int(c, "lo_export(3999000001, {TMP}/out.bin)", lo_export(c, OID_A, out_path));
	compare_file("{TMP}/out.bin vs in.bin", out_path, data, N);
	oid_empty = lo_import(c, empty_in);
	show_oid(c, "lo_import({TMP}/empty.bin)", oid_empty);
	show_int(c, "lo_export(empty, {TMP}/out.bin)", lo_export(c, oid_empty, out_path));
	compare_file("{TMP}/out.bin vs empty.bin", out_path, "", 0);
	run(c, "commit");

	run(c, "begin");
	show_chosen_oid(c, "lo_import_with_oid({TMP}/in.bin, 3999000001) again", lo_import_with_oid(c, in, OID_A));
	run(c, "rollback");
	run(c, "begin");
	show_oid(c, "lo_import({TMP}/missing.bin)", lo_import(c, missing));
	show_oid(c, "lo_import(NULL)", lo_import(c, NULL));
	show_chosen_oid(c, "lo_import_with_oid(NULL, 3999000002)", lo_import_with_oid(c, NULL, OID_B));
	show_oid(c, "lo_import({TMP}) (a directory)", lo_import(c, g_tmp));
	show_int(c, "lo_export(oid, /nonexistent/libpqrs/out.bin)", lo_export(c, oid, "/nonexistent/libpqrs/out.bin"));
	show_int(c, "lo_export(oid, {TMP}) (a directory)", lo_export(c, oid, g_tmp));
	show_int(c, "lo_export(oid, NULL)", lo_export(c, oid, NULL));
	show_int(c, "lo_export(oid, /dev/full)", lo_export(c, oid, "/dev/full"));
	show_int(c, "lo_export(empty, /dev/full)", lo_export(c, oid_empty, "/dev/full"));
	show_int(c, "lo_export(4294967295, {TMP}/out.bin)", lo_export(c, OID_MISSING, out_path));
	show_int(c, "lo_export(4294967295, NULL)", lo_export(c, OID_MISSING, NULL));
	run(c, "rollback");

	out("\n--- outside a transaction the descriptors do not survive\n");
	unlink(out_path);
	show_int(c, "lo_export(oid, {TMP}/out.bin)", lo_export(c, oid, out_path));
	compare_file("{TMP}/out.bin (created before the failure)", out_path, "", 0);
	show_oid(c, "lo_import({TMP}/in.bin)", lo_import(c, in));

	out("\n--- server-side files (the SQL functions)\n");
	if (asprintf(&sql, "select lo_import('%s') <> 0", in) < 0)
		abort();
	run(c, sql);
	free(sql);
	if (asprintf(&sql, "select lo_export(%u, '%s')", oid, server_out) < 0)
		abort();
	run(c, sql);
	free(sql);
	compare_file("{TMP}/server-out.bin vs in.bin", server_out, data, N);
	if (asprintf(&sql, "select lo_import('%s')", missing) < 0)
		abort();
	run(c, sql);
	free(sql);
	if (asprintf(&sql, "select lo_export(%u, '%s')", OID_MISSING, server_out) < 0)
		abort();
	run(c, sql);
	free(sql);
	if (asprintf(&sql, "select lo_export(%u, '/nonexistent/libpqrs/out.bin')", oid) < 0)
		abort();
	run(c, sql);
	free(sql);

	show_int(c, "lo_unlink(oid)", lo_unlink(c, oid));
	show_int(c, "lo_unlink(3999000001)", lo_unlink(c, OID_A));
	show_int(c, "lo_unlink(empty)", lo_unlink(c, oid_empty));

	unlink(in);
	unlink(out_path);
	unlink(empty_in);
	unlink(server_out);
	free(data);
	free(in);
	free(out_path);
	free(empty_in);
	free(missing);
	free(server_out);
}

static void sec_lobj(void)
{
	PGconn *su = connect_checked(g_trust, "lobj_setup"), *c;

	section("lobj");
	cleanup(su);
	quiet(su, "create role " ROLE " login");
	quiet(su, "grant pg_read_server_files, pg_write_server_files to " ROLE);
	quiet(su, "grant execute on function lo_import(text), lo_import(text, oid), lo_export(oid, text) to " ROLE);

	lobj_null_and_dead();
	c = connect_checked(ROLE, "lobj");
	lobj_read_write(c);
	lobj_bad_input(c);
	lobj_states(c);
	lobj_files(c);
	PQfinish(c);

	cleanup(su);
	PQfinish(su);
}

/* ---------------------------------------------------------------- fastpath */

static PQArgBlock arg_int(int v, int len)
{
	PQArgBlock a;

	a.len = len;
	a.isint = 1;
	a.u.integer = v;
	return a;
}

static PQArgBlock arg_bytes(const void *p, int len)
{
	PQArgBlock a;

	a.len = len;
	a.isint = 0;
	a.u.ptr = (int *) p;
	return a;
}

static PQArgBlock arg_null(void)
{
	PQArgBlock a;

	a.len = -1;
	a.isint = 0;
	a.u.ptr = NULL;
	return a;
}

/* PQfn with a result buffer of `cap` bytes filled with 0x5a */
static void call(PGconn *c, const char *title, int fnid, int is_int, const PQArgBlock *args, int nargs,
				 size_t cap)
{
	char *buf = malloc(cap + 16);
	int len = -7;
	PGresult *r;

	memset(buf, 0x5a, cap + 16);
	out("\n--- PQfn(%s)\n", title);
	r = PQfn(c, fnid, (int *) buf, &len, is_int, args, nargs);
	dump_result(r);
	out("  *result_len: %d\n", len);
	if (is_int)
	{
		int v;

		memcpy(&v, buf, sizeof v);
		out("  *result_buf (int): %d%s\n", v, v == 0x5a5a5a5a ? " (untouched)" : "");
	}
	else
	{
		int shown = len > 0 ? (len < 80 ? len : 80) : 0;
		int touched = 0;

		bytes("  result_buf", buf, shown);
		for (size_t i = len > 0 ? (size_t) len : 0; i < cap + 16; i++)
			touched |= buf[i] != 0x5a;
		out("  buffer beyond the value untouched: %s\n", touched ? "NO" : "yes");
	}
	state(c);
	PQclear(r);
	free(buf);
}

static int fn_oid(PGconn *c, const char *signature)
{
	char *sql, *v;
	int oid;

	if (asprintf(&sql, "select '%s'::regprocedure::oid", signature) < 0)
		abort();
	v = value_of(c, sql);
	oid = atoi(v);
	free(v);
	free(sql);
	return oid;
}

static void sec_fastpath(void)
{
	PGconn *c = connect_checked(g_trust, "fastpath"), *dead = connect_dead();
	int int4pl = fn_oid(c, "int4pl(int4,int4)"), int2pl = fn_oid(c, "int2pl(int2,int2)");
	int textcat = fn_oid(c, "textcat(text,text)"), repeat = fn_oid(c, "repeat(text,int4)");
	int int8pl = fn_oid(c, "int8pl(int8,int8)"), set_config = fn_oid(c, "set_config(text,text,bool)");
	int pg_notify = fn_oid(c, "pg_notify(text,text)"), notice_fn, error_fn;
	PQArgBlock a[4];
	int len = -7, v = 0;
	PGnotify *n;

	section("fastpath");
	quiet(c, "create function pg_temp.fp_notice(int) returns int language plpgsql as "
			 "$$begin raise notice 'fastpath notice %', $1; return $1 * 2; end$$");
	quiet(c, "create function pg_temp.fp_error(int) returns int language plpgsql as "
			 "$$begin raise exception 'fastpath error %', $1 using detail = 'some detail', "
			 "hint = 'some hint'; end$$");
	{
		/* the session's temporary schema (pg_temp_N) varies */
		char *temp = value_of(c, "select nspname from pg_namespace where oid = pg_my_temp_schema()");

		add_mask(temp, "{PG_TEMP}", 0);
		free(temp);
	}
	notice_fn = fn_oid(c, "pg_temp.fp_notice(int)");
	error_fn = fn_oid(c, "pg_temp.fp_error(int)");

	a[0] = arg_int(40, 4);
	a[1] = arg_int(2, 4);
	call(c, "int4pl(40, 2), integer result", int4pl, 1, a, 2, 4);
	call(c, "int4pl(40, 2), as bytes", int4pl, 0, a, 2, 4);
	a[0] = arg_int(-5, 2);
	a[1] = arg_int(2, 2);
	call(c, "int2pl(-5, 2): a 2-byte result is read unsigned", int2pl, 1, a, 2, 4);
	call(c, "int2pl(-5, 2), as bytes", int2pl, 0, a, 2, 4);
	a[0] = arg_bytes("libpq", 5);
	a[1] = arg_bytes("-rs", 3);
	call(c, "textcat('libpq', '-rs')", textcat, 0, a, 2, 8);
	a[1] = arg_bytes("", 0);
	call(c, "textcat('libpq', '')", textcat, 0, a, 2, 8);
	a[0] = arg_bytes(NULL, 0);
	call(c, "textcat(NULL pointer with length 0, '')", textcat, 0, a, 2, 8);
	a[0] = arg_bytes("x", 1);
	a[1] = arg_int(100000, 4);
	call(c, "repeat('x', 100000)", repeat, 0, a, 2, 100000);
	{
		int64_t x = (int64_t) 0x0100000000000000LL, y = (int64_t) 0x0200000000000000LL; /* big-endian 1 and 2 */

		a[0] = arg_bytes(&x, 8);
		a[1] = arg_bytes(&y, 8);
		call(c, "int8pl(1, 2), 8 bytes", int8pl, 0, a, 2, 8);
	}

	out("\n--- NULL arguments and results\n");
	a[0] = arg_null();
	a[1] = arg_int(1, 4);
	call(c, "int4pl(NULL, 1): strict, the result is NULL", int4pl, 1, a, 2, 4);
	call(c, "int4pl(NULL, 1), as bytes", int4pl, 0, a, 2, 4);
	a[0] = arg_int(1, -1); /* an integer with length -1 is a NULL too */
	call(c, "int4pl(isint with len -1, 1)", int4pl, 1, a, 2, 4);

	out("\n--- failures\n");
	a[0] = arg_int(2000000000, 4);
	a[1] = arg_int(2000000000, 4);
	call(c, "int4pl(2000000000, 2000000000)", int4pl, 1, a, 2, 4);
	call(c, "int4pl with 1 argument", int4pl, 1, a, 1, 4);
	call(c, "int4pl with 0 arguments (args NULL)", int4pl, 1, NULL, 0, 4);
	call(c, "int4pl with -1 arguments (args NULL)", int4pl, 1, NULL, -1, 4);
	a[2] = arg_int(3, 4);
	call(c, "int4pl with 3 arguments", int4pl, 1, a, 3, 4);
	a[0] = arg_int(1, 2);
	a[1] = arg_int(2, 2);
	call(c, "int4pl(2-byte 1, 2-byte 2)", int4pl, 1, a, 2, 4);
	a[0] = arg_bytes("abc", 3);
	a[1] = arg_int(2, 4);
	call(c, "int4pl('abc', 2)", int4pl, 1, a, 2, 4);
	call(c, "unknown function 0", 0, 1, a, 2, 4);
	call(c, "unknown function 999999", 999999, 1, a, 2, 4);
	call(c, "function OID -1", -1, 1, a, 2, 4);
	for (int l = 0; l <= 8; l++)
	{
		char title[64];

		if (l == 2 || l == 4)
			continue;
		a[0] = arg_int(1, l);
		a[1] = arg_int(2, 4);
		snprintf(title, sizeof title, "an integer argument of %d bytes", l);
		call(c, title, int4pl, 1, a, 2, 4);
	}
	a[0] = arg_int(1, -2);
	call(c, "an integer argument of -2 bytes", int4pl, 1, a, 2, 4);
	a[0] = arg_int(1, INT_MIN);
	call(c, "an integer argument of INT_MIN bytes", int4pl, 1, a, 2, 4);

	out("\n--- notices, errors, notifications and parameter changes during a call\n");
	a[0] = arg_int(21, 4);
	call(c, "fp_notice(21)", notice_fn, 1, a, 1, 4);
	a[0] = arg_int(7, 4);
	call(c, "fp_error(7)", error_fn, 1, a, 1, 4);
	a[0] = arg_bytes("application_name", 16);
	a[1] = arg_bytes("fastpath_changed", 16);
	a[2] = arg_bytes("\0", 1);
	call(c, "set_config('application_name', 'fastpath_changed', false)", set_config, 0, a, 3, 64);
	str_ascii("PQparameterStatus(application_name)", PQparameterStatus(c, "application_name"));
	quiet(c, "listen fastpath_channel");
	a[0] = arg_bytes("fastpath_channel", 16);
	a[1] = arg_bytes("payload", 7);
	call(c, "pg_notify('fastpath_channel', 'payload')", pg_notify, 0, a, 2, 8);
	PQconsumeInput(c);
	while ((n = PQnotifies(c)) != NULL)
	{
		out("notification: channel \"%s\" payload \"%s\" from %s\n", n->relname, n->extra,
			n->be_pid == PQbackendPID(c) ? "this backend" : "another backend");
		PQfreemem(n);
	}

	out("\n--- connection states\n");
	run(c, "begin");
	a[0] = arg_int(1, 4);
	a[1] = arg_int(2, 4);
	call(c, "int4pl(1, 2) in a transaction", int4pl, 1, a, 2, 4);
	failing(c, "select 1/0");
	call(c, "int4pl(1, 2) in a failed transaction", int4pl, 1, a, 2, 4);
	run(c, "rollback");
	out("PQsendQuery: %d\n", PQsendQuery(c, "select 1"));
	call(c, "int4pl(1, 2) while a query runs", int4pl, 1, a, 2, 4);
	{
		PGresult *r;

		while ((r = PQgetResult(c)) != NULL)
			PQclear(r);
	}
	call(c, "int4pl(1, 2) afterwards", int4pl, 1, a, 2, 4);
	call(dead, "int4pl(1, 2) on a connection that failed", int4pl, 1, a, 2, 4);
	{
		PGresult *r = PQfn(NULL, int4pl, &v, &len, 1, a, 2);

		out("\n--- PQfn(NULL connection) = %s; *result_len %d\n", r ? "a result" : "NULL", len);
	}

	PQfinish(dead);
	PQfinish(c);
}

/* ---------------------------------------------------------------- password */

typedef PGresult *(*change_password_fn)(PGconn *, const char *, const char *);

/* the structure of a SCRAM verifier, without the random salt and keys */
static void scram_shape(const char *label, const char *v)
{
	int iter = 0, salt = 0, stored = 0, server = 0, n = 0;

	if (v == NULL)
	{
		out("%s: (null)\n", label);
		return;
	}
	if (sscanf(v, "SCRAM-SHA-256$%d:%*[A-Za-z0-9+/=]%n", &iter, &n) == 1 && n > 0)
	{
		const char *p = strchr(v, ':') + 1, *d = strchr(p, '$'), *k = d ? strchr(d, ':') : NULL;

		salt = d ? (int) (d - p) : -1;
		stored = k ? (int) (k - d - 1) : -1;
		server = k ? (int) strlen(k + 1) : -1;
		out("%s: SCRAM-SHA-256$%d:<salt: %d base64 chars>$<StoredKey: %d chars>:<ServerKey: %d chars> (%zu chars)\n",
			label, iter, salt, stored, server, strlen(v));
	}
	else
		str_ascii(label, v);
}

static void show_encrypted(PGconn *c, const char *call, char *v)
{
	if (v && strncmp(v, "SCRAM-SHA-256$", 14) == 0)
		scram_shape(call, v);
	else
		str_ascii(call, v);
	if (c)
		state(c);
	PQfreemem(v);
}

/* Logs in as DIFF_PASSWORD_USER (pg_hba "password": checked against the stored verifier). */
static void try_login(const char *password)
{
	PGconn *t = connect_as(g_pwuser, password, "password_check");

	out("  login as {PWUSER} with %s password: %s\n", strcmp(password, g_pw) == 0 ? "its" : "a wrong",
		PQstatus(t) == CONNECTION_OK ? "CONNECTION_OK" : "CONNECTION_BAD");
	PQfinish(t);
}

/* what pg_authid holds for a role, with a SCRAM salt masked */
static void stored(PGconn *su, const char *role)
{
	char *sql, *v;

	if (asprintf(&sql, "select coalesce(rolpassword, '(null)') from pg_authid where rolname = '%s'", role) < 0)
		abort();
	v = value_of(su, sql);
	show_encrypted(NULL, "  stored verifier", v);
	free(sql);
}

static void sec_password(void)
{
	PGconn *c = connect_checked(g_trust, "password"), *dead = connect_dead();
	/* new in 17; DIFF_SKIP_POST15 leaves it out (for comparing with libpq 15) */
	change_password_fn change = (change_password_fn) opt_sym("PQchangePassword");
	char *v;

	section("password");
	/* a user name in the output would be the caller's; show it symbolically */
	out("\n--- PQencryptPassword (md5 of password and user)\n");
	show_encrypted(NULL, "PQencryptPassword(\"secret\", \"alice\")", PQencryptPassword("secret", "alice"));
	show_encrypted(NULL, "PQencryptPassword(\"\", \"\")", PQencryptPassword("", ""));
	show_encrypted(NULL, "PQencryptPassword(\"p\\xc3\\xa4ss\", \"\\\"quoted\\\" user\")",
				   PQencryptPassword("p\xc3\xa4ss", "\"quoted\" user"));

	out("\n--- PQencryptPasswordConn\n");
	show_encrypted(NULL, "PQencryptPasswordConn(NULL, \"pw\", \"u\", \"md5\")",
				   PQencryptPasswordConn(NULL, "pw", "u", "md5"));
	show_encrypted(c, "(c, \"secret\", \"alice\", \"md5\")", PQencryptPasswordConn(c, "secret", "alice", "md5"));
	show_encrypted(c, "(c, \"secret\", \"alice\", \"on\")", PQencryptPasswordConn(c, "secret", "alice", "on"));
	show_encrypted(c, "(c, \"secret\", \"alice\", \"off\")", PQencryptPasswordConn(c, "secret", "alice", "off"));
	show_encrypted(c, "(c, \"secret\", \"alice\", \"scram-sha-256\")",
				   PQencryptPasswordConn(c, "secret", "alice", "scram-sha-256"));
	show_encrypted(c, "(c, \"secret\", NULL, \"scram-sha-256\")",
				   PQencryptPasswordConn(c, "secret", NULL, "scram-sha-256"));
	show_encrypted(c, "(c, \"\", \"alice\", \"scram-sha-256\")", PQencryptPasswordConn(c, "", "alice", "scram-sha-256"));
	show_encrypted(c, "(c, \"p\\xc3\\xa4ss\\xe2\\x85\\xa8\", \"alice\", \"scram-sha-256\")",
				   PQencryptPasswordConn(c, "p\xc3\xa4ss\xe2\x85\xa8", "alice", "scram-sha-256"));
	show_encrypted(c, "(c, \"secret\", \"alice\", \"SCRAM-SHA-256\")",
				   PQencryptPasswordConn(c, "secret", "alice", "SCRAM-SHA-256"));
	show_encrypted(c, "(c, \"secret\", \"alice\", \"bogus\")", PQencryptPasswordConn(c, "secret", "alice", "bogus"));
	show_encrypted(c, "(c, NULL, NULL, \"bogus\")", PQencryptPasswordConn(c, NULL, NULL, "bogus"));
	show_encrypted(c, "(c, \"secret\", \"alice\", \"\")", PQencryptPasswordConn(c, "secret", "alice", ""));
	show_encrypted(c, "(c, \"secret\", \"alice\", NULL): the server's password_encryption",
				   PQencryptPasswordConn(c, "secret", "alice", NULL));
	run(c, "set password_encryption = 'md5'");
	show_encrypted(c, "(c, \"secret\", \"alice\", NULL)", PQencryptPasswordConn(c, "secret", "alice", NULL));
	run(c, "reset password_encryption");
	run(c, "set scram_iterations = 5000");
	show_encrypted(c, "(c, \"secret\", \"alice\", \"scram-sha-256\")",
				   PQencryptPasswordConn(c, "secret", "alice", "scram-sha-256"));
	run(c, "reset scram_iterations");
	run(c, "begin");
	failing(c, "select 1/0");
	show_encrypted(c, "(c, \"secret\", \"alice\", NULL) in a failed transaction",
				   PQencryptPasswordConn(c, "secret", "alice", NULL));
	show_encrypted(c, "(c, \"secret\", \"alice\", \"md5\") in a failed transaction",
				   PQencryptPasswordConn(c, "secret", "alice", "md5"));
	run(c, "rollback");
	out("PQsendQuery: %d\n", PQsendQuery(c, "select 1"));
	show_encrypted(c, "(c, \"secret\", \"alice\", NULL) while a query runs",
				   PQencryptPasswordConn(c, "secret", "alice", NULL));
	show_encrypted(dead, "(dead, \"secret\", \"alice\", NULL)", PQencryptPasswordConn(dead, "secret", "alice", NULL));
	show_encrypted(dead, "(dead, \"secret\", \"alice\", \"md5\")", PQencryptPasswordConn(dead, "secret", "alice", "md5"));

	out("\n--- verifiers that let {PWUSER} log in (its password stays the same)\n");
	{
		char *sql, *lit;

		v = PQencryptPasswordConn(c, g_pw, g_pwuser, "md5");
		lit = PQescapeLiteral(c, v, strlen(v));
		if (asprintf(&sql, "alter role %s password %s", g_pwuser, lit) < 0)
			abort();
		quiet(c, sql);
		out("PQencryptPasswordConn(md5) set with ALTER ROLE\n");
		try_login(g_pw);
		try_login("wrong");
		PQfreemem(v);
		PQfreemem(lit);
		free(sql);
		v = PQencryptPasswordConn(c, g_pw, g_pwuser, "scram-sha-256");
		lit = PQescapeLiteral(c, v, strlen(v));
		if (asprintf(&sql, "alter role %s password %s", g_pwuser, lit) < 0)
			abort();
		quiet(c, sql);
		out("PQencryptPasswordConn(scram-sha-256) set with ALTER ROLE\n");
		try_login(g_pw);
		try_login("wrong");
		PQfreemem(v);
		PQfreemem(lit);
		free(sql);
	}

	out("\n--- PQchangePassword\n");
	if (!change)
		out("PQchangePassword: (not exported)\n");
	else
	{
		PGresult *r;

		quiet(c, "set client_min_messages = warning; drop role if exists " PW_ROLE_SQL "; reset client_min_messages");
		quiet(c, "create role " PW_ROLE_SQL " login");
		out("\n--- PQchangePassword(NULL, ...)\n");
		dump_result(change(NULL, PW_ROLE, "x"));

		out("\n--- PQchangePassword(c, '" PW_ROLE "', \"new-pw\") (server: scram-sha-256)\n");
		r = change(c, PW_ROLE, "new-pw");
		dump_result(r);
		state(c);
		PQclear(r);
		stored(c, PW_ROLE);

		run(c, "set password_encryption = 'md5'");
		out("\n--- PQchangePassword(c, '" PW_ROLE "', \"new-pw\") (session: md5)\n");
		r = change(c, PW_ROLE, "new-pw");
		dump_result(r);
		state(c);
		PQclear(r);
		stored(c, PW_ROLE);
		v = PQencryptPassword("new-pw", PW_ROLE);
		str_ascii("  PQencryptPassword(\"new-pw\", user)", v);
		PQfreemem(v);

		out("\n--- PQchangePassword(c, {PWUSER}, its password) (session: md5), then logging in\n");
		r = change(c, g_pwuser, g_pw);
		dump_result(r);
		PQclear(r);
		try_login(g_pw);
		try_login("wrong");
		run(c, "reset password_encryption");
		out("\n--- PQchangePassword(c, {PWUSER}, its password) (server: scram-sha-256), then logging in\n");
		r = change(c, g_pwuser, g_pw);
		dump_result(r);
		PQclear(r);
		try_login(g_pw);
		try_login("wrong");
		stored(c, g_pwuser);

		out("\n--- PQchangePassword of a role that does not exist\n");
		r = change(c, "libpqrs_no_such_role", "x");
		dump_result(r);
		state(c);
		PQclear(r);

		out("\n--- PQchangePassword in a failed transaction\n");
		run(c, "begin");
		failing(c, "select 1/0");
		r = change(c, PW_ROLE, "x");
		dump_result(r);
		state(c);
		PQclear(r);
		run(c, "rollback");

		out("\n--- PQchangePassword on a connection that failed\n");
		r = change(dead, PW_ROLE, "x");
		dump_result(r);
		state(dead);
		PQclear(r);

		quiet(c, "drop role " PW_ROLE_SQL);
	}
	PQfinish(dead);
	PQfinish(c);
}

/* ---------------------------------------------------------------- fake */

/*
 * Against tests/integration/fake_server.rs: each connection's
 * application_name tells the fake server how to answer. Its large-object
 * functions have OIDs 1001..1013, PQfn's test function 2000.
 */
static PGconn *connect_fake(const char *scenario)
{
	char *ci;
	PGconn *c;

	if (asprintf(&ci, "host=127.0.0.1 port=%s user=fake dbname=fake sslmode=disable gssencmode=disable "
				 "application_name=%s", need_env("DIFF_FAKE_PORT", NULL), scenario) < 0)
		abort();
	c = PQconnectdb(ci);
	free(ci);
	PQsetNoticeProcessor(c, notice_processor, NULL);
	if (PQstatus(c) != CONNECTION_OK)
	{
		out("fake connection %s failed\n", scenario);
		str_ascii("PQerrorMessage", PQerrorMessage(c));
	}
	return c;
}

static void after(PGconn *c)
{
	for (int i = 0; i < 3; i++)
		run(c, "select 1");
}

static void sec_fake(void)
{
	PGconn *c;
	PQArgBlock a[1];

	section("fake");
	out("\n--- lo_read(fd, buf, 16): the server sends 116 bytes\n");
	c = connect_fake("read_overrun");
	show_read(c, "lo_read(0, buf[16], 16)", 0, 16, 16);
	after(c);
	PQfinish(c);

	out("\n--- lo_read(fd, buf, 16): the server sends 16 bytes\n");
	c = connect_fake("read_exact");
	show_read(c, "lo_read(0, buf[16], 16)", 0, 16, 16);
	after(c);
	PQfinish(c);

	out("\n--- lo_tell64 and lo_lseek64: the server sends 16 bytes, then 4\n");
	c = connect_fake("int64_overrun");
	show_int64(c, "lo_tell64(0)", lo_tell64(c, 0));
	after(c);
	PQfinish(c);
	c = connect_fake("int64_short");
	show_int64(c, "lo_tell64(0)", lo_tell64(c, 0));
	show_int64(c, "lo_lseek64(0, 0, SEEK_SET)", lo_lseek64(c, 0, 0, SEEK_SET));
	after(c);
	PQfinish(c);

	out("\n--- PQfn has no buffer size: 64 bytes into a 64-byte buffer\n");
	c = connect_fake("pqfn_64");
	a[0] = arg_int(1, 4);
	call(c, "raw(1)", 2000, 0, a, 1, 64);
	after(c);
	PQfinish(c);

	out("\n--- a 2-byte integer result 0xfffe\n");
	c = connect_fake("int2_result");
	call(c, "raw(1)", 2000, 1, a, 1, 4);
	PQfinish(c);

	out("\n--- a message that does not belong to a function call\n");
	c = connect_fake("protocol_error");
	call(c, "raw(1)", 2000, 1, a, 1, 4);
	after(c);
	PQfinish(c);

	out("\n--- ReadyForQuery without a value\n");
	c = connect_fake("no_result");
	call(c, "raw(1)", 2000, 1, a, 1, 4);
	after(c);
	PQfinish(c);

	out("\n--- the server closes the connection during the call\n");
	c = connect_fake("close");
	call(c, "raw(1)", 2000, 1, a, 1, 4);
	after(c);
	PQfinish(c);
}

/* ---------------------------------------------------------------- main */

static const struct program_section sections[] = {
	{"lobj", sec_lobj, 1},
	{"fastpath", sec_fastpath, 1},
	{"password", sec_password, 1},
	{"fake", sec_fake, 0},
};

int main(int argc, char **argv)
{
	start_program(0);
	if (!(argc == 2 && strcmp(argv[1], "fake") == 0))
	{
		g_port = need_env("DIFF_PORT", NULL);
		g_sockdir = need_env("DIFF_SOCKDIR", NULL);
		g_db = need_env("DIFF_DB", "postgres");
		g_trust = need_env("DIFF_TRUST_USER", NULL);
		g_pwuser = need_env("DIFF_PASSWORD_USER", NULL);
		g_pw = need_env("DIFF_PASSWORD_PW", NULL);
		strcpy(g_tmp, "/tmp/libpqrs-lobj-XXXXXX");
		if (!mkdtemp(g_tmp) || chmod(g_tmp, 0777) != 0)
		{
			perror("lobj: temporary directory");
			return 2;
		}
		/* {TMP} first: its name may hold the port's digits */
		add_mask(g_tmp, "{TMP}", 0);
		add_mask(g_sockdir, "{SOCKDIR}", 0);
		add_mask(g_port, "{PORT}", 1);
	}
	check_sections(sections, N_OF(sections), argc, argv);
	run_sections(sections, N_OF(sections), argc, argv);
	if (g_tmp[0])
		rmdir(g_tmp);
	out("\n======== end ========\n");
	return 0;
}
