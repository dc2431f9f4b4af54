import Foundation
import NCPKit
import ReportKit

/// A request as the sandbox sees it, independent of the server stack.
public struct SandboxRequest: Sendable {
    public var method: String
    public var path: String
    /// The query exactly as received (it is what the client signed).
    public var rawQuery: String?
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, path: String, rawQuery: String?, headers: [(name: String, value: String)], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.rawQuery = rawQuery
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

public struct SandboxResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Added latency before the answer goes out.
    public var delayMs: Int = 0

    static func json(_ status: Int, _ value: JSONValue, headers: [(name: String, value: String)] = []) -> SandboxResponse {
        SandboxResponse(status: status, headers: [("Content-Type", "application/json;charset=UTF-8")] + headers, body: value.compactBytes)
    }
}

/// The NCP half of cloud-sandbox: signature v2 (and v1, as the SDKs send it) with the 5-minute
/// window, every catalog resource on both platforms, paging with a configurable base and a
/// page-size cap, `responseError` 802 for denied resources, and injected 429/5xx/latency.
public final class NCPSandbox: Sendable {
    let scenario: Scenario
    let fleet: FleetGenerator
    let now: @Sendable () -> Date
    private let calls = Locked<[String: Int]>([:])
    /// Arrival times in the last second per customer (the `rateLimit` window).
    private let recent = Locked<[Int: [Double]]>([:])
    private let recorder: Recorder?
    let teamsLog: LineLog?
    let teamsPosts = Locked(0)
    let azure: AzureSandbox

    public init(scenario: Scenario, recordDirectory: String? = nil, now: @escaping @Sendable () -> Date = { Date() }) {
        self.scenario = scenario
        self.fleet = FleetGenerator(scenario: scenario)
        self.now = now
        self.recorder = recordDirectory.map { Recorder(path: $0 + "/requests.jsonl") }
        self.teamsLog = recordDirectory.map { LineLog(path: $0 + "/teams.jsonl") }
        self.azure = AzureSandbox(scenario: scenario, now: now)
    }

    public func handle(_ request: SandboxRequest) -> SandboxResponse {
        var customerID = "-"
        var response: SandboxResponse
        if request.path.hasPrefix("/teams/") {
            response = teams(request)
            response.delayMs = scenario.latencyMs
            recorder?.record(SandboxRequest(method: request.method, path: request.path, rawQuery: nil, headers: []), customer: "teams", status: response.status)
            return response
        }
        if azure.handles(request.path) {
            response = azure.handle(request)
            response.delayMs = scenario.latencyMs
            recorder?.record(request, customer: "azure", status: response.status)
            return response
        }
        switch authenticate(request) {
        case .failure(let denied):
            response = denied.response
        case .success(let customer):
            customerID = scenario.customers[customer].id
            response = route(request, customer: customer)
        }
        response.delayMs = scenario.latencyMs
        recorder?.record(request, customer: customerID, status: response.status)
        return response
    }

    // MARK: - Authentication

    static func gatewayError(_ status: Int, _ code: String, _ message: String, details: String? = nil) -> SandboxResponse {
        var error = JSONObject([("errorCode", .string(code)), ("message", .string(message))])
        if let details { error["details"] = .string(details) }
        return .json(status, .object(JSONObject([("error", .object(error))])))
    }

    func authenticate(_ request: SandboxRequest) -> Result<Int, SandboxResponseError> {
        func fail(_ details: String) -> Result<Int, SandboxResponseError> {
            .failure(SandboxResponseError(NCPSandbox.gatewayError(401, "200", "Authentication Failed", details: details)))
        }
        guard let accessKey = request.header("x-ncp-iam-access-key"), let timestamp = request.header("x-ncp-apigw-timestamp"),
            let signature = request.header("x-ncp-apigw-signature-v2") ?? request.header("x-ncp-apigw-signature-v1")
        else { return fail("Missing authentication headers.") }
        guard timestamp.count == 13, timestamp.allSatisfy(\.isNumber), let millis = Double(timestamp),
            abs(now().timeIntervalSince1970 * 1000 - millis) < 300_000
        else {
            return fail("Timestamp is outside the 5-minute window.")
        }
        guard let index = scenario.customers.firstIndex(where: { $0.accessKey == accessKey }) else {
            return fail("Invalid access key.")
        }
        let customer = scenario.customers[index]
        guard !customer.disabled else { return fail("The access key is disabled.") }
        let target = request.rawQuery.map { "\(request.path)?\($0)" } ?? request.path
        let signer = NCPSigner(accessKey: customer.accessKey, secretKey: customer.secretKey)
        guard signer.verify(signature, method: request.method, target: target, timestamp: timestamp) else {
            return fail("Signature mismatch.")
        }
        return .success(index)
    }

    // MARK: - Faults

    /// Decides faults from the request itself and how often it was seen, so the same scenario
    /// gives the same answers whatever the concurrency.
    func fault(_ request: SandboxRequest, customer: Int) -> SandboxResponse? {
        let key = "\(customer) \(request.method) \(request.path)?\(request.rawQuery ?? "")"
        let pathKey = "\(customer) \(request.path)"
        let (seen, pathSeen) = calls.withLock { calls -> (Int, Int) in
            calls[key, default: 0] += 1
            calls[pathKey, default: 0] += 1
            return (calls[key]!, calls[pathKey]!)
        }
        let retryAfter = scenario.retryAfter.map { [("Retry-After", String(Int($0.rounded(.up))))] } ?? []
        if scenario.rateLimit > 0 {
            let now = self.now().timeIntervalSince1970
            let admitted = recent.withLock { recent -> Bool in
                var window = recent[customer, default: []].filter { now - $0 < 1 }
                defer { recent[customer] = window }
                guard Double(window.count) < scenario.rateLimit else { return false }
                window.append(now)
                return true
            }
            if !admitted {
                var response = NCPSandbox.gatewayError(429, "420", "Rate Limited")
                response.headers += retryAfter
                return response
            }
        }
        if scenario.throttleFirstCall, pathSeen == 1 {
            return throttled(retryAfter)
        }
        let roll = Double(stableHash("\(scenario.seed)|\(key)|\(seen)") % 1_000_000) / 1_000_000
        if roll < scenario.rate429 { return throttled(retryAfter) }
        if roll < scenario.rate429 + scenario.rate5xx {
            return NCPSandbox.gatewayError(503, "500", "Endpoint Error")
        }
        return nil
    }

    func throttled(_ headers: [(name: String, value: String)]) -> SandboxResponse {
        var response = NCPSandbox.gatewayError(429, "410", "Throttle Limited")
        response.headers += headers
        return response
    }

    // MARK: - Routing

    func parameters(_ request: SandboxRequest) -> [(key: String, value: String)] {
        var result = QueryString.decode(request.rawQuery ?? "")
        let type = request.header("Content-Type") ?? ""
        if type.contains("application/x-www-form-urlencoded") {
            result += QueryString.decode(String(decoding: request.body, as: UTF8.self))
        }
        return result
    }

    static func serviceError(_ status: Int, _ code: String, _ message: String) -> SandboxResponse {
        .json(status, .object(JSONObject([("responseError", .object(JSONObject([
            ("returnCode", .string(code)), ("returnMessage", .string(message)),
        ])))])))
    }

    func route(_ request: SandboxRequest, customer: Int) -> SandboxResponse {
        if let fault = fault(request, customer: customer) { return fault }
        let params = parameters(request)
        func param(_ name: String) -> String? { params.last { $0.key == name }?.value }
        // Action APIs answer XML unless asked for JSON (NCP's API convention: responseFormatType=json).
        if NCPService.forPath(request.path).wantsResponseFormatParameter, param("responseFormatType")?.lowercased() != "json" {
            let action = request.path.split(separator: "/").last.map(String.init) ?? "response"
            return SandboxResponse(
                status: 200, headers: [("Content-Type", "application/xml;charset=UTF-8")],
                body: Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?><\(action)Response><returnCode>0</returnCode></\(action)Response>".utf8))
        }
        if let answer = monitoring(request, customer: customer, params: params) { return answer }
        guard let match = Router.match(path: request.path) else {
            return NCPSandbox.gatewayError(404, "300", "Not Found Exception")
        }
        let resource = match.resource
        let spec = match.spec
        let platform = match.platform
        let site = scenario.customers[customer].site
        for name in spec.required where param(name) == nil {
            return NCPSandbox.serviceError(400, "1300", "\(name) is required.")
        }
        if spec.fanOut != nil, param("dbKindCode") == nil {
            return NCPSandbox.serviceError(400, "1300", "dbKindCode is required.")
        }

        // Region: regionCode (VPC), regionNo (Classic), path (NKS); the first region by default.
        let regions = Fixtures.regions(platform, site)
        var region = regions[0].code
        switch spec.region {
        case .code:
            if let code = param("regionCode") {
                guard regions.contains(where: { $0.code == code }) else {
                    return NCPSandbox.serviceError(400, "1300", "Invalid regionCode: \(code)")
                }
                region = code
            }
        case .number:
            if let number = param("regionNo") {
                guard let found = regions.first(where: { $0.number == number }) else {
                    return NCPSandbox.serviceError(400, "1300", "Invalid regionNo: \(number)")
                }
                region = found.code
            }
        case .nksPath: region = match.nksRegion ?? request.header("x-ncp-region_code") ?? region
        case .global: break
        }

        let denyKey = "\(platform.rawValue)/\(resource.name)"
        let deny = scenario.customers[customer].deny
        if deny.contains(denyKey) || deny.contains("\(denyKey)@\(region)") {
            return NCPSandbox.serviceError(400, "802", "You do not have authority about action : [\(Router.permissionName(spec.path))].")
        }

        var items: [JSONValue]
        switch resource.name {
        case "region":
            items = regions.map { r in
                var object = JSONObject()
                if platform == .classic { object["regionNo"] = .string(r.number) }
                object["regionCode"] = .string(r.code)
                object["regionName"] = .string(r.name)
                return .object(object)
            }
        case "zone":
            let r = regions.first { $0.code == region }!
            items = (1...2).map { zone in
                platform == .vpc
                    ? .object(JSONObject([("zoneName", .string("\(r.code)-\(zone)")), ("zoneCode", .string("\(r.code)-\(zone)")),
                                          ("regionCode", .string(r.code)), ("zoneDescription", .string("\(r.name) zone \(zone)"))]))
                    : .object(JSONObject([("zoneNo", .string(String(Int(r.number)! * 10 + zone))), ("zoneName", .string("\(r.code)-\(zone)")),
                                          ("zoneCode", .string("\(r.code)-\(zone)")), ("zoneDescription", .string("\(r.name) zone \(zone)")),
                                          ("regionNo", .string(r.number))]))
            }
        default:
            items = fleet.items(customer: customer, platform: platform, resource: resource.name, region: region)
        }
        if let kind = param("dbKindCode"), spec.fanOut != nil {
            items = items.filter { $0["dbKindCode"]?.stringValue == kind }
        }
        items = ListFilter.apply(items, params: params, idField: spec.idField)

        // Paging: the cap applies even when the client sends no paging parameters.
        let total = items.count
        var pageItems = items
        if let family = spec.paging.family {
            let pageNo = param("pageNo").map { Int($0) }
            let pageSize = param("pageSize").map { Int($0) }
            if pageNo != nil, pageSize == nil {
                return NCPSandbox.serviceError(400, "1300", "pageSize is required when pageNo is given.")
            }
            if case .some(.none) = pageNo { return NCPSandbox.serviceError(400, "1300", "pageNo must be a number.") }
            if case .some(.none) = pageSize { return NCPSandbox.serviceError(400, "1300", "pageSize must be a number.") }
            if let number = pageNo ?? nil, number < 0 { return NCPSandbox.serviceError(400, "1300", "pageNo must be 0 or more.") }
            if let size = pageSize ?? nil, size < 1 { return NCPSandbox.serviceError(400, "1300", "pageSize must be 1 or more.") }
            let size = min((pageSize ?? nil) ?? scenario.maxPageSize, scenario.maxPageSize)
            let base = scenario.base(for: family)
            // Below the base reads as the first page; far beyond the end is simply empty.
            let page = max(((pageNo ?? nil) ?? base) - base, 0)
            let start = page >= (total + size - 1) / size ? total : page * size
            pageItems = Array(items[start..<min(start + size, total)])
        }

        switch spec.envelope {
        case .bare:
            return .json(200, .object(JSONObject([(spec.listKey, .array(pageItems))])))
        case .action:
            let requestID = UUID().uuidString.lowercased()
            return .json(200, .object(JSONObject([(spec.responseKey, .object(JSONObject([
                ("requestId", .string(requestID)), ("returnCode", .string("0")), ("returnMessage", .string("success")),
                ("totalRows", .int(total)), (spec.listKey, .array(pageItems)),
            ])))])))
        }
    }
}

/// A ready-made error answer (used as a Result failure).
struct SandboxResponseError: Error {
    let response: SandboxResponse
    init(_ response: SandboxResponse) { self.response = response }
}

/// Appends one line per request to `DIR/requests.jsonl` (`--record DIR`).
final class Recorder: Sendable {
    private let log: LineLog

    init(path: String) { log = LineLog(path: path) }

    func record(_ request: SandboxRequest, customer: String, status: Int) {
        var fields = JSONObject([
            ("method", .string(request.method)), ("path", .string(request.path)),
            ("query", .string(request.rawQuery ?? "")), ("customer", .string(customer)), ("status", .int(status)),
        ])
        if customer == "azure" { fields["auth"] = .bool(request.header("Authorization") != nil) }
        if request.path.hasSuffix("/data/query/multiple"), let body = try? JSONParser.parse(request.body), let list = body["metricInfoList"]?.arrayValue {
            fields["entries"] = .int(list.count)
            // The window and interval asked for, so tests can check the period reached the API.
            fields["timeStart"] = body["timeStart"] ?? .null
            fields["timeEnd"] = body["timeEnd"] ?? .null
            fields["interval"] = list.first?["interval"] ?? .null
        }
        log.append(JSONValue.object(fields).compactString)
    }
}
