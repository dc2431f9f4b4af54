import Foundation

/// Reads NDJSON from a file descriptor in chunks, one line at a time, with its line number;
/// input of any size is never held whole. Blank lines are skipped (and counted).
///
/// Linear in the input: the search for a newline resumes where the previous one stopped, so a
/// line spread over many reads is scanned once. A line longer than `maxLineBytes` (without its
/// line ending) is exit 65 naming the line, found while it is still being read: memory stays
/// bounded by the limit whatever the input.
public final class NDJSONReader {
    /// 64 MiB: NCP items are kilobytes (a page of 100 servers is well under a megabyte, and
    /// ncp-fetch writes one item per line), so this is a thousand times what real data needs,
    /// while a runaway or hostile stream (no newlines at all) is refused before it costs more
    /// than a few hundred megabytes of buffer, copy and parse tree.
    public static let defaultMaxLineBytes = 64 << 20

    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    /// Where the newline search resumes: no newline in `buffer[start..<scanned]`.
    private var scanned = 0
    private var finished = false
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)
    public private(set) var lineNumber = 0
    public let source: String
    public let maxLineBytes: Int
    /// Added to the too-long message: how to raise the limit (e.g. "raise it with --max-line-bytes").
    public let limitHint: String?

    /// Whether the reader opened `fd` itself (and closes it).
    private let ownsFD: Bool

    public init(fd: Int32 = 0, source: String = "stdin", maxLineBytes: Int = NDJSONReader.defaultMaxLineBytes, limitHint: String? = nil) {
        self.fd = fd
        self.source = source
        self.maxLineBytes = maxLineBytes
        self.limitHint = limitHint
        ownsFD = false
    }

    /// Opens a file (closed with the reader); a missing or unreadable one is exit 66 naming it
    /// (`what`: "the input", "the batch", "the lookup list").
    public init(path: String, what: String = "the input", maxLineBytes: Int = NDJSONReader.defaultMaxLineBytes, limitHint: String? = nil) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(.noInput, "cannot open \(what): \(String(cString: strerror(errno)))", at: path) }
        self.fd = fd
        source = path
        self.maxLineBytes = maxLineBytes
        self.limitHint = limitHint
        ownsFD = true
    }

    deinit { if ownsFD { close(fd) } }

    /// The next non-empty line (without its newline), or nil at the end of input.
    public func next() throws -> [UInt8]? {
        while true {
            if let newline = findNewline() {
                var end = newline
                if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                lineNumber += 1
                try checkLength(end - start, line: lineNumber)
                let line: [UInt8]
                if start == 0, buffer.count - (newline + 1) < end {
                    // A line that fills most of the buffer (a long one): hand the buffer over
                    // and keep the short rest, rather than copying the line.
                    var taken = Array(buffer[(newline + 1)...])
                    swap(&taken, &buffer)
                    taken.removeSubrange(end...)
                    line = taken
                    start = 0
                } else {
                    line = Array(buffer[start..<end])
                    start = newline + 1
                }
                scanned = start
                if line.isEmpty { continue }
                return line
            }
            // No newline yet: a partial line already past the limit (plus a possible "\r") is
            // refused now, not after reading the rest of it.
            if buffer.count - start - 1 > maxLineBytes { try checkLength(buffer.count - start, line: lineNumber + 1) }
            if finished {
                guard start < buffer.count else { return nil }
                lineNumber += 1
                try checkLength(buffer.count - start, line: lineNumber)
                let line = start == 0 ? buffer : Array(buffer[start...])
                buffer = []
                start = 0
                scanned = 0
                return line
            }
            if start > 0 {
                buffer.removeFirst(start)
                scanned -= start
                start = 0
            }
            let count = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(.ioError, "cannot read input: \(String(cString: strerror(errno)))", at: source)
            }
            if count == 0 { finished = true } else { buffer.append(contentsOf: chunk[0..<count]) }
        }
    }

    /// The index of the next newline at or after `scanned`; remembers how far it looked.
    private func findNewline() -> Int? {
        guard scanned < buffer.count else { return nil }
        let found = buffer.withUnsafeBufferPointer { bytes -> Int? in
            guard let base = bytes.baseAddress, let hit = memchr(base + scanned, 0x0A, bytes.count - scanned) else { return nil }
            return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
        }
        if found == nil { scanned = buffer.count }
        return found
    }

    private func checkLength(_ length: Int, line: Int) throws(Failure) {
        guard length > maxLineBytes else { return }
        let hint = limitHint.map { "; \($0)" } ?? ""
        throw Failure(.dataError, "line \(line): longer than \(maxLineBytes) bytes\(hint)", at: source)
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
