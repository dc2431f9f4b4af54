import ArgumentParser
import Foundation
import PageKit
import ReportKit

@main
struct NCPRenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ncp-render",
        abstract: "Write a period's report pages: one per customer and an overview for the MSP.",
        discussion: """
            Reads the dated files of a period (DIR/PERIOD/CUSTOMER/*.json, as ncp-report writes them) and the run's outcome records, and writes DIR/PERIOD/CUSTOMER/report.html for every customer and DIR/PERIOD/index.html over all of them. Each page is one self-contained HTML file (inline CSS and SVG, no script, nothing fetched from anywhere), so it opens offline from an e-mail attachment and prints to clean A4 pages.

            A customer's page: resources by kind, platform and region with what was added and removed since the previous period; every server with its spec, status, CPU, memory and file-system use (average and peak) and a daily chart; flags (hot, file system full, NAS near full, stopped, idle, unattached public IPs and volumes); Cloud DB instances; the bill when it was collected, with the change; and what could not be collected this time, from the outcome records, so a page never looks complete when it is not. The overview lists every customer, what needs attention first.

            The previous period is the latest earlier folder under DIR with the same shape of label (--previous to choose). Outcome records: every run's under DIR/runs/ and any --outcomes file; each customer's page takes those of the newest run that collected it, and calls its collection complete only if that run finished (RUN_DIR/run.json, written by ncp-report at the end) with no step denied or failed: otherwise incomplete, or unknown. Without any run, DIR/PERIOD/outcomes.ndjson is read. Thresholds: --thresholds FILE, a JSON object with any of idleAverageCPU (5), idlePeakCPU (20), hotPeakCPU (90), fileSystemFull (90) and nasFull (85), in percent; each page states the ones in force.

            Examples:
              ncp-render --out out --period 2026-10
              ncp-render --out out --period 2026-10 --lang en --pages /tmp/pages --customer alpha

            Exit status:
            \(ExitStatus.helpTable)
            """,
        version: ToolVersion.current
    )

    @Option(help: ArgumentHelp("The folder the dated files are under ($REPORT_JSON_DIR).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Where the pages go ($REPORT_PAGES_DIR, default: --out).", valueName: "dir"))
    var pages: String?

    @Option(help: ArgumentHelp("The period compared with (default: the latest earlier one).", valueName: "label"))
    var previous: String?

    @Option(help: ArgumentHelp("Outcome records to read besides DIR/runs/*/ (repeatable).", valueName: "file"))
    var outcomes: [String] = []

    @Option(help: ArgumentHelp("Only this customer (repeatable).", valueName: "id"))
    var customer: [String] = []

    @Option(help: "Language of the pages ($REPORT_LANG, default ko).")
    var lang: ReportLanguage?

    @Option(help: ArgumentHelp("When to flag, as JSON (see above).", valueName: "file"))
    var thresholds: String?

    @Option(help: ArgumentHelp("Customers worked on at once (default: the cores, at most 4; memory grows with it).", valueName: "n"))
    var jobs: Int?

    @OptionGroup var period: PeriodOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        await ToolMain.run(tool: "ncp-render", logging: logging) { try execute() }
    }

    func execute() throws {
        let environment = EnvironmentFallback()
        guard let data = environment.resolve(out, flag: "--out", env: ["REPORT_JSON_DIR"])?.value else {
            throw Failure(.usage, "missing --out DIR (or $REPORT_JSON_DIR)")
        }
        var settings = PageSettings()
        settings.language = try environment.resolve(lang, flag: "--lang", env: ["REPORT_LANG"], default: .ko).value
        if let thresholds { settings.thresholds = try Thresholds.read(thresholds) }
        let pagesDirectory = environment.resolve(pages, flag: "--pages", env: ["REPORT_PAGES_DIR"])?.value
        var job = PageJob(dataDirectory: data, pagesDirectory: pagesDirectory, period: try period.resolve(environment).label, settings: settings)
        job.previousPeriod = previous
        job.outcomeFiles = outcomes
        job.customers = customer
        if let jobs {
            guard (1...64).contains(jobs) else { throw Failure(.usage, "--jobs must be 1 to 64") }
            job.jobs = jobs
        }
        let result = try job.run()
        Log.shared.info("wrote the pages", ["pages": "\(result.pages.count)", "overview": result.overview,
                                           "previous": result.previousPeriod ?? "none", "outcomes": result.outcomeFiles.joined(separator: ",")])
        try OutputStream.stdout.writeLine(result.overview)
        try OutputStream.stdout.flush()
    }
}
