import Foundation
import ReportKit
@testable import AzureKit
import Testing

/// kv-get's three jobs against an in-process vault: values in each format, the properties
/// list, and the roster from the vault or a file; the checks on its flags; the connection.
struct VaultReaderTests {
    static let customers: [StubVault.Secret] = [
        .init(name: "alpha", value: "alphaSecretKey0123", tags: ["customer_type": "pri", "access_key": "ALPHAACCESS"]),
        .init(name: "bravo", value: "bravoSecretKey0123", tags: ["customer_type": "gov", "access_key": "BRAVOACCESS"]),
        .init(name: "old", value: "oldSecretKey000123", expires: Date(timeIntervalSince1970: 1_000_000), tags: ["customer_type": "pri", "access_key": "OLDACCESS"]),
        .init(name: "paused", value: "pausedSecretKey123", enabled: false, tags: ["customer_type": "pri", "access_key": "PAUSEDACCESS"]),
        .init(name: "db-password", value: "it's \"quoted\"\nline 2 $HOME", contentType: "text/plain"),
    ]

    /// Runs the reader into a 0600 file and returns what it wrote.
    func output(_ reader: VaultReader, vault: StubVault = StubVault(customers)) async throws -> String {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var reader = reader
        reader.output = (folder as NSString).appendingPathComponent("out")
        try await reader.run { vault.client() }
        let mode = try FileManager.default.attributesOfItem(atPath: reader.output!)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        return try String(contentsOfFile: reader.output!, encoding: .utf8)
    }

    func refusal(_ reader: VaultReader, vault: StubVault = StubVault(customers)) async -> Failure? {
        do { _ = try await output(reader, vault: vault); return nil } catch { return error as? Failure }
    }

    @Test func secretRequestsNameVersionAndVariable() throws {
        let plain = try SecretRequest("db-password")
        #expect(plain.name == "db-password" && plain.version == nil && plain.variable == "DB_PASSWORD")
        let full = try SecretRequest("teams-webhook/0123456789abcdef0123456789abcdef=TEAMS_WEBHOOK_URL")
        #expect(full.name == "teams-webhook" && full.version == "0123456789abcdef0123456789abcdef" && full.variable == "TEAMS_WEBHOOK_URL")
        #expect(throws: Failure.self) { try SecretRequest("db_password") }
        #expect(throws: Failure.self) { try SecretRequest("alpha=1BAD") }
    }

    @Test func formatsAndClouds() throws {
        #expect(try SecretFormat.resolve(nil, count: 1) == .raw)
        #expect(try SecretFormat.resolve(nil, count: 3) == .env)
        #expect(try SecretFormat.resolve(.json, count: 3) == .json)
        #expect(throws: Failure.self) { try SecretFormat.resolve(.raw, count: 2) }
        #expect(SecretFormat.allValueStrings == ["raw", "env", "json"])
        #expect(SecretFormat(argument: "xml") == nil && SecretFormat(argument: "ENV") == nil)
        #expect(AzureCloud(argument: "USGov") == .usgov && AzureCloud(argument: "mars") == nil)
        #expect(AzureCloud.allValueStrings == ["public", "china", "usgov"])
    }

    @Test(arguments: [
        (VaultReader(), "name a secret, or use --list or --roster (see --help)"),
        (VaultReader(secrets: ["a"], list: true), "secret names, --list and --roster are separate jobs: use one"),
        (VaultReader(list: true, roster: true), "secret names, --list and --roster are separate jobs: use one"),
        (VaultReader(list: true, withSecret: true), "--file, --with-secret and --customer go with --roster"),
        (VaultReader(secrets: ["a"], customers: ["alpha"]), "--file, --with-secret and --customer go with --roster"),
        (VaultReader(roster: true, file: nil, customers: [], pageSize: 25).with { $0.tags = ["a=b"] }, "--tag goes with --list"),
        (VaultReader(format: .env, list: true), "--format and --newline go with secret names"),
        (VaultReader(newline: true, roster: true), "--format and --newline go with secret names"),
        (VaultReader(list: true, pageSize: 26), "--page-size must be 1 to 25 (Key Vault's maxresults)"),
    ])
    func flagsGoWithTheirJob(reader: VaultReader, message: String) {
        let refused = failure { try reader.validate() }
        #expect(refused?.exitStatus == .usage && refused?.line == message)
    }

    @Test func rawPrintsOneValueExactly() async throws {
        #expect(try await output(VaultReader(secrets: ["alpha"])) == "alphaSecretKey0123")
        #expect(try await output(VaultReader(secrets: ["alpha"], newline: true)) == "alphaSecretKey0123\n")
        #expect(try await output(VaultReader(secrets: ["alpha/0123456789abcdef0123456789abcdef"])) == "alphaSecretKey0123")
    }

    @Test func envQuotesAnyValue() async throws {
        let text = try await output(VaultReader(secrets: ["db-password", "alpha=NCP_KEY"]))
        #expect(text == "export DB_PASSWORD='it'\\''s \"quoted\"\nline 2 $HOME'\nexport NCP_KEY='alphaSecretKey0123'\n")
    }

    @Test func jsonHasNameVersionContentTypeAndValue() async throws {
        let line = try JSONParser.parse(Array(try await output(VaultReader(secrets: ["db-password"], format: .json)).utf8))
        #expect(line["name"]?.stringValue == "db-password")
        #expect(line["version"]?.stringValue == "0123456789abcdef0123456789abcdef")
        #expect(line["contentType"]?.stringValue == "text/plain")
        #expect(line["value"]?.stringValue == "it's \"quoted\"\nline 2 $HOME")
    }

    @Test func serviceRefusalsKeepTheirStatus() async {
        #expect(await refusal(VaultReader(secrets: ["missing"]))?.exitStatus == .noInput)
        let disabled = await refusal(VaultReader(secrets: ["paused"]))
        #expect(disabled?.exitStatus == .noPermission && disabled?.message.contains("Forbidden/SecretDisabled") == true)
    }

    @Test func theListHasPropertiesNeverValuesAndFiltersByTag() async throws {
        let all = try await output(VaultReader(list: true, tz: "UTC")).split(separator: "\n")
        #expect(all.count == Self.customers.count)
        #expect(!all.joined().contains("alphaSecretKey0123") && !all.joined().contains("\"value\""))
        let first = try JSONParser.parse(Array(all[0].utf8))
        #expect(first["name"]?.stringValue == "alpha" && first["created"]?.stringValue == "2026-01-01T00:00:00+00:00")
        let gov = try await output(VaultReader(list: true, tags: ["customer_type=gov"])).split(separator: "\n")
        #expect(gov.count == 1 && gov[0].contains("\"name\":\"bravo\""))
        let seoul = try JSONParser.parse(Array(try await output(VaultReader(list: true, tags: ["access_key=ALPHAACCESS"])).utf8))
        #expect(seoul["created"]?.stringValue == "2026-01-01T09:00:00+09:00")
        let badZone = await refusal(VaultReader(list: true, tz: "Mars/Olympus"))
        #expect(badZone?.exitStatus == .usage)
    }

    @Test func theVaultRosterSkipsUnusableSecretsAndAddsKeysOnRequest() async throws {
        let vault = StubVault(Self.customers)
        let lines = try await output(VaultReader(roster: true), vault: vault).split(separator: "\n").map { try JSONParser.parse(Array($0.utf8)) }
        #expect(lines.compactMap { $0["customer_id"]?.stringValue } == ["alpha", "bravo"])
        #expect(lines[1]["site"]?.stringValue == "gov" && lines[1]["secret_key"] == nil)
        #expect(!vault.requests.contains { $0.url.contains("/secrets/alpha") })  // no value read without --with-secret
        let keyed = try await output(VaultReader(roster: true, withSecret: true, customers: ["bravo"]))
        let bravo = try JSONParser.parse(Array(keyed.utf8))
        #expect(bravo["customer_id"]?.stringValue == "bravo" && bravo["secret_key"]?.stringValue == "bravoSecretKey0123")
        let unknown = await refusal(VaultReader(roster: true, customers: ["zulu"]))
        #expect(unknown?.exitStatus == .noInput && unknown?.line == "customer 'zulu' is not in the roster")
    }

    @Test func aRosterFileNeedsNoVault() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = (folder as NSString).appendingPathComponent("roster.ndjson")
        try """
            {"customer_id":"alpha","customer_type":"pri","access_key":"A1","secret_key":"alphaFileSecret1"}
            {"customer_id":"bravo","customer_type":"fin","access_key":"B1"}

            """.write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o600)
        var reader = VaultReader(roster: true, file: file, customers: ["bravo"])
        reader.output = (folder as NSString).appendingPathComponent("out")
        try await reader.run { Issue.record("no vault client expected"); throw Failure(.software, "connected") }
        let bravo = try JSONParser.parse(Array(try String(contentsOfFile: reader.output!, encoding: .utf8).utf8))
        #expect(bravo["site"]?.stringValue == "fin" && bravo["secret_key"] == nil)
        reader.withSecret = true
        reader.customers = []
        do {
            try await reader.run { throw Failure(.software, "connected") }
            Issue.record("expected a missing secret_key")
        } catch let failure as Failure {
            #expect(failure.exitStatus == .config && failure.line == "customer 'bravo' has no secret_key in the roster file (\(file))")
        }
    }

    @Test func theConnectionResolvesCloudRetriesAndIdentity() throws {
        let stub = StubVault([])
        let http: (EnvironmentFallback) throws -> HTTPClient = { _ in HTTPClient(transport: stub, policy: RetryPolicy(maxAttempts: 5)) }
        let client = try VaultConnection(vault: "msp-report", cloud: .china).client(environment: [:], makeHTTP: http)
        #expect(client.vault.base == "https://msp-report.vault.azure.cn" && client.apiVersion == "7.5")
        #expect(client.http.policy.maxAttempts == 6)  // Key Vault's ladder has one more rung than our default
        let given = try VaultConnection(vault: "msp-report", retriesGiven: true).client(environment: ["KEY_VAULT_API_VERSION": "7.4"], makeHTTP: http)
        #expect(given.http.policy.maxAttempts == 5 && given.apiVersion == "7.4" && given.vault.host == "msp-report.vault.azure.net")
        let fromEnvironment = try VaultConnection().client(environment: ["KEY_VAULT_NAME": "msp-report", "AZURE_CLOUD": "USGov"], makeHTTP: http)
        #expect(fromEnvironment.vault.host == "msp-report.vault.usgovcloudapi.net")
        let mars = failure { _ = try VaultConnection(vault: "msp-report").client(environment: ["AZURE_CLOUD": "mars"], makeHTTP: http) }
        #expect(mars?.exitStatus == .usage && mars?.line == "invalid value 'mars' for $AZURE_CLOUD: expected public, china or usgov")
        let two = failure {
            _ = try VaultConnection(vault: "msp-report", identityClientID: "a", identityObjectID: "b").client(environment: [:], makeHTTP: http)
        }
        #expect(two?.exitStatus == .usage && two?.line == "give one of --identity-client-id, --identity-object-id, --identity-resource-id")
        #expect(throws: Failure.self) { try VaultConnection().client(environment: [:], makeHTTP: http) }  // no vault
    }
}

extension VaultReader {
    func with(_ change: (inout VaultReader) -> Void) -> VaultReader {
        var copy = self
        change(&copy)
        return copy
    }
}
