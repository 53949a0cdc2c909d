/*
 * escaping.c: building SQL text safely when parameters cannot be used.
 *
 *     ./escaping CONNINFO
 *
 * Parameters ($1, $2 with PQexecParams, see params.c) are the first choice.
 * Some statements take none (utility commands such as CREATE TABLE, or an
 * identifier that is only known at run time); then values must be escaped
 * for the connection they are sent on:
 *
 * 1. PQescapeLiteral quotes a value as a string literal and PQescapeIdentifier
 *    quotes a name; both double embedded quotes, PQescapeLiteral turns a
 *    backslash into E'...\\...' form, and both know the client encoding, so
 *    multibyte characters pass unharmed. They return a buffer from malloc
 *    (NULL on error, with the reason in PQerrorMessage).
 * 2. PQescapeStringConn writes into the caller's buffer (at least 2 * length
 *    + 1 bytes) without the surrounding quotes and reports invalid input
 *    (here a byte that is not UTF-8) through its `error` argument.
 * 3. PQescapeByteaConn turns arbitrary bytes (NUL included) into bytea
 *    literal text; PQunescapeBytea turns the server's text form of a bytea
 *    back into bytes.
 *
 * Every buffer these functions return is freed with PQfreemem.
 *
 * Build against libpq-rs and run (from the repository root, after
 * `cargo build`):
 *
 *     cc -I include c-examples/escaping.c -L target/debug -lpq -o escaping
 *     LD_LIBRARY_PATH=target/debug ./escaping "host=localhost dbname=postgres"
 *
 * The single argument is a connection string (default: the PG* environment
 * variables).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpq-fe.h"

/* The values to store: a quote, a backslash, and "Zürich" in UTF-8. */
static const char *const values[] = {"O'Reilly", "C:\\temp", "Z\xc3\xbcrich"};
#define NVALUES (sizeof values / sizeof values[0])

/* A table name with a quote in it and a column name with a "é" in it. */
static const char table_name[] = "odd \"name\"";
static const char column_name[] = "caf\xc3\xa9";

/* Runs a statement, prints its command status; returns 0 on failure. */
static int
run_command(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;

    if (ok)
        printf("%s\n", PQcmdStatus(res));
    else
        fprintf(stderr, "%s failed: %s", sql, PQerrorMessage(conn));
    PQclear(res);
    return ok;
}

/* Prints `len` bytes as hex. */
static void
print_hex(const unsigned char *bytes, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        printf("%s%02x", i ? " " : "", bytes[i]);
    printf("\n");
}

/* Part 1: a statement built from escaped names and values, then run. */
static int
literals_and_identifiers(PGconn *conn)
{
    char *table, *column, *literals[NVALUES] = {NULL};
    char sql[512];
    size_t i;
    int ok = 0, row;
    PGresult *res;

    printf("> PQescapeLiteral and PQescapeIdentifier\n");
    table = PQescapeIdentifier(conn, table_name, strlen(table_name));
    column = PQescapeIdentifier(conn, column_name, strlen(column_name));
    if (table == NULL || column == NULL)
        goto done;
    printf("identifier: %s\n", table);
    printf("identifier: %s\n", column);
    for (i = 0; i < NVALUES; i++)
    {
        literals[i] = PQescapeLiteral(conn, values[i], strlen(values[i]));
        if (literals[i] == NULL)
            goto done;
        printf("literal: %s\n", literals[i]);
    }

    snprintf(sql, sizeof sql, "CREATE TEMP TABLE %s (n int, %s text)",
             table, column);
    printf("%s\n", sql);
    if (!run_command(conn, sql))
        goto done;
    snprintf(sql, sizeof sql, "INSERT INTO %s VALUES (1, %s), (2, %s), (3, %s)",
             table, literals[0], literals[1], literals[2]);
    printf("%s\n", sql);
    if (!run_command(conn, sql))
        goto done;

    /* The server stored exactly the original values. */
    snprintf(sql, sizeof sql, "SELECT %s FROM %s ORDER BY n", column, table);
    res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
    {
        fprintf(stderr, "SELECT failed: %s", PQerrorMessage(conn));
        PQclear(res);
        goto done;
    }
    for (row = 0; row < PQntuples(res); row++)
        printf("stored: %s (%s)\n", PQgetvalue(res, row, 0),
               strcmp(PQgetvalue(res, row, 0), values[row]) == 0
               ? "same" : "DIFFERENT");
    PQclear(res);
    ok = 1;

done:
    if (!ok)
        fprintf(stderr, "escaping failed: %s", PQerrorMessage(conn));
    /* PQfreemem(NULL) does nothing. */
    PQfreemem(table);
    PQfreemem(column);
    for (i = 0; i < NVALUES; i++)
        PQfreemem(literals[i]);
    return ok;
}

/* Part 2: PQescapeStringConn and its error report. */
static void
escape_string(PGconn *conn)
{
    static const char good[] = "it's";
    static const char bad[] = "ab\xff";     /* 0xff never occurs in UTF-8 */
    char buf[2 * sizeof bad + 1];
    size_t n;
    int error;

    printf("> PQescapeStringConn\n");
    n = PQescapeStringConn(conn, buf, good, strlen(good), &error);
    printf("escaped: %s (length %zu, error %d)\n", buf, n, error);

    /* Invalid input: error is set to 1, the reason is on the connection. */
    PQescapeStringConn(conn, buf, bad, strlen(bad), &error);
    printf("invalid UTF-8: error %d: %s", error, PQerrorMessage(conn));
}

/* Part 3: bytea out and back. */
static int
bytea_round_trip(PGconn *conn)
{
    static const unsigned char bytes[] = {'a', 0, 'b', '\\', 0xff};
    unsigned char *escaped, *back;
    size_t escaped_len, back_len;
    char sql[128];
    PGresult *res;

    printf("> PQescapeByteaConn and PQunescapeBytea\n");
    printf("bytes: ");
    print_hex(bytes, sizeof bytes);

    /* escaped_len counts the terminating NUL. */
    escaped = PQescapeByteaConn(conn, bytes, sizeof bytes, &escaped_len);
    if (escaped == NULL)
    {
        fprintf(stderr, "PQescapeByteaConn failed: %s", PQerrorMessage(conn));
        return 0;
    }
    printf("escaped: %s (%zu bytes with the NUL)\n", escaped, escaped_len);
    snprintf(sql, sizeof sql, "SELECT '%s'::bytea, length('%s'::bytea)",
             escaped, escaped);
    PQfreemem(escaped);
    printf("%s\n", sql);

    res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
    {
        fprintf(stderr, "SELECT failed: %s", PQerrorMessage(conn));
        PQclear(res);
        return 0;
    }
    printf("server text: %s, server length: %s\n",
           PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));

    /* The server's text form back into bytes. */
    back = PQunescapeBytea((const unsigned char *) PQgetvalue(res, 0, 0), &back_len);
    PQclear(res);
    if (back == NULL)
    {
        fprintf(stderr, "PQunescapeBytea failed\n");
        return 0;
    }
    printf("unescaped: ");
    print_hex(back, back_len);
    printf("round trip: %s\n",
           back_len == sizeof bytes && memcmp(back, bytes, back_len) == 0
           ? "same bytes" : "DIFFERENT");
    PQfreemem(back);
    return 1;
}

int
main(int argc, char **argv)
{
    const char *conninfo = argc > 1 ? argv[1] : "";
    PGconn *conn;
    int ok;

    conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK)
    {
        fprintf(stderr, "connection failed: %s", PQerrorMessage(conn));
        PQfinish(conn);
        return 1;
    }
    printf("libpq version: %d\n", PQlibVersion());

    /* Escaping follows the client encoding: make it UTF-8 whatever the
     * environment says. */
    if (PQsetClientEncoding(conn, "UTF8") != 0)
    {
        fprintf(stderr, "PQsetClientEncoding failed: %s", PQerrorMessage(conn));
        PQfinish(conn);
        return 1;
    }
    printf("client encoding: %s\n", pg_encoding_to_char(PQclientEncoding(conn)));

    ok = literals_and_identifiers(conn);
    if (ok)
        escape_string(conn);
    ok = ok && bytea_round_trip(conn);

    PQfinish(conn);
    return ok ? 0 : 1;
}
