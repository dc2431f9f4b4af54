import Foundation
import ReportKit
import Testing

/// Runs the built executables (from the same build folder as the test bundle) and captures
/// stdout, stderr and the exit status.
enum ToolRunner {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    static var binDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["REPORT_BIN_DIR"] { return URL(fileURLWithPath: dir) }
        var url = Bundle.main.bundleURL
        while url.pathExtension == "xctest" || !FileManager.default.fileExists(atPath: url.appendingPathComponent("ncp-fetch").path) {
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { break }
            url = parent
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("ncp-fetch").path) { break }
        }
        return url
    }

    static func executable(_ name: String) throws -> URL {
        let url = binDirectory.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw Failure("\(name) is not built in \(binDirectory.path); run `swift build` first (scripts/test does)")
        }
        return url
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static func run(_ tool: String, _ arguments: [String], environment: [String: String], stdin: String? = nil) throws -> Result {
        try runProgram(try executable(tool).path, arguments, environment: environment, stdin: stdin)
    }

    /// Any program (bash, openssl), captured the same way.
    static func runProgram(_ path: String, _ arguments: [String], environment: [String: String], stdin: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        // A tool may exit without reading its stdin (a flag the parser refuses): the write then
        // fails with EPIPE, which must not kill the test process with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        try process.run()
        if let stdin { try? input.fileHandleForWriting.write(contentsOf: Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let outData = Locked(Data()), errData = Locked(Data())
        let group = DispatchGroup()
        for (pipe, sink) in [(out, outData), (err, errData)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                sink.withLock { $0 = data }
                group.leave()
            }
        }
        process.waitUntilExit()
        group.wait()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData.withLock { $0 }, as: UTF8.self),
                      stderr: String(decoding: errData.withLock { $0 }, as: UTF8.self))
    }

    /// A minimal environment: no developer's NCP keys or proxies leak into the tests.
    static func baseEnvironment() -> [String: String] {
        var env: [String: String] = ["HOME": FileManager.default.temporaryDirectory.path, "LANG": "C.UTF-8"]
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return env
    }
}

/// A running cloud-sandbox for one test: started with a scenario, stopped on `stop()`.
final class RunningSandbox: @unchecked Sendable {
    // @unchecked: set up once in init, then only read; `stop` is idempotent.
    let process = Process()
    let environment: [String: String]
    let directory: URL

    init(scenario: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let scenarioFile = directory.appendingPathComponent("scenario.json")
        try scenario.write(to: scenarioFile, atomically: true, encoding: .utf8)
        process.executableURL = try ToolRunner.executable("cloud-sandbox")
        process.arguments = ["--port", "0", "--scenario", scenarioFile.path, "--record", directory.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.environment = ToolRunner.baseEnvironment()
        try process.run()
        var env = ToolRunner.baseEnvironment()
        var buffer = Data()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            if String(decoding: buffer, as: UTF8.self).contains("# ready\n") { break }
        }
        for line in String(decoding: buffer, as: UTF8.self).split(separator: "\n") where line.hasPrefix("export ") {
            let assignment = line.dropFirst("export ".count)
            guard let equals = assignment.firstIndex(of: "=") else { continue }
            let value = assignment[assignment.index(after: equals)...]
            env[String(assignment[..<equals])] = String(value.dropFirst().dropLast())
        }
        guard env["NCLOUD_API_GW"] != nil else {
            process.terminate()
            throw ToolRunner.Failure("cloud-sandbox did not become ready: \(String(decoding: buffer, as: UTF8.self))")
        }
        environment = env
    }

    /// The environment for one customer of the scenario.
    func environment(for customer: String) -> [String: String] {
        var env = environment
        let name = customer.uppercased().replacingOccurrences(of: "-", with: "_")
        env["NCLOUD_ACCESS_KEY"] = environment["SANDBOX_\(name)_ACCESS_KEY"]
        env["NCLOUD_SECRET_KEY"] = environment["SANDBOX_\(name)_SECRET_KEY"]
        return env
    }

    var requests: [String] {
        (try? String(contentsOf: directory.appendingPathComponent("requests.jsonl"), encoding: .utf8))?
            .split(separator: "\n").map(String.init) ?? []
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning, Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }
}
