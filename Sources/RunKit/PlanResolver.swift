import Foundation
import NCPKit
import ReportKit

/// What one step of a customer's report does.
public enum StepKind: Sendable, Equatable {
    /// `ncp-fetch RESOURCE` into a file and a table.
    case inventory
    /// Cloud Insight series for the instances `source` lists (`server`, `mysql`).
    case metrics(profile: String, source: String)
    /// NAS volume usage for the NAS volumes.
    case nasUsage
}

/// One planned step: customer × platform × item, with the file name and table it lands in.
public struct PlannedStep: Sendable, Equatable {
    public let platform: Platform
    /// The catalog name, or the pseudo resources `server-metrics`, `mysql-metrics`, `nas-usage`.
    public let resource: String
    public let kind: StepKind

    /// File name under OUT/PERIOD/CUSTOMER/ (`vpc-server`) and table (`vpc_server`).
    public var name: String { "\(platform.rawValue)-\(resource)" }
    public var table: String { name.replacingOccurrences(of: "-", with: "_") }
    public var item: String { "\(platform.rawValue)/\(resource)" }

    public var json: JSONValue {
        .object(JSONObject([("platform", .string(platform.rawValue)), ("resource", .string(resource)), ("file", .string(name)), ("table", .string(table))]))
    }
}

/// Turns a plan and a customer's rules into steps. Patterns are `platform/resource` with shell
/// globs (`classic/*`, `vpc/*sql`, `*/server`); metric profiles and NAS usage are the pseudo
/// resources `server-metrics`, `mysql-metrics` and `nas-usage`, so exclusions reach them too.
public enum PlanResolver {
    /// Where each metric profile's instances come from, and on which platforms it exists.
    static let metricSources: [String: (source: String, platforms: [Platform])] = [
        "server": ("server", [.vpc, .classic]), "mysql": ("mysql", [.vpc]),
    ]

    /// Every item a plan can name: catalog resources per platform and the pseudo resources.
    static var universe: [(Platform, String)] {
        var items: [(Platform, String)] = []
        for resource in ResourceCatalog.all {
            for platform in Platform.allCases where resource.spec(for: platform) != nil { items.append((platform, resource.name)) }
        }
        for (profile, entry) in metricSources.sorted(by: { $0.key > $1.key }) {
            for platform in entry.platforms { items.append((platform, "\(profile)-metrics")) }
        }
        for platform in Platform.allCases { items.append((platform, "nas-usage")) }
        return items
    }

    public static func matches(_ pattern: String, _ item: String) -> Bool {
        fnmatch(pattern, item, 0) == 0
    }

    static func checkPattern(_ pattern: String, allowPseudo: Bool, at location: String) throws {
        guard pattern.split(separator: "/", omittingEmptySubsequences: false).count == 2 else {
            throw Failure(.config, "'\(pattern)' is not platform/resource (e.g. vpc/server, classic/*)", at: location)
        }
        let candidates = universe.filter { allowPseudo || !$0.1.hasSuffix("-metrics") && $0.1 != "nas-usage" }
        guard candidates.contains(where: { matches(pattern, "\($0.0.rawValue)/\($0.1)") }) else {
            throw Failure(.config, "'\(pattern)' matches no resource (see ncp-fetch --list)", at: location)
        }
    }

    public static func steps(plan: ReportConfig.PlanSpec, rules: ReportConfig.CustomerRules?) -> [PlannedStep] {
        let platforms = rules?.platforms ?? Platform.allCases
        var steps: [PlannedStep] = []
        for resource in ResourceCatalog.all {
            for platform in Platform.allCases where platforms.contains(platform) && resource.spec(for: platform) != nil {
                let item = "\(platform.rawValue)/\(resource.name)"
                if plan.resources.contains(where: { matches($0, item) }) {
                    steps.append(PlannedStep(platform: platform, resource: resource.name, kind: .inventory))
                }
            }
        }
        for profile in plan.metrics {
            guard let entry = metricSources[profile] else { continue }
            for platform in entry.platforms where platforms.contains(platform) {
                steps.append(PlannedStep(platform: platform, resource: "\(profile)-metrics", kind: .metrics(profile: profile, source: entry.source)))
            }
        }
        if plan.nasUsage {
            for platform in Platform.allCases where platforms.contains(platform) {
                steps.append(PlannedStep(platform: platform, resource: "nas-usage", kind: .nasUsage))
            }
        }
        if let include = rules?.include { steps = steps.filter { step in include.contains { matches($0, step.item) } } }
        if let exclude = rules?.exclude { steps = steps.filter { step in !exclude.contains { matches($0, step.item) } } }
        return steps
    }
}
