/// Takes a fuzzed input apart: leading option bytes, then fields split on a separator, then
/// the rest. Every byte string is a valid input (short input reads as zeros), so the fuzzer
/// never wastes runs on layouts the harness refuses.
public struct FuzzInput {
    public let bytes: UnsafeBufferPointer<UInt8>
    public private(set) var position = 0

    public init(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        bytes = UnsafeBufferPointer(start: data, count: data == nil ? 0 : size)
    }

    /// The next byte, or 0 past the end.
    public mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    /// Bytes up to (not including) `separator`, or to the end.
    public mutating func field(separator: UInt8 = 0x0A) -> [UInt8] {
        let rest = bytes[position...]
        let end = rest.firstIndex(of: separator) ?? bytes.count
        defer { position = min(end + 1, bytes.count) }
        return Array(bytes[position..<end])
    }

    /// Everything not taken yet.
    public mutating func rest() -> [UInt8] {
        defer { position = bytes.count }
        return Array(bytes[position...])
    }
}
