import Foundation
import ReportKit

/// An unnamed temporary file holding the input as read, for a second pass (MariaDB's load after
/// its schema pass). Blank lines are kept as blank lines, so the second pass reports the same
/// line numbers as the first. Gone when closed, whatever happens to the process.
final class Spool {
    private let fd: Int32
    private let out: ReportKit.OutputStream
    private var lines = 0

    init() throws {
        let folder = EnvironmentFallback.process["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        fd = open(folder, AtomicFile.oTmpfile | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(.cantCreate, "cannot create a spool file: \(String(cString: strerror(errno)))", at: folder) }
        out = ReportKit.OutputStream(fd: fd, flushThreshold: 1 << 20)
    }

    deinit { close(fd) }

    func write(_ line: [UInt8], lineNumber: Int) throws {
        while lines < lineNumber - 1 {
            try out.writeLine([])
            lines += 1
        }
        try out.writeLine(line)
        lines += 1
    }

    /// A reader from the start of what was written (the reader shares the descriptor).
    func reader(source: String) throws -> NDJSONReader {
        try out.flush()
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw Failure(.ioError, "cannot rewind the spool file: \(String(cString: strerror(errno)))") }
        return NDJSONReader(fd: fd, source: source, maxLineBytes: .max)  // its lines passed the limit once
    }
}
