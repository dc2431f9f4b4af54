import Foundation
import NCPKit
import ReportKit

/// What the sandbox serves (README: cloud-sandbox): customers with their keys and fleets, paging
/// conventions, and faults on demand. Same scenario, same responses.
public struct Scenario: Codable, Sendable {
    public var seed: UInt64 = 42
    public var maxPageSize: Int = 100
    /// First page number per paging family (`default`, `clouddb`).
    public var pageBase: [String: Int] = ["default": 1, "clouddb": 0]
    public var latencyMs: Int = 0
    /// The first call of each customer to each path answers 429.
    public var throttleFirstCall: Bool = false
    /// Seconds sent as Retry-After with every 429; nil sends none.
    public var retryAfter: Double? = nil
    public var rate429: Double = 0
    public var rate5xx: Double = 0
    /// Requests per second per access key (0: none); more answer 429 with gateway code 420.
    public var rateLimit: Double = 0
    /// Cloud Insight product keys by product name (`Server(VPC)`…); the documented ones otherwise.
    public var cloudInsightKeys: [String: String] = [:]
    /// Instance numbers whose Cloud Insight queries fail (HTTP 500), to test partial failure.
    public var failMetricsFor: [String] = []
    /// Statuses for the first Teams posts (e.g. [429, 503]), then 202.
    public var teamsFaults: [Int] = []
    public var customers: [Customer] = []
    public var azure = AzureScenario()

    public struct Customer: Codable, Sendable {
        public var id: String
        public var type: String = "pri"
        public var accessKey: String
        public var secretKey: String
        public var platforms: [String] = ["vpc", "classic"]
        /// `"vpc/server": 237`, optionally `"vpc/server@SGN": 5` for another region.
        public var fleet: [String: Int] = [:]
        /// `"vpc/nas-volume"` (or `"vpc/server@SGN"` for one region): answered with responseError 802.
        public var deny: [String] = []
        public var disabled: Bool = false

        public init(id: String, type: String = "pri", accessKey: String, secretKey: String,
                    platforms: [String] = ["vpc", "classic"], fleet: [String: Int] = [:], deny: [String] = [],
                    disabled: Bool = false) {
            self.id = id
            self.type = type
            self.accessKey = accessKey
            self.secretKey = secretKey
            self.platforms = platforms
            self.fleet = fleet
            self.deny = deny
            self.disabled = disabled
        }

        enum CodingKeys: String, CodingKey { case id, type, accessKey, secretKey, platforms, fleet, deny, disabled }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            type = try c.decodeIfPresent(String.self, forKey: .type) ?? "pri"
            accessKey = try c.decode(String.self, forKey: .accessKey)
            secretKey = try c.decode(String.self, forKey: .secretKey)
            platforms = try c.decodeIfPresent([String].self, forKey: .platforms) ?? ["vpc", "classic"]
            fleet = try c.decodeIfPresent([String: Int].self, forKey: .fleet) ?? [:]
            deny = try c.decodeIfPresent([String].self, forKey: .deny) ?? []
            disabled = try c.decodeIfPresent(Bool.self, forKey: .disabled) ?? false
        }

        /// The site this customer's keys belong to (`gov` customers use the gov site).
        public var site: Site { type == "gov" ? .gov : .public }
    }

    public init(customers: [Customer] = []) { self.customers = customers }

    enum CodingKeys: String, CodingKey {
        case seed, maxPageSize, pageBase, latencyMs, throttleFirstCall, retryAfter, rate429, rate5xx, rateLimit, cloudInsightKeys, failMetricsFor, teamsFaults, customers, azure
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 42
        maxPageSize = try c.decodeIfPresent(Int.self, forKey: .maxPageSize) ?? 100
        pageBase = try c.decodeIfPresent([String: Int].self, forKey: .pageBase) ?? ["default": 1, "clouddb": 0]
        latencyMs = try c.decodeIfPresent(Int.self, forKey: .latencyMs) ?? 0
        throttleFirstCall = try c.decodeIfPresent(Bool.self, forKey: .throttleFirstCall) ?? false
        retryAfter = try c.decodeIfPresent(Double.self, forKey: .retryAfter)
        rate429 = try c.decodeIfPresent(Double.self, forKey: .rate429) ?? 0
        rate5xx = try c.decodeIfPresent(Double.self, forKey: .rate5xx) ?? 0
        rateLimit = try c.decodeIfPresent(Double.self, forKey: .rateLimit) ?? 0
        cloudInsightKeys = try c.decodeIfPresent([String: String].self, forKey: .cloudInsightKeys) ?? [:]
        failMetricsFor = try c.decodeIfPresent([String].self, forKey: .failMetricsFor) ?? []
        teamsFaults = try c.decodeIfPresent([Int].self, forKey: .teamsFaults) ?? []
        customers = try c.decode([Customer].self, forKey: .customers)
        azure = try c.decodeIfPresent(AzureScenario.self, forKey: .azure) ?? AzureScenario()
    }

    public func base(for family: String) -> Int { pageBase[family] ?? pageBase["default"] ?? 1 }

    /// Reads and checks a scenario file; a bad one is exit 78 naming the file and the key.
    public static func load(path: String) throws -> Scenario {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(.noInput, "cannot read the scenario", at: path)
        }
        let scenario: Scenario
        do {
            scenario = try JSONDecoder().decode(Scenario.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw Failure(.config, "missing key '\(key.stringValue)'", at: "\(path): \(keyPath(context.codingPath))")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw Failure(.config, "wrong type: \(context.debugDescription)", at: "\(path): \(keyPath(context.codingPath))")
        } catch let DecodingError.dataCorrupted(context) {
            throw Failure(.config, "not valid JSON: \(context.underlyingError.map { "\($0)" } ?? context.debugDescription)", at: path)
        }
        try scenario.validate(path: path)
        return scenario
    }

    static func keyPath(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: ["."])
    }

    public func validate(path: String = "scenario") throws {
        guard maxPageSize >= 1 else { throw Failure(.config, "maxPageSize must be at least 1", at: "\(path): maxPageSize") }
        guard (0...1).contains(rate429), (0...1).contains(rate5xx) else {
            throw Failure(.config, "rates must be between 0 and 1", at: "\(path): rate429/rate5xx")
        }
        guard (1...25).contains(azure.vaultPageSize) else { throw Failure(.config, "vaultPageSize must be 1 to 25", at: "\(path): azure.vaultPageSize") }
        var keys = Set<String>()
        for (index, customer) in customers.enumerated() {
            guard keys.insert(customer.accessKey).inserted else {
                throw Failure(.config, "access key used twice", at: "\(path): customers[\(index)].accessKey")
            }
            for key in customer.fleet.keys {
                let name = key.split(separator: "@").first.map(String.init) ?? key
                let parts = name.split(separator: "/").map(String.init)
                // platform/resource, or platform/resource/QUALIFIER for the extras Fixtures names.
                guard parts.count == 2 || parts.count == 3, let platform = Platform(rawValue: parts[0]),
                    ResourceCatalog.named(parts[1])?.spec(for: platform) != nil,
                    parts.count == 2 || Fixtures.fleetQualifiers[parts[1]]?.contains(parts[2]) == true
                else {
                    throw Failure(.config, "unknown fleet entry '\(key)' (expected platform/resource from the catalog, or \(Scenario.qualifiedKeys))",
                                  at: "\(path): customers[\(index)].fleet")
                }
            }
        }
    }

    /// The qualified fleet keys, for messages: `platform/block-storage/detached`, ….
    static var qualifiedKeys: String {
        Fixtures.fleetQualifiers.sorted { $0.key < $1.key }
            .flatMap { resource, qualifiers in qualifiers.map { "platform/\(resource)/\($0)" } }.joined(separator: ", ")
    }

    /// Three customers, VPC and Classic, one gov; used without `--scenario`.
    public static let builtIn: Scenario = {
        var scenario = Scenario(customers: [
            Customer(id: "alpha", accessKey: "SBXALPHAACCESSKEY0001", secretKey: "sbxAlphaSecretKey0123456789abcdefghijk",
                     fleet: ["vpc/server": 12, "classic/server": 4, "vpc/block-storage": 18]),
            Customer(id: "bravo", accessKey: "SBXBRAVOACCESSKEY0002", secretKey: "sbxBravoSecretKey0123456789abcdefghijk",
                     platforms: ["vpc"], fleet: ["vpc/server": 7], deny: ["vpc/nas-volume"]),
            Customer(id: "charlie", type: "gov", accessKey: "SBXCHARLIEACCESSKEY03", secretKey: "sbxCharlieSecretKey0123456789abcdefgh",
                     platforms: ["vpc"], fleet: ["vpc/server": 3]),
        ])
        scenario.seed = 42
        return scenario
    }()
}
