import Foundation
import Testing
import ReportKit
@testable import LoadKit

struct SchemaTests {
    /// Flattens lines the way the loader does: column name, kind and text per value.
    func flat(_ lines: [String], separator: String = "_") throws -> [[String: (ValueKind?, String?)]] {
        let batch = RowBatch()
        var flattener = LineFlattener(separator: separator)
        var names: [String] = []
        for (index, line) in lines.enumerated() {
            try Array(line.utf8).withUnsafeBufferPointer { bytes throws(JSONParseError) in
                try flattener.flatten(bytes, into: batch, lineNumber: index + 1) { key in
                    if let id = names.firstIndex(of: key) { return id }
                    names.append(key)
                    return names.count - 1
                }
            }
            batch.endRow(line: index + 1)
        }
        return (0..<batch.rows).map { row in
            var values: [String: (ValueKind?, String?)] = [:]
            for (id, name) in names.enumerated() where batch.columns[id].lengths[row] >= 0 || batch.columns[id].offsets.count > row {
                let text = batch.text(id, row: row)
                values[name] = (text == nil ? nil : batch.columns[id].kind, text)
            }
            return values
        }
    }

    @Test func flattensNestedObjectsAndKeepsArraysAsJSON() throws {
        let row = try flat([#"{"id":"123","zone":{"code":"KR-1","region":{"no":1}},"list":["a", {"b":2}],"empty":{},"n":null,"t":true,"f":1.50,"esc":"\u00e9\n"}"#])[0]
        #expect(Set(row.keys) == ["id", "zone_code", "zone_region_no", "list", "empty", "n", "t", "f", "esc"])
        #expect(row["id"]?.1 == "123")  // ids stay text
        #expect(row["zone_region_no"]?.1 == "1")
        #expect(row["list"]?.1 == #"["a",{"b":2}]"#)
        #expect(row["empty"].map { $0.1 == nil } == true && row["n"].map { $0.1 == nil } == true)  // present, NULL
        #expect(row["t"]?.1 == "true" && row["f"]?.1 == "1.50")
        #expect(row["esc"]?.1 == "é\n")
        #expect(try flat([#"{"a":{"b":1}}"#], separator: "__")[0].keys.first == "a__b")
        #expect(throws: JSONParseError.self) { try flat([#"{"a":1} trailing"#]) }
        #expect(throws: JSONParseError.self) { try flat([#"{"a":tru}"#]) }
    }

    @Test func integersBeyond64BitsAreFloatsNeverTruncated() {
        func kind(_ literal: String) -> Bool { Array(literal.utf8).withUnsafeBufferPointer { LineFlattener.isInteger($0) } }
        #expect(kind("9223372036854775807") && kind("-9223372036854775808") && kind("42"))
        #expect(!kind("9223372036854775808") && !kind("12345678901234567890") && !kind("1.0") && !kind("1e3"))
    }

    @Test(arguments: [
        ("2024-03-05T10:11:12+0900", "2024-03-05T10:11:12+09:00"), ("2024-03-05T10:11:12+09:00", "2024-03-05T10:11:12+09:00"),
        ("2024-03-05T10:11:12Z", "2024-03-05T10:11:12+00:00"), ("2024-03-05T10:11:12.123-0530", "2024-03-05T10:11:12.123-05:30"),
    ])
    func timestampsGetAnOffsetEveryDatabaseReads(_ raw: String, _ normalized: String) {
        #expect(Flattener.timestamp(raw) == normalized)
    }

    @Test(arguments: ["2024-03-05", "2024-03-05T10:11:12", "not a date", "2024-03-05T10:11:12+9", "12345678"])
    func notTimestamps(_ raw: String) {
        #expect(Flattener.timestamp(raw) == nil)
    }

    @Test func kindsMergeAndAccept() {
        #expect(ValueKind.int.merged(with: .float) == .float)
        #expect(ValueKind.int.merged(with: .text) == .text)
        #expect(ValueKind.timestamp.merged(with: .text) == .text)
        #expect(ValueKind.float.accepts(.int) && !ValueKind.int.accepts(.float) && ValueKind.text.accepts(.bool))
        #expect(!ValueKind.timestamp.accepts(.text))
    }

    @Test(arguments: [
        ("2026-11-01 00:10", "2026-11-01 00:10:00"), ("2026-10-01 00:00:00", "2026-10-01 00:00:00"), ("2026-10-31 12:34:56.5", "2026-10-31 12:34:56.5"),
        ("2026-11-01T00:10:00+09:00", "2026-11-01 00:10:00"), ("2026-11-01T00:10:00Z", "2026-11-01 00:10:00"), ("2026-11-01", "2026-11-01 00:00:00"),
        ("2026-11-01T00:10:00.1234567-05:30", "2026-11-01 00:10:00.123456"),
    ])
    func wallClockTimesKeepTheTimeAsWritten(_ raw: String, _ canonical: String) {
        #expect(DateTimeText.canonical(raw) == canonical)
        #expect(DateTimeText.canonical(raw, dateOnly: true) == String(canonical.prefix(10)))
    }

    @Test(arguments: ["2026-13-01 00:00", "2026-11-01 24:00", "2026-11-01 00:10 tomorrow", "yesterday", "2026-11-01T", "20261101", "1.5"])
    func notWallClockTimes(_ raw: String) {
        #expect(DateTimeText.canonical(raw) == nil)
    }

    @Test func whereCaseIsIgnoredAKeyGoesToTheExistingColumnWhateverItsCase() {
        var namer = ColumnNamer(dialect: .sqlserver, existing: ["MemorySize", "cpuCount"])
        #expect(namer.name(for: "memorySize") == "MemorySize" && namer.name(for: "cpuCount") == "cpuCount")
        #expect(namer.name(for: "MEMORYSIZE") == "MEMORYSIZE_2")  // the column is taken: a second key differing by case is new
        var sensitive = ColumnNamer(dialect: .postgresql, existing: ["MemorySize"])
        #expect(sensitive.name(for: "memorySize") == "memorySize")
    }

    @Test func hostileKeysBecomeSafeDistinctNames() {
        var namer = ColumnNamer(dialect: .postgresql)
        let hostile = namer.name(for: "a]; DROP TABLE x;--")
        #expect(hostile.hasPrefix("a___DROP_TABLE_x____") && hostile.count == "a___DROP_TABLE_x____".count + 8)
        #expect(namer.name(for: "it's \"quoted\"").hasPrefix("it_s__quoted__"))
        #expect(namer.name(for: "9lives").hasPrefix("c_9lives_"))
        #expect(namer.name(for: "safe_name") == "safe_name")  // a safe key is its own name
        #expect(namer.name(for: "한글").hasPrefix("___") && namer.name(for: "한글") != namer.name(for: "영어"))
        let long = String(repeating: "x", count: 200)
        #expect(namer.name(for: long).count == 63)
        #expect(namer.name(for: long + "y").count == 63 && namer.name(for: long + "y") != namer.name(for: long))
        #expect(namer.name(for: "a]; DROP TABLE x;--") == hostile)  // stable
        let names = ["a]; DROP TABLE x;--", "it's \"quoted\"", "9lives", "한글", "영어", long, long + "y"].map { namer.name(for: $0) }
        #expect(names.allSatisfy { $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") } && !$0.first!.isNumber })
        var insensitive = ColumnNamer(dialect: .sqlserver)
        #expect(insensitive.name(for: "Name") == "Name")
        #expect(insensitive.name(for: "name") == "name_2")
        var sensitive = ColumnNamer(dialect: .postgresql)
        #expect(sensitive.name(for: "Name") == "Name" && sensitive.name(for: "name") == "name")
    }

    @Test func keysThatSanitiseAlikeKeepTheirColumnsWhicheverComesFirst() {
        // Before: "a b" first took "a_b", so a later run seeing "a_b" first took the column of "a b".
        var first = ColumnNamer(dialect: .sqlite)
        let spaced = first.name(for: "a b"), plain = first.name(for: "a_b")
        #expect(plain == "a_b" && spaced != plain)
        var again = ColumnNamer(dialect: .sqlite, existing: [spaced, plain])
        #expect(again.name(for: "a_b") == plain)
        #expect(again.name(for: "a b") == spaced)
        // A table from before the hash: its plainly sanitised and truncated columns are reused.
        let long = "serverInstanceAssociatedWithPublicIp_baseBlockStorageDiskDetailType_codeName"
        var upgraded = ColumnNamer(dialect: .postgresql, existing: ["with_space", String(long.prefix(63))])
        #expect(upgraded.name(for: "with space") == "with_space")
        #expect(upgraded.name(for: long) == String(long.prefix(63)))
        #expect(upgraded.name(for: "other key").hasPrefix("other_key_"))
    }

    @Test func rerunsMapKeysToTheSameColumnsWhateverTheOrder() {
        var first = ColumnNamer(dialect: .sqlite)
        let a = first.name(for: "a"), upper = first.name(for: "A")
        #expect(a == "a" && upper == "A_2")
        var again = ColumnNamer(dialect: .sqlite, existing: ["a", "A_2"])
        #expect(again.name(for: "A") == "A_2")
        #expect(again.name(for: "a") == "a")
        #expect(again.name(for: "b") == "b")
    }
}
