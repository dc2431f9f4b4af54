import Foundation

/// The reader of our stdout went away (`| head`). Producers stop quietly with status 0.
public struct BrokenPipe: Error, Sendable {}

/// Buffered writes to a file descriptor (stdout by default). Lines are written whole; a closed
/// pipe surfaces as `BrokenPipe`, any other failure as an I/O error (exit 74).
public final class OutputStream: Sendable {
    public static let stdout = OutputStream(fd: 1)

    private let fd: Int32
    private let buffer = Locked<[UInt8]>([])
    private let flushThreshold: Int

    public init(fd: Int32, flushThreshold: Int = 64 * 1024) {
        self.fd = fd
        self.flushThreshold = flushThreshold
    }

    /// Appends one NDJSON line (a `\n` is added).
    public func writeLine(_ bytes: [UInt8]) throws {
        try buffer.withLock { buffer in
            buffer.append(contentsOf: bytes)
            buffer.append(0x0A)
            if buffer.count >= flushThreshold { try drain(&buffer) }
        }
    }

    /// Appends bytes as they are (raw output that must not gain a newline).
    public func write(_ bytes: [UInt8]) throws {
        try buffer.withLock { buffer in
            buffer.append(contentsOf: bytes)
            if buffer.count >= flushThreshold { try drain(&buffer) }
        }
    }

    public func writeLine(_ value: JSONValue) throws {
        try writeLine(value.compactBytes)
    }

    public func writeLine(_ text: String) throws {
        try writeLine(Array(text.utf8))
    }

    public func flush() throws {
        try buffer.withLock { try drain(&$0) }
    }

    private func drain(_ buffer: inout [UInt8]) throws {
        defer { buffer.removeAll(keepingCapacity: true) }
        try buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    if errno == EPIPE { throw BrokenPipe() }
                    throw Failure(.ioError, "cannot write output: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }
}
