import Foundation

/// Reads NDJSON from a file descriptor in chunks, one line at a time, with its line number;
/// input of any size is never held whole. Blank lines are skipped (and counted).
public final class NDJSONReader {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var finished = false
    public private(set) var lineNumber = 0
    public let source: String

    /// Whether the reader opened `fd` itself (and closes it).
    private let ownsFD: Bool

    public init(fd: Int32 = 0, source: String = "stdin") {
        self.fd = fd
        self.source = source
        ownsFD = false
    }

    /// Opens a file (closed with the reader); a missing or unreadable one is exit 66 naming it
    /// (`what`: "the input", "the batch", "the lookup list").
    public init(path: String, what: String = "the input") throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(.noInput, "cannot open \(what): \(String(cString: strerror(errno)))", at: path) }
        self.fd = fd
        source = path
        ownsFD = true
    }

    deinit { if ownsFD { close(fd) } }

    /// The next non-empty line (without its newline), or nil at the end of input.
    public func next() throws -> [UInt8]? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                var line = Array(buffer[start..<newline])
                start = newline + 1
                lineNumber += 1
                if line.last == 0x0D { line.removeLast() }
                if line.isEmpty { continue }
                return line
            }
            if finished {
                guard start < buffer.count else { return nil }
                let line = Array(buffer[start...])
                start = buffer.count
                lineNumber += 1
                return line
            }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let count = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(.ioError, "cannot read input: \(String(cString: strerror(errno)))", at: source)
            }
            if count == 0 { finished = true } else { buffer.append(contentsOf: chunk[0..<count]) }
        }
    }

    /// The next line parsed; a malformed one is exit 65 naming the line.
    public func nextValue() throws -> JSONValue? {
        guard let line = try next() else { return nil }
        do {
            return try JSONParser.parse(line)
        } catch {
            throw Failure(.dataError, "line \(lineNumber): \(error)", at: source)
        }
    }
}
