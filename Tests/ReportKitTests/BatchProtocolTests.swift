import Foundation
import Testing
import ReportKit

/// The `--batch` protocol's types: what a tool reads and writes is what the runner writes and
/// reads, one definition for both.
struct BatchProtocolTests {
    func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("batch-\(UUID().uuidString).ndjson").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func entriesTheRunnerWritesAreTheEntriesAToolReads() throws {
        let written = [
            FetchBatch.Entry(resource: "server", platform: "vpc", region: "KR", output: "/tmp/a.ndjson", parameters: ["limit": "5"]),
            FetchBatch.Entry(resource: "region", output: "/tmp/b.ndjson"),
        ]
        let path = try file(String(decoding: try BatchCoding.file(written), as: UTF8.self))
        let batch = try BatchFile<FetchBatch>(path: path)
        #expect(try batch.entries.map { try $0.get() } == written)
        let load = LoadBatch.Entry(input: "x.ndjson", partition: ["customer_id": "alpha", "a": "1"])
        #expect(try BatchCoding.decode(LoadBatch.Entry.self, try BatchCoding.line(load)) == load)
        #expect(load.partitionColumns.map(\.column) == ["a", "customer_id"])
    }

    @Test func aBadEntryFailsAloneNamingItsField() throws {
        let path = try file("""
            {"input":"a.ndjson","customer":"alpha","name":"vpc-server"}
            {"customer":"alpha","name":"vpc-server"}
            {"input":"c.ndjson","lookups":["x", 3]}
            [1,2]
            {"input":"e.ndjson","partition":{"period":202610,"flag":true,"big":12345678901234567890,"ratio":1.0,"gone":null}}
            """)
        let json = try BatchFile<JSONBatch>(path: path)
        #expect(json.entries.count == 5)
        #expect((try? json.entries[0].get())?.input == "a.ndjson")
        func message(_ entry: Result<JSONBatch.Entry, Failure>) -> String? {
            if case .failure(let failure) = entry { return failure.message } else { return nil }
        }
        #expect(message(json.entries[1]) == "entry 2: field input is missing")
        #expect(message(json.entries[2]) == "entry 3: field lookups[1] must be a string")
        #expect(message(json.entries[3]) == "entry 4: an entry must be an object")
        if case .failure(let failure) = json.entries[1] { #expect(failure.exitStatus == .dataError && failure.location == path) }
        // Numbers (and booleans) are text exactly as written; a null is left out.
        let load = try BatchFile<LoadBatch>(path: path)
        #expect((try? load.entries[4].get())?.partitionColumns.map { "\($0.column)=\($0.value)" }
                    == ["big=12345678901234567890", "flag=true", "period=202610", "ratio=1.0"])
    }

    @Test func aLineThatIsNotJSONFailsTheWholeBatchNamingTheLine() throws {
        let path = try file("{\"input\":\"a\"}\n{oops\n")
        #expect(throws: Failure.self) { try BatchFile<LoadBatch>(path: path) }
        do {
            _ = try BatchFile<LoadBatch>(path: path)
        } catch let failure as Failure {
            #expect(failure.message.hasPrefix("line 2: "))
        }
    }

    @Test func aReportLineIsOneFlatObjectWithTheFailureInFields() throws {
        var detail = FetchBatch.Detail(FetchBatch.Entry(resource: "nas-volume", platform: "vpc", output: "/o"))
        let failure = FailureRecord(exit: 77, error: "Error Message: no", kind: .denied, returnCode: "802", httpStatus: 400)
        let failed = BatchReport(detail, .failed(failure, seconds: 1.5))
        let line = String(decoding: try BatchCoding.line(failed), as: UTF8.self)
        #expect(line == #"{"error":"Error Message: no","exit":77,"httpStatus":400,"kind":"denied","output":"/o","platform":"vpc","resource":"nas-volume","returnCode":"802","seconds":1.5,"status":"failed"}"#)
        let read = try BatchCoding.decode(BatchReport<FetchBatch.Detail>.self, Array(line.utf8))
        #expect(read.outcome == failed.outcome && read.detail == detail)
        detail.items = 3
        let ok = String(decoding: try BatchCoding.line(BatchReport(detail, .ok(seconds: 0.25))), as: UTF8.self)
        #expect(ok == #"{"items":3,"output":"/o","platform":"vpc","resource":"nas-volume","seconds":0.25,"status":"ok"}"#)
        #expect(try BatchCoding.decode(BatchReport<FetchBatch.Detail>.self, Array(ok.utf8)).detail.count == 3)
        #expect(try BatchCoding.decode(BatchReport<LoadBatch.Detail>.self, Array(#"{"status":"ok","rows":9}"#.utf8)).detail.count == 9)
    }

    @Test func kindsFollowExitStatusesAndOnlyAnErrorThatKnowsSaysDenied() {
        #expect(FailureKind(exitStatus: 77) == .refused)
        #expect(FailureKind(exitStatus: 75) == .throttled)
        #expect(FailureKind(exitStatus: 69) == .unavailable)
        #expect(FailureKind(exitStatus: 1) == .internal)
        #expect(!(0...255).contains { FailureKind(exitStatus: $0) == .denied })
        let record = FailureRecord(Failure(.noInput, "gone", at: "x.ndjson"))
        #expect(record == FailureRecord(exit: 66, error: "gone (x.ndjson)", kind: .notFound))
    }
}
