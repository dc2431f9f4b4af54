import ArgumentParser
import Foundation
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

    @Option(help: ArgumentHelp("Metric interval, instead of the plan's (Min1, Min5, Min30, Hour2, Day1).", valueName: "interval"))
    var interval: String?

    @Option(help: ArgumentHelp("Metric units: raw or v2.", valueName: "raw|v2"))
    var units: String?

    @Option(help: ArgumentHelp("standard, or v2: the v2 system's tables, columns and JSON paths where it had them.", valueName: "standard|v2"))
    var layout: String = "standard"

    @Option(help: ArgumentHelp("Pin every regional resource to one region (default: all, every region each customer's key sees in getRegionList; each region is its own fetch outcome, and a failing one leaves the others to load).", valueName: "code|all"))
    var region: String?

    @Option(help: ArgumentHelp("Seconds one child may run (a step's fetch, one table's files or loads) before it is stopped and its steps recorded as failed with exit 75 ($REPORT_STEP_TIMEOUT, default 3600; 0: none). The summary is still posted.", valueName: "seconds"))
    var stepTimeout: Double?

    @Flag(help: "Count denied steps (NCP 800/802) as failures.")
    var strict = false

    @Flag(help: "Print the resolved plan per customer and stop; nothing is called.")
    var dryRun = false

    @Option(help: ArgumentHelp("Language of the stderr table and the summary card: en or ko ($REPORT_LANG, default en).", valueName: "en|ko"))
    var lang: String?

    @Flag(inversion: .prefixedNo, help: "Post the Teams summary card (default: when a webhook is configured).")
    var notify: Bool?

    @Option(help: ArgumentHelp("Teams webhook URL file for the summary (else $TEAMS_WEBHOOK_URL).", valueName: "file"))
    var webhookFile: String?

    @Option(help: ArgumentHelp("Folder with the tools (default: this executable's).", valueName: "dir"))
    var binDir: String?

    @OptionGroup var period: PeriodOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        await ToolMain.run(tool: "ncp-report", logging: logging) { try await execute() }
    }

    func readRoster() throws -> [RosterEntry] {
        if roster == "-" {
            return try RosterFile.read(bytes: [UInt8](FileHandle.standardInput.readDataToEndOfFile()), path: "stdin")
        }
        return try RosterFile.load(path: roster)
    }

    func execute() async throws {
        guard jobs >= 1, perCustomer >= 1, inFlight >= 1 else { throw Failure(.usage, "--jobs, --per-customer and --in-flight must be at least 1") }
        if let units, !["raw", "v2"].contains(units) { throw Failure(.usage, "--units must be raw or v2") }
        guard ["standard", "v2"].contains(layout) else { throw Failure(.usage, "--layout must be standard or v2") }
        let view = layout == "v2" ? View.named("v2") : nil
        let environment = ProcessInfo.processInfo.environment
        let fallback = EnvironmentFallback(environment)
        let language = try ReportLanguage.resolve(fallback.resolve(lang, flag: "--lang", env: ["REPORT_LANG"])?.value)
        let configPath = fallback.resolve(config, flag: "--config", env: ["REPORT_CONFIG"], default: "config/report.json")!.value
        let configuration = try ReportConfig.load(path: configPath)
        guard let planSpec = configuration.plans[plan] else {
            throw Failure(.config, "no plan '\(plan)' (plans: \(configuration.plans.keys.sorted().joined(separator: ", ")))", at: "\(configPath): plans")
        }
        if let interval, !ReportConfig.intervals.contains(interval) { throw Failure(.usage, "--interval must be one of \(ReportConfig.intervals.joined(separator: ", "))") }
        let resolver = try period.resolver(fallback)
        let reportPeriod = try period.resolve(fallback)
        var entries = try readRoster()
        for id in customers where !entries.contains(where: { $0.customerID == id }) {
            throw Failure(.noInput, "customer '\(id)' is not in the roster", at: roster == "-" ? "stdin" : roster)
        }
        if !customers.isEmpty { entries = entries.filter { customers.contains($0.customerID) } }
        if let shard {
            let parts = shard.split(separator: "/").compactMap { Int($0) }
            guard parts.count == 2, parts[1] >= 1, (0..<parts[1]).contains(parts[0]) else {
                throw Failure(.usage, "--shard must be I/N with 0 <= I < N, e.g. 0/3")
            }
            entries = entries.sorted { $0.customerID < $1.customerID }.enumerated().filter { $0.offset % parts[1] == parts[0] }.map(\.element)
            Log.shared.info("shard", ["shard": shard, "customers": entries.map(\.customerID).joined(separator: ",")])
            if entries.isEmpty {
                Log.shared.warning("shard \(shard) has no customers; nothing to do")
                return
            }
        }
        guard !entries.isEmpty else { throw Failure(.noInput, "the roster has no customers", at: roster == "-" ? "stdin" : roster) }
        for id in configuration.customers.keys where !entries.contains(where: { $0.customerID == id }) && customers.isEmpty {
            Log.shared.info("configuration names a customer the roster does not have", ["customer": id])
        }
        let work = entries.map { ($0, PlanResolver.steps(plan: planSpec, rules: configuration.rules(customer: $0.customerID, plan: plan))) }

        if dryRun {
            for (customer, steps) in work {
                try OutputStream.stdout.writeLine(.object(JSONObject([
                    ("customer", .string(customer.customerID)), ("site", .string(customer.site)), ("plan", .string(plan)),
                    ("period", reportPeriod.json), ("steps", .array(steps.map { step in
                        // Under --layout v2, the v2 tables and files a step becomes.
                        let tables = view?.tables(resource: step.resource, platform: step.platform) ?? []
                        guard !tables.isEmpty, case .object(var object) = step.json else { return step.json }
                        object["files"] = .array(tables.map { .string($0.fileName(customerType: customer.customerType, platform: step.platform) + ".json") })
                        object["tables"] = .array(tables.map { .string($0.tableName(customerType: customer.customerType, platform: step.platform)) })
                        return .object(object)
                    })),
                    // Under --layout v2, the lists fetched only to look names up in.
                    ("lookups", .array(ReportRunner.lookupSteps(for: steps, view: view)
                        .filter { lookup in !steps.contains(lookup) }.map { .string($0.item) })),
                ])))
            }
            return try OutputStream.stdout.flush()
        }

        let outDirectory = fallback.resolve(out, flag: "--out", env: ["REPORT_JSON_DIR"], default: "out")!.value
        // Named in the report's time zone (Asia/Seoul by default), like the data.
        let stamp = Timestamps.iso8601(Date(), in: reportPeriod.timeZone).replacingOccurrences(of: ":", with: "")
        let runDirectory = runDir ?? "\(outDirectory)/runs/\(reportPeriod.label)-\(plan)-\(stamp)"
        do {
            try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure(.cantCreate, "cannot create the run folder: \(error.localizedDescription)", at: runDirectory)
        }
        let bin = try binDir ?? ToolLocation.ownFolder()
        for tool in ["ncp-fetch", "ncp-json", "ncp-load"] where !FileManager.default.isExecutableFile(atPath: "\(bin)/\(tool)") {
            throw Failure(.config, "\(tool) not found \(binDir == nil ? "next to ncp-report" : "in --bin-dir")", at: bin)
        }

        // Each child sees only what its job needs: NCP keys go to ncp-fetch alone (per customer),
        // the database's variables to ncp-load alone, the webhook to teams-notify alone.
        ChildEnvironment.registerSecrets(environment, connectionStringFile: connectionStringFile)
        var childEnvironment = ChildEnvironment.common(from: environment)
        childEnvironment["REPORT_PERIOD"] = period.period ?? environment["REPORT_PERIOD"] ?? "last-month"
        childEnvironment["REPORT_NOW"] = Timestamps.iso8601(resolver.now, in: resolver.timeZone)
        if let tz = period.tz { childEnvironment["REPORT_TZ"] = tz }
        if let day = period.monthStartDay { childEnvironment["REPORT_MONTH_START_DAY"] = String(day) }
        if let week = period.weekStart { childEnvironment["REPORT_WEEK_START"] = week }
        if let format = logging.logFormat { childEnvironment["REPORT_LOG_FORMAT"] = format }
        var loadArguments: [String] = []
        if let db { loadArguments += ["--db", db] }
        if let connectionStringFile { loadArguments += ["--connection-string-file", connectionStringFile] }

        var settings = ReportRunner.Settings(
            binDirectory: bin, outDirectory: outDirectory, runDirectory: runDirectory, period: reportPeriod, environment: childEnvironment,
            loadArguments: loadArguments, jobs: jobs, perCustomer: perCustomer, interval: interval ?? planSpec.interval,
            units: units ?? (view != nil ? "v2" : nil), region: region?.lowercased() == "all" ? nil : region?.uppercased())
        settings.view = view
        settings.databaseEnvironment = ChildEnvironment.database(from: environment)
        settings.required = planSpec.required
        let timeout = try fallback.resolve(stepTimeout.map { String($0) }, flag: "--step-timeout", env: ["REPORT_STEP_TIMEOUT"], default: 3600.0,
                                           { Double($0).flatMap { $0 >= 0 && $0 <= 31_536_000 ? $0 : nil } }, expected: "a number of seconds up to a year, 0 for none")
        settings.stepTimeout = timeout.value > 0 ? timeout.value : nil
        settings.stepConcurrency = max(1, inFlight / perCustomer)
        // ncp-load's precedence: --connection-string-file, then --db, then the environment.
        settings.singleWriter = connectionStringFile == nil && (db != nil || (environment["ODBC_CONNECTION_STRING"] ?? "").isEmpty
            && (environment["DATABASE_SERVER"] ?? "").isEmpty)
        let outcomesPath = "\(runDirectory)/outcomes.ndjson"
        FileManager.default.createFile(atPath: outcomesPath, contents: nil, attributes: [.posixPermissions: 0o600])
        let outcomesFile = FileHandle(forWritingAtPath: outcomesPath)
        let collected = Locked<[OutcomeRecord]>([])
        Log.shared.info("run", ["plan": plan, "period": reportPeriod.label, "customers": "\(work.count)", "steps": "\(work.reduce(0) { $0 + $1.1.count })",
                                "runDir": runDirectory])
        let started = Date()
        let runner = ReportRunner(settings: settings) { record in
            let line = record.json.compactBytes + [0x0A]
            collected.withLock { records in
                records.append(record)
                outcomesFile?.write(Data(line))
                try? OutputStream.stdout.write(line)
                try? OutputStream.stdout.flush()
            }
        }
        await runner.run(work)
        try? outcomesFile?.close()
        try OutputStream.stdout.flush()
        let records = collected.withLock { $0 }
        RunSummary.print(records, customers: work.map(\.0.customerID), seconds: Date().timeIntervalSince(started), runDirectory: runDirectory,
                         language: language)

        var status = RunSummary.exitStatus(records, strict: strict)
        let webhookConfigured = webhookFile != nil || !(environment["TEAMS_WEBHOOK_URL"] ?? "").isEmpty
        if notify ?? webhookConfigured {
            let title = "NCP \(plan) report \(reportPeriod.label)"
            var arguments = ["--summary", "--title", title, "--lang", language.rawValue, "-q"]
            if let webhookFile { arguments += ["--webhook-file", webhookFile] }
            let notifyEnvironment = childEnvironment.merging(ChildEnvironment.teams(from: environment)) { $1 }
            let notifyStage = ProcessPipeline.Stage("\(bin)/teams-notify", arguments, stderr: "\(runDirectory)/teams-notify.log")
            let posted = try await ProcessPipeline(stages: [notifyStage], stdin: outcomesPath, stdout: "/dev/null", environment: notifyEnvironment).run()
            if let code = posted.first, code != 0 {
                Log.shared.error("the Teams summary was not posted: \(notifyStage.failure(status: code).error)")
                if status == 0 { status = posted.first ?? 70 }
            }
        } else {
            Log.shared.warning("no Teams webhook configured (TEAMS_WEBHOOK_URL or --webhook-file): summary not posted")
        }
        if status != 0 { Foundation.exit(status) }
    }
}
