/// The v2 system's tables (reference v2-system.md), so the Power BI reports that read them keep
/// working: `<type>_<Platform>_<name>` with v2's camelCase columns, `customer_id` and
/// `datetime` (the run time) first. Server, metric and All_Resource_List columns are v2's own;
/// the other tables follow the same style over the fields each SDK model has.
/// Each column: (name, expression) or (name, VPC expression, Classic expression); syntax in
/// `ViewExpression`. Lookups come from lists the run fetches once per customer.
enum V2View {
    static let view = View(name: "v2", tables: tables, lookups: [
        "vpcName": ViewLookup(resource: "vpc", key: "vpcNo", value: "vpcName"),
        "serverName": ViewLookup(resource: "server", key: "serverInstanceNo", value: "serverName"),
        "imageName": ViewLookup(resource: "server-image-product", key: "productCode", value: "productName"),
        "memberImageName": ViewLookup(resource: "member-server-image", key: "memberServerImageInstanceNo", value: "memberServerImageName"),
        // The spec name from the billing product list: one list per run, where v2 called the
        // billing API once per server.
        "productName": ViewLookup(resource: "product", key: "productCode", value: "productName"),
    ])

    static let head: [(String, String, String?)] = [("customer_id", "_customer", nil), ("datetime", "$run", nil)]

    static let tables: [ViewTable] = [
        ViewTable("server_list", resource: "server", platforms: [.vpc, .classic], columns: head + [
            ("serverName", "serverName", nil),
            ("serverImage", "@imageName(serverImageProductCode) | @memberImageName(memberServerImageInstanceNo) | serverImageProductCode",
             "@imageName(serverImageProductCode) | serverImageName | serverImageProductCode"),
            ("platformType", "platformType.codeName", nil),
            ("publicIp", "publicIp", nil),
            ("serverSpec", "@productName(serverProductCode) | serverSpecCode | serverProductCode", nil),
            ("vpcName", "@vpcName(vpcNo)", "-"),
            ("zoneCode", "zoneCode", "zone.zoneCode"),
            ("serverStatus", "serverInstanceStatusName", nil),
        ]),
        ViewTable("member_server_image_list", resource: "member-server-image", platforms: [.vpc, .classic], columns: head + [
            ("memberServerImageNo", "memberServerImageInstanceNo", "memberServerImageNo"),
            ("memberServerImageName", "memberServerImageName", nil),
            ("memberServerImageStatus", "memberServerImageInstanceStatusName", "memberServerImageStatusName"),
            ("originalServerName", "@serverName(originalServerInstanceNo) | originalServerInstanceNo", "originalServerName"),
            ("originalServerImage", "@imageName(originalServerImageProductCode) | originalServerImageProductCode", "originalServerImageName"),
            ("blockStorageTotalSize", "memberServerImageBlockStorageTotalSize", nil),
            ("regionCode", "_region", "region.regionCode"),
            ("createDate", "createDate", nil),
        ]),
        ViewTable("block_storage_list", resource: "block-storage", platforms: [.vpc, .classic], columns: head + [
            ("blockStorageName", "blockStorageName", nil),
            ("blockStorageInstanceNo", "blockStorageInstanceNo", nil),
            ("serverName", "@serverName(serverInstanceNo) | serverName", "serverName | @serverName(serverInstanceNo)"),
            ("blockStorageType", "blockStorageType.codeName", nil),
            ("blockStorageSize", "blockStorageSize", nil),
            ("diskType", "blockStorageDiskType.codeName", "diskType.codeName"),
            ("blockStorageStatus", "blockStorageInstanceStatusName", nil),
            ("deviceName", "deviceName", nil),
            ("zoneCode", "zoneCode", "zone.zoneCode"),
        ]),
        ViewTable("public_ip_list", resource: "public-ip", platforms: [.vpc, .classic], columns: head + [
            ("publicIp", "publicIp", nil),
            ("publicIpInstanceNo", "publicIpInstanceNo", nil),
            ("serverName", "serverName", "serverInstanceAssociatedWithPublicIp.serverName"),
            ("privateIp", "privateIp", "serverInstanceAssociatedWithPublicIp.privateIp"),
            ("publicIpStatus", "publicIpInstanceStatusName", nil),
            ("regionCode", "_region", "region.regionCode"),
            ("createDate", "createDate", nil),
        ]),
        ViewTable("load_balancer_list", resource: "load-balancer", platforms: [.vpc, .classic], columns: head + [
            ("loadBalancerName", "loadBalancerName", nil),
            ("loadBalancerInstanceNo", "loadBalancerInstanceNo", nil),
            ("loadBalancerType", "loadBalancerType.codeName", "loadBalancerAlgorithmType.codeName"),
            ("networkType", "loadBalancerNetworkType.codeName", "networkUsageType.codeName"),
            ("loadBalancerStatus", "loadBalancerInstanceStatusName", nil),
            ("domain", "loadBalancerDomain", "domainName"),
            ("ip", "join(loadBalancerIpList)", "virtualIp"),
            ("vpcName", "@vpcName(vpcNo)", "-"),
            ("serverNames", "-", "join(loadBalancedServerInstanceList[].serverInstance.serverName)"),
            ("createDate", "createDate", nil),
        ]),
        ViewTable("nas_volume_list", resource: "nas-volume", platforms: [.vpc, .classic], columns: head + [
            ("volumeName", "volumeName", nil),
            ("nasVolumeInstanceNo", "nasVolumeInstanceNo", nil),
            ("protocol", "volumeAllotmentProtocolType.code", nil),
            ("volumeSize", "volumeSize", nil),
            ("volumeUseSize", "volumeUseSize", nil),
            ("volumeUseRatio", "volumeUseRatio", nil),
            ("nasVolumeStatus", "nasVolumeInstanceStatusName", nil),
            ("serverNames", "@serverName[](nasVolumeServerInstanceNoList)", "join(nasVolumeServerInstanceList[].serverName)"),
            ("zoneCode", "zoneCode", "zone.zoneCode"),
        ]),
        // v2 asked for yesterday's rating only; this keeps every day of the period (a superset:
        // filter on the latest ratingTime for v2's single row per volume).
        ViewTable("nas_usage_list", resource: "nas-usage", platforms: [.vpc, .classic], columns: head + [
            ("volumeName", "volumeName", nil),
            ("nasVolumeInstanceNo", "nasVolumeInstanceNo", nil),
            ("ratingTime", "ratingTime", nil),
            ("volumeSize", "volumeSize", nil),
            ("maxVolumeUseSize", "maxVolumeUseSize", nil),
            ("maxVolumeUseRatio", "maxVolumeUseRatio", nil),
        ]),
        // One table for every kind (dbKindCode says which), one row per DB server node.
        ViewTable("cloud_db_list", resource: "cloud-db", platforms: [.classic], explode: "cloudDBServerInstanceList", columns: head + [
            ("dbKindCode", "dbKindCode", nil),
            ("serviceName", "cloudDBServiceName", nil),
            ("serverName", "node.cloudDBServerName", nil),
            ("serverInstanceNo", "node.cloudDBServerInstanceNo", nil),
            ("serverRole", "node.cloudDBServerRole.codeName", nil),
            ("serverStatus", "node.cloudDBServerInstanceStatusName", nil),
            ("engineVersion", "engineVersion", nil),
            ("serverSpec", "@productName(cloudDBProductCode) | cloudDBProductCode", nil),
            ("dataStorageSize", "node.dataStorageSize", nil),
            ("usedDataStorageSize", "node.usedDataStorageSize", nil),
            ("zoneCode", "zone.zoneCode", nil),
        ]),
    ] + ["Mysql", "Postgresql", "Mssql", "Redis", "MongoDb"].map(vpcDatabase) + [
        ViewTable("nat_gateway_list", resource: "nat-gateway", platforms: [.vpc], columns: head + [
            ("natGatewayName", "natGatewayName", nil),
            ("natGatewayInstanceNo", "natGatewayInstanceNo", nil),
            ("publicIp", "publicIp", nil),
            ("privateIp", "privateIp", nil),
            ("vpcName", "@vpcName(vpcNo) | vpcName", nil),
            ("natGatewayStatus", "natGatewayInstanceStatusName", nil),
            ("zoneCode", "zoneCode", nil),
            ("createDate", "createDate", nil),
        ]),
        // Resource Manager answers the same list (both platforms' resources) on either platform's
        // key: one platform feeds the table, or each row would be there twice.
        ViewTable("All_Resource_List", resource: "resource", platforms: [.vpc], fixedName: "All_Resource_List", columns: [
            ("customerName", "_customer", nil),
            ("Date", "$run", nil),
            ("platformType", "platformType", nil),
            ("resourceType", "resourceType", nil),
            ("region", "regionCode", nil),
        ]),
        ViewTable("metric_list", resource: "server-metrics", platforms: [.vpc, .classic], columns: metricColumns),
        ViewTable("mysql_metric_list", resource: "mysql-metrics", platforms: [.vpc], columns: metricColumns),
    ]

    /// One row per value: v2's units come from `ncp-fetch metrics --units v2` (the runner's
    /// `--layout v2` asks for them).
    static let metricColumns: [(String, String, String?)] = head + [
        ("instanceNo", "instanceNo", nil),
        ("serverName", "instanceName", nil),
        ("metric", "metric", nil),
        ("aggregation", "aggregation", nil),
        ("timestamp", "timestamp", nil),
        ("value", "value", nil),
    ]

    /// A VPC Cloud DB engine (`Mysql` → `mysql_list`): one row per node, the VPC name from the node.
    static func vpcDatabase(_ engine: String) -> ViewTable {
        let lower = engine.lowercased()
        return ViewTable("\(lower)_list", resource: lower, platforms: [.vpc], explode: "cloud\(engine)ServerInstanceList", columns: head + [
            ("serviceName", "cloud\(engine)ServiceName", nil),
            ("serverName", "node.cloud\(engine)ServerName", nil),
            ("serverInstanceNo", "node.cloud\(engine)ServerInstanceNo", nil),
            ("serverRole", "node.cloud\(engine)ServerRole.codeName", nil),
            ("serverStatus", "node.cloud\(engine)ServerInstanceStatusName", nil),
            ("engineVersion", "engineVersion", nil),
            ("serverSpec", "@productName(node.cloud\(engine)ProductCode) | node.cloud\(engine)ProductCode", nil),
            ("memorySize", "node.memorySize", nil),
            ("vpcName", "@vpcName(node.vpcNo)", nil),
            ("zoneCode", "node.zoneCode", nil),
        ])
    }
}
