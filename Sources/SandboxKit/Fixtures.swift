import NCPKit
import ReportKit

/// Which SDK model each catalog resource's items are made from, and the static lists NCP
/// itself defines (regions, zones). Adding a resource to the catalog means one line here.
enum Fixtures {
    /// `platform/resource` → model name in `SDKModels` (or `ExtraModels` for APIs the SDKs lack).
    static let models: [String: String] = [
        "vpc/server": "vserver.ServerInstance", "classic/server": "server.ServerInstance",
        "vpc/server-image-product": "vserver.Product", "classic/server-image-product": "server.Product",
        "vpc/member-server-image": "vserver.MemberServerImageInstance", "classic/member-server-image": "server.MemberServerImage",
        "vpc/block-storage": "vserver.BlockStorageInstance", "classic/block-storage": "server.BlockStorageInstance",
        "vpc/block-storage-snapshot": "vserver.BlockStorageSnapshotInstance",
        "classic/block-storage-snapshot": "server.BlockStorageSnapshotInstance",
        "vpc/public-ip": "vserver.PublicIpInstance", "classic/public-ip": "server.PublicIpInstance",
        "vpc/load-balancer": "vloadbalancer.LoadBalancerInstance", "classic/load-balancer": "loadbalancer.LoadBalancerInstance",
        "vpc/target-group": "vloadbalancer.TargetGroup",
        "vpc/nas-volume": "vnas.NasVolumeInstance", "classic/nas-volume": "server.NasVolumeInstance",
        "vpc/vpc": "vpc.Vpc", "vpc/subnet": "vpc.Subnet", "vpc/nat-gateway": "go.vpc.NatGatewayInstance",
        "vpc/acg": "vserver.AccessControlGroup", "classic/acg": "server.AccessControlGroup",
        "vpc/network-interface": "vserver.NetworkInterface", "classic/network-interface": "server.NetworkInterface",
        "vpc/mysql": "go.vmysql.CloudMysqlInstance", "vpc/postgresql": "go.vpostgresql.CloudPostgresqlInstance",
        "vpc/mssql": "go.vmssql.CloudMssqlInstance", "vpc/redis": "go.vredis.CloudRedisInstance",
        "vpc/mongodb": "go.vmongodb.CloudMongoDbInstance",
        "classic/cloud-db": "clouddb.CloudDBInstance",
        "vpc/auto-scaling-group": "vautoscaling.AutoScalingGroup", "classic/auto-scaling-group": "autoscaling.AutoScalingGroup",
        "vpc/nks-cluster": "go.vnks.Cluster",
        "vpc/cdn-plus": "cdn.CdnPlusInstance", "classic/cdn-plus": "cdn.CdnPlusInstance",
        "vpc/global-cdn": "cdn.GlobalCdnInstance", "classic/global-cdn": "cdn.GlobalCdnInstance",
        "vpc/server-product": "vserver.Product", "classic/server-product": "server.Product",
        "vpc/product": "extra.BillingProduct", "classic/product": "extra.BillingProduct",
        "vpc/cost": "extra.DemandCost", "classic/cost": "extra.DemandCost",
        "vpc/resource": "extra.Resource", "classic/resource": "extra.Resource",
    ]

    /// Items when the scenario names no count (in the site's first region; 0 elsewhere).
    static func defaultCount(_ resource: String) -> Int {
        switch resource {
        case "vpc": return 2
        case "subnet": return 3
        case "server": return 5
        case "block-storage": return 6
        case "server-image-product", "server-product": return 4
        case "product": return 6
        case "cost": return 1
        default: return 2
        }
    }

    /// Extra fleet keys per resource, `platform/resource/QUALIFIER[@REGION]`: that many more items
    /// of a kind, after the resource's own count. Block storage: `detached` volumes (no server)
    /// and `pvc` volumes (Kubernetes persistent volumes named `…-pvc-…`, every other one attached).
    static let fleetQualifiers: [String: [String]] = ["block-storage": ["detached", "pvc"]]

    /// Lists NCP itself defines, answered in every region (not only the site's first).
    static let everyRegion: Set<String> = ["server-image-product", "server-product"]

    /// Networks other resources link to: present by default in any region the scenario uses.
    static let networks: Set<String> = ["vpc", "subnet"]

    /// Resource Manager lists these fleets as the account's resources.
    static let resourceManagerTypes: [(resource: String, type: String, product: String)] = [
        ("server", "Server", "Server"), ("block-storage", "BlockStorage", "Server"), ("public-ip", "PublicIp", "Server"),
        ("load-balancer", "LoadBalancer", "LoadBalancer"), ("nas-volume", "NasVolume", "NAS"), ("vpc", "VPC", "VPC"),
        ("subnet", "Subnet", "VPC"), ("nat-gateway", "NatGateway", "VPC"), ("mysql", "CloudMysql", "CloudDBforMySQL"),
        ("postgresql", "CloudPostgresql", "CloudDBforPostgreSQL"), ("mssql", "CloudMssql", "CloudDBforMSSQL"),
        ("redis", "CloudRedis", "CloudDBforRedis"), ("mongodb", "CloudMongoDb", "CloudDBforMongoDB"),
        ("cloud-db", "CloudDB", "CloudDB"),
    ]

    struct Region: Sendable {
        let code: String
        let number: String
        let name: String
    }

    /// VPC regions per site (getRegionList doc examples; gov KR/KRS; fin FKR).
    static func vpcRegions(_ site: Site) -> [Region] {
        switch site {
        case .public: return [Region(code: "KR", number: "1", name: "Korea"), Region(code: "SGN", number: "7", name: "Singapore(New)"), Region(code: "JPN", number: "8", name: "Japan(New)")]
        case .gov: return [Region(code: "KR", number: "1", name: "Korea"), Region(code: "KRS", number: "2", name: "Korea South")]
        case .fin: return [Region(code: "FKR", number: "1", name: "Korea")]
        }
    }

    /// Classic regions (NCP's getRegionList documentation).
    static let classicRegions: [Region] = [
        Region(code: "KR", number: "1", name: "Korea"), Region(code: "USW", number: "2", name: "US-West(Old)"),
        Region(code: "HK", number: "3", name: "HongKong"), Region(code: "DE", number: "6", name: "Germany(Old)"),
        Region(code: "SGN", number: "7", name: "Singapore(New)"), Region(code: "JPN", number: "8", name: "Japan(New)"),
        Region(code: "USWN", number: "9", name: "US-West(New)"), Region(code: "DEN", number: "10", name: "Germany(New)"),
    ]

    static func regions(_ platform: Platform, _ site: Site) -> [Region] {
        platform == .vpc ? vpcRegions(site) : classicRegions
    }
}

/// Shapes for calls whose models the SDK list lacks (billing, Resource Manager), from
/// NCP's billing and Cloud Insight documentation; unverified beyond it.
enum ExtraModels {
    /// Fields the API reference documents that the SDK model lacks (added after the SDK's).
    /// Cloud DB for Redis nodes: `cpuCount` (data type CloudRedisServerInstance).
    static let documentedFields: [String: [(String, String)]] = [
        "go.vredis.CloudRedisServerInstance": [("cpuCount", "int")],
    ]

    static let models: [String: [(String, String)]] = [
        "extra.BillingProduct": [
            ("productCode", "str"), ("productName", "str"), ("productType", "CommonCode"),
            ("productItemKind", "CommonCode"), ("productDescription", "str"), ("cpuCount", "int"),
            ("memorySize", "int"), ("baseBlockStorageSize", "int"), ("diskType", "CommonCode"),
        ],
        "extra.DemandCost": [
            ("memberNo", "str"), ("demandMonth", "str"), ("demandNo", "str"), ("integrationDemandNo", "str"),
            ("demandAttribute", "CommonCode"), ("useAmount", "float"), ("promiseDiscountAmount", "float"),
            ("promotionDiscountAmount", "float"), ("etcDiscountAmount", "float"), ("customerDiscountAmount", "float"),
            ("productDiscountAmount", "float"), ("creditDiscountAmount", "float"), ("rounddownDiscountAmount", "float"),
            ("currencyDiscountAmount", "float"), ("coinUseAmount", "float"), ("defaultAmount", "float"),
            ("thisMonthDemandAmount", "float"), ("thisMonthVatRatio", "float"), ("thisMonthVatAmount", "float"),
            ("thisMonthAmountIncludingVat", "float"), ("totalDemandAmount", "float"), ("isPaidUp", "bool"),
            ("writeDate", "str"), ("payCurrency", "CommonCode"), ("thisMonthAppliedExchangeRate", "float"),
        ],
        "extra.Resource": [
            ("nrn", "str"), ("platformType", "str"), ("productName", "str"), ("resourceType", "str"),
            ("resourceId", "str"), ("resourceName", "str"), ("regionCode", "str"), ("createTime", "str"),
        ],
    ]
}
