/*
 * events.c: the events API (libpq-events.h), as extensions such as
 * libpqtypes use it to keep their own data next to libpq's objects.
 *
 *     ./events CONNINFO
 *
 * 1. PQregisterEventProc attaches a callback ("event proc") to a connection;
 *    it is called at once with PGEVT_REGISTER, where this one allocates
 *    per-connection data and stores it with PQsetInstanceData.
 * 2. Every result the connection produces carries the proc along: on
 *    PGEVT_RESULTCREATE the proc attaches per-result data with
 *    PQresultSetInstanceData, and on PGEVT_RESULTDESTROY (from PQclear) it
 *    frees what PQresultInstanceData gives back.
 * 3. PQcopyResult with PG_COPYRES_EVENTS copies the procs into the copy and
 *    calls them with PGEVT_RESULTCOPY. The copy is an ordinary result that
 *    the application may change: PQsetvalue adds a row, PQresultAlloc gives
 *    memory that lives as long as the result (no free: PQclear releases it).
 *    PQprint prints it; the copy outlives the connection it came from.
 * 4. PQfinish calls the proc with PGEVT_CONNDESTROY, where the per-connection
 *    data is freed.
 *
 * The proc prints each event as it happens, so the output is the lifecycle.
 *
 * Build against libpq-rs and run (from the repository root, after
 * `cargo build`):
 *
 *     cc -I include c-examples/events.c -L target/debug -lpq -o events
 *     LD_LIBRARY_PATH=target/debug ./events "host=localhost dbname=postgres"
 *
 * The single argument is a connection string (default: the PG* environment
 * variables).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpq-fe.h"
#include "libpq-events.h"

/* Per-connection data: how many results this connection produced. */
struct conn_data
{
    int results;
};

/* Per-result data: which result of the connection, and whether a copy. */
struct result_data
{
    int number;
    const char *kind;           /* "result" or "copy of result" */
};

static struct result_data *
new_result_data(const char *kind, int number)
{
    struct result_data *rd = malloc(sizeof *rd);

    if (rd != NULL)
    {
        rd->kind = kind;
        rd->number = number;
    }
    return rd;
}

/*
 * The event proc. Returning 0 reports a failure: for PGEVT_REGISTER the
 * registration fails, for PGEVT_RESULTCREATE/COPY the result is not marked
 * as initialized for this proc (no PGEVT_RESULTDESTROY later).
 */
static int
event_proc(PGEventId id, void *info, void *pass_through)
{
    const char *name = pass_through;

    switch (id)
    {
        case PGEVT_REGISTER:
        {
            PGEventRegister *e = info;
            struct conn_data *cd = calloc(1, sizeof *cd);

            printf("[%s] REGISTER: per-connection data attached\n", name);
            return cd != NULL && PQsetInstanceData(e->conn, event_proc, cd);
        }
        case PGEVT_CONNRESET:
            printf("[%s] CONNRESET\n", name);
            return 1;
        case PGEVT_CONNDESTROY:
        {
            PGEventConnDestroy *e = info;
            struct conn_data *cd = PQinstanceData(e->conn, event_proc);

            printf("[%s] CONNDESTROY: the connection produced %d results; "
                   "per-connection data freed\n", name, cd->results);
            free(cd);
            return 1;
        }
        case PGEVT_RESULTCREATE:
        {
            PGEventResultCreate *e = info;
            struct conn_data *cd = PQinstanceData(e->conn, event_proc);
            struct result_data *rd = new_result_data("result", ++cd->results);

            if (rd == NULL)
                return 0;
            printf("[%s] RESULTCREATE: %s %d, %s, %d rows\n", name, rd->kind, rd->number,
                   PQresStatus(PQresultStatus(e->result)), PQntuples(e->result));
            return PQresultSetInstanceData(e->result, event_proc, rd);
        }
        case PGEVT_RESULTCOPY:
        {
            PGEventResultCopy *e = info;
            struct result_data *src = PQresultInstanceData(e->src, event_proc);
            struct result_data *rd = new_result_data("copy of result", src->number);

            if (rd == NULL)
                return 0;
            printf("[%s] RESULTCOPY: %s %d, %d rows\n", name, rd->kind, rd->number,
                   PQntuples(e->dest));
            return PQresultSetInstanceData(e->dest, event_proc, rd);
        }
        case PGEVT_RESULTDESTROY:
        {
            PGEventResultDestroy *e = info;
            struct result_data *rd = PQresultInstanceData(e->result, event_proc);

            printf("[%s] RESULTDESTROY: %s %d, data freed\n", name, rd->kind, rd->number);
            free(rd);
            return 1;
        }
    }
    return 1;
}

/* Runs a query; prints the error and returns NULL on failure. */
static PGresult *
query(PGconn *conn, const char *sql, ExecStatusType want)
{
    PGresult *res;

    printf("> %s\n", sql);
    res = PQexec(conn, sql);
    if (PQresultStatus(res) != want)
    {
        fprintf(stderr, "%s failed: %s", sql, PQerrorMessage(conn));
        PQclear(res);
        return NULL;
    }
    return res;
}

/* A summary kept in the copy's own memory (PQresultAlloc). */
struct summary
{
    int rows;
    int added;
};

int
main(int argc, char **argv)
{
    const char *conninfo = argc > 1 ? argv[1] : "";
    static char event_name[] = "demo";
    PGconn *conn;
    PGresult *res, *copy;
    struct summary *sum;
    struct result_data *rd;
    PQprintOpt opt;
    int row;

    conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK)
    {
        fprintf(stderr, "connection failed: %s", PQerrorMessage(conn));
        PQfinish(conn);
        return 1;
    }
    printf("libpq version: %d\n", PQlibVersion());

    /* The name appears in libpq's messages about the proc; the last argument
     * comes back to the proc on every call. */
    if (!PQregisterEventProc(conn, event_proc, "demo", event_name))
    {
        fprintf(stderr, "PQregisterEventProc failed\n");
        PQfinish(conn);
        return 1;
    }

    /* A result without rows, freed at once. */
    res = query(conn, "SET application_name = 'events'", PGRES_COMMAND_OK);
    if (res == NULL)
    {
        PQfinish(conn);
        return 1;
    }
    PQclear(res);

    res = query(conn, "SELECT * FROM (VALUES (1, 'apple'), (2, 'banana')) "
                      "AS fruit (id, name)", PGRES_TUPLES_OK);
    if (res == NULL)
    {
        PQfinish(conn);
        return 1;
    }
    rd = PQresultInstanceData(res, event_proc);
    printf("instance data of the result: %s %d\n", rd->kind, rd->number);

    /* Columns, rows and event procs are copied; the copy has no connection. */
    printf("> PQcopyResult\n");
    copy = PQcopyResult(res, PG_COPYRES_ATTRS | PG_COPYRES_TUPLES | PG_COPYRES_EVENTS);
    PQclear(res);
    if (copy == NULL)
    {
        fprintf(stderr, "PQcopyResult failed\n");
        PQfinish(conn);
        return 1;
    }

    /* The connection can go; the copy stays usable. */
    printf("> PQfinish\n");
    PQfinish(conn);

    /* A new row: row number PQntuples(copy) appends; values are copied. */
    row = PQntuples(copy);
    if (!PQsetvalue(copy, row, 0, "3", 1) ||
        !PQsetvalue(copy, row, 1, "cherry", 6))
    {
        fprintf(stderr, "PQsetvalue failed\n");
        PQclear(copy);
        return 1;
    }

    sum = PQresultAlloc(copy, sizeof *sum);
    if (sum == NULL)
    {
        fprintf(stderr, "PQresultAlloc failed\n");
        PQclear(copy);
        return 1;
    }
    sum->rows = PQntuples(copy);
    sum->added = 1;
    rd = PQresultInstanceData(copy, event_proc);
    printf("copy: %d rows (%d added), instance data: %s %d\n", sum->rows, sum->added,
           rd->kind, rd->number);

    printf("> PQprint\n");
    memset(&opt, 0, sizeof opt);
    opt.header = 1;             /* column names and the row count */
    opt.align = 1;              /* pad the columns */
    opt.fieldSep = "|";
    PQprint(stdout, copy, &opt);

    /* Frees the rows, the PQresultAlloc memory, and calls RESULTDESTROY. */
    printf("> PQclear\n");
    PQclear(copy);
    return 0;
}
