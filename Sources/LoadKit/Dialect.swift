/// The four databases ncp-load writes to, and everything that differs between them.
public enum Dialect: String, Sendable, CaseIterable {
    case sqlite, postgresql, sqlserver, mariadb

    /// From `SQLGetInfo(SQL_DBMS_NAME)`.
    public static func detect(dbmsName: String) -> Dialect? {
        let name = dbmsName.lowercased()
        if name.contains("sqlite") { return .sqlite }
        if name.contains("postgres") { return .postgresql }
        if name.contains("sql server") || name.contains("microsoft") { return .sqlserver }
        if name.contains("mariadb") || name.contains("mysql") { return .mariadb }
        return nil
    }

    /// From a connection string's driver name, for `--dry-run` (which never connects).
    public static func guess(connectionString: String) -> Dialect {
        let text = connectionString.lowercased()
        if text.contains("postgres") { return .postgresql }
        if text.contains("sql server") || text.contains("freetds") || text.contains("tdsodbc") { return .sqlserver }
        if text.contains("mariadb") || text.contains("mysql") { return .mariadb }
        return .sqlite
    }

    public func quote(_ identifier: String) -> String {
        switch self {
        case .sqlserver: return "[" + identifier.replacingOccurrences(of: "]", with: "]]") + "]"
        case .mariadb: return "`" + identifier.replacingOccurrences(of: "`", with: "``") + "`"
        case .sqlite, .postgresql: return "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }

    public var maxIdentifierLength: Int {
        switch self {
        case .postgresql: return 63
        case .mariadb: return 64
        case .sqlserver, .sqlite: return 128
        }
    }

    /// Whether identifiers differing only by case are the same column.
    public var caseInsensitiveNames: Bool { self == .sqlserver || self == .mariadb || self == .sqlite }

    public func sqlType(_ kind: ValueKind, isKey: Bool = false) -> String {
        switch (self, kind) {
        case (.sqlite, .bool), (.sqlite, .int): return "INTEGER"
        case (.sqlite, .float): return "REAL"
        case (.sqlite, .timestamp), (.sqlite, .text): return "TEXT"
        case (.postgresql, .bool): return "BOOLEAN"
        case (.postgresql, .int): return "BIGINT"
        case (.postgresql, .float): return "DOUBLE PRECISION"
        case (.postgresql, .timestamp): return "TIMESTAMPTZ"
        case (.postgresql, .text): return "TEXT"
        case (.sqlserver, .bool): return "BIT"
        case (.sqlserver, .int): return "BIGINT"
        case (.sqlserver, .float): return "FLOAT"
        case (.sqlserver, .timestamp): return "DATETIMEOFFSET(0)"
        case (.sqlserver, .text): return isKey ? "NVARCHAR(450)" : "NVARCHAR(MAX)"
        case (.mariadb, .bool): return "BOOLEAN"
        case (.mariadb, .int): return "BIGINT"
        case (.mariadb, .float): return "DOUBLE"
        case (.mariadb, .timestamp): return "VARCHAR(40)"
        case (.mariadb, .text): return isKey ? "VARCHAR(255)" : "LONGTEXT"
        // Never inferred (only existing columns have them); named for completeness.
        case (.sqlite, .datetime): return "DATETIME"
        case (.postgresql, .datetime): return "TIMESTAMP"
        case (.sqlserver, .datetime): return "DATETIME2"
        case (.mariadb, .datetime): return "DATETIME(6)"
        case (_, .date): return "DATE"
        }
    }

    /// A placeholder for a column of this kind. Numbers are bound as 64-bit integers and
    /// doubles; booleans and timestamps go as text converted by the database.
    public func placeholder(_ kind: ValueKind) -> String {
        switch (self, kind) {
        case (_, .text), (_, .int), (_, .float): return "?"
        case (.sqlite, .bool): return "CAST(? AS INTEGER)"
        case (.sqlite, .timestamp), (.mariadb, .timestamp): return "?"
        case (.postgresql, .bool): return "CAST(? AS BOOLEAN)"
        case (.postgresql, .timestamp): return "CAST(? AS TIMESTAMPTZ)"
        case (.sqlserver, .bool): return "CAST(? AS BIT)"
        case (.sqlserver, .timestamp): return "CAST(? AS DATETIMEOFFSET(0))"
        case (.mariadb, .bool): return "CAST(? AS SIGNED)"
        // Wall-clock text `YYYY-MM-DD HH:MM:SS[.ffffff]` (DateTimeText). SQLite stores it as is
        // (its date functions read it); MariaDB converts it to DATETIME itself; PostgreSQL needs
        // the cast (text is not assigned to timestamp); SQL Server reads that form the same way
        // under every SET LANGUAGE / DATEFORMAT only as DATETIME2 (as DATETIME it is
        // language-dependent), which then converts to the column's DATETIME.
        case (.sqlite, .datetime), (.mariadb, .datetime), (.sqlite, .date), (.mariadb, .date): return "?"
        case (.postgresql, .datetime): return "CAST(? AS TIMESTAMP)"
        case (.sqlserver, .datetime): return "CAST(? AS DATETIME2)"
        case (.postgresql, .date), (.sqlserver, .date): return "CAST(? AS DATE)"
        }
    }

    /// Text for a boolean as the column's type takes it.
    public func boolText(_ value: Bool) -> String {
        self == .postgresql ? (value ? "true" : "false") : (value ? "1" : "0")
    }

    /// Whether CREATE/ALTER TABLE commit the open transaction (MariaDB): the loader settles the
    /// schema before the data transaction starts.
    public var commitsOnDDL: Bool { self == .mariadb }

    /// Statements a new session runs first (none yet: MariaDB's Connector/ODBC refuses SET
    /// NAMES and speaks utf8mb4 itself; its character set is the connection string's CHARSET).
    public var sessionSetup: [String] { [] }

    /// UTF-16 binding for NVARCHAR (SQL Server turns narrow text into its code page).
    public var wideText: Bool { self == .sqlserver }

    /// Rows per INSERT statement and rows per parameter array (reference odbc-load §2, §6):
    /// psqlODBC only emulates arrays, so multi-row VALUES (≤ 7,400 parameters); the others run
    /// column-wise arrays natively or in the driver.
    public func shape(columns: Int) -> (rowsPerStatement: Int, arraySize: Int) {
        switch self {
        case .postgresql: return (max(1, min(100, 7_400 / max(columns, 1))), 1)
        // sqliteodbc re-prepares the statement for every row of an array (profiled: most of
        // the time went to SQLite's parser), so SQLite gets multi-row VALUES too (≤ 32,766
        // parameters per statement).
        case .sqlite: return (max(1, min(500, 30_000 / max(columns, 1))), 1)
        case .mariadb: return (1, 1_000)
        case .sqlserver: return (1, 1_000)
        }
    }

    /// Kind of an existing column from its ODBC SQL type (ODBCStatement.describeColumns reports
    /// a column with a time zone as SS_TIMESTAMPOFFSET whatever the driver says).
    public static func kind(ofSQLType type: Int) -> ValueKind {
        switch type {
        case -7, 16: return .bool  // SQL_BIT, BOOLEAN
        case -5, 4, 5, -6: return .int  // BIGINT, INTEGER, SMALLINT, TINYINT
        case 6, 7, 8, 2, 3: return .float  // FLOAT, REAL, DOUBLE, NUMERIC, DECIMAL
        case -155: return .timestamp  // SS_TIMESTAMPOFFSET: TIMESTAMPTZ, DATETIMEOFFSET
        case 93, 11: return .datetime  // TYPE_TIMESTAMP, TIMESTAMP: DATETIME, DATETIME2, timestamp
        case 91, 9: return .date  // TYPE_DATE, DATE
        default: return .text
        }
    }
}
