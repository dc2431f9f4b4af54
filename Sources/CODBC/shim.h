#include <sql.h>
#include <sqlext.h>
