import CSQLite
import Glibc
import ReportKit

/// The embedded default through SQLite's own library: one prepared INSERT reused for every row
/// (sqliteodbc parses a statement again per row of an array), transactions begun in SQL
/// (`BEGIN IMMEDIATE`, as on the ODBC path), and the settings that suit one writer at a time:
/// - `journal_mode=WAL`: readers (a report, Power BI's refresh) never block the load, nor it them;
/// - `synchronous=NORMAL`: in WAL mode a crash or kill never corrupts the file nor splits a
///   transaction; a power cut may lose the last committed loads, which a re-run loads again;
/// - the busy timeout is the lock timeout: a second load waits that long for the write lock.
/// WAL needs the file on a local disk (not a network share); the ODBC path (`--via odbc`)
/// reads and writes the same file.
public final class SQLiteConnection: LoadConnection {
    private var db: OpaquePointer?
    public let file: String
    public let timeouts: DatabaseTimeouts
    public var path: LoadPath { .sqlite }

    /// SQLite's destructor values: the bytes stay put until the statement is reset, or must be copied.
    static let staticBytes: sqlite3_destructor_type? = nil
    static let transientBytes = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// `settingUp` false (`--check`): the file is opened (and made, as a load would) but its
    /// journal mode is left as it is.
    public init(file: String, timeouts: DatabaseTimeouts = DatabaseTimeouts(), settingUp: Bool = true) throws {
        self.file = file
        self.timeouts = timeouts
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(file, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        self.db = db
        try check(rc, "opening the database \(file)")
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, Int32(clamping: timeouts.lock * 1000))
        // Turning WAL on takes the file to itself for a moment, and SQLite answers busy at once
        // (without its busy handler) when another connection is opening it too: tried again
        // until the lock timeout.
        let deadline = ContinuousClock.now + .seconds(timeouts.lock)
        for pragma in !settingUp ? [] : ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA temp_store=MEMORY", "PRAGMA cache_size=-16384"] {
            while true {
                do {
                    try execute(pragma)
                    break
                } catch let error as DatabaseError where LoadTimeout.kind(of: error, dialect: .sqlite) == .lock {
                    guard ContinuousClock.now < deadline else { throw LoadTimeout(.database, seconds: timeouts.lock, at: file) }
                    usleep(20_000)
                }
            }
        }
    }

    deinit {
        if let db {
            if sqlite3_get_autocommit(db) == 0 { sqlite3_exec(db, "ROLLBACK", nil, nil, nil) }
            sqlite3_close_v2(db)
        }
    }

    /// A failed call as an DatabaseError, as sqliteodbc words it (`[SQLite]`, SQLSTATE HY000 but
    /// for constraints), so that exit statuses and lock waits read the same on both paths.
    func check(_ rc: Int32, _ action: @autoclosure () -> String) throws {
        let primary = rc & 0xff
        guard primary != SQLITE_OK, primary != SQLITE_DONE, primary != SQLITE_ROW else { return }
        let message = db.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
        throw DatabaseError(sqlState: primary == SQLITE_CONSTRAINT ? "23000" : "HY000", nativeError: Int(rc), driverMessage: "[SQLite] \(message)", action: action())
    }

    func prepare(_ sql: String) throws -> OpaquePointer {
        var statement: OpaquePointer?
        try check(sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil), "preparing \(sql.prefix(80))")
        guard let statement else { throw Failure(.software, "SQLite prepared nothing for \(sql.prefix(80))") }
        return statement
    }

    /// Runs a prepared statement with text parameters, handing each result row to `row`.
    private func run(_ sql: String, _ parameters: [String], row: (OpaquePointer) -> Void) throws {
        let statement = try prepare(sql)
        defer { sqlite3_finalize(statement) }
        for (index, value) in parameters.enumerated() {
            try check(sqlite3_bind_text(statement, Int32(index + 1), value, -1, SQLiteConnection.transientBytes), "binding parameter \(index + 1)")
        }
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_ROW {
                row(statement)
                continue
            }
            try check(rc, "running \(sql.prefix(80))")
            return
        }
    }

    public func execute(_ sql: String) throws { try run(sql, []) { _ in } }

    public func execute(_ sql: String, parameters: [String]) throws { try run(sql, parameters) { _ in } }

    public func query(_ sql: String, parameters: [String]) throws -> [[String?]] {
        var rows: [[String?]] = []
        try run(sql, parameters) { statement in
            rows.append((0..<sqlite3_column_count(statement)).map { column in
                sqlite3_column_text(statement, column).map { String(cString: $0) }
            })
        }
        return rows
    }

    public func lockQuery(_ sql: String, seconds: Int) throws -> String? { try query(sql).first?.first ?? nil }

    public func columns(of sql: String) throws -> [(name: String, kind: ValueKind)] {
        let statement = try prepare(sql)
        defer { sqlite3_finalize(statement) }
        return (0..<sqlite3_column_count(statement)).map { column in
            let name = sqlite3_column_name(statement, column).map { String(cString: $0) } ?? ""
            return (name, SQLiteConnection.kind(declared: sqlite3_column_decltype(statement, column).map { String(cString: $0) } ?? ""))
        }
    }

    /// A column's kind from its declared type, as the SQLite ODBC driver reads it (so a table
    /// reads the same on both paths; NativePathTests compares them type by type): by the type's
    /// first word; anything else (TEXT, VARCHAR, DECIMAL, no type) is text.
    static func kind(declared: String) -> ValueKind {
        let type = declared.lowercased()
        if type.hasPrefix("timestamptz") || type.contains("with time zone") || type.hasPrefix("datetimeoffset") { return .timestamp }
        if type.hasPrefix("timestamp") || type.hasPrefix("datetime") { return .datetime }
        if type.hasPrefix("date") { return .date }
        if type.hasPrefix("bool") || type.hasPrefix("bit") { return .bool }
        let afterInt = type.dropFirst(3).first
        if type.hasPrefix("integer") || (type.hasPrefix("int") && !(afterInt?.isLetter ?? false))
            || ["tinyint", "smallint", "mediumint", "bigint"].contains(where: type.hasPrefix) {
            return .int  // INT, INT8, INTEGER UNSIGNED; not INTERVAL
        }
        // The driver reads DECIMAL as text (exact digits), NUMERIC as a number.
        if ["real", "float", "double", "numeric"].contains(where: type.hasPrefix) { return .float }
        return .text
    }

    /// Begins the load's transaction. One left open (a ROLLBACK that failed) makes this fail
    /// ("cannot start a transaction within a transaction") rather than be joined: a slice never
    /// commits another's rows.
    public func begin(_ statement: String) throws { try execute(statement) }

    public func commit() throws {
        guard sqlite3_get_autocommit(db) == 0 else { return }  // each statement committed itself
        try execute("COMMIT")
    }

    public func rollback() {
        guard sqlite3_get_autocommit(db) == 0 else { return }
        try? execute("ROLLBACK")
    }

    public func rowWriter(_ sql: SQLBuilder, keys: [String]) -> any RowWriter { SQLiteRowWriter(connection: self, sql: sql, keys: keys) }

    public func describe() -> (dbms: String, dbmsVersion: String, driver: String, driverVersion: String) {
        ("SQLite", String(cString: sqlite3_libversion()), "libsqlite3", String(cString: sqlite3_libversion()))
    }
}

/// One prepared INSERT (or upsert) per batch shape, stepped once per row with its values bound
/// in place: text straight from the batch's arena, numbers as 64-bit integers and doubles.
final class SQLiteRowWriter: RowWriter {
    let connection: SQLiteConnection
    let sql: SQLBuilder
    let keys: [String]
    let converter: ValueConverter
    private var prepared: (key: [Int], statement: OpaquePointer)?

    init(connection: SQLiteConnection, sql: SQLBuilder, keys: [String]) {
        self.connection = connection
        self.sql = sql
        self.keys = keys
        converter = ValueConverter(dialect: .sqlite, table: sql.table)
    }

    deinit { invalidate() }

    func invalidate() {
        if let statement = prepared?.statement { sqlite3_finalize(statement) }
        prepared = nil
    }

    func write(_ batch: RowBatch, rows: [Int], columns used: [(id: Int, kind: ValueKind)], names: [String]) throws {
        let key = used.flatMap { [$0.id, $0.kind.index] }
        if prepared?.key != key {
            invalidate()
            prepared = (key, try connection.prepare(sql.insert(used.map { (name: names[$0.id], kind: $0.kind) }, rows: 1, keys: keys)))
        }
        guard let statement = prepared?.statement else { return }
        try batch.arena.withUnsafeBytes { arena in
            let arenaStart = arena.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
            let arenaEnd = arenaStart + arena.count
            for row in rows {
                for (index, column) in used.enumerated() {
                    let parameter = Int32(index + 1)
                    guard let bytes = batch.value(column.id, row: row, in: arena) else {
                        sqlite3_bind_null(statement, parameter)
                        continue
                    }
                    let rc = try converter.convert(bytes, kind: column.kind, line: batch.lines[row], column: names[column.id]) { value -> Int32 in
                        switch value {
                        case .integer(let number): return sqlite3_bind_int64(statement, parameter, number)
                        case .real(let number): return sqlite3_bind_double(statement, parameter, number)
                        case .text(let text):
                            // The arena outlives the step; converted text (dates, booleans) does not.
                            let base = text.baseAddress ?? arenaStart
                            let inArena = base >= arenaStart && base < arenaEnd
                            return sqlite3_bind_text(statement, parameter, base.assumingMemoryBound(to: CChar.self), Int32(text.count),
                                                     inArena ? SQLiteConnection.staticBytes : SQLiteConnection.transientBytes)
                        }
                    }
                    try connection.check(rc, "binding column \(names[column.id])")
                }
                let rc = sqlite3_step(statement)
                defer { sqlite3_reset(statement) }  // before the next row's bindings, and on an error
                if rc != SQLITE_DONE { try connection.check(rc, "inserting line \(batch.lines[row])") }
            }
        }
    }
}
