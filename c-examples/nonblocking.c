/*
 * nonblocking.c: several connections at once from one thread, never
 * blocking in libpq: connecting with PQconnectStart/PQconnectPoll, queries
 * with PQsendQueryParams and PQconsumeInput/PQisBusy/PQgetResult, a reset
 * with PQresetStart/PQresetPoll; one poll(2) loop waits for all of them.
 *
 *     ./nonblocking CONNINFO
 *
 * 1. PQconnectStart returns at once. Then, for each connection: wait until
 *    PQsocket(conn) is ready for what the last answer asked (writable right
 *    after PQconnectStart, then PGRES_POLLING_READING or _WRITING), call
 *    PQconnectPoll, and ask PQsocket again (the descriptor can change, for
 *    example when the next host of a list is tried) until
 *    PGRES_POLLING_OK or PGRES_POLLING_FAILED.
 * 2. PQsendQueryParams sends a query without waiting for its result; when
 *    the socket is readable, PQconsumeInput reads what arrived and, once
 *    PQisBusy says a result is complete, PQgetResult returns it without
 *    blocking (until it returns NULL).
 * 3. PQresetStart/PQresetPoll reconnect the same PGconn, driven like 1.
 *
 * With libpq-rs, host names in CONNINFO are looked up without blocking too
 * (libpq blocks in getaddrinfo there), and connect_timeout also applies in
 * poll mode; see README.md.
 *
 * Build against libpq-rs and run (from the repository root, after
 * `cargo build`):
 *
 *     cc -I include c-examples/nonblocking.c -L target/debug -lpq -o nonblocking
 *     LD_LIBRARY_PATH=target/debug ./nonblocking "host=localhost dbname=postgres"
 *
 * The single argument is a connection string (default: the PG* environment
 * variables).
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpq-fe.h"

#define NCONN 6

/* What each connection waits for next. */
enum wait
{
    WAIT_DONE,
    WAIT_READ,
    WAIT_WRITE
};

static enum wait
wait_of(PostgresPollingStatusType p)
{
    switch (p)
    {
        case PGRES_POLLING_READING:
            return WAIT_READ;
        case PGRES_POLLING_WRITING:
            return WAIT_WRITE;
        default:
            return WAIT_DONE;
    }
}

/*
 * Waits with poll(2) until some connection is ready for what it waits for
 * and calls step() on each ready one; step() returns what that connection
 * waits for next. Returns when none waits any more (or poll(2) fails).
 */
static int
run_loop(PGconn **conns, enum wait *waits, int n, enum wait (*step) (PGconn *, int))
{
    struct pollfd fds[NCONN];
    int         which[NCONN];

    for (;;)
    {
        int         k = 0;

        for (int i = 0; i < n; i++)
        {
            if (waits[i] == WAIT_DONE)
                continue;
            fds[k].fd = PQsocket(conns[i]);
            fds[k].events = waits[i] == WAIT_READ ? POLLIN : POLLOUT;
            fds[k].revents = 0;
            which[k++] = i;
        }
        if (k == 0)
            return 0;
        if (poll(fds, k, 30000) <= 0)
        {
            fprintf(stderr, "poll(2) failed or timed out\n");
            return -1;
        }
        for (int j = 0; j < k; j++)
            if (fds[j].revents != 0)
                waits[which[j]] = step(conns[which[j]], which[j]);
    }
}

static enum wait
connect_step(PGconn *conn, int i)
{
    (void) i;
    return wait_of(PQconnectPoll(conn));
}

static enum wait
reset_step(PGconn *conn, int i)
{
    (void) i;
    return wait_of(PQresetPoll(conn));
}

/* The value each connection's query returned, filled by query_step. */
static char answers[NCONN][64];

static enum wait
query_step(PGconn *conn, int i)
{
    PGresult   *res;

    if (!PQconsumeInput(conn))
    {
        snprintf(answers[i], sizeof answers[i], "error: %s", PQerrorMessage(conn));
        return WAIT_DONE;
    }
    /* Collect every complete result; NULL from PQgetResult ends the query. */
    while (!PQisBusy(conn))
    {
        res = PQgetResult(conn);
        if (res == NULL)
            return WAIT_DONE;
        if (PQresultStatus(res) == PGRES_TUPLES_OK)
            snprintf(answers[i], sizeof answers[i], "%s", PQgetvalue(res, 0, 0));
        else
            snprintf(answers[i], sizeof answers[i], "error: %s", PQresultErrorMessage(res));
        PQclear(res);
    }
    return WAIT_READ;
}

int
main(int argc, char **argv)
{
    const char *conninfo = argc > 1 ? argv[1] : "";
    PGconn     *conns[NCONN];
    enum wait   waits[NCONN];
    int         failed = 0;
    int         old_pid;

    printf("libpq version: %d\n", PQlibVersion());

    /* 1. Start every connection, then drive them all at once. */
    for (int i = 0; i < NCONN; i++)
    {
        conns[i] = PQconnectStart(conninfo);
        if (conns[i] == NULL)
        {
            fprintf(stderr, "out of memory\n");
            return 1;
        }
        /* CONNECTION_BAD right away: nothing to poll (e.g. bad options). */
        waits[i] = PQstatus(conns[i]) == CONNECTION_BAD ? WAIT_DONE : WAIT_WRITE;
    }
    printf("started %d connections\n", NCONN);
    if (run_loop(conns, waits, NCONN, connect_step) != 0)
        failed = 1;
    for (int i = 0; i < NCONN; i++)
    {
        if (PQstatus(conns[i]) == CONNECTION_OK)
            printf("connection %d: ok\n", i + 1);
        else
        {
            printf("connection %d: failed: %s", i + 1, PQerrorMessage(conns[i]));
            failed = 1;
        }
    }
    if (failed)
        goto done;

    /* 2. One query on each, all running at the same time. */
    for (int i = 0; i < NCONN; i++)
    {
        char        number[16];
        const char *params[1] = {number};

        snprintf(number, sizeof number, "%d", i + 1);
        if (!PQsendQueryParams(conns[i], "SELECT $1::int * 7 FROM pg_sleep(0.1)", 1, NULL,
                               params, NULL, NULL, 0))
        {
            printf("connection %d: send failed: %s", i + 1, PQerrorMessage(conns[i]));
            failed = 1;
            goto done;
        }
        waits[i] = WAIT_READ;
    }
    printf("sent %d queries\n", NCONN);
    if (run_loop(conns, waits, NCONN, query_step) != 0)
        failed = 1;
    for (int i = 0; i < NCONN; i++)
        printf("connection %d: %d * 7 = %s\n", i + 1, i + 1, answers[i]);

    /* 3. Reset the first connection without blocking. */
    old_pid = PQbackendPID(conns[0]);
    waits[0] = PQresetStart(conns[0]) ? WAIT_WRITE : WAIT_DONE;
    if (run_loop(conns, waits, 1, reset_step) != 0)
        failed = 1;
    if (PQstatus(conns[0]) == CONNECTION_OK)
        printf("reset connection 1: ok, %s backend\n",
               PQbackendPID(conns[0]) != old_pid ? "a new" : "the same");
    else
    {
        printf("reset connection 1: failed: %s", PQerrorMessage(conns[0]));
        failed = 1;
    }

done:
    for (int i = 0; i < NCONN; i++)
        PQfinish(conns[i]);
    return failed;
}
