import ArgumentParser
import Foundation
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

    @Flag(help: "End a fully successful stream with the completeness trailer (DESIGN.md §4).")
    var trailer = false

    func run() async throws {
        await ToolMain.run(tool: "ncp-fetch", logging: logging) { try await execute() }
    }

    func execute() async throws {
        if list {
            for resource in ResourceCatalog.all { try OutputStream.stdout.writeLine(ResourceCatalog.listing(resource)) }
            try OutputStream.stdout.flush()
            return
        }
        guard let name = arguments.first else {
            throw Failure(.usage, "missing RESOURCE; `ncp-fetch --list` shows the catalog")
        }
        guard let resource = ResourceCatalog.named(name) else {
            throw Failure(.usage, "unknown resource '\(name)'; `ncp-fetch --list` shows the catalog")
        }
        var parameters = try KeyValueArguments.parse(Array(arguments.dropFirst()))
        let environment = EnvironmentFallback()
        let resolved = try target.resolve(environment)
        guard let spec = resource.spec(for: resolved.platform) else {
            let available = resource.platforms.map(\.rawValue).joined(separator: ", ")
            throw Failure(.usage, "\(name) does not exist on \(resolved.platform.rawValue) (only: \(available))", at: "--platform")
        }
        for key in spec.required where !parameters.contains(where: { $0.key == key }) {
            guard let value = Self.defaultValue(for: key) else {
                throw Failure(.usage, "\(name) needs \(key)=… (an NCP request parameter)")
            }
            parameters.append((key, value))
        }
        let workers = try environment.resolve(
            concurrency.map(String.init), flag: "--concurrency", env: ["NCP_CONCURRENCY"], default: 5,
            { Int($0).flatMap { (1...64).contains($0) ? $0 : nil } }, expected: "1 to 64")
        guard (1...1000).contains(pageSize) else { throw Failure(.usage, "--page-size must be 1 to 1000") }

        let client = try NCPClient(http: http.client(environment: environment), site: resolved.site, environment: environment)
        Log.shared.info("fetching", [
            "resource": name, "platform": resolved.platform.rawValue, "region": resolved.region ?? "all",
            "site": resolved.site.rawValue, "keys": client.credentials.source,
        ])
        let fetcher = InventoryFetcher(client: client)
        let options = InventoryFetcher.Options(
            platform: resolved.platform, site: resolved.site, region: resolved.region, customer: resolved.customer,
            parameters: parameters, pageSize: pageSize, concurrency: workers.value,
            fetchedAt: Timestamps.iso8601(Date(), in: TimeZone(identifier: "Asia/Seoul")!))
        let out = OutputStream.stdout
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
    }

    /// Billing months default to last month in Asia/Seoul (`yyyyMM`).
    static func defaultValue(for key: String) -> String? {
        guard key == "startMonth" || key == "endMonth", let month = try? PeriodResolver().resolve("last-month") else { return nil }
        return month.label.replacingOccurrences(of: "-", with: "")
    }
}
