import Foundation
import ReportKit

/// How pages are rendered: their language, the thresholds stated on them (the ones the analysis
/// flagged with), when they were made and the zone their times are in.
public struct PageSettings: Sendable {
    public var language: ReportLanguage
    public var thresholds: Thresholds
    public var generatedAt: Date
    public var timeZone: TimeZone

    public init(language: ReportLanguage = .ko, thresholds: Thresholds = Thresholds(), generatedAt: Date = Date(),
                timeZone: TimeZone = PeriodResolver.seoul) {
        self.language = language
        self.thresholds = thresholds
        self.generatedAt = generatedAt
        self.timeZone = timeZone
    }
}

/// A `CustomerReport` as a customer's page and `OverviewRow`s as the MSP's page: each one
/// self-contained HTML file (inline style and SVG, no script, no external reference) that opens
/// offline from an e-mail attachment and prints as A4. Every value from the data is escaped.
public enum PageRenderer {
    public static func customerPage(_ report: CustomerReport, settings: PageSettings) -> String {
        var page = CustomerPage(report: report, settings: settings)
        page.write()
        return page.out.string
    }

    public static func overview(_ rows: [OverviewRow], period: String, settings: PageSettings) -> String {
        var page = OverviewPage(rows: OverviewRow.sorted(rows), period: period, settings: settings)
        page.write()
        return page.out.string
    }
}

/// The parts both pages have: head, header, banner, cards, tables and footer.
struct PageParts {
    var out: HTMLWriter
    let settings: PageSettings
    let t: PageText

    init(capacity: Int, settings: PageSettings) {
        out = HTMLWriter(capacity: capacity)
        self.settings = settings
        t = PageText(settings.language)
    }

    mutating func head(title: String) {
        out.raw("<!DOCTYPE html>\n<html")
        out.attribute("lang", settings.language.rawValue)
        out.raw("><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        out.raw("<meta name=\"color-scheme\" content=\"light\"><meta name=\"generator\" content=\"msp-ncp-report ncp-render\"><title>")
        out.text(title)
        out.raw("</title>\n<style>\n")
        out.raw(PageStyle.css)
        out.raw("\n</style></head>\n<body><main class=\"page\">\n")
    }

    mutating func header(eyebrow: String, title: String, meta: [(String, String)]) {
        out.raw("<header class=\"page-header\">")
        out.element("div", eyebrow, class: "eyebrow")
        out.element("h1", title)
        out.raw("<dl class=\"meta\">")
        for (label, value) in meta {
            out.raw("<div>")
            out.element("dt", label)
            out.element("dd", value)
            out.raw("</div>")
        }
        out.raw("</dl></header>\n")
    }

    /// Complete or not, in words and colour, with what is missing: a page never looks complete
    /// when it is not.
    mutating func banner(complete: Bool, detail: String, items: [String], more: Int, title: String? = nil) {
        out.raw(complete ? "<section class=\"banner complete\" role=\"status\"><strong>✓ " : "<section class=\"banner incomplete\" role=\"alert\"><strong>⚠ ")
        out.text(title ?? (complete ? t.complete : t.incomplete))
        out.raw("</strong>")
        out.text(detail)
        if !items.isEmpty || more > 0 {
            out.raw("<ul>")
            for item in items { out.element("li", item) }
            if more > 0 { out.element("li", t.andMore(more)) }
            out.raw("</ul>")
        }
        out.raw("</section>\n")
    }

    mutating func card(_ label: String, _ value: String, sub: String?, subClass: String? = nil, anchor: String? = nil) {
        if let anchor {
            out.raw("<a class=\"card\"")
            out.attribute("href", "#" + anchor)
            out.raw(">")
        } else {
            out.raw("<div class=\"card\">")
        }
        out.element("div", label, class: "label")
        out.element("div", value, class: "value")
        if let sub { out.element("div", sub, class: subClass.map { "sub " + $0 } ?? "sub") }
        out.raw(anchor == nil ? "</div>" : "</a>")
    }

    mutating func sectionStart(_ id: String, _ title: String, count: Int? = nil) {
        out.raw("\n<section class=\"section\"")
        out.attribute("id", id)
        out.raw("><h2>")
        out.text(title)
        if let count {
            out.raw("<span class=\"count\">")
            out.text(PageFormat.integer(count))
            out.raw("</span>")
        }
        out.raw("</h2>")
    }

    mutating func sectionEnd() { out.raw("</section>\n") }

    /// `<table><thead><tr>…</tr></thead><tbody>`; a column is numeric (right-aligned) when flagged.
    mutating func tableStart(_ columns: [(String, Bool)], class className: String? = nil) {
        out.raw("<table")
        if let className { out.attribute("class", className) }
        out.raw("><thead><tr>")
        for (label, numeric) in columns { th(label, numeric: numeric) }
        out.raw("</tr></thead><tbody>")
    }

    mutating func th(_ label: String, numeric: Bool = false, colspan: Int = 1, rowspan: Int = 1) {
        out.raw(numeric ? "<th scope=\"col\" class=\"num\"" : colspan > 1 ? "<th scope=\"colgroup\" class=\"group\"" : "<th scope=\"col\"")
        if colspan > 1 {
            out.raw(" colspan=\"")
            out.integer(colspan)
            out.raw("\"")
        }
        if rowspan > 1 {
            out.raw(" rowspan=\"")
            out.integer(rowspan)
            out.raw("\"")
        }
        out.raw(">")
        out.text(label)
        out.raw("</th>")
    }

    mutating func tableEnd() { out.raw("</tbody></table>\n") }

    mutating func td(_ value: String, class className: String? = nil) { out.element("td", value, class: className) }
    mutating func num(_ value: Int) { out.element("td", PageFormat.integer(value), class: "num") }

    /// A name with its id below it.
    mutating func nameCell(_ name: String, id: String) {
        out.raw("<td>")
        out.element("span", name.isEmpty ? id : name, class: "name")
        if !id.isEmpty && id != name { out.element("span", id, class: "id") }
        out.raw("</td>")
    }

    mutating func paragraph(_ text: String, class className: String) { out.element("p", text, class: className) }

    /// An empty section: "none", unless its list was not collected (denied or failed), which
    /// it then says, so an empty table never reads as "there are none".
    mutating func empty(_ none: String, class className: String, resources: Set<String>, report: CustomerReport) {
        let statuses = Array(Set(report.notCollected.filter { resources.contains($0.resource) }.map(\.status))).sorted()
        paragraph(statuses.isEmpty ? none : t.notCollectedHere(statuses), class: statuses.isEmpty ? className : "nodata")
    }

    mutating func footer() {
        let thresholds = settings.thresholds
        out.raw("\n<footer class=\"page-footer\"><h2>")
        out.text(t.thresholds + (thresholds == Thresholds() ? (t.ko ? " (기본값)" : " (defaults)") : (t.ko ? " (설정값)" : " (configured)")))
        out.raw("</h2><ul>")
        out.element("li", t.hotRule(thresholds))
        out.element("li", t.fsRule(thresholds))
        out.element("li", t.nasRule(thresholds))
        out.element("li", t.idleRule(thresholds))
        out.raw("</ul>")
        let stamp = PageFormat.dateTime(settings.generatedAt, in: settings.timeZone)
        out.element("p", t.units(zone: settings.timeZone, abbreviation: String(stamp.split(separator: " ").last ?? "")))
        out.element("p", "msp-ncp-report · " + t.generated + " " + stamp)
        out.raw("</footer>\n</main></body></html>\n")
    }

    /// Amount and change against the previous period.
    func costText(_ cost: CostSummary) -> (amount: String, change: String?, className: String?) {
        let amount = PageFormat.money(cost.amount, currency: cost.currency, language: settings.language)
        guard let previous = cost.previousAmount else { return (amount, nil, nil) }
        let change = PageFormat.change(cost.amount, from: previous)
        let className: String
        switch change.direction {
        case .up: className = "up"
        case .down: className = "down"
        case .flat: className = "flat"
        }
        return (amount, PageFormat.changeLabel(change, currency: cost.currency, language: settings.language), className)
    }
}

/// A customer's page, sections in the issue's order: inventory and its changes, servers,
/// flags, Cloud DB, NAS, the bill, and what was not collected.
struct CustomerPage {
    let report: CustomerReport
    var parts: PageParts
    var out: HTMLWriter {
        get { parts.out }
        _modify { yield &parts.out }
    }
    var t: PageText { parts.t }
    var thresholds: Thresholds { parts.settings.thresholds }

    init(report: CustomerReport, settings: PageSettings) {
        self.report = report
        let rows = report.servers.count * 2_600 + (report.changes.count + report.flags.count + report.inventory.count
            + report.notCollected.count + report.databases.count + report.nasVolumes.count) * 400
        parts = PageParts(capacity: 24_000 + rows, settings: settings)
    }

    mutating func write() {
        let periodName = PageFormat.period(report.period, language: t.language)
        parts.head(title: "\(report.customer) — \(t.reportTitle) \(periodName)")
        var meta = [(t.period, periodName == report.period ? periodName : "\(periodName) (\(report.period))")]
        meta.append((t.comparedWith, report.previousPeriod.map { PageFormat.period($0, language: t.language) } ?? t.noPreviousPeriod))
        meta.append((t.generated, PageFormat.dateTime(parts.settings.generatedAt, in: parts.settings.timeZone)))
        parts.header(eyebrow: t.reportTitle, title: report.customer, meta: meta)
        banner()
        cards()
        inventory()
        servers()
        flags()
        databases()
        nas()
        cost()
        notCollected()
        parts.footer()
    }

    static let bannerItems = 8

    mutating func banner() {
        if !report.collectionKnown, report.notCollected.isEmpty {
            parts.banner(complete: false, detail: t.unknownDetail, items: [], more: 0, title: t.unknown)
            return
        }
        if report.isComplete {
            parts.banner(complete: true, detail: report.isEmpty ? t.nothingCollected : t.completeDetail, items: [], more: 0)
            return
        }
        let items = report.notCollected.prefix(Self.bannerItems).map { item in
            "\(item.platform) · \(t.kindName(item.resource)) · \(item.region) · \(item.step): \(t.missingStatus(item.status))"
        }
        let detail = t.incompleteDetail(report.notCollected.count) + (report.isEmpty ? " " + t.nothingCollected : "")
        parts.banner(complete: false, detail: detail, items: items, more: report.notCollected.count - items.count)
    }

    mutating func cards() {
        out.raw("<section class=\"cards\">")
        let kinds = Set(report.inventory.map(\.kind)).count
        let changes = report.previousPeriod == nil ? nil
            : t.addedRemoved(report.changes.filter { $0.direction == .added }.count, report.changes.filter { $0.direction == .removed }.count)
        parts.card(t.resources, PageFormat.integer(report.resourceCount), sub: changes ?? t.kinds(kinds), anchor: "inventory")
        let running = report.servers.filter(\.isRunning).count
        parts.card(t.servers, PageFormat.integer(report.servers.count), sub: t.runningStopped(running, report.servers.count - running), anchor: "servers")
        let bySeverity = Dictionary(grouping: report.flags, by: \.kind.severity).mapValues(\.count)
        let severities = [3, 2, 1].map { "\(t.severityName($0)) \(PageFormat.integer(bySeverity[$0] ?? 0))" }.joined(separator: " · ")
        parts.card(t.flags, PageFormat.integer(report.flags.count), sub: severities, subClass: (bySeverity[3] ?? 0) > 0 ? "warn" : nil, anchor: "flags")
        if let cost = report.cost {
            let text = parts.costText(cost)
            parts.card(t.cost, text.amount, sub: text.change.map { "\($0) \(t.vsPrevious)" }, subClass: text.className, anchor: "cost")
        } else {
            parts.card(t.cost, "–", sub: t.notCollectedShort, subClass: "nodata", anchor: "cost")
        }
        out.raw("</section>\n")
    }

    mutating func inventory() {
        parts.sectionStart("inventory", t.inventory, count: report.resourceCount)
        if report.inventory.isEmpty {
            parts.paragraph(t.noResources, class: "nodata")
        } else {
            var byKind: [String: Int] = [:]
            for row in report.inventory { byKind[row.kind, default: 0] += row.count }
            let bars = byKind.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { (label: t.kindName($0.key), value: $0.value) }
            out.raw("<div class=\"chart-box\">")
            Charts.bars(bars, title: "\(report.customer): \(t.inventoryByKind)", noData: t.noData, into: &out)
            out.raw("</div>")
            parts.tableStart([(t.kind, false), (t.platform, false), (t.region, false), (t.count, true)])
            for row in report.inventory {
                out.raw("<tr>")
                parts.td(t.kindName(row.kind))
                parts.td(row.platform)
                parts.td(row.region)
                parts.num(row.count)
                out.raw("</tr>")
            }
            out.raw("</tbody><tfoot><tr>")
            parts.td(t.total)
            out.raw("<td></td><td></td>")
            parts.num(report.resourceCount)
            out.raw("</tr></tfoot></table>\n")
        }
        if let previous = report.previousPeriod {
            out.raw("<h3>")
            out.text(t.changesSince(PageFormat.period(previous, language: t.language)))
            out.raw("</h3>")
            if report.changes.isEmpty {
                parts.paragraph(t.noChanges, class: "note")
            } else {
                parts.tableStart([(t.change, false), (t.kind, false), (t.platform, false), (t.name, false)])
                for change in report.changes {
                    out.raw("<tr><td>")
                    let added = change.direction == .added
                    out.element("span", added ? "+ " + t.added : "− " + t.removed, class: added ? "badge added" : "badge removed")
                    out.raw("</td>")
                    parts.td(t.kindName(change.kind))
                    parts.td(change.platform)
                    parts.nameCell(change.name, id: change.id)
                    out.raw("</tr>")
                }
                parts.tableEnd()
            }
        } else {
            out.raw("<h3>")
            out.text(t.changes)
            out.raw("</h3>")
            parts.paragraph(t.noComparison, class: "note")
        }
        parts.sectionEnd()
    }

    mutating func servers() {
        parts.sectionStart("servers", t.servers, count: report.servers.count)
        guard !report.servers.isEmpty else {
            parts.empty(t.noServers, class: "nodata", resources: ["server"], report: report)
            parts.sectionEnd()
            return
        }
        out.raw("<table class=\"servers\"><thead><tr>")
        parts.th(t.name, rowspan: 2)
        parts.th(t.platform + " / " + t.region, rowspan: 2)
        parts.th(t.spec, rowspan: 2)
        parts.th(t.status, rowspan: 2)
        parts.th(t.cpu, colspan: 2)
        parts.th(t.memory, colspan: 2)
        parts.th(t.fileSystem, colspan: 2)
        parts.th(t.dailyCPU, rowspan: 2)
        out.raw("</tr><tr>")
        for _ in 0..<3 {
            parts.th(t.average, numeric: true)
            parts.th(t.maximum, numeric: true)
        }
        out.raw("</tr></thead><tbody>")
        let from = report.days.first.map(PageFormat.shortDay) ?? "", to = report.days.last.map(PageFormat.shortDay) ?? ""
        for server in report.servers {
            out.raw("<tr>")
            parts.nameCell(server.name, id: server.id)
            out.raw("<td>")
            out.text(server.platform)
            out.element("span", server.region, class: "sub")
            out.raw("</td><td class=\"spec\">")
            // NCP's spec codes are long and dotted: a line may break after each dot.
            for (index, part) in (server.spec ?? "–").split(separator: ".", omittingEmptySubsequences: false).enumerated() {
                if index > 0 { out.raw(".<wbr>") }
                out.text(String(part))
            }
            var sizes: [String] = []
            if let cpus = server.cpuCount { sizes.append(t.vcpu(cpus)) }
            if let memory = server.memoryBytes { sizes.append(PageFormat.bytes(memory)) }
            if !sizes.isEmpty { out.element("span", sizes.joined(separator: " · "), class: "sub") }
            out.raw("</td><td>")
            out.element("span", t.serverStatus(server), class: server.isRunning ? "badge ok" : "badge off")
            out.raw("</td>")
            if !server.cpu.hasData && !server.memory.hasData && !server.fileSystem.hasData {
                out.raw("<td colspan=\"7\" class=\"nodata\">")
                out.text(t.noData)
                out.raw("</td></tr>")
                continue
            }
            percentCell(server.cpu.average, warnAt: nil)
            percentCell(server.cpu.maximum, warnAt: thresholds.hotPeakCPU)
            percentCell(server.memory.average, warnAt: nil)
            percentCell(server.memory.maximum, warnAt: nil)
            percentCell(server.fileSystem.average, warnAt: nil)
            percentCell(server.fileSystem.maximum, warnAt: thresholds.fileSystemFull)
            out.raw("<td class=\"chart\">")
            Charts.sparkline(server.cpu.daily, title: t.sparklineTitle(server.name, from: from, to: to), noData: t.noData, into: &out)
            out.raw("</td></tr>")
        }
        parts.tableEnd()
        parts.paragraph(t.serverMetricsNote, class: "note")
        parts.sectionEnd()
    }

    mutating func percentCell(_ value: Double?, warnAt threshold: Double?) {
        guard let value, value.isFinite else {
            out.raw("<td class=\"num nodata\">–</td>")
            return
        }
        out.raw(threshold.map { value >= $0 } ?? false ? "<td class=\"num warn\">" : "<td class=\"num\">")
        out.text(PageFormat.percent(value))
        out.raw("</td>")
    }

    mutating func flags() {
        parts.sectionStart("flags", t.flagsSection, count: report.flags.count)
        guard !report.flags.isEmpty else {
            parts.paragraph(t.noFlags, class: "note")
            parts.sectionEnd()
            return
        }
        // Most serious first; the analysis's order within a severity.
        let ordered = report.flags.enumerated().sorted { ($0.element.kind.severity, $1.offset) > ($1.element.kind.severity, $0.offset) }.map(\.element)
        let statuses = ordered.contains { $0.kind == .stopped }
            ? Dictionary(report.servers.map { ($0.id, t.serverStatus($0)) }, uniquingKeysWith: { first, _ in first }) : [:]
        parts.tableStart([(t.severity, false), (t.flag, false), (t.resource, false), (t.platform, false), (t.reason, false)])
        for flag in ordered {
            out.raw("<tr><td>")
            let severity = flag.kind.severity
            out.element("span", t.severityName(severity), class: severity >= 3 ? "badge sev3" : severity == 2 ? "badge sev2" : "badge sev1")
            out.raw("</td>")
            parts.td(t.flagName(flag.kind))
            parts.nameCell(flag.name, id: flag.id)
            parts.td(flag.platform)
            out.raw("<td>")
            out.text(t.flagReason(flag, thresholds: thresholds, status: statuses[flag.id]))
            out.element("span", t.flagAction(flag.kind), class: "sub")
            out.raw("</td></tr>")
        }
        parts.tableEnd()
        parts.sectionEnd()
    }

    mutating func databases() {
        parts.sectionStart("databases", t.databases, count: report.databases.count)
        guard !report.databases.isEmpty else {
            parts.empty(t.noDatabases, class: "note", resources: ["mysql", "postgresql", "mssql", "redis", "mongodb", "cloud-db"], report: report)
            parts.sectionEnd()
            return
        }
        parts.tableStart([(t.kind, false), (t.name, false), (t.platform, false), (t.status, false), (t.version, false), (t.nodes, true)])
        for database in report.databases {
            out.raw("<tr>")
            parts.td(t.databaseKind(database.kind))
            parts.nameCell(database.name, id: database.id)
            parts.td(database.platform)
            parts.td(database.status.isEmpty ? "–" : database.status)
            parts.td(database.version ?? "–")
            parts.num(database.nodes)
            out.raw("</tr>")
        }
        parts.tableEnd()
        parts.sectionEnd()
    }

    mutating func nas() {
        parts.sectionStart("nas", t.nas, count: report.nasVolumes.count)
        guard !report.nasVolumes.isEmpty else {
            parts.empty(t.noNAS, class: "note", resources: ["nas-volume"], report: report)
            parts.sectionEnd()
            return
        }
        parts.tableStart([(t.name, false), (t.platform, false), (t.size, true), (t.peakUse, true)])
        for volume in report.nasVolumes {
            out.raw("<tr>")
            parts.nameCell(volume.name, id: volume.id)
            parts.td(volume.platform)
            if let size = volume.sizeBytes { parts.td(PageFormat.bytes(size), class: "num") } else { out.raw("<td class=\"num nodata\">–</td>") }
            percentCell(volume.maxUsePercent, warnAt: thresholds.nasFull)
            out.raw("</tr>")
        }
        parts.tableEnd()
        parts.sectionEnd()
    }

    mutating func cost() {
        parts.sectionStart("cost", t.billing)
        guard let cost = report.cost else {
            parts.paragraph(t.costNotCollected, class: "nodata")
            parts.sectionEnd()
            return
        }
        let text = parts.costText(cost)
        parts.tableStart([(t.period, false), (t.cost, true)], class: "cost")
        out.raw("<tr>")
        parts.td(t.thisPeriod + " · " + PageFormat.period(report.period, language: t.language))
        parts.td(text.amount, class: "num")
        out.raw("</tr>")
        if let previous = cost.previousAmount {
            out.raw("<tr>")
            parts.td(t.previousPeriod + (report.previousPeriod.map { " · " + PageFormat.period($0, language: t.language) } ?? ""))
            parts.td(PageFormat.money(previous, currency: cost.currency, language: t.language), class: "num")
            out.raw("</tr><tr>")
            parts.td(t.change)
            parts.td(text.change ?? "–", class: "num " + (text.className ?? ""))
            out.raw("</tr>")
        }
        parts.tableEnd()
        parts.paragraph(t.costNote, class: "note")
        parts.sectionEnd()
    }

    mutating func notCollected() {
        parts.sectionStart("not-collected", t.notCollected, count: report.notCollected.count)
        guard !report.notCollected.isEmpty else {
            parts.paragraph(t.allCollected, class: "note")
            parts.sectionEnd()
            return
        }
        parts.tableStart([(t.status, false), (t.platform, false), (t.resource, false), (t.region, false), (t.step, false), (t.error, false)])
        for item in report.notCollected {
            out.raw("<tr><td>")
            out.element("span", t.missingStatus(item.status), class: item.status == "denied" ? "badge sev2" : "badge sev3")
            out.raw("</td>")
            parts.td(item.platform)
            parts.td(t.kindName(item.resource))
            parts.td(item.region)
            parts.td(item.step)
            parts.td(item.error ?? "–", class: "spec")
            out.raw("</tr>")
        }
        parts.tableEnd()
        parts.sectionEnd()
    }
}

/// The MSP's page: every customer in one table, what needs attention first.
struct OverviewPage {
    let rows: [OverviewRow]
    let period: String
    var parts: PageParts
    var out: HTMLWriter {
        get { parts.out }
        _modify { yield &parts.out }
    }
    var t: PageText { parts.t }

    init(rows: [OverviewRow], period: String, settings: PageSettings) {
        self.rows = rows
        self.period = period
        parts = PageParts(capacity: 24_000 + rows.count * 900, settings: settings)
    }

    /// Flag kinds, most serious first.
    static let kinds = Flag.Kind.allCases.enumerated().sorted { ($0.element.severity, $1.offset) > ($1.element.severity, $0.offset) }.map(\.element)

    mutating func write() {
        let periodName = PageFormat.period(period, language: t.language)
        parts.head(title: "\(t.overviewTitle) — \(periodName)")
        parts.header(eyebrow: t.overviewEyebrow, title: t.overviewTitle, meta: [
            (t.period, periodName == period ? periodName : "\(periodName) (\(period))"),
            (t.generated, PageFormat.dateTime(parts.settings.generatedAt, in: parts.settings.timeZone)),
        ])
        let incomplete = rows.filter { !$0.complete }
        parts.banner(complete: incomplete.isEmpty,
                     detail: incomplete.isEmpty ? t.allCustomersComplete(rows.count) : t.incompleteCustomers(incomplete.count, of: rows.count),
                     items: incomplete.prefix(CustomerPage.bannerItems).map {
                         "\($0.customer): \(!$0.known && $0.notCollected == 0 ? t.unknown : t.missingItems($0.notCollected))"
                     },
                     more: max(0, incomplete.count - CustomerPage.bannerItems))

        var flagTotals: [Flag.Kind: Int] = [:]
        for row in rows { for (kind, count) in row.flags { flagTotals[kind, default: 0] += count } }
        let totalFlags = flagTotals.values.reduce(0, +)
        out.raw("<section class=\"cards\">")
        parts.card(t.customers, PageFormat.integer(rows.count), sub: incomplete.isEmpty ? t.complete : "\(t.incomplete) \(PageFormat.integer(incomplete.count))",
                   subClass: incomplete.isEmpty ? nil : "warn")
        parts.card(t.resources, PageFormat.integer(rows.reduce(0) { $0 + $1.resources }), sub: nil)
        parts.card(t.servers, PageFormat.integer(rows.reduce(0) { $0 + $1.servers }), sub: nil)
        parts.card(t.flags, PageFormat.integer(totalFlags), sub: nil, anchor: totalFlags > 0 ? "flags" : nil)
        let costs = totalCosts()
        let billed = rows.filter { $0.cost != nil }.count
        parts.card(t.cost, costs.isEmpty ? "–" : costs.joined(separator: " · "),
                   sub: billed == rows.count ? nil : t.billedCustomers(billed, of: rows.count), subClass: billed == rows.count ? nil : "nodata")
        out.raw("</section>\n")

        parts.sectionStart("customers", t.customers, count: rows.count)
        if rows.isEmpty {
            parts.paragraph(t.noCustomers, class: "nodata")
        } else {
            customerTable()
            parts.paragraph(t.overviewOrder, class: "note")
        }
        parts.sectionEnd()

        parts.sectionStart("flags", t.flagsByKind, count: totalFlags)
        let bars = Self.kinds.compactMap { kind in flagTotals[kind].map { (label: t.flagName(kind), value: $0) } }.filter { $0.value > 0 }
        out.raw("<div class=\"chart-box\">")
        Charts.bars(bars, title: "\(t.flagsByKind) — \(periodName)", noData: t.noFlags, into: &out)
        out.raw("</div>")
        parts.sectionEnd()
        parts.footer()
    }

    /// The bills added up, per currency.
    func totalCosts() -> [String] {
        var costs: [String: Double] = [:]
        for cost in rows.compactMap(\.cost) { costs[cost.currency.uppercased(), default: 0] += cost.amount }
        return costs.sorted { $0.key < $1.key }.map { PageFormat.money($0.value, currency: $0.key, language: t.language) }
    }

    mutating func customerTable() {
        parts.tableStart([(t.customer, false), (t.collection, false), (t.resources, true), (t.servers, true), (t.flags, true), (t.cost, true)])
        for row in rows {
            out.raw("<tr><td><a class=\"name\"")
            out.attribute("href", HTML.relativeLink(row.link))
            out.raw(">")
            out.text(row.customer)
            out.raw("</a></td><td>")
            if row.complete {
                out.element("span", t.complete, class: "badge ok")
            } else if !row.known, row.notCollected == 0 {
                out.element("span", t.unknown, class: "badge off")
            } else {
                out.element("span", t.incomplete, class: "badge off")
                out.element("span", t.missingItems(row.notCollected), class: "sub")
            }
            out.raw("</td>")
            parts.num(row.resources)
            parts.num(row.servers)
            let total = row.flags.values.reduce(0, +)
            out.raw("<td class=\"num\">")
            out.element("span", PageFormat.integer(total), class: row.flags.contains { $0.key.severity >= 3 && $0.value > 0 } ? "warn" : nil)
            let counts = Self.kinds.compactMap { kind in row.flags[kind].flatMap { $0 > 0 ? "\(t.flagShort(kind)) \(PageFormat.integer($0))" : nil } }
            if !counts.isEmpty { out.element("span", counts.joined(separator: " · "), class: "sub flagcounts") }
            out.raw("</td>")
            if let cost = row.cost {
                let text = parts.costText(cost)
                out.raw("<td class=\"num\">")
                out.text(text.amount)
                if let change = text.change { out.element("span", change, class: "sub " + (text.className ?? "")) }
                out.raw("</td>")
            } else {
                out.raw("<td class=\"num nodata\">")
                out.text(t.notCollectedShort)
                out.raw("</td>")
            }
            out.raw("</tr>")
        }
        out.raw("</tbody><tfoot><tr>")
        parts.td(t.total)
        out.raw("<td></td>")
        parts.num(rows.reduce(0) { $0 + $1.resources })
        parts.num(rows.reduce(0) { $0 + $1.servers })
        parts.num(rows.reduce(0) { $0 + $1.flags.values.reduce(0, +) })
        let totals = totalCosts()
        parts.td(totals.isEmpty ? "–" : totals.joined(separator: " · "), class: "num")
        out.raw("</tr></tfoot></table>\n")
    }
}
