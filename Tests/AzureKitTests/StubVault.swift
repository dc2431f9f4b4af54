import Foundation
import ReportKit
@testable import AzureKit

/// A Key Vault in process: the challenge on a request without a token, one page of secret
/// properties, and each secret's value; every request kept.
final class StubVault: HTTPTransport {
    struct Secret {
        var name: String
        var value: String
        var version = "0123456789abcdef0123456789abcdef"
        var contentType: String? = nil
        var enabled = true
        var expires: Date? = nil
        var tags: [String: String] = [:]
    }

    static let base = "https://msp-report.vault.azure.net"
    let secrets: [Secret]
    private let sent = Locked<[HTTPRequest]>([])

    init(_ secrets: [Secret]) { self.secrets = secrets }

    var requests: [HTTPRequest] { sent.withLock { $0 } }

    func json(_ secret: Secret, withValue: Bool) -> JSONValue {
        var attributes: [(key: String, value: JSONValue)] = [("enabled", .bool(secret.enabled)), ("created", .number("1767225600")), ("updated", .number("1767225600"))]
        if let expires = secret.expires { attributes.append(("exp", .number(String(Int(expires.timeIntervalSince1970))))) }
        var pairs: [(key: String, value: JSONValue)] = [
            ("id", .string("\(StubVault.base)/secrets/\(secret.name)" + (withValue ? "/\(secret.version)" : ""))),
            ("attributes", .object(JSONObject(attributes))),
            ("tags", .object(JSONObject(secret.tags.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))),
        ]
        if let contentType = secret.contentType { pairs.append(("contentType", .string(contentType))) }
        if withValue { pairs.append(("value", .string(secret.value))) }
        return .object(JSONObject(pairs))
    }

    func perform(_ request: HTTPRequest, timeouts: HTTPTimeouts) async throws -> HTTPResponse {
        sent.withLock { $0.append(request) }
        guard request.header("Authorization") == "Bearer stub-token-0123" else {
            return HTTPResponse(status: 401, headers: [("WWW-Authenticate", #"Bearer authorization="https://login.microsoftonline.com/tenant-1", resource="https://vault.azure.net""#)])
        }
        let path = URLComponents(string: request.url)?.path ?? ""
        let parts = path.split(separator: "/").map(String.init)
        if parts == ["secrets"] {
            let page = JSONValue.object(JSONObject([("value", .array(secrets.map { json($0, withValue: false) })), ("nextLink", .null)]))
            return HTTPResponse(status: 200, body: page.compactBytes)
        }
        if parts.count >= 2, let secret = secrets.first(where: { $0.name == parts[1] }), parts.count == 2 || parts[2] == secret.version {
            guard secret.enabled else {
                return HTTPResponse(status: 403, body: Array(#"{"error":{"code":"Forbidden","message":"Operation get is not allowed on a disabled secret.","innererror":{"code":"SecretDisabled"}}}"#.utf8))
            }
            return HTTPResponse(status: 200, body: json(secret, withValue: true).compactBytes)
        }
        return HTTPResponse(status: 404, body: Array(#"{"error":{"code":"SecretNotFound","message":"A secret with (name/id) was not found in this key vault."}}"#.utf8))
    }

    func client() -> KeyVaultClient {
        KeyVaultClient(vault: VaultAddress(base: StubVault.base, host: "msp-report.vault.azure.net"), credential: StubCredential(),
                       http: HTTPClient(transport: self, policy: RetryPolicy(maxAttempts: 1)))
    }
}

struct StubCredential: TokenCredential {
    var name: String { "stub" }
    func token(scope: String, tenant: String?) async throws -> AccessToken {
        AccessToken(token: "stub-token-0123", expiresOn: Date().addingTimeInterval(3600))
    }
}

/// A fresh folder under the temporary folder, removed by the caller.
func temporaryFolder() throws -> String {
    let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("azurekit-\(UUID().uuidString)")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The failure `body` throws, if it is one.
func failure(_ body: () throws -> Void) -> Failure? {
    do { try body(); return nil } catch { return error as? Failure }
}
