/// Why a document is not JSON, and where: the byte offset into the input and, when the fault is
/// inside an object member's value, that member's key (the innermost one).
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public let offset: Int
    public let field: String?

    public var description: String {
        let inField = field.map { " in field \"\($0)\"" } ?? ""
        return "\(reason)\(inField) at byte \(offset + 1)"
    }

    public init(reason: String, offset: Int, field: String? = nil) {
        self.reason = reason
        self.offset = offset
        self.field = field
    }

    /// The same error inside the member `key`, unless a nested member already named itself.
    func inField(_ key: @autoclosure () -> String) -> JSONParseError {
        field == nil ? JSONParseError(reason: reason, offset: offset, field: key()) : self
    }
}

/// A strict RFC 8259 parser over bytes that keeps key order, number literals and escaped
/// strings as they were sent (see `JSONValue`).
public enum JSONParser {
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in try parse(buffer) }
    }

    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var cursor = Cursor(bytes: buffer, index: 0)
        cursor.skipWhitespace()
        let value = try cursor.parseValue(depth: 0)
        cursor.skipWhitespace()
        guard cursor.index == buffer.count else { throw cursor.error("unexpected data after the JSON value") }
        return value
    }

    static let maxDepth = 512

    struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index: Int

        func error(_ reason: String) -> JSONParseError { JSONParseError(reason: reason, offset: index) }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }

        mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
            guard index < bytes.count else { throw error("unexpected end of input") }
            guard depth < JSONParser.maxDepth else { throw error("nesting deeper than \(JSONParser.maxDepth)") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return .object(try parseObject(depth: depth))
            case UInt8(ascii: "["): return .array(try parseArray(depth: depth))
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
            case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
            case UInt8(ascii: "n"): try expectLiteral("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
            default: throw unexpected()
            }
        }

        /// The byte at the cursor as a reason: printable ASCII quoted, anything else in hex (a NUL
        /// or a stray UTF-8 byte in a message would be unreadable, or worse).
        func unexpected() -> JSONParseError {
            let byte = bytes[index]
            guard (0x20..<0x7F).contains(byte) else {
                let hex = String(byte, radix: 16, uppercase: true)
                return error("unexpected byte 0x\(byte < 0x10 ? "0" : "")\(hex)")
            }
            return error("unexpected character '\(Character(Unicode.Scalar(byte)))'")
        }

        mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw error("invalid literal") }
            let start = literal.utf8Start
            for offset in 0..<count where bytes[index + offset] != start[offset] {
                throw error("invalid literal")
            }
            index += count
        }

        mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONObject {
            index += 1
            var pairs: [(key: String, value: JSONValue)] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return JSONObject(pairs) }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let key = try parseString().value
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
                index += 1
                skipWhitespace()
                let value: JSONValue
                do { value = try parseValue(depth: depth + 1) } catch { throw error.inField(key) }
                pairs.append((key, value))
                skipWhitespace()
                guard index < bytes.count else { throw error("unterminated object") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return JSONObject(pairs) }
                throw error("expected ',' or '}'")
            }
        }

        mutating func parseArray(depth: Int) throws(JSONParseError) -> [JSONValue] {
            index += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return items }
            while true {
                skipWhitespace()
                items.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw error("unterminated array") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return items }
                throw error("expected ',' or ']'")
            }
        }

        mutating func parseString() throws(JSONParseError) -> JSONString {
            let start = index + 1
            try skipString()
            return JSONString(escaped: String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(index - 1)]), as: UTF8.self))
        }

        func isHex(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
        }

        mutating func parseNumber() throws(JSONParseError) -> String {
            let start = index
            try numberEnd()
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }

        /// Moves past a number, validating RFC 8259 syntax.
        mutating func numberEnd() throws(JSONParseError) {
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
        }

        func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
    }
}
