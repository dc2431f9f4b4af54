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
    var cloud: AzureCloud?

    @Option(help: ArgumentHelp("raw, env or json (default: raw for one secret, env for several).", valueName: "format"))
    var format: SecretFormat?

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
        await ToolMain.run(tool: "kv-get", logging: logging) {
            try await VaultReader(
                secrets: secrets, format: format, newline: newline, output: output, list: list, tags: tags, roster: roster, file: file,
                withSecret: withSecret, customers: customers, pageSize: pageSize, tz: tz,
                connection: VaultConnection(
                    vault: vault, vaultURL: vaultUrl, cloud: cloud, credential: credential, identityClientID: identityClientId,
                    identityObjectID: identityObjectId, identityResourceID: identityResourceId, apiVersion: apiVersion,
                    retriesGiven: http.retries != nil)
            ).run { try http.client(environment: $0) }
        }
    }
}
