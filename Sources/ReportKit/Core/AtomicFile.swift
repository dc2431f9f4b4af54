import Foundation

/// A file that appears whole or not at all. Bytes go to an unnamed temporary file in the target
/// folder (`O_TMPFILE`), so a crash or `kill -9` leaves nothing behind; `commit` fsyncs it, links
/// it in under a temporary name, renames it over the target and fsyncs the folder. Where the
/// file system has no `O_TMPFILE`, a named temporary is used and removed on failure and on
/// SIGINT/SIGTERM/SIGHUP.
public final class AtomicFile {
    public let path: String
    public let mode: mode_t
    private let directory: String
    private var fd: Int32 = -1
    private var namedTemporary: String?
    private var committed = false
    private var buffer: [UInt8] = []

    /// Linux's O_TMPFILE (`__O_TMPFILE | O_DIRECTORY`), which Glibc's module does not export.
    public static let oTmpfile: Int32 = 0o20000000 | O_DIRECTORY

    public init(path: String, mode: mode_t = 0o644) throws {
        self.path = path
        self.mode = mode
        self.directory = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw Failure(.cantCreate, "cannot create the folder: \(error.localizedDescription)", at: directory)
        }
        fd = open(directory, AtomicFile.oTmpfile | O_WRONLY | O_CLOEXEC, mode)
        if fd < 0 {
            let name = "\(directory)/.\((path as NSString).lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            guard fd >= 0 else { throw AtomicFile.failure(.cantCreate, "cannot create a temporary file", at: directory) }
            namedTemporary = name
            SignalCleanup.shared.register(name)
        }
        fchmod(fd, mode)
    }

    deinit { abandon() }

    static func failure(_ status: ExitStatus, _ what: String, at location: String) -> Failure {
        Failure(status, "\(what): \(String(cString: strerror(errno)))", at: location)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw AtomicFile.failure(errno == ENOSPC ? .cantCreate : .ioError, "cannot write", at: path)
            }
            offset += written
        }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// `bytes` as the file at `path`, whole or not at all.
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        let file = try AtomicFile(path: path, mode: mode)
        do {
            try file.write(bytes)
            try file.commit()
        } catch {
            file.abandon()
            throw error
        }
    }

    /// Makes the file visible under its name, whole.
    public func commit() throws {
        guard fsync(fd) == 0 else { throw AtomicFile.failure(.ioError, "cannot flush to disk", at: path) }
        var temporary = namedTemporary
        if temporary == nil {
            let name = "\(directory)/.\((path as NSString).lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            guard linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, name, AT_SYMLINK_FOLLOW) == 0 else {
                throw AtomicFile.failure(.cantCreate, "cannot link the file in", at: path)
            }
            SignalCleanup.shared.register(name)
            temporary = name
        }
        guard rename(temporary!, path) == 0 else {
            let failure = AtomicFile.failure(.cantCreate, "cannot rename into place", at: path)
            unlink(temporary!)
            SignalCleanup.shared.unregister(temporary!)
            throw failure
        }
        SignalCleanup.shared.unregister(temporary!)
        namedTemporary = nil
        close(fd)
        fd = -1
        committed = true
        let dir = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 {
            fsync(dir)
            close(dir)
        }
    }

    /// Drops everything written (also what `deinit` does when `commit` never happened).
    public func abandon() {
        guard !committed else { return }
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        if let namedTemporary {
            unlink(namedTemporary)
            SignalCleanup.shared.unregister(namedTemporary)
            self.namedTemporary = nil
        }
    }
}

/// Removes registered temporary files when the process is interrupted, then exits with the
/// signal's conventional status (128 + signal).
public final class SignalCleanup: Sendable {
    public static let shared = SignalCleanup()

    private let paths = Locked<[String]>([])

    private init() {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { number in
                // Only async-signal-safe calls here: unlink and _exit on a snapshot of C strings.
                let count = signalCleanupCount
                for index in 0..<count {
                    if let path = signalCleanupPaths[index] { unlink(path) }
                }
                _exit(128 + number)
            }
        }
    }

    func register(_ path: String) {
        paths.withLock { $0.append(path) }
        publish()
    }

    func unregister(_ path: String) {
        paths.withLock { $0.removeAll { $0 == path } }
        publish()
    }

    /// Keeps a C copy of the list for the signal handler (which must not allocate or lock).
    private func publish() {
        let current = paths.withLock { $0 }
        signalCleanupCount = 0
        for index in 0..<signalCleanupCapacity {
            free(signalCleanupPaths[index])
            signalCleanupPaths[index] = index < current.count ? strdup(current[index]) : nil
        }
        signalCleanupCount = min(current.count, signalCleanupCapacity)
    }
}

// The signal handler's view of the temporary files: C strings only, written before they count.
private let signalCleanupCapacity = 16
nonisolated(unsafe) private var signalCleanupPaths = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: 16).initialized()
nonisolated(unsafe) private var signalCleanupCount = 0

extension UnsafeMutablePointer where Pointee == UnsafeMutablePointer<CChar>? {
    fileprivate func initialized() -> Self {
        initialize(repeating: nil, count: 16)
        return self
    }
}
