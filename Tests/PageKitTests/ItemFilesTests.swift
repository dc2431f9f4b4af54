import Foundation
import Testing
import ReportKit
@testable import PageKit

/// Files read in chunks: items that straddle a chunk's end come out whole, and a file cut
/// short is an error naming it.
struct ItemFilesTests {
    func file(_ name: String, _ text: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("items-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try text.write(toFile: "\(folder)/\(name)", atomically: true, encoding: .utf8)
        return "\(folder)/\(name)"
    }

    /// Items of varied sizes (some larger than a chunk), Korean text and escapes included.
    static let items: [String] = (0..<3000).map { index in
        let padding = String(repeating: "가", count: index % 97 == 0 ? 400_000 : index % 13)
        return #"{"serverInstanceNo":"\#(index)","serverName":"웹-\#(index) \"q\" \#(padding)","nested":{"list":[1,2,{"x":null}]}}"#
    }

    @Test func aPrettyArrayAcrossManyChunksGivesEveryItemWhole() throws {
        let text = "[\n    " + Self.items.joined(separator: ",\n    ") + "\n]\n"
        #expect(text.utf8.count > 3 * ChunkSource.chunk)
        var ids: [String] = []
        try ItemFiles.forEach(try file("vpc-server.json", text)) { ids.append($0["serverInstanceNo"]?.stringValue ?? "?") }
        #expect(ids == (0..<3000).map(String.init))
        var empty = 0
        try ItemFiles.forEach(try file("vpc-x.json", "  [ ]  \n")) { _ in empty += 1 }
        #expect(empty == 0)
    }

    @Test func linesAcrossChunksSkipTheTrailerAndBlankLines() throws {
        let text = Self.items.joined(separator: "\n") + "\n\n" + #"{"_trailer":{"items":3000,"complete":true}}"# + "\n"
        var ids: [String] = []
        try ItemFiles.forEachRaw(try file("vpc-server.ndjson", text)) { scanner, range in
            try scanner.forEachMember(of: range) { key, value in
                if JSONScanner.equals(key, "serverInstanceNo") { ids.append(ItemFiles.text(scanner, value) ?? "?") }
                return true
            }
        }
        #expect(ids == (0..<3000).map(String.init))
    }

    @Test func aFileCutShortOrWithDataAfterAnItemIsAnErrorNamingIt() throws {
        let cut = "[\n" + Self.items.prefix(200).joined(separator: ",\n") + ",\n" + String(Self.items[200].prefix(50))
        for (name, text) in [("vpc-a.json", cut), ("vpc-b.json", "[{\"a\":1} {\"b\":2}]"), ("vpc-c.json", "{\"a\":1}"),
                             ("vpc-d.ndjson", "{\"a\":1} trailing\n"), ("vpc-e.json", "[{\"a\":1}] extra")] {
            let path = try file(name, text)
            do {
                try ItemFiles.forEach(path) { _ in }
                Issue.record("\(name) was accepted")
            } catch let failure as Failure {
                #expect(failure.exitStatus == .dataError && failure.location == path, "\(name)")
            }
        }
    }
}
