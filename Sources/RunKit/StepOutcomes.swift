import Foundation
import ReportKit

/// Outcome records: how a step's result becomes its record, and how a failure is classified.
extension ReportRunner {
    /// A failed fetch's status and error: decided by the failure's `kind`, never by its words.
    /// A denial (NCP withholding a service from the key on purpose) is "denied", unless the
    /// plan requires the item: then "failed", saying so. Everything else is "failed".
    public static func classify(_ failure: FailureRecord, item: String, required: [String]) -> (status: String, error: String) {
        guard failure.kind == .denied else { return ("failed", failure.error) }
        guard required.contains(where: { PlanResolver.matches($0, item) }) else { return ("denied", failure.error) }
        return ("failed", "\(failure.error) (the plan requires \(item): a report without it is not complete)")
    }

    func classify(_ step: PlannedStep, _ failure: FailureRecord) -> (status: String, error: String) {
        ReportRunner.classify(failure, item: step.item, required: settings.required)
    }

    /// `started`: when the child doing the step started (a batch's start for its entries);
    /// else `seconds` before now. A skipped step has no times.
    func outcome(_ customer: RosterEntry, _ step: PlannedStep, step name: String, region: String? = nil, status: String, items: Int? = nil,
                 seconds: Double? = nil, exit: Int? = nil, error: String? = nil, started: Date? = nil) -> OutcomeRecord {
        let ended = Date()
        let began = status == "skipped" ? nil : started ?? seconds.map { ended.addingTimeInterval(-$0) }
        let zone = settings.period.timeZone
        // A step over every region without one of its own (metrics, a list's load) says "all".
        let region = region ?? settings.region ?? (ReportRunner.isRegional(step) || step.kind != .inventory ? "all" : "global")
        return OutcomeRecord(customer: customer.customerID, period: settings.period.label, platform: step.platform.rawValue,
                             region: region, resource: step.resource, step: name, status: status,
                             items: items, seconds: seconds.map { ($0 * 1000).rounded() / 1000 }, exit: exit,
                             // A child redacts what it knows; this knows the database's secrets too.
                             error: error.map { Redactor.shared.redact($0) },
                             started: began.map { Timestamps.iso8601($0, in: zone) }, ended: began.map { _ in Timestamps.iso8601(ended, in: zone) })
    }

    /// Items in a stream file: its trailer's count when it completed (read from the file's end),
    /// else its lines counted as they stream by (a stream that stopped has no trailer).
    static func countItems(_ path: String) -> Int {
        if let handle = FileHandle(forReadingAtPath: path) {
            defer { try? handle.close() }
            let size = (try? handle.seekToEnd()) ?? 0
            try? handle.seek(toOffset: size > 256 ? size - 256 : 0)
            let tail = [UInt8](handle.readDataToEndOfFile())
            let last = tail.split(separator: 0x0A).last.map { Array($0) } ?? []
            if case .trailer(let items) = last.withUnsafeBufferPointer({ Trailer.classify($0) }) { return items }
        }
        guard let reader = try? NDJSONReader(path: path) else { return 0 }
        var items = 0
        while let line = try? reader.next() {
            if case .data = line.withUnsafeBufferPointer({ Trailer.classify($0) }) { items += 1 }
        }
        return items
    }
}
