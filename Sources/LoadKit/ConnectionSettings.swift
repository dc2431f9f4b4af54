import Foundation
import ReportKit

/// Where ncp-load connects, first that is given: a flag (--connection-string-file,
/// --connection-string, --dsn, --db: an explicit flag always wins over the environment), then
/// $ODBC_CONNECTION_STRING, the v2 variables (DATABASE_SERVER, DATABASE_NAME, DATABASE_USER,
/// DATABASE_PWD; SQL Server through $ODBC_DRIVER), else the SQLite file ($REPORT_DB or the
/// default) through the SQLite3 ODBC driver. A password is never accepted on the command line.
public struct ConnectionSettings: Sendable {
    public let connectionString: String
    public let source: String
    /// The embedded default's file, whose folder ncp-load creates when it connects.
    public var sqliteFile: String?
    /// Connections that were also configured but lost to `source` (`-v` and `--check` say so).
    public var shadowed: [String] = []

    /// `db`: the --db flag (explicit, wins over the environment); `database`: the SQLite file
    /// to use when nothing else is configured ($REPORT_DB or the default).
    public static func resolve(
        string: String?, file: String?, dsn: String?, db: String? = nil, database: String, environment: [String: String]
    ) throws(Failure) -> ConnectionSettings {
        func sqlite(_ file: String, _ source: String) -> ConnectionSettings {
            let path = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
            return ConnectionSettings(connectionString: "Driver={SQLite3};Database=\(ConnectionString.braced(path));", source: source, sqliteFile: path)
        }
        let configured = [("--connection-string-file", file != nil), ("--connection-string", string != nil), ("--dsn", dsn != nil),
                          ("--db", db != nil), ("$ODBC_CONNECTION_STRING", !(environment["ODBC_CONNECTION_STRING"] ?? "").isEmpty),
                          ("the DATABASE_* variables", !(environment["DATABASE_SERVER"] ?? "").isEmpty)]
            .filter(\.1).map(\.0)
        func refuseSecrets(_ value: String, _ flag: String) throws(Failure) {
            if value.range(of: #"(?i)(^|;)\s*(pwd|password)\s*="#, options: .regularExpression) != nil {
                throw Failure(.usage, "\(flag) must not carry a password: put the connection string in $ODBC_CONNECTION_STRING or --connection-string-file FILE (mode 0600)")
            }
        }
        let settings: ConnectionSettings
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw Failure(.noInput, "cannot read the connection string file", at: file)
            }
            settings = ConnectionSettings(connectionString: text.trimmingCharacters(in: .whitespacesAndNewlines), source: "--connection-string-file \(file)")
        } else if let string {
            try refuseSecrets(string, "--connection-string")
            settings = ConnectionSettings(connectionString: string, source: "--connection-string")
        } else if let dsn {
            try refuseSecrets(dsn, "--dsn")
            settings = ConnectionSettings(connectionString: dsn.contains("=") ? dsn : "DSN=\(dsn)", source: "--dsn")
        } else if let db {
            settings = sqlite(db, "--db \(db)")
        } else if let value = environment["ODBC_CONNECTION_STRING"], !value.isEmpty {
            settings = ConnectionSettings(connectionString: value, source: "$ODBC_CONNECTION_STRING")
        } else if let server = environment["DATABASE_SERVER"], !server.isEmpty {
            guard let name = environment["DATABASE_NAME"], !name.isEmpty else {
                throw Failure(.config, "DATABASE_SERVER is set but DATABASE_NAME is not")
            }
            let driver = environment["ODBC_DRIVER"].flatMap { $0.isEmpty ? nil : $0 } ?? "ODBC Driver 18 for SQL Server"
            if let password = environment["DATABASE_PWD"] { Redactor.shared.register(password) }
            var parts = ["Driver={\(driver.replacingOccurrences(of: "}", with: "}}"))}", "Server=\(ConnectionString.braced(server))", "Database=\(ConnectionString.braced(name))"]
            if let user = environment["DATABASE_USER"], !user.isEmpty { parts.append("UID=\(ConnectionString.braced(user))") }
            if let password = environment["DATABASE_PWD"], !password.isEmpty { parts.append("PWD=\(ConnectionString.braced(password))") }
            // Encrypted in transit whichever driver: FreeTDS names it its own way.
            parts.append(driver.lowercased().contains("freetds") || driver.lowercased().contains("libtdsodbc") ? "Encryption=require" : "Encrypt=yes")
            settings = ConnectionSettings(connectionString: parts.joined(separator: ";") + ";", source: "the DATABASE_* variables")
        } else {
            settings = sqlite(database, environment["REPORT_DB"].map { _ in "$REPORT_DB \(database)" } ?? "the default \(database)")
        }
        var resolved = settings
        // `configured` is in the order of precedence: the first one won.
        resolved.shadowed = Array(configured.dropFirst())
        resolved.registerSecrets()
        return resolved
    }

    /// What an error may say about this connection: where it came from and its driver and
    /// server, never the string (which may hold a password in any escaped form).
    public var label: String { "\(source): \(ConnectionString.describe(connectionString))" }

    /// Whether the connection goes through the SQLite ODBC driver (it reports every error as HY000).
    public var isSQLite: Bool {
        ConnectionString.pairs(connectionString).contains { $0.key.lowercased() == "driver" && $0.value.lowercased().hasPrefix("sqlite") }
    }

    func registerSecrets() { ConnectionString.registerSecrets(connectionString) }
}
