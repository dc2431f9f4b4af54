import Foundation
import NCPKit
import ReportKit

/// Inventory: a customer's lists in `ncp-fetch --batch` children, region by region.
extension ReportRunner {
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
        let entries = parts.map { FetchBatch.Entry(resource: $0.step.resource, platform: $0.step.platform.rawValue, region: $0.region, output: $0.file) }
        let arguments = ["--batch", "\(folder)/\(batch)-batch.ndjson", "--trailer", "--site", customer.site, "--customer", customer.customerID,
                         "--concurrency", String(settings.stepConcurrency), "--jobs", String(max(1, jobs))]
        let stage = ProcessPipeline.Stage(tool("ncp-fetch"), arguments, stderr: "\(folder)/\(batch).fetch.log")
        let batchStarted = Date()
        let reports = await runChildBatch(FetchBatch.self, entries, stage: stage, entriesPath: "\(folder)/\(batch)-batch.ndjson",
                                          reportPath: "\(folder)/\(batch)-report.ndjson", environment: environment)
        var complete = Set<String>()
        var done: [(PlannedStep, String?)] = []
        for step in steps {
            let results = zip(parts, reports).filter { $0.0.step == step }
            let regionLabel = { (region: String?) in region ?? self.settings.region ?? (Site(rawValue: customer.site) ?? .public).defaultRegion }
            let streamPath = "\(folder)/\(step.name).ndjson"
            let good = results.filter { $0.1.outcome.status == .ok }
            if results.count > 1 || results.first?.0.region != settings.region {
                ReportRunner.join(good.map(\.0.file), into: streamPath)
            }
            if lookupOnly.contains(step.name) {
                loaded.withLock { $0.append(streamPath) }  // read by the savers; removed with the loaded streams
                for (part, report) in results {
                    guard let failure = report.outcome.failure else { continue }
                    Log.shared.warning("a list for lookups did not complete; those columns fall back to codes",
                                       ["customer": customer.customerID, "list": step.name, "region": regionLabel(part.region),
                                        "error": failure.error])
                }
                if !good.isEmpty { complete.insert(step.name) }
                continue
            }
            for (part, report) in results {
                if let failure = report.outcome.failure {
                    let (status, error) = classify(step, failure)
                    record(outcome(customer, step, step: "fetch", region: regionLabel(part.region), status: status,
                                   items: ReportRunner.countItems(part.file), seconds: report.outcome.seconds, exit: failure.exit, error: error,
                                   started: batchStarted))
                } else {
                    record(outcome(customer, step, step: "fetch", region: regionLabel(part.region), status: "ok", items: report.count,
                                   seconds: report.outcome.seconds, exit: 0, started: batchStarted))
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
            for var slice in slices(customer, step, streamPath: "\(folder)/\(step.name).ndjson", folder: folder, fetched: complete.union(earlier)) {
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
        let entries = platforms.map { FetchBatch.Entry(resource: "region", platform: $0.rawValue, output: "\(folder)/regions-\($0.rawValue).ndjson") }
        let stage = ProcessPipeline.Stage(tool("ncp-fetch"), ["--batch", "\(folder)/regions-batch.ndjson", "--trailer", "--site", customer.site,
                                                             "--customer", customer.customerID], stderr: "\(folder)/regions.fetch.log")
        let reports = await runChildBatch(FetchBatch.self, entries, stage: stage, entriesPath: "\(folder)/regions-batch.ndjson",
                                          reportPath: "\(folder)/regions-report.ndjson", environment: environment)
        var result: [Platform: [String]] = [:]
        let fallback = (Site(rawValue: customer.site) ?? .public).defaultRegion
        for (platform, report) in zip(platforms, reports) {
            var codes: [String] = []
            if report.outcome.status == .ok, let reader = try? NDJSONReader(path: "\(folder)/regions-\(platform.rawValue).ndjson") {
                while let item = try? reader.nextValue() {
                    if let code = item["regionCode"]?.stringValue, !codes.contains(code) { codes.append(code) }
                }
            }
            if codes.isEmpty {
                Log.shared.warning("the region list did not come; fetching the site's first region only",
                                   ["customer": customer.customerID, "platform": platform.rawValue, "region": fallback,
                                    "error": report.outcome.failure?.error ?? "no regions"])
                codes = [fallback]
            }
            result[platform] = codes
        }
        return result
    }
}
