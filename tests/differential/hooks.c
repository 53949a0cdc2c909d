/*
 * Differential test program for libpq's process-wide hooks: the global
 * thread lock (PQregisterThreadLock: what it returns, when libpq takes the
 * registered lock), the OAuth auth-data hook API of libpq 18
 * (PQsetAuthDataHook, PQgetAuthDataHook, PQdefaultAuthDataHook) and the
 * legacy pqsignal export (sigaction flags, previous handlers, errors). It
 * prints everything observable so that the output with the real libpq 18
 * and with libpq-rs can be compared line by line
 * (tests/integration/differential.rs).
 *
 * Compiled against the system libpq-fe.h (PostgreSQL 15 on Debian 12):
 * PQregisterThreadLock is declared there; the auth-data functions (18) and
 * pqsignal (declared in no installed header) are looked up with dlsym.
 *
 * Usage: hooks [section...]   sections: threadlock authdata pqsignal
 *
 * Environment: DIFF_PORT, DIFF_SOCKDIR, DIFF_DB, DIFF_TRUST_USER, as for
 * diff.c. Function pointers are never printed, only compared with the
 * program's own functions and with the library's (by dlsym).
 */
#define PROGRAM "hooks"
#include "common.h"

#include <signal.h>

/* ---------------------------------------------------------------- threadlock */

static int g_acquired, g_released, g_depth, g_max_depth;

static void counting_lock(int acquire)
{
	if (acquire)
	{
		g_acquired++;
		if (++g_depth > g_max_depth)
			g_max_depth = g_depth;
	}
	else
	{
		g_released++;
		g_depth--;
	}
}

static void other_lock(int acquire)
{
	(void) acquire;
}

static void lock_counts(const char *after)
{
	out("after %s: acquired %d, released %d, max depth %d\n", after, g_acquired, g_released,
		g_max_depth);
	g_acquired = g_released = g_max_depth = 0;
}

static const char *lock_name(pgthreadlock_t f)
{
	if (f == NULL)
		return "NULL";
	if (f == counting_lock)
		return "counting_lock";
	if (f == other_lock)
		return "other_lock";
	return "libpq's default lock";
}

static void sec_threadlock(void)
{
	pgthreadlock_t dflt;

	section("threadlock");
	dflt = PQregisterThreadLock(counting_lock);
	out("PQregisterThreadLock(counting_lock) returned: %s\n", lock_name(dflt));

	/* The user name default comes from the password database, under the lock. */
	PQconninfoFree(PQconndefaults());
	lock_counts("PQconndefaults");
	{
		char *ci = NULL;
		PGconn *c;

		if (asprintf(&ci, "host=%s port=%s dbname=%s", g_sockdir, g_port, g_db) < 0)
			abort();
		c = PQconnectdb(ci);
		free(ci);
		PQfinish(c);
		lock_counts("PQconnectdb without user (status not shown)");
		if (asprintf(&ci, "host=%s port=%s dbname=%s user=%s", g_sockdir, g_port, g_db, g_trust) < 0)
			abort();
		c = PQconnectdb(ci);
		free(ci);
		out("PQconnectdb with user: %s\n", PQstatus(c) == CONNECTION_OK ? "ok" : "failed");
		PQfinish(c);
		lock_counts("PQconnectdb with user");
	}
	PQconninfoFree(PQconninfoParse("dbname=x", NULL));
	lock_counts("PQconninfoParse");

	out("PQregisterThreadLock(other_lock) returned: %s\n",
		lock_name(PQregisterThreadLock(other_lock)));
	PQconninfoFree(PQconndefaults());
	lock_counts("PQconndefaults with other_lock");
	out("PQregisterThreadLock(NULL) returned: %s\n", lock_name(PQregisterThreadLock(NULL)));
	out("PQregisterThreadLock(dflt) returned: %s\n", lock_name(PQregisterThreadLock(dflt)));
	out("... the same as the first answer: %s\n", yes(PQregisterThreadLock(dflt) == dflt));
	{
		/* the default lock works: take and release it twice */
		dflt(1);
		dflt(0);
		dflt(1);
		dflt(0);
		out("default lock taken and released twice\n");
	}
}

/* ---------------------------------------------------------------- authdata */

typedef int (*authdata_hook) (int type, PGconn *conn, void *data);

static int my_hook(int type, PGconn *conn, void *data)
{
	(void) conn;
	(void) data;
	return type + 1;
}

static void sec_authdata(void)
{
	void (*set_hook)(authdata_hook) = sym("PQsetAuthDataHook", 1);
	authdata_hook (*get_hook)(void) = sym("PQgetAuthDataHook", 1);
	authdata_hook dflt = sym("PQdefaultAuthDataHook", 1);

	section("authdata");
	if (!set_hook || !get_hook || !dflt)
		return;
	out("PQgetAuthDataHook() == PQdefaultAuthDataHook: %s\n", yes(get_hook() == dflt));
	for (int t = -1; t <= 3; t++)
		out("PQdefaultAuthDataHook(%d, NULL, NULL): %d\n", t, dflt(t, NULL, NULL));
	{
		PGconn *c = connect_trust();
		int dummy = 0;

		out("PQdefaultAuthDataHook(0, conn, &data): %d\n", dflt(0, c, &dummy));
		out("PQdefaultAuthDataHook(1, conn, &data): %d\n", dflt(1, c, &dummy));
		PQfinish(c);
	}
	set_hook(my_hook);
	out("after PQsetAuthDataHook(my_hook): get == my_hook: %s\n", yes(get_hook() == my_hook));
	out("get()(1, NULL, NULL): %d\n", get_hook()(1, NULL, NULL));
	{
		/* an ordinary connection does not ask the hook for anything */
		PGconn *c = connect_trust();

		out("trust connection with my_hook set: %s\n", PQstatus(c) == CONNECTION_OK ? "ok" : "failed");
		PQfinish(c);
	}
	set_hook(NULL);
	out("after PQsetAuthDataHook(NULL): get == default: %s\n", yes(get_hook() == dflt));
	set_hook(dflt);
	out("after PQsetAuthDataHook(default): get == default: %s\n", yes(get_hook() == dflt));
}

/* ---------------------------------------------------------------- pqsignal */

typedef void (*sigfunc) (int);

static volatile sig_atomic_t g_caught;

static void on_signal(int signo)
{
	g_caught = signo;
}

static const char *handler_name(sigfunc f)
{
	if (f == SIG_DFL)
		return "SIG_DFL";
	if (f == SIG_IGN)
		return "SIG_IGN";
	if (f == SIG_ERR)
		return "SIG_ERR";
	if (f == on_signal)
		return "on_signal";
	return "other";
}

static void show_action(const char *name, int signo)
{
	struct sigaction sa;
	int empty = 1;

	if (sigaction(signo, NULL, &sa) != 0)
	{
		out("  %s: sigaction failed\n", name);
		return;
	}
	for (int s = 1; s < 32; s++)
		if (sigismember(&sa.sa_mask, s))
			empty = 0;
	out("  %s now: handler %s, SA_RESTART %s, SA_NOCLDSTOP %s, SA_SIGINFO %s, SA_RESETHAND %s, "
		"mask empty %s\n",
		name, handler_name(sa.sa_handler), yes(sa.sa_flags & SA_RESTART),
		yes(sa.sa_flags & SA_NOCLDSTOP), yes(sa.sa_flags & SA_SIGINFO),
		yes(sa.sa_flags & SA_RESETHAND), yes(empty));
}

static void sec_pqsignal(void)
{
	sigfunc (*pqsig)(int, sigfunc) = sym("pqsignal", 0);
	static const struct
	{
		const char *name;
		int signo;
	} sigs[] = {
		{"SIGUSR1", SIGUSR1}, {"SIGALRM", SIGALRM}, {"SIGCHLD", SIGCHLD}, {"SIGPIPE", SIGPIPE},
	};

	section("pqsignal");
	if (!pqsig)
		return;
	for (size_t i = 0; i < N_OF(sigs); i++)
	{
		sigfunc prev;

		out("%s:\n", sigs[i].name);
		prev = pqsig(sigs[i].signo, on_signal);
		out("  pqsignal(%s, on_signal) returned %s\n", sigs[i].name, handler_name(prev));
		show_action(sigs[i].name, sigs[i].signo);
		prev = pqsig(sigs[i].signo, SIG_IGN);
		out("  pqsignal(%s, SIG_IGN) returned %s\n", sigs[i].name, handler_name(prev));
		show_action(sigs[i].name, sigs[i].signo);
		prev = pqsig(sigs[i].signo, SIG_DFL);
		out("  pqsignal(%s, SIG_DFL) returned %s\n", sigs[i].name, handler_name(prev));
	}
	pqsig(SIGUSR1, on_signal);
	raise(SIGUSR1);
	out("SIGUSR1 raised: caught %s\n", yes(g_caught == SIGUSR1));
	pqsig(SIGUSR1, SIG_DFL);
	out("pqsignal(SIGKILL, on_signal): %s\n", handler_name(pqsig(SIGKILL, on_signal)));
	out("pqsignal(0, on_signal): %s\n", handler_name(pqsig(0, on_signal)));
	out("pqsignal(1000, on_signal): %s\n", handler_name(pqsig(1000, on_signal)));
}

/* ================================================================ main */

static const struct program_section sections[] = {
	{"threadlock", sec_threadlock, 1},
	{"authdata", sec_authdata, 1},
	{"pqsignal", sec_pqsignal, 1},
};

int main(int argc, char **argv)
{
	return helper_main(sections, N_OF(sections), argc, argv);
}
