import Foundation
import LoadKit
import ReportKit

/// The built `ncp-load` as a separate process (two loads at once, a load waiting for a lock):
/// started with arguments, an environment and an optional stdin pipe kept open until `finishInput`.
final class LoadProcess: @unchecked Sendable {
    // @unchecked: the output buffers are only touched under their locks; the rest is set in init.
    let process = Process()
    private let input = Pipe()
    private let out = Locked(Data())
    private let err = Locked(Data())
    private let readers = DispatchGroup()
    let started = Date()

    /// The folder holding the built executables (next to the test bundle).
    static var binDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["REPORT_BIN_DIR"] { return URL(fileURLWithPath: dir) }
        var url = Bundle.main.bundleURL
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("ncp-load").path) {
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { break }
            url = parent
        }
        return url
    }

    /// `connectionString`: passed as $ODBC_CONNECTION_STRING (it may hold a password).
    /// `via`: the path ncp-load takes ($REPORT_LOAD_VIA).
    init(_ arguments: [String], connectionString: String? = nil, via: LoadVia = .auto, stdin: String? = nil, keepInputOpen: Bool = false) throws {
        let executable = LoadProcess.binDirectory.appendingPathComponent("ncp-load")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw Failure(.software, "ncp-load is not built in \(LoadProcess.binDirectory.path); run `swift build` first")
        }
        process.executableURL = executable
        process.arguments = arguments
        var environment = ["HOME": FileManager.default.temporaryDirectory.path, "LANG": "C.UTF-8",
                           "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        if let connectionString { environment["ODBC_CONNECTION_STRING"] = connectionString }
        environment["REPORT_LOAD_VIA"] = via.rawValue
        process.environment = environment
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = input
        try process.run()
        for (pipe, sink) in [(outPipe, out), (errPipe, err)] {
            readers.enter()
            DispatchQueue.global().async { [readers] in
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                sink.withLock { $0 = data }
                readers.leave()
            }
        }
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        if !keepInputOpen { try input.fileHandleForWriting.close() }
    }

    func write(_ text: String) { input.fileHandleForWriting.write(Data(text.utf8)) }
    func finishInput() throws { try input.fileHandleForWriting.close() }

    /// Waits for the exit, killing the process after `seconds` (a hang is then status -9).
    @discardableResult
    func wait(seconds: Double = 120) -> (status: Int32, stderr: String, stdout: String, seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        var killed = false
        while process.isRunning {
            if Date() > deadline {
                kill(process.processIdentifier, SIGKILL)
                killed = true
                break
            }
            usleep(20_000)
        }
        process.waitUntilExit()
        readers.wait()
        let elapsed = Date().timeIntervalSince(started)
        return (killed ? -9 : process.terminationStatus, String(decoding: err.withLock { $0 }, as: UTF8.self),
                String(decoding: out.withLock { $0 }, as: UTF8.self), elapsed)
    }
}

/// `count` NCP-like rows (with nested and numeric fields) as NDJSON, written to a temporary file.
func inputFile(rows count: Int, from start: Int = 1, extra: String = "") throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("rows-\(UUID().uuidString).ndjson").path
    let text = (start..<(start + count)).map {
        #"{"serverInstanceNo":"\#($0)","zone":{"code":"KR-\#($0 % 3)"},"cpu":\#($0 % 8),"memory":\#($0 % 5).5,"name":"server-\#($0)"\#(extra)}"#
    }.joined(separator: "\n") + "\n"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
