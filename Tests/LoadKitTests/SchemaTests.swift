import Foundation
import Testing
import ReportKit
@testable import LoadKit

struct SchemaTests {
    func flat(_ text: String, separator: String = "_") throws -> [(String, FlatValue)] {
        var out: [(String, FlatValue)] = []
        Flattener.flatten(try JSONParser.parse(text), separator: separator, into: &out)
        return out
    }

    @Test func flattensNestedObjectsAndKeepsArraysAsJSON() throws {
        let out = try flat(#"{"id":"123","zone":{"code":"KR-1","region":{"no":1}},"list":["a",{"b":2}],"empty":{},"n":null,"t":true,"f":1.50}"#)
        #expect(out.map(\.0) == ["id", "zone_code", "zone_region_no", "list", "empty", "n", "t", "f"])
        #expect(out[0].1.kind == .text)  // ids stay text
        #expect(out[2].1.kind == .int)
        #expect(out[3].1.text == #"["a",{"b":2}]"#)
        #expect(out[4].1 == FlatValue.null && out[5].1 == FlatValue.null)
        #expect(out[6].1.kind == .bool && out[7].1.kind == .float && out[7].1.text == "1.50")
        #expect(try flat(#"{"a":{"b":1}}"#, separator: "__").map(\.0) == ["a__b"])
        #expect(try flat(#"{"big":12345678901234567890}"#)[0].1.kind == .float)  // beyond Int64: never silently truncated
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

    @Test func hostileKeysBecomeSafeDistinctNames() {
        var namer = ColumnNamer(dialect: .postgresql)
        #expect(namer.name(for: "a]; DROP TABLE x;--") == "a___DROP_TABLE_x___")
        #expect(namer.name(for: "it's \"quoted\"") == "it_s__quoted_")
        #expect(namer.name(for: "with space") == "with_space")
        #expect(namer.name(for: "9lives") == "c_9lives")
        #expect(namer.name(for: "한글") == "__")
        let long = String(repeating: "x", count: 200)
        #expect(namer.name(for: long).count == 63)
        #expect(namer.name(for: long + "y") == String(repeating: "x", count: 61) + "_2")
        #expect(namer.name(for: "a]; DROP TABLE x;--") == "a___DROP_TABLE_x___")  // stable
        var insensitive = ColumnNamer(dialect: .sqlserver)
        #expect(insensitive.name(for: "Name") == "Name")
        #expect(insensitive.name(for: "name") == "name_2")
        var sensitive = ColumnNamer(dialect: .postgresql)
        #expect(sensitive.name(for: "Name") == "Name" && sensitive.name(for: "name") == "name")
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
