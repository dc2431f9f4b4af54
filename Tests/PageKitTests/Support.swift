import Foundation
@testable import PageKit
import ReportKit

/// A customer's report with something in every section: servers with and without metrics, a
/// hostile name, flags of every severity, changes, Cloud DB, NAS, a bill and missing items.
enum Fixture {
    static let hostile = "<img src=x onerror=alert(1)>"
    /// 2026-11-29 08:36 in Seoul.
    static let generatedAt = Date(timeIntervalSince1970: 1_795_908_960)
    static let days = (1...31).map { "2026-10-" + ($0 < 10 ? "0\($0)" : "\($0)") }

    static func settings(_ language: ReportLanguage = .ko) -> PageSettings {
        PageSettings(language: language, generatedAt: generatedAt)
    }

    static func report() -> CustomerReport {
        var report = CustomerReport(customer: "alpha", period: "2026-10")
        report.previousPeriod = "2026-09"
        report.days = days
        report.inventory = [
            InventoryCount(kind: "block-storage", platform: "vpc", region: "KR", count: 4),
            InventoryCount(kind: "public-ip", platform: "vpc", region: "KR", count: 2),
            InventoryCount(kind: "server", platform: "vpc", region: "KR", count: 4),
        ]
        report.changes = [
            InventoryChange(direction: .added, kind: "server", platform: "vpc", id: "1003", name: hostile),
            InventoryChange(direction: .removed, kind: "mysql", platform: "vpc", id: "77", name: "old-db"),
        ]
        var web = server("1001", "web-01", status: "RUN")
        web.cpuCount = 2
        web.memoryBytes = 8 * 1_073_741_824
        web.spec = "SVR.VSVR.HICPU.C002.M008.NET.SSD.B050.G002"
        web.cpu = MetricSummary(average: 41.25, maximum: 97.2, daily: days.indices.map { $0 == 3 ? nil : Double(20 + $0) })
        web.memory = MetricSummary(average: 60, maximum: 70.5, daily: [])
        web.fileSystem = MetricSummary(average: 50, maximum: 93, daily: [])
        var evil = server("1003", hostile, status: "RUN")
        evil.cpu = MetricSummary(average: 2, maximum: 4, daily: days.map { _ in 2 })
        let quiet = server("1004", "db-03", status: "RUN")
        let stopped = server("1002", "batch-02", status: "NSTOP", statusName: "stopped")
        report.servers = [evil, stopped, quiet, web]
        report.databases = [DatabaseRow(kind: "mysql", platform: "vpc", id: "501", name: "orders", status: "running", version: "8.0.36", nodes: 2)]
        report.nasVolumes = [NASRow(id: "601", name: "share", platform: "vpc", sizeBytes: 500 * 1_073_741_824, maxUsePercent: 88)]
        report.flags = [
            Flag(kind: .idle, platform: "vpc", id: "1003", name: hostile, value: 2),
            Flag(kind: .stopped, platform: "vpc", id: "1002", name: "batch-02"),
            Flag(kind: .hotCPU, platform: "vpc", id: "1001", name: "web-01", value: 97.2),
            Flag(kind: .unattachedIP, platform: "vpc", id: "9001", name: "211.188.1.2"),
            Flag(kind: .nasNearFull, platform: "vpc", id: "601", name: "share", value: 88),
        ]
        report.cost = CostSummary(amount: 1_234_567, currency: "KRW", previousAmount: 1_100_000)
        report.notCollected = [
            MissingItem(platform: "vpc", resource: "cloud-db", region: "KR", step: "fetch", status: "denied", error: "<script>alert(1)</script>"),
            MissingItem(platform: "classic", resource: "nas-volume", region: "KR", step: "fetch", status: "failed", error: nil),
        ]
        return report
    }

    static func server(_ id: String, _ name: String, status: String, statusName: String = "running") -> ServerRow {
        ServerRow(id: id, name: name, platform: "vpc", region: "KR", status: status, statusName: statusName)
    }

    /// A report whose collection completed, with `flags` and no bill.
    static func customer(_ name: String, flags: [Flag.Kind] = [], missing: Int = 0) -> CustomerReport {
        var report = CustomerReport(customer: name, period: "2026-10")
        report.inventory = [InventoryCount(kind: "server", platform: "vpc", region: "KR", count: 1)]
        report.servers = [server("1", "s", status: "RUN")]
        report.flags = flags.map { Flag(kind: $0, platform: "vpc", id: "1", name: "s") }
        report.notCollected = (0..<missing).map { MissingItem(platform: "vpc", resource: "server", region: "KR", step: "fetch-\($0)", status: "failed", error: nil) }
        return report
    }
}

extension String {
    /// The part of a page from `<section … id="ID"` to the section's end.
    func section(_ id: String) -> String {
        guard let start = range(of: "id=\"\(id)\"") else { return "" }
        let end = self[start.upperBound...].range(of: "</section>")?.lowerBound ?? endIndex
        return String(self[start.lowerBound..<end])
    }

    /// The table row that contains `text`.
    func row(containing text: String) -> String {
        guard let hit = range(of: text) else { return "" }
        let start = self[..<hit.lowerBound].range(of: "<tr", options: .backwards)?.lowerBound ?? startIndex
        let end = self[hit.upperBound...].range(of: "</tr>")?.upperBound ?? endIndex
        return String(self[start..<end])
    }

    func occurrences(of text: String) -> Int { components(separatedBy: text).count - 1 }
}
