/// A validating, allocation-free walk over JSON bytes: finds where values start and end, so a
/// large list can be passed on item by item without building a tree (the fast path of
/// `ncp-fetch`). Grammar and error messages are those of `JSONParser`.
public struct JSONScanner {
    public let bytes: UnsafeBufferPointer<UInt8>

    public init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Index just past the value starting at `start` (after leading whitespace).
    public func skipValue(from start: Int) throws(JSONParseError) -> Int {
        var cursor = JSONParser.Cursor(bytes: bytes, index: start)
        cursor.skipWhitespace()
        try cursor.skipValue(depth: 0)
        return cursor.index
    }

    public func firstNonWhitespace(from start: Int) -> Int {
        var cursor = JSONParser.Cursor(bytes: bytes, index: start)
        cursor.skipWhitespace()
        return cursor.index
    }

    /// Calls `body` with each key (raw, escapes kept) and its value's byte range, for the object
    /// at `range`. Returns false from `body` to stop early.
    /// Returns the index just past the object (or where `body` stopped).
    @discardableResult
    public func forEachMember(
        of range: Range<Int>, _ body: (_ key: UnsafeBufferPointer<UInt8>, _ value: Range<Int>) throws -> Bool
    ) throws -> Int {
        try members(of: range, depth: 0, walkingObjects: false) { key, value in try body(key, value) ? value.upperBound : nil }
    }

    /// `forEachMember` for a reader that walks nested objects itself, so each byte is read once
    /// (a nested object is not skipped, and so checked, first): `body` gets each key and its
    /// value's range, or for an object an empty range at its `{`, which it reads (with this
    /// method, at `depth + 1`); it returns where the value ends. Errors name the innermost field.
    @discardableResult
    public func forEachMember(
        of range: Range<Int>, depth: Int, walkingObjects body: (_ key: UnsafeBufferPointer<UInt8>, _ value: Range<Int>) throws -> Int
    ) throws -> Int {
        try members(of: range, depth: depth, walkingObjects: true, body)
    }

    /// The one walk over an object's members behind both: `body` returns where its value ends,
    /// or nil to stop there.
    private func members(
        of range: Range<Int>, depth: Int, walkingObjects: Bool, _ body: (_ key: UnsafeBufferPointer<UInt8>, _ value: Range<Int>) throws -> Int?
    ) throws -> Int {
        var cursor = JSONParser.Cursor(bytes: bytes, index: range.lowerBound)
        guard depth < JSONParser.maxDepth else { throw cursor.error("nesting deeper than \(JSONParser.maxDepth)") }
        cursor.skipWhitespace()
        guard cursor.index < range.upperBound, bytes[cursor.index] == UInt8(ascii: "{") else {
            throw cursor.error("expected an object")
        }
        cursor.index += 1
        cursor.skipWhitespace()
        if cursor.index < range.upperBound, bytes[cursor.index] == UInt8(ascii: "}") { return cursor.index + 1 }
        while true {
            cursor.skipWhitespace()
            guard cursor.index < range.upperBound, bytes[cursor.index] == UInt8(ascii: "\"") else {
                throw cursor.error("expected a string key")
            }
            let keyStart = cursor.index + 1
            try cursor.skipString()
            let key = UnsafeBufferPointer(rebasing: bytes[keyStart..<(cursor.index - 1)])
            cursor.skipWhitespace()
            guard cursor.index < range.upperBound, bytes[cursor.index] == UInt8(ascii: ":") else { throw cursor.error("expected ':'") }
            cursor.index += 1
            cursor.skipWhitespace()
            let valueStart = cursor.index
            let end: Int?
            if walkingObjects, valueStart < range.upperBound, bytes[valueStart] == UInt8(ascii: "{") {
                do { end = try body(key, valueStart..<valueStart) } catch let error as JSONParseError {
                    throw error.inField(cursor.keyName(keyStart..<(keyStart + key.count)))
                }
            } else {
                do { try cursor.skipValue(depth: depth + 1) } catch { throw error.inField(cursor.keyName(keyStart..<(keyStart + key.count))) }
                end = try body(key, valueStart..<cursor.index)
            }
            guard let end else { return cursor.index }
            cursor.index = end
            cursor.skipWhitespace()
            guard cursor.index < range.upperBound else { throw cursor.error("unterminated object") }
            if bytes[cursor.index] == UInt8(ascii: ",") { cursor.index += 1; continue }
            if bytes[cursor.index] == UInt8(ascii: "}") { return cursor.index + 1 }
            throw cursor.error("expected ',' or '}'")
        }
    }

    /// Calls `body` with the byte range of each element of the array at `range`.
    public func forEachElement(of range: Range<Int>, _ body: (Range<Int>) throws -> Void) throws {
        var cursor = JSONParser.Cursor(bytes: bytes, index: range.lowerBound)
        cursor.skipWhitespace()
        guard cursor.index < range.upperBound, bytes[cursor.index] == UInt8(ascii: "[") else {
            throw cursor.error("expected an array")
        }
        cursor.index += 1
        cursor.skipWhitespace()
        if cursor.index < range.upperBound, bytes[cursor.index] == UInt8(ascii: "]") { return }
        while true {
            cursor.skipWhitespace()
            let start = cursor.index
            try cursor.skipValue(depth: 1)
            try body(start..<cursor.index)
            cursor.skipWhitespace()
            guard cursor.index < range.upperBound else { throw cursor.error("unterminated array") }
            if bytes[cursor.index] == UInt8(ascii: ",") { cursor.index += 1; continue }
            if bytes[cursor.index] == UInt8(ascii: "]") { return }
            throw cursor.error("expected ',' or ']'")
        }
    }

    /// Appends the value at `range` without insignificant whitespace (strings untouched).
    public func appendCompact(_ range: Range<Int>, to out: inout [UInt8]) {
        var inString = false
        var escaped = false
        var runStart = range.lowerBound
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                runStart = index + 1
            }
            index += 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<range.upperBound]))
    }

    public static func equals(_ key: UnsafeBufferPointer<UInt8>, _ name: String) -> Bool {
        var name = name
        return name.withUTF8 { $0.elementsEqual(key) }
    }
}

extension JSONParser.Cursor {
    mutating func skipValue(depth: Int) throws(JSONParseError) {
        guard index < bytes.count else { throw error("unexpected end of input") }
        guard depth < JSONParser.maxDepth else { throw error("nesting deeper than \(JSONParser.maxDepth)") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let keyStart = index + 1
                try skipString()
                let key = keyStart..<(index - 1)
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
                index += 1
                skipWhitespace()
                do { try skipValue(depth: depth + 1) } catch { throw error.inField(keyName(key)) }
                skipWhitespace()
                guard index < bytes.count else { throw error("unterminated object") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return }
                throw error("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return }
            while true {
                skipWhitespace()
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard index < bytes.count else { throw error("unterminated array") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return }
                throw error("expected ',' or ']'")
            }
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try numberEnd()
        default: throw unexpected()
        }
    }

    /// A key already validated by `skipString`, decoded (for error messages).
    func keyName(_ range: Range<Int>) -> String {
        JSONString(escaped: String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)).value
    }

    /// Skips a string (cursor on its opening quote), validating escapes.
    mutating func skipString() throws(JSONParseError) {
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { index += 1; return }
            if byte == UInt8(ascii: "\\") {
                guard index + 1 < bytes.count else { break }
                switch bytes[index + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                    UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 2
                case UInt8(ascii: "u"):
                    try skipUnicodeEscape()
                default:
                    index += 1
                    throw error("invalid escape")
                }
                continue
            }
            if byte < 0x20 { throw error("control character in string") }
            if byte >= 0x80 { try skipUTF8Sequence(); continue }
            index += 1
        }
        throw error("unterminated string")
    }

    /// Moves past a `\uXXXX` escape (cursor on its backslash), or a surrogate pair of them.
    /// Refuses what no database stores as text (PostgreSQL refuses both): `\u0000`, and a
    /// surrogate that is not half of a high-low pair (which decoding would turn into U+FFFD).
    mutating func skipUnicodeEscape() throws(JSONParseError) {
        let unit = try hexEscape(at: index)
        if unit == 0 { throw error("escaped NUL (\\u0000) not allowed") }
        if (0xD800...0xDBFF).contains(unit) {
            let next = index + 6
            guard next + 1 < bytes.count, bytes[next] == UInt8(ascii: "\\"), bytes[next + 1] == UInt8(ascii: "u") else {
                throw unpairedSurrogate()
            }
            let low = try hexEscape(at: next)
            guard (0xDC00...0xDFFF).contains(low) else { throw unpairedSurrogate() }
            index += 12
            return
        }
        if (0xDC00...0xDFFF).contains(unit) { throw unpairedSurrogate() }
        index += 6
    }

    /// The code unit of the `\uXXXX` at `start`; a short or non-hex one is an error there.
    mutating func hexEscape(at start: Int) throws(JSONParseError) -> UInt32 {
        guard start + 5 < bytes.count else {
            index = start
            throw error("truncated \\u escape")
        }
        var unit: UInt32 = 0
        for offset in 2...5 {
            let byte = bytes[start + offset]
            guard isHex(byte) else {
                index = start + offset
                throw error("invalid \\u escape")
            }
            unit = unit << 4 | UInt32(byte <= 0x39 ? byte - 0x30 : (byte | 0x20) - 0x61 + 10)
        }
        return unit
    }

    func unpairedSurrogate() -> JSONParseError {
        let written = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<(index + 6)]), as: UTF8.self)
        return error("unpaired surrogate \(written) not allowed")
    }

    /// Moves past one multi-byte UTF-8 sequence, refusing invalid, overlong and surrogate forms.
    mutating func skipUTF8Sequence() throws(JSONParseError) {
        let lead = bytes[index]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw error("invalid UTF-8")
        }
        guard index + length <= bytes.count else { throw error("invalid UTF-8") }
        let second = bytes[index + 1]
        guard second >= low, second <= high else { throw error("invalid UTF-8") }
        for offset in 2..<length where !(0x80...0xBF).contains(bytes[index + offset]) {
            throw error("invalid UTF-8")
        }
        index += length
    }
}
