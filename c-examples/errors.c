/*
 * errors.c: what failures look like and how to read them.
 *
 *     ./errors CONNINFO [BAD_CONNINFO]
 *
 * 1. A failing statement gives a PGresult with status PGRES_FATAL_ERROR; the
 *    details are fields (SQLSTATE, primary message, position...) read with
 *    PQresultErrorField, and PQresultErrorMessage is the formatted text.
 * 2. After an error outside a transaction the connection stays usable.
 * 3. Inside a transaction an error aborts it: later statements fail until
 *    ROLLBACK, and PQtransactionStatus tells which state we are in.
 * 4. A failed connection (optional BAD_CONNINFO, e.g. a wrong password) gives
 *    CONNECTION_BAD and its reason in PQerrorMessage.
 */
#include <stdio.h>
#include <stdlib.h>

#include "libpq-fe.h"

static const char *
tx_status_name(PGTransactionStatusType s)
{
    switch (s)
    {
        case PQTRANS_IDLE:    return "idle";
        case PQTRANS_ACTIVE:  return "active";
        case PQTRANS_INTRANS: return "in transaction";
        case PQTRANS_INERROR: return "in failed transaction";
        default:              return "unknown";
    }
}

static const char *
field_or_none(const PGresult *res, int code)
{
    const char *v = PQresultErrorField(res, code);

    return v ? v : "(none)";
}

/* Runs one statement and reports what happened. */
static void
try_statement(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);

    printf("> %s\n", sql);
    printf("status: %s\n", PQresStatus(st));
    if (st == PGRES_FATAL_ERROR)
    {
        printf("severity: %s\n", field_or_none(res, PG_DIAG_SEVERITY_NONLOCALIZED));
        printf("sqlstate: %s\n", field_or_none(res, PG_DIAG_SQLSTATE));
        printf("primary: %s\n", field_or_none(res, PG_DIAG_MESSAGE_PRIMARY));
        printf("position: %s\n", field_or_none(res, PG_DIAG_STATEMENT_POSITION));
        printf("message: %s", PQresultErrorMessage(res));
    }
    else if (st == PGRES_TUPLES_OK && PQntuples(res) > 0)
        printf("value: %s\n", PQgetvalue(res, 0, 0));
    printf("transaction: %s\n", tx_status_name(PQtransactionStatus(conn)));
    PQclear(res);
}

int
main(int argc, char **argv)
{
    PGconn *conn;

    if (argc < 2)
    {
        fprintf(stderr, "usage: %s CONNINFO [BAD_CONNINFO]\n", argv[0]);
        return 2;
    }
    conn = PQconnectdb(argv[1]);
    if (PQstatus(conn) != CONNECTION_OK)
    {
        fprintf(stderr, "connection failed: %s", PQerrorMessage(conn));
        PQfinish(conn);
        return 1;
    }
    printf("libpq version: %d\n", PQlibVersion());

    try_statement(conn, "SELEC 1");                  /* syntax error */
    try_statement(conn, "SELECT 1/0");               /* division by zero */
    try_statement(conn, "SELECT 'still usable'");

    try_statement(conn, "BEGIN");
    try_statement(conn, "SELECT * FROM no_such_table");
    try_statement(conn, "SELECT 1");                 /* refused: aborted */
    try_statement(conn, "ROLLBACK");
    try_statement(conn, "SELECT 'usable again'");
    PQfinish(conn);

    if (argc > 2)
    {
        conn = PQconnectdb(argv[2]);
        printf("bad connection: %s\n",
               PQstatus(conn) == CONNECTION_BAD ? "CONNECTION_BAD" : "not bad?");
        printf("error: %s", PQerrorMessage(conn));
        PQfinish(conn);
    }
    return 0;
}
