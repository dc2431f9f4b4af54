import ArgumentParser
import Foundation
import ReportKit

/// The Azure clouds kv-get knows: where their vaults live and which Entra host signs in.
public enum AzureCloud: String, Sendable, CaseIterable, ExpressibleByArgument {
    case `public`, china, usgov

    /// `--cloud USGov` is usgov, as `$AZURE_CLOUD=USGov` is.
    public init?(argument: String) {
        self.init(rawValue: argument.lowercased())
    }

    public var vaultSuffix: String {
        switch self {
        case .public: return "vault.azure.net"
        case .china: return "vault.azure.cn"
        case .usgov: return "vault.usgovcloudapi.net"
        }
    }

    public var authorityHost: String {
        switch self {
        case .public: return "https://login.microsoftonline.com"
        case .china: return "https://login.chinacloudapi.cn"
        case .usgov: return "https://login.microsoftonline.us"
        }
    }

    /// Resource hosts a Key Vault challenge may name (Managed HSM and the closed/sovereign
    /// clouds azure-cli still lists included).
    public static let keyVaultResourceHosts: Set<String> = [
        "vault.azure.net", "vault.azure.cn", "vault.usgovcloudapi.net", "vault.microsoftazure.de", "vault.sovcloud-api.fr",
        "managedhsm.azure.net", "managedhsm.azure.cn", "managedhsm.usgovcloudapi.net",
    ]

    /// `AZURE_AUTHORITY_HOST` as azure-identity reads it (a bare host gets https://), else the cloud's.
    public func authority(environment: [String: String]) throws -> String {
        guard let raw = environment["AZURE_AUTHORITY_HOST"], !raw.isEmpty else { return authorityHost }
        var value = raw.contains("://") ? raw : "https://" + raw
        while value.hasSuffix("/") { value.removeLast() }
        do { try URLPolicy.check(value) } catch { throw Failure(.config, error.message, at: "AZURE_AUTHORITY_HOST") }
        return value
    }
}

/// A vault's base URL (`https://NAME.vault.azure.net`, no path) and what may answer for it.
public struct VaultAddress: Sendable, Equatable {
    public let base: String
    public let host: String

    public init(base: String, host: String) {
        self.base = base
        self.host = host
    }

    /// From `--vault NAME` / `KEY_VAULT_NAME` (with the cloud's suffix) or `--vault-url` / `KEY_VAULT_URL`.
    public static func resolve(name: String?, url: String?, cloud: AzureCloud, environment: [String: String]) throws -> VaultAddress {
        if name != nil, url != nil { throw Failure(.usage, "give --vault NAME or --vault-url URL, not both") }
        if let url { return try parse(url: url, origin: "--vault-url") }
        if let name { return try fromName(name, cloud: cloud, origin: "--vault") }
        if let url = environment["KEY_VAULT_URL"], !url.isEmpty { return try parse(url: url, origin: "KEY_VAULT_URL") }
        if let name = environment["KEY_VAULT_NAME"], !name.isEmpty { return try fromName(name, cloud: cloud, origin: "KEY_VAULT_NAME") }
        throw Failure(.config, "no vault: set KEY_VAULT_NAME or KEY_VAULT_URL, or pass --vault NAME / --vault-url URL")
    }

    /// 3–24 of letters, digits and `-`, no `--`.
    static func fromName(_ name: String, cloud: AzureCloud, origin: String) throws -> VaultAddress {
        guard (3...24).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }), !name.contains("--") else {
            throw Failure(.usage, "'\(name)' is not a vault name (3–24 letters, digits and single hyphens)", at: origin)
        }
        let host = "\(name.lowercased()).\(cloud.vaultSuffix)"
        return VaultAddress(base: "https://\(host)", host: host)
    }

    static func parse(url: String, origin: String) throws -> VaultAddress {
        do { try URLPolicy.check(url) } catch { throw Failure(.config, error.message, at: origin) }
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host,
            components.path.isEmpty || components.path == "/", components.query == nil, !url.contains("\\")
        else {
            throw Failure(.config, "a vault URL is scheme and host only, like https://NAME.vault.azure.net", at: origin)
        }
        let port = components.port.map { ":\($0)" } ?? ""
        return VaultAddress(base: "\(scheme.lowercased())://\(host.lowercased())\(port)", host: host.lowercased())
    }

    public var isLoopback: Bool { URLPolicy.isLoopbackOrIMDS(host) && host != "169.254.169.254" }

    /// The challenge check (azure-keyvault-secrets' `verify_challenge_resource`): the vault host
    /// must end with "." + the resource's host. A loopback vault (the sandbox) is exempt from the
    /// suffix rule but still accepts only a real Key Vault resource, so a rogue one is refused.
    public func accepts(resource: String) -> Bool {
        guard let resourceHost = URLComponents(string: resource)?.host?.lowercased(), !resourceHost.isEmpty else { return false }
        if isLoopback { return AzureCloud.keyVaultResourceHosts.contains(resourceHost) }
        return host.hasSuffix("." + resourceHost)
    }
}
