import Foundation
import ReportKit

/// `ncp-fetch RESOURCE` and `ncp-fetch --batch`: a catalog resource listed page by page into
/// a stream, the completeness trailer last when asked and all went well.
public struct InventoryJob: Sendable {
    public let fetcher: InventoryFetcher
    /// Items per page request.
    public var pageSize = 100
    /// Page requests in flight at once.
    public var workers = 5
    /// End a fully successful stream with the trailer.
    public var trailer = false

    public init(fetcher: InventoryFetcher) { self.fetcher = fetcher }

    /// One resource into one stream, the trailer last when asked and all went well.
    public func fetch(_ name: String, parameters given: [(key: String, value: String)], platform: Platform, resolved: NCPTargetOptions.Resolved,
                      to out: ReportKit.OutputStream) async throws -> Int {
        guard let resource = ResourceCatalog.named(name) else {
            throw Failure(.usage, "unknown resource '\(name)'; `ncp-fetch --list` shows the catalog")
        }
        var parameters = given
        guard let spec = resource.spec(for: platform) else {
            let available = resource.platforms.map(\.rawValue).joined(separator: ", ")
            throw Failure(.usage, "\(name) does not exist on \(platform.rawValue) (only: \(available))", at: "--platform")
        }
        for key in spec.required where !parameters.contains(where: { $0.key == key }) {
            guard let value = Self.defaultValue(for: key) else {
                throw Failure(.usage, "\(name) needs \(key)=… (an NCP request parameter)")
            }
            parameters.append((key, value))
        }
        Log.shared.info("fetching", [
            "resource": name, "platform": platform.rawValue, "region": resolved.region ?? "all",
            "site": resolved.site.rawValue, "keys": fetcher.client.credentials.source,
        ])
        let options = InventoryFetcher.Options(
            platform: platform, site: resolved.site, region: resolved.region, customer: resolved.customer,
            parameters: parameters, pageSize: pageSize, concurrency: workers,
            fetchedAt: Timestamps.iso8601(Date(), in: TimeZone(identifier: "Asia/Seoul")!))
        let outcome = try await fetcher.fetch(resource, options: options) { line in try out.writeLine(line) }
        if let first = outcome.failures.first {
            try out.flush()
            Log.shared.error("\(outcome.failures.count) region(s) failed; no trailer written", [
                "regions": outcome.failures.map(\.region).joined(separator: ","), "items": "\(outcome.items)",
            ])
            throw first.error
        }
        if trailer {
            try out.writeLine(Trailer.line(items: outcome.items))
        }
        try out.flush()
        return outcome.items
    }

    /// `--batch`: each entry's stream into its own file (trailer and all, exactly as a single run
    /// prints it), several at once, sharing the keys, the connection pool and the region list. A
    /// failing entry is reported and the others go on; the exit status is the first failure's.
    public func fetchBatch(_ path: String, resolved: NCPTargetOptions.Resolved, jobs: Int) async throws {
        let batch = try BatchFile<FetchBatch>(path: path)
        try await Concurrently.forEach(Array(batch.entries.enumerated()), limit: jobs, { index, entry -> BatchFile<FetchBatch>.Report in
            let started = Date()
            var detail = (try? entry.get()).map(FetchBatch.Detail.init) ?? FetchBatch.Detail()
            do {
                let entry = try entry.get()
                guard !entry.output.isEmpty else { throw Failure(.dataError, "entry \(index + 1) has no output", at: path) }
                guard let platform = Platform(rawValue: (entry.platform ?? resolved.platform.rawValue).lowercased()) else {
                    throw Failure(.usage, "entry \(index + 1): platform must be vpc or classic", at: path)
                }
                let parameters = (entry.parameters ?? [:]).map { (key: $0.key, value: $0.value.text) }.sorted { $0.key < $1.key }
                let file = open(entry.output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
                guard file >= 0 else { throw Failure(.cantCreate, "cannot open the output: \(String(cString: strerror(errno)))", at: entry.output) }
                defer { close(file) }
                let target = try entry.region.map { code throws -> NCPTargetOptions.Resolved in
                    guard !code.isEmpty, code.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
                        throw Failure(.usage, "entry \(index + 1): region must be a region code or all", at: path)
                    }
                    return resolved.inRegion(code)
                } ?? resolved
                detail.items = try await self.fetch(entry.resource, parameters: parameters, platform: platform, resolved: target,
                                                    to: ReportKit.OutputStream(fd: file))
                return .init(detail, .ok(seconds: EntryOutcome.seconds(since: started)))
            } catch {
                return .init(detail, .failed(FailureRecord(error), seconds: EntryOutcome.seconds(since: started)))
            }
        }) { _, report in try batch.emit(report) }
        try batch.finish()
    }

    /// Billing months default to last month in Asia/Seoul (`yyyyMM`).
    public static func defaultValue(for key: String) -> String? {
        guard key == "startMonth" || key == "endMonth", let month = try? PeriodResolver().resolve("last-month") else { return nil }
        return month.label.replacingOccurrences(of: "-", with: "")
    }
}
