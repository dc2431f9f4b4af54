import Foundation
import ReportKit

/// What each child of the runner may see of its environment: only what its job needs.
/// ncp-fetch gets the customer's NCP keys and no database secret; ncp-json neither; ncp-load
/// the database variables and no NCP key; teams-notify the webhook. Everything else in the
/// runner's environment (pipeline secrets, cloud credentials) stays with the runner.
public enum ChildEnvironment {
    /// Variables every child may have: the system's, the toolkit's own settings, proxies and
    /// CA bundles. A name is kept when it is listed or starts with a listed prefix.
    static let common: [String] = [
        "PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "LC_", "TZ", "TMPDIR", "XDG_RUNTIME_DIR", "LD_LIBRARY_PATH",
        "SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE", "http_proxy", "https_proxy", "no_proxy", "all_proxy",
        "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "SWIFT_BACKTRACE",
        "REPORT_", "NCLOUD_API_GW", "NCLOUD_REGION", "NCLOUD_PLATFORM", "NCP_CONCURRENCY", "NCP_METRICS_CONCURRENCY",
    ]
    /// ncp-load's connection (the order in docs/contract.md: Environment) and the ODBC and libpq settings its drivers read.
    static let database: [String] = [
        "ODBC_CONNECTION_STRING", "DATABASE_SERVER", "DATABASE_NAME", "DATABASE_USER", "DATABASE_PWD", "ODBC_DRIVER",
        "ODBCINI", "ODBCSYSINI", "ODBCINSTINI", "PG", "FREETDS", "TDSVER",
    ]

    static func select(_ environment: [String: String], _ names: [String]) -> [String: String] {
        environment.filter { key, _ in names.contains { $0.hasSuffix("_") || $0 == "PG" ? key.hasPrefix($0) : key == $0 } }
    }

    /// What every child gets (ncp-json; and the base of the others).
    public static func common(from environment: [String: String]) -> [String: String] { select(environment, common) }

    /// What ncp-load gets on top of `common`.
    public static func database(from environment: [String: String]) -> [String: String] { select(environment, database) }

    /// What teams-notify gets on top of `common`.
    public static func teams(from environment: [String: String]) -> [String: String] { select(environment, ["TEAMS_WEBHOOK_URL"]) }

    /// Registers the database secrets of an environment with the redactor, so that nothing a
    /// child reports can carry them into an outcome record or a card.
    public static func registerSecrets(_ environment: [String: String], connectionStringFile: String? = nil) {
        if let password = environment["DATABASE_PWD"] { Redactor.shared.register(password) }
        if let text = environment["ODBC_CONNECTION_STRING"] { ConnectionString.registerSecrets(text) }
        if let file = connectionStringFile, let text = try? String(contentsOfFile: file, encoding: .utf8) { ConnectionString.registerSecrets(text) }
        for (key, value) in environment where key.hasPrefix("PG") && ConnectionString.isSecret(key: key) { Redactor.shared.register(value) }
    }
}
