import Foundation
import ReportKit

/// Key Vault's secrets data plane with the challenge protocol of the official SDK: the first
/// request goes out without a token; the 401's `WWW-Authenticate` names the tenant and the
/// resource; the resource must belong to the vault's host (a rogue one would harvest our
/// token); then every request carries a token, refreshed five minutes before it expires.
public final class KeyVaultClient: Sendable {
    public let vault: VaultAddress
    public let apiVersion: String
    let credential: any TokenCredential
    let http: HTTPClient
    private let state = Locked<(challenge: Challenge?, token: AccessToken?)>((nil, nil))

    /// Key Vault sends no Retry-After on 429: its documented ladder is 1, 2, 4, 8, 16 s.
    public static func retryPolicy(attempts: Int) -> RetryPolicy {
        RetryPolicy(maxAttempts: attempts, baseDelay: 1, maxDelay: 16, jitter: false)
    }

    public init(vault: VaultAddress, credential: any TokenCredential, http: HTTPClient, apiVersion: String = "7.5") {
        self.vault = vault
        self.credential = credential
        self.http = http
        self.apiVersion = apiVersion
    }

    struct Challenge: Sendable {
        let tenant: String?
        let scope: String
    }

    /// `Bearer authorization="https://login.windows.net/TENANT", resource="https://vault.azure.net"`.
    static func parseChallenge(_ header: String) -> (authorization: String?, resource: String?, scope: String?) {
        var fields: [String: String] = [:]
        let pattern = try! NSRegularExpression(pattern: #"([A-Za-z_]+)\s*=\s*"([^"]*)""#)
        for match in pattern.matches(in: header, range: NSRange(header.startIndex..., in: header)) {
            guard let key = Range(match.range(at: 1), in: header), let value = Range(match.range(at: 2), in: header) else { continue }
            fields[header[key].lowercased()] = String(header[value])
        }
        return (fields["authorization"] ?? fields["authorization_uri"], fields["resource"], fields["scope"])
    }

    func challenge(from response: HTTPResponse, at location: String) throws -> Challenge {
        guard let header = response.header("WWW-Authenticate") else {
            throw Failure(.noPermission, "Key Vault answered 401 without a challenge", at: location)
        }
        let parsed = KeyVaultClient.parseChallenge(header)
        guard let authorization = parsed.authorization, let resource = parsed.scope.map(resource(ofScope:)) ?? parsed.resource else {
            throw Failure(.noPermission, "Key Vault's challenge names no authorization or resource", at: location)
        }
        guard vault.accepts(resource: resource) else {
            throw Failure(.noPermission, "Key Vault's challenge names resource \(resource), which does not belong to vault host \(vault.host); refusing to send it a token", at: location)
        }
        let tenant = URLComponents(string: authorization)?.path.split(separator: "/").first.map(String.init)
        return Challenge(tenant: tenant, scope: resource + "/.default")
    }

    func bearer(for challenge: Challenge, forceNew: Bool) async throws -> String {
        if !forceNew, let token = state.withLock({ $0.token }), token.isFresh() { return token.token }
        let token = try await credential.token(scope: challenge.scope, tenant: challenge.tenant)
        state.withLock { $0.token = token }
        return token.token
    }

    /// GET `pathAndQuery` (already carrying api-version), doing the challenge when needed.
    func get(_ pathAndQuery: String, describe location: String) async throws -> HTTPResponse {
        let url = vault.base + pathAndQuery
        var challenge = state.withLock { $0.challenge }
        if challenge == nil {
            let first = try await http.send { HTTPRequest(method: "GET", url: url, headers: [("Accept", "application/json")]) }
            guard first.status == 401 else { return first }
            let parsed = try self.challenge(from: first, at: location)
            state.withLock { $0.challenge = parsed }
            challenge = parsed
        }
        guard let challenge else { throw Failure(.software, "no challenge") }
        var forceNew = false
        for attempt in 1...2 {
            let token = try await bearer(for: challenge, forceNew: forceNew)
            let headers = [("Accept", "application/json"), ("Authorization", "Bearer \(token)")]
            let response = try await http.send { HTTPRequest(method: "GET", url: url, headers: headers) }
            if response.status == 401, attempt == 1 {
                // Expired or revoked between our check and the service's: one fresh token.
                forceNew = true
                continue
            }
            return response
        }
        throw Failure(.software, "unreachable")
    }

    /// Maps a non-2xx answer to the exit status docs/contract.md gives it.
    func failure(_ response: HTTPResponse, at location: String, secret: String? = nil) -> Failure {
        let json = try? JSONParser.parse(response.body)
        var code = json?["error"]?["code"]?.stringValue ?? "HTTP \(response.status)"
        var inner = json?["error"]?["innererror"]
        while let next = inner, let innerCode = next["code"]?.stringValue {
            code = "\(code)/\(innerCode)"
            inner = next["innererror"]
        }
        let message = (json?["error"]?["message"]?.stringValue).map(EntraTokenEndpoint.firstLine) ?? ""
        let what = message.isEmpty ? code : "\(code): \(message)"
        switch response.status {
        case 401, 403:
            return Failure(.noPermission, "Key Vault refused access: \(what)", at: location)
        case 404:
            return Failure(.noInput, "secret '\(secret ?? "?")' not found in \(vault.host): \(what)", at: location)
        case 429:
            return Failure(.tempFail, "Key Vault throttled the requests after \(http.policy.maxAttempts) attempts: \(what)", at: location)
        case 500...599:
            return Failure(.unavailable, "Key Vault failed (HTTP \(response.status)): \(what)", at: location)
        default:
            return Failure(.dataError, "Key Vault rejected the request (HTTP \(response.status)): \(what)", at: location)
        }
    }

    /// One secret's bundle (value included); `version` nil for the latest.
    public func secret(name: String, version: String? = nil) async throws -> SecretBundle {
        try SecretName.check(name)
        if let version, !(version.count == 32 && version.allSatisfy(\.isHexDigit)) {
            throw Failure(.usage, "'\(version)' is not a secret version (32 hexadecimal characters)", at: name)
        }
        let path = "/secrets/\(name)" + (version.map { "/\($0)" } ?? "")
        let response = try await get(path + "?" + QueryString.encode([("api-version", apiVersion)]), describe: "GET \(path)")
        guard response.status == 200 else { throw failure(response, at: "GET \(path)", secret: version.map { "\(name)/\($0)" } ?? name) }
        guard let json = try? JSONParser.parse(response.body), let bundle = SecretBundle(json) else {
            throw Failure(.unavailable, "Key Vault answered with something that is not a secret", at: "GET \(path)")
        }
        if let value = bundle.value { Redactor.shared.register(value) }
        return bundle
    }

    /// Every secret's properties (no values), page by page, following `nextLink` until it is
    /// null. Our api-version replaces the link's (the service returns a stale one), and a link
    /// to another host is refused: it would receive our token.
    public func listSecrets(maxResults: Int = 25, page: ([SecretBundle]) throws -> Void) async throws {
        var pathAndQuery = "/secrets?" + QueryString.encode([("api-version", apiVersion), ("maxresults", String(maxResults))])
        var pages = 0
        while true {
            let response = try await get(pathAndQuery, describe: "GET /secrets")
            guard response.status == 200 else { throw failure(response, at: "GET /secrets (page \(pages + 1))") }
            guard let json = try? JSONParser.parse(response.body), let items = json["value"]?.arrayValue else {
                throw Failure(.unavailable, "Key Vault's list answer has no value array", at: "GET /secrets (page \(pages + 1))")
            }
            pages += 1
            try page(items.compactMap(SecretBundle.init))
            guard let next = json["nextLink"]?.stringValue, !next.isEmpty else { return }
            pathAndQuery = try followable(next)
        }
    }

    func followable(_ link: String) throws -> String {
        guard let components = URLComponents(string: link), let host = components.host?.lowercased() else {
            throw Failure(.unavailable, "Key Vault sent a nextLink that is not a URL")
        }
        guard host == vault.host else {
            throw Failure(.noPermission, "Key Vault sent a nextLink to another host (\(host)); refusing to follow it")
        }
        var query = QueryString.decode(components.percentEncodedQuery ?? "").filter { $0.key.lowercased() != "api-version" }
        query.append(("api-version", apiVersion))
        return components.percentEncodedPath + "?" + QueryString.encode(query)
    }
}

/// Secret names: 1–127 of letters, digits and `-`, checked before any call.
public enum SecretName {
    public static func check(_ name: String) throws {
        guard (1...127).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw Failure(.usage, "'\(name)' is not a Key Vault secret name (1–127 letters, digits and '-')")
        }
    }
}
