import Foundation
import Testing
@testable import RunKit

/// The item count an outcome record carries for a stream file.
struct StreamCountTests {
    func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("count-\(UUID().uuidString).ndjson").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aCompleteStreamCountsWhatItsTrailerSaysAStoppedOneItsLines() throws {
        let lines = (1...300).map { #"{"serverInstanceNo":"\#($0)","serverName":"웹-\#($0)"}"# }.joined(separator: "\n") + "\n"
        #expect(ReportRunner.countItems(try file(lines + #"{"_trailer":{"items":300,"complete":true}}"# + "\n")) == 300)
        #expect(ReportRunner.countItems(try file(lines)) == 300)  // stopped: no trailer, the lines counted
        #expect(ReportRunner.countItems(try file("\n")) == 0)
        #expect(ReportRunner.countItems("/nonexistent/stream.ndjson") == 0)
    }
}
