import Foundation
import ReportKit

/// Metrics and NAS usage: one `ncp-fetch` pipeline per step (a listing unless this run has
/// the list, then the series), each stage's failure read from its record.
extension ReportRunner {
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
    func runMonitoringStep(_ step: PlannedStep, customer: RosterEntry, folder: String, environment: [String: String], fetched: Set<String>) async {
        let logs = "\(folder)/\(step.name)"
        let streamPath = "\(logs).ndjson"
        let fetchName = firstStepName(step)
        let started = Date()
        let source = sourceFile(step, folder: folder, fetched: fetched)
        let fetch = monitoringStages(step, customer: customer, logs: logs, listed: source != nil)
        let statuses: [Int32]
        do {
            statuses = try await ProcessPipeline(stages: fetch, stdin: source, stdout: streamPath, environment: environment,
                                                deadline: settings.stepTimeout).run()
        } catch {
            record(outcome(customer, step, step: fetchName, status: "failed", exit: Int(ExitStatus.software.rawValue), error: "\(error)"))
            return
        }
        let seconds = Date().timeIntervalSince(started)
        let items = ReportRunner.countItems(streamPath)
        if let failed = statuses.firstIndex(where: { $0 != 0 }) {
            let failure = fetch[failed].failure(status: statuses[failed])
            let (status, error) = classify(step, failure)
            record(outcome(customer, step, step: fetchName, status: status, items: items, seconds: seconds, exit: failure.exit, error: error,
                           started: started))
            record(outcome(customer, step, step: "json", status: "skipped", error: "nothing written: the \(fetchName) step did not complete"))
            record(outcome(customer, step, step: "load", status: "skipped", error: "nothing loaded: the \(fetchName) step did not complete"))
            return
        }
        record(outcome(customer, step, step: fetchName, status: "ok", items: items, seconds: seconds, exit: 0, started: started))
        for slice in slices(customer, step, streamPath: streamPath, folder: folder, fetched: fetched) { await enqueue(slice) }
    }
}
