import CODBCShim
import ReportKit

/// Rows through ODBC: one prepared INSERT (or upsert) per batch shape, its parameter buffers
/// bound once and refilled (BoundParameters), as many rows per statement and per parameter
/// array as the driver does best (`Dialect.shape`).
final class ODBCRowWriter: RowWriter {
    let connection: ODBCConnection
    let sql: SQLBuilder
    let keys: [String]
    let converter: ValueConverter
    /// The INSERT prepared for the last batch shape (columns, kinds, rows per statement, array
    /// size), with its buffers bound.
    private var prepared: (key: [Int], parameters: BoundParameters)?

    init(connection: ODBCConnection, sql: SQLBuilder, keys: [String]) {
        self.connection = connection
        self.sql = sql
        self.keys = keys
        converter = ValueConverter(dialect: sql.dialect, table: sql.table)
    }

    func invalidate() { prepared = nil }

    /// How `rows` rows of `columns` columns go: full statements of the dialect's shape
    /// (`Dialect.shape`), then the rest as one array of one-row statements. `--dry-run` prints
    /// the statements these shapes prepare.
    static func shapes(rows: Int, columns: Int, dialect: Dialect) -> [(rowsPerStatement: Int, arraySize: Int)] {
        let (perStatement, arraySize) = dialect.shape(columns: columns)
        let full = rows / (perStatement * arraySize), rest = rows % (perStatement * arraySize)
        return Array(repeating: (perStatement, arraySize), count: full) + (rest > 0 ? [(1, rest)] : [])
    }

    func write(_ batch: RowBatch, rows: [Int], columns used: [(id: Int, kind: ValueKind)], names: [String]) throws {
        let usedColumns = used.map { (name: names[$0.id], kind: $0.kind) }
        var start = 0
        for (r, s) in ODBCRowWriter.shapes(rows: rows.count, columns: used.count, dialect: sql.dialect) {
            let count = r * s
            let key = [r, s] + used.flatMap { [$0.id, $0.kind.index] }
            let parameters: BoundParameters
            if let current = prepared, current.key == key {
                parameters = current.parameters
            } else {
                prepared = nil  // frees the old buffers before the new statement binds its own
                let handle = try connection.statement()
                try handle.prepare(sql.insert(usedColumns, rows: r, keys: keys))
                let kinds = (0..<r).flatMap { _ in used.map(\.kind) }
                parameters = try BoundParameters(statement: handle, kinds: kinds, arraySize: s, wide: sql.dialect.wideText)
                prepared = (key, parameters)
            }
            try bindAndExecute(parameters, batch, rows: Array(rows[start..<(start + count)]), columns: used, names: names, rowsPerStatement: r)
            start += count
        }
    }

    /// Fills the statement's bound buffers with the given rows (`rowsPerStatement` rows per
    /// execution, `rows.count / rowsPerStatement` executions as one column-wise array) and runs it.
    func bindAndExecute(
        _ bound: BoundParameters, _ batch: RowBatch, rows: [Int], columns used: [(id: Int, kind: ValueKind)], names: [String], rowsPerStatement r: Int
    ) throws {
        let columnsPerRow = used.count
        let arraySize = bound.arraySize
        precondition(rows.count == r * arraySize, "rows do not fill the statement's array")
        let wide = sql.dialect.wideText
        try batch.arena.withUnsafeBytes { source in
            for (c, column) in used.enumerated() {
                let numeric = Loader.isNumeric(column.kind)
                let wallClock = column.kind.isWallClock
                try batch.columns[column.id].offsets.withUnsafeBufferPointer { offsets in
                    try batch.columns[column.id].lengths.withUnsafeBufferPointer { lengths in
                        for rowInStatement in 0..<r {
                            let p = rowInStatement * columnsPerRow + c
                            var need = 8
                            if !numeric {
                                need = wide ? 2 : 1
                                for slot in 0..<arraySize {
                                    var length = Int(lengths[rows[slot * r + rowInStatement]])
                                    if wallClock, length >= 0 { length = max(length, 26) }  // "2026-11-01 00:10" → "2026-11-01 00:10:00"
                                    // UTF-16 never needs more units than UTF-8 bytes, plus the terminator.
                                    if length >= 0 { need = max(need, wide ? (length + 1) * 2 : length + 1) }
                                }
                            }
                            let base = try bound.buffer(p, width: need)
                            let width = bound.widths[p]
                            let indicators = bound.indicators + p * arraySize
                            for slot in 0..<arraySize {
                                let row = rows[slot * r + rowInStatement]
                                let length = Int(lengths[row])
                                guard length >= 0 else {
                                    indicators[slot] = SQLLEN(SQL_NULL_DATA)
                                    continue
                                }
                                let target = base + slot * width
                                let bytes = UnsafeRawBufferPointer(rebasing: source[offsets[row]..<(offsets[row] + length)])
                                try converter.convert(bytes, kind: column.kind, line: batch.lines[row], column: names[column.id]) { value in
                                    switch value {
                                    case .integer(let number):
                                        target.storeBytes(of: number, as: Int64.self)
                                        indicators[slot] = 0
                                    case .real(let number):
                                        target.storeBytes(of: number, as: Double.self)
                                        indicators[slot] = 0
                                    case .text(let text) where wide:  // NVARCHAR parameters take UTF-16
                                        let units = Array(String(decoding: text, as: UTF8.self).utf16)
                                        units.withUnsafeBytes { if let units = $0.baseAddress { target.copyMemory(from: units, byteCount: $0.count) } }
                                        target.storeBytes(of: 0, toByteOffset: units.count * 2, as: UInt16.self)
                                        indicators[slot] = SQLLEN(units.count * 2)
                                    case .text(let text):
                                        if let bytes = text.baseAddress, !text.isEmpty { target.copyMemory(from: bytes, byteCount: text.count) }
                                        target.storeBytes(of: 0, toByteOffset: text.count, as: UInt8.self)
                                        indicators[slot] = SQLLEN(text.count)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        try bound.execute(table: sql.table) { batch.lines[rows[$0 * r]] }
    }
}
