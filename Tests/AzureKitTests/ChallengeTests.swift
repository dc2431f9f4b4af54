import Testing
@testable import AzureKit
import ReportKit

/// The Key Vault challenge: parsing, and which resources a vault accepts.
struct ChallengeTests {
    @Test func parsesTheObservedHeader() {
        let parsed = KeyVaultClient.parseChallenge(#"Bearer authorization="https://login.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47", resource="https://vault.azure.net""#)
        #expect(parsed.authorization == "https://login.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47")
        #expect(parsed.resource == "https://vault.azure.net")
        #expect(parsed.scope == nil)
    }

    @Test func acceptsAuthorizationURIAndScope() {
        let parsed = KeyVaultClient.parseChallenge(#"Bearer authorization_uri="https://login.microsoftonline.com/t1" scope="https://vault.azure.net/.default""#)
        #expect(parsed.authorization == "https://login.microsoftonline.com/t1")
        #expect(parsed.scope == "https://vault.azure.net/.default")
    }

    @Test(arguments: [
        ("https://msp.vault.azure.net", "https://vault.azure.net", true),
        ("https://msp.vault.azure.cn", "https://vault.azure.cn", true),
        ("https://msp.vault.usgovcloudapi.net", "https://vault.usgovcloudapi.net", true),
        ("https://msp.vault.azure.net", "https://vault.evil.example", false),
        ("https://msp.vault.azure.net", "https://azure.net", true),
        ("https://msp.vault.azure.net", "https://ault.azure.net", false),
        ("http://127.0.0.1:8443", "https://vault.azure.net", true),
        ("http://127.0.0.1:8443", "https://vault.evil.example", false),
        ("http://127.0.0.1:8443", "https://127.0.0.1", false),
    ])
    func resourceMustBelongToTheVault(vault: String, resource: String, accepted: Bool) throws {
        let address = try VaultAddress.resolve(name: nil, url: vault, cloud: .public, environment: [:])
        #expect(address.accepts(resource: resource) == accepted)
    }

    @Test func vaultNamesGetTheCloudSuffix() throws {
        #expect(try VaultAddress.resolve(name: "MSP-Report", url: nil, cloud: .china, environment: [:]).base == "https://msp-report.vault.azure.cn")
        #expect(try VaultAddress.resolve(name: nil, url: nil, cloud: .usgov, environment: ["KEY_VAULT_NAME": "msp"]).host == "msp.vault.usgovcloudapi.net")
        #expect(throws: Failure.self) { try VaultAddress.resolve(name: "a--b", url: nil, cloud: .public, environment: [:]) }
        #expect(throws: Failure.self) { try VaultAddress.resolve(name: nil, url: "http://msp.vault.azure.net", cloud: .public, environment: [:]) }
        #expect(throws: Failure.self) { try VaultAddress.resolve(name: nil, url: "https://msp.vault.azure.net/secrets", cloud: .public, environment: [:]) }
    }

    @Test func secretNamesAreCheckedBeforeAnyCall() {
        #expect(throws: Failure.self) { try SecretName.check("db_password") }
        #expect(throws: Failure.self) { try SecretName.check(String(repeating: "a", count: 128)) }
        #expect(throws: Never.self) { try SecretName.check("ncp-alpha-01") }
    }

    @Test func shellQuotingSurvivesEveryCharacter() {
        #expect(ShellQuote.single("it's $HOME") == #"'it'\''s $HOME'"#)
        #expect(ShellQuote.isVariableName("DATABASE_PWD"))
        #expect(!ShellQuote.isVariableName("1ABC"))
        #expect(!ShellQuote.isVariableName("A-B"))
    }
}
