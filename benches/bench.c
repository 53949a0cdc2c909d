/*
 * bench.c: the client side of the benchmarks (issue 7), one program for
 * every libpq. It is compiled ONCE against the system header (PostgreSQL
 * 15's libpq-fe.h) and run on Debian's libpq 15, on ours and on libpq 18
 * through LD_LIBRARY_PATH; PQsetChunkedRowsMode (new in 17) is looked up
 * with dlsym and its workload is skipped with a note where it is missing.
 *
 *   bench WORKLOAD N
 *
 * Environment: BENCH_CONNINFO (trust over the Unix socket; every workload
 * but the connect ones uses it), BENCH_SCRAM_CONNINFO (TCP, SCRAM),
 * BENCH_TLS_CONNINFO (TCP, TLS, SCRAM). The server has the table
 * bench_rows(i int4, t text, f float8, ts timestamp) with i = 1..M (M >= N
 * for the fetch and COPY workloads; see benches/run.sh) and the unlogged
 * table bench_in of the same columns.
 *
 * Only the workload itself is measured (connecting and checking are not,
 * except for the connect workloads): wall time (CLOCK_MONOTONIC), the
 * process's user and system CPU (getrusage RUSAGE_SELF, so a helper thread
 * of the library counts too), the growth of its peak RSS (VmHWM) and, under
 * `valgrind --tool=callgrind --collect-atstart=no`, its instructions (the
 * region is bracketed by CALLGRIND_TOGGLE_COLLECT). Under strace the
 * region is bracketed by write(-1, "BENCH_BEGIN"/"BENCH_END") so the
 * system calls in between can be counted.
 *
 * Every result is checked (row counts, values, checksums of the values and
 * of the COPY bytes); a failed check prints "FAILED: ..." and exits 1, so a
 * broken library cannot look fast. On success one line:
 *
 *   BENCH workload=W n=N units=U lib=PATH ssl=LIB wall=S user=S sys=S
 *         hwm_kb=K check=HEX
 *
 * lib is the libpq.so the process loaded (from /proc/self/maps), ssl what
 * PQsslAttribute(conn, "library") says on a TLS connection ("-" when none).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#endif
#endif
#ifndef CALLGRIND_TOGGLE_COLLECT
#define CALLGRIND_TOGGLE_COLLECT
#endif

static const char *g_workload;
static long g_n;
static char g_ssl_lib[64] = "-";

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("FAILED: %s: ", g_workload);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    exit(1);
}

static const char *need_env(const char *name)
{
    const char *v = getenv(name);
    if (!v || !*v)
        fail("environment variable %s is not set", name);
    return v;
}

static PGconn *connect_to(const char *conninfo)
{
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK)
        fail("connection failed: %s", PQerrorMessage(c));
    return c;
}

static void exec_ok(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        fail("%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
}

/* ---- measurement ---- */

static struct timespec g_t0;
static struct rusage g_ru0;
static long g_hwm0;
static double g_wall, g_user, g_sys;
static long g_hwm_kb;

static long vm_hwm_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    fclose(f);
    return kb;
}

static void marker(const char *m)
{
    /* Fails with EBADF; strace shows it, which is the point. */
    if (write(-1, m, strlen(m)) < 0) {
    }
}

static double tv(struct timeval t)
{
    return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

static void begin(void)
{
    fflush(stdout);
    g_hwm0 = vm_hwm_kb();
    marker("BENCH_BEGIN");
    CALLGRIND_TOGGLE_COLLECT;
    getrusage(RUSAGE_SELF, &g_ru0);
    clock_gettime(CLOCK_MONOTONIC, &g_t0);
}

static void end(void)
{
    struct timespec t1;
    struct rusage ru1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    getrusage(RUSAGE_SELF, &ru1);
    CALLGRIND_TOGGLE_COLLECT;
    marker("BENCH_END");
    g_hwm_kb = vm_hwm_kb() - g_hwm0;
    g_wall = (double)(t1.tv_sec - g_t0.tv_sec) + (double)(t1.tv_nsec - g_t0.tv_nsec) / 1e9;
    g_user = tv(ru1.ru_utime) - tv(g_ru0.ru_utime);
    g_sys = tv(ru1.ru_stime) - tv(g_ru0.ru_stime);
}

/* ---- checksums ---- */

/* A cheap hash of bytes, eight at a time (the values must be touched, but
 * the program's own cost should stay small beside the library's). */
static uint64_t hash_bytes(uint64_t h, const char *p, size_t n)
{
    uint64_t w;
    while (n >= 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * 0x100000001b3ULL;
        p += 8;
        n -= 8;
    }
    w = 0;
    memcpy(&w, p, n);
    h = (h ^ w ^ ((uint64_t)n << 56)) * 0x100000001b3ULL;
    return h;
}

static const char *loaded_libpq(void)
{
    static char path[4096];
    FILE *f = fopen("/proc/self/maps", "r");
    char line[4096 + 128];
    strcpy(path, "?");
    if (!f)
        return path;
    while (fgets(line, sizeof line, f)) {
        char *p = strchr(line, '/');
        char *base = p ? strrchr(p, '/') : NULL;
        if (base && strncmp(base, "/libpq.so", 9) == 0) {
            p[strcspn(p, "\n")] = 0;
            snprintf(path, sizeof path, "%s", p);
            break;
        }
    }
    fclose(f);
    return path;
}

/* ---- workloads ---- */

static uint64_t w_connect(const char *conninfo, int want_ssl)
{
    uint64_t h = 0;
    for (long k = 0; k < g_n; k++) {
        PGconn *c = PQconnectdb(conninfo);
        if (PQstatus(c) != CONNECTION_OK)
            fail("connection %ld failed: %s", k, PQerrorMessage(c));
        if (PQsslInUse(c) != want_ssl)
            fail("PQsslInUse is %d", PQsslInUse(c));
        if (want_ssl && k == 0) {
            const char *l = PQsslAttribute(c, "library");
            snprintf(g_ssl_lib, sizeof g_ssl_lib, "%s", l ? l : "(null)");
        }
        h = h * 31 + (uint64_t)PQserverVersion(c);
        PQfinish(c);
    }
    return h;
}

static uint64_t w_roundtrip(PGconn *c)
{
    uint64_t h = 0;
    for (long k = 0; k < g_n; k++) {
        PGresult *r = PQexec(c, "SELECT 1");
        if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 ||
            strcmp(PQgetvalue(r, 0, 0), "1") != 0)
            fail("SELECT 1: %s", PQerrorMessage(c));
        h += 1;
        PQclear(r);
    }
    return h;
}

static uint64_t w_prepared(PGconn *c, int binary)
{
    uint64_t h = 0;
    Oid types[3] = {23, 25, 701};
    PGresult *r = PQprepare(c, "p", "SELECT $1::int4 + 1, $2::text, $3::float8 * 2", 3, types);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        fail("PQprepare: %s", PQerrorMessage(c));
    PQclear(r);
    begin();
    for (long k = 0; k < g_n; k++) {
        char a[24], t[48], f[32];
        const char *vals[3];
        int lens[3], fmts[3];
        uint32_t ni;
        uint64_t nf;
        double d = (double)k + 0.5;
        snprintf(t, sizeof t, "row-%ld-abcdefghij", k);
        if (binary) {
            ni = htonl((uint32_t)k);
            memcpy(a, &ni, 4);
            memcpy(&nf, &d, 8);
            nf = ((uint64_t)htonl((uint32_t)nf) << 32) | htonl((uint32_t)(nf >> 32));
            memcpy(f, &nf, 8);
            lens[0] = 4;
            lens[2] = 8;
        } else {
            snprintf(a, sizeof a, "%ld", k);
            snprintf(f, sizeof f, "%.1f", d);
            lens[0] = lens[2] = 0;
        }
        vals[0] = a;
        vals[1] = t;
        vals[2] = f;
        lens[1] = (int)strlen(t);
        fmts[0] = fmts[1] = fmts[2] = binary;
        r = PQexecPrepared(c, "p", 3, vals, lens, fmts, binary);
        if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 || PQnfields(r) != 3)
            fail("PQexecPrepared: %s", PQerrorMessage(c));
        if (binary) {
            uint32_t got;
            uint64_t gf;
            double gd;
            if (PQgetlength(r, 0, 0) != 4 || PQgetlength(r, 0, 2) != 8)
                fail("binary lengths");
            memcpy(&got, PQgetvalue(r, 0, 0), 4);
            memcpy(&gf, PQgetvalue(r, 0, 2), 8);
            gf = ((uint64_t)ntohl((uint32_t)gf) << 32) | ntohl((uint32_t)(gf >> 32));
            memcpy(&gd, &gf, 8);
            if ((long)ntohl(got) != k + 1 || gd != 2 * d)
                fail("binary values of row %ld", k);
        } else {
            if (atol(PQgetvalue(r, 0, 0)) != k + 1 || atof(PQgetvalue(r, 0, 2)) != 2 * d)
                fail("text values of row %ld: %s %s", k, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 2));
        }
        if (strcmp(PQgetvalue(r, 0, 1), t) != 0)
            fail("text value of row %ld", k);
        h = hash_bytes(h, PQgetvalue(r, 0, 1), (size_t)PQgetlength(r, 0, 1));
        PQclear(r);
    }
    end();
    return h;
}

/* Rows of bench_rows: i, 20-character text, float8, timestamp. */
struct rowcheck {
    long rows;
    long long sum_i;
    uint64_t h;
};

static void touch_rows(struct rowcheck *rc, const PGresult *r)
{
    int nt = PQntuples(r);
    if (PQnfields(r) != 4)
        fail("%d fields", PQnfields(r));
    for (int k = 0; k < nt; k++) {
        const char *v = PQgetvalue(r, k, 0);
        long x = 0;
        for (; *v; v++)
            x = x * 10 + (*v - '0');
        rc->sum_i += x;
        for (int col = 1; col < 4; col++) {
            if (PQgetisnull(r, k, col))
                fail("null in row %d", k);
            rc->h = hash_bytes(rc->h, PQgetvalue(r, k, col), (size_t)PQgetlength(r, k, col));
        }
    }
    rc->rows += nt;
}

static void check_rows(const struct rowcheck *rc)
{
    long long want = (long long)g_n * (g_n + 1) / 2;
    if (rc->rows != g_n)
        fail("%ld rows, expected %ld", rc->rows, g_n);
    if (rc->sum_i != want)
        fail("sum(i) %lld, expected %lld", rc->sum_i, want);
}

static char g_select[128];

static uint64_t w_fetch_exec(PGconn *c)
{
    struct rowcheck rc = {0, 0, 0};
    begin();
    PGresult *r = PQexec(c, g_select);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail("%s", PQerrorMessage(c));
    touch_rows(&rc, r);
    end();
    PQclear(r);
    check_rows(&rc);
    return rc.h;
}

typedef int (*chunked_fn)(PGconn *, int);

static uint64_t w_fetch_mode(PGconn *c, int chunk)
{
    struct rowcheck rc = {0, 0, 0};
    chunked_fn set_chunked = NULL;
    ExecStatusType want = chunk ? (ExecStatusType)12 /* PGRES_TUPLES_CHUNK */ : PGRES_SINGLE_TUPLE;
    if (chunk) {
        set_chunked = (chunked_fn)dlsym(RTLD_DEFAULT, "PQsetChunkedRowsMode");
        if (!set_chunked) {
            printf("SKIPPED workload=%s lib=%s: PQsetChunkedRowsMode not exported\n", g_workload,
                   loaded_libpq());
            exit(0);
        }
    }
    begin();
    if (!PQsendQuery(c, g_select))
        fail("PQsendQuery: %s", PQerrorMessage(c));
    if (!(chunk ? set_chunked(c, chunk) : PQsetSingleRowMode(c)))
        fail("cannot set the row mode");
    for (;;) {
        PGresult *r = PQgetResult(c);
        if (!r)
            break;
        ExecStatusType st = PQresultStatus(r);
        if (st == want)
            touch_rows(&rc, r);
        else if (st != PGRES_TUPLES_OK || PQntuples(r) != 0)
            fail("status %s: %s", PQresStatus(st), PQerrorMessage(c));
        PQclear(r);
    }
    end();
    check_rows(&rc);
    return rc.h;
}

static uint64_t w_copy_out(PGconn *c)
{
    char sql[160];
    uint64_t h = 0;
    long rows = 0, bytes = 0;
    snprintf(sql, sizeof sql, "COPY (SELECT * FROM bench_rows LIMIT %ld) TO STDOUT", g_n);
    begin();
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COPY_OUT)
        fail("%s", PQerrorMessage(c));
    PQclear(r);
    for (;;) {
        char *buf;
        int n = PQgetCopyData(c, &buf, 0);
        if (n == -1)
            break;
        if (n < 0)
            fail("PQgetCopyData: %s", PQerrorMessage(c));
        h = hash_bytes(h, buf, (size_t)n);
        if (n == 0 || buf[n - 1] != '\n')
            fail("row %ld does not end in a newline", rows);
        bytes += n;
        rows++;
        PQfreemem(buf);
    }
    r = PQgetResult(c);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        fail("COPY end: %s", PQerrorMessage(c));
    PQclear(r);
    r = PQgetResult(c);
    if (r)
        fail("result after COPY");
    end();
    if (rows != g_n)
        fail("%ld rows, expected %ld", rows, g_n);
    printf("copy_bytes=%ld\n", bytes);
    return h ^ (uint64_t)bytes;
}

static uint64_t w_copy_in(PGconn *c)
{
    enum { POOL = 1000 };
    static char lines[POOL][96];
    static int lens[POOL];
    long long sum_i = 0;
    long bytes = 0;
    for (int k = 0; k < POOL; k++)
        lens[k] = snprintf(lines[k], sizeof lines[k], "%d\tabcdefghij%010d\t%d.25\t2001-02-03 04:05:%02d\n",
                           k + 1, k * 7919, k * 3, k % 60);
    exec_ok(c, "TRUNCATE bench_in");
    begin();
    PGresult *r = PQexec(c, "COPY bench_in FROM STDIN");
    if (PQresultStatus(r) != PGRES_COPY_IN)
        fail("%s", PQerrorMessage(c));
    PQclear(r);
    for (long k = 0; k < g_n; k++) {
        int p = (int)(k % POOL);
        if (PQputCopyData(c, lines[p], lens[p]) != 1)
            fail("PQputCopyData: %s", PQerrorMessage(c));
        sum_i += p + 1;
        bytes += lens[p];
    }
    if (PQputCopyEnd(c, NULL) != 1)
        fail("PQputCopyEnd: %s", PQerrorMessage(c));
    r = PQgetResult(c);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        fail("COPY end: %s", PQerrorMessage(c));
    PQclear(r);
    r = PQgetResult(c);
    if (r)
        fail("result after COPY");
    end();
    r = PQexec(c, "SELECT count(*), sum(i), sum(length(t)) FROM bench_in");
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail("%s", PQerrorMessage(c));
    if (atol(PQgetvalue(r, 0, 0)) != g_n || atoll(PQgetvalue(r, 0, 1)) != sum_i ||
        atol(PQgetvalue(r, 0, 2)) != 20 * g_n)
        fail("table has %s rows, sum %s (expected %ld, %lld)", PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), g_n,
             sum_i);
    PQclear(r);
    printf("copy_bytes=%ld\n", bytes);
    return (uint64_t)sum_i ^ (uint64_t)bytes;
}

static uint64_t w_pipeline(PGconn *c, int pipelined)
{
    enum { BATCH = 1000 };
    uint64_t h = 0;
    Oid type = 23;
    begin();
    if (pipelined && !PQenterPipelineMode(c))
        fail("PQenterPipelineMode: %s", PQerrorMessage(c));
    for (long k0 = 0; k0 < g_n; k0 += BATCH) {
        long k1 = k0 + BATCH < g_n ? k0 + BATCH : g_n;
        for (long k = k0; k < k1; k++) {
            char a[24];
            const char *v = a;
            snprintf(a, sizeof a, "%ld", k);
            if (pipelined) {
                if (!PQsendQueryParams(c, "SELECT $1::int4", 1, &type, &v, NULL, NULL, 0))
                    fail("PQsendQueryParams: %s", PQerrorMessage(c));
            } else {
                PGresult *r = PQexecParams(c, "SELECT $1::int4", 1, &type, &v, NULL, NULL, 0);
                if (PQresultStatus(r) != PGRES_TUPLES_OK || atol(PQgetvalue(r, 0, 0)) != k)
                    fail("PQexecParams %ld: %s", k, PQerrorMessage(c));
                h += (uint64_t)k;
                PQclear(r);
            }
        }
        if (!pipelined)
            continue;
        if (!PQpipelineSync(c))
            fail("PQpipelineSync: %s", PQerrorMessage(c));
        for (long k = k0; k < k1; k++) {
            PGresult *r = PQgetResult(c);
            if (PQresultStatus(r) != PGRES_TUPLES_OK || atol(PQgetvalue(r, 0, 0)) != k)
                fail("pipelined result %ld: %s", k, PQerrorMessage(c));
            h += (uint64_t)k;
            PQclear(r);
            r = PQgetResult(c);
            if (r)
                fail("no NULL after result %ld", k);
        }
        PGresult *r = PQgetResult(c);
        if (PQresultStatus(r) != PGRES_PIPELINE_SYNC)
            fail("expected PGRES_PIPELINE_SYNC, got %s", PQresStatus(PQresultStatus(r)));
        PQclear(r);
    }
    if (pipelined && !PQexitPipelineMode(c))
        fail("PQexitPipelineMode: %s", PQerrorMessage(c));
    end();
    return h;
}

static uint64_t w_notify(PGconn *listener, PGconn *sender)
{
    uint64_t h = 0;
    exec_ok(listener, "LISTEN bench");
    begin();
    for (long k = 0; k < g_n; k++) {
        char sql[64], want[24];
        PGnotify *n;
        snprintf(want, sizeof want, "%ld", k);
        snprintf(sql, sizeof sql, "NOTIFY bench, '%ld'", k);
        exec_ok(sender, sql);
        for (;;) {
            if (!PQconsumeInput(listener))
                fail("PQconsumeInput: %s", PQerrorMessage(listener));
            n = PQnotifies(listener);
            if (n)
                break;
            struct pollfd pfd = {PQsocket(listener), POLLIN, 0};
            if (poll(&pfd, 1, 10000) != 1)
                fail("no notification %ld within 10 s", k);
        }
        if (strcmp(n->relname, "bench") != 0 || strcmp(n->extra, want) != 0)
            fail("notification %s/%s, expected bench/%s", n->relname, n->extra, want);
        h = hash_bytes(h, n->extra, strlen(n->extra));
        PQfreemem(n);
    }
    end();
    return h;
}

int main(int argc, char **argv)
{
    uint64_t h;
    const char *w;
    if (argc != 3) {
        fprintf(stderr, "usage: bench WORKLOAD N\n");
        return 2;
    }
    g_workload = w = argv[1];
    g_n = atol(argv[2]);
    if (g_n <= 0)
        fail("bad N");
    snprintf(g_select, sizeof g_select, "SELECT i, t, f, ts FROM bench_rows LIMIT %ld", g_n);

    if (strcmp(w, "connect_unix") == 0 || strcmp(w, "connect_scram") == 0 || strcmp(w, "connect_tls") == 0) {
        const char *ci = need_env(strcmp(w, "connect_unix") == 0    ? "BENCH_CONNINFO"
                                  : strcmp(w, "connect_scram") == 0 ? "BENCH_SCRAM_CONNINFO"
                                                                    : "BENCH_TLS_CONNINFO");
        /* One connection first: the library's one-time set-up (e.g. loading
         * the system's root certificates) is not what is measured. */
        PQfinish(connect_to(ci));
        begin();
        h = w_connect(ci, strcmp(w, "connect_tls") == 0);
        end();
    } else {
        PGconn *c = connect_to(need_env("BENCH_CONNINFO"));
        /* LIMIT N must give rows 1..N: no scan joining another in the middle. */
        exec_ok(c, "SET synchronize_seqscans = off");
        if (strcmp(w, "roundtrip") == 0) {
            begin();
            h = w_roundtrip(c);
            end();
        } else if (strcmp(w, "prepared_text") == 0)
            h = w_prepared(c, 0);
        else if (strcmp(w, "prepared_binary") == 0)
            h = w_prepared(c, 1);
        else if (strcmp(w, "fetch_exec") == 0)
            h = w_fetch_exec(c);
        else if (strcmp(w, "fetch_single") == 0)
            h = w_fetch_mode(c, 0);
        else if (strcmp(w, "fetch_chunked") == 0)
            h = w_fetch_mode(c, 1000);
        else if (strcmp(w, "copy_out") == 0)
            h = w_copy_out(c);
        else if (strcmp(w, "copy_in") == 0)
            h = w_copy_in(c);
        else if (strcmp(w, "pipeline") == 0)
            h = w_pipeline(c, 1);
        else if (strcmp(w, "no_pipeline") == 0)
            h = w_pipeline(c, 0);
        else if (strcmp(w, "notify") == 0) {
            PGconn *s = connect_to(need_env("BENCH_CONNINFO"));
            h = w_notify(c, s);
            PQfinish(s);
        } else {
            fprintf(stderr, "unknown workload %s\n", w);
            return 2;
        }
        PQfinish(c);
    }
    printf("BENCH workload=%s n=%ld lib=%s ssl=%s wall=%.6f user=%.6f sys=%.6f hwm_kb=%ld check=%016llx\n", w,
           g_n, loaded_libpq(), g_ssl_lib, g_wall, g_user, g_sys, g_hwm_kb, (unsigned long long)h);
    return 0;
}
