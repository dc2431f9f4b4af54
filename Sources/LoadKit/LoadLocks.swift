import ReportKit

/// Keeps loads running at once (two pipeline legs, an operator's re-run beside the scheduled one)
/// from doubling a slice or creating one table twice. Two locks, named by ncp-load, not tables:
/// - the slice lock, for (table, partition values), taken as the load's transaction starts,
///   before the table is read: a second load of the same slice waits for the first to end, then
///   replaces its rows. A load without --partition replaces nothing and takes none (but SQLite's).
/// - the schema lock, per table, taken before the load's first CREATE or ALTER, after which the
///   table is read again: a table another load created meanwhile is loaded into, not created
///   twice; a column another load added is used, not added twice.
/// Per database: PostgreSQL `pg_advisory_xact_lock` and SQL Server `sp_getapplock` owned by the
/// transaction (both end with it); MariaDB `GET_LOCK`, which belongs to the session and so
/// survives the commits its DDL makes, given back by `release` once the load has ended; SQLite
/// `BEGIN IMMEDIATE`, the database's one write lock taken when the transaction starts (SQLite
/// has nothing finer: loads of other slices and tables wait too).
/// Names: `ncp-load:slice:` or `ncp-load:schema:` and 16 hex digits of a 64-bit FNV-1a hash of
/// the table and the partition's columns and values (sorted by column: the order of the
/// --partition flags does not matter), lower-cased, since SQL Server and MariaDB may compare
/// names and values regardless of case (slices differing only by case then merely take turns).
/// MariaDB's names stay under its 64 characters; PostgreSQL takes the hash as its 64-bit key.
final class LoadLocks {
    let connection: any LoadConnection
    let dialect: Dialect
    let table: String
    let partition: [(column: String, value: String)]
    private(set) var sliceHeld = false
    private(set) var schemaHeld = false
    /// MariaDB's session locks to give back after the load.
    private var sessionLocks: [String] = []

    init(connection: any LoadConnection, dialect: Dialect, table: String, partition: [(column: String, value: String)]) {
        self.connection = connection
        self.dialect = dialect
        self.table = table
        self.partition = partition
    }

    /// The slice as an operator would name it (`period=2026-10, customer=alpha`).
    var sliceDescription: String { partition.map { "\($0.column)=\($0.value)" }.joined(separator: ", ") }

    static func key(table: String, partition: [(column: String, value: String)]) -> String {
        ([table] + partition.sorted { $0.column.lowercased() < $1.column.lowercased() }.map { "\($0.column)=\($0.value)" })
            .joined(separator: "\u{0}").lowercased()
    }

    /// FNV-1a, 64 bits: stable across runs, machines and versions (unlike Swift's Hasher).
    static func hash(_ text: String) -> UInt64 {
        var value: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return value
    }

    static func name(_ scope: String, _ key: String) -> (name: String, number: Int64) {
        let value = hash(scope + "\u{0}" + key)
        let digits = String(value, radix: 16)
        return ("ncp-load:\(scope):" + String(repeating: "0", count: 16 - digits.count) + digits, Int64(bitPattern: value))
    }

    var sliceLock: (name: String, number: Int64) { LoadLocks.name("slice", LoadLocks.key(table: table, partition: partition)) }
    var schemaLock: (name: String, number: Int64) { LoadLocks.name("schema", LoadLocks.key(table: table, partition: [])) }

    /// Starts the load: SQLite's write transaction, else the slice lock when there is a slice.
    func acquireSlice() throws {
        guard !sliceHeld else { return }
        if dialect == .sqlite {
            do { try connection.begin("BEGIN IMMEDIATE") } catch let error as DatabaseError where LoadTimeout.kind(of: error, dialect: dialect) == .lock {
                throw LoadTimeout(.database, seconds: connection.timeouts.lock, at: table)
            }
        } else if !partition.isEmpty {
            try take(sliceLock, timeout: .slice)
        }
        sliceHeld = true
    }

    /// Before the first CREATE or ALTER. True when it was taken now and the table should be read
    /// again (on SQLite the write transaction already excludes every other load).
    func acquireSchema() throws -> Bool {
        guard !schemaHeld else { return false }
        schemaHeld = true
        guard dialect != .sqlite else { return false }
        try take(schemaLock, timeout: .lock)
        return true
    }

    /// Forgets the locks a rollback gave back (PostgreSQL, SQL Server, SQLite), so they are taken again.
    func forgetTransactionLocks() {
        guard dialect != .mariadb else { return }
        sliceHeld = false
        schemaHeld = false
    }

    /// After commit or rollback: gives back MariaDB's session locks (the others ended with the transaction).
    func release() {
        for name in sessionLocks.reversed() { _ = try? connection.query("SELECT RELEASE_LOCK('\(name)')") }
        sessionLocks.removeAll()
        sliceHeld = false
        schemaHeld = false
    }

    private func take(_ lock: (name: String, number: Int64), timeout kind: LoadTimeout.Kind) throws {
        let seconds = connection.timeouts.lock
        let timedOut = LoadTimeout(kind, seconds: seconds, slice: sliceDescription, at: table)
        switch dialect {
        case .postgresql:
            // lock_timeout (Dialect.timeoutSetup) ends the wait; the statement may take that long.
            do { _ = try lockQuery("SELECT pg_advisory_xact_lock(\(lock.number))", seconds: seconds) } catch let error as DatabaseError where LoadTimeout.kind(of: error, dialect: dialect) == .lock {
                throw timedOut
            }
        case .sqlserver:
            let got = try lockQuery(LoadLocks.sqlServerLock(lock.name, milliseconds: seconds * 1000), seconds: seconds)
            guard let code = got.flatMap({ Int($0) }), code >= 0 else {
                if got == "-1" { throw timedOut }
                throw Failure(.tempFail, "sp_getapplock refused the \(kind == .slice ? "slice" : "schema") lock (\(got ?? "NULL"))", at: table)
            }
        case .mariadb:
            // max_statement_time would end GET_LOCK's wait early: lifted for this one statement.
            let restore = "SET SESSION max_statement_time = \(connection.timeouts.statement)"
            try connection.execute("SET SESSION max_statement_time = 0")
            let got: String?
            do { got = try lockQuery("SELECT GET_LOCK('\(lock.name)', \(seconds))", seconds: seconds) } catch {
                try? connection.execute(restore)
                throw error
            }
            try connection.execute(restore)
            guard got == "1" else {
                if got == "0" { throw timedOut }
                throw Failure(.tempFail, "GET_LOCK did not give the \(kind == .slice ? "slice" : "schema") lock (\(got ?? "NULL"))", at: table)
            }
            sessionLocks.append(lock.name)
        case .sqlite:
            break
        }
    }

    /// The lock statement's one value, allowed to wait past the lock timeout, so that the
    /// database's own lock timeout (a clearer error) ends the wait.
    private func lockQuery(_ sql: String, seconds: Int) throws -> String? {
        try connection.lockQuery(sql, seconds: seconds)
    }

    static func sqlServerLock(_ name: String, milliseconds: Int) -> String {
        "SET NOCOUNT ON; DECLARE @result int; EXEC @result = sp_getapplock @Resource = N'\(name)', @LockMode = N'Exclusive', "
            + "@LockOwner = N'Transaction', @LockTimeout = \(milliseconds); SELECT @result"
    }
}
