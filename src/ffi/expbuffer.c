/*
 * The printf-style PQExpBuffer functions, which stable Rust cannot define
 * (they are variadic or take a va_list): printfPQExpBuffer,
 * appendPQExpBuffer and appendPQExpBufferVA. Everything else, including the
 * memory management these rely on (enlargePQExpBuffer, resetPQExpBuffer,
 * termPQExpBuffer), is in expbuffer.rs. Compiled by build.rs with the cc crate.
 *
 * The functions here have hidden pqrs_ names: expbuffer.rs exports libpq's
 * names as one-jump trampolines to them, because rustc makes every symbol
 * that Rust does not define itself local to the cdylib.
 *
 * Semantics as libpq's pqexpbuffer.c: formatting goes straight into the
 * buffer with vsnprintf; when it does not fit, appendPQExpBufferVA enlarges
 * the buffer and returns false so that the caller restarts its va_list and
 * calls again; a vsnprintf error or a result past INT_MAX leaves the buffer
 * "broken" (termPQExpBuffer's state: empty, maxlen 0). errno is restored
 * before every attempt, so "%m" prints the caller's errno.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* pqexpbuffer.h's layout, mirrored by PQExpBufferData in expbuffer.rs. */
typedef struct PQExpBufferData
{
	char	   *data;
	size_t		len;
	size_t		maxlen;
} PQExpBufferData;

typedef PQExpBufferData *PQExpBuffer;

#define PQExpBufferBroken(str) ((str) == NULL || (str)->maxlen == 0)

#define PQRS_HIDDEN __attribute__((visibility("hidden")))

/* Defined in expbuffer.rs. */
extern int	enlargePQExpBuffer(PQExpBuffer str, size_t needed);
extern void resetPQExpBuffer(PQExpBuffer str);
extern void termPQExpBuffer(PQExpBuffer str);

PQRS_HIDDEN bool pqrs_appendPQExpBufferVA(PQExpBuffer str, const char *fmt, va_list args)
	__attribute__((format(printf, 2, 0)));
PQRS_HIDDEN void pqrs_printfPQExpBuffer(PQExpBuffer str, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
PQRS_HIDDEN void pqrs_appendPQExpBuffer(PQExpBuffer str, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Formats into the buffer. True when done (appended, or the buffer is
 * broken); false when the buffer was enlarged and the caller must call again
 * with a fresh va_list.
 */
PQRS_HIDDEN bool
pqrs_appendPQExpBufferVA(PQExpBuffer str, const char *fmt, va_list args)
{
	size_t		needed;

	if (str == NULL || fmt == NULL)
		return true;			/* libpq would crash; we do nothing */

	/* With hardly any room left, enlarge before formatting at all. */
	if (str->maxlen > str->len + 16)
	{
		size_t		avail = str->maxlen - str->len;
		int			nprinted = vsnprintf(str->data + str->len, avail, fmt, args);

		if (nprinted < 0)
		{
			/* a bad format string (or a conversion error) */
			termPQExpBuffer(str);
			return true;
		}
		if ((size_t) nprinted < avail)
		{
			str->len += (size_t) nprinted;
			return true;
		}
		/* maxlen cannot represent more than INT_MAX */
		if (nprinted > INT_MAX - 1)
		{
			termPQExpBuffer(str);
			return true;
		}
		needed = (size_t) nprinted + 1;
	}
	else
	{
		/* a guess; enlarging rounds to a power of 2, doubling the buffer */
		needed = 32;
	}

	if (!enlargePQExpBuffer(str, needed))
		return true;			/* now broken */
	return false;
}

PQRS_HIDDEN void
pqrs_printfPQExpBuffer(PQExpBuffer str, const char *fmt, ...)
{
	int			save_errno = errno;
	va_list		args;
	bool		done;

	resetPQExpBuffer(str);
	if (PQExpBufferBroken(str))
		return;
	do
	{
		errno = save_errno;
		va_start(args, fmt);
		done = pqrs_appendPQExpBufferVA(str, fmt, args);
		va_end(args);
	} while (!done);
}

PQRS_HIDDEN void
pqrs_appendPQExpBuffer(PQExpBuffer str, const char *fmt, ...)
{
	int			save_errno = errno;
	va_list		args;
	bool		done;

	if (PQExpBufferBroken(str))
		return;
	do
	{
		errno = save_errno;
		va_start(args, fmt);
		done = pqrs_appendPQExpBufferVA(str, fmt, args);
		va_end(args);
	} while (!done);
}
