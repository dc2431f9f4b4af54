import Foundation
import ReportKit

extension ReportRunner {
    /// Complete streams waiting for their table's next batch, and the tables being saved now.
    actor SaveQueue {
        private var pending: [String: [StreamSlice]] = [:]
        private var busy: Set<String> = []

        /// Queues a slice; true when the caller must start the table's saver.
        func add(_ slice: StreamSlice) -> Bool {
            pending[slice.table, default: []].append(slice)
            return busy.insert(slice.table).inserted
        }

        /// The table's queued slices; empty means the saver stops (and the table is idle).
        func take(_ table: String) -> [StreamSlice] {
            let slices = pending.removeValue(forKey: table) ?? []
            if slices.isEmpty { busy.remove(table) }
            return slices
        }
    }
}

/// Saving: as complete streams arrive, each table's saver writes their files and loads them.
extension ReportRunner {
    func enqueue(_ slice: StreamSlice) async {
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

    /// One table: the files (ncp-json --batch --require-trailer), then the loads of the slices
    /// whose file was written (ncp-load --batch --require-trailer, one transaction each).
    func save(table: String, slices: [StreamSlice]) async {
        let folder = "\(settings.runDirectory)/tables"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let base = "\(folder)/\(table)-\(batchSerial.withLock { value -> Int in value += 1; return value })"
        // Files. Under a view each entry also writes the rows the load takes (its "tee").
        let viewed = slices.first?.viewTable != nil
        func rows(_ index: Int) -> String { "\(base)-\(index + 1).rows.ndjson" }
        let jsonEntries = slices.enumerated().map { index, slice in
            var entry = JSONBatch.Entry(input: slice.streamPath, customer: slice.customer.customerID, name: slice.viewTable?.name ?? slice.step.name)
            if viewed {
                entry.customerType = slice.customer.customerType
                entry.platform = slice.step.platform.rawValue
                entry.lookups = slice.lookupPaths
                entry.tee = rows(index)
            }
            return entry
        }
        let viewArguments = viewed ? ["--layout", "v2", "--view", settings.view?.name ?? "v2"] : []
        let json = ProcessPipeline.Stage(tool("ncp-json"), [
            "--out", settings.outDirectory, "--require-trailer", "--batch", "\(base).json-batch.ndjson", "-q",
        ] + viewArguments, stderr: "\(base).json.log")
        let started = Date()
        let jsonReports = await runChildBatch(JSONBatch.self, jsonEntries, stage: json, entriesPath: "\(base).json-batch.ndjson",
                                              reportPath: "\(base).json-report.ndjson")
        let jsonSeconds = Date().timeIntervalSince(started) / Double(max(slices.count, 1))
        var written: [(slice: StreamSlice, input: String)] = []
        for (index, (slice, report)) in zip(slices, jsonReports).enumerated() {
            if let failure = report.outcome.failure {
                record(outcome(slice.customer, slice.step, step: "json", region: slice.regions, status: "failed", exit: failure.exit, error: failure.error,
                               started: started))
                record(outcome(slice.customer, slice.step, step: "load", region: slice.regions, status: "skipped", error: "nothing loaded: the json step failed"))
            } else {
                record(outcome(slice.customer, slice.step, step: "json", region: slice.regions, status: "ok", items: report.count, seconds: jsonSeconds, exit: 0,
                               started: started))
                written.append((slice, viewed ? rows(index) : slice.streamPath))
            }
        }
        guard !written.isEmpty else { return }
        // Loads.
        // A view's tables keep their customer in their own column (customer_id) and add the period,
        // so a re-run replaces its slice instead of adding to it.
        let customerColumn = slices.first?.viewTable?.customerColumn ?? "customer"
        let loadEntries = written.map { LoadBatch.Entry(input: $0.input, partition: [customerColumn: ScalarText($0.slice.customer.customerID)]) }
        let load = ProcessPipeline.Stage(tool("ncp-load"), [
            "--table", table, "--partition", "period=\(settings.period.label)", "--require-trailer", "--batch", "\(base).load-batch.ndjson", "-q",
        ] + settings.loadArguments, stderr: "\(base).load.log")
        let loadCount = written.count
        let loadEnvironment = settings.environment.merging(settings.databaseEnvironment) { $1 }
        let (loadStarted, loadReports) = await tableLocks.withLock(settings.singleWriter ? "database" : table) {
            (Date(), await self.runChildBatch(LoadBatch.self, loadEntries, stage: load, entriesPath: "\(base).load-batch.ndjson",
                                              reportPath: "\(base).load-report.ndjson", environment: loadEnvironment))
        }
        Log.shared.debug("loaded", ["table": table, "slices": "\(loadCount)"])
        for ((slice, input), report) in zip(written, loadReports) {
            if let failure = report.outcome.failure {
                record(outcome(slice.customer, slice.step, step: "load", region: slice.regions, status: "failed", seconds: report.outcome.seconds,
                               exit: failure.exit, error: failure.error, started: loadStarted))
            } else {
                record(outcome(slice.customer, slice.step, step: "load", region: slice.regions, status: "ok", items: report.count,
                               seconds: report.outcome.seconds, exit: 0, started: loadStarted))
                loaded.withLock { $0.append(contentsOf: Set([slice.streamPath, input])) }
            }
        }
    }
}
