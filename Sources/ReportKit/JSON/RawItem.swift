/// One list item as compact JSON bytes: passed on as it came, never rebuilt.
public struct RawItem: Sendable, Equatable {
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    public init(_ value: JSONValue) { self.bytes = value.compactBytes }

    /// A top-level scalar field as text (ids arrive as strings or numbers), or nil.
    public func field(_ name: String) -> String? {
        bytes.withUnsafeBufferPointer { buffer -> String? in
            let scanner = JSONScanner(buffer)
            var found: String?
            try? scanner.forEachMember(of: 0..<buffer.count) { key, value in
                guard JSONScanner.equals(key, name) else { return true }
                let first = buffer[value.lowerBound]
                if first == UInt8(ascii: "\"") {
                    let raw = String(decoding: UnsafeBufferPointer(rebasing: buffer[(value.lowerBound + 1)..<(value.upperBound - 1)]), as: UTF8.self)
                    found = JSONString(escaped: raw).value
                } else if first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) {
                    found = String(decoding: UnsafeBufferPointer(rebasing: buffer[value]), as: UTF8.self)
                }
                return false
            }
            return found
        }
    }

    /// The item as a tree (tests and slow paths).
    public func parsed() throws -> JSONValue { try JSONParser.parse(bytes) }

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// `,"k":v,…}`: fields to append to compact objects, rendered once.
    public static func suffix(_ fields: [(key: String, value: JSONValue)]) -> [UInt8] {
        var suffix: [UInt8] = []
        for (key, value) in fields {
            suffix.append(UInt8(ascii: ","))
            JSONString(key).write(to: &suffix)
            suffix.append(UInt8(ascii: ":"))
            value.write(to: &suffix)
        }
        suffix.append(UInt8(ascii: "}"))
        return suffix
    }

    /// A compact object with `suffix` spliced in before its closing brace (anything that is not
    /// an object is returned unchanged).
    public static func splice(_ bytes: [UInt8], _ suffix: [UInt8]) -> [UInt8] {
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else { return bytes }
        var line = [UInt8]()
        line.reserveCapacity(bytes.count + suffix.count)
        line.append(contentsOf: bytes[..<(bytes.count - 1)])
        line.append(contentsOf: bytes.count == 2 ? suffix[1...] : suffix[...])
        return line
    }
}
