import ArgumentParser
import AzureKit
import Foundation
import ReportHTTP
import ReportKit

@main
struct KVGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kv-get",
        abstract: "Read secrets and the customer roster from Azure Key Vault.",
        discussion: """
            Three jobs:
              kv-get NAME[/VERSION][=ENVNAME]...     secret values (--format raw|env|json)
              kv-get --list [--tag k=v]...           secret properties as NDJSON, never values
              kv-get --roster [--with-secret]        the customers (v2 layout) as NDJSON

            The vault comes from --vault NAME / KEY_VAULT_NAME (with --cloud's DNS suffix) or --vault-url URL / KEY_VAULT_URL.

            Formats: raw prints exactly one value (add --newline for a trailing newline); env prints `export ENVNAME='value'` lines that are safe to eval whatever the value holds (ENVNAME defaults to the name upper-cased with '-' → '_'); json prints one object per secret (name, version, contentType, value). Default: raw for one name, env for several. --output FILE writes atomically with mode 0600 instead of stdout.

            Roster (the v2 layout): one secret per customer, name = customer id, value = NCP secret key, tags customer_type (pri → public site, gov → gov site) and access_key. Disabled, expired and not-yet-valid secrets are skipped with a warning. --file FILE reads a roster file instead (JSON array or NDJSON of customer_id, customer_type, access_key, secret_key). --with-secret adds secret_key: pipe it into the next tool or --output it (0600), never into a shared file.

            Authentication, the first that is configured (azure-identity's order):
              client-secret        AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET
              client-certificate   AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_CERTIFICATE_PATH (PEM: cert + RSA key)
              workload-identity    AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_FEDERATED_TOKEN_FILE
              azure-pipelines      SYSTEM_OIDCREQUESTURI + SYSTEM_ACCESSTOKEN + AZURESUBSCRIPTION_SERVICE_CONNECTION_ID + AZURE_CLIENT_ID + AZURE_TENANT_ID
              managed-identity     IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST overrides the base URL); --identity-* picks a user-assigned identity
              azure-cli            az account get-access-token
            --credential NAME (or AZURE_TOKEN_CREDENTIALS: a name, prod or dev) forces one; -v says which one answered. AZURE_AUTHORITY_HOST replaces the Entra host. Secret values, client secrets and tokens never reach stderr.

            Examples:
              eval "$(kv-get --vault msp-report db-password=DATABASE_PWD teams-webhook=TEAMS_WEBHOOK_URL)"
              kv-get --vault-url https://msp-report.vault.azure.net --list --tag customer_type=gov
              kv-get --roster --with-secret | jq -c 'select(.site == "public")'
              kv-get --roster --file config/roster.ndjson --customer alpha
              kv-get ncp-alpha --output /run/secrets/alpha --credential managed-identity

            Exit status:
            \(ExitStatus.helpTable)
            """,
        version: ToolVersion.current
    )

    @Argument(help: ArgumentHelp("Secrets to print: NAME, NAME/VERSION, NAME=ENVNAME.", valueName: "name"))
    var secrets: [String] = []

    @Option(help: ArgumentHelp("Vault name ($KEY_VAULT_NAME).", valueName: "name"))
    var vault: String?

    @Option(help: ArgumentHelp("Vault URL, https://NAME.vault.azure.net ($KEY_VAULT_URL).", valueName: "url"))
    var vaultUrl: String?

    @Option(help: ArgumentHelp("public, china or usgov: the vault suffix and Entra host ($AZURE_CLOUD, default public).", valueName: "cloud"))
    var cloud: String?

    @Option(help: ArgumentHelp("raw, env or json (default: raw for one secret, env for several).", valueName: "format"))
    var format: String?

    @Flag(help: "With --format raw: end the value with a newline.")
    var newline = false

    @Option(help: ArgumentHelp("Write to this file (mode 0600, atomically) instead of stdout.", valueName: "file"))
    var output: String?

    @Flag(help: "List secret properties (no values) as NDJSON.")
    var list = false

    @Option(name: .customLong("tag"), help: ArgumentHelp("With --list: only secrets with this tag (repeatable; all must match).", valueName: "k=v"))
    var tags: [String] = []

    @Flag(help: "Print the customer roster as NDJSON.")
    var roster = false

    @Option(help: ArgumentHelp("With --roster: read this roster file instead of the vault.", valueName: "file"))
    var file: String?

    @Flag(help: "With --roster: add each customer's NCP secret key (secret_key).")
    var withSecret = false

    @Option(name: .customLong("customer"), help: ArgumentHelp("With --roster: only this customer (repeatable).", valueName: "id"))
    var customers: [String] = []

    @Option(help: ArgumentHelp("Force one credential (see above).", valueName: "name"))
    var credential: String?

    @Option(help: ArgumentHelp("Managed identity: a user-assigned identity's client id.", valueName: "id"))
    var identityClientId: String?

    @Option(help: ArgumentHelp("Managed identity: a user-assigned identity's object id.", valueName: "id"))
    var identityObjectId: String?

    @Option(help: ArgumentHelp("Managed identity: a user-assigned identity's ARM resource id.", valueName: "id"))
    var identityResourceId: String?

    @Option(help: ArgumentHelp("Key Vault REST api-version ($KEY_VAULT_API_VERSION, default 7.5).", valueName: "v"))
    var apiVersion: String?

    @Option(help: ArgumentHelp("Secrets per list page, 1-25 (default 25).", valueName: "n"))
    var pageSize: Int = 25

    @Option(help: ArgumentHelp("Time zone of --list timestamps ($REPORT_TZ, default Asia/Seoul).", valueName: "zone"))
    var tz: String?

    @OptionGroup var http: HTTPOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        await ToolMain.run(tool: "kv-get", logging: logging) { try await execute() }
    }

    func validateModes() throws {
        let modes = [list, roster, !secrets.isEmpty].filter { $0 }.count
        guard modes == 1 else {
            throw Failure(.usage, modes == 0 ? "name a secret, or use --list or --roster (see --help)" : "secret names, --list and --roster are separate jobs: use one")
        }
        if file != nil || withSecret || !customers.isEmpty, !roster { throw Failure(.usage, "--file, --with-secret and --customer go with --roster") }
        if !tags.isEmpty, !list { throw Failure(.usage, "--tag goes with --list") }
        if format != nil || newline, secrets.isEmpty { throw Failure(.usage, "--format and --newline go with secret names") }
        guard (1...25).contains(pageSize) else { throw Failure(.usage, "--page-size must be 1 to 25 (Key Vault's maxresults)") }
    }

    func execute() async throws {
        try validateModes()
        let environment = ProcessInfo.processInfo.environment
        let fallback = EnvironmentFallback(environment)
        let sink = Sink(path: output)
        if roster, let file {
            try writeRoster(try RosterFile.load(path: file), to: sink)
            return try sink.finish()
        }
        let requests = try secrets.map(SecretRequest.init)
        let outputFormat = try Format.resolve(format, count: requests.count)
        let client = try makeClient(environment: environment, fallback: fallback)
        if list {
            try await listSecrets(client, fallback: fallback, to: sink)
        } else if roster {
            try await vaultRoster(client, to: sink)
        } else {
            try await printValues(requests, format: outputFormat, client: client, to: sink)
        }
        try sink.finish()
    }

    func makeClient(environment: [String: String], fallback: EnvironmentFallback) throws -> KeyVaultClient {
        let cloudChoice = try fallback.resolve(cloud, flag: "--cloud", env: ["AZURE_CLOUD"], default: AzureCloud.public,
                                               { AzureCloud(rawValue: $0.lowercased()) }, expected: "public, china or usgov").value
        let address = try VaultAddress.resolve(name: vault, url: vaultUrl, cloud: cloudChoice, environment: environment)
        var httpClient = try http.client(environment: fallback)
        httpClient.policy = KeyVaultClient.retryPolicy(attempts: httpClient.policy.maxAttempts == 5 && http.retries == nil ? 6 : httpClient.policy.maxAttempts)
        let selectors = [identityClientId.map(ManagedIdentityCredential.Selector.clientID), identityObjectId.map(ManagedIdentityCredential.Selector.objectID),
                         identityResourceId.map(ManagedIdentityCredential.Selector.resourceID)].compactMap { $0 }
        guard selectors.count <= 1 else { throw Failure(.usage, "give one of --identity-client-id, --identity-object-id, --identity-resource-id") }
        let chain = CredentialChain(environment: environment, cloud: cloudChoice, http: HTTPClient(transport: httpClient.transport, timeouts: httpClient.timeouts),
                                    identity: selectors.first)
        let api = fallback.resolve(apiVersion, flag: "--api-version", env: ["KEY_VAULT_API_VERSION"], default: "7.5")!.value
        Log.shared.info("vault", ["url": address.base, "api-version": api])
        return KeyVaultClient(vault: address, credential: try chain.credential(forced: credential), http: httpClient, apiVersion: api)
    }

    // MARK: - Values

    struct SecretRequest {
        let name: String
        let version: String?
        let variable: String

        init(_ argument: String) throws {
            let assignment = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let reference = assignment[0].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            name = String(reference[0])
            version = reference.count > 1 ? String(reference[1]) : nil
            try SecretName.check(name)
            variable = assignment.count > 1 ? String(assignment[1]) : name.uppercased().replacingOccurrences(of: "-", with: "_")
            guard ShellQuote.isVariableName(variable) else {
                throw Failure(.usage, "'\(variable)' is not a shell variable name; write \(name)=ENVNAME", at: argument)
            }
        }
    }

    enum Format: String {
        case raw, env, json

        static func resolve(_ given: String?, count: Int) throws -> Format {
            guard let given else { return count <= 1 ? .raw : .env }
            guard let format = Format(rawValue: given) else { throw Failure(.usage, "--format must be raw, env or json") }
            if format == .raw, count > 1 { throw Failure(.usage, "--format raw prints exactly one secret; use env or json for \(count)") }
            return format
        }
    }

    func printValues(_ requests: [SecretRequest], format: Format, client: KeyVaultClient, to sink: Sink) async throws {
        var bundles: [SecretBundle] = []
        for request in requests {
            let bundle = try await client.secret(name: request.name, version: request.version)
            if bundle.enabled, let reason = bundle.unusableReason() {
                Log.shared.warning("secret is \(reason); printing it anyway", ["secret": request.name])
            }
            bundles.append(bundle)
        }
        for (request, bundle) in zip(requests, bundles) {
            let value = bundle.value ?? ""
            switch format {
            case .raw:
                sink.append(Array(value.utf8) + (newline ? [0x0A] : []))
            case .env:
                guard !value.utf8.contains(0) else { throw Failure(.dataError, "the value holds a NUL byte, which no shell variable can carry; use --format json", at: request.name) }
                sink.append(Array("export \(request.variable)=\(ShellQuote.single(value))\n".utf8))
            case .json:
                let object = JSONValue.object(JSONObject([
                    ("name", .string(bundle.name)), ("version", bundle.version.map { .string($0) } ?? .null),
                    ("contentType", bundle.contentType.map { .string($0) } ?? .null), ("value", .string(value)),
                ]))
                sink.append(object.compactBytes + [0x0A])
            }
        }
    }

    // MARK: - List and roster

    func listSecrets(_ client: KeyVaultClient, fallback: EnvironmentFallback, to sink: Sink) async throws {
        let filter = try KeyValueArguments.parse(tags)
        let zone = try fallback.resolve(tz, flag: "--tz", env: ["REPORT_TZ"], default: TimeZone(identifier: "Asia/Seoul")!,
                                        { TimeZone(identifier: $0) }, expected: "an IANA time zone such as Asia/Seoul").value
        var count = 0
        try await client.listSecrets(maxResults: pageSize) { page in
            for secret in page where filter.allSatisfy({ secret.tag($0.key) == $0.value }) {
                sink.append(secret.properties(zone: zone).compactBytes + [0x0A])
                count += 1
            }
            try sink.flushIfStreaming()
        }
        Log.shared.info("listed", ["secrets": "\(count)"])
    }

    func vaultRoster(_ client: KeyVaultClient, to sink: Sink) async throws {
        var secrets: [SecretBundle] = []
        try await client.listSecrets(maxResults: pageSize) { secrets.append(contentsOf: $0) }
        var entries = Roster.entries(from: secrets)
        entries = try selected(entries)
        if withSecret {
            try await Concurrently.forEach(entries, limit: 8, { entry in
                try await client.secret(name: entry.customerID).value ?? ""
            }) { index, secret in
                entries[index].secretKey = secret
            }
        }
        try writeRoster(entries, to: sink, filtered: true)
    }

    func selected(_ entries: [RosterEntry]) throws -> [RosterEntry] {
        guard !customers.isEmpty else { return entries }
        for id in customers where !entries.contains(where: { $0.customerID == id }) {
            throw Failure(.noInput, "customer '\(id)' is not in the roster")
        }
        return entries.filter { customers.contains($0.customerID) }
    }

    func writeRoster(_ entries: [RosterEntry], to sink: Sink, filtered: Bool = false) throws {
        let chosen = filtered ? entries : try selected(entries)
        if withSecret, let missing = chosen.first(where: { $0.secretKey == nil }) {
            throw Failure(.config, "customer '\(missing.customerID)' has no secret_key in the roster file", at: file)
        }
        for entry in chosen { sink.append(entry.json(withSecret: withSecret).compactBytes + [0x0A]) }
        Log.shared.info("roster", ["customers": "\(chosen.count)", "source": file ?? "vault"])
    }
}

/// Where output goes: stdout (streamed), or a 0600 file that appears whole at the end.
final class Sink {
    let path: String?
    private var buffer: [UInt8] = []

    init(path: String?) { self.path = path }

    func append(_ bytes: [UInt8]) { buffer += bytes }

    func flushIfStreaming() throws {
        guard path == nil, !buffer.isEmpty else { return }
        try OutputStream.stdout.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws {
        guard let path else {
            try flushIfStreaming()
            return try OutputStream.stdout.flush()
        }
        let file = try AtomicFile(path: path, mode: 0o600)
        try file.write(buffer)
        try file.commit()
    }
}
