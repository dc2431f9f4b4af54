import Foundation
import Testing
import ReportKit
@testable import LoadKit

/// What only the native paths need proving: that they read a table exactly as the ODBC path
/// does (an existing column's kind decides what a value may become), that they name the line a
/// database refused, and which connections take them.
@Suite(.serialized)
struct NativePathTests {
    /// Each database's declared types, as a DBA or v2 might have chosen them.
    static let declaredTypes: [String: [String]] = [
        "sqlite": ["INTEGER", "BIGINT", "INT", "SMALLINT", "TINYINT", "MEDIUMINT", "INT2", "INT8", "UNSIGNED BIG INT", "INTEGER UNSIGNED",
                   "REAL", "FLOAT", "DOUBLE", "DOUBLE PRECISION", "NUMERIC", "NUMERIC(10,2)", "DECIMAL", "DECIMAL(10,2)", "DEC", "NUMBER", "MONEY",
                   "TEXT", "VARCHAR(20)", "NVARCHAR(10)", "CHAR(3)", "CLOB", "BLOB", "BOOLEAN", "BOOL", "BIT", "BIT(1)",
                   "DATETIME", "DATETIME2", "TIMESTAMP", "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE", "DATE", "TIME", "POINT", "INTERVAL", ""],
        "postgresql": ["integer", "bigint", "smallint", "real", "double precision", "numeric(10,2)", "text", "varchar(20)", "char(3)",
                       "boolean", "timestamp", "timestamptz", "date", "time", "uuid", "jsonb", "bytea", "interval"],
    ]

    @Test(arguments: DatabaseTarget.all.filter { $0.via == .native })
    func anExistingTableReadsTheSameOverBothPaths(_ target: DatabaseTarget) throws {
        let table = uniqueTable("types")
        let types = try #require(Self.declaredTypes[target.name])
        try execute("CREATE TABLE \"\(table)\" (" + types.enumerated().map { "\"c\($0.offset)\" \($0.element)" }.joined(separator: ", ") + ")", on: target)
        let probe = "SELECT * FROM \"\(table)\" WHERE 1=0"
        let odbc = try ODBCConnection.open(target.connectionString).0.columns(of: probe)
        let native = try LoadConnector.open(target.settings, via: .native).0.columns(of: probe)
        #expect(native.map(\.name) == odbc.map(\.name))
        for (index, type) in types.enumerated() where index < min(native.count, odbc.count) {
            #expect(native[index].kind == odbc[index].kind, "\(type.isEmpty ? "no type" : type): \(native[index].kind) natively, \(odbc[index].kind) over ODBC")
        }
    }

    @Test(arguments: DatabaseTarget.all.filter { $0.name == "postgresql" })
    func aNULIsRefusedNamingItsLineAndColumn(_ target: DatabaseTarget) throws {
        let table = uniqueTable("nul")
        #expect {
            try load([#"{"id":"1","name":"a"}"#, #"{"id":"2","name":"b"}"#, #"{"id":"3","name":"c\u0000d"}"#], into: target) { $0.table = table }
        } throws: { error in
            let message = (error as? Failure)?.message ?? ""
            return message.hasPrefix("line 3: ") && message.contains("NUL")
        }
        #expect(throws: (any Error).self) { try rows("SELECT count(*) FROM \"\(table)\"", target) }  // nothing, not even the table
    }

    @Test(arguments: DatabaseTarget.all.filter { $0.name == "postgresql" && $0.via == .native })
    func aRowTheDatabaseRefusesInTheCopyIsNamedByItsInputLine(_ target: DatabaseTarget) throws {
        let table = uniqueTable("refused")
        try execute("CREATE TABLE \"\(table)\" (\"id\" text, \"code\" varchar(3))", on: target)
        // 1,200 rows over two batches: the refused one is the 1,107th input line, the 107th row of its COPY.
        var lines = (1...1_200).map { #"{"id":"\#($0)","code":"ab"}"# }
        lines[1_106] = #"{"id":"1107","code":"가나다라"}"#
        #expect {
            try load(lines, into: target) { $0.table = table; $0.batchSize = 1_000 }
        } throws: { error in
            guard let failure = error as? Failure else { return false }
            return failure.exitStatus == .dataError && failure.message.hasPrefix("line 1107: the database refused the row: [22001]")
        }
        #expect(try rows("SELECT count(*) FROM \"\(table)\"", target) == [["0"]])
    }

    @Test(arguments: DatabaseTarget.all.filter { $0.name == "postgresql" && $0.via == .native })
    func copyTextKeepsEveryCharacterItEscapes(_ target: DatabaseTarget) throws {
        let table = uniqueTable("escapes")
        let value = #"tab\there, newline\nthere, return\r, backslash \\ and \\N, \\. 한글"#
        try load([#"{"id":"1","v":"\#(value)","n":null}"#, #"{"id":"2","v":"\\N","n":"\\."}"#], into: target) { $0.table = table }
        let stored = try rows("SELECT \"v\", \"n\" FROM \"\(table)\" ORDER BY \"id\"", target)
        #expect(stored == [["tab\there, newline\nthere, return\r, backslash \\ and \\N, \\. 한글", nil], ["\\N", "\\."]])
    }

    @Test(arguments: DatabaseTarget.all.filter { $0.name == "postgresql" })
    func anUpsertOfThousandsOfBatchesHoldsNoLockPerBatch(_ target: DatabaseTarget) throws {
        // 3,000 one-row batches in one transaction: a stage table made per batch would take
        // more locks than the server has room for (64 per connection by default).
        let table = uniqueTable("upsert_batches")
        let lines = (1...3_000).map { #"{"id":"\#($0 % 2_500)","v":\#($0)}"# }
        let report = try load(lines, into: target) { $0.table = table; $0.keys = ["id"]; $0.batchSize = 1 }
        #expect(report.rows == 3_000)
        #expect(try rows("SELECT count(*), max(\"v\") FROM \"\(table)\"", target) == [["2500", "3000"]])
    }

    /// `--batch`: one connection, one transaction per slice; a slice that fails mid-stream is
    /// rolled back and the next one loads over the same connection (COPY ended, locks given back).
    @Test(arguments: DatabaseTarget.all)
    func slicesAfterAFailedOneLoadOverTheSameConnection(_ target: DatabaseTarget) throws {
        let table = uniqueTable("batch")
        let (connection, dialect) = try LoadConnector.open(target.settings, via: target.via)
        func slice(_ customer: String, _ lines: [String]) throws {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("slice-\(UUID().uuidString).ndjson")
            try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            var options = LoadOptions(table: table)
            options.partition = [("customer", customer)]
            options.batchSize = 100
            let loader = Loader(connection: connection, dialect: dialect, options: options)
            do {
                _ = try loader.run(try NDJSONReader(path: file.path))
                try loader.commit()
            } catch {
                loader.rollback()
                throw error
            }
        }
        let rowsOf = { (n: Int) in (1...n).map { #"{"id":"\#($0)","name":"서버-\#($0)"}"# } }
        try slice("alpha", rowsOf(250))
        #expect(throws: Failure.self) { try slice("bravo", rowsOf(250) + [#"{"id": nope}"#]) }  // fails after two batches went in
        try slice("charlie", rowsOf(120))
        try slice("alpha", rowsOf(10))  // a replaced slice, after the failure, on the same connection
        #expect(try rows("SELECT \"customer\", count(*) FROM \"\(table)\" GROUP BY \"customer\" ORDER BY 1", target) == [["alpha", "10"], ["charlie", "120"]])
    }

    @Test func theConnectionChoosesThePath() throws {
        func settings(_ string: String) -> ConnectionSettings { ConnectionSettings(connectionString: string, source: "the test") }
        let cwd = FileManager.default.currentDirectoryPath
        #expect(settings("Driver={SQLite3};Database=r.sqlite;").native == .sqlite(file: cwd + "/r.sqlite"))
        #expect(settings("driver=SQLite3;database=/x/r.sqlite").native == .sqlite(file: "/x/r.sqlite"))
        #expect(settings("postgresql://report@db.internal:5433/report?sslmode=require").native
            == .postgresql(conninfo: "postgresql://report@db.internal:5433/report?sslmode=require"))
        #expect(settings("Driver={PostgreSQL Unicode};Server=db;Port=5433;Database=report;Uid=o'brien;Pwd=a\\b;SSLmode=require;UseDeclareFetch=1").native
            == .postgresql(conninfo: #"host='db' port='5433' dbname='report' user='o\'brien' password='a\\b' sslmode='require'"#))
        for odbcOnly in ["DSN=report", "Driver={MariaDB Unicode};Server=db;", "Driver={ODBC Driver 18 for SQL Server};Server=db;"] {
            #expect(settings(odbcOnly).native == nil, "\(odbcOnly)")
            #expect(try settings(odbcOnly).path(via: .auto) == .odbc)
            #expect(throws: Failure.self) { try settings(odbcOnly).path(via: .native) }
        }
        // Keys only psqlODBC applies keep the connection on ODBC, where they take effect.
        let sessionSettings = settings("Driver={PostgreSQL Unicode};Server=db;ConnSettings={SET search_path TO report};Pqopt={sslrootcert=/ca.pem}")
        #expect(try sessionSettings.native == nil && sessionSettings.path(via: .auto) == .odbc)
        #expect { try sessionSettings.path(via: .native) } throws: {
            ($0 as? Failure)?.message.contains("sets ConnSettings, Pqopt, which only psqlODBC applies") == true
        }
        #expect(try settings("Driver={PostgreSQL Unicode};Server=db;").path(via: .odbc) == .odbc)
        #expect(try settings("Driver={PostgreSQL Unicode};Server=db;").path(via: .auto) == .postgresql)
        #expect { try settings("postgresql://db/report").path(via: .odbc) } throws: { ($0 as? Failure)?.exitStatus == .usage }
        // The default file is native too.
        let embedded = try ConnectionSettings.resolve(string: nil, file: nil, dsn: nil, database: "/tmp/r.sqlite", environment: [:])
        #expect(try embedded.path(via: .auto) == .sqlite)
    }

    @Test func aURLsPasswordIsNeverOnTheCommandLineNorInAnError() throws {
        for url in ["postgresql://report:hunter2x@db/report", "postgres://db/report?password=hunter2x"] {
            #expect { try ConnectionSettings.resolve(string: url, file: nil, dsn: nil, database: "x", environment: [:]) } throws: {
                ($0 as? Failure)?.exitStatus == .usage
            }
        }
        let settings = try ConnectionSettings.resolve(string: nil, file: nil, dsn: nil, database: "x",
                                                      environment: ["ODBC_CONNECTION_STRING": "postgresql://report:p%40ss%3Aw0rd@db.internal/report"])
        #expect(settings.label == "$ODBC_CONNECTION_STRING: PostgreSQL URL, server db.internal")
        #expect(Redactor.shared.redact("p@ss:w0rd and p%40ss%3Aw0rd") == "*** and ***")
        // Read as libpq reads it: a `?` in the password does not end the user part, and an
        // unencoded `@` leaves part of the password where libpq takes the host.
        #expect { try ConnectionSettings.resolve(string: "postgresql://u:pa?ss1@db/r", file: nil, dsn: nil, database: "x", environment: [:]) } throws: {
            ($0 as? Failure)?.exitStatus == .usage
        }
        let question = try ConnectionSettings.resolve(string: nil, file: nil, dsn: nil, database: "x", environment: ["ODBC_CONNECTION_STRING": "postgresql://u:pa?ss1@db/r"])
        #expect(question.label.hasSuffix("server db") && Redactor.shared.redact("pa?ss1") == "***", "\(question.label)")
        let at = try ConnectionSettings.resolve(string: nil, file: nil, dsn: nil, database: "x", environment: ["ODBC_CONNECTION_STRING": "postgresql://u:pw@ss22@db/r"])
        #expect(Redactor.shared.redact("pw@ss22") == "***", "\(at.label)")
    }
}
