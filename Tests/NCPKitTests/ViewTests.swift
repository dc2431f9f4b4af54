import Testing
@testable import NCPKit
import ReportKit

/// The v2 view against the v2 system's rules (kangbock/ncp_api `api/*.py`), one case per table:
/// an item as NCP answers it, and the row and file record v2 would have written, worked out by
/// hand from v2's code (not from this project's output).
struct ViewTests {
    let v2 = View.named("v2")!
    static let run = "2026-11-01T00:10:37+09:00"
    static let gib = 1 << 30

    func item(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

    /// A context with the lists v2 looked names up in.
    func context() throws -> ViewContext {
        var context = ViewContext(runTime: Self.run, view: v2)
        for line in [
            #"{"_resource":"vpc","vpcNo":"11","vpcName":"main-vpc"}"#,
            #"{"_resource":"server","serverInstanceNo":"101","serverName":"web-1"}"#,
            #"{"_resource":"server","serverInstanceNo":"102","serverName":"web-2"}"#,
            #"{"_resource":"product","productCode":"SPEC-A","productName":"vCPU 2EA, Memory 8GB"}"#,
            #"{"_resource":"server-image-product","productCode":"IMG-X","productName":"ubuntu-22.04"}"#,
            #"{"_resource":"server-image-product","productCode":"SW.VSVR.OS.LNX64.ROCKY.0806.B050","productName":"Rocky Linux 8.6"}"#,
            #"{"_resource":"mysql","cloudMysqlInstanceNo":"5","cloudMysqlServerInstanceList":[{"cloudMysqlServerInstanceNo":"501","dataStorageSize":\#(10 * Self.gib + 5)}]}"#,
            #"{"_resource":"nas-volume","nasVolumeInstanceNo":"71","volumeTotalSize":\#(600 * Self.gib),"volumeSize":\#(500 * Self.gib)}"#,
        ] {
            context.index(try item(line), view: v2)
        }
        return context
    }

    func table(_ name: String) throws -> ViewTable { try #require(v2.table(named: name)) }

    /// The one row an item becomes, as `column=value` texts in column order.
    func row(_ name: String, _ platform: Platform, _ text: String) throws -> [String] {
        let rows = try table(name).rows(try item(text), platform: platform, context: try context())
        #expect(rows.count == 1)
        return rows.first.map { $0.pairs.map { "\($0.key)=\($0.value.scalarText ?? ($0.value == .null ? "NULL" : $0.value.compactString))" } } ?? []
    }

    static let head = ["customer_id=acme", "datetime=2026-11-01 00:10"]

    @Test func serverListVPC() throws {
        let server = #"{"serverInstanceNo":"101","serverName":"web-1","serverProductCode":"SPEC-A","serverImageProductCode":"IMG-X","vpcNo":"11","regionCode":"KR","platformType":{"code":"LNX64","codeName":"Linux 64 Bit"},"zoneCode":"KR-2","serverInstanceStatusName":"running","publicIp":"","_customer":"acme","_region":"KR"}"#
        #expect(try row("server_list", .vpc, server) == Self.head + [
            "serverName=web-1", "serverImage=ubuntu-22.04", "platformType=Linux 64 Bit", "publicIp=", "serverSpec=vCPU 2EA, Memory 8GB",
            "vpcName=main-vpc", "zoneCode=KR-2", "serverStatus=running",
        ])
        // The file: NCP's item, platformType replaced by its name where it stood, v2's keys after
        // (serverSpec, serverStatus, vpcName, serverImage; zoneCode was already there), no provenance.
        let record = try #require(try table("server_list").records(try item(server), platform: .vpc, context: try context()).first)
        #expect(record.keys == ["serverInstanceNo", "serverName", "serverProductCode", "serverImageProductCode", "vpcNo", "regionCode", "platformType",
                                "zoneCode", "serverInstanceStatusName", "publicIp", "customer_id", "datetime", "serverSpec", "serverStatus", "vpcName", "serverImage"])
        #expect(record["platformType"] == "Linux 64 Bit")
        // v2's own names for six image codes win over the list.
        let rocky = server.replacingOccurrences(of: "IMG-X", with: "SW.VSVR.OS.LNX64.ROCKY.0806.B050")
        #expect(try row("server_list", .vpc, rocky)[3] == "serverImage=rocky-8.6-64")
    }

    @Test func serverListClassic() throws {
        let server = #"{"serverInstanceNo":"9","serverName":"old-1","serverImageName":"centos-7.8-64","serverProductCode":"SPEC-A","platformType":{"code":"LNX64","codeName":"Linux 64 Bit"},"zone":{"zoneNo":"3","zoneName":"KR-1","zoneCode":"KR-1a"},"serverInstanceStatusName":"running","publicIp":"203.0.113.9","_customer":"acme"}"#
        #expect(try row("server_list", .classic, server) == Self.head + [
            "serverName=old-1", "serverImage=centos-7.8-64", "platformType=Linux 64 Bit", "publicIp=203.0.113.9", "serverSpec=vCPU 2EA, Memory 8GB",
            "vpcName=Classic", "zoneCode=KR-1", "serverStatus=running",
        ])
        let record = try #require(try table("server_list").records(try item(server), platform: .classic, context: try context()).first)
        #expect(Array(record.keys.suffix(7)) == ["customer_id", "datetime", "serverSpec", "serverStatus", "vpcName", "zoneCode", "serverImage"])
    }

    @Test func serverImageList() throws {
        let vpc = #"{"memberServerImageInstanceNo":"7","memberServerImageName":"img-a","memberServerImageInstanceStatusName":"created","originalServerInstanceNo":"999","originalServerImageProductCode":"IMG-X","memberServerImageBlockStorageTotalSize":\#(50 * Self.gib + 1),"_customer":"acme"}"#
        // A deleted origin server is "" (v2: `… or ""`).
        #expect(try row("serverimage_list", .vpc, vpc) == Self.head + [
            "serverImageName=img-a", "originServer=", "originImage=ubuntu-22.04", "imageStatus=created", "blockStorageSize=50",
        ])
        let classic = #"{"memberServerImageNo":"8","memberServerImageName":"img-b","memberServerImageStatusName":"created","originalServerName":null,"originalServerImageName":"centos-7.3-64","memberServerImageBlockStorageTotalSize":\#(100 * Self.gib - 1),"_customer":"acme"}"#
        #expect(try row("serverimage_list", .classic, classic) == Self.head + [
            "serverImageName=img-b", "originServer=", "originImage=centos-7.3-64", "imageStatus=created", "blockStorageSize=99",
        ])
    }

    @Test(arguments: [
        ("attached", "data-1", "101", "web-1"), ("detached", "pvc-3f2a", "", "PVC"), ("detached", "spare", "", "Not Attached"),
        ("attached", "pvc-9", "102", "web-2"),
    ])
    func blockStorageVPC(status: String, name: String, server: String, expected: String) throws {
        let volume = #"{"blockStorageInstanceNo":"1","blockStorageName":"\#(name)","serverInstanceNo":"\#(server)","blockStorageSize":\#(100 * Self.gib),"blockStorageInstanceStatusName":"\#(status)","blockStorageDiskDetailType":{"code":"SSD","codeName":"SSD"},"zoneCode":"KR-1","_customer":"acme"}"#
        #expect(try row("block_storage_list", .vpc, volume) == Self.head + [
            "blockServerName=\(expected)", "blockStorageName=\(name)", "blockStorageSize=100", "blockStorageInstanceStatusName=\(status)",
            "blockStorageDiskDetailType=SSD", "zoneCode=KR-1",
        ])
    }

    @Test func blockStorageClassic() throws {
        let volume = #"{"blockStorageInstanceNo":"2","blockStorageName":"disk-2","serverName":"old-1","blockStorageSize":\#(2 * Self.gib + Self.gib / 2),"blockStorageInstanceStatusName":"attached","diskDetailType":{"code":"HDD","codeName":"HDD"},"zone":{"zoneName":"KR-2","zoneCode":"KR-2b"},"_customer":"acme"}"#
        #expect(try row("block_storage_list", .classic, volume) == Self.head + [
            "blockServerName=old-1", "blockStorageName=disk-2", "blockStorageSize=2", "blockStorageInstanceStatusName=attached",
            "blockStorageDiskDetailType=HDD", "zoneCode=KR-2",
        ])
    }

    @Test func publicIp() throws {
        let ip = #"{"publicIpInstanceNo":"3","publicIp":"203.0.113.7","publicIpInstanceStatus":{"code":"USED","codeName":"Using"},"publicIpInstanceStatusName":"used","_customer":"acme"}"#
        #expect(try row("public_ip_list", .vpc, ip) == Self.head + ["publicIp=203.0.113.7", "publicIpInstanceStatus=USED"])
        #expect(try row("public_ip_list", .classic, ip) == Self.head + ["publicIp=203.0.113.7", "publicIpInstanceStatus=USED"])
    }

    @Test func loadBalancers() throws {
        let vpc = #"{"loadBalancerInstanceNo":"4","loadBalancerName":"lb-1","loadBalancerDomain":"lb-1.kr.lb.naverncp.com","loadBalancerIpList":["10.0.0.5","10.0.0.6"],"loadBalancerInstanceStatus":{"code":"USED","codeName":"Used"},"loadBalancerType":{"code":"APPLICATION","codeName":"Application"},"loadBalancerNetworkType":{"code":"PUBLIC","codeName":"Public"},"vpcNo":"11","_customer":"acme"}"#
        #expect(try row("load_balancer_list", .vpc, vpc) == Self.head + [
            "loadBalancerInstanceStatus=USED", "loadBalancerIpList=10.0.0.5, 10.0.0.6", "loadBalancerName=lb-1",
            "loadBalancerDomain=lb-1.kr.lb.naverncp.com", "loadBalancerType=APPLICATION", "loadBalancerVPCName=main-vpc", "loadBalancerNetworkType=PUBLIC",
        ])
        let classic = #"{"loadBalancerInstanceNo":"5","loadBalancerName":"lb-2","domainName":"slb-2.ncloudslb.com","virtualIp":"10.1.0.5,10.1.0.6","loadBalancerInstanceStatus":{"code":"USED","codeName":"Used"},"networkUsageType":{"code":"PBLIP","codeName":"Public"},"_customer":"acme"}"#
        #expect(try row("load_balancer_list", .classic, classic) == Self.head + [
            "loadBalancerInstanceStatus=USED", "loadBalancerIpList=10.1.0.5, 10.1.0.6", "loadBalancerName=lb-2",
            "loadBalancerDomain=slb-2.ncloudslb.com", "loadBalancerType=N/A", "loadBalancerVPCName=Classic", "loadBalancerNetworkType=PBLIP",
        ])
    }

    @Test func nasListAndNasMetric() throws {
        let vpc = #"{"nasVolumeInstanceNo":"71","volumeName":"n_share","nasVolumeInstanceStatusName":"created","volumeTotalSize":\#(600 * Self.gib),"volumeSize":\#(500 * Self.gib),"nasVolumeServerInstanceNoList":["102","101"],"zoneCode":"KR-1","_customer":"acme"}"#
        #expect(try row("nas_list", .vpc, vpc) == Self.head + [
            "volumeName=n_share", "nasStatus=created", "volumeTotalSize=600", "volumeSize=500", "zoneName=KR-1", "serverName=web-2, web-1",
        ])
        let classic = #"{"nasVolumeInstanceNo":"72","volumeName":"n_old","nasVolumeInstanceStatusName":"created","volumeTotalSize":\#(Self.gib * 3 / 2),"volumeSize":\#(Self.gib),"nasVolumeServerInstanceList":[{"serverName":"old-1"},{"serverName":"old-2"}],"zone":{"zoneName":"KR-2"},"_customer":"acme"}"#
        #expect(try row("nas_list", .classic, classic) == Self.head + [
            "volumeName=n_old", "nasStatus=created", "volumeTotalSize=1", "volumeSize=1", "zoneName=KR-2", "serverName=old-1, old-2",
        ])
        // A rating row (what ncp-fetch nas-usage prints): sizes from the NAS list, in GB.
        let rating = #"{"ratingTime":"2026-10-31T00:00:00+0900","volumeSize":\#(500 * Self.gib),"maxVolumeUseSize":\#(321 * Self.gib + 7),"maxVolumeUseRatio":64.2,"nasVolumeInstanceNo":"71","volumeName":"n_share","_customer":"acme"}"#
        #expect(try row("nas_metric", .vpc, rating) == Self.head + [
            "volumeName=n_share", "volumeTotalSize=600", "volumeSize=500", "maxVolumeUseSize=321", "maxVolumeUseRatio=64.2",
        ])
        // The file is NCP's rating row (volumeSize replaced in place) and v2's keys, not the fetch's.
        let record = try #require(try table("nas_metric").records(try item(rating), platform: .vpc, context: try context()).first)
        #expect(record.keys == ["ratingTime", "volumeSize", "maxVolumeUseSize", "maxVolumeUseRatio", "customer_id", "datetime", "volumeName", "volumeTotalSize"])
    }

    @Test func vpcCloudDatabasesAreOneRowPerNode() throws {
        let node = #""vpcNo":"11","regionCode":"KR","memorySize":\#(8 * Self.gib),"dataStorageSize":\#(100 * Self.gib),"cpuCount":2"#
        let postgres = #"{"cloudPostgresqlServiceName":"pg","cloudPostgresqlServerInstanceList":[{"cloudPostgresqlServerName":"pg-1","cloudPostgresqlServerRole":{"code":"M","codeName":"Master"},"cloudPostgresqlServerInstanceStatusName":"running","zoneCode":"KR-1",\#(node)},{"cloudPostgresqlServerName":"pg-2","cloudPostgresqlServerRole":{"code":"S","codeName":"Standby Master"},"cloudPostgresqlServerInstanceStatusName":"running",\#(node)}],"_customer":"acme"}"#
        let rows = try table("postgre_list").rows(try item(postgres), platform: .vpc, context: try context())
        #expect(rows.map(\.keys) == Array(repeating: ["customer_id", "datetime", "serviceName", "serverName", "serverRole", "status", "vpcName", "zoneCode",
                                                      "cpuCount", "memorySize", "dataStorageSize"], count: 2))
        #expect(rows.map { $0["zoneCode"] } == ["KR-1", "Unknown"])  // v2: .get("zoneCode", "Unknown")
        #expect(rows[1]["serverRole"] == "Standby Master" && rows[1]["memorySize"] == 8 && rows[1]["dataStorageSize"] == 100 && rows[1]["vpcName"] == "main-vpc")

        let mysql = #"{"cloudMysqlServiceName":"my","cloudMysqlServerInstanceList":[{"cloudMysqlServerInstanceNo":"501","cloudMysqlServerName":"my-1","cloudMysqlServerRole":{"codeName":"Master"},"cloudMysqlServerInstanceStatusName":"running","zoneCode":"KR-2","vpcNo":"11","memorySize":\#(4 * Self.gib),"dataStorageSize":\#(10 * Self.gib + 5)}],"_customer":"acme"}"#
        let records = try table("mysql_list").records(try item(mysql), platform: .vpc, context: try context())
        // The file keeps the node number v2 added for its metrics; the table does not.
        #expect(records.first?.keys.last == "cloudMysqlServerInstanceNo")
        #expect(try row("mysql_list", .vpc, mysql) == Self.head + [
            "serviceName=my", "serverName=my-1", "serverRole=Master", "status=running", "vpcName=main-vpc", "zoneCode=KR-2", "cpuCount=0",
            "memorySize=4", "dataStorageSize=10",
        ])

        let mssql = #"{"cloudMssqlServiceName":"ms","cloudMssqlServerInstanceList":[{"cloudMssqlServerName":"ms-1","cloudMssqlServerInstanceStatusName":"running","vpcNo":"11","regionCode":"SGN","memorySize":\#(16 * Self.gib),"dataStorageSize":\#(200 * Self.gib),"cpuCount":4}],"_customer":"acme","_region":"SGN"}"#
        #expect(try row("mssql_list", .vpc, mssql) == Self.head + [
            "serviceName=ms", "serverName=ms-1", "status=running", "vpcName=main-vpc", "regionCode=SGN", "cpuCount=4", "memorySize=16", "dataStorageSize=200",
        ])

        let mongo = #"{"cloudMongoDbServiceName":"mg","cloudMongoDbServerInstanceList":[{"cloudMongoDbServerName":"mg-1","clusterRole":{"code":"SHARD","codeName":"Shard"},"cloudMongoDbServerRole":{"code":"P","codeName":"Member"},"cloudMongoDbServerInstanceStatusName":"running","vpcNo":"11","zoneCode":"KR-1","memorySize":\#(4 * Self.gib),"dataStorageSize":\#(10 * Self.gib)}],"_customer":"acme"}"#
        #expect(try row("mongodb_list", .vpc, mongo) == Self.head + [
            "serviceName=mg", "serverName=mg-1", "clusterRole=SHARD", "serverRole=Member", "status=running", "vpcName=main-vpc", "zoneCode=KR-1",
            "cpuCount=0", "memorySize=4", "dataStorageSize=10",
        ])

        // Redis memory in GB to one decimal, a float; no storage column.
        let redis = #"{"cloudRedisServiceName":"rd","cloudRedisServerInstanceList":[{"cloudRedisServerName":"rd-1","cloudRedisServerRole":{"codeName":"Master"},"cloudRedisServerInstanceStatusName":"running","vpcNo":"11","zoneCode":"KR-1","memorySize":\#(Self.gib * 8 / 5)}],"_customer":"acme"}"#
        #expect(try row("redis_list", .vpc, redis) == Self.head + [
            "serviceName=rd", "serverName=rd-1", "serverRole=Master", "status=running", "vpcName=main-vpc", "zoneCode=KR-1", "cpuCount=0", "memorySize=1.6",
        ])
        let whole = redis.replacingOccurrences(of: "\(Self.gib * 8 / 5)", with: "\(2 * Self.gib)")
        #expect(try row("redis_list", .vpc, whole).last == "memorySize=2.0")

        let empty = #"{"cloudRedisServiceName":"none","cloudRedisServerInstanceList":[],"_customer":"acme"}"#
        #expect(try table("redis_list").rows(try item(empty), platform: .vpc, context: try context()).isEmpty)
    }

    @Test func classicCloudDBHasATablePerKindAndStatusFallbacks() throws {
        #expect(v2.tables(resource: "cloud-db", platform: .classic).map { $0.tableName(customerType: "pri", platform: .classic) }
                == ["pri_Classic_MYSQL_list", "pri_Classic_MSSQL_list", "pri_Classic_REDIS_list"])
        let mysql = #"{"cloudDBInstanceNo":"1","dbKindCode":"MYSQL","cloudDBServiceName":"legacy","cpuCount":2,"memorySize":\#(4 * Self.gib),"zone":{"zoneCode":"KR-1","zoneName":"KR-1"},"cloudDBServerInstanceList":[{"cloudDBServerName":"m-1","cloudDBServerRole":{"codeName":"Master"},"cloudDBServerInstanceStatusName":"running","dataStorageSize":\#(50 * Self.gib)},{"cloudDBServerName":"m-2","cloudDBServerRole":{"codeName":"Hidden Master"}},{"cloudDBServerName":"m-3","cloudDBServerRole":{"codeName":"Slave"}}],"_customer":"acme"}"#
        let rows = try table("MYSQL_list").rows(try item(mysql), platform: .classic, context: try context())
        #expect(rows.map { $0["status"] } == ["running", "standby", "Unknown"])
        #expect(rows.map { $0["dataStorageSize"] } == [50, 0, 0])
        #expect(rows[0].pairs.map { "\($0.key)=\($0.value.scalarText ?? "")" } == Self.head + [
            "dbKindCode=MYSQL", "serviceName=legacy", "serverName=m-1", "serverRole=Master", "status=running", "zoneCode=KR-1", "cpuCount=2",
            "memorySize=4", "dataStorageSize=50",
        ])
        // Another kind's table takes none of them (v2 re-inserted earlier kinds' rows: a defect).
        #expect(try table("REDIS_list").rows(try item(mysql), platform: .classic, context: try context()).isEmpty)
        #expect(try table("MYSQL_list").file == .source)
    }

    @Test func natGateway() throws {
        let nat = #"{"natGatewayInstanceNo":"6","natGatewayName":"nat-1","natGatewayInstanceStatusName":"running","publicIp":"203.0.113.3","privateIp":"10.0.9.4","zoneCode":"KR-1","vpcNo":"11","_customer":"acme"}"#
        #expect(try row("nat_gateway_list", .vpc, nat) == Self.head + [
            "natGatewayName=nat-1", "natGatewayInstanceStatusName=running", "publicIp=203.0.113.3", "privateIp=10.0.9.4", "zoneCode=KR-1",
        ])
    }

    @Test func allResourceList() throws {
        let table = try table("All_Resource_List")
        #expect(table.tableName(customerType: "gov", platform: .vpc) == "All_Resource_List")
        #expect(table.fileName(customerType: "gov", platform: .vpc) == "all_resource_list")
        #expect(table.customerColumn == "customerName")
        let resource = #"{"nrn":"nrn:x","platformType":"VPC","resourceType":"Server","regionCode":"KR","_customer":"acme"}"#
        #expect(try row("All_Resource_List", .vpc, resource) == ["customerName=acme", "Date=2026-11-01 00:10", "platformType=VPC", "resourceType=Server", "region=KR"])
    }

    @Test func metricsAreOneRowPerPointInLocalWallClock() throws {
        let point = #"{"instanceNo":"101","instanceName":"web-1","metric":"avg_snd_bps","aggregation":"AVG","interval":"Day1","timestamp":"2026-10-01T00:00:00+09:00","value":0.125,"unit":"MB","_customer":"acme"}"#
        #expect(try row("metric_list", .classic, point) == Self.head + [
            "instanceNo=101", "serverName=web-1", "metric=avg_snd_bps", "aggregation=AVG", "timestamp=2026-10-01 00:00:00", "value=0.125",
        ])
        let mysql = #"{"instanceNo":"501","instanceName":"my-1","metric":"disk_mysql_used","aggregation":"AVG","timestamp":"2026-10-02T00:00:00+09:00","value":3.5,"_customer":"acme"}"#
        #expect(try row("mysql_metrics", .vpc, mysql) == Self.head + [
            "instanceNo=501", "serverName=my-1", "metric=disk_mysql_used", "aggregation=AVG", "dataStorageSize=10", "timestamp=2026-10-02 00:00:00", "value=3.5",
        ])
    }

    @Test func everyV2TableIsThere() {
        let names = Set(v2.tables.flatMap { table in table.platforms.map { table.tableName(customerType: "pri", platform: $0) } })
        let expected: Set<String> = ["All_Resource_List", "pri_VPC_server_list", "pri_Classic_server_list", "pri_VPC_serverimage_list",
                                     "pri_Classic_serverimage_list", "pri_VPC_block_storage_list", "pri_Classic_block_storage_list",
                                     "pri_VPC_public_ip_list", "pri_Classic_public_ip_list", "pri_VPC_load_balancer_list", "pri_Classic_load_balancer_list",
                                     "pri_VPC_nas_list", "pri_Classic_nas_list", "pri_VPC_nas_metric", "pri_Classic_nas_metric", "pri_VPC_postgre_list",
                                     "pri_VPC_mysql_list", "pri_VPC_mssql_list", "pri_VPC_mongodb_list", "pri_VPC_redis_list", "pri_Classic_MYSQL_list",
                                     "pri_Classic_MSSQL_list", "pri_Classic_REDIS_list", "pri_VPC_nat_gateway_list", "pri_VPC_metric_list",
                                     "pri_Classic_metric_list", "pri_VPC_mysql_metrics"]
        #expect(names == expected)
    }

    @Test func expressions() throws {
        let context = ViewContext(runTime: Self.run)
        func eval(_ text: String, _ json: String = "{}") throws -> JSONValue {
            try ViewExpression.parse(text).evaluate(item: try item(json), node: nil, context: context)
        }
        #expect(try eval("gb(a)", #"{"a":\#(3 * Self.gib - 1)}"#) == 2)
        #expect(try eval("gb(a)", #"{"a":"x"}"#) == .null)
        // Python's floor division on any size NCP might send, without a trap (found by bench/fuzz).
        #expect(try eval("gb(a)", #"{"a":-1}"#) == -1)
        #expect(try eval("gb(a)", #"{"a":-9223372036854775808}"#) == .int(-8_589_934_592))
        #expect(try eval("gb(a)", #"{"a":-9223372036854775807}"#) == .int(-8_589_934_592))
        #expect(try eval("gb(a)", #"{"a":1e30}"#) == .number("9.313225746154785e+20"))
        #expect(try eval("gb(a)", #"{"a":"-1e30"}"#) == .number("-9.313225746154785e+20"))
        #expect(try eval("gb(a)", #"{"a":123456789012345678901234567890123}"#) == .number("1.149780945967377e+23"))
        #expect(try eval("a | b | ''", "{}") == "")  // the last alternative's value when none has one
        #expect(try eval("if(a ~ 'pvc', 'PVC', a)", #"{"a":"k8s-pvc-1"}"#) == "PVC")
        #expect(try eval("if(a = 'x', 'y', 'z')", #"{"a":"xx"}"#) == "z")
        #expect(try eval("minute($run)") == "2026-11-01 00:10")
        #expect(try eval("wall(t)", #"{"t":"2026-10-01T09:30:05+09:00"}"#) == "2026-10-01 09:30:05")
        #expect(try eval("join(a)", #"{"a":[]}"#) == "")
        // Objects and lists that reach a column are its compact JSON text, never more columns.
        let table = ViewTable("t", resource: "r", platforms: [.vpc], record: .built, assignments: [("o", "obj", nil), ("a", "arr", nil), ("e", "list", nil)],
                              columns: ["o", "a", "e"])
        let row = table.rows(try item(#"{"list":[],"obj":{"code":"RUN"},"arr":[1,2]}"#), platform: .vpc, context: context)[0]
        #expect(row["o"] == .string(#"{"code":"RUN"}"#) && row["a"] == "[1,2]" && row["e"] == .null)
    }

    @Test(arguments: ["", "a..b", "@x(", "join(a", "a b", "if(a, 'b', 'c')", "nope(a)", "'open"])
    func badExpressionsAreRefused(_ text: String) {
        #expect(throws: ViewExpression.ParseError.self) { try ViewExpression.parse(text) }
    }
}
