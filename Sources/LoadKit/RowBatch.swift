import ReportKit

/// Rows of one batch, stored column by column as byte ranges in one arena: flattening an
/// NDJSON line costs a walk over its bytes, not a tree of strings (the loader's hot path).
public final class RowBatch {
    struct Column {
        /// Offset into the arena per row, or -1 for NULL.
        var offsets: [Int] = []
        var lengths: [Int32] = []
        /// The kinds seen in this batch, merged.
        var kind: ValueKind?
        /// First line per kind seen (indexed by `ValueKind.index`), for error messages.
        var firstLine = [Int](repeating: -1, count: 5)

        var kindsSeen: [(kind: ValueKind, line: Int)] {
            ValueKind.all.enumerated().compactMap { firstLine[$0.offset] >= 0 ? ($0.element, firstLine[$0.offset]) : nil }
                .sorted { $0.line < $1.line }
        }
    }

    var arena: [UInt8] = []
    var columns: [Column] = []
    var lines: [Int] = []
    var rows = 0

    init() { arena.reserveCapacity(1 << 22) }

    func reset() {
        arena.removeAll(keepingCapacity: true)
        for index in columns.indices {
            columns[index].offsets.removeAll(keepingCapacity: true)
            columns[index].lengths.removeAll(keepingCapacity: true)
            columns[index].kind = nil
            for k in 0..<5 { columns[index].firstLine[k] = -1 }
        }
        lines.removeAll(keepingCapacity: true)
        rows = 0
    }

    func ensure(_ column: Int) {
        while columns.count <= column { columns.append(Column()) }
    }

    /// Appends a value for `column` in the current row (bytes copied into the arena).
    func set(_ column: Int, kind: ValueKind?, _ bytes: UnsafeBufferPointer<UInt8>?, line: Int) {
        ensure(column)
        pad(column, to: rows)
        if columns[column].offsets.count > rows {  // a repeated key in one object: last wins
            columns[column].offsets.removeLast()
            columns[column].lengths.removeLast()
        }
        guard let kind, let bytes else {
            columns[column].offsets.append(-1)
            columns[column].lengths.append(-1)
            return
        }
        columns[column].offsets.append(arena.count)
        columns[column].lengths.append(Int32(bytes.count))
        arena.append(contentsOf: bytes)
        if let current = columns[column].kind {
            if current != kind { columns[column].kind = current.merged(with: kind) }
        } else {
            columns[column].kind = kind
        }
        if columns[column].firstLine[kind.index] < 0 { columns[column].firstLine[kind.index] = line }
    }

    func set(_ column: Int, kind: ValueKind?, bytes: [UInt8], line: Int) {
        bytes.withUnsafeBufferPointer { set(column, kind: kind, $0, line: line) }
    }

    func pad(_ column: Int, to count: Int) {
        while columns[column].offsets.count < count {
            columns[column].offsets.append(-1)
            columns[column].lengths.append(-1)
        }
    }

    func endRow(line: Int) {
        rows += 1
        lines.append(line)
        for index in columns.indices where columns[index].offsets.count < rows { pad(index, to: rows) }
    }

    func hasValues(_ column: Int) -> Bool {
        column < columns.count && columns[column].lengths.contains { $0 >= 0 }
    }

    func text(_ column: Int, row: Int) -> String? {
        let offset = columns[column].offsets[row]
        guard offset >= 0 else { return nil }
        return String(decoding: arena[offset..<(offset + Int(columns[column].lengths[row]))], as: UTF8.self)
    }
}

/// Walks one NDJSON line and puts its flattened values into a batch: nested objects become
/// `a_b` columns, arrays compact JSON text, strings unescaped only when they hold escapes.
struct LineFlattener {
    let separator: [UInt8]
    /// Column ids by key bytes, and the previous row's key order (NCP rows repeat it, so a
    /// memcmp usually answers).
    var ids: [[UInt8]: Int] = [:]
    var positional: [([UInt8], Int)] = []
    var keyBuffer: [UInt8] = []
    var scratch: [UInt8] = []

    init(separator: String) { self.separator = Array(separator.utf8) }

    /// Flattens `line` into the batch; `name` turns a new key (decoded) into a column id.
    mutating func flatten(
        _ line: UnsafeBufferPointer<UInt8>, into batch: RowBatch, lineNumber: Int, name: (String) -> Int
    ) throws(JSONParseError) {
        let scanner = JSONScanner(line)
        keyBuffer.removeAll(keepingCapacity: true)
        var position = 0
        do {
            // Walking the members validates them; then only whitespace may follow.
            let end = try walk(scanner, 0..<line.count, depth: 0, batch, lineNumber, &position, name)
            guard scanner.firstNonWhitespace(from: end) == line.count else {
                throw JSONParseError(reason: "unexpected data after the JSON value", offset: end)
            }
        } catch let error as JSONParseError {
            throw error
        } catch {
            throw JSONParseError(reason: "\(error)", offset: 0)
        }
    }

    @discardableResult
    private mutating func walk(
        _ scanner: JSONScanner, _ range: Range<Int>, depth: Int, _ batch: RowBatch, _ lineNumber: Int, _ position: inout Int, _ name: (String) -> Int
    ) throws -> Int {
        let bytes = scanner.bytes
        // Nested objects are walked, not skipped first: each byte of the line is read once.
        return try scanner.forEachMember(of: range, depth: depth, walkingObjects: { key, value in
            let prefixLength = keyBuffer.count
            if prefixLength > 0 { keyBuffer.append(contentsOf: separator) }
            keyBuffer.append(contentsOf: key)
            defer { keyBuffer.removeSubrange(prefixLength...) }
            if value.isEmpty {
                // A nested object: its members become columns; an empty one is a NULL column.
                let inside = scanner.firstNonWhitespace(from: value.lowerBound + 1)
                guard inside < range.upperBound, bytes[inside] == UInt8(ascii: "}") else {
                    return try walk(scanner, value.lowerBound..<range.upperBound, depth: depth + 1, batch, lineNumber, &position, name)
                }
                batch.set(columnID(&position, name), kind: nil, nil, line: lineNumber)
                return inside + 1
            }
            let first = bytes[value.lowerBound]
            let column = columnID(&position, name)
            switch first {
            case UInt8(ascii: "\""):
                let inner = UnsafeBufferPointer(rebasing: bytes[(value.lowerBound + 1)..<(value.upperBound - 1)])
                func store(_ content: UnsafeBufferPointer<UInt8>) {
                    if let stamp = LineFlattener.timestamp(content) {
                        batch.set(column, kind: .timestamp, bytes: stamp, line: lineNumber)
                    } else {
                        batch.set(column, kind: .text, content, line: lineNumber)
                    }
                }
                if inner.contains(UInt8(ascii: "\\")) {
                    Array(JSONString(escaped: String(decoding: inner, as: UTF8.self)).value.utf8).withUnsafeBufferPointer { store($0) }
                } else {
                    store(inner)
                }
            case UInt8(ascii: "t"), UInt8(ascii: "f"):
                batch.set(column, kind: .bool, UnsafeBufferPointer(rebasing: bytes[value]), line: lineNumber)
            case UInt8(ascii: "n"):
                batch.set(column, kind: nil, nil, line: lineNumber)
            case UInt8(ascii: "["):
                scratch.removeAll(keepingCapacity: true)
                scanner.appendCompact(value, to: &scratch)
                batch.set(column, kind: .text, bytes: scratch, line: lineNumber)
            default:
                let number = UnsafeBufferPointer(rebasing: bytes[value])
                batch.set(column, kind: LineFlattener.isInteger(number) ? .int : .float, number, line: lineNumber)
            }
            return value.upperBound
        })
    }

    private mutating func columnID(_ position: inout Int, _ name: (String) -> Int) -> Int {
        defer { position += 1 }
        if position < positional.count, positional[position].0 == keyBuffer { return positional[position].1 }
        let id: Int
        if let known = ids[keyBuffer] {
            id = known
        } else {
            id = name(JSONString(escaped: String(decoding: keyBuffer, as: UTF8.self)).value)
            ids[keyBuffer] = id
        }
        if position < positional.count { positional[position] = (keyBuffer, id) } else { positional.append((keyBuffer, id)) }
        return id
    }

    /// An integer literal that fits in 64 bits (anything else is a float, never truncated).
    static func isInteger(_ literal: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in literal where byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { return false }
        let digits = literal.first == UInt8(ascii: "-") ? literal.count - 1 : literal.count
        if digits < 19 { return true }
        return digits == 19 && Int64(String(decoding: literal, as: UTF8.self)) != nil
    }

    /// A cheap byte test before the full timestamp check.
    static func timestamp(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard bytes.count >= 20, bytes.count <= 35, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[13] == UInt8(ascii: ":")
        else { return nil }
        return Flattener.timestamp(String(decoding: bytes, as: UTF8.self)).map { Array($0.utf8) }
    }
}
