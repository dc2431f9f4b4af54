import FileKit
import Foundation
import ReportKit
import Testing

/// ncp-json's writer: files whole or not at all, where the layout says.
struct JSONFileWriterTests {
    let dir: String

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("filekit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    func input(_ text: String) throws -> String {
        let path = "\(dir)/in-\(UUID().uuidString).ndjson"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func writer(_ configure: (inout JSONFileWriter.Settings) -> Void = { _ in }, input: String, trailer: Bool = true) throws -> JSONFileWriter {
        var settings = JSONFileWriter.Settings()
        settings.out = dir
        settings.customer = "alpha"
        configure(&settings)
        return try JSONFileWriter(settings, view: nil, period: try PeriodOptions.parse(["--period", "2026-10"]),
                                  stream: try StreamInputOptions.parse(["--input", input] + (trailer ? ["--require-trailer"] : [])))
    }

    static let items = """
        {"serverInstanceNo":"1","serverName":"웹-1"}
        {"serverInstanceNo":"2","serverName":"db"}

        """

    @Test func aCompleteStreamBecomesAnIndentedArrayUnderItsPeriodAndCustomer() throws {
        let path = try input(Self.items + #"{"_trailer":{"items":2,"complete":true}}"# + "\n")
        try writer(input: path).writeOne(name: "vpc-server", platform: nil, tee: false)
        let written = try String(contentsOfFile: "\(dir)/2026-10/alpha/vpc-server.json", encoding: .utf8)
        #expect(written.hasPrefix("[\n    {") && written.hasSuffix("\n]\n"))
        let array = try JSONParser.parse(Array(written.utf8)).arrayValue
        #expect(array?.count == 2)
        #expect(array?.first?["serverName"]?.stringValue == "웹-1")
    }

    @Test func ndjsonFormatKeepsTheLinesAndDropsTheTrailer() throws {
        let path = try input(Self.items + #"{"_trailer":{"items":2,"complete":true}}"# + "\n")
        try writer({ $0.format = .ndjson }, input: path).writeOne(name: "vpc-server", platform: nil, tee: false)
        #expect(try String(contentsOfFile: "\(dir)/2026-10/alpha/vpc-server.ndjson", encoding: .utf8) == Self.items)
    }

    @Test func aWrongTrailerOrNoneWritesNothing() throws {
        for text in [Self.items + #"{"_trailer":{"items":3,"complete":true}}"# + "\n", Self.items] {
            let path = try input(text)
            #expect(throws: Failure.self) { try writer(input: path).writeOne(name: "vpc-server", platform: nil, tee: false) }
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/2026-10/alpha/vpc-server.json"))
        }
        let bad = try input(#"{"a":1}"# + "\n" + "{oops\n")
        do {
            try writer(input: bad, trailer: false).writeOne(name: "x", platform: nil, tee: false)
            Issue.record("a bad line was accepted")
        } catch let failure as Failure {
            #expect(failure.exitStatus == .dataError && failure.message.hasPrefix("line 2: ") && failure.location == bad)
        }
    }

    @Test func theV2LayoutUsesV2sPathAndWritesNoFileForAnEmptyList() throws {
        let path = try input(Self.items)
        let v2 = try writer({ $0.layout = .v2; $0.customerType = "gov" }, input: path, trailer: false)
        try v2.writeOne(name: "server_list", platform: "classic", tee: false)
        #expect(FileManager.default.fileExists(atPath: "\(dir)/alpha/gov_Classic_server_list.json"))
        let empty = try input("")
        try writer({ $0.layout = .v2; $0.customerType = "pri" }, input: empty, trailer: false).writeOne(name: "nas_list", platform: "vpc", tee: false)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/alpha/pri_VPC_nas_list.json"))
        #expect(throws: Failure.self) { try writer({ $0.layout = .v2; $0.format = .ndjson }, input: path).target(customer: "a", name: "b", platform: "vpc") }
        #expect(throws: Failure.self) { try writer({ $0.layout = .v2 }, input: path).target(customer: "a", name: "b", platform: "vpc") }
    }

    @Test func namesThatWouldLeaveTheFolderAreRefused() throws {
        let path = try input(Self.items)
        for name in ["..", "a/b", "", "x y"] {
            #expect(throws: Failure.self) { try writer(input: path).target(customer: "alpha", name: name, platform: nil) }
            #expect(throws: Failure.self) { try writer(input: path).target(customer: name, name: "ok", platform: nil) }
        }
    }
}
