import ArgumentParser
import Foundation
import NCPKit
import ReportKit
import RunKit

@main
struct NCPReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ncp-report",
        abstract: "Run a report plan for every customer: fetch → dated JSON files → database, one outcome record per step.",
        discussion: """
            For each customer of the roster and each step of the plan (config/report.json: resources, metric profiles, NAS usage, minus the customer's exclusions), fetches the customer's inventory with one ncp-fetch --batch --trailer (each resource into its own file in the run folder), then runs the metric and NAS usage steps (ncp-fetch metrics / nas-usage, reading the server, MySQL and NAS lists this run already has). As streams complete, each table's complete streams go through one ncp-json --batch --require-trailer (the dated files) and one ncp-load --batch --require-trailer (each customer's slice in its own transaction, partitioned by period and customer: a re-run replaces, never duplicates; a failed fetch replaces nothing). Customers run in parallel (--jobs) and so do a customer's steps (--per-customer); one customer's failure never stops another's. Loads into one table take turns, and all loads take turns on SQLite (one writer).

            stdout: one outcome record per step (docs/contract.md: Outcome records), also written to RUN_DIR/outcomes.ndjson. stderr: a table per customer at the end. Then ONE Teams summary card (teams-notify --summary) when TEAMS_WEBHOOK_URL or --webhook-file is set.

            The roster is NDJSON from `kv-get --roster --with-secret` (or a roster file): NCP keys reach the tools in their environment, never in argv or files. Children resolve the period with the same instant (REPORT_NOW is pinned), so a run that crosses midnight stays in one period.

            Files: OUT/PERIOD/CUSTOMER/PLATFORM-RESOURCE.json. Tables: PLATFORM_RESOURCE (vpc_server, classic_block_storage, vpc_server_metrics, vpc_nas_usage, …).

            --layout v2 writes what the v2 system's reports read instead, wherever v2 had it (ncp-json --list-views): OUT/CUSTOMER/<type>_<Platform>_<name>.json and tables such as pri_VPC_server_list, pri_VPC_metric_list and All_Resource_List, with v2's columns and units (--units v2), enriched from the VPC, server, billing product and image lists (fetched once per customer, also when the plan does not save them). Each table gets a period column and keeps the customer in customer_id, so a re-run replaces its slice. Resources v2 never had keep the standard names.

            Examples:
              kv-get --roster --with-secret | ncp-report --roster - --plan monthly --db out/report.sqlite
              ncp-report --roster roster.ndjson --plan weekly --customer alpha --period last-week --week-start 'mon 10:00'
              ncp-report --roster roster.ndjson --plan monthly --dry-run        # the resolved plan, no calls
              ncp-report --roster roster.ndjson --plan monthly --layout v2 --db out/report.sqlite   # the v2 tables and files

            Exit status: 0 when every step succeeded (denied-by-permission counts as a warning unless --strict); otherwise the exit status of the first failed step (77 for a denial under --strict); 78 for a malformed configuration or roster.
            \(ExitStatus.helpTable)
            """,
        version: ToolVersion.current
    )

    @Option(help: ArgumentHelp("Roster NDJSON (kv-get --roster --with-secret), - for stdin.", valueName: "file"))
    var roster: String

    @Option(help: ArgumentHelp("Plan name in the configuration (default monthly).", valueName: "name"))
    var plan: String = "monthly"

    @Option(help: ArgumentHelp("Report configuration ($REPORT_CONFIG, default config/report.json).", valueName: "file"))
    var config: String?

    @Option(name: .customLong("customer"), help: ArgumentHelp("Only this customer (repeatable).", valueName: "id"))
    var customers: [String] = []

    @Option(help: ArgumentHelp("Only every Nth customer from the Ith, counting from 0 in id order: a matrix leg's share (e.g. 1/3).", valueName: "i/n"))
    var shard: String?

    @Option(help: ArgumentHelp("Folder for the dated JSON files ($REPORT_JSON_DIR, default out).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Folder for this run's logs and outcomes (default OUT/runs/PERIOD-TIMESTAMP).", valueName: "dir"))
    var runDir: String?

    @Option(help: ArgumentHelp("SQLite file for the embedded default database ($REPORT_DB); other databases come from ncp-load's environment.", valueName: "file"))
    var db: String?

    @Option(help: ArgumentHelp("Connection string file for ncp-load (may hold a password).", valueName: "file"))
    var connectionStringFile: String?

    @Option(help: ArgumentHelp("Customers run at once (default 4).", valueName: "n"))
    var jobs: Int = 4

    @Option(help: ArgumentHelp("Steps of one customer run at once (default 2; NCP advises few requests in flight per key).", valueName: "n"))
    var perCustomer: Int = 2

    @Option(help: ArgumentHelp("Requests one customer's key may have in flight, split over its steps (default 4; NCP advises few per key).", valueName: "n"))
    var inFlight: Int = 4

    @Option(help: "Metric interval, instead of the plan's; any case.")
    var interval: MetricInterval?

    @Option(help: ArgumentHelp("Metric units: raw or v2.", valueName: "raw|v2"))
    var units: ReportJob.Units?

    @Option(help: ArgumentHelp("standard, or v2: the v2 system's tables, columns and JSON paths where it had them.", valueName: "standard|v2"))
    var layout: ReportJob.Layout = .standard

    @Option(help: ArgumentHelp("Pin every regional resource to one region (default: all, every region each customer's key sees in getRegionList; each region is its own fetch outcome, and a failing one leaves the others to load).", valueName: "code|all"))
    var region: String?

    @Option(help: ArgumentHelp("Seconds one child may run (a step's fetch, one table's files or loads) before it is stopped and its steps recorded as failed with exit 75 ($REPORT_STEP_TIMEOUT, default 3600; 0: none). The summary is still posted.", valueName: "seconds"))
    var stepTimeout: Double?

    @Flag(help: "Count denied steps (NCP 800/802) as failures.")
    var strict = false

    @Flag(help: "Print the resolved plan per customer and stop; nothing is called.")
    var dryRun = false

    @Option(help: ArgumentHelp("Language of the stderr table and the summary card: en or ko ($REPORT_LANG, default en).", valueName: "en|ko"))
    var lang: ReportLanguage?

    @Flag(inversion: .prefixedNo, help: "Post the Teams summary card (default: when a webhook is configured).")
    var notify: Bool?

    @Flag(inversion: .prefixedNo, help: "Write the report pages after the loads: OUT/PERIOD/CUSTOMER/report.html and OUT/PERIOD/index.html (ncp-render; standard layout).")
    var pages = true

    @Option(help: ArgumentHelp("Teams webhook URL file for the summary (else $TEAMS_WEBHOOK_URL).", valueName: "file"))
    var webhookFile: String?

    @Option(help: ArgumentHelp("Folder with the tools (default: this executable's).", valueName: "dir"))
    var binDir: String?

    @OptionGroup var period: PeriodOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        await ToolMain.run(tool: "ncp-report", logging: logging) {
            var job = ReportJob(
                roster: roster, plan: plan, config: config, customers: customers, shard: shard, out: out, runDir: runDir, db: db,
                connectionStringFile: connectionStringFile, jobs: jobs, perCustomer: perCustomer, inFlight: inFlight, interval: interval?.rawValue,
                units: units, layout: layout, region: region, stepTimeout: stepTimeout, strict: strict, dryRun: dryRun, language: lang,
                notify: notify, webhookFile: webhookFile, binDir: binDir, period: period, logFormat: logging.logFormat
            )
            job.pages = pages
            let status = try await job.run()
            if status != 0 { Foundation.exit(status) }
        }
    }
}
