import Glibc
import ReportKit

/// One value as its column takes it, the same on every path: numbers as 64-bit integers and
/// doubles, everything else as UTF-8 text the database converts (valid only inside the
/// converter's closure).
enum StoredValue {
    case integer(Int64)
    case real(Double)
    case text(UnsafeRawBufferPointer)
}

/// Turns a batch's values into what their columns take. `convertible` (ExistingColumns.swift)
/// has checked each value fits; this only converts:
/// - integer columns: the integer (a whole float `3.0`, a boolean as 1/0);
/// - float columns: the double;
/// - DATETIME and DATE (no zone): the canonical wall-clock text (DateTimeText);
/// - boolean columns: the dialect's words for true and false;
/// - anything else: the bytes as they came.
/// PostgreSQL's text cannot hold NUL: such a value is an error naming its line and column.
struct ValueConverter {
    let dialect: Dialect
    let table: String
    private let trueText: [UInt8]
    private let falseText: [UInt8]

    init(dialect: Dialect, table: String) {
        self.dialect = dialect
        self.table = table
        trueText = Array(dialect.boolText(true).utf8)
        falseText = Array(dialect.boolText(false).utf8)
    }

    @inline(__always)
    func convert<R>(
        _ bytes: UnsafeRawBufferPointer, kind: ValueKind, line: @autoclosure () -> Int, column: @autoclosure () -> String,
        _ body: (StoredValue) throws -> R
    ) throws -> R {
        switch kind {
        case .int:
            return try body(.integer(Loader.integer(bytes)))
        case .float:
            return try body(.real(Loader.double(bytes)))
        case .datetime, .date:
            guard let canonical = DateTimeText.canonical(bytes, dateOnly: kind == .date) else {
                throw Failure(.dataError, "line \(line()): column \(column()) takes date-times, not \(String(decoding: bytes.prefix(60), as: UTF8.self).debugDescription)", at: table)
            }
            return try canonical.withUnsafeBytes { try body(.text($0)) }
        case .bool where bytes.count >= 4 && (bytes[0] == UInt8(ascii: "t") || bytes[0] == UInt8(ascii: "f")):
            // A JSON boolean as the column's type takes it ("1"/"0", "true"/"false").
            return try (bytes[0] == UInt8(ascii: "t") ? trueText : falseText).withUnsafeBytes { try body(.text($0)) }
        default:
            if dialect == .postgresql, let base = bytes.baseAddress, memchr(base, 0, bytes.count) != nil {
                throw Failure(.dataError, "line \(line()): column \(column()) holds a NUL character, which PostgreSQL text cannot store", at: table)
            }
            return try body(.text(bytes))
        }
    }
}

extension RowBatch {
    /// The bytes of column `id` at `row`, or nil for NULL (valid inside `arena.withUnsafeBytes`).
    @inline(__always)
    func value(_ id: Int, row: Int, in arena: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        let length = Int(columns[id].lengths[row])
        guard length >= 0 else { return nil }
        let offset = columns[id].offsets[row]
        return UnsafeRawBufferPointer(rebasing: arena[offset..<(offset + length)])
    }
}
