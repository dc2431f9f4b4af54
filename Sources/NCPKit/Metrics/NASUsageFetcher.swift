import Foundation
import ReportKit

/// NAS usage per volume over a period (`getNasVolumeInstanceRatingList`, both platforms),
/// volumes concurrently; one volume failing never loses another's rows.
public struct NASUsageFetcher: Sendable {
    public static func spec(_ platform: Platform) -> ResourceSpec {
        switch platform {
        case .vpc:
            return ResourceSpec("/vnas/v2/getNasVolumeInstanceRatingList", list: "nasVolumeInstanceRatingList", id: nil, paging: .none, region: .code)
        case .classic:
            return ResourceSpec("/server/v2/getNasVolumeInstanceRatingList", list: "nasVolumeInstanceRatingList", id: nil, paging: .none, region: .global)
        }
    }

    public struct Options: Sendable {
        public var period: ReportPeriod
        public var interval: String
        public var defaultPlatform: Platform
        public var region: String
        public var concurrency: Int
        public var site: Site
        public var customer: String?
        public var fetchedAt: String

        public init(period: ReportPeriod, interval: String = "1d", defaultPlatform: Platform, region: String, concurrency: Int = 12,
                    site: Site, customer: String? = nil, fetchedAt: String) {
            self.period = period
            self.interval = interval
            self.defaultPlatform = defaultPlatform
            self.region = region
            self.concurrency = concurrency
            self.site = site
            self.customer = customer
            self.fetchedAt = fetchedAt
        }
    }

    public let client: NCPClient

    public init(client: NCPClient) { self.client = client }

    /// `2026-10-31T15:00:00+0000`: the rating API's time format, in UTC.
    public static func apiTime(_ date: Date) -> String {
        Timestamps.ncp(date, in: TimeZone(identifier: "UTC")!)
    }

    public func run(_ volumes: [MonitoredInstance], options: Options, emit: ([UInt8]) throws -> Void) async throws -> MetricsFetcher.Outcome {
        let client = self.client
        return try await MonitoredInstance.each(volumes, concurrency: options.concurrency, emit: emit) { volume in
            try await NASUsageFetcher.fetch(volume, options: options, client: client)
        }
    }

    static func fetch(_ volume: MonitoredInstance, options: Options, client: NCPClient) async throws -> [[UInt8]] {
        let platform = volume.platform ?? options.defaultPlatform
        let spec = spec(platform)
        var query: [(key: String, value: String)] = []
        if spec.region == .code { query.append(("regionCode", volume.region ?? options.region)) }
        query += [
            ("nasVolumeInstanceNo", volume.number), ("startTime", apiTime(options.period.start)),
            ("endTime", apiTime(options.period.end)), ("interval", options.interval),
        ]
        let response = try await client.send(method: "GET", path: spec.path, query: query)
        let page = try InventoryFetcher.extractPage(response, spec: spec, target: "GET \(spec.path)")
        let suffix = RawItem.suffix([
            ("nasVolumeInstanceNo", .string(volume.number)), ("volumeName", .string(volume.name)),
            ("_resource", .string("nas-usage")), ("_platform", .string(platform.rawValue)),
            ("_region", .string(volume.region ?? options.region)), ("_site", .string(options.site.rawValue)),
        ] + (options.customer.map { [("_customer", JSONValue.string($0))] } ?? []) + [
            ("_period", .string(options.period.label)), ("_fetchedAt", .string(options.fetchedAt)),
        ])
        return page.items.map { RawItem.splice($0.bytes, suffix) }
    }
}
