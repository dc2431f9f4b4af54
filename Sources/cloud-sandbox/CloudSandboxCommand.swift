import ArgumentParser
import Foundation
import ReportKit
import SandboxKit

@main
struct CloudSandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cloud-sandbox",
        abstract: "A local, faithful stand-in for the NCP APIs, Azure (Entra, IMDS, Key Vault) and a Teams webhook, for tests and the offline demo.",
        discussion: """
            Serves every ncp-fetch catalog resource for VPC and Classic on 127.0.0.1, verifying signature v2 (and v1 as the SDKs send it) and the 5-minute timestamp window. Item shapes come from the official SDK models. Each customer of the scenario has its own deterministic fleet, paging (base and page-size cap), denied resources (802) and faults (429 with or without Retry-After, 5xx, latency). Cloud Insight (schema list, data/query, data/query/multiple) and NAS rating lists serve deterministic series. Azure: Entra ID's v2 token endpoint (client secret, certificate or federated assertion), IMDS, the Azure Pipelines OIDC endpoint and a Key Vault (KEY_VAULT_URL) holding each customer as a secret in the v2 layout, with the 401 challenge, paging and faults from the scenario's "azure" object. A Teams Workflows webhook (TEAMS_WEBHOOK_URL) checks the envelope, answers 202 and appends each card to DIR/teams.jsonl.

            When ready it prints `export NAME='value'` lines and a final `# ready` line on stdout, then keeps serving until interrupted:

              cloud-sandbox --port 0 > sandbox.env &
              until grep -q '^# ready' sandbox.env; do sleep 0.1; done
              . ./sandbox.env && ncp-fetch server

            Scenario (JSON; every key but customers is optional):
              {"seed": 42, "maxPageSize": 100, "pageBase": {"default": 1, "clouddb": 0},
               "latencyMs": 0, "throttleFirstCall": false, "retryAfter": 1, "rate429": 0.0,
               "rate5xx": 0.0, "rateLimit": 0, "cloudInsightKeys": {"Server(VPC)": "…"}, "failMetricsFor": ["…"], "teamsFaults": [429],
               "customers": [{"id": "alpha", "type": "pri", "accessKey": "…",
               "secretKey": "…", "platforms": ["vpc", "classic"],
               "fleet": {"vpc/server": 237, "classic/server": 41, "vpc/server@SGN": 3},
               "deny": ["vpc/nas-volume", "vpc/server@SGN"], "disabled": false}],
               "azure": {"vaultPageSize": 25, "vaultThrottle": 0, "imdsFaults": [404],
               "disabledSecrets": [], "forbiddenSecrets": [], "extraSecrets": [{"name": "…", "value": "…"}],
               "fillerSecrets": 0, "challengeResource": "https://vault.azure.net", …}}
            Without --scenario a built-in 3-customer scenario is used.
            """,
        version: ToolVersion.current
    )

    @Option(help: "TCP port on 127.0.0.1 (0 picks a free one).")
    var port: Int = 0

    @Option(help: ArgumentHelp("Scenario JSON file.", valueName: "file"))
    var scenario: String?

    @Option(help: ArgumentHelp("Append every request to DIR/requests.jsonl.", valueName: "dir"))
    var record: String?

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        ToolMain.prepareProcess()
        do {
            try logging.apply(tool: "cloud-sandbox")
            try serve()
        } catch {
            ToolMain.exit(with: error, tool: "cloud-sandbox")
        }
    }

    func serve() throws {
        let loaded = try scenario.map(Scenario.load(path:)) ?? Scenario.builtIn
        if let record {
            try? FileManager.default.createDirectory(atPath: record, withIntermediateDirectories: true)
        }
        let ncp = NCPSandbox(scenario: loaded, recordDirectory: record)
        let server: SandboxServer
        do {
            server = try SandboxServer(port: port) { ncp.handle($0) }
        } catch {
            throw Failure(.unavailable, "cannot listen on 127.0.0.1:\(port): \(error)")
        }
        let out = OutputStream.stdout
        for line in SandboxEnvironment.exports(scenario: loaded, port: server.port, teamsURL: ncp.teamsURL(port: server.port)) { try out.writeLine(line) }
        try out.writeLine("# ready")
        try out.flush()
        Log.shared.info("serving", ["url": "http://127.0.0.1:\(server.port)", "customers": "\(loaded.customers.count)"])
        try server.waitUntilClosed()
    }
}
