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
    }
}
