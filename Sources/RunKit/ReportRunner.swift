import Foundation
import ReportKit

/// Runs a plan for every customer: for each customer × step, fetch → json → load through the
/// built tools, customers in parallel (`jobs`) and steps within a customer in parallel
/// (`perCustomer`). Every step writes an outcome record (docs/contract.md: Outcome records); one customer's failure
/// never stops another's. Fetches always carry `--trailer` and ncp-json/ncp-load always
/// `--require-trailer`, so a failed fetch can never replace a good partition.
public final class ReportRunner: Sendable {
    public struct Settings: Sendable {
        public var binDirectory: String
        public var outDirectory: String
        public var runDirectory: String
        public var period: ReportPeriod
        /// The environment every child gets (period pinning, log format; ChildEnvironment.common):
        /// never NCP keys, never the database's.
        public var environment: [String: String]
        /// What ncp-load gets on top (ChildEnvironment.database): its connection.
        public var databaseEnvironment: [String: String] = [:]
        /// Items whose denial fails the run (the plan's `required`).
        public var required: [String] = []
        /// Seconds a child (one step's pipeline, one batch) may run before it is stopped and
        /// its steps recorded as failed; nil: no deadline.
        public var stepTimeout: Double?
        public var loadArguments: [String]
        public var jobs: Int
        public var perCustomer: Int
        public var interval: String?
        public var units: String?
        /// A region code every regional resource is fetched in; nil: every region the key sees.
        public var region: String?
        /// SQLite has one writer per file, and two loads that both read first then write
        /// deadlock until the busy timeout: loads into it take turns, all tables together.
        public var singleWriter: Bool = false
        /// Requests one step may have in flight (paging, metrics and NAS usage fan-out), so a
        /// customer's key carries at most perCustomer × this at once.
        public var stepConcurrency: Int = 2
        /// A view (`v2`): steps it has a table for are written as that table (v2 file path and
        /// table name, v2 columns, lookups fetched once per customer); the rest as usual.
        public var view: View?

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

    /// A fetched stream waiting for its file and its load.
    struct Pending: Sendable {
        let customer: RosterEntry
        let step: PlannedStep
        let data: String
        /// The table it lands in: the step's, or its view table's (`pri_VPC_server_list`).
        let table: String
        let viewTable: ViewTable?
        /// Lists the view looks names up in (this customer's, fetched by this run).
        let lookups: [String]
        /// The regions its items came from (outcome records).
        var regions: String? = nil
    }

    /// Complete streams waiting for their table's next batch, and the tables being saved now.
    actor SaveQueue {
        private var pending: [String: [Pending]] = [:]
        private var busy: Set<String> = []

        /// Queues a slice; true when the caller must start the table's saver.
        func add(_ slice: Pending) -> Bool {
            pending[slice.table, default: []].append(slice)
            return busy.insert(slice.table).inserted
        }

        /// The table's queued slices; empty means the saver stops (and the table is idle).
        func take(_ table: String) -> [Pending] {
            let slices = pending.removeValue(forKey: table) ?? []
            if slices.isEmpty { busy.remove(table) }
            return slices
        }
    }

    private let queue = SaveQueue()
    private let batchSerial = Locked(0)
    /// Streams that reached the database: removed at the end (a metrics step may still read
    /// a server list while it is being loaded); failed ones stay in the run folder.
    private let loaded = Locked<[String]>([])
    private let savers = Locked<[Task<Void, Never>]>([])

    /// Customers and their steps fetch in parallel; as streams complete, each table's saver
    /// gathers them (a short pause lets a batch build up) and runs one `ncp-json --batch` and
    /// one `ncp-load --batch` over them, so a step costs one process instead of three while
    /// files and loads keep pace with the fetches. Each slice is still checked and committed
    /// on its own.
    public func run(_ work: [(RosterEntry, [PlannedStep])]) async {
        // Nothing here throws: every failure becomes an outcome record.
        try? await Concurrently.forEach(work, limit: settings.jobs, { await self.run(customer: $0.0, steps: $0.1) }) { _, _ in }
        Log.shared.info("fetches done; finishing files and loads")
        for saver in savers.withLock({ $0 }) { await saver.value }
        for path in loaded.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
    }

    func enqueue(_ slice: Pending) async {
        guard await queue.add(slice) else { return }
        let table = slice.table
        let task = Task {
            while true {
                try? await Task.sleep(nanoseconds: 300_000_000)
                let slices = await self.queue.take(table)
                if slices.isEmpty { return }
                await self.save(table: table, slices: slices)
            }
        }
        savers.withLock { $0.append(task) }
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
        let inventory = steps.filter { $0.kind == .inventory }
        let others = steps.filter { $0.kind != .inventory }
        // The lists metrics and NAS usage read come first, so those long steps (and their big
        // loads) start early; the rest of the inventory then shares the key with them.
        // So do the lists a view looks names up in; those it needs only for lookups are
        // fetched but not saved.
        let lookupSteps = self.lookupSteps(for: steps)
        let lookupOnly = Set(lookupSteps.map(\.name)).subtracting(inventory.map(\.name))
        let sourceNames = Set(others.compactMap { self.sourceName($0) }).union(lookupSteps.map(\.name))
        let sources = inventory.filter { sourceNames.contains($0.name) } + lookupSteps.filter { lookupOnly.contains($0.name) }
        let rest = inventory.filter { !sourceNames.contains($0.name) }
        let regions = await discoverRegions(inventory + lookupSteps, customer: customer, folder: folder, environment: childEnvironment)
        let fetched = sources.isEmpty ? [] : await fetchInventory(sources, customer: customer, folder: folder, environment: childEnvironment,
                                                                   jobs: settings.perCustomer, batch: "sources", regions: regions, lookupOnly: lookupOnly)
        // With room for two steps at once the rest of the inventory and the metric steps share
        // the customer's width; with one, they take turns.
        let overlap = settings.perCustomer >= 2 && !others.isEmpty && !rest.isEmpty
        let split = overlap ? settings.perCustomer / 2 : 0
        if !overlap, !rest.isEmpty {
            _ = await fetchInventory(rest, customer: customer, folder: folder, environment: childEnvironment, jobs: settings.perCustomer,
                                     batch: "inventory", regions: regions, earlier: fetched)
        }
        async let restDone: Set<String> = overlap
            ? fetchInventory(rest, customer: customer, folder: folder, environment: childEnvironment, jobs: split, batch: "inventory", regions: regions,
                             earlier: fetched)
            : []
        try? await Concurrently.forEach(others, limit: settings.perCustomer - split, {
            await self.run($0, customer: customer, folder: folder, environment: childEnvironment, fetched: fetched)
        }) { _, _ in }
        _ = await restDone
    }

    /// A customer's inventory in one `ncp-fetch --batch --trailer` (one process start, one
    /// region lookup), each resource into its own file, and each regional resource once per
    /// region (`regions`) so that a failing region is reported alone and the others still load:
    /// the regions that completed are joined into the step's stream. Returns the steps that did.
    func fetchInventory(_ steps: [PlannedStep], customer: RosterEntry, folder: String, environment: [String: String],
                        jobs: Int, batch: String, regions: [Platform: [String]], lookupOnly: Set<String> = [],
                        earlier: Set<String> = []) async -> Set<String> {
        /// (step, region or nil for one call, file)
        let parts: [(step: PlannedStep, region: String?, file: String)] = steps.flatMap { step -> [(step: PlannedStep, region: String?, file: String)] in
            let codes = ReportRunner.isRegional(step) ? regions[step.platform] ?? [] : []
            if codes.isEmpty { return [(step, settings.region, "\(folder)/\(step.name).ndjson")] }
            return codes.map { (step, $0, "\(folder)/\(step.name)@\($0).ndjson") }
        }
        let entries = parts.flatMap { part -> [UInt8] in
            var entry = JSONObject([
                ("resource", .string(part.step.resource)), ("platform", .string(part.step.platform.rawValue)), ("output", .string(part.file)),
            ])
            if let region = part.region { entry["region"] = .string(region) }
            return JSONValue.object(entry).compactBytes + [0x0A]
        }
        FileManager.default.createFile(atPath: "\(folder)/\(batch)-batch.ndjson", contents: Data(entries))
        let arguments = ["--batch", "\(folder)/\(batch)-batch.ndjson", "--trailer", "--site", customer.site, "--customer", customer.customerID,
                         "--concurrency", String(settings.stepConcurrency), "--jobs", String(max(1, jobs))]
        let stage = ProcessPipeline.Stage(tool("ncp-fetch"), arguments, stderr: "\(folder)/\(batch).fetch.log")
        let batchStarted = Date()
        let reports = await runBatch(stage, stdout: "\(folder)/\(batch)-report.ndjson", count: parts.count, environment: environment)
        var complete = Set<String>()
        var done: [(PlannedStep, String?)] = []
        for step in steps {
            let results = zip(parts, reports).filter { $0.0.step == step }
            let regionLabel = { (region: String?) in region ?? self.settings.region ?? (Site(rawValue: customer.site) ?? .public).defaultRegion }
            let data = "\(folder)/\(step.name).ndjson"
            let good = results.filter { $0.1.status == "ok" }
            if results.count > 1 || results.first?.0.region != settings.region {
                ReportRunner.join(good.map(\.0.file), into: data)
            }
            if lookupOnly.contains(step.name) {
                loaded.withLock { $0.append(data) }  // read by the savers; removed with the loaded streams
                for (part, report) in results where report.status != "ok" {
                    Log.shared.warning("a list for lookups did not complete; those columns fall back to codes",
                                       ["customer": customer.customerID, "list": step.name, "region": regionLabel(part.region),
                                        "error": report.error ?? "exit \(report.exit ?? 0)"])
                }
                if !good.isEmpty { complete.insert(step.name) }
                continue
            }
            for (part, report) in results {
                if report.status == "ok" {
                    record(outcome(customer, step, step: "fetch", region: regionLabel(part.region), status: "ok", items: report.count,
                                   seconds: report.seconds, exit: 0, started: batchStarted))
                } else {
                    let code = report.exit ?? Int(ExitStatus.software.rawValue)
                    let message = report.error ?? "exit \(code)"
                    let (status, error) = classify(step, code: code, message: message)
                    record(outcome(customer, step, step: "fetch", region: regionLabel(part.region), status: status,
                                   items: ReportRunner.countItems(part.file), seconds: report.seconds, exit: code, error: error,
                                   started: batchStarted))
                }
            }
            // The regions that completed still load; a step none of whose regions did is skipped.
            if good.isEmpty {
                let what = results.count > 1 ? "no region's fetch completed" : "the fetch step did not complete"
                record(outcome(customer, step, step: "json", status: "skipped", error: "nothing written: \(what)"))
                record(outcome(customer, step, step: "load", status: "skipped", error: "nothing loaded: \(what)"))
            } else {
                complete.insert(step.name)
                done.append((step, results.count > 1 ? good.map { regionLabel($0.0.region) }.joined(separator: ",") : nil))
            }
        }
        // Queued once the whole batch is in: a view's lookups may be lists of this very batch.
        for (step, regions) in done {
            for var slice in pending(customer, step, data: "\(folder)/\(step.name).ndjson", folder: folder, fetched: complete.union(earlier)) {
                slice.regions = regions
                await enqueue(slice)
            }
        }
        return complete
    }

    /// Whether a step's resource is listed region by region.
    static func isRegional(_ step: PlannedStep) -> Bool {
        guard step.kind == .inventory, let spec = ResourceCatalog.named(step.resource)?.spec(for: step.platform) else { return false }
        return spec.region != .global
    }

    /// Complete streams (each ending in its trailer) as one stream with one trailer.
    static func join(_ files: [String], into path: String) {
        var items = 0
        var out = Data()
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            for line in data.split(separator: 0x0A) {
                switch Array(line).withUnsafeBufferPointer({ Trailer.classify($0) }) {
                case .data:
                    out.append(line)
                    out.append(0x0A)
                    items += 1
                case .trailer, .malformed: continue
                }
            }
            try? FileManager.default.removeItem(atPath: file)
        }
        out.append(contentsOf: Trailer.line(items: items).compactBytes + [0x0A])
        FileManager.default.createFile(atPath: path, contents: out, attributes: [.posixPermissions: 0o600])
    }

    /// The regions each platform's key sees (`getRegionList`), for the platforms whose regional
    /// resources a customer's plan lists; a platform whose list fails falls back to the site's
    /// first region, with a warning.
    func discoverRegions(_ steps: [PlannedStep], customer: RosterEntry, folder: String, environment: [String: String]) async -> [Platform: [String]] {
        guard settings.region == nil else { return [:] }
        let platforms = Platform.allCases.filter { platform in steps.contains { $0.platform == platform && ReportRunner.isRegional($0) } }
        guard !platforms.isEmpty else { return [:] }
        let entries = platforms.flatMap { platform in
            JSONValue.object(JSONObject([("resource", "region"), ("platform", .string(platform.rawValue)),
                                         ("output", .string("\(folder)/regions-\(platform.rawValue).ndjson"))])).compactBytes + [0x0A]
        }
        FileManager.default.createFile(atPath: "\(folder)/regions-batch.ndjson", contents: Data(entries))
        let stage = ProcessPipeline.Stage(tool("ncp-fetch"), ["--batch", "\(folder)/regions-batch.ndjson", "--trailer", "--site", customer.site,
                                                             "--customer", customer.customerID], stderr: "\(folder)/regions.fetch.log")
        let reports = await runBatch(stage, stdout: "\(folder)/regions-report.ndjson", count: platforms.count, environment: environment)
        var result: [Platform: [String]] = [:]
        let fallback = (Site(rawValue: customer.site) ?? .public).defaultRegion
        for (platform, report) in zip(platforms, reports) {
            var codes: [String] = []
            if report.status == "ok", let reader = try? NDJSONReader(path: "\(folder)/regions-\(platform.rawValue).ndjson") {
                while let item = try? reader.nextValue() {
                    if let code = item["regionCode"]?.stringValue, !codes.contains(code) { codes.append(code) }
                }
            }
            if codes.isEmpty {
                Log.shared.warning("the region list did not come; fetching the site's first region only",
                                   ["customer": customer.customerID, "platform": platform.rawValue, "region": fallback,
                                    "error": report.error ?? "no regions"])
                codes = [fallback]
            }
            result[platform] = codes
        }
        return result
    }

    /// A complete stream with its table (the view's, under a view: one per table the view
    /// makes of it, as Classic Cloud DB's kinds) and lookup lists.
    func pending(_ customer: RosterEntry, _ step: PlannedStep, data: String, folder: String, fetched: Set<String>) -> [Pending] {
        guard let view = settings.view, case let tables = view.tables(resource: step.resource, platform: step.platform), !tables.isEmpty else {
            return [Pending(customer: customer, step: step, data: data, table: step.table, viewTable: nil, lookups: [])]
        }
        return tables.map { table in
            let lookups = table.lookups(step.platform).compactMap { view.lookups[$0] }.map { "\(step.platform.rawValue)-\($0.resource)" }
            let files = Set(lookups).intersection(fetched).sorted().map { "\(folder)/\($0).ndjson" }
            return Pending(customer: customer, step: step, data: data, table: table.tableName(customerType: customer.customerType, platform: step.platform),
                           viewTable: table, lookups: files)
        }
    }

    func lookupSteps(for steps: [PlannedStep]) -> [PlannedStep] { ReportRunner.lookupSteps(for: steps, view: settings.view) }

    /// The lists a view's tables look names up in, as inventory steps on the same platform.
    public static func lookupSteps(for steps: [PlannedStep], view: View?) -> [PlannedStep] {
        guard let view else { return [] }
        var seen = Set<String>()
        var lookups: [PlannedStep] = []
        for step in steps {
            for name in view.tables(resource: step.resource, platform: step.platform).flatMap({ $0.lookups(step.platform) }).sorted() {
                guard let resource = view.lookups[name]?.resource, ResourceCatalog.named(resource)?.spec(for: step.platform) != nil else { continue }
                let lookup = PlannedStep(platform: step.platform, resource: resource, kind: .inventory)
                if seen.insert(lookup.name).inserted { lookups.append(lookup) }
            }
        }
        return lookups
    }

    func firstStepName(_ step: PlannedStep) -> String { step.kind == .inventory ? "fetch" : "metrics" }

    /// `started`: when the child doing the step started (a batch's start for its entries);
    /// else `seconds` before now. A skipped step has no times.
    func outcome(_ customer: RosterEntry, _ step: PlannedStep, step name: String, region: String? = nil, status: String, items: Int? = nil,
                 seconds: Double? = nil, exit: Int? = nil, error: String? = nil, started: Date? = nil) -> OutcomeRecord {
        let ended = Date()
        let began = status == "skipped" ? nil : started ?? seconds.map { ended.addingTimeInterval(-$0) }
        let zone = settings.period.timeZone
        // A step over every region without one of its own (metrics, a list's load) says "all".
        let region = region ?? settings.region ?? (ReportRunner.isRegional(step) || step.kind != .inventory ? "all" : "global")
        return OutcomeRecord(customer: customer.customerID, period: settings.period.label, platform: step.platform.rawValue,
                             region: region, resource: step.resource, step: name, status: status,
                             items: items, seconds: seconds.map { ($0 * 1000).rounded() / 1000 }, exit: exit,
                             // A child redacts what it knows; this knows the database's secrets too.
                             error: error.map { Redactor.shared.redact($0) },
                             started: began.map { Timestamps.iso8601($0, in: zone) }, ended: began.map { _ in Timestamps.iso8601(ended, in: zone) })
    }

    func tool(_ name: String) -> String { "\(settings.binDirectory)/\(name)" }

    /// The list a metrics or NAS usage step reads its instances from, when this run already
    /// fetched it completely (no second listing, no second request).
    func sourceFile(_ step: PlannedStep, folder: String, fetched: Set<String>) -> String? {
        guard let source = sourceName(step), fetched.contains(source) else { return nil }
        return "\(folder)/\(source).ndjson"
    }

    /// The inventory step (file name) a metrics or NAS usage step lists its instances from.
    func sourceName(_ step: PlannedStep) -> String? {
        switch step.kind {
        case .inventory: return nil
        case .metrics(_, let list): return "\(step.platform.rawValue)-\(list)"
        case .nasUsage: return "\(step.platform.rawValue)-nas-volume"
        }
    }

    /// A metrics or NAS usage step's stages: `ncp-fetch metrics|nas-usage`, after a listing
    /// unless this run already has the list (`listed`). Inventory goes through `fetchInventory`.
    func monitoringStages(_ step: PlannedStep, customer: RosterEntry, logs: String, listed isListed: Bool) -> [ProcessPipeline.Stage] {
        var common = ["--platform", step.platform.rawValue, "--site", customer.site, "--customer", customer.customerID]
        if let region = settings.region { common += ["--region", region] }
        // A list the step makes itself covers every region; the instances carry theirs.
        let listed = settings.region == nil ? ["--region", "all"] : []
        let concurrency = ["--concurrency", String(settings.stepConcurrency)]
        switch step.kind {
        case .inventory:
            preconditionFailure("inventory steps are fetched in batches (fetchInventory)")
        case .metrics(let profile, let source):
            var metrics = ["metrics", "--profile", profile, "--trailer"] + common + concurrency
            if let interval = settings.interval { metrics += ["--interval", interval] }
            if let units = settings.units { metrics += ["--units", units] }
            // v2 asked AVG of every MySQL metric (its `if "a" or "b" in x` test); its reports
            // filter on the stored AVG, so its layout keeps it. The standard one asks MAX of disk.
            if profile == "mysql", settings.view?.name == "v2" { metrics += ["--aggregation", "AVG"] }
            let list = ProcessPipeline.Stage(tool("ncp-fetch"), [source] + common + listed + concurrency, stderr: "\(logs).list.log")
            return (isListed ? [] : [list]) + [.init(tool("ncp-fetch"), metrics, stderr: "\(logs).fetch.log")]
        case .nasUsage:
            let list = ProcessPipeline.Stage(tool("ncp-fetch"), ["nas-volume"] + common + listed + concurrency, stderr: "\(logs).list.log")
            var usage = ["nas-usage", "--trailer"] + common + concurrency
            // v2's nas_metric holds the last day only ("yesterday" at its run time).
            if settings.view?.name == "v2" { usage += ["--period", settings.period.lastDay] }
            return (isListed ? [] : [list]) + [.init(tool("ncp-fetch"), usage, stderr: "\(logs).fetch.log")]
        }
    }

    /// One metrics or NAS usage step: its stream into the run folder, then to its table's saver.
    func run(_ step: PlannedStep, customer: RosterEntry, folder: String, environment: [String: String], fetched: Set<String>) async {
        let logs = "\(folder)/\(step.name)"
        let data = "\(logs).ndjson"
        let fetchName = firstStepName(step)
        let started = Date()
        let source = sourceFile(step, folder: folder, fetched: fetched)
        let fetch = monitoringStages(step, customer: customer, logs: logs, listed: source != nil)
        let statuses: [Int32]
        do {
            statuses = try await ProcessPipeline(stages: fetch, stdin: source, stdout: data, environment: environment,
                                                deadline: settings.stepTimeout).run()
        } catch {
            record(outcome(customer, step, step: fetchName, status: "failed", exit: Int(ExitStatus.software.rawValue), error: "\(error)"))
            return
        }
        let seconds = Date().timeIntervalSince(started)
        let items = ReportRunner.countItems(data)
        if let failed = statuses.firstIndex(where: { $0 != 0 }) {
            let code = Int(statuses[failed])
            let message = ReportRunner.lastError(fetch[failed].stderrPath) ?? "exit \(code)"
            let (status, error) = classify(step, code: code, message: message)
            record(outcome(customer, step, step: fetchName, status: status, items: items, seconds: seconds, exit: code, error: error, started: started))
            record(outcome(customer, step, step: "json", status: "skipped", error: "nothing written: the \(fetchName) step did not complete"))
            record(outcome(customer, step, step: "load", status: "skipped", error: "nothing loaded: the \(fetchName) step did not complete"))
            return
        }
        record(outcome(customer, step, step: fetchName, status: "ok", items: items, seconds: seconds, exit: 0, started: started))
        for slice in pending(customer, step, data: data, folder: folder, fetched: fetched) { await enqueue(slice) }
    }

    /// One table: the files (ncp-json --batch --require-trailer), then the loads of the slices
    /// whose file was written (ncp-load --batch --require-trailer, one transaction each).
    func save(table: String, slices: [Pending]) async {
        let folder = "\(settings.runDirectory)/tables"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let base = "\(folder)/\(table)-\(batchSerial.withLock { value -> Int in value += 1; return value })"
        // Files. Under a view each entry also writes the rows the load takes (its "tee").
        let viewed = slices.first?.viewTable != nil
        func rows(_ index: Int) -> String { "\(base)-\(index + 1).rows.ndjson" }
        FileManager.default.createFile(atPath: "\(base).json-batch.ndjson", contents: Data(slices.enumerated().flatMap { index, slice -> [UInt8] in
            var entry = JSONObject([("input", .string(slice.data)), ("customer", .string(slice.customer.customerID)),
                                    ("name", .string(slice.viewTable?.name ?? slice.step.name))])
            if viewed {
                entry["customerType"] = .string(slice.customer.customerType)
                entry["platform"] = .string(slice.step.platform.rawValue)
                entry["lookups"] = .array(slice.lookups.map { .string($0) })
                entry["tee"] = .string(rows(index))
            }
            return JSONValue.object(entry).compactBytes + [0x0A]
        }))
        let viewArguments = viewed ? ["--layout", "v2", "--view", settings.view?.name ?? "v2"] : []
        let json = ProcessPipeline.Stage(tool("ncp-json"), [
            "--out", settings.outDirectory, "--require-trailer", "--batch", "\(base).json-batch.ndjson", "-q",
        ] + viewArguments, stderr: "\(base).json.log")
        let started = Date()
        let jsonReports = await runBatch(json, stdout: "\(base).json-report.ndjson", count: slices.count)
        let jsonSeconds = Date().timeIntervalSince(started) / Double(max(slices.count, 1))
        var written: [(slice: Pending, input: String)] = []
        for (index, (slice, report)) in zip(slices, jsonReports).enumerated() {
            if report.status == "ok" {
                record(outcome(slice.customer, slice.step, step: "json", region: slice.regions, status: "ok", items: report.count, seconds: jsonSeconds, exit: 0,
                               started: started))
                written.append((slice, viewed ? rows(index) : slice.data))
            } else {
                record(outcome(slice.customer, slice.step, step: "json", region: slice.regions, status: "failed", exit: report.exit, error: report.error,
                               started: started))
                record(outcome(slice.customer, slice.step, step: "load", region: slice.regions, status: "skipped", error: "nothing loaded: the json step failed"))
            }
        }
        guard !written.isEmpty else { return }
        // Loads.
        // A view's tables keep their customer in their own column (customer_id) and add the period,
        // so a re-run replaces its slice instead of adding to it.
        let customerColumn = slices.first?.viewTable?.customerColumn ?? "customer"
        FileManager.default.createFile(atPath: "\(base).load-batch.ndjson", contents: Data(written.flatMap { entry -> [UInt8] in
            JSONValue.object(JSONObject([
                ("input", .string(entry.input)), ("partition", .object(JSONObject([(customerColumn, .string(entry.slice.customer.customerID))]))),
            ])).compactBytes + [0x0A]
        }))
        let load = ProcessPipeline.Stage(tool("ncp-load"), [
            "--table", table, "--partition", "period=\(settings.period.label)", "--require-trailer", "--batch", "\(base).load-batch.ndjson", "-q",
        ] + settings.loadArguments, stderr: "\(base).load.log")
        let loadCount = written.count
        let loadEnvironment = settings.environment.merging(settings.databaseEnvironment) { $1 }
        let (loadStarted, loadReports) = await tableLocks.withLock(settings.singleWriter ? "database" : table) {
            (Date(), await self.runBatch(load, stdout: "\(base).load-report.ndjson", count: loadCount, environment: loadEnvironment))
        }
        Log.shared.debug("loaded", ["table": table, "slices": "\(loadCount)"])
        for ((slice, input), report) in zip(written, loadReports) {
            if report.status == "ok" {
                record(outcome(slice.customer, slice.step, step: "load", region: slice.regions, status: "ok", items: report.count, seconds: report.seconds, exit: 0,
                               started: loadStarted))
                loaded.withLock { $0.append(contentsOf: Set([slice.data, input])) }
            } else {
                record(outcome(slice.customer, slice.step, step: "load", region: slice.regions, status: "failed", seconds: report.seconds, exit: report.exit,
                               error: report.error, started: loadStarted))
            }
        }
    }

    struct EntryReport: Sendable {
        var status = "failed"
        var count: Int?
        var seconds: Double?
        var exit: Int?
        var error: String?
    }

    /// Runs a `--batch` tool and reads its one report line per entry; entries it never reported
    /// (it crashed, or could not start) are failures carrying its exit status and last error.
    func runBatch(_ stage: ProcessPipeline.Stage, stdout: String, count: Int, environment: [String: String]? = nil) async -> [EntryReport] {
        var status: Int32 = Int32(ExitStatus.software.rawValue)
        var startError: String?
        do {
            status = try await ProcessPipeline(stages: [stage], stdout: stdout, environment: environment ?? settings.environment,
                                               deadline: settings.stepTimeout).run().first ?? status
        } catch {
            startError = "\(error)"
        }
        var reports: [EntryReport] = []
        if let data = FileManager.default.contents(atPath: stdout) {
            for line in data.split(separator: 0x0A) {
                guard let value = try? JSONParser.parse([UInt8](line)) else { continue }
                reports.append(EntryReport(
                    status: value["status"]?.stringValue ?? "failed", count: value["items"]?.intValue ?? value["rows"]?.intValue,
                    seconds: value["seconds"]?.doubleValue, exit: value["exit"]?.intValue, error: value["error"]?.stringValue))
            }
        }
        let missing = EntryReport(status: "failed", exit: Int(status == 0 ? ExitStatus.software.rawValue : status),
                                  error: startError ?? ReportRunner.lastError(stage.stderrPath) ?? "the batch stopped early (exit \(status))")
        return Array(reports.prefix(count)) + Array(repeating: missing, count: max(0, count - reports.count))
    }

    /// A failed fetch's status: "denied" for a permission NCP withholds, unless the plan
    /// requires the item, then "failed" saying so.
    func classify(_ step: PlannedStep, code: Int, message: String) -> (status: String, error: String) {
        guard ReportRunner.isDenial(code: code, message: message) else { return ("failed", message) }
        guard settings.required.contains(where: { PlanResolver.matches($0, step.item) }) else { return ("denied", message) }
        return ("failed", "\(message) (the plan requires \(step.item): a report without it is not complete)")
    }

    /// A permission NCP withholds on purpose (returnCode 800/802: the key lacks that
    /// service), as opposed to exit 77 for a key the gateway refuses, which is a failure.
    public static func isDenial(code: Int, message: String) -> Bool {
        code == Int(ExitStatus.noPermission.rawValue) && (message.contains("returnCode 800") || message.contains("returnCode 802"))
    }

    /// Items in a stream file: its trailer's count when it completed (read from the file's end),
    /// else its lines counted as they stream by (a stream that stopped has no trailer).
    static func countItems(_ path: String) -> Int {
        if let handle = FileHandle(forReadingAtPath: path) {
            defer { try? handle.close() }
            let size = (try? handle.seekToEnd()) ?? 0
            try? handle.seek(toOffset: size > 256 ? size - 256 : 0)
            let tail = [UInt8](handle.readDataToEndOfFile())
            let last = tail.split(separator: 0x0A).last.map { Array($0) } ?? []
            if case .trailer(let items) = last.withUnsafeBufferPointer({ Trailer.classify($0) }) { return items }
        }
        guard let reader = try? NDJSONReader(path: path) else { return 0 }
        var items = 0
        while let line = try? reader.next() {
            if case .data = line.withUnsafeBufferPointer({ Trailer.classify($0) }) { items += 1 }
        }
        return items
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
