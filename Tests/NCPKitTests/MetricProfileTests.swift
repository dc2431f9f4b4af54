import Foundation
import Testing
@testable import NCPKit
import ReportKit

/// Every row of the aggregation table, pinned: the v2 system's `if "a" or "b" in x` test gave
/// some of these the wrong aggregation.
struct MetricProfileTests {
    static let serverTable: [(String, String)] = [
        ("avg_cpu_used_rto", "AVG"), ("max_cpu_used_rto", "MAX"), ("avg_fs_usert", "AVG"), ("max_fs_usert", "MAX"),
        ("avg_snd_bps", "AVG"), ("max_snd_bps", "MAX"), ("avg_rcv_bps", "AVG"), ("max_rcv_bps", "MAX"),
        ("avg_read_byt_cnt", "AVG"), ("max_read_byt_cnt", "MAX"), ("avg_write_byt_cnt", "AVG"), ("max_write_byt_cnt", "MAX"),
        ("mem_usert", "AVG"), ("mem_usert", "MAX"), ("fs_all_mb", "MAX"), ("fs_used_mb", "MAX"),
    ]

    @Test(arguments: serverTable)
    func serverProfileRow(_ metric: String, _ aggregation: String) {
        #expect(MetricProfile.server.queries.contains(MetricQuery(metric, aggregation)))
    }

    @Test func serverProfileIsExactlyTheTable() {
        #expect(MetricProfile.server.queries.map { [$0.metric, $0.aggregation] } == Self.serverTable.map { [$0.0, $0.1] })
        #expect(Set(MetricProfile.server.queries.map(\.metric)).count == 15)
    }

    @Test(arguments: [("cpu_pct", "AVG"), ("mem_pct", "AVG"), ("disk_mysql_used", "MAX")])
    func mysqlProfileRow(_ metric: String, _ aggregation: String) {
        #expect(MetricProfile.mysql.queries.contains(MetricQuery(metric, aggregation)))
        #expect(MetricProfile.mysql.queries.count == 3)
    }

    @Test func overrides() throws {
        #expect(try MetricProfile.queries(profile: "server", metrics: ["mem_usert"]) == [MetricQuery("mem_usert", "AVG"), MetricQuery("mem_usert", "MAX")])
        #expect(try MetricProfile.queries(profile: "server", metrics: ["load_average_1m"]) == [MetricQuery("load_average_1m", "AVG")])
        #expect(try MetricProfile.queries(profile: "mysql", aggregation: "min") == [
            MetricQuery("cpu_pct", "MIN"), MetricQuery("mem_pct", "MIN"), MetricQuery("disk_mysql_used", "MIN"),
        ])
        #expect(try MetricProfile.queries(profile: "server", aggregation: "MAX").count == 15)
        #expect(throws: Failure.self) { try MetricProfile.queries(profile: "gpu") }
        #expect(throws: Failure.self) { try MetricProfile.queries(profile: "server", aggregation: "MEDIAN") }
    }

    @Test(arguments: [("avg_snd_bps", "bit/s", 8_000_000.0), ("max_read_byt_cnt", "B/s", 1_000_000.0), ("mem_usert", "%", nil), ("fs_all_mb", "MB", nil)])
    func unitsAndV2Conversions(_ metric: String, _ unit: String, _ divisor: Double?) {
        #expect(MetricProfile.unit(of: metric) == unit)
        #expect(MetricProfile.v2Divisor(of: metric) == divisor)
    }

    @Test func intervalsFollowThePeriod() throws {
        var resolver = PeriodResolver(weekStart: try #require(WeekStart(parsing: "mon 10:00")))
        resolver.now = try #require(resolver.instant("2026-11-26T00:00:00+09:00"))
        #expect(MetricInterval.defaultFor(try resolver.resolve("last-month")) == .day1)
        #expect(MetricInterval.defaultFor(try resolver.resolve("last-week")) == .hour2)
        #expect(MetricInterval.defaultFor(try resolver.resolve("2026-11-01..2026-11-03")) == .hour2)
        #expect(MetricInterval.defaultFor(try resolver.resolve("2026-10-20..2026-11-20")) == .day1)
    }

    @Test func requestsCarryBothKeyNamesAndNeverMoreThan20Entries() throws {
        var resolver = PeriodResolver()
        resolver.now = try #require(resolver.instant("2026-11-26T00:00:00+09:00"))
        let period = try resolver.resolve("last-month")
        let queries = (1...45).map { MetricQuery("m\($0)", "AVG") }
        let options = MetricsFetcher.Options(
            period: period, interval: .day1, queries: queries, product: { _ in .serverVPC }, defaultPlatform: .vpc,
            site: .public, fetchedAt: "x")
        let bodies = MetricsFetcher.bodies(for: MonitoredInstance(number: "42", name: "web"), productKey: "K", product: .serverVPC, options: options)
        #expect(bodies.map { $0["metricInfoList"]?.arrayValue?.count } == [20, 20, 5])
        let entry = try #require(bodies[0]["metricInfoList"]?.arrayValue?.first)
        #expect(entry["prodKey"]?.stringValue == "K" && entry["cw_key"]?.stringValue == "K")
        #expect(entry["productName"]?.stringValue == "System/Server(VPC)")
        #expect(entry["dimensions"]?["instanceNo"]?.stringValue == "42")
        #expect(bodies[0]["timeStart"] == .int(period.startMillis) && bodies[0]["timeEnd"] == .int(period.endMillis))
    }

    @Test func instancesFromFetchOutput() throws {
        let server = try JSONParser.parse(#"{"serverInstanceNo":"1","serverName":"web","_platform":"classic","_region":"KR"}"#)
        #expect(MonitoredInstance.servers(in: server) == [MonitoredInstance(number: "1", name: "web", platform: .classic, region: "KR")])
        let db = try JSONParser.parse(#"{"cloudMysqlInstanceNo":"9","cloudMysqlServerInstanceList":[{"cloudMysqlServerInstanceNo":"91","cloudMysqlServerName":"db-1"},{"cloudMysqlServerInstanceNo":"92","cloudMysqlServerName":"db-2"}]}"#)
        #expect(MonitoredInstance.servers(in: db)?.map(\.name) == ["db-1", "db-2"])
        let redis = try JSONParser.parse(#"{"CloudRedisServerInstanceList":[{"cloudRedisServerInstanceNo":"5","cloudRedisServerName":"r"}]}"#)
        #expect(MonitoredInstance.servers(in: redis)?.first?.number == "5")
        #expect(MonitoredInstance.servers(in: try JSONParser.parse(#"{"_trailer":{"items":1,"complete":true}}"#)) == [])
        #expect(MonitoredInstance.servers(in: try JSONParser.parse(#"{"vpcNo":"1"}"#)) == nil)
        #expect(throws: Failure.self) { try MonitoredInstance.parse("web-01", platform: nil) }
    }
}
