import CZlibShim
import Foundation

/// Streams bytes through zlib's gzip encoder to a consumer, in bounded memory.
public final class GzipEncoder {
    private var stream = z_stream()
    private var output = [UInt8](repeating: 0, count: 1 << 16)
    private let consume: ([UInt8]) throws -> Void

    public init(level: Int32 = 6, consume: @escaping ([UInt8]) throws -> Void) throws {
        self.consume = consume
        guard czlib_deflate_init_gzip(&stream, level) == Z_OK else { throw Failure(.software, "cannot start gzip") }
    }

    deinit { deflateEnd(&stream) }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !bytes.isEmpty else { return }
        try run(bytes, flush: Z_NO_FLUSH)
    }

    public func finish() throws {
        try run(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_FINISH)
    }

    private func run(_ bytes: UnsafeRawBufferPointer, flush: Int32) throws {
        stream.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(bytes.count)
        repeat {
            let produced: Int = try output.withUnsafeMutableBufferPointer { out in
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                let status = deflate(&stream, flush)
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw Failure(.software, "gzip failed (\(status))")
                }
                return out.count - Int(stream.avail_out)
            }
            if produced > 0 { try consume(Array(output[0..<produced])) }
        } while stream.avail_out == 0 || (flush == Z_FINISH && stream.avail_in > 0)
    }

    /// 256 MiB, the same as an HTTP response may be: far beyond any file this toolkit writes
    /// for one stream, far below what a few kilobytes of crafted gzip could expand to.
    public static let defaultMaxOutputBytes = 256 << 20

    /// Decompresses a whole gzip document (tests, small files). Output beyond `maxOutputBytes`
    /// is refused as bad data as soon as it is produced, so a decompression bomb costs at most
    /// the limit plus one 64 KiB chunk; so is a truncated or corrupt stream.
    public static func decompress(_ data: [UInt8], maxOutputBytes: Int = GzipEncoder.defaultMaxOutputBytes) throws -> [UInt8] {
        var stream = z_stream()
        guard czlib_inflate_init_gzip(&stream) == Z_OK else { throw Failure(.software, "cannot start gunzip") }
        defer { inflateEnd(&stream) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var input = data
        try input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            var status: Int32 = Z_OK
            while status != Z_STREAM_END {
                let produced: Int = try chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    if status == Z_BUF_ERROR, stream.avail_in == 0 { throw Failure(.dataError, "gzip data ends early") }
                    guard status == Z_OK || status == Z_STREAM_END else { throw Failure(.dataError, "not gzip data (\(status))") }
                    return out.count - Int(stream.avail_out)
                }
                guard produced <= maxOutputBytes - result.count else {
                    throw Failure(.dataError, "gzip data expands beyond \(maxOutputBytes) bytes")
                }
                result.append(contentsOf: chunk[0..<produced])
            }
        }
        return result
    }
}
