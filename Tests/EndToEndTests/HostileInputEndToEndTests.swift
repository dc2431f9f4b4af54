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

    /// `bytes` as a file, for input a Swift string cannot hold.
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

    // MARK: - Escapes and bytes

    @Test(arguments: [
        (#"{"a":1}"# + "\n" + #"{"name":"x\u0000y"}"#, #"line 2: escaped NUL (\u0000) not allowed in field "name" at byte 11"#),
        (#"{"tags":["ok","\ud800"]}"#, #"line 1: unpaired surrogate \ud800 not allowed in field "tags" at byte 16"#),
        (#"{"a":{"b":"\udc00x"}}"#, #"line 1: unpaired surrogate \udc00 not allowed in field "b" at byte 12"#),
        (#"{"a":"\ud83dx"}"#, #"line 1: unpaired surrogate \ud83d not allowed in field "a" at byte 7"#),
        (#"{"a":"\ud83d\u0041"}"#, #"line 1: unpaired surrogate \ud83d not allowed in field "a" at byte 7"#),
        (#"{"\u0000":1}"#, #"line 1: escaped NUL (\u0000) not allowed at byte 3"#),
    ])
    func escapesNoDatabaseStoresAreBadData(_ stdin: String, _ expected: String) throws {
        for tool in [["ncp-json"], ["ncp-load", "--dry-run"]] {
            let args = tool[0] == "ncp-json"
                ? ["--out", dir.path, "--customer", "alpha", "--period", "2026-10", "--name", "s", "--format", "ndjson"]
                : ["--db", dir.appendingPathComponent("t.sqlite").path, "--table", "t", "--dry-run"]
            let result = try ToolRunner.run(tool[0], args, environment: ToolRunner.baseEnvironment(), stdin: stdin + "\n")
            #expect(result.status == 65, "\(tool[0]): \(result.stderr)")
            #expect(result.stderr == "\(tool[0]): error: \(expected) (stdin)\n")
        }
    }

    @Test func surrogatePairsAndOtherEscapesStillPass() throws {
        let stdin = #"{"a":"\ud83d\ude00 \u00e9 \u0001 \n","b":"\uD83D\uDE00"}"# + "\n"
        let result = try json(["--tee"], stdin: stdin)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == stdin)
    }

    /// Text around raw bytes (which a Swift string cannot hold).
    static func raw(_ before: String, _ bytes: [UInt8], _ after: String = "") -> [UInt8] {
        Array(before.utf8) + bytes + Array(after.utf8)
    }

    static let rawCases: [([UInt8], String)] = [
        (raw(#"{"a":1}"#, [0x00]), "line 1: unexpected data after the JSON value"),
        (raw("", [0x00], #"{"a":1}"#), "line 1: unexpected byte 0x00 at byte 1"),
        (raw("", [0xFF], #"{"a":1}"#), "line 1: unexpected byte 0xFF at byte 1"),
        (raw(#"{"a":"x"#, [0x00], #""}"#), #"line 1: control character in string in field "a" at byte 8"#),
        (raw(#"{"a":"x"#, [0xC3, 0x28], #""}"#), #"line 1: invalid UTF-8 in field "a" at byte 8"#),
        (raw(#"{"a":"x"#, [0xED, 0xA0, 0x80], #""}"#), #"line 1: invalid UTF-8 in field "a" at byte 8"#),  // an encoded surrogate
    ]

    @Test(arguments: rawCases)
    func rawBytesThatAreNotTextAreBadDataNamedReadably(_ bytes: [UInt8], _ expected: String) throws {
        let path = try file(bytes + [0x0A])
        let result = try json(["--input", path])
        #expect(result.status == 65)
        #expect(result.stderr == "ncp-json: error: \(expected) (\(path))\n")
    }

    // MARK: - Periods

    @Test(arguments: [
        (["--now", "2026-11-01T00:00:00+19:00"], "--now", "2026-11-01T00:00:00+19:00"),
        (["--now", "2026-11-01T00:00:00-99:99"], "--now", "2026-11-01T00:00:00-99:99"),
        (["--period", "2026-10-01T00:00+18:01..2026-11-01"], "--period", "2026-10-01T00:00+18:01..2026-11-01"),
        (["--period", "2026-10-01..2026-11-01T00:00-1900"], "--period", "2026-10-01..2026-11-01T00:00-1900"),
        (["--now", "٢٠٢٦-١٠-٠١"], "--now", "٢٠٢٦-١٠-٠١"),
        (["--now", "0000-01-01"], "--now", "0000-01-01"),
        (["--period", "0000-01"], "--period", "0000-01"),
        (["--period", "9999-12"], "--period", "9999-12"),
        (["--period", "9999-W52", "--week-start", "sun"], "--period", "9999-W52"),
        (["--period", "1969-12-31..2026-01-01"], "--period", "1969-12-31..2026-01-01"),
    ])
    func outOfRangeInstantsAreUsageErrorsNamingTheFlagAndValue(_ args: [String], _ flag: String, _ value: String) throws {
        let result = try ToolRunner.run("ncp-fetch", ["period"] + args, environment: ToolRunner.baseEnvironment())
        #expect(result.status == 64, "\(args): \(result.stderr)")
        #expect(result.stderr.contains(flag) && result.stderr.contains(value), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func offsetsAtTheEdgeStillWork() throws {
        for offset in ["+18:00", "-18:00", "+1800", "Z", "+14:00"] {
            let result = try ToolRunner.run("ncp-fetch", ["period", "--now", "2026-11-15T00:00:00\(offset)"], environment: ToolRunner.baseEnvironment())
            #expect(result.status == 0, "\(offset): \(result.stderr)")
        }
        let env = try ToolRunner.run("ncp-fetch", ["period"], environment: ToolRunner.baseEnvironment().merging(["REPORT_NOW": "2026-11-01T00:00:00+24:00"]) { $1 })
        #expect(env.status == 64)
        #expect(env.stderr.contains("$REPORT_NOW"))
    }

    // MARK: - HTTP responses

    @Test func aResponseOverTheLimitIsBadDataAndNotRetried() throws {
        let sandbox = try RunningSandbox(scenario: """
            {"seed": 1, "customers": [{"id": "alpha", "accessKey": "HOSTILEKEY", "secretKey": "hostileSecret0123456789", "fleet": {"vpc/server": 20}}]}
            """)
        defer { sandbox.stop() }
        let env = sandbox.environment(for: "alpha")
        let ok = try ToolRunner.run("ncp-fetch", ["server"], environment: env)
        #expect(ok.status == 0, "\(ok.stderr)")
        let before = sandbox.requests.count
        let small = try ToolRunner.run("ncp-fetch", ["server", "--max-response-bytes", "1000"], environment: env)
        #expect(small.status == 65)
        #expect(small.stderr.contains("error: the response from 127.0.0.1 is larger than 1000 bytes; raise the limit with --max-response-bytes (GET /vserver/v2/getServerInstanceList)"), "\(small.stderr)")
        #expect(small.stdout.isEmpty)
        #expect(sandbox.requests.count == before + 1)  // not retried
        let viaEnv = try ToolRunner.run("ncp-fetch", ["server"], environment: env.merging(["REPORT_MAX_RESPONSE_BYTES": "1000"]) { $1 })
        #expect(viaEnv.status == 65)
        #expect(viaEnv.stderr.contains("$REPORT_MAX_RESPONSE_BYTES"))
        let bad = try ToolRunner.run("ncp-fetch", ["server", "--max-response-bytes", "-1"], environment: env)
        #expect(bad.status == 64)
    }

    /// Responses without a Content-Length curl could refuse up front: chunked, and a gzip bomb
    /// (a few kilobytes on the wire, megabytes once curl inflates them). The transfer is stopped
    /// from the write callback once the body passes the limit.
    @Test(arguments: [false, true])
    func aLargeBodyWithoutContentLengthIsStoppedWhileItArrives(_ gzip: Bool) throws {
        let body = #"{"getServerInstanceListResponse":{"returnCode":"0","totalRows":0,"serverInstanceList":[]}}"#
            + String(repeating: " ", count: 4 << 20)
        let server = try OneShotHTTPServer(body: Array(body.utf8), gzip: gzip)
        defer { server.stop() }
        var env = ToolRunner.baseEnvironment()
        env["NCLOUD_API_GW"] = "http://127.0.0.1:\(server.port)"
        env["NCLOUD_ACCESS_KEY"] = "KEY"
        env["NCLOUD_SECRET_KEY"] = "secret"
        let refused = try ToolRunner.run("ncp-fetch", ["call", "GET", "/vserver/v2/getServerInstanceList", "--max-response-bytes", "100000"], environment: env)
        #expect(refused.status == 65, "\(refused.stderr)")
        #expect(refused.stderr.contains("is larger than 100000 bytes; raise the limit with --max-response-bytes (GET /vserver/v2/getServerInstanceList)"), "\(refused.stderr)")
        let allowed = try ToolRunner.run("ncp-fetch", ["call", "GET", "/vserver/v2/getServerInstanceList"], environment: env)
        #expect(allowed.status == 0, "\(allowed.stderr)")
    }
}

/// Serves one canned response to every connection on 127.0.0.1, chunked (no Content-Length),
/// optionally gzip-encoded.
final class OneShotHTTPServer: @unchecked Sendable {
    // @unchecked: `listener` and `port` are set in init and only read after; the thread owns
    // the accepted connections.
    let port: Int
    private let listener: Int32

    init(body: [UInt8], gzip: Bool) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        guard bound == 0, listen(listener, 8) == 0 else { throw ToolRunner.Failure("cannot listen: \(errno)") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
        var payload = body
        if gzip {
            var compressed: [UInt8] = []
            let encoder = try GzipEncoder(level: 9) { compressed += $0 }
            try body.withUnsafeBytes { try encoder.write($0) }
            try encoder.finish()
            payload = compressed
        }
        var response = Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\(gzip ? "Content-Encoding: gzip\r\n" : "")Connection: close\r\n\r\n".utf8)
        var offset = 0
        while offset < payload.count {
            let size = min(16 << 10, payload.count - offset)
            response += Array("\(String(size, radix: 16))\r\n".utf8) + payload[offset..<(offset + size)] + Array("\r\n".utf8)
            offset += size
        }
        response += Array("0\r\n\r\n".utf8)
        let canned = response
        let thread = Thread {
            while true {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { return }
                var request = [UInt8](repeating: 0, count: 65536)
                _ = read(connection, &request, request.count)
                var sent = 0
                while sent < canned.count {
                    let written = canned[sent...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    if written <= 0 { break }
                    sent += written
                }
                close(connection)
            }
        }
        thread.start()
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}
