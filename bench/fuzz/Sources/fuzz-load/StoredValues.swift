import FuzzSupport
import LoadKit
import ReportKit

/// A load into the table made beforehand stores each line's value exactly, or fails: its
/// INTEGER column `n` the integer (booleans as 1 and 0), never another number; its TEXT
/// column `id` a string's decoded text (a timestamp with its offset as `+09:00`) or a
/// number's literal, byte for byte (read back as hex, so nothing on the way back can hide a
/// difference).
///
/// SQLite ignores case in names, so a key `ID` or `N` goes into that column too (whichever
/// spelling comes first claims it): a load with such a key is not checked for that column.
/// A line without a single value (`{}`, `{"id":null}`) is stored as a row of NULLs or left
/// out, depending on what else its batch holds (reported with issue 14's findings): a load
/// with such a line is not checked.
func checkStored(_ stream: [UInt8], in connection: any LoadConnection, integer: Bool, text: Bool) {
    var integer = integer, text = text
    var integers: [String?] = [], texts: [String?] = []
    for line in stream.split(separator: 0x0A) {
        guard let value = try? JSONParser.parse(Array(line)) else { continue }  // blank (spaces)
        guard line.withUnsafeBufferPointer({ Trailer.classify($0) }) == .data else { continue }
        guard hasValue(value) else { return }
        for key in value.objectValue?.keys ?? [] {
            if key != "id", key.lowercased() == "id" { text = false }
            if key != "n", key.lowercased() == "n" { integer = false }
        }
        switch value["n"] {
        case .number(let literal) where !literal.contains(where: { ".eE".contains($0) }):
            integers.append(Int64(literal).map { String($0) } ?? "refused (\(literal) is no 64-bit integer)")
        case .bool(let flag): integers.append(flag ? "1" : "0")
        case nil, .null?: integers.append(nil)
        default: integers.append("any")
        }
        switch value["id"] {
        case .string(let string): texts.append(hex(Array((Flattener.timestamp(string.value) ?? string.value).utf8)))
        case .number(let literal): texts.append(hex(Array(literal.utf8)))
        case nil, .null?: texts.append(nil)
        default: texts.append("any")
        }
    }
    let columns = [integer ? "n" : "NULL", text ? "CASE WHEN id IS NULL THEN NULL ELSE hex(id) END" : "NULL"]
    let rows: [[String?]]
    do {
        rows = try connection.query("SELECT \(columns.joined(separator: ", ")) FROM t ORDER BY rowid")
    } catch {
        require(false, "cannot read the loaded table back: \(error)")
        return
    }
    require(rows.count == integers.count, "\(rows.count) rows stored for \(integers.count) lines")
    for (index, row) in rows.enumerated() {
        if integer, integers[index] != "any" {
            require(row[0] == integers[index], "INTEGER column n holds \(row[0] ?? "NULL") where the input has \(integers[index] ?? "NULL")")
        }
        if text, texts[index] != "any" {
            require(row[1] == texts[index], "TEXT column id holds hex \(row[1] ?? "NULL") where the input has hex \(texts[index] ?? "NULL")")
        }
    }
}

/// Whether flattening `value` gives at least one non-NULL column.
func hasValue(_ value: JSONValue) -> Bool {
    switch value {
    case .null: return false
    case .object(let object): return object.pairs.contains { hasValue($0.value) }
    default: return true
    }
}

func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789ABCDEF".utf8)
    return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
}
