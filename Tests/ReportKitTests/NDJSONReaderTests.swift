import Foundation
import Testing
@testable import ReportKit

struct NDJSONReaderTests {
    /// A reader over `bytes` in a temporary file (read in 64 KiB chunks, so a long line arrives
    /// in several reads, as it does from stdin).
    static func reader(_ bytes: [UInt8], maxLineBytes: Int = NDJSONReader.defaultMaxLineBytes) throws -> NDJSONReader {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ndjson-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        defer { unlink(path) }  // the reader keeps it open
        return try NDJSONReader(path: path, maxLineBytes: maxLineBytes)
    }

    static func lines(_ reader: NDJSONReader) throws -> [String] {
        var lines: [String] = []
        while let line = try reader.next() { lines.append(String(decoding: line, as: UTF8.self)) }
        return lines
    }

    @Test func readsLinesAcrossChunksWithCRLFBlankLinesAndNoFinalNewline() throws {
        let long = String(repeating: "x", count: 200_000)
        let text = "{\"a\":1}\r\n\n{\"b\":\"\(long)\"}\n{\"c\":3}"
        let reader = try Self.reader(Array(text.utf8))
        #expect(try Self.lines(reader) == ["{\"a\":1}", "{\"b\":\"\(long)\"}", "{\"c\":3}"])
        #expect(reader.lineNumber == 4)
    }

    @Test func aLineAtTheLimitIsRead() throws {
        let line = String(repeating: "7", count: 1000)
        let reader = try Self.reader(Array("1\n\(line)\r\n\(line)".utf8), maxLineBytes: 1000)
        #expect(try Self.lines(reader) == ["1", line, line])
    }

    @Test(arguments: [
        ("1\n2\n" + String(repeating: "9", count: 1001) + "\n4\n", 3),  // ended by a newline
        ("1\n" + String(repeating: "9", count: 1001), 2),  // the last line, no newline
        ("1\n\n" + String(repeating: "9", count: 300_000) + "\n", 3),  // refused before its end arrives
    ])
    func aLineOverTheLimitIsBadDataNamingTheLine(_ text: String, _ line: Int) throws {
        let reader = try Self.reader(Array(text.utf8), maxLineBytes: 1000)
        #expect {
            _ = try Self.lines(reader)
        } throws: { error in
            guard let failure = error as? Failure else { return false }
            return failure.exitStatus == .dataError && failure.location == reader.source
                && failure.message == "line \(line): longer than 1000 bytes"
        }
    }

    @Test func theDefaultLimitIsGenerous() {
        #expect(NDJSONReader(fd: -1).maxLineBytes == 64 << 20)
    }
}
