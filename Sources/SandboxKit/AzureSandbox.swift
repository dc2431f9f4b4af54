import Crypto
import Foundation
import ReportKit
import _CryptoExtras

/// The Azure half of cloud-sandbox: Entra's v2 token endpoint (client secret and client
/// assertion: a certificate-signed PS256 JWT or a federated token), IMDS, the Azure Pipelines
/// OIDC endpoint, and a Key Vault secrets data plane with the 401 challenge, paging through
/// `nextLink` (carrying a stale api-version, as the service does), disabled secrets, 403, 404
/// and 429 on demand. Tokens are opaque and valid only in this process.
final class AzureSandbox: Sendable {
    let scenario: Scenario
    var azure: AzureScenario { scenario.azure }
    let now: @Sendable () -> Date
    /// Issued access tokens → their audience (resource) and expiry.
    private let tokens = Locked<[String: (resource: String, expires: Date)]>([:])
    private let issuedOIDC = Locked<Set<String>>([])
    private let counters = Locked<(vault: Int, imds: Int, tokens: Int)>((0, 0, 0))
    let secrets: [StoredSecret]

    static let pipelinesPath = "/pipelines/_apis/distributedtask/hubs/build/plans/sandbox/jobs/sandbox/oidctoken"
    static let apiVersions: Set<String> = ["2016-10-01", "7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "2025-07-01", "2026-04-01"]
    static let resources: Set<String> = ["https://vault.azure.net", "https://management.azure.com"]

    struct StoredSecret: Sendable {
        let name: String
        let value: String
        let version: String
        let tags: [(String, String)]
        let contentType: String?
        let enabled: Bool
        let nbf: Int?
        let exp: Int?
        let created: Int
    }

    init(scenario: Scenario, now: @escaping @Sendable () -> Date) {
        self.scenario = scenario
        self.now = now
        let azure = scenario.azure
        var stored: [StoredSecret] = []
        let created = 1_767_225_600 + Int(scenario.seed % 86_400)  // 2026-01-01 plus a seed-stable offset
        let nowSeconds = Int(now().timeIntervalSince1970)
        func make(_ name: String, _ value: String, _ tags: [(String, String)], _ contentType: String?) -> StoredSecret {
            let version = String(format: "%016llx%016llx", stableHash("kv|\(scenario.seed)|\(name)"), stableHash("kv2|\(name)"))
            func listed(_ list: [String]) -> Bool { list.contains { $0.caseInsensitiveCompare(name) == .orderedSame } }
            return StoredSecret(name: name, value: value, version: version, tags: tags, contentType: contentType,
                                enabled: !listed(azure.disabledSecrets), nbf: listed(azure.notYetValidSecrets) ? nowSeconds + 86_400 * 30 : nil,
                                exp: listed(azure.expiredSecrets) ? nowSeconds - 86_400 : nil, created: created)
        }
        for customer in scenario.customers {
            stored.append(make(customer.id, customer.secretKey, [("customer_type", customer.type), ("access_key", customer.accessKey)], nil))
        }
        for extra in azure.extraSecrets {
            stored.append(make(extra.name, extra.value, (extra.tags ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, extra.contentType))
        }
        for index in stride(from: 1, through: azure.fillerSecrets, by: 1) {
            stored.append(make(String(format: "filler-%03d", index), "filler value \(index)", [], "text/plain"))
        }
        secrets = stored.sorted { $0.name.lowercased() < $1.name.lowercased() }
    }

    func handles(_ path: String) -> Bool {
        path == "/secrets" || path.hasPrefix("/secrets/") || path.hasSuffix("/oauth2/v2.0/token")
            || path == "/metadata/identity/oauth2/token" || path == AzureSandbox.pipelinesPath
    }

    func handle(_ request: SandboxRequest) -> SandboxResponse {
        if request.path.hasSuffix("/oauth2/v2.0/token") { return entra(request) }
        if request.path == "/metadata/identity/oauth2/token" { return imds(request) }
        if request.path == AzureSandbox.pipelinesPath { return pipelines(request) }
        return keyVault(request)
    }

    // MARK: - Entra ID

    static func entraError(_ status: Int, _ error: String, _ code: Int, _ description: String) -> SandboxResponse {
        .json(status, .object(JSONObject([
            ("error", .string(error)), ("error_description", .string("AADSTS\(code): \(description)\r\nTrace ID: 00000000-sbx\r\nTimestamp: sandbox")),
            ("error_codes", .array([.int(code)])), ("trace_id", "00000000-sbx"), ("correlation_id", "00000000-sbx"),
        ])))
    }

    func issue(resource: String, seconds: Int) -> String {
        let serial = counters.withLock { c -> Int in c.tokens += 1; return c.tokens }
        let token = "sbx-at-" + String(format: "%016llx", stableHash("token|\(scenario.seed)|\(serial)|\(now().timeIntervalSince1970)"))
        tokens.withLock { $0[token] = (resource, now().addingTimeInterval(Double(seconds))) }
        return token
    }

    func entra(_ request: SandboxRequest) -> SandboxResponse {
        let tenant = request.path.split(separator: "/").first.map(String.init) ?? ""
        guard request.method == "POST" else { return AzureSandbox.entraError(405, "invalid_request", 900561, "The endpoint only accepts POST requests.") }
        guard tenant == azure.tenantId else {
            return AzureSandbox.entraError(400, "invalid_request", 90002, "Tenant '\(tenant)' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.")
        }
        let form = QueryString.decode(String(decoding: request.body, as: UTF8.self))
        func field(_ name: String) -> String? { form.last { $0.key == name }?.value }
        guard field("grant_type") == "client_credentials" else {
            return AzureSandbox.entraError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.")
        }
        guard let scope = field("scope"), scope.hasSuffix("/.default"), AzureSandbox.resources.contains(String(scope.dropLast(9))) else {
            return AzureSandbox.entraError(400, "invalid_scope", 70011, "The provided request must include a 'scope' input parameter naming a known resource with /.default.")
        }
        guard field("client_id") == azure.clientId else {
            return AzureSandbox.entraError(400, "unauthorized_client", 700016, "Application with identifier '\(field("client_id") ?? "")' was not found in the directory.")
        }
        if let secret = field("client_secret") {
            guard secret == azure.clientSecret else {
                return AzureSandbox.entraError(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.")
            }
        } else if let assertion = field("client_assertion") {
            guard field("client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" else {
                return AzureSandbox.entraError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_assertion_type'.")
            }
            if let refusal = checkAssertion(assertion, host: request.header("Host") ?? "", tenant: tenant) { return refusal }
        } else {
            return AzureSandbox.entraError(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
        }
        let token = issue(resource: String(scope.dropLast(9)), seconds: 3599)
        return .json(200, .object(JSONObject([("token_type", "Bearer"), ("expires_in", .int(3599)), ("ext_expires_in", .int(3599)), ("access_token", .string(token))])))
    }

    /// A certificate assertion (PS256 with the registered thumbprint) or a federated token.
    func checkAssertion(_ assertion: String, host: String, tenant: String) -> SandboxResponse? {
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let header = parts.count == 3 ? Base64URL.decode(parts[0]).flatMap { try? JSONParser.parse([UInt8]($0)) } : nil
        guard let thumbprint = header?["x5t#S256"]?.stringValue else {
            let federated = azure.federatedTokens.contains(assertion) || issuedOIDC.withLock { $0.contains(assertion) }
            return federated ? nil : AzureSandbox.entraError(400, "invalid_client", 70021, "No matching federated identity record found for presented assertion.")
        }
        guard header?["alg"]?.stringValue == "PS256" else {
            return AzureSandbox.entraError(401, "invalid_client", 5002738, "Invalid JWT token. 'alg' must be PS256 for a client certificate assertion.")
        }
        guard let registered = azure.certificateThumbprint, thumbprint == registered, let pem = azure.certificatePublicKeyPem,
            let key = try? _RSA.Signing.PublicKey(pemRepresentation: pem)
        else {
            return AzureSandbox.entraError(401, "invalid_client", 700027, "The certificate with identifier used to sign the client assertion is not registered on application.")
        }
        let signed = Data((parts[0] + "." + parts[1]).utf8)
        guard let signature = Base64URL.decode(parts[2]),
            key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: signed), padding: .PSS)
        else {
            return AzureSandbox.entraError(401, "invalid_client", 700027, "Client assertion failed signature validation.")
        }
        guard let claims = Base64URL.decode(parts[1]).flatMap({ try? JSONParser.parse([UInt8]($0)) }) else {
            return AzureSandbox.entraError(400, "invalid_client", 50027, "JWT token is invalid or malformed.")
        }
        let nowSeconds = now().timeIntervalSince1970
        guard let exp = claims["exp"]?.doubleValue, let nbf = claims["nbf"]?.doubleValue, exp > nowSeconds, nbf <= nowSeconds + 300 else {
            return AzureSandbox.entraError(401, "invalid_client", 700024, "Client assertion is not within its valid time range.")
        }
        guard claims["iss"]?.stringValue == azure.clientId, claims["sub"]?.stringValue == azure.clientId else {
            return AzureSandbox.entraError(401, "invalid_client", 700023, "Client assertion issuer and subject must be the client id.")
        }
        guard let audience = claims["aud"]?.stringValue, audience.hasSuffix("/\(tenant)/oauth2/v2.0/token") else {
            return AzureSandbox.entraError(401, "invalid_client", 700212, "No matching federated identity record found for presented assertion audience.")
        }
        return nil
    }

    // MARK: - IMDS

    func imds(_ request: SandboxRequest) -> SandboxResponse {
        func error(_ status: Int, _ code: String, _ description: String) -> SandboxResponse {
            .json(status, .object(JSONObject([("error", .string(code)), ("error_description", .string(description))])))
        }
        guard request.header("Metadata") == "true" else { return error(400, "invalid_request", "Required metadata header not specified") }
        let fault = counters.withLock { c -> Int? in
            defer { c.imds += 1 }
            return c.imds < azure.imdsFaults.count ? azure.imdsFaults[c.imds] : nil
        }
        if let fault { return error(fault, fault == 429 ? "too_many_requests" : "temporarily_unavailable", "Injected by the scenario.") }
        let query = QueryString.decode(request.rawQuery ?? "")
        func param(_ name: String) -> String? { query.last { $0.key == name }?.value }
        guard param("api-version") != nil else { return error(400, "invalid_request", "Required query variable 'api-version' is missing") }
        guard let resource = param("resource"), AzureSandbox.resources.contains(resource) else {
            return error(400, "invalid_resource", "AADSTS500011: The resource principal named \(param("resource") ?? "") was not found in the tenant.")
        }
        let identities = azure.managedIdentities
        let chosen: AzureScenario.ManagedIdentity?
        if let id = param("client_id") { chosen = identities.first { $0.clientId == id } }
        else if let id = param("object_id") { chosen = identities.first { $0.objectId == id } }
        else if let id = param("msi_res_id") { chosen = identities.first { $0.resourceId.caseInsensitiveCompare(id) == .orderedSame } }
        else if identities.isEmpty { return error(400, "invalid_request", "Identity not found") }
        else if let system = identities.first(where: \.systemAssigned) { chosen = system }
        else if identities.count == 1 { chosen = identities[0] }
        else { return error(400, "invalid_request", "Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request") }
        guard chosen != nil else { return error(400, "invalid_request", "Identity not found") }
        let token = issue(resource: resource, seconds: 86_399)
        let nowSeconds = Int(now().timeIntervalSince1970)
        return .json(200, .object(JSONObject([
            ("access_token", .string(token)), ("refresh_token", ""), ("expires_in", "86399"), ("expires_on", .string(String(nowSeconds + 86_399))),
            ("not_before", .string(String(nowSeconds))), ("resource", .string(resource)), ("token_type", "Bearer"),
        ])))
    }

    // MARK: - Azure Pipelines OIDC

    func pipelines(_ request: SandboxRequest) -> SandboxResponse {
        func error(_ status: Int, _ message: String) -> SandboxResponse {
            .json(status, .object(JSONObject([("$id", "1"), ("message", .string(message)), ("typeKey", "InvalidRequestException")])))
        }
        guard request.method == "POST" else { return error(405, "The requested resource does not support http method '\(request.method)'.") }
        guard request.header("Authorization") == "Bearer \(azure.pipelinesAccessToken)" else {
            return error(401, "TF400813: The user is not authorized to access this resource.")
        }
        let query = QueryString.decode(request.rawQuery ?? "")
        guard query.contains(where: { $0.key == "api-version" }) else { return error(400, "No api-version was supplied for the POST request.") }
        guard query.last(where: { $0.key == "serviceConnectionId" })?.value == azure.serviceConnectionId else {
            return error(404, "Service connection not found or the pipeline is not authorized to use it.")
        }
        let token = "sbx-oidc-" + String(format: "%016llx", stableHash("oidc|\(now().timeIntervalSince1970)|\(counters.withLock { $0.tokens })"))
        issuedOIDC.withLock { _ = $0.insert(token) }
        return .json(200, .object(JSONObject([("oidcToken", .string(token))])))
    }

    // MARK: - Key Vault

    static func vaultError(_ status: Int, _ code: String, _ message: String, inner: String? = nil, headers: [(name: String, value: String)] = []) -> SandboxResponse {
        var error = JSONObject([("code", .string(code)), ("message", .string(message))])
        if let inner { error["innererror"] = .object(JSONObject([("code", .string(inner))])) }
        return .json(status, .object(JSONObject([("error", .object(error))])), headers: headers)
    }

    func keyVault(_ request: SandboxRequest) -> SandboxResponse {
        let host = request.header("Host") ?? "127.0.0.1"
        guard let authorization = request.header("Authorization"), authorization.hasPrefix("Bearer ") else {
            let challenge = #"Bearer authorization="http://\#(host)/\#(azure.tenantId)", resource="\#(azure.challengeResource)""#
            return AzureSandbox.vaultError(401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.", headers: [("WWW-Authenticate", challenge)])
        }
        let token = String(authorization.dropFirst(7))
        guard let grant = tokens.withLock({ $0[token] }), grant.expires > now() else {
            return AzureSandbox.vaultError(401, "Unauthorized", "AKV10032: Invalid issuer or expired token.")
        }
        guard grant.resource == "https://vault.azure.net" else {
            return AzureSandbox.vaultError(401, "Unauthorized", "AKV10022: Invalid audience. Expected https://vault.azure.net, found: \(grant.resource).")
        }
        let throttled = counters.withLock { c -> Bool in
            defer { c.vault += 1 }
            return c.vault < azure.vaultThrottle
        }
        if throttled {
            return AzureSandbox.vaultError(429, "Throttled", "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached")
        }
        guard request.method == "GET" else { return AzureSandbox.vaultError(405, "BadParameter", "Method not allowed.") }
        let query = QueryString.decode(request.rawQuery ?? "")
        func param(_ name: String) -> String? { query.last { $0.key.lowercased() == name.lowercased() }?.value }
        guard let version = param("api-version"), AzureSandbox.apiVersions.contains(version) else {
            return AzureSandbox.vaultError(400, "BadParameter", "The request URI contains an invalid or missing api-version.")
        }
        let parts = request.path.split(separator: "/").map(String.init)
        if parts == ["secrets"] { return list(query: param, host: host) }
        guard parts.count >= 2, parts.count <= 3, parts[0] == "secrets" else {
            return AzureSandbox.vaultError(400, "BadParameter", "Unknown operation.")
        }
        let name = parts[1]
        guard let secret = secrets.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }),
            parts.count == 2 || parts[2].lowercased() == secret.version
        else {
            let id = parts.count == 3 ? "\(name)/\(parts[2])" : name
            return AzureSandbox.vaultError(404, "SecretNotFound", "A secret with (name/id) \(id) was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command.")
        }
        if azure.forbiddenSecrets.contains(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) {
            return AzureSandbox.vaultError(403, "Forbidden",
                "Caller is not authorized to perform action on resource. Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action' Vault: sandbox", inner: "ForbiddenByRbac")
        }
        guard secret.enabled else {
            return AzureSandbox.vaultError(403, "Forbidden", "Operation get is not allowed on a disabled secret.", inner: "SecretDisabled")
        }
        var bundle = bundleJSON(secret, host: host, withVersion: true)
        bundle["value"] = .string(secret.value)
        return .json(200, .object(bundle))
    }

    func bundleJSON(_ secret: StoredSecret, host: String, withVersion: Bool) -> JSONObject {
        var attributes = JSONObject([("enabled", .bool(secret.enabled))])
        if let nbf = secret.nbf { attributes["nbf"] = .int(nbf) }
        if let exp = secret.exp { attributes["exp"] = .int(exp) }
        attributes["created"] = .int(secret.created)
        attributes["updated"] = .int(secret.created)
        attributes["recoveryLevel"] = "Recoverable+Purgeable"
        attributes["recoverableDays"] = .int(90)
        var bundle = JSONObject([("id", .string("http://\(host)/secrets/\(secret.name)" + (withVersion ? "/\(secret.version)" : "")))])
        if let contentType = secret.contentType { bundle["contentType"] = .string(contentType) }
        bundle["attributes"] = .object(attributes)
        if !secret.tags.isEmpty { bundle["tags"] = .object(JSONObject(secret.tags.map { ($0.0, .string($0.1)) })) }
        return bundle
    }

    /// A page of properties and a nextLink that carries `$skiptoken`, `maxresults` and a stale
    /// api-version (7.2), as the service's own links do.
    func list(query param: (String) -> String?, host: String) -> SandboxResponse {
        let requested = param("maxresults").flatMap(Int.init) ?? 25
        guard (1...25).contains(requested) else {
            return AzureSandbox.vaultError(400, "BadParameter", "maxresults must be between 1 and 25.")
        }
        let size = min(requested, azure.vaultPageSize)
        let offset = param("$skiptoken").flatMap { Base64URL.decode($0) }.flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? 0
        let page = secrets.dropFirst(offset).prefix(size)
        var body = JSONObject([("value", .array(page.map { .object(bundleJSON($0, host: host, withVersion: false)) }))])
        let next = offset + page.count
        if next < secrets.count {
            let token = Base64URL.encode(Data(String(next).utf8))
            body["nextLink"] = .string("http://\(host)/secrets?api-version=7.2&$skiptoken=\(token)&maxresults=\(requested)")
        } else {
            body["nextLink"] = .null
        }
        return .json(200, .object(body))
    }
}
