import ArgumentParser
import Foundation
import NCPKit
import ReportKit

/// One ncp-report run once its options are parsed: the configuration and the roster read, the
/// customers chosen (`--customer`, `--shard`), the plan resolved per customer (printed under
/// `--dry-run`), then the run folder, the children's environments and secrets, the runner,
/// the stderr table and the Teams summary.
public struct ReportJob {
    /// `--layout`: the files and tables a run writes.
    public enum Layout: String, Sendable, CaseIterable, ExpressibleByArgument {
        /// `OUT/PERIOD/CUSTOMER/PLATFORM-RESOURCE.json`, tables `PLATFORM_RESOURCE`.
        case standard
        /// What the v2 system's reports read, wherever v2 had it (the v2 view).
        case v2
    }

    /// `--units`: the metric units ncp-fetch writes.
    public enum Units: String, Sendable, CaseIterable, ExpressibleByArgument {
        case raw, v2
    }

    /// The roster file, `-` for stdin.
    public var roster: String
    public var plan = "monthly"
    /// `--config`; nil: `$REPORT_CONFIG`, else config/report.json.
    public var config: String?
    public var customers: [String] = []
    /// `I/N`: only every Nth customer from the Ith, in id order.
    public var shard: String?
    /// `--out`; nil: `$REPORT_JSON_DIR`, else out.
    public var out: String?
    /// `--run-dir`; nil: OUT/runs/PERIOD-PLAN-TIMESTAMP.
    public var runDir: String?
    public var db: String?
    public var connectionStringFile: String?
    public var jobs = 4
    public var perCustomer = 2
    public var inFlight = 4
    /// A metric interval instead of the plan's.
    public var interval: String?
    /// nil: v2 under the v2 layout, else ncp-fetch's default.
    public var units: Units?
    public var layout: Layout = .standard
    /// A region code, or `all` (every region each customer's key sees).
    public var region: String?
    /// `--step-timeout`; nil: `$REPORT_STEP_TIMEOUT`, else 3600; 0: none.
    public var stepTimeout: Double?
    public var strict = false
    public var dryRun = false
    /// `--lang`; nil: `$REPORT_LANG`, else English.
    public var language: ReportLanguage?
    /// Whether to post the Teams summary; nil: when a webhook is configured.
    public var notify: Bool?
    /// Whether to write the report pages after the run (ncp-render; standard layout only).
    public var pages = true
    public var webhookFile: String?
    /// Where the tools are; nil: next to this executable.
    public var binDir: String?
    public var period: PeriodOptions
    /// `--log-format`, passed on to the children.
    public var logFormat: String?
    public var environment: [String: String] = EnvironmentFallback.process
    /// Outcome records, and the plan under `dryRun`.
    public var output: ReportKit.OutputStream = .stdout

    public init(
        roster: String, plan: String = "monthly", config: String? = nil, customers: [String] = [], shard: String? = nil,
        out: String? = nil, runDir: String? = nil, db: String? = nil, connectionStringFile: String? = nil, jobs: Int = 4,
        perCustomer: Int = 2, inFlight: Int = 4, interval: String? = nil, units: Units? = nil, layout: Layout = .standard,
        region: String? = nil, stepTimeout: Double? = nil, strict: Bool = false, dryRun: Bool = false, language: ReportLanguage? = nil,
        notify: Bool? = nil, webhookFile: String? = nil, binDir: String? = nil, period: PeriodOptions = PeriodOptions(),
        logFormat: String? = nil, environment: [String: String] = EnvironmentFallback.process, output: ReportKit.OutputStream = .stdout
    ) {
        self.roster = roster
        self.plan = plan
        self.config = config
        self.customers = customers
        self.shard = shard
        self.out = out
        self.runDir = runDir
        self.db = db
        self.connectionStringFile = connectionStringFile
        self.jobs = jobs
        self.perCustomer = perCustomer
        self.inFlight = inFlight
        self.interval = interval
        self.units = units
        self.layout = layout
        self.region = region
        self.stepTimeout = stepTimeout
        self.strict = strict
        self.dryRun = dryRun
        self.language = language
        self.notify = notify
        self.webhookFile = webhookFile
        self.binDir = binDir
        self.period = period
        self.logFormat = logFormat
        self.environment = environment
        self.output = output
    }

    /// Runs the job; the exit status (0, or the first failed step's, or the summary's).
    public func run() async throws -> Int32 {
        guard let prepared = try prepare() else { return 0 }
        if dryRun {
            for line in ReportJob.planLines(prepared.work, plan: plan, period: prepared.period, view: prepared.view) {
                try output.writeLine(line)
            }
            try output.flush()
            return 0
        }
        return try await execute(prepared)
    }

    // MARK: - What to run

    /// What a run works on, checked and resolved before anything is called.
    struct Prepared {
        let language: ReportLanguage
        let planSpec: ReportConfig.PlanSpec
        let resolver: PeriodResolver
        let period: ReportPeriod
        let view: View?
        let work: [(RosterEntry, [PlannedStep])]
    }

    var rosterSource: String { roster == "-" ? "stdin" : roster }

    /// Checks the options, reads the configuration and the roster, chooses the customers and
    /// resolves each one's steps; nil when this shard has no customers (nothing to do).
    func prepare() throws -> Prepared? {
        guard jobs >= 1, perCustomer >= 1, inFlight >= 1 else { throw Failure(.usage, "--jobs, --per-customer and --in-flight must be at least 1") }
        let view = layout == .v2 ? View.named("v2") : nil
        let fallback = EnvironmentFallback(environment)
        let language = try self.language ?? ReportLanguage.resolve(fallback.resolve(nil, flag: "--lang", env: ["REPORT_LANG"])?.value)
        let configPath = fallback.resolve(config, flag: "--config", env: ["REPORT_CONFIG"], default: "config/report.json")!.value
        let configuration = try ReportConfig.load(path: configPath)
        guard let planSpec = configuration.plans[plan] else {
            throw Failure(.config, "no plan '\(plan)' (plans: \(configuration.plans.keys.sorted().joined(separator: ", ")))", at: "\(configPath): plans")
        }
        if let interval, !ReportConfig.intervals.contains(interval) { throw Failure(.usage, "--interval must be one of \(ReportConfig.intervals.joined(separator: ", "))") }
        let resolver = try period.resolver(fallback)
        let reportPeriod = try period.resolve(fallback)
        guard let entries = try select(readRoster()) else { return nil }
        for id in configuration.customers.keys where !entries.contains(where: { $0.customerID == id }) && customers.isEmpty {
            Log.shared.info("configuration names a customer the roster does not have", ["customer": id])
        }
        let work = entries.map { ($0, PlanResolver.steps(plan: planSpec, rules: configuration.rules(customer: $0.customerID, plan: plan))) }
        return Prepared(language: language, planSpec: planSpec, resolver: resolver, period: reportPeriod, view: view, work: work)
    }

    func readRoster() throws -> [RosterEntry] {
        if roster == "-" {
            return try RosterFile.read(bytes: [UInt8](FileHandle.standardInput.readDataToEndOfFile()), path: "stdin")
        }
        return try RosterFile.load(path: roster)
    }

    /// `--customer`, then `--shard`; nil when the shard is empty (a warning, not a failure: a
    /// matrix may have more legs than customers). An empty roster is exit 66.
    func select(_ roster: [RosterEntry]) throws -> [RosterEntry]? {
        var entries = try RosterSelection.customers(customers, from: roster, source: rosterSource)
        if let shard {
            entries = RosterSelection.shard(try RosterShard(shard), of: entries)
            Log.shared.info("shard", ["shard": shard, "customers": entries.map(\.customerID).joined(separator: ",")])
            if entries.isEmpty {
                Log.shared.warning("shard \(shard) has no customers; nothing to do")
                return nil
            }
        }
        guard !entries.isEmpty else { throw Failure(.noInput, "the roster has no customers", at: rosterSource) }
        return entries
    }

    /// `--dry-run`: per customer, its site, plan, period and steps; under a view, the files and
    /// tables each step becomes and the lists fetched only to look names up in.
    static func planLines(_ work: [(RosterEntry, [PlannedStep])], plan: String, period: ReportPeriod, view: View?) -> [JSONValue] {
        work.map { customer, steps in
            .object(JSONObject([
                ("customer", .string(customer.customerID)), ("site", .string(customer.site)), ("plan", .string(plan)),
                ("period", period.json), ("steps", .array(steps.map { step in
                    let tables = view?.tables(resource: step.resource, platform: step.platform) ?? []
                    guard !tables.isEmpty, case .object(var object) = step.json else { return step.json }
                    object["files"] = .array(tables.map { .string($0.fileName(customerType: customer.customerType, platform: step.platform) + ".json") })
                    object["tables"] = .array(tables.map { .string($0.tableName(customerType: customer.customerType, platform: step.platform)) })
                    return .object(object)
                })),
                ("lookups", .array(ReportRunner.lookupSteps(for: steps, view: view)
                    .filter { lookup in !steps.contains(lookup) }.map { .string($0.item) })),
            ]))
        }
    }

    // MARK: - Running it

    /// `OUT/runs/PERIOD-PLAN-TIMESTAMP`, the timestamp in the report's zone without colons.
    static func runFolder(out: String, period: ReportPeriod, plan: String, now: Date) -> String {
        let stamp = Timestamps.iso8601(now, in: period.timeZone).replacingOccurrences(of: ":", with: "")
        return "\(out)/runs/\(period.label)-\(plan)-\(stamp)"
    }

    /// Creates the run folder (0700), and finds the tools the runner starts.
    func setUpRun(period: ReportPeriod, outDirectory: String, now: Date = Date()) throws -> (runDirectory: String, bin: String) {
        let runDirectory = runDir ?? ReportJob.runFolder(out: outDirectory, period: period, plan: plan, now: now)
        do {
            try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure(.cantCreate, "cannot create the run folder: \(error.localizedDescription)", at: runDirectory)
        }
        let bin = try binDir ?? ToolLocation.ownFolder()
        for tool in ["ncp-fetch", "ncp-json", "ncp-load"] where !FileManager.default.isExecutableFile(atPath: "\(bin)/\(tool)") {
            throw Failure(.config, "\(tool) not found \(binDir == nil ? "next to ncp-report" : "in --bin-dir")", at: bin)
        }
        return (runDirectory, bin)
    }

    /// What every child sees: ChildEnvironment.common, with the period pinned (REPORT_NOW: the
    /// same instant for every child, so a run that crosses midnight stays in one period) and
    /// this run's period options and log format.
    func childEnvironment(resolver: PeriodResolver) -> [String: String] {
        var childEnvironment = ChildEnvironment.common(from: environment)
        childEnvironment["REPORT_PERIOD"] = period.period ?? environment["REPORT_PERIOD"] ?? "last-month"
        childEnvironment["REPORT_NOW"] = Timestamps.iso8601(resolver.now, in: resolver.timeZone)
        if let tz = period.tz { childEnvironment["REPORT_TZ"] = tz }
        if let day = period.monthStartDay { childEnvironment["REPORT_MONTH_START_DAY"] = String(day) }
        if let week = period.weekStart { childEnvironment["REPORT_WEEK_START"] = week }
        if let logFormat { childEnvironment["REPORT_LOG_FORMAT"] = logFormat }
        return childEnvironment
    }

    /// The runner's settings.
    func settings(_ prepared: Prepared, bin: String, outDirectory: String, runDirectory: String,
                  childEnvironment: [String: String]) throws -> ReportRunner.Settings {
        var loadArguments: [String] = []
        if let db { loadArguments += ["--db", db] }
        if let connectionStringFile { loadArguments += ["--connection-string-file", connectionStringFile] }
        var settings = ReportRunner.Settings(
            binDirectory: bin, outDirectory: outDirectory, runDirectory: runDirectory, period: prepared.period, environment: childEnvironment,
            loadArguments: loadArguments, jobs: jobs, perCustomer: perCustomer, interval: interval ?? prepared.planSpec.interval,
            units: units?.rawValue ?? (prepared.view != nil ? "v2" : nil), region: region?.lowercased() == "all" ? nil : region?.uppercased())
        settings.view = prepared.view
        settings.databaseEnvironment = ChildEnvironment.database(from: environment)
        settings.required = prepared.planSpec.required
        settings.stepTimeout = try stepDeadline()
        settings.stepConcurrency = max(1, inFlight / perCustomer)
        // ncp-load's precedence: --connection-string-file, then --db, then the environment.
        settings.singleWriter = connectionStringFile == nil && (db != nil || (environment["ODBC_CONNECTION_STRING"] ?? "").isEmpty
            && (environment["DATABASE_SERVER"] ?? "").isEmpty)
        return settings
    }

    func execute(_ prepared: Prepared) async throws -> Int32 {
        let fallback = EnvironmentFallback(environment)
        let outDirectory = fallback.resolve(out, flag: "--out", env: ["REPORT_JSON_DIR"], default: "out")!.value
        let (runDirectory, bin) = try setUpRun(period: prepared.period, outDirectory: outDirectory)

        // Each child sees only what its job needs: NCP keys go to ncp-fetch alone (per customer),
        // the database's variables to ncp-load alone, the webhook to teams-notify alone.
        ChildEnvironment.registerSecrets(environment, connectionStringFile: connectionStringFile)
        let childEnvironment = self.childEnvironment(resolver: prepared.resolver)
        let settings = try self.settings(prepared, bin: bin, outDirectory: outDirectory, runDirectory: runDirectory, childEnvironment: childEnvironment)
        let outcomesPath = "\(runDirectory)/outcomes.ndjson"
        FileManager.default.createFile(atPath: outcomesPath, contents: nil, attributes: [.posixPermissions: 0o600])
        let outcomesFile = FileHandle(forWritingAtPath: outcomesPath)
        let collected = Locked<[OutcomeRecord]>([])
        let work = prepared.work
        Log.shared.info("run", ["plan": plan, "period": prepared.period.label, "customers": "\(work.count)", "steps": "\(work.reduce(0) { $0 + $1.1.count })",
                                "runDir": runDirectory])
        let started = Date()
        let output = self.output
        let runner = ReportRunner(settings: settings) { record in
            let line = record.json.compactBytes + [0x0A]
            collected.withLock { records in
                records.append(record)
                outcomesFile?.write(Data(line))
                try? output.write(line)
                try? output.flush()
            }
        }
        await runner.run(work)
        try? outcomesFile?.close()
        try output.flush()
        let records = collected.withLock { $0 }
        RunSummary.print(records, customers: work.map(\.0.customerID), seconds: Date().timeIntervalSince(started), runDirectory: runDirectory,
                         language: prepared.language)

        // The run finished: its outcome records are all there is (ncp-render trusts a run's
        // records as complete only beside this).
        ReportJob.markFinished(runDirectory: runDirectory, plan: plan, period: prepared.period, customers: work.map(\.0.customerID))

        var status = RunSummary.exitStatus(records, strict: strict)
        if let posted = try await postSummary(period: prepared.period, language: prepared.language, bin: bin, runDirectory: runDirectory,
                                              outcomes: outcomesPath, childEnvironment: childEnvironment), posted != 0, status == 0 {
            status = posted
        }
        // After the card: pages are made from what the run left, and a failure to make them
        // never holds up or hides the summary.
        if pages, let rendered = await renderPages(period: prepared.period, bin: bin, outDirectory: outDirectory, runDirectory: runDirectory,
                                                  outcomes: outcomesPath, childEnvironment: childEnvironment),
           rendered != 0, status == 0 {
            status = rendered
        }
        return status
    }

    /// The period's report pages (ncp-render, after the loads): one per customer of this run and
    /// the overview. Its exit status, or nil when there was nothing to render: the v2 layout
    /// has no dated standard files to read. A failure is logged with ncp-render's record.
    func renderPages(period: ReportPeriod, bin: String, outDirectory: String, runDirectory: String, outcomes: String,
                     childEnvironment: [String: String]) async -> Int32? {
        guard layout == .standard else {
            Log.shared.info("no report pages: they read the standard layout's dated files (ncp-render)")
            return nil
        }
        guard FileManager.default.isExecutableFile(atPath: "\(bin)/ncp-render") else {
            Log.shared.warning("no report pages: ncp-render is not next to ncp-report", ["bin": bin])
            return nil
        }
        // The period comes as every child's does: REPORT_PERIOD and REPORT_NOW pinned.
        // Every customer of the period: each page's status comes from the newest finished run
        // that collected its customer (this one's records, and OUT/runs' earlier ones).
        var arguments = ["--out", outDirectory, "--outcomes", outcomes, "-q"]
        if let language { arguments += ["--lang", language.rawValue] }
        let stage = ProcessPipeline.Stage("\(bin)/ncp-render", arguments, stderr: "\(runDirectory)/ncp-render.log")
        let status: Int32
        do {
            status = try await ProcessPipeline(stages: [stage], stdout: "\(runDirectory)/pages.txt", environment: childEnvironment,
                                               deadline: try? stepDeadline()).run().first ?? 70
        } catch {
            Log.shared.error("the report pages were not written: \(error)")
            return Int32(ExitStatus.software.rawValue)
        }
        if status != 0 {
            Log.shared.error("the report pages were not written: \(stage.failure(status: status).error)")
        } else {
            let overview = (try? String(contentsOfFile: "\(runDirectory)/pages.txt", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            Log.shared.info("report pages", ["overview": overview])
        }
        return status
    }

    /// The step deadline (`--step-timeout`, `$REPORT_STEP_TIMEOUT`, default 3600 s), nil for none:
    /// every child's, ncp-render's too.
    func stepDeadline() throws -> Double? {
        let timeout = try EnvironmentFallback(environment).resolve(
            stepTimeout.map { String($0) }, flag: "--step-timeout", env: ["REPORT_STEP_TIMEOUT"], default: 3600.0,
            { Double($0).flatMap { $0 >= 0 && $0 <= 31_536_000 ? $0 : nil } }, expected: "a number of seconds up to a year, 0 for none")
        return timeout.value > 0 ? timeout.value : nil
    }

    /// `RUN_DIR/run.json`: the run ended (every record written), with its plan, period and
    /// customers.
    static func markFinished(runDirectory: String, plan: String, period: ReportPeriod, customers: [String]) {
        let marker = JSONValue.object(JSONObject([
            ("plan", .string(plan)), ("period", .string(period.label)), ("customers", .array(customers.map { .string($0) })),
            ("finished", .string(Timestamps.iso8601(Date(), in: period.timeZone))),
        ]))
        try? AtomicFile.write(marker.compactBytes + [0x0A], to: "\(runDirectory)/run.json", mode: 0o600)
    }

    /// Posts ONE summary card with teams-notify (when `notify`, or by default when a webhook is
    /// configured); its exit status, or nil when nothing was posted. A failed post is logged
    /// with teams-notify's failure record (or its last stderr line).
    func postSummary(period: ReportPeriod, language: ReportLanguage, bin: String, runDirectory: String, outcomes: String,
                     childEnvironment: [String: String]) async throws -> Int32? {
        let webhookConfigured = webhookFile != nil || !(environment["TEAMS_WEBHOOK_URL"] ?? "").isEmpty
        guard notify ?? webhookConfigured else {
            Log.shared.warning("no Teams webhook configured (TEAMS_WEBHOOK_URL or --webhook-file): summary not posted")
            return nil
        }
        let title = "NCP \(plan) report \(period.label)"
        var arguments = ["--summary", "--title", title, "--lang", language.rawValue, "-q"]
        if let webhookFile { arguments += ["--webhook-file", webhookFile] }
        let notifyEnvironment = childEnvironment.merging(ChildEnvironment.teams(from: environment)) { $1 }
        let notifyStage = ProcessPipeline.Stage("\(bin)/teams-notify", arguments, stderr: "\(runDirectory)/teams-notify.log")
        let posted = try await ProcessPipeline(stages: [notifyStage], stdin: outcomes, stdout: "/dev/null", environment: notifyEnvironment).run()
        if let code = posted.first, code != 0 {
            Log.shared.error("the Teams summary was not posted: \(notifyStage.failure(status: code).error)")
            return code
        }
        return 0
    }
}
