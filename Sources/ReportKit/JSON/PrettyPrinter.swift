/// Re-indents one validated JSON value, byte by byte, without building a tree: Python's
/// `json.dump(indent=4, ensure_ascii=False)` layout (`", "`-free, `": "` after keys), so files
/// look like the v2 system's. With `unescapeUnicode`, `\uXXXX` escapes of printable characters
/// become UTF-8 (Korean text readable, as v2 wrote it).
public struct PrettyPrinter {
    public var indent: Int
    public var unescapeUnicode: Bool

    public init(indent: Int = 4, unescapeUnicode: Bool = false) {
        self.indent = indent
        self.unescapeUnicode = unescapeUnicode
    }

    /// Appends `value` (valid JSON) at nesting `level`.
    public func append(_ value: UnsafeBufferPointer<UInt8>, level: Int, to out: inout [UInt8]) {
        var depth = level
        var index = 0
        let count = value.count
        func newline(_ depth: Int) {
            out.append(0x0A)
            out.append(contentsOf: repeatElement(0x20, count: depth * indent))
        }
        func nextSignificant(after position: Int) -> UInt8? {
            var i = position + 1
            while i < count {
                let b = value[i]
                if b != 0x20 && b != 0x0A && b != 0x0D && b != 0x09 { return b }
                i += 1
            }
            return nil
        }
        while index < count {
            let byte = value[index]
            switch byte {
            case 0x22:  // string: copy through, escapes kept (or \u decoded)
                let start = index
                index += 1
                var runStart = start
                while index < count {
                    let b = value[index]
                    if b == 0x5C {
                        if unescapeUnicode, index + 5 < count, value[index + 1] == UInt8(ascii: "u"),
                            let scalar = PrettyPrinter.printableScalar(value, at: index)
                        {
                            out.append(contentsOf: UnsafeBufferPointer(rebasing: value[runStart..<index]))
                            let (character, consumed) = scalar
                            out.append(contentsOf: String(character).utf8)
                            index += consumed
                            runStart = index
                            continue
                        }
                        index += 2
                        continue
                    }
                    index += 1
                    if b == 0x22 { break }
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: value[runStart..<index]))
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let close: UInt8 = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                out.append(byte)
                if nextSignificant(after: index) == close {
                    // Empty container: Python writes {} and [].
                    var i = index + 1
                    while value[i] != close { i += 1 }
                    out.append(close)
                    index = i + 1
                    continue
                }
                depth += 1
                newline(depth)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                newline(depth)
                out.append(byte)
            case UInt8(ascii: ","):
                out.append(byte)
                newline(depth)
            case UInt8(ascii: ":"):
                out.append(byte)
                out.append(0x20)
            case 0x20, 0x0A, 0x0D, 0x09:
                break
            default:
                out.append(byte)
            }
            index += 1
        }
    }

    /// A `\uXXXX` (or surrogate pair) at `index` that stands for a printable non-ASCII
    /// character, and how many bytes it took. Control characters and ASCII stay escaped.
    static func printableScalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (Character, Int)? {
        func hex(_ at: Int) -> UInt32? {
            guard at + 4 <= bytes.count else { return nil }
            return UInt32(String(decoding: UnsafeBufferPointer(rebasing: bytes[at..<(at + 4)]), as: UTF8.self), radix: 16)
        }
        guard let unit = hex(index + 2), unit >= 0x80 else { return nil }
        if (0xD800...0xDBFF).contains(unit) {
            guard index + 11 < bytes.count, bytes[index + 6] == 0x5C, bytes[index + 7] == UInt8(ascii: "u"),
                let low = hex(index + 8), (0xDC00...0xDFFF).contains(low),
                let scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
            else { return nil }
            return (Character(scalar), 12)
        }
        guard !(0xDC00...0xDFFF).contains(unit), let scalar = Unicode.Scalar(unit),
            !(0x80...0x9F).contains(unit), unit != 0x2028, unit != 0x2029
        else { return nil }
        return (Character(scalar), 6)
    }
}
