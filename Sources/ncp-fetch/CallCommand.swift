import ArgumentParser
import Foundation
import NCPKit
import ReportHTTP
import ReportKit

struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Make any signed NCP call and print the response JSON as it came.",
        discussion: """
            PATH includes the service prefix, which picks the host: /vserver/v2/…, /cw_fea/…, /billing/v1/…, /vnks/v2/…, /api/v1/resources. Parameters go in the query in the order given (responseFormatType=json is added for action APIs). --body sends a JSON body (Cloud Insight, Resource Manager); the body is not part of the signature.

            Examples:
              ncp-fetch call GET /vserver/v2/getZoneList regionCode=KR
              ncp-fetch call POST /cw_fea/real/cw/api/data/query --body query.json
              echo '{}' | ncp-fetch call POST /api/v1/resources --body -
            """
    )

    @Argument(help: "HTTP method (GET, POST, …).")
    var method: String

    @Argument(help: "Path with its service prefix.")
    var path: String

    @Argument(help: ArgumentHelp("Query parameters.", valueName: "key=value"))
    var parameters: [String] = []

    @Option(help: ArgumentHelp("JSON request body from a file, or - for stdin.", valueName: "file"))
    var body: String?

    @OptionGroup var target: NCPTargetOptions
    @OptionGroup var http: HTTPOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        await ToolMain.run(tool: "ncp-fetch", logging: logging) { try await execute() }
    }

    func execute() async throws {
        guard path.hasPrefix("/") else { throw Failure(.usage, "PATH must start with / and include the service prefix", at: path) }
        if body != nil, ["GET", "HEAD"].contains(method.uppercased()) {
            throw Failure(.usage, "--body needs a method that carries one (POST, PUT, …), not \(method.uppercased())")
        }
        let query = try KeyValueArguments.parse(parameters)
        let payload = try body.map { try KeyValueArguments.readBody($0) }
        let environment = EnvironmentFallback()
        let resolved = try target.resolve(environment)
        let client = try NCPClient(http: http.client(environment: environment), site: resolved.site, environment: environment)
        let response = try await client.send(method: method, path: path, query: query, body: payload)
        _ = try NCPClient.decode(response, target: "\(method.uppercased()) \(path)")
        var bytes = response.body
        if bytes.last == 0x0A { bytes.removeLast() }
        try OutputStream.stdout.writeLine(bytes)
        try OutputStream.stdout.flush()
    }
}
