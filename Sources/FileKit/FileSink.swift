import Foundation
import ReportKit

/// Buffered bytes into an atomic file, through gzip when asked.
public final class FileSink {
    public let file: AtomicFile
    private var buffer: [UInt8] = []
    private var gzip: GzipEncoder?
    public private(set) var bytesIn = 0

    public init(path: String, gzip: Bool) throws {
        file = try AtomicFile(path: path)
        buffer.reserveCapacity(1 << 18)
        if gzip {
            let file = self.file
            self.gzip = try GzipEncoder { try file.write($0) }
        }
    }

    public func append(_ bytes: some Collection<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        bytesIn += bytes.count
        if buffer.count >= 1 << 18 { try drain() }
    }

    /// For writers that append straight into the buffer.
    public func withBuffer(_ body: (inout [UInt8]) -> Void) throws {
        let before = buffer.count
        body(&buffer)
        bytesIn += buffer.count - before
        if buffer.count >= 1 << 18 { try drain() }
    }

    private func drain() throws {
        try buffer.withUnsafeBytes { bytes in
            if let gzip { try gzip.write(bytes) } else { try file.write(bytes) }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    public func commit() throws {
        try drain()
        try gzip?.finish()
        try file.commit()
    }

    public func abandon() { file.abandon() }
}
