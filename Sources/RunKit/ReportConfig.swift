import Foundation
import NCPKit
import ReportKit

/// `config/report.json` (docs/contract.md: Customers, plans and rules): named plans (which resources, metric profiles and NAS
/// usage a report includes) and per-customer platforms, exclusions and inclusions. Validated
/// on load: a malformed file is exit 78 naming the file and the key.
public struct ReportConfig: Sendable {
    public struct PlanSpec: Sendable {
        public let name: String
        public let resources: [String]
        public let metrics: [String]
        public let nasUsage: Bool
        public let interval: String?
        public let description: String?
        /// Items a report is not complete without (`vpc/server`): a denial of one of them is a
        /// failure, not a warning (a missing server list is not a green night).
        public var required: [String] = []
    }

    public struct CustomerRules: Sendable {
        public var platforms: [Platform]?
        public var exclude: [String] = []
        public var include: [String]?
        /// The plans these rules apply to; nil: every plan. A 20th-report `include` scoped to
        /// `cycle-20th` leaves the customer's monthly report whole.
        public var plans: [String]?

        public init(platforms: [Platform]? = nil, exclude: [String] = [], include: [String]? = nil, plans: [String]? = nil) {
            self.platforms = platforms
            self.exclude = exclude
            self.include = include
            self.plans = plans
        }

        public func applies(to plan: String) -> Bool { plans?.contains(plan) ?? true }
    }

    public let path: String
    public let plans: [String: PlanSpec]
    /// Each customer's rule sets in file order (one object, or an array of them).
    public let customers: [String: [CustomerRules]]

    public init(path: String, plans: [String: PlanSpec], customers: [String: [CustomerRules]]) {
        self.path = path
        self.plans = plans
        self.customers = customers
    }

    /// A customer's rules for one plan: every rule set that applies to it, merged (the last
    /// `platforms` given, every exclusion, every inclusion); nil when none applies.
    public func rules(customer: String, plan: String) -> CustomerRules? {
        let sets = (customers[customer] ?? []).filter { $0.applies(to: plan) }
        guard !sets.isEmpty else { return nil }
        var merged = CustomerRules()
        for set in sets {
            if let platforms = set.platforms { merged.platforms = platforms }
            merged.exclude += set.exclude
            if let include = set.include { merged.include = (merged.include ?? []) + include }
        }
        return merged
    }

    public static let intervals = MetricInterval.allCases.map(\.rawValue)

    public static func load(path: String) throws -> ReportConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(.config, "cannot read the report configuration", at: path)
        }
        let root: JSONValue
        do { root = try JSONParser.parse([UInt8](data)) } catch {
            throw Failure(.config, "not valid JSON: \(error)", at: path)
        }
        return try parse(root, path: path)
    }

    public static func parse(_ root: JSONValue, path: String) throws -> ReportConfig {
        func fail(_ key: String, _ message: String) -> Failure { Failure(.config, message, at: "\(path): \(key)") }
        guard let top = root.objectValue else { throw fail("(top)", "must be an object with plans and customers") }
        for key in top.keys where !["plans", "customers", "$comment"].contains(key) {
            throw fail(key, "unknown key (expected plans, customers)")
        }
        func strings(_ value: JSONValue?, _ key: String) throws -> [String]? {
            guard let value else { return nil }
            guard let array = value.arrayValue else { throw fail(key, "must be an array of strings") }
            return try array.enumerated().map { index, item in
                guard let text = item.stringValue, !text.isEmpty else { throw fail("\(key)[\(index)]", "must be a non-empty string") }
                return text
            }
        }
        var plans: [String: PlanSpec] = [:]
        guard let planObject = top["plans"]?.objectValue, !planObject.pairs.isEmpty else { throw fail("plans", "must be an object naming at least one plan") }
        for (name, value) in planObject.pairs {
            let key = "plans.\(name)"
            guard let plan = value.objectValue else { throw fail(key, "must be an object") }
            for field in plan.keys where !["resources", "metrics", "nasUsage", "interval", "description", "required"].contains(field) {
                throw fail("\(key).\(field)", "unknown key (expected resources, metrics, nasUsage, interval, description, required)")
            }
            let required = try strings(plan["required"], "\(key).required") ?? []
            for (index, pattern) in required.enumerated() {
                try PlanResolver.checkPattern(pattern, allowPseudo: true, at: "\(path): \(key).required[\(index)]")
            }
            let resources = try strings(plan["resources"], "\(key).resources") ?? []
            for (index, pattern) in resources.enumerated() {
                try PlanResolver.checkPattern(pattern, allowPseudo: false, at: "\(path): \(key).resources[\(index)]")
            }
            let metrics = try strings(plan["metrics"], "\(key).metrics") ?? []
            for (index, profile) in metrics.enumerated() where MetricProfile.named(profile) == nil {
                throw fail("\(key).metrics[\(index)]", "unknown metric profile '\(profile)' (expected \(MetricProfile.all.map(\.name).joined(separator: ", ")))")
            }
            var nasUsage = false
            if let flag = plan["nasUsage"] {
                guard case .bool(let value) = flag else { throw fail("\(key).nasUsage", "must be true or false") }
                nasUsage = value
            }
            let interval = plan["interval"].map { $0.stringValue ?? "" }
            if let interval, !intervals.contains(interval) {
                throw fail("\(key).interval", "must be one of \(intervals.joined(separator: ", "))")
            }
            if resources.isEmpty, metrics.isEmpty, !nasUsage { throw fail(key, "includes nothing (no resources, metrics or nasUsage)") }
            plans[name] = PlanSpec(name: name, resources: resources, metrics: metrics, nasUsage: nasUsage, interval: interval,
                                   description: plan["description"]?.stringValue, required: required)
        }
        var customers: [String: [CustomerRules]] = [:]
        if let customerValue = top["customers"] {
            guard let customerObject = customerValue.objectValue else { throw fail("customers", "must be an object keyed by customer id") }
            for (id, value) in customerObject.pairs {
                // One rule set, or an array of them (e.g. exclusions for every plan and an
                // inclusion list for the 20th report alone).
                let sets: [(key: String, value: JSONValue)] = value.arrayValue.map { array in
                    array.enumerated().map { ("customers.\(id)[\($0.offset)]", $0.element) }
                } ?? [("customers.\(id)", value)]
                customers[id] = try sets.map { key, value in
                    try customerRules(value, key: key, path: path, plans: plans, strings: strings, fail: fail)
                }
            }
        }
        return ReportConfig(path: path, plans: plans, customers: customers)
    }

    static func customerRules(_ value: JSONValue, key: String, path: String, plans: [String: PlanSpec],
                              strings: (JSONValue?, String) throws -> [String]?, fail: (String, String) -> Failure) throws -> CustomerRules {
        guard let object = value.objectValue else { throw fail(key, "must be an object (or an array of objects)") }
        var rules = CustomerRules()
        for (field, fieldValue) in object.pairs {
            switch field {
            case "platforms":
                let names = try strings(fieldValue, "\(key).platforms") ?? []
                rules.platforms = try names.enumerated().map { index, name in
                    guard let platform = Platform(rawValue: name) else { throw fail("\(key).platforms[\(index)]", "must be vpc or classic") }
                    return platform
                }
            case "exclude", "include":
                let patterns = try strings(fieldValue, "\(key).\(field)") ?? []
                for (index, pattern) in patterns.enumerated() {
                    try PlanResolver.checkPattern(pattern, allowPseudo: true, at: "\(path): \(key).\(field)[\(index)]")
                }
                if field == "exclude" { rules.exclude = patterns } else { rules.include = patterns }
            case "plans":
                let names = try strings(fieldValue, "\(key).plans") ?? []
                for (index, name) in names.enumerated() where plans[name] == nil {
                    throw fail("\(key).plans[\(index)]", "no plan '\(name)' (plans: \(plans.keys.sorted().joined(separator: ", ")))")
                }
                rules.plans = names
            case "$comment":
                continue
            default:
                throw fail("\(key).\(field)", "unknown key (expected platforms, exclude, include, plans)")
            }
        }
        return rules
    }
}
