import Testing
@testable import ReportKit

/// Escapes that decode to text no database stores (PostgreSQL refuses both): `\u0000`, and a
/// UTF-16 surrogate that is not half of a pair. The parser and the scanner refuse them alike,
/// naming the field when there is one; everything else JSON allows still passes.
struct JSONEscapeTests {
    static let refused: [(text: String, reason: String, field: String?, byte: Int)] = [
        (#"{"a":"x\u0000"}"#, #"escaped NUL (\u0000) not allowed"#, "a", 8),
        (#"{"a":{"b":["\ud800"]}}"#, #"unpaired surrogate \ud800 not allowed"#, "b", 13),
        (#"{"a":"\uDBFF"}"#, #"unpaired surrogate \uDBFF not allowed"#, "a", 7),
        (#"{"a":"\udc00"}"#, #"unpaired surrogate \udc00 not allowed"#, "a", 7),
        (#"{"a":"\ud83d\ud83d\ude00"}"#, #"unpaired surrogate \ud83d not allowed"#, "a", 7),
        (#"{"a":"\ud83d\n"}"#, #"unpaired surrogate \ud83d not allowed"#, "a", 7),
        (#"{"a":"\ud83d\u0041"}"#, #"unpaired surrogate \ud83d not allowed"#, "a", 7),
        (#"{"a\u0000b":1}"#, #"escaped NUL (\u0000) not allowed"#, nil, 4),
        (#"["\u0000"]"#, #"escaped NUL (\u0000) not allowed"#, nil, 3),
        (#""\ude00\ud83d""#, #"unpaired surrogate \ude00 not allowed"#, nil, 2),
    ]

    @Test(arguments: refused)
    func theParserRefuses(_ text: String, _ reason: String, _ field: String?, _ byte: Int) {
        #expect {
            _ = try JSONParser.parse(text)
        } throws: { error in
            guard let error = error as? JSONParseError else { return false }
            return error.reason == reason && error.field == field && error.offset + 1 == byte
        }
    }

    /// Where the scanner says the value in `text` ends.
    static func scan(_ text: String) throws -> Int {
        try Array(text.utf8).withUnsafeBufferPointer { buffer throws -> Int in try JSONScanner(buffer).skipValue(from: 0) }
    }

    @Test(arguments: refused)
    func theScannerRefuses(_ text: String, _ reason: String, _ field: String?, _ byte: Int) {
        #expect(throws: JSONParseError(reason: reason, offset: byte - 1, field: field)) { try Self.scan(text) }
    }

    @Test func theMessageNamesTheField() {
        let error = JSONParseError(reason: #"escaped NUL (\u0000) not allowed"#, offset: 7, field: "name")
        #expect(error.description == #"escaped NUL (\u0000) not allowed in field "name" at byte 8"#)
        #expect(JSONParseError(reason: "invalid literal", offset: 0).description == "invalid literal at byte 1")
    }

    @Test func forEachMemberNamesTheField() {
        let bytes = Array(#"{"ok":1,"bad":"\ud800"}"#.utf8)
        #expect(throws: JSONParseError(reason: #"unpaired surrogate \ud800 not allowed"#, offset: 15, field: "bad")) {
            try bytes.withUnsafeBufferPointer { buffer throws -> Int in
                try JSONScanner(buffer).forEachMember(of: 0..<buffer.count) { _, _ in true }
            }
        }
    }

    @Test(arguments: [
        (#""\ud83d\ude00""#, "😀"), (#""\uD83D\uDE00""#, "😀"), (#""\udbff\udfff""#, "\u{10FFFF}"),
        (#""\u0001\u001f\u00e9\uffff""#, "\u{01}\u{1F}é\u{FFFF}"), (#""a\\u0000""#, #"a\u0000"#),
    ])
    func everythingElseStillDecodes(_ text: String, _ value: String) throws {
        #expect(try JSONParser.parse(text).stringValue == value)
        #expect(try Self.scan(text) == text.utf8.count)
    }

    @Test(arguments: [
        ([0x00, 0x31] as [UInt8], "unexpected byte 0x00"), ([0xFF], "unexpected byte 0xFF"), ([0x7F], "unexpected byte 0x7F"),
        ([0xE2, 0x82, 0xAC], "unexpected byte 0xE2"), (Array("x".utf8), "unexpected character 'x'"),
    ])
    func bytesOutsideStringsAreNamedReadably(_ bytes: [UInt8], _ reason: String) {
        #expect(throws: JSONParseError(reason: reason, offset: 0)) { try JSONParser.parse(bytes) }
    }
}
