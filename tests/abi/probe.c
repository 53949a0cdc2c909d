/*
 * ABI probe for tests/integration/abi.rs.
 *
 * Compiled twice: against our include/ and against the system's libpq 15
 * headers (with -DPROBE_SYSTEM_HEADERS). Each build prints one line per fact
 * (enum constant, sizeof/offsetof/field size of every public struct and
 * field, macro value, typedef size and signedness); the Rust test requires
 * every fact printed by both builds to be identical. Items new in libpq 16-18,
 * which the 15 headers lack, are only compiled against ours: they are printed
 * and also pinned with static assertions to the values of libpq 18 (from
 * libpq-api.md, section 2).
 *
 * The type assertions (T_FIELD, T_SAME) are compiled against both header sets,
 * which also checks the assertions themselves against the real headers.
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpq-fe.h"
#include "libpq-events.h"
#include "postgres_ext.h"
/* declares what our header may not declare yet (PQsetdbLogin for PQsetdb) */
#include "libpq18_prototypes.h"

#define ENUM(x)     printf("enum %s = %lld\n", #x, (long long) (x))
#define SIZE(t)     printf("sizeof %s = %zu\n", #t, sizeof(t))
#define SIGNED(t)   printf("signed %s = %d\n", #t, (long long) (t) -1 < 0)
#define FIELD(t, f) printf("field %s.%s = offset %zu size %zu\n", #t, #f, offsetof(t, f), sizeof(((t *) 0)->f))
#define MACRO(x)    printf("macro %s = %lld\n", #x, (long long) (x))
#define STR(x)      print_string(#x, x)

/* Static checks of types. */
#define T_SAME(a, b)     _Static_assert(__builtin_types_compatible_p(a, b), #a " is " #b)
#define T_FIELD(t, f, b) _Static_assert(__builtin_types_compatible_p(__typeof__(((t *) 0)->f), b), #t "." #f " is " #b)
#define ASSERT_EQ(x, v)  _Static_assert((x) == (v), #x " == " #v)

static void
print_string(const char *name, const char *s)
{
	printf("string %s = \"", name);
	for (; *s; s++)
	{
		if (*s == '\n')
			printf("\\n");
		else if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else
			putchar(*s);
	}
	printf("\"\n");
}

/* ---- types, checked against both header sets ---- */

T_SAME(Oid, unsigned int);
T_SAME(pqbool, char);
T_SAME(pg_int64, long);			/* LP64: int64_t in 18, long int in 15 */
T_SAME(PQnoticeReceiver, void (*)(void *, const PGresult *));
T_SAME(PQnoticeProcessor, void (*)(void *, const char *));
T_SAME(pgthreadlock_t, void (*)(int));
T_SAME(PQsslKeyPassHook_OpenSSL_type, int (*)(char *, int, PGconn *));
T_SAME(PGEventProc, int (*)(PGEventId, void *, void *));
T_SAME(PGconn, struct pg_conn);
T_SAME(PGresult, struct pg_result);
T_SAME(PGcancel, struct pg_cancel);
T_SAME(PGnotify, struct pgNotify);
T_SAME(PQprintOpt, struct _PQprintOpt);
T_SAME(PQconninfoOption, struct _PQconninfoOption);
T_SAME(PGresAttDesc, struct pgresAttDesc);

T_FIELD(PQconninfoOption, keyword, char *);
T_FIELD(PQconninfoOption, envvar, char *);
T_FIELD(PQconninfoOption, compiled, char *);
T_FIELD(PQconninfoOption, val, char *);
T_FIELD(PQconninfoOption, label, char *);
T_FIELD(PQconninfoOption, dispchar, char *);
T_FIELD(PQconninfoOption, dispsize, int);
T_FIELD(PGnotify, relname, char *);
T_FIELD(PGnotify, be_pid, int);
T_FIELD(PGnotify, extra, char *);
T_FIELD(PGnotify, next, struct pgNotify *);
T_FIELD(PQprintOpt, header, pqbool);
T_FIELD(PQprintOpt, align, pqbool);
T_FIELD(PQprintOpt, standard, pqbool);
T_FIELD(PQprintOpt, html3, pqbool);
T_FIELD(PQprintOpt, expanded, pqbool);
T_FIELD(PQprintOpt, pager, pqbool);
T_FIELD(PQprintOpt, fieldSep, char *);
T_FIELD(PQprintOpt, tableOpt, char *);
T_FIELD(PQprintOpt, caption, char *);
T_FIELD(PQprintOpt, fieldName, char **);
T_FIELD(PQArgBlock, len, int);
T_FIELD(PQArgBlock, isint, int);
T_FIELD(PQArgBlock, u.ptr, int *);
T_FIELD(PQArgBlock, u.integer, int);
T_FIELD(PGresAttDesc, name, char *);
T_FIELD(PGresAttDesc, tableid, Oid);
T_FIELD(PGresAttDesc, columnid, int);
T_FIELD(PGresAttDesc, format, int);
T_FIELD(PGresAttDesc, typid, Oid);
T_FIELD(PGresAttDesc, typlen, int);
T_FIELD(PGresAttDesc, atttypmod, int);
T_FIELD(PGEventRegister, conn, PGconn *);
T_FIELD(PGEventConnReset, conn, PGconn *);
T_FIELD(PGEventConnDestroy, conn, PGconn *);
T_FIELD(PGEventResultCreate, conn, PGconn *);
T_FIELD(PGEventResultCreate, result, PGresult *);
T_FIELD(PGEventResultCopy, src, const PGresult *);
T_FIELD(PGEventResultCopy, dest, PGresult *);
T_FIELD(PGEventResultDestroy, result, PGresult *);

#ifndef PROBE_SYSTEM_HEADERS
/* ---- new in 16-18: libpq 18's definitions ---- */
T_SAME(PGcancelConn, struct pg_cancel_conn);
T_SAME(pg_usec_time_t, int64_t);
T_SAME(pg_int64, int64_t);
T_SAME(PQauthDataHook_type, int (*)(PGauthData, PGconn *, void *));
T_SAME(PGpromptOAuthDevice, struct _PGpromptOAuthDevice);
T_SAME(PGoauthBearerRequest, struct PGoauthBearerRequest);
T_FIELD(PGpromptOAuthDevice, verification_uri, const char *);
T_FIELD(PGpromptOAuthDevice, user_code, const char *);
T_FIELD(PGpromptOAuthDevice, verification_uri_complete, const char *);
T_FIELD(PGpromptOAuthDevice, expires_in, int);
T_FIELD(PGoauthBearerRequest, openid_configuration, const char *);
T_FIELD(PGoauthBearerRequest, scope, const char *);
T_FIELD(PGoauthBearerRequest, async, PostgresPollingStatusType (*)(PGconn *, struct PGoauthBearerRequest *, int *));
T_FIELD(PGoauthBearerRequest, cleanup, void (*)(PGconn *, struct PGoauthBearerRequest *));
T_FIELD(PGoauthBearerRequest, token, char *);
T_FIELD(PGoauthBearerRequest, user, void *);

ASSERT_EQ(CONNECTION_ALLOCATED, 14);
ASSERT_EQ(CONNECTION_AUTHENTICATING, 15);
ASSERT_EQ(PGRES_TUPLES_CHUNK, 12);
ASSERT_EQ(PQAUTHDATA_PROMPT_OAUTH_DEVICE, 0);
ASSERT_EQ(PQAUTHDATA_OAUTH_BEARER_TOKEN, 1);
ASSERT_EQ(sizeof(PGauthData), 4);
ASSERT_EQ(sizeof(pg_usec_time_t), 8);
ASSERT_EQ(sizeof(PGpromptOAuthDevice), 32);
ASSERT_EQ(offsetof(PGpromptOAuthDevice, verification_uri), 0);
ASSERT_EQ(offsetof(PGpromptOAuthDevice, user_code), 8);
ASSERT_EQ(offsetof(PGpromptOAuthDevice, verification_uri_complete), 16);
ASSERT_EQ(offsetof(PGpromptOAuthDevice, expires_in), 24);
ASSERT_EQ(sizeof(PGoauthBearerRequest), 48);
ASSERT_EQ(offsetof(PGoauthBearerRequest, openid_configuration), 0);
ASSERT_EQ(offsetof(PGoauthBearerRequest, scope), 8);
ASSERT_EQ(offsetof(PGoauthBearerRequest, async), 16);
ASSERT_EQ(offsetof(PGoauthBearerRequest, cleanup), 24);
ASSERT_EQ(offsetof(PGoauthBearerRequest, token), 32);
ASSERT_EQ(offsetof(PGoauthBearerRequest, user), 40);
ASSERT_EQ(LIBPQ_HAS_ASYNC_CANCEL, 1);
ASSERT_EQ(LIBPQ_HAS_CHANGE_PASSWORD, 1);
ASSERT_EQ(LIBPQ_HAS_CHUNK_MODE, 1);
ASSERT_EQ(LIBPQ_HAS_CLOSE_PREPARED, 1);
ASSERT_EQ(LIBPQ_HAS_SEND_PIPELINE_SYNC, 1);
ASSERT_EQ(LIBPQ_HAS_SOCKET_POLL, 1);
ASSERT_EQ(LIBPQ_HAS_FULL_PROTOCOL_VERSION, 1);
ASSERT_EQ(LIBPQ_HAS_PROMPT_OAUTH_DEVICE, 1);
#ifdef PQ_SOCKTYPE
#error "PQ_SOCKTYPE must be #undef'd after PGoauthBearerRequest"
#endif
#endif							/* !PROBE_SYSTEM_HEADERS */

/* Function-like macros: they must expand to calls of the real functions. */
static void
macro_expansions(void)
{
	if (0)
	{
		PGconn	   *c = PQsetdb("h", "p", "o", "t", "d");
		PGnotify   *n = NULL;

		PQfreeNotify(n);
		(void) c;
		(void) atooid("1");
	}
}

int
main(void)
{
	macro_expansions();

	/* typedefs */
	SIZE(Oid);
	SIGNED(Oid);
	SIZE(pqbool);
	SIZE(pg_int64);
	SIGNED(pg_int64);

	/* enums */
	SIZE(ConnStatusType);
	SIGNED(ConnStatusType);
	ENUM(CONNECTION_OK);
	ENUM(CONNECTION_BAD);
	ENUM(CONNECTION_STARTED);
	ENUM(CONNECTION_MADE);
	ENUM(CONNECTION_AWAITING_RESPONSE);
	ENUM(CONNECTION_AUTH_OK);
	ENUM(CONNECTION_SETENV);
	ENUM(CONNECTION_SSL_STARTUP);
	ENUM(CONNECTION_NEEDED);
	ENUM(CONNECTION_CHECK_WRITABLE);
	ENUM(CONNECTION_CONSUME);
	ENUM(CONNECTION_GSS_STARTUP);
	ENUM(CONNECTION_CHECK_TARGET);
	ENUM(CONNECTION_CHECK_STANDBY);

	SIZE(PostgresPollingStatusType);
	SIGNED(PostgresPollingStatusType);
	ENUM(PGRES_POLLING_FAILED);
	ENUM(PGRES_POLLING_READING);
	ENUM(PGRES_POLLING_WRITING);
	ENUM(PGRES_POLLING_OK);
	ENUM(PGRES_POLLING_ACTIVE);

	SIZE(ExecStatusType);
	SIGNED(ExecStatusType);
	ENUM(PGRES_EMPTY_QUERY);
	ENUM(PGRES_COMMAND_OK);
	ENUM(PGRES_TUPLES_OK);
	ENUM(PGRES_COPY_OUT);
	ENUM(PGRES_COPY_IN);
	ENUM(PGRES_BAD_RESPONSE);
	ENUM(PGRES_NONFATAL_ERROR);
	ENUM(PGRES_FATAL_ERROR);
	ENUM(PGRES_COPY_BOTH);
	ENUM(PGRES_SINGLE_TUPLE);
	ENUM(PGRES_PIPELINE_SYNC);
	ENUM(PGRES_PIPELINE_ABORTED);

	SIZE(PGTransactionStatusType);
	SIGNED(PGTransactionStatusType);
	ENUM(PQTRANS_IDLE);
	ENUM(PQTRANS_ACTIVE);
	ENUM(PQTRANS_INTRANS);
	ENUM(PQTRANS_INERROR);
	ENUM(PQTRANS_UNKNOWN);

	SIZE(PGVerbosity);
	SIGNED(PGVerbosity);
	ENUM(PQERRORS_TERSE);
	ENUM(PQERRORS_DEFAULT);
	ENUM(PQERRORS_VERBOSE);
	ENUM(PQERRORS_SQLSTATE);

	SIZE(PGContextVisibility);
	SIGNED(PGContextVisibility);
	ENUM(PQSHOW_CONTEXT_NEVER);
	ENUM(PQSHOW_CONTEXT_ERRORS);
	ENUM(PQSHOW_CONTEXT_ALWAYS);

	SIZE(PGPing);
	SIGNED(PGPing);
	ENUM(PQPING_OK);
	ENUM(PQPING_REJECT);
	ENUM(PQPING_NO_RESPONSE);
	ENUM(PQPING_NO_ATTEMPT);

	SIZE(PGpipelineStatus);
	SIGNED(PGpipelineStatus);
	ENUM(PQ_PIPELINE_OFF);
	ENUM(PQ_PIPELINE_ON);
	ENUM(PQ_PIPELINE_ABORTED);

	SIZE(PGEventId);
	SIGNED(PGEventId);
	ENUM(PGEVT_REGISTER);
	ENUM(PGEVT_CONNRESET);
	ENUM(PGEVT_CONNDESTROY);
	ENUM(PGEVT_RESULTCREATE);
	ENUM(PGEVT_RESULTCOPY);
	ENUM(PGEVT_RESULTDESTROY);

	/* structs */
	SIZE(PQconninfoOption);
	FIELD(PQconninfoOption, keyword);
	FIELD(PQconninfoOption, envvar);
	FIELD(PQconninfoOption, compiled);
	FIELD(PQconninfoOption, val);
	FIELD(PQconninfoOption, label);
	FIELD(PQconninfoOption, dispchar);
	FIELD(PQconninfoOption, dispsize);

	SIZE(PGnotify);
	FIELD(PGnotify, relname);
	FIELD(PGnotify, be_pid);
	FIELD(PGnotify, extra);
	FIELD(PGnotify, next);

	SIZE(PQprintOpt);
	FIELD(PQprintOpt, header);
	FIELD(PQprintOpt, align);
	FIELD(PQprintOpt, standard);
	FIELD(PQprintOpt, html3);
	FIELD(PQprintOpt, expanded);
	FIELD(PQprintOpt, pager);
	FIELD(PQprintOpt, fieldSep);
	FIELD(PQprintOpt, tableOpt);
	FIELD(PQprintOpt, caption);
	FIELD(PQprintOpt, fieldName);

	SIZE(PQArgBlock);
	FIELD(PQArgBlock, len);
	FIELD(PQArgBlock, isint);
	FIELD(PQArgBlock, u);
	FIELD(PQArgBlock, u.ptr);
	FIELD(PQArgBlock, u.integer);

	SIZE(PGresAttDesc);
	FIELD(PGresAttDesc, name);
	FIELD(PGresAttDesc, tableid);
	FIELD(PGresAttDesc, columnid);
	FIELD(PGresAttDesc, format);
	FIELD(PGresAttDesc, typid);
	FIELD(PGresAttDesc, typlen);
	FIELD(PGresAttDesc, atttypmod);

	SIZE(PGEventRegister);
	FIELD(PGEventRegister, conn);
	SIZE(PGEventConnReset);
	FIELD(PGEventConnReset, conn);
	SIZE(PGEventConnDestroy);
	FIELD(PGEventConnDestroy, conn);
	SIZE(PGEventResultCreate);
	FIELD(PGEventResultCreate, conn);
	FIELD(PGEventResultCreate, result);
	SIZE(PGEventResultCopy);
	FIELD(PGEventResultCopy, src);
	FIELD(PGEventResultCopy, dest);
	SIZE(PGEventResultDestroy);
	FIELD(PGEventResultDestroy, result);

	/* macros */
	MACRO(LIBPQ_HAS_PIPELINING);
	MACRO(LIBPQ_HAS_TRACE_FLAGS);
	MACRO(LIBPQ_HAS_SSL_LIBRARY_DETECTION);
	MACRO(PG_COPYRES_ATTRS);
	MACRO(PG_COPYRES_TUPLES);
	MACRO(PG_COPYRES_EVENTS);
	MACRO(PG_COPYRES_NOTICEHOOKS);
	MACRO(PQ_QUERY_PARAM_MAX_LIMIT);
	MACRO(PQTRACE_SUPPRESS_TIMESTAMPS);
	MACRO(PQTRACE_REGRESS_MODE);
	STR(PQnoPasswordSupplied);
	MACRO(InvalidOid);
	MACRO(sizeof(InvalidOid));
	MACRO(OID_MAX);
	MACRO(atooid("4294967295"));
	MACRO(sizeof(atooid("1")));
	MACRO(PG_DIAG_SEVERITY);
	MACRO(PG_DIAG_SEVERITY_NONLOCALIZED);
	MACRO(PG_DIAG_SQLSTATE);
	MACRO(PG_DIAG_MESSAGE_PRIMARY);
	MACRO(PG_DIAG_MESSAGE_DETAIL);
	MACRO(PG_DIAG_MESSAGE_HINT);
	MACRO(PG_DIAG_STATEMENT_POSITION);
	MACRO(PG_DIAG_INTERNAL_POSITION);
	MACRO(PG_DIAG_INTERNAL_QUERY);
	MACRO(PG_DIAG_CONTEXT);
	MACRO(PG_DIAG_SCHEMA_NAME);
	MACRO(PG_DIAG_TABLE_NAME);
	MACRO(PG_DIAG_COLUMN_NAME);
	MACRO(PG_DIAG_DATATYPE_NAME);
	MACRO(PG_DIAG_CONSTRAINT_NAME);
	MACRO(PG_DIAG_SOURCE_FILE);
	MACRO(PG_DIAG_SOURCE_LINE);
	MACRO(PG_DIAG_SOURCE_FUNCTION);

#ifndef PROBE_SYSTEM_HEADERS
	/* new in 16-18 (also pinned by the static assertions above) */
	printf("new ");
	ENUM(CONNECTION_ALLOCATED);
	printf("new ");
	ENUM(CONNECTION_AUTHENTICATING);
	printf("new ");
	ENUM(PGRES_TUPLES_CHUNK);
	printf("new ");
	SIZE(PGauthData);
	printf("new ");
	ENUM(PQAUTHDATA_PROMPT_OAUTH_DEVICE);
	printf("new ");
	ENUM(PQAUTHDATA_OAUTH_BEARER_TOKEN);
	printf("new ");
	SIZE(pg_usec_time_t);
	printf("new ");
	SIZE(PGpromptOAuthDevice);
	printf("new ");
	SIZE(PGoauthBearerRequest);
	printf("new ");
	MACRO(LIBPQ_HAS_PROMPT_OAUTH_DEVICE);
#endif

	return 0;
}
