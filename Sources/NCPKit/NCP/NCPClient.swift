import Foundation
import ReportKit

/// Signed calls to any NCP API: builds the query once, signs exactly what is sent (fresh
/// timestamp on every attempt), retries through `HTTPClient`, and turns `responseError` and
/// `error` bodies into `NCPError` even under HTTP 200.
public struct NCPClient: Sendable {
    public let http: HTTPClient
    public let credentials: NCPCredentials
    public let endpoints: Endpoints
    public let signer: NCPSigner
    /// The signing clock: always the real one in the tools (`--now` never applies here).
    public var now: @Sendable () -> Date = { Date() }

    public init(http: HTTPClient, credentials: NCPCredentials, endpoints: Endpoints) {
        self.http = http
        self.credentials = credentials
        self.endpoints = endpoints
        self.signer = NCPSigner(accessKey: credentials.accessKey, secretKey: credentials.secretKey)
    }

    /// The client the tools use: keys from the environment (or ~/.ncloud/configure), hosts of
    /// the site unless `NCLOUD_API_GW` redirects them.
    public init(http: HTTPClient, site: Site, environment: EnvironmentFallback) throws {
        self.init(
            http: http, credentials: try NCPCredentials.resolve(environment: environment.environment),
            endpoints: Endpoints(site: site, gatewayOverride: environment.environment["NCLOUD_API_GW"]))
    }

    /// One call. `query` is sent in order; `responseFormatType=json` is added for action APIs.
    /// A JSON `body` is sent with `Content-Type: application/json` (and is not signed).
    public func call(
        method: String, path: String, query: [(key: String, value: String)] = [], body: [UInt8]? = nil,
        headers extraHeaders: [(name: String, value: String)] = []
    ) async throws -> JSONValue {
        let response = try await send(method: method, path: path, query: query, body: body, headers: extraHeaders)
        return try NCPClient.decode(response, target: "\(method.uppercased()) \(path)")
    }

    public func send(
        method: String, path: String, query: [(key: String, value: String)] = [], body: [UInt8]? = nil,
        headers extraHeaders: [(name: String, value: String)] = []
    ) async throws -> HTTPResponse {
        var parameters = query
        if NCPService.forPath(path).wantsResponseFormatParameter, !parameters.contains(where: { $0.key == "responseFormatType" }) {
            parameters.append(("responseFormatType", "json"))
        }
        let queryString = QueryString.encode(parameters)
        let target = queryString.isEmpty ? path : path + "?" + queryString
        let url = endpoints.url(path: path, query: queryString)
        let method = method.uppercased()
        let signer = self.signer
        let now = self.now
        Log.shared.debug("request", ["method": method, "url": url])
        return try await http.send {
            let timestamp = Timestamps.epochMillis(now())
            var headers = signer.headers(method: method, target: target, timestamp: timestamp)
            headers.append(("Accept", "application/json"))
            if body != nil, method != "GET" { headers.append(("Content-Type", "application/json")) }
            headers.append(contentsOf: extraHeaders)
            return HTTPRequest(method: method, url: url, headers: headers, body: body)
        }
    }

    /// Raises what NCP reported without parsing a successful body into a tree: only its
    /// top-level keys (and an action envelope's returnCode) are looked at.
    public static func check(_ response: HTTPResponse, target: String) throws {
        guard (200..<300).contains(response.status), !response.body.isEmpty else {
            _ = try decode(response, target: target)
            return
        }
        let suspicious: Bool = response.body.withUnsafeBufferPointer { buffer in
            let scanner = JSONScanner(buffer)
            var flagged = false
            do {
                let end = try scanner.forEachMember(of: 0..<buffer.count) { key, value in
                    if JSONScanner.equals(key, "responseError") || JSONScanner.equals(key, "error") { flagged = true }
                    if key.count > 8, key.suffix(8).elementsEqual("Response".utf8), buffer[value.lowerBound] == UInt8(ascii: "{") {
                        try scanner.forEachMember(of: value) { inner, code in
                            guard JSONScanner.equals(inner, "returnCode") else { return true }
                            let text = UnsafeBufferPointer(rebasing: buffer[code])
                            if !(text.elementsEqual("\"0\"".utf8) || text.elementsEqual("0".utf8)) { flagged = true }
                            return false
                        }
                    }
                    return true
                }
                // Nothing but whitespace may follow the document.
                if scanner.firstNonWhitespace(from: end) != buffer.count { flagged = true }
            } catch {
                flagged = true  // not an object: let the full decoder say what it is
            }
            return flagged
        }
        if suspicious { _ = try decode(response, target: target) }
    }

    /// Parses the body and raises what NCP reported. An unexpected shape is exit 65.
    public static func decode(_ response: HTTPResponse, target: String) throws -> JSONValue {
        let body: JSONValue?
        if response.body.isEmpty {
            body = nil
        } else {
            body = try? JSONParser.parse(response.body)
        }
        if let error = NCPError.from(status: response.status, body: body, rawBody: response.bodyText, target: target) {
            throw error
        }
        guard let body else {
            let snippet = response.bodyText.prefix(120).replacingOccurrences(of: "\n", with: " ")
            throw Failure(.dataError, "unexpected response: not JSON: \(snippet)", at: "\(target), HTTP \(response.status)")
        }
        return body
    }
}
