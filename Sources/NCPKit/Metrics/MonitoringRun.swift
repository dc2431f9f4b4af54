import Foundation
import ReportKit

/// What `metrics` and `nas-usage` share: instances from flags or stdin, the period, the
/// client, and the ending (trailer only after full success, else the first failure's status).
public enum MonitoringRun {
    public static func instances(
        flags: [String], platform: Platform?, expecting what: String, _ extract: (JSONValue) -> [MonitoredInstance]?
    ) throws -> [MonitoredInstance] {
        if !flags.isEmpty { return try flags.map { try MonitoredInstance.parse($0, platform: platform) } }
        guard isatty(0) == 0 else {
            throw Failure(.usage, "no instances: pipe `ncp-fetch` output in, or name them with --instance/--volume")
        }
        return try MonitoredInstance.read(from: NDJSONReader(), expecting: what, extract)
    }

    public static func finish(_ outcome: MetricsFetcher.Outcome, trailer: Bool, what: String) throws {
        let out = OutputStream.stdout
        if let first = outcome.failures.first {
            try out.flush()
            Log.shared.error("\(outcome.failures.count) \(what) failed; no trailer written", [
                "failed": outcome.failures.map(\.instance).joined(separator: ","), "points": "\(outcome.points)",
            ])
            throw first.error
        }
        if trailer {
            try out.writeLine(Trailer.line(items: outcome.points))
        }
        try out.flush()
    }

    public static func fetchedAt(_ period: ReportPeriod) -> String { Timestamps.iso8601(Date(), in: period.timeZone) }
}
