import Foundation
import NCPKit
import ReportKit
@testable import SandboxKit

/// Sends requests straight into the sandbox's handler: the whole client stack (signing, query
/// building, paging, error mapping) against the sandbox, without sockets.
struct InProcessTransport: HTTPTransport {
    let sandbox: NCPSandbox

    func perform(_ request: HTTPRequest, timeouts: HTTPTimeouts) async throws -> HTTPResponse {
        let components = URLComponents(string: request.url)!
        let answer = sandbox.handle(SandboxRequest(
            method: request.method, path: components.percentEncodedPath, rawQuery: components.percentEncodedQuery,
            headers: request.headers, body: request.body ?? []))
        return HTTPResponse(status: answer.status, headers: answer.headers, body: answer.body)
    }
}

struct NoWait: Sleeper {
    func sleep(seconds: Double) async throws {}
}

extension Scenario {
    static func single(fleet: [String: Int] = [:], deny: [String] = [], platforms: [String] = ["vpc", "classic"],
                       type: String = "pri") -> Scenario {
        Scenario(customers: [Customer(id: "acme", type: type, accessKey: "ACMEACCESSKEY", secretKey: "acmeSecretKey0123456789",
                                      platforms: platforms, fleet: fleet, deny: deny)])
    }
}

func fetchAll(
    _ scenario: Scenario, resource: String, platform: Platform, region: String? = "KR", site: Site = .public,
    pageSize: Int = 100, parameters: [(key: String, value: String)] = []
) async throws -> (items: [JSONValue], outcome: InventoryFetcher.Outcome) {
    let sandbox = NCPSandbox(scenario: scenario)
    let customer = scenario.customers[0]
    let client = NCPClient(
        http: HTTPClient(transport: InProcessTransport(sandbox: sandbox), policy: RetryPolicy(maxAttempts: 4), sleeper: NoWait()),
        credentials: NCPCredentials(accessKey: customer.accessKey, secretKey: customer.secretKey, source: "test"),
        endpoints: Endpoints(site: site, gatewayOverride: "http://127.0.0.1:1"))
    let fetcher = InventoryFetcher(client: client)
    let items = Locked<[JSONValue]>([])
    let outcome = try await fetcher.fetch(
        ResourceCatalog.named(resource)!,
        options: .init(platform: platform, site: site, region: region, customer: customer.id, parameters: parameters,
                       pageSize: pageSize, fetchedAt: "2026-11-01T00:00:00+09:00")) { line in
            let item = try JSONParser.parse(line)
            items.withLock { $0.append(item) }
        }
    return (items.withLock { $0 }, outcome)
}
