import Foundation
import Testing
import ReportKit
@testable import LoadKit

struct ConnectionSettingsTests {
    @Test func passwordsNeverOnTheCommandLine() {
        for bad in ["Driver={PostgreSQL Unicode};Server=h;PWD=secret", "DSN=x;Password=secret", "Server=h; pwd =secret"] {
            #expect { try ConnectionSettings.resolve(string: bad, file: nil, dsn: nil, database: "x", environment: [:]) } throws: {
                ($0 as? Failure)?.exitStatus == .usage && !($0 as? Failure)!.message.contains("secret")
            }
        }
        #expect(throws: Failure.self) { try ConnectionSettings.resolve(string: nil, file: nil, dsn: "x;PWD=y", database: "x", environment: [:]) }
    }

    @Test func theV2VariablesMakeASQLServerConnection() throws {
        let settings = try ConnectionSettings.resolve(string: nil, file: nil, dsn: nil, database: "x", environment: [
            "DATABASE_SERVER": "tcp:db.example,1433", "DATABASE_NAME": "ncp", "DATABASE_USER": "loader", "DATABASE_PWD": "p;w}d",
        ])
        #expect(settings.connectionString == "Driver={ODBC Driver 18 for SQL Server};Server=tcp:db.example,1433;Database=ncp;UID=loader;PWD={p;w}}d};Encrypt=yes;")
        // The FreeTDS fallback stays encrypted, in FreeTDS's words.
        let freetds = try ConnectionSettings.resolve(string: nil, file: nil, dsn: nil, database: "x", environment: [
            "DATABASE_SERVER": "db.example", "DATABASE_NAME": "ncp", "ODBC_DRIVER": "FreeTDS",
        ])
        #expect(freetds.connectionString == "Driver={FreeTDS};Server=db.example;Database=ncp;Encryption=require;")
        #expect(Redactor.shared.redact("failed: \(settings.connectionString)").contains("PWD=***"))
        #expect(!Redactor.shared.redact("p;w}d").contains("w}d"))
    }

    @Test func precedenceAndTheEmbeddedDefault() throws {
        let env = ["ODBC_CONNECTION_STRING": "DSN=fromenv"]
        #expect(try ConnectionSettings.resolve(string: "DSN=flag", file: nil, dsn: nil, database: "x", environment: env).connectionString == "DSN=flag")
        #expect(try ConnectionSettings.resolve(string: nil, file: nil, dsn: "report", database: "x", environment: env).connectionString == "DSN=report")
        #expect(try ConnectionSettings.resolve(string: nil, file: nil, dsn: nil, database: "x", environment: env).connectionString == "DSN=fromenv")
        let fallback = try ConnectionSettings.resolve(string: nil, file: nil, dsn: nil, database: "/tmp/r.sqlite", environment: [:])
        #expect(fallback.connectionString == "Driver={SQLite3};Database=/tmp/r.sqlite;")
        // An explicit --db wins over DATABASE_* on the machine (ncp-load --db test.sqlite on the
        // report VM must not write to production), and says what it shadowed.
        let production = ["DATABASE_SERVER": "prod.example", "DATABASE_NAME": "ncp", "ODBC_CONNECTION_STRING": "DSN=prod"]
        let explicit = try ConnectionSettings.resolve(string: nil, file: nil, dsn: nil, db: "/tmp/test.sqlite", database: "x", environment: production)
        #expect(explicit.connectionString == "Driver={SQLite3};Database=/tmp/test.sqlite;")
        #expect(explicit.source == "--db /tmp/test.sqlite")
        #expect(explicit.shadowed == ["$ODBC_CONNECTION_STRING", "the DATABASE_* variables"])
        // Without the flag the environment still comes before the SQLite default.
        #expect(try ConnectionSettings.resolve(string: nil, file: nil, dsn: nil, database: "x", environment: production).connectionString == "DSN=prod")
    }
}
