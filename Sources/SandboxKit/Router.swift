import NCPKit
import ReportKit

/// Maps a request path to the catalog resource it lists. The sandbox serves exactly the
/// catalog, so a path the tools can call is a path the sandbox answers.
enum Router {
    struct Match {
        let resource: Resource
        let platform: Platform
        let spec: ResourceSpec
        let nksRegion: String?
    }

    static let index: [String: (Resource, Platform, ResourceSpec)] = {
        var result: [String: (Resource, Platform, ResourceSpec)] = [:]
        for resource in ResourceCatalog.all {
            for (platform, spec) in resource.specs where result[spec.path] == nil {
                result[spec.path] = (resource, platform, spec)
            }
        }
        return result
    }()

    static func match(path: String) -> Match? {
        if let (resource, platform, spec) = index[path] {
            return Match(resource: resource, platform: platform, spec: spec, nksRegion: nil)
        }
        // NKS puts the region in the path: /vnks/sgn-v2/clusters, /vnks/krs-v2/clusters.
        let parts = path.split(separator: "/")
        if parts.count >= 3, parts[0] == "vnks", parts[1].hasSuffix("-v2") {
            let canonical = "/vnks/v2/" + parts.dropFirst(2).joined(separator: "/")
            if let (resource, platform, spec) = index[canonical] {
                return Match(resource: resource, platform: platform, spec: spec, nksRegion: parts[1].dropLast(3).uppercased())
            }
        }
        return nil
    }

    /// The permission an 802 names, e.g. `NAS:View/getNASVolumeInstanceList`.
    static func permissionName(_ path: String) -> String {
        let parts = path.split(separator: "/")
        let prefix = parts.first.map(String.init) ?? ""
        var action = parts.last.map(String.init) ?? ""
        let services: [String: String] = [
            "vserver": "Server", "server": "Server", "vnas": "NAS", "vpc": "VPC", "vloadbalancer": "LoadBalancer",
            "loadbalancer": "LoadBalancer", "vautoscaling": "AutoScaling", "autoscaling": "AutoScaling",
            "vmysql": "CloudDBforMySQL", "vpostgresql": "CloudDBforPostgreSQL", "vmssql": "CloudDBforMSSQL",
            "vredis": "CloudDBforRedis", "vmongodb": "CloudDBforMongoDB", "clouddb": "CloudDB", "cdn": "CDN",
            "vnks": "NKS", "billing": "Billing", "api": "ResourceManager",
        ]
        let service = services[prefix] ?? prefix
        if service == "NAS" { action = action.replacingOccurrences(of: "Nas", with: "NAS") }
        return "\(service):View/\(action)"
    }
}
