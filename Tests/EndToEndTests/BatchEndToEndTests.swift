import Foundation
import ReportKit
import Testing

/// `ncp-json --batch` and `ncp-load --batch`: many streams in one process, each checked and
/// committed on its own; a bad entry is reported and the others go on.
@Suite(.serialized)
struct BatchEndToEndTests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func stream(_ ids: [Int], trailer: Bool = true) -> String {
        ids.map { #"{"serverInstanceNo":"\#($0)","serverName":"서버-\#($0)"}"# }.joined(separator: "\n") + "\n"
            + (trailer ? #"{"_trailer":{"items":\#(ids.count),"complete":true}}"# + "\n" : "")
    }

    func reports(_ result: ToolRunner.Result) throws -> [JSONValue] { try result.lines.map { try JSONParser.parse($0) } }

    @Test func jsonBatchWritesEachGoodStreamAndReportsTheBadOne() throws {
        let good = try write("a.ndjson", stream([1, 2]))
        let cut = try write("b.ndjson", stream([3], trailer: false))
        let entries = try write("entries.ndjson", """
            {"input": "\(good)", "customer": "alpha", "name": "vpc-server"}
            {"input": "\(cut)", "customer": "bravo", "name": "vpc-server"}
            {"input": "\(good)", "customer": "charlie", "name": "../escape"}
            """)
        let out = dir.appendingPathComponent("out").path
        let result = try ToolRunner.run("ncp-json", ["--out", out, "--period", "2026-10", "--require-trailer", "--batch", entries],
                                        environment: ToolRunner.baseEnvironment())
        #expect(result.status == 65)
        let lines = try reports(result)
        #expect(lines.map { $0["status"]?.stringValue } == ["ok", "failed", "failed"])
        #expect(lines[0]["items"]?.intValue == 2)
        #expect(lines[1]["error"]?.stringValue?.contains("no completeness trailer") == true)
        #expect(lines[2]["exit"]?.intValue == 64)
        let written = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: "\(out)/2026-10/alpha/vpc-server.json"))))
        #expect(written.arrayValue?.count == 2 && written.arrayValue?[1]["serverName"]?.stringValue == "서버-2")
        #expect(!FileManager.default.fileExists(atPath: "\(out)/2026-10/bravo/vpc-server.json"))
        #expect(result.stderr.contains("2 of 3 entries failed"))
    }

    @Test func loadBatchCommitsEachSliceOnItsOwn() throws {
        let db = dir.appendingPathComponent("report.sqlite").path
        let first = try write("1.ndjson", stream([1, 2, 3]))
        let bad = try write("2.ndjson", #"{"serverInstanceNo":"9"}"# + "\n" + "{broken\n" + #"{"_trailer":{"items":2,"complete":true}}"# + "\n")
        let third = try write("3.ndjson", stream([4]))
        let entries = try write("load.ndjson", """
            {"input": "\(first)", "partition": {"customer": "alpha"}}
            {"input": "\(bad)", "partition": {"customer": "bravo"}}
            {"input": "\(third)", "partition": {"customer": "charlie"}}
            """)
        let args = ["--db", db, "--table", "vpc_server", "--partition", "period=2026-10", "--require-trailer", "--batch", entries]
        let result = try ToolRunner.run("ncp-load", args, environment: ToolRunner.baseEnvironment())
        #expect(result.status == 65)
        let lines = try reports(result)
        #expect(lines.map { $0["status"]?.stringValue } == ["ok", "failed", "ok"])
        #expect(lines.map { $0["rows"]?.intValue } == [3, nil, 1])
        #expect(lines[1]["error"]?.stringValue?.contains("line 2") == true)
        let counts = try ToolRunner.runProgram("/usr/bin/sqlite3", [db, "select customer, count(*) from vpc_server group by customer"], environment: [:])
        #expect(counts.stdout == "alpha|3\ncharlie|1\n")
        // A second run replaces each slice: still one row per item.
        _ = try ToolRunner.run("ncp-load", args, environment: ToolRunner.baseEnvironment())
        let again = try ToolRunner.runProgram("/usr/bin/sqlite3", [db, "select count(*) from vpc_server"], environment: [:])
        #expect(again.stdout == "4\n")
    }
}

/// `ncp-fetch --batch` against cloud-sandbox: each entry's stream in its own file with its own
/// trailer, a denied entry reported without stopping the others.
@Suite(.serialized)
struct FetchBatchEndToEndTests {
    static let scenario = """
        {"seed": 5, "customers": [{"id": "alpha", "accessKey": "BATCHACCESSKEY001", "secretKey": "batchSecretKey0123456789",
          "platforms": ["vpc", "classic"], "fleet": {"vpc/server": 7, "classic/server": 2}, "deny": ["vpc/nas-volume"]}]}
        """

    @Test func eachEntryGetsItsOwnCompleteStream() throws {
        let sandbox = try RunningSandbox(scenario: Self.scenario)
        defer { sandbox.stop() }
        let dir = sandbox.directory.path
        let entries = """
            {"resource": "server", "platform": "vpc", "output": "\(dir)/vpc-server.ndjson"}
            {"resource": "nas-volume", "platform": "vpc", "output": "\(dir)/vpc-nas.ndjson"}
            {"resource": "server", "platform": "classic", "output": "\(dir)/classic-server.ndjson"}
            """
        try entries.write(toFile: "\(dir)/entries.ndjson", atomically: true, encoding: .utf8)
        let result = try ToolRunner.run("ncp-fetch", ["--batch", "\(dir)/entries.ndjson", "--trailer", "--customer", "alpha", "--jobs", "2"],
                                        environment: sandbox.environment(for: "alpha"))
        #expect(result.status == 77)
        let reports = try result.lines.map { try JSONParser.parse($0) }
        #expect(reports.map { $0["status"]?.stringValue } == ["ok", "failed", "ok"])
        #expect(reports.map { $0["items"]?.intValue } == [7, nil, 2])
        #expect(reports[1]["error"]?.stringValue?.contains("returnCode 802") == true)
        // The runner decides on these fields, not on the words of "error".
        #expect(reports[1]["kind"]?.stringValue == "denied")
        #expect(reports[1]["returnCode"]?.stringValue == "802")
        #expect(reports[1]["httpStatus"]?.intValue == 400)
        #expect(reports[1]["exit"]?.intValue == 77)
        #expect(reports[0]["kind"] == nil && reports[0]["error"] == nil)
        let vpc = try String(contentsOfFile: "\(dir)/vpc-server.ndjson", encoding: .utf8).split(separator: "\n")
        #expect(vpc.count == 8 && vpc.last == #"{"_trailer":{"items":7,"complete":true}}"#)
        #expect(vpc.first?.contains(#""_customer":"alpha""#) == true)
        // The denied stream has no trailer, so ncp-json --require-trailer would refuse it.
        #expect(try String(contentsOfFile: "\(dir)/vpc-nas.ndjson", encoding: .utf8).contains("_trailer") == false)
        #expect(result.stderr.contains("1 of 3 entries failed"))
    }
}
