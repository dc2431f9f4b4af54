import Testing
@testable import ReportKit

struct JSONTests {
    @Test func roundTripKeepsKeyOrderNumbersAndEscapes() throws {
        let text = #"{"z":1,"a":{"y":[1,2.50,-3e+10,true,null],"x":"\u00e9\n\"q\""},"big":12345678901234567890,"k":"한글"}"#
        let value = try JSONParser.parse(text)
        #expect(value.compactString == text)
        #expect(value["a"]?["x"]?.stringValue == "é\n\"q\"")
        #expect(value["big"] == .number("12345678901234567890"))
        #expect(value.objectValue?.keys == ["z", "a", "big", "k"])
    }

    @Test func whitespaceIsDroppedButStringsAreNot() throws {
        let value = try JSONParser.parse("{ \"a\" : [ 1 , \" spaced  out \" ] }\n")
        #expect(value.compactString == #"{"a":[1," spaced  out "]}"#)
    }

    @Test(arguments: [
        ("{\"a\":1,}", "expected a string key"), ("[1 2]", "expected ',' or ']'"), ("\"abc", "unterminated string"),
        ("01", "unexpected data after the JSON value"), ("{\"a\" 1}", "expected ':'"), ("tru", "invalid literal"),
        ("\"\\x\"", "invalid escape"), ("", "unexpected end of input"), ("-", "invalid number"),
    ])
    func rejectsMalformedInput(_ text: String, _ reason: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        do { _ = try JSONParser.parse(text) } catch { #expect(error.reason == reason) }
    }

    @Test func builtStringsAreEscaped() {
        let value: JSONValue = ["q": .string("a\"b\\c\u{01}"), "n": 5]
        #expect(value.compactString == #"{"q":"a\"b\\c\u0001","n":5}"#)
        #expect(JSONValue.string("a\"b\\c\u{01}").stringValue == "a\"b\\c\u{01}")
    }

    @Test func surrogatePairsDecode() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#).stringValue == "😀")
    }

    @Test func rawItemFieldsDecodeStringsAndNumbers() {
        let item = RawItem(bytes: Array(#"{"a":"x\"y","n":-12.5e3,"o":{"a":"inner"},"b":true}"#.utf8))
        #expect(item.field("a") == "x\"y")
        #expect(item.field("n") == "-12.5e3")
        #expect(item.field("o") == nil && item.field("b") == nil && item.field("missing") == nil)
    }
}
