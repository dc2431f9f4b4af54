#ifndef CODBC_SHIM_H
#define CODBC_SHIM_H
// ODBC attributes that take integers disguised as pointers, and SQL_SUCCEEDED, as functions.
#include <sql.h>
#include <sqlext.h>

int codbc_succeeded(SQLRETURN rc);
SQLRETURN codbc_set_env_uint(SQLHENV env, SQLINTEGER attribute, SQLULEN value);
SQLRETURN codbc_set_connect_uint(SQLHDBC dbc, SQLINTEGER attribute, SQLULEN value);
SQLRETURN codbc_set_stmt_uint(SQLHSTMT stmt, SQLINTEGER attribute, SQLULEN value);
SQLRETURN codbc_set_stmt_pointer(SQLHSTMT stmt, SQLINTEGER attribute, SQLPOINTER value);

#endif
