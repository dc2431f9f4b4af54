import CODBCShim
import Foundation
import ReportKit

/// One ODBC environment + connection, autocommit off (SQLite: transactions in SQL, see
/// `explicitTransactions`): every load is one transaction.
public final class ODBCConnection {
    private var env: SQLHENV?
    private(set) var dbc: SQLHDBC?
    /// SQLite: autocommit on in the driver, and transactions begun (`begin`) and ended in SQL.
    /// sqliteodbc's own BEGIN is deferred: two loads both read first, and the second to write
    /// cannot wait for the first (SQLite answers busy at once); BEGIN IMMEDIATE takes the write
    /// lock first, waiting up to the busy timeout.
    private(set) var explicitTransactions = false
    private var inExplicitTransaction = false
    /// Applied before connecting (login), to every statement (query) and by `open` (locks).
    public let timeouts: DatabaseTimeouts
    /// The database, once `open` has asked the driver.
    public private(set) var dialect: Dialect?

    /// `label` names the connection in errors (where it came from, driver, server; by default
    /// the driver and server alone): the connection string itself is never part of an error.
    public init(connectionString: String, label: String? = nil, timeouts: DatabaseTimeouts = DatabaseTimeouts()) throws {
        let label = label ?? ConnectionString.describe(connectionString)
        self.timeouts = timeouts
        // SQLDriverConnect takes the length as a 16-bit number; the string itself may hold a password.
        guard connectionString.utf8.count <= Int(Int16.max) else {
            throw Failure(.usage, "the connection string is \(connectionString.utf8.count) bytes long; ODBC takes at most 32767")
        }
        var env: SQLHENV?
        guard codbc_succeeded(SQLAllocHandle(SQLSMALLINT(SQL_HANDLE_ENV), nil, &env)) != 0 else {
            throw Failure(.software, "cannot allocate an ODBC environment")
        }
        self.env = env
        _ = codbc_set_env_uint(env, SQLINTEGER(SQL_ATTR_ODBC_VERSION), SQLULEN(SQL_OV_ODBC3))
        var dbc: SQLHDBC?
        try ODBCConnection.check(SQLAllocHandle(SQLSMALLINT(SQL_HANDLE_DBC), env, &dbc), SQLSMALLINT(SQL_HANDLE_ENV), env, "allocating a connection")
        self.dbc = dbc
        // Drivers that do not support them say so with a warning, or ignore them (ConnectAttempt
        // waits at most the connect timeout whatever the driver does).
        _ = codbc_set_connect_uint(dbc, SQLINTEGER(SQL_ATTR_LOGIN_TIMEOUT), SQLULEN(timeouts.connect))
        _ = codbc_set_connect_uint(dbc, SQLINTEGER(SQL_ATTR_CONNECTION_TIMEOUT), SQLULEN(timeouts.backstop))
        var out = [SQLCHAR](repeating: 0, count: 2048)
        var outLength: SQLSMALLINT = 0
        var input = Array(connectionString.utf8)
        let rc = input.withUnsafeMutableBufferPointer { buffer in
            SQLDriverConnect(dbc, nil, buffer.baseAddress, SQLSMALLINT(buffer.count), &out, SQLSMALLINT(out.count), &outLength, SQLUSMALLINT(SQL_DRIVER_NOPROMPT))
        }
        try ODBCConnection.check(rc, SQLSMALLINT(SQL_HANDLE_DBC), dbc, "connecting (\(label))")
        try ODBCConnection.check(codbc_set_connect_uint(dbc, SQLINTEGER(SQL_ATTR_AUTOCOMMIT), SQLULEN(SQL_AUTOCOMMIT_OFF)),
                                 SQLSMALLINT(SQL_HANDLE_DBC), dbc, "turning autocommit off")
    }

    deinit {
        if let dbc {
            SQLEndTran(SQLSMALLINT(SQL_HANDLE_DBC), dbc, SQLSMALLINT(SQL_ROLLBACK))
            SQLDisconnect(dbc)
            SQLFreeHandle(SQLSMALLINT(SQL_HANDLE_DBC), dbc)
        }
        if let env { SQLFreeHandle(SQLSMALLINT(SQL_HANDLE_ENV), env) }
    }

    /// Every ODBC call goes through here: SQLSTATE and message become a typed error.
    static func check(_ rc: SQLRETURN, _ type: SQLSMALLINT, _ handle: SQLHANDLE?, _ action: String) throws {
        if codbc_succeeded(rc) != 0 { return }
        if rc == SQLRETURN(SQL_NO_DATA) { return }
        var state = [SQLCHAR](repeating: 0, count: 6)
        var native: SQLINTEGER = 0
        var text = [SQLCHAR](repeating: 0, count: 1024)
        var length: SQLSMALLINT = 0
        var sqlState = "HY000"
        var message = "no diagnostic (return code \(rc))"
        // The first record that is not a 01xxx warning says what failed (unixODBC puts
        // "Can't open lib" warnings first).
        var record: SQLSMALLINT = 1
        while let handle, codbc_succeeded(SQLGetDiagRec(type, handle, record, &state, &native, &text, SQLSMALLINT(text.count), &length)) != 0 {
            sqlState = String(decoding: state.prefix(5), as: UTF8.self)
            message = String(decoding: text.prefix(Int(max(0, min(Int(length), text.count - 1)))), as: UTF8.self)
            if !sqlState.hasPrefix("01") { break }
            record += 1
        }
        if sqlState.hasPrefix("01"), message.contains("Can't open lib") { sqlState = "IM003" }
        throw DatabaseError(sqlState: sqlState, nativeError: Int(native), driverMessage: message, action: action)
    }

    /// `SQLGetInfo` as text (empty when the driver does not say).
    public func info(_ type: Int32) -> String {
        var buffer = [SQLCHAR](repeating: 0, count: 256)
        var length: SQLSMALLINT = 0
        guard codbc_succeeded(SQLGetInfo(dbc, SQLUSMALLINT(type), &buffer, SQLSMALLINT(buffer.count), &length)) != 0 else { return "" }
        return String(decoding: buffer.prefix(max(0, min(Int(length), buffer.count - 1))), as: UTF8.self)
    }

    /// Connects (giving up after the connect timeout whatever the driver does), names the
    /// dialect from the driver and runs its session setup, timeouts included.
    public static func open(_ connectionString: String, label: String? = nil, timeouts: DatabaseTimeouts = DatabaseTimeouts()) throws -> (ODBCConnection, Dialect) {
        let connection = try connect(connectionString, label: label, timeouts: timeouts)
        let dbms = connection.info(ODBCInfo.dbmsName)
        guard let dialect = Dialect.detect(dbmsName: dbms) else {
            throw Failure(.config, "unsupported database '\(dbms)': expected SQLite, PostgreSQL, SQL Server or MariaDB")
        }
        connection.dialect = dialect
        if dialect == .sqlite { try connection.useExplicitTransactions() }
        for statement in dialect.sessionSetup + dialect.timeoutSetup(timeouts) { try connection.execute(statement) }
        try connection.commit()  // settings made inside a transaction must outlive a load's rollback
        return (connection, dialect)
    }

    /// A connection, or an error within the connect timeout (ConnectAttempt); the SQLite
    /// driver's busy timeout is added to its connection string (DatabaseTimeouts.connectionString).
    public static func connect(_ connectionString: String, label: String? = nil, timeouts: DatabaseTimeouts = DatabaseTimeouts()) throws -> ODBCConnection {
        try ConnectAttempt.connect(timeouts.connectionString(connectionString), label: label ?? ConnectionString.describe(connectionString),
                                   timeouts: timeouts)
    }

    public func statement() throws -> ODBCStatement { try ODBCStatement(connection: self) }

    /// Runs SQL without parameters (DDL, DELETE).
    public func execute(_ sql: String) throws {
        let statement = try self.statement()
        try statement.execDirect(sql)
    }

    public func commit() throws {
        if explicitTransactions {
            guard inExplicitTransaction else { return }  // each statement committed itself
            try execute("COMMIT")
            inExplicitTransaction = false
            return
        }
        try ODBCConnection.check(SQLEndTran(SQLSMALLINT(SQL_HANDLE_DBC), dbc, SQLSMALLINT(SQL_COMMIT)), SQLSMALLINT(SQL_HANDLE_DBC), dbc, "committing")
    }

    public func rollback() {
        if explicitTransactions {
            if inExplicitTransaction { try? execute("ROLLBACK") }
            inExplicitTransaction = false
            return
        }
        SQLEndTran(SQLSMALLINT(SQL_HANDLE_DBC), dbc, SQLSMALLINT(SQL_ROLLBACK))
    }

    /// Turns on `explicitTransactions` (SQLite).
    func useExplicitTransactions() throws {
        try ODBCConnection.check(codbc_set_connect_uint(dbc, SQLINTEGER(SQL_ATTR_AUTOCOMMIT), SQLULEN(SQL_AUTOCOMMIT_ON)),
                                 SQLSMALLINT(SQL_HANDLE_DBC), dbc, "turning autocommit on")
        explicitTransactions = true
    }

    /// Begins a transaction in SQL (`BEGIN IMMEDIATE`); `commit` or `rollback` ends it.
    public func begin(_ statement: String) throws {
        guard explicitTransactions, !inExplicitTransaction else { return }
        try execute(statement)
        inExplicitTransaction = true
    }

    /// Runs a query and returns every value as text (nil for NULL): for checks and tests.
    public func query(_ sql: String) throws -> [[String?]] {
        let statement = try self.statement()
        try statement.execDirect(sql)
        return try statement.fetchAllAsText()
    }

    /// A query with text parameters (`?`), every value as text: for catalog lookups.
    public func query(_ sql: String, parameters: [String]) throws -> [[String?]] {
        try withParameters(sql, parameters) { try $0.fetchAllAsText() }
    }

    /// A statement with text parameters (`?`) and no result: the partition's DELETE, whose
    /// values go as the rows' do (UTF-16 for SQL Server, which turns narrow text into its code
    /// page: a slice `東京` would match `??` and delete nothing).
    public func execute(_ sql: String, parameters: [String]) throws {
        try withParameters(sql, parameters, wide: dialect?.wideText ?? false) { $0.closeCursor() }
    }

    /// Prepares `sql`, binds `parameters` as text (UTF-8, or UTF-16 when `wide`), runs it, and
    /// hands over the statement.
    private func withParameters<R>(_ sql: String, _ parameters: [String], wide: Bool = false, _ body: (ODBCStatement) throws -> R) throws -> R {
        let statement = try self.statement()
        try statement.prepare(sql)
        let values = parameters.map { wide ? $0.utf16.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] } : Array($0.utf8) }
        let terminator = wide ? 2 : 1
        let buffers = values.map { UnsafeMutableRawPointer.allocate(byteCount: $0.count + terminator, alignment: 2) }
        let indicators = UnsafeMutablePointer<SQLLEN>.allocate(capacity: max(1, values.count))
        defer {
            for buffer in buffers { buffer.deallocate() }
            indicators.deallocate()
        }
        for (index, value) in values.enumerated() {
            value.withUnsafeBytes { if let bytes = $0.baseAddress { buffers[index].copyMemory(from: bytes, byteCount: value.count) } }
            for offset in 0..<terminator { buffers[index].storeBytes(of: 0, toByteOffset: value.count + offset, as: UInt8.self) }
            indicators[index] = SQLLEN(value.count)
            try statement.bindText(index + 1, buffer: buffers[index], width: value.count + terminator, indicators: indicators + index, wide: wide)
        }
        try statement.check(SQLExecute(statement.stmt), "running \(sql.prefix(80))")
        return try body(statement)
    }

    /// Column names and SQL types of a table, or nil when it does not exist.
    public func columns(of table: String, quoted: String) throws -> [(name: String, sqlType: Int)]? {
        let statement = try self.statement()
        do {
            try statement.execDirect("SELECT * FROM \(quoted) WHERE 1=0")
        } catch let error as DatabaseError where error.sqlState == "42S02" || error.sqlState == "42P01"
            || error.driverMessage.lowercased().contains("no such table") || error.driverMessage.lowercased().contains("does not exist")
        {
            rollback()  // PostgreSQL aborts the transaction on an error
            return nil
        }
        return try statement.describeColumns()
    }
}

extension ODBCConnection: LoadConnection {
    public var path: LoadPath { .odbc }

    public func lockQuery(_ sql: String, seconds: Int) throws -> String? {
        let statement = try self.statement()
        statement.setQueryTimeout(seconds + timeouts.statement)
        try statement.execDirect(sql)
        return try statement.fetchAllAsText().first?.first ?? nil
    }

    public func columns(of sql: String) throws -> [(name: String, kind: ValueKind)] {
        let statement = try self.statement()
        try statement.execDirect(sql)
        return try statement.describeColumns().map { ($0.name, Dialect.kind(ofSQLType: $0.sqlType)) }
    }

    public func rowWriter(_ sql: SQLBuilder, keys: [String]) -> any RowWriter {
        ODBCRowWriter(connection: self, sql: sql, keys: keys)
    }

    public func describe() -> (dbms: String, dbmsVersion: String, driver: String, driverVersion: String) {
        (info(ODBCInfo.dbmsName), info(ODBCInfo.dbmsVersion), info(ODBCInfo.driverName), info(ODBCInfo.driverVersion))
    }
}

/// A statement handle with parameter binding (absolute addresses, column-wise arrays).
public final class ODBCStatement {
    let connection: ODBCConnection
    private(set) var stmt: SQLHSTMT?

    init(connection: ODBCConnection) throws {
        self.connection = connection
        var stmt: SQLHSTMT?
        try ODBCConnection.check(SQLAllocHandle(SQLSMALLINT(SQL_HANDLE_STMT), connection.dbc, &stmt),
                                 SQLSMALLINT(SQL_HANDLE_DBC), connection.dbc, "allocating a statement")
        self.stmt = stmt
        setQueryTimeout(connection.timeouts.statement)
    }

    /// SQL_ATTR_QUERY_TIMEOUT in seconds (a driver without it says so with a warning: MariaDB's
    /// then gets max_statement_time from `Dialect.timeoutSetup`).
    public func setQueryTimeout(_ seconds: Int) {
        _ = codbc_set_stmt_uint(stmt, SQLINTEGER(SQL_ATTR_QUERY_TIMEOUT), SQLULEN(max(0, seconds)))
    }

    deinit { if let stmt { SQLFreeHandle(SQLSMALLINT(SQL_HANDLE_STMT), stmt) } }

    func check(_ rc: SQLRETURN, _ action: String) throws {
        try ODBCConnection.check(rc, SQLSMALLINT(SQL_HANDLE_STMT), stmt, action)
    }

    public func execDirect(_ sql: String) throws {
        var text = Array(sql.utf8)
        let length = try ODBCStatement.length(of: text, sql)
        let rc = text.withUnsafeMutableBufferPointer { SQLExecDirect(stmt, $0.baseAddress, length) }
        try check(rc, "running \(sql.prefix(80))")
    }

    public func prepare(_ sql: String) throws {
        var text = Array(sql.utf8)
        let length = try ODBCStatement.length(of: text, sql)
        let rc = text.withUnsafeMutableBufferPointer { SQLPrepare(stmt, $0.baseAddress, length) }
        try check(rc, "preparing \(sql.prefix(80))")
    }

    /// A statement's length as ODBC takes it (32 bits), or an error rather than a trap.
    static func length(of text: [UInt8], _ sql: String) throws -> SQLINTEGER {
        guard let length = SQLINTEGER(exactly: text.count) else {
            throw Failure(.software, "a statement of \(text.count) bytes is longer than ODBC takes: \(sql.prefix(80))")
        }
        return length
    }

    /// A parameter's number as ODBC takes it (16 bits).
    static func parameterNumber(_ number: Int) throws -> SQLUSMALLINT {
        guard let value = SQLUSMALLINT(exactly: number), value > 0 else {
            throw Failure(.dataError, "a statement would need parameter \(number); ODBC numbers at most 65535 (too many columns)")
        }
        return value
    }

    /// Parameter arrays of `size` rows, bound column-wise.
    public func setParamsetSize(_ size: Int) throws {
        try check(codbc_set_stmt_uint(stmt, SQLINTEGER(SQL_ATTR_PARAM_BIND_TYPE), SQLULEN(SQL_PARAM_BIND_BY_COLUMN)), "binding by column")
        try check(codbc_set_stmt_uint(stmt, SQLINTEGER(SQL_ATTR_PARAMSET_SIZE), SQLULEN(size)), "setting the array size")
    }

    /// Binds parameter `number` (1-based) to `slots` buffers of `width` bytes each and their
    /// length indicators. Text goes as UTF-8 (`wide`: UTF-16 for SQL Server's NVARCHAR).
    public func bindText(_ number: Int, buffer: UnsafeMutableRawPointer, width: Int, indicators: UnsafeMutablePointer<SQLLEN>, wide: Bool) throws {
        let cType = SQLSMALLINT(wide ? SQL_C_WCHAR : SQL_C_CHAR)
        let sqlType = SQLSMALLINT(wide ? SQL_WVARCHAR : SQL_VARCHAR)
        let column = SQLULEN(max(1, wide ? width / 2 : width))
        try check(SQLBindParameter(stmt, try ODBCStatement.parameterNumber(number), SQLSMALLINT(SQL_PARAM_INPUT), cType, sqlType, column, 0,
                                   buffer, SQLLEN(width), indicators), "binding parameter \(number)")
    }

    /// Binds parameter `number` to an array of 64-bit integers or doubles (8 bytes each).
    public func bindNumber(_ number: Int, buffer: UnsafeMutableRawPointer, integer: Bool, indicators: UnsafeMutablePointer<SQLLEN>) throws {
        let cType = SQLSMALLINT(integer ? SQL_C_SBIGINT : SQL_C_DOUBLE)
        let sqlType = SQLSMALLINT(integer ? SQL_BIGINT : SQL_DOUBLE)
        try check(SQLBindParameter(stmt, try ODBCStatement.parameterNumber(number), SQLSMALLINT(SQL_PARAM_INPUT), cType, sqlType, integer ? 19 : 15, 0,
                                   buffer, 8, indicators), "binding parameter \(number)")
    }

    /// Where the driver reports each array element's status and how many it processed.
    public func watchArray(statuses: UnsafeMutablePointer<SQLUSMALLINT>, processed: UnsafeMutablePointer<SQLULEN>) throws {
        try check(codbc_set_stmt_pointer(stmt, SQLINTEGER(SQL_ATTR_PARAM_STATUS_PTR), statuses), "setting the status array")
        try check(codbc_set_stmt_pointer(stmt, SQLINTEGER(SQL_ATTR_PARAMS_PROCESSED_PTR), processed), "setting the processed count")
    }

    /// Forgets the pointers `watchArray` gave (the statement outlives those buffers).
    public func unwatchArray() {
        _ = codbc_set_stmt_pointer(stmt, SQLINTEGER(SQL_ATTR_PARAM_STATUS_PTR), nil)
        _ = codbc_set_stmt_pointer(stmt, SQLINTEGER(SQL_ATTR_PARAMS_PROCESSED_PTR), nil)
    }

    public func execute() throws {
        try check(SQLExecute(stmt), "inserting rows")
    }

    public func closeCursor() { SQLFreeStmt(stmt, SQLUSMALLINT(SQL_CLOSE)) }

    func fetchAllAsText() throws -> [[String?]] {
        var count: SQLSMALLINT = 0
        try check(SQLNumResultCols(stmt, &count), "reading columns")
        var rows: [[String?]] = []
        while true {
            let rc = SQLFetch(stmt)
            if rc == SQLRETURN(SQL_NO_DATA) { break }
            try check(rc, "fetching")
            var row: [String?] = []
            for column in 1...max(Int(count), 1) where count > 0 {
                var bytes: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 65_536)
                var isNull = false
                while true {
                    var indicator: SQLLEN = 0
                    let got = SQLGetData(stmt, SQLUSMALLINT(column), SQLSMALLINT(SQL_C_CHAR), &chunk, SQLLEN(chunk.count), &indicator)
                    if got == SQLRETURN(SQL_NO_DATA) { break }
                    try check(got, "reading a value")
                    if indicator == SQLLEN(SQL_NULL_DATA) { isNull = true; break }
                    let available = indicator == SQLLEN(SQL_NO_TOTAL) || Int(indicator) >= chunk.count ? chunk.count - 1 : Int(indicator)
                    bytes.append(contentsOf: chunk[0..<available])
                    if got == SQLRETURN(SQL_SUCCESS) { break }
                }
                row.append(isNull ? nil : String(decoding: bytes, as: UTF8.self))
            }
            rows.append(row)
        }
        closeCursor()
        return rows
    }

    func describeColumns() throws -> [(name: String, sqlType: Int)] {
        var count: SQLSMALLINT = 0
        try check(SQLNumResultCols(stmt, &count), "reading columns")
        var result: [(String, Int)] = []
        for index in 0..<Int(count) {
            var name = [SQLCHAR](repeating: 0, count: 512)
            var nameLength: SQLSMALLINT = 0
            var type: SQLSMALLINT = 0
            var size: SQLULEN = 0
            var digits: SQLSMALLINT = 0
            var nullable: SQLSMALLINT = 0
            try check(SQLDescribeCol(stmt, SQLUSMALLINT(index + 1), &name, SQLSMALLINT(name.count), &nameLength, &type, &size, &digits, &nullable),
                      "describing column \(index + 1)")
            // The driver's own type name beats the ODBC code: psqlODBC reports BOOLEAN as
            // VARCHAR by default (BoolsAsChar=1), which would make a boolean column look like text.
            var typeName = [SQLCHAR](repeating: 0, count: 128)
            var typeNameLength: SQLSMALLINT = 0
            var numeric: SQLLEN = 0
            var sqlType = Int(type)
            if codbc_succeeded(SQLColAttribute(stmt, SQLUSMALLINT(index + 1), SQLUSMALLINT(SQL_DESC_TYPE_NAME), &typeName,
                                               SQLSMALLINT(typeName.count), &typeNameLength, &numeric)) != 0 {
                let declared = String(decoding: typeName.prefix(Int(max(0, min(Int(typeNameLength), typeName.count - 1)))), as: UTF8.self).lowercased()
                if declared == "bool" || declared == "boolean" { sqlType = -7 }
                // psqlODBC reports timestamp and timestamptz alike (93): tell them apart by name,
                // since a wall-clock DATETIME takes values differently (Dialect.kind(ofSQLType:)).
                if declared.hasPrefix("timestamptz") || declared.contains("with time zone") || declared.hasPrefix("datetimeoffset") { sqlType = -155 }
            }
            result.append((String(decoding: name.prefix(max(0, min(Int(nameLength), name.count - 1))), as: UTF8.self), sqlType))
        }
        closeCursor()
        return result
    }
}

/// `SQLGetInfo` types (sql.h/sqlext.h values; the macros do not import).
public enum ODBCInfo {
    public static let driverName: Int32 = 6
    public static let driverVersion: Int32 = 7
    public static let dbmsName: Int32 = 17
    public static let dbmsVersion: Int32 = 18
}
