import Foundation
import Testing
import ReportKit

/// `ncp-fetch metrics`, `nas-usage` and `period`, built, against a running cloud-sandbox.
@Suite(.serialized)
struct MetricsEndToEndTests {
    /// Product keys that are not the documented ones: metrics only work if they are discovered.
    static let scenario = """
        {"cloudInsightKeys": {"Server(VPC)": "900000000000000001", "Server(Classic)": "900000000000000002",
                              "Cloud DB for MySQL(VPC)": "900000000000000003"},
         "failMetricsFor": ["1010000002"],
         "customers": [
           {"id": "alpha", "accessKey": "MALPHAKEY", "secretKey": "mAlphaSecret0123456789",
            "fleet": {"vpc/server": 6, "classic/server": 4, "vpc/mysql": 2, "vpc/nas-volume": 2, "classic/nas-volume": 3}}]}
        """

    func lines(_ result: ToolRunner.Result) throws -> (points: [JSONValue], trailer: JSONValue?) {
        var values = try result.lines.map { try JSONParser.parse($0) }
        var trailer: JSONValue?  // JSONValue is nil-literal expressible: spell the Optional out
        if values.last?["_trailer"] != nil { trailer = .some(values.removeLast()) }
        return (values, trailer)
    }

    @Test func aTwentiethCycleOnVPCWithDailyPoints() throws {
        let sandbox = try RunningSandbox(scenario: Self.scenario)
        defer { sandbox.stop() }
        var env = sandbox.environment(for: "alpha")
        env["REPORT_RETRIES"] = "1"
        let servers = try ToolRunner.run("ncp-fetch", ["server", "--customer", "alpha"], environment: env)
        #expect(servers.status == 0)
        let result = try ToolRunner.run(
            "ncp-fetch", ["metrics", "--month-start-day", "20", "--now", "2026-11-26T12:00:00+09:00", "--trailer", "--customer", "alpha"],
            environment: env, stdin: servers.stdout)
        // One of the six servers fails (failMetricsFor): the other five still print, exit says so.
        #expect(result.status == 69)
        #expect(result.stderr.contains("1010000002"))
        let (points, trailer) = try lines(result)
        #expect(trailer == Optional<JSONValue>.none)
        #expect(points.count == 5 * 16 * 31)
        #expect(Set(points.compactMap { $0["instanceNo"]?.stringValue }).count == 5)
        let stamps = Set(points.compactMap { $0["timestamp"]?.stringValue })
        #expect(stamps.count == 31)
        #expect(stamps.min() == "2026-10-20T00:00:00+09:00")
        #expect(stamps.max() == "2026-11-19T00:00:00+09:00")
        #expect(points.allSatisfy { $0["interval"]?.stringValue == "Day1" && $0["_period"]?.stringValue == "2026-10-20..2026-11-20" })
        let pairs = Set(points.compactMap { p in p["metric"]?.stringValue.flatMap { m in p["aggregation"]?.stringValue.map { "\(m)/\($0)" } } })
        #expect(pairs.count == 16 && pairs.contains("mem_usert/AVG") && pairs.contains("mem_usert/MAX") && pairs.contains("fs_used_mb/MAX"))
        let multiple = sandbox.requests.filter { $0.contains("data/query/multiple") }
        #expect(!multiple.isEmpty)
        #expect(multiple.allSatisfy { line in ((try? JSONParser.parse(line))?["entries"]?.intValue ?? 99) <= 20 })
        #expect(sandbox.requests.filter { $0.contains("schema/system/list") }.count == 1)
    }

    @Test func aWeeklyWindowOnClassicWithTwoHourPoints() throws {
        let sandbox = try RunningSandbox(scenario: Self.scenario)
        defer { sandbox.stop() }
        let env = sandbox.environment(for: "alpha")
        let servers = try ToolRunner.run("ncp-fetch", ["server", "--platform", "classic"], environment: env)
        let result = try ToolRunner.run(
            "ncp-fetch", ["metrics", "--period", "last-week", "--week-start", "mon 10:00", "--now", "2026-11-23T10:00:00+09:00",
                          "--units", "v2", "--trailer"],
            environment: env, stdin: servers.stdout)
        #expect(result.status == 0, "\(result.stderr)")
        let (points, trailer) = try lines(result)
        #expect(points.count == 4 * 16 * 84)
        #expect(trailer?["_trailer"]?["items"]?.intValue == points.count)
        let stamps = Set(points.compactMap { $0["timestamp"]?.stringValue })
        #expect(stamps.count == 84)
        #expect(stamps.min() == "2026-11-16T10:00:00+09:00")
        #expect(stamps.max() == "2026-11-23T08:00:00+09:00")
        #expect(points.allSatisfy { $0["_platform"]?.stringValue == "classic" && $0["_period"]?.stringValue == "2026-W47" })
        let network = try #require(points.first { $0["metric"]?.stringValue == "avg_snd_bps" })
        #expect(network["unit"]?.stringValue == "MB")
        #expect((network["value"]?.doubleValue ?? 100) < 10)  // bits/s ÷ 8,000,000
    }

    @Test func mysqlNodesAndNASUsage() throws {
        let sandbox = try RunningSandbox(scenario: Self.scenario)
        defer { sandbox.stop() }
        let env = sandbox.environment(for: "alpha")
        let databases = try ToolRunner.run("ncp-fetch", ["mysql"], environment: env)
        let mysql = try ToolRunner.run("ncp-fetch", ["metrics", "--profile", "mysql", "--period", "2026-10", "--trailer"], environment: env, stdin: databases.stdout)
        #expect(mysql.status == 0, "\(mysql.stderr)")
        let (points, _) = try lines(mysql)
        #expect(points.count == 2 * 2 * 3 * 31)  // instances × nodes × metrics × days
        #expect(Set(points.compactMap { $0["metric"]?.stringValue }) == ["cpu_pct", "mem_pct", "disk_mysql_used"])

        for (platform, volumes) in [("vpc", 2), ("classic", 3)] {
            let list = try ToolRunner.run("ncp-fetch", ["nas-volume", "--platform", platform], environment: env)
            let usage = try ToolRunner.run("ncp-fetch", ["nas-usage", "--period", "2026-10", "--trailer"], environment: env, stdin: list.stdout)
            #expect(usage.status == 0, "\(usage.stderr)")
            let (rows, trailer) = try lines(usage)
            #expect(rows.count == volumes * 31)
            #expect(trailer != nil)
            #expect(rows.allSatisfy { $0["maxVolumeUseSize"] != nil && $0["_platform"]?.stringValue == platform })
        }
    }

    @Test func periodPrintsTheWindow() throws {
        let result = try ToolRunner.run(
            "ncp-fetch", ["period", "--period", "last-month", "--month-start-day", "20", "--tz", "UTC", "--now", "2026-01-05T00:00:00Z"],
            environment: ToolRunner.baseEnvironment())
        #expect(result.status == 0)
        let json = try JSONParser.parse(result.stdout)
        #expect(json.compactString == #"{"label":"2025-11-20..2025-12-20","start":"2025-11-20T00:00:00+00:00","end":"2025-12-20T00:00:00+00:00","startMs":1763596800000,"endMs":1766188800000,"tz":"UTC"}"#)
        let bad = try ToolRunner.run("ncp-fetch", ["period", "--period", "2026-13"], environment: ToolRunner.baseEnvironment())
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("invalid period '2026-13'"))
    }

    @Test func badInputNamesTheLine() throws {
        let sandbox = try RunningSandbox(scenario: Self.scenario)
        defer { sandbox.stop() }
        let result = try ToolRunner.run("ncp-fetch", ["metrics"], environment: sandbox.environment(for: "alpha"),
                                        stdin: "{\"serverInstanceNo\":\"1\"}\n{\"vpcNo\":\"2\"}\n")
        #expect(result.status == 65)
        #expect(result.stderr.contains("line 2: no instance number"))
        let broken = try ToolRunner.run("ncp-fetch", ["metrics"], environment: sandbox.environment(for: "alpha"), stdin: "{\"a\":\n")
        #expect(broken.status == 65)
        #expect(broken.stderr.contains("line 1:"))
    }
}
