import Foundation
import NCPKit
import ReportKit

/// Works out a customer's page from its files for a period (and the previous period's, for
/// what changed), and the run's outcome records: counts, servers with their metrics, flags,
/// databases, NAS, the bill, and what was not collected. Items are read one at a time and only
/// their summaries kept, so memory follows the number of servers, not of data points.
public struct CustomerAnalysis: Sendable {
    public var thresholds: Thresholds

    public init(thresholds: Thresholds = Thresholds()) { self.thresholds = thresholds }

    /// Resources that are not inventory of their own (series, the bill, Resource Manager's
    /// view of the others, lookups).
    static let notInventory: Set<String> = ["server-metrics", "mysql-metrics", "nas-usage", "cost", "resource", "product", "region", "server-image-product"]
    static let databases: Set<String> = ["mysql", "postgresql", "mssql", "redis", "mongodb", "cloud-db"]

    /// `runFinished`: the run the records come from ended (else they may lack steps it never
    /// reached, and the collection's status is unknown).
    public func analyze(customer: String, period: String, folder: String?, previous: (period: String, folder: String)?,
                        outcomes: [OutcomeRecord], runFinished: Bool = true) throws -> CustomerReport {
        var report = CustomerReport(customer: customer, period: period)
        let records = outcomes.filter { $0.customer == customer }
        report.notCollected = Self.notCollected(records)
        report.collectionKnown = !records.isEmpty && runFinished
        guard let folder else { return report }
        let files = ItemFiles.list(folder)
        var counts: [String: Int] = [:]  // "kind\tplatform\tregion"
        var ids: [String: [String: String]] = [:]  // "platform-kind" → id → name
        var metrics = MetricAccumulator()
        var nasUsage: [String: Double] = [:]
        for file in files {
            let key = "\(file.platform)-\(file.resource)"
            switch file.resource {
            case "server-metrics":
                try ItemFiles.forEachRaw(file.path) { try metrics.add($0, $1) }
                continue
            case "nas-usage":
                try ItemFiles.forEach(file.path) { item in
                    guard let id = item["nasVolumeInstanceNo"]?.scalarText,
                          let ratio = item["maxVolumeUseRatio"]?.doubleValue ?? item["volumeUseRatio"]?.doubleValue else { return }
                    nasUsage[id] = max(nasUsage[id] ?? ratio, ratio)
                }
                continue
            case "cost":
                continue  // all cost files together, below: VPC and Classic list the same demands
            case _ where Self.notInventory.contains(file.resource):
                continue
            default:
                break
            }
            let idField = ResourceCatalog.named(file.resource)?.spec(for: Platform(rawValue: file.platform) ?? .vpc)?.idField
            if idField != nil, ids[key] == nil { ids[key] = [:] }  // an empty list is still a list: what it had before went away
            try ItemFiles.forEach(file.path) { item in
                let region = item["_region"]?.scalarText ?? item["regionCode"]?.scalarText ?? "-"
                counts["\(file.resource)\t\(file.platform)\t\(region)", default: 0] += 1
                let id = idField.flatMap { item[$0]?.scalarText } ?? ""
                let name = Self.displayName(item, resource: file.resource) ?? id
                if !id.isEmpty { ids[key, default: [:]][id] = name }
                switch file.resource {
                case "server": report.servers.append(Self.server(item, id: id, name: name, platform: file.platform, region: region))
                case "public-ip":
                    if (item["serverInstanceNo"]?.scalarText ?? "").isEmpty {
                        report.flags.append(Flag(kind: .unattachedIP, platform: file.platform, id: id, name: name))
                    }
                case "block-storage":
                    let attached = !(item["serverInstanceNo"]?.scalarText ?? "").isEmpty
                    if !attached, !name.lowercased().contains("pvc") {
                        report.flags.append(Flag(kind: .unattachedVolume, platform: file.platform, id: id, name: name))
                    }
                case "nas-volume":
                    report.nasVolumes.append(NASRow(id: id, name: name, platform: file.platform, sizeBytes: item["volumeSize"]?.intValue,
                                                    maxUsePercent: item["volumeUseRatio"]?.doubleValue))
                case _ where Self.databases.contains(file.resource):
                    report.databases.append(Self.database(item, kind: file.resource, platform: file.platform, id: id, name: name))
                default: break
                }
            }
        }
        report.inventory = counts.map { key, count in
            let parts = key.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return InventoryCount(kind: parts[0], platform: parts[1], region: parts[2], count: count)
        }.sorted { ($0.kind, $0.platform, $0.region) < ($1.kind, $1.platform, $1.region) }
        report.cost = try Self.cost(files.filter { $0.resource == "cost" }.map(\.path), period: period)
            .map { CostSummary(amount: $0.amount, currency: $0.currency, previousAmount: nil) }
        report.days = MetricAccumulator.allDays(metrics.days, period: period)
        for index in report.servers.indices {
            let id = report.servers[index].id
            report.servers[index].cpu = metrics.summary(id, average: "avg_cpu_used_rto", peak: "max_cpu_used_rto", days: report.days)
            report.servers[index].memory = metrics.summary(id, average: "mem_usert", peak: "mem_usert", days: report.days)
            report.servers[index].fileSystem = metrics.summary(id, average: "avg_fs_usert", peak: "max_fs_usert", days: report.days)
        }
        for index in report.nasVolumes.indices {
            if let peak = nasUsage[report.nasVolumes[index].id] { report.nasVolumes[index].maxUsePercent = peak }
        }
        report.flags += serverFlags(report.servers) + report.nasVolumes.compactMap { volume in
            guard let use = volume.maxUsePercent, use >= thresholds.nasFull else { return nil }
            return Flag(kind: .nasNearFull, platform: volume.platform, id: volume.id, name: volume.name, value: use)
        }
        report.flags.sort { ($0.kind.severity, $1.name) > ($1.kind.severity, $0.name) }
        report.servers.sort { ($0.name, $0.id) < ($1.name, $1.id) }
        report.databases.sort { ($0.kind, $0.name) < ($1.kind, $1.name) }
        if let previous {
            report.previousPeriod = previous.period
            report.changes = try Self.changes(now: ids, before: previous.folder)
            if let before = try Self.cost(ItemFiles.list(previous.folder).filter { $0.resource == "cost" }.map(\.path), period: previous.period) {
                report.cost?.previousAmount = before.amount
            }
        }
        return report
    }

    func serverFlags(_ servers: [ServerRow]) -> [Flag] {
        servers.flatMap { server -> [Flag] in
            var flags: [Flag] = []
            let flag = { (kind: Flag.Kind, value: Double?) in Flag(kind: kind, platform: server.platform, id: server.id, name: server.name, value: value) }
            if !server.isRunning { flags.append(flag(.stopped, nil)) }
            if let peak = server.cpu.maximum, peak >= thresholds.hotPeakCPU { flags.append(flag(.hotCPU, peak)) }
            if let peak = server.fileSystem.maximum, peak >= thresholds.fileSystemFull { flags.append(flag(.fileSystemFull, peak)) }
            if server.isRunning, let average = server.cpu.average, average < thresholds.idleAverageCPU,
               (server.cpu.maximum ?? average) < thresholds.idlePeakCPU {
                flags.append(flag(.idle, average))
            }
            return flags
        }
    }

    /// A name people know a resource by: the public IP's address, else its first `…Name`
    /// field that is not a status or code name.
    static func displayName(_ item: JSONValue, resource: String) -> String? {
        if resource == "public-ip", let ip = item["publicIp"]?.stringValue { return ip }
        guard let object = item.objectValue else { return nil }
        let skipped = ["StatusName", "codeName", "OperationName", "ZoneName", "RegionName", "ProductName", "KeyName", "GroupName", "serverName"]
        if resource == "server", let name = object["serverName"]?.stringValue { return name }
        return object.pairs.first { pair in
            pair.key.hasSuffix("Name") && !skipped.contains(where: { pair.key.hasSuffix($0) }) && pair.value.stringValue?.isEmpty == false
        }?.value.stringValue
    }

    static func server(_ item: JSONValue, id: String, name: String, platform: String, region: String) -> ServerRow {
        var row = ServerRow(id: id, name: name, platform: platform, region: region,
                            status: item["serverInstanceStatus"]?["code"]?.stringValue ?? "",
                            statusName: item["serverInstanceStatusName"]?.stringValue ?? item["serverInstanceStatus"]?["codeName"]?.stringValue ?? "")
        row.cpuCount = item["cpuCount"]?.intValue
        row.memoryBytes = item["memorySize"]?.intValue
        row.spec = item["serverSpecCode"]?.stringValue ?? item["serverProductCode"]?.stringValue
        return row
    }

    static func database(_ item: JSONValue, kind: String, platform: String, id: String, name: String) -> DatabaseRow {
        let object = item.objectValue ?? JSONObject()
        let status = object.pairs.first { $0.key.hasSuffix("InstanceStatusName") }?.value.stringValue ?? ""
        let version = object.pairs.first { $0.key.hasSuffix("EngineVersion") || $0.key.hasSuffix("EngineVersionCode") }?.value.stringValue
        let nodes = object.pairs.first { $0.key.hasSuffix("ServerInstanceList") }?.value.arrayValue?.count ?? 0
        let service = object.pairs.first { $0.key.hasSuffix("ServiceName") }?.value.stringValue
        return DatabaseRow(kind: kind, platform: platform, id: id, name: service ?? name, status: status, version: version, nodes: nodes)
    }

    /// The period's bill: each demand once (VPC and Classic list the same account's), its amount
    /// with VAT.
    static func cost(_ paths: [String], period: String) throws -> (amount: Double, currency: String)? {
        let month = period.replacingOccurrences(of: "-", with: "").prefix(6)
        var seen = Set<String>()
        var amount = 0.0
        var currency: String?
        for path in paths { try ItemFiles.forEach(path) { item in
            if let demandMonth = item["demandMonth"]?.scalarText, demandMonth != month { return }
            let number = item["demandNo"]?.scalarText ?? UUID().uuidString
            guard seen.insert(number).inserted else { return }
            amount += item["thisMonthAmountIncludingVat"]?.doubleValue ?? item["totalDemandAmount"]?.doubleValue ?? 0
            currency = currency ?? item["payCurrency"]?["code"]?.stringValue
        } }
        return seen.isEmpty ? nil : (amount, currency ?? "KRW")
    }

    static func changes(now: [String: [String: String]], before folder: String) throws -> [InventoryChange] {
        var then: [String: [String: String]] = [:]
        for file in ItemFiles.list(folder) where !notInventory.contains(file.resource) {
            guard let idField = ResourceCatalog.named(file.resource)?.spec(for: Platform(rawValue: file.platform) ?? .vpc)?.idField else { continue }
            if then["\(file.platform)-\(file.resource)"] == nil { then["\(file.platform)-\(file.resource)"] = [:] }
            try ItemFiles.forEach(file.path) { item in
                guard let id = item[idField]?.scalarText, !id.isEmpty else { return }
                then["\(file.platform)-\(file.resource)", default: [:]][id] = displayName(item, resource: file.resource) ?? id
            }
        }
        var changes: [InventoryChange] = []
        // Only kinds both periods have files of: a list that was not collected then (or now)
        // would show everything as added (or removed).
        for key in Set(now.keys).intersection(then.keys).sorted() {
            let platform = String(key.prefix { $0 != "-" })
            let kind = String(key.dropFirst(platform.count + 1))
            let current = now[key] ?? [:], earlier = then[key] ?? [:]
            for (id, name) in current where earlier[id] == nil {
                changes.append(InventoryChange(direction: .added, kind: kind, platform: platform, id: id, name: name))
            }
            for (id, name) in earlier where current[id] == nil {
                changes.append(InventoryChange(direction: .removed, kind: kind, platform: platform, id: id, name: name))
            }
        }
        return changes.sorted { ($0.direction.rawValue, $0.kind, $0.name, $0.id) < ($1.direction.rawValue, $1.kind, $1.name, $1.id) }
    }

    /// Denied and failed steps, once per item, region and step.
    static func notCollected(_ records: [OutcomeRecord]) -> [MissingItem] {
        var seen = Set<String>()
        return records.filter { $0.status == "denied" || $0.status == "failed" }.compactMap { record in
            guard seen.insert("\(record.platform)/\(record.resource)/\(record.region)/\(record.step)").inserted else { return nil }
            return MissingItem(platform: record.platform, resource: record.resource, region: record.region, step: record.step,
                               status: record.status, error: record.error)
        }.sorted { ($0.status, $0.platform, $0.resource, $0.region) < ($1.status, $1.platform, $1.resource, $1.region) }
    }
}

/// Daily series of the server metrics, per instance: the AVG values per day and the MAX peak.
struct MetricAccumulator {
    struct Slot { var sum = 0.0, count = 0, peak = -Double.infinity }
    /// "instance\u{1}metric" → one slot per day index.
    private var series: [String: [Slot]] = [:]
    private var dayIndex: [String: Int] = [:]

    var days: [String] { dayIndex.keys.sorted() }

    /// The days a page's daily series run over: every day of a month period (`2026-10`), else
    /// every day from the first seen to the last, so a day without data is a gap, never skipped.
    static func allDays(_ seen: [String], period: String) -> [String] {
        guard !seen.isEmpty else { return [] }  // no series at all: no chart, "no data"
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parse = { (day: String) -> Date? in
            let parts = day.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3 else { return nil }
            return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
        }
        var first = seen.first.flatMap(parse), last = seen.last.flatMap(parse)
        let month = period.split(separator: "-").compactMap { Int($0) }
        if period.count == 7, month.count == 2, let start = calendar.date(from: DateComponents(year: month[0], month: month[1], day: 1)),
           let end = calendar.date(byAdding: DateComponents(month: 1, day: -1), to: start) {
            first = min(first ?? start, start)
            last = max(last ?? end, end)
        }
        guard var day = first, let last else { return seen }
        var days: [String] = []
        while day <= last, days.count < 400 {
            let parts = calendar.dateComponents([.year, .month, .day], from: day)
            days.append(String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0))
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { break }
            day = next
        }
        return days
    }

    /// One point, read straight from its bytes: only the five fields a page uses.
    mutating func add(_ scanner: JSONScanner, _ range: Range<Int>) throws {
        var instance: String?, metric: String?, aggregation: String?, timestamp: String?, value: Double?
        try scanner.forEachMember(of: range) { key, valueRange in
            switch key.count {
            case 10 where JSONScanner.equals(key, "instanceNo"): instance = ItemFiles.text(scanner, valueRange)
            case 6 where JSONScanner.equals(key, "metric"): metric = ItemFiles.text(scanner, valueRange)
            case 11 where JSONScanner.equals(key, "aggregation"): aggregation = ItemFiles.text(scanner, valueRange)
            case 9 where JSONScanner.equals(key, "timestamp"): timestamp = ItemFiles.text(scanner, valueRange)
            case 5 where JSONScanner.equals(key, "value"): value = ItemFiles.text(scanner, valueRange).flatMap(Double.init)
            default: break
            }
            return true
        }
        add(instance: instance, metric: metric, aggregation: aggregation, timestamp: timestamp, value: value)
    }

    mutating func add(_ item: JSONValue) {
        add(instance: item["instanceNo"]?.scalarText, metric: item["metric"]?.stringValue, aggregation: item["aggregation"]?.stringValue,
            timestamp: item["timestamp"]?.stringValue, value: item["value"]?.doubleValue)
    }

    mutating func add(instance: String?, metric: String?, aggregation: String?, timestamp: String?, value: Double?) {
        guard let instance, let metric, let value, value.isFinite, let timestamp, timestamp.utf8.count >= 10 else { return }
        let day = String(timestamp.prefix(10))
        let index: Int
        if let known = dayIndex[day] { index = known } else { index = dayIndex.count; dayIndex[day] = index }
        let key = metric == "mem_usert" ? "\(instance)\u{1}mem_usert/\(aggregation ?? "AVG")" : "\(instance)\u{1}\(metric)"
        series[key, default: []].withGrowth(to: index + 1) { slots in
            slots[index].sum += value
            slots[index].count += 1
            slots[index].peak = max(slots[index].peak, value)
        }
    }

    func summary(_ instance: String, average: String, peak: String, days: [String]) -> MetricSummary {
        let averageKey = "\(instance)\u{1}" + (average == "mem_usert" ? "mem_usert/AVG" : average)
        let peakKey = "\(instance)\u{1}" + (peak == "mem_usert" ? "mem_usert/MAX" : peak)
        guard let slots = series[averageKey] else { return .none }
        let daily = days.map { day -> Double? in
            guard let index = dayIndex[day], index < slots.count, slots[index].count > 0 else { return nil }
            return slots[index].sum / Double(slots[index].count)
        }
        let present = daily.compactMap { $0 }
        let peaks = (series[peakKey] ?? slots).filter { $0.count > 0 }.map(\.peak)
        return MetricSummary(average: present.isEmpty ? nil : present.reduce(0, +) / Double(present.count), maximum: peaks.max(), daily: daily)
    }
}

extension Array where Element == MetricAccumulator.Slot {
    /// Grows the array to `count` empty slots if shorter, then lets `body` change it in place.
    mutating func withGrowth(to count: Int, _ body: (inout [Element]) -> Void) {
        if self.count < count { append(contentsOf: repeatElement(Element(), count: count - self.count)) }
        body(&self)
    }
}
