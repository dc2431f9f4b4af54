import Foundation
import ReportKit

public struct LoadOptions: Sendable {
    public var table: String
    public var partition: [(column: String, value: String)] = []
    public var keys: [String] = []
    public var rawColumn: String?
    public var separator = "_"
    public var requireTrailer = false
    /// Rows read, typed and inserted together (memory stays flat whatever the input size).
    public var batchSize = 5_000
    /// Never CREATE or ALTER: a missing table or column fails the load before anything is
    /// written, with the statements a DBA can run (`SchemaChangeNeeded`).
    public var noDDL = false

    public init(table: String) { self.table = table }
}

/// What a load did (stderr summary, `--report json`).
public struct LoadReport: Sendable {
    public var table: String
    public var dialect: Dialect
    public var rows = 0
    public var createdTable = false
    public var newColumns: [String] = []
    /// Columns added to a table that existed before this load, with their SQL types (final,
    /// after any widening); `partition`: added for `--partition`, not for a field of the input.
    public var addedColumns: [(name: String, type: String, partition: Bool)] = []
    /// Columns an earlier load made from whole numbers that this one altered to a wider type
    /// (not on SQLite, whose INTEGER column keeps the fractions as they are), with their new types.
    public var widenedColumns: [(name: String, type: String)] = []
    public var columns: [(name: String, kind: ValueKind)] = []
    public var statements: [String] = []
    public var seconds = 0.0

    public var json: JSONValue {
        .object(JSONObject([
            ("table", .string(table)), ("dialect", .string(dialect.rawValue)), ("rows", .int(rows)),
            ("createdTable", .bool(createdTable)), ("newColumns", .array(newColumns.map { .string($0) })),
            ("columns", .int(columns.count)), ("seconds", .double((seconds * 1000).rounded() / 1000)),
        ]))
    }
}

/// Streams NDJSON into one table in one transaction: flatten, name, type, create or widen the
/// table, replace the partition, insert in batches. Nothing is committed unless all of it
/// worked (the caller commits).
public final class Loader {
    let connection: (any LoadConnection)?
    let dialect: Dialect
    let options: LoadOptions
    let sql: SQLBuilder
    var namer: ColumnNamer
    /// The table's columns as known (existing, created, added), by name.
    var columns: [(name: String, kind: ValueKind)] = []
    var tableExists = false
    /// The table was there before this load (columns it adds are reported as `addedColumns`).
    var existedBefore = false
    /// Columns this load created: their types may still widen in later batches.
    var createdThisRun: Set<String> = []
    /// Columns an earlier load created (they carry its mark, MadeColumns.swift): integer ones
    /// widen to float when a fraction comes.
    var madeEarlier: Set<String> = []
    var report: LoadReport
    /// Column names by batch column id, in the order keys first appeared in the input.
    var names: [String] = []
    var idByName: [String: Int] = [:]
    /// false while planning MariaDB's schema pass: DDL is collected in `planned`, nothing else runs.
    private var executing = true
    private var planned: [String] = []
    /// Writes the rows (made at the first insert): the path's own way, ODBC or native.
    private var writer: (any RowWriter)?
    /// The slice and schema locks (LoadLocks), shared by MariaDB's passes; nil for `--dry-run`.
    let locks: LoadLocks?
    /// Whether this transaction has changed anything yet (DDL, DELETE, INSERT).
    private var wrote = false

    /// `connection` nil means `--dry-run`: plan and DDL only.
    public convenience init(connection: (any LoadConnection)?, dialect: Dialect, options: LoadOptions) {
        self.init(connection: connection, dialect: dialect, options: options,
                  locks: connection.map { LoadLocks(connection: $0, dialect: dialect, table: options.table, partition: options.partition) })
    }

    init(connection: (any LoadConnection)?, dialect: Dialect, options: LoadOptions, locks: LoadLocks?) {
        self.connection = connection
        self.dialect = dialect
        self.options = options
        self.sql = SQLBuilder(dialect: dialect, table: options.table)
        self.namer = ColumnNamer(dialect: dialect)
        self.report = LoadReport(table: options.table, dialect: dialect)
        self.locks = locks
    }

    /// Loads the stream; the caller then calls `commit` or `rollback`. A wait that ran out is
    /// a `LoadTimeout`.
    public func run(_ reader: NDJSONReader) throws -> LoadReport {
        do {
            // Before the table is read: a second load of this slice waits here for the first.
            try locks?.acquireSlice()
            if let connection, dialect.commitsOnDDL || options.noDDL { return try runInTwoPasses(reader, connection: connection) }
            return try stream(reader, spool: nil)
        } catch {
            throw classified(error)
        }
    }

    /// Commits the load's transaction and gives back its locks.
    public func commit() throws {
        do { try connection?.commit() } catch { throw classified(error) }
        locks?.release()
    }

    /// Undoes whatever the load did (but DDL on MariaDB, which committed itself) and gives back its locks.
    public func rollback() {
        connection?.rollback()
        locks?.release()
    }

    func classified(_ error: any Error) -> any Error {
        guard let connection else { return error }
        return LoadTimeout.classify(error, dialect: dialect, timeouts: connection.timeouts, table: options.table)
    }

    /// The CREATE TABLE, or the ALTER TABLE … ADD per missing column, this (planning) load
    /// needed, with the columns' final types.
    var neededDDL: [String] {
        if report.createdTable { return sql.createTable(columns, keys: options.keys) }
        return report.addedColumns.map { added in sql.addColumn(added.name, columns.first { $0.name == added.name }?.kind ?? .text) }
    }

    /// MariaDB commits implicitly on CREATE and ALTER: a column added mid-load would commit the
    /// partition's DELETE and the rows before it. So its schema is settled first: one pass
    /// reads the input into an unnamed spool file while planning the DDL (nothing written but
    /// the table's definition, which is additive), the DDL runs, then the rows load from the
    /// spool in one transaction that no DDL interrupts. Line numbers stay the input's.
    func runInTwoPasses(_ reader: NDJSONReader, connection: any LoadConnection) throws -> LoadReport {
        let started = Date()
        let spool = try Spool()
        var planner = Loader(connection: connection, dialect: dialect, options: options, locks: locks)
        planner.executing = false
        _ = try planner.stream(reader, spool: spool)
        if options.noDDL, !planner.planned.isEmpty {
            throw SchemaChangeNeeded(table: options.table, statements: planner.neededDDL,
                                     missingColumns: planner.report.createdTable ? nil : planner.report.addedColumns.map(\.name))
        }
        if !planner.planned.isEmpty, let locks, !locks.schemaHeld {
            // End the planning pass's transaction (it only read) so that this load holds no lock
            // on the table while it waits for another load's DDL, then plan again under the
            // schema lock, against the table as that load may have left it.
            if dialect.commitsOnDDL { try connection.commit() }
            if try locks.acquireSchema() {
                planner = Loader(connection: connection, dialect: dialect, options: options, locks: locks)
                planner.executing = false
                _ = try withExtendedLifetime(spool) { try planner.stream(try spool.reader(source: reader.source), spool: nil) }
            }
        }
        for statement in planner.planned { try connection.execute(statement) }
        // The spool owns the descriptor the second reader reads: it lives until the load is done.
        var report = try withExtendedLifetime(spool) {
            try Loader(connection: connection, dialect: dialect, options: options, locks: locks).stream(try spool.reader(source: reader.source), spool: nil)
        }
        report.createdTable = planner.report.createdTable
        report.newColumns = planner.report.newColumns
        report.addedColumns = planner.report.addedColumns
        report.widenedColumns = planner.report.widenedColumns
        report.statements = planner.report.statements + report.statements
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    func stream(_ reader: NDJSONReader, spool: Spool?) throws -> LoadReport {
        let started = Date()
        try readTable()
        if tableExists { namer = ColumnNamer(dialect: dialect, existing: columns.map(\.name)) }
        let producer = BatchProducer(namer: namer, options: options, spool: spool)
        let fixed = producer.fixed
        names = producer.names
        idByName = producer.idByName
        producer.start(reader)
        defer { producer.handoff.close() }
        var first = true
        while true {
            switch producer.handoff.pop() {
            case .batch(let batch, let batchNames, let ids, let order):
                names = batchNames
                idByName = ids
                try load(batch, fixed: fixed, first: first, order: order)
                first = false
            case .end(let trailer, let lines):
                if options.requireTrailer { try Trailer.check(seen: trailer, items: lines, source: reader.source) }
                if first { try load(RowBatch(), fixed: fixed, first: true) }
                report.columns = columns
                let partitionNames = options.partition.map { namer.name(for: $0.column) }
                report.addedColumns = report.addedColumns.map { added in
                    (added.name, dialect.sqlType(columns.first { $0.name == added.name }?.kind ?? .text), partitionNames.contains(added.name))
                }
                report.seconds = Date().timeIntervalSince(started)
                return report
            case .failure(let error):
                throw error
            }
        }
    }

    /// What one batch needs done to the table before its rows go in.
    struct BatchPlan {
        /// Columns this load created whose type must widen, with their new kinds.
        var widened: [(name: String, kind: ValueKind)] = []
        /// New columns, in the order they are to be created.
        var added: [(name: String, kind: ValueKind)] = []
    }

    /// Types the batch's columns, creates or widens the table, then inserts.
    /// `order`: column ids in the order the input first named them; new columns are created in
    /// that order, then the fixed ones the input never named (partition, raw line).
    func load(_ batch: RowBatch, fixed: Set<Int>, first: Bool, order: [Int] = []) throws {
        var plan = try self.plan(batch, fixed: fixed, order: order)
        let ddl = !plan.added.isEmpty || plan.widened.contains { sql.alterType($0.name, $0.kind) != nil }
        if ddl, executing, !options.noDDL, let connection, let locks, !locks.schemaHeld {
            if !wrote, dialect == .postgresql || dialect == .sqlserver {
                // Nothing written yet: start the transaction again, so that it holds no lock on
                // the table (its read of the columns took one) while it waits for the schema
                // lock, which a load that is altering the table, and waiting for that read to end, holds.
                connection.rollback()
                locks.forgetTransactionLocks()
                try locks.acquireSlice()
            }
            if try locks.acquireSchema() {
                try readTable()
                plan = try self.plan(batch, fixed: fixed, order: order)
            }
        }
        for (name, kind) in plan.widened {
            if let statement = sql.alterType(name, kind) {
                try run(statement)
                if !createdThisRun.contains(name) { report.widenedColumns.append((name, dialect.sqlType(kind))) }
            }
            if let index = columns.firstIndex(where: { $0.name == name }) { columns[index].kind = kind }
        }
        let added = plan.added
        if !tableExists {
            // Nothing to define yet (no items, or only nulls): create nothing, insert nothing.
            guard !added.isEmpty else { return }
            for key in options.keys where !added.contains(where: { $0.name == key }) {
                throw Failure(.usage, "--key \(key) is not a column of the input", at: options.table)
            }
            for statement in sql.createTable(added, keys: options.keys, marked: true) + sql.markMade(added.map(\.name)) { try run(statement) }
            columns = added
            createdThisRun.formUnion(added.map(\.name))
            tableExists = true
            report.createdTable = true
        } else {
            for column in added {
                for statement in [sql.addColumn(column.name, column.kind, marked: true)] + sql.markMade([column.name]) { try run(statement) }
                columns.append(column)
                createdThisRun.insert(column.name)
                report.newColumns.append(column.name)
                if existedBefore { report.addedColumns.append((column.name, dialect.sqlType(column.kind), false)) }  // typed and marked when the load ends
            }
        }
        if first, !options.partition.isEmpty {
            let partitionNames = options.partition.map { namer.name(for: $0.column) }
            try run(sql.deletePartition(partitionNames), parameters: options.partition.map(\.value))
        }
        try insert(batch)
    }

    /// Checks the batch's values against the table's columns: which columns this load made must
    /// widen, which must be added; a value that fits no column it may change is an error.
    func plan(_ batch: RowBatch, fixed: Set<Int>, order: [Int]) throws -> BatchPlan {
        var plan = BatchPlan()
        let known = Dictionary(columns.map { ($0.name, $0.kind) }, uniquingKeysWith: { a, _ in a })
        var new: [(id: Int, name: String, kind: ValueKind)] = []
        // An existing table gets its partition columns even when the input has no rows (the DELETE names them).
        let ids = Array(batch.columns.indices) + (tableExists ? fixed.filter { $0 >= batch.columns.count }.sorted() : [])
        for id in ids {
            let name = names[id]
            let column = id < batch.columns.count ? batch.columns[id] : RowBatch.Column()
            if let existing = known[name] {
                var kind = existing
                for (seen, line) in column.kindsSeen {
                    // SQLite and MariaDB keep booleans in integer columns: an existing one reads back as int.
                    let boolInInteger = kind == .int && seen == .bool && (dialect == .sqlite || dialect == .mariadb)
                    guard !kind.accepts(seen), !boolInInteger else { continue }
                    if createdThisRun.contains(name) {
                        // Made by this very load from an earlier batch: widen it (int → float → text),
                        // so the table does not depend on where batches happen to split.
                        kind = kind.merged(with: seen)
                        continue
                    }
                    if madeEarlier.contains(name), kind == .int, seen == .float, !options.noDDL || sql.alterType(name, .float) == nil {
                        // Made by an earlier load from whole numbers: the type that load would have
                        // chosen had it seen this value too. Only numbers widen across loads.
                        kind = .float
                        continue
                    }
                    if try convertible(batch, id, into: kind, seen) { continue }
                    let row = batch.lines.firstIndex(of: line) ?? 0
                    let value = batch.text(id, row: row) ?? ""
                    let rule = madeEarlier.contains(name) ? "a column an earlier load made widens only from integer to float" : "a column ncp-load did not make is never narrowed or altered"
                    throw Failure(.dataError, "line \(line): column \(name) holds \(kind.rawValue) values but got \(seen.rawValue) \(String(value.prefix(60)).debugDescription) (\(rule))", at: options.table)
                }
                if kind != existing { plan.widened.append((name, kind)) }
                continue
            }
            new.append((id, name, fixed.contains(id) ? .text : column.kind ?? .text))
        }
        let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        plan.added = new.sorted { (rank[$0.id] ?? order.count + $0.id, $0.id) < (rank[$1.id] ?? order.count + $1.id, $1.id) }.map { (name: $0.name, kind: $0.kind) }
        return plan
    }

    func run(_ statement: String, parameters: [String] = []) throws {
        report.statements.append(statement)
        writer?.invalidate()  // DDL may change types a prepared INSERT was planned with
        if options.noDDL, executing, parameters.isEmpty, connection != nil {
            // The planning pass found nothing missing, so the load pass never gets here.
            throw Failure(.software, "--no-ddl, yet the load wanted to run \(statement.prefix(80))", at: options.table)
        }
        guard executing else {
            if parameters.isEmpty { planned.append(statement) }  // DDL for later; the DELETE waits for the load pass
            return
        }
        guard let connection else { return }
        wrote = true
        if parameters.isEmpty {
            try connection.execute(statement)
        } else {
            try connection.execute(statement, parameters: parameters)
        }
    }

    func insert(_ batch: RowBatch) throws {
        guard batch.rows > 0 else { return }
        var rows = Array(0..<batch.rows)
        if !options.keys.isEmpty {
            // One row per key within a statement (PostgreSQL refuses to update a row twice).
            let keyIDs = try options.keys.map { key throws -> Int in
                guard let id = idByName[key], id < batch.columns.count else {
                    throw Failure(.dataError, "line \(batch.lines.first ?? 0): the key column \(key) is missing", at: options.table)
                }
                return id
            }
            var last: [String: Int] = [:]
            for row in rows {
                let values = try keyIDs.map { id throws -> String in
                    guard let value = batch.text(id, row: row) else {
                        throw Failure(.dataError, "line \(batch.lines[row]): the key column \(names[id]) is null or missing", at: options.table)
                    }
                    return value
                }
                last[values.joined(separator: "\u{1}")] = row
            }
            let keep = Set(last.values)
            rows = rows.filter { keep.contains($0) }
        }
        let kinds = Dictionary(columns.map { ($0.name, $0.kind) }, uniquingKeysWith: { a, _ in a })
        // Upserts name every column this run has seen (an absent value must overwrite with NULL,
        // whatever else is in the batch); plain inserts only the columns with values.
        var used: [(id: Int, kind: ValueKind)] = columns.compactMap { column in
            guard let id = idByName[column.name] else { return nil }
            if options.keys.isEmpty {
                guard batch.hasValues(id) else { return nil }
            } else {
                batch.ensure(id)
                batch.pad(id, to: batch.rows)
            }
            return (id, kinds[column.name] ?? column.kind)
        }
        if used.isEmpty, let first = columns.first(where: { idByName[$0.name] != nil }), let id = idByName[first.name] {
            // A line without a single value is still a row (of NULLs), whatever else its batch
            // holds: the row count never depends on how the input was cut into batches.
            batch.ensure(id)
            batch.pad(id, to: batch.rows)
            used = [(id, kinds[first.name] ?? first.kind)]
        }
        guard !used.isEmpty else { return }  // no column at all (only `{}` lines): nothing to store
        if !executing {
            // Planning: nothing inserted.
        } else if let connection {
            if writer == nil { writer = connection.rowWriter(sql, keys: options.keys) }
            wrote = true
            try writer?.write(batch, rows: rows, columns: used, names: names)
        } else {
            // --dry-run: the INSERTs the ODBC path would prepare, each shape once.
            let usedColumns = used.map { (name: names[$0.id], kind: $0.kind) }
            for shape in ODBCRowWriter.shapes(rows: rows.count, columns: used.count, dialect: dialect) {
                let statement = sql.insert(usedColumns, rows: shape.rowsPerStatement, keys: options.keys)
                if report.statements.last != statement { report.statements.append(statement) }
            }
        }
        report.rows += rows.count
    }

    static func isNumeric(_ kind: ValueKind) -> Bool { kind == .int || kind == .float }

    /// An integer literal (validated JSON, within 64 bits: `LineFlattener.isInteger`), or a
    /// boolean kept in an integer column (1/0).
    static func integer(_ bytes: UnsafeRawBufferPointer) -> Int64 {
        if bytes.first == UInt8(ascii: "t") { return 1 }
        if bytes.first == UInt8(ascii: "f") { return 0 }
        // Summed as a negative number: -9223372036854775808 has no positive counterpart to negate.
        var negated: Int64 = 0
        var negative = false
        for byte in bytes {
            if byte == UInt8(ascii: "-") { negative = true; continue }
            // 3.0 or 1e3 in an existing integer column: `convertible` checked it is a whole number
            // in range (the conversion cannot trap whatever it is given).
            guard byte >= 0x30, byte <= 0x39 else { return Int64(exactly: Loader.double(bytes).rounded()) ?? 0 }
            negated = negated &* 10 &- Int64(byte &- 0x30)
        }
        return negative ? negated : 0 &- negated
    }

    static func double(_ bytes: UnsafeRawBufferPointer) -> Double {
        var buffer = [CChar](repeating: 0, count: bytes.count + 1)
        for (index, byte) in bytes.enumerated() { buffer[index] = CChar(bitPattern: byte) }
        return strtod(buffer, nil)
    }
}
