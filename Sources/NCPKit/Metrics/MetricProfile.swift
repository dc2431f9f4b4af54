import ArgumentParser
import ReportKit

/// One metric query: which metric, aggregated how.
public struct MetricQuery: Sendable, Equatable, Hashable {
    public let metric: String
    public let aggregation: String

    public init(_ metric: String, _ aggregation: String) {
        self.metric = metric
        self.aggregation = aggregation
    }
}

/// Cloud Insight products the profiles query.
public enum MetricProduct: String, Sendable {
    case serverVPC = "Server(VPC)"
    case serverClassic = "Server(Classic)"
    case mysqlVPC = "Cloud DB for MySQL(VPC)"

    /// The `productName` sent with each query.
    public var productName: String { "System/\(rawValue)" }
}

/// A named set of metric queries (data, not code): `--profile server|mysql`.
public struct MetricProfile: Sendable {
    public let name: String
    public let queries: [MetricQuery]

    /// The v2 system's 15 server metrics with the aggregation each one should have had: every
    /// `avg_*` AVG, every `max_*` MAX, `mem_usert` both, the filesystem sizes MAX. (v2's
    /// `if "a" or "b" in x` test was always true and gave some of them the wrong one.)
    public static let server = MetricProfile(name: "server", queries: [
        MetricQuery("avg_cpu_used_rto", "AVG"), MetricQuery("max_cpu_used_rto", "MAX"),
        MetricQuery("avg_fs_usert", "AVG"), MetricQuery("max_fs_usert", "MAX"),
        MetricQuery("avg_snd_bps", "AVG"), MetricQuery("max_snd_bps", "MAX"),
        MetricQuery("avg_rcv_bps", "AVG"), MetricQuery("max_rcv_bps", "MAX"),
        MetricQuery("avg_read_byt_cnt", "AVG"), MetricQuery("max_read_byt_cnt", "MAX"),
        MetricQuery("avg_write_byt_cnt", "AVG"), MetricQuery("max_write_byt_cnt", "MAX"),
        MetricQuery("mem_usert", "AVG"), MetricQuery("mem_usert", "MAX"),
        MetricQuery("fs_all_mb", "MAX"), MetricQuery("fs_used_mb", "MAX"),
    ])

    public static let mysql = MetricProfile(name: "mysql", queries: [
        MetricQuery("cpu_pct", "AVG"), MetricQuery("mem_pct", "AVG"), MetricQuery("disk_mysql_used", "MAX"),
    ])

    public static let all = [server, mysql]

    public static func named(_ name: String) -> MetricProfile? { all.first { $0.name == name } }

    public static let aggregations = MetricAggregation.allCases.map(\.rawValue)

    /// What `--profile`, `--metric` and `--aggregation` ask for: the profile as it is; named
    /// metrics with the profile's aggregations for them (AVG for others); an aggregation for all.
    public static func queries(profile name: String, metrics: [String] = [], aggregation: String? = nil) throws(Failure) -> [MetricQuery] {
        guard let profile = named(name) else {
            throw Failure(.usage, "unknown profile '\(name)': expected \(all.map(\.name).joined(separator: " or "))")
        }
        var override: String?
        if let aggregation {
            guard aggregations.contains(aggregation.uppercased()) else {
                throw Failure(.usage, "--aggregation must be one of \(aggregations.joined(separator: ", "))")
            }
            override = aggregation.uppercased()
        }
        var names = metrics
        if names.isEmpty {
            guard override != nil else { return profile.queries }
            names = profile.queries.map(\.metric)
        }
        var result: [MetricQuery] = []
        for metric in names {
            let fromProfile = profile.queries.filter { $0.metric == metric }.map(\.aggregation)
            for aggregation in override.map({ [$0] }) ?? (fromProfile.isEmpty ? ["AVG"] : fromProfile) {
                let query = MetricQuery(metric, aggregation)
                if !result.contains(query) { result.append(query) }
            }
        }
        return result
    }

    /// Unit of a metric's raw values (NCP's Cloud Insight metric documentation): rates in %, network in bits/s, disk I/O
    /// in bytes/s, filesystem sizes in MB.
    public static func unit(of metric: String) -> String {
        if metric.hasSuffix("_bps") { return "bit/s" }
        if metric.hasSuffix("_byt_cnt") { return "B/s" }
        if metric.hasSuffix("_mb") { return "MB" }
        if metric.hasSuffix("_rto") || metric.hasSuffix("_usert") || metric.hasSuffix("_pct") { return "%" }
        return ""
    }

    /// `--units v2`: the v2 system's conversions (bits/s and bytes/s to MB).
    public static func v2Divisor(of metric: String) -> Double? {
        if metric.hasSuffix("_bps") { return 8_000_000 }
        if metric.hasSuffix("_byt_cnt") { return 1_000_000 }
        return nil
    }
}

/// `--profile server|mysql`: the profiles by name, spelled exactly so.
extension MetricProfile: CaseIterable, ExpressibleByArgument {
    public static var allCases: [MetricProfile] { all }

    public init?(argument: String) {
        guard let profile = Self.named(argument) else { return nil }
        self = profile
    }

    public var defaultValueDescription: String { name }
    public static var allValueStrings: [String] { all.map(\.name) }
}

/// Cloud Insight's aggregations (`--aggregation`, either case).
public enum MetricAggregation: String, Sendable, CaseIterable, ExpressibleByArgument {
    case avg = "AVG", max = "MAX", min = "MIN", sum = "SUM", count = "COUNT"

    public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
}

/// `--units`: values as Cloud Insight sends them, or converted as the v2 system did
/// (`MetricProfile.v2Divisor`).
public enum MetricUnits: String, Sendable, CaseIterable, ExpressibleByArgument {
    case raw, v2
}

/// Cloud Insight's aggregation intervals (`--interval`, any case: min30 is Min30).
public enum MetricInterval: String, Sendable, CaseIterable, ExpressibleByArgument {
    case min1 = "Min1", min5 = "Min5", min30 = "Min30", hour2 = "Hour2", day1 = "Day1"

    public init?(argument: String) {
        guard let interval = Self.allCases.first(where: { $0.rawValue.lowercased() == argument.lowercased() }) else { return nil }
        self = interval
    }

    public var seconds: Int {
        switch self {
        case .min1: return 60
        case .min5: return 300
        case .min30: return 1800
        case .hour2: return 7200
        case .day1: return 86400
        }
    }

    /// Day1 for monthly periods, Hour2 for weekly ones (and any window of 8 days or less).
    public static func defaultFor(_ period: ReportPeriod) -> MetricInterval {
        switch period.kind {
        case .month: return .day1
        case .week: return .hour2
        case .custom: return period.end.timeIntervalSince(period.start) <= 8 * 86400 ? .hour2 : .day1
        }
    }
}
