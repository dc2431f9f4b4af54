import Testing
@testable import ReportKit

struct ViewTests {
    let v2 = View.named("v2")!

    func item(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

    @Test func everyV2TableParsesAndNamesItsTable() {
        // Building the tables parses every expression (a bad one stops the process).
        #expect(v2.tables.count == 17)
        #expect(v2.table(resource: "server", platform: .vpc)?.tableName(customerType: "pri", platform: .vpc) == "pri_VPC_server_list")
        #expect(v2.table(resource: "server-metrics", platform: .classic)?.tableName(customerType: "gov", platform: .classic) == "gov_Classic_metric_list")
        #expect(v2.table(resource: "resource", platform: .vpc)?.tableName(customerType: "pri", platform: .vpc) == "All_Resource_List")
        #expect(v2.table(resource: "resource", platform: .vpc)?.customerColumn == "customerName")
        #expect(v2.table(resource: "server", platform: .vpc)?.customerColumn == "customer_id")
        #expect(v2.table(resource: "mysql", platform: .classic) == nil)
        #expect(v2.table(resource: "server", platform: .vpc)?.columns.map(\.name) == [
            "customer_id", "datetime", "serverName", "serverImage", "platformType", "publicIp", "serverSpec", "vpcName", "zoneCode", "serverStatus",
        ])
        #expect(v2.table(resource: "server", platform: .vpc)?.lookups(.vpc) == ["imageName", "memberImageName", "productName", "vpcName"])
        #expect(v2.table(resource: "server", platform: .classic)?.lookups(.classic).contains("vpcName") == false)
    }

    @Test func lookupsFallBackToCodesAndRunTimeIsTheRunsNotTheItems() throws {
        var context = ViewContext(runTime: "2026-11-01T00:10:00+09:00")
        context.index(try item(#"{"_resource":"vpc","vpcNo":"11","vpcName":"main-vpc"}"#), view: v2)
        context.index(try item(#"{"_resource":"product","productCode":"SPEC-A","productName":"vCPU 2EA, Memory 8GB"}"#), view: v2)
        let server = try item(#"{"_customer":"alpha","_fetchedAt":"2026-11-01T00:12:00+09:00","serverName":"web-1","serverProductCode":"SPEC-A","serverImageProductCode":"IMG-X","vpcNo":"11","platformType":{"code":"LNX64","codeName":"Linux 64 Bit"},"zoneCode":"KR-1","serverInstanceStatusName":"running","publicIp":""}"#)
        let table = try #require(v2.table(resource: "server", platform: .vpc))
        let rows = table.rows(server, platform: .vpc, context: context)
        #expect(rows.count == 1)
        let row = rows[0]
        #expect(row["customer_id"] == "alpha" && row["datetime"] == "2026-11-01T00:10:00+09:00")
        #expect(row["serverSpec"] == "vCPU 2EA, Memory 8GB" && row["vpcName"] == "main-vpc")
        #expect(row["serverImage"] == "IMG-X")  // no image list: the code, never a blank
        #expect(row["platformType"] == "Linux 64 Bit" && row["publicIp"] == "")
        // Classic has no VPC: null even when a list is at hand.
        let classic = try #require(v2.table(resource: "server", platform: .classic)).rows(server, platform: .classic, context: context)[0]
        #expect(classic["vpcName"] == .null)
    }

    @Test func cloudDBNodesBecomeRowsAndArraysJoin() throws {
        var context = ViewContext(runTime: "2026-11-01T00:10:00+09:00")
        context.index(try item(#"{"_resource":"server","serverInstanceNo":"1","serverName":"web-1"}"#), view: v2)
        context.index(try item(#"{"_resource":"server","serverInstanceNo":"2","serverName":"web-2"}"#), view: v2)
        let redis = try item(#"{"_customer":"a","cloudRedisServiceName":"cache","engineVersion":"7","CloudRedisServerInstanceList":[{"cloudRedisServerName":"n1","vpcNo":"9"},{"cloudRedisServerName":"n2"}]}"#)
        let rows = try #require(v2.table(resource: "redis", platform: .vpc)).rows(redis, platform: .vpc, context: context)
        #expect(rows.map { $0["serverName"] } == ["n1", "n2"])  // the node array matched whatever its case
        #expect(rows.allSatisfy { $0["serviceName"] == "cache" })
        let empty = try item(#"{"_customer":"a","cloudRedisServiceName":"none","CloudRedisServerInstanceList":[]}"#)
        #expect(try #require(v2.table(resource: "redis", platform: .vpc)).rows(empty, platform: .vpc, context: context).isEmpty)
        let nas = try item(#"{"_customer":"a","volumeName":"v","nasVolumeServerInstanceNoList":["2","404","1"]}"#)
        let row = try #require(v2.table(resource: "nas-volume", platform: .vpc)).rows(nas, platform: .vpc, context: context)[0]
        #expect(row["serverNames"] == "web-2, web-1")  // unknown numbers left out, input order kept
        let classicLB = try item(#"{"loadBalancedServerInstanceList":[{"serverInstance":{"serverName":"a"}},{"serverInstance":{"serverName":"b"}}]}"#)
        #expect(try #require(v2.table(resource: "load-balancer", platform: .classic)).rows(classicLB, platform: .classic, context: context)[0]["serverNames"] == "a, b")
    }

    @Test func fallbacksPassOverEmptyListsAndAColumnIsAlwaysOneValue() throws {
        let context = ViewContext(runTime: "2026-11-01T00:10:00+09:00")
        let fallback = try ViewExpression.parse("list[].name | other")
        let item = try item(#"{"list":[],"other":"x","obj":{"code":"RUN"},"arr":[1,2]}"#)
        #expect(fallback.evaluate(item: item, node: nil, context: context) == "x")
        // Objects and lists that reach a column are its compact JSON text, never more columns.
        let table = ViewTable("t", resource: "r", platforms: [.vpc], columns: [("o", "obj", nil), ("a", "arr", nil), ("e", "list", nil)])
        let row = table.rows(item, platform: .vpc, context: context)[0]
        #expect(row["o"] == .string(#"{"code":"RUN"}"#) && row["a"] == "[1,2]" && row["e"] == .null)
    }

    @Test(arguments: ["", "a..b", "@x(", "join(a", "a b"])
    func badExpressionsAreRefused(_ text: String) {
        #expect(throws: ViewExpression.ParseError.self) { try ViewExpression.parse(text) }
    }
}
