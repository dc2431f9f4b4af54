import Foundation
import Testing
import ReportKit

/// The built `ncp-json`: files that appear whole or not at all.
@Suite(.serialized)
struct NCPJSONEndToEndTests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("ncp-json-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func json(_ args: [String], stdin: String) throws -> ToolRunner.Result {
        try ToolRunner.run("ncp-json", ["--out", dir.path, "--customer", "alpha", "--period", "2026-10"] + args,
                           environment: ToolRunner.baseEnvironment(), stdin: stdin)
    }

    func files(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent(folder).path)) ?? []).sorted()
    }

    func read(_ path: String) -> String {
        (try? String(contentsOf: dir.appendingPathComponent(path), encoding: .utf8)) ?? "<missing>"
    }

    static let items = (1...5).map { #"{"serverInstanceNo":"\#($0)","serverName":"웹-\#($0)","n":\#($0).50}"# }
    static var stream: String { items.joined(separator: "\n") + "\n" }
    static var trailed: String { stream + #"{"_trailer":{"items":5,"complete":true}}"# + "\n" }

    @Test func fixedSetOptionsListTheirValuesAndRefuseOthers() throws {
        let help = try ToolRunner.run("ncp-json", ["--help"], environment: ToolRunner.baseEnvironment())
        let text = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")  // help wraps lines
        #expect(text.contains("values: standard, v2"))
        #expect(text.contains("values: json, ndjson"))
        for (option, value) in [("--layout", "v3"), ("--format", "csv")] {
            let bad = try json(["--name", "x", option, value], stdin: Self.trailed)
            #expect(bad.status == 64)
            #expect(bad.stderr.contains("'\(value)' is invalid for '\(option)"))
            #expect(files("2026-10/alpha").isEmpty)
        }
    }

    @Test func writesAnArrayAndReplacesItAtomically() throws {
        let first = try json(["--name", "server", "--require-trailer"], stdin: Self.trailed)
        #expect(first.status == 0, "\(first.stderr)")
        let text = read("2026-10/alpha/server.json")
        let parsed = try JSONParser.parse(text)
        #expect(parsed.arrayValue?.map(\.compactString) == Self.items)
        #expect(text.hasPrefix("[\n    {\n        \"serverInstanceNo\": \"1\",\n"))
        #expect(!text.contains("_trailer"))

        // A bad line 1 keeps the previous file exactly as it was, and leaves nothing else.
        let bad = try json(["--name", "server"], stdin: "{\"x\":\n")
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("line 1: "))
        #expect(read("2026-10/alpha/server.json") == text)
        #expect(files("2026-10/alpha") == ["server.json"])

        // No trailer: refused, nothing replaced.
        let cut = try json(["--name", "server", "--require-trailer"], stdin: Self.stream)
        #expect(cut.status == 65)
        #expect(cut.stderr.contains("no completeness trailer"))
        let wrongCount = try json(["--name", "server", "--require-trailer"], stdin: Self.stream + #"{"_trailer":{"items":9,"complete":true}}"# + "\n")
        #expect(wrongCount.status == 65)
        #expect(wrongCount.stderr.contains("the trailer counts 9 items but 5 arrived"))
        #expect(read("2026-10/alpha/server.json") == text)
    }

    @Test func aBadLineAtLineOneMillionNamesIt() throws {
        var big = String(repeating: "{\"i\":1}\n", count: 999_999)
        big += "{\"i\":tru}\n"
        let result = try json(["--name", "big", "--format", "ndjson"], stdin: big)
        #expect(result.status == 65)
        #expect(result.stderr.contains("line 1000000: invalid literal"))
        #expect(files("2026-10/alpha").isEmpty)
    }

    @Test func emptyInputs() throws {
        #expect(try json(["--name", "none"], stdin: "").status == 0)
        #expect(read("2026-10/alpha/none.json") == "[]\n")
        #expect(try json(["--name", "none", "--format", "ndjson"], stdin: "").status == 0)
        #expect(read("2026-10/alpha/none.ndjson") == "")
        #expect(try json(["--name", "skipped", "--skip-empty"], stdin: #"{"_trailer":{"items":0,"complete":true}}"# + "\n").status == 0)
        #expect(!files("2026-10/alpha").contains("skipped.json"))
    }

    @Test func gzipRoundTripAndTee() throws {
        let result = try json(["--name", "server", "--format", "ndjson", "--gzip", "--tee", "--require-trailer"], stdin: Self.trailed)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == Self.trailed)  // tee passes the trailer on
        let data = try Data(contentsOf: dir.appendingPathComponent("2026-10/alpha/server.ndjson.gz"))
        #expect(String(decoding: try GzipEncoder.decompress(Array(data)), as: UTF8.self) == Self.stream)
    }

    @Test func theTrailerIsPassedOnOnlyAfterTheFileIsWritten() throws {
        let result = try json(["--name", "late", "--tee"], stdin: Self.items[0] + "\n" + #"{"_trailer":{"items":1,"complete":true}}"# + "\n" + Self.items[1] + "\n")
        #expect(result.status == 65)
        #expect(!result.stdout.contains("_trailer"))
        #expect(!files("2026-10/alpha").contains("late.json"))
    }

    @Test func v2LayoutPathsAndText() throws {
        let escaped = #"{"serverName":"\ud55c\uae00","n":1}"#
        let result = try ToolRunner.run(
            "ncp-json", ["--out", dir.path, "--customer", "acme", "--name", "server_list", "--layout", "v2", "--customer-type", "gov", "--platform", "classic"],
            environment: ToolRunner.baseEnvironment(), stdin: escaped + "\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(read("acme/gov_Classic_server_list.json") == "[\n    {\n        \"serverName\": \"한글\",\n        \"n\": 1\n    }\n]\n")
        let missing = try ToolRunner.run("ncp-json", ["--out", dir.path, "--customer", "acme", "--name", "x", "--layout", "v2"],
                                         environment: ToolRunner.baseEnvironment(), stdin: "")
        #expect(missing.status == 64)
        let traversal = try json(["--name", "../escape"], stdin: "")
        #expect(traversal.status == 64)
    }

    @Test func killedMidStreamLeavesTheOldFileAndNoTemporary() throws {
        #expect(try json(["--name", "server"], stdin: Self.stream).status == 0)
        let before = read("2026-10/alpha/server.json")
        let process = Process()
        process.executableURL = try ToolRunner.executable("ncp-json")
        process.arguments = ["--out", dir.path, "--customer", "alpha", "--period", "2026-10", "--name", "server"]
        let input = Pipe()
        process.standardInput = input
        process.standardError = FileHandle.nullDevice
        try process.run()
        let chunk = Data(String(repeating: Self.items[0] + "\n", count: 20_000).utf8)
        input.fileHandleForWriting.write(chunk)  // well past the write buffer: bytes are on disk
        usleep(300_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(read("2026-10/alpha/server.json") == before)
        #expect(files("2026-10/alpha") == ["server.json"])
    }

    @Test func aTeeReaderThatGoesAwayCommitsNothing() throws {
        let tool = try ToolRunner.executable("ncp-json").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        let input = dir.appendingPathComponent("input.ndjson")
        try String(repeating: Self.items[0] + "\n", count: 50_000).write(to: input, atomically: true, encoding: .utf8)
        process.arguments = ["-c", "'\(tool)' --out '\(dir.path)' --customer alpha --period 2026-10 --name teed --tee --input '\(input.path)' | head -n 1 >/dev/null; echo \"status=${PIPESTATUS[0]}\""]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "status=74\n")
        #expect(!files("2026-10/alpha").contains("teed.json"))
    }

    @Test func aViewWritesV2RowsAndPassesThemOnWithATrailerThatCountsRows() throws {
        let lists = dir.appendingPathComponent("vpcs.ndjson")
        try (#"{"_resource":"vpc","vpcNo":"7","vpcName":"운영-vpc"}"# + "\n" + #"{"_trailer":{"items":1,"complete":true}}"# + "\n")
            .write(to: lists, atomically: true, encoding: .utf8)
        let db = #"{"_customer":"alpha","cloudMysqlServiceName":"orders","cloudMysqlServerInstanceList":[{"cloudMysqlServerName":"db-1","vpcNo":"7"},{"cloudMysqlServerName":"db-2","vpcNo":"8"}]}"#
        let result = try json(["--name", "mysql_list", "--layout", "v2", "--view", "v2", "--customer-type", "pri", "--platform", "VPC",
                               "--lookup", lists.path, "--tee", "--require-trailer", "--now", "2026-11-01T00:10:00+09:00"],
                              stdin: db + "\n" + #"{"_trailer":{"items":1,"complete":true}}"# + "\n")
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines.last == #"{"_trailer":{"items":2,"complete":true}}"#)  // one item, two node rows
        let first = try JSONParser.parse(lines[0])
        #expect(first.objectValue?.keys.prefix(4) == ["customer_id", "datetime", "serviceName", "serverName"])
        #expect(first["datetime"] == "2026-11-01 00:10" && first["vpcName"] == "운영-vpc")  // v2's run time form
        #expect(try JSONParser.parse(lines[1])["vpcName"] == .null)  // an unknown VPC stays empty
        let file = read("alpha/pri_VPC_mysql_list.json")
        #expect(file.contains(#""vpcName": "운영-vpc""#))  // Korean unescaped, as v2 wrote it
        #expect(try JSONParser.parse(file).arrayValue?.count == 2)

        // The file holds what v2 dumped: Classic Cloud DB's instances as fetched, one table per kind.
        let classic = #"{"_customer":"alpha","dbKindCode":"REDIS","cloudDBServiceName":"c","cloudDBServerInstanceList":[{"cloudDBServerName":"r-1"}]}"#
        let redis = try json(["--name", "REDIS_list", "--layout", "v2", "--view", "v2", "--customer-type", "pri", "--platform", "Classic", "--tee"],
                             stdin: classic + "\n")
        #expect(redis.status == 0, "\(redis.stderr)")
        #expect(redis.stdout.split(separator: "\n").count == 1)
        #expect(try JSONParser.parse(read("alpha/pri_Classic_REDIS_list.json")).arrayValue?.first?.objectValue?.keys
                == ["dbKindCode", "cloudDBServiceName", "cloudDBServerInstanceList"])
        // Another kind's table gets no rows, and v2 wrote no file for an empty list.
        let mysql = try json(["--name", "MYSQL_list", "--layout", "v2", "--view", "v2", "--customer-type", "pri", "--platform", "Classic", "--tee"],
                             stdin: classic + "\n")
        #expect(mysql.status == 0 && mysql.stdout.isEmpty)
        #expect(!files("alpha").contains("pri_Classic_MYSQL_list.json"))

        let unknown = try json(["--name", "disk_list", "--view", "v2", "--platform", "VPC"], stdin: db + "\n")
        #expect(unknown.status == 64 && unknown.stderr.contains("server_list"))
    }
}
