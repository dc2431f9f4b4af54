import CLibPQ
import Foundation
import ReportKit

/// PostgreSQL through libpq: statements as on the ODBC path (a transaction always open, begun
/// by the first statement after a commit, as psqlODBC does with autocommit off), and rows as
/// one `COPY … FROM STDIN` stream per batch in text format, written as they are converted.
/// Session settings are the ODBC path's (`Dialect.timeoutSetup`); the connection gives up
/// after the connect timeout (libpq's `connect_timeout`) and on a peer silent for longer than
/// any wait the server ends itself (`tcp_user_timeout`).
public final class PostgresConnection: LoadConnection {
    private var conn: OpaquePointer?
    public let timeouts: DatabaseTimeouts
    public var path: LoadPath { .postgresql }
    let label: String

    /// `conninfo`: a libpq connection string or URL (never part of an error: `label` names it).
    public init(conninfo: String, label: String, timeouts: DatabaseTimeouts = DatabaseTimeouts()) throws {
        self.timeouts = timeouts
        self.label = label
        // Later keywords win over the same keyword inside `dbname`'s string or URL, earlier ones lose to it.
        let settings: [(String, String)] = [
            ("application_name", "ncp-load"), ("dbname", conninfo), ("connect_timeout", String(timeouts.connect)),
            ("tcp_user_timeout", String(timeouts.backstop * 1000)), ("client_encoding", "UTF8"),
        ]
        conn = withCStrings(settings.map(\.0)) { keywords in
            withCStrings(settings.map(\.1)) { values in PQconnectdbParams(keywords, values, 1) }
        }
        guard let conn, PQstatus(conn) == CONNECTION_OK else {
            let message = conn.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            let lower = message.lowercased()
            let login = lower.contains("password") || lower.contains("authentication") || (lower.contains("role") && lower.contains("does not exist"))
            throw DatabaseError(sqlState: login ? "28000" : "08001", nativeError: 0, driverMessage: message, action: "connecting (\(label))")
        }
        // Notices (DROP … IF EXISTS) are for people at a psql prompt, not for ncp-load's stderr.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
        for statement in Dialect.postgresql.sessionSetup + Dialect.postgresql.timeoutSetup(timeouts) { try run(statement, [], inTransaction: false) }
    }

    deinit { if let conn { PQfinish(conn) } }

    /// A result that failed as an DatabaseError (SQLSTATE and the server's message, as psqlODBC reports them).
    func error(_ result: OpaquePointer?, _ action: String) -> DatabaseError {
        let field = { (code: Int32) in result.flatMap { PQresultErrorField($0, code) }.map { String(cString: $0) } }
        let message = field(Int32(UInt8(ascii: "M"))) ?? conn.map { String(cString: PQerrorMessage($0)) } ?? "no message"
        return DatabaseError(sqlState: field(Int32(UInt8(ascii: "C"))) ?? "08S01", nativeError: 0, driverMessage: message, action: action)
    }

    /// Runs `sql` (`?` placeholders, text parameters), beginning the transaction first unless
    /// told not to; returns the result, which the caller clears.
    @discardableResult
    private func run(_ sql: String, _ parameters: [String], inTransaction: Bool = true, keep: Bool = false) throws -> OpaquePointer? {
        if inTransaction, PQtransactionStatus(conn) == PQTRANS_IDLE { try run("BEGIN", [], inTransaction: false) }
        let text = parameters.isEmpty ? sql : PostgresConnection.numbered(sql)
        let result = withCStrings(parameters) { values in PQexecParams(conn, text, Int32(parameters.count), nil, values, nil, nil, 0) }
        let status = result.map { PQresultStatus($0) } ?? PGRES_FATAL_ERROR
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_COPY_IN else {
            let failure = error(result, "running \(sql.prefix(80))")
            PQclear(result)
            throw failure
        }
        if keep { return result }
        PQclear(result)
        return nil
    }

    /// `?` placeholders as libpq's `$1`, `$2`, … (outside quoted text and names).
    static func numbered(_ sql: String) -> String {
        var out = "", quote: Character?, number = 0
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "?" {
                number += 1
                out += "$\(number)"
                continue
            }
            out.append(character)
        }
        return out
    }

    public func execute(_ sql: String) throws { try run(sql, []) }

    public func execute(_ sql: String, parameters: [String]) throws { try run(sql, parameters) }

    public func query(_ sql: String, parameters: [String]) throws -> [[String?]] {
        guard let result = try run(sql, parameters, keep: true) else { return [] }
        defer { PQclear(result) }
        return (0..<PQntuples(result)).map { row in
            (0..<PQnfields(result)).map { column in
                PQgetisnull(result, row, column) != 0 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
    }

    /// The statement timeout is lifted past the lock timeout for the lock's statement, so that
    /// lock_timeout (a clearer error) ends the wait; a failure leaves it to the rollback.
    public func lockQuery(_ sql: String, seconds: Int) throws -> String? {
        try execute("SET statement_timeout = '\(seconds + timeouts.statement)s'")
        let value = try query(sql).first?.first ?? nil
        try execute("SET statement_timeout = '\(timeouts.statement)s'")
        return value
    }

    public func columns(of sql: String) throws -> [(name: String, kind: ValueKind)] {
        guard let result = try run(sql, [], keep: true) else { return [] }
        defer { PQclear(result) }
        return (0..<PQnfields(result)).map { (String(cString: PQfname(result, $0)), PostgresConnection.kind(oid: PQftype(result, $0))) }
    }

    /// A column's kind from its type's OID (pg_type), as psqlODBC's types read (Dialect.kind(ofSQLType:)).
    static func kind(oid: Oid) -> ValueKind {
        switch oid {
        case 16: return .bool
        case 20, 21, 23: return .int  // int8, int2, int4
        case 700, 701, 1700: return .float  // float4, float8, numeric
        case 1184: return .timestamp  // timestamptz
        case 1114: return .datetime  // timestamp
        case 1082: return .date
        default: return .text
        }
    }

    public func begin(_ statement: String) throws {}

    public func commit() throws {
        switch PQtransactionStatus(conn) {
        case PQTRANS_IDLE: return
        case PQTRANS_INERROR:
            // COMMIT would roll back and say so only in its tag: refuse to pass that for success.
            rollback()
            throw DatabaseError(sqlState: "25P02", nativeError: 0, driverMessage: "the transaction had failed and was rolled back", action: "committing")
        default:
            try run("COMMIT", [], inTransaction: false)
        }
    }

    public func rollback() {
        guard PQtransactionStatus(conn) != PQTRANS_IDLE else { return }
        _ = try? run("ROLLBACK", [], inTransaction: false)
    }

    public func rowWriter(_ sql: SQLBuilder, keys: [String]) -> any RowWriter { PostgresCopyWriter(connection: self, sql: sql, keys: keys) }

    public func describe() -> (dbms: String, dbmsVersion: String, driver: String, driverVersion: String) {
        let version = Int(PQlibVersion())
        let server = PQparameterStatus(conn, "server_version").map { String(cString: $0) } ?? ""
        return ("PostgreSQL", server, "libpq", "\(version / 10_000).\(version % 10_000)")
    }

    // MARK: COPY

    /// Starts `COPY … FROM STDIN` (text format).
    func beginCopy(_ sql: String) throws {
        guard let result = try run(sql, [], keep: true) else { return }
        PQclear(result)
    }

    /// Sends buffered COPY data.
    func sendCopy(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        guard PQputCopyData(conn, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count)) == 1 else {
            throw error(nil, "sending rows")
        }
    }

    /// Ends the COPY: `failure` nil to commit its rows to the transaction, else to abandon it
    /// (the transaction is then in error, and the load rolls back). Returns the server's error, if any.
    func endCopy(failure: String?) -> DatabaseError? {
        var outcome: DatabaseError?
        if PQputCopyEnd(conn, failure) != 1 { outcome = error(nil, "ending the rows") }
        while let result = PQgetResult(conn) {
            if outcome == nil, PQresultStatus(result) != PGRES_COMMAND_OK {
                let context = PQresultErrorField(result, Int32(UInt8(ascii: "W"))).map { String(cString: $0) } ?? ""
                var failed = error(result, "loading rows")
                failed = DatabaseError(sqlState: failed.sqlState, nativeError: PostgresConnection.copyLine(context) ?? 0,
                                   driverMessage: failed.driverMessage, action: failed.action)
                outcome = failed
            }
            PQclear(result)
        }
        return outcome
    }

    /// The COPY line an error's context names (`COPY t, line 3, column x: …`).
    static func copyLine(_ context: String) -> Int? {
        guard let range = context.range(of: #"COPY [^,]*, line [0-9]+"#, options: .regularExpression) else { return nil }
        return Int(context[range].split(separator: " ").last ?? "")
    }
}

/// C strings for libpq's arrays, alive for the call.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let pointers = strings.map { strdup($0) }
    defer { for pointer in pointers { free(pointer) } }
    let constants = pointers.map { UnsafePointer($0) } + [nil]
    return constants.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// A batch's rows as one COPY stream in text format: values converted as on every path
/// (ValueConverter), tabs between them, `\N` for NULL, and backslash, tab, newline and carriage
/// return escaped. Number literals go as they came (PostgreSQL reads JSON's numbers). With
/// `--key`, the rows go to a temporary table shaped like the target's columns, then into the
/// table in one `INSERT … ON CONFLICT … DO UPDATE`.
final class PostgresCopyWriter: RowWriter {
    let connection: PostgresConnection
    let sql: SQLBuilder
    let keys: [String]
    let converter: ValueConverter
    private var buffer: [UInt8] = []
    /// Sent to the server whenever the buffer grows past this (memory stays flat).
    static let flushBytes = 1 << 20

    init(connection: PostgresConnection, sql: SQLBuilder, keys: [String]) {
        self.connection = connection
        self.sql = sql
        self.keys = keys
        converter = ValueConverter(dialect: .postgresql, table: sql.table)
        buffer.reserveCapacity(PostgresCopyWriter.flushBytes + 65_536)
    }

    /// The columns of the stage table this transaction made (`--key`), if it made one.
    private var stageColumns: [String]?

    /// DDL may have widened a column the stage copied: the next batch makes it again.
    func invalidate() { stageColumns = nil }

    static let stage = "ncp_load_stage"

    func write(_ batch: RowBatch, rows: [Int], columns used: [(id: Int, kind: ValueKind)], names: [String]) throws {
        guard !rows.isEmpty else { return }
        let dialect = Dialect.postgresql
        let columnList = used.map { dialect.quote(names[$0.id]) }.joined(separator: ", ")
        var target = sql.quotedTable
        if !keys.isEmpty {
            // One stage per transaction, emptied between batches: a table made and dropped per
            // batch would hold a lock per batch until the commit (max_locks_per_transaction).
            target = "pg_temp.\(dialect.quote(PostgresCopyWriter.stage))"
            let names = used.map { names[$0.id] }
            if stageColumns == names {
                try connection.execute("TRUNCATE \(target)")
            } else {
                try connection.execute("DROP TABLE IF EXISTS \(target)")
                try connection.execute("CREATE TEMP TABLE \(dialect.quote(PostgresCopyWriter.stage)) ON COMMIT DROP AS SELECT \(columnList) FROM \(sql.quotedTable) WITH NO DATA")
                stageColumns = names
            }
        }
        try connection.beginCopy("COPY \(target) (\(columnList)) FROM STDIN")
        buffer.removeAll(keepingCapacity: true)
        do {
            try batch.arena.withUnsafeBytes { arena in
                for row in rows {
                    for (index, column) in used.enumerated() {
                        if index > 0 { buffer.append(0x09) }
                        guard let bytes = batch.value(column.id, row: row, in: arena) else {
                            buffer.append(0x5C)
                            buffer.append(UInt8(ascii: "N"))
                            continue
                        }
                        if PostgresCopyWriter.isPlainNumber(bytes, kind: column.kind) {
                            buffer.append(contentsOf: bytes)
                            continue
                        }
                        try converter.convert(bytes, kind: column.kind, line: batch.lines[row], column: names[column.id]) { value in
                            switch value {
                            case .integer(let number): buffer.append(contentsOf: String(number).utf8)
                            case .real(let number): buffer.append(contentsOf: "\(number)".utf8)
                            case .text(let text): PostgresCopyWriter.appendEscaped(text, to: &buffer)
                            }
                        }
                    }
                    buffer.append(0x0A)
                    if buffer.count >= PostgresCopyWriter.flushBytes {
                        try buffer.withUnsafeBytes { try connection.sendCopy($0) }
                        buffer.removeAll(keepingCapacity: true)
                    }
                }
            }
            try buffer.withUnsafeBytes { try connection.sendCopy($0) }
        } catch {
            _ = connection.endCopy(failure: "ncp-load stopped the load")
            throw error
        }
        if let failed = connection.endCopy(failure: nil) {
            // A value or a constraint the database refused (SQLSTATE classes 22, 23) is the row's
            // fault: named by its input line (COPY counts its lines from 1, the k-th row sent).
            // Anything else (a lock or statement timeout, a deadlock) stays the database's error,
            // told apart as on every path (LoadTimeout).
            let copyLine = failed.nativeError
            if failed.sqlState.hasPrefix("22") || failed.sqlState.hasPrefix("23"), copyLine >= 1, copyLine <= rows.count {
                throw Failure(.dataError, "line \(batch.lines[rows[copyLine - 1]]): the database refused the row: [\(failed.sqlState)] \(Redactor.shared.redact(failed.driverMessage)); nothing is committed", at: sql.table)
            }
            throw failed
        }
        if !keys.isEmpty { try connection.execute(sql.upsert(from: target, columns: used.map { names[$0.id] }, keys: keys)) }
    }

    /// A number the column takes as written: an integer literal into an integer column, a
    /// literal without an exponent into a float column (one with an exponent may be beyond a
    /// double, which the converter makes infinite as the ODBC path does).
    @inline(__always)
    static func isPlainNumber(_ bytes: UnsafeRawBufferPointer, kind: ValueKind) -> Bool {
        guard kind == .int || kind == .float, let first = bytes.first, first == UInt8(ascii: "-") || (first >= 0x30 && first <= 0x39) else { return false }
        for byte in bytes where !(byte >= 0x30 && byte <= 0x39) && byte != UInt8(ascii: "-") {
            if kind == .float, byte == UInt8(ascii: ".") { continue }
            return false
        }
        return true
    }

    /// Text in COPY's text format: backslash, tab, newline and carriage return escaped.
    @inline(__always)
    static func appendEscaped(_ text: UnsafeRawBufferPointer, to buffer: inout [UInt8]) {
        var start = 0
        for (index, byte) in text.enumerated() where byte == 0x5C || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[start..<index]))
            buffer.append(0x5C)
            buffer.append(byte == 0x5C ? 0x5C : byte == 0x09 ? UInt8(ascii: "t") : byte == 0x0A ? UInt8(ascii: "n") : UInt8(ascii: "r"))
            start = index + 1
        }
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[start...]))
    }
}
