import ArgumentParser
import Foundation
import ReportKit

/// `--via`: how ncp-load reaches the database (LoadPath).
public enum LoadVia: String, Sendable, CaseIterable, ExpressibleByArgument {
    /// The database's own library where there is one (SQLite, PostgreSQL), else ODBC.
    case auto
    /// The database's own library, or an error.
    case native
    /// ODBC, whatever the database.
    case odbc
}

/// A database ncp-load can reach through its own library, and what that library needs.
public enum NativeTarget: Sendable, Equatable {
    case sqlite(file: String)
    /// A libpq connection string or URL (it may hold a password: never printed).
    case postgresql(conninfo: String)

    public var path: LoadPath {
        switch self {
        case .sqlite: return .sqlite
        case .postgresql: return .postgresql
        }
    }
}

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
            let urlPassword = ConnectionString.postgresURL(value).map { $0.password != nil || $0.queryPassword != nil || $0.extra != nil } ?? false
            if urlPassword || value.range(of: #"(?i)(^|;)\s*(pwd|password)\s*="#, options: .regularExpression) != nil {
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

    /// The database's own library this connection can go through, if there is one: a SQLite file
    /// (`--db`, $REPORT_DB, the default, or an ODBC string naming the SQLite driver and its
    /// Database), or PostgreSQL (a `postgresql://` URL, or an ODBC string naming psqlODBC,
    /// whose keys become libpq's). A DSN and every other driver have none.
    public var native: NativeTarget? {
        if let sqliteFile { return .sqlite(file: sqliteFile) }
        if ConnectionString.isPostgresURL(connectionString) { return .postgresql(conninfo: connectionString) }
        let pairs = ConnectionString.pairs(connectionString)
        func value(_ keys: String...) -> String? { pairs.last { keys.contains($0.key.lowercased()) && !$0.value.isEmpty }?.value }
        let driver = (value("driver") ?? "").lowercased()
        if driver.hasPrefix("sqlite"), let file = value("database") {
            return .sqlite(file: file == ":memory:" || file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file)
        }
        guard driver.contains("postgres") || driver.contains("psqlodbc"), untranslatedKeys.isEmpty else { return nil }
        // psqlODBC's keys (any case) as libpq's.
        let names = [("host", ["server", "servername", "host"]), ("port", ["port"]), ("dbname", ["database", "dbname"]),
                     ("user", ["uid", "username", "user"]), ("password", ["pwd", "password"]), ("sslmode", ["sslmode"])]
        let conninfo = names.compactMap { name, keys -> String? in
            guard let found = pairs.last(where: { keys.contains($0.key.lowercased()) && !$0.value.isEmpty })?.value else { return nil }
            return "\(name)='" + found.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        }
        return .postgresql(conninfo: conninfo.joined(separator: " "))
    }

    /// psqlODBC keys that change what the session does (`ConnSettings`, `Pqopt`, `ReadOnly`, a
    /// certificate, …) and have no libpq form here: a string with any stays on ODBC, where they
    /// take effect. Keys for the driver's own representation of results are ignored.
    var untranslatedKeys: [String] {
        let translated: Set<String> = ["driver", "server", "servername", "host", "port", "database", "dbname", "uid", "username", "user",
                                       "pwd", "password", "sslmode"]
        let clientOnly: Set<String> = ["usedeclarefetch", "fetch", "boolsaschar", "maxvarcharsize", "maxlongvarcharsize", "textaslongvarchar",
                                       "unknownsaslongvarchar", "unknownsizes", "parse", "lfconversion", "updatablecursors", "useserversideprepare",
                                       "byteaaslongvarbinary", "debug", "commlog", "showoidcolumn", "fakeoidindex", "rowversioning",
                                       "showsystemtables", "disallowpremature", "trueisminus1", "bi", "lowercaseidentifier", "optimizer", "ksqo",
                                       "batchsize", "fetchrefcursors", "optionalerrors", "extrasystableprefixes", "protocol"]
        return ConnectionString.pairs(connectionString).map(\.key).filter { !translated.contains($0.lowercased()) && !clientOnly.contains($0.lowercased()) }
    }

    /// The path a load takes: `--via auto` the native one when there is one, else ODBC.
    public func path(via: LoadVia) throws(Failure) -> LoadPath {
        switch via {
        case .odbc:
            if ConnectionString.isPostgresURL(connectionString) {
                throw Failure(.usage, "--via odbc: a postgresql:// URL (\(source)) has no ODBC form; give an ODBC connection string, or drop --via odbc")
            }
            return .odbc
        case .native:
            guard let native else {
                let keys = untranslatedKeys
                if isPostgresODBC, !keys.isEmpty {
                    throw Failure(.usage, "--via native: \(label) sets \(keys.joined(separator: ", ")), which only psqlODBC applies; drop them or use --via odbc")
                }
                throw Failure(.usage, "--via native: \(label) has no native path (there is one for SQLite files and PostgreSQL); use --via odbc or auto")
            }
            return native.path
        case .auto:
            return native?.path ?? .odbc
        }
    }

    /// Whether the connection string names psqlODBC.
    var isPostgresODBC: Bool {
        ConnectionString.pairs(connectionString).contains {
            $0.key.lowercased() == "driver" && ($0.value.lowercased().contains("postgres") || $0.value.lowercased().contains("psqlodbc"))
        }
    }

    /// Whether the connection goes through the SQLite ODBC driver (it reports every error as HY000).
    public var isSQLite: Bool {
        ConnectionString.pairs(connectionString).contains { $0.key.lowercased() == "driver" && $0.value.lowercased().hasPrefix("sqlite") }
    }

    func registerSecrets() { ConnectionString.registerSecrets(connectionString) }
}
