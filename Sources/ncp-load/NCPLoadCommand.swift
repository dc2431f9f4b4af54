import ArgumentParser
import Foundation
import LoadKit
import ReportKit

@main
struct NCPLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ncp-load",
        abstract: "Load an NDJSON stream into a database table through ODBC, in one transaction.",
        discussion: """
            Flattens each object (a.b → a_b; arrays as JSON text), names columns safely, infers types (integer, float, boolean, timestamp with offset, text; NCP ids stay text), creates the table if missing and adds columns for new fields (never narrows or converts an existing column: a value that does not fit it is an error naming both; columns this load created widen instead), and loads everything in ONE transaction: a bad line, a failing statement or a kill leaves the database as it was. On MariaDB, which commits implicitly on CREATE and ALTER TABLE, the input is first read into an unnamed temporary file while the schema is settled, so no DDL falls inside the data transaction (if the data then fails, a new table or new columns stay, empty: additive, never data).

            --partition col=val stamps the columns on every row and replaces exactly that slice (delete, then insert, same transaction), so re-running a period never duplicates rows. --key col,... upserts instead (ON CONFLICT, MERGE, ON DUPLICATE KEY).

            Connection, first that is given: --connection-string-file FILE, --connection-string or --dsn (without a password), $ODBC_CONNECTION_STRING, the v2 variables DATABASE_SERVER/DATABASE_NAME/DATABASE_USER/DATABASE_PWD (SQL Server via $ODBC_DRIVER, default 'ODBC Driver 18 for SQL Server'), else the SQLite file --db (default ./report.sqlite) through the SQLite3 ODBC driver.

            Examples:
              ncp-fetch server --trailer | ncp-load --table server --partition period=2026-10 --partition customer=alpha --require-trailer
              ncp-load --table server --key serverInstanceNo --db report.sqlite < servers.ndjson
              ncp-load --table server --dry-run < servers.ndjson

            Exit status:
            \(ExitStatus.helpTable)
            """,
        version: ToolVersion.current
    )

    @Option(help: "Table to load into.")
    var table: String = ""

    @Option(help: ArgumentHelp("Load many slices in one connection: NDJSON entries {\"input\": FILE, \"partition\": {\"customer\": \"alpha\"}}, each its own transaction; one report line per entry on stdout.", valueName: "file"))
    var batch: String?

    @Flag(help: "Connect, print the database, driver and their versions as JSON, and stop (scripts/odbc-setup --check).")
    var check = false

    @Option(name: .customLong("partition"), help: ArgumentHelp("Stamp and replace this slice (repeatable).", valueName: "col=val"))
    var partitions: [String] = []

    @Option(help: ArgumentHelp("Upsert on these columns (comma-separated).", valueName: "col,..."))
    var key: String?

    @Option(help: ArgumentHelp("Also keep each original line in this column.", valueName: "col"))
    var rawColumn: String?

    @Option(help: ArgumentHelp("Joins nested keys (default _).", valueName: "sep"))
    var separator: String = "_"

    @Option(help: ArgumentHelp("ODBC connection string without a password.", valueName: "string"))
    var connectionString: String?

    @Option(help: ArgumentHelp("Read the connection string (which may hold a password) from this file.", valueName: "file"))
    var connectionStringFile: String?

    @Option(help: ArgumentHelp("An ODBC data source name.", valueName: "name"))
    var dsn: String?

    @Option(help: ArgumentHelp("SQLite file for the embedded default ($REPORT_DB).", valueName: "file"))
    var db: String?


    @Flag(help: "Print the DDL and the plan without touching the database.")
    var dryRun = false

    @Option(help: ArgumentHelp("none, or json: print what was done on stdout.", valueName: "none|json"))
    var report: String = "none"

    @Option(help: ArgumentHelp("Rows typed and inserted together (default 5000).", valueName: "n"))
    var batchSize: Int = 5_000


    @OptionGroup var stream: StreamInputOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        await ToolMain.run(tool: "ncp-load", logging: logging) { try execute() }
    }

    func execute() throws {
        if check { return try checkConnection() }
        guard !table.isEmpty, !table.contains(where: { $0.isNewline || $0 == "\0" }) else { throw Failure(.usage, "--table must be a name") }
        guard report == "none" || report == "json" else { throw Failure(.usage, "--report must be none or json") }
        guard (1...100_000).contains(batchSize) else { throw Failure(.usage, "--batch-size must be 1 to 100000") }
        var options = LoadOptions(table: table)
        options.partition = try KeyValueArguments.parse(partitions).map { ($0.key, $0.value) }
        if Set(options.partition.map(\.column)).count != options.partition.count {
            throw Failure(.usage, "each --partition column may be given once (a slice has one value per column)")
        }
        options.keys = key.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
        options.rawColumn = rawColumn
        options.separator = separator
        options.requireTrailer = stream.requireTrailer
        options.batchSize = batchSize
        let settings = try connectionSettings()
        if let batch {
            guard !dryRun, stream.input == "-" else { throw Failure(.usage, "--batch takes its inputs from its entries; --dry-run and --input do not apply") }
            return try runBatch(batch, options: options, settings: settings)
        }
        let reader = try stream.reader()

        if dryRun {
            let dialect = Dialect.guess(connectionString: settings.connectionString)
            let result = try Loader(connection: nil, dialect: dialect, options: options).run(reader)
            let out = OutputStream.stdout
            try out.writeLine("-- ncp-load plan (\(dialect.rawValue), connection from \(settings.source)): \(result.rows) rows into \(table), \(result.columns.count) columns; the table is assumed not to exist")
            for statement in result.statements { try out.writeLine(statement + ";") }
            try out.flush()
            return
        }

        let (connection, dialect) = try connect(settings)
        let result: LoadReport
        do {
            result = try Loader(connection: connection, dialect: dialect, options: options).run(reader)
            try connection.commit()
        } catch {
            connection.rollback()
            throw error
        }
        if !logging.quiet {
            let added = result.newColumns.isEmpty ? "" : ", new columns: \(result.newColumns.joined(separator: ", "))"
            let created = result.createdTable ? " (created the table)" : ""
            FileHandle.standardError.write(Data("ncp-load: \(result.rows) rows into \(table)\(created)\(added) in \(String(format: "%.2f", result.seconds)) s\n".utf8))
        }
        if report == "json" {
            try OutputStream.stdout.writeLine(result.json)
            try OutputStream.stdout.flush()
        }
    }

    /// The connection DESIGN.md §5 describes, from the flags and the environment.
    func connectionSettings() throws -> ConnectionSettings {
        let environment = EnvironmentFallback.process
        return try ConnectionSettings.resolve(
            string: connectionString, file: connectionStringFile, dsn: dsn, database: db ?? environment["REPORT_DB"] ?? "report.sqlite",
            environment: environment)
    }

    func connect(_ settings: ConnectionSettings) throws -> (ODBCConnection, Dialect) {
        Log.shared.info("connecting", ["source": settings.source])
        if let file = settings.sqliteFile {
            let folder = (file as NSString).deletingLastPathComponent
            do { try FileManager.default.createDirectory(atPath: folder.isEmpty ? "." : folder, withIntermediateDirectories: true) } catch {
                throw Failure(.cantCreate, "cannot create the folder for the database: \(error.localizedDescription)", at: folder)
            }
        }
        return try ODBCConnection.open(settings.connectionString)
    }

    /// `--batch`: one connection, one transaction per entry (its partition replaced, or nothing
    /// if it fails); a failing entry is rolled back and reported, the others go on.
    func runBatch(_ path: String, options common: LoadOptions, settings: ConnectionSettings) throws {
        let batch = try BatchFile(path: path)
        let (connection, dialect) = try connect(settings)
        for (index, entry) in batch.entries.enumerated() {
            let partition = entry["partition"]?.objectValue?.pairs.compactMap { pair in pair.value.scalarText.map { (pair.key, $0) } } ?? []
            var report = JSONObject([("partition", .object(JSONObject(partition.map { ($0.0, .string($0.1)) })))])
            do {
                guard let input = entry["input"]?.stringValue else { throw Failure(.dataError, "entry \(index + 1) has no input", at: path) }
                var options = common
                options.partition += partition.map { (column: $0.0, value: $0.1) }
                let reader = try NDJSONReader(path: input)
                let result: LoadReport
                do {
                    result = try Loader(connection: connection, dialect: dialect, options: options).run(reader)
                    try connection.commit()
                } catch {
                    connection.rollback()
                    throw error
                }
                report["input"] = .string(input)
                report["status"] = "ok"
                report["rows"] = .int(result.rows)
                report["newColumns"] = .array(result.newColumns.map { .string($0) })
                report["seconds"] = .double(result.seconds)
            } catch {
                BatchFile.fail(&report, error)
            }
            try batch.emit(report)
        }
        try batch.finish()
        if !logging.quiet {
            FileHandle.standardError.write(Data("ncp-load: \(batch.entries.count) slices into \(table)\n".utf8))
        }
    }

    /// `--check`: which database and driver the resolved connection reaches.
    func checkConnection() throws {
        let settings = try connectionSettings()
        let connection = try ODBCConnection(connectionString: settings.connectionString)
        let dbms = connection.info(ODBCInfo.dbmsName)
        try OutputStream.stdout.writeLine(.object(JSONObject([
            ("source", .string(settings.source)), ("dialect", Dialect.detect(dbmsName: dbms).map { .string($0.rawValue) } ?? .null),
            ("dbms", .string(dbms)), ("dbmsVersion", .string(connection.info(ODBCInfo.dbmsVersion))),
            ("driver", .string(connection.info(ODBCInfo.driverName))), ("driverVersion", .string(connection.info(ODBCInfo.driverVersion))),
        ])))
        try OutputStream.stdout.flush()
        connection.rollback()
    }
}
