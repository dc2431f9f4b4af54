import Foundation
import ReportKit

/// What a customer's report page shows, worked out from a period's files (`CustomerAnalysis`);
/// the HTML is made of this alone (`PageRenderer`), so every number on a page can be tested
/// against its input without a browser.
public struct CustomerReport: Sendable {
    public var customer: String
    /// The period's label (`2026-10`) and the one compared with, if its files were found.
    public var period: String
    public var previousPeriod: String?
    /// Resources by kind, platform and region (one row per non-empty combination).
    public var inventory: [InventoryCount] = []
    /// Resources that appeared or went away since the previous period, by id.
    public var changes: [InventoryChange] = []
    public var servers: [ServerRow] = []
    public var databases: [DatabaseRow] = []
    public var nasVolumes: [NASRow] = []
    /// What an engineer acts on, most serious first.
    public var flags: [Flag] = []
    /// The bill, when it was collected.
    public var cost: CostSummary?
    /// What this run could not collect for the customer (denials, failures, skipped steps).
    public var notCollected: [MissingItem] = []
    /// Whether outcome records of a run were found for this customer: without them a page
    /// cannot say the collection was complete.
    public var collectionKnown = true
    /// The days the period's daily series cover, in order (`2026-10-01` …).
    public var days: [String] = []

    public init(customer: String, period: String) {
        self.customer = customer
        self.period = period
    }

    /// Nothing was collected at all for this customer.
    public var isEmpty: Bool { inventory.isEmpty && servers.isEmpty && databases.isEmpty && nasVolumes.isEmpty && cost == nil }
    /// Every planned step completed, as this customer's outcome records say.
    public var isComplete: Bool { notCollected.isEmpty && collectionKnown }
    public var resourceCount: Int { inventory.reduce(0) { $0 + $1.count } }
}

public struct InventoryCount: Sendable, Equatable {
    /// The catalog name (`server`, `block-storage`, …).
    public var kind: String
    public var platform: String
    public var region: String
    public var count: Int

    public init(kind: String, platform: String, region: String, count: Int) {
        self.kind = kind
        self.platform = platform
        self.region = region
        self.count = count
    }
}

public struct InventoryChange: Sendable, Equatable {
    public enum Direction: String, Sendable { case added, removed }
    public var direction: Direction
    public var kind: String
    public var platform: String
    public var id: String
    public var name: String

    public init(direction: Direction, kind: String, platform: String, id: String, name: String) {
        self.direction = direction
        self.kind = kind
        self.platform = platform
        self.id = id
        self.name = name
    }
}

/// A metric over the period: its mean of the daily averages and its highest peak.
public struct MetricSummary: Sendable, Equatable {
    public var average: Double?
    public var maximum: Double?
    /// One value per day of `CustomerReport.days` (nil: no data that day).
    public var daily: [Double?]

    public init(average: Double?, maximum: Double?, daily: [Double?]) {
        self.average = average
        self.maximum = maximum
        self.daily = daily
    }

    public static let none = MetricSummary(average: nil, maximum: nil, daily: [])
    public var hasData: Bool { average != nil || maximum != nil }
}

public struct ServerRow: Sendable, Equatable {
    public var id: String
    public var name: String
    public var platform: String
    public var region: String
    /// NCP's status code (`RUN`, `NSTOP`, …) and its name (`running`).
    public var status: String
    public var statusName: String
    public var cpuCount: Int?
    public var memoryBytes: Int?
    /// The server product or type code, for the spec column.
    public var spec: String?
    public var cpu: MetricSummary = .none
    public var memory: MetricSummary = .none
    public var fileSystem: MetricSummary = .none

    public init(id: String, name: String, platform: String, region: String, status: String, statusName: String) {
        self.id = id
        self.name = name
        self.platform = platform
        self.region = region
        self.status = status
        self.statusName = statusName
    }

    public var isRunning: Bool { status == "RUN" }
}

public struct DatabaseRow: Sendable, Equatable {
    /// `mysql`, `postgresql`, `mssql`, `redis`, `mongodb` or `cloud-db` (Classic).
    public var kind: String
    public var platform: String
    public var id: String
    public var name: String
    public var status: String
    public var version: String?
    public var nodes: Int

    public init(kind: String, platform: String, id: String, name: String, status: String, version: String?, nodes: Int) {
        self.kind = kind
        self.platform = platform
        self.id = id
        self.name = name
        self.status = status
        self.version = version
        self.nodes = nodes
    }
}

public struct NASRow: Sendable, Equatable {
    public var id: String
    public var name: String
    public var platform: String
    public var sizeBytes: Int?
    /// The highest use over the period (NAS usage), else the list's current ratio.
    public var maxUsePercent: Double?

    public init(id: String, name: String, platform: String, sizeBytes: Int?, maxUsePercent: Double?) {
        self.id = id
        self.name = name
        self.platform = platform
        self.sizeBytes = sizeBytes
        self.maxUsePercent = maxUsePercent
    }
}

public struct Flag: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Peak CPU near 100%.
        case hotCPU = "hot-cpu"
        /// A file system near full.
        case fileSystemFull = "file-system-full"
        /// A NAS volume near its capacity.
        case nasNearFull = "nas-near-full"
        /// Not running (stopped servers still cost their storage and IPs).
        case stopped
        /// Low average and low peak CPU over the whole period.
        case idle
        /// A public IP attached to no server.
        case unattachedIP = "unattached-ip"
        /// A block storage volume attached to no server (and not a Kubernetes volume).
        case unattachedVolume = "unattached-volume"

        /// Ordering on the page and in the overview: what needs attention first.
        public var severity: Int {
            switch self {
            case .hotCPU, .fileSystemFull, .nasNearFull: return 3
            case .stopped: return 2
            case .idle, .unattachedIP, .unattachedVolume: return 1
            }
        }
    }

    public var kind: Kind
    public var platform: String
    public var id: String
    public var name: String
    /// The numbers behind it (`peak CPU 97.2%`), in the page's language by the renderer.
    public var value: Double?

    public init(kind: Kind, platform: String, id: String, name: String, value: Double? = nil) {
        self.kind = kind
        self.platform = platform
        self.id = id
        self.name = name
        self.value = value
    }
}

public struct CostSummary: Sendable, Equatable {
    public var amount: Double
    public var currency: String
    public var previousAmount: Double?

    public init(amount: Double, currency: String, previousAmount: Double?) {
        self.amount = amount
        self.currency = currency
        self.previousAmount = previousAmount
    }
}

public struct MissingItem: Sendable, Equatable {
    public var platform: String
    public var resource: String
    public var region: String
    public var step: String
    /// `denied`, `failed` or `skipped`.
    public var status: String
    public var error: String?

    public init(platform: String, resource: String, region: String, step: String, status: String, error: String?) {
        self.platform = platform
        self.resource = resource
        self.region = region
        self.step = step
        self.status = status
        self.error = error
    }
}

/// When a server or volume is flagged. Configuration (`--thresholds FILE` or flags); the
/// defaults are stated on every page.
public struct Thresholds: Codable, Sendable, Equatable {
    /// Idle: average CPU below this and peak CPU below `idlePeakCPU` (percent).
    public var idleAverageCPU: Double = 5
    public var idlePeakCPU: Double = 20
    /// Hot: peak CPU at or above this, or a file system's peak use at or above `fileSystemFull`.
    public var hotPeakCPU: Double = 90
    public var fileSystemFull: Double = 90
    /// A NAS volume whose use reached this (percent).
    public var nasFull: Double = 85

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case idleAverageCPU, idlePeakCPU, hotPeakCPU, fileSystemFull, nasFull }

    /// Any of the fields; the others keep their defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        for key in CodingKeys.allCases {
            guard let value = try container.decodeIfPresent(Double.self, forKey: key) else { continue }
            guard (0...100).contains(value) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "must be a percentage, 0 to 100")
            }
            switch key {
            case .idleAverageCPU: idleAverageCPU = value
            case .idlePeakCPU: idlePeakCPU = value
            case .hotPeakCPU: hotPeakCPU = value
            case .fileSystemFull: fileSystemFull = value
            case .nasFull: nasFull = value
            }
        }
    }

    /// A thresholds file: a JSON object of any of the fields; a bad one is exit 78 naming it.
    public static func read(_ path: String) throws -> Thresholds {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure(.noInput, "cannot read the thresholds", at: path) }
        do {
            return try JSONDecoder().decode(Thresholds.self, from: data)
        } catch {
            throw Failure(.config, "thresholds: \(BatchCoding.describe(error))", at: path)
        }
    }
}

/// One customer in the MSP's overview.
public struct OverviewRow: Sendable, Equatable {
    public var customer: String
    public var resources: Int
    public var servers: Int
    /// Flags by kind.
    public var flags: [Flag.Kind: Int]
    public var cost: CostSummary?
    public var complete: Bool
    /// Outcome records were found for the customer (else its status is unknown).
    public var known: Bool
    public var notCollected: Int
    /// The page, relative to the overview (`alpha/report.html`).
    public var link: String

    public init(_ report: CustomerReport) {
        customer = report.customer
        resources = report.resourceCount
        servers = report.servers.count
        flags = Dictionary(grouping: report.flags, by: \.kind).mapValues(\.count)
        cost = report.cost
        complete = report.isComplete
        known = report.collectionKnown
        notCollected = report.notCollected.count
        link = "\(report.customer)/report.html"
    }

    /// What needs attention first: incomplete collection, then the most serious flags.
    public var attention: Int {
        (complete ? 0 : 1_000_000) + flags.reduce(0) { $0 + $1.value * [1, 100, 10_000][max(0, min(2, $1.key.severity - 1))] }
    }

    /// Highest attention first, then by name.
    public static func sorted(_ rows: [OverviewRow]) -> [OverviewRow] {
        rows.sorted { ($0.attention, $1.customer) > ($1.attention, $0.customer) }
    }
}
