import ArgumentParser
import Foundation
import ReportKit

/// `--format`: how secret values are printed.
public enum SecretFormat: String, Sendable, CaseIterable, ExpressibleByArgument {
    /// Exactly one value, as it is.
    case raw
    /// `export ENVNAME='value'` lines, safe to eval whatever the value holds.
    case env
    /// One object per secret: name, version, contentType, value.
    case json

    /// The given format, else raw for one secret and env for several; raw for several is exit 64.
    public static func resolve(_ given: SecretFormat?, count: Int) throws(Failure) -> SecretFormat {
        guard let given else { return count <= 1 ? .raw : .env }
        if given == .raw, count > 1 { throw Failure(.usage, "--format raw prints exactly one secret; use env or json for \(count)") }
        return given
    }
}

/// `NAME`, `NAME/VERSION`, `NAME=ENVNAME` (ENVNAME defaults to the name upper-cased, `-` → `_`).
public struct SecretRequest: Sendable, Equatable {
    public let name: String
    public let version: String?
    public let variable: String

    public init(_ argument: String) throws {
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

/// Where kv-get's output goes: stdout (streamed), or a 0600 file that appears whole at the end.
public final class OutputSink {
    public let path: String?
    private var buffer: [UInt8] = []

    public init(path: String?) { self.path = path }

    public func append(_ bytes: [UInt8]) { buffer += bytes }

    public func flushIfStreaming() throws {
        guard path == nil, !buffer.isEmpty else { return }
        try OutputStream.stdout.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    public func finish() throws {
        guard let path else {
            try flushIfStreaming()
            return try OutputStream.stdout.flush()
        }
        let file = try AtomicFile(path: path, mode: 0o600)
        try file.write(buffer)
        try file.commit()
    }
}

/// Which vault, which cloud, which credential: what kv-get connects with.
public struct VaultConnection: Sendable {
    public var vault: String?
    public var vaultURL: String?
    /// `--cloud`; nil: `$AZURE_CLOUD`, else public.
    public var cloud: AzureCloud?
    /// `--credential` (a source name, an alias, prod or dev); nil: `$AZURE_TOKEN_CREDENTIALS`, else the chain.
    public var credential: String?
    public var identityClientID: String?
    public var identityObjectID: String?
    public var identityResourceID: String?
    /// `--api-version`; nil: `$KEY_VAULT_API_VERSION`, else 7.5.
    public var apiVersion: String?
    /// Whether `--retries` was given: without it, five attempts become Key Vault's six.
    public var retriesGiven = false

    public init(vault: String? = nil, vaultURL: String? = nil, cloud: AzureCloud? = nil, credential: String? = nil,
                identityClientID: String? = nil, identityObjectID: String? = nil, identityResourceID: String? = nil,
                apiVersion: String? = nil, retriesGiven: Bool = false) {
        self.vault = vault
        self.vaultURL = vaultURL
        self.cloud = cloud
        self.credential = credential
        self.identityClientID = identityClientID
        self.identityObjectID = identityObjectID
        self.identityResourceID = identityResourceID
        self.apiVersion = apiVersion
        self.retriesGiven = retriesGiven
    }

    /// The client: the vault's address, then the HTTP client `makeHTTP` builds (Key Vault's retry
    /// ladder on it), then the credential chain (or the forced credential).
    public func client(environment: [String: String], makeHTTP: (EnvironmentFallback) throws -> HTTPClient) throws -> KeyVaultClient {
        let fallback = EnvironmentFallback(environment)
        let cloudChoice = try fallback.resolve(cloud?.rawValue, flag: "--cloud", env: ["AZURE_CLOUD"], default: AzureCloud.public,
                                               { AzureCloud(rawValue: $0.lowercased()) }, expected: "public, china or usgov").value
        let address = try VaultAddress.resolve(name: vault, url: vaultURL, cloud: cloudChoice, environment: environment)
        var httpClient = try makeHTTP(fallback)
        httpClient.policy = KeyVaultClient.retryPolicy(attempts: httpClient.policy.maxAttempts == 5 && !retriesGiven ? 6 : httpClient.policy.maxAttempts)
        let selectors = [identityClientID.map(ManagedIdentityCredential.Selector.clientID), identityObjectID.map(ManagedIdentityCredential.Selector.objectID),
                         identityResourceID.map(ManagedIdentityCredential.Selector.resourceID)].compactMap { $0 }
        guard selectors.count <= 1 else { throw Failure(.usage, "give one of --identity-client-id, --identity-object-id, --identity-resource-id") }
        let chain = CredentialChain(environment: environment, cloud: cloudChoice, http: HTTPClient(transport: httpClient.transport, timeouts: httpClient.timeouts),
                                    identity: selectors.first)
        let api = fallback.resolve(apiVersion, flag: "--api-version", env: ["KEY_VAULT_API_VERSION"], default: "7.5")!.value
        Log.shared.info("vault", ["url": address.base, "api-version": api])
        return KeyVaultClient(vault: address, credential: try chain.credential(forced: credential), http: httpClient, apiVersion: api)
    }
}

/// kv-get's three jobs once its options are parsed: secret values, the secrets' properties
/// (`--list`), and the customer roster (`--roster`, from the vault or a roster file).
public struct VaultReader: Sendable {
    /// Secret names to print (NAME, NAME/VERSION, NAME=ENVNAME).
    public var secrets: [String] = []
    public var format: SecretFormat?
    /// With raw: end the value with a newline.
    public var newline = false
    /// A 0600 file written atomically instead of stdout.
    public var output: String?
    public var list = false
    /// `--tag k=v` filters of `--list` (all must match).
    public var tags: [String] = []
    public var roster = false
    /// A roster file read instead of the vault.
    public var file: String?
    public var withSecret = false
    public var customers: [String] = []
    public var pageSize = 25
    /// `--tz` of `--list` timestamps; nil: `$REPORT_TZ`, else Asia/Seoul.
    public var tz: String?
    public var connection = VaultConnection()
    public var environment: [String: String] = EnvironmentFallback.process

    public init(secrets: [String] = [], format: SecretFormat? = nil, newline: Bool = false, output: String? = nil, list: Bool = false,
                tags: [String] = [], roster: Bool = false, file: String? = nil, withSecret: Bool = false, customers: [String] = [],
                pageSize: Int = 25, tz: String? = nil, connection: VaultConnection = VaultConnection(),
                environment: [String: String] = EnvironmentFallback.process) {
        self.secrets = secrets
        self.format = format
        self.newline = newline
        self.output = output
        self.list = list
        self.tags = tags
        self.roster = roster
        self.file = file
        self.withSecret = withSecret
        self.customers = customers
        self.pageSize = pageSize
        self.tz = tz
        self.connection = connection
        self.environment = environment
    }

    /// One job at a time, and each flag with its job.
    public func validate() throws {
        let modes = [list, roster, !secrets.isEmpty].filter { $0 }.count
        guard modes == 1 else {
            throw Failure(.usage, modes == 0 ? "name a secret, or use --list or --roster (see --help)" : "secret names, --list and --roster are separate jobs: use one")
        }
        if file != nil || withSecret || !customers.isEmpty, !roster { throw Failure(.usage, "--file, --with-secret and --customer go with --roster") }
        if !tags.isEmpty, !list { throw Failure(.usage, "--tag goes with --list") }
        if format != nil || newline, secrets.isEmpty { throw Failure(.usage, "--format and --newline go with secret names") }
        guard (1...25).contains(pageSize) else { throw Failure(.usage, "--page-size must be 1 to 25 (Key Vault's maxresults)") }
    }

    /// Does the job with a client of `connection` over the HTTP client `makeHTTP` builds (made
    /// only when the vault is needed).
    public func run(makeHTTP: (EnvironmentFallback) throws -> HTTPClient) async throws {
        try await run { try connection.client(environment: environment, makeHTTP: makeHTTP) }
    }

    /// Does the job; `connect` makes the vault's client, and is not called for a roster file.
    public func run(connect: () throws -> KeyVaultClient) async throws {
        try validate()
        let sink = OutputSink(path: output)
        if roster, let file {
            try writeRoster(try RosterFile.load(path: file), to: sink)
            return try sink.finish()
        }
        let requests = try secrets.map(SecretRequest.init)
        let outputFormat = try SecretFormat.resolve(format, count: requests.count)
        let client = try connect()
        if list {
            try await listSecrets(client, to: sink)
        } else if roster {
            try await vaultRoster(client, to: sink)
        } else {
            try await printValues(requests, format: outputFormat, client: client, to: sink)
        }
        try sink.finish()
    }

    // MARK: - Values

    public func printValues(_ requests: [SecretRequest], format: SecretFormat, client: KeyVaultClient, to sink: OutputSink) async throws {
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

    public func listSecrets(_ client: KeyVaultClient, to sink: OutputSink) async throws {
        let filter = try KeyValueArguments.parse(tags)
        let zone = try EnvironmentFallback(environment).resolve(
            tz, flag: "--tz", env: ["REPORT_TZ"], default: TimeZone(identifier: "Asia/Seoul")!,
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

    public func vaultRoster(_ client: KeyVaultClient, to sink: OutputSink) async throws {
        var secrets: [SecretBundle] = []
        try await client.listSecrets(maxResults: pageSize) { secrets.append(contentsOf: $0) }
        var entries = Roster.entries(from: secrets)
        entries = try RosterSelection.customers(customers, from: entries)
        if withSecret {
            try await Concurrently.forEach(entries, limit: 8, { entry in
                try await client.secret(name: entry.customerID).value ?? ""
            }) { index, secret in
                entries[index].secretKey = secret
            }
        }
        try writeRoster(entries, to: sink, filtered: true)
    }

    /// Writes roster lines (selected by `--customer` unless `filtered` already); `--with-secret`
    /// needs every chosen customer's secret key.
    public func writeRoster(_ entries: [RosterEntry], to sink: OutputSink, filtered: Bool = false) throws {
        let chosen = filtered ? entries : try RosterSelection.customers(customers, from: entries)
        if withSecret, let missing = chosen.first(where: { $0.secretKey == nil }) {
            throw Failure(.config, "customer '\(missing.customerID)' has no secret_key in the roster file", at: file)
        }
        for entry in chosen { sink.append(entry.json(withSecret: withSecret).compactBytes + [0x0A]) }
        Log.shared.info("roster", ["customers": "\(chosen.count)", "source": file ?? "vault"])
    }
}
