import Foundation
import ReportKit

/// Azure VM managed identity through IMDS: `GET /metadata/identity/oauth2/token` with
/// `Metadata: true`, never through a proxy (the transport sends loopback and IMDS direct).
/// In a chain the first request is a 1-second probe without retries, as azure-identity does:
/// no answer means "not on Azure"; 400 means "no identity assigned" — both pass to the next
/// credential. After that IMDS's own retry rules apply (404, 410, 429, 5xx).
public struct ManagedIdentityCredential: TokenCredential {
    public enum Selector: Sendable, Equatable {
        case systemAssigned
        case clientID(String)
        case objectID(String)
        case resourceID(String)

        var parameter: (key: String, value: String)? {
            switch self {
            case .systemAssigned: return nil
            case .clientID(let id): return ("client_id", id)
            case .objectID(let id): return ("object_id", id)
            case .resourceID(let id): return ("msi_res_id", id)
            }
        }
    }

    public let base: String
    public let selector: Selector
    public let probe: Bool
    let transport: any HTTPTransport
    public var name: String { "managed-identity" }

    /// IMDS guidance: exponential backoff on 404, 410, 429 and 5xx, spanning more than the 70
    /// seconds a 410 ("IMDS is updating") may last: waits of 2.5, 5, 10, 20 and 40 s.
    public static let retryPolicy = RetryPolicy(
        maxAttempts: 6, baseDelay: 2.5, maxDelay: 60, retryStatuses: Set([404, 410, 429]).union(500...599), jitter: false)

    public init(base: String, selector: Selector, probe: Bool, transport: any HTTPTransport) {
        self.base = base
        self.selector = selector
        self.probe = probe
        self.transport = transport
    }

    /// `AZURE_POD_IDENTITY_AUTHORITY_HOST` (as azure-identity reads it) or the link-local address.
    public static func base(environment: [String: String]) throws -> String {
        var value = environment["AZURE_POD_IDENTITY_AUTHORITY_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "http://169.254.169.254"
        while value.hasSuffix("/") { value.removeLast() }
        do { try URLPolicy.check(value) } catch { throw Failure(.config, error.message, at: "AZURE_POD_IDENTITY_AUTHORITY_HOST") }
        return value
    }

    public func token(scope: String, tenant _: String?) async throws -> AccessToken {
        var query: [(key: String, value: String)] = [("api-version", "2018-02-01"), ("resource", resource(ofScope: scope))]
        if let parameter = selector.parameter { query.append(parameter) }
        let url = "\(base)/metadata/identity/oauth2/token?\(QueryString.encode(query))"
        let request = HTTPRequest(method: "GET", url: url, headers: [("Metadata", "true"), ("Accept", "application/json")])
        var response: HTTPResponse
        if probe {
            do {
                response = try await transport.perform(request, timeouts: HTTPTimeouts(connect: 1, total: 2))
            } catch let error as TransportError {
                throw CredentialUnavailable("no IMDS endpoint answered (\(error.message))")
            }
            if response.status == 400 { throw CredentialUnavailable("IMDS has no identity for this machine (\(Self.describe(response)))") }
            if Self.retryPolicy.shouldRetry(status: response.status) {
                response = try await HTTPClient(transport: transport, policy: Self.retryPolicy).send { request }
            }
        } else {
            response = try await HTTPClient(transport: transport, policy: Self.retryPolicy, timeouts: HTTPTimeouts(connect: 2, total: 10)).send { request }
        }
        let location = "GET /metadata/identity/oauth2/token"
        guard response.status == 200 else {
            let status: ExitStatus = response.status == 400 || response.status == 403 ? .noPermission : response.status == 429 ? .tempFail : .unavailable
            throw Failure(status, "IMDS refused the token request: \(Self.describe(response))", at: location)
        }
        let json = try? JSONParser.parse(response.body)
        guard let token = json?["access_token"]?.stringValue, !token.isEmpty else {
            throw Failure(.unavailable, "IMDS answered 200 without an access_token", at: location)
        }
        // IMDS sends numbers as strings.
        let expiresOn = json?["expires_on"]?.scalarText.flatMap(Double.init).map { Date(timeIntervalSince1970: $0) }
            ?? Date().addingTimeInterval(json?["expires_in"]?.scalarText.flatMap(Double.init) ?? 3600)
        return AccessToken(token: token, expiresOn: expiresOn)
    }

    static func describe(_ response: HTTPResponse) -> String {
        "HTTP \(response.status) " + EntraTokenEndpoint.errorText(try? JSONParser.parse(response.body), status: response.status)
    }
}
