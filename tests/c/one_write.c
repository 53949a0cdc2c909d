/*
 * One PQsendQueryParams call between two markers written to stdout, so that
 * tests/integration/extended.rs can count the library's sends under strace.
 * Usage: one_write CONNINFO
 */
#include <stdio.h>
#include <unistd.h>

#include "libpq-fe.h"

int
main(int argc, char **argv)
{
	PGconn	   *conn = PQconnectdb(argc > 1 ? argv[1] : "");
	const char *values[2] = {"40", "2"};
	PGresult   *res;

	if (PQstatus(conn) != CONNECTION_OK)
	{
		fprintf(stderr, "%s", PQerrorMessage(conn));
		return 1;
	}
	/* write(2) directly: stdio buffering would move the marker */
	if (write(1, "BEGIN-MARK\n", 11) != 11)
		return 1;
	if (!PQsendQueryParams(conn, "select $1::int + $2::int", 2, NULL, values, NULL, NULL, 0))
		return 1;
	if (write(1, "END-MARK\n", 9) != 9)
		return 1;
	res = PQgetResult(conn);
	printf("result: %s\n", PQgetvalue(res, 0, 0));
	PQclear(res);
	while ((res = PQgetResult(conn)) != NULL)
		PQclear(res);
	PQfinish(conn);
	return 0;
}
