import Foundation
import Testing
import ReportKit
@testable import PageKit

/// The numbers on a page against the files they came from, worked out by hand.
struct CustomerAnalysisTests {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("pages-\(UUID().uuidString)").path
    }

    func write(_ period: String, _ customer: String, _ name: String, _ items: [String]) throws {
        let folder = "\(root)/\(period)/\(customer)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try ("[\n    " + items.joined(separator: ",\n    ") + "\n]\n").write(toFile: "\(folder)/\(name)", atomically: true, encoding: .utf8)
    }

    static func server(_ id: String, _ name: String, status: String = "RUN") -> String {
        #"{"serverInstanceNo":"\#(id)","serverName":"\#(name)","serverInstanceStatus":{"code":"\#(status)","codeName":"x"},"serverInstanceStatusName":"\#(status == "RUN" ? "running" : "stopped")","cpuCount":2,"memorySize":4294967296,"serverSpecCode":"s2-g3","_region":"KR"}"#
    }

    static func point(_ id: String, _ metric: String, _ aggregation: String, _ day: Int, _ value: Double) -> String {
        #"{"instanceNo":"\#(id)","metric":"\#(metric)","aggregation":"\#(aggregation)","timestamp":"2026-10-0\#(day)T00:00:00+09:00","value":\#(value)}"#
    }

    @Test func serversMetricsFlagsAndChangesComeOutAsWorkedOutByHand() throws {
        try write("2026-10", "alpha", "vpc-server.json", [
            Self.server("1", "web"), Self.server("2", "<img src=x onerror=alert(1)>"), Self.server("3", "batch", status: "NSTOP"), Self.server("4", "quiet"),
        ])
        // web: CPU 40 and 60 (avg 50), peak 97 → hot; disk peak 91 → file system full.
        // quiet: CPU 2 and 4 (avg 3), peak 10 → idle. Server 2 has no metrics at all.
        try write("2026-10", "alpha", "vpc-server-metrics.ndjson", [])
        let points = [
            Self.point("1", "avg_cpu_used_rto", "AVG", 1, 40), Self.point("1", "avg_cpu_used_rto", "AVG", 2, 60),
            Self.point("1", "max_cpu_used_rto", "MAX", 1, 97), Self.point("1", "max_cpu_used_rto", "MAX", 2, 70),
            Self.point("1", "avg_fs_usert", "AVG", 1, 80), Self.point("1", "max_fs_usert", "MAX", 2, 91),
            Self.point("1", "mem_usert", "AVG", 1, 30), Self.point("1", "mem_usert", "MAX", 1, 55),
            Self.point("4", "avg_cpu_used_rto", "AVG", 1, 2), Self.point("4", "avg_cpu_used_rto", "AVG", 2, 4),
            Self.point("4", "max_cpu_used_rto", "MAX", 2, 10),
        ]
        try (points.joined(separator: "\n") + "\n" + #"{"_trailer":{"items":11,"complete":true}}"# + "\n")
            .write(toFile: "\(root)/2026-10/alpha/vpc-server-metrics.ndjson", atomically: true, encoding: .utf8)
        try write("2026-10", "alpha", "vpc-public-ip.json", [
            #"{"publicIpInstanceNo":"61","publicIp":"203.0.113.9","serverInstanceNo":"","_region":"KR"}"#,
            #"{"publicIpInstanceNo":"62","publicIp":"203.0.113.10","serverInstanceNo":"1","_region":"KR"}"#,
        ])
        try write("2026-10", "alpha", "vpc-block-storage.json", [
            #"{"blockStorageInstanceNo":"41","blockStorageName":"data-old","_region":"KR"}"#,
            #"{"blockStorageInstanceNo":"42","blockStorageName":"pvc-123","_region":"KR"}"#,
            #"{"blockStorageInstanceNo":"43","blockStorageName":"root","serverInstanceNo":"1","_region":"KR"}"#,
        ])
        try write("2026-10", "alpha", "vpc-nas-volume.json", [#"{"nasVolumeInstanceNo":"91","volumeName":"share","volumeSize":1099511627776,"volumeUseRatio":40,"_region":"KR"}"#])
        try write("2026-10", "alpha", "vpc-nas-usage.json", [
            #"{"nasVolumeInstanceNo":"91","maxVolumeUseRatio":70}"#, #"{"nasVolumeInstanceNo":"91","maxVolumeUseRatio":88.5}"#,
        ])
        try write("2026-10", "alpha", "vpc-cost.json", [
            #"{"demandNo":"d1","demandMonth":"202610","thisMonthAmountIncludingVat":110000,"payCurrency":{"code":"KRW"}}"#,
        ])
        try write("2026-10", "alpha", "classic-cost.json", [
            #"{"demandNo":"d1","demandMonth":"202610","thisMonthAmountIncludingVat":110000,"payCurrency":{"code":"KRW"}}"#,
            #"{"demandNo":"d2","demandMonth":"202610","thisMonthAmountIncludingVat":5000,"payCurrency":{"code":"KRW"}}"#,
        ])
        // The previous month: server 5 went away, 3 and 4 are new.
        try write("2026-09", "alpha", "vpc-server.json", [Self.server("1", "web"), Self.server("2", "x"), Self.server("5", "gone")])
        try write("2026-09", "alpha", "vpc-cost.json", [#"{"demandNo":"d0","demandMonth":"202609","thisMonthAmountIncludingVat":100000}"#])

        let outcomes = [
            OutcomeRecord(customer: "alpha", platform: "vpc", region: "KR", resource: "mysql", step: "fetch", status: "denied", exit: 77, error: "withheld"),
            OutcomeRecord(customer: "alpha", platform: "vpc", region: "KR", resource: "mysql", step: "json", status: "skipped"),
            OutcomeRecord(customer: "bravo", platform: "vpc", region: "KR", resource: "server", step: "fetch", status: "failed", exit: 77),
        ]
        let report = try CustomerAnalysis().analyze(customer: "alpha", period: "2026-10", folder: "\(root)/2026-10/alpha",
                                                    previous: ("2026-09", "\(root)/2026-09/alpha"), outcomes: outcomes)
        // Every day of the month: a day without data is a gap in the chart, never skipped.
        #expect(report.days.count == 31 && report.days.first == "2026-10-01" && report.days.last == "2026-10-31")
        let web = try #require(report.servers.first { $0.id == "1" })
        #expect(web.cpu == MetricSummary(average: 50, maximum: 97, daily: [40, 60] + Array(repeating: nil, count: 29)))
        #expect(MetricAccumulator.allDays(["2026-W44-x"], period: "2026-W44") == ["2026-W44-x"])
        #expect(MetricAccumulator.allDays(["2026-10-20", "2026-10-23"], period: "2026-10-20_2026-11-20")
                    == ["2026-10-20", "2026-10-21", "2026-10-22", "2026-10-23"])
        #expect(web.memory.average == 30 && web.memory.maximum == 55)
        #expect(web.fileSystem.maximum == 91)
        #expect(report.servers.first { $0.id == "2" }?.cpu.hasData == false)
        #expect(report.servers.first { $0.id == "2" }?.name == "<img src=x onerror=alert(1)>")
        let flags = Set(report.flags.map { "\($0.kind.rawValue) \($0.id)" })
        #expect(flags == ["hot-cpu 1", "file-system-full 1", "stopped 3", "idle 4", "unattached-ip 61", "unattached-volume 41", "nas-near-full 91"])
        #expect(report.flags.first?.kind.severity == 3 && report.flags.last?.kind.severity == 1)
        #expect(report.nasVolumes.first?.maxUsePercent == 88.5)
        // Demand d1, listed under both platforms, counted once, with d2 that only Classic listed;
        // the previous month's for the change.
        #expect(report.cost == CostSummary(amount: 115000, currency: "KRW", previousAmount: 100000))
        #expect(report.changes.map { "\($0.direction.rawValue) \($0.id) \($0.name)" } == ["added 3 batch", "added 4 quiet", "removed 5 gone"])
        #expect(report.inventory.first { $0.kind == "server" } == InventoryCount(kind: "server", platform: "vpc", region: "KR", count: 4))
        #expect(report.resourceCount == 4 + 2 + 3 + 1)
        #expect(report.notCollected == [MissingItem(platform: "vpc", resource: "mysql", region: "KR", step: "fetch", status: "denied", error: "withheld")])
        #expect(!report.isComplete)
    }

    @Test func aCustomerWithNoFilesIsEmptyAndSaysWhatFailed() throws {
        let outcomes = [OutcomeRecord(customer: "bravo", platform: "vpc", region: "KR", resource: "server", step: "fetch", status: "failed", exit: 77, error: "refused")]
        let report = try CustomerAnalysis().analyze(customer: "bravo", period: "2026-10", folder: nil, previous: nil, outcomes: outcomes)
        #expect(report.isEmpty && report.notCollected.count == 1 && report.days.isEmpty)
        let row = OverviewRow(report)
        #expect(!row.complete && row.link == "bravo/report.html")
    }

    @Test func theOverviewPutsIncompleteThenSeriousFirst() {
        var calm = CustomerReport(customer: "a", period: "p")
        calm.flags = [Flag(kind: .idle, platform: "vpc", id: "1", name: "x"), Flag(kind: .idle, platform: "vpc", id: "2", name: "y")]
        var hot = CustomerReport(customer: "b", period: "p")
        hot.flags = [Flag(kind: .hotCPU, platform: "vpc", id: "1", name: "x")]
        var broken = CustomerReport(customer: "c", period: "p")
        broken.notCollected = [MissingItem(platform: "vpc", resource: "server", region: "KR", step: "fetch", status: "failed", error: nil)]
        let quiet = CustomerReport(customer: "d", period: "p")
        #expect(OverviewRow.sorted([calm, hot, broken, quiet].map(OverviewRow.init)).map(\.customer) == ["c", "b", "a", "d"])
    }

    @Test func aFileThatIsNotJSONNamesItself() throws {
        try FileManager.default.createDirectory(atPath: "\(root)/2026-10/zed", withIntermediateDirectories: true)
        try "[{\"serverInstanceNo\": ".write(toFile: "\(root)/2026-10/zed/vpc-server.json", atomically: true, encoding: .utf8)
        do {
            _ = try CustomerAnalysis().analyze(customer: "zed", period: "2026-10", folder: "\(root)/2026-10/zed", previous: nil, outcomes: [])
            Issue.record("a broken file was accepted")
        } catch let failure as Failure {
            #expect(failure.exitStatus == .dataError && failure.location == "\(root)/2026-10/zed/vpc-server.json")
        }
    }
}

struct ThresholdsTests {
    @Test func aFileSetsSomeAndTheRestKeepTheirDefaults() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("thresholds-\(UUID().uuidString).json").path
        try #"{"hotPeakCPU": 80, "nasFull": 95.5}"#.write(toFile: path, atomically: true, encoding: .utf8)
        let read = try Thresholds.read(path)
        #expect(read.hotPeakCPU == 80 && read.nasFull == 95.5 && read.idleAverageCPU == 5 && read.fileSystemFull == 90)
        try #"{"hotPeakCPU": 180}"#.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try Thresholds.read(path)
            Issue.record("180% was accepted")
        } catch let failure as Failure {
            #expect(failure.exitStatus == .config && failure.message.contains("hotPeakCPU") && failure.location == path)
        }
    }
}
