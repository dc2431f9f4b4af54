import Foundation
import ReportKit

/// The end of a run: a table on stderr, and the exit status.
public enum RunSummary {
    public static func exitStatus(_ records: [OutcomeRecord], strict: Bool) -> Int32 {
        if let failed = records.first(where: { $0.status == "failed" }) { return Int32(failed.exit ?? 70) }
        if strict, records.contains(where: { $0.status == "denied" }) { return ExitStatus.noPermission.rawValue }
        return 0
    }

    public static func print(_ records: [OutcomeRecord], customers: [String], seconds: Double, runDirectory: String) {
        guard Log.shared.isEnabled(.warning) else { return }
        func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
            let padding = String(repeating: " ", count: max(0, width - text.count))
            return left ? text + padding : padding + text
        }
        var lines = [pad("customer", 20, left: true) + pad("ok", 6) + pad("denied", 8) + pad("failed", 8) + pad("rows", 10)]
        for customer in customers {
            let mine = records.filter { $0.customer == customer }
            let steps = mine.filter { $0.step == "fetch" || $0.step == "metrics" }
            let rows = mine.filter { $0.step == "load" && $0.status == "ok" }.reduce(0) { $0 + ($1.items ?? 0) }
            lines.append(pad(customer, 20, left: true) + pad("\(steps.filter { $0.status == "ok" }.count)", 6)
                         + pad("\(steps.filter { $0.status == "denied" }.count)", 8) + pad("\(mine.filter { $0.status == "failed" }.count)", 8) + pad("\(rows)", 10))
        }
        for record in records where record.status == "failed" || record.status == "denied" {
            lines.append("  \(record.status) \(record.customer) \(record.platform)/\(record.resource) \(record.step) (exit \(record.exit ?? 0)): \(record.error ?? "")")
        }
        lines.append(String(format: "%d outcome records in %.1f s; logs and outcomes in ", records.count, seconds) + runDirectory)
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
