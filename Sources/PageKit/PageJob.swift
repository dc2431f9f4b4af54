import Foundation
import ReportKit

/// ncp-render's work: for a period, every customer's page (`PAGES/PERIOD/CUSTOMER/report.html`)
/// and the MSP's overview (`PAGES/PERIOD/index.html`), each written whole or not at all, one
/// customer at a time so memory stays flat.
public struct PageJob: Sendable {
    /// The folder the dated files are under (`DATA/PERIOD/CUSTOMER/*.json`).
    public var dataDirectory: String
    /// Where the pages go (default: the data folder).
    public var pagesDirectory: String
    public var period: String
    /// The period compared with; nil: the latest earlier period folder with the same shape of
    /// label, if any.
    public var previousPeriod: String?
    /// Outcome records files to read besides every run's under `DATA/runs/`.
    public var outcomeFiles: [String] = []
    /// Only these customers (default: every customer with files or records).
    public var customers: [String] = []
    public var settings: PageSettings
    /// Customers worked on at once (default: the machine's cores, at most 4).
    public var jobs = min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))

    public init(dataDirectory: String, pagesDirectory: String? = nil, period: String, settings: PageSettings) {
        self.dataDirectory = dataDirectory
        self.pagesDirectory = pagesDirectory ?? dataDirectory
        self.period = period
        self.settings = settings
    }

    public struct Result: Sendable {
        public var pages: [String] = []
        public var overview: String = ""
        public var previousPeriod: String?
        public var outcomeFiles: [String] = []
    }

    public func run() throws -> Result {
        var result = Result()
        let periodFolder = "\(dataDirectory)/\(period)"
        let sources = try PageJob.outcomeSources(given: outcomeFiles, data: dataDirectory, period: period)
        result.outcomeFiles = sources.map(\.path)
        // Each customer's records are those of the newest run that collected it.
        var newest: [String: OutcomeSource] = [:]
        for source in sources {
            for customer in Set(source.records.map(\.customer)) where (newest[customer]?.modified ?? .distantPast) <= source.modified {
                newest[customer] = source
            }
        }
        let newestRun = newest
        var names = Set(PageJob.folders(periodFolder))
        names.formUnion(newest.keys)
        if !customers.isEmpty { names.formIntersection(customers) }
        guard !names.isEmpty else {
            throw Failure(.noInput, "no customer folders and no outcome records for \(period)", at: periodFolder)
        }
        result.previousPeriod = previousPeriod ?? PageJob.previousPeriod(before: period, in: dataDirectory)
        let analysis = CustomerAnalysis(thresholds: settings.thresholds)
        let customers = names.sorted().filter { customer in
            guard RosterEntry.isValidID(customer) else {
                Log.shared.warning("an outcome record's customer is not a customer id; no page for it", ["customer": customer])
                return false
            }
            return true
        }
        let previous = result.previousPeriod
        // Customers in parallel, `jobs` at a time (memory: that many customers' files at once);
        // each page is written as soon as it is made.
        let done = Locked<[Int: Swift.Result<(path: String, row: OverviewRow), any Error>]>([:])
        let next = Locked(0)
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, customers.count))) { _ in
            while true {
                let index = next.withLock { value -> Int in defer { value += 1 }; return value }
                guard index < customers.count else { return }
                let customer = customers[index]
                let outcome = Swift.Result { () throws -> (path: String, row: OverviewRow) in
                    let folder = "\(periodFolder)/\(customer)"
                    let previousFolder = previous.map { "\(dataDirectory)/\($0)/\(customer)" }
                    let source = newestRun[customer]
                    let report = try analysis.analyze(
                        customer: customer, period: period, folder: FileManager.default.fileExists(atPath: folder) ? folder : nil,
                        previous: previousFolder.flatMap { folder in FileManager.default.fileExists(atPath: folder) ? (previous ?? "", folder) : nil },
                        outcomes: source?.records ?? [], runFinished: source?.finished ?? false)
                    let path = "\(pagesDirectory)/\(period)/\(customer)/report.html"
                    try PageJob.write(PageRenderer.customerPage(report, settings: settings), to: path)
                    return (path, OverviewRow(report))
                }
                done.withLock { $0[index] = outcome }
            }
        }
        var rows: [OverviewRow] = []
        for index in customers.indices {
            // The first failure in customer order, so a re-run reports the same one.
            guard let outcome = done.withLock({ $0[index] }) else { continue }
            let (path, row) = try outcome.get()
            result.pages.append(path)
            rows.append(row)
        }
        result.overview = "\(pagesDirectory)/\(period)/index.html"
        try PageJob.write(PageRenderer.overview(rows, period: period, settings: settings), to: result.overview)
        return result
    }

    /// The customer folders of a period (every folder but the run folders).
    static func folders(_ path: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { name in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: "\(path)/\(name)", isDirectory: &isFolder) && isFolder.boolValue && RosterEntry.isValidID(name)
        }
    }

    /// The latest period folder before `period` whose label has the same shape (`2026-09` for
    /// `2026-10`; a weekly label for a weekly one).
    static func previousPeriod(before period: String, in data: String) -> String? {
        let shape = { (label: String) in String(label.map { $0.isNumber ? "9" : $0 }) }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: data)) ?? []
        return names.filter { shape($0) == shape(period) && $0 < period }.max()
    }

    /// One file of outcome records: its records of the period, when it was last written, and
    /// whether its run finished (`run.json` beside it, which ncp-report writes at the end).
    struct OutcomeSource: Sendable {
        var path: String
        var records: [OutcomeRecord]
        var modified: Date
        var finished: Bool
    }

    /// The files given, and every run's under `DATA/runs/` (the run folders' names are not
    /// trusted for the period: their records are); with neither, a copy beside the period's
    /// files (`DATA/PERIOD/outcomes.ndjson`).
    static func outcomeSources(given: [String], data: String, period: String) throws -> [OutcomeSource] {
        var paths = given
        let runs = ((try? FileManager.default.contentsOfDirectory(atPath: "\(data)/runs")) ?? []).sorted()
        paths += runs.map { "\(data)/runs/\($0)/outcomes.ndjson" }.filter { FileManager.default.fileExists(atPath: $0) }
        if paths.isEmpty, FileManager.default.fileExists(atPath: "\(data)/\(period)/outcomes.ndjson") { paths = ["\(data)/\(period)/outcomes.ndjson"] }
        var seen = Set<String>()
        return try paths.filter { seen.insert(URL(fileURLWithPath: $0).standardizedFileURL.path).inserted }.compactMap { path in
            let records = try readOutcomes(path).filter { $0.period.isEmpty || $0.period == period }
            guard !records.isEmpty else { return nil }
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let folder = (path as NSString).deletingLastPathComponent
            return OutcomeSource(path: path, records: records, modified: attributes?[.modificationDate] as? Date ?? .distantPast,
                                 finished: FileManager.default.fileExists(atPath: "\(folder)/run.json"))
        }
    }

    static func readOutcomes(_ path: String) throws -> [OutcomeRecord] {
        try OutcomeRecord.readAll(from: NDJSONReader(path: path, what: "the outcome records"))
    }

    static func write(_ page: String, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw Failure(.cantCreate, "cannot create the folder: \(error.localizedDescription)", at: folder)
        }
        try AtomicFile.write(Array(page.utf8), to: path)
    }
}
