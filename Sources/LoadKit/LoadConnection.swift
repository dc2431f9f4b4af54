import ReportKit

/// A failed database call on any path (ODBC, libsqlite3, libpq): SQLSTATE (SQLite's errors as
/// sqliteodbc reports them), the database's or driver's message, and what we were doing.
public struct DatabaseError: ToolError, CustomStringConvertible {
    public let sqlState: String
    public let nativeError: Int
    public let driverMessage: String
    public let action: String

    /// The message and action are kept on one line (drivers and servers write several).
    init(sqlState: String, nativeError: Int, driverMessage: String, action: String) {
        let oneLine = { (text: String) in text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }
        self.sqlState = sqlState
        self.nativeError = nativeError
        self.driverMessage = oneLine(driverMessage)
        self.action = oneLine(action)
    }

    public var message: String { "\(action) failed: [\(sqlState)] \(Redactor.shared.redact(driverMessage))" }
    public var description: String { line }

    /// SQLSTATE classes to exit codes: can't connect 69, bad login 77, bad data 65, our own SQL 70.
    public var exitStatus: ExitStatus {
        if sqlState == "HY000", driverMessage.hasPrefix("[SQLite]") || action.contains("driver SQLite") {
            // sqliteodbc reports everything as HY000: tell constraint, lock and file problems apart.
            let text = driverMessage.lowercased()
            if text.contains("constraint") { return .dataError }
            if text.contains("locked") || text.contains("busy") { return .tempFail }
            if text.contains("connect failed") || text.contains("unable to open") || text.contains("not a database") || text.contains("readonly") {
                return .cantCreate
            }
        }
        switch sqlState.prefix(2) {
        case "08": return .unavailable
        case "28": return .noPermission
        case "22", "23": return .dataError
        case "IM": return .config
        case "HY" where sqlState == "HYT00" || sqlState == "HYT01": return .unavailable
        case "40": return .tempFail
        default: return .software
        }
    }
}

/// How ncp-load reaches a database: through an ODBC driver (any database), or through the
/// database's own library where one is well kept (libsqlite3 for the embedded default, libpq's
/// COPY for PostgreSQL), which writes rows several times faster than the drivers can.
public enum LoadPath: String, Sendable, CaseIterable {
    case odbc, sqlite, postgresql

    /// Names the path in `--check` and the logs.
    public var library: String {
        switch self {
        case .odbc: return "unixODBC"
        case .sqlite: return "libsqlite3"
        case .postgresql: return "libpq COPY"
        }
    }
}

/// One connection a load runs over, whatever the path: SQL in, text out, one transaction at a
/// time, and a writer for the rows. The loader (Loader), its locks (LoadLocks) and its reads of
/// the table (TableReading, MadeColumns) speak only this, so every path keeps the same contract.
/// Errors are `DatabaseError`s whatever the path (SQLSTATE and the database's message), so that
/// timeouts, missing tables and exit statuses are told apart in one place.
public protocol LoadConnection: AnyObject {
    var path: LoadPath { get }
    var timeouts: DatabaseTimeouts { get }
    /// Runs SQL without parameters (DDL, locks, settings).
    func execute(_ sql: String) throws
    /// Runs SQL with text parameters (`?`): the partition's DELETE.
    func execute(_ sql: String, parameters: [String]) throws
    /// Every value as text (nil for NULL).
    func query(_ sql: String, parameters: [String]) throws -> [[String?]]
    /// A lock statement's one value, allowed to wait `seconds` (the lock timeout) before the
    /// statement timeout could end it.
    func lockQuery(_ sql: String, seconds: Int) throws -> String?
    /// The names and kinds of the columns `sql` (a query) returns.
    func columns(of sql: String) throws -> [(name: String, kind: ValueKind)]
    /// Begins a transaction with `statement` where transactions are begun in SQL (SQLite);
    /// elsewhere a transaction is always open and this does nothing.
    func begin(_ statement: String) throws
    func commit() throws
    func rollback()
    /// The writer of a load's rows into `sql`'s table (upserting on `keys` when given).
    func rowWriter(_ sql: SQLBuilder, keys: [String]) -> any RowWriter
    /// What `--check` reports: the database's name and version, the library and its version.
    func describe() -> (dbms: String, dbmsVersion: String, driver: String, driverVersion: String)
}

extension LoadConnection {
    public func query(_ sql: String) throws -> [[String?]] { try query(sql, parameters: []) }
}

/// Writes a load's rows: each path in its own fastest way (ODBC parameter arrays, one prepared
/// SQLite statement, a PostgreSQL COPY stream), the values converted alike (StoredValue).
public protocol RowWriter: AnyObject {
    /// Inserts (or upserts) `rows` of `batch` into the columns `used`; `names` are the column
    /// names by batch column id. Errors name the input line.
    func write(_ batch: RowBatch, rows: [Int], columns used: [(id: Int, kind: ValueKind)], names: [String]) throws
    /// Forgets statements prepared for the table as it was (DDL changed it).
    func invalidate()
}

/// Opens the connection a load takes (`ConnectionSettings.path(via:)`).
public enum LoadConnector {
    /// `checking`: for `--check`, which changes nothing it can avoid (SQLite's journal mode).
    public static func open(
        _ settings: ConnectionSettings, via: LoadVia = .auto, timeouts: DatabaseTimeouts = DatabaseTimeouts(), checking: Bool = false
    ) throws -> (any LoadConnection, Dialect) {
        switch (try settings.path(via: via), settings.native) {
        case (.sqlite, .sqlite(let file)?):
            return (try SQLiteConnection(file: file, timeouts: timeouts, settingUp: !checking), .sqlite)
        case (.postgresql, .postgresql(let conninfo)?):
            return (try PostgresConnection(conninfo: conninfo, label: settings.label, timeouts: timeouts), .postgresql)
        default:
            return try ODBCConnection.open(settings.connectionString, label: settings.label, timeouts: timeouts)
        }
    }
}
