import Foundation
import ReportKit

/// One entry's result as the runner reads it from a `--batch` child's report line.
struct EntryResult: Sendable {
    var outcome: EntryOutcome
    /// Items written (ncp-fetch, ncp-json) or rows loaded (ncp-load).
    var count: Int?
}

extension ReportRunner {
    /// Runs a `--batch` child over `entries` (written to `entriesPath`) and reads its one report
    /// line per entry (`reportPath`). Entries it never reported (it crashed, could not start, or
    /// was stopped at the deadline) fail with the child's own failure record.
    func runChildBatch<P: BatchProtocol>(_ protocol: P.Type, _ entries: [P.Entry], stage: ProcessPipeline.Stage, entriesPath: String,
                                         reportPath: String, environment: [String: String]? = nil) async -> [EntryResult] {
        let failure: FailureRecord
        do {
            try BatchCoding.file(entries).write(to: URL(fileURLWithPath: entriesPath))
            let status = try await ProcessPipeline(stages: [stage], stdout: reportPath, environment: environment ?? settings.environment,
                                                   deadline: settings.stepTimeout).run().first ?? Int32(ExitStatus.software.rawValue)
            // Exit 0 with entries unreported is an internal error too (70).
            var record = stage.failure(status: status, otherwise: "the batch stopped before reporting every entry (exit \(status))")
            if status == 0 { record.exit = Int(ExitStatus.software.rawValue); record.kind = .internal }
            failure = record
        } catch {
            failure = FailureRecord(error)
        }
        return ReportRunner.readReports(P.self, reportPath, count: entries.count, missing: failure)
    }

    /// A child's report lines, exactly `count` of them: a line that cannot be read, and every
    /// entry without a line, fails with `missing`.
    static func readReports<P: BatchProtocol>(_ protocol: P.Type, _ path: String, count: Int, missing: FailureRecord) -> [EntryResult] {
        var results: [EntryResult] = []
        if let data = FileManager.default.contents(atPath: path) {
            for line in data.split(separator: 0x0A) where results.count < count {
                if let report = try? BatchCoding.decode(BatchReport<P.Detail>.self, line) {
                    results.append(EntryResult(outcome: report.outcome, count: report.detail.count))
                } else {
                    var unreadable = missing
                    unreadable.error = "an unreadable report line: \(String(decoding: line.prefix(200), as: UTF8.self))"
                    unreadable.kind = .internal
                    results.append(EntryResult(outcome: .failed(unreadable), count: nil))
                }
            }
        }
        return results + Array(repeating: EntryResult(outcome: .failed(missing), count: nil), count: max(0, count - results.count))
    }
}
