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
        var job = InventoryJob(fetcher: InventoryFetcher(client: client))
        job.pageSize = pageSize
        job.workers = workers.value
        job.trailer = trailer
        if let batch {
            guard arguments.isEmpty, (1...64).contains(jobs) else {
                throw Failure(.usage, "--batch takes its resources from its entries (no RESOURCE arguments); --jobs must be 1 to 64")
            }
            return try await job.fetchBatch(batch, resolved: resolved, jobs: jobs)
        }
        guard let name = arguments.first else {
            throw Failure(.usage, "missing RESOURCE; `ncp-fetch --list` shows the catalog")
        }
        _ = try await job.fetch(name, parameters: try KeyValueArguments.parse(Array(arguments.dropFirst())), platform: resolved.platform,
                                resolved: resolved, to: OutputStream.stdout)
    }
}
