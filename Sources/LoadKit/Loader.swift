import CODBCShim
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

    public init(table: String) { self.table = table }
}

/// What a load did (stderr summary, `--report json`).
public struct LoadReport: Sendable {
    public var table: String
    public var dialect: Dialect
    public var rows = 0
    public var createdTable = false
    public var newColumns: [String] = []
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
    let connection: ODBCConnection?
    let dialect: Dialect
    let options: LoadOptions
    let sql: SQLBuilder
    var namer: ColumnNamer
    var columns: [(name: String, kind: ValueKind)] = []
    var tableExists = false
    var report: LoadReport
    /// Column names in the order their keys first appeared in the input.
    var seenOrder: [String] = []
    var seen: Set<String> = []
    private var prepared: (key: String, statement: ODBCStatement)?

    /// `connection` nil means `--dry-run`: plan and DDL only.
    public init(connection: ODBCConnection?, dialect: Dialect, options: LoadOptions) {
        self.connection = connection
        self.dialect = dialect
        self.options = options
        self.sql = SQLBuilder(dialect: dialect, table: options.table)
        self.namer = ColumnNamer(dialect: dialect)
        self.report = LoadReport(table: options.table, dialect: dialect)
    }

    struct Row {
        var values: [String: FlatValue]
        let line: Int
    }

    public func run(_ reader: NDJSONReader) throws -> LoadReport {
        let started = Date()
        if let connection, let existing = try connection.columns(of: options.table, quoted: dialect.quote(options.table)) {
            tableExists = true
            columns = existing.map { ($0.name, Dialect.kind(ofSQLType: $0.sqlType)) }
            namer = ColumnNamer(dialect: dialect, existing: existing.map(\.name))
        }
        let fixed = options.partition.map(\.column) + (options.rawColumn.map { [$0] } ?? [])
        let fixedNames = fixed.map { namer.name(for: $0) }
        var trailer: Int?
        var batch: [Row] = []
        var first = true
        func flush() throws {
            try load(batch, fixedNames: fixedNames, first: first)
            first = false
            batch.removeAll(keepingCapacity: true)
        }
        while let line = try reader.next() {
            if let trailer {
                throw Failure(.dataError, "line \(reader.lineNumber): data after the trailer (which counted \(trailer))", at: reader.source)
            }
            let value: JSONValue
            do { value = try JSONParser.parse(line) } catch {
                throw Failure(.dataError, "line \(reader.lineNumber): \(error)", at: reader.source)
            }
            if value["_trailer"] != nil, value.objectValue?.pairs.count == 1 {
                guard let count = value["_trailer"]?["items"]?.intValue, value["_trailer"]?["complete"] == .bool(true) else {
                    throw Failure(.dataError, "line \(reader.lineNumber): a malformed _trailer line", at: reader.source)
                }
                trailer = count
                continue
            }
            guard value.objectValue != nil else {
                throw Failure(.dataError, "line \(reader.lineNumber): expected a JSON object", at: reader.source)
            }
            var flat: [(String, FlatValue)] = []
            Flattener.flatten(value, separator: options.separator, into: &flat)
            var row = Row(values: [:], line: reader.lineNumber)
            for (key, flatValue) in flat {
                let name = namer.name(for: key)
                row.values[name] = flatValue
                if seen.insert(name).inserted { seenOrder.append(name) }
            }
            for (index, (_, partitionValue)) in options.partition.enumerated() {
                row.values[fixedNames[index]] = FlatValue(kind: .text, text: partitionValue, bool: nil)
            }
            if options.rawColumn != nil {
                row.values[fixedNames.last!] = FlatValue(kind: .text, text: String(decoding: line, as: UTF8.self), bool: nil)
            }
            batch.append(row)
            if batch.count >= options.batchSize { try flush() }
        }
        if options.requireTrailer { try Trailer.check(seen: trailer, items: report.rows + batch.count, source: reader.source) }
        if !batch.isEmpty || first { try flush() }
        report.columns = columns
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// Types the batch's columns, creates or widens the table, then inserts.
    func load(_ rows: [Row], fixedNames: [String], first: Bool) throws {
        // Kinds of columns new to the table, merged over the batch; existing ones must fit.
        var newKinds: [String: ValueKind?] = [:]
        var order: [String] = []
        let known = Dictionary(columns.map { ($0.name, $0.kind) }, uniquingKeysWith: { a, _ in a })
        for row in rows {
            for (name, value) in row.values {
                if let kind = known[name] {
                    // SQLite and MariaDB keep booleans in integer columns: an existing one reads back as int.
                    let boolInInteger = kind == .int && value.kind == .bool && (dialect == .sqlite || dialect == .mariadb)
                    if let valueKind = value.kind, !kind.accepts(valueKind), !boolInInteger {
                        throw Failure(.dataError, "line \(row.line): column \(name) holds \(kind.rawValue) values but got \(valueKind.rawValue) \(String((value.text ?? "").prefix(60)).debugDescription) (the column is never narrowed or converted)", at: options.table)
                    }
                    continue
                }
                if newKinds[name] == nil { newKinds[name] = .some(nil); order.append(name) }
                if let valueKind = value.kind {
                    newKinds[name] = .some(newKinds[name]!.map { $0.merged(with: valueKind) } ?? valueKind)
                }
            }
        }
        let ordered = orderedNewColumns(rows, candidates: Set(order), fixed: fixedNames)
        let added = ordered.map { (name: $0, kind: (newKinds[$0] ?? nil) ?? ValueKind.text) }
        if !tableExists {
            var definition = added
            for name in fixedNames where !definition.contains(where: { $0.name == name }) { definition.append((name, .text)) }
            for key in options.keys where !definition.contains(where: { $0.name == key }) {
                throw Failure(.usage, "--key \(key) is not a column of the input", at: options.table)
            }
            for statement in sql.createTable(definition, keys: options.keys) { try run(statement) }
            columns = definition
            tableExists = true
            report.createdTable = true
        } else {
            for column in added {
                try run(sql.addColumn(column.name, column.kind))
                columns.append(column)
                report.newColumns.append(column.name)
            }
        }
        if first, !options.partition.isEmpty {
            try run(sql.deletePartition(fixedNames.prefix(options.partition.count).map { $0 }), parameters: options.partition.map(\.value))
        }
        try insert(rows)
    }

    /// New columns in input order; fixed (partition, raw) columns last, as in the definition.
    func orderedNewColumns(_ rows: [Row], candidates: Set<String>, fixed: [String]) -> [String] {
        seenOrder.filter { candidates.contains($0) && !fixed.contains($0) } + fixed.filter { candidates.contains($0) }
    }

    func run(_ statement: String, parameters: [String] = []) throws {
        report.statements.append(statement)
        guard let connection else { return }
        if parameters.isEmpty {
            try connection.execute(statement)
            return
        }
        let handle = try connection.statement()
        try handle.prepare(statement)
        try bindAndExecute(handle, rows: [parameters.map { FlatValue(kind: .text, text: $0, bool: nil) }], rowsPerStatement: 1, kinds: parameters.map { _ in .text })
    }

    func insert(_ rows: [Row]) throws {
        guard !rows.isEmpty else { return }
        var rows = rows
        if !options.keys.isEmpty {
            // One row per key within a statement (PostgreSQL refuses to update a row twice).
            var last: [String: Int] = [:]
            for (index, row) in rows.enumerated() { last[options.keys.map { row.values[$0]?.text ?? "\u{0}" }.joined(separator: "\u{1}")] = index }
            let keep = Set(last.values)
            rows = rows.enumerated().filter { keep.contains($0.offset) }.map(\.element)
        }
        let used = columns.filter { column in rows.contains { $0.values[column.name] != nil } }
        let (perStatement, arraySize) = dialect.shape(columns: used.count)
        let chunk = perStatement * arraySize
        var start = 0
        while start < rows.count {
            let remaining = rows.count - start
            let (r, s) = remaining >= chunk ? (perStatement, arraySize) : (1, remaining)
            let count = r * s
            let statement = sql.insert(used, rows: r, keys: options.keys)
            let values = rows[start..<(start + count)].map { row in used.map { row.values[$0.name] ?? .null } }
            if let connection {
                let key = "\(statement.hashValue)/\(s)"
                if prepared?.key != key {
                    let handle = try connection.statement()
                    try handle.prepare(statement)
                    prepared = (key, handle)
                }
                try bindAndExecute(prepared!.statement, rows: values, rowsPerStatement: r, kinds: used.map(\.kind))
            } else if report.statements.last != statement {
                report.statements.append(statement)
            }
            report.rows += count
            start += count
        }
    }

    /// Binds `rows` (text per column) to a statement of `rowsPerStatement` rows per execution and
    /// `rows.count / rowsPerStatement` executions as one column-wise parameter array, in one
    /// arena of absolute addresses (sqliteodbc ignores bind offsets).
    func bindAndExecute(_ statement: ODBCStatement, rows: [[FlatValue]], rowsPerStatement r: Int, kinds: [ValueKind]) throws {
        let columnsPerRow = kinds.count
        let arraySize = rows.count / r
        let wide = dialect.wideText
        func text(_ value: FlatValue) -> String? {
            guard let raw = value.text else { return nil }
            if let bool = value.bool { return dialect.boolText(bool) }
            return raw
        }
        let parameters = r * columnsPerRow
        var encoded = [[UInt8]?](repeating: nil, count: parameters * arraySize)
        var widths = [Int](repeating: 1, count: parameters)
        for slot in 0..<arraySize {
            for rowInStatement in 0..<r {
                let row = rows[slot * r + rowInStatement]
                for column in 0..<columnsPerRow {
                    let p = rowInStatement * columnsPerRow + column
                    guard let string = text(row[column]) else { continue }
                    let bytes: [UInt8] = wide ? Array(string.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } : Array(string.utf8)
                    encoded[p * arraySize + slot] = bytes
                    widths[p] = max(widths[p], bytes.count + (wide ? 2 : 1))
                }
            }
        }
        let total = widths.reduce(0) { $0 + $1 * arraySize }
        let arena = UnsafeMutableRawPointer.allocate(byteCount: max(total, 1), alignment: 16)
        let indicators = UnsafeMutablePointer<SQLLEN>.allocate(capacity: max(parameters * arraySize, 1))
        defer {
            arena.deallocate()
            indicators.deallocate()
        }
        try statement.setParamsetSize(arraySize)
        var offset = 0
        for p in 0..<parameters {
            let width = widths[p]
            let base = arena + offset
            for slot in 0..<arraySize {
                let target = base + slot * width
                if let bytes = encoded[p * arraySize + slot] {
                    bytes.withUnsafeBytes { target.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
                    target.storeBytes(of: 0, toByteOffset: bytes.count, as: UInt8.self)
                    if wide { target.storeBytes(of: 0, toByteOffset: bytes.count + 1, as: UInt8.self) }
                    indicators[p * arraySize + slot] = SQLLEN(bytes.count)
                } else {
                    indicators[p * arraySize + slot] = SQLLEN(SQL_NULL_DATA)
                }
            }
            try statement.bindText(p + 1, buffer: base, width: width, indicators: indicators + p * arraySize, wide: wide)
            offset += width * arraySize
        }
        try statement.execute()
    }
}
