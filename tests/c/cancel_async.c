/*
 * PQcancel from a signal handler and from a second thread, as libpq
 * documents it may be called: a long pg_sleep is canceled either way.
 * Usage: cancel_async CONNINFO signal|thread
 * Prints the SQLSTATE of the canceled statement and how PQcancel answered.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libpq-fe.h"

static PGcancel *volatile g_cancel;
static volatile sig_atomic_t g_cancel_rc = -1;
static char g_errbuf[256];

static void
on_alarm(int sig)
{
	(void) sig;
	/* Only async-signal-safe work happens inside PQcancel. */
	g_cancel_rc = PQcancel(g_cancel, g_errbuf, sizeof g_errbuf);
}

static void *
cancel_later(void *arg)
{
	(void) arg;
	usleep(500 * 1000);
	g_cancel_rc = PQcancel(g_cancel, g_errbuf, sizeof g_errbuf);
	return NULL;
}

int
main(int argc, char **argv)
{
	PGconn	   *conn;
	PGresult   *res;
	pthread_t	thread;
	int			use_thread;

	if (argc < 3)
		return 2;
	use_thread = strcmp(argv[2], "thread") == 0;
	conn = PQconnectdb(argv[1]);
	if (PQstatus(conn) != CONNECTION_OK)
	{
		fprintf(stderr, "%s", PQerrorMessage(conn));
		return 1;
	}
	g_cancel = PQgetCancel(conn);
	if (use_thread)
		pthread_create(&thread, NULL, cancel_later, NULL);
	else
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_alarm;
		sigaction(SIGALRM, &sa, NULL);
		alarm(1);
	}
	res = PQexec(conn, "select pg_sleep(30)");
	if (use_thread)
		pthread_join(thread, NULL);
	printf("status: %s\n", PQresStatus(PQresultStatus(res)));
	printf("sqlstate: %s\n", PQresultErrorField(res, PG_DIAG_SQLSTATE));
	printf("PQcancel: %d, errbuf: \"%s\"\n", (int) g_cancel_rc, g_errbuf);
	PQclear(res);
	PQfreeCancel(g_cancel);
	PQfinish(conn);
	return 0;
}
