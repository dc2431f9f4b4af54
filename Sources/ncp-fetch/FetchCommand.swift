import ArgumentParser
import Foundation
import NCPKit
import ReportHTTP
import ReportKit

struct FetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "List one catalog resource (the default command: `ncp-fetch server` = `ncp-fetch fetch server`).",
        discussion: """
            RESOURCE is a catalog name (`ncp-fetch --list` prints them all). Extra NCP request parameters go after it as key=value (`vpcNo=12345`, `serverInstanceNoList.1=…`).

            Paging follows totalRows; the remaining pages go out concurrently once the total is known. A count that does not add up is an error (exit 65), never a short list. With --trailer a successful stream ends with {"_trailer":{"items":N,"complete":true}}; a failed one has no trailer, so `ncp-json --require-trailer` refuses it.

            Examples:
              ncp-fetch server --region all --customer alpha --trailer
              ncp-fetch nas-volume --platform classic
              ncp-fetch server-product serverImageProductCode=SPSW0LINUX000139
              ncp-fetch --batch entries.ndjson --trailer --customer alpha --jobs 4
                  (entries: {"resource": "server", "platform": "vpc", "output": "vpc-server.ndjson"} per line)

            --batch fetches many resources with the same keys in one run (ncp-report does this per customer, so a process start is paid once, not per resource): each entry's stream goes to its own file exactly as a single run would print it, trailer included on success; one report line per entry on stdout ({"resource","platform","output","status","items"}, or for a failure "exit", "error", "kind" (denied, refused, throttled …), "returnCode", "httpStatus": docs/contract.md); a failing entry is reported and the others go on; the exit status is the first failure's.
            """
    )

    @Argument(help: ArgumentHelp("Catalog resource, then key=value request parameters.", valueName: "resource"))
    var arguments: [String] = []

    @Flag(name: .long, help: "Print the resource catalog as NDJSON and exit.")
    var list = false

    @OptionGroup var target: NCPTargetOptions
    @OptionGroup var http: HTTPOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: ArgumentHelp("Items per page request (default 100).", valueName: "n"))
    var pageSize: Int = 100

    @Option(help: ArgumentHelp("Page requests in flight at once ($NCP_CONCURRENCY, default 5).", valueName: "n"))
    var concurrency: Int?

    @Flag(help: "End a fully successful stream with the completeness trailer (docs/contract.md).")
    var trailer = false

    func run() async throws {
        await ToolMain.run(tool: "ncp-fetch", logging: logging) { try await execute() }
    }

    @Option(help: ArgumentHelp("Fetch many resources for these keys in one run: NDJSON entries {\"resource\": R, \"platform\": P, \"output\": FILE} (optionally \"region\": CODE or all, \"parameters\": {…}); one report line per entry on stdout.", valueName: "file"))
    var batch: String?

    @Option(help: ArgumentHelp("With --batch: entries fetched at once (default 4).", valueName: "n"))
    var jobs: Int = 4

    func execute() async throws {
        if list {
            for resource in ResourceCatalog.all { try OutputStream.stdout.writeLine(ResourceCatalog.listing(resource)) }
            try OutputStream.stdout.flush()
            return
        }
        let environment = EnvironmentFallback()
        let resolved = try target.resolve(environment)
        let workers = try environment.resolve(
            concurrency.map(String.init), flag: "--concurrency", env: ["NCP_CONCURRENCY"], default: 5,
            { Int($0).flatMap { (1...64).contains($0) ? $0 : nil } }, expected: "1 to 64")
        guard (1...1000).contains(pageSize) else { throw Failure(.usage, "--page-size must be 1 to 1000") }
        let client = try NCPClient(http: http.client(environment: environment), site: resolved.site, environment: environment)
        let fetcher = InventoryFetcher(client: client)
        if let batch {
            guard arguments.isEmpty, (1...64).contains(jobs) else {
                throw Failure(.usage, "--batch takes its resources from its entries (no RESOURCE arguments); --jobs must be 1 to 64")
            }
            return try await runBatch(batch, fetcher: fetcher, resolved: resolved, workers: workers.value)
        }
        guard let name = arguments.first else {
            throw Failure(.usage, "missing RESOURCE; `ncp-fetch --list` shows the catalog")
        }
        let out = OutputStream.stdout
        _ = try await fetchOne(name, parameters: try KeyValueArguments.parse(Array(arguments.dropFirst())), platform: resolved.platform,
                               resolved: resolved, fetcher: fetcher, workers: workers.value, to: out)
    }

    /// One resource into one stream, the trailer last when asked and all went well.
    func fetchOne(_ name: String, parameters given: [(key: String, value: String)], platform: Platform, resolved: NCPTargetOptions.Resolved,
                  fetcher: InventoryFetcher, workers: Int, to out: ReportKit.OutputStream) async throws -> Int {
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
    func runBatch(_ path: String, fetcher: InventoryFetcher, resolved: NCPTargetOptions.Resolved, workers: Int) async throws {
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
                detail.items = try await self.fetchOne(entry.resource, parameters: parameters, platform: platform, resolved: target, fetcher: fetcher,
                                                       workers: workers, to: ReportKit.OutputStream(fd: file))
                return .init(detail, .ok(seconds: EntryOutcome.seconds(since: started)))
            } catch {
                return .init(detail, .failed(FailureRecord(error), seconds: EntryOutcome.seconds(since: started)))
            }
        }) { _, report in try batch.emit(report) }
        try batch.finish()
    }

    /// Billing months default to last month in Asia/Seoul (`yyyyMM`).
    static func defaultValue(for key: String) -> String? {
        guard key == "startMonth" || key == "endMonth", let month = try? PeriodResolver().resolve("last-month") else { return nil }
        return month.label.replacingOccurrences(of: "-", with: "")
    }
}
