import Foundation
import ReportKit

/// Builds the credential kv-get uses from the environment, in the DefaultAzureCredential
/// order (docs/install.md §4): client secret, client certificate, workload identity, Azure
/// Pipelines OIDC, managed identity, Azure CLI. The first *configured* source is tried; one
/// that reports "unavailable" passes to the next; a real refusal stops the chain.
public struct CredentialChain: Sendable {
    public enum Source: String, CaseIterable, Sendable {
        case clientSecret = "client-secret"
        case clientCertificate = "client-certificate"
        case workloadIdentity = "workload-identity"
        case azurePipelines = "azure-pipelines"
        case managedIdentity = "managed-identity"
        case azureCLI = "azure-cli"
    }

    public let environment: [String: String]
    public let cloud: AzureCloud
    public let http: HTTPClient
    public let identity: ManagedIdentityCredential.Selector?

    public init(environment: [String: String], cloud: AzureCloud, http: HTTPClient, identity: ManagedIdentityCredential.Selector? = nil) {
        self.environment = environment
        self.cloud = cloud
        self.http = http
        self.identity = identity
    }

    func value(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// What is missing for a source, or nil when it is configured.
    func missing(_ source: Source) -> String? {
        func need(_ names: [String]) -> String? {
            let absent = names.filter { value($0) == nil }
            return absent.isEmpty ? nil : "needs \(absent.joined(separator: ", "))"
        }
        switch source {
        case .clientSecret: return need(["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"])
        case .clientCertificate: return need(["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_CERTIFICATE_PATH"])
        case .workloadIdentity: return need(["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_FEDERATED_TOKEN_FILE"])
        case .azurePipelines:
            return need(["SYSTEM_OIDCREQUESTURI", "SYSTEM_ACCESSTOKEN", "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID", "AZURE_CLIENT_ID", "AZURE_TENANT_ID"])
        case .managedIdentity, .azureCLI: return nil
        }
    }

    /// `--credential NAME` (or `AZURE_TOKEN_CREDENTIALS`: a source name, `prod` or `dev`).
    public func credential(forced: String?) throws -> any TokenCredential {
        let choice = forced ?? value("AZURE_TOKEN_CREDENTIALS")?.lowercased()
        let origin = forced != nil ? "--credential" : "AZURE_TOKEN_CREDENTIALS"
        switch choice {
        case nil:
            return ChainedCredential(try Source.allCases.filter { missing($0) == nil }.map { try make($0, inChain: true) })
        case "prod":
            return ChainedCredential(try [.clientSecret, .clientCertificate, .workloadIdentity, .azurePipelines, .managedIdentity]
                .filter { missing($0) == nil }.map { try make($0, inChain: true) })
        case "dev":
            return ChainedCredential([try make(.azureCLI, inChain: true)])
        case let name?:
            let aliases: [String: Source] = ["environment": value("AZURE_CLIENT_SECRET") != nil ? .clientSecret : .clientCertificate,
                                             "managedidentitycredential": .managedIdentity, "azureclicredential": .azureCLI,
                                             "workloadidentitycredential": .workloadIdentity, "azurepipelinescredential": .azurePipelines]
            guard let source = Source(rawValue: name) ?? aliases[name] else {
                throw Failure(.usage, "unknown credential '\(name)': expected \(Source.allCases.map(\.rawValue).joined(separator: ", ")) (or prod, dev)", at: origin)
            }
            if let missing = missing(source) { throw Failure(.config, "the \(source.rawValue) credential \(missing)", at: origin) }
            return ForcedCredential(try make(source, inChain: false))
        }
    }

    func make(_ source: Source, inChain: Bool) throws -> any TokenCredential {
        let endpoint = EntraTokenEndpoint(authority: try cloud.authority(environment: environment), http: http)
        let tenant = value("AZURE_TENANT_ID") ?? ""
        let clientID = value("AZURE_CLIENT_ID") ?? ""
        switch source {
        case .clientSecret:
            return ClientSecretCredential(tenant: tenant, clientID: clientID, secret: value("AZURE_CLIENT_SECRET") ?? "", endpoint: endpoint)
        case .clientCertificate:
            let certificate = try ClientCertificate(path: value("AZURE_CLIENT_CERTIFICATE_PATH") ?? "")
            let sendChain = ["1", "true"].contains(value("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN")?.lowercased() ?? "")
            return ClientAssertionCredential(name: source.rawValue, tenant: tenant, clientID: clientID, endpoint: endpoint) { audience in
                try certificate.assertion(clientID: clientID, audience: audience, sendChain: sendChain)
            }
        case .workloadIdentity:
            let file = value("AZURE_FEDERATED_TOKEN_FILE") ?? ""
            return ClientAssertionCredential(name: source.rawValue, tenant: tenant, clientID: clientID, endpoint: endpoint) { _ in
                // Re-read on every use: the platform rotates the file.
                guard let data = FileManager.default.contents(atPath: file),
                    case let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty
                else { throw Failure(.config, "cannot read a federated token", at: file) }
                return token
            }
        case .azurePipelines:
            let oidc = AzurePipelinesOIDC(
                requestURI: value("SYSTEM_OIDCREQUESTURI") ?? "", accessToken: value("SYSTEM_ACCESSTOKEN") ?? "",
                serviceConnectionID: value("AZURESUBSCRIPTION_SERVICE_CONNECTION_ID") ?? "", http: http)
            return ClientAssertionCredential(name: source.rawValue, tenant: tenant, clientID: clientID, endpoint: endpoint) { _ in
                try await oidc.token()
            }
        case .managedIdentity:
            let selector = identity ?? value("AZURE_CLIENT_ID").map(ManagedIdentityCredential.Selector.clientID) ?? .systemAssigned
            return ManagedIdentityCredential(base: try ManagedIdentityCredential.base(environment: environment), selector: selector,
                                             probe: inChain, transport: http.transport)
        case .azureCLI:
            return AzureCLICredential()
        }
    }
}

/// An Azure Pipelines service connection's OIDC token (workload identity federation):
/// `POST {SYSTEM_OIDCREQUESTURI}?api-version=7.1&serviceConnectionId=ID` with the job's
/// `System.AccessToken`; the `oidcToken` it returns is the client assertion.
struct AzurePipelinesOIDC: Sendable {
    let requestURI: String
    let accessToken: String
    let serviceConnectionID: String
    let http: HTTPClient

    init(requestURI: String, accessToken: String, serviceConnectionID: String, http: HTTPClient) {
        self.requestURI = requestURI
        self.accessToken = accessToken
        self.serviceConnectionID = serviceConnectionID
        self.http = http
        Redactor.shared.register(accessToken)
    }

    func token() async throws -> String {
        do { try URLPolicy.check(requestURI) } catch { throw Failure(.config, error.message, at: "SYSTEM_OIDCREQUESTURI") }
        let separator = requestURI.contains("?") ? "&" : "?"
        let url = requestURI + separator + QueryString.encode([("api-version", "7.1"), ("serviceConnectionId", serviceConnectionID)])
        let response = try await http.send {
            HTTPRequest(method: "POST", url: url, headers: [
                ("Authorization", "Bearer \(accessToken)"), ("Content-Type", "application/json"), ("X-TFS-FedAuthRedirect", "Suppress"),
            ], body: [])
        }
        let location = "POST SYSTEM_OIDCREQUESTURI"
        let json = try? JSONParser.parse(response.body)
        guard response.status == 200 else {
            let message = json?["message"]?.stringValue.map(EntraTokenEndpoint.firstLine) ?? "HTTP \(response.status)"
            let status: ExitStatus = [401, 403, 404].contains(response.status) ? .noPermission : .unavailable
            throw Failure(status, "Azure Pipelines refused the OIDC token request (HTTP \(response.status)): \(message)", at: location)
        }
        guard let token = json?["oidcToken"]?.stringValue, !token.isEmpty else {
            throw Failure(.unavailable, "Azure Pipelines answered without an oidcToken", at: location)
        }
        return token
    }
}
