/*
 * largeobject.c: large objects, the server's files-in-the-database.
 *
 * Imports a local file as a large object, appends to it through a
 * descriptor, reads it back in small pieces, truncates it, exports it to
 * another local file and deletes it; then shows how a failure is reported.
 *
 * Large-object descriptors live only as long as the transaction that opened
 * them, so everything happens between BEGIN and COMMIT. The lo_* functions
 * return -1 (or InvalidOid, 0, for those returning an OID) on failure, with
 * the reason in PQerrorMessage.
 *
 * Build against libpq-rs and run (from the repository root, after
 * `cargo build`):
 *
 *     cc -I include c-examples/largeobject.c -L target/debug -lpq -o largeobject
 *     LD_LIBRARY_PATH=target/debug ./largeobject "host=localhost dbname=postgres"
 *
 * The single argument is a connection string (default: the PG* environment
 * variables). The local files go to a fresh directory under /tmp, removed at
 * the end.
 */
#define _DEFAULT_SOURCE         /* mkdtemp */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libpq-fe.h"
#include "libpq/libpq-fs.h"     /* INV_READ, INV_WRITE */

static const char text[] = "first line\nsecond line\n";

/* Runs a command without rows; prints the error and returns 0 on failure. */
static int
run_command(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;

    if (!ok)
        fprintf(stderr, "%s failed: %s", sql, PQerrorMessage(conn));
    PQclear(res);
    return ok;
}

/* Prints a local file's contents. */
static void
print_file(const char *path)
{
    char buf[256];
    size_t n;
    FILE *f = fopen(path, "rb");

    if (f == NULL)
    {
        perror(path);
        return;
    }
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, n, stdout);
    fclose(f);
}

/* The work inside the transaction; returns 0 on failure (message printed). */
static int
use_large_object(PGconn *conn, const char *in_path, const char *out_path)
{
    char buf[8];
    int fd, n;
    Oid oid;

    /* The file becomes a new large object; the server picks its OID. */
    oid = lo_import(conn, in_path);
    if (oid == InvalidOid)
        goto fail;

    fd = lo_open(conn, oid, INV_READ | INV_WRITE);
    if (fd < 0)
        goto fail;
    printf("imported %lld bytes\n", (long long) lo_lseek64(conn, fd, 0, SEEK_END));

    /* Append at the end (the position lo_lseek64 left), then go back. */
    if (lo_write(conn, fd, "third line\n", 11) != 11 ||
        lo_lseek64(conn, fd, 0, SEEK_SET) != 0)
        goto fail;

    /* lo_read gives at most the buffer's size; 0 at the end. */
    printf("read back in pieces of %zu bytes:\n", sizeof buf);
    while ((n = lo_read(conn, fd, buf, sizeof buf)) > 0)
        printf("[%.*s]", n, buf);
    if (n < 0)
        goto fail;
    printf("\nsize: %lld\n", (long long) lo_tell64(conn, fd));

    /* Keep the first line only. */
    if (lo_truncate(conn, fd, 11) != 0 || lo_close(conn, fd) != 0)
        goto fail;

    /* Back into a local file; lo_export opens its own descriptor. */
    if (lo_export(conn, oid, out_path) != 1)
        goto fail;
    printf("exported:\n");
    print_file(out_path);

    if (lo_unlink(conn, oid) != 1)
        goto fail;
    return 1;

fail:
    fprintf(stderr, "large object operation failed: %s", PQerrorMessage(conn));
    return 0;
}

int
main(int argc, char **argv)
{
    const char *conninfo = argc > 1 ? argv[1] : "";
    char dir[] = "/tmp/largeobject-XXXXXX", in_path[64], out_path[64];
    PGconn *conn;
    FILE *f;
    int ok;

    conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK)
    {
        fprintf(stderr, "connection failed: %s", PQerrorMessage(conn));
        PQfinish(conn);
        return 1;
    }
    printf("libpq version: %d\n", PQlibVersion());

    if (mkdtemp(dir) == NULL)
    {
        perror("mkdtemp");
        PQfinish(conn);
        return 1;
    }
    snprintf(in_path, sizeof in_path, "%s/in.txt", dir);
    snprintf(out_path, sizeof out_path, "%s/out.txt", dir);
    f = fopen(in_path, "wb");
    if (f == NULL || fwrite(text, 1, strlen(text), f) != strlen(text) || fclose(f) != 0)
    {
        perror(in_path);
        PQfinish(conn);
        return 1;
    }

    ok = run_command(conn, "BEGIN") &&
        use_large_object(conn, in_path, out_path) &&
        run_command(conn, "COMMIT");

    /* A failure: the file is read on the client, so the message is libpq's own. */
    if (ok)
    {
        if (!run_command(conn, "BEGIN"))
            ok = 0;
        else if (lo_import(conn, "/nonexistent/in.txt") == InvalidOid)
            printf("lo_import of a missing file: %s", PQerrorMessage(conn));
        if (ok && !run_command(conn, "ROLLBACK"))
            ok = 0;
    }

    unlink(in_path);
    unlink(out_path);
    rmdir(dir);
    PQfinish(conn);
    return ok ? 0 : 1;
}
