/*
 * Exercises libpq's PQExpBuffer functions (pqexpbuffer.h) and prints what it
 * sees, so that the output with the system libpq and with ours can be
 * compared line by line (tests/integration/expbuffer.rs). Pointers are never
 * printed; buffer sizes are, because programs rely on the growth rules.
 *
 * appendPQExpBufferVA is new in libpq 18 (the system libpq is 15): it is
 * looked up at run time and its lines start with "va:", which the comparison
 * leaves out, as it does "impl:" lines (where PostgreSQL's snprintf and the C
 * library's differ).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* pqexpbuffer.h uses PostgreSQL's c.h macro. */
#define pg_attribute_printf(f, a) __attribute__((format(printf, f, a)))
#include "pqexpbuffer.h"

static void
show(const char *what, PQExpBuffer b)
{
	if (b == NULL)
	{
		printf("%s: NULL\n", what);
		return;
	}
	printf("%s: len=%zu maxlen=%zu broken=%d strlen=%zu data=\"", what, b->len,
		   b->maxlen, PQExpBufferBroken(b) ? 1 : 0, strlen(b->data));
	/* long contents: the start, the end and a checksum */
	if (b->len > 80)
	{
		unsigned long sum = 0;

		for (size_t i = 0; i < b->len; i++)
			sum = sum * 31 + (unsigned char) b->data[i];
		printf("%.30s...%s\" sum=%lu\n", b->data, b->data + b->len - 30, sum);
	}
	else
		printf("%s\"\n", b->data);
}

static void
show_bytes(const char *what, PQExpBuffer b)
{
	printf("%s: len=%zu bytes=", what, b->len);
	for (size_t i = 0; i <= b->len; i++)	/* including the trailing NUL */
		printf("%02x", (unsigned char) b->data[i]);
	printf("\n");
}

typedef bool (*va_fn) (PQExpBuffer, const char *, va_list);

static va_fn append_va;
static int	va_calls;

/* appendPQExpBuffer, the way libpq 18's callers use appendPQExpBufferVA */
static void
my_append(PQExpBuffer b, const char *fmt,...) pg_attribute_printf(2, 3);

static void
my_append(PQExpBuffer b, const char *fmt,...)
{
	bool		done;
	va_list		args;

	va_calls = 0;
	do
	{
		va_start(args, fmt);
		done = append_va(b, fmt, args);
		va_end(args);
		va_calls++;
	} while (!done);
}

static void
test_va(void)
{
	PQExpBufferData b;
	char		expect[2000];
	char		big[1500];

	append_va = (va_fn) (uintptr_t) dlsym(RTLD_DEFAULT, "appendPQExpBufferVA");
	if (append_va == NULL)
	{
		printf("va: absent\n");
		return;
	}
	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';

	initPQExpBuffer(&b);
	my_append(&b, "%d-%s-%.2f", 42, "short", 2.5);
	printf("va: calls=%d len=%zu maxlen=%zu data=%s\n", va_calls, b.len, b.maxlen, b.data);

	my_append(&b, "[%s|%d]", big, -7);
	snprintf(expect, sizeof(expect), "42-short-2.50[%s|-7]", big);
	printf("va: calls=%d len=%zu maxlen=%zu same=%d\n", va_calls, b.len, b.maxlen,
		   strcmp(b.data, expect) == 0);

	/* nearly full: the first call enlarges without formatting */
	resetPQExpBuffer(&b);
	while (b.len < b.maxlen - 10)
		appendPQExpBufferChar(&b, 'f');
	my_append(&b, "%s", "x");
	printf("va: calls=%d len=%zu maxlen=%zu\n", va_calls, b.len, b.maxlen);

	termPQExpBuffer(&b);
	my_append(&b, "%s", "ignored");
	printf("va: broken calls=%d len=%zu maxlen=%zu data=\"%s\"\n", va_calls, b.len,
		   b.maxlen, b.data);
}

int
main(void)
{
	PQExpBufferData b;
	PQExpBuffer p;
	char		big[3000];
	char	   *taken;

	setvbuf(stdout, NULL, _IONBF, 0);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';

	/* a buffer on the stack, as psql and pg_dump keep them */
	memset(&b, 0xAB, sizeof(b));
	initPQExpBuffer(&b);
	show("init", &b);
	appendPQExpBufferStr(&b, "hello");
	appendPQExpBufferChar(&b, ',');
	appendPQExpBufferChar(&b, ' ');
	appendPQExpBufferStr(&b, "");
	appendPQExpBufferStr(&b, "world");
	show("str+char", &b);

	appendPQExpBuffer(&b, " %s/%d/%.*s/%5d/%-6s|%x/%lu/%%/%c/%ld", "fmt", -12, 3, "abcdef",
					  77, "ab", 255u, (unsigned long) ULONG_MAX, 'Q', (long) LONG_MIN);
	show("append fmt", &b);
	/* doubles travel in vector registers (x86-64 passes their count in %al) */
	appendPQExpBuffer(&b, " %.3f %g %e %s %.1f %d %.2f %.2f %.2f %.2f %.2f %.2f %s", 3.14159,
					  1e300, -0.5, "mid", 0.25, 9, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, "end");
	show("append doubles", &b);
	/* more than fits in registers: the rest on the stack */
	appendPQExpBuffer(&b, " %d %d %d %d %d %d %d %d %s", 1, 2, 3, 4, 5, 6, 7, 8, "stack");
	show("append many", &b);

	printfPQExpBuffer(&b, "printf %s %d", "replaces", 1);
	show("printf", &b);
	printfPQExpBuffer(&b, "%s", "");
	show("printf empty", &b);

	/* growth: 256 -> 512 -> ... as needed */
	for (int i = 0; i < 10; i++)
	{
		appendPQExpBufferStr(&b, "0123456789012345678901234567890123456789");
		printf("grow %d: len=%zu maxlen=%zu\n", i, b.len, b.maxlen);
	}
	appendPQExpBufferStr(&b, big);
	show("long str", &b);
	printfPQExpBuffer(&b, "<%s>%0*d<%.*s>", big, 40, 5, 1000, big);
	show("long printf", &b);
	resetPQExpBuffer(&b);
	show("reset keeps memory", &b);
	appendPQExpBuffer(&b, "%s", big);
	show("long append", &b);

	/* the slack rule: with <= 16 bytes free, enlarge before formatting */
	resetPQExpBuffer(&b);
	termPQExpBuffer(&b);
	initPQExpBuffer(&b);
	while (b.len < b.maxlen - 17)
		appendPQExpBufferChar(&b, 's');
	appendPQExpBuffer(&b, "%s", "y");
	printf("slack 17: len=%zu maxlen=%zu\n", b.len, b.maxlen);
	appendPQExpBuffer(&b, "%s", "z");
	printf("slack 16: len=%zu maxlen=%zu\n", b.len, b.maxlen);
	while (b.len < b.maxlen - 1)
		appendPQExpBufferChar(&b, 'c');
	printf("full: len=%zu maxlen=%zu\n", b.len, b.maxlen);
	appendPQExpBufferChar(&b, '!');
	printf("char past full: len=%zu maxlen=%zu last=%c\n", b.len, b.maxlen,
		   b.data[b.len - 1]);

	/* binary data with NULs */
	resetPQExpBuffer(&b);
	appendBinaryPQExpBuffer(&b, "a\0b\0\0c", 6);
	appendPQExpBufferChar(&b, '\0');
	appendBinaryPQExpBuffer(&b, "", 0);
	appendBinaryPQExpBuffer(&b, "\xff\x01", 2);
	show_bytes("binary", &b);
	appendPQExpBuffer(&b, "%c%s", 0, "after");
	show_bytes("binary fmt", &b);
	resetPQExpBuffer(&b);
	for (int i = 0; i < 600; i++)
		appendBinaryPQExpBuffer(&b, "\0\1\2", 3);
	printf("binary long: len=%zu maxlen=%zu byte[1799]=%d nul=%d\n", b.len, b.maxlen,
		   b.data[1799], b.data[1800]);

	/* %m and errno */
	resetPQExpBuffer(&b);
	errno = ENOENT;
	appendPQExpBuffer(&b, "err: %m");
	printf("errno after=%d\n", errno);
	show("percent m", &b);
	errno = EACCES;
	appendPQExpBuffer(&b, " %s %m", big);
	show("percent m after enlarge", &b);

	/* enlargePQExpBuffer */
	resetPQExpBuffer(&b);
	appendPQExpBufferStr(&b, "abc");
	printf("enlarge 0: %d maxlen=%zu\n", enlargePQExpBuffer(&b, 0), b.maxlen);
	printf("enlarge 252: %d maxlen=%zu\n", enlargePQExpBuffer(&b, 252), b.maxlen);
	printf("enlarge 253: %d maxlen=%zu\n", enlargePQExpBuffer(&b, 253), b.maxlen);
	printf("enlarge 5000: %d maxlen=%zu\n", enlargePQExpBuffer(&b, 5000), b.maxlen);
	show("after enlarge", &b);
	printf("enlarge INT_MAX-len: %d\n", enlargePQExpBuffer(&b, (size_t) INT_MAX - b.len));
	show("broken", &b);
	printf("enlarge broken: %d\n", enlargePQExpBuffer(&b, 1));
	appendPQExpBufferStr(&b, "lost");
	appendPQExpBufferChar(&b, 'c');
	appendBinaryPQExpBuffer(&b, "bin", 3);
	appendPQExpBuffer(&b, "%s", "lost");
	show("append to broken", &b);
	resetPQExpBuffer(&b);
	show("reset repairs", &b);
	appendPQExpBufferStr(&b, "again");
	printf("enlarge SIZE_MAX: %d\n", enlargePQExpBuffer(&b, SIZE_MAX));
	show("broken again", &b);
	printfPQExpBuffer(&b, "printf %s", "repairs");
	show("printf on broken", &b);
	termPQExpBuffer(&b);
	show("term", &b);
	termPQExpBuffer(&b);
	show("term twice", &b);
	appendPQExpBufferStr(&b, "nothing");
	show("append after term", &b);
	printfPQExpBuffer(&b, "%d", 5);
	show("printf after term", &b);

	/*
	 * A format error (an unconvertible wide character) breaks the buffer.
	 * libpq formats with PostgreSQL's own snprintf, which has no %ls (it
	 * prints the wchar_t string as bytes: here nothing), so the line starts
	 * with "impl:" and is not compared.
	 */
	resetPQExpBuffer(&b);
	appendPQExpBufferStr(&b, "before");
	appendPQExpBuffer(&b, "%ls", L"\x100");
	show("impl: format error", &b);

	termPQExpBuffer(&b);

	/* callers take the data and free() or realloc() it themselves */
	initPQExpBuffer(&b);
	appendPQExpBufferStr(&b, "taken");
	taken = b.data;
	taken = realloc(taken, 10000);
	strcat(taken, " and grown");
	printf("taken: %s\n", taken);
	free(taken);

	/* heap buffers */
	p = createPQExpBuffer();
	show("create", p);
	appendPQExpBuffer(p, "%s=%d", "heap", 1);
	appendPQExpBufferStr(p, big);
	show("heap", p);
	destroyPQExpBuffer(p);
	destroyPQExpBuffer(NULL);
	resetPQExpBuffer(NULL);
	printf("NULL is broken: %d\n", PQExpBufferBroken((PQExpBuffer) NULL));

	test_va();
	printf("done\n");
	return 0;
}
