import Foundation
import ReportKit

/// `config/report.json` (DESIGN.md §7): named plans (which resources, metric profiles and NAS
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
    }

    public struct CustomerRules: Sendable {
        public var platforms: [Platform]?
        public var exclude: [String] = []
        public var include: [String]?
    }

    public let path: String
    public let plans: [String: PlanSpec]
    public let customers: [String: CustomerRules]

    public init(path: String, plans: [String: PlanSpec], customers: [String: CustomerRules]) {
        self.path = path
        self.plans = plans
        self.customers = customers
    }

    public static let intervals = ["Min1", "Min5", "Min30", "Hour2", "Day1"]

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
            for field in plan.keys where !["resources", "metrics", "nasUsage", "interval", "description"].contains(field) {
                throw fail("\(key).\(field)", "unknown key (expected resources, metrics, nasUsage, interval, description)")
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
                                   description: plan["description"]?.stringValue)
        }
        var customers: [String: CustomerRules] = [:]
        if let customerValue = top["customers"] {
            guard let customerObject = customerValue.objectValue else { throw fail("customers", "must be an object keyed by customer id") }
            for (id, value) in customerObject.pairs {
                let key = "customers.\(id)"
                guard let object = value.objectValue else { throw fail(key, "must be an object") }
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
                    case "$comment":
                        continue
                    default:
                        throw fail("\(key).\(field)", "unknown key (expected platforms, exclude, include)")
                    }
                }
                customers[id] = rules
            }
        }
        return ReportConfig(path: path, plans: plans, customers: customers)
    }
}
