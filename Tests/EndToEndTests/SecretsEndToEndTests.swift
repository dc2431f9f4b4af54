import Foundation
import Testing
import ReportKit

/// A connection that fails must say where the connection came from and which driver and
/// server it names, and nothing of its secrets in any escaped form (issue: the connect error
/// echoed the connection string).
@Suite(.serialized)
struct SecretsEndToEndTests {
    /// Secrets as an operator writes them: a braced password with an escaped brace, a space
    /// and a semicolon; a driver's other secret keys.
    static let connection = "Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=9;Database=x;UID=loader;PWD={Ab}}c d;9xyz};"
        + "sslpassword=ssl-pass-4821;KeyStoreSecret=kss-secret-7730;"
    static let fragments = ["Ab}", "Ab}}", "c d;9", "9xyz", "ssl-pass-4821", "kss-secret-7730", "PWD={", "Port=9;"]

    func load(_ environment: [String: String], _ arguments: [String] = []) throws -> ToolRunner.Result {
        try ToolRunner.run("ncp-load", ["--table", "t", "--partition", "period=2026-10"] + arguments,
                           environment: ToolRunner.baseEnvironment().merging(environment) { $1 }, stdin: "{\"a\":1}\n")
    }

    func expectNoSecret(_ text: String, _ extra: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) {
        for fragment in Self.fragments + extra {
            #expect(!text.contains(fragment), "'\(fragment)' shows in: \(text)", sourceLocation: sourceLocation)
        }
    }

    @Test func theConnectErrorNamesTheSourceDriverAndServerOnly() throws {
        let result = try load(["ODBC_CONNECTION_STRING": Self.connection])
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.stderr.contains("$ODBC_CONNECTION_STRING: driver PostgreSQL Unicode, server 127.0.0.1"), "\(result.stderr)")
        expectNoSecret(result.stderr)
    }

    @Test func aConnectionStringFileIsNamedNotShown() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("conn-\(UUID().uuidString)")
        try Self.connection.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try load([:], ["--connection-string-file", file.path, "--log-format", "json"])
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.stderr.contains("--connection-string-file \(file.path)"), "\(result.stderr)")
        expectNoSecret(result.stderr)
    }

    @Test(arguments: ["p}w;d-tail-5501", "pw\"q\\uote-6602", "{braced-7703}"])
    func aV2PasswordShowsInNoForm(_ password: String) throws {
        let result = try load(["DATABASE_SERVER": "127.0.0.1,9", "DATABASE_NAME": "ncp", "DATABASE_USER": "loader", "DATABASE_PWD": password,
                               "ODBC_DRIVER": "PostgreSQL Unicode"], ["--log-format", "json"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("the DATABASE_* variables: driver PostgreSQL Unicode, server 127.0.0.1,9"), "\(result.stderr)")
        let tail = String(password.suffix(6))
        expectNoSecret(result.stderr, [password, tail, JSONString(password).escaped])
    }
}
