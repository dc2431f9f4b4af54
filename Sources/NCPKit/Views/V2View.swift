/// The v2 system's tables and JSON files, as its code (`api/*.py`) writes them, so the Power BI
/// reports that read them keep working: the same names, the same columns in the same order, the
/// same value forms (GB by integer division, codes or names as v2 took them, its placeholders),
/// and JSON files holding what v2 dumped: NCP's item with v2's keys added (or replaced where v2
/// overwrote one), or the records v2 built. docs/v2-layout.md lists every table and the few
/// deliberate differences. Each assignment: (key, expression) or (key, VPC, Classic); syntax in
/// `ViewExpression`. Lookups come from lists the run fetches once per customer.
enum V2View {
    static let view = View(name: "v2", tables: tables, lookups: [
        "vpcName": ViewLookup(resource: "vpc", key: "vpcNo", value: "vpcName"),
        "serverName": ViewLookup(resource: "server", key: "serverInstanceNo", value: "serverName"),
        // v2 answered six image product codes from a table of its own before asking NCP.
        "imageName": ViewLookup(resource: "server-image-product", key: "productCode", value: "productName", fixed: [
            "SW.VSVR.OS.LNX64.CNTOS.0703.B050": "centos-7.3-64", "SW.VSVR.OS.LNX64.CNTOS.0708.B050": "centos-7.8-64",
            "SW.VSVR.BM.OS.LNX64.ORCL.0704": "oracle-linux-7.4-64", "SW.VSVR.OS.LNX64.UBNTU.SVR1804.B050": "ubuntu-18.04",
            "SW.VSVR.APP.LNX64.CNTOS.0708.WEBTB.LATEST.B050": "WebtoB-centos-7.8-64", "SW.VSVR.OS.LNX64.ROCKY.0806.B050": "rocky-8.6-64",
        ]),
        // The spec name from the billing product list: one list per run, where v2 called the
        // billing API once per server.
        "productName": ViewLookup(resource: "product", key: "productCode", value: "productName"),
        "mysqlStorage": ViewLookup(resource: "mysql", key: "cloudMysqlServerInstanceNo", value: "dataStorageSize",
                                   nodes: "cloudMysqlServerInstanceList"),
        "volumeTotalSize": ViewLookup(resource: "nas-volume", key: "nasVolumeInstanceNo", value: "volumeTotalSize"),
        "volumeSize": ViewLookup(resource: "nas-volume", key: "nasVolumeInstanceNo", value: "volumeSize"),
    ])

    /// Every v2 table starts so (`datetime`: the run's start, `YYYY-MM-DD HH:MM`).
    static let head: [(String, String, String?)] = [("customer_id", "_customer", nil), ("datetime", "minute($run)", nil)]
    static let headColumns = ["customer_id", "datetime"]

    static let tables: [ViewTable] = [
        ViewTable("All_Resource_List", resource: "resource", platforms: [.vpc], fixedName: "All_Resource_List", fileName: "all_resource_list",
                  assignments: [("customerName", "_customer", nil), ("Date", "minute($run)", nil), ("region", "regionCode", nil)],
                  columns: ["customerName", "Date", "platformType", "resourceType", "region"]),
        ViewTable("server_list", resource: "server", platforms: [.vpc, .classic], assignments: head + [
            ("serverSpec", "@productName(serverProductCode) | serverProductCode", nil),
            ("serverStatus", "serverInstanceStatusName", nil),
            ("platformType", "platformType.codeName", nil),
            ("vpcName", "@vpcName(vpcNo)", "'Classic'"),
            // Classic items have no zoneCode, so it goes last there, before serverImage (v2's
            // order); a VPC item has one, which stays where NCP put it.
            ("zoneCode", "zoneCode", "zone.zoneName"),
            ("serverImage", "@imageName(serverImageProductCode) | serverImageProductCode", "serverImageName"),
        ], columns: headColumns + ["serverName", "serverImage", "platformType", "publicIp", "serverSpec", "vpcName", "zoneCode", "serverStatus"]),
        ViewTable("serverimage_list", resource: "member-server-image", platforms: [.vpc, .classic], assignments: head + [
            ("serverImageName", "memberServerImageName", nil),
            ("originServer", "@serverName(originalServerInstanceNo) | ''", "originalServerName | ''"),
            ("originImage", "@imageName(originalServerImageProductCode) | originalServerImageProductCode", "originalServerImageName"),
            ("imageStatus", "memberServerImageInstanceStatusName", "memberServerImageStatusName"),
            ("blockStorageSize", "gb(memberServerImageBlockStorageTotalSize)", nil),
        ], columns: headColumns + ["serverImageName", "originServer", "originImage", "imageStatus", "blockStorageSize"]),
        // v2 raised on an unattached volume and lost the whole table; here it is a row.
        ViewTable("block_storage_list", resource: "block-storage", platforms: [.vpc, .classic], assignments: head + [
            ("blockStorageSize", "gb(blockStorageSize)", nil),
            ("blockServerName", "if(blockStorageInstanceStatusName = 'attached', @serverName(serverInstanceNo), if(blockStorageName ~ 'pvc', 'PVC', 'Not Attached'))",
             "if(blockStorageInstanceStatusName = 'attached', serverName, if(blockStorageName ~ 'pvc', 'PVC', 'Not Attached'))"),
            ("zoneCode", "zoneCode", "zone.zoneName"),
            ("blockStorageDiskDetailType", "blockStorageDiskDetailType.code", "diskDetailType.code"),
        ], columns: headColumns + ["blockServerName", "blockStorageName", "blockStorageSize", "blockStorageInstanceStatusName",
                                   "blockStorageDiskDetailType", "zoneCode"]),
        ViewTable("public_ip_list", resource: "public-ip", platforms: [.vpc, .classic], assignments: head + [
            ("publicIpInstanceStatus", "publicIpInstanceStatus.code", nil),
        ], columns: headColumns + ["publicIp", "publicIpInstanceStatus"]),
        ViewTable("load_balancer_list", resource: "load-balancer", platforms: [.vpc, .classic], assignments: head + [
            ("loadBalancerInstanceStatus", "loadBalancerInstanceStatus.code", nil),
            ("loadBalancerType", "loadBalancerType.code", "'N/A'"),
            ("loadBalancerVPCName", "@vpcName(vpcNo)", "'Classic'"),
            ("loadBalancerNetworkType", "loadBalancerNetworkType.code", "networkUsageType.code"),
            ("loadBalancerIpList", "join(loadBalancerIpList)", "spaced(virtualIp)"),
            ("loadBalancerDomain", "loadBalancerDomain", "domainName"),
        ], columns: headColumns + ["loadBalancerInstanceStatus", "loadBalancerIpList", "loadBalancerName", "loadBalancerDomain",
                                   "loadBalancerType", "loadBalancerVPCName", "loadBalancerNetworkType"]),
        ViewTable("nas_list", resource: "nas-volume", platforms: [.vpc, .classic], assignments: head + [
            ("nasStatus", "nasVolumeInstanceStatusName", nil),
            ("volumeTotalSize", "gb(volumeTotalSize)", nil),
            ("volumeSize", "gb(volumeSize)", nil),
            ("serverName", "@serverName[](nasVolumeServerInstanceNoList)", "join(nasVolumeServerInstanceList[].serverName)"),
            ("zoneName", "zoneCode", "zone.zoneName"),
        ], columns: headColumns + ["volumeName", "nasStatus", "volumeTotalSize", "volumeSize", "zoneName", "serverName"]),
        // The period's last day (v2 asked for "yesterday" at its run time), one row per volume.
        ViewTable("nas_metric", resource: "nas-usage", platforms: [.vpc, .classic], drop: ["nasVolumeInstanceNo", "volumeName"], assignments: head + [
            ("volumeName", "volumeName", nil),
            ("volumeTotalSize", "gb(@volumeTotalSize(nasVolumeInstanceNo))", nil),
            ("volumeSize", "gb(@volumeSize(nasVolumeInstanceNo))", nil),
            ("maxVolumeUseSize", "gb(maxVolumeUseSize)", nil),
        ], columns: headColumns + ["volumeName", "volumeTotalSize", "volumeSize", "maxVolumeUseSize", "maxVolumeUseRatio"]),
        vpcDatabase("Postgresql", table: "postgre_list", resource: "postgresql", extra: [], role: true),
        vpcDatabase("Mysql", table: "mysql_list", resource: "mysql", extra: [("cloudMysqlServerInstanceNo", "node.cloudMysqlServerInstanceNo", nil)], role: true),
        vpcDatabase("Mssql", table: "mssql_list", resource: "mssql", extra: [], role: false),
        vpcDatabase("MongoDb", table: "mongodb_list", resource: "mongodb", extra: [], role: true),
        vpcDatabase("Redis", table: "redis_list", resource: "redis", extra: [], role: true),
    ] + ["MYSQL", "MSSQL", "REDIS"].map(classicDatabase) + [
        ViewTable("nat_gateway_list", resource: "nat-gateway", platforms: [.vpc], assignments: head,
                  columns: headColumns + ["natGatewayName", "natGatewayInstanceStatusName", "publicIp", "privateIp", "zoneCode"]),
        // One row per data point; v2's units come from `ncp-fetch metrics --units v2`.
        ViewTable("metric_list", resource: "server-metrics", platforms: [.vpc, .classic], record: .built,
                  assignments: head + metricPoint, columns: headColumns + metricPoint.map(\.0)),
        ViewTable("mysql_metrics", resource: "mysql-metrics", platforms: [.vpc], record: .built,
                  assignments: head + Array(metricPoint.prefix(4)) + [("dataStorageSize", "gb(@mysqlStorage(instanceNo))", nil)] + metricPoint.suffix(2),
                  columns: headColumns + metricPoint.prefix(4).map(\.0) + ["dataStorageSize"] + metricPoint.suffix(2).map(\.0)),
    ]

    static let metricPoint: [(String, String, String?)] = [
        ("instanceNo", "instanceNo", nil),
        ("serverName", "instanceName", nil),
        ("metric", "metric", nil),
        ("aggregation", "aggregation", nil),
        ("timestamp", "wall(timestamp)", nil),
        ("value", "value", nil),
    ]

    /// A VPC Cloud DB engine: one record per node (v2 built them, and dumped them as its file).
    static func vpcDatabase(_ engine: String, table: String, resource: String, extra: [(String, String, String?)], role: Bool) -> ViewTable {
        let node = "node.cloud\(engine)Server"
        var assignments: [(String, String, String?)] = head + [
            ("serviceName", "cloud\(engine)ServiceName", nil),
            ("serverName", "\(node)Name", nil),
        ]
        if engine == "MongoDb" { assignments.append(("clusterRole", "node.clusterRole.code", nil)) }
        if role { assignments.append(("serverRole", "\(node)Role.codeName", nil)) }
        assignments += [("status", "\(node)InstanceStatusName", nil), ("vpcName", "@vpcName(node.vpcNo)", nil)]
        // v2 asked MSSQL region by region and wrote the region it asked; the others' zone.
        assignments.append(engine == "Mssql" ? ("regionCode", "_region | node.regionCode", nil) : ("zoneCode", "node.zoneCode | 'Unknown'", nil))
        assignments.append(("cpuCount", "node.cpuCount | 0", nil))
        // Redis memory in GB to one decimal (a float); the others in whole GB.
        assignments.append(engine == "Redis" ? ("memorySize", "gb1(node.memorySize)", nil) : ("memorySize", "gb(node.memorySize)", nil))
        if engine != "Redis" { assignments.append(("dataStorageSize", "gb(node.dataStorageSize)", nil)) }
        let columns = assignments.map(\.0)
        return ViewTable(table, resource: resource, platforms: [.vpc], record: .built, explode: "cloud\(engine)ServerInstanceList",
                         assignments: assignments + extra, columns: columns)
    }

    /// A Classic Cloud DB kind: its own table, one row per node; the file is NCP's list as fetched.
    static func classicDatabase(_ kind: String) -> ViewTable {
        let assignments: [(String, String, String?)] = head + [
            ("dbKindCode", "dbKindCode", nil),
            ("serviceName", "cloudDBServiceName", nil),
            ("serverName", "node.cloudDBServerName", nil),
            ("serverRole", "node.cloudDBServerRole.codeName", nil),
            ("status", "node.cloudDBServerInstanceStatusName | if(node.cloudDBServerRole.codeName ~ 'Hidden Master', 'standby', 'Unknown')", nil),
            ("zoneCode", "zone.zoneCode", nil),
            ("cpuCount", "cpuCount | 0", nil),
            ("memorySize", "gb(memorySize) | 'Unknown'", nil),
            ("dataStorageSize", "gb(node.dataStorageSize) | 0", nil),
        ]
        return ViewTable("\(kind)_list", resource: "cloud-db", platforms: [.classic], record: .built, file: .source,
                         explode: "cloudDBServerInstanceList", only: ("dbKindCode", kind), assignments: assignments, columns: assignments.map(\.0))
    }
}
