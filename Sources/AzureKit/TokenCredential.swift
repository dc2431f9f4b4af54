import Foundation
import ReportKit

/// A bearer token and when it stops working.
public struct AccessToken: Sendable {
    public let token: String
    public let expiresOn: Date

    public init(token: String, expiresOn: Date) {
        self.token = token
        self.expiresOn = expiresOn
        Redactor.shared.register(token)
    }

    /// azure-identity refreshes five minutes before expiry.
    public func isFresh(now: Date = Date()) -> Bool { expiresOn.timeIntervalSince(now) > 300 }
}

/// One way to get a token. `scope` is a v2 scope (`https://vault.azure.net/.default`);
/// `tenant` comes from the Key Vault challenge when the credential has none of its own.
public protocol TokenCredential: Sendable {
    var name: String { get }
    func token(scope: String, tenant: String?) async throws -> AccessToken
}

/// "Not configured here" (no IMDS, no `az`, no login): the chain moves on. A real
/// authentication failure is a `Failure` and stops the chain, as in azure-identity.
public struct CredentialUnavailable: Error, Sendable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// `https://vault.azure.net/.default` → `https://vault.azure.net`: the v1 resource IMDS and `az`
/// take, and what a challenge's `scope` names.
func resource(ofScope scope: String) -> String {
    scope.hasSuffix("/.default") ? String(scope.dropLast("/.default".count)) : scope
}

/// Tries each credential in turn; the first that answers is kept for the rest of the run.
public final class ChainedCredential: TokenCredential {
    public let members: [any TokenCredential]
    private let chosen = Locked<(any TokenCredential)?>(nil)

    public init(_ members: [any TokenCredential]) { self.members = members }

    public var name: String { chosen.withLock { $0?.name } ?? "chain" }

    public func token(scope: String, tenant: String?) async throws -> AccessToken {
        if let credential = chosen.withLock({ $0 }) { return try await credential.token(scope: scope, tenant: tenant) }
        var reasons: [String] = []
        for credential in members {
            do {
                let token = try await credential.token(scope: scope, tenant: tenant)
                chosen.withLock { $0 = credential }
                Log.shared.info("credential answered", ["credential": credential.name])
                return token
            } catch let unavailable as CredentialUnavailable {
                Log.shared.info("credential unavailable", ["credential": credential.name, "reason": unavailable.reason])
                reasons.append("\(credential.name): \(unavailable.reason)")
            }
        }
        throw Failure(.config, "no Azure credential is available (\(reasons.joined(separator: "; ")))")
    }
}

/// A credential forced with `--credential`: "unavailable" becomes a configuration error.
public struct ForcedCredential: TokenCredential {
    public let base: any TokenCredential
    public init(_ base: any TokenCredential) { self.base = base }
    public var name: String { base.name }

    public func token(scope: String, tenant: String?) async throws -> AccessToken {
        do {
            let token = try await base.token(scope: scope, tenant: tenant)
            Log.shared.info("credential answered", ["credential": base.name])
            return token
        } catch let unavailable as CredentialUnavailable {
            throw Failure(.config, "the \(base.name) credential is not available: \(unavailable.reason)")
        }
    }
}
