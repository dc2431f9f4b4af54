import Foundation
import NCPKit
import ReportKit

/// Runs a plan for every customer: for each customer × step, fetch → json → load through the
/// built tools, customers in parallel (`jobs`) and steps within a customer in parallel
/// (`perCustomer`). Every step writes an outcome record (docs/contract.md: Outcome records); one customer's failure
/// never stops another's. Fetches always carry `--trailer` and ncp-json/ncp-load always
/// `--require-trailer`, so a failed fetch can never replace a good partition.
///
/// The parts: this file (settings, the customer's schedule), `+Inventory` (inventory batches
/// and regions), `+Monitoring` (metrics and NAS usage pipelines), `+Saving` (the save queue:
/// files and loads per table), `ChildBatch` (running a `--batch` child and reading its
/// reports), `StepOutcomes` (records and their classification).
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
    struct StreamSlice: Sendable {
        let customer: RosterEntry
        let step: PlannedStep
        /// The fetched stream (NDJSON with its trailer) in the run folder.
        let streamPath: String
        /// The table it lands in: the step's, or its view table's (`pri_VPC_server_list`).
        let table: String
        let viewTable: ViewTable?
        /// Files of the lists the view looks names up in (this customer's, fetched by this run).
        let lookupPaths: [String]
        /// The regions its items came from (outcome records).
        var regions: String? = nil
    }

    let queue = SaveQueue()
    let batchSerial = Locked(0)
    /// Streams that reached the database: removed at the end (a metrics step may still read
    /// a server list while it is being loaded); failed ones stay in the run folder.
    let loaded = Locked<[String]>([])
    let savers = Locked<[Task<Void, Never>]>([])

    /// Customers and their steps fetch in parallel; as streams complete, each table's saver
    /// gathers them (a short pause lets a batch build up) and runs one `ncp-json --batch` and
    /// one `ncp-load --batch` over them, so a step costs one process instead of three while
    /// files and loads keep pace with the fetches. Each slice is still checked and committed
    /// on its own.
    public func run(_ work: [(RosterEntry, [PlannedStep])]) async {
        // Nothing here throws: every failure becomes an outcome record.
        try? await Concurrently.forEach(work, limit: settings.jobs, { await self.collect(customer: $0.0, steps: $0.1) }) { _, _ in }
        Log.shared.info("fetches done; finishing files and loads")
        for saver in savers.withLock({ $0 }) { await saver.value }
        for path in loaded.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
    }

    /// One customer's steps: the lists others read first, then the rest of the inventory and
    /// the monitoring steps, within the customer's width.
    func collect(customer: RosterEntry, steps: [PlannedStep]) async {
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
            await self.runMonitoringStep($0, customer: customer, folder: folder, environment: childEnvironment, fetched: fetched)
        }) { _, _ in }
        _ = await restDone
    }

    /// A complete stream with its table (the view's, under a view: one per table the view
    /// makes of it, as Classic Cloud DB's kinds) and lookup lists.
    func slices(_ customer: RosterEntry, _ step: PlannedStep, streamPath: String, folder: String, fetched: Set<String>) -> [StreamSlice] {
        guard let view = settings.view, case let tables = view.tables(resource: step.resource, platform: step.platform), !tables.isEmpty else {
            return [StreamSlice(customer: customer, step: step, streamPath: streamPath, table: step.table, viewTable: nil, lookupPaths: [])]
        }
        return tables.map { table in
            let lookups = table.lookups(step.platform).compactMap { view.lookups[$0] }.map { "\(step.platform.rawValue)-\($0.resource)" }
            let files = Set(lookups).intersection(fetched).sorted().map { "\(folder)/\($0).ndjson" }
            return StreamSlice(customer: customer, step: step, streamPath: streamPath, table: table.tableName(customerType: customer.customerType, platform: step.platform),
                           viewTable: table, lookupPaths: files)
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

    func tool(_ name: String) -> String { "\(settings.binDirectory)/\(name)" }
}
