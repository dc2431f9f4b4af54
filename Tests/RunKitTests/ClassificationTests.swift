import Foundation
import ReportKit
import Testing
@testable import RunKit

/// A step's outcome is decided by the fields of its failure (kind, exit), never by the words
/// of its message: rewording an error cannot turn a denial into a failure or back.
struct ClassificationTests {
    static let wordings = [
        "Error Message: You do not have authority about action : [NAS:View/getNASVolumeInstanceList]. (GET /vnas/v2/getNasVolumeInstanceList, returnCode 802, HTTP 400)",
        "returnCode 800",
        "권한이 없습니다 (returnCode 802)",
        "something else entirely",
        "",
    ]

    @Test func rewordingAnErrorNeverChangesItsClassification() {
        for kind in FailureKind.allCases {
            for exit in [64, 65, 69, 70, 75, 77, 78] {
                let statuses = Set(Self.wordings.map { words in
                    ReportRunner.classify(FailureRecord(exit: exit, error: words, kind: kind), item: "vpc/nas-volume", required: []).status
                })
                #expect(statuses.count == 1, "\(kind) exit \(exit): \(statuses)")
                #expect(statuses.first == (kind == .denied ? "denied" : "failed"), "\(kind) exit \(exit)")
            }
        }
    }

    @Test func messagesThatMentionReturnCode800AreNotDenialsWithoutTheKind() {
        // Exit 77 alone is a refused key, whatever the message says.
        let refused = FailureRecord(exit: 77, error: "Error Message: denied (returnCode 800)")
        #expect(refused.kind == .refused)
        #expect(ReportRunner.classify(refused, item: "vpc/server", required: []).status == "failed")
        // A denial needs no particular words.
        let denied = FailureRecord(exit: 77, error: "no", kind: .denied, returnCode: "800")
        #expect(ReportRunner.classify(denied, item: "vpc/server", required: []) == ("denied", "no"))
    }

    @Test func aRequiredItemsDenialFailsSayingSo() {
        let denied = FailureRecord(exit: 77, error: "withheld", kind: .denied)
        let result = ReportRunner.classify(denied, item: "vpc/server", required: ["*/server"])
        #expect(result.status == "failed")
        #expect(result.error == "withheld (the plan requires vpc/server: a report without it is not complete)")
        #expect(ReportRunner.classify(denied, item: "vpc/nas-volume", required: ["*/server"]).status == "denied")
    }

    func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("reports-\(UUID().uuidString).ndjson").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func reportLinesAreReadByTheirFieldsAndMissingOnesFail() throws {
        let path = try file("""
            {"resource":"server","status":"ok","items":7,"seconds":0.5}
            {"resource":"nas-volume","status":"failed","exit":77,"error":"reworded at will","kind":"denied","returnCode":"802","httpStatus":400}
            {"resource":"mysql","status":"failed","exit":77,"error":"Error Message: x (returnCode 800)"}
            not json
            """ + "\n")
        let missing = FailureRecord(exit: 70, error: "the batch stopped")
        let results = ReportRunner.readReports(FetchBatch.self, path, count: 5, missing: missing)
        #expect(results.count == 5)
        #expect(results[0].outcome == .ok(seconds: 0.5) && results[0].count == 7)
        #expect(results[1].outcome.failure?.kind == .denied)
        #expect(results[1].outcome.failure?.returnCode == "802" && results[1].outcome.failure?.httpStatus == 400)
        // An old-style line whose words say 800 but whose fields do not is a failure.
        #expect(results[2].outcome.failure?.kind == .refused)
        #expect(results[3].outcome.failure?.kind == .internal)
        #expect(results[3].outcome.failure?.error.hasPrefix("an unreadable report line") == true)
        #expect(results[4].outcome.failure == missing)
        #expect(results.map { ReportRunner.classify($0.outcome.failure ?? missing, item: "vpc/x", required: []).status }
                    == ["failed", "denied", "failed", "failed", "failed"])
    }

    func run(_ script: String, deadline: Double? = nil) async throws -> (ProcessPipeline.Stage, Int32) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stage-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let stage = ProcessPipeline.Stage("/bin/sh", ["-c", script], stderr: "\(dir)/stage.log")
        var pipeline = ProcessPipeline(stages: [stage], stdout: "\(dir)/out", environment: ["PATH": "/usr/bin:/bin"], deadline: deadline)
        pipeline.grace = 1
        return (stage, try await pipeline.run()[0])
    }

    @Test func aStageFailureIsTheRecordTheChildWroteElseItsStatus() async throws {
        let (wrote, status) = try await run(#"""
            printf '{"exit":77,"error":"anything","kind":"denied","returnCode":"800"}' > "$REPORT_FAILURE_FILE"
            echo 'ncp-fetch: error: returnCode 999' >&2; exit 77
            """#)
        #expect(status == 77)
        #expect(wrote.failure(status: status) == FailureRecord(exit: 77, error: "anything", kind: .denied, returnCode: "800"))
        // No record: the kind comes from the status; the last stderr line is only the message.
        let (silent, code) = try await run("echo 'ncp-fetch: error: Error Message: x (returnCode 800)' >&2; exit 77")
        #expect(silent.failure(status: code).kind == .refused)
        #expect(silent.failure(status: code).error == "ncp-fetch: error: Error Message: x (returnCode 800)")
        let (crashed, signal) = try await run("kill -SEGV $$")
        #expect(signal == 128 + SIGSEGV)
        #expect(crashed.failure(status: signal) == FailureRecord(exit: 70, error: "killed by signal \(SIGSEGV)", kind: .internal))
    }

    @Test func aBatchChildThatCrashedKeepsItsLastWordsAsTheMessage() async throws {
        let (crashed, status) = try await run("echo 'fatal error: Index out of range (the real cause)' >&2; kill -SEGV $$")
        let failure = crashed.failure(status: status, otherwise: "the batch stopped before reporting every entry")
        #expect(failure.error == "fatal error: Index out of range (the real cause)" && failure.kind == .internal)
        // Exit 0 with nothing said: the caller's words.
        let (quiet, zero) = try await run("exit 0")
        #expect(quiet.failure(status: zero, otherwise: "stopped early").error == "stopped early")
    }

    @Test func aStageStoppedAtTheDeadlineIsThrottledInFields() async throws {
        let (stage, status) = try await run("exec sleep 30", deadline: 0.2)
        #expect(status == 75)
        let failure = stage.failure(status: status)
        #expect(failure.kind == .throttled && failure.exit == 75)
        #expect(failure.error.contains("deadline"))
    }
}
