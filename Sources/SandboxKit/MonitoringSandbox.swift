import Foundation
import NCPKit
import ReportKit

/// Cloud Insight (schema list, data/query, data/query/multiple) and NAS rating lists: series
/// that are deterministic per instance, metric and time, on the interval's boundaries
/// (aligned to Asia/Seoul midnight) from timeStart up to and including timeEnd.
extension NCPSandbox {
    static let cloudInsightPrefix = "/cw_fea/real/cw/api/"

    /// Product keys per site: the documented ones unless the scenario names others.
    func productKeys(site: Site) -> [(name: String, key: String)] {
        let products: [MetricProduct] = [.serverVPC, .serverClassic, .mysqlVPC]
        var result = products.compactMap { product -> (String, String)? in
            let key = scenario.cloudInsightKeys[product.rawValue] ?? CloudInsightProducts.documentedKey(product, site: site)
            return key.map { (product.rawValue, $0) }
        }
        result.append(("Object Storage", "410000000000000001"))
        result.append(("Load Balancer Monitor(VPC)", "410000000000000002"))
        return result
    }

    func monitoring(_ request: SandboxRequest, customer: Int, params: [(key: String, value: String)]) -> SandboxResponse? {
        let site = scenario.customers[customer].site
        switch request.path {
        case NCPSandbox.cloudInsightPrefix + "schema/system/list":
            return .json(200, .array(productKeys(site: site).map { .object(JSONObject([("cw_key", .string($0.key)), ("prodName", .string($0.name))])) }))
        case NCPSandbox.cloudInsightPrefix + "data/query":
            return cloudInsightQuery(request, site: site, multiple: false)
        case NCPSandbox.cloudInsightPrefix + "data/query/multiple":
            return cloudInsightQuery(request, site: site, multiple: true)
        case NASUsageFetcher.spec(.vpc).path, NASUsageFetcher.spec(.classic).path:
            return nasRatings(params: params, customer: customer, platform: request.path == NASUsageFetcher.spec(.vpc).path ? .vpc : .classic)
        default:
            return nil
        }
    }

    static func badRequest(_ details: String) -> SandboxResponse {
        gatewayError(400, "100", "Bad Request Exception", details: details)
    }

    func cloudInsightQuery(_ request: SandboxRequest, site: Site, multiple: Bool) -> SandboxResponse {
        guard request.method == "POST" else { return NCPSandbox.gatewayError(404, "300", "Not Found Exception") }
        guard let body = try? JSONParser.parse(request.body), body.objectValue != nil else {
            return NCPSandbox.badRequest("The request body is not JSON.")
        }
        guard let start = body["timeStart"]?.doubleValue, let end = body["timeEnd"]?.doubleValue, start < end else {
            return NCPSandbox.badRequest("timeStart and timeEnd (epoch milliseconds, start before end) are required.")
        }
        let entries: [JSONValue]
        if multiple {
            guard let list = body["metricInfoList"]?.arrayValue, !list.isEmpty else {
                return NCPSandbox.badRequest("metricInfoList is required.")
            }
            guard list.count <= MetricsFetcher.maxEntries else {
                return NCPSandbox.badRequest("metricInfoList can hold at most \(MetricsFetcher.maxEntries) entries, got \(list.count).")
            }
            entries = list
        } else {
            entries = [body]
        }
        let keys = Set(productKeys(site: site).map(\.key))
        var answers: [JSONValue] = []
        for (index, entry) in entries.enumerated() {
            let where_ = multiple ? "metricInfoList[\(index)]" : "request"
            // The documented name is prodKey; the v2 system sends cw_key. Either is accepted.
            guard let key = entry[multiple ? "prodKey" : "cw_key"]?.scalarText ?? entry["cw_key"]?.scalarText ?? entry["prodKey"]?.scalarText,
                keys.contains(key)
            else { return NCPSandbox.badRequest("\(where_): unknown product key.") }
            guard let metric = entry["metric"]?.stringValue, !metric.isEmpty else { return NCPSandbox.badRequest("\(where_): metric is required.") }
            let intervalName = entry["interval"]?.stringValue ?? (multiple ? nil : "Min1")
            guard let intervalName, let interval = MetricInterval(rawValue: intervalName) else {
                return NCPSandbox.badRequest("\(where_): interval must be one of Min1, Min5, Min30, Hour2, Day1.")
            }
            let aggregation = entry["aggregation"]?.stringValue ?? "AVG"
            guard ["AVG", "MAX", "MIN", "SUM", "COUNT"].contains(aggregation) else { return NCPSandbox.badRequest("\(where_): invalid aggregation.") }
            guard let instance = entry["dimensions"]?["instanceNo"]?.scalarText else {
                return NCPSandbox.badRequest("\(where_): dimensions.instanceNo is required.")
            }
            if scenario.failMetricsFor.contains(instance) {
                return NCPSandbox.gatewayError(500, "900", "Unexpected Error", details: "Failed to query instance \(instance).")
            }
            let dps = NCPSandbox.instants(from: start, to: end, step: interval.seconds).map { millis -> JSONValue in
                .array([.int(millis), .number(seriesValue(instance: instance, metric: metric, aggregation: aggregation, millis: millis))])
            }
            if multiple {
                answers.append(.object(JSONObject([
                    ("productName", entry["productName"] ?? .null), ("metric", .string(metric)), ("interval", .string(interval.rawValue)),
                    ("aggregation", .string(aggregation)), ("dimensions", entry["dimensions"] ?? .null), ("dps", .array(dps)),
                ])))
            } else {
                return .json(200, .array(dps))
            }
        }
        return .json(200, .array(answers))
    }

    /// Interval boundaries (aligned to midnight in Asia/Seoul) from start through end inclusive.
    static func instants(from start: Double, to end: Double, step: Int) -> [Int64] {
        let offset: Int64 = 9 * 3600 * 1000
        let stepMillis = Int64(step) * 1000
        let first = ((Int64(start) + offset + stepMillis - 1) / stepMillis) * stepMillis - offset
        return Array(stride(from: first, through: Int64(end), by: Int(stepMillis)).prefix(200_000))
    }

    func seriesValue(instance: String, metric: String, aggregation: String, millis: Int64) -> String {
        let roll = Double(stableHash("\(scenario.seed)|\(instance)|\(metric)|\(millis)") % 10_000) / 10_000
        let peak = aggregation == "MAX" || metric.hasPrefix("max_") ? 1.6 : 1.0
        if metric.hasSuffix("_bps") { return String(format: "%.1f", (1e5 + roll * 5e7) * peak) }
        if metric.hasSuffix("_byt_cnt") { return String(format: "%.1f", (1e4 + roll * 5e6) * peak) }
        if metric == "fs_all_mb" { return "51200" }
        if metric == "fs_used_mb" { return String(format: "%.0f", 5000 + roll * 40000) }
        if metric == "disk_mysql_used" { return String(format: "%.0f", 1e9 + roll * 5e10) }
        // Percentages: each instance has a load level of its own per family (CPU, memory, file
        // system), so a fleet has idle, ordinary and busy servers as a real one has, and the
        // days vary around it (file systems hardly at all).
        let family = metric.contains("cpu") ? "cpu" : metric.contains("fs") ? "fs" : "mem"
        let level = Double(stableHash("\(scenario.seed)|level|\(family)|\(instance)") % 1_000) / 1_000
        let value: Double
        switch family {
        case "cpu": value = (1 + level * level * 75) * (0.75 + 0.5 * roll) * (peak > 1 ? 1.3 : 1)
        case "fs": value = (10 + level * 80) * (0.95 + 0.1 * roll) * (peak > 1 ? 1.05 : 1)
        default: value = (20 + level * 60) * (0.85 + 0.3 * roll) * (peak > 1 ? 1.15 : 1)
        }
        return String(format: "%.2f", min(100, value))
    }

    /// The customer's NAS volume with this number: in the region asked for (the first by
    /// default) on VPC; in any region on Classic, whose rating call names none.
    func nasVolume(_ number: String, customer: Int, platform: Platform, regionCode: String?) -> JSONValue? {
        let regions = Fixtures.regions(platform, scenario.customers[customer].site).map(\.code)
        let searched = platform == .vpc ? [regionCode ?? regions.first ?? "KR"] : regions
        for region in searched {
            let volumes = fleet.items(customer: customer, platform: platform, resource: "nas-volume", region: region)
            if let volume = volumes.first(where: { $0["nasVolumeInstanceNo"]?.stringValue == number }) { return volume }
        }
        return nil
    }

    func nasRatings(params: [(key: String, value: String)], customer: Int, platform: Platform) -> SandboxResponse {
        func param(_ name: String) -> String? { params.last { $0.key == name }?.value }
        guard let volume = param("nasVolumeInstanceNo"), let startText = param("startTime"), let endText = param("endTime") else {
            return NCPSandbox.serviceError(400, "1300", "nasVolumeInstanceNo, startTime and endTime are required.")
        }
        let resolver = PeriodResolver(timeZone: TimeZone(identifier: "UTC")!)
        guard let start = resolver.instant(startText), let end = resolver.instant(endText), start < end else {
            return NCPSandbox.serviceError(400, "1300", "startTime and endTime must be yyyy-MM-ddTHH:mm:ss+0000, start before end.")
        }
        let steps = ["5m": 300, "30m": 1800, "2h": 7200, "1d": 86400]
        guard let step = steps[param("interval") ?? "1d"] else {
            return NCPSandbox.serviceError(400, "1300", "interval must be one of 5m, 30m, 2h, 1d.")
        }
        let seoul = PeriodResolver.seoul
        let fields = FleetGenerator.models["server.NasVolumeInstanceRating"] ?? []
        // Rows for the volume asked for, sized as it is; none for a volume the customer lacks.
        guard let found = nasVolume(volume, customer: customer, platform: platform, regionCode: param("regionCode")) else {
            return nasRatingList([])
        }
        let volumeSize = found["volumeSize"]?.doubleValue ?? 536_870_912_000.0
        // One row per step in [start, end).
        let rows: [JSONValue] = NCPSandbox.instants(from: start.timeIntervalSince1970 * 1000, to: end.timeIntervalSince1970 * 1000 - 1, step: step)
            .map { millis in
                let roll = Double(stableHash("\(scenario.seed)|nas|\(volume)|\(millis)") % 10_000) / 10_000
                var row = JSONObject()
                for (name, type) in fields {
                    let scale = name.contains("max") || name.contains("Max") ? 1.2 : name.contains("min") || name.contains("Min") ? 0.8 : 1.0
                    switch type {
                    case "str": row[name] = .string(Timestamps.ncp(Date(timeIntervalSince1970: Double(millis) / 1000), in: seoul))
                    case "float": row[name] = .number(String(format: "%.2f", min(100, roll * 80 * scale)))
                    default:
                        let size = name.lowercased().hasSuffix("volumesize") ? volumeSize : volumeSize * roll * 0.8 * scale
                        row[name] = .int(Int64(size))
                    }
                }
                return .object(row)
            }
        return nasRatingList(rows)
    }

    func nasRatingList(_ rows: [JSONValue]) -> SandboxResponse {
        .json(200, .object(JSONObject([("getNasVolumeInstanceRatingListResponse", .object(JSONObject([
            ("requestId", .string(UUID().uuidString.lowercased())), ("returnCode", .string("0")), ("returnMessage", .string("success")),
            ("totalRows", .int(rows.count)), ("nasVolumeInstanceRatingList", .array(rows)),
        ])))])))
    }
}
