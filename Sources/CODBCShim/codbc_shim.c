#include "codbc_shim.h"

int codbc_succeeded(SQLRETURN rc) { return SQL_SUCCEEDED(rc); }
SQLRETURN codbc_set_env_uint(SQLHENV env, SQLINTEGER attribute, SQLULEN value) {
    return SQLSetEnvAttr(env, attribute, (SQLPOINTER)value, 0);
}
SQLRETURN codbc_set_connect_uint(SQLHDBC dbc, SQLINTEGER attribute, SQLULEN value) {
    return SQLSetConnectAttr(dbc, attribute, (SQLPOINTER)value, 0);
}
SQLRETURN codbc_set_stmt_uint(SQLHSTMT stmt, SQLINTEGER attribute, SQLULEN value) {
    return SQLSetStmtAttr(stmt, attribute, (SQLPOINTER)value, 0);
}
SQLRETURN codbc_set_stmt_pointer(SQLHSTMT stmt, SQLINTEGER attribute, SQLPOINTER value) {
    return SQLSetStmtAttr(stmt, attribute, value, 0);
}
