import Foundation
import ReportKit

/// The Azure half of a scenario: one tenant, one app registration (secret, optional
/// certificate, federated tokens), managed identities, an Azure Pipelines service connection,
/// and the vault's extra secrets and faults. The customers' secrets (v2 layout) come from the
/// scenario's customers, so `kv-get --roster --with-secret` yields keys the NCP part accepts.
public struct AzureScenario: Codable, Sendable {
    public var tenantId = "5b0c7e4e-5a4d-4c1e-9d6b-000000000042"
    public var clientId = "0a1b2c3d-0000-4000-8000-00000000c1e7"
    public var clientSecret = "sbxClientSecret~0123456789abcdefghij"
    /// PEM public key of the app's certificate, and the certificate's `x5t#S256`.
    public var certificatePublicKeyPem: String? = nil
    public var certificateThumbprint: String? = nil
    /// External tokens Entra accepts as client assertions for the app (workload identity).
    public var federatedTokens = ["sbx-federated-token-0001"]
    public var managedIdentities = [ManagedIdentity(clientId: "5f1d0000-0000-4000-8000-0000000000a1", objectId: "7c2e0000-0000-4000-8000-0000000000b2",
                                                   resourceId: "/subscriptions/sbx/resourceGroups/report/providers/Microsoft.ManagedIdentity/userAssignedIdentities/report-vm",
                                                   systemAssigned: true)]
    public var serviceConnectionId = "9d8c7b6a-0000-4000-8000-00000000005c"
    public var pipelinesAccessToken = "sbxSystemAccessToken0123456789"
    /// The resource the vault's 401 challenge names (set a rogue one to test the check).
    public var challengeResource = "https://vault.azure.net"
    public var vaultPageSize = 25
    /// The first N vault requests answer 429 Throttled (no Retry-After, like the service).
    public var vaultThrottle = 0
    /// Statuses for the first IMDS requests (404, 410, 429, 5xx), then the token.
    public var imdsFaults: [Int] = []
    public var disabledSecrets: [String] = []
    public var expiredSecrets: [String] = []
    public var notYetValidSecrets: [String] = []
    /// Secrets the caller may not read: 403 Forbidden/ForbiddenByRbac.
    public var forbiddenSecrets: [String] = []
    public var extraSecrets: [Secret] = []
    /// This many untagged secrets `filler-001`… (for paging).
    public var fillerSecrets = 0

    public struct ManagedIdentity: Codable, Sendable {
        public var clientId: String
        public var objectId: String
        public var resourceId: String
        public var systemAssigned: Bool = false
    }

    public struct Secret: Codable, Sendable {
        public var name: String
        public var value: String
        public var tags: [String: String]? = nil
        public var contentType: String? = nil
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = AzureScenario()
        tenantId = try c.decodeIfPresent(String.self, forKey: .tenantId) ?? d.tenantId
        clientId = try c.decodeIfPresent(String.self, forKey: .clientId) ?? d.clientId
        clientSecret = try c.decodeIfPresent(String.self, forKey: .clientSecret) ?? d.clientSecret
        certificatePublicKeyPem = try c.decodeIfPresent(String.self, forKey: .certificatePublicKeyPem)
        certificateThumbprint = try c.decodeIfPresent(String.self, forKey: .certificateThumbprint)
        federatedTokens = try c.decodeIfPresent([String].self, forKey: .federatedTokens) ?? d.federatedTokens
        managedIdentities = try c.decodeIfPresent([ManagedIdentity].self, forKey: .managedIdentities) ?? d.managedIdentities
        serviceConnectionId = try c.decodeIfPresent(String.self, forKey: .serviceConnectionId) ?? d.serviceConnectionId
        pipelinesAccessToken = try c.decodeIfPresent(String.self, forKey: .pipelinesAccessToken) ?? d.pipelinesAccessToken
        challengeResource = try c.decodeIfPresent(String.self, forKey: .challengeResource) ?? d.challengeResource
        vaultPageSize = try c.decodeIfPresent(Int.self, forKey: .vaultPageSize) ?? d.vaultPageSize
        vaultThrottle = try c.decodeIfPresent(Int.self, forKey: .vaultThrottle) ?? 0
        imdsFaults = try c.decodeIfPresent([Int].self, forKey: .imdsFaults) ?? []
        disabledSecrets = try c.decodeIfPresent([String].self, forKey: .disabledSecrets) ?? []
        expiredSecrets = try c.decodeIfPresent([String].self, forKey: .expiredSecrets) ?? []
        notYetValidSecrets = try c.decodeIfPresent([String].self, forKey: .notYetValidSecrets) ?? []
        forbiddenSecrets = try c.decodeIfPresent([String].self, forKey: .forbiddenSecrets) ?? []
        extraSecrets = try c.decodeIfPresent([Secret].self, forKey: .extraSecrets) ?? []
        fillerSecrets = try c.decodeIfPresent(Int.self, forKey: .fillerSecrets) ?? 0
    }
}
