/// Compact serialisation: no whitespace, keys in their order, strings and numbers as kept.
extension JSONValue {
    public func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): out.append(contentsOf: n.utf8)
        case .string(let s): s.write(to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object): object.write(to: &out)
        }
    }

    public var compactBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out)
        return out
    }

    public var compactString: String { String(decoding: compactBytes, as: UTF8.self) }
}

extension JSONObject {
    public func write(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (index, pair) in pairs.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONString(pair.key).write(to: &out)
            out.append(UInt8(ascii: ":"))
            pair.value.write(to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}

extension JSONString {
    public func write(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: escaped.utf8)
        out.append(UInt8(ascii: "\""))
    }
}
