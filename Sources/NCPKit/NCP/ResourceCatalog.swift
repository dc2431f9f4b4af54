import ArgumentParser
import ReportKit

/// NCP's two platforms. Classic calls name regions by number, VPC calls by code.
/// `--platform` and `$NCLOUD_PLATFORM` take either case (VPC, Classic as v2 wrote them).
public enum Platform: String, Sendable, CaseIterable, Hashable, ExpressibleByArgument {
    case vpc, classic

    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// How a list call pages.
public enum Paging: Sendable, Equatable {
    /// `pageNo`/`pageSize` with `totalRows`; `family` names the base convention (NCP's paging conventions):
    /// `clouddb` lists are 0-based, the rest 1-based. The pager tolerates either.
    case pageNo(family: String)
    /// Everything in one response (VPC getVpcList, image products, NKS clusters, …).
    case none

    public var label: String {
        switch self {
        case .pageNo: return "pageNo"
        case .none: return "none"
        }
    }

    public var family: String? {
        if case .pageNo(let family) = self { return family }
        return nil
    }

    /// The first page number we ask for; the sandbox's `pageBase` is keyed by the same family.
    public var assumedBase: Int { family == "clouddb" ? 0 : 1 }
}

/// How a call names its region.
public enum RegionParameter: Sendable, Equatable {
    case code  // regionCode=KR (VPC)
    case number  // regionNo=1 (Classic)
    case nksPath  // NKS: the path prefix and an x-ncp-region_code header
    case global  // not regional (billing, Resource Manager, CDN)
}

/// Where the item list sits in the response.
public enum Envelope: Sendable, Equatable {
    /// `{"getXxxResponse": {"totalRows": …, "<listKey>": [...]}}`
    case action
    /// `{"<listKey>": [...]}` (NKS, Resource Manager)
    case bare
}

/// One resource on one platform: everything needed to list it.
public struct ResourceSpec: Sendable, Equatable {
    public let method: String
    public let path: String
    public let listKey: String
    public let idField: String?
    public let paging: Paging
    public let region: RegionParameter
    public let envelope: Envelope
    /// A JSON body to send (Resource Manager takes `{}`); nil sends parameters in the query.
    public let jsonBody: String?
    /// One call per value of this parameter, results combined (Classic Cloud DB `dbKindCode`).
    public let fanOut: FanOut?
    /// Parameters the call needs; the tool fills known ones (billing months) when not given.
    public let required: [String]

    public struct FanOut: Sendable, Equatable {
        public let parameter: String
        public let values: [String]
    }

    public init(
        _ path: String, list listKey: String, id idField: String?, method: String = "GET",
        paging: Paging = .pageNo(family: "default"), region: RegionParameter, envelope: Envelope = .action,
        jsonBody: String? = nil, fanOut: FanOut? = nil, required: [String] = []
    ) {
        self.method = method
        self.path = path
        self.listKey = listKey
        self.idField = idField
        self.paging = paging
        self.region = region
        self.envelope = envelope
        self.jsonBody = jsonBody
        self.fanOut = fanOut
        self.required = required
    }

    /// The action envelope's key (`getServerInstanceListResponse`).
    public var responseKey: String {
        let action = path.split(separator: "/").last.map(String.init) ?? ""
        return action.prefix(1).lowercased() + action.dropFirst() + "Response"
    }
}

/// A resource the tools know how to list: a name and its spec per platform.
public struct Resource: Sendable {
    public let name: String
    public let summary: String
    public let specs: [(platform: Platform, spec: ResourceSpec)]

    public var platforms: [Platform] { specs.map(\.platform) }

    public func spec(for platform: Platform) -> ResourceSpec? {
        specs.first { $0.platform == platform }?.spec
    }
}

/// The catalog: data, not one function per resource. Adding a resource is one entry here plus
/// a sandbox fixture.
public enum ResourceCatalog {
    public static func named(_ name: String) -> Resource? { all.first { $0.name == name } }

    public static var names: [String] { all.map(\.name) }

    static let cloudDB = Paging.pageNo(family: "clouddb")

    static func vpcDB(_ engine: String, _ prefix: String) -> ResourceSpec {
        ResourceSpec(
            "/v\(engine)/v2/get\(prefix)InstanceList", list: "\(prefix.prefix(1).lowercased() + prefix.dropFirst())InstanceList",
            id: "\(prefix.prefix(1).lowercased() + prefix.dropFirst())InstanceNo", paging: cloudDB, region: .code)
    }

    public static let all: [Resource] = [
        Resource(name: "server", summary: "server instances", specs: [
            (.vpc, ResourceSpec("/vserver/v2/getServerInstanceList", list: "serverInstanceList", id: "serverInstanceNo", region: .code)),
            (.classic, ResourceSpec("/server/v2/getServerInstanceList", list: "serverInstanceList", id: "serverInstanceNo", region: .number)),
        ]),
        Resource(name: "server-image-product", summary: "server image products (public images)", specs: [
            (.vpc, ResourceSpec("/vserver/v2/getServerImageProductList", list: "productList", id: "productCode", paging: .none, region: .code)),
            (.classic, ResourceSpec("/server/v2/getServerImageProductList", list: "productList", id: "productCode", paging: .none, region: .number)),
        ]),
        Resource(name: "member-server-image", summary: "customer-made server images", specs: [
            (.vpc, ResourceSpec("/vserver/v2/getMemberServerImageInstanceList", list: "memberServerImageInstanceList", id: "memberServerImageInstanceNo", region: .code)),
            (.classic, ResourceSpec("/server/v2/getMemberServerImageList", list: "memberServerImageList", id: "memberServerImageNo", region: .number)),
        ]),
        Resource(name: "block-storage", summary: "block storage volumes", specs: [
            (.vpc, ResourceSpec("/vserver/v2/getBlockStorageInstanceList", list: "blockStorageInstanceList", id: "blockStorageInstanceNo", region: .code)),
            (.classic, ResourceSpec("/server/v2/getBlockStorageInstanceList", list: "blockStorageInstanceList", id: "blockStorageInstanceNo", region: .number)),
        ]),
        Resource(name: "block-storage-snapshot", summary: "block storage snapshots", specs: [
            (.vpc, ResourceSpec("/vserver/v2/getBlockStorageSnapshotInstanceList", list: "blockStorageSnapshotInstanceList", id: "blockStorageSnapshotInstanceNo", region: .code)),
            (.classic, ResourceSpec("/server/v2/getBlockStorageSnapshotInstanceList", list: "blockStorageSnapshotInstanceList", id: "blockStorageSnapshotInstanceNo", region: .number)),
        ]),
        Resource(name: "public-ip", summary: "public IP addresses", specs: [
            (.vpc, ResourceSpec("/vserver/v2/getPublicIpInstanceList", list: "publicIpInstanceList", id: "publicIpInstanceNo", region: .code)),
            (.classic, ResourceSpec("/server/v2/getPublicIpInstanceList", list: "publicIpInstanceList", id: "publicIpInstanceNo", region: .number)),
        ]),
        Resource(name: "load-balancer", summary: "load balancers", specs: [
            (.vpc, ResourceSpec("/vloadbalancer/v2/getLoadBalancerInstanceList", list: "loadBalancerInstanceList", id: "loadBalancerInstanceNo", region: .code)),
            (.classic, ResourceSpec("/loadbalancer/v2/getLoadBalancerInstanceList", list: "loadBalancerInstanceList", id: "loadBalancerInstanceNo", region: .number)),
        ]),
        Resource(name: "target-group", summary: "load balancer target groups", specs: [
            (.vpc, ResourceSpec("/vloadbalancer/v2/getTargetGroupList", list: "targetGroupList", id: "targetGroupNo", region: .code)),
        ]),
        Resource(name: "nas-volume", summary: "NAS volumes", specs: [
            (.vpc, ResourceSpec("/vnas/v2/getNasVolumeInstanceList", list: "nasVolumeInstanceList", id: "nasVolumeInstanceNo", region: .code)),
            (.classic, ResourceSpec("/server/v2/getNasVolumeInstanceList", list: "nasVolumeInstanceList", id: "nasVolumeInstanceNo", paging: .none, region: .number)),
        ]),
        Resource(name: "vpc", summary: "VPCs", specs: [
            (.vpc, ResourceSpec("/vpc/v2/getVpcList", list: "vpcList", id: "vpcNo", paging: .none, region: .code)),
        ]),
        Resource(name: "subnet", summary: "VPC subnets", specs: [
            (.vpc, ResourceSpec("/vpc/v2/getSubnetList", list: "subnetList", id: "subnetNo", region: .code)),
        ]),
        Resource(name: "nat-gateway", summary: "NAT gateways", specs: [
            (.vpc, ResourceSpec("/vpc/v2/getNatGatewayInstanceList", list: "natGatewayInstanceList", id: "natGatewayInstanceNo", region: .code)),
        ]),
        Resource(name: "acg", summary: "access control groups (security groups)", specs: [
            (.vpc, ResourceSpec("/vserver/v2/getAccessControlGroupList", list: "accessControlGroupList", id: "accessControlGroupNo", region: .code)),
            (.classic, ResourceSpec("/server/v2/getAccessControlGroupList", list: "accessControlGroupList", id: "accessControlGroupConfigurationNo", region: .number)),
        ]),
        Resource(name: "network-interface", summary: "network interfaces", specs: [
            (.vpc, ResourceSpec("/vserver/v2/getNetworkInterfaceList", list: "networkInterfaceList", id: "networkInterfaceNo", region: .code)),
            (.classic, ResourceSpec("/server/v2/getNetworkInterfaceList", list: "networkInterfaceList", id: "networkInterfaceNo", region: .number)),
        ]),
        Resource(name: "mysql", summary: "Cloud DB for MySQL instances", specs: [(.vpc, vpcDB("mysql", "CloudMysql"))]),
        Resource(name: "postgresql", summary: "Cloud DB for PostgreSQL instances", specs: [(.vpc, vpcDB("postgresql", "CloudPostgresql"))]),
        Resource(name: "mssql", summary: "Cloud DB for MSSQL instances", specs: [(.vpc, vpcDB("mssql", "CloudMssql"))]),
        Resource(name: "redis", summary: "Cloud DB for Redis instances", specs: [(.vpc, vpcDB("redis", "CloudRedis"))]),
        Resource(name: "mongodb", summary: "Cloud DB for MongoDB instances", specs: [(.vpc, vpcDB("mongodb", "CloudMongoDb"))]),
        Resource(name: "cloud-db", summary: "Classic Cloud DB instances, every dbKindCode", specs: [
            (.classic, ResourceSpec(
                "/clouddb/v2/getCloudDBInstanceList", list: "cloudDBInstanceList", id: "cloudDBInstanceNo", paging: cloudDB,
                region: .number, fanOut: .init(parameter: "dbKindCode", values: ["MYSQL", "MSSQL", "REDIS"]))),
        ]),
        Resource(name: "auto-scaling-group", summary: "Auto Scaling groups", specs: [
            (.vpc, ResourceSpec("/vautoscaling/v2/getAutoScalingGroupList", list: "autoScalingGroupList", id: "autoScalingGroupNo", region: .code)),
            (.classic, ResourceSpec("/autoscaling/v2/getAutoScalingGroupList", list: "autoScalingGroupList", id: "autoScalingGroupName", region: .number)),
        ]),
        Resource(name: "nks-cluster", summary: "Kubernetes (NKS) clusters", specs: [
            (.vpc, ResourceSpec("/vnks/v2/clusters", list: "clusters", id: "uuid", paging: .none, region: .nksPath, envelope: .bare)),
        ]),
        Resource(name: "cdn-plus", summary: "CDN+ instances", specs: [
            (.classic, ResourceSpec("/cdn/v2/getCdnPlusInstanceList", list: "cdnPlusInstanceList", id: "cdnInstanceNo", region: .global)),
            (.vpc, ResourceSpec("/cdn/v2/getCdnPlusInstanceList", list: "cdnPlusInstanceList", id: "cdnInstanceNo", region: .global)),
        ]),
        Resource(name: "global-cdn", summary: "Global CDN instances", specs: [
            (.classic, ResourceSpec("/cdn/v2/getGlobalCdnInstanceList", list: "globalCdnInstanceList", id: "cdnInstanceNo", region: .global)),
            (.vpc, ResourceSpec("/cdn/v2/getGlobalCdnInstanceList", list: "globalCdnInstanceList", id: "cdnInstanceNo", region: .global)),
        ]),
        Resource(name: "resource", summary: "every resource of the account (Resource Manager)", specs: [
            (.vpc, ResourceSpec("/api/v1/resources", list: "items", id: "nrn", method: "POST", paging: .none, region: .global, envelope: .bare, jsonBody: "{}")),
            (.classic, ResourceSpec("/api/v1/resources", list: "items", id: "nrn", method: "POST", paging: .none, region: .global, envelope: .bare, jsonBody: "{}")),
        ]),
        Resource(name: "region", summary: "regions", specs: [
            (.vpc, ResourceSpec("/vserver/v2/getRegionList", list: "regionList", id: "regionCode", paging: .none, region: .global)),
            (.classic, ResourceSpec("/server/v2/getRegionList", list: "regionList", id: "regionNo", paging: .none, region: .global)),
        ]),
        Resource(name: "zone", summary: "zones of a region", specs: [
            (.vpc, ResourceSpec("/vserver/v2/getZoneList", list: "zoneList", id: "zoneCode", paging: .none, region: .code)),
            (.classic, ResourceSpec("/server/v2/getZoneList", list: "zoneList", id: "zoneNo", paging: .none, region: .number)),
        ]),
        Resource(name: "server-product", summary: "server specs for an image (serverImageProductCode=…)", specs: [
            (.vpc, ResourceSpec("/vserver/v2/getServerProductList", list: "productList", id: "productCode", paging: .none, region: .code, required: ["serverImageProductCode"])),
            (.classic, ResourceSpec("/server/v2/getServerProductList", list: "productList", id: "productCode", paging: .none, region: .number, required: ["serverImageProductCode"])),
        ]),
        Resource(name: "product", summary: "billing product list (productCode=… to look one up)", specs: [
            (.vpc, ResourceSpec("/billing/v1/product/getProductList", list: "productList", id: "productCode", region: .global)),
            (.classic, ResourceSpec("/billing/v1/product/getProductList", list: "productList", id: "productCode", region: .global)),
        ]),
        Resource(name: "cost", summary: "monthly billing (startMonth/endMonth, default last month)", specs: [
            (.vpc, ResourceSpec("/billing/v1/cost/getDemandCostList", list: "demandCostList", id: "demandNo", region: .global, required: ["startMonth", "endMonth"])),
            (.classic, ResourceSpec("/billing/v1/cost/getDemandCostList", list: "demandCostList", id: "demandNo", region: .global, required: ["startMonth", "endMonth"])),
        ]),
    ]

    /// The catalog as `ncp-fetch --list` prints it, one object per resource.
    public static func listing(_ resource: Resource) -> JSONValue {
        var specs = JSONObject()
        for (platform, spec) in resource.specs {
            specs[platform.rawValue] = .object(JSONObject([
                ("method", .string(spec.method)),
                ("path", .string(spec.path)),
                ("listKey", .string(spec.listKey)),
                ("idField", spec.idField.map { .string($0) } ?? .null),
                ("paging", .string(spec.paging.label)),
                ("region", .string(regionLabel(spec.region))),
            ]))
        }
        return .object(JSONObject([
            ("name", .string(resource.name)),
            ("summary", .string(resource.summary)),
            ("platforms", .array(resource.platforms.map { .string($0.rawValue) })),
            ("specs", .object(specs)),
        ]))
    }

    static func regionLabel(_ region: RegionParameter) -> String {
        switch region {
        case .code: return "regionCode"
        case .number: return "regionNo"
        case .nksPath: return "path"
        case .global: return "none"
        }
    }
}
