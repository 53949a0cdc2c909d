/*
 * The C prototype of every function that libpq 18 declares in libpq-fe.h and
 * libpq-events.h (from /work/shared/reference/libpq-api.md, section 1), for
 * tests/integration/abi.rs. Included after the headers under test: a C
 * compiler rejects a redeclaration with an incompatible type ("conflicting
 * types"), and a C++ compiler rejects any other signature for an extern "C"
 * function, so a declaration in our header that differs from libpq's (a
 * missing const, another integer type) fails the build of the probe.
 *
 * Part 1 (ordinals 1-186) is also compiled against the system libpq 15
 * headers, which checks this file itself. PQfreeNotify is left out: the
 * headers define it as a macro.
 */

#ifndef LIBPQ18_PROTOTYPES_H
#define LIBPQ18_PROTOTYPES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C"
{
#endif

/* Part 1: in libpq 15 already. */
extern PGconn *PQconnectdb(const char *conninfo);	/* 1 */
extern PGconn *PQsetdbLogin(const char *pghost, const char *pgport, const char *pgoptions, const char *pgtty, const char *dbName, const char *login, const char *pwd);	/* 2 */
extern PQconninfoOption *PQconndefaults(void);	/* 3 */
extern void PQfinish(PGconn *conn);	/* 4 */
extern void PQreset(PGconn *conn);	/* 5 */
extern int PQrequestCancel(PGconn *conn);	/* 6 */
extern char *PQdb(const PGconn *conn);	/* 7 */
extern char *PQuser(const PGconn *conn);	/* 8 */
extern char *PQpass(const PGconn *conn);	/* 9 */
extern char *PQhost(const PGconn *conn);	/* 10 */
extern char *PQport(const PGconn *conn);	/* 11 */
extern char *PQtty(const PGconn *conn);	/* 12 */
extern char *PQoptions(const PGconn *conn);	/* 13 */
extern ConnStatusType PQstatus(const PGconn *conn);	/* 14 */
extern char *PQerrorMessage(const PGconn *conn);	/* 15 */
extern int PQsocket(const PGconn *conn);	/* 16 */
extern int PQbackendPID(const PGconn *conn);	/* 17 */
extern void PQtrace(PGconn *conn, FILE *debug_port);	/* 18 */
extern void PQuntrace(PGconn *conn);	/* 19 */
extern PQnoticeProcessor PQsetNoticeProcessor(PGconn *conn, PQnoticeProcessor proc, void *arg);	/* 20 */
extern PGresult *PQexec(PGconn *conn, const char *query);	/* 21 */
extern PGnotify *PQnotifies(PGconn *conn);	/* 22 */
extern int PQsendQuery(PGconn *conn, const char *query);	/* 23 */
extern PGresult *PQgetResult(PGconn *conn);	/* 24 */
extern int PQisBusy(PGconn *conn);	/* 25 */
extern int PQconsumeInput(PGconn *conn);	/* 26 */
extern int PQgetline(PGconn *conn, char *buffer, int length);	/* 27 */
extern int PQputline(PGconn *conn, const char *string);	/* 28 */
extern int PQgetlineAsync(PGconn *conn, char *buffer, int bufsize);	/* 29 */
extern int PQputnbytes(PGconn *conn, const char *buffer, int nbytes);	/* 30 */
extern int PQendcopy(PGconn *conn);	/* 31 */
extern PGresult *PQfn(PGconn *conn, int fnid, int *result_buf, int *result_len, int result_is_int, const PQArgBlock *args, int nargs);	/* 32 */
extern ExecStatusType PQresultStatus(const PGresult *res);	/* 33 */
extern int PQntuples(const PGresult *res);	/* 34 */
extern int PQnfields(const PGresult *res);	/* 35 */
extern int PQbinaryTuples(const PGresult *res);	/* 36 */
extern char *PQfname(const PGresult *res, int field_num);	/* 37 */
extern int PQfnumber(const PGresult *res, const char *field_name);	/* 38 */
extern Oid PQftype(const PGresult *res, int field_num);	/* 39 */
extern int PQfsize(const PGresult *res, int field_num);	/* 40 */
extern int PQfmod(const PGresult *res, int field_num);	/* 41 */
extern char *PQcmdStatus(PGresult *res);	/* 42 */
extern char *PQoidStatus(const PGresult *res);	/* 43 */
extern char *PQcmdTuples(PGresult *res);	/* 44 */
extern char *PQgetvalue(const PGresult *res, int tup_num, int field_num);	/* 45 */
extern int PQgetlength(const PGresult *res, int tup_num, int field_num);	/* 46 */
extern int PQgetisnull(const PGresult *res, int tup_num, int field_num);	/* 47 */
extern void PQclear(PGresult *res);	/* 48 */
extern PGresult *PQmakeEmptyPGresult(PGconn *conn, ExecStatusType status);	/* 49 */
extern void PQprint(FILE *fout, const PGresult *res, const PQprintOpt *po);	/* 50 */
extern void PQdisplayTuples(const PGresult *res, FILE *fp, int fillAlign, const char *fieldSep, int printHeader, int quiet);	/* 51 */
extern void PQprintTuples(const PGresult *res, FILE *fout, int PrintAttNames, int TerseOutput, int colWidth);	/* 52 */
extern int lo_open(PGconn *conn, Oid lobjId, int mode);	/* 53 */
extern int lo_close(PGconn *conn, int fd);	/* 54 */
extern int lo_read(PGconn *conn, int fd, char *buf, size_t len);	/* 55 */
extern int lo_write(PGconn *conn, int fd, const char *buf, size_t len);	/* 56 */
extern int lo_lseek(PGconn *conn, int fd, int offset, int whence);	/* 57 */
extern Oid lo_creat(PGconn *conn, int mode);	/* 58 */
extern int lo_tell(PGconn *conn, int fd);	/* 59 */
extern int lo_unlink(PGconn *conn, Oid lobjId);	/* 60 */
extern Oid lo_import(PGconn *conn, const char *filename);	/* 61 */
extern int lo_export(PGconn *conn, Oid lobjId, const char *filename);	/* 62 */
extern int PQmblen(const char *s, int encoding);	/* 64 */
extern char *PQresultErrorMessage(const PGresult *res);	/* 65 */
extern char *PQresStatus(ExecStatusType status);	/* 66 */
extern Oid PQoidValue(const PGresult *res);	/* 71 */
extern int PQclientEncoding(const PGconn *conn);	/* 72 */
extern int PQenv2encoding(void);	/* 73 */
extern void PQconninfoFree(PQconninfoOption *connOptions);	/* 78 */
extern PostgresPollingStatusType PQconnectPoll(PGconn *conn);	/* 79 */
extern PGconn *PQconnectStart(const char *conninfo);	/* 80 */
extern int PQflush(PGconn *conn);	/* 81 */
extern int PQisnonblocking(const PGconn *conn);	/* 82 */
extern PostgresPollingStatusType PQresetPoll(PGconn *conn);	/* 83 */
extern int PQresetStart(PGconn *conn);	/* 84 */
extern int PQsetClientEncoding(PGconn *conn, const char *encoding);	/* 85 */
extern int PQsetnonblocking(PGconn *conn, int arg);	/* 86 */
extern size_t PQescapeString(char *to, const char *from, size_t length);	/* 88 */
extern unsigned char *PQescapeBytea(const unsigned char *from, size_t from_length, size_t *to_length);	/* 89 */
extern const char *pg_encoding_to_char(int encoding);	/* 92 */
extern unsigned char *PQunescapeBytea(const unsigned char *strtext, size_t *retbuflen);	/* 94 */
extern void PQfreemem(void *ptr);	/* 95 */
extern PGTransactionStatusType PQtransactionStatus(const PGconn *conn);	/* 96 */
extern const char *PQparameterStatus(const PGconn *conn, const char *paramName);	/* 97 */
extern int PQprotocolVersion(const PGconn *conn);	/* 98 */
extern PGVerbosity PQsetErrorVerbosity(PGconn *conn, PGVerbosity verbosity);	/* 99 */
extern PQnoticeReceiver PQsetNoticeReceiver(PGconn *conn, PQnoticeReceiver proc, void *arg);	/* 100 */
extern PGresult *PQexecParams(PGconn *conn, const char *command, int nParams, const Oid *paramTypes, const char *const *paramValues, const int *paramLengths, const int *paramFormats, int resultFormat);	/* 101 */
extern int PQsendQueryParams(PGconn *conn, const char *command, int nParams, const Oid *paramTypes, const char *const *paramValues, const int *paramLengths, const int *paramFormats, int resultFormat);	/* 102 */
extern int PQputCopyData(PGconn *conn, const char *buffer, int nbytes);	/* 103 */
extern int PQputCopyEnd(PGconn *conn, const char *errormsg);	/* 104 */
extern int PQgetCopyData(PGconn *conn, char **buffer, int async);	/* 105 */
extern char *PQresultErrorField(const PGresult *res, int fieldcode);	/* 106 */
extern Oid PQftable(const PGresult *res, int field_num);	/* 107 */
extern int PQftablecol(const PGresult *res, int field_num);	/* 108 */
extern int PQfformat(const PGresult *res, int field_num);	/* 109 */
extern PGresult *PQexecPrepared(PGconn *conn, const char *stmtName, int nParams, const char *const *paramValues, const int *paramLengths, const int *paramFormats, int resultFormat);	/* 110 */
extern int PQsendQueryPrepared(PGconn *conn, const char *stmtName, int nParams, const char *const *paramValues, const int *paramLengths, const int *paramFormats, int resultFormat);	/* 111 */
extern int PQdsplen(const char *s, int encoding);	/* 112 */
extern int PQserverVersion(const PGconn *conn);	/* 113 */
extern void *PQgetssl(PGconn *conn);	/* 114 */
extern int pg_char_to_encoding(const char *name);	/* 115 */
extern PGresult *PQprepare(PGconn *conn, const char *stmtName, const char *query, int nParams, const Oid *paramTypes);	/* 118 */
extern int PQsendPrepare(PGconn *conn, const char *stmtName, const char *query, int nParams, const Oid *paramTypes);	/* 119 */
extern PGcancel *PQgetCancel(PGconn *conn);	/* 120 */
extern void PQfreeCancel(PGcancel *cancel);	/* 121 */
extern int PQcancel(PGcancel *cancel, char *errbuf, int errbufsize);	/* 122 */
extern Oid lo_create(PGconn *conn, Oid lobjId);	/* 123 */
extern void PQinitSSL(int do_init);	/* 124 */
extern pgthreadlock_t PQregisterThreadLock(pgthreadlock_t newhandler);	/* 125 */
extern size_t PQescapeStringConn(PGconn *conn, char *to, const char *from, size_t length, int *error);	/* 126 */
extern unsigned char *PQescapeByteaConn(PGconn *conn, const unsigned char *from, size_t from_length, size_t *to_length);	/* 127 */
extern char *PQencryptPassword(const char *passwd, const char *user);	/* 128 */
extern int PQisthreadsafe(void);	/* 129 */
extern int PQnparams(const PGresult *res);	/* 131 */
extern Oid PQparamtype(const PGresult *res, int param_num);	/* 132 */
extern PGresult *PQdescribePrepared(PGconn *conn, const char *stmt);	/* 133 */
extern PGresult *PQdescribePortal(PGconn *conn, const char *portal);	/* 134 */
extern int PQsendDescribePrepared(PGconn *conn, const char *stmt);	/* 135 */
extern int PQsendDescribePortal(PGconn *conn, const char *portal);	/* 136 */
extern int lo_truncate(PGconn *conn, int fd, size_t len);	/* 137 */
extern int PQconnectionUsedPassword(const PGconn *conn);	/* 138 */
extern int pg_valid_server_encoding_id(int encoding);	/* 139 */
extern int PQconnectionNeedsPassword(const PGconn *conn);	/* 140 */
extern Oid lo_import_with_oid(PGconn *conn, const char *filename, Oid lobjId);	/* 141 */
extern PGresult *PQcopyResult(const PGresult *src, int flags);	/* 142 */
extern int PQsetResultAttrs(PGresult *res, int numAttributes, PGresAttDesc *attDescs);	/* 143 */
extern int PQsetvalue(PGresult *res, int tup_num, int field_num, char *value, int len);	/* 144 */
extern void *PQresultAlloc(PGresult *res, size_t nBytes);	/* 145 */
extern int PQregisterEventProc(PGconn *conn, PGEventProc proc, const char *name, void *passThrough);	/* 146 */
extern void *PQinstanceData(const PGconn *conn, PGEventProc proc);	/* 147 */
extern int PQsetInstanceData(PGconn *conn, PGEventProc proc, void *data);	/* 148 */
extern void *PQresultInstanceData(const PGresult *result, PGEventProc proc);	/* 149 */
extern int PQresultSetInstanceData(PGresult *result, PGEventProc proc, void *data);	/* 150 */
extern int PQfireResultCreateEvents(PGconn *conn, PGresult *res);	/* 151 */
extern PQconninfoOption *PQconninfoParse(const char *conninfo, char **errmsg);	/* 152 */
extern void PQinitOpenSSL(int do_ssl, int do_crypto);	/* 153 */
extern char *PQescapeLiteral(PGconn *conn, const char *str, size_t len);	/* 154 */
extern char *PQescapeIdentifier(PGconn *conn, const char *str, size_t len);	/* 155 */
extern PGconn *PQconnectdbParams(const char *const *keywords, const char *const *values, int expand_dbname);	/* 156 */
extern PGconn *PQconnectStartParams(const char *const *keywords, const char *const *values, int expand_dbname);	/* 157 */
extern PGPing PQping(const char *conninfo);	/* 158 */
extern PGPing PQpingParams(const char *const *keywords, const char *const *values, int expand_dbname);	/* 159 */
extern int PQlibVersion(void);	/* 160 */
extern int PQsetSingleRowMode(PGconn *conn);	/* 161 */
extern int64_t lo_lseek64(PGconn *conn, int fd, int64_t offset, int whence);	/* 162 */
extern int64_t lo_tell64(PGconn *conn, int fd);	/* 163 */
extern int lo_truncate64(PGconn *conn, int fd, int64_t len);	/* 164 */
extern PQconninfoOption *PQconninfo(PGconn *conn);	/* 165 */
extern int PQsslInUse(PGconn *conn);	/* 166 */
extern void *PQsslStruct(PGconn *conn, const char *struct_name);	/* 167 */
extern const char *const *PQsslAttributeNames(PGconn *conn);	/* 168 */
extern const char *PQsslAttribute(PGconn *conn, const char *attribute_name);	/* 169 */
extern PGContextVisibility PQsetErrorContextVisibility(PGconn *conn, PGContextVisibility show_context);	/* 170 */
extern char *PQresultVerboseErrorMessage(const PGresult *res, PGVerbosity verbosity, PGContextVisibility show_context);	/* 171 */
extern char *PQencryptPasswordConn(PGconn *conn, const char *passwd, const char *user, const char *algorithm);	/* 172 */
extern size_t PQresultMemorySize(const PGresult *res);	/* 173 */
extern char *PQhostaddr(const PGconn *conn);	/* 174 */
extern int PQgssEncInUse(PGconn *conn);	/* 175 */
extern void *PQgetgssctx(PGconn *conn);	/* 176 */
extern void PQsetSSLKeyPassHook_OpenSSL(PQsslKeyPassHook_OpenSSL_type hook);	/* 177 */
extern PQsslKeyPassHook_OpenSSL_type PQgetSSLKeyPassHook_OpenSSL(void);	/* 178 */
extern int PQdefaultSSLKeyPassHook_OpenSSL(char *buf, int size, PGconn *conn);	/* 179 */
extern int PQenterPipelineMode(PGconn *conn);	/* 180 */
extern int PQexitPipelineMode(PGconn *conn);	/* 181 */
extern int PQpipelineSync(PGconn *conn);	/* 182 */
extern PGpipelineStatus PQpipelineStatus(const PGconn *conn);	/* 183 */
extern void PQsetTraceFlags(PGconn *conn, int flags);	/* 184 */
extern int PQmblenBounded(const char *s, int encoding);	/* 185 */
extern int PQsendFlushRequest(PGconn *conn);	/* 186 */

#ifndef PROBE_SYSTEM_HEADERS
/* Part 2: new in libpq 16-18. */
extern int PQconnectionUsedGSSAPI(const PGconn *conn);	/* 187 */
extern PGresult *PQclosePrepared(PGconn *conn, const char *stmt);	/* 188 */
extern PGresult *PQclosePortal(PGconn *conn, const char *portal);	/* 189 */
extern int PQsendClosePrepared(PGconn *conn, const char *stmt);	/* 190 */
extern int PQsendClosePortal(PGconn *conn, const char *portal);	/* 191 */
extern PGresult *PQchangePassword(PGconn *conn, const char *user, const char *passwd);	/* 192 */
extern int PQsendPipelineSync(PGconn *conn);	/* 193 */
extern int PQcancelBlocking(PGcancelConn *cancelConn);	/* 194 */
extern int PQcancelStart(PGcancelConn *cancelConn);	/* 195 */
extern PGcancelConn *PQcancelCreate(PGconn *conn);	/* 196 */
extern PostgresPollingStatusType PQcancelPoll(PGcancelConn *cancelConn);	/* 197 */
extern ConnStatusType PQcancelStatus(const PGcancelConn *cancelConn);	/* 198 */
extern int PQcancelSocket(const PGcancelConn *cancelConn);	/* 199 */
extern char *PQcancelErrorMessage(const PGcancelConn *cancelConn);	/* 200 */
extern void PQcancelReset(PGcancelConn *cancelConn);	/* 201 */
extern void PQcancelFinish(PGcancelConn *cancelConn);	/* 202 */
extern int PQsocketPoll(int sock, int forRead, int forWrite, pg_usec_time_t end_time);	/* 203 */
extern int PQsetChunkedRowsMode(PGconn *conn, int chunkSize);	/* 204 */
extern pg_usec_time_t PQgetCurrentTimeUSec(void);	/* 205 */
extern void PQsetAuthDataHook(PQauthDataHook_type hook);	/* 206 */
extern PQauthDataHook_type PQgetAuthDataHook(void);	/* 207 */
extern int PQdefaultAuthDataHook(PGauthData type, PGconn *conn, void *data);	/* 208 */
extern int PQfullProtocolVersion(const PGconn *conn);	/* 209 */
#endif							/* PROBE_SYSTEM_HEADERS */

#ifdef __cplusplus
}
#endif

#endif							/* LIBPQ18_PROTOTYPES_H */
