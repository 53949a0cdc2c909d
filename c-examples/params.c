/*
 * params.c: passing values as parameters instead of pasting them into SQL.
 *
 *     ./params CONNINFO
 *
 * 1. PQexecParams sends the statement and its values separately ($1, $2 in
 *    the text): no quoting or escaping, so a value can never change the
 *    statement (no SQL injection). A NULL pointer is SQL NULL.
 * 2. Values can also travel in binary: an int4 is 4 bytes in network byte
 *    order, a bytea is its raw bytes (NUL bytes included). Binary parameters
 *    need their length; resultFormat 1 asks for binary results, whose size
 *    is PQgetlength (never strlen).
 * 3. PQprepare parses a statement once under a name; PQexecPrepared runs it
 *    as often as needed with new values.
 */
#include <arpa/inet.h>      /* htonl, ntohl */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpq-fe.h"

/* Type OIDs of the parameters (from PostgreSQL's catalog, pg_type). */
#define INT4OID  23
#define BYTEAOID 17

/* Prints the error of a failed step and returns 0; 1 when `res` has `want`. */
static int
ok(PGconn *conn, PGresult *res, ExecStatusType want, const char *what)
{
    if (PQresultStatus(res) == want)
        return 1;
    /* res may be NULL (nothing was sent): the reason is on the connection */
    fprintf(stderr, "%s failed: %s", what,
            res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
    return 0;
}

static int
text_parameters(PGconn *conn)
{
    const char *values[2] = {"O'Reilly; DROP TABLE x; --", NULL};
    PGresult   *res;

    /* paramTypes NULL: the server infers the types from the casts */
    res = PQexecParams(conn,
                       "SELECT $1::text, length($1::text), $2::int IS NULL",
                       2, NULL, values, NULL, NULL, 0);
    if (!ok(conn, res, PGRES_TUPLES_OK, "text parameters"))
    {
        PQclear(res);
        return 0;
    }
    printf("> text parameters\n");
    printf("value: %s\n", PQgetvalue(res, 0, 0));
    printf("length: %s\n", PQgetvalue(res, 0, 1));
    printf("second is NULL: %s\n", PQgetvalue(res, 0, 2));
    PQclear(res);
    return 1;
}

static int
binary_parameters(PGconn *conn)
{
    uint32_t    n = htonl(42);
    const char  bytes[5] = {'a', 0, 'b', 0, (char) 0xff};
    const Oid   types[2] = {INT4OID, BYTEAOID};
    const char *values[2] = {(const char *) &n, bytes};
    const int   lengths[2] = {sizeof n, sizeof bytes};
    const int   formats[2] = {1, 1};     /* both binary */
    PGresult   *res;
    uint32_t    v;
    const char *b;

    res = PQexecParams(conn, "SELECT $1 * 2, $2, length($2)",
                       2, types, values, lengths, formats,
                       1);              /* binary results */
    if (!ok(conn, res, PGRES_TUPLES_OK, "binary parameters"))
    {
        PQclear(res);
        return 0;
    }
    printf("> binary parameters and results\n");
    memcpy(&v, PQgetvalue(res, 0, 0), sizeof v);   /* the value may be unaligned */
    printf("doubled: %u (%d bytes)\n", (unsigned) ntohl(v), PQgetlength(res, 0, 0));
    printf("bytea back:");
    b = PQgetvalue(res, 0, 1);
    for (int i = 0; i < PQgetlength(res, 0, 1); i++)
        printf(" %02x", (unsigned char) b[i]);
    printf("\n");
    /* length($2) is an int4, so 4 binary bytes too */
    memcpy(&v, PQgetvalue(res, 0, 2), sizeof v);
    printf("server-side length: %u\n", (unsigned) ntohl(v));
    PQclear(res);
    return 1;
}

static int
prepared_statement(PGconn *conn)
{
    PGresult   *res;

    res = PQprepare(conn, "square", "SELECT $1::int * $1::int", 1, NULL);
    if (!ok(conn, res, PGRES_COMMAND_OK, "PQprepare"))
    {
        PQclear(res);
        return 0;
    }
    PQclear(res);

    /* what the server made of it */
    res = PQdescribePrepared(conn, "square");
    if (!ok(conn, res, PGRES_COMMAND_OK, "PQdescribePrepared"))
    {
        PQclear(res);
        return 0;
    }
    printf("> prepared statement\n");
    printf("parameters: %d, type of $1: %u\n", PQnparams(res), PQparamtype(res, 0));
    PQclear(res);

    for (int i = 1; i <= 3; i++)
    {
        char        arg[12];
        const char *values[1] = {arg};

        snprintf(arg, sizeof arg, "%d", i);
        res = PQexecPrepared(conn, "square", 1, values, NULL, NULL, 0);
        if (!ok(conn, res, PGRES_TUPLES_OK, "PQexecPrepared"))
        {
            PQclear(res);
            return 0;
        }
        printf("square(%d) = %s\n", i, PQgetvalue(res, 0, 0));
        PQclear(res);
    }
    return 1;
}

int
main(int argc, char **argv)
{
    PGconn     *conn = PQconnectdb(argc > 1 ? argv[1] : "");
    int         good;

    if (PQstatus(conn) != CONNECTION_OK)
    {
        fprintf(stderr, "connection failed: %s", PQerrorMessage(conn));
        PQfinish(conn);
        return 1;
    }
    printf("libpq version: %d\n", PQlibVersion());
    good = text_parameters(conn) && binary_parameters(conn) && prepared_statement(conn);
    PQfinish(conn);
    return good ? 0 : 1;
}
