/*
 * Differential test program for the non-blocking connection API: the
 * sequences of PQconnectPoll answers (with PQstatus after each) while
 * connecting, PQresetStart/PQresetPoll, and the PostgreSQL 17 cancel API
 * (PQcancelCreate ... PQcancelFinish). Everything is driven the way libpq's
 * documentation asks: poll(2) on PQsocket for the direction the last answer
 * named (writing right after PQconnectStart / PQresetStart /
 * PQcancelStart). The output with the real libpq 18 and with libpq-rs must
 * be identical (tests/integration/differential.rs).
 *
 * Usage: async [section...]   sections: connpoll reset cancelapi
 *
 * Environment: as diff.c (DIFF_PORT, DIFF_SOCKDIR, DIFF_DB,
 * DIFF_TRUST_USER, DIFF_PASSWORD_USER/_PW, DIFF_MD5_USER/_PW,
 * DIFF_SCRAM_USER/_SCRAM_PW). The program keeps TCP ports of its own: one
 * bound but not listening ({DEADPORT}: refused connections), one whose
 * accept queue it fills ({NOANSWERPORT}: connects never complete), one that
 * listens and never accepts ({SILENTPORT}: the server never speaks).
 *
 * Masked: the port, the socket directory, the program's ports; sockets are
 * printed as "valid" or "-1", backend PIDs as "live"/"0" (and whether they
 * changed). TCP conninfos say sslmode=disable: the npm libpq 18 is built
 * with OpenSSL and would negotiate first (CONNECTION_SSL_STARTUP), libpq-rs
 * has no TLS yet.
 *
 * The one documented difference, masked: libpq-rs looks host names up on a
 * helper thread, so that PQconnectPoll never blocks in getaddrinfo. While
 * the answer is awaited the status is CONNECTION_NEEDED and the answer
 * PGRES_POLLING_READING (PQsocket is an eventfd). libpq never leaves a
 * connection in CONNECTION_NEEDED: it resolves inside PQconnectStart or
 * PQconnectPoll. So for the conninfos marked "resolves" (host names, not
 * addresses), steps that leave the status at CONNECTION_NEEDED are not
 * printed, and when PQconnectStart (or PQresetStart) itself leaves it there,
 * its line shows the state of the first step that moves on (libpq is in
 * that state right after PQconnectStart); that step is not printed again.
 * Nothing else is masked: every other answer and status must match.
 *
 * Not called because libpq 18 dereferences NULL there: PQcancelPoll(NULL),
 * PQcancelReset(NULL).
 */
#define PROGRAM "async"
#include "common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <libpq-events.h>

static const char *g_pwuser, *g_pw, *g_md5user, *g_md5pw, *g_scramuser, *g_scrampw;
static char g_deadport[16];
static char g_noanswerport[16];	/* accept queue full: connects stay in progress */
static char g_silentport[16];	/* connects complete, the server never speaks */

/* ---------------------------------------------------------------- names */

static const char *status_name(int s)
{
	static char buf[32];

	switch (s)
	{
		case 0: return "CONNECTION_OK";
		case 1: return "CONNECTION_BAD";
		case 2: return "CONNECTION_STARTED";
		case 3: return "CONNECTION_MADE";
		case 4: return "CONNECTION_AWAITING_RESPONSE";
		case 5: return "CONNECTION_AUTH_OK";
		case 6: return "CONNECTION_SETENV";
		case 7: return "CONNECTION_SSL_STARTUP";
		case 8: return "CONNECTION_NEEDED";
		case 9: return "CONNECTION_CHECK_WRITABLE";
		case 10: return "CONNECTION_CONSUME";
		case 11: return "CONNECTION_GSS_STARTUP";
		case 12: return "CONNECTION_CHECK_TARGET";
		case 13: return "CONNECTION_CHECK_STANDBY";
		case 14: return "CONNECTION_ALLOCATED";
		case 15: return "CONNECTION_AUTHENTICATING";
		default:
			snprintf(buf, sizeof buf, "ConnStatusType(%d)", s);
			return buf;
	}
}

static const char *poll_name(PostgresPollingStatusType p)
{
	static char buf[48];

	switch ((int) p)
	{
		case PGRES_POLLING_FAILED: return "PGRES_POLLING_FAILED";
		case PGRES_POLLING_READING: return "PGRES_POLLING_READING";
		case PGRES_POLLING_WRITING: return "PGRES_POLLING_WRITING";
		case PGRES_POLLING_OK: return "PGRES_POLLING_OK";
		default:
			snprintf(buf, sizeof buf, "PostgresPollingStatusType(%d)", (int) p);
			return buf;
	}
}

static const char *sock_name(int s)
{
	return s >= 0 ? "valid" : "-1";
}

/* ---------------------------------------------------------------- conninfo templates */

/*
 * %P port, %D dead port, %N no-answer port, %Q silent port, %S socket dir, %B db, %T trust user, %W/%w
 * password user/password, %M/%m md5, %C/%c scram, %% %.
 */
/* The letters of this program's templates (see expand_template). */
static const char *template_code(char letter)
{
	switch (letter)
	{
		case 'P': return g_port;
		case 'D': return g_deadport;
		case 'N': return g_noanswerport;
		case 'Q': return g_silentport;
		case 'S': return g_sockdir;
		case 'B': return g_db;
		case 'T': return g_trust;
		case 'W': return g_pwuser;
		case 'w': return g_pw;
		case 'M': return g_md5user;
		case 'm': return g_md5pw;
		case 'C': return g_scramuser;
		case 'c': return g_scrampw;
		default: return NULL;
	}
}

static char *expand(const char *t)
{
	return expand_template(t, template_code);
}

/* ---------------------------------------------------------------- driving a connection */

/*
 * One connection (or reset, or cancel connection) being driven: the last
 * answer, whether it is done, and its transcript so far (kept, so that many
 * connections driven at once print theirs one after the other).
 */
struct drive
{
	PostgresPollingStatusType last;
	int done;
	int resolves;				/* mask host name lookup steps, see the header */
	int start_pending;			/* the start line waits for the first step out of NEEDED */
	const char *start_label;
	int immediate;				/* print at once instead of keeping the transcript */
	char *log;
	size_t len;
	int steps;
	/* how to poll and inspect it */
	PostgresPollingStatusType (*poll) (void *);
	int (*status) (const void *);
	int (*socket) (const void *);
	void *handle;
};

static void logf_(struct drive *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(struct drive *d, const char *fmt, ...)
{
	va_list ap;
	char *b = NULL;

	va_start(ap, fmt);
	if (vasprintf(&b, fmt, ap) < 0)
		abort();
	va_end(ap);
	if (d->immediate)
	{
		emit(b);
		free(b);
		return;
	}
	d->log = realloc(d->log, d->len + strlen(b) + 1);
	memcpy(d->log + d->len, b, strlen(b) + 1);
	d->len += strlen(b);
	free(b);
}

/* After the start call: its answer (1 started, 0 failed) and the state. */
static void drive_started(struct drive *d, int started)
{
	int st = d->status(d->handle);

	d->last = started ? PGRES_POLLING_WRITING : PGRES_POLLING_FAILED;
	d->done = !started;
	if (d->resolves && st == 8 /* CONNECTION_NEEDED */ && started)
	{
		d->start_pending = 1;
		return;
	}
	logf_(d, "%s: %d status=%s socket=%s\n", d->start_label, started, status_name(st),
		  sock_name(d->socket(d->handle)));
}

/* One poll; the caller waited for what d->last asked. */
static void drive_step(struct drive *d)
{
	PostgresPollingStatusType p = d->poll(d->handle);
	int st = d->status(d->handle);

	d->last = p;
	d->done = p == PGRES_POLLING_OK || p == PGRES_POLLING_FAILED;
	if (d->steps++ > 1000)
	{
		logf_(d, "giving up after 1000 polls\n");
		d->done = 1;
	}
	if (d->resolves && st == 8 /* CONNECTION_NEEDED */ && !d->done)
		return;
	if (d->start_pending)
	{
		d->start_pending = 0;
		logf_(d, "%s: %d status=%s socket=%s\n", d->start_label, p != PGRES_POLLING_FAILED,
			  status_name(st), sock_name(d->socket(d->handle)));
		return;
	}
	logf_(d, "  %s status=%s socket=%s\n", poll_name(p), status_name(st), sock_name(d->socket(d->handle)));
}

/* Drives all of them to the end with one poll(2) loop. */
static void drive_all(struct drive **ds, int n)
{
	struct pollfd *pfd = calloc(n, sizeof *pfd);
	int *which = calloc(n, sizeof *which);

	for (;;)
	{
		int k = 0;

		for (int i = 0; i < n; i++)
		{
			if (ds[i]->done)
				continue;
			pfd[k].fd = ds[i]->socket(ds[i]->handle);
			pfd[k].events = ds[i]->last == PGRES_POLLING_READING ? POLLIN : POLLOUT;
			pfd[k].revents = 0;
			which[k++] = i;
		}
		if (k == 0)
			break;
		for (int j = 0; j < k; j++)
			if (pfd[j].fd < 0)
			{
				/* libpq gave no socket to wait on: poll at once */
				drive_step(ds[which[j]]);
				goto next;
			}
		if (poll(pfd, k, 30000) <= 0)
		{
			for (int j = 0; j < k; j++)
			{
				logf_(ds[which[j]], "poll(2) timed out or failed\n");
				ds[which[j]]->done = 1;
			}
			break;
		}
		for (int j = 0; j < k; j++)
			if (pfd[j].revents)
				drive_step(ds[which[j]]);
next:	;
	}
	free(pfd);
	free(which);
}

static void drive_one(struct drive *d)
{
	d->immediate = 1;
	drive_all(&d, 1);
}

static void drive_print_free(struct drive *d)
{
	if (d->log)
		emit(d->log);
	free(d->log);
	d->log = NULL;
	d->len = 0;
}

static PostgresPollingStatusType poll_conn(void *c)
{
	return PQconnectPoll(c);
}

static PostgresPollingStatusType poll_reset(void *c)
{
	return PQresetPoll(c);
}

static int status_conn(const void *c)
{
	return PQstatus(c);
}

static int socket_conn(const void *c)
{
	return PQsocket(c);
}

/* ---------------------------------------------------------------- connpoll */

struct conncase
{
	const char *tmpl;
	int resolves;
};

static const struct conncase conncases[] = {
	{"host=127.0.0.1 port=%P dbname=%B user=%T sslmode=disable", 0},
	{"host=%S port=%P dbname=%B user=%T", 0},
	{"hostaddr=127.0.0.1 port=%P dbname=%B user=%T sslmode=disable", 0},
	{"host=127.0.0.1 port=%P dbname=%B user=%C password=%c sslmode=disable", 0},
	{"host=%S port=%P dbname=%B user=%C password=%c", 0},
	{"host=%S port=%P dbname=%B user=%M password=%m", 0},
	{"host=127.0.0.1 port=%P dbname=%B user=%W password=%w sslmode=disable", 0},
	{"host=127.0.0.1 port=%P dbname=%B user=%C password=wrong sslmode=disable", 0},
	{"host=%S port=%P dbname=%B user=%M password=wrong", 0},
	{"host=%S port=%P dbname=%B user=%W", 0},
	{"host=127.0.0.1 port=%P dbname=no_such_database user=%T sslmode=disable", 0},
	{"host=127.0.0.1 port=%P dbname=%B user=no_such_role sslmode=disable", 0},
	{"host=127.0.0.1 port=%P dbname=%B user=%T options='-c no_such_setting=1' sslmode=disable", 0},
	{"host=127.0.0.1 port=%D sslmode=disable", 0},
	{"host=%S port=%D", 0},
	{"host=127.0.0.1,127.0.0.1 port=%D,%P dbname=%B user=%T sslmode=disable", 0},
	{"host=%S,127.0.0.1 port=%D,%P dbname=%B user=%T sslmode=disable", 0},
	{"host=127.0.0.1,%S port=%D,%D sslmode=disable", 0},
	{"host=127.0.0.1 port=99999 sslmode=disable", 0},
	{"host=127.0.0.1,127.0.0.1 port=99999,%P dbname=%B user=%T sslmode=disable", 0},
	{"host=127.0.0.1 port=%P dbname=%B user=%T no_such_option=1", 0},
	{"host=127.0.0.1 port=%P dbname=%B user=%T sslmode=disable target_session_attrs=read-write", 0},
	{"host=127.0.0.1 port=%P dbname=%B user=%T sslmode=disable target_session_attrs=read-only", 0},
	{"host=127.0.0.1,%S port=%P dbname=%B user=%T sslmode=disable target_session_attrs=standby", 0},
	{"host=127.0.0.1,%S port=%P dbname=%B user=%T sslmode=disable target_session_attrs=prefer-standby", 0},
	{"host=127.0.0.1 port=%P dbname=%B user=%T sslmode=disable target_session_attrs=primary", 0},
	{"host=127.0.0.1 port=%P dbname=%B user=%T sslmode=disable require_auth=md5", 0},
	{"host=127.0.0.1 port=%P dbname=%B user=%C password=%c sslmode=disable require_auth=scram-sha-256", 0},
	{"host=127.0.0.1 port=%P dbname=%B user=%T sslmode=disable connect_timeout=1", 0},
	{"host=127.0.0.1 port=%P dbname=%B user=%T sslmode=disable connect_timeout=-5", 0},
	{"host=127.0.0.1 port=%P dbname=%B user=%T sslmode=disable connect_timeout=bogus", 0},
	{"host=localhost port=%P dbname=%B user=%T sslmode=disable", 1},
	{"host=localhost port=%D sslmode=disable", 1},
	{"host=nonexistent.invalid port=%P dbname=%B user=%T sslmode=disable", 1},
	{"host=nonexistent.invalid,127.0.0.1 port=%P dbname=%B user=%T sslmode=disable", 1},
	{"host=127.0.0.1,localhost port=%D,%P dbname=%B user=%T sslmode=disable", 1},
	{"host=nonexistent.invalid,localhost port=%P dbname=%B user=%C password=%c sslmode=disable", 1},
};

/* What a finished connection shows. */
static void print_outcome(PGconn *c)
{
	out("PQstatus: %s\n", status_name(PQstatus(c)));
	str("PQerrorMessage", PQerrorMessage(c));
	str("PQhost", PQhost(c));
	str("PQhostaddr", PQhostaddr(c));
	str("PQport", PQport(c));
	out("PQbackendPID: %s\n", PQbackendPID(c) ? "live" : "0");
	out("PQtransactionStatus: %s\n", txn_name(PQtransactionStatus(c)));
	if (PQstatus(c) == CONNECTION_OK)
	{
		PGresult *r = PQexec(c, "SELECT current_user = session_user");

		out("query: %s %s\n", PQresStatus(PQresultStatus(r)),
			PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "(no row)");
		PQclear(r);
	}
}

static struct drive *new_conn_drive(const char *ci, int resolves, int immediate)
{
	struct drive *d = calloc(1, sizeof *d);

	d->immediate = immediate;
	d->poll = poll_conn;
	d->status = status_conn;
	d->socket = socket_conn;
	d->resolves = resolves;
	d->start_label = "PQconnectStart";
	d->handle = PQconnectStart(ci);
	if (d->handle == NULL)
	{
		logf_(d, "PQconnectStart: NULL\n");
		d->done = 1;
		return d;
	}
	drive_started(d, PQstatus(d->handle) != CONNECTION_BAD);
	return d;
}

static void section_connpoll(void)
{
	section("connpoll");

	for (size_t i = 0; i < N_OF(conncases); i++)
	{
		char *ci = expand(conncases[i].tmpl);
		struct drive *d;

		out("\n--- %s%s\n", ci, conncases[i].resolves ? " (resolves)" : "");
		d = new_conn_drive(ci, conncases[i].resolves, 1);
		drive_one(d);
		drive_print_free(d);
		print_outcome(d->handle);
		/* polling a finished connection again */
		out("PQconnectPoll again: %s status=%s\n", poll_name(PQconnectPoll(d->handle)),
			status_name(PQstatus(d->handle)));
		PQfinish(d->handle);
		free(d);
		free(ci);
	}

	out("\n--- PQconnectPoll(NULL): %s\n", poll_name(PQconnectPoll(NULL)));
	{
		const char *const kw[] = {"host", "port", "dbname", "user", "sslmode", NULL};
		const char *const vals[] = {"127.0.0.1", g_port, g_db, g_trust, "disable", NULL};
		struct drive d = {.poll = poll_conn, .status = status_conn, .socket = socket_conn,
		.start_label = "PQconnectStartParams", .immediate = 1};

		out("\n--- PQconnectStartParams(host=127.0.0.1 port=%s ...)\n", g_port);
		d.handle = PQconnectStartParams(kw, vals, 0);
		drive_started(&d, PQstatus(d.handle) != CONNECTION_BAD);
		drive_one(&d);
		drive_print_free(&d);
		print_outcome(d.handle);
		PQfinish(d.handle);
	}

	/*
	 * connect_timeout in the blocking PQconnectdb (libpq ignores it in poll
	 * mode, so that cannot be compared): a connect that never completes,
	 * and a server that never answers the startup packet, then a good host.
	 */
	{
		static const char *const timeouts[] = {
			"host=127.0.0.1 port=%N connect_timeout=2 sslmode=disable",
			"host=127.0.0.1,127.0.0.1 port=%Q,%P dbname=%B user=%T connect_timeout=2 sslmode=disable",
		};

		for (size_t i = 0; i < N_OF(timeouts); i++)
		{
			char *ci = expand(timeouts[i]);
			PGconn *c;

			out("\n--- PQconnectdb(\"%s\")\n", ci);
			c = PQconnectdb(ci);
			print_outcome(c);
			PQfinish(c);
			free(ci);
		}
	}

	/* Many connections at once, one poll(2) loop; transcripts in order. */
	{
		enum { N = 20 };
		static const struct conncase many[] = {
			{"host=127.0.0.1 port=%P dbname=%B user=%T sslmode=disable application_name=many", 0},
			{"host=%S port=%P dbname=%B user=%T application_name=many", 0},
			{"host=127.0.0.1 port=%P dbname=%B user=%C password=%c sslmode=disable", 0},
			{"host=%S port=%P dbname=%B user=%M password=%m", 0},
			{"host=localhost port=%P dbname=%B user=%T sslmode=disable", 1},
			{"host=127.0.0.1,%S port=%D,%P dbname=%B user=%T sslmode=disable", 0},
			{"host=%S port=%P dbname=%B user=%W password=%w", 0},
		};
		struct drive *ds[N];
		char *cis[N];

		out("\n--- %d connections in one poll(2) loop\n", N);
		for (int i = 0; i < N; i++)
		{
			cis[i] = expand(many[i % N_OF(many)].tmpl);
			ds[i] = new_conn_drive(cis[i], many[i % N_OF(many)].resolves, 0);
		}
		drive_all(ds, N);
		for (int i = 0; i < N; i++)
		{
			out("[%d] %s\n", i, cis[i]);
			drive_print_free(ds[i]);
			out("[%d] PQstatus: %s, PQbackendPID: %s\n", i, status_name(PQstatus(ds[i]->handle)),
				PQbackendPID(ds[i]->handle) ? "live" : "0");
		}
		for (int i = 0; i < N; i++)
		{
			PQfinish(ds[i]->handle);
			free(ds[i]);
			free(cis[i]);
		}
	}
}

/* ---------------------------------------------------------------- reset */

static int g_fail_reset;

static int event_proc(PGEventId id, void *info, void *pass)
{
	switch (id)
	{
		case PGEVT_REGISTER:
			out("  [event %s] PGEVT_REGISTER\n", (const char *) pass);
			break;
		case PGEVT_CONNRESET:
			{
				PGEventConnReset *e = info;

				out("  [event %s] PGEVT_CONNRESET status=%s%s\n", (const char *) pass,
					status_name(PQstatus(e->conn)), g_fail_reset ? " (answering failure)" : "");
				return !g_fail_reset;
			}
		case PGEVT_CONNDESTROY:
			out("  [event %s] PGEVT_CONNDESTROY\n", (const char *) pass);
			break;
		default:
			out("  [event %s] event %d\n", (const char *) pass, (int) id);
			break;
	}
	return 1;
}

/* PQresetStart, then PQresetPoll until done, printing the steps. */
static void reset_and_drive(PGconn *c, int resolves)
{
	struct drive d = {.poll = poll_reset, .status = status_conn, .socket = socket_conn,
	.start_label = "PQresetStart", .resolves = resolves, .handle = c};
	int pid = PQbackendPID(c);
	int started = PQresetStart(c);

	d.immediate = 1;
	drive_started(&d, started);
	drive_one(&d);
	out("PQstatus: %s\n", status_name(PQstatus(c)));
	str("PQerrorMessage", PQerrorMessage(c));
	out("PQbackendPID: %s\n",
		PQbackendPID(c) == 0 ? "0" : PQbackendPID(c) == pid ? "live, unchanged" : "live, new");
	out("PQtransactionStatus: %s\n", txn_name(PQtransactionStatus(c)));
}

static void reset_case(const char *label, const char *tmpl, int resolves, int with_event)
{
	char *ci = expand(tmpl);
	PGconn *c;

	out("\n--- %s: %s\n", label, ci);
	c = PQconnectdb(ci);
	out("PQconnectdb: %s\n", status_name(PQstatus(c)));
	if (with_event)
		out("PQregisterEventProc: %d\n", PQregisterEventProc(c, event_proc, "reset", "E"));
	reset_and_drive(c, resolves);
	if (PQstatus(c) == CONNECTION_OK)
	{
		PGresult *r = PQexec(c, "SELECT 1");

		out("SELECT 1: %s\n", PQresStatus(PQresultStatus(r)));
		PQclear(r);
	}
	PQfinish(c);
	free(ci);
}

static void section_reset(void)
{
	section("reset");

	reset_case("TCP, with an event proc", "host=127.0.0.1 port=%P dbname=%B user=%T sslmode=disable", 0, 1);
	reset_case("Unix socket, SCRAM", "host=%S port=%P dbname=%B user=%C password=%c", 0, 1);
	reset_case("host name", "host=localhost port=%P dbname=%B user=%T sslmode=disable", 1, 0);
	reset_case("first host dead", "host=127.0.0.1,%S port=%D,%P dbname=%B user=%T sslmode=disable", 0, 0);
	reset_case("wrong password", "host=127.0.0.1 port=%P dbname=%B user=%C password=wrong sslmode=disable", 0, 1);
	reset_case("dead port", "host=127.0.0.1 port=%D sslmode=disable", 0, 0);
	reset_case("dead Unix socket", "host=%S port=%D", 0, 0);
	reset_case("invalid option", "host=127.0.0.1 port=%P no_such_option=1", 0, 0);
	reset_case("invalid sslmode", "host=127.0.0.1 port=%P sslmode=bogus", 0, 0);

	{
		char *ci = expand("host=127.0.0.1 port=%P dbname=%B user=%T sslmode=disable");
		PGconn *c = PQconnectdb(ci);
		PGresult *r;

		out("\n--- in a transaction, a failing event proc, the backend terminated, polled again after OK\n");
		out("PQregisterEventProc: %d\n", PQregisterEventProc(c, event_proc, "reset", "F"));
		PQclear(PQexec(c, "BEGIN"));
		out("PQtransactionStatus before: %s\n", txn_name(PQtransactionStatus(c)));
		g_fail_reset = 1;
		reset_and_drive(c, 0);
		g_fail_reset = 0;
		out("PQresetPoll again: %s\n", poll_name(PQresetPoll(c)));
		out("PQconnectPoll again: %s\n", poll_name(PQconnectPoll(c)));

		/* terminate the backend under it, then reset */
		{
			char q[96];

			snprintf(q, sizeof q, "SELECT pg_terminate_backend(%d)", PQbackendPID(c));
			r = PQexec(g_helper, q);
			out("terminated: %s\n", PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "?");
			PQclear(r);
		}
		reset_and_drive(c, 0);

		/* a query in progress when reset */
		out("PQsendQuery: %d\n", PQsendQuery(c, "SELECT pg_sleep(0.1)"));
		reset_and_drive(c, 0);
		r = PQgetResult(c);
		out("PQgetResult after reset: %s\n", r ? PQresStatus(PQresultStatus(r)) : "NULL");
		PQclear(r);

		/* the blocking PQreset, for comparison */
		out("PQreset:\n");
		PQreset(c);
		out("PQstatus: %s\n", status_name(PQstatus(c)));
		PQfinish(c);
		free(ci);
	}

	out("\n--- NULL\n");
	out("PQresetStart(NULL): %d\n", PQresetStart(NULL));
	out("PQresetPoll(NULL): %s\n", poll_name(PQresetPoll(NULL)));
	PQreset(NULL);
	out("PQreset(NULL): done\n");
}

/* ---------------------------------------------------------------- cancelapi */

typedef void *(*cancelcreate_fn) (PGconn *);
typedef int (*cancelint_fn) (void *);
typedef PostgresPollingStatusType (*cancelpoll_fn) (void *);
typedef int (*cancelstatus_fn) (const void *);
typedef char *(*cancelerr_fn) (const void *);
typedef void (*cancelvoid_fn) (void *);

static cancelcreate_fn f_create;
static cancelint_fn f_start, f_blocking;
static cancelpoll_fn f_poll;
static cancelstatus_fn f_status, f_socket;
static cancelerr_fn f_errmsg;
static cancelvoid_fn f_reset, f_finish;

static PostgresPollingStatusType poll_cancel(void *cc)
{
	return f_poll(cc);
}

static void show_cancel(const char *label, void *cc)
{
	out("%s: status=%s socket=%s\n", label, status_name(f_status(cc)), sock_name(f_socket(cc)));
	str("  PQcancelErrorMessage", f_errmsg(cc));
}

/* PQcancelStart and PQcancelPoll until done, printing the steps. */
static void cancel_and_drive(void *cc)
{
	struct drive d = {.poll = poll_cancel, .status = f_status, .socket = f_socket,
	.start_label = "PQcancelStart", .handle = cc, .immediate = 1};

	drive_started(&d, f_start(cc));
	drive_one(&d);
	drive_print_free(&d);
	show_cancel("after", cc);
}

/* The result of the query that was running, and the connection after it. */
static void show_canceled_query(PGconn *c)
{
	PGresult *r;

	while ((r = PQgetResult(c)) != NULL)
	{
		out("PQgetResult: %s\n", PQresStatus(PQresultStatus(r)));
		str("  PQresultErrorMessage", PQresultErrorMessage(r));
		str("  PG_DIAG_SQLSTATE", PQresultErrorField(r, PG_DIAG_SQLSTATE));
		PQclear(r);
	}
	r = PQexec(c, "SELECT 1");
	out("then SELECT 1: %s\n", PQresStatus(PQresultStatus(r)));
	PQclear(r);
}

/* Waits (up to 10 s) until the backend runs the query, so that the cancel
 * does not arrive before it (a cancel while idle does nothing). */
static void wait_running(PGconn *c)
{
	char q[160];

	snprintf(q, sizeof q,
			 "SELECT 1 FROM pg_stat_activity WHERE pid = %d AND state = 'active' "
			 "AND query LIKE 'SELECT pg_sleep%%'", PQbackendPID(c));
	for (int i = 0; i < 1000; i++)
	{
		PGresult *r = PQexec(g_helper, q);
		int n = PQntuples(r);

		PQclear(r);
		if (n == 1)
			return;
		usleep(10000);
	}
	out("the query did not start running\n");
}

static PGconn *open_conn(const char *tmpl)
{
	char *ci = expand(tmpl);
	PGconn *c = PQconnectdb(ci);

	if (PQstatus(c) != CONNECTION_OK)
	{
		out("connection failed: %s\n", ci);
		str("  PQerrorMessage", PQerrorMessage(c));
	}
	free(ci);
	return c;
}

static void section_cancelapi(void)
{
	section("cancelapi");

	f_create = (cancelcreate_fn) sym("PQcancelCreate", 1);
	f_start = (cancelint_fn) sym("PQcancelStart", 1);
	f_blocking = (cancelint_fn) sym("PQcancelBlocking", 1);
	f_poll = (cancelpoll_fn) sym("PQcancelPoll", 1);
	f_status = (cancelstatus_fn) sym("PQcancelStatus", 1);
	f_socket = (cancelstatus_fn) sym("PQcancelSocket", 1);
	f_errmsg = (cancelerr_fn) sym("PQcancelErrorMessage", 1);
	f_reset = (cancelvoid_fn) sym("PQcancelReset", 1);
	f_finish = (cancelvoid_fn) sym("PQcancelFinish", 1);
	if (!f_create || !f_start || !f_blocking || !f_poll || !f_status || !f_socket || !f_errmsg ||
		!f_reset || !f_finish)
		return;

	out("\n--- NULL arguments\n");
	out("PQcancelStart(NULL): %d\n", f_start(NULL));
	out("PQcancelBlocking(NULL): %d\n", f_blocking(NULL));
	out("PQcancelStatus(NULL): %s\n", status_name(f_status(NULL)));
	out("PQcancelSocket(NULL): %d\n", f_socket(NULL));
	str("PQcancelErrorMessage(NULL)", f_errmsg(NULL));
	f_finish(NULL);
	out("PQcancelFinish(NULL): done\n");

	out("\n--- PQcancelCreate(NULL)\n");
	{
		void *cc = f_create(NULL);

		out("PQcancelCreate: %s\n", cc ? "a handle" : "NULL");
		show_cancel("created", cc);
		out("PQcancelStart: %d\n", f_start(cc));
		out("PQcancelBlocking: %d\n", f_blocking(cc));
		show_cancel("then", cc);
		f_reset(cc);
		show_cancel("PQcancelReset", cc);
		out("PQcancelStart: %d\n", f_start(cc));
		show_cancel("then", cc);
		f_reset(cc);
		out("PQcancelPoll after reset: %s\n", poll_name(f_poll(cc)));
		show_cancel("then", cc);
		f_finish(cc);
	}

	out("\n--- a connection that failed (refused)\n");
	{
		PGconn *bad = open_conn("host=127.0.0.1 port=%D sslmode=disable");
		void *cc = f_create(bad);

		show_cancel("created", cc);
		out("PQcancelBlocking: %d\n", f_blocking(cc));
		show_cancel("then", cc);
		f_finish(cc);
		PQfinish(bad);
	}

	out("\n--- a connection that failed (wrong password)\n");
	{
		PGconn *bad = open_conn("host=127.0.0.1 port=%P dbname=%B user=%C password=wrong sslmode=disable");
		void *cc = f_create(bad);

		out("PQsocket of the failed connection: %s\n", sock_name(PQsocket(bad)));
		show_cancel("created", cc);
		out("PQcancelBlocking: %d\n", f_blocking(cc));
		show_cancel("then", cc);
		f_finish(cc);
		PQfinish(bad);
	}

	out("\n--- a connection still starting\n");
	{
		char *ci = expand("host=127.0.0.1 port=%P dbname=%B user=%T sslmode=disable");
		PGconn *c = PQconnectStart(ci);
		void *cc = f_create(c);

		out("original: %s\n", status_name(PQstatus(c)));
		show_cancel("created", cc);
		f_finish(cc);
		PQfinish(c);
		free(ci);
	}

	static const char *const idle_cases[] = {
		"host=127.0.0.1 port=%P dbname=%B user=%T sslmode=disable",
		"host=%S port=%P dbname=%B user=%T",
		"host=localhost port=%P dbname=%B user=%T sslmode=disable",
		"host=127.0.0.1,%S port=%D,%P dbname=%B user=%T sslmode=disable",
		"host=127.0.0.1 port=%P dbname=%B user=%C password=%c sslmode=disable connect_timeout=5 keepalives=1 keepalives_idle=30",
	};

	for (size_t i = 0; i < N_OF(idle_cases); i++)
	{
		PGconn *c = open_conn(idle_cases[i]);
		char *ci = expand(idle_cases[i]);
		void *cc;

		out("\n--- an idle connection: %s\n", ci);
		free(ci);
		cc = f_create(c);
		show_cancel("created", cc);
		cancel_and_drive(cc);
		out("PQcancelStart again: %d\n", f_start(cc));
		show_cancel("then", cc);
		out("PQcancelPoll on it: %s\n", poll_name(f_poll(cc)));
		f_reset(cc);
		show_cancel("PQcancelReset", cc);
		out("PQcancelBlocking: %d\n", f_blocking(cc));
		show_cancel("then", cc);
		out("PQcancelPoll after: %s\n", poll_name(f_poll(cc)));
		f_reset(cc);
		out("PQcancelPoll before PQcancelStart: %s\n", poll_name(f_poll(cc)));
		show_cancel("then", cc);
		f_reset(cc);
		cancel_and_drive(cc);
		f_finish(cc);
		show_canceled_query(c);
		PQfinish(c);
	}

	static const char *const running_cases[] = {
		"host=127.0.0.1 port=%P dbname=%B user=%T sslmode=disable",
		"host=%S port=%P dbname=%B user=%T",
	};

	for (size_t i = 0; i < N_OF(running_cases); i++)
	{
		for (int blocking = 0; blocking <= 1; blocking++)
		{
			PGconn *c = open_conn(running_cases[i]);
			char *ci = expand(running_cases[i]);
			void *cc;

			out("\n--- pg_sleep running, %s: %s\n", blocking ? "PQcancelBlocking" : "PQcancelStart/Poll",
				ci);
			free(ci);
			out("PQsendQuery: %d\n", PQsendQuery(c, "SELECT pg_sleep(60)"));
			wait_running(c);
			cc = f_create(c);
			show_cancel("created", cc);
			if (blocking)
			{
				out("PQcancelBlocking: %d\n", f_blocking(cc));
				show_cancel("then", cc);
			}
			else
				cancel_and_drive(cc);
			show_canceled_query(c);
			/* the same cancel connection again, on the next query */
			out("PQsendQuery: %d\n", PQsendQuery(c, "SELECT pg_sleep(60)"));
			wait_running(c);
			f_reset(cc);
			out("PQcancelBlocking after PQcancelReset: %d\n", f_blocking(cc));
			show_cancel("then", cc);
			show_canceled_query(c);
			f_finish(cc);
			PQfinish(c);
		}
	}

	out("\n--- the original connection closed before the cancel\n");
	{
		PGconn *c = open_conn("host=127.0.0.1 port=%P dbname=%B user=%T sslmode=disable");
		void *cc = f_create(c);

		PQfinish(c);
		show_cancel("created", cc);
		out("PQcancelBlocking: %d\n", f_blocking(cc));
		show_cancel("then", cc);
		f_finish(cc);
	}

	out("\n--- finished while in progress\n");
	{
		PGconn *c = open_conn("host=127.0.0.1 port=%P dbname=%B user=%T sslmode=disable");
		void *cc = f_create(c);

		out("PQcancelStart: %d\n", f_start(cc));
		show_cancel("then", cc);
		f_finish(cc);
		PQfinish(c);
		out("done\n");
	}
}

/* ---------------------------------------------------------------- main */

static const struct program_section sections[] = {
	{"connpoll", section_connpoll, 1},
	{"reset", section_reset, 1},
	{"cancelapi", section_cancelapi, 1},
};

/* A listening TCP port on 127.0.0.1 that is never accepted from; its
 * number goes into `port`, masked as `mask`. */
static int listening_port(int backlog, char *port, const char *mask)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *) &sa, sizeof sa) != 0 || listen(fd, backlog) != 0 ||
		getsockname(fd, (struct sockaddr *) &sa, &sl) != 0)
	{
		perror(PROGRAM ": listening port");
		exit(2);
	}
	snprintf(port, 16, "%d", ntohs(sa.sin_port));
	add_mask(port, mask, 1);
	return fd;
}

/* Connects to `port` until a connect no longer completes (the accept queue
 * is full, further SYNs are dropped); returns how many sockets it keeps. */
static int fill_accept_queue(const char *port, int *fds, int max)
{
	struct sockaddr_in sa;
	int n = 0;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons(atoi(port));
	while (n < max)
	{
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		struct pollfd p = {fd, POLLOUT, 0};
		int err = 0;
		socklen_t el = sizeof err;

		if (connect(fd, (struct sockaddr *) &sa, sizeof sa) != 0 && errno != EINPROGRESS)
		{
			close(fd);
			break;
		}
		if (poll(&p, 1, 300) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err != 0)
		{
			close(fd);
			return n;
		}
		fds[n++] = fd;
	}
	fprintf(stderr, PROGRAM ": the accept queue does not fill up\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int dead, noanswer, silent, nfill, fill[16];
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;

	start_program(0);
	read_server_env();
	g_pwuser = need_env("DIFF_PASSWORD_USER", NULL);
	g_pw = need_env("DIFF_PASSWORD_PW", NULL);
	g_md5user = need_env("DIFF_MD5_USER", NULL);
	g_md5pw = need_env("DIFF_MD5_PW", NULL);
	g_scramuser = need_env("DIFF_SCRAM_USER", NULL);
	g_scrampw = need_env("DIFF_SCRAM_PW", NULL);
	check_sections(sections, N_OF(sections), argc, argv);

	/* a port that refuses connections: bound, never listening */
	dead = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (dead < 0 || bind(dead, (struct sockaddr *) &sa, sizeof sa) != 0 ||
		getsockname(dead, (struct sockaddr *) &sa, &sl) != 0)
	{
		perror(PROGRAM ": dead port");
		return 2;
	}
	snprintf(g_deadport, sizeof g_deadport, "%d", ntohs(sa.sin_port));
	add_mask(g_deadport, "{DEADPORT}", 1);
	noanswer = listening_port(0, g_noanswerport, "{NOANSWERPORT}");
	silent = listening_port(16, g_silentport, "{SILENTPORT}");
	nfill = fill_accept_queue(g_noanswerport, fill, N_OF(fill));

	g_helper = connect_trust();
	run_sections(sections, N_OF(sections), argc, argv);
	PQfinish(g_helper);
	close(dead);
	close(noanswer);
	close(silent);
	for (int i = 0; i < nfill; i++)
		close(fill[i]);
	out("\n======== end ========\n");
	return 0;
}
