import Foundation
import ReportKit

/// The end of a run: a table on stderr, and the exit status.
public enum RunSummary {
    public static func exitStatus(_ records: [OutcomeRecord], strict: Bool) -> Int32 {
        if let failed = records.first(where: { $0.status == "failed" }) { return Int32(failed.exit ?? 70) }
        if strict, records.contains(where: { $0.status == "denied" }) { return ExitStatus.noPermission.rawValue }
        return 0
    }

    /// The table on stderr: per customer the outcome records by status and the rows loaded
    /// (the numbers the summary card shows, from the same RunCounts), then one line per group
    /// of like failures (a refused key is one line for the customer, not one per step).
    public static func print(_ records: [OutcomeRecord], customers: [String], seconds: Double, runDirectory: String,
                             language: ReportLanguage = .en) {
        guard Log.shared.isEnabled(.warning) else { return }
        FileHandle.standardError.write(Data((lines(records, customers: customers, seconds: seconds, runDirectory: runDirectory,
                                                    language: language).joined(separator: "\n") + "\n").utf8))
    }

    public static func lines(_ records: [OutcomeRecord], customers: [String], seconds: Double, runDirectory: String,
                             language: ReportLanguage = .en) -> [String] {
        let counts = RunCounts(records, customers: customers)
        let idWidth = max(20, (counts.customers.map { TextWidth.of($0.id) }.max() ?? 0) + 2)
        let columns = OutcomeRecord.statuses.map { max(8, TextWidth.of(language.status($0)) + 2) }
        let rowsWidth = max(10, TextWidth.of(language.rows) + 2)
        var lines = [TextWidth.pad(language.customer, idWidth, left: true)
            + zip(OutcomeRecord.statuses, columns).map { TextWidth.pad(language.status($0), $1) }.joined()
            + TextWidth.pad(language.rows, rowsWidth)]
        for customer in counts.customers {
            lines.append(TextWidth.pad(customer.id, idWidth, left: true)
                + zip(OutcomeRecord.statuses, columns).map { TextWidth.pad("\(customer.count($0))", $1) }.joined()
                + TextWidth.pad("\(customer.rows)", rowsWidth))
        }
        for problem in counts.problems {
            lines.append("  \(language.status(problem.status)) \(problem.customer) \(problem.location(language)): " + (problem.error ?? language.noMessage))
        }
        lines.append(language.footer(records: records.count, seconds: seconds, runDirectory: runDirectory))
        return lines
    }
}
