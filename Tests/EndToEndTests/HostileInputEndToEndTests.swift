import Foundation
import Testing
import ReportKit

/// The built tools on input meant to break them (issue 14): over-long lines, escapes no
/// database stores, bytes that are not UTF-8, out-of-range offsets, oversized responses. Each is
/// refused with one line naming what and where, and the exit status that says which kind.
@Suite(.serialized)
struct HostileInputEndToEndTests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func json(_ args: [String], stdin: String = "", environment: [String: String] = [:]) throws -> ToolRunner.Result {
        try ToolRunner.run("ncp-json", ["--out", dir.path, "--customer", "alpha", "--period", "2026-10", "--name", "s", "--format", "ndjson"] + args,
                           environment: ToolRunner.baseEnvironment().merging(environment) { $1 }, stdin: stdin)
    }

    /// `bytes` as a file.
    func file(_ bytes: [UInt8]) throws -> String {
        let url = dir.appendingPathComponent("input-\(UUID().uuidString).ndjson")
        try Data(bytes).write(to: url)
        return url.path
    }

    // MARK: - Line length

    @Test func aLineOverTheLimitIsBadDataNamingTheStreamAndLine() throws {
        let long = #"{"a":""# + String(repeating: "x", count: 200) + #""}"#
        let stdin = "{\"a\":1}\n\(long)\n{\"a\":3}\n"
        let flag = try json(["--max-line-bytes", "100"], stdin: stdin)
        #expect(flag.status == 65)
        #expect(flag.stderr == "ncp-json: error: line 2: longer than 100 bytes; raise the limit with --max-line-bytes (stdin)\n")
        let env = try json([], stdin: stdin, environment: ["REPORT_MAX_LINE_BYTES": "100"])
        #expect(env.status == 65)
        #expect(env.stderr.contains("line 2: longer than 100 bytes; raise the limit with $REPORT_MAX_LINE_BYTES"))
        let path = try file(Array(stdin.utf8))
        let named = try json(["--max-line-bytes", "100", "--input", path])
        #expect(named.stderr.hasSuffix("(\(path))\n"))
        #expect(try json(["--max-line-bytes", "300"], stdin: stdin).status == 0)
        let zero = try json(["--max-line-bytes", "0"], stdin: stdin)
        #expect(zero.status == 64)
        #expect(zero.stderr.contains("--max-line-bytes"))
    }

    @Test func ncpLoadHasTheSameLimit() throws {
        let long = #"{"a":""# + String(repeating: "x", count: 200) + #""}"#
        let result = try ToolRunner.run(
            "ncp-load", ["--db", dir.appendingPathComponent("t.sqlite").path, "--table", "t", "--dry-run", "--max-line-bytes", "100"],
            environment: ToolRunner.baseEnvironment(), stdin: "{\"a\":1}\n\(long)\n")
        #expect(result.status == 65)
        #expect(result.stderr.contains("line 2: longer than 100 bytes"))
    }
}
