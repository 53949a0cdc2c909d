/*
 * quickstart.c: the smallest complete libpq program.
 *
 * Connects, creates a temporary table, inserts three rows, reads them back
 * and prints them with their column names, checking every step.
 *
 * Build against libpq-rs and run (from the repository root, after
 * `cargo build`):
 *
 *     cc -I include c-examples/quickstart.c -L target/debug -lpq -o quickstart
 *     LD_LIBRARY_PATH=target/debug ./quickstart "host=localhost dbname=postgres"
 *
 * The single argument is a connection string ("host=... user=..." or a
 * postgresql:// URI). Without it, libpq uses the PG* environment variables
 * (PGHOST, PGPORT, PGUSER, ...) and its defaults.
 */
#include <stdio.h>
#include <stdlib.h>

#include "libpq-fe.h"

/*
 * Runs a command that returns no rows. On failure prints the server's error
 * and returns 0. The result is always freed with PQclear.
 */
static int
run_command(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;

    if (ok)
        printf("%s\n", PQcmdStatus(res));   /* e.g. "INSERT 0 3" */
    else
        fprintf(stderr, "%s failed: %s", sql, PQresultErrorMessage(res));
    PQclear(res);           /* PQclear(NULL) is fine too */
    return ok;
}

int
main(int argc, char **argv)
{
    const char *conninfo = argc > 1 ? argv[1] : "";
    PGconn     *conn;
    PGresult   *res;
    int         nrows, ncols, row, col;

    /* PQconnectdb always returns an object (NULL only when out of memory). */
    conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK)
    {
        /* The message ends with a newline, like all libpq messages. */
        fprintf(stderr, "connection failed: %s", PQerrorMessage(conn));
        PQfinish(conn);
        return 1;
    }
    printf("libpq version: %d\n", PQlibVersion());
    printf("server version: %d\n", PQserverVersion(conn));

    if (!run_command(conn, "CREATE TEMP TABLE fruit (id int PRIMARY KEY, "
                           "name text NOT NULL, price numeric(6,2))") ||
        !run_command(conn, "INSERT INTO fruit VALUES (1, 'apple', 0.5), "
                           "(2, 'banana', 0.25), (3, 'cherry', NULL)"))
    {
        PQfinish(conn);
        return 1;
    }

    res = PQexec(conn, "SELECT id, name, price FROM fruit ORDER BY id");
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
    {
        fprintf(stderr, "SELECT failed: %s", PQresultErrorMessage(res));
        PQclear(res);
        PQfinish(conn);
        return 1;
    }

    nrows = PQntuples(res);
    ncols = PQnfields(res);
    for (col = 0; col < ncols; col++)
        printf("%s%s", col ? " | " : "", PQfname(res, col));
    printf("\n");
    for (row = 0; row < nrows; row++)
    {
        for (col = 0; col < ncols; col++)
        {
            /* Values are text; a NULL reads as "" so test it explicitly. */
            const char *value = PQgetisnull(res, row, col)
                ? "NULL" : PQgetvalue(res, row, col);

            printf("%s%s", col ? " | " : "", value);
        }
        printf("\n");
    }
    printf("(%d rows)\n", nrows);

    PQclear(res);
    PQfinish(conn);
    return 0;
}
