/*
 * Differential test program for the asynchronous query engine: pipeline
 * mode, single-row and chunked results, non-blocking mode, PQflush,
 * PQsocketPoll, notifications and the legacy COPY functions. It prints
 * everything observable for one running server, so that the output with
 * the real libpq 18 and with libpq-rs can be compared line by line
 * (tests/integration/differential.rs).
 *
 * Compiled against the system libpq-fe.h (PostgreSQL 15 on Debian 12). The
 * functions added after 15 (PQsendPipelineSync, PQsetChunkedRowsMode,
 * PQsocketPoll, PQgetCurrentTimeUSec: 17; PQsendClosePrepared,
 * PQsendClosePortal: 17) are looked up with dlsym and print
 * "<name>: (not exported)" when missing; DIFF_SKIP_POST15=1 leaves them out.
 *
 * Usage: pipeline [section...]   sections: pipeline rowmodes async legacycopy
 *
 * Environment: DIFF_PORT, DIFF_SOCKDIR, DIFF_DB (default "postgres"),
 * DIFF_TRUST_USER (a superuser authenticated by "trust" on 127.0.0.1), as
 * for diff.c. Only temporary tables are created.
 *
 * Determinism. What PQisBusy, PQnotifies and the notice processor show
 * depends on how much of the server's answer libpq has read, which depends
 * on timing. Where the program prints them, it first "settles" the
 * connection: it flushes, then peeks at the socket (recv with MSG_PEEK,
 * which libpq never sees) until the whole answer -- the expected number of
 * ReadyForQuery messages, framed message by message -- is in the kernel's
 * buffer, and only then lets libpq read all of it with PQconsumeInput. After
 * that, every call is a pure function of the bytes received. Cases whose
 * answer never ends in ReadyForQuery (PQsendFlushRequest, COPY IN) read with
 * blocking calls and print only what cannot depend on timing. Backend PIDs
 * of notifications are printed as "self" or "other".
 *
 * Worth knowing (libpq 18 behaviour the comparison enforces): COPY is not
 * refused in a pipeline -- a COPY sent with PQsendQueryParams gives
 * PGRES_COPY_OUT / PGRES_COPY_IN, during which queueing, syncing and leaving
 * the pipeline are refused; PQexec and friends, PQsendQuery and PQfn are
 * refused with their own messages; errors accumulate in PQerrorMessage while
 * commands are queued; after PQgetline has returned "\." the COPY is over and
 * PQendcopy finds "no COPY in progress"; PQgetline with a buffer of fewer
 * than 3 bytes is EOF before anything is read; in non-blocking mode
 * PQputCopyData queues whatever the socket does not take (it never returns
 * 0 for a full socket) and PQendcopy returns 1 while the answer is unread.
 *
 * Under valgrind (seen as its preload library in LD_PRELOAD) the bulk cases
 * send 1 MB instead of 24 MB; that output is not compared.
 */
#define PROGRAM "pipeline"
#include "common.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#ifndef PGRES_TUPLES_CHUNK
#define PGRES_TUPLES_CHUNK 12	/* new in 17, not in the PostgreSQL 15 header */
#endif

/* libpq/libpq-fs.h */
#define INV_READ 0x00040000

/* ---------------------------------------------------------------- functions looked up at run time */

typedef int (*conn_fn) (PGconn *);
typedef int (*conn_str_fn) (PGconn *, const char *);
typedef int (*chunked_fn) (PGconn *, int);
typedef int (*socketpoll_fn) (int, int, int, int64_t);
typedef int64_t (*now_fn) (void);

/* -99 when not exported; then PQpipelineSync sends the sync, so that the
 * program goes on (for the comparison with libpq 15) */
static int x_PQsendPipelineSync(PGconn *c)
{
	conn_fn f = (conn_fn) sym("PQsendPipelineSync", 1);

	if (f)
		return f(c);
	PQpipelineSync(c);
	return -99;
}

static int x_PQsetChunkedRowsMode(PGconn *c, int n)
{
	chunked_fn f = (chunked_fn) sym("PQsetChunkedRowsMode", 1);

	return f ? f(c, n) : -99;
}

static int x_PQsendClosePrepared(PGconn *c, const char *name)
{
	conn_str_fn f = (conn_str_fn) sym("PQsendClosePrepared", 1);

	return f ? f(c, name) : -99;
}

static int x_PQsendClosePortal(PGconn *c, const char *name)
{
	conn_str_fn f = (conn_str_fn) sym("PQsendClosePortal", 1);

	return f ? f(c, name) : -99;
}

static int x_PQsocketPoll(int sock, int r, int w, int64_t end)
{
	socketpoll_fn f = (socketpoll_fn) sym("PQsocketPoll", 1);

	return f ? f(sock, r, w, end) : -99;
}

/* ---------------------------------------------------------------- output */

static const char *pstatus_name(PGpipelineStatus s)
{
	switch (s)
	{
		case PQ_PIPELINE_OFF: return "OFF";
		case PQ_PIPELINE_ON: return "ON";
		case PQ_PIPELINE_ABORTED: return "ABORTED";
	}
	return "?";
}

/* The connection's state that never depends on timing. */
static void st(PGconn *c)
{
	char *e = escape(PQerrorMessage(c), strlen(PQerrorMessage(c)));

	out("    pipeline=%s txn=%s error=\"%s\"\n", pstatus_name(PQpipelineStatus(c)),
		txn_name(PQtransactionStatus(c)), e);
	free(e);
}

/* st(), then PQisBusy: only where the connection is settled (see the top). */
static void st_busy(PGconn *c)
{
	int busy = PQisBusy(c);

	st(c);
	out("    PQisBusy=%d\n", busy);
}

/* A call's return value, then the state. */
#define CALL(c, expr) do { out("%s -> %d\n", #expr, (int) (expr)); st(c); } while (0)
#define CALL_BUSY(c, expr) do { out("%s -> %d\n", #expr, (int) (expr)); st_busy(c); } while (0)

static void notice_processor(void *arg, const char *message)
{
	(void) arg;
	str("    notice", message);
}

/* One result on one line (and its error message when it has one). */
static void show_result(const PGresult *r)
{
	ExecStatusType s = PQresultStatus(r);

	out(" %s ntuples=%d nfields=%d nparams=%d cmdStatus=\"%s\"", PQresStatus(s), PQntuples(r),
		PQnfields(r), PQnparams(r), PQcmdStatus((PGresult *) r));
	if (PQntuples(r) > 0 && PQnfields(r) > 0)
	{
		out(" values=");
		for (int t = 0; t < PQntuples(r) && t < 10; t++)
		{
			out(t ? ",(" : "(");
			for (int f = 0; f < PQnfields(r); f++)
			{
				const char *v = PQgetvalue(r, t, f);
				size_t n = strlen(v);
				char *e = escape(v, n > 40 ? 40 : n);

				if (f)
					out(",");
				if (PQgetisnull(r, t, f))
					out("NULL");
				else if (PQfformat(r, f) != 0)
					hex("0x", v, PQgetlength(r, t, f), 16);
				else
					out("%s%s", e, n > 40 ? "..." : "");
				free(e);
			}
			out(")");
		}
		if (PQntuples(r) > 10)
			out(",...");
	}
	out(" binary=%d", PQbinaryTuples(r));
	if (s == PGRES_COPY_OUT || s == PGRES_COPY_IN || s == PGRES_COPY_BOTH)
	{
		/* a COPY result's columns have no names: PQfname is NULL */
		out(" formats=");
		for (int f = 0; f < PQnfields(r); f++)
			out("%s%d", f ? "," : "", PQfformat(r, f));
		if (PQnfields(r) > 0)
			out(" fname0=%s", PQfname(r, 0) ? PQfname(r, 0) : "(null)");
	}
	else if (PQnfields(r) > 0)
		out(" fname0=%s", PQfname(r, 0));
	out("\n");
	if (*PQresultErrorMessage(r))
		str("    PQresultErrorMessage", PQresultErrorMessage(r));
	if (PQresultErrorField(r, PG_DIAG_SQLSTATE))
		out("    SQLSTATE %s\n", PQresultErrorField(r, PG_DIAG_SQLSTATE));
}

/* PQgetResult, printed with the state after it: its status, or -1 for NULL. */
static int get(PGconn *c, int settled)
{
	PGresult *r = PQgetResult(c);
	int s = r ? (int) PQresultStatus(r) : -1;

	out("PQgetResult ->");
	if (r)
		show_result(r);
	else
		out(" NULL\n");
	PQclear(r);
	if (settled)
		st_busy(c);
	else
		st(c);
	return s;
}

/* Results until `nsync` PGRES_PIPELINE_SYNC (0: until the first NULL); a
 * COPY OUT is read to its end. Stops at three NULLs in a row. */
static void drain(PGconn *c, int nsync, int settled)
{
	int nulls = 0;

	for (;;)
	{
		int s = get(c, settled);

		if (s == PGRES_COPY_OUT)
		{
			char *row;
			int n;

			while ((n = PQgetCopyData(c, &row, 0)) > 0)
			{
				char *e = escape(row, n);

				out("  PQgetCopyData -> %d \"%s\"\n", n, e);
				free(e);
				PQfreemem(row);
			}
			out("  PQgetCopyData -> %d\n", n);
			st(c);
		}
		if (s == -1)
		{
			if (nsync == 0 || ++nulls == 3)
			{
				if (nsync)
					out("  (stopped: three NULLs in a row)\n");
				return;
			}
			continue;
		}
		nulls = 0;
		if (s == PGRES_PIPELINE_SYNC && --nsync == 0)
			return;
		if (s == PGRES_COPY_IN)
		{
			out("  (COPY IN: not fed here)\n");
			return;
		}
	}
}

/* ---------------------------------------------------------------- settling */

static char *g_peek;
static int g_valgrind;			/* under valgrind: smaller bulk data */
#define PEEK_SIZE (4 << 20)

static int64_t now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t) tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/*
 * Makes what libpq shows next independent of timing: flushes, waits until
 * the kernel holds the server's whole answer -- `nz` ReadyForQuery messages
 * and nothing incomplete after the last one -- then lets libpq read all of
 * it. Only valid when libpq has read nothing of this answer yet.
 */
static void settle(PGconn *c, int nz)
{
	int sock = PQsocket(c);
	int64_t deadline = now_ms() + 10000;

	if (!g_peek)
		g_peek = malloc(PEEK_SIZE);
	for (;;)
	{
		int f = PQflush(c);
		struct pollfd p = {sock, POLLOUT, 0};

		if (f <= 0)
			break;
		poll(&p, 1, 1000);
	}
	for (;;)
	{
		ssize_t n = recv(sock, g_peek, PEEK_SIZE, MSG_PEEK | MSG_DONTWAIT);

		if (n > 0)
		{
			ssize_t pos = 0;
			int zs = 0;

			while (pos + 5 <= n)
			{
				uint32_t len = ((uint32_t) (unsigned char) g_peek[pos + 1] << 24) |
					((uint32_t) (unsigned char) g_peek[pos + 2] << 16) |
					((uint32_t) (unsigned char) g_peek[pos + 3] << 8) |
					(uint32_t) (unsigned char) g_peek[pos + 4];

				if (pos + 1 + (ssize_t) len > n)
					break;
				if (g_peek[pos] == 'Z')
					zs++;
				pos += 1 + len;
			}
			if (zs >= nz && pos == n)
				break;
			if (n == PEEK_SIZE)
			{
				out("(settle: answer too large to peek)\n");
				break;
			}
			usleep(1000);
		}
		else if (n == 0)
			break;				/* closed: libpq will see it */
		else
		{
			struct pollfd p = {sock, POLLIN, 0};

			if (errno != EAGAIN && errno != EWOULDBLOCK)
				break;
			poll(&p, 1, 100);
		}
		if (now_ms() > deadline)
		{
			out("(settle timed out)\n");
			break;
		}
	}
	/* now let libpq read it all */
	for (;;)
	{
		ssize_t n = recv(sock, g_peek, 1, MSG_PEEK | MSG_DONTWAIT);

		if (n <= 0 || !PQconsumeInput(c))
			break;
	}
}

/* ---------------------------------------------------------------- connections */

static PGconn *conn(void)
{
	PGconn *c = connect_trust();

	PQsetNoticeProcessor(c, notice_processor, NULL);
	return c;
}

/* A NOTIFY's fields; the backend PID as self/other. */
static int show_notifies(PGconn *c, int other_pid)
{
	PGnotify *n;
	int count = 0;

	while ((n = PQnotifies(c)) != NULL)
	{
		const char *who = n->be_pid == PQbackendPID(c) ? "self" :
			n->be_pid == other_pid ? "other" : "unknown";

		out("  PQnotifies -> relname=\"%s\" extra=\"%s\" be_pid=%s next=%s\n", n->relname, n->extra,
			who, n->next ? "non-NULL" : "NULL");
		PQfreemem(n);
		count++;
	}
	out("  PQnotifies -> NULL\n");
	return count;
}

/* ================================================================ pipeline */

static void pipeline_null_and_off(void)
{
	PGconn *c = conn();

	out("\n--- NULL connection\n");
	out("PQpipelineStatus(NULL) -> %s\n", pstatus_name(PQpipelineStatus(NULL)));
	out("PQenterPipelineMode(NULL) -> %d\n", PQenterPipelineMode(NULL));
	out("PQexitPipelineMode(NULL) -> %d\n", PQexitPipelineMode(NULL));
	out("PQpipelineSync(NULL) -> %d\n", PQpipelineSync(NULL));
	out("PQsendPipelineSync(NULL) -> %d\n", x_PQsendPipelineSync(NULL));
	out("PQsendFlushRequest(NULL) -> %d\n", PQsendFlushRequest(NULL));
	out("PQsetSingleRowMode(NULL) -> %d\n", PQsetSingleRowMode(NULL));
	out("PQsetChunkedRowsMode(NULL, 1) -> %d\n", x_PQsetChunkedRowsMode(NULL, 1));

	out("\n--- not in pipeline mode\n");
	st(c);
	CALL(c, PQpipelineSync(c));
	CALL(c, x_PQsendPipelineSync(c));
	CALL(c, PQexitPipelineMode(c));
	CALL(c, PQsendFlushRequest(c));
	CALL(c, PQenterPipelineMode(c));
	CALL(c, PQenterPipelineMode(c));
	CALL(c, PQexitPipelineMode(c));
	CALL(c, PQexitPipelineMode(c));

	out("\n--- entering while a command is in progress\n");
	CALL(c, PQsendQuery(c, "select 'busy'"));
	CALL(c, PQenterPipelineMode(c));
	CALL(c, PQsendFlushRequest(c));
	settle(c, 1);
	drain(c, 0, 1);
	CALL(c, PQenterPipelineMode(c));
	CALL(c, PQexitPipelineMode(c));

	out("\n--- a pipeline on a broken connection\n");
	{
		PGconn *b = connect_port("1");

		out("PQstatus -> %d\n", (int) PQstatus(b));
		out("PQenterPipelineMode -> %d\n", PQenterPipelineMode(b));
		out("PQpipelineStatus -> %s\n", pstatus_name(PQpipelineStatus(b)));
		out("PQsendFlushRequest -> %d\n", PQsendFlushRequest(b));
		out("PQsendQueryParams -> %d\n", PQsendQueryParams(b, "select 1", 0, NULL, NULL, NULL, NULL, 0));
		out("PQexitPipelineMode -> %d\n", PQexitPipelineMode(b));
		out("PQpipelineSync -> %d\n", PQpipelineSync(b));
		str("PQerrorMessage", PQerrorMessage(b));
		PQfinish(b);
	}
	PQfinish(c);
}

static void pipeline_every_kind(void)
{
	PGconn *c = conn();
	const char *v41[] = {"41"};
	const char *va[] = {"a"};
	const Oid text_oid[] = {25};

	out("\n--- every kind of command, then a sync\n");
	CALL(c, PQenterPipelineMode(c));
	CALL(c, PQsendQueryParams(c, "select $1::int + 1 as answer", 1, NULL, v41, NULL, NULL, 0));
	CALL(c, PQsendQueryParams(c, "select 1 where false", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendQueryParams(c, "select generate_series(1, 3) as n", 0, NULL, NULL, NULL, NULL, 1));
	CALL(c, PQsendPrepare(c, "s1", "select $1 || 'x' as cat", 1, text_oid));
	CALL(c, PQsendPrepare(c, "s2", "select $1::int * 2, $2::text", 2, NULL));
	CALL(c, PQsendQueryPrepared(c, "s1", 1, va, NULL, NULL, 0));
	CALL(c, PQsendDescribePrepared(c, "s1"));
	CALL(c, PQsendDescribePrepared(c, "s2"));
	CALL(c, PQsendQueryParams(c, "set application_name = 'diff_pipeline_2'", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendQueryParams(c, "", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendQueryParams(c, "select 'portal' as p", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendDescribePortal(c, ""));
	CALL(c, PQsendDescribePortal(c, NULL));
	CALL(c, x_PQsendClosePortal(c, ""));
	CALL(c, x_PQsendClosePrepared(c, "s2"));
	CALL(c, x_PQsendClosePrepared(c, "never_prepared"));
	CALL(c, PQexitPipelineMode(c));
	CALL(c, PQpipelineSync(c));
	CALL(c, PQexitPipelineMode(c));
	settle(c, 1);
	out("(settled)\n");
	st_busy(c);
	CALL(c, PQexitPipelineMode(c));
	drain(c, 1, 1);
	out("application_name: %s\n", PQparameterStatus(c, "application_name"));
	out("after the sync:\n");
	CALL_BUSY(c, PQexitPipelineMode(c));
	out("PQgetResult -> %s\n", PQgetResult(c) ? "a result" : "NULL");
	PQfinish(c);
}

static void pipeline_errors(void)
{
	PGconn *c = conn();
	const char *v1[] = {"1"};

	out("\n--- an error in the middle, commands aborted until the sync\n");
	CALL(c, PQenterPipelineMode(c));
	CALL(c, PQsendQueryParams(c, "select 1", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendQueryParams(c, "select 1/0", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendQueryParams(c, "select 2", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendPrepare(c, "e1", "select 3", 0, NULL));
	CALL(c, PQsendDescribePrepared(c, "e1"));
	CALL(c, PQsendQueryPrepared(c, "e1", 0, NULL, NULL, NULL, 0));
	CALL(c, x_PQsendClosePrepared(c, "e1"));
	CALL(c, PQpipelineSync(c));
	CALL(c, PQsendQueryParams(c, "select 4", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendQueryPrepared(c, "e1", 0, NULL, NULL, NULL, 0));
	CALL(c, PQsendQueryParams(c, "select $1::int + 10", 1, NULL, v1, NULL, NULL, 0));
	CALL(c, PQpipelineSync(c));
	settle(c, 2);
	drain(c, 2, 1);

	out("\n--- a syntax error (with its position) and a parse error of a prepare\n");
	CALL(c, PQsendQueryParams(c, "select 1 +* 2", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendQueryParams(c, "select 5", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQpipelineSync(c));
	CALL(c, PQsendPrepare(c, "bad", "select nosuchcolumn", 0, NULL));
	CALL(c, PQsendQueryParams(c, "select 6", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQpipelineSync(c));
	settle(c, 2);
	drain(c, 2, 1);

	out("\n--- an error inside an explicit transaction, across syncs\n");
	CALL(c, PQsendQueryParams(c, "begin", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendQueryParams(c, "select 1/0", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQpipelineSync(c));
	CALL(c, PQsendQueryParams(c, "select 7", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQpipelineSync(c));
	CALL(c, PQsendQueryParams(c, "rollback", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQpipelineSync(c));
	settle(c, 3);
	drain(c, 3, 1);

	out("\n--- notices in a pipeline, before, between and after results\n");
	CALL(c, PQsendQueryParams(c, "do $$ begin raise notice 'first'; end $$", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendQueryParams(c, "select 'between' as b", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendQueryParams(c, "do $$ begin raise notice 'second'; raise warning 'third'; end $$", 0, NULL,
							  NULL, NULL, NULL, 0));
	CALL(c, PQsendQueryParams(c, "do $$ begin raise notice 'then an error'; perform 1/0; end $$", 0, NULL,
							  NULL, NULL, NULL, 0));
	CALL(c, PQpipelineSync(c));
	settle(c, 1);
	drain(c, 1, 1);

	out("\n--- errors refused by libpq accumulate while commands are queued\n");
	CALL(c, PQsendQueryParams(c, "select 8", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendQueryParams(c, NULL, 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendQueryParams(c, "select 1", -1, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendPrepare(c, NULL, "select 1", 0, NULL));
	CALL(c, PQsendQueryPrepared(c, NULL, 0, NULL, NULL, NULL, 0));
	CALL(c, PQpipelineSync(c));
	settle(c, 1);
	drain(c, 1, 1);
	CALL(c, PQsendQueryParams(c, NULL, 0, NULL, NULL, NULL, NULL, 0));

	out("\n--- an error with a flush request, then a command queued while aborted\n");
	CALL(c, PQsendQueryParams(c, "select 1/0", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendFlushRequest(c));
	get(c, 0);
	get(c, 0);
	out("PQisBusy -> %d\n", PQisBusy(c));
	CALL_BUSY(c, PQsendQueryParams(c, "select 9", 0, NULL, NULL, NULL, NULL, 0));
	CALL_BUSY(c, PQsendQueryParams(c, "select 10", 0, NULL, NULL, NULL, NULL, 0));
	get(c, 1);
	get(c, 1);
	get(c, 1);
	CALL_BUSY(c, PQpipelineSync(c));
	get(c, 0);
	out("PQisBusy -> %d\n", PQisBusy(c));
	get(c, 1);
	CALL(c, PQexitPipelineMode(c));
	PQfinish(c);
}

static void pipeline_flush_and_sync(void)
{
	PGconn *c = conn();

	out("\n--- PQsendFlushRequest, results before any sync\n");
	CALL(c, PQenterPipelineMode(c));
	CALL(c, PQsendQueryParams(c, "select 'flushed' as f", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendFlushRequest(c));
	get(c, 0);
	out("PQisBusy -> %d\n", PQisBusy(c));
	get(c, 0);
	out("PQisBusy -> %d\n", PQisBusy(c));
	CALL(c, PQsendQueryParams(c, "select 'second' as f", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendFlushRequest(c));
	CALL(c, PQsendFlushRequest(c));
	get(c, 0);
	out("PQisBusy -> %d\n", PQisBusy(c));
	get(c, 0);
	out("(nothing queued: leaving is allowed before the server saw a sync)\n");
	CALL(c, PQexitPipelineMode(c));
	CALL(c, PQpipelineSync(c));
	CALL(c, PQenterPipelineMode(c));
	CALL(c, PQpipelineSync(c));
	settle(c, 1);
	drain(c, 1, 1);

	out("\n--- PQsendPipelineSync: queued, sent by PQflush\n");
	CALL(c, PQsendQueryParams(c, "select 'a'", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, x_PQsendPipelineSync(c));
	CALL(c, PQsendQueryParams(c, "select 'b'", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, x_PQsendPipelineSync(c));
	CALL(c, PQflush(c));
	settle(c, 2);
	drain(c, 2, 1);

	out("\n--- syncs only\n");
	CALL(c, PQpipelineSync(c));
	CALL(c, PQpipelineSync(c));
	settle(c, 2);
	drain(c, 2, 1);
	CALL_BUSY(c, PQexitPipelineMode(c));

	out("\n--- results of a first sync collected while more is queued\n");
	CALL(c, PQenterPipelineMode(c));
	CALL(c, PQsendQueryParams(c, "select 'one'", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQpipelineSync(c));
	settle(c, 1);
	get(c, 1);
	CALL_BUSY(c, PQsendQueryParams(c, "select 'two'", 0, NULL, NULL, NULL, NULL, 0));
	get(c, 1);
	get(c, 1);
	CALL(c, PQpipelineSync(c));
	settle(c, 1);
	drain(c, 1, 1);
	CALL(c, PQexitPipelineMode(c));
	PQfinish(c);
}

static void pipeline_refused(void)
{
	PGconn *c = conn();
	int res = -7, len = -7;
	PQArgBlock arg;
	PGresult *r;
	const char *vals[] = {"1"};

	out("\n--- what pipeline mode refuses\n");
	quiet(c, "create temp table pt(a int)");
	CALL(c, PQenterPipelineMode(c));
	CALL(c, PQsendQuery(c, "select 1"));
	CALL(c, PQsendQuery(c, NULL));
	r = PQexec(c, "select 1");
	out("PQexec -> %s\n", r ? "a result" : "NULL");
	st(c);
	PQclear(r);
	r = PQexecParams(c, "select $1", 1, NULL, vals, NULL, NULL, 0);
	out("PQexecParams -> %s\n", r ? "a result" : "NULL");
	st(c);
	PQclear(r);
	r = PQprepare(c, "x", "select 1", 0, NULL);
	out("PQprepare -> %s\n", r ? "a result" : "NULL");
	st(c);
	PQclear(r);
	r = PQdescribePrepared(c, "x");
	out("PQdescribePrepared -> %s\n", r ? "a result" : "NULL");
	st(c);
	PQclear(r);
	arg.len = 4;
	arg.isint = 1;
	arg.u.integer = INV_READ;
	r = PQfn(c, 957, &res, &len, 1, &arg, 1);
	out("PQfn(lo_creat) -> %s result_len=%d\n", r ? "a result" : "NULL", len);
	st(c);
	PQclear(r);
	out("lo_creat -> %u\n", lo_creat(c, INV_READ));
	st(c);
	out("PQsetClientEncoding -> %d\n", PQsetClientEncoding(c, "UTF8"));
	st(c);

	out("\n--- refused while commands are queued: errors accumulate\n");
	CALL(c, PQsendQueryParams(c, "select 'queued'", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendQuery(c, "select 1"));
	r = PQexec(c, "select 1");
	out("PQexec -> %s\n", r ? "a result" : "NULL");
	st(c);
	PQclear(r);
	r = PQfn(c, 957, &res, &len, 1, &arg, 1);
	out("PQfn(lo_creat) -> %s\n", r ? "a result" : "NULL");
	st(c);
	PQclear(r);
	CALL(c, PQpipelineSync(c));
	settle(c, 1);
	drain(c, 1, 1);

	out("\n--- COPY TO STDOUT in a pipeline\n");
	CALL(c, PQsendQueryParams(c, "copy (select generate_series(1, 3)) to stdout", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendQueryParams(c, "select 'after copy'", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQpipelineSync(c));
	settle(c, 1);
	get(c, 1);
	CALL(c, PQsendQueryParams(c, "select 'during copy'", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQpipelineSync(c));
	CALL(c, x_PQsendPipelineSync(c));
	CALL(c, PQsendFlushRequest(c));
	CALL(c, PQexitPipelineMode(c));
	{
		char *row;
		int n;

		while ((n = PQgetCopyData(c, &row, 1)) > 0)
		{
			out("  PQgetCopyData(async) -> %d \"%.*s\"\n", n, n - 1, row);
			PQfreemem(row);
		}
		out("  PQgetCopyData(async) -> %d\n", n);
		st_busy(c);
	}
	drain(c, 1, 1);

	out("\n--- COPY FROM STDIN in a pipeline\n");
	CALL(c, PQsendQueryParams(c, "copy pt from stdin", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQpipelineSync(c));
	get(c, 0);
	CALL(c, PQsendQueryParams(c, "select 1", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQpipelineSync(c));
	CALL(c, PQexitPipelineMode(c));
	CALL(c, PQputCopyData(c, "1\n2\n", 4));
	CALL(c, PQputCopyEnd(c, NULL));
	get(c, 0);
	get(c, 0);
	get(c, 0);
	out("PQgetResult (after the sync) -> %s\n", PQgetResult(c) ? "a result" : "NULL");
	CALL(c, PQsendQueryParams(c, "select count(*) from pt", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQpipelineSync(c));
	settle(c, 1);
	drain(c, 1, 1);

	out("\n--- a COPY FROM STDIN the server refuses, in a pipeline\n");
	CALL(c, PQsendQueryParams(c, "copy nosuchtable from stdin", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQpipelineSync(c));
	settle(c, 1);
	get(c, 1);
	CALL(c, PQputCopyData(c, "1\n", 2));
	CALL(c, PQputCopyEnd(c, NULL));
	drain(c, 1, 1);
	CALL(c, PQexitPipelineMode(c));
	PQfinish(c);
}

static void pipeline_exit(void)
{
	PGconn *c = conn();

	out("\n--- PQexitPipelineMode with results pending, busy, and after everything\n");
	CALL(c, PQenterPipelineMode(c));
	CALL(c, PQsendQueryParams(c, "select 'x'", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQexitPipelineMode(c));
	CALL(c, PQpipelineSync(c));
	CALL(c, PQexitPipelineMode(c));
	settle(c, 1);
	CALL(c, PQexitPipelineMode(c));
	out("PQisBusy -> %d\n", PQisBusy(c));
	CALL(c, PQexitPipelineMode(c));
	get(c, 1);
	CALL(c, PQexitPipelineMode(c));
	get(c, 1);
	CALL(c, PQexitPipelineMode(c));
	get(c, 1);
	CALL(c, PQexitPipelineMode(c));
	CALL(c, PQexitPipelineMode(c));

	out("\n--- back out of pipeline mode: PQexec works\n");
	{
		PGresult *r = PQexec(c, "select 'plain'");

		show_result(r);
		PQclear(r);
		st(c);
	}
	PQfinish(c);
}

static void section_pipeline(void)
{
	section("pipeline");
	pipeline_null_and_off();
	pipeline_every_kind();
	pipeline_errors();
	pipeline_flush_and_sync();
	pipeline_refused();
	pipeline_exit();
}

/* ================================================================ rowmodes */

/* Sets the mode (0 off, -1 single row, n chunks of n); prints the answer. */
static void set_mode(PGconn *c, int mode)
{
	if (mode == -1)
		out("PQsetSingleRowMode -> %d\n", PQsetSingleRowMode(c));
	else if (mode > 0)
		out("PQsetChunkedRowsMode(%d) -> %d\n", mode, x_PQsetChunkedRowsMode(c, mode));
}

static const char *mode_name(int mode)
{
	static char b[32];

	if (mode == -1)
		return "single-row";
	snprintf(b, sizeof b, "chunks of %d", mode);
	return b;
}

static void rowmodes_queries(PGconn *c)
{
	static const int modes[] = {-1, 1, 3, 1000};
	static const char *const queries[] = {
		"select 1 where false",
		"select 'only' as one",
		"select n, repeat('x', n) from generate_series(1, 7) n",
	};

	for (size_t m = 0; m < N_OF(modes); m++)
		for (size_t q = 0; q < N_OF(queries); q++)
			for (int extended = 0; extended < 2; extended++)
			{
				out("\n--- %s, %s: %s\n", mode_name(modes[m]), extended ? "PQsendQueryParams" : "PQsendQuery",
					queries[q]);
				if (extended)
					out("send -> %d\n", PQsendQueryParams(c, queries[q], 0, NULL, NULL, NULL, NULL, 0));
				else
					out("send -> %d\n", PQsendQuery(c, queries[q]));
				set_mode(c, modes[m]);
				settle(c, 1);
				drain(c, 0, 1);
			}

	for (size_t m = 0; m < N_OF(modes); m++)
	{
		out("\n--- %s: a multi-statement query\n", mode_name(modes[m]));
		out("send -> %d\n", PQsendQuery(c, "select generate_series(1, 4) as a; select 'x' as b where false; "
										"set application_name = 'diff_pipeline'; select 'y' as c, 'z' as d"));
		set_mode(c, modes[m]);
		settle(c, 1);
		drain(c, 0, 1);

		out("\n--- %s: an error after some rows\n", mode_name(modes[m]));
		out("send -> %d\n", PQsendQuery(c, "select 1/(n-5) as q from generate_series(1, 10) n"));
		set_mode(c, modes[m]);
		settle(c, 1);
		drain(c, 0, 1);

		out("\n--- %s: an error after some rows, extended protocol\n", mode_name(modes[m]));
		out("send -> %d\n", PQsendQueryParams(c, "select 1/(n-5) as q from generate_series(1, 10) n", 0,
											  NULL, NULL, NULL, NULL, 0));
		set_mode(c, modes[m]);
		settle(c, 1);
		drain(c, 0, 1);
	}
}

static void rowmodes_wrong_time(PGconn *c)
{
	out("\n--- setting the mode at the wrong time\n");
	out("idle: PQsetSingleRowMode -> %d\n", PQsetSingleRowMode(c));
	out("idle: PQsetChunkedRowsMode(2) -> %d\n", x_PQsetChunkedRowsMode(c, 2));
	st(c);

	out("send -> %d\n", PQsendQuery(c, "select generate_series(1, 3) as n"));
	out("PQsetChunkedRowsMode(0) -> %d\n", x_PQsetChunkedRowsMode(c, 0));
	out("PQsetChunkedRowsMode(-1) -> %d\n", x_PQsetChunkedRowsMode(c, -1));
	out("PQsetSingleRowMode -> %d\n", PQsetSingleRowMode(c));
	out("PQsetSingleRowMode again -> %d\n", PQsetSingleRowMode(c));
	out("PQsetChunkedRowsMode(2) after it -> %d\n", x_PQsetChunkedRowsMode(c, 2));
	settle(c, 1);
	out("(settled)\n");
	out("PQsetSingleRowMode, the answer read -> %d\n", PQsetSingleRowMode(c));
	out("PQisBusy -> %d\n", PQisBusy(c));
	out("PQsetSingleRowMode, the answer parsed -> %d\n", PQsetSingleRowMode(c));
	get(c, 1);
	out("PQsetSingleRowMode after the first result -> %d\n", PQsetSingleRowMode(c));
	out("PQsetChunkedRowsMode(5) after the first result -> %d\n", x_PQsetChunkedRowsMode(c, 5));
	drain(c, 0, 1);

	out("\n--- single-row mode of a PQsendPrepare / PQsendDescribePrepared\n");
	out("send -> %d\n", PQsendPrepare(c, "rm", "select 1", 0, NULL));
	out("PQsetSingleRowMode -> %d\n", PQsetSingleRowMode(c));
	out("PQsetChunkedRowsMode(2) -> %d\n", x_PQsetChunkedRowsMode(c, 2));
	settle(c, 1);
	drain(c, 0, 1);
	out("send -> %d\n", PQsendDescribePrepared(c, "rm"));
	out("PQsetSingleRowMode -> %d\n", PQsetSingleRowMode(c));
	settle(c, 1);
	drain(c, 0, 1);
	out("send -> %d\n", PQsendQueryPrepared(c, "rm", 0, NULL, NULL, NULL, 0));
	out("PQsetSingleRowMode -> %d\n", PQsetSingleRowMode(c));
	settle(c, 1);
	drain(c, 0, 1);

	out("\n--- the mode does not outlive its command\n");
	out("send -> %d\n", PQsendQuery(c, "select generate_series(1, 2) as n"));
	out("PQsetSingleRowMode -> %d\n", PQsetSingleRowMode(c));
	settle(c, 1);
	drain(c, 0, 1);
	out("send -> %d\n", PQsendQuery(c, "select generate_series(1, 2) as n"));
	settle(c, 1);
	drain(c, 0, 1);
	{
		PGresult *r = PQexec(c, "select generate_series(1, 2) as n");

		out("PQexec ->");
		show_result(r);
		PQclear(r);
	}
}

static void rowmodes_pipeline(PGconn *c)
{
	out("\n--- in a pipeline: the mode is per command, set while it heads the queue\n");
	CALL(c, PQenterPipelineMode(c));
	CALL(c, PQsendQueryParams(c, "select generate_series(1, 3) as a", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendQueryParams(c, "select generate_series(1, 5) as b", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendQueryParams(c, "select generate_series(1, 2) as c", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQpipelineSync(c));
	out("PQsetSingleRowMode -> %d\n", PQsetSingleRowMode(c));
	settle(c, 1);
	get(c, 1);
	get(c, 1);
	get(c, 1);
	get(c, 1);
	get(c, 1);
	out("PQsetChunkedRowsMode(2) (second command) -> %d\n", x_PQsetChunkedRowsMode(c, 2));
	get(c, 1);
	get(c, 1);
	get(c, 1);
	get(c, 1);
	get(c, 1);
	out("(third command, mode not set)\n");
	drain(c, 1, 1);

	out("\n--- in a pipeline: an error after some rows in single-row mode\n");
	CALL(c, PQsendQueryParams(c, "select 1/(n-3) from generate_series(1, 5) n", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendQueryParams(c, "select 'skipped'", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQpipelineSync(c));
	out("PQsetSingleRowMode -> %d\n", PQsetSingleRowMode(c));
	settle(c, 1);
	drain(c, 1, 1);
	CALL(c, PQexitPipelineMode(c));
}

static void section_rowmodes(void)
{
	PGconn *c;

	section("rowmodes");
	c = conn();
	rowmodes_queries(c);
	rowmodes_wrong_time(c);
	rowmodes_pipeline(c);
	PQfinish(c);
}

/* ================================================================ async */

static void wait_socket(PGconn *c, int events)
{
	struct pollfd p = {PQsocket(c), (short) events, 0};

	if (poll(&p, 1, 10000) != 1)
		out("(poll: nothing within 10 s)\n");
}

static void async_basics(void)
{
	PGconn *c = conn();
	PGconn *bad = connect_port("1");
	int rc;

	out("\n--- NULL and broken connections\n");
	out("PQconsumeInput(NULL) -> %d\n", PQconsumeInput(NULL));
	out("PQisBusy(NULL) -> %d\n", PQisBusy(NULL));
	out("PQgetResult(NULL) -> %s\n", PQgetResult(NULL) ? "a result" : "NULL");
	out("PQnotifies(NULL) -> %s\n", PQnotifies(NULL) ? "a notification" : "NULL");
	out("PQsetnonblocking(NULL, 1) -> %d\n", PQsetnonblocking(NULL, 1));
	out("PQisnonblocking(NULL) -> %d\n", PQisnonblocking(NULL));
	out("PQflush(NULL) -> %d\n", PQflush(NULL));
	out("PQsendQuery(NULL) -> %d\n", PQsendQuery(NULL, "select 1"));
	out("broken: PQsetnonblocking(1) -> %d\n", PQsetnonblocking(bad, 1));
	out("broken: PQisnonblocking -> %d\n", PQisnonblocking(bad));
	out("broken: PQflush -> %d\n", PQflush(bad));
	out("broken: PQconsumeInput -> %d\n", PQconsumeInput(bad));
	str("broken: PQerrorMessage", PQerrorMessage(bad));
	out("broken: PQisBusy -> %d\n", PQisBusy(bad));
	out("broken: PQgetResult -> %s\n", PQgetResult(bad) ? "a result" : "NULL");
	PQfinish(bad);

	out("\n--- idle connection\n");
	CALL(c, PQconsumeInput(c));
	CALL(c, PQisBusy(c));
	CALL(c, PQflush(c));
	CALL(c, PQisnonblocking(c));
	out("PQgetResult -> %s\n", PQgetResult(c) ? "a result" : "NULL");

	out("\n--- PQsendQuery, then PQconsumeInput and PQisBusy on poll(2)\n");
	CALL(c, PQsendQuery(c, "select 'polled' as p, pg_sleep(0.05)::text"));
	CALL(c, PQsendQuery(c, "select 'refused'"));
	rc = 1;
	while (PQisBusy(c))
	{
		wait_socket(c, POLLIN);
		rc = PQconsumeInput(c);
		if (!rc)
			break;
	}
	out("loop ended: PQconsumeInput -> %d\n", rc);
	st_busy(c);
	drain(c, 0, 1);

	out("\n--- PQsetnonblocking on, off, again; the error message it clears\n");
	CALL(c, PQsendQuery(c, NULL));
	CALL(c, PQsetnonblocking(c, 1));
	CALL(c, PQisnonblocking(c));
	CALL(c, PQsendQuery(c, NULL));
	CALL(c, PQsetnonblocking(c, 7));
	CALL(c, PQisnonblocking(c));
	CALL(c, PQsetnonblocking(c, 0));
	CALL(c, PQisnonblocking(c));
	CALL(c, PQsetnonblocking(c, 0));
	CALL(c, PQsetnonblocking(c, 1));

	out("\n--- non-blocking: send, flush, poll, consume\n");
	CALL(c, PQsendQuery(c, "select 'nonblocking' as nb"));
	for (;;)
	{
		int f = PQflush(c);

		if (f == 0)
			break;
		if (f < 0)
		{
			out("PQflush -> -1\n");
			break;
		}
		wait_socket(c, POLLOUT | POLLIN);
		PQconsumeInput(c);
	}
	out("flushed\n");
	while (PQisBusy(c))
	{
		wait_socket(c, POLLIN);
		if (!PQconsumeInput(c))
			break;
	}
	st_busy(c);
	drain(c, 0, 1);
	CALL(c, PQsendQuery(c, "select 'while busy, nonblocking'"));
	CALL(c, PQsetnonblocking(c, 0));
	settle(c, 1);
	drain(c, 0, 1);
	CALL(c, PQisnonblocking(c));
	PQfinish(c);
}

/* A pipeline whose data cannot all be written at once: the server sleeps
 * before reading it. Non-blocking PQflush returns 1 until it is out. */
static void async_partial_writes(void)
{
	PGconn *c = conn();
	size_t big = g_valgrind ? 1 << 20 : 24 << 20;
	char *param = malloc(big + 1);
	const char *vals[1] = {param};
	int ones = 0, f;

	out("\n--- non-blocking: 24 MB behind a sleeping server, PQflush until 0\n");
	for (size_t i = 0; i < big; i++)
		param[i] = 'a' + (char) (i % 26);
	param[big] = 0;
	CALL(c, PQsetnonblocking(c, 1));
	CALL(c, PQenterPipelineMode(c));
	CALL(c, PQsendQueryParams(c, "select pg_sleep(0.3)::text as slept", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendFlushRequest(c));
	out("PQflush -> %d\n", PQflush(c));
	CALL(c, PQsendQueryParams(c, "select length($1), md5($1)", 1, NULL, vals, NULL, NULL, 0));
	CALL(c, PQpipelineSync(c));
	while ((f = PQflush(c)) == 1)
	{
		ones++;
		wait_socket(c, POLLOUT | POLLIN);
		if (!PQconsumeInput(c))
			break;
	}
	out("PQflush returned 1 at least once: %s; then %d\n", yes(ones > 0), f);
	free(param);
	for (;;)
	{
		while (PQisBusy(c))
		{
			wait_socket(c, POLLIN);
			if (!PQconsumeInput(c))
				break;
		}
		if (get(c, 0) == PGRES_PIPELINE_SYNC)
			break;
	}
	CALL(c, PQexitPipelineMode(c));
	CALL(c, PQsetnonblocking(c, 0));
	PQfinish(c);
}

static void async_socketpoll(void)
{
	PGconn *c = conn();
	int sock = PQsocket(c);
	now_fn now = (now_fn) sym("PQgetCurrentTimeUSec", 1);
	int64_t t0, t1;
	struct timeval tv;

	out("\n--- PQgetCurrentTimeUSec and PQsocketPoll\n");
	if (now)
	{
		gettimeofday(&tv, NULL);
		t0 = now();
		out("PQgetCurrentTimeUSec within 1 s of gettimeofday: %s\n",
			yes(llabs((long long) (t0 - ((int64_t) tv.tv_sec * 1000000 + tv.tv_usec))) < 1000000));
		out("PQgetCurrentTimeUSec does not go back: %s\n", yes(now() >= t0));
	}
	else
		t0 = 0;
	out("PQsocketPoll(sock, 0, 0, -1) -> %d\n", x_PQsocketPoll(sock, 0, 0, -1));
	out("PQsocketPoll(sock, 1, 0, 0) idle -> %d\n", x_PQsocketPoll(sock, 1, 0, 0));
	out("PQsocketPoll(sock, 0, 1, 0) -> %d\n", x_PQsocketPoll(sock, 0, 1, 0));
	out("PQsocketPoll(sock, 0, 1, -1) -> %d\n", x_PQsocketPoll(sock, 0, 1, -1));
	out("PQsocketPoll(sock, 1, 1, 0) -> %d\n", x_PQsocketPoll(sock, 1, 1, 0));
	out("PQsocketPoll(sock, 1, 0, an hour ago) -> %d\n", x_PQsocketPoll(sock, 1, 0, t0 - 3600000000LL));
	out("PQsocketPoll(sock, 1, 0, 1) (long past) -> %d\n", x_PQsocketPoll(sock, 1, 0, 1));
	out("PQsocketPoll(-1, 1, 0, 0) -> %d\n", x_PQsocketPoll(-1, 1, 0, 0));
	if (now)
	{
		int rc;

		t0 = now();
		rc = x_PQsocketPoll(sock, 1, 0, t0 + 60000);
		t1 = now();
		out("PQsocketPoll(sock, 1, 0, now + 60 ms) idle -> %d, waited >= 50 ms: %s, < 5 s: %s\n", rc,
			yes(t1 - t0 >= 50000), yes(t1 - t0 < 5000000));
	}
	CALL(c, PQsendQuery(c, "select 'readable'"));
	settle(c, 1);
	out("(settled)\n");
	out("PQsocketPoll(sock, 1, 0, 0) with the data read by libpq -> %d\n", x_PQsocketPoll(sock, 1, 0, 0));
	drain(c, 0, 1);
	CALL(c, PQsendQuery(c, "select 'readable 2'"));
	PQflush(c);
	if (now)
		out("PQsocketPoll(sock, 1, 0, now + 10 s) with an answer coming -> %d\n",
			x_PQsocketPoll(sock, 1, 0, now() + 10000000));
	out("PQsocketPoll(sock, 1, 0, -1) -> %d\n", x_PQsocketPoll(sock, 1, 0, -1));
	drain(c, 0, 0);
	PQfinish(c);
}

static void async_notifications(void)
{
	PGconn *c = conn();
	PGconn *o = conn();
	int opid = PQbackendPID(o);
	PGresult *r;

	out("\n--- notifications: to itself during a query\n");
	quiet(c, "listen diff_chan");
	quiet(c, "listen \"Diff Other\"");
	show_notifies(c, opid);
	CALL(c, PQsendQuery(c, "notify diff_chan, 'during'; select 'q1' as a; notify \"Diff Other\"; select 'q2' as b"));
	settle(c, 1);
	for (;;)
	{
		int s = get(c, 1);

		show_notifies(c, opid);
		if (s == -1)
			break;
	}

	out("\n--- notifications: from another session, between queries\n");
	r = PQexec(o, "notify diff_chan, 'between'");
	PQclear(r);
	r = PQexec(o, "notify diff_chan");
	PQclear(r);
	r = PQexec(o, "select pg_notify('diff_chan', repeat('p', 300))");
	PQclear(r);
	out("PQnotifies before reading -> %s\n", PQnotifies(c) ? "a notification" : "NULL");
	{
		int seen = 0;

		for (int tries = 0; seen < 3 && tries < 100; tries++)
		{
			PGnotify *n;

			wait_socket(c, POLLIN);
			if (!PQconsumeInput(c))
			{
				out("PQconsumeInput -> 0\n");
				break;
			}
			while ((n = PQnotifies(c)) != NULL)
			{
				out("  PQnotifies -> relname=\"%s\" extra=\"%.20s\"%s (%zu bytes) be_pid=%s\n", n->relname,
					n->extra, strlen(n->extra) > 20 ? "..." : "", strlen(n->extra),
					n->be_pid == opid ? "other" : "unknown");
				PQfreemem(n);
				seen++;
			}
		}
	}
	out("PQnotifies -> %s\n", PQnotifies(c) ? "a notification" : "NULL");
	st(c);

	out("\n--- notifications: in a pipeline, between syncs\n");
	CALL(c, PQenterPipelineMode(c));
	CALL(c, PQsendQueryParams(c, "select pg_notify('diff_chan', 'in pipeline')", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQpipelineSync(c));
	CALL(c, PQsendQueryParams(c, "select 'after'", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQpipelineSync(c));
	settle(c, 2);
	for (int i = 0; i < 5; i++)
	{
		get(c, 1);
		show_notifies(c, opid);
	}
	CALL(c, PQexitPipelineMode(c));

	r = PQexec(c, "unlisten *");
	PQclear(r);
	PQfinish(o);
	PQfinish(c);
}

static void async_lost_connection(void)
{
	PGconn *c = conn();
	PGconn *o = conn();
	char q[128];
	PGresult *r;
	int rc;

	out("\n--- the server ends the session while the connection is idle\n");
	snprintf(q, sizeof q, "select pg_terminate_backend(%d)", PQbackendPID(c));
	r = PQexec(o, q);
	PQclear(r);
	wait_socket(c, POLLIN);
	rc = PQconsumeInput(c);
	out("PQconsumeInput -> %d\n", rc);
	out("PQisBusy -> %d\n", PQisBusy(c));
	while (rc)
	{
		wait_socket(c, POLLIN);
		rc = PQconsumeInput(c);
		out("PQconsumeInput -> %d\n", rc);
	}
	out("PQstatus -> %d\n", (int) PQstatus(c));
	st(c);
	CALL(c, PQsendQuery(c, "select 1"));
	CALL(c, PQflush(c));
	CALL(c, PQsetnonblocking(c, 1));
	PQfinish(c);

	out("\n--- the server ends the session in the middle of a pipeline\n");
	c = conn();
	snprintf(q, sizeof q, "select pg_terminate_backend(%d)", PQbackendPID(c));
	CALL(c, PQenterPipelineMode(c));
	CALL(c, PQsendQueryParams(c, "select 'before'", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendFlushRequest(c));
	CALL(c, PQsendQueryParams(c, "select pg_sleep(5)", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQsendQueryParams(c, "select 'after'", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQpipelineSync(c));
	CALL(c, PQsendQueryParams(c, "select 'next sync'", 0, NULL, NULL, NULL, NULL, 0));
	CALL(c, PQpipelineSync(c));
	get(c, 0);
	get(c, 0);
	/* wait until the backend sleeps */
	{
		PGresult *t;

		for (int i = 0; i < 500; i++)
		{
			char w[160];

			snprintf(w, sizeof w, "select 1 from pg_stat_activity where pid = %d and query = 'select pg_sleep(5)'",
					 PQbackendPID(c));
			t = PQexec(o, w);
			i = PQntuples(t) == 1 ? 500 : i;
			PQclear(t);
			usleep(10000);
		}
	}
	r = PQexec(o, q);
	PQclear(r);
	for (int i = 0; i < 8; i++)
		get(c, 0);
	out("PQstatus -> %d\n", (int) PQstatus(c));
	CALL(c, PQexitPipelineMode(c));
	CALL(c, PQpipelineSync(c));
	PQfinish(o);
	PQfinish(c);
}

static void section_async(void)
{
	section("async");
	async_basics();
	async_partial_writes();
	async_socketpoll();
	async_notifications();
	async_lost_connection();
}

/* ================================================================ legacycopy */

static void lc_exec(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);

	out("PQexec(\"%s\") ->", sql);
	show_result(r);
	PQclear(r);
	st(c);
}

/* PQgetline into a buffer of `size` bytes until "\." */
static void getline_all(PGconn *c, int size)
{
	char *buf = malloc(size);

	for (int i = 0; i < 100; i++)
	{
		int rc;

		memset(buf, '#', size);
		rc = PQgetline(c, buf, size);
		{
			char *e = escape(buf, strlen(buf));

			out("PQgetline(%d) -> %d \"%s\"\n", size, rc, e);
			free(e);
		}
		if (rc == EOF || (rc == 0 && strcmp(buf, "\\.") == 0))
			break;
	}
	free(buf);
}

static void legacy_out(PGconn *c)
{
	static const int sizes[] = {3, 4, 8, 64, 1024};
	char buf[64];
	PGresult *r;

	out("\n--- PQgetline in buffers of several sizes\n");
	for (size_t s = 0; s < N_OF(sizes); s++)
	{
		out("-- size %d\n", sizes[s]);
		lc_exec(c, "copy lc to stdout");
		getline_all(c, sizes[s]);
		st(c);
		CALL(c, PQendcopy(c));
		drain(c, 0, 0);
	}

	out("\n--- PQgetline: arguments libpq refuses\n");
	lc_exec(c, "copy lc to stdout");
	memset(buf, '#', sizeof buf);
	out("PQgetline(c, buf, 2) -> %d buf[0]=%d\n", PQgetline(c, buf, 2), buf[0]);
	memset(buf, '#', sizeof buf);
	out("PQgetline(c, buf, 1) -> %d buf[0]=%d\n", PQgetline(c, buf, 1), buf[0]);
	memset(buf, '#', sizeof buf);
	out("PQgetline(c, buf, 0) -> %d buf[0]=%d\n", PQgetline(c, buf, 0), buf[0]);
	out("PQgetline(c, NULL, 10) -> %d\n", PQgetline(c, NULL, 10));
	memset(buf, '#', sizeof buf);
	out("PQgetline(NULL, buf, 10) -> %d buf[0]=%d\n", PQgetline(NULL, buf, 10), buf[0]);
	out("PQgetlineAsync(NULL, buf, 10) -> %d\n", PQgetlineAsync(NULL, buf, 10));
	out("PQendcopy(NULL) -> %d\n", PQendcopy(NULL));
	st(c);
	getline_all(c, 64);
	CALL(c, PQendcopy(c));
	drain(c, 0, 0);

	out("\n--- PQgetlineAsync, 5 bytes at a time\n");
	CALL(c, PQsendQuery(c, "copy lc to stdout"));
	settle(c, 1);
	get(c, 1);
	for (int i = 0; i < 200; i++)
	{
		int rc = PQgetlineAsync(c, buf, 5);

		if (rc > 0)
		{
			char *e = escape(buf, rc);

			out("PQgetlineAsync(5) -> %d \"%s\"\n", rc, e);
			free(e);
		}
		else
		{
			out("PQgetlineAsync(5) -> %d\n", rc);
			break;
		}
	}
	out("PQgetlineAsync(5) again -> %d\n", PQgetlineAsync(c, buf, 5));
	st_busy(c);
	CALL(c, PQendcopy(c));
	drain(c, 0, 1);

	out("\n--- PQgetlineAsync with a zero-size buffer, then PQendcopy in the middle\n");
	CALL(c, PQsendQuery(c, "copy lc to stdout"));
	settle(c, 1);
	get(c, 1);
	out("PQgetlineAsync(0) -> %d\n", PQgetlineAsync(c, buf, 0));
	out("PQgetlineAsync(64) -> %d\n", PQgetlineAsync(c, buf, 64));
	CALL(c, PQendcopy(c));
	drain(c, 0, 1);

	out("\n--- PQendcopy right after the COPY OUT started\n");
	lc_exec(c, "copy lc to stdout");
	CALL(c, PQendcopy(c));
	drain(c, 0, 0);

	out("\n--- binary COPY OUT: PQgetline refuses\n");
	lc_exec(c, "copy lc to stdout with (format binary)");
	memset(buf, '#', sizeof buf);
	out("PQgetline -> %d buf[0]=%d\n", PQgetline(c, buf, sizeof buf), buf[0]);
	st(c);
	{
		char *row;
		int n, rows = 0;

		while ((n = PQgetCopyData(c, &row, 0)) > 0)
		{
			rows++;
			PQfreemem(row);
		}
		out("PQgetCopyData: %d rows, then %d\n", rows, n);
	}
	drain(c, 0, 0);

	out("\n--- PQgetline, PQgetlineAsync, PQendcopy without a COPY\n");
	memset(buf, '#', sizeof buf);
	out("PQgetline -> %d buf[0]=%d\n", PQgetline(c, buf, sizeof buf), buf[0]);
	st(c);
	out("PQgetlineAsync -> %d\n", PQgetlineAsync(c, buf, sizeof buf));
	st(c);
	CALL(c, PQendcopy(c));
	{
		char *row = (char *) 1;

		out("PQgetCopyData -> %d row=%s\n", PQgetCopyData(c, &row, 0), row ? "non-NULL" : "NULL");
		st(c);
	}

	out("\n--- COPY OUT through PQexecParams (extended protocol)\n");
	r = PQexecParams(c, "copy lc to stdout", 0, NULL, NULL, NULL, NULL, 0);
	show_result(r);
	PQclear(r);
	getline_all(c, 64);
	CALL(c, PQendcopy(c));
	drain(c, 0, 0);
	r = PQexecParams(c, "copy (select a from lc order by a) to stdout", 0, NULL, NULL, NULL, NULL, 0);
	show_result(r);
	PQclear(r);
	drain(c, 0, 0);
	lc_exec(c, "select 'still in sync'");

	out("\n--- COPY results without columns, and binary\n");
	lc_exec(c, "copy (select) to stdout");
	drain(c, 0, 0);
	/* PQbinaryTuples is the COPY's format, columns or not */
	lc_exec(c, "copy (select) to stdout with (format binary)");
	drain(c, 0, 0);
	lc_exec(c, "copy (select 1, 'a') to stdout with (format binary)");
	drain(c, 0, 0);

	out("\n--- PQexec while a COPY OUT is unread\n");
	lc_exec(c, "copy lc to stdout");
	lc_exec(c, "select 'after the abandoned copy out'");
}

static void legacy_in(PGconn *c)
{
	PGresult *r;

	out("\n--- PQputline, PQputnbytes, the \\. line, PQendcopy\n");
	lc_exec(c, "copy lc from stdin");
	CALL(c, PQputline(c, "10\tten\n"));
	CALL(c, PQputnbytes(c, "11\televen\nIGNORED", 10));
	CALL(c, PQputnbytes(c, "", 0));
	CALL(c, PQputline(c, ""));
	CALL(c, PQputline(c, "\\.\n"));
	CALL(c, PQendcopy(c));
	drain(c, 0, 0);
	lc_exec(c, "select count(*) from lc where a >= 10");

	out("\n--- without the \\. line\n");
	lc_exec(c, "copy lc from stdin");
	CALL(c, PQputline(c, "12\ttwelve\n"));
	CALL(c, PQendcopy(c));
	drain(c, 0, 0);

	out("\n--- a bad row: the error reaches the notice processor\n");
	lc_exec(c, "copy lc from stdin");
	CALL(c, PQputline(c, "13\tthirteen\n"));
	CALL(c, PQputline(c, "not a number\tx\n"));
	CALL(c, PQputline(c, "14\tfourteen\n"));
	CALL(c, PQendcopy(c));
	drain(c, 0, 0);
	CALL(c, PQendcopy(c));

	out("\n--- PQputCopyEnd with an error message\n");
	lc_exec(c, "copy lc from stdin");
	CALL(c, PQputCopyData(c, "15\tfifteen\n", 11));
	CALL(c, PQputCopyEnd(c, "the client gave up"));
	CALL(c, PQputCopyEnd(c, NULL));
	drain(c, 0, 0);
	lc_exec(c, "select count(*) from lc where a = 15");

	out("\n--- PQputCopyEnd without one; empty and negative lengths\n");
	lc_exec(c, "copy lc from stdin");
	CALL(c, PQputCopyData(c, "16\tsixteen\n", 11));
	CALL(c, PQputCopyData(c, "ignored", 0));
	CALL(c, PQputCopyData(c, "ignored", -5));
	CALL(c, PQputCopyEnd(c, NULL));
	drain(c, 0, 0);

	out("\n--- a COPY IN with a bad row reported after PQputCopyEnd\n");
	lc_exec(c, "copy lc from stdin");
	CALL(c, PQputCopyData(c, "17\tok\nxx\tbad\n", 14));
	CALL(c, PQputCopyEnd(c, NULL));
	drain(c, 0, 0);

	out("\n--- COPY IN the server never accepted\n");
	lc_exec(c, "copy nosuchtable from stdin");
	CALL(c, PQputCopyData(c, "1\n", 2));
	CALL(c, PQputline(c, "1\n"));
	CALL(c, PQputCopyEnd(c, NULL));
	CALL(c, PQendcopy(c));

	out("\n--- COPY IN through PQexecParams (extended protocol)\n");
	r = PQexecParams(c, "copy lc from stdin", 0, NULL, NULL, NULL, NULL, 0);
	show_result(r);
	PQclear(r);
	CALL(c, PQputCopyData(c, "20\ttwenty\n", 10));
	CALL(c, PQputCopyEnd(c, NULL));
	drain(c, 0, 0);
	r = PQexecParams(c, "copy lc from stdin", 0, NULL, NULL, NULL, NULL, 0);
	show_result(r);
	PQclear(r);
	CALL(c, PQputline(c, "21\ttwenty-one\n"));
	CALL(c, PQendcopy(c));
	drain(c, 0, 0);
	r = PQexecParams(c, "copy lc from stdin", 0, NULL, NULL, NULL, NULL, 0);
	show_result(r);
	PQclear(r);
	CALL(c, PQputCopyData(c, "22\ttwenty-two\n", 14));
	CALL(c, PQputCopyEnd(c, "abandoned (extended)"));
	drain(c, 0, 0);
	lc_exec(c, "select a, b from lc where a >= 20 order by a");

	out("\n--- PQexec while a COPY IN is open\n");
	lc_exec(c, "copy lc from stdin");
	CALL(c, PQputline(c, "30\tthirty\n"));
	lc_exec(c, "select count(*) from lc where a = 30");

	out("\n--- PQputCopyData, PQputCopyEnd, PQputline without a COPY\n");
	CALL(c, PQputCopyData(c, "x", 1));
	CALL(c, PQputCopyEnd(c, NULL));
	CALL(c, PQputline(c, "x"));
	CALL(c, PQputnbytes(c, "x", 1));
	out("PQputCopyData(NULL) -> %d\n", PQputCopyData(NULL, "x", 1));
	out("PQputCopyEnd(NULL) -> %d\n", PQputCopyEnd(NULL, NULL));
	out("PQputnbytes(NULL) -> %d\n", PQputnbytes(NULL, "x", 1));
}

/* COPY IN in non-blocking mode: PQendcopy while the answer is not read, and
 * 24 MB of PQputCopyData while the server stalls (a statement trigger that
 * sleeps before the COPY reads any data). */
static void nonblocking_copy(PGconn *c)
{
	PGresult *r;
	char *line = malloc(1000);
	int counts[3] = {0, 0, 0};
	int f;
	int64_t t0;

	out("\n--- non-blocking: PQendcopy before the answer is read\n");
	lc_exec(c, "copy lc from stdin");
	CALL(c, PQsetnonblocking(c, 1));
	CALL(c, PQputline(c, "40\tforty\n"));
	CALL(c, PQendcopy(c));
	CALL(c, PQendcopy(c));
	drain(c, 0, 0);

	out("\n--- non-blocking: PQendcopy of a COPY OUT\n");
	CALL(c, PQsendQuery(c, "copy (select 1) to stdout"));
	settle(c, 1);
	get(c, 1);
	CALL_BUSY(c, PQendcopy(c));
	drain(c, 0, 1);

	out("\n--- non-blocking: 24 MB of COPY data while the server stalls\n");
	quiet(c, "create temp table nb(a int, b text)");
	quiet(c, "create function pg_temp.stall() returns trigger language plpgsql as "
		  "$$ begin perform pg_sleep(2); return null; end $$");
	quiet(c, "create trigger nb_stall before insert on nb for each statement execute function pg_temp.stall()");
	r = PQexec(c, "copy nb from stdin");
	out("PQexec(\"copy nb from stdin\") ->");
	show_result(r);
	PQclear(r);
	for (int i = 0; i < 999; i++)
		line[i] = 'a' + i % 26;
	memcpy(line, "1\t", 2);
	line[998] = '\n';
	line[999] = 0;
	t0 = now_ms();
	for (int i = 0; i < (g_valgrind ? 1024 : 24 * 1024); i++)
	{
		int rc = PQputCopyData(c, line, 999);

		counts[rc < 0 ? 2 : rc]++;
		if (rc < 0)
			break;
	}
	out("PQputCopyData: %d x 1, %d x 0, %d x -1\n", counts[1], counts[0], counts[2]);
	if (getenv("DIFF_TIMES"))
		fprintf(stderr, "(24 MB queued in %lld ms)\n", (long long) (now_ms() - t0));
	CALL(c, PQputCopyEnd(c, NULL));
	/* whether PQflush still has work here depends on how fast the loop was */
	while ((f = PQflush(c)) == 1)
	{
		wait_socket(c, POLLOUT | POLLIN);
		if (!PQconsumeInput(c))
			break;
	}
	out("PQflush until not 1 -> %d\n", f);
	while (PQisBusy(c))
	{
		wait_socket(c, POLLIN);
		if (!PQconsumeInput(c))
			break;
	}
	drain(c, 0, 0);
	CALL(c, PQsetnonblocking(c, 0));
	lc_exec(c, "select count(*), sum(length(b)) from nb");
	free(line);
}

static void section_legacycopy(void)
{
	PGconn *c;

	section("legacycopy");
	c = conn();
	quiet(c, "create temp table lc(a int, b text)");
	quiet(c, "insert into lc values (1, 'one'), (2, 'two\ttab'), (3, NULL), "
		  "(4, repeat('y', 30)), (5, 'back\\slash')");
	legacy_out(c);
	legacy_in(c);
	nonblocking_copy(c);
	PQfinish(c);
}

/* ================================================================ main */

static const struct program_section sections[] = {
	{"pipeline", section_pipeline, 1},
	{"rowmodes", section_rowmodes, 1},
	{"async", section_async, 1},
	{"legacycopy", section_legacycopy, 1},
};

int main(int argc, char **argv)
{
	int rc;

	/* under valgrind (its preload library): 1 MB instead of 24 MB */
	g_valgrind = getenv("LD_PRELOAD") && strstr(getenv("LD_PRELOAD"), "vgpreload");
	rc = helper_main(sections, N_OF(sections), argc, argv);

	free(g_peek);
	return rc;
}
