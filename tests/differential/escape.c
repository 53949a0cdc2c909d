/*
 * Differential test program for escaping and encodings: prints what
 * libpq's escape functions (PQescapeStringConn, PQescapeString,
 * PQescapeLiteral, PQescapeIdentifier, PQescapeByteaConn, PQescapeBytea,
 * PQunescapeBytea) and encoding helpers (pg_char_to_encoding,
 * pg_encoding_to_char, pg_valid_server_encoding, pg_valid_server_encoding_id,
 * pg_utf_mblen, PQmblen, PQmblenBounded, PQdsplen, PQenv2encoding) answer, so
 * that the output with the real libpq 18 and with libpq-rs can be compared
 * line by line (tests/integration/differential.rs).
 *
 * Compiled against the system libpq-fe.h (PostgreSQL 15 on Debian 12); every
 * function used here exists in 15, so nothing is looked up with dlsym.
 * pg_valid_server_encoding and pg_utf_mblen are exported but not declared
 * there, so they are declared below.
 *
 * Usage: escape [section...]   sections: escape encodings (default: both)
 *
 * Environment:
 *   DIFF_PORT        server port; printed as {PORT}
 *   DIFF_SOCKDIR     server Unix socket directory; printed as {SOCKDIR}
 *   DIFF_DB          database (default "postgres"), UTF8
 *   DIFF_TRUST_USER  a superuser authenticated by "trust": the "escape"
 *                    section creates the database libpqrs_escape_sqlascii
 *                    (SQL_ASCII, from template0) when missing, because only a
 *                    SQL_ASCII database accepts every client encoding
 *                    (MULE_INTERNAL has no conversion to UTF8)
 *   DIFF_ESCAPE_VERBOSE=1  print every swept case instead of one digest per
 *                    sweep (to find the case behind a digest that differs;
 *                    not used by the test)
 * Under valgrind (seen as its preload library in LD_PRELOAD) the sweeps run
 * only every 13th case, so the digests differ from a normal run; that run is
 * for memory errors and leaks, its output is not compared.
 * The program clears the PG* environment so that nothing depends on the
 * caller's.
 *
 * Sections:
 *   escape     the connection-less functions before any connection and after
 *              each change of the last reported client_encoding and
 *              standard_conforming_strings; then, for every encoding name,
 *              a connection to the SQL_ASCII database whose client_encoding
 *              is set with PQsetClientEncoding, with standard_conforming_strings
 *              on and off: every escape function on valid, invalid, truncated
 *              and NUL-holding input (whole, and cut one byte short), then
 *              sweeps over byte pairs and sampled 4-byte sequences (and, in
 *              UTF8, pairs inside and across the 32-byte chunks libpq
 *              validates at once), printed as digests of every output and
 *              error message; then bad arguments
 *              (NULL connections and buffers, zero and huge lengths, bytea
 *              sizes that overflow size_t), a failed connection, an escape
 *              while a command is in progress, and PQunescapeBytea.
 *   encodings  the name/id functions over every name, alias and odd
 *              spelling and over out-of-range ids; pg_utf_mblen, PQmblen,
 *              PQmblenBounded and PQdsplen over every lead byte (with several
 *              following bytes) for every encoding id, valid or not, and over
 *              byte pairs (digests); PQdsplen over every Unicode code point
 *              (as ranges of equal width); PQenv2encoding with many
 *              PGCLIENTENCODING values.
 *
 * Outputs are printed as hex bytes (with their length), error messages as
 * escaped text. Memory handed out by the library is freed (the program runs
 * under valgrind on libpq-rs).
 */
#define PROGRAM "escape"
#include "common.h"

/* exported by libpq (both 15 and 18), not declared in libpq-fe.h */
extern int pg_valid_server_encoding(const char *name);
extern int pg_utf_mblen(const unsigned char *s);

#define ASCII_DB "libpqrs_escape_sqlascii"

/* ---------------------------------------------------------------- setup */

static int g_verbose;
static int g_stride = 1;		/* sweeps run every g_stride-th case */
static unsigned long g_case;

/* Whether a swept case is left out (only under valgrind, see main). */
static int skip_case(void)
{
	return g_case++ % g_stride != 0;
}

/* ---------------------------------------------------------------- output */

/* A C string for printing: \\ \" \n \t and other bytes outside 0x20..0x7e as
 * \xHH. NULL gives "(null)" (unquoted). The result is malloc'd. */
static char *quoted(const char *s)
{
	char *b, *o;

	if (s == NULL)
		return strdup("(null)");
	b = malloc(4 * strlen(s) + 3);
	o = b;
	*o++ = '"';
	for (const unsigned char *p = (const unsigned char *) s; *p; p++)
	{
		if (*p == '\\' || *p == '"')
		{
			*o++ = '\\';
			*o++ = *p;
		}
		else if (*p == '\n')
		{
			*o++ = '\\';
			*o++ = 'n';
		}
		else if (*p == '\t')
		{
			*o++ = '\\';
			*o++ = 't';
		}
		else if (*p < 0x20 || *p > 0x7e)
			o += sprintf(o, "\\x%02x", *p);
		else
			*o++ = *p;
	}
	*o++ = '"';
	*o = 0;
	return b;
}

/* n bytes as lower-case hex pairs; malloc'd */
static char *hexed(const void *p, size_t n)
{
	char *b = malloc(2 * n + 1);

	for (size_t i = 0; i < n; i++)
		sprintf(b + 2 * i, "%02x", ((const unsigned char *) p)[i]);
	b[2 * n] = 0;
	return b;
}

static void print_errmsg(PGconn *c)
{
	char *q = quoted(PQerrorMessage(c));

	out("  PQerrorMessage: %s\n", q);
	free(q);
}

/* ---------------------------------------------------------------- digests */

/* FNV-1a over everything a sweep observed */
typedef struct
{
	uint64_t h;
	unsigned long calls;
	unsigned long failures;		/* error flag set / NULL returned */
} digest;

static void dg_bytes(digest *d, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
	{
		d->h ^= ((const unsigned char *) p)[i];
		d->h *= 1099511628211ULL;
	}
}

static void dg_u64(digest *d, uint64_t v)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char) (v >> (8 * i));
	dg_bytes(d, b, 8);
}

static void dg_str(digest *d, const char *s)
{
	if (s == NULL)
		dg_u64(d, UINT64_MAX);
	else
		dg_bytes(d, s, strlen(s) + 1);
}

static void dg_init(digest *d)
{
	g_case = 0;
	d->h = 14695981039346656037ULL;
	d->calls = 0;
	d->failures = 0;
}

static void dg_print(const char *what, const digest *d)
{
	out("  %s: %lu calls, %lu failed, digest %016llx\n", what, d->calls, d->failures,
		(unsigned long long) d->h);
}

/* ---------------------------------------------------------------- escape calls */

/*
 * PQescapeStringConn on `len` bytes of `in` (of which `avail` are readable,
 * the terminating NUL included). The output buffer has the documented
 * 2 * len + 1 bytes (len capped to what is readable) plus a guard area that
 * must stay untouched. Printed when d is NULL, else added to d.
 */
static void call_string(PGconn *c, const char *in, size_t len, size_t avail, digest *d)
{
	size_t cap = 2 * (len < avail ? len : avail) + 1;
	char *to = malloc(cap + 16);
	int err = 7;
	size_t n;
	int bad = 0;

	memset(to, 0x55, cap + 16);
	n = PQescapeStringConn(c, to, in, len, &err);
	if (n >= cap || to[n] != 0)
		bad = 1;
	for (size_t i = n + 1; !bad && i < cap + 16; i++)
		if ((unsigned char) to[i] != 0x55)
			bad = 1;
	if (d)
	{
		d->calls++;
		d->failures += err != 0;
		dg_u64(d, n);
		dg_u64(d, (uint64_t) err);
		dg_u64(d, (uint64_t) bad);
		dg_bytes(d, to, n < cap ? n : cap);
		dg_str(d, PQerrorMessage(c));
		if (!g_verbose)
		{
			free(to);
			return;
		}
	}
	{
		char *h = hexed(to, n < cap ? n : cap);
		char *q = quoted(PQerrorMessage(c));

		out("  PQescapeStringConn: %zu error=%d %s%s msg=%s\n", n, err, h,
			bad ? " (WROTE OUTSIDE n+1 BYTES)" : "", q);
		free(h);
		free(q);
	}
	free(to);
}

/* PQescapeLiteral or PQescapeIdentifier; printed or added to d. */
static void call_quoted(PGconn *c, const char *in, size_t len, int ident, digest *d)
{
	char *r = ident ? PQescapeIdentifier(c, in, len) : PQescapeLiteral(c, in, len);

	if (d)
	{
		d->calls++;
		d->failures += r == NULL;
		dg_str(d, r);
		dg_str(d, PQerrorMessage(c));
	}
	if (!d || g_verbose)
	{
		char *h = r ? hexed(r, strlen(r)) : strdup("NULL");
		char *q = quoted(PQerrorMessage(c));

		out("  %s: %s msg=%s\n", ident ? "PQescapeIdentifier" : "PQescapeLiteral", h, q);
		free(h);
		free(q);
	}
	PQfreemem(r);
}

/* PQescapeByteaConn (c != NULL) or PQescapeBytea (c == NULL); printed. */
static void call_bytea(PGconn *c, const unsigned char *in, size_t len)
{
	size_t tl = 12345;
	unsigned char *r = c ? PQescapeByteaConn(c, in, len, &tl) : PQescapeBytea(in, len, &tl);
	char *h = r ? hexed(r, strlen((char *) r)) : strdup("NULL");

	out("  %s: %s to_length=%zu", c ? "PQescapeByteaConn" : "PQescapeBytea", h, tl);
	if (r && tl != strlen((char *) r) + 1)
		out(" (to_length is not strlen + 1)");
	out("\n");
	if (c)
		print_errmsg(c);
	free(h);
	PQfreemem(r);
}

/* PQescapeString (connection-less); printed. */
static void call_string_static(const char *in, size_t len, size_t avail)
{
	size_t cap = 2 * (len < avail ? len : avail) + 1;
	char *to = malloc(cap);
	size_t n = PQescapeString(to, in, len);
	char *h = hexed(to, n < cap ? n : cap);

	out("  PQescapeString: %zu %s\n", n, h);
	free(h);
	free(to);
}

/* ---------------------------------------------------------------- inputs */

typedef struct
{
	const char *what;
	const char *s;
	size_t len;					/* bytes given, NUL included when it is part of the input */
} input;

#define IN(what, lit) {what, lit, sizeof(lit) - 1}

/* Valid in some encoding, invalid or truncated in others. */
static const input corpus[] = {
	IN("empty", ""),
	IN("plain", "plain text"),
	IN("quote", "it's"),
	IN("backslash", "back\\slash"),
	IN("both", "it's a \\ test"),
	IN("double quotes", "\"Dq\" \"\""),
	IN("embedded NUL", "ab'\0cd'"),
	IN("NUL first", "\0abc"),
	IN("control bytes", "\x01\t\n\x7f'"),
	IN("lone 0x80", "\x80'"),
	IN("lone 0x81", "\x81'"),
	IN("lone 0x8d", "\x8d'"),
	IN("0x8d space (invalid marker)", "\x8d 'x"),
	IN("lone 0x8e", "\x8e'"),
	IN("lone 0x8f", "\x8f'"),
	IN("lone 0xa1", "\xa1'"),
	IN("lone 0xc3", "\xc3'"),
	IN("lone 0xe2", "\xe2'"),
	IN("lone 0xf0", "\xf0'"),
	IN("lone 0xfe", "\xfe'"),
	IN("lone 0xff", "\xff'"),
	IN("high byte at end", "abc\xe9"),
	IN("invalid in the middle", "ab\xff" "cd'ef"),
	IN("UTF8 text", "h\xc3\xa9llo \xe2\x82\xac \xf0\x9d\x84\x9e '\\'"),
	IN("UTF8 truncated 3-byte", "\xe2\x82'; drop table x; --"),
	IN("UTF8 overlong slash", "\xc0\xaf'"),
	IN("UTF8 surrogate", "\xed\xa0\x80'"),
	IN("UTF8 above U+10FFFF", "\xf4\x90\x80\x80'"),
	IN("UTF8 valid then bad", "\xc3\xa9\xc3"),
	IN("SJIS 0x5c trail", "\x83\x5c'\\"),
	IN("SJIS kanji + kana", "\x93\xfa\x96\x7b\xb1'"),
	IN("SJIS 0x95 0x5c", "\x95\x5c\\'\x95\x5c"),
	IN("SJIS lead before quote", "\x83'"),
	IN("BIG5 0x5c trail", "\xa5\x5c'\\"),
	IN("BIG5 text", "\xa4\xa4\xa4\xe5"),
	IN("GBK text", "\xd6\xd0\xce\xc4'\\"),
	IN("GBK 0x5c trail", "\x81\x5c'"),
	IN("GB18030 4-byte", "\x81\x30\x81\x30'"),
	IN("GB18030 4-byte truncated", "\x81\x30\x81'"),
	IN("GB18030 2-byte + digit", "\x81\x30'"),
	IN("UHC text", "\xb0\xa1\x81\x41'"),
	IN("EUC_JP text", "\xa4\xa2\x8e\xb1\x8f\xa1\xa1'"),
	IN("EUC_JP SS3 truncated", "\x8f\xa1'"),
	IN("EUC_KR text", "\xb0\xa1\xc7\xd1'"),
	IN("EUC_CN text", "\xd6\xd0\xce\xc4'"),
	IN("EUC_TW 4-byte", "\x8e\xa1\xa1\xa1\xc4\xe3'"),
	IN("EUC_TW SS3", "\x8f\xa1\xa1'"),
	IN("JOHAB text", "\x88\x61\x84\x41\xd9\xa1'"),
	IN("MULE text", "\x81\xe9\x92\xa1\xa1\x9a\xa0\xa1'"),
	IN("MULE bad trail", "\x92\xa1'"),
	IN("LATIN1 text", "caf\xe9 '\\'"),
};

/* Encodings by name, in pg_enc order, plus some spellings that are not
 * official names. */
static const char *const encoding_names[] = {
	"SQL_ASCII", "EUC_JP", "EUC_CN", "EUC_KR", "EUC_TW", "EUC_JIS_2004", "UTF8",
	"MULE_INTERNAL", "LATIN1", "LATIN2", "LATIN3", "LATIN4", "LATIN5", "LATIN6",
	"LATIN7", "LATIN8", "LATIN9", "LATIN10", "WIN1256", "WIN1258", "WIN866",
	"WIN874", "KOI8R", "WIN1251", "WIN1252", "ISO_8859_5", "ISO_8859_6",
	"ISO_8859_7", "ISO_8859_8", "WIN1250", "WIN1253", "WIN1254", "WIN1255",
	"WIN1257", "KOI8U", "SJIS", "BIG5", "GBK", "UHC", "GB18030", "JOHAB",
	"SHIFT_JIS_2004",
};

#define N_ENCODINGS ((int) (sizeof encoding_names / sizeof encoding_names[0]))

/* ---------------------------------------------------------------- connections */

static PGconn *connect_to(const char *db, const char *extra)
{
	char ci[1024];
	PGconn *c;

	snprintf(ci, sizeof ci, "host=127.0.0.1 port=%s dbname=%s user=%s %s", g_port, db, g_trust,
			 extra ? extra : "");
	c = PQconnectdb(ci);
	if (PQstatus(c) != CONNECTION_OK)
	{
		char *q = quoted(PQerrorMessage(c));

		out("connection to %s failed: %s\n", db, q);
		free(q);
	}
	return c;
}

static void show_settings(PGconn *c)
{
	int enc = PQclientEncoding(c);
	char *a = quoted(PQparameterStatus(c, "client_encoding"));
	char *b = quoted(PQparameterStatus(c, "standard_conforming_strings"));

	out("  PQclientEncoding: %d (%s), client_encoding %s, standard_conforming_strings %s\n",
		enc, pg_encoding_to_char(enc), a, b);
	free(a);
	free(b);
}

static void exec_ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
	{
		char *q = quoted(PQresultErrorMessage(r));

		out("  %s: %s %s\n", sql, PQresStatus(PQresultStatus(r)), q);
		free(q);
	}
	PQclear(r);
}

/* ---------------------------------------------------------------- section escape */

/* The connection-less functions, which use the settings the last connection
 * reported. */
static void connless(const char *when)
{
	static const input ins[] = {
		IN("both", "it's a \\ test"),
		IN("SJIS 0x5c trail", "\x83\x5c'\\"),
		IN("UTF8 lead before quote", "\xc3'\\"),
		IN("LATIN1 text", "caf\xe9'"),
		IN("GB18030 4-byte", "\x81\x30\x81\x30'"),
		IN("GB18030 lead at end", "a\x81"),
	};

	out("\n-- connection-less functions %s\n", when);
	for (size_t i = 0; i < sizeof ins / sizeof ins[0]; i++)
	{
		out(" %s\n", ins[i].what);
		call_string_static(ins[i].s, ins[i].len, ins[i].len + 1);
	}
	call_bytea(NULL, (const unsigned char *) "a'\\\x01\xff\0z", 7);
}

static void escape_input(PGconn *c, const input *in, int std_on)
{
	size_t lens[2] = {in->len, in->len - 1};
	int nlens = in->len > 0 ? 2 : 1;

	for (int k = 0; k < nlens; k++)
	{
		out(" %s, %zu of %zu bytes\n", in->what, lens[k], in->len);
		call_string(c, in->s, lens[k], in->len + 1, NULL);
		if (std_on)
		{
			/* these do not depend on standard_conforming_strings */
			call_quoted(c, in->s, lens[k], 0, NULL);
			call_quoted(c, in->s, lens[k], 1, NULL);
		}
	}
}

/* Sample bytes for the 4-byte sweep. */
static const unsigned char sweep_leads[] = {
	0x80, 0x81, 0x8e, 0x8f, 0x90, 0x9a, 0x9c, 0xa1, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0xfe,
};
static const unsigned char sweep_tails[] = {
	0x00, 0x27, 0x30, 0x39, 0x40, 0x5c, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xa1, 0xbf, 0xfe,
};

static void sweeps(PGconn *c, int enc)
{
	digest ds, dl;

	/* every single byte, then a quote */
	dg_init(&ds);
	dg_init(&dl);
	for (int b = 1; b < 256; b++)
	{
		char in[3] = {(char) b, '\'', 0};

		if (skip_case())
			continue;
		if (g_verbose)
			out(" sweep %02x\n", b);
		call_string(c, in, 2, 3, &ds);
		call_string(c, in, 1, 3, &ds);
		call_quoted(c, in, 2, 0, &dl);
	}
	out(" sweep: every byte, then a quote (whole, and the byte alone)\n");
	dg_print("PQescapeStringConn", &ds);
	dg_print("PQescapeLiteral", &dl);

	/* SQL_ASCII and LATIN1 .. KOI8U: one byte per character */
	if (enc == 0 || (enc >= 8 && enc <= 34))
		return;

	/* every high byte followed by every byte, then a quote */
	dg_init(&ds);
	dg_init(&dl);
	for (int b1 = 0x80; b1 < 256; b1++)
		for (int b2 = 0; b2 < 256; b2++)
		{
			char in[4] = {(char) b1, (char) b2, '\'', 0};

			if (skip_case())
				continue;
			if (g_verbose)
				out(" sweep %02x %02x\n", b1, b2);
			call_string(c, in, 3, 4, &ds);
			call_string(c, in, 2, 4, &ds);
			call_quoted(c, in, 3, 0, &dl);
			call_quoted(c, in, 2, 0, &dl);
		}
	out(" sweep: every high byte, every second byte, then a quote (whole, and cut after 2)\n");
	dg_print("PQescapeStringConn", &ds);
	dg_print("PQescapeLiteral", &dl);

	/* SJIS, BIG5, GBK, UHC, SHIFT_JIS_2004: at most two bytes per character */
	if (enc >= 35 && enc != 39 && enc != 40)
		return;

	/* sampled 4-byte sequences, then a quote */
	dg_init(&ds);
	dg_init(&dl);
	for (size_t a = 0; a < sizeof sweep_leads; a++)
		for (size_t b = 0; b < sizeof sweep_tails; b++)
			for (size_t x = 0; x < sizeof sweep_tails; x++)
				for (size_t y = 0; y < sizeof sweep_tails; y++)
				{
					char in[6] = {(char) sweep_leads[a], (char) sweep_tails[b],
						(char) sweep_tails[x], (char) sweep_tails[y], '\'', 0};

					if (skip_case())
						continue;
					if (g_verbose)
					{
						char *h = hexed(in, 4);

						out(" sweep %s\n", h);
						free(h);
					}
					call_string(c, in, 5, 6, &ds);
					call_string(c, in, 3, 6, &ds);
					call_quoted(c, in, 5, 0, &dl);
					call_quoted(c, in, 3, 0, &dl);
				}
	out(" sweep: sampled 4-byte sequences, then a quote (whole, and cut after 3)\n");
	dg_print("PQescapeStringConn", &ds);
	dg_print("PQescapeLiteral", &dl);

	if (enc != 6)
		return;

	/*
	 * UTF8 only: libpq checks a literal's remainder from its first multibyte
	 * character with pg_utf8_verifystr, which takes a vectorized path over
	 * chunks of 32 bytes. Every byte pair inside the first chunk, and across
	 * its end.
	 */
	for (int at = 22; at <= 31; at += 9)
	{
		dg_init(&dl);
		for (int b1 = 0x80; b1 < 256; b1++)
			for (int b2 = 0; b2 < 256; b2++)
			{
				char in[64];

				if (skip_case())
					continue;
				memset(in, 'a', sizeof in);
				memcpy(in, "\xc3\xa9", 2);
				in[at] = (char) b1;
				in[at + 1] = (char) b2;
				in[50] = '\'';
				in[51] = 0;
				if (g_verbose)
					out(" sweep %02x %02x at %d\n", b1, b2, at);
				call_quoted(c, in, 51, 0, &dl);
			}
		out(" sweep: every high byte and every second byte at offset %d of 51 bytes after an e-acute\n", at);
		dg_print("PQescapeLiteral", &dl);
	}
}

static void per_encoding(void)
{
	out("\n-- every encoding, set with PQsetClientEncoding on a SQL_ASCII database\n");
	for (int e = 0; e < N_ENCODINGS; e++)
	{
		PGconn *c = connect_to(ASCII_DB, NULL);
		int r;

		if (PQstatus(c) != CONNECTION_OK)
		{
			PQfinish(c);
			continue;
		}
		r = PQsetClientEncoding(c, encoding_names[e]);
		out("\n---- PQsetClientEncoding(c, \"%s\"): %d\n", encoding_names[e], r);
		for (int std_on = 1; std_on >= 0; std_on--)
		{
			exec_ok(c, std_on ? "SET standard_conforming_strings = on"
					: "SET standard_conforming_strings = off");
			out("\n---- %s, standard_conforming_strings %s\n", encoding_names[e],
				std_on ? "on" : "off");
			show_settings(c);
			for (size_t i = 0; i < sizeof corpus / sizeof corpus[0]; i++)
				escape_input(c, &corpus[i], std_on);
			out(" bytea\n");
			call_bytea(c, (const unsigned char *) "a'\\\x01\xff\0z", 7);
			if (std_on)
				sweeps(c, PQclientEncoding(c));
			connless("now");
		}
		PQfinish(c);
	}
}

/* The connection-less functions follow the last connection's reports. */
static void connless_sequence(void)
{
	PGconn *a, *b, *bad;

	out("\n-- the settings the connection-less functions use, connection after connection\n");
	a = connect_to(g_db, NULL);
	out("connected to a UTF8 database\n");
	show_settings(a);
	connless("after that connection");
	exec_ok(a, "SET standard_conforming_strings = off");
	connless("after SET standard_conforming_strings = off");
	out("PQsetClientEncoding(a, \"SJIS\"): %d\n", PQsetClientEncoding(a, "SJIS"));
	connless("after PQsetClientEncoding(a, \"SJIS\")");

	b = connect_to(g_db, "client_encoding=LATIN1");
	out("second connection with client_encoding=LATIN1\n");
	show_settings(b);
	connless("after the second connection");
	PQfinish(b);
	connless("after PQfinish of the second connection");
	out("the first connection still escapes with its own settings:\n");
	show_settings(a);
	call_string(a, "\x83\x5c'\\", 4, 5, NULL);
	call_bytea(a, (const unsigned char *) "\\'", 2);

	bad = connect_to("libpqrs_no_such_database", "client_encoding=GBK");
	out("a connection that failed: %s\n", PQstatus(bad) == CONNECTION_OK ? "OK" : "BAD");
	connless("after a failed connection");
	PQfinish(bad);

	exec_ok(a, "RESET standard_conforming_strings");
	connless("after RESET standard_conforming_strings on the first connection");
	PQfinish(a);
	connless("after PQfinish of the first connection");
}

static const size_t huge_lengths[] = {
	(size_t) INT_MAX, (size_t) INT_MAX + 1, (size_t) UINT_MAX, (size_t) UINT_MAX + 1,
	(size_t) UINT_MAX + 2, SIZE_MAX / 2, SIZE_MAX / 2 + 1, SIZE_MAX - 1, SIZE_MAX,
};

/* Sizes whose escaped bytea (hex format) does not fit size_t, or only just
 * does: libpq must refuse or fail to allocate without reading the input. */
static const size_t bytea_lengths[] = {
	(size_t) 1 << 62, SIZE_MAX / 2 - 2, SIZE_MAX / 2 - 1, SIZE_MAX / 2,
	SIZE_MAX / 2 + 1, SIZE_MAX / 2 + 2, SIZE_MAX - 1, SIZE_MAX,
};

static void bad_arguments(void)
{
	PGconn *c;
	char to[16];
	int err;
	size_t n, tl;
	void *p;

	out("\n-- NULL connection\n");
	memset(to, 0x55, sizeof to);
	err = 7;
	n = PQescapeStringConn(NULL, to, "x'y", 3, &err);
	out("PQescapeStringConn(NULL, to, \"x'y\", 3, &err): %zu, to %02x %02x, err %d\n", n,
		(unsigned char) to[0], (unsigned char) to[1], err);
	memset(to, 0x55, sizeof to);
	n = PQescapeStringConn(NULL, to, "x'y", 3, NULL);
	out("PQescapeStringConn(NULL, to, \"x'y\", 3, NULL): %zu, to %02x %02x\n", n,
		(unsigned char) to[0], (unsigned char) to[1]);
	p = PQescapeLiteral(NULL, "x", 1);
	out("PQescapeLiteral(NULL, \"x\", 1): %s\n", p ? "non-NULL" : "NULL");
	PQfreemem(p);
	p = PQescapeIdentifier(NULL, "x", 1);
	out("PQescapeIdentifier(NULL, \"x\", 1): %s\n", p ? "non-NULL" : "NULL");
	PQfreemem(p);
	tl = 12345;
	p = PQescapeByteaConn(NULL, (const unsigned char *) "x", 1, &tl);
	out("PQescapeByteaConn(NULL, \"x\", 1, &tl): %s, tl %zu\n", p ? "non-NULL" : "NULL", tl);
	PQfreemem(p);
	tl = 12345;
	p = PQunescapeBytea(NULL, &tl);
	out("PQunescapeBytea(NULL, &tl): %s, tl %zu\n", p ? "non-NULL" : "NULL", tl);
	PQfreemem(p);
	out("PQescapeBytea(NULL, 0, &tl):\n");
	call_bytea(NULL, NULL, 0);

	c = connect_to(g_db, "client_encoding=UTF8");
	show_settings(c);

	out("\n-- NULL error pointer\n");
	memset(to, 0x55, sizeof to);
	n = PQescapeStringConn(c, to, "\xff'", 2, NULL);
	{
		char *h = hexed(to, n);

		out("PQescapeStringConn(c, to, \"\\xff'\", 2, NULL): %zu %s\n", n, h);
		free(h);
	}
	print_errmsg(c);

	out("\n-- NULL input with length 0\n");
	call_bytea(c, NULL, 0);

	out("\n-- length 0 and lengths shorter than the string\n");
	{
		static const char s[] = "it's \\ \xc3\xa9\xe2\x82\xac \"x\"";

		for (size_t len = 0; len <= sizeof s - 1; len++)
		{
			out(" %zu of %zu bytes\n", len, sizeof s - 1);
			call_string(c, s, len, sizeof s, NULL);
			call_quoted(c, s, len, 0, NULL);
			call_quoted(c, s, len, 1, NULL);
			call_bytea(c, (const unsigned char *) s, len);
		}
	}

	out("\n-- huge lengths on short strings (read up to the NUL)\n");
	{
		static const input ins[] = {
			IN("valid", "it's \\ \xc3\xa9"),
			IN("incomplete at the end", "ab\xe2\x82"),
			IN("invalid in the middle", "a\xff'b"),
			IN("empty", ""),
		};

		for (size_t i = 0; i < sizeof ins / sizeof ins[0]; i++)
			for (size_t k = 0; k < sizeof huge_lengths / sizeof huge_lengths[0]; k++)
			{
				out(" %s, length %zu\n", ins[i].what, huge_lengths[k]);
				call_string(c, ins[i].s, huge_lengths[k], ins[i].len + 1, NULL);
				call_quoted(c, ins[i].s, huge_lengths[k], 0, NULL);
				call_quoted(c, ins[i].s, huge_lengths[k], 1, NULL);
			}
	}

	out("\n-- escaped bytea sizes near and past SIZE_MAX (hex format; the input is never read)\n");
	for (int std_on = 1; std_on >= 0; std_on--)
	{
		exec_ok(c, std_on ? "SET standard_conforming_strings = on"
				: "SET standard_conforming_strings = off");
		show_settings(c);
		for (size_t k = 0; k < sizeof bytea_lengths / sizeof bytea_lengths[0]; k++)
		{
			unsigned char *r;

			tl = 12345;
			r = PQescapeByteaConn(c, (const unsigned char *) "x", bytea_lengths[k], &tl);
			out("PQescapeByteaConn(c, \"x\", %zu, &tl): %s, tl %zu\n", bytea_lengths[k],
				r ? "non-NULL" : "NULL", tl);
			print_errmsg(c);
			PQfreemem(r);
		}
	}
	PQfinish(c);
}

static void failed_connection(void)
{
	static const char *const infos[] = {"bogus", NULL};
	PGconn *bad[2];

	out("\n-- connections that failed (SQL_ASCII, standard_conforming_strings off, no server version)\n");
	bad[0] = connect_to("libpqrs_no_such_database", "client_encoding=UTF8");
	bad[1] = PQconnectdb(infos[0]);
	for (int i = 0; i < 2; i++)
	{
		PGconn *c = bad[i];

		out("%s\n", i == 0 ? "unknown database" : "conninfo \"bogus\"");
		out("PQclientEncoding: %d\n", PQclientEncoding(c));
		print_errmsg(c);
		call_string(c, "it's \\ \xc3\xa9", 9, 10, NULL);
		call_quoted(c, "it's \\ \xc3\xa9", 9, 0, NULL);
		call_quoted(c, "it's \\ \xc3\xa9", 9, 1, NULL);
		call_bytea(c, (const unsigned char *) "a'\\\x01\xff", 5);
		PQfinish(c);
	}
}

static void in_progress(void)
{
	PGconn *c = connect_to(g_db, "client_encoding=UTF8");
	PGresult *r;

	out("\n-- errors accumulate while a command is in progress\n");
	call_quoted(c, "\xff", 1, 0, NULL);
	call_quoted(c, "\xff", 1, 0, NULL);
	out("PQsendQuery(c, \"SELECT 1/0\"): %d\n", PQsendQuery(c, "SELECT 1/0"));
	call_quoted(c, "\xff", 1, 0, NULL);
	call_string(c, "\xc3", 1, 2, NULL);
	call_quoted(c, "ok", 2, 1, NULL);
	while ((r = PQgetResult(c)) != NULL)
	{
		char *q = quoted(PQresultErrorMessage(r));

		out("PQgetResult: %s %s\n", PQresStatus(PQresultStatus(r)), q);
		free(q);
		PQclear(r);
	}
	print_errmsg(c);
	out("PQsendQuery(c, \"SELECT 1\"): %d\n", PQsendQuery(c, "SELECT 1"));
	call_string(c, "a\xe2\x82", 3, 4, NULL);
	while ((r = PQgetResult(c)) != NULL)
	{
		char *q = quoted(PQresultErrorMessage(r));

		out("PQgetResult: %s %s\n", PQresStatus(PQresultStatus(r)), q);
		free(q);
		PQclear(r);
	}
	print_errmsg(c);
	out("idle again:\n");
	call_string(c, "ok", 2, 3, NULL);
	PQfinish(c);
}

static void unescape(void)
{
	static const input ins[] = {
		IN("empty", ""),
		IN("hex, empty", "\\x"),
		IN("hex", "\\x00275C61"),
		IN("hex, upper-case X", "\\X41"),
		IN("hex, bad digits and spaces", "\\x0 0zz2"),
		IN("hex, odd digit count", "\\x012"),
		IN("hex, high bytes", "\\xg1\xff" "41"),
		IN("hex, one digit", "\\x4"),
		IN("hex, bad digit pairs", "\\x4g4 g4"),
		IN("escape", "\\000''\\\\a\\377"),
		IN("escape, unknown escapes", "a\\qb\\"),
		IN("escape, out-of-range octal", "\\400\\37\\3"),
		IN("escape, backslash x", "\\\\x41"),
		IN("escape, x later", "x\\x41"),
		IN("lone backslash", "\\"),
		IN("two backslashes", "\\\\"),
		IN("short octal", "\\0"),
		IN("short octal 2", "\\01"),
		IN("octal", "\\012"),
		IN("octal and digit", "\\0123"),
		IN("8 and 9", "\\8\\9\\18\\108"),
		IN("high bytes", "\xff\xfe"),
	};
	digest d;

	out("\n-- PQunescapeBytea\n");
	for (size_t i = 0; i < sizeof ins / sizeof ins[0]; i++)
	{
		size_t n = 12345;
		unsigned char *r = PQunescapeBytea((const unsigned char *) ins[i].s, &n);
		char *h = r ? hexed(r, n) : strdup("NULL");

		out(" %s: %s, %zu\n", ins[i].what, h, n);
		free(h);
		PQfreemem(r);
	}

	dg_init(&d);
	for (int b = 1; b < 256; b++)
		for (int k = 0; k < 4; k++)
		{
			char in[8];
			size_t n = 12345;
			unsigned char *r;

			if (k == 0)
				snprintf(in, sizeof in, "\\x%c1", b);
			else if (k == 1)
				snprintf(in, sizeof in, "\\x1%c", b);
			else if (k == 2)
				snprintf(in, sizeof in, "\\%o%c", b, b);
			else
				snprintf(in, sizeof in, "\\%c%c%c", b, b, b);
			r = PQunescapeBytea((const unsigned char *) in, &n);
			d.calls++;
			d.failures += r == NULL;
			dg_u64(&d, n);
			if (r)
				dg_bytes(&d, r, n);
			PQfreemem(r);
		}
	out(" every byte in hex and escape sequences:\n");
	dg_print("PQunescapeBytea", &d);
}

static void sec_escape(void)
{
	section("escape");
	connless("before any connection");

	/* the SQL_ASCII database every client encoding can be set on */
	{
		PGconn *c = connect_to(g_db, NULL);
		PGresult *r = PQexec(c, "SELECT 1 FROM pg_database WHERE datname = '" ASCII_DB "'");

		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 0)
			exec_ok(c, "CREATE DATABASE " ASCII_DB " TEMPLATE template0 ENCODING 'SQL_ASCII' "
					"LC_COLLATE 'C' LC_CTYPE 'C'");
		PQclear(r);
		PQfinish(c);
	}

	connless_sequence();
	per_encoding();
	bad_arguments();
	failed_connection();
	in_progress();
	unescape();
}

/* ---------------------------------------------------------------- section encodings */

static const int encoding_ids[] = {
	INT_MIN, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
	21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42,
	43, 100, INT_MAX,
};

#define N_IDS (sizeof encoding_ids / sizeof encoding_ids[0])

static const char *const odd_names[] = {
	/* aliases (pg_encname_tbl) */
	"abc", "alt", "big5", "euccn", "eucjis2004", "eucjp", "euckr", "euctw", "gb18030",
	"gbk", "iso88591", "iso885910", "iso885913", "iso885914", "iso885915", "iso885916",
	"iso88592", "iso88593", "iso88594", "iso88595", "iso88596", "iso88597", "iso88598",
	"iso88599", "johab", "koi8", "koi8r", "koi8u", "latin1", "latin10", "latin2", "latin3",
	"latin4", "latin5", "latin6", "latin7", "latin8", "latin9", "mskanji", "muleinternal",
	"shiftjis", "shiftjis2004", "sjis", "sqlascii", "tcvn", "tcvn5712", "uhc", "unicode",
	"utf8", "vscii", "win", "win1250", "win1251", "win1252", "win1253", "win1254",
	"win1255", "win1256", "win1257", "win1258", "win866", "win874", "win932", "win936",
	"win949", "win950", "windows1250", "windows1251", "windows1252", "windows1253",
	"windows1254", "windows1255", "windows1256", "windows1257", "windows1258",
	"windows866", "windows874", "windows932", "windows936", "windows949", "windows950",
	/* other spellings */
	"utf-8", "UTF-8", "Utf_8", " u t f 8 ", "UTF8\n", "utf8\xc3\xa9", "\xc3\xa9utf8",
	"ISO-8859-1", "iso_8859_15", "ISO8859-5", "8859-1", "Latin-1", "LATIN 9",
	"Windows-1252", "win-1251", "cp1252", "CP932", "Shift_JIS", "shift-jis-2004",
	"EUC-JIS-2004", "euc_jp", "SQL-ASCII", "SQL_ASCII ", "ascii", "UNICODE", "KOI8-R",
	"Mule-Internal", "MsKanji", "TCVN-5712", "windows-866", "big-5", "GB-18030", "gb_k",
	"Euc_Tw", "JOHAB", "Uhc", "", "-", "_", " ", "utf", "utf88", "utf8x", "xutf8", "koi",
	"latin", "latin11", "win12520", "a", "z", "zzz", "0", "1", "\x7f", "\xff",
	"u.t.f.8", "UTF8;", "%utf8%",
};

static char code(int v)
{
	if (v == -1)
		return '-';
	if (v >= 0 && v <= 9)
		return (char) ('0' + v);
	return '?';
}

static void names_and_ids(void)
{
	char buf[1100];

	out("\n-- pg_encoding_to_char and pg_valid_server_encoding_id\n");
	for (size_t i = 0; i < N_IDS; i++)
	{
		char *q = quoted(pg_encoding_to_char(encoding_ids[i]));

		out("%d: %s, pg_valid_server_encoding_id %d\n", encoding_ids[i], q,
			pg_valid_server_encoding_id(encoding_ids[i]));
		free(q);
	}

	out("\n-- pg_char_to_encoding and pg_valid_server_encoding\n");
	for (int e = 0; e < N_ENCODINGS; e++)
		out("\"%s\": %d, pg_valid_server_encoding %d\n", encoding_names[e],
			pg_char_to_encoding(encoding_names[e]), pg_valid_server_encoding(encoding_names[e]));
	for (size_t i = 0; i < sizeof odd_names / sizeof odd_names[0]; i++)
	{
		char *q = quoted(odd_names[i]);

		out("%s: %d, pg_valid_server_encoding %d\n", q, pg_char_to_encoding(odd_names[i]),
			pg_valid_server_encoding(odd_names[i]));
		free(q);
	}
	/* names near NAMEDATALEN (64): "utf8" padded with dashes */
	for (size_t len = 60; len <= 66; len++)
	{
		memset(buf, '-', len);
		memcpy(buf, "utf8", 4);
		buf[len] = 0;
		out("\"utf8\" + %zu dashes (%zu bytes): %d, pg_valid_server_encoding %d\n", len - 4, len,
			pg_char_to_encoding(buf), pg_valid_server_encoding(buf));
	}
	memset(buf, 'a', 1099);
	buf[1099] = 0;
	out("1099 letters: %d, pg_valid_server_encoding %d\n", pg_char_to_encoding(buf),
		pg_valid_server_encoding(buf));
	out("NULL: %d, pg_valid_server_encoding %d\n", pg_char_to_encoding(NULL),
		pg_valid_server_encoding(NULL));

	/* every name round-trips */
	for (int e = 0; e < N_ENCODINGS; e++)
		if (pg_char_to_encoding(pg_encoding_to_char(e)) != e)
			out("pg_char_to_encoding(pg_encoding_to_char(%d)) != %d\n", e, e);
}

static void per_character(void)
{
	static const struct
	{
		const char *what;
		unsigned char b[4];
	} follows[] = {
		{"alone", {0}},
		{"then 30", {0x30}},
		{"then a1 a1 a1", {0xa1, 0xa1, 0xa1}},
		{"then 30 81 30", {0x30, 0x81, 0x30}},
		{"then 80 80 80", {0x80, 0x80, 0x80}},
	};
	char row[257];

	out("\n-- pg_utf_mblen over every lead byte (then NULs)\n");
	for (int b = 0; b < 256; b++)
	{
		unsigned char s[8] = {(unsigned char) b};

		row[b] = code(pg_utf_mblen(s));
	}
	row[256] = 0;
	out("%s\n", row);

	out("\n-- PQmblen, PQmblenBounded, PQdsplen over every lead byte (column = byte 00..ff; - is -1)\n");
	for (size_t i = 0; i < N_IDS; i++)
	{
		int enc = encoding_ids[i];

		out("encoding %d (%s)\n", enc, pg_encoding_to_char(enc));
		for (size_t f = 0; f < sizeof follows / sizeof follows[0]; f++)
		{
			char rows[3][257];

			for (int b = 0; b < 256; b++)
			{
				/* NUL padded: libpq may look past a terminating NUL (PQdsplen in UTF8) */
				char s[12] = {(char) b};

				memcpy(s + 1, follows[f].b, 4);
				rows[0][b] = code(PQmblen(s, enc));
				rows[1][b] = code(PQmblenBounded(s, enc));
				rows[2][b] = code(PQdsplen(s, enc));
			}
			rows[0][256] = rows[1][256] = rows[2][256] = 0;
			out(" %s\n  PQmblen        %s\n  PQmblenBounded %s\n  PQdsplen       %s\n",
				follows[f].what, rows[0], rows[1], rows[2]);
		}
	}

	out("\n-- the same over every byte pair (then NULs), as digests\n");
	for (size_t i = 0; i < N_IDS; i++)
	{
		int enc = encoding_ids[i];
		digest d;

		dg_init(&d);
		for (int b1 = 0; b1 < 256; b1++)
			for (int b2 = 0; b2 < 256; b2++)
			{
				char s[8] = {(char) b1, (char) b2};

				if (skip_case())
					continue;
				d.calls++;
				dg_u64(&d, (uint64_t) PQmblen(s, enc));
				dg_u64(&d, (uint64_t) PQmblenBounded(s, enc));
				dg_u64(&d, (uint64_t) PQdsplen(s, enc));
			}
		out("encoding %d: digest %016llx\n", enc, (unsigned long long) d.h);
	}
}

/* UTF-8 bytes of a code point (any value below 2^21, surrogates included). */
static void utf8_encode(unsigned cp, char *s)
{
	memset(s, 0, 8);
	if (cp < 0x80)
		s[0] = (char) cp;
	else if (cp < 0x800)
	{
		s[0] = (char) (0xc0 | (cp >> 6));
		s[1] = (char) (0x80 | (cp & 0x3f));
	}
	else if (cp < 0x10000)
	{
		s[0] = (char) (0xe0 | (cp >> 12));
		s[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
		s[2] = (char) (0x80 | (cp & 0x3f));
	}
	else
	{
		s[0] = (char) (0xf0 | (cp >> 18));
		s[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
		s[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
		s[3] = (char) (0x80 | (cp & 0x3f));
	}
}

static void unicode_widths(void)
{
	unsigned start = 0;
	int width = 0;

	out("\n-- PQdsplen in UTF8 over every code point U+0000..U+1FFFFF (ranges of equal width)\n");
	for (unsigned cp = 0; cp <= 0x200000; cp++)
	{
		int w = 0;

		if (cp < 0x200000)
		{
			char s[8];

			utf8_encode(cp, s);
			w = PQdsplen(s, 6);
		}
		if (cp == 0)
			width = w;
		else if (cp == 0x200000 || w != width)
		{
			out("U+%04X..U+%04X %d\n", start, cp - 1, width);
			start = cp;
			width = w;
		}
	}
}

static void env2encoding(void)
{
	static const char *const values[] = {
		"", "UTF8", "utf-8", "LATIN1", "latin-1", "SJIS", "MULE_INTERNAL", "GB18030",
		"EUC_JIS_2004", "SHIFT_JIS_2004", "bogus", " ", "-", "unicode", "SQL_ASCII", "WIN1252",
		"auto", "Windows-932",
	};

	out("\n-- PQenv2encoding\n");
	unsetenv("PGCLIENTENCODING");
	out("unset: %d (%s)\n", PQenv2encoding(), pg_encoding_to_char(PQenv2encoding()));
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
	{
		setenv("PGCLIENTENCODING", values[i], 1);
		out("PGCLIENTENCODING=\"%s\": %d (%s)\n", values[i], PQenv2encoding(),
			pg_encoding_to_char(PQenv2encoding()));
	}
	for (int e = 0; e < N_ENCODINGS; e++)
	{
		setenv("PGCLIENTENCODING", encoding_names[e], 1);
		if (PQenv2encoding() != e)
			out("PGCLIENTENCODING=\"%s\": %d\n", encoding_names[e], PQenv2encoding());
	}
	{
		char buf[80];

		memset(buf, '-', sizeof buf - 1);
		memcpy(buf, "latin2", 6);
		buf[63] = 0;
		setenv("PGCLIENTENCODING", buf, 1);
		out("PGCLIENTENCODING=\"latin2\" + 57 dashes: %d\n", PQenv2encoding());
		buf[63] = '-';
		buf[64] = 0;
		setenv("PGCLIENTENCODING", buf, 1);
		out("PGCLIENTENCODING=\"latin2\" + 58 dashes: %d\n", PQenv2encoding());
	}
	unsetenv("PGCLIENTENCODING");
}

static void sec_encodings(void)
{
	section("encodings");
	names_and_ids();
	per_character();
	unicode_widths();
	env2encoding();
}

/* ================================================================ main */

static const struct program_section sections[] = {
	{"escape", sec_escape, 1},
	{"encodings", sec_encodings, 1},
};

int main(int argc, char **argv)
{
	start_program(0);
	read_server_env();
	g_verbose = getenv("DIFF_ESCAPE_VERBOSE") != NULL;
	/* under valgrind (its preload library): every 13th swept case */
	if (getenv("LD_PRELOAD") && strstr(getenv("LD_PRELOAD"), "vgpreload"))
		g_stride = 13;

	check_sections(sections, N_OF(sections), argc, argv);
	run_sections(sections, N_OF(sections), argc, argv);
	out("\n======== end ========\n");
	return 0;
}
