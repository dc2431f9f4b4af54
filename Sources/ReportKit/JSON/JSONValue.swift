/// A JSON value that keeps what NCP sent: object key order, number literals as written and
/// strings in their escaped wire form, so a value read and written again is byte-for-byte the
/// same (minus insignificant whitespace).
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number literal exactly as it appeared (no loss through Double).
    case number(String)
    /// The string's contents between the quotes, escapes kept as sent.
    case string(JSONString)
    case array([JSONValue])
    case object(JSONObject)

    public static func string(_ value: String) -> JSONValue { .string(JSONString(value)) }
    public static func int<I: BinaryInteger>(_ value: I) -> JSONValue { .number(String(value)) }
    public static func double(_ value: Double) -> JSONValue {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return .number(String(Int64(value))) }
        return .number(value.isFinite ? String(value) : "null")
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s.value }
        return nil
    }

    /// Strings and numbers as text (ids arrive as either), nil otherwise.
    public var scalarText: String? {
        switch self {
        case .string(let s): return s.value
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }

    public var intValue: Int? {
        switch self {
        case .number(let n): return Int(n) ?? Double(n).flatMap { $0 == $0.rounded() ? Int(exactly: $0) : nil }
        case .string(let s): return Int(s.value)
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .number(let n): return Double(n)
        case .string(let s): return Double(s.value)
        default: return nil
        }
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }
}

/// A JSON string kept in its escaped wire form; `value` decodes it.
public struct JSONString: Sendable, Equatable, Hashable {
    /// The bytes between the quotes, as they appear on the wire.
    public let escaped: String

    public init(escaped: String) { self.escaped = escaped }

    public init(_ value: String) { self.escaped = JSONString.escape(value) }

    public var value: String {
        guard escaped.utf8.contains(UInt8(ascii: "\\")) else { return escaped }
        return JSONString.unescape(escaped)
    }

    static func escape(_ value: String) -> String {
        var needs = false
        for byte in value.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C { needs = true; break }
        guard needs else { return value }
        var out = ""
        out.reserveCapacity(value.utf8.count + 8)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let s where s.value < 0x20:
                let hex = String(s.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func unescape(_ escaped: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingHigh: UInt16?
        func flushHigh() { if pendingHigh != nil { out.append("\u{FFFD}"); pendingHigh = nil } }
        var scalars = Array(escaped.unicodeScalars)[...]
        while let c = scalars.popFirst() {
            guard c == "\\", let e = scalars.popFirst() else {
                flushHigh(); out.append(c); continue
            }
            switch e {
            case "n": flushHigh(); out.append("\n")
            case "t": flushHigh(); out.append("\t")
            case "r": flushHigh(); out.append("\r")
            case "b": flushHigh(); out.append("\u{08}")
            case "f": flushHigh(); out.append("\u{0C}")
            case "u":
                let hex = String(String.UnicodeScalarView(scalars.prefix(4)))
                scalars = scalars.dropFirst(4)
                guard let unit = UInt16(hex, radix: 16) else { flushHigh(); out.append("\u{FFFD}"); continue }
                if (0xD800...0xDBFF).contains(unit) {
                    flushHigh(); pendingHigh = unit
                } else if (0xDC00...0xDFFF).contains(unit), let high = pendingHigh {
                    let value = 0x10000 + ((UInt32(high) - 0xD800) << 10) + (UInt32(unit) - 0xDC00)
                    out.append(Unicode.Scalar(value) ?? "\u{FFFD}")
                    pendingHigh = nil
                } else {
                    flushHigh(); out.append(Unicode.Scalar(UInt32(unit)) ?? "\u{FFFD}")
                }
            default: flushHigh(); out.append(e)
            }
        }
        flushHigh()
        return String(out)
    }
}

/// An ordered JSON object (NCP's key order is part of what we pass on unchanged).
public struct JSONObject: Sendable, Equatable {
    public var pairs: [(key: String, value: JSONValue)]

    public init(_ pairs: [(key: String, value: JSONValue)] = []) { self.pairs = pairs }

    public subscript(key: String) -> JSONValue? {
        get { pairs.first(where: { $0.key == key })?.value }
        set {
            if let index = pairs.firstIndex(where: { $0.key == key }) {
                if let newValue { pairs[index].value = newValue } else { pairs.remove(at: index) }
            } else if let newValue {
                pairs.append((key, newValue))
            }
        }
    }

    public var keys: [String] { pairs.map(\.key) }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.pairs.count == rhs.pairs.count
            && zip(lhs.pairs, rhs.pairs).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(JSONString(value)) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements.map { (key: $0.0, value: $0.1) }))
    }
    public init(nilLiteral: ()) { self = .null }
}
