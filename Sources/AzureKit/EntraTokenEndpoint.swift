import Foundation
import ReportKit

/// Entra ID's v2 token endpoint with the client-credentials grant (a secret or a client
/// assertion): `POST {authority}/{tenant}/oauth2/v2.0/token`, form-encoded.
public struct EntraTokenEndpoint: Sendable {
    public let authority: String
    public let http: HTTPClient

    public init(authority: String, http: HTTPClient) {
        self.authority = authority
        self.http = http
    }

    public func url(tenant: String) -> String { "\(authority)/\(tenant)/oauth2/v2.0/token" }

    public enum Proof: Sendable {
        case secret(String)
        /// A JWT: signed by us (certificate) or issued by someone Entra trusts (federation).
        case assertion(String)
    }

    public func token(tenant: String, clientID: String, scope: String, proof: Proof) async throws -> AccessToken {
        guard EntraTokenEndpoint.isTenant(tenant) else {
            throw Failure(.config, "'\(tenant)' is not a tenant id or domain", at: "AZURE_TENANT_ID")
        }
        var form: [(key: String, value: String)] = [("client_id", clientID), ("scope", scope), ("grant_type", "client_credentials")]
        switch proof {
        case .secret(let secret):
            form.append(("client_secret", secret))
        case .assertion(let assertion):
            form.append(("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"))
            form.append(("client_assertion", assertion))
        }
        let body = Array(QueryString.encode(form).utf8)
        let target = url(tenant: tenant)
        let response = try await http.send {
            HTTPRequest(method: "POST", url: target, headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")], body: body)
        }
        let where_ = "POST /\(tenant)/oauth2/v2.0/token"
        let json = try? JSONParser.parse(response.body)
        guard response.status == 200 else {
            throw EntraTokenEndpoint.failure(status: response.status, body: json, at: where_)
        }
        guard let token = json?["access_token"]?.stringValue, !token.isEmpty else {
            throw Failure(.unavailable, "Entra ID answered 200 without an access_token", at: where_)
        }
        let seconds = json?["expires_in"]?.scalarText.flatMap(Double.init) ?? 3600
        return AccessToken(token: token, expiresOn: Date().addingTimeInterval(seconds))
    }

    /// `{"error":"invalid_client","error_description":"AADSTS7000215: …\r\nTrace ID: …"}` → one line.
    static func failure(status: Int, body: JSONValue?, at location: String) -> Failure {
        let what = errorText(body, status: status)
        switch status {
        case 400, 401, 403:
            return Failure(.noPermission, "Entra ID refused the sign-in: \(what)", at: location)
        case 429:
            return Failure(.tempFail, "Entra ID throttled the sign-in: \(what)", at: location)
        default:
            return Failure(.unavailable, "Entra ID failed (HTTP \(status)): \(what)", at: location)
        }
    }

    /// `code: first line of error_description`, the error body Entra and IMDS share.
    static func errorText(_ body: JSONValue?, status: Int) -> String {
        let code = body?["error"]?.stringValue ?? "HTTP \(status)"
        let description = body?["error_description"]?.stringValue.map(firstLine) ?? ""
        return description.isEmpty ? code : "\(code): \(description)"
    }

    static func firstLine(_ text: String) -> String {
        String(text.split(whereSeparator: \.isNewline).first ?? "").trimmingCharacters(in: .whitespaces)
    }

    /// A GUID or a domain name: letters, digits, `.` and `-` (so it is safe in a URL path).
    static func isTenant(_ value: String) -> Bool {
        !value.isEmpty && value.count <= 256 && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
    }
}

/// `AZURE_CLIENT_SECRET` (service principal with a secret).
public struct ClientSecretCredential: TokenCredential {
    public let tenant: String
    public let clientID: String
    let secret: String
    let endpoint: EntraTokenEndpoint
    public var name: String { "client-secret" }

    public init(tenant: String, clientID: String, secret: String, endpoint: EntraTokenEndpoint) {
        self.tenant = tenant
        self.clientID = clientID
        self.secret = secret
        self.endpoint = endpoint
        Redactor.shared.register(secret)
    }

    public func token(scope: String, tenant _: String?) async throws -> AccessToken {
        try await endpoint.token(tenant: tenant, clientID: clientID, scope: scope, proof: .secret(secret))
    }
}

/// A client assertion from somewhere else: a certificate we sign with, a federated token file
/// (workload identity) or the Azure Pipelines OIDC endpoint.
public struct ClientAssertionCredential: TokenCredential {
    public let name: String
    public let tenant: String
    public let clientID: String
    let endpoint: EntraTokenEndpoint
    let assertion: @Sendable (_ audience: String) async throws -> String

    public init(name: String, tenant: String, clientID: String, endpoint: EntraTokenEndpoint,
                assertion: @escaping @Sendable (_ audience: String) async throws -> String) {
        self.name = name
        self.tenant = tenant
        self.clientID = clientID
        self.endpoint = endpoint
        self.assertion = assertion
    }

    public func token(scope: String, tenant _: String?) async throws -> AccessToken {
        let jwt = try await assertion(endpoint.url(tenant: tenant))
        Redactor.shared.register(jwt)
        return try await endpoint.token(tenant: tenant, clientID: clientID, scope: scope, proof: .assertion(jwt))
    }
}
