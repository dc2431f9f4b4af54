import Foundation
import ReportKit

/// An unnamed temporary file holding the input as read, for a second pass (MariaDB's load after
/// its schema pass). Blank lines are kept as blank lines, so the second pass reports the same
/// line numbers as the first. Gone when closed, whatever happens to the process.
final class Spool {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var lines = 0

    init() throws {
        let folder = EnvironmentFallback.process["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        fd = open(folder, AtomicFile.oTmpfile | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(.cantCreate, "cannot create a spool file: \(String(cString: strerror(errno)))", at: folder) }
        buffer.reserveCapacity(1 << 20)
    }

    deinit { close(fd) }

    func write(_ line: [UInt8], lineNumber: Int) throws {
        while lines < lineNumber - 1 {
            buffer.append(0x0A)
            lines += 1
        }
        buffer.append(contentsOf: line)
        buffer.append(0x0A)
        lines += 1
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(.ioError, "cannot write the spool file: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// A reader from the start of what was written (the reader shares the descriptor).
    func reader(source: String) throws -> NDJSONReader {
        try flush()
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw Failure(.ioError, "cannot rewind the spool file: \(String(cString: strerror(errno)))") }
        return NDJSONReader(fd: fd, source: source)
    }
}
