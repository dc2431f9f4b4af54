import ArgumentParser
import Foundation
import NCPKit
import ReportKit

struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Cloud Insight metrics for servers or Cloud DB instances over a report period.",
        discussion: """
            Reads instances from stdin (the NDJSON `ncp-fetch server` or `ncp-fetch mysql` prints, or any objects with serverInstanceNo/instanceNo) or from --instance, and prints one line per data point: instanceNo, instanceName, metric, aggregation, interval, timestamp (ISO 8601 in the period's zone), value, unit, plus provenance.

            Profiles: server = avg/max of cpu_used_rto, fs_usert, snd_bps, rcv_bps, read_byt_cnt, write_byt_cnt (avg_* AVG, max_* MAX), mem_usert AVG and MAX, fs_all_mb and fs_used_mb MAX; mysql = cpu_pct AVG, mem_pct AVG, disk_mysql_used MAX. Interval: Day1 for monthly periods, Hour2 for weekly ones, unless --interval. Requests: data/query/multiple, at most 20 entries each, instances concurrently. An instance that fails is reported and the others still print; the exit status then says what failed and no trailer is written.

            Examples:
              ncp-fetch server | ncp-fetch metrics --period last-month --trailer
              ncp-fetch server --platform classic | ncp-fetch metrics --period last-week --week-start 'mon 10:00'
              ncp-fetch mysql | ncp-fetch metrics --profile mysql --month-start-day 20
              ncp-fetch metrics --instance 12345678=web-01 --metric avg_cpu_used_rto --interval Min30 --period 2026-11-01..2026-11-02
            """
    )

    @Option(help: ArgumentHelp("server or mysql.", valueName: "profile"))
    var profile: MetricProfile = .server

    @Option(name: .customLong("metric"), help: ArgumentHelp("Query this metric instead of the profile's (repeatable).", valueName: "name"))
    var metrics: [String] = []

    @Option(help: ArgumentHelp("AVG, MAX, MIN, SUM or COUNT (either case) for every metric, instead of the profile's.", valueName: "agg"))
    var aggregation: MetricAggregation?

    @Option(help: ArgumentHelp("Min1, Min5, Min30, Hour2 or Day1, any case (default: by period).", valueName: "interval"))
    var interval: MetricInterval?

    @Option(help: ArgumentHelp("raw (as Cloud Insight sends them) or v2 (bits/s and bytes/s as MB, like the v2 system).", valueName: "raw|v2"))
    var units: MetricUnits = .raw

    @Option(name: .customLong("instance"), help: ArgumentHelp("An instance number, optionally =name (repeatable; instead of stdin).", valueName: "no[=name]"))
    var instances: [String] = []

    @Option(help: ArgumentHelp("Instances queried at once ($NCP_METRICS_CONCURRENCY, default 12).", valueName: "n"))
    var concurrency: Int?

    @OptionGroup var common: MonitoringOptions

    func run() async throws {
        await ToolMain.run(tool: "ncp-fetch", logging: common.logging) { try await execute() }
    }

    func execute() async throws {
        let (resolved, window, client, environment) = try common.prepare()
        let chosenInterval = interval ?? MetricInterval.defaultFor(window)
        let workers = try environment.resolve(
            concurrency.map(String.init), flag: "--concurrency", env: ["NCP_METRICS_CONCURRENCY"], default: 12,
            { Int($0).flatMap { (1...64).contains($0) ? $0 : nil } }, expected: "1 to 64")
        let queryList = try MetricProfile.queries(profile: profile.name, metrics: metrics, aggregation: aggregation?.rawValue)
        let mysql = profile.name == MetricProfile.mysql.name
        let list = try MonitoringRun.instances(
            flags: instances, platform: common.target.platform, expecting: "instance number",
            MonitoredInstance.servers(in:))
        Log.shared.info("querying metrics", [
            "instances": "\(list.count)", "period": window.label, "interval": chosenInterval.rawValue, "queries": "\(queryList.count)",
        ])
        let options = MetricsFetcher.Options(
            period: window, interval: chosenInterval, queries: queryList,
            product: { mysql ? .mysqlVPC : ($0 == .classic ? .serverClassic : .serverVPC) },
            defaultPlatform: resolved.platform, v2Units: units == .v2, concurrency: workers.value, site: resolved.site,
            customer: resolved.customer, fetchedAt: MonitoringRun.fetchedAt(window))
        let out = OutputStream.stdout
        let outcome = try await MetricsFetcher(client: client, site: resolved.site).run(list, options: options) { try out.writeLine($0) }
        try MonitoringRun.finish(outcome, trailer: common.trailer, what: "instance(s)")
    }
}
