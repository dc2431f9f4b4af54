import Foundation
import ReportKit

/// Runs a plan for every customer: for each customer × step, fetch → json → load through the
/// built tools, customers in parallel (`jobs`) and steps within a customer in parallel
/// (`perCustomer`). Every step writes an outcome record (DESIGN.md §6); one customer's failure
/// never stops another's. Fetches always carry `--trailer` and ncp-json/ncp-load always
/// `--require-trailer`, so a failed fetch can never replace a good partition.
public final class ReportRunner: Sendable {
    public struct Settings: Sendable {
        public var binDirectory: String
        public var outDirectory: String
        public var runDirectory: String
        public var period: ReportPeriod
        /// The environment every child gets (period pinning, database, log format); never NCP keys.
        public var environment: [String: String]
        public var loadArguments: [String]
        public var jobs: Int
        public var perCustomer: Int
        public var interval: String?
        public var units: String?
        public var region: String?
        /// SQLite has one writer per file, and two loads that both read first then write
        /// deadlock until the busy timeout: loads into it take turns, all tables together.
        public var singleWriter: Bool = false
        /// Requests one step may have in flight (paging, metrics and NAS usage fan-out), so a
        /// customer's key carries at most perCustomer × this at once.
        public var stepConcurrency: Int = 2

        public init(binDirectory: String, outDirectory: String, runDirectory: String, period: ReportPeriod, environment: [String: String],
                    loadArguments: [String], jobs: Int, perCustomer: Int, interval: String?, units: String?, region: String?) {
            self.binDirectory = binDirectory
            self.outDirectory = outDirectory
            self.runDirectory = runDirectory
            self.period = period
            self.environment = environment
            self.loadArguments = loadArguments
            self.jobs = jobs
            self.perCustomer = perCustomer
            self.interval = interval
            self.units = units
            self.region = region
        }
    }

    public let settings: Settings
    let tableLocks = KeyedLock()
    let record: @Sendable (OutcomeRecord) -> Void

    public init(settings: Settings, record: @escaping @Sendable (OutcomeRecord) -> Void) {
        self.settings = settings
        self.record = record
    }

    public func run(_ work: [(RosterEntry, [PlannedStep])]) async {
        await withTaskGroup(of: Void.self) { group in
            var next = 0
            func launch() {
                guard next < work.count else { return }
                let (customer, steps) = work[next]
                next += 1
                group.addTask { await self.run(customer: customer, steps: steps) }
            }
            for _ in 0..<min(max(settings.jobs, 1), work.count) { launch() }
            while await group.next() != nil { launch() }
        }
    }

    func run(customer: RosterEntry, steps: [PlannedStep]) async {
        guard let secret = customer.secretKey else {
            for step in steps {
                record(outcome(customer, step, step: firstStepName(step), status: "failed", exit: 78,
                               error: "no secret_key for this customer in the roster (kv-get --roster --with-secret)"))
            }
            return
        }
        let folder = "\(settings.runDirectory)/steps/\(customer.customerID)"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var environment = settings.environment
        environment["NCLOUD_ACCESS_KEY"] = customer.accessKey
        environment["NCLOUD_SECRET_KEY"] = secret
        environment["NCLOUD_SITE"] = customer.site
        let childEnvironment = environment
        await withTaskGroup(of: Void.self) { group in
            var next = 0
            func launch() {
                guard next < steps.count else { return }
                let step = steps[next]
                next += 1
                group.addTask { await self.run(step, customer: customer, folder: folder, environment: childEnvironment) }
            }
            for _ in 0..<min(max(settings.perCustomer, 1), steps.count) { launch() }
            while await group.next() != nil { launch() }
        }
    }

    func firstStepName(_ step: PlannedStep) -> String { step.kind == .inventory ? "fetch" : "metrics" }

    var region: String { settings.region ?? "" }

    func outcome(_ customer: RosterEntry, _ step: PlannedStep, step name: String, status: String, items: Int? = nil,
                 seconds: Double? = nil, exit: Int? = nil, error: String? = nil) -> OutcomeRecord {
        let site = Site(rawValue: customer.site) ?? .public
        return OutcomeRecord(customer: customer.customerID, period: settings.period.label, platform: step.platform.rawValue,
                             region: settings.region ?? site.defaultRegion, resource: step.resource, step: name, status: status,
                             items: items, seconds: seconds.map { ($0 * 1000).rounded() / 1000 }, exit: exit, error: error)
    }

    func tool(_ name: String) -> String { "\(settings.binDirectory)/\(name)" }

    /// The fetching stages of a step: one ncp-fetch, or a listing piped into metrics/nas-usage.
    func fetchStages(_ step: PlannedStep, customer: RosterEntry, logs: String) -> [ProcessPipeline.Stage] {
        var common = ["--platform", step.platform.rawValue, "--site", customer.site, "--customer", customer.customerID]
        if let region = settings.region { common += ["--region", region] }
        let concurrency = ["--concurrency", String(settings.stepConcurrency)]
        switch step.kind {
        case .inventory:
            return [.init(tool("ncp-fetch"), [step.resource] + common + concurrency + ["--trailer"], stderr: "\(logs).fetch.log")]
        case .metrics(let profile, let source):
            var metrics = ["metrics", "--profile", profile, "--trailer"] + common + concurrency
            if let interval = settings.interval { metrics += ["--interval", interval] }
            if let units = settings.units { metrics += ["--units", units] }
            return [.init(tool("ncp-fetch"), [source] + common + concurrency, stderr: "\(logs).list.log"),
                    .init(tool("ncp-fetch"), metrics, stderr: "\(logs).fetch.log")]
        case .nasUsage:
            return [.init(tool("ncp-fetch"), ["nas-volume"] + common + concurrency, stderr: "\(logs).list.log"),
                    .init(tool("ncp-fetch"), ["nas-usage", "--trailer"] + common + concurrency, stderr: "\(logs).fetch.log")]
        }
    }

    func run(_ step: PlannedStep, customer: RosterEntry, folder: String, environment: [String: String]) async {
        let logs = "\(folder)/\(step.name)"
        let data = "\(logs).ndjson"
        let fetchName = firstStepName(step)
        let started = Date()
        let fetch = fetchStages(step, customer: customer, logs: logs)
        let json = ProcessPipeline.Stage(tool("ncp-json"), [
            "--out", settings.outDirectory, "--customer", customer.customerID, "--name", step.name,
            "--require-trailer", "--tee", "-q",
        ], stderr: "\(logs).json.log")
        let statuses: [Int32]
        do {
            statuses = try await ProcessPipeline(stages: fetch + [json], stdout: data, environment: environment).run()
        } catch {
            record(outcome(customer, step, step: fetchName, status: "failed", exit: Int(ExitStatus.software.rawValue), error: "\(error)"))
            return
        }
        let fetchSeconds = Date().timeIntervalSince(started)
        let items = ReportRunner.countItems(data)
        if let failed = statuses.dropLast().firstIndex(where: { $0 != 0 }) {
            let code = Int(statuses[failed])
            let message = ReportRunner.lastError(fetch[failed].stderrPath) ?? "exit \(code)"
            record(outcome(customer, step, step: fetchName, status: ReportRunner.isDenial(code: code, message: message) ? "denied" : "failed",
                           items: items, seconds: fetchSeconds, exit: code, error: message))
            record(outcome(customer, step, step: "json", status: "skipped", error: "nothing committed: the \(fetchName) step did not complete"))
            record(outcome(customer, step, step: "load", status: "skipped", error: "nothing loaded: the \(fetchName) step did not complete"))
            return
        }
        record(outcome(customer, step, step: fetchName, status: "ok", items: items, seconds: fetchSeconds, exit: 0))
        guard statuses.last == 0 else {
            let code = Int(statuses.last ?? 70)
            record(outcome(customer, step, step: "json", status: "failed", seconds: fetchSeconds, exit: code,
                           error: ReportRunner.lastError(json.stderrPath) ?? "exit \(code)"))
            record(outcome(customer, step, step: "load", status: "skipped", error: "nothing loaded: the json step failed"))
            return
        }
        record(outcome(customer, step, step: "json", status: "ok", items: items, seconds: fetchSeconds, exit: 0))
        await load(step, customer: customer, data: data, logs: logs, environment: environment)
    }

    func load(_ step: PlannedStep, customer: RosterEntry, data: String, logs: String, environment: [String: String]) async {
        let stage = ProcessPipeline.Stage(tool("ncp-load"), [
            "--table", step.table, "--partition", "period=\(settings.period.label)", "--partition", "customer=\(customer.customerID)",
            "--require-trailer", "--report", "json", "-q",
        ] + settings.loadArguments, stderr: "\(logs).load.log")
        let started = Date()
        let result: Result<[Int32], any Error> = await tableLocks.withLock(settings.singleWriter ? "database" : step.table) {
            do {
                return .success(try await ProcessPipeline(stages: [stage], stdin: data, stdout: "\(logs).load.json", environment: environment).run())
            } catch {
                return .failure(error)
            }
        }
        let seconds = Date().timeIntervalSince(started)
        switch result {
        case .failure(let error):
            record(outcome(customer, step, step: "load", status: "failed", seconds: seconds, exit: Int(ExitStatus.software.rawValue), error: "\(error)"))
        case .success(let statuses) where statuses.first != 0:
            let code = Int(statuses.first ?? 70)
            record(outcome(customer, step, step: "load", status: "failed", seconds: seconds, exit: code,
                           error: ReportRunner.lastError(stage.stderrPath) ?? "exit \(code)"))
        case .success:
            let report = FileManager.default.contents(atPath: "\(logs).load.json").flatMap { try? JSONParser.parse([UInt8]($0)) }
            record(outcome(customer, step, step: "load", status: "ok", items: report?["rows"]?.intValue, seconds: seconds, exit: 0))
            try? FileManager.default.removeItem(atPath: data)
        }
    }

    /// A permission NCP withholds on purpose (returnCode 800/802: the key lacks that
    /// service), as opposed to exit 77 for a key the gateway refuses, which is a failure.
    public static func isDenial(code: Int, message: String) -> Bool {
        code == Int(ExitStatus.noPermission.rawValue) && (message.contains("returnCode 800") || message.contains("returnCode 802"))
    }

    /// Item lines in an NDJSON file, the trailer not counted.
    static func countItems(_ path: String) -> Int {
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        var lines = 0
        var trailer = false
        data.split(separator: 0x0A).forEach { line in
            lines += 1
            if line.count < 200, String(decoding: line, as: UTF8.self).hasPrefix("{\"_trailer\"") { trailer = true }
        }
        return trailer ? lines - 1 : lines
    }

    /// The tool's `error:` line without its `TOOL: error: ` prefix (one line, secrets already redacted by the tool).
    public static func lastError(_ path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        guard let line = text.split(separator: "\n").last(where: { $0.contains(": error: ") || $0.contains("\"level\":\"error\"") }) else {
            return text.split(separator: "\n").last.map(String.init)
        }
        if let range = line.range(of: ": error: ") { return String(line[range.upperBound...]) }
        return String(line)
    }
}
