import Crypto
import Foundation
import ReportKit
import Testing

/// The built `kv-get` against cloud-sandbox's Entra, IMDS, Azure Pipelines and Key Vault:
/// every credential source, the chain's order and fall-through, the challenge (a rogue
/// resource included), paging, quoting, 0600 files, and no secret on stderr.
@Suite(.serialized)
struct KVGetEndToEndTests {
    static let clientSecret = "sbxClientSecret~0123456789abcdefghij"
    static let tricky = "it's \"quoted\"\nsecond line $HOME `id` \\ 한국어 비밀"

    static func scenario(azure: String = "") -> String {
        """
        {"seed": 7, "customers": [
          {"id": "alpha", "type": "pri", "accessKey": "KVALPHAACCESS0001", "secretKey": "kvAlphaSecretKey0123456789", "platforms": ["vpc"]},
          {"id": "bravo", "type": "gov", "accessKey": "KVBRAVOACCESS0002", "secretKey": "kvBravoSecretKey0123456789", "platforms": ["vpc"]},
          {"id": "old", "type": "pri", "accessKey": "KVOLDACCESS000003", "secretKey": "kvOldSecretKey000123456789", "platforms": ["vpc"]},
          {"id": "later", "type": "pri", "accessKey": "KVLATERACCESS0004", "secretKey": "kvLaterSecretKey0123456789", "platforms": ["vpc"]},
          {"id": "paused", "type": "pri", "accessKey": "KVPAUSEDACCESS005", "secretKey": "kvPausedSecretKey123456789", "platforms": ["vpc"]}],
         "azure": {"expiredSecrets": ["old"], "notYetValidSecrets": ["later"], "disabledSecrets": ["paused"],
                   "forbiddenSecrets": ["locked"],
                   "extraSecrets": [{"name": "tricky", "value": \(JSONValue.string(tricky).compactString), "contentType": "text/plain"},
                                    {"name": "locked", "value": "lockedValue123"}]\(azure.isEmpty ? "" : ", " + azure)}}
        """
    }

    /// The sandbox's environment with only the named Azure variables kept.
    static func env(_ sandbox: RunningSandbox, keeping: [String]) -> [String: String] {
        let azure = ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"]
        var env = sandbox.environment
        for name in azure where !keeping.contains(name) { env.removeValue(forKey: name) }
        return env
    }

    func kv(_ args: [String], _ env: [String: String]) throws -> ToolRunner.Result {
        try ToolRunner.run("kv-get", args, environment: env)
    }

    func roster(_ result: ToolRunner.Result) throws -> [String] {
        try result.lines.map { try #require(JSONParser.parse($0)["customer_id"]?.stringValue) }
    }

    @Test func clientSecretRosterSkipsUnusableSecretsAndNeverLogsSecrets() throws {
        let sandbox = try RunningSandbox(scenario: Self.scenario())
        defer { sandbox.stop() }
        let result = try kv(["--roster", "--with-secret", "-vv"], sandbox.environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try roster(result) == ["alpha", "bravo"])
        let bravo = try JSONParser.parse(result.lines[1])
        #expect(bravo["site"]?.stringValue == "gov")
        #expect(bravo["access_key"]?.stringValue == "KVBRAVOACCESS0002")
        #expect(bravo["secret_key"]?.stringValue == "kvBravoSecretKey0123456789")
        #expect(result.stderr.contains("credential=client-secret"))
        for skipped in ["customer=old", "customer=later", "customer=paused"] { #expect(result.stderr.contains(skipped)) }
        for secret in [Self.clientSecret, "kvAlphaSecretKey0123456789", "kvBravoSecretKey0123456789", "sbx-at-"] {
            #expect(!result.stderr.contains(secret), "stderr leaks \(secret)")
        }
        // The first request carried no token: the challenge told us where to sign in.
        let first = try JSONParser.parse(try #require(sandbox.requests.first))
        #expect(first["path"]?.stringValue == "/secrets" && first["auth"] == .bool(false) && first["status"]?.intValue == 401)
    }

    @Test func rosterKeysWorkAgainstTheNCPSide() throws {
        let sandbox = try RunningSandbox(scenario: Self.scenario())
        defer { sandbox.stop() }
        let entry = try JSONParser.parse(try #require(try kv(["--roster", "--with-secret", "--customer", "alpha"], sandbox.environment).lines.first))
        var env = sandbox.environment
        env["NCLOUD_ACCESS_KEY"] = entry["access_key"]?.stringValue
        env["NCLOUD_SECRET_KEY"] = entry["secret_key"]?.stringValue
        let fetch = try ToolRunner.run("ncp-fetch", ["vpc"], environment: env)
        #expect(fetch.status == 0, "\(fetch.stderr)")
    }

    @Test func envFormatQuotesAnyValueForEval() throws {
        let sandbox = try RunningSandbox(scenario: Self.scenario())
        defer { sandbox.stop() }
        let result = try kv(["tricky=TRICKY", "alpha", "--format", "env"], sandbox.environment)
        #expect(result.status == 0, "\(result.stderr)")
        let script = result.stdout + "\nprintf '%s' \"$TRICKY\"; printf '|%s' \"$ALPHA\""
        let bash = try ToolRunner.runProgram("/bin/bash", ["-c", script], environment: ["PATH": "/usr/bin:/bin"])
        #expect(bash.stdout == Self.tricky + "|kvAlphaSecretKey0123456789")
        let raw = try kv(["tricky"], sandbox.environment)
        #expect(raw.stdout == Self.tricky)
        let json = try JSONParser.parse(try #require(try kv(["tricky", "--format", "json"], sandbox.environment).lines.first))
        #expect(json["value"]?.stringValue == Self.tricky && json["contentType"]?.stringValue == "text/plain")
    }

    @Test func outputFileIsPrivateAndVersionedReadsWork() throws {
        let sandbox = try RunningSandbox(scenario: Self.scenario())
        defer { sandbox.stop() }
        let json = try JSONParser.parse(try #require(try kv(["alpha", "--format", "json"], sandbox.environment).lines.first))
        let version = try #require(json["version"]?.stringValue)
        let path = sandbox.directory.appendingPathComponent("out/alpha.secret").path
        let result = try kv(["alpha/\(version)", "--output", path, "--newline"], sandbox.environment)
        #expect(result.status == 0 && result.stdout.isEmpty)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "kvAlphaSecretKey0123456789\n")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let wrong = try kv(["alpha/0123456789abcdef0123456789abcdef"], sandbox.environment)
        #expect(wrong.status == 66 && wrong.stderr.contains("SecretNotFound"))
    }

    @Test func serviceErrorsMapToExitCodes() throws {
        let sandbox = try RunningSandbox(scenario: Self.scenario())
        defer { sandbox.stop() }
        let disabled = try kv(["paused"], sandbox.environment)
        #expect(disabled.status == 77 && disabled.stderr.contains("Forbidden/SecretDisabled"))
        let forbidden = try kv(["locked"], sandbox.environment)
        #expect(forbidden.status == 77 && forbidden.stderr.contains("ForbiddenByRbac"))
        #expect(try kv(["missing-one"], sandbox.environment).status == 66)
        let badName = try kv(["db_password"], sandbox.environment)
        #expect(badName.status == 64 && sandbox.requests.filter { $0.contains("db_password") }.isEmpty)
        var wrongSecret = sandbox.environment
        wrongSecret["AZURE_CLIENT_SECRET"] = "not-the-secret-value"
        let refused = try kv(["alpha"], wrongSecret)
        #expect(refused.status == 77 && refused.stderr.contains("AADSTS7000215"))
        #expect(!refused.stderr.contains("not-the-secret-value"))
    }

    @Test func pagingFollowsNextLinkWithOurApiVersion() throws {
        let sandbox = try RunningSandbox(scenario: Self.scenario(azure: #""fillerSecrets": 60, "vaultPageSize": 25"#))
        defer { sandbox.stop() }
        let result = try kv(["--list"], sandbox.environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.lines.count == 67)
        #expect(!result.stdout.contains("\"value\""))
        let lists = sandbox.requests.compactMap { try? JSONParser.parse($0) }.filter { $0["path"]?.stringValue == "/secrets" && $0["auth"] == .bool(true) }
        #expect(lists.count == 3)
        #expect(lists.allSatisfy { $0["query"]?.stringValue?.contains("api-version=7.5") == true && $0["query"]?.stringValue?.contains("7.2") == false })
        let gov = try kv(["--list", "--tag", "customer_type=gov"], sandbox.environment)
        #expect(gov.lines.count == 1 && gov.stdout.contains("\"name\":\"bravo\""))
    }

    @Test func throttlingBacksOffThenGivesUpWith75() throws {
        let sandbox = try RunningSandbox(scenario: Self.scenario(azure: #""vaultThrottle": 2"#))
        defer { sandbox.stop() }
        let recovered = try kv(["alpha"], sandbox.environment)
        #expect(recovered.status == 0 && recovered.stdout == "kvAlphaSecretKey0123456789")
        let always = try RunningSandbox(scenario: Self.scenario(azure: #""vaultThrottle": 1000"#))
        defer { always.stop() }
        let gaveUp = try kv(["alpha", "--retries", "2"], always.environment)
        #expect(gaveUp.status == 75 && gaveUp.stderr.contains("Throttled"))
    }

    @Test func rogueChallengeResourceGetsNoToken() throws {
        let sandbox = try RunningSandbox(scenario: Self.scenario(azure: #""challengeResource": "https://vault.evil.example""#))
        defer { sandbox.stop() }
        let result = try kv(["alpha"], sandbox.environment)
        #expect(result.status == 77 && result.stderr.contains("vault.evil.example"))
        #expect(sandbox.requests.allSatisfy { !$0.contains("oauth2") })
    }

    @Test func clientCertificateSignsAPS256Assertion() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kvcert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = dir.appendingPathComponent("key.pem").path, cert = dir.appendingPathComponent("cert.pem").path
        let made = try ToolRunner.runProgram("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                                                                  "-subj", "/CN=kv-get-test", "-days", "2"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(made.status == 0, "\(made.stderr)")
        let der = try ToolRunner.runProgram("/usr/bin/openssl", ["x509", "-in", cert, "-outform", "DER", "-out", dir.appendingPathComponent("c.der").path], environment: [:])
        #expect(der.status == 0)
        let thumbprint = Base64URL.encode(Data(SHA256.hash(data: try Data(contentsOf: dir.appendingPathComponent("c.der")))))
        let publicKey = try ToolRunner.runProgram("/usr/bin/openssl", ["x509", "-in", cert, "-pubkey", "-noout"], environment: [:]).stdout
        let combined = dir.appendingPathComponent("client.pem").path
        try (try String(contentsOfFile: cert, encoding: .utf8) + String(contentsOfFile: key, encoding: .utf8)).write(toFile: combined, atomically: true, encoding: .utf8)
        let azure = "\"certificateThumbprint\": \"\(thumbprint)\", \"certificatePublicKeyPem\": \(JSONValue.string(publicKey).compactString)"
        let sandbox = try RunningSandbox(scenario: Self.scenario(azure: azure))
        defer { sandbox.stop() }
        var env = Self.env(sandbox, keeping: ["AZURE_TENANT_ID", "AZURE_CLIENT_ID"])
        env["AZURE_CLIENT_CERTIFICATE_PATH"] = combined
        let result = try kv(["alpha", "-v"], env)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "kvAlphaSecretKey0123456789" && result.stderr.contains("credential=client-certificate"))
        // Another key with the same thumbprint claim is refused by signature.
        let other = dir.appendingPathComponent("other.pem").path
        _ = try ToolRunner.runProgram("/usr/bin/openssl", ["genpkey", "-algorithm", "RSA", "-out", other], environment: [:])
        try (try String(contentsOfFile: cert, encoding: .utf8) + String(contentsOfFile: other, encoding: .utf8)).write(toFile: combined, atomically: true, encoding: .utf8)
        let forged = try kv(["alpha"], env)
        #expect(forged.status == 77 && forged.stderr.contains("AADSTS700027"))
    }

    @Test func workloadIdentityAndAzurePipelinesUseFederatedAssertions() throws {
        let sandbox = try RunningSandbox(scenario: Self.scenario())
        defer { sandbox.stop() }
        let tokenFile = sandbox.directory.appendingPathComponent("federated-token").path
        try (sandbox.environment["SANDBOX_FEDERATED_TOKEN"] ?? "").write(toFile: tokenFile, atomically: true, encoding: .utf8)
        var workload = Self.env(sandbox, keeping: ["AZURE_TENANT_ID", "AZURE_CLIENT_ID"])
        workload["AZURE_FEDERATED_TOKEN_FILE"] = tokenFile
        let viaFile = try kv(["alpha", "-v"], workload)
        #expect(viaFile.status == 0 && viaFile.stderr.contains("credential=workload-identity"), "\(viaFile.stderr)")

        var pipelines = Self.env(sandbox, keeping: ["AZURE_TENANT_ID", "AZURE_CLIENT_ID"])
        pipelines["SYSTEM_OIDCREQUESTURI"] = sandbox.environment["SANDBOX_OIDC_REQUEST_URI"]
        pipelines["SYSTEM_ACCESSTOKEN"] = sandbox.environment["SANDBOX_PIPELINES_ACCESS_TOKEN"]
        pipelines["AZURESUBSCRIPTION_SERVICE_CONNECTION_ID"] = sandbox.environment["SANDBOX_SERVICE_CONNECTION_ID"]
        let viaPipelines = try kv(["alpha", "-vv"], pipelines)
        #expect(viaPipelines.status == 0 && viaPipelines.stderr.contains("credential=azure-pipelines"), "\(viaPipelines.stderr)")
        #expect(!viaPipelines.stderr.contains("sbxSystemAccessToken") && !viaPipelines.stderr.contains("sbx-oidc-"))
        pipelines["SYSTEM_ACCESSTOKEN"] = "expired-job-token"
        let refused = try kv(["alpha"], pipelines)
        #expect(refused.status == 77 && refused.stderr.contains("TF400813"))
    }

    @Test func managedIdentityRetriesIMDSAndSelectsIdentities() throws {
        let sandbox = try RunningSandbox(scenario: Self.scenario(azure: #""imdsFaults": [404, 503]"#))
        defer { sandbox.stop() }
        let env = Self.env(sandbox, keeping: [])
        let result = try kv(["alpha", "--credential", "managed-identity", "-v"], env)
        #expect(result.status == 0 && result.stdout == "kvAlphaSecretKey0123456789", "\(result.stderr)")
        let imds = sandbox.requests.filter { $0.contains("/metadata/identity/oauth2/token") }
        #expect(imds.count == 3)
        let byClient = try kv(["alpha", "--credential", "managed-identity", "--identity-client-id", "5f1d0000-0000-4000-8000-0000000000a1"], env)
        #expect(byClient.status == 0)
        let unknown = try kv(["alpha", "--credential", "managed-identity", "--identity-object-id", "00000000-dead-beef-0000-000000000000"], env)
        #expect(unknown.status == 77 && unknown.stderr.contains("Identity not found"))
    }

    /// A stand-in `az` that gets its token from the sandbox's Entra, as the real CLI would.
    static func standInAz(in directory: URL, loggedIn: Bool) throws -> String {
        let bin = directory.appendingPathComponent(loggedIn ? "bin-in" : "bin-out")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let script = loggedIn ? """
            #!/bin/bash
            set -euo pipefail
            [[ "$1 $2" == "account get-access-token" ]] || exit 2
            token=$(curl -sS -X POST --data-urlencode "client_id=$SBX_CLIENT" --data-urlencode "client_secret=$SBX_SECRET" \\
              --data-urlencode "scope=https://vault.azure.net/.default" --data-urlencode grant_type=client_credentials \\
              "$AZURE_AUTHORITY_HOST/$SBX_TENANT/oauth2/v2.0/token" | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')
            printf '{"accessToken":"%s","expiresOn":"2099-01-01 00:00:00.000000","expires_on":%d,"tenant":"%s","tokenType":"Bearer"}\\n' "$token" $(( $(date +%s) + 3600 )) "$SBX_TENANT"
            """ : """
            #!/bin/bash
            echo "ERROR: Please run 'az login' to setup account." >&2
            exit 1
            """
        let path = bin.appendingPathComponent("az").path
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return bin.path
    }

    @Test func chainFallsThroughToTheAzureCLIAndStopsOnRealFailures() throws {
        let sandbox = try RunningSandbox(scenario: Self.scenario())
        defer { sandbox.stop() }
        var env = Self.env(sandbox, keeping: [])
        env["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = "http://127.0.0.1:9"  // no IMDS here: unavailable
        env["SBX_CLIENT"] = sandbox.environment["AZURE_CLIENT_ID"]
        env["SBX_SECRET"] = sandbox.environment["AZURE_CLIENT_SECRET"]
        env["SBX_TENANT"] = sandbox.environment["AZURE_TENANT_ID"]
        let path = env["PATH"] ?? "/usr/bin:/bin"
        env["PATH"] = try Self.standInAz(in: sandbox.directory, loggedIn: true) + ":" + path
        let viaCLI = try kv(["alpha", "-v"], env)
        #expect(viaCLI.status == 0 && viaCLI.stdout == "kvAlphaSecretKey0123456789", "\(viaCLI.stderr)")
        #expect(viaCLI.stderr.contains("credential=managed-identity") && viaCLI.stderr.contains("credential=azure-cli"))

        env["PATH"] = try Self.standInAz(in: sandbox.directory, loggedIn: false) + ":" + path
        let nobody = try kv(["alpha"], env)
        #expect(nobody.status == 78 && nobody.stderr.contains("not logged in"), "\(nobody.stderr)")

        // A configured client secret that Entra refuses stops the chain: az is not asked.
        env["PATH"] = try Self.standInAz(in: sandbox.directory, loggedIn: true) + ":" + path
        env["AZURE_TENANT_ID"] = sandbox.environment["AZURE_TENANT_ID"]
        env["AZURE_CLIENT_ID"] = sandbox.environment["AZURE_CLIENT_ID"]
        env["AZURE_CLIENT_SECRET"] = "wrong-secret-value"
        let stopped = try kv(["alpha", "-v"], env)
        #expect(stopped.status == 77 && !stopped.stderr.contains("credential=azure-cli"))
    }

    @Test func rosterFileIsValidatedAndFiltered() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("roster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("roster.ndjson").path
        try """
            {"customer_id": "alpha", "customer_type": "pri", "access_key": "A1", "secret_key": "s-alpha-1"}
            # comment lines are allowed
            {"customer_id": "gamma", "customer_type": "gov", "access_key": "G1", "secret_key": "s-gamma-1"}
            """.write(toFile: good, atomically: true, encoding: .utf8)
        chmod(good, 0o600)
        let env = ToolRunner.baseEnvironment()
        let result = try kv(["--roster", "--file", good, "--customer", "gamma", "--with-secret"], env)
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        #expect(result.stdout == #"{"customer_id":"gamma","customer_type":"gov","site":"gov","access_key":"G1","secret_key":"s-gamma-1"}"# + "\n")
        chmod(good, 0o644)
        #expect(try kv(["--roster", "--file", good], env).stderr.contains("readable by others"))
        let bad = dir.appendingPathComponent("bad.json").path
        try #"[{"customer_id": "alpha", "customer_type": "pri", "access_key": "A1"}, {"customer_id": "beta", "customer_type": "private", "access_key": "B1"}]"#
            .write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try kv(["--roster", "--file", bad], env)
        #expect(refused.status == 78 && refused.stderr.contains("bad.json: entry 2: customer_type"))
    }

    @Test func financialCloudCustomersAreInTheRoster() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("roster-fin-\(UUID().uuidString).ndjson").path
        try #"{"customer_id": "fin-bank", "customer_type": "fin", "access_key": "F1", "secret_key": "s-fin-1"}"#.write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o600)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = try kv(["--roster", "--file", file], ToolRunner.baseEnvironment())
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == #"{"customer_id":"fin-bank","customer_type":"fin","site":"fin","access_key":"F1"}"# + "\n")
    }
}
