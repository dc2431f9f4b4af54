import Foundation
@testable import PageKit
import ReportKit
import Testing

/// Pages made from a report: escaping, what is missing shown as such, charts, languages, the
/// banner, the overview's order, and nothing fetched from anywhere.
struct RendererTests {
    let page = PageRenderer.customerPage(Fixture.report(), settings: Fixture.settings())
    let english = PageRenderer.customerPage(Fixture.report(), settings: Fixture.settings(.en))

    @Test func everyNameFromTheDataIsEscapedTextInTablesAndChartTitles() {
        for html in [page, english] {
            #expect(!html.contains("<img"))
            #expect(!html.contains("<script"))
            #expect(!html.contains(Fixture.hostile))
            let escaped = "&lt;img src=x onerror=alert(1)&gt;"
            // The server row, its sparkline's title, the flag and the change.
            #expect(html.occurrences(of: escaped) >= 4)
            #expect(html.contains("<title>" + escaped))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        }
        #expect(HTML.escape(#"a&b<c>"d'e"#) == "a&amp;b&lt;c&gt;&quot;d&#39;e")
        #expect(HTML.escape("서버\u{0}") == "서버\u{FFFD}")
    }

    @Test func aCustomersNameCannotBecomeALinksScheme() {
        var hostile = OverviewRow(Fixture.customer("javascript:alert(1)"))
        hostile.link = "javascript:alert(1)/report.html"
        let html = PageRenderer.overview([hostile, OverviewRow(Fixture.customer("\"><b>x"))], period: "2026-10", settings: Fixture.settings())
        #expect(html.contains("href=\"javascript%3Aalert%281%29/report.html\""))
        #expect(html.contains("href=\"%22%3E%3Cb%3Ex/report.html\""))
        #expect(html.contains("&quot;&gt;&lt;b&gt;x</a>"))
        #expect(!html.contains("<b>"))
        #expect(HTML.relativeLink("//evil/report.html") == "evil/report.html")
    }

    @Test func aServerWithoutMetricsSaysNoDataInsteadOfAChart() {
        let row = page.section("servers").row(containing: ">db-03<")
        #expect(row.contains("<td colspan=\"7\" class=\"nodata\">데이터 없음</td>"))
        #expect(!row.contains("<svg"))
        #expect(english.section("servers").row(containing: ">db-03<").contains(">no data</td>"))
        // The server with metrics has its chart.
        #expect(page.section("servers").row(containing: ">web-01<").contains("<svg class=\"spark\""))
    }

    @Test func withoutOutcomeRecordsAPageNeverSaysComplete() {
        var report = CustomerReport(customer: "acme", period: "2026-10")
        report.inventory = [InventoryCount(kind: "server", platform: "vpc", region: "KR", count: 1)]
        report.collectionKnown = false
        let html = PageRenderer.customerPage(report, settings: Fixture.settings(.en))
        #expect(html.contains("Status unknown") && !html.contains("✓ Complete"))
        let overview = PageRenderer.overview([OverviewRow(report)], period: "2026-10", settings: Fixture.settings(.en))
        #expect(overview.contains("acme: Status unknown") && !overview.contains("badge ok"))
        report.collectionKnown = true
        #expect(PageRenderer.customerPage(report, settings: Fixture.settings(.en)).contains("✓ Complete"))
    }

    @Test func anEmptySectionWhoseListWasNotCollectedSaysSoInsteadOfNone() {
        var report = CustomerReport(customer: "bravo", period: "2026-10")
        report.notCollected = [MissingItem(platform: "vpc", resource: "nas-volume", region: "KR", step: "fetch", status: "denied", error: "no")]
        let html = PageRenderer.customerPage(report, settings: Fixture.settings(.en))
        #expect(html.section("nas").contains("Not collected this period"))
        #expect(!html.section("nas").contains("No NAS volumes."))
        // Lists that were collected and are empty still say none.
        #expect(html.section("servers").contains("No servers."))
        #expect(html.section("databases").contains("No Cloud DB instances."))
    }

    @Test func anEmptyPeriodRendersNoDataAndNoBrokenChart() {
        var report = Fixture.report()
        report.days = []
        for index in report.servers.indices {
            report.servers[index].cpu = .none
            report.servers[index].memory = .none
            report.servers[index].fileSystem = .none
        }
        let html = PageRenderer.customerPage(report, settings: Fixture.settings(.en))
        #expect(!html.contains("class=\"spark\""))
        #expect(html.section("servers").occurrences(of: ">no data</td>") == report.servers.count)
        // Daily values without a single number: no data too.
        report.servers[0].cpu = MetricSummary(average: 5, maximum: 9, daily: [nil, nil, .nan])
        let partial = PageRenderer.customerPage(report, settings: Fixture.settings(.en))
        #expect(partial.section("servers").contains("<span class=\"nodata\">no data</span>"))
        #expect(!partial.contains("class=\"spark\""))
        // Nothing at all.
        let nothing = PageRenderer.customerPage(CustomerReport(customer: "empty", period: "2026-10"), settings: Fixture.settings(.en))
        #expect(nothing.contains(PageText(.en).nothingCollected))
        #expect(nothing.contains("No servers."))
    }

    @Test func theSparklineHasAPointPerDayWithDataAndAGapForTheRest() throws {
        var out = HTMLWriter(capacity: 1_000)
        let daily: [Double?] = [10, 20, nil, 40, 50, 60, nil, 80, nil, nil]
        Charts.sparkline(daily, title: "t", noData: "no data", into: &out)
        let svg = out.string
        let path = try #require(svg.firstRange(of: /d="([^"]*)"/)).lowerBound
        let d = String(svg[path...].dropFirst(3).prefix { $0 != "\"" })
        #expect(d.filter { $0 == "M" || $0 == "L" }.count == 6)
        #expect(d.filter { $0 == "M" }.count == 3)  // three runs: 10–20, 40–60, 80
        #expect(d.hasSuffix("h0"))  // 80 stands alone: a dot
        #expect(d.hasPrefix("M2 22.7L14.9 20.4M"))  // real coordinates: x from 2 by 116/9, y = 25 − value% × 23
        #expect(svg.contains("<title>t</title>"))
        #expect(svg.contains("<line"))  // the baseline
        var empty = HTMLWriter(capacity: 100)
        Charts.sparkline([nil, nil], title: "t", noData: "no data", into: &empty)
        #expect(empty.string == "<span class=\"nodata\">no data</span>")
        // The page: 30 of 31 days for web-01, one gap.
        let row = page.section("servers").row(containing: ">web-01<")
        let start = try #require(row.range(of: " d=\"")).upperBound
        let pageD = row[start...].prefix { $0 != "\"" }
        #expect(pageD.filter { $0 == "M" || $0 == "L" }.count == 30)
        #expect(pageD.filter { $0 == "M" }.count == 2)
    }

    @Test func koreanAndEnglishPagesSpeakTheirLanguage() {
        #expect(page.contains("<html lang=\"ko\">"))
        #expect(page.contains(">인벤토리<"))
        #expect(page.contains("2026년 10월"))
        #expect(page.contains("1,234,567원"))
        #expect(page.contains("2026-11-29 08:36 KST"))
        #expect(!page.contains(">Inventory<"))
        #expect(english.contains("<html lang=\"en\">"))
        #expect(english.contains(">Inventory<"))
        #expect(english.contains("October 2026"))
        #expect(english.contains("₩1,234,567"))
        #expect(english.contains("2026-11-29 08:36 KST"))
        #expect(!english.contains("인벤토리"))
        #expect(PageSettings().language == .ko)
    }

    @Test func sizesAndSpecsAreShownInBinaryGB() {
        let web = page.section("servers").row(containing: ">web-01<")
        #expect(web.contains("2 vCPU · 8 GB"))
        #expect(web.contains(">SVR.<wbr>VSVR.<wbr>HICPU.<wbr>C002.<wbr>M008.<wbr>NET.<wbr>SSD.<wbr>B050.<wbr>G002<"))
        #expect(page.section("nas").contains(">500 GB<"))
        #expect(page.contains("1 GB = 1024³"))
    }

    @Test func theCostShowsItsChangeFromThePreviousPeriod() {
        #expect(page.section("cost").contains("<td class=\"num up\">▲ 12.2%</td>"))
        #expect(page.section("cost").contains("1,100,000원"))
        #expect(page.contains("<div class=\"sub up\">▲ 12.2% 이전 기간 대비</div>"))
        var report = Fixture.report()
        report.cost?.previousAmount = nil
        let html = PageRenderer.customerPage(report, settings: Fixture.settings())
        #expect(!html.contains("▲"))
        report.cost = nil
        let none = PageRenderer.customerPage(report, settings: Fixture.settings())
        #expect(none.section("cost").contains(PageText(.ko).costNotCollected))
    }

    @Test func theBannerSaysIncompleteAndListsWhatIsMissingOnlyWhenItIs() {
        #expect(page.contains("<section class=\"banner incomplete\""))
        #expect(!page.contains("banner complete"))
        #expect(page.contains("<li>vpc · Cloud DB (Classic) · KR · fetch: 권한 없음</li>"))
        #expect(page.section("not-collected").contains("실패"))
        var report = Fixture.report()
        report.notCollected = []
        let complete = PageRenderer.customerPage(report, settings: Fixture.settings())
        #expect(complete.contains("<section class=\"banner complete\""))
        #expect(!complete.contains("banner incomplete"))
        // Many missing items: the first few, and how many more.
        report.notCollected = (0..<20).map { MissingItem(platform: "vpc", resource: "server", region: "KR", step: "s\($0)", status: "failed", error: nil) }
        let many = PageRenderer.customerPage(report, settings: Fixture.settings(.en))
        #expect(many.contains("<li>and 12 more (see ‘Not collected’ below)</li>"))
    }

    @Test func flagsComeMostSeriousFirstWithTheThresholdThatTriggeredThem() throws {
        // By severity; within one, in the analysis's order (the idle server before the IP).
        let flags = page.section("flags")
        let order = ["web-01", "share", "batch-02", "&lt;img", "211.188.1.2"].map { flags.range(of: $0)?.lowerBound }
        let positions = try order.map { try #require($0) }
        #expect(positions == positions.sorted())
        #expect(flags.contains("최대 CPU 97.2% (기준 ≥ 90%)"))
        #expect(flags.contains("실행 중이 아님 (상태: 정지)"))
        #expect(page.section("servers").row(containing: ">web-01<").contains("<td class=\"num warn\">97.2%</td>"))
        var settings = Fixture.settings(.en)
        settings.thresholds.hotPeakCPU = 80
        let configured = PageRenderer.customerPage(Fixture.report(), settings: settings)
        #expect(configured.contains("Thresholds in force (configured)"))
        #expect(configured.contains("Hot CPU: peak CPU ≥ 80%"))
        #expect(english.contains("Thresholds in force (defaults)"))
        #expect(english.contains("Idle: average CPU &lt; 5% and peak CPU &lt; 20%"))
    }

    @Test func theOverviewPutsWhatNeedsAttentionFirstAndLinksEachPage() throws {
        let rows = [
            Fixture.customer("calm", flags: [.idle]),
            Fixture.customer("broken", missing: 2),
            Fixture.customer("hot", flags: [.hotCPU, .stopped]),
            Fixture.customer("quiet"),
        ].map(OverviewRow.init)
        let html = PageRenderer.overview(rows, period: "2026-10", settings: Fixture.settings(.en))
        let links = ["broken", "hot", "calm", "quiet"].map { html.range(of: "<a class=\"name\" href=\"\($0)/report.html\">\($0)</a>")?.lowerBound }
        let positions = try links.map { try #require($0) }
        #expect(positions == positions.sorted())
        #expect(html.row(containing: ">broken<").contains("2 not collected"))
        #expect(html.row(containing: ">hot<").contains("hot CPU 1 · stopped 1"))
        #expect(html.contains("<section class=\"banner incomplete\""))
        #expect(html.contains("<tfoot><tr><td>Total</td><td></td><td class=\"num\">4</td><td class=\"num\">4</td><td class=\"num\">3</td>"))
        let complete = PageRenderer.overview([rows[0]], period: "2026-10", settings: Fixture.settings())
        #expect(complete.contains("<section class=\"banner complete\""))
        #expect(complete.contains("2026년 10월"))
    }

    @Test func noPageFetchesAnythingOrRunsAnything() {
        let overview = PageRenderer.overview([OverviewRow(Fixture.report()), OverviewRow(Fixture.customer("b"))], period: "2026-10", settings: Fixture.settings())
        let empty = PageRenderer.customerPage(CustomerReport(customer: "e", period: "2026-10"), settings: Fixture.settings(.en))
        for html in [page, english, overview, empty, PageRenderer.overview([], period: "2026-10", settings: Fixture.settings(.en))] {
            for forbidden in ["http://", "https://", "<script", "@import", "url(", "<link", "<img", "<iframe", "src=\"", "@font-face"] {
                #expect(!html.lowercased().contains(forbidden), "\(forbidden)")
            }
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            #expect(html.contains("@page{size:A4;margin:14mm}"))
            #expect(html.contains("\"Apple SD Gothic Neo\",\"Malgun Gothic\",\"Noto Sans KR\""))
        }
    }
}
