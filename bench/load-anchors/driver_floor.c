/*
 * The floor of an ODBC driver for bench/load: ROWS rows of 48 columns (40 text of 23 bytes,
 * 8 integers) through a prepared multi-row INSERT of ROWS-PER-STATEMENT rows (and one for the
 * rows left over) whose buffers are bound once and never change. No parsing, typing or copying happens here, so whatever ncp-load takes beyond this
 * is ours. (sqliteodbc prepares the statement again on every SQLExecute; that is its floor.)
 *   driver_floor CONNECTION-STRING TABLE ROWS ROWS-PER-STATEMENT   prints the seconds
 */
#include <sql.h>
#include <sqlext.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { COLUMNS = 48, TEXT_COLUMNS = 40 };

static void check(SQLRETURN rc, SQLSMALLINT type, SQLHANDLE handle, const char *what) {
    if (SQL_SUCCEEDED(rc)) return;
    SQLCHAR state[6] = "", message[512] = "";
    SQLINTEGER native = 0;
    SQLSMALLINT length = 0;
    SQLGetDiagRec(type, handle, 1, state, &native, message, sizeof message, &length);
    fprintf(stderr, "driver_floor: %s: %s %s\n", what, state, message);
    exit(1);
}

static void append(char **out, size_t *used, size_t *size, const char *text) {
    size_t length = strlen(text);
    while (*used + length + 1 > *size) *out = realloc(*out, *size *= 2);
    memcpy(*out + *used, text, length + 1);
    *used += length;
}

/* A prepared INSERT of ROWS rows whose parameters are bound once to the same constants. */
static SQLHSTMT prepare_insert(SQLHDBC dbc, const char *table, long rows) {
    static char text[] = "server-name-abcdef-0001";
    static SQLBIGINT number = 12345678;
    SQLHSTMT statement;
    check(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &statement), SQL_HANDLE_DBC, dbc, "allocating a statement");
    size_t size = 1 << 16, used = 0;
    char *sql = malloc(size), piece[64];
    sql[0] = 0;
    snprintf(piece, sizeof piece, "INSERT INTO \"%s\" (", table);
    append(&sql, &used, &size, piece);
    for (int c = 0; c < COLUMNS; c++) {
        snprintf(piece, sizeof piece, "%s\"c%d\"", c ? ", " : "", c);
        append(&sql, &used, &size, piece);
    }
    append(&sql, &used, &size, ") VALUES ");
    for (long r = 0; r < rows; r++) {
        append(&sql, &used, &size, r ? ", (" : "(");
        for (int c = 0; c < COLUMNS; c++) append(&sql, &used, &size, c ? ", ?" : "?");
        append(&sql, &used, &size, ")");
    }
    check(SQLPrepare(statement, (SQLCHAR *)sql, SQL_NTS), SQL_HANDLE_STMT, statement, "preparing");
    free(sql);

    SQLLEN *indicators = calloc((size_t)(rows * COLUMNS), sizeof(SQLLEN));  // kept while the statement lives
    for (long p = 0; p < rows * COLUMNS; p++) {
        SQLUSMALLINT n = (SQLUSMALLINT)(p + 1);
        if (p % COLUMNS < TEXT_COLUMNS) {
            indicators[p] = (SQLLEN)strlen(text);
            check(SQLBindParameter(statement, n, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 64, 0, text, sizeof text, &indicators[p]),
                  SQL_HANDLE_STMT, statement, "binding");
        } else {
            check(SQLBindParameter(statement, n, SQL_PARAM_INPUT, SQL_C_SBIGINT, SQL_BIGINT, 19, 0, &number, 8, &indicators[p]),
                  SQL_HANDLE_STMT, statement, "binding");
        }
    }
    return statement;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: driver_floor CONNECTION-STRING TABLE ROWS ROWS-PER-STATEMENT\n");
        return 64;
    }
    const char *table = argv[2];
    long rows = atol(argv[3]), per = atol(argv[4]);
    if (rows < 1 || per < 1) {
        fprintf(stderr, "driver_floor: ROWS and ROWS-PER-STATEMENT must be at least 1\n");
        return 64;
    }
    SQLHENV env;
    SQLHDBC dbc;
    SQLHSTMT statement;
    SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env);
    SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0);
    SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc);
    check(SQLDriverConnect(dbc, NULL, (SQLCHAR *)argv[1], SQL_NTS, NULL, 0, NULL, SQL_DRIVER_NOPROMPT), SQL_HANDLE_DBC, dbc, "connecting");
    check(SQLSetConnectAttr(dbc, SQL_ATTR_AUTOCOMMIT, (SQLPOINTER)SQL_AUTOCOMMIT_OFF, 0), SQL_HANDLE_DBC, dbc, "autocommit off");
    SQLAllocHandle(SQL_HANDLE_STMT, dbc, &statement);

    size_t size = 1 << 16, used = 0;
    char *sql = malloc(size), piece[64];
    sql[0] = 0;
    snprintf(piece, sizeof piece, "CREATE TABLE \"%s\" (", table);
    append(&sql, &used, &size, piece);
    for (int c = 0; c < COLUMNS; c++) {
        snprintf(piece, sizeof piece, "%s\"c%d\" %s", c ? ", " : "", c, c < TEXT_COLUMNS ? "TEXT" : "BIGINT");
        append(&sql, &used, &size, piece);
    }
    append(&sql, &used, &size, ")");
    check(SQLExecDirect(statement, (SQLCHAR *)sql, SQL_NTS), SQL_HANDLE_STMT, statement, "creating the table");

    // Every statement but the last inserts ROWS-PER-STATEMENT rows; the last, the rest.
    SQLHSTMT full = per <= rows ? prepare_insert(dbc, table, per) : NULL;
    SQLHSTMT rest = rows % per ? prepare_insert(dbc, table, rows % per) : NULL;
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long done = 0; done + per <= rows; done += per) check(SQLExecute(full), SQL_HANDLE_STMT, full, "inserting");
    if (rest) check(SQLExecute(rest), SQL_HANDLE_STMT, rest, "inserting the last rows");
    check(SQLEndTran(SQL_HANDLE_DBC, dbc, SQL_COMMIT), SQL_HANDLE_DBC, dbc, "committing");
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("%.3f\n", (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9);
    return 0;
}
