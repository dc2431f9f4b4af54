import ReportKit

/// Values into columns that existed before the load (a DBA's table, v2's): each value goes in
/// as the column's type where that says exactly what it means, and is an error otherwise.
///
/// | column | takes |
/// |---|---|
/// | integer | integers; whole floats (`3.0`); booleans as 1/0 on SQLite and MariaDB |
/// | float, decimal | numbers |
/// | text | anything, numbers as their literal text |
/// | DATETIME, TIMESTAMP, DATE (no zone) | `YYYY-MM-DD[ HH:MM[:SS[.fff]]]` and ISO 8601 with an offset, as wall-clock time (DateTimeText) |
/// | TIMESTAMPTZ, DATETIMEOFFSET | ISO 8601 with an offset |
extension Loader {
    /// Whether every value of batch column `id` (whose values include kind `seen`, which
    /// `kind` does not simply accept) converts to `kind`: false when no value of `seen` ever
    /// does (the caller's error names it), an error naming line, column and value when one of
    /// them does not.
    func convertible(_ batch: RowBatch, _ id: Int, into kind: ValueKind, _ seen: ValueKind) throws -> Bool {
        let column = batch.columns[id]
        switch (kind, seen) {
        case (.int, .float):
            for row in 0..<batch.rows where column.offsets[row] >= 0 {
                guard let text = batch.text(id, row: row), text.first != "t", text.first != "f" else { continue }
                if text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }) {
                    // An integer literal that was typed float because it does not fit 64 bits.
                    guard Int64(text) == nil else { continue }
                    throw Failure(.dataError, "line \(batch.lines[row]): column \(names[id]) is an integer column but got \(String(text.prefix(60))), which is beyond the 64-bit integer range", at: options.table)
                }
                let value = Double(text) ?? .nan
                guard value.rounded() == value, abs(value) < 9.2e18 else {
                    throw Failure(.dataError, "line \(batch.lines[row]): column \(names[id]) is an integer column but got \(String(text.prefix(60))), which is not a whole number", at: options.table)
                }
            }
            return true
        case (.datetime, .text), (.datetime, .timestamp), (.date, .text), (.date, .timestamp):
            for row in 0..<batch.rows where column.offsets[row] >= 0 {
                let offset = column.offsets[row], length = Int(column.lengths[row])
                let ok = batch.arena.withUnsafeBytes { DateTimeText.canonical(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + length)])) != nil }
                guard ok else {
                    let text = batch.text(id, row: row) ?? ""
                    throw Failure(.dataError, "line \(batch.lines[row]): column \(names[id]) is a date-time column without time zone but got \(String(text.prefix(60)).debugDescription) (expected YYYY-MM-DD HH:MM[:SS[.fff]] or ISO 8601 with an offset)", at: options.table)
                }
            }
            return true
        default:
            return false
        }
    }
}

/// `--no-ddl` and the table, or columns the load needs, are missing: nothing was written; the
/// statements (in the database's dialect) are what a DBA can run first.
public struct SchemaChangeNeeded: ToolError {
    public let table: String
    public let statements: [String]
    /// The missing columns; nil when the table itself is missing.
    public let missingColumns: [String]?

    public var exitStatus: ExitStatus { .config }
    public var location: String? { table }
    public var message: String {
        let what = missingColumns.map { "the table lacks \($0.count == 1 ? "a column" : "\($0.count) columns") this load needs (\($0.joined(separator: ", ")))" }
            ?? "the table does not exist"
        return "\(what) and --no-ddl forbids CREATE and ALTER: nothing was written; the statements to run first are on stdout"
    }
}
