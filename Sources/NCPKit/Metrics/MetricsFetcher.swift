import Foundation
import ReportKit

/// Queries Cloud Insight (`data/query/multiple`, at most 20 entries a request) for each
/// instance over a period, instances concurrently; one instance failing never loses another's
/// points. Prints one line per data point.
public struct MetricsFetcher: Sendable {
    public static let multiplePath = "/cw_fea/real/cw/api/data/query/multiple"
    public static let maxEntries = 20

    public struct Options: Sendable {
        public var period: ReportPeriod
        public var interval: MetricInterval
        public var queries: [MetricQuery]
        /// Which product each platform's instances belong to (server profile: VPC or Classic).
        public var product: @Sendable (Platform) -> MetricProduct
        public var defaultPlatform: Platform
        public var v2Units: Bool
        public var concurrency: Int
        public var site: Site
        public var customer: String?
        public var fetchedAt: String

        public init(
            period: ReportPeriod, interval: MetricInterval, queries: [MetricQuery],
            product: @escaping @Sendable (Platform) -> MetricProduct, defaultPlatform: Platform, v2Units: Bool = false,
            concurrency: Int = 12, site: Site, customer: String? = nil, fetchedAt: String
        ) {
            self.period = period
            self.interval = interval
            self.queries = queries
            self.product = product
            self.defaultPlatform = defaultPlatform
            self.v2Units = v2Units
            self.concurrency = concurrency
            self.site = site
            self.customer = customer
            self.fetchedAt = fetchedAt
        }
    }

    public struct Outcome: Sendable {
        public var points = 0
        public var failures: [(instance: String, error: any Error)] = []
    }

    public let client: NCPClient
    public let products: CloudInsightProducts

    public init(client: NCPClient, site: Site) {
        self.client = client
        self.products = CloudInsightProducts(client: client, site: site)
    }

    public func run(_ instances: [MonitoredInstance], options: Options, emit: ([UInt8]) throws -> Void) async throws -> Outcome {
        let client = self.client
        let products = self.products
        return try await MonitoredInstance.each(instances, concurrency: options.concurrency, emit: emit) { instance in
            try await MetricsFetcher.fetch(instance, options: options, client: client, products: products)
        }
    }

    /// The request bodies for one instance: its queries in chunks of at most 20.
    public static func bodies(for instance: MonitoredInstance, productKey: String, product: MetricProduct, options: Options) -> [JSONValue] {
        let entries: [JSONValue] = options.queries.map { query in
            .object(JSONObject([
                ("prodKey", .string(productKey)),
                ("cw_key", .string(productKey)),
                ("productName", .string(product.productName)),
                ("metric", .string(query.metric)),
                ("interval", .string(options.interval.rawValue)),
                ("aggregation", .string(query.aggregation)),
                ("queryAggregation", .string(query.aggregation)),
                ("dimensions", .object(JSONObject([("instanceNo", .string(instance.number))]))),
            ]))
        }
        return stride(from: 0, to: entries.count, by: maxEntries).map { offset in
            .object(JSONObject([
                ("timeStart", .int(options.period.startMillis)),
                ("timeEnd", .int(options.period.endMillis)),
                ("metricInfoList", .array(Array(entries[offset..<min(offset + maxEntries, entries.count)]))),
            ]))
        }
    }

    static func fetch(
        _ instance: MonitoredInstance, options: Options, client: NCPClient, products: CloudInsightProducts
    ) async throws -> [[UInt8]] {
        let platform = instance.platform ?? options.defaultPlatform
        let product = options.product(platform)
        let key = try await products.key(for: product)
        let target = "POST \(multiplePath)"
        var lines: [[UInt8]] = []
        var queryIndex = 0
        let suffix = provenance(instance, platform: platform, options: options)
        for body in bodies(for: instance, productKey: key, product: product, options: options) {
            let entries = body["metricInfoList"]?.arrayValue?.count ?? 0
            let response = try await client.call(method: "POST", path: multiplePath, body: body.compactBytes)
            guard let series = response.arrayValue, series.count == entries else {
                throw Failure(.dataError, "unexpected response shape: expected an array of \(entries) series", at: target)
            }
            for (offset, element) in series.enumerated() {
                let query = options.queries[queryIndex + offset]
                guard let points = element["dps"]?.arrayValue ?? (element.arrayValue) else {
                    throw Failure(.dataError, "unexpected response shape: series \(offset + 1) has no dps", at: target)
                }
                for point in points {
                    guard let pair = point.arrayValue, pair.count == 2, let millis = pair[0].doubleValue else {
                        throw Failure(.dataError, "unexpected response shape: a data point is not [time, value]", at: target)
                    }
                    let time = Date(timeIntervalSince1970: millis / 1000)
                    // The window is half-open whatever the service includes at its edges.
                    guard time >= options.period.start, time < options.period.end else { continue }
                    lines.append(line(instance, query, time: time, value: pair[1], options: options, suffix: suffix))
                }
            }
            queryIndex += entries
        }
        return lines
    }

    static func line(
        _ instance: MonitoredInstance, _ query: MetricQuery, time: Date, value: JSONValue, options: Options, suffix: [UInt8]
    ) -> [UInt8] {
        var shown = value
        var unit = MetricProfile.unit(of: query.metric)
        if options.v2Units, let divisor = MetricProfile.v2Divisor(of: query.metric), let number = value.doubleValue {
            shown = .number(String(number / divisor))
            unit = "MB"
        }
        let object = JSONObject([
            ("instanceNo", .string(instance.number)),
            ("instanceName", .string(instance.name)),
            ("metric", .string(query.metric)),
            ("aggregation", .string(query.aggregation)),
            ("interval", .string(options.interval.rawValue)),
            ("timestamp", .string(Timestamps.iso8601(time, in: options.period.timeZone))),
            ("value", shown),
            ("unit", .string(unit)),
        ])
        return RawItem.splice(JSONValue.object(object).compactBytes, suffix)
    }

    static func provenance(_ instance: MonitoredInstance, platform: Platform, options: Options) -> [UInt8] {
        RawItem.suffix([
            ("_resource", .string("metrics")), ("_platform", .string(platform.rawValue)),
            ("_region", instance.region.map { .string($0) } ?? .null), ("_site", .string(options.site.rawValue)),
        ] + (options.customer.map { [("_customer", JSONValue.string($0))] } ?? []) + [
            ("_period", .string(options.period.label)), ("_fetchedAt", .string(options.fetchedAt)),
        ])
    }
}
